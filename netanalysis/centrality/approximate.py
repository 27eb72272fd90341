"""Betweenness estimated from sampled shortest paths, with a guarantee
(Riondato and Kornaropoulos 2016)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra

from ..graphs import InteractionGraph
from . import _traversal as _k
from ._common import as_series
from ._paths import _kernel_arrays, _length_matrix

__all__ = ["approximate_betweenness"]

# The universal constant of the VC-dimension sample bound; 0.5 is the value
# Loeffler and Phillips (2009) estimated, used by Riondato and Kornaropoulos.
_RK_CONSTANT = 0.5

# Strongly connected components up to this size are bounded by their size
# alone; larger ones get a two-sweep eccentricity bound.
_SMALL_COMPONENT = 64


def _vertex_diameter_bound(mat: sp.csr_array, weighted: bool) -> int:
    """An upper bound on the vertex diameter: the largest number of nodes on
    any shortest path.

    A shortest path crosses the strongly connected components along a path
    of the condensation DAG and, inside a component C, runs along a shortest
    path of C itself (leaving C and coming back would put the nodes visited
    outside into C). Inside C, for any node x, ``d(u, v) <= d(u, x) + d(x,
    v)``, so such a segment has at most ``ecc_in(x) + ecc_out(x)`` hops plus
    one node (hops), or that length divided by C's shortest edge (lengths),
    and never more than ``|C|`` nodes. The bound is the heaviest path of the
    condensation DAG with these node weights; on an undirected graph it is
    the familiar ``2 ecc(x) + 1`` of the largest component.
    """
    if mat.nnz == 0:
        return 1
    n_comp, labels = connected_components(mat, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n_comp)
    bound = sizes.astype(np.float64)
    big = np.flatnonzero(sizes > _SMALL_COMPONENT)
    if len(big):
        mat_t = sp.csr_array(mat.T)
        members = np.argsort(labels, kind="stable")
        starts = np.concatenate(([0], np.cumsum(sizes)))
        for comp in big:
            nodes = members[starts[comp]:starts[comp + 1]]
            fwd = sp.csr_array(mat[nodes][:, nodes])
            bwd = sp.csr_array(mat_t[nodes][:, nodes])
            x = int(np.argmax(np.diff(fwd.indptr) + np.diff(bwd.indptr)))
            span = (dijkstra(fwd, indices=x, unweighted=not weighted).max()
                    + dijkstra(bwd, indices=x, unweighted=not weighted).max())
            if weighted:
                # a little slack so that rounding never makes the bound short
                hops = math.floor(span / fwd.data.min() * (1 + 1e-9))
            else:
                hops = int(round(span))
            bound[comp] = min(sizes[comp], hops + 1)
    coo = mat.tocoo()
    tails, heads = labels[coo.row], labels[coo.col]
    between = tails != heads
    pairs = np.unique(tails[between].astype(np.int64) * n_comp + heads[between])
    return int(round(_k._dag_longest_path(
        n_comp, pairs // n_comp, pairs % n_comp, bound)))


def _sample_size(epsilon: float, delta: float, vertex_diameter: int) -> int:
    """Riondato-Kornaropoulos sample size for an additive error ``epsilon``
    on their scale (pairs counted over n(n-1))."""
    if vertex_diameter < 3:
        return 0
    vc_bound = math.floor(math.log2(vertex_diameter - 2)) + 1
    return math.ceil(_RK_CONSTANT / epsilon**2 * (vc_bound + math.log(1.0 / delta)))


def approximate_betweenness(
    graph: InteractionGraph,
    *,
    epsilon: float = 0.01,
    delta: float = 0.1,
    top_k: int | None = None,
    seed: int | np.random.Generator | None = None,
    distance: str | Callable = "hops",
    normalized: bool = True,
) -> pd.Series:
    r"""Betweenness estimated from random shortest paths, within ``epsilon``
    of the exact normalised value for every member at once, with
    probability at least ``1 - delta``.

    The estimate of :func:`~netanalysis.centrality.betweenness` (same
    definition and conventions) draws r ordered pairs (u, v) of distinct
    nodes uniformly, and for each pair with v reachable from u one shortest
    path uniformly among all shortest u-v paths; a member's estimate is the
    share of sampled paths it is interior to, rescaled to networkx's
    normalisation (multiplied by ``n / (n - 2)``). With

    .. math::

        r = \left\lceil \frac{c}{\epsilon'^2} \left( \lfloor \log_2(VD - 2)
        \rfloor + 1 + \ln \frac{1}{\delta} \right) \right\rceil,
        \qquad \epsilon' = \epsilon \frac{n - 2}{n}, \quad c = 0.5,

    where VD bounds the vertex diameter (the most nodes on any shortest
    path), every estimate is within ``epsilon`` of the exact normalised
    betweenness, simultaneously for all members, with probability at least
    ``1 - delta`` (Riondato and Kornaropoulos 2016, Theorem 2). VD is bounded
    from above by per-component eccentricities (see Notes), which only
    affects r through its logarithm.

    Parameters
    ----------
    graph : InteractionGraph
    epsilon : float, default 0.01
        Largest additive error on the normalised scale, in (0, 1).
    delta : float, default 0.1
        Probability that some error exceeds ``epsilon``, in (0, 1).
    top_k : int, optional
        Return only the k members with the highest estimates, sorted
        decreasingly. Each value keeps the ``epsilon`` guarantee, so with
        probability ``1 - delta`` the list contains every member whose exact
        betweenness exceeds the k-th largest exact value by more than
        ``2 * epsilon``.
    seed : int or numpy.random.Generator, optional
        Randomness for the pairs and paths. The same seed gives the same
        result whatever the number of threads: each sample uses its own
        random stream and counts are integers.
    distance : {"hops", "inverse"} or callable, default "hops"
        How a weight becomes a length (see :func:`betweenness`).
    normalized : bool, default True
        Normalised as :func:`betweenness` (the scale of the guarantee); with
        False the estimate of the raw pair count (the error bound scales
        likewise).

    Returns
    -------
    pandas.Series
        Estimates indexed by member id, named ``"approximate_betweenness"``;
        ``attrs`` records ``epsilon``, ``delta``, ``samples`` (r) and
        ``vertex_diameter_bound``.

    Notes
    -----
    Paths are sampled in parallel, each search stopping as soon as the
    target's path count is final. The vertex-diameter bound: a shortest path
    runs through strongly connected components along a path of the
    condensation DAG, and inside a component C it has at most
    ``min(|C|, ecc_in(x) + ecc_out(x) + 1)`` nodes for any x in C (lengths
    are turned into hops by dividing by C's shortest edge).

    References
    ----------
    M. Riondato and E. M. Kornaropoulos, "Fast approximation of betweenness
    centrality through sampling", Data Mining and Knowledge Discovery
    30(2):438-475, 2016.

    Examples
    --------
    A star: the hub lies on every path between two leaves.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> star = sp.csr_array(([1.0] * 8, ([0, 0, 0, 0, 1, 2, 3, 4],
    ...                                    [1, 2, 3, 4, 0, 0, 0, 0])), shape=(5, 5))
    >>> g = InteractionGraph(star, ["hub", "a", "b", "c", "d"], directed=False)
    >>> est = approximate_betweenness(g, epsilon=0.05, seed=1)
    >>> abs(est["hub"] - 1.0) <= 0.05, est["a"]
    (np.True_, np.float64(0.0))


    r follows the formula with epsilon' = 0.05 * 3/5; a component this small
    is bounded by its size, VD <= 5:

    >>> import math
    >>> est.attrs["vertex_diameter_bound"]
    5
    >>> est.attrs["samples"] == math.ceil(0.5 / 0.03**2 * (1 + 1 + math.log(1 / 0.1)))
    True
    """
    if not 0 < epsilon < 1:
        raise ValueError("epsilon must lie in (0, 1)")
    if not 0 < delta < 1:
        raise ValueError("delta must lie in (0, 1)")
    if top_k is not None and (int(top_k) != top_k or top_k < 1):
        raise ValueError("top_k must be a positive integer")
    n = graph.n_nodes
    rng = np.random.default_rng(seed)
    mat, weighted = _length_matrix(graph, distance)
    vd = _vertex_diameter_bound(mat, weighted) if n else 1
    r = _sample_size(epsilon * (n - 2) / n, delta, vd) if n > 2 else 0
    share = np.zeros(n)
    if r:
        sources = rng.integers(0, n, size=r)
        targets = rng.integers(0, n - 1, size=r)
        targets += targets >= sources
        streams = rng.integers(0, np.iinfo(np.uint64).max, size=r, dtype=np.uint64)
        indptr, indices, lengths = _kernel_arrays(mat, weighted)
        rev = sp.csr_array(mat.T)
        rev.sort_indices()
        rindptr, rindices, rlengths = _kernel_arrays(rev, weighted)
        dtype = indptr.dtype
        counts = _k.sample_counts(
            indptr, indices, lengths, rindptr, rindices, rlengths, weighted,
            sources.astype(dtype), targets.astype(dtype), streams,
        )
        share = counts / r
    if normalized:
        values = share * (n / (n - 2)) if n > 2 else share
    else:
        values = share * (n * (n - 1)) / (1 if graph.directed else 2)
    result = as_series(graph, values, "approximate_betweenness")
    if top_k is not None:
        order = np.lexsort((np.arange(n), -values))[: int(top_k)]
        result = result.iloc[order]
    result.attrs.update(
        epsilon=epsilon, delta=delta, samples=r, vertex_diameter_bound=vd
    )
    return result
