r"""Rising members and succession: when a member's structural position rose,
when their status rose, which came first; and who took over from a key
actor who went quiet.

Structural rise
---------------
On :func:`~netanalysis.rolling` (moving windows of the reply
graph), a member *enters the top share* of a measure in the first window
where their rank is at most :math:`\lceil \text{top\_share} \cdot n_w
\rceil` (:math:`n_w`: the members posting in the window; ties share the
smallest rank) and their value is positive (a window where everyone has
betweenness 0 makes nobody central). ``"answered"`` is the number of
distinct members a member answered in the window (the reply graph's
``out_degree``); any other name is a column of the directed centrality
panel. The time of the rise is the *end* of that window (the position held
over a period ending then): a rise is said to come before a status event
only when the whole window lies before it, which is conservative.

Status rise: what the data can show
-----------------------------------
The data model keeps a member's *current* ``status``, ``rank_level`` and
``is_staff`` only, with no history of promotions, so a promotion has no
date. What the records do date is what a status allows:

* ``"restricted"``: the member's first post in a subforum whose
  ``min_rank`` is above the forum's lowest ``min_rank`` (a private section
  open only from a rank). Being able to post there proves the member had
  reached that rank by then (its ``min_rank`` is reported); it dates the
  status rise at the latest.
* ``"announcements"``: the first thread the member opened in a subforum of
  category ``announcements`` or ``rules`` (usually reserved to staff).
* ``"threads"``: the first thread the member started at all (weaker: on
  most forums anyone may start a thread).

A thread is started by its ``threads.author_id`` at its ``created_at``
(the author and time of its first post where the threads table lacks
them). ``status=`` chooses which events count as the status rise (default
``("restricted", "announcements")``); the earliest of them is the member's
status rise. Every event's time is in the member table whichever are
chosen.

Lead and lag
------------
``lead_days`` is the status rise minus the structural rise, in days:
positive when the structural position came first (a lead), negative when
the status came first (a lag); NaN when either is missing. The table
``rises`` lists the members with a positive lead, with the evidence in
words, e.g. "entered the top 5% of betweenness in the window 2012-01-01 to
2012-03-31, eight months before first posting in a subforum open from rank
6 (2012-11-20)".

Succession
----------
:func:`succession`: a member *goes quiet* after their last post (the last
window in which they post ends with it). Their *partners* are the members
they answered in the ``before`` period up to and including their last post;
each other member's partners are those they answered in the ``after``
period following it (answers by the reply rule over the whole forum, self
answers left out). A candidate :math:`c` took over in proportion to the
Jaccard overlap :math:`J_c = |P \setminus \{c\} \cap A_c| / |P \setminus
\{c\} \cup A_c|` of the quiet member's partners :math:`P` (without
:math:`c`, who cannot answer themselves) and :math:`c`'s partners
:math:`A_c` (without the quiet member). Candidates sharing no partner are
left out.

References
----------
Boekhout, H., Blokland, A., Takes, F. (2024). Early warning signals for
predicting cryptomarket vendor success using dark net forum networks.
Scientific Reports 14, 16336 (betweenness rose before success).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from ..forum import Forum
from ..graphs import answered_posts
from ..graphs._common import check_forum
from ..graphs.ego import find_member
from .rolling import rolling

__all__ = ["emergence", "succession", "Emergence", "STATUS_EVENTS"]

#: The dated events that show a status (module docstring).
STATUS_EVENTS = ("restricted", "announcements", "threads")
_STAFF_CATEGORIES = ("announcements", "rules")
_EVENT_COLUMN = {"restricted": "restricted_at", "announcements": "announcements_at", "threads": "first_thread_at"}
_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen twenty").split()
_DAY = 86_400 * 10**9
_MEASURE_WORDS = {"answered": "members answered", "pagerank": "PageRank", "in_degree": "members answering them",
                  "out_degree": "members answered"}


@dataclass(frozen=True, eq=False, repr=False)
class Emergence:
    """Result of :func:`emergence`.

    Attributes
    ----------
    members : DataFrame
        One row per posting member (index ``member_id``): for each measure
        ``m``, ``m_start`` and ``m_end`` (the window where the member first
        entered the top share; NaT if never) and ``m_rank``; ``structural_at``
        (the earliest of the ``m_end``), ``structural_measure``,
        ``structural_start``; ``restricted_at`` and ``restricted_rank``
        (first post in a restricted subforum and its ``min_rank``),
        ``announcements_at``, ``first_thread_at``; ``status_at`` and
        ``status_event`` (the earliest chosen event); ``lead_days``; and the
        current ``status``, ``rank_level``, ``is_staff``.
    rises : DataFrame
        The members whose structural rise came before their status rise:
        ``member_id``, ``measure``, ``window_start``, ``window_end``,
        ``status_event``, ``status_at``, ``lead_days``, ``evidence``; the
        largest lead first.
    windows : DataFrame
        The :func:`rolling` table the rises were read from.
    params : dict
        The call and ``top_n`` (the rank threshold of each window).
    """

    members: pd.DataFrame
    rises: pd.DataFrame
    windows: pd.DataFrame
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<Emergence: {len(self.members)} posting members, {len(self.rises)} with a structural rise "
                f"before their status rise (top {self.params['top_share']:.0%} of "
                f"{', '.join(self.params['measures'])})>")


def _number(k: int) -> str:
    return _WORDS[k] if 0 <= k < len(_WORDS) else str(k)


def lead_in_words(days: float) -> str:
    """``45`` -> ``"45 days"``, ``240`` -> ``"eight months"``."""
    days = abs(float(days))
    if days < 60:
        d = int(round(days))
        return f"{_number(d)} day{'s' if d != 1 else ''}"
    months = int(round(days / 30.4375))
    return f"{_number(months)} months"


def _thread_starts(forum: Forum) -> tuple[np.ndarray, np.ndarray]:
    """Author (member row, -1 unknown) and time (ns) of each thread's start."""
    pa = forum.post_arrays
    n_threads = len(forum.threads)
    first = np.full(n_threads, -1, dtype=np.int64)
    threads, at = np.unique(pa.thread, return_index=True)     # posts are in time order
    first[threads] = at
    has = first >= 0
    author = np.full(n_threads, -1, dtype=np.int64)
    time = np.full(n_threads, np.iinfo(np.int64).max, dtype=np.int64)
    author[has] = pa.author[first[has]]
    time[has] = pa.time[first[has]]
    t = forum.threads
    known_author = t["author_id"].notna().to_numpy()
    if known_author.any():
        codes = forum.member_index.get_indexer(t["author_id"][known_author])
        ok = codes >= 0
        idx = np.flatnonzero(known_author)[ok]
        author[idx] = codes[ok]
    known_time = t["created_at"].notna().to_numpy()
    if known_time.any():
        time[known_time] = t["created_at"][known_time].to_numpy(dtype="datetime64[ns]").view(np.int64)
    return author, time


def _first_by_member(members: np.ndarray, times: np.ndarray, n: int, extra: np.ndarray | None = None):
    """Earliest time per member (max int64 for none) and ``extra`` at it."""
    out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    val = np.full(n, -1, dtype=np.int64)
    ok = members >= 0
    members, times = members[ok], times[ok]
    if extra is not None:
        extra = extra[ok]
    order = np.lexsort((times, members))
    members, times = members[order], times[order]
    if len(members):
        firsts = np.flatnonzero(np.concatenate(([True], members[1:] != members[:-1])))
        out[members[firsts]] = times[firsts]
        if extra is not None:
            val[members[firsts]] = extra[order][firsts]
    return out, val


def _status_events(forum: Forum) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per member row: the time (ns, max int64 for none) of each status event
    and, for ``restricted``, the subforum's ``min_rank``."""
    pa = forum.post_arrays
    n = len(forum.member_index)
    sub_of_thread = forum.thread_subforum
    sf = forum.subforums
    min_rank = pd.to_numeric(sf["min_rank"], errors="coerce").to_numpy(dtype=np.float64)
    known = ~np.isnan(min_rank)
    base = min_rank[known].min() if known.any() else np.nan
    restricted_sf = known & (min_rank > base)
    staff_sf = sf["category"].isin(_STAFF_CATEGORIES).to_numpy()

    post_sf = sub_of_thread[pa.thread]
    in_restricted = np.zeros(len(post_sf), dtype=bool)
    ok = post_sf >= 0
    in_restricted[ok] = restricted_sf[post_sf[ok]]
    rank_of_post = np.full(len(post_sf), -1, dtype=np.int64)
    rank_of_post[in_restricted] = min_rank[post_sf[in_restricted]].astype(np.int64)
    rows = np.flatnonzero(in_restricted)
    restricted = _first_by_member(pa.author[rows], pa.time[rows], n, rank_of_post[rows])

    t_author, t_time = _thread_starts(forum)
    t_sf = sub_of_thread
    staff_thread = np.zeros(len(t_sf), dtype=bool)
    ok = t_sf >= 0
    staff_thread[ok] = staff_sf[t_sf[ok]]
    announcements = _first_by_member(t_author[staff_thread], t_time[staff_thread], n)
    threads = _first_by_member(t_author, t_time, n)
    return {"restricted": restricted, "announcements": announcements, "threads": threads}


def _times(ns: np.ndarray) -> pd.DatetimeIndex:
    ns = ns.astype(np.int64).copy()
    missing = ns == np.iinfo(np.int64).max
    out = pd.to_datetime(np.where(missing, 0, ns), utc=True)
    return out.where(~missing, pd.NaT)


def _event_words(event: str, rank) -> str:
    if event == "restricted":
        return f"first posting in a subforum open from rank {int(rank)}"
    if event == "announcements":
        return "first opening an announcements or rules thread"
    return "starting a first thread"


def emergence(forum: Forum, *, top_share: float = 0.05,
              measures: Iterable[str] = ("betweenness", "pagerank", "answered"), window="90D", step="30D",
              status: Iterable[str] = ("restricted", "announcements"), rule: str = "auto", start=None, end=None,
              exact_limit: float = 1e8, seed=0, windows: pd.DataFrame | None = None) -> Emergence:
    """When each member's structural position and status rose, and the
    members whose structural rise came first (module docstring).

    Parameters
    ----------
    forum : Forum
    top_share : float in (0, 1), default 0.05
        The share of a window's posting members that counts as the top.
    measures : iterable of str, default ("betweenness", "pagerank", "answered")
        ``"answered"`` (distinct members answered: ``out_degree``) or columns
        of the directed centrality panel.
    window, step, rule, start, end, exact_limit, seed
        Passed to :func:`~netanalysis.rolling` (``seed`` only
        matters for approximated betweenness).
    status : iterable of {"restricted", "announcements", "threads"}
        The events that count as the status rise.
    windows : DataFrame, optional
        A :func:`rolling` table of this forum already computed with the
        measures needed (``"answered"`` as ``out_degree``).

    Returns
    -------
    Emergence
    """
    check_forum(forum)
    if not (isinstance(top_share, (float, int)) and 0 < top_share < 1):
        raise ValueError(f"top_share must be a share in (0, 1), not {top_share!r}")
    measures = (measures,) if isinstance(measures, str) else tuple(measures)
    if not measures:
        raise ValueError("measures: name at least one measure")
    status = (status,) if isinstance(status, str) else tuple(status)
    bad = [s for s in status if s not in STATUS_EVENTS]
    if bad or not status:
        raise ValueError(f"status must name events among {STATUS_EVENTS}, not {list(status)}")
    columns = tuple("out_degree" if m == "answered" else m for m in measures)
    if windows is None:
        windows = rolling(forum, window, step, measures=tuple(dict.fromkeys(columns)), rule=rule, start=start,
                          end=end, exact_limit=exact_limit, seed=seed)
    else:
        missing = set(columns) - set(windows["measure"].astype(str).unique())
        if missing:
            raise ValueError(f"the windows table lacks the measures {sorted(missing)}")

    n_members = len(forum.member_index)
    authors = np.unique(forum.post_arrays.author)
    ids = forum.member_index.take(authors)
    table = pd.DataFrame(index=pd.Index(ids, name="member_id"))
    nodes = {w["window_start"]: w["nodes"] for w in windows.attrs.get("windows", [])}
    top_n = {s: max(1, math.ceil(top_share * n)) for s, n in nodes.items()}
    if not nodes:
        counts = windows[windows["measure"] == columns[0]].groupby("window_start").size()
        top_n = {s: max(1, math.ceil(top_share * n)) for s, n in counts.items()}

    first_end = []
    for m, col in zip(measures, columns):
        w = windows[windows["measure"] == col]
        limit = w["window_start"].map(top_n)
        hit = w[(w["rank"] <= limit) & (w["value"] > 0)]
        hit = hit.sort_values(["window_start"], kind="stable").drop_duplicates("member_id")
        hit = hit.set_index("member_id").reindex(table.index)
        table[f"{m}_start"] = hit["window_start"]
        table[f"{m}_end"] = hit["window_end"]
        table[f"{m}_rank"] = hit["rank"]
        first_end.append(hit["window_end"].rename(m))
    ends = pd.concat(first_end, axis=1)
    ends_ns = np.column_stack([
        np.where(ends[m].isna(), np.iinfo(np.int64).max,
                 ends[m].fillna(pd.Timestamp(0, tz="UTC")).to_numpy(dtype="datetime64[ns]").view(np.int64))
        for m in measures])
    best = ends_ns.argmin(axis=1)                 # the first measure in order among ties
    best_ns = ends_ns[np.arange(len(best)), best]
    has_rise = best_ns != np.iinfo(np.int64).max
    table["structural_at"] = _times(best_ns)
    table["structural_measure"] = pd.Series(np.where(has_rise, np.asarray(measures, dtype=object)[best], None),
                                            index=table.index, dtype=object)
    starts = [table[f"{m}_start"] for m in measures]
    table["structural_start"] = pd.Series(
        [starts[b].iloc[i] if has_rise[i] else pd.NaT for i, b in enumerate(best)], index=table.index,
        dtype=table["structural_at"].dtype)

    events = _status_events(forum)
    table["restricted_at"] = _times(events["restricted"][0][authors])
    rank = events["restricted"][1][authors].astype(np.float64)
    rank[rank < 0] = np.nan
    table["restricted_rank"] = rank
    table["announcements_at"] = _times(events["announcements"][0][authors])
    table["first_thread_at"] = _times(events["threads"][0][authors])
    chosen = np.column_stack([events[s][0][authors] for s in status])
    which = chosen.argmin(axis=1)
    status_ns = chosen[np.arange(len(which)), which]
    has_status = status_ns != np.iinfo(np.int64).max
    table["status_at"] = _times(status_ns)
    table["status_event"] = pd.Series(np.where(has_status, np.asarray(status, dtype=object)[which], None),
                                      index=table.index, dtype=object)
    lead = np.where(has_rise & has_status, (status_ns - best_ns) / _DAY, np.nan)
    table["lead_days"] = lead
    m_rows = forum.members.iloc[authors]
    for col in ("status", "rank_level", "is_staff"):
        table[col] = m_rows[col].to_numpy()

    rises = table[table["lead_days"] > 0]
    evidence = []
    for mid, r in rises.iterrows():
        last_day = (r["structural_at"] - pd.Timedelta(1, "D")).date()
        evidence.append(
            f"entered the top {top_share:.0%} of {_MEASURE_WORDS.get(r['structural_measure'], r['structural_measure'])}"
            f" in the window "
            f"{r['structural_start'].date()} to {last_day}, {lead_in_words(r['lead_days'])} before "
            f"{_event_words(r['status_event'], r['restricted_rank'])} ({r['status_at'].date()})")
    rises_out = pd.DataFrame({
        "member_id": rises.index.to_numpy(),
        "measure": rises["structural_measure"].to_numpy(),
        "window_start": rises["structural_start"].to_numpy(),
        "window_end": rises["structural_at"].to_numpy(),
        "status_event": rises["status_event"].to_numpy(),
        "status_at": rises["status_at"].to_numpy(),
        "lead_days": rises["lead_days"].to_numpy(),
        "evidence": evidence,
    })
    rises_out = rises_out.sort_values("lead_days", ascending=False, kind="stable").reset_index(drop=True)
    params = {"top_share": top_share, "measures": list(measures), "status": list(status), "window": window,
              "step": step, "rule": rule, "seed": seed, "top_n": top_n, "n_members": n_members}
    return Emergence(table, rises_out, windows, params)


def _parse_period(value, name: str) -> int:
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a duration such as '365D', not {value!r}") from exc
    if pd.isna(td) or td <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return int(td.value)


def succession(forum: Forum, member, *, before="365D", after="365D", rule: str = "auto",
               top: int | None = 10) -> pd.DataFrame:
    """Who took over the position of ``member`` after they went quiet: the
    members whose answered partners after ``member``'s last post overlap most
    with the ones ``member`` answered before it (Jaccard, module docstring).

    Parameters
    ----------
    forum : Forum
    member : member id
        An unknown id raises ``KeyError`` (also a ``ValueError``) naming the
        closest id.
    before, after : duration, default "365D"
        The periods before (up to and including) and after ``member``'s last
        post.
    rule : reply rule of :func:`netanalysis.reply_graph`, default "auto"
    top : int or None, default 10
        Keep the ``top`` best candidates (None: all).

    Returns
    -------
    DataFrame
        One row per candidate sharing at least one partner, best first:
        ``member_id``, ``jaccard``, ``shared``, ``partners`` (distinct
        members the candidate answered after), ``replies`` (their answers
        after), ``first_shared_at`` (their first answer after to a shared
        partner). ``attrs``: ``member``, ``last_post``, ``partners`` (the
        quiet member's partners), ``before``, ``after``, ``until`` (the end
        of the after period, or of the records when earlier) and ``reason``
        (why the table is empty, or None). The table is empty, with the
        reason, when ``member`` answered nobody in the before period or
        posted up to the end of the records.
    """
    check_forum(forum)
    pos = find_member(forum.member_index, member, what="forum")
    before_ns, after_ns = _parse_period(before, "before"), _parse_period(after, "after")
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 1):
        raise ValueError(f"top must be a positive integer or None, not {top!r}")
    pa = forum.post_arrays
    mine = np.flatnonzero(pa.author == pos)
    if len(mine) == 0:
        raise ValueError(f"member {member!r} has no posts: they never went quiet")
    last = int(pa.time[mine[-1]])
    target = answered_posts(forum, rule)
    has = np.flatnonzero(target >= 0)
    src, dst, t = pa.author[has], pa.author[target[has]], pa.time[has]
    keep = src != dst
    src, dst, t = src[keep], dst[keep], t[keep]
    ids = forum.member_index
    columns = ["member_id", "jaccard", "shared", "partners", "replies", "first_shared_at"]
    mask_p = (src == pos) & (t > last - before_ns) & (t <= last)
    partners = np.unique(dst[mask_p])
    forum_last = int(pa.time[-1])
    attrs = {"member": ids[pos], "last_post": pd.Timestamp(last, tz="UTC"), "partners": ids.take(partners).tolist(),
             "before": pd.Timedelta(before_ns), "after": pd.Timedelta(after_ns),
             "until": pd.Timestamp(min(last + after_ns, forum_last), tz="UTC"), "reason": None}

    def empty(reason: str) -> pd.DataFrame:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        out.attrs.update(attrs, reason=reason)
        return out

    if last >= forum_last:
        return empty(f"member {ids[pos]!r} posted until the end of the records: they did not go quiet")
    if len(partners) == 0:
        return empty(f"member {ids[pos]!r} answered nobody in the {pd.Timedelta(before_ns)} before their last post")
    after_mask = (t > last) & (t <= last + after_ns) & (src != pos) & (dst != pos)
    a_src, a_dst, a_t = src[after_mask], dst[after_mask], t[after_mask]
    n = len(ids)
    in_p = np.zeros(n, dtype=bool)
    in_p[partners] = True
    # distinct (candidate, partner) pairs
    key = np.unique(a_src.astype(np.int64) * n + a_dst)
    c, d = key // n, key % n
    n_partners = np.bincount(c, minlength=n)
    shared_pair = in_p[d] & (d != c)
    shared = np.bincount(c[shared_pair], minlength=n)
    cand = np.flatnonzero(shared > 0)
    if len(cand) == 0:
        return empty("nobody answered any of their partners after their last post")
    p_size = len(partners) - in_p[cand].astype(np.int64)       # P without the candidate
    union = p_size + n_partners[cand] - shared[cand]
    jac = shared[cand] / union
    replies = np.bincount(a_src, minlength=n)[cand]
    sh_rows = in_p[a_dst] & (a_dst != a_src)
    first, _ = _first_by_member(a_src[sh_rows], a_t[sh_rows], n)
    out = pd.DataFrame({
        "member_id": ids.take(cand).to_numpy(), "jaccard": jac, "shared": shared[cand],
        "partners": n_partners[cand], "replies": replies, "first_shared_at": _times(first[cand]),
    })
    out = out.sort_values(["jaccard", "shared"], ascending=False, kind="stable").reset_index(drop=True)
    if top is not None:
        out = out.head(top).reset_index(drop=True)
    out.attrs.update(attrs)
    return out
