"""Test-suite set-up shared by every test.

* Kernels started by the tests (nbval, the idempotency and network tests) load the offline
  guard in tests/ipython_offline, so a notebook that touches the network fails.
* In CI (CI=true) a skipped test counts as a failure: nothing may be skipped there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.notebook_tools import offline_kernel_env

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Applied at import time so that nbval's kernels, started during collection/run, inherit it.
os.environ.update({k: v for k, v in offline_kernel_env().items() if k in ("IPYTHONDIR", "PYTHONHASHSEED")})
os.environ.pop("MPLBACKEND", None)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; in CI nothing may be skipped.",
                                    red=True)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
