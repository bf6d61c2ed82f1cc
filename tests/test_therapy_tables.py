"""Tables and figures of lessons 05–07 (helpers.figures.therapy_tables) agree with the data.

Each test recomputes what a function should show in a second, independent way (or feeds
it a deliberately altered knowledge base), so a wrong selection, count or order fails.
"""

from __future__ import annotations

import dataclasses
import html
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import models, queries
from helpers.data import load_knowledge_base
from helpers.figures import therapy_tables as tt
from helpers.style import DAGGER_KEY
from helpers.style import REPAIR_LABEL


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def html_escape(text):
    return html.escape(text)


def _rank(kb, level):
    return list(kb.evidence_dtype.categories).index(level)


# --------------------------------------------------------------------------- mechanisms
def test_cell_based_therapies_name_a_cell_type_and_exclude_clinic_products(kb):
    ids = tt.cell_based_therapy_ids(kb)
    therapies = kb.therapies.set_index("therapy_id")
    assert ids, "no cell-based therapy found"
    for therapy_id in ids:
        assert therapies.loc[therapy_id, "kind"] in ("cell_therapy", "procedure")
        assert pd.notna(therapies.loc[therapy_id, "cell_type_id"])
    assert not ids & set(kb.therapies.loc[kb.therapies["kind"] == "unproven_product", "therapy_id"])
    assert not ids & set(kb.therapies.loc[kb.therapies["kind"] == "drug", "therapy_id"])


def test_mechanism_examples_pick_the_strongest_claim(kb):
    table = tt.mechanism_examples(kb)
    assert list(table["mechanism_id"]) == list(kb.mechanisms["mechanism_id"])
    cell_ids = tt.cell_based_therapy_ids(kb)
    effects = kb.therapy_effects
    sold = set(kb.therapies.loc[kb.therapies["status"] == "marketed_without_evidence", "therapy_id"])
    for row in table.itertuples():
        mine = effects[(effects["mechanism_id"] == row.mechanism_id) & ~effects["therapy_id"].isin(sold)]
        if mine.empty:
            assert row.example_level is None
            continue
        cell = mine[mine["therapy_id"].isin(cell_ids)]
        pool = cell if len(cell) else mine
        assert row.example_is_cell_based == bool(len(cell))
        best = max(zip(pool["strength"], pool["n_people"]))
        chosen_row = effects.set_index("effect_id").loc[row.example_effect_id]
        assert (chosen_row["strength"], chosen_row["n_people"]) == best
        chosen = effects.set_index("effect_id").loc[row.example_effect_id]
        assert chosen["mechanism_id"] == row.mechanism_id and chosen["therapy_id"] == row.example_therapy_id
        assert chosen["note"] == row.example_note


def test_mechanism_examples_list_every_failure_and_sale(kb):
    table = tt.mechanism_examples(kb).set_index("mechanism_id")
    effects = kb.therapy_effects
    sold = set(kb.therapies.loc[kb.therapies["status"] == "marketed_without_evidence", "therapy_id"])
    for rows, column in ((effects[effects["evidence_level"].astype(str).isin(tt.NO_BENEFIT_LEVELS)], "failed"),
                         (effects[effects["therapy_id"].isin(sold)], "sold")):
        # each therapy, disease and damage once, however many trials it failed
        expected = rows.drop_duplicates(["mechanism_id", "therapy_id", "disease_id", "damage_id"]).groupby(
            "mechanism_id").size()
        for mechanism_id in table.index:
            listed = table.loc[mechanism_id, column]
            assert len(listed) == len(set(listed)) == int(expected.get(mechanism_id, 0)), (mechanism_id, column)


def test_mechanism_table_html_has_one_row_per_mechanism_with_badges(kb):
    text = tt.mechanism_table_html(kb)
    table = tt.mechanism_examples(kb)
    assert text.count("<tr>") == len(table) + 1  # header row + one per mechanism
    for row in table.itertuples():
        assert f"<b>{row.mechanism}</b>" in text.replace("&#x27;", "'")
        if row.example_level is not None:
            assert f"evidence-{row.example_level}" in text
    assert text.count("(not a cell therapy)") == int((~table["example_is_cell_based"]
                                                     & table["example_level"].notna()).sum())
    assert "<script" not in text


def test_mechanism_chart_draws_one_marker_per_claim_and_adds_nothing_up(kb):
    """The chart must not count claims (lesson 00: ten weak studies do not add up to one strong one):
    one marker per claim about a cell-based therapy, at its mechanism's row and its design's column;
    no bars; the mechanisms without a claim are named, not drawn as empty rows."""
    fig = tt.mechanism_evidence_figure(kb)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    cell = kb.therapy_effects[kb.therapy_effects["therapy_id"].isin(tt.cell_based_therapy_ids(kb))]
    points = [np.asarray(xy) for c in ax.collections for xy in c.get_offsets()]  # the legend's collections are empty
    assert len(points) == len(cell)
    assert not [p for p in ax.patches if p.get_width() > 0]  # no bars
    names = dict(zip(kb.mechanisms["mechanism_id"], kb.mechanisms["name"]))
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [names[m] for m in kb.mechanisms["mechanism_id"] if m in set(cell["mechanism_id"])]
    columns = {round(float(x)) for x, _ in points}
    assert columns <= set(range(5))
    for x, _ in points:  # each marker sits within its design's column
        assert abs(x - round(x)) <= 0.45
    empty = [names[m] for m in kb.mechanisms["mechanism_id"] if m not in set(cell["mechanism_id"])]
    legend_text = "\n".join(t.get_text() for legend in fig.legends for t in legend.get_texts())
    assert empty and all(name in legend_text for name in empty)
    favourable = cell[cell["direction"] == "benefit"]
    assert len([t for t in ax.texts if t.get_text()[:2] in ("R+", "S+")]) == len(favourable)
    text = tt.describe_mechanism_evidence(kb)
    assert f"{len(cell)} claims" in text and "nothing is added up" in text


# --------------------------------------------------------------------------- routes
def test_route_summary_counts_every_cell_trial_once(kb):
    summary = tt.route_summary(kb)
    cell_trials = kb.trials[kb.trials["therapy_id"].isin(tt.cell_trial_therapy_ids(kb))]
    assert int(summary["trials_als"].sum() + summary["trials_ms"].sum()) == len(cell_trials)
    assert sum(len(e) for e in summary["examples"]) == len(cell_trials)
    assert set(summary["route"]) == set(cell_trials["route"].astype(str))
    everything = tt.route_summary(kb, cell_based_only=False)
    assert int(everything["trials_als"].sum() + everything["trials_ms"].sum()) == len(kb.trials)


def test_route_without_a_note_is_refused(kb, monkeypatch):
    monkeypatch.delitem(tt.ROUTES, "intrathecal")
    with pytest.raises(ValueError, match="intrathecal"):
        tt.route_summary(kb)


# --------------------------------------------------------------------------- evidence map and gaps
@pytest.mark.parametrize("disease", ["als", "ms"])
def test_full_evidence_map_shows_the_whole_matrix(kb, disease):
    fig = tt.evidence_map_full_figure(disease, kb)
    matrix = queries.evidence_matrix(disease, kb=kb)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == len(matrix.index)
    assert len(ax.get_xticklabels()) == len(matrix.columns)
    codes = [t.get_text() for t in ax.texts if t.get_text() != REPAIR_LABEL]  # the words under a repair claim's code
    assert len(codes) == int(matrix.notna().to_numpy().sum())
    text = tt.describe_evidence_map(disease, kb)
    assert f"{int(matrix.notna().to_numpy().sum())} cells filled" in text


def test_untreated_damage_frame_matches_the_query_and_stays_below_the_threshold(kb):
    for disease in ("als", "ms"):
        for above in ("lab", "uncontrolled"):
            frame = tt.untreated_damage_frame(disease, above, kb)
            assert list(frame["damage_id"]) == queries.untreated_damage(disease, above, kb)
            for row in frame.itertuples():
                claims = kb.therapy_effects[kb.therapy_effects["damage_id"] == row.damage_id]
                assert len(row.claims) == len(claims)
                decisive = claims.sort_values(["strength", "n_people"], ascending=False).drop_duplicates("therapy_id")
                favourable = decisive[(decisive["direction"] == "benefit") & (decisive["mechanism_link"] == "shown")
                                      & (decisive["strength"] > queries.design_strength(above, kb))]
                assert favourable.empty


def test_untreated_damage_html_names_each_gap(kb):
    text = tt.untreated_damage_html("als", kb=kb)
    names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    for damage_id in queries.untreated_damage("als", kb=kb):
        assert html_escape(names[damage_id]) in text


def test_therapy_comparison_matches_damage_for_therapy(kb):
    frame = tt.therapy_comparison_frame(["ahsct", "msc_iv"], "ms", kb)
    assert list(frame.index) == list(kb.damage.loc[kb.damage["disease_id"] == "ms", "damage_id"])
    for therapy_id, column in zip(["ahsct", "msc_iv"], frame.columns):
        rows = queries.damage_for_therapy(therapy_id, disease="ms", kb=kb)
        assert sum(len(c) for c in frame[column]) == len(rows)
        for damage_id, claims in frame[column].items():
            expected = rows[rows["damage_id"] == damage_id]
            assert [lvl for _, lvl, _ in claims] == list(expected["evidence_level"].astype(str))
    text = tt.therapy_comparison_html(["ahsct", "msc_iv"], "ms", kb)
    assert text.count("<tr>") == len(frame) + 1
    with pytest.raises(ValueError):
        tt.therapy_comparison_frame(["no_such_therapy"], "ms", kb)


# --------------------------------------------------------------------------- trials
def test_trial_cases_keep_the_order_given_and_refuse_unknown_ids(kb):
    ids = ["nurown_p3", "mist", "stems"]
    text = tt.trial_cases_html(ids, kb)
    names = kb.trials.set_index("trial_id").loc[ids, "short_name"].tolist()
    positions = [text.index(html_escape(n)) for n in names]
    assert positions == sorted(positions)
    assert text.count("<tr>") == len(ids) + 1
    assert "primary endpoint not met" in text and "primary endpoint met" in text
    with pytest.raises(ValueError, match="no_such_trial"):
        tt.trial_cases_html(["mist", "no_such_trial"], kb)


def test_every_route_the_data_allows_has_a_plain_language_label():
    from helpers import data
    from tools.notebook_tools import curation_voice

    assert set(tt.ROUTES) == set(data.ROUTES)
    # the labels are learner-facing text: no note about how a source was checked
    assert not [text for pair in tt.ROUTES.values() for text in pair if curation_voice(text)]


def test_trial_cases_show_words_not_data_codes(kb):
    trials = kb.trials.copy()  # no trial in the data has an unstated phase today; give one such a phase
    trials.loc[trials.index[0], "phase"] = "not_stated"
    text = tt.trial_cases_html(list(kb.trials["trial_id"]), dataclasses.replace(kb, trials=trials))
    assert "not_stated" not in text and "phase not stated" in text
    assert "spinal fluid and muscles" in text and "intrathecal intramuscular" not in text


def test_facts_table_shows_the_values(kb):
    text = tt.facts_html(["ms_ahsct_trm", "ms_ahsct_neda_5y"], kb)
    facts = kb.disease_facts.set_index("fact_id")
    for fact_id in ("ms_ahsct_trm", "ms_ahsct_neda_5y"):
        assert f"{float(facts.loc[fact_id, 'value']):g}" in text
    with pytest.raises(ValueError):
        tt.facts_html(["not_a_fact"], kb)
    assert "2 to 1" in tt.facts_html(["ms_female_male_ratio"], kb)  # a ratio reads as one, not as "2 ratio"


def test_describe_trial_landscape_counts(kb):
    text = tt.describe_trial_landscape(kb.trials, kb)
    assert text.startswith(f"Dot plot of all {len(kb.trials)} trials")
    cell = kb.trials[kb.trials["therapy_id"].isin(tt.cell_trial_therapy_ids(kb))]
    assert f"{len(cell)} test cell-based therapies" in text
    small = kb.trials.iloc[:3]
    assert f"all {len(small)} trials" in tt.describe_trial_landscape(small, kb)
    only_cells = tt.cell_trials(kb)
    text = tt.describe_trial_landscape(only_cells, kb)
    assert f"all {len(only_cells)} trials" in text and "all test cell-based therapies" in text
    planned = int((only_cells["size_kind"].astype(str) == "planned").sum())
    assert f"{planned} planned size{'' if planned == 1 else 's'} shown" in text


def test_power_summary_matches_the_model():
    summary = tt.power_summary((0.25,), (25, 100), n_trials=200)
    expected = models.trial_power_curve((25, 100), 0.25, 200)
    assert summary.loc[0, 25] == pytest.approx(expected[0])
    assert summary.loc[0, 100] == pytest.approx(expected[1])
    reach = [n for n, p in zip((25, 100), expected) if p >= 0.8]
    assert summary.loc[0, "smallest_n_for_target"] == (reach[0] if reach else None)
    text = tt.describe_power_curve((0.25,), (25, 100), n_trials=200)
    assert f"{100 * expected[0]:.0f}% of simulated trials" in text


def test_power_caption_reports_the_crossing_not_the_next_grid_point():
    # a curve at 0.5 for 50 and 0.9 for 200 crosses 0.8 between them, at 141 on a log scale
    assert round(tt.crossing([50, 200], [0.5, 0.9])) == 141
    assert tt.crossing([10, 20], [0.1, 0.2]) is None
    summary = tt.power_summary()
    text = tt.describe_power_curve()
    for row in summary.to_dict("records"):
        if row["n_at_target"] is not None:
            assert f"needs about {tt._about(row['n_at_target'])} per arm" in text
            grid_below = [n for n in tt.POWER_CURVE_ARM_SIZES if n < row["smallest_n_for_target"]]
            if grid_below:
                assert grid_below[-1] <= row["n_at_target"] <= row["smallest_n_for_target"]


def test_power_curve_labels_sizes_far_enough_apart_on_its_log_axis():
    from helpers.figures.models import spaced_log_ticks

    assert spaced_log_ticks(tt.POWER_CURVE_ARM_SIZES) == [25, 35, 50, 70, 100, 150, 200, 300, 400]
    assert spaced_log_ticks([10, 11, 13, 100]) == [10, 13, 100]  # each kept label a tenth of a decade on


def test_power_caption_agrees_with_a_much_larger_simulation():
    """The caption's crossings carry Monte Carlo error; it must be small enough that a run with four
    times the trials and other random numbers puts every crossing within a tenth of the caption's
    (with 300 trials and five sizes, a 40% slowing read 35 per arm where the model gives about 43)."""
    summary = tt.power_summary()
    for row in summary.to_dict("records"):
        larger = models.trial_power_curve(tt.POWER_CURVE_ARM_SIZES, row["treatment_slowing"],
                                          4 * tt.POWER_CURVE_TRIALS, seed=1)
        reference = tt.crossing(tt.POWER_CURVE_ARM_SIZES, larger)
        assert row["n_at_target"] == pytest.approx(reference, rel=0.1), row["treatment_slowing"]
    assert f"Each point comes from {tt.POWER_CURVE_TRIALS:,} simulated trials" in tt.describe_power_curve()


def test_design_comparison_matches_the_simulator():
    frame = tt.design_comparison((10, 50), 0.25, n_trials=300, seed=7)
    for i, n in enumerate((10, 50)):
        sim = models.simulate_alsfrs_trials(n, 0.25, 300, 7)  # one seed for every size (as the lesson's figure)
        row = frame.iloc[i]
        assert row["power"] == pytest.approx(sim.power)
        assert row["false_positive"] == pytest.approx(sim.false_positive_rate)
        assert row["single_arm_false_positive"] == pytest.approx(sim.single_arm_false_positive_rate)
        assert row["effect_low"] < 0.25 < row["effect_high"]
    # bigger trials estimate the effect more precisely
    assert (frame.iloc[1]["effect_high"] - frame.iloc[1]["effect_low"]
            < frame.iloc[0]["effect_high"] - frame.iloc[0]["effect_low"])
    text = tt.design_comparison_html((10, 50), 0.25, n_trials=300, seed=7)
    assert re.search(r"Teaching model", text) and text.count("<tr>") == 3


def test_altered_knowledge_base_changes_the_example(kb):
    """Give one weaker cell-therapy claim a large randomized trial: it must become the example."""
    table = tt.mechanism_examples(kb).set_index("mechanism_id")
    effects = kb.therapy_effects.copy()
    cell = effects["therapy_id"].isin(tt.cell_based_therapy_ids(kb)) & (effects["mechanism_id"] == "trophic_support")
    target = effects[cell & (effects["effect_id"] != table.loc["trophic_support", "example_effect_id"])].iloc[-1]
    chosen = effects["effect_id"] == target["effect_id"]
    effects.loc[chosen, "evidence_level"] = "rct_benefit"
    effects.loc[chosen, "strength"] = 5
    effects.loc[chosen, "n_people"] = 10_000
    altered = dataclasses.replace(kb, therapy_effects=effects)
    row = tt.mechanism_examples(altered).set_index("mechanism_id").loc["trophic_support"]
    assert row["example_effect_id"] == target["effect_id"]
    assert row["example_level"] == "rct_benefit"


def test_effect_claims_quote_the_data_in_order(kb):
    ids = ["e039", "e001"]
    text = tt.effect_claims_html(ids, kb)
    effects = kb.therapy_effects.set_index("effect_id")
    positions = [text.index(html_escape(effects.loc[i, "note"])) for i in ids]
    assert positions == sorted(positions)
    assert text.count("<li") == 2 and text.count("evidence-rct_no_benefit") == 2
    with pytest.raises(ValueError, match="e999"):
        tt.effect_claims_html(["e999"], kb)


def test_cell_trials_leave_out_the_comparators(kb):
    trials = tt.cell_trials(kb)
    assert set(trials["therapy_id"]) <= tt.cell_trial_therapy_ids(kb)
    comparators = kb.trials[kb.trials["short_name"].str.contains("comparator")]
    assert not set(comparators["trial_id"]) & set(trials["trial_id"])
    assert len(trials) + len(kb.trials[~kb.trials["trial_id"].isin(trials["trial_id"])]) == len(kb.trials)


def test_cell_trial_overview_shows_every_cell_trial(kb):
    fig = tt.cell_trial_overview_figure(kb)
    ax = fig.axes[0]
    trials = tt.cell_trials(kb)
    assert len(ax.get_yticklabels()) == len(trials)
    dots = [line for line in ax.lines if len(line.get_xdata()) == 1]
    assert len(dots) == int(trials["n_enrolled"].notna().sum())
    missing = [t for t in ax.texts if "size not given" in t.get_text()]
    assert len(missing) == int(trials["n_enrolled"].isna().sum())
    # the order puts MS before ALS and, within a disease, randomized trials first
    labels = [t.get_text() for t in ax.get_yticklabels()]
    first_als = labels.index(next(lbl for lbl in labels if lbl.startswith("ALS")))
    assert first_als == int((trials["disease_id"] == "ms").sum())


def test_describe_cell_trial_overview_counts(kb):
    text = tt.describe_cell_trial_overview(kb)
    trials = tt.cell_trials(kb)
    rct = trials[trials["randomized"] == "yes"]
    assert text.startswith(f"Dot plot of {len(trials)} cell-therapy trials")
    assert f"{len(rct)} randomized" in text
    for name in rct.loc[rct["result"].astype(str) == "met", "short_name"]:
        assert name in text


def test_the_gap_tables_carry_the_same_caveat_marks_as_the_maps(kb):
    """A favourable result listed under 'damage no therapy has been shown to act on' is there because
    its action on that damage is not shown: the table says so with the dagger, keyed below it, and a
    result from unblinded trials carries its tag, as in the maps and claim lists."""
    for disease in ("als", "ms"):
        frame = tt.untreated_damage_frame(disease, kb=kb)
        text = tt.untreated_damage_html(disease, kb=kb)
        effects = kb.therapy_effects.set_index("effect_id")
        favourable = [e for ids in frame["effect_ids"] for e in ids if effects.loc[e, "direction"] == "benefit"]
        assert favourable, disease  # the check below must see some
        assert text.count("</span>† ") >= len(favourable)  # every favourable claim here has its link unshown
        assert DAGGER_KEY in html.unescape(text)
        unblinded = [e for ids in frame["effect_ids"] for e in ids if bool(effects.loc[e, "unblinded"])]
        assert text.count("caveat-unblinded") == len(unblinded)
    assert "caveat-unblinded" in tt.untreated_damage_html("als", kb=kb)  # lenzumestrocel's open-label phase 2


def test_mechanism_table_grades_each_failure_and_names_other_favourable_results(kb):
    """Each failure carries its own badge (an MRI miss, S0, or a loss to an active drug, R0 with its
    caveat, must not read as a failed placebo trial on a clinical endpoint), and a favourable
    randomized result that is not the row's example is named beside it, not hidden."""
    table = tt.mechanism_examples(kb).set_index("mechanism_id")
    effects = kb.therapy_effects.assign(level=kb.therapy_effects["evidence_level"].astype(str))
    html = tt.mechanism_table_html(kb)
    rows = dict(zip(table.index, html.split("<tr>")[2:]))
    for mechanism_id, row in table.iterrows():
        mine = effects[effects["mechanism_id"] == mechanism_id]
        failed = mine[mine["level"].isin(tt.NO_BENEFIT_LEVELS)]
        assert {c[0] for c in row["failed_claims"]} == set(failed["level"]), mechanism_id
        cells = rows[mechanism_id].split("<td")
        failed_cell = cells[-2]
        assert failed_cell.count("evidence-badge") == len(row["failed_claims"]), mechanism_id
        for level in set(failed["level"]):
            assert f"evidence-{level}" in failed_cell, (mechanism_id, level)
        if failed["active_control"].any():
            assert "caveat-active-control" in failed_cell, mechanism_id
        favourable = mine[mine["level"].isin(tt.RANDOMIZED_FAVOURABLE_LEVELS)
                          & (mine["effect_id"] != row["example_effect_id"])]
        assert len(row["favourable"]) == len(favourable.drop_duplicates(
            ["level", "therapy_id", "disease_id", "damage_id"])), mechanism_id
        assert ("Also favourable in a randomized trial" in rows[mechanism_id]) == bool(len(favourable)), mechanism_id
    # the case a reviewer found: clemastine's S+ beside opicinumab's R0 and bexarotene's S0
    remyelination = rows["remyelination_endogenous"]
    assert "Clemastine" in remyelination.split("Also favourable")[1].split("</td>")[0]
    assert "evidence-surrogate_no_benefit" in remyelination.split("<td")[-2]


def _gap_suffixes(kb, disease: str, damage: str, name: str) -> int:
    """How many times the gap table row of ``damage`` says "NAME (claim about ...)"."""
    from helpers.style import CLAIM_AIMS

    frame = tt.untreated_damage_frame(disease, kb=kb)
    rows = tt.untreated_damage_html(disease, kb=kb).split("<tr>")[2:]
    row_html = dict(zip(frame["damage"], rows))[damage]
    return sum(row_html.count(f"{html_escape(name)} (claim about {aim})") for aim in CLAIM_AIMS.values())


def test_gap_table_says_which_claim_is_which_only_when_a_therapy_has_both_aims(kb, tmp_path):
    """A therapy with two claims on one damage, one about slowing and one about repair, is told apart,
    so the repeat does not look like a mistake; claims with one aim (two trials of one drug) are not."""
    import shutil

    from test_data import _add_copy  # noqa: PLC2701 (the same spreadsheet-like edits)

    checked = 0
    effects = kb.therapy_effects.set_index("effect_id")
    for disease in ("als", "ms"):
        for r in tt.untreated_damage_frame(disease, kb=kb).itertuples():
            names = [name for name, _ in r.claims]
            for name in {n for n in names if names.count(n) > 1}:
                aims = {effects.loc[e, "action"] for (n, _), e in zip(r.claims, r.effect_ids) if n == name}
                expected = names.count(name) if len(aims) > 1 else 0
                assert _gap_suffixes(kb, disease, r.damage, name) == expected, (disease, r.damage, name)
                checked += 1
    assert checked, "no repeated therapy in any gap table: the test no longer tests anything"
    # both aims: NSI-566's claim on lower motor neuron loss (e011) and a copy of it about repair
    target = tmp_path / "data"
    shutil.copytree(kb.data_dir, target)
    _add_copy(target, "therapy_effects", "e011", "e999", action="repairs")
    edited = load_knowledge_base(target)
    name = str(edited.therapies.set_index("therapy_id").loc["nsi566", "name"])
    assert _gap_suffixes(edited, "als", "Lower motor neuron loss", name) == 2


def test_a_cell_mixture_trial_counts_as_a_cell_trial_everywhere_trials_are_counted(kb):
    """The patient's own unfractionated bone marrow names no single cell type, so the mechanism views
    leave it out; its placebo-controlled trial (ACTiMuS, never reported) is still a cell-therapy
    trial: the trial landscape, the route table and the trial browser's cell trials must all hold it."""
    from helpers.widgets.explorer import trial_browser_data

    assert tt.cell_based_therapy_ids(kb) < tt.cell_trial_therapy_ids(kb)
    assert "bone_marrow_iv" in tt.cell_trial_therapy_ids(kb) - tt.cell_based_therapy_ids(kb)
    assert "actimus" in set(tt.cell_trials(kb)["trial_id"])
    assert "ACTiMuS" in tt.route_table_html(kb)
    assert "actimus" in set(trial_browser_data(kind="cell", kb=kb)["trial_id"])
    assert "actimus" not in set(trial_browser_data(kind="other", kb=kb)["trial_id"])
