"""Centrality in moving windows (issue 15.2): the forum-a preset, 48 windows of
90 days every 30 days with the default measures (in-/out-degree, PageRank,
betweenness), and all windows of the forum; the target is at most 30 s.

    .venv/bin/python benchmarks/bench_rolling.py
"""
import time

import pandas as pd

import netanalysis as na
import synthetic


def main() -> None:
    forum, _ = synthetic.generate_forum("forum-a", seed=0)
    first = forum.period[0].normalize()
    end48 = first + 47 * pd.Timedelta("30D") + pd.Timedelta("90D")
    na.rolling(forum, end=first + pd.Timedelta("120D"))         # warm the kernels (disk cache)
    for label, end in (("48 windows", end48), ("all windows", None)):
        t = time.perf_counter()
        r = na.rolling(forum, "90D", "30D", end=end)
        sec = time.perf_counter() - t
        w = r.attrs["windows"]
        print(f"forum-a, {label}: {len(w)} windows, {len(r):,} rows, "
              f"max {max(x['nodes'] for x in w)} nodes / {max(x['edges'] for x in w):,} edges per window, "
              f"{len(r.attrs['approximated'])} approximated: {sec:.2f} s")


if __name__ == "__main__":
    main()
