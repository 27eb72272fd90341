"""Path-based centrality (betweenness, closeness, harmonic): differential
tests against networkx and igraph, known values, reductions, and the
sampling guarantee of approximate betweenness."""
from __future__ import annotations

import math

import networkx as nx
import numba
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.measures import _paths, _traversal
from netanalysis.measures._paths import PATH_MEASURES, path_measures
from netanalysis.measures.approximate import (
    _bernstein_size,
    _binomial_upper,
    _length_matrix,
    _vertex_diameter_bound,
    approximate_betweenness,
)
from netanalysis.measures.betweenness import betweenness
from netanalysis.measures.closeness import closeness, harmonic
from netanalysis.graphs import InteractionGraph

RTOL = 1e-9
# Weights whose inverses (the "inverse" lengths) are exact binary fractions,
# so that sums of lengths along two tied paths are equal as floats in any
# order: ties are then decided the same way here and in networkx.
DYADIC = np.array([0.5, 1.0, 2.0, 4.0])


# ---------------------------------------------------------------------------
# graph generators and references


def random_graph(rng, directed: bool, shape: str) -> InteractionGraph:
    """A seeded random graph: ``"sparse"`` has many trees, chains, leaves
    and isolated nodes; ``"dense"`` is one or two tangled components with
    many tied shortest paths; ``"hubs"`` has heavy-tailed degrees and leaves
    hanging off hubs, like a reply graph."""
    n = int(rng.integers(3, 45))
    if shape == "sparse":
        m = int(rng.integers(1, n + 5))
        u, v = rng.integers(n, size=m), rng.integers(n, size=m)
    elif shape == "dense":
        m = int(rng.integers(n, 4 * n))
        u, v = rng.integers(n, size=m), rng.integers(n, size=m)
    else:
        pop = rng.pareto(1.0, n) + 1.0
        m = int(rng.integers(n, 3 * n))
        u = rng.integers(n, size=m)
        v = rng.choice(n, size=m, p=pop / pop.sum())
    w = rng.choice(DYADIC, size=len(u))
    _, first = np.unique(u * n + v, return_index=True)
    u, v, w = u[first], v[first], w[first]
    adj = sp.csr_array((w, (u, v)), shape=(n, n))
    if not directed:
        adj = adj.maximum(adj.T)
    return InteractionGraph(adj, [f"m{i}" for i in range(n)], directed=directed)


def to_nx(graph: InteractionGraph):
    """networkx twin built edge by edge, node i = position i, with
    ``length = 1 / weight``."""
    g = nx.DiGraph() if graph.directed else nx.Graph()
    g.add_nodes_from(range(graph.n_nodes))
    coo = graph.adjacency.tocoo()
    for a, b, w in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
        g.add_edge(a, b, weight=w, length=1.0 / w)
    return g


def nx_values(d: dict, n: int) -> np.ndarray:
    return np.array([d[i] for i in range(n)], dtype=np.float64)


def assert_close(actual, expected, what):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=1e-12, err_msg=what)


# ---------------------------------------------------------------------------
# differential tests: 8 batches x 30 graphs = 240 random graphs

BATCHES = [(d, s) for d in (True, False) for s in ("sparse", "dense", "hubs")] + [
    (True, "hubs"), (False, "sparse")
]


@pytest.mark.parametrize("batch", range(len(BATCHES)))
def test_against_networkx_random_graphs(batch):
    directed, shape = BATCHES[batch]
    rng = np.random.default_rng(1000 + batch)
    for trial in range(30):
        graph = random_graph(rng, directed, shape)
        g = to_nx(graph)
        n = graph.n_nodes
        for distance, attr in (("hops", None), ("inverse", "length")):
            what = f"batch {batch} trial {trial} {distance}"
            ref_b = nx_values(nx.betweenness_centrality(g, weight=attr), n)
            ref_b_raw = nx_values(nx.betweenness_centrality(g, weight=attr, normalized=False), n)
            ref_c = nx_values(nx.closeness_centrality(g, distance=attr), n)
            ref_h = nx_values(nx.harmonic_centrality(g, distance=attr), n)
            together = path_measures(graph, distance=distance)
            assert_close(together["betweenness"], ref_b, what + " betweenness (one pass)")
            assert_close(together["closeness"], ref_c, what + " closeness")
            assert_close(together["harmonic"], ref_h, what + " harmonic")
            pruned = path_measures(graph, ["betweenness"], distance=distance)
            assert_close(pruned["betweenness"], ref_b, what + " betweenness (pruned)")
            raw = path_measures(graph, ["betweenness"], distance=distance, normalized=False)
            assert_close(raw["betweenness"], ref_b_raw, what + " raw betweenness")


@pytest.mark.parametrize("directed", [True, False])
def test_relabelled_for_locality_against_networkx(monkeypatch, directed):
    """Large graphs are relabelled in breadth-first order before the
    traversals; force it on small ones and compare again."""
    monkeypatch.setattr(_paths, "_REORDER_MIN_NODES", 0)
    rng = np.random.default_rng(50 + directed)
    for trial in range(20):
        graph = random_graph(rng, directed, ("sparse", "dense", "hubs")[trial % 3])
        g = to_nx(graph)
        n = graph.n_nodes
        for distance, attr in (("hops", None), ("inverse", "length")):
            ref_b = nx_values(nx.betweenness_centrality(g, weight=attr), n)
            together = path_measures(graph, distance=distance)
            assert_close(together["betweenness"], ref_b, "betweenness (one pass)")
            assert_close(together["closeness"], nx_values(nx.closeness_centrality(g, distance=attr), n), "c")
            assert_close(together["harmonic"], nx_values(nx.harmonic_centrality(g, distance=attr), n), "h")
            assert_close(path_measures(graph, ["betweenness"], distance=distance)["betweenness"],
                         ref_b, "betweenness (pruned)")


@pytest.mark.parametrize("directed", [True, False])
def test_integer_lengths_with_many_ties(directed):
    """A callable distance (lengths = weights, small integers) gives many
    equal-length paths of different hop counts."""
    rng = np.random.default_rng(7 + directed)
    for trial in range(15):
        n = int(rng.integers(5, 40))
        m = int(rng.integers(n, 4 * n))
        u, v = rng.integers(n, size=m), rng.integers(n, size=m)
        w = rng.integers(1, 4, size=m).astype(float)
        _, first = np.unique(u * n + v, return_index=True)
        adj = sp.csr_array((w[first], (u[first], v[first])), shape=(n, n))
        if not directed:
            adj = adj.maximum(adj.T)
        graph = InteractionGraph(adj, range(n), directed=directed)
        g = to_nx(graph)
        got = path_measures(graph, distance=lambda x: x)
        pruned = path_measures(graph, ["betweenness"], distance=lambda x: x)
        assert_close(got["betweenness"], nx_values(nx.betweenness_centrality(g, weight="weight"), n), "b")
        assert_close(pruned["betweenness"], got["betweenness"], "pruned b")
        assert_close(got["closeness"], nx_values(nx.closeness_centrality(g, distance="weight"), n), "c")
        assert_close(got["harmonic"], nx_values(nx.harmonic_centrality(g, distance="weight"), n), "h")


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("distance", ["hops", "inverse"])
def test_against_igraph(directed, distance):
    ig = pytest.importorskip("igraph")
    rng = np.random.default_rng(99 + 2 * directed + (distance == "hops"))
    for trial in range(10):
        graph = random_graph(rng, directed, "hubs")
        coo = graph.adjacency.tocoo()
        keep = coo.row < coo.col if not directed else np.ones(coo.nnz, bool)
        g = ig.Graph(n=graph.n_nodes, edges=list(zip(coo.row[keep].tolist(), coo.col[keep].tolist())),
                     directed=directed)
        weights = (1.0 / coo.data[keep]).tolist() if distance == "inverse" else None
        ref = np.array(g.betweenness(directed=directed, weights=weights))
        got = betweenness(graph, distance=distance, normalized=False).to_numpy()
        assert_close(got, ref, f"igraph trial {trial}")


# ---------------------------------------------------------------------------
# known graphs


def from_nx(g, directed=False, weight=None) -> tuple[InteractionGraph, list]:
    nodes = list(g.nodes)
    adj = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=weight, format="csr")
    return InteractionGraph(adj, nodes, directed=directed), nodes


KNOWN = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "davis": nx.davis_southern_women_graph,
}


@pytest.mark.parametrize("name", sorted(KNOWN))
@pytest.mark.parametrize("weighted", [False, True])
def test_known_graphs_against_networkx(name, weighted):
    g = KNOWN[name]()
    if weighted:
        rng = np.random.default_rng(3)
        for a, b in g.edges:
            g[a][b]["weight"] = float(rng.choice(DYADIC))
    for a, b, data in g.edges(data=True):
        data["length"] = 1.0 / data.get("weight", 1.0)
    graph, nodes = from_nx(g, weight="weight" if weighted else None)
    distance, attr = ("inverse", "length") if weighted else ("hops", None)
    ref_b = nx.betweenness_centrality(g, weight=attr)
    ref_c = nx.closeness_centrality(g, distance=attr)
    ref_h = nx.harmonic_centrality(g, distance=attr)
    b = betweenness(graph, distance=distance)
    c = closeness(graph, distance=distance)
    h = harmonic(graph, distance=distance)
    assert_close(b.to_numpy(), [ref_b[v] for v in nodes], "betweenness")
    assert_close(c.to_numpy(), [ref_c[v] for v in nodes], "closeness")
    assert_close(h.to_numpy(), [ref_h[v] for v in nodes], "harmonic")


def test_published_values():
    """Values printed in the literature, to six decimals.

    * Florentine marriages (Padgett and Ansell 1993): the Medici have raw
      betweenness 47.5 and closeness 14/25 = 0.56 (e.g. Wasserman and Faust;
      statnet and networkx tutorials); the Pucci are isolated.
    * Zachary's karate club: normalised betweenness 0.437635 for the
      instructor (node 0) and 0.304075 for the administrator (node 33), as
      quoted in the networkx documentation and many tutorials.
    """
    flor, nodes = from_nx(nx.florentine_families_graph())
    raw = betweenness(flor, normalized=False)
    assert raw["Medici"] == pytest.approx(47.5, abs=1e-9)
    assert closeness(flor)["Medici"] == pytest.approx(0.56, abs=1e-9)
    karate, _ = from_nx(nx.karate_club_graph())
    b = betweenness(karate)
    assert round(b[0], 6) == 0.437635
    assert round(b[33], 6) == 0.304075


# ---------------------------------------------------------------------------
# reductions and conventions


def forum_like(rng, n, directed=True):
    act = rng.pareto(1.2, n) + 1
    pop = rng.pareto(1.1, n) + 1
    m = 3 * n
    u = rng.choice(n, size=m, p=act / act.sum())
    v = rng.choice(n, size=m, p=pop / pop.sum())
    lonely = rng.choice(n, size=n // 5, replace=False)
    ok = ~np.isin(u, lonely) & ~np.isin(v, lonely)
    u = np.concatenate([u[ok], lonely])
    v = np.concatenate([v[ok], rng.choice(n, size=len(lonely), p=pop / pop.sum())])
    _, first = np.unique(u * n + v, return_index=True)
    u, v = u[first], v[first]
    adj = sp.csr_array((rng.choice(DYADIC, size=len(u)), (u, v)), shape=(n, n))
    if not directed:
        adj = adj.maximum(adj.T)
    return InteractionGraph(adj, np.arange(n), directed=directed)


@pytest.mark.parametrize("directed", [True, False])
def test_direction_optimising_bfs_finds_the_same_distances(directed):
    """Every source of a reply-like graph (hubs: bottom-up levels are taken)
    and of a long path (never bottom-up): the same nodes at the same
    distances as the plain top-down BFS; closeness and harmonic as networkx."""
    rng = np.random.default_rng(41 + directed)
    graphs = [forum_like(rng, 400, directed), from_nx(nx.path_graph(300))[0]]
    for graph in graphs:
        mat, _ = _length_matrix(graph, "hops")
        indptr, indices, _ = _paths._kernel_arrays(mat, False)
        rindptr, rindices, _ = _paths._kernel_arrays(sp.csr_array(mat.T), False)
        n = graph.n_nodes
        d1, d2 = np.full(n, np.inf), np.full(n, np.inf)
        o1, o2, work = np.empty(n, np.int32), np.empty(n, np.int32), np.empty(n, np.int32)
        for s in range(n):
            c1 = _traversal._bfs_hops(indptr, indices, s, d1, o1)
            c2 = _traversal._bfs_hops_direction_optimising(indptr, indices, rindptr, rindices, s, d2, o2, work)
            assert c1 == c2 and np.array_equal(d1, d2)
            assert sorted(o1[:c1]) == sorted(o2[:c2])
            d1[:] = np.inf
            d2[:] = np.inf
    g = to_nx(graphs[0])
    expected = nx.closeness_centrality(g, wf_improved=True)  # incoming distances, as ours
    np.testing.assert_allclose(closeness(graphs[0]).to_numpy(),
                               [expected[i] for i in range(graphs[0].n_nodes)], rtol=1e-12)
    expected = nx.harmonic_centrality(g)
    np.testing.assert_allclose(harmonic(graphs[0]).to_numpy(),
                               [expected[i] for i in range(graphs[0].n_nodes)], rtol=1e-12)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("distance", ["hops", "inverse"])
def test_pruning_is_exact_on_reply_like_graphs(directed, distance):
    rng = np.random.default_rng(11)
    graph = forum_like(rng, 600, directed)
    pruned = betweenness(graph, distance=distance)
    full = betweenness(graph, distance=distance, prune=False)
    assert (pruned > 0).sum() > 50
    assert_close(pruned.to_numpy(), full.to_numpy(), "pruned vs full")


def test_chain_and_trees_fold_completely():
    """A path graph folds to one node; every value comes from the closed
    form and must equal networkx's."""
    for n in (1, 2, 3, 4, 7):
        g = nx.path_graph(n)
        graph, nodes = from_nx(g)
        ref = nx.betweenness_centrality(g)
        assert_close(betweenness(graph).to_numpy(), [ref[v] for v in nodes], f"path {n}")
    tree = nx.random_labeled_tree(60, seed=5)
    graph, nodes = from_nx(tree)
    ref = nx.betweenness_centrality(tree, normalized=False)
    assert_close(betweenness(graph, normalized=False).to_numpy(), [ref[v] for v in nodes], "tree")


def test_self_loops_and_isolated_nodes_are_ignored():
    adj = sp.csr_array(np.array([
        [1, 1, 0, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 3, 0],
        [0, 0, 0, 0, 0],
    ], dtype=float))
    graph = InteractionGraph(adj, list("abcde"))
    g = nx.DiGraph([(0, 1), (1, 2)])
    g.add_nodes_from(range(5))
    b = betweenness(graph)
    assert_close(b.to_numpy(), nx_values(nx.betweenness_centrality(g), 5), "b")
    assert_close(closeness(graph).to_numpy(), nx_values(nx.closeness_centrality(g), 5), "c")
    assert b["b"] > 0 and b["d"] == 0


def test_series_shape_names_and_options():
    rng = np.random.default_rng(4)
    graph = forum_like(rng, 80)
    for func, name in ((betweenness, "betweenness"), (closeness, "closeness"), (harmonic, "harmonic")):
        s = func(graph)
        assert isinstance(s, pd.Series) and s.name == name
        assert s.index.equals(graph.node_ids) and s.dtype == np.float64
    h = harmonic(graph)
    assert_close(harmonic(graph, normalized=True).to_numpy(), h.to_numpy() / 79, "harmonic normalised")
    ref = nx.closeness_centrality(to_nx(graph), wf_improved=False)
    assert_close(closeness(graph, wf_improved=False).to_numpy(), nx_values(ref, 80), "closeness no wf")
    subsets = [("closeness",), ("harmonic", "betweenness"), ()]
    full = path_measures(graph)
    for subset in subsets:
        got = path_measures(graph, subset)
        assert tuple(got) == subset
        for m in subset:
            assert_close(got[m], full[m], m)
    with pytest.raises(ValueError):
        path_measures(graph, ["pagerank"])
    with pytest.raises(ValueError):
        betweenness(graph, distance="log")
    empty = InteractionGraph(sp.csr_array((0, 0)), [])
    assert all(len(v) == 0 for v in path_measures(empty).values())
    assert PATH_MEASURES == ("betweenness", "closeness", "harmonic")


@pytest.mark.parametrize("distance", ["hops", "inverse"])
@pytest.mark.parametrize("directed", [True, False])
def test_parallel_kernels_match_serial_bit_for_bit(monkeypatch, distance, directed):
    rng = np.random.default_rng(5)
    graph = forum_like(rng, 300, directed)
    serial = path_measures(graph, distance=distance)
    serial_bc = betweenness(graph, distance=distance)
    monkeypatch.setattr(_traversal._path_kernel, "min_work", 0)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = path_measures(graph, distance=distance)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = path_measures(graph, distance=distance)
        many_bc = betweenness(graph, distance=distance)
    finally:
        numba.set_num_threads(before)
    for m in one:
        assert np.array_equal(one[m], many[m]), m
        assert np.array_equal(serial[m], many[m]), m
    assert serial_bc.equals(many_bc)


def test_kernels_cached_and_survive_missing_cache_location():
    """The kernels have an on-disk cache; a function whose source has no
    file (so no cache location) still compiles through the same decorator."""
    for kernel in (_traversal._path_chunk, _traversal._path_kernel.parallel,
                   _traversal._path_kernel.serial, _traversal._sample_chunk,
                   _traversal._sample_kernel.parallel, _traversal._sample_kernel.serial):
        assert type(kernel._cache).__name__ == "FunctionCache"
    namespace: dict = {}
    exec(compile("def twice(x):\n    return 2 * x\n", "<no file>", "exec"), namespace)
    twice = _traversal._jit()(namespace["twice"])
    assert twice(21) == 42
    assert type(twice._cache).__name__ == "NullCache"


# ---------------------------------------------------------------------------
# approximate betweenness


def true_vertex_diameter(graph: InteractionGraph) -> int:
    lengths = nx.all_pairs_shortest_path_length(to_nx(graph))
    return 1 + max(max(d.values()) for _, d in lengths)


@pytest.mark.parametrize("directed", [True, False])
def test_vertex_diameter_bound_is_an_upper_bound(directed):
    rng = np.random.default_rng(21 + directed)
    for trial in range(6):
        graph = forum_like(rng, int(rng.integers(100, 250)), directed)
        mat, weighted = _length_matrix(graph, "hops")
        bound = _vertex_diameter_bound(mat, weighted)
        truth = true_vertex_diameter(graph)
        assert truth <= bound <= graph.n_nodes
        mat_w, _ = _length_matrix(graph, "inverse")
        g = to_nx(graph)
        hops = max(len(p) for _, paths in nx.all_pairs_dijkstra_path(g, weight="length")
                   for p in paths.values())
        assert hops <= _vertex_diameter_bound(mat_w, True)
    # a long undirected path: the two-sweep bound is tight
    path, _ = from_nx(nx.path_graph(200))
    mat, _ = _length_matrix(path, "hops")
    assert _vertex_diameter_bound(mat, False) <= 2 * 100 + 1


@pytest.mark.parametrize("method", ["bernstein", "kadabra", "rk"])
def test_approximation_guarantee_over_seeds(method):
    """Max error over all members stays within epsilon in at least a
    1 - delta share of independent runs."""
    rng = np.random.default_rng(8)
    graph = forum_like(rng, 150)
    exact = betweenness(graph).to_numpy()
    epsilon, delta, runs = 0.03, 0.2, 40
    ok = 0
    for seed in range(runs):
        est = approximate_betweenness(graph, epsilon=epsilon, delta=delta, seed=seed,
                                      method=method)
        ok += np.max(np.abs(est.to_numpy() - exact)) <= epsilon
        assert est.attrs["method"] == method
        if method != "rk":
            assert est.attrs["samples"] <= est.attrs["max_samples"]
    assert ok >= (1 - delta) * runs
    # the member estimated highest is within 2 epsilon of the true maximum
    assert exact[graph.node_ids.get_loc(est.idxmax())] >= exact.max() - 2 * epsilon


@pytest.mark.parametrize("distance", ["hops", "inverse"])
def test_approximation_reproducible_and_thread_independent(monkeypatch, distance):
    rng = np.random.default_rng(9)
    graph = forum_like(rng, 200, directed=False)
    a = approximate_betweenness(graph, epsilon=0.05, seed=3, distance=distance)
    monkeypatch.setattr(_traversal._sample_kernel, "min_work", 0)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        b = approximate_betweenness(graph, epsilon=0.05, seed=3, distance=distance)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        b2 = approximate_betweenness(graph, epsilon=0.05, seed=3, distance=distance)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(b.to_numpy(), b2.to_numpy())
    c = approximate_betweenness(graph, epsilon=0.05, seed=4, distance=distance)
    assert np.array_equal(a.to_numpy(), b.to_numpy())
    assert not np.array_equal(a.to_numpy(), c.to_numpy())
    exact = betweenness(graph, distance=distance).to_numpy()
    assert np.max(np.abs(a.to_numpy() - exact)) <= 0.05
    assert a.attrs["samples"] > 0 and a.name == "approximate_betweenness"


def test_kadabra_stops_before_the_fixed_sample_size_when_values_are_small():
    """KADABRA's adaptive bound needs fewer samples than
    Riondato-Kornaropoulos when every betweenness is small (a random
    6-regular graph on 1,000 nodes: all values below 0.004)."""
    graph, _ = from_nx(nx.random_regular_graph(6, 1000, seed=0))
    ada = approximate_betweenness(graph, epsilon=0.02, seed=0)
    fixed = approximate_betweenness(graph, epsilon=0.02, seed=0, method="rk")
    assert ada.attrs["samples"] < 0.7 * fixed.attrs["samples"]
    assert ada.attrs["max_samples"] >= fixed.attrs["samples"]  # omega uses delta / 2
    exact = betweenness(graph).to_numpy()
    assert np.max(np.abs(ada.to_numpy() - exact)) <= 0.02
    with pytest.raises(ValueError, match="method"):
        approximate_betweenness(graph, method="exact")


def test_clopper_pearson_upper_bound_is_the_exact_binomial_quantile():
    from scipy.stats import binom
    size, alpha = 50, 0.01
    count = np.arange(size + 1)
    upper = _binomial_upper(count, size, alpha)
    # at the bound, seeing at most `count` successes has probability alpha
    inner = count < size
    np.testing.assert_allclose(binom.cdf(count[inner], size, upper[inner]), alpha, rtol=1e-8)
    assert upper[-1] == 1.0 and np.all(np.diff(upper) > 0)
    # coverage: over many binomial draws the bound is below p at most alpha of the time
    rng = np.random.default_rng(0)
    for p in (0.002, 0.05, 0.3):
        draws = rng.binomial(size, p, 20_000)
        assert np.mean(_binomial_upper(draws, size, 0.05) < p) <= 0.05 + 0.005


def test_bernstein_size_is_the_smallest_size_meeting_the_union_bound():
    eps, delta = 0.01, 0.05
    variance = np.array([0.2, 0.05, 0.001, 0.0])

    def failure(r):
        return (2 * np.exp(-r * eps**2 / (2 * variance + 2 * eps / 3))).sum()

    r = _bernstein_size(variance, eps, delta)
    assert failure(r) <= delta < failure(r - 1)
    # one node with the largest variance alone: the textbook Bernstein size
    single = _bernstein_size(np.array([0.25]), eps, delta)
    assert single == math.ceil((2 * 0.25 + 2 * eps / 3) * math.log(2 / delta) / eps**2)


def test_bernstein_needs_fewer_samples_than_kadabra_where_a_hub_carries_many_paths():
    """Two dense groups joined through one broker (betweenness about 0.5)
    and a few pendant chains: the two-phase sample is far smaller than
    KADABRA's and within epsilon; the first phase never enters the
    estimate."""
    g = nx.barbell_graph(30, 3)
    graph, _ = from_nx(g)
    exact = betweenness(graph).to_numpy()
    two = approximate_betweenness(graph, epsilon=0.02, seed=0)
    ada = approximate_betweenness(graph, epsilon=0.02, seed=0, method="kadabra")
    assert two.attrs["method"] == "bernstein"
    assert two.attrs["samples"] < 0.75 * ada.attrs["samples"]
    assert two.attrs["samples"] <= two.attrs["max_samples"]
    assert two.attrs["first_phase_samples"] == max(100, math.ceil(0.02 * two.attrs["max_samples"]))
    assert np.max(np.abs(two.to_numpy() - exact)) <= 0.02


def _path_share(graph: InteractionGraph, u, v) -> dict:
    """Expected share of uniformly drawn shortest u-v paths through each
    interior node: sigma_uw sigma_wv / sigma_uv."""
    paths = list(nx.all_shortest_paths(to_nx(graph), u, v))
    share: dict = {}
    for path in paths:
        for w in path[1:-1]:
            share[w] = share.get(w, 0) + 1 / len(paths)
    return share


@pytest.mark.parametrize("directed", [True, False])
def test_bidirectional_sampler_draws_paths_uniformly(directed):
    """For fixed pairs, the share of sampled paths through each node matches
    sigma_uw sigma_wv / sigma_uv (binomial tolerance of 5 standard
    deviations), both when the meeting edges are held and when they overflow
    into the second scan of the last level."""
    rng = np.random.default_rng(31 + directed)
    graph = forum_like(rng, 80, directed)
    mat, _ = _length_matrix(graph, "hops")
    indptr, indices, _ = _paths._kernel_arrays(mat, False)
    rev = sp.csr_array(mat.T)
    rev.sort_indices()
    rindptr, rindices, _ = _paths._kernel_arrays(rev, False)
    g = to_nx(graph)
    lengths = dict(nx.all_pairs_shortest_path_length(g))
    pairs = [(u, v) for u in range(graph.n_nodes) for v, d in lengths[u].items()
             if d >= 3 and len(list(nx.all_shortest_paths(g, u, v))) > 1]
    assert pairs
    n, draws = graph.n_nodes, 4000
    for capacity in (1024, 1):
        for u, v in [pairs[i] for i in rng.choice(len(pairs), 4, replace=False)]:
            level = np.zeros(n, np.int32)
            counts = np.zeros(n, np.int64)
            meet = (np.empty(capacity, np.int32), np.empty(capacity, np.int32),
                    np.empty(capacity))
            for k in range(draws):
                _traversal._bidirectional_sample(
                    indptr, indices, rindptr, rindices, u, v, level, np.zeros(n),
                    np.empty(n, np.int32), *meet, np.uint64(k * 7919 + 1), counts)
                assert not level.any()  # reset after every sample
            expected = _path_share(graph, u, v)
            for w in range(n):
                p = expected.get(w, 0.0)
                tol = 5 * math.sqrt(p * (1 - p) / draws) + 1e-12
                assert abs(counts[w] / draws - p) <= tol, (u, v, w, capacity)


def test_approximation_mean_is_unbiased():
    """Averaged over seeds, the estimate of each member tends to its exact
    value (the estimator is unbiased): the mean error is far below epsilon."""
    rng = np.random.default_rng(10)
    graph = forum_like(rng, 60)
    exact = betweenness(graph).to_numpy()
    runs = [approximate_betweenness(graph, epsilon=0.1, seed=s).to_numpy() for s in range(30)]
    assert np.max(np.abs(np.mean(runs, axis=0) - exact)) < 0.02


def test_top_k_and_raw_scale():
    rng = np.random.default_rng(12)
    graph = forum_like(rng, 120, directed=False)
    full = approximate_betweenness(graph, epsilon=0.05, seed=1)
    top = approximate_betweenness(graph, epsilon=0.05, seed=1, top_k=5)
    assert len(top) == 5 and top.is_monotonic_decreasing
    assert np.array_equal(top.to_numpy(), np.sort(full.to_numpy())[::-1][:5])
    assert full[top.index].equals(top)
    raw = approximate_betweenness(graph, epsilon=0.05, seed=1, normalized=False)
    n = graph.n_nodes
    assert_close(raw.to_numpy(), full.to_numpy() * (n - 1) * (n - 2) / 2, "raw scale")
    with pytest.raises(ValueError):
        approximate_betweenness(graph, epsilon=0)
    with pytest.raises(ValueError):
        approximate_betweenness(graph, top_k=0)
    tiny = InteractionGraph(sp.csr_array([[0, 1], [1, 0]]), ["a", "b"], directed=False)
    assert approximate_betweenness(tiny, seed=0).eq(0).all()
    assert math.isfinite(full.sum())
