"""Figures about the evidence: the therapy × damage evidence map and the trial landscape.

Each function takes data (DataFrames from :mod:`helpers.queries`) and returns a matplotlib
``Figure`` built without pyplot (so nothing is shown twice in a notebook). Colour is never
the only cue: evidence cells carry a short text code, trial markers differ in shape.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..style import (CAVEAT_MARKS, DAGGER_KEY, DAGGER_MARK, DISEASE_COLOURS, EVIDENCE_COLOURS, EVIDENCE_TEXT_COLOURS,
                     OKABE_ITO, REPAIR_KEY, REPAIR_LABEL, SIZE_KEY, caveat_marks, figure_style, trial_size_text)

if TYPE_CHECKING:  # the functions that draw import matplotlib: the codes and marks here serve views without a figure
    from matplotlib.figure import Figure

#: Short codes printed in evidence-map cells (so the map reads without colour).
#: (The same codes are in data/evidence_levels.csv, column ``code``; a test keeps them equal.)
EVIDENCE_CODES = {
    "rct_benefit": "R+", "rct_no_benefit": "R0", "rct_harm": "R!", "surrogate_benefit": "S+",
    "surrogate_no_benefit": "S0", "early_harm": "E!", "early_unclear": "E?", "lab_only": "L", "idea": "I",
    "established": "EST", "preclinical": "LAB", "hypothesis": "IDEA",
}
#: Marker shape per trial result (shape and the printed result word carry it, never colour alone).
RESULT_MARKERS = {"met": "^", "not_met": "v", "mixed": "D", "safety_only": "o", "ongoing": "s",
                  "terminated": "X", "not_reported": "P"}
RESULT_LABELS = {"met": "primary endpoint met", "not_met": "primary endpoint not met",
                 "safety_only": "safety only (not built to show benefit)", "mixed": "mixed", "ongoing": "ongoing",
                 "terminated": "terminated", "not_reported": "not reported"}


def result_label(result) -> str:
    """A trial's ``result`` in the words of the figure's legend (an unknown value with its underscores
    as spaces)."""
    return RESULT_LABELS.get(str(result), str(result).replace("_", " "))


#: Phase order for sorting (latest phase first).
PHASE_RANK = {"3": 0, "2/3": 1, "2": 2, "1/2": 3, "1": 4, "observational": 5}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)) or str(text)


def map_keys() -> list[tuple[str, str]]:
    """The keys below an evidence map, in order, each with the :func:`helpers.queries.map_marks` entry
    whose cells it explains (figure and HTML alike): the dagger, each caveat's mark, repair claims and
    trial sizes."""
    return ([("unlinked", DAGGER_KEY)] + [(name, key) for name, (_mark, key, _words) in CAVEAT_MARKS.items()]
            + [("repair", REPAIR_KEY), ("sizes", SIZE_KEY)])


def map_mark(pair: tuple[str, str], marks: Mapping[str, Collection[tuple[str, str]]]) -> str:
    """What follows a code in an evidence-map cell (figure and HTML alike): a dagger where the pair is
    in ``marks["unlinked"]`` (action on that damage not shown in people), then the mark of each caveat
    of :data:`~helpers.style.CAVEAT_MARKS` whose pairs include it (an asterisk where nobody was
    blinded, a section sign where every trial compared the treatment with another effective
    treatment, a degree sign where the results are not yet in a journal). ``marks`` is
    :func:`helpers.queries.map_marks` output; a missing key counts as no pairs."""
    return ((DAGGER_MARK if pair in marks.get("unlinked", ()) else "")
            + caveat_marks({name: pair in marks.get(name, ()) for name in CAVEAT_MARKS}))


def evidence_map_figure(matrix: pd.DataFrame, therapy_names: dict[str, str], damage_names: dict[str, str],
                        level_labels: dict[str, str], title: str,
                        marks: Mapping[str, Collection] | None = None) -> Figure:
    """Heat map of therapies (rows) × damage (columns), one colour and code per evidence level.

    ``matrix`` is :func:`helpers.queries.evidence_matrix` output; empty cells mean "no claim
    in the knowledge base", drawn white. ``marks`` is :func:`helpers.queries.map_marks` output
    (a missing key counts as none): cells in ``unlinked`` (benefit for the disease, action on that
    damage not shown in people) get a dagger after their code, cells in a caveat's pairs that
    caveat's mark (:func:`map_mark`). Cells in ``repair`` (the claim
    is about repairing damage already done, not about slowing further damage) carry the words
    :data:`~helpers.style.REPAIR_LABEL` under their code. ``sizes`` gives, for cells whose claim rests on
    randomized trials, the people in the largest of them, printed in brackets after the code
    (:func:`helpers.queries.trial_sizes`).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    marks = marks or {}
    sizes, repair = marks.get("sizes", {}), marks.get("repair", frozenset())
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
        # Column headers are wrapped to the width of a column; a column is as wide as its longest word
        # (at 9 pt, about 0.075 inch per character), so no header runs into its neighbour.
        headers = [_wrap(damage_names.get(d, d), 13) for d in matrix.columns]
        longest_word = max((len(word) for h in headers for word in h.split()), default=8)
        column_in = max(1.3, 0.08 * longest_word + 0.15)
        row_labels = [_wrap(therapy_names.get(t, t), 40) for t in matrix.index]
        fig = Figure(figsize=(min(4.2 + column_in * n_cols, 19), 2.4 + 0.42 * n_rows
                              + 0.2 * sum(label.count("\n") for label in row_labels)), layout="constrained")
        ax = fig.add_subplot()
        cmap = ListedColormap(["#FFFFFF"] + [EVIDENCE_COLOURS[lvl] for lvl in levels])
        ax.imshow(codes + 1 if codes.size else np.zeros((1, 1)), cmap=cmap, vmin=0, vmax=len(levels),
                  aspect="auto", interpolation="nearest")
        for (r, c), code in np.ndenumerate(codes):
            if code >= 0:
                level = levels[code]
                pair = (matrix.index[r], matrix.columns[c])
                mark = map_mark(pair, marks)
                lift = 0.15 if pair in repair else 0.0  # rows run downwards: the code moves up, the words go below
                code = EVIDENCE_CODES[level] + mark + trial_size_text(sizes.get(pair))
                ax.text(c, r - lift, code, ha="center", va="center", fontsize=10,
                        fontweight="bold", color=EVIDENCE_TEXT_COLOURS[level])
                if pair in repair:
                    ax.text(c, r + 0.23, REPAIR_LABEL, ha="center", va="center", fontsize=9.5,
                            color=EVIDENCE_TEXT_COLOURS[level])
        ax.set_xticks(range(matrix.shape[1]), headers, fontsize=9)
        ax.set_yticks(range(matrix.shape[0]), row_labels, fontsize=11)
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, length=0)
        ax.tick_params(axis="y", length=0)
        # cell borders as two line collections (minor ticks would make a tick, two labels and a line each)
        ax.vlines(np.arange(-0.5, matrix.shape[1], 1), -0.5, matrix.shape[0] - 0.5, color="#888888", linewidth=0.6)
        ax.hlines(np.arange(-0.5, matrix.shape[0], 1), -0.5, matrix.shape[1] - 0.5, color="#888888", linewidth=0.6)
        ax.set_xlim(-0.5, matrix.shape[1] - 0.5)
        ax.set_ylim(matrix.shape[0] - 0.5, -0.5)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("Kind of damage", fontsize=12)
        ax.set_ylabel("Therapy", fontsize=12)
        ax.set_title(title, loc="left")
        shown = sorted({levels[c] for c in codes.flat if c >= 0}, key=levels.index)
        handles = [Patch(facecolor=EVIDENCE_COLOURS[lvl], edgecolor="#333333",
                         label=f"{EVIDENCE_CODES[lvl]} = {level_labels.get(lvl, lvl)}") for lvl in shown]
        handles.append(Patch(facecolor="#FFFFFF", edgecolor="#333333", label="blank = no claim in the knowledge base"))
        filled = {(t, d) for t in matrix.index for d in matrix.columns if pd.notna(matrix.loc[t, d])}
        keys = [key for name, key in map_keys() if filled & set(marks.get(name, ()))]
        if keys:  # one entry without a symbol, a line per mark (two blank symbols would look like one meaning)
            lines = [textwrap.fill(key, 120, subsequent_indent="    ") for key in keys]  # narrow maps stay on canvas
            handles.append(Patch(facecolor="#FFFFFF", edgecolor="#FFFFFF", label="\n".join(lines)))
        fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=10, frameon=False)
    return fig


def _trial_order(trials: pd.DataFrame, order: str) -> pd.DataFrame:
    """Rows in drawing order: by start year (unknown last), or MS then ALS, randomized first, later phases first."""
    if order not in ("year", "design"):
        raise ValueError(f"Unknown order {order!r}; valid: year, design")
    keys = {"_d": trials["disease_id"].astype(str).map({"ms": 0, "als": 1}).fillna(2),
            "_r": (trials["randomized"].astype(str) != "yes").astype(int),
            "_p": trials["phase"].astype(str).map(PHASE_RANK).fillna(len(PHASE_RANK)),
            "_n": -trials["n_enrolled"].astype("Float64").fillna(-1),
            "_y": trials["start_year"].astype("Float64").fillna(9999)}
    by = ["_y", "_d", "_n", "trial_id"] if order == "year" else ["_d", "_r", "_p", "_n", "trial_id"]
    return (trials.assign(**keys).sort_values(by, kind="stable").drop(columns=list(keys)).reset_index(drop=True))


def trial_row_label(row) -> str:
    """The row label of a trial in the dot plot: disease, short name and start year."""
    year = "" if pd.isna(row.start_year) else f" ({int(row.start_year)})"  # unknown: no year, not a placeholder
    return _wrap(f"{str(row.disease_id).upper()} · {row.short_name}{year}", 46)


def trial_row_note(row) -> str:
    """The text beside a trial's dot: size (planned or enrolled), phase, design and result in words."""
    if pd.isna(row.n_enrolled):
        size = "size not given"
    else:
        size = f"{int(row.n_enrolled):,}" + (" planned" if str(row.size_kind) == "planned" else "")
    phase = str(row.phase).replace("_", " ")
    phase = "phase not stated" if phase == "not stated" else phase if phase == "observational" else f"phase {phase}"
    design = "randomized" if str(row.randomized) == "yes" else "not randomized"
    result = result_label(row.result)
    return f"{size} · {phase} · {design} · {result}"


def trial_landscape_figure(trials: pd.DataFrame, title: str = "Clinical trials in the knowledge base",
                           order: str = "year") -> Figure:
    """Labelled dot plot: one row per trial, a dot at its number of participants (log scale).

    Every trial appears. Marker *shape* = result (also printed in words beside the row), filled
    marker = participants enrolled, open marker = planned size (the number enrolled is not known: trial ongoing, or not reported); colour only
    repeats the disease, which the row label also names (labels stay black for contrast). A trial without a reported size has no
    dot and says "size not given". ``order``: ``"year"`` (start year, unknown last) or ``"design"``
    (MS then ALS; randomized, later phases and larger trials first).
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator
    from matplotlib.transforms import blended_transform_factory

    rows = _trial_order(trials, order)
    labels = [trial_row_label(r) for r in rows.itertuples()]
    lines = sum(label.count("\n") + 1 for label in labels)
    sizes = rows["n_enrolled"].dropna().astype(int)
    with figure_style():
        fig = Figure(figsize=(12.5, 1.9 + 0.27 * lines + 0.05 * len(rows)), layout="constrained")
        fig.get_layout_engine().set(w_pad=8 / 72)  # the longest row notes and labels keep clear of the edges
        ax = fig.add_subplot()
        note_at = blended_transform_factory(ax.transAxes, ax.transData)
        for yi, row in enumerate(rows.itertuples()):
            colour = DISEASE_COLOURS.get(str(row.disease_id), OKABE_ITO["black"])
            if pd.notna(row.n_enrolled):
                planned = str(row.size_kind) == "planned"
                ax.plot([int(row.n_enrolled)], [yi], linestyle="", marker=RESULT_MARKERS.get(str(row.result), "o"),
                        markersize=10, markeredgewidth=1.8, color=colour,
                        markerfacecolor="#FFFFFF" if planned else colour, zorder=3)
            ax.text(1.02, yi, trial_row_note(row), transform=note_at, va="center", ha="left", fontsize=10,
                    style="italic" if pd.isna(row.n_enrolled) else "normal")
        ax.set_yticks(range(len(rows)), labels, fontsize=10)
        ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
        ax.set_xscale("log")
        high = max(int(sizes.max()) if len(sizes) else 100, 100)
        right = high * 1.6
        # 1-2-5 steps; on an axis long enough to reach 2,000 these crowd each other (as do 500 and 1,000),
        # so powers of ten and then 5,000, and the axis runs on to the next step, so that the largest
        # trials sit below a labelled tick
        if right < 2000:
            steps = (5, 10, 20, 50, 100, 200, 500, 1000)
        else:
            steps = (10, 100, 1000, 5000) if right <= 5000 else (10, 100, 1000, 10000, 100000, 1000000)
            right = next((t for t in steps if t >= right), right)
        ax.set_xlim(4, right)
        ticks = [t for t in steps if t <= right]
        # four-digit numbers without a separator (SI style), so "500" and "1000" fit side by side on a narrow axis
        ax.set_xticks(ticks, [f"{t:,}" if t >= 10000 else str(t) for t in ticks])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        # one faint line along each row, as a single collection across the axes' full width
        ax.hlines(range(len(rows)), 0, 1, transform=ax.get_yaxis_transform(), color="#EEEEEE", linewidth=0.8, zorder=1)
        ax.set_xlabel("Participants (log scale: equal distances are equal multiples)")
        fig.suptitle(_wrap(title, 90), x=0.01, ha="left", fontsize=15)
        if rows.empty:
            ax.set_yticks([])
            ax.set_ylim(-1, 1)
            ax.text(0.5, 0.5, "No trial matches these filters", ha="center", va="center", transform=ax.transAxes)
            return fig
        results = [r for r in RESULT_MARKERS if r in set(rows["result"].astype(str))]
        handles = [Line2D([], [], linestyle="", marker=RESULT_MARKERS[r], color=OKABE_ITO["black"],
                          markerfacecolor=OKABE_ITO["black"], markersize=9, label=RESULT_LABELS[r]) for r in results]
        # fill and colour are shown on a hexagon, a shape no result uses, so no key entry repeats another
        handles += [Line2D([], [], linestyle="", marker="h", color=OKABE_ITO["black"], markerfacecolor=OKABE_ITO["black"],
                           markersize=9, label="filled (any shape): participants enrolled"),
                    Line2D([], [], linestyle="", marker="h", color=OKABE_ITO["black"], markerfacecolor="#FFFFFF",
                           markeredgewidth=1.8, markersize=9, label="open: planned size, not the number enrolled")]
        handles += [Line2D([], [], linestyle="", marker="h", color=DISEASE_COLOURS[d], markersize=9,
                           label=f"{d.upper()} (also named in the row label)")
                    for d in DISEASE_COLOURS if d in set(rows["disease_id"].astype(str))]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=10, frameon=False,
                   title="Marker shape = result (also in words on the right)", title_fontsize=10)
    return fig
