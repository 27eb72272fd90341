"""The report's figures, each returned as an SVG string.

matplotlib draws text as paths in the SVG (``svg.fonttype = "path"``), so a
figure needs no font from outside the file and the report stays
self-contained. Figures use the Agg-free SVG backend directly and never open
a window.
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

__all__ = [
    "ROLE_COLOURS", "activity_over_time", "degree_distribution", "role_composition",
    "roles_by_subforum", "rank_correlation", "disruption_curves", "core_network", "community_graph",
    "trajectory_curves", "rank_timelines",
]

#: One colour per role, the same in every figure (colour-blind-safe Okabe-Ito order).
ROLE_COLOURS = {
    "admin": "#D55E00",
    "moderator": "#E69F00",
    "technical": "#0072B2",
    "distributor": "#009E73",
    "requester": "#CC79A7",
    "regular": "#56B4E9",
    "newcomer": "#F0E442",
    "lurker": "#999999",
}


def _figure(width=7.0, height=3.6):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "netanalysis"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    # Drop the XML prologue and doctype (the figure is inlined in HTML) and
    # the RDF metadata block, which only names matplotlib's licence schema.
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return text[text.index("<svg"):]


def activity_over_time(posts: pd.DataFrame, messages: pd.DataFrame | None = None) -> str:
    """Posts, posting members and private messages per month."""
    t = posts["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    month = t.dt.to_period("M")
    per_month = pd.DataFrame({
        "posts": posts.groupby(month).size(),
        "posting members": posts.groupby(month)["author_id"].nunique(),
    })
    if messages is not None and len(messages):
        m = messages["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
        per_month["messages"] = messages.groupby(m).size()
    per_month = per_month.fillna(0)
    fig = _figure()
    ax = fig.add_subplot()
    x = per_month.index.to_timestamp()
    for col in per_month.columns:
        ax.plot(x, per_month[col].to_numpy(), label=col, lw=1.5)
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylabel("per month")
    ax.set_title("Activity over time")
    ax.legend(frameon=False)
    return _svg(fig)


#: A distribution with more positive values than this is drawn from at most
#: ``DISTRIBUTION_POINTS`` points (see :func:`_ccdf_points`): each marker is
#: about 110 bytes of SVG, and the mega preset's six series of 53,599 members
#: made a 35 MB figure. Up to this many (the forum-a preset has 3,937
#: members) every member is a marker, as before.
DISTRIBUTION_MAX_VALUES = 10_000
DISTRIBUTION_POINTS = 1_000


def _ccdf_points(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of the complementary cumulative distribution of the
    sorted positive values ``v``: one per value up to
    ``DISTRIBUTION_MAX_VALUES`` values; above, ``P(X >= x)`` at the
    distinct values (the same curve, without the markers stacked on ties),
    and when those are still more than ``DISTRIBUTION_POINTS``, the first
    of them in each of ``DISTRIBUTION_POINTS`` bins of equal width in
    ``log x`` (every point on the exact curve; the largest value always
    kept, since the tail is what the figure is read for)."""
    n = len(v)
    if n <= DISTRIBUTION_MAX_VALUES:
        return v, 1.0 - np.arange(n) / n
    first = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    x, ccdf = v[first], 1.0 - first / n
    if len(x) > DISTRIBUTION_POINTS:
        edges = np.linspace(np.log10(x[0]), np.log10(x[-1]), DISTRIBUTION_POINTS + 1)
        bins = np.minimum(np.searchsorted(edges, np.log10(x), side="right") - 1, DISTRIBUTION_POINTS - 1)
        keep = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
        keep = np.union1d(keep, [len(x) - 1])
        x, ccdf = x[keep], ccdf[keep]
    return x, ccdf


def degree_distribution(values: dict[str, pd.Series]) -> str:
    """Complementary cumulative distributions on log-log axes.

    ``values`` maps a label ("in-degree", "strength"...) to a Series of
    non-negative values; zeros are left out (they have no logarithm) and
    their number is given in the legend. Above ``DISTRIBUTION_MAX_VALUES``
    positive values a series is drawn at most at ``DISTRIBUTION_POINTS``
    points of its exact curve (:func:`_ccdf_points`).
    """
    fig = _figure()
    ax = fig.add_subplot()
    for label, s in values.items():
        v = np.sort(s.to_numpy(dtype=float))
        zeros = int(np.count_nonzero(v <= 0))
        v = v[v > 0]
        if not len(v):
            continue
        x, ccdf = _ccdf_points(v)
        ax.loglog(x, ccdf, marker=".", ls="none", ms=3, label=f"{label} ({zeros} zero)")
    ax.set_xlabel("value")
    ax.set_ylabel("P(X >= x)")
    ax.set_title("Degree and strength distributions")
    ax.legend(frameon=False)
    return _svg(fig)


def role_composition(roles: pd.Series) -> str:
    """Number of members per detected role."""
    counts = roles.value_counts().reindex([r for r in ROLE_COLOURS if r in set(roles)])
    fig = _figure(height=3.0)
    ax = fig.add_subplot()
    bars = ax.barh(counts.index[::-1], counts.to_numpy()[::-1],
                   color=[ROLE_COLOURS[r] for r in counts.index[::-1]])
    ax.bar_label(bars, padding=3)
    ax.set_xscale("log")
    ax.set_xlabel("members (log scale)")
    ax.set_title("Role composition")
    return _svg(fig)


def roles_by_subforum(table: pd.DataFrame) -> str:
    """Heatmap of posts by role (rows) and subforum (columns), as the share
    of each subforum's posts."""
    share = table.div(table.sum(axis=0).replace(0, np.nan), axis=1).fillna(0)
    fig = _figure(width=max(5.0, 0.35 * share.shape[1] + 2.5), height=0.35 * share.shape[0] + 1.8)
    ax = fig.add_subplot()
    im = ax.imshow(share.to_numpy(), aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_yticks(range(share.shape[0]), share.index)
    ax.set_xticks(range(share.shape[1]), [str(c) for c in share.columns], rotation=90, fontsize=7)
    fig.colorbar(im, ax=ax, label="share of the subforum's posts")
    ax.set_title("Roles across subforums")
    return _svg(fig)


def rank_correlation(corr: pd.DataFrame) -> str:
    """Heatmap of Spearman rank correlations between measures."""
    fig = _figure(width=0.45 * len(corr) + 3, height=0.45 * len(corr) + 2)
    ax = fig.add_subplot()
    im = ax.imshow(corr.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(corr)), corr.columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(corr)), corr.index, fontsize=7)
    for (i, j), v in np.ndenumerate(corr.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=5,
                color="white" if abs(v) > 0.6 else "black")
    fig.colorbar(im, ax=ax, label="Spearman rank correlation")
    ax.set_title("How the centralities agree")
    return _svg(fig)


def disruption_curves(df: pd.DataFrame, measure: str = "largest_component_share") -> str:
    """One curve per strategy: ``measure`` against the share of members removed."""
    fig = _figure()
    ax = fig.add_subplot()
    x_col = "fraction_removed" if "fraction_removed" in df else "removed"
    for strategy, part in df.groupby("strategy", sort=False):
        part = part.sort_values(x_col)
        ax.plot(part[x_col], part[measure], marker="o", ms=3, label=str(strategy))
        sd = f"{measure}_std"
        if sd in part and part[sd].notna().any():
            ax.fill_between(part[x_col], part[measure] - part[sd], part[measure] + part[sd], alpha=0.2)
    ax.set_xlabel("share of members removed" if x_col == "fraction_removed" else "members removed")
    ax.set_ylabel(measure.replace("_", " "))
    ax.set_title("Disruption: removing members step by step")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def core_network(edges: pd.DataFrame, roles: pd.Series, key: list, seed: int = 0) -> str:
    """The key actors and their neighbourhoods, coloured by role.

    ``edges`` holds ``source, target, weight`` between the members drawn;
    key actors are drawn larger and labelled with their rank.
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(pd.unique(pd.concat([edges["source"], edges["target"]])) if len(edges) else key)
    g.add_nodes_from(key)
    for s, t, w in edges[["source", "target", "weight"]].itertuples(index=False):
        if s != t:
            g.add_edge(s, t, weight=float(w))
    # Sorted node order makes the seeded layout reproducible.
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(g.nodes, key=str))
    ordered.add_edges_from(sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))))
    pos = nx.spring_layout(ordered, seed=seed, weight=None, iterations=100)
    fig = _figure(width=7.5, height=6.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    if ordered.number_of_edges():
        xy = np.array([[pos[u], pos[v]] for u, v in ordered.edges()])
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection(xy, colors="#bbbbbb", linewidths=0.4, zorder=1))
    rank = {m: i + 1 for i, m in enumerate(key)}
    nodes = list(ordered.nodes)
    colours = [ROLE_COLOURS.get(roles.get(n, "regular"), "#56B4E9") for n in nodes]
    sizes = [90 if n in rank else 12 for n in nodes]
    xy = np.array([pos[n] for n in nodes]) if nodes else np.zeros((0, 2))
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, edgecolors="black", linewidths=0.3, zorder=2)
    for n in nodes:
        if n in rank:
            ax.annotate(str(rank[n]), pos[n], fontsize=6, ha="center", va="center", zorder=3)
    from matplotlib.lines import Line2D

    present = [r for r in ROLE_COLOURS if r in set(roles.reindex(nodes).dropna())]
    ax.legend(handles=[Line2D([], [], marker="o", ls="none", color=ROLE_COLOURS[r], label=r) for r in present],
              frameon=False, fontsize=7, loc="lower left")
    ax.set_title("The core of the network: key actors (numbered by rank) and their neighbours")
    return _svg(fig)


def community_graph(sizes: pd.Series, edges: pd.DataFrame, *, highlight=None, seed: int = 0) -> str:
    """The community graph: one node per community, its area by members,
    edges by the weight between communities.

    ``sizes`` is indexed by community label; ``edges`` holds ``source,
    target, weight`` between labels (each pair once). Communities in
    ``highlight`` (those holding management) are drawn in the admin colour.
    """
    import networkx as nx
    from matplotlib.collections import LineCollection

    highlight = set(() if highlight is None else list(highlight))
    g = nx.Graph()
    g.add_nodes_from(sorted(sizes.index.tolist()))
    for s, t, w in edges[["source", "target", "weight"]].itertuples(index=False):
        if s != t and s in g and t in g:
            g.add_edge(s, t, weight=float(w))
    pos = nx.spring_layout(g, seed=seed, weight="weight", iterations=200) if len(g) else {}
    fig = _figure(width=7.0, height=5.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    nodes = list(g.nodes)
    if g.number_of_edges():
        es = list(g.edges(data="weight"))
        xy = np.array([[pos[u], pos[v]] for u, v, _ in es])
        w = np.array([d for _, _, d in es], dtype=float)
        widths = 0.3 + 4.0 * np.sqrt(w / w.max())
        ax.add_collection(LineCollection(xy, colors="#999999", linewidths=widths, alpha=0.6, zorder=1))
    if nodes:
        size = sizes.reindex(nodes).to_numpy(dtype=float)
        area = 40 + 1400 * size / size.max()
        xy = np.array([pos[n] for n in nodes])
        colours = [ROLE_COLOURS["admin"] if n in highlight else ROLE_COLOURS["technical"] for n in nodes]
        ax.scatter(xy[:, 0], xy[:, 1], s=area, c=colours, alpha=0.85, edgecolors="black", linewidths=0.4, zorder=2)
        for n in nodes:
            ax.annotate(str(n), pos[n], fontsize=7, ha="center", va="center", zorder=3, color="white")
        ax.margins(0.12)
    ax.set_title("Communities: area by members, lines by the replies between them")
    return _svg(fig)


def trajectory_curves(curves: pd.DataFrame, groups: pd.DataFrame) -> str:
    """Group-based activity trajectories: each group's expected posts per
    period with its confidence band, and the posterior-weighted observed
    mean as dots (only for periods with at least one member's worth of
    posterior weight at risk, ``at_risk >= 1``).

    ``curves`` and ``groups`` are :attr:`netanalysis.Trajectories.curves`
    and ``.groups`` (one row per group and period; one row per group). The
    y axis is logarithmic (groups differ by orders of magnitude).
    """
    fig = _figure(height=4.0)
    ax = fig.add_subplot()
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#F0E442"]
    for i, (group, part) in enumerate(curves.groupby("group", sort=True)):
        colour = colours[i % len(colours)]
        x = part["period"].to_numpy()
        if len(x) and isinstance(x[0], pd.Timestamp):
            x = pd.DatetimeIndex(x).tz_convert("UTC").tz_localize(None)
        share = float(groups.loc[group, "share"]) if group in groups.index else float("nan")
        ax.plot(x, part["expected"].to_numpy(), color=colour, lw=1.8, label=f"group {group} ({share:.1%})")
        lower, upper = part["lower"].to_numpy(dtype=float), part["upper"].to_numpy(dtype=float)
        if np.isfinite(lower).any():
            ax.fill_between(x, lower, upper, color=colour, alpha=0.18, lw=0)
        obs = part["observed"].to_numpy(dtype=float)
        enough = (obs > 0) & (part["at_risk"].to_numpy(dtype=float) >= 1)
        ax.plot(x, np.where(enough, obs, np.nan), ls="none", marker="o", ms=2.5, color=colour)
    ax.set_yscale("log")
    ax.set_ylabel("posts per period and member")
    ax.set_title("Activity trajectories: posts per month by group")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def rank_timelines(ranks: pd.DataFrame, title: str, ylabel: str = "rank (1 = highest)") -> str:
    """Ranks over time, one line per column (a member), rank 1 at the top.

    ``ranks`` is indexed by time (the end of each window) with one column
    per member; a missing value (the member did not post in the window) is
    a gap in the line. The y axis is logarithmic and inverted.
    """
    fig = _figure(height=4.0)
    ax = fig.add_subplot()
    x = ranks.index
    if isinstance(x, pd.DatetimeIndex) and x.tz is not None:
        x = x.tz_convert("UTC").tz_localize(None)
    for col in ranks.columns:
        ax.plot(x, ranks[col].to_numpy(dtype=float), marker=".", ms=3, lw=1.2, label=str(col))
    ax.set_yscale("log")
    ax.invert_yaxis()
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(ranks.columns):
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _svg(fig)
