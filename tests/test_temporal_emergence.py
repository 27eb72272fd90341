"""Rising members and succession (issue 15.3): a planted structural rise
before a promotion (first post in a rank-6 subforum) is found with its lead
and evidence, a member whose status came first is a lag, a planted
successor is found by the overlap of answered partners, and bad input is
refused with a message or gives a documented empty result."""
import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.temporal import Emergence, emergence, succession
from netanalysis.temporal.emergence import lead_in_words

T0 = pd.Timestamp("2020-01-01", tz="UTC")
SUBFORUMS = pd.DataFrame({"subforum_id": [1, 2, 3], "name": ["public", "news", "inner"],
                          "category": ["content", "announcements", "private"], "min_rank": [1, 1, 6]})


class Builder:
    def __init__(self):
        self.posts, self.threads = [], []

    def thread(self, subforum, day, author, replies=()):
        """A thread opened by ``author`` on ``day``; each reply (day, author)
        answers the opening post."""
        tid = len(self.threads) + 1
        self.threads.append((tid, subforum))
        first = self._post(tid, author, day, None)
        for d, a in replies:
            self._post(tid, a, d, first)
        return first

    def _post(self, tid, author, day, reply_to):
        pid = len(self.posts) + 1
        self.posts.append((pid, tid, author, T0 + pd.Timedelta(day, "D"), reply_to))
        return pid

    def forum(self):
        posts = pd.DataFrame(self.posts, columns=["post_id", "thread_id", "author_id", "created_at", "reply_to"])
        threads = pd.DataFrame(self.threads, columns=["thread_id", "subforum_id"])
        return na.read_forum({"posts": posts, "threads": threads, "subforums": SUBFORUMS})


@pytest.fixture(scope="module")
def planted():
    b = Builder()
    others = [f"m{i:02d}" for i in range(20)]
    # background: every 10 days, two ordinary members talk, all year long
    for k in range(40):
        a, c = others[k % 20], others[(k + 7) % 20]
        b.thread(1, 10 * k, a, [(10 * k + 1, c)])
    # the riser answers ten different members in the first 90 days ...
    for i in range(10):
        b.thread(1, 5 + 8 * i, others[i], [(6 + 8 * i, "x")])
    # ... and first posts in the rank-6 subforum on day 300
    b.thread(3, 300, "x")
    # the insider had the status first (inner subforum on day 2), rose later
    b.thread(3, 2, "adm")
    for i in range(10):
        b.thread(1, 200 + 8 * i, others[i + 10], [(201 + 8 * i, "adm")])
    b.thread(2, 3, "adm")                                     # and opened an announcement
    return b.forum()


def test_planted_rise_before_promotion_is_found(planted):
    e = emergence(planted, top_share=0.05, measures=("answered", "betweenness"), window="90D", step="30D")
    assert isinstance(e, Emergence) and "1 with a structural rise" in repr(e)
    x = e.members.loc["x"]
    assert x["answered_start"] == T0 and x["answered_end"] == T0 + pd.Timedelta("90D")
    assert x["structural_measure"] == "answered" and x["answered_rank"] == 1
    assert x["restricted_at"] == T0 + pd.Timedelta("300D") and x["restricted_rank"] == 6
    assert x["status_event"] == "restricted"
    assert x["lead_days"] == pytest.approx(210)
    assert e.rises["member_id"].tolist() == ["x"]
    row = e.rises.iloc[0]
    assert row["evidence"] == ("entered the top 5% of members answered in the window 2020-01-01 to 2020-03-30, "
                               "seven months before first posting in a subforum open from rank 6 (2020-10-27)")


def test_status_first_is_a_lag(planted):
    e = emergence(planted, measures=("answered",))
    adm = e.members.loc["adm"]
    assert adm["status_at"] == T0 + pd.Timedelta("2D") and adm["status_event"] == "restricted"
    assert adm["announcements_at"] == T0 + pd.Timedelta("3D")
    assert adm["lead_days"] < 0 and "adm" not in e.rises["member_id"].tolist()
    # an ordinary member never rises and has no status event
    assert e.members["status_at"].notna().sum() == 2


def test_status_events_can_be_chosen(planted):
    e = emergence(planted, measures=("answered",), status=("threads",))
    # x started a thread only on day 300 as well
    assert e.members.loc["x", "first_thread_at"] == T0 + pd.Timedelta("300D")
    assert e.members.loc["x", "status_event"] == "threads"
    assert "starting a first thread" in e.rises.set_index("member_id").loc["x", "evidence"]


def test_emergence_deterministic_and_reuses_windows(planted):
    a = emergence(planted, measures=("answered", "pagerank"))
    w = na.rolling(planted, measures=("out_degree", "pagerank"))
    b = emergence(planted, measures=("answered", "pagerank"), windows=w)
    pd.testing.assert_frame_equal(a.members, b.members)
    pd.testing.assert_frame_equal(a.rises, b.rises)


@pytest.fixture(scope="module")
def handover():
    b = Builder()
    partners, others = ["p1", "p2", "p3", "p4"], ["o1", "o2", "o3"]
    for i, p in enumerate(partners * 3):           # q answers the four partners until day 150
        b.thread(1, 10 * i, p, [(10 * i + 1, "q")])
    b.thread(1, 150, "p1", [(150.5, "q")])
    for i, p in enumerate(partners * 2):           # s takes over: the same four partners
        b.thread(1, 160 + 10 * i, p, [(161 + 10 * i, "s")])
    for i, p in enumerate(others * 3):             # r answers other members
        b.thread(1, 155 + 10 * i, p, [(156 + 10 * i, "r")])
    b.thread(1, 170, "o1", [(171, "t"), (172, "p2")])  # t answers o1; p2 answers t (t is no partner)
    b.thread(1, 400, "o2")
    return b.forum()


def test_planted_successor_is_found(handover):
    s = succession(handover, "q", before="365D", after="365D")
    assert s.attrs["last_post"] == T0 + pd.Timedelta("150.5D")
    assert sorted(s.attrs["partners"]) == ["p1", "p2", "p3", "p4"]
    assert s["member_id"].iloc[0] == "s"
    top = s.iloc[0]
    assert top["jaccard"] == 1.0 and top["shared"] == 4 and top["partners"] == 4 and top["replies"] == 8
    assert top["first_shared_at"] == T0 + pd.Timedelta("161D")
    assert "r" not in s["member_id"].tolist()
    # p2 answered t (not a partner of q) only: p2 shares nothing with q's partners but itself
    assert s.attrs["reason"] is None


def test_jaccard_is_the_overlap_of_partner_sets(handover):
    s = succession(handover, "q", top=None).set_index("member_id")
    # o1 answered nobody; t answered o1 (not a partner): absent; everyone listed shares a partner
    assert (s["shared"] > 0).all()
    assert ((s["jaccard"] > 0) & (s["jaccard"] <= 1)).all()


def test_succession_empty_results_and_errors(handover):
    still = succession(handover, "o2")       # o2 posted the last post of the records
    assert still.empty and "end of the records" in still.attrs["reason"]
    quiet = succession(handover, "p3")       # p3 answered nobody
    assert quiet.empty and "answered nobody" in quiet.attrs["reason"]
    with pytest.raises(KeyError, match="unknown member"):
        succession(handover, "qq")
    with pytest.raises(ValueError, match="positive duration"):
        succession(handover, "q", after="-5D")


def test_emergence_bad_input():
    b = Builder()
    b.thread(1, 0, "a", [(1, "b")])
    short = b.forum()
    with pytest.raises(ValueError, match="less than two windows"):
        emergence(short)
    b.thread(1, 200, "c")
    f = b.forum()
    with pytest.raises(ValueError, match="top_share"):
        emergence(f, top_share=5)
    with pytest.raises(ValueError, match="status must"):
        emergence(f, status=("promoted",))
    e = emergence(f, measures=("answered",))                 # a member with one post, empty windows
    assert e.rises.empty and set(e.members.index) == {"a", "b", "c"}


def test_lead_in_words():
    assert lead_in_words(1) == "one day" and lead_in_words(45) == "45 days"
    assert lead_in_words(243) == "eight months" and lead_in_words(800) == "26 months"
