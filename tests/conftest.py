"""Test-suite set-up shared by every test.

* Kernels started by the tests (nbval, the idempotency and network tests) load the offline
  guard in tests/ipython_offline, so a notebook that touches the network fails.
* They also get SERIES_RECORD_OFF, so no learner record is read or written (helpers.record).
* In CI (CI=true) a skipped test counts as a failure: nothing may be skipped there.
* Browser tests use pytest-playwright's fixtures (``browser``, ``context``, ``page``,
  ``new_context``) on Debian's Chromium; its options in pyproject.toml keep a Playwright trace
  and a screenshot only when a test fails, in test-artifacts/failures/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tools.notebook_tools import offline_kernel_env

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Applied at import time so that nbval's kernels, started during collection/run, inherit it.
os.environ.update({k: v for k, v in offline_kernel_env().items() if k in ("IPYTHONDIR", "PYTHONHASHSEED", "SERIES_RECORD_OFF")})
os.environ.pop("MPLBACKEND", None)
# The knowledge base's cache between sessions (helpers.data.cache_folder) goes to a folder of the test
# run's own, not to the user's cache: the copies of data/ that tests break would otherwise leave files there.
_CACHE_DIR = tempfile.mkdtemp(prefix="series-test-cache-")
os.environ["SERIES_CACHE_DIR"] = _CACHE_DIR


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser is Debian's Chromium (never a downloaded one), headless, with
    the series' flags. Without a Chromium the browser tests fail in CI and are skipped elsewhere."""
    from browser_support import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        message = "Chromium not found: install Debian's chromium or set CHROMIUM_PATH"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every page of the browser tests opens at 1400 × 1000."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


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


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; in CI nothing may be skipped.",
                                    red=True)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
