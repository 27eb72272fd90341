"""Help-desk forum: a small long-tenure team answers a stream of short-lived askers.

A validation model for the key-actor detector, written from the project's
domain notes (``/work/shared/domain.md``: technically skilled members answer
in technical support subforums and write tutorials, but do not share the
bulk of the material) and general knowledge of help forums and Q&A sites (a
few answerers write most answers; most askers ask once or twice and leave;
answers go to the question or to the asker's later follow-up). It shares no
code with ``synthetic/`` or ``benchmarks/alt_forum.py``.

Mechanism
---------
Members are of fixed types, each with a presence window ``[join, leave)``
drawn up front; the forum is then generated **thread by thread**: every
thread's whole conversation is drawn as a chain of posts at its creation,
each post by someone present at its time. Post times are continuous; posts
after ``DAYS`` (the forum's end) are not written.

*Team.* ``ADMINS`` (1-3) admins register at the start and stay; ``N_TECH``
technical members and ``N_MODS`` moderators (both scaled by ``sqrt(scale)``)
register in the first ``TEAM_JOIN_DAYS`` days (the first of each kind at
the start) and stay ``TEAM_MIN_DAYS + Exp(TEAM_EXTRA_DAYS)`` days (long
tenure; most stay to the end). Each technical member has a specialty among
the help subforums (weight ``SPECIALTY_BOOST``) and a log-normal activity.

*Other members.* Registrations arrive by a Poisson process of ``REGISTRATIONS
x scale`` members, ramping up over ``RAMP_DAYS``; each is, with the shares
``TYPE_SHARES``: an **asker**, an **introducer** (writes an introduction and
nothing else), a **regular** (chats in the lounge, sometimes helps), a
**sharer** (distributor; content threads), a **requester** (content
requests) or a **lurker** (never posts; the large majority, domain notes).
Presence: askers stay until ``Exp(ASKER_STAY)`` days after their last
question; others stay ``Exp(STAY[type])`` days.

*Help questions.* An asker asks ``Q`` questions, ``P(Q = q) = (1 - p) p^(q-1)``
with ``p = P_ANOTHER_QUESTION``; the first ``Exp(FIRST_QUESTION)`` days after
registering, the next ones ``Exp(QUESTION_GAP)`` days apart. A question opens
a thread in a help subforum (``HELP_SHARES``); with ``P_MISPOST`` it was
posted in the wrong place and a moderator moves it (a short note in the
thread; the thread's subforum is where it ends up). With
``P_UNANSWERED`` nobody answers at first; the asker bumps with ``P_BUMP``
and the question is answered then. The lead answerer is of kind
``ANSWERER_SHARES`` (technical, regular peer, moderator, admin; a kind with
nobody present falls back to the technical members), drawn among those
present with weight ``activity`` (technical: ``x SPECIALTY_BOOST`` in their
specialty), after ``Exp(ANSWER_DELAY[kind])`` days, replying to the asker's
latest post (``P_ANSWER_QUOTES``, else quoting nothing). With
``P_SECOND_ANSWER`` a second helper adds an answer. The asker follows up with
probability ``P_FOLLOW_UP x FOLLOW_UP_DECAY^round`` (only while present),
replying to the last answer; the lead answerer replies with
``P_LEAD_AGAIN``, else another helper; at most ``MAX_ROUNDS`` rounds. At
the end the asker thanks with ``P_THANKS``; another asker chimes in ("same
problem") with ``P_ME_TOO`` and is answered with ``P_ME_TOO_ANSWERED``. A
moderator closes the thread with ``P_CLOSE`` (a short note), moving it to the
archive with ``P_ARCHIVE`` of those.

*Other areas.* Technical members write tutorials (rate ``TUTORIAL_RATE``),
which get ``Poisson(TUTORIAL_QUESTIONS)`` questions from askers and regulars,
answered by the author with ``P_TUTORIAL_ANSWER``. Introducers, and some
askers, regulars and sharers (``P_INTRO``), write introductions; a moderator
greets with ``P_GREET`` and regulars welcome (``Poisson(WELCOMES)``).
Sharers (and, rarely, technical members: ``TECH_SHARE_RATE``) start content
threads. Regulars start lounge threads (``LOUNGE_RATE``) with a negative
binomial number (mean ``LOUNGE_REPLIES``, shape 2) of replies from regulars,
staff (``LOUNGE_STAFF``), askers, sharers and requesters. In such reply
chains (lounge, content, requests, announcements, rules, feedback, team
room) replies come ``Exp(0.6)`` days apart, each by a present member other
than the previous poster, drawn with weight activity times the pool's
multiplier, and quote the previous post, the first post or nothing.
Content threads (``CONTENT_RATE`` per sharer) are thanked by requesters and
regulars; requesters start requests (``REQUEST_RATE``) fulfilled by a sharer
with ``P_FULFIL``. Admins write ``N_RULES`` rules at
the start and an update every ``Exp(RULES_GAP)`` days, and announcements
every ``Exp(ANNOUNCE_GAP)`` days; staff (admins, moderators, technical)
coordinate in the team room (a thread every ``Exp(TEAM_GAP)`` days).
Moderators add a short moderation note (rule reminder, moved, closed) to a
public lounge, content, requests or feedback thread with ``P_MOD_NOTE``:
moderators are visible as short replies in many threads across subforums.
Feedback threads are answered by an admin or moderator.

*Private messages.* A helped asker messages the lead answerer with
``P_THANK_PM`` (answered with one half); a fulfilled request comes with a
message exchange with ``P_TRADE_PM``; staff send each other
``STAFF_PM_RATE`` messages a day each.

*Metadata (realistic and imperfect).* Ids are in registration order (as in a
seized database). Ranks follow the post count (``RANK_POSTS``: "new user",
"user", "trusted"); a share ``P_HELPER_TITLE`` of the technical members carry
the "helper" title (level 3), the others an ordinary rank; moderators and
admins hold staff ranks and ``is_staff`` (technical members never). The
team room needs rank 3 but every technical member posts there (a secondary
group); "help-software" and the archive are filed under "other".

Truth rule
----------
Types are fixed, so the truth is the type, judged on what the member did:
admins, moderators and technical members keep their role (key actors);
sharers are ``distributor`` and requesters ``requester``; an asker who asked
at least two questions or posted over at least ``REQUESTER_SPAN_DAYS`` days
is a ``requester`` (of help), otherwise a ``newcomer``; an introducer is a
``newcomer``; a regular is ``regular``. Any non-team member who never posted
is a ``lurker``. ``key_actor`` is true for admin, moderator and technical.

Parameters
----------
seed : int
    Seed of ``numpy.random.default_rng``; the only source of randomness.
scale : float
    Multiplies the expected number of registrations; team sizes grow with
    its square root.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "helpdesk"
DESCRIPTION = ("help-desk forum: a few long-tenure technical members and moderators answer a stream "
               "of short-lived askers; small content area; moderators move, close and greet")

# --- time and size -------------------------------------------------------------
START = pd.Timestamp("2013-02-01", tz="UTC")
DAYS = 540                      # a year and a half (Table 1: fora online one to four years)
REGISTRATIONS = 7500            # expected registrations at scale 1 (smaller than Table 1's fora)
RAMP_DAYS = 60
TYPE_SHARES = {                 # of registrations (domain notes: most members only read)
    "asker": 0.150, "introducer": 0.022, "regular": 0.017,
    "sharer": 0.004, "requester": 0.009,
}                               # the rest are lurkers
STAY = {"introducer": 20, "regular": 220, "sharer": 200, "requester": 130, "lurker": 60}   # mean days
ACTIVITY_SIGMA = 0.8            # log-normal activity (general forum knowledge)

# --- team -------------------------------------------------------------------------
ADMINS = (1, 3)                 # uniform; Table 1: management of 1-5
N_TECH = 8                      # at scale 1 ("a few long-tenure members answer most questions")
N_MODS = 5
TEAM_JOIN_DAYS = 150
TEAM_MIN_DAYS = 300
TEAM_EXTRA_DAYS = 400
SPECIALTY_BOOST = 3.0
P_HELPER_TITLE = 0.5

# --- help questions ---------------------------------------------------------------------
FIRST_QUESTION = 1.5            # days after registering, mean
QUESTION_GAP = 25.0
P_ANOTHER_QUESTION = 0.38       # mean 1.6 questions per asker (Q&A sites: most ask once)
ASKER_STAY = 12.0
HELP = ("help-general", "help-security", "help-hosting", "help-software")
HELP_SHARES = (0.40, 0.25, 0.15, 0.20)
P_MISPOST = 0.07
P_UNANSWERED = 0.07
P_BUMP = 0.5
ANSWERER_SHARES = {"technical": 0.74, "regular": 0.14, "moderator": 0.08, "admin": 0.04}
ANSWER_DELAY = {"technical": 0.4, "regular": 0.8, "moderator": 0.6, "admin": 1.0}   # days, mean
P_ANSWER_QUOTES = 0.8
P_SECOND_ANSWER = 0.25
P_FOLLOW_UP = 0.55
FOLLOW_UP_DECAY = 0.75
FOLLOW_UP_DELAY = 0.8
P_LEAD_AGAIN = 0.85
MAX_ROUNDS = 5
P_THANKS = 0.45
P_ME_TOO = 0.12
P_ME_TOO_ANSWERED = 0.5
P_CLOSE = 0.2
P_ARCHIVE = 0.5
P_THANK_PM = 0.1

# --- other areas ------------------------------------------------------------------------
TUTORIAL_RATE = 1 / 35          # per technical member and day (domain notes: tutorials)
TUTORIAL_QUESTIONS = 4.0
P_TUTORIAL_ANSWER = 0.7
P_INTRO = {"introducer": 1.0, "asker": 0.2, "regular": 0.6, "sharer": 0.5, "requester": 0.4}
P_GREET = 0.85
WELCOMES = 0.8
LOUNGE_RATE = 1 / 25
LOUNGE_REPLIES = 7.0
LOUNGE_STAFF = 0.4              # reply weight of a moderator or technical member in the lounge
CONTENT_RATE = 1 / 10
CONTENT_REPLIES = 5.0
TECH_SHARE_RATE = 1 / 250       # technical members rarely share (domain notes)
REQUEST_RATE = 1 / 12
P_FULFIL = 0.5
P_TRADE_PM = 0.15
N_RULES = 3
RULES_GAP = 150.0
ANNOUNCE_GAP = 15.0
ANNOUNCE_REPLIES = 5.0
TEAM_GAP = 5.0
TEAM_REPLIES = 4.0
FEEDBACK_RATE = 1 / 200         # per regular or asker and day
P_MOD_NOTE = 0.05
STAFF_PM_RATE = 0.1
REQUESTER_SPAN_DAYS = 30
RANK_POSTS = (10, 100)          # "user", "trusted"

# (name, category, min_rank)
SUBFORUMS = [
    ("announcements", "announcements", None),
    ("rules", "rules", None),
    ("introductions", "introductions", None),
    ("help-general", "technical", None),
    ("help-security", "technical", None),
    ("help-hosting", "technical", None),
    ("help-software", "other", None),        # imperfect metadata
    ("tutorials", "technical", None),
    ("solved-archive", "other", None),
    ("content-01", "content", None),
    ("content-02", "content", 1),
    ("requests", "requests", None),
    ("lounge", "social", None),
    ("feedback", "other", None),
    ("team", "private", 3),
]
SUB = {s[0]: i + 1 for i, s in enumerate(SUBFORUMS)}
TYPES = ("admin", "moderator", "technical", "asker", "introducer", "regular", "sharer", "requester", "lurker")
T = {t: i for i, t in enumerate(TYPES)}
KEY_ROLES = ("admin", "moderator", "technical")


class _Forum:
    def __init__(self, seed: int, scale: float):
        self.rng = rng = np.random.default_rng(seed)
        self.scale = scale
        team_scale = np.sqrt(scale)
        n_admins = int(rng.integers(ADMINS[0], ADMINS[1] + 1))
        n_tech = max(2, int(round(N_TECH * team_scale)))
        n_mods = max(2, int(round(N_MODS * team_scale)))
        # --- team ---
        types = [T["admin"]] * n_admins + [T["technical"]] * n_tech + [T["moderator"]] * n_mods
        join = list(np.zeros(n_admins))
        leave = [np.inf] * n_admins
        for n in (n_tech, n_mods):
            j = np.sort(rng.uniform(0, TEAM_JOIN_DAYS, n))
            j[0] = rng.uniform(0, 0.5)
            join += list(j)
            leave += list(j + TEAM_MIN_DAYS + rng.exponential(TEAM_EXTRA_DAYS, n))
        # --- registrations ---
        d = np.arange(DAYS)
        intensity = 1 - np.exp(-(d + 1) / RAMP_DAYS)
        intensity *= REGISTRATIONS * scale / intensity.sum()
        reg = np.repeat(d, rng.poisson(intensity)) + 0.0
        reg += rng.uniform(0, 1, len(reg))
        reg.sort()
        names = list(TYPE_SHARES)
        p = np.array([TYPE_SHARES[k] for k in names] + [1 - sum(TYPE_SHARES.values())])
        kind = rng.choice(len(p), size=len(reg), p=p)
        rtypes = np.array([T[k] for k in names] + [T["lurker"]])[kind]
        # team members, then registrations, in order of registration time
        all_join = np.concatenate([np.array(join), reg])
        all_types = np.concatenate([np.array(types), rtypes])
        order = np.argsort(all_join, kind="stable")
        self.join = all_join[order]
        self.type = all_types[order]
        n = len(self.join)
        self.n = n
        team_leave = np.concatenate([np.array(leave), np.full(len(reg), np.nan)])[order]
        self.leave = np.full(n, np.inf)
        is_team = np.isin(self.type, (T["admin"], T["moderator"], T["technical"]))
        self.leave[is_team] = team_leave[is_team]
        for k, mean in STAY.items():
            sel = self.type == T[k]
            self.leave[sel] = self.join[sel] + rng.exponential(mean, int(sel.sum()))
        self.activity = rng.lognormal(-ACTIVITY_SIGMA ** 2 / 2, ACTIVITY_SIGMA, n)
        self.specialty = np.full(n, -1)
        tech = np.flatnonzero(self.type == T["technical"])
        self.specialty[tech] = rng.choice(len(HELP), size=len(tech), p=np.array(HELP_SHARES))
        # askers' questions
        askers = np.flatnonzero(self.type == T["asker"])
        q = rng.geometric(1 - P_ANOTHER_QUESTION, len(askers))
        self.questions = []                       # (time, asker)
        for a, nq in zip(askers, q):
            t = self.join[a] + rng.exponential(FIRST_QUESTION)
            times = [t]
            for _ in range(nq - 1):
                t = t + rng.exponential(QUESTION_GAP)
                times.append(t)
            self.leave[a] = times[-1] + rng.exponential(ASKER_STAY)
            self.questions += [(x, int(a)) for x in times]
        self.n_questions = np.zeros(n, dtype=np.int64)
        self.by_type = {k: np.flatnonzero(self.type == T[k]) for k in TYPES}
        # outputs
        self.t_sub: list[int] = []
        self.t_author: list[int] = []
        self.p_thread: list[int] = []
        self.p_author: list[int] = []
        self.p_time: list[float] = []
        self.p_reply: list[int] = []
        self.messages: list[tuple[int, int, float]] = []
        self.answers_by: dict[int, int] = {}

    # --- helpers -------------------------------------------------------------------
    def present(self, who: np.ndarray, t: float) -> np.ndarray:
        return who[(self.join[who] <= t) & (self.leave[who] > t)]

    def draw(self, who: np.ndarray, t: float, weight=None, exclude=()) -> int:
        """One member of ``who`` present at ``t`` (weight: activity, or the given array)."""
        rng = self.rng
        mask = (self.join[who] <= t) & (self.leave[who] > t)
        if exclude:
            mask &= ~np.isin(who, list(exclude))
        cand = who[mask]
        if len(cand) == 0:
            return -1
        w = self.activity[cand] if weight is None else weight[mask]
        c = np.cumsum(w)
        return int(cand[min(int(np.searchsorted(c, rng.random() * c[-1], side="right")), len(cand) - 1)])

    def here(self, i: int, t: float) -> bool:
        return i >= 0 and self.join[i] <= t < self.leave[i] and t < DAYS

    def thread(self, sub: str, author: int, t: float) -> tuple[int, int]:
        th = len(self.t_sub)
        self.t_sub.append(SUB[sub])
        self.t_author.append(author)
        return th, self.post(th, author, t, -1)

    def post(self, th: int, author: int, t: float, reply_to: int) -> int:
        p = len(self.p_thread)
        self.p_thread.append(th)
        self.p_author.append(author)
        self.p_time.append(t)
        self.p_reply.append(reply_to)
        return p

    def staff(self) -> np.ndarray:
        return np.concatenate([self.by_type["admin"], self.by_type["moderator"], self.by_type["technical"]])

    def poisson_times(self, who: np.ndarray, rate: float) -> list[tuple[float, int]]:
        """Event times of a Poisson process of ``rate`` per day over each member's presence."""
        out = []
        for i in who:
            lo, hi = self.join[i], min(self.leave[i], DAYS)
            if hi <= lo:
                continue
            for t in lo + np.sort(self.rng.uniform(0, hi - lo, self.rng.poisson(rate * (hi - lo)))):
                out.append((float(t), int(i)))
        return out

    def reply_chain(self, th: int, first: int, t: float, n: int, pools, rates=(0.45, 0.15)) -> float:
        """``n`` replies after ``t``: authors from ``pools`` [(members, weight multiplier)]; each
        quotes the previous post, the first post or nothing. Returns the last time."""
        rng = self.rng
        last_author = self.p_author[first]
        last = first
        for _ in range(n):
            t = t + rng.exponential(0.6)
            if t >= DAYS:
                break
            who = np.concatenate([m for m, _ in pools])
            w = np.concatenate([self.activity[m] * k for m, k in pools])
            a = self.draw(who, t, w, exclude=(last_author,))
            if a < 0:
                continue
            u = rng.random()
            target = last if u < rates[0] else first if u < rates[0] + rates[1] else -1
            last = self.post(th, a, t, target)
            last_author = a
        return t

    def mod_note(self, th: int, t: float) -> float:
        """A moderator's short note (moved, closed, rule reminder); returns its time or -1."""
        m = self.draw(self.by_type["moderator"], t, np.ones(len(self.by_type["moderator"])))
        if m < 0 or t >= DAYS:
            return -1.0
        target = len(self.p_thread) - 1 if self.rng.random() < 0.3 and self.p_thread[-1] == th else -1
        self.post(th, m, t, target)
        return t

    # --- areas -------------------------------------------------------------------------
    def helpers_of(self, kind: str, sub_index: int) -> tuple[np.ndarray, np.ndarray]:
        who = self.by_type[kind]
        w = self.activity[who].copy()
        if kind == "technical":
            w = np.where(self.specialty[who] == sub_index, w * SPECIALTY_BOOST, w)
        return who, w

    def pick_helper(self, sub_index: int, t: float, exclude) -> tuple[int, str]:
        rng = self.rng
        kinds = list(ANSWERER_SHARES)
        p = np.array([ANSWERER_SHARES[k] for k in kinds])
        kind = kinds[int(rng.choice(len(kinds), p=p / p.sum()))]
        for k in (kind, "technical", "moderator", "admin"):
            who, w = self.helpers_of(k, sub_index)
            h = self.draw(who, t, w, exclude=exclude)
            if h >= 0:
                return h, k
        return -1, kind

    def question(self, t: float, asker: int) -> None:
        rng = self.rng
        if t >= DAYS:
            return
        self.n_questions[asker] += 1
        si = int(rng.choice(len(HELP), p=np.array(HELP_SHARES)))
        th, q = self.thread(HELP[si], asker, t)
        if rng.random() < P_MISPOST:
            moved = self.mod_note(th, t + rng.exponential(0.3))
            if moved > 0:
                t = moved
        last_asker_post = q
        if rng.random() < P_UNANSWERED:
            if not (rng.random() < P_BUMP):
                return
            t = t + rng.exponential(3.0)
            if not self.here(asker, t):
                return
            last_asker_post = self.post(th, asker, t, -1)     # bump
        lead, kind = self.pick_helper(si, t, exclude=(asker,))
        if lead < 0:
            return
        last_answer = -1
        for rnd in range(MAX_ROUNDS):
            if rnd > 0 and not (rng.random() < P_LEAD_AGAIN and self.here(lead, t)):
                lead, kind = self.pick_helper(si, t, exclude=(asker,))
                if lead < 0:
                    break
            t = t + rng.exponential(ANSWER_DELAY[kind])
            if not self.here(lead, t):
                break
            last_answer = self.post(th, lead, t, last_asker_post if rng.random() < P_ANSWER_QUOTES else -1)
            self.answers_by[lead] = self.answers_by.get(lead, 0) + 1
            if rnd == 0 and rng.random() < P_SECOND_ANSWER:
                other, okind = self.pick_helper(si, t, exclude=(asker, lead))
                t2 = t + rng.exponential(ANSWER_DELAY[okind])
                if other >= 0 and self.here(other, t2):
                    u = rng.random()
                    target = last_asker_post if u < 0.6 else last_answer if u < 0.9 else -1
                    last_answer = self.post(th, other, t2, target)
                    t = t2
            if not (rng.random() < P_FOLLOW_UP * FOLLOW_UP_DECAY ** rnd):
                break
            t = t + rng.exponential(FOLLOW_UP_DELAY)
            if not self.here(asker, t):
                break
            last_asker_post = self.post(th, asker, t, last_answer if rng.random() < 0.85 else -1)
        if last_answer >= 0:
            if rng.random() < P_THANKS:
                t = t + rng.exponential(0.5)
                if self.here(asker, t):
                    self.post(th, asker, t, last_answer)
            if rng.random() < P_THANK_PM and self.here(asker, t) and self.here(lead, t):
                self.messages.append((asker, lead, t + rng.exponential(0.5)))
                if rng.random() < 0.5:
                    self.messages.append((lead, asker, t + 0.5 + rng.exponential(0.5)))
        if rng.random() < P_ME_TOO:
            t = t + rng.exponential(2.0)
            other = self.draw(self.by_type["asker"], t, exclude=(asker,))
            if other >= 0 and t < DAYS:
                m = self.post(th, other, t, q if rng.random() < 0.7 else -1)
                self.n_questions[other] += 0     # a "me too" is not a question of one's own
                if rng.random() < P_ME_TOO_ANSWERED:
                    h, kind = self.pick_helper(si, t, exclude=(other,))
                    t = t + rng.exponential(ANSWER_DELAY[kind])
                    if self.here(h, t):
                        self.post(th, h, t, m)
        if rng.random() < P_CLOSE:
            closed = self.mod_note(th, t + rng.exponential(1.0))
            if closed > 0 and rng.random() < P_ARCHIVE:
                self.t_sub[th] = SUB["solved-archive"]

    def tutorials(self) -> None:
        rng = self.rng
        pools = np.concatenate([self.by_type["asker"], self.by_type["regular"]])
        for t, author in self.poisson_times(self.by_type["technical"], TUTORIAL_RATE):
            th, first = self.thread("tutorials", author, t)
            for _ in range(rng.poisson(TUTORIAL_QUESTIONS)):
                t = t + rng.exponential(4.0)
                if t >= DAYS:
                    break
                a = self.draw(pools, t, exclude=(author,))
                if a < 0:
                    continue
                qp = self.post(th, a, t, first if rng.random() < 0.6 else -1)
                if rng.random() < P_TUTORIAL_ANSWER:
                    t = t + rng.exponential(0.8)
                    if self.here(author, t):
                        self.post(th, author, t, qp)

    def introductions(self) -> None:
        rng = self.rng
        regulars = self.by_type["regular"]
        mods = self.by_type["moderator"]
        for kind, p in P_INTRO.items():
            for i in self.by_type[kind]:
                if rng.random() >= p:
                    continue
                t = self.join[i] + rng.exponential(1.0)
                if not self.here(i, t):
                    continue
                th, first = self.thread("introductions", int(i), t)
                last = t
                if rng.random() < P_GREET:
                    tg = t + rng.exponential(0.4)
                    m = self.draw(mods, tg, np.ones(len(mods)))
                    if m >= 0 and tg < DAYS:
                        self.post(th, m, tg, first)
                        last = tg
                for _ in range(rng.poisson(WELCOMES)):
                    tw = t + rng.exponential(1.0)
                    r = self.draw(regulars, tw, exclude=(int(i),))
                    if r >= 0 and tw < DAYS:
                        self.post(th, r, tw, first if rng.random() < 0.5 else -1)
                        last = max(last, tw)
                if last > t and rng.random() < 0.3:
                    tt = last + rng.exponential(0.5)
                    if self.here(int(i), tt):
                        self.post(th, int(i), tt, -1)

    def lounge(self) -> None:
        rng = self.rng
        pools = [(self.by_type["regular"], 1.0), (self.by_type["moderator"], LOUNGE_STAFF),
                 (self.by_type["technical"], LOUNGE_STAFF * 0.5), (self.by_type["asker"], 0.05),
                 (self.by_type["sharer"], 0.3), (self.by_type["requester"], 0.3)]
        for t, author in self.poisson_times(self.by_type["regular"], LOUNGE_RATE):
            th, first = self.thread("lounge", author, t)
            n = rng.negative_binomial(2, 2 / (2 + LOUNGE_REPLIES))
            end = self.reply_chain(th, first, t, int(n), pools)
            if rng.random() < P_MOD_NOTE:
                self.mod_note(th, end + rng.exponential(1.0))

    def content(self) -> None:
        rng = self.rng
        thanks = [(self.by_type["requester"], 1.5), (self.by_type["regular"], 0.6),
                  (self.by_type["sharer"], 0.5), (self.by_type["asker"], 0.02)]
        shares = (self.poisson_times(self.by_type["sharer"], CONTENT_RATE)
                  + self.poisson_times(self.by_type["technical"], TECH_SHARE_RATE))
        for t, author in sorted(shares):
            th, first = self.thread("content-01" if rng.random() < 0.6 else "content-02", author, t)
            end = self.reply_chain(th, first, t, int(rng.poisson(CONTENT_REPLIES)), thanks, rates=(0.1, 0.5))
            if rng.random() < P_MOD_NOTE:
                self.mod_note(th, end + rng.exponential(1.0))
        sharers = self.by_type["sharer"]
        for t, author in self.poisson_times(self.by_type["requester"], REQUEST_RATE):
            th, first = self.thread("requests", author, t)
            end = t
            if rng.random() < P_FULFIL:
                tf = t + rng.exponential(2.0)
                s = self.draw(sharers, tf)
                if s >= 0 and tf < DAYS:
                    fp = self.post(th, s, tf, first)
                    end = tf
                    if rng.random() < 0.5:
                        tt = tf + rng.exponential(0.5)
                        if self.here(author, tt):
                            self.post(th, author, tt, fp)
                            end = tt
                    if rng.random() < P_TRADE_PM:
                        self.messages.append((author, s, tf + rng.exponential(0.3)))
                        self.messages.append((s, author, tf + 0.3 + rng.exponential(0.5)))
            end = self.reply_chain(th, first, end, int(rng.poisson(1.0)),
                                   [(self.by_type["requester"], 1.0), (self.by_type["regular"], 0.3)], rates=(0.2, 0.4))
            if rng.random() < P_MOD_NOTE:
                self.mod_note(th, end + rng.exponential(1.0))

    def management(self) -> None:
        rng = self.rng
        admins = self.by_type["admin"]
        everyone = [(self.by_type["regular"], 1.0), (self.by_type["asker"], 0.1), (self.by_type["technical"], 0.5),
                    (self.by_type["moderator"], 0.5), (self.by_type["sharer"], 0.5), (self.by_type["requester"], 0.5)]
        for j in range(N_RULES):
            self.thread("rules", int(admins[j % len(admins)]), 0.1 + 0.2 * j)
        t = 0.1
        while True:
            t += rng.exponential(RULES_GAP)
            if t >= DAYS:
                break
            th, first = self.thread("rules", int(rng.choice(admins)), t)
            self.reply_chain(th, first, t, int(rng.poisson(1.0)), everyone)
        t = 0.5
        while t < DAYS:
            th, first = self.thread("announcements", int(rng.choice(admins)), t)
            end = self.reply_chain(th, first, t, int(rng.poisson(ANNOUNCE_REPLIES)), everyone, rates=(0.2, 0.5))
            if rng.random() < 0.3:
                a = int(rng.choice(admins))
                te = end + rng.exponential(0.5)
                if te < DAYS:
                    self.post(th, a, te, len(self.p_thread) - 1)
            t += rng.exponential(ANNOUNCE_GAP)
        staff = self.staff()
        t = 1.0
        while t < DAYS:
            author = self.draw(staff, t)
            if author >= 0:
                th, first = self.thread("team", author, t)
                self.reply_chain(th, first, t, int(rng.poisson(TEAM_REPLIES)), [(staff, 1.0)])
            t += rng.exponential(TEAM_GAP)
        answerers = np.concatenate([admins, self.by_type["moderator"]])
        for t, author in self.poisson_times(np.concatenate([self.by_type["regular"], self.by_type["asker"]]), FEEDBACK_RATE):
            th, first = self.thread("feedback", author, t)
            end = self.reply_chain(th, first, t, int(rng.poisson(1.5)), [(answerers, 2.0), (self.by_type["regular"], 1.0)])
            if rng.random() < P_MOD_NOTE:
                self.mod_note(th, end + rng.exponential(1.0))
        # staff private messages
        for day in range(DAYS):
            here = self.present(staff, day + 0.5)
            if len(here) < 2:
                continue
            for s, c in zip(here, rng.poisson(STAFF_PM_RATE, len(here))):
                for _ in range(c):
                    r = int(rng.choice(here))
                    if r != s:
                        self.messages.append((int(s), r, day + rng.random()))

    def run(self) -> None:
        self.management()
        for t, a in self.questions:
            self.question(t, a)
        self.tutorials()
        self.introductions()
        self.lounge()
        self.content()

    # --- output -------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        n = self.n
        ids = np.arange(1, n + 1)                 # registration order
        p_time = np.array(self.p_time)
        p_thread = np.array(self.p_thread, dtype=np.int64)
        p_author = np.array(self.p_author, dtype=np.int64)
        p_reply = np.array(self.p_reply, dtype=np.int64)
        order = np.lexsort((np.arange(len(p_time)), p_time))  # time order; ties keep creation order
        new_index = np.empty(len(order), dtype=np.int64)
        new_index[order] = np.arange(len(order))
        # threads: numbered by creation time
        t_first = np.full(len(self.t_sub), np.inf)
        np.minimum.at(t_first, p_thread, p_time)
        t_order = np.argsort(t_first, kind="stable")
        t_new = np.empty(len(t_order), dtype=np.int64)
        t_new[t_order] = np.arange(len(t_order))
        posts = pd.DataFrame({
            "post_id": np.arange(1, len(order) + 1),
            "thread_id": t_new[p_thread[order]] + 1,
            "author_id": ids[p_author[order]],
            "created_at": _to_time(p_time[order]),
            "reply_to": pd.array(np.where(p_reply[order] >= 0, new_index[np.maximum(p_reply[order], 0)] + 1, 0),
                                 dtype="Int64"),
        })
        posts.loc[p_reply[order] < 0, "reply_to"] = pd.NA
        threads = pd.DataFrame({
            "thread_id": np.arange(1, len(t_order) + 1),
            "subforum_id": np.array(self.t_sub)[t_order],
            "author_id": ids[np.array(self.t_author)[t_order]],
            "created_at": _to_time(t_first[t_order]),
        })
        subforums = pd.DataFrame({
            "subforum_id": np.arange(1, len(SUBFORUMS) + 1),
            "name": [s[0] for s in SUBFORUMS],
            "category": [s[1] for s in SUBFORUMS],
            "min_rank": pd.array([s[2] for s in SUBFORUMS], dtype="Int64"),
        })
        n_posts = np.bincount(p_author, minlength=n)
        last_post = np.full(n, -1.0)
        np.maximum.at(last_post, p_author, p_time)
        first_post = np.full(n, np.inf)
        np.minimum.at(first_post, p_author, p_time)
        # ranks and statuses
        rank = np.searchsorted(np.array(RANK_POSTS), n_posts, side="right")
        status = np.array(["new user", "user", "trusted"], dtype=object)[rank]
        tech = self.by_type["technical"]
        titled = tech[rng.random(len(tech)) < P_HELPER_TITLE]
        rank[titled] = 3
        status[titled] = "helper"
        for kind, level, name in (("moderator", 4, "moderator"), ("admin", 5, "admin")):
            rank[self.by_type[kind]] = level
            status[self.by_type[kind]] = name
        end = float(DAYS)
        seen = np.where(self.leave >= end, end - rng.exponential(2.0, n), self.leave - rng.uniform(0, 0.5, n))
        seen = np.minimum(np.maximum.reduce([seen, last_post, self.join]), end)
        members = pd.DataFrame({
            "member_id": ids, "status": status, "rank_level": rank,
            "joined_at": _to_time(self.join), "last_seen_at": _to_time(seen),
            "is_staff": np.isin(self.type, (T["admin"], T["moderator"])),
        })
        msg = np.array(self.messages, dtype=float).reshape(-1, 3)
        msg = msg[msg[:, 2] < end]
        msg = msg[np.argsort(msg[:, 2], kind="stable")]
        messages = pd.DataFrame({
            "message_id": np.arange(1, len(msg) + 1),
            "sender_id": ids[msg[:, 0].astype(np.int64)],
            "recipient_id": ids[msg[:, 1].astype(np.int64)],
            "created_at": _to_time(msg[:, 2]),
        })
        # truth
        role = np.array([{"asker": "newcomer", "introducer": "newcomer", "sharer": "distributor"}.get(t, t)
                         for t in (TYPES[x] for x in self.type)], dtype=object)
        span = np.where(n_posts > 0, last_post - first_post, 0.0)
        askers = self.type == T["asker"]
        role[askers & ((self.n_questions >= 2) | (span >= REQUESTER_SPAN_DAYS))] = "requester"
        team = np.isin(self.type, (T["admin"], T["moderator"], T["technical"]))
        role[~team & (n_posts == 0)] = "lurker"
        truth = pd.DataFrame({"member_id": ids, "role": role.astype(str)})
        truth["key_actor"] = truth["role"].isin(KEY_ROLES)
        tables = {"posts": posts, "threads": threads, "subforums": subforums,
                  "members": members, "messages": messages}
        return tables, truth


def _to_time(days) -> pd.Series:
    """Float days since START -> UTC timestamps, floored to the second."""
    seconds = np.floor(np.asarray(days, dtype=float) * 86400.0).astype(np.int64)
    return pd.Series(START + pd.to_timedelta(seconds, unit="s"))


def generate(seed: int = 0, scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The forum's tables and its truth (member_id, role, key_actor)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    forum = _Forum(seed, scale)
    forum.run()
    return forum.build()
