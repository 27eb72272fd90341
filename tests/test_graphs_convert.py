"""Round trips between InteractionGraph and networkx, igraph and edge lists."""
import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import (
    InteractionGraph,
    from_edgelist,
    from_igraph,
    from_networkx,
    to_igraph,
    to_networkx,
)

STR_IDS = ["ann", "bob", "cy", "dan"]
INT_IDS = [40, 7, 1000000000123, 3]


def make(ids, directed: bool) -> InteractionGraph:
    # dan / 3 (the last node) is isolated; node 0 has a self-loop; weights are
    # not all whole numbers so that exactness is tested.
    dense = np.zeros((4, 4))
    dense[0, 1] = 2.0
    dense[1, 0] = 0.1
    dense[1, 2] = 1.0 / 3.0
    dense[0, 0] = 5.0
    if not directed:
        dense = dense + dense.T - np.diag(dense.diagonal())
    return InteractionGraph(sp.csr_array(dense), ids, directed=directed, kind="reply",
                            weight="replies", meta={"rule": "auto", "self_replies": 3})


def assert_same(a: InteractionGraph, b: InteractionGraph) -> None:
    assert list(a.node_ids) == list(b.node_ids)
    assert a.directed == b.directed
    assert (a.adjacency != b.adjacency).nnz == 0  # exact weights
    assert a.adjacency.nnz == b.adjacency.nnz


CASES = [(ids, directed) for ids in (STR_IDS, INT_IDS) for directed in (True, False)]


@pytest.mark.parametrize("ids,directed", CASES)
def test_networkx_round_trip(ids, directed):
    g = make(ids, directed)
    G = to_networkx(g)
    assert isinstance(G, nx.DiGraph if directed else nx.Graph)
    assert G.is_directed() == directed
    assert list(G.nodes) == ids  # isolated node kept, order kept
    assert G[ids[1]][ids[2]]["weight"] == 1.0 / 3.0
    assert G.number_of_edges() == g.n_edges
    back = from_networkx(G)
    assert_same(g, back)
    assert back.kind == "reply" and back.weight == "replies" and dict(back.meta) == dict(g.meta)
    assert back.node_ids.dtype == g.node_ids.dtype or ids is STR_IDS


@pytest.mark.parametrize("ids,directed", CASES)
def test_igraph_round_trip(ids, directed):
    g = make(ids, directed)
    h = to_igraph(g)
    assert h.is_directed() == directed and h.vcount() == 4
    assert h.vs["name"] == ids
    assert h.ecount() == g.n_edges
    assert sorted(h.es["weight"]) == sorted(g.edges()["weight"].tolist())
    back = from_igraph(h)
    assert_same(g, back)
    assert back.kind == "reply" and back.weight == "replies" and dict(back.meta) == dict(g.meta)


@pytest.mark.parametrize("ids,directed", CASES)
def test_edgelist_round_trip(ids, directed):
    g = make(ids, directed)
    back = from_edgelist(g.edges(), directed=directed, nodes=g.node_ids)
    assert_same(g, back)
    without_nodes = from_edgelist(g.edges(), directed=directed)
    assert list(without_nodes.node_ids) == ids[:3]  # the isolated node needs `nodes`


def test_from_networkx_multigraph_and_missing_weights():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", weight=2.5)
    G.add_edge("a", "b", weight=0.5)
    G.add_edge("b", "a")  # no weight: counts 1
    G.add_node("z")
    g = from_networkx(G)
    assert g.directed and list(g.node_ids) == ["a", "b", "z"]
    assert g.edges().to_dict("records") == [
        {"source": "a", "target": "b", "weight": 3.0}, {"source": "b", "target": "a", "weight": 1.0}]
    assert g.kind == "networkx"
    unweighted = from_networkx(G, weight=None)
    assert unweighted.adjacency[0, 1] == 2.0
    other = nx.Graph()
    other.add_edge(1, 2, strength=4)
    assert from_networkx(other, weight="strength").adjacency[0, 1] == 4.0


def test_from_igraph_without_names_and_multi_edges():
    h = ig.Graph(n=4, edges=[(0, 1), (1, 0), (2, 2)], directed=False)
    g = from_igraph(h)
    assert list(g.node_ids) == [0, 1, 2, 3] and not g.directed
    assert g.adjacency[0, 1] == 2.0 and g.adjacency[1, 0] == 2.0  # multi-edge summed
    assert g.adjacency[2, 2] == 1.0 and g.n_edges == 2
    assert g.kind == "igraph"


def test_from_edgelist_sums_and_orders():
    df = pd.DataFrame({"from": [3, 1, 3, 2], "to": [1, 3, 1, 2], "n": [1.0, 2.0, 4.0, 1.0]})
    g = from_edgelist(df, source="from", target="to", weight="n", kind="message", meaning="messages")
    assert list(g.node_ids) == [3, 1, 2]  # first appearance, source before target
    assert g.adjacency[0, 1] == 5.0 and g.adjacency[1, 0] == 2.0 and g.adjacency[2, 2] == 1.0
    assert g.kind == "message" and g.weight == "messages"
    u = from_edgelist(df, source="from", target="to", weight="n", directed=False)
    assert u.adjacency[0, 1] == 7.0 and u.adjacency[1, 0] == 7.0 and u.adjacency[2, 2] == 1.0
    counted = from_edgelist(df, source="from", target="to", weight=None)
    assert counted.adjacency[0, 1] == 2.0
    empty = from_edgelist(df.iloc[:0], source="from", target="to", weight="n", nodes=[1, 2])
    assert empty.n_nodes == 2 and empty.n_edges == 0


def test_from_edgelist_errors():
    df = pd.DataFrame({"source": ["a", "b"], "target": ["b", None], "weight": [1.0, 2.0]})
    with pytest.raises(ValueError, match="missing"):
        from_edgelist(df)
    with pytest.raises(KeyError):
        from_edgelist(df, weight="w")
    ok = df.iloc[:1]
    with pytest.raises(ValueError, match="not in nodes"):
        from_edgelist(ok, nodes=["a"])
    with pytest.raises(ValueError, match="unique"):
        from_edgelist(ok, nodes=["a", "b", "a"])
    with pytest.raises(ValueError):
        from_edgelist(ok.assign(weight=[np.nan]))
    with pytest.raises(ValueError):
        from_edgelist(ok.assign(weight=[-1.0]))


def test_interaction_graph_methods_use_converters():
    g = make(STR_IDS, True)
    assert_same(g, InteractionGraph.from_networkx(g.to_networkx()))
    assert_same(g, InteractionGraph.from_igraph(g.to_igraph()))
    assert_same(g, InteractionGraph.from_edgelist(g.edges(), nodes=g.node_ids))


def test_zero_weights_are_refused_or_dropped_on_request():
    """An InteractionGraph stores no zero weights: a weight-0 edge is refused
    with a message naming it, never dropped silently."""
    G = nx.Graph()
    G.add_edge("a", "b", weight=0)
    G.add_edge("b", "c", weight=2)
    with pytest.raises(ValueError, match=r"1 edges have weight 0 \(the first: 'a' -> 'b'\)"):
        from_networkx(G)
    dropped = from_networkx(G, zero_weights="drop")
    assert list(dropped.node_ids) == ["a", "b", "c"]
    assert dropped.edges().to_dict("records") == [{"source": "b", "target": "c", "weight": 2.0}]
    ones = from_networkx(G, weight=None)
    assert ones.adjacency.nnz == 4 and set(ones.adjacency.data) == {1.0}
    # a zero parallel edge beside a positive one is refused too (checked per edge)
    M = nx.MultiDiGraph([("a", "b", {"weight": 0}), ("a", "b", {"weight": 1})])
    with pytest.raises(ValueError, match="weight 0"):
        from_networkx(M)
    assert from_networkx(M, zero_weights="drop").adjacency.toarray().tolist() == [[0, 1], [0, 0]]
    with pytest.raises(ValueError, match="zero_weights"):
        from_networkx(G, zero_weights="keep")

    df = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "weight": [0.0, 1.0]})
    with pytest.raises(ValueError, match="weight 0"):
        from_edgelist(df)
    assert from_edgelist(df, zero_weights="drop").n_edges == 1
    h = ig.Graph(n=2, edges=[(0, 1)])
    h.es["weight"] = [0.0]
    with pytest.raises(ValueError, match="weight 0"):
        from_igraph(h)
    assert from_igraph(h, zero_weights="drop").adjacency.nnz == 0
