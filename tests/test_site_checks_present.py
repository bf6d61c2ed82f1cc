"""Every check of every lesson is on the website and can be answered there.

It counts the `.series-check` elements of each lesson page against the lesson's items in
data/quiz.csv (no skip, no xfail), and answers one check per lesson in Chromium.
"""

from __future__ import annotations

import re

import pytest

from helpers.data import load_knowledge_base
from site_support import built_site, lesson_page
from tools.notebook_tools import lesson_notebooks

LESSONS = lesson_notebooks()


@pytest.fixture(scope="module")
def site():
    return built_site()


def _quiz_ids(path, kind: str | None = None) -> list[str]:
    """The lesson's quiz items (only those of ``kind``, when given)."""
    quiz = load_knowledge_base().quiz
    chosen = quiz["lesson"] == int(path.name[:2])
    if kind is not None:
        chosen &= quiz["kind"] == kind
    return sorted(quiz.loc[chosen, "quiz_id"])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_quiz_item_of_the_lesson_is_on_its_page_once(site, path):
    text = lesson_page(site, path).read_text(encoding="utf-8")
    on_page = re.findall(r'<div class="series-check" data-quiz-id="([a-z0-9_]+)"', text)
    assert sorted(on_page) == _quiz_ids(path)
    assert len(set(on_page)) == len(on_page)
    assert "series-widget-note" not in "".join(re.findall(r'<div class="series-check".*?</details>', text, re.S))
    # an item that needs one of the lesson's tools says so on the page, where the tools cannot run
    on_page_with_note = re.findall(r'<div class="series-check" data-quiz-id="([a-z0-9_]+)">\s*<fieldset>\s*'
                                   r'<legend[^>]*>[^<]*</legend>\s*<p class="series-check-tool">', text, re.S)
    assert sorted(on_page_with_note) == _quiz_ids(path, kind="widget")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_a_check_on_each_lesson_page_answers_in_chromium(site, path, page):
    page.goto(lesson_page(site, path).as_uri())
    quiz_id = _quiz_ids(path)[0]
    check = page.locator(f'.series-check[data-quiz-id="{quiz_id}"]')
    check.get_by_role("button", name="Check my answer").click()
    assert check.locator(".series-check-status").text_content() == "Choose an option first."
    for _ in range(2):  # the first option, twice: right at once, or wrong twice (then the answer shows)
        check.locator('input[type="radio"]').first.check()
        check.get_by_role("button", name="Check my answer").click()
    assert check.locator(".series-check-feedback:not([hidden])").count() >= 1
    assert check.locator('.series-check-feedback[data-correct="true"]:not([hidden])').count() == 1
