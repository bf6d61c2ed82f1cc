"""pyproject.toml is the one source of truth for dependencies; environment.yml must agree."""

from __future__ import annotations

import re
import sys

import pytest

from helpers.notebook_tools import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

REQ_RE = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def _parse(requirement: str) -> tuple[str, str]:
    name, spec = REQ_RE.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return dict(_parse(r) for r in requirements)


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


def test_constraints_pin_every_direct_dependency():
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split(";")[0].split("==")
            pinned[name.strip().lower().replace("_", "-")] = version.strip()
    missing = sorted(set(_pyproject_requirements()) - set(pinned))
    assert missing == [], f"constraints.txt lacks {missing}; run `python3 run.py lock`"
