"""Estimate each lesson's study time from what is in it, so the README and the lessons can state
honest ranges. ``python tools/lesson_times.py`` prints a table; ``--apply`` also writes the measured ranges into
each lesson's **Time** line and the README's lesson table, and refreshes the instructor guide's generated
blocks (its outcomes block quotes the times).

Method (stated in the README):

- reading: words of the lesson's text (markdown cells) at 200 words per minute (fast) to
  150 (careful), plus words shown in tables and other text outputs at 300 (skimmed) to 200;
- each check question 1 to 1.5 minutes; each "Think!" 2 to 3 minutes; each widget 5 to 10
  minutes (its task; a capstone case's answer box counts as one); each figure 0.5 to 1 minute;
- the glossary list and the reference list at the end of a lesson are not counted (they are
  looked up, not read through);
- the total is rounded outwards to 5 minutes. A markdown cell tagged ``deep-dive`` marks the
  start of an optional part, which runs to the next level-2 heading (not counting a heading in
  the cell right after the marker); optional parts are also reported without.

First-time Jupyter users and readers new to the subject should add about a third; family
members reading for themselves may need about twice as long, or can follow the short path.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.answers import answer_boxes_in  # noqa: E402
from tools.notebook_tools import lesson_notebooks  # noqa: E402

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _words(text: str) -> int:
    text = re.sub(r"\]\([^)]*\)", "]", text)         # link targets
    text = re.sub(r"<[^>]+>", " ", text)              # HTML tags
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", text))


@dataclass
class Load:
    prose: int = 0
    shown: int = 0
    checks: int = 0
    thinks: int = 0
    widgets: int = 0
    figures: int = 0

    def minutes(self) -> tuple[float, float]:
        low = self.prose / 200 + self.shown / 300 + self.checks + 2 * self.thinks + 5 * self.widgets + 0.5 * self.figures
        high = (self.prose / 150 + self.shown / 200 + 1.5 * self.checks + 3 * self.thinks
                + 10 * self.widgets + self.figures)
        return low, high


@dataclass
class LessonLoad:
    name: str
    core: Load = field(default_factory=Load)
    optional: Load = field(default_factory=Load)

    def rounded(self, which: str = "all") -> tuple[int, int]:
        parts = [self.core] if which == "core" else [self.core, self.optional]
        low = sum(p.minutes()[0] for p in parts)
        high = sum(p.minutes()[1] for p in parts)
        return 5 * math.floor(low / 5), 5 * math.ceil(high / 5)


def measure(path: Path) -> LessonLoad:
    nb = nbformat.read(path, as_version=4)
    result = LessonLoad(path.stem)
    in_optional = just_marked = False
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            if "deep-dive" in tags:
                in_optional = just_marked = True
                continue_marker = True
            else:
                continue_marker = False
                # the heading right after a marker opens the optional section; the next one ends it
                if re.search(r"(?m)^## ", cell.source) and not just_marked:
                    in_optional = False
            just_marked = continue_marker
        else:
            just_marked = False
        load = result.optional if in_optional else result.core
        if cell.cell_type == "markdown":
            load.prose += _words(cell.source)
            load.thinks += len(re.findall(r"(?m)^#+ Think!", cell.source))
            continue
        if "check_question(" in cell.source:
            load.checks += 1
            continue
        if "answer_box(" in cell.source and all(box.get("kind", "think") != "case"
                                                 for box in answer_boxes_in({"cells": [cell]})):
            continue  # writing a Think! answer is inside the Think! allowance; case answers count as a task
        if cell.source.startswith(("glossary(", "references(")):
            continue  # reference material at the end of a lesson: looked up, not read through
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                load.widgets += 1
            elif "image/png" in data or 'class="series-figure"' in str(data.get("text/html", "")):
                load.figures += 1
            elif "text/html" in data:
                load.shown += _words(data["text/html"])
            elif "text/markdown" in data:
                load.shown += _words(data["text/markdown"])
    return result


def time_line(load: LessonLoad) -> str:
    """The **Time** line of a lesson's box, from its measured load."""
    lo, hi = load.rounded()
    clo, chi = load.rounded("core")
    if (lo, hi) == (clo, chi):
        return (f"**Time**: {lo}–{hi} minutes, measured from the lesson's length (method in the README); "
                "add about a third if Jupyter or the subject is new to you.")
    return (f"**Time**: {clo}–{chi} minutes for the core path; {lo}–{hi} with the optional deep dives "
            "(measured from the lesson's length; method in the README).")


def readme_time(load: LessonLoad) -> str:
    lo, hi = load.rounded()
    clo, chi = load.rounded("core")
    return f"{lo}–{hi} min" if (lo, hi) == (clo, chi) else f"{clo}–{chi} min core; {lo}–{hi} with deep dives"


SERIES_HOURS = re.compile(r"00 to 09 in order, about \d+ to \d+ hours")


def series_hours(loads: list[LessonLoad]) -> tuple[int, int]:
    """The whole series in hours, as the README states it: from every lesson's core path at the
    quicker pace to every lesson with its deep dives at the slower one, rounded to whole hours."""
    low = sum(load.rounded("core")[0] for load in loads)
    high = sum(load.rounded()[1] for load in loads)
    return round(low / 60), round(high / 60)


def apply(paths: list[Path]) -> None:
    """Write the measured times into each lesson's box, the README's lesson table and the guide
    (text only: outputs are untouched, so no re-execution is needed)."""
    import json

    readme = ROOT / "README.md"
    lines = readme.read_text(encoding="utf-8").split("\n")
    loads = []
    for path in paths:
        load = measure(path)
        loads.append(load)
        raw = json.loads(path.read_text(encoding="utf-8"))
        for cell in raw["cells"]:
            if cell["cell_type"] == "markdown" and any("**Time**:" in ln for ln in cell["source"]):
                cell["source"] = [re.sub(r"\*\*Time\*\*:.*?(\n?)$", lambda m: time_line(load) + m.group(1), ln)
                                  if "**Time**:" in ln else ln for ln in cell["source"]]
                break
        path.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        prefix = f"| {path.name[:2]} | ["
        lines = [ln[:ln.rstrip(" |").rindex("|") + 1] + f" {readme_time(load)} |" if ln.startswith(prefix) else ln
                 for ln in lines]
    low, high = series_hours(loads)
    lines = [SERIES_HOURS.sub(f"00 to 09 in order, about {low} to {high} hours", ln) for ln in lines]
    readme.write_text("\n".join(lines), encoding="utf-8")
    from tools.guide import refresh_guide

    refresh_guide()  # the guide's outcomes block quotes these times


def main(argv: list[str]) -> int:
    if "--apply" in argv:
        apply(lesson_notebooks())
    rows = [measure(p) for p in lesson_notebooks()]
    print("| lesson | prose words | shown words | checks | Think! | widgets | figures | all (min) | core (min) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        both = Load(*(getattr(r.core, f) + getattr(r.optional, f) for f in Load.__dataclass_fields__))
        lo, hi = r.rounded()
        clo, chi = r.rounded("core")
        print(f"| {r.name[:2]} | {both.prose} | {both.shown} | {both.checks} | {both.thinks} | {both.widgets} | "
              f"{both.figures} | {lo}–{hi} | {clo}–{chi} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
