"""The lock files install on every platform and Python the README names.

requirements/lab.txt and requirements/test.txt are written by `python3 run.py lock`
(uv pip compile --universal --generate-hashes). These tests check that they are current with
pyproject.toml, agree with each other, and resolve -- binary wheels only, with pip's own
resolver, as a learner's `run.py` would -- for each supported platform/Python pair. The
resolution check asks PyPI (the package index) and downloads no wheel: the environment
markers are evaluated here for the target, then pip resolves from wheel metadata.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {name: ROOT / "requirements" / f"{name}.txt" for name in ("lab", "test")}
sys.path.insert(0, str(ROOT))
import run  # noqa: E402  (run.py: standard library only)


def _linux(glibc_minor: int, arch: str = "x86_64") -> list[str]:
    legacy = [f"manylinux1_{arch}", f"manylinux2010_{arch}", f"manylinux2014_{arch}"]
    return [f"manylinux_2_{minor}_{arch}" for minor in range(5, glibc_minor + 1)] + legacy + [f"linux_{arch}"]


def _macos(arch: str, newest: int) -> list[str]:
    versions = ([f"10_{minor}" for minor in range(9, 16)] if arch == "x86_64" else []) + \
        [f"{major}_0" for major in range(11, newest + 1)]
    arches = (arch, "universal2") + (("intel", "universal") if arch == "x86_64" else ())
    return [f"macosx_{version}_{a}" for version in versions for a in arches]


# (label, python_full_version, pip platform tags, marker environment)
LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"}
MAC_INTEL = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "x86_64"}
MAC_ARM = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64"}
WINDOWS = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"}
TARGETS = [
    ("ubuntu-22.04-py3.10.12", "3.10.12", _linux(35), LINUX),
    ("debian-12-py3.11.2", "3.11.2", _linux(36), LINUX),
    ("linux-py3.11.7", "3.11.7", _linux(36), LINUX),
    ("ubuntu-24.04-py3.12.3", "3.12.3", _linux(39), LINUX),
    ("linux-py3.13.1", "3.13.1", _linux(39), LINUX),
    ("macos-intel-py3.10", "3.10.11", _macos("x86_64", 13), MAC_INTEL),
    ("macos-intel-py3.12", "3.12.8", _macos("x86_64", 13), MAC_INTEL),
    ("macos-arm-py3.11", "3.11.9", _macos("arm64", 14), MAC_ARM),
    ("macos-arm-py3.13", "3.13.1", _macos("arm64", 14), MAC_ARM),
    ("windows-py3.10", "3.10.11", ["win_amd64"], WINDOWS),
    ("windows-py3.11", "3.11.9", ["win_amd64"], WINDOWS),
    ("windows-py3.12", "3.12.8", ["win_amd64"], WINDOWS),
    ("windows-py3.13", "3.13.1", ["win_amd64"], WINDOWS),
    ("linux-py3.14.0", "3.14.0", _linux(39), LINUX),
    ("macos-arm-py3.14", "3.14.0", _macos("arm64", 15), MAC_ARM),
    ("windows-py3.14", "3.14.0", ["win_amd64"], WINDOWS),
    # 3.15: python.org's default since October 2026; matplotlib forks there (3.10.9 has no build for it)
    ("linux-py3.15.0", "3.15.0", _linux(39), LINUX),
    ("macos-intel-py3.15", "3.15.0", _macos("x86_64", 13), MAC_INTEL),
    ("macos-arm-py3.15", "3.15.0", _macos("arm64", 15), MAC_ARM),
    ("windows-py3.15", "3.15.0", ["win_amd64"], WINDOWS),
]


def test_the_newest_python_run_py_accepts_is_in_the_matrix():
    """run.py refuses a Python newer than NEWEST_PYTHON (the next one's wheels may be missing), so
    every version it accepts must be resolved here on each system."""
    newest = ".".join(map(str, run.NEWEST_PYTHON))
    systems = {env["sys_platform"] for label, version, tags, env in TARGETS if version.startswith(newest + ".")}
    assert systems == {"linux", "darwin", "win32"}


def pins(lock: Path) -> list[tuple[str, str, str]]:
    """(name, version, marker) for every pinned line of a lock file."""
    text = lock.read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = re.sub(r"\s*--hash=\S+", "", line)
        spec, _, marker = requirement.partition(";")
        name, _, version = spec.strip().partition("==")
        found.append((name.strip().lower(), version.strip(), marker.strip()))
    return found


def environment(python_full: str, platform_env: dict[str, str]) -> dict[str, str]:
    major_minor = ".".join(python_full.split(".")[:2])
    return {"python_version": major_minor, "python_full_version": python_full, "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "platform_release": "", "platform_version": "",
            "implementation_version": python_full, **platform_env}


def selected(lock: Path, env: dict[str, str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name, version, marker in pins(lock):
        if not marker or Marker(marker).evaluate(env):
            assert name not in chosen, f"{lock.name}: two versions of {name} apply on {env['sys_platform']} " \
                                       f"Python {env['python_full_version']}"
            chosen[name] = version
    return chosen


def dry_run(target, tmp: Path) -> tuple[str, str]:
    """Resolve the test lock for one target with pip; return (label, problem or '').

    pip evaluates environment markers and Requires-Python for the machine it runs on, not for
    --platform/--python-version, so it is asked only whether every selected pin has a binary
    wheel for the target (--no-deps); the dependency markers and Requires-Python of those
    wheels are then evaluated here, for the target.
    """
    label, python_full, tags, platform_env = target
    env = environment(python_full, platform_env)
    chosen = selected(LOCKS["test"], env)
    requirements = tmp / f"{label}.txt"
    requirements.write_text("".join(f"{name}=={version}\n" for name, version in sorted(chosen.items())))
    report = tmp / f"{label}.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--no-deps",
           "--ignore-requires-python", "--disable-pip-version-check", "--only-binary=:all:",
           "--implementation", "cp", "--python-version", ".".join(python_full.split(".")[:2]),
           "--target", str(tmp / "target"), "--report", str(report),
           *(arg for tag in tags for arg in ("--platform", tag)), "-r", str(requirements)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if result.returncode:
        errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        return label, "\n".join(errors or result.stderr.splitlines()[-10:])
    problems = []
    names = {canonical(name) for name in chosen}
    for item in json.loads(report.read_text())["install"]:
        metadata = item["metadata"]
        requires_python = metadata.get("requires_python")
        if requires_python and python_full not in SpecifierSet(requires_python):
            problems.append(f"{metadata['name']} {metadata['version']} needs Python {requires_python}")
        for dependency in metadata.get("requires_dist") or []:
            requirement = Requirement(dependency)
            if requirement.marker and not requirement.marker.evaluate({**env, "extra": ""}):
                continue
            if canonical(requirement.name) not in names:
                problems.append(f"{metadata['name']} needs {requirement.name}, which the lock does not pin here")
    return label, "; ".join(problems)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def resolution(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lock-matrix")
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(lambda target: dry_run(target, tmp), TARGETS))


@pytest.mark.install
@pytest.mark.parametrize("label", [target[0] for target in TARGETS])
def test_lock_resolves_with_binary_wheels_on(label, resolution):
    assert resolution[label] == "", f"{label}: {resolution[label]}"


def test_locks_are_current_with_pyproject():
    for name, lock in LOCKS.items():
        header = re.search(r"pyproject-dependencies-sha256: (\w+)", lock.read_text())
        assert header and header.group(1) == run.dependencies_digest(), \
            f"requirements/{name}.txt is older than pyproject.toml: run `python3 run.py lock`"


def test_lab_lock_is_the_test_lock_minus_test_tools():
    for target in TARGETS:
        env = environment(target[1], target[3])
        lab, test = selected(LOCKS["lab"], env), selected(LOCKS["test"], env)
        assert set(lab) < set(test)
        assert {name: test[name] for name in lab} == lab, f"lab and test pin different versions on {target[0]}"


def test_every_lock_line_is_hashed():
    for lock in LOCKS.values():
        text = lock.read_text().replace("\\\n", " ")
        for line in text.splitlines():
            if re.match(r"^[A-Za-z0-9]", line):
                assert "--hash=sha256:" in line, f"{lock.name}: {line[:60]} has no hash"


def test_debian_12_python_gets_a_soupsieve_it_can_run():
    # The bug this lock replaced: a pip freeze pinned soupsieve 4.1.3, which needs Python >= 3.11.5.
    chosen = selected(LOCKS["lab"], environment("3.11.2", LINUX))
    assert chosen["soupsieve"].split(".")[0] in {"2", "3"}, chosen["soupsieve"]


def test_platform_markers_are_evaluated_per_target():
    assert "colorama" in selected(LOCKS["test"], environment("3.12.8", WINDOWS))
    assert "colorama" not in selected(LOCKS["test"], environment("3.12.8", LINUX))
