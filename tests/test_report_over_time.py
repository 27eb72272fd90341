"""The report's over-time section and its tables: ``analyze --over-time``
(issue 15, item 5)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import netanalysis as na
from netanalysis.cli import main
from netanalysis.report.analyze import OVER_TIME, OVER_TIME_FILES
from netanalysis.report.html import OVER_TIME_SECTION, SECTION_IDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def with_over_time(tiny_dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ot") / "out"
    assert main(["analyze", str(tiny_dataset), "--out", str(out), "--top", "15", "--seed", "2",
                 "--stability-repeats", "2", "--over-time", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def without_over_time(tiny_dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "out"
    assert main(["analyze", str(tiny_dataset), "--out", str(out), "--top", "15", "--seed", "2",
                 "--stability-repeats", "2", "--no-over-time", "--quiet"]) == 0
    return out


def _sections(html: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)">', html)


def test_section_and_files_with_over_time(with_over_time):
    out = with_over_time
    names = {p.name for p in out.iterdir()}
    assert set(OVER_TIME_FILES) <= names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["over_time"] is True
    ot = summary["over_time"]
    assert ot["files"] == list(OVER_TIME_FILES)
    assert ot["settings"]["window"] == OVER_TIME["window"] == "90D"
    assert ot["settings"]["step"] == "30D" and ot["settings"]["max_groups"] == 5
    assert "over time" in summary["seconds"]
    html = (out / "report.html").read_text(encoding="utf-8")
    sections = _sections(html)
    assert OVER_TIME_SECTION in sections
    # every section of every report is still there, the new one before the member sections
    assert [s for s in sections if s != OVER_TIME_SECTION] == list(SECTION_IDS)
    assert sections.index(OVER_TIME_SECTION) == sections.index("members") - 1
    part = html.split(f'<section id="{OVER_TIME_SECTION}">')[1].split("</section>")[0]
    assert part.count("<svg") == 2                              # trajectory curves, betweenness ranks
    assert "Activity trajectories" in part and "Positions over time" in part
    # still self-contained: no script, style import or link; every href/src a fragment or inline data
    lowered = html.lower()
    assert "<script" not in lowered and "@import" not in lowered and "<link" not in lowered
    refs = re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', lowered) + re.findall(r"url\(([^)]*)\)", lowered)
    assert all(r.startswith(("#", "data:")) for r in refs), [r for r in refs if not r.startswith(("#", "data:"))][:5]


def test_no_section_and_no_files_without_over_time(without_over_time):
    out = without_over_time
    names = {p.name for p in out.iterdir()}
    assert not set(OVER_TIME_FILES) & names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["over_time"] is False
    assert summary["parameters"]["over_time_choice"] == "turned off"
    assert "over_time" not in summary and "over time" not in summary["seconds"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert OVER_TIME_SECTION not in _sections(html)
    assert _sections(html) == list(SECTION_IDS)


def test_tables_hold_what_the_temporal_functions_give(with_over_time, tiny_dataset):
    out = with_over_time
    forum = na.read_forum(tiny_dataset)
    traj = na.activity_trajectories(forum, freq="MS", n_groups="auto", max_groups=5, order=2, seed=2)
    groups = pd.read_csv(out / "trajectory_groups.csv")
    assert groups["group"].tolist() == list(range(1, traj.n_groups + 1))
    np.testing.assert_allclose(groups["share"], traj.groups["share"], rtol=1e-12)
    assert groups["share"].sum() == pytest.approx(1.0)
    bic = pd.read_csv(out / "trajectory_bic.csv")
    assert bic["n_groups"].tolist() == [1, 2, 3, 4, 5] and bic["chosen"].sum() == 1
    assert int(bic.loc[bic["chosen"], "n_groups"].iloc[0]) == traj.n_groups == int(bic.loc[bic["bic"].idxmax(), "n_groups"])
    curves = pd.read_csv(out / "trajectory_curves.csv")
    assert len(curves) == traj.n_groups * traj.params["n_periods"]
    assert (curves["lower"] <= curves["expected"]).all() and (curves["expected"] <= curves["upper"]).all()
    members = pd.read_csv(out / "trajectory_members.csv")
    assert len(members) == traj.params["n_members"]
    p = members[[f"p{g}" for g in range(1, traj.n_groups + 1)]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (members["group"] == p.argmax(axis=1) + 1).all()

    rolling = pd.read_csv(out / "rolling.csv")
    expected = na.rolling(forum, "90D", "30D", seed=2)
    assert len(rolling) == len(expected)
    assert list(rolling.columns) == ["window_start", "window_end", "member_id", "measure", "value", "rank"]
    np.testing.assert_allclose(rolling["value"], expected["value"], rtol=1e-12)

    rises = pd.read_csv(out / "rises.csv")
    found = na.emergence(forum, top_share=0.05, seed=2)
    assert len(rises) == len(found.rises)
    assert (rises["lead_days"] > 0).all()

    succession = pd.read_csv(out / "succession.csv")
    key = pd.read_csv(out / "key_actors.csv")
    assert set(succession["quiet_member"]) <= set(key["member_id"].head(OVER_TIME["succession_actors"]))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["over_time"]["succession"]["quiet"] == succession["quiet_member"].nunique()
    last = forum.posts.groupby("author_id")["created_at"].max()
    end = forum.posts["created_at"].max()
    for m in succession["quiet_member"].unique():          # each went quiet for 90 days or more
        assert end - last[m] >= pd.Timedelta("90D")


def test_same_seed_same_bytes(with_over_time, tiny_dataset, tmp_path):
    again = tmp_path / "again"
    assert main(["analyze", str(tiny_dataset), "--out", str(again), "--top", "15", "--seed", "2",
                 "--stability-repeats", "2", "--over-time", "--quiet"]) == 0
    for name in OVER_TIME_FILES:
        assert (again / name).read_bytes() == (with_over_time / name).read_bytes(), name


def test_a_forum_too_short_gets_reasons_not_a_traceback(valid_dataset, tmp_path):
    """Seven posts over three days: less than two months and two windows."""
    out = tmp_path / "out"
    result = na.analyze(valid_dataset, out, over_time=True, stability_repeats=0)
    ot = result.summary["over_time"]
    assert "at least 2 periods" in ot["trajectories"]["skipped"]
    assert "skipped" in ot["rolling"] and "skipped" in ot["emergence"]
    assert ot["files"] == ["succession.csv"]
    names = {p.name for p in out.iterdir()}
    assert names & set(OVER_TIME_FILES) == {"succession.csv"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Activity trajectories were not measured" in html
    assert "Positions over time were not measured" in html


def test_on_by_default_when_the_posts_span_a_year(with_over_time, tiny_dataset, tmp_path):
    """The tiny forum's posts span two years: without either option the
    section is made, with the same bytes as ``--over-time``; its choice and
    why are in summary.json."""
    out = tmp_path / "out"
    assert main(["analyze", str(tiny_dataset), "--out", str(out), "--top", "15", "--seed", "2",
                 "--stability-repeats", "2", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["over_time"] is True
    assert summary["parameters"]["over_time_choice"] == "the posts span 731 days, at least 365D"
    assert json.loads((with_over_time / "summary.json").read_text())["parameters"]["over_time_choice"] == "asked for"
    for name in OVER_TIME_FILES:
        assert (out / name).read_bytes() == (with_over_time / name).read_bytes(), name


def test_off_by_default_when_the_posts_span_less_than_a_year(valid_dataset, tmp_path):
    """Seven posts over three days: no section unless asked for."""
    result = na.analyze(valid_dataset, tmp_path / "out", stability_repeats=0)
    params = result.summary["parameters"]
    assert params["over_time"] is False and "over_time" not in result.summary
    assert params["over_time_choice"].startswith("the posts span ") and "less than 365D" in params["over_time_choice"]
    assert not {p.name for p in (tmp_path / "out").iterdir()} & set(OVER_TIME_FILES)


def test_over_time_must_be_a_bool(valid_dataset, tmp_path):
    with pytest.raises(ValueError, match="over_time"):
        na.analyze(valid_dataset, tmp_path / "out", over_time="yes")
    assert not (tmp_path / "out").exists()


def test_option_documented_in_help_and_readme():
    proc = subprocess.run([sys.executable, "-m", "netanalysis.cli", "analyze", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "--over-time" in text and "--no-over-time" in text and "90-day windows every 30 days" in text
    assert "1 to 5 groups" in text and "on when the posts span at least a year" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cli = readme.split("## Command line")[1].split("\n## ")[0]
    assert "--over-time" in cli
