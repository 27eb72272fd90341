"""Figures of a forum: Table 1 of the study and the shape of its activity.

:func:`describe` gives the figures of any :class:`~netanalysis.forum.Forum`
(a synthetic one or a real one), so that a synthetic forum can be checked
against what the sources report; :func:`role_profile` gives, for a synthetic
forum and its truth, how each role behaves.

Figures and the ranges the presets keep (checked by tests/test_synthetic*.py)
-----------------------------------------------------------------------------

Measured over seeds 0-2 of each preset at every difficulty (see
benchmarks/SYNTHETIC.md for the figures); ``tiny`` is a unit-test forum and
keeps only the structural ranges (marked *).

=========================== ================= ==================================================
figure                      range             reason and source
=========================== ================= ==================================================
members, management_team,   exact             Table 1 of van der Bruggen & Blokland (2021);
statuses, subforums,                          ``management_team`` is exact except at ``hard``
threads, posts                                (``is_staff`` partly missing there).
first_post, last_post       in the years      Table 1 gives years online; presets run from
                            online            1 January of the first to 31 December of the last.
posting_share               0.02 - 0.15       3.4% communicatively active (same research line);
                                              ~14% for Fonhof et al. (2019): 14,659 users of a
                                              2010-2014 forum of ~105,650 members.
thread_start_share          threads / posts   Fixed by Table 1 (0.3% - 3.1%). Blokland et al.
                            exactly           (2024) report 23.8% in a 6,772-post sample of
                                              one forum; Table 1 rules for the presets.
explicit_reply_share *      0.20 - 0.40       ``reply_to_share`` (1/3) of replies quote; some
                                              quotes of lost posts are cleared.
gini_posts_members          >= 0.95           Follows from 85-97% of members never posting.
gini_posts_posters *        0.65 - 0.90       A few high-frequency posters produce most posts
                                              (the trajectory groups of van der Bruggen &
                                              Blokland, 2021).
top1_post_share *           0.10 - 0.55       Same reason.
thread_length_p90 / p50 *   >= 3              Heavy-tailed thread lengths.
thread_length_max / p50 *   >= 20             A few megathreads.
thread_lifetime_days_p50 *  5 - 40            Most threads are short-lived ...
thread_lifetime_days_p90 *  50 - 250          ... a tail stays open for months.
reply_in_centralization *   >= 0.08, and 5x   Blokland et al. (2024): the reply network was
                            an Erdos-Renyi    more centralised than chance.
                            graph's
reply_reciprocity *         0.20 - 0.65       Conversations: many replies are answered back.
messaging_share *           0.20 - 0.40       Messages among a minority of posting members.
message_reply_overlap       <= 0.30           Gnielka et al. (2024): public reply and private
                                              message networks overlap little (``tiny``,
                                              with 70 posters, reaches 0.5).
=========================== ================= ==================================================
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from netanalysis.forum import Forum, PostArrays

from ._arrays import in_sorted, unique_sorted

__all__ = ["describe", "role_profile", "reply_pairs", "gini"]


def gini(values) -> float:
    """Gini coefficient of non-negative ``values`` (0: all equal; near 1: one holds all).

    ``G = sum_i (2 i - n - 1) x_(i) / (n sum_i x_i)`` with ``x`` sorted
    ascending and ``i = 1..n``.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def _reply_targets(pa: PostArrays) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, target_rows)`` of the posts that answer another post: the
    quoted post when ``reply_to`` is given, else the previous post of the
    thread."""
    n = len(pa.author)
    order = np.argsort(pa.thread, kind="stable")   # posts are in time order already
    prev = np.full(n, -1, dtype=np.int64)
    same = pa.thread[order][1:] == pa.thread[order][:-1]
    prev[order[1:][same]] = order[:-1][same]
    target = np.where(pa.reply_to >= 0, pa.reply_to, prev)
    rows = np.flatnonzero(target >= 0)
    return rows, target[rows]


def reply_pairs(forum: Forum) -> tuple[np.ndarray, np.ndarray]:
    """``(source, target)`` member indices of every reply: the quoted post's
    author when ``reply_to`` is given, else the author of the previous post
    in the same thread. Opening posts without a quote give no pair; self
    replies are kept (callers drop them).

    >>> from synthetic import generate_forum
    >>> forum, _ = generate_forum("tiny", seed=0)
    >>> src, dst = reply_pairs(forum)
    >>> len(src) == len(forum.posts) - len(forum.threads)
    True
    """
    pa = forum.post_arrays
    rows, target = _reply_targets(pa)
    return pa.author[rows], pa.author[target]


def _quantiles(x: np.ndarray, qs, prefix: str) -> dict[str, float]:
    if len(x) == 0:
        return {f"{prefix}_p{int(q * 100)}": np.nan for q in qs}
    return {f"{prefix}_p{int(q * 100)}": float(np.quantile(x, q)) for q in qs}


def describe(forum: Forum) -> pd.Series:
    """Table-1 figures and distribution figures of ``forum``.

    Returns
    -------
    pandas.Series
        ``first_post``, ``last_post``, ``members``, ``management_team``
        (members with ``is_staff``), ``statuses``, ``subforums``, ``threads``,
        ``posts``, ``messages``; ``posting_share`` (members with a post),
        ``thread_start_share`` (posts that open a thread),
        ``explicit_reply_share`` (replies with ``reply_to``),
        ``gini_posts_members`` and ``gini_posts_posters`` (Gini of posts per
        member, over all members and over posters), ``top1_post_share``
        (posts by the top 1% of posters), ``thread_length_p50/p90/p99/max``,
        ``thread_lifetime_days_p50/p90``, the reply graph (see
        :func:`reply_pairs`; self replies dropped): ``reply_nodes``,
        ``reply_edges`` (distinct directed pairs), ``reply_mean_degree``
        (edges per node), ``reply_max_in_degree``,
        ``reply_in_centralization`` (Freeman: ``sum(max - d_i) / (n - 1)^2``
        over distinct in-neighbours), ``reply_reciprocity``,
        ``reply_largest_component`` (share of nodes in the largest weakly
        connected component); and messages: ``messaging_share`` (posting
        members who send or receive one), ``message_pairs`` (distinct
        undirected pairs), ``message_reply_overlap`` (share of those pairs
        that are also reply pairs).

    Examples
    --------
    >>> from synthetic import generate_forum
    >>> forum, _ = generate_forum("tiny", seed=0)
    >>> d = describe(forum)
    >>> int(d["posts"]), int(d["threads"])
    (2400, 120)
    """
    s = forum.summary()
    pa = forum.post_arrays
    n_members = len(forum.member_index)
    counts = np.bincount(pa.author, minlength=n_members)
    posters = counts[counts > 0]
    thread_len = np.bincount(pa.thread, minlength=len(forum.threads))
    thread_len = thread_len[thread_len > 0]
    first = np.full(len(forum.threads), np.iinfo(np.int64).max)
    last = np.full(len(forum.threads), np.iinfo(np.int64).min)
    np.minimum.at(first, pa.thread, pa.time)
    np.maximum.at(last, pa.thread, pa.time)
    used = last >= first
    lifetime = (last[used] - first[used]) / 86_400e9

    n_posts = len(pa.author)
    n_openers = int(np.count_nonzero(np.bincount(pa.thread)))
    replies = n_posts - n_openers
    top = np.sort(posters)[::-1][: max(1, int(np.ceil(0.01 * len(posters))))]

    rows, target = _reply_targets(pa)
    src, dst = pa.author[rows], pa.author[target]
    keep = src != dst
    src, dst = src[keep], dst[keep]
    pair = unique_sorted(src * n_members + dst)
    u, v = pair // n_members, pair % n_members
    nodes = unique_sorted(np.r_[u, v])
    in_deg = np.bincount(v, minlength=n_members)[nodes]
    n_nodes = len(nodes)
    centralization = (float(np.sum(in_deg.max() - in_deg)) / (n_nodes - 1) ** 2) if n_nodes > 1 else 0.0
    reverse = in_sorted(v * n_members + u, pair)
    if n_nodes:
        code = np.searchsorted(nodes, np.r_[u, v])
        adj = coo_array((np.ones(len(pair)), (code[: len(pair)], code[len(pair):])), shape=(n_nodes, n_nodes))
        _, comp = connected_components(adj, directed=True, connection="weak")
        largest = np.bincount(comp).max() / n_nodes
    else:
        largest = 0.0

    sender, recipient, _ = forum.message_arrays
    a, b = np.minimum(sender, recipient), np.maximum(sender, recipient)
    msg_pairs = unique_sorted(a * n_members + b)
    ru, rv = np.minimum(u, v), np.maximum(u, v)
    reply_undirected = unique_sorted(ru * n_members + rv)
    overlap = float(in_sorted(msg_pairs, reply_undirected).mean()) if len(msg_pairs) else 0.0
    messaging = unique_sorted(np.r_[sender, recipient])
    posting_ids = np.flatnonzero(counts > 0)

    out = {
        "first_post": s["first_post"], "last_post": s["last_post"],
        "members": n_members, "management_team": int(s["staff"]), "statuses": int(s["statuses"]),
        "subforums": int(s["subforums"]), "threads": int(s["threads"]), "posts": n_posts,
        "messages": int(s["messages"]),
        "posting_members": len(posters),
        "posting_share": len(posters) / n_members if n_members else 0.0,
        "thread_start_share": n_openers / n_posts if n_posts else 0.0,
        "explicit_reply_share": int(np.count_nonzero(pa.reply_to >= 0)) / replies if replies else 0.0,
        "gini_posts_members": gini(counts),
        "gini_posts_posters": gini(posters),
        "top1_post_share": float(top.sum() / max(posters.sum(), 1)),
        **_quantiles(thread_len, (0.5, 0.9, 0.99), "thread_length"),
        "thread_length_max": int(thread_len.max()) if len(thread_len) else 0,
        **_quantiles(lifetime, (0.5, 0.9), "thread_lifetime_days"),
        "reply_nodes": n_nodes,
        "reply_edges": len(pair),
        "reply_mean_degree": len(pair) / n_nodes if n_nodes else 0.0,
        "reply_max_in_degree": int(in_deg.max()) if n_nodes else 0,
        "reply_in_centralization": centralization,
        "reply_reciprocity": float(reverse.mean()) if len(pair) else 0.0,
        "reply_largest_component": float(largest),
        "messaging_share": float(in_sorted(posting_ids, messaging).mean()) if len(posting_ids) else 0.0,
        "message_pairs": len(msg_pairs),
        "message_reply_overlap": overlap,
    }
    return pd.Series(out, dtype=object, name="figures")


def role_profile(forum: Forum, truth: pd.DataFrame) -> pd.DataFrame:
    """How each true role behaves in ``forum``: one row per role.

    Columns: ``members``; ``posting_share``; ``post_share`` (of all posts);
    ``posts_median`` (among posters); ``threads_started``; ``subforums_median``
    (distinct subforums per poster); ``technical_share`` (posts in
    technical subforums); ``introductions_share``; ``askers_answered_median``
    (distinct members a poster replies to in technical subforums);
    ``tenure_days_median`` (joined to last seen); ``joined_median`` (join
    time as a fraction of the forum's period); ``rank_median``.
    """
    pa = forum.post_arrays
    members = forum.members
    n = len(members)
    role = truth.set_index("member_id")["role"].reindex(members["member_id"]).to_numpy(dtype=object)
    counts = np.bincount(pa.author, minlength=n)
    sf = forum.thread_subforum[pa.thread]
    cats = forum.subforums["category"].astype(object).to_numpy()
    post_cat = np.where(sf >= 0, cats[np.maximum(sf, 0)], None)
    tech = post_cat == "technical"
    intro = post_cat == "introductions"
    n_sf = max(len(forum.subforums), 1)
    distinct_sf = np.bincount(unique_sorted(pa.author * n_sf + np.maximum(sf, 0)) // n_sf, minlength=n)
    rows, target = _reply_targets(pa)
    src, dst = pa.author[rows], pa.author[target]
    tech_reply = tech[rows]
    keep = (src != dst) & tech_reply
    askers = np.bincount(unique_sorted(src[keep] * n + dst[keep]) // n, minlength=n)
    started = np.bincount(forum.threads["author_id"].pipe(
        lambda s: forum.member_index.get_indexer(s.dropna().astype(np.int64))), minlength=n)
    joined = members["joined_at"].array.asi8
    seen = members["last_seen_at"].array.asi8
    t0, t1 = pa.time.min(), pa.time.max()
    rank = members["rank_level"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    rows = {}
    for r in pd.unique(role):
        m = role == r
        p = m & (counts > 0)
        own = m[pa.author]
        rows[r] = {
            "members": int(m.sum()),
            "posting_share": float(p.sum() / m.sum()),
            "post_share": float(counts[m].sum() / max(len(pa.author), 1)),
            "posts_median": float(np.median(counts[p])) if p.any() else 0.0,
            "threads_started": int(started[m].sum()),
            "subforums_median": float(np.median(distinct_sf[p])) if p.any() else 0.0,
            "technical_share": float(tech[own].mean()) if own.any() else 0.0,
            "introductions_share": float(intro[own].mean()) if own.any() else 0.0,
            "askers_answered_median": float(np.median(askers[p])) if p.any() else 0.0,
            "tenure_days_median": float(np.median((seen[m] - joined[m]) / 86_400e9)),
            "joined_median": float(np.median((joined[m] - t0) / max(t1 - t0, 1))),
            "rank_median": float(np.nanmedian(rank[m])) if np.isfinite(rank[m]).any() else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
