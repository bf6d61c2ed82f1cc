"""Figures that teach: each rule below was broken once (issue 14) and is checked structurally here.

* the trial figures show every cell-therapy trial of data/trials.csv, results by shape and words;
* the false-positive rates of lesson 07's figure, table and simulator agree;
* the cell-type map keeps its key's meanings when a cell is selected, and its arrow styles apart.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D

from helpers import models
from helpers.data import load_knowledge_base
from helpers.figures import cells as fig_cells
from helpers.markup import esc
from helpers.figures import evidence
from helpers.figures import therapy_tables as tt
from helpers.figures.models import LESSON_TRIAL_COUNT, alsfrs_trial_figure
from helpers.widgets import explorer


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _row_labels(fig) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]


# ----------------------------------------------------------------------------- trial figures
@pytest.mark.parametrize("build", [
    lambda kb: evidence.trial_landscape_figure(tt.cell_trials(kb), "Cell-therapy trials in the knowledge base"),
    lambda kb: tt.cell_trial_overview_figure(kb)], ids=["landscape (trial browser)", "overview (lesson 07)"])
def test_every_cell_trial_in_the_data_appears(kb, build):
    fig = build(kb)
    labels = _row_labels(fig)
    trials = tt.cell_trials(kb)
    assert len(labels) == len(trials)
    for row in trials.itertuples():
        assert sum(row.short_name in label for label in labels) >= 1, row.short_name
    # each row's result is printed in words beside it, not shown by colour alone
    notes = [t.get_text() for t in fig.axes[0].texts]
    for row in trials.itertuples():
        assert any(evidence.trial_row_note(row) == note for note in notes), row.short_name


def test_result_is_coded_by_shape_and_planned_sizes_are_open(kb):
    trials = tt.cell_trials(kb)
    fig = evidence.trial_landscape_figure(trials)
    ax = fig.axes[0]
    dots = [ln for ln in ax.lines if len(ln.get_xdata()) == 1]
    sized = evidence._trial_order(trials, "year").dropna(subset=["n_enrolled"])
    assert len(dots) == len(sized)
    for dot, row in zip(dots, sized.itertuples()):
        assert dot.get_marker() == evidence.RESULT_MARKERS[str(row.result)]
        assert dot.get_xdata()[0] == int(row.n_enrolled)
        is_open = dot.get_markerfacecolor() in ("#FFFFFF", "#ffffff", (1.0, 1.0, 1.0, 1.0))
        assert is_open == (str(row.size_kind) == "planned")
    assert len(set(evidence.RESULT_MARKERS.values())) == len(evidence.RESULT_MARKERS)
    # no bars: sizes are dots on the log axis, not lengths from an arbitrary start
    assert not [p for p in ax.patches if p.get_width() > 0 and p.get_height() > 0]


def test_trial_browser_chart_keeps_the_trial_its_task_asks_about(kb):
    # task 1 of lesson 07: randomized ALS trials; the answer is the trial of Oh and colleagues
    trials = explorer.trial_browser_data(disease="als", design="randomized", kb=kb)
    assert "oh_msc_p2" in set(trials["trial_id"])
    fig = evidence.trial_landscape_figure(trials)
    oh = kb.trials.set_index("trial_id").loc["oh_msc_p2", "short_name"]
    assert any(oh in label for label in _row_labels(fig))
    # and the unfiltered chart shows every trial of the knowledge base
    assert len(_row_labels(evidence.trial_landscape_figure(kb.trials))) == len(kb.trials)


def test_trial_chart_labels_a_tick_beyond_its_largest_trial(kb):
    # a log axis whose last label sits far left of the largest trials makes their sizes guesswork
    # (the chart of all trials ran to 2,640 with its last label at 1,000, left of EXPAND's 1,651)
    extra = kb.trials.iloc[:1].assign(trial_id="made_up_large", n_enrolled=3200)
    for trials in (kb.trials, explorer.trial_browser_data(disease="als", design="randomized", kb=kb),
                   kb.trials[kb.trials["n_enrolled"].fillna(0) < 300], pd.concat([kb.trials, extra])):
        fig = evidence.trial_landscape_figure(trials)
        ax = fig.axes[0]
        right = ax.get_xlim()[1]
        labelled = [t for t, label in zip(ax.get_xticks(), ax.get_xticklabels()) if label.get_text() and t <= right]
        assert 1.5 * max(labelled) >= trials["n_enrolled"].max(), (max(labelled), trials["n_enrolled"].max())


# ----------------------------------------------------------------------------- one false-positive rate
def _percent(text: str) -> float:
    return float(re.search(r"(-?\d+(?:\.\d+)?)%", text).group(1))


def test_false_positive_rates_agree_in_figure_table_and_widget(kb):
    from helpers.widgets.models import trial_simulator

    p = models.load_parameters("alsfrs")
    default_size = int(p["patients_per_arm"])
    # the figure's bars: power, randomized false positives, single-arm false positives
    fig = alsfrs_trial_figure()
    bars = [_percent(t.get_text()) for t in fig.axes[1].texts if t.get_text().endswith("%")]
    # the table's row for the default size (the lesson shows the default arm sizes 10, 25, 50, 100)
    table = tt.design_comparison()
    assert default_size in set(table["patients_per_arm"])
    row = table.set_index("patients_per_arm").loc[default_size]
    # the widget's first view
    widget = trial_simulator()
    sim = widget.state["simulation"]
    figure_sim = models.simulate_alsfrs_trials(n_trials=LESSON_TRIAL_COUNT)
    assert sim.n_trials == figure_sim.n_trials
    for name in ("power", "false_positive_rate", "single_arm_false_positive_rate"):
        assert getattr(sim, name) == pytest.approx(getattr(figure_sim, name))
    assert [round(v) for v in bars] == [round(100 * row["power"]), round(100 * row["false_positive"]),
                                        round(100 * row["single_arm_false_positive"])]
    assert row["single_arm_false_positive"] == pytest.approx(figure_sim.single_arm_false_positive_rate)
    # and the table teaches how far its percentages can be from the model's long-run values: a 95%
    # margin (two standard errors at p = 0.5, rounded up), not "another run would agree within it"
    html_text = tt.design_comparison_html()
    margin = math.ceil(tt.monte_carlo_margin_points(LESSON_TRIAL_COUNT))
    assert margin == math.ceil(200 * math.sqrt(0.25 / LESSON_TRIAL_COUNT))
    assert (f"each share of trials is usually (19 times in 20) within about ±{margin} points of what the model "
            f"gives with unlimited trials") in html_text
    assert tt.monte_carlo_margin_points(1000) == pytest.approx(3.16, abs=0.01)
    assert widget.controls["n_trials"].value == LESSON_TRIAL_COUNT == table_count(html_text)


def table_count(html_text: str) -> int:
    return int(re.search(r"Teaching model of ALSFRS-R decline, ([\d,]+) simulated trials per size", html_text).group(1).replace(",", ""))


# ----------------------------------------------------------------------------- cell-type map
def _key(plot):
    legend = plot.ax.get_legend()
    return dict(zip((t.get_text() for t in legend.get_texts()), legend.legend_handles))


def test_selecting_a_cell_keeps_the_border_meaning_stem_cell_status(kb):
    plot = fig_cells.PotencyMapPlot(kb)
    before = {c: (b.get_linewidth(), str(b.get_linestyle())) for c, b in plot.boxes.items()}
    for cell in ("opc", "msc", "hsc", None):
        plot.update(cell)
        after = {c: (b.get_linewidth(), str(b.get_linestyle())) for c, b in plot.boxes.items()}
        assert after == before
        assert [c for c, h in plot.halos.items() if h.get_visible()] == ([cell] if cell else [])
    # the selected OPC does not look like a stem cell: its border is the "not a stem cell" border
    plot.update("opc")
    stem = fig_cells.STEM_EDGE["yes"]["linewidth"]
    assert plot.boxes["opc"].get_linewidth() < stem
    key = _key(plot)
    assert any("selected" in label for label in key)


def test_key_symbols_are_all_different(kb):
    plot = fig_cells.PotencyMapPlot(kb)
    symbols = {}
    for label, handle in _key(plot).items():
        if isinstance(handle, Line2D):
            symbol = ("line", str(handle.get_linestyle()), handle.get_marker(), handle.get_color())
        else:
            symbol = ("patch", tuple(np.round(handle.get_facecolor(), 3)), tuple(np.round(handle.get_edgecolor(), 3)),
                      round(handle.get_linewidth(), 2), str(handle.get_linestyle()))
        assert symbol not in symbols, f"{label!r} is drawn like {symbols.get(symbol)!r}"
        symbols[symbol] = label


def test_can_become_and_made_from_arrows_differ_in_line_and_head(kb):
    plot = fig_cells.PotencyMapPlot(kb)
    styles = {}
    for link, arrow in plot.arrows:
        kind = fig_cells.link_kind(link)
        styles.setdefault(kind, set()).add((str(arrow.get_linestyle()), type(arrow.get_arrowstyle()).__name__))
    assert set(styles) == {"can_become", "sources"}
    assert len(styles["can_become"]) == len(styles["sources"]) == 1
    (line_a, head_a), (line_b, head_b) = styles["can_become"].pop(), styles["sources"].pop()
    assert line_a != line_b and head_a != head_b
    # and the key says which is which
    assert {fig_cells.LINK_STYLES[k]["text"] for k in styles} <= set(_key(plot))


@pytest.mark.parametrize("cell", ["opc", "msc", "hsc", "msc_np", "grp", "npc_gdnf", "msc_ntf"])
def test_not_shown_mark_sits_on_its_own_line(kb, cell):
    plot = fig_cells.PotencyMapPlot(kb)
    plot.update(cell)
    shown = [(link, line, mark) for link, line, mark in plot.crosses if mark.get_visible()]
    assert shown
    for link, line, mark in shown:
        assert line.get_visible() and link.parent == cell
        # points along this line's curve: the mark is on it
        vertices = line.get_path().vertices
        t = np.linspace(0, 1, 401)[:, None]
        curve = (1 - t) ** 2 * vertices[0] + 2 * t * (1 - t) * vertices[1] + t ** 2 * vertices[2]
        distance = np.min(np.hypot(*(curve - np.array(mark.get_position())).T))
        assert distance < 0.02
        # and it is nearer to its own child's box than to any other box in that column
        child_y = plot.pos[link.child][1]
        same_column = [y for c, (x, y) in plot.pos.items() if x == plot.pos[link.child][0]]
        assert min(same_column, key=lambda y: abs(y - mark.get_position()[1])) == child_y or \
            abs(mark.get_position()[1] - child_y) <= abs(vertices[0][1] - child_y)


# ----------------------------------------------------------------------------- lesson pages
def _lessons():
    import json
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        yield path, json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_figure_has_a_what_to_notice_line_before_it():
    missing = []
    for path, cells in _lessons():
        for before, cell in zip(cells, cells[1:]):
            if cell["cell_type"] == "code" and "show_figure(" in "".join(cell["source"]):
                text = "".join(before["source"])
                if before["cell_type"] != "markdown" or not text.startswith("**What to notice:**") \
                        or len(text.splitlines()) != 1:
                    missing.append(f"{path.name}: {cell['id']}")
    assert missing == []


RAW_ID_LIST = re.compile(r"\[\s*'[a-z0-9]+_[a-z0-9_]+'\s*,")


def test_no_lesson_output_prints_a_list_of_raw_ids():
    found = []
    for path, cells in _lessons():
        for cell in cells:
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", [])) + "".join(output.get("data", {}).get("text/plain", []))
                if RAW_ID_LIST.search(text):
                    found.append(f"{path.name}: {cell['id']}")
    assert found == []
    assert RAW_ID_LIST.search("['als_umn_loss',\n 'als_lmn_loss']")


def test_untreated_damage_is_listed_by_name(kb):
    names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    from helpers import queries

    ids = queries.untreated_damage("als", kb=kb)
    assert tt.untreated_damage_names("als", kb=kb) == [names[i] for i in ids]
    text = tt.untreated_damage_list("als", kb=kb).data
    assert all(f"<li>{esc(names[i])}</li>" in text for i in ids) and "als_" not in text
