"""analyze at scale (issue 17.1): above ``EXACT_LIMIT`` betweenness is
estimated with a guarantee and recorded as such; below it nothing changes;
``graph.graphml`` only up to ``GRAPHML_MAX_EDGES``; a bounded degree figure;
one line per finished stage on stderr when it is not a terminal.

The limits are lowered on the tiny preset (82 members, 637 edges) so that
the large-forum path runs in seconds."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.report import analyze as A
from netanalysis.report import plots

#: A coarse estimate keeps the tests fast (the tiny graph's betweenness
#: values are large, so epsilon 0.001 would need 1.5 million paths).
FAST = {"method": "bernstein", "epsilon": 0.02, "delta": 0.1}


def _run(dataset: Path, out: Path, *, exact_limit=None, graphml_max=None, estimate=FAST, **options):
    with pytest.MonkeyPatch.context() as mp:
        if exact_limit is not None:
            mp.setattr(A, "EXACT_LIMIT", exact_limit)
        if graphml_max is not None:
            mp.setattr(A, "GRAPHML_MAX_EDGES", graphml_max)
        mp.setattr(A, "APPROXIMATE_BETWEENNESS", estimate)
        return A.analyze(dataset, out, **{"stability_repeats": 5, "top": 10, "over_time": False, **options})


def _without_timings(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, with the stage timings (summary.json's
    ``seconds`` and the report's parameters section) taken out."""
    files = {}
    for p in sorted(folder.iterdir()):
        data = p.read_bytes()
        if p.name == "summary.json":
            s = json.loads(data)
            s.pop("seconds")
            data = json.dumps(s, sort_keys=True).encode()
        elif p.name == "report.html":
            data = re.sub(rb'<section id="parameters">.*?</section>', b"", data, flags=re.S)
        files[p.name] = data
    return files


@pytest.fixture(scope="module")
def runs(tiny_dataset, tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    work = float(82 * 637)
    exact = _run(tiny_dataset, root / "exact")
    at_limit = _run(tiny_dataset, root / "at_limit", exact_limit=work)
    approx = _run(tiny_dataset, root / "approx", exact_limit=work - 1, graphml_max=636)
    again = _run(tiny_dataset, root / "again", exact_limit=work - 1, graphml_max=636)
    return {"exact": exact, "at_limit": at_limit, "approx": approx, "again": again}


def test_tiny_graph_size(runs):
    g = runs["exact"].graph
    assert (g.n_nodes, g.n_edges) == (82, 637)


def test_below_the_limit_nothing_changes(runs):
    exact, at_limit = runs["exact"], runs["at_limit"]
    assert "approximations" not in exact.summary and "left_out" not in exact.summary
    assert "approximations" not in at_limit.summary
    # a limit of exactly nodes x edges is still exact: the same files, byte for byte
    assert _without_timings(exact.out) == _without_timings(at_limit.out)
    assert (exact.out / "graph.graphml").exists()
    # and the panel is the library's exact one
    pd.testing.assert_frame_equal(exact.centrality, na.centrality(exact.graph))
    html = (exact.out / "report.html").read_text()
    assert "Approximations at this size" not in html and "was not written" not in html


def test_above_the_limit_the_record(runs):
    s = runs["approx"].summary
    rec = s["approximations"]
    assert rec["exact_limit"] == 82 * 637 - 1 and rec["nodes_x_edges"] == 82 * 637
    assert "82 nodes x 637 edges" in rec["reason"]
    b = rec["betweenness"]
    assert (b["method"], b["epsilon"], b["delta"], b["seed"]) == ("bernstein", 0.02, 0.1, 0)
    assert 0 < b["samples"] <= b["max_samples"] and b["first_phase_samples"] > 0
    assert b["vertex_diameter_bound"] >= 3
    assert "within 0.02" in b["bound"] and "at least 0.9" in b["bound"]
    assert rec["stability_repeats"] == {"asked": 5, "used": A.APPROXIMATE_STABILITY_REPEATS}
    assert any(item.startswith("centrality") for item in rec["approximate"])
    # summary.json on disk holds the same record
    on_disk = json.loads((runs["approx"].out / "summary.json").read_text())
    assert on_disk["approximations"] == rec
    assert on_disk["parameters"]["stability_repeats"] == 5      # what was asked, as given


def test_above_the_limit_the_estimate(runs):
    exact, approx = runs["exact"].centrality, runs["approx"].centrality
    assert list(approx.columns) == list(exact.columns) and approx.index.equals(exact.index)
    # every other column is exact
    others = [c for c in exact.columns if c != "betweenness"]
    pd.testing.assert_frame_equal(approx[others], exact[others])
    # betweenness is the library's estimate, within epsilon here (the bound
    # holds with probability 0.9; seed 0 is inside it)
    est = na.approximate_betweenness(runs["exact"].graph, seed=0, **FAST)
    np.testing.assert_array_equal(approx["betweenness"].to_numpy(), est.to_numpy())
    assert not np.array_equal(approx["betweenness"].to_numpy(), exact["betweenness"].to_numpy())
    assert float((approx["betweenness"] - exact["betweenness"]).abs().max()) <= FAST["epsilon"]
    written = pd.read_csv(runs["approx"].out / "centrality.csv")
    np.testing.assert_allclose(written["betweenness"].to_numpy(), est.to_numpy(), rtol=1e-12)


def test_above_the_limit_stability_from_fewer_resamples(runs):
    stability = runs["approx"].key_actors["stability"].dropna()
    used = A.APPROXIMATE_STABILITY_REPEATS
    assert len(stability) == 10
    # shares of `used` resamples: multiples of 1/used
    assert np.allclose(stability * used, np.round(stability * used))


def test_above_the_limit_the_report_says_so(runs):
    html = (runs["approx"].out / "report.html").read_text()
    b = runs["approx"].summary["approximations"]["betweenness"]
    para = re.search(r'<p class="note">Approximations at this size: (.*?)</p>', html)
    assert para is not None
    assert f"{b['samples']:,} shortest paths" in para.group(1) and "epsilon = 0.02, delta = 0.1" in para.group(1)
    assert f"from {A.APPROXIMATE_STABILITY_REPEATS} resamples instead of 5" in para.group(1)
    assert "At this size betweenness is estimated (within 0.02 with probability 0.9)" in html
    # the paragraph sits in the centrality section, the note in the key actors'
    section = re.search(r'<section id="centrality-agreement">(.*?)</section>', html, flags=re.S).group(1)
    assert "Approximations at this size" in section
    assert "At this size" in re.search(r'<section id="key-actors">(.*?)</section>', html, flags=re.S).group(1)


def test_graphml_left_out_above_its_limit(runs):
    out = runs["approx"].out
    assert not (out / "graph.graphml").exists()
    why = runs["approx"].summary["left_out"]["graph.graphml"]
    assert "637 edges, more than GRAPHML_MAX_EDGES = 636" in why
    assert "graph.graphml was not written" in (out / "report.html").read_text()


def test_approximate_path_is_deterministic(runs):
    assert _without_timings(runs["approx"].out) == _without_timings(runs["again"].out)


def test_key_actors_resample_measures_default_unchanged(tiny_dataset):
    """key_actors with resample_measures = the exact measures gives what the default gives."""
    from netanalysis.keyplayers.key_actors import key_actors, structural_measures

    forum = na.read_forum(tiny_dataset)
    plain = key_actors(forum, top=10, stability_repeats=3, seed=2)
    hooked = key_actors(forum, top=10, stability_repeats=3, seed=2, resample_measures=structural_measures)
    pd.testing.assert_frame_equal(plain, hooked)
    calls = []
    key_actors(forum, top=10, stability_repeats=3, seed=2,
               resample_measures=lambda g: calls.append(g.n_nodes) or structural_measures(g))
    assert len(calls) == 3


# -- the degree figure -------------------------------------------------------------------------

def test_ccdf_points_small_series_unchanged():
    v = np.sort(np.random.default_rng(0).integers(1, 50, size=plots.DISTRIBUTION_MAX_VALUES).astype(float))
    x, y = plots._ccdf_points(v)
    np.testing.assert_array_equal(x, v)
    np.testing.assert_array_equal(y, 1.0 - np.arange(len(v)) / len(v))


def test_ccdf_points_large_series_bounded_and_exact():
    rng = np.random.default_rng(1)
    v = np.sort(rng.pareto(1.5, size=60_000) * 10 + 1)
    x, y = plots._ccdf_points(v)
    assert len(x) <= plots.DISTRIBUTION_POINTS + 1 and x[-1] == v[-1] and x[0] == v[0]
    # every point lies on the exact curve P(X >= x)
    exact = 1.0 - np.searchsorted(v, x, side="left") / len(v)
    np.testing.assert_allclose(y, exact)
    # ties: one point per distinct value
    ties = np.sort(rng.integers(1, 300, size=50_000).astype(float))
    tx, ty = plots._ccdf_points(ties)
    np.testing.assert_array_equal(tx, np.unique(ties))
    np.testing.assert_allclose(ty, 1.0 - np.searchsorted(ties, tx, side="left") / len(ties))


def test_degree_figure_bounded():
    big = {"degree": pd.Series(np.random.default_rng(2).pareto(1.2, size=50_000) * 5 + 1)}
    svg = plots.degree_distribution(big)
    assert len(svg) < 400_000, len(svg)


# -- stage lines on stderr -----------------------------------------------------------------------

def _cli(*args):
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env, stdin=subprocess.DEVNULL)


def test_stage_lines_when_stderr_is_not_a_terminal(tiny_dataset, tmp_path):
    proc = _cli("analyze", str(tiny_dataset), "--out", str(tmp_path / "o"), "--stability-repeats", "0",
                "--no-over-time")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    stages = [re.fullmatch(r"netanalysis analyze: (.+) done in \d+\.\d s", line) for line in lines]
    assert all(stages), lines
    assert [m.group(1) for m in stages] == list(A.STAGES)
    assert "\r" not in proc.stderr                     # no progress bar drawn into the log
    quiet = _cli("analyze", str(tiny_dataset), "--out", str(tmp_path / "q"), "--stability-repeats", "0",
                 "--no-over-time", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_progress_value_checked(tiny_dataset, tmp_path):
    with pytest.raises(ValueError, match="progress must be True, False or 'lines'"):
        A.analyze(tiny_dataset, tmp_path / "o", progress="bar", stability_repeats=0)
