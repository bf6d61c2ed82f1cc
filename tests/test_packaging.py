"""The knowledge base travels with the package, and a checkout's own data/ wins.

A normal (non-editable) install must work without this repository: the wheel ships data/ as
package data (helpers/_data/, read through importlib.resources). The slow test builds the wheel
offline, installs it into a new virtual environment outside the repository and executes lesson
00 from a copy of notebooks/ there. The dependencies of that environment are the ones already
installed for the tests (a path entry, so the test needs no network and leaves out the
editable install of this checkout).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from helpers import data
from helpers.data import SCHEMA, find_data_dir

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- where data is found
def _checkout(base: Path) -> Path:
    (base / "helpers").mkdir(parents=True)
    (base / "helpers" / "data.py").write_text("# marker\n")
    (base / "data").mkdir()
    (base / "notebooks").mkdir()
    return base


def test_series_data_dir_wins(tmp_path, monkeypatch):
    _checkout(tmp_path / "checkout")
    monkeypatch.setenv("SERIES_DATA_DIR", str(tmp_path / "edited"))
    assert find_data_dir(tmp_path / "checkout" / "notebooks") == tmp_path / "edited"


def test_a_checkouts_own_data_wins_from_its_notebooks_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SERIES_DATA_DIR", raising=False)
    checkout = _checkout(tmp_path / "class" / "series")
    assert find_data_dir(checkout / "notebooks") == checkout / "data"
    assert find_data_dir(checkout) == checkout / "data"


def test_a_folder_named_data_alone_is_not_a_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("SERIES_DATA_DIR", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    # Not a checkout: the package's own data (here: this repository's, an editable install).
    assert find_data_dir(tmp_path / "notebooks") == ROOT / "data"


def test_the_wheel_is_configured_to_ship_every_table():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"helpers._data" = "data"' in text and '"helpers._data" = ["*.csv", "README.md"]' in text
    assert sorted(p.stem for p in (ROOT / "data").glob("*.csv")) == sorted(SCHEMA)
    assert data.DEFAULT_DATA_DIR == ROOT / "data"  # the suite runs from this checkout


# --------------------------------------------------------------------------- the built wheel
def _build_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("helpers", "data"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "_data"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "--disable-pip-version-check", "-w", str(tmp / "dist"), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = (tmp / "dist").glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a new venv with only the wheel installed, scratch folder, environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(tmp)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                             "--no-index", "--disable-pip-version-check", str(wheel)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The test environment's packages, as plain path entries: their .pth files (among them the
    # editable install of this checkout) are not run, so `helpers` can only come from the wheel.
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    kernels = tmp / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "wheel venv", "language": "python"}))
    env = {k: v for k, v in os.environ.items() if k not in ("SERIES_DATA_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(JUPYTER_PATH=str(tmp / "jupyter"), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"), PYTHONHASHSEED="0")
    yield python, tmp, env, wheel


def _run(python: Path, code: str, cwd: Path, env: dict) -> str:
    result = subprocess.run([str(python), "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


def test_the_wheel_holds_every_table(installed):
    names = set(zipfile.ZipFile(installed[3]).namelist())
    missing = [table for table in SCHEMA if f"helpers/_data/{table}.csv" not in names]
    assert missing == [] and "helpers/_data/README.md" in names


def test_installed_wheel_loads_its_own_data_outside_the_repository(installed):
    python, tmp, env, _ = installed
    out = _run(python, """
        import helpers, helpers.data as d
        kb = d.load_knowledge_base()
        print(helpers.__file__); print(d.DEFAULT_DATA_DIR); print(sum(kb.counts().values()))
        """, cwd=tmp, env=env)
    module, data_dir, rows = out.split()
    assert Path(module).is_relative_to(tmp / "venv"), module
    assert Path(data_dir).is_relative_to(tmp / "venv") and Path(data_dir).name == "_data", data_dir
    from helpers.data import load_knowledge_base

    assert int(rows) == sum(load_knowledge_base(ROOT / "data").counts().values())


def test_lesson_00_runs_from_a_copied_notebooks_folder(installed):
    python, tmp, env, _ = installed
    elsewhere = tmp / "my lessons" / "notebooks"  # a space in the path, as on many laptops
    shutil.copytree(ROOT / "notebooks", elsewhere, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    out = _run(python, """
        import nbformat
        from nbclient import NotebookClient
        nb = nbformat.read("00_start_here.ipynb", as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        print("errors", len(errors), "code-cells", sum(c.cell_type == "code" for c in nb.cells))
        """, cwd=elsewhere, env=env)
    assert "errors 0 " in out, out


def test_a_checkout_pulled_onto_a_hub_reads_its_own_data(installed):
    """The image has the package installed; an instructor's data fix pulled into ~/series wins."""
    python, tmp, env, _ = installed
    checkout = _checkout(tmp / "home" / "series")
    _run(python, f"""
        import helpers.data as d
        from pathlib import Path
        assert d.DEFAULT_DATA_DIR == Path({str(checkout / 'data')!r}), d.DEFAULT_DATA_DIR
        """, cwd=checkout / "notebooks", env=env)
