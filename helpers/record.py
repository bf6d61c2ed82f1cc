"""The learner's personal record: check results, confidence, predictions and written answers.

Kept **only on the learner's own machine or server account**, never sent anywhere: a JSON file
next to the learner's copy of the notebooks (``notebooks/.my_series_record.json``), so it survives
a kernel restart and travels with the folder. Where that folder cannot be written (a read-only
copy, some hubs), the record goes to the user's data folder; where neither can be written it is
kept in memory for this session only, with a visible notice. An unreadable or corrupted file is
set aside (renamed ``.my_series_record.unreadable.json``, then ``...unreadable-2.json`` and so on)
and a fresh record is started, with a visible notice: nothing crashes and nothing is lost.
Several lessons open at once (each with its own kernel) share the file: every save merges that
kernel's new entries into the file as it is then (one kernel at a time, behind a lock file), and
the summary and export read it afresh.

Nothing is read or written while the notebooks run under the test suite or ``python3 run.py
execute``: they set :data:`DISABLE_ENV` (see ``offline_kernel_env``), so stored outputs never
depend on anybody's record.

The record is plain JSON a learner can open::

    {"series_record": 1,
     "checks":  [{"quiz_id": "q03_02", "lesson": 3, "chosen": "...", "correct": true,
                  "attempt": 1, "confidence": "sure"}, ...],          # every attempt, in order
     "answers": {"t03_relapses": {"lesson": 3, "title": "...", "text": "...", "rubric": [true, false]}},
     "tasks":   {"task00_sort": {"lesson": 0, "title": "...", "prediction": "...", "correct": false}}}

:func:`on_check_answer` has the signature of a listener of ``helpers.checks.ANSWER_LISTENERS``.
:func:`summary_by_lesson` and :func:`export_record` make the hand-in file (lesson 09, "My progress").
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .markup import esc

#: Set (to anything but "" or "0") by the test suite and ``run.py execute``: record nothing, read nothing.
DISABLE_ENV = "SERIES_RECORD_OFF"
#: Optional: the folder to keep the record in (instead of the notebooks folder).
DIR_ENV = "SERIES_RECORD_DIR"
RECORD_NAME = ".my_series_record.json"
#: A save waits at most this long (seconds) for another kernel's save to finish, and takes over a
#: lock older than :data:`STALE_LOCK_S` (left by a kernel that died while saving).
LOCK_WAIT_S = 5.0
STALE_LOCK_S = 30.0
EXPORT_STEM = "my_series_record"
FORMAT_VERSION = 1
APP_FOLDER = "als-ms-stem-cell-series"
ROOT = Path(__file__).resolve().parent.parent
LESSON_TITLES = {0: "Start here", 1: "The nervous system you need", 2: "ALS: what goes wrong",
                 3: "MS: what goes wrong", 4: "Stem and progenitor cells", 5: "How a cell therapy could help",
                 6: "Which therapy for which damage", 7: "What the trials show", 8: "Hope versus hype",
                 9: "Capstone: case studies"}


def recording_disabled() -> bool:
    """True while notebooks run under the test suite or ``run.py execute``."""
    return os.environ.get(DISABLE_ENV, "").strip() not in ("", "0")


def _empty() -> dict:
    return {"series_record": FORMAT_VERSION, "checks": [], "answers": {}, "tasks": {}}


def _valid(data) -> bool:
    return (isinstance(data, dict) and data.get("series_record") == FORMAT_VERSION
            and isinstance(data.get("checks"), list) and isinstance(data.get("answers"), dict)
            and isinstance(data.get("tasks"), dict))


def user_data_folder() -> Path:
    """The per-user data folder of this platform (for when the notebooks folder is read-only)."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def notebooks_folder() -> Path:
    """The learner's copy of the notebooks: the kernel's folder if it holds lessons, else the series'."""
    cwd = Path.cwd()
    if any(cwd.glob("[0-9][0-9]_*.ipynb")):
        return cwd
    return ROOT / "notebooks"


def _writable(folder: Path) -> bool:
    """Whether a file can really be created in ``folder`` (tried, not guessed from permissions)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".{EXPORT_STEM}.probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
        return True
    except OSError:
        return False


class Record:
    """One learner's record, in a file (``path``) or only in memory (``path is None``).

    ``notices`` holds what the learner must be told (a file set aside, memory only); widgets show them.
    """

    def __init__(self, path: Path | None = None, notices: list[str] | None = None, silent: bool = False):
        self.path = path
        self.notices = list(notices or [])
        self.silent = silent  # under the test suite: memory only, and nothing to announce
        self.data = _empty()
        # This kernel's changes not yet saved: a save merges them into the file as it is *then*, so two
        # lessons open at once (each with its own kernel) never overwrite each other's answers.
        self._new_checks: list[dict] = []
        self._changed = {"answers": set(), "tasks": set()}
        if path is not None:
            self._load()

    # ------------------------------------------------------------------ file handling
    def _set_aside(self) -> Path:
        """Rename the unreadable file to the first free ``.unreadable[-N].json`` name; return it."""
        n = 1
        while True:
            suffix = ".unreadable.json" if n == 1 else f".unreadable-{n}.json"
            target = self.path.with_name(self.path.name.removesuffix(".json") + suffix)
            if not target.exists():
                os.replace(self.path, target)
                return target
            n += 1

    def _load(self) -> None:
        if not self.path.exists() and not self.path.is_symlink():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not _valid(data):
                raise ValueError("not a record of this series")
            self.data = data
        except (OSError, UnicodeDecodeError, ValueError) as err:
            try:
                kept = self._set_aside()
                self.notices.append(f"Your record file {self.path.name} could not be read ({type(err).__name__}); "
                                    f"it was kept unchanged as {kept.name} and a new, empty record was started.")
            except OSError:
                self.notices.append(f"Your record file {self.path.name} could not be read and could not be moved "
                                    "aside; this session's record is kept in memory only. Download your record "
                                    "before you close the notebook.")
                self.path = None

    def _read_file(self) -> dict | None:
        """The record file as it is now (``None`` if there is none); ValueError if it cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError) as err:
            raise ValueError(type(err).__name__) from err
        if not _valid(data):
            raise ValueError("not a record of this series")
        return data

    def _merge(self, data: dict | None) -> None:
        """Take ``data`` (the file as just read; ``None``: no file) with this kernel's unsaved changes on top."""
        if data is None:
            return
        data["checks"] = data["checks"] + self._new_checks
        for part, ids in self._changed.items():
            for item_id in ids:
                data[part][item_id] = self.data[part][item_id]
        self.data = data

    def refresh(self) -> None:
        """Bring in what other lessons' kernels have saved since this one read the file, keeping this
        kernel's own unsaved changes on top. An unreadable file is left for :meth:`save` to set aside."""
        if self.path is None:
            return
        with self._locked():  # on Windows a file open for reading cannot be replaced: no read mid-save
            try:
                self._merge(self._read_file())
            except ValueError:
                pass

    @contextmanager
    def _locked(self):
        """Hold ``<record>.lock`` while reading, merging and replacing the file, so two kernels that
        save at the same moment take turns instead of one erasing the other's entries. Creating a
        file that must not exist is atomic on every platform. A lock left by a kernel that died is
        taken over when stale; if the lock cannot be had in time the save goes ahead unlocked
        (the old behaviour) rather than being lost."""
        lock = self.path.with_name(self.path.name + ".lock")
        deadline = time.monotonic() + LOCK_WAIT_S
        held = False
        while not held:
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                held = True
            except FileExistsError:
                try:
                    if time.time() - lock.stat().st_mtime > STALE_LOCK_S:
                        lock.unlink()
                        continue
                except OSError:  # released meanwhile
                    continue
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            except OSError:  # the folder cannot take a lock file: the write below will tell
                break
        try:
            yield
        finally:
            if held:
                try:
                    lock.unlink()
                except OSError:
                    pass

    def save(self) -> None:
        """Merge this kernel's changes into the file as it is now and write it (atomically: a
        half-written file never replaces a good one; each kernel writes through its own temporary
        file, one kernel at a time)."""
        if self.path is None:
            return
        with self._locked():
            self._save_unlocked()

    def _save_unlocked(self) -> None:
        try:
            self._merge(self._read_file())  # the file as it is now, read once
        except ValueError as err:  # damaged since it was read: keep it, as when it is opened
            try:
                kept = self._set_aside()
                self.notices.append(f"Your record file {self.path.name} could not be read ({err}); it was kept "
                                    f"unchanged as {kept.name} and this session's record was saved in its place.")
            except OSError:
                pass
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(self.data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
            self._new_checks = []
            self._changed = {"answers": set(), "tasks": set()}
        except OSError as err:
            self.notices.append(f"Your record could not be saved to {self.path.parent} ({type(err).__name__}); "
                                "from now on it is kept in memory only, for this session. Download it before "
                                "you close the notebook.")
            self.path = None

    @property
    def where(self) -> str:
        """Plain words: where this record is kept."""
        if self.silent:
            return "nowhere: nothing is recorded while the notebooks are tested or re-executed"
        if self.path is None:
            return "in memory only, for this session"
        return f"in the file {self.path} on this computer or server account (never sent anywhere)"

    # ------------------------------------------------------------------ what gets recorded
    def add_check(self, quiz_id: str, lesson: int, chosen, correct: bool, attempt: int = 1,
                  confidence: str | None = None) -> None:
        check = {"quiz_id": str(quiz_id), "lesson": int(lesson), "chosen": None if chosen is None else str(chosen),
                 "correct": bool(correct), "attempt": int(attempt),
                 "confidence": None if confidence is None else str(confidence)}
        self.data["checks"].append(check)
        self._new_checks.append(check)
        self.save()

    def set_answer(self, answer_id: str, lesson: int, title: str, text: str) -> None:
        entry = self.data["answers"].setdefault(str(answer_id), {"rubric": []})
        entry.update({"lesson": int(lesson), "title": str(title), "text": str(text)})
        self._changed["answers"].add(str(answer_id))
        self.save()

    def set_rubric(self, answer_id: str, ticks: list[bool]) -> None:
        if answer_id in self.data["answers"]:
            self.data["answers"][answer_id]["rubric"] = [bool(t) for t in ticks]
            self._changed["answers"].add(answer_id)
            self.save()

    def answer(self, answer_id: str) -> dict | None:
        return self.data["answers"].get(answer_id)

    def set_task(self, task_id: str, lesson: int, title: str, prediction: str, correct: bool | None) -> None:
        self.data["tasks"][str(task_id)] = {"lesson": int(lesson), "title": str(title), "prediction": str(prediction),
                                            "correct": None if correct is None else bool(correct)}
        self._changed["tasks"].add(str(task_id))
        self.save()


_RECORD: Record | None = None


def open_record(folder: Path | None = None, fallback: Path | None = None) -> Record:
    """Open (or start) the record in ``folder``, else in ``fallback`` (the user data folder), else in memory.

    Under the test suite (:data:`DISABLE_ENV`) nothing is read or written.
    """
    if recording_disabled():
        return Record(None, silent=True)
    configured = os.environ.get(DIR_ENV, "").strip()
    folder = Path(folder) if folder is not None else (Path(configured) if configured else notebooks_folder())
    fallback = Path(fallback) if fallback is not None else user_data_folder()
    if _writable(folder):
        return Record(folder / RECORD_NAME)
    if _writable(fallback):
        return Record(fallback / RECORD_NAME, [f"The notebooks folder ({folder}) cannot be written, so your record "
                                               f"is kept in your user data folder: {fallback}."])
    return Record(None, [f"Neither the notebooks folder ({folder}) nor your user data folder ({fallback}) can be "
                         "written, so your record is kept in memory for this session only. Download it (My "
                         "progress, lesson 09) before you close the notebook."])


def get_record() -> Record:
    """The record of this kernel session (opened on first use)."""
    global _RECORD
    if _RECORD is None or (_RECORD.silent != recording_disabled()):
        _RECORD = open_record()
    return _RECORD


def use_record(record: Record | None) -> None:
    """Replace the session's record (tests; ``None`` re-opens it on next use)."""
    global _RECORD
    _RECORD = record


# ---------------------------------------------------------------------- entry points for widgets
def on_check_answer(event: dict | None = None, **fields) -> None:
    """Listener for ``helpers.checks.ANSWER_LISTENERS``: records one answer to a check item.

    Receives ``{quiz_id, lesson, chosen, correct, attempt, confidence}`` (as one dict or as
    keywords). Never raises: a record problem must not break a check.
    """
    event = dict(event or {}, **fields)
    try:
        get_record().add_check(event["quiz_id"], int(event.get("lesson", -1)), event.get("chosen"),
                               bool(event.get("correct")), int(event.get("attempt") or 1), event.get("confidence"))
    except (KeyError, TypeError, ValueError):
        pass


def notices_html() -> str:
    """Every notice the learner must see about the record (empty when there is none)."""
    from .widgets.common import notice_html

    return "".join(notice_html(n, "warning") for n in get_record().notices)


# ---------------------------------------------------------------------- summary and export
def summary_by_lesson(record: Record | None = None) -> list[dict]:
    """One row per lesson with anything recorded: checks tried, right first time, right in the end,
    wrong-but-sure answers, predictions right, answers written (including what other lessons'
    kernels have saved meanwhile)."""
    record = record or get_record()
    record.refresh()
    data = record.data
    rows: dict[int, dict] = {}

    def row(lesson: int) -> dict:
        return rows.setdefault(int(lesson), {"lesson": int(lesson), "checks": 0, "right_first_time": 0,
                                             "right_in_the_end": 0, "sure_but_wrong": 0, "predictions": 0,
                                             "predictions_right": 0, "answers_written": 0})

    by_item: dict[str, list[dict]] = {}
    for check in data["checks"]:
        by_item.setdefault(check["quiz_id"], []).append(check)
    for attempts in by_item.values():
        r = row(attempts[0]["lesson"])
        r["checks"] += 1
        r["right_first_time"] += bool(attempts[0]["correct"])
        r["right_in_the_end"] += bool(attempts[-1]["correct"])
        r["sure_but_wrong"] += sum(1 for a in attempts if a.get("confidence") == "sure" and not a["correct"])
    for task in data["tasks"].values():
        r = row(task["lesson"])
        r["predictions"] += 1
        r["predictions_right"] += bool(task.get("correct"))
    for answer in data["answers"].values():
        if str(answer.get("text", "")).strip():
            row(answer["lesson"])["answers_written"] += 1
    return [rows[k] for k in sorted(rows)]


SUMMARY_HEADERS = ("Lesson", "Checks tried", "Right first time", "Right in the end", "Sure but wrong",
                   "Predictions made", "Predictions right", "Answers written")


def _lesson_name(lesson: int) -> str:
    return f"{lesson:02d} · {LESSON_TITLES.get(lesson, 'Lesson')}"


def summary_html(record: Record | None = None) -> str:
    """The summary by lesson as an accessible HTML table (or a notice when nothing is recorded yet)."""
    from .widgets.common import notice_html

    record = record or get_record()
    rows = summary_by_lesson(record)
    if record.silent:
        return notice_html("Your progress appears here when you run the lessons yourself: checks you answer, "
                           "predictions you make and answers you write are kept on your computer.")
    if not rows:
        return notice_html("Nothing recorded yet: answer some checks, make predictions and write answers in the "
                           "lessons, then run this cell again.")
    head = "".join(f'<th scope="col" style="text-align:left">{h}</th>' for h in SUMMARY_HEADERS)
    body = "".join("<tr>" + f'<th scope="row" style="text-align:left">{esc(_lesson_name(r["lesson"]))}</th>'
                   + "".join(f"<td>{v}</td>" for k, v in r.items() if k != "lesson") + "</tr>" for r in rows)
    return (f'<table class="my-progress"><caption style="text-align:left">My progress, by lesson</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def export_markdown(record: Record | None = None, name: str = "") -> str:
    """The whole record as one Markdown document a learner can hand in."""
    record = record or get_record()
    record.refresh()
    data = record.data
    lines = ["# My record: stem-cell therapy for ALS and MS", ""]
    if name.strip():
        lines += [f"Name: {name.strip()}", ""]
    lines += ["Kept on my own computer; made with the series' *My progress* page.", "", "## Summary by lesson", ""]
    rows = summary_by_lesson(record)
    if rows:
        lines += ["| " + " | ".join(SUMMARY_HEADERS) + " |", "|" + "---|" * len(SUMMARY_HEADERS)]
        lines += ["| " + " | ".join([_lesson_name(r["lesson"])] + [str(v) for k, v in r.items() if k != "lesson"])
                  + " |" for r in rows]
    else:
        lines.append("Nothing recorded yet.")
    lines += ["", "## My written answers", ""]
    answers = sorted(data["answers"].items(), key=lambda kv: (kv[1].get("lesson", 99), kv[0]))
    written = [(k, a) for k, a in answers if str(a.get("text", "")).strip()]
    for answer_id, answer in written:
        ticks = answer.get("rubric") or []
        lines += [f"### {_lesson_name(answer['lesson'])}: {answer.get('title') or answer_id}", "",
                  str(answer["text"]).strip(), ""]
        if ticks:
            lines += [f"*Self-assessment: {sum(ticks)} of {len(ticks)} rubric points ticked.*", ""]
    if not written:
        lines += ["No written answers yet.", ""]
    lines += ["## My predictions", ""]
    tasks = sorted(data["tasks"].items(), key=lambda kv: (kv[1].get("lesson", 99), kv[0]))
    for _, task in tasks:
        verdict = {True: "right", False: "not right", None: "open question"}[task.get("correct")]
        lines.append(f"- {_lesson_name(task['lesson'])}: {task.get('title', '')}: I predicted "
                     f"*{task.get('prediction', '')}* ({verdict}).")
    if not tasks:
        lines.append("No predictions yet.")
    return "\n".join(lines).rstrip() + "\n"


def export_html(record: Record | None = None, name: str = "") -> str:
    """The record as one self-contained HTML page (no scripts, no external resources)."""
    record = record or get_record()
    record.refresh()
    body = ["<h1>My record: stem-cell therapy for ALS and MS</h1>"]
    if name.strip():
        body.append(f"<p>Name: {esc(name.strip())}</p>")
    body.append("<p>Kept on my own computer; made with the series' <em>My progress</em> page.</p>")
    body.append("<h2>Summary by lesson</h2>" + (summary_html(record) if summary_by_lesson(record)
                                                  else "<p>Nothing recorded yet.</p>"))
    body.append("<h2>My written answers</h2>")
    answers = sorted(record.data["answers"].items(), key=lambda kv: (kv[1].get("lesson", 99), kv[0]))
    written = [(k, a) for k, a in answers if str(a.get("text", "")).strip()]
    for answer_id, answer in written:
        ticks = answer.get("rubric") or []
        paragraphs = "".join(f"<p>{esc(p)}</p>" for p in str(answer["text"]).strip().split("\n") if p.strip())
        body.append(f"<h3>{esc(_lesson_name(answer['lesson']))}: "
                    f"{esc(answer.get('title') or answer_id)}</h3>{paragraphs}"
                    + (f"<p><em>Self-assessment: {sum(ticks)} of {len(ticks)} rubric points ticked.</em></p>"
                       if ticks else ""))
    if not written:
        body.append("<p>No written answers yet.</p>")
    body.append("<h2>My predictions</h2><ul>")
    for _, task in sorted(record.data["tasks"].items(), key=lambda kv: (kv[1].get("lesson", 99), kv[0])):
        verdict = {True: "right", False: "not right", None: "open question"}[task.get("correct")]
        body.append(f"<li>{esc(_lesson_name(task['lesson']))}: {esc(task.get('title', ''))}: "
                    f"I predicted <em>{esc(task.get('prediction', ''))}</em> ({verdict}).</li>")
    body.append("</ul>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>My record: stem-cell therapy for '
            'ALS and MS</title><style>body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.5}'
            "table{border-collapse:collapse}td,th{border:1px solid #555;padding:3px 8px}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def export_record(fmt: str = "html", folder: Path | None = None, name: str = "",
                  record: Record | None = None) -> Path:
    """Write the record as ``my_series_record.html`` (or ``.md``) and return the file's path.

    The file goes next to the record (the notebooks folder), or to ``folder``; if neither can
    be written, to the current folder. ``fmt`` is "html" or "md"; anything else lists the choices.
    """
    makers = {"html": export_html, "md": export_markdown}
    if fmt not in makers:
        raise ValueError(f"unknown export format {fmt!r}; valid: {', '.join(makers)}")
    record = record or get_record()
    candidates = [Path(folder)] if folder is not None else []
    if record.path is not None:
        candidates.append(record.path.parent)
    candidates += [notebooks_folder(), Path.cwd()]
    text = makers[fmt](record, name)
    for candidate in candidates:
        if _writable(candidate):
            target = candidate / f"{EXPORT_STEM}.{fmt}"
            target.write_text(text, encoding="utf-8")
            return target
    raise OSError("no folder could be written for the exported record")
