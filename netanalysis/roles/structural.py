"""Structural roles: RolX over ReFeX recursive features.

Two members have the same *structural role* when their neighbourhoods look
alike (hubs, spokes, members of tight groups, bridges), wherever they are in
the graph. RolX (Henderson et al. 2012) finds such roles in three steps.

1. **ReFeX features** (Henderson et al. 2011), all from sparse products,
   never one ego graph per node. With ``B`` the 0/1 arcs, ``W`` the weights
   and ``U`` the 0/1 undirected neighbourhood (self-loops dropped), the
   *base* features of node ``v`` are its degrees and strengths (in, out and
   number of neighbours for a directed graph; degree and strength for an
   undirected one) and its *egonet* features: the ego network of ``v`` is
   ``v`` plus its neighbours, its internal edges are those between two of
   its nodes (``rowsum((U @ B) * U)`` counts those among the neighbours;
   a compiled kernel evaluates this masked product without forming
   ``U @ B``)
   and its boundary edges those leaving (out-boundary) or entering
   (in-boundary) it (``sum_{u in ego} out(u) - internal``), counted and
   weighted. *Recursive* features are the sum and the mean of every feature
   of the previous iteration over the neighbours (``U @ F`` and ``U @ F /
   degree``), for ``max_iterations`` rounds.

   Every feature is *vertically log-binned*: sorting the nodes by value,
   the lowest fraction ``p = 1/2`` of the nodes gets bin 0, the lowest half
   of the rest bin 1 and so on (tied values share the lowest bin); here a
   node with value 0 gets 0 and a positive value gets ``bin + 1``, so that
   "absent" differs from "small". Two features are *similar* when their
   binned values differ by at most ``tolerance`` at every node; the features
   form a similarity graph and each connected component keeps one feature:
   an older one if it has any (new features that only repeat old ones are
   dropped), else the first new one. When a round would take the number of
   features above ``max_features``, ``tolerance`` is raised by one until it
   does not (on large graphs exact agreement at every node is rare). The
   recursion stops early when a round keeps nothing new. The binned
   features are the ReFeX output.

2. **NMF.** The node x feature matrix ``V`` (binned) is factorised as
   ``V ~ G F`` with non-negative ``G`` (node x role) and ``F`` (role x
   feature), by scikit-learn's coordinate-descent NMF (Frobenius loss,
   NNDSVDa start: deterministic).

3. **Number of roles by minimum description length** (RolX section 3.2):
   for each candidate ``r``, ``G`` and ``F`` are quantised to ``2^b``
   levels (``b = 1..8``) with Lloyd-Max quantisers (one-dimensional
   k-means) and the description length is
   ``L(r) = min_b [M_b + E_b]`` bits. The error ``E_b`` is RolX's: the
   generalised Kullback-Leibler divergence
   ``sum V log2(V / X) - (V - X) / ln 2`` between ``V`` and
   ``X = G_b F_b`` (the Poisson code length of ``V`` up to a constant).
   The model cost ``M_b`` differs from RolX's ``b r (n + f)``, which
   charges every node ``b r`` bits, so that on the small values of binned
   features one or two roles win even where the roles are plainly
   distinct (our planted test graphs): here the quantised membership rows are coded with
   their empirical entropy (``n H(rows)`` bits, about ``log2 r`` per node
   for near-hard roles), plus ``b`` bits per entry of each distinct row and
   of ``F``. The chosen ``r`` minimises ``L`` (ties: the smaller);
   candidates are tried from 1 up and the search stops after two rises of
   ``L`` in a row. For large graphs ``F`` and ``L`` come from a seeded
   sample of ``mdl_sample`` nodes, and the memberships ``G`` of all nodes
   are then fitted with ``F`` fixed (scikit-learn's ``transform``).

Each role's profile (row of ``F``) is scaled to sum to 1 and ``G``
inversely, so ``G[i, k]`` is the part of node ``i``'s feature total that
role ``k`` explains; memberships are the rows of ``G`` scaled to sum to 1
and the primary role is the largest (``-1`` for a node whose features are all 0, e.g. an isolated
node, which NMF cannot place). Roles are numbered by decreasing number of
primary members.

**Sense making** (RolX section 5): interpretable measures ``N`` (node x
measure: degree, strength, in/out degree for directed graphs, local
density of the neighbourhood, boundary share of the egonet and PageRank
when :mod:`netanalysis.measures` provides it) are explained by the
memberships through non-negative least squares, ``G E ~ N``. ``E[k, m]`` is
the value of measure ``m`` predicted for a member purely in role ``k``; the
table reports it divided by the mean of ``m`` over all members (2 = twice
the average member).

References
----------
Henderson, K., Gallagher, B., Li, L., Akoglu, L., Eliassi-Rad, T., Tong, H.,
Faloutsos, C. (2011). It's who you know: graph mining using recursive
structural features. KDD 2011, 663-671.
Henderson, K., Gallagher, B., Eliassi-Rad, T., Tong, H., Basu, S., Akoglu,
L., Koutra, D., Faloutsos, C., Li, L. (2012). RolX: structural role
extraction & mining in large graphs. KDD 2012, 1231-1239.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba import prange

from .._numba import TRIANGLES, dual_kernel
from scipy.optimize import nnls

from ..graphs import InteractionGraph

__all__ = ["structural_roles", "refex_features", "StructuralRoles"]

_MAX_BITS = 8


@dataclass(frozen=True)
class StructuralRoles:
    """Result of :func:`structural_roles`.

    Attributes
    ----------
    membership : DataFrame
        Member x role, non-negative, rows summing to 1 (0 for featureless
        members).
    role : Series
        Primary role per member (int; -1 when the member has no features).
    n_roles : int
        Number of roles.
    description_lengths : Series
        Description length in bits per candidate number of roles (empty
        when ``n_roles`` was given).
    sense_making : DataFrame
        Role x measure: predicted value of the measure for a pure member of
        the role, over the mean of the measure.
    features : DataFrame
        Member x ReFeX feature (binned values).
    role_features : DataFrame
        Role x feature: the NMF factor ``F``, each row scaled to sum to 1.
    """

    membership: pd.DataFrame
    role: pd.Series
    n_roles: int
    description_lengths: pd.Series
    sense_making: pd.DataFrame
    features: pd.DataFrame
    role_features: pd.DataFrame


# -- ReFeX ----------------------------------------------------------------------
def _parts(graph: InteractionGraph):
    """0/1 arcs, weights and the 0/1 undirected neighbourhood, without loops."""
    n = graph.n_nodes
    coo = graph.adjacency.tocoo()
    keep = coo.row != coo.col
    r, c, w = coo.row[keep], coo.col[keep], coo.data[keep]
    weights = sp.csr_array((w, (r, c)), shape=(n, n))
    arcs = sp.csr_array((np.ones(len(r)), (r, c)), shape=(n, n))
    und = ((arcs + arcs.T) > 0).astype(np.float64).tocsr()
    return arcs, weights, und


@dual_kernel(kind=TRIANGLES)
def _among_kernel(u_indptr, u_indices, b_indptr, b_indices, b_data, n_chunks):
    """Row sums of the masked product ``(U @ B) * U`` (arcs between two
    neighbours of each node, counted and weighted) without forming ``U @ B``:
    mark the neighbours of ``v``, then scan the arcs leaving each neighbour."""
    n = u_indptr.shape[0] - 1
    count = np.zeros(n)
    weight = np.zeros(n)
    size = (n + n_chunks - 1) // n_chunks
    for chunk in prange(n_chunks):
        mark = np.zeros(n, dtype=np.bool_)
        for v in range(chunk * size, min(n, (chunk + 1) * size)):
            for k in range(u_indptr[v], u_indptr[v + 1]):
                mark[u_indices[k]] = True
            c = 0.0
            w = 0.0
            for k in range(u_indptr[v], u_indptr[v + 1]):
                u = u_indices[k]
                for e in range(b_indptr[u], b_indptr[u + 1]):
                    if mark[b_indices[e]]:
                        c += 1.0
                        w += b_data[e]
            for k in range(u_indptr[v], u_indptr[v + 1]):
                mark[u_indices[k]] = False
            count[v] = c
            weight[v] = w
    return count, weight


def _among_neighbours(und: sp.csr_array, weights: sp.csr_array):
    """Arcs (count and weight) between two neighbours of each node."""
    n = und.shape[0]
    if weights.nnz == 0:
        return np.zeros(n), np.zeros(n)
    # Each node's sums are taken in one fixed order inside its chunk, so the
    # bytes do not depend on the chunks; their count is the kind's (one
    # marker array per chunk), never the number of threads.
    work = int(und.nnz) + n
    n_chunks = TRIANGLES.n_chunks(n) if work >= _among_kernel.min_work else 1
    return _among_kernel(work, und.indptr, und.indices, weights.indptr, weights.indices,
                         weights.data, n_chunks)


def _base_features(graph: InteractionGraph, arcs, weights, und) -> tuple[dict, dict]:
    """Base ReFeX features and the interpretable measures for sense making."""
    k_out = np.diff(arcs.indptr).astype(np.float64)
    k_in = np.bincount(arcs.indices, minlength=graph.n_nodes).astype(np.float64)
    s_out = np.asarray(weights.sum(axis=1)).ravel()
    s_in = np.bincount(weights.indices, weights=weights.data, minlength=graph.n_nodes)
    k_nb = np.diff(und.indptr).astype(np.float64)
    among, among_w = _among_neighbours(und, weights)
    if graph.directed:
        internal = k_in + k_out + among
        internal_w = s_in + s_out + among_w
        feats = {
            "in_degree": k_in, "out_degree": k_out, "neighbours": k_nb,
            "in_strength": s_in, "out_strength": s_out,
            "ego_internal": internal,
            "ego_out": k_out + und @ k_out - internal,
            "ego_in": k_in + und @ k_in - internal,
            "ego_internal_weight": internal_w,
            "ego_out_weight": s_out + und @ s_out - internal_w,
            "ego_in_weight": s_in + und @ s_in - internal_w,
        }
        boundary = feats["ego_out"] + feats["ego_in"]
        measures = {"in_degree": k_in, "out_degree": k_out, "degree": k_nb,
                    "strength": s_in + s_out}
    else:
        # every edge is stored twice: halve the arcs among neighbours
        internal = k_nb + among / 2
        internal_w = s_out + among_w / 2
        feats = {
            "degree": k_nb, "strength": s_out,
            "ego_internal": internal,
            "ego_boundary": k_nb + und @ k_nb - 2 * internal,
            "ego_internal_weight": internal_w,
            "ego_boundary_weight": s_out + und @ s_out - 2 * internal_w,
        }
        boundary = feats["ego_boundary"]
        among = among / 2
        measures = {"degree": k_nb, "strength": s_out}
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs = k_nb * (k_nb - 1) if graph.directed else k_nb * (k_nb - 1) / 2
        measures["neighbourhood_density"] = np.where(pairs > 0, among / pairs, 0.0)
        edges = internal + boundary
        measures["boundary_share"] = np.where(edges > 0, boundary / edges, 0.0)
    return feats, measures


def _log_bins(values: np.ndarray, fraction: float) -> np.ndarray:
    """Vertical logarithmic binning of each column (0 stays 0, else bin + 1).

    A value whose first place in sorted order is ``q`` (ties share the
    lowest place) is in bin ``b`` when ``q >= n (1 - (1 - p)^b)``, so its
    bin is the number of the order statistics at places
    ``ceil(n (1 - (1 - p)^b)) - 1`` that are strictly below it; only those
    few order statistics are needed (``np.partition``, linear time).
    """
    n, f = values.shape
    out = np.zeros((n, f), dtype=np.int16)
    if n == 0 or f == 0:
        return out
    starts = []
    b = 1
    while True:
        q = int(np.ceil(n * (1.0 - (1.0 - fraction) ** b) - 1e-9))
        if q > n - 1:
            break
        if q >= 1 and (not starts or q > starts[-1]):
            starts.append(q)
        elif starts and q == starts[-1]:
            starts.append(q)  # an empty bin still counts
        b += 1
    if not starts:
        return np.where(values > 0, 1, 0).astype(np.int16)
    places = np.asarray(starts) - 1
    stats = np.partition(values, np.unique(places), axis=0)[places]  # (bins, f)
    for j in range(f):
        bins = np.searchsorted(stats[:, j], values[:, j], side="left")
        out[:, j] = np.where(values[:, j] > 0, bins + 1, 0)
    return out


def _similar_pairs(binned: np.ndarray, left: np.ndarray, right: np.ndarray, tolerance: int,
                   rng: np.random.Generator) -> list[tuple[int, int]]:
    """Pairs (i in left, j in right, i != j) whose binned columns differ by at
    most ``tolerance`` at every node. A sample of rows screens the pairs
    first (similar on all rows implies similar on the sample)."""
    n = binned.shape[0]
    screen = binned[np.sort(rng.choice(n, size=min(n, 2048), replace=False))] if n else binned
    pairs = []
    for i in left:
        gap = np.abs(screen[:, right] - screen[:, [i]]).max(axis=0, initial=0)
        for j in right[gap <= tolerance]:
            if j == i:
                continue
            if np.abs(binned[:, j] - binned[:, i]).max(initial=0) <= tolerance:
                pairs.append((int(i), int(j)))
    return pairs


def _prune(binned: np.ndarray, n_old: int, tolerance: int, rng) -> np.ndarray:
    """Indices (>= n_old) of the new columns kept by ReFeX pruning."""
    total = binned.shape[1]
    new = np.arange(n_old, total)
    if len(new) == 0:
        return new
    pairs = _similar_pairs(binned, new, np.arange(total), tolerance, rng)
    parent = list(range(total))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)  # the root is the oldest feature
    keep = [j for j in new if find(j) == j]
    return np.asarray(keep, dtype=np.int64)


def _refex(graph: InteractionGraph, max_iterations: int, tolerance: int, bin_fraction: float,
           seed: int, max_features: int = 60):
    arcs, weights, und = _parts(graph)
    base, measures = _base_features(graph, arcs, weights, und)
    rng = np.random.default_rng(seed)
    names = list(base)
    raw = np.column_stack([base[k] for k in names]) if names else np.zeros((graph.n_nodes, 0))
    binned = _log_bins(raw, bin_fraction)
    kept = _prune(binned, 0, tolerance, rng)
    raw, binned, names = raw[:, kept], binned[:, kept], [names[i] for i in kept]
    last = np.arange(len(names))
    degree = np.diff(und.indptr).astype(np.float64)
    inv_deg = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    for _ in range(max_iterations):
        if len(last) == 0:
            break
        sums = und @ raw[:, last]
        means = sums * inv_deg[:, None]
        new_raw = np.hstack([sums, means])
        new_names = [f"sum({names[i]})" for i in last] + [f"mean({names[i]})" for i in last]
        new_binned = _log_bins(new_raw, bin_fraction)
        n_old = raw.shape[1]
        all_binned = np.hstack([binned, new_binned])
        kept = _prune(all_binned, n_old, tolerance, rng)
        top = int(all_binned.max(initial=0))
        while n_old + len(kept) > max_features and tolerance < top:
            tolerance += 1  # ReFeX: loosen the similarity until the set is manageable
            kept = _prune(all_binned, n_old, tolerance, rng)
        if len(kept) == 0:
            break
        raw = np.hstack([raw, new_raw[:, kept - n_old]])
        binned = all_binned[:, np.r_[np.arange(n_old), kept]]
        names += [new_names[i - n_old] for i in kept]
        last = np.arange(n_old, raw.shape[1])
    return binned, names, measures, raw


def refex_features(
    graph: InteractionGraph,
    *,
    max_iterations: int = 3,
    tolerance: int = 0,
    max_features: int = 60,
    bin_fraction: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """ReFeX recursive structural features (binned), one row per member.

    Base degree, strength and egonet features, then sums and means over the
    neighbours for up to ``max_iterations`` rounds, vertically log-binned and
    pruned: see the module documentation for the exact definitions.

    Parameters
    ----------
    graph : InteractionGraph
        Directed or undirected; self-loops are ignored.
    max_iterations : int
        Rounds of recursive aggregation (0 = base features only).
    tolerance : int
        Two features are similar if their bins differ by at most this at
        every node.
    max_features : int
        When a round would take the feature count above this, its
        tolerance is raised by one until it does not (or nothing is left
        to merge), and the raised tolerance holds for later rounds, as
        ReFeX loosens its threshold to keep the set manageable.
    bin_fraction : float
        Fraction ``p`` of the remaining nodes put in each successive bin.
    seed : int, default 0
        Keyword-only. Seeds the sample of rows that screens feature pairs (the result does
        not depend on it).

    Returns
    -------
    DataFrame
        Member x feature, small non-negative integers.

    Examples
    --------
    A star of four leaves: without weights strength repeats degree, and
    without triangles so does the number of egonet edges; both are pruned.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> adj = sp.coo_array(([1.0] * 4, ([0, 0, 0, 0], [1, 2, 3, 4])), shape=(5, 5))
    >>> g = InteractionGraph(adj + adj.T, ["h", "a", "b", "c", "d"], directed=False)
    >>> f = refex_features(g, max_iterations=0)
    >>> list(f.columns)
    ['degree', 'ego_boundary']
    >>> f.loc[["h", "a"], "degree"].tolist()  # 4 is above 4 of 5 values: bin 2, + 1
    [3, 1]
    """
    if not 0 < bin_fraction < 1:
        raise ValueError("bin_fraction must be in (0, 1)")
    if max_iterations < 0 or tolerance < 0:
        raise ValueError("max_iterations and tolerance must be non-negative")
    binned, names, _, _ = _refex(graph, max_iterations, tolerance, bin_fraction, seed, max_features)
    return pd.DataFrame(binned.astype(np.int64), index=graph.node_ids.copy(), columns=names)


# -- NMF and description length ----------------------------------------------------
def _nmf(v: np.ndarray, r: int, seed: int, max_iter: int):
    """NMF ``v ~ g @ f``; returns ``g``, ``f`` and the fitted model."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    model = NMF(n_components=r, init="nndsvda", solver="cd", max_iter=max_iter, tol=1e-4,
                random_state=seed)
    # The factors are thin (r <= a few dozen): BLAS threads only add
    # overhead, and on a shared machine oversubscription costs 10x.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        g = model.fit_transform(v)
    return g, model.components_, model


def _nmf_transform(model, v: np.ndarray) -> np.ndarray:
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.transform(v)


def _lloyd_max(x: np.ndarray, levels: int, n_iter: int = 25) -> np.ndarray:
    """Quantise ``x`` to at most ``levels`` values (1-D k-means from quantiles)."""
    flat = x.ravel()
    if flat.size == 0:
        return x.copy()
    centres = np.unique(np.quantile(flat, (np.arange(levels) + 0.5) / levels))
    for _ in range(n_iter):
        edges = (centres[1:] + centres[:-1]) / 2
        which = np.searchsorted(edges, flat)
        counts = np.bincount(which, minlength=len(centres))
        sums = np.bincount(which, weights=flat, minlength=len(centres))
        new = np.where(counts > 0, sums / np.maximum(counts, 1), centres)
        if np.allclose(new, centres):
            break
        centres = np.unique(new)
    edges = (centres[1:] + centres[:-1]) / 2
    return centres[np.searchsorted(edges, flat)].reshape(x.shape)


def _kl_bits(v: np.ndarray, x: np.ndarray) -> float:
    """Generalised KL divergence sum V log2(V/X) - (V - X)/ln 2, in bits."""
    x = np.maximum(x, 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(v > 0, v * np.log(v / x), 0.0) - v + x
    return float(term.sum() / np.log(2))


def _row_entropy_bits(q: np.ndarray) -> tuple[float, int]:
    """Total code length of the rows of ``q`` under their empirical
    distribution (n * entropy), and the number of distinct rows."""
    _, counts = np.unique(q, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-(counts * np.log2(p)).sum()), len(counts)


def _description_length(v: np.ndarray, g: np.ndarray, f: np.ndarray) -> float:
    m = v.shape[1]
    r = g.shape[1]
    best = np.inf
    for bits in range(1, _MAX_BITS + 1):
        gq = _lloyd_max(g, 2**bits)
        fq = _lloyd_max(f, 2**bits)
        rows_bits, distinct = _row_entropy_bits(gq)
        model = rows_bits + bits * r * (distinct + m)
        best = min(best, model + _kl_bits(v, gq @ fq))
    return best


# -- sense making --------------------------------------------------------------------
def _pagerank(graph: InteractionGraph) -> np.ndarray | None:
    """PageRank for the sense-making table; None where it is undefined."""
    from ..measures import ConvergenceError, pagerank

    try:
        return np.asarray(pagerank(graph), dtype=np.float64)
    except ConvergenceError:
        return None


def _sense_making(membership: np.ndarray, measures: dict) -> pd.DataFrame:
    names = list(measures)
    table = np.full((membership.shape[1], len(names)), np.nan)
    for j, name in enumerate(names):
        y = np.asarray(measures[name], dtype=np.float64)
        mean = y.mean() if len(y) else 0.0
        if mean <= 0 or membership.shape[1] == 0:
            continue
        coef, _ = nnls(membership, y)
        table[:, j] = coef / mean
    return table


# -- RolX ------------------------------------------------------------------------------
def structural_roles(
    graph: InteractionGraph,
    n_roles: int | str = "auto",
    *,
    seed: int = 0,
    max_roles: int = 8,
    max_iterations: int = 3,
    tolerance: int = 0,
    mdl_sample: int = 10_000,
    max_nmf_iter: int = 300,
) -> StructuralRoles:
    """RolX structural roles: ReFeX features factorised by NMF, the number
    of roles chosen by minimum description length.

    See the module documentation for the features, the factorisation, the
    description length and the sense-making table.

    Parameters
    ----------
    graph : InteractionGraph
        Directed or undirected; self-loops are ignored.
    n_roles : int or "auto"
        Number of roles, or ``"auto"`` to choose it in ``1..max_roles`` by
        minimum description length.
    seed : int, default 0
        Keyword-only. Seeds the node sample used for the description length and NMF.
    max_roles : int
        Largest number of roles tried by ``"auto"``.
    max_iterations, tolerance : int
        ReFeX recursion rounds and similarity tolerance
        (see :func:`refex_features`).
    mdl_sample : int
        At most this many nodes (a seeded sample) are used to fit the roles
        and compare description lengths; the memberships of all members are
        then fitted on these roles.
    max_nmf_iter : int
        Iterations of each NMF fit.

    Returns
    -------
    StructuralRoles
        ``membership``, ``role``, ``n_roles``, ``description_lengths``,
        ``sense_making``, ``features`` and ``role_features``.

    References
    ----------
    Henderson et al. (2012), RolX, KDD 2012; Henderson et al. (2011), ReFeX,
    KDD 2011.

    Examples
    --------
    Two stars joined hub to hub: hubs and leaves get different roles.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> edges = [(0, i) for i in range(1, 6)] + [(6, i) for i in range(7, 12)] + [(0, 6)]
    >>> r, c = zip(*edges)
    >>> adj = sp.coo_array(([1.0] * len(edges), (r, c)), shape=(12, 12))
    >>> g = InteractionGraph(adj + adj.T, range(12), directed=False)
    >>> roles = structural_roles(g, n_roles=2)
    >>> bool(roles.role[0] == roles.role[6] != roles.role[1])
    True
    >>> roles.role.iloc[1:6].nunique()
    1
    """
    n = graph.n_nodes
    binned, names, measures, raw = _refex(graph, max_iterations, tolerance, 0.5, seed)
    v = binned.astype(np.float64)
    nonzero_cols = v.any(axis=0)
    v, used = v[:, nonzero_cols], [nm for nm, k in zip(names, nonzero_cols) if k]
    has_features = v.any(axis=1)
    rng = np.random.default_rng(seed)
    upper = int(min(max_roles, v.shape[1], max(int(has_features.sum()), 0)))
    lengths = pd.Series(dtype=np.float64, name="description_length")
    lengths.index.name = "n_roles"
    rows = np.flatnonzero(has_features)
    sample_rows = rows
    if len(rows) > mdl_sample:
        sample_rows = np.sort(rng.choice(rows, size=mdl_sample, replace=False))
    sample = v[sample_rows]
    models = {}
    if n_roles == "auto":
        r = 0
        if upper >= 1:
            dl = {}
            rises = 0
            for k in range(1, upper + 1):
                g_k, f_k, models[k] = _nmf(sample, k, seed, max_nmf_iter)
                dl[k] = _description_length(sample, g_k, f_k)
                # RolX's curve has one minimum in practice: stop after two
                # rises in a row instead of fitting every candidate.
                rises = rises + 1 if k > 1 and dl[k] > dl[k - 1] else 0
                if rises == 2:
                    break
            lengths = pd.Series(dl, name="description_length", dtype=np.float64)
            lengths.index.name = "n_roles"
            r = int(lengths.idxmin())
    else:
        if isinstance(n_roles, bool) or not isinstance(n_roles, (int, np.integer)) or n_roles < 1:
            raise ValueError(f"n_roles must be 'auto' or a positive integer, not {n_roles!r}")
        r = int(min(n_roles, upper)) if upper >= 1 else 0
    g = np.zeros((n, r))
    f = np.zeros((r, v.shape[1]))
    if r:
        if r not in models:
            _, _, models[r] = _nmf(sample, r, seed, max_nmf_iter)
        f = models[r].components_
        # Roles (F) come from the sample; every member's membership is the
        # non-negative fit of its features on them.
        g[rows] = _nmf_transform(models[r], v[rows])
        # Put the scale of each role in G: with every row of F summing to 1,
        # G[i, k] is the feature mass of node i that role k explains, so
        # memberships of roles with large and small profiles compare.
        scale = f.sum(axis=1)
        scale = np.where(scale > 0, scale, 1.0)
        g, f = g * scale, f / scale[:, None]
    totals = g.sum(axis=1, keepdims=True)
    membership = np.divide(g, totals, out=np.zeros_like(g), where=totals > 0)
    primary = np.where(totals.ravel() > 0, membership.argmax(axis=1) if r else -1, -1)
    # Number roles by decreasing number of primary members (ties: NMF order).
    if r:
        size = np.bincount(primary[primary >= 0], minlength=r)
        order = np.lexsort((np.arange(r), -size))
        rank = np.empty(r, dtype=np.int64)
        rank[order] = np.arange(r)
        membership, f = membership[:, order], f[order]
        primary = np.where(primary >= 0, rank[np.maximum(primary, 0)], -1)
    roles_index = pd.RangeIndex(r, name="role")
    pr = _pagerank(graph)
    if pr is not None and pr.shape == (n,):
        measures = {**measures, "pagerank": pr}
    sense = _sense_making(membership, measures)
    ids = graph.node_ids
    return StructuralRoles(
        membership=pd.DataFrame(membership, index=ids.copy(), columns=roles_index),
        role=pd.Series(primary.astype(np.int64), index=ids.copy(), name="role"),
        n_roles=r,
        description_lengths=lengths,
        sense_making=pd.DataFrame(sense, index=roles_index, columns=list(measures)),
        features=pd.DataFrame(binned.astype(np.int64), index=ids.copy(), columns=names),
        role_features=pd.DataFrame(f, index=roles_index, columns=used),
    )
