"""Run JupyterLab on 127.0.0.1 and drive it with Debian's Chromium through Playwright.

Used by the browser tests and by the browser part of the benchmark. The server serves a
temporary copy of ``notebooks/`` (so nothing in the repository is modified), with autosave
off, windowing off (every cell is rendered) and the news toast disabled.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
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
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).exists():
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab_server(workdir: Path):
    """Start JupyterLab serving ``workdir``; yield its base URL; stop it and its kernels."""
    shutil.copytree(ROOT / "notebooks", workdir / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
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
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"JupyterLab exited; see {workdir / 'jupyterlab.log'}") from None
                time.sleep(0.3)
        else:
            raise RuntimeError("JupyterLab did not start within 90 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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
def voila_server(notebook: Path, workdir: Path):
    """Serve one notebook with Voila (app mode: outputs only, no code) on 127.0.0.1."""
    port = _free_port()
    log = open(workdir / "voila.log", "w")
    cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / "jupyter-config"), PYTHONHASHSEED="0")
    env.pop("MPLBACKEND", None)
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"Voila exited; see {workdir / 'voila.log'}") from None
                time.sleep(0.3)
        else:
            raise RuntimeError("Voila did not start within 90 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
