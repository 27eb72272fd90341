"""Writing a forum dataset folder, atomically and byte for byte reproducibly."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Literal, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .model import Forum
from .schema import TABLES

__all__ = ["write_forum", "write_table", "atomic_folder", "is_inside"]


def is_inside(path, folder) -> bool:
    """True when ``path`` is ``folder`` or lies inside it (after resolving links)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@contextlib.contextmanager
def atomic_folder(target, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes
    ``target`` in one rename, on failure it is removed.

    An existing ``target`` is refused unless ``overwrite``; then it is
    replaced only once the new folder is complete.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; refusing to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755 & ~_umask())
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old)
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 UTC text ("2013-01-01T10:00:00Z"), whole
    seconds when no value has a fraction."""
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            values = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            ns = values.view(np.int64)
            whole = bool(np.all((ns % 1_000_000_000 == 0) | s.isna().to_numpy()))
            text = np.datetime_as_string(values, unit="s" if whole else "us")
            text = np.char.add(text.astype(str), "Z")
            out[col] = pd.Series(text, index=s.index).where(s.notna())
        else:
            out[col] = s
    return pd.DataFrame(out)


def write_table(df: pd.DataFrame, path: Path, fmt: Literal["csv", "parquet"]) -> None:
    """Write one table; the same frame always gives the same bytes."""
    if fmt == "csv":
        _csv_ready(df).to_csv(path, index=False, lineterminator="\n")
    elif fmt == "parquet":
        table = pa.Table.from_pandas(df, preserve_index=False)
        # pandas' schema metadata is dropped so that the file holds only
        # what is needed to read it back, the same in every run.
        table = table.replace_schema_metadata(None)
        pq.write_table(table, path, compression="zstd")
    else:
        raise ValueError(f"format must be 'csv' or 'parquet', not {fmt!r}")


def write_forum(
    forum: Forum,
    path,
    *,
    format: Literal["csv", "parquet"] = "csv",
    extra: Mapping[str, pd.DataFrame] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``forum`` as a dataset folder that :func:`read_forum` reads back.

    Every table is written (derived ones too), plus ``extra`` tables (for
    example ``ground_truth``) as CSV. The folder appears complete or not at
    all (:func:`atomic_folder`).
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    with atomic_folder(path, overwrite=overwrite) as tmp:
        for name in TABLES:
            write_table(forum.table(name), tmp / f"{name}.{format}", format)
        for name, df in (extra or {}).items():
            write_table(df, tmp / f"{name}.csv", "csv")
    return Path(path)
