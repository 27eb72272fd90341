"""Centrality benchmark: netanalysis beside igraph, NetworKit, rustworkx and networkx.

One run computes the same measures with every library on three graphs and
writes ``benchmarks/RESULTS.md`` (or ``--out``):

1. ``forum-a``: the reply graph of ``synthetic.generate_forum("forum-a", seed=0)``
   (directed, weighted).
2. ``forum-100k``: a forum-like reply graph of about 100,000 members and
   1,000,000 edges. The ``mega`` preset's reply graph is far from that size
   (about 54,000 nodes and 6.7 million edges, see ``SYNTHETIC.md``), so this is
   the ``forum-a`` preset with overrides (1,000,000 members, 14% posting,
   1,250,000 posts, 120,000 threads, 100,000 messages; seed 0).
3. ``geometric-100k``: an undirected random geometric graph (100,000 points
   uniform in the unit square, seed 0; edges between points closer than
   ``sqrt(8 / (pi n))``, mean degree about 8; integer weights 1..5, seed 0),
   a road-like graph: planar-ish, large diameter, no hubs.

Measures: degree, PageRank, eigenvector, Katz, HITS, coreness, clustering,
constraint, exact betweenness, closeness, harmonic, approximate betweenness
(epsilon 0.005, delta 0.1: netanalysis's default two-phase Bernstein sample; NetworKit's
``KadabraBetweenness`` on undirected graphs and, as its KADABRA refuses
directed ones, its ``ApproxBetweenness`` (Riondato-Kornaropoulos, constant
0.5) on directed graphs) and the whole panel
(``netanalysis.measures.centrality``). Conventions of the comparison are in
``_centrality_peers.py``.

How it is measured
------------------
* Every (graph, library) pair runs in its own worker process; the worker
  loads the graph and the library, then forks one child per measure, which
  builds the library's graph object (not timed), runs the measure N times and
  reports the best wall time and its peak resident set size (``ru_maxrss``:
  the child starts as a copy of the worker, so this is the peak of a process
  holding the graph, the library and the measure's work).
* NetworKit runs with 2 threads, netanalysis (numba) and rustworkx (rayon)
  with the machine's 2 cores; igraph and networkx are single-threaded.
* netanalysis: kernels are loaded from the on-disk numba cache and run once
  on a 3,000-node subgraph before timing. The first-call cost is measured
  separately in fresh processes with an empty ``NUMBA_CACHE_DIR``.
* Exact path measures on the two 100k graphs would take 25 minutes (or
  hours) per library on 2 cores, so there they are **estimated** from a
  random sample of sources, scaled to all sources: netanalysis's public
  function runs for real with only its per-source kernel restricted to a
  sample (preparation, leaf folding and reordering included); igraph gets
  ``sources=``/``vertices=``; NetworKit's betweenness is
  ``EstimateBetweenness`` (Brandes from k random sources); networkx uses
  ``betweenness_centrality(k=)``, ``harmonic_centrality(sources=)`` and the
  per-node loop of ``closeness_centrality``. rustworkx (and NetworKit for
  closeness/harmonic) have no way to run from a subset of sources: not run
  there. networkx's per-node measures (clustering, constraint, effective
  size) run on a node sample and are scaled likewise. Estimated times are
  marked "est." in the tables.
* Agreement is against netanalysis's result on one scale (see
  ``_centrality_peers.compare``): the largest absolute difference over the
  largest reference value, and the Spearman rank correlation.

Usage::

    .venv/bin/python benchmarks/bench_centrality.py --quick     # small graphs, ~2 min
    .venv/bin/python benchmarks/bench_centrality.py             # full, ~20 min
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import _centrality_peers as peers  # noqa: E402
from _machine import describe  # noqa: E402

PY = sys.executable
EPSILON, DELTA = 0.005, 0.1
APPROX_RUN_EPS = 0.02
APPROX_RUN_EPS_100K = 0.05
FIRST_CALL_EPS = 0.05  # approximate betweenness in the first-call runs (compilation is the point)
NX_BUDGET_S = {False: 10.0, True: 3.0}  # per networkx per-node measure (sampled nodes)
PATH = ("betweenness", "closeness", "harmonic")

# Measure keys in table order, and the panel columns each one provides.
MEASURE_ORDER = ("degree", "pagerank", "eigenvector", "katz", "hits", "coreness", "clustering",
                 "constraint", "betweenness", "closeness", "harmonic", "approx_betweenness", "panel")


# -- graphs ----------------------------------------------------------------------

def forum_graph(preset: str, **overrides):
    import netanalysis
    import synthetic
    forum, _ = synthetic.generate_forum(preset, seed=0, **overrides)
    g = netanalysis.reply_graph(forum)
    return g.adjacency, True


def geometric_graph(n: int, mean_degree: float = 8.0, seed: int = 0):
    import scipy.sparse as sp
    from scipy.spatial import cKDTree
    rng = np.random.default_rng(seed)
    points = rng.random((n, 2))
    radius = np.sqrt(mean_degree / (n * np.pi))
    pairs = cKDTree(points).query_pairs(radius, output_type="ndarray")
    w = rng.integers(1, 6, len(pairs)).astype(np.float64)
    rows = np.r_[pairs[:, 0], pairs[:, 1]]
    cols = np.r_[pairs[:, 1], pairs[:, 0]]
    adj = sp.coo_array((np.r_[w, w], (rows, cols)), shape=(n, n)).tocsr()
    return adj, False


FORUM_100K = dict(n_members=1_000_000, posting_share=0.14, n_posts=1_250_000,
                  n_threads=120_000, n_messages=100_000)
FORUM_100K_QUICK = dict(n_members=60_000, posting_share=0.14, n_posts=75_000,
                        n_threads=7_000, n_messages=6_000)


def graph_specs(quick: bool):
    """(name, description, builder, exact paths?, sources k, networkx k, networkx node sample)."""
    if quick:
        return [
            ("forum-b", 'reply graph of `generate_forum("forum-b", seed=0)` (quick stand-in for forum-a)',
             lambda: forum_graph("forum-b"), True, None, 10, 100),
            ("forum-6k", f"reply graph of forum-a with overrides {FORUM_100K_QUICK} (quick stand-in)",
             lambda: forum_graph("forum-a", **FORUM_100K_QUICK), False, 200, 5, 300),
            ("geometric-4k", "random geometric graph, 4,000 points, mean degree 8 (quick stand-in)",
             lambda: geometric_graph(4_000), False, 200, 5, 300),
        ]
    return [
        ("forum-a", 'reply graph of `synthetic.generate_forum("forum-a", seed=0)`',
         lambda: forum_graph("forum-a"), True, None, 20, 200),
        ("forum-100k", f"reply graph of the forum-a preset with overrides {FORUM_100K}, seed 0 "
         "(the `mega` preset's reply graph is ~54k nodes / 6.7M edges, far from 100k / 1M)",
         lambda: forum_graph("forum-a", **FORUM_100K), False, 400, 4, 2000),
        ("geometric-100k", "random geometric graph: 100,000 uniform points in the unit square, "
         "edges closer than sqrt(8/(pi n)) (mean degree ~8), weights uniform 1..5, seed 0; undirected",
         lambda: geometric_graph(100_000), False, 400, 4, 2000),
    ]


# -- plans: what each library runs, how often -------------------------------------

def plan_for(lib: str, directed: bool, exact: bool, n: int, k_sources, k_nx, nx_nodes, katz_alpha, quick):
    """List of (measure key, reps, params) for one library on one graph."""
    fast = 2 if quick else (5 if exact else 3)
    slow = 1 if quick else 2
    src = None if exact else peers.node_sample(n, k_sources, 1)
    out = []
    available = peers.MEASURES[lib]
    for key in MEASURE_ORDER:
        params: dict = {"katz_alpha": katz_alpha}
        reps = fast
        if lib == "networkx":
            if key in ("approx_betweenness", "panel"):
                continue
            if key in ("clustering", "constraint", "closeness"):
                params["nodes"] = peers.node_sample(n, nx_nodes if key != "closeness" else k_nx, 2,
                                                    ordered=False)
                params["estimate"] = n / len(params["nodes"])  # replaced by n / nodes done
                params["budget_s"] = NX_BUDGET_S[quick]
                reps = 1
            elif key in ("betweenness", "harmonic"):
                params["sources"] = peers.node_sample(n, k_nx, 3)
                params["estimate"] = n / k_nx
                reps = 1
            elif key in ("eigenvector", "katz", "hits", "coreness"):
                reps = 1
            if key not in available:
                continue
            out.append((key, reps, params))
            if key == "clustering":
                for extra in ("clustering_fagiolo", "clustering_onnela", "effective_size"):
                    if extra == "clustering_fagiolo" and not directed:
                        continue
                    p = {k: params[k] for k in ("nodes", "estimate", "budget_s")}
                    out.append((extra, 1, p))
            continue
        if key not in available:
            continue
        if key in PATH:
            reps = slow
            if not exact:
                reps = 1
                if lib == "netanalysis":
                    params["sample_sources"] = k_sources
                elif lib == "igraph":
                    params["sources"] = src
                    params["estimate"] = n / len(src)
                elif lib == "networkit" and key == "betweenness":
                    params["n_sources"] = k_sources
                    params["estimate"] = n / k_sources
                else:
                    continue  # no way to run from a subset of sources
        if key == "approx_betweenness":
            reps = 1
            # on the 100k graphs every library runs at a larger epsilon: at
            # 0.005 a sampled path on the geometric graph (searches touching
            # a quarter of it) would make this one measure take many minutes
            eps = EPSILON if exact else APPROX_RUN_EPS_100K
            params.update(epsilon=eps, delta=DELTA)
            if lib == "networkit" and directed and exact:
                # NetworKit's KADABRA refuses directed graphs; its
                # Riondato-Kornaropoulos sampler takes minutes at epsilon
                # 0.005: run it at a larger epsilon and scale by the ratio of
                # sample counts (its sample size is fixed, not adaptive)
                params.update(epsilon=APPROX_RUN_EPS, estimate=(APPROX_RUN_EPS / eps) ** 2)
        if key == "panel":
            reps = slow
            if not exact:
                reps = 1
                params["sample_sources"] = k_sources
            out.append((key, reps, params))
            covered = dict(params, columns=covered_columns(directed))
            out.append(("panel_covered", reps, covered))
            continue
        out.append((key, reps, params))
    return out


def covered_columns(directed: bool) -> list[str]:
    """Panel columns that igraph, NetworKit or rustworkx also compute."""
    from netanalysis.measures import panel_columns
    skip = {"clustering", "clustering_onnela", "clustering_barrat", "effective_size"}
    if not directed:
        skip.discard("clustering")
    return [c for c in panel_columns(directed) if c not in skip]


# -- the worker: one library on one graph ----------------------------------------

def _cpu_s() -> float:
    """User + system CPU time of this process, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _run_measure(lib, ctx, key, reps, params, out_prefix, timeout):
    """In a forked child: run one measure ``reps`` times; write arrays and a
    JSON line. Never returns."""
    status = 0
    try:
        signal.alarm(int(timeout))
        fn = peers.MEASURES[lib][key]
        if lib == "networkit":
            peers.networkit_prepare(ctx, key)
        if lib == "netanalysis":
            peers.netanalysis_prepare(ctx, key)
        if lib == "netanalysis" and reps == 1:
            # one run only: load the kernels first (best-of-N does it otherwise)
            peers._na_warm(ctx, key)
        times, cpus, est_times, result, extra = [], [], [], None, {}
        for _ in range(reps):
            cpu0 = _cpu_s()
            if lib == "netanalysis" and "sample_sources" in params:
                with peers.SourceSampler(params["sample_sources"]) as sampler:
                    t0 = time.perf_counter()
                    result = fn(ctx, params)
                    t = time.perf_counter() - t0
                est_times.append(sampler.estimate(t))
                extra["sources_run"] = sum(r for _, _, r in sampler.calls)
                extra["sources_total"] = sum(s for _, s, _ in sampler.calls)
            else:
                t0 = time.perf_counter()
                result = fn(ctx, params)
                t = time.perf_counter() - t0
                if "estimate" in params:
                    fixed = float(result.get("_fixed_s", 0.0))
                    if fixed:
                        t -= fixed  # timed inside, outside the measure's own call
                        extra["fixed_s"] = fixed
                    # work done once outside the call (networkx: the reversed graph)
                    added = float(result.get("_extra_s", 0.0))
                    scale = float(result["_scale"]) if "_scale" in result else params["estimate"]
                    est_times.append(fixed + added + t * scale)
            times.append(t)
            cpus.append(_cpu_s() - cpu0)
        arrays = {k: np.asarray(v) for k, v in result.items()}
        np.savez(out_prefix + ".npz", **arrays)
        best = int(np.argmin(times))
        rec = {"key": key, "times": times, "best": times[best], "cpu_best": cpus[best], "reps": reps,
               "estimated": bool(est_times), "best_estimate": min(est_times) if est_times else None,
               "maxrss_mb": _maxrss_mb(), **extra}
        if "_samples" in arrays:
            rec["samples"] = int(arrays["_samples"])
        if "epsilon" in params:
            rec["epsilon"] = params["epsilon"]
        if "_nodes" in arrays:
            rec["nodes_done"] = int(len(arrays["_nodes"]))
            rec["node_interrupted"] = bool(arrays["_interrupted"])
    except BaseException as exc:  # noqa: BLE001 - reported, not hidden
        rec = {"key": key, "error": f"{type(exc).__name__}: {exc}",
               "trace": traceback.format_exc()[-2000:]}
        status = 1
    with open(out_prefix + ".json", "w") as f:
        json.dump(rec, f)
    os._exit(status)


def worker(lib, graph_path, plan_path, out_dir):
    adj, directed = peers.load_graph(graph_path)
    with open(plan_path) as f:
        plan = json.load(f)
    # networkx and igraph graphs are built once here, before any fork (no
    # threads yet); NetworKit's are built in each child (OpenMP is not
    # fork-safe once its threads exist).
    t0 = time.perf_counter()
    ctx = peers.CONTEXTS[lib](adj, directed)
    build = time.perf_counter() - t0
    base = _maxrss_mb()
    records = []
    for item in plan["measures"]:
        key, reps, params = item["key"], item["reps"], item["params"]
        params = {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in params.items()}
        prefix = str(Path(out_dir) / f"{lib}__{key}")
        pid = os.fork()
        if pid == 0:
            _run_measure(lib, ctx, key, reps, params, prefix, plan["timeout"])
        _, status = os.waitpid(pid, 0)
        try:
            with open(prefix + ".json") as f:
                rec = json.load(f)
        except FileNotFoundError:
            rec = {"key": key, "error": f"child ended with status {status} (timeout {plan['timeout']} s?)"}
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            rec["error"] = (f"stopped after the {plan['timeout']} s time limit" if sig == signal.SIGALRM
                            else f"crashed ({signal.Signals(sig).name})")
        records.append(rec)
        print(f"    {lib:11s} {key:20s} " + (f"{rec['best']:.3f} s" if "best" in rec else rec["error"]),
              flush=True)
    with open(Path(out_dir) / f"{lib}.json", "w") as f:
        json.dump({"lib": lib, "build_s": build, "base_rss_mb": base, "records": records}, f)


# -- first call (cold numba cache) and PageRank per iteration -----------------------

def first_calls(graph_path, cache_dir, keys):
    """In a fresh process: import time and the first call of each measure."""
    t0 = time.perf_counter()
    import netanalysis.measures as C  # noqa: F401
    import_s = time.perf_counter() - t0
    adj, directed = peers.load_graph(graph_path)
    ctx = peers.netanalysis_context(adj, directed)
    out = {"import_s": import_s, "first": {}}
    for key in keys:
        params = {"epsilon": FIRST_CALL_EPS, "delta": DELTA}
        t0 = time.perf_counter()
        peers.NA_MEASURES[key](ctx, params)
        out["first"][key] = time.perf_counter() - t0
    out["maxrss_mb"] = _maxrss_mb()
    print(json.dumps(out))


def pagerank_iterations(graph_path):
    """Seconds per PageRank iteration (difference of two runs with a fixed
    number of iterations, so that setup cancels) and the time of a streaming
    numpy read of as many bytes as one iteration must at least move."""
    import netanalysis.measures as C
    from netanalysis.measures import ConvergenceError
    adj, directed = peers.load_graph(graph_path)
    g = peers.netanalysis_context(adj, directed)["graph"]

    def run(iters):
        best = np.inf
        for _ in range(5):
            t0 = time.perf_counter()
            try:
                C.pagerank(g, tol=1e-300, max_iter=iters)
            except ConvergenceError:
                pass
            best = min(best, time.perf_counter() - t0)
        return best

    run(5)  # load kernels
    lo, hi = 10, 60
    t_lo, t_hi = run(lo), run(hi)
    per_iter = (t_hi - t_lo) / (hi - lo)
    n, nnz = adj.shape[0], adj.nnz
    idx_bytes = 4 if nnz < 2**31 else 8
    # the in-edge CSR (indptr, indices, weights) plus three vectors of n
    # doubles (scores read, inverse out-strengths read, new scores written)
    nbytes = (n + 1) * idx_bytes + nnz * (idx_bytes + 8) + 3 * n * 8
    buf = np.random.default_rng(0).random(nbytes // 8)
    buf.sum()
    read = np.inf
    for _ in range(20):
        t0 = time.perf_counter()
        buf.sum()
        read = min(read, time.perf_counter() - t0)
    print(json.dumps({"per_iter_s": per_iter, "t_lo": t_lo, "t_hi": t_hi, "bytes": nbytes,
                      "read_s": read, "bandwidth_gbs": nbytes / read / 1e9}))


# -- orchestration --------------------------------------------------------------------

def machine_info() -> dict:
    return describe(("numpy", "scipy", "numba", "pandas", "networkx", "igraph", "networkit", "rustworkx"))


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _sub(args, env=None, timeout=None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(Path(__file__).resolve()), *args], env=env, timeout=timeout,
                          capture_output=True, text=True, check=False)


def run_library(lib, graph_path, plan, out_dir, timeout):
    plan_path = Path(out_dir) / f"{lib}_plan.json"
    serial = [{"key": k, "reps": r, "params": {a: (v.tolist() if isinstance(v, np.ndarray) else v)
                                                for a, v in p.items()}} for k, r, p in plan]
    plan_path.write_text(json.dumps({"measures": serial, "timeout": timeout}))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([PY, str(Path(__file__).resolve()), "--worker", lib, str(graph_path),
                             str(plan_path), str(out_dir)], env=env)
    proc.wait()
    path = Path(out_dir) / f"{lib}.json"
    if not path.exists():
        return {"lib": lib, "error": f"worker ended with status {proc.returncode}", "records": []}
    return json.loads(path.read_text())


def load_arrays(out_dir, lib, key):
    path = Path(out_dir) / f"{lib}__{key}.npz"
    if not path.exists():
        return {}
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small graphs, to check that it works")
    ap.add_argument("--out", default=None, help="report file (default benchmarks/RESULTS.md; "
                    "--quick: benchmarks/_work/RESULTS.quick.md)")
    ap.add_argument("--libs", default=",".join(peers.LIBRARIES))
    ap.add_argument("--worker", nargs=4, metavar=("LIB", "GRAPH", "PLAN", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--first-calls", nargs=2, metavar=("GRAPH", "KEYS"), help=argparse.SUPPRESS)
    ap.add_argument("--pagerank-iterations", metavar="GRAPH", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.first_calls:
        first_calls(args.first_calls[0], os.environ.get("NUMBA_CACHE_DIR"), args.first_calls[1].split(","))
        return
    if args.pagerank_iterations:
        pagerank_iterations(args.pagerank_iterations)
        return

    from report_centrality import write_report  # noqa: E402 - helper of this script

    libs = [lib for lib in args.libs.split(",") if lib]
    out_path = Path(args.out) if args.out else (
        HERE / "_work" / "RESULTS.quick.md" if args.quick else HERE / "RESULTS.md")
    run = {"started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
           "load_start": loadavg(), "machine": machine_info(), "quick": args.quick,
           "command": " ".join([Path(PY).name if False else ".venv/bin/python",
                                "benchmarks/bench_centrality.py", *sys.argv[1:]]),
           "graphs": []}
    t_run = time.perf_counter()
    timeout = 600
    work = Path(tempfile.mkdtemp(prefix="bench_centrality_"))
    print(f"work folder {work}; load average {run['load_start']}", flush=True)

    for name, desc, build, exact, k_sources, k_nx, nx_nodes in graph_specs(args.quick):
        t0 = time.perf_counter()
        adj, directed = build()
        gen_s = time.perf_counter() - t0
        gdir = work / name
        gdir.mkdir()
        gpath = gdir / "graph.npz"
        peers.save_graph(gpath, adj, directed)
        n = adj.shape[0]
        from netanalysis.measures.katz import katz_alpha
        alpha = float(katz_alpha(adj, directed, None, weighted=True))
        info = {"name": name, "description": desc, "n": n, "edges": int(adj.nnz if directed else adj.nnz // 2),
                "directed": directed, "build_s": gen_s, "exact_paths": exact, "k_sources": k_sources,
                "k_nx": k_nx, "nx_nodes": nx_nodes, "katz_alpha": alpha, "libs": {}}
        print(f"[{name}] n={n} edges={info['edges']} directed={directed} built in {gen_s:.1f} s; "
              f"load {loadavg()}", flush=True)
        info["load_before"] = loadavg()
        for lib in libs:
            plan = plan_for(lib, directed, exact, n, k_sources, k_nx, nx_nodes, alpha, args.quick)
            if not exact and lib == "netanalysis":
                # reference values that the sampled runs cannot give: none;
                # agreement on these graphs covers the non-path measures
                pass
            if lib == "netanalysis":
                # untimed references for the comparisons
                if exact:
                    plan.append(("closeness_raw", 1, {}))
                plan += [("ref_onnela", 1, {}), ("ref_effective_size", 1, {})]
                if directed:
                    plan.append(("ref_fagiolo", 1, {}))
            res = run_library(lib, gpath, plan, gdir, timeout)
            res["arrays"] = {}
            info["libs"][lib] = res
        # PageRank per iteration vs a streaming read
        proc = _sub(["--pagerank-iterations", str(gpath)])
        info["pagerank_iter"] = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 \
            else {"error": proc.stderr[-1000:]}
        info["agreement"] = agreement(gdir, info, libs)
        info["load_after"] = loadavg()
        run["graphs"].append(info)

    # first call with a cold numba cache, then a fresh process with the warm cache
    first_graph = work / run["graphs"][0]["name"] / "graph.npz"
    keys = ["degree", "pagerank", "eigenvector", "katz", "hits", "coreness", "clustering",
            "constraint", "betweenness", "closeness", "harmonic", "approx_betweenness", "panel"]
    cold_dir = tempfile.mkdtemp(prefix="numba_cold_")
    run["first_calls"] = {}
    for label, cache, order in (("panel first, cold cache", tempfile.mkdtemp(prefix="numba_cold_"),
                                 ["panel"]),
                                ("each measure, cold cache", cold_dir, keys),
                                ("each measure, warm cache, fresh process", cold_dir, keys)):
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        proc = _sub(["--first-calls", str(first_graph), ",".join(order)], env=env, timeout=1800)
        run["first_calls"][label] = json.loads(proc.stdout.strip().splitlines()[-1]) \
            if proc.returncode == 0 else {"error": proc.stderr[-1000:]}
        print(f"first calls ({label}): {run['first_calls'][label]}", flush=True)

    run["load_end"] = loadavg()
    run["total_s"] = time.perf_counter() - t_run
    run["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    (work / "run.json").write_text(json.dumps(run, default=str, indent=1))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    write_report(run, out_path)
    print(f"wrote {out_path} ({run['total_s']:.0f} s); raw figures in {work / 'run.json'}", flush=True)


# -- agreement ----------------------------------------------------------------------

def agreement(gdir, info, libs) -> dict:
    """{measure: {lib: {...}}} against netanalysis's arrays."""
    ref_lib = "netanalysis"
    out: dict = {}
    refs: dict = {}
    sampled = {rec["key"] for rec in info["libs"].get(ref_lib, {}).get("records", [])
               if rec.get("estimated") and rec["key"] != "approx_betweenness"}
    for key in list(MEASURE_ORDER) + ["closeness_raw", "ref_fagiolo", "ref_onnela", "ref_effective_size"]:
        if key in sampled:
            continue  # partial sums from a sample of sources: no reference
        refs.update({f"{key}:{c}": v for c, v in load_arrays(gdir, ref_lib, key).items()})

    def ref_for(key, column):
        if key == "panel":
            return None
        if column == "clustering_fagiolo":
            return refs.get("ref_fagiolo:clustering_fagiolo")
        if column == "clustering_onnela":
            return refs.get("ref_onnela:clustering_onnela")
        if column == "effective_size":
            return refs.get("ref_effective_size:effective_size")
        if column == "closeness_raw":
            return refs.get("closeness_raw:closeness")
        return refs.get(f"{key}:{column}")

    for lib in libs:
        res = info["libs"].get(lib, {})
        for rec in res.get("records", []):
            key = rec["key"]
            if "error" in rec or key in ("panel", "panel_covered") or key.startswith("ref_") \
                    or key == "closeness_raw":
                continue
            if lib == ref_lib and key != "approx_betweenness":
                continue
            arrays = load_arrays(gdir, lib, key)
            plan_nodes = None
            entry = {}
            if (rec.get("estimated") and key != "approx_betweenness") or key in sampled:
                out.setdefault(key, {})[lib] = {"note": "sampled run"}
                # networkx's node-sampled measures are exact on their nodes
                if lib != "networkx" or key in ("betweenness", "harmonic"):
                    continue
            if "_nodes" in arrays:
                plan_nodes = arrays["_nodes"]
            for column, values in arrays.items():
                if column.startswith("_"):
                    continue
                if key == "approx_betweenness":
                    exact = refs.get("betweenness:betweenness")
                    if exact is None:
                        continue
                    entry = {**approx_quality(exact, values), "epsilon": rec.get("epsilon")}
                    break
                ref = ref_for(key, column)
                if ref is None:
                    continue
                if plan_nodes is not None:
                    ref = ref[plan_nodes]
                c = peers.compare(ref, values, column)
                if not entry or c["max_rel"] > entry.get("max_rel", -1):
                    entry = {**c, "column": column}
                if "spearman" in entry and np.isfinite(c["spearman"]):
                    entry["spearman"] = min(entry["spearman"], c["spearman"])
            if entry:
                out.setdefault(key, {})[lib] = entry
    # approximate betweenness against each other when there is no exact reference
    return out


def approx_quality(exact: np.ndarray, approx: np.ndarray, top: int = 20) -> dict:
    order_e = np.lexsort((np.arange(len(exact)), -exact))[:top]
    order_a = np.lexsort((np.arange(len(approx)), -approx))[:top]
    return {"max_abs": float(np.abs(exact - approx).max()),
            "top_overlap": len(set(order_e.tolist()) & set(order_a.tolist())), "top": top,
            "spearman": peers.spearman(exact, approx)}


if __name__ == "__main__":
    main()
