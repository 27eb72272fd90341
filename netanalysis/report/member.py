"""One member's full picture: :func:`member_profile` and its report.

What an analyst asks about one member after the forum-wide analysis: when
they were active and where, whom they answered and who answered them, the
role detected and the key-actor rank with the evidence behind both, where
they stand on every centrality, their community and their ego network.
:func:`write_member_report` writes it as one self-contained HTML file (the
rules of the forum report, :mod:`netanalysis.report.html`) and CSV tables,
atomically, as ``netanalysis member`` does.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..forum import Forum
from .._io import atomic_folder, naming_failures, write_table
from ..graphs import InteractionGraph, reply_graph
from ..graphs._common import check_forum
from ..graphs.ego import ego_network, find_member
from . import plots
from .analyze import _versions, report_label
from .html import Section, render_report

__all__ = ["member_profile", "MemberProfile", "write_member_report", "MEMBER_FILES"]

#: The files of a member report (``write_member_report``).
MEMBER_FILES = ("profile.csv", "activity.csv", "subforums.csv", "partners.csv", "centrality.csv",
                "ego_edges.csv", "report.html")
_RECORD = ("status", "rank_level", "joined_at", "last_seen_at", "is_staff")


@dataclass(frozen=True, eq=False)
class MemberProfile:
    """One member's full picture (see :func:`member_profile`).

    Attributes
    ----------
    member_id : the member's id in the forum.
    record : dict
        The member's row of ``forum.members`` (``status``, ``rank_level``,
        ``joined_at``, ``last_seen_at``, ``is_staff``; None where missing).
    posts, threads_started, answers, answered : int
        Posts written; threads whose first post is theirs; posts answering
        another member and replies received from others (the weights of
        the reply graph's edges out of and into the member).
    first_post, last_post : Timestamp or None
    activity : DataFrame
        One row per calendar month (UTC) from the first post to the last,
        months without posts included: ``month`` (``"2020-01"``), ``posts``,
        ``threads_started``.
    subforums : DataFrame
        ``subforum_id``, ``name``, ``category``, ``posts``, ``threads``,
        ``share`` (of the member's posts), most posts first; posts in
        threads of no known subforum are one row without ``subforum_id``.
    partners : DataFrame
        Every member answered by or answering this one in the reply graph:
        ``member_id``, ``replies_to`` (this member's replies to them),
        ``replies_from`` (theirs to this member), ``total``, ``role``; by
        decreasing total.
    role, role_confidence, role_evidence : the row of ``forum_roles``.
    key_actor_rank, key_actor_score, key_actor_evidence, key_actors_ranked
        Rank (1 = first; None when not in the key-actor table given), score
        and evidence of :func:`netanalysis.key_actors`, and how many members
        that ranking holds.
    centrality : DataFrame
        One row per measure of the panel: ``measure``, ``value``,
        ``percentile`` (100 x the share of the graph's members whose value
        is below the member's, ties counted half: the mid-rank percentile);
        NaN when the member is not in the graph.
    community, community_size, community_stability
        The member's community of :func:`netanalysis.communities` (None
        when not in the graph), its size, and the member's stability.
    ego : InteractionGraph
        :func:`netanalysis.ego_network` of the member; the member alone
        (no edges) when not in the graph.
    ego_roles : Series
        The detected role of each member of the ego network.
    graph : str
        The graph of the measures, in words.
    notes : tuple of str
        What is missing and why (no posts, not in the graph...).
    seconds : float
        Time taken.
    """

    member_id: object
    record: dict
    posts: int
    threads_started: int
    answers: int
    answered: int
    first_post: pd.Timestamp | None
    last_post: pd.Timestamp | None
    activity: pd.DataFrame
    subforums: pd.DataFrame
    partners: pd.DataFrame
    role: str | None
    role_confidence: float
    role_evidence: str | None
    key_actor_rank: int | None
    key_actor_score: float
    key_actor_evidence: str | None
    key_actors_ranked: int
    centrality: pd.DataFrame
    community: int | None
    community_size: int | None
    community_stability: float
    ego: InteractionGraph
    ego_roles: pd.Series
    graph: str
    notes: tuple = ()
    seconds: float = field(default=float("nan"), compare=False)

    def __repr__(self) -> str:
        return (f"<MemberProfile {self.member_id!r}: {self.posts} posts, role {self.role}, "
                f"key-actor rank {self.key_actor_rank}>")

    def summary(self) -> pd.DataFrame:
        """The single figures as a table ``field, value``."""
        rows = [("member_id", self.member_id)]
        rows += [(k, self.record.get(k)) for k in _RECORD]
        rows += [
            ("posts", self.posts), ("threads_started", self.threads_started), ("answers", self.answers),
            ("answered", self.answered), ("first_post", self.first_post), ("last_post", self.last_post),
            ("months_active", int((self.activity["posts"] > 0).sum()) if len(self.activity) else 0),
            ("subforums", int(self.subforums["subforum_id"].notna().sum()) if len(self.subforums) else 0),
            ("partners", len(self.partners)),
            ("role", self.role), ("role_confidence", self.role_confidence), ("role_evidence", self.role_evidence),
            ("key_actor_rank", self.key_actor_rank), ("key_actors_ranked", self.key_actors_ranked),
            ("key_actor_score", self.key_actor_score), ("key_actor_evidence", self.key_actor_evidence),
            ("community", self.community), ("community_size", self.community_size),
            ("community_stability", self.community_stability),
            ("ego_members", self.ego.n_nodes), ("ego_edges", self.ego.n_edges), ("graph", self.graph),
            ("notes", "; ".join(self.notes) or None),
        ]
        return pd.DataFrame(rows, columns=["field", "value"])

    def describe(self) -> str:
        """The profile in a few lines of words."""
        when = (f" from {self.first_post:%Y-%m-%d} to {self.last_post:%Y-%m-%d}" if self.first_post is not None
                else "")
        rank = (f"key-actor rank {self.key_actor_rank} of {self.key_actors_ranked} (score {self.key_actor_score:.3f})"
                if self.key_actor_rank is not None else "not among the key actors given")
        lines = [
            f"member {self.member_id}: {self.posts} posts{when}, {self.threads_started} threads started, "
            f"{self.answers} answers to others, {self.answered} replies received",
            f"role {self.role} (confidence {self.role_confidence:.2f}); {rank}",
            f"{len(self.partners)} partners; community {self.community}"
            + (f" of {self.community_size} members" if self.community_size else "")
            + f"; ego network {self.ego.n_nodes} members, {self.ego.n_edges} edges",
        ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    __str__ = describe


def _month_table(times: pd.Series, starts: pd.Series) -> pd.DataFrame:
    if not len(times):
        return pd.DataFrame({"month": pd.Series(dtype=object), "posts": pd.Series(dtype=np.int64),
                             "threads_started": pd.Series(dtype=np.int64)})
    naive = lambda s: s.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")  # noqa: E731
    months = pd.period_range(naive(times).min(), naive(times).max(), freq="M")
    posts = naive(times).value_counts().reindex(months, fill_value=0)
    started = (naive(starts).value_counts().reindex(months, fill_value=0).to_numpy(dtype=np.int64) if len(starts)
               else np.zeros(len(months), dtype=np.int64))
    return pd.DataFrame({"month": months.astype(str), "posts": posts.to_numpy(dtype=np.int64),
                         "threads_started": started})


def _subforum_table(forum: Forum, threads: np.ndarray) -> pd.DataFrame:
    cols = ["subforum_id", "name", "category", "posts", "threads", "share"]
    if not len(threads):
        return pd.DataFrame(columns=cols)
    sub = forum.thread_subforum[threads]
    df = pd.DataFrame({"sub": sub, "thread": threads})
    g = df.groupby("sub").agg(posts=("thread", "size"), threads=("thread", "nunique")).reset_index()
    s = forum.subforums.reset_index(drop=True)
    known = g["sub"].to_numpy() >= 0
    pick = np.maximum(g["sub"].to_numpy(), 0)
    out = pd.DataFrame({
        "subforum_id": pd.Series(s["subforum_id"].to_numpy(dtype=object)[pick] if len(s) else [None] * len(g)).where(known, None),
        "name": pd.Series(s["name"].to_numpy(dtype=object)[pick] if len(s) else [None] * len(g)).where(known, "(unknown)"),
        "category": pd.Series(s["category"].astype(object).to_numpy()[pick] if len(s) else [None] * len(g)).where(known, None),
        "posts": g["posts"].to_numpy(dtype=np.int64), "threads": g["threads"].to_numpy(dtype=np.int64),
    })
    out["share"] = out["posts"] / out["posts"].sum()
    return out.sort_values(["posts", "threads"], ascending=False, kind="stable").reset_index(drop=True)[cols]


def _partners(replies: InteractionGraph, member, roles: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    cols = ["member_id", "replies_to", "replies_from", "total", "role"]
    pos = replies.node_ids.get_indexer([member])[0]
    if pos < 0:
        return pd.DataFrame(columns=cols), 0, 0
    adj = replies.adjacency
    out_row = adj[[pos]].tocoo()
    in_col = adj[:, [pos]].tocoo()
    to = pd.Series(out_row.data, index=replies.node_ids.take(out_row.col))
    frm = pd.Series(in_col.data, index=replies.node_ids.take(in_col.row))
    if not replies.directed:
        frm = to
    df = pd.DataFrame({"replies_to": to, "replies_from": frm}).fillna(0)
    df = df.drop(index=member, errors="ignore")
    df = df.astype(np.int64)
    df["total"] = df["replies_to"] + df["replies_from"]
    df = df.rename_axis("member_id").reset_index()
    df["role"] = roles["role"].reindex(df["member_id"]).to_numpy() if "role" in roles else None
    df = df.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    return df[cols], int(to.drop(index=member, errors="ignore").sum()), int(frm.drop(index=member, errors="ignore").sum())


def _percentiles(panel: pd.DataFrame, member) -> pd.DataFrame:
    if member in panel.index:
        values = panel.loc[member]
        ranks = panel.rank(method="average")
        n = panel.notna().sum()
        # mid-rank percentile: below counts fully, ties half
        pct = 100 * (ranks.loc[member] - 0.5) / n
    else:
        values = pd.Series(np.nan, index=panel.columns)
        pct = values
    return pd.DataFrame({"measure": list(panel.columns), "value": values.to_numpy(dtype=float),
                         "percentile": pct.to_numpy(dtype=float)})


def _key_actor_evidence(forum, graph, roles, panel, member) -> str:
    """The evidence ``key_actors`` writes for ``member`` (its own helpers,
    for one member: the list of every member up to a low rank would cost
    time linear in the rank)."""
    from ..keyplayers.key_actors import _evidence, _scores

    score, contributions, values, active, _ = _scores(forum, graph, roles, None, panel)
    return _evidence(member, contributions, values, active, roles.reindex(score.index))


def member_profile(forum: Forum, member_id, *, graph: InteractionGraph | None = None,
                   roles: pd.DataFrame | None = None, key_actors: pd.DataFrame | None = None,
                   communities=None, panel: pd.DataFrame | None = None, radius: int = 1,
                   seed: int = 0) -> MemberProfile:
    """Everything netanalysis knows about one member.

    Parameters
    ----------
    forum : Forum
    member_id : member id
        A member of ``forum`` (also as text for integer ids: ``"57"``).
    graph : InteractionGraph, optional
        The graph of the measures, community and ego network;
        ``reply_graph(forum)`` by default. Partners, answers and replies
        received always come from a reply graph: ``graph`` when it is one,
        else ``reply_graph(forum)``.
    roles : DataFrame, optional
        :func:`netanalysis.forum_roles` of the forum; computed when not
        given.
    key_actors : DataFrame, optional
        A table of :func:`netanalysis.key_actors`; the member's rank is
        their row's (None when not in it). When not given, every member is
        ranked (``key_actors(forum, top=<all members>, stability_repeats=0)``)
        and the member's evidence is the one ``key_actors`` writes.
    communities : Communities, optional
        :func:`netanalysis.communities` of ``graph``; computed (with
        ``seed``) when not given.
    panel : DataFrame, optional
        :func:`netanalysis.centrality` of ``graph``; computed when not given.
    radius : int, default 1
        Radius of the ego network.
    seed : int, default 0
        Seed of the communities when they are computed.

    Returns
    -------
    MemberProfile

    Raises
    ------
    netanalysis.graphs.ego.UnknownMemberError
        (a ``KeyError`` and ``ValueError``) when ``member_id`` is not a
        member of the forum, naming it and the closest id.

    A member without posts (a lurker of the members table) gets a mostly
    empty profile, not an error: zero counts, empty activity, subforum and
    partner tables, NaN centralities and percentiles, no community, an ego
    network of the member alone, the role and rank the forum-wide analysis
    gives them, and a note saying so.
    """
    t0 = time.perf_counter()
    check_forum(forum)
    ids = forum.member_index
    code = find_member(ids, member_id, what="forum")
    member = ids[code]
    notes: list[str] = []

    from ..keyplayers import key_actors as rank_key_actors
    from ..measures import centrality, communities as find_communities
    from ..roles import forum_roles

    g = reply_graph(forum) if graph is None else graph
    if not isinstance(g, InteractionGraph):
        raise TypeError(f"graph must be an InteractionGraph, not {type(g).__name__}")
    replies = g if g.kind == "reply" else reply_graph(forum)
    if roles is None:
        roles = forum_roles(forum, graph=replies)

    # -- records -------------------------------------------------------------------
    pa = forum.post_arrays
    mine = np.flatnonzero(pa.author == code)
    posts = forum.posts
    times = posts["created_at"].iloc[mine].reset_index(drop=True)
    _, first_rows = np.unique(pa.thread, return_index=True)
    started = first_rows[pa.author[first_rows] == code]
    activity = _month_table(times, posts["created_at"].iloc[started].reset_index(drop=True))
    subforums = _subforum_table(forum, pa.thread[mine])
    row = forum.members.iloc[code]
    record = {k: (None if pd.isna(row[k]) else row[k].item() if hasattr(row[k], "item") else row[k])
              for k in _RECORD}
    if not len(mine):
        notes.append(f"member {member} wrote no posts: activity, subforums and partners are empty")

    partners, answers, answered = _partners(replies, member, roles)

    # -- role and rank ---------------------------------------------------------
    r = roles.loc[member] if member in roles.index else None
    role = None if r is None or pd.isna(r.get("role")) else str(r["role"])
    role_conf = float(r["confidence"]) if r is not None and "confidence" in r and pd.notna(r["confidence"]) else float("nan")
    role_ev = None if r is None or not isinstance(r.get("evidence"), str) else r["evidence"]

    if panel is None:
        panel = centrality(g)
    if key_actors is None:
        ranking = rank_key_actors(forum, len(ids), graph=g, roles=roles, panel=panel, stability_repeats=0,
                                  evidence=False)
        hit = ranking.index[ranking["member_id"] == member]
        rank = int(ranking.at[hit[0], "rank"])
        score = float(ranking.at[hit[0], "score"])
        evidence = _key_actor_evidence(forum, g, roles, panel, member)
        n_ranked = len(ranking)
    else:
        hit = key_actors.index[key_actors["member_id"] == member]
        n_ranked = len(key_actors)
        if len(hit):
            rank = int(key_actors.at[hit[0], "rank"])
            score = float(key_actors.at[hit[0], "score"])
            evidence = key_actors.at[hit[0], "evidence"] if "evidence" in key_actors else None
        else:
            rank, score, evidence = None, float("nan"), None
            notes.append(f"not among the {n_ranked} key actors given")

    # -- structure --------------------------------------------------------------------
    cent = _percentiles(panel, member)
    in_graph = member in g.node_ids
    if in_graph:
        if communities is None:
            communities = find_communities(g, seed=seed)
        comm = communities.membership.get(member)
        community = None if comm is None or pd.isna(comm) else int(comm)
        size = (int(communities.table.at[community, "size"])
                if community is not None and community in communities.table.index else None)
        stab = float(communities.stability.get(member, np.nan))
        ego = ego_network(g, member, radius=radius)
    else:
        community, size, stab = None, None, float("nan")
        notes.append(f"member {member} is not in the {g.kind} graph: no centrality, community or ego network")
        ego = InteractionGraph(np.zeros((1, 1)), [member], directed=g.directed, kind=g.kind, weight=g.weight,
                               meta={"ego": member, "radius": int(radius)})
    return MemberProfile(
        member_id=member, record=record, posts=int(len(mine)), threads_started=int(len(started)),
        answers=answers, answered=answered,
        first_post=times.iloc[0] if len(times) else None, last_post=times.iloc[-1] if len(times) else None,
        activity=activity, subforums=subforums, partners=partners,
        role=role, role_confidence=role_conf, role_evidence=role_ev,
        key_actor_rank=rank, key_actor_score=score, key_actor_evidence=evidence, key_actors_ranked=n_ranked,
        centrality=cent, community=community, community_size=size, community_stability=stab,
        ego=ego, ego_roles=roles["role"].reindex(ego.node_ids) if "role" in roles else pd.Series(index=ego.node_ids, dtype=object),
        graph=repr(g), notes=tuple(notes), seconds=round(time.perf_counter() - t0, 3),
    )


# -- the report -------------------------------------------------------------------------
def _ego_figure(profile: MemberProfile, seed: int = 0) -> str:
    """The ego network drawn: the member large, neighbours coloured by role."""
    import networkx as nx

    und = profile.ego.to_undirected()
    edges = und.edges()
    g = nx.Graph()
    g.add_nodes_from(sorted(und.node_ids.tolist(), key=str))
    g.add_edges_from(sorted(((s, t) for s, t in zip(edges["source"], edges["target"]) if s != t),
                            key=lambda e: (str(e[0]), str(e[1]))))
    pos = nx.spring_layout(g, seed=seed, weight=None, iterations=100)
    fig = plots._figure(width=6.5, height=5.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if g.number_of_edges():
        from matplotlib.collections import LineCollection

        xy = np.array([[pos[u], pos[v]] for u, v in g.edges()])
        ax.add_collection(LineCollection(xy, colors="#bbbbbb", linewidths=0.5, zorder=1))
    nodes = list(g.nodes)
    roles = profile.ego_roles
    colours = [plots.ROLE_COLOURS.get(roles.get(n, "regular"), "#56B4E9") for n in nodes]
    sizes = [140 if n == profile.member_id else 18 for n in nodes]
    xy = np.array([pos[n] for n in nodes]) if nodes else np.zeros((0, 2))
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, edgecolors="black", linewidths=0.3, zorder=2)
    from matplotlib.lines import Line2D

    present = [r for r in plots.ROLE_COLOURS if r in set(roles.reindex(nodes).dropna())]
    ax.legend(handles=[Line2D([], [], marker="o", ls="none", color=plots.ROLE_COLOURS[r], label=r) for r in present],
              frameon=False, fontsize=7, loc="lower left")
    ax.set_title(f"Ego network of {profile.member_id} (radius {profile.ego.meta.get('radius', 1)})")
    return plots._svg(fig)


def _activity_figure(profile: MemberProfile) -> str:
    fig = plots._figure(height=3.0)
    ax = fig.add_subplot()
    a = profile.activity
    ax.bar(range(len(a)), a["posts"].to_numpy(), color="#0072B2")
    step = max(1, len(a) // 12)
    ax.set_xticks(range(0, len(a), step), a["month"].iloc[::step], rotation=90, fontsize=7)
    ax.set_ylabel("posts")
    ax.set_title("Posts per month")
    return plots._svg(fig)


def _html(profile: MemberProfile, label: str) -> str:
    s = []
    sec = Section("member", "The member")
    sec.text(profile.describe().splitlines()[0])
    sec.table(profile.summary().astype({"value": str}).replace({"None": "", "nan": "", "NaT": ""}))
    s.append(sec)
    act = Section("activity", "Activity over time")
    if len(profile.activity):
        act.figure(_activity_figure(profile), "Posts per calendar month (UTC), months without posts included.")
        act.table(profile.activity, max_rows=120)
    else:
        act.text("No posts.")
    s.append(act)
    sub = Section("subforums", "Subforums")
    sub.table(profile.subforums.assign(share=profile.subforums["share"].astype(float).round(3)), max_rows=50)
    s.append(sub)
    par = Section("partners", "Partners")
    par.text("Members this member answered (replies_to) and who answered them (replies_from), in the reply graph.")
    par.table(profile.partners, max_rows=50)
    s.append(par)
    rr = Section("role", "Role and key-actor rank")
    rr.text(f"Role: {profile.role} (confidence {profile.role_confidence:.2f}). {profile.role_evidence or ''}")
    if profile.key_actor_rank is not None:
        rr.text(f"Key-actor rank {profile.key_actor_rank} of {profile.key_actors_ranked}, score "
                f"{profile.key_actor_score:.3f}. {profile.key_actor_evidence or ''}")
    else:
        rr.text(f"Not among the {profile.key_actors_ranked} key actors given.")
    s.append(rr)
    cen = Section("centrality", "Centrality")
    cen.text("Each measure of the panel and the member's percentile among the graph's members (mid-rank).")
    cen.table(profile.centrality)
    s.append(cen)
    com = Section("community", "Community")
    com.text(f"Community {profile.community}" + (f" of {profile.community_size} members; the member stays in it in "
             f"{profile.community_stability:.0%} of the runs." if profile.community is not None else ": none."))
    s.append(com)
    ego = Section("ego-network", "Ego network")
    ego.figure(_ego_figure(profile), f"{profile.ego.n_nodes} members and {profile.ego.n_edges} edges within "
               f"{profile.ego.meta.get('radius', 1)} hop(s), coloured by detected role.")
    s.append(ego)
    if profile.notes:
        notes = Section("notes", "Notes")
        for n in profile.notes:
            notes.text(n, "warn")
        s.append(notes)
    return render_report(f"netanalysis member report: {profile.member_id} in {label}",
                         f"Generated by netanalysis {_versions()['netanalysis']}; structure only, no message content "
                         "was read.", s)


def write_member_report(profile: MemberProfile, out, *, force: bool = False, inputs=(),
                        dataset_name: str | None = None) -> Path:
    """Write ``profile`` into the new folder ``out``: the tables of
    :data:`MEMBER_FILES` (CSV, formula-safe) and ``report.html``, one
    self-contained file; atomically, with the marker file of a netanalysis
    output (``--force`` replaces only such a folder), never inside
    ``inputs``."""
    out = Path(out)
    label = report_label(dataset_name) if dataset_name else "the forum"
    with atomic_folder(out, overwrite=force, marker="member", inputs=list(inputs)) as tmp, \
            naming_failures(out) as writing:
        write_table(profile.summary().astype({"value": object}), writing(tmp, "profile.csv"), "csv", safe_csv=True)
        write_table(profile.activity, writing(tmp, "activity.csv"), "csv", safe_csv=True)
        write_table(profile.subforums, writing(tmp, "subforums.csv"), "csv", safe_csv=True)
        write_table(profile.partners, writing(tmp, "partners.csv"), "csv", safe_csv=True)
        write_table(profile.centrality, writing(tmp, "centrality.csv"), "csv", safe_csv=True)
        write_table(profile.ego.edges(), writing(tmp, "ego_edges.csv"), "csv", safe_csv=True)
        writing(tmp, "report.html").write_text(_html(profile, label), encoding="utf-8")
    return out
