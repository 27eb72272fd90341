"""Shortest-path measures computed together: the private entry
:func:`path_measures` that the public functions and the panel call.

The graph is prepared once (self-loops dropped, lengths attached, leaves
folded away for betweenness), then one compiled traversal per source yields
every measure asked for.
"""
from __future__ import annotations

import random
from numbers import Integral
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from ..graphs import InteractionGraph
from . import _traversal as _k
from ._common import edge_lengths

__all__ = ["path_measures", "betweenness_values", "PATH_MEASURES"]

PATH_MEASURES = ("betweenness", "closeness", "harmonic")


def _index_dtype(nnz: int):
    return np.int32 if nnz < np.iinfo(np.int32).max else np.int64


def _length_matrix(graph: InteractionGraph, distance) -> tuple[sp.csr_array, bool]:
    """The graph as a CSR matrix of edge lengths without self-loops, and
    whether lengths are real (False: every edge has length 1)."""
    lengths = edge_lengths(graph, distance)
    adj = graph.adjacency
    weighted = lengths is not None
    data = lengths if weighted else np.ones(adj.nnz)
    rows = np.repeat(np.arange(adj.shape[0]), np.diff(adj.indptr))
    off_diagonal = adj.indices != rows
    counts = np.bincount(rows[off_diagonal], minlength=adj.shape[0])
    indptr = np.concatenate(([0], np.cumsum(counts)))
    mat = sp.csr_array(
        (data[off_diagonal], adj.indices[off_diagonal], indptr), shape=adj.shape
    )
    return mat, weighted


def _kernel_arrays(mat: sp.csr_array, weighted: bool):
    dtype = _index_dtype(mat.nnz)
    indptr = np.ascontiguousarray(mat.indptr, dtype=dtype)
    indices = np.ascontiguousarray(mat.indices, dtype=dtype)
    lengths = np.ascontiguousarray(mat.data, dtype=np.float64) if weighted else np.empty(0)
    return indptr, indices, lengths


def _pattern(mat: sp.csr_array, directed: bool) -> sp.csr_array:
    """Distinct neighbours of each node in the undirected sense."""
    pat = sp.csr_array((np.ones(mat.nnz), mat.indices, mat.indptr), shape=mat.shape)
    if directed:
        pat = (pat + pat.T).tocsr()
    pat.sort_indices()
    return pat


# Graphs with at least this many nodes are relabelled in breadth-first order
# before the traversals: neighbours then sit close together in the work
# arrays, which saves a fifth of the time on reply graphs of 10^5 members.
_REORDER_MIN_NODES = 2000


def _locality_order(mat: sp.csr_array) -> np.ndarray:
    """Nodes in breadth-first order (ignoring direction) from the node of
    highest degree, followed by the nodes it does not reach."""
    pattern = _pattern(mat, True)
    start = int(np.argmax(np.diff(pattern.indptr)))
    first = breadth_first_order(pattern, start, directed=False, return_predecessors=False)
    seen = np.zeros(mat.shape[0], dtype=bool)
    seen[first] = True
    return np.concatenate((first, np.flatnonzero(~seen))).astype(np.int64)


def _run(mat, weighted, nodes, src_weight, tgt_weight, *, bc, dist, reach, sources=None):
    """Run the path kernel on the subgraph induced by ``nodes`` (all nodes
    if None); results are aligned with ``nodes``. ``sources`` (positions in
    that subgraph, in the order they are to be run) restricts the sources;
    by default every node with an out-edge is one."""
    sub = sp.csr_array(mat[nodes][:, nodes]) if nodes is not None else mat
    perm = None
    if sub.shape[0] >= _REORDER_MIN_NODES:
        perm = _locality_order(sub)
        sub = sp.csr_array(sub[perm][:, perm])
        src_weight, tgt_weight = np.asarray(src_weight)[perm], np.asarray(tgt_weight)[perm]
        if sources is not None:
            position = np.empty_like(perm)
            position[perm] = np.arange(len(perm))
            sources = position[np.asarray(sources, dtype=np.int64)]
    sub.sort_indices()
    indptr, indices, lengths = _kernel_arrays(sub, weighted)
    if sources is None:
        sources = np.flatnonzero(np.diff(indptr))
    sources = np.ascontiguousarray(sources, dtype=indptr.dtype)
    rindptr = rindices = None
    if dist and not bc and not weighted:
        # hop distances alone: levels may be grown bottom-up over in-edges
        rev = sp.csr_array(sub.T)
        rindptr, rindices, _ = _kernel_arrays(rev, False)
    results = _k.path_sums(
        indptr, indices, lengths, weighted, sources,
        np.ascontiguousarray(src_weight, dtype=np.float64),
        np.ascontiguousarray(tgt_weight, dtype=np.float64),
        bc=bc, dist=dist, reach=reach, rindptr=rindptr, rindices=rindices,
    )
    if perm is None:
        return results
    restored = []
    for values in results:
        if len(values):
            back = np.empty_like(values)
            back[perm] = values
            values = back
        restored.append(values)
    return tuple(restored)


def _betweenness_pruned(mat: sp.csr_array, weighted: bool, directed: bool, *,
                        reach: bool = False):
    """Betweenness summed over ordered pairs (s, t), s != t, endpoints
    excluded, with leaves folded away exactly; with ``reach``, also
    ``(r_out, r_in)``: for each node the number of other nodes it reaches
    and that reach it (what ``endpoints=True`` adds).

    Undirected graphs: every tree hanging off the graph is folded (degree-1
    nodes removed repeatedly). A node u whose hanging subtrees have sizes
    ``s_1..s_k`` and whose component has N nodes lies on the unique path
    between any two nodes in different branches at u (the subtrees and the
    rest of the component, of size ``N - omega(u)``): ``sum_{i<j} s_i s_j +
    (sum_i s_i)(N - omega(u))`` unordered pairs. Pairs with both ends
    outside u's subtrees are counted by Brandes' algorithm on the remaining
    graph, where each node stands for ``omega`` nodes as source and target
    (shortest paths from a folded node all leave through its root, with the
    same counts and the same order of lengths).

    Directed graphs: a single round. A leaf is a node whose only neighbour,
    ignoring direction, is one node p (edges l -> p and/or p -> l); when two
    leaves are each other's neighbour the one with the lower index stays.
    A leaf is never an interior node. p stands for ``omega_in(p) = 1 + #{l:
    l -> p}`` sources and ``omega_out(p) = 1 + #{l: p -> l}`` targets; p
    itself lies on: leaf -> p -> other leaf (``in_L * out_L - both_L``),
    leaf -> p -> rest (``in_L * out_R(p)``) and rest -> p -> leaf
    (``in_R(p) * out_L``), where ``out_R(p)`` is the total target weight p
    reaches in the reduced graph and ``in_R(p)`` the total source weight
    reaching p, both recorded by the same traversals.

    Reach counts: undirected, the component's size less one. Directed, a
    kept node p reaches ``out_R(p) + out_L(p)`` others (its own leaves
    besides what the traversals count) and is reached by ``in_R(p) +
    in_L(p)``; a leaf l of p reaches ``[l -> p] (1 + r_out(p) - [p -> l])``
    others (p and all p reaches, l itself excepted) and, alike, is reached
    by ``[p -> l] (1 + r_in(p) - [l -> p])``.
    """
    n = mat.shape[0]
    pat = _pattern(mat, directed)
    p_indptr, p_indices, _ = _kernel_arrays(pat, False)
    if not directed:
        removed, omega, hang_sum, hang_sq = _k._fold_trees(p_indptr, p_indices)
        _, labels = connected_components(pat, directed=False)
        comp_size = np.bincount(labels, minlength=n).astype(np.float64)[labels]
        tree = (hang_sum * hang_sum - hang_sq) / 2.0 + hang_sum * (comp_size - omega)
        keep = np.flatnonzero(~removed & (np.diff(pat.indptr) > 0))
        bc = 2.0 * tree
        if len(keep):
            bc_kept, *_ = _run(mat, weighted, keep, omega[keep], omega[keep],
                               bc=True, dist=False, reach=False)
            bc[keep] += bc_kept
        if not reach:
            return bc
        others = comp_size - 1.0
        return bc, others, others.copy()

    deg = np.diff(pat.indptr)
    is_leaf = deg == 1
    parent = np.full(n, -1, dtype=np.int64)
    parent[is_leaf] = pat.indices[pat.indptr[:-1][is_leaf]]
    idx = np.arange(n)
    removed = is_leaf & ~(is_leaf[np.maximum(parent, 0)] & (idx < parent))
    out_deg = np.diff(mat.indptr)
    in_deg = np.bincount(mat.indices, minlength=n)
    leaves = np.flatnonzero(removed)
    to_parent = (out_deg[leaves] > 0).astype(np.float64)
    from_parent = (in_deg[leaves] > 0).astype(np.float64)
    par = parent[leaves]
    # float even without leaves (bincount of nothing gives integers)
    in_leaves = np.bincount(par, weights=to_parent, minlength=n).astype(np.float64)
    out_leaves = np.bincount(par, weights=from_parent, minlength=n).astype(np.float64)
    both = np.bincount(par, weights=to_parent * from_parent, minlength=n).astype(np.float64)
    bc = (in_leaves * out_leaves - both).astype(np.float64)
    keep = np.flatnonzero(~removed & (deg > 0))
    if len(keep):
        bc_kept, _, _, _, in_reach, out_reach = _run(
            mat, weighted, keep, 1.0 + in_leaves[keep], 1.0 + out_leaves[keep],
            bc=True, dist=False, reach=True,
        )
        bc[keep] += bc_kept + in_leaves[keep] * out_reach + in_reach * out_leaves[keep]
    if not reach:
        return bc
    r_out = out_leaves.copy()
    r_in = in_leaves.copy()
    if len(keep):
        r_out[keep] += out_reach
        r_in[keep] += in_reach
    r_out[leaves] = to_parent * (1.0 + r_out[par] - from_parent)
    r_in[leaves] = from_parent * (1.0 + r_in[par] - to_parent)
    return bc, r_out, r_in


def path_measures(
    graph: InteractionGraph,
    measures: Iterable[str] = PATH_MEASURES,
    distance: str | Callable = "hops",
    normalized: bool = True,
    *,
    wf_improved: bool = True,
    prune: bool = True,
) -> dict[str, np.ndarray]:
    """Betweenness, closeness and harmonic centrality from one traversal per
    source, as arrays aligned with ``graph.node_ids``.

    Parameters
    ----------
    graph : InteractionGraph
    measures : iterable of str
        Any subset of ``"betweenness"``, ``"closeness"``, ``"harmonic"``.
    distance : "hops", "inverse" or callable
        How an edge weight becomes a length (see ``_common.edge_lengths``).
    normalized : bool
        Betweenness only: divide by ``(n-1)(n-2)`` ordered pairs (networkx's
        normalisation); otherwise raw pair counts (halved for undirected
        graphs). Closeness is always on [0, 1]; harmonic is networkx's raw sum.
    wf_improved : bool
        Closeness only: Wasserman-Faust scaling by the reached share.
    prune : bool
        Fold leaves away for betweenness (exact). When closeness or harmonic
        is asked for as well, every node is a source anyway and no folding
        is done, so the three still come from one traversal per source.

    Returns
    -------
    dict mapping each asked measure to a float64 array of length n.
    """
    wanted = tuple(dict.fromkeys(measures))
    unknown = [m for m in wanted if m not in PATH_MEASURES]
    if unknown:
        raise ValueError(f"unknown path measures {unknown}; choose from {PATH_MEASURES}")
    n = graph.n_nodes
    out: dict[str, np.ndarray] = {}
    if not wanted:
        return out
    mat, weighted = _length_matrix(graph, distance)
    want_bc = "betweenness" in wanted
    want_dist = "closeness" in wanted or "harmonic" in wanted
    if n == 0:
        return {m: np.zeros(0) for m in wanted}
    if want_bc and not want_dist and prune:
        bc = _betweenness_pruned(mat, weighted, graph.directed)
    else:
        ones = np.ones(n)
        bc, dsum, nreach, harm, _, _ = _run(mat, weighted, None, ones, ones,
                                            bc=want_bc, dist=want_dist, reach=False)
        if want_dist:
            if "closeness" in wanted:
                with np.errstate(invalid="ignore", divide="ignore"):
                    clo = np.where(dsum > 0, nreach / dsum, 0.0)
                if wf_improved and n > 1:
                    clo = clo * (nreach / (n - 1))
                out["closeness"] = clo
            if "harmonic" in wanted:
                out["harmonic"] = harm
    if want_bc:
        out["betweenness"] = _scale_betweenness(bc, n, graph.directed, normalized)
    return {m: out[m] for m in wanted}


def _scale_betweenness(bc_ordered: np.ndarray, n: int, directed: bool, normalized: bool,
                       endpoints: bool = False, sampled: np.ndarray | None = None) -> np.ndarray:
    """networkx's scaling (``_rescale``) of a sum over ordered pairs.

    With ``N = n`` (endpoints counted) or ``n - 1`` (not), nothing is scaled
    when ``N < 2``. Otherwise, with ``K`` sources (``N`` for all of them),
    normalised values are divided by ``K (N - 1)`` and raw ones multiplied
    by ``N / K`` (halved on undirected graphs, where each unordered pair
    was counted twice). Sampled sources without endpoints: a sampled node
    cannot be a source of a pair it lies inside, so it uses ``K - 1`` for
    ``K`` (NaN when ``K = 1``, as in networkx)."""
    big_n = n if endpoints else n - 1
    if big_n < 2:
        return bc_ordered
    correction = 1 if directed else 2
    if sampled is None or endpoints:
        k = big_n if sampled is None else len(sampled)
        if normalized:
            return bc_ordered / (k * (big_n - 1))
        if k == big_n:
            return bc_ordered if directed else bc_ordered / 2.0
        return bc_ordered * (big_n / (k * correction))
    k = len(sampled)
    if normalized:
        scale = np.full(n, 1.0 / (k * (big_n - 1)))
        scale[sampled] = 1.0 / ((k - 1) * (big_n - 1)) if k > 1 else np.nan
    else:
        scale = np.full(n, big_n / (k * correction))
        scale[sampled] = big_n / ((k - 1) * correction) if k > 1 else np.nan
    return bc_ordered * scale


def _sample_sources(n: int, k, seed) -> np.ndarray:
    """``k`` distinct nodes drawn uniformly. An integer seed (or a
    ``random.Random``) draws them as networkx does, ``random.Random(seed)
    .sample(nodes, k)``, so that the same seed picks the same sources; a
    numpy ``Generator`` draws with ``choice(n, k, replace=False)``."""
    if isinstance(k, bool) or not isinstance(k, Integral) or not 1 <= k <= n:
        raise ValueError(f"k must be an integer in [1, n = {n}], not {k!r}")
    if isinstance(seed, np.random.Generator):
        return seed.choice(n, size=int(k), replace=False).astype(np.int64)
    if isinstance(seed, random.Random):
        rng = seed
    elif seed is None or isinstance(seed, Integral):
        rng = random.Random(None if seed is None else int(seed))
    else:
        raise TypeError(f"seed must be an int, a numpy Generator, a random.Random or None, "
                        f"not {type(seed).__name__}")
    return np.asarray(rng.sample(range(n), int(k)), dtype=np.int64)


def _positions_of(graph: InteractionGraph, members, what: str) -> np.ndarray:
    """Node positions of member ids (one per id given, repeats kept)."""
    if isinstance(members, (str, bytes)):
        members = [members]
    ids = list(members)
    idx = graph.node_ids.get_indexer(pd.Index(ids)) if ids else np.zeros(0, np.int64)
    if (idx < 0).any():
        missing = [m for m, i in zip(ids, idx) if i < 0][:5]
        raise KeyError(f"{what}: unknown member ids {missing}")
    return np.asarray(idx, dtype=np.int64)


def betweenness_values(
    graph: InteractionGraph,
    *,
    distance: str | Callable = "hops",
    normalized: bool = True,
    prune: bool = True,
    endpoints: bool = False,
    sources=None,
    targets=None,
    k: int | None = None,
    seed=0,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Betweenness as an array aligned with ``graph.node_ids`` (see
    :func:`netanalysis.measures.betweenness` for the definitions), and the
    positions of the sampled sources (None unless ``k`` sampled some).

    All sources and all targets: one traversal per source with leaves
    folded (``prune``), reach counts for the endpoints from the same
    traversals. Given sources or targets, or ``k`` sampled sources: one
    traversal per source, a node weighing as a source the number of times
    it is listed and as a target 1 if it is one (0 otherwise), so that
    Brandes' accumulation counts exactly the pairs asked for.
    """
    if k is not None and (sources is not None or targets is not None):
        raise ValueError("k samples sources among all members; it cannot be combined with "
                         "sources or targets")
    n = graph.n_nodes
    src = None if sources is None else _positions_of(graph, sources, "sources")
    tgt = None if targets is None else _positions_of(graph, targets, "targets")
    sampled = None
    if k is not None:
        sampled = _sample_sources(n, k, seed)
        if len(sampled) == n:  # every node a source: the exact value (as networkx)
            sampled = None
    mat, weighted = _length_matrix(graph, distance)
    if n == 0:
        return np.zeros(0), sampled
    if src is None and tgt is None and sampled is None:
        if prune:
            result = _betweenness_pruned(mat, weighted, graph.directed, reach=endpoints)
        else:
            ones = np.ones(n)
            bc, _, _, _, r_in, r_out = _run(mat, weighted, None, ones, ones, bc=True, dist=False,
                                            reach=endpoints)
            result = (bc, r_out, r_in) if endpoints else bc
        if endpoints:
            bc, r_out, r_in = result
            bc = bc + r_out + r_in
        else:
            bc = result
        return _scale_betweenness(bc, n, graph.directed, normalized, endpoints), None
    if sampled is not None:
        src = sampled
    src_weight = np.bincount(src, minlength=n).astype(np.float64) if src is not None else np.ones(n)
    if tgt is not None:
        tgt_weight = np.zeros(n)
        tgt_weight[tgt] = 1.0
    else:
        tgt_weight = np.ones(n)
    run_sources = np.flatnonzero(src_weight) if sampled is None else sampled
    bc, _, _, _, r_in, r_out = _run(mat, weighted, None, src_weight, tgt_weight, bc=True,
                                    dist=False, reach=endpoints, sources=run_sources)
    if endpoints:
        bc = bc + src_weight * r_out + tgt_weight * r_in
    if sampled is None:  # a subset: scaled as for all sources, as networkx does
        return _scale_betweenness(bc, n, graph.directed, normalized, endpoints), None
    return _scale_betweenness(bc, n, graph.directed, normalized, endpoints, sampled), sampled
