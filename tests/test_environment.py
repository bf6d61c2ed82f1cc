"""The conda environments agree exactly with the lock files (names and versions).

pyproject.toml is the one source of truth for dependencies; `python3 run.py lock` resolves it
into requirements/*.txt and from those writes binder/environment.yml (Binder: runtime only,
every package pinned) and environment.yml (conda users: the direct dependencies from
conda-forge). These tests compare every name and version with the lock, so Binder and conda
users run the versions the suite tested.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from packaging.markers import Marker

from test_install import LINUX, environment, selected

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402  (run.py: standard library only)

REQ_RE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")
CONDA_ENV = environment(run.CONDA_PYTHON_FULL, LINUX)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _direct_requirements(with_test: bool) -> list[str]:
    """Names of the direct dependencies that apply on the conda environments' Python."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + (project["optional-dependencies"]["test"] if with_test else [])
    applies = [r for r in requirements if ";" not in r or Marker(r.split(";", 1)[1]).evaluate(CONDA_ENV)]
    return [canonical(REQ_RE.match(r.split(";")[0]).group(1)) for r in applies]


def parse_environment(path: Path) -> tuple[str, dict[str, str], dict[str, str]]:
    """(python spec, {conda name: version}, {pip name: version}) of an environment.yml."""
    text = path.read_text()
    conda, pip, python, section = {}, {}, None, None
    for line in text[text.index("dependencies:"):].splitlines()[1:]:
        if re.match(r"^\s+- pip:\s*$", line):
            section = pip
            continue
        match = re.match(r"^(\s+)-\s+(\S+)\s*$", line)
        assert match, f"{path.name}: cannot read {line!r}"
        item = match.group(2)
        if item.startswith("python="):
            python = item.split("=", 1)[1]
        elif item == "pip":
            continue
        else:
            name, sep, version = item.partition("==")
            assert sep, f"{path.name}: {item} is not pinned to one version (name==version)"
            (pip if section is pip and len(match.group(1)) > 4 else conda)[canonical(name)] = version
    return python, conda, pip


def test_binder_environment_is_the_runtime_lock_exactly():
    python, conda, pip = parse_environment(ROOT / "binder" / "environment.yml")
    assert python == run.CONDA_PYTHON and run.CONDA_PYTHON_FULL.startswith(run.CONDA_PYTHON + ".")
    assert conda == {}, "Binder installs every package with pip, from the lock (same wheels as the tests)"
    locked = {canonical(name): version for name, version in selected(run.LOCKS["lab"], CONDA_ENV).items()}
    assert pip == locked, (f"binder/environment.yml differs from requirements/lab.txt: "
                           f"{sorted(set(pip.items()) ^ set(locked.items()))}; run `python3 run.py lock`")


def test_binder_runtime_has_no_test_tools_or_browser():
    _, _, pip = parse_environment(ROOT / "binder" / "environment.yml")
    assert not {"pytest", "playwright", "nbval", "pytest-playwright"} & set(pip)
    assert set(_direct_requirements(with_test=False)) <= set(pip)


def test_conda_environment_pins_every_direct_dependency_at_the_locked_version():
    python, conda, pip = parse_environment(ROOT / "environment.yml")
    assert python == run.CONDA_PYTHON
    locked = {canonical(name): version for name, version in selected(run.LOCKS["test"], CONDA_ENV).items()}
    wanted = _direct_requirements(with_test=True)
    assert sorted({**conda, **pip}) == sorted(wanted)
    for name, version in {**conda, **pip}.items():
        assert version == locked[name], f"environment.yml pins {name}=={version}, the lock {locked[name]}"


def test_conda_environment_never_asks_conda_forge_for_the_node_playwright():
    # On conda-forge `playwright` is the Node.js program; the Python library comes from PyPI here.
    _, conda, pip = parse_environment(ROOT / "environment.yml")
    assert "playwright" not in conda and "playwright" in pip
    assert set(pip) == {canonical(n) for n in run.PIP_ONLY}


def test_the_parser_rejects_a_range():
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "environment.yml"
        path.write_text("dependencies:\n  - python=3.11\n  - numpy>=1.26\n")
        with pytest.raises(AssertionError, match="not pinned"):
            parse_environment(path)


def test_binder_post_build_installs_the_package_and_nothing_is_left_at_the_top():
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install --no-deps" in post_build.read_text()
    # repo2docker ignores top-level configuration when binder/ exists: none may pretend otherwise.
    assert not (ROOT / "postBuild").exists()


def test_locks_pin_every_direct_dependency():
    for lock, with_test in (("lab", False), ("test", True)):
        pinned = set(selected(run.LOCKS[lock], CONDA_ENV))
        missing = sorted(set(_direct_requirements(with_test)) - {canonical(n) for n in pinned})
        assert missing == [], f"requirements/{lock}.txt lacks {missing}; run `python3 run.py lock`"
