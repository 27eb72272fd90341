"""Property tests: the builders against a plain per-post reading of the definitions."""
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netanalysis.forum import read_forum
from netanalysis.graphs import REPLY_RULES, coparticipation_graph, reply_graph

DAY0 = pd.Timestamp("2013-01-01", tz="UTC")


@st.composite
def forums(draw):
    """Posts with few threads, authors and distinct times, so that ties,
    self-replies and shared threads are common; reply_to names a post of the
    same thread that comes first in (time, index) order: an earlier post, or
    a simultaneous one of lower index. So replies at one instant are common
    but never form a cycle (validation refuses posts of the same time that
    answer each other)."""
    n = draw(st.integers(1, 25))
    threads = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    authors = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=n, max_size=n))
    minutes = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    reply = []
    for i in range(n):
        earlier = [j for j in range(n) if threads[j] == threads[i] and (minutes[j], j) < (minutes[i], i)]
        pick = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        reply.append(pick)
    posts = pd.DataFrame({
        "post_id": np.arange(n),
        "thread_id": threads,
        "author_id": authors,
        "created_at": DAY0 + pd.to_timedelta(minutes, unit="min"),
        "reply_to": pd.array(reply, dtype="Int64"),
    })
    return posts


def naive_replies(posts: pd.DataFrame, rule: str, max_gap_min=None) -> Counter:
    """Edges (author, answered author) -> count, one post at a time."""
    order = sorted(range(len(posts)), key=lambda i: posts["created_at"].iloc[i])  # stable
    by_thread: dict = {}
    answered = {}
    for i in order:
        t = posts["thread_id"].iloc[i]
        seen = by_thread.setdefault(t, [])
        explicit = posts["reply_to"].iloc[i]
        previous = seen[-1] if seen else None
        starter = seen[0] if seen else None
        if rule == "explicit":
            answered[i] = None if pd.isna(explicit) else int(explicit)
        elif rule == "previous":
            answered[i] = previous
        elif rule == "starter":
            answered[i] = starter
        else:
            answered[i] = previous if pd.isna(explicit) else int(explicit)
        seen.append(i)
    edges = Counter()
    for i, j in answered.items():
        if j is None:
            continue
        gap = posts["created_at"].iloc[i] - posts["created_at"].iloc[j]
        if max_gap_min is not None and gap > pd.Timedelta(minutes=max_gap_min):
            continue
        a, b = posts["author_id"].iloc[i], posts["author_id"].iloc[j]
        if a != b:
            edges[(a, b)] += 1
    return edges


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts=forums(), gap=st.none() | st.integers(1, 5))
def test_reply_graph_matches_definition(posts, gap):
    forum = read_forum({"posts": posts})
    for rule in REPLY_RULES:
        g = reply_graph(forum, rule=rule, max_gap=None if gap is None else pd.Timedelta(minutes=gap))
        expected = naive_replies(posts, rule, gap)
        # total weight = number of non-self replies kept
        assert g.total_weight == sum(expected.values()) == g.meta["replies"]
        assert g.meta["answers"] == g.meta["dropped_max_gap"] + g.meta["self_replies"] + g.meta["replies"]
        got = {(s, t): w for s, t, w in g.edges().itertuples(index=False)}
        assert got == {k: float(v) for k, v in expected.items()}


@settings(max_examples=40, deadline=None)
@given(posts=forums())
def test_coparticipation_matches_definition(posts):
    forum = read_forum({"posts": posts})
    members = posts.groupby("thread_id")["author_id"].agg(lambda s: sorted(set(s)))
    count, newman = Counter(), Counter()
    for people in members:
        for x in people:
            for y in people:
                if x < y:
                    count[(x, y)] += 1
                    newman[(x, y)] += 1 / (len(people) - 1)
    for weighting, expected in (("count", count), ("newman", newman)):
        g = coparticipation_graph(forum, weighting=weighting)
        got = {tuple(sorted((s, t))): w for s, t, w in g.edges().itertuples(index=False)}
        assert got.keys() == expected.keys()
        for k, v in expected.items():
            assert got[k] == pytest.approx(v, rel=1e-12)
