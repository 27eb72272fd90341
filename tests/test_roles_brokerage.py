"""Tests for Gould-Fernandez brokerage (netanalysis.roles.brokerage)."""
import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.roles.brokerage import BROKERAGE_ROLES, brokerage

COUNT_COLUMNS = list(BROKERAGE_ROLES) + ["total"]


def _graph(arcs, nodes, directed=True, weights=None):
    idx = {v: i for i, v in enumerate(nodes)}
    rows = [idx[a] for a, _ in arcs]
    cols = [idx[b] for _, b in arcs]
    data = weights if weights is not None else [1.0] * len(arcs)
    adj = sp.csr_array((data, (rows, cols)), shape=(len(nodes), len(nodes)))
    if not directed:
        adj = adj + adj.T
    return InteractionGraph(adj, nodes, directed=directed)


def _brute_force(adj: np.ndarray, groups) -> np.ndarray:
    """Direct enumeration of sna's definition: for every broker v and every
    ordered pair of distinct a, b (both != v) with a -> v -> b and not a -> b,
    classify by the groups of (a, v, b)."""
    n = adj.shape[0]
    a_ = (adj != 0) & ~np.eye(n, dtype=bool)
    out = np.zeros((n, 5))
    for v in range(n):
        for a in range(n):
            for b in range(n):
                if len({a, v, b}) < 3 or not (a_[a, v] and a_[v, b]) or a_[a, b]:
                    continue
                ga, gv, gb = groups[a], groups[v], groups[b]
                if ga == gv == gb:
                    out[v, 0] += 1  # coordinator A A A
                elif ga == gb:
                    out[v, 1] += 1  # itinerant A B A
                elif ga == gv:
                    out[v, 2] += 1  # representative A A B
                elif gv == gb:
                    out[v, 3] += 1  # gatekeeper A B B
                else:
                    out[v, 4] += 1  # liaison A B C
    return np.column_stack([out, out.sum(axis=1)])


def test_every_role_once_on_a_hand_made_graph():
    nodes = ["a", "b", "v", "c", "f", "e"]
    groups = pd.Series({"a": "x", "b": "x", "v": "y", "c": "y", "f": "y", "e": "z"})
    arcs = [("a", "v"), ("c", "v"), ("e", "v"), ("b", "v"), ("v", "b"), ("v", "f"), ("e", "f")]
    g = _graph(arcs, nodes)
    br = brokerage(g, groups)
    # v has in-neighbours {a, c, e, b} and out-neighbours {b, f}:
    #   (a, b): x -> y -> x  itinerant
    #   (a, f): x -> y -> y  gatekeeper
    #   (c, b): y -> y -> x  representative
    #   (c, f): y -> y -> y  coordinator
    #   (e, b): z -> y -> x  liaison
    #   (e, f): closed by the arc e -> f, not brokered
    #   (b, b): a = b, not a pair
    #   (b, f): x -> y -> y  gatekeeper
    assert br.loc["v", COUNT_COLUMNS].tolist() == [1, 1, 1, 2, 1, 6]
    # b's only two-path is v -> b -> v (a = b); the others broker nothing.
    assert (br.drop(index="v")[COUNT_COLUMNS] == 0).all().all()
    # sna's expectation for v (group y of size 3, N = 6, m = 7 arcs):
    # d = 7 / 30, p = d^2 (1 - d); coordinator pairs (3-1)(3-2) = 2,
    # itinerant pairs: group x 2*1 + group z 1*0 = 2, representative and
    # gatekeeper (6-3)(3-1) = 6, liaison 2*1 + 1*2 = 4 (ordered x/z pairs),
    # total (6-1)(6-2) = 20.
    d = 7 / 30
    p = d * d * (1 - d)
    expected = [2 * p, 2 * p, 6 * p, 6 * p, 4 * p, 20 * p]
    got = br.loc["v", [f"expected_{c}" for c in COUNT_COLUMNS]].to_numpy()
    assert got == pytest.approx(expected)
    # coordinator variance: 2 p (1 - p) + 2 (2)(1)(0) d^3 (1-d)^3 = 2 p (1 - p)
    z = (1 - 2 * p) / np.sqrt(2 * p * (1 - p))
    assert br.loc["v", "z_coordinator"] == pytest.approx(z)


def test_weights_self_loops_and_order_of_groups_do_not_matter():
    nodes = ["a", "v", "b"]
    g1 = _graph([("a", "v"), ("v", "b")], nodes)
    g2 = _graph([("a", "v"), ("v", "b"), ("v", "v")], nodes, weights=[5.0, 0.5, 2.0])
    b1 = brokerage(g1, [1, 2, 1])
    b2 = brokerage(g2, np.array([1, 2, 1]))
    pd.testing.assert_frame_equal(b1, b2)
    b3 = brokerage(g1, pd.Series({"b": "s", "v": "t", "a": "s"}))  # aligned on id
    pd.testing.assert_frame_equal(b1, b3)
    assert b1.loc["v", "itinerant"] == 1


def test_undirected_graph_counts_both_directions():
    # a - v - b, all in one group: a -> v -> b and b -> v -> a, 2 coordinations
    g = _graph([("a", "v"), ("v", "b")], ["a", "v", "b"], directed=False)
    br = brokerage(g, ["x", "x", "x"])
    assert br.loc["v", "coordinator"] == 2
    # with b in another group: a -> v -> b is representative, b -> v -> a gatekeeper
    br = brokerage(g, ["x", "x", "y"])
    assert br.loc["v", ["representative", "gatekeeper", "total"]].tolist() == [1, 1, 2]


def test_group_errors():
    g = _graph([("a", "v")], ["a", "v"])
    with pytest.raises(ValueError):
        brokerage(g, ["x"])
    with pytest.raises(ValueError):
        brokerage(g, pd.Series({"a": "x"}))
    with pytest.raises(ValueError):
        brokerage(g, ["x", None])


def test_empty_graph_gives_zeros_and_nan_z():
    g = InteractionGraph(sp.csr_array((3, 3)), ["a", "b", "c"])
    br = brokerage(g, [0, 0, 1])
    assert (br[COUNT_COLUMNS] == 0).all().all()
    assert br[[f"z_{c}" for c in COUNT_COLUMNS]].isna().all().all()  # 0 / 0 as in sna


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 16))
    directed = seed % 3 != 0
    dense = (rng.random((n, n)) < rng.uniform(0.1, 0.6)).astype(float)
    np.fill_diagonal(dense, rng.random(n) < 0.2)  # a few self-loops
    if not directed:
        dense = np.maximum(dense, dense.T)
    groups = rng.integers(0, int(rng.integers(1, 5)), size=n)
    weights = rng.integers(1, 4, size=(n, n))
    if not directed:
        weights = weights + weights.T
    g = InteractionGraph(sp.csr_array(dense * weights), list(range(n)), directed=directed)
    got = brokerage(g, groups)[COUNT_COLUMNS].to_numpy()
    assert np.array_equal(got, _brute_force(dense, groups))


def test_blocking_of_the_closed_path_products(monkeypatch):
    # a tiny block budget forces one broker per block; results must not change
    import importlib
    mod = importlib.import_module("netanalysis.roles.brokerage")  # the module, not the function the package exports

    rng = np.random.default_rng(7)
    n = 25
    dense = (rng.random((n, n)) < 0.3).astype(float)
    np.fill_diagonal(dense, 0)
    groups = rng.integers(0, 3, size=n)
    g = InteractionGraph(sp.csr_array(dense), list(range(n)))
    full = brokerage(g, groups)
    monkeypatch.setattr(mod, "_BLOCK_ENTRIES", 1)
    pd.testing.assert_frame_equal(brokerage(g, groups), full)
    assert np.array_equal(full[COUNT_COLUMNS].to_numpy(), _brute_force(dense, groups))


def test_expectations_and_sd_are_exact_under_the_bernoulli_null():
    # sna's null: each of the N (N - 1) arcs present independently with
    # probability d. On N = 4 nodes there are 2^12 graphs; enumerating them
    # gives the exact mean and variance of every count, which must equal
    # the expected_* columns and the squared sd implied by z.
    nodes = [0, 1, 2, 3]
    groups = np.array([0, 0, 1, 2])
    pairs = [(i, j) for i in nodes for j in nodes if i != j]
    observed = _graph([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)], nodes)  # m = 5
    d = 5 / 12
    br = brokerage(observed, groups)
    mean = np.zeros((4, 6))
    second = np.zeros((4, 6))
    for present in itertools.product([0, 1], repeat=len(pairs)):
        adj = np.zeros((4, 4))
        for (i, j), x in zip(pairs, present):
            adj[i, j] = x
        m = sum(present)
        prob = d**m * (1 - d) ** (len(pairs) - m)
        counts = _brute_force(adj, groups)
        mean += prob * counts
        second += prob * counts**2
    var = second - mean**2
    exp_cols = [f"expected_{c}" for c in COUNT_COLUMNS]
    assert br[exp_cols].to_numpy() == pytest.approx(mean, abs=1e-12)
    raw = br[COUNT_COLUMNS].to_numpy()
    z = br[[f"z_{c}" for c in COUNT_COLUMNS]].to_numpy()
    ok = var > 1e-15
    assert np.isnan(z[~ok]).all()
    sd_implied = (raw[ok] - mean[ok]) / z[ok]
    nonzero = np.abs(raw[ok] - mean[ok]) > 1e-12
    assert sd_implied[nonzero] ** 2 == pytest.approx(var[ok][nonzero], rel=1e-9)


def test_groups_as_a_mapping():
    """A dict (any mapping) from member id to group is the same as the Series."""
    g = _graph([("a", "v"), ("v", "b"), ("b", "c"), ("c", "a")], ["a", "v", "b", "c"])
    series = pd.Series({"a": "x", "v": "y", "b": "x", "c": "z"})
    expected = brokerage(g, series)
    pd.testing.assert_frame_equal(brokerage(g, series.to_dict()), expected)
    pd.testing.assert_frame_equal(brokerage(g, {**series.to_dict(), "not a member": "w"}), expected)
    with pytest.raises(ValueError, match="no group"):
        brokerage(g, {"a": "x"})
