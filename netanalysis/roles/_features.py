"""Behavioural and structural features of forum members, for :mod:`forum_roles`.

Everything here works on the integer codes of a
:class:`~netanalysis.forum.Forum` (``forum.post_arrays``,
``forum.thread_subforum``, ``forum.message_arrays``) with numpy bincounts and
scipy sparse products: there is no loop over posts or members.

Two tables come out:

* a **subforum profile** (:func:`subforum_kinds`): for each subforum, how its
  threads behave (who starts them, who answers, how many replies they draw,
  where members' first posts land), the kind given by its ``category`` and,
  when that is missing, the kind inferred from the behaviour;
* the **member features** (:func:`member_features`): activity, tenure and
  time, thread starting and answering by kind of subforum, whom a member
  answers (members who came later, newcomers in technical subforums),
  reply-graph partners, and the metadata (rank, staff flag) when it exists.

Time conventions
----------------
A member's *entry* is the earliest of ``joined_at``, their first post and
their first private message; their *exit* the latest of ``last_seen_at``, last
post and last message. A post's *author age* is its time minus the author's
entry. A post is *by a new member* when the author age is below
:data:`NEW_DAYS` (their first month) and *by a veteran* when it is at least
:data:`VETERAN_DAYS`. These two constants describe a member's career, not a
forum, so they are not tuned per forum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..forum import Forum
from ..graphs import answered_posts

__all__ = ["KINDS", "POST_KINDS", "STARTED_KINDS", "NEW_DAYS", "VETERAN_DAYS", "SubforumKinds",
           "subforum_kinds", "member_features", "below_share"]

#: Kinds of subforum (the data model's categories).
KINDS = ("announcements", "rules", "introductions", "technical", "content", "requests", "social",
         "private", "other")
ANN, RUL, INT, TEC, CON, REQ, SOC, PRV, OTH = range(len(KINDS))
#: The kinds of subforum whose posts :func:`member_features` counts per
#: member (``posts_<kind>``): the ones :mod:`forum_roles` reads.
POST_KINDS = (INT, TEC, CON, REQ)
#: The kinds whose threads started it counts per member (``started_<kind>``).
STARTED_KINDS = (ANN, RUL, TEC, CON, REQ)

DAY_NS = 86_400 * 10**9
#: A member is new during their first month.
NEW_DAYS = 30.0
#: A member is a veteran after a quarter of a year.
VETERAN_DAYS = 90.0


def below_share(values: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """For each value, the share of the reference values strictly below it.

    ``among`` (a boolean mask) selects the reference population; every value
    gets a share, members outside it too. A member with the most of
    something among 1,000 gets 0.999; a zero shared by most members gets 0.
    This is the percentile used throughout the evidence ("above 97% of
    posting members").
    """
    values = np.asarray(values, dtype=np.float64)
    ref = np.sort(values if among is None else values[among])
    if len(ref) == 0:
        return np.zeros(len(values))
    return np.searchsorted(ref, values, side="left") / len(ref)


def _time_ns(series: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch, with missing values as NaN (float64)."""
    arr = series.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    out = arr.view(np.int64).astype(np.float64)
    out[np.isnat(arr)] = np.nan
    return out


def _group_max(keys: np.ndarray, values: np.ndarray, n: int, fill: float) -> np.ndarray:
    out = np.full(n, fill, dtype=np.float64)
    np.maximum.at(out, keys, values)
    return out


def _group_min(keys: np.ndarray, values: np.ndarray, n: int, fill: float) -> np.ndarray:
    out = np.full(n, fill, dtype=np.float64)
    np.minimum.at(out, keys, values)
    return out


def _distinct_pairs(a: np.ndarray, b: np.ndarray, nb: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs ``(a, b)`` (as two arrays)."""
    if len(a) == 0:
        return a[:0], b[:0]
    # A sort and a diff: several times faster than np.unique's hashing here.
    key = np.sort(a.astype(np.int64) * nb + b)
    key = key[np.r_[True, key[1:] != key[:-1]]]
    return key // nb, key % nb


def _count_distinct(a: np.ndarray, b: np.ndarray, na: int, nb: int) -> np.ndarray:
    """For each ``a`` in ``range(na)``, the number of distinct ``b`` paired with it."""
    ua, _ = _distinct_pairs(a, b, nb)
    return np.bincount(ua, minlength=na).astype(np.float64)


@dataclass(frozen=True)
class PostContext:
    """Per-post and per-member arrays shared by the two feature tables."""

    author: np.ndarray          # member row of each post
    thread: np.ndarray          # thread row
    time: np.ndarray            # ns
    subforum: np.ndarray        # subforum row, -1 unknown
    starter: np.ndarray         # per thread: member row of the starter (-1 unknown)
    opening: np.ndarray         # per post: the thread's opening post
    in_own_thread: np.ndarray   # per post: written by the thread's starter
    reply_to: np.ndarray        # per post: the post explicitly quoted (-1 none)
    answered_author: np.ndarray  # per post: member row of the author answered (-1 none)
    age_days: np.ndarray        # per post: author age in days
    entry: np.ndarray           # per member: ns (NaN if never active and no joined_at)
    exit: np.ndarray            # per member: ns
    t0: float                   # first post
    t1: float                   # last post
    posts: np.ndarray           # per member: number of posts
    first_post: np.ndarray      # per member: index of their first post (-1 none)


def post_context(forum: Forum, answered_post: np.ndarray | None = None) -> PostContext:
    """Integer codes and times that every feature needs.

    ``answered_post`` gives, per post, the post it answers (-1 none); by
    default :func:`netanalysis.graphs.answered_posts` with its ``"auto"``
    rule (the explicit ``reply_to``, else the previous post of the thread).
    """
    pa = forum.post_arrays
    author, thread = pa.author, pa.thread
    time = pa.time.astype(np.float64)
    n = len(forum.member_index)
    n_threads = len(forum.threads)
    n_posts = len(author)

    # Posts are in time order, so the first occurrence of a thread is its opening post.
    _, first_of_thread = np.unique(thread, return_index=True)
    first_author = np.full(n_threads, -1, dtype=np.int64)
    first_author[thread[first_of_thread]] = author[first_of_thread]
    recorded = forum.threads["author_id"]
    starter = first_author.copy()
    known = recorded.notna().to_numpy()
    if known.any():
        codes = forum.member_index.get_indexer(pd.Index(recorded[known].to_numpy(dtype=object)))
        starter[np.flatnonzero(known)[codes >= 0]] = codes[codes >= 0]
    opening = np.zeros(n_posts, dtype=bool)
    # A first surviving post is the opening only if its author started the
    # thread (in a crawl the true opening post may be missing).
    opening[first_of_thread] = author[first_of_thread] == starter[thread[first_of_thread]]
    in_own_thread = author == starter[thread]

    if answered_post is None:
        answered_post = answered_posts(forum)
    answered_author = np.where(answered_post >= 0, author[np.maximum(answered_post, 0)], -1)
    answered_author = np.where(answered_author == author, -1, answered_author)

    m = forum.members
    sender, recipient, mtime = forum.message_arrays
    mtime = mtime.astype(np.float64)
    entry = _group_min(author, time, n, np.inf)
    exit_ = _group_max(author, time, n, -np.inf)
    if len(sender):
        who = np.r_[sender, recipient]
        when = np.r_[mtime, mtime]
        entry = np.minimum(entry, _group_min(who, when, n, np.inf))
        exit_ = np.maximum(exit_, _group_max(who, when, n, -np.inf))
    joined = _time_ns(m["joined_at"])
    last_seen = _time_ns(m["last_seen_at"])
    entry = np.fmin(entry, joined)
    exit_ = np.fmax(exit_, last_seen)
    entry[~np.isfinite(entry)] = np.nan
    exit_[~np.isfinite(exit_)] = np.nan

    t0 = float(time.min()) if n_posts else 0.0
    t1 = float(time.max()) if n_posts else 1.0
    age_days = (time - entry[author]) / DAY_NS
    posts = np.bincount(author, minlength=n).astype(np.float64)
    first_post = np.full(n, -1, dtype=np.int64)
    if n_posts:
        who, idx = np.unique(author, return_index=True)
        first_post[who] = idx
    return PostContext(author, thread, time, forum.thread_subforum[thread], starter, opening, in_own_thread,
                       pa.reply_to, answered_author, age_days, entry, exit_, t0, t1, posts, first_post)


# -- subforum kinds --------------------------------------------------------------


@dataclass(frozen=True)
class SubforumKinds:
    """The kind of each subforum (row of ``forum.subforums``).

    ``kind`` indexes :data:`KINDS` (-1: unknown and no posts to infer from);
    ``inferred`` marks kinds read from behaviour rather than the
    ``category`` column; ``profile`` holds the behaviour figures and the
    kind scores per subforum.
    """

    kind: np.ndarray
    inferred: np.ndarray
    profile: pd.DataFrame

    def names(self) -> list[str]:
        return [KINDS[k] if k >= 0 else "unknown" for k in self.kind]


def _safe_div(a, b, fill=0.0):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.full(np.broadcast(a, b).shape, fill, dtype=np.float64)
    np.divide(a, b, out=out, where=b > 0)
    return out


def subforum_profile(forum: Forum, ctx: PostContext) -> pd.DataFrame:
    """Behaviour of the threads of each subforum, in forum-relative terms.

    Columns (one row per subforum):

    ``posts``, ``threads``
        Posts and threads (with a post) in the subforum.
    ``replies_per_thread``
        Replies per thread, divided by the forum's figure (1 = as usual).
    ``first_post_lift``
        Share of the subforum's posts that are a member's first post, divided
        by the same share in the whole forum: where newcomers start.
    ``new_starter_share``
        Share of threads opened by a member in their first month.
    ``veteran_answer_share``
        Share of the replies in other members' threads written by veterans.
    ``top3_answer_share``
        Share of the replies in other members' threads written by the three
        busiest answerers: high where a few members answer everything.
    ``follow_up_share``
        Share of the replies written by the thread's own starter (an asker
        coming back).
    ``quote_opening_share``
        Share of the quoting replies that quote the opening post (answers
        to a question quote the question).
    ``starters_per_thread``
        Effective number of thread starters per thread: low when a few
        members open every thread (announcements, a sharer's own board).
    ``top3_starter_share``
        Share of the threads opened by the three most frequent starters:
        high where a small team opens every thread (announcements, rules),
        whatever the number of threads.
    ``starter_entry``
        Mean position of the starters' entry in the forum's life (0 = at the
        opening, 1 = at the end), over threads.
    ``restricted``
        ``min_rank`` above the lowest rank: a closed area.
    """
    n_sf = len(forum.subforums)
    sf = ctx.subforum
    known = sf >= 0
    posts = np.bincount(sf[known], minlength=n_sf).astype(np.float64)
    opening = ctx.opening & known
    threads = np.bincount(sf[opening], minlength=n_sf).astype(np.float64)
    # A thread whose opening post is missing still counts, once.
    thread_rows, first_idx = np.unique(ctx.thread[known], return_index=True)
    threads = np.maximum(threads, np.bincount(sf[known][first_idx], minlength=n_sf))
    total_threads = max(1.0, float(threads.sum()))
    forum_rpt = max(1e-9, (posts.sum() - total_threads) / total_threads)
    rpt = _safe_div(posts - threads, threads) / forum_rpt

    first = np.zeros(len(sf), dtype=bool)
    first[ctx.first_post[ctx.first_post >= 0]] = True
    forum_first = max(1e-9, _safe_div(np.count_nonzero(first & known), np.count_nonzero(known)).item())
    first_lift = _safe_div(np.bincount(sf[first & known], minlength=n_sf), posts) / forum_first

    age = ctx.age_days
    new_open = opening & (age < NEW_DAYS)
    new_starter = _safe_div(np.bincount(sf[new_open], minlength=n_sf), np.bincount(sf[opening], minlength=n_sf))

    answer = known & ~ctx.in_own_thread
    vet = _safe_div(np.bincount(sf[answer & (age >= VETERAN_DAYS)], minlength=n_sf),
                    np.bincount(sf[answer], minlength=n_sf))
    n_members = len(forum.member_index)
    pair = sp.coo_array((np.ones(np.count_nonzero(answer)), (sf[answer], ctx.author[answer])),
                        shape=(n_sf, n_members)).tocsr()
    pair.sum_duplicates()
    # Share of the answers written by the three busiest answerers.
    top3 = np.zeros(n_sf)
    tot = np.asarray(pair.sum(axis=1)).ravel()
    for s in np.flatnonzero(tot > 0):   # one small sort per subforum (tens of them)
        row = np.sort(pair.data[pair.indptr[s]:pair.indptr[s + 1]])[::-1]
        top3[s] = row[:3].sum() / tot[s]
    # Q&A threads: the asker comes back, answers quote the question.
    follow_up = _safe_div(np.bincount(sf[known & ctx.in_own_thread & ~ctx.opening], minlength=n_sf),
                          np.bincount(sf[known & ~ctx.opening], minlength=n_sf))
    rt = ctx.reply_to
    quoting = known & (rt >= 0)
    quote_opening = _safe_div(np.bincount(sf[quoting & ctx.opening[np.maximum(rt, 0)]], minlength=n_sf),
                              np.bincount(sf[quoting], minlength=n_sf), fill=np.nan)

    # Thread starters per subforum (one per thread, the recorded starter).
    t_sf = forum.thread_subforum
    t_has = (t_sf >= 0) & (ctx.starter >= 0)
    t_with_posts = np.zeros(len(t_sf), dtype=bool)
    t_with_posts[ctx.thread] = True
    t_has &= t_with_posts
    sp_st = sp.coo_array((np.ones(np.count_nonzero(t_has)), (t_sf[t_has], ctx.starter[t_has])),
                         shape=(n_sf, n_members)).tocsr()
    sp_st.sum_duplicates()
    s_sq = np.asarray(sp_st.multiply(sp_st).sum(axis=1)).ravel()
    s_tot = np.asarray(sp_st.sum(axis=1)).ravel()
    starters_per_thread = _safe_div(_safe_div(s_tot * s_tot, s_sq), s_tot)
    top3_starters = np.zeros(n_sf)
    for i in np.flatnonzero(s_tot > 0):   # one small sort per subforum
        row = np.sort(sp_st.data[sp_st.indptr[i]:sp_st.indptr[i + 1]])[::-1]
        top3_starters[i] = row[:3].sum() / s_tot[i]
    span = max(ctx.t1 - ctx.t0, 1.0)
    entry_pos = np.clip((ctx.entry - ctx.t0) / span, 0.0, 1.0)
    st_entry = entry_pos[np.maximum(ctx.starter, 0)]
    ok = t_has & np.isfinite(st_entry)
    starter_entry = _safe_div(np.bincount(t_sf[ok], weights=st_entry[ok], minlength=n_sf),
                              np.bincount(t_sf[ok], minlength=n_sf), fill=np.nan)

    min_rank = forum.subforums["min_rank"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    ranks = forum.members["rank_level"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    lowest = np.nanmin(ranks) if np.isfinite(ranks).any() else 1.0
    restricted = np.isfinite(min_rank) & (min_rank > lowest)
    return pd.DataFrame({
        "posts": posts, "threads": threads, "replies_per_thread": rpt, "first_post_lift": first_lift,
        "new_starter_share": new_starter, "veteran_answer_share": vet, "top3_answer_share": top3,
        "follow_up_share": follow_up, "quote_opening_share": quote_opening,
        "starters_per_thread": starters_per_thread, "top3_starter_share": top3_starters,
        "starter_entry": starter_entry, "restricted": restricted,
    }, index=pd.Index(forum.subforums["subforum_id"], name="subforum_id"))


def _kind_scores(p: pd.DataFrame) -> pd.DataFrame:
    """A score in [0, 1] per subforum and kind, from its behaviour alone.

    Each figure is first divided by its median over the forum's subforums
    (a *lift*: 1 = as usual in this forum), so the scores do not depend on
    the size or the habits of the forum. Then:

    * introductions: members' first posts concentrate there and threads are
      opened by members in their first month; the score is halved where
      starters come back to their threads as often as elsewhere (a member
      who introduces themselves does not return to the thread; one who
      asks does);
    * technical: question-and-answer threads: the asker comes back (counted
      twice: it is what makes a thread a question), answers quote the
      opening post, a few members write most answers, threads stay short;
      the threads are opened by ordinary members, not by the forum's
      earliest ones (the score shrinks as the starters' entry falls below
      the forum's median subforum);
    * announcements (and rules): the three most frequent starters open
      most threads, and they are the forum's earliest members (the
      starters' mean entry far below the median subforum's); threads draw
      few replies;
    * content: threads draw many replies (one opening post, a long tail of
      reactions), first posts are rare;
    * requests: many different starters, short threads, first posts
      somewhat common;
    * private: a ``min_rank`` above the lowest rank (a closed area);
    * social: the fallback when no kind stands out.
    """
    has = p["posts"].to_numpy() > 0

    def lift(col):
        x = np.nan_to_num(p[col].to_numpy(dtype=np.float64), nan=0.0)
        med = np.median(x[has]) if has.any() else 0.0
        return x / med if med > 0 else np.where(x > 0, 2.0, 1.0)

    def up(x, at):         # 0 at x <= 1 (as usual), 0.5 at x = at, towards 1
        x = np.maximum(np.asarray(x, dtype=np.float64) - 1.0, 0.0)
        return x / (x + (at - 1.0))

    def down(x, at):       # 0 at x >= 1, 0.5 at x = at < 1, towards 1 at 0
        x = np.maximum(1.0 - np.asarray(x, dtype=np.float64), 0.0)
        return x / (x + (1.0 - at))

    first = np.nan_to_num(p["first_post_lift"].to_numpy(), nan=0.0)   # already a lift
    new = lift("new_starter_share")
    top3 = lift("top3_answer_share")
    follow = lift("follow_up_share")
    quote = lift("quote_opening_share")
    spt = p["starters_per_thread"].to_numpy()
    rpt = lift("replies_per_thread")
    scores = pd.DataFrame(0.0, index=p.index, columns=list(KINDS))
    # Starters who entered far earlier than those of the median subforum:
    # the management's areas.
    founders = down(lift("starter_entry"), 0.5)
    scores["introductions"] = (up(first, 2.0) * 2 + up(new, 1.5)) / 3 * (0.5 + 0.5 * down(follow, 0.7))
    scores["technical"] = ((2 * up(follow, 1.3) + up(quote, 1.2) + up(top3, 1.5) + down(rpt, 0.6)) / 5
                           * (1 - up(first, 2.0)) * (1 - founders))
    scores["announcements"] = (p["top3_starter_share"].to_numpy() + founders + down(rpt, 0.5)) / 3
    scores["content"] = (up(rpt, 1.3) * 2 + down(first, 0.8)) / 3
    scores["requests"] = (np.clip((spt - 0.5) / 0.3, 0, 1) + down(rpt, 0.6) + up(first, 1.5)) / 3 * (1 - down(follow, 0.5))
    scores["private"] = p["restricted"].to_numpy().astype(np.float64)
    scores["social"] = 0.3
    scores.loc[~has, :] = 0.0
    return scores


#: Weight of the reference subforums' vote against the behaviour scores
#: (see :func:`_reference_votes`).
REFERENCE_VOTE_WEIGHT = 0.5

#: Kinds that :func:`_kind_scores` reads from behaviour (``social`` is the
#: fallback when none stands out, ``private`` comes from ``min_rank``).
_BEHAVIOUR_KINDS = np.array([ANN, INT, TEC, CON, REQ])

#: Profile figures compared between subforums (see :func:`_reference_votes`).
_PROFILE_FIGURES = ("replies_per_thread", "first_post_lift", "new_starter_share", "veteran_answer_share",
                    "top3_answer_share", "follow_up_share", "quote_opening_share", "starters_per_thread",
                    "starter_entry")


def _reference_votes(profile: pd.DataFrame, kind: np.ndarray, reference: np.ndarray,
                     inferred: np.ndarray) -> np.ndarray:
    """Votes (rows: the ``inferred`` subforums, columns: kinds) from the
    subforums of the same forum whose category is known.

    Every forum has its own habits (how long its threads run, how often
    members quote), so the best description of a "technical" subforum of
    this forum is a technical subforum of this forum. The figures are put on
    one scale (log, centred on the median subforum and divided by the
    median absolute deviation) and each inferred subforum gets, for every
    kind present among the references, ``exp(-2 d^2)`` (a Gaussian of
    width 0.5) with ``d`` its distance to the nearest reference of that
    kind (root mean square over the figures) divided by the median distance
    between two references. Half the vote
    (:data:`REFERENCE_VOTE_WEIGHT`) is added to the behaviour scores.

    The references can only resemble the kinds they show: when the forum's
    introductions area is the subforum without category, there is no
    reference introductions area to resemble, and a vote for the nearest
    kind shown (a requests board, where first posts also land) would
    overrule a clear reading of the behaviour. So every kind read from
    behaviour (announcements, introductions, technical, content, requests)
    that no reference shows gets the best vote of the row: the references
    then decide among the kinds they show, and between those and the
    missing kinds the behaviour decides. The fallback ``social`` gets no
    such vote (it is the absence of a reading, not a reading), nor does
    ``private``, which comes from ``min_rank``.
    """
    x = np.column_stack([np.log1p(np.nan_to_num(profile[c].to_numpy(dtype=np.float64), nan=0.0))
                         for c in _PROFILE_FIGURES])
    has = reference | inferred
    med = np.median(x[has], axis=0)
    mad = np.median(np.abs(x[has] - med), axis=0)
    scale = np.where(mad > 0, 1.4826 * mad, np.maximum(np.std(x[has], axis=0), 1e-9))
    z = (x - med) / scale
    ref_rows = np.flatnonzero(reference)
    d = np.sqrt(((z[inferred][:, None, :] - z[ref_rows][None, :, :]) ** 2).mean(axis=2))   # inferred x refs
    if len(ref_rows) > 1:
        rd = np.sqrt(((z[ref_rows][:, None, :] - z[ref_rows][None, :, :]) ** 2).mean(axis=2))
        typical = np.median(rd[np.triu_indices(len(ref_rows), 1)])
    else:
        typical = np.median(d)
    typical = typical if typical > 0 else 1.0
    votes = np.zeros((np.count_nonzero(inferred), len(KINDS)))
    for k in np.unique(kind[ref_rows]):
        nearest = d[:, kind[ref_rows] == k].min(axis=1) / typical
        votes[:, k] = np.exp(-0.5 * (nearest / 0.5) ** 2)
    # A kind the references do not show cannot be argued against by them:
    # with categories missing, the missing kinds are exactly those the
    # references lack. Such a kind, when the behaviour can read it, gets the
    # vote of the best-matching reference kind, so that the references only
    # decide among the kinds they show and the behaviour decides the rest.
    absent = np.setdiff1d(_BEHAVIOUR_KINDS, kind[ref_rows])
    votes[:, absent] = votes.max(axis=1, keepdims=True)
    return votes


def subforum_kinds(forum: Forum, ctx: PostContext | None = None) -> SubforumKinds:
    """The kind of each subforum: its ``category`` when given, else inferred.

    Inference takes the kind of highest score: the behaviour score
    (:func:`_kind_scores`) plus, when some subforums of the forum have a
    category, :data:`REFERENCE_VOTE_WEIGHT` times their vote
    (:func:`_reference_votes`, which decides only among the kinds they
    show). A subforum whose ``min_rank`` is above the lowest rank is
    ``private`` whatever its behaviour. Subforums without category and
    without posts stay unknown (-1).
    """
    if ctx is None:
        ctx = post_context(forum)
    profile = subforum_profile(forum, ctx)
    scores = _kind_scores(profile)
    scores.index = profile.index
    given = forum.subforums["category"].astype(object).to_numpy()
    lookup = {k: i for i, k in enumerate(KINDS)}
    kind = np.array([lookup.get(c, -1) if isinstance(c, str) else -1 for c in given], dtype=np.int64)
    inferred = (kind < 0) & (profile["posts"].to_numpy() > 0)
    votes = scores.to_numpy().copy()
    reference = (kind >= 0) & (profile["posts"].to_numpy() > 0)
    if inferred.any() and reference.any():
        votes[inferred] += REFERENCE_VOTE_WEIGHT * _reference_votes(profile, kind, reference, inferred)
    guess = np.argmax(votes, axis=1)
    kind[inferred] = guess[inferred]
    profile = profile.assign(kind=[KINDS[k] if k >= 0 else "unknown" for k in kind], inferred=inferred)
    profile = pd.concat([profile, scores.add_prefix("score_")], axis=1)
    return SubforumKinds(kind, inferred, profile)


# -- member features ---------------------------------------------------------------


def _reply_graph_parts(n: int, source: np.ndarray, target: np.ndarray):
    """Distinct partners of the answer relation, out and in."""
    keep = target >= 0
    s, t = source[keep], target[keep]
    return _count_distinct(s, t, n, n), _count_distinct(t, s, n, n)


def member_features(forum: Forum, kinds: SubforumKinds | None = None, ctx: PostContext | None = None,
                    answered_post: np.ndarray | None = None) -> pd.DataFrame:
    """Behavioural, structural and metadata features, one row per member.

    Rows follow ``forum.members``; the index is the member id. Counts are
    raw (percentiles are taken by the caller). Only the columns that
    :func:`~netanalysis.roles.forum_roles` reads are computed:

    activity and time
        ``posts``, ``threads_started``, ``replies`` (posts in threads others
        started), ``months_active`` (calendar months with a post),
        ``tenure_days`` (entry to exit), ``entry_position`` (0 = the
        forum's first post, 1 = its last), ``activity_span_days`` (first to
        last post), ``messages`` (sent and received), ``months_present``
        (calendar months with a post or a private message, sent or
        received).
    where
        ``subforums`` (distinct subforums posted in), ``posts_<kind>`` for
        the kinds of :data:`POST_KINDS` (introductions, technical, content,
        requests), ``started_<kind>`` for the kinds of
        :data:`STARTED_KINDS` (announcements, rules, technical, content,
        requests), ``first_kind`` (kind of the member's first post, an
        index of :data:`KINDS`, -1 unknown).
    whom
        ``answered_members`` (distinct members answered), ``answered_by``
        (distinct members who answered them), ``answered_later`` (distinct
        members answered who entered the forum after the member),
        ``threads_answered`` (distinct threads of others posted in),
        ``tech_askers_answered`` (distinct members whose threads in
        technical subforums the member posted in),
        ``tech_new_askers_answered`` (the same, counting only posts made
        in the starter's first three months), ``content_repliers``
        (distinct members posting in content threads the member started),
        ``announce_repliers`` (the same, for announcement and rules
        threads), ``staff_area_answers`` (posts in announcement, rules and
        introduction threads of others), ``message_partners`` (distinct
        members messaged with, either way).
    metadata
        ``rank_level``, ``is_staff`` (float, NaN when unknown),
        ``access_rank`` (the highest ``min_rank`` of the subforums the
        member posted in: a status the posts prove, known even when
        ``rank_level`` is missing; NaN when no such subforum).

    A post answers the post given by ``answered_post`` (default:
    :func:`netanalysis.graphs.answered_posts`, rule ``"auto"``); answering
    oneself does not count.
    """
    if ctx is None:
        ctx = post_context(forum, answered_post)
    if kinds is None:
        kinds = subforum_kinds(forum, ctx)
    n = len(forum.member_index)
    K = len(KINDS)
    author, thread = ctx.author, ctx.thread
    kind_of = np.r_[kinds.kind, -1]          # row -1 (unknown subforum) maps to -1
    post_kind = kind_of[ctx.subforum]
    known_kind = post_kind >= 0

    f: dict[str, np.ndarray] = {}
    f["posts"] = ctx.posts
    starter_known = ctx.starter >= 0
    t_with_posts = np.zeros(len(ctx.starter), dtype=bool)
    t_with_posts[thread] = True
    started_mask = starter_known & t_with_posts
    f["threads_started"] = np.bincount(ctx.starter[started_mask], minlength=n).astype(np.float64)
    others = ~ctx.in_own_thread
    f["replies"] = np.bincount(author[others], minlength=n).astype(np.float64)
    month = (ctx.time // (DAY_NS * 30.4375)).astype(np.int64)
    month -= month.min() if len(month) else 0
    f["months_active"] = _count_distinct(author, month, n, int(month.max()) + 1 if len(month) else 1)
    f["tenure_days"] = np.nan_to_num((ctx.exit - ctx.entry) / DAY_NS, nan=0.0)
    span = max(ctx.t1 - ctx.t0, 1.0)
    f["entry_position"] = np.clip((ctx.entry - ctx.t0) / span, 0.0, 1.0)
    first_t = _group_min(author, ctx.time, n, np.inf)
    last_t = _group_max(author, ctx.time, n, -np.inf)
    has_posts = ctx.posts > 0
    f["activity_span_days"] = np.where(has_posts, (last_t - first_t) / DAY_NS, 0.0)
    sender, recipient, mtime = forum.message_arrays
    f["messages"] = (np.bincount(sender, minlength=n) + np.bincount(recipient, minlength=n)).astype(np.float64)
    # Months with any trace of the member, public or private: a member who
    # runs the forum through private messages is present without posting.
    if len(sender):
        # The same calendar-month bins as ``months_active``.
        m_month = (mtime.astype(np.float64) // (DAY_NS * 30.4375)).astype(np.int64)
        p_month = (ctx.time // (DAY_NS * 30.4375)).astype(np.int64)
        who = np.r_[author, sender, recipient]
        when = np.r_[p_month, m_month, m_month]
        when -= when.min()
        f["months_present"] = _count_distinct(who, when, n, int(when.max()) + 1)
    else:
        f["months_present"] = f["months_active"].copy()

    sf_known = ctx.subforum >= 0
    f["subforums"] = _count_distinct(author[sf_known], ctx.subforum[sf_known], n, max(1, len(forum.subforums)))

    by_kind = np.bincount(author[known_kind] * K + post_kind[known_kind], minlength=n * K).reshape(n, K)
    t_kind = kind_of[forum.thread_subforum]
    ok = started_mask & (t_kind >= 0)
    st_kind = np.bincount(ctx.starter[ok] * K + t_kind[ok], minlength=n * K).reshape(n, K)
    for k in POST_KINDS:
        f[f"posts_{KINDS[k]}"] = by_kind[:, k].astype(np.float64)
    for k in STARTED_KINDS:
        f[f"started_{KINDS[k]}"] = st_kind[:, k].astype(np.float64)
    fk = np.full(n, -1, dtype=np.int64)
    fp = ctx.first_post >= 0
    fk[fp] = post_kind[ctx.first_post[fp]]
    f["first_kind"] = fk

    # Whom a member answers, and who answers them.
    f["answered_members"], f["answered_by"] = _reply_graph_parts(n, author, ctx.answered_author)
    target = ctx.answered_author
    has_t = target >= 0
    # Members who entered after the answerer: the staff serve those who come
    # after them, whatever the forum's layout.
    target_later = np.zeros(len(author), dtype=bool)
    if has_t.any():
        target_later[np.flatnonzero(has_t)] = ctx.entry[target[has_t]] > ctx.entry[author[has_t]]
    f["answered_later"] = _count_distinct(author[target_later], target[target_later], n, n)
    thread_starter = ctx.starter[thread]
    in_other = others & (thread_starter >= 0)
    f["threads_answered"] = _count_distinct(author[others], thread[others], n, len(ctx.starter))
    tech = in_other & (post_kind == TEC)
    f["tech_askers_answered"] = _count_distinct(author[tech], thread_starter[tech], n, n)
    tech_new = tech & ((ctx.time - ctx.entry[np.maximum(thread_starter, 0)]) / DAY_NS < NEW_DAYS * 3)
    f["tech_new_askers_answered"] = _count_distinct(author[tech_new], thread_starter[tech_new], n, n)
    con = in_other & (post_kind == CON)
    f["content_repliers"] = _count_distinct(thread_starter[con], author[con], n, n)
    ann = in_other & ((post_kind == ANN) | (post_kind == RUL))
    f["announce_repliers"] = _count_distinct(thread_starter[ann], author[ann], n, n)
    # Answers in announcement, rules and introduction threads of others:
    # keeping order and welcoming newcomers.
    staffish = in_other & np.isin(post_kind, (ANN, RUL, INT))
    f["staff_area_answers"] = np.bincount(author[staffish], minlength=n).astype(np.float64)
    if len(sender):
        pair_a, pair_b = np.r_[sender, recipient], np.r_[recipient, sender]
        f["message_partners"] = _count_distinct(pair_a, pair_b, n, n)
    else:
        f["message_partners"] = np.zeros(n)

    m = forum.members
    rank = m["rank_level"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    f["rank_level"] = rank
    f["is_staff"] = m["is_staff"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    # A post in a subforum open only from some status shows that the member
    # held at least that status: a lower bound on the rank, known even when
    # ``rank_level`` is missing.
    min_rank = forum.subforums["min_rank"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    post_floor = np.r_[np.nan_to_num(min_rank, nan=-np.inf), -np.inf][ctx.subforum]
    f["access_rank"] = _group_max(author, post_floor, n, -np.inf)
    f["access_rank"][~np.isfinite(f["access_rank"])] = np.nan
    return pd.DataFrame(f, index=pd.Index(forum.member_index, name="member_id"))
