"""Generating a synthetic forum: the five tables and the ground truth."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netanalysis.forum import CATEGORIES, Forum, read_forum

from ._arrays import unique_sorted
from ._behaviour import (ADMIN, CONTENT, CROWD_POOL, DIFFICULTY, INTRODUCTION, KEY_ROLES, LURKER, PRIVATE,
                         REQUEST, ROLES, SOCIAL)
from ._layout import Layout, make_layout
from ._members import Members, make_members
from ._messages import make_messages
from ._promotions import (choose_promoted, plant_rise, plant_staff_posts, promoted_access, promoted_at,
                          promotion_dates)
from ._ranks import assign_ranks
from ._sampler import AuthorSampler, time_bins
from ._threads import (DAY, Posts, Threads, concat, creation_times, draw_starters, make_posts,
                       thread_kinds, thread_lengths, thread_lifetimes)
from .params import ForumParams, resolve_params

__all__ = ["generate_forum", "generate_tables"]

#: Independent random streams, one per stage, so that changing one stage
#: leaves the draws of the others as they were.
_STREAMS = ("layout", "members", "threads", "starters", "lengths", "posts", "ranks", "private",
            "lurkers", "losses", "messages", "masks")
#: The stream of the planted promotions, spawned after the others (child
#: ``len(_STREAMS)`` of the seed) and only when ``promotions > 0``: the
#: streams above, and so the default forum, do not depend on it.
_PROMOTION_STREAM = len(_STREAMS)


def generate_forum(preset: str | ForumParams = "forum-a", *, seed: int = 0, **overrides) -> tuple[Forum, pd.DataFrame]:
    """A synthetic forum and the true role of each member.

    Parameters
    ----------
    preset : str or ForumParams
        ``"forum-a"`` .. ``"forum-d"`` (Table 1 of the study), ``"tiny"`` or
        ``"mega"`` (see :mod:`synthetic.params`), or a parameter set.
    seed : int
        Seed of every random draw: the same seed gives the same forum.
    **overrides
        Any field of :class:`~synthetic.params.ForumParams`, for example
        ``n_posts=50_000`` or ``difficulty="hard"``.

    Returns
    -------
    forum : netanalysis.forum.Forum
        All five tables, every optional column filled (at ``hard`` some
        values are missing on purpose).
    truth : pandas.DataFrame
        ``member_id``, ``role`` (one of ``admin``, ``moderator``,
        ``technical``, ``distributor``, ``requester``, ``regular``,
        ``newcomer``, ``lurker``) and ``key_actor`` (admins, moderators and
        technical members), one row per member in ``member_id`` order;
        with ``promotions > 0`` also ``promoted_at`` (the planted promotion
        to the staff status, NaT for the members not promoted).

    Raises
    ------
    ValueError
        For an unknown preset or parameter, or an impossible configuration.

    Examples
    --------
    >>> forum, truth = generate_forum("tiny", seed=1)
    >>> forum
    <Forum: 200 members, 10 subforums, 120 threads, 2400 posts, 400 messages>
    >>> int(truth["key_actor"].sum())
    7
    """
    tables, truth = generate_tables(preset, seed=seed, **overrides)
    return read_forum(tables), truth


def generate_tables(preset: str | ForumParams = "forum-a", *, seed: int = 0,
                    **overrides) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables that :func:`generate_forum` reads, before validation."""
    p = resolve_params(preset, **overrides)
    rng = dict(zip(_STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(_STREAMS)))))
    start = p.start_time
    end_s = int((p.end_time - start).total_seconds())
    days = end_s / DAY

    layout = make_layout(p.n_subforums, p.n_statuses, rng["layout"])
    members = make_members(p, days, np.flatnonzero(layout.min_rank == 1), rng["members"])
    kind, subforum = thread_kinds(p.n_threads, layout, rng["threads"])
    private = kind == PRIVATE
    public = np.flatnonzero(~private)

    starter = np.full(p.n_threads, -1, dtype=np.int64)
    created = np.zeros(p.n_threads, dtype=np.int64)
    starter[public] = draw_starters(kind[public], members, p.difficulty, None, rng["starters"])
    created[public] = creation_times(starter[public], members, rng["starters"])
    # The founder opens the forum with its first announcement.
    starter[0] = 0
    created[0] = int(rng["starters"].integers(60, DAY // 2))

    n_replies = p.n_posts - p.n_threads
    n_lost = round(p.lost_posts * n_replies / (1 - p.lost_posts)) if n_replies else 0
    length = thread_lengths(kind, starter, members, p.n_posts + n_lost, p.thread_length_sigma, rng["lengths"])
    lifetime = np.zeros(p.n_threads)
    lifetime[public] = thread_lifetimes(kind[public], length[public], created[public], days, rng["lengths"])
    threads = Threads(kind, subforum, starter, created, length, lifetime)

    sampler = AuthorSampler(members, layout, p.difficulty, time_bins(days))
    posts = make_posts(threads, public, sampler, p.difficulty, p.reply_to_share, rng["posts"])
    promoted = None
    if p.promotions:
        if not (layout.min_rank > layout.min_rank.min()).any():
            raise ValueError("promotions needs a rank-restricted subforum (n_subforums of 9 or more)")
        rng_promotions = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PROMOTION_STREAM,)))
        promoted = choose_promoted(members, p.promotions, rng_promotions)

    # Promotion follows public activity and sharing; it opens private subforums.
    n = len(members)
    shared = np.bincount(starter[public][kind[public] == CONTENT], minlength=n)
    rank = assign_ranks(members, layout, np.bincount(posts.author, minlength=n), shared,
                        p.difficulty, rng["ranks"])
    access = rank
    if promoted is not None:
        # The promoted hold the staff status in the tables, but no access to
        # the private threads before their date (plant_staff_posts gives it).
        rank, access = promoted_access(rank, layout, promoted)
    if private.any():
        sampler.set_ranks(access)
        priv = np.flatnonzero(private)
        for sf in np.unique(subforum[priv]):
            idx = priv[subforum[priv] == sf]
            eligible = (access >= layout.min_rank[sf]).astype(np.float64)
            starter[idx] = draw_starters(kind[idx], members, p.difficulty, eligible, rng["private"])
        created[priv] = creation_times(starter[priv], members, rng["private"])
        lifetime[priv] = thread_lifetimes(kind[priv], length[priv], created[priv], days, rng["private"])
        posts = concat(posts, make_posts(threads, priv, sampler, p.difficulty, p.reply_to_share, rng["private"]))
    promotions = None
    if promoted is not None:
        # Dates, the rise before them and the staff posts after them: the
        # module docstring of synthetic._promotions.
        promotions = promotion_dates(promoted, posts, threads, layout, members, rng_promotions)
        plant_rise(posts, threads, layout, promotions, rng_promotions)
        plant_staff_posts(posts, threads, layout, members, promotions, rng_promotions)

    members = _lurker_posts(posts, threads, layout, members, p.lurker_posts, days, rng["lurkers"])
    public_pairs = _public_pairs(posts, len(members))
    records = _order_and_lose(posts, n_lost, end_s, rng["losses"])
    sender, recipient, msg_time = make_messages(members, rank, p.n_messages, p.messaging_share,
                                                public_pairs, rng["messages"])
    msg_time = np.minimum(msg_time, end_s)
    promoted_time = None if promotions is None else promoted_at(promotions, len(members), start)
    return _tables(p, layout, members, rank, threads, records, sender, recipient, msg_time,
                   start, end_s, rng["masks"], promoted=promoted_time)


def _lurker_posts(posts: Posts, threads: Threads, layout: Layout, members: Members, share: float,
                  days: float, rng: np.random.Generator) -> Members:
    """Give a few lurkers one post each: a greeting or a request soon after joining."""
    lurkers = np.flatnonzero(members.role == LURKER)
    k = round(share * len(lurkers))
    if not k:
        return members
    kind = threads.kind[posts.thread]
    public = layout.min_rank[threads.subforum[posts.thread]] == 1
    cand = np.flatnonzero((posts.pool == CROWD_POOL) & public & np.isin(kind, (INTRODUCTION, REQUEST, SOCIAL)))
    if len(cand) < k:
        cand = np.flatnonzero((posts.pool == CROWD_POOL) & public)
    k = min(k, len(cand))
    chosen = rng.choice(cand, size=k, replace=False)
    who = rng.choice(lurkers, size=k, replace=False)
    posts.author[chosen] = who
    t = posts.time[chosen] / DAY
    join, leave = members.join.copy(), members.leave.copy()
    tenure = leave[who] - join[who]
    join[who] = np.maximum(0.0, t - rng.exponential(2.0, k))
    leave[who] = np.maximum(np.minimum(days, join[who] + tenure), t)
    members.join, members.leave = join, leave
    return members


@dataclass
class _Records:
    """The posts as written: time order, lost posts gone."""
    post_id: np.ndarray     # int64, 1.. in time order, with gaps where posts were lost
    thread: np.ndarray
    time: np.ndarray
    author: np.ndarray
    reply_to: np.ndarray    # row in these arrays, -1 = none


def _order_and_lose(posts: Posts, n_lost: int, end_s: int, rng: np.random.Generator) -> _Records:
    """Posts in time order with ids 1.. in that order; then ``n_lost``
    replies lost (leaving gaps in the ids, as in a crawl), quotes of lost
    posts cleared."""
    n = len(posts.time)
    time = np.minimum(posts.time, end_s)
    seq = np.arange(n, dtype=np.int64)
    # Within a thread, equal times keep thread order, so a quote never
    # points at a later post.
    if time.max(initial=0) < (1 << 29):
        order = np.argsort((time << 34) | seq)
    else:
        order = np.lexsort((seq, time))
    post_id = np.empty(n, dtype=np.int64)
    post_id[order] = seq + 1
    if n_lost:
        keep = np.ones(n, dtype=bool)
        keep[rng.choice(np.flatnonzero(posts.position > 0), size=n_lost, replace=False)] = False
        order = order[keep[order]]
    row = np.full(n, -1, dtype=np.int64)
    row[order] = np.arange(len(order))
    reply = posts.reply_to[order]
    reply = np.where(reply >= 0, row[np.maximum(reply, 0)], -1)
    return _Records(post_id[order], posts.thread[order], time[order], posts.author[order], reply)


def _public_pairs(posts: Posts, n: int) -> np.ndarray:
    """Sorted codes ``min * n + max`` of the member pairs joined by a reply
    (a quote, or the previous post of the thread); ``posts`` in thread order."""
    prev = np.where(posts.position > 0, np.arange(-1, len(posts.position) - 1), -1)
    target = np.where(posts.reply_to >= 0, posts.reply_to, prev)
    has = target >= 0
    a, b = posts.author[has], posts.author[target[has]]
    return unique_sorted(np.minimum(a, b) * n + np.maximum(a, b))


def _timestamps(start: pd.Timestamp, seconds: np.ndarray) -> pd.Series:
    ns = start.value + np.asarray(seconds, dtype=np.int64) * 1_000_000_000
    return pd.Series(ns.view("M8[ns]")).dt.tz_localize("UTC")


def _tables(p: ForumParams, layout: Layout, members: Members, rank: np.ndarray, threads: Threads,
            posts: _Records, sender: np.ndarray, recipient: np.ndarray,
            msg_time: np.ndarray, start: pd.Timestamp, end_s: int,
            rng: np.random.Generator, promoted: pd.Series | None = None
            ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    knobs = DIFFICULTY[p.difficulty]
    n = len(members)

    # joined_at is at or before a member's first activity, last_seen_at at or after the last.
    join_s = np.round(members.join * DAY).astype(np.int64)
    leave_s = np.round(members.leave * DAY).astype(np.int64)
    first_s = np.full(n, np.iinfo(np.int64).max)
    last_s = np.full(n, -1, dtype=np.int64)
    for who, when in ((posts.author, posts.time), (sender, msg_time), (recipient, msg_time)):
        np.minimum.at(first_s, who, when)
        np.maximum.at(last_s, who, when)
    join_s = np.minimum(join_s, first_s)
    leave_s = np.minimum(np.maximum(leave_s, last_s), end_s)

    member_order = np.lexsort((np.arange(n), join_s))
    member_id = np.empty(n, dtype=np.int64)
    member_id[member_order] = np.arange(1, n + 1)
    thread_order = np.lexsort((np.arange(len(threads.kind)), threads.created))
    thread_id = np.empty(len(thread_order), dtype=np.int64)
    thread_id[thread_order] = np.arange(1, len(thread_order) + 1)

    n_sf = layout.n_subforums
    category = pd.Categorical(layout.category, categories=list(CATEGORIES))
    name = list(layout.name)
    if knobs["neutral_names"]:
        name = [f"subforum-{i + 1:02d}" for i in range(n_sf)]
    if knobs["missing_category"]:
        hide = rng.random(n_sf) < knobs["missing_category"]
        category = category.astype(object)
        category = pd.Categorical(np.where(hide, None, np.asarray(layout.category, dtype=object)),
                                  categories=list(CATEGORIES))
    subforums = pd.DataFrame({
        "subforum_id": np.arange(1, n_sf + 1, dtype=np.int64),
        "name": pd.array(name, dtype="string"),
        "category": category,
        "min_rank": pd.array(layout.min_rank, dtype="Int64"),
    })

    t_order = thread_order
    threads_df = pd.DataFrame({
        "thread_id": thread_id[t_order],
        "subforum_id": pd.array(threads.subforum[t_order] + 1, dtype="Int64"),
        "author_id": pd.array(member_id[threads.starter[t_order]], dtype="Int64"),
        "created_at": _timestamps(start, threads.created[t_order]),
    })

    has_reply = posts.reply_to >= 0
    reply = pd.arrays.IntegerArray(np.where(has_reply, posts.post_id[np.maximum(posts.reply_to, 0)], 0), ~has_reply)
    posts_df = pd.DataFrame({
        "post_id": posts.post_id,
        "thread_id": thread_id[posts.thread],
        "author_id": member_id[posts.author],
        "created_at": _timestamps(start, posts.time),
        "reply_to": reply,
    })

    status = pd.array([f"status-{r:02d}" for r in range(1, p.n_statuses + 1)], dtype="string")[rank - 1]
    rank_level = pd.array(rank, dtype="Int64")
    is_staff = pd.array(members.role == ADMIN, dtype="boolean")
    if knobs["missing_status"]:
        hide = rng.random(n) < knobs["missing_status"]
        # Every status keeps at least one visible holder, so the ladder stays complete.
        ranked = rank[member_order]
        for level in range(1, p.n_statuses + 1):
            holders = np.flatnonzero(ranked == level)
            if len(holders):
                hide[member_order[holders[0]]] = False
        status[hide] = pd.NA
        rank_level[hide] = pd.NA
    if knobs["missing_staff"]:
        is_staff[rng.random(n) < knobs["missing_staff"]] = pd.NA
    members_df = pd.DataFrame({
        "member_id": member_id[member_order],
        "status": status[member_order],
        "rank_level": rank_level[member_order],
        "joined_at": _timestamps(start, join_s[member_order]),
        "last_seen_at": _timestamps(start, leave_s[member_order]),
        "is_staff": is_staff[member_order],
    })

    m_order = np.lexsort((np.arange(len(msg_time)), msg_time))
    messages = pd.DataFrame({
        "message_id": np.arange(1, len(m_order) + 1, dtype=np.int64),
        "sender_id": member_id[sender[m_order]],
        "recipient_id": member_id[recipient[m_order]],
        "created_at": _timestamps(start, msg_time[m_order]),
    })

    # A role is what a member did: whoever of an ordinary role left no post
    # and no message behind (lost posts included) is, in the data, a lurker.
    # The management and technical roles stay: a quiet admin is still one.
    silent = (last_s < 0) & ~np.isin(members.role, KEY_ROLES)
    role = np.where(silent, LURKER, members.role)[member_order]
    truth = pd.DataFrame({
        "member_id": member_id[member_order],
        "role": pd.array(np.asarray(ROLES, dtype=object)[role], dtype="string"),
        "key_actor": np.isin(role, KEY_ROLES),
    })
    if promoted is not None:
        # Only with planted promotions: the default truth keeps its columns.
        truth["promoted_at"] = promoted.iloc[member_order].reset_index(drop=True)
    tables = {"posts": posts_df, "threads": threads_df, "subforums": subforums,
              "members": members_df, "messages": messages}
    return tables, truth
