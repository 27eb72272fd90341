"""Fixtures shared by several test modules (each was defined, identically, in
more than one of them)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def valid_dataset(tmp_path) -> Path:
    """The small valid forum of test_forum_validation as a CSV folder (a fresh
    copy for each test, free to edit)."""
    from netanalysis import read_forum, write_forum
    from test_forum_validation import base_tables

    return write_forum(read_forum(base_tables()), tmp_path / "ds")


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory) -> Path:
    """The synthetic tiny forum (seed 1) as a CSV dataset folder, written by
    :func:`synthetic.write_dataset`; shared by a module's tests, not to be
    edited."""
    import synthetic

    out = tmp_path_factory.mktemp("dataset") / "tiny"
    forum, truth = synthetic.generate_forum("tiny", seed=1)
    synthetic.write_dataset(forum, truth, out, format="csv")
    return out


@pytest.fixture(scope="module")
def generated_tiny(tmp_path_factory) -> Path:
    """The tiny preset (seed 1) as ``netanalysis generate`` writes it, in a
    subprocess, with its marker file removed (an input as an analyst has
    it); shared by a module's tests, not to be edited."""
    folder = tmp_path_factory.mktemp("base") / "g"
    env = {**os.environ, "PYTHONFAULTHANDLER": "0", "NUMBA_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "netanalysis.cli", "generate", "--preset", "tiny", "--seed", "1",
                           "--out", str(folder)], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    (folder / ".netanalysis-output").unlink()
    return folder
