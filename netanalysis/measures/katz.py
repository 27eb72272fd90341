"""Katz centrality: attenuated counts of the walks that end at a member.

    x_j = alpha * sum_i A[i, j] x_i + beta_j,   i.e.  x = (I - alpha A.T)^-1 beta,

so ``x_j = sum_k alpha^k (A.T^k beta)_j`` counts the walks ending at ``j``
(in-edges on a directed graph, as networkx), a walk of length ``k`` weighted
by ``alpha^k`` times the product of its edge weights. The series converges
exactly when ``alpha < 1 / lambda_max`` (``lambda_max`` the spectral radius
of ``A``), and we raise ``ValueError`` otherwise. Unlike eigenvector
centrality, Katz is defined on every graph, DAGs included (``lambda_max =
0``: every ``alpha > 0`` is allowed).

How ``alpha`` is checked: with ``alpha`` given and every ``beta_j > 0``, the
iterate itself certifies it. For a non-negative matrix ``M`` and any vector
``x > 0``, ``lambda_max(M) <= max_j (M x)_j / x_j`` (the Collatz-Wielandt
bound: ``M`` is similar to ``D^-1 M D``, ``D = diag(x)``, whose largest row
sum that is). The last two iterates give ``(A.T x_k)_j = (x_{k+1, j} -
beta_j) / alpha`` at no cost, and at a fixed point the bound is below
``1 / alpha`` by a margin of ``beta_j / x_j``; so when it is below
``1 / alpha`` the series converges and the result stands. Only when it is
not (or ``beta`` has a zero or negative entry, or the iteration fails) is
``lambda_max`` computed (ARPACK) to decide. With ``alpha=None`` it is
always computed.

Iteration as networkx's ``katz_centrality``: start from 0, iterate
``x <- alpha A.T x + beta`` until the L1 change is below ``n * tol``, then
divide by the Euclidean norm if ``normalized``. The error of the result is
about ``tol * alpha lambda_max / (1 - alpha lambda_max)`` per node; pass a
smaller ``tol`` for more digits (networkx's ``katz_centrality_numpy`` solves
the system exactly).

Default ``alpha``: networkx uses 0.1, which is at or above ``1/lambda_max``
on most weighted interaction graphs (one pair with ten replies is enough).
We default to ``alpha = 0.5 / lambda_max`` (half the admissible range, the
same attenuation whatever the weight scale), or 0.1 when the graph has no
cycle. Pass ``alpha=0.1`` to reproduce networkx's default.

References
----------
Katz, L. (1953). A new status index derived from sociometric analysis.
Psychometrika 18(1), 39-43.
Newman, M. E. J. (2010). Networks: An Introduction, section 7.3.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba import prange

from ..graphs import InteractionGraph
from ._common import as_series
from .._numba import SPARSE_PRODUCTS
from ._linear import ConvergenceError, InEdges, dual_kernel, in_edges, row_dot, spectral_radius, unsigned

__all__ = ["katz"]


@dual_kernel(kind=SPARSE_PRODUCTS)
def _katz_sweep(indptr, indices, data, weighted, x, alpha, beta, y):
    """``y = alpha M x + beta`` for the CSR ``M``; returns ``||y - x||_1``."""
    for j in prange(y.shape[0]):
        y[j] = alpha * row_dot(indptr, indices, data, weighted, x, j) + beta[j]
    err = 0.0  # in node order, after the parallel loop (thread-independent)
    for j in range(y.shape[0]):
        err += abs(y[j] - x[j])
    return err


def katz_alpha(adj: sp.csr_array, directed: bool, alpha: float | None, weighted: bool = True) -> float:
    """The attenuation to use: checked against ``1 / lambda_max``."""
    if alpha is not None and not float(alpha) > 0:
        raise ValueError(f"alpha must be positive, not {alpha}")
    radius = spectral_radius(adj, directed, weighted=weighted)
    if alpha is None:
        return 0.5 / radius if radius > 0 else 0.1
    alpha = float(alpha)
    if alpha * radius >= 1:
        raise ValueError(
            f"Katz alpha = {alpha} must be below 1 / lambda_max = {1 / radius:.6g} "
            f"(lambda_max = {radius:.6g}); the walk series diverges otherwise"
        )
    return alpha


def katz_array(adj: sp.csr_array, directed: bool, incoming: InEdges | None = None, *,
               alpha: float | None = None, beta: float | np.ndarray = 1.0,
               weighted: bool = True, normalized: bool = True,
               tol: float = 1e-6, max_iter: int = 1000) -> np.ndarray:
    """Katz centrality on integer node indices (see :func:`katz`)."""
    n = adj.shape[0]
    if n == 0:
        return np.zeros(0)
    beta_vec = np.broadcast_to(np.asarray(beta, dtype=np.float64), (n,))
    # with beta > 0 every iterate after the first is > 0, which the
    # Collatz-Wielandt certificate needs; otherwise decide by lambda_max now
    certify = alpha is not None and bool(np.all(beta_vec > 0))
    if certify:
        alpha = float(alpha)
        if not alpha > 0:
            raise ValueError(f"alpha must be positive, not {alpha}")
    else:
        alpha = katz_alpha(adj, directed, alpha, weighted)
    if incoming is None:
        incoming = in_edges(adj)
    # the iteration runs in the row order of ``incoming``
    beta_vec = incoming.to_rows(beta_vec)
    x = np.zeros(n)
    y = np.empty(n)
    indptr, indices = unsigned(incoming.indptr), unsigned(incoming.indices)
    converged = False
    for it in range(max_iter):
        err = _katz_sweep(incoming.nnz + n, indptr, indices, incoming.data, weighted, x, alpha,
                          beta_vec, y)
        x, y = y, x  # x the last iterate, y the one before
        converged = err < n * tol
        if certify and (converged or it + 1 == _CERTIFY_AFTER or not np.isfinite(err)):
            if alpha * _collatz_wielandt_bound(x, y, beta_vec, alpha) >= 1:
                # not certified (slow convergence, or divergence): decide once
                katz_alpha(adj, directed, alpha, weighted)  # raises if alpha >= 1 / lambda_max
            certify = False
        if converged or not np.isfinite(err):
            break
    if not converged:
        raise ConvergenceError(f"Katz centrality did not converge in {max_iter} iterations")
    x = incoming.to_nodes(x)
    if normalized:
        norm = np.linalg.norm(x)
        if norm > 0:
            x = x / norm
    return x


# An iteration still running after this many sweeps is checked: a
# divergent series (alpha too large) is then caught without running to
# max_iter.
_CERTIFY_AFTER = 64


def _collatz_wielandt_bound(x_next: np.ndarray, x: np.ndarray, beta: np.ndarray,
                            alpha: float) -> float:
    """``max_j (A.T x)_j / x_j``, an upper bound on ``lambda_max``, from two
    consecutive iterates ``x_next = alpha A.T x + beta`` with ``x > 0``.
    Rounded up by a relative 1e-12 for the subtraction."""
    if not np.all(x > 0):
        return np.inf
    return float(np.max((x_next - beta) / x)) / alpha * (1 + 1e-12)


def katz(graph: InteractionGraph, alpha: float | None = None, beta=1.0, *,
         weighted: bool = True, normalized: bool = True,
         tol: float = 1e-6, max_iter: int = 1000) -> pd.Series:
    """Katz centrality of each member, as networkx's ``katz_centrality``.

    Parameters
    ----------
    graph : InteractionGraph
    alpha : float, optional
        Attenuation per step; must be below ``1 / lambda_max``. Default
        ``0.5 / lambda_max`` (0.1 on a graph without cycles); networkx's
        default is 0.1.
    beta : float or mapping, default 1.0
        Exogenous score: one number, or member id -> value for every member.
    weighted : bool, default True
        Use edge weights (networkx's ``weight="weight"``).
    normalized : bool, default True
        Divide by the Euclidean norm (networkx's default).
    tol : float, default 1e-6
        Stop when the L1 change is below ``n * tol``.
    max_iter : int, default 1000

    Returns
    -------
    pandas.Series named ``"katz"``.

    Raises
    ------
    ValueError
        If ``alpha >= 1 / lambda_max`` or ``alpha <= 0``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), ["a", "b", "c"])
    >>> katz(g, alpha=0.5, normalized=False, tol=1e-12).tolist()
    [1.0, 1.5, 2.25]
    >>> katz(g.to_undirected(), alpha=0.6)
    Traceback (most recent call last):
    ...
    ValueError: Katz alpha = 0.6 must be below 1 / lambda_max = 0.5 (lambda_max = 2); the walk series diverges otherwise
    """
    if isinstance(beta, (Mapping, pd.Series)):
        beta_s = pd.Series(beta, dtype=np.float64)
        missing = graph.node_ids.difference(beta_s.index)
        if len(missing):
            raise KeyError(f"beta needs a value for every member; missing {missing[:5].tolist()}")
        beta = beta_s.reindex(graph.node_ids).to_numpy(dtype=np.float64)
    values = katz_array(graph.adjacency, graph.directed, alpha=alpha, beta=beta,
                        weighted=weighted, normalized=normalized, tol=tol, max_iter=max_iter)
    return as_series(graph, values, "katz")
