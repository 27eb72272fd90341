"""Small array helpers that stay fast on tens of millions of integers."""
from __future__ import annotations

import numpy as np


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, by sorting (numpy's hash-based ``np.unique``
    is far slower on large int64 arrays)."""
    s = np.sort(np.asarray(values))
    if len(s) == 0:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def in_sorted(values: np.ndarray, sorted_codes: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_codes)`` for a sorted array, by binary search."""
    values = np.asarray(values)
    if not len(sorted_codes):
        return np.zeros(len(values), dtype=bool)
    # Searching sorted queries walks the large array in order (cache friendly).
    order = np.argsort(values)
    queries = values[order]
    at = np.minimum(np.searchsorted(sorted_codes, queries), len(sorted_codes) - 1)
    found = np.empty(len(values), dtype=bool)
    found[order] = sorted_codes[at] == queries
    return found


def weighted_sample(items: np.ndarray, k: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``k`` distinct items drawn with probability proportional to ``weights``
    (successive draws without replacement; Efraimidis & Spirakis, 2006)."""
    keys = np.log(rng.random(len(items))) / np.maximum(weights, 1e-300)
    if k >= len(items):
        return items[np.argsort(-keys, kind="stable")]
    top = np.argpartition(-keys, k - 1)[:k]
    return items[top[np.argsort(-keys[top], kind="stable")]]


def sorted_uniforms(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform draws on [0, 1), in ascending order, without sorting
    (normalised sums of exponential spacings)."""
    c = np.cumsum(rng.standard_exponential(n + 1))
    return c[:-1] / c[-1]


def previous_in_group(group: np.ndarray) -> np.ndarray:
    """For rows already grouped contiguously, the row before each one in its
    group (-1 for a group's first row)."""
    n = len(group)
    prev = np.arange(-1, n - 1, dtype=np.int64)
    if n:
        first = np.empty(n, dtype=bool)
        first[0] = True
        np.not_equal(group[1:], group[:-1], out=first[1:])
        prev[first] = -1
    return prev
