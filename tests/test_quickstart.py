"""The README's quick start works in a fresh clone with the machine's own Python, and run.py's
test command installs a browser only for browser tests.

The quick-start test clones this repository's committed state into a folder whose name has a
space, runs the README's first command (`python3 run.py lab`) with the system Python
(on Linux /usr/bin/python3 when it is 3.10 or newer, Debian 12's being 3.11.2; on macOS and Windows,
where /usr/bin/python3 is Apple's 3.9 or absent, the base Python of the test's own venv), and checks that JupyterLab answers,
serves the repository root, opens lesson 00 by default and offers a Python kernel; the new
venv is built on that system Python and reads the clone's data/. Installing the locked packages needs
PyPI or pip's cache, like the lock matrix in test_install.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from browser_support import _free_port, wait_for_http

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402  (run.py: standard library only)

def _system_python() -> str:
    """The machine's own Python: on Linux /usr/bin/python3 when run.py accepts its version (Debian 12's
    is 3.11.2); elsewhere, where /usr/bin/python3 is Apple's 3.9 or absent, the base interpreter of
    the test's own venv (on Windows a venv's python.exe is a launcher, not a link to it)."""
    system = Path("/usr/bin/python3")
    if sys.platform.startswith("linux") and system.exists():
        version = subprocess.run([str(system), "-c", "import sys; print(*sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=60)
        if (3, 10) <= tuple(map(int, version.stdout.split() or (0, 0))) <= run.NEWEST_PYTHON:  # run.py's range
            return str(system)
    return getattr(sys, "_base_executable", sys.executable)


SYSTEM_PYTHON = _system_python()
TOKEN = "series-quickstart"


def readme_quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].split() for line in block.splitlines() if line.strip()]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SERIES_VENV", "SERIES_DATA_DIR", "IPYTHONDIR", "MPLBACKEND")
           and not k.startswith("JUPYTER")}
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGTERM)  # run.py and the JupyterLab it started
        else:  # terminate() would stop run.py alone and leave JupyterLab holding the port and the clone
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], capture_output=True, timeout=60)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            if os.name == "posix":
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait(timeout=30)


def test_readme_quick_start_is_run_py_lab():
    assert readme_quick_start()[0] == ["python3", "run.py", "lab"]


@pytest.mark.quickstart
def test_readme_quick_start_with_the_system_python_in_a_fresh_clone(tmp_path):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    clone = tmp_path / "fresh clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True, timeout=300)
    subprocess.run(["git", "checkout", "--quiet", head.stdout.strip()], cwd=clone, check=True, timeout=300)
    command = readme_quick_start()[0]
    port = _free_port()
    log_path = tmp_path / "quickstart.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [SYSTEM_PYTHON, *command[1:], "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={TOKEN}", "--LabApp.news_url=None"],
            cwd=clone, env=_clean_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=os.name == "posix",
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
        base = f"http://127.0.0.1:{port}"
        try:
            # First run: create .venv and install the locked packages, then start JupyterLab.
            wait_for_http(f"{base}/api/status?token={TOKEN}", process, 1500, log_path)
            with urllib.request.urlopen(f"{base}/?token={TOKEN}", timeout=60) as response:
                assert response.url.split("?")[0].endswith("/lab/tree/notebooks/00_start_here.ipynb"), response.url
            for served in ("notebooks/00_start_here.ipynb", "docs/glossary.md", "README.md"):
                with urllib.request.urlopen(f"{base}/api/contents/{served}?content=0&token={TOKEN}", timeout=60) as r:
                    assert r.status == 200
            with urllib.request.urlopen(f"{base}/api/kernelspecs?token={TOKEN}", timeout=60) as response:
                specs = json.load(response)
            assert specs["default"] in specs["kernelspecs"], specs
            log_text = log_path.read_text()
        finally:
            _stop(process)
    venv_python = clone / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    probe = subprocess.run(
        [str(venv_python), "-c", "import sys, helpers.data as d; d.load_knowledge_base(); "
                                 "print(sys._base_executable); print(d.DEFAULT_DATA_DIR)"],
        cwd=clone / "notebooks", env=_clean_env(), capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    base_python, data_dir = probe.stdout.split("\n")[:2]
    assert Path(base_python).resolve() == Path(SYSTEM_PYTHON).resolve()
    assert Path(data_dir) == clone / "data"
    assert "Traceback" not in log_text, log_text[log_text.index("Traceback") - 2000:][:5000]


# --------------------------------------------------------------------------- Chromium only when needed
def test_run_py_test_does_not_install_a_browser(monkeypatch):
    calls = []
    monkeypatch.setattr(run, "ensure_packages", lambda extra: None)
    monkeypatch.setattr(run, "find_chromium", lambda: None)
    monkeypatch.setattr(run, "apt_install", lambda *a, **k: calls.append(("apt", a)) or False)
    monkeypatch.setattr(run, "ensure_chromium", lambda: calls.append(("ensure",)) or "/x")
    monkeypatch.setattr(run, "run", lambda cmd, **kwargs: calls.append(("pytest", cmd[3:], kwargs["env"])))
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    run.cmd_test(["-k", "data"])
    assert [call[0] for call in calls] == ["pytest"]
    assert calls[0][1] == ["-k", "data"] and "CHROMIUM_PATH" not in calls[0][2]


def test_a_browser_test_asks_run_py_for_chromium_when_none_is_found(monkeypatch):
    import browser_support

    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(browser_support.shutil, "which", lambda name: None)
    monkeypatch.setattr(run, "ensure_chromium", lambda: "/opt/found/chromium")
    assert browser_support.chromium_path() == "/opt/found/chromium"
    assert os.environ["CHROMIUM_PATH"] == "/opt/found/chromium"

    def refuse():
        raise SystemExit("Chromium or Google Chrome is needed for the browser tests.")

    monkeypatch.setattr(run, "ensure_chromium", refuse)
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    assert browser_support.chromium_path() is None
