"""Eigenvector centrality: a member is central if central members reach it.

The centrality ``x`` is the non-negative (Perron) eigenvector of the
transposed adjacency for its largest eigenvalue ``lambda_max``:

    lambda_max * x_j = sum_i A[i, j] x_i,    ||x||_2 = 1,

so on a directed graph a member scores through its *in*-edges (the "left"
eigenvector, networkx's convention; reverse the graph for out-edges).

Which eigenvector, when the graph is not strongly connected
------------------------------------------------------------
The Perron-Frobenius theorem makes ``x`` unique and positive only on a
strongly connected graph (a connected one if undirected). In general we
follow networkx's ``eigenvector_centrality`` exactly: ``x`` is the limit of
the power iteration ``x <- (A.T + I) x / ||(A.T + I) x||_2`` from the uniform
vector. The shift by ``I`` makes the iteration converge on periodic
(e.g. bipartite) graphs without changing the eigenvectors. The limit is a
non-negative eigenvector for ``lambda_max``: it is supported on the strongly
connected components whose own spectral radius is ``lambda_max`` and on the
nodes they reach, and other members get (numerically) 0. On a disconnected
undirected graph, only the component(s) with the largest ``lambda_max``
score. If several components share ``lambda_max`` exactly, each gets the
share the uniform start gives it.

A graph without a cycle (a DAG, or no edges) has ``lambda_max = 0`` and no
meaningful eigenvector (networkx's iteration would return a vector concentrated
at the ends of the longest paths): we raise ``ValueError`` rather than return
zeros; use :func:`~netanalysis.measures.katz.katz` or PageRank there. The
empty graph (no members) has no cycle either and is refused the same way, as
an edgeless graph of one member is (networkx refuses it too).
The panel (:func:`~netanalysis.measures.panel.centrality`) turns the error
into a NaN column (an empty one for the empty graph) with a warning.

Iteration and tolerance are networkx's: start ``1/n``, stop when the L1
change is below ``n * tol``, raise ``ConvergenceError`` after ``max_iter``
iterations. Convergence can be slow (or fail) when two strongly connected
components have (nearly) the same spectral radius: raise ``max_iter``.

References
----------
Bonacich, P. (1972). Factoring and weighting approaches to status scores and
clique identification. Journal of Mathematical Sociology 2(1), 113-120.
Newman, M. E. J. (2010). Networks: An Introduction, section 7.2. Oxford
University Press.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numba import prange

from ..graphs import InteractionGraph
from ._common import as_series
from .._numba import SPARSE_PRODUCTS
from ._linear import ConvergenceError, InEdges, dual_kernel, has_cycle, in_edges, row_dot, unsigned

__all__ = ["eigenvector"]


@dual_kernel(kind=SPARSE_PRODUCTS)
def _shifted_sweep(indptr, indices, data, weighted, x, y):
    """``y = (M + I) x`` for the CSR ``M``; returns ``||y||_2^2``."""
    for j in prange(y.shape[0]):
        y[j] = x[j] + row_dot(indptr, indices, data, weighted, x, j)
    sumsq = 0.0  # in node order, after the parallel loop (thread-independent)
    for j in range(y.shape[0]):
        sumsq += y[j] * y[j]
    return sumsq


@dual_kernel(kind=SPARSE_PRODUCTS)
def _rescale_and_change(y, scale, x):
    """``y *= scale``; returns ``||y - x||_1``."""
    for j in prange(y.shape[0]):
        y[j] = y[j] * scale
    err = 0.0  # in node order, after the parallel loop (thread-independent)
    for j in range(y.shape[0]):
        err += abs(y[j] - x[j])
    return err


def eigenvector_array(adj: sp.csr_array, directed: bool, incoming: InEdges | None = None, *,
                      weighted: bool = True, tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    """Eigenvector centrality on integer node indices (see :func:`eigenvector`)."""
    n = adj.shape[0]
    if n == 0 or not has_cycle(adj, directed):
        raise ValueError(
            "eigenvector centrality is undefined on a graph without cycles (a DAG, "
            "no edges or no members): the largest eigenvalue is 0; use katz or pagerank instead"
        )
    if incoming is None:
        incoming = in_edges(adj)
    # the iteration runs in the row order of ``incoming``; the start vector
    # is uniform, so it needs no reordering
    x = np.full(n, 1.0 / n)
    y = np.empty(n)
    work = incoming.nnz + n
    indptr, indices = unsigned(incoming.indptr), unsigned(incoming.indices)
    for _ in range(max_iter):
        sumsq = _shifted_sweep(work, indptr, indices, incoming.data, weighted, x, y)
        norm = np.sqrt(sumsq) or 1.0
        err = _rescale_and_change(work, y, 1.0 / norm, x)
        x, y = y, x
        if err < n * tol:
            return incoming.to_nodes(x)
    raise ConvergenceError(
        f"eigenvector centrality did not converge in {max_iter} iterations; "
        "raise max_iter (components with close spectral radii converge slowly)"
    )


def eigenvector(graph: InteractionGraph, *, weighted: bool = True,
                tol: float = 1e-6, max_iter: int = 100) -> pd.Series:
    """Eigenvector centrality of each member, as networkx's
    ``eigenvector_centrality`` (in-edges, Euclidean norm 1).

    Parameters
    ----------
    graph : InteractionGraph
    weighted : bool, default True
        Use edge weights (networkx's ``weight="weight"``); ``False`` is
        networkx's default ``weight=None``.
    tol : float, default 1e-6
        Stop when the L1 change is below ``n * tol``.
    max_iter : int, default 100

    Returns
    -------
    pandas.Series
        Non-negative scores with Euclidean norm 1, named ``"eigenvector"``.

    Raises
    ------
    ValueError
        If the graph has no cycle (largest eigenvalue 0), the empty graph
        included.
    ConvergenceError
        If ``max_iter`` iterations do not reach ``tol``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> star = sp.csr_array(([1.0] * 6, ([0, 0, 0, 1, 2, 3], [1, 2, 3, 0, 0, 0])), shape=(4, 4))
    >>> eigenvector(InteractionGraph(star, list("abcd"), directed=False)).round(4).tolist()
    [0.7071, 0.4082, 0.4082, 0.4082]
    """
    values = eigenvector_array(graph.adjacency, graph.directed, weighted=weighted,
                               tol=tol, max_iter=max_iter)
    return as_series(graph, values, "eigenvector")
