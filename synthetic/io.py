"""Writing a synthetic forum and its ground truth as a dataset folder."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from netanalysis.forum import Forum, write_forum

from ._behaviour import ROLES

__all__ = ["write_dataset", "TRUTH_FILE"]

#: File name of the ground truth in a dataset folder.
TRUTH_FILE = "ground_truth.csv"


def _check_truth(forum: Forum, truth: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("member_id", "role", "key_actor") if c not in truth.columns]
    if missing:
        raise ValueError(f"truth lacks column(s) {', '.join(missing)}")
    unknown = sorted(set(truth["role"].astype(str)) - set(ROLES))
    if unknown:
        raise ValueError(f"truth holds unknown role(s) {unknown}; roles are {', '.join(ROLES)}")
    ids = truth["member_id"].to_numpy()
    members = forum.members["member_id"].to_numpy()
    if len(ids) != len(members) or not np.array_equal(np.sort(ids), np.sort(members)):
        raise ValueError("truth.member_id must list exactly the forum's members")
    return truth[["member_id", "role", "key_actor"]].sort_values("member_id", kind="stable").reset_index(drop=True)


def write_dataset(forum: Forum, truth: pd.DataFrame, path, format: Literal["csv", "parquet"] = "csv",
                  *, overwrite: bool = False, marker: str | None = None) -> Path:
    """Write ``forum`` and ``truth`` as a dataset folder at ``path``.

    The folder holds ``posts``, ``threads``, ``subforums``, ``members`` and
    ``messages`` as ``.csv`` or ``.parquet`` (readable by
    :func:`netanalysis.forum.read_forum`) and ``ground_truth.csv``
    (``member_id, role, key_actor``). It is written into a temporary folder
    beside ``path`` and renamed into place, so it appears complete or not at
    all; the same forum gives the same bytes (CSV and Parquet alike: no
    write times, no library metadata that varies).

    Parameters
    ----------
    forum : netanalysis.forum.Forum
    truth : pandas.DataFrame
        As returned by :func:`synthetic.generate_forum`.
    path : path-like
        The folder to create.
    format : {"csv", "parquet"}
        Format of the five tables; the ground truth is always CSV.
    overwrite : bool
        Replace an existing folder (only once the new one is complete, and
        only a netanalysis output, an empty folder or a folder holding nothing
        but these files; see :func:`netanalysis._io.check_output`).
    marker : str, optional
        Write the marker file of netanalysis outputs with this kind (the
        command line does, so that ``--force`` may replace the folder later).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.
    ValueError
        Unknown format, or a truth table that does not match the forum.

    Examples
    --------
    >>> import tempfile, os
    >>> from synthetic import generate_forum
    >>> forum, truth = generate_forum("tiny", seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_dataset(forum, truth, os.path.join(tmp, "tiny"))
    ...     sorted(p.name for p in out.iterdir())
    ['ground_truth.csv', 'members.csv', 'messages.csv', 'posts.csv', 'subforums.csv', 'threads.csv']
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    truth = _check_truth(forum, truth)
    return write_forum(forum, path, format=format, extra={"ground_truth": truth}, overwrite=overwrite,
                       marker=marker)
