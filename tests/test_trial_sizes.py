"""A code on an evidence map that rests on randomized trials (R+, R0, S+, S0) carries the size of the
largest of them, so a no-benefit result from 20 people never looks like one from 664, nor a benefit
from 48 like one from 942. The size is derived from ``trials.csv`` (enrolled sizes only) in the
figure, the map widget's HTML, both text alternatives and the evidence legend."""

from __future__ import annotations

import shutil

import pytest
from figure_layout import figure_strings

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.evidence import EVIDENCE_CODES, evidence_map_figure
from helpers.figures.therapy_tables import describe_evidence_map
from helpers.lesson import evidence_legend_html
from helpers.style import SIZE_KEY, trial_size_text
from helpers.widgets.explorer import evidence_map_html, evidence_map_summary_html
from test_data import _set  # noqa: PLC2701 (the same spreadsheet-like edits)
from test_data_damage import _row_of  # noqa: PLC2701

RANDOMIZED_CODES = {"R+", "R0", "R!", "S+", "S0"}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _largest_enrolled(kb, trial_ids) -> int:
    trials = kb.trials.set_index("trial_id")
    sizes = [int(trials.loc[t, "n_enrolled"]) for t in queries.split_ids(str(trial_ids))
             if str(trials.loc[t, "size_kind"]) == "enrolled" and str(trials.loc[t, "randomized"]) == "yes"]
    return max(sizes, default=0)


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_sizes_are_exactly_the_randomized_cells_with_an_enrolled_size(kb, disease):
    matrix = queries.evidence_matrix(disease, kb=kb)
    sizes = queries.trial_sizes(disease, kb)
    decisive = queries.decisive_claims(kb.therapy_effects[kb.therapy_effects["disease_id"] == disease])
    expected = {}
    for claim in decisive.itertuples():
        people = _largest_enrolled(kb, claim.trial_ids)
        if str(claim.design) in ("rct_clinical", "rct_surrogate") and people:
            expected[(claim.therapy_id, claim.damage_id)] = people
    assert sizes == expected
    assert sizes, "each disease has randomized results with a recorded size"
    for (therapy, damage) in sizes:
        assert EVIDENCE_CODES[str(matrix.loc[therapy, damage])] in RANDOMIZED_CODES


def test_a_planned_size_is_never_shown(kb):
    """EMBOLD (ATA188) gives only the registry's target, so its R0 carries no number."""
    assert str(kb.trials.set_index("trial_id").loc["embold", "size_kind"]) == "planned"
    assert ("ata188", "ms_b_cells") not in queries.trial_sizes("ms", kb)


def test_an_edited_trial_size_reaches_the_map(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(load_knowledge_base().data_dir, data)
    _set(data, "trials", _row_of(data, "trials", "trial_id", "ropals"), "n_enrolled", "2345")
    kb = load_knowledge_base(data)
    assert queries.trial_sizes("als", kb)[("ropinirole_als", "als_lmn_loss")] == 2345
    html = evidence_map_html(queries.evidence_matrix("als", kb=kb), "als", kb)
    assert "S0 (2,345)" in html


def test_the_figure_prints_the_size_after_the_code_and_explains_it(kb):
    matrix = queries.evidence_matrix("als", kb=kb)
    cell = next((t, d) for t in matrix.index for d in matrix.columns if str(matrix.loc[t, d]) == "rct_no_benefit")
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    texts = figure_strings(evidence_map_figure(matrix, names, damage_names, labels, "t", {"sizes": {cell: 1234}}))
    assert sum(t == "R0 (1,234)" for t in texts) == 1
    key_start = SIZE_KEY[:40]  # the legend wraps the key's lines
    assert any(line.startswith(key_start) for t in texts for line in t.splitlines())
    plain = figure_strings(evidence_map_figure(matrix, names, damage_names, labels, "t"))
    assert not any("(1,234)" in t or key_start in t for t in plain)


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_map_html_and_text_alternatives_give_the_sizes(kb, disease):
    matrix = queries.evidence_matrix(disease, kb=kb)
    sizes = queries.trial_sizes(disease, kb)
    html = evidence_map_html(matrix, disease, kb)
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    alt = describe_evidence_map(disease, kb)
    for (therapy, damage), people in sizes.items():
        assert EVIDENCE_CODES[str(matrix.loc[therapy, damage])] + trial_size_text(people) in html.replace("§", "").replace("†", "").replace("*", "").replace("°", "")
        level = str(matrix.loc[therapy, damage])
        if level in ("rct_no_benefit", "surrogate_no_benefit"):
            same = [n for (t, d), n in sizes.items() if t == therapy
                    and str(matrix.loc[t, d]) in ("rct_no_benefit", "surrogate_no_benefit", "rct_harm")]
            assert f"{names[therapy]} [largest trial {max(same):,} people]" in alt
    assert SIZE_KEY in html
    summary = evidence_map_summary_html(matrix, disease, kb)
    assert f"from {min(sizes.values()):,} to {max(sizes.values()):,}" in summary


def test_favourable_and_unfavourable_results_alike_carry_their_size_and_early_studies_none(kb):
    html = evidence_map_html(queries.evidence_matrix("ms", kb=kb), "ms", kb)
    polman = int(kb.trials.set_index("trial_id").loc["affirm", "n_enrolled"])
    assert f"R+ ({polman:,})" in html                    # natalizumab: AFFIRM
    assert "R0 (54)" in html                             # MSC-derived neural progenitors
    assert "E? (" not in html and "I (" not in html and "L (" not in html


def test_the_text_alternative_lists_sizes_for_benefit_and_failure(kb):
    alt = describe_evidence_map("ms", kb)
    assert "Natalizumab [largest trial" in alt
    assert "ATA188 (donor T cells against Epstein-Barr virus) [trial size not recorded]" in alt


def test_the_legend_explains_the_number():
    legend = evidence_legend_html()
    assert "(number) after R+, R0, S+ or S0 on a map" in legend
    assert "not that the treatment cannot work" in legend and "overstate" in legend


def test_trial_size_text():
    assert trial_size_text(664) == " (664)"
    assert trial_size_text(1166) == " (1,166)"
    assert trial_size_text(0) == trial_size_text(None) == ""


def test_only_randomized_trials_give_the_size(tmp_path):
    """A claim that also cites a larger uncontrolled study keeps the size of its randomized trial."""
    data = tmp_path / "data"
    shutil.copytree(load_knowledge_base().data_dir, data)
    row = _row_of(data, "therapy_effects", "effect_id", "e063")
    _set(data, "therapy_effects", row, "trial_ids", "ropals;mayo_msc_p2")  # 20 randomized; 75 not randomized
    kb = load_knowledge_base(data)
    effects = kb.therapy_effects.set_index("effect_id")
    assert effects.loc["e063", "n_people"] == 75 and effects.loc["e063", "n_randomized"] == 20
    assert queries.trial_sizes("als", kb)[("ropinirole_als", "als_lmn_loss")] == 20
