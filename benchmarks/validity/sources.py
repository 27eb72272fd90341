"""The sources of the validation suite, grouped in families, and its conditions.

A *source* is one forum with a known truth (``member_id, role, key_actor``);
a *family* is the set of sources made by one mechanism: one forum model
(every preset and difficulty of :mod:`synthetic` is one family, since they
share one mechanism), or the real Stack Exchange sites. Parameters are
chosen on families and reported on the family left out (``run.py``).

Families
--------
``synthetic``
    :func:`synthetic.generate_forum`, presets forum-b, forum-c, forum-d at
    the three difficulties and forum-a at realistic and hard.
``alt``
    ``benchmarks/alt_forum.py``: an event-driven day-by-day model.
``career``, ``helpdesk``, ``welcome``, ``megathread``
    ``benchmarks/validity/models/``: four more models written from the
    domain notes by different mechanisms, sharing no code with the others.
``stackexchange``
    The real sites of ``shared/data/stackexchange`` read by
    :func:`netanalysis.read_stackexchange`; truth from
    ``benchmarks/validity/real_sources.py`` (moderators and high-confidence
    staff with at least three posts or comments).

Conditions
----------
``full``
    All metadata as the source gives it.
``blind``
    No ``status``, ``rank_level``, ``is_staff``, ``category`` nor
    ``min_rank`` (as in a crawl, or a seized database without those tables).
``partial``
    Blind, and half of the posts removed at random
    (:func:`netanalysis.subsample`, seed ``1000 + source seed``).
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (ROOT, ROOT / "benchmarks", HERE, HERE / "models"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import netanalysis as na  # noqa: E402

CONDITIONS = ("full", "blind", "partial")
#: Share of posts removed in the partial condition.
PARTIAL_REMOVED = 0.5
#: Metadata removed in the blind and partial conditions.
BLIND_COLUMNS = {"members": ("status", "rank_level", "is_staff"), "subforums": ("category", "min_rank")}
#: Seeds of the generated families.
SEEDS = (0, 1)
GENERATED = ("synthetic", "alt", "career", "helpdesk", "welcome", "megathread")
FAMILIES = GENERATED + ("stackexchange",)


@dataclass(frozen=True)
class Source:
    family: str
    name: str
    seed: int
    make: Callable[[], tuple]           # -> (forum, truth)

    @property
    def real(self) -> bool:
        return self.family == "stackexchange"


def _synthetic_sources(seeds):
    import synthetic

    cases = [(p, d) for p in ("forum-b", "forum-c", "forum-d") for d in ("easy", "realistic", "hard")]
    cases += [("forum-a", "realistic"), ("forum-a", "hard")]
    for preset, difficulty in cases:
        for seed in seeds:
            yield Source("synthetic", f"{preset}/{difficulty}", seed,
                         lambda p=preset, d=difficulty, s=seed: synthetic.generate_forum(p, seed=s, difficulty=d))


def _alt_sources(seeds):
    from alt_forum import alt_forum

    for seed in seeds:
        yield Source("alt", "alt", seed, lambda s=seed: alt_forum(seed=s))


def _model_sources(name, seeds):
    try:
        mod = importlib.import_module(name)
    except ImportError as exc:          # a model not written yet is reported, not hidden
        print(f"model {name} not available: {exc}", file=sys.stderr)
        return
    for seed in seeds:
        def make(s=seed):
            tables, truth = mod.generate(seed=s)
            return na.read_forum(tables), truth
        yield Source(name, name, seed, make)


def _real_sources():
    try:
        from real_sources import stackexchange_sources
    except ImportError as exc:
        print(f"real sources not available: {exc}", file=sys.stderr)
        return
    cache = {}

    def load():
        if not cache:
            cache.update({name: (forum, truth) for name, forum, truth in stackexchange_sources()})
        return cache

    try:
        names = [name for name, *_ in stackexchange_sources()]
    except FileNotFoundError as exc:
        print(f"real sources not available: {exc}", file=sys.stderr)
        return
    for name in names:
        yield Source("stackexchange", name, 0, lambda n=name: load()[n])


def sources(families=FAMILIES, seeds=SEEDS) -> list[Source]:
    out = []
    for family in families:
        if family == "synthetic":
            out += _synthetic_sources(seeds)
        elif family == "alt":
            out += _alt_sources(seeds)
        elif family == "stackexchange":
            out += _real_sources()
        else:
            out += _model_sources(family, seeds)
    return out


def blind(forum):
    """The forum without ranks, statuses, staff flags, categories and access levels."""
    tables = forum.tables()
    for table, cols in BLIND_COLUMNS.items():
        t = tables[table].copy()
        for c in cols:
            t[c] = pd.Series(pd.NA, index=t.index, dtype=t[c].dtype)
        tables[table] = t
    return na.read_forum(tables)


def condition(forum, name: str, seed: int):
    if name == "full":
        return forum
    b = blind(forum)
    if name == "blind":
        return b
    if name == "partial":
        return na.subsample(b, PARTIAL_REMOVED, seed=1000 + seed)
    raise ValueError(f"unknown condition {name!r}")
