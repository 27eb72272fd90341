"""Foundation benchmark: read + validate a large forum, then build its graphs.

Builds a synthetic forum (default 10 million posts by 100,000 posting
members in 20,000 threads, heavy-tailed activity and thread sizes, seeded),
writes it as Parquet into ``benchmarks/data/`` (reused when present), then
times each stage in a fresh Python process, so that imports, caches and peak
memory are those of a user's first call:

1. ``read_forum`` (read + validate + type),
2. ``reply_graph`` (``rule="auto"``),

and, in a second fresh process, ``read_forum`` + ``coparticipation_graph``
with ``--max-participants``. Peak memory is the ``ru_maxrss`` of each
process. Target: stages 1 + 2 of 10M posts within 10 s and 3 GB on 2 cores.

Usage::

    .venv/bin/python benchmarks/bench_foundation.py              # 10M posts
    .venv/bin/python benchmarks/bench_foundation.py --posts 100000

The table is a plain random table: nothing in it is content; ids are integers.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"

START = np.datetime64("2010-01-01T00:00:00", "ns")
PERIOD_NS = np.int64(4 * 365 * 24 * 3600) * 10**9  # four years


# -- data ------------------------------------------------------------------------

def generate(folder: Path, n_posts: int, n_members: int, n_threads: int, n_subforums: int, seed: int) -> None:
    """Write posts, threads, subforums and members as Parquet into ``folder``."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    # Heavy tails: Pareto activity per member (a few very active members) and
    # Pareto thread popularity (a few threads with a large share of posts).
    activity = rng.pareto(1.5, n_members) + 1.0
    popularity = rng.pareto(1.2, n_threads) + 1.0
    author = rng.choice(n_members, size=n_posts, p=activity / activity.sum())
    thread = rng.choice(n_threads, size=n_posts, p=popularity / popularity.sum())
    # A thread lives from its start for an exponential time (mean 30 days).
    thread_start = rng.integers(0, PERIOD_NS, n_threads)
    delay = rng.exponential(30 * 24 * 3600 * 1e9, n_posts).astype(np.int64)
    t = thread_start[thread] + delay
    order = np.argsort(t, kind="stable")  # a dump in time order, as a database export by post id
    author, thread, t = author[order], thread[order], t[order]

    # Explicit reply_to for 30% of the posts that are not the first of their
    # thread: an earlier post of the same thread, chosen uniformly.
    by_thread = np.argsort(thread, kind="stable")
    sorted_thread = thread[by_thread]
    group_start = np.flatnonzero(np.r_[True, sorted_thread[1:] != sorted_thread[:-1]])
    sizes = np.diff(np.r_[group_start, n_posts])
    rank = np.arange(n_posts) - np.repeat(group_start, sizes)
    start_of = np.repeat(group_start, sizes)
    explicit = (rank > 0) & (rng.random(n_posts) < 0.3)
    pick = (rng.random(n_posts) * rank).astype(np.int64)
    reply_sorted = np.where(explicit, by_thread[start_of + pick], -1)
    reply_to = np.full(n_posts, -1, dtype=np.int64)
    reply_to[by_thread] = reply_sorted

    post_id = np.arange(1, n_posts + 1, dtype=np.int64)
    posts = pd.DataFrame({
        "post_id": post_id,
        "thread_id": thread.astype(np.int64) + 1,
        "author_id": author.astype(np.int64) + 1,
        "created_at": pd.to_datetime(START + t.astype("timedelta64[ns]")).tz_localize("UTC"),
        "reply_to": pd.array(np.where(reply_to >= 0, post_id[np.maximum(reply_to, 0)], 0), dtype="Int64"),
    })
    posts.loc[reply_to < 0, "reply_to"] = pd.NA
    threads = pd.DataFrame({
        "thread_id": np.arange(1, n_threads + 1, dtype=np.int64),
        "subforum_id": rng.integers(1, n_subforums + 1, n_threads).astype(np.int64),
    })
    subforums = pd.DataFrame({"subforum_id": np.arange(1, n_subforums + 1, dtype=np.int64)})
    # Lurkers: as many registered members again who never post.
    members = pd.DataFrame({
        "member_id": np.arange(1, 2 * n_members + 1, dtype=np.int64),
        "rank_level": rng.integers(0, 5, 2 * n_members).astype(np.int64),
    })
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in (("posts", posts), ("threads", threads), ("subforums", subforums), ("members", members)):
        df.to_parquet(folder / f"{name}.parquet.tmp", index=False)
    for name in ("posts", "threads", "subforums", "members"):
        os.replace(folder / f"{name}.parquet.tmp", folder / f"{name}.parquet")


# -- measurement in a fresh process --------------------------------------------------

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class _Stage:
    """Wall and CPU time of a block (CPU time of the whole process, all
    threads: on a shared machine it varies less than wall time)."""

    def __init__(self, out: dict, name: str):
        self.out, self.name = out, name

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.out[f"{self.name}_s"] = time.perf_counter() - self.wall
        self.out[f"{self.name}_cpu_s"] = time.process_time() - self.cpu
        return False


def run_stages(folder: Path, which: str, max_participants: int | None) -> dict:
    """Time the stages in this process (meant to be a fresh one)."""
    out: dict = {"load_before": os.getloadavg()[0]}
    with _Stage(out, "import"):
        import netanalysis.forum as forum_module
        import netanalysis.graphs as graphs
    with _Stage(out, "read_forum"):
        forum = forum_module.read_forum(folder)
    out["peak_after_read_mb"] = _peak_mb()
    out["forum"] = repr(forum)
    if which == "reply":
        with _Stage(out, "post_arrays"):
            _ = forum.post_arrays
        with _Stage(out, "reply_graph"):
            g = graphs.reply_graph(forum)
        out["total_s"] = out["read_forum_s"] + out["post_arrays_s"] + out["reply_graph_s"]
        out["total_cpu_s"] = out["read_forum_cpu_s"] + out["post_arrays_cpu_s"] + out["reply_graph_cpu_s"]
    else:
        with _Stage(out, "coparticipation_graph"):
            g = graphs.coparticipation_graph(forum, max_participants=max_participants)
    out["graph"] = repr(g)
    out["meta"] = {k: str(v) for k, v in g.meta.items()}
    out["peak_mb"] = _peak_mb()
    out["load_after"] = os.getloadavg()[0]
    return out


def _in_subprocess(folder: Path, which: str, max_participants: int | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", which, "--data", str(folder)]
    if max_participants is not None:
        cmd += ["--max-participants", str(max_participants)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        why = f"killed by signal {-done.returncode} (out of memory?)" if done.returncode < 0 else f"exit {done.returncode}"
        raise RuntimeError(f"benchmark stage {which} failed: {why}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    sys.path.insert(0, str(HERE))
    from _machine import describe

    m = describe(("numpy", "scipy", "pandas", "pyarrow", "numba"))
    return {**{k: v for k, v in m.items() if k != "versions"}, **m.pop("versions")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--members", type=int, default=None, help="posting members (default posts / 100)")
    ap.add_argument("--threads", type=int, default=None, help="threads (default posts / 500)")
    ap.add_argument("--subforums", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--max-participants", type=int, default=100,
                    help="coparticipation: skip larger threads (this data has 500 posts per thread on average)")
    ap.add_argument("--no-coparticipation", action="store_true")
    ap.add_argument("--regenerate", action="store_true", help="rewrite the data even if present")
    ap.add_argument("--json", type=Path, help="also write the results to this file")
    ap.add_argument("--child", choices=["reply", "coparticipation"], help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(run_stages(args.data, args.child, args.max_participants)))
        return 0

    members = args.members or max(10, args.posts // 100)
    threads = args.threads or max(5, args.posts // 500)
    folder = DATA / f"foundation_p{args.posts}_m{members}_t{threads}_s{args.seed}"
    if args.regenerate or not (folder / "posts.parquet").is_file():
        t0 = time.perf_counter()
        generate(folder, args.posts, members, threads, args.subforums, args.seed)
        print(f"generated {folder.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results = {"machine": machine(), "posts": args.posts, "members": members, "threads": threads,
               "seed": args.seed, "data": str(folder.relative_to(ROOT))}
    results["reply"] = _in_subprocess(folder, "reply", None)
    if not args.no_coparticipation:
        results["max_participants"] = args.max_participants
        results["coparticipation"] = _in_subprocess(folder, "coparticipation", args.max_participants)

    r = results["reply"]
    print(f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
          f"{results['machine']['ram_gb']} GB RAM")
    print(f"data: {args.posts:,} posts, {members:,} posting members, {threads:,} threads")
    print(f"load average (1 min) before/after: {r['load_before']:.1f} / {r['load_after']:.1f}")
    print("  stage                    wall s    cpu s")
    for stage in ("import", "read_forum", "post_arrays", "reply_graph", "total"):
        print(f"  {stage:22s} {r[stage + '_s']:8.2f} {r[stage + '_cpu_s']:8.2f}")
    print(f"  peak memory: {r['peak_after_read_mb']:,.0f} MB after read, {r['peak_mb']:,.0f} MB in all   {r['graph']}")
    if "coparticipation" in results:
        c = results["coparticipation"]
        print(f"coparticipation (max_participants={args.max_participants}), fresh process: "
              f"read {c['read_forum_s']:.2f} s, graph {c['coparticipation_graph_s']:.2f} s wall / "
              f"{c['coparticipation_graph_cpu_s']:.2f} s cpu, peak {c['peak_mb']:,.0f} MB")
        print(f"  {c['graph']}; threads skipped {c['meta']['threads_skipped']}, posts skipped "
              f"{c['meta']['posts_skipped']}, largest thread {c['meta']['largest_thread']} participants, "
              f"pair bound {c['meta']['pair_bound']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
