"""Seeded degree-preserving double-edge swaps, compiled (the null model of
:func:`netanalysis.measures.elite`).

A simple undirected graph is given by its ``m`` edges ``u[e] < v[e]``.
Each *trial* draws two edges uniformly at random, ``a-b`` and ``c-d`` (the
second read as ``d-c`` with probability one half), and rewires them to
``a-d`` and ``c-b`` unless one of these would be a self-loop or already an
edge (then nothing changes; a trial that draws the same edge twice is
rejected too). Every node keeps its degree and the graph stays simple:
the Maslov-Sneppen chain that igraph's ``Graph.rewire(n,
allowed_edge_types="simple")`` runs, here with its own generator so that
a seed gives the same graphs everywhere.

Edges are looked up in an open-addressing hash table of the keys
``min * n + max`` (at most a quarter full, linear probing, deletion by backward shift: no
tombstones), so a trial costs O(1) expected time whatever the degrees.
Random numbers come from SplitMix64 (Steele, Lea & Flood 2014) seeded by
one 64-bit integer per graph; an index below ``m`` is
``(r >> 32) * m >> 32`` (Lemire 2019), whose bias, below ``m / 2**32``,
is far under the chain's own noise.

The null graphs of one call are independent: :data:`null_histograms` runs
them in parallel (``prange``, one graph per iteration, each written to its
own row) above the threshold of the searches kind
(:data:`netanalysis._numba.SEARCHES`), with the same bytes for any number
of threads.
"""
from __future__ import annotations

import numpy as np
from numba import prange

from .._numba import SEARCHES, dual_kernel, jit

__all__ = ["double_edge_swap", "null_histograms", "swap_seeds"]

_EMPTY = np.int64(-1)


@jit(inline=True)
def _splitmix(state):
    """``(next state, 64 random bits)`` of SplitMix64 (uint64 throughout)."""
    state = state + np.uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@jit(inline=True)
def _slot(key, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64((h >> np.uint64(20)) & np.uint64(mask))


@jit(inline=True)
def _find(table, key, mask):
    """Slot of ``key``, or -1 when absent."""
    i = _slot(key, mask)
    while True:
        k = table[i]
        if k == key:
            return i
        if k == -1:
            return -1
        i = (i + 1) & mask


@jit(inline=True)
def _insert(table, key, mask):
    i = _slot(key, mask)
    while table[i] != -1:
        i = (i + 1) & mask
    table[i] = key


@jit(inline=True)
def _delete(table, i, mask):
    """Remove the key at slot ``i`` (backward-shift deletion)."""
    j = i
    while True:
        j = (j + 1) & mask
        k = table[j]
        if k == -1:
            break
        home = _slot(k, mask)
        # move k back to i when its home slot is not cyclically in (i, j]
        if (j > i and (home <= i or home > j)) or (j < i and (home <= i and home > j)):
            table[i] = k
            i = j
    table[i] = -1


@jit(inline=True)
def _key(a, b, n):
    return a * n + b if a < b else b * n + a


@jit()
def _rewire(edges, n, trials, seed):
    """Run ``trials`` swap trials on ``edges`` (``edges[2e], edges[2e + 1]``:
    the ends of edge ``e``, smaller first) in place; the number accepted."""
    m = edges.shape[0] // 2
    size = 1
    while size < 4 * m:
        size *= 2
    mask = size - 1
    table = np.full(size, -1, dtype=np.int64)
    for e in range(m):
        _insert(table, _key(edges[2 * e], edges[2 * e + 1], n), mask)
    state = np.uint64(seed)
    um = np.uint64(m)
    accepted = 0
    for _ in range(trials):
        state, r = _splitmix(state)
        e1 = np.int64(((r >> np.uint64(32)) * um) >> np.uint64(32))
        state, r = _splitmix(state)
        e2 = np.int64(((r >> np.uint64(32)) * um) >> np.uint64(32))
        flip = (r & np.uint64(1)) == np.uint64(1)
        if e1 == e2:
            continue
        a, b = edges[2 * e1], edges[2 * e1 + 1]
        if flip:
            c, d = edges[2 * e2 + 1], edges[2 * e2]
        else:
            c, d = edges[2 * e2], edges[2 * e2 + 1]
        if a == d or c == b:
            continue
        k1 = _key(a, d, n)
        k2 = _key(c, b, n)
        if k1 == k2 or _find(table, k1, mask) >= 0 or _find(table, k2, mask) >= 0:
            continue
        _delete(table, _find(table, _key(a, b, n), mask), mask)
        _delete(table, _find(table, _key(c, d, n), mask), mask)
        _insert(table, k1, mask)
        _insert(table, k2, mask)
        if a < d:
            edges[2 * e1], edges[2 * e1 + 1] = a, d
        else:
            edges[2 * e1], edges[2 * e1 + 1] = d, a
        if c < b:
            edges[2 * e2], edges[2 * e2 + 1] = c, b
        else:
            edges[2 * e2], edges[2 * e2 + 1] = b, c
        accepted += 1
    return accepted


@dual_kernel(kind=SEARCHES)
def null_histograms(u, v, n, degree, trials, seeds, top):
    """For each seed, the graph ``u, v`` (``u < v``) after ``trials`` swap
    trials, as the histogram of ``min(degree[a], degree[b])`` over its
    edges ``a-b`` (length ``top + 1``): :math:`E_{>k}` is ``m`` minus its
    cumulative sum. One row per seed; ``(histograms, accepted swaps per
    graph)``."""
    n_null = seeds.shape[0]
    m = u.shape[0]
    out = np.zeros((n_null, top + 1), dtype=np.int64)
    accepted = np.zeros(n_null, dtype=np.int64)
    for i in prange(n_null):
        edges = np.empty(2 * m, dtype=np.int64)
        for e in range(m):
            edges[2 * e] = u[e]
            edges[2 * e + 1] = v[e]
        accepted[i] = _rewire(edges, n, trials, seeds[i])
        for e in range(m):
            da = degree[edges[2 * e]]
            db = degree[edges[2 * e + 1]]
            out[i, da if da < db else db] += 1
    return out, accepted


def swap_seeds(seed: int, n_null: int) -> np.ndarray:
    """The 64-bit seed of each null graph: ``SeedSequence([seed, i])``'s
    first state word, ``i = 0 .. n_null - 1``."""
    return np.array([np.random.SeedSequence([int(seed), i]).generate_state(1, dtype=np.uint64)[0]
                     for i in range(int(n_null))], dtype=np.uint64)


def double_edge_swap(rows, cols, n: int, trials: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """One null graph: the simple undirected edges ``rows[e] - cols[e]``
    (no self-loop, no edge twice) after ``trials`` swap trials, seeded.

    Returns
    -------
    rows, cols : ndarray of int64
        The rewired edges, each with ``rows < cols`` (new arrays).
    accepted : int
        The trials that swapped.

    Examples
    --------
    >>> r, c, k = double_edge_swap([0, 2, 0, 1], [1, 3, 3, 2], 4, 100, seed=1)
    >>> sorted(np.bincount(np.r_[r, c]).tolist()), k > 0
    ([2, 2, 2, 2], True)
    """
    a = np.asarray(rows, dtype=np.int64)
    b = np.asarray(cols, dtype=np.int64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("rows and cols must be one-dimensional and of the same length")
    if int(trials) != trials or trials < 0:
        raise ValueError(f"trials must be a whole number of at least 0, not {trials!r}")
    u, v = np.minimum(a, b), np.maximum(a, b)
    if len(u) and (u.min() < 0 or v.max() >= n):
        raise ValueError(f"node indices must lie in 0 .. {n - 1}")
    if np.any(u == v):
        raise ValueError("the graph has a self-loop; double-edge swaps need a simple graph")
    if len(np.unique(u * n + v)) != len(u):
        raise ValueError("the graph has an edge twice; double-edge swaps need a simple graph")
    if len(u) < 2:
        return u.copy(), v.copy(), 0
    seed64 = np.random.SeedSequence(int(seed)).generate_state(1, dtype=np.uint64)[0]
    edges = np.empty(2 * len(u), dtype=np.int64)
    edges[0::2], edges[1::2] = u, v
    k = _rewire(edges, np.int64(n), np.int64(trials), seed64)
    return edges[0::2].copy(), edges[1::2].copy(), int(k)
