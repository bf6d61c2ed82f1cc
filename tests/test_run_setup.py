"""run.py's set-up tells a newcomer what went wrong and does not run pip again without need:
a Python outside the tested range gets a message naming a fix for each system, a failed pip run
shows its real reason, and the install stamp ignores what does not change the install."""

from __future__ import annotations

import sys

import pytest

from tools.notebook_tools import ROOT

sys.path.insert(0, str(ROOT))
import run  # noqa: E402  (run.py: standard library only)


@pytest.mark.parametrize("version, which", [((3, 9, 18), "older than"), ((3, run.NEWEST_PYTHON[1] + 1, 0), "newer than")])
def test_a_python_outside_the_tested_range_is_told_how_to_get_one(monkeypatch, version, which):
    monkeypatch.setattr(run.sys, "version_info", (*version, "final", 0))
    monkeypatch.setitem(run.COMMANDS, "test", lambda args: pytest.fail("the version check let it through"))
    with pytest.raises(SystemExit) as stop:
        run.main(["test"])
    message = str(stop.value)
    assert f"Python 3.10 to 3.{run.NEWEST_PYTHON[1]}" in message and which in message
    for advice in ("py -3.13 run.py test", "python3.13 run.py test", "Linux:"):
        assert advice in message  # the command the learner typed, for each system


def test_the_newest_tested_python_is_accepted(monkeypatch):
    monkeypatch.setattr(run.sys, "version_info", (*run.NEWEST_PYTHON, 0, "final", 0))
    with pytest.raises(SystemExit) as stop:
        run.main(["--help"])  # past the version check: prints the usage
    assert stop.value.code == 0


def test_a_failed_pip_run_shows_the_compiler_error_and_the_hash_it_got():
    log = ["Collecting matplotlib==3.10.9", "  Downloading matplotlib-3.10.9.tar.gz",
           *[f"  building step {i}" for i in range(40)],
           "  ERROR: Unknown compiler(s): [['cl'], ['cc'], ['gcc'], ['clang']]",
           "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
           "    numpy==2.3.5 from https://example.org/numpy.whl:",
           "        Expected sha256 abc", "             Got        def",
           *[f"line {i}" for i in range(40)]]
    shown = run.pip_reason(log)
    assert "  ERROR: Unknown compiler(s): [['cl'], ['cc'], ['gcc'], ['clang']]" in shown  # indented: was dropped
    assert "    numpy==2.3.5 from https://example.org/numpy.whl:" in shown  # the continuation of an ERROR line
    assert "             Got        def" in shown
    assert shown[-1] == "line 39" and "  building step 0" not in shown  # the end of the log, not all of it


def test_the_install_stamp_ignores_a_security_update_and_test_settings(tmp_path, monkeypatch):
    before = run.install_digests()
    monkeypatch.setattr(run.sys, "version", sys.version + " (rebuilt by a security update)")
    assert run.install_digests() == before  # the build date is not the version

    project = tmp_path / "project"
    project.mkdir()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(run, "ROOT", project)
    same = run.package_metadata()
    (project / "pyproject.toml").write_text(text.replace("[tool.pytest.ini_options]",
                                                         "[tool.pytest.ini_options]\nxfail_strict = true"),
                                            encoding="utf-8")
    assert run.package_metadata() == same  # a pytest option does not send anyone back to pip
    (project / "pyproject.toml").write_text(text.replace("[tool.setuptools]", "[tool.setuptools]\nzip-safe = false"),
                                            encoding="utf-8")
    assert run.package_metadata() != same  # what the package installs does
    (project / "pyproject.toml").write_text(text.replace("[project]", "[project]\n# a new dependency"),
                                            encoding="utf-8")
    assert run.package_metadata() != same


def test_a_snap_browser_is_not_chosen_and_ubuntu_is_recognised(tmp_path):
    shim = tmp_path / "chromium-browser"
    shim.write_text("#!/bin/sh\nexec /snap/bin/chromium \"$@\"\n")  # Ubuntu's transitional launcher
    program = tmp_path / "chromium"
    program.write_bytes(b"\x7fELF" + b"\0" * 64)
    assert run.is_snap(shim) and not run.is_snap(program)
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')
    assert run.linux_distribution(release) == "ubuntu"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    assert run.linux_distribution(release) == "debian"
    assert run.linux_distribution(tmp_path / "missing") == ""


def test_offline_an_earlier_install_of_the_helpers_is_used(tmp_path, monkeypatch):
    """Re-installing the package needs setuptools from PyPI; offline, run.py goes on with the
    earlier install instead of stopping the lesson (and does not mark the install as done)."""
    venv = tmp_path / "venv"
    venv.mkdir()
    monkeypatch.setattr(run, "VENV", venv)
    monkeypatch.setattr(run, "ensure_venv", lambda: None)
    calls = []

    def pip(args, what, unless=None):  # run._pip's contract, with the editable install failing as offline
        calls.append(args[:2])
        if args[:2] != ["install", "--no-deps"]:
            return True
        if unless is not None and unless():
            return False
        raise SystemExit(f"[run.py] {what} failed")

    monkeypatch.setattr(run, "_pip", pip)
    monkeypatch.setattr(run, "helpers_installed_here", lambda: True)
    run.ensure_packages(None)
    assert calls == [["install", "--require-hashes"], ["install", "--no-deps"]]
    assert not (venv / ".series-installed").exists()  # tried again next time
    calls.clear()
    monkeypatch.setattr(run, "helpers_installed_here", lambda: False)
    with pytest.raises(SystemExit, match="helpers package failed"):  # never installed here: the error is shown
        run.ensure_packages(None)
    assert calls == [["install", "--require-hashes"], ["install", "--no-deps"]]  # pip is not run a second time


def test_the_helpers_probe_recognises_this_folder():
    assert run.helpers_installed_here()  # the test venv's editable install points here


def test_pip_failure_is_returned_only_when_it_can_be_lived_with(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "VENV", tmp_path)
    monkeypatch.setattr(run, "PY", sys.executable)
    missing = ["install", "--no-index", "--dry-run", "no-such-package-for-the-series"]  # fails at once, offline
    assert run._pip(missing, "a test install", unless=lambda: True) is False
    with pytest.raises(SystemExit, match="a test install failed"):
        run._pip(missing, "a test install", unless=lambda: False)
    with pytest.raises(SystemExit, match="a test install failed"):
        run._pip(missing, "a test install")
