"""Tables and figures for lessons 05–07: mechanisms, delivery routes, evidence gaps and trials.

Every function here is pure: it reads the knowledge base (``data/*.csv``) and returns a
pandas DataFrame, an HTML string (``*_html``), a matplotlib ``Figure`` (``*_figure``) or a
one-sentence text alternative (``describe_*``). The few functions without a suffix wrap an
HTML string in an IPython ``HTML`` object, so a notebook cell can show it without imports.
Nothing here holds a number of its own: counts, levels and results all come from ``data/``.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from IPython.display import HTML

from .. import models, queries
from ..claims import effect_claims_html, effects_with_names  # noqa: F401 (effect_claims_html: re-exported)
from ..data import CAVEAT_COLUMNS, DESIGNS, RANDOMIZED_DESIGNS, KnowledgeBase, load_knowledge_base
from ..markup import Html, esc, join, table_html
from ..style import (ACTIVE_CONTROL_MARK, CAVEAT_MARKS, CLAIM_AIMS, DAGGER_KEY, DAGGER_MARK, EVIDENCE_COLOURS, GREYS,
                     REPAIR_LABEL, UNPUBLISHED_MARK, caveat_marks, caveat_tags_html, evidence_badge_html, figure_style,
                     scatter_by_marker, status_tag_html)
from .evidence import EVIDENCE_CODES, evidence_map_figure, result_label, trial_landscape_figure
from .settings import LESSON_TRIAL_COUNT, POWER_CURVE_ARM_SIZES, POWER_CURVE_EFFECTS, POWER_CURVE_TRIALS

if TYPE_CHECKING:  # imported by the functions that draw: the tables and texts here need no figure
    from matplotlib.figure import Figure


#: Therapy kinds that can count as a cell-based therapy (when the therapy names a cell type).
CELL_BASED_KINDS = ("cell_therapy", "procedure")

#: Grades that mean a claim showed no benefit (or harm) in a randomized trial.
NO_BENEFIT_LEVELS = ("rct_no_benefit", "surrogate_no_benefit", "rct_harm")
RANDOMIZED_FAVOURABLE_LEVELS = ("rct_benefit", "surrogate_benefit")

#: Plain-language notes for each delivery route in ``trials.csv`` (anatomy, not results).
ROUTES = {
    "intravenous": ("Into a vein",
                    "Cells travel with the blood through the whole body. To act inside the brain or spinal cord, "
                    "they or the molecules they release must get past the blood–brain barrier. In rats, most "
                    "mesenchymal stromal cells given this way were held up in the lungs on their first pass."),
    "intrathecal": ("Into the spinal fluid (lumbar puncture)",
                    "A needle between two lower vertebrae places the cells in the fluid that bathes the spinal "
                    "cord and brain: the blood–brain barrier is bypassed, but the cells stay in the fluid rather "
                    "than settling among the nerve cells."),
    "intraspinal": ("Into the spinal cord tissue (surgery)",
                    "Open surgery places the cells right next to motor neurons, but only at the few spinal "
                    "levels injected, and the operation itself carries risk."),
    "intrathecal_intramuscular": ("Spinal fluid and muscles",
                                  "The same person receives cells by lumbar puncture and by injections into "
                                  "muscles."),
    "intrathecal_or_intravenous": ("Spinal fluid or vein",
                                   "Some participants received cells into the spinal fluid, others into a vein."),
    "intracerebroventricular": ("Into the brain's fluid-filled ventricles",
                                "Needs a neurosurgical opening of the skull; the cells reach the fluid inside "
                                "the brain."),
    "intracortical": ("Into the motor cortex (surgery)", "Cells are injected into the brain tissue itself."),
    "intramuscular": ("Into muscles", "Cells are injected into muscles, outside the central nervous system."),
    "oral": ("By mouth", "A tablet or liquid (drugs only)."),
    "subcutaneous": ("Under the skin", "An injection under the skin, as for insulin (drugs only)."),
    "not_stated": ("Not stated", "The published report does not say how the treatment was given."),
}


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def _labels(kb: KnowledgeBase) -> dict[str, str]:
    return dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))


def _badge(level: str, kb: KnowledgeBase) -> str:
    return evidence_badge_html(level, f"{EVIDENCE_CODES[level]} {_labels(kb)[level]}")


#: Said after a claim in the gap and mechanism tables when a later trial did not confirm it
#: (:func:`helpers.queries.unconfirmed_claims`; the claim lists give the full sentence).
UNCONFIRMED_LABEL = "not confirmed by a later trial"


def _graded_html(level: str, hypothesis: bool, caveats, text: str, kb: KnowledgeBase,
                 unconfirmed: bool = False) -> Html:
    """One claim as the gap and mechanism tables list it: its badge, † when its action on this
    damage is a hypothesis, its caveat tags (``caveats``: a claim row or a mapping), then ``text``,
    and, for a result a later trial did not confirm, :data:`UNCONFIRMED_LABEL`."""
    later = f" <i>({UNCONFIRMED_LABEL})</i>" if unconfirmed else ""
    return Html(f"{_badge(level, kb)}{DAGGER_MARK if hypothesis else ''} {caveat_tags_html(caveats)}{esc(text)}{later}")


def _rank(level: str, kb: KnowledgeBase) -> int:
    """Display order of a grade (for ties of design strength only)."""
    return list(kb.evidence_dtype.categories).index(level)


def cell_based_therapy_ids(kb: KnowledgeBase | None = None) -> set[str]:
    """Therapies that deliver cells: a cell therapy or procedure that names a cell type.

    Unproven clinic products are left out on purpose: they are listed separately as
    *Sold without evidence*, never as an example of how a mechanism works.
    """
    kb = _kb(kb)
    t = kb.therapies
    named = t["cell_type_id"].notna() & (t["cell_type_id"] != "")
    return cell_trial_therapy_ids(kb) & set(t.loc[named, "therapy_id"])


def cell_trial_therapy_ids(kb: KnowledgeBase | None = None) -> set[str]:
    """Therapies whose trials are cell-therapy trials: every cell therapy or procedure, also one that
    gives a mixture of cells without naming a single cell type (the patient's own unfractionated
    bone marrow). Wider than :func:`cell_based_therapy_ids`, which the mechanism views use because
    they place each product by what its cells are; a trial of a cell mixture is still a cell trial,
    and leaving out its trial would hide it from the trial counts (ACTiMuS, never reported)."""
    t = _kb(kb).therapies
    return set(t.loc[t["kind"].astype(str).isin(CELL_BASED_KINDS), "therapy_id"])


# =========================================================================== lesson 05: mechanisms
def mechanism_examples(kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """One row per mechanism in ``mechanisms.csv`` (file order) with its strongest real example.

    The example is the claim tested with the strongest design (then the largest trial), whatever
    it found, preferring cell-based therapies (see :func:`cell_based_therapy_ids`); ties go to a
    therapy with a trial in the data, then to the lower effect id. Products sold without evidence
    are never examples. A mechanism with no cell-based claim falls back to the strongest claim of
    any therapy, flagged ``example_is_cell_based = False``. Columns ``failed`` and ``sold`` list
    the therapies whose claims for that mechanism showed no benefit (or harm) in a randomized
    trial, or that are sold without evidence, as ``"Therapy name: DISEASE, damage"`` strings.
    """
    kb = _kb(kb)
    effects = effects_with_names(kb)
    unconfirmed = queries.unconfirmed_claims(kb)
    cell_ids = cell_based_therapy_ids(kb)
    rows = []
    for mech in kb.mechanisms.itertuples():
        mine = effects[effects["mechanism_id"] == mech.mechanism_id]
        candidates = mine[mine["status"] != "marketed_without_evidence"].copy()
        candidates["cell_based"] = candidates["therapy_id"].isin(cell_ids)
        candidates = candidates.sort_values(["cell_based", "strength", "n_people", "has_trial", "effect_id"],
                                            ascending=[False, False, False, False, True], kind="stable")
        row = {"mechanism_id": mech.mechanism_id, "mechanism": mech.name, "description": mech.description}
        if len(candidates):
            best = candidates.iloc[0]
            row.update(example_effect_id=best["effect_id"], example_therapy_id=best["therapy_id"],
                       example_therapy=best["name"], example_disease_id=best["disease_id"],
                       example_damage=best["damage"], example_level=best["level"], example_note=best["note"],
                       example_ref_ids=best["ref_ids"], example_is_cell_based=bool(best["cell_based"]))
        else:
            row.update(example_effect_id=None, example_therapy_id=None, example_therapy=None,
                       example_disease_id=None, example_damage=None, example_level=None, example_note=None,
                       example_ref_ids=None, example_is_cell_based=False)

        def names(sub: pd.DataFrame) -> list[str]:
            # each therapy, disease and damage once, although it may have failed more than one trial
            return list(dict.fromkeys(f"{n}: {d.upper()}, {dmg}"
                                      for n, d, dmg in zip(sub["name"], sub["disease_id"], sub["damage"])))

        def claims(sub: pd.DataFrame) -> list[tuple]:
            # (level, caveats as (name, yes/no) pairs, link is a hypothesis (†), text, not confirmed by a later
            # trial): each grade of each therapy, disease and damage once
            flags = zip(*(sub[caveat].astype(bool) for caveat in CAVEAT_COLUMNS))
            return list(dict.fromkeys(
                (lvl, tuple(zip(CAVEAT_COLUMNS, held)), queries.link_is_hypothesis(dr, ml), f"{n}: {d.upper()}, {dmg}",
                 e in unconfirmed)
                for lvl, held, dr, ml, n, d, dmg, e in zip(sub["level"], flags, sub["direction"], sub["mechanism_link"],
                                                            sub["name"], sub["disease_id"], sub["damage"],
                                                            sub["effect_id"])))

        failed = mine[mine["level"].isin(NO_BENEFIT_LEVELS)]
        row["failed"] = names(failed)
        row["failed_claims"] = claims(failed)
        # favourable randomized results the example column does not show (e.g. a surrogate win beside a clinical miss)
        row["favourable"] = claims(mine[mine["level"].isin(RANDOMIZED_FAVOURABLE_LEVELS)
                                        & (mine["effect_id"] != row["example_effect_id"])])
        row["sold"] = names(mine[mine["status"] == "marketed_without_evidence"])
        rows.append(row)
    return pd.DataFrame(rows)


def mechanism_table_html(kb: KnowledgeBase | None = None) -> str:
    """HTML table: mechanism → strongest example (with its badge and source) → failures → clinic claims."""
    kb = _kb(kb)
    table = mechanism_examples(kb)
    sold_badge = status_tag_html("marketed_without_evidence")

    def graded(claims: list[tuple]) -> list[Html]:
        """Each claim with its own badge and caveat tags: a failed surrogate endpoint (S0) or a loss
        to an active drug (R0 with its caveat) must not read as a failed clinical placebo trial."""
        return [_graded_html(level, hypothesis, dict(caveats), text, kb, later)
                for level, caveats, hypothesis, text, later in claims]

    rows = []
    for r in table.itertuples():
        mechanism = Html(f"<b>{esc(r.mechanism)}</b><br><small>{esc(r.description)}</small>")
        if r.example_level is None:
            example, badge = "— (no claim in the knowledge base)", "—"
        else:
            tag = "" if r.example_is_cell_based else " <i>(not a cell therapy)</i>"
            example = Html(f"<b>{esc(r.example_therapy)}</b>{tag}, {esc(r.example_disease_id.upper())}: "
                           f"{esc(r.example_damage)}<br>{esc(r.example_note)}"
                           f"<br><small>{queries.cite(r.example_ref_ids, kb, 'short')}</small>"
                           + (f"<br><small>Also favourable in a randomized trial: {join(graded(r.favourable), sep='; ')}"
                              "</small>" if r.favourable else ""))
            badge = _badge(r.example_level, kb)
        failed = join(graded(r.failed_claims)) if r.failed_claims else "—"
        sold = join([sold_badge, *r.sold]) if r.sold else "—"
        rows.append([mechanism, example, badge, failed, sold])
    return table_html(["Mechanism", "Most strongly tested example in the data", "Its evidence",
                   "No benefit in randomized trials", "Sold without evidence"], rows,
                  "How a therapy could help: each mechanism with its most strongly tested real example, whatever "
                  "that test found")


def mechanism_table(kb: KnowledgeBase | None = None) -> HTML:
    """:func:`mechanism_table_html` as a displayable object."""
    return HTML(mechanism_table_html(kb))


def mechanism_evidence_figure(kb: KnowledgeBase | None = None, cell_based_only: bool = True) -> Figure:
    """Dot chart: every claim, one marker each, by mechanism (rows) and the design of its test (columns).

    The marker's shape says what the test found and its colour is the claim's evidence badge; a
    favourable result carries its code, followed by the mark of each caveat it carries
    (:data:`~helpers.style.CAVEAT_MARKS`; each keyed under the chart when a printed code shows it). Nothing is summed: a row with many markers is a
    mechanism tested often, not one tested well (lesson 00: ten weak studies do not add up to one
    strong one). Mechanisms without a claim are named under the chart instead of drawn as empty rows.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from .overview import DESIGN_SHORT, DIRECTION_MARKERS

    kb = _kb(kb)
    effects = _mechanism_claims(kb, cell_based_only)
    names = dict(zip(kb.mechanisms["mechanism_id"], kb.mechanisms["name"]))
    shown = [m for m in kb.mechanisms["mechanism_id"] if m in set(effects["mechanism_id"])]
    empty = [names[m] for m in kb.mechanisms["mechanism_id"] if m not in shown]
    x_of = {design: i for i, design in enumerate(reversed(DESIGNS))}
    direction_order = {d: i for i, d in enumerate(DIRECTION_MARKERS)}
    with figure_style():
        fig = Figure(figsize=(10.0, 2.6 + 0.62 * len(shown)), layout="constrained")
        ax = fig.add_subplot()
        points = []
        for y, mechanism in enumerate(shown):
            rows = effects[effects["mechanism_id"] == mechanism]
            for design, group in rows.groupby("design", observed=True, sort=False):
                group = group.sort_values("direction", key=lambda d: d.map(direction_order), kind="stable")
                offsets = (np.arange(len(group)) - (len(group) - 1) / 2) * 0.12  # side by side, centred
                for dx, r in zip(offsets, group.itertuples()):
                    x = x_of[str(design)] + dx
                    points.append((x, y, DIRECTION_MARKERS[str(r.direction)][0], EVIDENCE_COLOURS[str(r.evidence_level)]))
                    if str(r.direction) == "benefit":  # the few favourable results, with their caveats
                        ax.annotate(EVIDENCE_CODES[str(r.evidence_level)] + caveat_marks(r), (x, y), xytext=(0, 8),
                                    textcoords="offset points", ha="center", va="bottom", fontsize=9.5,
                                    fontweight="bold")
        scatter_by_marker(ax, points, s=70, edgecolors="#222222", linewidths=1.0, zorder=3)
        ax.set_yticks(range(len(shown)), [names[m] for m in shown], fontsize=11)
        ax.set_ylim(len(shown) - 0.4, -0.75)
        ax.set_xlim(-0.5, len(DESIGNS) - 0.5)
        ax.set_xticks(range(len(DESIGNS)), [DESIGN_SHORT[d] for d in reversed(DESIGNS)], fontsize=10)
        ax.set_xlabel("How the claim was tested (RCT: randomized controlled trial); one marker per claim", loc="right",
                      fontsize=11)
        ax.grid(axis="x", color=GREYS["light"], zorder=0)
        who = "cell-based therapies" if cell_based_only else "all therapies"
        fig.suptitle(f"Mechanisms: how each claim was tested, and what it found ({who})", x=0.01, ha="left",
                     fontsize=15)
        handles = [ax.scatter([], [], marker=m, s=70, facecolor="white", edgecolors="#222222", label=label)
                   for m, label in DIRECTION_MARKERS.values()]
        # the shapes in the empty lower right of the chart (no lower row reaches a randomized trial)
        ax.legend(handles=handles, title="What the test found", loc="lower right", fontsize=10, title_fontsize=10,
                  framealpha=1.0, edgecolor=GREYS["light"])
        favourable = effects[effects["direction"].astype(str) == "benefit"]  # only their codes carry marks
        keys = [key for name, (_mark, key, _words) in CAVEAT_MARKS.items() if favourable[name].astype(bool).any()]
        keys.append("colour = the claim's evidence badge; the code of each favourable result is printed above it")
        if empty:
            keys.append(f"no claim at all: {', '.join(empty)}")
        fig.legend(handles=[Patch(facecolor="#FFFFFF", edgecolor="#FFFFFF",
                                  label="\n".join(textwrap.fill(k, 100) for k in keys))],
                   loc="outside lower center", fontsize=10, frameon=False, handlelength=0, handletextpad=0)
    return fig


def _mechanism_claims(kb: KnowledgeBase, cell_based_only: bool) -> pd.DataFrame:
    """The claims the mechanism chart shows: all, or those about cell-based therapies (unproven
    clinic products then left out as well)."""
    effects = kb.therapy_effects
    return effects[effects["therapy_id"].isin(cell_based_therapy_ids(kb))] if cell_based_only else effects


#: How the mechanism chart's description says that every favourable randomized result of a
#: mechanism carries a caveat (keys: :data:`helpers.data.CAVEAT_COLUMNS`, in the same order).
MECHANISM_CAVEAT_WORDS = {"unblinded": "only from a trial in which nobody was blinded",
                          "active_control": "only against other effective drugs, not placebo",
                          "unpublished": "results not yet in a journal"}


def describe_mechanism_evidence(kb: KnowledgeBase | None = None, cell_based_only: bool = True) -> str:
    """Text alternative for :func:`mechanism_evidence_figure`, computed from the data."""
    kb = _kb(kb)
    effects = _mechanism_claims(kb, cell_based_only)
    names = dict(zip(kb.mechanisms["mechanism_id"], kb.mechanisms["name"]))
    randomized = effects["design"].astype(str).isin(RANDOMIZED_DESIGNS)
    favourable = effects[randomized & (effects["direction"].astype(str) == "benefit")]
    failed = effects[randomized & (effects["direction"].astype(str) == "no_benefit")]

    def positive_name(m: str) -> str:
        hits = favourable[favourable["mechanism_id"] == m]
        held = [words for caveat, words in MECHANISM_CAVEAT_WORDS.items() if hits[caveat].astype(bool).all()]
        return names[m] + (f" ({'; '.join(held)})" if held else "")

    order = list(kb.mechanisms["mechanism_id"])
    positive = [positive_name(m) for m in order if m in set(favourable["mechanism_id"])]
    negative = [names[m] for m in order if m in set(failed["mechanism_id"])]
    empty = [names[m] for m in order if m not in set(effects["mechanism_id"])]
    who = "cell-based therapies" if cell_based_only else "all therapies"
    rows = []
    for m in order:
        here = effects[effects["mechanism_id"] == m]
        if here.empty:
            continue
        by_design = here["design"].astype(str).value_counts()
        rows.append(f"{names[m]}: " + ", ".join(f"{DESIGN_WORDS_SHORT[d]} {by_design[d]}" for d in DESIGNS
                                                  if d in by_design))
    text = (f"Dot chart of {len(effects)} claims about {who}, one marker per claim, by mechanism and by how the claim "
            f"was tested (nothing is added up); a favourable randomized result (clinical, surrogate or secondary "
            f"endpoint) exists "
            f"only for: {', '.join(positive) or 'none'}; no benefit in randomized trials: {', '.join(negative) or 'none'}"
            f". Claims per mechanism: {'; '.join(rows)}")
    if empty:
        text += f"; no claim {'about a cell-based therapy ' if cell_based_only else ''}at all for: {', '.join(empty)}"
    return text + "."


#: Each design in a few words, for counts in text alternatives ("randomized, clinical endpoint 4").
DESIGN_WORDS_SHORT = {"rct_clinical": "randomized, clinical endpoint", "rct_surrogate": "randomized, surrogate or secondary endpoint",
                      "uncontrolled": "early or uncontrolled", "lab": "animal or cell studies", "idea": "idea only"}


# =========================================================================== lesson 05: routes
def route_summary(kb: KnowledgeBase | None = None, cell_based_only: bool = True) -> pd.DataFrame:
    """Delivery routes used by the trials in ``trials.csv``: counts per disease and example trials.

    Rows follow :data:`ROUTES` order and include only routes that occur. With
    ``cell_based_only`` the comparator drug trials are left out.
    """
    kb = _kb(kb)
    trials = kb.trials
    if cell_based_only:
        trials = trials[trials["therapy_id"].isin(cell_trial_therapy_ids(kb))]
    unknown = set(trials["route"].astype(str)) - set(ROUTES)
    if unknown:
        raise ValueError(f"Route(s) without a plain-language note in ROUTES: {', '.join(sorted(unknown))}")
    rows = []
    for route, (label, note) in ROUTES.items():
        used = trials[trials["route"].astype(str) == route]
        if used.empty:
            continue
        rows.append({"route": route, "label": label, "note": note,
                     "trials_als": int((used["disease_id"] == "als").sum()),
                     "trials_ms": int((used["disease_id"] == "ms").sum()),
                     "examples": list(used["short_name"])})
    return pd.DataFrame(rows)


def route_table_html(kb: KnowledgeBase | None = None, cell_based_only: bool = True) -> str:
    """HTML table of :func:`route_summary`."""
    summary = route_summary(kb, cell_based_only)
    rows = [[Html(f"<b>{esc(r.label)}</b>"), r.note, str(r.trials_als), str(r.trials_ms), join(r.examples)]
            for r in summary.itertuples()]
    what = "cell-therapy trials" if cell_based_only else "trials"
    return table_html(["Route", "What it means", "ALS trials", "MS trials", "Trials in the data"], rows,
                  f"How cells reach their target: routes used by the {what} in the knowledge base")


def route_table(kb: KnowledgeBase | None = None, cell_based_only: bool = True) -> HTML:
    """:func:`route_table_html` as a displayable object."""
    return HTML(route_table_html(kb, cell_based_only))


# =========================================================================== lesson 06: evidence map and gaps
def evidence_map_full_figure(disease: str, kb: KnowledgeBase | None = None) -> Figure:
    """The whole evidence map of one disease: every therapy × every damage, failures included."""
    kb = _kb(kb)
    disease_id = queries.resolve("disease", disease, kb)
    matrix = queries.evidence_matrix(disease_id, kb=kb)
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    disease_name = str(kb.diseases.set_index("disease_id").loc[disease_id, "name"])
    marks = queries.map_marks(disease_id, kb)
    return evidence_map_figure(matrix, names, damage, _labels(kb), f"Evidence map: {disease_name}", marks)


def describe_evidence_map(disease: str, kb: KnowledgeBase | None = None) -> str:
    """One-sentence text alternative for :func:`evidence_map_full_figure`, computed from the data."""
    kb = _kb(kb)
    disease_id = queries.resolve("disease", disease, kb)
    matrix = queries.evidence_matrix(disease_id, kb=kb)
    damage = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    filled = matrix.notna()
    empty = [damage[d] for d in matrix.columns if not filled[d].any()]
    marks = queries.map_marks(disease_id, kb)

    def rows_with(levels) -> list[str]:  # therapies with a cell at these levels, each with its largest trial there
        listed = []
        for t in (t for t in names if t in matrix.index):
            cells = [d for d in matrix.columns if str(matrix.loc[t, d]) in levels]
            if cells:
                people = max(marks["sizes"].get((t, d), 0) for d in cells)
                listed.append(names[t] + (f" [largest trial {people:,} people]" if people
                                          else " [trial size not recorded]"))
        return listed

    strong, failed = rows_with(("rct_benefit",)), rows_with(NO_BENEFIT_LEVELS)
    text = (f"Grid of {len(matrix.index)} therapies by {len(matrix.columns)} kinds of damage in "
            f"{disease_id.upper()}, {int(filled.to_numpy().sum())} cells filled; benefit on a clinical endpoint "
            f"in a randomized trial in the rows of: {', '.join(strong) or 'none'}; no benefit in a randomized "
            f"trial in the rows of: {', '.join(failed) or 'none'}")
    active = sorted({names[t] for t, d in marks["active_control"] if t in matrix.index}, key=list(names.values()).index)
    if active:
        text += (f"; cells marked {ACTIVE_CONTROL_MARK} (compared only with another effective drug, not with placebo) "
                 f"in the rows of: {', '.join(active)}")
    text += repair_summary(matrix, disease_id, kb, marks["repair"], marks["unlinked"])
    text += f"; columns with no claim at all: {', '.join(empty)}" if empty else "; every column has at least one claim"
    return text + "." + unpublished_sentence(matrix, kb, marks["unpublished"])


def unpublished_sentence(matrix: pd.DataFrame, kb: KnowledgeBase, unpublished: set[tuple[str, str]]) -> str:
    """The sentence a map's text alternative adds when some shown cells rest only on results not yet in a
    journal (" Cells marked ° (...) are in the rows of: ..."), else ""."""
    shown = {t for t, d in unpublished if t in matrix.index and d in matrix.columns and pd.notna(matrix.loc[t, d])}
    if not shown:
        return ""
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    rows = [names[t] for t in matrix.index if t in shown]
    return (f" Cells marked {UNPUBLISHED_MARK} (results so far only announced, presented at a meeting or posted in a trial registry, not yet in "
            f"a journal) are in the rows of: {', '.join(rows)}.")


def repair_summary(matrix: pd.DataFrame, disease_id: str, kb: KnowledgeBase,
                   repair: set[tuple[str, str]] | None = None,
                   unlinked: set[tuple[str, str]] | None = None) -> str:
    """The clause of an evidence map's text alternative about the cells marked "repair claim": how
    many, the strongest favourable result among them (with the dagger where its action on the damage
    is a hypothesis), and whether any has a clinical benefit (``repair`` and ``unlinked`` are
    :func:`helpers.queries.repair_pairs` and :func:`helpers.queries.unlinked_pairs` for the disease,
    if the caller has them)."""
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    repair = queries.repair_pairs(disease_id, kb) if repair is None else repair
    unlinked = queries.unlinked_pairs(disease_id, kb) if unlinked is None else unlinked
    cells = [(t, d) for t, d in sorted(repair)
             if t in matrix.index and d in matrix.columns and pd.notna(matrix.loc[t, d])]
    effects = kb.therapy_effects
    tools = set(effects.loc[effects["action"].astype(str) == "research", "therapy_id"].astype(str)) & set(matrix.index)
    research = ", except in the row of a research tool, where it is about laboratory research" if tools else ""
    if not cells:
        return ("; no cell is a claim about repairing damage already done, every claim is about slowing further "
                f"damage{research}")
    levels = {cell: str(matrix.loc[cell]) for cell in cells}
    text = (f"; {len(cells)} {'cell is' if len(cells) == 1 else 'cells are'} marked \"{REPAIR_LABEL}\" (the claim shown is "
            f"about repairing damage already done; in every other cell it is about slowing further damage{research})")
    favourable = [lvl for lvl in ("rct_benefit", "surrogate_benefit") if lvl in levels.values()]

    def who(level: str) -> str:  # the therapies with a repair cell at this level, in therapies.csv order
        ids = {t for (t, _), lvl in levels.items() if lvl == level}
        return ", ".join(names[t] for t in names if t in ids)

    if "rct_benefit" in favourable:
        return text + f", with a benefit on a clinical endpoint in a randomized trial for: {who('rct_benefit')}"
    text += "; none has a benefit on a clinical endpoint in a randomized trial"
    if favourable:
        best = [cell for cell, lvl in levels.items() if lvl == favourable[0]]
        mark = (f"{DAGGER_MARK} (that it acts by repairing this damage is a hypothesis)"
                if all(cell in unlinked for cell in best) else "")
        text += f", and the best favourable result is {EVIDENCE_CODES[favourable[0]]}{mark}, for: {who(favourable[0])}"
    return text


def untreated_damage_frame(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The damage :func:`helpers.queries.untreated_damage` finds, with every claim that does exist.

    One row per untreated damage (``damage.csv`` order): its name, the grade of the most strongly
    tested claim (or ``None``), every claim as ``(therapy, grade)``, strongest design first, and the
    effect ids of those claims in the same order (``effect_ids``, for their caveat marks).
    """
    kb = _kb(kb)
    ids = queries.untreated_damage(disease, above, kb)
    effects = effects_with_names(kb).sort_values(**queries.DECISIVE_ORDER, kind="stable")
    names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    rows = []
    for damage_id in ids:
        claims = effects[effects["damage_id"] == damage_id]
        order = list(zip(claims["name"], claims["level"]))
        best = order[0][1] if order else None
        rows.append({"damage_id": damage_id, "damage": names[damage_id], "best_level": best, "claims": order,
                     "effect_ids": list(claims["effect_id"])})
    return pd.DataFrame(rows, columns=["damage_id", "damage", "best_level", "claims", "effect_ids"], dtype=object)


def untreated_damage_html(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> str:
    """HTML table of :func:`untreated_damage_frame`: the gaps, and what little reaches them."""
    kb = _kb(kb)
    frame = untreated_damage_frame(disease, above, kb)
    disease_id = queries.resolve("disease", disease, kb)
    strength = queries.design_strength(above, kb)
    label = queries.DESIGN_LABELS[queries.DESIGNS[len(queries.DESIGNS) - strength]]
    if frame.empty:
        return (f"<p>Every kind of damage in {disease_id.upper()} has a favourable claim from a design stronger than "
                f"“{esc(label)}”.</p>")
    effects = kb.therapy_effects.set_index("effect_id")
    unconfirmed = queries.unconfirmed_claims(kb)
    rows = []
    for r in frame.itertuples():
        # the same marks as the maps and claim lists: a favourable result here is listed because its
        # action on this damage is not shown (†), and a result from unblinded trials says so
        marked = []
        aims = {}  # each therapy's aims here: one with a claim about slowing and one about repair says which is which
        for (name, _), effect_id in zip(r.claims, r.effect_ids):
            aims.setdefault(name, set()).add(str(effects.loc[effect_id, "action"]))
        for (name, lvl), effect_id in zip(r.claims, r.effect_ids):
            e = effects.loc[effect_id]
            aim = f" (claim about {CLAIM_AIMS[str(e['action'])]})" if len(aims[name]) > 1 else ""
            marked.append(_graded_html(lvl, queries.link_is_hypothesis(e["direction"], e["mechanism_link"]), e,
                                       name + aim, kb, effect_id in unconfirmed))
        claims = join(marked) if marked else Html("<i>no claim at all in the knowledge base</i>")
        rows.append([Html(f"<b>{esc(r.damage)}</b>"), claims])
    table = table_html(["Damage", "Every claim in the knowledge base (strongest design first)"], rows,
                       f"{disease_id.upper()}: damage that no therapy has been shown, in people, to act on (by a "
                       f"design stronger than “{label}”)")
    return table + f"<p><small>{esc(DAGGER_KEY)}: why a damage with such a claim still counts as a gap.</small></p>"


def untreated_damage_table(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> HTML:
    """:func:`untreated_damage_html` as a displayable object."""
    return HTML(untreated_damage_html(disease, above, kb))


def untreated_damage_names(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> list[str]:
    """Names of the kinds of damage :func:`helpers.queries.untreated_damage` finds (data order)."""
    kb = _kb(kb)
    names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    return [str(names[d]) for d in queries.untreated_damage(disease, above, kb)]


def untreated_damage_list(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> HTML:
    """The kinds of damage no therapy has been shown, in people, to act on: a bullet list of their names
    (HTML, data text escaped)."""
    names = untreated_damage_names(disease, above, kb)
    return HTML("<ul>" + "".join(f"<li>{esc(name)}</li>" for name in names or ["none"]) + "</ul>")


def therapy_comparison_frame(therapies: list[str], disease: str, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Damage of one disease (rows, ``damage.csv`` order) × therapies (columns): the claims in each cell.

    Each cell is a list of ``(mechanism name, level id, note)`` tuples, strongest first; an
    empty list means the knowledge base has no claim for that pair.
    """
    kb = _kb(kb)
    disease_id = queries.resolve("disease", disease, kb)
    therapy_ids = [queries.resolve("therapy", t, kb) for t in therapies]
    damage = kb.damage[kb.damage["disease_id"] == disease_id]
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    frame = pd.DataFrame(index=list(damage["damage_id"]), columns=[names[t] for t in therapy_ids], dtype=object)
    for therapy_id in therapy_ids:
        rows = queries.damage_for_therapy(therapy_id, disease=disease_id, kb=kb)
        for damage_id in frame.index:
            here = rows[rows["damage_id"] == damage_id]
            frame.at[damage_id, names[therapy_id]] = [(m, str(lvl), n) for m, lvl, n in
                                                      zip(here["mechanism"], here["evidence_level"], here["note"])]
    frame.index.name = "damage_id"
    return frame


def therapy_comparison_html(therapies: list[str], disease: str, kb: KnowledgeBase | None = None) -> str:
    """Side-by-side HTML table of :func:`therapy_comparison_frame` (badge, mechanism, what is known)."""
    kb = _kb(kb)
    frame = therapy_comparison_frame(therapies, disease, kb)
    damage = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    rows = []
    for damage_id, cells in frame.iterrows():
        row = [Html(f"<b>{esc(damage[damage_id])}</b>")]
        for claims in cells:
            row.append(join(Html(f"{_badge(lvl, kb)} <i>{esc(m)}</i>: {esc(n)}") for m, lvl, n in claims))
        rows.append(row)
    disease_id = queries.resolve("disease", disease, kb)
    return table_html(["Damage"] + list(frame.columns), rows,
                  f"{disease_id.upper()}: what each therapy addresses, and how well it is supported (— = no claim)")


def therapy_comparison(therapies: list[str], disease: str, kb: KnowledgeBase | None = None) -> HTML:
    """:func:`therapy_comparison_html` as a displayable object."""
    return HTML(therapy_comparison_html(therapies, disease, kb))


# =========================================================================== lesson 07: trials
def trial_cases_html(trial_ids: list[str], kb: KnowledgeBase | None = None) -> str:
    """Case-study table of the given trials, in the order given: design, size, endpoint, result, source."""
    kb = _kb(kb)
    trials = queries.rows_by_id(kb.trials, "trial_id", trial_ids, "trial id(s)", "trials.csv", list_valid=True)
    rows = []
    for trial_id in trial_ids:
        t = trials.loc[trial_id]
        phase = {"not_stated": "phase not stated", "observational": "observational"}.get(t["phase"], f"phase {t['phase']}")
        route = ROUTES[t["route"]][0].lower()
        design = (f"{phase}; " + ("randomized" if t["randomized"] == "yes" else "not randomized")
                  + f"; control: {str(t['controlled']).replace('_', ' ')}; blinding: {t['blinding']}; "
                  f"route: {route}")
        size = "not given" if pd.isna(t["n_enrolled"]) else str(int(t["n_enrolled"]))
        registry = "" if pd.isna(t["registry_id"]) else f"<br><small>{esc(str(t['registry_id']))}</small>"
        rows.append([Html(f"<b>{esc(str(t['short_name']))}</b> ({esc(str(t['disease_id']).upper())}){registry}"),
                     design, size, str(t["primary_outcome"]),
                     Html(f"<b>{esc(result_label(t['result']))}</b><br>"
                          f"{esc(str(t['result_note']))}"),
                     Html(f"<small>{queries.cite(t['ref_ids'], kb, 'short')}</small>")])
    return table_html(["Trial", "Design", "Participants", "Primary endpoint", "Result", "Source"], rows)


def trial_cases(trial_ids: list[str], kb: KnowledgeBase | None = None) -> HTML:
    """:func:`trial_cases_html` as a displayable object."""
    return HTML(trial_cases_html(trial_ids, kb))


def facts_html(fact_ids: list[str], kb: KnowledgeBase | None = None) -> str:
    """Key numbers from ``disease_facts.csv`` (in the order given) with their qualifier and source."""
    kb = _kb(kb)
    facts = queries.rows_by_id(kb.disease_facts, "fact_id", fact_ids, "fact id(s)", "disease_facts.csv")
    rows = []
    for fact_id in fact_ids:
        f = facts.loc[fact_id]
        value = (f"{float(f['value']):g} to 1" if f["unit"] == "ratio"
                 else f"{float(f['value']):g} {f['unit']}".replace(" %", "%"))
        qualifier = "" if pd.isna(f["qualifier"]) else str(f["qualifier"])
        rows.append([str(f["quantity"])[:1].upper() + str(f["quantity"])[1:], Html(f"<b>{esc(value)}</b>"),
                     qualifier, Html(f"<small>{queries.cite(f['ref_ids'], kb, 'short')}</small>")])
    return table_html(["Quantity", "Value", "Where it comes from", "Source"], rows)


def facts_table(fact_ids: list[str], kb: KnowledgeBase | None = None) -> HTML:
    """:func:`facts_html` as a displayable object."""
    return HTML(facts_html(fact_ids, kb))


def cell_trials(kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Trials of cell therapies (see :func:`cell_trial_therapy_ids`), without the comparator drug trials."""
    kb = _kb(kb)
    return kb.trials[kb.trials["therapy_id"].isin(cell_trial_therapy_ids(kb))].reset_index(drop=True)


def cell_trial_overview_figure(kb: KnowledgeBase | None = None) -> Figure:
    """Every cell-therapy trial as a labelled dot plot ordered by design (see
    :func:`helpers.figures.evidence.trial_landscape_figure`): MS then ALS, randomized first."""
    return trial_landscape_figure(cell_trials(_kb(kb)), "Cell-therapy trials by design: size, phase and result",
                                  order="design")


def describe_cell_trial_overview(kb: KnowledgeBase | None = None) -> str:
    """One-sentence text alternative for :func:`cell_trial_overview_figure`, computed from the data."""
    kb = _kb(kb)
    trials = cell_trials(kb)
    rct = trials[trials["randomized"] == "yes"]
    sized = rct.dropna(subset=["n_enrolled"])
    enrolled = sized[sized["size_kind"].astype(str) == "enrolled"]  # a planned size is not yet a trial that ran
    largest = enrolled.loc[enrolled["n_enrolled"].astype(int).idxmax()] if len(enrolled) else None
    planned = sized[sized["size_kind"].astype(str) == "planned"]
    others = trials[trials["randomized"] != "yes"].dropna(subset=["n_enrolled"])
    met = rct[rct["result"].astype(str) == "met"]["short_name"]
    not_met = rct[rct["result"].astype(str) == "not_met"]["short_name"]
    text = (f"Dot plot of {len(trials)} cell-therapy trials by size, MS then ALS, randomized first: {len(rct)} randomized"
            + (f" (largest enrolled: {largest['short_name']}, {int(largest['n_enrolled'])} people"
               + (f"; {len(planned)} more with only a planned size" if len(planned) else "") + ")"
               if largest is not None else "")
            + f", of which {len(met)} met the primary endpoint ({', '.join(met) or 'none'}) and {len(not_met)} did "
              f"not ({', '.join(not_met) or 'none'}); {len(trials) - len(rct)} not randomized")
    if len(others):
        sizes = others["n_enrolled"].astype(int)
        text += f", with {sizes.min()} to {sizes.max()} participants (enrolled or planned)"
    missing = int(trials["n_enrolled"].isna().sum())
    return text + (f"; {missing} without a reported size." if missing else ".")


def describe_trial_landscape(trials: pd.DataFrame, kb: KnowledgeBase | None = None) -> str:
    """One-sentence text alternative for :func:`helpers.figures.evidence.trial_landscape_figure`."""
    kb = _kb(kb)
    cell_ids = cell_trial_therapy_ids(kb)
    cell = trials[trials["therapy_id"].isin(cell_ids)]
    cell_rct = cell[cell["randomized"] == "yes"]
    cell_p3 = cell[cell["phase"].astype(str) == "3"]
    met = cell_rct[cell_rct["result"].astype(str) == "met"]
    sized = trials.dropna(subset=["n_enrolled"])
    planned = int((sized["size_kind"].astype(str) == "planned").sum())
    cells = ("all test cell-based therapies" if len(cell) == len(trials) and len(trials) > 1
             else f"{len(cell)} test{'s' if len(cell) == 1 else ''} cell-based therapies")
    text = (f"Dot plot of all {len(trials)} trials, one row each in order of start year, by number of participants "
            f"({planned} planned size{'' if planned == 1 else 's'} shown as open markers, "
            f"{len(trials) - len(sized)} without a reported size); "
            f"{cells}, {len(cell_rct)} of them randomized, {len(cell_p3)} at phase 3; "
            f"randomized cell trials that met their primary endpoint: {', '.join(met['short_name']) or 'none'}")
    if len(sized):
        largest = sized.loc[sized["n_enrolled"].astype(int).idxmax()]
        kind = "planned" if str(largest["size_kind"]) == "planned" else "enrolled"
        text += f"; the largest is {largest['short_name']} ({int(largest['n_enrolled']):,} people {kind})"
    return text + "."


def power_summary(treatment_slowing_values=POWER_CURVE_EFFECTS, patients_per_arm_values=POWER_CURVE_ARM_SIZES,
                  n_trials: int = POWER_CURVE_TRIALS, target: float = 0.8) -> pd.DataFrame:
    """Power of a randomized trial (teaching model) for each effect and arm size, as in
    :func:`helpers.figures.models.power_curve_figure` (same seeds, same numbers).

    Adds ``smallest_n_for_target``: the smallest arm size in the list reaching ``target``
    power, or ``None`` if none does; and ``n_at_target``: where the curve crosses ``target``,
    interpolated on a log scale between the two simulated sizes around it (``None`` if it never
    crosses), which is what a caption should report.
    """
    rows = []
    curves = models.trial_power_curves(patients_per_arm_values, treatment_slowing_values, n_trials)
    for effect, power in zip(treatment_slowing_values, curves):
        reach = [n for n, p in zip(patients_per_arm_values, power) if p >= target]
        rows.append({"treatment_slowing": effect, **{int(n): float(p) for n, p in zip(patients_per_arm_values, power)},
                     "smallest_n_for_target": reach[0] if reach else None,
                     "n_at_target": crossing(patients_per_arm_values, power, target)})
    return pd.DataFrame(rows)


def crossing(sizes, power, target: float = 0.8) -> float | None:
    """Arm size at which a power curve first reaches ``target`` (log-linear interpolation)."""
    sizes, power = [float(n) for n in sizes], [float(p) for p in power]
    for i, (n, p) in enumerate(zip(sizes, power)):
        if p >= target:
            if i == 0:
                return n
            n0, p0 = sizes[i - 1], power[i - 1]
            fraction = (target - p0) / (p - p0)
            return float(np.exp(np.log(n0) + fraction * (np.log(n) - np.log(n0))))
    return None


def _about(n: float) -> int:
    """A round number for a caption: to the nearest 5 below 100, the nearest 10 above."""
    step = 5 if n < 100 else 10
    return int(step * round(n / step))


def describe_power_curve(treatment_slowing_values=POWER_CURVE_EFFECTS, patients_per_arm_values=POWER_CURVE_ARM_SIZES,
                         n_trials: int = POWER_CURVE_TRIALS) -> str:
    """One-sentence text alternative for :func:`helpers.figures.models.power_curve_figure`."""
    summary = power_summary(treatment_slowing_values, patients_per_arm_values, n_trials)
    parts = []
    for r in summary.to_dict("records"):
        effect = f"{100 * r['treatment_slowing']:.0f}%"
        if r["smallest_n_for_target"] is None:
            parts.append(f"a {effect} slowing stays below 80% power even with {max(patients_per_arm_values)} per arm")
        else:
            parts.append(f"a {effect} slowing needs about {_about(r['n_at_target'])} per arm for 80% power")
    smallest = min(patients_per_arm_values)
    weakest = summary.iloc[0]
    return (f"Teaching-model line chart of power against trial size: with {smallest} patients per arm a "
            f"{100 * weakest['treatment_slowing']:.0f}% slowing is detected in only "
            f"{100 * weakest[smallest]:.0f}% of simulated trials; " + "; ".join(parts) + ". "
            f"Each point comes from {n_trials:,} simulated trials, so {monte_carlo_note(n_trials, 'it')}, and "
            "the sizes read off the curve are rough.")


def monte_carlo_margin_points(n_trials: int) -> float:
    """Largest 95% Monte Carlo margin, in percentage points, of a share estimated from ``n_trials`` simulated trials.

    Two standard errors of a proportion at its widest (p = 0.5): 2 * sqrt(0.25 / n) * 100.
    """
    return 200 * float(np.sqrt(0.25 / int(n_trials)))


def monte_carlo_note(n_trials: int, subject: str = "each") -> str:
    """How far a simulated percentage (``subject``) can be from the model's own long-run value (a
    95% margin, rounded up): the one wording of the series' Monte Carlo error."""
    margin = math.ceil(monte_carlo_margin_points(n_trials))
    return (f"{subject} is usually (19 times in 20) within about ±{margin} points of what the model gives with "
            f"unlimited trials (Monte Carlo error; a second run of {n_trials:,} trials can differ from this one "
            f"by more)")


def design_comparison(patients_per_arm_values=(10, 25, 50, 100), treatment_slowing: float = 0.25,
                      n_trials: int = LESSON_TRIAL_COUNT, seed: int = models.DEFAULT_SEED) -> pd.DataFrame:
    """Teaching model: what randomized and single-arm designs conclude, by size (all seeded).

    For each arm size: ``power`` (randomized, true effect), ``false_positive`` (randomized,
    useless treatment), ``single_arm_false_positive`` (single-arm vs biased historical control,
    useless treatment) and ``effect_low``/``effect_high``: the 5th and 95th percentiles of the
    slowing that randomized trials *estimate* when the true slowing is ``treatment_slowing``
    (as a fraction of the mean natural decline); ``effect_if_significant``: the average estimate
    among the trials that found a significant benefit (the "winner's curse": the trials that get
    announced overestimate the effect, most when they are small). Parameters not given come from
    ``data/``.
    """
    p = models.load_parameters("alsfrs")
    rows = []
    for n in patients_per_arm_values:
        # the same seed and trial count as the lesson's trial figure and the simulator's defaults, so the
        # row for the default size shows exactly the numbers of the figure and the widget
        sim = models.simulate_alsfrs_trials(int(n), treatment_slowing, n_trials, seed)
        estimated = sim.randomized["difference"] / abs(p["mean_slope_points_per_month"])
        low, high = np.nanpercentile(estimated, [5, 95])
        winners = estimated[sim.randomized["benefit"]]
        rows.append({"patients_per_arm": int(n), "power": sim.power, "false_positive": sim.false_positive_rate,
                     "single_arm_false_positive": sim.single_arm_false_positive_rate,
                     "effect_low": float(low), "effect_high": float(high),
                     "effect_if_significant": float(winners.mean()) if winners.size else float("nan")})
    return pd.DataFrame(rows)


def design_comparison_html(patients_per_arm_values=(10, 25, 50, 100), treatment_slowing: float = 0.25,
                           n_trials: int = LESSON_TRIAL_COUNT, seed: int = models.DEFAULT_SEED) -> str:
    """HTML table of :func:`design_comparison`, labelled as a teaching model."""
    frame = design_comparison(patients_per_arm_values, treatment_slowing, n_trials, seed)
    pct = lambda x: f"{100 * x:.0f}%".replace("-", "\u2212")  # noqa: E731  (a true minus sign)
    rows = [[str(r.patients_per_arm), pct(r.power), f"{pct(r.effect_low)} to {pct(r.effect_high)}",
             "—" if np.isnan(r.effect_if_significant) else pct(r.effect_if_significant),
             pct(r.false_positive), pct(r.single_arm_false_positive)] for r in frame.itertuples()]
    return table_html(["Patients per arm",
                   f"Randomized: real {pct(treatment_slowing)} slowing detected",
                   f"Randomized: slowing the trials estimate (middle 90%; truth {pct(treatment_slowing)})",
                   f"Randomized, only the trials that found a benefit: average slowing they estimate "
                   f"(truth {pct(treatment_slowing)})",
                   "Randomized: useless drug 'significant'",
                   "Single-arm vs history: useless drug 'significant'"], rows,
                  f"Teaching model of ALSFRS-R decline, {n_trials:,} simulated trials per size. "
                  f"Percentages are simulated: {monte_carlo_note(n_trials, 'each share of trials')}; the "
                  "estimated slowings (third and fourth columns) also vary from run to run")


def design_comparison_table(patients_per_arm_values=(10, 25, 50, 100), treatment_slowing: float = 0.25,
                            n_trials: int = LESSON_TRIAL_COUNT, seed: int = models.DEFAULT_SEED) -> HTML:
    """:func:`design_comparison_html` as a displayable object."""
    return HTML(design_comparison_html(patients_per_arm_values, treatment_slowing, n_trials, seed))
