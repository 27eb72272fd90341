"""Local clustering: how far a member's contacts interact among themselves.

Three variants, all with self-loops ignored and 0 for members with fewer
than two neighbours (or no triangle), as networkx and igraph's
``mode="zero"``. ``k_i`` is the number of distinct neighbours.

Unweighted (``weighting=None``, networkx ``clustering(G)``)
    Undirected: ``c_i = 2 T_i / (k_i (k_i - 1))`` with ``T_i`` the number of
    triangles through ``i`` (Watts and Strogatz 1998).
    Directed (Fagiolo 2007, networkx's directed clustering): with
    ``B = A + A.T`` on the 0/1 adjacency,
    ``c_i = (B^3)_ii / (2 (d_i (d_i - 1) - 2 d_i^<->))``,
    ``d_i`` the in- plus out-degree and ``d_i^<->`` the number of
    reciprocated ties: every directed triangle counts.

Onnela (``weighting="onnela"``, networkx ``clustering(G, weight="weight")``)
    Weights divided by the largest weight of the graph,
    ``w^ = w / max(w)``, and each triangle counts with the geometric mean of
    its three normalised weights. Undirected:
    ``c_i = 2 / (k_i (k_i - 1)) sum_{j<k} (w^_ij w^_jk w^_ki)^(1/3)``
    (Onnela et al. 2005). Directed: as Fagiolo's formula above with
    ``B = W^(1/3) + (W^(1/3)).T``, ``W^(1/3)`` the element-wise cube root of
    the normalised weights (Fagiolo 2007; networkx).

Barrat (``weighting="barrat"``, igraph ``transitivity_local_undirected(weights=...)``)
    ``c_i = 1 / (s_i (k_i - 1)) sum_{j, h} (w_ij + w_ih) / 2 a_ij a_ih a_jh``
    over ordered pairs of neighbours, ``s_i`` the strength (Barrat et al.
    2004): a triangle counts with the weight of the two edges that ``i``
    itself puts in it. Barrat's definition is undirected: on a directed graph
    it is computed on :meth:`InteractionGraph.to_undirected` (weights
    ``w_ij + w_ji``).

Each triangle is listed once by a compiled, parallel, degree-ordered
intersection (O(m^1.5)), never by per-node ego graphs.

References
----------
Watts, D. J., Strogatz, S. H. (1998). Collective dynamics of 'small-world'
networks. Nature 393, 440-442.
Barrat, A., Barthelemy, M., Pastor-Satorras, R., Vespignani, A. (2004).
The architecture of complex weighted networks. PNAS 101(11), 3747-3752.
Onnela, J.-P., Saramaki, J., Kertesz, J., Kaski, K. (2005). Intensity and
coherence of motifs in weighted complex networks. Phys. Rev. E 71, 065103.
Fagiolo, G. (2007). Clustering in complex directed networks. Phys. Rev. E
76, 026107.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph
from ._common import as_series
from ._triangles import Skeleton, skeleton, triangle_sums

__all__ = ["clustering"]

WEIGHTINGS = (None, "onnela", "barrat")
COLUMN = {None: "clustering", "onnela": "clustering_onnela", "barrat": "clustering_barrat"}


def clustering_edge_values(adj: sp.csr_array, directed: bool, skel: Skeleton,
                           columns=tuple(COLUMN.values())) -> dict:
    """The keyword arguments of :func:`triangle_sums` for the clustering
    ``columns`` asked: per skeleton entry the multiplicity ``b_cnt`` (left
    out on an undirected graph, where it is 1: a plain triangle count), the
    cube-root weight ``b_w`` (Onnela) and the undirected weight ``w_sym``
    (Barrat)."""
    fw, bw = skel.forward, skel.backward
    max_weight = adj.data.max() if adj.nnz else 1.0
    # the triangle count (or its directed multiplicity) is every
    # variant's test of whether a node has a triangle at all
    values: dict = {"count": True}
    if directed:
        values["b_cnt"] = (fw > 0).astype(np.float64) + (bw > 0)
    if "clustering_onnela" in columns:
        values["b_w"] = (np.cbrt(fw / max_weight) + np.cbrt(bw / max_weight) if directed
                         else np.cbrt(fw / max_weight))
    if "clustering_barrat" in columns:
        values["w_sym"] = fw + bw if directed else fw
    return values


def clustering_arrays(adj: sp.csr_array, directed: bool, skel: Skeleton | None = None,
                      sums: dict | None = None,
                      columns=tuple(COLUMN.values())) -> dict[str, np.ndarray]:
    """The clustering variants ``columns`` (panel column names) on integer
    node indices, from one pass over the triangles (``sums``, if the caller
    already made that pass with :func:`clustering_edge_values`)."""
    if skel is None:
        skel = skeleton(adj, symmetric=not directed)
    n = skel.n_nodes
    fw, bw = skel.forward, skel.backward
    values = clustering_edge_values(adj, directed, skel, columns)
    if sums is None:
        sums = triangle_sums(skel, **values)
    k = skel.degree.astype(np.float64)
    if directed:
        d_total = skel.row_reduce(values["b_cnt"])
        d_mutual = skel.row_reduce(((fw > 0) & (bw > 0)).astype(np.float64))
        denom = d_total * (d_total - 1) - 2 * d_mutual
        scale = 1.0
    else:
        denom = k * (k - 1)
        scale = 2.0
    ok = sums["cnt"] > 0
    out = {}
    if "clustering" in columns:
        out["clustering"] = np.zeros(n)
        out["clustering"][ok] = scale * sums["cnt"][ok] / denom[ok]
    if "clustering_onnela" in columns:
        out["clustering_onnela"] = np.zeros(n)
        out["clustering_onnela"][ok] = scale * sums["wprod"][ok] / denom[ok]
    if "clustering_barrat" in columns:
        out["clustering_barrat"] = np.zeros(n)
        s = skel.row_reduce(values["w_sym"])
        out["clustering_barrat"][ok] = sums["barrat"][ok] / (s[ok] * (k[ok] - 1))
    return out


def clustering(graph: InteractionGraph, weighting: str | None = None) -> pd.Series:
    """Local clustering coefficient of each member.

    Parameters
    ----------
    graph : InteractionGraph
    weighting : {None, "onnela", "barrat"}, default None
        ``None``: unweighted (networkx ``clustering(G)``; Fagiolo's directed
        version on a directed graph). ``"onnela"``: geometric mean of
        normalised weights (networkx ``clustering(G, weight=...)``).
        ``"barrat"``: Barrat's weighted coefficient, on the undirected
        version of a directed graph (igraph).

    Returns
    -------
    pandas.Series
        Values in [0, 1], named ``"clustering"``, ``"clustering_onnela"`` or
        ``"clustering_barrat"``.

    Examples
    --------
    A triangle ``a, b, c`` with a pendant ``d`` on ``c``; edge ``a-b`` is
    heavier:

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> rows, cols, w = [0, 1, 0, 2, 1, 2, 2, 3], [1, 0, 2, 0, 2, 1, 3, 2], [8, 8, 1, 1, 1, 1, 1, 1]
    >>> g = InteractionGraph(sp.csr_array((w, (rows, cols)), shape=(4, 4)), list("abcd"), directed=False)
    >>> clustering(g).round(4).tolist()
    [1.0, 1.0, 0.3333, 0.0]
    >>> clustering(g, "onnela").round(4).tolist()
    [0.25, 0.25, 0.0833, 0.0]
    >>> clustering(g, "barrat").round(4).tolist()
    [1.0, 1.0, 0.3333, 0.0]
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
    column = COLUMN[weighting]
    values = clustering_arrays(graph.adjacency, graph.directed, columns=(column,))[column]
    return as_series(graph, values, column)
