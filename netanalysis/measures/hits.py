"""HITS hubs and authorities: who points to good sources, who is pointed to.

Kleinberg's mutually reinforcing scores on the weighted adjacency ``A``
(``A[i, j]`` the weight of ``i -> j``):

    authority a = A.T h,    hub h = A a,

so ``a`` is the dominant eigenvector of ``A.T A`` (the top right singular
vector of ``A``) and ``h = A a`` the top left one. Both are scaled to sum 1,
as networkx's ``hits`` does (igraph scales them to maximum 1 instead). On an
undirected graph hubs and authorities coincide when the top singular value
is simple (a connected non-bipartite graph, for instance); on a bipartite
graph it is double and the two differ.

networkx computes the singular vector with ARPACK (``svds``) from a random
start; we use the power iteration ``a <- A.T A a / sum(A.T A a)`` from the
uniform vector (networkx's ``_hits_scipy``), which gives the same vector
whenever the top singular value is simple and, when it is not (e.g. two
identical components), the deterministic projection of the uniform vector.
Stop when the L1 change of ``a`` is below ``tol``; ``ConvergenceError``
after ``max_iter`` iterations. A graph without edges has no HITS scores
(``A.T A = 0`` has no dominant eigenvector to scale to sum 1):
``ValueError``, for the empty graph (no members) as for an edgeless graph of
one or more members; the panel turns it into NaN columns with a warning.

References
----------
Kleinberg, J. M. (1999). Authoritative sources in a hyperlinked environment.
Journal of the ACM 46(5), 604-632.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph
from ._common import as_series
from ._linear import ConvergenceError, spmv, transpose

__all__ = ["hits", "hub_score", "authority_score"]


def hits_arrays(adj: sp.csr_array, directed: bool, adj_t: sp.csr_array | None = None, *,
                weighted: bool = True, tol: float = 1e-8,
                max_iter: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """``(hubs, authorities)`` on integer node indices (see :func:`hits`)."""
    n = adj.shape[0]
    if adj.nnz == 0:
        raise ValueError("HITS is undefined on a graph without edges (the empty graph included)")
    if adj_t is None:
        adj_t = adj if not directed else transpose(adj)
    a = np.full(n, 1.0 / n)
    a_next = np.empty(n)
    h = np.empty(n)
    for _ in range(max_iter):
        spmv(adj, a, h, weighted)
        total = spmv(adj_t, h, a_next, weighted)
        a_next /= total
        err = np.abs(a_next - a).sum()
        a, a_next = a_next, a
        if err < tol:
            h_total = spmv(adj, a, h, weighted)
            return h / h_total, a
    raise ConvergenceError(f"HITS did not converge in {max_iter} iterations")


def hits(graph: InteractionGraph, *, weighted: bool = True, tol: float = 1e-8,
         max_iter: int = 1000) -> pd.DataFrame:
    """HITS hub and authority scores, as networkx's ``hits``.

    Parameters
    ----------
    graph : InteractionGraph
    weighted : bool, default True
        Use edge weights (networkx's ``hits`` always does).
    tol : float, default 1e-8
        Stop when the L1 change of the (sum-1) authority vector is below
        ``tol``.
    max_iter : int, default 1000

    Returns
    -------
    pandas.DataFrame
        Columns ``hub`` and ``authority``, each summing to 1, indexed by
        member id.

    Raises
    ------
    ValueError
        If the graph has no edges (the empty graph included).
    ConvergenceError
        If ``max_iter`` iterations do not reach ``tol``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), ["a", "b", "c"])
    >>> hits(g).round(4)
          hub  authority
    a  0.6180     0.0000
    b  0.3820     0.3820
    c  0.0000     0.6180
    """
    h, a = hits_arrays(graph.adjacency, graph.directed, weighted=weighted, tol=tol, max_iter=max_iter)
    return pd.DataFrame({"hub": h, "authority": a}, index=graph.node_ids.copy())


def hub_score(graph: InteractionGraph, **options) -> pd.Series:
    """HITS hub score of each member (see :func:`hits` for the options).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), ["a", "b", "c"])
    >>> hub_score(g).round(4).tolist()
    [0.618, 0.382, 0.0]
    """
    h, _ = hits_arrays(graph.adjacency, graph.directed, **options)
    return as_series(graph, h, "hub")


def authority_score(graph: InteractionGraph, **options) -> pd.Series:
    """HITS authority score of each member (see :func:`hits` for the options).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), ["a", "b", "c"])
    >>> authority_score(g).round(4).tolist()
    [0.0, 0.382, 0.618]
    """
    _, a = hits_arrays(graph.adjacency, graph.directed, **options)
    return as_series(graph, a, "authority")
