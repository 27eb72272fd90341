"""An independent forum model, to check that the role detector is not tuned to ``synthetic``.

:func:`alt_forum` simulates a forum day by day, with a mechanism unlike the
one of :mod:`synthetic` (which draws thread kinds, lengths and then authors
from role tables):

* **Arrivals and departures.** Members arrive one by one over the forum's
  life (a rate that grows linearly), stay an exponential time (the staff
  stay to the end), and most never post (lurkers).
* **Events.** On each day every present posting member acts a Poisson
  number of times at a role-specific rate. An action starts a thread (of a
  kind that depends on the role: announcements for admins, tutorials for
  technical members, shares for sharers, wishes for requesters, a greeting
  as a newcomer's first act) or joins one of the threads still open, chosen
  by recency and by the role's interest in the thread's kind.
* **Answers from whoever is online.** A question in the help desk or a
  greeting in the welcome area is answered, on the same or the next days,
  by members present at that time, drawn with role propensities (technical
  members answer questions, moderators greet and answer in the two
  subforums they look after); the asker often comes back, and answers
  quote the question.
* **Ladder and metadata.** Ranks come from post counts on a fixed ladder
  of five ordinary levels plus one staff level held by admins *and*
  moderators (technical members climb the ordinary ladder); ``is_staff``
  marks admins and moderators; some categories are missing (the help desk
  and the wishes board have none) or different (two libraries are "other");
  10% of ranks and all ``last_seen_at`` are missing.
* **Truth.** Each member's role; members of an ordinary role who never
  posted are lurkers (they left no trace to read them from).

The model is deliberately simple and has no parameter fitted to the
detector. Usage::

    from alt_forum import alt_forum
    forum, truth = alt_forum(seed=0)
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from netanalysis.forum import read_forum  # noqa: E402

ROLES = ("admin", "moderator", "technical", "distributor", "requester", "regular", "newcomer", "lurker")
# Subforums: name, category given to the detector (None: missing), kind used by the simulation.
SUBFORUMS = [
    ("news", "announcements", "announce"),
    ("help desk", None, "question"),
    ("welcome", "introductions", "greeting"),
    ("library 1", "content", "share"),
    ("library 2", "content", "share"),
    ("library 3", "other", "share"),
    ("library 4", None, "share"),
    ("wishes", None, "wish"),
    ("lounge", "social", "chat"),
    ("inner circle", "private", "inner"),
]
KIND_SUBFORUMS = {}
for _i, (_n, _c, _k) in enumerate(SUBFORUMS):
    KIND_SUBFORUMS.setdefault(_k, []).append(_i)
# Tutorials go to the help desk too.
KIND_SUBFORUMS["tutorial"] = KIND_SUBFORUMS["question"]
THREAD_KINDS = ("announce", "question", "tutorial", "greeting", "share", "wish", "chat", "inner")

# Posting rate per day while present, by role.
RATE = {"admin": 0.35, "moderator": 0.9, "technical": 0.5, "distributor": 0.45, "requester": 0.12,
        "regular": 0.1, "newcomer": 0.25}
# Share of actions that start a thread, and the kind started.
START = {"admin": (0.2, {"announce": 0.7, "chat": 0.2, "inner": 0.1}),
         "moderator": (0.05, {"announce": 0.3, "chat": 0.7}),
         "technical": (0.12, {"tutorial": 0.9, "chat": 0.1}),
         "distributor": (0.35, {"share": 0.85, "inner": 0.15}),
         "requester": (0.45, {"wish": 0.85, "question": 0.15}),
         "regular": (0.08, {"chat": 0.5, "question": 0.3, "share": 0.2}),
         "newcomer": (0.1, {"question": 0.6, "chat": 0.4})}
# Interest of each role in joining open threads of each kind.
INTEREST = {
    "admin": dict(announce=3, question=0.3, tutorial=0.5, greeting=1, share=0.5, wish=0.3, chat=1, inner=2),
    "moderator": dict(announce=2, question=0.5, tutorial=0.5, greeting=2, share=1, wish=1, chat=1, inner=1.5),
    "technical": dict(announce=0.5, question=1, tutorial=2, greeting=0.3, share=0.2, wish=0.2, chat=0.5, inner=0.5),
    "distributor": dict(announce=0.3, question=0.1, tutorial=0.3, greeting=0.1, share=3, wish=1, chat=0.5, inner=2),
    "requester": dict(announce=0.2, question=0.5, tutorial=0.3, greeting=0.1, share=1.5, wish=3, chat=0.3, inner=0),
    "regular": dict(announce=0.5, question=0.3, tutorial=0.5, greeting=0.3, share=2, wish=0.5, chat=2, inner=0.3),
    "newcomer": dict(announce=1, question=0.5, tutorial=1, greeting=1.5, share=1, wish=0.5, chat=0.5, inner=0),
}
# Who answers a question or greets a newcomer (drawn among members present).
ANSWERS = {"question": {"technical": 12.0, "moderator": 1.0, "admin": 0.5, "regular": 0.1, "distributor": 0.1},
           "greeting": {"moderator": 8.0, "admin": 2.0, "regular": 0.3, "distributor": 0.2, "newcomer": 0.3}}
LADDER = (1, 5, 20, 80, 250)      # posts needed for ordinary levels 1..5; staff level 6
DAY = pd.Timedelta(days=1)


def alt_forum(seed: int = 0, n_members: int = 6000, days: int = 900, posting_share: float = 0.2):
    """``(forum, truth)``: a simulated forum and each member's role (see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2015-03-01", tz="UTC")
    n_posting = int(posting_share * n_members)
    counts = {"admin": 2, "moderator": 4, "technical": 3}
    rest = n_posting - sum(counts.values())
    counts.update(distributor=int(0.05 * rest), requester=int(0.2 * rest), newcomer=int(0.15 * rest))
    counts["regular"] = rest - counts["distributor"] - counts["requester"] - counts["newcomer"]
    role = np.array([r for r, c in counts.items() for _ in range(c)] + ["lurker"] * (n_members - n_posting),
                    dtype=object)
    role = role[rng.permutation(n_members)]
    n = n_members
    # Arrivals with a linearly growing rate: day = days * sqrt(u) on [0, days).
    join = days * np.sqrt(rng.random(n))
    join[role == "admin"] = rng.uniform(0, 3, (role == "admin").sum())
    join[role == "moderator"] = rng.uniform(10, 150, (role == "moderator").sum())
    join[role == "technical"] = rng.uniform(0, 250, (role == "technical").sum())
    nc = role == "newcomer"
    join[nc] = days - rng.uniform(5, 75, nc.sum())
    leave = np.minimum(days, join + rng.exponential(300, n))
    staff = np.isin(role, ("admin", "moderator", "technical"))
    leave[staff] = days
    leave[nc] = days
    rate = np.array([RATE.get(r, 0.0) for r in role]) * rng.lognormal(0, 0.6, n)
    rate[nc] = RATE["newcomer"]
    mods = np.flatnonzero(role == "moderator")
    looks_after = {int(m): rng.choice(len(SUBFORUMS) - 1, 2, replace=False) for m in mods}

    posts = []          # (thread, author, day, reply_to)
    threads = []        # (subforum, kind, starter, day)
    open_threads: list[int] = []
    greeted = np.zeros(n, dtype=bool)
    n_posts = np.zeros(n, dtype=np.int64)
    kind_idx = {k: i for i, k in enumerate(THREAD_KINDS)}
    interest = {r: np.array([INTEREST[r][k] for k in THREAD_KINDS]) for r in INTEREST}
    pending: list[tuple[float, int]] = []     # (day, thread) awaiting answers

    def post(thread, author, day, reply_to=-1):
        posts.append((thread, author, day, reply_to))
        n_posts[author] += 1
        return len(posts) - 1

    cap = 200_000
    t_kind = np.zeros(cap, dtype=np.int64)
    t_sf = np.zeros(cap, dtype=np.int64)
    t_day = np.zeros(cap)

    def start_thread(author, kind, day):
        place = KIND_SUBFORUMS[kind]
        sf = int(place[rng.integers(len(place))])
        threads.append((sf, kind, author, day))
        t = len(threads) - 1
        t_kind[t], t_sf[t], t_day[t] = kind_idx[kind], sf, day
        first = post(t, author, day)
        open_threads.append(t)
        if kind in ("question", "greeting"):
            pending.append((day + rng.exponential(0.7), t))
        return t, first

    first_post_of = {}
    active = role != "lurker"
    for d in range(days):
        present = np.flatnonzero((join <= d + 1) & (leave > d) & active)
        acts = rng.poisson(rate[present])
        actors = np.repeat(present, acts)
        rng.shuffle(actors)
        # Threads stay open for 40 days.
        while open_threads and threads[open_threads[0]][3] < d - 40:
            open_threads.pop(0)
        for a in actors:
            day = d + rng.random()
            r = role[a]
            if r == "newcomer" and not greeted[a]:
                greeted[a] = True
                t, first = start_thread(a, "greeting", day)
                first_post_of[t] = first
                continue
            p_start, kinds = START[r]
            if rng.random() < p_start or not open_threads:
                names, weights = list(kinds), np.array(list(kinds.values()))
                kind = names[np.searchsorted(np.cumsum(weights), rng.random() * weights.sum(), side="right")]
                if kind == "inner" and n_posts[a] < LADDER[3] and r not in ("admin", "moderator", "technical"):
                    kind = "share" if r == "distributor" else "chat"
                t, first = start_thread(a, kind, day)
                first_post_of[t] = first
                continue
            cand = np.array(open_threads[-300:])
            w = interest[r][t_kind[cand]].astype(float)
            w *= np.exp(-(d - t_day[cand]) / 10.0)
            if r == "moderator":
                w *= np.where(np.isin(t_sf[cand], looks_after[int(a)]), 4.0, 1.0)
            if r not in ("admin", "moderator", "technical") and n_posts[a] < LADDER[3]:
                w *= t_kind[cand] != kind_idx["inner"]
            if w.sum() <= 0:
                continue
            t = int(cand[np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right").clip(0, len(cand) - 1)])
            quote = first_post_of[t] if rng.random() < 0.15 else -1
            post(t, a, max(day, threads[t][3] + 1e-3), quote)
        # Answers to questions and greetings from whoever is present.
        due = [(x, t) for x, t in pending if x < d + 1]
        pending[:] = [(x, t) for x, t in pending if x >= d + 1]
        for when, t in due:
            sf, kind, asker, _ = threads[t]
            here = np.flatnonzero((join <= when) & (leave > when) & active)
            here = here[here != asker]
            w = np.array([ANSWERS[kind].get(role[m], 0.0) for m in here]) * np.minimum(rate[here] * 5, 1.0)
            if kind == "greeting":
                w *= np.where(np.isin(here, [m for m in mods if sf in looks_after[int(m)]]), 3.0, 1.0)
            if w.sum() <= 0:
                continue
            for j in range(1 + rng.poisson(0.8)):
                who = int(here[rng.choice(len(here), p=w / w.sum())])
                post(t, who, when + 0.05 * (j + 1), first_post_of[t] if rng.random() < 0.6 else -1)
                if kind == "question" and rng.random() < 0.5:
                    post(t, asker, when + 0.05 * (j + 1) + 0.02)

    p = np.array(posts, dtype=object)
    thread_col = p[:, 0].astype(np.int64)
    author_col = p[:, 1].astype(np.int64)
    day_col = p[:, 2].astype(float)
    reply = p[:, 3].astype(np.int64)
    order = np.lexsort((np.arange(len(p)), day_col))
    new_id = np.empty(len(p), dtype=np.int64)
    new_id[order] = np.arange(len(p))
    ids = np.array([f"u{i:05d}" for i in range(n)], dtype=object)
    posts_df = pd.DataFrame({
        "post_id": new_id[order] + 1, "thread_id": thread_col[order] + 1, "author_id": ids[author_col[order]],
        "created_at": start + pd.to_timedelta(day_col[order], unit="D"),
        "reply_to": pd.array(np.where(reply[order] >= 0, new_id[np.maximum(reply[order], 0)] + 1, -1),
                             dtype="Int64"),
    })
    posts_df["reply_to"] = posts_df["reply_to"].mask(posts_df["reply_to"] < 0)
    th = np.array(threads, dtype=object)
    threads_df = pd.DataFrame({"thread_id": np.arange(len(th)) + 1, "subforum_id": th[:, 0].astype(np.int64) + 1,
                               "author_id": ids[th[:, 2].astype(np.int64)]})
    subforums_df = pd.DataFrame({"subforum_id": np.arange(len(SUBFORUMS)) + 1,
                                 "name": [s[0] for s in SUBFORUMS],
                                 "category": [s[1] for s in SUBFORUMS],
                                 "min_rank": pd.array([4 if s[2] == "inner" else None for s in SUBFORUMS],
                                                      dtype="Int64")})
    total = np.bincount(author_col, minlength=n)
    level = np.searchsorted(np.array(LADDER), total, side="right").astype(float)
    level[np.isin(role, ("admin", "moderator"))] = len(LADDER) + 1
    level[rng.random(n) < 0.1] = np.nan
    members_df = pd.DataFrame({
        "member_id": ids, "joined_at": start + pd.to_timedelta(join, unit="D"),
        "rank_level": pd.array(np.where(np.isnan(level), -1, level).astype(np.int64), dtype="Int64"),
        "is_staff": np.isin(role, ("admin", "moderator")),
    })
    members_df["rank_level"] = members_df["rank_level"].mask(np.isnan(level))
    # Private messages: posting members write to each other, and to the staff.
    posters = np.flatnonzero(total > 0)
    n_msg = len(posts_df) // 10
    w = np.where(staff[posters], 3.0, 1.0)
    snd = posters[rng.choice(len(posters), n_msg)]
    rcv = posters[rng.choice(len(posters), n_msg, p=w / w.sum())]
    keep = snd != rcv
    snd, rcv = snd[keep], rcv[keep]
    when = np.maximum(join[snd], join[rcv]) + rng.random(len(snd)) * (days - np.maximum(join[snd], join[rcv]))
    messages_df = pd.DataFrame({"message_id": np.arange(len(snd)) + 1, "sender_id": ids[snd],
                                "recipient_id": ids[rcv], "created_at": start + pd.to_timedelta(when, unit="D")})
    forum = read_forum({"posts": posts_df, "threads": threads_df, "subforums": subforums_df,
                        "members": members_df, "messages": messages_df})
    true_role = np.where((total == 0) & ~staff, "lurker", role)
    truth = pd.DataFrame({"member_id": ids, "role": true_role,
                          "key_actor": np.isin(true_role, ("admin", "moderator", "technical"))})
    return forum, truth


if __name__ == "__main__":
    import time
    t0 = time.perf_counter()
    f, truth = alt_forum(0)
    print(f, f"{time.perf_counter() - t0:.1f}s")
    print(truth["role"].value_counts())
