"""Disruption simulation: measures against networkx on every step, removal
orders of each strategy, the table's shape, and the plot."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.keyplayers.disruption import MEASURES, disrupt
from netanalysis.keyplayers.kpp import key_player_set, sample_size
from netanalysis.keyplayers.plot import plot_disruption


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


def _nx_measures(g: nx.Graph, removed) -> dict[str, float]:
    n0 = g.number_of_nodes()
    h = g.copy()
    h.remove_nodes_from(removed)
    n = h.number_of_nodes()
    comps = list(nx.connected_components(h))
    pairs = sum(len(c) * (len(c) - 1) for c in comps)
    return {
        "lcc_share": max((len(c) for c in comps), default=0) / n0,
        "n_components": float(len(comps)),
        "fragmentation": 1.0 - pairs / (n * (n - 1)) if n >= 2 else 1.0,
        "efficiency": nx.global_efficiency(h) if n >= 2 else 0.0,
    }


def _check_rows(g, df, label, order_ids):
    rows = df[df.strategy == label]
    for _, row in rows.iterrows():
        removed = [int(x[1:]) for x in order_ids[: row.removed]]
        expected = _nx_measures(g, removed)
        for name in MEASURES:
            assert row[name] == pytest.approx(expected[name], abs=1e-12), (label, row.removed, name)


GRAPH = nx.gnm_random_graph(40, 70, seed=7)
GRAPH.add_edges_from([(40, 41), (41, 42)])  # a separate small component


def test_deterministic_strategies_match_networkx():
    ig = _from_nx(GRAPH)
    n = GRAPH.number_of_nodes()
    roles = pd.Series({"u5": "Moderator", "u9": "technical", "u30": "admin", "u2": "regular"})
    df = disrupt(ig, ["degree", "betweenness", "betweenness-recomputed", "role", "keyplayer"],
                 steps=12, seed=3, roles=roles)
    orders = df.attrs["orders"]
    assert set(df.strategy) == {"degree", "betweenness", "betweenness-recomputed", "role", "keyplayer"}
    for label in orders:
        rows = df[df.strategy == label]
        assert rows.removed.tolist() == list(range(13))
        assert rows.fraction_removed.tolist() == pytest.approx([c / n for c in range(13)])
        assert (rows.repeats == 1).all()
        assert (rows.lcc_share_std == 0).all() and (rows.efficiency_error == 0).all()
        assert (rows.fragmentation_q05 == rows.fragmentation).all()
        assert len(orders[label]) == 12 and len(set(orders[label])) == 12
        _check_rows(GRAPH, df, label, orders[label])

    deg = sorted(GRAPH.nodes, key=lambda v: (-GRAPH.degree(v), v))
    assert orders["degree"] == [f"u{v}" for v in deg[:12]]
    bc = nx.betweenness_centrality(GRAPH)
    assert [bc[int(x[1:])] for x in orders["betweenness"]] == pytest.approx(
        sorted(bc.values(), reverse=True)[:12])
    # role: admin and technical first (by degree), then the moderator
    first = sorted([9, 30], key=lambda v: (-GRAPH.degree(v), v))
    assert orders["role"][:3] == [f"u{v}" for v in first] + ["u5"]
    rest = [v for v in deg if v not in (5, 9, 30)]
    assert orders["role"][3:] == [f"u{v}" for v in rest[:9]]
    kp = key_player_set(ig, 12, seed=np.random.default_rng(3).spawn(3)[2])
    assert orders["keyplayer"] == list(kp.members)


def test_recomputed_betweenness_removes_current_maximum():
    g = nx.barabasi_albert_graph(60, 2, seed=2)
    df = disrupt(_from_nx(g), ["betweenness-recomputed"], steps=10)
    h = g.copy()
    for x in df.attrs["orders"]["betweenness-recomputed"]:
        v = int(x[1:])
        bc = nx.betweenness_centrality(h, normalized=False)
        assert bc[v] == pytest.approx(max(bc.values()), abs=1e-9)
        h.remove_node(v)


def test_random_strategy_repeats_and_spread():
    ig = _from_nx(GRAPH)
    n = GRAPH.number_of_nodes()
    df = disrupt(ig, "random", steps=[0.1, 0.25, 0.5], seed=11, repeats=15)
    assert df.removed.tolist() == [0, round(0.1 * n), round(0.25 * n), round(0.5 * n)]
    assert (df.repeats == 15).all()
    # intact network: no spread
    first = df.iloc[0]
    assert first.lcc_share_std == 0
    assert first.lcc_share == pytest.approx(_nx_measures(GRAPH, [])["lcc_share"])
    last = df.iloc[-1]
    for name in MEASURES:
        assert last[f"{name}_q05"] <= last[name] <= last[f"{name}_q95"]
    assert last.lcc_share_std > 0
    # reproduce the mean from the same seeded streams
    streams = np.random.default_rng(11).spawn(3)[1].spawn(15)
    values = []
    for r in streams:
        order = r.permutation(n)
        values.append(_nx_measures(GRAPH, [int(ig.node_ids[i][1:]) for i in order[: last.removed]]))
    for name in MEASURES:
        col = np.array([v[name] for v in values])
        assert last[name] == pytest.approx(col.mean(), abs=1e-12)
        assert last[f"{name}_std"] == pytest.approx(col.std(ddof=1), abs=1e-12)
    again = disrupt(ig, "random", steps=[0.1, 0.25, 0.5], seed=11, repeats=15)
    pd.testing.assert_frame_equal(df, again)
    other = disrupt(ig, "random", steps=[0.1, 0.25, 0.5], seed=12, repeats=15)
    assert not df.lcc_share.equals(other.lcc_share)


def test_user_orders_and_labels():
    ig = _from_nx(GRAPH)
    df = disrupt(ig, {"mine": ["u3", "u1", "u4"], "hubs": "degree"}, steps=[1, 3])
    assert df.strategy.unique().tolist() == ["mine", "hubs"]
    assert df[df.strategy == "mine"].removed.tolist() == [0, 1, 3]
    _check_rows(GRAPH, df, "mine", ["u3", "u1", "u4"])
    df2 = disrupt(ig, [["u3", "u1", "u4"]], steps=3)
    assert df2.strategy.unique().tolist() == ["order_1"]
    with pytest.raises(ValueError, match="orders 3 members"):
        disrupt(ig, [["u3", "u1", "u4"]], steps=4)
    with pytest.raises(KeyError):
        disrupt(ig, [["nobody"]], steps=1)
    with pytest.raises(ValueError, match="unknown strategy"):
        disrupt(ig, ["closeness"], steps=1)
    with pytest.raises(ValueError, match="roles"):
        disrupt(ig, ["role"], steps=1)
    with pytest.raises(ValueError):
        disrupt(ig, ["degree"], steps=100)


def test_removing_everyone_and_directed_input():
    g = nx.gnm_random_graph(8, 12, seed=1, directed=True)
    ig = _from_nx(g, directed=True)
    df = disrupt(ig, ["degree", "keyplayer"], steps=8)
    und = g.to_undirected()
    for label in ("degree", "keyplayer"):
        _check_rows(und, df, label, df.attrs["orders"][label])
        last = df[df.strategy == label].iloc[-1]
        assert (last.lcc_share, last.n_components, last.fragmentation, last.efficiency) == (0, 0, 1, 0)


def test_sampled_efficiency_within_bound():
    g = nx.barabasi_albert_graph(900, 2, seed=3)
    ig = _from_nx(g)
    df = disrupt(ig, ["degree"], steps=[0, 5], seed=2, efficiency_error=0.05)
    assert df.attrs["efficiency_pairs"] == sample_size(0.05) < 900
    exact = disrupt(ig, ["degree"], steps=[0, 5], efficiency_error=0.001)
    assert (exact.efficiency_error == 0).all() and exact.attrs["efficiency_pairs"] is None
    order = [int(x[1:]) for x in exact.attrs["orders"]["degree"]]
    assert exact.efficiency.iloc[1] == pytest.approx(nx.global_efficiency(
        g.subgraph(set(g.nodes) - set(order[:5]))), abs=1e-12)
    assert np.allclose(df.efficiency_error, np.sqrt(np.log(40) / (2 * 738)), rtol=1e-12, atol=0)
    assert (abs(df.efficiency - exact.efficiency) <= df.efficiency_error).all()
    assert not np.allclose(df.efficiency, exact.efficiency, rtol=0, atol=1e-12)


def test_sampled_disruption_same_table_for_any_thread_count():
    import numba

    g = nx.barabasi_albert_graph(900, 2, seed=3)
    ig = _from_nx(g)
    threads = numba.get_num_threads()
    try:
        tables = []
        for t in (1, threads):
            numba.set_num_threads(t)
            tables.append(disrupt(ig, ["random", "degree"], steps=[0, 5, 20], seed=4, repeats=3))
    finally:
        numba.set_num_threads(threads)
    assert tables[0].attrs["efficiency_pairs"] == sample_size(0.05)
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)


def test_plot_draws_one_curve_per_strategy():
    import matplotlib.pyplot as plt

    ig = _from_nx(GRAPH)
    df = disrupt(ig, ["random", "degree", "betweenness"], steps=5, seed=1, repeats=4)
    fig, ax = plt.subplots()
    out = plot_disruption(df, "efficiency", ax=ax, band="std")
    assert out is ax
    assert [line.get_label() for line in ax.get_lines()] == ["random", "degree", "betweenness"]
    assert len(ax.collections) == 1  # one band: only random has repeats
    y = ax.get_lines()[1].get_ydata()
    assert np.allclose(y, df[df.strategy == "degree"].efficiency)
    with pytest.raises(ValueError):
        plot_disruption(df, "nonsense")
    plt.close(fig)
