"""networkx's own tests of the functions the backend implements, run against
the backend in networkx's backend test mode.

networkx's conftest (networkx/conftest.py, 3.6) reads
``NETWORKX_TEST_BACKEND``: every dispatchable call in its tests then goes to
that backend (graphs converted without the cache, results converted back and
checked for numpy scalars); with ``NETWORKX_FALLBACK_TO_NX`` a call whose
``can_run`` is False, or which raises ``NotImplementedError``, runs
networkx's implementation instead (without it, such a test is xfailed).

The run is a subprocess with an empty pytest configuration (this project's
options and warning filters do not apply to networkx's tests) and the
backend's pytest plugin, which records, test by test, the calls netanalysis
computed and those it left to networkx. The test fails if any networkx test
fails, errors, is skipped or xfailed (docs/nx_backend.md lists none: a new
one must be listed there with its reason, and this test changed), if the run
was not in backend mode, or if some implemented function was never computed
by netanalysis there.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from netanalysis.nx_backend import FUNCTIONS

#: networkx's test modules for the functions of the backend.
MODULES = [
    "networkx.algorithms.centrality.tests.test_betweenness_centrality",
    "networkx.algorithms.centrality.tests.test_betweenness_centrality_subset",
    "networkx.algorithms.centrality.tests.test_closeness_centrality",
    "networkx.algorithms.centrality.tests.test_harmonic_centrality",
    "networkx.algorithms.centrality.tests.test_eigenvector_centrality",
    "networkx.algorithms.centrality.tests.test_katz_centrality",
    "networkx.algorithms.centrality.tests.test_degree_centrality",
    "networkx.algorithms.link_analysis.tests.test_pagerank",
    "networkx.algorithms.link_analysis.tests.test_hits",
    "networkx.algorithms.tests.test_core",
    "networkx.algorithms.tests.test_cluster",
    "networkx.algorithms.tests.test_structuralholes",
]

#: networkx tests allowed not to pass, with the reason (docs/nx_backend.md).
#: None at present.
NOT_PASSING: dict[str, str] = {}

DOCS = Path(__file__).resolve().parents[1] / "docs" / "nx_backend.md"


@pytest.fixture(scope="module")
def conformance(tmp_path_factory):
    work = tmp_path_factory.mktemp("nx_conformance")
    ini = work / "pytest.ini"
    ini.write_text("[pytest]\n")
    calls, junit = work / "calls.json", work / "junit.xml"
    env = {**os.environ, "NETWORKX_TEST_BACKEND": "netanalysis", "NETWORKX_FALLBACK_TO_NX": "True",
           "NETANALYSIS_NX_CALLS": str(calls)}
    env.pop("NETWORKX_BACKEND_PRIORITY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(work), "-q",
         "-p", "no:cacheprovider", "-p", "netanalysis.nx_backend._pytest_plugin",
         f"--junitxml={junit}", "-rfEsx", "--pyargs", *MODULES],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert junit.exists() and calls.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    outcomes: list[tuple[str, str]] = []  # (test, outcome); names may repeat across modules
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes.append((name, kinds[0] if kinds else "passed"))
    return proc, outcomes, json.loads(calls.read_text())


def test_networkx_tests_pass_against_the_backend(conformance):
    proc, outcomes, _ = conformance
    assert len(outcomes) > 300, proc.stdout[-2000:]
    bad = [(name, kind) for name, kind in outcomes if kind != "passed" and name not in NOT_PASSING]
    assert not bad, f"{len(bad)} networkx tests did not pass: {bad}\n{proc.stdout[-4000:]}"
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    counts = Counter(kind for _, kind in outcomes)
    print(f"\nnetworkx tests against the backend: {len(outcomes)} run, {counts['passed']} passed")


def test_the_run_reached_the_backend(conformance):
    _, outcomes, calls = conformance
    assert calls["backend"] == "netanalysis"
    assert len(calls["tests"]) == len(outcomes)
    never = [name for name in FUNCTIONS if not calls["computed"].get(name)]
    assert not never, f"functions netanalysis never computed in networkx's tests: {never}"
    print("\ncomputed by netanalysis:", calls["computed"])
    print("left to networkx:", calls["declined"])


def test_not_passing_tests_are_documented():
    text = DOCS.read_text(encoding="utf-8")
    for name, reason in NOT_PASSING.items():
        assert name in text, f"{name} ({reason}) is not listed in {DOCS.name}"
    for module in MODULES:
        assert module in text, f"{module} is not listed in {DOCS.name}"
