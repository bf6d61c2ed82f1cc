"""Real browser: a learner writes in an answer box in JupyterLab, saves it, sees the model answer,
and finds the answer in the exported record (the download link and the file next to the notebooks).

Unlike the other browser tests, this JupyterLab runs with recording on (as for a learner), in a
temporary copy of notebooks/, so the record file is written there and nowhere else.
"""

from __future__ import annotations

import base64
import re

import nbformat
import pytest

from browser_support import (delete_sessions, jupyterlab_server, open_notebook,
                             page_problems, run_all, screenshot)
from helpers import record

pytestmark = pytest.mark.browser
ANSWER = "aHSCT resets the immune system; it does not repair lost axons."


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lab-record")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(record.DISABLE_ENV, raising=False)  # a learner's kernel: recording on
        mp.delenv(record.DIR_ENV, raising=False)
        with jupyterlab_server(workdir) as base:
            yield base, workdir


def test_an_answer_written_in_the_browser_reaches_the_exported_record(new_context, learner_lab):
    base, workdir = learner_lab
    source = ("from IPython.display import display\n"
              "from helpers.answers import answer_box, my_progress\n"
              "display(answer_box('t_browser', 9, 'Browser check', 'The **model** answer.'))\n"
              "display(my_progress())")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, workdir / "notebooks" / "record_check.ipynb")
    context = new_context(accept_downloads=True)
    page = context.new_page()
    try:
        open_notebook(page, base, "notebooks/record_check.ipynb")
        run_all(page)
        box = page.locator(".series-answer-box")
        box.locator("textarea").wait_for()
        # an empty box says so and reveals nothing
        box.locator("button", has_text="Save my answer").click()
        page.wait_for_function("() => document.querySelector('.series-answer-box').innerText"
                               ".includes('Your answer box is empty')")
        assert box.locator("details.series-model-answer").count() == 0
        # write, save: the model answer appears
        box.locator("textarea").fill(ANSWER)
        box.locator("button", has_text="Save my answer").click()
        page.wait_for_selector(".series-answer-box details.series-model-answer")
        assert "Saved" in box.inner_text()
        # export: the answer is in the download link and in the file next to the notebooks
        progress = page.locator(".series-my-progress")
        progress.locator("button", has_text="Save as HTML file").click()
        link = page.wait_for_selector('.series-my-progress a[download="my_series_record.html"]')
        payload = re.match(r"data:text/html;charset=utf-8;base64,(.+)", link.get_attribute("href")).group(1)
        exported = base64.b64decode(payload).decode("utf-8")
        assert ANSWER in exported and "Browser check" in exported
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "my_series_record.html"
        assert ANSWER in open(download.value.path(), encoding="utf-8").read()
        saved = workdir / "notebooks" / "my_series_record.html"
        assert ANSWER in saved.read_text(encoding="utf-8")
        assert ANSWER in (workdir / "notebooks" / record.RECORD_NAME).read_text(encoding="utf-8")
        screenshot(page, "answer-box-and-record")
        assert page_problems(page)["error_displaying_widget"] == 0
    finally:
        context.close()
        delete_sessions(base)
