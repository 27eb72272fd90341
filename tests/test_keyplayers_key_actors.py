"""key_actors and stability on small forums."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import synthetic
from netanalysis.graphs import reply_graph
from netanalysis.keyplayers import KEY_ROLES, key_actors, stability
from netanalysis.keyplayers.key_actors import (
    KEY_ACTOR_EVIDENCE, KEY_ACTOR_MODEL, KEY_ACTOR_PENALTY, PLAUSIBLE_KEY_MEMBERS, PLAUSIBLE_KEY_SHARE,
    ROLE_SHARE, _log_rank, key_actor_evidence, plausible_reading,
)
from netanalysis.roles import forum_roles

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny():
    return synthetic.generate_forum("tiny", seed=4)


@pytest.fixture(scope="module")
def larger():
    """A forum whose roles read plausibly (4 key members of 350 posting)."""
    return synthetic.generate_forum("tiny", seed=4, n_members=1500)


def test_log_rank_evidence():
    """ln(n / r), r the mid-rank from the top among the members taking part;
    ties share it, the others get 0."""
    v = np.array([9.0, 5.0, 0.0, 0.0, 0.0, 7.0])
    among = np.array([True, True, True, True, False, False])
    e = _log_rank(v, among)
    n = 4
    assert e[0] == pytest.approx(np.log(n / 1))          # first
    assert e[1] == pytest.approx(np.log(n / 2))          # second
    assert e[2] == e[3] == pytest.approx(np.log(n / 3.5))  # two tied at ranks 3-4
    assert e[4] == e[5] == 0.0                           # not taking part
    assert (_log_rank(np.array([np.nan, 1.0]), np.array([True, True])) == [np.log(2 / 2), np.log(2)]).all()


def test_library_model_is_the_fit_of_the_validation_suite():
    """KEY_ACTOR_MODEL is what benchmarks/validity/run.py fitted last
    (model.json): a weight edited by hand would fail here."""
    fitted = json.loads((ROOT / "benchmarks" / "validity" / "model.json").read_text())
    assert KEY_ACTOR_MODEL == fitted["weights"]
    assert (KEY_ACTOR_PENALTY, ROLE_SHARE, PLAUSIBLE_KEY_SHARE) == (
        fitted["penalty"], fitted["role_share"], fitted["plausible_key_share"])
    assert set(KEY_ACTOR_MODEL) <= set(KEY_ACTOR_EVIDENCE)
    assert all(w > 0 for w in KEY_ACTOR_MODEL.values())
    assert 0 <= ROLE_SHARE <= 1 and 0 < PLAUSIBLE_KEY_SHARE < 1


def test_key_actors_table(tiny):
    forum, truth = tiny
    ranked = key_actors(forum, top=20, stability_repeats=3, seed=1)
    assert list(ranked.columns) == ["rank", "member_id", "score", "role", "evidence", "stability"]
    assert ranked["rank"].tolist() == list(range(1, 21))
    assert ranked["member_id"].is_unique
    assert ranked["score"].is_monotonic_decreasing
    assert ranked["score"].between(0, 1).all()
    assert ranked["stability"].isin([0, 1 / 3, 2 / 3, 1]).all()
    assert ranked["evidence"].str.contains("percentile among active members").all()
    # same seed, same table
    pd.testing.assert_frame_equal(ranked, key_actors(forum, top=20, stability_repeats=3, seed=1))


def _rank_score(values):
    """ln((n + 1) / r) / ln(n + 1), r the mid-rank from the top among the n values."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    above = (v[None, :] > v[:, None]).sum(axis=1)
    tied = (v[None, :] == v[:, None]).sum(axis=1)
    return np.log((n + 1) / (above + (tied + 1) / 2)) / np.log(n + 1)


def test_score_mixes_the_evidence_sum_and_the_role_ranking(larger):
    """score = (1 - a) q_S + a q_key, q the rank score of the weighted
    evidence sum and of key_score among the members taking part, a =
    ROLE_SHARE where role detection's reading is plausible."""
    forum, _ = larger
    g = reply_graph(forum)
    roles = forum_roles(forum, graph=g)
    ev = key_actor_evidence(forum, g, roles)
    # taking part: a post, or an edge of the graph
    in_graph = set(g.node_ids[np.diff(g.adjacency.indptr) + np.bincount(g.adjacency.indices,
                                                                         minlength=g.n_nodes) > 0])
    active = (ev.index.isin(forum.posts["author_id"]) | ev.index.isin(list(in_graph)))
    w = pd.Series(KEY_ACTOR_MODEL)
    q_sum = _rank_score((ev[w.index] * w).sum(axis=1).to_numpy()[active])
    q_key = _rank_score(roles["key_score"].reindex(ev.index).to_numpy()[active])
    posting = int(forum.posts["author_id"].nunique())
    assert plausible_reading(roles, posting)
    a = ROLE_SHARE
    expected = pd.Series(0.0, index=ev.index)
    expected[active] = (1 - a) * q_sum + a * q_key
    ranked = key_actors(forum, top=len(ev), graph=g, roles=roles, stability_repeats=0, evidence=False)
    assert ranked.attrs["role_share"] == a
    got = ranked.set_index("member_id")["score"].reindex(ev.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), atol=1e-12)
    # without the role ranking: the order of the weighted evidence (members
    # taking part first), 1 for the first
    alone = key_actors(forum, top=len(ev), graph=g, roles=roles, role_share=0.0, stability_repeats=0,
                       evidence=False)
    assert alone.attrs["role_share"] == 0.0
    assert alone["score"].iloc[0] == pytest.approx(1.0)
    assert (alone.set_index("member_id")["score"].reindex(ev.index)[active] > 0).all()
    expected_sum = (ev[w.index] * w).sum(axis=1)
    order = np.lexsort((np.arange(len(expected_sum)), -expected_sum.to_numpy(), ~active))
    assert alone["member_id"].tolist() == expected_sum.index[order].tolist()
    # one behaviour alone: its order (weights of one's own take no role share)
    by_posts = key_actors(forum, top=10, graph=g, roles=roles, weights={"posts": 1}, stability_repeats=0)
    assert by_posts.attrs["role_share"] == 0.0
    posts = forum.posts["author_id"].value_counts()
    assert set(by_posts["member_id"].head(3)) <= set(posts.index[:5])
    with pytest.raises(ValueError, match="role_share"):
        key_actors(forum, graph=g, roles=roles, role_share=1.5)


def test_an_implausible_reading_takes_no_role_share(larger):
    """Where role detection calls fewer than PLAUSIBLE_KEY_MEMBERS members
    key, or more than PLAUSIBLE_KEY_SHARE of the posting members, its
    ranking gets no share of the score."""
    forum, _ = larger
    g = reply_graph(forum)
    roles = forum_roles(forum, graph=g)
    posting = int(forum.posts["author_id"].nunique())
    few = roles.copy()
    keep = few.index[few["role"].isin(KEY_ROLES)][:PLAUSIBLE_KEY_MEMBERS - 1]
    few.loc[few["role"].isin(KEY_ROLES) & ~few.index.isin(keep), "role"] = "regular"
    assert not plausible_reading(few, posting)
    many = roles.copy()
    posted = forum.posts["author_id"].unique()
    many.loc[posted[: int(PLAUSIBLE_KEY_SHARE * posting) + 1], "role"] = "moderator"
    assert not plausible_reading(many, posting)
    for table in (few, many):
        ranked = key_actors(forum, top=20, graph=g, roles=table, stability_repeats=0, evidence=False)
        assert ranked.attrs["role_share"] == 0.0
        alone = key_actors(forum, top=20, graph=g, roles=table, role_share=0.0, stability_repeats=0,
                           evidence=False)
        pd.testing.assert_frame_equal(ranked, alone)


def test_role_evidence_alone_puts_the_key_roles_first(tiny):
    forum, _ = tiny
    g = reply_graph(forum)
    roles = forum_roles(forum, graph=g)
    only_role = key_actors(forum, top=10, graph=g, roles=roles, weights={"key_score": 1}, stability_repeats=0)
    n_key = int(roles["role"].isin(KEY_ROLES).sum())
    assert only_role["role"].head(min(n_key, 10)).isin(KEY_ROLES).all()
    assert only_role["stability"].isna().all()


def test_weights_are_checked(tiny):
    forum, _ = tiny
    g = reply_graph(forum)
    roles = forum_roles(forum, graph=g)
    with pytest.raises(ValueError, match="unknown weights"):
        key_actors(forum, graph=g, roles=roles, weights={"roles": 1})
    with pytest.raises(ValueError, match="non-negative"):
        key_actors(forum, graph=g, roles=roles, weights={"posts": -1, "betweenness": 2})
    with pytest.raises(ValueError, match="non-negative"):
        key_actors(forum, graph=g, roles=roles, weights={"posts": 0})
    with pytest.raises(ValueError, match="top"):
        key_actors(forum, top=0, graph=g, roles=roles)
    with pytest.raises(ValueError, match="stability_repeats"):
        key_actors(forum, graph=g, roles=roles, stability_repeats=-1)
    # weights are a direction: doubling them changes nothing
    a = key_actors(forum, top=10, graph=g, roles=roles, weights={"posts": 1, "betweenness": 1},
                   stability_repeats=0)
    b = key_actors(forum, top=10, graph=g, roles=roles, weights={"posts": 2, "betweenness": 2},
                   stability_repeats=0)
    pd.testing.assert_frame_equal(a, b)


def test_ranking_without_evidence_is_the_same_ranking(tiny):
    forum, _ = tiny
    full = key_actors(forum, top=30, stability_repeats=0)
    bare = key_actors(forum, top=30, stability_repeats=0, evidence=False)
    assert bare["evidence"].isna().all()
    pd.testing.assert_frame_equal(full.drop(columns="evidence"), bare.drop(columns="evidence"))


def test_key_actors_find_the_true_key_actors_on_easy_forums():
    """At the default weights (chosen across the families of the validation
    suite, not on this generator) most true key actors are in the top k, far
    more than post count finds."""
    found, by_posts = [], []
    for seed in range(5, 10):
        forum, truth = synthetic.generate_forum("tiny", seed=seed, difficulty="easy")
        keys = set(truth.loc[truth["key_actor"], "member_id"])
        ranked = key_actors(forum, top=len(keys), stability_repeats=0)
        found.append(len(set(ranked["member_id"]) & keys) / len(keys))
        posts = forum.posts["author_id"].value_counts().head(len(keys))
        by_posts.append(len(set(posts.index) & keys) / len(keys))
    assert np.mean(found) >= 0.5 and np.mean(found) >= 3 * np.mean(by_posts)


def test_stability_table(tiny):
    forum, _ = tiny
    s = stability(forum, 0.3, repeats=3, seed=2, measures=("in_degree", "pagerank", "betweenness"), top=10)
    assert list(s.index) == ["in_degree", "pagerank", "betweenness", "key_actors"]
    assert s["top_overlap_mean"].between(0, 1).all()
    assert (s["spearman_mean"] <= 1).all() and (s["spearman_min"] <= s["spearman_mean"] + 1e-12).all()
    # removing almost nothing keeps the rankings almost unchanged
    near = stability(forum, 0.01, repeats=2, seed=2, measures=("in_degree",), key_actors=False, top=10)
    assert near.loc["in_degree", "spearman_mean"] > 0.95
    assert s.equals(stability(forum, 0.3, repeats=3, seed=2, measures=("in_degree", "pagerank", "betweenness"), top=10))
    with pytest.raises(ValueError, match="repeats"):
        stability(forum, repeats=0)


def test_precomputed_panel_gives_the_same_ranking(tiny):
    from netanalysis.measures import centrality

    forum, _ = tiny
    g = reply_graph(forum)
    roles = forum_roles(forum, graph=g)
    a = key_actors(forum, top=15, graph=g, roles=roles, stability_repeats=0)
    b = key_actors(forum, top=15, graph=g, roles=roles, panel=centrality(g), stability_repeats=0)
    pd.testing.assert_frame_equal(a, b)
