"""Lesson 04's interactive map of cell types: what each cell is, and what it can and cannot become.

``cell_type_map()`` shows two filters (potency, and cells of the body versus laboratory-made
cells), a menu of the cell types that pass them, a card for the chosen cell and the potency map
with that cell highlighted. Everything it shows comes from ``data/cell_types.csv`` and the rows
that point at it (``damage.csv``, ``therapies.csv``, ``therapy_effects.csv``, ``glossary.csv``),
through the pure functions :func:`cell_type_options` and :func:`cell_card_html`, which the tests
call directly. Callbacks only set widget state (see :mod:`helpers.widgets.common`).
"""

from __future__ import annotations


import ipywidgets as widgets

from .. import queries
from ..data import KnowledgeBase, load_knowledge_base
from ..markup import Html, attr, esc, table_html
from ..figures.cells import POTENCY_ORDER, PotencyMapPlot, describe_potency_map, ordered_cell_types
from ..style import evidence_badge_html, status_tag_html
from .common import STYLE_LABEL, FigureImage, assemble, lean, notice_html

ALL = "all"

#: Glossary term that explains each potency (read from ``glossary.csv`` when present).
POTENCY_TERMS = {"totipotent": "totipotent", "pluripotent": "pluripotent", "multipotent": "multipotent",
                 "progenitor": "progenitor cell", "differentiated": "differentiated cell"}

ROLE_CHOICES = ((ALL, "All cells"), ("native", "Cells of the body"),
                ("therapeutic", "Cells made or grown for therapy or research"))

STEM_ANSWERS = {
    "yes": "Yes: it can renew itself and also give rise to more specialised cells.",
    "no": "No.",
    "debated": ("Debated: these cells are often called stem cells, but whether they meet the definition "
                "(self-renewal plus several specialised kinds of offspring) in the body is disputed; the "
                "International Society for Cellular Therapy recommends the name multipotent mesenchymal "
                "stromal cells."),
}

ROLE_ANSWERS = {"native": "A cell that occurs naturally in the body (not a laboratory product).",
                "therapeutic": "Used, or proposed, as a therapy or a research tool: collected, grown, changed or "
                               "made outside the body."}

CARD_STYLE = "border:1px solid #333;border-radius:6px;padding:8px 12px;max-width:880px"
CARD_TH = "text-align:left;vertical-align:top;padding:3px 10px 3px 0;white-space:nowrap"
CARD_TD = "text-align:left;vertical-align:top;padding:3px 0"


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def potency_options(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for the potency filter: all, then each potency that has cell types."""
    cells = _kb(kb).cell_types
    present = [p for p in POTENCY_ORDER if (cells["potency"] == p).any()]
    return [("All potencies", ALL)] + [(p.capitalize(), p) for p in present]


def cell_type_options(potency: str = ALL, role: str = ALL, kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """``(name, cell_type_id)`` pairs of the cell types passing both filters, widest potency first."""
    kb = _kb(kb)
    if potency != ALL and potency not in POTENCY_ORDER:
        raise ValueError(f"Unknown potency {potency!r}; valid: {ALL}, {', '.join(POTENCY_ORDER)}")
    if role not in (r for r, _ in ROLE_CHOICES):
        raise ValueError(f"Unknown role {role!r}; valid: {', '.join(r for r, _ in ROLE_CHOICES)}")
    cells = ordered_cell_types(kb)
    if potency != ALL:
        cells = cells[cells["potency"] == potency]
    if role != ALL:
        cells = cells[cells["role"] == role]
    return [(str(n), str(c)) for n, c in zip(cells["name"], cells["cell_type_id"])]


def potency_meaning(potency: str, kb: KnowledgeBase | None = None) -> str:
    """What a potency means, from the glossary term of the series (or a short fallback)."""
    glossary = _kb(kb).glossary.set_index("term")
    term = POTENCY_TERMS.get(potency)
    if term in glossary.index:
        return str(glossary.loc[term, "definition"])
    return potency.capitalize() + "."


def _given(value) -> bool:
    return str(value).strip() not in ("", "-", "<NA>", "nan", "None")


def _therapy_lines(cell_type_id: str, kb: KnowledgeBase) -> list[str]:
    """One line per therapy that uses the cell type: its name, status and most decisive evidence per disease."""
    therapies = kb.therapies[kb.therapies["cell_type_id"] == cell_type_id]
    labels = dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))
    lines = []
    for t in therapies.itertuples():
        effects = kb.therapy_effects[kb.therapy_effects["therapy_id"] == t.therapy_id]
        parts = []
        for disease in queries.split_ids(t.diseases):
            here = effects[effects["disease_id"] == disease].sort_values(**queries.DECISIVE_ORDER, kind="stable")
            if len(here):
                best = str(here["evidence_level"].iloc[0])
                parts.append(f"{disease.upper()}: {evidence_badge_html(best, labels[best])}")
        lines.append(f"<li><b>{esc(str(t.name))}</b> {status_tag_html(str(t.status), t.approved_for)}"
                     + (" — " + "; ".join(parts) if parts else "") + "</li>")
    return lines


def _damage_names(cell_type_id: str, kb: KnowledgeBase) -> list[str]:
    damage = kb.damage
    hit = damage[damage["cell_types_hit"].apply(lambda v: cell_type_id in queries.split_ids(v))]
    return [f"{n} ({d.upper()})" for n, d in zip(hit["name"], hit["disease_id"])]


def cell_card_html(cell_type_id: str | None, kb: KnowledgeBase | None = None) -> str:
    """The card for one cell type: potency, stem-cell status, sources, can and cannot become,
    a common misconception and its correction, where it appears in the knowledge base, and sources (pure)."""
    kb = _kb(kb)
    if not cell_type_id:
        return notice_html("No cell type matches these filters. Choose another potency or group.")
    cells = queries.rows_by_id(kb.cell_types, "cell_type_id", [cell_type_id], "cell type", "cell_types.csv",
                               list_valid=True)
    c = cells.loc[cell_type_id]
    potency, stem, role = str(c["potency"]), str(c["is_stem_cell"]), str(c["role"])
    rows = [("Potency", Html(f"<b>{esc(potency.capitalize())}</b>: {esc(potency_meaning(potency, kb))}")),
            ("Is it a stem cell?", STEM_ANSWERS[stem]),
            ("What it is", ROLE_ANSWERS[role])]
    if _given(c["sources"]):
        rows.append(("Where it comes from", str(c["sources"])))
    rows.append(("Can become", str(c["can_become"]) if _given(c["can_become"])
                 else "— (a specialised cell; the knowledge base lists no other cell type it becomes)"))
    if _given(c["cannot_become"]):
        rows.append(("Cannot become (or not shown)", str(c["cannot_become"])))
    damage = _damage_names(cell_type_id, kb)
    if damage:
        rows.append(("Involved in (damage.csv)", "; ".join(damage)))
    table = table_html(None, rows, row_headers=True, wide=False, td_style=CARD_TD, row_th_style=CARD_TH)
    out = [f'<div class="cell-card" style="{CARD_STYLE}" role="region" aria-label="{attr(str(c["name"]))}">',
           f"<h4 style='margin:4px 0 6px 0'>{esc(str(c['name']))}</h4>",
           table]
    if _given(c["misconception"]):
        out.append("<div style='margin-top:8px;padding:6px 10px;background:#F2F2F2;border-left:4px solid #333'>"
                   f"<b>Common misconception:</b> \u201c{esc(str(c['misconception']))}\u201d<br>"
                   f"<b>What is true:</b> {esc(str(c['correction']))}</div>")
    therapies = _therapy_lines(cell_type_id, kb)
    if therapies:
        out.append("<p style='margin:8px 0 2px 0'><b>Therapies in the knowledge base that use it</b> "
                   "(most decisive evidence per disease):</p>"
                   f"<ul style='margin:0'>{''.join(therapies)}</ul>")
    refs = queries.split_ids(c["ref_ids"])
    out.append("<p style='margin:8px 0 2px 0'><b>Sources</b></p><ol style='margin:0;font-size:90%'>"
               + "".join(f"<li>{queries.cite(r, kb)}</li>" for r in refs) + "</ol></div>")
    return "".join(out)


def cell_type_map(cell_type: str = "opc", potency: str = ALL, role: str = ALL) -> widgets.VBox:
    """Interactive map of cell types: filter by potency and group, choose a cell, read its card and see it on the map."""
    kb = load_knowledge_base()
    potency_menu = lean(widgets.Dropdown, options=potency_options(kb), value=potency, description="Potency:",
                        style=STYLE_LABEL)
    role_menu = lean(widgets.Dropdown, options=[(label, value) for value, label in ROLE_CHOICES], value=role,
                     description="Show:", style=STYLE_LABEL)
    options = cell_type_options(potency, role, kb)
    start = cell_type if cell_type in [v for _, v in options] else (options[0][1] if options else None)
    cell_menu = lean(widgets.Dropdown, options=options, value=start, description="Cell type:", style=STYLE_LABEL,
                     layout={"width": "auto"})
    card = lean(widgets.HTML)
    image = FigureImage()
    caption = lean(widgets.HTML)
    plot = PotencyMapPlot(kb, figsize=(11.0, 8.8))
    pngs: dict = {}
    shown = {"map": object(), "busy": False}  # the cell drawn last (re-render only on change); refilter guard

    def show_cell(*_):
        if shown["busy"]:
            return
        card.value = cell_card_html(cell_menu.value, kb)
        if shown["map"] != cell_menu.value:
            if cell_menu.value not in pngs:  # each highlighted map is drawn once, then reused
                pngs[cell_menu.value] = plot.png(cell_menu.value)  # only the selection is drawn anew
            text = describe_potency_map(cell_menu.value, kb)
            image.show(pngs[cell_menu.value], text)
            caption.value = f"<p><i>Figure: {esc(text)}</i></p>"
            shown["map"] = cell_menu.value

    def refilter(*_):
        new_options = cell_type_options(potency_menu.value, role_menu.value, kb)
        values = [v for _, v in new_options]
        target = cell_menu.value if cell_menu.value in values else (values[0] if values else None)
        shown["busy"] = True
        try:
            cell_menu.options = new_options
            cell_menu.value = target
        finally:
            shown["busy"] = False
        show_cell()

    show_cell()
    cell_menu.observe(show_cell, names="value")
    potency_menu.observe(refilter, names="value")
    role_menu.observe(refilter, names="value")
    intro = lean(widgets.HTML, "<p>Narrow the list with the two filters, then choose a cell type. The card says what "
                 "the cell is and what it can and cannot become; the map highlights it, with dotted lines "
                 "to cell types it has not been shown to become.</p>")
    return assemble([intro, widgets.HBox([potency_menu, role_menu]), cell_menu, card, image, caption],
                    {"potency": potency_menu, "role": role_menu, "cell_type": cell_menu},
                    {"card": card, "image": image, "caption": caption}, "cell_type_map",
                    title="Map of cell types")


# ------------------------------------------------------------------ predict, then reveal: can an X become a Y?
#: The questions of the task, as (cell, possible offspring) pairs. Each pair is an arrow of the map
#: (``LINEAGE``: shown) or a dotted line (``NOT_SHOWN``: not shown), so its answer comes from ``cell_types.csv``.
BECOME_PAIRS = (("msc", "motor_neuron"), ("opc", "oligodendrocyte"), ("hsc", "oligodendrocyte"),
                ("ipsc", "ipsc_motor_neuron"), ("opc", "neuron"), ("nsc", "neuron"), ("npc_gdnf", "motor_neuron"))
BECOME_CHOICES = (("Yes, it has been shown", True), ("No, not shown", False))


def become_answer(parent: str, child: str, kb: KnowledgeBase | None = None) -> tuple[bool, str]:
    """(shown?, the text of ``cell_types.csv`` that says so) for "can ``parent`` become ``child``?" (pure)."""
    from ..figures import cells as cell_figures

    kb = _kb(kb)
    for shown, links in ((True, cell_figures.LINEAGE), (False, cell_figures.NOT_SHOWN)):
        for link in links:
            if (link.parent, link.child) == (parent, child):
                if not cell_figures.link_supported(link, kb):
                    raise ValueError(f"the map's link {parent} → {child} is not supported by cell_types.csv")
                row = kb.cell_types.set_index("cell_type_id").loc[link.parent if link.row == "parent" else link.child]
                return shown, str(row[link.column])
    pairs = ", ".join(f"{p}→{c}" for p, c in BECOME_PAIRS)
    raise ValueError(f"the map has no answer for {parent} → {child}; questions with an answer: {pairs}")


def become_question_options(kb: KnowledgeBase | None = None) -> list[tuple[str, tuple[str, str]]]:
    """Menu entries "Can a(n) X become a(n) Y?" for :data:`BECOME_PAIRS`."""
    names = dict(zip(_kb(kb).cell_types["cell_type_id"], _kb(kb).cell_types["name"]))
    def a(name: str) -> str:
        return ("an " if name[:1].lower() in "aeiou" else "a ") + name

    def lower(name: str) -> str:  # "Motor neuron" -> "motor neuron"; keeps "iPSC-derived ..." and acronyms
        return name[:1].lower() + name[1:] if name[1:2].islower() else name

    return [(f"Can {a(names[p])} become {a(lower(names[c]))}?", (p, c)) for p, c in BECOME_PAIRS]


def become_feedback_html(parent: str, child: str, prediction: bool | None, kb: KnowledgeBase | None = None) -> str:
    """Feedback on a prediction, with the row of the knowledge base that answers it (pure)."""
    kb = _kb(kb)
    if prediction is None:
        return notice_html("Make your prediction first (yes or no), then press Reveal.")
    shown, source = become_answer(parent, child, kb)
    names = dict(zip(kb.cell_types["cell_type_id"], kb.cell_types["name"]))
    verdict = "✔ Your prediction is right." if prediction == shown else "✘ Not this time."
    column = {"sources": "made from", "can_become": "can become", "cannot_become": "cannot become (or not shown)"}
    from ..figures import cells as cell_figures

    which = next(link for link in cell_figures.LINEAGE + cell_figures.NOT_SHOWN
                 if (link.parent, link.child) == (parent, child))
    fact = "It has been shown" if shown else "It has not been shown"
    if shown and cell_figures.link_kind(which) == "sources":  # a laboratory recipe (dashed arrow), not a fate
        fact = ("It has been shown in the laboratory: there the second cell is made from the first (a dashed "
                "arrow on the map), which is not the same as becoming it in the body")
    row_name = names[which.parent if which.row == "parent" else which.child]
    return (f'<div role="status"><p><b>{verdict}</b> {fact}. The knowledge base lists, for {esc(row_name)}, '
            f"under <i>{column[which.column]}</i>: \u201c{esc(source)}\u201d.</p>"
            "<p>The card and the map below show the cell; dotted lines mark what it has not been shown to "
            "become.</p></div>")


def become_task(kb: KnowledgeBase | None = None) -> widgets.VBox:
    """Lesson 04's task: choose a question "can an X become a Y?", predict, then reveal the answer, card and map."""
    from ..figures.cells import describe_potency_map, potency_map_figure
    from ..style import figure_to_png

    kb = _kb(kb)
    options = become_question_options(kb)
    question = lean(widgets.Dropdown, options=options, value=options[0][1], description="Question:", style=STYLE_LABEL,
                    layout={"width": "auto"})
    prediction = lean(widgets.RadioButtons, options=BECOME_CHOICES, value=None, description="My prediction:",
                      style=STYLE_LABEL, layout={"width": "auto"})
    reveal = lean(widgets.Button, description="Reveal", button_style="primary", tooltip="Reveal the answer")
    feedback = lean(widgets.HTML, "")
    card = lean(widgets.HTML, "")
    image = FigureImage(layout=widgets.Layout(display="none"))
    caption = lean(widgets.HTML, "")

    def clear(*_):
        prediction.value = None
        feedback.value = card.value = caption.value = ""
        image.layout.display = "none"

    def on_reveal(_=None):
        parent, child = question.value
        feedback.value = become_feedback_html(parent, child, prediction.value, kb)
        if prediction.value is None:
            return
        card.value = cell_card_html(parent, kb)
        text = describe_potency_map(parent, kb)
        image.show(figure_to_png(potency_map_figure(parent, kb=kb)), text)
        image.layout.display = "block"
        caption.value = f"<p><i>Figure: {esc(text)}</i></p>"
        shown, _ = become_answer(parent, child, kb)
        from .. import record

        label = dict((v, k) for k, v in options)[question.value]
        record.get_record().set_task(f"p04_become_{parent}_{child}", 4, label,
                                     dict((v, k) for k, v in BECOME_CHOICES)[prediction.value],
                                     prediction.value == shown)

    question.observe(clear, names="value")
    reveal.on_click(on_reveal)
    intro = lean(widgets.HTML, "<p><b>Predict, then reveal.</b> Choose a question, decide yes or no, then press "
                 "<b>Reveal</b>: the answer comes from the knowledge base, with the cell's card and its place "
                 "on the map.</p>")
    return assemble([intro, question, prediction, reveal, feedback, card, image, caption],
                    {"question": question, "prediction": prediction, "reveal": reveal},
                    {"feedback": feedback, "card": card, "image": image, "caption": caption},
                    "become_task", title="Predict, then reveal: can one cell type become another?",
                    static_form=static_become_html(kb))


def static_become_html(kb: KnowledgeBase | None = None) -> str:
    """The task without a kernel (static site): every question, with its answer in <details>."""
    kb = _kb(kb)
    items = []
    for label, (parent, child) in become_question_options(kb):
        shown, _ = become_answer(parent, child, kb)
        answer = become_feedback_html(parent, child, shown, kb).replace("✔ Your prediction is right.",
                                                                        "Yes." if shown else "No.")
        items.append(f"<li><p>{esc(label)}</p><details><summary>Reveal</summary>{answer}</details></li>")
    return ('<div class="series-task"><p><b>Predict, then reveal.</b> Decide yes or no for each question, then '
            "open the answer.</p><ol>" + "".join(items) + "</ol></div>")
