"""The display helpers every lesson uses: checks, badges, legend, references, glossary, figures."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from helpers import lesson
from helpers.data import load_knowledge_base
from helpers.style import EVIDENCE_COLOURS, EVIDENCE_TEXT_COLOURS, contrast_ratio


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_every_quiz_item_can_be_answered_right_and_wrong(kb):
    from helpers.checks import check_item

    for row in kb.quiz.itertuples():
        item = check_item(row.quiz_id, kb)
        for chosen in (item.correct, (item.correct + 1) % len(item.options)):
            widget = lesson.check_question(row.quiz_id)
            choice, button, feedback = widget.controls["choice"], widget.controls["check"], widget.outputs["feedback"]
            button.click()
            assert "Choose an option first" in feedback.value
            choice.value = chosen
            button.click()
            if chosen == item.correct:
                assert "✔" in feedback.value and "Answer:" in feedback.value
            else:
                assert "Not yet" in feedback.value and "Hint:" in feedback.value and "Answer:" not in feedback.value


def test_unknown_quiz_item_lists_nearby_valid_ids():
    with pytest.raises(ValueError, match=r"Unknown quiz item 'q03_99'; nearby valid ids: .*q03_01"):
        lesson.check_question("q03_99")
    with pytest.raises(ValueError, match=r"Unknown quiz item 'q99_99'; nearby valid ids: q0"):
        lesson.check_question("q99_99")


def test_every_lesson_has_at_least_three_checks(kb):
    for number in range(10):
        assert len(lesson.lesson_checks(number)) >= 3, f"lesson {number:02d} has fewer than three quiz items"


def test_badges_carry_text_and_readable_contrast(kb):
    for level in kb.evidence_levels.itertuples():
        html = lesson.badge(level.level_id)
        assert level.label in html and f"evidence-{level.level_id}" in html
        assert contrast_ratio(EVIDENCE_COLOURS[level.level_id], EVIDENCE_TEXT_COLOURS[level.level_id]) >= 4.5
    with pytest.raises(ValueError, match="valid: "):
        lesson.badge("promising")


def test_legend_lists_every_level_strongest_first(kb):
    html = lesson.evidence_legend_html()
    for applies_to in ("therapy", "biology"):
        levels = kb.evidence_levels[kb.evidence_levels["applies_to"] == applies_to]
        positions = [html.index(f"evidence-{lvl}") for lvl in levels.sort_values("rank", ascending=False).level_id]
        assert positions == sorted(positions)
    assert html.index("Treatment claims") < html.index("Biology claims") < html.index("Regulatory and development status")


def test_legend_reads_without_colour(kb):
    from helpers.figures.evidence import EVIDENCE_CODES
    from helpers.style import STATUS_LABELS

    html = lesson.evidence_legend_html()
    for row in kb.evidence_levels.itertuples():
        assert f"{EVIDENCE_CODES[row.level_id]} {row.label}" in html.replace("&quot;", '"')
        assert row.code == EVIDENCE_CODES[row.level_id], "data/evidence_levels.csv and EVIDENCE_CODES disagree"
    for status, label in STATUS_LABELS.items():
        assert f"status-{status}" in html and label in html
    assert len(set(EVIDENCE_CODES.values())) == len(EVIDENCE_CODES)


def test_references_and_glossary_render(kb):
    refs = list(kb.references["ref_id"][:3])
    html = lesson.references_html(refs)
    assert html.count("<li>") == 3
    for number in range(10):
        terms = kb.glossary[kb.glossary["lesson"] == number]
        assert lesson.glossary_html(number).count("<dt>") == len(terms)


def test_show_figure_displays_html_img_with_alt_text_and_caption(monkeypatch):
    """JupyterLab, Voilà and nbconvert ignore alt in output metadata: the alt must be in HTML."""
    import base64
    import re

    shown = []
    monkeypatch.setattr(lesson, "display", lambda obj, **kwargs: shown.append((obj, kwargs)))
    fig = Figure()
    fig.add_subplot().plot([0, 1], [0, 1])
    lesson.show_figure(fig, 'A rising line <b>"quoted"</b> & $x$.')
    ((bundle, kwargs),) = shown
    assert kwargs.get("raw") is True and "image/png" not in bundle
    page = bundle["text/html"]
    alt = re.search(r'<img alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert alt, page[:300]
    assert alt.group(1) == "A rising line &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; &amp; $x$."
    assert base64.b64decode(alt.group(2)).startswith(b"\x89PNG")
    caption = re.search(r"<figcaption>(.*)</figcaption>", page).group(1)
    assert "&lt;b&gt;" in caption and "<b>" not in caption and "<span>$</span>x<span>$</span>" in caption
    assert bundle["text/plain"].startswith("[Figure: A rising line")


def test_figure_html_is_byte_identical_for_the_same_figure():
    def draw():
        fig = Figure()
        fig.add_subplot().plot([0, 1, 2], [2, 0, 1])
        return lesson.figure_html(lesson.figure_to_png(fig), "Same.")

    assert draw() == draw()


def test_figure_to_png_crops_only_figures_without_a_layout_engine():
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from helpers.style import figure_to_png

    def size(png):
        return Image.open(io.BytesIO(png)).size

    def figure(layout):
        fig = Figure(figsize=(4, 3), layout=layout)
        fig.add_subplot().plot([0, 1], [0, 1])
        return fig

    assert size(figure_to_png(figure("constrained"))) == (384, 288)  # the whole canvas at 96 dpi
    assert size(figure_to_png(figure(None))) != (384, 288)           # cropped to the drawing
    assert size(figure_to_png(figure(None), tight=False)) == (384, 288)
    assert figure_to_png(figure("constrained")) == figure_to_png(figure("constrained"))  # deterministic
