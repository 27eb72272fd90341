"""Tests for RolX / ReFeX structural roles (netanalysis.roles.structural)."""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from netanalysis.graphs import InteractionGraph
from netanalysis.roles.structural import (
    _base_features,
    _log_bins,
    _parts,
    refex_features,
    structural_roles,
)


def _planted_roles(n_stars=6, n_leaves=8, n_cliques=6, clique_size=6):
    """Stars and cliques joined in a ring by bridge nodes:
    hub_i - bridge - clique_i[0] ... clique_i[1] - bridge - hub_{i+1}.
    Returns the graph and the planted label of every node ("hub", "spoke",
    "clique", and "other" for bridges and clique members that touch a bridge).
    """
    edges, labels = [], []

    def node(label):
        labels.append(label)
        return len(labels) - 1

    hubs, cliques = [], []
    for _ in range(n_stars):
        h = node("hub")
        hubs.append(h)
        for _ in range(n_leaves):
            edges.append((h, node("spoke")))
    for _ in range(n_cliques):
        members = [node("clique") for _ in range(clique_size)]
        edges += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
        cliques.append(members)
    for i in range(n_stars):
        c_in, c_out = cliques[i][0], cliques[i][1]
        labels[c_in] = labels[c_out] = "other"
        b1, b2 = node("other"), node("other")
        edges += [(hubs[i], b1), (b1, c_in), (c_out, b2), (b2, hubs[(i + 1) % n_stars])]
    n = len(labels)
    r, c = zip(*edges)
    adj = sp.coo_array((np.ones(len(edges)), (r, c)), shape=(n, n))
    g = InteractionGraph(adj + adj.T, [f"m{i}" for i in range(n)], directed=False)
    return g, pd.Series(labels, index=g.node_ids)


# -- ReFeX ------------------------------------------------------------------------
def _brute_egonet(dense: np.ndarray, directed: bool):
    """Egonet features by explicit ego sets (one ego graph per node)."""
    n = len(dense)
    a = dense.copy()
    np.fill_diagonal(a, 0)
    arcs = a > 0
    und = arcs | arcs.T
    rows = []
    for v in range(n):
        ego = np.zeros(n, dtype=bool)
        ego[v] = True
        ego |= und[v]
        inside = arcs[np.ix_(ego, ego)]
        w_inside = a[np.ix_(ego, ego)]
        out_b = arcs[np.ix_(ego, ~ego)]
        in_b = arcs[np.ix_(~ego, ego)]
        if directed:
            rows.append([inside.sum(), out_b.sum(), in_b.sum(), w_inside.sum(),
                         a[np.ix_(ego, ~ego)].sum(), a[np.ix_(~ego, ego)].sum()])
        else:  # each edge stored in both directions
            rows.append([inside.sum() / 2, out_b.sum(), w_inside.sum() / 2,
                         a[np.ix_(ego, ~ego)].sum()])
    return np.array(rows, dtype=float)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_base_egonet_features_match_explicit_ego_graphs(directed, seed):
    rng = np.random.default_rng(seed)
    n = 25
    dense = (rng.random((n, n)) < 0.15) * rng.integers(1, 5, size=(n, n)).astype(float)
    dense[0, 0] = 2.0  # a self-loop, ignored
    if not directed:
        dense = np.triu(dense) + np.triu(dense, 1).T
    g = InteractionGraph(sp.csr_array(dense), list(range(n)), directed=directed)
    arcs, weights, und = _parts(g)
    feats, measures = _base_features(g, arcs, weights, und)
    if directed:
        cols = ["ego_internal", "ego_out", "ego_in", "ego_internal_weight",
                "ego_out_weight", "ego_in_weight"]
    else:
        cols = ["ego_internal", "ego_boundary", "ego_internal_weight", "ego_boundary_weight"]
    got = np.column_stack([feats[c] for c in cols])
    assert got == pytest.approx(_brute_egonet(dense, directed))
    a = dense.copy()
    np.fill_diagonal(a, 0)
    nb = ((a > 0) | (a.T > 0)).sum(axis=1)
    key = "neighbours" if directed else "degree"
    assert feats[key] == pytest.approx(nb)


def test_log_bins_follow_the_rank_definition():
    # 10 values: bins by first place q in sorted order, bin b when
    # q >= 10 (1 - 2^-b): places 0-4 -> 0, 5-7 -> 1, 8 -> 2, 9 -> 3; then + 1
    # for positive values, and 0 stays 0.
    values = np.array([0, 0, 1, 1, 1, 2, 3, 3, 7, 9], dtype=float)[:, None]
    # sorted places (first of ties): 0,0,2,2,2,5,6,6,8,9
    assert _log_bins(values, 0.5)[:, 0].tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 3, 4]


def test_pruning_drops_repeated_features():
    g, _ = _planted_roles()
    f = refex_features(g, max_iterations=0)
    # unweighted: strength and the egonet weights repeat the counts
    assert "strength" not in f.columns and "ego_internal_weight" not in f.columns
    f2 = refex_features(g, max_iterations=2)
    assert set(f.columns) <= set(f2.columns)
    # no two kept features have identical bins at every node
    cols = f2.to_numpy().T
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            assert np.abs(cols[i] - cols[j]).max() > 0


# -- RolX ------------------------------------------------------------------------
def test_planted_roles_are_separated():
    g, labels = _planted_roles(n_stars=30, n_cliques=30)
    res = structural_roles(g, seed=0)
    # five kinds of position are planted (hub, spoke, clique member, bridge,
    # clique member touching a bridge); the description length must find
    # at least the three main ones and not split them further
    assert 3 <= res.n_roles <= 6
    assert res.description_lengths.idxmin() == res.n_roles
    pure = {lab: res.role[labels == lab] for lab in ("hub", "spoke", "clique")}
    for lab, roles in pure.items():
        assert roles.nunique() == 1, lab  # every planted group is one role
    firsts = {lab: roles.iloc[0] for lab, roles in pure.items()}
    assert len(set(firsts.values())) == 3  # and the three are different
    assert (res.role >= 0).all()
    assert np.allclose(res.membership.sum(axis=1), 1.0)
    # sense making: a pure hub role has a high degree, the spoke role a low
    # one, the clique role the densest neighbourhood
    sense = res.sense_making
    assert sense.loc[firsts["hub"], "degree"] > sense.loc[firsts["spoke"], "degree"]
    assert sense.loc[firsts["clique"], "neighbourhood_density"] == sense["neighbourhood_density"].max()


def test_direction_matters_in_directed_graphs():
    # Broadcasters send to listeners, contributors send to collectors; each
    # broadcaster also sends to two collectors. Listeners only receive and
    # contributors only send: the same undirected position, opposite
    # directions, so they must get different roles.
    edges, labels = [], []
    for _ in range(10):
        h = len(labels)
        labels.append("broadcaster")
        for _ in range(6):
            labels.append("listener")
            edges.append((h, len(labels) - 1))
        c = len(labels)
        labels.append("collector")
        for _ in range(6):
            labels.append("contributor")
            edges.append((len(labels) - 1, c))
        edges.append((h, c))
    hubs = [i for i, lab in enumerate(labels) if lab == "broadcaster"]
    collectors = [i for i, lab in enumerate(labels) if lab == "collector"]
    edges += [(hubs[(i + 1) % 10], collectors[i]) for i in range(10)]
    n = len(labels)
    r, c = zip(*edges)
    g = InteractionGraph(sp.coo_array((np.ones(len(edges)), (r, c)), shape=(n, n)), range(n))
    labels = pd.Series(labels)
    for k in ("auto", 4):
        res = structural_roles(g, n_roles=k)
        listener = res.role[labels == "listener"].unique()
        contributor = res.role[labels == "contributor"].unique()
        assert len(listener) == len(contributor) == 1
        assert listener[0] != contributor[0]
    # the undirected version cannot tell them apart
    res = structural_roles(g.to_undirected(), n_roles=4)
    assert res.role[labels == "listener"].iloc[0] == res.role[labels == "contributor"].iloc[0]


def test_determinism_and_seed():
    g, _ = _planted_roles(n_stars=4, n_cliques=4)
    a = structural_roles(g, seed=3)
    b = structural_roles(g, seed=3)
    pd.testing.assert_frame_equal(a.membership, b.membership)
    pd.testing.assert_series_equal(a.description_lengths, b.description_lengths)
    assert a.membership.to_numpy().tobytes() == b.membership.to_numpy().tobytes()
    # a subsample for the description length is drawn from the seed
    c1 = structural_roles(g, seed=1, mdl_sample=30)
    c2 = structural_roles(g, seed=1, mdl_sample=30)
    pd.testing.assert_frame_equal(c1.membership, c2.membership)


def test_fixed_number_of_roles_and_featureless_members():
    g, _ = _planted_roles(n_stars=3, n_cliques=3)
    n = g.n_nodes
    # add two isolated members: they have no features and no role
    adj = sp.block_diag([g.adjacency, sp.csr_array((2, 2))]).tocsr()
    g2 = InteractionGraph(adj, list(g.node_ids) + ["iso1", "iso2"], directed=False)
    res = structural_roles(g2, n_roles=2)
    assert res.n_roles == 2 and res.description_lengths.empty
    assert res.role[["iso1", "iso2"]].tolist() == [-1, -1]
    assert (res.membership.loc[["iso1", "iso2"]] == 0).all().all()
    assert (res.role.iloc[:n] >= 0).all()
    with pytest.raises(ValueError):
        structural_roles(g, n_roles=0)


def test_empty_graph():
    g = InteractionGraph(sp.csr_array((4, 4)), list("abcd"))
    res = structural_roles(g)
    assert res.n_roles == 0
    assert (res.role == -1).all()
    assert res.membership.shape == (4, 0)
