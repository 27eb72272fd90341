"""Several synthetic fora that share a known set of members.

Fora cooperate and advertise each other, and some members are active in
several of them. :func:`generate_fora` makes ``n`` independent fora (each
:func:`~synthetic.generate_forum` with its own seed) and then gives
``shared`` posting members of each forum one common identity: the
``j``-th chosen member of every forum gets the member id ``s0000 + j``,
so the same person carries the same id (nickname) in every forum, which is
what :func:`netanalysis.graphs.multiforum.link_forums` links on. Every
other member gets an id of its own forum (``a0017`` in forum ``A``), so no
two fora share an id by accident.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.forum import Forum, read_forum

from .generate import generate_tables

__all__ = ["generate_fora", "SHARED_PREFIX"]

#: Prefix of the ids of the shared members (``s0000``, ``s0001``...).
SHARED_PREFIX = "s"


def _names(n: int) -> list[str]:
    if not 2 <= n <= 26:
        raise ValueError(f"n must be between 2 and 26 fora, not {n!r}")
    return [chr(ord("A") + k) for k in range(n)]


def _relabel(tables: dict[str, pd.DataFrame], truth: pd.DataFrame, mapping: pd.Series) -> None:
    text = pd.StringDtype("python")

    def swap(s: pd.Series) -> pd.Series:
        return pd.Series(mapping.reindex(s.astype("int64").to_numpy()).to_numpy(), index=s.index, dtype=text)

    tables["members"] = tables["members"].assign(member_id=swap(tables["members"]["member_id"]))
    tables["posts"] = tables["posts"].assign(author_id=swap(tables["posts"]["author_id"]))
    threads = tables["threads"]
    tables["threads"] = threads.assign(author_id=swap(threads["author_id"]))
    messages = tables["messages"]
    tables["messages"] = messages.assign(sender_id=swap(messages["sender_id"]),
                                         recipient_id=swap(messages["recipient_id"]))
    truth["member_id"] = swap(truth["member_id"])


def generate_fora(n: int = 2, *, seed: int = 0, shared: int = 10, preset="tiny",
                  **overrides) -> tuple[dict[str, Forum], pd.DataFrame]:
    """``n`` synthetic fora sharing ``shared`` members, and the truth.

    Parameters
    ----------
    n : int, default 2
        Number of fora (2 to 26), named ``"A"``, ``"B"``...
    seed : int, default 0
        Seeds each forum (from ``numpy.random.SeedSequence(seed)``) and the
        choice of the shared members: the same seed gives the same fora.
    shared : int, default 10
        Members present in every forum: in each forum, that many members
        with at least one post are drawn at random and given the shared
        ids. Must not exceed any forum's posting members.
    preset : str or ForumParams, default "tiny"
        The preset of every forum (see :func:`~synthetic.generate_forum`).
    **overrides
        Parameters of every forum (``n_posts=...``).

    Returns
    -------
    fora : dict of str to Forum
        By name. Member ids are text: ``s0000``.. for the shared members,
        ``a0001``.. (the forum's letter and its generator id) for the rest.
    truth : DataFrame
        The shared members, one row per member per forum: ``member_id``
        (the shared id), ``forum``, ``generated_id`` (the id the forum's
        generator gave it), ``role``, ``key_actor`` (the true role in that
        forum) and ``posts``; by member id, then forum.

    Examples
    --------
    >>> fora, truth = generate_fora(2, seed=0, shared=5)
    >>> sorted(fora), truth["member_id"].nunique(), len(truth)
    (['A', 'B'], 5, 10)
    >>> bool((truth["posts"] > 0).all())
    True
    """
    names = _names(n)
    if isinstance(shared, bool) or not isinstance(shared, (int, np.integer)) or shared < 0:
        raise ValueError(f"shared must be a whole number of members of at least 0, not {shared!r}")
    seeds = np.random.SeedSequence(seed).generate_state(n + 1).tolist()
    pick = np.random.default_rng(seeds[-1])
    fora, rows = {}, []
    for k, name in enumerate(names):
        tables, truth = generate_tables(preset, seed=int(seeds[k]), **overrides)
        posts = tables["posts"]["author_id"].value_counts()
        posting = np.sort(posts.index.to_numpy(dtype=np.int64))
        if shared > len(posting):
            raise ValueError(f"shared={shared} exceeds the {len(posting)} posting members of forum {name}")
        chosen = pick.choice(posting, size=shared, replace=False)
        ids = truth["member_id"].to_numpy(dtype=np.int64)
        mapping = pd.Series([f"{name.lower()}{i:04d}" for i in ids], index=ids)
        mapping.loc[chosen] = [f"{SHARED_PREFIX}{j:04d}" for j in range(shared)]
        by_id = truth.set_index("member_id")
        rows.append(pd.DataFrame({
            "member_id": mapping.loc[chosen].to_numpy(), "forum": name, "generated_id": chosen,
            "role": by_id.loc[chosen, "role"].to_numpy(), "key_actor": by_id.loc[chosen, "key_actor"].to_numpy(),
            "posts": posts.loc[chosen].to_numpy().astype(np.int64),
        }))
        _relabel(tables, truth, mapping)
        fora[name] = read_forum(tables)
    truth = pd.concat(rows, ignore_index=True)
    truth = truth.sort_values(["member_id", "forum"], kind="stable").reset_index(drop=True)
    truth["member_id"] = truth["member_id"].astype(pd.StringDtype("python"))
    truth["role"] = truth["role"].astype(pd.StringDtype("python"))
    return fora, truth
