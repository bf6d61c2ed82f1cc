"""Claims of the knowledge base as a lesson quotes them: each with its badge, caveats, status and source.

Kept apart from :mod:`helpers.figures` so that a lesson that quotes claims but draws no figure
(lesson 08) does not load the plotting library: the badge's short code comes from
``data/evidence_levels.csv`` (column ``code``), which a test keeps equal to the codes the figures print.
"""

from __future__ import annotations

import pandas as pd

from . import queries
from .data import KnowledgeBase, derived, load_knowledge_base
from .markup import esc
from .style import CLAIM_AIMS, caveat_tags_html, evidence_badge_html, status_tag_html


def effects_with_names(kb: KnowledgeBase) -> pd.DataFrame:
    """The claims with their therapy's name, status and approval scope, the damage's name, the grade
    as text (``level``) and whether the therapy has a trial in this disease (``has_trial``)."""
    effects = kb.therapy_effects.merge(kb.therapies[["therapy_id", "name", "status", "approved_for"]].astype({"status": str}),
                                       on="therapy_id")
    effects = effects.merge(kb.damage[["damage_id", "name"]].rename(columns={"name": "damage"}), on="damage_id")
    effects["level"] = effects["evidence_level"].astype(str)
    with_trials = set(zip(kb.trials["therapy_id"], kb.trials["disease_id"]))
    effects["has_trial"] = [pair in with_trials for pair in zip(effects["therapy_id"], effects["disease_id"])]
    return effects


def _prepared(kb: KnowledgeBase) -> tuple[dict[str, dict], dict, dict[str, str]]:
    """(each claim with names, :func:`effects_with_names`, as a dict by effect id;
    :func:`helpers.queries.disagreeing_trials`; each evidence level's badge text, its code and label, by
    level id) for ``kb``: what every quoted list needs, made once per knowledge base (a lesson quotes
    claims two dozen times from one); read-only for callers."""
    def build():
        # plain dicts: a lesson quotes about a hundred claims, and a table lookup costs more than the quoting
        claims = {str(row["effect_id"]): row for row in queries.plain_rows(effects_with_names(kb))}
        badges = {str(level): f"{code} {label}" for level, code, label in
                  zip(kb.evidence_levels["level_id"], kb.evidence_levels["code"], kb.evidence_levels["label"])}
        return claims, queries.disagreeing_trials(kb), badges

    return derived(kb, "quoted claims", build)


def effect_claims_html(effect_ids: list[str], kb: KnowledgeBase | None = None) -> str:
    """A list of claims from ``therapy_effects.csv`` (in the order given), each with its badge and source.

    Lets a lesson quote a claim exactly as the knowledge base grades it, instead of
    restating it in prose.
    """
    kb = kb if kb is not None else load_knowledge_base()
    claims, disagreeing, badges = _prepared(kb)
    queries.check_ids(claims, effect_ids, "effect id(s)", "therapy_effects.csv")
    items = []
    for effect_id in effect_ids:
        e = claims[effect_id]
        aim = CLAIM_AIMS[str(e["action"])]
        link = queries.claim_link_note(e, kb, disagreeing)
        link = f" {link}" if link else ""
        caveat = caveat_tags_html(e)
        badge = evidence_badge_html(e["level"], badges[e["level"]])
        items.append(f"<li style='margin-bottom:6px'>{badge} {caveat}{status_tag_html(str(e['status']), e['approved_for'])} "
                     f"<b>{esc(e['name'])}</b> ({str(e['disease_id']).upper()}, {esc(e['damage'])}; "
                     f"claim about {aim}): {esc(e['note'])}{esc(link)}"
                     f"<br><small>{queries.cite(e['ref_ids'], kb, 'full')}</small></li>")
    return f"<ul class='claims' style='list-style:none;padding-left:0'>{''.join(items)}</ul>"
