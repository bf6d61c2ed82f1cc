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
    with pytest.raises(ValueError, match="Unknown minimum evidence 'promising'. Valid choices: .*rct_clinical"):
        queries.therapies_for_damage(damage, min_evidence="promising")
    with pytest.raises(ValueError, match="grades biology"):
        queries.therapies_for_damage(damage, min_evidence="established")


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
        keys = list(zip(result["strength"], result["n_people"]))
        assert keys == sorted(keys, reverse=True), "strongest design (then largest trial) must come first"


def test_minimum_evidence_filter_is_monotonic(kb):
    designs = list(queries.design_table()["design"])[::-1]  # weakest first
    for damage in kb.damage["damage_id"]:
        sizes = [len(queries.therapies_for_damage(damage, min_evidence=d, kb=kb)) for d in designs]
        assert sizes == sorted(sizes, reverse=True)


def test_minimum_evidence_keeps_failures_with_their_design(kb):
    for damage in kb.damage["damage_id"]:
        everything = queries.therapies_for_damage(damage, kb=kb)
        kept = queries.therapies_for_damage(damage, min_evidence="uncontrolled", kb=kb)
        assert (kept["strength"] >= 3).all()
        failed = everything[everything["direction"].isin(["no_benefit", "harm"])]
        assert set(failed["effect_id"]) <= set(kept["effect_id"]), "a failed randomized trial was filtered out"


def test_a_failed_trial_never_ranks_below_an_untested_idea(kb):
    view = queries.damage_for_therapy("nurown", kb=kb)
    assert view["evidence_level"].iloc[0] == "rct_no_benefit"
    assert queries.design_strength("rct_no_benefit", kb) > queries.design_strength("idea", kb)


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
            here = effects[(effects["therapy_id"] == therapy) & (effects["damage_id"] == damage)]
            cell = matrix.loc[therapy, damage]
            if len(here):
                best = here.sort_values(["strength", "n_people"], ascending=False).iloc[0]
                assert str(cell) == str(best["evidence_level"])
            else:
                assert pd.isna(cell)


def test_evidence_matrix_prefers_randomized_and_larger_trials(kb):
    matrix = queries.evidence_matrix("als", kb=kb)
    # NurOwn: a failed 196-person phase 3 outweighs early biomarker signals
    assert str(matrix.loc["nurown", "als_lmn_loss"]) == "rct_no_benefit"
    # lenzumestrocel: the 126-person sham-controlled ALSUMMIT outweighs the 64-person open-label phase 2
    assert str(matrix.loc["lenzumestrocel", "als_lmn_loss"]) == "rct_no_benefit"


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
        gaps = queries.untreated_damage(disease, above="lab", kb=kb)
        assert gaps, "every disease has kinds of damage no treatment has been shown to help"
        for damage in gaps:
            rows = queries.therapies_for_damage(damage, kb=kb).sort_values(["strength", "n_people"], ascending=False)
            decisive = rows.drop_duplicates("therapy_id")
            assert not ((decisive["strength"] > 2) & (decisive["direction"] == "benefit")
                        & (decisive["mechanism_link"] == "shown")).any()
    assert "ms_axonal_loss" in queries.untreated_damage("ms", kb=kb)  # siponimod: approved, but its link to axonal loss is a hypothesis
    assert "als_lmn_loss" in queries.untreated_damage("als", kb=kb)  # ALSUMMIT outweighs the open-label phase 2


def test_citations_show_identifiers(kb):
    for ref in kb.references.itertuples():
        text = queries.cite(ref.ref_id, kb, "text")
        assert str(ref.year) in text
        for value, shown in ((ref.doi, f"doi:{ref.doi}"), (ref.pmid, f"PMID {ref.pmid}"),
                             (ref.registry_id, str(ref.registry_id))):
            if pd.notna(value) and str(value):
                assert shown in text
        assert "href=" in queries.cite(ref.ref_id, kb, "full")
    with pytest.raises(ValueError, match="Unknown reference"):
        queries.cite("nobody_2099", kb)


def test_rows_by_id_names_unknown_ids_and_where_to_look(kb):
    trials = queries.rows_by_id(kb.trials, "trial_id", ["mist"], "trial", "trials.csv")
    assert trials.loc["mist", "registry_id"] == "NCT00273364"
    with pytest.raises(ValueError, match=r"Unknown trial 'nope', 'gone'; see data/trials\.csv"):
        queries.rows_by_id(kb.trials, "trial_id", ["mist", "nope", "gone"], "trial", "trials.csv")
    with pytest.raises(ValueError, match=r"Unknown disease 'xx'; valid: als, ms"):
        queries.rows_by_id(kb.diseases, "disease_id", ["xx"], "disease", "diseases.csv", list_valid=True)


# --------------------------------------------------------------------------- citations: whose, and which links
def test_a_short_citation_gives_et_al_only_after_a_person():
    kb = load_knowledge_base()
    refs = kb.references.set_index("ref_id")
    assert queries._short_who(refs.loc["burt_2021"]) == "Burt RK et al."
    assert queries._short_who(refs.loc["steinbrook_2024"]) == "Steinbrook R"
    # organisations are named whole, never "et al.", however many commas their names hold
    assert queries._short_who(refs.loc["corestemchemon_2025_pactals"]) == "CorestemChemon Inc."
    assert queries._short_who(refs.loc["nct07118319"]) == "XellSmart Bio-Pharmaceutical Co., Ltd."
    assert queries._short_who(refs.loc["nct01640067"]) == "Azienda Ospedaliera Santa Maria, Terni"


def test_the_cited_work_is_linked_and_a_copy_of_a_registry_record_is_not():
    kb = load_knowledge_base()
    refs = kb.references.set_index("ref_id")
    labels = lambda ref_id: [label for label, _ in queries._reference_links(refs.loc[ref_id])]  # noqa: E731
    assert labels("corestemchemon_2025") == ["web page", "NCT04745299"]   # the release itself, then the trial
    assert labels("kappos_2018") == ["doi:10.1016/S0140-6736(18)30475-6", "PMID 29576505", "NCT01665144"]
    assert labels("nct03477500") == ["NCT03477500"]                        # WHO copy of the record: not the work
    assert labels("nct06765564") == ["NCT06765564"]                        # a copy on a host without the id in its URL
    assert labels("cns10_cortex_record")[-1].startswith("NCT") and "web page" not in labels("cns10_cortex_record")
    links = dict(queries._reference_links(refs.loc["umin000034954"]))  # a Japanese registry record: its WHO copy
    assert links["UMIN000034954"] == "https://apps.who.int/trialsearch/Trial2.aspx?TrialID=JPRN-UMIN000034954"
    assert list(links) == ["UMIN000034954"]  # the UMIN-CTR page is a copy of the record, not a second work


def test_a_dagger_on_a_surrogate_or_secondary_result_is_never_called_benefit_for_the_disease():
    from helpers.figures.therapy_tables import effect_claims_html

    assert queries.hypothesis_note("rct_clinical").startswith("The favourable result is on the course of the disease")
    for effect_id in ("e053", "e065"):  # Petrou's MSC trial (secondary endpoint), ezogabine (surrogate)
        html = effect_claims_html([effect_id])
        assert "on a surrogate or secondary endpoint, so benefit for the disease is not shown" in html
        assert "favourable result is on the course of the disease" not in html
    assert "favourable result is on the course of the disease" in effect_claims_html(["e027"])  # riluzole: R+, link assumed


def test_a_favourable_result_that_a_later_trial_did_not_repeat_says_so_and_an_earlier_failure_is_named():
    from helpers.figures.biology import treatment_table
    from helpers.figures.therapy_tables import UNCONFIRMED_LABEL, effect_claims_html, mechanism_table_html, \
        untreated_damage_html

    kb = load_knowledge_base()
    found = queries.disagreeing_trials(kb)
    # lenzumestrocel's open phase 2 (2011), then the sham-controlled ALSUMMIT (2021) missed
    assert found["e006"] == ("later", ["ALSUMMIT"], True) and queries.unconfirmed_claims(kb)["e006"] == ["ALSUMMIT"]
    # a failure, then a success in a group chosen afterwards: the evidence is mixed, not "unconfirmed"
    assert found["e028"] == ("earlier", ["MCI186-16"], True) and found["e076"] == ("earlier", ["Study 761"], True)
    for html in (effect_claims_html(["e006"], kb), treatment_table(["lenzumestrocel"], "als", kb).data):
        assert "favourable result is on the course" not in html
        assert "ALSUMMIT" in html  # the claim's own note names the later trial, so no second sentence
    claim = dict(kb.therapy_effects.set_index("effect_id").loc["e006"], effect_id="e006", note="A phase 2 success.")
    assert queries.claim_link_note(claim, kb) == queries.unconfirmed_note(["ALSUMMIT"])
    # naming the trial is not enough: the note must also say it found nothing
    claim["note"] = "A phase 2 success; ALSUMMIT is the phase 3."
    assert queries.claim_link_note(claim, kb) == queries.unconfirmed_note(["ALSUMMIT"])
    assert "(ALSUMMIT)" in queries.unconfirmed_note(["ALSUMMIT"]) and "not confirmed" in queries.unconfirmed_note([])
    edaravone = effect_claims_html(["e028"], kb)
    assert ("An earlier, larger trial of the same treatment (MCI186-16) did not show a benefit, so the evidence is "
            "mixed; the notes say how the trials differed.") in edaravone
    assert "acts through this kind of damage is a hypothesis" in edaravone
    assert "better-blinded" in queries.earlier_failure_note(["X"], larger=False)
    # the tables that list claims by badge mark the unconfirmed result too
    for html in (mechanism_table_html(kb), untreated_damage_html("als", kb=kb)):
        assert html.count(UNCONFIRMED_LABEL) >= 1
        assert f"Edaravone" not in html.split(UNCONFIRMED_LABEL)[0][-200:]


def test_the_decisive_claim_prefers_a_blinded_result_to_an_open_one_of_the_same_design():
    import pandas as pd

    effects = pd.DataFrame({"effect_id": ["open", "blind"], "therapy_id": ["t", "t"], "damage_id": ["d", "d"],
                            "strength": [5, 5], "unblinded": [False, False], "n_people": [64, 60]})
    assert queries.decisive_claims(effects)["effect_id"].tolist() == ["open"]  # equal blinding: the larger
    effects.loc[0, "unblinded"] = True
    assert queries.decisive_claims(effects)["effect_id"].tolist() == ["blind"]  # a smaller blinded trial wins


def test_a_result_against_an_active_drug_is_not_called_favourable_and_fentrepid_is_not_a_win():
    from helpers.figures.therapy_tables import effect_claims_html

    kb = load_knowledge_base()
    note = queries.hypothesis_note("rct_clinical", active_control=True)
    assert "favourable" not in note and note.startswith("The result, against another effective drug,")
    effects = kb.therapy_effects.set_index("effect_id")
    # FENtrepid was designed to show superiority over ocrelizumab and did not: R0 with the active-drug caveat
    assert effects.loc["e069", "direction"] == "no_benefit" and effects.loc["e069", "active_control"]
    html = effect_claims_html(["e069", "e061"], kb)
    assert "favourable result is on the course" not in html and "not worse than on ocrelizumab" in html


def test_a_remembered_citation_follows_an_edit_of_the_references(tmp_path):
    """cite() remembers what it formatted for one knowledge base; an edited file is a new one."""
    import shutil

    from test_data import _set  # noqa: PLC2701 (the same spreadsheet-like edit)
    from test_data_damage import _row_of  # noqa: PLC2701

    before = queries.cite("burt_2019")
    assert queries.cite("burt_2019") == before and "JAMA" in before
    data = tmp_path / "data"
    shutil.copytree(load_knowledge_base().data_dir, data)
    _set(data, "references", _row_of(data, "references", "ref_id", "burt_2019"), "venue", "Edited Venue")
    edited = load_knowledge_base(data)
    assert "Edited Venue" in queries.cite("burt_2019", edited) and "JAMA" not in queries.cite("burt_2019", edited)
    assert queries.cite("burt_2019", load_knowledge_base()) == before
    with pytest.raises(ValueError, match="nope"):
        queries.cite("burt_2019;nope")
