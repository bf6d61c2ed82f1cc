"""Overview figure for the start of the series: where each treatment stands on the evidence scale.

It shows *designs* (how strong the test was) and *directions* (what it found) for each
treatment, with cell therapies apart from drugs and procedures, and the regulatory status as
text beside the name. It deliberately does not count claims: ten weak claims are not strong
evidence.
"""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.figure import Figure

from .. import queries
from ..data import DESIGNS, KnowledgeBase
from ..style import EVIDENCE_COLOURS, GREYS, STATUS_LABELS, figure_style, scatter_by_marker

DESIGN_SHORT = {"rct_clinical": "RCT,\nclinical\nendpoint", "rct_surrogate": "RCT,\nsurrogate or\nsecondary",
                "uncontrolled": "Early,\nun-\ncontrolled", "lab": "Animal\nand cell\nonly", "idea": "Idea\nonly"}
DIRECTION_MARKERS = {"benefit": ("^", "benefit"), "no_benefit": ("v", "no benefit"), "harm": ("X", "harm"),
                     "unclear": ("o", "benefit unknown"), "untested": ("s", "not tested in people")}
CELL_KINDS = ("cell_therapy", "unproven_product")
DESIGN_WORDS = {"rct_clinical": "a randomized trial", "rct_surrogate": "a randomized trial (surrogate or secondary endpoint)",
                "uncontrolled": "an early, uncontrolled study", "lab": "animal or cell studies", "idea": "no study"}


def evidence_standing(kb: KnowledgeBase) -> pd.DataFrame:
    """One row per therapy and disease: its decisive claim (strongest design, then largest trial).

    Columns: therapy_id, name, disease_id, cell_based, status, approved_for (where and for whom an
    approval holds, or empty), design, direction, evidence_level, n_people, active_control, and harms: (design,
    evidence level) of any *other* claim for the pair that found harm, strongest design first (a
    harm signal from a weaker study must not hide behind a favourable decisive result). Sorted
    cell therapies first, then by strength of design.
    """
    effects = kb.therapy_effects
    # one marker per treatment and disease: a miss against another effective drug ("not shown to be
    # better than it", not "no effect") ranks after a favourable result of the same design, so two
    # placebo-free wins against teriflunomide are not hidden behind one larger trial against ocrelizumab
    effects = effects.assign(_better_not_shown=effects["active_control"].astype(bool)
                             & (effects["direction"].astype(str) == "no_benefit"))
    decisive = queries.decisive_claims(effects, per=("therapy_id", "disease_id"), last_among_equals="_better_not_shown")
    harms = effects[(effects["direction"].astype(str) == "harm") & ~effects["effect_id"].isin(decisive["effect_id"])]
    found = {key: sorted(set(zip(group["design"].astype(str), group["evidence_level"].astype(str))),
                         key=lambda pair: DESIGNS.index(pair[0]))
             for key, group in harms.groupby(["therapy_id", "disease_id"], observed=True)}
    frame = decisive.merge(kb.therapies[["therapy_id", "name", "kind", "status", "approved_for"]], on="therapy_id")
    frame["approved_for"] = frame["approved_for"].astype("string").fillna("")
    frame["harms"] = [found.get((t, d), []) for t, d in zip(frame["therapy_id"], frame["disease_id"])]
    frame["name"] = frame["name"].astype(str)
    # aHSCT is a procedure built on stem cells: it counts as cell-based.
    frame["cell_based"] = frame["kind"].astype(str).isin(CELL_KINDS) | frame["therapy_id"].isin(
        kb.therapies.loc[kb.therapies["cell_type_id"].notna(), "therapy_id"])
    frame = frame.sort_values(["cell_based", "strength", "n_people", "name"], ascending=[False, False, False, True],
                              kind="stable")
    columns = ["therapy_id", "name", "disease_id", "cell_based", "status", "approved_for", "design", "direction",
               "evidence_level", "n_people", "active_control", "harms"]
    return frame[columns].astype({"status": str, "design": str, "direction": str, "evidence_level": str})\
        .reset_index(drop=True)


#: Statuses whose scope (``approved_for``) matters to a reader: an approval or a guideline's use.
SCOPED_STATUSES = ("full_approval", "conditional_approval", "guideline_procedure")


def status_text(status: str, approved_for: str) -> str:
    """The status as the chart prints it: an approval that holds only for some people or places
    says "(limits apply)"; the text alternative names the limits."""
    return STATUS_LABELS[status] + (" (limits apply)" if approved_for and status in SCOPED_STATUSES else "")


def _short_name(name: str, limit: int = 46) -> str:
    """A name that fits the figure's labels: the whole name if short enough; else an abbreviation in
    brackets that spells the name's initials ("... transplantation (aHSCT)" -> "aHSCT"); else the name
    without its bracket; else cut with "…".

    >>> _short_name("Autologous haematopoietic stem cell transplantation (aHSCT)")
    'aHSCT'
    >>> _short_name("Human fetal neural precursor cells, intrathecal (STEMS)")
    'Human fetal neural precursor cells, intrathec…'
    >>> _short_name("Intravenous fat-derived (adipose) cells given to people with MS")
    'Intravenous fat-derived cells given to people…'
    """
    if len(name) <= limit:
        return name
    head, _, rest = name.partition(" (")
    abbreviation = rest[:-1] if rest.endswith(")") and ")" not in rest[:-1] else ""  # only a final bracket
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", head)).lower()
    if abbreviation and " " not in abbreviation and abbreviation.lower() == initials:
        return abbreviation
    # Drop every bracket, not what follows a bracket in the middle of the name.
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def evidence_standing_figure(kb: KnowledgeBase) -> Figure:
    """Dot chart: each treatment's strongest design (x) and what it found (marker), cell therapies apart."""
    standing = evidence_standing(kb)
    x_of = {design: i for i, design in enumerate(reversed(DESIGNS))}
    groups = [("Cell-based treatments (stem cells and other cells)", standing[standing["cell_based"]]),
              ("Drugs, antibodies and procedures", standing[~standing["cell_based"]])]
    heights = [max(len(g), 1) for _, g in groups]
    with figure_style():
        fig = Figure(figsize=(11.0, 0.34 * sum(heights) + 2.8), layout="constrained")
        axes = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": heights})
        for ax, (title, group) in zip(axes, groups):
            labels = [f"{_short_name(r.name)} ({r.disease_id.upper()}) · {status_text(r.status, r.approved_for)}"
                      for r in group.itertuples()]
            results, harms = [], []
            for y, r in enumerate(group.itertuples()):
                results.append((x_of[r.design], y, DIRECTION_MARKERS[r.direction][0], EVIDENCE_COLOURS[r.evidence_level]))
                for design, level in r.harms:  # a harm signal beside the decisive result, never hidden by it
                    x = x_of[design] + (0.22 if design == r.design else 0.0)
                    harms.append((x, y, DIRECTION_MARKERS["harm"][0], EVIDENCE_COLOURS[level]))
            for layer in (results, harms):  # harm signals drawn last, on top
                scatter_by_marker(ax, layer, s=95, edgecolors="#222222", linewidths=1.0, zorder=3)
            ax.set_yticks(range(len(group)), labels, fontsize=10)
            ax.set_ylim(len(group) - 0.5, -0.5)
            ax.set_xlim(-0.5, len(DESIGNS) - 0.5)
            ax.grid(axis="x", color=GREYS["light"], zorder=0)
            ax.set_title(title, loc="left", fontsize=13)
        axes[-1].set_xticks(range(len(DESIGNS)), [DESIGN_SHORT[d] for d in reversed(DESIGNS)], fontsize=10)
        axes[-1].set_xlabel("Strongest test so far (RCT: randomized controlled trial)", loc="right", fontsize=11)
        handles = [axes[0].scatter([], [], marker=m, s=80, facecolor="white", edgecolors="#222222", label=label)
                   for m, label in DIRECTION_MARKERS.values()]
        fig.legend(handles=handles, title="What it found (marker shape; an X beside another marker: harm seen in a "
                                          "weaker study)", loc="outside lower center", ncols=5,
                   fontsize=10, title_fontsize=10)
        fig.suptitle("Where each treatment stands: design of its strongest test, and what it found",
                     x=0.01, ha="left", fontsize=14)
    return fig


def _with_size(row) -> str:
    """A treatment's name with the size of the trial behind its shown result, where known: a miss in
    108 people and one in 664 are different findings."""
    details = [f"{int(row.n_people):,} people"] if pd.notna(row.n_people) and row.n_people else []
    if row.active_control and row.direction == "no_benefit":
        details.append("not shown to be better than another effective drug")
    return row.name + (f" ({'; '.join(details)})" if details else "")


def _group_description(label: str, group, also_won: set, also_lost: set) -> str:
    """One group's sentence in :func:`describe_evidence_standing`: how many pairs, which showed a
    benefit in a randomized trial, which did not, and where trials of one treatment disagree."""
    randomized = group[group["design"] == "rct_clinical"]
    benefit = randomized[randomized["direction"] == "benefit"]
    failed = randomized[randomized["direction"] == "no_benefit"]
    mixed = [r.name for r in benefit.itertuples() if (r.therapy_id, r.disease_id) in also_lost]
    disputed = [r.name for r in failed.itertuples() if (r.therapy_id, r.disease_id) in also_won]
    text = (f"{label}: {len(group)} treatment-disease pairs; benefit on a clinical endpoint in a randomized "
            f"trial for {len(benefit)} ({', '.join(benefit['name']) or 'none'})")
    if mixed:
        text += (f", although for {len(mixed)} of these ({', '.join(mixed)}) another randomized trial did not "
                 "show a benefit, and the figure shows the larger trial (a trial that did not show the treatment "
                 "better than another effective drug comes after a favourable one)")
    text += (f"; a randomized trial on a clinical endpoint did not show a benefit for {len(failed)} "
             f"({', '.join(_with_size(r) for r in failed.itertuples()) or 'none'})")
    if disputed:
        text += (f", although for {len(disputed)} of these ({', '.join(disputed)}) another randomized trial "
                 "found benefit, and the figure shows the larger trial")
    text += "; the others have only weaker designs behind them."
    if mixed or disputed:
        text += (" Showing the larger trial is a choice of display, not a verdict: trials of one treatment "
                 "may have tested different groups of patients or different comparisons.")
    return text


def describe_evidence_standing(kb: KnowledgeBase) -> str:
    """Text alternative for :func:`evidence_standing_figure`, computed from the data."""
    standing = evidence_standing(kb)
    effects = kb.therapy_effects
    won = effects[(effects["design"].astype(str) == "rct_clinical") & (effects["direction"].astype(str) == "benefit")]
    lost = effects[(effects["design"].astype(str) == "rct_clinical") & (effects["direction"].astype(str) == "no_benefit")]
    also_won = set(zip(won["therapy_id"], won["disease_id"]))  # pairs where some randomized trial found benefit
    also_lost = set(zip(lost["therapy_id"], lost["disease_id"]))  # ... and where some did not show one
    parts = [_group_description(label, standing[standing["cell_based"] == cell_based], also_won, also_lost)
             for cell_based, label in ((True, "Cell-based treatments"), (False, "Drugs, antibodies and procedures"))]
    harmed = standing[standing["harms"].map(len) > 0]
    if len(harmed):
        parts.append("A harm marker beside the main result: " + "; ".join(
            f"{r.name} ({r.disease_id.upper()}), harm seen in {' and '.join(DESIGN_WORDS[d] for d, _ in r.harms)}"
            for r in harmed.itertuples()) + ".")
    scoped = standing[(standing["approved_for"] != "") & standing["status"].isin(SCOPED_STATUSES)]
    if len(scoped):
        parts.append("The limits of each approval or guideline marked \"limits apply\": " + "; ".join(
            f"{r.name} ({r.disease_id.upper()}): {r.approved_for}" for r in scoped.itertuples()) + ".")
    return ("Dot chart with one row per treatment and disease, placed at the design of its strongest test, "
            "the marker shape showing what it found, and the regulatory status after the name. " + " ".join(parts))
