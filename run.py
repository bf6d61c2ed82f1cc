#!/usr/bin/env python3
"""One entry point for learners, instructors and developers.

    python3 run.py lab        set up .venv (first time only) and open the series in JupyterLab
    python3 run.py test       set up .venv with test tools and run the whole test suite
    python3 run.py app        open the therapy explorer as a full-screen page (Voila, with a token), for projecting in class
    python3 run.py app class  the same for the whole-topic class: its figures and tools in the plan's order
    python3 run.py execute    re-execute every notebook in place from a fresh kernel (developers)
    python3 run.py html       build the series' website (Jupyter Book) into book/_build/html
                              (or into a new or empty FOLDER: python3 run.py html FOLDER)
    python3 run.py times      measure each lesson's reading and doing time (--apply writes them in)
    python3 run.py link-glossary   link each lesson's first use of a glossary term (developers)
    python3 run.py trace FILE open a browser test's failure trace (test-artifacts/failures/)
    python3 run.py bench      run the benchmark scripts and print their tables
    python3 run.py evidence-review   list the evidence rows checked longest ago and overdue trials (maintainers)
    python3 run.py lock       re-resolve requirements/*.txt (exact, hashed versions for every platform)
                              and write environment.yml and binder/environment.yml from them

Only the Python standard library is used here, so it runs on a fresh machine with Python 3.10+.
On Windows, type `py` instead of `python3` in every command (`py run.py lab`).
Set-up is skipped when nothing changed (a stamp file records what was installed).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SERIES_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
OLDEST_PYTHON = (3, 10)  # oldest Python the locks are resolved for (`run.py lock`) and run.py accepts
NEWEST_PYTHON = (3, 15)  # newest Python the locks are checked on (tests/test_install.py)
LOCKS = {"lab": ROOT / "requirements" / "lab.txt", "test": ROOT / "requirements" / "test.txt"}
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = (  # where macOS and Windows put Chrome / Chromium
    Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
    Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    *(Path(os.environ.get(var, "")) / "Google" / "Chrome" / "Application" / "chrome.exe"
      for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA") if os.environ.get(var)),
)


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
    return subprocess.run(prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
                          env=env).returncode == 0


def _venv_works() -> bool:
    """True when .venv has a Python that can run pip (a Ctrl+C during creation leaves one that cannot)."""
    return PY.exists() and subprocess.run([str(PY), "-m", "pip", "--version"], capture_output=True).returncode == 0


def ensure_venv() -> None:
    if _venv_works():
        return
    where = VENV.relative_to(ROOT) if VENV.is_relative_to(ROOT) else VENV
    if VENV.exists():
        say(f"{where} is incomplete (an earlier set-up was interrupted?): making it again")
        shutil.rmtree(VENV, ignore_errors=True)
    say(f"creating a virtual environment in {where}")
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
    if result.returncode == 0 and _venv_works():
        return
    shutil.rmtree(VENV, ignore_errors=True)
    reason = (result.stderr or result.stdout).strip() or "the new environment has no working pip"
    if "ensurepip" in reason or "No module named venv" in reason:
        package = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        said = next((line.strip() for line in reason.splitlines() if "ensurepip" in line), reason.splitlines()[-1])
        sys.exit(f"Python's venv package (with ensurepip) is missing. On Debian/Ubuntu run:  sudo apt-get install "
                 f"{package}\n(as root: apt-get install {package}), then run this command again. (Python said: {said})")
    sys.exit(f"Could not create the virtual environment {VENV}:\n{reason}")


def _digest(*parts: bytes) -> str:
    return hashlib.sha256(b"".join(parts)).hexdigest()


def _pip(args: list[str], what: str, unless=None) -> bool:
    """Run pip; on failure return False if ``unless()`` says the failure can be lived with, else
    show pip's own reason (its ERROR lines and the end of its log) and stop."""
    log = VENV / "pip-install.log"
    with open(log, "w", encoding="utf-8", errors="replace") as out:
        code = subprocess.run([str(PY), "-m", "pip", *args, "--disable-pip-version-check"],
                              cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode
    if code and unless is not None and unless():
        return False
    if code:
        print("\n".join(pip_reason(log.read_text(encoding="utf-8", errors="replace").splitlines())), file=sys.stderr)
        sys.exit(f"[run.py] {what} failed (pip exit {code}); the whole log is in {log}")
    return True


def helpers_installed_here() -> bool:
    """Whether the venv already imports this folder's helpers package (an earlier editable install)."""
    probe = subprocess.run([str(PY), "-c", "import helpers, pathlib; print(pathlib.Path(helpers.__file__).resolve())"],
                           cwd=VENV, capture_output=True, text=True)
    return probe.returncode == 0 and Path(probe.stdout.strip()) == (ROOT / "helpers" / "__init__.py").resolve()


def pip_reason(lines: list[str], tail: int = 30) -> list[str]:
    """What to show of a failed pip run: its ERROR and HINT lines with their indented continuation
    (a compiler's message, a hash pip expected and got, Windows' long-path hint), then the end of the log."""
    keep: list[int] = []
    for i, line in enumerate(lines):
        if re.match(r"\s*(ERROR|HINT|error|hint)\b", line) or "conflict" in line.lower() \
                or re.search(r"Expected sha256|\bGot\b", line):
            keep.append(i)
            keep.extend(j for j in range(i + 1, min(i + 6, len(lines))) if lines[j].startswith((" ", "\t")))
    keep.extend(range(max(0, len(lines) - tail), len(lines)))
    return [lines[i] for i in sorted(set(keep))]


def ensure_packages(extra: str | None) -> None:
    """Install the locked, hash-checked versions and then the series itself, unless already done.

    `lab` needs requirements/lab.txt; `test` needs requirements/test.txt (a superset with the
    same versions), so a test set-up also satisfies lab.
    """
    ensure_venv()
    wanted = ["lab"] if extra is None else [extra]
    acceptable = ["lab", "test"] if extra is None else [extra]
    # What decides the install: the interpreter's version (not its build date, which a security update
    # changes), the venv, the lock, and the package's own metadata (not the test settings in [tool.*]),
    # so a patched Python or a pytest option does not send a learner offline back to pip.
    digests = install_digests()
    stamp = VENV / ".series-installed"
    if stamp.exists() and stamp.read_text().strip() in {digests[name] for name in acceptable}:
        return
    name = wanted[0]
    say(f"installing the tested package versions ({LOCKS[name].relative_to(ROOT)}); "
        "this takes a few minutes the first time")
    _pip(["install", "--require-hashes", "-r", str(LOCKS[name])], "installing the dependencies")
    # Re-installing the package needs its build tool from the internet; offline, an earlier install
    # of this same folder still works, so go on (and try again next time) rather than stop a lesson.
    if not _pip(["install", "--no-deps", "-e", "."], "installing the series' helpers package",
                unless=helpers_installed_here):
        say("could not refresh the series' helpers package (offline?); the one installed from this "
            "folder is used, and run.py tries again next time")
        return
    stamp.write_text(digests[name])


def install_digests() -> dict[str, str]:
    """The stamp each lock's install leaves in the venv; a different one means pip must run again."""
    py_id = f"{tuple(sys.version_info[:3])}|{PY}".encode()
    metadata = package_metadata()
    return {name: _digest(metadata, LOCKS[name].read_bytes(), py_id) for name in ("lab", "test")}


def package_metadata() -> bytes:
    """pyproject.toml without its [tool.pytest...] and other tool settings that do not change the install
    ([tool.setuptools] does: it names the package and its data)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    sections = re.split(r"(?m)^(?=\[)", text)
    return "".join(s for s in sections if not s.startswith("[tool.") or s.startswith("[tool.setuptools")).encode()


def is_snap(path: str | Path) -> bool:
    """True for a snap-packaged browser (Ubuntu's chromium, or the script that launches it): its
    confinement keeps it from the temporary profile the browser tests give it."""
    path = Path(path)
    if str(path.resolve()).startswith("/snap/"):
        return True
    try:
        return path.stat().st_size < 100_000 and b"/snap/" in path.read_bytes()
    except OSError:
        return False


def linux_distribution(os_release: Path = Path("/etc/os-release")) -> str:
    """The ID in /etc/os-release ("debian", "ubuntu", ...), or "" elsewhere."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    found = re.search(r'(?m)^ID="?([^"\n]+)"?$', text)
    return found.group(1).strip().lower() if found else ""


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        if Path(configured).exists():
            return configured
        say(f"CHROMIUM_PATH={configured} does not exist; looking for Chromium or Chrome elsewhere")
    found = next((path for path in map(shutil.which, CHROMIUM_CANDIDATES) if path and not is_snap(path)), None)
    return found or next((str(path) for path in BROWSER_PATHS if path.exists()), None)


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if linux_distribution() == "ubuntu":  # its chromium package is only a snap, which the tests cannot drive
        sys.exit("The browser tests need Chromium or Google Chrome as an ordinary program. On Ubuntu, Chromium "
                 "comes only as a snap, which they cannot drive: install Google Chrome's .deb package, or set "
                 "CHROMIUM_PATH to a browser's executable.")
    if apt_install(["chromium"], "the browser tests need Debian's Chromium"):
        found = find_chromium()
        if found:
            return found
    sys.exit("Chromium or Google Chrome is needed for the browser tests. Install it (Debian: "
             "sudo apt-get install chromium; Ubuntu, macOS and Windows: install Google Chrome) or set "
             "CHROMIUM_PATH to the browser's executable.")


def run_foreground(cmd: list[str]) -> None:
    """Run a server as a child process (works on Windows too); Ctrl+C stops it cleanly."""
    # The server gets the same Ctrl+C and shuts itself down; this process only waits for it. A handler
    # that does nothing (not SIG_IGN, which the server would inherit) means no KeyboardInterrupt here,
    # at any moment, however often Ctrl+C is pressed.
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        code = subprocess.Popen(cmd, cwd=ROOT).wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    sys.exit(0 if code in (0, -2, 130) else code)


def cmd_lab(args: list[str]) -> None:
    ensure_packages(None)
    say(f"opening JupyterLab on {FIRST_NOTEBOOK} (stop it with Ctrl+C)")
    extra = ["--allow-root"] if is_root() else []
    # Serve the whole repository (so the lessons' links to docs/ and data/ work) and open lesson 00.
    # answer_yes: one Ctrl+C stops the server, as said above, without a "Shut down? (y/[n])" prompt.
    run_foreground([str(PY), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
                    f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}", "--ServerApp.answer_yes=True", *extra, *args])


#: The pages of app mode (`python3 run.py app [NAME]`); the first is the default.
APPS = {"explorer": "apps/therapy_explorer.ipynb", "class": "apps/one_class.ipynb"}
APP = APPS["explorer"]


def app_command(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """Voila for app mode: a token like JupyterLab's (the printed URL carries it), the project's
    error messages instead of Voila's generic one, and no stylesheet from a CDN (offline classrooms:
    the `series` template in apps/voila/templates)."""
    app, args = app_page(args)
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / "apps"), env.get("JUPYTER_PATH")]))
    cmd = [str(PY), "-m", "voila", app, "--token", "--template=series", "--show_tracebacks=True", *args]
    return cmd, env


def app_page(args: list[str]) -> tuple[str, list[str]]:
    """The notebook app mode serves (a first argument not starting with '-' names it) and the
    arguments left for Voila; an unknown name stops with the valid names."""
    if args and not args[0].startswith("-"):
        name, args = args[0], args[1:]
        if name not in APPS:
            raise SystemExit(f"Unknown app {name!r}. Valid: " + "; ".join(
                f"{key} ({path})" for key, path in APPS.items()) + ". Example: python3 run.py app class")
        return APPS[name], list(args)
    return APP, list(args)


def cmd_app(args: list[str]) -> None:
    page, _ = app_page(args)  # an unknown app name stops here, before anything is installed
    ensure_packages(None)
    say(f"opening {page} in app mode (Voila; stop it with Ctrl+C)")
    cmd, env = app_command(args)
    os.environ.update(env)
    run_foreground(cmd)


def cmd_test(args: list[str]) -> None:
    ensure_packages("test")
    env = dict(os.environ)
    # Chromium is looked for here but installed only when a browser test actually starts one
    # (tests/browser_support.py calls ensure_chromium), so `run.py test -k data` installs nothing.
    found = find_chromium()
    if found:
        env["CHROMIUM_PATH"] = found
    run([str(PY), "-m", "pytest", *args], env=env)


def cmd_execute(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "-m", "tools.notebook_tools", "execute", *args])


def from_caller(args: list[str]) -> list[str]:
    """Paths named where the command was typed (run.py runs its tools from the repository), options as given."""
    return [a if a.startswith("-") else str(Path(a).resolve()) for a in args]


def cmd_times(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "tools/lesson_times.py", *args])


def cmd_link_glossary(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "tools/link_glossary_terms.py", *args])


def cmd_trace(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "-m", "playwright", "show-trace", *from_caller(args)])


def cmd_html(args: list[str]) -> None:
    ensure_packages("test")
    run([str(PY), "-m", "tools.book", *from_caller(args)])


def cmd_bench(args: list[str]) -> None:
    ensure_packages("test")
    env = dict(os.environ)
    env["CHROMIUM_PATH"] = ensure_chromium()
    run([str(PY), "benchmarks/run_all.py", *args], env=env)


def cmd_lock(args: list[str]) -> None:
    """Re-resolve requirements/*.txt with uv for every supported platform and Python (OLDEST_PYTHON to NEWEST_PYTHON)."""
    ensure_venv()
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        _pip(["install", "--quiet", "uv"], "installing uv (used only to write the lock files)")
    common = ["pip", "compile", "pyproject.toml", "--universal", "--generate-hashes",
              "--python-version", f"3.{OLDEST_PYTHON[1]}", "--no-header", "--quiet",
              "-c", str(ROOT / "requirements" / "constraints.in"), *args]
    LOCKS["test"].parent.mkdir(exist_ok=True)
    run([str(uv), *common, "--extra", "test", "-o", str(LOCKS["test"])])
    # lab.txt is resolved with test.txt as constraints, so both files pin the same versions.
    run([str(uv), *common, "-c", str(LOCKS["test"]), "-o", str(LOCKS["lab"])])
    for name, path in LOCKS.items():
        body = path.read_text()
        header = (f"# Exact, hash-checked versions for `python3 run.py {name}` on Linux, macOS and Windows,\n"
                  f"# Python 3.{OLDEST_PYTHON[1]}-3.{NEWEST_PYTHON[1]}. Written by `python3 run.py lock` "
                  "(uv pip compile --universal); do not edit.\n"
                  f"# pyproject-dependencies-sha256: {dependencies_digest()}\n")
        path.write_text(header + body)
        pins = len(re.findall(r"^[A-Za-z0-9][^ ]*==", body, flags=re.MULTILINE))
        say(f"wrote {path.relative_to(ROOT)} ({pins} pinned package versions)")
    write_conda_environments(uv)


#: Binder's Python (conda-forge) and the patch release its pins are resolved for.
CONDA_PYTHON, CONDA_PYTHON_FULL = "3.11", "3.11.7"
#: Test tools that conda-forge lacks, names differently (its `playwright` is the Node.js program;
#: the Python library, `playwright-python`, lags PyPI) or that pip installs from PyPI anyway.
PIP_ONLY = ("playwright", "pytest-playwright", "axe-playwright-python")


def _linux_pins(uv: Path, lock: Path, extra: list[str]) -> list[tuple[str, str]]:
    """(name, version) of every package `lock` installs on Linux x86_64 with Binder's Python."""
    out = subprocess.run([str(uv), "pip", "compile", "pyproject.toml", *extra, "--python-platform",
                          "x86_64-unknown-linux-gnu", "--python-version", CONDA_PYTHON_FULL, "-c", str(lock),
                          "--no-header", "--no-annotate", "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    return [tuple(line.split("==")) for line in out.stdout.splitlines() if "==" in line]


def write_conda_environments(uv: Path) -> None:
    """binder/environment.yml (runtime only: every package of requirements/lab.txt, exact versions,
    installed by pip so Binder runs what was tested) and environment.yml (conda users: the direct
    dependencies, runtime and test, from conda-forge at the locked versions)."""
    header = ("# Written by `python3 run.py lock` from requirements/{lock}.txt (Linux, Python {full}); do not edit.\n"
              "# tests/test_environment.py checks every name and version against the lock.\n")
    pins = _linux_pins(uv, LOCKS["lab"], [])
    binder = [header.format(lock="lab", full=CONDA_PYTHON_FULL),
              "# Binder (repo2docker) reads this file and then runs binder/postBuild, which installs the\n"
              "# series' helpers package. Runtime only: no test tools, no browser.\n",
              "name: als-ms-stem-cells-binder\nchannels:\n  - conda-forge\ndependencies:\n",
              f"  - python={CONDA_PYTHON}\n  - pip\n  - pip:\n",
              *(f"      - {name}=={version}\n" for name, version in pins)]
    (ROOT / "binder").mkdir(exist_ok=True)
    (ROOT / "binder" / "environment.yml").write_text("".join(binder))
    locked = dict(_linux_pins(uv, LOCKS["test"], ["--extra", "test"]))
    direct = [re.match(r"\s*\"([A-Za-z0-9_.\-]+)", line).group(1).lower()
              for line in (ROOT / "pyproject.toml").read_text().split("dependencies = [", 1)[1]
              .split("[tool.", 1)[0].splitlines() if re.match(r"\s*\"[A-Za-z]", line)]
    # once each (matplotlib is listed twice, split by Python version); drops tomli (Python < 3.11 only)
    direct = list(dict.fromkeys(name for name in direct if name in locked))
    full = [header.format(lock="test", full=CONDA_PYTHON_FULL),
            "# For conda / mamba users: the series' direct dependencies (runtime and tests) from conda-forge\n"
            "# at the tested versions; then `pip install --no-deps -e .`. Binder uses binder/ instead.\n",
            "name: als-ms-stem-cells\nchannels:\n  - conda-forge\ndependencies:\n",
            f"  - python={CONDA_PYTHON}\n  - pip\n",
            *(f"  - {name}=={locked[name]}\n" for name in direct if name not in PIP_ONLY),
            "  - pip:\n",
            *(f"      - {name}=={locked[name]}\n" for name in direct if name in PIP_ONLY)]
    (ROOT / "environment.yml").write_text("".join(full))
    say(f"wrote binder/environment.yml ({len(pins)} pins) and environment.yml ({len(direct)} direct dependencies)")


def dependencies_digest() -> str:
    """Digest of pyproject.toml's dependency lists: the lock files record it, a test compares."""
    text = (ROOT / "pyproject.toml").read_text()
    start = text.index("dependencies = [")
    end = text.index("[tool.", start)
    return _digest(text[start:end].encode())[:16]


def cmd_evidence_review(args: list[str]) -> None:
    ensure_packages(None)
    run([str(PY), "tools/evidence_review.py", *args])


COMMANDS = {"evidence-review": cmd_evidence_review, "lab": cmd_lab, "app": cmd_app, "test": cmd_test, "execute": cmd_execute, "html": cmd_html,
            "bench": cmd_bench, "lock": cmd_lock, "times": cmd_times, "link-glossary": cmd_link_glossary,
            "trace": cmd_trace}


def main(argv: list[str]) -> None:
    command = f"run.py {argv[0]}" if argv and argv[0] in COMMANDS else "run.py lab"
    if not OLDEST_PYTHON <= sys.version_info[:2] <= NEWEST_PYTHON:
        which = "newer than" if sys.version_info[:2] > NEWEST_PYTHON else "older than"
        sys.exit(f"The series is tested with Python 3.{OLDEST_PYTHON[1]} to 3.{NEWEST_PYTHON[1]}; this is Python "
                 f"{sys.version.split()[0]} ({sys.executable}), {which} that range, and the tested package "
                 "versions may not install on it.\n"
                 f"Windows: install Python 3.13 from python.org (or `py install 3.13`) and run `py -3.13 {command}`.\n"
                 f"macOS: install Python 3.13 from python.org (or `brew install python@3.13`) and run "
                 f"`python3.13 {command}`.\n"
                 f"Linux: use your distribution's python3 if it is 3.{OLDEST_PYTHON[1]} or newer (Debian 12, Ubuntu 22.04 and "
                 f"24.04 are), or install 3.13 (for example `uv python install 3.13`) and run `python3.13 {command}`.")
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
