"""Terms where they are first used: in every lesson, the first use of each glossary term links to
its entry on the glossary page, so no learner meets jargon without a definition one click away.
A term that the glossary introduces only in a *later* lesson is the case that matters most, and
has its own test.

"Uses" means: a whole-word, case-insensitive match (an optional plural "s" allowed) in the
lesson's markdown cells, ignoring headings, inline code, lines that carry HTML (Markdown links
would not render there), URLs and the text of existing links. A use counts as linked when a link
to ``../docs/glossary.md#<slug>`` for that term appears in the lesson no later than the first
unlinked use. The slug is ``helpers.lesson.glossary_slug`` (CONTRIBUTING.md, convention 3).
`python tools/link_glossary_terms.py` adds the missing links.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from helpers.data import load_knowledge_base
from helpers.lesson import glossary_slug
from tools.notebook_tools import lesson_notebooks

#: Terms not matched as words, because their everyday or partial meaning would give false
#: positives; each entry must say why. Empty since November 2026: every reported use of a later
#: term (including "relapse", "graft" and "evidence map") was a real use and is now linked.
#: Add a term here only with a reason, e.g. ``"graft": "only ever used for a skin graft"``.
AMBIGUOUS_TERMS: dict[str, str] = {}

LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _prose(source: str) -> str:
    """Markdown with headings, inline code and lines carrying HTML tags blanked out (same length
    as the source, so offsets still point into it); link texts and targets are kept."""
    text = re.sub(r"(?m)^[ \t]*#.*$", _blank, source)
    text = re.sub(r"`[^`]*`", _blank, text)
    return re.sub(r"(?m)^.*</?[a-zA-Z][^>]*>.*$", _blank, text)


def first_unlinked_use(source: str, term: str, longer: list[str] = ()) -> int | None:
    """Offset in ``source`` of the first whole-word use of ``term`` outside headings, code, tags,
    links and the ``longer`` glossary terms that contain it ("neuron" inside "motor neuron" is a
    use of "motor neuron"), or None."""
    unlinked = LINK.sub(_blank, _prose(source))
    for other in longer:
        unlinked = _term_pattern(other).sub(_blank, unlinked)
    hit = _term_pattern(term).search(unlinked)
    return None if hit is None else hit.start()


def containing_terms(term: str, terms) -> list[str]:
    """The other glossary terms that contain ``term`` as a whole word, longest first."""
    pattern = _term_pattern(term)
    return sorted((t for t in terms if t.lower() != term.lower() and pattern.search(t)), key=len, reverse=True)


def _term_pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"s?(?![\w-])", re.IGNORECASE)


def undefined_uses(nb, lesson_number: int, glossary) -> list[str]:
    """Glossary terms that this lesson uses before (or without) linking, although the glossary
    introduces them only in a later lesson."""
    return unlinked_first_uses(nb, glossary, after_lesson=lesson_number)


def unlinked_first_uses(nb, glossary, after_lesson: int = -1) -> list[str]:
    """Glossary terms (introduced after lesson ``after_lesson``: by default all of them) whose
    first use in this lesson comes before any link to their glossary entry."""
    later = [(t, int(n)) for t, n in zip(glossary["term"], glossary["lesson"])
             if int(n) > after_lesson and t not in AMBIGUOUS_TERMS]
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    problems = []
    for term, defined_in in later:
        longer = containing_terms(term, glossary["term"])
        anchor = "glossary.md#" + glossary_slug(term)
        first_link = first_use = None
        for cell_index, source in enumerate(markdown):
            for match in LINK.finditer(_prose(source)):
                if match.group(2).endswith(anchor) and first_link is None:
                    first_link = (cell_index, match.start())
            offset = first_unlinked_use(source, term, longer)
            if offset is not None and first_use is None:
                first_use = (cell_index, offset)
        if first_use is not None and (first_link is None or first_link > first_use):
            problems.append(f"'{term}' (glossary lesson {defined_in:02d}) is used before a link to "
                            f"../docs/glossary.md#{glossary_slug(term)}")
    return problems


@pytest.fixture(scope="module")
def glossary():
    return load_knowledge_base().glossary


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_terms_from_later_lessons_are_linked_at_first_use(path, glossary):
    nb = nbformat.read(path, as_version=4)
    assert undefined_uses(nb, int(path.name[:2]), glossary) == []


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.name)
def test_every_term_is_linked_at_its_first_use_in_each_lesson(path, glossary):
    nb = nbformat.read(path, as_version=4)
    assert unlinked_first_uses(nb, glossary) == []


def test_a_term_inside_a_longer_term_is_a_use_of_the_longer_one(glossary):
    assert "motor neuron" in containing_terms("neuron", glossary["term"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Each [motor neuron](../docs/glossary.md#motor-neuron) and "
                                              "every motor neuron.")]
    assert not any("'neuron'" in p for p in unlinked_first_uses(nb, glossary))
    nb.cells.append(nbformat.v4.new_markdown_cell("A neuron."))
    assert any("'neuron'" in p for p in unlinked_first_uses(nb, glossary))


def test_a_use_on_a_line_with_html_does_not_count(glossary):
    term = glossary.iloc[0]["term"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"<summary>About {term}</summary>\n\n<b>{term}</b> again")]
    assert unlinked_first_uses(nb, glossary) == []
    nb.cells.append(nbformat.v4.new_markdown_cell(f"Plain {term} here."))
    assert any(f"'{term}'" in p for p in unlinked_first_uses(nb, glossary))


def test_an_unlinked_later_term_is_caught_and_a_link_fixes_it(glossary):
    later = glossary[glossary["lesson"] == 7].iloc[0]["term"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Heading with {later}\n\nA sentence about {later}s here.")]
    assert any(f"'{later}'" in p for p in undefined_uses(nb, 0, glossary))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"See [{later}](../docs/glossary.md#{glossary_slug(later)})."))
    assert not any(f"'{later}'" in p for p in undefined_uses(nb, 0, glossary))


def test_a_link_after_the_first_use_does_not_count(glossary):
    later = glossary[glossary["lesson"] == 7].iloc[0]["term"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"Plain {later} first."),
                nbformat.v4.new_markdown_cell(f"Then [{later}](../docs/glossary.md#{glossary_slug(later)}).")]
    assert any(f"'{later}'" in p for p in undefined_uses(nb, 0, glossary))


def test_headings_code_tags_and_longer_words_are_ignored(glossary):
    later = glossary[glossary["lesson"] == 7].iloc[0]["term"]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"## {later}\n\n`{later}` and <b title='{later}'>x</b>.")]
    assert undefined_uses(nb, 0, glossary) == []
    nb.cells = [nbformat.v4.new_markdown_cell(f"The word {later}ness and pre-{later} are not uses.")]
    assert undefined_uses(nb, 0, glossary) == []


def test_every_ambiguous_term_exists_in_the_glossary(glossary):
    assert set(AMBIGUOUS_TERMS) <= set(glossary["term"])


def test_slugs_are_unique(glossary):
    slugs = [glossary_slug(t) for t in glossary["term"]]
    assert len(slugs) == len(set(slugs))
