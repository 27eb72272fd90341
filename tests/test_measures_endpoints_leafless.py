"""betweenness(endpoints=True) on graphs without a leaf to fold (the leaf
folding's sums were integers there and could not take the reach)."""
from __future__ import annotations

import networkx as nx
import pytest

from netanalysis.graphs.convert import from_networkx
from netanalysis.measures.betweenness import betweenness


@pytest.mark.parametrize("graph", [
    nx.DiGraph([(0, 1), (1, 2), (2, 0), (1, 0)]),
    nx.cycle_graph(5, create_using=nx.DiGraph),
    nx.cycle_graph(6),
    nx.complete_graph(4),
], ids=["directed-triangle", "directed-cycle", "cycle", "complete"])
def test_endpoints_without_leaves_match_networkx(graph):
    got = betweenness(from_networkx(graph), endpoints=True)
    expected = nx.betweenness_centrality(graph, endpoints=True)
    assert got.to_dict() == pytest.approx(expected, rel=1e-12)
