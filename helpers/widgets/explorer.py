"""The series' explorers of the knowledge base: therapy explorer, evidence map, trial browser.

Each public function returns a ready widget; the HTML and figures it shows come from pure
functions in this module (``*_html``) and :mod:`helpers.queries`, which tests call directly.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from .. import queries
from ..data import KnowledgeBase, load_knowledge_base
from ..markup import Cell, Html, esc, join, scroll_region_html, table_html
from ..figures.evidence import EVIDENCE_CODES, evidence_map_figure, map_keys, map_mark, result_label, trial_landscape_figure
from ..figures.therapy_tables import (cell_trial_therapy_ids, describe_trial_landscape, repair_summary,
                                      unpublished_sentence)
from ..style import (CLAIM_AIMS, REPAIR_LABEL, caveat_tags_html, evidence_badge_html, figure_to_png, status_tag_html,
                     trial_size_text)
from .common import STYLE_LABEL, FigureImage, assemble, lean, notice_html

DIRECTIONS = (("Damage → therapies", "damage"), ("Therapy → damage", "therapy"), ("Cell type → damage", "cell type"))
ANY = "any"


def _labels(kb: KnowledgeBase) -> dict[str, str]:
    return dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))


def _min_level_options(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Minimum *design* strength, weakest first. Benefit and no-benefit results pass alike,
    so no failed randomized trial can be hidden by this filter."""
    designs = queries.design_table().iloc[::-1]
    return [("any design (show everything)", ANY)] + [
        (f"at least: {label}", design) for label, design in zip(designs["label"], designs["design"]) if design != "idea"]


LINK_NOTES = {
    "shown": "",
    "lab": " Action on this damage seen in the lab only.",
    "assumed": " Whether it acts through this damage in people is not shown (a hypothesis).",
}


def claim_evidence_html(row, labels: dict[str, str]) -> str:
    """Badge for a claim's evidence, its size, and (separately) what the claim is about."""
    level = str(row.evidence_level)
    size = f" · {int(row.n_people)} people" if int(row.n_people) > 0 else ""
    aim = CLAIM_AIMS[str(row.action)]
    link = LINK_NOTES[str(row.mechanism_link)] if str(row.direction) == "benefit" else ""
    tags = caveat_tags_html(row).rstrip()
    caveat = f" {tags}" if tags else ""
    return Html(f"{evidence_badge_html(level, f'{EVIDENCE_CODES[level]} {labels[level]}')}{caveat}{esc(size)}"
                f"<br><small>Claim about {esc(aim)}.{esc(link)}</small>")


def _refs_html(ref_ids: str, kb: KnowledgeBase) -> str:
    return queries.cite(ref_ids, kb, "full")


def _trial_links(therapy_id: str, disease_id: str, kb: KnowledgeBase) -> str:
    linked = kb.trials[(kb.trials["therapy_id"] == therapy_id) & (kb.trials["disease_id"] == disease_id)]
    parts = []
    for row in linked.itertuples():
        registry = "" if pd.isna(row.registry_id) else f" ({row.registry_id})"
        parts.append(f"{esc(str(row.short_name))}{registry}: phase {row.phase}, "
                     f"{esc(result_label(row.result))}")
    return join(Html(p) for p in parts)


def effects_table_html(effects: pd.DataFrame, kb: KnowledgeBase, first_column: str) -> str:
    """An accessible HTML table of effect rows (badge + text, citations, linked trials)."""
    labels = _labels(kb)
    headers = [first_column, "Mechanism", "Evidence", "Regulatory status", "What is known", "Trials in the data",
               "Sources"]
    body = []
    for row in effects.itertuples():
        first = row.therapy if first_column == "Therapy" else row.damage
        body.append([str(first), str(row.mechanism), claim_evidence_html(row, labels), status_tag_html(str(row.status), row.approved_for),
                     str(row.note), _trial_links(row.therapy_id, row.disease_id, kb), _refs_html(row.ref_ids, kb)])
    return table_html(headers, body)


def explorer_result(direction: str, disease: str, item: str | None, min_evidence: str = ANY,
                    kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The rows the therapy explorer shows for one choice of its controls (pure)."""
    kb = kb or load_knowledge_base()
    level = None if min_evidence == ANY else min_evidence
    query = {"damage": queries.therapies_for_damage, "therapy": queries.damage_for_therapy,
             "cell type": queries.damage_for_cell_type}
    if direction not in query:
        raise ValueError(f"Unknown direction {direction!r}; valid: {', '.join(query)}")
    return query[direction](item, disease=disease, min_evidence=level, kb=kb)


def explorer_html(direction: str, disease: str, item: str | None, min_evidence: str = ANY,
                  kb: KnowledgeBase | None = None) -> str:
    """Everything the therapy explorer displays for one choice of its controls (pure)."""
    kb = kb or load_knowledge_base()
    if not item:
        return notice_html("Nothing is selected yet: choose an item in the list above.")
    result = explorer_result(direction, disease, item, min_evidence, kb)
    table_kind = {"damage": "damage", "therapy": "therapy", "cell type": "cell type"}[direction]
    name_column = {"damage": ("damage", "damage_id", "name"), "therapy": ("therapies", "therapy_id", "name"),
                   "cell type": ("cell_types", "cell_type_id", "name")}[direction]
    frame = getattr(kb, name_column[0])
    item_id = queries.resolve(table_kind, item, kb)
    item_name = str(frame.loc[frame[name_column[1]] == item_id, name_column[2]].iloc[0])
    disease_name = str(kb.diseases.loc[kb.diseases["disease_id"] == queries.resolve("disease", disease, kb), "name"].iloc[0])
    labels = _labels(kb)
    if result.empty:
        everything = explorer_result(direction, disease, item, ANY, kb)
        if direction == "damage":
            what = f"No therapy in the knowledge base addresses “{item_name}” in {disease_name}"
        else:
            what = f"The knowledge base has no claim that “{item_name}” addresses any damage in {disease_name}"
        if min_evidence != ANY:
            what += f" from a design of at least “{queries.DESIGN_LABELS[min_evidence]}”"
        hidden = len(everything)
        tail = (f". {hidden} claim(s) from weaker designs are hidden by the filter: lower the minimum evidence "
                "to see them." if hidden else ". That gap is itself a finding.")
        return notice_html(what + tail)
    counts = result["evidence_level"].astype(str).value_counts()
    summary = ", ".join(f"{counts[lvl]} × {labels[lvl]}" for lvl in reversed(list(kb.evidence_dtype.categories))
                        if lvl in counts)
    first_column = "Therapy" if direction == "damage" else "Damage addressed"
    heading = (f"<p><b>{esc(item_name)}</b> ({esc(disease_name)}): {len(result)} claim(s): "
               f"{esc(summary)}.</p>")
    return heading + effects_table_html(result, kb, first_column)


def therapy_explorer(disease: str = "als", direction: str = "damage") -> widgets.VBox:
    """Choose a disease and a kind of damage (or a therapy or cell type) and see the evidence.

    Controls: direction, disease, item, minimum strength of design (benefit and failure alike).
    Output: one HTML table with evidence badges, plain-language notes, linked trials and sources.
    """
    kb = load_knowledge_base()
    direction_control = lean(widgets.ToggleButtons, options=DIRECTIONS, value=direction, description="Start from:",
                             style=STYLE_LABEL)
    disease_control = lean(widgets.Dropdown, options=queries.choices("disease", kb), value=queries.resolve("disease", disease, kb),
                           description="Disease:", style=STYLE_LABEL)
    item_control = lean(widgets.Dropdown, description="Choose:", style=STYLE_LABEL,
                        layout={"width": "auto", "min_width": "420px"})
    level_control = lean(widgets.Dropdown, options=_min_level_options(kb), value=ANY, description="Minimum evidence:",
                         style=STYLE_LABEL, layout={"width": "auto"})
    result = lean(widgets.HTML)
    quiet = {"on": False}  # while the item list is rebuilt, skip the intermediate update

    def refresh_items(*_):
        quiet["on"] = True
        try:
            options = queries.choices(direction_control.value, kb, disease=disease_control.value)
            item_control.options = options
            item_control.value = options[0][1] if options else None
        finally:
            quiet["on"] = False

    def update(*_):
        if quiet["on"]:
            return
        result.value = explorer_html(direction_control.value, disease_control.value, item_control.value,
                                     level_control.value, kb)

    refresh_items()
    update()
    direction_control.observe(lambda change: (refresh_items(), update()), names="value")
    disease_control.observe(lambda change: (refresh_items(), update()), names="value")
    for control in (item_control, level_control):
        control.observe(update, names="value")
    controls = {"direction": direction_control, "disease": disease_control, "item": item_control,
                "min_evidence": level_control}
    children = [direction_control, widgets.HBox([disease_control, level_control]), item_control, result]
    return assemble(children, controls, {"result": result}, "therapy_explorer", title="Therapy explorer")


# --------------------------------------------------------------------------- evidence map
KIND_FILTERS = (("all therapies", "all"), ("cell therapies only", "cell"), ("other treatments only", "other"))
_KINDS = {"all": None, "cell": ("cell_therapy", "unproven_product"),
          "other": ("drug", "antisense", "antibody", "procedure")}


def evidence_map_data(disease: str, min_evidence: str = ANY, kinds: str = "all",
                      kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The matrix the evidence map draws for one choice of its controls (pure)."""
    kb = kb or load_knowledge_base()
    if kinds not in _KINDS:
        raise ValueError(f"Unknown therapy filter {kinds!r}; valid: {', '.join(_KINDS)}")
    return queries.evidence_matrix(disease, None if min_evidence == ANY else min_evidence, _KINDS[kinds], kb)


def _disease_name(kb: KnowledgeBase, disease: str) -> str:
    return str(kb.diseases.set_index("disease_id").loc[queries.resolve("disease", disease, kb), "name"])


def evidence_map_figure_for(disease: str, min_evidence: str = ANY, kinds: str = "all"):
    """The matplotlib figure the evidence map widget shows for one choice of its controls."""
    kb = load_knowledge_base()
    matrix = evidence_map_data(disease, min_evidence, kinds, kb)
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    title = f"Evidence map: {_disease_name(kb, disease)}"
    marks = queries.map_marks(disease, kb)
    return evidence_map_figure(matrix, names, damage_names, _labels(kb), title, marks)


@lru_cache(maxsize=256)
def _evidence_map_png(disease: str, min_evidence: str, kinds: str, key: tuple) -> bytes:
    return figure_to_png(evidence_map_figure_for(disease, min_evidence, kinds))


def evidence_map_png(disease: str, min_evidence: str = ANY, kinds: str = "all") -> bytes:
    """PNG bytes of the evidence map (cached per filter choice and data version)."""
    from ..data import data_version

    kb = load_knowledge_base()
    return _evidence_map_png(disease, min_evidence, kinds, data_version(kb.data_dir))


def evidence_map_html(matrix: pd.DataFrame, disease: str, kb: KnowledgeBase | None = None,
                      marks: dict[str, set[tuple[str, str]]] | None = None) -> str:
    """The evidence map as an HTML heat-map table (pure).

    Each cell has the evidence colour *and* its short code and label as text, so the map works
    on a projector, with a screen reader and without colour vision; rendering takes a few
    milliseconds, so the widget updates instantly. The static figure for notebooks and the
    HTML version of the series is :func:`helpers.figures.evidence.evidence_map_figure`. ``marks``
    is :func:`helpers.queries.map_marks` for the disease, if the caller already has it.
    """
    from ..figures.evidence import EVIDENCE_CODES
    from ..style import EVIDENCE_COLOURS, EVIDENCE_TEXT_COLOURS

    kb = kb or load_knowledge_base()
    title = f"Evidence map: {_disease_name(kb, disease)}"
    if matrix.empty:
        return f"<p><b>{esc(title)}</b></p>" + notice_html("No therapy claim passes these filters.")
    labels = _labels(kb)
    therapy_names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    cell_style = "border:1px solid #888;padding:3px 4px;text-align:center;min-width:56px;line-height:1.25"
    marks = marks if marks is not None else queries.map_marks(disease, kb)
    repair, sizes = marks["repair"], marks["sizes"]
    values = matrix.to_numpy(dtype=object)  # one conversion, not a .loc lookup per cell
    rows = []
    for therapy, row in zip(matrix.index, values):
        cells = [therapy_names[therapy]]
        for damage, level in zip(matrix.columns, row):
            if pd.isna(level):
                cells.append(Cell(Html('<span style="color:#767676">·</span>'), "background:#FFFFFF"))
            else:
                level = str(level)
                mark = map_mark((therapy, damage), marks)
                words = (f'<br><small style="font-weight:400">{esc(REPAIR_LABEL)}</small>'
                         if (therapy, damage) in repair else "")
                size = trial_size_text(sizes.get((therapy, damage)))
                cells.append(Cell(Html(f"{esc(EVIDENCE_CODES[level] + mark + size)}{words}"), f"background:{EVIDENCE_COLOURS[level]};"
                                  f"color:{EVIDENCE_TEXT_COLOURS[level]};font-weight:700", title=labels[level]))
        rows.append(cells)
    table = table_html(["Therapy"] + [Cell(damage_names[d], "font-weight:600;font-size:13px") for d in matrix.columns],
                       rows, title, row_headers=True, wide=False, th_style=cell_style, td_style=cell_style,
                       row_th_style=f"{cell_style};text-align:left;font-weight:600;min-width:200px",
                       caption_style="text-align:left;font-size:17px;font-weight:700;padding:4px 0")
    stacked = matrix.stack()  # the (therapy, damage) cells that hold a claim, and their levels
    present = set(stacked.astype(str))
    shown = [lvl for lvl in EVIDENCE_CODES if lvl in present]
    filled = set(stacked.index)
    legend = " ".join(f"{evidence_badge_html(lvl, EVIDENCE_CODES[lvl] + ' = ' + labels[lvl])}" for lvl in shown)
    keys = "".join(f'<br><span>{esc(key)}{" (a lower, separate level)" if name == "unlinked" else ""}</span>'
                   for name, key in map_keys() if filled & set(marks.get(name, ())))
    return f'{table}<p style="line-height:2">{legend} <span>· = no claim in the knowledge base</span>{keys}</p>'


def evidence_map_table_html(disease: str, kb: KnowledgeBase | None = None) -> str:
    """The whole evidence map of one disease (every therapy, every claim) as lesson 06 shows it
    without a kernel: the HTML table of :func:`evidence_map_html`, scrolling sideways on a narrow
    screen, then its text summary (:func:`evidence_map_summary_html`). A table, not a picture of
    one: its words zoom and reflow with the page, and a screen reader reads it cell by cell."""
    kb = kb or load_knowledge_base()
    disease = queries.resolve("disease", disease, kb)
    matrix = queries.evidence_matrix(disease, kb=kb)
    marks = queries.map_marks(disease, kb)
    return (scroll_region_html(evidence_map_html(matrix, disease, kb, marks),
                               f"Evidence map: {_disease_name(kb, disease)}", "series-evidence-map")
            + evidence_map_summary_html(matrix, disease, kb, marks))


def evidence_map_table(disease: str, kb: KnowledgeBase | None = None) -> HTML:
    """:func:`evidence_map_table_html` as a displayable object."""
    return HTML(evidence_map_table_html(disease, kb))


def evidence_map_summary_html(matrix: pd.DataFrame, disease: str, kb: KnowledgeBase | None = None,
                              marks: dict | None = None) -> str:
    """Text alternative for the evidence map: what is filled, what no therapy reaches, the repair
    claims and the range of trial sizes behind its randomized cells. ``marks`` is
    :func:`helpers.queries.map_marks` for the disease, if the caller already has it."""
    kb = kb or load_knowledge_base()
    if matrix.empty or matrix.notna().sum().sum() == 0:
        return notice_html("No claim passes these filters. Lower the minimum evidence or include more therapy kinds.")
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    empty = [damage_names[d] for d in matrix.columns if matrix[d].isna().all()]
    filled = int(matrix.notna().sum().sum())
    text = (f"{len(matrix.index)} therapies × {len(matrix.columns)} kinds of damage in {_disease_name(kb, disease)}; "
            f"{filled} cells hold a claim.")
    if empty:
        text += " No therapy shown addresses: " + "; ".join(empty) + "."
    marks = marks if marks is not None else queries.map_marks(disease, kb)
    clause = repair_summary(matrix, queries.resolve("disease", disease, kb), kb, marks["repair"],
                            marks["unlinked"]).removeprefix("; ")
    shown = [n for (t, d), n in marks["sizes"].items() if t in matrix.index and d in matrix.columns
             and pd.notna(matrix.loc[t, d])]
    size_text = (f" The cells with a randomized result give the people in their largest trial: from "
                 f"{min(shown):,} to {max(shown):,}." if shown else "")
    size_text += unpublished_sentence(matrix, kb, marks["unpublished"])
    return f"<p>{esc(text)} {esc(clause[0].upper() + clause[1:])}.{esc(size_text)}</p>"


def evidence_cell_html(disease: str, therapy: str | None, damage: str | None, kb: KnowledgeBase | None = None) -> str:
    """Details of one cell of the evidence map: every claim for that therapy and damage."""
    kb = kb or load_knowledge_base()
    if not therapy or not damage:
        return notice_html("Choose a cell of the map (a therapy and a kind of damage) to see its details.")
    rows = queries.damage_for_therapy(therapy, disease=disease, kb=kb)
    rows = rows[rows["damage_id"] == queries.resolve("damage", damage, kb)]
    if rows.empty:
        return notice_html("This cell is blank: the knowledge base has no claim for this pair.")
    return effects_table_html(rows, kb, "Damage addressed")


def evidence_map(disease: str = "ms") -> widgets.VBox:
    """Heat map of therapies × damage for one disease, coloured and coded by evidence level.

    The map is an HTML table (instant to update, readable by screen readers); choose a filled
    cell in "Details for" to see its claims, notes, trials and sources.
    """
    kb = load_knowledge_base()
    disease_control = lean(widgets.Dropdown, options=queries.choices("disease", kb), value=queries.resolve("disease", disease, kb),
                           description="Disease:", style=STYLE_LABEL)
    level_control = lean(widgets.Dropdown, options=_min_level_options(kb), value=ANY, description="Minimum evidence:",
                         style=STYLE_LABEL, layout={"width": "auto"})
    kinds_control = lean(widgets.Dropdown, options=KIND_FILTERS, value="all", description="Show:", style=STYLE_LABEL)
    cell_control = lean(widgets.Dropdown, description="Details for:", style=STYLE_LABEL,
                        layout={"width": "auto", "min_width": "420px"})
    heat_map = lean(widgets.HTML, layout={"overflow": "auto", "max_width": "100%"})
    summary = lean(widgets.HTML)
    details = lean(widgets.HTML)

    marks_by_disease = {}  # the map's marks do not depend on the filters: one query per disease

    def update_map(*_):
        matrix = evidence_map_data(disease_control.value, level_control.value, kinds_control.value, kb)
        if disease_control.value not in marks_by_disease:
            marks_by_disease[disease_control.value] = queries.map_marks(disease_control.value, kb)
        marks = marks_by_disease[disease_control.value]
        heat_map.value = evidence_map_html(matrix, disease_control.value, kb, marks)
        summary.value = evidence_map_summary_html(matrix, disease_control.value, kb, marks)
        therapy_names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
        damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
        filled = matrix.notna().to_numpy()
        pairs = [(f"{therapy_names[t]} × {damage_names[d]}", f"{t}|{d}")
                 for i, t in enumerate(matrix.index) for j, d in enumerate(matrix.columns) if filled[i, j]]
        cell_control.options = [("(choose a filled cell)", "")] + pairs
        cell_control.value = ""
        update_details()

    def update_details(*_):
        therapy, _, damage = (cell_control.value or "").partition("|")
        details.value = evidence_cell_html(disease_control.value, therapy or None, damage or None, kb)

    update_map()
    for control in (disease_control, level_control, kinds_control):
        control.observe(update_map, names="value")
    cell_control.observe(update_details, names="value")
    controls = {"disease": disease_control, "min_evidence": level_control, "kinds": kinds_control,
                "cell": cell_control}
    children = [widgets.HBox([disease_control, kinds_control]), level_control,
                heat_map, summary, cell_control, details]
    return assemble(children, controls, {"map": heat_map, "summary": summary, "details": details}, "evidence_map",
                    title="Evidence map")


# --------------------------------------------------------------------------- trial browser
DESIGNS = (("any design", ANY), ("randomized", "randomized"), ("not randomized", "not_randomized"))
#: Which treatments' trials the browser lists: cell therapies first (the series' subject), the drug
#: and other trials kept beside them for comparison.
KINDS = (("cell therapies", "cell"), ("drugs and other treatments", "other"), ("all treatments", ANY))


def trial_browser_data(disease: str = ANY, cell_type: str = ANY, phase: str = ANY, design: str = ANY,
                       result: str = ANY, kind: str = ANY, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Trials matching the browser's filters (pure); ``"any"`` means no filter. ``kind``: ``"cell"``
    for trials of cell therapies (:func:`~helpers.figures.therapy_tables.cell_trial_therapy_ids`),
    ``"other"`` for the rest (drugs, antisense, other procedures)."""
    kb = kb or load_knowledge_base()
    randomized = {ANY: None, "randomized": True, "not_randomized": False}
    if design not in randomized:
        raise ValueError(f"Unknown design {design!r}; valid: {', '.join(randomized)}")
    kinds = [value for _, value in KINDS]
    if kind not in kinds:
        raise ValueError(f"Unknown kind {kind!r}; valid: {', '.join(kinds)}")
    frame = queries.trials(disease=None if disease == ANY else disease,
                           cell_type=None if cell_type == ANY else cell_type,
                           phase=None if phase == ANY else phase, randomized=randomized[design],
                           result=None if result == ANY else result, kb=kb)
    if kind != ANY:
        is_cell = frame["therapy_id"].isin(cell_trial_therapy_ids(kb))
        frame = frame[is_cell if kind == "cell" else ~is_cell].reset_index(drop=True)
    return frame


def trial_table_html(trials: pd.DataFrame, kb: KnowledgeBase | None = None) -> str:
    """Readable table of trials with registry links and a one-line summary above it."""
    kb = kb or load_knowledge_base()
    if trials.empty:
        return notice_html("No trial in the knowledge base matches these filters. Widen one of them.")
    randomized = trials[trials["randomized"] == "yes"]
    largest = randomized["n_enrolled"].max() if len(randomized) else None
    summary = (f"{len(trials)} trial(s); {len(randomized)} randomized"
               + (f" (largest: {int(largest)} participants)" if pd.notna(largest) and largest is not None else "")
               + f"; {int((trials['phase'] == '3').sum())} phase 3.")
    headers = ["Trial", "Disease", "Phase", "Design", "n", "Route", "Start", "Result", "Source"]
    body = []
    for row in trials.itertuples():
        design = ("randomized" if row.randomized == "yes" else "not randomized") + f", {row.controlled} control, {row.blinding}"
        body.append([str(row.short_name), str(row.disease_id).upper(), str(row.phase), design,
                     "—" if pd.isna(row.n_enrolled) else str(int(row.n_enrolled)), str(row.route).replace("_", " "),
                     "—" if pd.isna(row.start_year) else str(int(row.start_year)),
                     Html(esc(result_label(row.result)) + f"<br><small>{esc(str(row.result_note))}</small>"),
                     _refs_html(row.ref_ids, kb)])
    return Html(f"<p><b>{esc(summary)}</b></p>" + table_html(headers, body))


@lru_cache(maxsize=512)
def _trial_png(trial_ids: tuple[str, ...], key: tuple) -> bytes:
    """The trial figure for a set of trials (many filter choices give the same set: drawn once)."""
    kb = load_knowledge_base()
    trials = kb.trials.set_index("trial_id").loc[list(trial_ids)].reset_index()
    return figure_to_png(trial_landscape_figure(trials))


def trial_browser() -> widgets.VBox:
    """Filter the clinical trials (cell therapies by default; the drug trials beside them on request)
    and read them in a table; a figure of the same trials, in order of start year, on request.

    Without the figure the table sits right under the filters, so a change shows where it was made.
    The figure (above the table) is drawn only when asked for: with no filter it would repeat, in
    another order, lesson 07's chart of every cell trial just above the browser, and it is about as
    tall as the table."""
    from ..data import data_version

    kb = load_knowledge_base()
    any_option = [("any", ANY)]
    cell_types_used = kb.cell_types[kb.cell_types["cell_type_id"].isin(set(kb.trials["cell_type_id"].dropna()))]
    disease_control = lean(widgets.Dropdown, options=any_option + queries.choices("disease", kb), value=ANY,
                           description="Disease:", style=STYLE_LABEL)
    cell_control = lean(widgets.Dropdown, options=any_option + list(zip(cell_types_used["name"], cell_types_used["cell_type_id"])),
                        value=ANY, description="Cell type:", style=STYLE_LABEL)
    phase_control = lean(widgets.Dropdown, options=any_option + [(p, p) for p in kb.trials["phase"].cat.categories
                                                                 if p in set(kb.trials["phase"].astype(str))],
                         value=ANY, description="Phase:", style=STYLE_LABEL)
    design_control = lean(widgets.Dropdown, options=DESIGNS, value=ANY, description="Design:", style=STYLE_LABEL)
    kind_control = lean(widgets.Dropdown, options=KINDS, value="cell", description="Treatment:", style=STYLE_LABEL)
    result_control = lean(widgets.Dropdown, options=any_option + [(result_label(r), r)
                                                                  for r in kb.trials["result"].cat.categories
                                                                  if r in set(kb.trials["result"].astype(str))],
                          value=ANY, description="Result:", style=STYLE_LABEL)
    figure_control = lean(widgets.Checkbox, value=False, indent=False, layout={"width": "auto"},
                          description="Show these trials as a figure, in order of start year")
    image = FigureImage(layout=widgets.Layout(display="none"))  # its own layout: shown and hidden
    table = lean(widgets.HTML)
    controls = {"disease": disease_control, "cell_type": cell_control, "phase": phase_control,
                "design": design_control, "result": result_control, "kind": kind_control}

    def update(*_):
        trials = trial_browser_data(*(c.value for c in controls.values()), kb=kb)
        if figure_control.value:
            image.show(_trial_png(tuple(trials["trial_id"]), data_version(kb.data_dir)),
                       describe_trial_landscape(trials, kb))
        table.value = trial_table_html(trials, kb)

    def on_kind(change):
        # drug trials have no cell type: the menu is set to "any" and greyed out while they are listed
        cell_control.disabled = change["new"] == "other"
        if cell_control.disabled and cell_control.value != ANY:
            cell_control.value = ANY  # the cell-type menu's own observer redraws, once
        else:
            update()

    def on_figure(change):
        if change["new"]:
            update()
            image.layout.display = None
        else:
            image.layout.display = "none"
            image.clear()

    update()
    for control in controls.values():
        control.observe(on_kind if control is kind_control else update, names="value")
    figure_control.observe(on_figure, names="value")
    children = [widgets.HBox([disease_control, cell_control, phase_control]),
                widgets.HBox([kind_control, design_control, result_control]), figure_control, image, table]
    return assemble(children, dict(controls, figure=figure_control), {"image": image, "table": table},
                    "trial_browser", title="Trial browser")
