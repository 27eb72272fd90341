"""The records options of the command line (those of `read_forum`):
`--time-unit`, `--time-format`, `--encoding`, `--follow-links`, `--orphans`
on `validate`, `analyze` and `pseudonymize`, each run in a subprocess.

Bad values: exit 2, one line naming the option, no traceback, checked before
any work (a dataset that does not exist is not even looked at), nothing left
behind. Good values: the datasets that need them are read.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from netanalysis.cli import UserError, _combined

ENV = {**os.environ, "PYTHONFAULTHANDLER": "0", "NUMBA_NUM_THREADS": "1"}
TIMEOUT = 300
FAST = ["--stability-repeats", "0", "--quiet"]


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=TIMEOUT, env=ENV, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture
def ds(generated_tiny, tmp_path) -> Path:
    copy = tmp_path / "ds"
    shutil.copytree(generated_tiny, copy)
    return copy


def posts_of(ds: Path) -> pd.DataFrame:
    return pd.read_csv(ds / "posts.csv", dtype=str, keep_default_na=False)


def one_error_line(proc, *words):
    text = proc.stdout + proc.stderr
    assert proc.returncode == 2, text
    assert "Traceback" not in text, text
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and ": error:" in lines[0] and not proc.stdout.strip(), text
    missing = [w for w in words if w not in lines[0]]
    assert not missing, f"{missing} not in {lines[0]!r}"


# -- bad values ----------------------------------------------------------------------------------
BAD = [
    ("unit-unknown", ["--time-unit", "minutes"], ["--time-unit", "'minutes'", "ms"]),
    ("unit-unknown-table", ["--time-unit", "replies=ms"], ["--time-unit", "'replies'", "posts.created_at"]),
    ("unit-not-a-time-column", ["--time-unit", "posts.author_id=ms"], ["--time-unit", "'posts.author_id'"]),
    ("unit-bad-value-for-a-column", ["--time-unit", "members.joined_at=hours"], ["--time-unit", "'hours'"]),
    ("unit-twice", ["--time-unit", "posts=ms", "--time-unit", "posts=s"], ["--time-unit", "more than once", "posts"]),
    ("unit-twice-everywhere", ["--time-unit", "s", "--time-unit", "ms"], ["--time-unit", "every time column"]),
    ("format-no-directive", ["--time-format", "YYYYMMDD"], ["--time-format", "'YYYYMMDD'"]),
    ("format-bad-directive", ["--time-format", "%Y%Q"], ["--time-format", "'%Y%Q'"]),
    ("format-stray-percent", ["--time-format", "posts=%Y%m%"], ["--time-format", "'%Y%m%'"]),
    ("format-unknown-column", ["--time-format", "threads.joined_at=%Y"], ["--time-format", "'threads.joined_at'"]),
    ("format-twice", ["--time-format", "%Y", "--time-format", "%d"], ["--time-format", "more than once"]),
    ("encoding-unknown", ["--encoding", "klingon-8"], ["--encoding", "'klingon-8'"]),
    ("encoding-not-text", ["--encoding", "base64"], ["--encoding", "'base64'", "not a text encoding"]),
    ("encoding-empty", ["--encoding", ""], ["--encoding"]),
    ("orphans-unknown", ["--on-error", "drop", "--orphans", "adopt"], ["--orphans", "'adopt'"]),
    ("orphans-without-drop", ["--orphans", "detach"], ["--orphans", "--on-error drop"]),
    ("follow-links-with-a-value", ["--follow-links=yes"], ["--follow-links"]),
]


def _bad_run(command: str, extra: list, root: Path) -> tuple[subprocess.CompletedProcess, list]:
    root.mkdir(parents=True)
    missing = root / "no-such-dataset"        # never looked at: the option is refused first
    if command == "validate":
        args = ["validate", missing, *extra]
    elif command == "analyze":
        args = ["analyze", missing, "--out", root / "out", *FAST, *extra]
    else:
        (root / "key").write_bytes(b"k" * 32)
        args = ["pseudonymize", missing, root / "out", "--key-file", root / "key", *extra]
    proc = cli(*args, cwd=root)
    return proc, sorted(p.name for p in root.iterdir())


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("bad")
    jobs = {(cid, command): (command, extra, work / cid / command)
            for cid, extra, _ in BAD for command in ("validate", "analyze", "pseudonymize")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(_bad_run, *job) for k, job in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


@pytest.mark.parametrize("command", ["validate", "analyze", "pseudonymize"])
@pytest.mark.parametrize("cid, extra, words", BAD, ids=[b[0] for b in BAD])
def test_bad_option_values_are_refused_before_any_work(bad_runs, cid, extra, words, command):
    proc, left = bad_runs[(cid, command)]
    one_error_line(proc, *words)
    assert "no-such-dataset" not in proc.stderr
    assert left == (["key"] if command == "pseudonymize" else []), left


def test_repeated_values_combine_per_table_and_column():
    assert _combined(None, "--time-unit") is None
    assert _combined([(None, "ms")], "--time-unit") == "ms"
    assert _combined([(None, "ms"), ("posts", "s"), ("members.joined_at", "us")], "--time-unit") == {
        "posts": "s", "threads": "ms", "members": "ms", "messages": "ms", "members.joined_at": "us"}
    with pytest.raises(UserError, match="--time-format: given more than once for posts.created_at"):
        _combined([("posts.created_at", "%Y"), ("posts.created_at", "%d")], "--time-format")


# -- good values --------------------------------------------------------------------------------
def compact_dates(ds: Path) -> None:
    posts = posts_of(ds)
    posts["created_at"] = pd.to_datetime(posts["created_at"]).dt.strftime("%Y%m%d")
    posts.to_csv(ds / "posts.csv", index=False, lineterminator="\n")


def test_time_format(ds, tmp_path):
    compact_dates(ds)
    proc = cli("validate", ds)
    assert proc.returncode == 2 and "--time-format '%Y%m%d'" in proc.stdout and "--time-unit s" in proc.stdout, \
        proc.stdout + proc.stderr                                   # the hint names the options
    proc = cli("validate", ds, "--time-format", "posts.created_at=%Y%m%d")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "posts.created_at from 2020-01-01 00:00:00+00:00" in proc.stdout
    out = tmp_path / "out"
    proc = cli("analyze", ds, "--out", out, *FAST, "--time-format", "posts=%Y%m%d")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["time_format"] == {"posts": "%Y%m%d"}
    assert summary["dataset"]["first_post"].startswith("2020-01-01")


def test_time_unit(ds):
    posts = posts_of(ds)
    ms = (pd.to_datetime(posts["created_at"], utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
    posts["created_at"] = ms.astype(str)
    posts.to_csv(ds / "posts.csv", index=False, lineterminator="\n")
    proc = cli("validate", ds)
    assert proc.returncode == 2 and "--time-unit ms" in proc.stdout, proc.stdout + proc.stderr
    proc = cli("validate", ds, "--time-unit", "posts.created_at=ms")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "read as Unix milliseconds" in proc.stdout and "from 2020-01-01" in proc.stdout


def test_encoding(ds):
    for p in ds.glob("*.csv"):
        p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))
    proc = cli("validate", ds)
    assert proc.returncode == 2 and "--encoding" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    proc = cli("validate", ds, "--encoding", "utf-16")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2400 posts" in proc.stdout
    proc = cli("validate", ds, "--encoding", "utf-32")               # the wrong one: named, no traceback
    assert proc.returncode == 2 and "utf-32" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def test_follow_links(ds, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.move(ds / "posts.csv", outside)
    (ds / "posts.csv").symlink_to(outside)
    proc = cli("validate", ds)
    assert proc.returncode == 2 and "symbolic link" in proc.stdout and "(--follow-links)" in proc.stdout, proc.stdout
    proc = cli("validate", ds, "--follow-links")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_orphans_detach(ds, tmp_path):
    posts = posts_of(ds)
    answered = posts.loc[posts["reply_to"] != "", "reply_to"].iloc[0]
    row = int(posts.index[posts["post_id"] == answered][0])
    children = int((posts["reply_to"] == answered).sum())
    posts.loc[row, "created_at"] = "never"
    posts.to_csv(ds / "posts.csv", index=False, lineterminator="\n")

    proc = cli("validate", ds, "--on-error", "drop", "--orphans", "detach")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("valid after dropping 1 invalid row")
    assert f"cleared: reply_to of {children} post" in proc.stdout

    out = tmp_path / "out"
    proc = cli("analyze", ds, "--out", out, *FAST, "--on-error", "drop", "--orphans", "detach")
    assert proc.returncode == 0, proc.stderr
    assert f"{children} repl" in proc.stderr and str(out / "cleared.csv") in proc.stderr
    cleared = pd.read_csv(out / "cleared.csv")
    assert len(cleared) == children and set(cleared["table"]) == {"posts"}
    assert len(pd.read_csv(out / "dropped.csv")) == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["orphans"] == "detach"
    assert summary["validation"]["cleared_rows"] == children and summary["dataset"]["posts"] == len(posts) - 1

    key = tmp_path / "key"
    key.write_bytes(b"s" * 32)
    pseudo = tmp_path / "pseudo"
    proc = cli("pseudonymize", ds, pseudo, "--key-file", key, "--ids", "all", "--on-error", "drop",
               "--orphans", "detach")
    assert proc.returncode == 0, proc.stderr
    cleared = pd.read_csv(pseudo / "cleared.csv", dtype=str)
    assert len(cleared) == children
    assert not set(cleared["key"]) & set(posts["post_id"])            # the keys are pseudonyms too


def test_pseudonymize_reads_with_the_options(ds, tmp_path):
    compact_dates(ds)
    key = tmp_path / "key"
    key.write_bytes(b"s" * 32)
    out = tmp_path / "pseudo"
    proc = cli("pseudonymize", ds, out, "--key-file", key)
    assert proc.returncode == 2 and "--time-format '%Y%m%d'" in proc.stderr and not out.exists(), proc.stderr
    proc = cli("pseudonymize", ds, out, "--key-file", key, "--time-format", "%Y%m%d")
    assert proc.returncode == 0, proc.stderr
    assert cli("validate", out).returncode == 0


def test_warnings_are_shown_and_recorded(ds, tmp_path):
    """Data kept but worth knowing of (an id that differs from another only
    by a trailing space) is named on the terminal, in summary.json and in
    the report."""
    posts = posts_of(ds)
    posts.loc[0, "author_id"] += " "
    posts.to_csv(ds / "posts.csv", index=False, lineterminator="\n")
    members = pd.read_csv(ds / "members.csv", dtype=str, keep_default_na=False)
    members = pd.concat([members, pd.DataFrame({"member_id": [posts.loc[0, "author_id"]]})]).fillna("")
    members.to_csv(ds / "members.csv", index=False, lineterminator="\n")
    out = tmp_path / "out"
    proc = cli("analyze", ds, "--out", out, *FAST)
    assert proc.returncode == 0, proc.stderr
    assert "netanalysis analyze: warning: posts.author_id: member ids that differ" in proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert any(w.startswith("posts.author_id: member ids") for w in summary["validation"]["warnings"])
    assert "surrounding spaces or Unicode normal form" in (out / "report.html").read_text(encoding="utf-8")
