"""Communities: ``na.communities`` (Leiden, modularity, consensus of
``n_runs`` seeded runs) beside igraph's and leidenalg's own Leiden on the
same graphs, and the recovery of planted partitions; writes
``benchmarks/COMMUNITIES.md``.

* Time: the reply graphs of synthetic presets (symmetrised ``A + A^T``, as
  ``communities`` reads a directed graph), ``na.communities(g, n_runs=10)``
  against 10 runs of igraph's ``community_leiden(objective_function="modularity")``
  and of leidenalg's ``ModularityVertexPartition`` (when installed; one run
  only above ``--leidenalg-max-edges``), each best of ``REPEATS``; the
  modularity each reaches.
* Recovery: LFR benchmark graphs (networkx's generator, ``mu`` mixing) and
  the normalised mutual information of the consensus with the planted
  communities.

Usage: ``.venv/bin/python benchmarks/bench_communities.py [--presets forum-c forum-a]``.
The mega preset (1,000,000 members) is not in the default run: generating it
takes longer than the benchmark itself; pass ``--presets mega`` to measure it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import netanalysis as na  # noqa: E402
import synthetic  # noqa: E402
from _machine import describe  # noqa: E402

REPEATS = 3
RUNS = 10


def _best(fn, repeats=REPEATS):
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _igraph_of(g) -> ig.Graph:
    a = g.adjacency
    s = sp.triu((a + a.T).tocsr(), k=1).tocoo()
    h = ig.Graph(n=a.shape[0], edges=np.column_stack([s.row, s.col]).tolist(), directed=False)
    h.es["weight"] = s.data.astype(float).tolist()
    return h


def timing(presets, repeats=REPEATS, leidenalg_max_edges=1_000_000) -> list[dict]:
    rows = []
    try:
        import leidenalg
    except ImportError:
        leidenalg = None
    for preset in presets:
        forum, _ = synthetic.generate_forum(preset, seed=0)
        g = na.reply_graph(forum)
        h = _igraph_of(g)
        t_na, res = _best(lambda: na.communities(g, n_runs=RUNS, seed=0), repeats)
        t_ig, parts = _best(lambda: [h.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
                                     for _ in range(RUNS)], repeats)
        row = {"preset": preset, "members": g.n_nodes, "edges": h.ecount(),
               "netanalysis s": t_na, "netanalysis Q": res.modularity,
               "igraph s": t_ig, "igraph Q": max(p.modularity for p in parts)}
        row.update({"leidenalg s": "not installed", "leidenalg Q": "not installed"})
        if leidenalg is not None:
            # Above the limit one run only (about 80 s on the mega graph, so
            # that ten would double the script's time); its time is given
            # as measured, marked "(1 run)", never scaled up.
            runs = RUNS if h.ecount() <= leidenalg_max_edges else 1
            t_la, la = _best(lambda: [leidenalg.find_partition(h, leidenalg.ModularityVertexPartition,
                                                               weights="weight", seed=i, n_iterations=-1)
                                      for i in range(runs)], repeats)
            q_la = max(p.modularity for p in la)
            row.update({"leidenalg s": t_la if runs == RUNS else f"{t_la:.3f} (1 run)",
                        "leidenalg Q": q_la if runs == RUNS else f"{q_la:.3f} (1 run)"})
        rows.append(row)
        print(row, flush=True)
    return rows


def recovery() -> list[dict]:
    rows = []
    for mu in (0.1, 0.3, 0.5):
        for seed in (1, 2):
            G = nx.LFR_benchmark_graph(1000, 2.5, 1.5, mu, average_degree=10, max_degree=50, min_community=20,
                                       max_community=100, seed=seed)
            G.remove_edges_from(nx.selfloop_edges(G))
            truth = {v: min(G.nodes[v]["community"]) for v in G}
            g = na.from_networkx(G)
            res = na.communities(g, n_runs=RUNS, seed=0)
            found = res.membership.reindex(list(G)).to_numpy()
            planted = np.array([truth[v] for v in G])
            _, labels = np.unique(planted, return_inverse=True)
            rows.append({"mu": mu, "seed": seed, "planted communities": int(labels.max() + 1),
                         "found": int(found.max() + 1),
                         "nmi": ig.compare_communities(found.tolist(), labels.tolist(), method="nmi")})
            print(rows[-1], flush=True)
    return rows


def _md(rows) -> str:
    cols = list(rows[0])
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", nargs="+", default=["forum-c", "forum-a"])
    ap.add_argument("--out", default=str(HERE / "COMMUNITIES.md"))
    ap.add_argument("--repeats", type=int, default=REPEATS, help="best of this many timings (default: %(default)s)")
    ap.add_argument("--leidenalg-max-edges", type=int, default=1_000_000,
                    help="above this many edges run leidenalg once, not 10 times (it is the slowest peer)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    times, planted = timing(args.presets, args.repeats, args.leidenalg_max_edges), recovery()
    m = describe(("igraph", "leidenalg", "networkx", "numba"))
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())
    Path(args.out).write_text(f"""# Communities: Leiden consensus beside igraph and leidenalg

Measured by `benchmarks/bench_communities.py` on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB,
{m['os']}, Python {m['python']}{'; ' + versions if versions else ''}; {time.perf_counter() - t0:.0f} s in all.

## Time on the reply graphs (seconds, best of {args.repeats}; {RUNS} runs each)

`netanalysis`: `na.communities(g, n_runs={RUNS})`, the consensus of {RUNS} seeded Leiden runs (igraph's
Leiden, modularity) and the tables, on the symmetrised graph. `igraph`: {RUNS} runs of
`community_leiden(objective_function="modularity", n_iterations=-1)` alone; `leidenalg`: {RUNS} runs of
`find_partition(ModularityVertexPartition, n_iterations=-1)`. `Q`: modularity of netanalysis's consensus and of the
best single run of each peer; on graphs of more than {args.leidenalg_max_edges:,} edges leidenalg makes one run
(marked "(1 run)": its time as measured, not scaled to {RUNS}).

{_md(times)}

## Planted partitions (LFR, 1,000 nodes, average degree 10)

Normalised mutual information of the consensus with the planted communities.

{_md(planted)}
""")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
