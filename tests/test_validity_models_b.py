"""The validation suite's forum models ``welcome`` and ``megathread``.

Each model must be readable by :func:`netanalysis.read_forum`, deterministic,
give a truth row to every member, have key actors in plausible numbers, and
show the mechanism it claims (checks that a broken model would fail).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.forum.schema import CATEGORIES

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks" / "validity" / "models"))

import megathread  # noqa: E402
import welcome  # noqa: E402

MODELS = {"welcome": welcome, "megathread": megathread}
ROLES = {"admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker"}
KEY = {"admin", "moderator", "technical"}
SCALE = 0.3


@pytest.fixture(scope="module")
def generated():
    return {name: mod.generate(seed=0, scale=SCALE) for name, mod in MODELS.items()}


def _frame(tables, truth):
    """Posts with their subforum, category and author's true role."""
    p = tables["posts"].merge(tables["threads"][["thread_id", "subforum_id"]], on="thread_id")
    p = p.merge(tables["subforums"][["subforum_id", "name", "category"]], on="subforum_id")
    return p.assign(role=truth.set_index("member_id")["role"].reindex(p["author_id"]).to_numpy())


# -- every model ---------------------------------------------------------------------

@pytest.mark.parametrize("name", MODELS)
def test_interface(name, generated):
    mod = MODELS[name]
    assert mod.NAME == name and isinstance(mod.DESCRIPTION, str) and mod.DESCRIPTION
    tables, truth = generated[name]
    assert set(tables) <= {"posts", "threads", "subforums", "members", "messages"}
    assert set(tables["subforums"]["category"]) <= set(CATEGORIES)
    for table, col in [("posts", "created_at"), ("threads", "created_at"), ("members", "joined_at"),
                       ("members", "last_seen_at"), ("messages", "created_at")]:
        assert str(tables[table][col].dt.tz) == "UTC"
    assert list(truth.columns) == ["member_id", "role", "key_actor"]


@pytest.mark.parametrize("name", MODELS)
def test_read_forum_accepts(name, generated):
    tables, _ = generated[name]
    forum = na.read_forum(tables)
    assert not forum.report.problems
    assert len(forum.posts) == len(tables["posts"])
    assert len(forum.members) == len(tables["members"])
    assert len(forum.messages) == len(tables["messages"]) > 0


@pytest.mark.parametrize("name", MODELS)
def test_deterministic(name, generated):
    tables, truth = generated[name]
    again, truth2 = MODELS[name].generate(seed=0, scale=SCALE)
    for t in tables:
        pd.testing.assert_frame_equal(tables[t], again[t])
    pd.testing.assert_frame_equal(truth, truth2)
    other, _ = MODELS[name].generate(seed=1, scale=SCALE)
    assert not tables["posts"][["author_id"]].equals(other["posts"][["author_id"]])


@pytest.mark.parametrize("name", MODELS)
def test_truth_covers_every_member(name, generated):
    tables, truth = generated[name]
    assert truth["member_id"].is_unique
    assert set(truth["member_id"]) == set(tables["members"]["member_id"])
    assert set(truth["role"]) <= ROLES
    assert (truth["key_actor"] == truth["role"].isin(KEY)).all()
    posters = set(tables["posts"]["author_id"])
    # a lurker never posts; every other role does
    roles = truth.set_index("member_id")["role"]
    assert not (roles[roles == "lurker"].index.isin(list(posters))).any()
    assert roles[roles != "lurker"].index.isin(list(posters)).all()


@pytest.mark.parametrize("name", MODELS)
def test_key_actors_plausible(name, generated):
    tables, truth = generated[name]
    counts = truth["role"].value_counts()
    assert 1 <= counts.get("admin", 0) <= 3
    assert 1 <= counts.get("moderator", 0) <= 10
    assert 2 <= counts.get("technical", 0) <= 6
    assert truth["key_actor"].sum() < 0.02 * len(truth)
    assert counts.get("lurker", 0) > 0.5 * len(truth)
    for r in ("distributor", "requester", "regular", "newcomer"):
        assert counts.get(r, 0) > 10


@pytest.mark.parametrize("name", MODELS)
def test_size_at_scale_one(name):
    tables, truth = MODELS[name].generate(seed=0, scale=1.0)
    posts = tables["posts"]
    assert 2000 <= len(tables["members"]) <= 12000
    assert 500 <= posts["author_id"].nunique() <= 2000
    assert 10_000 <= len(posts) <= 40_000


# -- welcome ---------------------------------------------------------------------------

def test_welcome_introductions_answered_by_moderators(generated):
    tables, truth = generated["welcome"]
    p = _frame(tables, truth)
    intro = p[p["category"] == "introductions"]
    by_thread = intro.groupby("thread_id")["role"]
    staff = by_thread.apply(lambda r: r.isin(["moderator", "admin"]).any())
    assert staff.mean() > 0.8
    # once the moderators are appointed (second half of the forum's life), they do the welcoming
    opened = intro.groupby("thread_id")["created_at"].min()
    half = welcome.START + pd.Timedelta(days=welcome.DAYS / 2)
    moderator = by_thread.apply(lambda r: (r == "moderator").any())
    assert moderator[opened > half].mean() > 0.8
    # every ordinary posting member applied
    applicants = set(tables["threads"].merge(tables["subforums"], on="subforum_id")
                     .query("category == 'introductions'")["author_id"])
    posters = truth[truth["role"].isin(["distributor", "requester", "regular", "newcomer", "technical"])]
    assert posters["member_id"].isin(list(applicants)).mean() > 0.95


def test_welcome_moderators_police_across_subforums(generated):
    tables, truth = generated["welcome"]
    p = _frame(tables, truth)
    mods = p[p["role"] == "moderator"]
    started = tables["threads"]["author_id"].isin(truth.loc[truth["role"] == "moderator", "member_id"]).sum()
    assert started < 0.1 * len(mods)                       # rarely start threads
    assert mods.groupby("author_id")["subforum_id"].nunique().median() >= 6
    others = p[p["role"].isin(["requester", "regular"])]
    assert (mods.groupby("author_id")["thread_id"].nunique().median()
            > 5 * others.groupby("author_id")["thread_id"].nunique().median())
    # warnings carry reply_to: moderators quote more often than the forum as a whole
    assert mods["reply_to"].notna().mean() > p["reply_to"].notna().mean()


def test_welcome_technical_members_hold_ordinary_ranks(generated):
    tables, truth = generated["welcome"]
    m = tables["members"].merge(truth, on="member_id")
    tech = m[m["role"] == "technical"]
    assert not tech["is_staff"].any()
    assert (tech["rank_level"] < welcome.MOD_RANK).all()
    assert tech["status"].isin(welcome.LADDER).all()
    p = _frame(tables, truth)
    tp = p[p["role"] == "technical"]
    assert (tp["category"] == "technical").mean() > 0.5
    # each wrote at least one tutorial (a technical thread of their own)
    th = tables["threads"].merge(tables["subforums"], on="subforum_id")
    tut = th[th["category"] == "technical"]["author_id"]
    assert tech["member_id"].isin(list(tut)).all()
    # they are the main answerers of other members' questions (a handful among hundreds)
    starter = tables["threads"].set_index("thread_id")["author_id"]
    q = p[(p["category"] == "technical")]
    q = q[~starter.reindex(q["thread_id"]).isin(list(tech["member_id"])).to_numpy()]
    replies = q[q["post_id"] != q.groupby("thread_id")["post_id"].transform("min")]
    assert len(replies) > 100
    assert (replies["role"] == "technical").mean() > 0.25


def test_welcome_status_ladder_earned_by_sharing(generated):
    tables, truth = generated["welcome"]
    m = tables["members"].merge(truth, on="member_id")
    high = m[(m["rank_level"] >= 4) & (m["rank_level"] < welcome.MOD_RANK)]
    assert len(high) > 0 and (high["role"] == "distributor").all()
    staff = m[m["is_staff"]]
    assert set(staff["role"]) <= {"admin", "moderator", "distributor"}   # uploaders are honorary staff
    assert (m.loc[m["role"] == "lurker", "rank_level"] == 0).all()
    restricted = tables["subforums"].dropna(subset=["min_rank"])
    assert set(restricted["category"]) >= {"private", "content"}


# -- megathread ------------------------------------------------------------------------

def test_megathread_few_threads_hold_most_posts(generated):
    tables, truth = generated["megathread"]
    posts = tables["posts"]
    sizes = posts["thread_id"].value_counts()
    assert len(tables["threads"]) <= 150
    assert len(tables["subforums"]) == 3
    assert sizes.head(10).sum() > 0.7 * len(posts)
    assert len(posts) / len(tables["threads"]) > 50
    # sharing is posting in the big threads, not starting threads
    p = _frame(tables, truth)
    dist = p[p["role"] == "distributor"]
    distributors = truth.loc[truth["role"] == "distributor", "member_id"]
    started = tables["threads"]["author_id"].isin(distributors).sum()
    assert started < 0.05 * len(dist)
    big = set(sizes.index[sizes >= 200])
    assert dist["thread_id"].isin(list(big)).mean() > 0.7


def test_megathread_replies_mostly_implicit(generated):
    tables, _ = generated["megathread"]
    share = tables["posts"]["reply_to"].notna().mean()
    assert 0.2 < share < 0.4


def test_megathread_technical_subforum(generated):
    tables, truth = generated["megathread"]
    p = _frame(tables, truth)
    tech = p[p["category"] == "technical"]
    sizes = tech["thread_id"].value_counts()
    assert (sizes >= 30).sum() >= 3                         # a handful of long threads
    assert sizes.head(3).sum() > 0.4 * len(tech)
    assert (tech["role"] == "technical").mean() > 0.15      # 2-4 members among hundreds
    tp = p[p["role"] == "technical"]
    assert (tp["category"] == "technical").mean() > max(0.3, 2 * (p["category"] == "technical").mean())
    counts = truth["role"].value_counts()
    assert 1 <= counts["admin"] <= 2 and 1 <= counts["moderator"] <= 2 and 2 <= counts["technical"] <= 4


def test_megathread_three_statuses(generated):
    tables, truth = generated["megathread"]
    m = tables["members"].merge(truth, on="member_id")
    assert set(m["status"]) <= {"member", "full member", "staff"}
    assert m.loc[m["role"].isin(["admin", "moderator"]), "is_staff"].all()
    assert m.loc[~m["role"].isin(list(KEY)), "is_staff"].sum() == 0
    assert np.array_equal(m["rank_level"] == 2, m["is_staff"])
