"""Developer tools for the notebooks themselves (not imported by lessons).

``python -m tools.notebook_tools execute [NOTEBOOK ...]`` re-executes notebooks in place
from a fresh kernel, offline, and cleans their metadata, so the committed outputs are
exactly what nbval expects. It also marks the display cells (hidden input, see
:func:`mark_display_cells`) and regenerates the glossary page and the generated parts of the
instructor guide. ``python3 run.py execute`` calls this.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
OFFLINE_IPYTHONDIR = ROOT / "tests" / "ipython_offline"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEEP_CELL_METADATA = {"tags", "jupyter"}


def lesson_notebooks() -> list[Path]:
    """The lesson notebooks, in series order (file names start with a two-digit number)."""
    return sorted(p for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def offline_kernel_env() -> dict[str, str]:
    """Environment for kernels: the offline guard, no user IPython config, stable hashing."""
    env = dict(os.environ)
    env["IPYTHONDIR"] = str(OFFLINE_IPYTHONDIR)
    env["PYTHONHASHSEED"] = "0"
    env["SERIES_RECORD_OFF"] = "1"  # helpers.record: no learner record is read or written while testing
    env.pop("MPLBACKEND", None)  # the inline backend must store figures as outputs
    return env


def clean_notebook(nb) -> None:
    """Strip per-user and per-run metadata, keeping only what the series needs."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}


#: Tags of code cells whose input learners should see (CONTRIBUTING.md, convention 2): optional
#: "explore the data yourself" cells and cells the learner is asked to edit.
VISIBLE_TAGS = ("explore", "exercise")
HIDE_TAG = "hide-input"


def is_display_cell(cell, code_index: int) -> bool:
    """A code cell that only displays something: not the setup cell (the first code cell,
    ``code_index`` 0) and not tagged ``explore`` or ``exercise``."""
    return code_index > 0 and not set(cell.get("metadata", {}).get("tags", [])) & set(VISIBLE_TAGS)


def mark_display_cells(nb) -> None:
    """Hide the input of display cells: JupyterLab collapses it (``jupyter.source_hidden``)
    and Jupyter Book hides it (tag ``hide-input``). Other code cells are made visible."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(code):
        tags = [t for t in cell.metadata.get("tags", []) if t != HIDE_TAG]
        cell.metadata.pop("jupyter", None)
        if is_display_cell(cell, index):
            tags.append(HIDE_TAG)
            cell.metadata["jupyter"] = {"source_hidden": True}
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)


def display_cell_problems(nb) -> list[str]:
    """Code cells that break the rule of :func:`mark_display_cells` (empty list = all right)."""
    problems = []
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden") is True
        tagged = HIDE_TAG in cell.metadata.get("tags", [])
        expected = is_display_cell(cell, index)
        if (hidden, tagged) != (expected, expected):
            what = "a display cell" if expected else ("the setup cell" if index == 0 else "an explore/exercise cell")
            problems.append(f"code cell {index + 1} is {what} but has source_hidden={hidden}, "
                            f"hide-input tag={tagged} (run `python3 run.py execute`)")
    return problems


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stabilize_widget_ids(nb, name: str) -> None:
    """Replace the random widget model ids in stored outputs by ids derived from the position.

    No widget state is stored, so the ids point at nothing once the kernel is gone; random ids
    would only make every re-execution show up as a change in version control.
    """
    import hashlib

    for ci, cell in enumerate(nb.cells):
        for oi, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                view["model_id"] = hashlib.sha1(f"{name}:{ci}:{oi}".encode()).hexdigest()[:32]


def execute_notebook(path: Path, timeout: int = 300):
    """Execute one notebook from a fresh kernel; return the executed notebook (not written)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    clean_notebook(nb)
    saved = dict(os.environ)
    os.environ.update(offline_kernel_env())
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                shutdown_kernel="immediate",  # outputs are complete; a graceful stop can idle for seconds
                                store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    clean_notebook(nb)
    mark_display_cells(nb)
    stabilize_widget_ids(nb, path.stem)
    return nb


GLOSSARY_PAGE = ROOT / "docs" / "glossary.md"


def glossary_markdown() -> str:
    """The glossary page (docs/glossary.md), generated from data/glossary.csv.

    Each term starts with an anchor ``<a id="slug"></a>``, so a lesson links a term as
    ``[primary endpoint](../docs/glossary.md#primary-endpoint)`` (the website's extension,
    book/_ext/series_book.py, makes these anchors known to the book's link checker).
    """
    from helpers.lesson import glossary_slug

    from helpers.data import load_knowledge_base

    glossary = load_knowledge_base().glossary.sort_values("term", key=lambda s: s.str.lower())
    lines = ["# Glossary", "",
             "Generated from `data/glossary.csv` by `python3 run.py execute`; edit the CSV, not this page.",
             "Each term names the lesson that introduces it.", "",
             "[Contents](../README.md)", ""]
    for row in glossary.itertuples():
        lines.append(f'<a id="{glossary_slug(row.term)}"></a>**{row.term}** (lesson {int(row.lesson):02d}): '
                     f"{row.definition}")
        lines.append("")
    return "\n".join(lines)


def resolve_lesson(name: str) -> Path:
    """A lesson given as a path, a file name or its number ("03"); unknown names list the choices."""
    lessons = lesson_notebooks()
    path = Path(name)
    if path.suffix == ".ipynb" and path.resolve().exists():
        return path.resolve()
    matches = [p for p in lessons if p.name == path.name or p.stem == name or p.name.split("_")[0] == name]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(p.name.split("_")[0] for p in lessons)
    raise ValueError(f"unknown lesson {name!r}: give a lesson number ({choices}) or a notebook path")


def cmd_execute(names: list[str]) -> int:
    import nbformat

    GLOSSARY_PAGE.parent.mkdir(exist_ok=True)
    GLOSSARY_PAGE.write_text(glossary_markdown(), encoding="utf-8")

    try:
        paths = [resolve_lesson(n) for n in names] if names else lesson_notebooks()
    except ValueError as err:
        print(err)
        return 2
    for path in paths:
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        nb = execute_notebook(path)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        if errors:
            print(f"  error output in {path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}")
            return 1
        nbformat.write(nb, path)
    from .guide import refresh_guide

    if refresh_guide():
        print("refreshed the generated parts of docs/instructor_guide.md")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "execute":
        print(__doc__)
        return 2
    return cmd_execute(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --------------------------------------------------------------------------- hygiene rules

TITLE_RE = re.compile(r"^# (\d\d) · \S.*")
RANDOM_CALL_RE = re.compile(r"\b(?:np\.random\.(?!default_rng\(\s*\d)|numpy\.random\.|random\.(?:random|randint|choice|shuffle|seed)\b|default_rng\(\s*\))")
SEED_NONE_RE = re.compile(r"\bseed\s*=\s*None\b")
IMPORT_RE = re.compile(r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\s)", re.MULTILINE)
#: Notes about how a source was checked ("not seen", "registry copies checked") belong in a reference's
#: ``note`` column (maintainers read it), never in text a learner reads: say what is known, dated.
CURATION_VOICE_RE = re.compile(
    r"\b(?:was|were) not seen\b|\bnot seen (?:here|when)\b|\bseen when checked\b|\bcop(?:y|ies) checked\b"
    r"|\b(?:when|sources) checked\b|\(checked\b|\bnot yet been read\b|\b(?:sources?|reports?) seen\b|\bnot yet summari[sz]ed\b"
    r"|\bthe series could not (?:check|confirm|see|verify)\b", re.IGNORECASE)
BOX_PARTS = ("Questions", "Learning objectives", "Time", "Prerequisites")


def curation_voice(text: str) -> list[str]:
    """Each curation note in ``text`` (see :data:`CURATION_VOICE_RE`), with a little context."""
    return [text[max(0, m.start() - 40):m.end() + 20].replace("\n", " ") for m in CURATION_VOICE_RE.finditer(text)]


def learner_texts(nb) -> list[tuple[str, str]]:
    """(where, text) for every markdown cell and every HTML, Markdown or plain-text output."""
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            texts.append((f"markdown cell {index}", _source(cell)))
        for output in cell.get("outputs", []):
            for mime in ("text/html", "text/markdown", "text/plain"):
                value = output.get("data", {}).get(mime)
                if value:
                    texts.append((f"output of cell {index}", "".join(value) if isinstance(value, list) else value))
    return texts


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def navigation_problems(text: str, path: Path, notebooks: list[Path]) -> list[str]:
    """A navigation line links the previous lesson, the contents (README) and the next lesson."""
    names = [p.name for p in notebooks]
    index = names.index(path.name) if path.name in names else -1
    problems = []
    if "](../README.md" not in text:
        problems.append("navigation line does not link the contents (../README.md)")
    if index > 0 and f"]({names[index - 1]})" not in text:
        problems.append(f"navigation line does not link the previous lesson ({names[index - 1]})")
    if 0 <= index < len(names) - 1 and f"]({names[index + 1]})" not in text:
        problems.append(f"navigation line does not link the next lesson ({names[index + 1]})")
    return problems


def hygiene_problems(nb, path: Path, notebooks: list[Path] | None = None) -> list[str]:
    """Every way a lesson notebook breaks the house rules, as readable strings (empty = clean)."""
    notebooks = notebooks if notebooks is not None else lesson_notebooks()
    problems: list[str] = []
    cells = nb.cells
    code_cells = [c for c in cells if c.cell_type == "code"]
    markdown = [_source(c) for c in cells if c.cell_type == "markdown"]

    # Executed cleanly, in order.
    for number, cell in enumerate(code_cells, start=1):
        if cell.execution_count != number:
            problems.append(f"code cell {number} has execution count {cell.execution_count}, expected {number} "
                            "(re-execute with `python3 run.py execute`)")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"code cell {number} has an error output: {output.get('ename')}")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(f"code cell {number} writes to stderr (warnings belong fixed, not shown)")

    # Lesson template.
    if not markdown or not TITLE_RE.match(markdown[0].splitlines()[0] if markdown[0] else ""):
        problems.append("first cell must be the title '# NN · Topic'")
    else:
        number = TITLE_RE.match(markdown[0].splitlines()[0]).group(1)
        if not path.name.startswith(number + "_"):
            problems.append(f"title number {number} does not match the file name {path.name}")
    if cells and cells[0].cell_type == "markdown":
        problems += navigation_problems(_source(cells[0]), path, notebooks)
    if cells and cells[-1].cell_type == "markdown":
        problems += [p.replace("navigation line", "closing navigation line")
                     for p in navigation_problems(_source(cells[-1]), path, notebooks)]
    else:
        problems.append("last cell must be a markdown navigation line")
    box = next((m for m in markdown if all(f"**{part}" in m for part in BOX_PARTS)), None)
    if box is None:
        problems.append("missing the box with **Questions**, **Learning objectives**, **Time** and **Prerequisites**")
    if not any(re.search(r"^## Key points", m, re.MULTILINE) for m in markdown):
        problems.append("missing a '## Key points' section")
    if not any(re.search(r"^## References", m, re.MULTILINE) for m in markdown):
        problems.append("missing a '## References' section")
    levels = [int(len(h)) for m in markdown for h in re.findall(r"^(#{1,6}) ", m, re.MULTILINE)]
    for previous, current in zip(levels, levels[1:]):
        if current > previous + 1:
            problems.append(f"heading levels jump from {previous} to {current} (headings must be in order)")
            break
    if levels.count(1) != 1:
        problems.append(f"expected exactly one level-1 heading (the title), found {levels.count(1)}")

    # Relative links (other lessons, README, glossary, data docs) must point at files that exist.
    for target in (t for m in markdown for t in re.findall(r"\]\(([^)\s]+)\)", m)):
        if not re.match(r"^(https?:|mailto:|#)", target) and not (path.parent / target.split("#")[0]).exists():
            problems.append(f"link to {target} points at a file that does not exist")

    # Learners read facts, not notes on how the sources were checked.
    for where, text in learner_texts(nb):
        for found in curation_voice(text):
            problems.append(f"{where} has a curation note meant for maintainers: …{found}… "
                            "(say what is known, dated; keep how it was checked in references.csv's note)")

    # Setup cell, imports and randomness.
    for number, cell in enumerate(code_cells, start=1):
        source = _source(cell)
        if number > 1 and IMPORT_RE.search(source):
            problems.append(f"code cell {number} imports something; imports belong in the setup cell (cell 1)")
        if RANDOM_CALL_RE.search(source) or SEED_NONE_RE.search(source):
            problems.append(f"code cell {number} uses randomness without a fixed seed")
    if code_cells:
        setup = _source(code_cells[0])
        for line in setup.splitlines():
            if IMPORT_RE.match(line) and not re.match(r"^\s*(?:from\s+helpers[\w.]*\s+import|import\s+helpers)", line):
                problems.append(f"setup cell imports from outside helpers: {line.strip()!r}")
    return problems


def readme_lessons(readme_text: str) -> list[str]:
    """Notebook file names linked from the README's lesson table, in table order."""
    return re.findall(r"^\|[^\n]*\]\(notebooks/(\d\d_[\w-]+\.ipynb)\)", readme_text, re.MULTILINE)
