"""The static HTML version builds, its links resolve, and every page passes axe-core
(no violations of any impact) in Debian's Chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, chromium_path
from tools.notebook_tools import lesson_notebooks
from helpers.site import build_site

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("site"))


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def test_site_has_index_glossary_and_every_lesson(site):
    names = {p.name for p in _pages(site)}
    assert {"index.html", "glossary.html"} <= names
    assert {p.with_suffix(".html").name for p in lesson_notebooks()} <= names
    index = (site / "index.html").read_text(encoding="utf-8")
    for path in lesson_notebooks():
        assert f'href="{path.with_suffix(".html").name}"' in index


def test_internal_links_resolve(site):
    broken = []
    for page in _pages(site):
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            if re.match(r"^(https?:|mailto:|data:)", href):
                continue
            if not (site / href).exists():
                broken.append(f"{page.name} → {href}")
    assert broken == []


def test_lesson_pages_link_previous_contents_and_next(site):
    pages = [p.with_suffix(".html").name for p in lesson_notebooks()]
    for i, name in enumerate(pages):
        text = (site / name).read_text(encoding="utf-8")
        assert 'href="index.html"' in text
        if i > 0:
            assert f'href="{pages[i - 1]}"' in text
        if i < len(pages) - 1:
            assert f'href="{pages[i + 1]}"' in text


def test_widgets_are_replaced_by_a_readable_note(site):
    for path in lesson_notebooks():
        text = (site / path.with_suffix(".html").name).read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in text
        if "widget-placeholder" in text:
            assert "interactive widget" in text


def test_every_figure_has_alt_text(site):
    for page in _pages(site):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and alt.group(1).strip() and "No description" not in alt.group(1), f"{page.name}: {tag[:120]}"


@pytest.fixture(scope="module")
def chromium_page():
    path = chromium_path()
    if path is None:
        message = "Chromium not found: install Debian's chromium or set CHROMIUM_PATH"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        yield page
        browser.close()


def test_axe_finds_no_violations_at_all(site, chromium_page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = {}
    for page_path in _pages(site):
        chromium_page.goto(page_path.as_uri())
        result = axe.run(chromium_page)
        bad = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes)" for v in result.response["violations"]]
        if bad:
            found[page_path.name] = bad
    assert found == {}
