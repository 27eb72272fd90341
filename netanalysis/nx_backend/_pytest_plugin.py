"""A pytest plugin for networkx's backend test mode: record, test by test,
which calls netanalysis computed and which it left to networkx (and why).

Used by ``tests/test_nx_backend_conformance.py``::

    NETWORKX_TEST_BACKEND=netanalysis NETWORKX_FALLBACK_TO_NX=True \\
    NETANALYSIS_NX_CALLS=calls.json \\
    python -m pytest -p netanalysis.nx_backend._pytest_plugin --pyargs networkx.algorithms...

At the end of the session the file ``NETANALYSIS_NX_CALLS`` holds
``{"backend": ..., "computed": {function: calls}, "declined": {function:
calls}, "tests": {"module::test id": {"computed": {...}, "declined": [[function,
reason], ...]}}}``; ``backend`` is the backend networkx's conftest set up
(``config.backend``), so a run that did not reach test mode shows it.
"""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest

ENV = "NETANALYSIS_NX_CALLS"
_TESTS: dict = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    from .interface import CALLS, DECLINE_LOG

    before, start = Counter(CALLS), len(DECLINE_LOG)
    yield
    computed = Counter(CALLS)
    computed.subtract(before)
    module = getattr(getattr(item, "module", None), "__name__", "")
    # a test given with --pyargs outside the rootdir has a node id without
    # its module: name it by module and the rest of the id
    _TESTS[f"{module}::{item.nodeid.lstrip(':')}"] = {
        "computed": {k: v for k, v in sorted(computed.items()) if v},
        "declined": [list(entry) for entry in DECLINE_LOG[start:]],
    }


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(ENV)
    if not path:
        return
    from .interface import CALLS, DECLINED

    record = {
        "backend": getattr(session.config, "backend", None),
        "computed": dict(sorted(CALLS.items())),
        "declined": dict(sorted(DECLINED.items())),
        "tests": _TESTS,
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=1)
