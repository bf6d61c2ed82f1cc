"""Figures about the evidence: the therapy × damage evidence map and the trial landscape.

Each function takes data (DataFrames from :mod:`helpers.queries`) and returns a matplotlib
``Figure`` built without pyplot (so nothing is shown twice in a notebook). Colour is never
the only cue: evidence cells carry a short text code, trial markers differ in shape.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from ..style import DISEASE_COLOURS, EVIDENCE_COLOURS, EVIDENCE_TEXT_COLOURS, GREYS, OKABE_ITO, figure_style

#: Short codes printed in evidence-map cells (so the map reads without colour).
#: (The same codes are in data/evidence_levels.csv, column ``code``; a test keeps them equal.)
EVIDENCE_CODES = {
    "rct_benefit": "R+", "rct_no_benefit": "R0", "rct_harm": "R!", "surrogate_benefit": "S+",
    "surrogate_no_benefit": "S0", "early_harm": "E!", "early_unclear": "E?", "lab_only": "L", "idea": "I",
    "established": "EST", "preclinical": "LAB", "hypothesis": "IDEA",
}
PHASE_MARKERS = {"1": "o", "1/2": "s", "2": "^", "2/3": "D", "3": "*", "observational": "X"}
RESULT_COLOURS = {
    "met": OKABE_ITO["bluish_green"], "not_met": OKABE_ITO["reddish_purple"], "safety_only": OKABE_ITO["yellow"],
    "mixed": OKABE_ITO["sky_blue"], "ongoing": GREYS["light"], "terminated": OKABE_ITO["black"],
    "not_reported": GREYS["mid"],
}
RESULT_LABELS = {"met": "primary endpoint met", "not_met": "primary endpoint not met", "safety_only": "safety only",
                 "mixed": "mixed", "ongoing": "ongoing", "terminated": "terminated", "not_reported": "not reported"}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)) or str(text)


def evidence_map_figure(matrix: pd.DataFrame, therapy_names: dict[str, str], damage_names: dict[str, str],
                        level_labels: dict[str, str], title: str,
                        unlinked: set[tuple[str, str]] = frozenset()) -> Figure:
    """Heat map of therapies (rows) × damage (columns), one colour and code per evidence level.

    ``matrix`` is :func:`helpers.queries.evidence_matrix` output; empty cells mean "no claim
    in the knowledge base", drawn white. Cells in ``unlinked`` (benefit for the disease, action
    on that damage not shown in people) get a dagger after their code.
    """
    levels = list(EVIDENCE_COLOURS)
    codes = np.full(matrix.shape, -1)
    for (r, c), value in np.ndenumerate(matrix.to_numpy(dtype=object)):
        if isinstance(value, str):
            codes[r, c] = levels.index(value)
    n_rows, n_cols = max(matrix.shape[0], 1), max(matrix.shape[1], 1)
    if matrix.empty:
        with figure_style():
            fig = Figure(figsize=(8.0, 2.0), layout="constrained")
            ax = fig.add_subplot()
            ax.set_axis_off()
            ax.set_title(title, loc="left")
            ax.text(0.5, 0.4, "No therapy claim passes these filters", ha="center", va="center", fontsize=14)
        return fig
    with figure_style():
        fig = Figure(figsize=(min(3.6 + 1.3 * n_cols, 17), 2.2 + 0.42 * n_rows), layout="constrained")
        ax = fig.add_subplot()
        cmap = ListedColormap(["#FFFFFF"] + [EVIDENCE_COLOURS[lvl] for lvl in levels])
        ax.imshow(codes + 1 if codes.size else np.zeros((1, 1)), cmap=cmap, vmin=0, vmax=len(levels),
                  aspect="auto", interpolation="nearest")
        for (r, c), code in np.ndenumerate(codes):
            if code >= 0:
                level = levels[code]
                mark = "†" if (matrix.index[r], matrix.columns[c]) in unlinked else ""
                ax.text(c, r, EVIDENCE_CODES[level] + mark, ha="center", va="center", fontsize=10, fontweight="bold",
                        color=EVIDENCE_TEXT_COLOURS[level])
        ax.set_xticks(range(matrix.shape[1]), [_wrap(damage_names.get(d, d), 12) for d in matrix.columns],
                      fontsize=9)
        ax.set_yticks(range(matrix.shape[0]), [therapy_names.get(t, t) for t in matrix.index], fontsize=11)
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, length=0)
        ax.tick_params(axis="y", length=0)
        ax.set_xticks(np.arange(-0.5, matrix.shape[1], 1), minor=True)
        ax.set_yticks(np.arange(-0.5, matrix.shape[0], 1), minor=True)
        ax.grid(which="minor", color="#888888", linewidth=0.6)
        ax.tick_params(which="minor", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("Kind of damage", fontsize=12)
        ax.set_ylabel("Therapy", fontsize=12)
        ax.set_title(title, loc="left")
        shown = sorted({levels[c] for c in codes.flat if c >= 0}, key=levels.index)
        handles = [Patch(facecolor=EVIDENCE_COLOURS[lvl], edgecolor="#333333",
                         label=f"{EVIDENCE_CODES[lvl]} = {level_labels.get(lvl, lvl)}") for lvl in shown]
        handles.append(Patch(facecolor="#FFFFFF", edgecolor="#333333", label="blank = no claim in the knowledge base"))
        if any((t, d) in unlinked for t in matrix.index for d in matrix.columns if pd.notna(matrix.loc[t, d])):
            handles.append(Patch(facecolor="#FFFFFF", edgecolor="#FFFFFF",
                                 label="† = benefit shown for the disease; action on this damage not shown in people"))
        fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=10, frameon=False)
    return fig


def trial_landscape_figure(trials: pd.DataFrame, title: str = "Clinical trials in the knowledge base") -> Figure:
    """Trials by start year (x) and number of participants (y, log scale).

    Marker shape = phase, fill colour = result, edge colour = disease (ALS or MS).
    Trials without a start year or size are counted in the title, not drawn.
    """
    drawable = trials.dropna(subset=["start_year", "n_enrolled"])
    missing = len(trials) - len(drawable)
    with figure_style():
        fig = Figure(figsize=(9.0, 5.0), layout="constrained")
        ax = fig.add_subplot()
        for row in drawable.itertuples():
            ax.scatter(int(row.start_year), int(row.n_enrolled), s=150 if row.phase == "3" else 80,
                       marker=PHASE_MARKERS.get(str(row.phase), "o"), c=RESULT_COLOURS.get(str(row.result), "#999999"),
                       edgecolors=DISEASE_COLOURS.get(str(row.disease_id), "#000000"), linewidths=1.8, zorder=3)
            if str(row.phase) == "3" or (row.randomized == "yes" and int(row.n_enrolled) >= 100):
                ax.annotate(str(row.short_name), (int(row.start_year), int(row.n_enrolled)), xytext=(6, 5),
                            textcoords="offset points", fontsize=10)
        ax.set_yscale("log")
        ax.set_ylim(4, 3000)
        ticks = [5, 10, 20, 50, 100, 200, 500, 1000, 2000]
        ax.set_yticks(ticks, [str(t) for t in ticks])
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("Start year")
        ax.set_ylabel("Participants enrolled (log scale)")
        if len(drawable):
            years = drawable["start_year"].astype(int)
            ax.set_xlim(years.min() - 1, years.max() + 2)
        ax.xaxis.get_major_locator().set_params(integer=True)
        suffix = f" ({missing} without year or size not shown)" if missing else ""
        ax.set_title(_wrap(title + suffix, 70), loc="left")
        phase_handles = [Line2D([], [], linestyle="", marker=m, color="#444444", markersize=9, label=f"phase {p}")
                         for p, m in PHASE_MARKERS.items() if p in set(drawable["phase"].astype(str))]
        result_handles = [Patch(facecolor=RESULT_COLOURS[r], edgecolor="#333333", label=RESULT_LABELS[r])
                          for r in RESULT_COLOURS if r in set(drawable["result"].astype(str))]
        disease_handles = [Line2D([], [], linestyle="", marker="o", markerfacecolor="#FFFFFF", markersize=9,
                                  markeredgewidth=2, color=DISEASE_COLOURS[d], label=f"outline: {d.upper()}")
                           for d in DISEASE_COLOURS if d in set(drawable["disease_id"].astype(str))]
        if len(drawable):
            ax.legend(handles=phase_handles + result_handles + disease_handles, loc="upper left",
                      bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False)
        else:
            ax.text(0.5, 0.5, "No trial matches these filters", ha="center", va="center", transform=ax.transAxes)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    return fig
