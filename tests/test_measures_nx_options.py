"""networkx's betweenness options, tested against networkx on random graphs:
``endpoints=True``, subsets of sources and targets
(``betweenness_centrality_subset``), the ``k``-source estimator with a seed,
and on multigraphs the shortest parallel edge as the distance."""
from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netanalysis.graphs.convert import from_edgelist, from_networkx
from netanalysis.measures.betweenness import betweenness

RTOL = 1e-9
# Weights that are exact binary fractions, so that tied paths have equal
# float lengths in any order of summation (here and in networkx).
DYADIC = np.array([0.5, 1.0, 2.0, 4.0])
WEIGHTINGS = ["hops", "lengths"]


def random_nx(seed: int, directed: bool, n: int | None = None):
    """A seeded random graph with leaves, chains and isolated nodes beside a
    tangled core; node i is the integer i; weights dyadic."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 40)) if n is None else n
    g = nx.gnp_random_graph(n, float(rng.uniform(1.0, 4.0)) / n, seed=seed, directed=directed)
    extra = int(rng.integers(0, 6))
    for i in range(extra):  # leaves hanging off random nodes
        g.add_edge(n + i, int(rng.integers(n)))
    for u, v in g.edges():
        g[u][v]["weight"] = float(rng.choice(DYADIC))
    return g


def ours(g, weighting: str, **options) -> np.ndarray:
    graph = from_networkx(g)
    distance = "hops" if weighting == "hops" else (lambda w: w)
    result = betweenness(graph, distance=distance, **options)
    assert list(result.index) == list(g.nodes)
    return result.to_numpy()


def nx_weight(weighting: str):
    return None if weighting == "hops" else "weight"


def values(d: dict, g) -> np.ndarray:
    return np.array([d[v] for v in g.nodes], dtype=np.float64)


# ---------------------------------------------------------------------------
# endpoints


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_endpoints_match_networkx(directed, weighting):
    for seed in range(12):
        g = random_nx(100 * directed + seed, directed)
        for normalized in (True, False):
            ref = values(nx.betweenness_centrality(g, normalized=normalized, endpoints=True,
                                                   weight=nx_weight(weighting)), g)
            for prune in (True, False):
                got = ours(g, weighting, normalized=normalized, endpoints=True, prune=prune)
                np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-12,
                                           err_msg=f"seed {seed} norm {normalized} prune {prune}")


@pytest.mark.parametrize("directed", [True, False])
def test_endpoints_on_tiny_and_empty_graphs(directed):
    for n in (1, 2, 3):
        g = nx.path_graph(n, create_using=nx.DiGraph if directed else nx.Graph)
        for normalized in (True, False):
            ref = values(nx.betweenness_centrality(g, normalized=normalized, endpoints=True), g)
            np.testing.assert_allclose(ours(g, "hops", normalized=normalized, endpoints=True),
                                       ref, rtol=RTOL)
    empty = nx.DiGraph() if directed else nx.Graph()
    assert len(betweenness(from_networkx(empty), endpoints=True)) == 0


def test_endpoints_on_a_graph_large_enough_to_be_relabelled():
    # >= 2000 nodes: the traversals run on a breadth-first relabelling
    g = nx.DiGraph(nx.gnm_random_graph(2100, 2600, seed=3, directed=True))
    ref = values(nx.betweenness_centrality(g, endpoints=True), g)
    np.testing.assert_allclose(ours(g, "hops", endpoints=True), ref, rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_panel_endpoints_match_networkx(directed, weighting):
    """The panel's ``endpoints`` option: betweenness as networkx's
    ``endpoints=True``, closeness and harmonic as without it."""
    from netanalysis.measures.panel import centrality

    distance = "hops" if weighting == "hops" else (lambda w: w)
    for seed in range(6):
        g = random_nx(300 + 100 * directed + seed, directed)
        graph = from_networkx(g)
        for normalized in (True, False):
            got = centrality(graph, ["paths"], distance=distance, normalized=normalized,
                             endpoints=True)
            ref = values(nx.betweenness_centrality(g, normalized=normalized, endpoints=True,
                                                   weight=nx_weight(weighting)), g)
            np.testing.assert_allclose(got["betweenness"].to_numpy(), ref, rtol=RTOL,
                                       atol=1e-12, err_msg=f"seed {seed} norm {normalized}")
            plain = centrality(graph, ["paths"], distance=distance, normalized=normalized)
            assert not np.allclose(got["betweenness"], plain["betweenness"])
            pd.testing.assert_frame_equal(got[["closeness", "harmonic"]],
                                          plain[["closeness", "harmonic"]])
            alone = centrality(graph, "betweenness", distance=distance, normalized=normalized,
                               endpoints=True)
            pd.testing.assert_series_equal(alone["betweenness"], got["betweenness"])


# ---------------------------------------------------------------------------
# sources and targets


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_subset_matches_networkx(directed, weighting):
    rng = np.random.default_rng(7 + directed)
    for seed in range(12):
        g = random_nx(200 + 10 * directed + seed, directed)
        nodes = list(g.nodes)
        sources = rng.choice(nodes, size=int(rng.integers(1, len(nodes) + 1)), replace=False).tolist()
        targets = rng.choice(nodes, size=int(rng.integers(1, len(nodes) + 1)), replace=False).tolist()
        for normalized in (True, False):
            ref = values(nx.betweenness_centrality_subset(
                g, sources, targets, normalized=normalized, weight=nx_weight(weighting)), g)
            got = ours(g, weighting, sources=sources, targets=targets, normalized=normalized)
            np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-12, err_msg=f"seed {seed}")


@pytest.mark.parametrize("directed", [True, False])
def test_subset_conventions(directed):
    g = random_nx(31, directed)
    nodes = list(g.nodes)
    full = ours(g, "hops")
    # all sources and all targets: the full value (networkx's design)
    np.testing.assert_allclose(ours(g, "hops", sources=nodes, targets=nodes), full, rtol=RTOL)
    np.testing.assert_allclose(ours(g, "hops", sources=nodes), full, rtol=RTOL)
    np.testing.assert_allclose(ours(g, "hops", targets=nodes), full, rtol=RTOL)
    # a source listed twice counts twice, a target once (as in networkx)
    src, tgt = nodes[:3] + nodes[:1], nodes[2:9] + nodes[2:3]
    ref = values(nx.betweenness_centrality_subset(g, src, tgt), g)
    np.testing.assert_allclose(ours(g, "hops", sources=src, targets=tgt, normalized=False), ref,
                               rtol=RTOL)
    # no sources or no targets: nothing
    assert not ours(g, "hops", sources=[]).any()
    assert not ours(g, "hops", targets=[]).any()
    with pytest.raises(KeyError):
        betweenness(from_networkx(g), sources=["nobody"])


def test_subset_on_a_graph_large_enough_to_be_relabelled():
    g = nx.gnm_random_graph(2100, 2600, seed=4)
    rng = np.random.default_rng(4)
    sources = rng.choice(2100, size=15, replace=False).tolist()
    targets = rng.choice(2100, size=400, replace=False).tolist()
    ref = values(nx.betweenness_centrality_subset(g, sources, targets), g)
    got = ours(g, "hops", sources=sources, targets=targets, normalized=False)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-15)


# ---------------------------------------------------------------------------
# k sampled sources


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_k_sources_match_networkx_for_the_same_seed(directed, weighting):
    for seed in range(10):
        g = random_nx(300 + 10 * directed + seed, directed)
        n = g.number_of_nodes()
        for k in sorted({2, max(2, n // 3), n - 1}):
            for normalized in (True, False):
                for endpoints in (False, True):
                    ref = values(nx.betweenness_centrality(
                        g, k=k, seed=seed, normalized=normalized, endpoints=endpoints,
                        weight=nx_weight(weighting)), g)
                    got = ours(g, weighting, k=k, seed=seed, normalized=normalized,
                               endpoints=endpoints)
                    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-12,
                                               err_msg=f"seed {seed} k {k}")


def test_k_sources_conventions():
    g = random_nx(5, False, n=30)
    graph = from_networkx(g)
    n = graph.n_nodes
    exact = betweenness(graph)
    # k = n is the exact value; the default seed is 0
    pd.testing.assert_series_equal(betweenness(graph, k=n, seed=9), exact)
    a = betweenness(graph, k=10)
    pd.testing.assert_series_equal(a, betweenness(graph, k=10, seed=0))
    assert a.attrs["sampled_sources"] == random.Random(0).sample(list(g.nodes), 10)
    assert not a.equals(betweenness(graph, k=10, seed=1))
    # a numpy Generator works too, reproducibly
    b1 = betweenness(graph, k=10, seed=np.random.default_rng(3))
    b2 = betweenness(graph, k=10, seed=np.random.default_rng(3))
    pd.testing.assert_series_equal(b1, b2)
    # k = 1 without endpoints: the one source has no estimate (NaN, as networkx)
    one = betweenness(graph, k=1, seed=2)
    ref = nx.betweenness_centrality(g, k=1, seed=2)
    src = one.attrs["sampled_sources"][0]
    assert np.isnan(one[src]) and np.isnan(ref[src])
    assert one.drop(src).notna().all()
    # the estimate is unbiased: its mean over seeds approaches the exact value
    mean = np.mean([betweenness(graph, k=8, seed=s).to_numpy() for s in range(300)], axis=0)
    assert np.abs(mean - exact.to_numpy()).max() < 0.02
    for bad in (0, n + 1, 2.5, True):
        with pytest.raises(ValueError):
            betweenness(graph, k=bad)
    with pytest.raises(ValueError):
        betweenness(graph, k=3, sources=[0])
    with pytest.raises(TypeError):
        betweenness(graph, k=3, seed="zero")


# ---------------------------------------------------------------------------
# multigraphs: the shortest parallel edge


def random_multigraph(seed: int, directed: bool):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 30))
    g = nx.MultiDiGraph() if directed else nx.MultiGraph()
    g.add_nodes_from(range(n))
    for _ in range(int(rng.integers(n, 3 * n))):
        u, v = (int(x) for x in rng.integers(n, size=2))
        if u != v:
            g.add_edge(u, v, weight=float(rng.choice(DYADIC)))
            if rng.random() < 0.4:  # a parallel edge (given as v-u half the time)
                a, b = (v, u) if rng.random() < 0.5 and not directed else (u, v)
                g.add_edge(a, b, weight=float(rng.choice(DYADIC)))
    return g


@pytest.mark.parametrize("directed", [True, False])
def test_multigraph_shortest_parallel_edge_matches_networkx(directed):
    for seed in range(12):
        g = random_multigraph(400 + 10 * directed + seed, directed)
        assert any(len(d) > 1 for _, nbrs in g.adjacency() for d in nbrs.values())
        # weights as lengths: the smallest parallel weight is the shortest
        ref = values(nx.betweenness_centrality(g, weight="weight"), g)
        got = betweenness(from_networkx(g, multiedges="min"), distance=lambda w: w)
        np.testing.assert_allclose(got.to_numpy(), ref, rtol=RTOL, atol=1e-12)
        # lengths 1 / weight: the largest parallel weight is the shortest
        def inverse(u, v, d):
            return min(1.0 / a["weight"] for a in d.values())
        ref = values(nx.betweenness_centrality(g, weight=inverse), g)
        got = betweenness(from_networkx(g, multiedges="max"), distance="inverse")
        np.testing.assert_allclose(got.to_numpy(), ref, rtol=RTOL, atol=1e-12)
        # summing (the default) is another graph: parallel weights add up
        summed = from_networkx(g)
        kept = from_networkx(g, multiedges="min")
        assert summed.adjacency.nnz == kept.adjacency.nnz
        assert summed.adjacency.sum() >= kept.adjacency.sum()


@pytest.mark.parametrize("directed", [True, False])
def test_multiedges_from_edge_lists(directed):
    g = random_multigraph(77, directed)
    df = pd.DataFrame([(u, v, d["weight"]) for u, v, d in g.edges(data=True)],
                      columns=["source", "target", "weight"])
    for how in ("min", "max"):
        a = from_edgelist(df, directed=directed, nodes=list(g.nodes), multiedges=how)
        b = from_networkx(g, multiedges=how)
        assert (a.adjacency != b.adjacency).nnz == 0
    simple = nx.DiGraph() if directed else nx.Graph()
    simple.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        if not simple.has_edge(u, v) or d["weight"] < simple[u][v]["weight"]:
            simple.add_edge(u, v, weight=d["weight"])
    expected = from_networkx(simple)
    got = from_edgelist(df, directed=directed, nodes=list(g.nodes), multiedges="min")
    assert (got.adjacency != expected.adjacency).nnz == 0
    with pytest.raises(ValueError, match="multiedges"):
        from_edgelist(df, multiedges="mean")
