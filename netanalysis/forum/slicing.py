"""Time slicing of a forum: the posts and messages of a period."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pandas as pd

from .model import Forum

__all__ = ["between", "windows", "subsample"]


def _utc(ts) -> pd.Timestamp | None:
    if ts is None:
        return None
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _in_period(times: pd.Series, start, end) -> np.ndarray:
    keep = np.ones(len(times), dtype=bool)
    if start is not None:
        keep &= (times >= start).to_numpy()
    if end is not None:
        keep &= (times < end).to_numpy()
    return keep


def between(forum: Forum, start=None, end=None) -> Forum:
    """See :meth:`Forum.between`."""
    start, end = _utc(start), _utc(end)
    if start is not None and end is not None and end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    posts = forum._posts[_in_period(forum._posts["created_at"], start, end)]
    kept = pd.Index(posts["post_id"])
    reply = posts["reply_to"]
    outside = reply.notna().to_numpy().copy()
    if outside.any():
        outside[outside] = kept.get_indexer(reply[outside]) < 0
    notes = []
    if outside.any():
        posts = posts.assign(reply_to=reply.mask(outside))
        notes.append(
            f"{int(outside.sum())} replies point to posts before the period; their reply_to was cleared"
        )
    threads = forum._threads[forum._threads["thread_id"].isin(posts["thread_id"]).to_numpy()]
    messages = forum._messages[_in_period(forum._messages["created_at"], start, end)]
    m = forum._members
    keep = np.ones(len(m), dtype=bool)
    if end is not None:
        joined = m["joined_at"]
        keep = (joined.isna() | (joined < end)).to_numpy()
        # Whoever acted in the period stays, whatever the joining date says.
        acted = pd.concat([posts["author_id"], messages["sender_id"], messages["recipient_id"]])
        keep = keep | m["member_id"].isin(acted).to_numpy()
    members = m[keep]
    period = f"sliced to [{start if start is not None else '-inf'}, {end if end is not None else '+inf'})"
    report = forum.report.with_notes(period, *notes)
    return Forum(
        posts.reset_index(drop=True), threads.reset_index(drop=True), forum._subforums,
        members.reset_index(drop=True), messages.reset_index(drop=True), report, forum.provided,
    )


def period_edges(start: pd.Timestamp, end: pd.Timestamp, freq) -> pd.DatetimeIndex:
    """The edges of the periods of ``freq`` that cover ``[start, end]``: the
    start of each period, then the end of the last (the periods of
    :meth:`Forum.windows`).

    Periods are anchored on the offset (month starts, week ends...), so the
    first one starts at or before ``start``. ``freq`` is a pandas frequency
    (``"MS"``, ``"W"``, ``"30D"``); anything else raises ``ValueError``.
    """
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"freq must be a pandas frequency ('MS', 'W', '30D'...), not {freq!r}") from exc
    edge = offset.rollback(start.normalize()) if hasattr(offset, "rollback") else start
    if edge > start:
        edge = start
    edges = [edge]
    while edges[-1] <= end:
        edges.append(edges[-1] + offset)
    return pd.DatetimeIndex(edges)


def windows(forum: Forum, freq: str = "MS", *, start=None, end=None) -> Iterator[tuple[pd.Timestamp, pd.Timestamp, Forum]]:
    """See :meth:`Forum.windows`."""
    first, last = forum.period
    start = _utc(start) if start is not None else first
    end = _utc(end) if end is not None else last
    edges = period_edges(start, end, freq)
    for lo, hi in zip(edges[:-1], edges[1:]):
        yield lo, hi, between(forum, lo, hi)


def _restrict_posts(forum: Forum, keep: np.ndarray, note: str) -> Forum:
    """The forum with only the posts where ``keep`` is true; replies to a
    removed post lose their ``reply_to``; threads without posts are removed."""
    posts = forum._posts[keep]
    reply = posts["reply_to"]
    lost = reply.notna().to_numpy().copy()
    if lost.any():
        lost[lost] = ~reply[lost].isin(posts["post_id"]).to_numpy()
    notes = [note]
    if lost.any():
        posts = posts.assign(reply_to=reply.mask(lost))
        notes.append(f"{int(lost.sum())} replies lost their target; their reply_to was cleared")
    threads = forum._threads[forum._threads["thread_id"].isin(posts["thread_id"]).to_numpy()]
    return Forum(
        posts.reset_index(drop=True), threads.reset_index(drop=True), forum._subforums,
        forum._members, forum._messages, forum.report.with_notes(*notes), forum.provided,
    )


def subsample(forum: Forum, removed: float, *, by: str = "posts", seed=0) -> Forum:
    """The forum with a random share ``removed`` of its posts taken away, as
    partial data would be (a crawl that missed posts, a seized database with
    missing tables).

    ``by="posts"`` removes posts independently; ``"threads"`` removes whole
    threads with all their posts; ``"members"`` removes members' posts
    (the members stay registered, as lurkers). Exactly
    ``round(removed * count)`` posts, threads or members are removed. Replies
    whose target was removed lose their ``reply_to``.

    Parameters
    ----------
    forum : Forum
    removed : float in [0, 1)
        Share of posts, threads or members removed.
    by : {"posts", "threads", "members"}, default "posts"
    seed : int, numpy Generator or None, default 0
        Keyword-only, as everywhere in the library; the same seed removes
        the same posts (None: fresh entropy).

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.forum import read_forum
    >>> f = read_forum({"posts": pd.DataFrame({"post_id": range(10), "thread_id": [1, 2] * 5,
    ...     "author_id": range(10), "created_at": range(10)})})
    >>> len(subsample(f, 0.3, seed=1).posts), len(subsample(f, 0.5, by="threads", seed=1).threads)
    (7, 1)
    """
    if not 0 <= removed < 1:
        raise ValueError(f"removed must be a share in [0, 1), not {removed!r}")
    rng = np.random.default_rng(seed)
    pa = forum.post_arrays
    if by == "posts":
        units, code = len(forum._posts), np.arange(len(forum._posts))
    elif by == "threads":
        units, code = len(forum._threads), pa.thread
    elif by == "members":
        units, code = len(forum._members), pa.author
    else:
        raise ValueError(f"by must be 'posts', 'threads' or 'members', not {by!r}")
    gone = np.zeros(units, dtype=bool)
    gone[rng.choice(units, size=int(round(removed * units)), replace=False)] = True
    keep = ~gone[code]
    if not keep.any():
        raise ValueError("the subsample removed every post")
    return _restrict_posts(forum, keep, f"subsample: {removed:.0%} of {by} removed at random (seed {seed})")
