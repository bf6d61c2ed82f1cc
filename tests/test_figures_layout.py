"""Every figure the lessons and widgets show: no text leaves the canvas, no two texts overlap,
no key entry hides under another, and the keys keep one meaning per symbol and per colour.

The lesson figures are found by running each lesson's own code: its setup cell, then every code
cell that calls ``show_figure(...)``, with ``show_figure`` replaced by a collector. A new figure in
a lesson is therefore checked without anyone adding it here. The widgets' first views are built
below with the settings the widgets use.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from figure_layout import covered_lines, layout_problems

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def lesson_figures() -> list[tuple[str, str, object]]:
    """``(lesson, cell source, figure factory)`` for every ``show_figure`` call in the lessons."""
    found = []
    for path in NOTEBOOKS:
        cells = _code_cells(path)
        for source in cells[1:]:
            if "show_figure(" in source:
                found.append((path.stem[:2], source, path))
    return found


@functools.cache
def _run_figure_cell(path: Path, source: str) -> tuple[Figure, ...]:
    namespace: dict = {}
    exec(compile(_code_cells(path)[0], f"{path.name}:setup", "exec"), namespace)  # noqa: S102 (the lesson's code)
    shown: list[Figure] = []
    namespace["show_figure"] = lambda fig, description: shown.append(fig)
    exec(compile(source, f"{path.name}:figure", "exec"), namespace)  # noqa: S102
    return tuple(shown)


LESSON_FIGURES = lesson_figures()


def test_lessons_show_figures():
    # the collector must find the figures (a broken search would make the layout test pass vacuously)
    assert len(LESSON_FIGURES) >= 12
    # lesson 06 shows its evidence maps as HTML tables (the figure is checked with the widget figures below)
    assert {lesson for lesson, _, _ in LESSON_FIGURES} >= {"00", "01", "02", "03", "04", "05", "07"}


@pytest.mark.parametrize("lesson,source,path", LESSON_FIGURES,
                         ids=[f"{lesson}:{source.splitlines()[0][12:60]}" for lesson, source, _ in LESSON_FIGURES])
def test_lesson_figure_text_stays_on_the_canvas_and_apart(lesson, source, path):
    figures = _run_figure_cell(path, source)
    assert figures, "the cell showed no figure"
    for fig in figures:
        assert layout_problems(fig) == []
        assert coincident_key_lines(fig) == []
        assert duplicate_key_symbols(fig) == []
        assert covered_lines(fig, drawn=True) == []


# ----------------------------------------------------------------------------- widget first views
def _widget_figures() -> dict[str, object]:
    from helpers import models
    from helpers.data import load_knowledge_base
    from helpers.figures import models as F
    from helpers.figures.cells import PotencyMapPlot
    from helpers.figures.evidence import trial_landscape_figure
    from helpers.widgets import explorer

    def potency(cell):
        def build():
            plot = PotencyMapPlot(figsize=(11.0, 8.8))  # as helpers.widgets.cells.cell_type_map draws it
            plot.update(cell)
            return plot.fig
        return build

    def model_plot(cls, update, **kwargs):
        def build():
            plot = cls(**kwargs)
            update(plot)
            return plot.fig
        return build

    kb = load_knowledge_base()
    figures = {f"cell-type map, {cell}": potency(cell) for cell in ("opc", "msc", "hsc", "msc_np", "nsc")}
    figures.update({
        "conduction explorer": model_plot(F.ConductionPlot, lambda p: p.update(10.0, 0.3, 0.4, False),
                                          figsize=(9.6, 5.4)),
        "motor-unit explorer": model_plot(F.MotorUnitPlot, lambda p: p.update(models.motor_unit_course()),
                                          figsize=(9.6, 4.7)),
        "trial simulator": model_plot(F.TrialPlot, lambda p: p.update(models.simulate_alsfrs_trials(n_trials=200)),
                                      figsize=(9.6, 4.1), fixed_max_months=24),
        "MS relapse explorer": model_plot(F.MsRelapsePlot, lambda p: p.update(
            {k: models.simulate_ms_course(k) for k in models.MS_THERAPIES}, "natalizumab"), figsize=(9.6, 4.1)),
        "trial browser, all trials": lambda: trial_landscape_figure(kb.trials),
        "trial browser, randomized ALS": lambda: trial_landscape_figure(
            explorer.trial_browser_data(disease="als", design="randomized", kb=kb)),
        "trial browser, no match": lambda: trial_landscape_figure(kb.trials.iloc[:0]),
    })
    for disease in ("als", "ms"):
        figures[f"evidence map widget, {disease}"] = lambda d=disease: explorer.evidence_map_figure_for(d)
    return figures


WIDGET_FIGURES = _widget_figures()


@pytest.mark.parametrize("name", list(WIDGET_FIGURES))
def test_widget_figure_text_stays_on_the_canvas_and_apart(name):
    fig = WIDGET_FIGURES[name]()
    assert layout_problems(fig) == []
    assert coincident_key_lines(fig) == []
    assert duplicate_key_symbols(fig) == []
    assert covered_lines(fig, drawn=True) == []


# ----------------------------------------------------------------------------- the checks can fail
def test_layout_check_finds_clipped_and_overlapping_text():
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title("A title far too long to fit into a figure only four inches wide, so it is cut off", loc="left")
    ax.text(0.5, 0.5, "one label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "another label", transform=ax.transAxes)
    problems = layout_problems(fig)
    assert any("leaves the canvas" in p for p in problems)
    assert any("overlap" in p for p in problems)
    fig = Figure(figsize=(4, 3), layout="constrained")
    fig.add_subplot().set_title("Short title")
    assert layout_problems(fig) == []


def test_the_covered_line_check_finds_a_curve_under_a_box():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="rising")
    ax.text(0.5, 0.5, "a framed note", ha="center", va="center", bbox={"facecolor": "white"})
    ax.legend(loc="lower right")
    assert covered_lines(fig) == [("'a framed note'", "rising")]
    ax.texts[0].set_position((0.05, 0.9))
    ax.texts[0].set_horizontalalignment("left")
    assert covered_lines(fig) == []
    ax.legend(loc="center")
    assert covered_lines(fig) == [("the key", "rising")]


def test_key_checks_find_hidden_and_duplicate_entries():
    fig = Figure()
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 5)
    ax.plot(x, 1 - x, ls="--", label="strength, no reinnervation")
    ax.plot(x, 1 - x, ls=":", label="motor units left")
    ax.legend(handles=[Patch(facecolor="white", edgecolor="black", label="cell of the body"),
                       Patch(facecolor="white", edgecolor="black", label="not a stem cell")])
    assert coincident_key_lines(fig) == [("strength, no reinnervation", "motor units left")]
    assert duplicate_key_symbols(fig) == [("cell of the body", "not a stem cell")]


# ----------------------------------------------------------------------------- key rules
def _legends(fig: Figure) -> list[Legend]:
    return [leg for leg in fig.findobj(Legend) if leg.get_visible()]


def coincident_key_lines(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of labelled lines in one axes that are drawn exactly on top of each other."""
    pairs = []
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if ln.get_visible() and not ln.get_label().startswith("_")
                 and len(ln.get_xdata()) > 1]
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                xa, ya, xb, yb = (np.asarray(v, dtype=float) for v in (*a.get_data(), *b.get_data()))
                if xa.shape == xb.shape and np.allclose(xa, xb) and np.allclose(ya, yb):
                    pairs.append((a.get_label(), b.get_label()))
    return pairs


def _symbol(handle) -> tuple:
    """Everything that draws a key entry (its label excluded)."""
    if isinstance(handle, Patch):
        return ("patch", to_hex(handle.get_facecolor(), keep_alpha=True), to_hex(handle.get_edgecolor(), keep_alpha=True),
                round(handle.get_linewidth(), 2), str(handle.get_linestyle()), str(handle.get_hatch()))
    if isinstance(handle, Line2D):
        return ("line", to_hex(handle.get_color()), str(handle.get_linestyle()), round(handle.get_linewidth(), 2),
                str(handle.get_marker()), to_hex(handle.get_markerfacecolor(), keep_alpha=True),
                round(handle.get_markeredgewidth(), 2))
    return (type(handle).__name__, id(handle))


def duplicate_key_symbols(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of entries of one key drawn identically but meaning different things."""
    pairs = []
    for legend in _legends(fig):
        seen: dict[tuple, str] = {}
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            symbol, label = _symbol(handle), text.get_text()
            if symbol in seen and seen[symbol] != label:
                pairs.append((seen[symbol], label))
            seen.setdefault(symbol, label)
    return pairs


NEUTRAL = {"#000000", "#ffffff", "#00000000"}  # ink and paper, and "no fill": they carry no meaning on their own


def key_fill_meanings(fig: Figure) -> dict[str, set[str]]:
    """Fill colour -> the meanings a figure's keys give it (patch fills and marker fills)."""
    meanings: dict[str, set[str]] = {}
    for legend in _legends(fig):
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(handle, Patch):
                fill = to_hex(handle.get_facecolor(), keep_alpha=handle.get_facecolor()[3] == 0)
            elif (isinstance(handle, Line2D) and handle.get_marker() not in ("None", None, "")
                  and handle.get_linestyle() in ("None", "", " ")):  # a marker-only entry: its fill is the cue
                fill = to_hex(handle.get_markerfacecolor())
            else:
                continue
            if fill.lower() not in NEUTRAL:
                meanings.setdefault(fill.lower(), set()).add(_meaning(text.get_text()))
    return meanings


def _meaning(label: str) -> str:
    """The meaning of a key label, without the figure-specific wording around it."""
    label = label.split(" = ", 1)[0] if " = " in label else label  # evidence keys: "R+ = ..." -> "R+"
    return label.strip().lower()


#: Teaching-model figures colour their curves by series within one plot; the category keys
#: (evidence, disease, cell role, trial result) are the ones that must agree across the series.
MODEL_FIGURES = ("conduction_figure", "ms_relapse_figure", "alsfrs_trial_figure", "power_curve_figure",
                 "motor_unit_figure", "motor_pathway_figure", "alsfrs_course_figure")
#: Icon arrays: their one fill means "this person had the outcome the figure counts" (a different
#: outcome in each array, named in its key), so they are checked on their own below.
ICON_ARRAYS = ("icon_array(",)


def test_each_fill_colour_has_one_meaning_across_the_series_figures():
    from helpers.style import DISEASE_COLOURS, EVIDENCE_COLOURS

    figures = [fig for _, source, path in LESSON_FIGURES if not any(f in source for f in MODEL_FIGURES + ICON_ARRAYS)
               for fig in _run_figure_cell(path, source)]
    figures += [WIDGET_FIGURES[name]() for name in ("cell-type map, opc", "trial browser, all trials",
                                                    "evidence map widget, ms")]
    merged: dict[str, set[str]] = {}
    for fig in figures:
        for colour, meaning in key_fill_meanings(fig).items():
            merged.setdefault(colour, set()).update(meaning)
    clashes = {colour: sorted(m) for colour, m in merged.items() if len(m) > 1}
    assert clashes == {}
    # the series' fixed mappings are the ones the keys use
    for disease, colour in DISEASE_COLOURS.items():
        assert {m.split()[0] for m in merged.get(colour.lower(), {disease})} == {disease}
    assert set(EVIDENCE_COLOURS.values()).isdisjoint(set(DISEASE_COLOURS.values()))
    # the icon arrays' fill is none of the series' meaningful colours
    from helpers.figures.icons import EVENT_FILL

    palette = {c.lower() for c in (*EVIDENCE_COLOURS.values(), *DISEASE_COLOURS.values())} | set(merged)
    assert EVENT_FILL.lower() not in palette

