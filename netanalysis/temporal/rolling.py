r"""Centrality in moving windows: each member's position in the reply graph
of every window of ``window`` length, one window every ``step``.

Windows
-------
The first window starts at the first post's day, anchored as by
:meth:`Forum.windows` on ``step`` (``"30D"``: midnight of the first post's
day; ``"MS"``: the month start at or before it), or at ``start`` when it is
given. Window :math:`k` is :math:`[s_0 + k \cdot \text{step},\ s_0 + k
\cdot \text{step} + \text{window})`, half-open like :meth:`Forum.between`.
Windows follow until the first one that reaches the end: the last post
(it is inside the last window) or ``end`` (exclusive, as in ``between``).
A forum spanning less than two windows is refused with a ``ValueError``.

The reply graph of a window
---------------------------
A window's graph is, exactly, ``reply_graph(forum.between(start, end),
rule=rule)`` (tested): nodes are the members with a post in the window
(``nodes="authors"``, in the row order of ``forum.members``), an edge
``a -> b`` counts the posts of ``a`` in the window that answer a post of
``b != a``. ``between`` clears a ``reply_to`` whose target lies before the
window, so in a window a post answers:

* ``rule="auto"`` (default): its explicit ``reply_to`` when that post is in
  the window; otherwise (no ``reply_to``, or one before the window) the
  previous post of its thread when *that* post is in the window; otherwise
  nothing;
* ``rule="explicit"``: its ``reply_to`` when in the window, else nothing;
* ``rule="previous"``: the previous post of its thread when in the window.

(``rule="starter"`` is refused: in a slice the starter is the first post of
the thread *in the window*, not a fixed post.) So a reply is counted in a
window only when both the answering and the answered post lie in it.

How it is computed
------------------
One pass: each post's candidate answered posts are found once for the
whole forum (:func:`netanalysis.graphs.answered_posts`), giving at most two
*edge rows* per post (the explicit target; and, for ``"auto"``, the
previous post as the fallback used when the explicit target is before the
window), sorted by post time. For each window two pointers (``searchsorted``
on the sorted times) delimit its posts and its edge rows; the rows whose
answered post lies in the window (and, for a fallback, whose explicit target
does not) are counted into a CSR matrix. No window re-reads the whole forum.

Measures
--------
Any column of :func:`netanalysis.measures.centrality` for a directed graph
(``in_degree``: distinct members who answered the member in the window;
``out_degree``: distinct members the member answered; ``pagerank``;
``betweenness``, normalised as networkx...), each with its panel definition.
Betweenness is exact (Brandes, on hops) when the window's graph has at most
``exact_limit`` nodes x edges (default :math:`10^8`, about a second on the
2-core reference machine; the forum-a preset's 90-day windows have at most
about :math:`5 \cdot 10^6`); above it, it is
:func:`~netanalysis.measures.approximate_betweenness` with ``epsilon`` and
``delta``: every member's estimate is within ``epsilon`` of the exact
normalised value, all at once, with probability at least ``1 - delta``
(Riondato & Kornaropoulos 2016; Bernstein sample size). Which windows were
approximated is in ``attrs``.

``rank`` is 1 for the highest value of the measure in the window, ties
sharing the smallest rank (``method="min"``: 1, 2, 2, 4); a NaN value (an
undefined measure) has no rank.

Empty windows
-------------
A window without posts has no nodes: it contributes no rows and is listed in
``attrs["empty_windows"]`` (start, end). A window with posts but no replies
has its authors as isolated nodes (degree 0, PageRank 1/n, betweenness 0),
as its ``reply_graph`` would.

Speed
-----
The forum-a preset (420,000 posts, 2010-2014), 48 windows of 90 days every
30 days, in-/out-degree, PageRank and exact betweenness: see
``benchmarks/bench_rolling.py``: 1.5 s on the 2-core reference machine
(all 59 windows of the forum: 2.9 s; at most 1,412 nodes and 25,788 edges
in a window, every betweenness exact).
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from ..forum import Forum
from ..graphs import InteractionGraph, answered_posts
from ..graphs._common import check_forum, count_csr
from ..measures import approximate_betweenness, centrality, panel_columns

__all__ = ["rolling", "window_edges", "rolling_windows"]

DEFAULT_MEASURES = ("in_degree", "out_degree", "pagerank", "betweenness")
ROLLING_RULES = ("auto", "explicit", "previous")
_NEG_INF = np.iinfo(np.int64).min


def _utc(ts) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _offset(value, name: str):
    try:
        off = pd.tseries.frequencies.to_offset(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a pandas frequency such as '90D' or 'MS', not {value!r}") from exc
    probe = pd.Timestamp("2000-01-01", tz="UTC")
    if probe + off <= probe:
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return off


def rolling_windows(forum: Forum, window="90D", step="30D", *, start=None, end=None) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The ``(start, end)`` of every window of :func:`rolling` (see the module
    docstring); ``ValueError`` when the forum spans less than two windows."""
    check_forum(forum)
    win, stp = _offset(window, "window"), _offset(step, "step")
    if len(forum.posts) == 0:
        raise ValueError("the forum has no posts: there are no windows")
    first, last = forum.period
    if start is None:
        s0 = first.normalize()
        if hasattr(stp, "rollback"):
            s0 = min(stp.rollback(s0), s0)
    else:
        s0 = _utc(start)
    stop = last + pd.Timedelta(1, "ns") if end is None else _utc(end)
    if stop <= s0:
        raise ValueError(f"end ({stop}) must be after start ({s0})")
    out = []
    s = s0
    while True:
        e = s + win
        out.append((s, e))
        if e >= stop:
            break
        s = s + stp
        if s >= stop:
            break
    if len(out) < 2:
        span = f"{s0.date()} to {(stop - pd.Timedelta(1, 'ns')).date()}"
        raise ValueError(f"the forum spans less than two windows of {window} every {step} "
                         f"({span}); use a shorter window or step")
    return out


def window_edges(forum: Forum, rule: str = "auto") -> dict[str, np.ndarray]:
    """The edge rows of :func:`rolling`, sorted by post time: ``time`` (of the
    answering post), ``target_time`` (of the answered post; the row counts
    in a window starting at ``s`` when ``target_time >= s``), ``before``
    (the row counts only when ``s > before``: the explicit target's time for
    an ``"auto"`` fallback row, else the smallest int64), ``source`` and
    ``dest`` (member rows), self-answers left out."""
    check_forum(forum)
    if rule not in ROLLING_RULES:
        extra = (" ('starter' has no fixed answered post in a window: it is the thread's first post "
                 "in the window)") if rule == "starter" else ""
        raise ValueError(f"rule must be one of {ROLLING_RULES}, not {rule!r}{extra}")
    pa = forum.post_arrays
    time, author = pa.time, pa.author
    post = []           # (post rows, target rows, before-times)
    if rule in ("auto", "explicit"):
        x = pa.reply_to
        has = np.flatnonzero(x >= 0)
        post.append((has, x[has], np.full(len(has), _NEG_INF, dtype=np.int64)))
    if rule in ("auto", "previous"):
        prev = answered_posts(forum, "previous")
        if rule == "previous":
            has = np.flatnonzero(prev >= 0)
            post.append((has, prev[has], np.full(len(has), _NEG_INF, dtype=np.int64)))
        else:
            x = pa.reply_to
            plain = np.flatnonzero((prev >= 0) & (x < 0))
            post.append((plain, prev[plain], np.full(len(plain), _NEG_INF, dtype=np.int64)))
            # fallback of an explicit reply whose target lies before the window
            fall = np.flatnonzero((prev >= 0) & (x >= 0))
            post.append((fall, prev[fall], time[x[fall]]))
    rows = np.concatenate([p[0] for p in post])
    targets = np.concatenate([p[1] for p in post])
    before = np.concatenate([p[2] for p in post])
    keep = author[rows] != author[targets]
    rows, targets, before = rows[keep], targets[keep], before[keep]
    order = np.argsort(rows, kind="stable")      # posts are in time order
    rows, targets, before = rows[order], targets[order], before[order]
    return {"time": time[rows], "target_time": time[targets], "before": before,
            "source": author[rows], "dest": author[targets]}


def _check_measures(measures) -> tuple[str, ...]:
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    known = panel_columns(True)
    unknown = [m for m in measures if m not in known]
    if unknown or not measures:
        raise ValueError(f"measures must be columns of the directed centrality panel ({', '.join(known)}); "
                         f"unknown: {unknown or 'none given'}")
    if len(set(measures)) != len(measures):
        raise ValueError(f"measures named twice: {measures}")
    return measures


def rolling(forum: Forum, window="90D", step="30D", graph: str = "reply",
            measures: Iterable[str] = DEFAULT_MEASURES, *, rule: str = "auto", start=None, end=None,
            exact_limit: float = 1e8, epsilon: float = 0.01, delta: float = 0.1,
            seed=0) -> pd.DataFrame:
    """Centrality of every member in moving windows of the reply graph.

    Parameters
    ----------
    forum : Forum
    window, step : pandas frequency, default "90D" and "30D"
        Length of a window and the time between window starts (windows
        overlap when ``step < window``).
    graph : {"reply"}
        The layer (only the reply graph so far).
    measures : iterable of str, default ("in_degree", "out_degree", "pagerank", "betweenness")
        Columns of :func:`netanalysis.centrality` (directed panel).
    rule : {"auto", "explicit", "previous"}, default "auto"
        Which post a post answers, as in :func:`netanalysis.reply_graph`
        applied to the window's slice (module docstring).
    start, end : time, optional
        First window start (default: the first post's day, anchored on
        ``step``) and the end of the range covered (exclusive; default just
        after the last post).
    exact_limit : float, default 1e8
        Betweenness is exact when nodes x edges of a window's graph is at
        most this, else approximated within ``epsilon`` with probability
        ``1 - delta`` (:func:`netanalysis.approximate_betweenness`, seeded
        by ``seed``).
    seed : int, default 0
        Keyword-only; used only by approximated windows.

    Returns
    -------
    DataFrame
        Long table with columns ``window_start``, ``window_end``,
        ``member_id``, ``measure``, ``value``, ``rank`` (1 = highest in the
        window, ties share the smallest rank), ordered by window, measure
        (in the order asked) and member (row order of ``forum.members``).
        ``attrs`` holds the call (``window``, ``step``, ``graph``, ``rule``,
        ``measures``, ``exact_limit``, ``epsilon``, ``delta``, ``seed``),
        ``windows`` (a list of one dict per window: ``window_start``,
        ``window_end``, ``posts``, ``nodes``, ``edges``, ``replies``,
        ``betweenness``: ``"exact"``, ``"approximate"`` or None),
        ``empty_windows`` (``(start, end)`` of the windows without posts;
        they have no rows) and ``approximated`` (starts of the windows
        whose betweenness was approximated).

    Examples
    --------
    >>> import synthetic
    >>> forum, _ = synthetic.generate_forum("tiny", seed=0)
    >>> r = rolling(forum, "90D", "30D", measures=("out_degree",))
    >>> list(r.columns)
    ['window_start', 'window_end', 'member_id', 'measure', 'value', 'rank']
    """
    check_forum(forum)
    if graph != "reply":
        raise ValueError(f"graph must be 'reply' (the only layer of rolling so far), not {graph!r}")
    measures = _check_measures(measures)
    if not (isinstance(exact_limit, (int, float, np.integer, np.floating)) and exact_limit >= 0):
        raise ValueError(f"exact_limit must be a non-negative number, not {exact_limit!r}")
    bounds = rolling_windows(forum, window, step, start=start, end=end)
    edges = window_edges(forum, rule)
    pa = forum.post_arrays
    post_time, post_author = pa.time, pa.author
    e_time, e_target, e_before = edges["time"], edges["target_time"], edges["before"]
    e_src, e_dst = edges["source"], edges["dest"]
    starts = np.array([s.value for s, _ in bounds], dtype=np.int64)
    ends = np.array([e.value for _, e in bounds], dtype=np.int64)
    # the two pointers of every window, at once
    p_lo, p_hi = np.searchsorted(post_time, starts, "left"), np.searchsorted(post_time, ends, "left")
    e_lo, e_hi = np.searchsorted(e_time, starts, "left"), np.searchsorted(e_time, ends, "left")

    want_bc = "betweenness" in measures
    others = [m for m in measures if m != "betweenness"]
    member_ids = forum.member_index
    position = np.full(len(member_ids), -1, dtype=np.int64)
    blocks, info, empty, approximated = [], [], [], []
    for k, (ws, we) in enumerate(bounds):
        s = starts[k]
        authors = np.unique(post_author[p_lo[k]:p_hi[k]])
        n = len(authors)
        row = {"window_start": ws, "window_end": we, "posts": int(p_hi[k] - p_lo[k]), "nodes": n,
               "edges": 0, "replies": 0, "betweenness": None}
        info.append(row)
        if n == 0:
            empty.append((ws, we))
            continue
        sl = slice(e_lo[k], e_hi[k])
        ok = (e_target[sl] >= s) & (e_before[sl] < s)
        position[authors] = np.arange(n)
        src, dst = position[e_src[sl][ok]], position[e_dst[sl][ok]]
        position[authors] = -1
        adj = count_csr(src, dst, n)
        row["edges"], row["replies"] = int(adj.nnz), int(len(src))
        g = InteractionGraph._from_canonical(
            adj, member_ids.take(authors), directed=True, kind="reply", weight="replies",
            meta={"rule": rule, "window": (ws, we)})
        exact = (not want_bc) or float(n) * float(adj.nnz) <= exact_limit
        panel = centrality(g, measures=[*others, "betweenness"] if (want_bc and exact) else others) \
            if (others or exact and want_bc) else pd.DataFrame(index=g.node_ids)
        if want_bc:
            if exact:
                row["betweenness"] = "exact"
            else:
                panel["betweenness"] = approximate_betweenness(g, epsilon=epsilon, delta=delta, seed=seed)
                row["betweenness"] = "approximate"
                approximated.append(ws)
        values = panel[list(measures)].to_numpy(dtype=np.float64)        # n x M
        blocks.append((k, g.node_ids, values))

    m = len(measures)
    if blocks:
        sizes = np.array([len(ids) for _, ids, _ in blocks])
        win_index = np.repeat(np.array([k for k, _, _ in blocks]), sizes * m)
        ids = np.concatenate([np.tile(np.asarray(i), m) for _, i, _ in blocks])
        meas = np.concatenate([np.repeat(np.arange(m), len(i)) for _, i, _ in blocks])
        vals = np.concatenate([v.T.ravel() for _, _, v in blocks])
    else:
        win_index = np.zeros(0, dtype=np.int64)
        ids, meas, vals = np.zeros(0, dtype=np.asarray(member_ids).dtype), np.zeros(0, dtype=np.int64), np.zeros(0)
    start_col = pd.DatetimeIndex([b[0] for b in bounds]).take(win_index)
    end_col = pd.DatetimeIndex([b[1] for b in bounds]).take(win_index)
    out = pd.DataFrame({
        "window_start": start_col, "window_end": end_col, "member_id": ids,
        "measure": pd.Categorical.from_codes(meas, categories=list(measures)),
        "value": vals,
    })
    out["rank"] = out.groupby([win_index, meas], sort=False)["value"].rank(method="min", ascending=False)
    out.attrs.update({
        "window": window, "step": step, "graph": graph, "rule": rule, "measures": list(measures),
        "exact_limit": exact_limit, "epsilon": epsilon, "delta": delta, "seed": seed,
        "windows": info, "empty_windows": empty, "approximated": approximated,
    })
    return out
