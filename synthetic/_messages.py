"""Private messages: conversations between a minority of posting members.

Who messages whom is drawn independently of who replies to whom in public:
a sender is drawn by the square root of their volume, a recipient by an
attraction that favours staff and distributors (access requests, technical
help, trading), among members whose tenures overlap; a partner one already talks to in
public is redrawn with probability :data:`AVOID_PUBLIC` (private contacts are
mostly people one does not answer in public). The public and private layers
therefore overlap little, as Gnielka et al. (2024) found.
Conversations have heavy-tailed lengths, alternate direction most of the time
and fall within both members' tenures.
"""
from __future__ import annotations

import numpy as np

from ._behaviour import ADMIN, DISTRIBUTOR, MODERATOR, TECHNICAL
from ._members import Members
from ._arrays import in_sorted, weighted_sample
from ._sampler import draw

DAY = 86_400
#: Mean messages per conversation, and the mean gap between messages (days).
MEAN_CONVERSATION = 5.0
MEAN_GAP_DAYS = 1.5
#: Chance that a partner already met in public replies is redrawn.
AVOID_PUBLIC = 0.8
ATTRACTION = {ADMIN: 4.0, MODERATOR: 3.0, TECHNICAL: 4.0, DISTRIBUTOR: 3.0}


def make_messages(members: Members, rank: np.ndarray, n_messages: int, messaging_share: float,
                  public_pairs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(sender, recipient, seconds since opening)`` of every message.

    ``public_pairs`` holds the sorted codes ``min(i, j) * n + max(i, j)`` of
    the member pairs who reply to each other in public.
    """
    n = len(members)
    empty = np.array([], dtype=np.int64)
    posters = np.flatnonzero(members.volume > 0)
    if n_messages == 0 or len(posters) < 2:
        return empty, empty.copy(), empty.copy()
    k = min(len(posters), max(2, round(messaging_share * len(posters))))
    staff = posters[np.isin(members.role[posters], (ADMIN, MODERATOR, TECHNICAL))]
    rest = posters[~np.isin(members.role[posters], (ADMIN, MODERATOR, TECHNICAL))]
    w = np.sqrt(members.volume[rest])
    n_rest = max(0, min(len(rest), k - len(staff)))
    chosen = weighted_sample(rest, n_rest, w, rng) if n_rest else rest[:0]
    users = np.sort(np.r_[staff, chosen])
    send_w = np.sqrt(members.volume[users])
    attract = np.array([ATTRACTION.get(int(r), 1.0) for r in range(8)])[members.role[users]] * rank[users]

    n_conv = max(1, min(n_messages, round(n_messages / MEAN_CONVERSATION)))
    a = users[draw(send_w, n_conv, rng)]
    b = users[draw(attract, n_conv, rng)]
    join, leave = members.join, members.leave

    def impossible(a, b):
        return (a == b) | (np.minimum(leave[a], leave[b]) - np.maximum(join[a], join[b]) < 0.5)

    def bad(a, b):
        met = in_sorted(np.minimum(a, b) * n + np.maximum(a, b), public_pairs)
        return impossible(a, b) | (met & (rng.random(len(a)) < AVOID_PUBLIC))

    redo = np.flatnonzero(bad(a, b))
    for _ in range(20):
        if not len(redo):
            break
        b[redo] = users[draw(attract, len(redo), rng)]
        redo = redo[bad(a[redo], b[redo])]
    redo = redo[impossible(a[redo], b[redo])]
    for i in redo:   # rare: partners who never overlapped; take the longest overlap
        overlap = np.minimum(leave[a[i]], leave[users]) - np.maximum(join[a[i]], join[users])
        overlap[users == a[i]] = -np.inf
        b[i] = users[np.argmax(overlap)]

    lo = np.maximum(join[a], join[b])
    hi = np.minimum(leave[a], leave[b])
    lengths = 1 + rng.multinomial(n_messages - n_conv, _normalised(rng.lognormal(0, 1.0, n_conv)))
    conv = np.repeat(np.arange(n_conv), lengths)
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    gaps = rng.exponential(MEAN_GAP_DAYS, n_messages)
    gaps[first] = 0.0
    elapsed = np.cumsum(gaps)
    elapsed -= elapsed[first][conv]
    span = elapsed[np.r_[first[1:] - 1, n_messages - 1]]
    start = lo + rng.random(n_conv) * np.maximum(hi - lo - span, 0.0)
    # A conversation longer than the shared tenure is squeezed into it.
    squeeze = np.where(span > hi - lo, (hi - lo) / np.maximum(span, 1e-9), 1.0)
    days = start[conv] + elapsed * squeeze[conv]

    flip = rng.random(n_messages) < 0.75
    flip[first] = False
    turns = np.cumsum(flip)
    turns -= turns[first][conv]
    forward = turns % 2 == 0
    sender = np.where(forward, a[conv], b[conv])
    recipient = np.where(forward, b[conv], a[conv])
    return sender, recipient, np.round(days * DAY).astype(np.int64)


def _normalised(w: np.ndarray) -> np.ndarray:
    return w / w.sum()
