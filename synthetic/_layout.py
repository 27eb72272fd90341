"""The forum's layout: subforums, their categories, and the status ladder."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._behaviour import KIND_CATEGORIES, KINDS

#: The first subforums a forum gets, in order, before extra ones.
_BASE = ("content", "announcements", "technical", "introductions", "requests", "rules", "social")
#: Display order of the categories.
_ORDER = ("announcements", "rules", "introductions", "technical", "content", "requests", "social", "private")


@dataclass(frozen=True)
class Layout:
    """Subforums (row order = subforum id order) and the status ladder.

    ``category`` and ``min_rank`` are the true values; the tables may hide
    some of them (difficulty ``hard``).
    """

    category: tuple[str, ...]
    name: tuple[str, ...]
    min_rank: np.ndarray         # int64, 1 for public subforums
    popularity: np.ndarray       # relative share of threads within a category
    n_statuses: int

    @property
    def n_subforums(self) -> int:
        return len(self.category)

    @property
    def staff_level(self) -> int | None:
        """The rank of moderators and technical members (None below 4 statuses)."""
        return self.n_statuses - 1 if self.n_statuses >= 4 else None

    @property
    def ordinary_levels(self) -> int:
        """Ranks reached by activity: 1 .. ordinary_levels."""
        k = self.n_statuses
        return k - 2 if k >= 4 else max(1, k - 1)

    def kind_subforums(self) -> list[np.ndarray]:
        """For each thread kind, the subforums its threads go to (may be empty
        for ``private`` when the forum has no private subforum)."""
        cats = np.array(self.category)
        out = []
        for fallbacks in KIND_CATEGORIES:
            found = np.array([], dtype=np.int64)
            for cat in fallbacks:
                found = np.flatnonzero(cats == cat)
                if len(found):
                    break
            if not len(found) and fallbacks[0] != "private":
                found = np.flatnonzero(cats != "private")
            out.append(found)
        assert len(out) == len(KINDS)
        return out


def _category_counts(n: int) -> dict[str, int]:
    counts = dict.fromkeys(_ORDER, 0)
    for cat in _BASE[:n]:
        counts[cat] += 1
    extra = n - len(_BASE)
    if extra > 0:
        counts["private"] = max(1, round(0.2 * extra)) if extra >= 2 else 0
        counts["technical"] += min(2, extra // 8)
        counts["requests"] += min(1, extra // 12)
        counts["content"] += extra - counts["private"] - min(2, extra // 8) - min(1, extra // 12)
    return counts


def make_layout(n_subforums: int, n_statuses: int, rng: np.random.Generator) -> Layout:
    """The subforums of a forum with ``n_subforums`` of them.

    The first seven are one content subforum, then announcements, technical,
    introductions, requests, rules and social; beyond seven, about a fifth are
    private (ranked access) and the rest mostly content.
    """
    counts = _category_counts(n_subforums)
    category: list[str] = []
    name: list[str] = []
    for cat in _ORDER:
        k = counts[cat]
        category += [cat] * k
        name += [cat] if k == 1 and cat != "content" else [f"{cat}-{i + 1:02d}" for i in range(k)]
    min_rank = np.ones(n_subforums, dtype=np.int64)
    private = np.flatnonzero(np.array(category) == "private")
    if len(private):
        low = max(2, int(np.ceil(n_statuses / 2)))
        high = max(low, n_statuses - 1)
        levels = np.round(np.linspace(low, high, len(private))).astype(np.int64)
        min_rank[private] = np.minimum(levels, n_statuses)
    # Some subforums draw far more threads than others of their category.
    popularity = rng.lognormal(0.0, 0.8, size=n_subforums)
    return Layout(tuple(category), tuple(name), min_rank, popularity, n_statuses)
