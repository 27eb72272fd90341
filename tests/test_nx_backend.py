"""The networkx backend (netanalysis.nx_backend): dispatch reaches netanalysis,
results equal networkx's on random graphs, unsupported calls fall back to
networkx, the conversion is cached and invalidated, and nothing heavy is
imported early."""
from __future__ import annotations

import math
import random
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from netanalysis.nx_backend import interface
from netanalysis.nx_backend.graph import NetanalysisGraph, convert_from_nx, convert_to_nx

RTOL = 1e-9
ATOL = 1e-9
# Weights that are exact binary fractions: tied paths have equal float
# lengths in any order of summation, here and in networkx.
DYADIC = (0.5, 1.0, 2.0, 4.0)


@pytest.fixture(autouse=True)
def _quiet_cache_note():
    """networkx warns each time it reuses a cached conversion; the tests
    that look at the cache turn it back on."""
    added = "cache" not in nx.config.warnings_to_ignore
    nx.config.warnings_to_ignore.add("cache")
    yield
    if added:
        nx.config.warnings_to_ignore.discard("cache")


@pytest.fixture
def automatic():
    """networkx configured to dispatch every algorithm to netanalysis."""
    saved = list(nx.config.backend_priority.algos)
    nx.config.backend_priority.algos = ["netanalysis"]
    yield
    nx.config.backend_priority.algos = saved


def random_graph(seed: int, directed: bool, *, multigraph: bool = False, n: int | None = None):
    """A seeded random graph with leaves, isolated nodes and a tangled core,
    nodes labelled by strings and tuples (not positions), dyadic weights."""
    rng = random.Random(seed)
    n = rng.randint(8, 45) if n is None else n
    base = nx.gnp_random_graph(n, rng.uniform(1.5, 4.0) / n, seed=seed, directed=directed)
    label = {i: (f"m{i}" if i % 3 else ("t", i)) for i in base}
    cls = {(False, False): nx.Graph, (True, False): nx.DiGraph,
           (False, True): nx.MultiGraph, (True, True): nx.MultiDiGraph}[(directed, multigraph)]
    G = cls()
    G.add_nodes_from(label[i] for i in rng.sample(list(base), len(base)))  # node order != labels
    for u, v in base.edges():
        G.add_edge(label[u], label[v], weight=rng.choice(DYADIC))
        if multigraph and rng.random() < 0.3:
            G.add_edge(label[u], label[v], weight=rng.choice(DYADIC))
    for i in range(rng.randint(0, 4)):  # leaves
        G.add_edge(("leaf", i), label[rng.randrange(n)], weight=rng.choice(DYADIC))
    return G


def assert_same(got, ref, what=""):
    assert isinstance(got, dict) and isinstance(ref, dict), what
    assert list(got) == list(ref) or set(got) == set(ref), what
    keys = list(ref)
    a = np.array([got[k] for k in keys], dtype=float)
    b = np.array([ref[k] for k in keys], dtype=float)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=what)
    for k in keys:
        assert type(got[k]) in (float, int), (what, k, type(got[k]))


def run_both(func, G, **options):
    """networkx's own result and the backend's, the backend's checked to
    have been computed by netanalysis."""
    ref = func(G, **options)
    before = interface.CALLS[func.name]
    got = func(G, backend="netanalysis", **options)
    assert interface.CALLS[func.name] == before + 1, f"{func.name} did not run on netanalysis"
    return got, ref


SEEDS = range(6)

CASES = [
    (nx.betweenness_centrality, {}),
    (nx.betweenness_centrality, {"normalized": False}),
    (nx.betweenness_centrality, {"weight": "weight"}),
    (nx.betweenness_centrality, {"endpoints": True, "normalized": False}),
    (nx.betweenness_centrality, {"endpoints": True, "weight": "weight"}),
    (nx.closeness_centrality, {}),
    (nx.closeness_centrality, {"distance": "weight"}),
    (nx.closeness_centrality, {"wf_improved": False}),
    (nx.harmonic_centrality, {}),
    (nx.harmonic_centrality, {"distance": "weight"}),
    (nx.pagerank, {}),
    (nx.pagerank, {"weight": None, "alpha": 0.7}),
    (nx.pagerank, {"tol": 1e-10, "max_iter": 1000}),
    (nx.katz_centrality, {"alpha": 0.05}),
    (nx.katz_centrality, {"alpha": 0.02, "weight": "weight", "normalized": False}),
    (nx.core_number, {}),
    (nx.clustering, {}),
    (nx.clustering, {"weight": "weight"}),
    (nx.constraint, {}),
    (nx.constraint, {"weight": "weight"}),
    (nx.degree_centrality, {}),
]


def _name(case):
    func, options = case
    return func.name + "".join(f"-{k}={v}" for k, v in options.items())


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
@pytest.mark.parametrize("case", CASES, ids=[_name(c) for c in CASES])
def test_equals_networkx_on_random_graphs(case, directed):
    func, options = case
    for seed in SEEDS:
        G = random_graph(seed, directed)
        if func is nx.core_number:
            G.remove_edges_from(list(nx.selfloop_edges(G)))
        got, ref = run_both(func, G, **options)
        assert_same(got, ref, f"{func.name} {options} seed {seed}")
        assert list(got) == list(G) or func is nx.harmonic_centrality


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_eigenvector_and_hits_equal_networkx(directed):
    for seed in SEEDS:
        # a connected core with a cycle: both are defined, the top singular
        # value is simple
        G = random_graph(seed, directed, n=40)
        G.add_edges_from([("m1", "m2"), ("m2", "m4"), ("m4", "m1")], weight=1.0)
        for weight in (None, "weight"):
            got, ref = run_both(nx.eigenvector_centrality, G, weight=weight, max_iter=5000, tol=1e-12)
            assert_same(got, ref, f"eigenvector {weight} seed {seed}")
        (h, a), (h_ref, a_ref) = run_both(nx.hits, G, tol=1e-13, max_iter=10000)
        assert_same(h, h_ref, f"hubs seed {seed}")
        assert_same(a, a_ref, f"authorities seed {seed}")


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_multigraphs_follow_networkx_rules(directed):
    """Shortest parallel edge for the path measures, summed parallel edges
    for PageRank and HITS, every parallel edge for degrees."""
    parallel = 0
    for seed in SEEDS:
        G = random_graph(seed, directed, multigraph=True)
        parallel += G.number_of_edges() - (nx.DiGraph if directed else nx.Graph)(G).number_of_edges()
        for func, options in [(nx.betweenness_centrality, {"weight": "weight"}),
                              (nx.betweenness_centrality, {}),
                              (nx.closeness_centrality, {"distance": "weight"}),
                              (nx.harmonic_centrality, {"distance": "weight"}),
                              (nx.pagerank, {}), (nx.pagerank, {"weight": None}),
                              (nx.degree_centrality, {})]:
            got, ref = run_both(func, G, **options)
            assert_same(got, ref, f"{func.name} {options} seed {seed}")
    assert parallel > 0


def test_k_sampling_draws_networkx_sources_and_advances_the_seed_alike():
    for directed in (True, False):
        G = random_graph(3, directed, n=40)
        for k, endpoints in ((5, False), (12, True), (1, False), (len(G), False)):
            ref = nx.betweenness_centrality(G, k=k, seed=11, endpoints=endpoints, weight="weight")
            got = nx.betweenness_centrality(G, k=k, seed=11, endpoints=endpoints, weight="weight",
                                            backend="netanalysis")
            assert_same(got, ref, f"k={k}")
            r1, r2 = random.Random(5), random.Random(5)
            nx.betweenness_centrality(G, k=k, seed=r1)
            nx.betweenness_centrality(G, k=k, seed=r2, backend="netanalysis")
            assert r1.random() == r2.random()  # the same draws, k == n none


def test_subset_matches_networkx_with_repeats_and_unknown_targets():
    for directed in (True, False):
        for seed in SEEDS:
            G = random_graph(seed, directed)
            nodes = list(G)
            rng = random.Random(seed)
            sources = rng.sample(nodes, 4) + nodes[:1]  # a repeated source counts twice
            targets = rng.sample(nodes, 5) + ["not a node"]  # unknown targets are ignored
            for options in ({}, {"normalized": True}, {"weight": "weight"}):
                got, ref = run_both(nx.betweenness_centrality_subset, G, sources=sources,
                                    targets=targets, **options)
                assert_same(got, ref, f"subset {options} seed {seed}")


def test_node_subsets_as_networkx_returns_them():
    G = random_graph(2, False)
    some = list(G)[:5] + ["absent"]
    got, ref = run_both(nx.harmonic_centrality, G, nbunch=some)
    assert_same(got, ref)
    got, ref = run_both(nx.clustering, G, nodes=some)
    assert_same(got, ref)
    assert nx.clustering(G, list(G)[0], backend="netanalysis") == pytest.approx(
        nx.clustering(G, list(G)[0]), rel=RTOL, abs=ATOL)
    got, ref = run_both(nx.constraint, G, nodes=list(G)[2:7])
    assert_same(got, ref)
    assert list(got) == list(G)[2:7]
    for seed in SEEDS:  # directed: networkx's per-node path gives NaN without out-edges
        D = random_graph(seed, True)
        D.remove_edges_from(list(nx.selfloop_edges(D)))
        for weight in (None, "weight"):
            got, ref = run_both(nx.constraint, D, nodes=list(D), weight=weight)
            assert_same(got, ref, f"constraint directed {weight} seed {seed}")


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_effective_size_is_networkx_per_node_value(directed):
    """netanalysis computes Burt's effective size, networkx's ``nodes=``
    path; networkx 3.6's matrix path (nodes=None) normalises by the wrong
    node's maximum on directed or weighted graphs, so those calls stay with
    networkx and give networkx's own values."""
    for seed in SEEDS:
        G = random_graph(seed, directed)
        G.remove_edges_from(list(nx.selfloop_edges(G)))
        for weight in (None, "weight"):
            got, ref = run_both(nx.effective_size, G, nodes=list(G), weight=weight)
            assert_same(got, ref, f"weight {weight} seed {seed}")
            default_path_runs = not directed and weight is None
            verdict = interface.can_run("effective_size", (G,), {"weight": weight})
            assert (verdict is True) == default_path_runs, verdict
            if default_path_runs:
                got, ref = run_both(nx.effective_size, G)
                assert_same(got, ref)


def test_directed_betweenness_with_endpoints_and_no_leaf():
    """A directed graph without a leaf, endpoints counted (netanalysis's leaf
    folding fails there; the backend does not fold)."""
    for G in (nx.cycle_graph(6, create_using=nx.DiGraph), nx.complete_graph(5, nx.DiGraph)):
        for normalized in (True, False):
            got, ref = run_both(nx.betweenness_centrality, G, endpoints=True, normalized=normalized)
            assert_same(got, ref)


def test_tiny_and_empty_graphs():
    for G in (nx.Graph(), nx.DiGraph(), nx.empty_graph(1), nx.path_graph(2), nx.empty_graph(3)):
        for func in (nx.betweenness_centrality, nx.closeness_centrality, nx.harmonic_centrality,
                     nx.pagerank, nx.degree_centrality, nx.core_number, nx.clustering):
            assert_same(func(G, backend="netanalysis"), func(G), f"{func.name} {G}")
    assert nx.hits(nx.Graph(), backend="netanalysis") == ({}, {})
    assert nx.degree_centrality(nx.empty_graph(1), backend="netanalysis") == {0: 1}


# -- dispatch ----------------------------------------------------------------------

def test_automatic_dispatch_reaches_netanalysis(automatic):
    G = random_graph(1, True)
    for func in (nx.betweenness_centrality, nx.pagerank, nx.closeness_centrality, nx.core_number):
        if func is nx.core_number:
            G.remove_edges_from(list(nx.selfloop_edges(G)))
        before = interface.CALLS[func.name]
        result = func(G)
        assert interface.CALLS[func.name] == before + 1, func.name
        assert set(result) == set(G)


def test_networkx_runs_itself_without_configuration():
    assert "netanalysis" not in nx.config.backend_priority.algos
    G = random_graph(1, True)
    before = sum(interface.CALLS.values())
    nx.betweenness_centrality(G)
    nx.pagerank(G)
    assert sum(interface.CALLS.values()) == before


def test_backend_is_registered_with_networkx():
    info = nx.utils.backends.backend_info["netanalysis"]
    assert set(info["functions"]) == set(interface._FUNCTIONS)
    for name in info["functions"]:
        assert "netanalysis" in nx.utils.backends._registered_algorithms[name].backends, name
    assert "netanalysis" in nx.pagerank.__doc__  # networkx's "Backends" section


# -- falling back ------------------------------------------------------------------

UNSUPPORTED = [
    (nx.pagerank, lambda G: {"nstart": dict.fromkeys(G, 1.0)}, "nstart"),
    (nx.eigenvector_centrality, lambda G: {"nstart": dict.fromkeys(G, 1.0)}, "nstart"),
    (nx.katz_centrality, lambda G: {"nstart": dict.fromkeys(G, 0.0), "alpha": 0.01}, "nstart"),
    (nx.hits, lambda G: {"normalized": False}, "normalized"),
    (nx.closeness_centrality, lambda G: {"u": 1}, "u is given"),
    (nx.harmonic_centrality, lambda G: {"sources": [1, 2]}, "sources"),
    (nx.betweenness_centrality, lambda G: {"weight": lambda u, v, d: 1.0}, "callable"),
    (nx.betweenness_centrality, lambda G: {"k": 3, "seed": np.random.RandomState(0)}, "random.Random"),
    (nx.clustering, lambda G: {"nodes": iter([1, 2])}, "one-shot"),
]


@pytest.mark.parametrize("func, options, reason", UNSUPPORTED,
                         ids=[f"{f.name}-{r}" for f, _, r in UNSUPPORTED])
def test_unsupported_options_fall_back(func, options, reason, automatic):
    G = nx.convert_node_labels_to_integers(random_graph(4, True, n=30))
    G.add_edges_from([(1, 2), (2, 4), (4, 1)], weight=1.0)
    verdict = interface.can_run(func.name, (G,), options(G))
    assert isinstance(verdict, str) and reason in verdict, verdict
    computed, declined = interface.CALLS[func.name], interface.DECLINED[func.name]
    got = func(G, **options(G))  # automatic dispatch: networkx runs instead
    assert interface.CALLS[func.name] == computed
    assert interface.DECLINED[func.name] > declined
    nx.config.backend_priority.algos = []
    ref = func(G, **options(G))
    if isinstance(ref, tuple):
        for x, y in zip(got, ref):
            assert_same(x, y)
    elif isinstance(ref, dict):
        assert_same(got, ref)
    else:
        assert got == pytest.approx(ref)
    with pytest.raises(NotImplementedError):
        func(G, backend="netanalysis", **options(G))


@pytest.mark.parametrize("weights", [(0.0, 1.0), (-1.0, 2.0), (math.nan, 1.0), ("a", "b")],
                         ids=["zero", "negative", "nan", "text"])
def test_weights_netanalysis_does_not_compute_fall_back(weights, automatic):
    G = nx.DiGraph()
    nx.add_cycle(G, range(6), weight=1.0)
    G.add_edge(0, 3, weight=weights[0])
    G.add_edge(3, 5, weight=weights[1])
    for func, options in [(nx.betweenness_centrality, {"weight": "weight"}),
                          (nx.closeness_centrality, {"distance": "weight"}),
                          (nx.clustering, {"weight": "weight"})]:
        computed = interface.CALLS[func.name]
        try:
            nx.config.backend_priority.algos = []
            ref = func(G, **options)
        except Exception as exc:  # networkx's own error for such weights
            nx.config.backend_priority.algos = ["netanalysis"]
            with pytest.raises(type(exc)):
                func(G, **options)
        else:
            nx.config.backend_priority.algos = ["netanalysis"]
            assert_same(func(G, **options), ref, f"{func.name} {weights}")
        assert interface.CALLS[func.name] == computed, func.name
        assert interface.DECLINE_LOG[-1][0] == func.name  # declined, and said so
    # PageRank: a zero weight is no edge at all, which netanalysis computes
    if weights == (0.0, 1.0):
        before = interface.CALLS["pagerank"]
        got = nx.pagerank(G)
        assert interface.CALLS["pagerank"] == before + 1
        nx.config.backend_priority.algos = []
        assert_same(got, nx.pagerank(G))


def test_convergence_failure_is_networkx_error():
    G = random_graph(5, True, n=40)
    for func, options in [(nx.pagerank, {"max_iter": 2}), (nx.katz_centrality, {"alpha": 0.01, "max_iter": 2})]:
        with pytest.raises(nx.PowerIterationFailedConvergence):
            func(G, backend="netanalysis", **options)
        with pytest.raises(nx.PowerIterationFailedConvergence):
            func(G, **options)


def test_katz_alpha_above_the_bound_is_left_to_networkx(automatic):
    G = nx.complete_graph(6, nx.DiGraph)  # lambda_max = 5
    declined = interface.DECLINED["katz_centrality"]
    with pytest.raises(nx.PowerIterationFailedConvergence):
        nx.katz_centrality(G, alpha=0.5, max_iter=1000)
    assert interface.DECLINED["katz_centrality"] == declined + 1


# -- conversion and its cache ------------------------------------------------------

def test_conversion_is_cached_and_invalidated(monkeypatch, automatic):
    conversions = []
    real = interface.BackendInterface.convert_from_nx

    def counting(graph, **kwargs):
        conversions.append(kwargs.get("edge_attrs"))
        return real(graph, **kwargs)

    monkeypatch.setattr(interface.BackendInterface, "convert_from_nx", staticmethod(counting))
    G = nx.path_graph(6)
    first = nx.betweenness_centrality(G, weight="weight")
    nx.pagerank(G)
    nx.betweenness_centrality(G, weight="weight")
    assert len(conversions) == 1, conversions  # the weighted conversion serves both
    G.add_edge(5, 0)  # a method that changes G empties networkx's cache
    second = nx.betweenness_centrality(G, weight="weight")
    assert len(conversions) == 2
    assert second != first
    assert len(set(second.values())) == 1  # a cycle now: every node alike
    nx.config.backend_priority.algos = []
    assert_same(second, nx.betweenness_centrality(G, weight="weight"))


def test_round_trip_of_the_converted_graph():
    for directed in (True, False):
        for multigraph in (True, False):
            G = random_graph(7, directed, multigraph=multigraph)
            H = convert_from_nx(G, edge_attrs={"weight": 1})
            assert isinstance(H, NetanalysisGraph) and len(H) == len(G)
            back = convert_to_nx(H)
            assert type(back) is type(G)
            assert list(back) == list(G)
            assert sorted(map(repr, back.edges(data="weight"))) == sorted(map(repr, G.edges(data="weight")))
    assert convert_to_nx({"a": 1.0}) == {"a": 1.0}


def test_imports_stay_light():
    code = ("import sys, time\n"
            "import netanalysis\n"
            "assert 'netanalysis.nx_backend' not in sys.modules\n"
            "import networkx\n"  # reads the backend_info entry point
            "heavy = [m for m in ('numpy', 'scipy', 'numba', 'pandas') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "import netanalysis.nx_backend.interface\n"
            "assert 'numba' not in sys.modules, 'the interface imported numba'\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
