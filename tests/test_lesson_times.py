"""Stated study times match the measured ones (tools/lesson_times.py; method in the README).

Each lesson's box and the README's lesson table must state the measured range, to within
5 minutes at each end, so that small edits do not fail the suite but a lesson that grows or
shrinks by more must have its stated time updated (run ``python tools/lesson_times.py``).
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from tools.notebook_tools import ROOT, lesson_notebooks

sys.path.insert(0, str(ROOT / "tools"))
from lesson_times import SERIES_HOURS, Load, measure, series_hours  # noqa: E402

TOLERANCE_MIN = 5
RANGE = re.compile(r"(\d+)–(\d+)")


def _box_time(path) -> list[tuple[int, int]]:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if "**Time**" in line:
                return [(int(a), int(b)) for a, b in RANGE.findall(line)]
    return []


def _readme_time(number: str) -> list[tuple[int, int]]:
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {number} | ["):
            return [(int(a), int(b)) for a, b in RANGE.findall(line.rsplit("|", 2)[1])]
    return []


def _expected(path) -> list[tuple[int, int]]:
    load = measure(path)
    full, core = load.rounded(), load.rounded("core")
    return [full] if full == core else [core, full]


def _close(stated, measured) -> bool:
    return len(stated) == len(measured) and all(
        abs(a - c) <= TOLERANCE_MIN and abs(b - d) <= TOLERANCE_MIN for (a, b), (c, d) in zip(stated, measured))


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_stated_times_match_the_measured_times(path):
    measured = _expected(path)
    assert _close(_box_time(path), measured), \
        f"{path.name}: the box states {_box_time(path)}, measured {measured}; run python tools/lesson_times.py"
    assert _close(_readme_time(path.name[:2]), measured), \
        f"README row {path.name[:2]} states {_readme_time(path.name[:2])}, measured {measured}"


def test_the_method_counts_what_it_says():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(" ".join(["word"] * 600) + "\n\n### Think!\n"),
                nbformat.v4.new_code_cell('check_question("q00_01")'),
                nbformat.v4.new_markdown_cell("> optional", metadata={"tags": ["deep-dive"]}),
                nbformat.v4.new_markdown_cell("## 2. Deep\n" + " ".join(["word"] * 300)),
                nbformat.v4.new_markdown_cell("## 3. Back to the core")]
    path = ROOT / "test-artifacts" / "lesson_times_probe.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    try:
        load = measure(path)
    finally:
        path.unlink()
    assert load.core.thinks == 1 and load.core.checks == 1
    assert load.optional.prose > 300 and load.core.prose > 600
    low, high = Load(prose=600).minutes()
    assert (low, high) == (3.0, 4.0)
    assert load.rounded("core")[0] <= load.rounded()[0] and load.rounded("core")[1] < load.rounded()[1]


def test_the_readme_states_the_whole_series_time_as_measured():
    low, high = series_hours([measure(p) for p in lesson_notebooks()])
    stated = SERIES_HOURS.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert stated == [f"00 to 09 in order, about {low} to {high} hours"], \
        f"README states {stated}; measured about {low} to {high} hours: run python tools/lesson_times.py --apply"
