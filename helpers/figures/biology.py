"""Figures and tables for lessons 01 (the nervous system) and 02 (ALS: what goes wrong).

Every function is pure: it reads the knowledge base (``data/*.csv``) or the teaching models
and returns a matplotlib ``Figure`` (``*_figure``, built without pyplot), an HTML string
(``*_html``), a pandas DataFrame (``*_frame``), a number, or a one-sentence text alternative
(``describe_*``). Functions without a suffix wrap an HTML string in an IPython ``HTML``
object so that a notebook cell can show it without imports of its own.

Nothing here holds a scientific number of its own: facts, levels, trial results and model
parameters all come from ``data/``. The motor pathway figure is a labelled schematic, not
drawn to scale.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyBboxPatch, Polygon, Rectangle
from matplotlib.text import Annotation

from .. import models, queries
from ..data import CAVEAT_COLUMNS, KnowledgeBase, load_knowledge_base
from ..markup import Html, esc, table_html
from .evidence import result_label
from ..style import STATUS_LABELS, status_tag_html, DISEASE_COLOURS, GREYS, OKABE_ITO, evidence_badge_html, figure_style, \
    caveat_tags_html

def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def _labels(kb: KnowledgeBase) -> dict[str, str]:
    return dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))


# =========================================================================== lesson 01: motor pathway
#: Allowed values of ``highlight`` in :func:`motor_pathway_figure`.
PATHWAY_HIGHLIGHTS = (None, "als", "ms")

#: Labels drawn in the schematic (tests check they are all present).
PATHWAY_LABELS = (
    "Upper motor neuron", "Lower motor neuron", "Neuromuscular junction", "Muscle fibres",
    "Myelin made by oligodendrocytes", "Myelin made by Schwann cells",
    "Central nervous system (CNS)", "Peripheral nervous system (PNS)",
)

#: Stripped myelin in the MS pathway: the light blue of thinned myelin in the conduction figure.
MS_MYELIN_LOST = OKABE_ITO["sky_blue"]
_PATHWAY_NOTES = {
    None: "One motor pathway: two motor neurons in series, then the muscle.",
    "als": "ALS: upper AND lower motor neurons degenerate (marked ×),\nso muscles lose their nerve supply and waste.",
    "ms": "MS: immune attacks strip myelin inside the CNS (pale, thin stretches);\nmyelin made by Schwann cells outside the CNS is not its target.",
}


def _check_highlight(highlight: str | None) -> None:
    if highlight not in PATHWAY_HIGHLIGHTS:
        raise ValueError(f"Unknown highlight {highlight!r}; choose one of: None, 'als', 'ms'")


def motor_pathway_figure(highlight: str | None = None) -> Figure:
    """Schematic of one motor pathway: upper motor neuron → lower motor neuron → muscle.

    ``highlight`` is ``None`` (healthy), ``"als"`` (both motor neurons marked as dying, in the
    ALS colour) or ``"ms"`` (CNS myelin in the MS colour, with stretches lost; peripheral myelin
    intact). Colour is never the only cue: dying cells carry an × and lost myelin is drawn pale,
    thin and outlined with a dashed line, with a label (not as gaps, which a learner would take for
    the nodes between internodes). Artists carry ``gid`` values (``umn_soma``, ``lmn_soma``,
    ``cns_myelin``, ``cns_myelin_lost``, ``pns_myelin``, ``nmj``) so tests can find them. Not to scale: a real
    lower motor neuron axon can be about a metre long.
    """
    _check_highlight(highlight)
    als, ms = highlight == "als", highlight == "ms"
    neuron_colour = DISEASE_COLOURS["als"] if als else OKABE_ITO["black"]
    with figure_style():
        fig = Figure(figsize=(10.0, 6.0), layout="constrained")
        ax = fig.add_subplot()
        ax.set_xlim(0, 11)
        ax.set_ylim(0, 10.6)
        ax.set_axis_off()
        ax.set_title("One motor pathway, from brain to muscle (schematic, not to scale)", loc="left")

        # --- regions: CNS (brain + spinal cord) shaded, PNS unshaded
        ax.add_patch(Ellipse((2.3, 8.5), 4.0, 2.9, facecolor=GREYS["light"], edgecolor=GREYS["dark"], lw=1.2))
        ax.add_patch(FancyBboxPatch((1.75, 0.9), 1.1, 6.6, boxstyle="round,pad=0.05,rounding_size=0.4",
                                    facecolor=GREYS["light"], edgecolor=GREYS["dark"], lw=1.2))
        ax.text(0.15, 10.35, "Central nervous system (CNS)", fontsize=11, fontweight="bold", va="top")
        ax.text(0.55, 8.9, "Brain:\nmotor cortex", fontsize=10, ha="left", va="center", color=GREYS["dark"])
        ax.text(1.5, 4.2, "Spinal cord", fontsize=10, rotation=90, ha="center", va="center", color=GREYS["dark"])
        ax.plot([2.9, 2.9], [0.4, 3.4], ls="--", color=GREYS["dark"], lw=1)
        ax.text(3.05, 0.45, "Peripheral nervous system (PNS)", fontsize=11, fontweight="bold", va="bottom")

        # --- upper motor neuron: pyramidal cell body in the cortex, axon down the cord
        umn = Polygon([[1.95, 8.15], [2.45, 8.15], [2.2, 8.75]], closed=True, facecolor=neuron_colour,
                      edgecolor=OKABE_ITO["black"], lw=1.2, gid="umn_soma")
        ax.add_patch(umn)
        ax.plot([2.2, 2.2], [8.15, 2.75], color=neuron_colour, lw=1.6, zorder=2)
        ax.annotate("Upper motor neuron\n(cell body in the motor cortex)", xy=(2.45, 8.5), xytext=(4.6, 8.55),
                    fontsize=11, va="center", arrowprops={"arrowstyle": "->", "color": GREYS["dark"]})

        # CNS myelin (oligodendrocytes): segments along the upper motor neuron axon; in MS some are
        # stripped: drawn pale and thin with a dashed outline, as in the conduction figure
        cns_segments = np.arange(7.55, 3.2, -0.62)
        lost = {1, 2, 4} if ms else set()
        myelin_colour = DISEASE_COLOURS["ms"] if ms else GREYS["dark"]
        for i, y in enumerate(cns_segments):
            if i in lost:
                ax.add_patch(Rectangle((2.165, y - 0.45), 0.07, 0.45, facecolor=MS_MYELIN_LOST, edgecolor=myelin_colour,
                                       lw=0.8, ls="--", gid="cns_myelin_lost", zorder=3))
            else:
                ax.add_patch(Rectangle((2.1, y - 0.45), 0.2, 0.45, facecolor=myelin_colour,
                                       edgecolor=OKABE_ITO["black"], lw=0.6, gid="cns_myelin", zorder=3))
        ax.annotate("Myelin made by oligodendrocytes" + ("\n(pale and thin: myelin lost in MS)" if ms else ""),
                    xy=(2.24, cns_segments[2] - 0.2) if ms else (2.3, cns_segments[3] - 0.2),  # MS: at a lost stretch
                    xytext=(4.6, 6.6), fontsize=11, va="center",
                    arrowprops={"arrowstyle": "->", "color": GREYS["dark"]})

        # --- lower motor neuron: cell body in the spinal cord, axon out to the muscle
        ax.add_patch(Ellipse((2.35, 2.45), 0.55, 0.55, facecolor=neuron_colour, edgecolor=OKABE_ITO["black"],
                             lw=1.2, gid="lmn_soma", zorder=4))
        ax.plot([2.6, 8.05], [2.45, 2.45], color=neuron_colour, lw=1.6, zorder=2)
        ax.annotate("Lower motor neuron\n(cell body in the spinal cord)", xy=(2.4, 2.15), xytext=(3.3, 1.35),
                    fontsize=11, va="center", arrowprops={"arrowstyle": "->", "color": GREYS["dark"]})
        for x in np.arange(3.2, 7.6, 0.75):
            ax.add_patch(Rectangle((x, 2.34), 0.55, 0.22, facecolor=GREYS["mid"], edgecolor=OKABE_ITO["black"],
                                   lw=0.6, gid="pns_myelin", zorder=3))
        ax.annotate("Myelin made by Schwann cells", xy=(5.5, 2.56), xytext=(4.9, 3.7), fontsize=11,
                    va="center", arrowprops={"arrowstyle": "->", "color": GREYS["dark"]})

        # --- muscle and neuromuscular junction
        ax.add_patch(Ellipse((9.3, 2.45), 2.6, 1.7, facecolor="white", edgecolor=OKABE_ITO["black"], lw=1.2,
                             hatch="||", gid="muscle"))
        ax.text(9.3, 1.25, "Muscle fibres", ha="center", va="top", fontsize=11)
        for dy in (-0.35, 0.0, 0.35):
            ax.plot([8.05, 8.35], [2.45, 2.45 + dy], color=neuron_colour, lw=1.4)
        ax.plot([8.35, 8.35, 8.35], [2.1, 2.45, 2.8], ls="none", marker="o", ms=6, color=neuron_colour,
                gid="nmj")
        ax.annotate("Neuromuscular junction", xy=(8.35, 2.8), xytext=(7.4, 4.6), fontsize=11, va="center",
                    arrowprops={"arrowstyle": "->", "color": GREYS["dark"]})

        # The labels and their arrows lie inside the axes, whose own box is what the layout needs: measuring
        # the arrows (clipped to each label's box) cost the layout about 20 ms per figure.
        for label in ax.texts:
            if isinstance(label, Annotation):
                label.set_in_layout(False)

        # --- disease marks
        if als:
            for x, y in ((2.2, 8.42), (2.35, 2.45)):
                ax.plot([x], [y], marker="X", ms=17, color="white", mec=OKABE_ITO["black"], mew=1.5, zorder=6)
        ax.text(10.9, 10.35, _PATHWAY_NOTES[highlight], ha="right", va="top", fontsize=11, multialignment="left",
                bbox={"facecolor": "white", "edgecolor": DISEASE_COLOURS.get(highlight or "", GREYS["dark"]),
                      "lw": 2 if highlight else 1, "pad": 5})
    return fig


def describe_motor_pathway(highlight: str | None = None) -> str:
    """One-sentence text alternative for :func:`motor_pathway_figure`."""
    _check_highlight(highlight)
    base = ("Schematic of one motor pathway: an upper motor neuron in the motor cortex sends its axon, wrapped in "
            "myelin made by oligodendrocytes, down the spinal cord to a lower motor neuron, whose axon leaves the "
            "central nervous system, is wrapped in myelin made by Schwann cells and ends at the neuromuscular "
            "junction on muscle fibres")
    if highlight == "als":
        return base + "; in ALS both the upper and the lower motor neuron are marked as dying."
    if highlight == "ms":
        return (base + "; in MS some stretches of the myelin inside the central nervous system are stripped (drawn "
                "pale and thin), while the Schwann-cell myelin outside is intact.")
    return base + "."


# =========================================================================== lesson 01: cells
#: Native cells shown in lesson 01, with the glossary term that explains what each one does.
CELL_GLOSSARY_TERMS = {
    "motor_neuron": "motor neuron",
    "astrocyte": "astrocyte",
    "microglia": "microglia",
    "oligodendrocyte": "oligodendrocyte",
    "opc": "OPC",
    "schwann_cell": "Schwann cell",
}


def nervous_system_cells_frame(cell_type_ids: Sequence[str] = tuple(CELL_GLOSSARY_TERMS),
                               kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """One row per cell type: what it does (glossary), a common belief and what is true (cell types table).

    Columns: ``cell_type_id``, ``name``, ``job``, ``misconception``, ``correction``, ``ref_ids``
    (the union of the glossary's and the cell-type table's sources). ``'-'`` in the data
    becomes an empty string.
    """
    kb = _kb(kb)
    cells = kb.cell_types.set_index("cell_type_id")
    glossary = kb.glossary.set_index("term")
    rows = []
    for cell_id in cell_type_ids:
        if cell_id not in CELL_GLOSSARY_TERMS:
            raise ValueError(f"No glossary term mapped for {cell_id!r}; valid: {', '.join(CELL_GLOSSARY_TERMS)}")
        if cell_id not in cells.index:
            raise ValueError(f"Unknown cell type {cell_id!r}; see data/cell_types.csv")
        term = CELL_GLOSSARY_TERMS[cell_id]
        if term not in glossary.index:
            raise ValueError(f"Glossary term {term!r} is missing from data/glossary.csv")
        cell, entry = cells.loc[cell_id], glossary.loc[term]
        refs = queries.split_ids(entry["ref_ids"]) + queries.split_ids(cell["ref_ids"])
        rows.append({"cell_type_id": cell_id, "name": str(cell["name"]), "job": str(entry["definition"]),
                     "misconception": "" if str(cell["misconception"]) == "-" else str(cell["misconception"]),
                     "correction": "" if str(cell["correction"]) == "-" else str(cell["correction"]),
                     "ref_ids": ";".join(dict.fromkeys(refs))})
    return pd.DataFrame(rows)


def nervous_system_cells_html(cell_type_ids: Sequence[str] = tuple(CELL_GLOSSARY_TERMS),
                              kb: KnowledgeBase | None = None) -> str:
    """:func:`nervous_system_cells_frame` as an accessible HTML table."""
    kb = _kb(kb)
    frame = nervous_system_cells_frame(cell_type_ids, kb)
    rows = [[Html(f"<b>{esc(r.name)}</b>"), r.job, r.misconception or "—", r.correction or "—",
             Html(f"<small>{queries.cite(r.ref_ids, kb, 'short')}</small>")] for r in frame.itertuples()]
    return table_html(["Cell", "What it does", "A common belief", "What is actually known", "Sources"], rows,
                  "Cells of the nervous system that matter for ALS and MS")


def nervous_system_cells(cell_type_ids: Sequence[str] = tuple(CELL_GLOSSARY_TERMS),
                         kb: KnowledgeBase | None = None) -> HTML:
    return HTML(nervous_system_cells_html(cell_type_ids, kb))


# =========================================================================== lesson 01: conduction times
#: Fibres compared in :func:`conduction_time_frame`: (label, diameter parameter, myelinated).
CONDUCTION_FIBRES = (
    ("Large myelinated motor fibre (A-alpha)", "textbook_a_alpha_diameter_um", True),
    ("The same fibre if it had no myelin", "textbook_a_alpha_diameter_um", False),
    ("Thin myelinated fibre (A-delta)", "textbook_a_delta_diameter_um", True),
    ("Thin unmyelinated fibre (C)", "textbook_c_diameter_um", False),
)


def conduction_time_frame(distance_m: float = 1.0, params=None) -> pd.DataFrame:
    """How long an impulse takes to travel ``distance_m`` metres along four kinds of fibre.

    Uses the conduction teaching model (:func:`helpers.models.myelinated_velocity_m_per_s`,
    :func:`helpers.models.unmyelinated_velocity_m_per_s`) with the middle of each textbook
    diameter range from ``data/model_parameters.csv``. Columns: ``fibre``, ``diameter_um``,
    ``myelinated``, ``velocity_m_per_s``, ``time_ms``. The second row is hypothetical: a large
    fibre stripped of its myelin (real demyelinated fibres often fail to conduct at all).
    """
    if distance_m <= 0:
        raise ValueError("distance_m must be positive")
    p = models._params("conduction", params)
    rows = []
    for label, key, myelinated in CONDUCTION_FIBRES:
        d = float(p[key])
        v = float(models.myelinated_velocity_m_per_s(d, p) if myelinated
                  else models.unmyelinated_velocity_m_per_s(d, p))
        rows.append({"fibre": label, "diameter_um": d, "myelinated": "yes" if myelinated else "no",
                     "velocity_m_per_s": round(v, 1), "time_ms": round(1000 * distance_m / v, 1)})
    return pd.DataFrame(rows)


def conduction_time_html(distance_m: float = 1.0, params=None) -> str:
    """:func:`conduction_time_frame` as a readable HTML table (units in the headers)."""
    frame = conduction_time_frame(distance_m, params)
    rows = [[r.fibre, f"{r.diameter_um:g}", r.myelinated, f"{r.velocity_m_per_s:g}",
             f"{r.time_ms:,.1f}"] for r in frame.itertuples()]
    return table_html(["Fibre", "Width (µm)", "Myelinated", "Speed (m/s)", f"Time to travel {distance_m:g} m (ms)"],
                  rows, f"Time for an impulse to travel {distance_m:g} m (conduction teaching model)")


def conduction_times(distance_m: float = 1.0, params=None) -> HTML:
    return HTML(conduction_time_html(distance_m, params))


# =========================================================================== lesson 02: glossary-backed tables
def term_table_html(terms: Sequence[str], first_column: str = "Term", kb: KnowledgeBase | None = None) -> str:
    """Selected glossary terms (in the order given) with their definitions and sources."""
    kb = _kb(kb)
    glossary = queries.rows_by_id(kb.glossary, "term", terms, "glossary term(s)", "glossary.csv")
    rows = [[Html(f"<b>{esc(t)}</b>"), str(glossary.loc[t, 'definition']),
             Html(f"<small>{queries.cite(glossary.loc[t, 'ref_ids'], kb, 'short')}</small>")] for t in terms]
    return table_html([first_column, "What it is", "Sources"], rows)


def term_table(terms: Sequence[str], first_column: str = "Term", kb: KnowledgeBase | None = None) -> HTML:
    return HTML(term_table_html(terms, first_column, kb))


# =========================================================================== lesson 02: damage by evidence
def damage_by_evidence_frame(disease: str = "als", kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Damage rows of one disease, strongest evidence first (file order within a level).

    Columns: ``damage_id``, ``name``, ``category``, ``description``, ``cells`` (display
    names), ``evidence_level``, ``ref_ids``.
    """
    kb = _kb(kb)
    disease_id = queries.resolve("disease", disease, kb)
    damage = kb.damage[kb.damage["disease_id"] == disease_id].copy()
    order = list(kb.evidence_dtype.categories)
    damage["_rank"] = [-order.index(str(level)) for level in damage["evidence_level"]]
    damage["_pos"] = range(len(damage))
    damage = damage.sort_values(["_rank", "_pos"])
    names = dict(zip(kb.cell_types["cell_type_id"], kb.cell_types["name"]))
    damage["cells"] = ["; ".join(names.get(c, c) for c in queries.split_ids(ids)) for ids in damage["cell_types_hit"]]
    damage["evidence_level"] = damage["evidence_level"].astype(str)
    return damage[["damage_id", "name", "category", "description", "cells", "evidence_level", "ref_ids"]]\
        .reset_index(drop=True)


def damage_by_evidence_html(disease: str = "als", kb: KnowledgeBase | None = None) -> str:
    """The damage of one disease as an HTML table with an evidence badge on every row, and a summary line."""
    kb = _kb(kb)
    labels = _labels(kb)
    frame = damage_by_evidence_frame(disease, kb)
    rows = [[evidence_badge_html(r.evidence_level, labels[r.evidence_level]), Html(f"<b>{esc(r.name)}</b>"),
             r.description, r.cells, Html(f"<small>{queries.cite(r.ref_ids, kb, 'short')}</small>")]
            for r in frame.itertuples()]
    name = kb.diseases.set_index("disease_id").loc[queries.resolve("disease", disease, kb), "name"]
    table = table_html(["How sure we are", "Damage", "What happens", "Cells involved", "Sources"], rows,
                   f"What goes wrong in {name}, strongest evidence first")
    return table + f"<p><em>Summary:</em> {esc(describe_damage_by_evidence(disease, kb))}</p>"


def damage_by_evidence(disease: str = "als", kb: KnowledgeBase | None = None) -> HTML:
    return HTML(damage_by_evidence_html(disease, kb))


def describe_damage_by_evidence(disease: str = "als", kb: KnowledgeBase | None = None) -> str:
    """One sentence counting the damage rows at each evidence level, with their names."""
    kb = _kb(kb)
    labels = _labels(kb)
    frame = damage_by_evidence_frame(disease, kb)
    parts = []
    for level, group in frame.groupby("evidence_level", sort=False):
        names = ", ".join(n[:1].lower() + n[1:] if not n[:2].isupper() else n for n in group["name"])
        parts.append(f"{len(group)} at “{labels[level]}” ({names})")
    return (f"The knowledge base lists {len(frame)} kinds of {str(disease).upper()} damage: " + "; ".join(parts)
            + ".")


# =========================================================================== lesson 02: treatments
STATUS_TEXT = STATUS_LABELS
def _plain_trial_name(short_name: str) -> str:
    """Drop the "comparator" tag the trial table uses for drug trials listed beside cell therapies."""
    return short_name.replace("; comparator)", ")").replace(" (comparator)", "")


def treatment_frame(therapy_ids: Sequence[str], disease: str = "als", kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """One row per therapy: status, its trials in ``trials.csv`` and its claims in ``therapy_effects.csv``.

    Columns: ``therapy_id``, ``name``, ``status``, ``approved_for``, ``status_note``, ``trials`` (list of trial
    rows as dicts), ``claims`` (list of effect rows as dicts, strongest level first),
    ``ref_ids`` (the therapy's own sources).
    """
    kb = _kb(kb)
    disease_id = queries.resolve("disease", disease, kb)
    therapies = queries.rows_by_id(kb.therapies, "therapy_id", therapy_ids, "therapy id(s)", "therapies.csv")
    rows = []
    for therapy_id in therapy_ids:
        t = therapies.loc[therapy_id]
        trials = kb.trials[(kb.trials["therapy_id"] == therapy_id) & (kb.trials["disease_id"] == disease_id)]
        effects = kb.therapy_effects[(kb.therapy_effects["therapy_id"] == therapy_id)
                                     & (kb.therapy_effects["disease_id"] == disease_id)].copy()
        effects = effects.sort_values(["strength", "n_people", "effect_id"], ascending=[False, False, True],
                                      kind="stable")
        claims = [{"effect_id": e.effect_id, "damage_id": str(e.damage_id), "evidence_level": str(e.evidence_level),
                   "strength": int(e.strength),
                   "note": str(e.note), "ref_ids": str(e.ref_ids), "action": str(e.action),
                   "mechanism_link": str(e.mechanism_link), "direction": str(e.direction), "design": str(e.design),
                   **{caveat: bool(getattr(e, caveat)) for caveat in CAVEAT_COLUMNS}}
                  for e in effects.itertuples()]
        trial_rows = [{"trial_id": r.trial_id, "short_name": _plain_trial_name(str(r.short_name)),
                       "phase": str(r.phase),
                       "n_enrolled": None if pd.isna(r.n_enrolled) else int(r.n_enrolled),
                       "result": str(r.result), "result_note": str(r.result_note), "ref_ids": str(r.ref_ids)}
                      for r in trials.itertuples()]
        rows.append({"therapy_id": therapy_id, "name": str(t["name"]), "status": str(t["status"]),
                     "approved_for": t["approved_for"], "status_note": str(t["status_note"]), "trials": trial_rows, "claims": claims,
                     "ref_ids": str(t["ref_ids"])})
    return pd.DataFrame(rows)


def treatment_table_html(therapy_ids: Sequence[str], disease: str = "als", kb: KnowledgeBase | None = None) -> str:
    """Treatments with their status, key trials and every graded claim (badge + note + source)."""
    kb = _kb(kb)
    labels = _labels(kb)
    frame = treatment_frame(therapy_ids, disease, kb)
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))  # the damage each claim is about
    disagreeing = queries.disagreeing_trials(kb)  # once for the table, not once per claim
    rows = []
    for r in frame.itertuples():
        status = f"{status_tag_html(r.status, r.approved_for)}<br>{esc(r.status_note)}"
        trials = "<br>".join(
            f"<b>{esc(t['short_name'])}</b>: phase {esc(t['phase'])}"
            + (f", {t['n_enrolled']} people" if t["n_enrolled"] is not None else "")
            + f"; {esc(result_label(t['result']))}. {esc(t['result_note'])}"
            for t in r.trials) or "No separate trial row: the trial result is in the evidence column"
        claims = "<br>".join(
            f"{evidence_badge_html(c['evidence_level'], labels[c['evidence_level']])} "
            + caveat_tags_html(c) + f"<i>{esc(damage_names[c['damage_id']])}:</i> {esc(c['note'])} "
            + (f"<i>({esc(note)})</i> " if (note := queries.claim_link_note(c, kb, disagreeing)) else "")
            + f"<small>({queries.cite(c['ref_ids'], kb, 'short')})</small>" for c in r.claims) or "—"
        rows.append([Html(f"<b>{esc(r.name)}</b>"), Html(status), Html(claims), Html(trials)])
    return table_html(["Treatment", "Regulatory status", "What the evidence shows", "Key trials"], rows)


def treatment_table(therapy_ids: Sequence[str], disease: str = "als", kb: KnowledgeBase | None = None) -> HTML:
    return HTML(treatment_table_html(therapy_ids, disease, kb))


ARM_RESULTS_RE = re.compile(r"(?<![\w.])([-+−]?\d+(?:\.\d+)?)\s+vs\.?\s+([-+−]?\d+(?:\.\d+)?)")


def trial_arm_results(trial_id: str, kb: KnowledgeBase | None = None) -> tuple[float, float]:
    """``(treated, control)``: the first "A vs B" pair of numbers in a trial's ``result_note``.

    In ``trials.csv`` a two-arm result is written treated group first ("-5.01 vs -7.50
    points"). Raises ``ValueError`` if the trial is unknown or its note holds no such pair,
    so a lesson never computes with a number that is not in the data.
    """
    kb = _kb(kb)
    trials = queries.rows_by_id(kb.trials, "trial_id", [trial_id], "trial", "trials.csv")
    match = ARM_RESULTS_RE.search(str(trials.loc[trial_id, "result_note"]))
    if match is None:
        raise ValueError(f"Trial {trial_id!r} has no 'A vs B' result in its result_note")
    treated, control = (float(x.replace("−", "-")) for x in match.groups())
    return treated, control


def months_of_average_decline(points: float, fact_id: str = "als_alsfrs_slope_trials",
                              kb: KnowledgeBase | None = None) -> float:
    """How many months of average ALSFRS-R decline ``points`` points correspond to.

    Divides by the average monthly change in ``data/disease_facts.csv`` (row ``fact_id``,
    unit 'points per month'). Rounded to one decimal. A way to put a treatment difference
    on a scale patients feel; it assumes straight-line decline, which is a simplification.
    """
    kb = _kb(kb)
    facts = queries.rows_by_id(kb.disease_facts, "fact_id", [fact_id], "fact", "disease_facts.csv")
    if "per month" not in str(facts.loc[fact_id, "unit"]):
        raise ValueError(f"Fact {fact_id!r} is not a monthly rate (unit {facts.loc[fact_id, 'unit']!r})")
    slope = abs(float(facts.loc[fact_id, "value"]))
    return round(float(points) / slope, 1)


TRIAL_WEEKS_RE = re.compile(r"\b(?:over|at|after)\s+(\d+)\s+weeks\b")
WEEKS_PER_MONTH = 52 / 12


def months_gained_against_control(trial_id: str, kb: KnowledgeBase | None = None) -> float:
    """The treatment difference of a two-arm trial in months of its *own control group's* decline.

    Reads the two arm results (:func:`trial_arm_results`) and the trial's length in weeks from its
    ``primary_outcome`` ("over 24 weeks", "at 28 weeks"). The control group lost ``|control|``
    points in that time; the difference divided by that pace is the time the treated group gained.
    A trial that enrols faster-declining people gains fewer months this way than by
    :func:`months_of_average_decline`. Rounded to one decimal; straight-line decline assumed.
    """
    kb = _kb(kb)
    treated, control = trial_arm_results(trial_id, kb)
    trials = queries.rows_by_id(kb.trials, "trial_id", [trial_id], "trial", "trials.csv")
    outcome = str(trials.loc[trial_id, "primary_outcome"])
    match = TRIAL_WEEKS_RE.search(outcome)
    if match is None:
        raise ValueError(f"Trial {trial_id!r}: no trial length in weeks in its primary_outcome ({outcome!r})")
    if control == 0:
        raise ValueError(f"Trial {trial_id!r}: the control group did not change, so there is no pace to compare with")
    months = int(match.group(1)) / WEEKS_PER_MONTH
    return round((treated - control) / abs(control) * months, 1)


# =========================================================================== lesson 02: ALSFRS-R course
def alsfrs_course(n_patients: int = 30, months: int = 18, seed: int = models.DEFAULT_SEED, params=None) -> dict:
    """Simulated ALSFRS-R records of untreated patients (teaching model of lesson 07, no treatment).

    Returns ``months`` (array), ``scores`` and ``observed`` (patients × visits), ``true_slopes``
    (points/month), ``mean_slope`` and ``baseline`` (from ``data/model_parameters.csv``).
    Straight-line decline, a personal slope for each patient, visit-to-visit noise, drop-out.
    """
    if n_patients < 1 or months < 1:
        raise ValueError("n_patients and months must be at least 1")
    p = models._params("alsfrs", params)
    visit_months = np.arange(int(months) + 1, dtype=float)
    rng = np.random.default_rng(seed)
    scores, observed, slopes = models.simulate_arm(rng, 1, int(n_patients), visit_months, 1.0, p)
    return {"months": visit_months, "scores": scores[0].astype(float), "observed": observed[0],
            "true_slopes": slopes[0], "mean_slope": float(p["mean_slope_points_per_month"]),
            "baseline": float(p["baseline_score_points"]), "max": float(p["alsfrs_r_max_points"])}


def alsfrs_course_figure(n_patients: int = 30, months: int = 18, seed: int = models.DEFAULT_SEED,
                         params=None) -> Figure:
    """Left: simulated patients' ALSFRS-R over time with the average line; right: their monthly rates."""
    c = alsfrs_course(n_patients, months, seed, params)
    with figure_style():
        fig = Figure(figsize=(10.0, 4.4), layout="constrained")
        ax, ax_h = fig.subplots(1, 2, width_ratios=[1.6, 1.0])
        fig.suptitle("How ALSFRS-R falls: the average and the spread (teaching model)", x=0.01, ha="left",
                     fontsize=15)
        for score, seen in zip(c["scores"], c["observed"]):
            ax.plot(c["months"][seen], score[seen], color=GREYS["mid"], lw=0.9, alpha=0.8)
        ax.plot([], [], color=GREYS["mid"], lw=0.9, label="one simulated person")
        ax.plot(c["months"], np.clip(c["baseline"] + c["mean_slope"] * c["months"], 0, None),
                color=DISEASE_COLOURS["als"], lw=3, label=f"average: loses {-c['mean_slope']:.2f} points a month")
        ax.set_xlim(0, c["months"][-1])
        ax.set_ylim(0, c["max"])
        ax.set_xlabel("Months since entering the study")
        ax.set_ylabel("ALSFRS-R score (points, 48 = normal)")
        ax.set_title("Everyone declines, at different speeds", loc="left", fontsize=13)
        ax.legend(loc="lower left", fontsize=10, frameon=False)

        rates = -c["true_slopes"]
        ax_h.hist(rates, bins=np.arange(np.floor(rates.min() * 4) / 4, rates.max() + 0.25, 0.25),
                  color=DISEASE_COLOURS["als"], edgecolor=OKABE_ITO["black"], hatch="//")
        ax_h.axvline(-c["mean_slope"], color=OKABE_ITO["black"], ls="--", lw=1.5,
                     label=f"average ({-c['mean_slope']:.2f})")
        ax_h.set_xlabel("Points lost per month")
        ax_h.set_ylabel("Number of simulated people")
        ax_h.set_title("Personal rates of decline", loc="left", fontsize=13)
        ax_h.legend(loc="upper right", fontsize=10, frameon=False)
    return fig


def describe_alsfrs_course(n_patients: int = 30, months: int = 18, seed: int = models.DEFAULT_SEED,
                           params=None) -> str:
    """One-sentence text alternative for :func:`alsfrs_course_figure` with the same arguments."""
    c = alsfrs_course(n_patients, months, seed, params)
    rates = -c["true_slopes"]
    fast, slow = int((rates > 1.5).sum()), int((rates < 0.5).sum())
    left = int((~c["observed"][:, -1]).sum())
    return (f"Teaching-model figure: {n_patients} simulated people start at {c['baseline']:.0f} of 48 ALSFRS-R points "
            f"and decline along noisy, roughly straight lines around an average of {-c['mean_slope']:.2f} points a "
            f"month; their personal rates range from {rates.min():.2f} to {rates.max():.2f} points a month, and "
            f"{fast} of them {'loses' if fast == 1 else 'lose'} more than 1.5 points a month while {slow} "
            f"{'loses' if slow == 1 else 'lose'} less than 0.5; {left} of them {'leaves' if left == 1 else 'leave'} the study "
            f"before month {months}, where {'its line stops' if left == 1 else 'their lines stop'}.")
