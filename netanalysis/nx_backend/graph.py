"""The backend's graph: a networkx graph converted once into integer edge
arrays, and the :class:`~netanalysis.graphs.InteractionGraph` views the
measures run on.

Conversion
----------
:func:`convert_from_nx` reads the graph once: the nodes in ``G``'s order
(node ``i`` of every array is ``list(G)[i]``, the order networkx itself uses
for its matrices and for ``k``-sampling), and one row per edge as
``G._adj`` lists it (an undirected edge in both directions, a self-loop once,
each parallel edge of a multigraph once), with the value of each edge
attribute the dispatcher asked for (``d.get(attr, default)``). Attribute
values that are not all real numbers are recorded as unusable, not refused:
a function that needs them raises ``NotImplementedError`` and networkx runs
(and raises what it raises for such weights).

networkx caches the converted graph in ``G.__networkx_cache__`` (when
``nx.config.cache_converted_graphs`` is true, the default) and empties that
cache whenever the graph is changed through its methods (``add_edge``,
``remove_node``, ``G.graph`` updates excepted); a graph whose edge data is
changed in place (``G[u][v]["weight"] = 3``) keeps a stale cache, as for any
networkx backend (networkx warns about it when it uses a cached graph).

The views
---------
:meth:`NetanalysisGraph.interaction` builds (once per weight, purpose and
multigraph rule, memoised on the converted graph) an ``InteractionGraph``
whose node ids are the positions ``0 .. n-1``. A weight is checked for the
purpose it serves:

* ``"length"`` (shortest paths; clustering, constraint, effective size):
  every value a positive finite number; parallel edges keep the smallest
  (networkx's shortest parallel edge).
* ``"linear"`` (PageRank, eigenvector, Katz, HITS): every value finite and
  non-negative; parallel edges are summed (networkx's ``to_scipy_sparse_array``)
  and edges of weight 0 left out, which changes no sum of these iterations.
* ``"count"``: every edge weighs 1 and parallel edges are summed (the
  multiplicity networkx's ``G.degree`` counts).
"""
from __future__ import annotations

from typing import Any

__all__ = ["NetanalysisGraph", "convert_from_nx", "convert_to_nx", "Unsupported"]


class Unsupported(NotImplementedError):
    """The backend does not compute this call exactly; networkx should.

    A ``NotImplementedError``, which networkx's dispatcher reads as "try the
    next backend" (networkx itself when ``fallback_to_nx`` is set or the
    call was dispatched automatically)."""


class NetanalysisGraph:
    """A networkx graph converted for the netanalysis backend.

    Parameters
    ----------
    nodes : list
        The node objects, in the networkx graph's order.
    src, tgt : numpy.ndarray of int64
        One row per edge as ``G._adj`` lists it (both directions of an
        undirected edge, a self-loop once, each parallel edge once).
    attrs : dict
        Edge attribute name -> float64 array aligned with ``src`` (or None
        when the values are not all real numbers).
    directed, multigraph : bool
    graph_attrs : dict, optional
        ``G.graph``, when the dispatcher asks to keep it.

    Notes
    -----
    networkx recognises a backend graph by ``__networkx_backend__``; the few
    methods networkx's decorators call on a graph before dispatching
    (``is_directed``, ``is_multigraph``, ``len``, ``in``) are defined, so a
    converted graph may also be passed to networkx functions directly.
    """

    __networkx_backend__ = "netanalysis"

    def __init__(self, nodes: list, src, tgt, attrs: dict, *, directed: bool, multigraph: bool,
                 graph_attrs: dict | None = None):
        import numpy as np

        self.nodes = nodes
        self.index = {v: i for i, v in enumerate(nodes)}
        self.src = np.asarray(src, dtype=np.int64)
        self.tgt = np.asarray(tgt, dtype=np.int64)
        self.attrs = attrs
        self.directed = bool(directed)
        self.multigraph = bool(multigraph)
        self.graph = dict(graph_attrs or {})
        self.has_selfloops = bool(len(self.src) and (self.src == self.tgt).any())
        self.__networkx_cache__: dict = {}
        self._views: dict = {}

    # -- what networkx's decorators ask of a graph ------------------------------
    def is_directed(self) -> bool:
        return self.directed

    def is_multigraph(self) -> bool:
        return self.multigraph

    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self):
        return iter(self.nodes)

    def __contains__(self, node) -> bool:
        try:
            return node in self.index
        except TypeError:
            return False

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        kind = ("Multi" if self.multigraph else "") + ("DiGraph" if self.directed else "Graph")
        return f"<NetanalysisGraph {kind}: {len(self.nodes)} nodes, {len(self.src)} adjacency rows>"

    # -- the views the measures run on ---------------------------------------------
    def weights(self, attr) -> "Any":
        """The float64 values of edge attribute ``attr`` aligned with the edge
        rows; raises :class:`Unsupported` when they were not converted or
        are not all real numbers."""
        if attr not in self.attrs:
            raise Unsupported(f"edge attribute {attr!r} was not converted")
        values = self.attrs[attr]
        if values is None:
            raise Unsupported(f"edge attribute {attr!r} holds values that are not real numbers")
        return values

    def interaction(self, attr=None, purpose: str = "count"):
        """An :class:`~netanalysis.graphs.InteractionGraph` of this graph
        (node ids the positions ``0 .. n-1``) for ``purpose`` (see the
        module notes), weighted by edge attribute ``attr`` (None: every edge
        weighs 1). Memoised.

        Raises
        ------
        Unsupported
            If the weights are not what ``purpose`` needs.
        """
        key = (attr, purpose)
        if key in self._views:
            return self._views[key]
        import numpy as np
        import pandas as pd
        import scipy.sparse as sp

        from ..graphs import InteractionGraph

        n = len(self.nodes)
        src, tgt = self.src, self.tgt
        if attr is None or purpose == "count":
            w = np.ones(len(src))
        else:
            w = self.weights(attr)
            if not np.all(np.isfinite(w)):
                raise Unsupported(f"edge attribute {attr!r} has NaN or infinite values")
            if purpose == "length":
                if (w <= 0).any():
                    raise Unsupported(f"edge attribute {attr!r} has values <= 0; as lengths "
                                      "networkx gives them meanings netanalysis does not compute")
            elif purpose == "linear":
                if (w < 0).any():
                    raise Unsupported(f"edge attribute {attr!r} has negative values")
                keep = w != 0
                src, tgt, w = src[keep], tgt[keep], w[keep]
            else:
                raise ValueError(f"unknown purpose {purpose!r}")
        if purpose == "length" and self.multigraph and attr is not None and len(src):
            # networkx's shortest parallel edge: the smallest value per pair
            # (per ordered pair; an undirected pair's two rows hold the same set)
            keys = src * np.int64(max(n, 1)) + tgt
            uniq, inverse = np.unique(keys, return_inverse=True)
            smallest = np.full(len(uniq), np.inf)
            np.minimum.at(smallest, inverse, w)
            src, tgt, w = uniq // max(n, 1), uniq % max(n, 1), smallest
        # duplicates (parallel edges) are summed by the constructor
        adj = sp.coo_array((w, (src, tgt)), shape=(n, n)).tocsr()
        graph = InteractionGraph(adj, pd.RangeIndex(n), directed=self.directed, kind="networkx",
                                 weight=str(attr) if attr is not None else "edges")
        self._views[key] = graph
        return graph


def _weight_array(values: list):
    """A float64 array of ``values`` if they are all real numbers
    (bool, int, float or numpy reals), else None."""
    import numpy as np

    try:
        arr = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        return None
    if arr.ndim != 1 or arr.dtype.kind not in "biuf":
        return None
    return arr.astype(np.float64)


def convert_from_nx(graph, *, edge_attrs=None, node_attrs=None, preserve_edge_attrs=False,
                    preserve_node_attrs=False, preserve_graph_attrs=False, name=None,
                    graph_name=None) -> NetanalysisGraph:
    """Convert a networkx graph (networkx's ``convert_from_nx`` protocol).

    Parameters
    ----------
    graph : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
    edge_attrs : dict or None
        Edge attribute name -> default for edges without it (networkx passes
        ``{weight: 1}`` for a function's ``weight`` argument).
    preserve_edge_attrs : bool
        Convert every edge attribute present on some edge (default 1 where
        absent is not assumed: edges without it get NaN, which no function
        accepts).
    node_attrs, preserve_node_attrs
        Not used (no function here reads node attributes).
    preserve_graph_attrs : bool
        Keep ``graph.graph``.
    name, graph_name : str
        The function and argument being converted (networkx passes them).

    Returns
    -------
    NetanalysisGraph
    """
    if isinstance(graph, NetanalysisGraph):
        return graph
    import networkx as nx

    if not isinstance(graph, nx.Graph):
        raise TypeError(f"netanalysis backend: expected a networkx graph for {graph_name!r} "
                        f"of {name!r}, not {type(graph).__name__}")
    nodes = list(graph)
    index = {v: i for i, v in enumerate(nodes)}
    multigraph = graph.is_multigraph()
    if preserve_edge_attrs:
        names: dict = {}
        for _, _, d in graph.edges(data=True):
            names.update(dict.fromkeys(d))
        wanted = {a: float("nan") for a in names}
    else:
        wanted = dict(edge_attrs or {})
    src: list = []
    tgt: list = []
    columns: dict = {a: [] for a in wanted}
    items = list(wanted.items())
    for u, nbrs in graph._adj.items():
        iu = index[u]
        for v, data in nbrs.items():
            iv = index[v]
            dicts = data.values() if multigraph else (data,)
            for d in dicts:
                src.append(iu)
                tgt.append(iv)
                for a, default in items:
                    columns[a].append(d.get(a, default))
    attrs = {a: _weight_array(vals) for a, vals in columns.items()}
    return NetanalysisGraph(nodes, src, tgt, attrs, directed=graph.is_directed(), multigraph=multigraph,
                            graph_attrs=graph.graph if preserve_graph_attrs else None)


def convert_to_nx(obj, *, name=None):
    """A result, or a converted graph, as networkx returns it.

    Results (dicts, tuples of dicts, floats) are returned unchanged: the
    functions already build them with the graph's node objects and Python
    floats. A :class:`NetanalysisGraph` becomes a networkx graph of its
    class with the converted edge attributes (for networkx's own functions
    when they receive a converted graph).
    """
    if not isinstance(obj, NetanalysisGraph):
        return obj
    import networkx as nx

    cls = {(False, False): nx.Graph, (True, False): nx.DiGraph,
           (False, True): nx.MultiGraph, (True, True): nx.MultiDiGraph}[(obj.directed, obj.multigraph)]
    G = cls()
    G.graph.update(obj.graph)
    G.add_nodes_from(obj.nodes)
    names = [a for a, v in obj.attrs.items() if v is not None]
    keep = obj.src <= obj.tgt if not obj.directed else slice(None)
    src, tgt = obj.src[keep].tolist(), obj.tgt[keep].tolist()
    values = [obj.attrs[a][keep].tolist() for a in names]
    nodes = obj.nodes
    # an undirected edge is listed in both directions: the row with i <= j
    # is each edge (each parallel edge, each self-loop) once
    for row, (i, j) in enumerate(zip(src, tgt)):
        G.add_edge(nodes[i], nodes[j], **{a: values[c][row] for c, a in enumerate(names)})
    return G
