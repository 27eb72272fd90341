"""Degree and strength: how many ties a member has, and how strong they are.

For a directed graph with adjacency ``A`` (``A[i, j]`` the weight of
``i -> j``):

* out-degree ``k_out(i) = #{j : A[i, j] > 0}``, in-degree
  ``k_in(i) = #{j : A[j, i] > 0}``, degree ``k(i) = k_in(i) + k_out(i)``;
* out-strength ``s_out(i) = sum_j A[i, j]``, in-strength
  ``s_in(i) = sum_j A[j, i]``, strength ``s(i) = s_in(i) + s_out(i)``
  (Barrat et al. 2004).

An undirected graph has only ``degree`` and ``strength``: the number of
neighbours and the sum of the weights of the incident edges; the in- and
out- variants are not defined there and raise ``ValueError``.

Conventions follow networkx (``G.degree``, ``G.in_degree``,
``G.degree(weight="weight")``): a self-loop ``i -> i`` adds one to the
in-degree and one to the out-degree of a directed graph, and two to the
degree of an undirected graph (likewise its weight, twice, to the strength).
With ``normalized=True`` degrees are divided by ``n - 1`` as in networkx's
``degree_centrality``, ``in_degree_centrality`` and
``out_degree_centrality`` (and a graph of one node gets 1).

References
----------
Freeman, L. C. (1978). Centrality in social networks conceptual
clarification. Social Networks 1(3), 215-239.
Barrat, A., Barthelemy, M., Pastor-Satorras, R., Vespignani, A. (2004).
The architecture of complex weighted networks. PNAS 101(11), 3747-3752.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph
from ._common import as_series

__all__ = ["degree", "in_degree", "out_degree", "strength", "in_strength", "out_strength"]


def _out_counts(graph: InteractionGraph) -> np.ndarray:
    return np.diff(graph.adjacency.indptr).astype(np.float64)


def _in_counts(graph: InteractionGraph) -> np.ndarray:
    adj = graph.adjacency
    return np.bincount(adj.indices, minlength=graph.n_nodes).astype(np.float64)


def _out_sums(graph: InteractionGraph) -> np.ndarray:
    return np.asarray(graph.adjacency.sum(axis=1), dtype=np.float64).ravel()


def _in_sums(graph: InteractionGraph) -> np.ndarray:
    adj = graph.adjacency
    return np.bincount(adj.indices, weights=adj.data, minlength=graph.n_nodes)


def _normalise(graph: InteractionGraph, values: np.ndarray, normalized: bool) -> np.ndarray:
    if not normalized:
        return values
    n = graph.n_nodes
    if n <= 1:
        return np.ones(n)
    return values / (n - 1)


def _require_directed(graph: InteractionGraph, name: str) -> None:
    if not graph.directed:
        raise ValueError(f"{name} is defined for directed graphs only; use degree/strength")


def degree_arrays(graph: InteractionGraph) -> dict[str, np.ndarray]:
    """All degree and strength columns of the panel, as arrays."""
    if graph.directed:
        k_out, k_in = _out_counts(graph), _in_counts(graph)
        s_out, s_in = _out_sums(graph), _in_sums(graph)
        return {
            "in_degree": k_in, "out_degree": k_out, "degree": k_in + k_out,
            "in_strength": s_in, "out_strength": s_out, "strength": s_in + s_out,
        }
    loops = graph.adjacency.diagonal()
    return {
        "degree": _out_counts(graph) + (loops != 0),
        "strength": _out_sums(graph) + loops,
    }


def degree(graph: InteractionGraph, normalized: bool = False) -> pd.Series:
    """Number of ties of each member: ``k_in + k_out`` on a directed graph,
    the number of neighbours on an undirected one (a self-loop counts twice).

    Parameters
    ----------
    graph : InteractionGraph
    normalized : bool, default False
        Divide by ``n - 1`` (networkx's ``degree_centrality``).

    Returns
    -------
    pandas.Series
        Float degrees indexed by member id, named ``"degree"``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> degree(g).tolist()
    [3.0, 2.0, 1.0]
    >>> degree(g, normalized=True).tolist()
    [1.5, 1.0, 0.5]
    """
    if graph.directed:
        values = _out_counts(graph) + _in_counts(graph)
    else:
        values = degree_arrays(graph)["degree"]
    return as_series(graph, _normalise(graph, values, normalized), "degree")


def in_degree(graph: InteractionGraph, normalized: bool = False) -> pd.Series:
    """Number of in-edges ``j -> i`` of each member (directed graphs only).

    ``normalized=True`` divides by ``n - 1`` (networkx's
    ``in_degree_centrality``).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> in_degree(g).tolist()
    [1.0, 1.0, 1.0]
    """
    _require_directed(graph, "in_degree")
    return as_series(graph, _normalise(graph, _in_counts(graph), normalized), "in_degree")


def out_degree(graph: InteractionGraph, normalized: bool = False) -> pd.Series:
    """Number of out-edges ``i -> j`` of each member (directed graphs only).

    ``normalized=True`` divides by ``n - 1`` (networkx's
    ``out_degree_centrality``).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> out_degree(g).tolist()
    [2.0, 1.0, 0.0]
    """
    _require_directed(graph, "out_degree")
    return as_series(graph, _normalise(graph, _out_counts(graph), normalized), "out_degree")


def strength(graph: InteractionGraph) -> pd.Series:
    """Total weight of each member's ties: ``s_in + s_out`` on a directed
    graph, the sum of incident edge weights on an undirected one (a self-loop's
    weight counts twice, as networkx's ``G.degree(weight="weight")``).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> strength(g).tolist()
    [4.0, 3.0, 1.0]
    >>> strength(g.to_undirected()).tolist()
    [4.0, 3.0, 1.0]
    """
    if graph.directed:
        values = _out_sums(graph) + _in_sums(graph)
    else:
        values = degree_arrays(graph)["strength"]
    return as_series(graph, values, "strength")


def in_strength(graph: InteractionGraph) -> pd.Series:
    """Sum of the weights of each member's in-edges (directed graphs only).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> in_strength(g).tolist()
    [1.0, 2.0, 1.0]
    """
    _require_directed(graph, "in_strength")
    return as_series(graph, _in_sums(graph), "in_strength")


def out_strength(graph: InteractionGraph) -> pd.Series:
    """Sum of the weights of each member's out-edges (directed graphs only).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 0, 0]]), ["a", "b", "c"])
    >>> out_strength(g).tolist()
    [3.0, 1.0, 0.0]
    """
    _require_directed(graph, "out_strength")
    return as_series(graph, _out_sums(graph), "out_strength")
