"""The first widget of the series: pick an evidence level, see what it means and which claims have it."""

from __future__ import annotations


import ipywidgets as widgets
import pandas as pd

from .. import queries
from ..data import KnowledgeBase, load_knowledge_base
from ..markup import esc
from ..style import evidence_badge_html, status_tag_html
from .common import STYLE_LABEL, assemble, lean, notice_html


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
    tags = {t.therapy_id: status_tag_html(str(t.status), t.approved_for) for t in kb.therapies.itertuples()}
    items = "".join(f"<li><b>{esc(names[r.therapy_id])}</b> {tags[r.therapy_id]} → "
                    f"{esc(damage_names[r.damage_id])} ({r.disease_id.upper()}): {esc(r.note)}</li>"
                    for r in rows.itertuples())
    return head + f"<p>{len(rows)} therapy claim(s) in the knowledge base have this level:</p><ul>{items}</ul>"


def evidence_level_explorer(level_id: str = "rct_benefit") -> widgets.VBox:
    """Dropdown of evidence levels → the level's meaning and every claim that has it."""
    kb = load_knowledge_base()
    # treatment levels first, each with the code its badge prints; the biology levels after them, marked as such
    levels = kb.evidence_levels.assign(biology=kb.evidence_levels["applies_to"] == "biology").sort_values(
        ["biology", "rank"], ascending=[True, False])
    labels = [f"Biology, {r.code} · {r.label}" if r.biology else f"{r.code} · {r.label}" for r in levels.itertuples()]
    control = lean(widgets.Dropdown, options=list(zip(labels, levels["level_id"])), value=level_id,
                   description="Evidence level:", style=STYLE_LABEL)
    result = lean(widgets.HTML)

    def update(*_):
        result.value = claims_at_level_html(control.value, kb)

    update()
    control.observe(update, names="value")
    return assemble([control, result], {"level": control}, {"result": result}, "evidence_level_explorer",
                    title="Evidence-level explorer")


# ------------------------------------------------------------------------------- sorting task
#: Six real claims, one per rung of the scale from R+ down to I (with an approved product at S+).
SORTING_CLAIMS = ("e025", "e031", "e033", "e011", "e001", "e044")
DESIGN_WORDS = {"rct_clinical": "a randomized trial on a clinical endpoint",
                "rct_surrogate": "a randomized trial on a surrogate (marker or scan) or secondary endpoint",
                "uncontrolled": "early or uncontrolled studies in people",
                "lab": "animal and cell studies only", "idea": "no test at all: an idea or a sales claim"}
DIRECTION_WORDS = {"benefit": "a benefit", "no_benefit": "no benefit", "harm": "harm",
                   "unclear": "nothing that can show benefit", "untested": "nothing in patients yet"}
APPROVED = ("full_approval", "conditional_approval")
UNPLACED = "Place this claim on the scale first."


def sorting_levels(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """``(code and label, level_id)`` of the treatment-evidence scale, strongest first."""
    from ..figures.evidence import EVIDENCE_CODES

    kb = kb or load_knowledge_base()
    levels = kb.evidence_levels[kb.evidence_levels["applies_to"] == "therapy"].sort_values("rank", ascending=False)
    return [(f"{EVIDENCE_CODES[r.level_id]} {r.label}", str(r.level_id)) for r in levels.itertuples()]


def sorting_claim_text(effect_id: str, kb: KnowledgeBase | None = None) -> str:
    """The claim as the learner sees it: therapy, disease and what was found (no badge)."""
    kb = kb or load_knowledge_base()
    e = queries.rows_by_id(kb.therapy_effects, "effect_id", [effect_id], "claim", "therapy_effects.csv").loc[effect_id]
    name = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))[e["therapy_id"]]
    return f"{name} ({str(e['disease_id']).upper()}): {e['note']}"


def _badge_and_finding(level_id: str, level: pd.Series) -> tuple[str, str]:
    """A level's badge (HTML) and, in words, what kind of test found what."""
    found = DESIGN_WORDS[str(level["design"])] + ("" if level["design"] == "idea"
                                                  else f", which found {DIRECTION_WORDS[str(level['direction'])]}")
    return evidence_badge_html(level_id, str(level["label"])), found


def _answer(badge: str, found: str) -> str:
    return f"{badge} The evidence is {esc(found)}."


def placement_answer(effect_id: str, kb: KnowledgeBase | None = None) -> str:
    """Where a claim sits on the scale, as HTML: its badge and what kind of test found what (pure)."""
    kb = kb or load_knowledge_base()
    actual = str(kb.therapy_effects.set_index("effect_id").loc[effect_id, "evidence_level"])
    return _answer(*_badge_and_finding(actual, kb.evidence_levels.set_index("level_id").loc[actual]))


def placement_feedback(effect_id: str, level_id: str | None, kb: KnowledgeBase | None = None) -> tuple[bool | None, str]:
    """(right?, feedback HTML) for one claim placed at one level (pure). Aims at the idea behind the mistake."""
    kb = kb or load_knowledge_base()
    if not level_id:
        return None, notice_html(UNPLACED)
    levels = queries.rows_by_id(kb.evidence_levels, "level_id", [level_id], "evidence level", "evidence_levels.csv",
                                list_valid=True)
    e = kb.therapy_effects.set_index("effect_id").loc[effect_id]
    actual = str(e["evidence_level"])
    table = kb.evidence_levels.set_index("level_id")
    chosen, truth = levels.loc[level_id], table.loc[actual]
    badge, found = _badge_and_finding(actual, truth)
    if level_id == actual:
        return True, f"<p>✔ <b>Right.</b> {_answer(badge, found)}</p>"
    if chosen["design"] == truth["design"]:
        why = (f"The kind of test is right ({DESIGN_WORDS[str(truth['design'])]}), but look again at what it found: "
               f"{DIRECTION_WORDS[str(truth['direction'])]}.")
    elif chosen["direction"] == truth["direction"]:
        why = (f"What it found is right, but the test was {DESIGN_WORDS[str(truth['design'])]}, not "
               f"{DESIGN_WORDS[str(chosen['design'])]}.")
    else:
        why = f"The evidence is {found}."
    status = str(dict(zip(kb.therapies["therapy_id"], kb.therapies["status"].astype(str)))[e["therapy_id"]])
    if status in APPROVED and int(chosen["rank"]) > int(truth["rank"]):
        why += (" Approval is a separate tag, never a level of evidence: a regulator can approve on a surrogate "
                "endpoint, on condition that benefit is confirmed later.")
    if status == "marketed_without_evidence" and level_id != actual:
        why += " Being on sale, with patient stories, is not a test."
    return False, f"<p>✘ <b>Not quite.</b> {esc(why)} The knowledge base grades it {badge}</p>"


def evidence_sorting_task() -> widgets.VBox:
    """Lesson 00's sorting task: place six real claims on the evidence scale, then check each placement."""
    kb = load_knowledge_base()
    options = [("— place it on the scale —", None)] + sorting_levels(kb)
    rows, menus, feedbacks = [], {}, {}
    for number, effect_id in enumerate(SORTING_CLAIMS, start=1):
        text = lean(widgets.HTML, f"<p><b>Claim {number}.</b> {esc(sorting_claim_text(effect_id, kb))}</p>")
        menu = lean(widgets.Dropdown, options=options, value=None, description=f"Claim {number} is:", style=STYLE_LABEL,
                    layout={"width": "auto"})
        feedback = lean(widgets.HTML, "")
        menus[effect_id], feedbacks[effect_id] = menu, feedback
        rows.append(widgets.VBox([text, menu, feedback]))
    button = lean(widgets.Button, description="Check my placements", button_style="primary",
                  tooltip="Check where you placed each claim")
    score = lean(widgets.HTML, "")

    def on_check(_=None):
        right = placed = 0
        for effect_id, menu in menus.items():
            correct, text = placement_feedback(effect_id, menu.value, kb)
            feedbacks[effect_id].value = text
            placed += correct is not None
            right += bool(correct)
        score.value = (f'<p role="status"><b>{right} of {len(menus)} placed right.</b> '
                       + ("Open the explorer below to read every level and its claims.</p>" if placed == len(menus)
                          else f"{len(menus) - placed} claim(s) still to place.</p>"))
        if placed == len(menus):
            from .. import record

            record.get_record().set_task("p00_sorting", 0, "Six claims on the evidence scale",
                                         f"{right} of {len(menus)} placed right", right == len(menus))

    button.on_click(on_check)
    intro = lean(widgets.HTML, "<p><b>Sorting task.</b> Read each claim from the knowledge base and place it on the "
                 "scale: how strong was the test, and what did it find? Then press <b>Check my "
                 "placements</b>.</p>")
    return assemble([intro] + rows + [button, score], {"placements": menus, "check": button},
                    {"feedback": feedbacks, "score": score}, "evidence_sorting_task",
                    title="Sorting task: six claims on the evidence scale", static_form=static_sorting_html(kb))


def static_sorting_html(kb: KnowledgeBase | None = None) -> str:
    """The sorting task without a kernel (static site): each claim, with its place on the scale in <details>."""
    kb = kb or load_knowledge_base()
    items = []
    for effect_id in SORTING_CLAIMS:
        # the reader of a static page placed nothing: an answer, not a verdict
        items.append(f"<li><p>{esc(sorting_claim_text(effect_id, kb))}</p><details><summary>Where it sits"
                     f"</summary><p>{placement_answer(effect_id, kb)}</p></details></li>")
    return ('<div class="series-task"><p><b>Sorting task.</b> Place each claim on the scale (how strong was the '
            "test, and what did it find?), then open the answer.</p><ol>" + "".join(items) + "</ol></div>")
