"""Helpers shared by the graph builders: node sets and sparse assembly.

Builders work on integer member codes (rows of ``forum.members``, from
:class:`~netanalysis.forum.Forum`). Pair-based builders (replies, messages)
map the pairs to node positions and assemble the adjacency once; matrix
builders (co-participation, combined) build it over all members and keep
the rows and columns of the node set. Node order is always the row order of
``forum.members`` (or the order of an explicit list of ids).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..forum import Forum
from .interaction_graph import InteractionGraph

#: The named node sets a builder accepts (besides an explicit list of member ids).
NODE_SETS = ("authors", "members", "active", "connected")

NODES_DOC = """nodes : {"authors", "members", "active", "connected"} or sequence of member ids
        Which members become nodes. ``"authors"``: every member with at
        least one post; ``"members"``: every row of ``forum.members``,
        lurkers included; ``"active"``: every member with a post or a
        private message (sent or received); ``"connected"``: only members
        with an edge in this graph. Nodes follow the row order of
        ``forum.members``. A sequence of member ids gives the nodes in that
        order. Edges with an endpoint outside the node set are dropped and
        their total weight is recorded in ``meta["weight_outside_nodes"]``."""


def check_forum(forum) -> None:
    if not isinstance(forum, Forum):
        raise TypeError(
            f"expected a netanalysis Forum (see netanalysis.read_forum), got {type(forum).__name__}"
        )


def count_csr(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_array:
    """The canonical ``n x n`` float64 CSR matrix whose entry ``(i, j)`` counts
    the pairs ``(rows[k], cols[k]) == (i, j)``.

    One sort of the pair keys ``i * n + j`` gives the rows in order, the
    columns sorted within rows and the counts as run lengths: about four
    times faster than building a COO matrix and summing its duplicates.
    """
    if n and n > np.iinfo(np.int64).max // n:
        raise OverflowError("too many nodes for int64 pair keys")
    key = rows.astype(np.int64) * n
    key += cols
    key.sort()
    if len(key):
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        counts = np.diff(np.append(starts, len(key))).astype(np.float64)
        key = key[starts]
    else:
        counts = np.zeros(0, dtype=np.float64)
    row = key // n
    col = key - row * n
    index_type = np.int32 if max(n, len(key)) < np.iinfo(np.int32).max else np.int64
    indptr = np.zeros(n + 1, dtype=index_type)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    return sp.csr_array((counts, col.astype(index_type), indptr), shape=(n, n))


def _active_rows(forum: Forum) -> np.ndarray:
    n = len(forum.member_index)
    active = np.zeros(n, dtype=bool)
    active[forum.post_arrays.author] = True
    sender, recipient, _ = forum.message_arrays
    active[sender] = True
    active[recipient] = True
    return active


def node_rows(forum: Forum, nodes, has_edge=None) -> np.ndarray:
    """Rows of ``forum.members`` that become nodes, in node order.

    ``has_edge`` is a callable returning a boolean mask over the members
    (those with an edge), needed only for ``nodes="connected"``.
    """
    n = len(forum.member_index)
    if isinstance(nodes, str):
        if nodes == "members":
            return np.arange(n, dtype=np.int64)
        if nodes == "authors":
            has = np.zeros(n, dtype=bool)
            has[forum.post_arrays.author] = True
            return np.flatnonzero(has)
        if nodes == "active":
            return np.flatnonzero(_active_rows(forum))
        if nodes == "connected":
            if has_edge is None:
                raise ValueError("nodes='connected' has no meaning here")
            return np.flatnonzero(has_edge())
        raise ValueError(f"nodes must be one of {NODE_SETS} or a sequence of member ids, not {nodes!r}")
    ids = pd.Index(nodes)
    if not ids.is_unique:
        raise ValueError("the node ids given must be unique")
    rows = forum.member_index.get_indexer(ids)
    if (rows < 0).any():
        missing = ids[rows < 0][:5].tolist()
        raise KeyError(f"node ids that are not members of the forum: {missing}")
    return rows.astype(np.int64)


def is_everyone(rows: np.ndarray, n: int) -> bool:
    return len(rows) == n and bool(np.all(rows == np.arange(n)))


def _matrix_has_edge(adjacency: sp.csr_array):
    def has_edge() -> np.ndarray:
        has = np.diff(adjacency.indptr) > 0
        has[adjacency.indices] = True
        return has
    return has_edge


def wrap_graph(forum: Forum, adjacency: sp.csr_array, rows: np.ndarray, nodes, lost: float, *, directed: bool,
          kind: str, weight: str, meta: dict[str, Any]) -> InteractionGraph:
    meta = dict(meta)
    meta["nodes"] = nodes if isinstance(nodes, str) else "given"
    # Only a node set that excludes some endpoints (an explicit list, or
    # "authors" for private messages) loses weight; recorded so it is never silent.
    meta["weight_outside_nodes"] = float(lost)
    return InteractionGraph._from_canonical(
        adjacency, forum.member_index.take(rows), directed=directed, kind=kind, weight=weight, meta=meta
    )


def _total_weight(adjacency: sp.csr_array, directed: bool) -> float:
    """Sum of the edge weights, an undirected edge counted once."""
    total = float(adjacency.data.sum())
    if directed:
        return total
    loops = float(adjacency.diagonal().sum())
    return (total - loops) / 2 + loops


def graph_from_matrix(forum: Forum, adjacency: sp.csr_array, nodes, *, directed: bool, kind: str,
                      weight: str, meta: dict[str, Any]) -> InteractionGraph:
    """The graph of a canonical member-space adjacency on the chosen node set."""
    rows = node_rows(forum, nodes, _matrix_has_edge(adjacency))
    lost = 0.0
    if not is_everyone(rows, adjacency.shape[0]):
        sub = adjacency[rows][:, rows]
        sub.sort_indices()
        lost = _total_weight(adjacency, directed) - _total_weight(sub, directed)
        adjacency = sub
    return wrap_graph(forum, adjacency, rows, nodes, lost, directed=directed, kind=kind, weight=weight, meta=meta)


def graph_from_pairs(forum: Forum, source: np.ndarray, dest: np.ndarray, nodes, *, directed: bool,
                     kind: str, weight: str, meta: dict[str, Any]) -> InteractionGraph:
    """The graph whose edge weights count the pairs ``(source[k], dest[k])``
    of member rows, on the chosen node set.

    The pairs are mapped to node positions before the matrix is assembled,
    so a node set smaller than ``forum.members`` costs nothing extra.
    """
    n_members = len(forum.member_index)

    def has_edge() -> np.ndarray:
        has = np.zeros(n_members, dtype=bool)
        has[source] = True
        has[dest] = True
        return has

    rows = node_rows(forum, nodes, has_edge)
    lost = 0
    if not is_everyone(rows, n_members):
        position = np.full(n_members, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        source, dest = position[source], position[dest]
        inside = (source >= 0) & (dest >= 0)
        lost = len(inside) - int(np.count_nonzero(inside))
        if lost:
            source, dest = source[inside], dest[inside]
    adjacency = count_csr(source, dest, len(rows))
    return wrap_graph(forum, adjacency, rows, nodes, lost, directed=directed, kind=kind, weight=weight, meta=meta)
