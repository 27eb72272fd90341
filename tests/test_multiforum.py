"""Several fora at once: link_forums and synthetic.generate_fora (issue 16.5)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
import synthetic
from netanalysis.forum import read_forum
from netanalysis.graphs.multiforum import IdentifierCollisionWarning, normalise_identifier

KEY = b"a key of at least sixteen bytes"


@pytest.fixture(scope="module")
def planted():
    return synthetic.generate_fora(3, seed=2, shared=12)


def _forum(authors, start=0):
    n = len(authors)
    return read_forum({"posts": pd.DataFrame({
        "post_id": range(1, n + 1), "thread_id": [1] * n, "author_id": authors,
        "created_at": range(start, start + 60 * n, 60)})})


def test_generate_fora_plants_the_shared_members(planted):
    fora, truth = planted
    assert list(fora) == ["A", "B", "C"]
    assert truth["member_id"].nunique() == 12 and len(truth) == 36
    assert set(truth.columns) == {"member_id", "forum", "generated_id", "role", "key_actor", "posts"}
    for name, forum in fora.items():
        ids = set(forum.members["member_id"])
        assert set(truth["member_id"]) <= ids
        # every other id is the forum's own
        assert all(i.startswith(name.lower()) for i in ids - set(truth["member_id"]))
        active = forum.posts["author_id"].value_counts()
        mine = truth[truth["forum"] == name].set_index("member_id")["posts"]
        assert (active.reindex(mine.index) == mine).all()


def test_linking_recovers_the_planted_members_exactly(planted):
    fora, truth = planted
    linked = na.link_forums(fora)
    assert set(linked.shared.index) == set(truth["member_id"])
    assert (linked.shared["n_fora"] == 3).all()
    assert list(linked.shared.columns) == ["n_fora", "A", "B", "C"]
    assert list(linked.links.columns) == ["key", "forum", "member_id"] and len(linked.links) == 36
    # every planted member posts in each forum: all are bridges, with their posts
    bridges = linked.bridges.set_index(["key", "forum"])["posts"].sort_index()
    planted_posts = truth.set_index(["member_id", "forum"])["posts"].sort_index()
    assert bridges.to_numpy().tolist() == planted_posts.to_numpy().tolist()
    assert (linked.bridges["n_active_fora"] == 3).all()
    assert len(linked.collisions) == 0 and not linked.empty
    # the combined graph: one node per key, the layers on the same index, the sum of them
    idx = linked.combined.node_ids
    for name, layer in linked.layers.items():
        assert layer.node_ids.equals(idx)
        own = na.reply_graph(fora[name])
        assert layer.total_weight == own.total_weight
        assert layer.n_edges == own.n_edges
    n_authors = sum(f.posts["author_id"].nunique() for f in fora.values())
    assert linked.combined.n_nodes == n_authors - 2 * 12
    total = sum(g.adjacency for g in linked.layers.values())
    assert abs(linked.combined.adjacency - total).sum() == 0
    assert set(linked.edges["layer"]) == {"A", "B", "C"}
    assert linked.edges["weight"].sum() == sum(g.total_weight for g in linked.layers.values())


def test_roles_and_ranks_are_data_in(planted):
    fora, truth = planted
    roles = {"A": na.forum_roles(fora["A"])}
    ranked = {"B": na.key_actors(fora["B"], top=30, stability_repeats=0)}
    linked = na.link_forums(fora, roles=roles, key_actors=ranked)
    a = linked.bridges[linked.bridges["forum"] == "A"].set_index("member_id")
    assert (a["role"] == roles["A"]["role"].reindex(a.index).astype(object)).all()
    assert linked.bridges.loc[linked.bridges["forum"] == "C", "role"].isna().all()
    b = linked.bridges[linked.bridges["forum"] == "B"].set_index("member_id")
    expected = ranked["B"].set_index("member_id")["rank"].reindex(b.index)
    assert b["rank"].astype("float").fillna(-1).tolist() == expected.astype("float").fillna(-1).tolist()
    with pytest.raises(ValueError, match="unknown forum name"):
        na.link_forums(fora, roles={"Z": roles["A"]})


def test_normalisation_merges_variants_and_reports_collisions():
    a = _forum(["Ann Lee", "BOB", "cy", "ＤＥＥ", "Eve"])
    b = _forum(["  ann   lee ", "bob", "Cy", "dee", "zed"])
    linked = na.link_forums({"A": a, "B": b})
    assert linked.shared.index.tolist() == ["ann lee", "bob", "cy", "dee"]
    assert linked.shared.loc["ann lee", "A"] == "Ann Lee" and linked.shared.loc["ann lee", "B"] == "  ann   lee "
    exact = na.link_forums({"A": a, "B": b}, normalise=None)
    assert exact.empty
    only_case = na.link_forums({"A": a, "B": b}, normalise=("case",))
    assert only_case.shared.index.tolist() == ["bob", "cy"]
    # two ids of one forum with one key: reported, never merged
    c = _forum(["Ann", "ann", "bob", "Bob ", "cy"])
    with pytest.warns(IdentifierCollisionWarning, match="forum 'C': 2 key"):
        linked = na.link_forums({"B": b, "C": c})
    assert sorted(linked.collisions["member_id"]) == ["Ann", "Bob ", "ann", "bob"]
    assert set(linked.collisions["forum"]) == {"C"}
    assert linked.shared.index.tolist() == ["cy"]          # bob is ambiguous in C: linked nowhere
    # C's colliding ids are no node; its cy is one node with B's Cy
    assert sorted(linked.combined.node_ids) == ["ann lee", "bob", "cy", "dee", "zed"]
    assert linked.layers["C"].meta["weight_left_out"] > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(na.link_forums({"B": b, "C": c}, normalise=None).collisions) == 0
    assert normalise_identifier("  Ａnn\u00a0LEE ") == "ann lee"
    assert normalise_identifier("Straße") == normalise_identifier("STRASSE")
    with pytest.raises(ValueError, match="unknown normalisation"):
        na.link_forums({"A": a, "B": b}, normalise=("accents",))


def test_pseudonymised_fora_link_with_one_key_only(planted):
    fora, truth = planted
    two = {"A": fora["A"], "B": fora["B"]}
    same = {n: na.pseudonymize(f, KEY) for n, f in two.items()}
    linked = na.link_forums(same)
    expected = na.pseudonymize(fora["A"], KEY).members["member_id"]
    expected = set(pd.Series(expected.to_numpy(), index=fora["A"].members["member_id"].to_numpy())
                   .loc[truth["member_id"].unique()])
    assert set(linked.shared.index) == expected and len(expected) == 12
    other = {"A": same["A"], "B": na.pseudonymize(fora["B"], KEY[::-1])}
    unlinked = na.link_forums(other)
    assert unlinked.empty and len(unlinked.bridges) == 0


def test_no_shared_members_is_a_documented_empty_result():
    a, b = _forum(["ann", "bob"]), _forum(["cy", "dee", "eve"])
    linked = na.link_forums({"A": a, "B": b})
    assert linked.empty and linked.n_shared == 0
    assert list(linked.links.columns) == ["key", "forum", "member_id"] and len(linked.links) == 0
    assert list(linked.shared.columns) == ["n_fora", "A", "B"] and len(linked.shared) == 0
    assert len(linked.bridges) == 0 and {"key", "forum", "posts"} <= set(linked.bridges.columns)
    assert linked.combined.n_nodes == 5
    fora, truth = synthetic.generate_fora(2, seed=0, shared=0)
    assert len(truth) == 0 and na.link_forums(fora).empty


def test_determinism_and_bad_input():
    f1, t1 = synthetic.generate_fora(2, seed=5, shared=4)
    f2, t2 = synthetic.generate_fora(2, seed=5, shared=4)
    pd.testing.assert_frame_equal(t1, t2)
    for name in f1:
        pd.testing.assert_frame_equal(f1[name].posts, f2[name].posts)
    l1, l2 = na.link_forums(f1), na.link_forums(f2)
    pd.testing.assert_frame_equal(l1.bridges, l2.bridges)
    pd.testing.assert_frame_equal(l1.edges, l2.edges)
    assert (l1.combined.adjacency != l2.combined.adjacency).nnz == 0
    _, t3 = synthetic.generate_fora(2, seed=6, shared=4)
    assert not t3.equals(t1)
    with pytest.raises(ValueError, match="at least two fora"):
        na.link_forums({"A": f1["A"]})
    with pytest.raises(TypeError, match="not a Forum"):
        na.link_forums({"A": f1["A"], "B": "B"})
    with pytest.raises(ValueError, match="no members column"):
        na.link_forums(f1, on="nickname")
    with pytest.raises(ValueError, match="exceeds"):
        synthetic.generate_fora(2, shared=10_000)
    with pytest.warns(UserWarning, match="integer member ids"):
        na.link_forums({"A": _forum([1, 2]), "B": _forum([2, 3])})
