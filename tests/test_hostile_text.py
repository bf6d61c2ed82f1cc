"""Hostile text in the data is shown as text, never run as markup, script or math.

A copy of data/ gets hostile strings appended to every free-text column (every column the
loader does not validate as an id, a vocabulary, a reference, a number or a date). Every lesson
is executed once against that copy (SERIES_DATA_DIR), and every output is checked: HTML
(outputs and widget state) must not contain a live tag, event handler or javascript: link from
the data, nor a '$...$' pair that MathJax would typeset; no data text may reach a Markdown output;
no cell may fail (a '$\\frac$' in figure text used to make matplotlib raise).
"""

from __future__ import annotations

import csv
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.data import KEYS, SCHEMA, load_knowledge_base

try:  # the tooling moves from helpers/ to tools/
    from tools.notebook_tools import clean_notebook, lesson_notebooks, offline_kernel_env
except ImportError:  # pragma: no cover - before the move
    from tools.notebook_tools import clean_notebook, lesson_notebooks, offline_kernel_env

#: Appended to every free-text cell. No ';' or '|' (list separators), no ',' (author lists).
PAYLOAD = (" <img src=x onerror=alert(1)><script>alert(2)</script> $\\frac$ **bold** "
           "[link](javascript:alert(3)) `tick` &amp; end")
MATH = "$\\frac$"
LIVE_MARKERS = ("onerror", "javascript:", "\\frac")


#: Text columns that code computes with, so hostile text there is a data error, not display text:
#: a fact's unit decides how it is turned into counts ("%" becomes "n in 100").
COMPUTED_TEXT = {("disease_facts", "unit")}


def free_text_columns() -> dict[str, list[str]]:
    return {table: [c.name for c in cols if c.kind == "text" and c.name != KEYS[table]
                    and (table, c.name) not in COMPUTED_TEXT]
            for table, cols in SCHEMA.items()}


def plant(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with PAYLOAD appended to every non-empty free-text cell."""
    shutil.copytree(source, target)
    planted = 0
    for table, columns in free_text_columns().items():
        path = target / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        for row in rows[1:]:
            for column in columns:
                i = header.index(column)
                if not row[i]:
                    continue
                if table == "quiz" and column == "options":  # the answer must stay one of the options
                    row[i] = "|".join(option + PAYLOAD for option in row[i].split("|"))
                else:
                    row[i] += PAYLOAD
                planted += 1
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return planted


class LiveMarkup(HTMLParser):
    """Collects what a browser would run or render as markup, and what MathJax would typeset."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.chunk = ""

    def _flush(self):
        if MATH in self.chunk:
            self.found.append(f"math MathJax would typeset: {self.chunk.strip()[:80]!r}")
        self.chunk = ""

    def handle_starttag(self, tag, attrs):
        self._flush()
        if tag == "script":
            self.found.append("<script> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x> from the data")

    def handle_endtag(self, tag):
        self._flush()

    def handle_data(self, data):
        self.chunk += data

    def close(self):
        super().close()
        self._flush()


def live_markup(page: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(page)
    parser.close()
    return parser.found


def test_the_checker_finds_live_markup_and_passes_escaped_text():
    from helpers.markup import esc

    assert live_markup(f"<p>{PAYLOAD}</p>")  # unescaped: found
    assert live_markup(f"<p>{esc(PAYLOAD)}</p>") == []
    assert live_markup(f'<img alt="{esc(PAYLOAD)}" src="data:image/png;base64,AAAA">') == []


def test_every_free_text_column_is_planted(tmp_path):
    planted = plant(load_knowledge_base().data_dir, tmp_path / "data")
    kb = load_knowledge_base(tmp_path / "data")  # the hostile copy is valid data
    assert planted > 500
    assert str(kb.therapies["name"].iloc[0]).endswith(PAYLOAD)


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory):
    target = tmp_path_factory.mktemp("hostile") / "data"
    plant(load_knowledge_base().data_dir, target)
    return target


def _widget_html(nb) -> list[str]:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [str(model["state"].get("value", "")) for model in state.values()
            if model.get("model_name") in ("HTMLModel", "HTMLMathModel")]


def _has_widgets(nb) -> bool:
    return any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


@pytest.mark.notebook
@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_lesson_shows_hostile_data_as_text(path, hostile_data):
    nb = nbformat.read(path, as_version=4)
    clean_notebook(nb)
    env = {**offline_kernel_env(), "SERIES_DATA_DIR": str(hostile_data)}
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False, store_widget_state=True,
                            allow_errors=True, resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        client.set_widgets_metadata()  # widget views' HTML (e.g. the red-flag checker) is checked too
    problems = []
    shown = 0
    pages = _widget_html(nb)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue[:200]}")
            if output.output_type == "stream" and output.name == "stderr" and "Error" in output.text:
                problems.append(f"cell {index}: stderr: {output.text[:200]}")
            data = output.get("data", {})
            if "text/html" in data:
                pages.append(data["text/html"])
            if any(marker in data.get("text/markdown", "") for marker in LIVE_MARKERS):
                problems.append(f"cell {index}: data text reached a Markdown output: {data['text/markdown'][:200]!r}")
    widget_pages = len(_widget_html(nb))
    for page in pages:
        shown += "onerror" in page
        problems += live_markup(page)
    if _has_widgets(nb):
        assert widget_pages, f"{path.name}: the widgets' HTML state was not captured"
    assert problems == [], f"{path.name}: " + "\n".join(dict.fromkeys(problems))
    if path.name[:2] not in ("00",):
        assert shown, f"{path.name}: no output showed the planted text; the test would not see a leak"
