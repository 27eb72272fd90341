"""Validation and typing of forum tables: :func:`read_forum`.

Every check is vectorised over whole columns, so that a dataset of ten
million posts validates in seconds. Problems are gathered per table, column
and kind, with the 0-based row positions of the offending rows in the input
table, and reported all at once.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ._codes import has_duplicates, positions
from .model import Forum
from .readers import load_tables
from .report import ForumDataError, Problem, ValidationReport
from .schema import (
    BOOL_COLUMNS, CATEGORIES, CATEGORY_COLUMNS, COLUMNS, ID_KIND, INT_COLUMNS, KEY,
    NULLABLE_IDS, REQUIRED, TABLES, TEXT_COLUMNS, TIME_COLUMNS,
)

__all__ = ["read_forum"]

STRING = pd.StringDtype("pyarrow")
TIME = "datetime64[ns, UTC]"
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


# ---------------------------------------------------------------------------
# column typing
# ---------------------------------------------------------------------------
def _integral_or_none(s: pd.Series) -> pd.Series | None:
    """``s`` as nullable Int64 when every non-missing value is an integer
    written canonically (so that "007" stays a string id); else None."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return None
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64")
    if pd.api.types.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        ok = np.isnan(v) | ((v == np.floor(v)) & (np.abs(v) < 2**53))
        return s.astype("Int64") if ok.all() else None
    if pd.api.types.is_numeric_dtype(s.dtype):
        return None
    present = s.dropna()
    if present.empty:
        return s.astype("Int64")
    # Canonical decimal integers only, so that "007" and "7" stay different
    # ids; "12.0" (an integer column written by a float-typed exporter) is 12.
    text = present.astype(STRING)
    if not text.str.fullmatch(r"-?(0|[1-9][0-9]{0,17})(\.0+)?").all():
        return None
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    out[present.index] = text.str.replace(r"\.0+$", "", regex=True).astype("int64").to_numpy()
    return out


def _as_string(s: pd.Series) -> pd.Series:
    as_int = _integral_or_none(s) if pd.api.types.is_numeric_dtype(s.dtype) else None
    if as_int is not None:
        s = as_int
    return s.astype(STRING)


def _timestamps(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(UTC timestamps, mask of values present in input but unparseable)."""
    present = s.notna().to_numpy()
    dtype = s.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(dtype):
        out = s.dt.tz_localize("UTC")
    elif pd.api.types.is_bool_dtype(dtype):
        out = pd.Series(pd.NaT, index=s.index, dtype=TIME)
    elif pd.api.types.is_numeric_dtype(dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        # Unix seconds; outside the nanosecond range (years 1677-2262) is an error.
        v = np.where(np.abs(v) < 9.2e9, v, np.nan)
        out = pd.to_datetime(v, unit="s", utc=True, errors="coerce")
        out = pd.Series(out, index=s.index)
    else:
        text = s.astype("object")
        numeric = pd.to_numeric(text, errors="coerce")
        is_num = numeric.notna().to_numpy()
        if is_num.all() and present.any():
            return _timestamps(numeric)
        out = pd.Series(pd.NaT, index=s.index, dtype=TIME)
        is_text = present & ~is_num
        if is_text.any():
            parsed = pd.to_datetime(text[is_text].astype(str), format="ISO8601", utc=True, errors="coerce")
            out[is_text] = parsed.astype(TIME)
        if is_num.any():
            out[is_num], _ = _timestamps(numeric[is_num])
    out = pd.Series(out, index=s.index)
    try:
        out = out.astype(TIME)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        out = pd.to_datetime(out.astype(str).where(out.notna()), utc=True, errors="coerce").astype(TIME)
    bad = present & out.isna().to_numpy()
    return out, bad


def _integers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    present = s.notna().to_numpy()
    as_int = _integral_or_none(s)
    if as_int is not None:
        return as_int, np.zeros(len(s), dtype=bool)
    num = pd.to_numeric(s.astype("object"), errors="coerce")
    v = num.to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(v) & (v == np.floor(v)) & (np.abs(v) < 2**53)
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    out[ok] = v[ok].astype(np.int64)
    return out, present & ~ok


def _booleans(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
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
# the checker
# ---------------------------------------------------------------------------
class _Checker:
    """Collects problems; in drop mode also the rows to drop per table.

    Tables keep their input row positions as index while being checked, so a
    problem's rows are positions in the input.
    """

    def __init__(self, tables: dict[str, pd.DataFrame], on_error: str):
        self.t = tables
        self.on_error = on_error
        self.problems: list[Problem] = []
        self.dropped: list[pd.DataFrame] = []
        self.derived: list[str] = []

    def flag(self, table: str, column: str | None, problem: str, mask: np.ndarray) -> None:
        """Record rows of ``table`` where ``mask`` is true; drop them in drop mode."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        df = self.t[table]
        rows = df.index.to_numpy()[mask]
        self.problems.append(Problem(table, column, problem, tuple(int(r) for r in rows)))
        if self.on_error == "drop":
            key = KEY[table]
            keys = df[key].to_numpy(dtype=object)[mask] if key in df else np.full(len(rows), None)
            self.dropped.append(pd.DataFrame({
                "table": table, "row": rows.astype(np.int64), "key": keys,
                "column": column, "problem": problem,
            }))
            self.t[table] = df[~mask]

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
        """Type every id column; returns the dtype chosen per id kind."""
        forms: dict[str, list[tuple[str, str, pd.Series | None]]] = {}
        for (table, col), kind in ID_KIND.items():
            if table in self.t and col in self.t[table].columns:
                s = self.t[table][col]
                forms.setdefault(kind, []).append((table, col, _integral_or_none(s)))
        chosen = {}
        for kind in ("member", "post", "thread", "subforum", "message"):
            cols = forms.get(kind, [])
            all_int = all(as_int is not None for _, _, as_int in cols)
            chosen[kind] = "int" if all_int else "str"
            for table, col, as_int in cols:
                df = self.t[table]
                if all_int:
                    typed = as_int
                else:
                    typed = _as_string(df[col])
                self.t[table] = df.assign(**{col: typed})
                if (table, col) not in NULLABLE_IDS:
                    self.flag(table, col, "missing value", typed.isna().to_numpy())
                    typed = self.t[table][col]
                    if all_int and not typed.isna().any():
                        self.t[table] = self.t[table].assign(**{col: typed.astype(np.int64)})
        return chosen

    def type_values(self) -> None:
        for name in list(self.t):
            for col in COLUMNS[name]:
                df = self.t[name]
                if col not in df.columns or (name, col) in ID_KIND:
                    continue
                s = df[col]
                if (name, col) in TIME_COLUMNS:
                    typed, bad = _timestamps(s)
                    self.t[name] = df.assign(**{col: typed})
                    self.flag(name, col, "unparseable timestamp (need ISO 8601 text or Unix seconds)", bad)
                    if col in REQUIRED[name]:
                        # Unparseable values were reported above; these are the absent ones.
                        current = self.t[name].index
                        absent = s.isna() if len(current) == len(s) else s.loc[current].isna()
                        absent = absent.to_numpy()
                        self.flag(name, col, "missing value", absent)
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
                    self.t[name] = df.assign(**{col: s.astype(STRING)})

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

    def check_replies(self) -> None:
        """reply_to must name an earlier (or simultaneous) post of the same
        thread, other than the post itself. In drop mode, repeated until no
        reply points at a dropped post."""
        while True:
            posts = self.t["posts"]
            if "reply_to" not in posts:
                return
            reply = posts["reply_to"]
            has = reply.notna().to_numpy()
            if not has.any():
                return
            target = np.full(len(posts), -1, dtype=np.int64)
            target[has] = positions(posts["post_id"], reply[has])
            unknown = has & (target < 0)
            self_reply = has & (target == np.arange(len(posts)))
            tgt = np.where(target < 0, 0, target)
            thread, _ = pd.factorize(posts["thread_id"])
            other_thread = has & ~unknown & (thread[tgt] != thread)
            time = posts["created_at"].to_numpy(dtype="datetime64[ns]")
            later = has & ~unknown & ~self_reply & (time[tgt] > time)
            before = len(posts)
            # Problems are found on one state of the table, then dropped together.
            masks = [
                ("reply to a post that does not exist", unknown),
                ("reply to itself", self_reply),
                ("reply to a post in another thread", other_thread & ~self_reply),
                ("reply to a later post", later & ~other_thread),
            ]
            if self.on_error != "drop":
                for problem, mask in masks:
                    self.flag("posts", "reply_to", problem, mask)
                return
            any_bad = np.zeros(len(posts), dtype=bool)
            for problem, mask in masks:
                rows = posts.index.to_numpy()[mask & ~any_bad]
                if len(rows):
                    self.problems.append(Problem("posts", "reply_to", problem, tuple(int(r) for r in rows)))
                    self.dropped.append(pd.DataFrame({
                        "table": "posts", "row": rows.astype(np.int64),
                        "key": posts["post_id"].to_numpy(dtype=object)[mask & ~any_bad],
                        "column": "reply_to", "problem": problem,
                    }))
                any_bad |= mask
            self.t["posts"] = posts[~any_bad]
            if len(self.t["posts"]) == before:
                return

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


def read_forum(source, *, on_error: Literal["raise", "drop"] = "raise") -> Forum:
    """Read, validate and type a forum dataset.

    Parameters
    ----------
    source : path or mapping
        A folder holding ``posts`` and optionally ``threads``, ``subforums``,
        ``members`` and ``messages``, each as ``.csv``, ``.csv.gz``,
        ``.parquet`` or ``.pq``; or a mapping of table name to DataFrame.
        Columns are described in :mod:`netanalysis.forum.schema`; other
        columns are not read.
    on_error : {"raise", "drop"}
        ``"raise"``: any problem raises one :class:`ForumDataError` listing
        every problem found, each with table, column, count and first rows.
        ``"drop"``: rows with a problem are dropped (and rows that depended
        on them: posts in a dropped thread, replies to a dropped post...);
        every dropped row is listed in ``forum.report.dropped``. Problems of a
        whole table or column (a missing required column, no posts) raise in
        both modes.

    Returns
    -------
    Forum
        The typed tables, posts in order of ``created_at``; missing tables
        derived (threads and members from posts, subforums from threads).

    Checks
    ------
    Missing required tables and columns; values of the wrong type;
    unparseable timestamps; missing values in required columns; duplicate
    ids; a post in an unknown thread; a ``reply_to`` to an unknown post, to
    the post itself, to a post of another thread or to a later post; a thread
    in an unknown subforum; an author (of a post or a thread) unknown to
    ``members`` when ``members`` is given; a message from or to an unknown
    member; an empty dataset.

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
    netanalysis.forum.report.ForumDataError: invalid forum dataset (DataFrames): 2 problems
      - posts.reply_to: reply to a post that does not exist: 1 row (rows 2)
      - posts.reply_to: reply to a later post: 1 row (rows 1)
    >>> read_forum({"posts": bad}, on_error="drop").report.dropped[["table", "row", "problem"]]
       table  row                              problem
    0  posts    2  reply to a post that does not exist
    1  posts    1                reply to a later post
    """
    if on_error not in ("raise", "drop"):
        raise ValueError(f"on_error must be 'raise' or 'drop', not {on_error!r}")
    raw, label, notes = load_tables(source)
    provided = frozenset(raw)
    chk = _Checker(dict(raw), on_error)
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
        raise ForumDataError(list(exc.problems), source=label) from None
    if chk.problems and on_error == "raise":
        raise ForumDataError(chk.problems, source=label)

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
    if chk.dropped:
        dropped = pd.concat(chk.dropped, ignore_index=True)
        dropped = dropped.astype({"table": "string", "column": "string", "problem": "string"})
        report = ValidationReport(tuple(derived), tuple(chk.problems), dropped, tuple(notes))
    else:
        report = ValidationReport(tuple(derived), tuple(chk.problems), notes=tuple(notes))
    return Forum(
        tables["posts"], tables["threads"], tables["subforums"], tables["members"],
        tables["messages"], report, provided,
    )
