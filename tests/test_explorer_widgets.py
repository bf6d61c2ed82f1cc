"""Drive the explorers like a learner, over every combination of their discrete choices,
and check that what they display is exactly what the pure functions return."""

from __future__ import annotations

import itertools

import pandas as pd

import pytest

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.therapy_tables import describe_trial_landscape
from helpers.widgets import explorer
from helpers.widgets.intro import claims_at_level_html, evidence_level_explorer
from widget_combinations import TRIAL_BROWSER_CONTROLS, trial_browser_combinations
from widget_combinations import option_values as _values


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_therapy_explorer_every_combination(kb):
    widget = explorer.therapy_explorer()
    c, result = widget.controls, widget.outputs["result"]
    seen = 0
    for direction in _values(c["direction"]):
        c["direction"].value = direction
        for disease in _values(c["disease"]):
            c["disease"].value = disease
            items = _values(c["item"])
            assert items, f"no {direction} to choose for {disease}"
            for item, level in itertools.product(items, _values(c["min_evidence"])):
                c["item"].value, c["min_evidence"].value = item, level
                expected = explorer.explorer_html(direction, disease, item, level, kb)
                assert result.value == expected
                rows = explorer.explorer_result(direction, disease, item, level, kb)
                if rows.empty:
                    assert "role=\"status\"" in result.value  # explained, never blank
                else:
                    assert result.value.count("evidence-badge") == len(rows)
                    assert result.value.count("status-tag") == len(rows)  # status beside, not instead of, evidence
                seen += 1
    assert seen > 60


def test_therapy_explorer_shows_the_query_rows(kb):
    damage = kb.damage["damage_id"].iloc[0]
    disease = kb.damage["disease_id"].iloc[0]
    rows = queries.therapies_for_damage(damage, disease=disease, kb=kb)
    text = explorer.explorer_html("damage", disease, damage, kb=kb)
    for therapy in rows["therapy"]:
        assert therapy.replace("&", "&amp;") in text or therapy in text


def test_therapy_explorer_empty_selection_is_explained(kb):
    assert "Nothing is selected" in explorer.explorer_html("damage", "als", None, kb=kb)
    widget = explorer.therapy_explorer()
    widget.controls["item"].value = None
    assert "Nothing is selected" in widget.outputs["result"].value


def test_therapy_explorer_reverse_direction_lists_damage(kb):
    widget = explorer.therapy_explorer(disease="ms", direction="therapy")
    therapy = widget.controls["item"].value
    rows = queries.damage_for_therapy(therapy, disease="ms", kb=kb)
    shown = widget.outputs["result"].value
    assert all(name in shown for name in rows["damage"].str.replace("&", "&amp;"))


def test_explorer_rejects_unknown_direction(kb):
    with pytest.raises(ValueError, match="valid: damage, therapy, cell type"):
        explorer.explorer_result("sideways", "als", "x", kb=kb)


def test_evidence_map_every_combination(kb):
    widget = explorer.evidence_map()
    c, out = widget.controls, widget.outputs
    images = set()
    for disease, level, kinds in itertools.product(_values(c["disease"]), _values(c["min_evidence"]),
                                                   _values(c["kinds"])):
        c["disease"].value, c["min_evidence"].value, c["kinds"].value = disease, level, kinds
        matrix = explorer.evidence_map_data(disease, level, kinds, kb)
        assert out["map"].value == explorer.evidence_map_html(matrix, disease, kb)
        if matrix.empty:
            assert "No therapy claim passes" in out["map"].value
        else:
            assert out["map"].value.count("<tr>") == len(matrix.index) + 1  # header + one row per therapy
        assert out["summary"].value == explorer.evidence_map_summary_html(matrix, disease, kb)
        filled = [v for v in _values(c["cell"]) if v]
        assert len(filled) == int(matrix.notna().sum().sum())
        images.add(out["map"].value)
    assert len(images) > 4, "different filters must draw different maps"


def test_evidence_map_png_for_static_use(kb):
    png = explorer.evidence_map_png("ms")
    assert bytes(png).startswith(b"\x89PNG")
    assert explorer.evidence_map_png("ms", "rct_clinical") != png


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_lesson_06_static_map_is_the_widgets_first_view_as_a_table(kb, disease):
    # lesson 06 shows the whole map without a kernel: the widget's table (every therapy, no filter)
    # and its summary, in a region that scrolls sideways and can be reached from the keyboard
    text = explorer.evidence_map_table_html(disease, kb)
    widget = explorer.evidence_map(disease)
    assert widget.outputs["map"].value in text and widget.outputs["summary"].value in text
    matrix = explorer.evidence_map_data(disease, kb=kb)
    assert text.count("<tr>") == len(matrix.index) + 1 and "<caption" in text and 'scope="col"' in text
    assert 'tabindex="0"' in text and 'role="region"' in text and "overflow-x:auto" in text
    with pytest.raises(ValueError, match="Valid choices: als"):
        explorer.evidence_map_table_html("parkinsons", kb)


def test_no_minimum_evidence_choice_hides_a_failed_randomized_trial(kb):
    failed = kb.therapy_effects[kb.therapy_effects["direction"].astype(str).isin(["no_benefit", "harm"])
                                & kb.therapy_effects["design"].astype(str).str.startswith("rct_")]
    assert len(failed) >= 5
    widget = explorer.evidence_map()
    for level in _values(widget.controls["min_evidence"]):
        for row in failed.itertuples():
            if level != explorer.ANY and row.strength < queries.design_strength(level, kb):
                continue  # the filter asks for a stronger design than this trial had
            matrix = explorer.evidence_map_data(row.disease_id, level, "all", kb)
            assert pd.notna(matrix.loc[row.therapy_id, row.damage_id]), (level, row.effect_id)
    # a failed trial on a clinical endpoint survives even the strictest filter
    strictest = explorer.evidence_map_data("als", "rct_clinical", "all", kb)
    assert str(strictest.loc["nurown", "als_lmn_loss"]) == "rct_no_benefit"


def test_approved_for_disease_but_mechanism_assumed_is_marked(kb):
    text = explorer.evidence_map_html(explorer.evidence_map_data("als", kb=kb), "als", kb)
    assert "R+†" in text and "not shown in people" in text  # riluzole and excitotoxicity
    assert ("riluzole", "als_excitotoxicity") in queries.unlinked_pairs("als", kb)
    assert ("natalizumab", "ms_bbb_relapse") not in queries.unlinked_pairs("ms", kb)


def test_evidence_map_cell_details(kb):
    widget = explorer.evidence_map(disease="als")
    cells = [v for v in _values(widget.controls["cell"]) if v]
    assert "Choose a cell" in widget.outputs["details"].value
    for value in cells:
        widget.controls["cell"].value = value
        therapy, damage = value.split("|")
        assert widget.outputs["details"].value == explorer.evidence_cell_html("als", therapy, damage, kb)
        assert "evidence-badge" in widget.outputs["details"].value


def test_trial_browser_every_combination(kb):
    """Every combination of the five filters for cell therapies (the default), and of disease, design
    and result for the other two kinds (cell types and phases are what cell trials differ in)."""
    widget = explorer.trial_browser()
    c, out = widget.controls, widget.outputs
    assert c["kind"].value == "cell"  # the series' subject first; drug trials on request
    combos = 0
    for show_figure in (False, True):
        c["figure"].value = show_figure
        for values in trial_browser_combinations(c):
            for name, value in zip(TRIAL_BROWSER_CONTROLS, values):
                c[name].value = value
            trials = explorer.trial_browser_data(*values, kb=kb)
            assert out["table"].value == explorer.trial_table_html(trials, kb)
            if show_figure:
                assert bytes(out["image"].png).startswith(b"\x89PNG")
                assert out["image"].alt == describe_trial_landscape(trials, kb)
            else:
                assert out["image"].png == b"" and out["image"].value == ""
            if trials.empty:
                assert "No trial" in out["table"].value
            else:
                assert out["table"].value.count("<tr>") == len(trials) + 1
            combos += 1
    assert combos >= 200


def test_trial_browser_draws_its_figure_only_on_request(kb):
    """The table comes first; the figure is drawn when the box is ticked, follows the filters while it
    is shown, and is hidden (and dropped from the widget's state) when the box is cleared."""
    widget = explorer.trial_browser()
    c, image = widget.controls, widget.outputs["image"]
    assert not c["figure"].value and image.layout.display == "none" and image.value == ""
    assert c["figure"].description and "figure" in c["figure"].description
    order = list(widget.children)
    assert order.index(c["figure"]) < order.index(image) < order.index(widget.outputs["table"])
    c["figure"].value = True
    assert image.layout.display is None and image.png.startswith(b"\x89PNG")
    every_cell_trial = image.png
    c["disease"].value = "ms"
    trials = explorer.trial_browser_data(disease="ms", kind="cell", kb=kb)
    assert image.png != every_cell_trial and image.alt == describe_trial_landscape(trials, kb)
    c["figure"].value = False
    assert image.layout.display == "none" and image.png == b"" and image.value == ""
    c["disease"].value = "als"  # hidden: nothing is drawn
    assert image.png == b""


def test_trial_browser_greys_out_cell_type_for_drug_trials(kb):
    widget = explorer.trial_browser()
    c = widget.controls
    c["cell_type"].value = _values(c["cell_type"])[1]
    c["kind"].value = "other"
    assert c["cell_type"].disabled and c["cell_type"].value == explorer.ANY
    assert "No trial" not in widget.outputs["table"].value
    c["kind"].value = "cell"
    assert not c["cell_type"].disabled


def test_trial_browser_kinds_split_the_trials(kb):
    from helpers.figures.therapy_tables import cell_trials

    cell = explorer.trial_browser_data(kind="cell", kb=kb)
    other = explorer.trial_browser_data(kind="other", kb=kb)
    assert set(cell["trial_id"]) == set(cell_trials(kb)["trial_id"])
    assert not set(cell["trial_id"]) & set(other["trial_id"])
    assert len(cell) + len(other) == len(kb.trials) == len(explorer.trial_browser_data(kb=kb))
    # lesson 07's task 1: randomized ALS trials of cells; the one that met a primary endpoint of benefit is Oh's
    task = explorer.trial_browser_data(disease="als", design="randomized", kind="cell", kb=kb)
    assert set(task.loc[task["result"] == "met", "trial_id"]) == {"oh_msc_p2"}
    with pytest.raises(ValueError, match="Unknown kind"):
        explorer.trial_browser_data(kind="cells", kb=kb)


def test_trial_browser_filters_match_query(kb):
    randomized = explorer.trial_browser_data(design="randomized", kb=kb)
    assert set(randomized["randomized"]) == {"yes"}
    assert len(randomized) == len(queries.trials(randomized=True, kb=kb))
    with pytest.raises(ValueError, match="Unknown design"):
        explorer.trial_browser_data(design="crossover", kb=kb)


def test_evidence_level_explorer_every_level(kb):
    widget = evidence_level_explorer()
    for level in _values(widget.controls["level"]):
        widget.controls["level"].value = level
        assert widget.outputs["result"].value == claims_at_level_html(level, kb)
        assert f"evidence-{level}" in widget.outputs["result"].value
    assert "Choose an evidence level" in claims_at_level_html(None, kb)
    with pytest.raises(ValueError, match="valid: "):
        claims_at_level_html("promising", kb)


def test_widgets_have_a_short_text_form():
    for make in (explorer.therapy_explorer, explorer.evidence_map, explorer.trial_browser, evidence_level_explorer):
        text = repr(make())
        assert text.startswith("[") and "interactive widget" in text and len(text) < 200


def test_widgets_carry_a_needs_a_running_notebook_note_as_html():
    """Where no kernel runs (the website, nbconvert, notebook viewers) the widget's stored
    text/html is shown: a note naming the widget, not a raw repr."""
    for make in (explorer.therapy_explorer, explorer.evidence_map, explorer.trial_browser, evidence_level_explorer):
        widget = make()
        bundle = widget._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert "application/vnd.jupyter.widget-view+json" in data
        note = data["text/html"]
        assert note.startswith('<div class="series-widget-note" role="note">')
        assert widget.title in note and "needs a running notebook" in note
