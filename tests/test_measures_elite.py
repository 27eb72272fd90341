"""The elite (issue 16.2): rich-club coefficient against networkx, its
normalisation on a planted rich club, the innermost core, the management
community and since when."""
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import netanalysis as na
from netanalysis.graphs import InteractionGraph
from netanalysis.measures.elite import Elite, elite, rich_club_coefficient


def _planted_core(seed, n=300, core=15, p=0.02, p_core=0.9):
    rng = np.random.default_rng(seed)
    a = rng.random((n, n)) < p
    a[:core, :core] |= rng.random((core, core)) < p_core
    a = np.triu(a, 1)
    a = a | a.T
    return InteractionGraph(sp.csr_array(a.astype(float)), range(n), directed=False)


# -- the coefficient ---------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda s: nx.gnp_random_graph(120, 0.06, seed=s),
    lambda s: nx.barabasi_albert_graph(200, 3, seed=s),
    lambda s: nx.powerlaw_cluster_graph(150, 2, 0.3, seed=s),
])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rich_club_coefficient_matches_networkx(make, seed):
    g_nx = make(seed)
    expected = nx.rich_club_coefficient(g_nx, normalized=False)
    got = rich_club_coefficient(na.from_networkx(g_nx))
    assert sorted(got.index) == sorted(expected)
    for k, value in expected.items():
        assert got[k] == pytest.approx(value, abs=1e-14), k


def test_directed_and_weighted_graph_reads_as_simple_undirected():
    g_nx = nx.gnp_random_graph(80, 0.08, seed=4, directed=True)
    rng = np.random.default_rng(0)
    for u, v in g_nx.edges:
        g_nx[u][v]["weight"] = float(rng.integers(1, 5))
    g = na.from_networkx(g_nx)
    expected = nx.rich_club_coefficient(nx.Graph(g_nx.to_undirected()), normalized=False)
    got = rich_club_coefficient(g)
    assert got.to_dict() == pytest.approx(expected)
    # self-loops are ignored
    loops = InteractionGraph(g.adjacency + sp.eye_array(g.n_nodes), g.node_ids)
    assert rich_club_coefficient(loops).equals(got)


def test_no_edge_gives_an_empty_series():
    got = rich_club_coefficient(InteractionGraph(sp.csr_array((3, 3)), list("abc")))
    assert got.empty and got.name == "rich_club"


# -- the normalisation ---------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])
def test_planted_dense_core_is_a_rich_club(seed):
    core = set(range(15))
    e = elite(_planted_core(seed))
    assert e.peak_normalized > 3
    table = e.rich_club
    assert table.loc[e.peak_degree, "z"] > 5
    assert set(e.rich_club_members) <= core and len(e.rich_club_members) >= 5
    # the club of about the planted size is a strong rich club too
    near = table.iloc[(table["n_members"] - len(core)).abs().argmin()]
    assert near["normalized"] > 3
    assert set(e.core_members) <= core and len(e.core_members) >= 12
    # at low degree nearly everybody is in the club: no ordering there
    assert table.loc[0, "normalized"] == pytest.approx(1.0)
    assert table.loc[0, "null_std"] == pytest.approx(0.0)


def test_random_graph_has_no_strong_rich_club():
    g = na.from_networkx(nx.gnp_random_graph(300, 0.03, seed=5))
    e = elite(g)
    big = e.rich_club[e.rich_club["n_members"] >= 30]
    assert (big["normalized"] - 1).abs().max() < 0.25


def test_degrees_force_the_clique():
    """A clique of hubs with private leaves: every graph with these degrees
    has the clique, so the null model reproduces it (rho = 1, sd = 0)."""
    edges = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    edges += [(i, 5 + 3 * i + t) for i in range(5) for t in range(3)]
    e = elite(na.from_networkx(nx.Graph(edges)), n_null=5)
    assert np.allclose(e.rich_club["normalized"], 1.0)
    assert np.allclose(e.rich_club["null_std"], 0.0)
    assert e.rich_club_members.empty
    assert sorted(e.core_members) == [0, 1, 2, 3, 4] and e.core_number == 4


def test_null_spread_and_determinism():
    g = _planted_core(3)
    a, b = elite(g, seed=4, n_null=8), elite(g, seed=4, n_null=8)
    pd.testing.assert_frame_equal(a.rich_club, b.rich_club)
    pd.testing.assert_frame_equal(a.members, b.members)
    other = elite(g, seed=5, n_null=8)
    assert not np.allclose(a.rich_club["null_mean"], other.rich_club["null_mean"])
    assert (a.rich_club["null_std"] >= 0).all()
    one = elite(g, n_null=1)
    assert one.rich_club["null_std"].isna().all() and one.rich_club["z"].isna().all()
    state = random.getstate()
    elite(g, n_null=2)
    assert random.getstate() == state


def test_peak_respects_min_size():
    g = _planted_core(1)
    e = elite(g, min_size=14)
    assert e.rich_club.loc[e.peak_degree, "n_members"] >= 14
    best = e.rich_club[e.rich_club["n_members"] >= 14]["normalized"].max()
    assert e.peak_normalized == best
    assert len(e.rich_club_members) == e.rich_club.loc[e.peak_degree, "n_members"]


# -- the innermost core ---------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_innermost_core_matches_networkx(seed):
    g_nx = nx.powerlaw_cluster_graph(200, 3, 0.4, seed=seed)
    e = elite(na.from_networkx(g_nx), n_null=2)
    core = nx.k_core(g_nx)
    assert e.core_number == max(nx.core_number(g_nx).values())
    assert set(e.core_members) == set(core)
    members = e.members
    assert set(members.index) == set(e.core_members) | set(e.rich_club_members)
    assert members["degree"].is_monotonic_decreasing
    assert (members["in_core"] == members.index.isin(e.core_members)).all()


# -- management and since when ---------------------------------------------------------

def test_management_community_and_first_posts():
    import synthetic

    forum, truth = synthetic.generate_forum("tiny", seed=1)
    g = na.reply_graph(forum)
    roles = truth.set_index("member_id")
    part = na.communities(g)
    e = elite(g, roles=roles, forum=forum, partition=part)
    managers = roles.index[roles["role"].isin(["admin", "moderator"])]
    labels = part.membership.reindex(managers).dropna().astype(int)
    counts = labels.value_counts()
    assert e.management_community == min(counts.index[counts == counts.max()])
    assert e.management["managers"].sum() == len(labels)
    assert e.management["share"].sum() == pytest.approx(1.0)
    assert e.management.index[0] == e.management_community
    m = e.members
    assert (m["in_management_community"] == (m["community"] == e.management_community)).all()
    assert (m["role"] == roles["role"].reindex(m.index).to_numpy()).all()
    posts = forum.posts
    for member in m.index[:5]:
        mine = posts.loc[posts["author_id"] == member, "created_at"]
        assert m.loc[member, "first_post"] == mine.min()
        assert m.loc[member, "last_post"] == mine.max()
        assert m.loc[member, "n_posts"] == len(mine)
    # a forum stands for its reply graph
    from_forum = elite(forum, roles=roles, partition=part)
    pd.testing.assert_frame_equal(from_forum.members, m)


def test_bad_input():
    g = _planted_core(1, n=40)
    with pytest.raises(ValueError, match="n_null"):
        elite(g, n_null=0)
    with pytest.raises(ValueError, match="min_size"):
        elite(g, min_size=1)
    with pytest.raises(ValueError, match="role"):
        elite(g, roles=pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="edge"):
        elite(InteractionGraph(sp.csr_array((3, 3)), list("abc")))
    with pytest.raises(TypeError):
        elite("not a graph")


def test_top_level_names():
    assert na.elite is elite and na.Elite is Elite and na.rich_club_coefficient is rich_club_coefficient


# -- the compiled double-edge swaps (netanalysis.measures._swaps) ------------------------

from netanalysis.measures import _swaps  # noqa: E402


def _edges(g_nx):
    e = np.array(sorted(tuple(sorted(x)) for x in g_nx.edges()), dtype=np.int64)
    return e[:, 0], e[:, 1]


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_swaps_keep_degrees_and_a_simple_graph(seed):
    g = nx.barabasi_albert_graph(300, 4, seed=seed)
    r, c = _edges(g)
    u, v, accepted = _swaps.double_edge_swap(r, c, 300, 20 * len(r), seed=seed)
    assert accepted > len(r)                                   # it rewired, many times over
    assert (u < v).all()                                       # no self-loop, smaller end first
    assert len(np.unique(u * 300 + v)) == len(u) == len(r)     # no edge twice, as many edges
    assert np.array_equal(np.bincount(np.r_[u, v], minlength=300), np.bincount(np.r_[r, c], minlength=300))
    before = set(zip(r.tolist(), c.tolist()))
    assert len(before & set(zip(u.tolist(), v.tolist()))) < 0.5 * len(r)   # mostly new edges
    # the input is not changed
    assert set(zip(*_edges(g))) == before


def test_swaps_are_deterministic_for_a_seed():
    r, c = _edges(nx.gnp_random_graph(200, 0.05, seed=3))
    a = _swaps.double_edge_swap(r, c, 200, 5000, seed=11)
    b = _swaps.double_edge_swap(r, c, 200, 5000, seed=11)
    other = _swaps.double_edge_swap(r, c, 200, 5000, seed=12)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    assert not (np.array_equal(a[0], other[0]) and np.array_equal(a[1], other[1]))


def test_serial_and_parallel_null_graphs_agree_exactly():
    r, c = _edges(nx.barabasi_albert_graph(400, 3, seed=2))
    degree = np.bincount(np.r_[r, c]).astype(np.int64)
    args = (r, c, np.int64(400), degree, np.int64(10 * len(r)), _swaps.swap_seeds(5, 6), np.int64(degree.max()))
    h1, k1 = _swaps.null_histograms.serial(*args)
    h2, k2 = _swaps.null_histograms.parallel(*args)
    assert np.array_equal(h1, h2) and np.array_equal(k1, k2)
    assert (h1.sum(axis=1) == len(r)).all() and len(np.unique(h1, axis=0)) == 6
    # through the switch, one thread or two: the same elite
    import numba

    g = na.from_networkx(nx.barabasi_albert_graph(400, 3, seed=2))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = elite(g, seed=5, n_null=6)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = elite(g, seed=5, n_null=6)
    finally:
        numba.set_num_threads(before)
    pd.testing.assert_frame_equal(one.rich_club, two.rich_club)


def test_same_null_model_as_igraph_rewire():
    """The mean edge count among the members of degree > k in the rewired
    graphs agrees with igraph's Graph.rewire(allowed_edge_types="simple")
    (fixed seeds, so the check is deterministic) within four standard
    errors."""
    import igraph as ig

    g = nx.powerlaw_cluster_graph(300, 3, 0.4, seed=4)
    r, c = _edges(g)
    degree = np.bincount(np.r_[r, c]).astype(np.int64)
    top = int(degree.max())
    ks = np.array([2, 4, 8, 12])
    ours = np.array([(len(r) - np.cumsum(np.bincount(np.minimum(degree[u], degree[v]), minlength=top + 1)))[ks]
                     for u, v, _ in (_swaps.double_edge_swap(r, c, 300, 10 * len(r), seed=s) for s in range(40))])
    rng = random.Random(0)
    ig.set_random_number_generator(rng)
    try:
        theirs = []
        for _ in range(40):
            h = ig.Graph(n=300, edges=list(zip(r.tolist(), c.tolist())))
            h.rewire(n=10 * len(r), allowed_edge_types="simple")
            e = np.asarray(h.get_edgelist(), dtype=np.int64)
            low = np.minimum(degree[e[:, 0]], degree[e[:, 1]])
            theirs.append((len(r) - np.cumsum(np.bincount(low, minlength=top + 1)))[ks])
    finally:
        ig.set_random_number_generator(random)
    theirs = np.array(theirs)
    se = np.sqrt(ours.var(axis=0, ddof=1) / 40 + theirs.var(axis=0, ddof=1) / 40)
    assert (np.abs(ours.mean(axis=0) - theirs.mean(axis=0)) <= 4 * se + 1e-9).all()
    # and far from the observed graph where the graph has a rich club of its own
    observed = (len(r) - np.cumsum(np.bincount(np.minimum(degree[r], degree[c]), minlength=top + 1)))[ks]
    assert not np.allclose(observed, ours.mean(axis=0))


def test_swap_bad_input():
    with pytest.raises(ValueError, match="self-loop"):
        _swaps.double_edge_swap([0, 1], [0, 2], 3, 10)
    with pytest.raises(ValueError, match="twice"):
        _swaps.double_edge_swap([0, 1], [1, 0], 3, 10)
    with pytest.raises(ValueError, match="node indices"):
        _swaps.double_edge_swap([0, 1], [1, 5], 3, 10)
    with pytest.raises(ValueError, match="trials"):
        _swaps.double_edge_swap([0, 1], [1, 2], 3, -1)
    u, v, k = _swaps.double_edge_swap([0], [1], 2, 10)
    assert (u.tolist(), v.tolist(), k) == ([0], [1], 0)
