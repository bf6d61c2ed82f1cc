"""Figures and tables for lesson 04: the cell types of the series, arranged by potency.

* :func:`potency_map_figure` draws every cell type in ``data/cell_types.csv`` in a column for
  its potency (widest on the left), with arrows for what each cell is made from or can become,
  and (for one highlighted cell) dotted lines to what it has *not* been shown to become.
* :func:`article_claims_html` sets claims of the promotional source article beside what the
  knowledge base says about them, with evidence badges from ``data/therapy_effects.csv``.

Nothing here holds a result of its own: the boxes, their potency, stem-cell status and role, and
the text behind every arrow come from ``data/``. :data:`LINEAGE` and :data:`NOT_SHOWN` only say
*which* arrows to draw; each names the column of ``cell_types.csv`` and a phrase that must occur
in it, and the tests check that it does, so an arrow cannot drift away from its source row.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, PathPatch
from matplotlib.path import Path

from .. import queries
from ..data import CAVEAT_COLUMNS, POTENCY, KnowledgeBase, derived, load_knowledge_base
from ..markup import Html, attr, esc, table_html
from ..style import GREYS, OKABE_ITO, blit_png, evidence_badge_html, figure_style, caveat_tags_html

#: Potency columns, widest potential first (the order of the schema's vocabulary).
POTENCY_ORDER: tuple[str, ...] = tuple(POTENCY)

#: Short labels for the boxes (the full names are in ``cell_types.csv``; unknown ids fall back to them).
SHORT_LABELS = {
    "esc": "Embryonic stem\ncell (ESC)",
    "ipsc": "Induced pluripotent\nstem cell (iPSC)",
    "hsc": "Blood-forming stem\ncell (HSC)",
    "msc": "Mesenchymal stromal\ncell (MSC)",
    "msc_ntf": "MSC-NTF\n(NurOwn)",
    "nsc": "Neural stem/progenitor\ncell (NSC/NPC)",
    "msc_np": "MSC-derived neural\nprogenitor (MSC-NP)",
    "npc_gdnf": "GDNF-secreting neural\nprogenitor (CNS10)",
    "grp": "Glial-restricted\nprogenitor (GRP)",
    "ipsc_opc": "iPSC-derived OPC",
    "opc": "OPC (oligodendrocyte\nprogenitor cell)",
    "t_cell": "T cell",
    "b_cell": "B cell",
    "esc_astrocyte": "ESC-derived astrocyte\n(AstroRx)",
    "ipsc_astrocyte": "iPSC-derived astrocyte",
    "ipsc_motor_neuron": "iPSC-derived\nmotor neuron",
    "astrocyte": "Astrocyte",
    "oligodendrocyte": "Oligodendrocyte",
    "neuron": "Neuron (brain, cord)",
    "motor_neuron": "Motor neuron",
    "microglia": "Microglia",
    "schwann_cell": "Schwann cell",
}

#: Row (top = 0) of each known cell type inside its potency column, chosen so that arrows run mostly
#: left to right; a cell type added to the data later is placed below the others in its column.
ROWS = {"esc": 0.0, "ipsc": 1.5,
        "nsc": 6.2, "msc": 7.2, "msc_ntf": 8.5, "hsc": 9.9,
        "ipsc_opc": 2.35, "npc_gdnf": 3.2, "opc": 4.2, "grp": 5.2, "msc_np": 7.2,
        "esc_astrocyte": 0.0, "ipsc_motor_neuron": 1.0, "ipsc_astrocyte": 2.0, "astrocyte": 3.2,
        "oligodendrocyte": 4.2, "motor_neuron": 5.2, "neuron": 6.2, "microglia": 7.2, "schwann_cell": 8.2,
        "t_cell": 9.4, "b_cell": 10.4}
ORDER = tuple(sorted(ROWS, key=ROWS.get))


@dataclass(frozen=True)
class Link:
    """An arrow between two cell types and the text in ``cell_types.csv`` that supports it.

    ``column`` is a column of the row named by ``row`` ("parent" or "child"), and ``phrase``
    must occur in it (case-insensitive). The phrase must also name the *other* cell of the
    arrow: its singular form (or ``other_phrase``, where the text names a wider class such as
    "immune cells") must occur in that cell's name.
    """

    parent: str
    child: str
    row: str
    column: str
    phrase: str
    other_phrase: str | None = None


#: What each cell is made from (``sources`` of the child) or can become (``can_become`` of the parent).
LINEAGE: tuple[Link, ...] = (
    Link("esc", "esc_astrocyte", "child", "sources", "embryonic stem cells"),
    Link("ipsc", "ipsc_motor_neuron", "child", "sources", "iPSCs"),
    Link("ipsc", "ipsc_astrocyte", "child", "sources", "iPSCs"),
    Link("ipsc", "ipsc_opc", "child", "sources", "iPSCs"),
    Link("msc", "msc_ntf", "child", "sources", "MSCs"),
    Link("msc", "msc_np", "child", "sources", "MSCs"),
    Link("nsc", "npc_gdnf", "child", "sources", "progenitor cells"),
    Link("hsc", "t_cell", "parent", "can_become", "immune cell", other_phrase="T cell"),
    Link("hsc", "b_cell", "parent", "can_become", "immune cell", other_phrase="B cell"),
    Link("nsc", "neuron", "parent", "can_become", "neurons"),
    Link("nsc", "astrocyte", "parent", "can_become", "astrocytes"),
    Link("nsc", "oligodendrocyte", "parent", "can_become", "oligodendrocytes"),
    Link("grp", "astrocyte", "parent", "can_become", "astrocytes"),
    Link("grp", "oligodendrocyte", "parent", "can_become", "oligodendrocytes"),
    Link("ipsc_opc", "oligodendrocyte", "parent", "can_become", "oligodendrocytes"),
    Link("ipsc_opc", "astrocyte", "parent", "can_become", "astrocytes"),
    Link("opc", "oligodendrocyte", "parent", "can_become", "oligodendrocytes"),
    Link("npc_gdnf", "astrocyte", "parent", "can_become", "astrocytes"),
)

#: What a cell has *not* been shown to become (``cannot_become`` of the parent); drawn for the highlighted cell.
NOT_SHOWN: tuple[Link, ...] = (
    Link("msc", "motor_neuron", "parent", "cannot_become", "motor neurons"),
    Link("msc", "neuron", "parent", "cannot_become", "neurons"),
    Link("msc_ntf", "motor_neuron", "parent", "cannot_become", "motor neurons"),
    Link("msc_np", "oligodendrocyte", "parent", "cannot_become", "oligodendrocytes"),
    Link("msc_np", "neuron", "parent", "cannot_become", "neurons"),
    Link("hsc", "neuron", "parent", "cannot_become", "neurons"),
    Link("hsc", "oligodendrocyte", "parent", "cannot_become", "myelin-forming", other_phrase="Oligodendrocyte"),
    Link("opc", "neuron", "parent", "cannot_become", "neurons"),
    Link("grp", "neuron", "parent", "cannot_become", "neurons"),
    Link("npc_gdnf", "motor_neuron", "parent", "cannot_become", "motor neurons"),
)

ROLE_FILL = {"native": "#FFFFFF", "therapeutic": "#D5ECF9"}  # white; a light tint of Okabe–Ito sky blue
ROLE_TEXT = {"native": "cell of the body",
             "therapeutic": "therapy, concept or research tool"}
STEM_EDGE = {"yes": {"linewidth": 2.8, "linestyle": "-"},
             "debated": {"linewidth": 2.0, "linestyle": (0, (4, 2))},
             "no": {"linewidth": 0.8, "linestyle": "-"}}
STEM_TEXT = {"yes": "stem cell", "debated": "stem-cell status debated", "no": "not a stem cell"}

#: Arrow style per kind of link: "can become" (in the body, column ``can_become``) and "is made from"
#: (in the laboratory, column ``sources``) differ in line style *and* head, not in colour alone.
LINK_STYLES = {
    "can_become": {"arrowstyle": "-|>", "linestyle": "-", "text": "A → B: A can become B (in the body)"},
    "sources": {"arrowstyle": "->", "linestyle": (0, (6, 3)), "text": "A ⇢ B: B is made from A (in the lab)"},
}
NOT_SHOWN_STYLE = {"linestyle": (0, (1.5, 2.5)), "text": "✗ on a dotted line: not shown to become\n(drawn for the selected cell)"}
#: The selected cell: a pale halo behind its box and a bold label; its border keeps its stem-cell meaning.
HIGHLIGHT_FILL = "#FFE9A8"  # pale amber, used for nothing else in the series
HIGHLIGHT_TEXT = "selected cell (halo, bold name)"
POTENCY_NOTES = {"totipotent": "fertilised egg and\nearliest embryo only;\nno therapy uses them"}

BOX_W, BOX_H, COL_STEP, ROW_STEP = 2.05, 0.62, 2.55, 0.78


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def short_label(cell_type_id: str, name: str) -> str:
    """The box label of a cell type: a short form if one is set, otherwise its wrapped full name."""
    return SHORT_LABELS.get(cell_type_id) or textwrap.fill(name, 22)


def ordered_cell_types(kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """``cell_types.csv`` sorted by potency (widest first), then by :data:`ORDER`, then by name."""
    cells = _kb(kb).cell_types.copy()
    position = {cell_id: i for i, cell_id in enumerate(ORDER)}
    cells["_potency"] = [POTENCY_ORDER.index(str(p)) for p in cells["potency"]]
    cells["_order"] = [position.get(str(c), len(ORDER)) for c in cells["cell_type_id"]]
    cells["_name"] = cells["name"].astype(str).str.lower()
    return cells.sort_values(["_potency", "_order", "_name"]).drop(columns=["_potency", "_order", "_name"])


def link_supported(link: Link, kb: KnowledgeBase | None = None) -> bool:
    """True if the phrase behind an arrow occurs in the named column of its source row, and names the other cell."""
    return _supported_in(link, _kb(kb).cell_types.set_index("cell_type_id"))


def _derived(kb: KnowledgeBase) -> dict:
    """The supported links and the parts of the map's description that do not depend on the selection,
    made once per knowledge base (a new one is checked anew). Widgets ask for them on every change;
    checking 28 links against the table each time cost more than drawing the map."""
    def build():
        cells = kb.cell_types.set_index("cell_type_id")
        return {"lineage": tuple(link for link in LINEAGE if _supported_in(link, cells)),
                "not_shown": tuple(link for link in NOT_SHOWN if _supported_in(link, cells)),
                "names": {str(c): str(n) for c, n in zip(kb.cell_types["cell_type_id"], kb.cell_types["name"])}}

    return derived(kb, "cell map", build)


def supported_links(kb: KnowledgeBase | None = None) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """The arrows of :data:`LINEAGE` and :data:`NOT_SHOWN` whose source text supports them (cached per knowledge base)."""
    parts = _derived(_kb(kb))
    return parts["lineage"], parts["not_shown"]


def _supported_in(link: Link, cells: pd.DataFrame) -> bool:
    if link.parent not in cells.index or link.child not in cells.index:
        return False
    row = cells.loc[link.parent if link.row == "parent" else link.child]
    other = cells.loc[link.child if link.row == "parent" else link.parent]
    other_phrase = link.other_phrase or (link.phrase[:-1] if link.phrase.endswith("s") else link.phrase)
    return (link.phrase.lower() in str(row[link.column]).lower()
            and other_phrase.lower() in str(other["name"]).lower())


def link_kind(link: Link) -> str:
    """``"sources"`` for "B is made from A" (laboratory), ``"can_become"`` for "A can become B" (body)."""
    return "sources" if link.column == "sources" else "can_become"


def key_handles() -> list:
    """The key of the potency map: fill = what a cell is, border = stem-cell status, and the line styles.

    Every entry differs from every other in its drawing, not only in colour (a test checks this).
    """
    handles = [Patch(facecolor=ROLE_FILL[r], edgecolor=GREYS["mid"], linewidth=0.6, linestyle=":",
                     label=f"fill: {ROLE_TEXT[r]}") for r in ("native", "therapeutic")]
    handles += [Patch(facecolor="white", edgecolor=OKABE_ITO["black"], label=f"border: {STEM_TEXT[s]}",
                      **STEM_EDGE[s]) for s in ("yes", "debated", "no")]
    handles.append(Patch(facecolor=HIGHLIGHT_FILL, edgecolor=GREYS["dark"], linewidth=0.8, label=HIGHLIGHT_TEXT))
    handles += [Line2D([], [], color=GREYS["dark"], lw=1.3, linestyle=LINK_STYLES[k]["linestyle"],
                       marker=">" if k == "can_become" else "4", markersize=7, markevery=[-1],
                       label=LINK_STYLES[k]["text"]) for k in ("can_become", "sources")]
    handles.append(Line2D([0, 0.5, 1], [0, 0, 0], color=OKABE_ITO["black"], lw=1.8, linestyle=NOT_SHOWN_STYLE["linestyle"],
                          marker="x", markevery=[1], markersize=7, label=NOT_SHOWN_STYLE["text"]))
    return handles


def layout(kb: KnowledgeBase | None = None) -> dict[str, tuple[float, float]]:
    """Centre ``(x, y)`` of each cell type's box: one column per potency, rows from :data:`ROWS`."""
    cells = ordered_cell_types(kb)
    positions: dict[str, tuple[float, float]] = {}
    for column, potency in enumerate(POTENCY_ORDER):
        ids = [str(c) for c in cells.loc[cells["potency"] == potency, "cell_type_id"]]
        next_row = max([ROWS[i] for i in ids if i in ROWS], default=-1.0) + 1.0
        for cell_id in ids:
            if cell_id in ROWS:
                row = ROWS[cell_id]
            else:
                row, next_row = next_row, next_row + 1.0
            positions[cell_id] = (column * COL_STEP, -row * ROW_STEP)
    return positions


class PotencyMapPlot:
    """The potency map, built once; :meth:`update` highlights one cell type (or none) without rebuilding."""

    def __init__(self, kb: KnowledgeBase | None = None, figsize=(12.0, 9.6)):
        self.kb = kb = _kb(kb)
        cells = ordered_cell_types(kb)
        self.rows = cells.set_index("cell_type_id")
        self.pos = pos = layout(kb)
        lineage, not_shown = supported_links(kb)
        self.links, self.not_shown = list(lineage), list(not_shown)
        self._drawn: dict[FancyArrowPatch, np.ndarray] = {}  # each arrow's points as drawn (arrow_points)
        lowest = min((y for _, y in pos.values()), default=0.0)
        with figure_style():
            self.fig = fig = Figure(figsize=figsize, layout="constrained")
            self.ax = ax = fig.add_subplot()
            ax.set_title("Cell types of the series, by potency (what each can become narrows to the right)",
                         loc="left", fontsize=14)
            for column, potency in enumerate(POTENCY_ORDER):
                x = column * COL_STEP
                ax.text(x, 0.85, potency.capitalize(), ha="center", va="bottom", fontsize=13, fontweight="bold")
                if potency in POTENCY_NOTES and not any(self.rows["potency"] == potency):
                    ax.text(x, -0.2, POTENCY_NOTES[potency], ha="center", va="top", fontsize=10,
                            color=GREYS["dark"], style="italic")
            ax.annotate("", xy=((len(POTENCY_ORDER) - 1) * COL_STEP + BOX_W / 2, 1.45), xytext=(-BOX_W / 2, 1.45),
                        arrowprops={"arrowstyle": "-|>", "lw": 1.5, "color": GREYS["dark"]})
            ax.text(-BOX_W / 2, 1.55, "more cell types possible", ha="left", va="bottom", fontsize=10,
                    color=GREYS["dark"])
            ax.text((len(POTENCY_ORDER) - 1) * COL_STEP + BOX_W / 2, 1.55, "more specialised", ha="right",
                    va="bottom", fontsize=10, color=GREYS["dark"])

            self.boxes: dict[str, FancyBboxPatch] = {}
            self.halos: dict[str, FancyBboxPatch] = {}
            self.labels: dict[str, object] = {}
            # Patches go in with add_artist, not add_patch: the limits are set below, and add_patch would first
            # work out each patch's extent for autoscaling (for a curved arrow, its whole drawn path).
            for cell_id, (x, y) in pos.items():
                row = self.rows.loc[cell_id]
                box = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.02",
                                     facecolor=ROLE_FILL[str(row["role"])], edgecolor=OKABE_ITO["black"], zorder=3,
                                     **STEM_EDGE[str(row["is_stem_cell"])])
                ax.add_artist(box)
                self.boxes[cell_id] = box
                halo = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.11",
                                      facecolor=HIGHLIGHT_FILL, edgecolor=GREYS["dark"], linewidth=0.8, zorder=2.8,
                                      visible=False)
                ax.add_artist(halo)
                self.halos[cell_id] = halo
                self.labels[cell_id] = ax.text(x, y, short_label(cell_id, str(row["name"])), ha="center",
                                               va="center", fontsize=9.5, zorder=4, linespacing=1.05)

            self.arrivals = self.arrival_offsets()
            self.arrows: list[tuple[Link, FancyArrowPatch]] = []
            for link in self.links:
                style = LINK_STYLES[link_kind(link)]
                arrow = self._arrow(link, colour=GREYS["mid"], lw=1.1, style=style["arrowstyle"],
                                    linestyle=style["linestyle"])
                self.arrows.append((link, arrow))
            self.crosses: list[tuple[Link, PathPatch, object]] = []
            for link in self.not_shown:
                line, (mx, my) = self._curve(link, rad=-0.25)
                line.set_visible(False)
                # the mark sits on its own line (the middle of the curve), never at a box other lines also reach
                mark = ax.text(mx, my, "✗", fontsize=11, ha="center", va="center", zorder=6, visible=False,
                               fontweight="bold", bbox={"facecolor": "white", "edgecolor": OKABE_ITO["black"],
                                                        "boxstyle": "circle,pad=0.15"})
                self.crosses.append((link, line, mark))

            ax.set_xlim(-BOX_W / 2 - 0.2, (len(POTENCY_ORDER) - 1) * COL_STEP + BOX_W / 2 + 0.2)
            ax.set_ylim(lowest - BOX_H, 2.0)
            ax.set_axis_off()
            handles = key_handles()
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-BOX_W / 2, -2.4 * ROW_STEP),
                      bbox_transform=ax.transData, fontsize=9.5, frameon=True,
                      framealpha=0.95, title="Key", title_fontsize=10)
        self.highlighted: str | None = None
        self._canvas = None
        self._background = None

    def _curve(self, link: Link, rad: float) -> tuple[PathPatch, tuple[float, float]]:
        """A dotted line from the right edge of the parent's box to the left edge of the child's, drawn in
        data coordinates, and the point of it in the middle of the gap before the child's column (where
        its mark goes: on this line, clear of the boxes). Neighbouring columns get a straight line."""
        (x0, y0), (x1, y1) = self.pos[link.parent], self.pos[link.child]
        start, end = np.array([x0 + BOX_W / 2, y0]), np.array([x1 - BOX_W / 2, y1])
        if abs(x1 - x0) <= COL_STEP + 1e-9:
            rad = 0.0
        path = Path([start, self.arc_control(start, end, rad), end], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
        line = PathPatch(path, facecolor="none", edgecolor=OKABE_ITO["black"], linewidth=1.8,
                         linestyle=NOT_SHOWN_STYLE["linestyle"], zorder=2.6)
        self.ax.add_artist(line)
        points = self.arc_points(start, end, rad, t=np.linspace(0.5, 1.0, 201))
        gap_x = x1 - COL_STEP / 2
        mark = points[int(np.argmin(np.abs(points[:, 0] - gap_x)))]
        return line, (float(mark[0]), float(mark[1]))

    def boxes_crossed(self, points: np.ndarray, link: Link) -> list[str]:
        """Cell types whose box a line through ``points`` (data coordinates) passes under, other than
        the two the link joins: a line hidden behind a box reads as starting or ending there."""
        margin = 0.02
        return [cell_id for cell_id, (x, y) in self.pos.items() if cell_id not in (link.parent, link.child)
                and bool(np.any((np.abs(points[:, 0] - x) < BOX_W / 2 - margin)
                                & (np.abs(points[:, 1] - y) < BOX_H / 2 - margin)))]

    @staticmethod
    def arc_control(start, end, rad: float) -> np.ndarray:
        """The control point of matplotlib's ``arc3`` connection (a quadratic Bézier) from ``start`` to ``end``."""
        start, end = np.asarray(start, float), np.asarray(end, float)
        dx, dy = end - start
        return (start + end) / 2 + rad * np.array([dy, -dx])

    @classmethod
    def arc_points(cls, start, end, rad: float, t: np.ndarray | None = None) -> np.ndarray:
        """Points along the ``arc3`` connection at parameters ``t`` (default: 200 from start to end)."""
        start, end = np.asarray(start, float), np.asarray(end, float)
        control = cls.arc_control(start, end, rad)
        t = (np.linspace(0.0, 1.0, 200) if t is None else np.asarray(t, float))[:, None]
        return (1 - t) ** 2 * start + 2 * t * (1 - t) * control + t ** 2 * end

    @staticmethod
    def elbow_corners(start, end) -> np.ndarray:
        """An elbow from ``start``: along its row to the gap before the child's column, up or down that
        gap, and into the child's box from the left (its four corners)."""
        x_gap = end[0] - (COL_STEP - BOX_W) / 2
        return np.array([start, (x_gap, start[1]), (x_gap, end[1]), end], float)

    @staticmethod
    def polyline_points(corners: np.ndarray, n: int = 200) -> np.ndarray:
        """``n`` points spread along a polyline through ``corners``."""
        t = np.linspace(0.0, 1.0, n) * (len(corners) - 1)
        return np.column_stack([np.interp(t, np.arange(len(corners)), corners[:, i]) for i in (0, 1)])

    def arrival_offsets(self, spread: float = 0.34) -> dict[tuple[str, str], float]:
        """Where each arrow meets its child's box, as a vertical offset from the box's middle: arrows
        from other columns that end at the same box are spaced along its left edge, the one from the
        highest source at the top, so that their heads do not pile into one point."""
        incoming: dict[str, list[Link]] = {}
        for link in self.links:
            if abs(self.pos[link.parent][0] - self.pos[link.child][0]) > 1e-9:
                incoming.setdefault(link.child, []).append(link)
        offsets = {}
        for child, links in incoming.items():
            links = sorted(links, key=lambda l: -self.pos[l.parent][1])
            steps = np.linspace(spread, -spread, len(links)) if len(links) > 1 else [0.0]
            for link, step in zip(links, steps):
                offsets[(link.parent, link.child)] = float(step) * BOX_H
        return offsets

    def _arrow(self, link: Link, colour: str, lw: float, style: str, linestyle="-",
               rad: float | None = None) -> FancyArrowPatch:
        """The arrow of one link: straight between neighbouring columns, a gentle arc across wider gaps,
        or, where an arc would pass under another cell's box, an elbow through the gap between boxes."""
        (x0, y0), (x1, y1) = self.pos[link.parent], self.pos[link.child]
        kwargs = dict(arrowstyle=style, mutation_scale=11, color=colour, lw=lw, linestyle=linestyle, zorder=2)
        if abs(x1 - x0) < 1e-9:  # same column: from the bottom of one box to the top of the other
            start, end, rad = (x0 + BOX_W * 0.3, y0 - BOX_H / 2), (x1 + BOX_W * 0.3, y1 + BOX_H / 2), 0.0
        else:
            start, end = (x0 + BOX_W / 2, y0), (x1 - BOX_W / 2, y1 + self.arrivals.get((link.parent, link.child), 0.0))
            if rad is None:  # straight between neighbouring columns or along a free row; else a gentle arc
                rad = 0.0 if abs(x1 - x0) <= COL_STEP + 1e-9 or abs(y1 - y0) < 1e-9 else -0.08
            if self.boxes_crossed(self.arc_points(start, end, rad), link):
                corners = self.elbow_corners(start, end)
                if not self.boxes_crossed(self.polyline_points(corners), link):
                    codes = [Path.MOVETO] + [Path.LINETO] * 3
                    arrow = FancyArrowPatch(path=Path(corners, codes), **kwargs)
                    self.ax.add_artist(arrow)
                    self._drawn[arrow] = self.polyline_points(corners)
                    return arrow
        arrow = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}", shrinkA=1, shrinkB=1, **kwargs)
        self.ax.add_artist(arrow)
        self._drawn[arrow] = self.arc_points(start, end, rad)
        return arrow

    def arrow_points(self, arrow: FancyArrowPatch) -> np.ndarray:
        """Points along an arrow as drawn, in data coordinates (for checks such as :meth:`boxes_crossed`);
        recorded when the arrow was made, so no private attribute of matplotlib is read."""
        return self._drawn[arrow]

    def update(self, highlight: str | None = None) -> dict:
        """Highlight one cell type, its arrows and what it has not been shown to become (``None``: no highlight)."""
        if highlight is not None and highlight not in self.boxes:
            raise ValueError(f"Unknown cell type {highlight!r}; valid: {', '.join(self.boxes)}")
        # the border always means stem-cell status (as the key says); the selection is a halo and a bold name
        for cell_id, halo in self.halos.items():
            halo.set_visible(cell_id == highlight)
            self.labels[cell_id].set_fontweight("bold" if cell_id == highlight else "normal")
        related = set()
        for link, arrow in self.arrows:
            on = highlight in (link.parent, link.child)
            arrow.set_color(OKABE_ITO["black"] if on else GREYS["mid"])
            arrow.set_linewidth(2.4 if on else 1.1)
            arrow.set_zorder(2.9 if on else 2)  # above the selected cell's halo, below the boxes
            if on:
                related.add(link.child if link.parent == highlight else link.parent)
        crossed = set()
        for link, arrow, mark in self.crosses:
            on = link.parent == highlight
            arrow.set_visible(on)
            mark.set_visible(on)
            if on:
                crossed.add(link.child)
        self.highlighted = highlight
        return {"related": sorted(related), "not_shown": sorted(crossed)}


    def overlay_artists(self) -> list:
        """What differs from the map with nothing selected: the selected cell's halo, box and bold name,
        its arrows and its "not shown" lines and marks."""
        out = []
        if self.highlighted is not None:
            out += [self.halos[self.highlighted], self.boxes[self.highlighted], self.labels[self.highlighted]]
        out += [arrow for link, arrow in self.arrows if self.highlighted in (link.parent, link.child)]
        out += [a for _, line, mark in self.crosses for a in (line, mark) if a.get_visible()]
        return out

    def png(self, highlight: str | None = None) -> bytes:
        """PNG bytes of the map with ``highlight`` selected, fast enough for a widget's first view.

        The map with nothing selected is laid out and drawn once; each selection then restores that
        picture and draws only :meth:`overlay_artists` over it (the "blitting" of animations), and
        the PNG is written with light compression. The layout is frozen after the first drawing.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        with figure_style():
            if self._background is None:
                self.update(None)
                self._canvas = FigureCanvasAgg(self.fig)
                self._canvas.draw()
                if self.fig.get_layout_engine() is not None:
                    self.fig.set_layout_engine("none")
                self._background = self._canvas.copy_from_bbox(self.fig.bbox)
            self.update(highlight)
            return blit_png(self._canvas, self._background, self.overlay_artists())


def potency_map_figure(highlight: str | None = None, kb: KnowledgeBase | None = None) -> Figure:
    """The potency map as a finished figure, optionally with one cell type highlighted."""
    plot = PotencyMapPlot(kb)
    plot.update(highlight)
    return plot.fig


def _names(ids: Iterable[str], cells: pd.DataFrame | dict) -> str:
    names = [str(cells[i]) if isinstance(cells, dict) else str(cells.loc[i, "name"]) for i in ids]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else "none"


def describe_potency_map(highlight: str | None = None, kb: KnowledgeBase | None = None) -> str:
    """One-sentence text alternative for :func:`potency_map_figure`, computed from the data."""
    kb = _kb(kb)
    parts = _derived(kb)
    if "text" not in parts:  # the whole map's description, remembered with the rest
        parts["text"] = _describe_whole_map(kb)
    text = parts["text"]
    if highlight is None:
        return text + "."
    names = parts["names"]
    lineage, not_shown = supported_links(kb)
    links = [link for link in lineage if highlight in (link.parent, link.child)]
    made = [link for link in links if link.column == "sources"]
    grows = [link for link in links if link.column != "sources"]
    relations = [("used to make", [link.child for link in made if link.parent == highlight]),
                 ("made from", [link.parent for link in made if link.child == highlight]),
                 ("can become", [link.child for link in grows if link.parent == highlight]),
                 ("can arise from", [link.parent for link in grows if link.child == highlight]),
                 ("not shown to become", [link.child for link in not_shown if link.parent == highlight])]
    row = kb.cell_types.loc[kb.cell_types["cell_type_id"] == highlight].iloc[0]
    text += f"; selected (halo): {row['name']} ({row['potency']}, {STEM_TEXT[str(row['is_stem_cell'])]})"
    for verb, ids in relations:
        if ids:
            text += f", {verb} {_names(ids, names)}"
    return text + "."


def _describe_whole_map(kb: KnowledgeBase) -> str:
    cells = ordered_cell_types(kb)
    by_id = cells.set_index("cell_type_id")
    parts = []
    for potency in POTENCY_ORDER:
        ids = [str(c) for c in cells.loc[cells["potency"] == potency, "cell_type_id"]]
        if ids:
            parts.append(f"{potency} {len(ids)}")
    stems = [str(c) for c in cells.loc[cells["is_stem_cell"] == "yes", "cell_type_id"]]
    debated = [str(c) for c in cells.loc[cells["is_stem_cell"] == "debated", "cell_type_id"]]
    text = (f"Map of {len(cells)} cell types in columns from widest to narrowest potency ({'; '.join(parts)}; "
            f"no cell type is totipotent); only {len(stems)} are stem cells in the strict sense "
            f"({_names(stems, by_id)}), {len(debated)} have a debated status (the MSC family); solid arrows show "
            f"what a cell can become in the body and dashed arrows what a cell is made from in the laboratory")
    return text


# =========================================================================== claims of the source article
@dataclass(frozen=True)
class ArticleClaim:
    """A claim of the promotional source article and the rows of ``data/`` that answer it.

    ``quote`` is a short quotation from the article (``...`` marks omitted words); ``summary``
    is the series' one-line answer; the evidence shown under it is read from the rows named by
    ``cell_type_id`` (its ``cell_column``, the correction unless set), ``effect_ids`` (each with its badge) and ``fact_ids``.
    """

    claim_id: str
    quote: str
    verdict: str
    summary: str
    cell_type_id: str | None = None
    cell_column: str = "correction"
    effect_ids: tuple[str, ...] = ()
    fact_ids: tuple[str, ...] = ()


VERDICTS = ("Wrong", "Not shown", "Tested, not shown to work", "Overstated", "Imprecise",
            "Right, but incomplete")

ARTICLE_CLAIMS: tuple[ArticleClaim, ...] = (
    ArticleClaim(
        "opc_stem_cell", "Oligodendrocyte precursor cells (OPCs), a type of stem cell", "Wrong",
        "OPCs are progenitors committed to the oligodendrocyte lineage, not stem cells; in MS they are usually "
        "present in lesions but stall before they mature.", cell_type_id="opc"),
    ArticleClaim(
        "msc_definition", "Mesenchymal stem cells are multipotent cells that can differentiate into ... bone, "
        "cartilage, and muscle tissue", "Imprecise",
        "The international definition lists bone, cartilage and fat cells, made in the laboratory; muscle is not on "
        "the list, and neither are nerve cells.", cell_type_id="msc", cell_column="can_become"),
    ArticleClaim(
        "new_motor_neurons", "Stem cells, particularly induced pluripotent stem cells (iPSCs) and mesenchymal stem "
        "cells (MSCs), have shown potential in generating new motor neurons ... implanted "
        "into the spinal cord or brain to replace lost or damaged motor neurons", "Not shown",
        "No transplant has replaced lost motor neurons in a person; for MSCs the idea is not supported at all.",
        cell_type_id="msc", effect_ids=("e009", "e018")),
    ArticleClaim(
        "msc_slow_als", "MSCs have anti-inflammatory properties ... This can slow down the progression of the "
        "disease", "Tested, not shown to work",
        "The two phase 3 trials of MSC products in ALS both missed their primary endpoints.",
        cell_type_id="msc_ntf", effect_ids=("e001", "e004", "e006")),
    ArticleClaim(
        "gene_corrected_ipsc", "iPSCs can be genetically engineered to carry healthy copies of the genes ... to "
        "correct the underlying genetic defects", "Not shown",
        "Gene-corrected iPSCs are a laboratory tool; the one approved gene-targeted ALS drug is an antisense "
        "medicine, not a cell.", cell_type_id="ipsc", effect_ids=("e020", "e025")),
    ArticleClaim(
        "msc_ms_immune", "Stem cells, particularly MSCs, can help modulate the immune system ... reduce the severity of MS flare-ups",
        "Tested, not shown to work",
        "The largest randomized trial (MESEMS, 144 people) found that MSCs did not reduce new inflammatory "
        "lesions, the MRI sign of flare-ups; a smaller single-centre trial (48 people, progressive MS) reported "
        "less disability worsening, a different outcome, not yet confirmed.",
        effect_ids=("e037", "e053")),
    ArticleClaim(
        "ipsc_opc_repair", "iPSCs can be used to create oligodendrocyte precursor cells, which can repair myelin "
        "damage and potentially restore function", "Overstated",
        "True in mice born without normal myelin; never tested in people with MS.",
        cell_type_id="ipsc_opc", effect_ids=("e044", "e045")),
    ArticleClaim(
        "stimulate_remyelination", "Studies have shown that stem cell-based therapies can stimulate remyelination",
        "Overstated",
        "Remyelination by transplanted cells has been seen in animals only; the favourable randomized "
        "remyelination trials in the knowledge base tested drugs (clemastine, alone and, reported only at a "
        "congress, with metformin), and their effects on a nerve-signal measure were small.",
        effect_ids=("e043", "e046", "e071")),
    ArticleClaim(
        "hsct_reset", "HSC transplantation has been used in certain types of MS as a way to \u201creset\u201d the "
        "immune system and halt disease progression", "Right, but incomplete",
        "The best-evidenced stem-cell approach in either disease, for active relapsing MS; the blood stem cells "
        "rebuild immunity and do not repair myelin, and the procedure can kill.",
        cell_type_id="hsc", effect_ids=("e033", "e035"), fact_ids=("ms_ahsct_trm",)),
    ArticleClaim(
        "early_trials", "Early trials have shown promising results, with some patients experiencing improvements "
        "in function", "Overstated",
        "Small early trials mainly test safety. Of the randomized trials of cell products with results, most "
        "missed their primary endpoint; aHSCT in MS is the clear exception.", effect_ids=("e041", "e039", "e001")),
)


def claim_ids() -> list[str]:
    """Ids of :data:`ARTICLE_CLAIMS`, in lesson order."""
    return [c.claim_id for c in ARTICLE_CLAIMS]


def _levels(kb: KnowledgeBase) -> dict[str, str]:
    return dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))


def claim_evidence(claim: ArticleClaim, kb: KnowledgeBase | None = None) -> list[dict]:
    """The data rows behind one claim: ``{"kind", "id", "level", "text", "refs"}``, plus for therapy
    claims their caveats (:data:`helpers.data.CAVEAT_COLUMNS`; see :func:`helpers.data.load_knowledge_base`;
    level None and no caveat for biology)."""
    kb = _kb(kb)
    rows: list[dict] = []
    if claim.cell_type_id:
        cell = kb.cell_types.set_index("cell_type_id").loc[claim.cell_type_id]
        lead = {"correction": ": ", "can_become": " can become: ", "cannot_become": " cannot become: "}
        text = f"{cell['name']}{lead.get(claim.cell_column, ': ')}{cell[claim.cell_column]}"
        rows.append({"kind": "cell_types", "id": claim.cell_type_id, "level": None, "text": text,
                     "refs": str(cell["ref_ids"])})
    effects = kb.therapy_effects.set_index("effect_id")
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    for effect_id in claim.effect_ids:
        e = effects.loc[effect_id]
        rows.append({"kind": "therapy_effects", "id": effect_id, "level": str(e["evidence_level"]),
                     **{caveat: bool(e[caveat]) for caveat in CAVEAT_COLUMNS},
                     "text": f"{names[e['therapy_id']]} ({str(e['disease_id']).upper()}): {e['note']}",
                     "refs": str(e["ref_ids"])})
    facts = kb.disease_facts.set_index("fact_id")
    for fact_id in claim.fact_ids:
        f = facts.loc[fact_id]
        value = f"{float(f['value']):g} {f['unit']}".replace(" %", "%")
        qualifier = "" if pd.isna(f["qualifier"]) else f" ({f['qualifier']})"
        rows.append({"kind": "disease_facts", "id": fact_id, "level": None,
                     "text": f"{str(f['quantity'])[:1].upper()}{str(f['quantity'])[1:]}: {value}{qualifier}",
                     "refs": str(f["ref_ids"])})
    return rows


def article_claims_html(claims: Iterable[str] | None = None, kb: KnowledgeBase | None = None) -> str:
    """Table: claim of the source article → what the knowledge base says (with badges and sources) → verdict."""
    kb = _kb(kb)
    by_id = {c.claim_id: c for c in ARTICLE_CLAIMS}
    wanted = claim_ids() if claims is None else list(claims)
    unknown = [c for c in wanted if c not in by_id]
    if unknown:
        raise ValueError(f"Unknown claim id(s) {', '.join(unknown)}; valid: {', '.join(by_id)}")
    labels = _levels(kb)
    body = []
    for claim_id in wanted:
        claim = by_id[claim_id]
        evidence = []
        for row in claim_evidence(claim, kb):
            badge = evidence_badge_html(row["level"], labels[row["level"]]) + " " if row["level"] else ""
            badge += caveat_tags_html(row)
            sources = queries.cite(row["refs"], kb, "short", sep="; ")
            # the data row stays traceable in an attribute, not in the text learners read
            evidence.append(f"<li style='margin-top:4px' data-source=\"{attr(str(row['kind']) + '.csv:' + str(row['id']))}\">"
                            f"{badge}{esc(row['text'])} <small>({sources})</small></li>")
        body.append([Html(f"<i>\u201c{esc(claim.quote)}\u201d</i>"),
                     Html(f"<b>{esc(claim.summary)}</b><ul style='margin:2px 0 0 0;padding-left:18px'>"
                          f"{''.join(evidence)}</ul>"),
                     Html(f"<b>{esc(claim.verdict)}</b>")])
    return table_html(["The article says", "What the evidence says", "Verdict"], body,
                      "Claims of the promotional article, checked against the knowledge base", css_class="article-claims")


def article_claims(claims: Iterable[str] | None = None, kb: KnowledgeBase | None = None) -> HTML:
    """:func:`article_claims_html` as a displayable object."""
    return HTML(article_claims_html(claims, kb))
