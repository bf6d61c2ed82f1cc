"""A failing browser test leaves a Playwright trace and a screenshot; a passing one leaves nothing.

pytest-playwright does this with the options in pyproject.toml's ``addopts`` (``--tracing
retain-on-failure --screenshot only-on-failure --output test-artifacts/failures``). Checked here by
running two tiny browser tests, one failing, in a child pytest with those options (only the output
folder moved to a temporary one) and the project's conftest (Debian's Chromium).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

TESTS = '''
def test_passes(page):
    page.set_content("<h1>fine</h1>")
    assert page.text_content("h1") == "fine"


def test_fails(page):
    page.set_content("<h1>broken</h1>")
    assert page.text_content("h1") == "fine"
'''


def test_a_failing_browser_test_keeps_its_trace_and_screenshot_and_a_passing_one_nothing(tmp_path):
    folder = tmp_path / "tests"
    folder.mkdir()
    (folder / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (folder / "test_tiny.py").write_text(TESTS)
    out = tmp_path / "failures"
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli")
    addopts = shlex.split(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"])
    ours = addopts[addopts.index("--browser"):]  # the pytest-playwright part
    assert ours[ours.index("--tracing") + 1] == "retain-on-failure"
    assert ours[ours.index("--screenshot") + 1] == "only-on-failure"
    assert ours[ours.index("--output") + 1] == "test-artifacts/failures"
    ours[ours.index("--output") + 1] = str(out)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), *ours, str(folder)],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])})
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    kept = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert any("test-fails" in k and k.endswith("trace.zip") for k in kept), kept
    assert any("test-fails" in k and k.endswith(".png") for k in kept), kept
    assert not any("test-passes" in k for k in kept), kept
