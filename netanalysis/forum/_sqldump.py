"""A strict streaming reader of ``mysqldump`` files (MariaDB/MySQL), for
:func:`netanalysis.read_database`.

Only two kinds of statement are looked at, line by line (a ``.sql.gz`` file
is decompressed as it is read):

* ``CREATE TABLE `name` (`` ... ``);``: the column names, in order (column
  lines start with a backquoted or bare name; key and constraint lines are
  skipped);
* ``INSERT [IGNORE] INTO `name` [(`col`, ...)] VALUES (...),(...);`` and
  ``REPLACE INTO``: the rows, for the tables asked for only.

Every other line (comments, ``SET``, ``LOCK TABLES``, ``DROP TABLE``,
``/*!...*/``) is skipped, as are the INSERT lines of tables not asked for
(mysqldump writes each INSERT statement on one line, since it escapes line
breaks in strings). A row is matched by one compiled pattern per table with
a capture group only for the columns asked for: the values of every other
column (post text, subjects, e-mail and IP addresses, passwords) are stepped
over inside the regular-expression engine and never become Python objects.
Values understood: ``NULL``, numbers and other bare words (``0x4A``),
quoted strings with backslash escapes (``\\'``, ``\\\\``, ``\\n``...) or
doubled quotes, with an optional introducer (``_binary 'x'``,
``_utf8mb4'x'``) and bit or hex literals (``b'01'``, ``x'4A'``). Anything
else -- a row that does not have the table's number of values, a row split
across lines, a statement that never ends (a truncated file) -- is refused
with the line number.
"""
from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa

from .validation_report import ForumDataError, Problem

__all__ = ["dump_columns", "read_dump_tables", "DumpError"]

#: Rows gathered in Python lists before they move to an Arrow array.
CHUNK = 65536

_CREATE = re.compile(rb"^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     rb"(?:`?\w+`?\.)?`?([^`\s(]+)`?\s*\(", re.I)
_COLUMN = re.compile(rb"^\s*(?:`((?:[^`]|``)+)`|(\w+))\s+\w", re.I)
_NOT_COLUMN = re.compile(rb"^\s*(?:PRIMARY|KEY|UNIQUE|INDEX|CONSTRAINT|FULLTEXT|SPATIAL|FOREIGN|CHECK|PERIOD)\b", re.I)
_INSERT = re.compile(rb"^\s*(?:INSERT(?:\s+(?:IGNORE|LOW_PRIORITY|DELAYED|HIGH_PRIORITY))*\s+INTO|REPLACE\s+INTO)\s+"
                     rb"(?:`?\w+`?\.)?`?([^`\s(]+)`?\s*(\((?:[^()]*)\))?\s*VALUES\s*", re.I)
_NAME_IN_LIST = re.compile(rb"`((?:[^`]|``)+)`|(\w+)")
# One value: a quoted string (optionally with an introducer), a bit/hex
# literal, or a bare word (NULL, a number). Possessive quantifiers: no
# backtracking into a string.
_VALUE = (rb"(?:(?:_[A-Za-z0-9]+\s*)?'(?:[^'\\]++|\\.|'')*+'|[bBxX]'[0-9A-Fa-f]*'"
          rb"|[^,()'\s]++)")
_END_ROW = re.compile(rb"\s*(,|;)?\s*")


class DumpError(ForumDataError):
    """A dump file that cannot be read (with the line number)."""


def _fail(path, line: int | None, table: str | None, text: str) -> DumpError:
    where = f"line {line} of {Path(path).name}: " if line is not None else f"{Path(path).name}: "
    return DumpError([Problem(table or "dump", None, where + text, fatal=True)], source=str(path))


def _lines(path) -> Iterator[bytes]:
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            yield from fh
    except (OSError, EOFError) as exc:
        raise _fail(path, None, None, f"cannot read the dump: {type(exc).__name__}: {exc}") from None


def _name(m) -> str:
    raw = m.group(1) if m.group(1) is not None else m.group(2)
    return raw.replace(b"``", b"`").decode("utf-8", "replace")


def dump_columns(path) -> dict[str, list[str]]:
    """The tables of a dump and their columns in order, from its ``CREATE
    TABLE`` statements (every other line is skipped)."""
    tables: dict[str, list[str]] = {}
    current = None
    insert_open = 0          # the line of an INSERT statement not yet ended
    for no, line in enumerate(_lines(path), 1):
        if insert_open:
            if line.rstrip().endswith(b";"):
                insert_open = 0
            continue
        if current is None:
            head = line[:16].lstrip().upper()
            if head.startswith((b"INSERT", b"REPLACE")):
                if not line.rstrip().endswith(b";"):
                    insert_open = no
                continue
            if not head.startswith(b"CREATE"):
                continue
            m = _CREATE.match(line)
            if m:
                current = m.group(1).decode("utf-8", "replace")
                tables[current] = []
                start = no
            continue
        if line.lstrip().startswith(b")"):
            current = None
            continue
        if _NOT_COLUMN.match(line):
            continue
        m = _COLUMN.match(line)
        if m:
            tables[current].append(_name(m))
    if current is not None:
        raise _fail(path, start, current, f"CREATE TABLE `{current}` never ends: the dump is truncated")
    if insert_open:
        raise _fail(path, insert_open, None, "an INSERT statement never ends (no closing ';'): the dump is truncated")
    return tables


def _unquote(v: bytes):
    """A captured value as text (None for NULL)."""
    if v == b"NULL" or v == b"null":
        return None
    if v.endswith(b"'"):
        if v[:1] in b"bBxX" and v[1:2] == b"'":
            return str(int(v[2:-1] or b"0", 2 if v[:1] in b"bB" else 16))
        s = v[v.index(b"'") + 1:-1]
        if b"\\" in s or b"''" in s:
            s = re.sub(rb"\\(.)|''", _escape, s)
        return s.decode("utf-8", "replace")
    return v.decode("ascii", "replace")


_ESCAPES = {b"0": b"\0", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"Z": b"\x1a"}


def _escape(m) -> bytes:
    if m.group(1) is None:
        return b"'"
    return _ESCAPES.get(m.group(1), m.group(1))


def _row_pattern(n: int, wanted: list[int]) -> re.Pattern:
    wanted_set = set(wanted)
    parts = [(b"(" + _VALUE + b")") if i in wanted_set else _VALUE for i in range(n)]
    return re.compile(rb"\(\s*" + rb"\s*,\s*".join(parts) + rb"\s*\)")


def read_dump_tables(path, wanted: dict[str, list[str]],
                     transforms: dict[tuple[str, str], Callable[[bytes], str | None]] | None = None,
                     ) -> dict[str, dict[str, pa.ChunkedArray]]:
    """The asked-for columns of the asked-for tables, as Arrow string arrays
    (missing for NULL), streamed from the dump.

    ``wanted`` maps a table to its columns; a table or column the dump does
    not have raises :class:`DumpError` naming it. ``transforms`` maps
    ``(table, column)`` to a function applied to the raw value of each row
    (the bytes of the value as written, before unquoting) whose text result
    is kept instead (used for quote references: nothing else of the value
    is kept).
    """
    transforms = transforms or {}
    out: dict[str, dict[str, list]] = {t: {c: [] for c in cols} for t, cols in wanted.items()}
    buffers: dict[str, dict[str, list]] = {t: {c: [] for c in cols} for t, cols in wanted.items()}
    columns: dict[str, list[str]] = {}
    patterns: dict[tuple, tuple] = {}

    def flush(table):
        for c, buf in buffers[table].items():
            if buf:
                out[table][c].append(pa.array(buf, type=pa.string()))
                buf.clear()

    def pattern_for(table, names):
        key = (table, tuple(names))
        if key not in patterns:
            missing = [c for c in wanted[table] if c not in names]
            if missing:
                raise _fail(path, no, table, f"table `{table}` has no column {', '.join(missing)} "
                            f"(its columns: {', '.join(names)})")
            idx = [names.index(c) for c in wanted[table]]
            order = sorted(range(len(idx)), key=lambda k: idx[k])
            conv = []
            for k in order:
                c = wanted[table][k]
                f = transforms.get((table, c))
                conv.append((buffers[table][c].append, f))
            patterns[key] = (_row_pattern(len(names), idx), conv)
        return patterns[key]

    current = None          # a CREATE TABLE being read
    inserting = None        # (table, pattern, conv) of an INSERT that continues on the next line
    skipping = False        # an INSERT of an unread table that continues on the next line
    start = 0
    counts = {t: 0 for t in wanted}
    no = 0
    for no, line in enumerate(_lines(path), 1):
        if skipping:
            skipping = not line.rstrip().endswith(b";")
            continue
        if inserting is not None:
            table, pat, conv = inserting
            if not _rows(line, 0, table, pat, conv, counts, flush, path, no):
                inserting = None
            continue
        if current is not None:
            if line.lstrip().startswith(b")"):
                current = None
            elif not _NOT_COLUMN.match(line):
                m = _COLUMN.match(line)
                if m:
                    columns[current].append(_name(m))
            continue
        head = line[:16].lstrip().upper()
        if head.startswith(b"INSERT") or head.startswith(b"REPLACE"):
            m = _INSERT.match(line)
            if m is None:
                raise _fail(path, no, None, "an INSERT statement this reader does not understand")
            table = m.group(1).decode("utf-8", "replace")
            if table not in wanted:
                skipping = not line.rstrip().endswith(b";")
                continue
            if m.group(2):
                names = [_name(x) for x in _NAME_IN_LIST.finditer(m.group(2))]
            elif table in columns:
                names = columns[table]
            else:
                raise _fail(path, no, table, f"INSERT into `{table}` before its CREATE TABLE and without a column list")
            start = no
            pat, conv = pattern_for(table, names)
            inserting = _rows(line, m.end(), table, pat, conv, counts, flush, path, no)
            if inserting is not None:
                inserting = (table, pat, conv)
            continue
        if head.startswith(b"CREATE"):
            m = _CREATE.match(line)
            if m:
                current = m.group(1).decode("utf-8", "replace")
                columns[current] = []
                start = no
    if current is not None:
        raise _fail(path, start, current, f"CREATE TABLE `{current}` never ends: the dump is truncated")
    if inserting is not None or skipping:
        raise _fail(path, start, inserting[0] if inserting else None,
                    "an INSERT statement never ends (no closing ';'): the dump is truncated")
    missing = [t for t in wanted if t not in columns and counts[t] == 0]
    if missing:
        raise _fail(path, None, missing[0], f"the dump has no table {', '.join(missing)}")
    result = {}
    for t in wanted:
        flush(t)
        result[t] = {c: pa.chunked_array(out[t][c], type=pa.string()) for c in wanted[t]}
    return result


def _rows(line: bytes, pos: int, table, pat, conv, counts, flush, path, no):
    """Read the rows of ``line`` from ``pos``; returns a true value when the
    statement continues on the next line, None when it ended with ';'."""
    n = len(line)
    match = pat.match
    end_row = _END_ROW.match
    while True:
        m = match(line, pos)
        if m is None:
            if not line[pos:].strip():
                return True          # rows continue on the next line
            raise _fail(path, no, table, f"cannot read a row of `{table}` at byte {pos + 1} of the line "
                        "(wrong number of values, a value split across lines, or a value this reader does not understand)")
        for (append, f), v in zip(conv, m.groups()):
            append(f(v) if f is not None else _unquote(v))
        counts[table] += 1
        if counts[table] % CHUNK == 0:
            flush(table)
        e = end_row(line, m.end())
        pos = e.end()
        sep = e.group(1)
        if sep == b";":
            if line[pos:].strip() and not line[pos:].lstrip().startswith((b"--", b"/*")):
                raise _fail(path, no, table, "text after the end of an INSERT statement")
            return None
        if sep is None:
            if pos >= n or not line[pos:].strip():
                return True
            raise _fail(path, no, table, f"cannot read a row of `{table}` at byte {pos + 1} of the line")
