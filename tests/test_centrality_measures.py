"""Differential tests of the non-path centrality measures against networkx and
igraph on random graphs, plus known values and edge cases.

Random graphs: 70 seeds x {directed, undirected} x {weighted, unweighted} =
280 graphs of 1-40 nodes, with isolated nodes, self-loops and several
components. Tolerances: exact measures (degree, strength, coreness,
clustering, constraint, effective size, Katz solved to tol 1e-13) agree to
1e-9 relative; PageRank and eigenvector run networkx's own iteration and agree
to 1e-9 as well; HITS (networkx: ARPACK) to 1e-7 absolute on sum-1 scores.
"""
from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.measures._linear import ConvergenceError, in_edges, spectral_radius
from netanalysis.measures.clustering import clustering
from netanalysis.measures.coreness import coreness
from netanalysis.measures.degree import (
    degree, in_degree, in_strength, out_degree, out_strength, strength,
)
from netanalysis.measures.eigenvector import eigenvector
from netanalysis.measures.hits import authority_score, hits, hub_score
from netanalysis.measures.katz import katz
from netanalysis.measures.pagerank import pagerank
from netanalysis.measures.panel import centrality
from netanalysis.measures.structural_holes import constraint, effective_size

SEEDS = range(70)
EXACT = dict(rtol=1e-9, atol=1e-12)


# -- random test graphs --------------------------------------------------------

def random_dense(seed: int, directed: bool, weighted: bool) -> np.ndarray:
    rng = np.random.default_rng([seed, directed, weighted])
    n = int(rng.integers(1, 41))
    density = float(rng.choice([0.03, 0.08, 0.15, 0.3, 0.6]))
    mask = rng.random((n, n)) < density
    if rng.random() < 0.6:
        np.fill_diagonal(mask, False)
    if n > 4 and rng.random() < 0.5:
        # Cut into two blocks (more components) and isolate a few nodes.
        cut = int(rng.integers(1, n))
        mask[:cut, cut:] = False
        mask[cut:, :cut] = False
        isolated = rng.choice(n, size=int(rng.integers(1, 4)), replace=False)
        mask[isolated, :] = False
        mask[:, isolated] = False
    if weighted:
        if rng.random() < 0.5:
            weights = rng.integers(1, 8, size=(n, n)).astype(float)
        else:
            weights = rng.uniform(0.05, 5.0, size=(n, n))
    else:
        weights = np.ones((n, n))
    if not directed:
        mask = np.triu(mask)
        mask = mask | mask.T
        weights = np.triu(weights) + np.triu(weights, 1).T
    return np.where(mask, weights, 0.0)


def make_graph(dense: np.ndarray, directed: bool) -> InteractionGraph:
    ids = [f"m{i:03d}" for i in range(dense.shape[0])]
    return InteractionGraph(sp.csr_array(dense), ids, directed=directed)


def to_nx(dense: np.ndarray, directed: bool, loops: bool = True) -> nx.Graph:
    G = nx.DiGraph() if directed else nx.Graph()
    ids = [f"m{i:03d}" for i in range(dense.shape[0])]
    G.add_nodes_from(ids)
    rows, cols = np.nonzero(dense)
    for i, j in zip(rows, cols):
        if (i == j and not loops) or (not directed and i > j):
            continue
        G.add_edge(ids[i], ids[j], weight=float(dense[i, j]))
    return G


def to_ig(dense: np.ndarray, directed: bool, loops: bool = True) -> ig.Graph:
    rows, cols = np.nonzero(dense)
    keep = np.ones(rows.shape, bool)
    if not loops:
        keep &= rows != cols
    if not directed:
        keep &= rows <= cols
    rows, cols = rows[keep], cols[keep]
    g = ig.Graph(n=dense.shape[0], edges=list(zip(rows.tolist(), cols.tolist())), directed=directed)
    g.es["weight"] = dense[rows, cols].tolist()
    return g


def nx_values(d: dict, graph: InteractionGraph) -> np.ndarray:
    return np.array([d[i] for i in graph.node_ids], dtype=float)


def cases():
    for seed in SEEDS:
        for directed in (True, False):
            for weighted in (True, False):
                yield pytest.param(seed, directed, weighted, id=f"{seed}-{'d' if directed else 'u'}{'w' if weighted else ''}")


CASES = list(cases())
assert len(CASES) >= 200


@pytest.fixture(scope="module")
def graphs():
    cache = {}

    def get(seed, directed, weighted):
        key = (seed, directed, weighted)
        if key not in cache:
            dense = random_dense(seed, directed, weighted)
            cache[key] = (dense, make_graph(dense, directed))
        return cache[key]

    return get


# -- differential tests --------------------------------------------------------

@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_degree_and_strength(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed)
    np.testing.assert_allclose(degree(g), nx_values(dict(G.degree()), g), **EXACT)
    np.testing.assert_allclose(strength(g), nx_values(dict(G.degree(weight="weight")), g), **EXACT)
    np.testing.assert_allclose(degree(g, normalized=True), nx_values(nx.degree_centrality(G), g), **EXACT)
    if directed:
        np.testing.assert_allclose(in_degree(g), nx_values(dict(G.in_degree()), g), **EXACT)
        np.testing.assert_allclose(out_degree(g), nx_values(dict(G.out_degree()), g), **EXACT)
        np.testing.assert_allclose(in_strength(g), nx_values(dict(G.in_degree(weight="weight")), g), **EXACT)
        np.testing.assert_allclose(out_strength(g), nx_values(dict(G.out_degree(weight="weight")), g), **EXACT)
        np.testing.assert_allclose(
            in_degree(g, normalized=True), nx_values(nx.in_degree_centrality(G), g), **EXACT)
    else:
        with pytest.raises(ValueError):
            in_degree(g)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_pagerank(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed)
    ours = pagerank(g)
    np.testing.assert_allclose(ours, nx_values(nx.pagerank(G), g), rtol=1e-9, atol=1e-15)
    assert ours.sum() == pytest.approx(1.0, abs=1e-6 * g.n_nodes)
    np.testing.assert_allclose(
        pagerank(g, weighted=False), nx_values(nx.pagerank(G, weight=None), g), rtol=1e-9)
    rng = np.random.default_rng(seed)
    chosen = list(rng.choice(g.node_ids, size=min(3, g.n_nodes), replace=False))
    pers = {m: float(rng.integers(1, 4)) for m in chosen}
    np.testing.assert_allclose(
        pagerank(g, 0.7, personalization=pers),
        nx_values(nx.pagerank(G, 0.7, personalization=pers), g), rtol=1e-9, atol=1e-15)
    if g.n_nodes >= 2 and (directed or not dense.diagonal().any()):
        # igraph (PRPACK) solves the same system directly; it counts an
        # undirected self-loop twice, networkx once.
        pr_ig = to_ig(dense, directed).pagerank(weights="weight" if weighted else None)
        np.testing.assert_allclose(pagerank(g, tol=1e-13, max_iter=1000), pr_ig, rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_eigenvector(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed)
    if g.n_nodes == 0:
        return
    cyclic = bool(np.abs(np.linalg.eigvals(dense)).max() > 1e-9) if dense.any() else False
    if not cyclic:
        with pytest.raises(ValueError, match="without cycles"):
            eigenvector(g)
        return
    try:
        expected = nx.eigenvector_centrality(G, weight="weight", max_iter=300)
    except nx.PowerIterationFailedConvergence:
        with pytest.raises(ConvergenceError):
            eigenvector(g, max_iter=300)
        return
    ours = eigenvector(g, max_iter=300)
    np.testing.assert_allclose(ours, nx_values(expected, g), rtol=1e-9, atol=1e-14)
    assert np.linalg.norm(ours) == pytest.approx(1.0)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_katz(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed)
    radius = float(np.abs(np.linalg.eigvals(dense)).max()) if g.n_nodes else 0.0
    # A defective Perron eigenvalue (two strong components with the same
    # radius) is only determined to about sqrt(machine epsilon).
    assert spectral_radius(g.adjacency, directed) == pytest.approx(radius, rel=1e-7, abs=1e-9)
    alpha = 0.9 / radius if radius > 1e-9 else 0.3
    if g.n_nodes == 1:  # networkx's katz_centrality_numpy fails on one node
        assert katz(g, alpha).tolist() == [1.0]
        return
    ours = katz(g, alpha, tol=1e-14, max_iter=10_000)
    expected = nx.katz_centrality_numpy(G, alpha, weight="weight")
    np.testing.assert_allclose(ours, nx_values(expected, g), rtol=1e-9, atol=1e-12)
    # networkx's own iteration stops at the same iterate as ours.
    np.testing.assert_allclose(
        katz(g, alpha), nx_values(nx.katz_centrality(G, alpha, weight="weight"), g), rtol=1e-9)
    default = katz(g)
    np.testing.assert_allclose(
        default, nx_values(nx.katz_centrality_numpy(G, 0.5 / radius if radius > 1e-9 else 0.1,
                                                       weight="weight"), g), atol=1e-5)
    if radius > 1e-9:
        with pytest.raises(ValueError, match="lambda_max"):
            katz(g, 1.001 / radius)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_hits(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    if g.n_edges == 0:
        with pytest.raises(ValueError):
            hits(g)
        return
    singular = np.linalg.svd(dense, compute_uv=False)
    if g.n_nodes < 3 or singular[1] > 0.95 * singular[0]:
        return  # networkx's ARPACK answer is arbitrary or slow to pin down
    G = to_nx(dense, directed)
    h_nx, a_nx = nx.hits(G, tol=1e-12, max_iter=10_000)
    ours = hits(g, tol=1e-13, max_iter=100_000)
    np.testing.assert_allclose(ours["hub"], nx_values(h_nx, g), atol=1e-7)
    np.testing.assert_allclose(ours["authority"], nx_values(a_nx, g), atol=1e-7)
    np.testing.assert_allclose(hub_score(g, tol=1e-13, max_iter=100_000), ours["hub"], **EXACT)
    np.testing.assert_allclose(authority_score(g, tol=1e-13, max_iter=100_000), ours["authority"], **EXACT)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_coreness(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed, loops=False)
    np.testing.assert_array_equal(coreness(g), nx_values(nx.core_number(G), g))
    h = to_ig(dense, directed, loops=False)
    np.testing.assert_array_equal(coreness(g), h.coreness(mode="all"))
    if directed:
        np.testing.assert_array_equal(coreness(g, "in"), h.coreness(mode="in"))
        np.testing.assert_array_equal(coreness(g, "out"), h.coreness(mode="out"))
        assert coreness(g, "in").name == "in_coreness"
    else:
        with pytest.raises(ValueError):
            coreness(g, "in")


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_clustering(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed)
    np.testing.assert_allclose(clustering(g), nx_values(nx.clustering(G), g), **EXACT)
    np.testing.assert_allclose(
        clustering(g, "onnela"), nx_values(nx.clustering(G, weight="weight"), g), **EXACT)
    # Barrat: igraph, on the undirected version without self-loops.
    undirected = np.where(np.eye(len(dense), dtype=bool), 0.0, dense + dense.T if directed else dense)
    h = to_ig(undirected, False, loops=False)
    barrat = np.nan_to_num(np.array(h.transitivity_local_undirected(weights="weight", mode="zero"), float))
    np.testing.assert_allclose(clustering(g, "barrat"), barrat, **EXACT)
    if not directed:
        plain = np.array(h.transitivity_local_undirected(mode="zero"), float)
        np.testing.assert_allclose(clustering(g), plain, **EXACT)


@pytest.mark.parametrize("seed, directed, weighted", CASES)
def test_structural_holes(graphs, seed, directed, weighted):
    dense, g = graphs(seed, directed, weighted)
    G = to_nx(dense, directed, loops=False)
    for weight in ("weight", None):
        ours_c = constraint(g, weighted=weight is not None)
        ours_e = effective_size(g, weighted=weight is not None)
        np.testing.assert_allclose(ours_c, nx_values(nx.constraint(G, weight=weight), g), **EXACT)
        # networkx's per-node code gives NaN to a member with in-edges only
        # (it tests G[v], the successors); its matrix code and ours do not.
        # It is cubic in the degree: only a few members of low degree.
        some = [m for m in list(G) if 0 < len(G[m]) and G.degree(m) <= 16][:3]
        slow = nx.constraint(G, nodes=some, weight=weight)
        np.testing.assert_allclose(ours_c.loc[some], [slow[m] for m in some], **EXACT)
        # networkx 3.6's matrix shortcut for effective_size (nodes=None)
        # divides m_jk by the largest tie of k instead of j; its per-node
        # code follows the documented definition, which is ours. That code
        # is slow (cubic per member): a few members, plus a dense reference.
        # (The per-node code has the G[v] quirk above: members with out-edges.)
        by_node = nx.effective_size(G, nodes=some, weight=weight)
        np.testing.assert_allclose(ours_e.loc[some], [by_node[m] for m in some], **EXACT)
        np.testing.assert_allclose(ours_e, dense_effective_size(dense, weight is not None), **EXACT)
        isolated = (degree(g) - 2 * (dense.diagonal() != 0)).to_numpy() == 0  # a loop adds 2
        assert np.isnan(ours_e[isolated]).all() and np.isfinite(ours_e[~isolated]).all()
        assert np.isnan(ours_c[isolated]).all() and np.isfinite(ours_c[~isolated]).all()


def dense_effective_size(dense: np.ndarray, weighted: bool) -> np.ndarray:
    """Burt's effective size straight from its definition, densely."""
    a = dense.copy()
    np.fill_diagonal(a, 0.0)
    if not weighted:
        a = (a > 0).astype(float)
    m = a + a.T
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.nan_to_num(m / m.sum(axis=1, keepdims=True))
        q = np.nan_to_num(m / m.max(axis=1, keepdims=True))
        redundancy = p @ q.T  # [i, j] = sum_k p_ik q_jk
        return np.where(m.sum(axis=1) > 0, ((m > 0) * (1 - redundancy)).sum(axis=1), np.nan)


# -- known values ----------------------------------------------------------------

def from_nx(G: nx.Graph, weight: str | None = "weight") -> InteractionGraph:
    nodes = list(G)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, dtype=float)
    return InteractionGraph(A, nodes, directed=G.is_directed())


def test_karate_club_known_values():
    G = nx.karate_club_graph()
    g = from_nx(G, weight=None)
    # Zachary (1977): 78 ties; the instructor (0) has 16, the president (33) 17.
    assert g.n_edges == 78
    assert degree(g)[0] == 16 and degree(g)[33] == 17
    # 45 triangles, average clustering 0.5706, global transitivity 0.2557.
    assert (clustering(g) * degree(g) * (degree(g) - 1) / 2).sum() / 3 == pytest.approx(45)
    assert clustering(g).mean() == pytest.approx(0.5706, abs=5e-5)
    # The 4-core is the set {0, 1, 2, 3, 7, 8, 13, 30, 32, 33}.
    assert set(coreness(g)[coreness(g) == 4].index) == {0, 1, 2, 3, 7, 8, 13, 30, 32, 33}
    # Leaders are the most central by eigenvector and PageRank.
    assert set(eigenvector(g).nlargest(2).index) == {0, 33}
    assert set(pagerank(g).nlargest(2).index) == {0, 33}
    # And everything agrees with networkx (weighted too).
    gw = from_nx(G)
    for ours, theirs in [
        (pagerank(gw), nx.pagerank(G)),
        (eigenvector(gw), nx.eigenvector_centrality(G, weight="weight")),
        (clustering(gw, "onnela"), nx.clustering(G, weight="weight")),
        (constraint(gw), nx.constraint(G, weight="weight")),
        (effective_size(g, weighted=False), nx.effective_size(G)),
        (coreness(gw), nx.core_number(G)),
    ]:
        np.testing.assert_allclose(ours, nx_values(theirs, gw), rtol=1e-9)


def test_florentine_families_known_values():
    G = nx.florentine_families_graph()
    g = from_nx(G, weight=None)
    # Padgett and Ansell (1993): the Medici have the most marriage ties (6)
    # and the lowest constraint, the classic broker.
    assert degree(g).idxmax() == "Medici" and degree(g)["Medici"] == 6
    assert constraint(g).idxmin() == "Medici"
    assert effective_size(g).idxmax() == "Medici"
    np.testing.assert_allclose(constraint(g), nx_values(nx.constraint(G), g), rtol=1e-9)
    np.testing.assert_allclose(katz(g, 0.1, tol=1e-14), nx_values(nx.katz_centrality_numpy(G, 0.1), g), rtol=1e-9)
    np.testing.assert_allclose(eigenvector(g), nx_values(nx.eigenvector_centrality(G), g), rtol=1e-9)


def test_davis_southern_women_known_values():
    G = nx.davis_southern_women_graph()
    g = from_nx(G, weight=None)
    # Bipartite (18 women, 14 events, 89 attendances): no triangle at all, so
    # every clustering coefficient is 0 and constraint is the sum of squared
    # proportional ties, 1 / degree.
    assert g.n_edges == 89
    assert (clustering(g) == 0).all()
    np.testing.assert_allclose(constraint(g), 1 / degree(g), rtol=1e-12)
    np.testing.assert_allclose(effective_size(g), degree(g), rtol=1e-12)
    # HITS on a bipartite graph: the top singular value of A is double (+-
    # lambda), so the scores are not unique; ours are still a top singular
    # pair (networkx's ARPACK start is random there, so no comparison).
    s = hits(g, tol=1e-14, max_iter=100_000)
    A = g.adjacency
    sigma2 = np.linalg.svd(A.toarray(), compute_uv=False)[0] ** 2
    a = s["authority"].to_numpy()
    np.testing.assert_allclose(A.T @ (A @ a), sigma2 * a, atol=1e-8 * sigma2 * a.max())
    h = A @ a
    np.testing.assert_allclose(s["hub"], h / h.sum(), rtol=1e-12)
    # The bipartite graph is periodic: the shift in the power iteration is what
    # makes eigenvector centrality converge here.
    np.testing.assert_allclose(eigenvector(g), nx_values(nx.eigenvector_centrality(G), g), rtol=1e-9)


# -- edge cases --------------------------------------------------------------------

def test_empty_and_single_node_graphs():
    empty = InteractionGraph(sp.csr_array((0, 0)), [], directed=True)
    for f in (degree, strength, pagerank, coreness, clustering, constraint, katz):
        assert len(f(empty)) == 0
    one = InteractionGraph(sp.csr_array((1, 1)), ["solo"], directed=False)
    assert pagerank(one).tolist() == [1.0]
    assert degree(one, normalized=True).tolist() == [1.0]
    assert np.isnan(constraint(one)["solo"]) and np.isnan(effective_size(one)["solo"])
    with pytest.raises(ValueError, match="without cycles"):
        eigenvector(one)
    with pytest.raises(ValueError):
        hits(one)


@pytest.mark.parametrize("directed", [True, False])
def test_edgeless_and_empty_graphs_alike_for_eigenvector_and_hits(directed):
    """No edges, no scores: the empty graph is refused as an edgeless one
    member graph is, by the measures, and the panel gives NaN columns."""
    import warnings

    for n in (0, 1, 3):
        g = InteractionGraph(sp.csr_array((n, n)), [f"m{i}" for i in range(n)], directed=directed)
        with pytest.raises(ValueError, match="without cycles"):
            eigenvector(g)
        for f in (hits, hub_score, authority_score):
            with pytest.raises(ValueError, match="without edges"):
                f(g)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            panel = centrality(g, ["eigenvector", "hub", "authority"])
        assert len(panel) == n and panel.isna().all().all()
        assert sorted({str(w.message).split(":")[0] for w in caught}) == ["eigenvector", "hits"]


def test_dag_eigenvector_raises_and_katz_works():
    # A reply chain a -> b -> c -> d has no cycle: no eigenvector, but Katz
    # counts walks with any attenuation.
    dag = InteractionGraph(sp.csr_array(np.triu(np.ones((4, 4)), 1)), list("abcd"))
    with pytest.raises(ValueError, match="katz or pagerank"):
        eigenvector(dag)
    k = katz(dag, alpha=5.0, normalized=False, tol=1e-14)
    # walks ending at d: 1 + 3 * 5 + 3 * 25 + 1 * 125
    assert k["d"] == pytest.approx(1 + 15 + 75 + 125)


def test_convergence_error_when_iterations_run_out():
    g = make_graph(random_dense(3, True, True), True)
    with pytest.raises(ConvergenceError):
        pagerank(g, max_iter=1)
    with pytest.raises(ConvergenceError):
        hits(g, max_iter=1, tol=1e-15)


def test_personalization_and_dangling_validation():
    g = make_graph(random_dense(5, True, True), True)
    with pytest.raises(KeyError):
        pagerank(g, personalization={"nobody": 1.0})
    with pytest.raises(ValueError):
        pagerank(g, personalization={g.node_ids[0]: 0.0})
    G = to_nx(random_dense(5, True, True), True)
    dangling = {g.node_ids[0]: 1.0, g.node_ids[-1]: 2.0}
    np.testing.assert_allclose(
        pagerank(g, dangling=dangling), nx_values(nx.pagerank(G, dangling=dangling), g), rtol=1e-9)
    # Series input is aligned by member id, not by position.
    pers = pd.Series({g.node_ids[2]: 1.0, g.node_ids[1]: 3.0})
    np.testing.assert_allclose(
        pagerank(g, personalization=pers),
        nx_values(nx.pagerank(G, personalization=pers.to_dict()), g), rtol=1e-9)


def test_katz_beta_per_member():
    dense = random_dense(8, True, True)
    g, G = make_graph(dense, True), to_nx(dense, True)
    beta = {m: float(i % 3 + 1) for i, m in enumerate(g.node_ids)}
    radius = spectral_radius(g.adjacency, True)
    alpha = 0.5 / radius if radius else 0.1
    np.testing.assert_allclose(
        katz(g, alpha, beta=beta, tol=1e-14),
        nx_values(nx.katz_centrality_numpy(G, alpha, beta=beta, weight="weight"), g), rtol=1e-9)
    with pytest.raises(KeyError):
        katz(g, alpha, beta={g.node_ids[0]: 1.0})


def test_katz_alpha_certified_by_the_iterates_without_lambda_max(monkeypatch):
    """With alpha given and beta > 0, the Collatz-Wielandt bound of the last
    iterates proves alpha < 1 / lambda_max: no eigenvalue is computed, and
    the values are networkx's. An alpha too large is still refused, and a
    beta with a zero entry falls back to lambda_max."""
    import importlib
    katz_module = importlib.import_module("netanalysis.measures.katz")
    dense = random_dense(4, True, True)
    g, G = make_graph(dense, True), to_nx(dense, True)
    radius = spectral_radius(g.adjacency, True)
    calls = []
    real = katz_module.spectral_radius
    monkeypatch.setattr(katz_module, "spectral_radius",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    for share in (0.3, 0.9):
        alpha = share / radius
        np.testing.assert_allclose(
            katz(g, alpha, tol=1e-13),
            nx_values(nx.katz_centrality_numpy(G, alpha, weight="weight"), g), rtol=1e-8)
    assert calls == []
    with pytest.raises(ValueError, match="must be below"):
        katz(g, 1.01 / radius)
    assert len(calls) == 1
    beta = {m: float(i % 2) for i, m in enumerate(g.node_ids)}
    katz(g, 0.5 / radius, beta=beta)
    assert len(calls) == 2


def test_collatz_wielandt_bound_is_above_lambda_max():
    from netanalysis.measures.katz import _collatz_wielandt_bound
    rng = np.random.default_rng(5)
    for _ in range(20):
        m = (rng.random((12, 12)) < 0.3) * rng.random((12, 12))
        lam = np.max(np.abs(np.linalg.eigvals(m)))
        x = rng.random(12) + 0.01
        beta, alpha = rng.random(12) + 0.1, 0.37
        x_next = alpha * m @ x + beta
        bound = _collatz_wielandt_bound(x_next, x, beta, alpha)
        assert bound >= lam * (1 - 1e-12)
        assert bound == pytest.approx(np.max(m @ x / x), rel=1e-9)
    assert _collatz_wielandt_bound(np.ones(3), np.array([1.0, 0.0, 1.0]), np.ones(3), 0.5) == np.inf


def test_spectral_radius_on_a_long_directed_cycle():
    # All eigenvalues on the unit circle: ARPACK must still find 1.
    n = 500
    ring = sp.csr_array((np.full(n, 2.0), (np.arange(n), (np.arange(n) + 1) % n)), shape=(n, n))
    assert spectral_radius(ring, True) == pytest.approx(2.0, rel=1e-9)
    tail = sp.csr_array((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    assert spectral_radius(tail, True) == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_in_edges_in_degree_order_are_the_transpose_renumbered(seed):
    rng = np.random.default_rng(seed)
    n = 60
    adj = sp.random_array((n, n), density=0.08, format="csr", rng=rng,
                          data_sampler=lambda size: rng.integers(1, 5, size).astype(float))
    adj.indices, adj.indptr = adj.indices.astype(np.int64), adj.indptr.astype(np.int64)
    inc = in_edges(adj)
    in_deg = np.bincount(adj.indices, minlength=n)
    # rows by descending in-degree, ties in node order
    assert np.array_equal(inc.order, np.lexsort((np.arange(n), -in_deg)))
    assert np.array_equal(np.diff(inc.indptr), in_deg[inc.order])
    # the product in row order is A.T @ x in node order
    x = rng.random(n)
    m = sp.csr_array((inc.data, inc.indices, inc.indptr), shape=(n, n))
    np.testing.assert_allclose(inc.to_nodes(m @ inc.to_rows(x)), adj.T @ x, rtol=1e-12)
    assert np.array_equal(inc.to_nodes(inc.to_rows(x)), x)
    assert inc.indices.dtype == np.int32 and inc.nnz == adj.nnz
    empty = in_edges(sp.csr_array((0, 0)))
    assert empty.nnz == 0 and len(empty.order) == 0


def test_results_do_not_depend_on_the_input_node_order():
    # the in-degree layout is a function of the graph: relabelling the
    # members permutes the scores and changes nothing else beyond rounding
    dense = random_dense(4, True, True)  # 40 members
    g = make_graph(dense, True)
    perm = np.random.default_rng(3).permutation(dense.shape[0])
    h = InteractionGraph(sp.csr_array(dense[perm][:, perm]), g.node_ids[perm], directed=True)
    for f in (pagerank, eigenvector, katz):
        np.testing.assert_allclose(f(h).reindex(g.node_ids), f(g), rtol=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_skeleton_is_the_loop_free_support_of_a_plus_a_transpose(seed):
    from netanalysis.measures._triangles import skeleton
    dense = random_dense(seed, True, True)
    adj = sp.csr_array(dense)
    skel = skeleton(adj)
    support = ((dense + dense.T) > 0) & ~np.eye(len(dense), dtype=bool)
    got = sp.csr_array((np.ones(len(skel.indices)), skel.indices, skel.indptr), shape=adj.shape)
    assert np.array_equal(got.toarray() > 0, support)
    rows = np.repeat(np.arange(len(dense)), np.diff(skel.indptr))
    assert np.array_equal(skel.forward, dense[rows, skel.indices])
    assert np.array_equal(skel.backward, dense[skel.indices, rows])
    # each edge once in the orientation, lower degree rank first
    assert len(skel.o_target) * 2 == len(skel.indices)
    assert np.array_equal(skel.indices[skel.o_pos_bw], np.repeat(np.arange(len(dense)), np.diff(skel.o_indptr)))
    sym = sp.csr_array(dense + dense.T)
    a, b = skeleton(sym), skeleton(sym, symmetric=True)
    for field in ("indptr", "indices", "forward", "backward", "o_indptr", "o_target", "o_pos_fw", "o_pos_bw"):
        assert np.array_equal(getattr(a, field), getattr(b, field))


def test_measures_are_series_indexed_by_member_id():
    g = make_graph(random_dense(11, True, True), True)
    for f, name in [(degree, "degree"), (pagerank, "pagerank"), (coreness, "coreness"),
                    (clustering, "clustering"), (constraint, "constraint"),
                    (effective_size, "effective_size"), (katz, "katz")]:
        s = f(g)
        assert isinstance(s, pd.Series) and s.name == name
        assert s.index.equals(g.node_ids) and s.dtype == np.float64
