"""Shared building blocks for the series' widgets.

The nbval-clean widget pattern
------------------------------
nbval has no widget manager. Anything a callback *prints* (into an ``ipywidgets.Output``
or through ``interact``) reaches nbval as unexpected ``stdout`` and breaks strict output
comparison. Every widget in this series therefore shows results by setting widget *state*:

* text and tables go into an ``ipywidgets.HTML`` widget's ``value``;
* figures are rendered to PNG bytes (:func:`helpers.style.figure_to_png`) and put into an
  ``ipywidgets.Image`` widget's ``value``.

A widget is a thin view: its callback calls a pure function (tested without a browser),
then sets state. Each public widget function returns a ``VBox`` whose ``.controls`` and
``.outputs`` dicts let tests drive it exactly like a learner would.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..style import figure_to_png

LAYOUT_WIDE = widgets.Layout(width="auto", max_width="900px")
STYLE_LABEL = {"description_width": "initial"}


def image_from_figure(fig, image: widgets.Image | None = None) -> widgets.Image:
    """Put a matplotlib figure into an ``Image`` widget as PNG bytes (creating one if needed)."""
    png = figure_to_png(fig)
    if image is None:
        image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
    image.value = png
    return image


def notice_html(text: str, kind: str = "info") -> str:
    """An HTML box for messages such as an empty selection or an empty result."""
    colours = {"info": "#E8F1FA", "warning": "#FFF4D6"}
    return (f'<div role="status" style="background:{colours.get(kind, colours["info"])};'
            f'border-left:4px solid #333;padding:6px 10px;margin:4px 0">{html.escape(text)}</div>')


class SeriesWidget(widgets.VBox):
    """A VBox with a short, stable text form.

    Where no widget can be drawn (a static HTML page, a terminal, nbval's text comparison)
    the text form says what the widget is and how to use it, instead of a long repr.
    """

    def __init__(self, children, title: str):
        super().__init__(children, layout=widgets.Layout(width="100%"))
        self.title = title
        self.controls: dict = {}
        self.outputs: dict = {}

    def __repr__(self) -> str:
        return f"[{self.title}: interactive widget. Run this notebook in JupyterLab, Binder or a JupyterHub to use it.]"


def assemble(children, controls: dict, outputs: dict, name: str, title: str | None = None) -> SeriesWidget:
    """Wrap a widget's children and attach ``controls``/``outputs`` so tests drive it like a learner."""
    box = SeriesWidget(children, title or name.replace("_", " ").capitalize())
    box.controls = controls
    box.outputs = outputs
    box.add_class(f"series-{name.replace('_', '-')}")
    return box
