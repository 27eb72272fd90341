"""Evaluation of the forum-role detector on synthetic forums; writes ROLES.md.

For each preset (forum-a .. forum-d), difficulty (easy, realistic, hard) and
seed, the forum is generated with :func:`synthetic.generate_forum` and
:func:`netanalysis.roles.forum_roles.forum_roles` is scored against the
truth:

* ``macro_f1``: macro-F1 of the eight roles (:func:`netanalysis.evaluate.role_report`);
* ``p@k``: precision at ``k`` of the key actors (admins, moderators,
  technical members; ``k`` = their true number) when members are ranked by
  the detector's ``key_score`` (members given a key role score above every
  other member);
* ``p@k degree`` and ``p@k posts``: the same for the two baselines, members
  ranked by their degree in the reply graph (distinct members answered or
  answering) and by their post count;
* ``thinned``: the detector's figures when half of the posts are removed at
  random with :func:`netanalysis.forum.subsample` (a crawl that missed half
  the forum), to compare with the full data.

Usage::

    .venv/bin/python benchmarks/eval_roles.py                # full run, writes benchmarks/ROLES.md
    .venv/bin/python benchmarks/eval_roles.py --seeds 0 --presets forum-c --difficulties realistic --no-write

The full run generates 4 presets x 3 difficulties x 12 seeds (seeds 0-11; the
detector was tuned on seeds 0-5, and its last changes were kept only where
they also improved seeds 6-11, so no seed here is untouched; the report
gives both halves) plus twelve forums of the independent model
``benchmarks/alt_forum.py`` (preset ``alt``); run it alone on the shared machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netanalysis.evaluate import precision_at_k, role_report  # noqa: E402
from netanalysis.forum import subsample  # noqa: E402
from netanalysis.roles.forum_roles import forum_roles  # noqa: E402
from synthetic import generate_forum  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from alt_forum import alt_forum  # noqa: E402

PRESETS = ("forum-a", "forum-b", "forum-c", "forum-d", "alt")
DIFFICULTIES = ("easy", "realistic", "hard")
#: Seeds of the default run: 0-5 tuned on, 6-11 used to validate the last changes.
SEEDS = tuple(range(12))
#: The seeds that validated the detector's last changes (see the module docstring).
VALIDATION_SEEDS = tuple(range(6, 12))


def key_ranking(roles: pd.DataFrame) -> pd.Series:
    """Scores for ranking members as key actors: the detector's ``key_score``
    (members given a key role score above every other member)."""
    return roles["key_score"].astype(float)


def baselines(forum) -> dict[str, pd.Series]:
    """Degree (distinct reply partners, either direction) and post count."""
    pa = forum.post_arrays
    n = len(forum.member_index)
    posts = np.bincount(pa.author, minlength=n).astype(float)
    prev = np.full(len(pa.author), -1)
    order = np.lexsort((np.arange(len(pa.thread)), pa.thread))
    same = np.r_[False, pa.thread[order][1:] == pa.thread[order][:-1]]
    prev[order] = np.where(same, np.r_[-1, order[:-1]], -1)
    target = np.where(pa.reply_to >= 0, pa.reply_to, prev)
    ok = target >= 0
    a, b = pa.author[ok], pa.author[target[ok]]
    ok2 = a != b
    a, b = a[ok2], b[ok2]
    pairs = np.unique(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    degree = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)
    idx = forum.member_index
    return {"degree": pd.Series(degree.astype(float), index=idx), "posts": pd.Series(posts, index=idx)}


def thinned(forum, share: float, seed: int):
    """``forum`` with ``share`` of its posts removed at random
    (:func:`netanalysis.forum.subsample`)."""
    return subsample(forum, share, seed=seed)


def score(forum, truth: pd.DataFrame) -> dict:
    t0 = time.perf_counter()
    roles = forum_roles(forum)
    elapsed = time.perf_counter() - t0
    true_role = truth.set_index("member_id")["role"].astype(object).reindex(roles.index)
    report = role_report(true_role, roles["role"].astype(object))
    key_ids = truth.loc[truth["key_actor"], "member_id"]
    k = len(key_ids)
    out = {"macro_f1": report.macro_f1, "p@k": precision_at_k(key_ranking(roles), key_ids, k), "k": k,
           "seconds": elapsed}
    for name, ranking in baselines(forum).items():
        out[f"p@k {name}"] = precision_at_k(ranking, key_ids, k)
    out["f1"] = report.table["f1"].to_dict()
    return out


def _cases(presets, difficulties, seeds):
    for preset in presets:
        for difficulty in difficulties:
            for seed in seeds:
                if preset == "alt":
                    if difficulty == difficulties[0]:
                        yield preset, "alt model", seed, (lambda s=seed: alt_forum(seed=s))
                    continue
                yield preset, difficulty, seed, (lambda p=preset, d=difficulty, s=seed:
                                                 generate_forum(p, seed=s, difficulty=d))


def run(presets, difficulties, seeds, thin_share=0.5, verbose=True) -> pd.DataFrame:
    rows = []
    for preset, difficulty, seed, make in _cases(presets, difficulties, seeds):
        forum, truth = make()
        full = score(forum, truth)
        row = {"preset": preset, "difficulty": difficulty, "seed": seed, **{k: v for k, v in full.items() if k != "f1"}}
        row.update({f"f1 {r}": v for r, v in full["f1"].items()})
        if thin_share:
            half = score(thinned(forum, thin_share, seed + 1000), truth)
            row["thinned macro_f1"] = half["macro_f1"]
            row["thinned p@k"] = half["p@k"]
        rows.append(row)
        if verbose:
            print(f"{preset:8s} {difficulty:9s} seed {seed}: macro-F1 {full['macro_f1']:.3f} "
                  f"p@k {full['p@k']:.3f} (degree {full['p@k degree']:.3f}, posts {full['p@k posts']:.3f})"
                  + (f" | half posts: macro-F1 {row['thinned macro_f1']:.3f} p@k {row['thinned p@k']:.3f}"
                     if thin_share else "") + f" [{full['seconds']:.2f}s]", flush=True)
    return pd.DataFrame(rows)


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def _target_lines(overall: pd.DataFrame, results: pd.DataFrame) -> str:
    """The targets checked at four decimals (a mean that rounds to the
    target in the tables may still fall short of it), on all seeds and on
    the seeds that validated the last changes."""
    def mean(difficulty, metric, seeds=None):
        rows = results[(results["difficulty"] == difficulty) & (results["preset"] != "alt")]
        if seeds is not None:
            rows = rows[rows["seed"].isin(seeds)]
        return float(rows[metric].mean()) if len(rows) else float("nan")

    held = [s for s in results["seed"].unique() if s in VALIDATION_SEEDS]
    checks = [("realistic", "macro_f1", 0.8), ("realistic", "p@k", 0.9), ("hard", "p@k", 0.75)]
    lines = []
    for difficulty, metric, target in checks:
        value = mean(difficulty, metric)
        text = (f"* {difficulty} {metric}: {value:.4f} (target {target}: "
                f"{'met' if value >= target else 'NOT met'})")
        if held:
            tuned = [s for s in results["seed"].unique() if s not in VALIDATION_SEEDS]
            text += (f"; seeds {min(tuned)}-{max(tuned)}: {mean(difficulty, metric, tuned):.4f}, "
                     f"validation seeds {min(held)}-{max(held)}: {mean(difficulty, metric, held):.4f}")
        lines.append(text)
    for difficulty in ("realistic", "hard"):
        for metric in ("macro_f1", "p@k"):
            gap = mean(difficulty, metric) - mean(difficulty, "thinned " + metric)
            lines.append(f"* {difficulty} {metric}, full minus thinned: {gap:.4f} "
                         f"({'within' if abs(gap) <= 0.1 else 'NOT within'} 0.1)")
    return "\n".join(lines)


def write_markdown(results: pd.DataFrame, path: Path, seeds) -> None:
    metrics = ["macro_f1", "p@k", "p@k degree", "p@k posts", "thinned macro_f1", "thinned p@k"]
    metrics = [m for m in metrics if m in results]
    by = results.groupby(["preset", "difficulty"], sort=False)[metrics + ["k", "seconds"]].mean().reset_index()
    overall = results.assign(difficulty=np.where(results["preset"] == "alt", "alt model", results["difficulty"])
                             ).groupby("difficulty", sort=False)[metrics].mean().reset_index()
    f1_cols = [c for c in results.columns if c.startswith("f1 ")]
    per_role = results.groupby("difficulty", sort=False)[f1_cols].mean().reset_index()
    per_role.columns = ["difficulty"] + [c[3:] for c in f1_cols]
    text = f"""# Forum roles: evaluation

Written by `benchmarks/eval_roles.py` (do not edit by hand). Detector:
`netanalysis.roles.forum_roles.forum_roles`; forums from `synthetic.generate_forum`,
presets forum-a .. forum-d, seeds {', '.join(map(str, seeds))}; figures are means over seeds
(the detector was tuned on seeds 0-5; its last changes were kept only where they also
improved seeds 6-11, so both halves have informed it and neither is a clean hold-out).
The row "alt model" is `benchmarks/alt_forum.py`, an independent event-driven forum model
(no target; a large gap to the synthetic figures would mean the detector is tuned to
`synthetic`).

* **macro_f1**: macro-F1 of the eight roles.
* **p@k**: precision at k of the key actors (admins, moderators, technical members;
  k = their true number), members ranked by the detector's `key_score` (members given
  a key role score above all others).
* **p@k degree**, **p@k posts**: the baselines, members ranked by reply-graph degree
  and by post count.
* **thinned**: the detector with half of the posts removed at random
  (`netanalysis.forum.subsample(forum, 0.5, seed=seed + 1000)`).

Targets: on realistic, macro-F1 >= 0.8 and p@k >= 0.9; on hard, p@k >= 0.75 and
well above both baselines; thinned within 0.1 of the full data.

{_target_lines(overall, results)}

## Mean over presets, by difficulty

{_md_table(overall)}

## By preset and difficulty

{_md_table(by)}

## F1 per role (mean over presets and seeds)

{_md_table(per_role)}
"""
    path.write_text(text)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", nargs="+", default=list(PRESETS))
    ap.add_argument("--difficulties", nargs="+", default=list(DIFFICULTIES))
    ap.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    ap.add_argument("--thin", type=float, default=0.5, help="share of posts removed in the thinned run (0: skip)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "ROLES.md"))
    args = ap.parse_args(argv)
    results = run(args.presets, args.difficulties, args.seeds, args.thin)
    if not args.no_write:
        write_markdown(results, Path(args.out), args.seeds)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
