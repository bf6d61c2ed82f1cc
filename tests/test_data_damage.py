"""Damaged data folders: every kind of damage found in an adversarial sweep (and the kinds next
to them) becomes one clear KnowledgeBaseError naming the file actually read, the spreadsheet row
and the column, never a bare traceback or data that crashes a widget later."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data import KnowledgeBaseError, load_knowledge_base
from test_data import _rows, _set, _write  # noqa: PLC2701 (the same spreadsheet-like edits)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(load_knowledge_base().data_dir, target)
    return target


def _row_of(data_dir, table, key_column, key):
    rows = _rows(data_dir / f"{table}.csv")
    return [r[rows[0].index(key_column)] for r in rows].index(key) + 1


def _problem(data_dir, table, row, column, *fragments):
    """Load the copy; the error must name the copy's file (full path), the row and the column."""
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(data_dir)
    error = info.value
    file = str(data_dir.resolve() / f"{table}.csv")
    matching = [p for p in error.problems if p.file == file and p.row == row and p.column == column]
    assert matching, f"no problem at {file} row {row} column {column}: {error}"
    text = str(error)
    assert file in text and (row is None or f"row {row}" in text) and (column is None or f"'{column}'" in text)
    for fragment in fragments:
        assert fragment in str(matching[0]), str(matching[0])
    return matching[0]


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("value", ["NaN", "nan", "inf", "-Infinity", "1e400"])
def test_not_a_finite_number(data_copy, value):
    _set(data_copy, "disease_facts", 2, "value", value)
    _problem(data_copy, "disease_facts", 2, "value", "finite number")


def test_empty_required_number(data_copy):
    _set(data_copy, "model_parameters", 3, "value", "")
    _problem(data_copy, "model_parameters", 3, "value", "empty but required")


@pytest.mark.parametrize("value", ["9" * 25, "-" + "9" * 20])
def test_integer_too_large_for_64_bits(data_copy, value):
    _set(data_copy, "references", 2, "year", value)
    _problem(data_copy, "references", 2, "year", "64 bits")


@pytest.mark.parametrize("table, column, value", [
    ("references", "year", "1066"), ("references", "year", "2999"), ("glossary", "lesson", "-1"),
    ("quiz", "lesson", "1000"), ("evidence_levels", "rank", "0")])
def test_whole_number_outside_a_plausible_range(data_copy, table, column, value):
    _set(data_copy, table, 2, column, value)
    _problem(data_copy, table, 2, column, "implausible value")


@pytest.mark.parametrize("parameter, column, value, what", [
    ("dropout_probability_per_month", "high", "1.5", "probability"),
    ("incomplete_recovery_probability", "low", "-0.1", "probability"),
    ("natalizumab_relapse_rate_reduction", "high", "1.2", "fraction"),
    ("ahsct_treatment_related_mortality", "high", "2", "probability"),
    ("patients_per_arm", "low", "0", "count"),
    ("baseline_edss", "high", "11", "EDSS"),
])
def test_model_bounds_widened_beyond_what_the_unit_allows(data_copy, parameter, column, value, what):
    row = _row_of(data_copy, "model_parameters", "parameter_id", parameter)
    _set(data_copy, "model_parameters", row, column, value)
    _problem(data_copy, "model_parameters", row, column, what)


def test_low_above_high(data_copy):
    row = _row_of(data_copy, "model_parameters", "parameter_id", "optic_nerve_length_mm")
    _set(data_copy, "model_parameters", row, "low", "60")
    _set(data_copy, "model_parameters", row, "value", "60")
    _problem(data_copy, "model_parameters", row, "low", "above high")


# --------------------------------------------------------------------------- files and folders
def test_a_folder_in_place_of_a_csv(data_copy):
    (data_copy / "quiz.csv").unlink()
    (data_copy / "quiz.csv").mkdir()
    _problem(data_copy, "quiz", None, None, "is a folder")


def test_a_field_over_the_csv_limit(data_copy):
    _set(data_copy, "glossary", 5, "definition", "x" * 131_073)
    problem = _problem(data_copy, "glossary", 5, "definition", "131,073 characters")
    assert len(str(problem)) < 1000, "the message must not repeat the whole field"


def test_an_unclosed_quote_is_located(data_copy):
    path = data_copy / "red_flags.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ',"', 1)  # an opening quote that is never closed
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(data_copy)
    assert any(p.file == str(data_copy / "red_flags.csv") and p.row == 4 for p in info.value.problems), info.value


def test_a_duplicated_column_header(data_copy):
    path = data_copy / "therapies.csv"
    rows = _rows(path)
    rows = [row + [row[1]] for row in rows]  # 'name' twice
    _write(path, rows)
    _problem(data_copy, "therapies", 1, "name", "appears 2 times")


def test_a_header_only_table_that_a_widget_needs_rows_from(data_copy):
    path = data_copy / "clinic_adverts.csv"
    _write(path, _rows(path)[:1])
    _problem(data_copy, "clinic_adverts", 2, None, "no rows")


def test_a_csv_that_is_a_symlink_loop(data_copy):
    (data_copy / "trials.csv").unlink()
    (data_copy / "trials.csv").symlink_to(data_copy / "trials.csv")
    _problem(data_copy, "trials", None, None, "link")


def test_a_data_folder_that_is_a_symlink_loop(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(loop)
    assert str(loop) in str(info.value) and "link" in str(info.value)


# --------------------------------------------------------------------------- text
@pytest.mark.parametrize("char", ["\x07", "\x00", "\n", "\u202e", "\u200b"])
def test_control_and_invisible_characters(data_copy, char):
    _set(data_copy, "therapies", 3, "status_note", f"Approved{char}in 2017")
    _problem(data_copy, "therapies", 3, "status_note", f"U+{ord(char):04X}")


@pytest.mark.parametrize("table, column", [("therapies", "name"), ("glossary", "term")])
def test_near_duplicate_keys_and_names(data_copy, table, column):
    rows = _rows(data_copy / f"{table}.csv")
    first = rows[1][rows[0].index(column)]
    twin = first.upper() if first != first.upper() else first.lower()
    _set(data_copy, table, 3, column, twin.replace(" ", "  ", 1) if " " in twin else twin)
    _problem(data_copy, table, 3, column, "only in capitals")


def test_near_duplicate_ids(data_copy):
    rows = _rows(data_copy / "mechanisms.csv")
    first = rows[1][0]
    _set(data_copy, "mechanisms", 3, "mechanism_id", first.replace("_", "", 1) if "_" in first else first + "_")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(data_copy)
    assert any(p.row == 3 and p.column == "mechanism_id" and "only in capitals" in p.expected
               for p in info.value.problems), info.value


def test_a_trial_that_ends_before_it_starts(data_copy):
    rows = _rows(data_copy / "trials.csv")
    row = next(i for i, r in enumerate(rows) if i and r[rows[0].index("start_year")]) + 1
    start = int(rows[row - 1][rows[0].index("start_year")])
    _set(data_copy, "trials", row, "expected_end", f"{start - 2}-06")
    _problem(data_copy, "trials", row, "expected_end", "ends before it starts")


# --------------------------------------------------------------------------- vocabulary order
def test_two_levels_with_the_same_rank(data_copy):
    rank_of_second = _rows(data_copy / "evidence_levels.csv")[2][1]
    _set(data_copy, "evidence_levels", 4, "rank", rank_of_second)
    _problem(data_copy, "evidence_levels", 4, "rank", "same rank as row 3")


def test_a_rank_that_contradicts_the_design_order(data_copy):
    rows = _rows(data_copy / "evidence_levels.csv")
    row = [r[0] for r in rows].index("lab_only") + 1
    _set(data_copy, "evidence_levels", row, "rank", "9")
    rct = [r[0] for r in rows].index("rct_benefit") + 1
    _set(data_copy, "evidence_levels", rct, "rank", "2")
    _problem(data_copy, "evidence_levels", rct, "rank", "stronger design")


def test_a_level_whose_design_and_direction_give_another_level(data_copy):
    rows = _rows(data_copy / "evidence_levels.csv")
    row = [r[0] for r in rows].index("early_harm") + 1
    _set(data_copy, "evidence_levels", row, "direction", "unclear")
    _problem(data_copy, "evidence_levels", row, "direction", "early_unclear")


def test_two_levels_with_the_same_badge_code(data_copy):
    _set(data_copy, "evidence_levels", 6, "code", _rows(data_copy / "evidence_levels.csv")[4][2])
    _problem(data_copy, "evidence_levels", 6, "code", "same code")


# --------------------------------------------------------------------------- where it looked
def _load_in_subprocess(cwd: Path, series_data_dir: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SERIES_DATA_DIR": series_data_dir, "PYTHONPATH": str(ROOT)}
    code = ("from helpers.data import load_knowledge_base, KnowledgeBaseError\n"
            "try:\n    load_knowledge_base()\nexcept KnowledgeBaseError as e:\n    print(e)\n")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)


def test_a_relative_series_data_dir_says_where_it_looked(tmp_path):
    result = _load_in_subprocess(tmp_path, "no_such_folder")
    assert str(tmp_path / "no_such_folder") in result.stdout, result.stdout + result.stderr
    assert "SERIES_DATA_DIR='no_such_folder'" in result.stdout and "does not exist" in result.stdout


def test_errors_name_the_copy_that_was_read_not_data(tmp_path, data_copy):
    _set(data_copy, "trials", 3, "phase", "4")
    result = _load_in_subprocess(tmp_path, "data")
    assert f"{data_copy / 'trials.csv'}, row 3, column 'phase'" in result.stdout, result.stdout + result.stderr
