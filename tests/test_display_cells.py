"""Which code cells learners see (CONTRIBUTING.md, convention 2): the setup cell and cells tagged `explore`
or `exercise` stay visible; every other code cell is a display cell whose input JupyterLab
collapses (`metadata.jupyter.source_hidden`) and the website hides (tag `hide-input`).
`python3 run.py execute` sets this; these tests check every lesson and the rule itself."""

from __future__ import annotations

import copy

import nbformat
import pytest

from tools.notebook_tools import display_cell_problems, lesson_notebooks, mark_display_cells

LESSONS = lesson_notebooks()


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_display_cells_are_hidden_and_the_rest_shown(path):
    nb = nbformat.read(path, as_version=4)
    assert display_cell_problems(nb) == []
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "hide-input" not in code[0].metadata.get("tags", []), "the setup cell must stay visible"
    assert "jupyter" not in code[0].metadata


def _lesson():
    return nbformat.read(LESSONS[3], as_version=4)


def test_rule_keeps_setup_explore_and_exercise_cells_visible():
    nb = _lesson()
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[2].metadata["tags"] = ["explore"]
    code[3].metadata["tags"] = ["exercise", "hide-input"]
    code[3].metadata["jupyter"] = {"source_hidden": True}
    mark_display_cells(nb)
    assert display_cell_problems(nb) == []
    assert code[2].metadata == {"tags": ["explore"]}
    assert code[3].metadata == {"tags": ["exercise"]}
    assert code[1].metadata == {"jupyter": {"source_hidden": True}, "tags": ["hide-input"]}
    assert mark_display_cells(copy.deepcopy(nb)) is None  # idempotent: a second pass changes nothing
    again = copy.deepcopy(nb)
    mark_display_cells(again)
    assert again == nb


def test_rule_violations_are_reported():
    nb = _lesson()
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].metadata["tags"] = ["hide-input"]
    code[1].metadata.pop("jupyter")
    problems = display_cell_problems(nb)
    assert any(p.startswith("code cell 1 is the setup cell") for p in problems)
    assert any(p.startswith("code cell 2 is a display cell") and "source_hidden=False" in p for p in problems)
