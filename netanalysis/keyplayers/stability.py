"""Stability of rankings under missing data.

Real forum data are partial: crawls miss posts, seized databases miss
tables. :func:`stability` removes a random share of the data, recomputes
every ranking, and compares it with the ranking on the full data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .. import distributed as _distributed
from ..forum import Forum
from ..forum.slicing import subsample
from ..graphs import reply_graph

__all__ = ["stability", "DEFAULT_MEASURES"]

#: Measures compared by default (columns of :func:`netanalysis.measures`).
DEFAULT_MEASURES = ("in_degree", "out_degree", "in_strength", "pagerank", "betweenness", "harmonic", "coreness")


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman correlation over the members present in both rankings."""
    common = a.index.intersection(b.index)
    if len(common) < 3:
        return np.nan
    x, y = a.loc[common].rank(), b.loc[common].rank()
    if x.nunique() < 2 or y.nunique() < 2:
        return np.nan
    return float(np.corrcoef(x.to_numpy(), y.to_numpy())[0, 1])


def _top(s: pd.Series, k: int) -> set:
    order = np.lexsort((np.arange(len(s)), -s.to_numpy()))
    return set(s.index[order[:k]])


def _rankings(forum: Forum, measures, build_graph, with_key_actors: bool, top: int) -> dict[str, pd.Series]:
    from ..measures import centrality

    g = build_graph(forum)
    panel = centrality(g, measures=list(measures))
    out = {m: panel[m] for m in measures}
    if with_key_actors:
        from .key_actors import key_actors

        ranked = key_actors(forum, top=len(forum.members), graph=g, stability_repeats=0)
        out["key_actors"] = pd.Series(ranked["score"].to_numpy(), index=ranked["member_id"].to_numpy())
    return out


@dataclass(frozen=True, eq=False)
class _Plan:
    """What every resample of one :func:`stability` call shares."""

    forum: Forum
    fraction: float
    by: str
    measures: tuple
    build: Callable
    key_actors: bool
    top: int
    full: dict
    tops: dict


def _resample(child: int, plan: _Plan) -> list[dict]:
    """One repeat: the rankings of a subsample (seeded by ``child``)
    compared with those of the full data."""
    part = subsample(plan.forum, plan.fraction, by=plan.by, seed=child)
    ranks = _rankings(part, plan.measures, plan.build, plan.key_actors, plan.top)
    return [{
        "ranking": name,
        "spearman": _spearman(plan.full[name], s),
        "top_overlap": len(plan.tops[name] & _top(s, plan.top)) / max(len(plan.tops[name]), 1),
    } for name, s in ranks.items()]


def stability(
    forum: Forum,
    fraction: float = 0.5,
    repeats: int = 20,
    *,
    seed=0,
    by: str = "posts",
    measures=DEFAULT_MEASURES,
    key_actors: bool = True,
    top: int = 20,
    graph=None,
) -> pd.DataFrame:
    """How much rankings change when a share of the data is missing.

    Each of ``repeats`` times, ``fraction`` of the posts (or of the threads
    or members, see :func:`netanalysis.subsample`) is removed at
    random, the graph and every ranking are recomputed, and each ranking is
    compared with the one on the full forum by

    * ``spearman``: Spearman rank correlation over the members present in
      both graphs;
    * ``top_overlap``: the share of the full data's top ``top`` members that
      are again in the top ``top``.

    Parameters
    ----------
    forum : Forum
    fraction : float in [0, 1)
        Share removed in each repeat.
    repeats : int
    seed : int, numpy Generator or None, default 0
        Keyword-only; seeds the subsamples (same seed, same table).
    by : {"posts", "threads", "members"}
    measures : sequence of str
        Columns of the centrality panel to compare.
    key_actors : bool
        Also compare the :func:`~netanalysis.key_actors` score.
    top : int
        Length of the top list of ``top_overlap``.
    graph : callable, optional
        ``graph(forum) -> InteractionGraph``; the reply graph by default.

    Returns
    -------
    DataFrame
        Indexed by ranking (the measures, then ``key_actors``), with the mean,
        standard deviation and minimum of ``spearman`` and ``top_overlap``
        over the repeats.

    Notes
    -----
    Inside :func:`netanalysis.distributed.use` each resample is a task on a
    Dask cluster (the forum sent to every worker once): the same table for
    a seed.

    Examples
    --------
    >>> import synthetic
    >>> forum, _ = synthetic.generate_forum("tiny", seed=2)
    >>> s = stability(forum, 0.3, repeats=2, seed=0, measures=("in_degree", "pagerank"), key_actors=False)
    >>> list(s.index), list(s.columns)
    (['in_degree', 'pagerank'], ['spearman_mean', 'spearman_std', 'spearman_min', 'top_overlap_mean', 'top_overlap_std', 'top_overlap_min'])
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats!r}")
    build = graph if graph is not None else (lambda f: reply_graph(f))
    full = _rankings(forum, measures, build, key_actors, top)
    tops = {name: _top(s, top) for name, s in full.items()}
    rng = np.random.default_rng(seed)
    children = [int(child) for child in rng.integers(0, 2**63 - 1, size=repeats)]
    plan = _Plan(forum, fraction, by, tuple(measures), build, key_actors, top, full, tops)
    session = _distributed.active()
    if session is not None:
        # each resample a task on the cluster; the rows joined in repeat order
        resampled = session.map(_resample, children, session.scatter(plan))
    else:
        resampled = [_resample(child, plan) for child in children]
    df = pd.DataFrame([row for rows in resampled for row in rows])
    agg = df.groupby("ranking", sort=False).agg(
        spearman_mean=("spearman", "mean"), spearman_std=("spearman", "std"), spearman_min=("spearman", "min"),
        top_overlap_mean=("top_overlap", "mean"), top_overlap_std=("top_overlap", "std"),
        top_overlap_min=("top_overlap", "min"),
    )
    agg.index.name = None
    return agg
