"""Markdown report of ``bench_centrality.py``: every figure comes from the
run's record (``run.json``); nothing here is a measured number."""
from __future__ import annotations

import math
from pathlib import Path

LIBS = ("netanalysis", "igraph", "networkit", "rustworkx", "networkx")
FAST_PEERS = ("igraph", "networkit", "rustworkx")
ORDER = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness", "clustering",
         "constraint", "betweenness", "closeness", "harmonic", "approx_betweenness", "panel",
         "panel_covered", "clustering_fagiolo", "clustering_onnela", "effective_size")
LABEL = {"approx_betweenness": "approx. betweenness", "panel": "whole panel",
         "panel_covered": "panel, peer-covered columns", "clustering_fagiolo": "clustering (directed, Fagiolo)",
         "clustering_onnela": "clustering (Onnela)", "effective_size": "effective size",
         "clustering": "clustering (skeleton)"}

# Panel columns each measure call provides, for the composition of peer calls.
COVERED_DIRECTED = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness", "coreness",
                    "coreness", "constraint", "betweenness", "closeness", "harmonic")
COVERED_UNDIRECTED = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness", "clustering",
                      "constraint", "betweenness", "closeness", "harmonic")
# networkx can compute every panel column but Barrat clustering and
# in-/out-coreness; its full-panel estimate sums these calls.
NX_PANEL_DIRECTED = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness",
                     "clustering_fagiolo", "clustering_onnela", "constraint", "effective_size",
                     "betweenness", "closeness", "harmonic")
NX_PANEL_UNDIRECTED = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness",
                       "clustering", "clustering_onnela", "constraint", "effective_size",
                       "betweenness", "closeness", "harmonic")


def _fmt_s(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.01:
        return f"{x:.3f}"
    return f"{x:.2g}"


def _fmt_ratio(x) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:.0f}x" if x >= 100 else (f"{x:.1f}x" if x >= 10 else f"{x:.2f}x")


def _fmt_err(x) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return "0" if x == 0 else f"{x:.1e}"


def record(info, lib, key):
    for rec in info["libs"].get(lib, {}).get("records", []):
        if rec["key"] == key:
            return rec
    return None


def seconds(rec):
    """(time used for comparisons, estimated?) of a record."""
    if rec is None or "error" in rec:
        return None, False
    if rec.get("estimated"):
        return rec["best_estimate"], True
    return rec["best"], False


def _cell_time(rec, ref):
    if rec is None:
        return "n/a"
    if "error" in rec:
        return "failed: " + rec["error"].split("\n")[0][:60]
    t, est = seconds(rec)
    s = _fmt_s(t) + (" est." if est else "")
    if ref is not None and t:
        s += f" ({_fmt_ratio(t / ref)})"
    return s


def composition(info):
    """Fastest composition of peer calls for the covered panel columns:
    {measure: (lib, seconds, est)} and the total."""
    keys = COVERED_DIRECTED if info["directed"] else COVERED_UNDIRECTED
    parts, total, est_any, missing = [], 0.0, False, []
    for key in keys:
        best = None
        for lib in FAST_PEERS:
            t, est = seconds(record(info, lib, key))
            if t is not None and (best is None or t < best[1]):
                best = (lib, t, est)
        if best is None:
            missing.append(key)
            continue
        parts.append((key, *best))
        total += best[1]
        est_any |= best[2]
    return parts, total, est_any, missing


CUBIC = ("constraint", "effective_size")  # networkx: ~deg^3 per node, high-variance estimates


def networkx_panel(info, without=()):
    keys = NX_PANEL_DIRECTED if info["directed"] else NX_PANEL_UNDIRECTED
    total, est_any, missing = 0.0, False, []
    for key in keys:
        if key in without:
            continue
        t, est = seconds(record(info, "networkx", key))
        if t is None:
            missing.append(key)
            continue
        total += t
        est_any |= est
    return total, est_any, missing


def targets(run):
    rows = []
    for info in run["graphs"]:
        name = info["name"]
        na_bc, na_est = seconds(record(info, "netanalysis", "betweenness"))
        for lib, need in (("igraph", 2.0), ("networkit", 1.0)):
            t, est = seconds(record(info, lib, "betweenness"))
            if na_bc and t:
                ratio = t / na_bc
                rows.append((name, f"exact betweenness: {lib} time / netanalysis time >= {need:g}"
                             + (" (NetworKit, 2 threads)" if lib == "networkit" else ""),
                             f"{_fmt_ratio(ratio)}" + (" (est.)" if est or na_est else ""),
                             "pass" if ratio >= need else "FAIL"))
        na_rec, ig_rec = record(info, "netanalysis", "betweenness"), record(info, "igraph", "betweenness")
        if na_rec and ig_rec and "cpu_best" in na_rec and "cpu_best" in ig_rec and not na_rec.get("estimated"):
            rows.append((name, "(context) exact betweenness, CPU time igraph / netanalysis "
                         "(work done, whatever the load)",
                         _fmt_ratio(ig_rec["cpu_best"] / na_rec["cpu_best"]), "-"))
        parts, total, comp_est, missing = composition(info)
        pc, pc_est = seconds(record(info, "netanalysis", "panel_covered"))
        if pc and total:
            ratio = total / pc
            rows.append((name, "panel (peer-covered columns) vs fastest composition of peer calls >= 1.5x",
                         f"{_fmt_ratio(ratio)}" + (" (est.)" if comp_est or pc_est else "")
                         + (f"; no peer for {', '.join(missing)}" if missing else ""),
                         "pass" if ratio >= 1.5 else "FAIL"))
        panel, panel_est = seconds(record(info, "netanalysis", "panel"))
        nx_total, nx_est, nx_missing = networkx_panel(info)
        nx_low, _, _ = networkx_panel(info, without=CUBIC)
        if panel and nx_total:
            ratio, low = nx_total / panel, nx_low / panel
            rows.append((name, "whole panel vs networkx (networkx estimated from samples) >= 100x",
                         f"{_fmt_ratio(ratio)} (est.: networkx {_fmt_s(nx_total)} s, netanalysis "
                         f"{_fmt_s(panel)} s{' est.' if panel_est else ''}); without networkx's "
                         f"constraint and effective size {_fmt_ratio(low)}"
                         + (f"; networkx failed or not run: {', '.join(nx_missing)}" if nx_missing else ""),
                         "pass" if low >= 100 else "FAIL"))
        if info.get("exact_paths"):
            ap, _ = seconds(record(info, "netanalysis", "approx_betweenness"))
            q = info.get("agreement", {}).get("approx_betweenness", {}).get("netanalysis", {})
            if ap and na_bc:
                ratio = na_bc / ap
                ok = ratio >= 10 and q.get("top_overlap") == q.get("top")
                rows.append((name, "approx. betweenness (eps 0.005, delta 0.1) >= 10x faster than exact, "
                             "same top-20", f"{_fmt_ratio(ratio)} faster; top-20 overlap "
                             f"{q.get('top_overlap', '?')}/{q.get('top', 20)}", "pass" if ok else "FAIL"))
        pr = info.get("pagerank_iter", {})
        if "per_iter_s" in pr:
            ratio = pr["per_iter_s"] / pr["read_s"]
            rows.append((name, "PageRank time per iteration <= 3x the streaming-read bound",
                         f"{_fmt_ratio(ratio)}", "pass" if ratio <= 3 else "FAIL"))
    return rows


def write_report(run, path: Path) -> None:
    m = run["machine"]
    L = []
    L.append("# Centrality benchmark: netanalysis beside igraph, NetworKit, rustworkx, networkx")
    L.append("")
    L.append(f"Produced by `{run['command']}` on {run['started']} (finished {run['finished']}, "
             f"{run['total_s'] / 60:.1f} min)." + (" **Quick mode: small stand-in graphs, not the "
                                                     "benchmark.**" if run["quick"] else ""))
    L.append("All figures below were measured in that one run; nothing is copied from elsewhere.")
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append(f"* CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']:.1f} GB; {m['os']}")
    L.append(f"* Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    L.append(f"* Load average (1, 5, 15 min): {run['load_start']} at the start, {run['load_end']} at the "
             "end; per graph below. The machine is shared: a load above 2 means other jobs took CPU "
             "time during the run, which slows every library alike only if the load is steady.")
    L.append("* Threads: netanalysis (numba) and rustworkx (rayon) use the 2 cores, NetworKit is set "
             "to 2 threads, igraph and networkx run on one.")
    L.append("")
    L.append("## How to read the tables")
    L.append("")
    L.append("* Time: best wall time of N runs (N in the netanalysis column's table, fewer for slow "
             "measures), in seconds, in a forked child of a per-library worker process. In brackets: "
             "the time divided by netanalysis's (above 1: netanalysis is faster).")
    L.append("* **est.**: estimated, not measured end to end: exact path measures on the 100k graphs "
             "from a random sample of sources scaled to all sources; networkx's per-node measures "
             "from a node sample; approximate betweenness of NetworKit on forum-a (its fixed-size "
             "Riondato-Kornaropoulos sampler, as its KADABRA refuses directed graphs) from a run at "
             "epsilon 0.02 scaled by the ratio of sample counts, (0.02/0.005)^2. netanalysis's "
             "approximate betweenness (its default two-phase Bernstein sample) runs at epsilon 0.005 on "
             "forum-a for real. "
             "On the 100k graphs every library's approximate betweenness runs at epsilon 0.05 for "
             "real (at 0.005 one measure would take many minutes there), NetworKit's with KADABRA on "
             "the undirected graph and Riondato-Kornaropoulos on the directed one. The epsilon of "
             "each run is in the agreement table. n/a: the library has no such measure (or no way to run it "
             "from a sample of sources on the 100k graphs).")
    L.append("* Peak memory: `ru_maxrss` of the child, which starts as a copy of a worker holding the "
             "graph (as CSR arrays and as the library's graph object) and the imported library.")
    L.append("* Agreement with netanalysis on one scale: largest absolute difference divided by the "
             "largest netanalysis value, then the Spearman rank correlation. Approximate betweenness: "
             "largest absolute error against netanalysis's exact betweenness, and how many of the "
             "exact top 20 are in the estimated top 20.")
    L.append("* Definitions that differ between libraries (the agreement columns show by how much): "
             "igraph's PageRank is an exact solve (PRPACK) while netanalysis, networkx, rustworkx "
             "and (as configured here) NetworKit stop the power iteration when the L1 change is "
             "below n * 1e-6; igraph's eigenvector and HITS use ARPACK; igraph's closeness has no "
             "Wasserman-Faust factor, so it is compared with netanalysis's `closeness(..., "
             "wf_improved=False)`; NetworKit's Katz is not proportional to networkx's (compare its "
             "ranks); rustworkx's `core_number` of a directed graph is the coreness of the "
             "undirected skeleton (a reciprocated pair counts once), not networkx's in + out; on a "
             "directed graph \"clustering (skeleton)\" is the undirected skeleton's coefficient, "
             "which is what igraph and NetworKit compute, while the panel's `clustering` column is "
             "Fagiolo's directed coefficient (networkx's `clustering` of a DiGraph). NetworKit and "
             "netanalysis get their undirected graph built before the clock starts; igraph builds "
             "it inside its call.")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| graph | target | measured | result |")
    L.append("|---|---|---|---|")
    for row in targets(run):
        L.append("| " + " | ".join(row) + " |")
    L.append("")

    for info in run["graphs"]:
        L.extend(graph_section(info))

    L.extend(first_call_section(run))
    path.write_text("\n".join(L) + "\n")


def graph_section(info):
    L = []
    L.append(f"## {info['name']}")
    L.append("")
    kind = "directed" if info["directed"] else "undirected"
    L.append(f"{info['description']}. {info['n']:,} nodes, {info['edges']:,} {kind} edges; built in "
             f"{info['build_s']:.1f} s. Load average {info['load_before']} before, "
             f"{info['load_after']} after. Katz alpha = 0.5 / lambda_max = {info['katz_alpha']:.4g} "
             "for every library.")
    if not info["exact_paths"]:
        L.append("")
        L.append(f"Exact path measures (and the panel, which contains them) are estimated here: "
                 f"netanalysis, igraph and NetworKit run from {info['k_sources']} random sources, networkx "
                 f"from {info['k_nx']}; networkx's per-node measures use {info['nx_nodes']} random nodes.")
    else:
        L.append("")
        L.append(f"networkx: betweenness from {info['k_nx']} random sources, closeness on {info['k_nx']} "
                 f"nodes, harmonic from {info['k_nx']} sources, clustering/constraint/effective size on "
                 f"{info['nx_nodes']} nodes, each scaled to the whole graph; the other measures in full.")
    L.append("")
    L.append("### Wall time, seconds (ratio to netanalysis)")
    L.append("")
    L.append("| measure | N | " + " | ".join(LIBS) + " |")
    L.append("|---|---:|" + "---:|" * len(LIBS))
    for key in ORDER:
        recs = {lib: record(info, lib, key) for lib in LIBS}
        if all(r is None for r in recs.values()):
            continue
        ref, _ = seconds(recs["netanalysis"])
        n_runs = next((r.get("reps") for r in recs.values() if r and "reps" in r), "")
        na = recs["netanalysis"]
        cells = [_cell_time(recs[lib], ref if lib != "netanalysis" else None) for lib in LIBS]
        L.append(f"| {LABEL.get(key, key)} | {na.get('reps', '') if na else n_runs} | " + " | ".join(cells) + " |")
    L.append("")
    parts, total, est, missing = composition(info)
    pc, pc_est = seconds(record(info, "netanalysis", "panel_covered"))
    if parts:
        L.append("Fastest composition of peer calls for the panel columns that igraph, NetworKit or "
                 "rustworkx compute (coreness counted three times on a directed graph: in, out, all): "
                 + ", ".join(f"{k} {lib} {_fmt_s(t)}{' est.' if e else ''}" for k, lib, t, e in parts)
                 + f"; total {_fmt_s(total)} s{' (est.)' if est else ''}"
                 + (f" against netanalysis's panel on the same columns, {_fmt_s(pc)} s"
                    f"{' (est.)' if pc_est else ''}" if pc else "") + "."
                 + (f" No fast peer for: {', '.join(missing)}." if missing else ""))
        L.append("")
    L.append("CPU time (user + system, all threads) of the best run, seconds, for the measures "
             "that were run end to end: " + "; ".join(
                 f"{LABEL.get(key, key)}: " + ", ".join(
                     f"{lib} {_fmt_s(r['cpu_best'])}" for lib in LIBS
                     for r in [record(info, lib, key)]
                     if r and "cpu_best" in r and not r.get("estimated"))
                 for key in ("pagerank", "betweenness", "closeness", "harmonic", "approx_betweenness",
                             "panel", "panel_covered")
                 if any((r := record(info, lib, key)) and "cpu_best" in r and not r.get("estimated")
                        for lib in LIBS)) + ".")
    L.append("")
    L.append("### Peak memory, MB")
    L.append("")
    L.append("| measure | " + " | ".join(LIBS) + " |")
    L.append("|---|" + "---:|" * len(LIBS))
    for key in ORDER:
        recs = {lib: record(info, lib, key) for lib in LIBS}
        if all(r is None for r in recs.values()):
            continue
        cells = [("n/a" if r is None else ("-" if "error" in r else f"{r['maxrss_mb']:,.0f}")) for r in
                 (recs[lib] for lib in LIBS)]
        L.append(f"| {LABEL.get(key, key)} | " + " | ".join(cells) + " |")
    L.append("")
    base = ", ".join(f"{lib} {info['libs'][lib].get('base_rss_mb', float('nan')):,.0f} MB "
                     f"(graph object built in {info['libs'][lib].get('build_s', float('nan')):.1f} s)"
                     for lib in LIBS if lib in info["libs"] and "base_rss_mb" in info["libs"][lib])
    L.append(f"Worker before any measure (graph loaded, library imported): {base}. NetworKit builds "
             "its graph in each child (weighted, unweighted or reversed as the measure needs).")
    L.append("")
    L.append("### Agreement with netanalysis (max error / largest value; Spearman)")
    L.append("")
    L.append("| measure | " + " | ".join(LIBS[1:]) + " |")
    L.append("|---|" + "---|" * (len(LIBS) - 1))
    agr = info.get("agreement", {})
    for key in ORDER:
        if key not in agr:
            continue
        cells = []
        for lib in LIBS[1:]:
            a = agr[key].get(lib)
            if a is None:
                cells.append("")
            elif "note" in a:
                cells.append(a["note"])
            elif "top_overlap" in a:
                cells.append(f"max abs err {_fmt_err(a['max_abs'])}; top-20 {a['top_overlap']}/{a['top']}"
                             f"; rho {a['spearman']:.4f} (eps {a.get('epsilon')})")
            else:
                extra = f" ({a['nan_mismatch']} NaN differ)" if a.get("nan_mismatch") else ""
                cells.append(f"{_fmt_err(a['max_rel'])}; {a['spearman']:.4f}{extra}")
        if key == "approx_betweenness" and "netanalysis" in agr[key]:
            a = agr[key]["netanalysis"]
            L.append(f"| {LABEL.get(key, key)} (netanalysis itself vs exact: max abs err "
                     f"{_fmt_err(a['max_abs'])}, top-20 {a['top_overlap']}/{a['top']}, rho "
                     f"{a['spearman']:.4f}) | " + " | ".join(cells) + " |")
        else:
            L.append(f"| {LABEL.get(key, key)} | " + " | ".join(cells) + " |")
    L.append("")
    for note in info.get("notes", []):
        L.append(f"* {note}")
    pr = info.get("pagerank_iter", {})
    if "per_iter_s" in pr:
        L.append(f"PageRank per iteration (netanalysis, difference of runs of 10 and 60 iterations): "
                 f"{pr['per_iter_s'] * 1e3:.3f} ms. A streaming numpy read (one thread) of "
                 f"{pr['bytes'] / 1e6:.1f} MB, the in-edge CSR plus three score vectors, takes "
                 f"{pr['read_s'] * 1e3:.3f} ms ({pr['bandwidth_gbs']:.1f} GB/s): ratio "
                 f"{pr['per_iter_s'] / pr['read_s']:.2f}.")
        L.append("")
    return L


def first_call_section(run):
    L = ["## First call (netanalysis, numba cache cold)", ""]
    fc = run.get("first_calls", {})
    first_graph = run["graphs"][0]
    L.append(f"Fresh processes on {first_graph['name']}; `NUMBA_CACHE_DIR` points at an empty "
             "temporary folder for the cold runs. In the per-measure sequence a kernel shared with an "
             "earlier measure is already compiled (e.g. closeness after betweenness). Approximate "
             "betweenness runs at epsilon 0.05 here (compilation is the point), so its warm figure "
             "(epsilon 0.005) is not comparable. Warm: best time of the benchmark above.")
    L.append("")
    labels = list(fc)
    L.append("| measure | " + " | ".join(labels) + " | warm (in process) |")
    L.append("|---|" + "---:|" * (len(labels) + 1))
    keys = []
    for v in fc.values():
        for k in v.get("first", {}):
            if k not in keys:
                keys.append(k)
    L.append("| import netanalysis.measures | " + " | ".join(
        _fmt_s(fc[lab].get("import_s")) for lab in labels) + " | |")
    for k in keys:
        warm, _ = seconds(record(first_graph, "netanalysis", k))
        L.append(f"| {LABEL.get(k, k)} | " + " | ".join(
            _fmt_s(fc[lab].get("first", {}).get(k)) for lab in labels) + f" | {_fmt_s(warm)} |")
    errors = [f"{lab}: {fc[lab]['error']}" for lab in labels if "error" in fc[lab]]
    if errors:
        L.append("")
        L.extend(f"* failed: {e}" for e in errors)
    L.append("")
    return L
