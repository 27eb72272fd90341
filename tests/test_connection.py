"""na.connection: k shortest paths between two members with the posts behind
each step, the time-respecting variant, "no path" as an empty result, and
`netanalysis connect`."""
from __future__ import annotations

import itertools
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netanalysis as na
import synthetic
from netanalysis.graphs.ego import UnknownMemberError

T0 = pd.Timestamp("2013-01-01", tz="UTC")


@pytest.fixture(scope="module")
def tiny():
    forum, _ = synthetic.generate_forum("tiny", seed=1)
    return forum, na.reply_graph(forum)


def _forum(replies, extra_members=()):
    """A forum from (author, answered author, day) triples: each is a thread
    of two posts, the answered author's at day - 0.5, the answer at day."""
    rows = []
    for i, (a, b, day) in enumerate(replies):
        rows.append({"post_id": 2 * i + 1, "thread_id": i + 1, "author_id": b,
                     "created_at": T0 + pd.Timedelta(days=day - 0.5), "reply_to": None})
        rows.append({"post_id": 2 * i + 2, "thread_id": i + 1, "author_id": a,
                     "created_at": T0 + pd.Timedelta(days=day), "reply_to": 2 * i + 1})
    posts = pd.DataFrame(rows)
    posts["reply_to"] = posts["reply_to"].astype("Int64")
    tables = {"posts": posts}
    if extra_members:
        ids = sorted(set(posts["author_id"]) | set(extra_members))
        tables["members"] = pd.DataFrame({"member_id": ids})
    return na.read_forum(tables)


def _nx_undirected(g):
    G = nx.Graph()
    G.add_nodes_from(g.node_ids)
    G.add_edges_from(zip(g.edges()["source"], g.edges()["target"]))
    return G


def _pairs(g, n=6, seed=0):
    rng = np.random.default_rng(seed)
    ids = g.node_ids.to_numpy()
    return [tuple(rng.choice(ids, 2, replace=False).tolist()) for _ in range(n)]


def test_k_shortest_paths_match_networkx(tiny):
    forum, g = tiny
    G = _nx_undirected(g)
    for a, b in _pairs(g):
        if not nx.has_path(G, a, b):
            continue
        for k in (1, 3, 5):
            c = na.connection(forum, a, b, graph=g, k=k)
            ref = list(itertools.islice(nx.shortest_simple_paths(G, a, b), k))
            assert [len(p) for p in c.paths] == [len(p) for p in ref]
            assert len(set(c.paths)) == len(c.paths)
            for p in c.paths:
                assert p[0] == a and p[-1] == b and len(set(p)) == len(p)
                assert all(G.has_edge(u, v) for u, v in zip(p[:-1], p[1:]))
            # every path strictly shorter than the longest returned is among them
            longest = len(c.paths[-1])
            shorter = {tuple(p) for p in nx.all_simple_paths(G, a, b, cutoff=longest - 2)}
            assert shorter <= set(c.paths)


def test_steps_carry_the_posts_behind_them(tiny):
    forum, g = tiny
    und = g.to_undirected()
    weight = {(s, t): w for s, t, w in und.edges().itertuples(index=False)}
    posts = forum.posts.set_index("post_id")
    a, b = g.node_ids[0], g.node_ids[-1]
    c = na.connection(forum, a, b, graph=g, k=3)
    assert c.found and c.reason == ""
    assert len(c.steps) == sum(len(p) - 1 for p in c.paths)
    for row in c.steps.itertuples(index=False):
        w = weight.get((row.source, row.target), weight.get((row.target, row.source)))
        assert row.posts == w
        mine = c.posts[(c.posts["path"] == row.path) & (c.posts["step"] == row.step)]
        assert len(mine) == row.posts
        assert set(zip(mine["author_id"], mine["answered_id"])) <= {(row.source, row.target), (row.target, row.source)}
        # the post ids, threads and times are the forum's
        assert (posts.loc[mine["post_id"], "thread_id"].to_numpy() == mine["thread_id"].to_numpy()).all()
        assert (posts.loc[mine["post_id"], "author_id"].to_numpy() == mine["author_id"].to_numpy()).all()
        assert (posts.loc[mine["post_id"], "created_at"].to_numpy() == mine["created_at"].to_numpy()).all()
        assert row.first == mine["created_at"].min() and row.last == mine["created_at"].max()
    text = str(c)
    assert "answered" in text and f"between {a} and {b}" in text


def _greedy_times(forum, g, path):
    """Earliest strictly increasing post times along ``path`` (None when infeasible)."""
    posts = forum.posts
    target = na.answered_posts(forum)
    authors = posts["author_id"].to_numpy()
    rows = np.flatnonzero(target >= 0)
    u, v, t = authors[rows], authors[target[rows]], posts["created_at"].to_numpy()[rows]
    now = None
    out = []
    for p, q in zip(path[:-1], path[1:]):
        on = np.sort(t[((u == p) & (v == q)) | ((u == q) & (v == p))])
        later = on[on > now] if now is not None else on
        if not len(later):
            return None
        now = later[0]
        out.append(now)
    return out


def test_time_respecting_paths_increase_in_time_and_are_fewest_steps(tiny):
    forum, g = tiny
    G = _nx_undirected(g)
    checked = 0
    for a, b in _pairs(g, n=8, seed=3):
        c = na.connection(forum, a, b, graph=g, k=3, time_respecting=True)
        if not c.found:
            continue
        checked += 1
        for i, p in enumerate(c.paths, start=1):
            steps = c.steps[c.steps["path"] == i]
            times = steps["created_at"].tolist()
            assert all(x < y for x, y in zip(times[:-1], times[1:]))
            chosen = c.posts[(c.posts["path"] == i) & c.posts["chosen"]]
            assert len(chosen) == len(p) - 1
            # each step takes the earliest post after the previous step's
            assert [pd.Timestamp(x) for x in _greedy_times(forum, g, p)] == [pd.Timestamp(x) for x in times]
        # the fewest steps: no shorter simple path is time-respecting
        fewest = len(c.paths[0])
        for q in nx.all_simple_paths(G, a, b, cutoff=fewest - 2):
            assert _greedy_times(forum, g, q) is None
        assert [len(p) for p in c.paths] == sorted(len(p) for p in c.paths)
    assert checked >= 3


def test_time_respecting_none_while_a_static_path_exists():
    # b answered c on day 1, a answered b on day 3: c -> b -> a is a chain in time, a -> b -> c is not
    forum = _forum([("b", "c", 1), ("a", "b", 3)])
    static = na.connection(forum, "a", "c")
    assert static.paths == (("a", "b", "c"),)
    assert "only 1 simple path" in static.reason
    none = na.connection(forum, "a", "c", time_respecting=True)
    assert none.paths == () and not none.found
    assert "no chain of replies in which each step is later" in none.reason
    assert none.steps.empty and none.posts.empty
    assert "no time-respecting path between a and c" in str(none)
    back = na.connection(forum, "c", "a", time_respecting=True)
    assert back.paths == (("c", "b", "a"),)
    assert back.steps["direction"].tolist() == ["b answered c", "a answered b"]


def test_directed_follows_the_replies():
    forum = _forum([("a", "b", 1), ("b", "c", 2), ("d", "c", 3), ("a", "d", 4)])
    c = na.connection(forum, "a", "c", directed=True, k=5)
    assert set(c.paths) == {("a", "b", "c"), ("a", "d", "c")}
    for row in c.posts.itertuples(index=False):
        step = c.steps[(c.steps["path"] == row.path) & (c.steps["step"] == row.step)].iloc[0]
        assert (row.author_id, row.answered_id) == (step.source, step.target)
    against = na.connection(forum, "c", "a", directed=True)
    assert not against.found and "direction" in against.reason
    assert na.connection(forum, "c", "a").found  # undirected by default


def test_no_path_is_an_empty_result_with_a_reason():
    forum = _forum([("a", "b", 1), ("c", "d", 2)], extra_members=["lurker"])
    apart = na.connection(forum, "a", "d")
    assert apart.paths == () and "different components" in apart.reason
    assert "no shortest path between a and d" in apart.describe()
    silent = na.connection(forum, "a", "lurker")
    assert silent.paths == () and "not in the reply graph (no posts)" in silent.reason
    same = na.connection(forum, "a", "a")
    assert same.paths == () and "same member" in same.reason


def test_unknown_member_and_bad_options():
    forum = _forum([("ann", "bob", 1), ("bob", "cy", 2)])
    with pytest.raises(KeyError, match="unknown member 'anne'.*did you mean 'ann'"):
        na.connection(forum, "anne", "cy")
    with pytest.raises(ValueError, match="unknown member 'zed'"):
        na.connection(forum, "ann", "zed")
    with pytest.raises(UnknownMemberError):
        na.connection(forum, "ann", 7)
    with pytest.raises(ValueError, match="k must be"):
        na.connection(forum, "ann", "cy", k=0)
    with pytest.raises(ValueError, match="graph must be"):
        na.connection(forum, "ann", "cy", graph="coparticipation")
    with pytest.raises(ValueError, match="kind 'reply'"):
        na.connection(forum, "ann", "cy", graph=na.coparticipation_graph(forum))


def test_integer_ids_given_as_text(tiny):
    forum, g = tiny
    a, b = (int(x) for x in g.node_ids[:2])
    assert na.connection(forum, str(a), f"{b}.0", graph=g).paths == na.connection(forum, a, b, graph=g).paths


def test_reply_graph_options_decide_the_posts():
    forum = _forum([("a", "b", 1), ("b", "c", 30)])
    g = na.reply_graph(forum, max_gap="1h")  # the answers come half a day later: no edges
    c = na.connection(forum, "a", "c", graph=g)
    assert not c.found and "different components" in c.reason


# -- the command line ---------------------------------------------------------
def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_connect(tiny_dataset, tiny):
    forum, g = tiny
    before = _snapshot(tiny_dataset)
    a, b = g.node_ids[0], g.node_ids[-1]
    proc = _cli("connect", tiny_dataset, a, b, "--k", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"2 shortest paths between {a} and {b}")
    assert "answered" in proc.stdout and "Traceback" not in proc.stderr
    proc = _cli("connect", tiny_dataset, a, b, "--time-respecting", "--k", "1")
    assert proc.returncode == 0 and "1 time-respecting path" in proc.stdout
    lurker = forum.members["member_id"].iloc[-1]
    proc = _cli("connect", tiny_dataset, a, lurker)
    assert proc.returncode == 0 and "no shortest path" in proc.stdout and "no posts" in proc.stdout
    assert _snapshot(tiny_dataset) == before


def test_cli_connect_unknown_member(tiny_dataset):
    proc = _cli("connect", tiny_dataset, "1", "nobody")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "netanalysis connect: error: unknown member 'nobody' (not in the forum)"]
    assert proc.stdout == ""
    proc = _cli("connect", tiny_dataset, "1", "2", "--k", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
