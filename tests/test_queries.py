"""Pure queries over the knowledge base: results agree with the raw tables, filters behave,
and wrong names list the valid choices."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import queries
from helpers.data import load_knowledge_base


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _damage_ids(kb, disease):
    return list(kb.damage.loc[kb.damage["disease_id"] == disease, "damage_id"])


def test_resolve_accepts_ids_and_names_in_any_case(kb):
    row = kb.therapies.iloc[0]
    assert queries.resolve("therapy", row["therapy_id"], kb) == row["therapy_id"]
    assert queries.resolve("therapy", str(row["name"]).upper(), kb) == row["therapy_id"]


@pytest.mark.parametrize("call, kind", [
    (lambda: queries.therapies_for_damage("broken heart"), "damage"),
    (lambda: queries.damage_for_therapy("unicorn cells"), "therapy"),
    (lambda: queries.damage_for_cell_type("angel cell"), "cell type"),
    (lambda: queries.evidence_matrix("alzheimer"), "disease"),
    (lambda: queries.trials(disease="parkinson"), "disease"),
    (lambda: queries.therapies_for_damage(None or "x", min_evidence="promising"), "damage"),
])
def test_wrong_names_list_valid_choices(call, kind):
    with pytest.raises(ValueError, match=f"Unknown {kind} .*Valid choices: "):
        call()


def test_wrong_evidence_level_lists_valid_choices(kb):
    damage = kb.damage["damage_id"].iloc[0]
    with pytest.raises(ValueError, match="Unknown evidence level 'promising'. Valid choices: .*approved"):
        queries.therapies_for_damage(damage, min_evidence="promising")


def test_damage_must_belong_to_the_chosen_disease(kb):
    ms_damage = _damage_ids(kb, "ms")[0]
    with pytest.raises(ValueError, match="Unknown damage"):
        queries.therapies_for_damage(ms_damage, disease="als")


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_therapies_for_damage_match_the_effects_table(kb, disease):
    for damage in _damage_ids(kb, disease):
        result = queries.therapies_for_damage(damage, disease=disease, kb=kb)
        raw = kb.therapy_effects[kb.therapy_effects["damage_id"] == damage]
        assert sorted(result["effect_id"]) == sorted(raw["effect_id"])
        ranks = result["evidence_level"].cat.codes.tolist()
        assert ranks == sorted(ranks, reverse=True), "strongest evidence must come first"


def test_minimum_evidence_filter_is_monotonic(kb):
    levels = list(kb.evidence_dtype.categories)
    for damage in kb.damage["damage_id"]:
        sizes = [len(queries.therapies_for_damage(damage, min_evidence=lvl, include_negative=False, kb=kb))
                 for lvl in levels if lvl != "established"]
        assert sizes == sorted(sizes, reverse=True)


def test_minimum_evidence_keeps_only_strong_claims_and_optionally_negatives(kb):
    for damage in kb.damage["damage_id"]:
        kept = queries.therapies_for_damage(damage, min_evidence="early_clinical", include_negative=True, kb=kb)
        for level in kept["evidence_level"].astype(str):
            assert level == "rct_negative" or kb.evidence_dtype.categories.get_loc(level) >= \
                kb.evidence_dtype.categories.get_loc("early_clinical")
        without = queries.therapies_for_damage(damage, min_evidence="early_clinical", include_negative=False, kb=kb)
        assert "rct_negative" not in set(without["evidence_level"].astype(str))


def test_damage_for_therapy_matches_effects(kb):
    for therapy in kb.therapies["therapy_id"]:
        result = queries.damage_for_therapy(therapy, kb=kb)
        raw = kb.therapy_effects[kb.therapy_effects["therapy_id"] == therapy]
        assert sorted(result["effect_id"]) == sorted(raw["effect_id"])


def test_damage_for_cell_type_unions_its_therapies(kb):
    for cell_type in kb.therapies["cell_type_id"].dropna().unique():
        therapy_ids = set(kb.therapies.loc[kb.therapies["cell_type_id"] == cell_type, "therapy_id"])
        result = queries.damage_for_cell_type(cell_type, kb=kb)
        assert set(result["therapy_id"]) <= therapy_ids
        raw = kb.therapy_effects[kb.therapy_effects["therapy_id"].isin(therapy_ids)]
        assert len(result) == len(raw)


@pytest.mark.parametrize("disease", ["als", "ms"])
def test_evidence_matrix_cells_come_from_effects(kb, disease):
    matrix = queries.evidence_matrix(disease, kb=kb)
    assert list(matrix.columns) == _damage_ids(kb, disease), "every damage of the disease is a column"
    effects = kb.therapy_effects[kb.therapy_effects["disease_id"] == disease]
    for therapy in matrix.index:
        for damage in matrix.columns:
            levels = set(effects[(effects["therapy_id"] == therapy) & (effects["damage_id"] == damage)]
                         ["evidence_level"].astype(str))
            cell = matrix.loc[therapy, damage]
            if levels:
                best = min(levels, key=queries.DECISIVENESS.index)
                assert cell == best
            else:
                assert pd.isna(cell)


def test_evidence_matrix_prefers_randomized_over_early_evidence():
    assert queries.DECISIVENESS.index("rct_negative") < queries.DECISIVENESS.index("early_clinical")


def test_evidence_matrix_kind_filter(kb):
    matrix = queries.evidence_matrix("als", kinds=("cell_therapy",), kb=kb)
    kinds = set(kb.therapies.set_index("therapy_id").loc[list(matrix.index), "kind"].astype(str))
    assert kinds <= {"cell_therapy"}


def test_trials_filters_combine(kb):
    everything = queries.trials(kb=kb)
    assert len(everything) == len(kb.trials)
    randomized_als = queries.trials(disease="als", randomized=True, kb=kb)
    assert set(randomized_als["disease_id"]) <= {"als"} and set(randomized_als["randomized"]) <= {"yes"}
    assert len(randomized_als) == ((kb.trials["disease_id"] == "als") & (kb.trials["randomized"] == "yes")).sum()
    phase3 = queries.trials(phase="3", kb=kb)
    assert set(phase3["phase"].astype(str)) == {"3"}
    with pytest.raises(ValueError, match="Unknown phase '4'. Valid choices"):
        queries.trials(phase="4", kb=kb)
    with pytest.raises(ValueError, match="Unknown result 'great'. Valid choices"):
        queries.trials(result="great", kb=kb)


def test_untreated_damage_has_nothing_above_the_threshold(kb):
    for disease in ("als", "ms"):
        gaps = queries.untreated_damage(disease, above="preclinical", kb=kb)
        for damage in gaps:
            rows = queries.therapies_for_damage(damage, kb=kb)
            assert not (rows["evidence_level"] > "preclinical").any()


def test_citations_show_identifiers(kb):
    for ref in kb.references.itertuples():
        text = queries.citation(ref.ref_id, kb)
        assert str(ref.year) in text
        for value, shown in ((ref.doi, f"doi:{ref.doi}"), (ref.pmid, f"PMID {ref.pmid}"),
                             (ref.registry_id, str(ref.registry_id))):
            if pd.notna(value) and str(value):
                assert shown in text
        assert "href=" in queries.citation_html(ref.ref_id, kb)
    with pytest.raises(ValueError, match="Unknown reference"):
        queries.citation("nobody_2099", kb)


def test_rows_by_id_names_unknown_ids_and_where_to_look(kb):
    trials = queries.rows_by_id(kb.trials, "trial_id", ["mist"], "trial", "trials.csv")
    assert trials.loc["mist", "registry_id"] == "NCT00273364"
    with pytest.raises(ValueError, match=r"Unknown trial 'nope', 'gone'; see data/trials\.csv"):
        queries.rows_by_id(kb.trials, "trial_id", ["mist", "nope", "gone"], "trial", "trials.csv")
    with pytest.raises(ValueError, match=r"Unknown disease 'xx'; valid: als, ms"):
        queries.rows_by_id(kb.diseases, "disease_id", ["xx"], "disease", "diseases.csv", list_valid=True)
