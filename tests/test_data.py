"""The knowledge base loads, is consistent, and every class of editing error is reported
with the file, the spreadsheet row and the column."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import data as kbdata
from helpers.data import SCHEMA, KnowledgeBaseError, load_knowledge_base, model_parameters


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


# --------------------------------------------------------------------------- the real data
def test_real_data_loads_with_every_table(kb):
    for table in SCHEMA:
        frame = getattr(kb, table)
        assert isinstance(frame, pd.DataFrame)
        assert len(frame) > 0, f"{table} is empty"


@pytest.mark.parametrize("table, minimum", [
    ("damage", 12), ("therapy_effects", 40), ("trials", 20), ("glossary", 60), ("cell_types", 15),
    ("mechanisms", 7), ("quiz", 30), ("references", 20)])
def test_tables_meet_the_minimum_sizes(kb, table, minimum):
    assert len(getattr(kb, table)) >= minimum


def test_evidence_levels_are_an_ordered_categorical(kb):
    dtype = kb.therapy_effects["evidence_level"].dtype
    assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered
    assert list(dtype.categories) == list(kb.evidence_levels.sort_values("rank")["level_id"])
    assert dtype.categories[-1] == "established" and dtype.categories[0] == "idea"


def test_dtypes_are_proper(kb):
    assert str(kb.trials["n_enrolled"].dtype) == "Int64"
    assert str(kb.disease_facts["value"].dtype) == "Float64"
    assert isinstance(kb.trials["phase"].dtype, pd.CategoricalDtype)


def test_every_effect_row_has_a_reference(kb):
    assert (kb.therapy_effects["ref_ids"].str.len() > 0).all()


def test_every_reference_is_used(kb):
    used = set()
    for table in SCHEMA:
        for column in SCHEMA[table]:
            if column.kind == "refs" and column.target == "references":
                for value in getattr(kb, table)[column.name].fillna(""):
                    used.update(v for v in str(value).split(";") if v)
    assert set(kb.references["ref_id"]) == used


def test_negative_results_are_included(kb):
    assert (kb.therapy_effects["evidence_level"] == "rct_no_benefit").sum() >= 3
    assert (kb.trials["result"] == "not_met").sum() >= 3


def test_trials_cover_both_diseases_and_have_ids_or_publications(kb):
    assert set(kb.trials["disease_id"]) == {"als", "ms"}
    for row in kb.trials.itertuples():
        assert str(row.registry_id) not in ("", "<NA>") or row.ref_ids, row.trial_id


def test_every_damage_hits_known_cell_types(kb):
    known = set(kb.cell_types["cell_type_id"])
    for value in kb.damage["cell_types_hit"]:
        assert set(value.split(";")) <= known


def test_learner_facing_data_has_no_curation_notes():
    """How a source was checked goes in references.csv's ``note`` (for maintainers); every other
    text column is shown to learners, who need the fact and its date, not the checking."""
    from tools.notebook_tools import curation_voice

    found = []
    for table in SCHEMA:
        with open(kbdata.PROJECT_DATA_DIR / f"{table}.csv", newline="", encoding="utf-8") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                for column, value in row.items():
                    if table == "references" and column == "note":
                        continue
                    found += [f"{table}.csv row {row_number} {column}: …{hit}…" for hit in curation_voice(value or "")]
    assert not found, "Curation notes in learner-facing data:\n" + "\n".join(found)


def test_loader_is_cached():
    # Speed is measured by `python3 run.py bench`, never asserted here (machine load would fail CI).
    kbdata._CACHE.clear()
    first = load_knowledge_base()
    assert load_knowledge_base() is first
    kbdata._CACHE.clear()
    assert load_knowledge_base() is not first


# --------------------------------------------------------------------------- the cache between sessions
def _fresh_session():
    kbdata._CACHE.clear()  # what a new kernel starts with: the cache folder only


def test_a_new_session_reads_the_validated_copy_instead_of_validating_again(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path / "cache"))
    _fresh_session()
    first = load_knowledge_base(data_copy)
    stored = list((tmp_path / "cache").glob("knowledge-base-*.pickle"))
    assert len(stored) == 1
    _fresh_session()
    monkeypatch.setattr(kbdata, "_validate_cross", lambda *a: pytest.fail("validated again"))
    again = load_knowledge_base(data_copy)
    assert again is not first and again.data_dir == first.data_dir
    for table in SCHEMA:
        pd.testing.assert_frame_equal(getattr(again, table), getattr(first, table))
    assert again.therapy_effects["evidence_level"].dtype == first.therapy_effects["evidence_level"].dtype


def test_an_edited_file_is_validated_again_and_a_broken_one_is_never_cached(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path / "cache"))
    _fresh_session()
    load_knowledge_base(data_copy)
    _set(data_copy, "trials", 2, "n_enrolled", "many")
    _fresh_session()
    with pytest.raises(KnowledgeBaseError, match=r"trials\.csv.*row 2.*n_enrolled"):
        load_knowledge_base(data_copy)
    assert len(list((tmp_path / "cache").glob("knowledge-base-*.pickle"))) == 1  # the copy of the good files only


def test_a_damaged_copy_is_removed_and_the_files_validated(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path / "cache"))
    _fresh_session()
    first = load_knowledge_base(data_copy)
    [stored] = (tmp_path / "cache").glob("knowledge-base-*.pickle")
    stored.write_bytes(b"not a pickle")
    _fresh_session()
    again = load_knowledge_base(data_copy)
    pd.testing.assert_frame_equal(again.trials, first.trials)
    assert stored.read_bytes() != b"not a pickle"  # validated and stored again


@pytest.mark.parametrize("setting", ["off", "file"])
def test_no_cache_when_turned_off_or_not_writable(data_copy, tmp_path, monkeypatch, setting):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SERIES_CACHE_DIR", "off" if setting == "off" else str(blocker / "cache"))
    _fresh_session()
    assert kbdata.cache_folder() is None if setting == "off" else kbdata.cache_folder() == blocker / "cache"
    assert len(load_knowledge_base(data_copy).therapies) > 0
    assert not list(tmp_path.rglob("knowledge-base-*"))


def test_model_parameters_by_model():
    for model in kbdata.MODELS:
        assert model_parameters(model), f"no parameters for model {model}"
    with pytest.raises(ValueError, match="valid choices: conduction"):
        model_parameters("relapses")


# --------------------------------------------------------------------------- broken copies
@pytest.fixture
def data_copy(tmp_path, kb):
    target = tmp_path / "data"
    shutil.copytree(kb.data_dir, target)
    return target


def _rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set(data_dir, table, row_number, column, value):
    """Set one cell as a person would in a spreadsheet (row 1 is the header)."""
    path = data_dir / f"{table}.csv"
    rows = _rows(path)
    rows[row_number - 1][rows[0].index(column)] = value
    _write(path, rows)


def _add_copy(data_dir, table, row_id, new_id, **changes):
    """Append a copy of row ``row_id`` (first column) as ``new_id``, with ``changes`` by column, as a
    person would duplicate a spreadsheet row; returns the file's rows."""
    path = data_dir / f"{table}.csv"
    rows = _rows(path)
    copy = list(rows[[row[0] for row in rows].index(row_id)])
    copy[0] = new_id
    for column, value in changes.items():
        copy[rows[0].index(column)] = value
    rows.append(copy)
    _write(path, rows)
    return rows


def _error(data_dir) -> KnowledgeBaseError:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(data_dir)
    return info.value


def _assert_located(error, file, row, column, *fragments):
    """The problem names the file actually read (the copy's full path), its spreadsheet row and column."""
    matching = [p for p in error.problems
                if p.file.replace("\\", "/").endswith(f"/data/{file}.csv") and p.row == row and p.column == column]
    assert matching, f"no problem located at {file}.csv row {row} column {column}: {error}"
    assert Path(matching[0].file).is_absolute(), f"a copy's file is named by its full path: {matching[0].file}"
    text = str(error)
    assert matching[0].file in text and (row is None or f"row {row}" in text) and (column is None or column in text)
    for fragment in fragments:
        assert fragment in str(matching[0]), str(matching[0])


def test_error_is_a_value_error():
    assert issubclass(KnowledgeBaseError, ValueError)


def test_missing_file(data_copy):
    (data_copy / "trials.csv").unlink()
    error = _error(data_copy)
    _assert_located(error, "trials", None, None, "missing")


def test_missing_column(data_copy):
    path = data_copy / "therapies.csv"
    rows = [r[:-1] for r in _rows(path)]
    _write(path, rows)
    _assert_located(_error(data_copy), "therapies", 1, "ref_ids", "missing")


def test_extra_column(data_copy):
    path = data_copy / "glossary.csv"
    rows = _rows(path)
    rows = [rows[0] + ["comment"]] + [r + [""] for r in rows[1:]]
    _write(path, rows)
    _assert_located(_error(data_copy), "glossary", 1, "comment", "unexpected column")


def test_empty_required_field(data_copy):
    _set(data_copy, "trials", 3, "short_name", "")
    _assert_located(_error(data_copy), "trials", 3, "short_name", "empty but required")


@pytest.mark.parametrize("table, column, bad, target", [
    ("damage", "disease_id", "alz", "diseases"),
    ("therapy_effects", "therapy_id", "stem_cell_magic", "therapies"),
    ("therapy_effects", "damage_id", "als_broken_heart", "damage"),
    ("therapy_effects", "mechanism_id", "telepathy", "mechanisms"),
    ("trials", "therapy_id", "nurown_xl", "therapies"),
    ("trials", "disease_id", "als2", "diseases"),
    ("cell_types", "ref_ids", "nobody_2099", "references"),
    ("therapy_effects", "ref_ids", "nobody_2099", "references"),
])
def test_unknown_cross_reference(data_copy, table, column, bad, target):
    _set(data_copy, table, 2, column, bad)
    _assert_located(_error(data_copy), table, 2, column, f"unknown id in {data_copy / target}.csv", bad)


def test_unknown_direction_design_action_and_link(data_copy):
    for column, value in (("direction", "promising"), ("design", "anecdote"), ("action", "cures"),
                          ("mechanism_link", "obvious")):
        _set(data_copy, "therapy_effects", 21, column, value)  # row 21 is e022: lab, untested (a research tool)
        _assert_located(_error(data_copy), "therapy_effects", 21, column, "expected one of")
        _set(data_copy, "therapy_effects", 21, column, {"direction": "untested", "design": "lab", "action": "research",
                                                       "mechanism_link": "lab"}[column])


def test_research_action_only_for_a_research_tool(data_copy):
    # row 2 is e001 (NurOwn, investigational): a treatment's claim cannot be marked as laboratory research
    _set(data_copy, "therapy_effects", 2, "action", "research")
    _assert_located(_error(data_copy), "therapy_effects", 2, "action", "research tool", "'investigational'", "research_only")


def test_direction_must_fit_the_design(data_copy):
    # row 21 is e022 (lab, untested): a lab study cannot show benefit in people
    _set(data_copy, "therapy_effects", 21, "direction", "benefit")
    _assert_located(_error(data_copy), "therapy_effects", 21, "direction", "does not go with design 'lab'")


def test_planned_sizes_never_weigh_as_evidence(kb):
    effects = kb.therapy_effects.set_index("effect_id")
    planned = set(kb.trials.loc[kb.trials["size_kind"] == "planned", "trial_id"])
    assert planned, "the data should include at least one planned trial"
    for effect_id, ids in effects["trial_ids"].dropna().items():
        if set(str(ids).split(";")) <= planned:
            assert effects.loc[effect_id, "n_people"] == 0, effect_id


def test_randomized_claims_name_their_trials(data_copy):
    # row 2 is e001 (NurOwn phase 3)
    _set(data_copy, "therapy_effects", 2, "trial_ids", "")
    _assert_located(_error(data_copy), "therapy_effects", 2, "trial_ids", "needs the trial(s) behind it")


@pytest.mark.parametrize("value,message", [("2031-01", "impossible check date"), ("1989-12", "impossible check date"),
                                           ("2026-13", "like 2026-11"), ("Nov 2026", "like 2026-11")])
def test_check_dates_must_be_possible(data_copy, value, message):
    _set(data_copy, "trials", 3, "checked", value)
    _assert_located(_error(data_copy), "trials", 3, "checked", message)


def test_a_planned_size_on_a_completed_trial_is_refused(data_copy):
    # row 2 is MIST (completed, 110 enrolled)
    _set(data_copy, "trials", 2, "size_kind", "planned")
    _assert_located(_error(data_copy), "trials", 2, "size_kind", "completed trial has an enrolled size")


def test_a_size_needs_its_kind(data_copy):
    _set(data_copy, "trials", 2, "size_kind", "")
    _assert_located(_error(data_copy), "trials", 2, "size_kind", "exactly when n_enrolled is given")


def test_unknown_status_lists_the_vocabulary(data_copy):
    _set(data_copy, "therapies", 2, "status", "approved")
    _assert_located(_error(data_copy), "therapies", 2, "status", "guideline_procedure")


def test_duplicate_id(data_copy):
    first = _rows(data_copy / "therapies.csv")[1][0]
    _set(data_copy, "therapies", 3, "therapy_id", first)
    _assert_located(_error(data_copy), "therapies", 3, "therapy_id", "duplicate id", "row 2")


def test_one_publication_one_reference_row(data_copy):
    """A second row for the same paper (same DOI or PMID, DOIs in any case) splits its citations
    and hides that two claims rest on one source: the error names both rows and the id to cite."""
    before = _rows(data_copy / "references.csv")
    first = [r[0] for r in before].index("burt_2019") + 1  # its spreadsheet row
    doi = before[first - 1][before[0].index("doi")]
    rows = _add_copy(data_copy, "references", "burt_2019", "burt_2019_again", doi=doi.upper())
    error = _error(data_copy)
    _assert_located(error, "references", len(rows), "doi", f"same doi as row {first} (burt_2019)", "cite burt_2019")
    _assert_located(error, "references", len(rows), "pmid", f"same pmid as row {first} (burt_2019)")


def test_value_outside_vocabulary(data_copy):
    _set(data_copy, "trials", 2, "phase", "4")
    _assert_located(_error(data_copy), "trials", 2, "phase", "expected one of: 1, 1/2")


@pytest.mark.parametrize("column, bad, expected", [
    ("doi", "doi:10.1001/jama.2018.18743", "bare DOI"),
    ("pmid", "PMID30644983", "digits only"),
    ("registry_id", "NCT123", "NCT + 8 digits"),
])
def test_malformed_identifiers(data_copy, column, bad, expected):
    _set(data_copy, "references", 2, column, bad)
    _assert_located(_error(data_copy), "references", 2, column, expected)


def test_malformed_registry_id_in_trials(data_copy):
    _set(data_copy, "trials", 5, "registry_id", "NCT0027336")
    _assert_located(_error(data_copy), "trials", 5, "registry_id", "NCT + 8 digits")


def test_a_umin_registry_id_needs_nine_digits(data_copy):
    _set(data_copy, "trials", 5, "registry_id", "UMIN00034954")
    _assert_located(_error(data_copy), "trials", 5, "registry_id", "UMIN + 9 digits")


def test_non_numeric_number(data_copy):
    _set(data_copy, "trials", 2, "n_enrolled", "about 100")
    _assert_located(_error(data_copy), "trials", 2, "n_enrolled", "whole number")
    _set(data_copy, "trials", 2, "n_enrolled", "100")
    _set(data_copy, "disease_facts", 2, "value", "2,1")
    _assert_located(_error(data_copy), "disease_facts", 2, "value", "expected a number")


def test_byte_order_mark(data_copy):
    path = data_copy / "diseases.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _assert_located(_error(data_copy), "diseases", 1, None, "byte-order mark")


def test_stray_whitespace(data_copy):
    value = _rows(data_copy / "therapy_effects.csv")[2][1]
    _set(data_copy, "therapy_effects", 3, "therapy_id", value + " ")
    _assert_located(_error(data_copy), "therapy_effects", 3, "therapy_id", "leading/trailing spaces")


def test_non_breaking_space_is_caught(data_copy):
    _set(data_copy, "glossary", 2, "term", "myelin\u00a0sheath")
    _assert_located(_error(data_copy), "glossary", 2, "term", "invisible character")


def test_unused_reference(data_copy):
    path = data_copy / "references.csv"
    rows = _rows(path)
    extra = ["orphan_2020", "Nobody A", "2020", "Unused", "Nowhere", "", "12345", "", "", ""]
    _write(path, rows + [extra])
    _assert_located(_error(data_copy), "references", len(rows) + 1, "ref_id", "not used")


def test_reference_without_any_identifier(data_copy):
    rows = _rows(data_copy / "references.csv")
    header = rows[0]
    for column in ("doi", "pmid", "registry_id", "url"):
        _set(data_copy, "references", 2, column, "")
    assert header.index("doi") >= 0
    _assert_located(_error(data_copy), "references", 2, "doi", "at least one of doi")


def test_wrong_number_of_fields(data_copy):
    path = data_copy / "mechanisms.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[2] = text[2] + ",surplus"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    _assert_located(_error(data_copy), "mechanisms", 3, None, "fields")


def test_damage_of_the_other_disease(data_copy, kb):
    effects = _rows(data_copy / "therapy_effects.csv")
    header = effects[0]
    row = effects[1]
    other = kb.damage[kb.damage["disease_id"] != row[header.index("disease_id")]]["damage_id"].iloc[0]
    _set(data_copy, "therapy_effects", 2, "damage_id", other)
    _assert_located(_error(data_copy), "therapy_effects", 2, "damage_id", "belongs to disease")


def test_quiz_option_needs_its_feedback(data_copy):
    _set(data_copy, "quiz", 3, "wrong_3_feedback", "")
    _assert_located(_error(data_copy), "quiz", 3, "wrong_3_feedback", "every option needs feedback")


def test_quiz_required_feedback_is_required(data_copy):
    _set(data_copy, "quiz", 2, "wrong_2_feedback", "")
    _assert_located(_error(data_copy), "quiz", 2, "wrong_2_feedback", "required")


def test_quiz_feedback_needs_its_option(data_copy):
    _set(data_copy, "quiz", 3, "wrong_3", "")
    _assert_located(_error(data_copy), "quiz", 3, "wrong_3", "this option is needed too")


def test_quiz_id_must_match_its_lesson_and_revisit_an_earlier_one(data_copy):
    _set(data_copy, "quiz", 4, "lesson", "5")
    _set(data_copy, "quiz", 5, "revisits", "7")
    _set(data_copy, "quiz", 6, "wrong_1", _rows(data_copy / "quiz.csv")[5][_rows(data_copy / "quiz.csv")[0].index("answer")])
    error = _error(data_copy)
    _assert_located(error, "quiz", 4, "quiz_id", "does not match column 'lesson'")
    _assert_located(error, "quiz", 5, "revisits", "earlier lesson")
    _assert_located(error, "quiz", 6, "wrong_1", "options must differ")


def test_quiz_kind_is_an_enum(data_copy):
    _set(data_copy, "quiz", 2, "kind", "trivia")
    _assert_located(_error(data_copy), "quiz", 2, "kind", "recall")


def test_biology_levels_only_in_damage(data_copy):
    _set(data_copy, "damage", 2, "evidence_level", "rct_benefit")
    _assert_located(_error(data_copy), "damage", 2, "evidence_level", "biology claims use")


def test_every_claim_and_trial_has_a_check_date(kb):
    for table in ("therapy_effects", "trials", "therapies"):
        assert getattr(kb, table)["checked"].notna().all(), table


def test_invalid_utf8(data_copy):
    path = data_copy / "glossary.csv"
    path.write_bytes(path.read_bytes() + "\nmyélin,x,1,,\n".encode("latin-1"))
    error = _error(data_copy)
    assert any(p.file == str(data_copy / "glossary.csv") and "UTF-8" in p.expected for p in error.problems), str(error)


def test_all_problems_are_reported_together(data_copy):
    _set(data_copy, "trials", 2, "phase", "4")
    _set(data_copy, "trials", 3, "result", "great")
    error = _error(data_copy)
    assert {(p.row, p.column) for p in error.problems} >= {(2, "phase"), (3, "result")}


def test_edit_is_picked_up_without_restart(data_copy):
    first = load_knowledge_base(data_copy)
    _set(data_copy, "glossary", 2, "definition", "An edited definition.")
    second = load_knowledge_base(data_copy)
    assert second is not first
    assert "An edited definition." in set(second.glossary["definition"])


def test_without_a_folder_named_the_folder_is_found_again_when_where_to_look_changes(data_copy, tmp_path,
                                                                                       monkeypatch):
    # load_knowledge_base() remembers the folder it found from here; a change of SERIES_DATA_DIR, of the
    # working directory or of a file must still be seen on the next call
    monkeypatch.delenv("SERIES_DATA_DIR", raising=False)
    project = load_knowledge_base()
    monkeypatch.setenv("SERIES_DATA_DIR", str(data_copy))
    _set(data_copy, "glossary", 2, "definition", "A copy's definition.")
    copy = load_knowledge_base()
    assert copy.data_dir == data_copy.resolve() and "A copy's definition." in set(copy.glossary["definition"])
    _set(data_copy, "glossary", 2, "definition", "Edited again.")
    assert "Edited again." in set(load_knowledge_base().glossary["definition"])
    monkeypatch.delenv("SERIES_DATA_DIR")
    back = load_knowledge_base()
    assert back.data_dir == project.data_dir and "Edited again." not in set(back.glossary["definition"])
    # a checkout found from the working directory: a copy of the project with its own data
    checkout = tmp_path / "checkout"
    (checkout / "helpers").mkdir(parents=True)
    (checkout / "helpers" / "data.py").write_text("", encoding="utf-8")
    shutil.copytree(data_copy, checkout / "data")
    (checkout / "notebooks").mkdir()
    monkeypatch.chdir(checkout / "notebooks")
    assert load_knowledge_base().data_dir == (checkout / "data").resolve()
    monkeypatch.setenv("SERIES_DATA_DIR", str(tmp_path / "no_such_folder"))
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        load_knowledge_base()


def test_an_approval_scope_on_a_therapy_that_is_not_approved_is_named(data_copy):
    rows = _rows(data_copy / "therapies.csv")
    row = next(i for i, r in enumerate(rows, start=1) if r[0] == "elezanumab")  # investigational
    _set(data_copy, "therapies", row, "approved_for", "relapsing MS")
    _assert_located(_error(data_copy), "therapies", row, "approved_for", "the status is 'investigational'",
                    "full_approval")


def test_a_therapy_whose_development_stopped_has_its_own_status_tag():
    from helpers.lesson import STATUS_MEANINGS
    from helpers.style import STATUS_LABELS, status_tag_html

    kb = load_knowledge_base()
    stopped = set(kb.therapies.loc[kb.therapies["status"] == "discontinued", "therapy_id"])
    assert {"opicinumab", "evobrutinib", "biib078", "bexarotene"} <= stopped  # each status note says its developers stopped it
    refs = kb.references.set_index("ref_id")
    for therapy in kb.therapies[kb.therapies["status"] == "discontinued"].itertuples():
        # the note says that it was stopped, and when; one of its sources says so too (data/README)
        assert "stopped" in therapy.status_note, therapy.therapy_id
        assert re.search(r"\b(19|20)\d\d\b", therapy.status_note), therapy.therapy_id
        sources = [f"{refs.loc[r, 'title']} {refs.loc[r, 'note']}".lower() for r in therapy.ref_ids.split(";")]
        assert any(re.search(r"discontinu|stop|take further", text) for text in sources), therapy.therapy_id
    assert "Development stopped" in str(status_tag_html("discontinued"))
    assert "Development stopped" in STATUS_MEANINGS["investigational"]  # the two tags point at each other
    # one table (helpers/statuses.py) gives the loader's vocabulary, the tags and the legend's meanings,
    # in the same order, and every status has words for its tag and a meaning of its own
    assert list(kbdata.THERAPY_STATUS) == list(STATUS_LABELS) == list(STATUS_MEANINGS)
    assert len(set(STATUS_LABELS.values())) == len(STATUS_LABELS)
    assert all(len(meaning) > 40 and meaning.endswith(".") for meaning in STATUS_MEANINGS.values())
    # data/README.md names every status the loader accepts
    readme = (Path(kbdata.__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    assert [s for s in kbdata.THERAPY_STATUS if f"`{s}`" not in readme] == []
