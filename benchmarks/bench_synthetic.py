"""Benchmark of the synthetic forum generator (not a test: run it by hand).

    python benchmarks/bench_synthetic.py            # forum-a .. forum-d, tiny, mega
    python benchmarks/bench_synthetic.py --quick    # without mega
    python benchmarks/bench_synthetic.py --only mega

Each case runs in a fresh Python process so that its peak memory (resident
set size) is its own. A case times ``generate_tables`` (the generator),
``read_forum`` (validation into a Forum), ``describe`` and ``write_dataset``
(Parquet), and prints one line of JSON; the summary table at the end is the
one in benchmarks/SYNTHETIC.md. Wall times depend on the machine's load (it is
shared); the CPU time of generation plus validation is printed too. Targets: forum-a <= 5 s and mega <= 60 s
with peak memory <= 4 GB (generation plus validation) on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("tiny", "forum-b", "forum-c", "forum-d", "forum-a", "mega")
TARGETS = {"forum-a": (5.0, None), "mega": (60.0, 4.0)}

_CHILD = r"""
import json, resource, sys, tempfile, time
from netanalysis.forum import read_forum
from synthetic import describe, generate_tables, write_dataset
preset, seed, write = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
c0 = time.process_time()
t0 = time.perf_counter()
tables, truth = generate_tables(preset, seed=seed)
t1 = time.perf_counter()
forum = read_forum(tables)
t2 = time.perf_counter()
cpu = time.process_time() - c0
peak_generate = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
del tables
d = describe(forum)
t3 = time.perf_counter()
write_s = None
if write:
    with tempfile.TemporaryDirectory(dir=sys.argv[4]) as tmp:
        t4 = time.perf_counter()
        write_dataset(forum, truth, tmp + "/ds", format="parquet")
        write_s = time.perf_counter() - t4
keys = ["posting_share", "explicit_reply_share", "gini_posts_posters", "top1_post_share",
        "thread_length_p50", "thread_length_p90", "thread_length_max", "thread_lifetime_days_p50",
        "reply_nodes", "reply_edges", "reply_in_centralization", "reply_reciprocity",
        "messaging_share", "message_reply_overlap"]
print(json.dumps({
    "preset": preset, "generate_s": t1 - t0, "read_forum_s": t2 - t1, "total_s": t2 - t0, "total_cpu_s": cpu,
    "describe_s": t3 - t2, "write_parquet_s": write_s,
    "peak_gb_generate": peak_generate,
    "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    "figures": {k: float(d[k]) for k in keys},
}))
"""


def run_case(preset: str, seed: int, write: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    scratch = ROOT / "benchmarks" / "_work"
    scratch.mkdir(exist_ok=True)
    out = subprocess.run([sys.executable, "-c", _CHILD, preset, str(seed), "1" if write else "0", str(scratch)],
                         check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip mega")
    ap.add_argument("--only", choices=CASES, action="append", help="run only these presets")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-write", action="store_true", help="skip the write_dataset timing")
    args = ap.parse_args(argv)
    cases = args.only or [c for c in CASES if not (args.quick and c == "mega")]
    results = []
    failed = False
    load_before = os.getloadavg()
    for preset in cases:
        r = run_case(preset, args.seed, not args.no_write)
        results.append(r)
        print(json.dumps(r), flush=True)
        limit_s, limit_gb = TARGETS.get(preset, (None, None))
        if limit_s is not None and r["total_s"] > limit_s:
            print(f"  !! {preset}: {r['total_s']:.1f} s exceeds {limit_s} s", flush=True)
            failed = True
        if limit_gb is not None and r["peak_gb_generate"] > limit_gb:
            print(f"  !! {preset}: peak {r['peak_gb_generate']:.2f} GB exceeds {limit_gb} GB", flush=True)
            failed = True
    print(f"\nload average before: {load_before}, after: {os.getloadavg()}")
    print("| preset | generate s | read_forum s | total s | total CPU s | peak GB | describe s | write parquet s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        w = f"{r['write_parquet_s']:.1f}" if r["write_parquet_s"] is not None else "-"
        print(f"| {r['preset']} | {r['generate_s']:.2f} | {r['read_forum_s']:.2f} | {r['total_s']:.2f} | "
              f"{r['total_cpu_s']:.2f} | {r['peak_gb_generate']:.2f} | {r['describe_s']:.2f} | {w} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
