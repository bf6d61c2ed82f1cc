"""Link each glossary term at its first use in every lesson.

``python tools/link_glossary_terms.py`` finds, in every lesson, each glossary term that
``tests/test_glossary_links.py`` reports (first use not linked), and turns that use into
``[term](../docs/glossary.md#slug)``. It edits only those words, keeps cell ids and formatting,
and prints what it changed. Re-execute the lessons afterwards (`python3 run.py execute`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import nbformat  # noqa: E402

from helpers.data import load_knowledge_base  # noqa: E402
from helpers.lesson import glossary_slug  # noqa: E402
from tools.notebook_tools import lesson_notebooks  # noqa: E402
from test_glossary_links import containing_terms, first_unlinked_use, unlinked_first_uses  # noqa: E402


def main() -> int:
    glossary = load_knowledge_base().glossary
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        # longest terms first, so "motor neuron" is linked as a whole before "neuron"
        terms = sorted((p.split("'")[1] for p in unlinked_first_uses(nb, glossary)), key=len, reverse=True)
        if not terms:
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        for term in terms:
            for cell in raw["cells"]:
                if cell["cell_type"] != "markdown":
                    continue
                source = "".join(cell["source"])
                offset = first_unlinked_use(source, term, containing_terms(term, glossary["term"]))
                if offset is None:
                    continue
                end = offset + len(term) + (1 if source[offset + len(term):offset + len(term) + 1].lower() == "s"
                                            and source[offset:offset + len(term) + 1].lower() == term.lower() + "s"
                                            else 0)
                word = source[offset:end]
                source = f"{source[:offset]}[{word}](../docs/glossary.md#{glossary_slug(term)}){source[end:]}"
                lines = source.split("\n")
                cell["source"] = [ln + "\n" for ln in lines[:-1]] + [lines[-1]]
                print(f"{path.name}: linked '{word}' in cell {cell['id']}")
                break
        path.write_text(json.dumps(raw, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
