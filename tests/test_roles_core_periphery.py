"""Tests for Borgatti-Everett core-periphery (netanalysis.roles.core_periphery)."""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

from netanalysis.graphs import InteractionGraph
from netanalysis.roles.core_periphery import core_periphery


def _undirected(dense: np.ndarray, ids=None) -> InteractionGraph:
    dense = np.triu(dense, 1)
    dense = dense + dense.T
    ids = list(range(len(dense))) if ids is None else ids
    return InteractionGraph(sp.csr_array(dense), ids, directed=False)


def _planted(seed, n=60, n_core=8, p_cc=0.9, p_cp=0.3, p_pp=0.02):
    rng = np.random.default_rng(seed)
    core = np.zeros(n, dtype=bool)
    core[rng.choice(n, n_core, replace=False)] = True
    prob = np.where(core[:, None] & core[None, :], p_cc,
                    np.where(core[:, None] | core[None, :], p_cp, p_pp))
    dense = (rng.random((n, n)) < prob).astype(float)
    return dense, core


def _offdiag_corr(dense: np.ndarray, pattern: np.ndarray, keep=None) -> float:
    n = len(dense)
    cells = ~np.eye(n, dtype=bool) if keep is None else keep & ~np.eye(n, dtype=bool)
    x, y = dense[cells], pattern[cells]
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")  # a constant has no correlation
    return float(np.corrcoef(x, y)[0, 1])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("pattern, p_cp", [("ignore", 0.05), ("ones", 0.5)])
def test_planted_core_is_found_exactly(seed, pattern, p_cp):
    # The planted structure is close to each model's ideal: for "ignore"
    # the core-periphery block is left out of the fit, so periphery members
    # must have few core ties (else absorbing one into the core raises the
    # correlation); for "ones" the core must reach much of the periphery.
    dense, core = _planted(seed, p_cp=p_cp)
    g = _undirected(dense)
    cp = core_periphery(g, pattern=pattern)
    assert np.array_equal(cp.core.to_numpy(), core)
    # every core member is more core than every peripheral member
    assert cp.coreness[core].min() > cp.coreness[~core].max()
    assert cp.correlation > 0.4


@pytest.mark.parametrize("seed", range(4))
def test_found_core_fits_at_least_as_well_as_the_planted_one(seed):
    # With many core-periphery ties the "ignore" optimum is larger than the
    # planted core; the search must still score at least the planted core.
    dense, core = _planted(seed, p_cp=0.3)
    g = _undirected(dense)
    a = g.adjacency.toarray()
    cp = core_periphery(g)
    both, none = core[:, None] & core[None, :], ~core[:, None] & ~core[None, :]
    planted_r = _offdiag_corr(a, both.astype(float), keep=both | none)
    assert cp.correlation >= planted_r - 1e-12
    assert cp.core[core].all()  # the planted core is inside the found one
    assert cp.coreness[core].min() > cp.coreness[~core].max()


def test_discrete_correlation_and_ordered_search_by_brute_force():
    dense, _ = _planted(11, n=30, n_core=6, p_cc=0.7, p_cp=0.25, p_pp=0.1)
    g = _undirected(dense)
    sym = g.adjacency.toarray()
    for pattern in ("ignore", "ones", "zeros"):
        cp = core_periphery(g, pattern=pattern)
        order = np.lexsort((np.arange(30), -cp.coreness.to_numpy()))
        best = (-np.inf, None)
        for k in range(1, 30):  # (the one-member "ignore" core has no cells)
            c = np.zeros(30, dtype=bool)
            c[order[:k]] = True
            both, none = c[:, None] & c[None, :], ~c[:, None] & ~c[None, :]
            if pattern == "ignore":
                if k < 2 or 30 - k < 2:
                    continue
                r = _offdiag_corr(sym, both.astype(float), keep=both | none)
            elif pattern == "ones":
                r = _offdiag_corr(sym, (~none).astype(float))
            else:
                if k < 2:
                    continue
                r = _offdiag_corr(sym, both.astype(float))
            if r > best[0] + 1e-12:
                best = (r, c)
        assert cp.correlation == pytest.approx(best[0])
        assert np.array_equal(cp.core.to_numpy(), best[1])


@pytest.mark.parametrize("seed", range(3))
def test_continuous_coreness_maximises_the_correlation(seed):
    rng = np.random.default_rng(seed)
    n = 14
    dense, _ = _planted(seed + 100, n=n, n_core=4, p_cc=0.8, p_cp=0.4, p_pp=0.1)
    g = _undirected(dense)
    a = g.adjacency.toarray()
    cp = core_periphery(g, tol=1e-14)
    c = cp.coreness.to_numpy()
    assert np.all(c >= 0) and np.linalg.norm(c) == pytest.approx(1.0)
    ours = _offdiag_corr(a, np.outer(c, c))
    assert cp.continuous_correlation == pytest.approx(ours)

    def neg_corr(x):
        return -_offdiag_corr(a, np.outer(x, x))

    # a generic optimiser from several starts, with c >= 0, does not beat it
    best = max(
        -minimize(neg_corr, rng.random(n) + 0.1, bounds=[(0, None)] * n, method="L-BFGS-B").fun
        for _ in range(4)
    )
    assert ours >= best - 1e-4


def test_directed_graph_fits_the_symmetrised_pattern():
    dense, core = _planted(5, n=40, n_core=6)
    np.fill_diagonal(dense, 0)
    directed = InteractionGraph(sp.csr_array(dense), list(range(40)), directed=True)
    sym = InteractionGraph(sp.csr_array((dense + dense.T) / 2), list(range(40)), directed=False)
    cd = core_periphery(directed)
    cs = core_periphery(sym, weighted=True)
    assert np.allclose(cd.coreness.to_numpy(), cs.coreness.to_numpy(), atol=1e-6)
    a = dense.copy()
    c = cd.coreness.to_numpy()
    assert cd.continuous_correlation == pytest.approx(_offdiag_corr(a, np.outer(c, c)))


def test_star():
    n = 7
    dense = np.zeros((n, n))
    dense[0, 1:] = 1
    g = _undirected(dense, ids=list("habcdef"))
    cp = core_periphery(g, pattern="ones")
    # the hub alone: every pair with the hub is an edge, no other pair is
    assert cp.core[cp.core].index.tolist() == ["h"]
    assert cp.correlation == pytest.approx(1.0)
    assert cp.coreness["h"] > cp.coreness.drop("h").max()
    # the leaves are equivalent, so they get one coreness
    assert np.ptp(cp.coreness.drop("h").to_numpy()) < 1e-9
    # with the core-periphery pairs left out, a core needs two members: the
    # hub and the first leaf give the core-core cell 1 and periphery cells 0
    cp = core_periphery(g)
    assert cp.core[cp.core].index.tolist() == ["h", "a"]
    assert cp.correlation == pytest.approx(1.0)


def test_empty_and_tiny_graphs():
    g = InteractionGraph(sp.csr_array((5, 5)), list("abcde"))
    cp = core_periphery(g)
    assert (cp.coreness == 0).all() and not cp.core.any()
    assert np.isnan(cp.correlation) and np.isnan(cp.continuous_correlation)
    one = core_periphery(InteractionGraph(sp.csr_array((1, 1)), ["a"]))
    assert not one.core.any() and np.isnan(one.correlation)
    with pytest.raises(ValueError):
        core_periphery(g, pattern="twos")


def test_self_loops_and_weights():
    dense, core = _planted(3, n=30, n_core=5)
    np.fill_diagonal(dense, 0)
    g = _undirected(dense)
    loops = _undirected(dense)
    loops = InteractionGraph(g.adjacency + sp.eye_array(30) * 3, g.node_ids, directed=False)
    pd.testing.assert_series_equal(core_periphery(g).coreness, core_periphery(loops).coreness)
    heavy = InteractionGraph(g.adjacency * 5, g.node_ids, directed=False)
    # binary by default: scaling weights changes nothing
    pd.testing.assert_series_equal(core_periphery(g).coreness, core_periphery(heavy).coreness)
    # weighted: a scale does not change a correlation either
    assert core_periphery(heavy, weighted=True).coreness.to_numpy() == pytest.approx(
        core_periphery(g, weighted=True).coreness.to_numpy(), abs=1e-6)
