"""A randomized result from trials that compared the treatment only with another effective
treatment carries the caveat "against an active drug" (a section sign after the code in the maps),
so "not better than teriflunomide" never reads like "no effect" (data/README.md, rule 15)."""

from __future__ import annotations

import pytest
from figure_layout import figure_strings
from map_checks import assert_map_shows

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.biology import treatment_table_html
from helpers.figures.therapy_tables import describe_evidence_map, effect_claims_html, evidence_map_full_figure
from helpers.lesson import evidence_legend_html
from helpers.style import ACTIVE_CONTROL_LABEL, ACTIVE_CONTROL_MARK, UNBLINDED_LABEL, caveat_tags_html
from helpers.widgets.explorer import claim_evidence_html

TAG = f">{ACTIVE_CONTROL_LABEL}</span>"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_the_caveat_follows_the_rule_from_the_trials_table(kb):
    control = dict(zip(kb.trials["trial_id"], kb.trials["controlled"].astype(str)))
    for e in kb.therapy_effects.itertuples():
        trials = queries.split_ids(str(e.trial_ids))
        expected = (str(e.design) in ("rct_clinical", "rct_surrogate") and str(e.direction) in ("benefit", "no_benefit")
                    and bool(trials) and all(control[t] == "active" for t in trials))
        assert bool(e.active_control) == expected, e.effect_id


def test_the_btk_trials_against_teriflunomide_and_mist_carry_it_placebo_trials_do_not(kb):
    flagged = set(kb.therapy_effects.loc[kb.therapy_effects["active_control"].astype(bool), "effect_id"])
    assert {"e059", "e060", "e061", "e069", "e033"} <= flagged  # GEMINI, evolutionRMS, FENhance, FENtrepid, MIST
    assert not flagged & {"e057", "e058", "e001", "e006", "e027"}  # HERCULES, PERSEUS, NurOwn, Oh 2018, riluzole


def test_every_claim_display_shows_it(kb):
    html = effect_claims_html(["e059", "e057"], kb)
    assert html.count(TAG) == 1 and html.index(TAG) < html.index("HERCULES")  # only GEMINI's line
    assert TAG not in effect_claims_html(["e027", "e006"], kb)
    assert treatment_table_html(["tolebrutinib"], "ms", kb).count(TAG) == 1
    rows = kb.therapy_effects.set_index("effect_id")
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    assert TAG in claim_evidence_html(next(rows.loc[["e060"]].itertuples()), labels)
    assert TAG not in claim_evidence_html(next(rows.loc[["e057"]].itertuples()), labels)


def test_both_caveats_can_stand_together_and_missing_columns_mean_none():
    both = caveat_tags_html({"unblinded": True, "active_control": True})
    assert both.index(UNBLINDED_LABEL) < both.index(ACTIVE_CONTROL_LABEL) and both.endswith(" ")
    assert caveat_tags_html({"level": None}) == "" and caveat_tags_html({"active_control": float("nan")}) == ""


def test_the_legend_explains_it():
    legend = evidence_legend_html()
    assert TAG in legend and "which does not show that it has no effect" in legend
    assert f"mechanism chart the same caveat is a section sign ({ACTIVE_CONTROL_MARK}) after the code" in legend


def test_the_ms_maps_mark_the_decisive_active_control_cells_and_say_so_in_words(kb):
    pairs = queries.active_control_pairs("ms", kb)
    assert {("tolebrutinib", "ms_bbb_relapse"), ("evobrutinib", "ms_bbb_relapse"),
            ("fenebrutinib", "ms_smouldering")} <= pairs
    assert ("tolebrutinib", "ms_smouldering") not in pairs  # HERCULES was placebo-controlled
    assert not queries.active_control_pairs("als", kb)
    assert_map_shows(kb, "ms", "R0" + ACTIVE_CONTROL_MARK, ACTIVE_CONTROL_MARK + " = against an active drug", sized=True)
    assert ACTIVE_CONTROL_MARK not in "".join(figure_strings(evidence_map_full_figure("als", kb)))
    alt = describe_evidence_map("ms", kb)
    assert f"cells marked {ACTIVE_CONTROL_MARK}" in alt and "Evobrutinib" in alt.split(f"cells marked {ACTIVE_CONTROL_MARK}")[1]


def test_the_mechanism_chart_marks_mists_segments_and_says_so_in_words(kb):
    from helpers.figures.therapy_tables import (cell_based_therapy_ids, describe_mechanism_evidence,
                                                mechanism_evidence_figure)

    cell = kb.therapy_effects[kb.therapy_effects["therapy_id"].isin(cell_based_therapy_ids(kb))]
    active = cell[cell["active_control"].astype(bool)]
    assert set(zip(active["mechanism_id"], active["evidence_level"].astype(str))) == {
        ("immune_reset", "rct_benefit"), ("immune_reset", "surrogate_benefit")}  # MIST's two results
    texts = figure_strings(mechanism_evidence_figure(kb))
    assert {"R+" + ACTIVE_CONTROL_MARK, "S+" + ACTIVE_CONTROL_MARK} <= set(texts)
    assert any(line.startswith(ACTIVE_CONTROL_MARK + " = against an active drug") for t in texts for line in t.splitlines())
    assert "Immune reset (aHSCT) (only against other effective drugs, not placebo)" in describe_mechanism_evidence(kb)


# --------------------------------------------------------------------------- approval scope
def test_the_status_tag_says_where_and_for_what_an_approval_holds(kb):
    """An approval tag beside PERSEUS (primary progressive MS, R0) must not read as approval for that form."""
    from helpers.style import status_tag_html

    html = effect_claims_html(["e058"], kb)  # PERSEUS
    assert (">Conditional / accelerated approval (non-relapsing secondary progressive MS only; provisionally in the UAE; "
            "EU (2026; whether standard or conditional not confirmed); not the US)</span>") in html
    assert treatment_table_html(["tolebrutinib"], "ms", kb).count("non-relapsing secondary progressive MS only;") == 1
    assert status_tag_html("full_approval").endswith(">Approved</span>")  # riluzole: no scope given
    assert "white-space:nowrap" not in status_tag_html("full_approval", "relapsing MS")  # long tags may wrap
    approved = kb.therapies[kb.therapies["status"].astype(str).isin(["full_approval", "conditional_approval"])]
    narrow = {"tolebrutinib", "tofersen", "lenzumestrocel", "natalizumab"}
    assert narrow <= set(approved.loc[approved["approved_for"].notna(), "therapy_id"])
