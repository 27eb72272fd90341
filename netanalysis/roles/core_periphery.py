"""Borgatti-Everett core-periphery structure: continuous coreness and a core.

Continuous model
----------------
Each node gets a coreness ``c_i >= 0`` and the pattern ``c_i c_j`` should
match the adjacency off the diagonal: the fit maximises the Pearson
correlation between ``a_ij`` and ``c_i c_j`` over all ordered pairs
``i != j`` (Borgatti & Everett 2000, continuous model). Because a
correlation ignores an additive constant and a positive scale, this is the
least-squares fit

    minimise  L(alpha, c) = sum_{i != j} (a_ij - alpha - c_i c_j)^2,  c >= 0,

solved by alternating least squares: ``alpha`` is the mean residual, and
``c`` takes the step of UCINET's iteration ``c_i <- sum_{j != i} (a_ij -
alpha) c_j / sum_{j != i} c_j^2`` (the exact minimiser in ``c_i`` alone, a
power-type update), damped by backtracking whenever the full step would
not decrease ``L``, so ``L`` never increases. For a directed graph the
model is symmetric, so it fits ``(A + A.T) / 2`` (the same minimiser) and
the reported correlation is with ``A`` itself. ``c`` is scaled to unit
Euclidean norm. The start is the degree vector; with ``weighted=False``
(default) ``a_ij`` is 1 for an edge.

Discrete model
--------------
The core ``C`` maximises the correlation between ``a_ij`` (``i != j``) and
the ideal pattern ``delta_ij``: 1 inside the core, 0 inside the periphery,
and between them as ``pattern`` says: ``"ignore"`` (default; the
core-periphery pairs are left out, Borgatti & Everett's model with the
off-diagonal blocks treated as missing), ``"ones"`` (1: the core reaches
everybody) or ``"zeros"`` (0). Finding the best ``C`` is hard in general;
the search here is ordered, as in UCINET's and netUtils' rank-one
heuristics: sort the nodes by continuous coreness (ties by node position)
and take the best prefix, the correlation of every prefix size being
computed at once from block sums (``O(m + n log n)``). With ``"ignore"`` a
core needs two members and so does the periphery.

Nothing of size ``n x n`` is ever built: ``L``, its gradient and the
correlations are written with ``A @ c``, ``c.T A c`` and the sums of
``c``, ``c^2`` and ``c^4`` (rank-one terms).

References
----------
Borgatti, S. P., Everett, M. G. (2000). Models of core/periphery structures.
Social Networks 21(4), 375-395.
Borgatti, S. P., Everett, M. G., Freeman, L. C. (2002). UCINET for Windows:
software for social network analysis. Analytic Technologies.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph

__all__ = ["core_periphery", "CorePeriphery", "CORE_PERIPHERY_PATTERNS"]

CORE_PERIPHERY_PATTERNS = ("ignore", "ones", "zeros")


@dataclass(frozen=True)
class CorePeriphery:
    """Result of :func:`core_periphery`.

    Attributes
    ----------
    coreness : Series
        Continuous coreness per member (non-negative, unit Euclidean norm).
    core : Series
        Boolean, True for the members of the discrete core.
    correlation : float
        Correlation of the adjacency with the ideal discrete pattern of
        ``core`` (NaN if undefined, e.g. an empty graph).
    continuous_correlation : float
        Correlation of the adjacency with ``c_i c_j`` (off the diagonal).
    pattern : str
        The discrete pattern used.
    n_iter : int
        Iterations of the continuous fit.
    """

    coreness: pd.Series
    core: pd.Series
    correlation: float
    continuous_correlation: float
    pattern: str
    n_iter: int


def _matrix(graph: InteractionGraph, weighted: bool) -> sp.csr_array:
    adj = graph.adjacency.tocoo()
    keep = adj.row != adj.col
    data = adj.data[keep] if weighted else np.ones(int(keep.sum()))
    n = graph.n_nodes
    return sp.csr_array((data, (adj.row[keep], adj.col[keep])), shape=(n, n))


def _pearson(sum_x, sum_xx, sum_y, sum_yy, sum_xy, count):
    """Pearson correlation from sums over ``count`` cells (NaN if undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = sum_xy - sum_x * sum_y / count
        var_x = sum_xx - sum_x**2 / count
        var_y = sum_yy - sum_y**2 / count
        r = cov / np.sqrt(var_x * var_y)
    tiny = 1e-12
    return np.where((var_x > tiny * np.maximum(sum_xx, 1)) & (var_y > tiny * np.maximum(sum_yy, 1)), r, np.nan)


class _Fit:
    """The continuous least-squares problem on a symmetric sparse matrix."""

    def __init__(self, s: sp.csr_array):
        self.s = s
        self.n = s.shape[0]
        self.cells = self.n * (self.n - 1)
        self.sum_a = float(s.sum())
        self.sum_aa = float((s.multiply(s)).sum())

    def loss(self, alpha: float, c: np.ndarray, sc: np.ndarray | None = None) -> float:
        sc = self.s @ c if sc is None else sc
        s1, s2, s4 = c.sum(), (c**2).sum(), (c**4).sum()
        sum_p = s1 * s1 - s2            # sum_{i != j} c_i c_j
        sum_pp = s2 * s2 - s4           # sum_{i != j} c_i^2 c_j^2
        sum_ap = float(c @ sc)          # no diagonal in s
        return (self.sum_aa - 2 * alpha * self.sum_a - 2 * sum_ap + self.cells * alpha**2
                + 2 * alpha * sum_p + sum_pp)

    def alpha(self, c: np.ndarray) -> float:
        s1, s2 = c.sum(), (c**2).sum()
        return (self.sum_a - (s1 * s1 - s2)) / self.cells

    def target(self, alpha: float, c: np.ndarray, sc: np.ndarray) -> np.ndarray:
        s1, s2 = c.sum(), (c**2).sum()
        num = sc - alpha * (s1 - c)
        den = s2 - c**2
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(den > 0, num / den, 0.0)
        return np.maximum(t, 0.0)


def _continuous(s: sp.csr_array, tol: float, max_iter: int) -> tuple[np.ndarray, int]:
    n = s.shape[0]
    fit = _Fit(s)
    c = np.asarray(s.sum(axis=1)).ravel().astype(np.float64)
    if n < 3 or c.sum() == 0:
        return np.zeros(n), 0
    # Start on the scale of the fit: c c^T ~ A needs |c|^2 ~ |A|_F.
    c *= np.sqrt(np.sqrt(fit.sum_aa)) / np.linalg.norm(c)
    alpha = fit.alpha(c)
    sc = s @ c
    loss = fit.loss(alpha, c, sc)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        direction = fit.target(alpha, c, sc) - c
        step = 1.0
        while True:
            trial = c + step * direction
            sc_trial = s @ trial
            alpha_trial = fit.alpha(trial)
            loss_trial = fit.loss(alpha_trial, trial, sc_trial)
            if loss_trial <= loss or step < 1e-6:
                break
            step /= 2
        if loss_trial > loss:
            break
        improvement = loss - loss_trial
        c, sc, alpha, loss = trial, sc_trial, alpha_trial, loss_trial
        if improvement <= tol * max(loss, 1e-300) or improvement <= 1e-300:
            break
    norm = np.linalg.norm(c)
    return (c / norm if norm > 0 else c), n_iter


def _continuous_correlation(a: sp.csr_array, c: np.ndarray) -> float:
    n = a.shape[0]
    if n < 2:
        return float("nan")
    s1, s2, s4 = c.sum(), (c**2).sum(), (c**4).sum()
    return float(_pearson(
        float(a.sum()), float(a.multiply(a).sum()), s1 * s1 - s2, s2 * s2 - s4,
        float(c @ (a @ c)), n * (n - 1),
    ))


def _discrete(a: sp.csr_array, order: np.ndarray, pattern: str) -> tuple[int, float]:
    """Best prefix size of ``order`` and its correlation."""
    n = a.shape[0]
    if n < 2:
        return 0, float("nan")
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    coo = a.tocoo()
    pi, pj, w = pos[coo.row], pos[coo.col], coo.data
    # An arc is core-core once the core holds both ends (prefix size
    # max(pos) + 1), and touches the core once it holds one end.
    hi, lo = np.maximum(pi, pj), np.minimum(pi, pj)
    k = np.arange(n + 1, dtype=np.float64)
    cc_sum = np.r_[0.0, np.cumsum(np.bincount(hi, weights=w, minlength=n))]
    cc_sq = np.r_[0.0, np.cumsum(np.bincount(hi, weights=w * w, minlength=n))]
    touch_sum = np.r_[0.0, np.cumsum(np.bincount(lo, weights=w, minlength=n))]
    touch_sq = np.r_[0.0, np.cumsum(np.bincount(lo, weights=w * w, minlength=n))]
    tot, tot_sq = float(w.sum()), float((w * w).sum())
    pp_sum, pp_sq = tot - touch_sum, tot_sq - touch_sq
    cc_cells = k * (k - 1)
    pp_cells = (n - k) * (n - k - 1)
    all_cells = float(n * (n - 1))
    if pattern == "ignore":
        count = cc_cells + pp_cells
        sum_x, sum_xx = cc_sum + pp_sum, cc_sq + pp_sq
        ones, x_on_ones = cc_cells, cc_sum
        valid = (k >= 2) & (n - k >= 2)
    elif pattern == "ones":
        count = np.full(n + 1, all_cells)
        sum_x, sum_xx = np.full(n + 1, tot), np.full(n + 1, tot_sq)
        ones, x_on_ones = all_cells - pp_cells, tot - pp_sum
        valid = (k >= 1) & (k <= n - 1)
    else:  # zeros
        count = np.full(n + 1, all_cells)
        sum_x, sum_xx = np.full(n + 1, tot), np.full(n + 1, tot_sq)
        ones, x_on_ones = cc_cells, cc_sum
        valid = (k >= 2) & (k <= n - 1)
    # the pattern is 0/1, so sum y = sum y^2 = number of ones
    r = _pearson(sum_x, sum_xx, ones, ones, x_on_ones, np.maximum(count, 1))
    r = np.where(valid, r, np.nan)
    if np.all(np.isnan(r)):
        return 0, float("nan")
    best = int(np.nanargmax(r))  # first maximum: the smallest such core
    return best, float(r[best])


def core_periphery(
    graph: InteractionGraph,
    *,
    pattern: str = "ignore",
    weighted: bool = False,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> CorePeriphery:
    """Borgatti-Everett continuous coreness and discrete core of a graph.

    The coreness ``c >= 0`` maximises the correlation between ``a_ij`` and
    ``c_i c_j`` over ordered pairs ``i != j``; the core is the prefix of the
    nodes sorted by coreness whose ideal block pattern correlates best with
    the adjacency. See the module documentation for the model, the fit and
    the search.

    Parameters
    ----------
    graph : InteractionGraph
        Directed or undirected; self-loops are ignored.
    pattern : {"ignore", "ones", "zeros"}
        Ideal value of the core-periphery pairs in the discrete model:
        left out (default), 1 or 0.
    weighted : bool
        Use the weights as ``a_ij`` (default: 1 for every edge).
    tol : float
        Stop the continuous fit when an iteration lowers the loss by less
        than ``tol`` times the loss.
    max_iter : int
        Maximum iterations of the continuous fit.

    Returns
    -------
    CorePeriphery
        ``coreness``, ``core``, ``correlation`` (discrete),
        ``continuous_correlation``, ``pattern`` and ``n_iter``.

    References
    ----------
    Borgatti & Everett (2000), Social Networks 21, 375-395.

    Examples
    --------
    Four members tied to each other, each with one pendant member:

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> edges = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3),
    ...          (0, 4), (1, 5), (2, 6), (3, 7)]
    >>> r, c = zip(*edges)
    >>> adj = sp.coo_array(([1.0] * 10, (r, c)), shape=(8, 8))
    >>> g = InteractionGraph(adj + adj.T, list("abcdefgh"), directed=False)
    >>> cp = core_periphery(g)
    >>> cp.core[cp.core].index.tolist()
    ['a', 'b', 'c', 'd']
    >>> round(cp.correlation, 3)
    1.0
    >>> bool(cp.coreness["a"] > cp.coreness["e"])
    True
    """
    if pattern not in CORE_PERIPHERY_PATTERNS:
        raise ValueError(f"pattern must be one of {CORE_PERIPHERY_PATTERNS}, not {pattern!r}")
    a = _matrix(graph, weighted)
    s = ((a + a.T) * 0.5).tocsr() if graph.directed else a
    c, n_iter = _continuous(s, tol, max_iter)
    # Sort by coreness, ties by node position, for a reproducible search.
    order = np.lexsort((np.arange(len(c)), -c))
    size, corr = _discrete(a, order, pattern)
    core = np.zeros(len(c), dtype=bool)
    core[order[:size]] = True
    ids = graph.node_ids
    return CorePeriphery(
        coreness=pd.Series(c, index=ids.copy(), name="coreness"),
        core=pd.Series(core, index=ids.copy(), name="core"),
        correlation=corr,
        continuous_correlation=_continuous_correlation(a, c) if c.any() else float("nan"),
        pattern=pattern,
        n_iter=n_iter,
    )
