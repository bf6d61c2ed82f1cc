"""Predict, then check: the learner commits to a prediction, then runs the model (or draws the figure).

Each task replaces a figure that an earlier lesson already showed: instead of seeing it again, the
learner predicts what it will show and then runs it. The answer is computed by the model each time
(:func:`run_task`), so the right option can never drift away from the model. The widget
(:func:`predict_then_check`) is a thin view: the pure core is :func:`prediction_feedback`.
Predictions go into the learner's personal record (:mod:`helpers.record`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets

from .. import record as learner_record
from ..style import figure_to_png
from .common import STYLE_LABEL, FigureImage, assemble, lean, notice_html
from ..markup import esc

CHOOSE_FIRST = "Choose a prediction first, then press the button."


@dataclass(frozen=True)
class PredictTask:
    task_id: str
    lesson: int
    title: str
    question: str
    options: tuple[str, ...]
    #: One sentence per option, aimed at the idea behind that option (shown once the model has run).
    why: tuple[str, ...]
    button: str
    #: Runs the model: returns (index of the right option, what the model shows, figure factory).
    run: Callable[[], tuple[int, str, Callable]]
    #: Where a reader without a kernel (the website) finds the same figure, drawn by the same function.
    figure_shown_in: str = ""


# ------------------------------------------------------------------------------- the three tasks
def _als_pathway():
    from ..figures.biology import describe_motor_pathway, motor_pathway_figure

    return 1, describe_motor_pathway("als"), lambda: motor_pathway_figure("als")


CONDUCTION_SETTINGS = {"fraction_demyelinated": 0.3, "myelin_remaining": 0.4}


def conduction_outcome(fraction_demyelinated: float = 0.3, myelin_remaining: float = 0.4) -> tuple[int, float | None]:
    """Which of the four conduction options the model gives, and its P100 delay in ms (None if blocked)."""
    from .. import models

    p = models.load_parameters("conduction")
    r = models.pathway_conduction(p["optic_nerve_fibre_diameter_um"], p["optic_nerve_length_mm"],
                                  fraction_demyelinated, myelin_remaining, params=p)
    if not bool(r.arrives):
        return 3, None
    delay = float(models.vep_p100_latency_ms(r.conduction_time_ms, r.healthy_time_ms, p)) - p["vep_p100_latency_ms"]
    return (0 if delay < 1 else 1 if delay < 10 else 2), delay


def _conduction():
    from ..figures.models import conduction_figure, describe_conduction

    index, _ = conduction_outcome(**CONDUCTION_SETTINGS)
    return index, describe_conduction(**CONDUCTION_SETTINGS), lambda: conduction_figure(**CONDUCTION_SETTINGS)


#: 10 per arm (a typical small study), then the arm sizes the power-curve caption gives for a 40%, 25% and
#: 15% slowing (tests/test_tasks.py keeps them equal).
POWER_OPTIONS = (10, 40, 110, 340)


def power_outcome(treatment_slowing: float = 0.25) -> tuple[int, float | None]:
    """The option nearest (on a log scale) to where the model's power curve crosses 80%, and that size."""
    from ..figures.therapy_tables import power_summary

    summary = power_summary()
    row = summary[summary["treatment_slowing"] == treatment_slowing].iloc[0]
    n = row["n_at_target"]
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return len(POWER_OPTIONS) - 1, None
    index = min(range(len(POWER_OPTIONS)), key=lambda i: abs(math.log(POWER_OPTIONS[i]) - math.log(float(n))))
    return index, float(n)


def _power():
    from ..figures.models import power_curve_figure
    from ..figures.therapy_tables import describe_power_curve

    index, _ = power_outcome(0.25)
    return index, describe_power_curve(), power_curve_figure


TASKS = {t.task_id: t for t in (
    PredictTask(
        "p02_als_pathway", 2, "Where ALS strikes",
        "Lesson 01 drew the motor pathway, from the brain to a muscle. Before you see it again: which part of the "
        "pathway does ALS destroy?",
        ("Only the lower motor neurons, in the spinal cord and brainstem",
         "Both the upper and the lower motor neurons",
         "The myelin around the motor axons",
         "The muscle fibres themselves"),
        ("Half of it: ALS also destroys the upper motor neurons, which is why muscles become stiff as well as weak.",
         "Yes: ALS destroys the motor neurons themselves, upper and lower.",
         "That is MS, which attacks myelin inside the brain and spinal cord; ALS destroys the motor neurons.",
         "The muscles weaken and shrink because they lose their nerve supply; the disease kills the motor "
         "neurons that drive them."),
        "Show the pathway", _als_pathway, "lesson 01, section 1 (“Where the two diseases strike”)"),
    PredictTask(
        "p03_conduction", 3, "A demyelinated optic nerve",
        "The teaching model of lesson 01 takes an optic nerve fibre and removes part of the myelin from 30% of "
        "its internodes, leaving 40% of their myelin. What will happen to the model's VEP P100, normally about "
        "100 ms after each flip of the checkerboard?",
        ("Nothing measurable: still about 100 ms",
         "It comes a few milliseconds later",
         "It comes tens of milliseconds later",
         "No response at all: conduction is blocked"),
        ("Even partial myelin loss slows the impulse across the affected internodes, so the peak moves.",
         "The thinned stretches slow the impulse, but most of the nerve is healthy, so in this setting the delay "
         "stays small. Wider loss gives a delay of more than ten milliseconds: try half of the internodes with a "
         "fifth of their myelin left.",
         "Only 30% of internodes are affected and they keep some myelin; most of the P100 is processing in the "
         "retina and brain, which the model keeps fixed.",
         "Block needs too little myelin to carry the current across an internode; at 40% the safety factor stays "
         "above 1. Try lowering the myelin left in the explorer below."),
        "Run the model", _conduction, "lesson 01, section 3 (“Myelin and saltatory conduction”)"),
    PredictTask(
        "p09_power", 9, "How big must a trial be?",
        "In the teaching model of lesson 07, a treatment truly slows ALS decline by 25%. About how many patients "
        "per arm does a randomized trial need to detect it in 80% of trials (80% power)?",
        tuple(f"About {n} per arm" + (" (STEMS treated 12 people, in one group)" if n == 10 else "") for n in POWER_OPTIONS),
        ("With 10 per arm, a real effect of this size is missed in most trials.",
         "That size is enough only for a much larger effect.",
         "Yes: in this model decline varies between people, each visit's score is noisy and some people leave "
         "early, so a moderate effect needs a trial of this size. The model's simple analysis also wastes some "
         "information: a more efficient one, such as a mixed model, would need fewer patients.",
         "That size is needed for a smaller effect; for a 25% slowing fewer patients suffice."),
        "Run the model", _power, "lesson 07, section 6 (“Why small uncontrolled studies mislead”)"),
)}


def run_task(task_id: str) -> tuple[int, str, Callable]:
    """Run a task's model: (index of the right option, its one-sentence result, figure factory)."""
    if task_id not in TASKS:
        raise ValueError(f"unknown task {task_id!r}; valid: {', '.join(TASKS)}")
    return TASKS[task_id].run()


def prediction_feedback(task_id: str, choice: int | None) -> tuple[bool | None, str]:
    """(right?, feedback HTML) for a prediction (pure; runs the model). ``None`` choice: asks for one."""
    if choice is None:
        return None, notice_html(CHOOSE_FIRST)
    task = TASKS[task_id] if task_id in TASKS else run_task(task_id)
    right, result, _ = run_task(task_id)
    correct = int(choice) == right
    head = ("✔ Your prediction matches the model." if correct else
            f"✘ The model shows: {esc(task.options[right])}.")
    return correct, (f'<div role="status"><p><b>{head}</b> {esc(task.why[int(choice)])}</p>'
                     f"<p><i>{esc(result)}</i></p></div>")


def predict_then_check(task_id: str):
    """The widget: question, options, a button that runs the model, feedback and the model's figure."""
    if task_id not in TASKS:
        raise ValueError(f"unknown task {task_id!r}; valid: {', '.join(TASKS)}")
    task = TASKS[task_id]
    question = lean(widgets.HTML, f"<p><b>Predict, then check: {esc(task.title)}.</b> "
                    f"{esc(task.question)}</p>")
    choice = lean(widgets.RadioButtons, options=[(o, i) for i, o in enumerate(task.options)], value=None,
                  description="My prediction:", style=STYLE_LABEL,
                  layout={"width": "auto"})
    button = lean(widgets.Button, description=task.button, button_style="primary",
                  tooltip="Run the model and compare it with your prediction")
    feedback = lean(widgets.HTML, "")
    image = FigureImage(layout=widgets.Layout(display="none"))

    def on_run(_=None):
        correct, text = prediction_feedback(task_id, choice.value)
        feedback.value = text
        if correct is None:
            return
        _, result, make_figure = run_task(task_id)
        image.show(figure_to_png(make_figure()), f"What the model shows: {result}")
        image.layout.display = "block"
        learner_record.get_record().set_task(task_id, task.lesson, task.title, task.options[choice.value], correct)

    button.on_click(on_run)
    return assemble([question, choice, button, feedback, image], {"choice": choice, "run": button},
                    {"feedback": feedback, "image": image}, "predict_then_check",
                    title=f"Predict, then check: {task.title}", static_form=static_task_html(task_id))


def static_task_html(task_id: str) -> str:
    """The task without a kernel (static site): question, options, and the model's answer in <details>."""
    task = TASKS[task_id]
    right, result, _ = run_task(task_id)
    options = "".join(f"<li>{esc(o)}</li>" for o in task.options)
    return (f'<div class="series-task"><p><b>Predict, then check: {esc(task.title)}.</b> '
            f"{esc(task.question)}</p><ol type=\"A\">{options}</ol><p>Decide first, then open the answer. "
            "In a running notebook you run the model yourself.</p><details><summary>Show what the model shows"
            f"</summary><p><b>{esc(task.options[right])}.</b> {esc(task.why[right])}</p>"
            f"<p><i>{esc(result)}</i></p>"
            + (f"<p>The figure needs a running notebook; the same figure is shown in {esc(task.figure_shown_in)}.</p>"
               if task.figure_shown_in else "")
            + "</details></div>")
