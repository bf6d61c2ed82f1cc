#!/usr/bin/env python3
"""One entry point for learners, instructors and developers.

    python3 run.py lab        set up .venv (first time only) and open the series in JupyterLab
    python3 run.py test       set up .venv with test tools and run the whole test suite
    python3 run.py app        open the therapy explorer as a full-screen page (Voila), for projecting in class
    python3 run.py execute    re-execute every notebook in place from a fresh kernel (developers)
    python3 run.py html       build the static HTML version of the series into site/
    python3 run.py bench      run the benchmark scripts and print their tables
    python3 run.py lock       record the exact package versions of .venv in constraints.txt

Only the Python standard library is used here, so it runs on a fresh machine with Python 3.10+.
Set-up is skipped when nothing changed (a stamp file records what was installed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SERIES_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")


def say(message: str) -> None:
    print(f"[run.py] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)
    if result.returncode:
        sys.exit(result.returncode)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(packages: list[str], why: str) -> bool:
    """Install Debian packages when we may (root, or password-less sudo); say how otherwise."""
    if not shutil.which("apt-get"):
        return False
    prefix = [] if is_root() else (["sudo", "-n"] if shutil.which("sudo") and subprocess.run(
        ["sudo", "-n", "true"], capture_output=True).returncode == 0 else None)
    if prefix is None:
        say(f"{why}: please run  sudo apt-get install -y {' '.join(packages)}  and try again.")
        return False
    say(f"{why}: installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=False, env=env)
    return subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", *packages], env=env).returncode == 0


def ensure_venv() -> None:
    if PY.exists():
        return
    say(f"creating a virtual environment in {VENV.relative_to(ROOT) if VENV.is_relative_to(ROOT) else VENV}")
    if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        if not (apt_install([version], "Python's venv module is missing")
                and subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0):
            sys.exit("Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv")


def ensure_packages(extra: str | None) -> None:
    """pip-install the project (editable) with the tested versions, unless already done."""
    ensure_venv()
    inputs = b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "constraints.txt"))
    digest = hashlib.sha256(inputs + sys.version.encode() + str(extra).encode()).hexdigest()
    stamp = VENV / f".series-installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extra}]" if extra else "."
    say(f"installing the series and its dependencies ({target}); this takes about a minute the first time")
    run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", "constraints.txt", "-e", target])
    stamp.write_text(digest)


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CHROMIUM_CANDIDATES if (found := shutil.which(name))), None)


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if apt_install(["chromium"], "the browser tests need Debian's Chromium") and (found := find_chromium()):
        return found
    sys.exit("Chromium is needed for the browser tests. Install it (Debian: apt-get install chromium) "
             "or set CHROMIUM_PATH to its executable.")


def cmd_lab(args: list[str]) -> None:
    ensure_packages(None)
    say(f"opening JupyterLab on {FIRST_NOTEBOOK} (stop it with Ctrl+C)")
    extra = ["--allow-root"] if is_root() else []
    os.execv(str(PY), [str(PY), "-m", "jupyter", "lab", FIRST_NOTEBOOK, *extra, *args])


def cmd_app(args: list[str]) -> None:
    ensure_packages(None)
    say("opening the therapy explorer in app mode (Voila; stop it with Ctrl+C)")
    os.execv(str(PY), [str(PY), "-m", "voila", "apps/therapy_explorer.ipynb", *args])


def cmd_test(args: list[str]) -> None:
    ensure_packages("test")
    env = dict(os.environ)
    env["CHROMIUM_PATH"] = ensure_chromium()
    run([str(PY), "-m", "pytest", *args], env=env)


def cmd_execute(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "-m", "helpers.notebook_tools", "execute", *args])


def cmd_html(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "-m", "helpers.notebook_tools", "html", *args])


def cmd_bench(args: list[str]) -> None:
    ensure_packages("test")
    env = dict(os.environ)
    env["CHROMIUM_PATH"] = ensure_chromium()
    run([str(PY), "benchmarks/run_all.py", *args], env=env)


def cmd_lock(args: list[str]) -> None:
    ensure_packages("test")
    frozen = subprocess.run([str(PY), "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        "# Exact versions the series was tested with (written by `python3 run.py lock`).",
        f"# Tested on Python {version}; applied on Python >= {version} only, where these wheels exist.",
        *(f'{line}; python_version >= "{version}"' for line in sorted(frozen, key=str.lower)
          if line and not line.startswith("#")),
    ]
    (ROOT / "constraints.txt").write_text("\n".join(lines) + "\n")
    say(f"wrote constraints.txt with {len(lines) - 2} pinned packages")


COMMANDS = {"lab": cmd_lab, "app": cmd_app, "test": cmd_test, "execute": cmd_execute, "html": cmd_html,
            "bench": cmd_bench, "lock": cmd_lock}


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 10):
        sys.exit("The series needs Python 3.10 or newer.")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
