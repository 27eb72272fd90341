"""Reading the tables of a forum dataset from a folder or from DataFrames.

Only the columns of the data model are read: any other column (a message
body, a title, an IP address) is left in the file, never loaded, and named in
the validation report. netanalysis needs no content and keeps none.

CSV files are read as RFC 4180 text: comma-separated, a header line naming
the columns, UTF-8 unless another encoding is given, fields with commas,
quotes or line breaks in double quotes. A field is missing only when it is
empty: ``NA``, ``null``, ``None``, ``nan`` or ``N/A`` are values like any
other (a member may be called ``NA``). Every problem of a file is reported
with the table, the column and the rows, never with the file's content.

Row numbers: every problem names 0-based data rows (``rows``: row 0 is the
first record after the header, or the first row of a Parquet file or a
DataFrame); for a CSV file it also names the lines of the file (``lines``:
line 1 is the header), which differ from ``row + 2`` where a quoted field
spans lines or blank lines are skipped.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .validation_report import ForumDataError, Problem
from .schema import COLUMNS, ID_KIND, TABLES, TIME_COLUMNS

__all__ = ["load_tables", "table_files", "TableSource", "SUFFIXES"]

#: File name endings read for a table, by format.
SUFFIXES = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".pq": "parquet"}

# CSV blocks are parsed in parallel; a record longer than a block is read by
# retrying with larger blocks, up to this size.
_BLOCK = 1 << 22
_MAX_BLOCK = 1 << 30
# The header must end within this many bytes.
_MAX_HEADER = 1 << 20
_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "vertical bar"}
# Python values a DataFrame column may hold (others, such as lists, are refused).
_SCALARS = (str, int, float, bool, np.generic, pd.Timestamp, np.datetime64)


@dataclass
class TableSource:
    """Where a table was read from, for messages: the format, the file and
    how to turn its 0-based data rows into the lines of a CSV file."""

    name: str
    fmt: str                      # "csv", "parquet" or "frame"
    path: Path | None = None
    encoding: str = "utf-8"
    skip_lines: int = 1           # physical lines up to and including the header
    _lines: object = field(default=None, repr=False)

    @property
    def file(self) -> str | None:
        return self.path.name if self.path is not None else None

    def lines(self, rows) -> np.ndarray | None:
        """File line numbers (1-based, the header is line 1) of the 0-based
        data ``rows`` of a CSV table; None for other formats."""
        if self.fmt != "csv" or self.path is None:
            return None
        rows = np.asarray(rows, dtype=np.int64)
        if self._lines is None:
            try:
                self._lines = _record_lines(self.path, self.encoding, self.skip_lines)
            except (OSError, EOFError, csv.Error, ValueError):
                self._lines = False
        if self._lines is False:
            return None
        if isinstance(self._lines, int):
            return rows + self._lines
        lines = self._lines
        out = np.full(len(rows), -1, dtype=np.int64)
        inside = (rows >= 0) & (rows < len(lines))
        out[inside] = lines[rows[inside]]
        return out


def _problem(name, column, text, rows=(), lines=(), file=None) -> Problem:
    return Problem(name, column, text, tuple(int(r) for r in rows), fatal=True,
                   lines=tuple(int(x) for x in lines), file=file)


# ---------------------------------------------------------------------------
# finding the files
# ---------------------------------------------------------------------------
def _kind_of(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "unreadable"
    import stat

    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def table_files(folder: Path, *, follow_links: bool = False) -> dict[str, Path]:
    """The file of each table present in ``folder``.

    Raises ForumDataError when a table is present in two formats (which one
    to trust would be a guess), when a table's name is not a regular file (a
    folder, a pipe, a device, a broken link), or when it is a symbolic link
    to a file outside ``folder`` and ``follow_links`` is false.
    """
    found: dict[str, list[Path]] = {}
    problems: list[Problem] = []
    root = folder.resolve()
    for name in TABLES:
        for suffix in SUFFIXES:
            path = folder / f"{name}{suffix}"
            if not (path.is_symlink() or path.exists()):
                continue
            if path.is_symlink():
                if not path.exists():
                    problems.append(_problem(name, None, f"{path.name} is a broken symbolic link"))
                    continue
                target = path.resolve()
                if not follow_links and root != target and root not in target.parents:
                    problems.append(_problem(
                        name, None,
                        f"{path.name} is a symbolic link to a file outside the dataset folder; it is not "
                        "read unless links out of the dataset are allowed (read_forum(..., follow_links=True))"))
                    continue
            if not path.is_file():
                problems.append(_problem(name, None, f"{path.name} is {_kind_of(path)}, not a table file"))
                continue
            found.setdefault(name, []).append(path)
    problems += [
        Problem(name, None, "present in more than one file: " + ", ".join(p.name for p in paths), fatal=True)
        for name, paths in found.items() if len(paths) > 1
    ]
    if problems:
        raise ForumDataError(problems, source=str(folder))
    return {name: paths[0] for name, paths in found.items()}


def _os_message(exc: BaseException) -> str:
    """An OS or decompression error in words, without file content."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, (gzip.BadGzipFile, EOFError)):
        return "not a valid gzip file (or a truncated one)"
    return type(exc).__name__


def _sanitised(exc: BaseException) -> str:
    """The first clause of a reader's message: the reader's own words, never
    the data it quotes (pyarrow appends the offending line after a colon)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "CSV" in text or "column" in text.lower():
        text = text.split(":")[0]
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:200]


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------
def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _read_head(path: Path) -> bytes:
    with _open_bytes(path) as f:
        head = f.read(1 << 16)
        while b"\n" not in head and b"\r" not in head and len(head) < _MAX_HEADER:
            more = f.read(1 << 16)
            if not more:
                break
            head += more
    return head


def _quote_count_is_odd(path: Path) -> bool:
    odd = 0
    with _open_bytes(path) as f:
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                return bool(odd)
            odd ^= chunk.count(b'"') & 1


def _text_stream(path: Path, encoding: str):
    # The csv module refuses fields over 128 KiB by default; the fast reader has no such limit.
    if csv.field_size_limit() < _MAX_BLOCK:
        csv.field_size_limit(_MAX_BLOCK)
    return io.TextIOWrapper(_open_bytes(path), encoding=encoding, errors="surrogateescape", newline="")


def _record_lines(path: Path, encoding: str, skip_lines: int):
    """The first line of every data record of a CSV file (an array), or, when
    no record spans lines and no line is blank, the offset from row to line."""
    with _open_bytes(path) as f:
        data = f.read()
    if (b'"' not in data and b"\n\n" not in data and b"\n\r\n" not in data
            and data.count(b"\r") == data.count(b"\r\n")):
        return skip_lines + 1
    starts = []
    with _text_stream(path, encoding) as f:
        reader = csv.reader(f)
        previous = 0
        seen_header = False
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if not record:
                continue
            if not seen_header:
                seen_header = True
                continue
            starts.append(start)
    return np.asarray(starts, dtype=np.int64)


def _parse_header(name: str, path: Path, head: bytes, encoding: str, problems: list[Problem]):
    """The header's field names and the number of lines up to and including it."""
    if head.startswith(codecs.BOM_UTF8) and encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig"):
        head = head[len(codecs.BOM_UTF8):]
    # Leading blank lines are skipped (as the parser skips blank lines).
    stripped = head.lstrip(b"\r\n")
    blank = head[: len(head) - len(stripped)]
    leading = blank.count(b"\n") + blank.count(b"\r") - blank.count(b"\r\n")
    end = min((i for i in (stripped.find(b"\n"), stripped.find(b"\r")) if i >= 0), default=-1)
    if not stripped.strip():
        problems.append(_problem(name, None, f"{path.name} is empty: no header line"))
        return None
    if end < 0 and len(head) >= _MAX_HEADER:
        problems.append(_problem(name, None, f"{path.name} has no line end in its first {_MAX_HEADER >> 20} MiB: "
                                             "not a CSV table"))
        return None
    line = stripped[: end if end >= 0 else len(stripped)]
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError as exc:
        problems.append(_problem(
            name, None, f"the header of {path.name} (line {leading + 1}) is not valid {encoding} text "
                        f"(at byte {exc.start + 1} of the line); pass encoding= if the file uses another encoding",
            file=path.name))
        return None
    if '"' in text and text.count('"') % 2:
        problems.append(_problem(name, None, f"the header of {path.name} (line {leading + 1}) has an unclosed "
                                             "quote or spans lines; headers must be one line"))
        return None
    names = next(csv.reader([text]))
    return names, leading + 1


def _check_header(name: str, path: Path, names: list[str], line: int, problems: list[Problem]) -> bool:
    wanted = COLUMNS[name]
    before = len(problems)
    if not any(n in wanted for n in names):
        raw = ",".join(names)
        seen = {d: raw.count(d) for d in _OTHER_DELIMITERS if raw.count(d)}
        if len(names) == 1 and seen:
            d = max(seen, key=seen.get)
            problems.append(_problem(
                name, None,
                f"the header of {path.name} (line {line}) has no comma but {seen[d]} {_OTHER_DELIMITERS[d]}"
                f"{'s' if seen[d] != 1 else ''}: the file seems {_OTHER_DELIMITERS[d]}-delimited; tables must be "
                "comma-separated"))
            return False
    for i, n in enumerate(names):
        if n in wanted:
            continue
        clean = n.strip().lstrip("\ufeff").strip().lower()
        if clean in wanted and clean not in names:
            what = "surrounding spaces" if n.strip() != n else "other letter case"
            if what == "surrounding spaces" and n.strip().lower() != n.strip():
                what = "surrounding spaces and other letter case"
            problems.append(_problem(
                name, clean,
                f"header field {i + 1} of {path.name} (line {line}) is {n!r}, with {what}; column names must be "
                f"exactly {clean!r}"))
    for col in wanted:
        at = [i + 1 for i, n in enumerate(names) if n == col]
        if len(at) > 1:
            problems.append(_problem(
                name, col, f"column appears more than once (header fields {', '.join(map(str, at))} of "
                           f"{path.name}, line {line})"))
    return len(problems) == before


def _diagnose_csv(name: str, path: Path, encoding: str, names: list[str], skip_lines: int,
                  problems: list[Problem], *, strict: bool = False) -> bool:
    """Find, with line numbers, what the fast reader refused: records with
    the wrong number of fields, text that is not valid in the encoding (in a
    data-model column), a quoted field that is never closed. True when a
    problem was found."""
    wanted = {i: n for i, n in enumerate(names) if n in COLUMNS[name] and names.index(n) == i}
    width = len(names)
    wrong_rows, wrong_lines, wrong_widths = [], [], set()
    bad_text: dict[str, tuple[list[int], list[int]]] = {}
    before = len(problems)
    with _text_stream(path, encoding) as f:
        reader = csv.reader(f, strict=strict)
        previous, row, seen = 0, 0, 0
        try:
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not record:
                    continue
                seen += 1
                if seen == 1:
                    continue
                if len(record) != width:
                    wrong_rows.append(row)
                    wrong_lines.append(start)
                    wrong_widths.add(len(record))
                for i, n in wanted.items():
                    if i < len(record) and any("\udc80" <= ch <= "\udcff" for ch in record[i]):
                        rows, lines = bad_text.setdefault(n, ([], []))
                        rows.append(row)
                        lines.append(start)
                row += 1
        except csv.Error as exc:
            if "end of data" in str(exc):
                problems.append(_problem(
                    name, None, f"a quoted field opened on line {previous + 1} of {path.name} is never closed",
                    file=path.name))
            elif not strict:
                problems.append(_problem(
                    name, None, f"cannot parse line {reader.line_num} of {path.name}: {_sanitised(exc)}",
                    file=path.name))
    if wrong_rows:
        got = ", ".join(str(w) for w in sorted(wrong_widths))
        problems.append(_problem(
            name, None, f"records with {got} fields where the header has {width}", wrong_rows, wrong_lines,
            path.name))
    for n, (rows, lines) in bad_text.items():
        problems.append(_problem(
            name, n, f"not valid {encoding} text (latin-1 or cp1252 bytes?); pass encoding= if the file uses "
                     "another encoding", rows, lines, path.name))
    return len(problems) > before


def _read_csv(name: str, path: Path, encoding: str, problems: list[Problem]):
    try:
        head = _read_head(path)
    except (OSError, EOFError) as exc:
        problems.append(_problem(name, None, f"cannot read {path.name}: {_os_message(exc)}"))
        return None
    parsed = _parse_header(name, path, head, encoding, problems)
    if parsed is None:
        return None
    names, skip_lines = parsed
    if not _check_header(name, path, names, skip_lines, problems):
        return None
    source = TableSource(name, "csv", path, encoding, skip_lines)
    wanted = COLUMNS[name]
    first = {}
    for i, n in enumerate(names):
        if n in wanted and n not in first:
            first[n] = i
    column_names = [n if first.get(n) == i else f"\x00column {i}" for i, n in enumerate(names)]
    include = [c for c in wanted if c in first]
    # Everything but times is read as text and typed by validation (so that
    # "007" is not read as the integer 7); times are left to the parser's
    # inference, which reads ISO 8601 and numbers in parallel.
    types = {c: pa.string() for c in include if (name, c) not in TIME_COLUMNS}
    convert = pacsv.ConvertOptions(
        include_columns=include, column_types=types, null_values=[""], strings_can_be_null=True,
        quoted_strings_can_be_null=True, true_values=[], false_values=[],
    )
    parse = pacsv.ParseOptions(newlines_in_values=True)
    arrow_encoding = "utf8" if codecs.lookup(encoding).name == "utf-8" else encoding
    block = _BLOCK
    while True:
        try:
            read = pacsv.ReadOptions(column_names=column_names, skip_rows=skip_lines, block_size=block,
                                     encoding=arrow_encoding)
            table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
            break
        except pa.ArrowInvalid as exc:
            if "straddl" in str(exc) and block < _MAX_BLOCK:
                block *= 16
                continue
            if "straddl" in str(exc):
                problems.append(_problem(name, None, f"{path.name} holds a record longer than "
                                                     f"{_MAX_BLOCK >> 20} MiB"))
            elif not _diagnose_csv(name, path, encoding, names, skip_lines, problems):
                problems.append(_problem(name, None, f"cannot read {path.name}: {_sanitised(exc)}"))
            return None
        except (OSError, EOFError) as exc:
            problems.append(_problem(name, None, f"cannot read {path.name}: {_os_message(exc)}"))
            return None
        except UnicodeError as exc:  # raised by the decoder of a non-UTF-8 encoding
            problems.append(_problem(name, None, f"cannot read {path.name} as {encoding} text "
                                                 f"({_sanitised(exc)}); pass encoding= if the file uses "
                                                 "another encoding"))
            return None
        except pa.ArrowException as exc:
            problems.append(_problem(name, None, f"cannot read {path.name}: {_sanitised(exc)}"))
            return None
    # A quoted field that is never closed swallows the rest of the file
    # without an error from the parser: an odd number of quotes is checked.
    try:
        if _quote_count_is_odd(path):
            if _diagnose_csv(name, path, encoding, names, skip_lines, problems, strict=True):
                return None
    except (OSError, EOFError) as exc:
        problems.append(_problem(name, None, f"cannot read {path.name}: {_os_message(exc)}"))
        return None
    df = _frame(table, include)
    ignored = [n for n in names if n not in wanted]
    return df, ignored, source


# ---------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------
def _type_words(t: pa.DataType) -> str | None:
    """Why an Arrow type cannot hold a data-model value, or None when it can."""
    if pa.types.is_dictionary(t):
        return _type_words(t.value_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t) \
            or getattr(pa.types, "is_list_view", lambda _: False)(t) \
            or getattr(pa.types, "is_large_list_view", lambda _: False)(t):
        return "a list column"
    if pa.types.is_struct(t):
        return "a struct column"
    if pa.types.is_map(t):
        return "a map column"
    if pa.types.is_union(t):
        return "a union column"
    if pa.types.is_interval(t) or pa.types.is_duration(t) or pa.types.is_time(t):
        return "a time-of-day or duration column"
    return None


def _what_for(name: str, column: str) -> str:
    if (name, column) in ID_KIND:
        return "ids, which must be integers or text"
    if (name, column) in TIME_COLUMNS:
        return "times, which must be date-times, ISO 8601 text or numbers"
    return "values of this column"


def _read_parquet(name: str, path: Path, problems: list[Problem]):
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else _sanitised(exc)
        problems.append(_problem(name, None, f"cannot read {path.name}: {why}"))
        return None
    names = list(schema.names)
    wanted = COLUMNS[name]
    before = len(problems)
    for col in wanted:
        at = [i + 1 for i, n in enumerate(names) if n == col]
        if len(at) > 1:
            problems.append(_problem(name, col, f"column appears more than once (columns "
                                                f"{', '.join(map(str, at))} of {path.name})"))
    include = [c for c in wanted if c in names]
    for col in include:
        if names.count(col) > 1:
            continue
        t = schema.field(col).type
        words = _type_words(t)
        if words:
            problems.append(_problem(name, col, f"{words} (Parquet type {t}) cannot hold {_what_for(name, col)}"))
    if len(problems) > before:
        return None
    try:
        table = pq.read_table(path, columns=include)
    except (OSError, pa.ArrowException) as exc:
        problems.append(_problem(name, None, f"cannot read {path.name}: {_sanitised(exc)}"))
        return None
    for col in include:
        arr = table.column(col)
        if pa.types.is_dictionary(arr.type):
            arr = arr.cast(arr.type.value_type)
        if pa.types.is_uint64(arr.type) and len(arr):
            big = pc.fill_null(pc.greater(arr, pa.scalar(2**63 - 1, pa.uint64())), False)
            rows = np.flatnonzero(big.to_numpy(zero_copy_only=False))
            if len(rows):
                problems.append(_problem(name, col, "unsigned 64-bit values of 2**63 or more are not supported "
                                                    "(the largest is 2**63 - 1); store such ids as text", rows))
                continue
        if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type) or pa.types.is_fixed_size_binary(arr.type):
            try:
                arr = arr.cast(pa.string())
            except pa.ArrowInvalid:
                values = arr.to_pylist()
                rows = [i for i, v in enumerate(values) if v is not None and not _utf8(v)]
                problems.append(_problem(name, col, "bytes that are not valid UTF-8 text", rows))
                continue
        table = table.set_column(table.schema.get_field_index(col), col, arr)
    if len(problems) > before:
        return None
    ignored = [n for n in names if n not in wanted]
    return _frame(table, include), ignored, TableSource(name, "parquet", path)


def _utf8(v: bytes) -> bool:
    try:
        v.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _frame(table: pa.Table, include: list[str]) -> pd.DataFrame:
    """A DataFrame of the Arrow table: integers with missing values as
    nullable Int64 (never float64, which would round ids above 2**53),
    dates as datetime64."""
    table = table.select(include)
    nullable = [c for c in include if pa.types.is_integer(table.column(c).type) and table.column(c).null_count]
    df = table.drop_columns(nullable).to_pandas(date_as_object=False, split_blocks=True) if len(nullable) < len(include) \
        else pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    for col in nullable:
        df[col] = table.column(col).to_pandas(types_mapper=lambda t: pd.Int64Dtype() if pa.types.is_integer(t) else None)
    return df[include].set_axis(pd.RangeIndex(table.num_rows), axis=0)


# ---------------------------------------------------------------------------
# DataFrames
# ---------------------------------------------------------------------------
def _unsupported_values(name: str, col: str, s: pd.Series, problems: list[Problem]) -> None:
    """Refuse lists, dicts, sets, bytes... in an object column."""
    if s.dtype != object or not len(s):
        return
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind in ("string", "integer", "floating", "mixed-integer-float", "boolean", "empty",
                "datetime", "datetime64", "date", "decimal"):
        return
    bad = s.map(lambda v: not (v is None or v is pd.NA or v is pd.NaT or isinstance(v, _SCALARS)
                               or type(v).__name__ in ("Decimal", "datetime", "date")), na_action="ignore")
    bad = bad.fillna(False).to_numpy(dtype=bool)
    if bad.any():
        kinds = sorted({type(v).__name__ for v in s[bad]})
        problems.append(_problem(name, col, f"values of type {', '.join(kinds)} cannot hold {_what_for(name, col)}",
                                 np.flatnonzero(bad)))


def load_tables(source, *, encoding: str = "utf-8", follow_links: bool = False):
    """The raw tables of ``source`` (a folder, or a mapping of DataFrames).

    Returns ``(tables, label, notes, sources)``: the tables found, keyed by
    name, with only data-model columns and a fresh 0-based index; a label for
    messages; notes on what was ignored; and a :class:`TableSource` per table.
    Every problem of every file is gathered and raised as one
    :class:`ForumDataError`.
    """
    notes: list[str] = []
    problems: list[Problem] = []
    sources: dict[str, TableSource] = {}
    if isinstance(source, Mapping):
        unknown = sorted(set(map(str, source)) - set(TABLES))
        if unknown:
            raise ForumDataError(
                [Problem(str(u), None, f"unknown table; tables are {', '.join(TABLES)}", fatal=True) for u in unknown]
            )
        tables = {}
        for name, df in source.items():
            if df is None:
                continue
            if not isinstance(df, pd.DataFrame):
                raise ForumDataError([Problem(name, None, f"expected a pandas DataFrame, got {type(df).__name__}", fatal=True)])
            ignored = [str(c) for c in df.columns if c not in COLUMNS[name]]
            if ignored:
                notes.append(f"{name}: columns not in the data model were not read: {', '.join(ignored)}")
            df = df[[c for c in df.columns if c in COLUMNS[name]]].reset_index(drop=True)
            if df.columns.is_unique:
                for col in df.columns:
                    _unsupported_values(name, col, df[col], problems)
            tables[name] = df
            sources[name] = TableSource(name, "frame")
        if problems:
            raise ForumDataError(problems, source="(DataFrames)")
        return tables, "(DataFrames)", notes, sources
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a folder path or a mapping of DataFrames, not {type(source).__name__}")
    folder = Path(source)
    if not folder.is_dir():
        what = "no dataset folder" if not folder.exists() else "not a folder"
        raise ForumDataError([Problem("posts", None, f"{what} at {folder}", fatal=True)], source=str(folder))
    tables = {}
    for name, path in table_files(folder, follow_links=follow_links).items():
        fmt = next(fmt for suffix, fmt in SUFFIXES.items() if path.name.endswith(suffix))
        got = _read_csv(name, path, encoding, problems) if fmt == "csv" else _read_parquet(name, path, problems)
        if got is None:
            continue
        df, ignored, src = got
        if ignored:
            shown = [re.sub(r"[^\w .-]", "?", str(c))[:40] for c in ignored]
            notes.append(f"{name}: columns not in the data model were not read: {', '.join(shown)}")
        tables[name] = df
        sources[name] = src
    if problems:
        raise ForumDataError(problems, source=str(folder))
    return tables, str(folder), notes, sources
