"""The website (Jupyter Book, `python3 run.py html`): it builds offline with warnings as errors,
has every page, its links resolve, its launch links have the right form, figures carry their
descriptions, widgets say how to launch them, checks can be answered in Chromium, axe-core finds
no violation on any page in light or dark mode, and the handouts print."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

from site_support import ROOT, article, built_site, lesson_page, offline_env, pages
from tools.book import build
from helpers.lesson import glossary_slug
from tools.notebook_tools import display_cell_problems, is_display_cell, lesson_notebooks

LESSONS = lesson_notebooks()
CONFIG = yaml.safe_load((ROOT / "book" / "_config.yml").read_text(encoding="utf-8"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site()


# --------------------------------------------------------------------------- build and contents
def test_site_has_every_lesson_and_reference_page(site):
    expected = [lesson_page(site, p) for p in LESSONS] + [
        site / "docs" / "glossary.html", site / "docs" / "instructor_guide.html", site / "data" / "README.html",
        site / "book" / "launch.html", site / "book" / "_generated" / "clinic_questions.html", site / "README.html"]
    assert [p.relative_to(site).as_posix() for p in expected if not p.exists()] == []
    assert (site / "search.html").exists() and (site / "searchindex.js").exists()
    # The sidebar lists the lessons in series order.
    sidebar = (site / "README.html").read_text(encoding="utf-8")
    positions = [sidebar.find(f'notebooks/{p.with_suffix(".html").name}') for p in LESSONS]
    assert -1 not in positions and positions == sorted(positions)


def test_lessons_offer_their_notebook_for_download(site):
    for path in LESSONS:
        text = lesson_page(site, path).read_text(encoding="utf-8")
        assert f'href="../_sources/notebooks/{path.name}"' in text, path.name
        assert (site / "_sources" / "notebooks" / path.name).exists()


def test_dark_mode_switch_and_page_contents_are_there(site):
    text = lesson_page(site, LESSONS[3]).read_text(encoding="utf-8")
    assert "theme-switch-button" in text
    assert 'class="bd-sidebar-secondary' in text and "page-toc" in text


def _copy_of_the_series(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".git", "_build", "_generated", "test-artifacts", "site", "__pycache__")
    copy = tmp_path / "series"
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


def test_a_heading_jump_or_broken_link_fails_the_build(tmp_path):
    """Warnings are errors: the build must refuse a broken page, not publish it."""
    copy = _copy_of_the_series(tmp_path)
    guide = copy / "docs" / "instructor_guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("## 1. Running", "### 1. Running", 1)
                     + "\nSee [nowhere](no_such_page.md) and ![a figure](missing.png).\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as err:
        build(tmp_path / "out", root=copy, env=offline_env())
    message = str(err.value)
    assert "Non-consecutive header level increase" in message
    assert "no_such_page" in message
    assert "missing.png" in message


def test_build_is_offline():
    """The build ran with network connections blocked (tests/offline_python) and still succeeded."""
    env = offline_env()
    assert str(ROOT / "tests" / "offline_python") in env["PYTHONPATH"].split(os.pathsep)
    assert built_site().exists()


# --------------------------------------------------------------------------- links
def _ids(page: Path, cache: dict) -> set[str]:
    if page not in cache:
        cache[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
    return cache[page]


def test_every_internal_link_resolves(site):
    broken, ids = [], {}
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        for attr, target in re.findall(r'\b(href|src)="([^"]*)"', text):
            target = html.unescape(target)
            if re.match(r"^(https?:|mailto:|data:|javascript:)", target) or target == "#":
                continue
            path, _, fragment = target.partition("#")
            path = path.split("?")[0]
            file = (page.parent / unquote(path)).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.relative_to(site)}: {attr} {target}")
            elif fragment and file.suffix == ".html" and fragment not in _ids(file, ids):
                broken.append(f"{page.relative_to(site)}: {target} (no such anchor)")
    assert broken == []


def test_glossary_has_an_anchor_for_every_term(site):
    import csv

    with open(ROOT / "data" / "glossary.csv", encoding="utf-8", newline="") as f:
        terms = [row["term"] for row in csv.DictReader(f)]
    slugs = [glossary_slug(t) for t in terms]
    assert len(set(slugs)) == len(slugs), "two glossary terms share an anchor"
    page = (site / "docs" / "glossary.html").read_text(encoding="utf-8")
    assert [s for s in slugs if f'id="{s}"' not in page] == []
    assert glossary_slug("Primary endpoint") == "primary-endpoint" and glossary_slug("EDSS-Plus") == "edss-plus"


# --------------------------------------------------------------------------- launch links
def _settings():
    repo = CONFIG["repository"]["url"].rstrip("/")
    return repo, repo.split("/")[-2], repo.split("/")[-1], CONFIG["repository"]["branch"]


def _links(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_launch_links_have_the_right_form(site, path):
    repo, owner, name, branch = _settings()
    links = _links(lesson_page(site, path).read_text(encoding="utf-8"))
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    hub = CONFIG["launch_buttons"]["jupyterhub_url"].rstrip("/")
    lesson_link = f"{binder}/v2/gh/{owner}/{name}/{branch}?labpath=notebooks%2F{path.name}"
    assert lesson_link in links
    app = f"{binder}/v2/gh/{owner}/{name}/{branch}?urlpath=voila%2Frender%2Fapps%2Ftherapy_explorer.ipynb"
    assert app in links
    hub_links = [urlparse(h) for h in links if h.startswith(f"{hub}/hub/user-redirect/git-pull?")]
    assert hub_links, "no JupyterHub (nbgitpuller) link"
    for link in hub_links:
        query = parse_qs(link.query)
        assert query == {"repo": [repo], "branch": [branch], "urlpath": [f"lab/tree/{name}/notebooks/{path.name}"]}


def test_launch_page_links_come_from_the_settings(site):
    repo, owner, name, branch = _settings()
    links = _links((site / "book" / "launch.html").read_text(encoding="utf-8"))
    assert f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}?labpath=notebooks%2F00_start_here.ipynb" in links
    assert repo in links
    for app in ("therapy_explorer", "one_class"):
        assert f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=voila%2Frender%2Fapps%2F{app}.ipynb" in links
        assert (ROOT / "apps" / f"{app}.ipynb").exists()
    assert not any("{launch-links" in h or "launch-link.invalid" in h for h in links)
    # The hub link's query reaches nbgitpuller intact (a `&` escaped twice once made it `amp;urlpath`).
    hub = CONFIG["launch_buttons"]["jupyterhub_url"].rstrip("/")
    hub_links = [urlparse(h) for h in links if h.startswith(f"{hub}/hub/user-redirect/git-pull?")]
    assert len(hub_links) == 1
    assert parse_qs(hub_links[0].query) == {"repo": [repo], "branch": [branch],
                                             "urlpath": [f"lab/tree/{name}/notebooks/00_start_here.ipynb"]}


def test_an_unpublished_site_says_its_launch_links_do_not_work_yet(site):
    """While `repository: url` is the placeholder, the launch page and every widget note say that
    the links lead nowhere yet (a reviewer followed them); with a real owner they say nothing."""
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import series_book

    _, owner, _, _ = _settings()
    unpublished = owner == series_book.PLACEHOLDER_OWNER
    launch = (site / "book" / "launch.html").read_text(encoding="utf-8")
    assert ("Not published yet." in launch) == unpublished
    lesson = lesson_page(site, LESSONS[1]).read_text(encoding="utf-8")
    assert ("these links work once the series is published" in lesson) == unpublished

    class Config:  # the two settings the check reads
        html_theme_options = {"repository_url": "https://github.com/some-school/als-ms-stem-cell-series"}

    assert series_book.is_published(Config)
    Config.html_theme_options = {"repository_url": "https://github.com/OWNER/als-ms-stem-cell-series/"}
    assert not series_book.is_published(Config)


# --------------------------------------------------------------------------- outputs
def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_figures_carry_their_description_as_alt_text(site, path):
    descriptions = [o["metadata"]["image/png"]["alt"] for c in _notebook(path)["cells"] for o in c.get("outputs", [])
                    if "image/png" in o.get("data", {})]
    body = article(lesson_page(site, path).read_text(encoding="utf-8"))
    alts = [html.unescape(a) for a in re.findall(r'<img[^>]*\balt="([^"]*)"', body)]
    assert len(re.findall(r"<img\b", body)) == len(alts), "an image without alt"
    assert not [a for a in alts if a.endswith((".png", ".svg")) or not a.strip()]
    assert sorted(descriptions) == sorted(a for a in alts if a in descriptions)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_widgets_show_a_note_with_a_launch_link(site, path):
    widgets = [o for c in _notebook(path)["cells"] for o in c.get("outputs", []) if WIDGET_MIME in o.get("data", {})
               and "series-widget-note" in "".join(o["data"]["text/html"])]
    text = lesson_page(site, path).read_text(encoding="utf-8")
    notes = re.findall(r'<div class="series-widget-note" role="note">(.*?)</div>', text, re.S)
    assert len(notes) == len(widgets)
    for note in notes:
        assert "needs a running notebook" in note and f"labpath=notebooks%2F{path.name}" in note
        assert "git-pull?" in note  # and the JupyterHub (nbgitpuller) link
    assert WIDGET_MIME not in text
    assert "interactive widget. Run this notebook" not in text  # the cut-off text form is not shown


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_display_cell_inputs_are_hidden_on_the_site(site, path):
    nb = _notebook(path)
    assert display_cell_problems(__import__("nbformat").from_dict(nb)) == []
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    hidden = sum(is_display_cell(c, i) for i, c in enumerate(code))
    text = lesson_page(site, path).read_text(encoding="utf-8")
    assert text.count("tag_hide-input") == hidden
    shown = re.findall(r'class="cell((?: tag_[\w-]+)*) docutils container"', text)
    assert len([tags for tags in shown if "tag_hide-input" not in tags]) == len(code) - hidden  # setup, explore


# --------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def check_fixture(site) -> Path:
    """A lesson page of the site with two checks in the markup of CONTRIBUTING.md, convention 1 added as
    notebook outputs (tests/fixtures/series_check.html), so the checks are tested with the
    site's own JS and CSS, in light and dark mode."""
    fixture = (ROOT / "tests" / "fixtures" / "series_check.html").read_text(encoding="utf-8")
    checks = re.search(r"<main>.*?</h1>(.*)</main>", fixture, re.S).group(1)
    outputs = f'<div class="cell_output docutils container"><div class="output text_html">{checks}</div></div>'
    page = lesson_page(site, LESSONS[0]).read_text(encoding="utf-8")
    assert 'src="../_static/checks.js' in page
    target = site / "notebooks" / "check-fixture.html"
    target.write_text(page.replace("</article>", outputs + "</article>", 1), encoding="utf-8")
    yield target
    target.unlink()


def _state(page, quiz_id: str) -> dict:
    return page.evaluate("""(id) => {
        const c = document.querySelector(`.series-check[data-quiz-id="${id}"]`);
        const visible = el => !!el && !el.hidden && el.offsetParent !== null;
        return {status: c.querySelector('.series-check-status').textContent,
                hint: visible(c.querySelector('.series-check-hint')),
                feedback: Array.from(c.querySelectorAll('.series-check-feedback')).filter(visible)
                               .map(el => el.dataset.option)};
    }""", quiz_id)


def test_checks_answer_wrong_then_right_with_feedback(page, check_fixture):
    page.goto(check_fixture.as_uri())
    check = page.locator('.series-check[data-quiz-id="q99_01"]')
    check.get_by_role("button", name="Check my answer").click()
    assert _state(page, "q99_01") == {"status": "Choose an option first.", "hint": False, "feedback": []}
    check.get_by_label("Astrocytes").check()
    check.get_by_role("button", name="Check my answer").click()
    state = _state(page, "q99_01")
    assert state["hint"] and state["feedback"] == ["0"] and "try once more" in state["status"]
    check.get_by_label("Oligodendrocytes").check()
    check.get_by_role("button", name="Check my answer").click()
    assert _state(page, "q99_01")["feedback"] == ["1"] and _state(page, "q99_01")["status"] == "Correct."


def test_checks_second_wrong_answer_shows_the_correct_one(page, check_fixture):
    page.goto(check_fixture.as_uri())
    check = page.locator('.series-check[data-quiz-id="q99_01"]')
    for option in ("Microglia", "Astrocytes"):
        check.get_by_label(option).check()
        check.get_by_role("button", name="Check my answer").click()
    state = _state(page, "q99_01")
    assert state["feedback"] == ["0", "1"] and "correct answer is shown" in state["status"]
    assert _state(page, "q99_02") == {"status": "", "hint": False, "feedback": []}  # checks are independent


def test_checks_work_with_the_keyboard_alone(page, check_fixture):
    page.goto(check_fixture.as_uri())
    page.focus('.series-check[data-quiz-id="q99_01"] input[value="0"]')  # reached by Tab from the page's links
    assert page.evaluate("document.activeElement.name") == "q99_01"
    page.keyboard.press("ArrowDown")  # moves to and selects the second option
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "series-check-submit"
    page.keyboard.press("Enter")
    assert _state(page, "q99_01")["status"] == "Correct."


def test_checks_without_javascript_still_give_the_answer(browser, check_fixture):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(check_fixture.as_uri())
    assert not page.get_by_role("button", name="Check my answer").first.is_visible()  # a button that would do nothing
    page.get_by_text("Show the answer").first.click()
    assert page.get_by_text("Oligodendrocytes. They wrap axons").is_visible()
    context.close()


def _axe_violations(page, axe) -> list[str]:
    # resultTypes: full node lists only for violations (every rule still runs; 2-3 times faster).
    result = axe.run(page, options={"resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes)" for v in result.response["violations"]]


def test_axe_finds_no_violations_on_any_page_in_light_and_dark_mode(site, browser, check_fixture):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found, counted = {}, 0
    for mode in ("light", "dark"):
        context = browser.new_context()
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        page = context.new_page()
        for page_path in pages(site) + [check_fixture]:
            page.goto(page_path.as_uri())
            assert page.evaluate("document.documentElement.dataset.theme") == mode
            bad = _axe_violations(page, axe)
            counted += 1
            if bad:
                found[f"{page_path.relative_to(site)} ({mode})"] = bad
        context.close()
    assert found == {}
    assert counted == 2 * (len(pages(site)) + 1)


@pytest.mark.parametrize("name", ["README.html", "notebooks/03_ms_what_goes_wrong.html", "docs/glossary.html"])
def test_pages_are_keyboard_navigable(site, page, name):
    page.goto((site / name).as_uri())
    assert page.evaluate("document.querySelectorAll('[tabindex]:not([tabindex=\"0\"]):not([tabindex=\"-1\"])').length") == 0
    page.keyboard.press("Tab")
    assert "skip" in page.evaluate("document.activeElement.textContent").lower()
    page.keyboard.press("Enter")
    for _ in range(60):  # tabbing from the skip link reaches the article's own links
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('article')"):
            break
    assert page.evaluate("!!document.activeElement.closest('article')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


# --------------------------------------------------------------------------- printing
def _pdf(page, path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    page.goto(path.as_uri())
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    return len(reader.pages), " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_clinic_questions_handout_prints_on_one_page(site, page):
    pages_, text = _pdf(page, site / "book" / "_generated" / "clinic_questions.html")
    assert pages_ == 1
    for phrase in ("Questions to ask before any cell treatment", "Where do they come from?",
                   "What are the possible risks, and what does the whole treatment cost?", "not medical advice"):
        assert phrase in text, phrase
    assert "Search" not in text and "Contents" not in text  # no navigation on paper


SUMMARY = ROOT / "docs" / "ten_minute_summary.md"
if SUMMARY.exists():  # written on another branch; the toc lists it only when it exists (tools/book.py)
    def test_one_page_summary_prints(site, page):
        _check_summary(site, page)


def _check_summary(site, page):
    pages_, text = _pdf(page, site / "docs" / "ten_minute_summary.html")
    assert pages_ <= 2
    title = (ROOT / "docs" / "ten_minute_summary.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
    assert " ".join(title.split()) in text
