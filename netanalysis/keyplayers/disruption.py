"""Disruption simulation: remove members step by step, by several
strategies, and measure what is left of the network after each step.

Duijn, Kashirin & Sloot (2014) showed that removing actors can leave a
criminal network *more* resilient, so strategies must be compared, not
assumed: every strategy here is measured at the same removal counts with the
same measures, in one tidy table.

Measures, on the undirected structure of the graph (members tied when
either wrote to the other; weights and self-loops ignored, distances in
hops), after removing ``c`` of the ``N`` members, ``n = N - c`` left:

* ``lcc_share``: size of the largest component divided by the *original*
  ``N`` (so curves of different strategies share one scale; 0 when no
  member is left);
* ``n_components``: number of components of the remaining graph, isolated
  members included;
* ``fragmentation``: Borgatti's ``F = 1 - sum_c s_c (s_c - 1) / (n (n - 1))``
  on the remaining graph (``n`` = remaining members), 1 when ``n < 2``;
* ``efficiency``: Latora & Marchiori's global efficiency of the remaining
  graph, ``E = sum_{i != j} (1 / d_ij) / (n (n - 1))`` (0 when ``n < 2``;
  ``1 - E`` is Borgatti's distance-weighted fragmentation). Exact (a
  breadth-first search from every remaining member, parallel) when the
  sample size rule :func:`~netanalysis.keyplayers.kpp.sample_size` asks for
  at least ``n`` draws; otherwise the mean of ``1 / d_ij`` over that many
  ordered pairs of distinct remaining members, drawn independently and
  uniformly (with the seed), each distance from a bidirectional
  breadth-first search that stops where the two balls meet. The pairs are
  drawn once for all strategies and steps: a pair changes only when one of
  its members is removed (see ``_undirected.PairSample``), so strategies and steps
  are compared on common random numbers. The column ``efficiency_error``
  gives the Hoeffding half-width at the chosen confidence,
  ``sqrt(ln(2 / (1 - confidence)) / (2 s))`` for ``s`` pairs (0 when
  exact).

References
----------
Borgatti, S. P. (2006). Identifying sets of key players in a social network.
Computational and Mathematical Organization Theory 12, 21-34.
Latora, V., Marchiori, M. (2001). Efficient behavior of small-world
networks. Physical Review Letters 87(19), 198701.
Duijn, P. A. C., Kashirin, V., Sloot, P. M. A. (2014). The relative
ineffectiveness of criminal network disruption. Scientific Reports 4, 4238.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import distributed as _distributed
from ..graphs import InteractionGraph
from . import _kpp_kernels as _k
from . import _undirected as _u
from .kpp import key_player_set, sample_size

__all__ = ["disrupt", "STRATEGIES", "MEASURES"]

STRATEGIES = ("random", "degree", "betweenness", "betweenness-recomputed", "role", "keyplayer")
MEASURES = ("lcc_share", "n_components", "fragmentation", "efficiency")
DEFAULT_ROLE_TIERS = (("admin", "technical"), ("moderator",))


# ---------------------------------------------------------------------------
# removal counts


def _removal_counts(steps, n: int) -> np.ndarray:
    """Sorted distinct removal counts, always starting with 0 (the intact
    network)."""
    if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool):
        if not 0 <= steps <= n:
            raise ValueError(f"steps must lie in [0, n = {n}], got {steps}")
        return np.arange(int(steps) + 1)
    values = np.asarray(list(steps))
    if values.size == 0:
        raise ValueError("steps is empty")
    if values.dtype.kind == "f":
        if ((values < 0) | (values > 1)).any():
            raise ValueError("fractions in steps must lie in [0, 1]")
        counts = np.rint(values * n).astype(np.int64)
    elif values.dtype.kind in "iu":
        counts = values.astype(np.int64)
        if ((counts < 0) | (counts > n)).any():
            raise ValueError(f"removal counts must lie in [0, n = {n}]")
    else:
        raise TypeError("steps must be an int, removal counts (ints) or fractions (floats)")
    return np.unique(np.concatenate(([0], counts)))


# ---------------------------------------------------------------------------
# removal orders (node positions)


def _ranked(values: np.ndarray) -> np.ndarray:
    """Positions by decreasing value; ties go to the lower position."""
    return np.argsort(-values, kind="stable").astype(np.int64)


def _role_order(structure: _u.Structure, roles: pd.Series, degree: np.ndarray,
                tiers: Sequence[Sequence[str]]) -> np.ndarray:
    if not isinstance(roles, pd.Series):
        raise TypeError("roles must be a pandas Series of role labels indexed by member id")
    labels = roles.reindex(structure.graph.node_ids)
    tier = np.full(structure.n, len(tiers), dtype=np.int64)
    lowered = labels.astype("string").str.lower().to_numpy(dtype=object, na_value=None)
    for t in range(len(tiers) - 1, -1, -1):
        wanted = {str(x).lower() for x in tiers[t]}
        hit = np.array([x in wanted for x in lowered], dtype=bool)
        tier[hit] = t
    # lexsort: last key is primary; ties by position
    return np.lexsort((np.arange(structure.n), -degree, tier)).astype(np.int64)


def _recomputed_betweenness_order(structure: _u.Structure, n_remove: int) -> np.ndarray:
    """Remove the member of highest betweenness, recompute, repeat.

    A member's betweenness counts only pairs of its own component, so after
    a removal only the pieces of the component that lost the member change:
    betweenness is recomputed on the subgraph they induce (raw pair counts,
    exact) and kept elsewhere."""
    n = structure.n
    bc = _u.betweenness_values(structure)
    removed = np.zeros(n, dtype=np.bool_)
    order = np.empty(n_remove, dtype=np.int64)
    graph = structure.graph
    for step in range(n_remove):
        masked = np.where(removed, -np.inf, bc)
        v = int(np.argmax(masked))
        order[step] = v
        removed[v] = True
        neigh = structure.indices[structure.indptr[v]:structure.indptr[v + 1]].astype(np.int64)
        nodes = np.sort(_k._component_of(structure.indptr, structure.indices, removed, neigh))
        if len(nodes) > 2:
            sub = _u.undirected(graph.subgraph(np.isin(np.arange(n), nodes)))
            bc[nodes] = _u.betweenness_values(sub)
        else:
            bc[nodes] = 0.0
    return order


# ---------------------------------------------------------------------------
# measuring one removal order


def _measure(structure: _u.Structure, order: np.ndarray, counts: np.ndarray,
             sample: _u.PairSample | None, confidence: float) -> dict[str, np.ndarray]:
    n = structure.n
    top = int(counts[-1])
    largest, n_comp, pairs = _k._removal_profile(structure.indptr, structure.indices,
                                                 order[:top].astype(np.int64), top)
    left = n - counts
    with np.errstate(invalid="ignore", divide="ignore"):
        frag = np.where(left >= 2, 1.0 - pairs[counts] / (left * (left - 1.0)), 1.0)
    eff = np.empty(len(counts))
    eff_err = np.empty(len(counts))
    removed = np.zeros(n, dtype=np.bool_)
    done = 0
    for i, c in enumerate(counts):
        removed[order[done:c]] = True
        done = c
        eff[i], eff_err[i] = _u.efficiency(structure, removed, sample, confidence)
    return {
        "lcc_share": largest[counts] / n if n else np.zeros(len(counts)),
        "n_components": n_comp[counts].astype(np.float64),
        "fragmentation": frag,
        "efficiency": eff,
        "efficiency_error": eff_err,
    }


def _rows(label: str, counts: np.ndarray, n: int, runs: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    table = {
        "strategy": label,
        "step": np.arange(len(counts)),
        "removed": counts,
        "fraction_removed": counts / n,
        "repeats": len(runs),
    }
    for name in MEASURES:
        values = np.vstack([r[name] for r in runs])
        table[name] = values.mean(axis=0)
        table[f"{name}_std"] = values.std(axis=0, ddof=1) if len(runs) > 1 else np.zeros(len(counts))
        table[f"{name}_q05"] = np.quantile(values, 0.05, axis=0)
        table[f"{name}_q95"] = np.quantile(values, 0.95, axis=0)
    table["efficiency_error"] = np.vstack([r["efficiency_error"] for r in runs]).max(axis=0)
    return pd.DataFrame(table)


def _strategy_specs(strategies) -> list[tuple[str, object]]:
    """(label, spec) pairs: spec is a strategy name or a list of member ids."""
    if isinstance(strategies, str):
        return [(strategies, strategies)]
    if isinstance(strategies, Mapping):
        return [(str(label), spec) for label, spec in strategies.items()]
    specs: list[tuple[str, object]] = []
    n_custom = 0
    for spec in strategies:
        if isinstance(spec, str):
            specs.append((spec, spec))
        else:
            n_custom += 1
            specs.append((f"order_{n_custom}", list(spec)))
    labels = [label for label, _ in specs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"strategy labels repeat: {labels}")
    return specs


def disrupt(graph: InteractionGraph, strategies=("random", "degree", "betweenness"),
            steps=10, *, seed=0, repeats: int = 20, roles: pd.Series | None = None,
            role_tiers: Sequence[Sequence[str]] = DEFAULT_ROLE_TIERS,
            keyplayer_objective: str = "fragmentation",
            betweenness: pd.Series | None = None,
            efficiency_error: float = 0.05, confidence: float = 0.95) -> pd.DataFrame:
    """Remove members step by step by each strategy and measure the
    remaining network after each step.

    Measures (``lcc_share``, ``n_components``, ``fragmentation``,
    ``efficiency``) are defined in ``netanalysis.keyplayers.disruption``;
    all work on the undirected structure of the graph.

    Parameters
    ----------
    graph : InteractionGraph
    strategies : str, sequence or mapping
        Each item is a strategy name or a removal order (a list of member
        ids, labelled ``order_1``, ``order_2``...); a mapping gives labels
        of one's own. Names:

        * ``"random"``: uniformly random orders, ``repeats`` of them (seeded);
          the row holds the mean over repeats, with ``_std`` (sample standard
          deviation) and ``_q05`` / ``_q95`` (quantiles) columns.
        * ``"degree"``: by decreasing degree (distinct neighbours), computed
          once.
        * ``"betweenness"``: by decreasing betweenness (hops), computed once.
        * ``"betweenness-recomputed"``: the member of highest betweenness in
          the remaining graph, recomputed after each removal on the
          component that changed only (exact, see the code notes).
        * ``"role"``: members whose label in ``roles`` is in the first tier of
          ``role_tiers`` (default admin and technical), then the next tier
          (moderator), then everyone else; by decreasing degree within a
          tier. Labels compare case-insensitively.
        * ``"keyplayer"``: the order of :func:`key_player_set` with
          ``k`` = the largest removal count (``keyplayer_objective``, same
          seed), followed by the rest by degree if ``k`` reaches ``n - 1``.

        Ties go to the member with the lower node position.
    steps : int or sequence
        An int ``s``: every removal count ``0, 1, ..., s``. A sequence of
        ints: those removal counts; of floats in [0, 1]: those fractions of
        the members (rounded). The intact network (0) is always included.
    seed : int, numpy Generator or None, default 0
        Keyword-only. Seeds the random orders, the efficiency sample and the key-player
        search; same seed, same table.
    repeats : int, default 20
        Random orders for ``"random"``.
    roles : pandas.Series, optional
        Role label per member id, required by ``"role"``.
    role_tiers : sequence of sequences of str
        Which labels come first, second...
    keyplayer_objective : str
        Objective of the ``"keyplayer"`` order.
    betweenness : pandas.Series, optional
        Precomputed betweenness for ``"betweenness"`` (and the key-player
        comparison); computed on the undirected structure otherwise.
    efficiency_error, confidence : float
        Sample size rule for efficiency: ``sample_size(efficiency_error,
        confidence)`` pairs of members (738 with the defaults), exact when
        that is at least the number of remaining members.

    Returns
    -------
    pandas.DataFrame
        One row per strategy and removal count: ``strategy``, ``step``,
        ``removed``, ``fraction_removed``, ``repeats``, each measure with its
        ``_std``, ``_q05`` and ``_q95`` (std 0 and quantiles equal to the
        value for the deterministic strategies), and ``efficiency_error``.
        ``df.attrs["orders"]`` holds, per deterministic strategy, the member
        ids in removal order (as far as the largest removal count);
        ``df.attrs["efficiency_pairs"]`` the number of pairs a sampled
        efficiency is estimated from (None when every value is exact).

    Notes
    -----
    Inside :func:`netanalysis.distributed.use` each deterministic strategy
    and each random repeat is a task on a Dask cluster (the ``"keyplayer"``
    strategies, which draw in turn from one stream, share one): the same
    table for a seed.

    References
    ----------
    Duijn, Kashirin & Sloot (2014), Scientific Reports 4, 4238; Borgatti
    (2006); Latora & Marchiori (2001).

    Examples
    --------
    A star with centre ``c`` and a pendant path: removing the centre first
    leaves isolated members.

    >>> import scipy.sparse as sp
    >>> from netanalysis.graphs import InteractionGraph
    >>> ties = [(0, 1), (0, 2), (0, 3), (0, 4), (4, 5)]
    >>> rows, cols = zip(*ties)
    >>> g = InteractionGraph(sp.coo_array(([1.0] * 5, (rows, cols)), shape=(6, 6)),
    ...                      ["c", "a", "b", "d", "e", "f"])
    >>> df = disrupt(g, ["degree", ["f", "e"]], steps=2)
    >>> df[["strategy", "removed", "lcc_share", "n_components", "fragmentation"]]
      strategy  removed  lcc_share  n_components  fragmentation
    0   degree        0   1.000000           1.0            0.0
    1   degree        1   0.333333           4.0            0.9
    2   degree        2   0.166667           4.0            1.0
    3  order_1        0   1.000000           1.0            0.0
    4  order_1        1   0.833333           1.0            0.0
    5  order_1        2   0.666667           1.0            0.0
    >>> df.attrs["orders"]["degree"]
    ['c', 'e']
    """
    s = _u.undirected(graph)
    n = s.n
    if n == 0:
        raise ValueError("the graph has no members")
    counts = _removal_counts(steps, n)
    top = int(counts[-1])
    specs = _strategy_specs(strategies)
    rng = np.random.default_rng(seed)
    sample_rng, random_rng, kp_seed = rng.spawn(3)
    sample = _u.pair_sample(n, sample_size(efficiency_error, confidence), sample_rng)
    plan = _Plan(s, counts, sample, confidence, betweenness, roles, role_tiers,
                 keyplayer_objective, kp_seed)

    session = _distributed.active()
    if session is not None:
        ran = _run_on_cluster(session, plan, specs, random_rng, repeats)
    else:
        ran = []
        for label, spec in specs:
            if isinstance(spec, str) and spec == "random":
                runs = [_random_run(plan, r) for r in _repeat_streams(random_rng, repeats)]
                ran.append((label, None, runs))
            else:
                order, runs = _strategy_run(plan, label, spec)
                ran.append((label, order, runs))
    tables = []
    orders: dict[str, list] = {}
    for label, order, runs in ran:
        if order is not None:
            orders[label] = s.graph.node_ids.take(order).tolist()
        tables.append(_rows(label, counts, n, runs))
    df = pd.concat(tables, ignore_index=True)
    df.attrs["orders"] = orders
    df.attrs["efficiency_pairs"] = None if sample is None else sample.size
    return df


# ---------------------------------------------------------------------------
# the pieces of a simulation: each deterministic strategy and each random
# repeat is measured on its own, in this process or on a cluster


@dataclass(frozen=True, eq=False)
class _Plan:
    """What every piece of one :func:`disrupt` call shares."""

    s: _u.Structure
    counts: np.ndarray
    sample: _u.PairSample | None
    confidence: float
    betweenness: pd.Series | None
    roles: pd.Series | None
    role_tiers: Sequence[Sequence[str]]
    keyplayer_objective: str
    kp_seed: np.random.Generator  # advanced by each "keyplayer" strategy in turn

    @property
    def top(self) -> int:
        return int(self.counts[-1])


def _repeat_streams(random_rng: np.random.Generator, repeats: int) -> list:
    streams = random_rng.spawn(int(repeats))
    if not streams:
        raise ValueError("repeats must be at least 1")
    return streams


def _random_run(plan: _Plan, stream: np.random.Generator) -> dict[str, np.ndarray]:
    """One random repeat: a uniformly random order, measured."""
    return _measure(plan.s, stream.permutation(plan.s.n), plan.counts, plan.sample,
                    plan.confidence)


def _order_for(plan: _Plan, label: str, spec) -> np.ndarray:
    """The removal order (node positions) of a deterministic strategy."""
    s, top = plan.s, plan.top
    if not isinstance(spec, str):
        order = _u.positions(s.graph, spec)
        if len(order) < top:
            raise ValueError(f"strategy {label!r} orders {len(order)} members "
                             f"but {top} removals are asked for")
        return order
    if spec == "degree":
        return _ranked(_u.degree_values(s))
    if spec == "betweenness":
        values = (_u.betweenness_values(s) if plan.betweenness is None
                  else _u.aligned(s, plan.betweenness, "betweenness"))
        return _ranked(values)
    if spec == "betweenness-recomputed":
        return _recomputed_betweenness_order(s, top)
    if spec == "role":
        if plan.roles is None:
            raise ValueError("strategy 'role' needs roles= (a Series of role labels)")
        return _role_order(s, plan.roles, _u.degree_values(s), plan.role_tiers)
    if spec == "keyplayer":
        k = min(top, s.n - 2)
        head = np.empty(0, dtype=np.int64)
        if k >= 1:
            res = key_player_set(s.graph, k, plan.keyplayer_objective, seed=plan.kp_seed,
                                 betweenness=plan.betweenness)
            head = _u.positions(s.graph, res.members)
        rest = _ranked(_u.degree_values(s))
        return np.concatenate((head, rest[~np.isin(rest, head)]))
    raise ValueError(f"unknown strategy {spec!r}; choose from {STRATEGIES} "
                     "or give a list of member ids")


def _strategy_run(plan: _Plan, label: str, spec) -> tuple[np.ndarray, list[dict]]:
    """A deterministic strategy: its order (as far as the largest removal
    count) and its one measured run."""
    order = _order_for(plan, label, spec)
    return order[:plan.top], [_measure(plan.s, order, plan.counts, plan.sample, plan.confidence)]


def _piece(piece, plan: _Plan):
    """One task: a random repeat (``("random", stream)``) or deterministic
    strategies in turn (``("orders", [(label, spec), ...])``)."""
    kind, payload = piece
    if kind == "random":
        return _random_run(plan, payload)
    return [_strategy_run(plan, label, spec) for label, spec in payload]


def _run_on_cluster(session, plan: _Plan, specs, random_rng, repeats):
    """The pieces of :func:`disrupt` as tasks, combined in strategy order.

    The random streams are spawned here in the order the strategies come,
    as in one process. The "keyplayer" strategies draw in turn from one
    generator, so they share one task and keep their order."""
    pieces: list[tuple[str, Any]] = []
    slots = []  # per strategy: (label, piece positions) or (label, (piece, position))
    keyplayer_piece = None
    for label, spec in specs:
        if isinstance(spec, str) and spec == "random":
            streams = _repeat_streams(random_rng, repeats)
            slots.append((label, list(range(len(pieces), len(pieces) + len(streams)))))
            pieces.extend(("random", r) for r in streams)
            continue
        if isinstance(spec, str) and spec == "keyplayer":
            if keyplayer_piece is None:
                keyplayer_piece = len(pieces)
                pieces.append(("orders", []))
            group = pieces[keyplayer_piece][1]
            slots.append((label, (keyplayer_piece, len(group))))
            group.append((label, spec))
            continue
        slots.append((label, (len(pieces), 0)))
        pieces.append(("orders", [(label, spec)]))
    results = session.map(_piece, pieces, session.scatter(plan))
    ran = []
    for label, where in slots:
        if isinstance(where, list):
            ran.append((label, None, [results[i] for i in where]))
        else:
            order, runs = results[where[0]][where[1]]
            ran.append((label, order, runs))
    return ran
