"""Learner tasks: lesson 00's sorting task, lesson 04's "can an X become a Y?", and the
predict-then-check tasks that replaced repeated figures. Each gives the right feedback, agrees
with the knowledge base or the model, and records the prediction."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import nbformat
import pytest

from helpers import record
from helpers.data import load_knowledge_base
from tools.notebook_tools import lesson_notebooks
from helpers.widgets import cells, intro, tasks


# ------------------------------------------------------------------ lesson 00: sorting task
def test_the_six_claims_span_the_scale_and_include_an_approved_product():
    kb = load_knowledge_base()
    effects = kb.therapy_effects.set_index("effect_id")
    levels = [str(effects.loc[e, "evidence_level"]) for e in intro.SORTING_CLAIMS]
    assert len(set(levels)) == 6, "six claims at six different levels"
    status = dict(zip(kb.therapies["therapy_id"], kb.therapies["status"].astype(str)))
    assert any(status[effects.loc[e, "therapy_id"]] in intro.APPROVED for e in intro.SORTING_CLAIMS)


def test_each_placement_gets_feedback_aimed_at_the_mistake():
    kb = load_knowledge_base()
    for effect_id in intro.SORTING_CLAIMS:
        truth = str(kb.therapy_effects.set_index("effect_id").loc[effect_id, "evidence_level"])
        assert intro.placement_feedback(effect_id, truth, kb)[0] is True
        for _, level in intro.sorting_levels(kb):
            if level != truth:
                correct, text = intro.placement_feedback(effect_id, level, kb)
                assert correct is False and "Not quite" in text and f"evidence-{truth}" in text
    # right test, wrong finding: NurOwn's phase 3 placed at R+
    assert "look again at what it found: no benefit" in intro.placement_feedback("e001", "rct_benefit", kb)[1]
    # an approved product placed above its badge: approval is not evidence
    text = intro.placement_feedback("e025", "rct_benefit", kb)[1]
    assert "but the test was a randomized trial on a surrogate" in text and "Approval is a separate tag" in text
    assert "not a test" in intro.placement_feedback("e031", "early_unclear", kb)[1]
    assert intro.placement_feedback("e033", None, kb) == (None, intro.notice_html(intro.UNPLACED))
    with pytest.raises(ValueError, match="valid"):
        intro.placement_feedback("e033", "gold_standard", kb)


def test_the_sorting_widget_scores_and_records_a_finished_sort(recording):
    kb = load_knowledge_base()
    widget = intro.evidence_sorting_task()
    menus = widget.controls["placements"]
    truth = kb.therapy_effects.set_index("effect_id")["evidence_level"].astype(str)
    menus["e033"].value = truth["e033"]
    widget.controls["check"].click()
    assert "1 of 6 placed right" in widget.outputs["score"].value and "5 claim(s) still to place" in \
        widget.outputs["score"].value
    assert not (recording / record.RECORD_NAME).exists()  # an unfinished sort is not recorded
    for effect_id, menu in menus.items():
        menu.value = truth[effect_id]
    menus["e001"].value = "rct_benefit"
    widget.controls["check"].click()
    assert "5 of 6 placed right" in widget.outputs["score"].value
    assert "✘" in widget.outputs["feedback"]["e001"].value and "✔" in widget.outputs["feedback"]["e033"].value
    saved = json.loads((recording / record.RECORD_NAME).read_text())["tasks"]["p00_sorting"]
    assert saved["correct"] is False and saved["prediction"] == "5 of 6 placed right"


def test_the_static_sorting_task_gives_each_answer_without_a_verdict():
    kb = load_knowledge_base()
    text = intro.static_sorting_html(kb)
    assert text.count("<details>") == len(intro.SORTING_CLAIMS)
    assert "Right." not in text and "✔" not in text  # the reader of a static page placed nothing
    for effect_id in intro.SORTING_CLAIMS:
        level = str(kb.therapy_effects.set_index("effect_id").loc[effect_id, "evidence_level"])
        assert kb.evidence_levels.set_index("level_id").loc[level, "label"] in text


# ------------------------------------------------------------------ lesson 04: can an X become a Y?
def test_become_answers_come_from_the_knowledge_base():
    answers = {pair: cells.become_answer(*pair)[0] for pair in cells.BECOME_PAIRS}
    assert answers[("msc", "motor_neuron")] is False
    assert answers[("opc", "oligodendrocyte")] is True
    assert answers[("hsc", "oligodendrocyte")] is False
    assert answers[("opc", "neuron")] is False
    assert True in answers.values() and False in answers.values()
    with pytest.raises(ValueError, match="questions with an answer: msc→motor_neuron"):
        cells.become_answer("motor_neuron", "msc")


def test_become_feedback_for_right_wrong_and_missing_predictions():
    assert "Your prediction is right" in cells.become_feedback_html("msc", "motor_neuron", False)
    wrong = cells.become_feedback_html("msc", "motor_neuron", True)
    assert "Not this time" in wrong and "It has not been shown" in wrong and "not shown" in wrong
    assert "Make your prediction first" in cells.become_feedback_html("msc", "motor_neuron", None)
    # a laboratory recipe (made from, dashed arrow) is not read as a fate in the body
    lab = cells.become_feedback_html("ipsc", "ipsc_motor_neuron", True)
    assert "in the laboratory" in lab and "not the same as becoming it in the body" in lab
    assert "in the laboratory" not in cells.become_feedback_html("opc", "oligodendrocyte", True)


def test_become_widget_reveals_only_after_a_prediction(recording):
    widget = cells.become_task()
    widget.controls["reveal"].click()
    assert "Make your prediction first" in widget.outputs["feedback"].value
    assert widget.outputs["image"].layout.display == "none" and widget.outputs["card"].value == ""
    widget.controls["prediction"].value = True
    widget.controls["reveal"].click()
    assert "Not this time" in widget.outputs["feedback"].value
    assert widget.outputs["image"].layout.display == "block" and widget.outputs["image"].value
    assert "Mesenchymal" in widget.outputs["card"].value
    assert json.loads((recording / record.RECORD_NAME).read_text())["tasks"]["p04_become_msc_motor_neuron"]["correct"] is False
    widget.controls["question"].value = ("opc", "oligodendrocyte")  # a new question clears the old answer
    assert widget.outputs["feedback"].value == "" and widget.controls["prediction"].value is None


# ------------------------------------------------------------------ predict, then check
def test_the_right_option_is_computed_by_the_model():
    assert tasks.run_task("p02_als_pathway")[0] == 1
    index, delay = tasks.conduction_outcome(0.3, 0.4)
    assert index == tasks.run_task("p03_conduction")[0] and 1 <= delay < 10
    assert tasks.conduction_outcome(0.3, 1.0)[0] == 0  # nothing lost, nothing measurable
    assert tasks.conduction_outcome(0.5, 0.15)[0] == 3  # the lesson's block setting
    index, delay = tasks.conduction_outcome(0.5, 0.2)  # the wider loss the feedback suggests trying
    assert index == 2 and 10 <= delay < 100 and "half of the internodes with a fifth" in tasks.TASKS[
        "p03_conduction"].why[1]
    index, n = tasks.power_outcome(0.25)
    assert index == tasks.run_task("p09_power")[0] and tasks.POWER_OPTIONS[index] == 110 and 80 < n < 150
    # the other options are the sizes the power curve's caption gives for the other two effects, so the
    # task and the caption printed under its answer cannot disagree
    from helpers.figures import therapy_tables as tt

    crossings = tt.power_summary().set_index("treatment_slowing")["n_at_target"]
    assert tasks.POWER_OPTIONS[1:] == tuple(tt._about(crossings[e]) for e in (0.4, 0.25, 0.15))


@pytest.mark.parametrize("task_id", sorted(tasks.TASKS))
def test_predictions_get_the_right_feedback(task_id):
    task = tasks.TASKS[task_id]
    right = tasks.run_task(task_id)[0]
    assert task.why[right].startswith("Yes") or task_id == "p03_conduction"
    for choice in range(len(task.options)):
        correct, text = tasks.prediction_feedback(task_id, choice)
        assert correct is (choice == right)
        assert ("matches the model" in text) is (choice == right)
        assert task.why[choice] in text.replace("&#x27;", "'")
    assert tasks.prediction_feedback(task_id, None) == (None, tasks.notice_html(tasks.CHOOSE_FIRST))
    with pytest.raises(ValueError, match="valid: p02_als_pathway"):
        tasks.run_task("p99_nothing")


def test_the_widget_runs_the_model_only_after_a_prediction(recording):
    widget = tasks.predict_then_check("p03_conduction")
    widget.controls["run"].click()
    assert tasks.CHOOSE_FIRST in widget.outputs["feedback"].value
    assert widget.outputs["image"].layout.display == "none"
    widget.controls["choice"].value = 3
    widget.controls["run"].click()
    assert "The model shows: It comes a few milliseconds later" in widget.outputs["feedback"].value
    assert widget.outputs["image"].layout.display == "block" and widget.outputs["image"].value
    saved = json.loads((recording / record.RECORD_NAME).read_text())["tasks"]["p03_conduction"]
    assert saved == {"lesson": 3, "title": "A demyelinated optic nerve",
                     "prediction": "No response at all: conduction is blocked", "correct": False}


def test_no_figure_is_repeated_byte_for_byte_across_the_series():
    seen = defaultdict(list)
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    seen[hashlib.sha1(png.encode()).hexdigest()].append(f"{path.stem} cell {i}")
    assert [places for places in seen.values() if len(places) > 1] == []


def test_every_lesson_has_one_optional_explore_cell_with_a_solution():
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        explore = [i for i, c in enumerate(nb.cells) if "explore" in c.metadata.get("tags", [])]
        assert len(explore) == 1, f"{path.name}: expected one cell tagged 'explore', found {len(explore)}"
        i = explore[0]
        assert nb.cells[i].cell_type == "code" and "#" not in nb.cells[i].source  # comments fail axe contrast
        assert "Optional: explore the data yourself" in nb.cells[i - 1].source
        assert nb.cells[i + 1].source.startswith("<details><summary>One solution</summary>")
        assert all(o.get("output_type") != "error" for o in nb.cells[i].outputs)


def test_without_a_kernel_each_task_shows_its_questions_and_answers_in_details():
    """The static site shows text/html instead of widgets: the tasks keep their questions there."""
    def static(widget):
        bundle = widget._repr_mimebundle_()
        return (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]

    page = static(tasks.predict_then_check("p09_power"))
    assert "<details>" in page and "About 110 per arm" in page and "<script" not in page
    page = static(intro.evidence_sorting_task())
    assert page.count("<details>") == 6 and "evidence-surrogate_benefit" in page
    page = static(cells.become_task())
    assert page.count("<details>") == len(cells.BECOME_PAIRS) and "No." in page and "Yes." in page


def test_without_a_kernel_each_task_names_a_lesson_section_that_shows_its_figure():
    """A website reader cannot run the model: the answer names where the same figure is drawn, and that
    section's stored output holds exactly the picture the task would draw."""
    import base64
    import json
    import re

    from helpers.style import figure_to_png
    from tools.notebook_tools import lesson_notebooks

    notebooks = {path.name[:2]: path for path in lesson_notebooks()}
    for task_id, task in tasks.TASKS.items():
        where = re.fullmatch(r"lesson (\d\d), section .*“(.+)”\)?", task.figure_shown_in)
        assert where, f"{task_id}: figure_shown_in must read 'lesson NN, section … “title”'"
        assert task.figure_shown_in in tasks.static_task_html(task_id)
        cells = json.loads(notebooks[where.group(1)].read_text(encoding="utf-8"))["cells"]
        heading = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                   and any(line.startswith("#") and where.group(2) in line for line in "".join(c["source"]).splitlines())]
        assert len(heading) == 1, f"{task_id}: section “{where.group(2)}” not found once"
        after = heading[0] + 1
        end = next((i for i in range(after, len(cells)) if cells[i]["cell_type"] == "markdown"
                    and "".join(cells[i]["source"]).lstrip().startswith("## ")), len(cells))
        stored = json.dumps([c.get("outputs", []) for c in cells[after:end]])
        _, _, make_figure = tasks.run_task(task_id)
        fresh = figure_to_png(make_figure())
        shown = [base64.b64decode(b) for b in re.findall(r"base64,([A-Za-z0-9+/=]+)", stored)]
        assert any(same_picture(fresh, png) for png in shown), task_id


def same_picture(a: bytes, b: bytes) -> bool:
    """Two PNGs show the same picture: equal bytes, or equal size with pixels that differ by at most
    a few levels in at most 0.1% of the picture. numpy computes log and exp with different last-bit
    rounding on different processors (AVX-512 or not), so a log axis can shift a few anti-aliased
    pixels by one level between the machine that stored the outputs and the one that runs the test."""
    import io

    import numpy as np
    from PIL import Image

    if a == b:
        return True
    x, y = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in (a, b))
    if x.shape != y.shape:
        return False
    diff = np.abs(x - y).max(axis=-1)
    return int(diff.max()) <= 4 and (diff > 0).mean() <= 0.001


def test_no_prediction_task_is_preceded_by_its_answer():
    """A "What to notice" line states what a figure shows; right before a prediction it gives the answer away."""
    import json

    from tools.notebook_tools import lesson_notebooks

    spoiled = []
    for path in lesson_notebooks():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for before, cell in zip(cells, cells[1:]):
            if cell["cell_type"] == "code" and "predict_then_check(" in "".join(cell["source"]) \
                    and "What to notice" in "".join(before["source"]):
                spoiled.append(f"{path.name}: {cell['id']}")
    assert spoiled == []


def test_same_picture_tells_a_shifted_pixel_from_another_figure():
    import io

    import numpy as np
    from PIL import Image

    def png(pixels) -> bytes:
        buffer = io.BytesIO()
        Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="png")
        return buffer.getvalue()

    base = np.full((100, 100, 3), 255)
    base[40:60, :, :] = 0                          # a thick black line
    nudged = base.copy()
    nudged[40, :5, 0] = 1                          # five pixels one level off: same picture
    moved = np.full((100, 100, 3), 255)
    moved[50:70, :, :] = 0                         # the line elsewhere: another picture
    assert same_picture(png(base), png(base)) and same_picture(png(base), png(nudged))
    assert not same_picture(png(base), png(moved))
    assert not same_picture(png(base), png(base[:90]))  # another size
