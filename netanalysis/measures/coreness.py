"""Coreness (k-core number): the deepest k-core a member belongs to.

The k-core is the largest subgraph in which every node has degree at least
``k``; a member's coreness is the largest ``k`` whose k-core contains it
(Seidman 1983). Degrees count edges, not weights. Self-loops are ignored
(networkx refuses graphs with self-loops; igraph counts them).

On a directed graph the degree has three readings (igraph's ``mode``):

* ``"in"``: in-degree within the subgraph (in-coreness: being replied to by
  members who are themselves replied to);
* ``"out"``: out-degree within the subgraph (out-coreness);
* ``"all"``: in-degree + out-degree, so a reciprocated pair counts twice
  (networkx's ``core_number`` on a ``DiGraph``, igraph's ``mode="all"``).

An undirected graph has one coreness (``mode`` must be ``"all"``).

Computed with the O(n + m) bucket algorithm of Batagelj and Zaversnik:
nodes sorted by degree in bins, repeatedly remove a node of least current
degree and move its neighbours down one bin. Compiled; inherently
sequential, but linear.

References
----------
Seidman, S. B. (1983). Network structure and minimum degree. Social Networks
5(3), 269-287.
Batagelj, V., Zaversnik, M. (2003). An O(m) algorithm for cores
decomposition of networks. arXiv:cs/0310049.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from .._numba import jit

from ..graphs import InteractionGraph
from ._common import as_series
from ._linear import transpose, unsigned, without_loops

__all__ = ["coreness"]

MODES = ("all", "in", "out")


@jit()
def _bucket_cores(deg, indptr_a, indices_a, indptr_b, indices_b, use_b):
    """Batagelj-Zaversnik. ``deg`` (int64, modified in place) is the starting
    degree; removing ``v`` lowers by one the degree of every neighbour listed
    in row ``v`` of CSR ``a`` and, if ``use_b``, of CSR ``b`` (once per
    listing). Returns ``deg``, now the core numbers."""
    n = deg.shape[0]
    if n == 0:
        return deg
    max_deg = 0
    for v in range(n):
        if deg[v] > max_deg:
            max_deg = deg[v]
    # int32 work arrays (the caller passes int32 degrees when they fit): half
    # the cache footprint of int64, a fifth less time on reply graphs
    bin_start = np.zeros(max_deg + 1, dtype=deg.dtype)
    for v in range(n):
        bin_start[deg[v]] += 1
    start = 0
    for d in range(max_deg + 1):
        count = bin_start[d]
        bin_start[d] = start
        start += count
    pos = np.empty(n, dtype=deg.dtype)
    vert = np.empty(n, dtype=deg.dtype)
    for v in range(n):
        pos[v] = bin_start[deg[v]]
        vert[pos[v]] = v
        bin_start[deg[v]] += 1
    for d in range(max_deg, 0, -1):
        bin_start[d] = bin_start[d - 1]
    bin_start[0] = 0
    for i in range(n):
        v = vert[i]
        dv = deg[v]  # final: only neighbours above it are lowered
        for side in range(2):
            if side == 0:
                indptr, indices = indptr_a, indices_a
            else:
                if not use_b:
                    break
                indptr, indices = indptr_b, indices_b
            for k in range(indptr[v], indptr[v + 1]):
                u = indices[k]
                du = deg[u]
                if du > dv:
                    pu = pos[u]
                    pw = bin_start[du]
                    w = vert[pw]
                    if u != w:
                        pos[u] = pw
                        vert[pu] = w
                        pos[w] = pu
                        vert[pw] = u
                    bin_start[du] = pw + 1
                    deg[u] = du - 1
    return deg


def coreness_array(adj: sp.csr_array, directed: bool, mode: str = "all",
                   adj_t: sp.csr_array | None = None) -> np.ndarray:
    """Core numbers on integer node indices; ``adj`` and ``adj_t`` (its
    transpose) must already be free of self-loops."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if not directed and mode != "all":
        raise ValueError("an undirected graph has one coreness: mode='all'")
    # degrees up to 2 nnz: int32 while that fits
    deg_type = np.int32 if 2 * adj.nnz < np.iinfo(np.int32).max else np.int64
    out_deg = np.diff(adj.indptr).astype(deg_type)
    a_ptr, a_idx = unsigned(adj.indptr), unsigned(adj.indices)
    if not directed:
        cores = _bucket_cores(out_deg, a_ptr, a_idx, a_ptr, a_idx, False)
        return cores.astype(np.float64)
    if adj_t is None:
        adj_t = transpose(adj)
    in_deg = np.diff(adj_t.indptr).astype(deg_type)
    t_ptr, t_idx = unsigned(adj_t.indptr), unsigned(adj_t.indices)
    if mode == "in":
        # Removing v costs its out-neighbours one in-edge each.
        cores = _bucket_cores(in_deg, a_ptr, a_idx, a_ptr, a_idx, False)
    elif mode == "out":
        cores = _bucket_cores(out_deg, t_ptr, t_idx, t_ptr, t_idx, False)
    else:
        cores = _bucket_cores(in_deg + out_deg, a_ptr, a_idx, t_ptr, t_idx, True)
    return cores.astype(np.float64)


def coreness(graph: InteractionGraph, mode: str = "all") -> pd.Series:
    """Coreness (k-core number) of each member.

    Parameters
    ----------
    graph : InteractionGraph
    mode : {"all", "in", "out"}, default "all"
        Which degree defines the cores on a directed graph (see the module
        docstring); ``"all"`` only on an undirected graph.

    Returns
    -------
    pandas.Series
        Float core numbers, named ``"coreness"``, ``"in_coreness"`` or
        ``"out_coreness"``.

    Examples
    --------
    A triangle with a pendant member:

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> rows, cols = [0, 1, 0, 2, 1, 2, 2, 3], [1, 0, 2, 0, 2, 1, 3, 2]
    >>> g = InteractionGraph(sp.csr_array(([1.0] * 8, (rows, cols)), shape=(4, 4)), list("abcd"), directed=False)
    >>> coreness(g).tolist()
    [2.0, 2.0, 2.0, 1.0]
    >>> cycle = InteractionGraph(sp.csr_array([[0, 1, 0], [0, 0, 1], [1, 0, 0]]), list("xyz"))
    >>> coreness(cycle, mode="in").tolist(), coreness(cycle).tolist()
    ([1.0, 1.0, 1.0], [2.0, 2.0, 2.0])
    """
    adj = without_loops(graph.adjacency)
    values = coreness_array(adj, graph.directed, mode)
    name = "coreness" if mode == "all" else f"{mode}_coreness"
    return as_series(graph, values, name)
