"""Icon arrays: "x out of N people" drawn as N small symbols, for absolute risks.

People understand "3 of 55" or "2 in 100" better than "hazard ratio 0.07" or "2.1%". An icon
array shows each person as one symbol. Accessibility: people with the outcome are drawn as
**filled squares with a cross**, people without it as **open circles**, so the two differ in
shape and fill (dark grey against white), not by colour, and
:func:`icon_array_text` gives the same information as a sentence for alt text and captions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..style import GREYS, OKABE_ITO, figure_style

#: Neutral greys and black only: the series' colours already mean something (vermillion = ALS,
#: blue = MS, the badge colours = evidence), so an icon array borrows none of them.
#: Darker than the E! badge grey (#555555), so no fill colour of the series has two meanings.
EVENT_FILL = "#333333"
EVENT_STYLE = {"marker": "s", "markersize": 11, "markerfacecolor": EVENT_FILL,
               "markeredgecolor": OKABE_ITO["black"], "markeredgewidth": 1.0, "linestyle": "none"}
CROSS_STYLE = {"marker": "x", "markersize": 7, "color": "white", "markeredgewidth": 1.6,
               "linestyle": "none"}
NO_EVENT_STYLE = {"marker": "o", "markersize": 10, "markerfacecolor": "white",
                  "markeredgecolor": GREYS["dark"], "markeredgewidth": 1.2, "linestyle": "none"}


@dataclass(frozen=True)
class IconPanel:
    """One group: ``events`` of ``total`` people had the outcome. ``label`` names the group."""
    label: str
    events: int
    total: int

    def __post_init__(self):
        if not isinstance(self.total, int) or not isinstance(self.events, int):
            raise TypeError("events and total must be whole numbers of people")
        if self.total < 1 or self.total > 400:
            raise ValueError(f"total must be between 1 and 400 people, got {self.total}")
        if not 0 <= self.events <= self.total:
            raise ValueError(f"events must be between 0 and total ({self.total}), got {self.events}")


def icon_positions(total: int, columns: int) -> list[tuple[int, int]]:
    """Grid positions (column, row) for ``total`` icons, filled row by row from the top left."""
    return [(i % columns, i // columns) for i in range(total)]


def icon_array_text(panels: list[IconPanel], outcome: str, per: int | None = None) -> str:
    """The figure as a sentence, e.g. "aHSCT: 3 of 55 people disability progressed (about 5 in 100)".

    ``per`` (e.g. 100) adds the natural frequency "about k in per" when the group is not already
    that size.
    """
    parts = []
    for p in panels:
        text = f"{p.label}: {p.events} of {p.total} people {outcome}"
        if per and p.total != per:
            text += f" (about {round(per * p.events / p.total)} in {per})"
        parts.append(text)
    return "; ".join(parts) + "."


def icon_array_figure(panels: list[IconPanel], title: str, outcome: str, no_outcome: str,
                      columns: int = 10) -> Figure:
    """One icon array per group, side by side, with a legend that names both symbols.

    Each icon is one person: a filled square with a cross for ``outcome``, an open circle for
    ``no_outcome``. Pass panels of any size up to 400; rows are added as needed.
    """
    if not panels:
        raise ValueError("give at least one IconPanel")
    rows = max(math.ceil(p.total / columns) for p in panels)
    width = max(3.6 * len(panels), 6.5)
    with figure_style():
        fig = Figure(figsize=(width, 0.36 * rows + 2.2), layout="constrained")
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for ax, panel in zip(axes, panels):
            positions = icon_positions(panel.total, columns)
            xs = [c for c, _ in positions]
            ys = [-r for _, r in positions]
            ax.plot(xs[panel.events:], ys[panel.events:], **NO_EVENT_STYLE)
            ax.plot(xs[:panel.events], ys[:panel.events], **EVENT_STYLE)
            ax.plot(xs[:panel.events], ys[:panel.events], **CROSS_STYLE)
            ax.set_title(f"{panel.label}\n{panel.events} of {panel.total}", fontsize=13)
            ax.set_xlim(-0.7, columns - 0.3)
            ax.set_ylim(-rows + 0.3, 0.7)
            ax.set_aspect("equal")
            ax.axis("off")
        handles = [(Line2D([], [], **EVENT_STYLE), Line2D([], [], **CROSS_STYLE)), Line2D([], [], **NO_EVENT_STYLE)]
        fig.legend(handles, [f"{outcome} (filled square with a cross)", f"{no_outcome} (open circle)"],
                   loc="outside lower center", ncols=1, frameon=False, fontsize=11)
        fig.suptitle(title, fontsize=14, wrap=True)
    return fig


def comparison_icon_array(kb, comparison: str, outcome: str, no_outcome: str,
                          columns: int = 11) -> tuple[Figure, str]:
    """(figure, text equivalent) for a two-group comparison stored as counts in disease_facts.csv
    (see :data:`helpers.absolute_risk.COMPARISONS`)."""
    from ..absolute_risk import COMPARISONS, comparison_counts

    panels = [IconPanel(label, events, total) for label, events, total in comparison_counts(kb, comparison)]
    title = COMPARISONS[comparison]["title"]
    fig = icon_array_figure(panels, title, outcome, no_outcome, columns=columns)
    return fig, f"Icon array, one symbol per person. {title}. " + icon_array_text(panels, outcome, per=100)


def rate_icon_array(kb, fact_id: str, label: str, outcome: str, no_outcome: str,
                    title: str = "Out of every 100 people") -> tuple[Figure, str]:
    """(figure, text equivalent) for a percentage in disease_facts.csv drawn as 100 people,
    rounded to whole people; the text keeps the exact percentage."""
    from ..absolute_risk import rate_per_100

    rate = rate_per_100(kb, fact_id)
    panel = IconPanel(label, round(rate), 100)
    fig = icon_array_figure([panel], f"{title}: about {round(rate)} in 100 ({rate:g}%)", outcome, no_outcome,
                            columns=10)
    return fig, (f"Icon array of 100 people. {label}: about {round(rate)} in 100 {outcome} "
                 f"({rate:g}%); the other {100 - round(rate)} {no_outcome}.")
