"""The learner's personal record (helpers/record.py): kept locally, survives a restart, exports,
is never written under the test suite, and survives a corrupted file and a read-only folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import record
from tools.notebook_tools import offline_kernel_env

EVENT = {"quiz_id": "q03_02", "lesson": 3, "chosen": "Option B", "correct": False, "attempt": 1,
         "confidence": "sure"}


def unwritable(tmp_path, name):
    """A folder that cannot be created whoever runs the tests (root included): its parent is a file."""
    blocker = tmp_path / f"{name}-is-a-file"
    blocker.write_text("")
    return blocker / "folder"


def test_the_test_suite_and_execute_switch_recording_off():
    assert offline_kernel_env()[record.DISABLE_ENV] == "1"
    assert os.environ.get(record.DISABLE_ENV) == "1", "conftest must pass the switch to nbval's kernels"


def test_nothing_is_read_or_written_under_the_test_suite(monkeypatch, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / record.RECORD_NAME).write_text(json.dumps({"series_record": 1, "checks": [EVENT], "answers": {},
                                                         "tasks": {}}))
    before = sorted(p.name for p in folder.iterdir())
    monkeypatch.setenv(record.DISABLE_ENV, "1")
    monkeypatch.setenv(record.DIR_ENV, str(folder))
    record.use_record(None)
    try:
        rec = record.get_record()
        record.on_check_answer(EVENT)
        rec.set_answer("t01", 1, "A prompt", "my text")
        assert rec.path is None and rec.silent and rec.notices == []
        assert rec.data["checks"] == [EVENT]  # in memory only: not read from the file
        assert sorted(p.name for p in folder.iterdir()) == before
        assert json.loads((folder / record.RECORD_NAME).read_text())["answers"] == {}
    finally:
        record.use_record(None)


def test_a_check_answer_is_recorded_through_the_listener_signature(recording):
    record.on_check_answer(EVENT)
    record.on_check_answer(**dict(EVENT, chosen="Option A", correct=True, attempt=2, confidence=None))
    data = json.loads((recording / record.RECORD_NAME).read_text(encoding="utf-8"))
    assert [c["correct"] for c in data["checks"]] == [False, True]
    assert data["checks"][0] == EVENT
    row = record.summary_by_lesson()[0]
    assert row == {"lesson": 3, "checks": 1, "right_first_time": 0, "right_in_the_end": 1, "sure_but_wrong": 1,
                   "predictions": 0, "predictions_right": 0, "answers_written": 0}


def test_a_broken_event_never_breaks_a_check(recording):
    record.on_check_answer({"lesson": 3})  # no quiz id
    assert record.get_record().data["checks"] == []


def test_the_record_survives_a_kernel_restart(recording):
    """One process writes; a new process (a restarted kernel) reads the same record."""
    env = {k: v for k, v in os.environ.items() if k != record.DISABLE_ENV}
    env[record.DIR_ENV] = str(recording)
    write = ("from helpers import record\n"
             "record.on_check_answer({'quiz_id': 'q07_05', 'lesson': 7, 'chosen': 'x', 'correct': True,"
             " 'attempt': 1, 'confidence': 'unsure'})\n"
             "record.get_record().set_answer('t07_think', 7, 'Two questions', 'What was the primary endpoint?')\n")
    read = ("from helpers import record\nr = record.get_record()\n"
            "print(r.answer('t07_think')['text'], len(r.data['checks']), r.notices)\n")
    subprocess.run([sys.executable, "-c", write], env=env, check=True, cwd=recording.parent)
    out = subprocess.run([sys.executable, "-c", read], env=env, check=True, cwd=recording.parent,
                         capture_output=True, text=True).stdout
    assert out.strip() == "What was the primary endpoint? 1 []"


def test_a_corrupted_file_is_set_aside_and_a_fresh_record_started(recording):
    recording.mkdir(parents=True)
    path = recording / record.RECORD_NAME
    path.write_text('{"series_record": 1, "checks": [', encoding="utf-8")  # cut off mid-write
    rec = record.get_record()
    assert rec.data == record._empty() and rec.path == path
    kept = recording / ".my_series_record.unreadable.json"
    assert kept.read_text(encoding="utf-8") == '{"series_record": 1, "checks": ['
    assert "could not be read" in rec.notices[0] and kept.name in rec.notices[0]
    assert kept.name in record.notices_html()
    record.on_check_answer(EVENT)
    assert json.loads(path.read_text(encoding="utf-8"))["checks"] == [EVENT]
    # a second bad file does not overwrite the first one set aside
    path.write_text("[1, 2, 3]", encoding="utf-8")  # valid JSON, but not a record
    record.use_record(None)
    rec = record.get_record()
    assert (recording / ".my_series_record.unreadable-2.json").read_text() == "[1, 2, 3]"
    assert kept.read_text(encoding="utf-8") == '{"series_record": 1, "checks": ['
    assert rec.data["checks"] == []


def test_an_unreadable_record_that_is_a_folder_is_set_aside(recording):
    (recording / record.RECORD_NAME).mkdir(parents=True)
    rec = record.get_record()
    assert rec.notices and (recording / ".my_series_record.unreadable.json").is_dir()
    record.on_check_answer(EVENT)
    assert (recording / record.RECORD_NAME).is_file()


def test_a_read_only_notebooks_folder_falls_back_to_the_user_data_folder(recording, tmp_path):
    rec = record.open_record(folder=unwritable(tmp_path, "notebooks"), fallback=tmp_path / "data")
    assert rec.path == tmp_path / "data" / record.RECORD_NAME
    assert "cannot be written" in rec.notices[0]


def test_with_no_writable_folder_the_record_is_kept_in_memory_with_a_notice(recording, tmp_path):
    rec = record.open_record(folder=unwritable(tmp_path, "notebooks"), fallback=unwritable(tmp_path, "data"))
    assert rec.path is None and not rec.silent
    assert "in memory for this session only" in rec.notices[0]
    rec.add_check("q01_01", 1, "a", True)
    rec.set_answer("t01", 1, "Prompt", "text")
    assert rec.data["checks"][0]["quiz_id"] == "q01_01" and rec.where == "in memory only, for this session"
    # exporting still works: the file goes to a folder that can be written
    path = record.export_record("md", folder=tmp_path / "out", record=rec)
    assert path.parent == tmp_path / "out" and "text" in path.read_text(encoding="utf-8")


def test_export_holds_the_summary_answers_and_predictions(recording):
    rec = record.get_record()
    record.on_check_answer(EVENT)
    rec.set_answer("c09_case1", 9, "Case 1: Sara", "aHSCT acts on the immune attack <not on repair>.")
    rec.set_rubric("c09_case1", [True, False, True])
    rec.set_task("p09_power", 9, "Patients per arm for 80% power", "about 35", False)
    rec.set_answer("t02_empty", 2, "Unwritten", "   ")
    html_path = record.export_record("html", name="Ada")
    md_path = record.export_record("md")
    assert html_path == recording / "my_series_record.html" and md_path == recording / "my_series_record.md"
    page = html_path.read_text(encoding="utf-8")
    assert "&lt;not on repair&gt;" in page and "<script" not in page and "Name: Ada" in page
    assert "03 · MS: what goes wrong" in page and "2 of 3 rubric points" in page and "about 35" in page
    md = md_path.read_text(encoding="utf-8")
    assert "### 09 · Capstone: case studies: Case 1: Sara" in md and "Unwritten" not in md
    assert "| 09 · Capstone: case studies | 0 | 0 | 0 | 0 | 1 | 0 | 1 |" in md
    with pytest.raises(ValueError, match="valid: html, md"):
        record.export_record("pdf")


def test_summary_before_anything_is_recorded_says_so(recording, monkeypatch):
    assert "Nothing recorded yet" in record.summary_html()
    monkeypatch.setenv(record.DISABLE_ENV, "1")
    assert "when you run the lessons yourself" in record.summary_html()


def test_two_lessons_open_at_once_keep_each_others_answers(tmp_path):
    """Each open lesson has its own kernel and its own copy of the record; saving one must not
    overwrite what the other saved (it did: the last writer's copy replaced the file)."""
    path = tmp_path / record.RECORD_NAME
    lesson_00, lesson_01 = record.Record(path), record.Record(path)  # both opened before anything was saved
    lesson_00.set_answer("a00_why", 0, "Why this series", "my answer in lesson 00")
    lesson_01.set_answer("a01_myelin", 1, "Myelin", "my answer in lesson 01")
    lesson_01.add_check("q01_02", 1, "Option A", True)
    lesson_00.set_task("task00_sort", 0, "Sort the claims", "R0", True)
    lesson_00.set_rubric("a00_why", [True, False])
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert set(saved["answers"]) == {"a00_why", "a01_myelin"} and saved["answers"]["a00_why"]["rubric"] == [True, False]
    assert [c["quiz_id"] for c in saved["checks"]] == ["q01_02"] and set(saved["tasks"]) == {"task00_sort"}
    # lesson 09's "My progress" in a third kernel, opened earlier, sees both lessons
    assert [r["lesson"] for r in record.summary_by_lesson(lesson_01)] == [0, 1]
    assert "my answer in lesson 00" in record.export_markdown(lesson_01)
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind


def test_a_record_damaged_while_a_lesson_is_open_is_set_aside_on_the_next_save(tmp_path):
    path = tmp_path / record.RECORD_NAME
    rec = record.Record(path)
    rec.set_answer("a00_why", 0, "Why", "first")
    path.write_text("{ half a file", encoding="utf-8")  # damaged by something else meanwhile
    rec.set_answer("a01_myelin", 1, "Myelin", "second")
    kept = tmp_path / ".my_series_record.unreadable.json"
    assert kept.read_text(encoding="utf-8") == "{ half a file"  # nothing lost
    assert set(json.loads(path.read_text(encoding="utf-8"))["answers"]) == {"a00_why", "a01_myelin"}
    assert any("kept unchanged" in n for n in rec.notices)


SAVER = """
import sys
from pathlib import Path
from helpers import record
rec = record.Record(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    rec.add_check(f"q_{sys.argv[2]}_{i}", 1, "Option A", True)  # every check is saved at once
"""


def test_kernels_saving_at_the_same_moment_take_turns(tmp_path):
    """Two kernels saving again and again at the same time: every entry of both survives (without
    the lock file, one kernel's read-merge-replace could land between the other's read and replace)."""
    path = tmp_path / record.RECORD_NAME
    env = {k: v for k, v in os.environ.items() if k != record.DISABLE_ENV}
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(path), name, "60"], env=env,
                               cwd=record.ROOT) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in savers] == [0, 0]
    ids = [c["quiz_id"] for c in json.loads(path.read_text(encoding="utf-8"))["checks"]]
    assert sorted(ids) == sorted(f"q_{n}_{i}" for n in "ab" for i in range(60))
    assert not list(tmp_path.glob("*.lock")) and not list(tmp_path.glob("*.tmp"))


def test_a_save_waits_for_the_lock_and_takes_over_a_stale_one(tmp_path, monkeypatch):
    import threading

    path = tmp_path / record.RECORD_NAME
    lock = tmp_path / (record.RECORD_NAME + ".lock")
    rec = record.Record(path)
    monkeypatch.setattr(record, "LOCK_WAIT_S", 3600.0)  # however slow the machine, it must not give up here
    lock.write_text("")  # another kernel is saving
    saver = threading.Thread(target=rec.set_answer, args=("a00_why", 0, "Why", "mine"))
    saver.start()
    saver.join(timeout=0.3)
    assert saver.is_alive() and not path.exists()  # it waits: nothing written while the lock is held
    lock.unlink()
    saver.join(timeout=60)
    assert not saver.is_alive() and json.loads(path.read_text(encoding="utf-8"))["answers"]["a00_why"]["text"] == "mine"
    assert not lock.exists()

    lock.write_text("")  # left by a kernel that died while saving: taken over, then removed
    old = record.time.time() - 2 * record.STALE_LOCK_S
    os.utime(lock, (old, old))
    rec.set_answer("a01_myelin", 1, "Myelin", "second")
    assert "a01_myelin" in json.loads(path.read_text(encoding="utf-8"))["answers"] and not lock.exists()

    monkeypatch.setattr(record, "LOCK_WAIT_S", 0.0)  # a lock that is never released: the save is not lost
    lock.write_text("")
    rec.set_answer("a02_nurown", 2, "NurOwn", "third")
    assert "a02_nurown" in json.loads(path.read_text(encoding="utf-8"))["answers"] and lock.exists()
