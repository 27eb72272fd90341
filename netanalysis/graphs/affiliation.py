"""The two-mode (bipartite) member x thread and member x subforum matrices."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..forum import Forum
from ._common import check_forum, node_rows

__all__ = ["Affiliation", "affiliation_matrix", "AFFILIATION_LEVELS"]

#: The groups a member can be affiliated with.
AFFILIATION_LEVELS = ("thread", "subforum")


@dataclass(frozen=True, eq=False)
class Affiliation:
    """A two-mode matrix of members by groups (threads or subforums).

    Attributes
    ----------
    matrix : scipy.sparse.csr_array of int64, shape (n_members, n_groups)
        ``matrix[i, j]`` is the number of posts of member ``member_ids[i]``
        in group ``group_ids[j]``; canonical (sorted indices, no stored
        zeros).
    member_ids : pandas.Index
        The member id of each row.
    group_ids : pandas.Index
        The thread id or subforum id of each column.
    level : str
        ``"thread"`` or ``"subforum"``.
    meta : mapping
        Figures recorded by :func:`affiliation_matrix`.

    The object unpacks as ``matrix, member_ids, group_ids = affiliation``.
    """

    matrix: sp.csr_array
    member_ids: pd.Index
    group_ids: pd.Index
    level: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.member_ids), len(self.group_ids)):
            raise ValueError("matrix shape does not match member_ids and group_ids")
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def __iter__(self):
        return iter((self.matrix, self.member_ids, self.group_ids))

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def to_frame(self) -> pd.DataFrame:
        """The non-zero entries as a DataFrame ``member_id, <level>_id, posts``."""
        coo = self.matrix.tocoo()
        return pd.DataFrame({
            "member_id": self.member_ids.take(coo.row),
            f"{self.level}_id": self.group_ids.take(coo.col),
            "posts": coo.data.astype(np.int64),
        })

    def __repr__(self) -> str:
        return (f"<Affiliation member x {self.level}: {self.shape[0]} members, "
                f"{self.shape[1]} {self.level}s, {self.matrix.nnz} non-zero>")


def affiliation_matrix(forum: Forum, level: str = "thread", *, nodes="authors") -> Affiliation:
    """The two-mode member x thread (or member x subforum) matrix of post counts.

    ``A[m, g]`` is the number of posts that member ``m`` wrote in group
    ``g``: a thread (``level="thread"``) or the subforum holding the thread
    (``level="subforum"``). This is the two-mode network of Fonhof et al.
    (2019); its one-mode projection ``B @ B.T`` with ``B = (A > 0)`` is the
    co-participation graph (:func:`coparticipation_graph`).

    Parameters
    ----------
    forum : Forum
        From :func:`netanalysis.read_forum`.
    level : {"thread", "subforum"}, default "thread"
    nodes : {"authors", "members", "active"} or sequence of member ids
        The rows, as for the graph builders: ``"authors"`` (default) every
        member with a post, ``"members"`` every member, ``"active"`` every
        member with a post or a message, or a list of member ids in the
        order wanted. Rows follow ``forum.members`` order.

    Returns
    -------
    Affiliation
        Holds ``matrix`` (CSR, int64 post counts), ``member_ids``,
        ``group_ids`` and ``level``; unpacks as ``matrix, member_ids,
        group_ids``. Columns are every row of ``forum.threads`` (or
        ``forum.subforums``), in that order, including groups without posts.
        ``meta`` holds ``posts`` (counted in the matrix) and, at subforum
        level, ``posts_without_subforum`` (posts in threads of unknown
        subforum, left out); with a list of ``nodes``, ``posts_outside_nodes``.

    References
    ----------
    .. [1] Fonhof, van der Bruggen & Takes (2019). Characterizing key players
       in child exploitation networks on the Dark Net. Complex Networks VII.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> posts = pd.DataFrame({"post_id": [1, 2, 3, 4], "thread_id": [10, 10, 20, 20],
    ...     "author_id": ["ann", "bob", "ann", "ann"],
    ...     "created_at": pd.date_range("2013-01-01", periods=4, freq="D")})
    >>> threads = pd.DataFrame({"thread_id": [10, 20], "subforum_id": [1, 1]})
    >>> forum = read_forum({"posts": posts, "threads": threads})
    >>> a = affiliation_matrix(forum)
    >>> a.matrix.toarray()
    array([[1, 2],
           [1, 0]])
    >>> list(a.member_ids), list(a.group_ids)
    (['ann', 'bob'], [10, 20])
    >>> matrix, members, subforums = affiliation_matrix(forum, "subforum")
    >>> matrix.toarray(), list(subforums)
    (array([[3],
           [1]]), [1])
    """
    check_forum(forum)
    if level not in AFFILIATION_LEVELS:
        raise ValueError(f"level must be one of {AFFILIATION_LEVELS}, not {level!r}")
    if isinstance(nodes, str) and nodes == "connected":
        raise ValueError("nodes='connected' has no meaning for a two-mode matrix; use 'authors'")
    pa = forum.post_arrays
    n_members = len(forum.member_index)
    meta: dict[str, Any] = {}
    if level == "thread":
        group = pa.thread
        group_ids = pd.Index(forum.threads["thread_id"])
    else:
        group = forum.thread_subforum[pa.thread]
        group_ids = pd.Index(forum.subforums["subforum_id"])
    members = pa.author
    known = group >= 0
    if level == "subforum":
        meta["posts_without_subforum"] = int(len(group) - np.count_nonzero(known))
        if not known.all():
            members, group = members[known], group[known]
    counts = sp.coo_array(
        (np.ones(len(members), dtype=np.int64),
         (members.astype(np.int32, copy=False), group.astype(np.int32, copy=False))),
        shape=(n_members, len(group_ids)),
    ).tocsr()
    counts.sort_indices()
    rows = node_rows(forum, nodes)
    total = int(counts.sum())
    if len(rows) != n_members or not np.array_equal(rows, np.arange(n_members)):
        counts = counts[rows]
    if not isinstance(nodes, str):
        meta["posts_outside_nodes"] = total - int(counts.sum())
    meta["posts"] = int(counts.sum())
    return Affiliation(counts, forum.member_index.take(rows), group_ids, level, meta)
