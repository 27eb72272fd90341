"""A forum whose moderators welcome newcomers and police the rules.

An independent forum model for the validation suite, written from the domain
notes (``/work/shared/domain.md``) alone: it shares no code or parameters with
``synthetic/`` or ``benchmarks/alt_forum.py``.

Mechanism
---------
An event-driven, continuous-time simulation: one priority queue of timestamped
events, processed in time order (ties by insertion order), so every choice is
made with the state of the forum at that instant (who is active, approved,
which rank they hold). Times are days since :data:`START`; the crawl ends at
:data:`DAYS`.

1. **Accounts.** ``N_MEMBERS * scale`` accounts. :data:`N_ADMINS` founders
   register at day 0; the others at ``DAYS * Beta(*ARRIVAL_BETA)`` (a slow
   start, a peak past the middle). Member ids follow registration order.
   Behaviour types: :data:`N_MODERATORS` moderators drawn among accounts
   registered before :data:`MOD_RECRUIT_DAYS`, :data:`N_TECHNICAL` technical
   members among those registered before ``TECH_RECRUIT_SHARE * DAYS``
   (both scaled by ``sqrt(scale)``, at least 2); of the rest a share
   :data:`P_APPLY` becomes posting members, typed by :data:`TYPE_MIX`
   (distributor, requester, regular, newcomer), and the others are lurkers
   (they register, read and never post). Each posting member has an activity
   ``exp(sigma Z - sigma^2 / 2)`` (mean 1, ``sigma =`` :data:`ACTIVITY_SIGMA`)
   and leaves at ``join + LIFETIME[type]`` (exponential, capped at the crawl).
2. **Application.** Every posting member but the founders opens a thread in
   ``introductions`` after ``Exp(APPLY_DELAY)`` days (even one who then
   leaves at once). With :data:`P_ANSWERED`
   an on-duty moderator answers after ``Exp(ANSWER_DELAY)`` (an admin while no
   moderator is appointed yet); the on-duty moderator is drawn among the
   active appointed moderators with weight ``activity ** DUTY_POWER``, so a
   few moderators do most of the welcoming. The answer approves the member
   (a newcomer is rejected with :data:`P_REJECT`: rank 0, no more posts);
   unanswered applications are approved silently after ``Exp(SILENT_DELAY)``.
   With :data:`P_GREET` another member greets the applicant, and with
   :data:`P_THANKS` the approved applicant thanks the moderator (quotes:
   :data:`P_QUOTE_ANSWER`, :data:`P_QUOTE_THANKS`, :data:`P_QUOTE_DIRECT`
   for the greeting).
3. **Thread starts.** From approval to leaving, each member starts threads of
   each kind by independent Poisson clocks at ``START_RATE[type][kind] *
   activity`` per day (moderators use the regular's rates before their
   appointment and after stepping down). Admins open :data:`N_RULES` rules
   threads in the first days. Distributors share a first item
   ``Exp(FIRST_SHARE_DELAY)`` after approval; a share is a thread in a content
   subforum the member's rank admits (restricted ones preferred,
   :data:`CONTENT_PREFERENCE`). Technical members write ``1 +
   Poisson(TUTORIALS)`` tutorials (technical threads with a larger appeal).
   A start into an area the member's current rank does not admit is dropped.
4. **Replies: a self-exciting (Hawkes) cascade.** A new thread (not an
   application) launches ``Poisson(IMMIGRANTS[kind] * appeal)`` direct
   replies at delays ``Exp(DIRECT_DELAY[kind])`` (``appeal`` lognormal,
   :data:`APPEAL_SIGMA`; :data:`TUTORIAL_APPEAL` for tutorials); every reply
   launches ``Poisson(BRANCHING[kind])`` replies to itself at delays
   ``Exp(CHILD_DELAY)``. This is the cluster representation of a Hawkes
   process with exponential kernels; the branching tree is the reply
   structure. The author of a reply to post *p* (by *a*) is, in order:
   with :data:`P_ANSWER_BACK`, the author of the post *p* answered (the
   conversation goes back to them); else with :data:`P_RETURN` a previous
   poster of the thread drawn in proportion to their posts there
   (preferential attachment); else a member drawn from everyone active,
   approved and admitted by rank, with weight ``AFFINITY[kind][type] *
   activity``. Never *a* itself; a reply without an eligible author is
   dropped. ``reply_to`` is recorded with :data:`P_QUOTE_DIRECT` for replies
   to the opening post and :data:`P_QUOTE_CHILD` for replies to replies
   (the rest are plain replies, no quote).
5. **Patrol.** Each appointed moderator patrols at ``PATROL_RATE *
   activity`` per day: a random post of the last :data:`PATROL_WINDOW` days
   (outside staff, introductions, rules and announcements, not their own,
   in an open thread) gets a brief reply (a warning, ``reply_to`` always
   recorded); with :data:`P_MOVE` the thread is then moved to ``archive``
   and closed (later replies to it are dropped). A warning starts its own
   small cascade (``BRANCHING["patrol"]``).
6. **Ranks.** Updated after every post: 0 ``guest`` (not approved), 1
   ``newbie`` (approved), 2 ``member`` (>= 10 posts), 3 ``full member``
   (>= 40 posts or >= 3 shares), 4 ``senior member`` (>= 8 shares), 5
   ``elite member`` (>= 20 shares): :data:`LADDER`. Only shares lift a member
   above 3, so the ladder is earned by sharing. Moderators hold rank 6
   (``moderator``) from their appointment, admins rank 7. ``content-07``
   admits rank >= 3, ``content-08`` rank >= 4, ``vip`` rank >= 5, ``staff``
   rank >= 6.
7. **Private messages.** Each posting member sends ``Poisson(PM_RATE[type]
   * activity * days active)`` messages at uniform times of their active
   span; the recipient is, with :data:`P_PM_PARTNER`, someone they replied to,
   else a member active then, drawn with weight ``PM_AFFINITY[type][type'] *
   activity`` (requesters write to distributors, staff to staff...).

Metadata, realistic and imperfect
---------------------------------
``members`` is a snapshot at the crawl. One moderator (when there are three or
more) steps down at ``RETIRE_AT * DAYS``: the snapshot shows the ordinary rank
their posts earned and ``is_staff`` False (truth: moderator). The
:data:`N_UPLOADERS` distributors with most shares carry an honorary
``uploader`` status with ``is_staff`` True (truth: distributor). Technical
members hold ordinary ranks and no staff flag. ``last_seen_at`` is missing for
a share :data:`P_HIDDEN_LAST_SEEN` of accounts (hidden online status). Threads
moved by moderators sit in ``archive`` (category ``other``).

Truth
-----
``role`` is the behaviour type drawn in step 1 (admin, moderator, technical,
distributor, requester, regular, newcomer, lurker), whatever the metadata
says, except that an ordinary member with no post before the crawl (one who
registered too late to apply) is a lurker; ``key_actor`` is True for admin,
moderator and technical.
"""
from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

NAME = "welcome"
DESCRIPTION = ("moderators approve applications and police threads (brief warnings, moves); "
               "Hawkes-cascade replies; technical members hold ordinary ranks")

# -- parameters -----------------------------------------------------------------
#: First day of the forum; the crawl is DAYS later (about two years, like fora C and D).
START = pd.Timestamp("2012-05-01", tz="UTC")
DAYS = 700.0
#: Registered accounts at scale 1 (fora C and D: 12-14k members).
N_MEMBERS = 8000
#: Share of ordinary accounts that ever post (the notes: a few percent are communicatively
#: active; an application forum makes posting a larger step, we take 15%).
P_APPLY = 0.15
#: Staff at scale 1 (Table 1: management teams of 1-5; a handful of moderators).
N_ADMINS = 2
N_MODERATORS = 8
N_TECHNICAL = 4
#: Moderators are recruited among early members (registered in the first MOD_RECRUIT_DAYS);
#: technical members among the first TECH_RECRUIT_SHARE of the forum's life.
MOD_RECRUIT_DAYS = 150.0
TECH_RECRUIT_SHARE = 0.6
#: Appointment: APPOINT_MIN + Exp(APPOINT_MEAN) days after registration, before APPOINT_LATEST * DAYS.
APPOINT_MIN, APPOINT_MEAN, APPOINT_LATEST = 20.0, 40.0, 0.5
#: One moderator steps down at RETIRE_AT * DAYS (staff turnover; an imperfection of the snapshot).
RETIRE_AT = 0.7
#: Types of the ordinary posting members (notes: many requesters and one-off posters, few sharers).
TYPE_MIX = {"distributor": 0.12, "requester": 0.20, "regular": 0.28, "newcomer": 0.40}
#: Registration times: DAYS * Beta(a, b) (growth, then a slow decline).
ARRIVAL_BETA = (1.4, 1.6)
#: Mean days from registration to leaving, per type (exponential; distributors stay at least 30).
LIFETIME = {"technical": 450.0, "distributor": 250.0, "requester": 160.0, "regular": 200.0,
            "newcomer": 12.0}
DISTRIBUTOR_MIN_STAY = 30.0
TECHNICAL_MIN_STAY = 200.0
#: Spread of individual activity (lognormal, mean 1): heavy-tailed posting, as in every forum.
ACTIVITY_SIGMA = 0.9
#: Application flow (days): apply soon after registering, answered within a day or so.
APPLY_DELAY, ANSWER_DELAY, SILENT_DELAY = 1.5, 0.6, 3.0
P_ANSWERED = 0.9
DUTY_POWER = 2.0
P_REJECT = 0.15
P_GREET, GREET_DELAY = 0.25, 1.0
P_THANKS, THANKS_DELAY = 0.4, 0.5
#: The answer and the thanks quote the post they answer this often.
P_QUOTE_ANSWER, P_QUOTE_THANKS = 0.5, 0.6
#: Admin rules threads at the start.
N_RULES = 3
#: Distributors share a first item soon after approval; technical members write 1 + Poisson(TUTORIALS).
FIRST_SHARE_DELAY = 7.0
TUTORIALS = 1.5
#: Ranks (index = rank_level). Shares lift a member above "full member".
LADDER = ("guest", "newbie", "member", "full member", "senior member", "elite member")
MOD_RANK, ADMIN_RANK = 6, 7
#: Patrol (per day per moderator), the window of posts patrolled and the chance of a move.
PATROL_RATE, PATROL_WINDOW, P_MOVE = 0.45, 3.0, 0.03
#: Reply cascade: direct replies to an opening post and replies to replies.
P_ANSWER_BACK = 0.3
P_RETURN = 0.25
P_QUOTE_DIRECT, P_QUOTE_CHILD = 0.35, 0.75
APPEAL_SIGMA = 0.6
TUTORIAL_APPEAL = 3.0
CHILD_DELAY = 0.5
#: The top sharers get an honorary staff badge; some accounts hide their last visit.
N_UPLOADERS = 2
P_HIDDEN_LAST_SEEN = 0.04
#: Mean days a lurker keeps visiting; days a retired moderator stays on.
LURKER_STAY, RETIRED_STAY = 40.0, 60.0
#: Private messages.
P_PM_PARTNER = 0.3

ROLES = ("admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker")
ADMIN, MOD, TECH, DIST, REQ, REG, NEWC, LURK = range(8)
KINDS = ("announcements", "rules", "introductions", "question", "tutorial", "content", "requests",
         "social", "vip", "staff")
ANN, RULES, INTRO, QUEST, TUT, CONTENT, REQUESTS, SOCIAL, VIP, STAFF = range(10)

#: Thread starts per day at activity 1, by type and kind (a handful of announcements a month
#: from admins; a share every month or so from distributors; requests from requesters).
START_RATE = {
    ADMIN: {ANN: 0.03, STAFF: 0.03, SOCIAL: 0.005},
    MOD: {STAFF: 0.012, SOCIAL: 0.003, ANN: 0.002},
    TECH: {SOCIAL: 0.004, QUEST: 0.002},
    DIST: {CONTENT: 0.022, SOCIAL: 0.002, VIP: 0.01},
    REQ: {REQUESTS: 0.012, QUEST: 0.003, SOCIAL: 0.001},
    REG: {SOCIAL: 0.004, QUEST: 0.003, REQUESTS: 0.002, CONTENT: 0.001},
    NEWC: {QUEST: 0.01, REQUESTS: 0.01},
}
#: Reply-author weights by thread kind (rows) and type (columns: admin, moderator, technical,
#: distributor, requester, regular, newcomer). Technical members dominate the answers to
#: questions; requesters and regulars the replies to shares; distributors answer requests.
AFFINITY = np.array([
    [0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 0.5],   # announcements
    [0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0],   # rules
    [0.2, 0.0, 0.3, 0.3, 0.5, 1.0, 0.5],   # introductions (greeters; moderators answer by duty)
    [0.5, 0.5, 150.0, 0.3, 0.3, 0.5, 0.2],  # technical question
    [0.3, 0.3, 5.0, 1.0, 1.0, 1.0, 1.0],   # tutorial
    [0.05, 0.2, 0.3, 1.5, 3.0, 1.5, 0.5],  # content (a share)
    [0.05, 0.3, 0.2, 3.0, 1.0, 1.0, 0.2],  # requests
    [0.5, 1.0, 1.0, 1.0, 0.7, 2.0, 0.3],   # social
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],   # vip (rank decides who is there)
    [2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],   # staff
])
#: Mean direct replies per thread (before appeal) and replies per reply, by kind.
IMMIGRANTS = np.array([6.0, 4.0, 0.0, 2.0, 8.0, 8.0, 2.5, 6.0, 4.0, 4.0])
BRANCHING = {**dict(enumerate([0.2, 0.1, 0.0, 0.5, 0.3, 0.35, 0.4, 0.6, 0.5, 0.5])), "patrol": 0.3}
DIRECT_DELAY = np.array([1.0, 2.0, 1.0, 0.7, 3.0, 1.5, 1.0, 1.0, 1.0, 0.7])
#: Private messages per active day, and recipient weights by sender (rows) and recipient type.
PM_RATE = np.array([0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.02])
PM_AFFINITY = np.array([
    [3.0, 5.0, 2.0, 0.5, 0.1, 0.1, 0.1],
    [5.0, 3.0, 1.0, 0.3, 0.3, 0.3, 1.0],
    [2.0, 1.0, 2.0, 0.3, 0.3, 0.5, 0.3],
    [0.3, 0.3, 0.2, 2.0, 1.0, 0.5, 0.1],
    [0.2, 0.5, 0.3, 4.0, 0.5, 0.3, 0.1],
    [0.2, 0.5, 0.3, 1.0, 0.5, 1.0, 0.2],
    [0.5, 3.0, 0.3, 0.5, 0.2, 0.2, 0.2],
])

#: Subforums: (name, category, min_rank, kind of the threads started there).
SUBFORUMS = (
    [("announcements", "announcements", None, ANN), ("rules", "rules", None, RULES),
     ("introductions", "introductions", None, INTRO), ("technical", "technical", None, QUEST)]
    + [(f"content-{i:02d}", "content", None, CONTENT) for i in range(1, 7)]
    + [("content-07", "content", 3, CONTENT), ("content-08", "content", 4, CONTENT),
       ("requests", "requests", None, REQUESTS), ("lounge", "social", None, SOCIAL),
       ("vip", "private", 5, VIP), ("staff", "private", MOD_RANK, STAFF), ("archive", "other", None, None)]
)
#: Weight of each content subforum a sharer may use (restricted ones preferred by those admitted).
CONTENT_PREFERENCE = {"content-07": 2.0, "content-08": 3.0}

# Event kinds of the queue.
_APPLY, _ANSWER, _SILENT, _GREET, _THANKS, _START, _REPLY, _PATROL, _APPOINT, _RETIRE, _LEAVE = range(11)


def _pick(rng, w) -> int:
    """An index drawn with weights w (-1 when all are zero)."""
    total = float(np.sum(w))
    if total <= 0:
        return -1
    return int(min(np.searchsorted(np.cumsum(w), rng.random() * total, side="right"), len(w) - 1))


def _activity(rng, n):
    return np.exp(ACTIVITY_SIGMA * rng.standard_normal(n) - ACTIVITY_SIGMA ** 2 / 2)


def _times(days) -> pd.Series:
    """Days since START as UTC timestamps (to the second)."""
    return pd.Series(START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s"))


class _Forum:
    """The state of the simulation (posting members only are indexed 0..P-1)."""

    def __init__(self, rng, join, leave, ptype, act, appoint, retire):
        self.rng = rng
        self.join, self.leave, self.ptype, self.act = join, leave, ptype, act
        self.appoint, self.retire = appoint, retire
        p = len(join)
        self.eff = np.where(ptype == MOD, REG, ptype)  # behaviour now
        self.avail = np.zeros(p, dtype=bool)           # approved and not yet left
        self.approved = np.zeros(p, dtype=bool)
        self.rank = np.zeros(p, dtype=np.int64)
        self.nposts = np.zeros(p, dtype=np.int64)
        self.nshares = np.zeros(p, dtype=np.int64)
        self.queue: list = []
        self.seq = 0
        # posts
        self.p_time, self.p_thread, self.p_author, self.p_reply, self.p_parent = [], [], [], [], []
        # threads
        self.t_sf, self.t_kind, self.t_author, self.t_time = [], [], [], []
        self.t_closed, self.t_authors = [], []
        self.sf_min = np.array([-1 if m is None else m for _, _, m, _ in SUBFORUMS])
        self.sf_names = [s[0] for s in SUBFORUMS]
        self.content_sf = [i for i, s in enumerate(SUBFORUMS) if s[3] == CONTENT]
        self.kind_sf = {k: i for i, s in reversed(list(enumerate(SUBFORUMS))) if (k := s[3]) is not None}
        self.kind_sf[TUT] = self.kind_sf[QUEST]
        self.archive = len(SUBFORUMS) - 1

    # -- queue --------------------------------------------------------------------
    def push(self, t, kind, a=-1, b=-1):
        if t <= DAYS:
            heapq.heappush(self.queue, (t, self.seq, kind, a, b))
            self.seq += 1

    # -- posts and threads ------------------------------------------------------------
    def post(self, t, thread, author, parent=-1, reply=-1):
        pid = len(self.p_time)
        self.p_time.append(t)
        self.p_thread.append(thread)
        self.p_author.append(author)
        self.p_parent.append(parent)
        self.p_reply.append(reply)
        self.t_authors[thread].append(author)
        self.nposts[author] += 1
        self._rerank(author)
        return pid

    def thread(self, t, sf, kind, author):
        tid = len(self.t_time)
        self.t_sf.append(sf)
        self.t_kind.append(kind)
        self.t_author.append(author)
        self.t_time.append(t)
        self.t_closed.append(False)
        self.t_authors.append([])
        pid = self.post(t, tid, author)
        if kind == CONTENT:
            self.nshares[author] += 1
            self._rerank(author)
        return tid, pid

    def _ladder(self, m):
        if not self.approved[m]:
            return 0
        n, s = self.nposts[m], self.nshares[m]
        if s >= 20:
            return 5
        if s >= 8:
            return 4
        if n >= 40 or s >= 3:
            return 3
        return 2 if n >= 10 else 1

    def _rerank(self, m):
        if self.rank[m] < MOD_RANK:
            self.rank[m] = self._ladder(m)

    # -- choosing authors ---------------------------------------------------------------
    def eligible(self, m, min_rank):
        return bool(self.avail[m]) and self.rank[m] >= min_rank

    def draw_pool(self, kind, min_rank, exclude):
        w = AFFINITY[kind][self.eff] * self.act
        w = np.where(self.avail & (self.rank >= min_rank), w, 0.0)
        if exclude >= 0:
            w[exclude] = 0.0
        return _pick(self.rng, w)

    def reply_author(self, thread, parent):
        rng = self.rng
        kind = self.t_kind[thread]
        min_rank = max(self.sf_min[self.t_sf[thread]], 1)
        a = self.p_author[parent]
        grand = self.p_parent[parent]
        if grand >= 0 and rng.random() < P_ANSWER_BACK:
            b = self.p_author[grand]
            if b != a and self.eligible(b, min_rank):
                return b
        if rng.random() < P_RETURN:
            authors = self.t_authors[thread]
            b = authors[int(rng.integers(len(authors)))]
            if b != a and self.eligible(b, min_rank):
                return b
        return self.draw_pool(kind, min_rank, a)

    # -- scheduling ----------------------------------------------------------------------
    def clocks(self, m, role, t0, t1):
        """Poisson thread-start clocks of member m acting as `role` over [t0, t1)."""
        if t1 <= t0:
            return
        for kind, rate in START_RATE[role].items():
            n = self.rng.poisson(rate * self.act[m] * (t1 - t0))
            for t in np.sort(self.rng.uniform(t0, t1, n)):
                self.push(float(t), _START, m, kind)

    def cascade(self, t, thread, parent, mean, delay):
        n = self.rng.poisson(mean)
        for d in self.rng.exponential(delay, n):
            self.push(t + float(d), _REPLY, thread, parent)

    def approve(self, m, t):
        self.approved[m] = True
        self.avail[m] = t < self.leave[m]
        self._rerank(m)
        role = int(self.ptype[m])
        if role == MOD:
            self.clocks(m, REG, t, min(self.appoint[m], self.leave[m]))
        else:
            self.clocks(m, role, t, self.leave[m])
        if role == DIST:
            self.push(t + float(self.rng.exponential(FIRST_SHARE_DELAY)), _START, m, CONTENT)
        if role == TECH:
            n = 1 + self.rng.poisson(TUTORIALS)
            lo = min(t + 10.0, self.leave[m])
            for s in np.sort(self.rng.uniform(lo, self.leave[m], n)):
                self.push(float(s), _START, m, TUT)
        self.push(self.leave[m], _LEAVE, m)

    # -- the run --------------------------------------------------------------------------
    def run(self, admins):
        rng = self.rng
        for m in admins:
            self.approved[m] = self.avail[m] = True
            self.rank[m] = ADMIN_RANK
            self.clocks(m, ADMIN, 0.0, DAYS)
        for i, t in enumerate(np.sort(rng.uniform(0.0, 2.0, N_RULES))):
            self.push(float(t), _START, admins[i % len(admins)], RULES)
        for m in np.flatnonzero(self.ptype != ADMIN):
            self.push(self.join[m] + float(rng.exponential(APPLY_DELAY)), _APPLY, int(m))
        for m in np.flatnonzero(self.ptype == MOD):
            self.push(self.appoint[m], _APPOINT, int(m))
            if np.isfinite(self.retire[m]):
                self.push(self.retire[m], _RETIRE, int(m))
        self.admins = admins
        while self.queue:
            t, _, ev, a, b = heapq.heappop(self.queue)
            getattr(self, _HANDLERS[ev])(t, a, b)

    def on_apply(self, t, m, _):
        tid, pid = self.thread(t, self.kind_sf[INTRO], INTRO, m)
        if self.rng.random() < P_ANSWERED:
            self.push(t + float(self.rng.exponential(ANSWER_DELAY)), _ANSWER, tid, pid)
        else:
            self.push(t + float(self.rng.exponential(SILENT_DELAY)), _SILENT, m)
        if self.rng.random() < P_GREET:
            self.push(t + float(self.rng.exponential(GREET_DELAY)), _GREET, tid, pid)

    def on_answer(self, t, tid, pid):
        m = self.t_author[tid]
        mods = np.flatnonzero((self.eff == MOD) & self.avail)
        pool = mods if len(mods) else np.array([x for x in self.admins if self.avail[x]])
        w = self.act[pool] ** DUTY_POWER
        who = int(pool[_pick(self.rng, w)])
        reply = pid if self.rng.random() < P_QUOTE_ANSWER else -1
        apid = self.post(t, tid, who, parent=pid, reply=reply)
        if self.ptype[m] == NEWC and self.rng.random() < P_REJECT:
            return
        self.approve(m, t)
        if self.rng.random() < P_THANKS:
            self.push(t + float(self.rng.exponential(THANKS_DELAY)), _THANKS, tid, apid)

    def on_silent(self, t, m, _):
        self.approve(m, t)

    def on_greet(self, t, tid, pid):
        who = self.draw_pool(INTRO, 1, self.t_author[tid])
        if who >= 0:
            self.post(t, tid, who, parent=pid, reply=pid if self.rng.random() < P_QUOTE_DIRECT else -1)

    def on_thanks(self, t, tid, pid):
        m = self.t_author[tid]
        if self.avail[m]:
            self.post(t, tid, m, parent=pid, reply=pid if self.rng.random() < P_QUOTE_THANKS else -1)

    def on_start(self, t, m, kind):
        if not self.avail[m]:
            return
        rank = self.rank[m]
        if kind == CONTENT:
            allowed = [s for s in self.content_sf if self.sf_min[s] <= rank]
            w = np.array([CONTENT_PREFERENCE.get(self.sf_names[s], 1.0) for s in allowed])
            sf = allowed[_pick(self.rng, w)]
        else:
            sf = self.kind_sf[kind]
            if self.sf_min[sf] > rank:
                return
        tid, pid = self.thread(t, sf, kind, m)
        appeal = TUTORIAL_APPEAL if kind == TUT else float(np.exp(APPEAL_SIGMA * self.rng.standard_normal()))
        self.cascade(t, tid, pid, IMMIGRANTS[kind] * appeal, DIRECT_DELAY[kind])

    def on_reply(self, t, tid, parent):
        if self.t_closed[tid]:
            return
        who = self.reply_author(tid, parent)
        if who < 0:
            return
        direct = self.p_parent[parent] < 0
        quote = self.rng.random() < (P_QUOTE_DIRECT if direct else P_QUOTE_CHILD)
        pid = self.post(t, tid, who, parent=parent, reply=parent if quote else -1)
        self.cascade(t, tid, pid, BRANCHING[self.t_kind[tid]], CHILD_DELAY)

    def on_patrol(self, t, m, _):
        if self.eff[m] != MOD or not self.avail[m]:
            return
        lo = int(np.searchsorted(self.p_time, t - PATROL_WINDOW))
        n = len(self.p_time)
        if n <= lo:
            return
        for _ in range(10):
            target = int(self.rng.integers(lo, n))
            tid = self.p_thread[target]
            if (self.t_kind[tid] not in (STAFF, INTRO, RULES, ANN) and not self.t_closed[tid]
                    and self.p_author[target] != m and self.sf_min[self.t_sf[tid]] <= self.rank[m]):
                break
        else:
            return
        pid = self.post(t, tid, m, parent=target, reply=target)
        if self.t_kind[tid] in (CONTENT, REQUESTS, SOCIAL) and self.rng.random() < P_MOVE:
            self.t_sf[tid] = self.archive
            self.t_closed[tid] = True
            return
        self.cascade(t, tid, pid, BRANCHING["patrol"], CHILD_DELAY)

    def on_appoint(self, t, m, _):
        if not self.approved[m]:
            self.approved[m] = True
        self.avail[m] = t < self.leave[m]
        self.eff[m] = MOD
        self.rank[m] = MOD_RANK
        end = min(self.retire[m], self.leave[m])
        self.clocks(m, MOD, t, end)
        if end > t:
            n = self.rng.poisson(PATROL_RATE * self.act[m] * (end - t))
            for s in np.sort(self.rng.uniform(t, end, n)):
                self.push(float(s), _PATROL, m)

    def on_retire(self, t, m, _):
        self.eff[m] = REG
        self.rank[m] = 0
        self._rerank(m)
        self.clocks(m, REG, t, self.leave[m])

    def on_leave(self, t, m, _):
        self.avail[m] = False


_HANDLERS = {_APPLY: "on_apply", _ANSWER: "on_answer", _SILENT: "on_silent", _GREET: "on_greet",
             _THANKS: "on_thanks", _START: "on_start", _REPLY: "on_reply", _PATROL: "on_patrol",
             _APPOINT: "on_appoint", _RETIRE: "on_retire", _LEAVE: "on_leave"}


def _messages(rng, f: _Forum, start_active: np.ndarray):
    """Private messages (step 7); returns sender, recipient, time arrays over posting indices."""
    partners: dict[int, list[int]] = {}
    p_author = np.asarray(f.p_author)
    p_parent = np.asarray(f.p_parent)
    has = p_parent >= 0
    for s, r in zip(p_author[has], p_author[p_parent[has]]):
        partners.setdefault(int(s), []).append(int(r))
    ptype = f.ptype
    span_lo = start_active
    span_hi = f.leave
    senders, recipients, times = [], [], []
    for m in range(len(ptype)):
        if not np.isfinite(span_lo[m]) or span_hi[m] <= span_lo[m]:
            continue
        n = rng.poisson(PM_RATE[ptype[m]] * f.act[m] * (span_hi[m] - span_lo[m]))
        for t in np.sort(rng.uniform(span_lo[m], span_hi[m], n)):
            if m in partners and rng.random() < P_PM_PARTNER:
                r = partners[m][int(rng.integers(len(partners[m])))]
            else:
                active = (span_lo <= t) & (span_hi > t)
                w = np.where(active, PM_AFFINITY[ptype[m]][ptype] * f.act, 0.0)
                w[m] = 0.0
                r = _pick(rng, w)
                if r < 0:
                    continue
            if r != m:
                senders.append(m)
                recipients.append(r)
                times.append(float(t))
    return np.array(senders, dtype=np.int64), np.array(recipients, dtype=np.int64), np.array(times)


def generate(seed: int = 0, scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Generate the forum; returns ``(tables, truth)`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = max(int(round(N_MEMBERS * scale)), 200)
    staff_scale = np.sqrt(scale)
    n_mod = max(2, int(round(N_MODERATORS * staff_scale)))
    n_tech = max(2, int(round(N_TECHNICAL * staff_scale)))

    # 1. accounts and types
    join = np.concatenate([np.zeros(N_ADMINS), np.sort(DAYS * rng.beta(*ARRIVAL_BETA, n - N_ADMINS))])
    role = np.full(n, LURK, dtype=np.int64)
    role[:N_ADMINS] = ADMIN
    early = np.flatnonzero((join < MOD_RECRUIT_DAYS) & (role == LURK))
    role[rng.choice(early, n_mod, replace=False)] = MOD
    mid = np.flatnonzero((join < TECH_RECRUIT_SHARE * DAYS) & (role == LURK))
    role[rng.choice(mid, n_tech, replace=False)] = TECH
    rest = np.flatnonzero(role == LURK)
    posting = rest[rng.random(len(rest)) < P_APPLY]
    names = list(TYPE_MIX)
    role[posting] = rng.choice([ROLES.index(x) for x in names], len(posting), p=list(TYPE_MIX.values()))

    # posting members: indices into the simulation arrays
    pm = np.flatnonzero(role != LURK)
    ptype = role[pm]
    pjoin = join[pm]
    act = _activity(rng, len(pm))
    life = np.zeros(len(pm))
    for r in (TECH, DIST, REQ, REG, NEWC):
        sel = ptype == r
        life[sel] = rng.exponential(LIFETIME[ROLES[r]], sel.sum())
    life[ptype == DIST] += DISTRIBUTOR_MIN_STAY
    life[ptype == TECH] += TECHNICAL_MIN_STAY
    leave = np.where(np.isin(ptype, (ADMIN, MOD)), DAYS, np.minimum(pjoin + life, DAYS))
    appoint = np.full(len(pm), np.inf)
    retire = np.full(len(pm), np.inf)
    mods = np.flatnonzero(ptype == MOD)
    appoint[mods] = np.minimum(pjoin[mods] + APPOINT_MIN + rng.exponential(APPOINT_MEAN, len(mods)),
                               APPOINT_LATEST * DAYS)
    retired = -1
    if len(mods) >= 3:
        retired = int(mods[rng.integers(len(mods))])
        retire[retired] = RETIRE_AT * DAYS
        leave[retired] = min(DAYS, RETIRE_AT * DAYS + rng.exponential(RETIRED_STAY))

    # 2.-6. the event-driven run
    f = _Forum(rng, pjoin, leave, ptype, act, appoint, retire)
    admins = [int(i) for i in np.flatnonzero(ptype == ADMIN)]
    f.run(admins)

    # 7. private messages (from approval, or the application, to leaving)
    first_post = np.full(len(pm), np.inf)
    pa = np.asarray(f.p_author)
    pt = np.asarray(f.p_time)
    np.minimum.at(first_post, pa, pt)
    first_post[ptype == ADMIN] = 0.0
    first_post[~f.approved] = np.inf
    snd, rcp, mt = _messages(rng, f, first_post)

    # -- tables -------------------------------------------------------------------------
    member_id = np.arange(1, n + 1, dtype=np.int64)
    pid_of = member_id[pm]
    n_posts, n_threads = len(f.p_time), len(f.t_time)
    reply = np.asarray(f.p_reply, dtype=np.int64)
    posts = pd.DataFrame({
        "post_id": np.arange(1, n_posts + 1, dtype=np.int64),
        "thread_id": np.asarray(f.p_thread, dtype=np.int64) + 1,
        "author_id": pid_of[pa],
        "created_at": _times(pt),
        "reply_to": pd.array(np.where(reply >= 0, reply + 1, 0), dtype="Int64"),
    })
    posts.loc[reply < 0, "reply_to"] = pd.NA
    threads = pd.DataFrame({
        "thread_id": np.arange(1, n_threads + 1, dtype=np.int64),
        "subforum_id": np.asarray(f.t_sf, dtype=np.int64) + 1,
        "author_id": pid_of[np.asarray(f.t_author, dtype=np.int64)],
        "created_at": _times(f.t_time),
    })
    subforums = pd.DataFrame({
        "subforum_id": np.arange(1, len(SUBFORUMS) + 1, dtype=np.int64),
        "name": [s[0] for s in SUBFORUMS],
        "category": [s[1] for s in SUBFORUMS],
        "min_rank": pd.array([s[2] for s in SUBFORUMS], dtype="Int64"),
    })

    # members: a snapshot at the crawl
    rank = np.zeros(n, dtype=np.int64)
    rank[pm] = f.rank
    status = np.array([LADDER[min(r, 5)] for r in rank], dtype=object)
    status[rank == MOD_RANK] = "moderator"
    status[rank == ADMIN_RANK] = "administrator"
    is_staff = rank >= MOD_RANK
    shares = np.zeros(n, dtype=np.int64)
    shares[pm] = f.nshares
    dist = np.flatnonzero(role == DIST)
    top = dist[np.argsort(-shares[dist], kind="stable")[:N_UPLOADERS]]
    top = top[shares[top] > 0]
    status[top] = "uploader"
    is_staff[top] = True
    last_post = np.full(n, -np.inf)
    np.maximum.at(last_post, pm[pa], pt)
    left = np.full(n, np.nan)
    left[pm] = leave
    lurk = role == LURK
    left[lurk] = join[lurk] + rng.exponential(LURKER_STAY, lurk.sum())
    last_seen = np.minimum(np.maximum(left, last_post) + rng.exponential(1.0, n), DAYS)
    last_seen_ts = _times(last_seen).where(rng.random(n) >= P_HIDDEN_LAST_SEEN)
    members = pd.DataFrame({
        "member_id": member_id,
        "status": status.astype(str),
        "rank_level": rank,
        "joined_at": _times(join),
        "last_seen_at": last_seen_ts,
        "is_staff": is_staff,
    })
    messages = pd.DataFrame({
        "message_id": np.arange(1, len(snd) + 1, dtype=np.int64),
        "sender_id": pid_of[snd] if len(snd) else np.array([], dtype=np.int64),
        "recipient_id": pid_of[rcp] if len(rcp) else np.array([], dtype=np.int64),
        "created_at": _times(mt),
    }).sort_values("created_at", kind="stable").reset_index(drop=True)
    messages["message_id"] = np.arange(1, len(messages) + 1, dtype=np.int64)

    # truth: the type, except that an ordinary member with no post in the crawl (registered too
    # late to apply) behaved as a lurker
    wrote = np.zeros(n, dtype=bool)
    wrote[pm[np.unique(pa)]] = True
    role = np.where((role >= DIST) & ~wrote, LURK, role)
    roles = np.array(ROLES, dtype=object)[role]
    truth = pd.DataFrame({
        "member_id": member_id,
        "role": roles.astype(str),
        "key_actor": np.isin(role, (ADMIN, MOD, TECH)),
    })
    tables = {"posts": posts, "threads": threads, "subforums": subforums, "members": members,
              "messages": messages}
    return tables, truth
