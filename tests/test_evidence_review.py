"""Dated evidence: every graded row records when it was checked; lessons show the date; the
maintainer report finds the oldest rows and overdue trials."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from helpers import lesson
from helpers.data import load_knowledge_base
from tools import evidence_review

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _edit(path: Path, key: str, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == key:
            row[col] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_oldest_rows_come_first(data_copy):
    _edit(data_copy / "trials.csv", "mist", "checked", "2019-03")
    kb = load_knowledge_base(data_copy)
    first = evidence_review.oldest_checks(kb, limit=3)[0]
    assert first[:3] == ("2019-03", "trials.csv", "mist")


def test_overdue_trials_are_listed(data_copy):
    kb = load_knowledge_base(data_copy)
    ids = [row[0] for row in evidence_review.overdue_trials(kb, today=date(2030, 1, 1))]
    assert {"starms", "ram_ms", "endurance"} <= set(ids)  # their expected ends lie before 2030
    assert "mist" not in ids  # completed trials are not open
    now = [row[0] for row in evidence_review.overdue_trials(kb, today=date(2026, 11, 1))]
    assert "starms" not in now and "kyv101_p1" in now  # the KYV-101 phase 1 gives no expected end


def test_report_runs_as_a_command():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "evidence_review.py"), "--limit", "3"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "Rows checked longest ago" in result.stdout and "Open trials" in result.stdout


def test_lesson_reference_lists_are_dated():
    month, rows = lesson.evidence_checked(["burt_2019"])
    assert rows >= 2 and month is not None and len(month) == 7
    assert f"Evidence checked as of {month}" in lesson.references_html(["burt_2019"])
    assert "No graded claim" in lesson.references_html(["kang_2010"])


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name[:2])
def test_every_lesson_shows_its_evidence_date(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    shown = [output for cell in notebook["cells"] if cell["cell_type"] == "code"
             for output in cell.get("outputs", []) if "Evidence checked as of" in json.dumps(output)]
    assert shown, f"{path.name} does not show when its evidence was checked"
