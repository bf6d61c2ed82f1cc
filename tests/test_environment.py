"""pyproject.toml is the one source of truth for dependencies; environment.yml must agree."""

from __future__ import annotations

import re
import sys

import pytest
from packaging.markers import Marker

from tools.notebook_tools import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

REQ_RE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def _parse(requirement: str) -> tuple[str, str]:
    name, spec = REQ_RE.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    """Every direct dependency that applies on the conda environment's Python (3.11)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    applies = [r for r in requirements if ";" not in r
               or Marker(r.split(";", 1)[1]).evaluate({"python_version": "3.11", "python_full_version": "3.11.0"})]
    return dict(_parse(r.split(";")[0]) for r in applies)


def _environment_requirements() -> dict[str, str]:
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        match = re.match(r"^\s+-\s+([A-Za-z][\w.\-]*)(\S*)\s*$", line)
        if match and match.group(1) not in ("python", "pip"):
            name, spec = _parse(match.group(1) + match.group(2))
            found[name] = spec
    return found


def test_environment_yml_agrees_with_pyproject():
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_pins_the_tested_python():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- python=3\.1[1-9]\s*$", text, re.MULTILINE)


def test_locks_pin_every_direct_dependency():
    for lock in ("lab", "test"):
        text = (ROOT / "requirements" / f"{lock}.txt").read_text()
        pinned = {m.group(1).lower().replace("_", "-") for m in re.finditer(r"^([A-Za-z0-9][\w.\-]*)==", text, re.M)}
        wanted = set(_pyproject_requirements()) if lock == "test" else {
            _parse(r)[0] for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
        missing = sorted(wanted - pinned)
        assert missing == [], f"requirements/{lock}.txt lacks {missing}; run `python3 run.py lock`"
