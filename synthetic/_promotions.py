"""Planted promotions: ordinary members who become staff at a date.

Opt-in (``ForumParams.promotions``, default 0). The ranks of
:mod:`synthetic._ranks` are assigned once, from total activity, so without
this module no member becomes staff at a date and a structural rise before
a promotion (Boekhout, Blokland & Takes 2024: betweenness rose before
vendor success) has no ground truth. With ``promotions = k``:

1. *Who and when* (:func:`choose_promoted`, :func:`promotion_dates`).
   ``k`` ordinary posting members (distributors, requesters, regulars)
   whose tenure holds ``RISE_LEAD`` before the date and ``MIN_STAFF_DAYS``
   after it are drawn by the seeded stream; each gets a date uniform in
   ``[join + RISE_LEAD, leave - MIN_STAFF_DAYS]``, the upper end lowered to
   the last reply of a restricted subforum in their tenure (so that there
   is a staff post to show the status; on small forums these are few).
2. *The structural rise* (:func:`plant_rise`). Over the ``RISE_LEAD`` days
   before the date the member takes over a share ``RISE_SHARE`` of the
   crowd replies of the public threads, drawn with a weight that grows
   linearly from 0 to 1 over the lead period (their reply activity grows)
   and at most one reply per answered member (they answer more and more
   *distinct* members).
3. *The status* (:func:`promoted_access` and :func:`plant_staff_posts`).
   The member holds the staff rank in the tables; before the date they have
   no access to rank-restricted subforums (the private threads are drawn
   with the member at the base rank), and from the date on they take over
   up to ``STAFF_POSTS`` crowd replies of the restricted subforums in their
   tenure: the first of them is the status event that
   ``netanalysis.emergence`` reads ("restricted").

Everything is drawn from one stream of its own, used only when ``k > 0``,
so the default forum is unchanged byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._behaviour import CROWD_POOL, DISTRIBUTOR, REGULAR, REQUESTER
from ._layout import Layout
from ._members import Members
from ._threads import DAY, Posts, Threads

#: How long before the promotion the structural rise starts: four months,
#: longer than the 90-day windows ``na.emergence`` uses by default, so that
#: a whole window of the rise fits before the date.
RISE_LEAD = "120D"
#: Share of the public crowd replies of the lead period each promoted
#: member takes over: a few times an average poster's share, so that they
#: reach the top answerers of a window (the top 5% by default).
RISE_SHARE = 0.02
#: Days of tenure a promoted member keeps after the date (room for the
#: staff posts that show the status).
MIN_STAFF_DAYS = 60.0
#: Crowd replies in restricted subforums each promoted member takes over
#: from the date on.
STAFF_POSTS = 8
#: Roles that can be promoted: ordinary posting members.
PROMOTABLE = (DISTRIBUTOR, REQUESTER, REGULAR)


@dataclass(frozen=True)
class Promotions:
    """The planted promotions: member index and date (days since opening)."""

    member: np.ndarray      # int64 member index
    day: np.ndarray         # float64 days since the forum opened

    def __len__(self) -> int:
        return len(self.member)


def rise_lead_days() -> float:
    """``RISE_LEAD`` in days."""
    return pd.Timedelta(RISE_LEAD).total_seconds() / DAY


def choose_promoted(members: Members, k: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``k`` promoted members (sorted indices) among those with room
    for a rise and a staff period in their tenure.

    Raises
    ------
    ValueError
        When fewer than ``k`` members qualify.
    """
    lead = rise_lead_days()
    tenure = members.leave - members.join
    cand = np.flatnonzero(np.isin(members.role, PROMOTABLE) & (members.volume > 0)
                          & (tenure >= lead + MIN_STAFF_DAYS))
    if len(cand) < k:
        raise ValueError(f"promotions ({k}) exceeds the {len(cand)} ordinary posting members with a tenure of at "
                         f"least {lead + MIN_STAFF_DAYS:.0f} days")
    return np.sort(rng.choice(cand, size=k, replace=False)).astype(np.int64)


def _restricted_replies(posts: Posts, threads: Threads, layout: Layout) -> np.ndarray:
    """Rows of the crowd replies in rank-restricted subforums."""
    restricted = layout.min_rank[threads.subforum[posts.thread]] > layout.min_rank.min()
    return np.flatnonzero(restricted & (posts.pool == CROWD_POOL))


def promotion_dates(who: np.ndarray, posts: Posts, threads: Threads, layout: Layout, members: Members,
                    rng: np.random.Generator) -> Promotions:
    """The date of each promotion (module docstring, 1)."""
    lead = rise_lead_days()
    staff_days = posts.time[_restricted_replies(posts, threads, layout)] / DAY
    lo = members.join[who] + lead
    hi = members.leave[who] - MIN_STAFF_DAYS
    for i, m in enumerate(who):
        inside = staff_days[(staff_days >= lo[i]) & (staff_days <= members.leave[m])]
        if len(inside):
            hi[i] = min(hi[i], inside.max())
    hi = np.maximum(hi, lo)
    day = lo + rng.random(len(who)) * (hi - lo)
    return Promotions(who, day)


def _reply_targets(posts: Posts) -> np.ndarray:
    """Row of the post each post answers (the quoted post, else the previous
    post of the thread; -1 for opening posts); ``posts`` in thread order."""
    prev = np.where(posts.position > 0, np.arange(-1, len(posts.position) - 1), -1)
    return np.where(posts.reply_to >= 0, posts.reply_to, prev)


def plant_rise(posts: Posts, threads: Threads, layout: Layout, promotions: Promotions,
               rng: np.random.Generator) -> None:
    """Hand each promoted member a growing share of the public crowd replies
    of the ``RISE_LEAD`` days before their date, one per answered member (in
    place)."""
    public = layout.min_rank[threads.subforum[posts.thread]] == layout.min_rank.min()
    lead_s = rise_lead_days() * DAY
    target = _reply_targets(posts)
    taken = np.zeros(len(posts.time), dtype=bool)
    promoted = np.zeros(int(posts.author.max(initial=0)) + 1, dtype=bool)
    promoted[promotions.member] = True
    for m, day in zip(promotions.member, promotions.day):
        end = day * DAY
        begin = end - lead_s
        # Replies by someone else, to someone else, in the lead period; not
        # a promoted member's own (their rise stays theirs).
        cand = np.flatnonzero(public & (posts.pool == CROWD_POOL) & (posts.time >= begin) & (posts.time < end) & ~taken
                              & (target >= 0))
        cand = cand[~promoted[posts.author[cand]] & (posts.author[target[cand]] != m)]
        want = round(RISE_SHARE * len(cand))
        if not want:
            continue
        ramp = (posts.time[cand] - begin) / lead_s
        pick = cand[rng.choice(len(cand), size=min(want, len(cand)), replace=False, p=ramp / ramp.sum())]
        # One reply per answered member: the rise is in distinct members answered.
        _, first = np.unique(posts.author[target[pick]], return_index=True)
        pick = pick[first]
        posts.author[pick] = m
        taken[pick] = True


def promoted_access(rank: np.ndarray, layout: Layout, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ranks of the tables (promoted members at the staff status) and
    the ranks that decide access to the private threads (promoted members at
    the base rank: before their date they cannot post there)."""
    staff = layout.staff_level if layout.staff_level is not None else layout.n_statuses - 1
    final = rank.copy()
    final[who] = staff
    access = final.copy()
    access[who] = 1
    return final, access


def plant_staff_posts(posts: Posts, threads: Threads, layout: Layout, members: Members,
                      promotions: Promotions, rng: np.random.Generator) -> None:
    """Hand each promoted member up to ``STAFF_POSTS`` crowd replies of the
    restricted subforums from their date on, in their tenure (in place).

    When no such reply falls in the tenure, the first one after the date is
    taken (the member's last activity moves to it), so that every promoted
    member shows the status.
    """
    restricted = np.zeros(len(posts.time), dtype=bool)
    restricted[_restricted_replies(posts, threads, layout)] = True
    taken = np.zeros(len(posts.time), dtype=bool)
    for m, day in zip(promotions.member, promotions.day):
        start = int(np.ceil(day * DAY))
        after = restricted & (posts.time >= start) & ~taken
        cand = np.flatnonzero(after & (posts.time <= members.leave[m] * DAY))
        if not len(cand):
            later = np.flatnonzero(after)
            if not len(later):
                raise ValueError(f"promotions: no reply in a restricted subforum after the promotion date of "
                                 f"member index {m} (day {day:.0f}): too few private threads for "
                                 f"{len(promotions)} promotions (lower promotions or raise n_threads)")
            cand = later[np.argsort(posts.time[later], kind="stable")[:1]]
        pick = rng.choice(cand, size=min(STAFF_POSTS, len(cand)), replace=False)
        posts.author[pick] = m
        taken[pick] = True


def promoted_at(promotions: Promotions, n: int, start: pd.Timestamp) -> pd.Series:
    """Per member index: the promotion time (UTC, whole seconds), NaT for
    members not promoted."""
    ns = np.full(n, np.datetime64("NaT"), dtype="M8[ns]")
    seconds = np.ceil(promotions.day * DAY).astype(np.int64)
    ns[promotions.member] = (start.value + seconds * 1_000_000_000).view("M8[ns]")
    return pd.Series(ns).dt.tz_localize("UTC")
