"""Pages the website generates from lessons (tools/book.py) keep their links working.

The printable clinic handout copies a section of lesson 08 into ``book/_generated/``; links written
relative to ``notebooks/`` must be rewritten, or the site build fails (as it did when the glossary
linker first linked a term inside that section). Fast: no site build here.
"""

from __future__ import annotations

import re
from tools.book import GENERATED, ROOT, checklist_page, relink


def test_relink_rewrites_relative_targets_only():
    text = "[a](../docs/glossary.md#x) [b](04_stem.ipynb) [c](https://example.org/a) [d](#top) [e](mailto:x@y.z)"
    assert relink(text, "notebooks", "book/_generated") == (
        "[a](../../docs/glossary.md#x) [b](../../notebooks/04_stem.ipynb) [c](https://example.org/a) "
        "[d](#top) [e](mailto:x@y.z)")
    assert relink(text, "notebooks", "notebooks") == text


def test_every_relative_link_of_the_clinic_handout_resolves():
    page = checklist_page()
    targets = re.findall(r"\]\(([^)\s]+)\)", page)
    relative = [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t)]
    assert relative, "the handout links back to its lesson, so it has at least one relative link"
    for target in relative:
        path = (GENERATED / target.partition("#")[0]).resolve()
        assert path.exists(), f"{target} does not resolve from {GENERATED.relative_to(ROOT)}"
        assert path.is_relative_to(ROOT)
