"""na.ego_network and na.member_profile: one member's full picture, its
report, and `netanalysis member`."""
from __future__ import annotations

import re
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import netanalysis as na
import synthetic
from netanalysis._io import MARKER, OutputError
from netanalysis.graphs.ego import UnknownMemberError
from netanalysis.report.member import MEMBER_FILES, write_member_report

T0 = pd.Timestamp("2013-01-01", tz="UTC")


@pytest.fixture(scope="module")
def tiny():
    forum, _ = synthetic.generate_forum("tiny", seed=1)
    g = na.reply_graph(forum)
    roles = na.forum_roles(forum, graph=g)
    return forum, g, roles


@pytest.fixture(scope="module")
def admin_profile(tiny):
    forum, g, roles = tiny
    return na.member_profile(forum, 1, graph=g, roles=roles)


def _handmade():
    """Three members talking in two subforums over three months, and one who never posts."""
    posts = pd.DataFrame({
        "post_id": [1, 2, 3, 4, 5, 6],
        "thread_id": [10, 10, 10, 20, 20, 30],
        "author_id": ["ann", "bob", "ann", "cy", "ann", "bob"],
        "created_at": [T0, T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=2), T0 + pd.Timedelta(days=40),
                       T0 + pd.Timedelta(days=70), T0 + pd.Timedelta(days=71)],
        "reply_to": pd.array([None, 1, 2, None, 4, None], dtype="Int64"),
    })
    threads = pd.DataFrame({"thread_id": [10, 20, 30], "subforum_id": [1, 2, 2]})
    subforums = pd.DataFrame({"subforum_id": [1, 2], "name": ["tech", "market"],
                              "category": ["technical", "content"]})
    members = pd.DataFrame({"member_id": ["ann", "bob", "cy", "quiet"],
                            "status": ["admin", "member", "member", "member"]})
    return na.read_forum({"posts": posts, "threads": threads, "subforums": subforums, "members": members})


# -- ego networks ---------------------------------------------------------------
@pytest.mark.parametrize("radius", [0, 1, 2])
def test_ego_network_is_networkx_ego_graph(tiny, radius):
    forum, g, _ = tiny
    G = g.to_networkx()
    for member in g.node_ids[[0, 5, 40, -1]]:
        ego = na.ego_network(g, member, radius=radius)
        ref = nx.ego_graph(G, member, radius=radius, undirected=True)
        assert set(ego.node_ids) == set(ref.nodes)
        assert ego.directed and ego.kind == "reply"
        assert ego.n_edges == ref.number_of_edges()
        assert ego.total_weight == pytest.approx(ref.size(weight="weight"))
        assert list(ego.node_ids) == [n for n in g.node_ids if n in set(ref.nodes)]  # the graph's order
        assert ego.meta["ego"] == member and ego.meta["radius"] == radius


def test_ego_network_undirected_graph_and_bad_input(tiny):
    forum, g, _ = tiny
    c = na.coparticipation_graph(forum)
    m = c.node_ids[3]
    assert set(na.ego_network(c, m).node_ids) == set(nx.ego_graph(c.to_networkx(), m, radius=1).nodes)
    with pytest.raises(KeyError, match="unknown member 99999 \\(not in the graph\\)"):
        na.ego_network(g, 99999)
    with pytest.raises(ValueError, match="radius"):
        na.ego_network(g, g.node_ids[0], radius=-1)
    with pytest.raises(TypeError):
        na.ego_network(forum, 1)
    assert list(na.ego_network(g, str(g.node_ids[0]), radius=0).node_ids) == [g.node_ids[0]]


# -- the profile ----------------------------------------------------------------------
def test_profile_counts_are_the_forum_s(tiny, admin_profile):
    forum, g, roles = tiny
    p = admin_profile
    mine = forum.posts[forum.posts["author_id"] == 1]
    assert p.member_id == 1 and p.posts == len(mine)
    assert p.first_post == mine["created_at"].min() and p.last_post == mine["created_at"].max()
    assert p.activity["posts"].sum() == p.posts
    months = pd.period_range(p.first_post.tz_localize(None), p.last_post.tz_localize(None), freq="M")
    assert p.activity["month"].tolist() == months.astype(str).tolist()
    first_authors = forum.posts.groupby("thread_id")["author_id"].first()
    assert p.threads_started == int((first_authors == 1).sum()) == p.activity["threads_started"].sum()
    assert p.subforums["posts"].sum() == p.posts
    assert p.subforums["share"].sum() == pytest.approx(1.0)
    # partners from the reply graph
    pos = g.node_ids.get_loc(1)
    assert p.answers == g.adjacency[[pos]].sum() == p.partners["replies_to"].sum()
    assert p.answered == g.adjacency[:, [pos]].sum() == p.partners["replies_from"].sum()
    G = g.to_networkx()
    assert set(p.partners["member_id"]) == set(G.successors(1)) | set(G.predecessors(1))
    assert (p.partners["total"] == p.partners["replies_to"] + p.partners["replies_from"]).all()
    assert p.partners["total"].is_monotonic_decreasing
    assert p.record["is_staff"] is True and p.record["status"] == "status-05"


def test_profile_role_rank_centrality_community(tiny, admin_profile):
    forum, g, roles = tiny
    p = admin_profile
    assert p.role == roles.at[1, "role"] and p.role_evidence == roles.at[1, "evidence"]
    ranked = na.key_actors(forum, 10, graph=g, roles=roles, stability_repeats=0)
    row = ranked[ranked["member_id"] == 1].iloc[0]
    assert p.key_actor_rank == row["rank"] and p.key_actor_score == pytest.approx(row["score"])
    assert p.key_actor_evidence == row["evidence"]
    assert p.key_actors_ranked == len(forum.members)
    panel = na.centrality(g)
    assert p.centrality["measure"].tolist() == list(panel.columns)
    assert np.allclose(p.centrality["value"], panel.loc[1].to_numpy(), equal_nan=True)
    pct = p.centrality.set_index("measure")["percentile"]
    assert ((pct >= 0) & (pct <= 100)).all()
    deg = panel["degree"]
    expected = 100 * ((deg < deg[1]).sum() + 0.5 * (deg == deg[1]).sum()) / len(deg)
    assert pct["degree"] == pytest.approx(expected)
    parts = na.communities(g, seed=0)
    assert p.community == parts.membership[1]
    assert p.community_size == int((parts.membership == p.community).sum())
    assert set(p.ego.node_ids) == set(na.ego_network(g, 1).node_ids)
    assert p.ego_roles.index.equals(p.ego.node_ids)
    assert p.notes == ()
    assert "member 1:" in str(p) and "key-actor rank" in str(p)
    summary = p.summary().set_index("field")["value"]
    assert summary["posts"] == p.posts and summary["key_actor_rank"] == p.key_actor_rank


def test_given_tables_are_used(tiny):
    forum, g, roles = tiny
    top = na.key_actors(forum, 3, graph=g, roles=roles, stability_repeats=0)
    outsider = next(m for m in g.node_ids if m not in set(top["member_id"]))
    p = na.member_profile(forum, outsider, graph=g, roles=roles, key_actors=top)
    assert p.key_actor_rank is None and p.key_actors_ranked == 3
    assert any("not among the 3 key actors given" in n for n in p.notes)
    inside = na.member_profile(forum, top["member_id"].iloc[1], graph=g, roles=roles, key_actors=top)
    assert inside.key_actor_rank == 2 and inside.key_actor_evidence == top["evidence"].iloc[1]
    parts = na.communities(g, seed=5, n_runs=2)
    q = na.member_profile(forum, outsider, graph=g, roles=roles, key_actors=top, communities=parts)
    assert q.community == parts.membership[outsider]


def test_handmade_forum_and_the_member_without_posts():
    forum = _handmade()
    ann = na.member_profile(forum, "ann")
    assert ann.posts == 3 and ann.threads_started == 1
    assert ann.activity.to_dict("list") == {"month": ["2013-01", "2013-02", "2013-03"], "posts": [2, 0, 1],
                                            "threads_started": [1, 0, 0]}
    assert ann.subforums[["name", "posts", "threads"]].values.tolist() == [["tech", 2, 1], ["market", 1, 1]]
    # ann answered bob (post 3) and cy (post 5); bob answered ann (post 2)
    assert ann.partners.set_index("member_id")[["replies_to", "replies_from"]].to_dict("index") == {
        "bob": {"replies_to": 1, "replies_from": 1}, "cy": {"replies_to": 1, "replies_from": 0}}
    assert ann.record["status"] == "admin"

    quiet = na.member_profile(forum, "quiet")
    assert quiet.posts == quiet.threads_started == quiet.answers == quiet.answered == 0
    assert quiet.first_post is None and quiet.last_post is None
    assert quiet.activity.empty and quiet.subforums.empty and quiet.partners.empty
    assert quiet.centrality["value"].isna().all() and quiet.centrality["percentile"].isna().all()
    assert quiet.community is None and quiet.community_size is None
    assert list(quiet.ego.node_ids) == ["quiet"] and quiet.ego.n_edges == 0
    assert quiet.role == "lurker" and quiet.key_actor_rank == len(forum.members)
    assert any("wrote no posts" in n for n in quiet.notes)
    assert any("not in the reply graph" in n for n in quiet.notes)
    assert "0 posts," in str(quiet)


def test_unknown_member_is_named_with_a_close_match():
    forum = _handmade()
    with pytest.raises(KeyError, match="unknown member 'anne' \\(not in the forum\\); did you mean 'ann'\\?"):
        na.member_profile(forum, "anne")
    with pytest.raises(ValueError, match="unknown member 'zzzzzz'"):
        na.member_profile(forum, "zzzzzz")
    with pytest.raises(UnknownMemberError):
        na.member_profile(forum, 3)


def test_integer_ids_given_as_text(tiny, admin_profile):
    forum, g, roles = tiny
    p = na.member_profile(forum, "1", graph=g, roles=roles)
    assert p.member_id == 1 and p.posts == admin_profile.posts


# -- the report ------------------------------------------------------------------------
def test_write_member_report(tmp_path, admin_profile):
    out = tmp_path / "member"
    write_member_report(admin_profile, out, dataset_name="tiny")
    assert sorted(p.name for p in out.iterdir()) == sorted([*MEMBER_FILES, MARKER])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert not re.search(r"(src|href)=\"(?!#)", html) and "<script" not in html and "http://" not in html.replace(
        "http://www.w3.org", "")
    for section in ("member", "activity", "subforums", "partners", "role", "centrality", "community", "ego-network"):
        assert f'<section id="{section}">' in html
    partners = pd.read_csv(out / "partners.csv")
    assert len(partners) == len(admin_profile.partners)
    assert len(pd.read_csv(out / "ego_edges.csv")) == admin_profile.ego.n_edges
    with pytest.raises(OutputError, match="exists"):
        write_member_report(admin_profile, out)
    write_member_report(admin_profile, out, force=True)


def test_write_member_report_of_a_member_without_posts(tmp_path):
    forum = _handmade()
    out = tmp_path / "quiet"
    write_member_report(na.member_profile(forum, "quiet"), out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "wrote no posts" in html and "No posts." in html


# -- the command line ---------------------------------------------------------------------
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", *map(str, args)], capture_output=True, text=True)


def _snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_member(tiny_dataset, tmp_path):
    before = _snapshot(tiny_dataset)
    out = tmp_path / "m1"
    proc = _cli("member", tiny_dataset, "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("member 1: ") and "report: " in proc.stdout
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*MEMBER_FILES, MARKER])
    # an existing output is refused without --force, replaced with it
    proc = _cli("member", tiny_dataset, "1", "--out", out)
    assert proc.returncode == 2 and "exists" in proc.stderr
    assert _cli("member", tiny_dataset, "1", "--out", out, "--force", "--quiet").returncode == 0
    # the output must not lie inside the dataset
    proc = _cli("member", tiny_dataset, "1", "--out", tiny_dataset / "inside")
    assert proc.returncode == 2 and "must not be the dataset folder" in proc.stderr
    assert _snapshot(tiny_dataset) == before


def test_cli_member_unknown_and_silent_members(tiny_dataset, tmp_path):
    out = tmp_path / "none"
    proc = _cli("member", tiny_dataset, "nobody", "--out", out)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["netanalysis member: error: unknown member 'nobody' (not in the forum)"]
    assert not out.exists() and not any(tmp_path.iterdir())
    lurker = pd.read_csv(tiny_dataset / "members.csv")["member_id"].iloc[-1]
    proc = _cli("member", tiny_dataset, lurker, "--out", tmp_path / "lurker")
    assert proc.returncode == 0, proc.stderr
    assert "wrote no posts" in proc.stdout
    assert (tmp_path / "lurker" / "report.html").exists()
