"""Consensus Leiden communities (issue 16.1): planted partitions, igraph's
modularity, determinism, stability, the community table."""
import random

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import netanalysis as na
from netanalysis.graphs import InteractionGraph
from netanalysis.measures.communities import (
    Communities, canonical_labels, communities, match_stability, symmetric_adjacency,
)


def _nmi(a, b) -> float:
    return ig.compare_communities(list(a), list(b), method="nmi")


def _sbm(sizes, p_in, p_out, seed):
    k = len(sizes)
    probs = [[p_in if i == j else p_out for j in range(k)] for i in range(k)]
    g_nx = nx.stochastic_block_model(sizes, probs, seed=seed)
    truth = [g_nx.nodes[v]["block"] for v in g_nx]
    return na.from_networkx(g_nx), truth


def _lfr(seed):
    g_nx = nx.LFR_benchmark_graph(1000, 3, 1.5, 0.3, average_degree=15, max_degree=50, min_community=20,
                                  max_community=100, seed=seed)
    g_nx.remove_edges_from(list(nx.selfloop_edges(g_nx)))
    truth = {v: min(g_nx.nodes[v]["community"]) for v in g_nx}
    g = na.from_networkx(g_nx)
    return g, [truth[v] for v in g.node_ids]


def _two_triangles(directed=False):
    rows, cols = [0, 0, 1, 3, 3, 4, 2], [1, 2, 2, 4, 5, 5, 3]
    a = sp.csr_array(([1.0] * 7, (rows, cols)), shape=(6, 6))
    if directed:
        return InteractionGraph(a, list("abcdef"))
    return InteractionGraph(a + a.T, list("abcdef"), directed=False)


# -- planted partitions ----------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stochastic_block_model_is_recovered(seed):
    g, truth = _sbm([60, 50, 40, 30], 0.25, 0.01, seed)
    c = communities(g)
    assert _nmi(truth, c.membership) >= 0.99
    assert c.n_communities == 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lfr_moderate_mixing(seed):
    """LFR, mu = 0.3, n = 1000: NMI >= 0.95 (the issue asks >= 0.9);
    measured 0.972, 0.979, 0.979."""
    g, truth = _lfr(seed)
    c = communities(g)
    assert _nmi(truth, c.membership) >= 0.95
    assert c.converged


def test_planted_partition_is_stable():
    g, truth = _sbm([40, 40, 40], 0.3, 0.005, 7)
    c = communities(g)
    assert c.stability.min() == 1.0
    assert c.table["stability"].eq(1.0).all()


# -- the objective ---------------------------------------------------------------

@pytest.mark.parametrize("resolution", [1.0, 0.5, 2.0])
@pytest.mark.parametrize("weighted", [True, False])
def test_modularity_matches_igraph(resolution, weighted):
    rng = np.random.default_rng(3)
    g, _ = _sbm([30, 30, 30], 0.2, 0.03, 4)
    # integer weights 1..5 on the same edges, symmetric
    upper = sp.triu(g.adjacency, k=1, format="coo")
    w = rng.integers(1, 6, size=upper.nnz).astype(float)
    a = sp.csr_array((w, (upper.row, upper.col)), shape=upper.shape)
    g = InteractionGraph(a + a.T, g.node_ids, directed=False)
    c = communities(g, resolution=resolution, weighted=weighted)
    h = g.to_igraph()
    expected = h.modularity(c.membership.tolist(), weights="weight" if weighted else None,
                            resolution=resolution)
    assert c.modularity == pytest.approx(expected, abs=1e-12)
    assert c.table["modularity"].sum() == pytest.approx(c.modularity, abs=1e-12)
    # the consensus is about as good as igraph's own Leiden runs (it is not a
    # modularity maximiser: on weak structure it can be a little below them)
    assert c.modularity >= c.run_modularity.mean() - 0.02
    if resolution == 1.0:
        assert c.modularity >= c.run_modularity.max() - 0.01


def test_resolution_one_is_not_cpm_singletons():
    """igraph's default objective (CPM) at resolution 1 puts every member of
    an unweighted graph alone; the modularity objective does not."""
    g, truth = _sbm([30, 30], 0.5, 0.02, 1)
    assert len(set(g.to_igraph().community_leiden(resolution=1).membership)) == g.n_nodes
    c = communities(g, weighted=False)
    assert c.n_communities == 2 and _nmi(truth, c.membership) == pytest.approx(1.0)


def test_directed_graph_is_symmetrised():
    d = _two_triangles(directed=True)
    u = _two_triangles()
    cd, cu = communities(d), communities(u)
    assert cd.membership.tolist() == cu.membership.tolist()
    assert cd.modularity == pytest.approx(cu.modularity)
    assert cd.params["symmetrised"] and not cu.params["symmetrised"]
    # A + A^T: a reply each way weighs 2
    both = InteractionGraph(sp.csr_array([[0, 1], [1, 0]]), ["x", "y"])
    assert symmetric_adjacency(both).toarray().tolist() == [[0, 2], [2, 0]]


# -- determinism and the random state -----------------------------------------------

def test_same_seed_same_result_different_seed_runs_differ():
    g, _ = _sbm([40, 40, 40, 40], 0.12, 0.04, 3)  # weak structure: runs disagree
    a, b = communities(g, seed=5), communities(g, seed=5)
    assert a.membership.equals(b.membership)
    assert a.stability.equals(b.stability)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert np.array_equal(a.run_modularity, b.run_modularity)
    assert len(set(a.run_modularity)) > 1  # each run has its own seed
    other = communities(g, seed=6)
    assert not np.array_equal(a.run_modularity, other.run_modularity)
    assert a.stability.lt(1).any()


def test_global_random_state_is_untouched_and_igraph_default_restored():
    g, _ = _sbm([20, 20], 0.3, 0.05, 2)
    random.seed(11)
    state = random.getstate()
    communities(g, seed=3)
    assert random.getstate() == state
    # igraph draws from the random module again: seeding it reproduces a run
    h = g.to_igraph()
    random.seed(1)
    first = h.community_leiden(objective_function="modularity", beta=0.5).membership
    random.seed(1)
    assert h.community_leiden(objective_function="modularity", beta=0.5).membership == first


# -- stability and labels ---------------------------------------------------------

def test_match_stability_by_maximal_overlap():
    consensus = np.array([0, 0, 0, 0, 1, 1, 1])
    runs = np.array([
        [5, 5, 5, 5, 2, 2, 2],   # same partition, other labels: everybody stays
        [1, 1, 1, 3, 3, 3, 3],   # member 3 moved to the other community
        [0, 0, 0, 0, 0, 0, 0],   # merged: both consensus communities stay
        [0, 0, 1, 1, 2, 2, 2],   # a tie: community 0 matches label 0 (smallest)
    ])
    got = match_stability(consensus, runs)
    assert got.tolist() == [1.0, 1.0, 0.75, 0.5, 1.0, 1.0, 1.0]


def test_canonical_labels_by_size_then_first_node():
    assert canonical_labels(np.array([7, 3, 3, 9, 9, 1])).tolist() == [2, 0, 0, 1, 1, 3]


def test_isolated_member_is_its_own_community():
    a = sp.csr_array(([1.0] * 6, ([0, 1, 1, 2, 0, 2], [1, 0, 2, 1, 2, 0])), shape=(4, 4))
    c = communities(InteractionGraph(a, list("abcz"), directed=False))
    assert c.membership.tolist() == [0, 0, 0, 1]
    row = c.table.loc[1]
    assert row["size"] == 1 and np.isnan(row["density"]) and np.isnan(row["conductance"])


# -- the table ----------------------------------------------------------------------

def test_table_against_networkx():
    g, _ = _sbm([25, 20, 15], 0.3, 0.04, 9)
    c = communities(g)
    g_nx = g.to_networkx()
    total_q = 0.0
    for label, row in c.table.iterrows():
        nodes = list(c.members(label))
        sub = g_nx.subgraph(nodes)
        assert row["size"] == len(nodes)
        assert row["internal_edges"] == sub.number_of_edges()
        assert row["density"] == pytest.approx(nx.density(sub))
        assert row["conductance"] == pytest.approx(nx.conductance(g_nx, nodes, weight="weight"))
        strength = dict(sub.degree(weight="weight"))
        assert row["hub"] == max(nodes, key=lambda v: (strength[v], -list(g.node_ids).index(v)))
        total_q += row["modularity"]
    parts = [set(c.members(k)) for k in c.table.index]
    assert total_q == pytest.approx(nx.community.modularity(g_nx, parts))
    assert c.table["size"].is_monotonic_decreasing
    assert c.to_frame().columns.tolist() == ["community", "stability"]


def test_roles_and_key_actor_columns():
    g = _two_triangles()
    roles = pd.DataFrame({"role": ["admin", "regular", "moderator", "regular", "lurker", "moderator"]},
                         index=list("abcdef"))
    ranked = pd.DataFrame({"rank": [1, 2, 3], "member_id": ["e", "a", "d"]})
    c = communities(g, roles=roles, key_actors=ranked)
    t = c.table
    assert t["management"].tolist() == [2, 1]
    assert t["n_admin"].tolist() == [1, 0] and t["n_regular"].tolist() == [1, 1]
    assert t["key_actors"].tolist() == [1, 2]
    assert t["leader"].tolist() == ["a", "e"] and t["leader_rank"].tolist() == [2, 1]
    with pytest.raises(ValueError, match="role"):
        communities(g, roles=pd.DataFrame({"x": [1]}, index=["a"]))


def test_forum_columns():
    import synthetic

    forum, _ = synthetic.generate_forum("tiny", seed=1)
    g = na.reply_graph(forum)
    c = communities(g, forum=forum)
    t = c.table
    posts = forum.posts
    label = c.membership.reindex(posts["author_id"]).to_numpy()
    for k in t.index[:3]:
        mine = posts[label == k]
        assert t.loc[k, "n_posts"] == len(mine)
        assert t.loc[k, "first_post"] == mine["created_at"].min()
        assert t.loc[k, "last_post"] == mine["created_at"].max()
        sub = mine["thread_id"].map(forum.threads.set_index("thread_id")["subforum_id"]).value_counts()
        assert t.loc[k, "main_subforum_share"] == pytest.approx(sub.max() / sub.sum())
        assert sub[t.loc[k, "main_subforum"]] == sub.max()


# -- bad input ----------------------------------------------------------------------

def test_bad_input():
    g = _two_triangles()
    with pytest.raises(ValueError, match="method"):
        communities(g, method="louvain")
    with pytest.raises(ValueError, match="n_runs"):
        communities(g, n_runs=0)
    with pytest.raises(ValueError, match="resolution"):
        communities(g, resolution=0)
    empty = InteractionGraph(sp.csr_array((3, 3)), list("abc"))
    with pytest.raises(ValueError, match="edge"):
        communities(empty)


def test_top_level_name():
    assert na.communities is communities and na.Communities is Communities


def test_roles_from_forum_roles_categorical_column():
    """forum_roles returns a categorical role column: every role gets a count
    column, also the roles nobody in the forum holds."""
    import synthetic
    import netanalysis as na

    forum, _ = synthetic.generate_forum("tiny", seed=1)
    g = na.reply_graph(forum)
    roles = na.forum_roles(forum, graph=g)
    assert isinstance(roles["role"].dtype, pd.CategoricalDtype)
    c = na.communities(g, roles=roles, n_runs=2)
    for r in roles["role"].cat.categories:
        assert f"n_{r}" in c.table.columns
    assert int(c.table[[f"n_{r}" for r in roles["role"].cat.categories]].to_numpy().sum()) == \
        int(roles["role"].reindex(c.membership.index).notna().sum())
