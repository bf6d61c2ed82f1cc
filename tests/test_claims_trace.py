"""Numbers that lessons state in their prose must trace to the knowledge base.

Percentages, p-values, hazard ratios, trial sizes and effect sizes written into a lesson's text
are the claims learners remember. Each must appear in a ``data/`` file, where it sits next to a
reference and an evidence level. The only exceptions are settings for the teaching models (the
lesson tells the learner which value to choose), listed below with the reason.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tools.notebook_tools import ROOT, lesson_notebooks

# Numbers that are instructions for a model widget, not claims about the world.
MODEL_SETTINGS = {
    ("01_nervous_system", "50%"): "conduction model: the learner sets the share of internodes that lost myelin",
    ("03_ms_what_goes_wrong", "30%"): "conduction model: the lesson's example demyelinates 30% of internodes",
    ("03_ms_what_goes_wrong", "0.3 points"): "relapse model: the learner raises the PIRA slider to 0.3 per year",
    ("03_ms_what_goes_wrong", "500 people"): "relapse model: number of simulated people",
    ("07_what_the_trials_show", "5%"): "trial simulator: the significance level (alpha) the simulator uses",
    ("07_what_the_trials_show", "20%"): "trial simulator: the learner sets the historical-control bias",
    ("07_what_the_trials_show", "90%"): "trial simulator: the middle share of simulated estimates the figure shows",
    ("09_capstone_case_studies", "20%"): "trial simulator: the learner sets the historical-control bias",
}

CLAIM = re.compile(
    r"(?<![\w.])("
    r"\d+(?:[.,]\d+)?\s?%"                                   # 33%, 2.1 %
    r"|p\s?[=<]\s?0?\.\d+"                                   # p = 0.45, p<0.001
    r"|HR\s?\d\.\d+"                                         # HR 0.07
    r"|\d[\d,]*(?:\.\d+)?(?:-| )(?:people|person|patients|participants)"  # 110 people, 64-person
    r"|\d+(?:\.\d+)?\s?(?:ms|points|months)\b"               # 1.7 ms, 2.98 points, 3 months
    r")")


def _normal(text: str) -> str:
    return text.replace("\u2212", "-").replace("\u2009", "").replace(" ", "").replace(",", "")


def _tokens_for_lookup(token: str) -> list[str]:
    token = _normal(token)
    for word in ("-person", "person", "people", "patients", "participants"):
        if token.endswith(word):
            return [token[: -len(word)]]          # the count itself must appear
    return [token]


@pytest.fixture(scope="module")
def data_text() -> str:
    return _normal("\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.csv"))))


def untraced_numbers(nb, stem: str, data_text: str) -> list[str]:
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in CLAIM.finditer(cell.source):
            token = match.group(0).strip()
            if (stem, token) in MODEL_SETTINGS:
                continue
            for needle in _tokens_for_lookup(token):
                if not re.search(r"(?<![\d.])" + re.escape(needle) + r"(?![\d])", data_text):
                    context = cell.source[max(0, match.start() - 50): match.end() + 20].replace("\n", " ")
                    problems.append(f"{stem}: '{token}' is not in data/ (…{context}…)")
    return problems


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_numbers_in_lesson_text_trace_to_the_knowledge_base(path, data_text):
    nb = nbformat.read(path, as_version=4)
    assert untraced_numbers(nb, path.stem, data_text) == []


def test_an_invented_result_is_caught(data_text):
    path = lesson_notebooks()[-1]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        "In a new trial of 437 patients, 61.3% improved (p = 0.0173), about 4.71 points better."))
    found = "\n".join(untraced_numbers(nb, path.stem, data_text))
    for token in ("437 patients", "61.3%", "p = 0.0173", "4.71 points"):
        assert token in found


def test_every_model_setting_exception_is_still_used():
    used = set()
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                used |= {(path.stem, m.group(0).strip()) for m in CLAIM.finditer(cell.source)}
    assert set(MODEL_SETTINGS) <= used, set(MODEL_SETTINGS) - used


# --------------------------------------------------------------------------- check items
QUIZ_TEXT_COLUMNS = ("question", "answer", "answer_feedback", "wrong_1", "wrong_1_feedback", "wrong_2",
                     "wrong_2_feedback", "wrong_3", "wrong_3_feedback", "hint", "explanation")


def untraced_quiz_numbers(quiz, other_data_text: str) -> list[str]:
    """Numbers in check items that appear in no other data/ file.

    Widget items are left out: their numbers are settings and readings of a teaching model,
    and tests/test_checks.py recomputes each one from the model itself.
    """
    problems = []
    for row in quiz.itertuples():
        if str(row.kind) == "widget":
            continue
        for column in QUIZ_TEXT_COLUMNS:
            text = getattr(row, column)
            if text is None or str(text) in ("", "<NA>", "nan"):
                continue
            for match in CLAIM.finditer(str(text)):
                for needle in _tokens_for_lookup(match.group(0).strip()):
                    if not re.search(r"(?<![\d.])" + re.escape(needle) + r"(?![\d])", other_data_text):
                        problems.append(f"{row.quiz_id} {column}: '{match.group(0)}' is not in another data/ file")
    return problems


@pytest.fixture(scope="module")
def data_text_without_quiz() -> str:
    return _normal("\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.csv"))
                             if p.name != "quiz.csv"))


def test_numbers_in_check_items_trace_to_the_knowledge_base(data_text_without_quiz):
    from helpers.data import load_knowledge_base

    assert untraced_quiz_numbers(load_knowledge_base().quiz, data_text_without_quiz) == []


def test_an_invented_number_in_a_check_item_is_caught(data_text_without_quiz):
    from helpers.data import load_knowledge_base

    quiz = load_knowledge_base().quiz.copy()
    row = quiz.index[quiz["kind"] != "widget"][0]
    quiz.loc[row, "explanation"] = "In a trial of 437 patients, 61.3% improved (p = 0.0173)."
    found = "\n".join(untraced_quiz_numbers(quiz, data_text_without_quiz))
    for token in ("437 patients", "61.3%", "p = 0.0173"):
        assert token in found
