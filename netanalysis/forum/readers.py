"""Reading the tables of a forum dataset from a folder or from DataFrames.

Only the columns of the data model are read: any other column (a message
body, a title, an IP address) is left in the file, never loaded, and named in
the validation report. netanalysis needs no content and keeps none.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import pandas as pd
import pyarrow.parquet as pq

from .report import ForumDataError, Problem
from .schema import COLUMNS, ID_KIND, TABLES

__all__ = ["load_tables", "table_files", "SUFFIXES"]

#: File name endings read for a table, by format.
SUFFIXES = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".pq": "parquet"}


def table_files(folder: Path) -> dict[str, Path]:
    """The file of each table present in ``folder``.

    Raises ForumDataError when a table is present in two formats (which one
    to trust would be a guess).
    """
    found: dict[str, list[Path]] = {}
    for name in TABLES:
        for suffix in SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                found.setdefault(name, []).append(path)
    problems = [
        Problem(name, None, "present in more than one file: " + ", ".join(p.name for p in paths), fatal=True)
        for name, paths in found.items() if len(paths) > 1
    ]
    if problems:
        raise ForumDataError(problems, source=str(folder))
    return {name: paths[0] for name, paths in found.items()}


def _read_file(name: str, path: Path) -> tuple[pd.DataFrame, list[str]]:
    wanted = set(COLUMNS[name])
    fmt = next(fmt for suffix, fmt in SUFFIXES.items() if path.name.endswith(suffix))
    try:
        if fmt == "parquet":
            present = pq.read_schema(path).names
            columns = [c for c in present if c in wanted]
            df = pd.read_parquet(path, columns=columns)
        else:
            present = list(pd.read_csv(path, nrows=0).columns)
            columns = [c for c in present if c in wanted]
            # The pyarrow engine parses in parallel; it is several times
            # faster than the C engine on large files.
            # Ids are read as text and typed later, so that "007" is not
            # silently read as the integer 7.
            ids = {c: "string" for c in columns if (name, c) in ID_KIND}
            df = pd.read_csv(path, usecols=columns, engine="pyarrow", dtype=ids)
    except ForumDataError:
        raise
    except Exception as exc:  # a reader's error, with the table named
        raise ForumDataError(
            [Problem(name, None, f"cannot read {path.name}: {exc}", fatal=True)], source=str(path.parent)
        ) from None
    ignored = [c for c in present if c not in wanted]
    return df.reset_index(drop=True), ignored


def load_tables(source) -> tuple[dict[str, pd.DataFrame], str, list[str]]:
    """The raw tables of ``source`` (a folder, or a mapping of DataFrames).

    Returns ``(tables, label, notes)``: the tables found, keyed by name, with
    only data-model columns and a fresh 0-based index; a label for messages;
    and notes on what was ignored.
    """
    notes: list[str] = []
    if isinstance(source, Mapping):
        unknown = sorted(set(source) - set(TABLES))
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
            tables[name] = df[[c for c in df.columns if c in COLUMNS[name]]].reset_index(drop=True)
        return tables, "(DataFrames)", notes
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a folder path or a mapping of DataFrames, not {type(source).__name__}")
    folder = Path(source)
    if not folder.is_dir():
        raise ForumDataError([Problem("posts", None, f"no dataset folder at {folder}", fatal=True)], source=str(folder))
    tables = {}
    for name, path in table_files(folder).items():
        df, ignored = _read_file(name, path)
        if ignored:
            notes.append(f"{name}: columns not in the data model were not read: {', '.join(ignored)}")
        tables[name] = df
    return tables, str(folder), notes
