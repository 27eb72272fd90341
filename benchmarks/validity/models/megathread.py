"""A forum that keeps its material in a few huge threads.

An independent forum model for the validation suite, written from the domain
notes (``/work/shared/domain.md``) alone: it shares no code or parameters with
``synthetic/`` or ``benchmarks/alt_forum.py``. It follows the shape of forum B
of Table 1 (3 subforums, 103 threads, 11,250 posts for 33,130 members) at a
smaller scale: sharing and requesting are posts inside a handful of long
pinned threads, not threads of their own, and most replies are only implied
by thread order (a share of the posts carries ``reply_to``).

Mechanism
---------
A sequential thread-growth process. Times are days since :data:`START`; the
crawl ends at :data:`DAYS`.

1. **Accounts.** ``N_MEMBERS * scale`` accounts registered at ``DAYS *
   Beta(*ARRIVAL_BETA)``, ids in registration order; the staff first: 1-2
   admins (founders, day 0), 1-2 moderators and 2-4 technical members (all
   registered in the first :data:`EARLY_DAYS`), the counts drawn uniformly.
   Of the other accounts a share :data:`P_POSTING` posts, typed by
   :data:`TYPE_MIX`; the rest are lurkers. Each posting member has an
   activity ``exp(sigma Z - sigma^2 / 2)`` (mean 1, :data:`ACTIVITY_SIGMA`)
   and leaves at ``join + Exp(LIFETIME[type])`` (staff stay to the crawl).
2. **The clock.** Post slots arrive as a Poisson process of intensity
   ``(1 + STAFF_LOAD) * sum over active ordinary members of RATE[type] *
   activity`` (evaluated per hour; the staff's posts take their share of
   these slots in step 5).
   Besides, a member posts an introduction ``Exp(INTRO_DELAY)`` days after
   registering with probability :data:`P_INTRO` of their type (these slots
   have their author and thread fixed).
3. **Threads.** At day 0-10 the admins open the ``rules`` thread (admins
   only), the ``announcements`` thread, the ``introductions`` and the
   ``chat`` megathreads (subforum ``news``) and :data:`N_MEGA` content
   megathreads (subforum ``content``); :data:`N_TECH_LONG` long technical
   threads (subforum ``technical``) are opened in the first
   :data:`TECH_OPEN_DAYS` days by technical members (the first by an admin).
   A free slot opens a new *side* content thread with :data:`P_NEW_SIDE`
   (author drawn by :data:`SIDE_STARTER`) or a new technical *question*
   thread with :data:`P_NEW_QUESTION` (author by :data:`QUESTION_STARTER`).
   A megathread reaching :data:`MEGA_LIMIT` posts is closed and an
   active admin or moderator opens its next part.
4. **Which thread.** Otherwise the slot picks a region with
   :data:`REGION_SHARE` (content megathreads, side threads, long technical
   threads, question threads, chat, introductions, announcements), then an
   open thread of that region with probability proportional to ``posts so
   far + OFFSET[region]`` (preferential attachment), times ``exp(-age /
   TAU[region])`` for the short-lived side and question threads.
5. **Which author.** With :data:`P_ATTACH` the author of a uniformly drawn
   earlier post of the thread (preferential attachment on activity in the
   thread), if still active and not the author of the last post; otherwise a
   member active at that time drawn with weight ``AFFINITY[region][type] *
   RATE[type] * activity`` (the role-dependent rate).
6. **What the post is, and what it answers.** The post's act is drawn from
   :data:`ACTS` by type and region: in the content threads distributors
   mostly *share*, requesters *request* or *thank*, moderators post
   *moderation* notes; in technical threads technical members *answer* and
   others *ask*. Its implied target is found in the last :data:`LOOKBACK`
   posts of the thread: a thanks answers the latest share, a share fulfils
   the latest request with :data:`P_FULFIL`, a request asks the latest
   sharer with :data:`P_ASK_SHARER`, an answer answers the latest question,
   a question the latest answer with :data:`P_FOLLOW_UP`, a
   moderation note the latest request (else the last post), a comment or a
   greeting the previous post or latest introduction. ``reply_to`` records
   the target with :data:`P_EXPLICIT` of the act (quotes are rare; about 30%
   of all posts carry one); the rest rely on thread order.
7. **Private messages.** After a request, with :data:`P_PM_REQUEST` the
   requester writes to the latest sharer of the thread, who writes back with
   :data:`P_PM_BACK`; after a question, with :data:`P_PM_QUESTION` the asker
   writes to a technical member; staff write to each other at
   :data:`STAFF_PM_RATE` per pair and day.

Metadata, realistic and imperfect
---------------------------------
Three statuses, as forum B: ``member`` (rank 0), ``full member`` (rank 1,
from :data:`FULL_MEMBER_POSTS` posts) and ``staff`` (rank 2, ``is_staff``).
Admins and moderators are staff; so is the first technical member (the
forum's "technical moderator"); the other technical members hold the rank
their post count earned. The forum moved to new software on day
:data:`MIGRATION_DAY`: accounts registered before it show that day as
``joined_at`` (their earlier posts remain). No subforum is restricted
(``min_rank`` missing).

Truth
-----
``role`` is the type drawn in step 1, except that an ordinary member with no
post in the crawl is a lurker; ``key_actor`` is True for admin, moderator and
technical.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "megathread"
DESCRIPTION = ("forum-B-like: sharing and requests are posts in a few huge pinned threads; "
               "preferential-attachment thread growth; 30% explicit replies")

# -- parameters -----------------------------------------------------------------
#: First day and length (forum B was online four years; we take a bit over three).
START = pd.Timestamp("2010-03-01", tz="UTC")
DAYS = 1200.0
#: Accounts at scale 1 (forum B: 33,130; a third of that) and the share that ever posts
#: (the notes: 3.4% communicatively active in a large forum; a small forum a bit more).
N_MEMBERS = 10000
P_POSTING = 0.09
#: Staff counts are drawn uniformly in these ranges (Table 1: forum B had one manager).
ADMINS, MODERATORS, TECHNICAL = (1, 2), (1, 2), (2, 4)
#: Staff register in the first EARLY_DAYS.
EARLY_DAYS = 90.0
#: Types of the ordinary posting members.
TYPE_MIX = {"distributor": 0.10, "requester": 0.30, "regular": 0.25, "newcomer": 0.35}
ARRIVAL_BETA = (1.2, 1.5)
#: Mean stay in days (exponential).
LIFETIME = {"distributor": 300.0, "requester": 150.0, "regular": 250.0, "newcomer": 20.0}
ACTIVITY_SIGMA = 1.0
#: Posting propensity per active day at activity 1, by type (admin, moderator, technical,
#: distributor, requester, regular, newcomer): staff and sharers post most. The ordinary
#: members' rates drive the clock, inflated by STAFF_LOAD for the staff's posts (so a smaller
#: forum has less traffic); every type's rate weighs its author draws.
RATE = np.array([1.1, 0.9, 0.45, 0.25, 0.08, 0.07, 0.075])
STAFF_LOAD = 0.25
#: Introductions: the chance per type of posting one, and the delay after registering.
P_INTRO = np.array([0.0, 0.6, 0.5, 0.4, 0.5, 0.6, 0.85])
INTRO_DELAY = 3.0
#: Threads: content megathreads, long technical threads, new side / question threads per slot.
N_MEGA = 5
N_TECH_LONG = 4
TECH_OPEN_DAYS = 120.0
P_NEW_SIDE = 0.0025
P_NEW_QUESTION = 0.0012
MEGA_LIMIT = 1500
#: Regions: the share of free slots, the attachment offset and the ageing time (days).
REGIONS = ("mega", "side", "tech", "question", "chat", "intro", "news")
MEGA, SIDE, TECH_R, QUESTION, CHAT, INTRO, NEWS = range(7)
REGION_SHARE = np.array([0.66, 0.06, 0.08, 0.03, 0.09, 0.05, 0.03])
OFFSET = np.array([200.0, 1.0, 50.0, 1.0, 0.0, 0.0, 0.0])
TAU = np.array([np.inf, 15.0, np.inf, 10.0, np.inf, np.inf, np.inf])
#: Author choice: the chance of a returning poster, and role weights by region (rows) and type.
P_ATTACH = 0.4
AFFINITY = np.array([
    # admin mod  tech  dist  req   reg   newc
    [0.3, 1.0, 0.2, 3.0, 3.0, 2.0, 1.0],    # mega
    [0.1, 0.5, 0.2, 2.0, 2.0, 2.0, 0.5],    # side
    [1.0, 0.5, 8.0, 0.3, 1.0, 1.0, 1.0],    # long technical threads
    [0.5, 0.5, 8.0, 0.2, 1.0, 1.0, 1.0],    # question threads
    [0.5, 1.0, 0.5, 0.5, 0.5, 2.0, 0.5],    # chat
    [0.3, 1.0, 0.2, 0.2, 0.3, 1.0, 0.3],    # introductions (greetings)
    [20.0, 3.0, 0.5, 0.3, 0.3, 0.3, 0.2],   # announcements
])
SIDE_STARTER = np.array([0.0, 0.0, 0.0, 1.0, 0.1, 0.2, 0.05])
QUESTION_STARTER = np.array([0.0, 0.0, 0.0, 0.2, 1.0, 1.0, 1.0])
#: Acts and their chances by type in content threads; technical threads: answer / ask.
ACT_NAMES = ("share", "request", "thanks", "comment", "moderation", "answer", "question", "greeting",
             "announcement", "intro")
SHARE, REQUEST, THANKS, COMMENT, MODERATION, ANSWER, ASK, GREETING, ANNOUNCE, INTRO_ACT = range(10)
ACTS = {  # type -> (share, request, thanks, comment, moderation) in content threads
    0: (0.10, 0.0, 0.0, 0.4, 0.5),
    1: (0.0, 0.0, 0.05, 0.25, 0.7),
    2: (0.05, 0.1, 0.3, 0.55, 0.0),
    3: (0.75, 0.05, 0.05, 0.15, 0.0),
    4: (0.02, 0.55, 0.38, 0.05, 0.0),
    5: (0.08, 0.15, 0.45, 0.32, 0.0),
    6: (0.0, 0.4, 0.5, 0.1, 0.0),
}
LOOKBACK = 30
P_FULFIL, P_ASK_SHARER = 0.4, 0.3
#: A question follows up the latest answer this often (else it is a fresh question).
P_FOLLOW_UP = 0.5
#: The chance that the target is recorded as reply_to, by act (quoting is the exception).
P_EXPLICIT = {SHARE: 0.6, REQUEST: 0.5, THANKS: 0.45, COMMENT: 0.3, MODERATION: 0.7, ANSWER: 0.6,
              ASK: 0.25, GREETING: 0.4, ANNOUNCE: 0.0, INTRO_ACT: 0.0}
#: Private messages.
P_PM_REQUEST, P_PM_BACK, P_PM_QUESTION, STAFF_PM_RATE = 0.25, 0.5, 0.1, 0.03
#: Metadata.
FULL_MEMBER_POSTS = 25
MIGRATION_DAY = 200.0
#: Mean days a lurker keeps visiting.
LURKER_STAY = 30.0

ROLES = ("admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker")
ADMIN, MOD, TECH, DIST, REQ, REG, NEWC, LURK = range(8)
SUBFORUMS = (("news", "announcements"), ("content", "content"), ("technical", "technical"))
SUBFORUM_OF = {MEGA: 1, SIDE: 1, TECH_R: 2, QUESTION: 2, CHAT: 0, INTRO: 0, NEWS: 0, "rules": 0}


def _activity(rng, n):
    return np.exp(ACTIVITY_SIGMA * rng.standard_normal(n) - ACTIVITY_SIGMA ** 2 / 2)


def _times(days) -> pd.Series:
    """Days since START as UTC timestamps (to the second)."""
    return pd.Series(START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s"))


def _pick(rng, w) -> int:
    """An index drawn with weights w (-1 when all are zero)."""
    total = float(np.sum(w))
    if total <= 0:
        return -1
    return int(min(np.searchsorted(np.cumsum(w), rng.random() * total, side="right"), len(w) - 1))


class _Board:
    """Threads and posts as they grow (posting members are indexed 0..P-1)."""

    def __init__(self, rng, join, leave, ptype, act):
        self.rng, self.join, self.leave, self.ptype, self.act = rng, join, leave, ptype, act
        self.t_region, self.t_sf, self.t_author, self.t_time, self.t_open = [], [], [], [], []
        self.t_posts: list[list[int]] = []
        self.p_time, self.p_thread, self.p_author, self.p_act, self.p_reply = [], [], [], [], []
        self.messages: list[tuple[int, int, float]] = []

    def active(self, t):
        return (self.join <= t) & (self.leave > t)

    def open_thread(self, t, region, author, act, sf=None):
        tid = len(self.t_time)
        self.t_region.append(region)
        self.t_sf.append(SUBFORUM_OF[region] if sf is None else sf)
        self.t_author.append(author)
        self.t_time.append(t)
        self.t_open.append(True)
        self.t_posts.append([])
        self.post(t, tid, author, act, -1)
        return tid

    def post(self, t, tid, author, act, reply):
        pid = len(self.p_time)
        self.p_time.append(t)
        self.p_thread.append(tid)
        self.p_author.append(author)
        self.p_act.append(act)
        self.p_reply.append(reply)
        self.t_posts[tid].append(pid)
        return pid

    def open_threads(self, region, t):
        """Threads of a region open for posts at time t (opened by then, not closed)."""
        return [j for j in range(len(self.t_time))
                if self.t_region[j] == region and self.t_open[j] and self.t_time[j] <= t]

    def latest(self, tid, acts, other_than):
        """The latest post of thread tid, among its last LOOKBACK, with an act in acts by someone else."""
        for pid in reversed(self.t_posts[tid][-LOOKBACK:]):
            if self.p_act[pid] in acts and self.p_author[pid] != other_than:
                return pid
        return -1

    def draw_member(self, t, weights_by_type, exclude=-1):
        w = np.where(self.active(t), weights_by_type[self.ptype] * self.act, 0.0)
        if exclude >= 0:
            w[exclude] = 0.0
        return _pick(self.rng, w)

    def staff_member(self, t, roles):
        pool = [m for m in range(len(self.ptype)) if self.ptype[m] in roles and self.active(t)[m]]
        return pool[int(self.rng.integers(len(pool)))] if pool else -1


def generate(seed: int = 0, scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Generate the forum; returns ``(tables, truth)`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = max(int(round(N_MEMBERS * scale)), 200)
    n_admin = int(rng.integers(ADMINS[0], ADMINS[1] + 1))
    n_mod = int(rng.integers(MODERATORS[0], MODERATORS[1] + 1))
    n_tech = int(rng.integers(TECHNICAL[0], TECHNICAL[1] + 1))

    # 1. accounts
    n_staff = n_admin + n_mod + n_tech
    staff_join = np.concatenate([np.zeros(n_admin), np.sort(rng.uniform(1.0, EARLY_DAYS, n_mod + n_tech))])
    join = np.concatenate([staff_join, DAYS * rng.beta(*ARRIVAL_BETA, n - n_staff)])
    staff_role = np.array([ADMIN] * n_admin + list(rng.permutation([MOD] * n_mod + [TECH] * n_tech)))
    role = np.full(n, LURK, dtype=np.int64)
    role[:n_staff] = staff_role
    rest = np.arange(n_staff, n)
    posting = rest[rng.random(len(rest)) < P_POSTING]
    kinds = [ROLES.index(k) for k in TYPE_MIX]
    role[posting] = rng.choice(kinds, len(posting), p=list(TYPE_MIX.values()))
    order = np.argsort(join, kind="stable")  # ids follow registration
    join, role = join[order], role[order]

    pm = np.flatnonzero(role != LURK)
    ptype = role[pm]
    pjoin = join[pm]
    act = _activity(rng, len(pm))
    leave = np.full(len(pm), DAYS)
    for r in (DIST, REQ, REG, NEWC):
        sel = ptype == r
        leave[sel] = np.minimum(pjoin[sel] + rng.exponential(LIFETIME[ROLES[r]], sel.sum()), DAYS)
    board = _Board(rng, pjoin, leave, ptype, act)

    # 2. the clock: free slots (hourly intensity) and introduction slots
    bins = int(DAYS * 24)
    load = np.zeros(bins + 1)
    w = np.where(np.isin(ptype, (ADMIN, MOD, TECH)), 0.0, RATE[ptype] * act) * (1.0 + STAFF_LOAD)
    np.add.at(load, np.clip((pjoin * 24).astype(int), 0, bins), w)
    np.add.at(load, np.clip((leave * 24).astype(int), 0, bins), -w)
    intensity = np.cumsum(load)[:bins] / 24.0
    counts = rng.poisson(np.maximum(intensity, 0.0))
    free = np.repeat(np.arange(bins), counts) + rng.random(counts.sum())
    free = np.sort(free / 24.0)
    wants = rng.random(len(pm)) < P_INTRO[ptype]
    intro_t = np.maximum(pjoin + rng.exponential(INTRO_DELAY, len(pm)), 0.05)
    intro_who = np.flatnonzero(wants & (intro_t < np.maximum(leave, pjoin + 1.0)) & (intro_t < DAYS))
    slots_t = np.concatenate([free, intro_t[intro_who]])
    slots_who = np.concatenate([np.full(len(free), -1), intro_who])
    o = np.argsort(slots_t, kind="stable")
    slots_t, slots_who = slots_t[o], slots_who[o]

    # 3. the opening threads
    admins = np.flatnonzero(ptype == ADMIN)
    first = int(admins[0])
    board.open_thread(0.0, "rules", first, ANNOUNCE, sf=0)
    board.t_open[0] = False  # admins only; no replies
    board.open_thread(0.01, NEWS, first, ANNOUNCE)
    intro_thread = board.open_thread(0.02, INTRO, int(admins[-1]), ANNOUNCE)
    board.open_thread(float(rng.uniform(1, 10)), CHAT, int(admins[-1]), COMMENT)
    for t in np.sort(rng.uniform(0.05, 10.0, N_MEGA)):
        board.open_thread(float(t), MEGA, int(admins[rng.integers(len(admins))]), ANNOUNCE)
    techs = list(np.flatnonzero(ptype == TECH))
    tech_times = np.sort(rng.uniform(5.0, TECH_OPEN_DAYS, N_TECH_LONG))
    for i, t in enumerate(tech_times):
        cand = [m for m in techs if pjoin[m] <= t] if i else []
        board.open_thread(float(t), TECH_R, int(cand[rng.integers(len(cand))]) if cand else first, ANSWER)

    # 4.-7. the slots, in time order
    for t, fixed in zip(slots_t, slots_who):
        t = float(t)
        if fixed >= 0:
            board.post(t, intro_thread, int(fixed), INTRO_ACT, -1)
            continue
        u = rng.random()
        if u < P_NEW_SIDE:
            m = board.draw_member(t, SIDE_STARTER)
            if m >= 0:
                board.open_thread(t, SIDE, m, SHARE)
            continue
        if u < P_NEW_SIDE + P_NEW_QUESTION:
            m = board.draw_member(t, QUESTION_STARTER)
            if m >= 0:
                board.open_thread(t, QUESTION, m, ASK)
                _pm_question(board, t, m)
            continue
        region = _pick(rng, REGION_SHARE)
        cand = board.open_threads(region, t)
        if not cand:
            region = MEGA
            cand = board.open_threads(MEGA, t)
            if not cand:
                continue
        size = np.array([len(board.t_posts[j]) for j in cand], dtype=float)
        wt = size + OFFSET[region]
        if np.isfinite(TAU[region]):
            wt = wt * np.exp(-(t - np.array([board.t_time[j] for j in cand])) / TAU[region])
        tid = cand[_pick(rng, wt)]
        if region == MEGA and len(board.t_posts[tid]) >= MEGA_LIMIT:
            board.t_open[tid] = False
            m = board.staff_member(t, (ADMIN, MOD))
            if m >= 0:
                board.open_thread(t, MEGA, m, ANNOUNCE)
            continue
        # 5. the author
        last_author = board.p_author[board.t_posts[tid][-1]]
        m = -1
        if rng.random() < P_ATTACH:
            posts = board.t_posts[tid]
            cand_m = board.p_author[posts[int(rng.integers(len(posts)))]]
            if cand_m != last_author and board.active(t)[cand_m]:
                m = cand_m
        if m < 0:
            m = board.draw_member(t, AFFINITY[region] * RATE, exclude=last_author)
        if m < 0:
            continue
        # 6. the act and its target
        act_, target = _act(board, rng, t, tid, region, m)
        reply = target if target >= 0 and rng.random() < P_EXPLICIT[act_] else -1
        board.post(t, tid, m, act_, reply)
        if act_ == REQUEST and target >= 0 and board.p_act[target] == SHARE and rng.random() < P_PM_REQUEST:
            sharer = board.p_author[target]
            board.messages.append((m, sharer, t + float(rng.exponential(0.2))))
            if rng.random() < P_PM_BACK:
                board.messages.append((sharer, m, t + float(rng.exponential(1.0))))
        elif act_ == ASK:
            _pm_question(board, t, m)

    # staff messages
    staff = np.flatnonzero(np.isin(ptype, (ADMIN, MOD, TECH)))
    for i in staff:
        for j in staff:
            if i != j:
                lo = max(pjoin[i], pjoin[j])
                k = rng.poisson(STAFF_PM_RATE * (DAYS - lo))
                for s in rng.uniform(lo, DAYS, k):
                    board.messages.append((int(i), int(j), float(s)))

    return _tables(rng, n, join, role, pm, board)


def _act(board: _Board, rng, t, tid, region, m):
    """Step 6: the act of member m's post in thread tid and its implied target."""
    typ = int(board.ptype[m])
    last = board.t_posts[tid][-1]
    if region in (TECH_R, QUESTION):
        if typ == TECH:
            return ANSWER, board.latest(tid, (ASK,), m)
        return ASK, board.latest(tid, (ANSWER,), m) if rng.random() < P_FOLLOW_UP else -1
    if region == INTRO:
        return GREETING, board.latest(tid, (INTRO_ACT,), m)
    if region == NEWS:
        return (ANNOUNCE, -1) if typ == ADMIN else (COMMENT, board.latest(tid, (ANNOUNCE,), m))
    if region == CHAT:
        return COMMENT, last if board.p_author[last] != m else -1
    act_ = _pick(rng, np.array(ACTS[typ]))
    if act_ == THANKS:
        return THANKS, board.latest(tid, (SHARE,), m)
    if act_ == SHARE:
        return SHARE, board.latest(tid, (REQUEST,), m) if rng.random() < P_FULFIL else -1
    if act_ == REQUEST:
        return REQUEST, board.latest(tid, (SHARE,), m) if rng.random() < P_ASK_SHARER else -1
    if act_ == MODERATION:
        target = board.latest(tid, (REQUEST,), m)
        return MODERATION, target if target >= 0 else (last if board.p_author[last] != m else -1)
    return COMMENT, last if board.p_author[last] != m else -1


def _pm_question(board: _Board, t, m):
    """Step 7: an asker writes to an active technical member."""
    if board.rng.random() < P_PM_QUESTION:
        r = board.draw_member(t, np.array([0, 0, 1.0, 0, 0, 0, 0]), exclude=m)
        if r >= 0:
            board.messages.append((m, r, t + float(board.rng.exponential(0.5))))


def _tables(rng, n, join, role, pm, board: _Board):
    member_id = np.arange(1, n + 1, dtype=np.int64)
    pid_of = member_id[pm]
    pa = np.asarray(board.p_author, dtype=np.int64)
    pt = np.asarray(board.p_time, dtype=float)
    reply = np.asarray(board.p_reply, dtype=np.int64)
    # post ids in time order (the opening threads were created out of order)
    order = np.argsort(pt, kind="stable")
    new_id = np.empty(len(pt), dtype=np.int64)
    new_id[order] = np.arange(1, len(pt) + 1)
    thread_order = np.argsort(np.asarray(board.t_time), kind="stable")
    new_tid = np.empty(len(thread_order), dtype=np.int64)
    new_tid[thread_order] = np.arange(1, len(thread_order) + 1)
    posts = pd.DataFrame({
        "post_id": new_id[order],
        "thread_id": new_tid[np.asarray(board.p_thread)[order]],
        "author_id": pid_of[pa[order]],
        "created_at": _times(pt[order]),
        "reply_to": pd.array([new_id[r] if r >= 0 else None for r in reply[order]], dtype="Int64"),
    })
    threads = pd.DataFrame({
        "thread_id": np.arange(1, len(thread_order) + 1, dtype=np.int64),
        "subforum_id": np.asarray(board.t_sf, dtype=np.int64)[thread_order] + 1,
        "author_id": pid_of[np.asarray(board.t_author, dtype=np.int64)[thread_order]],
        "created_at": _times(np.asarray(board.t_time)[thread_order]),
    })
    subforums = pd.DataFrame({
        "subforum_id": np.arange(1, len(SUBFORUMS) + 1, dtype=np.int64),
        "name": [s[0] for s in SUBFORUMS],
        "category": [s[1] for s in SUBFORUMS],
        "min_rank": pd.array([None] * len(SUBFORUMS), dtype="Int64"),
    })

    # members: three statuses; the first technical member is staff
    nposts = np.bincount(pm[pa], minlength=n) if len(pa) else np.zeros(n, dtype=np.int64)
    rank = (nposts >= FULL_MEMBER_POSTS).astype(np.int64)
    staff = np.isin(role, (ADMIN, MOD))
    techs = np.flatnonzero(role == TECH)
    if len(techs):
        staff[techs[0]] = True
    rank[staff] = 2
    status = np.array(["member", "full member", "staff"], dtype=object)[rank]
    last_post = np.full(n, -np.inf)
    np.maximum.at(last_post, pm[pa], pt)
    left = join + rng.exponential(LURKER_STAY, n)
    left[pm] = board.leave
    last_seen = np.minimum(np.maximum(left, last_post) + rng.exponential(0.5, n), DAYS)
    members = pd.DataFrame({
        "member_id": member_id,
        "status": status.astype(str),
        "rank_level": rank,
        "joined_at": _times(np.maximum(join, MIGRATION_DAY)),
        "last_seen_at": _times(last_seen),
        "is_staff": staff,
    })
    msg = [(s, r, t) for s, r, t in board.messages if t <= DAYS and s != r]
    msg.sort(key=lambda x: x[2])
    messages = pd.DataFrame({
        "message_id": np.arange(1, len(msg) + 1, dtype=np.int64),
        "sender_id": pid_of[np.array([x[0] for x in msg], dtype=np.int64)],
        "recipient_id": pid_of[np.array([x[1] for x in msg], dtype=np.int64)],
        "created_at": _times([x[2] for x in msg]),
    })

    wrote = nposts > 0
    role = np.where((role >= DIST) & ~wrote, LURK, role)
    truth = pd.DataFrame({
        "member_id": member_id,
        "role": np.array(ROLES, dtype=object)[role].astype(str),
        "key_actor": np.isin(role, (ADMIN, MOD, TECH)),
    })
    tables = {"posts": posts, "threads": threads, "subforums": subforums, "members": members,
              "messages": messages}
    return tables, truth
