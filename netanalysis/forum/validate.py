"""Validation and typing of forum tables: :func:`read_forum`.

Every check is vectorised over whole columns, so that a dataset of ten
million posts validates in seconds. Problems are gathered per table, column
and kind, with the 0-based row positions of the offending rows in the input
table, and reported all at once.
"""
from __future__ import annotations

import codecs
import dataclasses
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Literal, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._codes import has_duplicates, positions
from .model import Forum
from .readers import load_tables
from .validation_report import ForumDataError, Problem, ValidationReport
from .schema import (
    BOOL_COLUMNS, CATEGORIES, CATEGORY_COLUMNS, COLUMNS, ID_KIND, INT_COLUMNS, KEY,
    NULLABLE_IDS, REQUIRED, TABLES, TEXT_COLUMNS, TIME_COLUMNS,
)

__all__ = ["read_forum", "check_read_options"]

STRING = pd.StringDtype("pyarrow")
TIME = "datetime64[ns, UTC]"
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


# ---------------------------------------------------------------------------
# column typing
# ---------------------------------------------------------------------------
# An integer id: digits with an optional minus sign and no leading zero,
# optionally followed by ".0" (how float-typed exporters write integers);
# "-0" is not an integer id (it would merge with "0").
_INT_ID = r"-?(?:0|[1-9][0-9]{0,18})(?:\.0+)?"
_MINUS_ZERO = r"-0(?:\.0+)?"
_INT64_MAX = 2**63 - 1
#: Text ids longer than this are refused (a field that swallowed content).
MAX_ID_LENGTH = 1024


def _integral_or_none(s: pd.Series) -> pd.Series | None:
    """``s`` as nullable Int64 when every non-missing value is an integer id
    (see ``netanalysis.forum.schema``: "7", "-7", "7.0"; not "007", "+7",
    "-0", " 7"), else None."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return None
    if pd.api.types.is_integer_dtype(s.dtype):
        if pd.api.types.is_unsigned_integer_dtype(s.dtype) and len(s) and s.max() > _INT64_MAX:
            return None
        return s.astype("Int64")
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        ok = np.isnan(v) | ((v == np.floor(v)) & (np.abs(v) < 2**53))
        return s.astype("Int64") if ok.all() else None
    if pd.api.types.is_numeric_dtype(s.dtype):
        return None
    present = s.dropna()
    if present.empty:
        return pd.Series(pd.NA, index=s.index, dtype="Int64")
    if present.dtype == object and pd.api.types.infer_dtype(present, skipna=True) in ("boolean", "mixed"):
        return None
    text = present.astype(STRING)
    # Fast path: every id is already the canonical text of its integer.
    arr = pa.array(text)
    try:
        ints = pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ints = None
    if ints is not None and pc.all(pc.equal(pc.cast(ints, pa.string()), arr)).as_py():
        out = pd.Series(pd.NA, index=s.index, dtype="Int64")
        out[present.index] = ints.to_numpy(zero_copy_only=False)
        return out
    if not text.str.fullmatch(_INT_ID).all() or text.str.fullmatch(_MINUS_ZERO).any():
        return None
    digits = text.str.replace(r"\.0+$", "", regex=True)
    long = digits.str.len().to_numpy() >= 19
    if long.any() and any(abs(int(d)) > _INT64_MAX for d in digits[long]):
        return None
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    out[present.index] = digits.astype("int64").to_numpy()
    return out


def _as_string(s: pd.Series) -> pd.Series:
    """Text ids: each value exactly as written, except that integer ids take
    their canonical form ("7.0" and the number 7 are "7")."""
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        as_int = _integral_or_none(s)
        if as_int is not None:
            return as_int.astype(STRING)
        return s.astype(STRING)
    text = s.astype(STRING)
    if len(text) and text.str.contains(".", regex=False).fillna(False).any():
        text = text.str.replace(r"^(-?[1-9][0-9]*|0)\.0+$", r"\1", regex=True)
    return text


def _blank_as_missing(s: pd.Series) -> pd.Series:
    """Empty and whitespace-only text as missing (typed values; not ids)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        blank = s.astype(STRING).str.strip().eq("").fillna(False).to_numpy(dtype=bool)
        if blank.any():
            s = s.mask(blank)
    return s


def _empty_as_missing(s: pd.Series) -> pd.Series:
    """An empty field as a missing id (as an empty CSV field is)."""
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        empty = s.astype(STRING).eq("").fillna(False).to_numpy(dtype=bool)
        if empty.any():
            s = s.mask(empty)
    return s


# -- times ---------------------------------------------------------------------
_NS_MIN, _NS_MAX = -(2**63) + 1, 2**63 - 1
_NAT = np.iinfo(np.int64).min
UNITS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_UNIT_WORDS = {"s": "Unix seconds", "ms": "Unix milliseconds", "us": "Unix microseconds", "ns": "Unix nanoseconds"}
#: What a reply cycle (posts of the same time answering each other, directly
#: or through others) is: "error" (the default: a bad reply, refused, or in
#: drop mode dropped with its descendants and listed in report.dropped) or
#: "warning" (named in report.warnings, kept). Posts that answer each other
#: are impossible data: one of them must have been written first.
REPLY_CYCLES = "error"
CYCLE = ("reply cycle: posts of the same time that answer each other, directly or through others "
         "(one of them must have been written first)")
OUT_OF_RANGE = (f"timestamp out of the supported range ({pd.Timestamp.min:%Y-%m-%d} to "
                f"{pd.Timestamp.max:%Y-%m-%d})")
_NUMBER = r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*"


class _Times:
    """Typed times of one column and what went wrong, row-aligned."""

    def __init__(self, n: int, index):
        self.ns = np.full(n, _NAT, dtype=np.int64)
        self.unparseable = np.zeros(n, dtype=bool)
        self.out_of_range = np.zeros(n, dtype=bool)
        self.ambiguous: list[tuple[np.ndarray, str]] = []
        self.read_as: list[str] = []
        self.index = index

    same: pd.Series | None = None       # the input itself, when it is already right

    @property
    def values(self) -> pd.Series:
        if self.same is not None and not self.out_of_range.any():
            return self.same
        return pd.Series(pd.DatetimeIndex(self.ns.view("datetime64[ns]")).tz_localize("UTC"), index=self.index)

    def put(self, where: np.ndarray, other: "_Times") -> None:
        self.ns[where] = other.ns
        self.unparseable[where] = other.unparseable
        self.out_of_range[where] = other.out_of_range
        for mask, text in other.ambiguous:
            full = np.zeros(len(self.ns), dtype=bool)
            full[where] = mask
            self.ambiguous.append((full, text))
        self.read_as += [r for r in other.read_as if r not in self.read_as]


def _datetimes(s: pd.Series, res: _Times) -> None:
    """datetime64 values of any resolution, checked against the ns range."""
    arr = s.array
    if not hasattr(arr, "asi8"):
        arr = pd.array(s.to_numpy())
    unit = s.dtype.unit if hasattr(s.dtype, "unit") else np.datetime_data(s.dtype)[0]
    ints = arr.asi8  # UTC for time-zone-aware values
    nat = ints == _NAT
    if unit == "ns":
        res.ns[:] = ints
        if isinstance(s.dtype, pd.DatetimeTZDtype) and str(s.dtype.tz) == "UTC":
            res.same = s
        return
    factor = int(np.timedelta64(1, unit) / np.timedelta64(1, "ns"))
    ok = ~nat & (ints >= -(-_NS_MIN // factor)) & (ints <= _NS_MAX // factor)
    res.ns[ok] = ints[ok] * factor
    res.out_of_range |= ~nat & ~ok


def _valid_compact(v: np.ndarray, digits: int) -> np.ndarray:
    """Integers that read as a date (YYYYMMDD) or date-time (YYYYMMDDhhmm[ss])."""
    v = v.astype(np.int64)
    rest = 10 ** (digits - 8)
    date, clock = v // rest, v % rest
    y, m, d = date // 10000, date // 100 % 100, date % 100
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)] + (leap & (m == 2))
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= days) & (y >= 1000)
    if digits >= 12:
        hh, mm = (clock // 10 ** (digits - 10)), (clock // 10 ** (digits - 12)) % 100
        ok &= (hh < 24) & (mm < 60)
        if digits == 14:
            ok &= clock % 100 < 60
    return ok


def _numbers(s: pd.Series, unit: str | None, res: _Times) -> None:
    """Numbers as Unix times in ``unit`` (seconds when None, refusing
    numbers that are not plausibly seconds)."""
    n = len(s)
    present = s.notna().to_numpy()
    exact = pd.api.types.is_integer_dtype(s.dtype) and not (
        pd.api.types.is_unsigned_integer_dtype(s.dtype) and n and s.max() > _INT64_MAX)
    if exact:
        ints = s.to_numpy(dtype=np.int64, na_value=0)
        v = ints.astype(np.float64)
    else:
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        ints = None
    whole = present & np.isfinite(v) & (v == np.floor(v))
    ambiguous = np.zeros(n, dtype=bool)
    if unit is None:
        unit = "s"
        eight = whole & (v >= 1e7) & (v < 1e8)
        compact = np.zeros(n, dtype=bool)
        compact[eight] = _valid_compact(v[eight], 8)
        if compact.any():
            res.ambiguous.append((compact, (
                "numbers that read as compact dates (YYYYMMDD) would be Unix seconds in 1970-1973: pass "
                "time_unit='s' to read them as Unix seconds, or time_format='%Y%m%d' to read them as dates")))
        big = present & np.isfinite(v) & (np.abs(v) >= 1e11)
        if big.any():
            res.ambiguous.append((big, _big_numbers_hint(v[big], whole[big])))
        ambiguous = compact | big
        res.read_as.append("Unix seconds")
    else:
        res.read_as.append(_UNIT_WORDS[unit])
    factor = UNITS[unit]
    if ints is not None:
        ok = present & ~ambiguous & (ints >= -(-_NS_MIN // factor)) & (ints <= _NS_MAX // factor)
        res.ns[ok] = ints[ok] * factor
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            ns = v * factor
            ok = present & ~ambiguous & np.isfinite(ns) & (ns > -9.2233720368547e18) & (ns < 9.2233720368547e18)
        res.ns[ok] = np.round(ns[ok]).astype(np.int64)
    bad = present & ~ambiguous & ~ok
    nan = bad & ~np.isfinite(v)
    res.unparseable |= nan
    res.out_of_range |= bad & ~nan


def _big_numbers_hint(v: np.ndarray, whole: np.ndarray) -> str:
    for digits, fmt in ((14, "%Y%m%d%H%M%S"), (12, "%Y%m%d%H%M")):
        lo, hi = 10 ** (digits - 1), 10**digits
        if whole.all() and ((v >= lo) & (v < hi)).all() and _valid_compact(v, digits).all():
            return (f"numbers that read as compact date-times ({fmt.replace('%', '')}) are too large for Unix "
                    f"seconds: pass time_format='{fmt}' to read them as dates, or time_unit= to name their unit")
    mid = float(np.median(np.abs(v)))
    unit = "ms" if mid < 1e14 else "us" if mid < 1e17 else "ns"
    return (f"numbers too large for Unix seconds (Unix {_UNIT_WORDS[unit].split()[1]}?): pass time_unit='{unit}' "
            "(or 's', 'ms', 'us', 'ns') to say which unit they are in")


def _iso_out_of_range(text: pd.Series) -> np.ndarray:
    """Which unparsed ISO 8601 texts are real dates outside the ns range."""
    year = pd.to_numeric(text.str.extract(r"^\s*([+-]?[0-9]{4,})-", expand=False), errors="coerce")
    far = ((year < 1678) | (year > 2261)).fillna(False).to_numpy(dtype=bool)
    edge = year.isin([1677, 2262]).to_numpy(dtype=bool)
    out = far.copy()
    for i in np.flatnonzero(edge | far):
        try:
            datetime.fromisoformat(str(text.iloc[i]).strip().replace("Z", "+00:00"))
            out[i] = True
        except ValueError:
            out[i] = bool(far[i]) and abs(int(year.iloc[i])) > 9999
    return out


def _texts(text: pd.Series, fmt: str | None, res: _Times) -> None:
    present = text.notna().to_numpy()
    if fmt is None:
        parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        res.read_as.append("ISO 8601 text")
    else:
        parsed = pd.to_datetime(text, format=fmt, utc=True, errors="coerce")
        res.read_as.append(f"format {fmt!r}")
    _datetimes(pd.Series(parsed, index=text.index), res)
    failed = present & (res.ns == _NAT) & ~res.out_of_range
    if failed.any() and fmt is None:
        oor = np.zeros(len(text), dtype=bool)
        oor[failed] = _iso_out_of_range(text[failed])
        res.out_of_range |= oor
        failed &= ~oor
    res.unparseable |= failed


def _timestamps(s: pd.Series, unit: str | None = None, fmt: str | None = None) -> _Times:
    """Typed UTC times of ``s`` (ISO 8601 text, Unix times in ``unit``,
    text in the strftime format ``fmt``, or date-times)."""
    s = _blank_as_missing(s)
    res = _Times(len(s), s.index)
    present = s.notna().to_numpy()
    dtype = s.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        _datetimes(s, res)
        res.read_as.append("date-time values")
    elif pd.api.types.is_bool_dtype(dtype):
        res.unparseable |= present
    elif pd.api.types.is_numeric_dtype(dtype) and fmt is None:
        _numbers(s, unit, res)
    elif not present.any():
        pass
    else:
        if fmt is not None and pd.api.types.is_numeric_dtype(dtype):
            as_int = _integral_or_none(s)
            text = (as_int if as_int is not None else s).astype(STRING)
        else:
            if dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("datetime", "datetime64", "date"):
                try:
                    _datetimes(pd.Series(pd.to_datetime(s, utc=True), index=s.index), res)
                    res.read_as.append("date-time values")
                    return res
                except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
                    pass
            text = s.astype(STRING)
        if fmt is not None:
            _texts(text, fmt, res)
            return res
        is_num = present & text.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
        if is_num.any():
            sub = _Times(int(is_num.sum()), s.index[is_num])
            _numbers(pd.to_numeric(text[is_num].str.strip()), unit, sub)
            res.put(is_num, sub)
        is_text = present & ~is_num
        if is_text.any():
            sub = _Times(int(is_text.sum()), s.index[is_text])
            _texts(text[is_text], None, sub)
            res.put(is_text, sub)
    return res


def _integers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    s = _blank_as_missing(s)
    present = s.notna().to_numpy()
    as_int = _integral_or_none(s)
    if as_int is not None:
        return as_int, np.zeros(len(s), dtype=bool)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        num = pd.to_numeric(s.astype(STRING).str.strip().astype("object"), errors="coerce")
    else:
        num = pd.to_numeric(s.astype("object"), errors="coerce")
    v = num.to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(v) & (v == np.floor(v)) & (np.abs(v) < 2**53)
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    out[ok] = v[ok].astype(np.int64)
    return out, present & ~ok


def _booleans(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    s = _blank_as_missing(s)
    present = s.notna().to_numpy()
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), np.zeros(len(s), dtype=bool)
    text = s.astype("object").where(s.notna()).map(lambda x: str(x).strip().lower(), na_action="ignore")
    if pd.api.types.is_numeric_dtype(s.dtype):
        text = text.map(lambda x: x[:-2] if x.endswith(".0") else x, na_action="ignore")
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[is_true] = True
    out[is_false] = False
    return out, present & ~(is_true | is_false)


def _categories(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    s = _blank_as_missing(s)
    present = s.notna().to_numpy()
    text = s.astype("object").where(s.notna()).map(lambda x: str(x).strip().lower(), na_action="ignore")
    ok = text.isin(CATEGORIES).to_numpy()
    out = pd.Categorical(text.where(ok), categories=list(CATEGORIES))
    return pd.Series(out, index=s.index), present & ~ok


def _empty_column(table: str, column: str, n: int, id_dtype: dict[str, str]) -> pd.Series:
    if (table, column) in ID_KIND:
        kind = ID_KIND[(table, column)]
        dtype = "Int64" if id_dtype[kind] == "int" else STRING
        return pd.Series(pd.NA, index=range(n), dtype=dtype)
    if (table, column) in TIME_COLUMNS:
        return pd.Series(pd.NaT, index=range(n), dtype=TIME)
    if (table, column) in INT_COLUMNS:
        return pd.Series(pd.NA, index=range(n), dtype="Int64")
    if (table, column) in BOOL_COLUMNS:
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
    if (table, column) in CATEGORY_COLUMNS:
        return pd.Series(pd.Categorical([None] * n, categories=list(CATEGORIES)))
    return pd.Series(pd.NA, index=range(n), dtype=STRING)


# ---------------------------------------------------------------------------
# the reply forest
# ---------------------------------------------------------------------------
def _on_cycles(parent: np.ndarray) -> np.ndarray:
    """Mask of the nodes on a cycle of the functional graph ``i -> parent[i]``
    (-1: no parent). Pointer doubling over the nodes that have a parent:
    after ``2**r >= k`` steps a node still has a successor only when its path
    never ends, and those successors are exactly the nodes on cycles;
    O(k log k) for k nodes with a parent."""
    n = len(parent)
    nodes = np.flatnonzero(parent >= 0)
    out = np.zeros(n, dtype=bool)
    k = len(nodes)
    if not k:
        return out
    compact = np.full(n, -1, dtype=np.int64)
    compact[nodes] = np.arange(k)
    succ = compact[parent[nodes]]
    steps = 1
    while steps < k + 1:
        succ = np.where(succ >= 0, succ[np.maximum(succ, 0)], -1)
        steps *= 2
    out[nodes[np.unique(succ[succ >= 0])]] = True
    return out


def _descendants(parent: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Mask of the nodes of the forest ``i -> parent[i]`` that are ``roots``
    or lie below one. ``roots`` must have no parent (their edges cut), so each
    root heads its own tree: one connected-components pass, linear time."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(parent)
    if not roots.any():
        return np.zeros(n, dtype=bool)
    child = np.flatnonzero(parent >= 0)
    graph = coo_matrix((np.ones(len(child), dtype=np.int8), (child, parent[child])), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    tainted = np.zeros(labels.max() + 1, dtype=bool)
    tainted[labels[roots]] = True
    return tainted[labels]


# ---------------------------------------------------------------------------
# the checker
# ---------------------------------------------------------------------------
class _Checker:
    """Collects problems; in drop mode also the rows to drop per table.

    Tables keep their input row positions as index while being checked, so a
    problem's rows are positions in the input.
    """

    def __init__(self, tables: dict[str, pd.DataFrame], on_error: str, orphans: str = "drop",
                 time_unit: dict | None = None, time_format: dict | None = None,
                 sources: dict | None = None):
        self.t = tables
        self.on_error = on_error
        self.orphans = orphans
        self.time_unit = time_unit or {}
        self.time_format = time_format or {}
        self.sources = sources or {}
        self.problems: list[Problem] = []
        self.dropped: list[pd.DataFrame] = []
        self.cleared: list[pd.DataFrame] = []
        self.warnings: list[Problem] = []
        self.derived: list[str] = []
        self.read_as: dict[tuple[str, str], str] = {}

    def _rows_frame(self, table: str, df: pd.DataFrame, rows: np.ndarray, column, problem: str) -> pd.DataFrame:
        key = KEY[table]
        if key in df.columns and df.columns.is_unique:
            keys = df[key].loc[rows].to_numpy(dtype=object)
        else:
            keys = np.full(len(rows), None, dtype=object)
        return pd.DataFrame({
            "table": table, "row": rows.astype(np.int64), "key": keys,
            "column": column, "problem": problem,
        })

    def flag(self, table: str, column: str | None, problem: str, mask, index=None, *, fatal: bool = False) -> None:
        """Record rows of ``table`` where ``mask`` is true; drop them in drop mode.

        ``mask`` refers to the rows of ``index`` (default: the table's rows
        now); rows already dropped by an earlier check are left out. With
        ``fatal``, the problem raises in both modes and nothing is dropped.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        df = self.t[table]
        if index is None:
            index = df.index
        rows = np.asarray(index)[mask]
        if index is not df.index and not index.equals(df.index):
            rows = rows[pd.Index(rows).isin(df.index)]
        if not len(rows):
            return
        self.problems.append(Problem(table, column, problem, tuple(int(r) for r in rows), fatal=fatal))
        if self.on_error == "drop" and not fatal:
            self.dropped.append(self._rows_frame(table, df, rows, column, problem))
            self.t[table] = df[~df.index.isin(rows)]

    def fatal(self, table: str, column: str | None, problem: str) -> None:
        self.problems.append(Problem(table, column, problem, fatal=True))

    # -- structure ------------------------------------------------------------
    def check_structure(self) -> None:
        if "posts" not in self.t:
            self.fatal("posts", None, "required table is missing")
        for name, df in self.t.items():
            for col in REQUIRED[name]:
                if col not in df.columns:
                    self.fatal(name, col, "required column is missing")
            dup = df.columns[df.columns.duplicated()]
            for col in dup.unique():
                self.fatal(name, col, "column appears more than once")
        if "posts" in self.t and len(self.t["posts"]) == 0:
            self.fatal("posts", None, "empty dataset: the posts table has no rows")
        self.raise_if_fatal()

    def raise_if_fatal(self) -> None:
        fatal = [p for p in self.problems if p.fatal]
        if fatal:
            raise ForumDataError(fatal if self.on_error == "drop" else self.problems)

    # -- types ------------------------------------------------------------------
    def type_ids(self) -> dict[str, str]:
        """Type every id column; returns the dtype chosen per id kind.

        Every column is typed before any row is dropped, so that the masks
        of all columns refer to the same rows.
        """
        forms: dict[str, list[tuple[str, str, pd.Series, pd.Series | None]]] = {}
        for (table, col), kind in ID_KIND.items():
            if table in self.t and col in self.t[table].columns:
                s = _empty_as_missing(self.t[table][col])
                if pd.api.types.is_bool_dtype(s.dtype) or (
                        s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "boolean"):
                    self.problems.append(Problem(table, col, "a boolean column cannot hold ids, which must be "
                                                             "integers or text", fatal=True))
                forms.setdefault(kind, []).append((table, col, s, _integral_or_none(s)))
        chosen = {}
        for kind in ("member", "post", "thread", "subforum", "message"):
            cols = forms.get(kind, [])
            all_int = all(as_int is not None for *_, as_int in cols)
            chosen[kind] = "int" if all_int else "str"
            for table, col, s, as_int in cols:
                typed = as_int if all_int else _as_string(s)
                self.t[table] = self.t[table].assign(**{col: typed})
        for (table, col), kind in ID_KIND.items():
            if table in self.t and col in self.t[table].columns and chosen[kind] == "str":
                s = self.t[table][col]
                length = pc.utf8_length(pa.array(s, type=pa.string()))
                long = pc.fill_null(pc.greater(length, MAX_ID_LENGTH), False).to_numpy(zero_copy_only=False)
                self.flag(table, col, f"id longer than {MAX_ID_LENGTH} characters", long)
        for (table, col), kind in ID_KIND.items():
            if table in self.t and col in self.t[table].columns and (table, col) not in NULLABLE_IDS:
                self.flag(table, col, "missing value", self.t[table][col].isna().to_numpy())
        for (table, col), kind in ID_KIND.items():
            if table in self.t and col in self.t[table].columns and (table, col) not in NULLABLE_IDS:
                typed = self.t[table][col]
                if chosen[kind] == "int" and not typed.isna().any():
                    self.t[table] = self.t[table].assign(**{col: typed.astype(np.int64)})
        return chosen

    def type_times(self, name: str, col: str) -> None:
        df = self.t[name]
        s = df[col]
        unit = self.time_unit.get((name, col))
        fmt = self.time_format.get((name, col))
        res = _timestamps(s, unit, fmt)
        self.t[name] = df.assign(**{col: res.values})
        index = df.index
        for mask, text in res.ambiguous:
            self.flag(name, col, text, mask, index, fatal=True)
        need = f"need the format {fmt!r}" if fmt else "need ISO 8601 text or Unix seconds"
        self.flag(name, col, f"unparseable timestamp ({need})", res.unparseable, index)
        self.flag(name, col, OUT_OF_RANGE, res.out_of_range, index)
        if col in REQUIRED[name]:
            # Unparseable values were reported above; these are the absent ones.
            self.flag(name, col, "missing value", _blank_as_missing(s).isna().to_numpy(), index)
        src = self.sources.get(name)
        read_as = ", ".join(res.read_as) or "no values"
        if read_as == "date-time values" and src is not None and src.fmt == "csv":
            read_as = "ISO 8601 text"
        self.read_as[(name, col)] = read_as

    def type_values(self) -> None:
        for name in list(self.t):
            for col in COLUMNS[name]:
                df = self.t[name]
                if col not in df.columns or (name, col) in ID_KIND:
                    continue
                s = df[col]
                if (name, col) in TIME_COLUMNS:
                    self.type_times(name, col)
                elif (name, col) in INT_COLUMNS:
                    typed, bad = _integers(s)
                    self.t[name] = df.assign(**{col: typed})
                    self.flag(name, col, "not an integer", bad)
                elif (name, col) in BOOL_COLUMNS:
                    typed, bad = _booleans(s)
                    self.t[name] = df.assign(**{col: typed})
                    self.flag(name, col, "not a boolean (true/false, yes/no, 1/0)", bad)
                elif (name, col) in CATEGORY_COLUMNS:
                    typed, bad = _categories(s)
                    self.t[name] = df.assign(**{col: typed})
                    self.flag(name, col, f"unknown category (allowed: {', '.join(CATEGORIES)})", bad)
                elif (name, col) in TEXT_COLUMNS:
                    self.t[name] = df.assign(**{col: _blank_as_missing(s).astype(STRING)})

    # -- keys and references ------------------------------------------------------
    def check_keys(self) -> None:
        for name in TABLES:
            if name in self.t:
                key = KEY[name]
                self.flag(name, key, f"duplicate {key}", has_duplicates(self.t[name][key]))

    def check_reference(self, table: str, column: str, target: str, problem: str) -> None:
        if table not in self.t or target not in self.t or column not in self.t[table]:
            return
        values = self.t[table][column]
        present = values.notna().to_numpy()
        missing = np.zeros(len(values), dtype=bool)
        if present.all():
            missing = positions(self.t[target][KEY[target]], values) < 0
        elif present.any():
            missing[present] = positions(self.t[target][KEY[target]], values[present]) < 0
        self.flag(table, column, problem, missing)

    def _dropped_posts(self) -> pd.Series:
        keys = [d["key"] for d in self.dropped if len(d) and d["table"].iloc[0] == "posts"]
        return pd.concat(keys, ignore_index=True).dropna() if keys else pd.Series([], dtype=object)

    def check_replies(self) -> None:
        """reply_to must name an earlier (or simultaneous) post of the same
        thread, other than the post itself; replies that form a cycle (posts
        of the same time answering each other) are refused
        (:data:`REPLY_CYCLES`).

        In drop mode every reply to a dropped post is dropped with all its
        descendants (``orphans="drop"``) or kept with ``reply_to`` cleared
        (``orphans="detach"``). Both take time linear in the number of posts:
        one pass over the reply forest, whatever its depth.
        """
        posts = self.t["posts"]
        if "reply_to" not in posts:
            return
        n = len(posts)
        index = posts.index
        reply = posts["reply_to"]
        has = reply.notna().to_numpy()
        if not has.any():
            return
        target = np.full(n, -1, dtype=np.int64)
        target[has] = positions(posts["post_id"], reply[has])
        unknown = has & (target < 0)
        orphan = np.zeros(n, dtype=bool)
        if self.on_error == "drop" and unknown.any():
            gone = self._dropped_posts()
            if len(gone):
                orphan[unknown] = reply[unknown].isin(gone).to_numpy(dtype=bool)
        self_reply = has & (target == np.arange(n))
        tgt = np.where(target < 0, 0, target)
        thread, _ = pd.factorize(posts["thread_id"])
        other_thread = has & ~unknown & (thread[tgt] != thread) & ~self_reply
        time = posts["created_at"].to_numpy(dtype="datetime64[ns]")
        later = has & ~unknown & ~self_reply & ~other_thread & (time[tgt] > time)
        valid = has & ~unknown & ~self_reply & ~other_thread & ~later
        # A cycle needs every one of its replies to join posts of the same time.
        same_time = valid & (time[tgt] == time)
        cycle = _on_cycles(np.where(same_time, target, -1)) if same_time.any() else np.zeros(n, dtype=bool)
        detach = self.on_error == "drop" and self.orphans == "detach"
        masks = [
            ("reply to a post that does not exist", unknown & ~orphan if detach else unknown),
            ("reply to itself", self_reply),
            ("reply to a post in another thread", other_thread),
            ("reply to a later post", later),
        ]
        if REPLY_CYCLES == "error":
            masks.append((CYCLE, cycle))
        elif cycle.any():
            self.warnings.append(Problem(
                "posts", "reply_to", f"{CYCLE}; kept as they are", tuple(int(r) for r in np.asarray(index)[cycle])))
        if self.on_error != "drop":
            for problem, mask in masks:
                self.flag("posts", "reply_to", problem, mask, index)
            return
        bad = np.zeros(n, dtype=bool)
        for _, mask in masks:
            bad |= mask
        if detach:
            # The posts answering a dropped post stay, without their reply_to.
            clear = orphan | (valid & ~bad & bad[tgt])
            for problem, mask in masks:
                self.flag("posts", "reply_to", problem, mask, index)
            if clear.any():
                rows = np.asarray(index)[clear]
                self.cleared.append(self._rows_frame(
                    "posts", posts, rows, "reply_to", "reply_to cleared: the post it answers was dropped"))
                kept = self.t["posts"]
                self.t["posts"] = kept.assign(reply_to=kept["reply_to"].mask(kept.index.isin(rows)))
            return
        # Descendants of a dropped post: the trees hanging below it once each
        # dropped post is cut from the post it answers.
        parent = np.where(valid & ~bad, target, -1)
        below = _descendants(parent, bad) & ~bad
        for problem, mask in masks:
            if problem == "reply to a post that does not exist":
                mask = mask | below
            self.flag("posts", "reply_to", problem, mask, index)

    # -- warnings -------------------------------------------------------------------
    def warn_id_variants(self, id_dtype: dict[str, str]) -> None:
        """Text ids that differ from another id of their kind only by
        surrounding spaces or Unicode normal form (NFC) are kept distinct,
        with a warning naming their rows."""
        for kind in ("member", "post", "thread", "subforum", "message"):
            if id_dtype.get(kind) != "str":
                continue
            cols = [(t, c) for (t, c), k in ID_KIND.items() if k == kind and t in self.t and c in self.t[t]]
            if not cols:
                continue
            values = pd.concat([self.t[t][c].dropna().astype(STRING) for t, c in cols], ignore_index=True)
            values = pd.Series(values.unique(), dtype=STRING)
            if values.empty:
                continue
            arr = pa.array(values.to_numpy(dtype=object), type=pa.string())
            odd = pc.or_(pc.invert(pc.string_is_ascii(arr)), pc.not_equal(pc.utf8_trim_whitespace(arr), arr))
            odd = np.asarray(odd.to_numpy(zero_copy_only=False), dtype=bool)
            if not odd.any():
                continue
            cand = values[odd].tolist()
            norm = pd.Series([unicodedata.normalize("NFC", v.strip()) for v in cand], dtype=object)
            cand = pd.Series(cand, dtype=object)
            differs = (norm != cand).to_numpy()
            clash_plain = norm.isin(values.astype(object).tolist()).to_numpy() & differs
            counts = norm.map(norm.value_counts())
            clash_group = (counts > 1).to_numpy()
            hit = clash_plain | clash_group
            if not hit.any():
                continue
            variants = set(cand[hit]) | set(norm[hit])
            for t, c in cols:
                s = self.t[t][c]
                mask = s.astype(STRING).isin(variants).fillna(False).to_numpy(dtype=bool)
                if mask.any():
                    rows = tuple(int(r) for r in np.asarray(s.index)[mask])
                    self.warnings.append(Problem(
                        t, c, f"{kind} ids that differ from another only by surrounding spaces or Unicode normal "
                              "form (NFC); they are kept as distinct ids", rows))

    # -- derivation ---------------------------------------------------------------
    def derive(self, id_dtype: dict[str, str]) -> None:
        posts = self.t["posts"]
        if "threads" not in self.t:
            first = ~posts["thread_id"].duplicated()
            starters = posts[first.to_numpy()]
            self.t["threads"] = pd.DataFrame({
                "thread_id": starters["thread_id"].to_numpy(),
                "author_id": starters["author_id"].to_numpy(),
                "created_at": starters["created_at"].array,
            }).astype({"created_at": TIME})
            self.derived.append("threads: derived from posts (starter = first post's author, created_at = first post's time)")
        if "subforums" not in self.t:
            threads = self.t["threads"]
            if "subforum_id" in threads and threads["subforum_id"].notna().any():
                ids = threads["subforum_id"].dropna().drop_duplicates().sort_values()
                self.t["subforums"] = pd.DataFrame({"subforum_id": ids.to_numpy()})
                self.derived.append("subforums: derived from threads.subforum_id")
        if "members" not in self.t:
            parts = [posts["author_id"]]
            if "author_id" in self.t["threads"]:
                parts.append(self.t["threads"]["author_id"].dropna())
            if "messages" in self.t:
                parts += [self.t["messages"]["sender_id"], self.t["messages"]["recipient_id"]]
            dtype = np.int64 if id_dtype["member"] == "int" else STRING
            ids = pd.concat([p.astype(dtype) for p in parts], ignore_index=True)
            ids = ids.drop_duplicates().sort_values()
            self.t["members"] = pd.DataFrame({"member_id": ids.to_numpy()}).astype({"member_id": dtype})
            self.derived.append("members: derived from post and thread authors and message participants")


def _finish_table(name: str, df: pd.DataFrame, id_dtype: dict[str, str], derived: list[str], given: bool) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    out = {}
    absent = []
    for col in COLUMNS[name]:
        if col in df.columns:
            out[col] = df[col]
        else:
            out[col] = _empty_column(name, col, len(df), id_dtype)
            if given:
                absent.append(col)
    if absent:
        derived.append(f"{name}: absent columns filled with missing values: {', '.join(absent)}")
    kind_dtype = lambda kind: np.int64 if id_dtype[kind] == "int" else STRING  # noqa: E731
    for col in COLUMNS[name]:
        if (name, col) in ID_KIND and (name, col) not in NULLABLE_IDS:
            out[col] = out[col].astype(kind_dtype(ID_KIND[(name, col)]))
        elif (name, col) in NULLABLE_IDS:
            out[col] = out[col].astype("Int64" if id_dtype[ID_KIND[(name, col)]] == "int" else STRING)
    return pd.DataFrame(out)


def _empty_messages(id_dtype) -> pd.DataFrame:
    return pd.DataFrame({c: _empty_column("messages", c, 0, id_dtype) for c in COLUMNS["messages"]}).astype(
        {"message_id": np.int64 if id_dtype["message"] == "int" else STRING,
         "sender_id": np.int64 if id_dtype["member"] == "int" else STRING,
         "recipient_id": np.int64 if id_dtype["member"] == "int" else STRING}
    )


def _per_time_column(option, what: str, check) -> dict[tuple[str, str], str]:
    """An option given for every time column (a str) or per table or
    ``"table.column"`` (a mapping), as a value per time column."""
    if option is None:
        return {}
    if isinstance(option, str):
        check(option)
        return {tc: option for tc in TIME_COLUMNS}
    if not isinstance(option, Mapping):
        raise TypeError(f"{what} must be a str or a mapping of table or 'table.column' to str, "
                        f"not {type(option).__name__}")
    out: dict[tuple[str, str], str] = {}
    names = sorted(f"{t}.{c}" for t, c in TIME_COLUMNS)
    # Tables first, so that a column's own value wins.
    for key in sorted(option, key=lambda k: "." in str(k)):
        value = option[key]
        if value is None:
            continue
        check(value)
        if key in TABLES:
            cols = [tc for tc in TIME_COLUMNS if tc[0] == key]
        elif isinstance(key, str) and tuple(key.split(".", 1)) in TIME_COLUMNS:
            cols = [tuple(key.split(".", 1))]
        else:
            raise ValueError(f"{what}: {key!r} is not a table or a time column ({', '.join(names)})")
        for tc in cols:
            out[tc] = value
    return out


def _check_unit(unit) -> None:
    if unit not in UNITS:
        raise ValueError(f"time_unit must be one of {', '.join(map(repr, UNITS))}, not {unit!r}")


def _check_format(fmt) -> None:
    if not isinstance(fmt, str) or "%" not in fmt:
        raise ValueError(f"time_format must be a strftime format such as '%Y%m%d', not {fmt!r}")
    try:
        pd.to_datetime(pd.Series(["2000"]), format=fmt, utc=True, errors="coerce")
    except ValueError as exc:  # a bad directive, a stray %
        raise ValueError(f"time_format {fmt!r} is not a valid format ({exc})") from None


def _placed(problems, sources) -> list[Problem]:
    """The problems with the file lines of their rows (CSV tables)."""
    out = []
    for p in problems:
        src = sources.get(p.table)
        if p.rows and not p.lines and src is not None and src.fmt == "csv":
            lines = src.lines(p.rows)
            if lines is not None:
                p = dataclasses.replace(p, lines=tuple(int(x) for x in lines), file=src.file)
        out.append(p)
    return out


def _rows_table(frames: list[pd.DataFrame], sources) -> pd.DataFrame | None:
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    line = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    for table, part in rows.groupby("table", sort=False):
        src = sources.get(table)
        if src is not None and src.fmt == "csv":
            lines = src.lines(part["row"].to_numpy())
            if lines is not None:
                line[part.index] = lines
    rows["line"] = line
    return rows.astype({"table": "string", "column": "string", "problem": "string"})


def _time_spans(tables: dict[str, pd.DataFrame], read_as: dict) -> pd.DataFrame:
    spans = []
    for (table, col), how in read_as.items():
        if table not in tables or col not in tables[table]:
            continue
        t = tables[table][col]
        present = t.dropna()
        spans.append({
            "table": table, "column": col,
            "first": present.min() if len(present) else pd.NaT,
            "last": present.max() if len(present) else pd.NaT,
            "values": int(len(present)), "read_as": how,
        })
    if not spans:
        return ValidationReport().time_spans
    order = {tc: i for i, tc in enumerate((t, c) for t in TABLES for c in COLUMNS[t])}
    spans.sort(key=lambda d: order[(d["table"], d["column"])])
    out = pd.DataFrame(spans)
    return out.astype({"table": "string", "column": "string", "first": TIME, "last": TIME,
                       "values": np.int64, "read_as": "string"})


def check_read_options(*, on_error="raise", orphans="drop", time_unit=None, time_format=None,
                       encoding="utf-8", follow_links=False) -> None:
    """Raise ``ValueError`` (``TypeError`` for a value of the wrong type)
    naming the first option of :func:`read_forum` that is not allowed,
    without reading anything."""
    _read_options(on_error=on_error, orphans=orphans, time_unit=time_unit, time_format=time_format,
                  encoding=encoding, follow_links=follow_links)


def _read_options(*, on_error, orphans, time_unit, time_format, encoding, follow_links):
    """The checked options of :func:`read_forum`: the time units and formats per time column."""
    if on_error not in ("raise", "drop"):
        raise ValueError(f"on_error must be 'raise' or 'drop', not {on_error!r}")
    if orphans not in ("drop", "detach"):
        raise ValueError(f"orphans must be 'drop' or 'detach', not {orphans!r}")
    if not isinstance(follow_links, (bool, np.bool_)):
        raise TypeError(f"follow_links must be True or False, not {follow_links!r}")
    units = _per_time_column(time_unit, "time_unit", _check_unit)
    formats = _per_time_column(time_format, "time_format", _check_format)
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ValueError(f"encoding {encoding!r} is not a known text encoding") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"encoding {encoding!r} is not a text encoding (it encodes bytes as bytes)")
    return units, formats


_DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".sql", ".sql.gz")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _is_database(source) -> bool:
    """Whether ``source`` names a database (a URL, or a file with a database
    suffix) rather than a dataset folder or tables."""
    if not isinstance(source, (str, os.PathLike)):
        return False
    text = os.fspath(source)
    if _URL.match(text):
        return True
    return text.lower().endswith(_DATABASE_SUFFIXES) and not os.path.isdir(text)


def dataset_source(source):
    """A dataset argument as the readers take it: a database URL stays text
    (a ``Path`` would fold its ``//`` and lose the scheme), anything else
    becomes a ``Path``."""
    if isinstance(source, str) and _URL.match(source):
        return source
    return Path(source)


def dataset_files(source) -> list[Path]:
    """The files or folder a dataset argument reads, which an output must
    never be written into: the folder or file itself, the file of a
    ``sqlite:///`` or ``dump:///`` URL, nothing for a database server."""
    if isinstance(source, str) and _URL.match(source):
        from .database import _parse

        try:
            return [_parse(source)[1]]
        except (ValueError, NotImplementedError):
            return []
    return [Path(source)]


def _read_database_source(source, *, on_error, **folder_options) -> Forum:
    """``read_database(source)`` for ``read_forum``: folder options refused,
    a source it cannot open reported as a ForumDataError naming it."""
    from .database import read_database, source_label

    defaults = {"orphans": "drop", "time_unit": None, "time_format": None, "encoding": "utf-8",
                "follow_links": False}
    given = [name for name, value in folder_options.items() if value != defaults[name]]
    if given:
        raise ForumDataError([Problem("database", None, f"{', '.join(given)}: options of dataset folders; "
                                      "a database is read with its own types (see netanalysis.read_database)",
                                      fatal=True)], source=source_label(os.fspath(source)))
    try:
        return read_database(source, on_error=on_error)
    except ForumDataError:
        raise
    except (ValueError, NotImplementedError) as exc:
        raise ForumDataError([Problem("database", None, str(exc), fatal=True)], source=None) from None


def read_forum(
    source,
    *,
    on_error: Literal["raise", "drop"] = "raise",
    orphans: Literal["drop", "detach"] = "drop",
    time_unit: str | Mapping[str, str] | None = None,
    time_format: str | Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    follow_links: bool = False,
) -> Forum:
    """Read, validate and type a forum dataset.

    Parameters
    ----------
    source : path or mapping
        A folder holding ``posts`` and optionally ``threads``, ``subforums``,
        ``members`` and ``messages``, each as ``.csv``, ``.csv.gz``,
        ``.parquet`` or ``.pq``; or a mapping of table name to DataFrame.
        Columns are described in ``netanalysis.forum.schema``; other
        columns are not read. A forum package's database (a URL such as
        ``sqlite:///forum.db`` or ``dump:///forum.sql``, or a file ending
        ``.db``, ``.sqlite``, ``.sqlite3``, ``.sql`` or ``.sql.gz``) is read
        by :func:`netanalysis.read_database` with its defaults; the options
        below other than ``on_error`` are for dataset folders and are
        refused with a database.
    on_error : {"raise", "drop"}
        ``"raise"``: any problem raises one :class:`ForumDataError` listing
        every problem found, each with table, column, count and first rows.
        ``"drop"``: rows with a problem are dropped (and rows that depended
        on them: posts in a dropped thread, replies to a dropped post...);
        every dropped row is listed in ``forum.report.dropped``. Problems of a
        whole table or column (a missing required column, no posts, times
        whose unit is ambiguous) raise in both modes.
    orphans : {"drop", "detach"}
        With ``on_error="drop"``, what happens to the replies to a dropped
        post: ``"drop"`` drops them and everything below them in the reply
        tree (each listed in ``report.dropped`` as a reply to a post that
        does not exist); ``"detach"`` keeps them with ``reply_to`` cleared
        (each listed in ``report.cleared``), so one bad post costs no others.
    time_unit : {"s", "ms", "us", "ns"} or mapping, optional
        The unit of numeric times (Unix seconds, milliseconds...). Without
        it numbers are Unix seconds, and numbers that are not plausibly
        seconds (8-digit compact dates such as 20200101, values of 10**11 or
        more) are refused rather than guessed. A mapping gives it per table
        or per ``"table.column"``.
    time_format : str or mapping, optional
        A strftime format (``"%Y%m%d"``, ``"%d.%m.%Y %H:%M"``) for times
        written otherwise than ISO 8601 (naive times are UTC); per table or
        ``"table.column"`` with a mapping.
    encoding : str
        The text encoding of CSV files (default UTF-8).
    follow_links : bool
        Read a table that is a symbolic link to a file outside the dataset
        folder (refused by default).

    Returns
    -------
    Forum
        The typed tables, posts in order of ``created_at``; missing tables
        derived (threads and members from posts, subforums from threads).
        ``forum.report`` says what was derived, dropped or cleared, warns of
        ids that differ only by spaces or Unicode form, and gives the time
        span read from each time column and how it was read.

    Checks
    ------
    Missing required tables and columns; files that cannot be read as a
    table (wrong delimiter, bad encoding, records with the wrong number of
    fields, unclosed quotes, duplicated or misspelt column names, list or
    struct columns); values of the wrong type; unparseable, ambiguous or
    out-of-range timestamps; missing values in required columns; duplicate
    ids; a post in an unknown thread; a ``reply_to`` to an unknown post, to
    the post itself, to a post of another thread, to a later post, or in a
    cycle (posts of the same time answering each other, directly or through
    others); a thread in an unknown subforum; an author (of a post or a
    thread) unknown to ``members`` when ``members`` is given; a message from
    or to an unknown member; an empty dataset. Warnings (``report.warnings``,
    not errors): ids that differ only by surrounding spaces or Unicode normal
    form.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({
    ...     "post_id": [1, 2, 3], "thread_id": [10, 10, 10],
    ...     "author_id": ["ann", "bob", "ann"],
    ...     "created_at": ["2013-01-01T10:00Z", "2013-01-01T11:00Z", 1357041600],
    ...     "reply_to": [None, 1, 2]})
    >>> forum = read_forum({"posts": posts})
    >>> forum
    <Forum: 2 members, 0 subforums, 1 threads, 3 posts, 0 messages>
    >>> forum.posts["created_at"].iloc[2]
    Timestamp('2013-01-01 12:00:00+0000', tz='UTC')
    >>> bad = posts.assign(reply_to=[None, 3, 9])
    >>> read_forum({"posts": bad})
    Traceback (most recent call last):
    ...
    netanalysis.forum.validation_report.ForumDataError: invalid forum dataset (DataFrames): 2 problems
      - posts.reply_to: reply to a post that does not exist: 1 row (rows 2)
      - posts.reply_to: reply to a later post: 1 row (rows 1)
      (rows are 0-based data rows (row 0: the first record after a CSV header, or the first row))
    >>> read_forum({"posts": bad}, on_error="drop").report.dropped[["table", "row", "problem"]]
       table  row                              problem
    0  posts    2  reply to a post that does not exist
    1  posts    1                reply to a later post
    """
    if _is_database(source):
        return _read_database_source(source, on_error=on_error, orphans=orphans, time_unit=time_unit,
                                     time_format=time_format, encoding=encoding, follow_links=follow_links)
    units, formats = _read_options(on_error=on_error, orphans=orphans, time_unit=time_unit,
                                   time_format=time_format, encoding=encoding, follow_links=follow_links)
    raw, label, notes, sources = load_tables(source, encoding=encoding, follow_links=follow_links)
    provided = frozenset(raw)
    chk = _Checker(dict(raw), on_error, orphans, units, formats, sources)
    try:
        chk.check_structure()
        id_dtype = chk.type_ids()
        chk.type_values()
        chk.check_keys()
        # References, in the order in which rows depend on each other.
        chk.check_reference("threads", "subforum_id", "subforums", "thread in an unknown subforum")
        chk.check_reference("threads", "author_id", "members", "author unknown to members")
        chk.check_reference("posts", "thread_id", "threads", "post in an unknown thread")
        chk.check_reference("posts", "author_id", "members", "author unknown to members")
        chk.check_reference("messages", "sender_id", "members", "sender unknown to members")
        chk.check_reference("messages", "recipient_id", "members", "recipient unknown to members")
        if "posts" in chk.t:
            # Time order first: later checks and the Forum rely on it.
            posts = chk.t["posts"]
            if not posts["created_at"].is_monotonic_increasing:
                order = np.argsort(posts["created_at"].to_numpy(dtype="datetime64[ns]"), kind="stable")
                chk.t["posts"] = posts.iloc[order]
            chk.check_replies()
        if on_error == "drop" and len(chk.t["posts"]) == 0:
            chk.fatal("posts", None, "empty dataset: no post is left after dropping invalid rows")
        chk.raise_if_fatal()
    except ForumDataError as exc:
        raise ForumDataError(_placed(exc.problems, sources), source=label) from None
    if chk.problems and on_error == "raise":
        raise ForumDataError(_placed(chk.problems, sources), source=label)

    chk.warn_id_variants(id_dtype)
    chk.derive(id_dtype)
    derived = list(chk.derived)
    tables = {
        name: _finish_table(name, chk.t[name], id_dtype, derived, name in provided)
        for name in ("posts", "threads", "subforums", "members") if name in chk.t
    }
    if "subforums" not in tables:
        tables["subforums"] = pd.DataFrame(
            {c: _empty_column("subforums", c, 0, id_dtype) for c in COLUMNS["subforums"]}
        )
    tables["messages"] = (
        _finish_table("messages", chk.t["messages"], id_dtype, derived, True)
        if "messages" in chk.t else _empty_messages(id_dtype)
    )
    parts = {}
    dropped = _rows_table(chk.dropped, sources)
    if dropped is not None:
        parts["dropped"] = dropped
    cleared = _rows_table(chk.cleared, sources)
    if cleared is not None:
        parts["cleared"] = cleared
    report = ValidationReport(
        tuple(derived), tuple(_placed(chk.problems, sources)), notes=tuple(notes),
        warnings=tuple(_placed(chk.warnings, sources)), time_spans=_time_spans(tables, chk.read_as), **parts,
    )
    return Forum(
        tables["posts"], tables["threads"], tables["subforums"], tables["members"],
        tables["messages"], report, provided,
    )
