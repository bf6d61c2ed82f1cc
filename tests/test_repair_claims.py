"""Slowing further damage and repairing damage already done are kept apart wherever claims are
shown: a map cell with a claim about repair as strong as its code carries the words "repair claim" (figure,
HTML map and both text alternatives), and every claim display says what the claim is about."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from figure_layout import figure_strings

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.evidence import evidence_map_figure
from helpers.figures.therapy_tables import describe_evidence_map, effect_claims_html, evidence_map_full_figure
from helpers.style import REPAIR_KEY, REPAIR_LABEL
from helpers.widgets.explorer import (claim_evidence_html, evidence_map_data, evidence_map_html,
                                      evidence_map_summary_html)
from test_data import _add_copy, _set, _write  # noqa: PLC2701 (the same spreadsheet-like edits)
from test_data_damage import _row_of  # noqa: PLC2701


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _filled(matrix: pd.DataFrame) -> set[tuple[str, str]]:
    return {(t, d) for t in matrix.index for d in matrix.columns if pd.notna(matrix.loc[t, d])}


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_repair_pairs_are_the_cells_with_a_repair_claim_as_strong_as_the_code_shown(kb, disease):
    effects = kb.therapy_effects[kb.therapy_effects["disease_id"] == disease]
    matrix = queries.evidence_matrix(disease, kb=kb)
    expected = set()
    for (therapy, damage), claims in effects.groupby(["therapy_id", "damage_id"], observed=True):
        shown = str(matrix.loc[therapy, damage])
        if ((claims["action"] == "repairs") & (claims["evidence_level"].astype(str) == shown)).any():
            expected.add((therapy, damage))
    assert queries.repair_pairs(disease, kb) == expected
    assert expected, "both diseases have claims about repair in the knowledge base"


def test_the_mark_does_not_depend_on_the_order_of_equally_strong_claims(kb, tmp_path):
    """Two equally strong claims of one therapy on one damage, one about repair and one about slowing:
    the cell is marked whichever comes first in the file. (Made from NSI-566's uncontrolled claim on
    lower motor neuron loss, e011, and a copy of it about repair, e999.)"""
    assert ("nsi566", "als_lmn_loss") not in queries.repair_pairs("als", kb)
    target = tmp_path / "data"
    shutil.copytree(kb.data_dir, target)
    rows = _add_copy(target, "therapy_effects", "e011", "e999", action="repairs")
    assert ("nsi566", "als_lmn_loss") in queries.repair_pairs("als", load_knowledge_base(target))
    rows.insert([row[0] for row in rows].index("e011"), rows.pop())  # the repair claim first
    _write(target / "therapy_effects.csv", rows)
    assert ("nsi566", "als_lmn_loss") in queries.repair_pairs("als", load_knowledge_base(target))


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_both_maps_mark_every_repair_cell_and_only_those(kb, disease):
    matrix = queries.evidence_matrix(disease, kb=kb)
    repair = queries.repair_pairs(disease, kb) & _filled(matrix)
    texts = figure_strings(evidence_map_full_figure(disease, kb))
    assert texts.count(REPAIR_LABEL) == len(repair) > 0
    assert any(REPAIR_KEY in " ".join(t.split()) for t in texts)
    html = evidence_map_html(matrix, disease, kb)
    assert html.count(f">{REPAIR_LABEL}</small>") == len(repair)
    assert REPAIR_KEY in html


def test_the_map_figure_marks_exactly_the_cell_it_is_given_and_keys_it_only_then(kb):
    matrix = queries.evidence_matrix("als", kb=kb)
    cell = sorted(_filled(matrix))[0]
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    marked = figure_strings(evidence_map_figure(matrix, names, damage_names, labels, "t", {"repair": {cell}}))
    assert marked.count(REPAIR_LABEL) == 1 and any(REPAIR_KEY in " ".join(t.split()) for t in marked)
    plain = figure_strings(evidence_map_figure(matrix, names, damage_names, labels, "t"))
    assert REPAIR_LABEL not in plain and not any(REPAIR_KEY in " ".join(t.split()) for t in plain)


def test_every_claim_is_about_slowing_or_repair_as_the_key_says(kb):
    """The map's key says every unmarked claim is about slowing further damage, or, in a research tool's
    row, about laboratory research; a claim about relieving symptoms would need its own mark."""
    assert set(kb.therapy_effects["action"].astype(str)) <= {"slows", "repairs", "research"}
    research = kb.therapy_effects[kb.therapy_effects["action"].astype(str) == "research"]
    names = kb.therapies.set_index("therapy_id")["name"]
    assert len(research) and all("research tool" in names[t] for t in research["therapy_id"])


def test_a_research_tools_claims_are_not_treatment_claims(kb):
    """Patient iPSC disease models are a laboratory tool: their claims read as research, never as
    "slowing further damage" (lesson 04 shows them)."""
    from helpers.figures.therapy_tables import effect_claims_html
    from helpers.style import CLAIM_AIMS

    ids = list(kb.therapy_effects.loc[kb.therapy_effects["therapy_id"] == "ipsc_disease_models", "effect_id"])
    html = effect_claims_html(ids, kb)
    assert html.count(f"claim about {CLAIM_AIMS['research']}") == len(ids) > 0
    assert CLAIM_AIMS["slows"] not in html


def test_no_repair_claim_has_a_clinical_benefit_which_the_lessons_say(kb):
    """Lesson 06 ("Today's treatments slow damage; none repairs it") rests on this; if a repair claim
    ever reaches R+, the lessons and this test must change together."""
    repair = kb.therapy_effects[kb.therapy_effects["action"] == "repairs"]
    assert not (repair["evidence_level"].astype(str) == "rct_benefit").any()
    for disease in ("als", "ms"):
        assert "none has a benefit on a clinical endpoint in a randomized trial" in describe_evidence_map(disease, kb)
    # the best repair result, clemastine's faster nerve signal, carries the dagger: new myelin is inferred
    assert ('the best favourable result is S+† (that it acts by repairing this damage is a hypothesis), '
            'for: Clemastine') in describe_evidence_map("ms", kb)
    # lesson 06, "Look for repair claim": in ALS only ideas and uncontrolled studies; opicinumab failed (R0)
    als = queries.evidence_matrix("als", kb=kb)
    assert {str(als.loc[cell]) for cell in queries.repair_pairs("als", kb)} == {"idea", "early_unclear"}
    ms = queries.evidence_matrix("ms", kb=kb)
    assert str(ms.loc[("opicinumab", "ms_failed_remyelination")]) == "rct_no_benefit"
    assert ("opicinumab", "ms_failed_remyelination") in queries.repair_pairs("ms", kb)


@pytest.fixture
def repaired(tmp_path, kb):
    """A copy of the data in which natalizumab's relapse claim (R+, e049) is recorded as a repair claim."""
    target = tmp_path / "data"
    shutil.copytree(kb.data_dir, target)
    _set(target, "therapy_effects", _row_of(target, "therapy_effects", "effect_id", "e049"), "action", "repairs")
    return load_knowledge_base(target)


def test_the_text_alternatives_follow_the_data(kb, repaired):
    text = describe_evidence_map("ms", repaired)
    assert "with a benefit on a clinical endpoint in a randomized trial for: Natalizumab" in text
    assert "none has a benefit" not in text
    summary = evidence_map_summary_html(queries.evidence_matrix("ms", kb=repaired), "ms", repaired)
    assert "for: Natalizumab" in summary
    count = len(queries.repair_pairs("ms", kb))
    assert f"{count} cells are marked" in evidence_map_summary_html(evidence_map_data("ms", kb=kb), "ms", kb)


def test_every_claim_display_says_what_the_claim_is_about(kb):
    effects = kb.therapy_effects.set_index("effect_id")
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    opicinumab = next(effects.loc[["e047"]].itertuples())  # a failed repair claim: "about", never "repairs"
    assert "Claim about repairing damage already done." in claim_evidence_html(opicinumab, labels)
    assert "claim about repairing damage already done" in effect_claims_html(["e047"], kb)
    natalizumab = effects.index[(effects["therapy_id"] == "natalizumab")][0]
    assert "claim about slowing further damage" in effect_claims_html([natalizumab], kb)


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_map_marks_are_the_mark_queries_in_one_pass(kb, disease):
    assert queries.map_marks(disease, kb) == {
        "unlinked": queries.unlinked_pairs(disease, kb), "unblinded": queries.unblinded_pairs(disease, kb),
        "active_control": queries.active_control_pairs(disease, kb), "unpublished": queries.unpublished_pairs(disease, kb),
        "repair": queries.repair_pairs(disease, kb),
        "sizes": queries.trial_sizes(disease, kb)}
