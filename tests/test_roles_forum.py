"""Tests of netanalysis.roles.forum_roles on hand-made forums where each role's
behaviour is unmistakable, with and without metadata, and on the tiny preset."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.forum import read_forum
from netanalysis.roles._features import below_share, member_features, subforum_kinds
from netanalysis.roles.forum_roles import KEY_ROLES, ROLES, forum_roles

START = pd.Timestamp("2012-01-01", tz="UTC")
DAY = pd.Timedelta(days=1)

SUBFORUMS = pd.DataFrame({
    "subforum_id": [1, 2, 3, 4, 5, 6],
    "category": ["announcements", "technical", "introductions", "content", "content", "requests"],
})


class _Builder:
    """Threads and posts written by named members at given days."""

    def __init__(self):
        self.threads, self.posts = [], []

    def thread(self, subforum, starter, day, replies=()):
        """A thread opened by ``starter`` on ``day``; ``replies`` are
        ``(author, day, quotes_opening)``."""
        tid = len(self.threads) + 1
        self.threads.append({"thread_id": tid, "subforum_id": subforum, "author_id": starter})
        first = len(self.posts) + 1
        self.posts.append({"post_id": first, "thread_id": tid, "author_id": starter,
                           "created_at": START + day * DAY, "reply_to": None})
        for author, rday, quote in replies:
            self.posts.append({"post_id": len(self.posts) + 1, "thread_id": tid, "author_id": author,
                               "created_at": START + rday * DAY + pd.Timedelta(minutes=len(self.posts)),
                               "reply_to": first if quote else None})
        return tid


def _members(names, joined, rank, staff):
    return pd.DataFrame({"member_id": names, "joined_at": [START + d * DAY for d in joined],
                         "rank_level": pd.array(rank, dtype="Int64"), "is_staff": pd.array(staff, dtype="boolean")})


def handmade_tables(seed: int = 0):
    """A two-year forum with one admin, one moderator, one technical member,
    distributors, requesters, regulars, newcomers and lurkers."""
    rng = np.random.default_rng(seed)
    b = _Builder()
    regulars = [f"reg{i}" for i in range(30)]
    requesters = [f"req{i}" for i in range(8)]
    distributors = [f"dist{i}" for i in range(4)]
    newcomers = [f"new{i}" for i in range(12)]
    lurkers = [f"lurk{i}" for i in range(40)]
    crowd = regulars + requesters + distributors
    join = {"admin": 0, "mod": 20, "tech": 5, "fake": 600}
    join.update({m: int(rng.integers(0, 400)) for m in regulars + requesters + distributors})
    join.update({m: int(rng.integers(650, 700)) for m in newcomers})
    join.update({m: int(rng.integers(0, 700)) for m in lurkers})

    def pick(names, k, after):
        pool = [m for m in names if join[m] <= after]
        return list(rng.choice(pool, size=min(k, len(pool)), replace=False))

    # The admin announces through the whole life of the forum; everybody reacts.
    for day in range(1, 720, 30):
        b.thread(1, "admin", day, [(m, day + 1, False) for m in pick(crowd, 6, day)] + [("mod", day + 2, False)])
    # Content: distributors share, the crowd (and staff now and then) reacts.
    for i in range(60):
        day = int(rng.integers(0, 700))
        starter = pick(distributors, 1, day) or ["admin"]
        reacts = [(m, day + 1 + j % 5, False) for j, m in enumerate(pick(regulars + requesters, 8, day))]
        if i % 6 == 0:
            reacts.append(("mod", day + 2, False))
        if i % 10 == 0:
            reacts.append(("admin", day + 3, False))
        b.thread(4 + i % 2, starter[0], day, reacts)
    # Requests: requesters ask, a few others answer.
    for i in range(40):
        day = int(rng.integers(30, 700))
        asker = pick(requesters, 1, day)
        if asker:
            b.thread(6, asker[0], day, [(m, day + 1, False) for m in pick(requesters + regulars[:5], 3, day)]
                     + [(asker[0], day + 2, False)] + ([("admin", day + 3, False)] if i % 8 == 0 else []))
    # Technical questions by new and ordinary members, answered by the technical member.
    for i, asker in enumerate(newcomers + regulars[:20]):
        day = max(join[asker] + 2, 40 + i * 15)
        b.thread(2, asker, day, [("tech", day + 1, True), (asker, day + 2, False), ("tech", day + 3, True)])
    # Tutorials by the technical member.
    for day in range(10, 700, 70):
        b.thread(2, "tech", day, [(m, day + 1, False) for m in pick(regulars, 3, day)] + [("admin", day + 4, False)])
    # Introductions: every newcomer, welcomed by the moderator and the admin.
    for m in newcomers + regulars[:10]:
        day = join[m] + 1
        b.thread(3, m, day, [("mod", day + 1, True), ("admin", day + 2, False)] + [(r, day + 3, False) for r in pick(regulars, 2, day)])
    # The moderator answers across the forum.
    for i in range(50):
        day = int(rng.integers(30, 700))
        starter = pick(regulars + requesters, 1, day)
        b.thread(4 + i % 3, starter[0], day, [("mod", day + 1, True), (starter[0], day + 2, False)])
    # A member marked staff with the highest status who joined late and only
    # reacts to content now and then.
    for i in range(3):
        day = 620 + 20 * i
        b.thread(4, "reg0", day, [("fake", day + 1, False)])

    names = ["admin", "mod", "tech", "fake"] + distributors + requesters + regulars + newcomers + lurkers
    roles_rank = {"admin": 5, "mod": 4, "tech": 4, "fake": 5}
    rank = [roles_rank.get(m, 3 if m in distributors else 1 if m in newcomers + lurkers else 2) for m in names]
    staff = [m in ("admin", "fake") for m in names]
    members = _members(names, [join[m] for m in names], rank, staff)
    return {"posts": pd.DataFrame(b.posts), "threads": pd.DataFrame(b.threads), "subforums": SUBFORUMS.copy(),
            "members": members}


@pytest.fixture(scope="module")
def tables():
    return handmade_tables()


@pytest.fixture(scope="module")
def roles(tables):
    return forum_roles(read_forum(tables))


def test_output_shape(roles, tables):
    assert list(roles.index) == list(tables["members"]["member_id"])
    assert {"role", "confidence", "evidence", "key_score"} <= set(roles.columns)
    assert set(roles["role"].astype(str)) <= set(ROLES)
    assert roles["confidence"].between(0, 1).all()
    assert roles["evidence"].notna().all()


def test_unmistakable_roles(roles):
    assert roles.loc["admin", "role"] == "admin"
    assert roles.loc["tech", "role"] == "technical"
    assert roles.loc["mod", "role"] == "moderator"
    assert (roles.loc[[f"lurk{i}" for i in range(40)], "role"] == "lurker").all()
    assert (roles.loc[[f"dist{i}" for i in range(4)], "role"] == "distributor").mean() >= 0.75
    assert (roles.loc[[f"new{i}" for i in range(12)], "role"] == "newcomer").mean() >= 0.75
    # The three staff rank first as key actors, above every busy ordinary member.
    assert set(roles["key_score"].nlargest(3).index) == {"admin", "tech", "mod"}
    # Known limit: in a forum this small (60 posters) the busiest regular can
    # pass the moderator bar too; never more than one.
    assert roles["role"].isin(KEY_ROLES).sum() <= 4


def test_evidence_in_words(roles):
    tech = roles.loc["tech", "evidence"]
    assert "technical subforums" in tech and "percentile" in tech
    assert "distinct members" in tech
    assert "inferred" not in tech   # categories were given
    assert roles.loc["lurk0", "evidence"] == "no public post"


def test_staff_flag_without_staff_behaviour(roles):
    assert roles.loc["fake", "role"] not in KEY_ROLES
    assert "marked staff but does not act as staff" in roles.loc["fake", "evidence"]
    assert roles.loc["fake", "key_score"] < roles.loc["mod", "key_score"]


@pytest.mark.parametrize("drop", [
    ("members", "rank_level"), ("members", "is_staff"), ("subforums", "category"), ("all", None)])
def test_missing_metadata(tables, roles, drop):
    t = {k: v.copy() for k, v in tables.items()}
    if drop[0] == "all":
        t["members"] = t["members"].drop(columns=["rank_level", "is_staff"])
        t["subforums"] = t["subforums"].drop(columns=["category"])
    else:
        t[drop[0]] = t[drop[0]].drop(columns=[drop[1]])
    r = forum_roles(read_forum(t))
    top3 = set(r["key_score"].nlargest(3).index)
    assert top3 == {"admin", "tech", "mod"}
    assert r.loc["tech", "role"] == "technical"
    assert r.loc["lurk0", "role"] == "lurker"
    if drop[0] != "subforums":
        # Less metadata, less confidence for the staff; never more.
        assert r.loc["tech", "confidence"] <= roles.loc["tech", "confidence"] + 1e-9
    if drop[0] in ("subforums", "all"):
        assert "inferred from behaviour" in r.loc["tech", "evidence"]


def test_subforum_kinds_inferred_from_behaviour(tables):
    t = {k: v.copy() for k, v in tables.items()}
    t["subforums"] = t["subforums"].drop(columns=["category"])
    kinds = subforum_kinds(read_forum(t))
    names = kinds.names()
    assert kinds.inferred.all()
    assert names[1] == "technical"        # questions answered by one veteran, askers come back
    assert names[2] == "introductions"    # where members' first posts land
    assert names[0] == "announcements"    # one founder opens every thread


def test_technical_member_with_ordinary_rank(tables):
    t = {k: v.copy() for k, v in tables.items()}
    m = t["members"]
    m.loc[m["member_id"] == "tech", "rank_level"] = 1
    r = forum_roles(read_forum(t))
    assert r.loc["tech", "role"] == "technical"
    assert "ordinary rank" in r.loc["tech", "evidence"]


def test_deterministic(tables):
    a = forum_roles(read_forum(tables))
    b = forum_roles(read_forum(tables))
    pd.testing.assert_frame_equal(a, b)


def test_graph_argument_restricts_answers(tables):
    from netanalysis.graphs import reply_graph
    forum = read_forum(tables)
    full = member_features(forum)
    r = forum_roles(forum, graph=reply_graph(forum, rule="explicit"))
    assert r.loc["tech", "role"] == "technical"
    assert full.loc["tech", "answered_members"] > 0


def test_below_share():
    v = np.array([0.0, 0.0, 1.0, 5.0])
    assert below_share(v).tolist() == [0.0, 0.0, 0.5, 0.75]
    assert below_share(v, np.array([False, False, True, True])).tolist() == [0.0, 0.0, 0.0, 0.5]


def test_tiny_preset():
    from synthetic import generate_forum
    from netanalysis.evaluate import precision_at_k, role_report
    scores = []
    for seed in (0, 1):
        forum, truth = generate_forum("tiny", seed=seed)
        r = forum_roles(forum)
        key = truth.loc[truth["key_actor"], "member_id"]
        ranking = pd.Series(np.where(r["role"].isin(KEY_ROLES), 2 + r["confidence"], r["key_score"]), index=r.index)
        true_role = truth.set_index("member_id")["role"].astype(object).reindex(r.index)
        scores.append((precision_at_k(ranking, key, len(key)), role_report(true_role, r["role"].astype(object)).macro_f1))
    p_at_k = np.mean([s[0] for s in scores])
    macro = np.mean([s[1] for s in scores])
    assert p_at_k >= 0.6
    assert macro >= 0.45


def test_kind_from_reference_subforum(tables):
    """A subforum without category that behaves like the forum's known
    technical subforum is read as technical."""
    t = {k: v.copy() for k, v in tables.items()}
    threads = t["threads"]
    tech_threads = threads.index[threads["subforum_id"] == 2]
    threads.loc[tech_threads[::2], "subforum_id"] = 7
    t["subforums"] = pd.concat([t["subforums"], pd.DataFrame({"subforum_id": [7], "category": [None]})],
                               ignore_index=True)
    kinds = subforum_kinds(read_forum(t))
    assert kinds.names()[6] == "technical"
    assert kinds.inferred.tolist() == [False] * 6 + [True]


def test_moderator_with_the_management_status(tables):
    """Where moderators share the top status and the staff flag, a member
    who acts as a moderator stays a moderator; the founder stays admin."""
    t = {k: v.copy() for k, v in tables.items()}
    m = t["members"]
    m.loc[m["member_id"] == "mod", ["rank_level", "is_staff"]] = [5, True]
    r = forum_roles(read_forum(t))
    assert r.loc["mod", "role"] == "moderator"
    assert r.loc["admin", "role"] == "admin"


def test_single_post_members(tables):
    """One post long ago: a lurker who spoke once; one introduction at the
    end of the record: a newcomer."""
    t = {k: v.copy() for k, v in tables.items()}
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    b.thread(3, "lurk1", 30, [("mod", 31, True)])
    b.thread(3, "lurk2", 715, [("mod", 716, True)])
    m = t["members"]
    m.loc[m["member_id"] == "lurk1", "joined_at"] = START + 29 * DAY
    m.loc[m["member_id"] == "lurk2", "joined_at"] = START + 714 * DAY
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    r = forum_roles(read_forum(t))
    assert r.loc["lurk1", "role"] == "lurker"
    assert r.loc["lurk2", "role"] == "newcomer"


def test_new_member_features(tables):
    forum = read_forum(tables)
    f = member_features(forum)
    assert (f["message_partners"] == 0).all()   # no messages table
    t = {k: v.copy() for k, v in tables.items()}
    t["messages"] = pd.DataFrame({"message_id": [1, 2, 3], "sender_id": ["reg1", "reg2", "mod"],
                                  "recipient_id": ["mod", "mod", "reg1"],
                                  "created_at": [START + 100 * DAY] * 3})
    f2 = member_features(read_forum(t))
    assert f2.loc["mod", "message_partners"] == 2
    assert f2.loc["reg1", "message_partners"] == 1
    # Months present count private messages too: a member with no post is
    # present in the month of their message.
    t["messages"].loc[0, "sender_id"] = "lurk7"
    f3 = member_features(read_forum(t))
    assert f3.loc["lurk7", "months_active"] == 0 and f3.loc["lurk7", "months_present"] == 1
    assert (f3["months_present"] >= f3["months_active"]).all()


def test_alt_forum_model():
    """The independent model of benchmarks/alt_forum.py: deterministic, and
    its truth is consistent with the records."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from alt_forum import alt_forum
    forum, truth = alt_forum(seed=3, n_members=600, days=200)
    again, truth2 = alt_forum(seed=3, n_members=600, days=200)
    pd.testing.assert_frame_equal(forum.posts, again.posts)
    pd.testing.assert_frame_equal(truth, truth2)
    posts = forum.posts["author_id"].value_counts()
    lurkers = truth.loc[truth["role"] == "lurker", "member_id"]
    assert not lurkers.isin(posts.index).any()
    assert truth["key_actor"].sum() == 9
    r = forum_roles(forum)
    assert set(r.index) == set(truth["member_id"])


def test_key_scores_on_one_scale(roles):
    """``score_<role>`` is a position among posting members, the same scale
    for the three key roles; members given a key role rank first."""
    scores = roles[[f"score_{r}" for r in KEY_ROLES]]
    assert scores.stack().between(0, 1).all()
    is_key = roles["role"].isin(KEY_ROLES)
    assert (roles.loc[is_key, "key_score"] >= 0.5).all()
    assert (roles.loc[~is_key, "key_score"] < 0.5).all()
    assert (scores.loc[[f"lurk{i}" for i in range(40)]] == 0).all().all()
    # The best member of every key role sits at the top of its own scale.
    for r in KEY_ROLES:
        assert scores[f"score_{r}"].idxmax() in {"admin", "mod", "tech"}


def test_single_post_is_no_pattern(tables):
    """One post, even a request thread in the middle of the record, does not
    make a requester, a distributor or a regular."""
    t = {k: v.copy() for k, v in tables.items()}
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    b.thread(6, "lurk3", 300, [("req0", 301, False), ("req1", 302, False)])
    b.thread(4, "lurk4", 300, [(f"reg{i}", 301, False) for i in range(8)])
    m = t["members"]
    m.loc[m["member_id"].isin(["lurk3", "lurk4"]), "joined_at"] = START + 299 * DAY
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    r = forum_roles(read_forum(t))
    assert r.loc["lurk3", "role"] == "lurker"
    assert r.loc["lurk4", "role"] == "lurker"


def test_busy_sharer_marked_staff_is_not_staff(tables):
    """The staff flag and the highest status on a member who only shares
    (opens content threads, answers in no staff area, no technical help)
    do not make a key actor: the flag is evidence, not a verdict."""
    t = {k: v.copy() for k, v in tables.items()}
    m = t["members"]
    m.loc[m["member_id"] == "dist0", ["rank_level", "is_staff"]] = [5, True]
    r = forum_roles(read_forum(t))
    assert r.loc["dist0", "role"] not in KEY_ROLES
    assert "marked staff but does not act as staff" in r.loc["dist0", "evidence"]
    assert r.loc["dist0", "key_score"] < min(r.loc[["admin", "mod", "tech"], "key_score"])


def test_status_proven_by_restricted_subforum(tables):
    """A post in a subforum open only from status 4 proves that status:
    ``access_rank`` holds it, and with ``rank_level`` missing the evidence
    of a key actor names it."""
    t = {k: v.copy() for k, v in tables.items()}
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    b.thread(7, "mod", 100, [("tech", 101, False), ("admin", 102, False)])
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    t["subforums"] = pd.concat([t["subforums"].assign(min_rank=pd.array([None] * 6, dtype="Int64")),
                                pd.DataFrame({"subforum_id": [7], "category": ["private"],
                                              "min_rank": pd.array([4], dtype="Int64")})], ignore_index=True)
    f = member_features(read_forum(t))
    assert f.loc["mod", "access_rank"] == 4 and f.loc["tech", "access_rank"] == 4
    assert np.isnan(f.loc["reg1", "access_rank"])
    m = t["members"]
    m.loc[m["member_id"] == "mod", "rank_level"] = pd.NA
    r = forum_roles(read_forum(t))
    assert r.loc["mod", "role"] == "moderator"
    assert "posts in a subforum open from status 4" in r.loc["mod", "evidence"]


def test_status_not_explained_by_contribution():
    """The staff-status evidence of :func:`_metadata`: the same status counts
    more for a member whose posts and shared threads do not explain it."""
    from netanalysis.roles.forum_roles import _metadata, _Scorer
    feats = pd.DataFrame({
        "posts": [5.0, 500.0, 20.0, 30.0, 40.0, 10.0],
        "started_content": [0.0, 40.0, 0.0, 1.0, 0.0, 0.0],
        "rank_level": [4.0, 4.0, 1.0, 2.0, 2.0, 1.0],
        "access_rank": [np.nan] * 6,
        "is_staff": [np.nan] * 6,
    }, index=["quiet_high", "sharer_high", "a", "b", "c", "d"])
    meta = _metadata(_Scorer(feats))
    assert meta["ladder"][0] == meta["ladder"][1] == 1.0
    assert meta["unexplained"][0] > 0.5 > meta["unexplained"][1]
    assert (meta["moderator"][:6] <= 1).all() and (meta["moderator"] >= 0).all()
    # A status the contribution explains adds nothing to the ladder.
    assert meta["moderator"][1] == meta["ladder"][1]


def test_doing_percentile_ties():
    """Members who all show a rare behaviour equally sit mid-way among those
    who show it; the only one who shows it most is at the top."""
    from netanalysis.roles.forum_roles import _Scorer
    feats = pd.DataFrame({"posts": [3.0] * 6, "x": [0.0, 1.0, 1.0, 1.0, 2.0, 0.0]})
    d = _Scorer(feats).pct_doing("x")
    assert d.tolist() == [0.0, 0.5, 0.5, 0.5, 1.0, 0.0]


def test_key_positions():
    """``key_score`` ranks a key actor on their own role's score among the
    posting members not given another key role, and the others on their
    best key-role score among the members given none (worked by hand)."""
    from netanalysis.roles.forum_roles import _key_positions
    key_matrix = np.array([[0.99, 0.95, 0.50, 0.40, 0.30, 0.0],    # admin
                           [0.98, 0.90, 0.88, 0.40, 0.30, 0.0]])   # moderator
    assigned = np.array([0, 1, -1, -1, -1, -1])
    posting = np.array([True] * 5 + [False])
    pos = _key_positions(key_matrix, assigned, posting)
    # Member 1 (moderator): the reference leaves member 0 (an admin) out;
    # 3 of its 4 members score lower, plus the tie-break 0.5 / 4 * 0.90.
    assert pos[1] == pytest.approx(3 / 4 + 0.5 / 4 * 0.90)
    assert pos[0] == pytest.approx(min(1.0, 3 / 4 + 0.5 / 4 * 0.99))
    # Member 2 (no key role): best of its positions among members 2-4,
    # 2 of 3 below on the moderator score.
    assert pos[2] == pytest.approx(2 / 3 + 0.5 / 3 * 0.88)
    assert pos[4] == pytest.approx(0.5 / 3 * 0.30)
    assert pos[5] == 0.0


def test_asking_without_request_subforum():
    """Where the forum has no request subforum, members who open threads
    with a larger share of their posts than most members do (threads that
    are not shares) and answer little are read as requesters; members who
    mostly answer are not."""
    rng = np.random.default_rng(1)
    b = _Builder()
    crowd = [f"m{i}" for i in range(40)]
    askers = [f"ask{i}" for i in range(5)]
    subforums = pd.DataFrame({"subforum_id": [1, 2], "category": ["content", "social"]})
    for i in range(60):            # shares by the first few, reactions by the crowd
        day = 5 * i
        b.thread(1, crowd[i % 4], day, [(m, day + 1, False) for m in rng.choice(crowd, 6, replace=False)])
    for i in range(50):            # chat threads opened by the crowd
        day = 3 + 6 * i
        b.thread(2, crowd[4 + i % 36], day, [(m, day + 1, False) for m in rng.choice(crowd, 3, replace=False)])
    for i in range(40):            # the askers open threads, others answer
        day = 2 + 7 * i
        asker = askers[i % 5]
        b.thread(2, asker, day, [(m, day + 1, False) for m in rng.choice(crowd, 2, replace=False)])
    members = pd.DataFrame({"member_id": crowd + askers})
    r = forum_roles(read_forum({"posts": pd.DataFrame(b.posts), "threads": pd.DataFrame(b.threads),
                                "subforums": subforums, "members": members}))
    assert (r.loc[askers, "role"] == "requester").all()
    assert "other than shares and announcements" in r.loc["ask0", "evidence"]
    assert (r.loc[crowd[4:], "role"] == "requester").mean() <= 0.1


def test_reference_votes_for_kinds_the_references_lack():
    """The references vote for the kinds they show by resemblance; a kind
    read from behaviour that no reference shows gets the best vote of the
    row (the references cannot argue against it); the fallback ``social``
    and ``private`` get none."""
    from netanalysis.roles._features import _PROFILE_FIGURES, KINDS, _reference_votes
    rng = np.random.default_rng(0)
    profile = pd.DataFrame(rng.uniform(0.1, 2.0, size=(5, len(_PROFILE_FIGURES))), columns=list(_PROFILE_FIGURES))
    kind = np.array([KINDS.index("content"), KINDS.index("content"), KINDS.index("requests"), -1, -1])
    reference = kind >= 0
    inferred = ~reference
    votes = _reference_votes(profile, kind, reference, inferred)
    assert votes.shape == (2, len(KINDS))
    shown = votes[:, [KINDS.index("content"), KINDS.index("requests")]]
    assert ((shown > 0) & (shown <= 1)).all()
    best = shown.max(axis=1)
    for k in ("announcements", "introductions", "technical"):
        np.testing.assert_array_equal(votes[:, KINDS.index(k)], best)
    for k in ("social", "private", "rules", "other"):
        assert (votes[:, KINDS.index(k)] == 0).all()


def test_kinds_absent_from_references_read_from_behaviour(tables):
    """With the categories of the announcements and the introductions areas
    missing, the categorised subforums (technical, content, requests) show
    neither kind; both are read from behaviour, not pulled towards the
    nearest kind the references show."""
    t = {k: v.copy() for k, v in tables.items()}
    sub = t["subforums"]
    sub["category"] = sub["category"].astype(object)
    sub.loc[sub["subforum_id"].isin([1, 3]), "category"] = None
    kinds = subforum_kinds(read_forum(t))
    assert kinds.inferred.tolist() == [True, False, True, False, False, False]
    assert kinds.names()[0] == "announcements"
    assert kinds.names()[2] == "introductions"


def test_opening_shares_counts_against_staff(tables):
    """Staff do not share the bulk of the material: opening content threads
    lowers the technical and moderator scores by the drop of the
    not-sharing reading (the lesser of the posts and threads readings)."""
    from netanalysis.roles.forum_roles import _key_behaviour, _Scorer
    forum = read_forum(tables)
    kinds = subforum_kinds(forum)
    feats = member_features(forum, kinds)
    row = feats.index.get_loc("tech")
    before = _key_behaviour(_Scorer(feats), kinds)[0]
    s = _Scorer(feats)
    posts_not_content = 1.0 - s.pct("cs", s.value("posts_content") / np.maximum(s.value("posts"), 1))
    sharing = feats.copy()
    sharing.loc["tech", "started_content"] = feats["started_content"].max() + 5   # the most shares of all
    after = _key_behaviour(_Scorer(sharing), kinds)[0]
    n_tech, n_mod = 8, 7      # behaviours averaged (no private messages in this forum)
    assert before["technical"][0][row] - after["technical"][0][row] == pytest.approx(posts_not_content[row] / n_tech)
    assert before["moderator"][0][row] - after["moderator"][0][row] == pytest.approx(posts_not_content[row] / n_mod)
    assert feats.loc["tech", "started_content"] == 0


def test_status_decides_between_management_and_moderator(tables):
    """A member whose behaviour reads as management and as a moderator is a
    moderator when their known status is below the highest and they are not
    marked staff; with the status unknown the behaviour alone reads
    management. The status never decides whether they are a key actor."""
    t = {k: v.copy() for k, v in tables.items()}
    m = t["members"]
    m.loc[m["member_id"] == "admin", ["rank_level", "is_staff"]] = [4, False]
    r = forum_roles(read_forum(t))
    assert r.loc["admin", "role"] == "moderator"
    assert "holds a status below the highest" in r.loc["admin", "evidence"]
    assert r.loc["admin", "key_score"] >= 0.5
    m.loc[m["member_id"] == "admin", ["rank_level", "is_staff"]] = [pd.NA, pd.NA]
    r = forum_roles(read_forum(t))
    assert r.loc["admin", "role"] == "admin"
    # A status proven by a post in a subforum open from status 4 is a lower
    # bound, not a status below the highest: the behaviour still decides.
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    b.thread(7, "admin", 100, [("mod", 101, False)])
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    t["subforums"] = pd.concat([t["subforums"].assign(min_rank=pd.array([None] * 6, dtype="Int64")),
                                pd.DataFrame({"subforum_id": [7], "category": ["private"],
                                              "min_rank": pd.array([4], dtype="Int64")})], ignore_index=True)
    r = forum_roles(read_forum(t))
    assert member_features(read_forum(t)).loc["admin", "access_rank"] == 4
    assert r.loc["admin", "role"] == "admin"


def test_moderator_who_also_announces_with_the_management_status(tables):
    """Where moderators share the top status and the staff flag, a moderator
    who opens a few announcements (at a small fraction of the rate of the
    forum's leading opener) is still a moderator: opening announcements is
    what the management does, answering others what the whole staff does.
    One who opens them as often as the management reads as management."""
    t = {k: v.copy() for k, v in tables.items()}
    m = t["members"]
    m.loc[m["member_id"] == "mod", ["rank_level", "is_staff"]] = [5, True]
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    for day in (300, 500):
        b.thread(1, "mod", day, [("reg1", day + 1, False), ("reg2", day + 1, False)])
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    forum = read_forum(t)
    f = member_features(forum)
    rate = (f["started_announcements"] + f["started_rules"]) / f["posts"]
    assert 0 < rate["mod"] < 0.25 * rate["admin"]
    r = forum_roles(forum)
    assert r.loc["mod", "role"] == "moderator"
    assert r.loc["admin", "role"] == "admin"
    # Announcing as often as the management (per post): the institutional
    # reading stands and the member is read as management.
    for day in range(40, 700, 25):
        b.thread(1, "mod", day, [("reg3", day + 1, False)])
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    forum = read_forum(t)
    f = member_features(forum)
    rate = (f["started_announcements"] + f["started_rules"]) / f["posts"]
    assert rate["mod"] >= 0.25 * rate["admin"]
    assert forum_roles(forum).loc["mod", "role"] == "admin"


def test_entering_early_counts_for_technical(tables):
    """How early a member entered is one of the technical behaviours: a
    later entry lowers the technical score by the drop of the percentile
    of entry, over the number of behaviours averaged, and leaves the
    moderator score alone."""
    from netanalysis.roles.forum_roles import _key_behaviour, _Scorer
    forum = read_forum(tables)
    kinds = subforum_kinds(forum)
    feats = member_features(forum, kinds)
    row = feats.index.get_loc("tech")
    s = _Scorer(feats)
    before = _key_behaviour(s, kinds)[0]
    later = feats.copy()
    later.loc["tech", "entry_position"] = 0.95
    s2 = _Scorer(later)
    after = _key_behaviour(s2, kinds)[0]
    founding = 1 - s.pct("entry_position")[row]
    founding_later = 1 - s2.pct("entry_position")[row]
    assert founding > founding_later
    assert before["technical"][0][row] - after["technical"][0][row] == pytest.approx(
        (founding - founding_later) / 8)
    assert before["moderator"][0][row] == pytest.approx(after["moderator"][0][row])


def test_newcomer_without_introductions_area(tables):
    """In a forum without an introductions area, a late arrival with few
    posts outside the content subforums is a newcomer; one whose few posts
    react to shares in content subforums is not (the recency of entry alone
    read them both as newcomers)."""
    t = {k: v.copy() for k, v in tables.items()}
    t["subforums"].loc[t["subforums"]["subforum_id"] == 3, "category"] = "social"
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    b.thread(3, "lurk1", 700, [("lurk1", 702, False), ("mod", 701, True)])
    b.thread(4, "dist0", 695, [("lurk2", 700, False), ("lurk2", 703, False)])
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    m = t["members"]
    m.loc[m["member_id"].isin(["lurk1", "lurk2"]), "joined_at"] = START + 699 * DAY
    forum = read_forum(t)
    kinds = subforum_kinds(forum)
    assert "introductions" not in kinds.names()
    r = forum_roles(forum)
    assert r.loc["lurk1", "role"] == "newcomer"
    assert r.loc["lurk2", "role"] == "regular"
    assert (r.loc[[f"new{i}" for i in range(12)], "role"] == "newcomer").mean() >= 0.75


def _sharing_forum(in_threads: bool):
    """A forum whose six busiest members (30, 28, .., 20 posts) write in
    content threads that others opened, beside 40 members with two content
    posts and a chat thread each.

    With ``in_threads`` the material lives in three long content threads
    opened by three members once each (nobody opens two), so sharing can
    only be posting; otherwise six other members open ten content threads
    each and the busy six only react to them.
    """
    rng = np.random.default_rng(3)
    b = _Builder()
    busy = [f"busy{i}" for i in range(6)]
    crowd = [f"c{i}" for i in range(40)]
    openers = [f"open{i}" for i in range(6 if not in_threads else 3)]
    subforums = pd.DataFrame({"subforum_id": [1, 2], "category": ["content", "social"]})
    writes = [m for i, m in enumerate(busy) for _ in range(30 - 2 * i)] + [m for m in crowd for _ in range(2)]
    writes = list(rng.permutation(writes))
    n_threads = 3 if in_threads else 60
    chunks = np.array_split(np.arange(len(writes)), n_threads)
    for t, chunk in enumerate(chunks):
        day = 5 * t
        b.thread(1, openers[t % len(openers)], day, [(writes[j], day + 1 + k % 4, False) for k, j in enumerate(chunk)])
    for i, m in enumerate(crowd):     # chat threads
        day = 2 + 7 * i
        b.thread(2, m, day, [(crowd[(i + 1) % 40], day + 1, False)])
    members = pd.DataFrame({"member_id": busy + crowd + openers})
    forum = read_forum({"posts": pd.DataFrame(b.posts), "threads": pd.DataFrame(b.threads),
                        "subforums": subforums, "members": members})
    return forum, busy, crowd, openers


def test_sharing_inside_long_threads():
    """Where the material lives in a few long threads (nobody opens two
    content threads), the members who wrote half of the content posts are
    read as sharers, with that as the evidence; the crowd is not."""
    forum, busy, crowd, _ = _sharing_forum(in_threads=True)
    r = forum_roles(forum)
    assert (r.loc[busy[:4], "role"] == "distributor").all()
    assert "who wrote half of the posts there, where only 0 members opened two or more content threads" \
        in r.loc["busy0", "evidence"]
    assert (r.loc[crowd, "role"] == "distributor").sum() == 0
    # The busiest member of the core is read most confidently.
    assert r.loc["busy0", "confidence"] > r.loc["busy3", "confidence"]


def test_reacting_to_shares_is_not_sharing():
    """Where members share by opening content threads, the busiest reactors
    in them are not sharers: the openers are."""
    forum, busy, crowd, openers = _sharing_forum(in_threads=False)
    r = forum_roles(forum)
    assert (r.loc[openers, "role"] == "distributor").all()
    assert (r.loc[busy, "role"] == "distributor").sum() == 0
    assert "whose content threads drew" in r.loc["open0", "evidence"]


def _with_threads(tables, threads, joined):
    """``tables`` with extra threads ``(subforum, starter, day, replies)``
    and the given members' join days."""
    t = {k: v.copy() for k, v in tables.items()}
    b = _Builder()
    b.threads, b.posts = t["threads"].to_dict("records"), t["posts"].to_dict("records")
    for subforum, starter, day, replies in threads:
        b.thread(subforum, starter, day, replies)
    t["threads"], t["posts"] = pd.DataFrame(b.threads), pd.DataFrame(b.posts)
    m = t["members"]
    for member, day in joined.items():
        m.loc[m["member_id"] == member, "joined_at"] = START + day * DAY
    return t


def test_tie_with_the_baseline_stays_regular(tables):
    """A member who opened two request threads but posts no larger share in
    request subforums than the forum does fits the requester description
    exactly as well as the baseline: the default reading, regular, stays."""
    content = [(4, "dist0", 150 + 10 * i, [("lurk5", 151 + 10 * i, False)] * 5) for i in range(6)]
    asks = [(6, "lurk5", 300, [("req0", 301, False)]), (6, "lurk5", 400, [("req1", 401, False)])]
    t = _with_threads(tables, content + asks, {"lurk5": 100})
    forum = read_forum(t)
    f = member_features(forum)
    assert f.loc["lurk5", "started_requests"] == 2
    forum_share = f["posts_requests"].sum() / f["posts"].sum()
    assert f.loc["lurk5", "posts_requests"] / f.loc["lurk5", "posts"] < forum_share
    assert forum_roles(forum).loc["lurk5", "role"] == "regular"


def test_one_request_thread_is_no_pattern(tables):
    """One request thread opened by a member who otherwise reacts to shares
    does not make a requester (as one share does not make a distributor);
    the same member opening requests habitually does."""
    content = [(4, "dist0", 150 + 10 * i, [("lurk6", 151 + 10 * i, False)]) for i in range(5)]
    one = [(6, "lurk6", 300, [("req0", 301, False)]), (6, "req2", 310, [("lurk6", 311, False)])]
    t = _with_threads(tables, content + one, {"lurk6": 100})
    forum = read_forum(t)
    f = member_features(forum)
    forum_share = f["posts_requests"].sum() / f["posts"].sum()
    share = f.loc["lurk6", "posts_requests"] / f.loc["lurk6", "posts"]
    # Above the forum's share, below three times it: the request share alone
    # reads as regular.
    assert forum_share < share < 3 * forum_share
    assert forum_roles(forum).loc["lurk6", "role"] == "regular"
    habit = [(6, "lurk6", 320 + 20 * i, [("req0", 321 + 20 * i, False)]) for i in range(6)]
    r = forum_roles(read_forum(_with_threads(tables, content + one + habit, {"lurk6": 100})))
    assert r.loc["lurk6", "role"] == "requester"


def test_recent_member_who_introduced_themselves_and_asks(tables):
    """A member who arrived at the end of the record, asked for material in
    four of their five posts and introduced themselves in the fifth is a
    newcomer, not a requester; the same five posts from a member who joined
    early read as asking."""
    def posts_of(member, day):
        return ([(6, member, day + i, [("req0", day + i, False)]) for i in range(4)]
                + [(3, member, day + 5, [("mod", day + 6, True)])])
    t = _with_threads(tables, posts_of("lurk7", 700) + posts_of("lurk8", 101), {"lurk7": 699, "lurk8": 100})
    r = forum_roles(read_forum(t))
    assert r.loc["lurk7", "role"] == "newcomer"
    assert "introduced themselves and asks for material" in r.loc["lurk7", "evidence"]
    assert r.loc["lurk8", "role"] == "requester"
