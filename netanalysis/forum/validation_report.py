"""What validation found: problems, derived tables, dropped rows."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Problem", "ValidationReport", "ForumDataError"]

#: How many row numbers a message shows.
SHOWN_ROWS = 5

#: How messages number rows and lines.
ROW_LEGEND = "rows are 0-based data rows (row 0: the first record after a CSV header, or the first row)"
LINE_LEGEND = "lines are line numbers of the CSV file (line 1: the header)"


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one table.

    ``rows`` are 0-based positions of the offending rows in the table as it
    was read (for a CSV file, row 0 is the first record after the header);
    empty for problems of a whole table or column. For a CSV file, ``lines``
    are the same rows as line numbers of ``file`` (line 1 is the header),
    which is what an editor shows.
    """

    table: str
    column: str | None
    problem: str
    rows: tuple[int, ...] = ()
    fatal: bool = False
    lines: tuple[int, ...] = ()
    file: str | None = None

    @property
    def count(self) -> int:
        return len(self.rows)

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        if not self.rows:
            return f"{where}: {self.problem}"
        shown = ", ".join(str(r) for r in self.rows[:SHOWN_ROWS])
        more = ", ..." if self.count > SHOWN_ROWS else ""
        noun = "row" if self.count == 1 else "rows"
        text = f"{where}: {self.problem}: {self.count} {noun} (rows {shown}{more})"
        if self.lines and self.file:
            lines = ", ".join(str(x) for x in self.lines[:SHOWN_ROWS])
            text += f" at line{'s' if len(self.lines) > 1 else ''} {lines}{more} of {self.file}"
        return text


class ForumDataError(ValueError):
    """A forum dataset failed validation.

    ``problems`` lists every problem found (all at once, not only the first).
    The message names, for each, the table, the column, the number of rows
    and the first rows (0-based data rows; for a CSV file also the lines of
    the file), never the content of the data.
    """

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = tuple(problems)
        self.source = source
        head = f"invalid forum dataset{f' {source}' if source else ''}: "
        head += f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        lines = [f"  - {p}" for p in self.problems]
        if any(p.rows for p in self.problems):
            legend = ROW_LEGEND + ("; " + LINE_LEGEND if any(p.lines for p in self.problems) else "")
            lines.append(f"  ({legend})")
        super().__init__(head + "\n" + "\n".join(lines))


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {"table": pd.Series(dtype="string"), "row": pd.Series(dtype=np.int64),
         "key": pd.Series(dtype=object), "column": pd.Series(dtype="string"),
         "problem": pd.Series(dtype="string"), "line": pd.Series(dtype="Int64")}
    )


def _empty_spans() -> pd.DataFrame:
    return pd.DataFrame(
        {"table": pd.Series(dtype="string"), "column": pd.Series(dtype="string"),
         "first": pd.Series(dtype="datetime64[ns, UTC]"), "last": pd.Series(dtype="datetime64[ns, UTC]"),
         "values": pd.Series(dtype=np.int64), "read_as": pd.Series(dtype="string")}
    )


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`~netanalysis.read_forum` did to the input.

    Attributes
    ----------
    derived : tuple of str
        Tables or columns derived from others, in words.
    problems : tuple of Problem
        Problems found (with ``on_error="drop"``, those whose rows were dropped).
    dropped : pandas.DataFrame
        One line per dropped row, cascaded ones included: ``table``, ``row``
        (0-based position in the input table), ``key`` (the row's id),
        ``column`` and ``problem`` (why it was dropped), ``line`` (the line of
        the CSV file where the row starts; missing for Parquet and DataFrames).
    notes : tuple of str
        Other facts worth knowing (for example replies cleared by slicing).
    cleared : pandas.DataFrame
        With ``orphans="detach"``: one line per post kept with its
        ``reply_to`` cleared because the post it answers was dropped (same
        columns as ``dropped``).
    warnings : tuple of Problem
        Findings that are not errors, with their rows: ids that differ only by
        surrounding spaces or Unicode normalisation.
    time_spans : pandas.DataFrame
        One line per time column read: ``table``, ``column``, ``first`` and
        ``last`` time, ``values`` (how many times the column holds) and
        ``read_as`` (how the values were read: ISO 8601 text, Unix seconds...).
    """

    derived: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    dropped: pd.DataFrame = field(default_factory=_empty_rows)
    notes: tuple[str, ...] = ()
    cleared: pd.DataFrame = field(default_factory=_empty_rows)
    warnings: tuple[Problem, ...] = ()
    time_spans: pd.DataFrame = field(default_factory=_empty_spans)

    @property
    def ok(self) -> bool:
        """True when nothing was dropped or cleared and no problem was found."""
        return not self.problems and self.dropped.empty and self.cleared.empty

    def dropped_counts(self) -> pd.Series:
        """Number of dropped rows per table."""
        return self.dropped.groupby("table").size() if len(self.dropped) else pd.Series(dtype=np.int64)

    def __str__(self) -> str:
        lines = []
        if self.ok and not self.derived:
            lines.append("no problems; nothing derived or dropped")
        lines += [f"derived: {d}" for d in self.derived]
        lines += [f"problem: {p}" for p in self.problems]
        if len(self.dropped):
            for table, n in self.dropped_counts().items():
                lines.append(f"dropped: {n} row{'s' if n != 1 else ''} of {table}")
        if len(self.cleared):
            n = len(self.cleared)
            lines.append(f"cleared: reply_to of {n} post{'s' if n != 1 else ''} whose post was dropped")
        lines += [f"warning: {w}" for w in self.warnings]
        for span in self.time_spans.itertuples(index=False):
            if span.values:
                lines.append(f"times: {span.table}.{span.column} from {span.first} to {span.last} "
                             f"({span.values} values read as {span.read_as})")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def with_notes(self, *notes: str) -> "ValidationReport":
        return dataclasses.replace(self, notes=self.notes + notes)
