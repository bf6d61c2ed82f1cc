"""Every figure the series shows carries its text alternative in HTML (``<img alt=...>``), the one
form JupyterLab, Voilà, nbconvert and the static site all keep; stored lessons included."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from helpers.widgets import cells, explorer, models

ROOT = Path(__file__).resolve().parent.parent
IMG_RE = re.compile(r"<img\b[^>]*>")


def _alts(page: str) -> list[str]:
    return [(re.search(r'\balt="([^"]*)"', tag) or [None, ""])[1] for tag in IMG_RE.findall(page)]


def _images(box) -> list:
    found, todo = [], [box]
    while todo:
        w = todo.pop()
        if isinstance(w, widgets.Image):
            found.append(w)
        if isinstance(w, widgets.HTML) and "<img" in w.value:
            found.append(w)
        todo.extend(getattr(w, "children", ()))
    return found


def trial_browser_with_its_figure():
    box = explorer.trial_browser()
    box.controls["figure"].value = True  # drawn on request
    return box


@pytest.mark.parametrize("make", [models.conduction_explorer, models.motor_unit_explorer, models.trial_simulator,
                                  models.ms_relapse_explorer, cells.cell_type_map, trial_browser_with_its_figure],
                         ids=lambda f: f.__name__)
def test_widget_images_carry_alt_text(make):
    box = make()
    images = _images(box)
    assert images, "the widget shows a figure"
    for image in images:
        assert not isinstance(image, widgets.Image), "an ipywidgets.Image cannot carry alt text"
        alts = _alts(image.value)
        assert alts and all(len(a) > 20 for a in alts), image.value[:200]
    figure = box.outputs["image"]
    src = re.search(r'src="data:image/png;base64,([^"]+)"', figure.value).group(1)
    assert base64.b64decode(src) == figure.png and figure.png.startswith(b"\x89PNG")
    assert figure.alt and figure.alt in figure.value.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def _lesson_outputs():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            for output in cell.get("outputs", []):
                yield path.name, index, output


def test_stored_lessons_show_every_figure_as_html_with_alt_text():
    figures = 0
    calls = sum("".join(c["source"]).count("show_figure(")
                for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
                for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
    for name, index, output in _lesson_outputs():
        data = output.get("data", {})
        assert "image/png" not in data, f"{name} cell {index}: a bare PNG output has no alt text in JupyterLab"
        html = "".join(data.get("text/html", ""))
        for alt in _alts(html):
            figures += 1
            assert alt.strip(), f"{name} cell {index}: an image without alt text"
    assert figures == calls > 0, f"{figures} figures with alt text, {calls} show_figure calls"
