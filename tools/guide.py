"""The generated parts of the instructor guide (``docs/instructor_guide.md``).

Two sections of the guide are generated from the knowledge base so that they can never
disagree with what learners see:

* the answer key of every check-your-understanding item (``data/quiz.csv``), lesson by lesson;
* the answer key of lesson 08's red-flag exercise (``data/clinic_adverts.csv``);
* the learning-outcomes map and the self-study times, read from the lesson notebooks
  themselves (title, **Learning objectives**, **Time** and the ``check_question`` items).

Each sits between marker comments in the guide. After editing ``data/quiz.csv`` or the
adverts, refresh them with ``python -m tools.guide`` (inside the project's environment,
``python3 run.py execute`` does it); the tests fail while the guide is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import json
import re

from helpers import queries
from helpers.checks import check_item
from helpers.data import KnowledgeBase, load_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
GUIDE_PATH = ROOT / "docs" / "instructor_guide.md"
NOTEBOOK_DIR = ROOT / "notebooks"
#: The lessons of the series, in order (file names are fixed; see the README).
LESSON_FILES = (
    "00_start_here.ipynb", "01_nervous_system.ipynb", "02_als_what_goes_wrong.ipynb",
    "03_ms_what_goes_wrong.ipynb", "04_stem_and_progenitor_cells.ipynb", "05_how_cell_therapy_could_help.ipynb",
    "06_which_therapy_for_which_damage.ipynb", "07_what_the_trials_show.ipynb", "08_hope_versus_hype.ipynb",
    "09_capstone_case_studies.ipynb",
)
CHECK_RE = re.compile(r"check_question\(\s*[\"']([a-z0-9_]+)[\"']\s*\)")
#: Marker comments around each generated block: {name: (start, end)}.
MARKERS = {
    "quiz": ("<!-- generated: quiz answer key (python -m tools.guide) -->", "<!-- end of quiz answer key -->"),
    "red_flags": ("<!-- generated: red-flag answer key (python -m tools.guide) -->",
                  "<!-- end of red-flag answer key -->"),
    "outcomes": ("<!-- generated: outcomes map (python -m tools.guide) -->", "<!-- end of outcomes map -->"),
    "cases": ("<!-- generated: case model answers (python -m tools.guide) -->", "<!-- end of case model answers -->"),
}


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def quiz_answer_key_markdown(lessons=range(10), kb: KnowledgeBase | None = None) -> str:
    """Every quiz item of the given lessons with its options, answer and explanation (Markdown).

    Items appear lesson by lesson, in file order. A lesson without items says so, so a
    missing lesson is visible in the guide rather than silently absent.
    """
    quiz = _kb(kb).quiz
    lines: list[str] = []
    for lesson in lessons:
        items = quiz[quiz["lesson"] == lesson]
        lines.append(f"### Lesson {lesson:02d}")
        lines.append("")
        if items.empty:
            lines.append("*No check-your-understanding items in `data/quiz.csv` yet.*")
            lines.append("")
            continue
        for row in items.itertuples():
            lines.append(f"- **{row.quiz_id}.** {row.question}")
            options = " · ".join(check_item(str(row.quiz_id), _kb(kb)).options)
            lines.append(f"  - Options: {options}")
            lines.append(f"  - **Answer:** {row.answer}")
            lines.append(f"  - Why: {row.explanation}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def red_flag_answer_key_markdown(kb: KnowledgeBase | None = None) -> str:
    """Lesson 08's exercise: every invented advert with the red flags it shows and why (Markdown)."""
    kb = _kb(kb)
    names = dict(zip(kb.red_flags["flag_id"].astype(str), kb.red_flags["name"].astype(str)))
    order = list(names)
    lines: list[str] = []
    for row in kb.clinic_adverts.itertuples():
        flags = [f for f in order if f in set(queries.split_ids(row.red_flags))]
        shown = "; ".join(names[f] for f in flags) if flags else "none (a legitimate trial notice)"
        lines.append(f"- **{row.title}** (`{row.advert_id}`), {len(flags)} red flag{'s' if len(flags) != 1 else ''}: "
                     f"{shown}.")
        lines.append(f"  - Why: {row.explanation}")
    return "\n".join(lines) + "\n"


def lesson_outline(path: Path) -> dict:
    """Title, learning objectives, time and check ids of one lesson notebook (read as JSON).

    Objectives are the bullet lines that follow '**Learning objectives' in the lesson's box;
    the time is the text after '**Time**:'; checks are the quiz ids passed to
    ``check_question`` in code cells, in order of appearance.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    source = lambda cell: "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]  # noqa: E731
    markdown = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    code = [source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    title = markdown[0].splitlines()[0].lstrip("# ").strip() if markdown else Path(path).stem
    objectives: list[str] = []
    time = ""
    for cell in markdown:
        lines = [line.strip() for line in cell.splitlines()]
        for i, line in enumerate(lines):
            if "**Learning objectives" in line:
                for item in lines[i + 1:]:
                    if item.startswith("> - "):
                        objectives.append(item[4:].strip())
                    elif objectives or item not in (">", ""):
                        break
            if line.lstrip("> ").startswith("**Time**"):
                time = line.split("**Time**", 1)[1].lstrip(":* ").strip().rstrip(".")
    checks = [m for cell in code for m in CHECK_RE.findall(cell)]
    return {"title": title, "objectives": objectives, "time": time, "checks": checks}


def outcomes_map_markdown(notebook_dir: Path = NOTEBOOK_DIR, kb: KnowledgeBase | None = None) -> str:
    """Lesson → learning objectives → checks, with each lesson's own time estimate (Markdown).

    Read from the notebooks in ``notebook_dir``; a lesson not there yet is listed as such.
    """
    quiz = _kb(kb).quiz.set_index("quiz_id")
    rows = ["| Lesson | Self-study time (from the lesson's box) | Checks |", "|---|---|---|"]
    details: list[str] = []
    for name in LESSON_FILES:
        path = Path(notebook_dir) / name
        if not path.exists():
            rows.append(f"| {name[:2]} · (not yet in notebooks/) | n/a | n/a |")
            continue
        outline = lesson_outline(path)
        rows.append(f"| {outline['title']} | {outline['time'] or 'not stated'} | "
                    f"{', '.join(outline['checks']) or 'none'} |")
        details.append(f"### {outline['title']}")
        details.append("")
        details.append("Learning objectives (the checks that test them follow):")
        details.append("")
        details += [f"- {objective}" for objective in outline["objectives"]] or ["- (none stated)"]
        details.append("")
        details.append("Checks:")
        details.append("")
        for quiz_id in outline["checks"]:
            question = quiz.loc[quiz_id, "question"] if quiz_id in quiz.index else "(missing from data/quiz.csv)"
            details.append(f"- `{quiz_id}`: {question}")
        if not outline["checks"]:
            details.append("- (none)")
        details.append("")
    return "\n".join(rows) + "\n\n" + "\n".join(details).rstrip() + "\n"


def case_answers_markdown(kb: KnowledgeBase | None = None, notebook_dir: Path = NOTEBOOK_DIR) -> str:
    """Lesson 09's case model answers, copied from the answer boxes of the notebook (one source)."""
    from helpers.answers import answer_boxes_in

    path = next(notebook_dir.glob("09_*.ipynb"))
    parts = []
    for box in answer_boxes_in(json.loads(path.read_text(encoding="utf-8"))):
        if box.get("kind") != "case":
            continue
        sources = ", ".join(f"`[{r}]`" for r in box.get("sources") or [])
        parts.append(f"### {box['title']}\n\n{str(box['model_answer']).strip()}\n"
                     + (f"\nSources: {sources}\n" if sources else ""))
    return "\n".join(parts)


GENERATORS = {"quiz": quiz_answer_key_markdown, "cases": case_answers_markdown, "red_flags": red_flag_answer_key_markdown,
              "outcomes": outcomes_map_markdown}


def generated_block(name: str, text: str) -> str | None:
    """The text between the markers of block ``name`` in ``text`` (None if the markers are missing)."""
    start, end = MARKERS[name]
    if start not in text or end not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n") + "\n"


def refresh_guide_text(text: str, kb: KnowledgeBase | None = None) -> str:
    """``text`` with every generated block replaced by freshly generated content (pure)."""
    kb = _kb(kb)
    for name, (start, end) in MARKERS.items():
        if generated_block(name, text) is None:
            raise ValueError(f"the guide lacks the markers of the '{name}' block: {start} ... {end}")
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = f"{before}{start}\n\n{GENERATORS[name](kb=kb)}\n{end}{after}"
    return text


def refresh_guide(path: Path = GUIDE_PATH) -> bool:
    """Rewrite the generated blocks of the guide in place; return True if anything changed."""
    old = path.read_text(encoding="utf-8")
    new = refresh_guide_text(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else GUIDE_PATH
    changed = refresh_guide(path)
    print(f"{path.name}: {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
