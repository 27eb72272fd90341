"""The main job: from a dataset folder to the files an analyst reads.

``analyze`` runs every stage in order (read and validate -> graph ->
centrality -> roles -> key actors -> disruption), times each, and writes the
results into a new output folder, atomically:

============================ =================================================
``key_actors.csv``           rank, member_id, score, role, evidence, stability
``communities.csv``          one row per consensus community (Leiden): size,
                             density, conductance, stability, hub, leader...
``roles.csv``/``.parquet``   role, confidence and evidence of every member
``centrality.csv``/``.parquet`` the centrality panel of every graph node
``disruption.csv``/``.parquet`` the disruption curves, one row per strategy and step
``summary.json``             dataset and graph figures, parameters, versions, time per
                             stage; above ``EXACT_LIMIT`` (nodes x edges) also
                             ``approximations``: which figures are estimated
                             and their error bound (epsilon, delta, sample size)
``graph.graphml``            the graph with measures and roles as node
                             attributes; only up to ``GRAPHML_MAX_EDGES`` edges
                             (a million, about 80 MB: what Gephi or Cytoscape
                             opens on a laptop), above it left out, with the
                             reason in summary.json ``left_out`` and the report
``report.html``              the self-contained report
``dropped.csv``              only when validation dropped rows: one line per
                             row (table, row, key, column, problem, line)
``cleared.csv``              only when ``orphans="detach"`` kept replies to a
                             dropped post with ``reply_to`` cleared: one line
                             per such post (same columns)
``trajectory_*.csv``,        with the over-time section (``over_time=True``,
``rolling.csv``,             or by default when the posts span at least
``rises.csv``,               ``OVER_TIME_AUTO_SPAN``; see ``OVER_TIME_FILES``
``succession.csv``           and ``OVER_TIME``): activity trajectories,
                             centrality in moving windows, rising members
                             and succession
``.netanalysis-output``      the marker of a netanalysis output (``--force``
                             replaces only folders that hold it)
============================ =================================================

Every file, ``summary.json`` included, is written into a temporary folder
beside ``out`` that becomes ``out`` in one rename; the parameters and the
output location are checked before any work, and one run at a time may write
``out`` (see :func:`netanalysis._io.atomic_folder`). In the CSV
files, text values beginning with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or ``'`` get a leading ``'`` so that spreadsheets do not run them as
formulas (:func:`netanalysis._io.formula_safe`); Parquet files and
``graph.graphml`` hold the values as they are (GraphML with the characters
XML cannot hold escaped).
"""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from ..forum import Forum, read_forum
from ..forum.database import source_label
from ..forum.validate import check_read_options, dataset_files, dataset_source
from .._io import atomic_folder, check_output, check_stop, naming_failures, output_lock, write_table
from ..graphs import InteractionGraph, coparticipation_graph, reply_graph
from . import plots
from .graphml import write_graphml
from .html import OVER_TIME_SECTION, Section, render_report

__all__ = ["analyze", "check_parameters", "Analysis", "GRAPHS", "OUTPUT_FILES", "DROPPED_FILE", "CLEARED_FILE",
           "MAX_SEED", "OVER_TIME", "OVER_TIME_FILES", "OVER_TIME_AUTO_SPAN"]

GRAPHS = ("reply", "coparticipation")
OUTPUT_FILES = ("key_actors.csv", "communities.csv", "roles", "centrality", "disruption", "summary.json",
                "graph.graphml", "report.html")
DROPPED_FILE = "dropped.csv"
CLEARED_FILE = "cleared.csv"
#: Options of read_forum that analyze passes on (read_options).
READ_OPTIONS = ("orphans", "time_unit", "time_format", "encoding", "follow_links")
#: The largest seed (seeds are 32-bit: numpy's and networkx's generators).
MAX_SEED = 2**32 - 1
STAGES = ("read", "graph", "centrality", "roles", "key actors", "communities", "disruption", "report")
#: The elite's null model in full (20 random graphs, 10 swap trials per
#: edge) up to this many undirected edges; a cheaper one (5 graphs, 5
#: trials per edge) up to ELITE_MAX_EDGES; above it the elite is skipped
#: (the report says so).
ELITE_FULL_EDGES = 25_000
ELITE_MAX_EDGES = 500_000
#: Betweenness is exact (Brandes: one traversal from every member, time in
#: proportion to members x edges) up to this many graph nodes x edges, and
#: estimated with a guarantee above it (``APPROXIMATE_BETWEENNESS``). Why
#: this number: the traversals run at about 3.4e8 nodes x edges a second on
#: the 2-core reference machine (the mega preset's 53,599 x 6,648,855 =
#: 3.6e11 took 1,050 s of the panel's 1,111 s; benchmarks/SCALE.md), and a
#: laptop of 4 to 8 cores is at most a few times faster. At the limit the
#: panel spends about 15 s on them and key actors as much again in each of
#: its resamples (11 traversals: about 3 minutes); the forum-a preset
#: (3,937 x 187,139 = 7.4e8) stays well below, the mega preset would take
#: 18 minutes for the panel alone and over three hours with the resamples.
EXACT_LIMIT = 5e9
#: Above ``EXACT_LIMIT``: every member's normalised betweenness within
#: ``epsilon`` of the exact value, all at once, with probability at least
#: ``1 - delta`` (:func:`netanalysis.approximate_betweenness`, two-phase
#: Bernstein sample, seeded by ``seed``). 0.001 is a tenth of the 50th key
#: actor's betweenness on the mega preset (about 0.003) and costs about
#: 20 s there; the sample grows as 1 / epsilon**2.
APPROXIMATE_BETWEENNESS = {"method": "bernstein", "epsilon": 0.001, "delta": 0.1}
#: Above ``EXACT_LIMIT`` key actors' stability comes from at most this many
#: resamples: each re-reads the roles and member features of the resampled
#: forum and computes its exact harmonic closeness (about 80 s a resample
#: on the mega preset), so ten would take the stage past ten minutes.
APPROXIMATE_STABILITY_REPEATS = 3
#: ``graph.graphml`` is written for graphs of at most this many edges (about
#: 80 MB of GraphML; Gephi and Cytoscape on a laptop do not lay out much
#: more); above, the file is left out and summary.json and the report say
#: so: centrality.csv and roles.csv hold every node attribute it would.
GRAPHML_MAX_EDGES = 1_000_000
#: Key actors with a member section in the report (the top of the list).
MEMBER_SECTIONS = 20
#: Communities drawn in the community graph and listed in the report (the largest).
COMMUNITIES_SHOWN = 30
#: The settings of the over-time section (``over_time=True``, ``--over-time``):
#: activity trajectories of the posts per calendar month (``freq``), a
#: Poisson mixture with a quadratic in time (``order``), 1 to ``max_groups``
#: groups chosen by BIC; centrality of the reply graph in windows of
#: ``window`` every ``step``; rises into the top ``top_share`` of each
#: window; the ranks of the first ``timeline_actors`` key actors over the
#: windows; succession for the first ``succession_actors`` key actors whose
#: last post lies ``quiet_after`` or more before the forum's last post
#: (partners over ``succession_period`` before and after it, the best
#: ``successors`` candidates each).
OVER_TIME = {"freq": "MS", "order": 2, "model": "poisson", "max_groups": 5, "window": "90D", "step": "30D",
             "measures": ("in_degree", "out_degree", "pagerank", "betweenness"), "top_share": 0.05,
             "timeline_actors": 10, "succession_actors": MEMBER_SECTIONS, "quiet_after": "90D",
             "succession_period": "365D", "successors": 3}
#: ``over_time=None`` (the default; the CLI without ``--over-time`` or
#: ``--no-over-time``) adds the over-time section when the posts span at
#: least this long: a year gives the monthly trajectories twelve periods and
#: the 90-day windows nine steps, the least over which a rise before a
#: status or a succession can be told from a burst of activity. On the
#: synthetic presets (two years) the section costs under a second.
OVER_TIME_AUTO_SPAN = "365D"
#: The files of the over-time section, each written only when its part could
#: be measured (``summary.json``'s ``over_time.files`` lists those written).
OVER_TIME_FILES = ("trajectory_groups.csv", "trajectory_bic.csv", "trajectory_curves.csv", "trajectory_members.csv",
                   "rolling.csv", "rises.csv", "succession.csv")
_VERSIONED = ("netanalysis", "numpy", "scipy", "pandas", "networkx", "igraph", "numba", "pyarrow", "matplotlib")


@dataclass
class Analysis:
    """What :func:`analyze` computed (also written to ``out``)."""

    forum: Forum
    graph: InteractionGraph
    centrality: pd.DataFrame
    roles: pd.DataFrame
    key_actors: pd.DataFrame
    disruption: pd.DataFrame
    summary: dict
    out: Path
    timings: dict = field(default_factory=dict)
    communities: object = None    # netanalysis.Communities, None when the graph has no edge
    elite: object = None          # netanalysis.Elite, None when skipped


class _Progress:
    """Stage timer that shows the stages as they go: ``show=True`` a
    progress bar (for a terminal), ``show="lines"`` one line per finished
    stage on stderr (``netanalysis analyze: centrality done in 12.3 s``,
    for a log file or a pipe, where a bar's redrawing would be garbage),
    ``show=False`` nothing."""

    def __init__(self, show: bool | str, extra: int = 0):
        if show not in (True, False, "lines"):
            raise ValueError(f"progress must be True, False or 'lines', not {show!r}")
        self.timings: dict[str, float] = {}
        self.bar = None
        self.lines = show == "lines"
        if show is True:
            from tqdm import tqdm

            self.bar = tqdm(total=len(STAGES) + extra, unit="stage", leave=False, dynamic_ncols=True)

    @contextmanager
    def stage(self, name: str):
        check_stop()
        if self.bar is not None:
            self.bar.set_description(name)
        t0 = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - t0, 3)
        check_stop()
        if self.bar is not None:
            self.bar.update(1)
        if self.lines:
            print(f"netanalysis analyze: {name} done in {self.timings[name]:.1f} s", file=sys.stderr, flush=True)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _build_graph(forum: Forum, kind: str) -> InteractionGraph:
    if kind == "reply":
        return reply_graph(forum, rule="auto")
    if kind == "coparticipation":
        return coparticipation_graph(forum, weighting="newman")
    raise ValueError(f"graph must be one of {GRAPHS}, not {kind!r}")


def _disruption_steps(n: int) -> list[int]:
    """Ten removal counts up to 5% of the members (at most 100): the few
    members an investigation can act on."""
    most = int(max(1, min(100, round(0.05 * n))))
    return sorted({int(round(x)) for x in np.linspace(0, most, 11)})


def _table_one(forum: Forum) -> pd.DataFrame:
    s = forum.summary()
    first, last = s["first_post"], s["last_post"]
    rows = [
        ("online", f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"),
        ("members", s["members"]),
        ("posting members", s["posting_members"]),
        ("staff (is_staff)", s["staff"]),
        ("statuses in the hierarchy", s["statuses"]),
        ("subforums", s["subforums"]),
        ("threads", s["threads"]),
        ("posts", s["posts"]),
        ("posts with an explicit reply_to", s["replies_with_reply_to"]),
        ("private messages", s["messages"]),
    ]
    return pd.DataFrame(rows, columns=["", "figure"])


def _roles_by_subforum(forum: Forum, roles: pd.DataFrame) -> pd.DataFrame:
    pa = forum.post_arrays
    member_role = roles["role"].reindex(forum.members["member_id"]).fillna("lurker").to_numpy()
    sub = forum.thread_subforum[pa.thread]
    names = forum.subforums["name"].fillna(forum.subforums["subforum_id"].astype(str)).astype(str).to_numpy()
    label = np.where(sub >= 0, names[np.maximum(sub, 0)] if len(names) else "", "(unknown)")
    df = pd.DataFrame({"role": member_role[pa.author], "subforum": label})
    table = df.groupby(["role", "subforum"]).size().unstack(fill_value=0)
    order = [r for r in plots.ROLE_COLOURS if r in table.index]
    return table.reindex(order)


def _core_edges(graph: InteractionGraph, key: list, per_actor: int = 8) -> pd.DataFrame:
    """Edges among the key actors and their strongest neighbours."""
    und = graph.to_undirected().adjacency
    rows = graph.node_ids.get_indexer(key)
    rows = rows[rows >= 0]
    keep = set(rows.tolist())
    for r in rows:
        start, end = und.indptr[r], und.indptr[r + 1]
        nbrs, w = und.indices[start:end], und.data[start:end]
        keep.update(nbrs[np.argsort(-w, kind="stable")[:per_actor]].tolist())
    nodes = np.array(sorted(keep), dtype=np.int64)
    sub = und[nodes][:, nodes].tocoo()
    upper = sub.row < sub.col
    ids = graph.node_ids.take(nodes)
    return pd.DataFrame({
        "source": ids.take(sub.row[upper]), "target": ids.take(sub.col[upper]), "weight": sub.data[upper],
    })


def _undirected_edges(graph: InteractionGraph) -> int:
    """Distinct member pairs joined by an edge (direction and self-loops ignored)."""
    adj = graph.adjacency
    if graph.directed:
        adj = adj + adj.T
    loops = int(np.count_nonzero(adj.diagonal()))
    return (adj.nnz - loops) // 2


def _approximation_plan(graph: InteractionGraph, stability_repeats: int, exact_limit: float) -> dict | None:
    """None when the graph is small enough for exact betweenness
    (nodes x edges at most ``exact_limit``); else the start of
    ``summary.json``'s ``approximations`` record: the size, the limit and
    the stability resamples asked for and used."""
    work = float(graph.n_nodes) * float(graph.n_edges)
    if work <= exact_limit:
        return None
    return {
        "reason": (f"the graph has {graph.n_nodes:,} nodes x {graph.n_edges:,} edges = {work:.3g}, above the "
                   f"limit of {exact_limit:.3g} for exact shortest-path betweenness (EXACT_LIMIT)"),
        "nodes_x_edges": work, "exact_limit": exact_limit,
        "stability_repeats": {"asked": stability_repeats,
                              "used": min(stability_repeats, APPROXIMATE_STABILITY_REPEATS)},
        "approximate": [
            "centrality: the betweenness column (centrality table, graph.graphml)",
            "key actors: the betweenness evidence in score and evidence, and in each stability resample",
            "disruption: the order of the 'betweenness' strategy and the betweenness candidates of 'keyplayer'",
        ],
        "exact": "every other measure, table and figure",
    }


def _approximation_words(approx: dict) -> str:
    """The report's paragraph on what is estimated, and how well."""
    b = approx["betweenness"]
    st = approx["stability_repeats"]
    return (f"Approximations at this size: {approx['reason']}. Betweenness is therefore estimated from "
            f"{b['samples']:,} shortest paths between random pairs of members (netanalysis.approximate_betweenness, "
            f"{b['method']} sample size, seed {b['seed']}): {b['bound']} (epsilon = {b['epsilon']}, delta = "
            f"{b['delta']}). The estimate enters the betweenness column, the key actors' betweenness evidence (in "
            "each stability resample too) and the betweenness and key-player disruption strategies."
            + (f" Stability comes from {st['used']} resamples instead of {st['asked']}, each as costly as a "
               "run of roles and key actors." if st["used"] < st["asked"] else "")
            + " Every other measure, table and figure is exact. summary.json records this under approximations.")


def _estimated_betweenness(graph: InteractionGraph, seed: int) -> pd.Series:
    """Betweenness within ``APPROXIMATE_BETWEENNESS["epsilon"]`` of the
    panel's exact definition (hops, normalised as networkx), aligned with
    ``graph.node_ids``."""
    from ..measures import approximate_betweenness

    return approximate_betweenness(graph, seed=seed, distance="hops", normalized=True, **APPROXIMATE_BETWEENNESS)


def _centrality_panel(graph: InteractionGraph, plan: dict | None, seed: int) -> pd.DataFrame:
    """The full centrality panel: exact without a ``plan``; with one,
    betweenness estimated (its sample recorded in ``plan["betweenness"]``)
    and every other column exact."""
    from ..measures import centrality, panel_columns

    if plan is None:
        return centrality(graph)
    columns = list(panel_columns(graph.directed))
    panel = centrality(graph, measures=[c for c in columns if c != "betweenness"])
    estimate = _estimated_betweenness(graph, seed)
    panel["betweenness"] = estimate.to_numpy(dtype=np.float64)
    plan["betweenness"] = {
        **{k: (v.item() if isinstance(v, np.generic) else v) for k, v in estimate.attrs.items()},
        "seed": seed,
        "bound": (f"every member's normalised betweenness within {estimate.attrs['epsilon']} of the exact value, "
                  f"all members at once, with probability at least {1 - estimate.attrs['delta']:g}"),
    }
    return panel[columns]


def _resample_measures(seed: int):
    """The key-actor measures of a stability resample's graph as the panel
    has them above ``EXACT_LIMIT``: betweenness estimated the same way,
    PageRank, harmonic closeness and coreness exact."""
    from ..keyplayers.key_actors import GRAPH_MEASURES
    from ..measures import centrality

    names = list(GRAPH_MEASURES)

    def measures(graph: InteractionGraph) -> pd.DataFrame:
        panel = centrality(graph, measures=[m for m in names if m != "betweenness"])
        panel["betweenness"] = _estimated_betweenness(graph, seed).to_numpy(dtype=np.float64)
        return panel[names]

    return measures


def _find_communities(graph: InteractionGraph, forum: Forum, roles: pd.DataFrame, ranked: pd.DataFrame,
                      seed: int):
    """The communities, the elite and what was done, for the summary and the
    report: ``(communities or None, elite or None, info)``."""
    from ..measures import communities, elite

    info = {"communities": None, "elite": {"setting": "skipped", "undirected_edges": _undirected_edges(graph),
                                           "full_limit": ELITE_FULL_EDGES, "limit": ELITE_MAX_EDGES}}
    # the role as plain text: communities() fails on a categorical role column (measures/communities.py,
    # _role_columns: .cat after .astype(str)); the counts are the same
    roles = roles.assign(role=roles["role"].astype(object))
    try:
        parts = communities(graph, seed=seed, n_runs=10, roles=roles, key_actors=ranked, forum=forum)
    except ValueError as exc:
        info["communities"] = {"skipped": str(exc)}
        info["elite"]["reason"] = str(exc)
        return None, None, info
    info["communities"] = {"method": "leiden", "objective": "modularity", "n_runs": 10,
                           "communities": parts.n_communities, "modularity": round(float(parts.modularity), 6),
                           "rounds": parts.n_rounds, "converged": bool(parts.converged),
                           "mean_stability": round(float(parts.stability.mean()), 6)}
    m = info["elite"]["undirected_edges"]
    if m > ELITE_MAX_EDGES:
        info["elite"]["reason"] = (f"the graph has {m:,} undirected edges, more than the limit of "
                                   f"{ELITE_MAX_EDGES:,} for the rich club's null model")
        return parts, None, info
    n_null, swaps = (20, 10) if m <= ELITE_FULL_EDGES else (5, 5)
    inner = elite(graph, seed=seed, n_null=n_null, swaps_per_edge=swaps, roles=roles, forum=forum, partition=parts)
    info["elite"].update({
        "setting": "full" if m <= ELITE_FULL_EDGES else "cheaper", "n_null": n_null, "swaps_per_edge": swaps,
        "peak_degree": inner.peak_degree,
        "peak_normalized": None if np.isnan(inner.peak_normalized) else round(float(inner.peak_normalized), 6),
        "rich_club_members": int(len(inner.rich_club_members)), "core_number": int(inner.core_number),
        "core_members": int(len(inner.core_members)), "management_community": inner.management_community,
    })
    return parts, inner, info


def _community_table(parts, graph: InteractionGraph) -> pd.DataFrame:
    """The community table as written to communities.csv: integer member
    ids stay integers where a community has no leader."""
    table = parts.table.reset_index()
    if pd.api.types.is_integer_dtype(graph.node_ids.dtype) and "leader" in table:
        table["leader"] = table["leader"].astype("Int64")
    return table


def _community_edges(graph: InteractionGraph, membership: pd.Series, k: int) -> pd.DataFrame:
    """Weight between each pair of communities (replies in both directions)."""
    import scipy.sparse as sp

    adj = graph.adjacency
    if graph.directed:
        adj = adj + adj.T
    labels = membership.reindex(graph.node_ids).to_numpy().astype(np.int64)
    n = graph.n_nodes
    member_of = sp.csr_array((np.ones(n), (np.arange(n), labels)), shape=(n, k))
    between = (member_of.T @ adj @ member_of).tocoo()
    upper = between.row < between.col
    return pd.DataFrame({"source": between.row[upper], "target": between.col[upper],
                         "weight": between.data[upper]})


def _dates(df: pd.DataFrame) -> pd.DataFrame:
    """Time columns as dates, for the report's tables."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def _member_anchors(ranked: pd.DataFrame) -> dict:
    """Member id -> anchor of its member section (the top key actors)."""
    top = ranked.head(MEMBER_SECTIONS)
    return {m: f"member-{int(r)}" for m, r in zip(top["member_id"], top["rank"])}


def _communities_section(graph, parts, anchors, seed) -> Section:
    sec = Section("communities", "Communities")
    if parts is None:
        return sec.text("No communities: the graph has no edge between two members.", "warn")
    sec.text(f"{parts.n_communities:,} communities: Leiden with the modularity objective, the consensus of 10 seeded "
             f"runs (netanalysis.communities; replies in both directions count, A + A^T). Modularity "
             f"Q = {parts.modularity:.3f}; {parts.n_rounds} consensus round(s)"
             f"{'' if parts.converged else ', not converged'}. A member's stability is the share of the runs in "
             f"which it stays with its community (mean {parts.stability.mean():.2f}). The leader is the "
             "highest-ranked key actor of the community, the hub the member with the most replies inside it.")
    table = _community_table(parts, graph).set_index("community")
    shown = table.head(COMMUNITIES_SHOWN)
    edges = _community_edges(graph, parts.membership, len(table))
    edges = edges[edges["source"].isin(shown.index) & edges["target"].isin(shown.index)]
    managed = shown.index[shown["management"] > 0] if "management" in shown else []
    sec.figure(plots.community_graph(shown["size"], edges, highlight=managed, seed=seed),
               f"The {len(shown)} largest communities (numbered by size; red: holding admins or moderators), "
               "line width by the replies between them.")
    cols = [c for c in ("community", "size", "density", "conductance", "stability", "leader", "leader_rank",
                        "key_actors", "management", "hub", "n_posts", "main_subforum", "first_post", "last_post")
            if c in table.columns or c == "community"]
    sec.table(_dates(shown.reset_index()[cols]).round(3), links={"leader": anchors, "hub": anchors})
    if len(table) > COMMUNITIES_SHOWN:
        sec.text(f"{len(table) - COMMUNITIES_SHOWN:,} smaller communities are in communities.csv.", "note")
    return sec


def _rich_club_rows(rich: pd.DataFrame, peak, min_size: int, most: int = 15) -> pd.DataFrame:
    """At most ``most`` rows of the rich-club table (and the peak), evenly
    spread over the degrees with clubs of ``min_size`` members or more."""
    rows = rich[rich["n_members"] >= min_size]
    if len(rows) > most:
        keep = rows.index[np.unique(np.linspace(0, len(rows) - 1, most).round().astype(int))].tolist()
        if peak is not None and peak not in keep:
            keep = sorted(keep + [peak])
        rows = rows.loc[keep]
    return rows


def _elite_section(inner, info: dict, anchors) -> Section:
    sec = Section("elite", "The elite")
    e = info["elite"]
    if inner is None:
        return sec.text(f"The elite was not measured: {e.get('reason', 'no graph')}.", "warn")
    setting = f"{e['n_null']} degree-preserving random graphs, {e['swaps_per_edge']} swap trials per edge"
    if e["setting"] == "cheaper":
        setting += (f"; a cheaper null model, since the graph has {e['undirected_edges']:,} undirected edges, more "
                    f"than {ELITE_FULL_EDGES:,} (above {ELITE_MAX_EDGES:,} the elite is skipped)")
    sec.text("The inner circle in three readings (netanalysis.elite; replies in either direction, unweighted): the "
             "innermost k-core, the rich club (members of degree above k* when they are linked more tightly "
             f"than their degrees explain, against {setting}), and the community holding most admins "
             "and moderators.")
    lines = [f"Innermost core: k = {inner.core_number}, {len(inner.core_members):,} members."]
    if inner.peak_degree is None:
        lines.append("Rich club: no degree with enough members to measure it.")
    elif len(inner.rich_club_members):
        lines.append(f"Rich club: {len(inner.rich_club_members):,} members of degree above {inner.peak_degree} "
                     f"(normalised coefficient {inner.peak_normalized:.2f}).")
    else:
        lines.append(f"Rich club: none beyond chance (normalised coefficient at most {inner.peak_normalized:.2f}, "
                     f"at degree {inner.peak_degree}).")
    if inner.management_community is not None and inner.management is not None:
        row = inner.management.loc[inner.management_community]
        lines.append(f"Management community: {inner.management_community} ({int(row['managers'])} of "
                     f"{int(inner.management['managers'].sum())} admins and moderators, {int(row['size']):,} "
                     "members).")
    for line in lines:
        sec.text(line)
    rich = _rich_club_rows(inner.rich_club, inner.peak_degree, int(inner.params.get("min_size", 5)))
    sec.table(rich.reset_index().astype({"n_members": np.int64, "n_edges": np.int64}).round(3))
    members = inner.members.rename_axis("member_id").reset_index()
    sec.table(_dates(members), max_rows=30, links={"member_id": anchors})
    return sec


def _partners(graph: InteractionGraph, member) -> tuple[int, int, int]:
    """(partners, replied to, replied by): distinct members, self excluded."""
    r = int(graph.node_ids.get_indexer([member])[0])
    if r < 0:
        return 0, 0, 0
    adj = graph.adjacency
    out = set(adj.indices[adj.indptr[r]:adj.indptr[r + 1]].tolist()) - {r}
    into = set(adj[:, [r]].tocoo().row.tolist()) - {r}
    return len(out | into), len(out), len(into)


def _members_section(forum: Forum, graph, roles: pd.DataFrame, ranked: pd.DataFrame, parts) -> Section:
    from html import escape

    sec = Section("members", "Key actors one by one")
    top = ranked.head(MEMBER_SECTIONS)
    sec.text(f"The top {len(top)} key actors (at most {MEMBER_SECTIONS}; each linked from the key-actor table): "
             "role and its evidence, the key-actor evidence, posts, partners in the graph and community. "
             "netanalysis member DATASET MEMBER writes a member's full profile.")
    posts = forum.posts["author_id"].value_counts()
    for row in top.itertuples(index=False):
        m = row.member_id
        role = roles.loc[m] if m in roles.index else None
        partners, out, into = _partners(graph, m)
        reading = f"replied to {out:,}, replied by {into:,}" if graph.directed else "in the graph"
        where = ""
        if parts is not None and m in parts.membership.index:
            where = f"; community {int(parts.membership[m])} (stability {float(parts.stability[m]):.2f})"
        confidence = ""
        if role is not None and "confidence" in role.index and pd.notna(role["confidence"]):
            confidence = f" (confidence {float(role['confidence']):.2f})"
        stability = f"; stability {float(row.stability):.2f}" if pd.notna(row.stability) else ""
        block = [f'<div class="member" id="member-{int(row.rank)}"><h3>#{int(row.rank)}: member {escape(str(m))}</h3>',
                 f"<p>Role: {escape(str(row.role))}{escape(confidence)}; score {float(row.score):.3f}"
                 f"{escape(stability)}.</p>",
                 f"<p>Key-actor evidence: {escape(str(row.evidence))}</p>"]
        if role is not None and "evidence" in role.index and pd.notna(role["evidence"]):
            block.append(f"<p>Role evidence: {escape(str(role['evidence']))}</p>")
        block.append(f"<p>Posts: {int(posts.get(m, 0)):,}; partners: {partners:,} ({escape(reading)})"
                     f"{escape(where)}.</p></div>")
        sec.html("".join(block))
    return sec


# -- over time (over_time=True) ----------------------------------------------------------

@dataclass
class _OverTime:
    """What the over-time section measured: the tables to write (file name
    -> DataFrame), the figures' inputs and, per part, what was done or why
    it was skipped (``info``, for summary.json)."""

    tables: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    trajectories: object = None
    windows: pd.DataFrame | None = None
    emergence: object = None


def _over_time_choice(forum: Forum, over_time: bool | None) -> tuple[bool, str]:
    """Whether the over-time section is made, and why (``over_time=None``:
    when the posts span at least ``OVER_TIME_AUTO_SPAN``)."""
    if over_time is not None:
        return bool(over_time), "asked for" if over_time else "turned off"
    times = forum.post_arrays.time
    span = pd.Timedelta(int(times.max() - times.min()) if len(times) else 0, unit="ns")
    days = span / pd.Timedelta("1D")
    on = span >= pd.Timedelta(OVER_TIME_AUTO_SPAN)
    return bool(on), (f"the posts span {days:.0f} days, {'at least' if on else 'less than'} "
                      f"{OVER_TIME_AUTO_SPAN}")


def _find_over_time(forum: Forum, ranked: pd.DataFrame, seed: int) -> _OverTime:
    """Trajectories, moving windows, rises and succession with the settings
    of ``OVER_TIME``; a part that cannot be measured on this forum (too
    short a span, no window...) is skipped with its reason."""
    from ..temporal import activity_trajectories, emergence, rolling, succession

    cfg = OVER_TIME
    res = _OverTime(info={"settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()}})
    try:
        traj = activity_trajectories(forum, freq=cfg["freq"], n_groups="auto", max_groups=cfg["max_groups"],
                                     order=cfg["order"], model=cfg["model"], seed=seed)
    except ValueError as exc:
        res.info["trajectories"] = {"skipped": str(exc)}
    else:
        res.trajectories = traj
        res.info["trajectories"] = {
            "n_groups": traj.n_groups, "n_members": int(traj.params["n_members"]),
            "n_periods": int(traj.params["n_periods"]),
            "shares": [round(float(v), 6) for v in traj.groups["share"]],
            "bic": {int(k): round(float(v), 3) for k, v in traj.bic["bic"].items()},
            "converged": bool(traj.params["converged"]), "covariance": traj.params["covariance"]}
        post = traj.posterior
        members = pd.DataFrame({"member_id": post.index.to_numpy(), "group": traj.membership.to_numpy(),
                                "probability": post.max(axis=1).to_numpy()})
        for g in post.columns:
            members[f"p{g}"] = post[g].to_numpy()
        rec = traj.records
        for col in ("first_post", "last_post", "ends_at", "n_periods", "n_posts"):
            members[col] = rec[col].to_numpy()
        res.tables.update({"trajectory_groups.csv": traj.groups.reset_index(),
                           "trajectory_bic.csv": traj.bic.reset_index(),
                           "trajectory_curves.csv": traj.curves, "trajectory_members.csv": members})
    try:
        windows = rolling(forum, cfg["window"], cfg["step"], measures=cfg["measures"], seed=seed)
    except ValueError as exc:
        res.info["rolling"] = {"skipped": str(exc)}
        res.info["emergence"] = {"skipped": str(exc)}
    else:
        res.windows = windows
        res.info["rolling"] = {"windows": len(windows.attrs["windows"]),
                               "empty_windows": len(windows.attrs["empty_windows"]),
                               "approximated": len(windows.attrs["approximated"]), "rows": int(len(windows))}
        res.tables["rolling.csv"] = windows.reset_index(drop=True)
        found = emergence(forum, top_share=cfg["top_share"], window=cfg["window"], step=cfg["step"], seed=seed,
                          windows=windows)
        res.emergence = found
        dated = int(found.members["status_at"].notna().sum())
        res.info["emergence"] = {"rises": int(len(found.rises)), "members_with_dated_status": dated,
                                 "members_with_structural_rise": int(found.members["structural_at"].notna().sum()),
                                 "status_events": list(found.params["status"])}
        res.tables["rises.csv"] = found.rises
    # succession: the first key actors who went quiet
    pa = forum.post_arrays
    rows = []
    quiet_ns = pd.Timedelta(cfg["quiet_after"]).value
    last_post = pd.Series(pa.time, index=pa.author).groupby(level=0).max() if len(pa.time) else pd.Series(dtype=int)
    forum_last = int(pa.time.max()) if len(pa.time) else 0
    checked = quiet = 0
    for rank, m in zip(ranked["rank"].head(cfg["succession_actors"]), ranked["member_id"].head(cfg["succession_actors"])):
        pos = forum.member_index.get_indexer([m])[0]
        if pos < 0 or pos not in last_post.index:
            continue
        checked += 1
        if forum_last - int(last_post[pos]) < quiet_ns:
            continue
        quiet += 1
        took = succession(forum, m, before=cfg["succession_period"], after=cfg["succession_period"],
                          top=cfg["successors"])
        if not len(took):
            rows.append({"quiet_member": m, "quiet_rank": int(rank), "last_post": took.attrs["last_post"],
                         "partners_before": len(took.attrs["partners"]), "successor": None,
                         "jaccard": np.nan, "shared": np.nan, "successor_partners": np.nan, "replies": np.nan,
                         "first_shared_at": pd.NaT, "note": took.attrs["reason"]})
        for r in took.itertuples(index=False):
            rows.append({"quiet_member": m, "quiet_rank": int(rank), "last_post": took.attrs["last_post"],
                         "partners_before": len(took.attrs["partners"]), "successor": r.member_id,
                         "jaccard": float(r.jaccard), "shared": int(r.shared), "successor_partners": int(r.partners),
                         "replies": int(r.replies), "first_shared_at": r.first_shared_at, "note": None})
    columns = ["quiet_member", "quiet_rank", "last_post", "partners_before", "successor", "jaccard", "shared",
               "successor_partners", "replies", "first_shared_at", "note"]
    table = pd.DataFrame(rows, columns=columns)
    for c in ("last_post", "first_shared_at"):
        table[c] = pd.to_datetime(table[c], utc=True)
    if pd.api.types.is_integer_dtype(forum.member_index.dtype):
        table["successor"] = table["successor"].astype("Int64")
    res.tables["succession.csv"] = table
    res.info["succession"] = {"key_actors_checked": checked, "quiet": quiet,
                              "with_successor": int(table.loc[table["successor"].notna(), "quiet_member"].nunique())}
    res.info["files"] = [name for name in OVER_TIME_FILES if name in res.tables]
    return res


def _timeline_table(ranked: pd.DataFrame, res: _OverTime) -> pd.DataFrame:
    """One row per key actor of the timelines: best rank and when, per
    measure, the first rise into the top share, the dated status, the lead
    and the trajectory group."""
    w = res.windows
    top = ranked.head(OVER_TIME["timeline_actors"])
    rows = []
    for rank, m in zip(top["rank"], top["member_id"]):
        row = {"rank": int(rank), "member_id": m}
        mine = w[w["member_id"] == m] if w is not None else None
        row["windows_posting"] = 0 if mine is None else int(mine["window_start"].nunique())
        for measure in ("betweenness", "pagerank"):
            part = mine[mine["measure"] == measure] if mine is not None else None
            if part is not None and len(part) and part["rank"].notna().any():
                best = part.loc[part["rank"].idxmin()]
                row[f"best {measure} rank"] = f"{int(best['rank'])} (from {best['window_start']:%Y-%m-%d})"
            else:
                row[f"best {measure} rank"] = None
        e = res.emergence
        if e is not None and m in e.members.index:
            r = e.members.loc[m]
            row["in the top share by"] = (None if pd.isna(r["structural_at"])
                                          else f"{r['structural_at']:%Y-%m-%d} ({r['structural_measure']})")
            row["first status event"] = (None if pd.isna(r["status_at"])
                                         else f"{r['status_at']:%Y-%m-%d} ({r['status_event']})")
            row["lead_days"] = None if pd.isna(r["lead_days"]) else int(round(float(r["lead_days"])))
        t = res.trajectories
        row["trajectory group"] = (int(t.membership[m]) if t is not None and m in t.membership.index else None)
        rows.append(row)
    return pd.DataFrame(rows)


def _over_time_section(forum: Forum, ranked: pd.DataFrame, res: _OverTime, anchors: dict) -> Section:
    cfg = OVER_TIME
    sec = Section(OVER_TIME_SECTION, "Over time: trajectories, positions and rises")
    days = {k: (f"{cfg[k][:-1]} days" if str(cfg[k]).endswith("D") else str(cfg[k]))
            for k in ("window", "step", "quiet_after", "succession_period")}
    sec.text("Measured with netanalysis.temporal on the records' time stamps (settings in summary.json, "
             "over_time.settings). The tables are in trajectory_groups.csv, trajectory_bic.csv, "
             "trajectory_curves.csv, trajectory_members.csv, rolling.csv, rises.csv and succession.csv.", "note")
    traj = res.trajectories
    if traj is None:
        sec.text(f"Activity trajectories were not measured: {res.info['trajectories']['skipped']}.", "warn")
    else:
        p = traj.params
        sec.text(f"Activity trajectories (netanalysis.activity_trajectories): each of the {p['n_members']:,} posting "
                 f"members' posts per calendar month over {p['n_periods']} months, a mixture of Poisson regressions "
                 f"on a polynomial of order {cfg['order']} in time fitted by EM from seeded starts; 1 to "
                 f"{cfg['max_groups']} groups tried, {traj.n_groups} chosen by BIC (Nagin's, larger is better). "
                 "A member's record runs from their first post to their last post or last visit, whichever is "
                 "later. APP: average posterior probability of the members assigned (Nagin: above 0.7); OCC: odds "
                 "of correct classification (above 5).")
        sec.figure(plots.trajectory_curves(traj.curves, traj.groups),
                   "Expected posts per month of a member of each group (lines, 95% delta-method band) and the "
                   "posterior-weighted mean of the members active in the month (dots, where at least one member's "
                   "worth of weight is at risk); share of members in the legend; logarithmic scale.")
        groups = traj.groups.reset_index()[["group", "share", "n_assigned", "app", "occ", "mean_expected"]]
        sec.table(groups.round(3))
        bic = traj.bic.reset_index()[["n_groups", "loglik", "n_params", "bic", "min_share", "converged", "chosen"]]
        sec.table(bic.assign(loglik=bic["loglik"].map("{:,.1f}".format), bic=bic["bic"].map("{:,.1f}".format),
                             min_share=bic["min_share"].round(3)))
    w = res.windows
    if w is None:
        sec.text(f"Positions over time were not measured: {res.info['rolling']['skipped']}.", "warn")
    else:
        _positions(sec, ranked, res, anchors, days)
    s = res.tables["succession.csv"]
    info = res.info["succession"]
    if not info["quiet"]:
        sec.text(f"Succession: none of the first {info['key_actors_checked']} key actors went quiet (a last post "
                 f"{days['quiet_after']} or more before the end of the records).")
    else:
        sec.text(f"Succession (netanalysis.succession): {info['quiet']} of the first {info['key_actors_checked']} key "
                 f"actors went quiet (last post {days['quiet_after']} or more before the end of the records). For "
                 f"each, the members whose answered partners in the {days['succession_period']} after the last post "
                 f"overlap most with those the key actor answered in the {days['succession_period']} before "
                 "(Jaccard):")
        sec.table(_dates(s).round(3), links={"quiet_member": anchors, "successor": anchors})
    return sec


def _positions(sec: Section, ranked: pd.DataFrame, res: _OverTime, anchors: dict, days: dict) -> None:
    """The moving-window part of the over-time section: the key actors' ranks and the rising members."""
    cfg = OVER_TIME
    w = res.windows
    nwin = res.info["rolling"]["windows"]
    sec.text(f"Positions over time (netanalysis.rolling): the reply graph of each window of {days['window']} "
             f"starting every {days['step']} ({nwin} windows, {res.info['rolling']['empty_windows']} without "
             f"posts, {res.info['rolling']['approximated']} with approximated betweenness), whatever graph the "
             "rest of the report uses; rank 1 is the highest value in the window. The key actors' best ranks, "
             f"when they first entered the top {cfg['top_share']:.0%} of betweenness, PageRank or members "
             "answered, their first dated status event and the lead between them:")
    top = ranked.head(cfg["timeline_actors"])
    bt = w[(w["measure"] == "betweenness") & w["member_id"].isin(top["member_id"])]
    ranks = bt.pivot_table(index="window_end", columns="member_id", values="rank", aggfunc="min")
    order = [m for m in top["member_id"] if m in ranks.columns]
    labels = {m: f"#{int(r)} member {m}" for r, m in zip(top["rank"], top["member_id"])}
    all_windows = pd.DatetimeIndex(sorted({x["window_end"] for x in w.attrs["windows"]}))
    ranks = ranks.reindex(index=all_windows, columns=order).rename(columns=labels)
    sec.figure(plots.rank_timelines(ranks, f"Betweenness rank of the top {len(order)} key actors in moving windows"),
               f"Rank of betweenness in the reply graph of each {days['window']} window (plotted at its end); a gap: "
               "no post in the window.")
    sec.table(_timeline_table(ranked, res), links={"member_id": anchors})
    e = res.emergence
    if not e.members["status_at"].notna().any():
        sec.text("Rising members: the records date no status event (no post in a subforum open only from a "
                 "min_rank, no thread in an announcements or rules subforum), so no structural rise can be put "
                 "before a status rise.", "note")
    elif not len(e.rises):
        sec.text("Rising members: no member entered the top share of a measure before their first dated status "
                 "event.")
    else:
        sec.text(f"Rising members (netanalysis.emergence): {len(e.rises):,} members entered the top "
                 f"{cfg['top_share']:.0%} of a measure before their first dated status event (the first post in a "
                 "subforum open only from a rank, or the first thread in announcements or rules); the data keep "
                 "no rank history, so a status is dated by what it allowed. The largest leads:")
        sec.table(_dates(e.rises.head(30)).round(1), links={"member_id": anchors})
        if len(e.rises) > 30:
            sec.text(f"{len(e.rises) - 30:,} more in rises.csv.", "note")


def _rank_correlation(panel: pd.DataFrame) -> pd.DataFrame:
    varying = panel.loc[:, panel.nunique() > 1]
    return varying.rank().corr(method="pearson")


def _report(forum, graph, panel, roles, ranked, disruption, summary, label, parts=None, inner=None,
            info=None, over: _OverTime | None = None) -> str:
    s = []
    anchors = _member_anchors(ranked)
    info = info or {"elite": {"reason": "not computed"}}
    approx = summary.get("approximations")
    sec = Section("dataset", "The dataset")
    sec.text("In the form of Table 1 of the study (van der Bruggen & Blokland).").table(_table_one(forum))
    rep = forum.report
    if rep.derived:
        sec.text("Derived: " + "; ".join(rep.derived))
    if len(rep.dropped):
        counts = rep.dropped.groupby(["table", "problem"]).size().rename("rows dropped").reset_index()
        sec.text("Rows dropped by validation (every one is listed in the validation report):", "warn").table(counts)
    else:
        sec.text("Validation dropped no rows.")
    if len(rep.cleared):
        sec.text(f"{len(rep.cleared):,} replies to dropped posts were kept with reply_to cleared (each is listed "
                 "in cleared.csv).", "warn")
    for note in rep.notes:
        sec.text(note, "note")
    for warning in rep.warnings:
        sec.text(f"Warning: {warning}", "warn")
    s.append(sec)

    s.append(Section("activity", "Activity over time").figure(
        plots.activity_over_time(forum.posts, forum.messages),
        "Posts, posting members and private messages per calendar month (symmetric log scale)."))

    dist = {c.replace("_", "-"): panel[c] for c in ("in_degree", "out_degree", "in_strength", "out_strength", "degree", "strength") if c in panel}
    s.append(Section("distributions", "Degree and strength distributions").figure(
        plots.degree_distribution(dist),
        f"Complementary cumulative distributions on log-log axes, {graph.kind} graph ({graph.n_nodes:,} members, {graph.n_edges:,} edges)."))

    ka = Section("key-actors", "Key actors")
    ka.text("Ranked by the evidence that a member belongs to the management team, the moderators or the technical "
            "members (role detection), ties ordered by six structural measures; the evidence names the role's deciding "
            "behaviours and the highest structural percentiles (see netanalysis.key_actors). Stability: share of "
            "resamples, each without a fifth of the posts, in which the member stays in this list.")
    if approx is not None:
        used, asked = approx["stability_repeats"]["used"], approx["stability_repeats"]["asked"]
        fewer = (f" and stability comes from {used} resample{'' if used == 1 else 's'} (of {asked} asked for)"
                 if used < asked else "")
        ka.text(f"At this size betweenness is estimated (within {approx['betweenness']['epsilon']} with probability "
                f"{1 - approx['betweenness']['delta']:g}){fewer}; see How the centralities agree.", "note")
    ka.table(ranked.assign(score=ranked["score"].round(3)), links={"member_id": anchors})
    s.append(ka)

    rs = Section("roles", "Roles")
    rs.figure(plots.role_composition(roles["role"]), "Members per detected role.")
    rs.figure(plots.roles_by_subforum(_roles_by_subforum(forum, roles)),
              "Share of each subforum's posts written by members of each role.")
    s.append(rs)
    s.append(_communities_section(graph, parts, anchors, summary["parameters"]["seed"]))
    s.append(_elite_section(inner, info, anchors))

    corr = _rank_correlation(panel)
    agree = Section("centrality-agreement", "How the centralities agree")
    if approx is not None:
        agree.text(_approximation_words(approx), "note")
    s.append(agree.figure(
        plots.rank_correlation(corr), "Spearman rank correlation between the measures of the panel, over all graph nodes."))

    dis = Section("disruption", "Disruption")
    dis.text("Members removed step by step by each strategy; after each step, what is left of the network "
             "(undirected, in hops). Random removal is averaged over repeats, with one standard deviation shaded.")
    dis.figure(plots.disruption_curves(disruption, "lcc_share"), "Largest component as a share of all members.")
    dis.figure(plots.disruption_curves(disruption, "efficiency"), "Global efficiency of the remaining network.")
    s.append(dis)

    key = ranked["member_id"].tolist()[:25]
    s.append(Section("core-network", "The core of the network").figure(
        plots.core_network(_core_edges(graph, key), roles["role"], key, seed=summary["parameters"]["seed"]),
        "The top 25 key actors (numbered by rank) and their strongest neighbours, coloured by detected role."))
    if over is not None:
        s.append(_over_time_section(forum, ranked, over, anchors))
    s.append(_members_section(forum, graph, roles, ranked, parts))

    par = Section("parameters", "Parameters, versions and timings")
    par.table(pd.DataFrame(sorted(summary["parameters"].items()), columns=["parameter", "value"]).astype(str))
    par.table(pd.DataFrame(sorted(summary["versions"].items()), columns=["library", "version"]))
    par.table(pd.DataFrame(list(summary["seconds"].items()), columns=["stage", "seconds"]))
    for file_name, why in summary.get("left_out", {}).items():
        par.text(f"{file_name} was not written: {why}.", "note")
    s.append(par)
    return render_report(f"netanalysis report: {label}", f"Generated by netanalysis {summary['versions']['netanalysis']}; "
                         "structure only, no message content was read.", s)


def report_label(name: str) -> str:
    """How a report's title names its dataset: a folder or file by its
    last part, a database URL as ``netanalysis.forum.database.source_label``
    gives it (without user, password or options)."""
    name = str(name)
    if "://" in name:
        return source_label(name)
    return Path(name).name


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def check_parameters(*, graph: str = "reply", top: int = 50, seed: int = 0, format: str = "csv",
                     on_error: str = "raise", stability_repeats: int = 10) -> None:
    """Raise ``ValueError`` naming the first parameter of :func:`analyze`
    that is not allowed (run before any work)."""
    if graph not in GRAPHS:
        raise ValueError(f"graph must be one of {', '.join(GRAPHS)}, not {graph!r}")
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {format!r}")
    if on_error not in ("raise", "drop"):
        raise ValueError(f"on_error must be 'raise' or 'drop', not {on_error!r}")
    if not _is_int(top) or top < 1:
        raise ValueError(f"top must be a whole number of at least 1, not {top!r}")
    if not _is_int(seed) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number from 0 to {MAX_SEED} (2**32 - 1), not {seed!r}")
    if not _is_int(stability_repeats) or stability_repeats < 0:
        raise ValueError(f"stability_repeats must be a whole number of at least 0 (0 skips it), "
                         f"not {stability_repeats!r}")


def _dropped_rows(forum: Forum, which: str = "dropped") -> pd.DataFrame | None:
    """The rows validation dropped (or, ``which="cleared"``, kept with
    ``reply_to`` cleared): table, row, key, column, problem, line; or None."""
    dropped = getattr(forum.report, which, None)
    if not isinstance(dropped, pd.DataFrame) or dropped.empty:
        return None
    first = [c for c in ("table", "row", "key", "column", "problem") if c in dropped.columns]
    return dropped[first + [c for c in dropped.columns if c not in first]].reset_index(drop=True)


def analyze(
    dataset,
    out,
    *,
    graph: str = "reply",
    top: int = 50,
    seed: int = 0,
    format: str = "csv",
    on_error: str = "raise",
    stability_repeats: int = 10,
    progress: bool | str = False,
    force: bool = False,
    dataset_name: str | None = None,
    read_options: dict | None = None,
    over_time: bool | None = None,
):
    """Run every stage on ``dataset`` and write the results into ``out``.

    Parameters
    ----------
    dataset : path, or a list or mapping of paths
        A dataset folder (see :func:`netanalysis.read_forum`), a dump or
        SQLite file or a database URL (:func:`netanalysis.read_database`).
        Several datasets (a list, or a mapping ``{name: dataset}`` naming
        their folders) are each analysed as one into ``out / name`` and
        linked across fora in a combined report ``out / "report.html"``
        (see ``netanalysis.report.multiforum``); a list of one dataset is
        analysed as that dataset alone.
    out : path
        The output folder; created, refused when it exists unless ``force``,
        and never inside ``dataset``.
    graph : {"reply", "coparticipation"}
        The graph of the measures: replies (directed, the default) or shared
        threads (undirected, Newman weights).
    top : int
        Length of the key-actor list.
    seed : int
        Seed of every random choice (resampling, random disruption, layouts).
    format : {"csv", "parquet"}
        Format of the roles, centrality and disruption tables.
    progress : bool or "lines", default False
        Show the stages as they run: True, a progress bar (for a
        terminal); ``"lines"``, one line per finished stage on stderr
        (``netanalysis analyze: centrality done in 12.3 s``; what the CLI
        does when stderr is not a terminal).
    force : bool
        Replace an existing ``out``; only a folder that netanalysis wrote
        (it holds the marker file ``.netanalysis-output``) or an empty one.
    dataset_name : str, optional
        How the dataset is named in ``summary.json`` and the report (default:
        the path given; a database server URL without its user, password
        and options, ``netanalysis.forum.database.source_label``). Not
        with several datasets (name them with a mapping).
    read_options : dict, optional
        Further options of :func:`netanalysis.read_forum` (``orphans``,
        ``time_unit``, ``time_format``, ``encoding``, ``follow_links``),
        recorded with the parameters in ``summary.json``.
    over_time : bool or None, default None
        Add the report's over-time section and its tables
        (``OVER_TIME_FILES``, listed in ``summary.json`` under
        ``over_time.files``): activity trajectories of the monthly posts
        (Poisson, quadratic, 1 to 5 groups by BIC), the reply graph's
        centrality in 90-day windows every 30 days with the key actors'
        ranks, the members whose structural rise came before their first
        dated status event, and who took over from the key actors who went
        quiet (settings: ``OVER_TIME``). A part that the forum's span
        does not allow (fewer than two months, or than two windows) is
        skipped with its reason in the report and ``summary.json``.
        None: added when the posts span at least ``OVER_TIME_AUTO_SPAN``
        (a year); ``summary.json`` records the choice and why under
        ``parameters.over_time`` and ``parameters.over_time_choice``.

    Returns
    -------
    Analysis
        For one dataset; for several a
        :class:`netanalysis.report.multiforum.MultiAnalysis` (each forum's
        Analysis and the linked fora).

    Every parameter and the output location are checked before any work
    (``ValueError``; ``netanalysis._io.OutputError`` for the
    output); a second run into the same ``out`` while this one runs is
    refused at once.
    """
    if _several(dataset):
        if not isinstance(dataset, Mapping) and len(dataset) == 1:
            dataset = dataset[0]
        else:
            from .multiforum import analyze_fora

            return analyze_fora(dataset, out, force=force, progress=progress, dataset_name=dataset_name,
                                graph=graph, top=top, seed=seed, format=format, on_error=on_error,
                                stability_repeats=stability_repeats, read_options=read_options,
                                over_time=over_time)
    dataset, out = dataset_source(dataset), Path(out)
    checked = _checked_options(graph=graph, top=top, seed=seed, format=format, on_error=on_error,
                               stability_repeats=stability_repeats, read_options=read_options,
                               over_time=over_time)
    check_output(out, overwrite=force, inputs=dataset_files(dataset))
    with output_lock(out):
        return _analyze(dataset, out, progress=progress, force=force,
                        name=source_label(dataset) if dataset_name is None else str(dataset_name), **checked)


def _several(dataset) -> bool:
    """True for a list, tuple or mapping of datasets (refusing a mapping of
    tables, which analyze does not read)."""
    if isinstance(dataset, Mapping):
        for name, value in dataset.items():
            if not isinstance(value, (str, os.PathLike)):
                raise TypeError(f"analyze: dataset[{name!r}] is a {type(value).__name__}; a mapping gives "
                                "several datasets by name, each a folder, file or database URL")
        return True
    return isinstance(dataset, (list, tuple))


def _checked_options(*, graph="reply", top=50, seed=0, format="csv", on_error="raise", stability_repeats=10,
                     read_options=None, over_time=None) -> dict:
    """The options of :func:`_analyze`, each checked (``ValueError``)."""
    check_parameters(graph=graph, top=top, seed=seed, format=format, on_error=on_error,
                     stability_repeats=stability_repeats)
    read_options = dict(read_options or {})
    unknown = sorted(set(read_options) - set(READ_OPTIONS))
    if unknown:
        raise ValueError(f"read_options: unknown option(s) {', '.join(map(repr, unknown))}; "
                         f"options are {', '.join(READ_OPTIONS)}")
    check_read_options(on_error=on_error, **read_options)
    if over_time is not None and not isinstance(over_time, (bool, np.bool_)):
        raise ValueError(f"over_time must be True, False or None (on when the posts span at least "
                         f"{OVER_TIME_AUTO_SPAN}), not {over_time!r}")
    return {"graph": graph, "top": top, "seed": seed, "format": format, "on_error": on_error,
            "stability_repeats": stability_repeats, "read_options": read_options,
            "over_time": None if over_time is None else bool(over_time)}


def _analyze(dataset, out: Path, *, graph, top, seed, format, on_error, stability_repeats, progress,
             force, name: str, read_options: dict, over_time: bool | None = None) -> Analysis:
    from ..keyplayers import disrupt, key_actors
    from ..roles import forum_roles

    bar = _Progress(progress, extra=int(over_time is not False))
    try:
        with bar.stage("read"):
            forum = read_forum(dataset, on_error=on_error, **read_options)
        over_time, over_time_choice = _over_time_choice(forum, over_time)
        if bar.bar is not None and not over_time:
            bar.bar.total = len(STAGES)
        with bar.stage("graph"):
            g = _build_graph(forum, graph)
        approximations = _approximation_plan(g, stability_repeats, EXACT_LIMIT)
        with bar.stage("centrality"):
            panel = _centrality_panel(g, approximations, seed)
        with bar.stage("roles"):
            roles = forum_roles(forum, graph=g if graph == "reply" else None)
        with bar.stage("key actors"):
            if approximations is None:
                ranked = key_actors(forum, top=top, graph=g, roles=roles, panel=panel, seed=seed,
                                    stability_repeats=stability_repeats)
            else:
                ranked = key_actors(forum, top=top, graph=g, roles=roles, panel=panel, seed=seed,
                                    stability_repeats=approximations["stability_repeats"]["used"],
                                    resample_measures=_resample_measures(seed))
        with bar.stage("communities"):
            parts, inner, found = _find_communities(g, forum, roles, ranked, seed)
        with bar.stage("disruption"):
            disruption = disrupt(
                g, strategies=("random", "degree", "betweenness", "role", "keyplayer"),
                steps=_disruption_steps(g.n_nodes), seed=seed, repeats=10,
                roles=roles["role"], betweenness=panel["betweenness"] if "betweenness" in panel else None,
            )
        over = None
        if over_time:
            with bar.stage("over time"):
                over = _find_over_time(forum, ranked, seed)
        dropped = _dropped_rows(forum)
        cleared = _dropped_rows(forum, "cleared")
        summary = {
            "dataset": {k: (str(v) if isinstance(v, pd.Timestamp) else v) for k, v in forum.summary().items()},
            "validation": {"derived": list(forum.report.derived), "notes": list(forum.report.notes),
                           "warnings": [str(w) for w in forum.report.warnings],
                           "dropped_rows": 0 if dropped is None else int(len(dropped)),
                           "dropped_file": None if dropped is None else DROPPED_FILE,
                           "cleared_rows": 0 if cleared is None else int(len(cleared)),
                           "cleared_file": None if cleared is None else CLEARED_FILE},
            "graph": {"kind": g.kind, "directed": g.directed, "weight": g.weight, "nodes": g.n_nodes,
                      "edges": g.n_edges, "total_weight": g.total_weight,
                      "meta": {k: (v if isinstance(v, (int, float, str, bool, type(None), dict, list)) else str(v))
                               for k, v in g.meta.items()}},
            "parameters": {"dataset": name, "graph": graph, "top": top, "seed": seed, "format": format,
                           "on_error": on_error, "stability_repeats": stability_repeats,
                           **{k: read_options[k] for k in READ_OPTIONS if k in read_options},
                           "threads": numba.get_num_threads(), "over_time": bool(over_time),
                           "over_time_choice": over_time_choice},
            "communities": found["communities"],
            "elite": found["elite"],
            **({"over_time": over.info} if over is not None else {}),
            **({"approximations": approximations} if approximations is not None else {}),
            **({"left_out": {"graph.graphml": (
                f"the graph has {g.n_edges:,} edges, more than GRAPHML_MAX_EDGES = {GRAPHML_MAX_EDGES:,}: a "
                "GraphML file that size is too large for Gephi or Cytoscape on a laptop; centrality and roles "
                "hold every node attribute it would")}} if g.n_edges > GRAPHML_MAX_EDGES else {}),
            "versions": _versions(),
            "seconds": bar.timings,
        }
        with bar.stage("report"):
            t_report = time.perf_counter()
            nodes = panel.join(roles[["role", "confidence"]], how="left")
            if parts is not None:
                nodes = nodes.join(parts.membership, how="left")
            # Everything, summary.json included, goes into the temporary
            # folder; it becomes ``out`` in one rename once complete.
            with atomic_folder(out, overwrite=force, marker="analysis", inputs=[dataset]) as tmp, \
                    naming_failures(out) as writing:
                write_table(ranked, writing(tmp, "key_actors.csv"), "csv", safe_csv=True)
                write_table(_community_table(parts, g) if parts is not None else pd.DataFrame({"community": []}),
                            writing(tmp, "communities.csv"), "csv", safe_csv=True)
                write_table(roles.rename_axis("member_id").reset_index(), writing(tmp, f"roles.{format}"), format,
                            safe_csv=True)
                write_table(panel.rename_axis("member_id").reset_index(), writing(tmp, f"centrality.{format}"),
                            format, safe_csv=True)
                write_table(disruption, writing(tmp, f"disruption.{format}"), format, safe_csv=True)
                if dropped is not None:
                    write_table(dropped, writing(tmp, DROPPED_FILE), "csv", safe_csv=True)
                if cleared is not None:
                    write_table(cleared, writing(tmp, CLEARED_FILE), "csv", safe_csv=True)
                if over is not None:
                    for file_name in over.info["files"]:
                        write_table(over.tables[file_name], writing(tmp, file_name), "csv", safe_csv=True)
                summary["seconds"] = dict(bar.timings)
                html = _report(forum, g, panel, roles, ranked, disruption, summary, report_label(name),
                               parts=parts, inner=inner, info=found, over=over)
                if g.n_edges <= GRAPHML_MAX_EDGES:
                    write_graphml(g, writing(tmp, "graph.graphml"), nodes)
                writing(tmp, "report.html").write_text(html, encoding="utf-8")
                summary["seconds"] = {**bar.timings, "report": round(time.perf_counter() - t_report, 3)}
                writing(tmp, "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n",
                                                        encoding="utf-8")
    finally:
        bar.close()
    return Analysis(forum, g, panel, roles, ranked, disruption, summary, out, dict(bar.timings),
                    communities=parts, elite=inner)
