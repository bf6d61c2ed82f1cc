"""Real-client tests: JupyterLab on 127.0.0.1, driven in Debian's headless Chromium.

For every lesson: open it, run all cells, and check there is no error output, no "Error
displaying widget", and that every widget view rendered. For the explorers and the model
widgets: change a control as a user would (select, keyboard) and check the view changes to
the right thing. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os

import nbformat
import pytest

from browser_support import (CHROMIUM_ARGS, chromium_path, delete_sessions, jupyterlab_server, open_notebook,
                             page_problems, run_all, screenshot, widget_count)
from tools.notebook_tools import lesson_notebooks

pytestmark = pytest.mark.browser
NOTEBOOKS = lesson_notebooks()
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lab")
    with jupyterlab_server(workdir) as base:
        yield base, workdir


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found: install Debian's chromium or set CHROMIUM_PATH"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
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
    page.wait_for_selector(f"{scope} img")
    before = page.locator(f"{scope} img").first.get_attribute("src")
    page.locator(f"{scope} select").first.select_option(label=names["ms"])
    page.wait_for_function(f"(before) => document.querySelector('{scope} img').getAttribute('src') !== before",
                           arg=before)
    assert names["als"] in page.locator(".series-evidence-map").inner_text()
    assert page.locator(".series-trial-browser").inner_text().count("MS") >= 1
    screenshot(page, "evidence-map-and-trials")
    assert page_problems(page)["error_displaying_widget"] == 0


def test_therapy_explorer_app_mode_with_voila(browser, tmp_path):
    """Projector mode: `python3 run.py app` serves apps/therapy_explorer.ipynb with Voila."""
    from browser_support import ROOT, voila_server

    with voila_server(ROOT / "apps" / "therapy_explorer.ipynb", tmp_path) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(base, wait_until="domcontentloaded", timeout=90_000)
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
        context.close()


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
