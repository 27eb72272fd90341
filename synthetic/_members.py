"""Members: roles, when they join and leave, how much and when they post.

Times are days since the forum opened (float64). Each posting member has an
activity *volume* (relative expected posts) and an activity *trajectory* over
their tenure ``[join, leave]``: a mixture of a flat profile and a triangle
whose peak lies early (a burst that fades), mid-tenure, or late (a member who
grows into the forum), after the developmental pathways of van der Bruggen &
Blokland (2021) and the three trajectories of Blokland et al. (2024).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._behaviour import (ADMIN, DIFFICULTY, DISTRIBUTOR, LURKER, MODERATOR, NEWCOMER, REGULAR,
                         REQUESTER, TECHNICAL, VOLUME)
from .params import ForumParams

#: Share of the tenure profile that is flat; the rest is the triangle.
FLAT = 0.3
#: Trajectory peaks (fraction of tenure) and their shares among ordinary posters.
PEAKS = np.array([0.1, 0.45, 0.9])
PEAK_SHARE = np.array([0.5, 0.35, 0.15])


@dataclass
class Members:
    role: np.ndarray        # int8, codes of _behaviour.ROLES
    join: np.ndarray        # float64 days
    leave: np.ndarray       # float64 days, > join
    volume: np.ndarray      # float64, 0 for lurkers
    peak: np.ndarray        # float64 in [0, 1]
    helper: np.ndarray      # bool: ordinary member who answers technical questions
    moderates: list         # per subforum, the member indices moderating it

    def __len__(self) -> int:
        return len(self.role)


def _growth_times(rng: np.random.Generator, n: int, growth: float, lo: float, hi: float) -> np.ndarray:
    """Times in [lo, hi) with density proportional to exp(growth * x)."""
    u = rng.random(n)
    x = u if growth == 0 else np.log1p(u * np.expm1(growth)) / growth
    return lo + (hi - lo) * x


def role_counts(p: ForumParams) -> dict[int, int]:
    rest = p.n_posting - p.n_staff
    n_dist = round(p.distributor_share * rest)
    n_req = round(p.requester_share * rest)
    n_new = round(p.newcomer_share * rest)
    return {
        ADMIN: p.n_admins, MODERATOR: p.n_moderators, TECHNICAL: p.n_technical,
        DISTRIBUTOR: n_dist, REQUESTER: n_req, NEWCOMER: n_new,
        REGULAR: rest - n_dist - n_req - n_new, LURKER: p.n_members - p.n_posting,
    }


def make_members(p: ForumParams, days: float, n_subforums_public: np.ndarray,
                 rng: np.random.Generator) -> Members:
    """Draw the members of a forum open for ``days`` days.

    ``n_subforums_public`` lists the public subforums moderators look after.
    """
    knobs = DIFFICULTY[p.difficulty]
    counts = role_counts(p)
    role = np.repeat(np.arange(len(counts), dtype=np.int8), [counts[r] for r in range(len(counts))])
    n = len(role)
    join = np.empty(n)
    tenure = np.empty(n)
    stays = np.zeros(n, dtype=bool)   # stays until the forum closes
    for r in range(len(counts)):
        idx = np.flatnonzero(role == r)
        k = len(idx)
        if r == ADMIN:
            # Founders: the first admin opens the forum.
            j = rng.uniform(0, 0.01, k) * days
            j[:1] = 0.0
            join[idx] = j
            stays[idx] = True
        elif r == TECHNICAL:
            join[idx] = rng.uniform(0, 0.3, k) * days
            stays[idx] = rng.random(k) < 0.85
        elif r == MODERATOR:
            join[idx] = rng.uniform(0.02, 0.5, k) * days
            stays[idx] = rng.random(k) < 0.7
        elif r == NEWCOMER:
            join[idx] = rng.uniform(0.8, 1.0, k) * days
            stays[idx] = rng.random(k) < 0.6
        elif r == LURKER:
            join[idx] = _growth_times(rng, k, p.growth, 0.0, days)
        else:
            join[idx] = _growth_times(rng, k, p.growth, 0.0, 0.95 * days)
        median = {ADMIN: days, TECHNICAL: 0.6 * days, MODERATOR: 0.5 * days,
                  NEWCOMER: 120.0, LURKER: 45.0}.get(r, 240.0)
        sigma = 1.2 if r == LURKER else 0.9
        tenure[idx] = rng.lognormal(np.log(median), sigma, k)
    # Nobody joins in the forum's last half day, so every tenure has room.
    join = np.minimum(join, days - 0.5)
    leave = np.where(stays, days, np.minimum(join + np.maximum(tenure, 0.5), days))

    volume = np.zeros(n)
    posting = role != LURKER
    med = VOLUME[role, 0]
    sig = VOLUME[role, 1] * knobs["volume_sigma"]
    volume[posting] = med[posting] * np.exp(sig[posting] * rng.standard_normal(int(posting.sum())))
    # Members who stay longer post more, though not in proportion.
    span = (leave - join) / max(days, 1.0)
    volume *= np.power(np.clip(span, 1e-3, None), 0.5)
    admins = np.flatnonzero(role == ADMIN)
    n_quiet = int(np.floor(knobs["quiet_admins"] * len(admins)))
    if n_quiet:
        quiet = rng.choice(admins[1:] if len(admins) > 1 else admins, size=min(n_quiet, max(1, len(admins) - 1)), replace=False)
        volume[quiet] *= 0.03

    peak = rng.choice(PEAKS, size=n, p=PEAK_SHARE)
    staff = np.isin(role, (ADMIN, MODERATOR, TECHNICAL))
    peak[staff] = rng.uniform(0.3, 0.7, int(staff.sum()))

    helper = (role == REGULAR) & (rng.random(n) < knobs["helper_share"])

    moderators = np.flatnonzero(role == MODERATOR)
    moderates: dict[int, list[int]] = {}
    if len(n_subforums_public):
        for m in moderators:
            k = int(rng.integers(1, min(3, len(n_subforums_public)) + 1))
            for sf in rng.choice(n_subforums_public, size=k, replace=False):
                moderates.setdefault(int(sf), []).append(int(m))
    return Members(role, join, leave, volume, peak, helper, moderates)


# -- activity trajectories ------------------------------------------------------

def profile_cdf(x: np.ndarray, peak: np.ndarray) -> np.ndarray:
    """CDF on [0, 1] of the tenure profile (flat + triangle with mode ``peak``)."""
    x = np.clip(x, 0.0, 1.0)
    c = np.clip(peak, 1e-6, 1 - 1e-6)
    tri = np.where(x < c, x * x / c, 1.0 - (1.0 - x) ** 2 / (1.0 - c))
    return FLAT * x + (1.0 - FLAT) * tri


def profile_sample(peak: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per entry from the tenure profile of mode ``peak``."""
    n = len(peak)
    u = rng.random(n)
    c = np.clip(peak, 1e-6, 1 - 1e-6)
    tri = np.where(u < c, np.sqrt(u * c), 1.0 - np.sqrt((1.0 - u) * (1.0 - c)))
    flat = rng.random(n) < FLAT
    return np.where(flat, rng.random(n), tri)


def activity_mass(m: Members, idx: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of each member's activity in each time bin: shape (len(idx), bins), float32."""
    join = m.join[idx, None]
    span = (m.leave - m.join)[idx, None]
    cdf = profile_cdf((edges[None, :] - join) / span, m.peak[idx, None])
    return np.diff(cdf, axis=1).astype(np.float32)
