"""Key-player sets (Borgatti 2006): the k members whose removal fragments the
network most (KPP-Neg), or who reach the most others (KPP-Pos).

All measures here work on the **undirected structure** of the graph: members
``i`` and ``j`` are tied when ``A[i, j] > 0`` or ``A[j, i] > 0``; weights and
self-loops are ignored and distances count hops. Fragmentation is about
whether two members can reach each other at all, in either direction, and
Borgatti (2006) defines every measure on undirected graphs.

Definitions, for a set ``S`` of ``k`` members of a graph of ``N`` members:

* **fragmentation** (KPP-Neg) of the graph ``G - S`` left after removing
  ``S``, with ``n = N - k`` members and components of sizes ``s_1, s_2...``::

      F = 1 - sum_c s_c (s_c - 1) / (n (n - 1))

  the share of ordered pairs of *remaining* members that cannot reach each
  other. This is Borgatti's convention: ``n`` counts the nodes of the graph
  being measured, i.e. the remaining ones, not the original ``N``.
* **distance-weighted fragmentation** (KPP-Neg), on the same remaining graph,
  with ``1/d_ij = 0`` for pairs in different components::

      DF = 1 - 2 sum_{i<j} (1 / d_ij) / (n (n - 1))

  ``1 - DF`` is the global efficiency of Latora & Marchiori (2001) of the
  remaining graph.
* **distance-weighted reach** (KPP-Pos), on the whole graph, with
  ``d(S, j)`` the distance from the nearest member of ``S`` to ``j``::

      DR = sum_{j not in S} (1 / d(S, j)) / N

  Members of ``S`` are not counted (so ``DR <= (N - k) / N``); some
  implementations count them as reached at distance 1, which adds ``k / N``.
  With ``m`` given, the **m-reach** ``#{j not in S : d(S, j) <= m} / N``.

With fewer than two members left no pair of members can reach each other,
and by convention ``F = DF = 1``.

References
----------
Borgatti, S. P. (2006). Identifying sets of key players in a social network.
Computational and Mathematical Organization Theory 12(1), 21-34.
Latora, V., Marchiori, M. (2001). Efficient behavior of small-world networks.
Physical Review Letters 87(19), 198701.
Hoeffding, W. (1963). Probability inequalities for sums of bounded random
variables. JASA 58(301), 13-30 (Theorem 1: independent draws; the bound of
:func:`sample_size`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import distributed as _distributed
from ..graphs import InteractionGraph
from . import _kpp_kernels as _k
from . import _undirected as _u

__all__ = ["key_player_set", "key_player_score", "KeyPlayerResult", "sample_size"]

OBJECTIVES = ("fragmentation", "distance_fragmentation", "reach")

# Relative margin a swap must gain: guards against float noise in sums.
_REL_TOL = 1e-10
# Default search effort (see key_player_set): random restarts on graphs of
# at most _SMALL_N members; pair moves while a pass of them costs at most
# _PAIR_BUDGET units (a unit: one node or stored tie visited by a scoring
# search).
_AUTO_RESTARTS = 8
_SMALL_N = 200
_PAIR_BUDGET = 4_000_000


# ---------------------------------------------------------------------------
# the candidate pool and the comparison sets


def _top(values: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Positions of the k largest values; ties go to the lower position."""
    order = np.argsort(-values, kind="stable")
    if exclude is not None:
        order = order[~exclude[order]]
    return order[:k].astype(np.int64)


# ---------------------------------------------------------------------------
# sampling rule for the distance measures


def sample_size(error: float, confidence: float = 0.95) -> int:
    """Number of sampled pairs of members that bounds the error of a sampled
    efficiency (or distance-weighted fragmentation) by ``error`` with
    probability ``confidence``.

    Efficiency is the mean of ``x = 1/d_ij``, in ``[0, 1]`` (0 when ``j`` is
    unreachable), over the ordered pairs ``(i, j)``, ``i != j``, of the
    members present; the estimate is the mean of ``x`` over ``s`` pairs
    drawn independently and uniformly among them. Hoeffding's inequality
    (Hoeffding 1963, Thm 1) gives ``P(|estimate - exact| >= e) <= 2
    exp(-2 s e^2)``, hence::

        s = ceil(ln(2 / (1 - confidence)) / (2 error^2))

    When ``s`` is at least the number of members present, every member is
    used as a source instead and the value is exact.

    The bound would be the same for ``s`` sampled *source* members (the
    mean of ``sum_j (1/d_ij) / (n - 1)``, also in ``[0, 1]``), which is how
    efficiency used to be sampled; a pair costs one bidirectional search
    that stops where the two balls meet, a source one search of the whole
    graph. (The spread of a pair estimate is wider than that of a source
    estimate of the same size, but both stay within the bound.)

    Examples
    --------
    >>> sample_size(0.05), sample_size(0.01)
    (738, 18445)
    """
    if not 0 < error < 1 or not 0 < confidence < 1:
        raise ValueError("error and confidence must lie in (0, 1)")
    return int(math.ceil(math.log(2.0 / (1.0 - confidence)) / (2.0 * error * error)))


def _sources(n: int, size: int | None, rng: np.random.Generator) -> np.ndarray | None:
    """A sorted uniform sample of ``size`` sources, or None for all nodes."""
    if size is None or size >= n:
        return None
    return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)


def _reach_from_distances(d: np.ndarray, m: int | None, n: int) -> float:
    out = (d > 0) & np.isfinite(d)
    if m is None:
        return float(np.sum(1.0 / d[out]) / n)
    return float(np.count_nonzero(out & (d <= m)) / n)


# ---------------------------------------------------------------------------
# objectives: the value of a set, and of a base set plus each candidate


class _Objective:
    """Search interface: ``scores(base, candidates)`` returns the objective
    of ``base + {c}`` for each candidate; all objectives are maximised."""

    pool: np.ndarray  # members a set may contain

    def __init__(self, structure: _u.Structure):
        self.s = structure
        self.n = structure.n
        self.pool = np.arange(self.n, dtype=np.int64)

    def candidates(self, base: Sequence[int]) -> np.ndarray:
        taken = _u.removal_mask(self.n, base)
        return self.pool[~taken[self.pool]]

    def value(self, members: Sequence[int]) -> float:
        raise NotImplementedError

    def scores(self, base: Sequence[int], candidates: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def _fragmentation_from_pairs(pairs, n_left):
    pairs = np.asarray(pairs, dtype=np.float64)
    if n_left < 2:
        return np.ones_like(pairs)
    return 1.0 - pairs / (n_left * (n_left - 1.0))


class _Fragmentation(_Objective):
    def value(self, members):
        removed = _u.removal_mask(self.n, members)
        _, pairs = _k._removal_pair_counts(self.s.indptr, self.s.indices, removed)
        return float(_fragmentation_from_pairs(pairs, self.n - int(removed.sum())))

    def scores(self, base, candidates):
        removed = _u.removal_mask(self.n, base)
        q, _ = _k._removal_pair_counts(self.s.indptr, self.s.indices, removed)
        return _fragmentation_from_pairs(q[candidates], self.n - int(removed.sum()) - 1)


class _Lookahead(_Objective):
    """Tie-break objective for fragmentation: ``L(T) = max_w F(T + w)``, the
    fragmentation of the best set with one more member. On a plateau (every
    swap leaves ``F`` unchanged, e.g. no set of ``k`` members cuts the
    network yet) it tells sets that are one member away from a better cut
    from sets that are not. One depth-first search of ``G - T`` per set."""

    def value(self, members):
        removed = _u.removal_mask(self.n, members)
        return self._best_next(removed)

    def _best_next(self, removed):
        n_left = self.n - int(removed.sum()) - 1
        if n_left < 2:
            return 1.0
        q, _ = _k._removal_pair_counts(self.s.indptr, self.s.indices, removed)
        return float(_fragmentation_from_pairs(q[~removed].min(), n_left))

    def scores(self, base, candidates):
        removed = _u.removal_mask(self.n, base)
        out = np.empty(len(candidates))
        for i, c in enumerate(np.asarray(candidates, dtype=np.int64).tolist()):
            removed[c] = True
            out[i] = self._best_next(removed)
            removed[c] = False
        return out


class _DistanceFragmentation(_Objective):
    def __init__(self, structure, pool, sources):
        super().__init__(structure)
        self.pool = pool
        self.sources = np.arange(self.n, dtype=np.int64) if sources is None else sources

    def value(self, members):
        removed = _u.removal_mask(self.n, members)
        if self.n - int(removed.sum()) < 2:
            return 1.0
        return 1.0 - _u.source_efficiency(self.s, removed, self.sources)

    def scores(self, base, candidates):
        removed = _u.removal_mask(self.n, base)
        n_left = self.n - int(removed.sum()) - 1
        if n_left < 2:
            return np.ones(len(candidates))
        candidates = np.asarray(candidates, dtype=np.int64)
        session = _distributed.active()
        if session is not None and session.wants(
                len(self.sources) * (self.s.indices.shape[0] + self.n)):
            # On the cluster: each column (source) is computed on its own, so
            # batches of sources put side by side give the same matrix.
            arrays = session.share(self.s)
            pieces = [self.sources[b] for b in session.batches(len(self.sources))]
            h = np.hstack(session.map(_harmonic_drops_task, pieces, arrays, removed, candidates))
        else:
            h = _k._harmonic_drops(self.s.indptr, self.s.indices, removed, candidates,
                                   self.sources)
        return 1.0 - np.nanmean(h, axis=1) / (n_left - 1)


def _harmonic_drops_task(sources, structure, removed, candidates):
    """The columns of ``sources`` of :func:`_kpp_kernels._harmonic_drops` (on
    a worker)."""
    return _k._harmonic_drops(structure.indptr, structure.indices, removed, candidates, sources)


class _Reach(_Objective):
    def __init__(self, structure, m):
        super().__init__(structure)
        self.m = m

    def _distances(self, members):
        return _k._set_distances(self.s.indptr, self.s.indices,
                                 np.asarray(members, dtype=np.int64))

    def value(self, members):
        return _reach_from_distances(self._distances(members), self.m, self.n)

    def scores(self, base, candidates):
        d = self._distances(base)
        candidates = np.asarray(candidates, dtype=np.int64)
        m = -1 if self.m is None else int(self.m)
        session = _distributed.active()
        if session is not None and session.wants(
                len(candidates) * (self.s.indices.shape[0] + self.n)):
            # On the cluster: each candidate's gain is computed on its own.
            arrays = session.share(self.s)
            pieces = [candidates[b] for b in session.batches(len(candidates))]
            gains = np.concatenate(session.map(_reach_gains_task, pieces, arrays, d, m))
        else:
            gains = _k._reach_gains(self.s.indptr, self.s.indices, d, candidates, m)
        return _reach_from_distances(d, self.m, self.n) + gains / self.n


def _reach_gains_task(candidates, structure, base_dist, m):
    """:func:`_kpp_kernels._reach_gains` for some candidates (on a worker)."""
    return _k._reach_gains(structure.indptr, structure.indices, base_dist, candidates, m)


# ---------------------------------------------------------------------------
# search: greedy construction, swaps, restarts, ordering


def _better(new: float, old: float) -> bool:
    return new > old + _REL_TOL * max(1.0, abs(old))


def _ties(vals: np.ndarray, ref: float) -> np.ndarray:
    """Where ``vals`` equals ``ref`` within the swap margin."""
    return np.abs(vals - ref) <= _REL_TOL * max(1.0, abs(ref))


# Tied candidates scored by the tie-break objective per base set (the lowest
# positions): at most _TIE_CAP, and fewer on large graphs so that one base
# set costs about _TIE_BUDGET units (at least _TIE_MIN candidates).
_TIE_CAP = 256
_TIE_MIN = 8
_TIE_BUDGET = 2_000_000


@dataclass
class _Search:
    """The local search: the objective, the tie-break objective (or None),
    whether pair moves are tried, and the bound on moves per run."""

    obj: _Objective
    tie: _Objective | None
    pairs: bool
    max_moves: int
    tie_cap: int = _TIE_CAP

    def pick(self, base: list[int], cand: np.ndarray, vals: np.ndarray) -> int:
        """The candidate to add to ``base``: the best by the objective, among
        those tied with it the best by the tie-break objective (the lowest
        position on further ties)."""
        j = int(np.argmax(vals))
        if self.tie is None:
            return int(cand[j])
        tied = cand[_ties(vals, float(vals[j]))][:self.tie_cap]
        if len(tied) == 1:
            return int(tied[0])
        return int(tied[int(np.argmax(self.tie.scores(base, tied)))])

    def greedy(self, k: int) -> list[int]:
        chosen: list[int] = []
        for _ in range(k):
            cand = self.obj.candidates(chosen)
            chosen.append(self.pick(chosen, cand, self.obj.scores(chosen, cand)))
        return chosen

    def _single(self, chosen: list[int]):
        """The best single swap ``(i, v, gain)`` (member ``chosen[i]`` out,
        ``v`` in) by the objective, or None; and per member the candidates
        whose swap leaves the objective unchanged (for the tie-break)."""
        best = None
        tied = []
        for i, u in enumerate(chosen):
            base = chosen[:i] + chosen[i + 1:]
            cand = self.obj.candidates(base)
            if not (cand == u).any():
                cand = np.append(cand, u)
            vals = self.obj.scores(base, cand)
            at_u = cand == u
            ref = float(vals[at_u][0])
            j = int(np.argmax(vals))
            gain = float(vals[j]) - ref
            if _better(float(vals[j]), ref) and (best is None or gain > best[2]):
                best = (i, int(cand[j]), gain)
            tied.append(cand[_ties(vals, ref) & ~at_u][:self.tie_cap])
        return best, tied

    def _tie_break(self, chosen: list[int], tied: list[np.ndarray]):
        """Among swaps that leave the objective unchanged, the one that
        improves the tie-break objective most, or None."""
        best = None
        for i, u in enumerate(chosen):
            if len(tied[i]) == 0:
                continue
            base = chosen[:i] + chosen[i + 1:]
            cand = np.append(tied[i], u)
            vals = self.tie.scores(base, cand)
            ref = float(vals[-1])
            j = int(np.argmax(vals[:-1]))
            gain = float(vals[j]) - ref
            if _better(float(vals[j]), ref) and (best is None or gain > best[2]):
                best = (i, int(cand[j]), gain)
        return best

    def _pair(self, chosen: list[int]):
        """The best exchange of two members for two non-members by the
        objective, ``(i, j, v, w, gain)``, or None."""
        ref = self.obj.value(chosen)
        best = None
        members = set(chosen)
        for i, j in itertools.combinations(range(len(chosen)), 2):
            base = [x for t, x in enumerate(chosen) if t not in (i, j)]
            for v in self.obj.candidates(chosen).tolist():
                cand = self.obj.candidates(base + [v])
                cand = cand[(cand > v) & ~np.isin(cand, list(members))]
                if len(cand) == 0:
                    continue
                vals = self.obj.scores(base + [v], cand)
                t = int(np.argmax(vals))
                gain = float(vals[t]) - ref
                if _better(float(vals[t]), ref) and (best is None or gain > best[4]):
                    best = (i, j, v, int(cand[t]), gain)
        return best

    def improve(self, chosen: list[int]) -> tuple[list[int], int]:
        """Borgatti's improvement loop, made to cross plateaus: repeat the
        first of these that applies, until none does (or ``max_moves``):

        1. the single swap (member ``u`` out, non-member ``v`` in) that
           improves the objective most;
        2. with a tie-break objective, among the single swaps that leave the
           objective unchanged, the one that improves the tie-break
           objective most;
        3. with pair moves, the exchange of two members for two non-members
           that improves the objective most.

        Each move raises (objective, tie-break objective) in lexicographic
        order, so the loop ends. Candidates for one ``u`` are scored in one
        call, together with ``u`` itself, so that comparisons are made on
        identical computations."""
        chosen = list(chosen)
        moves = 0
        while moves < self.max_moves:
            best, tied = self._single(chosen)
            if best is None and self.tie is not None:
                best = self._tie_break(chosen, tied)
            if best is not None:
                chosen[best[0]] = best[1]
                moves += 1
                continue
            if self.pairs and len(chosen) >= 2:
                pair = self._pair(chosen)
                if pair is not None:
                    i, j, v, w, _ = pair
                    chosen[i], chosen[j] = v, w
                    moves += 1
                    continue
            break
        return chosen, moves


def _restart(start: list[int], search: _Search) -> tuple[list[int], int, float]:
    """One random restart: the improvement loop from ``start``, its moves
    and the objective of the set it ends with."""
    cand, swaps = search.improve(start)
    return cand, swaps, search.obj.value(cand)


def _order(obj: _Objective, members: Sequence[int]) -> tuple[list[int], list[float]]:
    """The members in greedy order within the set, with the objective of
    each prefix: first the member that alone scores best, then the one that
    adds most to it, and so on."""
    left = list(members)
    order: list[int] = []
    prefix: list[float] = []
    while left:
        cand = np.array(sorted(left), dtype=np.int64)
        vals = obj.scores(order, cand)
        j = int(np.argmax(vals))
        order.append(int(cand[j]))
        prefix.append(float(vals[j]))
        left.remove(int(cand[j]))
    return order, prefix


# ---------------------------------------------------------------------------
# public API


@dataclass(frozen=True, eq=False)
class KeyPlayerResult:
    """A key-player set and how it compares with the top members by degree
    and by betweenness.

    Attributes
    ----------
    members : pandas.Index
        The member ids of the set, in greedy order within the set (first the
        member that alone scores best, then the one that adds most...).
    objective : str
        ``"fragmentation"``, ``"distance_fragmentation"`` or ``"reach"``.
    value : float
        The objective of the set (see ``netanalysis.keyplayers.kpp``).
    error : float
        Half-width of the confidence interval of a sampled value
        (``confidence`` of the call), 0 when exact.
    profile : pandas.Series
        The objective of the first ``i`` members, indexed by member id (for a
        sampled distance-weighted fragmentation: as estimated on the search
        sample, so its last entry may differ from ``value`` within the
        sampling error).
    comparison : pandas.DataFrame
        Rows ``"keyplayer"``, ``"degree"`` (top k by degree) and
        ``"betweenness"`` (top k by betweenness), columns ``value``,
        ``error`` and ``members`` (a list of ids); all on the same footing.
    swaps : int
        Number of moves (single swaps, tie-break swaps and pair moves) the
        improvement loop made after its start set (of the best run; 0 when
        the start set was kept).
    params : mapping
        The settings used (k, m, pool size, sources, restarts,
        ``"pair_moves"``, ``"tie_break"`` (the tie-break objective or
        None)...; for a distance-weighted fragmentation ``"eval_pairs"``,
        the number of pairs the reported value is estimated from, None when
        exact), the start set used (``"start"``), the run that gave the set
        (``"best_run"``, 0 for the run from the start set) and whether the
        start set was kept (``"kept_start"``).
    """

    members: pd.Index
    objective: str
    value: float
    error: float
    profile: pd.Series
    comparison: pd.DataFrame
    swaps: int
    params: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<KeyPlayerResult {self.objective}: k={len(self.members)}, "
                f"value={self.value:.6g}, members={list(self.members)}>")


def _check_objective(objective: str, m) -> None:
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, not {objective!r}")
    if m is not None:
        if objective != "reach":
            raise ValueError("m (m-reach) applies to objective='reach' only")
        if int(m) != m or m < 1:
            raise ValueError("m must be a positive integer")


def _exact_score(structure: _u.Structure, members: np.ndarray, objective: str, m,
                 eval_sample, confidence: float) -> tuple[float, float]:
    """The reported value of a set: exact, or sampled by the stated rule."""
    if objective == "fragmentation":
        return _Fragmentation(structure).value(members), 0.0
    if objective == "reach":
        return _Reach(structure, m).value(members), 0.0
    eff, err = _u.efficiency(structure, _u.removal_mask(structure.n, members), eval_sample, confidence)
    return 1.0 - eff, err


def key_player_score(graph: InteractionGraph, members, objective: str = "fragmentation",
                     *, m: int | None = None, error: float = 0.01,
                     confidence: float = 0.95, seed=0) -> tuple[float, float]:
    """The key-player objective of a given set of members.

    Parameters
    ----------
    graph : InteractionGraph
        Used through its undirected structure (see the module notes).
    members : sequence of member ids
        The set ``S`` (removed for the fragmentation measures, the reaching
        set for reach).
    objective : {"fragmentation", "distance_fragmentation", "reach"}
        ``F``, ``DF`` or ``DR`` (m-reach with ``m``) as defined in
        ``netanalysis.keyplayers.kpp``.
    m : int, optional
        For ``"reach"``: count members within ``m`` hops instead of
        weighting by ``1/d``.
    error, confidence : float
        Distance-weighted fragmentation only: estimate ``1 - DF`` (the
        efficiency of ``G - S``) from ``sample_size(error, confidence)``
        ordered pairs of remaining members drawn independently and
        uniformly (with ``seed``), each distance from a bidirectional
        search; exact (a search from every remaining member) when that is
        at least the number of remaining members (the default makes graphs
        of up to 18,445 members exact).
    seed : int, numpy Generator or None, default 0
        Keyword-only, as everywhere in the library: seeds the pair sample of
        a distance-weighted fragmentation (None: fresh entropy).

    Returns
    -------
    (value, error) : tuple of float
        The objective and the half-width of its confidence interval (0 when
        exact).

    Examples
    --------
    A path a - b - c - d - e: removing the middle member leaves two pairs of
    connected members among four remaining, ``F = 1 - 4/12``.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> path = sp.diags_array([1.0] * 4, offsets=1, shape=(5, 5))
    >>> g = InteractionGraph(path, list("abcde"))
    >>> key_player_score(g, ["c"])
    (0.666666..., 0.0)
    >>> key_player_score(g, ["c"], "reach")  # b, d at 1; a, e at 2
    (0.6, 0.0)
    >>> key_player_score(g, ["c"], "reach", m=1)
    (0.4, 0.0)
    """
    _check_objective(objective, m)
    s = _u.undirected(graph)
    idx = _u.positions(s.graph, members)
    rng = np.random.default_rng(seed)
    eval_sample = (_u.pair_sample(s.n, sample_size(error, confidence), rng)
                   if objective == "distance_fragmentation" else None)
    return _exact_score(s, idx, objective, m, eval_sample, confidence)


def key_player_set(graph: InteractionGraph, k: int, objective: str = "fragmentation",
                   *, seed=0, m: int | None = None, n_restarts: int | None = None,
                   pair_moves: bool | None = None, tie_break: bool = True,
                   max_swaps: int = 1000, candidates: int | None = None,
                   n_sources: int | None = None, error: float = 0.01,
                   confidence: float = 0.95, betweenness: pd.Series | None = None,
                   ) -> KeyPlayerResult:
    """The set of ``k`` members that fragments the network most (KPP-Neg) or
    reaches the most others (KPP-Pos), after Borgatti (2006).

    The objectives (fragmentation ``F``, distance-weighted fragmentation
    ``DF``, distance-weighted reach ``DR`` or m-reach) are defined in
    ``netanalysis.keyplayers.kpp``; all use the undirected structure of
    the graph, with distances in hops.

    Search (Borgatti's KeyPlayer procedure, which may start from any set,
    started from the best heuristic set, made to cross plateaus):

    1. start set: the greedy set (add, one at a time, the member that gives
       the best objective together with those already chosen, ties broken
       by the tie-break objective below), the top ``k`` by degree or the
       top ``k`` by betweenness, whichever has the best reported value (the
       greedy set on ties);
    2. improvement: repeat the first move that applies, until none does
       (or ``max_swaps`` moves):

       a. the single swap (member ``u`` of the set out, non-member ``v``
          in) that improves the objective most;
       b. with a tie-break objective, among the single swaps that leave the
          objective unchanged, the one that improves the tie-break
          objective most. For fragmentation it is the *lookahead*
          ``L(S) = max_w F(S + w)``, the fragmentation of the best set with
          one more member: on a plateau (no set within one swap cuts more,
          e.g. every single swap from a set that cuts nothing still cuts
          nothing) it leads to sets one member away from a cut. For m-reach
          it is the distance-weighted reach. Per base set at most 256 tied
          candidates are scored (the lowest positions; fewer on large
          graphs, about ``2e6 / (n + ties)`` but at least 8);
       c. with pair moves, the exchange of two members for two non-members
          that improves the objective most;

       each move raises (objective, tie-break) in lexicographic order, so
       the loop ends;
    3. ``n_restarts`` more runs of step 2 from random sets of the
       candidates (drawn with ``seed``); the best set wins (the first one on
       ties, ``params["best_run"]``);
    4. if the search ran on a sample of sources (distance-weighted
       fragmentation) and the result's reported value is below that of the
       start set, the start set is returned (``params["kept_start"]``).

    So the returned set is never worse, by the reported value, than the
    top-k by degree or by betweenness it is compared with.

    Defaults of the search effort: ``n_restarts`` is 8 on graphs of at
    most 200 members and 0 beyond; pair moves are tried when one pass of
    them, ``C(k, 2) (c - k)`` scoring calls over ``c`` candidates, costs at
    most ``4e6`` units (a unit is a node or stored tie of the undirected
    structure, times ``n`` for reach and distance-weighted fragmentation,
    whose calls search from every candidate or source), i.e. small graphs
    and small ``k``. On 51 graphs of 12 to 20 members (rings, lattices,
    trees, random, barbells, forum-like; ``k`` = 2 and 3,
    tests/test_keyplayers_kpp_search.py) the default search finds the
    optimum of all three objectives.

    Guarantees: when the search is exact (all objectives except a sampled
    distance-weighted fragmentation) the set is a local optimum for single
    swaps among the candidates (no exchange of one member for one candidate
    improves it), and for exchanges of two members when pair moves are on;
    with ``k = 1`` it is a global optimum of ``F`` and of reach. For reach,
    ``n DR(S) + k`` is a monotone submodular facility-location function, so
    the greedy start already scores at least ``1 - 1/e`` of the optimum of
    that function (Nemhauser, Wolsey & Fisher 1978) and moves only improve it.

    Computation: every step scores all candidates at once.

    * fragmentation: one depth-first search of ``G - S`` gives, from the
      articulation structure (low points), the component sizes after
      removing each remaining member: ``O(n + m)`` per step and per swap
      pass, exact, all members are candidates.
    * reach: a multi-source search gives ``d(S, j)``; the gain of each
      candidate comes from a breadth-first search pruned where ``S`` is at
      least as close (exact, parallel, all members are candidates).
    * distance-weighted fragmentation: one breadth-first search of ``G - S``
      per source member (parallel over sources) scores every candidate
      ``v``: removing ``v`` changes only the distances of the nodes it
      dominates in the source's shortest-path DAG, which are searched again
      (exact; same values as a search of ``G - S - v``). The
      candidates are a pool: every member when ``n <= 200``, otherwise the
      union of the top ``candidates`` members by degree and by betweenness
      (default ``max(2k, 20)``); the searches start from every member when
      ``n <= 500``, otherwise from ``n_sources`` (default 32) members drawn
      once with ``seed`` (common random numbers: every candidate is scored
      on the same sample). The *reported* value is recomputed with the rule
      of :func:`sample_size` (``error``, ``confidence``; sampled pairs of
      members, see :func:`key_player_score`): exact up to 18,445 members
      with the defaults.

    Inside :func:`netanalysis.distributed.use` the random restarts run as
    tasks on a Dask cluster, and large scoring calls of distance-weighted
    fragmentation (sources) and reach (candidates) in batches: the same set
    and values for a seed.

    Parameters
    ----------
    graph : InteractionGraph
    k : int
        Size of the set, ``1 <= k < n``.
    objective : {"fragmentation", "distance_fragmentation", "reach"}
    seed : int, numpy Generator or None, default 0
        Keyword-only. For random restarts and source samples; the result is deterministic
        given the seed (ties go to the member with the lower node position).
    m : int, optional
        With ``objective="reach"``: maximise m-reach instead of ``DR``.
    n_restarts : int, optional
        Extra runs of the improvement loop from random sets; by default 8
        when ``n <= 200``, else 0.
    pair_moves : bool, optional
        Try exchanges of two members for two non-members when no single
        swap improves the set; by default when cheap (see above).
    tie_break : bool, default True
        Break ties of fragmentation by the lookahead and of m-reach by the
        distance-weighted reach (in the greedy start and the swaps).
    max_swaps : int, default 1000
        Upper bound on moves per run.
    candidates, n_sources : int, optional
        Pool size and search sample size for distance-weighted
        fragmentation (see above).
    error, confidence : float
        The sampling rule for the reported distance-weighted fragmentation.
    betweenness : pandas.Series, optional
        Betweenness scores indexed by member id, if already computed (only
        their order is used: the comparison set and the candidate pool).
        By default ``netanalysis.betweenness`` of the undirected
        structure in hops, which on large graphs costs more than the
        fragmentation search itself.

    Returns
    -------
    KeyPlayerResult
        The set (member ids in greedy order), its objective value, the
        objective of each prefix, and the values of the top-k by degree and
        by betweenness for comparison.

    References
    ----------
    Borgatti, S. P. (2006). Identifying sets of key players in a social
    network. Computational and Mathematical Organization Theory 12, 21-34.
    Nemhauser, G. L., Wolsey, L. A., Fisher, M. L. (1978). An analysis of
    approximations for maximizing submodular set functions. Mathematical
    Programming 14, 265-294.

    Examples
    --------
    Two triangles joined through a broker ``x``: removing ``x`` splits the
    network, though ``x`` has fewer ties than the triangles' hubs.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> ids = ["a1", "a2", "a3", "x", "b1", "b2", "b3"]
    >>> ties = [(0, 1), (0, 2), (1, 2), (0, 3), (3, 4), (4, 5), (4, 6), (5, 6)]
    >>> rows, cols = zip(*ties)
    >>> g = InteractionGraph(sp.coo_array(([1.0] * 8, (rows, cols)), shape=(7, 7)), ids)
    >>> res = key_player_set(g, 1)
    >>> list(res.members), round(res.value, 4)  # 1 - (6 + 6) / (6 * 5)
    (['x'], 0.6)
    >>> res.comparison["value"].round(4).tolist()  # keyplayer, degree, betweenness
    [0.6, 0.5333, 0.6]
    >>> list(key_player_set(g, 2, "reach").members)
    ['a1', 'b1']
    """
    _check_objective(objective, m)
    s = _u.undirected(graph)
    n = s.n
    k = int(k)
    if not 1 <= k < n:
        raise ValueError(f"k must satisfy 1 <= k < n = {n}, got {k}")
    rng = np.random.default_rng(seed)
    # Separate streams: the evaluation sample does not depend on how many
    # restarts or search sources are used.
    eval_rng, search_rng, restart_rng = rng.spawn(3)

    degree = _u.degree_values(s)
    if betweenness is None:
        betweenness = _u.betweenness_values(s)
    else:
        betweenness = _u.aligned(s, betweenness, "betweenness")
    if n_sources is None:
        n_sources = n if n <= 500 else 32
    if objective == "fragmentation":
        obj: _Objective = _Fragmentation(s)
        pool = obj.pool
    elif objective == "reach":
        obj = _Reach(s, m)
        pool = obj.pool
    else:
        if n <= 200:
            pool = np.arange(n, dtype=np.int64)
        else:
            size = candidates if candidates is not None else max(2 * k, 20)
            pool = np.union1d(_top(degree, size), _top(betweenness, size)).astype(np.int64)
            if len(pool) < k:
                raise ValueError("candidate pool smaller than k; raise `candidates`")
    search_sources = None
    if objective == "distance_fragmentation":
        search_sources = _sources(n, n_sources, search_rng)
    if objective == "distance_fragmentation":
        obj = _DistanceFragmentation(s, pool, search_sources)
    tie: _Objective | None = None
    if tie_break and objective == "fragmentation":
        tie = _Lookahead(s)
    elif tie_break and objective == "reach" and m is not None:
        tie = _Reach(s, None)
    if n_restarts is None:
        n_restarts = _AUTO_RESTARTS if n <= _SMALL_N else 0
    if pair_moves is None:
        calls = math.comb(k, 2) * (len(pool) - k)
        unit = (n + s.indices.shape[0]) * (1 if objective == "fragmentation" else n)
        pair_moves = calls * unit <= _PAIR_BUDGET
    unit = n + s.indices.shape[0]
    if objective == "reach":
        unit *= n  # a reach scoring call searches from each candidate
    tie_cap = int(min(_TIE_CAP, max(_TIE_MIN, _TIE_BUDGET // unit)))
    search = _Search(obj, tie, bool(pair_moves), int(max_swaps), tie_cap)
    params: dict[str, Any] = {
        "k": k, "m": m, "n_restarts": int(n_restarts), "max_swaps": max_swaps, "n": n,
        "tie_break": {None: None, "fragmentation": "lookahead", "reach": "reach"}[
            None if tie is None else objective],
        "pair_moves": bool(pair_moves)}
    if objective == "distance_fragmentation":
        params["search_sources"] = n if search_sources is None else len(search_sources)
    if objective == "distance_fragmentation":
        params["pool"] = len(pool)

    eval_sample = None
    if objective == "distance_fragmentation":
        eval_sample = _u.pair_sample(n, sample_size(error, confidence), eval_rng)
        params["eval_pairs"] = None if eval_sample is None else eval_sample.size

    def reported(members) -> tuple[float, float]:
        return _exact_score(s, np.array(sorted(members), dtype=np.int64), objective, m,
                            eval_sample, confidence)

    # Start the swaps from the best of the greedy set and the two comparison
    # sets, judged by the reported value (the greedy set wins ties).
    starts = {"greedy": search.greedy(k), "degree": _top(degree, k).tolist(),
              "betweenness": _top(betweenness, k).tolist()}
    scored = {label: reported(members) for label, members in starts.items()}
    first = "greedy"
    for label in ("degree", "betweenness"):
        if scored[label][0] > scored[first][0]:
            first = label
    params["start"] = first
    best, best_swaps = search.improve(starts[first])
    best_val = obj.value(best)
    params["best_run"] = 0
    # The restart sets are drawn first, in order (nothing else draws from
    # restart_rng), so that the runs can go to a cluster as independent
    # pieces; the best is then chosen in run order either way.
    restarts = [restart_rng.choice(pool, size=k, replace=False).tolist()
                for _ in range(int(n_restarts))]
    session = _distributed.active()
    if session is not None and len(restarts) > 1:
        runs = session.map(_restart, restarts, session.scatter(search))
    else:
        runs = [_restart(start, search) for start in restarts]
    for run, (cand, swaps, val) in enumerate(runs, start=1):
        if _better(val, best_val):
            best, best_val, best_swaps = cand, val, swaps
            params["best_run"] = run

    ids = s.graph.node_ids
    rows = {}
    for label in ("degree", "betweenness"):
        members = np.array(starts[label], dtype=np.int64)
        rows[label] = {"value": scored[label][0], "error": scored[label][1],
                       "members": ids.take(members).tolist()}
    val, err = reported(best)
    # A sampled search objective can rank sets differently from the reported
    # value: if the swaps lost on the reported value, keep the start set.
    params["kept_start"] = bool(scored[first][0] > val)
    if params["kept_start"]:
        best, best_swaps = list(starts[first]), 0
        val, err = scored[first]
    order, prefix = _order(obj, best)
    rows = {"keyplayer": {"value": val, "error": err,
                          "members": ids.take(np.array(order, dtype=np.int64)).tolist()},
            **rows}
    comparison = pd.DataFrame.from_dict(rows, orient="index")
    prefix_values = prefix
    return KeyPlayerResult(
        members=ids.take(order),
        objective=objective,
        value=float(rows["keyplayer"]["value"]),
        error=float(rows["keyplayer"]["error"]),
        profile=pd.Series(prefix_values, index=ids.take(order), name=objective),
        comparison=comparison,
        swaps=best_swaps,
        params=params,
    )
