"""The first widget of the series: pick an evidence level, see what it means and which claims have it."""

from __future__ import annotations


import ipywidgets as widgets

from .. import queries
from ..data import KnowledgeBase, load_knowledge_base
from ..markup import esc
from ..style import evidence_badge_html, status_tag_html
from .common import STYLE_LABEL, assemble, notice_html


def claims_at_level_html(level_id: str | None, kb: KnowledgeBase | None = None) -> str:
    """Badge, meaning and the therapy claims of the knowledge base at one evidence level (pure)."""
    kb = kb or load_knowledge_base()
    if not level_id:
        return notice_html("Choose an evidence level in the list above.")
    levels = queries.rows_by_id(kb.evidence_levels, "level_id", [level_id], "evidence level", "evidence_levels.csv",
                                list_valid=True)
    level = levels.loc[level_id]
    head = (f"<p>{evidence_badge_html(level_id, level['label'])} {esc(level['description'])}</p>")
    if level["applies_to"] == "biology":
        damage = kb.damage[kb.damage["evidence_level"] == level_id]
        if damage.empty:
            return head + notice_html("No kind of damage in the knowledge base has this level.")
        items = "".join(f"<li>{esc(n)} ({d.upper()})</li>" for n, d in zip(damage["name"], damage["disease_id"]))
        return head + (f"<p>This level grades biology (how sure we are that it happens in people). "
                       f"{len(damage)} kind(s) of damage in the knowledge base have it:</p><ul>{items}</ul>")
    rows = kb.therapy_effects[kb.therapy_effects["evidence_level"] == level_id]
    if rows.empty:
        return head + notice_html("No therapy claim in the knowledge base has this level.")
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    damage_names = dict(zip(kb.damage["damage_id"], kb.damage["name"]))
    statuses = dict(zip(kb.therapies["therapy_id"], kb.therapies["status"].astype(str)))
    items = "".join(f"<li><b>{esc(names[r.therapy_id])}</b> {status_tag_html(statuses[r.therapy_id])} → "
                    f"{esc(damage_names[r.damage_id])} ({r.disease_id.upper()}): {esc(r.note)}</li>"
                    for r in rows.itertuples())
    return head + f"<p>{len(rows)} therapy claim(s) in the knowledge base have this level:</p><ul>{items}</ul>"


def evidence_level_explorer(level_id: str = "rct_benefit") -> widgets.VBox:
    """Dropdown of evidence levels → the level's meaning and every claim that has it."""
    kb = load_knowledge_base()
    levels = kb.evidence_levels.sort_values("rank", ascending=False)
    control = widgets.Dropdown(options=list(zip(levels["label"], levels["level_id"])), value=level_id,
                               description="Evidence level:", style=STYLE_LABEL)
    result = widgets.HTML()

    def update(*_):
        result.value = claims_at_level_html(control.value, kb)

    update()
    control.observe(update, names="value")
    return assemble([control, result], {"level": control}, {"result": result}, "evidence_level_explorer",
                    title="Evidence-level explorer")
