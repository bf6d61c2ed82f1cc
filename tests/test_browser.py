"""Real-client tests: JupyterLab on 127.0.0.1, driven in Debian's headless Chromium.

For every lesson: open it, run all cells, and check there is no error output, no "Error
displaying widget", and that every widget view rendered. For the explorers and the model
widgets: change a control as a user would (select, keyboard) and check the view changes to
the right thing. The server serves the repository's layout as `python3 run.py lab` does, and
the lessons' Contents and Glossary links must open. App mode (Voila) is served with the same
command as `python3 run.py app`: it must make no request beyond 127.0.0.1 (no CDN) and show the
knowledge base's own error for damaged data. Screenshots go to test-artifacts/; a failed test
also leaves a screenshot and a Playwright trace in test-artifacts/failures/.
"""

from __future__ import annotations

import csv
import re
import shutil
import urllib.request

import nbformat
import pytest

from browser_support import (ROOT, TOKEN, delete_sessions, jupyterlab_server,
                             open_notebook, page_problems, run_all, screenshot, voila_server,
                             widget_count)
from tools.notebook_tools import lesson_notebooks

# A browser test that hangs (JupyterLab or Chromium stops answering) fails after 5 minutes.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
NOTEBOOKS = lesson_notebooks()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lab")
    with jupyterlab_server(workdir) as base:
        yield base, workdir


@pytest.fixture
def page(context, lab):
    """A page in pytest-playwright's traced context; the lesson's kernels are stopped afterwards."""
    page = context.new_page()
    yield page
    delete_sessions(lab[0])


def _stored_widget_outputs(path) -> int:
    nb = nbformat.read(path, as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_runs_in_jupyterlab(page, lab, path):
    base, _ = lab
    open_notebook(page, base, f"notebooks/{path.name}")
    run_all(page)
    page.wait_for_timeout(300)
    screenshot(page, f"lesson-{path.stem}")
    assert page_problems(page) == {"error_outputs": 0, "error_displaying_widget": 0, "unrendered_widgets": 0,
                                   "loading_widgets": 0}
    assert widget_count(page) == _stored_widget_outputs(path)
    # every image a learner sees, figures and widget images alike, has alt text in JupyterLab
    alts = page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))"
                         ".map(i => i.getAttribute('alt') || '')")
    assert all(alt.strip() for alt in alts), f"{alts.count('')} of {len(alts)} images have no alt text"
    assert len(alts) >= _stored_figures(path)


def _stored_figures(path) -> int:
    nb = nbformat.read(path, as_version=4)
    return sum("".join(o.get("data", {}).get("text/html", "")).count("<img ") for c in nb.cells
               if c.cell_type == "code" for o in c.outputs)


def _scratch(workdir, name: str, source: str) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, workdir / "notebooks" / f"{name}.ipynb")
    return f"notebooks/{name}.ipynb"


def _html_text(page, scope: str) -> str:
    return page.locator(f"{scope} .widget-html-content").last.inner_text()


def test_therapy_explorer_responds_to_select_and_keyboard(page, lab):
    from helpers import queries
    from helpers.data import load_knowledge_base

    kb = load_knowledge_base()
    base, workdir = lab
    open_notebook(page, base, _scratch(workdir, "explorer", "from helpers.widgets.explorer import therapy_explorer\n"
                                                             "therapy_explorer(disease='ms')"))
    run_all(page)
    scope = ".series-therapy-explorer"
    page.wait_for_selector(f"{scope} select")
    selects = page.locator(f"{scope} select")
    item_select = selects.nth(2)  # disease, minimum evidence, item
    options = queries.choices("damage", kb, disease="ms")
    target_label, target_id = options[-1]
    item_select.select_option(label=target_label)
    page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes({target_label!r} + ' (')")
    text = _html_text(page, scope)
    expected = queries.therapies_for_damage(target_id, disease="ms", kb=kb)
    for therapy in expected["therapy"]:
        assert therapy in text
    # keyboard only: focus the "Therapy → damage" toggle and press Enter; the list switches to therapies
    page.locator(f"{scope} button", has_text="Therapy → damage").focus()
    page.keyboard.press("Enter")
    first_therapy = queries.choices("therapy", kb, disease="ms")[0][0]
    page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes({first_therapy!r} + ' (')")
    assert item_select.evaluate("e => e.options[0].value") == first_therapy
    screenshot(page, "therapy-explorer")
    assert page_problems(page)["error_displaying_widget"] == 0


def test_evidence_map_and_trial_browser_update_their_images(page, lab):
    from helpers import queries

    names = dict((disease_id, label) for label, disease_id in queries.choices("disease"))
    base, workdir = lab
    source = ("from helpers.widgets.explorer import evidence_map, trial_browser\n"
              "from IPython.display import display\n"
              "display(evidence_map(disease='ms'))\ndisplay(trial_browser())")
    open_notebook(page, base, _scratch(workdir, "maps", source))
    run_all(page)
    page.wait_for_selector(".series-evidence-map table")
    page.locator(".series-evidence-map select").first.select_option(label=names["als"])
    page.wait_for_function(f"() => document.querySelector('.series-evidence-map caption').innerText"
                           f".includes({names['als']!r})")
    scope = ".series-trial-browser"
    assert page.locator(f"{scope} img").count() == 0  # the figure is drawn on request
    page.locator(f"{scope} input[type=checkbox]").check()  # the box's label names it for screen readers
    page.wait_for_selector(f"{scope} img")
    before = page.locator(f"{scope} img").first.get_attribute("src")
    page.locator(f"{scope} select").first.select_option(label=names["ms"])
    page.wait_for_function(f"(before) => document.querySelector('{scope} img').getAttribute('src') !== before",
                           arg=before)
    assert names["als"] in page.locator(".series-evidence-map").inner_text()
    assert page.locator(".series-trial-browser").inner_text().count("MS") >= 1
    screenshot(page, "evidence-map-and-trials")
    assert page_problems(page)["error_displaying_widget"] == 0


def test_lesson_contents_and_glossary_links_open(page, lab):
    """A lesson's Contents (../README.md) and Glossary (../docs/glossary.md) links resolve in the
    served layout and open in JupyterLab."""
    base, _ = lab
    open_notebook(page, base, "notebooks/00_start_here.ipynb")
    links = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-MarkdownOutput a[href]'))
        .map(a => ({text: a.innerText.trim(), href: a.href}))""")
    local = [link for link in links if link["href"].startswith(base)]
    named = {link["text"]: link["href"] for link in local}
    assert "Contents" in named and "Glossary" in named, named
    for link in local:
        response = page.request.get(link["href"].split("#")[0])
        assert response.status == 200, f"{link['text']!r} -> {link['href']}: HTTP {response.status}"
    for text, title in (("Glossary", "glossary.md"), ("Contents", "README.md")):
        page.locator(".lm-TabBar-tab", has_text="00_start_here.ipynb").first.click()
        page.locator(".jp-MarkdownOutput a", has_text=text).first.click()
        page.wait_for_selector(f".lm-TabBar-tab.jp-mod-current:has-text({title!r})", timeout=30_000)
    screenshot(page, "lesson-links")


@pytest.fixture
def app_page(page):
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    return page, outside


def test_therapy_explorer_app_mode_with_voila(app_page, tmp_path):
    """Projector mode: `python3 run.py app` serves apps/therapy_explorer.ipynb with Voila."""
    page, outside = app_page
    with voila_server(tmp_path) as base:
        assert urllib.request.urlopen(base, timeout=30).url.startswith(f"{base}/login"), "app mode needs a token"
        page.goto(f"{base}/?token={TOKEN}", wait_until="domcontentloaded", timeout=90_000)
        scope = ".series-therapy-explorer"
        page.wait_for_selector(f"{scope} select", timeout=90_000)
        assert page.locator("text=from helpers").count() == 0, "app mode must hide the code"
        item = page.locator(f"{scope} select").nth(2)
        labels = item.evaluate("e => Array.from(e.options).map(o => o.value)")
        item.select_option(label=labels[1])
        page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes({labels[1]!r} + ' (')")
        page.wait_for_selector(".series-evidence-map table")
        screenshot(page, "app-mode-therapy-explorer")
        assert page_problems(page)["error_displaying_widget"] == 0
        assert outside == [], f"app mode loaded resources from outside this machine: {outside}"


#: The checks of the one-class plan (instructor guide, section 9), in its order.
ONE_CLASS_CHECKS = ("q03_05", "q04_01", "q07_03", "q07_09", "q08_03")


def test_one_class_app_mode_with_voila(app_page, tmp_path):
    """`python3 run.py app class`: the figures, tools and checks of the one-class plan, each drawn
    and working, no code shown and nothing loaded from outside the machine."""
    from helpers.checks import check_item

    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    plan = guide[guide.index("## 9."):]
    assert [q for q in re.findall(r"Check (q\d\d_\d\d)", plan)] == list(ONE_CLASS_CHECKS)
    page, outside = app_page
    with voila_server(tmp_path, app="class") as base:
        page.goto(f"{base}/?token={TOKEN}", wait_until="domcontentloaded", timeout=90_000)
        for scope in (".series-conduction-explorer", ".series-evidence-map", ".series-trial-simulator",
                      ".series-red-flag-checker"):
            page.wait_for_selector(scope, timeout=90_000)
        page.wait_for_selector(".series-evidence-map table")
        assert page.locator("text=from helpers").count() == 0, "app mode must hide the code"
        alts = page.locator("img[alt]").evaluate_all("els => els.map(e => e.alt)")
        assert any("worsening disability" in alt for alt in alts), alts  # the MIST icon array
        assert any("related to the transplant" in alt for alt in alts), alts
        checks = page.locator(".series-check-widget")
        checks.nth(len(ONE_CLASS_CHECKS) - 1).wait_for(timeout=90_000)
        assert checks.count() == len(ONE_CLASS_CHECKS)
        for number, quiz_id in enumerate(ONE_CLASS_CHECKS):
            assert check_item(quiz_id).question in checks.nth(number).inner_text()
        item = check_item(ONE_CLASS_CHECKS[0])
        first = checks.first
        first.locator(".widget-radio-box").first.locator("label", has_text=item.answer).click()
        first.locator("button", has_text="Check").click()
        first.locator("b", has_text="Answer:").wait_for(timeout=30_000)  # the feedback, not the label
        assert item.explanation in first.inner_text()
        checker = ".series-red-flag-checker"
        page.locator(f"{checker} input[type=checkbox]").first.check()
        page.locator(f"{checker} button", has_text="Check").click()
        page.wait_for_selector(f"{checker} .series-red-flag-feedback", timeout=30_000)
        screenshot(page, "app-mode-one-class")
        assert page_problems(page)["error_displaying_widget"] == 0
        assert outside == [], f"app mode loaded resources from outside this machine: {outside}"


def test_app_mode_shows_the_knowledge_base_error(app_page, tmp_path):
    """Damaged data: the page names the file, row and column, not Voila's generic cell error."""
    page, _ = app_page
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "trials.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("n_enrolled")
    rows[3][column] = "lots"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with voila_server(tmp_path, {"SERIES_DATA_DIR": str(data)}) as base:
        page.goto(f"{base}/?token={TOKEN}", wait_until="domcontentloaded", timeout=90_000)
        alert = page.wait_for_selector(".series-data-error", timeout=90_000)
        text = alert.inner_text()
        screenshot(page, "app-mode-data-error")
    assert "trials.csv" in text and "row 4" in text and "n_enrolled" in text and "'lots'" in text, text
    assert "error when executing" not in page.content().lower()


MODEL_WIDGETS = ("conduction_explorer", "motor_unit_explorer", "trial_simulator", "ms_relapse_explorer")


@pytest.mark.parametrize("name", MODEL_WIDGETS)
def test_model_widget_responds_to_the_keyboard(page, lab, name):
    """Focus the first slider's handle, press the right arrow, and the figure and summary change."""
    base, workdir = lab
    open_notebook(page, base, _scratch(workdir, name, f"from helpers.widgets.models import {name}\n{name}()"))
    run_all(page)
    scope = f".series-{name.replace('_', '-')}"
    page.wait_for_selector(f"{scope} img")
    image_before = page.locator(f"{scope} img").first.get_attribute("src")
    text_before = page.locator(scope).inner_text()
    handle = page.locator(f"{scope} .noUi-handle").first
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(before) => document.querySelector('{scope} img').getAttribute('src') !== before",
                           arg=image_before)
    assert page.locator(scope).inner_text() != text_before
    screenshot(page, f"model-{name}")
    assert page_problems(page)["error_displaying_widget"] == 0


def test_check_item_wrong_then_right_shows_hint_then_feedback(page, lab):
    """A learner answers a check wrong (keyboard only), reads the hint, then answers right (mouse)."""
    from helpers.checks import NO_OPTION_MESSAGE, check_item

    item = check_item("q02_09")
    wrong = next(k for k in range(len(item.options)) if k != item.correct)
    base, workdir = lab
    open_notebook(page, base, _scratch(workdir, "check", 'from helpers.checks import check_question\n'
                                                          'check_question("q02_09")'))
    run_all(page)
    scope = ".series-check-widget"
    page.wait_for_selector(f"{scope} .widget-radio-box input")
    choice = page.locator(f"{scope} .widget-radio-box").first
    check = page.locator(f"{scope} button", has_text="Check")

    check.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes({NO_OPTION_MESSAGE!r})")

    choice.locator("input").nth(wrong).focus()
    page.keyboard.press("Space")
    check.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes('Hint:')")
    text = _html_text(page, scope)
    assert item.hint in text and item.feedback[wrong] in text and "Answer:" not in text

    choice.locator("label", has_text=item.answer).click()
    check.click()
    page.wait_for_function(f"() => document.querySelector('{scope}').innerText.includes('Answer:')")
    text = _html_text(page, scope)
    assert "Second try" in text and item.feedback[item.correct] in text and item.explanation in text
    assert check.is_disabled()
    screenshot(page, "check-item")
    assert page_problems(page) == {"error_outputs": 0, "error_displaying_widget": 0, "unrendered_widgets": 0,
                                   "loading_widgets": 0}
