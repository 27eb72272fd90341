"""`netanalysis generate` and `netanalysis analyze` end to end on the tiny
preset, every error path, and the report in headless Chromium."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from netanalysis import read_forum
from netanalysis.cli import main
from netanalysis.report.analyze import OVER_TIME_FILES
from netanalysis.report.html import SECTION_IDS

ARTEFACTS = Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "tiny"
    assert main(["generate", "--preset", "tiny", "--seed", "3", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def analysed(tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("ana") / "result"
    before = {p.name: p.read_bytes() for p in tiny.iterdir()}
    assert main(["analyze", str(tiny), "--out", str(out), "--top", "15", "--seed", "1",
                 "--stability-repeats", "3", "--quiet"]) == 0
    # nothing is written inside the dataset
    assert {p.name: p.read_bytes() for p in tiny.iterdir()} == before
    return out


def test_generate_writes_a_valid_dataset_with_truth(tiny):
    names = sorted(p.name for p in tiny.iterdir())
    assert names == [".netanalysis-output", "ground_truth.csv", "members.csv", "messages.csv", "posts.csv",
                     "subforums.csv", "threads.csv"]
    assert json.loads((tiny / ".netanalysis-output").read_text())["netanalysis"] == "dataset"
    forum = read_forum(tiny)
    truth = pd.read_csv(tiny / "ground_truth.csv")
    assert set(truth["member_id"]) == set(forum.members["member_id"])


def test_analyze_writes_every_output(analysed):
    names = sorted(p.name for p in analysed.iterdir())
    # the tiny forum spans two years: the over-time tables come by default
    assert names == sorted([".netanalysis-output", "key_actors.csv", "communities.csv", "roles.csv", "centrality.csv",
                            "disruption.csv", "summary.json", "graph.graphml", "report.html", *OVER_TIME_FILES])
    ka = pd.read_csv(analysed / "key_actors.csv")
    assert list(ka.columns) == ["rank", "member_id", "score", "role", "evidence", "stability"]
    assert ka["rank"].tolist() == list(range(1, 16))
    assert ka["score"].is_monotonic_decreasing
    assert ka["stability"].between(0, 1).all()
    roles = pd.read_csv(analysed / "roles.csv")
    assert {"member_id", "role", "confidence", "evidence"} <= set(roles.columns)
    summary = json.loads((analysed / "summary.json").read_text())
    assert summary["parameters"]["top"] == 15 and summary["parameters"]["seed"] == 1
    assert set(summary["seconds"]) >= {"read", "graph", "centrality", "roles", "key actors", "disruption", "report"}
    assert summary["versions"]["numpy"]
    g = nx.read_graphml(analysed / "graph.graphml")
    assert g.number_of_nodes() == summary["graph"]["nodes"]
    assert g.number_of_edges() == summary["graph"]["edges"]
    some = next(iter(g.nodes(data=True)))[1]
    assert "role" in some and "pagerank" in some
    dis = pd.read_csv(analysed / "disruption.csv")
    assert {"random", "degree", "betweenness", "role", "keyplayer"} <= set(dis["strategy"])


def test_communities_elite_and_member_sections(analysed):
    import re

    summary = json.loads((analysed / "summary.json").read_text())
    comm = pd.read_csv(analysed / "communities.csv")
    assert {"community", "size", "density", "conductance", "stability", "hub", "leader", "leader_rank",
            "management", "first_post", "last_post"} <= set(comm.columns)
    assert comm["community"].tolist() == list(range(len(comm))) and comm["size"].is_monotonic_decreasing
    assert summary["communities"]["communities"] == len(comm) and summary["communities"]["n_runs"] == 10
    roles = pd.read_csv(analysed / "roles.csv")
    assert comm["size"].sum() == summary["graph"]["nodes"] <= len(roles)
    assert summary["elite"]["setting"] == "full"          # the tiny graph is far below ELITE_FULL_EDGES
    assert summary["elite"]["core_members"] >= 2
    ka = pd.read_csv(analysed / "key_actors.csv")
    # each leader is the best-ranked key actor of its community
    ranked = ka.set_index("member_id")["rank"]
    g = nx.read_graphml(analysed / "graph.graphml")
    community = {int(n): d["community"] for n, d in g.nodes(data=True)}
    for row in comm.dropna(subset=["leader"]).itertuples():
        inside = [m for m in ka["member_id"] if community.get(m) == row.community]
        assert int(row.leader) == min(inside, key=ranked.get) and row.leader_rank == ranked[int(row.leader)]
    html = (analysed / "report.html").read_text()
    communities = re.search(r'<section id="communities">(.*?)</section>', html, re.S).group(1)
    assert "<svg" in communities and "Modularity" in communities
    elite = re.search(r'<section id="elite">(.*?)</section>', html, re.S).group(1)
    assert "Innermost core" in elite and "Rich club" in elite
    # every key actor of the top 15 links to its member section, and every link lands
    members = re.search(r'<section id="members">(.*?)</section>', html, re.S).group(1)
    assert members.count('<div class="member"') == 15
    table = re.search(r'<section id="key-actors">(.*?)</section>', html, re.S).group(1)
    assert len(re.findall(r'href="#member-\d+"', table)) == 15
    for anchor in set(re.findall(r'href="#(member-\d+)"', html)):
        assert html.count(f'id="{anchor}"') == 1


def test_elite_skipped_above_the_limit(tiny, tmp_path, monkeypatch):
    import netanalysis.report.analyze as analysis

    monkeypatch.setattr(analysis, "ELITE_MAX_EDGES", 10)
    result = analysis.analyze(tiny, tmp_path / "o", stability_repeats=0)
    assert result.elite is None and result.communities is not None
    assert result.summary["elite"]["setting"] == "skipped"
    html = (tmp_path / "o" / "report.html").read_text()
    assert "The elite was not measured: the graph has" in html and "more than the limit of 10" in html


def test_report_is_self_contained(analysed):
    html = (analysed / "report.html").read_text()
    for section in SECTION_IDS:
        assert f'id="{section}"' in html
    lowered = html.lower()
    assert "<script" not in lowered and "@import" not in lowered and "<link" not in lowered
    # nothing that a browser would fetch: every href/src is a fragment or inline data
    import re
    refs = re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', lowered) + re.findall(r"url\(([^)]*)\)", lowered)
    assert refs and all(r.startswith(("#", "data:")) for r in refs), [r for r in refs if not r.startswith(("#", "data:"))][:5]
    assert html.count("<svg") >= 8


def test_analyze_parquet_and_force(tiny, tmp_path):
    out = tmp_path / "pq"
    args = ["analyze", str(tiny), "--out", str(out), "--format", "parquet", "--stability-repeats", "0", "--quiet"]
    assert main(args) == 0
    assert (out / "centrality.parquet").exists() and (out / "roles.parquet").exists()
    assert main(args) == 2                       # existing output refused
    assert main(args + ["--force"]) == 0


def test_analyze_error_paths(tiny, tmp_path, capsys):
    # output inside the dataset
    assert main(["analyze", str(tiny), "--out", str(tiny / "out"), "--quiet"]) == 2
    assert "must not be the dataset folder" in capsys.readouterr().err
    assert not (tiny / "out").exists()
    # a missing dataset
    assert main(["analyze", str(tmp_path / "none"), "--out", str(tmp_path / "o1"), "--quiet"]) == 2
    assert "no dataset folder" in capsys.readouterr().err
    # a broken dataset: one readable message naming table, column and rows; no traceback
    broken = tmp_path / "broken"
    shutil.copytree(tiny, broken)
    posts = pd.read_csv(broken / "posts.csv")
    posts.loc[[4, 9], "thread_id"] = 10**9
    posts.to_csv(broken / "posts.csv", index=False)
    assert main(["analyze", str(broken), "--out", str(tmp_path / "o2"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "posts.thread_id: post in an unknown thread: 2 rows" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o2").exists()
    # the same data with --on-error drop goes through
    assert main(["analyze", str(broken), "--out", str(tmp_path / "o3"), "--on-error", "drop",
                 "--stability-repeats", "0", "--quiet"]) == 0
    # a missing required column
    (broken / "posts.csv").write_text("post_id,thread_id,created_at\n1,1,2012-01-01\n")
    assert main(["analyze", str(broken), "--out", str(tmp_path / "o4"), "--quiet"]) == 2
    assert "posts.author_id: required column is missing" in capsys.readouterr().err


def test_threads_option_changes_nothing_but_the_threads(tiny, tmp_path, capsys):
    import numba

    before = numba.get_num_threads()
    try:
        assert main(["--threads", "1", "analyze", str(tiny), "--out", str(tmp_path / "one"),
                     "--stability-repeats", "0", "--quiet"]) == 0
        assert numba.get_num_threads() == 1
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        assert main(["analyze", str(tiny), "--out", str(tmp_path / "all"),
                     "--stability-repeats", "0", "--quiet"]) == 0
    finally:
        numba.set_num_threads(before)
    summary = json.loads((tmp_path / "one" / "summary.json").read_text())
    assert summary["parameters"]["threads"] == 1
    for table in ("key_actors.csv", "roles.csv", "centrality.csv", "disruption.csv"):
        assert (tmp_path / "one" / table).read_bytes() == (tmp_path / "all" / table).read_bytes(), table
    assert main(["--threads", "0", "validate", str(tiny)]) == 2
    assert "--threads must lie between 1 and" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "netanalysis.cli", "--debug", "validate", str(tmp_path / "none")],
                          capture_output=True, text=True)
    # validate reports invalid data on stdout with exit 2 and no traceback even with --debug
    assert proc.returncode == 2 and "no dataset folder" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "netanalysis.cli", "--debug", "analyze", str(tmp_path / "none"),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _open_in_chromium(page_file: Path, check, screenshot: str) -> None:
    """Open ``page_file`` in headless Chromium, run ``check(page)``, save a
    full-page screenshot in tests/artefacts; no console error, no request
    but file: and data: URLs. Skips without Chromium, except under CI."""
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    ARTEFACTS.mkdir(exist_ok=True)
    messages, failed = [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: messages.append((m.type, m.text)))
        page.on("pageerror", lambda e: messages.append(("pageerror", str(e))))
        page.on("request", lambda r: failed.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.goto(page_file.resolve().as_uri())
        page.wait_for_load_state("load")
        check(page)
        page.screenshot(path=str(ARTEFACTS / screenshot), full_page=True)
        browser.close()
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert failed == []
    assert (ARTEFACTS / screenshot).stat().st_size > 10_000


def _figures_drawn(page, at_least: int) -> None:
    svgs = page.locator("figure svg")
    assert svgs.count() >= at_least
    for i in range(svgs.count()):
        box = svgs.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100


def test_report_renders_in_headless_chromium(analysed):
    def check(page):
        for section in SECTION_IDS:
            assert page.locator(f"section#{section}").count() == 1, section
            assert page.locator(f"section#{section} h2").inner_text()
        _figures_drawn(page, 8)
        rows = page.locator("section#key-actors tbody tr").count()
        assert rows == 15

    _open_in_chromium(analysed / "report.html", check, "report.png")


#: The sections of the member report (netanalysis member), in order.
MEMBER_SECTIONS = ("member", "activity", "subforums", "partners", "role", "centrality", "community", "ego-network")


def test_member_report_renders_in_headless_chromium(tiny, analysed, tmp_path):
    top = pd.read_csv(analysed / "key_actors.csv")["member_id"].iloc[0]
    out = tmp_path / "member"
    assert main(["member", str(tiny), str(top), "--out", str(out), "--quiet"]) == 0

    def check(page):
        found = page.locator("section").evaluate_all("s => s.map(e => e.id)")
        assert [s for s in found if s != "notes"] == list(MEMBER_SECTIONS)
        for section in MEMBER_SECTIONS:
            assert page.locator(f"section#{section} h2").inner_text()
        _figures_drawn(page, 2)
        assert str(top) in page.locator("h1").inner_text()
        assert page.locator("section#partners tbody tr").count() >= 1
        assert page.locator("section#centrality tbody tr").count() >= 5

    _open_in_chromium(out / "report.html", check, "member_report.png")
