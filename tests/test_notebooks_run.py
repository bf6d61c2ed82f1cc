"""Every lesson runs twice in one kernel ("Run all" twice) and never touches the network.

Stored outputs are compared separately by nbval (``--nbval`` in pyproject's pytest options).
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tools.notebook_tools import clean_notebook, lesson_notebooks, offline_kernel_env

NOTEBOOKS = lesson_notebooks()


def _run(nb, cwd, times: int = 1):
    """Execute all cells ``times`` times in one kernel; return the outputs of the last pass."""
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                            store_widget_state=False, allow_errors=True, resources={"metadata": {"path": str(cwd)}})
    with client.setup_kernel(env=offline_kernel_env()):
        for _ in range(times):
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    return nb


def _errors(nb):
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"]


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_twice_in_one_kernel(path):
    nb = nbformat.read(path, as_version=4)
    clean_notebook(nb)
    _run(nb, path.parent, times=2)
    assert _errors(nb) == []


@pytest.mark.notebook
def test_kernels_under_test_cannot_reach_the_network(tmp_path):
    attempts = [
        "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)",
        "import urllib.request\nurllib.request.urlopen('http://example.org', timeout=1)",
        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 9))",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in attempts])
    _run(nb, tmp_path)
    errors = _errors(nb)
    assert len(errors) == len(attempts), errors
    assert all("Network access is disabled" in e for e in errors), errors
