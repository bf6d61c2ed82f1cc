"""Figures and tables of lessons 01 and 02 (helpers.figures.biology) agree with the data.

Each test recomputes what a function should show in a second, independent way, or feeds it
a deliberately altered knowledge base or parameter set, so a wrong selection, order,
number or colour fails.
"""

from __future__ import annotations

import dataclasses
import html
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from helpers import models, queries
from helpers.data import load_knowledge_base
from helpers.figures import biology as bio
from helpers.style import DISEASE_COLOURS


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _artists(fig, gid):
    return [a for a in fig.axes[0].get_children() if a.get_gid() == gid]


def _texts(fig):
    ax = fig.axes[0]
    return " ".join([t.get_text() for t in ax.texts] + [ax.get_title("left")])


def _body_rows(table_html):
    return re.findall(r"<tr><td", table_html)


# --------------------------------------------------------------------------- motor pathway
@pytest.mark.parametrize("highlight", bio.PATHWAY_HIGHLIGHTS)
def test_motor_pathway_labels_every_part(highlight):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = bio.motor_pathway_figure(highlight)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before, "the figure must be built without pyplot"
    text = _texts(fig)
    for label in bio.PATHWAY_LABELS:
        assert label in text, f"label {label!r} missing for highlight={highlight!r}"
    for gid in ("umn_soma", "lmn_soma", "cns_myelin", "pns_myelin", "nmj"):
        assert _artists(fig, gid), f"no artist with gid {gid!r}"


def test_motor_pathway_als_marks_both_motor_neurons():
    als = to_hex(DISEASE_COLOURS["als"])
    for highlight, expected in ((None, False), ("ms", False), ("als", True)):
        fig = bio.motor_pathway_figure(highlight)
        for gid in ("umn_soma", "lmn_soma"):
            (soma,) = _artists(fig, gid)
            assert (to_hex(soma.get_facecolor()) == als) is expected, (highlight, gid)
        crosses = [line for line in fig.axes[0].get_lines() if line.get_marker() == "X"]
        assert (len(crosses) == 2) is expected, "ALS must mark both cell bodies with an X (not colour alone)"


def test_motor_pathway_ms_strips_only_cns_myelin_and_draws_it_thin_not_as_gaps():
    healthy, ms = bio.motor_pathway_figure(None), bio.motor_pathway_figure("ms")
    kept, lost = _artists(ms, "cns_myelin"), _artists(ms, "cns_myelin_lost")
    assert lost and len(kept) + len(lost) == len(_artists(healthy, "cns_myelin"))  # no segment simply vanishes
    assert not _artists(healthy, "cns_myelin_lost")
    assert len(_artists(ms, "pns_myelin")) == len(_artists(healthy, "pns_myelin"))
    blue = to_hex(DISEASE_COLOURS["ms"])
    assert all(to_hex(p.get_facecolor()) == blue for p in kept)
    assert not any(to_hex(p.get_facecolor()) == blue for p in _artists(ms, "pns_myelin"))
    for segment in lost:  # thinner than intact myelin, pale, dashed: three cues, not colour alone
        assert segment.get_width() < min(p.get_width() for p in kept) / 2
        assert to_hex(segment.get_facecolor()) == to_hex(bio.MS_MYELIN_LOST) and segment.get_linestyle() == "--"
    assert "pale and thin" in _texts(ms) and "gaps" not in _texts(ms)


def test_motor_pathway_description_follows_the_highlight():
    assert "dying" in bio.describe_motor_pathway("als") and "dying" not in bio.describe_motor_pathway(None)
    assert "pale and thin" in bio.describe_motor_pathway("ms") and "stripped" not in bio.describe_motor_pathway("als")
    with pytest.raises(ValueError, match="highlight"):
        bio.motor_pathway_figure("parkinson")
    with pytest.raises(ValueError):
        bio.describe_motor_pathway("ALS ")


# --------------------------------------------------------------------------- cells
def test_cell_table_takes_jobs_from_the_glossary_and_beliefs_from_cell_types(kb):
    frame = bio.nervous_system_cells_frame(kb=kb)
    assert list(frame["cell_type_id"]) == list(bio.CELL_GLOSSARY_TERMS)
    glossary = kb.glossary.set_index("term")["definition"]
    cells = kb.cell_types.set_index("cell_type_id")
    for row in frame.itertuples():
        assert row.job == glossary[bio.CELL_GLOSSARY_TERMS[row.cell_type_id]]
        raw = str(cells.loc[row.cell_type_id, "misconception"])
        assert row.misconception == ("" if raw == "-" else raw)
        for ref in str(cells.loc[row.cell_type_id, "ref_ids"]).split(";"):
            assert ref in row.ref_ids.split(";")
    html_text = bio.nervous_system_cells_html(kb=kb)
    assert len(_body_rows(html_text)) == len(frame)
    for name in frame["name"]:
        assert html.escape(name) in html_text
    with pytest.raises(ValueError, match="t_cell"):
        bio.nervous_system_cells_frame(["t_cell"], kb)


def test_cell_table_reflects_an_edited_glossary(kb):
    glossary = kb.glossary.copy()
    glossary.loc[glossary["term"] == "microglia", "definition"] = "EDITED DEFINITION"
    altered = dataclasses.replace(kb, glossary=glossary)
    frame = bio.nervous_system_cells_frame(["microglia"], altered)
    assert frame.loc[0, "job"] == "EDITED DEFINITION"


# --------------------------------------------------------------------------- conduction times
def test_conduction_times_follow_the_model():
    p = models.load_parameters("conduction")
    frame = bio.conduction_time_frame(2.0)
    assert len(frame) == len(bio.CONDUCTION_FIBRES)
    for row, (_, key, myelinated) in zip(frame.itertuples(), bio.CONDUCTION_FIBRES):
        d = p[key]
        v = p["myelinated_velocity_per_diameter"] * d if myelinated else p["unmyelinated_velocity_coefficient"] * d ** 0.5
        assert row.velocity_m_per_s == pytest.approx(v, abs=0.06)
        assert row.time_ms == pytest.approx(2000 / v, abs=0.06)
    # myelin makes the same fibre faster
    assert frame.loc[0, "time_ms"] < frame.loc[1, "time_ms"]
    with pytest.raises(ValueError):
        bio.conduction_time_frame(0)


def test_conduction_times_use_the_given_parameters():
    p = dict(models.load_parameters("conduction"))
    p["myelinated_velocity_per_diameter"] = 1.0
    frame = bio.conduction_time_frame(1.0, params=p)
    assert frame.loc[0, "velocity_m_per_s"] == pytest.approx(p["textbook_a_alpha_diameter_um"], abs=0.06)


# --------------------------------------------------------------------------- glossary tables
def test_term_table_shows_definitions_in_order(kb):
    terms = ["SOD1", "C9orf72", "TARDBP", "FUS"]
    text = bio.term_table_html(terms, "Gene", kb)
    glossary = kb.glossary.set_index("term")["definition"]
    positions = [text.index(f"<b>{t}</b>") for t in terms]
    assert positions == sorted(positions)
    for t in terms:
        assert html.escape(glossary[t]) in text
    with pytest.raises(ValueError, match="no such term"):
        bio.term_table_html(["no such term"], kb=kb)


# --------------------------------------------------------------------------- damage
def test_damage_table_lists_every_als_row_strongest_first(kb):
    frame = bio.damage_by_evidence_frame("als", kb)
    expected = kb.damage[kb.damage["disease_id"] == "als"]
    assert sorted(frame["damage_id"]) == sorted(expected["damage_id"])
    order = list(kb.evidence_dtype.categories)
    ranks = [order.index(level) for level in frame["evidence_level"]]
    assert ranks == sorted(ranks, reverse=True)
    file_order = list(expected["damage_id"])
    for _, group in frame.groupby("evidence_level", sort=False):
        positions = [file_order.index(d) for d in group["damage_id"]]
        assert positions == sorted(positions)
    names = dict(zip(kb.cell_types["cell_type_id"], kb.cell_types["name"]))
    for row in frame.itertuples():
        raw = expected.set_index("damage_id").loc[row.damage_id, "cell_types_hit"]
        assert row.cells == "; ".join(names[c] for c in raw.split(";"))


def test_damage_table_moves_a_downgraded_row(kb):
    damage = kb.damage.copy()
    damage["evidence_level"] = damage["evidence_level"].astype(str)
    damage.loc[damage["damage_id"] == "als_umn_loss", "evidence_level"] = "hypothesis"
    altered = dataclasses.replace(kb, damage=damage)
    frame = bio.damage_by_evidence_frame("als", altered)
    assert frame["damage_id"].iloc[-1] == "als_umn_loss"
    assert "Idea, not yet shown" in bio.damage_by_evidence_html("als", altered)


def test_damage_html_badges_and_description_match_the_levels(kb):
    frame = bio.damage_by_evidence_frame("als", kb)
    text = bio.damage_by_evidence_html("als", kb)
    assert len(_body_rows(text)) == len(frame)
    for level, count in frame["evidence_level"].value_counts().items():
        assert text.count(f"evidence-badge evidence-{level}") == count
    sentence = bio.describe_damage_by_evidence("als", kb)
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    for level, count in frame["evidence_level"].value_counts().items():
        assert f"{count} at “{labels[level]}”" in sentence
    assert f"lists {len(frame)} kinds" in sentence


# --------------------------------------------------------------------------- treatments
THERAPIES = ["riluzole", "edaravone", "tofersen", "amx0035"]


def test_treatment_frame_collects_exactly_the_matching_rows(kb):
    frame = bio.treatment_frame(THERAPIES, "als", kb)
    assert list(frame["therapy_id"]) == THERAPIES
    for row in frame.itertuples():
        effects = kb.therapy_effects
        mine = effects[(effects["therapy_id"] == row.therapy_id) & (effects["disease_id"] == "als")]
        assert sorted(c["effect_id"] for c in row.claims) == sorted(mine["effect_id"])
        trials = kb.trials[(kb.trials["therapy_id"] == row.therapy_id) & (kb.trials["disease_id"] == "als")]
        assert sorted(t["trial_id"] for t in row.trials) == sorted(trials["trial_id"])
        assert all("comparator" not in t["short_name"] for t in row.trials)
        strengths = [c["strength"] for c in row.claims]
        assert strengths == sorted(strengths, reverse=True), "strongest design first"
    with pytest.raises(ValueError, match="unknown_drug"):
        bio.treatment_frame(["unknown_drug"], "als", kb)


def test_treatment_table_shows_every_claim_with_its_badge(kb):
    text = bio.treatment_table_html(THERAPIES, "als", kb)
    frame = bio.treatment_frame(THERAPIES, "als", kb)
    assert len(_body_rows(text)) == len(THERAPIES)
    n_claims = sum(len(c) for c in frame["claims"])
    assert n_claims > 0
    assert text.count('class="evidence-badge') == n_claims
    for claims in frame["claims"]:
        for c in claims:
            assert html.escape(c["note"]) in text
    assert "Approval withdrawn" in text and "status-withdrawn" in text  # AMX0035's status, as a separate tag


def test_months_of_average_decline_uses_the_fact_table(kb):
    facts = kb.disease_facts.set_index("fact_id")
    slope = abs(float(facts.loc["als_alsfrs_slope_trials", "value"]))
    assert bio.months_of_average_decline(3.0, kb=kb) == pytest.approx(round(3.0 / slope, 1))
    altered_facts = kb.disease_facts.copy()
    altered_facts.loc[altered_facts["fact_id"] == "als_alsfrs_slope_trials", "value"] = -0.5
    altered = dataclasses.replace(kb, disease_facts=altered_facts)
    assert bio.months_of_average_decline(3.0, kb=altered) == 6.0
    with pytest.raises(ValueError, match="monthly"):
        bio.months_of_average_decline(3.0, "als_incidence_europe", kb)
    with pytest.raises(ValueError, match="Unknown fact"):
        bio.months_of_average_decline(3.0, "no_such_fact", kb)


# --------------------------------------------------------------------------- ALSFRS-R course
def test_alsfrs_course_is_seeded_and_uses_the_model_parameters():
    a, b = bio.alsfrs_course(20, 12, seed=1), bio.alsfrs_course(20, 12, seed=1)
    c = bio.alsfrs_course(20, 12, seed=2)
    assert np.array_equal(a["scores"], b["scores"])
    assert not np.array_equal(a["scores"], c["scores"])
    assert a["scores"].shape == (20, 13)
    p = models.load_parameters("alsfrs")
    assert a["mean_slope"] == p["mean_slope_points_per_month"]
    assert np.all((a["scores"] >= 0) & (a["scores"] <= p["alsfrs_r_max_points"]))
    altered = dict(p, slope_sd_points_per_month=0.0, mean_slope_points_per_month=-2.0)
    flat = bio.alsfrs_course(10, 6, seed=1, params=altered)
    assert np.allclose(flat["true_slopes"], -2.0)


def test_alsfrs_description_counts_match_the_simulation():
    c = bio.alsfrs_course(40, 12, seed=7)
    rates = -c["true_slopes"]
    sentence = bio.describe_alsfrs_course(40, 12, seed=7)
    fast, slow = int((rates > 1.5).sum()), int((rates < 0.5).sum())
    assert f"{fast} of them" in sentence and f"while {slow} " in sentence
    assert f"{rates.min():.2f} to {rates.max():.2f}" in sentence
    fig = bio.alsfrs_course_figure(40, 12, seed=7)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    drawn = [line for line in fig.axes[0].get_lines() if line.get_label().startswith("_")]
    assert len(drawn) == 40, "one line per simulated person"


def test_module_uses_no_pyplot_state():
    source = open(bio.__file__, encoding="utf-8").read()
    assert "pyplot" not in source.split('"""', 2)[2]
    assert matplotlib.get_backend()  # importing the module did not break the backend
    assert isinstance(bio.conduction_time_frame(), pd.DataFrame)


def test_conduction_time_html_shows_the_frame():
    frame = bio.conduction_time_frame(0.5)
    text = bio.conduction_time_html(0.5)
    assert len(_body_rows(text)) == len(frame)
    for row in frame.itertuples():
        assert f"{row.time_ms:,.1f}" in text and html.escape(row.fibre) in text
    assert "Time to travel 0.5 m (ms)" in text


def test_short_citations_name_first_authors_or_the_title(kb):
    refs = kb.references.set_index("ref_id")
    text = queries.cite("bensimon_1994;motor_unit_remodelling_2022", kb, "short")
    assert text.startswith("Bensimon G et al. (1994)")
    assert "not captured" not in text and refs.loc["motor_unit_remodelling_2022", "title"][:20] in text
    assert queries.cite("", kb, "short") == "—"
    with pytest.raises(ValueError, match="nowhere_2099"):
        queries.cite("nowhere_2099", kb, "short")


def test_trial_arm_results_read_the_trial_note(kb):
    assert bio.trial_arm_results("edaravone_mci186_19", kb) == (-5.01, -7.50)
    treated, control = bio.trial_arm_results("valor", kb)
    assert (treated, control) == (-6.98, -8.14)
    # the edaravone claim in therapy_effects.csv states the same two numbers
    note = kb.therapy_effects.set_index("effect_id").loc["e028", "note"]
    assert "5.01" in note and "7.50" in note
    trials = kb.trials.copy()
    trials.loc[trials["trial_id"] == "valor", "result_note"] = "No numbers here (p=0.5)."
    with pytest.raises(ValueError, match="no 'A vs B'"):
        bio.trial_arm_results("valor", dataclasses.replace(kb, trials=trials))
    trials.loc[trials["trial_id"] == "valor", "result_note"] = "Scores 10 vs 12.5 points."
    assert bio.trial_arm_results("valor", dataclasses.replace(kb, trials=trials)) == (10.0, 12.5)
    with pytest.raises(ValueError, match="Unknown trial"):
        bio.trial_arm_results("no_trial", kb)


def test_months_gained_against_the_trials_own_control_group(kb):
    # edaravone: 2.49 points against a placebo group that lost 7.50 points in 24 weeks (5.5 months)
    assert bio.months_gained_against_control("edaravone_mci186_19", kb) == pytest.approx(
        round(2.49 / 7.50 * 24 / (52 / 12), 1))
    # a faster-declining trial population gains fewer months than the population average suggests
    treated, control = bio.trial_arm_results("edaravone_mci186_19", kb)
    assert bio.months_gained_against_control("edaravone_mci186_19", kb) < bio.months_of_average_decline(
        treated - control, kb=kb)
    assert bio.months_gained_against_control("valor", kb) == pytest.approx(round(1.16 / 8.14 * 28 / (52 / 12), 1))
    trials = kb.trials.copy()
    trials.loc[trials["trial_id"] == "valor", "primary_outcome"] = "Change in ALSFRS-R"
    with pytest.raises(ValueError, match="no trial length in weeks"):
        bio.months_gained_against_control("valor", dataclasses.replace(kb, trials=trials))
    trials.loc[trials["trial_id"] == "valor", ["primary_outcome", "result_note"]] = ["Change at 12 weeks", "1 vs 0 points"]
    with pytest.raises(ValueError, match="did not change"):
        bio.months_gained_against_control("valor", dataclasses.replace(kb, trials=trials))
    with pytest.raises(ValueError, match="Unknown trial"):
        bio.months_gained_against_control("no_trial", kb)
