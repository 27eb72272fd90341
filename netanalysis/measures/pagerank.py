"""PageRank: the stationary share of a random walk along interactions.

With ``A[i, j]`` the weight of ``i -> j``, out-strength ``s_i = sum_j
A[i, j]``, teleport (personalisation) distribution ``p`` and dangling
distribution ``d`` (nodes with ``s_i = 0`` are *dangling*), PageRank is the
fixed point of

    x_j = alpha * (sum_i x_i A[i, j] / s_i + d_j * sum_{i dangling} x_i)
          + (1 - alpha) * p_j,

computed exactly as networkx's ``pagerank`` does: power iteration from the
uniform vector, ``p`` and ``d`` uniform by default, ``d = p`` when only ``p``
is given, stop at the first iterate whose L1 change is below ``n * tol``, and
raise when ``max_iter`` iterations do not get there. The result sums to 1.
An undirected graph is a directed one with both directions (as networkx
does). Self-loops are ordinary edges.

Each iteration is one compiled, parallel pass over the in-edges (the CSR of
``A.T``, rows in descending in-degree: see ``_linear.InEdges``) fused with the
teleport, dangling and convergence terms, so its cost is one streaming read
of the sparse matrix.

References
----------
Page, L., Brin, S., Motwani, R., Winograd, T. (1999). The PageRank citation
ranking: bringing order to the web. Stanford InfoLab.
Langville, A. N., Meyer, C. D. (2006). Google's PageRank and Beyond.
Princeton University Press.
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
from ._linear import ConvergenceError, InEdges, dual_kernel, in_edges, row_dot, unsigned

__all__ = ["pagerank"]


@dual_kernel(kind=SPARSE_PRODUCTS)
def _sweep(indptr, indices, data, weighted, scaled, inv_out, x_old, x_new, scaled_new,
           alpha, uniform, constant, dangling_mass, dangling_weights, teleport):
    """One PageRank iteration over the in-edge CSR.

    ``scaled[i] = x_old[i] / s_i`` (0 for dangling nodes). Writes ``x_new``
    and ``scaled_new``; returns the L1 change and the new dangling mass.
    """
    n = x_new.shape[0]
    for j in prange(n):
        s = row_dot(indptr, indices, data, weighted, scaled, j)
        if uniform:
            v = alpha * s + constant
        else:
            v = alpha * (s + dangling_mass * dangling_weights[j]) + (1.0 - alpha) * teleport[j]
        x_new[j] = v
        scaled_new[j] = v * inv_out[j]
    # sums in node order after the parallel loop: the same bytes for any
    # number of threads
    err = 0.0
    dangling_next = 0.0
    for j in range(n):
        v = x_new[j]
        err += abs(v - x_old[j])
        if inv_out[j] == 0.0:
            dangling_next += v
    return err, dangling_next


def _distribution(graph: InteractionGraph, values, name: str) -> np.ndarray:
    """A node-aligned, sum-1 vector from a mapping or Series of member id ->
    value (missing members 0, as networkx)."""
    if isinstance(values, Mapping) and not isinstance(values, pd.Series):
        values = pd.Series(values, dtype=np.float64)
    values = pd.Series(values, dtype=np.float64)
    unknown = values.index.difference(graph.node_ids)
    if len(unknown):
        raise KeyError(f"{name}: unknown member ids {unknown[:5].tolist()}")
    vec = values.reindex(graph.node_ids, fill_value=0.0).to_numpy(dtype=np.float64, copy=True)
    if not np.all(np.isfinite(vec)) or (vec < 0).any():
        raise ValueError(f"{name} must hold finite non-negative values")
    total = vec.sum()
    if total == 0:
        raise ValueError(f"{name} sums to zero")
    return vec / total


def pagerank_array(adj: sp.csr_array, incoming: InEdges | None = None, *,
                   alpha: float = 0.85, teleport: np.ndarray | None = None,
                   dangling: np.ndarray | None = None, weighted: bool = True,
                   tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    """PageRank on integer node indices (see :func:`pagerank`);
    ``incoming`` is ``in_edges(adj)`` if the caller already has it."""
    n = adj.shape[0]
    if n == 0:
        return np.zeros(0)
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], not {alpha}")
    if incoming is None:
        incoming = in_edges(adj)
    if weighted:
        out_weight = np.asarray(adj.sum(axis=1), dtype=np.float64).ravel()
    else:
        out_weight = np.diff(adj.indptr).astype(np.float64)
    inv_out = np.zeros(n)
    np.divide(1.0, out_weight, out=inv_out, where=out_weight != 0)
    # everything below runs in the row order of ``incoming``
    inv_out = incoming.to_rows(inv_out)
    uniform = teleport is None and dangling is None
    teleport = np.full(n, 1.0 / n) if teleport is None else incoming.to_rows(teleport)
    dangling = teleport if dangling is None else incoming.to_rows(dangling)
    x = np.full(n, 1.0 / n)
    scaled = x * inv_out
    dangling_mass = float(x[inv_out == 0].sum())
    x_new = np.empty(n)
    scaled_new = np.empty(n)
    indptr, indices = unsigned(incoming.indptr), unsigned(incoming.indices)
    for _ in range(max_iter):
        constant = (alpha * dangling_mass + 1.0 - alpha) / n
        err, dangling_mass = _sweep(
            incoming.nnz + n, indptr, indices, incoming.data, weighted, scaled, inv_out,
            x, x_new, scaled_new, alpha, uniform, constant, dangling_mass,
            dangling, teleport,
        )
        x, x_new = x_new, x
        scaled, scaled_new = scaled_new, scaled
        if err < n * tol:
            return incoming.to_nodes(x)
    raise ConvergenceError(f"PageRank did not converge in {max_iter} iterations")


def pagerank(graph: InteractionGraph, alpha: float = 0.85, *,
             personalization=None, dangling=None, weighted: bool = True,
             tol: float = 1e-6, max_iter: int = 100) -> pd.Series:
    """PageRank of each member, as networkx's ``pagerank``.

    Parameters
    ----------
    graph : InteractionGraph
    alpha : float, default 0.85
        Damping: probability of following an edge rather than teleporting.
    personalization : mapping or Series, optional
        Member id -> teleport weight (missing members 0; normalised to sum
        1). Uniform by default.
    dangling : mapping or Series, optional
        Member id -> where the walk goes from a node without out-edges
        (normalised). Defaults to the personalisation vector, as networkx.
    weighted : bool, default True
        Follow edges in proportion to their weight; ``False`` treats every
        edge as weight 1.
    tol : float, default 1e-6
        Stop when the L1 change of an iteration is below ``n * tol``
        (networkx's criterion); the result is accurate to about that.
    max_iter : int, default 100

    Returns
    -------
    pandas.Series
        Scores summing to 1, indexed by member id, named ``"pagerank"``.

    Raises
    ------
    ConvergenceError
        If ``max_iter`` iterations do not reach ``tol``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 1], [1, 0, 0], [0, 1, 0]]), ["a", "b", "c"])
    >>> pagerank(g).round(4).tolist()
    [0.3878, 0.3974, 0.2148]
    >>> pagerank(g, personalization={"c": 1}).round(4).tolist()
    [0.3267, 0.3844, 0.2889]
    """
    teleport = None if personalization is None else _distribution(graph, personalization, "personalization")
    dangling_vec = None if dangling is None else _distribution(graph, dangling, "dangling")
    values = pagerank_array(
        graph.adjacency, alpha=alpha, teleport=teleport, dangling=dangling_vec,
        weighted=weighted, tol=tol, max_iter=max_iter,
    )
    return as_series(graph, values, "pagerank")
