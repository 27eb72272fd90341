"""Real forums with known key actors: the shared Stack Exchange dumps and
their ground truth, for the validation suite.

:func:`stackexchange_sources` reads every site folder of the shared copy
(``shared/data/stackexchange`` next to the repository, else
``/work/shared/data/stackexchange``; see its README) with
:func:`netanalysis.read_stackexchange` and pairs it with a truth table built
from the site's ``roles.csv`` (``user_id, role, evidence, confidence``).

The truth rule
--------------
For every member of the forum (every user of ``Users.xml`` but user -1),
with ``n`` = the member's posts in the forum (questions, answers and
comments, as :func:`~netanalysis.read_stackexchange` keeps them):

* ``role``: ``"moderator"`` when ``roles.csv`` says ``moderator`` (any
  confidence); ``"admin"`` when it says ``staff`` (any confidence: a Stack
  Exchange employee account); otherwise ``"regular"`` when ``n >= 1`` and
  ``"lurker"`` when ``n == 0``. User -1 (role ``bot``) is not a member and
  not in the table.
* ``key_actor``: True exactly when ``n >= 3`` and either ``roles.csv`` says
  ``moderator`` (any confidence) or it says ``staff`` with confidence
  ``"high"`` (the values in the files are ``high``, ``medium`` and ``low``).
  This is the README's "reliable core of management": the moderators plus
  the high-confidence staff who acted on the site; three posts is the least
  activity that leaves a structural trace. Medium-confidence staff and staff
  with fewer than three posts have role ``"admin"`` but are not key actors.

A site with no key actor is left out. With the shared copy that is cardano
(no moderator labelled; none of its high-confidence staff has a post), and
six sites qualify, with k key actors:

================  ===  =======  ===============  =====  =======
site              k    members  posting members  posts  threads
================  ===  =======  ===============  =====  =======
alcohol.meta      11   521      92               584    91
conlang.meta      6    271      64               378    53
french.meta       13   1702     195              1984   269
history.meta      15   2294     383              4905   556
music.meta        10   3032     366              1873   703
quantumcomputing  3    3460     402              5082   612
================  ===  =======  ===============  =====  =======

k = moderators + high-confidence staff: alcohol.meta 7 + 4, conlang.meta
4 + 2, french.meta 7 + 6, history.meta 9 + 6, music.meta 5 + 5,
quantumcomputing 2 + 1. Posts include comments (music.meta's copy has none).
(history.meta counts its medium- and low-confidence moderators, users 20
and 2732.) Everything runs offline on the local files.

Run ``.venv/bin/python benchmarks/validity/real_sources.py`` for the
per-site figures.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from netanalysis import Forum, read_stackexchange  # noqa: E402

__all__ = ["stackexchange_sources", "site_truth", "data_root", "MIN_POSTS"]

#: Posts (incl. comments) a labelled member needs on the site to be a key actor.
MIN_POSTS = 3

_CANDIDATES = (HERE.parents[2] / "shared" / "data" / "stackexchange", Path("/work/shared/data/stackexchange"))


def data_root(root=None) -> Path:
    """The folder of the shared Stack Exchange dumps."""
    if root is not None:
        path = Path(root)
        if not path.is_dir():
            raise FileNotFoundError(f"no Stack Exchange data folder at {path}")
        return path
    for path in _CANDIDATES:
        if path.is_dir():
            return path
    raise FileNotFoundError("no Stack Exchange data folder at " + " or ".join(map(str, _CANDIDATES)))


def site_truth(forum: Forum, roles: pd.DataFrame) -> pd.DataFrame:
    """The truth table (``member_id, role, key_actor``) of one site, by the
    rule of the module docstring; ``roles`` is the site's ``roles.csv``."""
    members = forum.members["member_id"]
    n_posts = forum.posts.groupby("author_id").size().reindex(members.to_numpy(), fill_value=0).to_numpy()
    labels = roles.drop_duplicates("user_id").set_index("user_id")
    role = labels["role"].astype(str).reindex(members.to_numpy()).to_numpy(dtype=object)
    confidence = labels["confidence"].astype(str).reindex(members.to_numpy()).to_numpy(dtype=object)
    is_mod = role == "moderator"
    is_staff = role == "staff"
    out_role = np.where(is_mod, "moderator", np.where(is_staff, "admin", np.where(n_posts > 0, "regular", "lurker")))
    key = (is_mod | (is_staff & (confidence == "high"))) & (n_posts >= MIN_POSTS)
    return pd.DataFrame({
        "member_id": members.to_numpy(),
        "role": pd.Series(out_role, dtype="string"),
        "key_actor": key.astype(bool),
    })


def _sites(root=None):
    base = data_root(root)
    for folder in sorted(p for p in base.iterdir() if (p / "Posts.xml").is_file()):
        forum = read_stackexchange(folder)
        roles = pd.read_csv(folder / "roles.csv") if (folder / "roles.csv").is_file() else \
            pd.DataFrame({"user_id": [], "role": [], "evidence": [], "confidence": []})
        yield folder.name, forum, site_truth(forum, roles)


def stackexchange_sources(root=None) -> list[tuple[str, Forum, pd.DataFrame]]:
    """``(site, forum, truth)`` for each site of the shared dumps with at
    least one key actor, sorted by site name.

    Parameters
    ----------
    root : path, optional
        The folder holding one folder per site; by default the shared copy.

    Returns
    -------
    list of (str, Forum, pandas.DataFrame)
        The site's folder name, its forum from
        :func:`netanalysis.read_stackexchange`, and its truth: one row per
        member with ``member_id``, ``role`` and ``key_actor`` (the rule is in
        the module docstring).
    """
    return [(name, forum, truth) for name, forum, truth in _sites(root) if truth["key_actor"].any()]


def _summary(root=None) -> pd.DataFrame:
    rows = []
    for name, forum, truth in _sites(root):
        posts = forum.posts
        rows.append({
            "site": name,
            "members": len(forum.members),
            "posting members": posts["author_id"].nunique(),
            "posts": len(posts),
            "of which comments": int(posts["post_id"].str.startswith("c").sum()),
            "threads": len(forum.threads),
            "k": int(truth["key_actor"].sum()),
            "moderators": int((truth["key_actor"] & (truth["role"] == "moderator")).sum()),
            "admins": int((truth["key_actor"] & (truth["role"] == "admin")).sum()),
            "used": bool(truth["key_actor"].any()),
        })
    return pd.DataFrame(rows)


if __name__ == "__main__":
    table = _summary()
    print(table.to_string(index=False))
    left_out = table.loc[~table["used"], "site"].tolist()
    if left_out:
        print(f"left out (no key actor): {', '.join(left_out)}")
