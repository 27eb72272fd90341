"""``netanalysis analyze --workers N``: the heavy computations on a local
Dask cluster, the same tables as in one process."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

try:
    import distributed  # noqa: F401
except ImportError:
    if os.environ.get("CI") == "true":
        pytest.fail("dask.distributed is required in CI (the test extra installs it)", pytrace=False)
    pytest.skip("dask.distributed is not installed", allow_module_level=True)


def _analyze(dataset, out, *extra):
    return subprocess.run([sys.executable, "-m", "netanalysis.cli", "analyze", str(dataset), "--out", str(out),
                           "--stability-repeats", "2", "--quiet", *extra], capture_output=True, text=True)


def test_workers_give_the_same_tables(tiny_dataset, tmp_path):
    one = _analyze(tiny_dataset, tmp_path / "one")
    two = _analyze(tiny_dataset, tmp_path / "two", "--workers", "2")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    tables = sorted(p.name for p in (tmp_path / "one").glob("*.csv"))
    assert "key_actors.csv" in tables and "centrality.csv" in tables
    assert tables == sorted(p.name for p in (tmp_path / "two").glob("*.csv"))
    for name in tables:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_unreachable_scheduler_is_one_clear_error(tiny_dataset, tmp_path):
    run = _analyze(tiny_dataset, tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "scheduler" in run.stderr
