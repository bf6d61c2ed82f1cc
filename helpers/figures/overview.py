"""Overview for the start of the series: where each treatment stands on the evidence scale.

A table shows *designs* (how strong the test was) and *directions* (what it found) for each
treatment, with cell therapies apart from drugs and procedures, and the regulatory status as
the series' outlined tag beside the name. It deliberately does not count claims: ten weak claims
are not strong evidence. The design and direction names and markers here are shared with the
mechanism chart of lesson 05 (:func:`helpers.figures.therapy_tables.mechanism_evidence_figure`).
"""

from __future__ import annotations

import pandas as pd

from IPython.display import HTML

from .. import queries
from ..data import DESIGNS, KnowledgeBase
from ..markup import Cell, Html, esc, scroll_region_html, table_html
from ..style import EVIDENCE_COLOURS, EVIDENCE_TEXT_COLOURS, status_tag_html

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


#: The designs as the standing table heads its columns, weakest first (the left-to-right order of the scale).
DESIGN_HEADS = {"idea": "Idea only", "lab": "Animal and cell studies only", "uncontrolled": "Early, uncontrolled",
                "rct_surrogate": "RCT, surrogate or secondary endpoint", "rct_clinical": "RCT, clinical endpoint"}
#: What each direction's symbol stands for in the standing table: a shape and a word, never colour alone.
DIRECTION_SYMBOLS = {"benefit": "▲", "no_benefit": "▼", "harm": "✖", "unclear": "○", "untested": "□"}


def evidence_standing_html(kb: KnowledgeBase) -> str:
    """Where each treatment stands, as a table: one row per treatment and disease (cell-based
    treatments first), its regulatory status as the series' outlined tag, and one column per design,
    weakest to strongest; the column of its strongest test holds what that test found (a symbol and a
    word, in the colour of its evidence badge), and a harm seen in a weaker study is marked in its own
    column. Nothing is counted or added up. Then :func:`describe_evidence_standing` in words."""
    standing = evidence_standing(kb)
    levels = dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))
    designs = list(DESIGN_HEADS)
    mark_style = "text-align:center;vertical-align:middle;font-weight:600;border:1px solid #888"

    def mark(direction: str, level: str) -> Cell:
        word = DIRECTION_MARKERS[direction][1]
        return Cell(Html(f'<span aria-hidden="true">{DIRECTION_SYMBOLS[direction]}</span> {esc(word)}'),
                    f"{mark_style};background:{EVIDENCE_COLOURS[level]};color:{EVIDENCE_TEXT_COLOURS[level]}",
                    title=levels[level])

    def rows(group: pd.DataFrame) -> list[list]:
        out = []
        for r in group.itertuples():
            found = {r.design: mark(r.direction, r.evidence_level)}
            for design, level in r.harms:  # a harm from a weaker study keeps its own column
                found.setdefault(design, mark("harm", level))
            out.append([Html(f"{esc(r.name)} <small>({esc(r.disease_id.upper())})</small>"),
                        Cell(Html(status_tag_html(r.status, r.approved_for)), "max-width:220px"),
                        *(found.get(d, "") for d in designs)])
        return out

    groups = [(title, rows(standing[standing["cell_based"] == cell_based]))
              for cell_based, title in ((True, "Cell-based treatments (stem cells and other cells)"),
                                        (False, "Drugs, antibodies and procedures"))]
    heads = ["Treatment (disease)", "Status",
             *(Cell(DESIGN_HEADS[d], "text-align:center;width:11%;font-size:13px") for d in designs)]
    table = table_html(heads, caption="Where each treatment stands: the design of its strongest test so far, "
                                      "and what it found", groups=groups, row_headers=True,
                       row_th_style="text-align:left;vertical-align:top;border-bottom:1px solid #ccc;"
                                    "padding:4px 10px 4px 4px;min-width:190px",
                       css_class="evidence-standing")
    key = ("Each row is one treatment in one disease. Its mark sits in the column of its strongest test: "
           + ", ".join(f"{symbol} {DIRECTION_MARKERS[d][1]}" for d, symbol in DIRECTION_SYMBOLS.items())
           + ". A ✖ in another column of the same row is a harm seen in a weaker study. The colour repeats the "
             "evidence badge of the legend above; the status tag is a separate question.")
    return (scroll_region_html(table, "Where each treatment stands", "series-evidence-standing")
            + f"<p>{esc(key)}</p><p>{esc(describe_evidence_standing(kb))}</p>")


def evidence_standing_table(kb: KnowledgeBase) -> HTML:
    """:func:`evidence_standing_html` as a displayable object."""
    return HTML(evidence_standing_html(kb))


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
                 "show a benefit, and the table shows the larger trial (a trial that did not show the treatment "
                 "better than another effective drug comes after a favourable one)")
    text += (f"; a randomized trial on a clinical endpoint did not show a benefit for {len(failed)} "
             f"({', '.join(_with_size(r) for r in failed.itertuples()) or 'none'})")
    if disputed:
        text += (f", although for {len(disputed)} of these ({', '.join(disputed)}) another randomized trial "
                 "found benefit, and the table shows the larger trial")
    text += "; the others have only weaker designs behind them."
    if mixed or disputed:
        text += (" Showing the larger trial is a choice of display, not a verdict: trials of one treatment "
                 "may have tested different groups of patients or different comparisons.")
    return text


def describe_evidence_standing(kb: KnowledgeBase) -> str:
    """What :func:`evidence_standing_html` shows, in words (computed from the data): per group, which
    treatments have a randomized result on a clinical endpoint, which way it went, where trials of one
    treatment disagree, and which rows also carry a harm from a weaker study."""
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
        parts.append("A harm from a weaker study, marked in its own column: " + "; ".join(
            f"{r.name} ({r.disease_id.upper()}), harm seen in {' and '.join(DESIGN_WORDS[d] for d, _ in r.harms)}"
            for r in harmed.itertuples()) + ".")
    return " ".join(parts)
