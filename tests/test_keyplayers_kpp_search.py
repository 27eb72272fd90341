"""The key-player search against brute force on small graphs of several
families (rings, lattices, trees, random graphs, barbells, forum-like):
the optimum of fragmentation, and stated factors for distance-weighted
fragmentation and reach; plateaus (every single swap leaves F at 0) are
crossed."""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.keyplayers._undirected import undirected as _structure
from netanalysis.keyplayers.kpp import (
    _DistanceFragmentation,
    _Fragmentation,
    _Reach,
    key_player_score,
    key_player_set,
)


def _from_nx(g: nx.Graph) -> InteractionGraph:
    g = nx.convert_node_labels_to_integers(g)
    n = g.number_of_nodes()
    rows = [u for u, v in g.edges]
    cols = [v for u, v in g.edges]
    adj = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return InteractionGraph(adj + adj.T, list(range(n)), directed=False)


def _forum_like(seed: int) -> nx.Graph:
    """Three groups of regulars (relaxed caves) and one-off posters who
    replied to a single regular."""
    rng = np.random.default_rng(seed)
    g = nx.relaxed_caveman_graph(3, 4, 0.2, seed=seed)
    base = g.number_of_nodes()
    for i in range(4 + seed % 3):
        g.add_edge(base + i, int(rng.integers(0, base)))
    return g


def _families() -> list[tuple[str, nx.Graph]]:
    out = []
    for n in (12, 15, 18):
        for d in (2, 4):
            out.append((f"ring{n}_{d}", nx.watts_strogatz_graph(n, d, 0.0)))
    for s in range(6):
        out.append((f"smallworld{s}", nx.connected_watts_strogatz_graph(13 + s, 4, 0.2, seed=s)))
    out.append(("issue13", nx.connected_watts_strogatz_graph(18, 4, 0.2, seed=1)))
    for a, b in [(3, 4), (4, 4), (3, 6), (4, 5)]:
        out.append((f"grid{a}x{b}", nx.grid_2d_graph(a, b)))
    out.append(("triangular", nx.triangular_lattice_graph(2, 6)))
    out.append(("hexagonal", nx.hexagonal_lattice_graph(2, 2)))
    for s in range(5):
        out.append((f"tree{s}", nx.random_labeled_tree(13 + s, seed=s)))
    out.append(("binary_tree", nx.balanced_tree(2, 3)))
    for s in range(6):
        out.append((f"gnm{s}", nx.gnm_random_graph(13 + s % 4, 20 + 2 * s, seed=s)))
    for s in range(3):
        out.append((f"gnp{s}", nx.gnp_random_graph(15, 0.2, seed=10 + s)))
    for a, b in [(4, 1), (4, 3), (5, 2), (3, 4), (6, 0)]:
        out.append((f"barbell{a}_{b}", nx.barbell_graph(a, b)))
    for s in range(4):
        out.append((f"powerlaw{s}", nx.powerlaw_cluster_graph(15 + s, 2, 0.4, seed=s)))
    for s in range(3):
        out.append((f"ba{s}", nx.barabasi_albert_graph(14 + s, 1, seed=s)))
    for s in range(5):
        out.append((f"forum{s}", _forum_like(s)))
    return out


FAMILIES = _families()
KS = (2, 3)


def test_enough_graphs_of_every_family():
    assert len(FAMILIES) >= 50
    prefixes = {"ring", "smallworld", "grid", "tree", "gnm", "gnp", "barbell", "powerlaw", "forum"}
    assert all(any(name.startswith(p) for name, _ in FAMILIES) for p in prefixes)
    assert all(nx.number_of_nodes(g) <= 20 for _, g in FAMILIES)


def _objective(s, objective: str, m=None):
    if objective == "fragmentation":
        return _Fragmentation(s)
    if objective == "reach":
        return _Reach(s, m)
    return _DistanceFragmentation(s, np.arange(s.n, dtype=np.int64), None)


_OPTIMA: dict = {}


def _optimum(name, g, objective, m, k) -> float:
    """The best value over all k-sets (the library's exact objective, which
    tests/test_keyplayers_kpp.py checks against networkx)."""
    key = (name, objective, m, k)
    if key not in _OPTIMA:
        ig = _from_nx(g)
        obj = _objective(_structure(ig), objective, m)
        _OPTIMA[key] = max(obj.value(list(c)) for c in itertools.combinations(range(ig.n_nodes), k))
    return _OPTIMA[key]


def test_the_plateau_of_issue_13_is_crossed():
    g = _from_nx(nx.connected_watts_strogatz_graph(18, 4, 0.2, seed=1))
    res = key_player_set(g, 3, "fragmentation")
    assert res.value == pytest.approx(2 / 15)  # the optimum
    assert key_player_score(g, list(res.members))[0] == pytest.approx(res.value)
    # without restarts, the lookahead tie-break and pair moves cross it too
    assert key_player_set(g, 3, "fragmentation", n_restarts=0).value == pytest.approx(2 / 15)
    # the old search (no tie-break, no pair moves, no restarts) stalls at 0
    stalled = key_player_set(g, 3, "fragmentation", n_restarts=0, pair_moves=False, tie_break=False)
    assert stalled.value == 0.0


@pytest.mark.parametrize("name,g", FAMILIES, ids=[name for name, _ in FAMILIES])
def test_fragmentation_reaches_the_optimum(name, g):
    ig = _from_nx(g)
    for k in KS:
        res = key_player_set(ig, k, "fragmentation", seed=0)
        assert res.value == pytest.approx(_optimum(name, g, "fragmentation", None, k), abs=1e-12), k
        assert key_player_score(ig, list(res.members))[0] == pytest.approx(res.value, abs=1e-12)


# Stated factors for the default search on graphs of at most 200 members
# (restarts, pair moves where cheap). On these families the search reaches
# the optimum; the tests allow 2 % below it.
FACTOR = 0.98


@pytest.mark.parametrize("objective,m", [("distance_fragmentation", None), ("reach", None), ("reach", 2)])
def test_distance_fragmentation_and_reach_within_factor(objective, m):
    reached = 0
    for name, g in FAMILIES:
        ig = _from_nx(g)
        for k in KS:
            best = _optimum(name, g, objective, m, k)
            res = key_player_set(ig, k, objective, m=m, seed=0)
            assert res.value >= FACTOR * best - 1e-12, (name, k, res.value, best)
            reached += res.value >= best - 1e-12
    assert reached >= 0.95 * len(FAMILIES) * len(KS)


def test_without_restarts_reach_keeps_the_greedy_bound():
    """Without restarts or pair moves (the default beyond 200 members), n DR
    + k (and n m-reach + k) is monotone submodular, so greedy and swaps keep
    at least 1 - 1/e of its optimum."""
    bound = 1 - 1 / np.e
    for name, g in FAMILIES[::3]:
        ig = _from_nx(g)
        n = ig.n_nodes
        for m in (None, 1):
            for k in KS:
                best = _optimum(name, g, "reach", m, k)
                res = key_player_set(ig, k, "reach", m=m, n_restarts=0, pair_moves=False)
                assert n * res.value + k >= bound * (n * best + k) - 1e-9


def test_deterministic_for_a_seed_and_seed_changes_only_restarts():
    g = _from_nx(nx.connected_watts_strogatz_graph(40, 4, 0.1, seed=3))
    a = key_player_set(g, 4, "fragmentation", seed=5)
    b = key_player_set(g, 4, "fragmentation", seed=5)
    assert list(a.members) == list(b.members) and a.value == b.value and a.params == b.params
    assert a.params["n_restarts"] == 8 and a.params["tie_break"] == "lookahead"
    c = key_player_set(g, 4, "fragmentation", seed=6)
    assert c.value >= a.value - 0.05  # both good; not necessarily the same set


def test_moves_never_lose_and_params_record_the_search():
    g = _from_nx(nx.grid_2d_graph(5, 6))
    res = key_player_set(g, 3, "fragmentation", n_restarts=0)
    assert res.params["pair_moves"] is True and res.params["best_run"] == 0
    assert res.value >= res.comparison["value"].max() - 1e-12
    off = key_player_set(g, 3, "fragmentation", n_restarts=0, pair_moves=False, tie_break=False)
    assert off.params["pair_moves"] is False and off.params["tie_break"] is None
    assert res.value >= off.value
    # m-reach breaks its (frequent) ties by distance-weighted reach
    assert key_player_set(g, 2, "reach", m=1).params["tie_break"] == "reach"
    assert key_player_set(g, 2, "reach").params["tie_break"] is None
