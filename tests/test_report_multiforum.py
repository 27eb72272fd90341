"""``netanalysis analyze A B ... --out OUT`` and ``na.analyze([a, b], out)``:
each forum analysed as alone into OUT/<name>/, plus the combined report with
the members linked across fora (issue 16.5)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

import netanalysis as na
import synthetic
from netanalysis.cli import main
from netanalysis.report.analyze import OUTPUT_FILES, OVER_TIME_FILES
from netanalysis.report.multiforum import MULTI_FILES, MULTI_SECTION_IDS, forum_names

OPTIONS = ["--top", "20", "--seed", "2", "--stability-repeats", "0", "--quiet"]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Two synthetic fora sharing 10 members, written to two folders of the
    same name (their analyses are named forum and forum-2)."""
    fora, truth = synthetic.generate_fora(2, seed=0, shared=10)
    base = tmp_path_factory.mktemp("fora")
    paths = {}
    for name, forum in fora.items():
        paths[name] = na.write_forum(forum, base / name.lower() / "forum")
    return paths, truth


@pytest.fixture(scope="module")
def combined(planted, tmp_path_factory):
    paths, _ = planted
    out = tmp_path_factory.mktemp("multi") / "out"
    assert main(["analyze", str(paths["A"]), str(paths["B"]), "--out", str(out), *OPTIONS]) == 0
    return out


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_every_forum_is_analysed_as_alone(planted, combined, tmp_path):
    paths, _ = planted
    assert _files(combined) == sorted([".netanalysis-output", "forum", "forum-2", *MULTI_FILES])
    assert json.loads((combined / ".netanalysis-output").read_text())["netanalysis"] == "multi-analysis"
    expected = sorted([".netanalysis-output", *(f if "." in f else f + ".csv" for f in OUTPUT_FILES), *OVER_TIME_FILES])
    for name in ("forum", "forum-2"):
        assert _files(combined / name) == expected
    # the first forum's analysis is the one `analyze DATASET` writes
    alone = tmp_path / "alone"
    assert main(["analyze", str(paths["A"]), "--out", str(alone), *OPTIONS]) == 0
    for f in ("key_actors.csv", "roles.csv", "centrality.csv", "communities.csv", "disruption.csv"):
        assert (combined / "forum" / f).read_bytes() == (alone / f).read_bytes(), f
    one = json.loads((alone / "summary.json").read_text())
    sub = json.loads((combined / "forum" / "summary.json").read_text())
    assert sub["parameters"] == one["parameters"] and sub["dataset"] == one["dataset"]


def test_linked_members_are_the_planted_ones(planted, combined):
    _, truth = planted
    linked = pd.read_csv(combined / "linked_members.csv")
    assert list(linked.columns) == ["key", "n_fora", "n_active_fora", "forum", "forum-2"]
    assert set(linked["key"]) == set(truth["member_id"])
    assert (linked["n_fora"] == 2).all() and (linked["n_active_fora"] == 2).all()
    bridges = pd.read_csv(combined / "bridges.csv")
    assert set(bridges["forum"]) == {"forum", "forum-2"} and len(bridges) == 20
    posts = bridges.set_index(["key", "forum"])["posts"]
    planted_posts = truth.assign(forum=truth["forum"].map({"A": "forum", "B": "forum-2"})) \
        .set_index(["member_id", "forum"])["posts"]
    assert posts.sort_index().tolist() == planted_posts.sort_index().tolist()


def test_cross_forum_key_actors_are_the_fora_s_key_actors(planted, combined):
    _, truth = planted
    cross = pd.read_csv(combined / "cross_forum_key_actors.csv")
    assert len(cross) > 0
    assert set(cross["key"]) <= set(truth["member_id"])
    ranks = {n: pd.read_csv(combined / n / "key_actors.csv").set_index("member_id")["rank"]
             for n in ("forum", "forum-2")}
    for _, row in cross.iterrows():
        in_lists = [n for n in ("forum", "forum-2") if row["key"] in ranks[n].index]
        assert row["key_actor_in"].split(", ") == in_lists
        assert row["best_rank"] == min(ranks[n][row["key"]] for n in in_lists)
        for n in ("forum", "forum-2"):
            assert (pd.isna(row[f"{n} rank"]) if n not in in_lists else row[f"{n} rank"] == ranks[n][row["key"]])
    # every shared member who is a key actor somewhere is listed
    listed = {k for n in ranks for k in ranks[n].index if k in set(truth["member_id"])}
    assert set(cross["key"]) == listed
    fora = pd.read_csv(combined / "fora.csv")
    assert fora["forum"].tolist() == ["forum", "forum-2"]
    assert fora["linked_members"].tolist() == [10, 10]
    assert fora["key_actors_active_in_another_forum"].sum() == cross["key_actor_in"].str.split(", ").map(len).sum()


def test_combined_report_and_summary(planted, combined):
    page = (combined / "report.html").read_text(encoding="utf-8")
    for section in (*MULTI_SECTION_IDS, "forum-1", "forum-2", "parameters"):
        assert page.count(f'<section id="{section}">') == 1, section
    assert 'href="forum/report.html"' in page and 'href="forum-2/report.html"' in page
    assert "default-src 'none'" in page
    assert not re.search(r"(src|href)=\"(https?:|//)", page)
    cross = pd.read_csv(combined / "cross_forum_key_actors.csv")
    for key in cross["key"]:
        assert f"<td>{key}</td>" in page
    summary = json.loads((combined / "summary.json").read_text())
    assert [f["name"] for f in summary["fora"]] == ["forum", "forum-2"]
    paths, _ = planted
    assert summary["parameters"]["datasets"] == [str(paths["A"]), str(paths["B"])]
    assert summary["linking"]["linked_members"] == 10 and summary["linking"]["active_in_several"] == 10
    assert summary["linking"]["key_actors_active_in_several"] == len(cross)
    assert summary["linking"]["warnings"] == []


def test_api_list_mapping_and_one_dataset(planted, tmp_path):
    paths, _ = planted
    result = na.analyze({"A": paths["A"], "B": paths["B"]}, tmp_path / "m", top=10, stability_repeats=0)
    assert isinstance(result, na.MultiAnalysis) and result.fora == ["A", "B"]
    assert result.analyses["A"].out == tmp_path / "m" / "A" and (tmp_path / "m" / "B" / "report.html").exists()
    assert result.linked.n_shared == 10
    assert set(result.cross_key_actors["key"]) <= set(result.linked.shared.index)
    one = na.analyze([paths["B"]], tmp_path / "one", top=10, stability_repeats=0)
    assert isinstance(one, na.Analysis) and (tmp_path / "one" / "key_actors.csv").exists()


def test_names():
    assert forum_names(["a/forum", "b/forum", "c/Forum", "d/x.sql.gz", "sqlite:///e/y.db", "f/report.html",
                        "postgresql://u:secret@h:5432/z"]) == \
        ["forum", "forum-2", "Forum-3", "x", "y", "report.html-2", "z"]
    assert forum_names(["a/.hidden", "b/we ird"]) == ["hidden", "we_ird"]


def test_bad_input_one_message_and_nothing_written(planted, tmp_path, capsys):
    paths, _ = planted
    out = tmp_path / "o"
    # the same dataset twice
    assert main(["analyze", str(paths["A"]), str(paths["A"]), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "given twice" in err and "Traceback" not in err and not out.exists()
    # an output inside one of the datasets
    inside = paths["B"] / "out"
    assert main(["analyze", str(paths["A"]), str(paths["B"]), "--out", str(inside)]) == 2
    assert "must not be the dataset folder" in capsys.readouterr().err and not inside.exists()
    # an invalid dataset: one message naming it, no output at all
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "posts.csv").write_text("post_id,thread_id\n1,1\n", encoding="utf-8")
    assert main(["analyze", str(paths["A"]), str(bad), "--out", str(out), *OPTIONS]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err and len(err.strip().splitlines()) >= 1
    assert not out.exists() and not list(tmp_path.glob(".o.*"))
    # a folder that is not a netanalysis output is never replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["analyze", str(paths["A"]), str(paths["B"]), "--out", str(other), "--force"]) == 2
    assert (other / "notes.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="forum name"):
        na.analyze({"a/b": paths["A"], "c": paths["B"]}, tmp_path / "x")
    with pytest.raises(ValueError, match="dataset_name"):
        na.analyze([paths["A"], paths["B"]], tmp_path / "x", dataset_name="n")
    with pytest.raises(ValueError, match="top"):
        na.analyze([paths["A"], paths["B"]], tmp_path / "x", top=0)
    assert not (tmp_path / "x").exists()


def test_force_replaces_an_earlier_output_and_integer_ids_are_warned_of(valid_dataset, tmp_path):
    """Two small fora with integer member ids (row numbers of the forum
    software): linked as text, with the warning in the report and on stderr."""
    second = tmp_path / "second"
    na.write_forum(na.read_forum(valid_dataset), second)
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "netanalysis.cli", "analyze", str(valid_dataset), str(second), "--out", str(out),
           "--stability-repeats", "0"]
    done = subprocess.run(cli, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "integer member ids" in done.stderr and "Traceback" not in done.stderr
    assert "linked across fora: 4 members" in done.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "integer member ids" in page
    # a second run replaces the first with --force only
    again = subprocess.run(cli, capture_output=True, text=True, timeout=600)
    assert again.returncode == 2 and "exists" in again.stderr
    again = subprocess.run([*cli, "--force", "--quiet"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr and again.stdout == ""
