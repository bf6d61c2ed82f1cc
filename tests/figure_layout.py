"""Find text that leaves the canvas or overlaps other text in a matplotlib figure.

Used by tests/test_figures_layout.py. The canvas is what :func:`helpers.style.figure_to_png`
saves: the figure itself for figures with a layout engine, the tight box around every drawn
artist otherwise (which by construction contains all text, so only overlaps can be found).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 1.0


def _tick_labels(fig: Figure) -> tuple[set[int], set[int]]:
    """Ids of all tick-label texts, and of those matplotlib actually draws (axis on, tick inside the view)."""
    every, drawn = set(), set()
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for tick in axis.majorTicks + axis.minorTicks:
                every.update({id(tick.label1), id(tick.label2)})
            if ax.axison and ax.get_visible() and axis.get_visible():
                for tick in axis._update_ticks():  # the ticks inside the view limits, as drawn
                    drawn.update(id(label) for label in (tick.label1, tick.label2) if label.get_visible())
    return every, drawn


def figure_strings(fig: Figure) -> list[str]:
    """The text of every Text artist of a figure and of its figure legends (drawn or not)."""
    return [t.get_text() for t in fig.findobj(Text)] + [t.get_text() for lg in fig.legends for t in lg.get_texts()]


def visible_texts(fig: Figure) -> list[Text]:
    """Every drawn, non-empty Text artist: titles, labels, tick labels, legend texts, annotations."""
    renderer = fig.canvas.get_renderer()
    every_tick, drawn_ticks = _tick_labels(fig)
    texts = []
    for artist in fig.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        if id(artist) in every_tick and id(artist) not in drawn_ticks:
            continue
        # skip texts whose ancestors are hidden (e.g. a hidden axis or legend)
        parent = getattr(artist, "axes", None)
        if parent is not None and not parent.get_visible():
            continue
        if isinstance(artist, Annotation) and not artist.get_text().strip():
            continue
        box = artist.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        texts.append(artist)
    return texts


def _in_hidden_legend(text: Text, fig: Figure) -> bool:
    for legend in fig.findobj(Legend):
        if not legend.get_visible() and (text in legend.get_texts() or text is legend.get_title()):
            return True
    return False


def _label(text: Text) -> str:
    return repr(text.get_text()[:40])


def layout_problems(fig: Figure, tolerance: float = TOLERANCE_PX) -> list[str]:
    """Sentences naming every text outside the canvas and every pair of overlapping text boxes."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox if fig.get_layout_engine() is not None else fig.get_tightbbox(renderer).transformed(
        fig.dpi_scale_trans)
    problems = []
    texts = [t for t in visible_texts(fig) if not _in_hidden_legend(t, fig)]
    # the box of the text itself (an Annotation's own extent also covers its arrow)
    boxes = [Text.get_window_extent(t, renderer) for t in texts]
    for text, box in zip(texts, boxes):
        if (box.x0 < canvas.x0 - tolerance or box.y0 < canvas.y0 - tolerance
                or box.x1 > canvas.x1 + tolerance or box.y1 > canvas.y1 + tolerance):
            problems.append(f"text {_label(text)} leaves the canvas ({box.x0:.0f}..{box.x1:.0f} x "
                            f"{box.y0:.0f}..{box.y1:.0f} px; canvas {canvas.x0:.0f}..{canvas.x1:.0f} x "
                            f"{canvas.y0:.0f}..{canvas.y1:.0f})")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = boxes[i], boxes[j]
            overlap = Bbox.intersection(a, b)
            if overlap is not None and overlap.width > tolerance and overlap.height > tolerance:
                problems.append(f"texts {_label(texts[i])} and {_label(texts[j])} overlap "
                                f"({overlap.width:.0f} x {overlap.height:.0f} px)")
    return problems


def covered_lines(fig: Figure, tolerance: float = TOLERANCE_PX, drawn: bool = False) -> list[tuple[str, str]]:
    """(box, line) pairs where a plotted line runs under a framed text box or a key inside an axes.

    A box hides what runs under it, so a curve passing through a white text box or a key reads as
    stopping there. Lines are followed between their points (10 steps per segment) and only where
    they are drawn: inside their axes. ``drawn``: the figure was drawn on its Agg canvas since it last
    changed (e.g. by :func:`layout_problems`), so it is not drawn again.
    """
    import numpy as np

    if not drawn:
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        area = ax.get_window_extent(renderer)
        boxes = [(_label(t), t.get_bbox_patch().get_window_extent(renderer)) for t in ax.texts
                 if t.get_visible() and t.get_text().strip() and t.get_bbox_patch() is not None]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            boxes.append(("the key", legend.get_window_extent(renderer)))
        for line in ax.lines:
            if not line.get_visible() or len(line.get_xydata()) == 0:
                continue
            points = line.get_transform().transform(line.get_xydata())
            if len(points) > 1:
                steps = np.linspace(0, 1, 10, endpoint=False)[:, None, None]
                points = np.vstack([(points[:-1] + steps * (points[1:] - points[:-1])).reshape(-1, 2), points[-1:]])
            points = points[np.isfinite(points).all(axis=1)]
            points = points[(points[:, 0] >= area.x0) & (points[:, 0] <= area.x1)
                            & (points[:, 1] >= area.y0) & (points[:, 1] <= area.y1)]
            for name, box in boxes:
                inside = ((points[:, 0] > box.x0 + tolerance) & (points[:, 0] < box.x1 - tolerance)
                          & (points[:, 1] > box.y0 + tolerance) & (points[:, 1] < box.y1 - tolerance))
                if inside.any():
                    found.append((name, line.get_label()))
    return found
