"""Threads and their posts.

A thread has a kind (see :mod:`synthetic._behaviour`), a subforum of the
kind's category, a starter drawn by the kind's starter weights, a creation
time drawn from the starter's own activity trajectory, a heavy-tailed length
(log-normal weights, then an exact multinomial split of the posts so that the
total is exact) and a heavy-tailed lifetime that grows with its length.
Replies fall in the lifetime, most of them early. Each reply comes from a
*pool*: a follow-up by the starter, the crowd of the kind, the answerers of
technical questions, or the staff; a share of replies quote an earlier post
(``reply_to``), answers more often than chatter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._behaviour import (ANNOUNCEMENT, ANSWERER_POOL, CONTENT, DISTRIBUTOR, KIND_LENGTH, KIND_LIFETIME_DAYS,
                         KIND_SHARE, KINDS, POOL_QUOTE, STARTER, STARTER_POOL, TECH_QUESTION,
                         contrasted, pool_share)
from ._layout import Layout
from ._members import Members, profile_sample
from ._sampler import AuthorSampler, draw

DAY = 86_400
#: How many times longer a distributor's content thread is than another's (in expectation).
DISTRIBUTOR_DRAW = 2.5


@dataclass
class Threads:
    kind: np.ndarray        # int64
    subforum: np.ndarray    # int64, row of the layout
    starter: np.ndarray     # int64 member index (-1 until drawn)
    created: np.ndarray     # int64 seconds since opening
    length: np.ndarray      # int64 posts generated (before losses)
    lifetime: np.ndarray    # float64 days


@dataclass
class Posts:
    thread: np.ndarray      # int64 thread index
    position: np.ndarray    # int64 place in the thread, 0 = opening post
    time: np.ndarray        # int64 seconds since opening
    author: np.ndarray      # int64 member index
    reply_to: np.ndarray    # int64 row in this table, -1 = none
    pool: np.ndarray        # int8, -1 for opening posts


def _largest_remainder(total: int, share: np.ndarray) -> np.ndarray:
    raw = share / share.sum() * total
    counts = np.floor(raw).astype(np.int64)
    rest = total - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def thread_kinds(n_threads: int, layout: Layout, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Kind and subforum of each thread; thread 0 is the founding announcement."""
    places = layout.kind_subforums()
    share = KIND_SHARE * np.array([len(p) > 0 for p in places])
    counts = _largest_remainder(n_threads, share)
    if counts[ANNOUNCEMENT] == 0:
        counts[ANNOUNCEMENT] = 1
        counts[np.argmax(counts)] -= 1
    kind = np.repeat(np.arange(len(KINDS)), counts)
    kind = np.r_[ANNOUNCEMENT, rng.permutation(np.delete(kind, np.flatnonzero(kind == ANNOUNCEMENT)[0]))]
    subforum = np.empty(n_threads, dtype=np.int64)
    for k in range(len(KINDS)):
        idx = np.flatnonzero(kind == k)
        if len(idx):
            cands = places[k]
            subforum[idx] = cands[draw(layout.popularity[cands], len(idx), rng)]
    return kind.astype(np.int64), subforum


def draw_starters(kind: np.ndarray, members: Members, difficulty: str, eligible: np.ndarray | None,
                  rng: np.random.Generator) -> np.ndarray:
    """Starter of each thread of ``kind``, by the kind's starter weights."""
    table = contrasted(STARTER, difficulty)
    out = np.empty(len(kind), dtype=np.int64)
    for k in np.unique(kind):  # kinds of the threads (few)
        idx = np.flatnonzero(kind == k)
        w = members.volume * table[members.role, k]
        if eligible is not None:
            w = w * eligible
        if w.sum() <= 0:
            w = members.volume * (eligible if eligible is not None else 1.0)
        if w.sum() <= 0:
            w = (members.role == 0).astype(np.float64)
        out[idx] = draw(w, len(idx), rng)
    return out


def creation_times(starter: np.ndarray, members: Members, rng: np.random.Generator) -> np.ndarray:
    """Seconds since opening: a draw from each starter's own tenure profile."""
    x = profile_sample(members.peak[starter], rng)
    days = members.join[starter] + x * (members.leave[starter] - members.join[starter])
    return np.round(days * DAY).astype(np.int64)


def thread_lengths(kind: np.ndarray, starter: np.ndarray, members: Members, n_posts: int, sigma: float,
                   rng: np.random.Generator) -> np.ndarray:
    """Posts per thread, each at least 1, summing to ``n_posts``."""
    w = rng.lognormal(0.0, sigma, len(kind)) * KIND_LENGTH[kind]
    known = starter >= 0
    sharing = known & (kind == CONTENT)
    sharing[known] &= members.role[starter[known]] == DISTRIBUTOR
    w[sharing] *= DISTRIBUTOR_DRAW
    extra = rng.multinomial(n_posts - len(kind), w / w.sum())
    return 1 + extra.astype(np.int64)


def thread_lifetimes(kind: np.ndarray, length: np.ndarray, created: np.ndarray, days: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Days between a thread's first and last possible post, capped at closing."""
    scale = np.power(length / length.mean(), 0.5)
    life = rng.lognormal(np.log(KIND_LIFETIME_DAYS[kind]), 1.0) * scale
    return np.minimum(life, np.maximum(days - created / DAY, 0.0))


def make_posts(threads: Threads, which: np.ndarray, sampler: AuthorSampler, difficulty: str,
               reply_to_share: float, rng: np.random.Generator) -> Posts:
    """The posts of the threads ``which`` (thread indices), in thread order."""
    length = threads.length[which]
    n = int(length.sum())
    first = np.r_[0, np.cumsum(length)[:-1]]
    last = first + length - 1

    def per_post(values):
        return np.repeat(values, length)

    thread = per_post(which)
    start = per_post(first)
    position = np.arange(n, dtype=np.int64) - start

    # Reply times: sorted uniforms within each thread (normalised exponential
    # spacings, so no sort is needed), squared so that most replies come
    # early in the thread's life.
    spacing = rng.standard_exponential(n)
    spacing[first] = 0.0
    csum = np.cumsum(spacing)
    # A thread's total includes one more spacing, so its last reply does not
    # always fall on the end of its lifetime.
    total = csum[last] - csum[first] + rng.standard_exponential(len(which))
    frac = (csum - per_post(csum[first])) / per_post(total)
    life_s = per_post(threads.lifetime[which] * DAY)
    offset = (1 + np.floor(frac * frac * life_s)).astype(np.int64)
    offset[first] = 0
    time = per_post(threads.created[which]) + offset

    kind = per_post(threads.kind[which])
    cum = np.cumsum(pool_share(difficulty), axis=1)
    u = rng.random(n)
    pool = np.zeros(n, dtype=np.int8)
    for j in range(cum.shape[1] - 1):
        pool += u >= cum[kind, j]
    pool[first] = -1

    author = per_post(threads.starter[which])
    drawn = np.flatnonzero(pool > STARTER_POOL)
    author[drawn] = sampler.sample(time[drawn] / DAY, kind[drawn], per_post(threads.subforum[which])[drawn],
                                   pool[drawn].astype(np.int64), rng)

    reply_to = np.full(n, -1, dtype=np.int64)
    quote_p = reply_to_share * POOL_QUOTE[np.maximum(pool, 0)]
    quote_p[first] = 0.0
    quotes = np.flatnonzero(rng.random(n) < np.minimum(quote_p, 1.0))
    q_pool, q_kind, q_pos = pool[quotes], kind[quotes], position[quotes]
    answer = (q_pool == ANSWERER_POOL) & (q_kind == TECH_QUESTION)
    to_opening = rng.random(len(quotes)) < np.where(answer, 0.5, 0.25)
    back = rng.geometric(0.45, len(quotes))
    target = np.where(to_opening, 0, np.maximum(q_pos - back, 0))
    reply_to[quotes] = start[quotes] + target
    return Posts(thread, position, time, author, reply_to, pool)


def concat(a: Posts, b: Posts) -> Posts:
    shift = len(a.thread)
    b_reply = np.where(b.reply_to >= 0, b.reply_to + shift, -1)
    return Posts(*(np.concatenate([x, y]) for x, y in
                   zip((a.thread, a.position, a.time, a.author, a.reply_to, a.pool),
                       (b.thread, b.position, b.time, b.author, b_reply, b.pool))))


