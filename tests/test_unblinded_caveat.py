"""A favourable randomized result from trials in which nobody was blinded carries a visible
caveat ("not blinded"; an asterisk after the code in maps and charts) wherever its badge or code is shown, so an open-label R+ never reads
like a blinded one (data/README.md, rule 14)."""

from __future__ import annotations

import shutil

import pytest
from figure_layout import figure_strings
from map_checks import assert_map_shows

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.biology import treatment_table_html
from helpers.figures.cells import article_claims_html
from helpers.figures.evidence import evidence_map_figure
from helpers.figures.therapy_tables import (describe_mechanism_evidence, effect_claims_html,
                                            evidence_map_full_figure, mechanism_evidence_figure)
from helpers.lesson import evidence_legend_html
from helpers.style import ACTIVE_CONTROL_MARK, UNBLINDED_LABEL, UNBLINDED_MARK, UNPUBLISHED_MARK
from helpers.widgets.explorer import claim_evidence_html, effects_table_html, evidence_map_html
from test_data import _set  # noqa: PLC2701 (the same spreadsheet-like edits)
from test_data_damage import _row_of  # noqa: PLC2701

TAG = f">{UNBLINDED_LABEL}</span>"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_the_caveat_follows_the_rule_from_the_trials_table(kb):
    blinding = dict(zip(kb.trials["trial_id"], kb.trials["blinding"].astype(str)))
    for e in kb.therapy_effects.itertuples():
        trials = queries.split_ids(str(e.trial_ids))
        expected = (str(e.design) in ("rct_clinical", "rct_surrogate") and str(e.direction) == "benefit"
                    and bool(trials) and all(blinding[t] == "open" for t in trials))
        assert bool(e.unblinded) == expected, e.effect_id


def test_open_label_phase_2_carries_it_and_rater_blinded_mist_does_not(kb):
    effects = kb.therapy_effects.set_index("effect_id")
    assert effects.loc["e006", "unblinded"]  # lenzumestrocel phase 2: no sham, open assessment
    assert not effects.loc["e033", "unblinded"]  # MIST: open-label, disability rated blind
    assert not effects.loc["e005", "unblinded"]  # a miss is not weakened by open assessment


def test_every_claim_display_shows_the_caveat_for_e006_only(kb):
    assert effect_claims_html(["e006"], kb).count(TAG) == 1
    assert TAG not in effect_claims_html(["e033", "e004", "e027"], kb)
    assert treatment_table_html(["lenzumestrocel"], "als", kb).count(TAG) == 1
    assert treatment_table_html(["riluzole", "edaravone"], "als", kb).count(TAG) == 0
    assert article_claims_html(["msc_slow_als"], kb).count(TAG) == 1
    rows = kb.therapy_effects.set_index("effect_id")
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    assert TAG in claim_evidence_html(next(rows.loc[["e006"]].itertuples()), labels)
    assert TAG not in claim_evidence_html(next(rows.loc[["e033"]].itertuples()), labels)
    explorer_rows = queries.damage_for_therapy("lenzumestrocel", disease="als", kb=kb)  # the therapy explorer's table
    assert effects_table_html(explorer_rows, kb, "Damage").count(TAG) == 1


def test_the_legend_explains_the_caveat():
    legend = evidence_legend_html()
    assert TAG in legend and "Nobody in the randomized trial(s)" in legend
    assert f"asterisk ({UNBLINDED_MARK}) after the code" in legend


def test_the_mechanism_chart_marks_the_segment_says_why_and_says_it_in_words(kb):
    texts = figure_strings(mechanism_evidence_figure(kb))
    assert "R+" + UNBLINDED_MARK in texts
    assert any(t.startswith(UNBLINDED_MARK + " = not blinded") for t in texts)
    assert "Trophic (growth-factor) support (only from a trial in which nobody was blinded)" \
        in describe_mechanism_evidence(kb)


@pytest.fixture
def open_mist(tmp_path, kb):
    """A copy of the data in which MIST is recorded as fully open-label (no blinded rater)."""
    target = tmp_path / "data"
    shutil.copytree(kb.data_dir, target)
    _set(target, "trials", _row_of(target, "trials", "trial_id", "mist"), "blinding", "open")
    return load_knowledge_base(target)


def test_the_maps_mark_a_decisive_unblinded_cell_and_explain_it(kb, open_mist):
    assert not queries.unblinded_pairs("ms", kb)  # no decisive cell carries the caveat in the real data
    pairs = queries.unblinded_pairs("ms", open_mist)
    assert pairs == {("ahsct", "ms_t_cell_attack"), ("ahsct", "ms_bbb_relapse")}
    # MIST: nobody blinded (in this copy), and against active drugs
    assert_map_shows(open_mist, "ms", "R+" + UNBLINDED_MARK + "§", UNBLINDED_MARK + " = not blinded")
    assert UNBLINDED_MARK not in "".join(figure_strings(evidence_map_full_figure("ms", kb)))
    plain = evidence_map_html(queries.evidence_matrix("ms", kb=kb), "ms", kb)
    assert UNBLINDED_MARK not in plain


@pytest.mark.parametrize("caveat, mark", [("unblinded", UNBLINDED_MARK), ("active_control", ACTIVE_CONTROL_MARK),
                                         ("unpublished", UNPUBLISHED_MARK)])
def test_the_map_figure_marks_exactly_the_cells_it_is_given(kb, caveat, mark):
    """Each caveat's map mark (this one, "against an active drug", "not yet in a journal") goes on the cells
    given, and only there."""
    matrix = queries.evidence_matrix("als", kb=kb)
    therapy, damage = next((t, d) for t in matrix.index for d in matrix.columns if isinstance(matrix.loc[t, d], str))
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    texts = figure_strings(evidence_map_figure(matrix, names, damage_names, labels, "t", {caveat: {(therapy, damage)}}))
    assert sum(t.endswith(mark) for t in texts) == 1
