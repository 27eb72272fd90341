"""Converting interaction graphs to and from networkx, igraph and edge lists.

Conventions shared by every converter:

* Node ids are kept as they are (integers or strings), in node order; nodes
  without edges are kept.
* Weights are kept exactly (as float64 on the netanalysis side). An
  :class:`InteractionGraph` weight is a strength (a count of interactions)
  and the adjacency stores no zeros, so an edge of weight 0 cannot be kept
  as a tie: the ``from_`` functions refuse it (``ValueError`` naming the
  edge) unless ``zero_weights="drop"`` leaves such edges out. (Stored zeros
  would make a "tie" that counts as an edge for the unweighted measures and
  as nothing, or as an infinite length, for the weighted ones.) Pass
  ``weight=None`` to keep every edge with weight 1.
* A directed graph maps to a directed graph, an undirected one to an
  undirected one. Parallel edges (multigraphs, repeated rows of an edge list)
  are summed into one edge by default, because an :class:`InteractionGraph`
  weight is a count of interactions. ``multiedges="min"`` keeps the smallest
  of their weights instead and ``"max"`` the largest: networkx's shortest
  paths on a multigraph take the shortest parallel edge, which is the one of
  smallest weight when weights are lengths (``distance=lambda w: w`` in the
  path measures) and of largest weight when lengths are ``1 / weight``
  (``distance="inverse"``).
* ``to_networkx`` and ``to_igraph`` store the graph's ``kind``, weight
  meaning and ``meta`` as graph attributes, and the ``from_`` functions read
  them back, so that a round trip returns an equal graph.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import scipy.sparse as sp

from .interaction_graph import InteractionGraph

__all__ = ["to_networkx", "to_igraph", "from_networkx", "from_igraph", "from_edgelist"]

#: Graph-attribute names under which the converters store the graph's description.
KIND_ATTR = "kind"
MEANING_ATTR = "weight_meaning"
META_ATTR = "meta"


def _edge_arrays(graph: InteractionGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source, target and weight of each edge; an undirected edge once (row <= col)."""
    coo = graph.adjacency.tocoo()
    row, col, w = coo.row, coo.col, coo.data
    if not graph.directed:
        keep = row <= col
        row, col, w = row[keep], col[keep], w[keep]
    return row.astype(np.int64), col.astype(np.int64), np.asarray(w, dtype=np.float64)


def _ids_as_python(ids: pd.Index) -> list:
    """The ids as plain Python objects (int, str), the keys other libraries expect."""
    return ids.tolist()


ZERO_WEIGHTS = ("raise", "drop")
MULTIEDGES = ("sum", "min", "max")


def _combine_parallel(src, tgt, w, n: int, directed: bool, how: str):
    """One edge per node pair (per unordered pair if undirected), its weight
    the smallest (``how="min"``) or largest (``"max"``) of the pair's edges,
    in order of first appearance."""
    if not len(src):
        return src, tgt, w
    a, b = (src, tgt) if directed else (np.minimum(src, tgt), np.maximum(src, tgt))
    keys, first, inverse = np.unique(a * np.int64(n) + b, return_index=True, return_inverse=True)
    combined = np.full(len(keys), np.inf if how == "min" else -np.inf)
    (np.minimum if how == "min" else np.maximum).at(combined, inverse, w)
    order = np.argsort(first, kind="stable")
    return src[first[order]], tgt[first[order]], combined[order]


def _assemble(src, tgt, w, node_ids, directed: bool, kind: str, meaning: str, meta,
              zero_weights: str = "raise", multiedges: str = "sum") -> InteractionGraph:
    """An InteractionGraph from integer edge endpoints (duplicates summed, or
    combined by ``multiedges``).

    Edges of weight exactly 0 raise ``ValueError`` (``zero_weights="raise"``)
    or are left out (``"drop"``); see the module notes."""
    if zero_weights not in ZERO_WEIGHTS:
        raise ValueError(f"zero_weights must be one of {ZERO_WEIGHTS}, not {zero_weights!r}")
    if multiedges not in MULTIEDGES:
        raise ValueError(f"multiedges must be one of {MULTIEDGES}, not {multiedges!r}")
    n = len(node_ids)
    src = np.asarray(src, dtype=np.int64)
    tgt = np.asarray(tgt, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    if w.size and not np.all(np.isfinite(w)):
        raise ValueError("edge weights must be finite numbers (found NaN or infinity)")
    zero = w == 0
    if zero.any():
        if zero_weights == "raise":
            i = int(np.argmax(zero))
            raise ValueError(
                f"{int(zero.sum())} edges have weight 0 (the first: {node_ids[src[i]]!r} -> "
                f"{node_ids[tgt[i]]!r}); an InteractionGraph weight is a strength and stores no zeros, "
                "so such an edge would not be a tie. Pass zero_weights='drop' to leave these edges "
                "out, or weight=None to give every edge weight 1")
        keep = ~zero
        src, tgt, w = src[keep], tgt[keep], w[keep]
    if multiedges != "sum":
        src, tgt, w = _combine_parallel(src, tgt, w, n, directed, multiedges)
    if not directed:
        # Store both directions; a self-loop only once.
        off = src != tgt
        src, tgt, w = (np.concatenate([src, tgt[off]]), np.concatenate([tgt, src[off]]),
                       np.concatenate([w, w[off]]))
    adj = sp.coo_array((w, (src, tgt)), shape=(n, n)).tocsr()
    return InteractionGraph(adj, node_ids, directed=directed, kind=kind, weight=meaning, meta=meta)


# -- to other libraries ---------------------------------------------------------

def to_networkx(graph: InteractionGraph):
    """Convert an :class:`InteractionGraph` to a networkx graph.

    Parameters
    ----------
    graph : InteractionGraph

    Returns
    -------
    networkx.DiGraph or networkx.Graph
        Nodes are the member ids in node order (isolated nodes included);
        each edge has a float attribute ``weight``. The graph attributes
        ``kind``, ``weight_meaning`` and ``meta`` describe the graph.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = InteractionGraph(sp.csr_array([[0, 2, 0], [1, 0, 0], [0, 0, 0]]),
    ...                      ["ann", "bob", "cy"], kind="reply", weight="replies")
    >>> G = to_networkx(g)
    >>> list(G.nodes), sorted(G.edges(data="weight"))
    (['ann', 'bob', 'cy'], [('ann', 'bob', 2.0), ('bob', 'ann', 1.0)])
    >>> G.graph["kind"], G.graph["weight_meaning"]
    ('reply', 'replies')
    """
    import networkx as nx

    G = nx.DiGraph() if graph.directed else nx.Graph()
    G.graph.update({KIND_ATTR: graph.kind, MEANING_ATTR: graph.weight, META_ATTR: dict(graph.meta)})
    ids = _ids_as_python(graph.node_ids)
    G.add_nodes_from(ids)
    src, tgt, w = _edge_arrays(graph)
    G.add_weighted_edges_from(
        zip([ids[i] for i in src.tolist()], [ids[j] for j in tgt.tolist()], w.tolist())
    )
    return G


def to_igraph(graph: InteractionGraph):
    """Convert an :class:`InteractionGraph` to an igraph graph.

    Parameters
    ----------
    graph : InteractionGraph

    Returns
    -------
    igraph.Graph
        Vertex ``i`` is node ``i``; its attribute ``name`` is the member id.
        Each edge has a float attribute ``weight``. The graph attributes
        ``kind``, ``weight_meaning`` and ``meta`` describe the graph.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = InteractionGraph(sp.csr_array([[0, 2], [1, 0]]), [10, 20])
    >>> h = to_igraph(g)
    >>> h.vs["name"], h.get_edgelist(), h.es["weight"]
    ([10, 20], [(0, 1), (1, 0)], [2.0, 1.0])
    """
    import igraph as ig

    src, tgt, w = _edge_arrays(graph)
    h = ig.Graph(n=graph.n_nodes, edges=np.column_stack([src, tgt]).tolist(), directed=graph.directed)
    h.vs["name"] = _ids_as_python(graph.node_ids)
    h.es["weight"] = w.tolist()
    h[KIND_ATTR] = graph.kind
    h[MEANING_ATTR] = graph.weight
    h[META_ATTR] = dict(graph.meta)
    return h


# -- from other libraries -------------------------------------------------------

def _description(attrs: dict, kind, meaning, default_kind: str) -> tuple[str, str, dict]:
    kind = kind if kind is not None else attrs.get(KIND_ATTR, default_kind)
    meaning = meaning if meaning is not None else attrs.get(MEANING_ATTR, "interactions")
    meta = dict(attrs.get(META_ATTR) or {})
    return str(kind), str(meaning), meta


def from_networkx(g, weight: str | None = "weight", *, kind: str | None = None,
                  meaning: str | None = None, zero_weights: str = "raise",
                  multiedges: str = "sum") -> InteractionGraph:
    """Convert a networkx graph to an :class:`InteractionGraph`.

    Parameters
    ----------
    g : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
        Node keys become the member ids, in ``g``'s node order; isolated
        nodes are kept.
    weight : str or None, default "weight"
        The edge attribute that holds the weight. An edge without it weighs
        1; with ``None`` every edge weighs 1. Parallel edges of a multigraph
        are combined by ``multiedges``.
    kind, meaning : str, optional
        The graph's kind and what its weights count; by default read from
        the graph attributes ``kind`` and ``weight_meaning`` (set by
        :func:`to_networkx`), else ``"networkx"`` and ``"interactions"``.
    zero_weights : {"raise", "drop"}, default "raise"
        What to do with an edge of weight exactly 0 (before parallel edges
        are summed): an :class:`InteractionGraph` stores no zero weights,
        so by default such an edge is refused with a ``ValueError`` naming
        it; ``"drop"`` leaves it out (its endpoints stay as nodes).
    multiedges : {"sum", "min", "max"}, default "sum"
        How parallel edges become one: their weights summed (a count of
        interactions), or the smallest or largest kept (networkx's rule for
        distances on multigraphs: the shortest parallel edge; see the
        module notes).

    Returns
    -------
    InteractionGraph
        Directed if ``g`` is directed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("ann", "bob", {"weight": 3})])
    >>> G.add_node("cy")
    >>> g = from_networkx(G)
    >>> g
    <InteractionGraph networkx: undirected, 3 nodes, 1 edges, weight = interactions>
    >>> g.edges()
      source target  weight
    0    ann    bob     3.0
    """
    ids = pd.Index(list(g.nodes))
    pos = {node: i for i, node in enumerate(g.nodes)}
    src, tgt, w = [], [], []
    for u, v, d in g.edges(data=True):
        src.append(pos[u])
        tgt.append(pos[v])
        w.append(1.0 if weight is None else d.get(weight, 1.0))
    kind, meaning, meta = _description(g.graph, kind, meaning, "networkx")
    return _assemble(src, tgt, np.asarray(w, dtype=np.float64), ids, g.is_directed(), kind, meaning, meta,
                     zero_weights, multiedges)


def from_igraph(g, weight: str | None = "weight", *, kind: str | None = None,
                meaning: str | None = None, zero_weights: str = "raise",
                multiedges: str = "sum") -> InteractionGraph:
    """Convert an igraph graph to an :class:`InteractionGraph`.

    Parameters
    ----------
    g : igraph.Graph
        The vertex attribute ``name`` gives the member ids (vertex indices
        ``0 .. n-1`` when absent); vertex order is kept, isolated vertices
        included.
    weight : str or None, default "weight"
        The edge attribute that holds the weight (every edge weighs 1 when
        the attribute is absent or ``weight`` is None). Multi-edges are
        combined by ``multiedges``.
    kind, meaning : str, optional
        As for :func:`from_networkx` (read from the graph attributes by
        default, else ``"igraph"`` and ``"interactions"``).
    zero_weights : {"raise", "drop"}, default "raise"
        What to do with an edge of weight exactly 0 (before multi-edges are
        summed): an :class:`InteractionGraph` stores no zero weights,
        so by default such an edge is refused with a ``ValueError`` naming
        it; ``"drop"`` leaves it out (its endpoints stay as nodes).
    multiedges : {"sum", "min", "max"}, default "sum"
        How parallel edges become one: their weights summed (a count of
        interactions), or the smallest or largest kept (networkx's rule for
        distances on multigraphs: the shortest parallel edge; see the
        module notes).

    Returns
    -------
    InteractionGraph

    Examples
    --------
    >>> import igraph as ig
    >>> h = ig.Graph(n=3, edges=[(0, 1), (0, 1), (2, 0)], directed=True)
    >>> h.vs["name"] = ["ann", "bob", "cy"]
    >>> g = from_igraph(h)
    >>> g.edges()
      source target  weight
    0    ann    bob     2.0
    1     cy    ann     1.0
    """
    if "name" in g.vs.attributes():
        ids = pd.Index(g.vs["name"])
    else:
        ids = pd.Index(np.arange(g.vcount(), dtype=np.int64))
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if weight is not None and weight in g.es.attributes():
        w = np.asarray(g.es[weight], dtype=np.float64)
    else:
        w = np.ones(len(edges), dtype=np.float64)
    attrs = {a: g[a] for a in g.attributes()}
    kind, meaning, meta = _description(attrs, kind, meaning, "igraph")
    return _assemble(edges[:, 0], edges[:, 1], w, ids, g.is_directed(), kind, meaning, meta, zero_weights,
                     multiedges)


def from_edgelist(df: pd.DataFrame, source: str = "source", target: str = "target",
                  weight: str | None = "weight", directed: bool = True, nodes=None, *,
                  kind: str = "edgelist", meaning: str = "interactions",
                  zero_weights: str = "raise", multiedges: str = "sum") -> InteractionGraph:
    """Build an :class:`InteractionGraph` from a table of edges.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per edge (or per interaction: repeated pairs are summed,
        or combined by ``multiedges``).
    source, target : str
        Columns of the endpoint ids.
    weight : str or None, default "weight"
        Column of the weights; ``None`` gives every row weight 1, so that
        the weight of an edge is the number of rows for it.
    directed : bool, default True
        If False, rows ``(a, b)`` and ``(b, a)`` add to the same edge.
    nodes : sequence, optional
        The node ids, in order. Gives nodes without edges; every endpoint
        must be among them. By default the endpoints in order of first
        appearance (row by row, source before target).
    kind, meaning : str
        The graph's kind and what its weights count.
    zero_weights : {"raise", "drop"}, default "raise"
        What to do with an edge of weight exactly 0 (before repeated rows
        are summed): an :class:`InteractionGraph` stores no zero weights,
        so by default such an edge is refused with a ``ValueError`` naming
        it; ``"drop"`` leaves it out (its endpoints stay as nodes).
    multiedges : {"sum", "min", "max"}, default "sum"
        How parallel edges become one: their weights summed (a count of
        interactions), or the smallest or largest kept (networkx's rule for
        distances on multigraphs: the shortest parallel edge; see the
        module notes).

    Returns
    -------
    InteractionGraph

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        An endpoint is missing (NA) or not in ``nodes``, or a weight is not
        finite, or is 0 with ``zero_weights="raise"``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "b"]})
    >>> g = from_edgelist(df, weight=None, nodes=["a", "b", "c"])
    >>> g.n_nodes, g.edges().to_dict("records")
    (3, [{'source': 'a', 'target': 'b', 'weight': 2.0}, {'source': 'b', 'target': 'a', 'weight': 1.0}])
    >>> from_edgelist(df, weight=None, directed=False).edges()
      source target  weight
    0      a      b     3.0

    Parallel edges of lengths 2 and 5: networkx's distance is the shorter.

    >>> df = pd.DataFrame({"source": ["a", "a"], "target": ["b", "b"], "weight": [2, 5]})
    >>> from_edgelist(df, multiedges="min").edges()
      source target  weight
    0      a      b     2.0
    """
    for col in (source, target) + ((weight,) if weight is not None else ()):
        if col not in df.columns:
            raise KeyError(f"edge list has no column {col!r}; columns are {list(df.columns)}")
    s, t = df[source], df[target]
    if s.isna().any() or t.isna().any():
        raise ValueError("edge list has missing endpoint ids")
    if nodes is None:
        both = pd.concat([s, t], ignore_index=True)
        row_by_row = np.arange(2 * len(df)).reshape(2, -1).T.ravel()
        ids = pd.Index(both.iloc[row_by_row].unique())
    else:
        ids = pd.Index(nodes)
        if not ids.is_unique:
            raise ValueError("nodes must be unique")
    src = ids.get_indexer(pd.Index(s))
    tgt = ids.get_indexer(pd.Index(t))
    unknown = (src < 0) | (tgt < 0)
    if unknown.any():
        bad = pd.concat([s[src < 0], t[tgt < 0]]).unique()[:5].tolist()
        raise ValueError(f"edge endpoints not in nodes: {bad}")
    w = np.ones(len(df)) if weight is None else pd.to_numeric(df[weight]).to_numpy(dtype=np.float64)
    return _assemble(src, tgt, w, ids, directed, kind, meaning, {}, zero_weights, multiedges)
