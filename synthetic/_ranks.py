"""Statuses: promotion that follows activity and sharing.

Rank ``n_statuses`` belongs to the management team. With four statuses or
more, rank ``n_statuses - 1`` is the staff status (moderators, technical
members, depending on the difficulty, and a few elite members promoted for
their sharing). The other members climb the ordinary ranks
``1 .. ordinary_levels`` by a promotion score: public posts plus ten times the
content threads they started (sharing new material is what raises a member's
status in the study), times log-normal noise. Each rank above the first holds
about 55% of the rank below it, and every rank holds somebody, so that the
number of distinct statuses is exact.
"""
from __future__ import annotations

import numpy as np

from ._behaviour import ADMIN, DIFFICULTY, MODERATOR, TECHNICAL
from ._layout import Layout
from ._members import Members

#: Share of scoring members above rank 1, and the ratio between ranks.
ABOVE_FIRST = 0.7
RATIO = 0.55
#: Weight of a started content thread in the promotion score.
SHARING_WEIGHT = 10.0


def _ordinary(score: np.ndarray, seniority: np.ndarray, levels: int) -> np.ndarray:
    """Ranks 1..levels by descending score; every level holds at least one."""
    n = len(score)
    rank = np.ones(n, dtype=np.int64)
    if levels <= 1 or n == 0:
        return rank
    # Ties (most of all: zero scores) go to the longest-standing members.
    order = np.lexsort((seniority, -score))
    scorers = int(np.count_nonzero(score > 0))
    above = np.zeros(levels + 2, dtype=np.int64)   # above[j]: members at rank >= j
    for j in range(levels, 1, -1):
        want = round(ABOVE_FIRST * RATIO ** (j - 2) * scorers)
        above[j] = min(n, max(want, levels - j + 1, above[j + 1] + 1))
    for j in range(2, levels + 1):
        rank[order[: above[j]]] = j
    return rank


def assign_ranks(members: Members, layout: Layout, posts: np.ndarray, shared: np.ndarray,
                 difficulty: str, rng: np.random.Generator) -> np.ndarray:
    """Rank level (1..n_statuses) of every member.

    ``posts`` and ``shared`` are each member's public posts and started
    content threads so far.
    """
    knobs = DIFFICULTY[difficulty]
    k = layout.n_statuses
    n = len(members)
    role = members.role
    rank = np.ones(n, dtype=np.int64)
    if k == 1:
        return rank
    admin = role == ADMIN
    rank[admin] = k
    score = (posts + SHARING_WEIGHT * shared) * np.exp(knobs["rank_noise"] * rng.standard_normal(n))
    staff_level = layout.staff_level
    top = k - 1 if staff_level is None else staff_level
    staff = np.zeros(n, dtype=bool)
    if k >= 3:
        staff |= (role == MODERATOR) & (rng.random(n) < knobs["staff_level_moderator"])
        staff |= (role == TECHNICAL) & (rng.random(n) < knobs["staff_level_technical"])
    if staff_level is not None:
        ordinary = ~admin & ~staff
        n_elite = round(knobs["elite_share"] * np.count_nonzero(score[ordinary] > 0))
        if n_elite:
            cand = np.flatnonzero(ordinary)
            elite = cand[np.argsort(-score[cand], kind="stable")[:n_elite]]
            staff[elite] = True
        rank[staff] = staff_level
    else:
        rank[staff] = top
    ordinary = np.flatnonzero(~admin & ~staff)
    rank[ordinary] = _ordinary(score[ordinary], members.join[ordinary], layout.ordinary_levels)
    return rank
