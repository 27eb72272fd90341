"""Faults during `netanalysis analyze`, each run in a subprocess (issue 18):
stop signals, two runs into one output, a full disk, runs that died.

What must hold whatever happens: the output appears complete or not at all;
a previous output stays byte for byte as it was unless a run completes; no
temporary folder or lock is left behind; a failed run exits non-zero with one
line on stderr and no traceback.

Nothing here depends on timing. Runs are watched by polling for files with
generous timeouts, and where a run must be caught in the middle of writing its
output, it is run through a small driver (:data:`DRIVER`) that calls the
command line's ``main`` unchanged but pauses right after ``graph.graphml``
is written into the temporary folder, until the test creates a "go" file.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ENV = {**os.environ, "PYTHONFAULTHANDLER": "0", "NUMBA_NUM_THREADS": "1"}
TIMEOUT = 300                      # seconds; generous, never a measure of speed
CLI = [sys.executable, "-m", "netanalysis.cli"]
STOPS = [s for s in ("SIGTERM", "SIGINT", "SIGHUP")]
OUTPUT_FILES = {".netanalysis-output", "key_actors.csv", "communities.csv", "roles.csv", "centrality.csv", "disruption.csv",
                "summary.json", "graph.graphml", "report.html"}
ANALYZE = ["--stability-repeats", "0", "--no-over-time", "--quiet"]   # over time: not what these tests are about

#: Runs the command line as `netanalysis` does, but pauses inside the atomic
#: write (after graph.graphml, before report.html and summary.json) until the
#: file $NA_TEST_GO exists, having first created $NA_TEST_READY.
DRIVER = r"""
import os, sys, time
from pathlib import Path

import netanalysis.report.analyze as analysis

ready, go = Path(os.environ["NA_TEST_READY"]), Path(os.environ["NA_TEST_GO"])
write_graphml = analysis.write_graphml

def paused(graph, path, *args, **kwargs):
    write_graphml(graph, path, *args, **kwargs)
    ready.write_text(str(Path(path).parent))
    deadline = time.monotonic() + 600
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)

analysis.write_graphml = paused
from netanalysis.cli import main
sys.exit(main(sys.argv[1:]))
"""


# -- running ---------------------------------------------------------------------------
def _preexec(ignore=(), fsize: int | None = None):
    """Start the child with the stop signals at their defaults (or ignored,
    as `nohup` does) and, for a full disk, a file-size limit (writes beyond
    it fail with EFBIG; SIGXFSZ ignored so that they fail rather than kill)."""
    def setup():
        for name in STOPS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        for name in ignore:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return setup


def start(*args, driver: Path | None = None, ignore=(), fsize=None, cwd=None) -> subprocess.Popen:
    """Start `netanalysis ARGS` (through :data:`DRIVER` when ``driver``, a
    folder for its ready and go files, is given)."""
    env = dict(ENV)
    command = [*CLI, *args]
    if driver is not None:
        env.update(NA_TEST_READY=str(driver / "ready"), NA_TEST_GO=str(driver / "go"))
        command = [sys.executable, "-c", DRIVER, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            text=True, env=env, cwd=cwd, preexec_fn=_preexec(ignore, fsize))


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"no end after {TIMEOUT} s\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}")
    return proc.returncode, out, err


def run(*args, **kw) -> tuple[int, str, str]:
    return finish(start(*args, **kw))


def wait_for(what: str, ready, proc: subprocess.Popen) -> None:
    """Poll until ``ready()``; fail if ``proc`` ends first or after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while not ready():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}\nstdout: {out[-2000:]}\n"
                        f"stderr: {err[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            pytest.fail(f"{what}: not after {TIMEOUT} s")
        time.sleep(0.01)


# -- what is on disk ---------------------------------------------------------------------
def tree_hash(root: Path) -> str:
    """Names, modes and bytes of everything under ``root`` (links not followed)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            st = p.lstat()
            h.update(f"{p.relative_to(root)}\0{st.st_mode:o}\0".encode())
            if p.is_file() and not p.is_symlink():
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def temporaries(folder: Path, name: str = "out") -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name.endswith(".tmp"))


def assert_complete(out: Path, dataset: Path) -> None:
    """``out`` is a whole analysis output."""
    assert set(names(out)) == OUTPUT_FILES, names(out)
    assert json.loads((out / ".netanalysis-output").read_text())["netanalysis"] == "analysis"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parameters"]["dataset"] == str(dataset)
    assert summary["graph"]["nodes"] > 0
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (out / "graph.graphml").read_text(encoding="utf-8").rstrip().endswith("</graphml>")
    for table in ("key_actors.csv", "roles.csv", "centrality.csv", "disruption.csv"):
        assert len((out / table).read_text(encoding="utf-8").splitlines()) > 1, table


def assert_one_line(err: str, out: str, *words: str) -> None:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err + out, err
    assert not out.strip(), out
    missing = [w for w in words if w not in lines[0]]
    assert not missing, f"{missing} not in {lines[0]!r}"


# -- fixtures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dataset") / "g"
    code, out, err = run("generate", "--preset", "tiny", "--seed", "1", "--out", str(folder))
    assert code == 0, err
    (folder / ".netanalysis-output").unlink()          # an input as an analyst has it
    return folder


@pytest.fixture(scope="module")
def previous(dataset, tmp_path_factory) -> Path:
    """A complete analysis output made by an ordinary run."""
    out = tmp_path_factory.mktemp("previous") / "out"
    code, _, err = run("analyze", str(dataset), "--out", str(out), *ANALYZE)
    assert code == 0, err
    assert_complete(out, dataset)
    return out


@pytest.fixture
def root(tmp_path) -> Path:
    """The folder that holds OUT (and nothing else, unless a test puts it there)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def control(tmp_path) -> Path:
    """The driver's ready and go files (apart from the output's folder)."""
    folder = tmp_path / "control"
    folder.mkdir()
    return folder


def copy_previous(previous: Path, root: Path) -> tuple[Path, str]:
    out = root / "out"
    shutil.copytree(previous, out)
    return out, tree_hash(out)


# -- stop signals ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", STOPS)
def test_stop_signal_while_analysing(name, dataset, root):
    """A stop signal once the run has taken its output (the lock file is
    there, the analysis under way): exit 128 + N, one line, no output, no
    temporary, no lock, and the parent folder it made for OUT removed."""
    out = root / "new" / "out"
    proc = start("analyze", str(dataset), "--out", str(out), *ANALYZE)
    wait_for("the run locks its output", (root / "new" / ".out.lock").exists, proc)
    proc.send_signal(getattr(signal, name))
    code, stdout, stderr = finish(proc)
    assert code == 128 + getattr(signal, name), stderr
    assert_one_line(stderr, stdout, f"netanalysis analyze: interrupted by {name}", "no output")
    assert names(root) == [], names(root)


@pytest.mark.parametrize("name", STOPS)
def test_stop_signal_while_writing(name, dataset, previous, root, control):
    """A stop signal while the files are being written (``--force`` over a
    previous output): the previous output is left byte for byte, the
    half-written temporary folder is removed."""
    out, before = copy_previous(previous, root)
    proc = start("analyze", str(dataset), "--out", str(out), "--force", *ANALYZE, driver=control)
    wait_for("the run writes its files", (control / "ready").exists, proc)
    (tmp,) = temporaries(root)
    assert (tmp / "graph.graphml").is_file() and not (tmp / "summary.json").exists()
    proc.send_signal(getattr(signal, name))
    code, stdout, stderr = finish(proc)
    assert code == 128 + getattr(signal, name), stderr
    assert_one_line(stderr, stdout, f"netanalysis analyze: interrupted by {name}", "unchanged")
    assert names(root) == ["out"], names(root)
    assert tree_hash(out) == before


def test_an_ignored_hangup_is_left_ignored(dataset, root):
    """Under `nohup` (SIGHUP ignored when the run starts) a hangup does not
    stop the run: the command line does not take over an ignored signal."""
    out = root / "out"
    proc = start("analyze", str(dataset), "--out", str(out), *ANALYZE, ignore=("SIGHUP",))
    wait_for("the run locks its output", (root / ".out.lock").exists, proc)
    proc.send_signal(signal.SIGHUP)
    code, _, stderr = finish(proc)
    assert code == 0, stderr
    assert_complete(out, dataset)
    assert names(root) == ["out"]


# -- two runs, one output --------------------------------------------------------------------------
def test_a_second_run_is_refused_while_the_first_writes(dataset, previous, root, control):
    out = root / "out"
    first = start("analyze", str(dataset), "--out", str(out), *ANALYZE, driver=control)
    wait_for("the first run writes its files", (control / "ready").exists, first)
    (tmp,) = temporaries(root)
    held = tree_hash(tmp)
    for extra in ([], ["--force"]):
        code, stdout, stderr = run("analyze", str(dataset), "--out", str(out), *ANALYZE, *extra)
        assert code == 2, stderr
        assert_one_line(stderr, stdout, "netanalysis analyze: error:", "another netanalysis run is writing",
                        str(out))
        assert temporaries(root) == [tmp] and tree_hash(tmp) == held     # the first run's files untouched
        assert not out.exists()
    (control / "go").write_text("")
    code, _, stderr = finish(first)
    assert code == 0, stderr
    assert_complete(out, dataset)
    assert names(root) == ["out"], names(root)


def test_two_runs_started_together(dataset, root):
    """Exactly one of two runs started at once writes the output; the other
    is refused (by the lock, or, had the first finished already, because the
    output exists)."""
    out = root / "out"
    procs = [start("analyze", str(dataset), "--out", str(out), *ANALYZE) for _ in range(2)]
    results = [finish(p) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], [r[2] for r in results]
    _, stdout, stderr = next(r for r in results if r[0] == 2)
    assert_one_line(stderr, stdout, "netanalysis analyze: error:", str(out))
    assert "another netanalysis run is writing" in stderr or "exists; choose another folder" in stderr
    assert_complete(out, dataset)
    assert names(root) == ["out"], names(root)


# -- a full disk -------------------------------------------------------------------------------------
def _limits(previous: Path) -> dict[str, tuple[int, str]]:
    """File-size limits, each with the file whose write it makes fail."""
    sizes = {p.name: p.stat().st_size for p in previous.iterdir() if p.name in OUTPUT_FILES - {".netanalysis-output"}}
    largest, second = sorted(sizes, key=sizes.get)[::-1][:2]
    # halfway between the two largest: a rerun's files differ from the
    # previous output's by a few bytes (times in the summary and report)
    assert sizes[largest] > 1.2 * sizes[second] + 256, sizes
    return {
        "first-file": (max(64, min(sizes.values()) // 2), "key_actors.csv"),   # the first file written
        "last-file": ((sizes[largest] + sizes[second]) // 2, largest),         # all but the largest fit
    }


@pytest.mark.parametrize("where", ["first-file", "last-file"])
def test_full_disk_during_a_forced_rerun_leaves_the_previous_output(where, dataset, previous, root):
    """Writes fail with EFBIG (a file-size limit) during a ``--force`` rerun:
    exit 2, one line naming the output, the previous output byte for byte."""
    out, before = copy_previous(previous, root)
    limit, failing = _limits(previous)[where]
    code, stdout, stderr = run("analyze", str(dataset), "--out", str(out), "--force", *ANALYZE, fsize=limit)
    assert code == 2, stderr
    assert_one_line(stderr, stdout, "netanalysis analyze: error: cannot write output", str(out),
                    "File too large", f"({out / failing})", "previous output is unchanged")
    assert names(root) == ["out"], names(root)
    assert tree_hash(out) == before


def test_full_disk_without_a_previous_output_leaves_nothing(dataset, previous, root):
    out = root / "out"
    code, stdout, stderr = run("analyze", str(dataset), "--out", str(out), "--format", "parquet", *ANALYZE,
                               fsize=_limits(previous)["last-file"][0])
    assert code == 2, stderr
    assert_one_line(stderr, stdout, "cannot write output", str(out), "File too large")
    assert names(root) == [], names(root)


# -- runs that died ------------------------------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporaries_of_dead_runs_are_removed_by_the_next_run(dataset, root, control):
    """A run killed (SIGKILL: no clean-up possible) while writing leaves its
    temporary folder and lock file; the next run into the same output removes
    them, and stale temporaries of other dead runs, but not the temporary of a
    live run nor those of another output."""
    out = root / "out"
    killed = start("analyze", str(dataset), "--out", str(out), *ANALYZE, driver=control)
    wait_for("the run writes its files", (control / "ready").exists, killed)
    killed.kill()
    finish(killed)
    (left,) = temporaries(root)
    assert (left / "graph.graphml").exists() and (root / ".out.lock").exists()
    dead = _dead_pid()
    stale = root / f".out.{dead}.0badc0de.tmp"
    stale.mkdir()
    (stale / "centrality.csv").write_text("member_id\nsecret\n")
    live = root / f".out.{os.getpid()}.1ead0001.tmp"           # this test's process is alive
    live.mkdir()
    other = root / f".other.{dead}.0badc0de.tmp"               # a temporary of another output
    other.mkdir()

    code, _, stderr = run("analyze", str(dataset), "--out", str(out), *ANALYZE)
    assert code == 0, stderr
    assert_complete(out, dataset)
    assert names(root) == sorted(["out", live.name, other.name]), names(root)
