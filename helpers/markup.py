"""Safe HTML for everything the lessons show, and the series' one accessible table.

Text from ``data/`` is edited by people in a spreadsheet: it may contain ``<``, ``&``, ``*``,
backticks or ``$``. Every string that comes from the data reaches an output only through
:func:`esc` (element text) or :func:`attr` (attribute values), so it is shown as the letters
typed, never run as markup, script or math. Markup the series writes itself is marked with
:class:`Html`; :func:`table_html` escapes every cell that is not.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Html(str):
    """A string of trusted HTML, written by the series (not taken from the data)."""

    __slots__ = ()


def esc(value) -> Html:
    """Data text as HTML element content: ``<``, ``>``, ``&`` and quotes become entities, and each
    ``$`` is set apart in its own element so that MathJax (JupyterLab, Voilà, the static site) never
    pairs two of them into math. Markdown syntax is inert in HTML. ``Html`` passes unchanged."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True).replace("$", "<span>$</span>"))


def attr(value) -> str:
    """Data text as an HTML attribute value (inside double quotes)."""
    return html.escape(str(value), quote=True)


def sentence(text: str) -> str:
    """``text`` as a sentence: a full stop added unless it already ends in ``.``, ``?`` or ``!``
    (a title such as "Was the route the problem?" must not become "problem?.")."""
    return text if text.rstrip().endswith((".", "?", "!")) else f"{text}."


def join(parts: Iterable, sep: str = "<br>", empty: str = "—") -> Html:
    """Join pieces (data text is escaped, ``Html`` kept) with a trusted separator; ``empty`` if none."""
    pieces = [esc(p) for p in parts]
    return Html(sep.join(pieces)) if pieces else esc(empty)


@dataclass(frozen=True)
class Cell:
    """A table cell with its own inline style and tooltip (e.g. a coloured evidence-map cell)."""

    content: str
    style: str = ""
    title: str | None = None


TABLE_STYLE = "border-collapse:collapse;font-size:14px"
CAPTION_STYLE = "text-align:left;font-weight:600;padding:4px"
TH_STYLE = "text-align:left;border-bottom:2px solid #333;padding:4px;vertical-align:bottom"
TD_STYLE = "text-align:left;vertical-align:top;border-bottom:1px solid #ccc;padding:4px"
ROW_TH_STYLE = "text-align:left;vertical-align:top;border-bottom:1px solid #ccc;padding:4px 10px 4px 4px"
GROUP_STYLE = "text-align:left;padding-top:8px"


def _cell(tag: str, value, style: str, scope: str | None = None) -> str:
    title = ""
    if isinstance(value, Cell):
        style = f"{style};{value.style}" if value.style else style
        title = f' title="{attr(value.title)}"' if value.title else ""
        value = value.content
    scope_attr = f' scope="{scope}"' if scope else ""
    return f'<{tag}{scope_attr} style="{style}"{title}>{esc(value)}</{tag}>'


def table_html(headers: Sequence | None, rows: Iterable[Sequence] = (), caption=None, *,
               groups: Iterable[tuple[str, Iterable[Sequence]]] | None = None, row_headers: bool = False,
               css_class: str = "", wide: bool = True, th_style: str = TH_STYLE, td_style: str = TD_STYLE,
               row_th_style: str = ROW_TH_STYLE, caption_style: str = CAPTION_STYLE) -> Html:
    """An accessible HTML table: a caption, column headers ``<th scope="col">``, optional row headers
    (``row_headers``: the first cell of each row is ``<th scope="row">``) and optional row groups
    (``groups``: ``(title, rows)`` pairs, each titled by a ``<th scope="rowgroup">``).

    Headers, caption and cells that are plain strings are data text and are escaped; pass
    :class:`Html` for markup the series writes itself (badges, links, line breaks), or a
    :class:`Cell` for a cell with its own style.
    """
    width = len(headers) if headers else 2

    def body_rows(items: Iterable[Sequence]) -> str:
        out = []
        for row in items:
            cells = [_cell("th", c, row_th_style, "row") if (row_headers and i == 0) else _cell("td", c, td_style)
                     for i, c in enumerate(row)]
            out.append("<tr>" + "".join(cells) + "</tr>")
        return "".join(out)

    if groups is not None:
        body = "".join(f'<tr><th scope="rowgroup" colspan="{width}" style="{GROUP_STYLE}">{esc(title)}</th></tr>'
                       + body_rows(items) for title, items in groups)
    else:
        body = body_rows(rows)
    head = ("<thead><tr>" + "".join(_cell("th", h, th_style, "col") for h in headers) + "</tr></thead>"
            if headers else "")
    cap = f'<caption style="{caption_style}">{esc(caption)}</caption>' if caption else ""
    classes = " ".join(c for c in ("series-table", css_class) if c)
    style = TABLE_STYLE + (";width:100%" if wide else ";margin:4px 0")
    return Html(f'<table class="{classes}" style="{style}">{cap}{head}<tbody>{body}</tbody></table>')


def scroll_region_html(content: str, label: str, css_class: str) -> Html:
    """``content`` (a wide table) in a region that scrolls sideways on a narrow screen. A region that
    can scroll must be reachable from the keyboard (axe: scrollable-region-focusable), so it is
    focusable and named by ``label``."""
    return Html(f'<div class="{attr(css_class)}" role="region" aria-label="{attr(label)}" tabindex="0" '
                f'style="overflow-x:auto;max-width:100%">{content}</div>')


def img_html(png: bytes, alt: str, style: str = "max-width:100%;height:auto") -> Html:
    """A PNG as an HTML ``<img>`` with its text alternative: HTML carries ``alt`` to JupyterLab,
    Voilà, nbconvert and the static site, which all ignore ``alt`` in output metadata."""
    data = base64.b64encode(png).decode("ascii")
    return Html(f'<img alt="{attr(alt)}" src="data:image/png;base64,{data}" style="{style}">')


#: Characters with a meaning in Markdown (CommonMark, MyST) or to MathJax; escaped by :func:`md`.
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>$~")


def md(value) -> str:
    """Data text for a Markdown document (e.g. generated docs): every character that Markdown,
    HTML or MathJax would read as syntax is backslash-escaped and ``&`` becomes ``&amp;``, so the
    text renders as typed (``**bold**`` stays with its stars, ``<img ...>`` stays text)."""
    text = str(value).replace("&", "&amp;")
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in text)
