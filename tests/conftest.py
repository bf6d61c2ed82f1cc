"""Test-suite set-up shared by every test.

* Kernels started by the tests (nbval, the idempotency and network tests) load the offline
  guard in tests/ipython_offline, so a notebook that touches the network fails.
* They also get SERIES_RECORD_OFF, so no learner record is read or written (helpers.record).
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
os.environ.update({k: v for k, v in offline_kernel_env().items() if k in ("IPYTHONDIR", "PYTHONHASHSEED", "SERIES_RECORD_OFF")})
os.environ.pop("MPLBACKEND", None)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (tests/browser_support.py)."""
    from browser_support import launched_chromium

    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def recording(monkeypatch, tmp_path):
    """Recording on, as for a learner (the suite otherwise runs with SERIES_RECORD_OFF), in a
    temporary notebooks folder, which it yields; the session's in-memory record is reset."""
    from helpers import record

    monkeypatch.delenv(record.DISABLE_ENV, raising=False)
    monkeypatch.setenv(record.DIR_ENV, str(tmp_path / "notebooks"))
    record.use_record(None)
    yield tmp_path / "notebooks"
    record.use_record(None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (rep_setup, rep_call, rep_teardown), so fixtures
    can tell a failed test in their teardown (browser tests keep a trace only then)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; in CI nothing may be skipped.",
                                    red=True)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
