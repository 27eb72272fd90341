"""networkx with and without the netanalysis backend, and nx-parallel, on the
forum-a reply graph; writes ``benchmarks/NX_BACKEND.md`` (or ``--out``).

The graph is the one ``bench_centrality.py`` calls forum-a: the reply graph of
``synthetic.generate_forum("forum-a", seed=0)`` (directed, weights = reply
counts), as a networkx ``DiGraph`` from ``netanalysis.to_networkx``. Each
call is what a networkx user writes, with networkx's defaults (weights are
used where networkx's default uses them: PageRank, HITS).

Columns
-------
* **networkx**: the call without a backend (networkx's own code).
* **backend, first call**: ``f(G, backend="netanalysis")`` on a fresh copy of
  the graph, so the conversion (networkx graph -> arrays -> CSR) is
  included; numba's kernels are loaded beforehand by a warm-up call on a
  small graph, as they are after the first use on a machine (their disk
  cache).
* **backend, cached**: the same call again on the same graph: networkx's
  cache (``G.__networkx_cache__``) holds the conversion.
* **conversion**: the conversion alone, as networkx asks for it.
* **nx-parallel**: ``f(G, backend="parallel")`` with ``n_jobs=2``, for the
  functions nx-parallel implements (betweenness only, of these); the
  others would run on networkx.
* **max |diff|**: the largest absolute difference between the backend's and
  networkx's values (for HITS: hubs and authorities).

Each timing is the best of ``--repeats`` runs (1 for networkx's path
measures, which take minutes). numba uses the machine's cores, networkx
one, nx-parallel ``n_jobs=2`` processes (joblib's loky).

nx-parallel is optional and not in the ``bench`` extra: the newest version
the package index offers here (0.3) does not import with networkx 3.6
(``ImportError: cannot import name '_rescale_e'``); the script says so in
the report and leaves its column empty. Install a version that matches
your networkx (``pip install nx-parallel``) to fill it.

Usage::

    .venv/bin/python benchmarks/bench_nx_backend.py   # about 10 minutes on 2 cores
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from _machine import describe  # noqa: E402

SLOW = {"betweenness_centrality", "closeness_centrality", "harmonic_centrality"}


def forum_a() -> nx.DiGraph:
    import netanalysis as na
    import synthetic

    forum, _ = synthetic.generate_forum("forum-a", seed=0)
    return na.to_networkx(na.reply_graph(forum))


def katz_alpha(G) -> float:
    """0.5 / lambda_max of the 0/1 adjacency: networkx's default 0.1 is above
    1 / lambda_max on this graph (its iteration diverges)."""
    import scipy.sparse.linalg as spla

    A = nx.to_scipy_sparse_array(G, weight=None, dtype=float)
    lam = abs(spla.eigs(A, k=1, which="LM", return_eigenvectors=False, v0=np.ones(A.shape[0]))[0])
    return 0.5 / float(lam)


def calls(G):
    """(label, networkx function, options): the calls timed."""
    return [
        ("betweenness_centrality(G)", nx.betweenness_centrality, {}),
        ("closeness_centrality(G)", nx.closeness_centrality, {}),
        ("harmonic_centrality(G)", nx.harmonic_centrality, {}),
        ("pagerank(G)", nx.pagerank, {}),
        ("eigenvector_centrality(G, max_iter=1000)", nx.eigenvector_centrality, {"max_iter": 1000}),
        (f"katz_centrality(G, alpha={katz_alpha(G):.3g})", nx.katz_centrality, {"alpha": katz_alpha(G)}),
        ("hits(G)", nx.hits, {}),
        ("core_number(G)", nx.core_number, {}),
        ("clustering(G)", nx.clustering, {}),
        ("constraint(G)", nx.constraint, {}),
        ("degree_centrality(G)", nx.degree_centrality, {}),
    ]


def timed(f, *args, **kwargs):
    start = time.perf_counter()
    result = f(*args, **kwargs)
    return time.perf_counter() - start, result


def best(runs: int, make_graph, f, **options):
    """Best wall time of ``runs`` calls, each on ``make_graph()`` (not timed)."""
    times, result = [], None
    for _ in range(runs):
        G = make_graph()
        t, result = timed(f, G, **options)
        times.append(t)
    return min(times), result


def max_diff(a, b) -> float:
    if isinstance(a, tuple):
        return max(max_diff(x, y) for x, y in zip(a, b))
    keys = list(b)
    x = np.array([a[k] for k in keys], dtype=float)
    y = np.array([b[k] for k in keys], dtype=float)
    both = ~(np.isnan(x) & np.isnan(y))
    return float(np.max(np.abs(x[both] - y[both]))) if both.any() else 0.0


def warm_up():
    """Load every kernel the backend uses (numba's disk cache) on a small graph."""
    small = nx.gnp_random_graph(60, 0.1, seed=1, directed=True)
    for _, f, options in calls(small):
        options = dict(options)
        if f is nx.katz_centrality:
            options["alpha"] = 0.01
        try:
            f(small, backend="netanalysis", **options)
        except Exception:  # noqa: BLE001 - a warm-up only
            pass


def fmt(t: float | None) -> str:
    if t is None:
        return "n/a"
    if t >= 100:
        return f"{t:,.0f}"
    if t >= 1:
        return f"{t:.2f}"
    if t >= 0.01:
        return f"{t:.3f}"
    return f"{t:.2g}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "NX_BACKEND.md")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from netanalysis.nx_backend.interface import CALLS, BackendInterface

    nx.config.warnings_to_ignore.add("cache")
    parallel_note = None
    try:
        import nx_parallel  # noqa: F401

        nx.config.backends.parallel.n_jobs = 2
        have_parallel = "parallel" in nx.utils.backends.backends
    except ImportError as exc:  # not installed, or not importable with this networkx
        have_parallel = False
        parallel_note = f"{type(exc).__name__}: {exc}"
    started = dt.datetime.now().astimezone()
    load_before = os.getloadavg()
    t_build, G = timed(forum_a)
    warm_up()
    rows = []
    for label, f, options in calls(G):
        name = f.name
        slow = name in SLOW
        runs = 1 if slow else args.repeats
        print(f"{label} ...", flush=True)
        try:
            t_nx, ref = best(runs, G.copy, f, **options)
        except nx.NetworkXException as exc:  # reported, not timed
            print(f"  networkx: {type(exc).__name__}: {exc}", flush=True)
            rows.append({"label": label, "error": f"networkx raises {type(exc).__name__}"})
            continue
        before = CALLS[name]
        t_cold, got = best(args.repeats, G.copy, f, backend="netanalysis", **options)
        ran = CALLS[name] - before
        H = G.copy()
        f(H, backend="netanalysis", **options)
        t_warm, _ = best(args.repeats, lambda: H, f, backend="netanalysis", **options)
        attr = {"weight": 1} if name in ("pagerank", "hits") else None
        t_conv, _ = best(args.repeats, G.copy, lambda g: BackendInterface.convert_from_nx(g, edge_attrs=attr))
        t_par = None
        if have_parallel and name in nx.utils.backends.backend_info["parallel"].get("functions", {}):
            t_par, par = best(1, G.copy, f, backend="parallel", **options)
            assert max_diff(par, ref) < 1e-9
        rows.append({"label": label, "nx": t_nx, "cold": t_cold, "warm": t_warm, "conv": t_conv,
                     "par": t_par, "diff": max_diff(got, ref), "ran": ran == args.repeats})
        print(f"  networkx {fmt(t_nx)} s, backend {fmt(t_cold)} s ({t_nx / t_cold:.1f}x), cached "
              f"{fmt(t_warm)} s, conversion {fmt(t_conv)} s, nx-parallel {fmt(t_par)} s", flush=True)
    load_after = os.getloadavg()
    machine = describe(("netanalysis", "networkx", "numpy", "scipy", "numba", "joblib"))
    try:  # the installed distribution's version, importable or not
        from importlib.metadata import version

        machine["versions"]["nx_parallel"] = version("nx-parallel")
    except Exception:  # noqa: BLE001
        machine["versions"]["nx_parallel"] = "not installed"
    write(args.out, rows, G, machine, started, t_build, load_before, load_after, args.repeats,
          parallel_note)
    print(f"wrote {args.out}")
    return 0


def write(path: Path, rows, G, machine, started, t_build, load_before, load_after, repeats,
          parallel_note=None):
    v = machine["versions"]
    errors = [r for r in rows if "error" in r]
    rows = [r for r in rows if "error" not in r]
    total_nx = sum(r["nx"] for r in rows)
    total_cold = sum(r["cold"] for r in rows)
    lines = [
        "# networkx backend: networkx with and without netanalysis, and nx-parallel",
        "",
        f"Measured {started:%Y-%m-%d %H:%M %Z} by `benchmarks/bench_nx_backend.py` (every figure below "
        "is from that one run).",
        "",
        f"* Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM, {machine['os']}.",
        f"* Python {machine['python']}; netanalysis {v['netanalysis']}, networkx {v['networkx']}, "
        f"nx-parallel {v['nx_parallel']}, numpy {v['numpy']}, scipy {v['scipy']}, numba {v['numba']}, "
        f"joblib {v['joblib']}.",
        f"* Load average (1, 5, 15 min) before the run {', '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{', '.join(f'{x:.2f}' for x in load_after)}: the 2 cores are shared with other work, so times "
        "are those of a busy machine.",
        f"* Graph: forum-a, the reply graph of `synthetic.generate_forum(\"forum-a\", seed=0)` as a networkx "
        f"`DiGraph` ({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges, weight = replies; built "
        f"in {t_build:.1f} s, not timed).",
        f"* Best of {repeats} runs (networkx's betweenness, closeness and harmonic: 1 run). numba runs on "
        f"the {machine['cores']} cores, networkx on one, nx-parallel with `n_jobs=2`.",
        "",
        "| call | networkx (s) | backend, first call (s) | speed-up | backend, cached (s) | conversion (s) "
        "| nx-parallel (s) | max \\|diff\\| vs networkx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = r["nx"] / r["cold"]
        par = "n/a" if r["par"] is None else f"{fmt(r['par'])} ({r['nx'] / r['par']:.2f}x)"
        ran = "" if r["ran"] else " (declined: ran on networkx)"
        lines.append(f"| `{r['label']}`{ran} | {fmt(r['nx'])} | {fmt(r['cold'])} | {ratio:,.1f}x | "
                     f"{fmt(r['warm'])} | {fmt(r['conv'])} | {par} | {r['diff']:.1e} |")
    for r in errors:
        lines.append(f"| `{r['label']}` | {r['error']} | | | | | | |")
    lines += [
        "",
        f"All {len(rows)} timed calls: networkx {fmt(total_nx)} s, the backend {fmt(total_cold)} s with a "
        f"conversion in every call ({total_nx / total_cold:,.0f}x).",
        "",
        "Notes:",
        "",
        "* *backend, first call* includes the conversion of a graph that has none cached (networkx asks the "
        "backend for it and keeps it in `G.__networkx_cache__`); *cached* is the same call once the "
        "conversion is there; *conversion* is that conversion alone. The first call of a function in a new "
        "process also loads its compiled kernels from numba's disk cache (done here before timing, on a "
        "60-node graph).",
        ("* nx-parallel implements `betweenness_centrality` among these functions (it also has edge "
         "betweenness, all-pairs shortest paths and a few others); its speed-up is over networkx, with "
         "`n_jobs=2` worker processes." if parallel_note is None else
         f"* nx-parallel {v['nx_parallel']} could not be used: `import nx_parallel` raised `{parallel_note}` "
         f"with networkx {v['networkx']} (the newest nx-parallel this machine's package index offers; "
         "nx-parallel 0.4 is not there), so it has no column figures."),
        "* Katz: networkx's default `alpha=0.1` exceeds `1 / lambda_max` of this graph (its iteration "
        "diverges), so both run at half of `1 / lambda_max`.",
        "* `effective_size(G)` is not timed: on a directed graph networkx 3.6's default path (`nodes=None`) "
        "normalises by the wrong node's largest weight (networkx PR #8906), so the backend leaves it to "
        "networkx (see docs/nx_backend.md); with `nodes=list(G)` networkx runs its per-node path, which "
        "`RESULTS.md` estimates at about 39,000 s on this graph.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    raise SystemExit(main())
