"""Shared building blocks for the series' widgets.

The nbval-clean widget pattern
------------------------------
nbval has no widget manager. Anything a callback *prints* (into an ``ipywidgets.Output``
or through ``interact``) reaches nbval as unexpected ``stdout`` and breaks strict output
comparison. Every widget in this series therefore shows results by setting widget *state*:

* text and tables go into an ``ipywidgets.HTML`` widget's ``value``;
* figures are rendered to PNG bytes (:func:`helpers.style.figure_to_png`) and shown by a
  :class:`FigureImage` (an HTML widget holding ``<img alt=...>``, so the alt text reaches every
  front end).

A widget is a thin view: its callback calls a pure function (tested without a browser),
then sets state. Each public widget function returns a ``VBox`` whose ``.controls`` and
``.outputs`` dicts let tests drive it exactly like a learner would.
"""

from __future__ import annotations

from functools import cache

import ipywidgets as widgets

from ..markup import esc, img_html


@cache
def _shared_layout(settings: tuple) -> widgets.Layout:
    return widgets.Layout(**dict(settings))


def shared_layout(**settings) -> widgets.Layout:
    """One ``Layout`` model for each set of ``settings``, shared by every widget that asks for it.

    Each widget model costs the kernel a message to the front end, and a widget left to itself makes
    its own ``Layout`` and style models: a check question would open 17 models instead of 6. Share
    only what nothing changes after creation; a widget whose layout a callback changes (an image
    shown and hidden with ``layout.display``) needs a ``Layout`` of its own.
    """
    return _shared_layout(tuple(sorted(settings.items())))


@cache
def _shared_style(style_class: type, settings: tuple):
    return style_class(**dict(settings))


def shared_style(widget_class: type, **settings):
    """The shared style model (see :func:`shared_layout`) of the kind ``widget_class`` takes, with
    ``settings`` (for instance ``description_width="initial"``)."""
    return _shared_style(widget_class.class_traits()["style"].klass, tuple(sorted(settings.items())))


def lean(widget_class: type, *args, layout: dict | widgets.Layout | None = None, style: dict | None = None, **kwargs):
    """``widget_class(*args, **kwargs)`` with a shared layout and style (:func:`shared_layout`,
    :func:`shared_style`) made from the ``layout`` and ``style`` settings (none: the defaults); a
    ``Layout`` model given as ``layout`` is used as it is."""
    if not isinstance(layout, widgets.Layout):
        layout = shared_layout(**(layout or {}))
    return widget_class(*args, layout=layout, style=shared_style(widget_class, **(style or {})), **kwargs)


LAYOUT_WIDE = shared_layout(width="auto", max_width="900px")
STYLE_LABEL = {"description_width": "initial"}


class FigureImage(widgets.HTML):
    """A figure in a widget, shown as ``<img alt=... src="data:image/png;base64,...">``.

    An ``ipywidgets.Image`` cannot carry alt text; this HTML widget can, in every front end.
    ``.png`` holds the PNG bytes shown and ``.alt`` their text alternative.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.png = b""
        self.alt = ""
        self.add_class("series-figure-image")

    def show(self, png: bytes, alt: str) -> None:
        """Show new PNG bytes with their text alternative (state only: nbval-clean)."""
        self.png, self.alt = bytes(png), alt
        self.value = img_html(self.png, alt)

    def clear(self) -> None:
        """Show nothing (and keep no picture in the widget's state)."""
        self.png, self.alt = b"", ""
        self.value = ""


def notice_html(text: str, kind: str = "info") -> str:
    """An HTML box for messages such as an empty selection or an empty result."""
    colours = {"info": "#E8F1FA", "warning": "#FFF4D6"}
    return (f'<div role="status" style="background:{colours.get(kind, colours["info"])};'
            f'border-left:4px solid #333;padding:6px 10px;margin:4px 0">{esc(text)}</div>')


def widget_note_html(title: str) -> str:
    """The note that stands in for a widget where no kernel runs (the website launch links are
    added to it by the site build)."""
    return (f'<div class="series-widget-note" role="note"><p><strong>{esc(title)}</strong> is interactive: it needs '
            "a running notebook. Open this lesson in JupyterLab, on Binder or on a JupyterHub and run it to "
            "use it.</p></div>")


class SeriesWidget(widgets.VBox):
    """A VBox with a short, stable text form.

    Where no widget can be drawn (a static HTML page, a terminal, nbval's text comparison)
    the text form says what the widget is and how to use it, instead of a long repr.
    """

    def __init__(self, children, title: str):
        super().__init__(children, layout=shared_layout(width="100%"))
        self.title = title
        self.controls: dict = {}
        self.outputs: dict = {}

    def __repr__(self) -> str:
        return f"[{self.title}: interactive widget. Run this notebook in JupyterLab, Binder or a JupyterHub to use it.]"

    #: A widget's own static HTML form (an answer box's prompt and model answer, a task's question
    #: and answer); empty: the general "needs a running notebook" note.
    static_form = ""

    def static_html(self) -> str:
        """What a front end without a kernel shows instead of the widget (``text/html``)."""
        return self.static_form or widget_note_html(self.title)

    def _repr_mimebundle_(self, **kwargs):
        """The widget, plus its static HTML form: JupyterLab and Voilà draw the widget; the static
        site, nbconvert and notebook viewers show the HTML."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, None)
        data = dict(data or {}, **{"text/html": self.static_html()})
        return (data, metadata) if metadata is not None else data


def assemble(children, controls: dict, outputs: dict, name: str, title: str | None = None,
             static_form: str = "") -> SeriesWidget:
    """Wrap a widget's children and attach ``controls``/``outputs`` so tests drive it like a learner;
    ``static_form`` is its own static HTML (see :meth:`SeriesWidget.static_html`)."""
    box = SeriesWidget(children, title or name.replace("_", " ").capitalize())
    box.controls = controls
    box.outputs = outputs
    box.static_form = static_form
    box.add_class(f"series-{name.replace('_', '-')}")
    return box
