"""Ground-truth checks of the temporal analyses (issue 15, "Checks").

(a) The synthetic generator's planted activity regimes. ``synthetic/``
    gives each posting member a *tenure profile* (synthetic/_members.py): a
    share FLAT = 0.3 of their activity spread evenly over their tenure
    ``[join, leave]``, the rest a triangle with its mode at ``peak`` (a
    fraction of the tenure): 0.1 ("early burst"), 0.45 ("mid peak") or 0.9
    ("late rise") for ordinary members (shares 0.5, 0.35, 0.15), uniform on
    [0.3, 0.7] for admins, moderators and technical members; volumes are
    log-normal by role. The peak is not in ``truth``; this script reads it
    by wrapping ``synthetic.generate._tables`` (the generator itself is
    unchanged). By default the generator plants no promotion history (ranks
    are assigned once, at the end, from total activity and sharing); the
    opt-in ``promotions`` parameter plants some, checked in (c). Checked on
    forum-c and forum-a (seed 0), members with at
    least 20 posts, counts per tenth of each member's tenure (``joined_at``
    to ``last_seen_at``, which the generator writes from ``join`` and
    ``leave``):

    * one trajectory per planted class (``fit_trajectories(n_groups=1,
      order=2)``): does the fitted curve peak in the right tenth?
    * mixtures (``n_groups=3``) within bands of posts per member: is each
      member's group (named early/mid/late by where its curve peaks: tenths
      1-3, 4-7, 8-10) its planted class? Against the majority class;
    * the BIC-chosen mixture (1 to 8 groups) on all of them: what the groups
      separate (volume or shape);
    * the shape of admins, moderators and technical members against ordinary
      members (one curve per role).

(b) The Stack Exchange sites in /work/shared/data/stackexchange/
    (``na.read_stackexchange``; roles.csv names the moderators with the
    posts that appointed them). A moderator's *appointment* is dated by the
    creation of the earliest post of roles.csv's evidence that names them
    (pro-tem announcement, moderator or pro-tem appointment post, election
    results post); undated when no such post is named (quantumcomputing;
    history.meta 2732) or when the member's first post is later than that
    post (the name was added in a later revision, which the stripped dump
    cannot date). For each first appointment, the member's betweenness,
    in-degree (members answering them) and out-degree (members answered)
    in ``reply_graph(forum.between(a, b))`` over the year before the
    appointment (from the site's first post when shorter) and the year
    before that, as rank percentiles among the members posting then
    (rank / members, 1/n = the top; the median of a random member is 0.5);
    the first 180-day window (every 30 days) in which they entered the top
    10% of betweenness, PageRank or members answered (``na.emergence``),
    and its lead over the appointment. Baseline: the share of the other
    members posting in the year before who entered the top 10% in a window
    ending in that year. PostHistory's moderator actions are not used
    (three sites have no PostHistory; binding closes do not date an
    appointment).

(c) Planted promotions of ``synthetic`` (``promotions=PROMOTIONS``,
    synthetic/_promotions.py): ordinary members promoted to the staff
    status at a planted date (``truth.promoted_at``), after a planted rise
    over the ``RISE_LEAD`` before it (a growing share of the public replies,
    to distinct members) and with posts in the rank-restricted subforums
    from the date on. On forum-c and forum-a (seed 0), ``na.emergence`` with
    its defaults (top 5% of betweenness, PageRank or members answered in
    90-day windows every 30 days; status events: first restricted post,
    first announcements or rules thread): for each promoted member, whether
    it found a structural rise before the status event and ending before the
    promotion date, and the lead in days from the end of that window to the
    date. Baselines: the members not promoted who posted at least as much as
    the least active promoted one (share with a rise before a status event
    of theirs), and the same chosen members in the forum generated without
    promotions (what the planted behaviour adds).

Writes its sections of ``benchmarks/TRAJECTORIES.md`` with ``--write``:
(a) and (b) in ``temporal_checks``, (c) in ``temporal_checks_promotions``
(each through ``put_section``, so ``--parts c`` leaves the other as it is).

Usage::

    .venv/bin/python benchmarks/temporal_checks.py            # a few minutes; prints the sections
    .venv/bin/python benchmarks/temporal_checks.py --write
    .venv/bin/python benchmarks/temporal_checks.py --parts c --write   # only (c)
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import netanalysis as na  # noqa: E402
import synthetic  # noqa: E402
import synthetic.generate as _gen  # noqa: E402
from synthetic._behaviour import ROLES  # noqa: E402
from trajectories_vs_flexmix import _table, put_section  # noqa: E402

MARK = "temporal_checks"
#: The marked section of part (c).
MARK_PROMOTIONS = "temporal_checks_promotions"
#: Promotions planted in each forum of part (c).
PROMOTIONS = 10
SE = Path("/work/shared/data/stackexchange")
SITES = ("french.meta", "conlang.meta", "history.meta", "music.meta", "alcohol.meta", "quantumcomputing")
MIN_POSTS = 20
APPOINTING = re.compile(r"(pro-tem announcement(?: \(all revisions\))?|moderator appointment post|"
                        r"pro-tem appointment post(?: \(by a moderator\))?|election results post) (\d+)")


# -- (a) synthetic --------------------------------------------------------------------

def planted_forum(preset: str, seed: int):
    """The forum, its truth and each member's planted peak and role (by member id)."""
    captured = {}
    original = _gen._tables

    def wrapper(p, layout, members, rank, threads, posts, sender, recipient, msg_time, start, end_s, rng,
                **kwargs):
        # the member ids as _tables numbers them (by joined_at, the first activity at the latest)
        n = len(members)
        join_s = np.round(members.join * _gen.DAY).astype(np.int64)
        first = np.full(n, np.iinfo(np.int64).max)
        for who, when in ((posts.author, posts.time), (sender, msg_time), (recipient, msg_time)):
            np.minimum.at(first, who, when)
        order = np.lexsort((np.arange(n), np.minimum(join_s, first)))
        ids = np.empty(n, dtype=np.int64)
        ids[order] = np.arange(1, n + 1)
        captured["planted"] = pd.DataFrame(
            {"peak": members.peak, "role": np.asarray(ROLES, dtype=object)[members.role]},
            index=pd.Index(ids, name="member_id")).sort_index()
        return original(p, layout, members, rank, threads, posts, sender, recipient, msg_time, start, end_s, rng,
                        **kwargs)

    _gen._tables = wrapper
    try:
        forum, truth = synthetic.generate_forum(preset, seed=seed)
    finally:
        _gen._tables = original
    planted = captured["planted"]
    assert (planted["role"].to_numpy() == np.where(truth["role"] == "lurker", planted["role"], truth["role"])).all()
    return forum, truth, planted


def _class(peak: float) -> str:
    return "early" if peak < 0.2 else ("late" if peak > 0.8 else "mid")


def _shape(curves: pd.DataFrame) -> pd.Series:
    """Group -> early / mid / late by the tenth where its curve peaks."""
    top = curves.pivot(index="t", columns="group", values="expected").idxmax()
    return top.map(lambda t: "early" if t <= 2 else ("late" if t >= 7 else "mid"))


def tenure_counts(forum) -> tuple[pd.DataFrame, pd.Series]:
    posts, mem = forum.posts, forum.members.set_index("member_id")
    n_posts = posts.groupby("author_id").size()
    keep = n_posts[n_posts >= MIN_POSTS].index
    j = mem.loc[posts["author_id"], "joined_at"].to_numpy()
    lv = mem.loc[posts["author_id"], "last_seen_at"].to_numpy()
    frac = ((posts["created_at"].to_numpy() - j) / (lv - j)).astype(float)
    tenth = np.clip((frac * 10).astype(int), 0, 9)
    table = pd.crosstab(posts["author_id"].to_numpy(), tenth).reindex(index=keep, columns=range(10), fill_value=0)
    return table, n_posts.loc[keep]


def synthetic_checks() -> str:
    out = ["### (a) Planted activity regimes of `synthetic`", ""]
    for preset in ("forum-c", "forum-a"):
        t0 = time.perf_counter()
        forum, truth, planted = planted_forum(preset, 0)
        counts, n_posts = tenure_counts(forum)
        cls = planted.loc[counts.index, "peak"].map(_class)
        role = planted.loc[counts.index, "role"]
        ordinary = ~role.isin(["admin", "moderator", "technical"])
        rows = []
        for c in ("early", "mid", "late"):
            sel = counts.index[(cls == c) & ordinary]
            f1 = na.fit_trajectories(counts.loc[sel], n_groups=1, order=2, seed=0)
            e = f1.curves["expected"].to_numpy()
            rows.append({"planted class": c, "members": len(sel), "curve peaks in tenth": int(e.argmax()) + 1,
                         "recovered": _shape(f1.curves).iloc[0] == c,
                         "expected posts per tenth (1, 5, 10)": f"{e[0]:.1f}, {e[4]:.1f}, {e[9]:.1f}"})
        for r in ("admin", "moderator", "technical"):
            sel = counts.index[role == r]
            if len(sel) < 3:
                continue
            f1 = na.fit_trajectories(counts.loc[sel], n_groups=1, order=2, seed=0)
            e = f1.curves["expected"].to_numpy()
            rows.append({"planted class": f"{r} (peak uniform 0.3-0.7: mid)", "members": len(sel),
                         "curve peaks in tenth": int(e.argmax()) + 1, "recovered": _shape(f1.curves).iloc[0] == "mid",
                         "expected posts per tenth (1, 5, 10)": f"{e[0]:.1f}, {e[4]:.1f}, {e[9]:.1f}"})
        bands = []
        for lo, hi in ((20, 40), (40, 100), (100, None)):
            sel = n_posts.index[(n_posts >= lo) & ((n_posts < hi) if hi else True)]
            sel = sel[ordinary.loc[sel].to_numpy()]
            f3 = na.fit_trajectories(counts.loc[sel], n_groups=3, order=2, seed=0)
            shape = _shape(f3.curves)
            got = f3.membership.map(shape)
            truth_cls = cls.loc[sel]
            bands.append({"posts per member": f"{lo} to {hi - 1}" if hi else f"{lo} or more", "members": len(sel),
                          "group shapes": ", ".join(shape.tolist()),
                          "group shares": ", ".join(f"{s:.2f}" for s in f3.groups["share"]),
                          "accuracy": float((got == truth_cls).mean()),
                          "majority class": float(truth_cls.value_counts(normalize=True).max())})
        auto = na.fit_trajectories(counts, n_groups="auto", max_groups=8, order=2, seed=0)
        shape = _shape(auto.curves)
        got = auto.membership.map(shape)
        by_group = pd.DataFrame({"group": auto.membership, "class": cls})
        purity = by_group.groupby("group")["class"].agg(lambda s: s.value_counts(normalize=True).max())
        secs = time.perf_counter() - t0
        out += [f"**{preset}** (seed 0): {len(counts):,} posting members with at least {MIN_POSTS} posts "
                f"({(cls == 'early').sum()} early, {(cls == 'mid').sum()} mid, {(cls == 'late').sum()} late planted; "
                f"{int((~ordinary).sum())} admins, moderators and technical members); {secs:.1f} s.", "",
                "One trajectory per planted class (ordinary members) and per key role:", "",
                _table(pd.DataFrame(rows)), "",
                "Three-group mixtures within bands of posts per member (ordinary members): accuracy = share of "
                "members whose group's shape is their planted class:", "",
                _table(pd.DataFrame(bands)), "",
                f"The BIC-chosen mixture on all of them (1 to 8 groups): {auto.n_groups} groups, mean expected posts "
                f"per tenth {', '.join(f'{v:.1f}' for v in auto.groups['mean_expected'])}, shapes "
                f"{', '.join(shape.tolist())}; accuracy {float((got == cls).mean()):.3f} (majority class "
                f"{float(cls.value_counts(normalize=True).max()):.3f}); share of the largest planted class in each "
                f"group {', '.join(f'{v:.2f}' for v in purity)}.", ""]
    out += ["Reading: each planted regime's shape is recovered as the trajectory of its members (curves peak "
            "in the right tenth of the tenure), but a Poisson mixture of the members groups them by *level* "
            "first: the generator's volumes are log-normal (a factor of several between members of one "
            "regime), so the BIC-chosen groups are volume strata and their shapes do not follow the planted "
            "classes; only in a narrow band of volumes do the three groups find the three shapes (above "
            "the majority baseline where they do). This is the model's definition (Nagin's groups are "
            "defined by level and shape together), not a fitting failure. These forums plant no promotion "
            "history (the default); structural rises before planted promotions are checked in part (c).", ""]
    return "\n".join(out)


# -- (b) Stack Exchange -------------------------------------------------------------------

def appointments(site: str, forum) -> pd.DataFrame:
    roles = pd.read_csv(SE / site / "roles.csv")
    mods = roles[roles["role"] == "moderator"]
    created = forum.posts.set_index("post_id")["created_at"]
    first = forum.posts.groupby("author_id")["created_at"].min()
    rows = []
    for r in mods.itertuples(index=False):
        named = [(kind, created.get(f"p{pid}")) for kind, pid in APPOINTING.findall(str(r.evidence))]
        named = [(k, d) for k, d in named if d is not None and not pd.isna(d)]
        row = {"site": site, "member_id": r.user_id, "posts": int((forum.posts["author_id"] == r.user_id).sum()),
               "first_post": first.get(r.user_id, pd.NaT)}
        if not named:
            row.update(appointed=pd.NaT, how=None, note="no appointing post named in roles.csv")
        else:
            kind, date = min(named, key=lambda x: x[1])
            kind = kind.split(" (")[0]
            if not pd.isna(row["first_post"]) and row["first_post"] > date:
                row.update(appointed=pd.NaT, how=kind,
                           note=f"first post after the {kind} ({date:%Y-%m-%d}): named in a later revision")
            else:
                row.update(appointed=date, how=kind, note=None)
        rows.append(row)
    return pd.DataFrame(rows)


def _percentiles(forum, a, b) -> pd.DataFrame:
    """Rank percentiles (rank / members posting, 1/n = the top) in the reply graph of [a, b)."""
    part = forum.between(a, b)
    if len(part.posts) == 0:
        return pd.DataFrame(columns=["betweenness", "in_degree", "out_degree"])
    g = na.reply_graph(part, rule="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        panel = na.centrality(g, measures=["betweenness", "in_degree", "out_degree"])
    return panel.rank(ascending=False, method="min") / len(panel)


def stackexchange_checks() -> str:
    year = pd.Timedelta("365D")
    rows, base_rows, undated = [], [], []
    for site in SITES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forum = na.read_stackexchange(SE / site)
        apps = appointments(site, forum)
        undated += apps[apps["appointed"].isna()].to_dict("records")
        apps = apps[apps["appointed"].notna()]
        if not len(apps):
            continue
        start = forum.posts["created_at"].min()
        found = na.emergence(forum, top_share=0.10, window="180D", step="30D", measures=("betweenness", "pagerank",
                                                                                          "answered"))
        w = found.windows
        ends = {x["window_start"]: x["window_end"] for x in w.attrs["windows"]}
        top_n = found.params["top_n"]
        top = w[(w["rank"] <= w["window_start"].map(top_n)) & (w["value"] > 0)]
        for r in apps.itertuples(index=False):
            t = r.appointed
            before = _percentiles(forum, max(start, t - year), t)
            earlier = _percentiles(forum, max(start, t - 2 * year), t - year) if t - year > start else None
            mine = top[(top["member_id"] == r.member_id) & (top["window_end"] <= t)]
            first_top = mine["window_end"].min() if len(mine) else pd.NaT
            row = {"site": site, "member": r.member_id, "appointed": f"{t:%Y-%m-%d}", "by": r.how,
                   "days of records before": int((t - start).days), "posts before":
                       int(((forum.posts["author_id"] == r.member_id) & (forum.posts["created_at"] < t)).sum())}
            for m, label in (("betweenness", "betweenness"), ("in_degree", "in-degree"), ("out_degree", "answered")):
                row[f"{label} pct, year before"] = before[m].get(r.member_id, np.nan) if len(before) else np.nan
            row["betweenness pct, year before that"] = (earlier["betweenness"].get(r.member_id, np.nan)
                                                        if earlier is not None and len(earlier) else np.nan)
            row["members posting, year before"] = len(before)
            row["first top-10% window end"] = "" if pd.isna(first_top) else f"{first_top:%Y-%m-%d}"
            row["lead days"] = np.nan if pd.isna(first_top) else float((t - first_top).days)
            rows.append(row)
            # baseline: the other members posting in the year before, entering the top 10% in a window ending then
            active = set(before.index) - {r.member_id}
            in_year = top[(top["window_end"] <= t) & (top["window_end"] > t - year)]
            hit = set(in_year["member_id"]) & active
            base_rows.append({"site": site, "member": r.member_id, "others": len(active),
                              "others in top 10%": len(hit),
                              "moderator in top 10%": bool(len(mine[mine["window_end"] > t - year]))})
    table = pd.DataFrame(rows)
    base = pd.DataFrame(base_rows)
    launch = table["days of records before"] < 120
    later = table[~launch]
    base = base[~launch.to_numpy()]          # a launch appointment has no 180-day window before it
    lines = ["### (b) Stack Exchange: did moderators' centrality rise before their appointment?", "",
             "Appointments dated by the earliest appointing post that names the moderator in roles.csv "
             "(the post's creation time). Percentiles: rank / members posting in the period (lower is more "
             "central; a random member's median is 0.5). 'first top-10% window end': the end of the first "
             "180-day window (every 30 days) ending before the appointment in which the member was in the "
             "top 10% of betweenness, PageRank or members answered.", "",
             _table(table.round(3)), ""]
    if len(undated):
        u = pd.DataFrame(undated)[["site", "member_id", "how", "note"]]
        lines += ["Not dated:", "", _table(u), ""]
    def med(s, fmt=".3f"):
        s = s.dropna()
        return f"{s.median():{fmt}} (n = {len(s)})" if len(s) else "none"
    lines += [
        f"**{len(table)} dated first appointments**; {int(launch.sum())} were pro-tem appointments within 120 days "
        f"of the site's first post (little history before them) and {len(later)} came later.",
        "",
        f"- Betweenness percentile in the year before the appointment, median: all {med(table['betweenness pct, year before'])}; "
        f"later appointments {med(later['betweenness pct, year before'])}; in-degree {med(table['in-degree pct, year before'])}; "
        f"answered {med(table['answered pct, year before'])}.",
        f"- Later appointments with a year before that: betweenness percentile then "
        f"{med(later['betweenness pct, year before that'])}, in the last year {med(later.loc[later['betweenness pct, year before that'].notna(), 'betweenness pct, year before'])}.",
        f"- In the top 10% of a 180-day window ending before the appointment: {int(later['lead days'].notna().sum())} "
        f"of the {len(later)} later appointments (no such window fits before a launch appointment); median lead "
        f"{med(later['lead days'], '.0f')} days from the end of that first window to the appointment.",
        f"- Baseline, the year before each later appointment: the moderator was in the top 10% of a window ending "
        f"in it in {int(base['moderator in top 10%'].sum())} of {len(base)} cases; of the other members posting in "
        f"those years, {base['others in top 10%'].sum():,} of {base['others'].sum():,} member-years "
        f"({base['others in top 10%'].sum() / max(1, base['others'].sum()):.1%}).",
        "",
        "What cannot be measured: the dumps keep no rank or moderator-status history, so an appointment is "
        "dated only by the post announcing it (pro-tem announcements name several moderators at once, often "
        "weeks after the site opened; an '(all revisions)' announcement may have named a moderator only in a "
        "later, undatable revision); quantumcomputing names no appointing post; these are meta sites and one "
        "main site, whose reply networks are small (tens of members posting in a year), so the figures are a "
        "finding about these few moderators, not a test.",
        ""]
    return "\n".join(lines)


# -- (c) planted promotions ------------------------------------------------------------

def _emergence(forum) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return na.emergence(forum).members


def promotion_checks() -> str:
    from synthetic._promotions import RISE_LEAD, RISE_SHARE, STAFF_POSTS

    out = ["## Ground-truth checks (temporal): planted promotions", "",
           f"Generated by `benchmarks/temporal_checks.py --parts c` on {time.strftime('%Y-%m-%d')}.", "",
           f"`synthetic.generate_forum(preset, seed=0, promotions={PROMOTIONS})`: each promoted member takes over "
           f"a share {RISE_SHARE} of the public crowd replies of the {RISE_LEAD} before the date (weight growing "
           f"linearly over that period, one reply per answered member), holds the staff status, cannot post in "
           f"a rank-restricted subforum before the date and takes over up to {STAFF_POSTS} replies there from the "
           "date on. `na.emergence(forum)` with its defaults (top 5% of betweenness, PageRank or members answered "
           "in 90-day windows every 30 days). 'rise before promotion': its first top-5% window ends before both "
           "the status event it read and the planted date; lead = planted date minus the end of that window.", ""]
    summary = []
    for preset in ("forum-c", "forum-a"):
        t0 = time.perf_counter()
        forum, truth = synthetic.generate_forum(preset, seed=0, promotions=PROMOTIONS)
        truth = truth.set_index("member_id")
        found = _emergence(forum)
        secs = time.perf_counter() - t0
        promoted = truth.index[truth["promoted_at"].notna()]
        n_posts = forum.posts.groupby("author_id").size()
        at = truth.loc[promoted, "promoted_at"]
        rows = found.loc[promoted]
        before = (rows["lead_days"] > 0) & (rows["structural_at"] < at)
        lead = ((at - rows["structural_at"]).dt.total_seconds() / 86_400).where(before)
        table = pd.DataFrame({
            "member": promoted, "role": truth.loc[promoted, "role"].to_numpy(),
            "posts": n_posts.reindex(promoted).to_numpy(),
            "promoted at": at.dt.strftime("%Y-%m-%d").to_numpy(),
            "status event": [f"{e} {t:%Y-%m-%d}" if isinstance(e, str) else "none"
                             for e, t in zip(rows["status_event"], rows["status_at"])],
            "first top-5% window end": rows["structural_at"].dt.strftime("%Y-%m-%d").fillna("never").to_numpy(),
            "measure": rows["structural_measure"].fillna("").to_numpy(),
            "rise before promotion": before.to_numpy(),
            "lead days": lead.round(0).to_numpy()})
        # Baseline 1: members not promoted who posted at least as much as the least active promoted one.
        others = found.index[~found.index.isin(promoted)]
        others = others[n_posts.reindex(others).to_numpy() >= n_posts.loc[promoted].min()]
        base_rise = float((found.loc[others, "lead_days"] > 0).mean())
        base_status = float(found.loc[others, "status_at"].notna().mean())
        # Baseline 2: the same members in the forum generated without promotions.
        plain, _ = synthetic.generate_forum(preset, seed=0)
        plain_found = _emergence(plain)
        plain_lead = plain_found["lead_days"].reindex(promoted)
        plain_rise = plain_found["structural_at"].reindex(promoted).notna()
        t_all = time.perf_counter() - t0
        share = float(before.mean())
        summary.append((preset, share, lead.median(), base_rise))
        out += [f"**{preset}** (seed 0): `{forum!r}`; generation and `na.emergence` {secs:.1f} s "
                f"({t_all:.1f} s with the baseline forum).", "",
                _table(table), "",
                f"- Rise found before the promotion: **{int(before.sum())} of {len(promoted)}** ({share:.0%}); "
                f"lead median {lead.median():.0f} days (range {lead.min():.0f} to {lead.max():.0f}); the status "
                f"event read is the first restricted post for {int((rows['status_event'] == 'restricted').sum())} "
                f"of them, never before the planted date: "
                f"{bool((rows['status_at'].dropna() >= at[rows['status_at'].notna()]).all())}.",
                f"- Baseline, members not promoted with at least {int(n_posts.loc[promoted].min())} posts "
                f"({len(others)}): {base_rise:.0%} have a rise before a status event of theirs "
                f"({base_status:.0%} have a status event at all).",
                f"- The same {len(promoted)} members generated without promotions: "
                f"{int((plain_lead > 0).sum())} with a rise before a status event, {int(plain_rise.sum())} "
                "ever in the top 5% of a window.", ""]
    out += ["Reading: the planted rise is found before the promotion for "
            + ", ".join(f"{s:.0%} of the promoted members of {p} (median lead {m:.0f} days, baseline {b:.0%})"
                        for p, s, m, b in summary)
            + ". The lead is bounded by the planted lead period (the rise starts "
            f"{RISE_LEAD} before the date, and a window counts only once it has ended), so this checks that "
            "`na.emergence` finds and dates a rise that is there; it says nothing about whether real "
            "promotions are preceded by one (part (b)).", ""]
    return "\n".join(out)


def section() -> str:
    return "\n".join(["## Ground-truth checks (temporal)", "",
                      f"Generated by `benchmarks/temporal_checks.py` on {time.strftime('%Y-%m-%d')}.", "",
                      synthetic_checks(), stackexchange_checks()])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="put the sections into benchmarks/TRAJECTORIES.md")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "TRAJECTORIES.md"))
    ap.add_argument("--parts", default="abc",
                    help="parts to run: 'ab' (the temporal_checks section: both together) and/or 'c' "
                         "(the temporal_checks_promotions section); default abc")
    args = ap.parse_args()
    parts = set(args.parts)
    if not parts or parts - set("abc") or (("a" in parts) != ("b" in parts)):
        ap.error("--parts: 'ab', 'c' or 'abc' (a and b share one section)")
    if "a" in parts:
        text = section()
        print(text)
        if args.write:
            put_section(Path(args.out), text, mark=MARK)
    if "c" in parts:
        text = promotion_checks()
        print(text)
        if args.write:
            put_section(Path(args.out), text, mark=MARK_PROMOTIONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
