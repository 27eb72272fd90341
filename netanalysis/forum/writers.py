"""Writing a forum dataset folder, atomically and byte for byte reproducibly
(the folder and its tables are written by ``netanalysis._io``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal, Mapping

import pandas as pd

from .._io import atomic_folder, write_table
from .model import Forum
from .schema import TABLES

__all__ = ["write_forum"]


def write_forum(
    forum: Forum,
    path,
    *,
    format: Literal["csv", "parquet"] = "csv",
    extra: Mapping[str, pd.DataFrame] | None = None,
    overwrite: bool = False,
    marker: str | None = None,
    inputs: Iterable = (),
) -> Path:
    """Write ``forum`` as a dataset folder that :func:`read_forum` reads back.

    Every table is written (derived ones too), plus ``extra`` tables (for
    example ``ground_truth``) as CSV, formula-safe (``netanalysis._io.formula_safe``; the
    five tables keep their ids exactly, so that they read back the same). The
    folder appears complete or not at all (``netanalysis._io.atomic_folder``; ``marker``
    is the kind of output recorded in its marker file). With ``overwrite`` an
    existing folder is replaced only when it is a netanalysis output, empty,
    or holds nothing but the files this call writes.
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    own = {f"{name}.{fmt}" for name in TABLES for fmt in ("csv", "parquet")}
    own |= {f"{name}.csv" for name in (extra or {})}
    with atomic_folder(path, overwrite=overwrite, marker=marker, inputs=inputs, own_files=own) as tmp:
        for name in TABLES:
            write_table(forum.table(name), tmp / f"{name}.{format}", format)
        for name, df in (extra or {}).items():
            write_table(df, tmp / f"{name}.csv", "csv", safe_csv=True)
    return Path(path)
