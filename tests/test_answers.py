"""Free-text answer boxes (helpers/answers.py): an empty box says so and reveals nothing; a written
answer is saved to the record and only then shows the model answer and the rubric; model answers
in the notebooks parse, are unique, and their numbers trace to data/."""

from __future__ import annotations

import json

import nbformat
import pytest

from helpers import record
from helpers.answers import (CASE_RUBRIC, EMPTY_MESSAGE, THINK_RUBRIC, answer_box, answer_boxes_in,
                             markdown_html)
from tools.notebook_tools import lesson_notebooks
from test_claims_trace import untraced_numbers

MODEL = "1. **Damage.** aHSCT acts on the *immune attack*.\n2. It cannot repair <lost axons>.\n\nOne sentence."


def test_an_empty_answer_box_says_so_and_reveals_nothing(recording):
    box = answer_box("t_test", 3, "A prompt", MODEL)
    for text in ("", "   \n "):
        box.controls["text"].value = text
        box.controls["save"].click()
        assert EMPTY_MESSAGE.split(".")[0] in box.outputs["status"].value
        assert box.outputs["reveal"].value == ""
        assert not set(box.controls["rubric"]) & set(box.children)
    assert not (recording / record.RECORD_NAME).exists() or "t_test" not in (recording / record.RECORD_NAME).read_text()


def test_a_written_answer_is_saved_then_the_model_answer_and_rubric_appear(recording):
    box = answer_box("t_test", 3, "A prompt", MODEL, sources=["burt_2019"])
    assert box.outputs["reveal"].value == ""
    box.controls["text"].value = "It resets the immune system; it does not repair."
    box.controls["save"].click()
    assert "Saved" in box.outputs["status"].value
    reveal = box.outputs["reveal"].value
    assert reveal.startswith('<details class="series-model-answer">')
    assert "<b>Damage.</b>" in reveal and "<i>immune attack</i>" in reveal and "&lt;lost axons&gt;" in reveal
    assert "Burt" in reveal
    assert set(box.controls["rubric"]) <= set(box.children)
    box.controls["rubric"][0].value = True
    saved = json.loads((recording / record.RECORD_NAME).read_text(encoding="utf-8"))["answers"]["t_test"]
    assert saved == {"lesson": 3, "title": "A prompt", "text": "It resets the immune system; it does not repair.",
                     "rubric": [True, False, False]}
    # a new box for the same prompt (the cell run again, or after a restart) shows the saved answer
    record.use_record(None)
    again = answer_box("t_test", 3, "A prompt", MODEL)
    assert again.controls["text"].value.startswith("It resets")
    assert again.outputs["reveal"].value == reveal.replace(
        "<p><small><b>Sources:</b>", "").split("<p><small>")[0] or again.outputs["reveal"].value
    assert [t.value for t in again.controls["rubric"]] == [True, False, False]


def test_the_two_kinds_of_rubric_and_a_wrong_kind(recording):
    for box, rubric in ((answer_box("a", 1, "t", MODEL), THINK_RUBRIC),
                        (answer_box("b", 9, "t", MODEL, kind="case"), CASE_RUBRIC)):
        assert box.controls["rubric"] == []  # made only when the model answer is revealed
        box.controls["text"].value = "An answer."
        box.controls["save"].click()
        assert [t.description for t in box.controls["rubric"]] == list(rubric)
    with pytest.raises(ValueError, match="valid: think, case"):
        answer_box("c", 1, "t", MODEL, kind="essay")


def test_under_the_test_suite_the_box_starts_empty_and_records_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(record.DISABLE_ENV, "1")
    monkeypatch.setenv(record.DIR_ENV, str(tmp_path))
    record.use_record(None)
    box = answer_box("t_test", 3, "A prompt", MODEL)
    box.controls["text"].value = "written"
    box.controls["save"].click()
    assert list(tmp_path.iterdir()) == []
    record.use_record(None)


def test_without_a_kernel_the_box_shows_its_model_answer_in_details():
    box = answer_box("t_static", 1, "A prompt", MODEL)
    bundle = box._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    static = data["text/html"]
    assert "<details" in static and "<b>Damage.</b>" in static and "<script" not in static


def test_markdown_subset_is_escaped_and_structured():
    assert markdown_html("- a\n- b **c**") == "<ul><li>a</li><li>b <b>c</b></li></ul>"
    assert markdown_html("x <script>") == "<p>x &lt;script&gt;</p>"
    assert markdown_html("1. one\n   continued\n2. two") == "<ol><li>one continued</li><li>two</li></ol>"


BOXES = [(p, box) for p in lesson_notebooks() for box in answer_boxes_in(nbformat.read(p, as_version=4))]


def test_model_answers_use_only_the_markdown_the_box_renders():
    """A link written as [text](url) would show its brackets and address to the learner
    (markdown_html renders no links), so model answers and titles hold none."""
    assert markdown_html("see [myelin](../docs/glossary.md#myelin)").count("](") == 1  # shown raw
    raw = [(p.name, box["answer_id"]) for p, box in BOXES
           if "](" in box["model_answer"] or "](" in box["title"]]
    assert BOXES and raw == []


def test_every_think_prompt_and_capstone_case_has_a_box():
    ids = [box["answer_id"] for _, box in BOXES]
    assert len(ids) == len(set(ids)), "answer box ids must be unique across the series"
    assert {"c09_case1", "c09_case2", "c09_case3", "t09_rewrite"} <= set(ids)
    lessons_with_boxes = {box["lesson"] for _, box in BOXES}
    assert lessons_with_boxes == set(range(10))
    for path, box in BOXES:
        assert path.name.startswith(f"{box['lesson']:02d}_"), f"{box['answer_id']} names the wrong lesson"
        assert box["model_answer"].strip(), f"{box['answer_id']} has no model answer"


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_numbers_in_model_answers_trace_to_the_knowledge_base(path, data_text):
    """Model answers live in code cells; their numbers are held to the same rule as lesson text."""
    boxes = answer_boxes_in(nbformat.read(path, as_version=4))
    fake = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(b["model_answer"]) for b in boxes])
    assert untraced_numbers(fake, path.stem, data_text) == []


@pytest.fixture(scope="module")
def data_text():
    from test_claims_trace import ROOT, _normal

    return _normal("\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.csv"))))


def test_my_progress_summarises_and_exports_a_file_to_hand_in(recording):
    import base64
    import re

    from helpers.answers import my_progress

    box = answer_box("c09_case1", 9, "Case 1: Sara and aHSCT", MODEL, kind="case")
    box.controls["text"].value = "MIST compared aHSCT with drugs; risk is not zero."
    box.controls["save"].click()
    record.on_check_answer({"quiz_id": "q09_01", "lesson": 9, "chosen": "a", "correct": True, "attempt": 1,
                            "confidence": "sure"})
    progress = my_progress()
    assert "09 · Capstone: case studies" in progress.outputs["summary"].value
    assert str(recording / record.RECORD_NAME) in progress.outputs["where"].value
    progress.controls["name"].value = "Ada"
    progress.controls["html"].click()
    link = progress.outputs["link"].value
    payload = re.search(r'href="data:text/html;charset=utf-8;base64,([^"]+)"', link).group(1)
    page = base64.b64decode(payload).decode("utf-8")
    assert "MIST compared aHSCT with drugs; risk is not zero." in page and "Name: Ada" in page
    assert (recording / "my_series_record.html").read_text(encoding="utf-8") == page
    progress.controls["md"].click()
    assert "### 09 · Capstone: case studies: Case 1: Sara and aHSCT" in \
        (recording / "my_series_record.md").read_text(encoding="utf-8")


def test_my_progress_under_the_test_suite_shows_a_neutral_notice(monkeypatch):
    from helpers.answers import my_progress

    monkeypatch.setenv(record.DISABLE_ENV, "1")
    record.use_record(None)
    progress = my_progress()
    assert "when you run the lessons yourself" in progress.outputs["summary"].value
    assert "nothing is recorded while the notebooks are tested" in progress.outputs["where"].value
    record.use_record(None)
