"""The undirected structure behind the key-player measures, shared by
key-player sets (:mod:`netanalysis.keyplayers.kpp`) and disruption
(:mod:`netanalysis.keyplayers.disruption`): the simple undirected graph as CSR
arrays, member ids to node positions, the centralities of the comparison
strategies, and the pair sample and global efficiency of a graph with members
removed (exact, or estimated on sampled pairs with its Hoeffding half-width).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..graphs import InteractionGraph
from ..measures import betweenness, degree
from . import _kpp_kernels as _k


# ---------------------------------------------------------------------------
# the undirected structure


@dataclass(frozen=True, eq=False)
class Structure:
    """The undirected simple graph behind the key-player measures."""

    graph: InteractionGraph  # undirected, weights 1, no self-loops
    indptr: np.ndarray
    indices: np.ndarray

    @property
    def n(self) -> int:
        return self.graph.n_nodes


def undirected(graph: InteractionGraph) -> Structure:
    """The undirected structure of ``graph`` (``graph`` itself when it is one)."""
    if isinstance(graph, Structure):
        return graph
    if not isinstance(graph, InteractionGraph):
        raise TypeError(f"expected an InteractionGraph, not {type(graph).__name__}")
    adj = graph.adjacency
    n = graph.n_nodes
    pattern = sp.csr_array((np.ones(adj.nnz), adj.indices, adj.indptr), shape=(n, n))
    pattern = sp.csr_array(pattern + pattern.T)
    pattern.setdiag(0)
    pattern.eliminate_zeros()
    pattern.data[:] = 1.0
    pattern.sort_indices()
    und = InteractionGraph(pattern, graph.node_ids, directed=False, kind=graph.kind,
                           weight="ties", meta={"structure_of": graph.kind})
    a = und.adjacency
    dtype = np.int32 if a.nnz < np.iinfo(np.int32).max else np.int64
    return Structure(und, np.ascontiguousarray(a.indptr, dtype=dtype),
                      np.ascontiguousarray(a.indices, dtype=dtype))


def removal_mask(n: int, members) -> np.ndarray:
    """A boolean mask of ``n`` nodes, true at the positions ``members``."""
    mask = np.zeros(n, dtype=np.bool_)
    mask[np.asarray(members, dtype=np.int64)] = True
    return mask


def positions(graph: InteractionGraph, members) -> np.ndarray:
    """Node positions of the member ids ``members`` (``KeyError`` for an
    unknown id, ``ValueError`` for a repeated one)."""
    ids = list(members)
    idx = graph.node_ids.get_indexer(pd.Index(ids, dtype=graph.node_ids.dtype)
                                     if len(ids) else pd.Index([], dtype=graph.node_ids.dtype))
    if (idx < 0).any():
        missing = [m for m, i in zip(ids, idx) if i < 0][:5]
        raise KeyError(f"unknown member ids: {missing}")
    if len(set(idx.tolist())) != len(idx):
        raise ValueError("member ids must be distinct")
    return idx.astype(np.int64)


# ---------------------------------------------------------------------------
# centralities for the comparison sets (and the candidate pool)


def degree_values(structure: Structure) -> np.ndarray:
    return np.array(degree(structure.graph), dtype=np.float64)


def betweenness_values(structure: Structure) -> np.ndarray:
    """Raw shortest-path betweenness (hops) on the undirected structure."""
    return np.array(betweenness(structure.graph, distance="hops", normalized=False), dtype=np.float64)


def aligned(structure: Structure, scores: pd.Series, name: str) -> np.ndarray:
    """User-given scores as an array in node order (missing members: -inf)."""
    if not isinstance(scores, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by member id")
    values = scores.reindex(structure.graph.node_ids).to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isnan(values), -np.inf, values)


def hoeffding_error(n_draws: int, confidence: float) -> float:
    """Hoeffding half-width of a mean of ``n_draws`` values in [0, 1] at
    ``confidence`` (see :func:`netanalysis.keyplayers.kpp.sample_size`)."""
    return math.sqrt(math.log(2.0 / (1.0 - confidence)) / (2.0 * n_draws))


# Candidate pairs held per sampled pair: with a share p of the ordered pairs
# still present, a slot falls back to a direct draw with probability
# (1 - p)^32 (below 1e-4 with half the members removed).
PAIR_TRIES = 32


@dataclass(frozen=True, eq=False)
class PairSample:
    """A sample of ``size`` ordered pairs of distinct members, drawn once
    and valid for any set of removed members.

    Slot ``k`` holds ``PAIR_TRIES`` candidate pairs drawn independently
    and uniformly among the ordered pairs of distinct members of the whole
    graph, and two uniform numbers in ``[0, 1)``. For a removal set, the
    slot's pair is its first candidate with both members present (uniform
    among the pairs present, by rejection); if there is none, the two
    numbers pick a pair among the members present directly (uniform too).
    So the ``size`` pairs are independent and uniform among the ordered
    pairs present, and they stay the same, slot by slot, from one removal
    set to the next except where a member left: strategies and steps are
    compared on common random numbers.
    """

    first: np.ndarray  # (size, tries) candidate pair members
    second: np.ndarray
    fallback: np.ndarray  # (size, 2) uniform in [0, 1)

    @property
    def size(self) -> int:
        return self.first.shape[0]

    def pairs(self, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sampled (sources, targets) among the members not removed
        (at least two)."""
        present = ~removed
        ok = present[self.first] & present[self.second]
        rows = np.arange(self.size)
        pick = ok.argmax(axis=1)
        sources = self.first[rows, pick].astype(np.int64)
        targets = self.second[rows, pick].astype(np.int64)
        miss = ~ok[rows, pick]
        if miss.any():
            left = np.flatnonzero(present)
            m = len(left)
            a = np.minimum((self.fallback[miss, 0] * m).astype(np.int64), m - 1)
            b = np.minimum((self.fallback[miss, 1] * (m - 1)).astype(np.int64), m - 2)
            b += b >= a
            sources[miss] = left[a]
            targets[miss] = left[b]
        return sources, targets


def pair_sample(n: int, size: int, rng: np.random.Generator) -> PairSample | None:
    """A :class:`PairSample` of ``size`` pairs, or None when ``size >= n``
    (every measurement is then exact, see :func:`efficiency`)."""
    if size >= n:
        return None
    dtype = np.int32 if n <= np.iinfo(np.int32).max else np.int64
    first = rng.integers(0, n, size=(size, PAIR_TRIES))
    second = rng.integers(0, n - 1, size=(size, PAIR_TRIES))
    second += second >= first
    fallback = rng.random((size, 2))
    return PairSample(first.astype(dtype), second.astype(dtype), fallback)


def source_efficiency(structure: Structure, removed: np.ndarray, sources: np.ndarray) -> float:
    """Mean over the given sources still present of ``sum_t (1/d_st) /
    (n' - 1)`` in ``G - removed`` (``n'`` members present, at least two):
    the global efficiency when the sources are all members present."""
    n_left = structure.n - int(removed.sum())
    src = sources[~removed[sources]]
    if len(src) == 0:
        raise ValueError("no sampled source remains; use a larger sample")
    h = _k._harmonic_matrix(structure.indptr, structure.indices, removed,
                            np.array([-1], dtype=np.int64), src.astype(np.int64))[0]
    return float(h.mean() / (n_left - 1))


def efficiency(structure: Structure, removed: np.ndarray, sample: PairSample | None,
                confidence: float = 0.95) -> tuple[float, float]:
    """Global efficiency ``E = sum_{s != t} (1/d_st) / (n' (n' - 1))`` of
    ``G - removed`` (``n'`` members present; 0 when ``n' < 2``) and the
    Hoeffding half-width of its estimate at ``confidence``.

    Exact (one breadth-first search from every member present, half-width
    0) when ``sample`` is None or ``n' <= s`` for ``s = sample.size``:
    exactness then costs at most ``s`` full searches, what sampling ``s``
    sources cost before, so the value stays exact wherever it was. Beyond
    that, the mean of ``1/d`` over the sample's ``s`` pairs among the
    members present (:meth:`PairSample.pairs`), each distance from a
    bidirectional search (:func:`_kpp_kernels._pair_distance`: never more
    than two full searches, usually a small fraction of one: on the
    3,937-member forum-a reply graph 738 pairs take about 0.3 ms, one full
    search 0.8 ms), and the half-width ``sqrt(ln(2 / (1 - confidence)) /
    (2 s))`` (see :func:`sample_size`)."""
    n_left = structure.n - int(removed.sum())
    if n_left < 2:
        return 0.0, 0.0
    if sample is None or n_left <= sample.size:
        return source_efficiency(structure, removed, np.flatnonzero(~removed)), 0.0
    sources, targets = sample.pairs(removed)
    d = _k._pair_distances(structure.indptr, structure.indices, structure.indptr,
                           structure.indices, removed, sources, targets)
    if (d < -1).any():
        raise RuntimeError("a sampled pair is not two distinct members present")
    inverse = np.zeros(len(d))
    reached = d > 0
    inverse[reached] = 1.0 / d[reached]
    return float(inverse.sum() / len(d)), hoeffding_error(len(d), confidence)
