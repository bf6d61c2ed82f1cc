"""Run JupyterLab on 127.0.0.1 and drive it with Debian's Chromium through Playwright.

Used by the browser tests and by the browser part of the benchmark. The server serves a
temporary copy of the repository's learner-facing layout (``notebooks/``, ``docs/``, ``data/``,
``apps/`` and the top-level documents: what `python3 run.py lab` serves, without modifying the
repository), with autosave off, windowing off (every cell is rendered) and the news toast
disabled. The browser itself comes from pytest-playwright's fixtures (tests/conftest.py picks
Debian's Chromium), which keep a trace and a screenshot only when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
TOKEN = "series-browser-tests"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}


def chromium_path() -> str | None:
    """The browser to drive. Found here, or installed only now that a browser test needs it
    (run.py's ensure_chromium: Debian's chromium with apt-get, or advice), so a test run without
    browser tests never installs one."""
    sys.path.insert(0, str(ROOT))
    import run  # standard library only

    found = run.find_chromium()  # CHROMIUM_PATH, else Chromium or Chrome, not a snap (its confinement blocks the test profile)
    if found:
        return found
    try:
        found = run.ensure_chromium()
    except SystemExit as reason:  # ensure_chromium explains what to install
        print(reason, file=sys.stderr)
        return None
    os.environ["CHROMIUM_PATH"] = found
    return found


def wait_for_http(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    """Wait until `url` answers (any HTTP status), or fail with the server's log.

    A start-up deadline, not a speed assertion: it only turns a server that never starts into
    a clear failure."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"the server exited (code {process.returncode}); log {log}:\n{tail}") from None
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s; see {log}")


#: What a learner's JupyterLab serves (`python3 run.py lab` serves the repository root).
LEARNER_LAYOUT = ("notebooks", "docs", "data", "apps")


def copy_learner_layout(workdir: Path) -> None:
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in LEARNER_LAYOUT:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, workdir / folder, ignore=ignore)
    for document in ROOT.glob("*.md"):
        shutil.copy2(document, workdir / document.name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _serving(cmd: list[str], env: dict[str, str], cwd: Path, log, ready_url: str):
    """Run a server command (output into the open file ``log``) until ``ready_url`` answers;
    stop it afterwards, whatever happened."""
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    try:
        wait_for_http(ready_url, process, 120, Path(log.name))
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def jupyterlab_server(workdir: Path):
    """Start JupyterLab serving ``workdir``; yield its base URL; stop it and its kernels."""
    copy_learner_layout(workdir)
    settings_dir = workdir / "lab-settings"
    for name, value in SETTINGS.items():
        plugin, file = name.rsplit("/", 1)
        (settings_dir / plugin).mkdir(parents=True, exist_ok=True)
        (settings_dir / plugin / file).write_text(json.dumps(value))
    port = _free_port()
    log = open(workdir / "jupyterlab.log", "w")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--ServerApp.root_dir={workdir}", f"--IdentityProvider.token={TOKEN}", "--allow-root",
           "--LabApp.news_url=None", f"--LabApp.user_settings_dir={settings_dir}",
           f"--LabApp.workspaces_dir={workdir / 'workspaces'}", "--expose-app-in-browser",
           "--ServerApp.disable_check_xsrf=True"]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"), PYTHONHASHSEED="0")
    env.pop("MPLBACKEND", None)
    base = f"http://127.0.0.1:{port}"
    with _serving(cmd, env, workdir, log, f"{base}/api/status?token={TOKEN}"):
        yield base


def delete_sessions(base: str) -> None:
    """Shut down every kernel session (kernels outlive browser tabs)."""
    request = urllib.request.Request(f"{base}/api/sessions?token={TOKEN}")
    with urllib.request.urlopen(request, timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE"), timeout=10).close()


def open_notebook(page, base: str, relative: str, timeout_ms: int = 60_000) -> None:
    """Open a notebook and wait until its kernel is connected and idle."""
    # "reset" drops the server-side workspace, so tabs from earlier tests are not restored.
    page.goto(f"{base}/lab/tree/{relative}?reset&token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = window.jupyterapp; if (!app) return false;
            const panel = app.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                           && panel.sessionContext.session.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""", timeout=timeout_ms)


def run_all(page, timeout_ms: int = 180_000) -> None:
    """Run all cells through JupyterLab's command, then wait until every code cell has executed."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const cells = panel.content.widgets.filter(c => c.model.type === 'code');
            const busy = panel.sessionContext.session.kernel.status !== 'idle';
            return !busy && cells.every(c => c.model.executionCount !== null);
        }""", timeout=timeout_ms, polling=250)


def page_problems(page) -> dict[str, int]:
    """Counts of what must be zero after running a notebook in the browser."""
    return page.evaluate(
        """() => ({
            error_outputs: document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
            error_displaying_widget: (document.body.innerText.match(/Error displaying widget/g) || []).length,
            unrendered_widgets: Array.from(document.querySelectorAll('.jupyter-widgets.widget-box'))
                .filter(el => el.getBoundingClientRect().height === 0).length,
            loading_widgets: (document.body.innerText.match(/Loading widget/g) || []).length,
        })""")


def widget_count(page) -> int:
    """Number of outputs that show a rendered widget view (a top-level widget box)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter(el => el.firstElementChild"
        " && el.firstElementChild.classList.contains('jupyter-widgets')).length")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@contextmanager
def voila_server(workdir: Path, extra_env: dict[str, str] | None = None, app: str = "explorer"):
    """Serve the app exactly as `python3 run.py app [app]` does (same command and template), on
    127.0.0.1 with the test token; yield the base URL."""
    sys.path.insert(0, str(ROOT))
    import run  # standard library only

    port = _free_port()
    log_path = workdir / "voila.log"
    log = open(log_path, "w")
    cmd, env = run.app_command([app, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", f"--token={TOKEN}"])
    cmd[0] = sys.executable
    cmd[cmd.index(run.APPS[app])] = str(ROOT / run.APPS[app])
    env.update(JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"), PYTHONHASHSEED="0", **(extra_env or {}))
    env.pop("MPLBACKEND", None)
    base = f"http://127.0.0.1:{port}"
    with _serving(cmd, env, ROOT, log, f"{base}/voila/static/voila-style.js"):
        yield base
