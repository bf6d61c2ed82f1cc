"""Lesson 08's exercise: spot the red flags in clinic adverts that were invented for teaching.

The adverts (``data/clinic_adverts.csv``) and the checklist of warning signs
(``data/red_flags.csv``, each sign with its sources) live in the knowledge base, so an
instructor can add an advert in a spreadsheet without touching code. Every advert's title
starts with "INVENTED EXAMPLE" and its text with "INVENTED FOR TEACHING": none of them
quotes or describes a real clinic, and at least one is an honest trial notice with no red
flag at all, because recognising legitimate research matters as much as spotting a sales
pitch.

Pure core (tested directly, no browser needed):

* :func:`score_red_flags` compares the flags a learner ticked with the advert's answer key;
* :func:`red_flag_feedback_html` turns that comparison into feedback (found / missed /
  wrongly ticked, each with its explanation and sources), and says so when nothing is ticked;
* :func:`advert_html` and :func:`red_flag_checklist_html` show an advert and the checklist.

The widget :func:`red_flag_checker` only wires controls to these functions and sets widget
state (see :mod:`helpers.widgets.common`).
"""

from __future__ import annotations


import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from .. import queries
from ..data import KnowledgeBase, load_knowledge_base
from ..markup import Html, esc, table_html
from .common import LAYOUT_WIDE, STYLE_LABEL, assemble, lean, notice_html

#: Every advert title and text must start with these words (checked by the tests).
INVENTED_TITLE_PREFIX = "INVENTED EXAMPLE"
INVENTED_TEXT_PREFIX = "INVENTED FOR TEACHING"
#: Label of the extra checkbox a learner ticks to say an advert shows no red flag.
NO_FLAGS_LABEL = "I see no red flags in this advert"



# --------------------------------------------------------------------------- knowledge-base access
def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def _flags(kb: KnowledgeBase) -> pd.DataFrame:
    return kb.red_flags.set_index("flag_id", drop=False)


def _advert(advert_id: str, kb: KnowledgeBase) -> pd.Series:
    adverts = kb.clinic_adverts.set_index("advert_id", drop=False)
    if advert_id not in adverts.index:
        raise ValueError(f"Unknown advert {advert_id!r}; valid: {', '.join(adverts.index)}")
    return adverts.loc[advert_id]


def advert_choices(kb: KnowledgeBase | None = None) -> list[tuple[str, str]]:
    """``(title, advert_id)`` for every advert, in file order (the options of the widget's menu)."""
    kb = _kb(kb)
    return list(zip(kb.clinic_adverts["title"].astype(str), kb.clinic_adverts["advert_id"].astype(str)))


def advert_flag_ids(advert_id: str, kb: KnowledgeBase | None = None) -> list[str]:
    """The answer key of one advert: its red flags, in the order of ``red_flags.csv``."""
    kb = _kb(kb)
    expected = set(queries.split_ids(_advert(advert_id, kb)["red_flags"]))
    return [f for f in kb.red_flags["flag_id"].astype(str) if f in expected]


# --------------------------------------------------------------------------- scoring (pure)
def score_red_flags(advert_id: str, ticked_flag_ids, kb: KnowledgeBase | None = None) -> dict:
    """Compare the red flags a learner ticked with the answer key of one advert.

    Returns a dict with the lists (all in ``red_flags.csv`` order) ``expected`` (the key),
    ``ticked``, ``found`` (ticked and in the key), ``missed`` (in the key, not ticked) and
    ``wrong`` (ticked, not in the key); the counts ``n_expected`` and ``n_found``; ``empty``
    (nothing ticked) and ``all_correct`` (nothing missed and nothing wrongly ticked).

    Raises ``ValueError`` for an unknown advert or flag id.
    """
    kb = _kb(kb)
    order = list(kb.red_flags["flag_id"].astype(str))
    ticked = set(ticked_flag_ids or ())
    unknown = sorted(ticked - set(order))
    if unknown:
        raise ValueError(f"Unknown red flag(s) {', '.join(map(repr, unknown))}; valid: {', '.join(order)}")
    expected = set(advert_flag_ids(advert_id, kb))
    found = [f for f in order if f in expected and f in ticked]
    missed = [f for f in order if f in expected and f not in ticked]
    wrong = [f for f in order if f in ticked and f not in expected]
    return {
        "advert_id": advert_id,
        "expected": [f for f in order if f in expected],
        "ticked": [f for f in order if f in ticked],
        "found": found,
        "missed": missed,
        "wrong": wrong,
        "n_expected": len(expected),
        "n_found": len(found),
        "empty": not ticked,
        "all_correct": not missed and not wrong,
    }


# --------------------------------------------------------------------------- HTML views (pure)
def _sources(ref_ids, kb: KnowledgeBase) -> str:
    """Short citations ('first author (year)' and links; each source once): :func:`helpers.queries.cite`."""
    return queries.cite(list(ref_ids), kb, "short", sep="; ")


def red_flag_checklist_html(kb: KnowledgeBase | None = None) -> str:
    """The checklist of red flags: name, what it looks like, and its sources (an HTML table)."""
    kb = _kb(kb)
    rows = [[Html(f"<b>{esc(r.name)}</b>"), str(r.description), _sources(queries.split_ids(r.ref_ids), kb)]
            for r in kb.red_flags.itertuples()]
    return table_html(["Red flag", "What it looks like", "Source"], rows,
                      f"Red flags of an unproven stem-cell offer ({len(kb.red_flags)} signs)")


def red_flag_checklist(kb: KnowledgeBase | None = None) -> HTML:
    """:func:`red_flag_checklist_html` as a displayable object."""
    return HTML(red_flag_checklist_html(kb))


def advert_html(advert_id: str | None, kb: KnowledgeBase | None = None) -> str:
    """One advert as a boxed quotation, clearly marked as invented for teaching."""
    kb = _kb(kb)
    if not advert_id:
        return notice_html("Choose an advert in the menu above.")
    advert = _advert(advert_id, kb)
    return ('<div class="series-advert" style="border:2px dashed #555;padding:8px 12px;margin:6px 0;'
            'max-width:900px">'
            '<p style="margin:0 0 4px 0"><small><b>Invented for teaching.</b> This is not a real clinic '
            'or trial.</small></p>'
            f'<p style="margin:0 0 6px 0"><b>{esc(str(advert["title"]))}</b></p>'
            f'<p style="margin:0">{esc(str(advert["text"]))}</p></div>')


def _flag_items(flag_ids: list[str], kb: KnowledgeBase, note: str = "") -> str:
    flags = _flags(kb)
    items = "".join(f"<li><b>{esc(str(flags.loc[f, 'name']))}</b>{note}: "
                    f"{esc(str(flags.loc[f, 'description']))}</li>" for f in flag_ids)
    return f"<ul>{items}</ul>"


def red_flag_feedback_html(advert_id: str | None, ticked_flag_ids, no_flags: bool = False,
                           kb: KnowledgeBase | None = None) -> str:
    """Feedback on the learner's ticks for one advert (pure: the widget and the tests use it).

    ``no_flags`` is the learner's "I see no red flags" box. With nothing ticked and that box
    empty, the feedback asks the learner to tick something first; with both, it asks them to
    choose. Otherwise it lists the flags found, missed and wrongly ticked, each with its
    explanation, then the advert's explanation and the sources of every flag mentioned.
    """
    kb = _kb(kb)
    if not advert_id:
        return notice_html("Choose an advert first, then tick the red flags you see and press Check.")
    ticked = list(ticked_flag_ids or ())
    if not ticked and not no_flags:
        return notice_html(f"Nothing is ticked yet. Tick every red flag you see in the advert; if you see none, "
                           f"tick '{NO_FLAGS_LABEL}'. Then press Check.")
    if ticked and no_flags:
        return notice_html(f"You ticked red flags and also '{NO_FLAGS_LABEL}'. Untick one or the other, "
                           "then press Check again.", kind="warning")
    score = score_red_flags(advert_id, ticked, kb)
    advert = _advert(advert_id, kb)
    n = score["n_expected"]
    if score["all_correct"] and n == 0:
        verdict = "✔ Right: this advert shows none of the red flags on the checklist."
    elif score["all_correct"]:
        verdict = f"✔ Well spotted: you found all {n} red flag{'s' if n != 1 else ''}, and ticked none that is not there."
    elif n == 0:
        verdict = "✘ Not quite: this advert shows none of the red flags on the checklist."
    else:
        verdict = f"✘ You found {score['n_found']} of the {n} red flag{'s' if n != 1 else ''} in this advert."
    parts = [f"<p><b>{esc(verdict)}</b></p>"]
    if score["found"]:
        parts.append(f"<p>✔ <b>Found ({len(score['found'])}):</b></p>" + _flag_items(score["found"], kb))
    if score["missed"]:
        parts.append(f"<p>✘ <b>Missed ({len(score['missed'])}):</b></p>" + _flag_items(score["missed"], kb))
    if score["wrong"]:
        parts.append(f"<p>✘ <b>Ticked, but not in this advert ({len(score['wrong'])}):</b> "
                     "read the advert again; this is what the flag would look like.</p>"
                     + _flag_items(score["wrong"], kb))
    parts.append(_about_advert_html(advert, score["found"] + score["missed"] + score["wrong"], kb))
    return f'<div role="status" class="series-red-flag-feedback">{"".join(parts)}</div>'


def _about_advert_html(advert: pd.Series, flag_ids: list[str], kb: KnowledgeBase) -> str:
    """The advert's explanation, then the sources of the red flags named above it (if any)."""
    refs = [r for f in flag_ids for r in queries.split_ids(_flags(kb).loc[f, "ref_ids"])]
    sources = f"<p><small>Sources: {_sources(refs, kb)}</small></p>" if refs else ""
    return f"<p><b>About this advert:</b> {esc(str(advert['explanation']))}</p>{sources}"


def static_red_flags_html(advert_ids=None, kb: KnowledgeBase | None = None) -> str:
    """The exercise without a kernel (the static site, a notebook viewer): each advert in ``advert_ids``
    (default: all, in file order), the red flags to look for, and the answer behind a "Show" summary,
    so a reader can try it in their head first."""
    kb = _kb(kb)
    ids = [a for _, a in advert_choices(kb)] if advert_ids is None else list(advert_ids)
    names = ", ".join(str(n) for n in kb.red_flags["name"])
    parts = [f"<p><b>Red-flag checker.</b> In a running notebook you tick the red flags and press Check. "
             f"On this page, read each advert, decide which of these red flags it shows ({esc(names)}), "
             "or that it shows none, then open the answer.</p>"]
    for advert_id in ids:
        advert = _advert(advert_id, kb)
        flags = advert_flag_ids(advert_id, kb)
        found = (f"<p>{len(flags)} red flag{'s' if len(flags) != 1 else ''}:</p>" + _flag_items(flags, kb)
                 if flags else "<p>None of the red flags on the checklist.</p>")
        parts.append(advert_html(advert_id, kb)
                     + f"<details class=\"series-check-answer\"><summary>Show the red flags in this advert</summary>"
                     f"{found}{_about_advert_html(advert, flags, kb)}</details>")
    return f'<div class="series-red-flag-static">{"".join(parts)}</div>'


def advert_comparison_html(left: str, right: str, kb: KnowledgeBase | None = None) -> str:
    """Two adverts side by side, each with the red flags it shows listed under it (or "none") and
    what it offers instead: a worked comparison after the exercise, readable without a kernel."""
    kb = _kb(kb)
    adverts = [_advert(a, kb) for a in (left, right)]  # unknown ids raise, naming the valid ones

    def verdict(advert) -> Html:
        flags = advert_flag_ids(str(advert["advert_id"]), kb)
        head = (f"<p><b>{len(flags)} red flag{'s' if len(flags) != 1 else ''}:</b></p>" + _flag_items(flags, kb)
                if flags else "<p><b>No red flag</b> from the checklist.</p>")
        return Html(head + f"<p><b>In short:</b> {esc(str(advert['explanation']))}</p>")

    return table_html([str(a["title"]) for a in adverts],
                      [[Html(advert_html(str(a["advert_id"]), kb)) for a in adverts], [verdict(a) for a in adverts]],
                      "Side by side: an advert and an honest trial notice, with the red flags of each",
                      td_style="vertical-align:top;padding:6px;border-bottom:1px solid #ccc;width:50%")


def advert_comparison(left: str = "advert_e", right: str = "advert_b") -> HTML:
    """:func:`advert_comparison_html` as a displayable object."""
    return HTML(advert_comparison_html(left, right))


# --------------------------------------------------------------------------- the widget
def red_flag_checker(advert_id: str | None = None) -> widgets.VBox:
    """Choose an advert, read it, tick the red flags you see, press Check, read the feedback.

    ``advert_id`` preselects an advert (default: the first in ``clinic_adverts.csv``).
    Changing the advert clears the ticks and the feedback.
    """
    kb = load_knowledge_base()
    choices = advert_choices(kb)
    if advert_id is not None:
        _advert(advert_id, kb)  # a clear error for an unknown id
    advert = lean(widgets.Dropdown, options=choices, value=advert_id or choices[0][1], description="Advert:",
                  style=STYLE_LABEL, layout=LAYOUT_WIDE)
    text = lean(widgets.HTML, advert_html(advert.value, kb))
    prompt = lean(widgets.HTML, "<b>Tick every red flag you see in this advert:</b>")
    boxes = {str(r.flag_id): lean(widgets.Checkbox, value=False, description=str(r.name), indent=False,
                                  layout={"width": "auto"})
             for r in kb.red_flags.itertuples()}
    no_flags = lean(widgets.Checkbox, value=False, description=NO_FLAGS_LABEL, indent=False,
                    layout={"width": "auto"})
    button = lean(widgets.Button, description="Check", tooltip="Compare your ticks with the answer key",
                  button_style="primary")
    feedback = lean(widgets.HTML, "")

    def on_advert(_=None):
        text.value = advert_html(advert.value, kb)
        for box in boxes.values():
            box.value = False
        no_flags.value = False
        feedback.value = ""

    def on_check(_=None):
        ticked = [flag for flag, box in boxes.items() if box.value]
        feedback.value = red_flag_feedback_html(advert.value, ticked, no_flags.value, kb)

    advert.observe(on_advert, names="value")
    button.on_click(on_check)
    children = [advert, text, prompt, *boxes.values(), no_flags, button, feedback]
    return assemble(children, {"advert": advert, "flags": boxes, "no_flags": no_flags, "check": button},
                    {"advert": text, "feedback": feedback}, "red_flag_checker", title="Red-flag checker",
                    static_form=static_red_flags_html(None if advert_id is None else [advert_id], kb))
