"""Key-player sets: objective values against networkx brute force, and the
search against exhaustive enumeration of all k-sets on small graphs."""
from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.keyplayers._undirected import undirected as _structure
from netanalysis.keyplayers.kpp import (
    key_player_score,
    key_player_set,
    sample_size,
)


# ---------------------------------------------------------------------------
# graphs and brute-force objectives (networkx, independent of the library)


def _from_nx(g: nx.Graph, directed: bool = False) -> InteractionGraph:
    nodes = list(g.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    rows = [pos[u] for u, v in g.edges]
    cols = [pos[v] for u, v in g.edges]
    adj = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    if not directed:
        adj = adj + adj.T
    return InteractionGraph(adj, [f"u{v}" for v in nodes], directed=directed)


def _small_graphs():
    out = []
    for seed, (n, m) in enumerate([(10, 12), (11, 14), (12, 15), (12, 20), (10, 9), (12, 13)]):
        out.append((f"gnm{n}_{m}_s{seed}", nx.gnm_random_graph(n, m, seed=seed + 3)))
    out.append(("ba12", nx.barabasi_albert_graph(12, 1, seed=5)))
    out.append(("ba11_2", nx.barabasi_albert_graph(11, 2, seed=8)))
    g = nx.disjoint_union(nx.path_graph(5), nx.star_graph(5))  # two components, 11 nodes
    out.append(("path+star", g))
    out.append(("barbell", nx.barbell_graph(4, 2)))  # 10 nodes
    return out


SMALL = _small_graphs()


def _nx_fragmentation(g: nx.Graph, removed) -> float:
    h = g.copy()
    h.remove_nodes_from(removed)
    n = h.number_of_nodes()
    if n < 2:
        return 1.0
    pairs = sum(len(c) * (len(c) - 1) for c in nx.connected_components(h))
    return 1.0 - pairs / (n * (n - 1))


def _nx_distance_fragmentation(g: nx.Graph, removed) -> float:
    h = g.copy()
    h.remove_nodes_from(removed)
    n = h.number_of_nodes()
    if n < 2:
        return 1.0
    total = 0.0
    for u, dist in nx.all_pairs_shortest_path_length(h):
        total += sum(1.0 / d for v, d in dist.items() if v != u)
    return 1.0 - total / (n * (n - 1))


def _nx_reach(g: nx.Graph, members, m=None) -> float:
    n = g.number_of_nodes()
    best = {}
    for s in members:
        for v, d in nx.single_source_shortest_path_length(g, s).items():
            best[v] = min(best.get(v, np.inf), d)
    total = 0.0
    for v, d in best.items():
        if v in members:
            continue
        total += (1.0 / d) if m is None else float(d <= m)
    return total / n


def _nx_value(g, members, objective, m=None):
    if objective == "fragmentation":
        return _nx_fragmentation(g, members)
    if objective == "distance_fragmentation":
        return _nx_distance_fragmentation(g, members)
    return _nx_reach(g, members, m)


def _ids(members):
    return [f"u{v}" for v in members]


CASES = [("fragmentation", None), ("distance_fragmentation", None), ("reach", None), ("reach", 1),
         ("reach", 2)]


# ---------------------------------------------------------------------------
# objective values


@pytest.mark.parametrize("objective,m", CASES)
def test_score_matches_networkx(objective, m):
    rng = np.random.default_rng(11)
    for _, g in SMALL:
        nodes = list(g.nodes)
        for k in (1, 2, 3, len(nodes) - 1):
            members = [nodes[i] for i in rng.choice(len(nodes), size=k, replace=False)]
            value, error = key_player_score(_from_nx(g), _ids(members), objective, m=m)
            assert error == 0.0
            assert value == pytest.approx(_nx_value(g, members, objective, m), abs=1e-12)


def test_fragmentation_uses_remaining_nodes():
    # Borgatti's convention: n counts the remaining nodes. A star K_{1,4}
    # without its centre leaves 4 isolates: F = 1 exactly.
    g = _from_nx(nx.star_graph(4))
    assert key_player_score(g, ["u0"]) == (1.0, 0.0)
    # a leaf removed: 4 connected remaining nodes, F = 0 (with the original
    # n = 5 it would be 1 - 12/20 instead)
    assert key_player_score(g, ["u1"]) == (0.0, 0.0)


def test_directed_graph_is_measured_undirected():
    g = nx.gnm_random_graph(12, 16, seed=2, directed=True)
    directed = _from_nx(g, directed=True)
    und = g.to_undirected()
    for objective, m in CASES:
        value, _ = key_player_score(directed, ["u0", "u3"], objective, m=m)
        assert value == pytest.approx(_nx_value(und, [0, 3], objective, m), abs=1e-12)


def test_sampled_distance_fragmentation_within_bound():
    g = nx.barabasi_albert_graph(1000, 2, seed=4)
    ig = _from_nx(g)
    exact, err0 = key_player_score(ig, ["u0", "u1"], "distance_fragmentation", error=0.001)
    assert err0 == 0.0  # sample_size(0.001) > n: all sources
    assert exact == pytest.approx(_nx_distance_fragmentation(g, [0, 1]), abs=1e-12)
    est, err = key_player_score(ig, ["u0", "u1"], "distance_fragmentation", error=0.05, seed=3)
    # Hoeffding half-width for 738 pairs drawn among the remaining members
    assert err == pytest.approx(np.sqrt(np.log(40) / (2 * 738)), rel=1e-12)
    assert est != exact
    assert abs(est - exact) <= err
    again, _ = key_player_score(ig, ["u0", "u1"], "distance_fragmentation", error=0.05, seed=3)
    assert again == est


def test_score_rejects_bad_input():
    g = _from_nx(nx.path_graph(4))
    with pytest.raises(KeyError):
        key_player_score(g, ["nobody"])
    with pytest.raises(ValueError):
        key_player_score(g, ["u0"], "closeness")
    with pytest.raises(ValueError):
        key_player_score(g, ["u0"], "fragmentation", m=2)
    with pytest.raises(ValueError):
        key_player_score(g, ["u0", "u0"])


# ---------------------------------------------------------------------------
# the search against exhaustive enumeration


_VALUES: dict = {}


def _subset_values(name, g, objective, m=None):
    """networkx value of every set of 1 to 3 members, computed once."""
    key = (name, objective, m)
    if key not in _VALUES:
        _VALUES[key] = {
            frozenset(c): _nx_value(g, list(c), objective, m)
            for k in (1, 2, 3) for c in itertools.combinations(g.nodes, k)
        }
    return _VALUES[key]


def _bc_series(g, ig):
    # networkx betweenness passed in: these tests are about the search, and
    # the betweenness only seeds the comparison row.
    bc = nx.betweenness_centrality(g)
    return pd.Series([bc[v] for v in g.nodes], index=ig.node_ids)


@pytest.mark.parametrize("objective,m", CASES)
def test_search_finds_exhaustive_optimum(objective, m):
    for name, g in SMALL:
        ig = _from_nx(g)
        values = _subset_values(name, g, objective, m)
        bc = _bc_series(g, ig)
        for k in (1, 2, 3):
            res = key_player_set(ig, k, objective, seed=0, m=m, n_restarts=3, betweenness=bc)
            members = [int(x[1:]) for x in res.members]
            assert len(set(members)) == k
            assert res.value == pytest.approx(values[frozenset(members)], abs=1e-12)
            best = max(v for c, v in values.items() if len(c) == k)
            assert res.value == pytest.approx(best, abs=1e-12), (name, k)


@pytest.mark.parametrize("objective,m", CASES)
def test_greedy_and_swap_give_swap_optimum(objective, m):
    # The guarantee without restarts: k = 1 is globally optimal and every set
    # is a local optimum for single swaps.
    for name, g in SMALL:
        ig = _from_nx(g)
        values = _subset_values(name, g, objective, m)
        bc = _bc_series(g, ig)
        for k in (1, 2, 3):
            res = key_player_set(ig, k, objective, m=m, betweenness=bc)
            members = frozenset(int(x[1:]) for x in res.members)
            assert res.value == pytest.approx(values[members], abs=1e-12)
            for u in members:
                for v in set(g.nodes) - members:
                    assert values[members - {u} | {v}] <= res.value + 1e-12, (name, k, u, v)
            if k == 1:
                best = max(v for c, v in values.items() if len(c) == 1)
                assert res.value == pytest.approx(best, abs=1e-12)


def _optimum(g, k, objective, m=None):
    return max(_nx_value(g, list(c), objective, m) for c in itertools.combinations(g.nodes, k))


def test_greedy_beats_centrality_on_a_broker():
    # Two dense groups joined through one low-degree broker.
    g = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    g.add_edges_from([(0, 10), (10, 5)])
    ig = _from_nx(g)
    res = key_player_set(ig, 1)
    assert list(res.members) == ["u10"]
    assert res.comparison.loc["degree", "members"] == ["u0"]
    assert res.comparison.loc["degree", "value"] < res.value
    assert res.comparison.loc["keyplayer", "value"] == res.value


def test_result_profile_and_comparison():
    g = nx.barabasi_albert_graph(60, 1, seed=1)
    ig = _from_nx(g)
    res = key_player_set(ig, 4, seed=2)
    members = [int(x[1:]) for x in res.members]
    # the profile holds the value of each prefix of the order
    for i in range(1, 5):
        assert res.profile.iloc[i - 1] == pytest.approx(_nx_fragmentation(g, members[:i]))
    assert list(res.profile.index) == list(res.members)
    assert res.profile.iloc[-1] == pytest.approx(res.value)
    # the first member alone is the best single member
    assert res.profile.iloc[0] == pytest.approx(_optimum(g, 1, "fragmentation"))
    deg = sorted(g.nodes, key=lambda v: (-g.degree(v), v))[:4]
    assert res.comparison.loc["degree", "members"] == _ids(deg)
    assert res.comparison.loc["degree", "value"] == pytest.approx(_nx_fragmentation(g, deg))
    bc = nx.betweenness_centrality(g)
    top_bc = sorted(g.nodes, key=lambda v: (-round(bc[v], 12), v))[:4]
    assert res.comparison.loc["betweenness", "members"] == _ids(top_bc)
    assert res.value >= res.comparison["value"].max() - 1e-12


def test_precomputed_betweenness_is_used():
    g = _from_nx(nx.path_graph(7))
    fake = pd.Series(np.arange(7.0), index=g.node_ids)  # ranks u6 first
    res = key_player_set(g, 1, betweenness=fake)
    assert res.comparison.loc["betweenness", "members"] == ["u6"]
    assert res.comparison.loc["betweenness", "value"] == 0.0


def test_deterministic_given_seed():
    g = _from_nx(nx.gnm_random_graph(300, 600, seed=9))
    a = key_player_set(g, 5, "distance_fragmentation", seed=4, n_restarts=1, n_sources=40)
    b = key_player_set(g, 5, "distance_fragmentation", seed=4, n_restarts=1, n_sources=40)
    assert list(a.members) == list(b.members)
    assert a.value == b.value
    assert a.params["search_sources"] == 40 and a.params["pool"] < 300
    assert a.error == 0.0  # reported value exact for n <= sample_size(0.01)
    assert a.value == pytest.approx(_nx_distance_fragmentation(
        nx.gnm_random_graph(300, 600, seed=9), [int(x[1:]) for x in a.members]))


def test_k_bounds():
    g = _from_nx(nx.path_graph(4))
    with pytest.raises(ValueError):
        key_player_set(g, 0)
    with pytest.raises(ValueError):
        key_player_set(g, 4)
    res = key_player_set(g, 3)  # one node left: F = 1 by convention
    assert res.value == 1.0


def _comparison_graphs():
    import synthetic
    from netanalysis import reply_graph

    out = [_from_nx(nx.gnm_random_graph(250, 500, seed=1)),
           _from_nx(nx.barabasi_albert_graph(600, 2, seed=2)),
           _from_nx(nx.powerlaw_cluster_graph(300, 3, 0.3, seed=3))]
    forum, _ = synthetic.generate_forum("tiny", seed=0)
    out.append(reply_graph(forum))
    return out


@pytest.mark.parametrize("objective", ["fragmentation", "distance_fragmentation", "reach"])
def test_never_worse_than_comparison_sets(objective):
    # The swaps start from the best of the greedy, top-degree and
    # top-betweenness sets and the reported set is never worse than its
    # start, also when the search itself runs on a sample of sources.
    for ig in _comparison_graphs():
        res = key_player_set(ig, 6, objective, seed=1, n_sources=8)
        cmp = res.comparison["value"]
        assert res.value == cmp["keyplayer"]
        assert res.value >= cmp["degree"] and res.value >= cmp["betweenness"]
        # the reported figures are the values of the listed sets
        for label in ("degree", "betweenness"):
            assert key_player_score(ig, res.comparison.loc[label, "members"],
                                    objective)[0] == pytest.approx(cmp[label], abs=1e-12)


def test_incremental_harmonic_sums_match_direct_searches():
    from netanalysis.keyplayers import _kpp_kernels as kernels
    from netanalysis.keyplayers._undirected import undirected as _structure

    rng = np.random.default_rng(5)
    graphs = [nx.gnm_random_graph(40, 60, seed=1), nx.barabasi_albert_graph(40, 1, seed=2),
              nx.watts_strogatz_graph(40, 4, 0.1, seed=3),
              nx.convert_node_labels_to_integers(nx.grid_2d_graph(6, 7))]
    for g in graphs:
        s = _structure(_from_nx(g))
        n = s.n
        removed = np.zeros(n, dtype=bool)
        removed[rng.choice(n, size=3, replace=False)] = True
        every = np.arange(n, dtype=np.int64)
        direct = kernels._harmonic_matrix(s.indptr, s.indices, removed, every, every)
        drops = kernels._harmonic_drops(s.indptr, s.indices, removed, every, every)
        np.testing.assert_allclose(drops, direct, rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------
# sampled efficiency: distances of pairs, the pair sample, the bound


def _csr_pair(g: nx.Graph, n: int):
    """Out-edge and in-edge CSR arrays (int32) of a networkx graph on 0..n-1."""
    a = sp.csr_array(nx.to_scipy_sparse_array(g, nodelist=range(n), format="csr"))
    a.data[:] = 1.0
    rev = sp.csr_array(a.T)
    a.sort_indices()
    rev.sort_indices()
    return (a.indptr.astype(np.int32), a.indices.astype(np.int32),
            rev.indptr.astype(np.int32), rev.indices.astype(np.int32))


@pytest.mark.parametrize("directed", [False, True])
def test_pair_distances_match_networkx(directed):
    from netanalysis.keyplayers import _kpp_kernels as kernels

    rng = np.random.default_rng(11)
    n = 30
    graphs = [nx.gnm_random_graph(n, m, seed=s, directed=directed)
              for s, m in ((1, 25), (2, 45), (3, 90), (4, 200))]
    hubs = nx.barabasi_albert_graph(n, 2, seed=5)  # hubs and a long tail
    hubs.add_edges_from((i, i + 1) for i in range(20, 29))
    graphs.append(hubs.to_directed() if directed else hubs)
    s_all, t_all = (x.ravel() for x in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    unreachable = 0
    for g in graphs:
        removed = np.zeros(n, dtype=bool)
        removed[rng.choice(n, size=4, replace=False)] = True
        h = g.copy()
        h.remove_nodes_from(np.flatnonzero(removed).tolist())
        arrays = _csr_pair(g, n)
        if not directed:  # the undirected structure, as the library builds it
            s = _structure(_from_nx(g))
            assert (s.indptr == arrays[0]).all() and (s.indices == arrays[1]).all()
        got = kernels._pair_distances_kernel.serial(*arrays, removed, s_all, t_all, 16)
        assert (kernels._pair_distances_kernel.parallel(*arrays, removed, s_all, t_all, 3) == got).all()
        for k, (s_, t_) in enumerate(zip(s_all.tolist(), t_all.tolist())):
            if s_ == t_ or removed[s_] or removed[t_]:
                expected = -2  # not a pair of two distinct members present
            elif nx.has_path(h, s_, t_):
                expected = nx.shortest_path_length(h, s_, t_)
            else:
                expected = -1
                unreachable += 1
            assert got[k] == expected, (s_, t_)
    assert unreachable > 0


def test_pair_sample_is_uniform_over_present_pairs():
    from netanalysis.keyplayers._undirected import pair_sample as _pair_sample

    n = 40
    samples = [_pair_sample(n, 39, np.random.default_rng(seed)) for seed in range(600)]
    # 4 members left: nearly every slot rejects all its candidates and
    # falls back to a direct draw; 30 left: nearly none does
    for n_left in (4, 30):
        removed = np.ones(n, dtype=bool)
        removed[np.random.default_rng(n_left).choice(n, size=n_left, replace=False)] = False
        drawn = [sample.pairs(removed) for sample in samples]
        src = np.concatenate([p[0] for p in drawn])
        dst = np.concatenate([p[1] for p in drawn])
        assert not removed[src].any() and not removed[dst].any() and (src != dst).all()
        counts = np.zeros((n, n))
        np.add.at(counts, (src, dst), 1)
        cells = counts[np.ix_(~removed, ~removed)][~np.eye(n_left, dtype=bool)]
        expected = len(src) / len(cells)
        chi2 = ((cells - expected) ** 2 / expected).sum()
        dof = len(cells) - 1
        assert chi2 < dof + 6 * np.sqrt(2 * dof)  # ~6 standard deviations
    # a pair keeps its slot when its members stay
    few = np.zeros(n, dtype=bool)
    few[[0, 1]] = True
    a = samples[0].pairs(np.zeros(n, dtype=bool))
    b = samples[0].pairs(few)
    kept = ~np.isin(a[0], [0, 1]) & ~np.isin(a[1], [0, 1])
    assert (a[0][kept] == b[0][kept]).all() and (a[1][kept] == b[1][kept]).all()


def test_sampled_efficiency_within_hoeffding_bound():
    from netanalysis.keyplayers._undirected import efficiency as _efficiency
    from netanalysis.keyplayers._undirected import hoeffding_error as _hoeffding_error
    from netanalysis.keyplayers._undirected import pair_sample as _pair_sample

    g = nx.barabasi_albert_graph(400, 2, seed=6)
    g.add_edges_from([(400, 401), (401, 402)])  # unreachable pairs
    s = _structure(_from_nx(g))
    removed = np.zeros(s.n, dtype=bool)
    removed[[0, 1, 2, 57]] = True
    exact, err0 = _efficiency(s, removed, None)
    h = g.copy()
    h.remove_nodes_from([0, 1, 2, 57])
    assert exact == pytest.approx(nx.global_efficiency(h), abs=1e-12) and err0 == 0.0
    size = sample_size(0.1)  # 185 pairs < 399 members left: sampled
    estimates = []
    for seed in range(40):
        est, err = _efficiency(s, removed, _pair_sample(s.n, size, np.random.default_rng(seed)))
        assert err == pytest.approx(_hoeffding_error(size, 0.95), rel=1e-15)
        estimates.append(est)
    estimates = np.array(estimates)
    assert np.mean(np.abs(estimates - exact) <= err) >= 0.95
    # the 40 samples together: 7,400 independent pairs, Hoeffding at 99.9%
    assert abs(estimates.mean() - exact) <= _hoeffding_error(40 * size, 0.999)
    assert len(set(estimates.tolist())) > 30  # the samples do differ


def test_efficiency_exact_when_few_members_remain():
    from netanalysis.keyplayers._undirected import efficiency as _efficiency
    from netanalysis.keyplayers._undirected import pair_sample as _pair_sample

    g = nx.barabasi_albert_graph(300, 2, seed=7)
    s = _structure(_from_nx(g))
    sample = _pair_sample(s.n, 200, np.random.default_rng(0))
    removed = np.zeros(s.n, dtype=bool)
    removed[:100] = True  # 200 left: no more than the sample size
    value, err = _efficiency(s, removed, sample)
    assert err == 0.0
    assert value == pytest.approx(nx.global_efficiency(g.subgraph(range(100, 300))), abs=1e-12)
    removed[99] = False  # 201 left: sampled
    assert _efficiency(s, removed, sample)[1] > 0


def test_sampled_efficiency_same_bytes_for_any_thread_count():
    import numba

    from netanalysis.keyplayers import _kpp_kernels as kernels
    from netanalysis.keyplayers._undirected import efficiency as _efficiency
    from netanalysis.keyplayers._undirected import pair_sample as _pair_sample

    g = nx.barabasi_albert_graph(3000, 3, seed=8)
    s = _structure(_from_nx(g))
    removed = np.zeros(s.n, dtype=bool)
    removed[np.random.default_rng(1).choice(s.n, size=30, replace=False)] = True
    size = sample_size(0.03)  # 2,050 pairs
    sample = _pair_sample(s.n, size, np.random.default_rng(9))
    src, dst = sample.pairs(removed)
    threads = numba.get_num_threads()
    try:
        results = []
        for t in (1, threads):
            numba.set_num_threads(t)
            d = kernels._pair_distances_kernel.parallel(s.indptr, s.indices, s.indptr, s.indices,
                                                        removed, src, dst, 16)
            results.append((d.tobytes(), _efficiency(s, removed, sample)))
    finally:
        numba.set_num_threads(threads)
    assert results[0] == results[1]
    serial = kernels._pair_distances_kernel.serial(s.indptr, s.indices, s.indptr, s.indices,
                                                   removed, src, dst, 16)
    assert serial.tobytes() == results[0][0]
    again = _efficiency(s, removed, _pair_sample(s.n, size, np.random.default_rng(9)))
    assert again == results[0][1]
