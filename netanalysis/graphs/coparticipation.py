"""The co-participation graph: members who posted in the same threads."""
from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from ..forum import Forum
from ._common import NODES_DOC, check_forum, is_everyone, node_rows, wrap_graph
from .interaction_graph import InteractionGraph

__all__ = ["coparticipation_graph", "COPARTICIPATION_WEIGHTINGS", "LargeGraphWarning", "incidence"]

#: Above this many member pairs (12 bytes each in the result, more while the
#: product is computed) coparticipation_graph warns before building.
LARGE_PRODUCT = 300_000_000


class LargeGraphWarning(UserWarning):
    """A graph about to be built will need a lot of memory."""


#: How a shared thread weighs on a pair of its participants.
COPARTICIPATION_WEIGHTINGS = ("count", "newman")


def incidence(forum: Forum) -> sp.csr_array:
    """The binary member x thread incidence matrix (float64 CSR).

    ``B[m, t] = 1`` when member row ``m`` wrote at least one post in thread
    row ``t`` (rows of ``forum.members`` and ``forum.threads``).
    """
    pa = forum.post_arrays
    shape = (len(forum.member_index), len(forum.threads))
    counts = sp.coo_array(
        (np.ones(len(pa.author), dtype=np.float64),
         (pa.author.astype(np.int32, copy=False), pa.thread.astype(np.int32, copy=False))),
        shape=shape,
    ).tocsr()
    counts.data[:] = 1.0
    return counts


def _without_diagonal(matrix: sp.csr_array) -> sp.csr_array:
    """``matrix`` with its diagonal entries removed (not stored as zeros)."""
    n_rows = matrix.shape[0]
    row = np.repeat(np.arange(n_rows, dtype=matrix.indices.dtype), np.diff(matrix.indptr))
    off = matrix.indices != row
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[off], minlength=n_rows), out=indptr[1:])
    return sp.csr_array((matrix.data[off], matrix.indices[off], indptr), shape=matrix.shape)


def coparticipation_graph(forum: Forum, *, weighting: str = "count", max_participants: int | None = None,
                          nodes="authors") -> InteractionGraph:
    """The undirected graph of members who posted in the same threads.

    With ``B`` the binary member x thread incidence matrix (``B[m, t] = 1``
    when member ``m`` posted in thread ``t``) and ``p_t`` the number of
    participants of thread ``t``, the weight of the pair ``{u, v}``,
    ``u != v``, is

    * ``"count"``: ``sum_t B[u, t] B[v, t]``, the number of threads both
      posted in, i.e. ``(B @ B.T)[u, v]``;
    * ``"newman"``: ``sum_t B[u, t] B[v, t] / (p_t - 1)``. Each thread gives
      each participant a total weight of 1 spread over its co-participants,
      so a small discussion counts more per pair than a crowded one
      (Newman 2001's collaboration weights).

    Parameters
    ----------
    forum : Forum
        From :func:`netanalysis.read_forum`.
    weighting : {"count", "newman"}, default "count"
    max_participants : int, optional
        Skip threads with more participants than this. A thread with ``p``
        participants adds ``p * (p - 1)`` entries to the matrix product, so
        a few huge threads (announcements, "introduce yourself", a giveaway)
        can make the graph dense and exhaust memory while saying little
        about who talks to whom. ``meta["threads_skipped"]`` and
        ``meta["posts_skipped"]`` say what was left out;
        ``meta["largest_thread"]`` (the largest thread's participant count)
        and ``meta["pair_bound"]`` (``sum_t p_t (p_t - 1)`` over the threads
        used, an upper bound on the stored entries) help to choose a limit.
        None keeps every thread; a :class:`LargeGraphWarning` is issued when
        the bound exceeds 300 million pairs (several GB).
    {nodes_doc}

    Returns
    -------
    InteractionGraph
        ``kind="coparticipation"``, undirected (symmetric adjacency, no
        self-loops); ``weight`` is ``"shared threads"`` or ``"shared threads
        (Newman)"``. ``meta`` holds the options, ``threads`` (threads with a
        post), ``threads_used``, ``threads_single_participant`` (which
        add no pair), ``threads_skipped``, ``posts_skipped``,
        ``largest_thread``, ``pair_bound`` and ``weight_outside_nodes``.

    See Also
    --------
    affiliation_matrix : the two-mode matrix this graph projects.
    reply_graph

    Notes
    -----
    Built as one sparse product ``(B W) @ B.T`` with ``W`` the diagonal of
    thread weights; the cost is ``sum_t p_t ** 2`` operations.

    References
    ----------
    .. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II.
       Shortest paths, weighted networks, and centrality. Physical Review E
       64, 016132.
    .. [2] Fonhof, van der Bruggen & Takes (2019). Characterizing key players
       in child exploitation networks on the Dark Net. Complex Networks VII
       (projections of the user x thread network).

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> posts = pd.DataFrame({
    ...     "post_id": [1, 2, 3, 4, 5, 6],
    ...     "thread_id": [10, 10, 10, 20, 20, 20],
    ...     "author_id": ["ann", "bob", "cy", "ann", "bob", "bob"],
    ...     "created_at": pd.date_range("2013-01-01", periods=6, freq="D")})
    >>> forum = read_forum({"posts": posts})
    >>> coparticipation_graph(forum).edges()
      source target  weight
    0    ann    bob     2.0
    1    ann     cy     1.0
    2    bob     cy     1.0
    >>> coparticipation_graph(forum, weighting="newman").edges()
      source target  weight
    0    ann    bob     1.5
    1    ann     cy     0.5
    2    bob     cy     0.5
    >>> coparticipation_graph(forum, max_participants=2).meta["threads_skipped"]
    1
    """
    check_forum(forum)
    if weighting not in COPARTICIPATION_WEIGHTINGS:
        raise ValueError(f"weighting must be one of {COPARTICIPATION_WEIGHTINGS}, not {weighting!r}")
    if max_participants is not None:
        if isinstance(max_participants, bool) or not isinstance(max_participants, (int, np.integer)):
            raise TypeError("max_participants must be an integer or None")
        if max_participants < 2:
            raise ValueError("max_participants must be at least 2 (smaller threads have no pairs)")

    pa = forum.post_arrays
    B = incidence(forum)  # a fresh matrix, modified in place below
    participants = np.bincount(B.indices, minlength=B.shape[1])
    posts_per_thread = np.bincount(pa.thread, minlength=B.shape[1])
    skipped = np.zeros(B.shape[1], dtype=bool)
    if max_participants is not None:
        skipped = participants > max_participants

    if weighting == "count":
        column_weight = np.ones(B.shape[1])
    else:
        column_weight = np.zeros(B.shape[1])
        pairs = participants >= 2
        column_weight[pairs] = 1.0 / (participants[pairs] - 1)
    column_weight[skipped] = 0.0
    # Single-participant threads add only to the diagonal, which is dropped.
    column_weight[participants < 2] = 0.0

    used = column_weight > 0
    pair_bound = int((participants[used].astype(np.int64) * (participants[used] - 1)).sum())
    if pair_bound > LARGE_PRODUCT:
        warnings.warn(
            f"coparticipation_graph: the threads used give up to {pair_bound:,} member pairs "
            f"(about {pair_bound * 12 / 1e9:.0f} GB); the largest thread has "
            f"{int(participants.max(initial=0)):,} participants. Consider max_participants.",
            LargeGraphWarning, stacklevel=2,
        )

    # B now holds each used thread's weight; the other entries are dropped.
    B.data[:] = column_weight[B.indices]
    B.eliminate_zeros()

    # A member has an edge when it took part in a used thread (p >= 2).
    rows = node_rows(forum, nodes, lambda: np.diff(B.indptr) > 0)
    lost = 0.0
    if not is_everyone(rows, B.shape[0]):
        # Restricting the incidence rows first keeps the product on the node set.
        full = float((column_weight * participants * (participants - 1)).sum()) / 2
        B = B[rows]
        inside = np.bincount(B.indices, minlength=B.shape[1])
        lost = full - float((column_weight * inside * (inside - 1)).sum()) / 2

    binary = B if weighting == "count" else sp.csr_array((np.ones_like(B.data), B.indices, B.indptr), shape=B.shape)
    product = _without_diagonal(sp.csr_array(B @ binary.T))
    # Sparse products leave column indices unsorted; sorting in place needs
    # no second copy of the largest matrix.
    product.sort_indices()

    meta = {
        "weighting": weighting,
        "max_participants": max_participants,
        "threads": int(np.count_nonzero(participants)),
        "threads_used": int(np.count_nonzero(column_weight)),
        "threads_single_participant": int(np.count_nonzero(participants == 1)),
        "threads_skipped": int(np.count_nonzero(skipped)),
        "posts_skipped": int(posts_per_thread[skipped].sum()),
        "largest_thread": int(participants.max(initial=0)),
        "pair_bound": pair_bound,
    }
    meaning = "shared threads" if weighting == "count" else "shared threads (Newman)"
    return wrap_graph(forum, product, rows, nodes, lost, directed=False, kind="coparticipation",
                      weight=meaning, meta=meta)


coparticipation_graph.__doc__ = coparticipation_graph.__doc__.replace("{nodes_doc}", NODES_DOC)
