"""The validation suite: key actors and roles on forums nobody tuned them to.

Runs every source of :mod:`sources` (seven families: our generator, five
independent forum models, the real Stack Exchange sites) under three
conditions (full, blind, partial) and scores

* the key-actor ranking of :func:`netanalysis.key_actors` (every member
  ranked; ``k`` = the number of true key actors): precision at k and
  average precision;
* the role evidence alone (``forum_roles(...)["key_score"]``);
* the structural baselines: degree, PageRank, betweenness, distinct members
  answered (out-degree of the reply graph) and post count;
* role labels (generated families only, where every role is known):
  macro-F1 and F1 per role.

Leave-one-family-out
--------------------
The free parameters of the key-actor ranking, the weights of role,
stewardship and structural evidence (:mod:`netanalysis.keyplayers.key_actors`),
are chosen for each family on the *other* families (the point of the grid
whose worst family does best against its best structural baseline), and the figures of that
family are reported at that weight. No figure of VALIDITY.md comes from the
data the weight was chosen on; the library's default is the weight chosen
on all families, reported as such.

Usage::

    .venv/bin/python benchmarks/validity/run.py               # writes benchmarks/VALIDITY.md
    .venv/bin/python benchmarks/validity/run.py --families alt career --no-write

About 10 minutes on the project's 2-core machine; run it alone.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import netanalysis as na  # noqa: E402
from netanalysis.evaluate import average_precision, precision_at_k, role_report  # noqa: E402
from netanalysis.keyplayers.key_actors import DEFAULT_WEIGHTS, PARTS, key_actor_evidence  # noqa: E402
from netanalysis.measures import centrality  # noqa: E402
from netanalysis.roles import forum_roles  # noqa: E402
from sources import CONDITIONS, FAMILIES, GENERATED, SEEDS, condition, sources  # noqa: E402
import _machine  # noqa: E402

#: The grid of weights (role, stewardship, structure) searched
#: leave-one-family-out: the simplex in steps of 0.1.
WEIGHTS = tuple((r / 10, s / 10, round(1 - r / 10 - s / 10, 1)) for r in range(11) for s in range(11 - r))


def _wname(w) -> str:
    return "w=" + "/".join(f"{x:.1f}" for x in w)
BASELINES = ("degree", "pagerank", "betweenness", "answered", "posts")
#: Measures computed once per case: the structural score's and the baselines'.
PANEL = ("in_degree", "out_degree", "degree", "pagerank", "betweenness", "harmonic", "coreness")


def _baselines(forum, panel: pd.DataFrame) -> dict[str, pd.Series]:
    members = forum.members["member_id"]
    p = panel.reindex(members, fill_value=0.0)
    posts = np.bincount(forum.post_arrays.author, minlength=len(members)).astype(float)
    return {"degree": p["degree"], "pagerank": p["pagerank"], "betweenness": p["betweenness"],
            "answered": p["out_degree"], "posts": pd.Series(posts, index=members.to_numpy())}


def _rank_metrics(score: pd.Series, key_ids, k) -> dict:
    return {"p@k": precision_at_k(score, key_ids, k), "ap": average_precision(score, key_ids)}


def evaluate_case(forum, truth, family) -> dict:
    """Every metric of one forum under one condition."""
    t0 = time.perf_counter()
    g = na.reply_graph(forum)
    panel = centrality(g, measures=list(PANEL))
    t_graph = time.perf_counter() - t0
    roles = forum_roles(forum, graph=g)
    t_roles = time.perf_counter() - t0 - t_graph
    truth = truth.set_index("member_id").reindex(forum.members["member_id"])
    key_ids = truth.index[truth["key_actor"].fillna(False).astype(bool)]
    k = len(key_ids)
    out = {"k": k, "members": len(truth), "posting": int((np.bincount(forum.post_arrays.author,
                                                                       minlength=len(truth)) > 0).sum()),
           "seconds_graph": t_graph, "seconds_roles": t_roles}
    for name, s in _baselines(forum, panel).items():
        for m, v in _rank_metrics(s, key_ids, k).items():
            out[f"{name} {m}"] = v
    for m, v in _rank_metrics(roles["key_score"].astype(float), key_ids, k).items():
        out[f"roles {m}"] = v
    parts = key_actor_evidence(forum, g, roles, panel)
    for p in PARTS:
        for m, v in _rank_metrics(parts[p], key_ids, k).items():
            out[f"{p} {m}"] = v
    for w in WEIGHTS:
        # key_actors' score at these weights (its ties, broken there by the
        # structural score, are counted here as the metrics define them)
        score = sum(wi * parts[p] for wi, p in zip(w, PARTS))
        for m, v in _rank_metrics(score, key_ids, k).items():
            out[f"{_wname(w)} {m}"] = v
    if family in GENERATED:
        report = role_report(truth["role"].astype(object), roles["role"].astype(object).reindex(truth.index))
        out["macro_f1"] = report.macro_f1
        for r, v in report.table["f1"].items():
            out[f"f1 {r}"] = v
    # Roles the forum could assess (the fit check of forum_roles).
    assessed = roles.attrs.get("assessed")
    if assessed is not None:
        out["assessed"] = ",".join(r for r, ok in assessed.items() if ok)
    return out


def run(families, seeds, conditions, verbose=True) -> pd.DataFrame:
    rows = []
    for src in sources(families, seeds):
        t0 = time.perf_counter()
        forum, truth = src.make()
        t_make = time.perf_counter() - t0
        for cond in conditions:
            if src.real and cond == "blind":
                continue          # the real sites are blind by nature: full is blind
            f = condition(forum, cond, src.seed)
            row = {"family": src.family, "source": src.name, "seed": src.seed, "condition": cond,
                   "seconds_make": t_make, **evaluate_case(f, truth, src.family)}
            rows.append(row)
            if verbose:
                best = max(row[f"{b} ap"] for b in BASELINES)
                print(f"{src.family:13s} {src.name:22s} s{src.seed} {cond:7s} k={row['k']:3d} "
                      f"roles AP {row['roles ap']:.3f} p@k {row['roles p@k']:.3f} | "
                      f"default AP {row[_wname(tuple(DEFAULT_WEIGHTS[p] for p in PARTS)) + ' ap']:.3f} | stewardship AP {row['stewardship ap']:.3f} | best baseline AP {best:.3f} "
                      + (f"| macro-F1 {row['macro_f1']:.3f}" if "macro_f1" in row else ""), flush=True)
    return pd.DataFrame(rows)


# -- leave one family out ------------------------------------------------------
def _family_means(results: pd.DataFrame, metric: str) -> pd.Series:
    """Mean over each family of the per-source mean (sources weigh equally
    within a family, families weigh equally across)."""
    per_source = results.groupby(["family", "source", "condition"])[metric].mean()
    return per_source.groupby("family").mean()


def _margins(results: pd.DataFrame, column: str) -> pd.Series:
    """Per family, the mean over its sources and conditions of ``column``
    minus the AP of the best single structural baseline on that case."""
    base = results[[f"{b} ap" for b in BASELINES]].max(axis=1)
    per_case = (results[column] - base).groupby([results["family"], results["source"], results["condition"]]).mean()
    return per_case.groupby("family").mean()


def choose_weight(results: pd.DataFrame, families) -> tuple:
    """The grid weights whose worst family does best against that family's
    best structural baseline (the family mean of AP minus the best single
    baseline's AP; ties: the higher mean AP).

    The objective is the issue's target read as a rule: a ranking must be
    at least as good as the best plain centrality on *every* kind of forum,
    so the weights are judged by the family where they do worst, not by an
    average that one well-fitted family can carry.
    """
    sub = results[results["family"].isin(families)]
    scored = [(_margins(sub, f"{_wname(w)} ap").min(), _family_means(sub, f"{_wname(w)} ap").mean(), i)
              for i, w in enumerate(WEIGHTS)]
    return WEIGHTS[max(scored)[2]]


def leave_one_family_out(results: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    present = [f for f in FAMILIES if f in set(results["family"])]
    chosen = {}
    parts = []
    for fam in present:
        w = choose_weight(results, [f for f in present if f != fam])
        chosen[fam] = w
        part = results[results["family"] == fam].copy()
        part["held-out w"] = "/".join(f"{x:.1f}" for x in w)
        part["key_actors p@k"] = part[f"{_wname(w)} p@k"]
        part["key_actors ap"] = part[f"{_wname(w)} ap"]
        d = _wname(tuple(DEFAULT_WEIGHTS[p] for p in PARTS))
        part["default p@k"], part["default ap"] = part[f"{d} p@k"], part[f"{d} ap"]
        parts.append(part)
    return pd.concat(parts, ignore_index=True), chosen


# -- report --------------------------------------------------------------------
def _md(df: pd.DataFrame, digits=3) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(f"{v:.{digits}f}" if isinstance(v, (float, np.floating)) else str(v)
                                       for v in r) + " |")
    return "\n".join(lines)


def summarise(lofo: pd.DataFrame) -> pd.DataFrame:
    cols = ["key_actors p@k", "key_actors ap", "default ap", "roles p@k", "roles ap", "stewardship ap"] + \
        [f"{b} ap" for b in BASELINES]
    if "macro_f1" in lofo:
        cols.append("macro_f1")
    by = lofo.groupby(["family", "condition"], sort=False)[cols + ["k"]].mean().reset_index()
    by.insert(2, "held-out w", lofo.groupby(["family", "condition"], sort=False)["held-out w"].first().to_numpy())
    base = lofo[[f"{b} ap" for b in BASELINES]]
    lofo = lofo.assign(best_baseline_ap=base.max(axis=1),
                       best_baseline=base.idxmax(axis=1).str.replace(" ap", ""))
    by["best baseline ap"] = lofo.groupby(["family", "condition"], sort=False)["best_baseline_ap"].mean().to_numpy()
    return by


def targets(lofo: pd.DataFrame) -> list[str]:
    lines = []
    fam = summarise(lofo)
    gen = fam[fam["family"] != "stackexchange"]
    goals = {"full": 0.85, "blind": 0.75, "partial": 0.65}
    for cond, goal in goals.items():
        rows = gen[gen["condition"] == cond]
        worst = rows.loc[rows["key_actors p@k"].idxmin()] if len(rows) else None
        if worst is None:
            continue
        ok = (rows["key_actors p@k"] >= goal).all()
        lines.append(f"* generated families, {cond}: key-actor p@k >= {goal} on every family: "
                     f"{'met' if ok else 'NOT met'} (lowest {worst['key_actors p@k']:.3f}, {worst['family']})")
    rows = gen[gen["condition"] == "blind"]
    if "macro_f1" in rows and len(rows):
        worst = rows.loc[rows["macro_f1"].idxmin()]
        lines.append(f"* generated families, blind: role macro-F1 >= 0.7 on every family: "
                     f"{'met' if (rows['macro_f1'] >= 0.7).all() else 'NOT met'} "
                     f"(lowest {worst['macro_f1']:.3f}, {worst['family']}; mean {rows['macro_f1'].mean():.3f})")
    real = lofo[lofo["family"] == "stackexchange"]
    if len(real):
        base = real[[f"{b} ap" for b in BASELINES]].max(axis=1)
        gap = real["key_actors ap"] - base
        lines.append(f"* real sites: key-actor AP >= the best structural baseline on every site and condition: "
                     f"{'met' if (gap >= -1e-12).all() else 'NOT met'} ({int((gap >= -1e-12).sum())} of "
                     f"{len(gap)}; lowest difference {gap.min():+.3f})")
        lines.append(f"* real sites: mean AP difference to the best baseline >= +0.1: "
                     f"{'met' if gap.mean() >= 0.1 else 'NOT met'} ({gap.mean():+.3f})")
    return lines


def write_markdown(results: pd.DataFrame, path: Path, elapsed: float) -> None:
    lofo, chosen = leave_one_family_out(results)
    all_w = choose_weight(results, list(chosen))
    machine = _machine.describe(("numpy", "pandas", "scipy", "numba"))
    fam = summarise(lofo)
    real = lofo[lofo["family"] == "stackexchange"]
    real_cols = ["source", "condition", "k", "key_actors p@k", "key_actors ap", "roles ap", "stewardship ap"] + \
        [f"{b} ap" for b in BASELINES]
    f1_cols = [c for c in lofo.columns if c.startswith("f1 ")]
    per_role = lofo[lofo["family"] != "stackexchange"].groupby(["family", "condition"], sort=False)[
        f1_cols].mean().reset_index()
    per_role.columns = ["family", "condition"] + [c[3:] for c in f1_cols]
    by_source = lofo.groupby(["family", "source", "condition"], sort=False)[
        ["k", "key_actors p@k", "key_actors ap", "roles ap", "stewardship ap"] + [f"{b} ap" for b in BASELINES]
        + (["macro_f1"] if "macro_f1" in lofo else [])].mean().reset_index()
    text = f"""# Validity: key actors and roles on forums nobody tuned them to

Written by `benchmarks/validity/run.py` (do not edit by hand); {elapsed / 60:.1f} minutes on
{machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB, {machine['os']}, Python
{machine['python']}.

Sources (`benchmarks/validity/sources.py`): families {', '.join(sorted(set(results['family'])))};
generated families at seeds {', '.join(map(str, SEEDS))}. Conditions: *full* (all metadata),
*blind* (no status, rank_level, is_staff, category, min_rank), *partial* (blind and half the
posts removed). The real sites are blind by nature (their *full* row is blind).

**Leave-one-family-out.** The free parameters of the ranking, the weights of its three
kinds of evidence (role / stewardship / structure, `netanalysis.key_actors`), are chosen for
each family on the other families (over the simplex in steps of 0.1, the weights whose worst family does best against its best structural baseline, `choose_weight`) and that
family's figures are given at those weights (column *held-out w*). Weights chosen:
{', '.join(f'{f} {w}' for f, w in chosen.items())}. On all families together: {all_w}
(`DEFAULT_WEIGHTS` of the library: {'/'.join(str(DEFAULT_WEIGHTS[p]) for p in PARTS)}; column *default
ap*). Every other number of the detector is named in its module with its
origin and was not searched here.

* **key_actors**: `netanalysis.key_actors`, every member ranked, at the held-out weight.
* **roles**: the role evidence alone (`forum_roles(...)["key_score"]`); **stewardship**: the
  stewardship evidence alone (`score_steward`).
* Baselines on the reply graph: **degree** (distinct partners), **pagerank**, **betweenness**,
  **answered** (distinct members answered), **posts** (post count).
* p@k: precision at k, k = the number of true key actors; ap: average precision.

## Targets

{chr(10).join(targets(lofo))}

## By family and condition (means over sources)

{_md(fam)}

## Real sites, each

{_md(real[real_cols]) if len(real) else "(no real source available)"}

## By source

{_md(by_source)}

## Role F1 per role (generated families)

{_md(per_role)}
"""
    path.write_text(text)
    path.with_suffix(".json").write_text(json.dumps({"chosen": chosen, "all": all_w}, indent=1))
    write_roles(lofo, path.with_name("ROLES.md"), machine, elapsed)


def write_roles(lofo: pd.DataFrame, path: Path, machine: dict, elapsed: float) -> None:
    """ROLES.md: the role detector on every generated source and condition."""
    gen = lofo[lofo["family"] != "stackexchange"]
    f1_cols = [c for c in gen.columns if c.startswith("f1 ")]
    cols = ["macro_f1", "roles p@k", "roles ap"] + f1_cols
    by = gen.groupby(["family", "source", "condition"], sort=False)[cols].mean().reset_index()
    by.columns = [c[3:] if c.startswith("f1 ") else c for c in by.columns]
    fam = gen.groupby(["family", "condition"], sort=False)[cols].mean().reset_index()
    fam.columns = [c[3:] if c.startswith("f1 ") else c for c in fam.columns]
    base = gen.groupby(["family", "condition"], sort=False)[[f"{b} p@k" for b in BASELINES]].mean().reset_index()
    text = f"""# Forum roles: evaluation on the validation suite

Written by `benchmarks/validity/run.py` with `VALIDITY.md` (do not edit by hand; {elapsed / 60:.1f}
minutes on {machine['cpu']}, {machine['cores']} cores). Detector:
`netanalysis.roles.forum_roles`; sources and conditions as in `VALIDITY.md` (generated families
only: the real sites label moderators and staff, not the other roles). The detector has no
parameter chosen on these sources except the named constants of its module, each with its
origin; the roles of `synthetic` informed it in earlier sessions, the other families did not.

* **macro_f1**: macro-F1 of the eight roles; **roles p@k / ap**: the key actors (admins,
  moderators, technical members; k = their true number) ranked by `key_score`.
* F1 per role: one column per role.

## By family and condition

{_md(fam)}

## Baselines (precision at k of the structural rankings)

{_md(base)}

## By source

{_md(by)}
"""
    path.write_text(text)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", nargs="+", default=list(FAMILIES))
    ap.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    ap.add_argument("--conditions", nargs="+", default=list(CONDITIONS))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--csv", help="also write every row to this CSV")
    ap.add_argument("--out", default=str(HERE.parent / "VALIDITY.md"))
    ap.add_argument("--from-csv", help="write the reports from the rows of an earlier --csv instead of running")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.from_csv:
        results = pd.read_csv(args.from_csv)
    else:
        results = run(args.families, args.seeds, args.conditions)
        results["seconds_total"] = time.perf_counter() - t0
    elapsed = float(results["seconds_total"].iloc[0]) if "seconds_total" in results else 0.0
    if args.csv:
        results.to_csv(args.csv, index=False)
    lofo, chosen = leave_one_family_out(results)
    print(_md(summarise(lofo)))
    print("\n".join(targets(lofo)))
    print("chosen:", chosen)
    if not args.no_write:
        write_markdown(results, Path(args.out), elapsed)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
