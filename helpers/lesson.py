"""Small display helpers that every lesson uses: figures with captions, evidence badges,
check-your-understanding items from data/quiz.csv, glossary terms and reference lists.

Everything returns IPython display objects or widgets that update widget *state*, so
notebooks stay clean under strict nbval (see :mod:`helpers.widgets.common`).
"""

from __future__ import annotations

import re

from IPython.display import HTML, display

from .data import load_knowledge_base
from .markup import Html, esc, img_html, table_html
from .queries import cite, rows_by_id
from .statuses import STATUSES
from .style import (CAVEAT_MARKS, CAVEATS, EVIDENCE_COLOURS, STATUS_LABELS, caveat_tag_html, evidence_badge_html,
                    figure_to_png, status_tag_html)


def figure_html(png: bytes, description: str) -> Html:
    """A figure as HTML: the PNG inline with its description as ``alt`` and as a visible caption.

    HTML carries the alt text to every front end (JupyterLab, Voilà, nbconvert, the static
    site), which all ignore ``alt`` in an output's metadata.
    """
    return Html(f'<figure class="series-figure" style="margin:0 0 8px 0">{img_html(png, description)}'
                f'<figcaption><em>Figure:</em> {esc(description)}</figcaption></figure>')


def glossary_slug(term: str) -> str:
    """Anchor id of a glossary term on docs/glossary.md (CONTRIBUTING.md, convention 3): lowercase, every run of
    characters other than a-z and 0-9 replaced by one "-", no leading or trailing "-".

    >>> glossary_slug("Primary endpoint"), glossary_slug("EDSS-Plus")
    ('primary-endpoint', 'edss-plus')
    """
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def show_figure(fig, description: str) -> None:
    """Display a figure with its text description as alt text and as a visible caption.

    The description is what a learner who cannot see the figure needs to know from it.
    """
    png = figure_to_png(fig)
    display({"text/html": figure_html(png, description), "text/plain": f"[Figure: {description}]"}, raw=True)


def badge(level_id: str) -> str:
    """HTML badge for one evidence level (colour plus its label text)."""
    levels = rows_by_id(load_knowledge_base().evidence_levels, "level_id", [level_id], "evidence level",
                        "evidence_levels.csv", list_valid=True)
    return evidence_badge_html(level_id, levels.loc[level_id, "label"])


def evidence_legend_html() -> str:
    """The one evidence legend of the series, as an HTML table in three parts: treatment claims
    (design and direction, strongest design first), biology claims, and regulatory status, which
    is shown beside the evidence and never instead of it. Every badge carries its code and text."""
    from .figures.evidence import EVIDENCE_CODES

    levels = load_knowledge_base().evidence_levels.sort_values("rank", ascending=False)

    def rows(applies_to: str) -> list:
        return [[evidence_badge_html(r.level_id, f"{EVIDENCE_CODES[r.level_id]} {r.label}"), r.description]
                for r in levels.itertuples() if r.applies_to == applies_to and r.level_id in EVIDENCE_COLOURS]

    marks = [["† after a code", Html("A favourable result is shown (a clinical benefit on the course of the disease, R+, or a "
                                      "favourable result on a surrogate or secondary endpoint, S+), but that the treatment works through "
                                      "<em>this</em> kind of damage is not shown in people: that link is a "
                                      "hypothesis.")],
              *([caveat_tag_html(name), Html(f"{esc(CAVEATS[name][1])} In the evidence maps and the mechanism chart "
                                             f"the same caveat is {words} ({mark}) after the code.")]
                for name, (mark, _key, words) in CAVEAT_MARKS.items()),
              ["(number) after R+, R0, S+ or S0 on a map",
               "How many people were enrolled in the largest randomized trial behind the result, all arms together, "
               "where that is recorded. A small trial can miss a real benefit, so its R0 or S0 says that a benefit "
               "was not shown, not that the treatment cannot work; a small favourable trial can overstate a benefit. "
               "A large placebo-controlled trial that misses makes a benefit of the size it was built to find "
               "unlikely. After §, the comparison was with another effective drug, not with no treatment."]]
    status = [[status_tag_html(s), STATUS_MEANINGS[s]] for s in STATUS_LABELS]
    return table_html(["Badge or tag", "What it means"], caption="Evidence badges and status tags used in every lesson",
                      groups=[("Treatment claims: how strong the test was, and what it found", rows("therapy") + marks),
                              ("Biology claims: how sure we are that it happens in people", rows("biology")),
                              ("Regulatory and development status (dashed outline): a separate tag, never a level of evidence",
                               status)],
                      css_class="evidence-legend")


#: What each regulatory status means (its tag's words are :data:`helpers.style.STATUS_LABELS`).
STATUS_MEANINGS = {status: meaning for status, (_, meaning) in STATUSES.items()}


def evidence_legend(collapsed: bool = False) -> HTML:
    """The evidence legend. ``collapsed``: folded into a <details> that the reader opens, for lessons
    that repeat the legend from lesson 00 as a reminder rather than teaching it."""
    if not collapsed:
        return HTML(evidence_legend_html())
    return HTML("<details><summary><b>Evidence badges and status tags</b> (the legend from lesson 00): "
                f"open to read it again</summary>{evidence_legend_html()}</details>")


def check_question(quiz_id: str):
    """A check-your-understanding item from data/quiz.csv (see :mod:`helpers.checks`)."""
    from .checks import check_question as _check_question

    return _check_question(quiz_id)


def check_feedback_html(quiz_id: str, chosen: int | None, attempt: int = 1, confidence: str | None = None) -> str:
    """Feedback for choosing displayed option ``chosen`` (pure; see :func:`helpers.checks.check_response`)."""
    from .checks import check_response

    return check_response(quiz_id, chosen, attempt, confidence).html


def lesson_checks(lesson: int) -> list[str]:
    """Quiz ids for a lesson, in file order."""
    quiz = load_knowledge_base().quiz
    return list(quiz.loc[quiz["lesson"] == lesson, "quiz_id"])


def glossary_html(lesson: int) -> str:
    """The glossary terms a lesson introduces, as an HTML definition list."""
    glossary = load_knowledge_base().glossary
    terms = glossary[glossary["lesson"] == lesson].sort_values("term", key=lambda s: s.str.lower())
    items = "".join(f"<dt><b>{esc(t.term)}</b></dt><dd>{esc(t.definition)}</dd>"
                    for t in terms.itertuples())
    return f'<dl class="glossary">{items}</dl>'


def glossary(lesson: int) -> HTML:
    return HTML(glossary_html(lesson))


def evidence_checked(ref_ids: list[str]) -> tuple[str | None, int]:
    """(oldest check month, number of rows) over the graded claims, trials and statuses that
    cite any of ``ref_ids``: the date up to which a lesson's evidence was checked."""
    kb = load_knowledge_base()
    wanted = set(ref_ids)
    months = []
    for table in (kb.therapy_effects, kb.trials, kb.therapies):
        for refs, month in zip(table["ref_ids"], table["checked"]):
            if wanted & set(str(refs).split(";")):
                months.append(str(month))
    return (min(months) if months else None), len(months)


def references_html(ref_ids: list[str]) -> str:
    """A numbered reference list with links (DOI, PubMed, trial registry), preceded by the date
    up to which the graded rows citing these sources were checked."""
    items = "".join(f"<li>{cite(r)}</li>" for r in ref_ids)
    month, rows = evidence_checked(ref_ids)
    if month is None:
        dated = "<p><small>No graded claim or trial in the knowledge base cites these sources.</small></p>"
    else:
        dated = (f"<p><small><b>Evidence checked as of {month}</b> (the oldest check among the {rows} graded "
                 "claims, trials and approval statuses that cite these sources).</small></p>")
    return f'{dated}<ol class="references">{items}</ol>'


def references(ref_ids: list[str]) -> HTML:
    return HTML(references_html(ref_ids))


class Claims:
    """Graded claims from ``therapy_effects.csv`` to show in a lesson, each with its evidence badge,
    status and source. ``a + b`` lists the claims of both (each claim once), so one display cell
    can combine several :func:`claims_for` selections."""

    def __init__(self, ids: list[str]):
        self.ids = list(dict.fromkeys(ids))

    def __add__(self, other: "Claims") -> "Claims":
        if not isinstance(other, Claims):
            return NotImplemented
        return Claims(self.ids + other.ids)

    def _repr_html_(self) -> str:
        from .claims import effect_claims_html

        return effect_claims_html(self.ids)

    def __repr__(self) -> str:
        return f"[{len(self.ids)} graded claim{'s' * (len(self.ids) != 1)} from the knowledge base, with badges and sources]"


def claims_for(*therapies: str, disease: str | None = None, damage=None, mechanism: str | None = None,
               most_decisive: bool = False) -> Claims:
    """The graded claims about the named therapies, each with its badge and source, e.g.
    ``claims_for("natalizumab", disease="ms")``; filters by disease, damage (a name or a list),
    mechanism, or each therapy's most decisive claim; unknown names list the valid choices
    (see :func:`helpers.queries.claim_ids`). Combine selections with ``+``."""
    from .queries import claim_ids

    return Claims(claim_ids(*therapies, disease=disease, damage=damage, mechanism=mechanism,
                            most_decisive=most_decisive))
