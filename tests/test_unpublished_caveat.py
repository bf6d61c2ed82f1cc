"""A result that has so far only been announced by its sponsor or presented at a meeting carries the
caveat "not yet in a journal" (a degree sign after its code in the maps), so a company's headline
never looks like a peer-reviewed result (data/README.md, rule 16)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from figure_layout import figure_strings
from map_checks import assert_map_shows
from test_data import _add_copy, _set  # noqa: PLC2701 (the same spreadsheet-like edits)
from test_data_damage import _row_of  # noqa: PLC2701

from helpers import queries
from helpers.data import KnowledgeBaseError, load_knowledge_base
from helpers.figures.therapy_tables import (describe_evidence_map, describe_mechanism_evidence, effect_claims_html,
                                            mechanism_evidence_figure, mechanism_table_html)
from helpers.lesson import evidence_legend_html
from helpers.style import UNPUBLISHED_LABEL, UNPUBLISHED_MARK, caveat_tags_html
from helpers.widgets.explorer import evidence_cell_html, evidence_map_summary_html

TAG = f">{UNPUBLISHED_LABEL}</span>"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_the_caveat_follows_the_rule_from_the_trials_table(kb):
    """The deciding trial: the largest enrolled one behind the claim among those with a result
    (randomized ones for a randomized grade); every such trial where no size is recorded."""
    t = kb.trials.set_index("trial_id")
    where = t["results_in"].astype("string").fillna("")
    size = t["n_enrolled"].where(t["size_kind"].astype(str) == "enrolled")
    for e in kb.therapy_effects.itertuples():
        trials = queries.split_ids(str(e.trial_ids))
        pool = [x for x in trials if where[x]] or trials  # a trial without a result decides nothing yet
        if str(e.design) in ("rct_clinical", "rct_surrogate"):
            pool = [x for x in pool if t.loc[x, "randomized"] == "yes"] or trials
        sized = [x for x in pool if pd.notna(size[x])]
        if sized:
            pool = [x for x in sized if size[x] == max(size[y] for y in sized)]
        expected = bool(trials) and all(where[x] in ("meeting", "announcement") for x in pool)
        assert bool(e.unpublished) == expected, e.effect_id


def test_the_deciding_trial_sets_it_not_a_smaller_published_one(kb):
    flags = dict(zip(kb.therapy_effects["effect_id"], kb.therapy_effects["unpublished"].astype(bool)))
    assert flags["e005"]  # R0 from ALSUMMIT (announced), although the smaller phase 2 is published
    assert flags["e064"]  # iDReAM: the phase 2 (26 people, a university report) is larger than the published phase 1


def test_company_announced_results_carry_it_published_ones_do_not(kb):
    flagged = set(kb.therapy_effects.loc[kb.therapy_effects["unpublished"].astype(bool), "effect_id"])
    assert {"e061", "e069", "e004"} <= flagged  # FENhance, FENtrepid, ALSUMMIT
    assert not flagged & {"e033", "e001", "e006", "e027", "e059"}  # MIST, NurOwn, Oh 2018, riluzole, GEMINI


def test_every_claim_display_shows_it(kb):
    html = effect_claims_html(["e061", "e033"], kb)
    assert html.count(TAG) == 1 and html.index(TAG) < html.index("MIST")  # only fenebrutinib's line
    assert TAG in evidence_cell_html("ms", "fenebrutinib", "ms_bbb_relapse", kb)
    assert TAG not in evidence_cell_html("ms", "ahsct", "ms_t_cell_attack", kb)
    assert TAG in mechanism_table_html(kb)
    assert caveat_tags_html({"unpublished": True}).count(TAG) == 1
    assert caveat_tags_html({"unpublished": float("nan")}) == ""


def test_the_legend_explains_it():
    legend = evidence_legend_html()
    assert TAG in legend and "not yet published in a peer-reviewed journal" in legend
    assert f"the same caveat is a degree sign ({UNPUBLISHED_MARK}) after the code" in legend


def test_the_maps_mark_the_cells_and_say_so_in_words(kb):
    ms = queries.unpublished_pairs("ms", kb)
    assert {("fenebrutinib", "ms_bbb_relapse"), ("fenebrutinib", "ms_smouldering")} <= ms
    assert ("ahsct", "ms_t_cell_attack") not in ms
    # FENhance: R+§°, then the size
    assert_map_shows(kb, "ms", "R+§" + UNPUBLISHED_MARK, UNPUBLISHED_MARK + " = not yet in a journal", sized=True)
    matrix = queries.evidence_matrix("ms", kb=kb)
    for words in (describe_evidence_map("ms", kb), evidence_map_summary_html(matrix, "ms", kb)):
        assert f"Cells marked {UNPUBLISHED_MARK}" in words and "Fenebrutinib" in words.split(f"Cells marked {UNPUBLISHED_MARK}")[1]
    als = describe_evidence_map("als", kb)
    assert "Lenzumestrocel" in als.split(f"Cells marked {UNPUBLISHED_MARK}")[1]  # ALSUMMIT


def test_the_mechanism_chart_marks_favourable_unpublished_results(kb):
    texts = figure_strings(mechanism_evidence_figure(kb, cell_based_only=False))
    assert any(t.endswith(UNPUBLISHED_MARK) for t in texts if t[:2] in ("R+", "S+"))
    assert any(line.startswith(UNPUBLISHED_MARK + " = not yet in a journal") for t in texts for line in t.splitlines())
    assert "results not yet in a journal" not in describe_mechanism_evidence(kb)  # no cell therapy's win rests on one


def test_a_larger_trial_without_a_result_does_not_hide_it(tmp_path, kb):
    """A claim may cite an ongoing trial beside the one that reported: the ongoing one, however
    large, decides nothing yet."""
    data = tmp_path / "data"
    shutil.copytree(kb.data_dir, data)
    _add_copy(data, "trials", "alsummit", "alsummit_follow_on", registry_id="",
              short_name="A larger follow-on trial (test only)", n_enrolled="500", size_kind="enrolled",
              status="ongoing", result="ongoing", result_note="Not yet reported.", results_in="", start_year="2026")
    _set(data, "therapy_effects", _row_of(data, "therapy_effects", "effect_id", "e005"), "trial_ids",
         "alsummit;oh_msc_p2;alsummit_follow_on")
    edited = load_knowledge_base(data).therapy_effects.set_index("effect_id")
    assert "alsummit_follow_on" in edited.loc["e005", "trial_ids"]
    assert edited.loc["e005", "unpublished"]


def test_a_published_result_clears_it_and_a_typo_is_located(tmp_path, kb):
    data = tmp_path / "data"
    shutil.copytree(kb.data_dir, data)
    path = data / "trials.csv"
    text = path.read_text(encoding="utf-8")
    smaller = next(l for l in text.splitlines() if l.startswith("fenhance_1,"))  # 746 people
    line = next(l for l in text.splitlines() if l.startswith("fenhance_2,"))  # 751: the deciding trial
    row = text.splitlines().index(line) + 1
    path.write_text(text.replace(smaller, smaller.replace(",announcement,", ",journal,")), encoding="utf-8")
    assert load_knowledge_base(data).therapy_effects.set_index("effect_id").loc["e061", "unpublished"]
    path.write_text(text.replace(line, line.replace(",announcement,", ",journal,")), encoding="utf-8")
    e061 = load_knowledge_base(data).therapy_effects.set_index("effect_id").loc["e061"]
    assert not e061["unpublished"]  # the larger of its two trials, whose size the map prints, is now in a journal
    path.write_text(text.replace(line, line.replace(",announcement,", ",press release,")), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(data)
    message = str(error.value)
    assert f"trials.csv, row {row}" in message and "results_in" in message
    assert "journal, meeting, announcement" in message


def test_a_trial_with_a_result_must_say_where_it_appeared(tmp_path, kb):
    """Every trial with a result records where it appeared, so no unchecked trial hides its
    caveat; a trial without a result leaves the cell empty."""
    reported = kb.trials[kb.trials["result"].astype(str).isin(["met", "not_met", "mixed", "safety_only"])]
    assert reported["results_in"].notna().all()
    assert kb.trials.loc[kb.trials["result"].astype(str) == "ongoing", "results_in"].isna().all()
    data = tmp_path / "data"
    shutil.copytree(kb.data_dir, data)
    path = data / "trials.csv"
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("mist,"))
    row = text.splitlines().index(line) + 1
    assert line.count(",journal,") == 1
    path.write_text(text.replace(line, line.replace(",journal,", ",,", 1)), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as error:
        load_knowledge_base(data)
    message = str(error.value)
    assert f"trials.csv, row {row}" in message and "results_in" in message and "says where it appeared" in message

