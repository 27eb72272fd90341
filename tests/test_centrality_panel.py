"""The centrality panel: columns, selection, options, and agreement of every
column with its own function (and with networkx for the path measures)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.measures.clustering import clustering
from netanalysis.measures.coreness import coreness
from netanalysis.measures.degree import (
    degree, in_degree, in_strength, out_degree, out_strength, strength,
)
from netanalysis.measures.eigenvector import eigenvector
from netanalysis.measures.hits import hits
from netanalysis.measures.katz import katz
from netanalysis.measures.pagerank import pagerank
from netanalysis.measures.panel import MEASURE_GROUPS, centrality, panel_columns
from netanalysis.measures.structural_holes import constraint, effective_size

EXACT = dict(rtol=1e-12, atol=1e-15)


def random_graph(seed: int, directed: bool, n: int = 30) -> InteractionGraph:
    rng = np.random.default_rng([seed, directed])
    mask = rng.random((n, n)) < 0.15
    np.fill_diagonal(mask, rng.random(n) < 0.05)
    mask[: n // 10, :] = False  # a few isolated members
    mask[:, : n // 10] = False
    weights = rng.integers(1, 6, size=(n, n)).astype(float)
    if not directed:
        mask = np.triu(mask)
        mask = mask | mask.T
        weights = np.triu(weights) + np.triu(weights, 1).T
    ids = [f"u{i}" for i in rng.permutation(n)]
    return InteractionGraph(sp.csr_array(np.where(mask, weights, 0.0)), ids, directed=directed)


def single_measure_panel(g: InteractionGraph) -> dict[str, pd.Series]:
    """Every column computed by its own public function."""
    h = hits(g)
    cols = {
        "pagerank": pagerank(g), "eigenvector": eigenvector(g), "katz": katz(g),
        "hub": h["hub"], "authority": h["authority"],
        "coreness": coreness(g),
        "clustering": clustering(g), "clustering_onnela": clustering(g, "onnela"),
        "clustering_barrat": clustering(g, "barrat"),
        "constraint": constraint(g), "effective_size": effective_size(g),
        "degree": degree(g), "strength": strength(g),
    }
    if g.directed:
        cols.update({
            "in_degree": in_degree(g), "out_degree": out_degree(g),
            "in_strength": in_strength(g), "out_strength": out_strength(g),
            "in_coreness": coreness(g, "in"), "out_coreness": coreness(g, "out"),
        })
    return cols


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("directed", [True, False])
def test_panel_columns_equal_their_functions(seed, directed):
    g = random_graph(seed, directed)
    panel = centrality(g)
    assert list(panel.columns) == list(panel_columns(directed))
    assert panel.index.equals(g.node_ids)
    assert (panel.dtypes == np.float64).all()
    for name, series in single_measure_panel(g).items():
        np.testing.assert_allclose(panel[name], series.to_numpy(), err_msg=name, **EXACT)


@pytest.mark.parametrize("directed", [True, False])
def test_panel_path_columns_match_networkx(directed):
    g = random_graph(7, directed, n=25)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(g.node_ids)
    coo = g.adjacency.tocoo()
    G.add_edges_from((g.node_ids[i], g.node_ids[j]) for i, j in zip(coo.row, coo.col) if i != j)
    panel = centrality(g, "paths")
    assert list(panel.columns) == ["betweenness", "closeness", "harmonic"]
    ids = list(g.node_ids)
    np.testing.assert_allclose(panel["betweenness"], [nx.betweenness_centrality(G)[m] for m in ids], rtol=1e-9)
    np.testing.assert_allclose(panel["closeness"], [nx.closeness_centrality(G)[m] for m in ids], rtol=1e-9)
    np.testing.assert_allclose(panel["harmonic"], [nx.harmonic_centrality(G)[m] for m in ids], rtol=1e-9)


def test_selection_groups_and_order():
    g = random_graph(1, True)
    got = centrality(g, ["clustering", "hits", "in_degree"])
    # Panel order, not the order asked; a group expands to its columns.
    assert list(got.columns) == ["in_degree", "hub", "authority", "clustering"]
    assert list(centrality(g, "structural_holes").columns) == list(MEASURE_GROUPS["structural_holes"])
    assert list(centrality(g, "pagerank").columns) == ["pagerank"]
    with pytest.raises(ValueError, match="unknown measures"):
        centrality(g, ["pagerank", "popularity"])
    with pytest.raises(ValueError, match="undirected"):
        centrality(g.to_undirected(), ["in_degree"])
    with pytest.raises(TypeError, match="unknown options"):
        centrality(g, "pagerank", alpha=0.5)


def test_options_reach_their_measures():
    g = random_graph(2, True)
    who = g.node_ids[5]
    panel = centrality(g, ["pagerank", "katz", "eigenvector", "constraint"], weighted=False,
                       pagerank_alpha=0.6, personalization={who: 1.0}, katz_alpha=0.05)
    np.testing.assert_allclose(
        panel["pagerank"], pagerank(g, 0.6, personalization={who: 1.0}, weighted=False), **EXACT)
    np.testing.assert_allclose(panel["katz"], katz(g, 0.05, weighted=False), **EXACT)
    np.testing.assert_allclose(panel["eigenvector"], eigenvector(g, weighted=False), **EXACT)
    np.testing.assert_allclose(panel["constraint"], constraint(g, weighted=False), **EXACT)
    assert not np.allclose(panel["pagerank"], pagerank(g))
    with pytest.raises(ValueError, match="lambda_max"):
        centrality(g, "katz", katz_alpha=10.0)


def test_undefined_measures_warn_or_raise():
    # A reply chain has no cycle: no eigenvector; an edgeless graph has no HITS.
    dag = InteractionGraph(sp.csr_array(np.triu(np.ones((5, 5)), 1)), list("abcde"))
    with pytest.warns(RuntimeWarning, match="eigenvector"):
        panel = centrality(dag, ["eigenvector", "katz", "pagerank"])
    assert panel["eigenvector"].isna().all()
    assert panel["katz"].notna().all() and panel["pagerank"].notna().all()
    with pytest.raises(ValueError, match="without cycles"):
        centrality(dag, "eigenvector", on_undefined="raise")
    empty = InteractionGraph(sp.csr_array((3, 3)), ["x", "y", "z"], directed=False)
    with pytest.warns(RuntimeWarning):
        panel = centrality(empty)
    assert panel["hub"].isna().all() and (panel["degree"] == 0).all()
    assert panel["constraint"].isna().all()


def test_panel_is_deterministic():
    g = random_graph(3, True, n=40)
    a, b = centrality(g), centrality(g)
    pd.testing.assert_frame_equal(a, b)


def test_parallel_kernels_agree_with_serial(monkeypatch):
    # Test graphs are small, so kernels run serially; force the parallel
    # compilations (the ones large graphs use) and compare.
    import importlib

    _linear, _triangles, eigenvector, katz, pagerank = (
        importlib.import_module(f"netanalysis.measures.{m}")
        for m in ("_linear", "_triangles", "eigenvector", "katz", "pagerank"))

    g = random_graph(4, True, n=60)
    serial = centrality(g, [c for c in panel_columns(True) if c not in MEASURE_GROUPS["paths"]])
    for kernel in (_triangles._triangle_kernel, _linear._spmv_kernel, pagerank._sweep,
                   eigenvector._shifted_sweep, eigenvector._rescale_and_change, katz._katz_sweep):
        monkeypatch.setattr(kernel, "min_work", 0)
    # the triangle sums then use their fixed chunk count (TRIANGLES.chunks), even on 1 core
    parallel = centrality(g, list(serial.columns))
    pd.testing.assert_frame_equal(parallel, serial, rtol=1e-12, atol=1e-15)
