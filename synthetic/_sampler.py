"""Drawing the author of each reply from the members active at its time.

A reply's author is drawn with probability proportional to

    volume[m] * activity[m, bin(t)] * role_weight[pool, kind, role(m)]
        * moderator_boost[m, subforum] * (rank[m] >= min_rank[subforum])

where ``activity[m, b]`` is the share of member m's tenure profile in time
bin b. Replies are grouped by (bin, kind, subforum, pool) so that each group
is one vectorised draw: there is no loop per post, and the number of groups is
bounded by bins x subforum-kinds x pools.
"""
from __future__ import annotations

import numpy as np

from ._arrays import sorted_uniforms
from ._behaviour import ANSWERER, ANSWERER_POOL, CROWD, CROWD_POOL, DIFFICULTY, STAFF, STAFF_POOL, contrasted
from ._layout import Layout
from ._members import Members, activity_mass

#: Bins are at least a week and at most 1/120 of the period.
MIN_BIN_DAYS = 7.0
MAX_BINS = 120


def time_bins(days: float) -> np.ndarray:
    n_bins = int(np.clip(np.ceil(days / MIN_BIN_DAYS), 1, MAX_BINS))
    return np.linspace(0.0, days, n_bins + 1)


def draw(weights: np.ndarray, size: int, rng: np.random.Generator, *, ordered: bool = False) -> np.ndarray:
    """Indices drawn with replacement with probability proportional to ``weights``.

    With ``ordered`` the draws come in ascending order (the caller hands them
    out at random); searching sorted draws is several times faster.
    """
    cum = np.cumsum(weights, dtype=np.float64)
    if not ordered:
        u = rng.random(size) * cum[-1]
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    u = sorted_uniforms(size, rng) * cum[-1]
    if size <= len(cum):
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    # Many draws over few weights: count the draws below each cumulative
    # weight instead (searching the short array in the long one).
    below = np.searchsorted(u, cum, side="left")
    below[-1] = size
    return np.repeat(np.arange(len(cum)), np.diff(below, prepend=0))


class AuthorSampler:
    """Draws reply authors among the posting members (see module docstring)."""

    def __init__(self, members: Members, layout: Layout, difficulty: str, edges: np.ndarray):
        self.members = members
        self.layout = layout
        self.edges = edges
        knobs = DIFFICULTY[difficulty]
        self.posters = np.flatnonzero(members.volume > 0)
        role = members.role[self.posters]
        self.crowd = contrasted(CROWD, difficulty)[role]            # (posters, kinds)
        answer = contrasted(ANSWERER, difficulty)[role]
        answer = np.where(members.helper[self.posters], knobs["helper_weight"], answer)
        self.answer = answer
        self.staff = STAFF[role]
        self.volume = members.volume[self.posters]
        mass = activity_mass(members, self.posters, edges)
        # Per bin, the posters active in it and their weight there.
        self.active = []
        self.base = []
        for b in range(mass.shape[1]):
            col = mass[:, b]
            idx = np.flatnonzero(col > 0)
            self.active.append(idx)
            self.base.append(self.volume[idx] * col[idx])
        self.boost = {sf: np.isin(self.posters, mods) for sf, mods in members.moderates.items()}
        self.rank = None
        self._coef: dict = {}

    def set_ranks(self, rank: np.ndarray) -> None:
        """Use ``rank`` (per member) for access to ranked subforums from now on."""
        self.rank = rank[self.posters]
        self._coef.clear()

    def coefficient(self, pool: int, kind: int, sf: int) -> np.ndarray:
        key = (pool, kind, sf)
        coef = self._coef.get(key)
        if coef is None:
            boost = self.boost.get(sf)
            if pool == CROWD_POOL:
                coef = self.crowd[:, kind].copy()
                if boost is not None:
                    coef[boost] *= 2.0
            elif pool == ANSWERER_POOL:
                coef = self.answer.copy()
            elif pool == STAFF_POOL:
                coef = self.staff.copy()
                if boost is not None:
                    coef[boost] *= 5.0
            else:
                raise ValueError(pool)
            min_rank = self.layout.min_rank[sf]
            if min_rank > 1:
                if self.rank is None:
                    raise RuntimeError("ranked subforum drawn before ranks were set")
                coef = coef * (self.rank >= min_rank)
            self._coef[key] = coef
        return coef

    def sample(self, time_days: np.ndarray, kind: np.ndarray, sf: np.ndarray, pool: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
        """Member index of the author of each reply."""
        n_bins = len(self.edges) - 1
        width = self.edges[-1] / n_bins   # equal-width bins
        b = np.clip((time_days / width).astype(np.int64), 0, n_bins - 1)
        n_sf = self.layout.n_subforums
        cell = ((b.astype(np.int64) * 16 + kind) * n_sf + sf) * 4 + pool
        # Within a group the replies are put in random order, so that sorted
        # draws (fast to search) are handed out at random.
        if cell.max(initial=0) < (1 << 30):
            order = np.argsort((cell << 32) | rng.integers(0, 1 << 32, len(cell), dtype=np.int64))
        else:
            order = np.lexsort((rng.random(len(cell)), cell))
        sorted_cell = cell[order]
        starts = np.flatnonzero(np.r_[True, sorted_cell[1:] != sorted_cell[:-1]])
        stops = np.r_[starts[1:], len(cell)]
        out = np.empty(len(cell), dtype=np.int64)
        for lo, hi in zip(starts, stops):
            k = sorted_cell[lo]
            p_, rest = k % 4, k // 4
            s_, rest = rest % n_sf, rest // n_sf
            kd, bn = rest % 16, rest // 16
            coef = self.coefficient(int(p_), int(kd), int(s_))
            active = self.active[bn]
            w = self.base[bn] * coef[active]
            if w.sum() > 0:
                chosen = active[draw(w, hi - lo, rng, ordered=True)]
            else:
                chosen = self._fallback(coef, hi - lo, rng)
            out[order[lo:hi]] = self.posters[chosen]
        return out

    def _fallback(self, coef: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
        """Nobody fitting is active in that bin: draw over the whole period,
        then among anyone allowed in, then among the founders."""
        w = self.volume * coef
        if w.sum() > 0:
            return draw(w, size, rng)
        allowed = coef > 0
        if allowed.any():
            return draw(allowed.astype(np.float64) * self.volume + allowed, size, rng)
        top = self.rank == self.rank.max() if self.rank is not None else self.staff > 0
        return draw(top.astype(np.float64), size, rng)
