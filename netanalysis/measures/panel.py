"""The centrality panel: every measure of a graph in one DataFrame.

``centrality(graph)`` returns one row per member (indexed by member id) and
one column per measure. The work shared between measures is done once: the
in-edges in degree order for PageRank, eigenvector and Katz, the transposed
adjacency for HITS and in-/out-coreness; the undirected skeleton and a single pass over its
triangles for the three clustering coefficients and both structural-hole
measures; one traversal per source for betweenness, closeness and harmonic
centrality.

Columns, in this order (directed graph):

=====================  =====================================================
``in_degree``           in-edges (:func:`~netanalysis.measures.degree.in_degree`)
``out_degree``          out-edges
``degree``              in + out
``in_strength``         weight of in-edges
``out_strength``        weight of out-edges
``strength``            in + out weight
``pagerank``            :func:`~netanalysis.measures.pagerank.pagerank`
``eigenvector``         :func:`~netanalysis.measures.eigenvector.eigenvector`
``katz``                :func:`~netanalysis.measures.katz.katz`
``hub``                 HITS hub score (:func:`~netanalysis.measures.hits.hits`)
``authority``           HITS authority score
``in_coreness``         :func:`~netanalysis.measures.coreness.coreness` ``mode="in"``
``out_coreness``        ``mode="out"``
``coreness``            ``mode="all"``
``clustering``          :func:`~netanalysis.measures.clustering.clustering`
``clustering_onnela``   ``weighting="onnela"``
``clustering_barrat``   ``weighting="barrat"``
``constraint``          :func:`~netanalysis.measures.structural_holes.constraint`
``effective_size``      :func:`~netanalysis.measures.structural_holes.effective_size`
``betweenness``         shortest-path betweenness
``closeness``           closeness
``harmonic``            harmonic centrality
=====================  =====================================================

An undirected graph has no ``in_``/``out_`` columns: ``degree, strength,
pagerank, eigenvector, katz, hub, authority, coreness, clustering,
clustering_onnela, clustering_barrat, constraint, effective_size,
betweenness, closeness, harmonic``.

Every value is that of the measure's own function with the same options, so
each column's definition, conventions and references are in its function's
docstring.
"""
from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np
import pandas as pd

from ..graphs import InteractionGraph
from ._linear import in_edges, transpose, without_loops
from ._triangles import skeleton, triangle_sums
from .clustering import clustering_arrays, clustering_edge_values
from .coreness import coreness_array
from .degree import degree_arrays
from .eigenvector import eigenvector_array
from .hits import hits_arrays
from .katz import katz_array
from .pagerank import _distribution, pagerank_array
from .structural_holes import hole_edge_values, structural_hole_arrays

__all__ = ["centrality", "panel_columns", "MEASURE_GROUPS"]

_DEGREE_DIRECTED = ("in_degree", "out_degree", "degree", "in_strength", "out_strength", "strength")
_CORE_DIRECTED = ("in_coreness", "out_coreness", "coreness")
_SPECTRAL = ("pagerank", "eigenvector", "katz", "hub", "authority")
_TRIANGLE = ("clustering", "clustering_onnela", "clustering_barrat", "constraint", "effective_size")
_PATH = ("betweenness", "closeness", "harmonic")

#: Names that stand for several columns in ``measures``.
MEASURE_GROUPS = {
    "hits": ("hub", "authority"),
    "structural_holes": ("constraint", "effective_size"),
    "paths": _PATH,
}

_OPTIONS = {
    "weighted": True,
    "pagerank_alpha": 0.85, "personalization": None, "dangling": None,
    "pagerank_tol": 1e-6, "pagerank_max_iter": 100,
    "eigenvector_tol": 1e-6, "eigenvector_max_iter": 100,
    "katz_alpha": None, "katz_beta": 1.0, "katz_tol": 1e-6, "katz_max_iter": 1000,
    "hits_tol": 1e-8, "hits_max_iter": 1000,
    "distance": "hops", "normalized": True, "wf_improved": True, "endpoints": False,
    "on_undefined": "warn",
}


def panel_columns(directed: bool) -> tuple[str, ...]:
    """The columns of the full panel, in order, for a directed or undirected
    graph.

    >>> panel_columns(False)[:4]
    ('degree', 'strength', 'pagerank', 'eigenvector')
    >>> len(panel_columns(True)), len(panel_columns(False))
    (22, 16)
    """
    if directed:
        return _DEGREE_DIRECTED + _SPECTRAL + _CORE_DIRECTED + _TRIANGLE + _PATH
    return ("degree", "strength") + _SPECTRAL + ("coreness",) + _TRIANGLE + _PATH


def _resolve(graph: InteractionGraph, measures) -> tuple[str, ...]:
    available = panel_columns(graph.directed)
    if measures is None:
        return available
    if isinstance(measures, str):
        measures = [measures]
    asked: list[str] = []
    for m in measures:
        asked.extend(MEASURE_GROUPS.get(m, (m,)))
    unknown = [m for m in asked if m not in available]
    if unknown:
        kind = "a directed" if graph.directed else "an undirected"
        raise ValueError(
            f"unknown measures {unknown} for {kind} graph; choose from "
            f"{list(available)} or the groups {list(MEASURE_GROUPS)}"
        )
    wanted = set(asked)
    return tuple(c for c in available if c in wanted)


def _undefined(name: str, exc: Exception, on_undefined: str, n: int) -> np.ndarray:
    if on_undefined == "raise":
        raise exc
    warnings.warn(f"{name}: {exc}; the column is NaN", RuntimeWarning, stacklevel=3)
    return np.full(n, np.nan)


def centrality(graph: InteractionGraph, measures: Iterable[str] | str | None = None,
               **options) -> pd.DataFrame:
    """Compute a panel of centrality measures, one column per measure.

    Parameters
    ----------
    graph : InteractionGraph
    measures : str or iterable of str, optional
        Column names (see :func:`panel_columns` and the module docstring), or
        the groups ``"hits"`` (hub, authority), ``"structural_holes"``
        (constraint, effective_size) and ``"paths"`` (betweenness,
        closeness, harmonic). Default: the whole panel. Columns come in
        panel order whatever the order asked.
    **options
        ``weighted`` (default True): use weights in PageRank, eigenvector,
        Katz, HITS, constraint and effective size (degree/strength, coreness
        and the clustering columns have their fixed definitions).
        ``pagerank_alpha`` (0.85), ``personalization``, ``dangling``,
        ``pagerank_tol`` (1e-6), ``pagerank_max_iter`` (100);
        ``eigenvector_tol`` (1e-6), ``eigenvector_max_iter`` (100);
        ``katz_alpha`` (None: 0.5 / lambda_max), ``katz_beta`` (1.0),
        ``katz_tol`` (1e-6), ``katz_max_iter`` (1000);
        ``hits_tol`` (1e-8), ``hits_max_iter`` (1000);
        ``distance`` ("hops"), ``normalized`` (True), ``wf_improved`` (True)
        for the path measures;
        ``endpoints`` (False): count the endpoints of each shortest path in
        betweenness (networkx's ``endpoints=True``: a member also scores
        every member it reaches and every member reaching it; see
        ``netanalysis.betweenness``); closeness
        and harmonic are unchanged (with it they come from a second
        traversal per source);
        ``on_undefined`` ("warn" or "raise"): when eigenvector centrality
        (graph without cycles) or HITS (no edges) is undefined, warn and
        fill the column with NaN, or raise the ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        Float columns indexed by member id.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 1], [1, 0, 0], [0, 1, 0]]), ["a", "b", "c"])
    >>> centrality(g, ["degree", "pagerank", "coreness"]).round(4)
       degree  pagerank  coreness
    a     3.0    0.4101       2.0
    b     3.0    0.4237       2.0
    c     2.0    0.1662       2.0
    >>> list(centrality(g).columns) == list(panel_columns(True))
    True
    """
    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"unknown options {sorted(unknown)}; known: {sorted(_OPTIONS)}")
    opt = {**_OPTIONS, **options}
    if opt["on_undefined"] not in ("warn", "raise"):
        raise ValueError("on_undefined must be 'warn' or 'raise'")
    columns = _resolve(graph, measures)
    wanted = set(columns)
    n = graph.n_nodes
    adj = graph.adjacency
    directed = graph.directed
    weighted = bool(opt["weighted"])
    out: dict[str, np.ndarray] = {}

    if wanted & {"in_degree", "out_degree", "degree", "in_strength", "out_strength", "strength"}:
        out.update(degree_arrays(graph))

    incoming = in_edges(adj) if wanted & {"pagerank", "eigenvector", "katz"} else None
    if "pagerank" in wanted:
        teleport = None if opt["personalization"] is None else _distribution(
            graph, opt["personalization"], "personalization")
        dangling = None if opt["dangling"] is None else _distribution(graph, opt["dangling"], "dangling")
        out["pagerank"] = pagerank_array(
            adj, incoming, alpha=opt["pagerank_alpha"], teleport=teleport, dangling=dangling,
            weighted=weighted, tol=opt["pagerank_tol"], max_iter=opt["pagerank_max_iter"])
    if "eigenvector" in wanted:
        try:
            out["eigenvector"] = eigenvector_array(
                adj, directed, incoming, weighted=weighted, tol=opt["eigenvector_tol"],
                max_iter=opt["eigenvector_max_iter"])
        except ValueError as exc:
            out["eigenvector"] = _undefined("eigenvector", exc, opt["on_undefined"], n)
    if "katz" in wanted:
        beta = opt["katz_beta"]
        if isinstance(beta, (dict, pd.Series)):
            beta = pd.Series(beta, dtype=np.float64).reindex(graph.node_ids).to_numpy()
            if np.isnan(beta).any():
                raise KeyError("katz_beta needs a value for every member")
        out["katz"] = katz_array(
            adj, directed, incoming, alpha=opt["katz_alpha"], beta=beta, weighted=weighted,
            tol=opt["katz_tol"], max_iter=opt["katz_max_iter"])
    # the plain transpose, for HITS and the coreness of a loop-free graph
    adj_t = transpose(adj) if directed and wanted & {"hub", "authority"} else None
    if wanted & {"hub", "authority"}:
        try:
            out["hub"], out["authority"] = hits_arrays(
                adj, directed, adj_t, weighted=weighted, tol=opt["hits_tol"],
                max_iter=opt["hits_max_iter"])
        except ValueError as exc:
            out["hub"] = out["authority"] = _undefined("hits", exc, opt["on_undefined"], n)

    if wanted & {"in_coreness", "out_coreness", "coreness"}:
        loopless = without_loops(adj)
        if not directed:
            loopless_t = loopless
        elif loopless is adj and adj_t is not None:
            loopless_t = adj_t
        else:
            loopless_t = transpose(loopless)
        for column, mode in (("in_coreness", "in"), ("out_coreness", "out"), ("coreness", "all")):
            if column in wanted:
                out[column] = coreness_array(loopless, directed, mode, loopless_t)

    clustering_columns = tuple(c for c in ("clustering", "clustering_onnela", "clustering_barrat")
                               if c in wanted)
    want_holes = bool(wanted & {"constraint", "effective_size"})
    if clustering_columns or want_holes:
        skel = skeleton(adj, symmetric=not directed)
        values = {}
        if clustering_columns:
            values.update(clustering_edge_values(adj, directed, skel, clustering_columns))
        if want_holes:
            values.update(hole_edge_values(skel, weighted))
        sums = triangle_sums(skel, **values)
        if clustering_columns:
            out.update(clustering_arrays(adj, directed, skel, sums, clustering_columns))
        if want_holes:
            out.update(structural_hole_arrays(adj, skel, weighted=weighted, sums=sums))

    path_wanted = [m for m in _PATH if m in wanted]
    if path_wanted and opt["endpoints"] and "betweenness" in path_wanted:
        from ._paths import betweenness_values

        # the reach counts endpoints add come with the folded betweenness run
        out["betweenness"], _ = betweenness_values(graph, distance=opt["distance"],
                                                   normalized=opt["normalized"], endpoints=True)
        path_wanted.remove("betweenness")
    if path_wanted:
        from ._paths import path_measures

        out.update(path_measures(graph, path_wanted, distance=opt["distance"],
                                 normalized=opt["normalized"], wf_improved=opt["wf_improved"]))

    return pd.DataFrame({c: np.asarray(out[c], dtype=np.float64) for c in columns},
                        index=graph.node_ids.copy())
