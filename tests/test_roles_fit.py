"""The fit check of forum_roles and the stewardship reading, on hand-built
forums: a Q&A-like forum with no content sharing nor staff areas, and the
degenerate forums whose reply graph has no edge."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.forum import read_forum
from netanalysis.graphs import coparticipation_graph, reply_graph
from netanalysis.keyplayers import KEY_ACTOR_EVIDENCE, key_actor_evidence, key_actors
from netanalysis.roles.forum_roles import ROLES, SHARING_REPEAT_SHARE, STEWARDSHIP, forum_roles

from test_roles_forum import DAY, START, _Builder, handmade_tables


def qa_tables(seed: int = 0):
    """A question-and-answer forum: two subforums without category, askers
    who ask once or twice and leave, two stewards present from the start who
    answer nearly everyone, and a busy regular who came late."""
    rng = np.random.default_rng(seed)
    b = _Builder()
    askers = [f"ask{i}" for i in range(120)]
    join = {m: int(rng.integers(10, 700)) for m in askers}
    join.update({"st1": 0, "st2": 3, "busy": 500})
    for m in askers:
        for q in range(int(rng.integers(1, 3))):
            day = join[m] + 5 * q
            replies = [("st1" if rng.random() < 0.6 else "st2", day + 1, True), (m, day + 2, False)]
            if rng.random() < 0.3:
                replies.append((askers[int(rng.integers(0, 120))], day + 3, False))
            if day >= 500 and rng.random() < 0.5:
                replies.append(("busy", day + 2, False))
            b.thread(1 + q % 2, m, day, replies)
    members = pd.DataFrame({"member_id": ["st1", "st2", "busy"] + askers,
                            "joined_at": [START + join[m] * DAY for m in ["st1", "st2", "busy"] + askers]})
    return {"posts": pd.DataFrame(b.posts), "threads": pd.DataFrame(b.threads),
            "subforums": pd.DataFrame({"subforum_id": [1, 2]}), "members": members}


@pytest.fixture(scope="module")
def qa():
    return read_forum(qa_tables())


def test_fit_check_reports_every_role(qa):
    roles = forum_roles(qa)
    assert set(roles.attrs["assessed"]) == set(ROLES)
    assert set(roles.attrs["fit"]) == set(ROLES)
    assert roles.attrs["assessed"]["moderator"] and roles.attrs["assessed"]["regular"]


def test_no_sharing_structure_no_distributor(qa):
    """In a forum where threads are questions from members who ask once, the
    inferred 'content' area shows no sharing: nobody is made a distributor,
    and the evidence says what was missing."""
    roles = forum_roles(qa)
    assert not roles.attrs["assessed"]["distributor"]
    assert (roles["role"] != "distributor").all()
    assert "not sharing" in roles.attrs["fit"]["distributor"] or "no content" in roles.attrs["fit"]["distributor"]
    assert not roles.attrs["assessed"]["technical"]
    assert (roles["role"] != "technical").all()


def test_sharing_structure_is_assessed_where_it_exists(tables=None):
    roles = forum_roles(read_forum(handmade_tables()))
    assert roles.attrs["assessed"]["distributor"]
    assert roles.attrs["assessed"]["technical"]
    # blind (no categories): the content area is inferred and its threads
    # come from members who open several
    t = handmade_tables()
    t["subforums"] = t["subforums"].drop(columns="category")
    blind = forum_roles(read_forum(t))
    fit = blind.attrs["fit"]["distributor"]
    assert blind.attrs["assessed"]["distributor"] == (f"{SHARING_REPEAT_SHARE:.0%}" not in fit), fit


def test_stewardship_reads_the_staff_of_a_forum_without_staff_areas(qa):
    roles = forum_roles(qa)
    assert roles.loc["st1", "role"] == "moderator"
    assert roles.loc["st2", "role"] == "moderator"
    assert "stewardship" in roles.loc["st1", "evidence"]
    assert roles.loc["busy", "role"] not in ("admin", "moderator", "technical")
    # a reading from stewardship alone is less certain than one from the
    # study's staff areas
    assert roles.loc["st1", "confidence"] < 0.95
    # the stewardship score itself ranks the stewards first
    assert set(roles["score_steward"].nlargest(2).index) == {"st1", "st2"}


def test_stewardship_definition_is_what_the_score_averages(qa):
    """score_steward orders members as the mean of the percentiles of the
    behaviours named in STEWARDSHIP."""
    from netanalysis.roles._features import below_share, member_features

    f = member_features(qa)
    posting = f["posts"].to_numpy() > 0
    parts = [1 - below_share(f["entry_position"].to_numpy(), posting) if name == "founding"
             else below_share(f[name].to_numpy(), posting) for name in STEWARDSHIP]
    mean = pd.Series(np.mean(parts, axis=0), index=f.index)[posting]
    roles = forum_roles(qa)
    got = roles.loc[mean.index, "score_steward"]
    assert got.rank().corr(mean.rank(), method="spearman") > 0.99


@pytest.mark.parametrize("authors,threads", [
    (["a"], [1]),                          # one post
    (["a", "b", "c"], [1, 2, 3]),          # threads nobody answers
    (["a", "a", "a"], [1, 1, 2]),          # all posts by one member
])
def test_degenerate_forums_have_roles_and_key_actors(authors, threads):
    """A reply graph without edges (issue 18, defect 2) is a forum like any other."""
    posts = pd.DataFrame({"post_id": range(1, len(authors) + 1), "thread_id": threads, "author_id": authors,
                          "created_at": pd.date_range("2020-01-01", periods=len(authors), freq="D")})
    forum = read_forum({"posts": posts})
    g = reply_graph(forum)
    assert g.adjacency.nnz == 0
    roles = forum_roles(forum, graph=g)
    assert len(roles) == forum.members.shape[0]
    ranked = key_actors(forum, top=len(roles), graph=g, stability_repeats=2)
    assert ranked["score"].between(0, 1).all()


def test_key_actors_on_a_coparticipation_graph():
    """An undirected graph has one degree (issue 18, defect 1)."""
    forum = read_forum(handmade_tables())
    g = coparticipation_graph(forum)
    ranked = key_actors(forum, top=5, graph=g, stability_repeats=1)
    assert len(ranked) == 5
    assert ranked["evidence"].str.contains("percentile among active members").all()
    ev = key_actor_evidence(forum, g, forum_roles(forum, graph=g))
    assert list(ev.columns) == list(KEY_ACTOR_EVIDENCE)
    assert ev.to_numpy().min() >= 0 and np.isfinite(ev.to_numpy()).all()




def test_key_roles_are_the_mean_of_their_declared_behaviours():
    """forum_roles' key-role behaviour scores are the means of the readings
    KEY_ROLE_DEFINITIONS declares (own, then shared, then message partners
    where the role takes them and the forum has messages), nothing else."""
    import importlib

    import synthetic
    fr = importlib.import_module("netanalysis.roles.forum_roles")
    from netanalysis.roles._features import member_features, subforum_kinds

    forum, _ = synthetic.generate_forum("tiny", seed=3)
    kinds = subforum_kinds(forum)
    s = fr._Scorer(member_features(forum, kinds))
    readings = fr._readings(s, kinds)
    scores, own = fr._key_behaviour(s, kinds)
    messaging = s.value("message_partners").sum() > 0
    assert messaging
    for role, d in fr.KEY_ROLE_DEFINITIONS.items():
        names = d["own"] + d["shared"] + (("message_partners",) if d["messages"] else ())
        assert set(names) <= set(readings)
        expected = np.mean([readings[n][2] for n in names], axis=0)
        if role == "admin":        # the institutional reading can only raise it
            assert (scores[role][0] >= expected - 1e-12).all()
        else:
            np.testing.assert_array_equal(scores[role][0], expected)
        np.testing.assert_array_equal(own[role], np.mean([readings[n][2] for n in d["own"]], axis=0))
        assert [it[0] for it in scores[role][1][:len(names)]] == [readings[n][0] for n in names]


def test_ordinary_roles_are_the_best_of_their_declared_readings():
    """Every ordinary role is declared in ORDINARY_ROLE_DEFINITIONS with its
    origin, and its score is the best of the readings it declares; every
    reading serves some role."""
    import importlib

    import synthetic
    fr = importlib.import_module("netanalysis.roles.forum_roles")
    from netanalysis.roles._features import member_features, subforum_kinds

    assert set(fr.ORDINARY_ROLE_DEFINITIONS) == set(fr.ROLES) - set(fr.KEY_ROLES)
    assert all(d["origin"] and d["readings"] for d in fr.ORDINARY_ROLE_DEFINITIONS.values())
    forum, _ = synthetic.generate_forum("tiny", seed=3)
    kinds = subforum_kinds(forum)
    s = fr._Scorer(member_features(forum, kinds))
    readings, items = fr._ordinary_readings(s, kinds)
    declared = [r for d in fr.ORDINARY_ROLE_DEFINITIONS.values() for r in d["readings"]]
    assert sorted(declared) == sorted(readings)
    scores = fr._ordinary_scores(s, kinds)
    for role, d in fr.ORDINARY_ROLE_DEFINITIONS.items():
        np.testing.assert_array_equal(scores[role][0], np.max([readings[r] for r in d["readings"]], axis=0))
        assert [it[0] for it in scores[role][1]] == [it[0] for it in items[role]]
        assert ((scores[role][0] >= 0) & (scores[role][0] <= 1)).all()
    # a member with one post long ago reads as a lurker, not as a regular
    single = s.value("posts") == 1
    assert (readings["single_post"][single] > fr.ORDINARY_BASELINE).all()
