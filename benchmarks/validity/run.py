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
The free parameters of the key-actor ranking -- the weights of its rank
evidence (:data:`netanalysis.keyplayers.KEY_ACTOR_EVIDENCE`), the L2
penalty of their fit, the share of the score given to role detection's
ranking and the share of posting members a plausible reading may call key
(:mod:`fit`) -- are chosen and fitted for each family on the *other*
families, the choice by a leave-one-family-out nested within those others,
and the figures of that family are reported at those parameters.
No figure of VALIDITY.md comes from the data its weights were fitted on,
except the column *default ap*: the library's :data:`KEY_ACTOR_MODEL`, the
fit on all families (written to ``model.json``), reported as such.

Usage::

    .venv/bin/python benchmarks/validity/run.py               # writes benchmarks/VALIDITY.md
    .venv/bin/python benchmarks/validity/run.py --families alt career --no-write
    .venv/bin/python benchmarks/validity/run.py --cache /tmp/v      # keep rows and evidence
    .venv/bin/python benchmarks/validity/run.py --from-cache /tmp/v # refit and write, no rerun

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
from netanalysis.keyplayers.key_actors import (  # noqa: E402
    KEY_ACTOR_EVIDENCE, KEY_ACTOR_MODEL, KEY_ACTOR_PENALTY, KEY_ROLES, PLAUSIBLE_KEY_SHARE, ROLE_SHARE, _evidence_table)
from netanalysis.measures import centrality  # noqa: E402
import fit as model_fit  # noqa: E402
from netanalysis.roles import forum_roles  # noqa: E402
from sources import CONDITIONS, FAMILIES, GENERATED, SEEDS, condition, sources  # noqa: E402
import _machine  # noqa: E402

FEATURES = tuple(KEY_ACTOR_EVIDENCE)
MODEL_JSON = HERE / "model.json"
BASELINES = ("degree", "pagerank", "betweenness", "answered", "posts")
#: Measures computed once per case: the structural score's and the baselines'.
PANEL = ("out_degree", "degree", "pagerank", "betweenness", "harmonic", "coreness")


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
           "seconds_graph": t_graph, "seconds_roles": t_roles,
           "n_key_roles": int(roles["role"].isin(KEY_ROLES).sum())}
    for name, s in _baselines(forum, panel).items():
        for m, v in _rank_metrics(s, key_ids, k).items():
            out[f"{name} {m}"] = v
    for m, v in _rank_metrics(roles["key_score"].astype(float), key_ids, k).items():
        out[f"roles {m}"] = v
    for m, v in _rank_metrics(roles["score_steward"].astype(float), key_ids, k).items():
        out[f"stewardship {m}"] = v
    # the evidence and the members taking part, as key_actors reads them
    ev, _, active = _evidence_table(forum, g, roles, panel)
    out["_evidence"] = ev.to_numpy()[active]
    out["_active"] = active
    out["_key"] = truth["key_actor"].fillna(False).astype(bool).to_numpy()
    out["_ids"] = np.arange(len(truth))          # positions: the metrics need only the order
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


def run(families, seeds, conditions, verbose=True) -> tuple[pd.DataFrame, list]:
    rows, cases = [], []
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
            cases.append({k: row.pop(k) for k in [c for c in row if c.startswith("_")]})
            rows.append(row)
            if verbose:
                best = max(row[f"{b} ap"] for b in BASELINES)
                print(f"{src.family:13s} {src.name:22s} s{src.seed} {cond:7s} k={row['k']:3d} "
                      f"roles AP {row['roles ap']:.3f} p@k {row['roles p@k']:.3f} | "
                      f"stewardship AP {row['stewardship ap']:.3f} | best baseline AP {best:.3f} "
                      + (f"| macro-F1 {row['macro_f1']:.3f}" if "macro_f1" in row else ""), flush=True)
    return pd.DataFrame(rows), cases


# -- leave one family out ------------------------------------------------------
def _cases(results: pd.DataFrame, cases: list) -> model_fit.Cases:
    blocks = []
    for c, (_, row) in zip(cases, results.iterrows()):
        key, active = c["_key"], c["_active"]
        blocks.append((c["_evidence"], key[active], row["family"], int(key[~active].sum()),
                       int((~active).sum()), int(row["n_key_roles"]), int(row["posting"])))
    return model_fit.Cases(blocks, FEATURES.index("key_score"))


def _figures(data: model_fit.Cases, cases: list, i: int, params, w) -> tuple[float, float]:
    """p@k and AP of case ``i`` at the parameters ``(penalty, role share,
    plausible share)`` and weights ``w``, through the library's metrics."""
    s = np.zeros(len(cases[i]["_active"]))
    s[cases[i]["_active"]] = data.score(i, w, params[1], params[2])
    score = pd.Series(s, index=cases[i]["_ids"])
    truth = cases[i]["_ids"][cases[i]["_key"]]
    return precision_at_k(score, truth, len(truth)), average_precision(score, truth)


def _params(params, w) -> dict:
    return {"penalty": params[0], "role_share": params[1], "plausible_key_share": params[2],
            "weights": dict(zip(FEATURES, np.round(w, 4).tolist()))}


def leave_one_family_out(results: pd.DataFrame, cases: list) -> tuple[pd.DataFrame, dict]:
    """Every family scored at parameters chosen and weights fitted on the
    other families (nested), and the model chosen and fitted on all
    families (the library's)."""
    present = [f for f in FAMILIES if f in set(results["family"])]
    data = _cases(results, cases)
    fits = model_fit.Fits(data, present)
    chosen, parts = {}, []
    for fam in present:
        others = [f for f in present if f != fam]
        params = model_fit.choose(fits, others, excluded={fam})
        w = fits.without({fam}, params[0])
        chosen[fam] = _params(params, w)
        part = results[results["family"] == fam].copy()
        part["held-out penalty"], part["held-out role share"], part["held-out plausible share"] = params
        figs = [_figures(data, cases, i, params, w) for i in part.index]
        part["key_actors p@k"], part["key_actors ap"] = [f[0] for f in figs], [f[1] for f in figs]
        if KEY_ACTOR_MODEL:         # the library's model (fitted on all families: not held out)
            lib = np.array([KEY_ACTOR_MODEL.get(f, 0.0) for f in FEATURES])
            part["default ap"] = [_figures(data, cases, i, (KEY_ACTOR_PENALTY, ROLE_SHARE, PLAUSIBLE_KEY_SHARE),
                                           lib)[1] for i in part.index]
        parts.append(part)
        print(f"held out {fam}: {params}, AP {np.mean(part['key_actors ap']):.3f}", flush=True)
    params = model_fit.choose(fits, present)
    chosen["all"] = _params(params, fits.without(set(), params[0]))
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
    cols = ["key_actors p@k", "key_actors ap"] + (["default ap"] if "default ap" in lofo else []) + \
        ["roles p@k", "roles ap", "stewardship ap"] + [f"{b} ap" for b in BASELINES]
    if "macro_f1" in lofo:
        cols.append("macro_f1")
    by = lofo.groupby(["family", "condition"], sort=False)[cols + ["k"]].mean().reset_index()
    for j, col in enumerate(["held-out penalty", "held-out role share", "held-out plausible share"]):
        by.insert(2 + j, col, lofo.groupby(["family", "condition"], sort=False)[col].first().to_numpy())
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


def _weights_table(chosen: dict) -> pd.DataFrame:
    t = pd.DataFrame({fam: c["weights"] for fam, c in chosen.items()})
    t.columns = [f"without {c}" if c != "all" else "all (library)" for c in t.columns]
    t.loc["penalty"] = [c["penalty"] for c in chosen.values()]
    t.loc["role share"] = [c["role_share"] for c in chosen.values()]
    t.loc["plausible share"] = [c["plausible_key_share"] for c in chosen.values()]
    return t.reset_index(names="behaviour")


def write_markdown(results: pd.DataFrame, lofo: pd.DataFrame, chosen: dict, path: Path, elapsed: float) -> None:
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

**Leave-one-family-out.** The key-actor score (`netanalysis.keyplayers.key_actors`) mixes the
rank of a weighted sum of rank evidence (`KEY_ACTOR_EVIDENCE`: behaviours, graph measures and
the readings of role detection) with the rank of role detection's own `key_score`, which gets a
share *a* of the score where role detection's reading is plausible (at least 3 key members and
at most a share *p* of the posting members). Its free parameters: the weights, fitted by a
listwise ranking loss with an L2 penalty (`benchmarks/validity/fit.py`); the penalty (among
{", ".join(map(str, model_fit.PENALTIES))}), *a* (among {", ".join(map(str, model_fit.ROLE_SHARES))}) and
*p* (among {", ".join(map(str, model_fit.KEY_SHARES))}), chosen together as the combination whose mean AP over
the families, each left out in turn, is highest. For each family everything is chosen and
fitted on the *other* families (the choice nested within them) and that family's figures are
given at those parameters (columns *held-out ...*; the weights of each fold are in the last
table). The library's model is the choice and fit on all families (penalty
{chosen["all"]["penalty"]}, *a* = {chosen["all"]["role_share"]}, *p* = {chosen["all"]["plausible_key_share"]}), written to
`benchmarks/validity/model.json`; column *default ap* scores each family with it, which is
*not* held out. Every other number of the detector is named in its module with its origin
and was not searched here.

* **key_actors**: `netanalysis.key_actors`, every member ranked, at the held-out weights.
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

## Weights of each fold

Each column: the weights fitted without that family (rank evidence ``ln(n / rank)``
of each behaviour), and the parameters chosen without it.

{_md(_weights_table(chosen), digits=4)}
"""
    path.write_text(text)
    path.with_suffix(".json").write_text(json.dumps(chosen, indent=1))
    model = chosen["all"]
    MODEL_JSON.write_text(json.dumps({"penalty": model["penalty"], "role_share": model["role_share"],
                                      "plausible_key_share": model["plausible_key_share"], "weights": {
        k: v for k, v in model["weights"].items() if v > 0}}, indent=1) + "\n")
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


def _save(results: pd.DataFrame, cases: list, path: str) -> None:
    """Rows and evidence of a run, to write the reports again without
    running (``--from-cache``); plain arrays, no pickle."""
    results.to_csv(path + ".csv", index=False)
    np.savez_compressed(path + ".npz", evidence=np.vstack([c["_evidence"] for c in cases]),
                        active=np.concatenate([c["_active"] for c in cases]),
                        key=np.concatenate([c["_key"] for c in cases]),
                        members=np.array([len(c["_key"]) for c in cases]),
                        taking_part=np.array([len(c["_evidence"]) for c in cases]))


def _load(path: str) -> tuple[pd.DataFrame, list]:
    results = pd.read_csv(path + ".csv")
    z = np.load(path + ".npz", allow_pickle=False)
    m, t = np.cumsum(np.r_[0, z["members"]]), np.cumsum(np.r_[0, z["taking_part"]])
    cases = [{"_evidence": z["evidence"][t[i]:t[i + 1]], "_active": z["active"][m[i]:m[i + 1]],
              "_key": z["key"][m[i]:m[i + 1]], "_ids": np.arange(m[i + 1] - m[i])} for i in range(len(results))]
    return results, cases


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", nargs="+", default=list(FAMILIES))
    ap.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    ap.add_argument("--conditions", nargs="+", default=list(CONDITIONS))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--cache", help="also write the rows and evidence of the run to CACHE.csv and CACHE.npz")
    ap.add_argument("--out", default=str(HERE.parent / "VALIDITY.md"))
    ap.add_argument("--from-cache", help="fit and write the reports from an earlier --cache instead of running")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.from_cache:
        results, cases = _load(args.from_cache)
    else:
        results, cases = run(args.families, args.seeds, args.conditions)
        results["seconds_total"] = time.perf_counter() - t0
        if args.cache:
            _save(results, cases, args.cache)
    lofo, chosen = leave_one_family_out(results, cases)
    elapsed = float(results["seconds_total"].iloc[0]) + (time.perf_counter() - t0 if args.from_cache else 0.0)
    print(_md(summarise(lofo)))
    print("\n".join(targets(lofo)))
    print("all families:", chosen["all"])
    if not args.no_write:
        write_markdown(results, lofo, chosen, Path(args.out), time.perf_counter() - t0 if not args.from_cache
                       else elapsed)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
