"""What validation found: problems, derived tables, dropped rows."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Problem", "ValidationReport", "ForumDataError"]

#: How many row numbers a message shows.
SHOWN_ROWS = 5


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column of one table.

    ``rows`` are 0-based positions of the offending rows in the table as it
    was read (for a CSV file, row 0 is the line after the header); empty for
    problems of a whole table or column.
    """

    table: str
    column: str | None
    problem: str
    rows: tuple[int, ...] = ()
    fatal: bool = False

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
        return f"{where}: {self.problem}: {self.count} {noun} (rows {shown}{more})"


class ForumDataError(ValueError):
    """A forum dataset failed validation.

    ``problems`` lists every problem found (all at once, not only the first).
    """

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = tuple(problems)
        self.source = source
        head = f"invalid forum dataset{f' {source}' if source else ''}: "
        head += f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


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
        One line per dropped row: ``table``, ``row`` (0-based position in the
        input table), ``key`` (the row's id), ``column`` and ``problem``.
    notes : tuple of str
        Other facts worth knowing (for example replies cleared by slicing).
    """

    derived: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    dropped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"table": pd.Series(dtype="string"), "row": pd.Series(dtype=np.int64),
             "key": pd.Series(dtype=object), "column": pd.Series(dtype="string"),
             "problem": pd.Series(dtype="string")}
        )
    )
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing was dropped and no problem was found."""
        return not self.problems and self.dropped.empty

    def dropped_counts(self) -> pd.Series:
        """Number of dropped rows per table."""
        return self.dropped.groupby("table").size() if len(self.dropped) else pd.Series(dtype=np.int64)

    def __str__(self) -> str:
        lines = []
        lines += [f"derived: {d}" for d in self.derived]
        lines += [f"problem: {p}" for p in self.problems]
        if len(self.dropped):
            for table, n in self.dropped_counts().items():
                lines.append(f"dropped: {n} row{'s' if n != 1 else ''} of {table}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines) if lines else "no problems; nothing derived or dropped"

    def with_notes(self, *notes: str) -> "ValidationReport":
        return ValidationReport(self.derived, self.problems, self.dropped, self.notes + notes)
