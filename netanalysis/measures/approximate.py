"""Betweenness estimated from sampled shortest paths, with a guarantee: a
sample size set by Bernstein's inequality from a first, variance-bounding
sample; KADABRA's adaptive sampling (Borassi and Natale 2019); or a fixed
sample size (Riondato and Kornaropoulos 2016)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.special import betaincinv

from .. import distributed as _distributed
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


# KADABRA: the first phase draws this share of the most samples to allot
# the failure probability among nodes; a share ``_BALANCE`` of delta is
# spread uniformly so that no node gets a vanishing share (the values of
# Borassi and Natale's and NetworKit's implementations).
_FIRST_PHASE_SHARE = 0.01
_BALANCE = 0.001


def _sample_size(epsilon: float, delta: float, vertex_diameter: int) -> int:
    """Riondato-Kornaropoulos sample size for an additive error ``epsilon``
    on their scale (pairs counted over n(n-1))."""
    if vertex_diameter < 3:
        return 0
    vc_bound = math.floor(math.log2(vertex_diameter - 2)) + 1
    return math.ceil(_RK_CONSTANT / epsilon**2 * (vc_bound + math.log(1.0 / delta)))


class _PathSampler:
    """Draws pairs and random shortest paths in batches from one seeded
    generator: the batches, and so the counts, are the same whatever the
    number of threads."""

    def __init__(self, mat: sp.csr_array, weighted: bool, rng: np.random.Generator):
        self.n = mat.shape[0]
        self.rng = rng
        self.fwd = _kernel_arrays(mat, weighted)
        rev = sp.csr_array(mat.T)
        rev.sort_indices()
        self.rev = _kernel_arrays(rev, weighted)
        self.weighted = weighted

    def counts(self, size: int) -> np.ndarray:
        """Interior-node counts of ``size`` sampled paths."""
        n, rng = self.n, self.rng
        sources = rng.integers(0, n, size=size)
        targets = rng.integers(0, n - 1, size=size)
        targets += targets >= sources
        streams = rng.integers(0, np.iinfo(np.uint64).max, size=size, dtype=np.uint64)
        dtype = self.fwd[0].dtype
        sources, targets = sources.astype(dtype), targets.astype(dtype)
        session = _distributed.active()
        if session is not None and session.wants(size * (self.fwd[1].shape[0] + n) // 10):
            # Inside na.distributed: the pairs and streams are drawn here, as
            # above, and sampled in batches on the workers; the counts are
            # integers, so their sum is the same whatever the batches.
            arrays = session.share(self)
            batches = [(sources[b], targets[b], streams[b]) for b in session.batches(size)]
            return np.sum(session.map(_sample_batch, batches, arrays), axis=0, dtype=np.int64)
        return _k.sample_counts(*self.fwd, *self.rev, self.weighted, sources, targets, streams)

    def __getstate__(self):
        # to a worker: the graph arrays only (a worker never draws)
        return {"n": self.n, "rng": None, "fwd": self.fwd, "rev": self.rev,
                "weighted": self.weighted}


def _sample_batch(batch, sampler: _PathSampler) -> np.ndarray:
    """Interior-node counts of one batch of sampled paths (on a worker)."""
    sources, targets, streams = batch
    return _k.sample_counts(*sampler.fwd, *sampler.rev, sampler.weighted, sources, targets,
                            streams)


def _failure_shares(first: np.ndarray, epsilon: float, delta: float) -> np.ndarray:
    """KADABRA's per-node failure probability, the same for the lower and
    the upper bound: ``exp(-C epsilon^2 / b0(v)) + delta * _BALANCE / (4 n)``
    with ``b0`` the first-phase estimates and C the smallest constant (found
    by bisection) with ``sum_v 2 exp(-C epsilon^2 / b0(v)) <= delta (1 -
    _BALANCE) / 2``. The shares of all bounds add up to at most delta / 2;
    nodes with high estimates, which need the most samples, get the most."""
    n = len(first)
    positive = first[first > 0]
    if not len(positive):
        return np.full(n, delta / (4 * n))
    budget = delta * (1 - _BALANCE) / 2

    def spent(c: float) -> float:
        return 2.0 * np.exp(-c * epsilon**2 / positive).sum()

    lo, hi = 0.0, math.log(4 * n / delta) / epsilon**2
    while spent(hi) > budget:
        hi *= 2
    while hi - lo > 1e-6 * hi:
        mid = (lo + hi) / 2
        if spent(mid) > budget:
            lo = mid
        else:
            hi = mid
    share = np.full(n, delta * _BALANCE / (4 * n))
    share[first > 0] += np.exp(-hi * epsilon**2 / positive)
    return share


def _kadabra_errors(estimate: np.ndarray, log_inv_share: np.ndarray, omega: float,
                    tau: int) -> tuple[np.ndarray, np.ndarray]:
    """Borassi and Natale's bounds (Theorem 7): with probability at least
    ``1 - share(v)`` each, ``b(v) >= estimate - lower`` and ``b(v) <= estimate
    + upper`` after tau samples, whenever sampling stops at tau or at omega."""
    ratio = omega / tau
    inner = 2.0 * estimate * omega / log_inv_share
    t_low = ratio - 1.0 / 3.0
    lower = log_inv_share / tau * (-t_low + np.sqrt(t_low * t_low + inner))
    t_up = ratio + 1.0 / 3.0
    upper = log_inv_share / tau * (t_up + np.sqrt(t_up * t_up + inner))
    return np.minimum(lower, estimate), np.minimum(upper, 1.0 - estimate)


def _kadabra(sampler: _PathSampler, epsilon: float, delta: float,
             vertex_diameter: int) -> tuple[np.ndarray, int, int, int]:
    """Estimated shares on the pair scale, samples of the second phase, of
    the first phase, and the most samples omega."""
    omega = _sample_size(epsilon, delta / 2, vertex_diameter)
    first_size = max(1, math.ceil(omega * _FIRST_PHASE_SHARE))
    first = sampler.counts(first_size) / first_size
    log_inv_share = np.log(1.0 / _failure_shares(first, epsilon, delta))
    batch = max(1000, first_size)
    counts = np.zeros(sampler.n, np.int64)
    tau = 0
    while tau < omega:
        size = min(batch, omega - tau)
        counts += sampler.counts(size)
        tau += size
        estimate = counts / tau
        lower, upper = _kadabra_errors(estimate, log_inv_share, omega, tau)
        if lower.max() < epsilon and upper.max() < epsilon:
            break
    return counts / tau, tau, first_size, omega


# Two-phase Bernstein sampling: the first sample is this share of the
# Riondato-Kornaropoulos size (at least _FIRST_MIN pairs) and may fail with
# this share of delta. On the forum-a reply graph at epsilon 0.005 a first
# sample of 1,000 / 2,000 / 4,000 / 8,000 pairs led to 43k / 39k / 39k / 42k
# pairs in all (2% of r is 2,166); a tenth of delta for the first bounds
# cost 2-4k fewer pairs than a quarter.
_BERNSTEIN_FIRST_SHARE = 0.02
_BERNSTEIN_FIRST_MIN = 100
_BERNSTEIN_FIRST_DELTA = 0.1


def _binomial_upper(count: np.ndarray, size: int, alpha: float) -> np.ndarray:
    """Clopper-Pearson upper confidence bounds: ``P(p > bound) <= alpha``
    for each success count of ``size`` Bernoulli(p) trials."""
    count = np.asarray(count, dtype=np.float64)
    bound = np.ones_like(count)
    below = count < size
    bound[below] = betaincinv(count[below] + 1.0, size - count[below], 1.0 - alpha)
    return bound


def _bernstein_size(variance: np.ndarray, epsilon: float, delta: float) -> int:
    """Smallest r with ``sum_v 2 exp(-r epsilon^2 / (2 var_v + 2 epsilon /
    3)) <= delta``: by Bernstein's inequality and a union bound, r
    independent samples estimate every mean of a [0, 1] variable with
    variance at most ``var_v`` within ``epsilon``, with probability at least
    ``1 - delta``. Nodes share delta according to their variance, as in
    KADABRA."""
    scale = epsilon**2 / (2.0 * variance + 2.0 * epsilon / 3.0)

    def failure(r: float) -> float:
        return 2.0 * np.exp(-r * scale).sum()

    lo, hi = 0.0, math.log(2.0 * len(variance) / delta) / scale.min()
    while failure(hi) > delta:  # pragma: no cover - hi already suffices
        hi *= 2
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        if failure(mid) > delta:
            lo = mid
        else:
            hi = mid
    return math.ceil(hi)


def _bernstein(sampler: _PathSampler, epsilon: float, delta: float,
               vertex_diameter: int) -> tuple[np.ndarray, int, int, int]:
    """Estimated shares on the pair scale, samples of the second phase, of
    the first, and the Riondato-Kornaropoulos size the second never
    exceeds."""
    delta_first = delta * _BERNSTEIN_FIRST_DELTA
    delta_second = delta - delta_first
    cap = _sample_size(epsilon, delta_second, vertex_diameter)
    first_size = max(_BERNSTEIN_FIRST_MIN, math.ceil(cap * _BERNSTEIN_FIRST_SHARE))
    upper = _binomial_upper(sampler.counts(first_size), first_size, delta_first / sampler.n)
    # a [0, 1] indicator with mean b has variance b (1 - b), increasing up to 1/2
    variance = np.where(upper < 0.5, upper * (1.0 - upper), 0.25)
    size = min(cap, _bernstein_size(variance, epsilon, delta_second))
    return sampler.counts(size) / size, size, first_size, cap


def approximate_betweenness(
    graph: InteractionGraph,
    *,
    epsilon: float = 0.01,
    delta: float = 0.1,
    method: str = "bernstein",
    top_k: int | None = None,
    seed: int | np.random.Generator | None = 0,
    distance: str | Callable = "hops",
    normalized: bool = True,
) -> pd.Series:
    r"""Betweenness estimated from random shortest paths, within ``epsilon``
    of the exact normalised value for every member at once, with
    probability at least ``1 - delta``.

    The estimate of :func:`~netanalysis.betweenness` (same
    definition and conventions) draws ordered pairs (u, v) of distinct
    nodes uniformly, and for each pair with v reachable from u one shortest
    path uniformly among all shortest u-v paths; a member's estimate is the
    share of sampled paths it is interior to, rescaled to networkx's
    normalisation (multiplied by ``n / (n - 2)``). On that pair scale the
    error allowed is :math:`\epsilon' = \epsilon (n - 2) / n`. Three ways to
    decide how many pairs to draw:

    * ``method="rk"`` (Riondato and Kornaropoulos 2016, Theorem 2): a fixed

      .. math::

          r = \left\lceil \frac{c}{\epsilon'^2} \left( \lfloor \log_2(VD - 2)
          \rfloor + 1 + \ln \frac{1}{\delta} \right) \right\rceil,
          \qquad c = 0.5,

      where VD bounds the vertex diameter (the most nodes on any shortest
      path). Every estimate is within ``epsilon`` with probability at least
      ``1 - delta``, whatever the graph.
    * ``method="bernstein"`` (the default): two independent samples. The
      first, of 2% of the r above (computed with :math:`0.9 \delta`), gives
      each node a Clopper-Pearson upper bound :math:`\bar b_v` on its
      pair-scale betweenness :math:`b_v`, all of them valid together with
      probability :math:`1 - 0.1 \delta`. A node's indicator "interior to
      a sampled path" has variance :math:`b_v (1 - b_v) \le \sigma_v^2`
      (with :math:`\bar b_v` in place of :math:`b_v` below 1/2, 1/4
      above), so by Bernstein's inequality and a union bound a second
      sample of the smallest size s with

      .. math::

          \sum_v 2 \exp\left(-\frac{s \epsilon'^2}{2 \sigma_v^2 +
          2 \epsilon' / 3}\right) \le 0.9 \delta

      puts every estimate within :math:`\epsilon'`; s never exceeds r. Only
      the second sample enters the estimate. Its size is fixed before it is
      drawn, so, unlike an adaptive stopping rule, the bound pays nothing
      for looking at the data. Where a few members carry a large share of
      all shortest paths, as in forums, that halves the sample: on the
      forum-a reply graph at epsilon 0.005, 39-41k pairs in all against
      KADABRA's 77-92k (seeds 0-3).
    * ``method="kadabra"`` (Borassi and Natale 2019): adaptive.
      A first phase of 1% of :math:`\omega` (the r above with ``delta / 2``)
      gives rough estimates, from which ``delta / 2`` is shared out among
      the nodes' lower and upper bounds (more to high-betweenness nodes,
      which need more samples). The second phase samples in batches of
      ``max(1000, first phase)`` and stops as soon as every node's
      empirical-Bernstein bounds (their Theorem 7) are below
      :math:`\epsilon'`, or at :math:`\omega` samples. The same guarantee
      holds; far fewer samples are needed when betweenness values are small,
      as on large graphs. Only the second phase enters the estimate.

    Hop distances are sampled with a balanced bidirectional BFS (the two
    searches meet after touching a small part of a graph with hubs);
    lengths with Dijkstra from the source until the target is settled.

    Parameters
    ----------
    graph : InteractionGraph
    epsilon : float, default 0.01
        Largest additive error on the normalised scale, in (0, 1).
    delta : float, default 0.1
        Probability that some error exceeds ``epsilon``, in (0, 1).
    method : {"bernstein", "kadabra", "rk"}, default "bernstein"
        Two-phase Bernstein, adaptive (KADABRA) or fixed
        (Riondato-Kornaropoulos) sample size.
    top_k : int, optional
        Return only the k members with the highest estimates, sorted
        decreasingly. Each value keeps the ``epsilon`` guarantee, so with
        probability ``1 - delta`` the list contains every member whose exact
        betweenness exceeds the k-th largest exact value by more than
        ``2 * epsilon``.
    seed : int, numpy.random.Generator or None, default 0
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
        ``attrs`` records ``epsilon``, ``delta``, ``method``, ``samples``
        (the pairs behind the estimate) and ``vertex_diameter_bound``, and
        for the Bernstein and KADABRA methods ``first_phase_samples`` and
        ``max_samples`` (the most the second phase may draw: r with
        ``0.9 delta``, or KADABRA's omega).

    See Also
    --------
    netanalysis.betweenness : exact; with ``k=``, networkx's
        estimator from k sampled sources (one full traversal each, no error
        bound for a given k).

    Notes
    -----
    Paths are sampled in parallel over fixed chunks; inside
    :func:`netanalysis.distributed.use` in batches on a Dask cluster, with
    the same pairs and paths for a seed and the same result. The vertex-diameter
    bound: a shortest path
    runs through strongly connected components along a path of the
    condensation DAG, and inside a component C it has at most
    ``min(|C|, ecc_in(x) + ecc_out(x) + 1)`` nodes for any x in C (lengths
    are turned into hops by dividing by C's shortest edge).

    References
    ----------
    M. Riondato and E. M. Kornaropoulos, "Fast approximation of betweenness
    centrality through sampling", Data Mining and Knowledge Discovery
    30(2):438-475, 2016.

    M. Borassi and E. Natale, "KADABRA is an ADaptive Algorithm for
    Betweenness via Random Approximation", ACM Journal of Experimental
    Algorithmics 24, 1.2:1-35, 2019 (ESA 2016).

    S. Boucheron, G. Lugosi and P. Massart, "Concentration Inequalities",
    Oxford University Press, 2013 (Bernstein's inequality, Theorem 2.10).

    C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial
    limits illustrated in the case of the binomial", Biometrika
    26(4):404-413, 1934.

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
    >>> est.attrs["samples"] <= est.attrs["max_samples"]
    True

    With ``method="rk"``, r follows the formula with epsilon' = 0.05 * 3/5;
    a component this small is bounded by its size, VD <= 5:

    >>> import math
    >>> est = approximate_betweenness(g, epsilon=0.05, seed=1, method="rk")
    >>> est.attrs["vertex_diameter_bound"]
    5
    >>> est.attrs["samples"] == math.ceil(0.5 / 0.03**2 * (1 + 1 + math.log(1 / 0.1)))
    True
    """
    if not 0 < epsilon < 1:
        raise ValueError("epsilon must lie in (0, 1)")
    if not 0 < delta < 1:
        raise ValueError("delta must lie in (0, 1)")
    if method not in ("bernstein", "kadabra", "rk"):
        raise ValueError(f"method must be 'bernstein', 'kadabra' or 'rk', not {method!r}")
    if top_k is not None and (int(top_k) != top_k or top_k < 1):
        raise ValueError("top_k must be a positive integer")
    n = graph.n_nodes
    rng = np.random.default_rng(seed)
    mat, weighted = _length_matrix(graph, distance)
    vd = _vertex_diameter_bound(mat, weighted) if n else 1
    share = np.zeros(n)
    # the guarantee is on the scale of pairs, n(n - 1); networkx's
    # normalisation divides by (n - 1)(n - 2)
    eps_pairs = epsilon * (n - 2) / n if n > 2 else epsilon
    info = {}
    if method == "rk":
        r = _sample_size(eps_pairs, delta, vd) if n > 2 else 0
        if r:
            share = _PathSampler(mat, weighted, rng).counts(r) / r
    elif n > 2 and vd >= 3:
        two_phase = _bernstein if method == "bernstein" else _kadabra
        share, r, first, most = two_phase(_PathSampler(mat, weighted, rng), eps_pairs, delta, vd)
        info = {"first_phase_samples": first, "max_samples": most}
    else:
        r = 0  # no path has an interior node
    if normalized:
        values = share * (n / (n - 2)) if n > 2 else share
    else:
        values = share * (n * (n - 1)) / (1 if graph.directed else 2)
    result = as_series(graph, values, "approximate_betweenness")
    if top_k is not None:
        order = np.lexsort((np.arange(n), -values))[: int(top_k)]
        result = result.iloc[order]
    result.attrs.update(
        epsilon=epsilon, delta=delta, method=method, samples=r, vertex_diameter_bound=vd, **info
    )
    return result
