"""Career forum: an agent-based model in which members move between roles.

A validation model for the key-actor detector, written from the project's
domain notes (``/work/shared/domain.md``) and general knowledge of online
communities (newcomer socialisation and "legitimate peripheral
participation": members enter at the edge and some move to the centre;
moderators are promoted from the most active members; staff burn out and
step down). It shares no code with ``synthetic/`` or
``benchmarks/alt_forum.py``.

Mechanism
---------
The forum lives ``DAYS`` days and is simulated one day at a time; within a
day, posts are discrete events processed in time order (a heap), so every
reply follows the post it answers.

*Founding.* ``1..5`` admins (drawn uniformly, Table 1 of the study: 1, 1, 4
and 5) register on day 0, write ``N_RULES`` rules threads and a welcome
announcement, and run the forum to its end (they neither leave nor retire).

*Registration.* Members register by a Poisson process (``REGISTRATIONS x
scale`` expected) whose daily intensity ramps up over ``RAMP_DAYS`` (word of
mouth) and is boosted ``CAMPAIGN_BOOST`` times during ``CAMPAIGNS``
advertising campaigns of ``CAMPAIGN_DAYS`` days each (the management
"advertises other fora and recruits"). A member takes part from the day
after registering. Everyone registers as a **newcomer**; a registrant has a
voice with probability ``P_VOICE``, and the voiceless (the lurkers) never
post and leave with daily hazard ``LEAVE_HAZARD["lurker"]``. Every member
has a log-normal activity propensity (``ACTIVITY_SIGMA``, mean 1), and a
share ``P_TECH_SKILL`` of the voiced ones are technically skilled (they
reply in technical threads ``TECH_SKILL_BOOST`` times as often).

*Careers (daily hazards).* With probability ``P_INTRO`` a voiced newcomer
writes an introduction thread ``Exp(INTRO_DELAY)`` days after the start of
their first day. From ``SETTLE_AFTER`` days after joining and once they
have posted, a newcomer settles with daily hazard ``SETTLE_HAZARD`` into one
of the member roles **regular**, **requester** or **distributor** (the
sharer), drawn with ``SETTLE_SHARES``. Member roles then drift with the daily
hazards of ``DRIFT`` (a requester starts sharing, a sharer stops...). Each
role has a daily departure hazard ``LEAVE_HAZARD``; departed members never
come back.

*Recruitment.* Every ``RECRUIT_EVERY`` days the admins compare the staff with
the forum's size. The moderator target is ``ceil(active posters /
POSTERS_PER_MOD)`` (at most ``MAX_MODS``), from day ``MOD_START_DAY`` on; the
technical target is ``1 + floor(active posters / POSTERS_PER_TECH)`` (at most
``MAX_TECH``) from day ``TECH_START_DAY`` on. Below target, one member is
recruited per check and staff kind. Moderator candidates: present, voiced,
not newcomers, never staff before, at least ``MOD_MIN_TENURE`` days of
membership and ``MOD_MIN_POSTS`` posts; drawn with probability proportional
to ``recent_posts ** RECRUIT_POWER`` (``recent_posts`` is an exponentially
decayed post count, time constant ``RECENT_DAYS``). Technical candidates: the
same, but technically skilled with at least ``TECH_MIN_POSTS`` posts in
technical subforums, weighted by those posts. Staff are therefore recruited
from active members partway through the forum's life; the admin sends the
recruit a private message and, with probability ``P_RECRUIT_ANNOUNCE``,
announces the promotion. Moderators retire with daily hazard
``RETIRE_HAZARD["moderator"]``, technical members with
``RETIRE_HAZARD["technical"]``; a retired member becomes a regular with half
their activity and leaves at once with probability ``P_LEAVE_ON_RETIRE``.

*Conversations.* Threads live in subforums of ten kinds (announcements,
rules, introductions, technical, content, requests, social, VIP, staff room,
feedback). Each day every present voiced member starts ``Poisson(activity x
START_RATE[role, kind])`` threads (admins, moderators and technical members
with activity 1), in a subforum of that kind drawn by ``SUBFORUM_WEIGHT``
among those open to them. A thread of kind ``k`` expects ``REPLIES[k] x
quality x audience`` random replies in all: on day ``g = 1, 2, ...`` after
its creation ``Poisson(REPLIES[k] (1 - DECAY[k]) DECAY[k]^(g-1) x quality x
audience)`` (``quality`` log-normal with sigma ``QUALITY_SIGMA`` and mean 1;
``audience = n / (n + HALF_AUDIENCE)`` for the ``n`` present voiced members
at creation), at uniform times of the day, until closed or below 0.01
expected. Each reply first picks its target: the previous post, the first
post or another earlier post with probabilities ``REPLY_TO_SHARES``, else
nothing. Its author is, with probability ``P_RETURN``, a present earlier
participant of the thread (the starter counted ``STARTER_WEIGHT`` times),
otherwise a present voiced member drawn with weight ``activity x
AFFINITY[role, kind]`` (staff: ``STAFF_ACTIVITY x AFFINITY``) among those
allowed in the subforum (rank at least ``min_rank``; admins and moderators
everywhere, technical members in the private areas); up to three draws
avoid answering oneself. Duties come on top, each a scheduled event:

* an introduction is greeted by a moderator (an admin while there is no
  moderator) with probability ``P_GREET`` after ``Exp(GREET_DELAY)`` days;
* a technical thread started by a non-technical member is answered by a
  technical member (without one: a technically skilled member, else an
  admin) with probability ``P_TECH_ANSWER`` after ``Exp(ANSWER_DELAY)``
  days; the asker follows up with probability ``P_FOLLOW_UP`` and the same
  answerer replies again with probability ``P_TECH_ANSWER`` (at most
  ``MAX_ROUNDS`` rounds);
* a request is fulfilled by a distributor with probability ``P_FULFIL``
  and thanked by the requester with probability ``P_THANKS``;
* a thread started by a non-staff member in a public subforum
  (``PUBLIC_KINDS``) gets a short moderation note (moved, closed, rule
  reminder) from a moderator (an admin while there is none) with
  probability ``P_MOD_NOTE`` after ``Exp(MOD_NOTE_DELAY)`` days, quoting the
  last post in three cases of ten; half of the notes close the thread.

*Private messages.* The admin and the recruit exchange a message on
recruitment; each present staff member sends ``Poisson(STAFF_PM_RATE)``
messages a day to other staff; a reply in a content or requests thread comes
with a message to the thread's starter with probability ``P_TRADE_PM``
(answered with probability one half); a moderation note comes with a
warning message to the starter with probability ``P_WARN_PM``.

*Metadata (realistic and imperfect).* Ranks follow the post count
(``RANK_POSTS``) and sharing (``VIP_SHARES`` content threads and 25 posts
make a member "vip", the study's "sharing raises status"); they are updated
daily and gate the restricted subforums; moderators and admins hold
staff ranks and ``is_staff``; technical members hold an ordinary rank and no
staff flag, except that a share ``P_TECH_TITLE`` of them carry a "tech team"
title at the vip level. Retired staff keep a "retired staff" status at their
ordinary rank level. Technical members may post in the staff room without
its rank (a secondary group), and one social subforum is filed under
"other". Member ids are a random permutation (pseudonyms), not the
registration order.

Truth rule
----------
Every member's career is recorded as spells (member, role, start, end).

* A member who was ever an admin is ``admin``.
* A member who holds a staff role (moderator or technical) at the end of the
  data, or who held staff roles for at least ``KEY_MIN_DAYS`` days in total
  before retiring, is a key actor; their role is the staff role held
  longest.
* Anyone else who never posted is a ``lurker``.
* Anyone else is the member role (newcomer, regular, requester,
  distributor) held for the most days (a tie goes to the later role); a
  short-lived moderator or technical member who retired is judged by their
  other roles.

``key_actor`` is true for admin, moderator and technical.

Parameters
----------
seed : int
    Seed of ``numpy.random.default_rng``; the only source of randomness.
scale : float
    Multiplies the expected number of registrations (and so the posting
    population); staff numbers follow from the recruitment targets.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

NAME = "career"
DESCRIPTION = ("agent-based forum whose members move between roles: admins found it, moderators and "
               "technical members are recruited from active members later and may retire")

# --- time and size ------------------------------------------------------------
START = pd.Timestamp("2012-05-01", tz="UTC")
DAYS = 760                      # two years: Table 1 fora were online one to four years
REGISTRATIONS = 8500            # expected registrations at scale 1 (Table 1: 12,215-105,650 members; smaller here)
RAMP_DAYS = 90                  # registrations ramp up over about a quarter (general forum knowledge)
CAMPAIGNS = 4                   # advertising campaigns (domain notes: management advertises and recruits)
CAMPAIGN_DAYS = 14
CAMPAIGN_BOOST = 2.5
ADMINS = (1, 5)                 # management team size, uniform in [1, 5] (Table 1: 5, 1, 1, 4)
N_RULES = 3                     # rules threads written at founding

# --- members ------------------------------------------------------------------
P_VOICE = 0.18                  # registrants who ever post (domain notes: most only read; 3.4% in one large forum)
ACTIVITY_SIGMA = 1.0            # log-normal activity: heavy-tailed post counts (general forum knowledge)
P_TECH_SKILL = 0.08             # technically skilled share of the voiced members (general knowledge)
TECH_SKILL_BOOST = 4.0
P_INTRO = 0.6                   # newcomers writing an introduction (domain notes: introductions subforums)
INTRO_DELAY = 2.0               # days, mean
SETTLE_AFTER = 14               # days before a newcomer can settle into a member role
SETTLE_HAZARD = 1 / 20
SETTLE_SHARES = {"regular": 0.45, "requester": 0.37, "distributor": 0.18}
DRIFT = {                       # daily hazards between member roles (general forum knowledge)
    ("requester", "distributor"): 1 / 300,
    ("requester", "regular"): 1 / 500,
    ("distributor", "regular"): 1 / 400,
    ("regular", "requester"): 1 / 600,
}
LEAVE_HAZARD = {                # daily; members leave after a while (domain notes)
    "lurker": 1 / 75, "newcomer": 1 / 45, "regular": 1 / 365,
    "requester": 1 / 250, "distributor": 1 / 400,
}

# --- staff ----------------------------------------------------------------------
RECRUIT_EVERY = 7
MOD_START_DAY = 40              # admins moderate alone while the forum is small
POSTERS_PER_MOD = 50
MAX_MODS = 10
TECH_START_DAY = 25             # hosting and security need help early (domain notes)
POSTERS_PER_TECH = 100
MAX_TECH = 5
MOD_MIN_TENURE = 45             # days of membership before promotion
MOD_MIN_POSTS = 15
TECH_MIN_POSTS = 3              # posts in technical subforums
RECENT_DAYS = 60                # time constant of the recent-activity score
RECRUIT_POWER = 1.5
P_RECRUIT_ANNOUNCE = 0.5
RETIRE_HAZARD = {"moderator": 1 / 500, "technical": 1 / 600}   # staff step down (general knowledge)
P_LEAVE_ON_RETIRE = 0.4
P_TECH_TITLE = 0.5              # technical members with a visible "tech team" title
KEY_MIN_DAYS = 90               # truth: a retired staff member counts after 90 days in office

# --- subforums --------------------------------------------------------------------
KINDS = ("announcements", "rules", "introductions", "technical", "content",
         "requests", "social", "vip", "staff", "feedback")
K = {k: i for i, k in enumerate(KINDS)}
# (name, kind, category, min_rank); Table 1: 3-34 subforums
SUBFORUMS = [
    ("announcements", "announcements", "announcements", None),
    ("rules", "rules", "rules", None),
    ("introductions", "introductions", "introductions", None),
    ("technical-support", "technical", "technical", None),
    ("security", "technical", "technical", None),
    ("content-01", "content", "content", None),
    ("content-02", "content", "content", None),
    ("content-03", "content", "content", None),
    ("content-04", "content", "content", None),
    ("content-05", "content", "content", 1),
    ("content-06", "content", "content", 2),
    ("requests", "requests", "requests", None),
    ("requests-archive", "requests", "requests", None),
    ("lounge", "social", "social", None),
    ("off-topic", "social", "other", None),   # imperfect metadata: social filed under "other"
    ("vip-lounge", "vip", "private", 4),
    ("staff-room", "staff", "private", 5),
    ("feedback", "feedback", "other", None),
]
# Relative popularity of the subforums of one kind (within-kind choice of a new thread).
SUBFORUM_WEIGHT = {"technical-support": 2.0, "security": 1.0, "content-01": 3.0, "content-02": 2.0,
                   "content-03": 1.5, "content-04": 1.0, "content-05": 1.0, "content-06": 0.7,
                   "requests": 3.0, "requests-archive": 1.0, "lounge": 2.0, "off-topic": 1.0}

ROLES = ("lurker", "newcomer", "regular", "requester", "distributor", "moderator", "technical", "admin")
R = {r: i for i, r in enumerate(ROLES)}
STAFF_CODES = (R["moderator"], R["technical"], R["admin"])
KEY_ROLES = ("admin", "moderator", "technical")

# Threads started per day at activity 1, role x kind (general forum knowledge; the
# totals were set so that about a tenth of posts start threads).
#            ann    rules  intro  tech   content req    social vip    staff  feedback
START_RATE = np.array([
    [0,     0,     0,     0,     0,     0,     0,     0,     0,     0],      # lurker
    [0,     0,     0,     .004,  .001,  .005,  .003,  0,     0,     .001],   # newcomer
    [0,     0,     0,     .004,  .002,  .002,  .020,  .003,  0,     .002],   # regular
    [0,     0,     0,     .004,  .001,  .020,  .004,  .002,  0,     .001],   # requester
    [0,     0,     0,     .002,  .045,  .001,  .004,  .008,  0,     .001],   # distributor
    [.002,  0,     0,     .002,  .002,  0,     .012,  .006,  .020,  .004],   # moderator
    [.003,  0,     0,     .030,  0,     0,     .004,  .003,  .015,  .002],   # technical
    [.030,  .003,  0,     .004,  .002,  0,     .006,  .004,  .030,  .010],   # admin
])
# Expected replies per thread at quality 1 and full audience, and their daily decay.
REPLIES = np.array([8, 2, 1.5, 2.5, 7, 2, 7, 5, 2.5, 3], dtype=float)
DECAY = np.array([.7, .6, .5, .6, .8, .7, .85, .8, .6, .7])
QUALITY_SIGMA = 0.6
HALF_AUDIENCE = 100
# Reply affinity, role x kind.
AFFINITY = np.array([
    [0,    0,    0,    0,    0,    0,    0,    0,    0,    0],      # lurker
    [1,    .5,   1.5,  1,    1.5,  .8,   1,    0,    0,    .3],     # newcomer
    [1,    .2,   1,    .7,   1.5,  .7,   3,    1,    0,    1],      # regular
    [.8,   .1,   .3,   .8,   3,    2,    .8,   1,    0,    .5],     # requester
    [.6,   .1,   .3,   .5,   2,    2.5,  .8,   2,    0,    .5],     # distributor
    [1,    .5,   3,    1,    1,    1,    2,    2,    5,    2],      # moderator
    [.5,   .2,   .3,   8,    .3,   .3,   .8,   1,    4,    1.5],    # technical
    [2,    1,    1,    1.5,  .5,   .5,   1,    1.5,  5,    4],      # admin
])
STAFF_ACTIVITY = 2.0            # replying weight of staff (their activity is replaced by this)
P_RETURN = 0.3
STARTER_WEIGHT = 3.0
REPLY_TO_SHARES = (0.40, 0.15, 0.10)   # previous post, first post, another earlier post; rest: none

# --- duties -----------------------------------------------------------------------------
P_GREET = 0.7
GREET_DELAY = 0.6
P_TECH_ANSWER = 0.75
ANSWER_DELAY = 1.0
P_FOLLOW_UP = 0.5
FOLLOW_UP_DELAY = 1.0
MAX_ROUNDS = 4
P_FULFIL = 0.35
FULFIL_DELAY = 2.0
P_THANKS = 0.5
P_MOD_NOTE = 0.06
MOD_NOTE_DELAY = 3.0
PUBLIC_KINDS = ("introductions", "technical", "content", "requests", "social", "feedback")

# --- private messages ---------------------------------------------------------------------
STAFF_PM_RATE = 0.15
P_TRADE_PM = 0.08
P_WARN_PM = 0.4

# --- ranks ----------------------------------------------------------------------------------
RANK_POSTS = (5, 25, 100)       # posts for "member", "full member", "senior member"
VIP_SHARES = 8                  # content threads started for "vip"
RANK_NAMES = ("newbie", "member", "full member", "senior member", "vip", "moderator", "administrator")


@dataclass
class CareerResult:
    """Everything one run produced: the tables, the truth and the careers.

    ``spells`` has one row per role spell: member_id, role, start, end
    (timestamps; ``end`` is the member's departure or the end of the data).
    ``recruited`` has one row per staff recruitment: member_id, role, at.
    """

    tables: dict
    truth: pd.DataFrame
    spells: pd.DataFrame
    recruited: pd.DataFrame


def _to_time(days) -> pd.Series:
    """Float days since START -> UTC timestamps, floored to the second."""
    seconds = np.floor(np.asarray(days, dtype=float) * 86400.0).astype(np.int64)
    return pd.Series(START + pd.to_timedelta(seconds, unit="s"))


class _Sim:
    def __init__(self, seed: int, scale: float):
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        rng = self.rng
        # --- registrations (exogenous) ---
        d = np.arange(DAYS)
        intensity = 1.0 - np.exp(-(d + 1) / RAMP_DAYS)
        starts = rng.integers(30, DAYS - CAMPAIGN_DAYS, size=CAMPAIGNS)
        for s in starts:
            intensity[s:s + CAMPAIGN_DAYS] *= CAMPAIGN_BOOST
        intensity *= REGISTRATIONS * scale / intensity.sum()
        per_day = rng.poisson(intensity)
        n_admins = int(rng.integers(ADMINS[0], ADMINS[1] + 1))
        join_day = np.concatenate([np.zeros(n_admins, dtype=np.int64), np.repeat(d, per_day)])
        n = len(join_day)
        self.n, self.n_admins = n, n_admins
        # admins register at the very start; the others during their day, posting from the next day on
        self.join = join_day + np.concatenate([np.zeros(n_admins), rng.uniform(0, 1, n - n_admins)])
        self.voice = rng.random(n) < P_VOICE
        self.voice[:n_admins] = True
        self.activity = rng.lognormal(-ACTIVITY_SIGMA ** 2 / 2, ACTIVITY_SIGMA, n)
        self.tech_skill = self.voice & (rng.random(n) < P_TECH_SKILL)
        self.role = np.full(n, R["newcomer"], dtype=np.int64)     # everyone registers as a newcomer
        self.role[:n_admins] = R["admin"]
        self.present = np.zeros(n, dtype=bool)
        self.left = np.full(n, np.nan)
        self.ever_staff = np.zeros(n, dtype=bool)
        self.retired = np.zeros(n, dtype=bool)
        self.tech_title = np.zeros(n, dtype=bool)
        self.posts = np.zeros(n, dtype=np.int64)
        self.tech_posts = np.zeros(n, dtype=np.int64)
        self.shares = np.zeros(n, dtype=np.int64)
        self.recent = np.zeros(n)
        self.today_posts = np.zeros(n)
        self.last_post = np.full(n, -np.inf)
        self.rank = np.zeros(n, dtype=np.int64)
        self.spell_start = self.join.copy()
        self.spells: list[tuple[int, int, float, float]] = []
        self.recruited: list[tuple[int, int, float]] = []
        # --- subforums ---
        self.sub_kind = np.array([K[s[1]] for s in SUBFORUMS])
        self.sub_min = np.array([-1 if s[3] is None else s[3] for s in SUBFORUMS])
        self.kind_subs = {k: [i for i, s in enumerate(SUBFORUMS) if s[1] == kind] for kind, k in K.items()}
        # --- threads and posts ---
        self.t_sub: list[int] = []
        self.t_start: list[int] = []
        self.t_created: list[float] = []
        self.t_heat: list[float] = []
        self.t_open: list[bool] = []
        self.t_posts: list[list[int]] = []        # post indices of the thread
        self.open_threads: list[int] = []
        self.p_thread: list[int] = []
        self.p_author: list[int] = []
        self.p_time: list[float] = []
        self.p_reply: list[int] = []
        self.messages: list[tuple[int, int, float]] = []
        self.future: dict[int, list] = {}         # day -> events
        self.seq = 0
        self.intro_todo = self.voice & (rng.random(n) < P_INTRO)
        self.intro_todo[:n_admins] = False
        self.intro_time = np.ceil(self.join) + rng.exponential(INTRO_DELAY, n)

    # --- helpers ---------------------------------------------------------------
    def schedule(self, time: float, kind: str, *args) -> None:
        self.seq += 1
        self.future.setdefault(int(time), []).append((time, self.seq, kind, args))

    def set_role(self, i: int, new: int, t: float) -> None:
        self.spells.append((i, int(self.role[i]), float(self.spell_start[i]), t))
        self.role[i] = new
        self.spell_start[i] = t

    def add_post(self, thread: int, author: int, t: float, reply_to: int) -> int:
        p = len(self.p_thread)
        self.p_thread.append(thread)
        self.p_author.append(author)
        self.p_time.append(t)
        self.p_reply.append(reply_to)
        self.t_posts[thread].append(p)
        self.posts[author] += 1
        self.today_posts[author] += 1
        self.last_post[author] = t
        if self.sub_kind[self.t_sub[thread]] == K["technical"]:
            self.tech_posts[author] += 1
        return p

    def new_thread(self, author: int, sub: int, t: float) -> int:
        th = len(self.t_sub)
        kind = self.sub_kind[sub]
        self.t_sub.append(sub)
        self.t_start.append(author)
        self.t_created.append(t)
        n = int(self.present_voiced.sum())
        audience = n / (n + HALF_AUDIENCE)
        quality = self.rng.lognormal(-QUALITY_SIGMA ** 2 / 2, QUALITY_SIGMA)
        # day g = 1, 2, ... after creation expects heat * DECAY**g replies: REPLIES in all
        self.t_heat.append(REPLIES[kind] * (1 - DECAY[kind]) / DECAY[kind] * quality * audience)
        self.t_open.append(True)
        self.t_posts.append([])
        self.open_threads.append(th)
        self.add_post(th, author, t, -1)
        if kind == K["content"]:
            self.shares[author] += 1
        self.schedule_duties(th, kind, author, t)
        return th

    def schedule_duties(self, th: int, kind: int, author: int, t: float) -> None:
        rng = self.rng
        role = self.role[author]
        if kind == K["introductions"] and rng.random() < P_GREET:
            self.schedule(t + rng.exponential(GREET_DELAY), "greet", th)
        if kind == K["technical"] and role != R["technical"] and rng.random() < P_TECH_ANSWER:
            self.schedule(t + rng.exponential(ANSWER_DELAY), "answer", th, -1, 1)
        if kind == K["requests"] and rng.random() < P_FULFIL:
            self.schedule(t + rng.exponential(FULFIL_DELAY), "fulfil", th)
        if KINDS[kind] in PUBLIC_KINDS and role not in STAFF_CODES and rng.random() < P_MOD_NOTE:
            self.schedule(t + rng.exponential(MOD_NOTE_DELAY), "modnote", th)

    def pick(self, candidates: np.ndarray, weights: np.ndarray) -> int:
        total = weights.sum()
        if len(candidates) == 0 or total <= 0:
            return -1
        j = int(np.searchsorted(np.cumsum(weights), self.rng.random() * total, side="right"))
        return int(candidates[min(j, len(candidates) - 1)])

    def present_with_role(self, *roles: int) -> np.ndarray:
        return np.flatnonzero(self.present & np.isin(self.role, roles))

    def allowed(self, sub: int, idx: np.ndarray) -> np.ndarray:
        m = self.sub_min[sub]
        if m < 0:
            return np.ones(len(idx), dtype=bool)
        ok = (self.rank[idx] >= m) | np.isin(self.role[idx], (R["admin"], R["moderator"]))
        if KINDS[self.sub_kind[sub]] in ("vip", "staff"):
            ok |= self.role[idx] == R["technical"]      # secondary group: the tech team sees the private areas
        return ok

    def allowed_one(self, sub: int, i: int) -> bool:
        m = self.sub_min[sub]
        role = self.role[i]
        if m < 0 or self.rank[i] >= m or role in (R["admin"], R["moderator"]):
            return True
        return role == R["technical"] and KINDS[self.sub_kind[sub]] in ("vip", "staff")

    # --- day steps ------------------------------------------------------------------
    def careers(self, day: int) -> None:
        rng = self.rng
        t = float(day)
        if day == 0:
            arriving = np.arange(self.n) < self.n_admins
        else:
            arriving = (self.join >= day - 1) & (self.join < day) & (np.arange(self.n) >= self.n_admins)
        self.present |= arriving
        for i in np.flatnonzero(arriving & self.intro_todo):
            self.schedule(self.intro_time[i], "intro", int(i))
        # departures
        u = rng.random(self.n)
        hazard = np.zeros(self.n)
        for role, h in LEAVE_HAZARD.items():
            hazard[self.role == R[role]] = h
        hazard[~self.voice] = LEAVE_HAZARD["lurker"]             # the silent majority
        leaving = self.present & ~arriving & (u < hazard)
        for i in np.flatnonzero(leaving):
            self.leave(int(i), t)
        snapshot = self.role.copy()
        # newcomers settle
        u = rng.random(self.n)
        settling = (self.present & (self.role == R["newcomer"]) & (self.posts > 0)
                    & (day - self.join >= SETTLE_AFTER) & (u < SETTLE_HAZARD))
        if settling.any():
            names = list(SETTLE_SHARES)
            p = np.array([SETTLE_SHARES[r] for r in names])
            choice = rng.choice(len(names), size=int(settling.sum()), p=p / p.sum())
            for i, c in zip(np.flatnonzero(settling), choice):
                self.set_role(int(i), R[names[c]], t)
        # drift between member roles (from the role held at the start of the day)
        u = rng.random(self.n)
        lo = np.zeros(self.n)
        for (a, b), h in DRIFT.items():
            sel = self.present & (snapshot == R[a]) & (u >= lo) & (u < lo + h)
            for i in np.flatnonzero(sel):
                self.set_role(int(i), R[b], t)
            lo = np.where(snapshot == R[a], lo + h, lo)
        # staff retire
        u = rng.random(self.n)
        for role, h in RETIRE_HAZARD.items():
            for i in np.flatnonzero(self.present & (self.role == R[role]) & (u < h)):
                i = int(i)
                self.set_role(i, R["regular"], t)
                self.retired[i] = True
                self.activity[i] *= 0.5
                if rng.random() < P_LEAVE_ON_RETIRE:
                    self.leave(i, t)
        if day % RECRUIT_EVERY == 0 and day > 0:
            self.recruit(day)

    def leave(self, i: int, t: float) -> None:
        self.present[i] = False
        self.left[i] = t
        self.spells.append((i, int(self.role[i]), float(self.spell_start[i]), t))
        self.spell_start[i] = np.nan

    def recruit(self, day: int) -> None:
        rng = self.rng
        t = day + rng.uniform(0, 0.5)
        posters = int((self.present & self.voice).sum())
        for role, start_day, per, cap in (("moderator", MOD_START_DAY, POSTERS_PER_MOD, MAX_MODS),
                                          ("technical", TECH_START_DAY, POSTERS_PER_TECH, MAX_TECH)):
            if day < start_day:
                continue
            if role == "moderator":
                target = min(cap, int(np.ceil(posters / per)))
            else:
                target = min(cap, 1 + posters // per)
            current = int((self.present & (self.role == R[role])).sum())
            if current >= target:
                continue
            base = (self.present & self.voice & ~self.ever_staff
                    & np.isin(self.role, (R["regular"], R["requester"], R["distributor"]))
                    & (day - self.join >= MOD_MIN_TENURE) & (self.posts >= MOD_MIN_POSTS))
            if role == "moderator":
                cand = np.flatnonzero(base)
                w = self.recent[cand] ** RECRUIT_POWER
            else:
                cand = np.flatnonzero(base & self.tech_skill & (self.tech_posts >= TECH_MIN_POSTS))
                w = self.tech_posts[cand].astype(float) ** RECRUIT_POWER
            i = self.pick(cand, w)
            if i < 0:
                continue
            self.set_role(i, R[role], t)
            self.ever_staff[i] = True
            self.recruited.append((i, R[role], t))
            if role == "technical":
                self.tech_title[i] = rng.random() < P_TECH_TITLE
            admin = int(rng.integers(0, self.n_admins))
            self.messages.append((admin, i, t))
            self.messages.append((i, admin, t + rng.exponential(0.3)))
            if rng.random() < P_RECRUIT_ANNOUNCE:
                self.schedule(t + rng.exponential(0.5), "announce", admin)

    def update_ranks(self) -> None:
        p = self.posts
        rank = np.searchsorted(np.array(RANK_POSTS), p, side="right")
        rank = np.where((self.shares >= VIP_SHARES) & (p >= RANK_POSTS[1]), 4, rank)
        rank = np.where(self.tech_title & (self.role == R["technical"]), np.maximum(rank, 4), rank)
        rank = np.where(self.role == R["moderator"], 5, rank)
        rank = np.where(self.role == R["admin"], 6, rank)
        self.rank = rank

    def author_pool(self, day: int) -> None:
        """Per (kind, min_rank): present voiced members and their reply weights."""
        idx = np.flatnonzero(self.present & self.voice)
        self.present_voiced = self.present & self.voice
        act = self.activity[idx].copy()
        roles = self.role[idx]
        act[np.isin(roles, STAFF_CODES)] = STAFF_ACTIVITY
        self.pool = {}
        for sub in range(len(SUBFORUMS)):
            kind = self.sub_kind[sub]
            key = (kind, self.sub_min[sub])
            if key in self.pool:
                continue
            w = act * AFFINITY[roles, kind]
            if kind == K["technical"]:
                w = np.where(self.tech_skill[idx] & (roles != R["technical"]), w * TECH_SKILL_BOOST, w)
            ok = self.allowed(sub, idx)
            cand, w = idx[ok], w[ok]
            keep = w > 0
            cand, w = cand[keep], w[keep]
            self.pool[key] = (cand, np.cumsum(w))

    def draw_author(self, sub: int) -> int:
        cand, cw = self.pool[(self.sub_kind[sub], self.sub_min[sub])]
        if len(cand) == 0:
            return -1
        j = int(np.searchsorted(cw, self.rng.random() * cw[-1], side="right"))
        return int(cand[min(j, len(cand) - 1)])

    def start_threads(self, day: int) -> None:
        rng = self.rng
        idx = np.flatnonzero(self.present & self.voice)
        if day == 0:
            for a in range(self.n_admins):
                self.schedule(rng.uniform(0.05, 3.0), "rules", a)
            self.schedule(rng.uniform(0.05, 1.0), "announce", 0)
        act = self.activity[idx].copy()
        act[np.isin(self.role[idx], STAFF_CODES)] = 1.0
        rates = act[:, None] * START_RATE[self.role[idx]]
        counts = rng.poisson(rates)
        rows, kinds = np.nonzero(counts)
        for r, k in zip(rows, kinds):
            author = int(idx[r])
            for _ in range(counts[r, k]):
                subs = [s for s in self.kind_subs[k] if self.allowed_one(s, author)]
                if not subs:
                    continue
                w = np.array([SUBFORUM_WEIGHT.get(SUBFORUMS[s][0], 1.0) for s in subs])
                sub = subs[int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right").clip(0, len(subs) - 1))]
                self.schedule(day + rng.random(), "thread", author, sub)

    def random_replies(self, day: int) -> None:
        rng = self.rng
        still = []
        for th in self.open_threads:
            if not self.t_open[th]:
                continue
            age = day - int(self.t_created[th])
            expected = self.t_heat[th] * DECAY[self.sub_kind[self.t_sub[th]]] ** age
            if expected < 0.01:
                self.t_open[th] = False
                continue
            still.append(th)
            if age == 0:
                continue                      # created today: replies start tomorrow (duties aside)
            for _ in range(rng.poisson(expected)):
                self.schedule(day + rng.random(), "reply", th)
        self.open_threads = still

    # --- events ------------------------------------------------------------------------
    def reply_target(self, th: int) -> int:
        posts = self.t_posts[th]
        u = self.rng.random()
        a, b, c = REPLY_TO_SHARES
        if u < a:
            return posts[-1]
        if u < a + b:
            return posts[0]
        if u < a + b + c:
            return posts[int(self.rng.integers(0, len(posts)))]
        return -1

    def ok(self, i: int) -> bool:
        return i >= 0 and bool(self.present[i])

    def run_event(self, t: float, kind: str, args: tuple) -> None:
        rng = self.rng
        if kind == "thread":
            author, sub = args
            if self.ok(author):
                self.new_thread(author, sub, t)
        elif kind == "intro":
            (author,) = args
            if self.ok(author):
                self.new_thread(author, self.kind_subs[K["introductions"]][0], t)
        elif kind == "rules":
            (author,) = args
            for j in range(N_RULES if author == 0 else 1):
                self.new_thread(author, self.kind_subs[K["rules"]][0], t + 0.01 * j)
        elif kind == "announce":
            (author,) = args
            if self.ok(author):
                self.new_thread(author, self.kind_subs[K["announcements"]][0], t)
        elif kind == "reply":
            (th,) = args
            sub = self.t_sub[th]
            target = self.reply_target(th)
            avoid = self.p_author[target] if target >= 0 else -1
            for _ in range(3):
                if rng.random() < P_RETURN:
                    ps = {self.p_author[p] for p in self.t_posts[th]}
                    ps = np.array(sorted(i for i in ps if self.present[i]))
                    w = np.where(ps == self.t_start[th], STARTER_WEIGHT, 1.0) if len(ps) else ps
                    author = self.pick(ps, w)
                else:
                    author = self.draw_author(sub)
                if author != avoid:
                    break
            if author < 0 or author == avoid:
                return
            self.add_post(th, author, t, target)
            k = self.sub_kind[sub]
            starter = self.t_start[th]
            if (k in (K["content"], K["requests"]) and author != starter and self.role[author] not in STAFF_CODES
                    and rng.random() < P_TRADE_PM):
                self.messages.append((author, starter, t + rng.exponential(0.2)))
                if rng.random() < 0.5 and self.present[starter]:
                    self.messages.append((starter, author, t + rng.exponential(1.0)))
        elif kind == "greet":
            (th,) = args
            mods = self.present_with_role(R["moderator"])
            if len(mods) == 0:
                mods = self.present_with_role(R["admin"])
            g = self.pick(mods, np.ones(len(mods)))
            if g >= 0 and self.t_open[th]:
                self.add_post(th, g, t, self.t_posts[th][0])
        elif kind == "answer":
            th, answerer, rnd = args
            if not self.t_open[th]:
                return
            if not self.ok(answerer):
                pool = self.present_with_role(R["technical"])
                if len(pool) == 0:
                    pool = np.flatnonzero(self.present & self.tech_skill & (self.role != R["admin"]))
                    pool = pool[pool != self.t_start[th]]
                if len(pool) == 0:
                    pool = self.present_with_role(R["admin"])
                answerer = self.pick(pool, np.ones(len(pool)))
            if answerer < 0 or answerer == self.t_start[th]:
                return
            asker = self.t_start[th]
            mine = [p for p in self.t_posts[th] if self.p_author[p] == asker]
            self.add_post(th, answerer, t, mine[-1])
            if rnd < MAX_ROUNDS and rng.random() < P_FOLLOW_UP:
                self.schedule(t + rng.exponential(FOLLOW_UP_DELAY), "followup", th, answerer, rnd)
        elif kind == "followup":
            th, answerer, rnd = args
            asker = self.t_start[th]
            if not (self.ok(asker) and self.t_open[th]):
                return
            theirs = [p for p in self.t_posts[th] if self.p_author[p] == answerer]
            self.add_post(th, asker, t, theirs[-1] if theirs else self.t_posts[th][-1])
            if rng.random() < P_TECH_ANSWER:
                self.schedule(t + rng.exponential(ANSWER_DELAY), "answer", th, answerer, rnd + 1)
        elif kind == "fulfil":
            (th,) = args
            pool = self.present_with_role(R["distributor"])
            pool = pool[pool != self.t_start[th]]
            d = self.pick(pool, self.activity[pool])
            if d < 0 or not self.t_open[th]:
                return
            p = self.add_post(th, d, t, self.t_posts[th][0])
            if rng.random() < P_THANKS:
                self.schedule(t + rng.exponential(1.0), "thanks", th, p)
        elif kind == "thanks":
            th, p = args
            asker = self.t_start[th]
            if self.ok(asker) and self.t_open[th]:
                self.add_post(th, asker, t, p)
        elif kind == "modnote":
            (th,) = args
            mods = self.present_with_role(R["moderator"])
            if len(mods) == 0:
                mods = self.present_with_role(R["admin"])
            m = self.pick(mods, np.ones(len(mods)))
            if m < 0 or not self.t_open[th]:
                return
            target = self.t_posts[th][-1] if rng.random() < 0.3 else -1
            self.add_post(th, m, t, target)
            if rng.random() < 0.5:
                self.t_open[th] = False          # closed
            starter = self.t_start[th]
            if starter != m and rng.random() < P_WARN_PM:
                self.messages.append((m, starter, t + rng.exponential(0.1)))

    def staff_messages(self, day: int) -> None:
        staff = self.present_with_role(*STAFF_CODES)
        if len(staff) < 2:
            return
        counts = self.rng.poisson(STAFF_PM_RATE, len(staff))
        for s, c in zip(staff, counts):
            for _ in range(c):
                r = int(staff[self.rng.integers(0, len(staff))])
                if r != s:
                    self.messages.append((int(s), r, day + self.rng.random()))

    def run(self) -> None:
        for day in range(DAYS):
            self.careers(day)
            self.update_ranks()
            self.author_pool(day)
            self.random_replies(day)
            self.start_threads(day)
            self.staff_messages(day)
            heap = self.future.pop(day, [])
            heapq.heapify(heap)
            while heap:
                t, seq, kind, args = heapq.heappop(heap)
                self.run_event(t, kind, args)
                # events scheduled for today by this event join today's heap
                if day in self.future:
                    for ev in self.future.pop(day):
                        heapq.heappush(heap, ev)
            self.recent = self.recent * np.exp(-1.0 / RECENT_DAYS) + self.today_posts
            self.today_posts[:] = 0
        for i in np.flatnonzero(~np.isnan(self.spell_start)):
            self.spells.append((int(i), int(self.role[i]), float(self.spell_start[i]), float(DAYS)))

    # --- output -------------------------------------------------------------------------
    def truth(self) -> pd.DataFrame:
        sp = pd.DataFrame(self.spells, columns=["member", "role", "start", "end"])
        sp["days"] = sp["end"] - sp["start"]
        roles = np.empty(self.n, dtype=object)
        # member roles: the one held longest (ties: the later one)
        member_sp = sp[sp["role"].isin([R[r] for r in ("newcomer", "regular", "requester", "distributor")])]
        agg = member_sp.groupby(["member", "role"], sort=False).agg(days=("days", "sum"), last=("end", "max"))
        agg = agg.reset_index().sort_values(["member", "days", "last"])
        longest = agg.drop_duplicates("member", keep="last").set_index("member")["role"]
        for i, r in longest.items():
            roles[i] = ROLES[r]
        roles[self.posts == 0] = "lurker"
        staff_sp = sp[sp["role"].isin([R["moderator"], R["technical"]])]
        sagg = staff_sp.groupby(["member", "role"]).agg(days=("days", "sum"), last=("end", "max")).reset_index()
        total = sagg.groupby("member")["days"].sum()
        best = sagg.sort_values(["member", "days", "last"]).drop_duplicates("member", keep="last").set_index("member")["role"]
        for i, r in best.items():
            holds_now = self.present[i] and self.role[i] == r
            if holds_now or total[i] >= KEY_MIN_DAYS:
                roles[i] = ROLES[r]
        roles[:self.n_admins] = "admin"
        roles[pd.isna(pd.Series(roles)).to_numpy()] = "lurker"   # voiced members who never settled or posted
        return roles

    def tables(self):
        rng = self.rng
        n = self.n
        ids = rng.permutation(n) + 1                       # pseudonymous member ids
        roles = self.truth()
        end = float(DAYS)
        last_post = np.where(np.isfinite(self.last_post), self.last_post, -1.0)
        left = np.where(np.isnan(self.left), end - rng.exponential(3.0, n), self.left - rng.uniform(0, 1, n))
        last_seen = np.minimum(np.maximum.reduce([left, last_post, self.join]), end)
        self.update_ranks()
        status = np.array([RANK_NAMES[r] for r in self.rank], dtype=object)
        status[self.tech_title & (self.role == R["technical"])] = "tech team"
        status[self.retired & ~np.isin(self.role, STAFF_CODES)] = "retired staff"
        is_staff = np.isin(self.role, (R["admin"], R["moderator"]))
        members = pd.DataFrame({
            "member_id": ids, "status": status, "rank_level": self.rank,
            "joined_at": _to_time(self.join), "last_seen_at": _to_time(last_seen), "is_staff": is_staff,
        })
        subforums = pd.DataFrame({
            "subforum_id": np.arange(1, len(SUBFORUMS) + 1),
            "name": [s[0] for s in SUBFORUMS],
            "category": [s[2] for s in SUBFORUMS],
            "min_rank": pd.array([s[3] for s in SUBFORUMS], dtype="Int64"),
        })
        threads = pd.DataFrame({
            "thread_id": np.arange(1, len(self.t_sub) + 1),
            "subforum_id": np.array(self.t_sub) + 1,
            "author_id": ids[np.array(self.t_start, dtype=np.int64)],
            "created_at": _to_time(self.t_created),
        })
        reply = np.array(self.p_reply, dtype=np.int64)
        posts = pd.DataFrame({
            "post_id": np.arange(1, len(self.p_thread) + 1),
            "thread_id": np.array(self.p_thread) + 1,
            "author_id": ids[np.array(self.p_author, dtype=np.int64)],
            "created_at": _to_time(self.p_time),
            "reply_to": pd.array(np.where(reply >= 0, reply + 1, 0), dtype="Int64"),
        })
        posts.loc[reply < 0, "reply_to"] = pd.NA
        msg = np.array(self.messages, dtype=float).reshape(-1, 3)
        msg = msg[np.argsort(msg[:, 2], kind="stable")]
        msg = msg[msg[:, 2] < end]
        messages = pd.DataFrame({
            "message_id": np.arange(1, len(msg) + 1),
            "sender_id": ids[msg[:, 0].astype(np.int64)],
            "recipient_id": ids[msg[:, 1].astype(np.int64)],
            "created_at": _to_time(msg[:, 2]),
        })
        truth = pd.DataFrame({"member_id": ids, "role": roles.astype(str)})
        truth["key_actor"] = truth["role"].isin(KEY_ROLES)
        order = np.argsort(ids)
        members = members.iloc[order].reset_index(drop=True)
        truth = truth.iloc[order].reset_index(drop=True)
        sp = pd.DataFrame(self.spells, columns=["member", "role", "start", "end"])
        spells = pd.DataFrame({"member_id": ids[sp["member"].to_numpy()],
                               "role": [ROLES[r] for r in sp["role"]],
                               "start": _to_time(sp["start"]), "end": _to_time(sp["end"])})
        rc = np.array(self.recruited, dtype=float).reshape(-1, 3)
        recruited = pd.DataFrame({"member_id": ids[rc[:, 0].astype(np.int64)],
                                  "role": [ROLES[int(r)] for r in rc[:, 1]],
                                  "at": _to_time(rc[:, 2])})
        tables = {"posts": posts, "threads": threads, "subforums": subforums,
                  "members": members, "messages": messages}
        return tables, truth, spells, recruited


def simulate(seed: int = 0, scale: float = 1.0) -> CareerResult:
    """Run the model and keep the careers (spells and recruitments) as well."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    sim = _Sim(seed, scale)
    sim.run()
    tables, truth, spells, recruited = sim.tables()
    return CareerResult(tables, truth, spells, recruited)


def generate(seed: int = 0, scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The forum's tables and its truth (member_id, role, key_actor)."""
    r = simulate(seed, scale)
    return r.tables, r.truth
