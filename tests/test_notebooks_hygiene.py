"""Notebooks are source code: executed cleanly, following the lesson template, listed in the README."""

from __future__ import annotations

import copy

import nbformat
import pytest

from tools.notebook_tools import ROOT, hygiene_problems, lesson_notebooks, readme_lessons

NOTEBOOKS = lesson_notebooks()


def test_series_has_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no lesson notebooks"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


def test_notebook_numbers_are_consecutive():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(numbers))), f"lesson numbers must run 00, 01, ...; found {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_house_rules(path):
    nb = nbformat.read(path, as_version=4)
    assert hygiene_problems(nb, path, NOTEBOOKS) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_metadata_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags", "jupyter"}, f"stray cell metadata {sorted(cell.metadata)} in {path.name}"
        assert cell.metadata.get("jupyter", {"source_hidden": True}) == {"source_hidden": True}


def test_readme_lists_every_lesson_in_order():
    listed = readme_lessons((ROOT / "README.md").read_text(encoding="utf-8"))
    assert listed == [p.name for p in NOTEBOOKS]


# ---- the rules themselves can fail: each broken copy of a real lesson is caught -------------
@pytest.fixture(scope="module")
def lesson():
    path = NOTEBOOKS[0]
    return path, nbformat.read(path, as_version=4)


def _code_indices(nb):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def _broken(lesson, mutate):
    path, nb = lesson
    nb = copy.deepcopy(nb)
    mutate(nb)
    return " | ".join(hygiene_problems(nb, path, NOTEBOOKS))


def test_rule_error_output_is_caught(lesson):
    def mutate(nb):
        nb.cells[_code_indices(nb)[-1]].outputs.append(
            nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[]))
    assert "error output" in _broken(lesson, mutate)


def test_rule_execution_counts_are_caught(lesson):
    def mutate(nb):
        nb.cells[_code_indices(nb)[-1]].execution_count = None
    assert "execution count None" in _broken(lesson, mutate)


def test_rule_missing_template_parts_are_caught(lesson):
    def mutate(nb):
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = cell.source.replace("## Key points", "## Summary").replace("**Prerequisites", "**Before")
    found = _broken(lesson, mutate)
    assert "Key points" in found and "Prerequisites" in found


def test_rule_title_and_navigation_are_caught(lesson):
    def mutate(nb):
        nb.cells[0].source = "# Start here\n\nno navigation"
    found = _broken(lesson, mutate)
    assert "title" in found and "contents" in found


def test_rule_unseeded_randomness_is_caught(lesson):
    def mutate(nb):
        nb.cells[_code_indices(nb)[-1]].source += "\nx = np.random.normal(size=3)"
    assert "without a fixed seed" in _broken(lesson, mutate)


def test_rule_imports_outside_setup_are_caught(lesson):
    def mutate(nb):
        nb.cells[_code_indices(nb)[-1]].source = "import scipy\n" + nb.cells[_code_indices(nb)[-1]].source
    assert "imports belong in the setup cell" in _broken(lesson, mutate)


def test_rule_heading_jump_is_caught(lesson):
    def mutate(nb):
        nb.cells.insert(2, nbformat.v4.new_markdown_cell("#### Too deep"))
    assert "heading levels jump" in _broken(lesson, mutate)


def test_rule_curation_notes_are_caught_in_text_and_outputs(lesson):
    def mutate(nb):
        nb.cells[1].source += "\n\nIts primary endpoint was not seen (checked November 2026)."
        nb.cells[_code_indices(nb)[-1]].outputs.append(nbformat.v4.new_output(
            "display_data", data={"text/html": "<td>Not given in the registry copies checked</td>"}))
    found = _broken(lesson, mutate)
    assert "markdown cell 1 has a curation note" in found and "copies checked" in found


def test_curation_rule_leaves_dated_facts_alone():
    from tools.notebook_tools import curation_voice

    assert curation_voice("No enrolment had been reported by November 2026; evidence checked in November 2026.") == []
    assert curation_voice("Neurons: not seen in adult fate-mapping studies") == []
    assert len(curation_voice("the number randomized was not seen; results not seen here")) == 2
    assert len(curation_voice("no results in the sources seen; type not stated in the reports seen; "
                              "results not yet summarised in this series")) == 3
    assert len(curation_voice("The source seen does not say how it was given")) == 1
    assert len(curation_voice("Here the series could not check whether the measure was fixed in advance")) == 1


def test_readme_parser_reads_table_order():
    text = "| # | Lesson |\n|---|---|\n| 01 | [B](notebooks/01_b.ipynb) |\n| 00 | [A](notebooks/00_a.ipynb) |\n"
    assert readme_lessons(text) == ["01_b.ipynb", "00_a.ipynb"]


def test_rule_broken_link_is_caught(lesson):
    def mutate(nb):
        nb.cells[1].source += "\n\nSee [lesson 42](42_nowhere.ipynb)."
    assert "42_nowhere.ipynb points at a file that does not exist" in _broken(lesson, mutate)


def test_glossary_page_is_up_to_date():
    from tools.notebook_tools import GLOSSARY_PAGE, glossary_markdown

    assert GLOSSARY_PAGE.read_text(encoding="utf-8") == glossary_markdown(), \
        "docs/glossary.md is stale: run `python3 run.py execute`"


def test_stored_widget_ids_are_stable_and_unique():
    """Re-executing a lesson must not rewrite widget ids: they are derived from the position."""
    from tools.notebook_tools import WIDGET_VIEW, stabilize_widget_ids

    def widget_output(model_id):
        return nbformat.v4.new_output("display_data", data={
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id}, "text/plain": "w"})

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b")])
    nb.cells[0].outputs = [widget_output("f" * 32), widget_output("e" * 32)]
    nb.cells[1].outputs = [widget_output("d" * 32)]
    again = copy.deepcopy(nb)
    again.cells[0].outputs[0]["data"][WIDGET_VIEW]["model_id"] = "0" * 32  # a different random id
    stabilize_widget_ids(nb, "05_x")
    stabilize_widget_ids(again, "05_x")
    ids = [o["data"][WIDGET_VIEW]["model_id"] for c in nb.cells for o in c.outputs]
    assert ids == [o["data"][WIDGET_VIEW]["model_id"] for c in again.cells for o in c.outputs]
    assert len(set(ids)) == 3 and all(len(i) == 32 for i in ids) and "f" * 32 not in ids


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_stored_widget_ids_come_from_the_project_command(path):
    """Lessons were executed with `run.py execute`, which derives widget ids from the position."""
    from tools.notebook_tools import stabilize_widget_ids

    nb = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(nb)
    stabilize_widget_ids(nb, path.stem)
    assert nb == stored, f"{path.name}: widget ids differ; re-run `python3 run.py execute`"


def test_execute_accepts_lesson_numbers_and_lists_choices_for_unknown_ones():
    from tools.notebook_tools import resolve_lesson

    first = lesson_notebooks()[0]
    assert resolve_lesson(first.name.split("_")[0]) == first
    assert resolve_lesson(str(first)) == first
    assert resolve_lesson(first.stem) == first
    with pytest.raises(ValueError, match=r"unknown lesson '99'.*00, 01"):
        resolve_lesson("99")
