"""Validity models "career" and "helpdesk" (benchmarks/validity/models): valid
tables, determinism, complete truth, plausible key actors and their mechanisms."""
from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netanalysis import read_forum
from netanalysis.forum import CATEGORIES

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks" / "validity" / "models"))
career = importlib.import_module("career")
helpdesk = importlib.import_module("helpdesk")

MODELS = {"career": career, "helpdesk": helpdesk}
ROLES = {"admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker"}
KEY = {"admin", "moderator", "technical"}
SCALE = 0.5


@functools.lru_cache(maxsize=None)
def run(name: str, seed: int = 0, scale: float = SCALE):
    return MODELS[name].generate(seed=seed, scale=scale)


@functools.lru_cache(maxsize=None)
def career_run(seed: int = 0, scale: float = SCALE):
    return career.simulate(seed=seed, scale=scale)


def joined_posts(tables, truth):
    """Posts with their subforum's name and category, the thread's starter, the
    author of the post replied to, and the author's true role."""
    th = tables["threads"].merge(tables["subforums"], on="subforum_id")
    th = th.rename(columns={"author_id": "starter"})[["thread_id", "starter", "name", "category"]]
    p = tables["posts"].merge(th, on="thread_id")
    by_post = tables["posts"].set_index("post_id")["author_id"]
    p["target_author"] = p["reply_to"].map(by_post)
    p["role"] = p["author_id"].map(truth.set_index("member_id")["role"])
    return p


# --- both models ------------------------------------------------------------------

@pytest.mark.parametrize("name", MODELS)
def test_module_interface(name):
    mod = MODELS[name]
    assert mod.NAME == name
    assert isinstance(mod.DESCRIPTION, str) and mod.DESCRIPTION and "\n" not in mod.DESCRIPTION
    assert mod.__doc__ and "Truth rule" in mod.__doc__


@pytest.mark.parametrize("name", MODELS)
def test_read_forum_accepts(name):
    tables, truth = run(name)
    assert set(tables) == {"posts", "threads", "subforums", "members", "messages"}
    forum = read_forum(tables)
    assert forum.report.ok
    assert len(forum.posts) == len(tables["posts"])
    assert len(forum.members) == len(tables["members"])
    assert len(forum.messages) == len(tables["messages"]) > 0
    assert set(tables["subforums"]["category"]) <= set(CATEGORIES)
    for table, col in (("posts", "created_at"), ("threads", "created_at"), ("members", "joined_at"),
                       ("members", "last_seen_at"), ("messages", "created_at")):
        assert str(tables[table][col].dtype) == "datetime64[ns, UTC]" or str(tables[table][col].dt.tz) == "UTC"
    # full metadata present; a restricted subforum carries min_rank
    m = tables["members"]
    assert m[["status", "rank_level", "joined_at", "last_seen_at", "is_staff"]].notna().all().all()
    assert tables["subforums"]["min_rank"].notna().any()
    # each thread's creation is its first post; nobody posts before joining or after last seen
    first = tables["posts"].groupby("thread_id")["created_at"].min()
    assert (tables["threads"].set_index("thread_id")["created_at"] == first).all()
    span = tables["posts"].groupby("author_id")["created_at"].agg(["min", "max"])
    mm = m.set_index("member_id").loc[span.index]
    assert (mm["joined_at"] <= span["min"]).all()
    assert (mm["last_seen_at"] >= span["max"]).all()


@pytest.mark.parametrize("name", MODELS)
def test_deterministic(name):
    a_tables, a_truth = MODELS[name].generate(seed=3, scale=0.2)
    b_tables, b_truth = MODELS[name].generate(seed=3, scale=0.2)
    for t in a_tables:
        pd.testing.assert_frame_equal(a_tables[t], b_tables[t])
    pd.testing.assert_frame_equal(a_truth, b_truth)
    c_tables, _ = MODELS[name].generate(seed=4, scale=0.2)
    assert not a_tables["posts"].equals(c_tables["posts"])


@pytest.mark.parametrize("name", MODELS)
def test_truth_covers_every_member(name):
    tables, truth = run(name)
    assert list(truth.columns[:3]) == ["member_id", "role", "key_actor"]
    assert truth["member_id"].is_unique
    assert set(truth["member_id"]) == set(tables["members"]["member_id"])
    assert set(truth["role"]) <= ROLES
    assert (truth["key_actor"] == truth["role"].isin(KEY)).all()
    # nobody without a post is anything but a lurker, unless on the team
    posted = set(tables["posts"]["author_id"])
    silent = truth[~truth["member_id"].isin(posted)]
    assert (silent["role"].isin(KEY | {"lurker"})).all()
    assert (truth.loc[truth["member_id"].isin(posted), "role"] != "lurker").all()
    # most members never post
    assert (truth["role"] == "lurker").mean() > 0.6


@pytest.mark.parametrize("name", MODELS)
def test_key_actors_plausible(name):
    tables, truth = run(name)
    counts = truth["role"].value_counts()
    assert 1 <= counts.get("admin", 0) <= 5
    assert 2 <= counts.get("moderator", 0) <= 15
    assert 1 <= counts.get("technical", 0) <= 10
    posting = tables["posts"]["author_id"].nunique()
    assert truth["key_actor"].sum() < 0.06 * posting
    for role in ("distributor", "requester", "regular", "newcomer"):
        assert counts.get(role, 0) >= 10
    # staff flag: admins and moderators only (technical members never carry it)
    staff = tables["members"].merge(truth, on="member_id")
    assert not staff.loc[staff["role"] == "technical", "is_staff"].any()
    assert staff.loc[staff["role"] == "admin", "is_staff"].all()
    assert set(staff.loc[staff["is_staff"], "role"]) <= {"admin", "moderator"}


@pytest.mark.parametrize("name", MODELS)
def test_size_at_scale_one(name):
    tables, truth = run(name, 0, 1.0)
    assert 3000 <= len(tables["members"]) <= 12000
    assert 800 <= tables["posts"]["author_id"].nunique() <= 2000
    assert 15000 <= len(tables["posts"]) <= 40000


# --- career -------------------------------------------------------------------------

def test_career_staff_recruited_from_active_members():
    r = career_run()
    tables = r.tables
    posts = tables["posts"]
    tech_threads = joined_posts(tables, r.truth).query("category == 'technical'")
    members = tables["members"].set_index("member_id")
    start = posts["created_at"].min()
    rc = r.recruited
    assert {"moderator", "technical"} <= set(rc["role"])
    for _, row in rc.iterrows():
        assert row["at"] >= start + pd.Timedelta(days=min(career.MOD_START_DAY, career.TECH_START_DAY))
        joined = members.loc[row["member_id"], "joined_at"]
        assert row["at"] - joined >= pd.Timedelta(days=career.MOD_MIN_TENURE)
        before = posts[(posts["author_id"] == row["member_id"]) & (posts["created_at"] < row["at"])]
        assert len(before) >= career.MOD_MIN_POSTS
        if row["role"] == "technical":
            tb = tech_threads[(tech_threads["author_id"] == row["member_id"]) & (tech_threads["created_at"] < row["at"])]
            assert len(tb) >= career.TECH_MIN_POSTS
    # staff need not be the earliest members: some recruits joined well after the founding
    late = rc["member_id"].map(members["joined_at"]) > start + pd.Timedelta(days=150)
    assert late.sum() >= 2
    # the admin and the recruit exchange a private message at recruitment
    msg = tables["messages"]
    admins = set(r.truth.loc[r.truth["role"] == "admin", "member_id"])
    for _, row in rc.iterrows():
        hit = msg[(msg["recipient_id"] == row["member_id"]) & msg["sender_id"].isin(admins)
                  & ((msg["created_at"] - row["at"]).abs() < pd.Timedelta(hours=1))]
        assert len(hit) >= 1


def test_career_members_move_between_roles():
    r = career_run()
    sp = r.spells
    posted = set(r.tables["posts"]["author_id"])
    n_roles = sp[sp["member_id"].isin(posted)].groupby("member_id")["role"].nunique()
    assert (n_roles >= 2).mean() > 0.2            # many posters changed role
    # everyone's first spell is as a newcomer (admins aside)
    first = sp.sort_values("start").drop_duplicates("member_id")
    assert set(first["role"]) == {"newcomer", "admin"}
    # some members went from requester to distributor
    seq = sp.sort_values(["member_id", "start"]).groupby("member_id")["role"].agg(list)
    assert any("requester" in s and "distributor" in s[s.index("requester"):] for s in seq)


def test_career_retirement_and_truth_rule():
    retired_total = 0
    for seed in (0, 1):
        r = career_run(seed)
        sp, truth = r.spells, r.truth.set_index("member_id")
        end = r.tables["posts"]["created_at"].max()
        staff_sp = sp[sp["role"].isin(["moderator", "technical"])].copy()
        staff_sp["days"] = (staff_sp["end"] - staff_sp["start"]) / pd.Timedelta(days=1)
        retired = staff_sp.groupby("member_id").filter(lambda g: (g["end"] < end - pd.Timedelta(days=1)).all())
        retired_total += retired["member_id"].nunique()
        for m, g in staff_sp.groupby("member_id"):
            last = sp[sp["member_id"] == m].sort_values("start").iloc[-1]
            holds_now = last["role"] in ("moderator", "technical") and last["end"] >= end.floor("D")
            long = g["days"].sum() >= career.KEY_MIN_DAYS
            if holds_now or long:
                assert truth.loc[m, "role"] == g.groupby("role")["days"].sum().idxmax()
            else:
                assert truth.loc[m, "role"] not in KEY
        # retired staff are no longer flagged, but say so in their status
        members = r.tables["members"].set_index("member_id")
        for m in retired["member_id"].unique():
            assert not members.loc[m, "is_staff"]
    assert retired_total >= 1


def test_career_staff_behaviour():
    r = career_run()
    p = joined_posts(r.tables, r.truth)
    intro = p[p["category"] == "introductions"]
    greeted = intro[intro["role"].isin(["moderator", "admin"]) & (intro["author_id"] != intro["starter"])]
    assert greeted["thread_id"].nunique() > 0.4 * intro["thread_id"].nunique()
    tech = p[(p["category"] == "technical") & (p["author_id"] != p["starter"])]
    assert (tech["role"] == "technical").mean() > 0.3
    # the staff room holds those who were staff when they posted
    staff_room = p[p["name"] == "staff-room"]
    assert len(staff_room) > 50
    sp = r.spells[r.spells["role"].isin(list(KEY))]
    both = staff_room.merge(sp, left_on="author_id", right_on="member_id")
    inside = both[(both["created_at"] >= both["start"].dt.floor("s")) & (both["created_at"] <= both["end"])]
    assert inside["post_id"].nunique() == len(staff_room)


# --- helpdesk -------------------------------------------------------------------------

def test_helpdesk_technical_members_answer_most_questions():
    tables, truth = run("helpdesk")
    p = joined_posts(tables, truth)
    help_ = p[p["category"] == "technical"]
    answers = help_[(help_["author_id"] != help_["starter"]) & (help_["target_author"] == help_["starter"])]
    assert len(answers) > 500
    assert (answers["role"] == "technical").mean() > 0.5
    # ...and rarely share
    tech_posts = p[p["role"] == "technical"]
    assert tech_posts["category"].isin(["content", "requests"]).mean() < 0.03
    assert (tech_posts["category"] == "technical").mean() > 0.5


def test_helpdesk_askers_come_and_go_with_follow_ups():
    tables, truth = run("helpdesk")
    p = joined_posts(tables, truth)
    help_ = p[p["name"].str.startswith("help-") | (p["name"] == "solved-archive")]
    starters = help_.drop_duplicates("thread_id")
    askers = starters[~starters["role"].isin(KEY)]
    per_asker = askers.groupby("starter").size()
    assert (per_asker <= 3).mean() > 0.9
    assert (per_asker == 1).mean() > 0.5
    # askers come back: the starter posts again after someone else in many threads
    def follows_up(g):
        other = g["author_id"] != g["starter"]
        if not other.any():
            return False
        first_other = g.loc[other, "created_at"].min()
        return ((g["author_id"] == g["starter"]) & (g["created_at"] > first_other)).any()
    share = help_.groupby("thread_id").apply(follows_up).mean()
    assert 0.25 < share < 0.9
    # the team stays long, askers do not
    span = p.groupby("author_id")["created_at"].agg(lambda s: (s.max() - s.min()) / pd.Timedelta(days=1))
    role = truth.set_index("member_id")["role"]
    tech_span = span[role.reindex(span.index) == "technical"]
    asker_span = span[span.index.isin(askers["starter"])]
    assert tech_span.median() > 150
    assert asker_span.median() < 30


def test_helpdesk_moderators_and_admins():
    tables, truth = run("helpdesk")
    p = joined_posts(tables, truth)
    mods = p[p["role"] == "moderator"]
    # short replies in many threads across subforums
    per_mod = mods.groupby("author_id").agg(subforums=("name", "nunique"), threads=("thread_id", "nunique"),
                                            posts=("post_id", "size"))
    assert (per_mod["subforums"] >= 6).all()
    assert (per_mod["threads"] / per_mod["posts"]).median() > 0.7
    # moderators greet in introductions
    intro = p[p["category"] == "introductions"]
    greeted = intro[intro["role"] == "moderator"]["thread_id"].nunique()
    assert greeted > 0.6 * intro["thread_id"].nunique()
    # admins write the announcements and rules
    starters = p.drop_duplicates("thread_id")
    ann = starters[starters["category"].isin(["announcements", "rules"])]
    assert (ann["role"] == "admin").all()
    # technical members may hold ordinary ranks; moderators and admins hold staff ranks
    members = tables["members"].merge(truth, on="member_id")
    assert members.loc[members["role"].isin(["moderator", "admin"]), "rank_level"].min() >= 4
    assert members.loc[members["role"] == "technical", "rank_level"].max() <= 3
