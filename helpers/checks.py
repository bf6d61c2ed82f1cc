"""Check-your-understanding items (``data/quiz.csv``): the widget, its feedback and its static HTML.

Every item has one correct option and two or three wrong ones, each wrong option standing for
a real misconception and carrying its own feedback. The learner may say how sure they are,
chooses an option and presses **Check**:

* no option chosen: the item says so and nothing is counted;
* a first wrong answer: a hint, the feedback for that option, and one more try;
* a right answer, or a second wrong one: the feedback for the chosen option, the correct
  answer with its explanation and sources, and a word on the learner's confidence.

Options are shown in a fixed order that does not depend on how the file lists them (the
correct option is stored first): a permutation seeded by a SHA-256 hash of the quiz id, so
every run, process and machine shows the same order and stored notebook outputs stay stable.

The pure functions (:func:`check_item`, :func:`check_response`, :func:`static_check_html`) hold
the behaviour; :func:`check_question` wires them to ipywidgets by setting widget state only,
so notebooks stay clean under strict nbval. The displayed widget also carries a ``text/html``
form, :func:`static_check_html`, in the markup the static site enhances (CONTRIBUTING.md, convention 1).

:data:`ANSWER_LISTENERS` lets other parts of the series (a learner's personal record) hear
about each answer; a failing listener never breaks the check.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets

from .data import QUIZ_OPTION_COLUMNS, KnowledgeBase, load_knowledge_base
from .widgets.common import STYLE_LABEL, SeriesWidget, lean, notice_html
from .markup import attr, esc

#: Callables that receive ``{"quiz_id", "lesson", "chosen", "correct", "attempt", "confidence"}``
#: after every counted answer (``chosen`` is the option text, ``attempt`` 1 or 2, ``confidence``
#: "sure", "unsure" or None). Exceptions raised by a listener are swallowed.
ANSWER_LISTENERS: list[Callable[[dict], None]] = []


def _record_answer(event: dict) -> None:
    """Keep each answer in the learner's personal record (helpers.record; off under the tests)."""
    from . import record

    record.on_check_answer(event)


ANSWER_LISTENERS.append(_record_answer)

CONFIDENCE_LEVELS = ("sure", "unsure")
NO_OPTION_MESSAGE = "Choose an option first."
MAX_ATTEMPTS = 2

CONFIDENCE_NOTES = {
    ("sure", True): "You were sure, and you were right: this is knowledge you can build on.",
    ("unsure", True): "You were unsure, but right: read the explanation once more so the reasoning sticks.",
    ("sure", False): "You were sure, but this was wrong: a confident wrong answer usually means a misconception "
                     "worth revisiting, so read the feedback closely and come back to this item later.",
    ("unsure", False): "You were unsure, and rightly so: the feedback shows the gap to fill.",
}


@dataclass(frozen=True)
class CheckItem:
    """One quiz item with its options in displayed order."""

    quiz_id: str
    lesson: int
    kind: str
    revisits: int | None
    question: str
    options: tuple[str, ...]          # displayed order
    feedback: tuple[str, ...]         # feedback for each displayed option
    correct: int                      # displayed position of the correct option
    hint: str
    explanation: str
    ref_ids: tuple[str, ...]

    @property
    def answer(self) -> str:
        return self.options[self.correct]


@dataclass(frozen=True)
class CheckResponse:
    """What the learner sees after pressing Check."""

    html: str
    counted: bool      # False when no option was chosen
    correct: bool
    final: bool        # True once the answer has been revealed


def display_order(quiz_id: str, n_options: int) -> list[int]:
    """Stored option indices (0 = the correct option) in the order they are shown.

    The order sorts the options by ``sha256("<quiz_id>:<index>")``: deterministic across
    processes (unlike Python's salted ``hash()``), and unrelated to the order in the file.
    """
    return sorted(range(n_options), key=lambda i: hashlib.sha256(f"{quiz_id}:{i}".encode()).hexdigest())


def _missing(value) -> bool:
    return value is None or str(value).strip() in ("", "<NA>", "nan")


def unknown_quiz_error(quiz_id: str, valid: list[str]) -> ValueError:
    """A ValueError naming the unknown id and the valid ids nearest to it."""
    near = difflib.get_close_matches(str(quiz_id), valid, n=6, cutoff=0.6)
    prefix = str(quiz_id)[:4]
    same_lesson = [v for v in valid if v.startswith(prefix)]
    nearby = list(dict.fromkeys(near + same_lesson)) or valid[:10]
    return ValueError(f"Unknown quiz item {quiz_id!r}; nearby valid ids: {', '.join(nearby)} "
                      f"({len(valid)} items in data/quiz.csv)")


def check_item(quiz_id: str, kb: KnowledgeBase | None = None) -> CheckItem:
    """The item ``quiz_id`` with its options shuffled into displayed order."""
    kb = kb if kb is not None else load_knowledge_base()
    quiz = kb.quiz
    valid = [str(q) for q in quiz["quiz_id"]]
    if quiz_id not in valid:
        raise unknown_quiz_error(quiz_id, valid)
    row = quiz.iloc[valid.index(quiz_id)]  # quiz ids are unique (checked on load)
    stored = [(str(row[o]), str(row[f])) for o, f in QUIZ_OPTION_COLUMNS if not _missing(row[o])]
    order = display_order(quiz_id, len(stored))
    refs = tuple(r for r in str(row["ref_ids"]).split(";") if r and r != "<NA>")
    return CheckItem(quiz_id=quiz_id, lesson=int(row["lesson"]), kind=str(row["kind"]),
                     revisits=None if _missing(row["revisits"]) else int(row["revisits"]),
                     question=str(row["question"]), options=tuple(stored[i][0] for i in order),
                     feedback=tuple(stored[i][1] for i in order), correct=order.index(0), hint=str(row["hint"]),
                     explanation=str(row["explanation"]), ref_ids=refs)


def _sources_html(item: CheckItem) -> str:
    from .queries import cite

    if not item.ref_ids:
        return ""
    return "<br><small>Sources: " + cite(list(item.ref_ids), form="full", sep="; ") + "</small>"


def answer_html(item: CheckItem) -> str:
    """The correct option, the explanation and the sources (shown once the answer is revealed)."""
    revisit = (f" <i>This item revisits lesson {item.revisits:02d}.</i>" if item.revisits is not None else "")
    return (f"<b>Answer:</b> {esc(item.answer)}. {esc(item.explanation)}{revisit}"
            f"{_sources_html(item)}")


def check_response(quiz_id: str, chosen: int | None, attempt: int = 1, confidence: str | None = None,
                   kb: KnowledgeBase | None = None) -> CheckResponse:
    """Feedback for choosing displayed option ``chosen`` (or None) on attempt 1 or 2 (pure).

    ``confidence`` is "sure", "unsure" or None (not given).
    """
    item = check_item(quiz_id, kb)
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        raise ValueError(f"Unknown confidence {confidence!r}; valid: {', '.join(CONFIDENCE_LEVELS)} or None")
    if attempt not in (1, 2):
        raise ValueError(f"attempt must be 1 or 2, not {attempt!r}")
    if chosen is None:
        return CheckResponse(notice_html(NO_OPTION_MESSAGE + " Then press Check."), False, False, False)
    if not 0 <= int(chosen) < len(item.options):
        raise ValueError(f"Option {chosen!r} does not exist; valid: 0 to {len(item.options) - 1}")
    chosen = int(chosen)
    correct = chosen == item.correct
    option_feedback = esc(item.feedback[chosen])
    note = "" if confidence is None else f"<p><i>{esc(CONFIDENCE_NOTES[(confidence, correct)])}</i></p>"
    if correct:
        verdict = "✔" if attempt == 1 else "✔ Second try."
        body = f"<p><b>{verdict}</b> {option_feedback}</p><p>{answer_html(item)}</p>{note}"
        return CheckResponse(f'<div role="status">{body}</div>', True, True, True)
    if attempt == 1:
        body = (f"<p><b>✘ Not yet.</b> {option_feedback}</p><p><b>Hint:</b> {esc(item.hint)}</p>"
                f"<p>Choose again and press Check: you have one more try.</p>")
        return CheckResponse(f'<div role="status">{body}</div>', True, False, False)
    body = (f"<p><b>✘ Not this one either.</b> {option_feedback}</p><p>{answer_html(item)}</p>{note}")
    return CheckResponse(f'<div role="status">{body}</div>', True, False, True)


#: Said under a question that needs one of the lesson's tools, where the tools cannot run (the website).
TOOL_NOTE = ("This question asks you to use one of this lesson's interactive tools, which run only in a live "
             "notebook (the tool's own note on this page has the launch links). Here, answer from the lesson's text and "
             "figures, then read the explanation.")


def static_check_html(quiz_id: str, kb: KnowledgeBase | None = None) -> str:
    """The item as static HTML for the website (CONTRIBUTING.md, convention 1); usable without JavaScript."""
    item = check_item(quiz_id, kb)
    qid = attr(item.quiz_id)
    radios = "\n".join(f'    <label><input type="radio" name="{qid}" value="{i}"> {esc(text)}</label>'
                       for i, text in enumerate(item.options))
    feedback = "\n".join(
        f'  <div class="series-check-feedback" data-option="{i}" data-correct="{"true" if i == item.correct else "false"}"'
        f" hidden>{esc(text)}</div>" for i, text in enumerate(item.feedback))
    tool = (f'  <p class="series-check-tool">{esc(TOOL_NOTE)}</p>\n' if item.kind == "widget" else "")
    return (f'<div class="series-check" data-quiz-id="{qid}">\n'
            f"  <fieldset>\n"
            f'    <legend class="series-check-question">{esc(item.question)}</legend>\n'
            f"{tool}"
            f"{radios}\n"
            f"  </fieldset>\n"
            f'  <button type="button" class="series-check-submit">Check my answer</button>\n'
            f'  <p class="series-check-hint" hidden>{esc(item.hint)}</p>\n'
            f"{feedback}\n"
            f'  <p class="series-check-status" role="status" aria-live="polite"></p>\n'
            f'  <details class="series-check-answer"><summary>Show the answer</summary>{answer_html(item)}</details>\n'
            f"</div>")


def _notify(event: dict) -> None:
    for listener in list(ANSWER_LISTENERS):
        try:
            listener(dict(event))
        except Exception:  # noqa: BLE001 - a listener's failure must never break the check
            pass


class CheckWidget(SeriesWidget):
    """The check widget; its rich display also offers ``text/html`` (the static form)."""

    quiz_id: str = ""

    def __repr__(self) -> str:
        # short enough not to be cut (ipywidgets truncates text/plain at 110 characters)
        return f"[Check your understanding ({self.quiz_id}): run this notebook to answer it.]"

    def static_html(self) -> str:
        return static_check_html(self.quiz_id)


def check_question(quiz_id: str) -> CheckWidget:
    """A check-your-understanding item: optional confidence, choose an option, press Check, read feedback."""
    item = check_item(quiz_id)
    question = lean(widgets.HTML, f"<b>Check your understanding.</b> {esc(item.question)}")
    choice = lean(widgets.RadioButtons, options=[(text, i) for i, text in enumerate(item.options)], value=None,
                  description="Answer:", layout={"width": "auto"}, style=STYLE_LABEL)
    confidence = lean(widgets.RadioButtons, options=[("Sure", "sure"), ("Unsure", "unsure")], value=None,
                      description="How sure are you? (optional)", layout={"width": "auto"},
                      style=STYLE_LABEL)
    button = lean(widgets.Button, description="Check", tooltip="Check your answer", button_style="primary")
    feedback = lean(widgets.HTML, "")
    state = {"attempt": 1, "final": False}

    def on_check(_=None):
        if state["final"]:
            return
        response = check_response(quiz_id, choice.value, state["attempt"], confidence.value)
        feedback.value = response.html
        if not response.counted:
            return
        _notify({"quiz_id": quiz_id, "lesson": item.lesson, "chosen": item.options[choice.value],
                 "correct": response.correct, "attempt": state["attempt"], "confidence": confidence.value})
        if response.final:
            state["final"] = True
            choice.disabled = confidence.disabled = button.disabled = True
        else:
            state["attempt"] += 1

    button.on_click(on_check)
    box = CheckWidget([question, choice, confidence, button, feedback], f"Check your understanding ({quiz_id})")
    box.quiz_id = quiz_id
    box.controls = {"choice": choice, "confidence": confidence, "check": button}
    box.outputs = {"feedback": feedback}
    box.add_class("series-check-widget")
    return box
