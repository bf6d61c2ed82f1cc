"""Pure questions asked of the knowledge base.

Every function takes plain values (ids or display names, case-insensitive) and returns a
pandas DataFrame or a string; none of them draws or touches widgets, so tests and code
cells can call them directly. A wrong name raises ``ValueError`` listing the valid choices.

A treatment claim records two things apart (see data/README.md): the *design* behind it
(``rct_clinical`` > ``rct_surrogate`` > ``uncontrolled`` > ``lab`` > ``idea``, its
``strength`` 5..1) and the *direction* (benefit, no benefit, harm, unclear, untested); its
display grade (``evidence_level``) is derived from the two. A *minimum evidence* filter is a
minimum design strength: it keeps benefit and failure alike, so a failed randomized trial is
never hidden by it and never ranks below an untested idea. Regulatory status is a separate
column (``status``), shown beside the evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pandas as pd

from .data import (CAVEAT_COLUMNS, DESIGNS, RANDOMIZED_DESIGNS, KnowledgeBase, derived, load_knowledge_base,
                   registry_record_url)
from .style import CAVEAT_MARKS

#: When several claims meet in one cell of the evidence matrix, the decisive one has the
#: strongest design; among equals, a result with some blinding before one from trials in which
#: nobody was blinded (``unblinded``), then the largest trial (a 664-person phase 3 miss outweighs a
#: 137-person phase 2 success).
DECISIVE_ORDER = {"by": ["strength", "unblinded", "n_people"], "ascending": [False, True, False]}


def decisive_claims(effects: pd.DataFrame, per: tuple[str, ...] = ("therapy_id", "damage_id"),
                    last_among_equals: str | None = None) -> pd.DataFrame:
    """The decisive claim for each ``per`` group: strongest design, then blinded before open, then
    largest enrolled trial (stable, so file order breaks remaining ties). ``last_among_equals`` names a boolean column whose
    True rows rank after the others of the same design, before blinding and size are compared."""
    by, ascending = list(DECISIVE_ORDER["by"]), list(DECISIVE_ORDER["ascending"])
    if last_among_equals is not None:
        by.insert(1, last_among_equals)
        ascending.insert(1, True)
    return effects.sort_values(by=by, ascending=ascending, kind="stable").drop_duplicates(list(per))


def link_is_hypothesis(direction, mechanism_link):
    """True where benefit is shown for the disease but action on the named damage is not shown
    in people (works on scalars and on pandas Series alike)."""
    if isinstance(direction, pd.Series):
        return (direction.astype(str) == "benefit") & (mechanism_link.astype(str) != "shown")
    return str(direction) == "benefit" and str(mechanism_link) != "shown"


def hypothesis_note(design: str, active_control: bool = False) -> str:
    """The sentence after a claim whose favourable result does not show action on its damage
    (:func:`link_is_hypothesis`). A clinical result (R+) is about the course of the disease in the
    people enrolled (often a selected group), not a measurement of this damage; it is worded so it
    reads neither as "for every patient" nor as the series' own verdict on the treatment, whose
    strength the badge and caveats give. A result on a surrogate or secondary endpoint (S+) does not
    show even that. Against an active drug (``active_control``) the result may be "no worse than that
    drug", so it is not called favourable."""
    if str(design) == "rct_surrogate":
        return ("The favourable result is on a surrogate or secondary endpoint, so benefit for the disease is not "
                "shown; that it acts through this kind of damage is a hypothesis.")
    result = "The result, against another effective drug," if active_control else "The favourable result"
    return (f"{result} is on the course of the disease in the people enrolled, not a measurement of this damage; "
            "that the treatment acts through this kind of damage is a hypothesis.")


def unconfirmed_note(trial_names: list[str]) -> str:
    """Said after a favourable claim that a later trial did not confirm (:func:`disagreeing_trials`),
    instead of :func:`hypothesis_note`."""
    named = f" ({'; '.join(trial_names)})" if trial_names else ""
    return (f"A later trial of the same treatment{named}, larger or better designed, did not show a benefit, so this "
            "result is not confirmed.")


def earlier_failure_note(trial_names: list[str], larger: bool = True) -> str:
    """Said after a favourable claim whose decisive claim is an earlier trial that did not show a
    benefit (:func:`disagreeing_trials`): the trials disagree, and the notes say how they differ.
    ``larger``: that trial was larger (else it outranks this one by its blinding)."""
    named = f" ({'; '.join(trial_names)})" if trial_names else ""
    size = "larger" if larger else "better-blinded"
    return (f"An earlier, {size} trial of the same treatment{named} did not show a benefit, so the evidence is mixed; "
            "the notes say how the trials differed.")


def disagreeing_trials(kb: KnowledgeBase | None = None) -> dict[str, tuple[str, list[str], bool]]:
    """Favourable claims outweighed by a trial of the same treatment that did not show a benefit:
    ``{effect_id: ("later" or "earlier", short names of those trials, whether they are larger)}``.

    The decisive claim of the same therapy and damage (:func:`decisive_claims`: at least as strong a
    design, then blinded, then larger) is another claim that did not show a benefit. "later": its trials
    all started after this claim's trials (a small open phase 2 success that a later sham-controlled
    phase 3 did not repeat: the result is not confirmed). "earlier": they all started before (a
    failure, then a success in a group chosen afterwards: the evidence is mixed). Start years come
    from ``trials.csv``; where one is missing, or the trials overlap, nothing is said.
    """
    kb = _kb(kb)
    effects = kb.therapy_effects
    trials = {t: (None if pd.isna(y) else int(y), str(n).split(" (")[0])
              for t, y, n in zip(kb.trials["trial_id"], kb.trials["start_year"], kb.trials["short_name"])}

    def trial_ids(ids) -> list[str]:
        return [t for t in str(ids).split(";") if t in trials]

    decisive = decisive_claims(effects)
    verdict = {(t, d): (e, str(r), trial_ids(ids), n) for e, t, d, r, ids, n in
               zip(decisive["effect_id"], decisive["therapy_id"], decisive["damage_id"], decisive["direction"],
                   decisive["trial_ids"], decisive["n_people"])}
    found = {}
    for e, t, d, r, ids, n in zip(effects["effect_id"], effects["therapy_id"], effects["damage_id"],
                                  effects["direction"], effects["trial_ids"], effects["n_people"]):
        other, other_direction, theirs, their_n = verdict[(t, d)]
        mine = trial_ids(ids)
        if str(r) != "benefit" or other == e or other_direction == "benefit" or not mine or not theirs:
            continue
        my_years, their_years = [trials[x][0] for x in mine], [trials[x][0] for x in theirs]
        if None in my_years or None in their_years:
            continue
        names, larger = [trials[x][1] for x in theirs], int(their_n) > int(n)
        if min(their_years) > max(my_years):
            found[str(e)] = ("later", names, larger)
        elif max(their_years) < min(my_years):
            found[str(e)] = ("earlier", names, larger)
    return found


def unconfirmed_claims(kb: KnowledgeBase | None = None) -> dict[str, list[str]]:
    """Favourable claims that a later trial did not confirm (see :func:`disagreeing_trials`), each with
    the short names of those trials."""
    return {e: names for e, (when, names, _) in disagreeing_trials(kb).items() if when == "later"}


def claim_link_note(claim, kb: KnowledgeBase | None = None,
                    disagreeing: dict[str, tuple[str, list[str], bool]] | None = None) -> str:
    """The sentence, if any, after a claim (a row or dict with ``effect_id``, ``direction``,
    ``mechanism_link``, ``design``, ``active_control`` and ``note``). ``disagreeing`` is
    :func:`disagreeing_trials` for ``kb``, if the caller lists several claims and has it.

    A result a later trial did not confirm gets :func:`unconfirmed_note` (nothing more: whether it acts
    on the damage is moot), except where the note itself already names that trial and says it found
    no benefit. A result after an earlier trial that did not show one gets :func:`earlier_failure_note`,
    before :func:`hypothesis_note` where that applies. Otherwise :func:`hypothesis_note` where the
    favourable result does not show action on the damage; else nothing.
    """
    disagreeing = disagreeing_trials(kb) if disagreeing is None else disagreeing
    when, names, larger = disagreeing.get(str(claim["effect_id"]), (None, [], True))
    note = str(claim.get("note", "")).lower()
    if when == "later":
        said = names and all(n.lower() in note for n in names) and any(
            w in note for w in ("missed", "no benefit", "did not", "failed"))
        return "" if said else unconfirmed_note(names)
    parts = [earlier_failure_note(names, larger)] if when == "earlier" else []
    if link_is_hypothesis(claim["direction"], claim["mechanism_link"]):
        parts.append(hypothesis_note(claim["design"], bool(claim["active_control"])))
    return " ".join(parts)


_TABLE_KEYS = {
    "disease": ("diseases", "disease_id", "name"),
    "damage": ("damage", "damage_id", "name"),
    "therapy": ("therapies", "therapy_id", "name"),
    "cell type": ("cell_types", "cell_type_id", "name"),
    "mechanism": ("mechanisms", "mechanism_id", "name"),
    "evidence level": ("evidence_levels", "level_id", "label"),
    "design": ("designs", "design", "label"),
}


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_knowledge_base()


def resolve(kind: str, value: str, kb: KnowledgeBase | None = None, within: pd.DataFrame | None = None) -> str:
    """Turn an id or display name (any case) into an id; raise a helpful error otherwise.

    ``kind`` is one of: disease, damage, therapy, cell type, mechanism, evidence level.
    ``within`` optionally restricts the valid choices (e.g. damage of one disease).
    """
    if kind not in _TABLE_KEYS:
        raise ValueError(f"Unknown kind {kind!r}; valid: {', '.join(_TABLE_KEYS)}")
    table, key, label = _TABLE_KEYS[kind]
    if within is not None:
        ids, names, lookup = _name_lookup(within, key, label)
    else:  # a whole table: its lookup is made once per knowledge base (lessons resolve names hundreds of times)
        kb = _kb(kb)
        ids, names, lookup = derived(kb, ("names", kind), lambda: _name_lookup(
            design_table() if table == "designs" else getattr(kb, table), key, label))
    found = lookup.get(str(value).strip().lower())
    if found is not None:
        return found
    choices = "; ".join(f"{i} ({n})" for i, n in zip(ids, names))
    raise ValueError(f"Unknown {kind} {value!r}. Valid choices: {choices}")


def _name_lookup(frame: pd.DataFrame, key: str, label: str) -> tuple[list[str], list[str], dict[str, str]]:
    """(ids, names, id for each lower-case id or name): the first row that has it, as :func:`resolve` reads."""
    ids = frame[key].astype(str).tolist()
    names = frame[label].astype(str).tolist()
    lookup: dict[str, str] = {}
    for id_, name in zip(ids, names):
        lookup.setdefault(id_.lower(), id_)
        lookup.setdefault(name.lower(), id_)
    return ids, names, lookup


def rows_by_id(frame: pd.DataFrame, key: str, ids, what: str, source: str, list_valid: bool = False) -> pd.DataFrame:
    """``frame`` indexed by ``key``, after checking that every id in ``ids`` is a row of it.

    Unknown ids raise one ``ValueError`` naming them and either the valid ids (``list_valid``,
    for short tables) or the data file ``source`` to look in.
    """
    indexed = frame.set_index(key)
    check_ids(indexed.index, ids, what, source, list_valid)
    return indexed


def check_ids(index, ids, what: str, source: str, list_valid: bool = False) -> None:
    """The check of :func:`rows_by_id`, for a frame already indexed by its ids (``index``, or any
    collection of the valid ids)."""
    missing = [i for i in ids if i not in index]
    if missing:
        where = f"valid: {', '.join(map(str, index))}" if list_valid else f"see data/{source}"
        raise ValueError(f"Unknown {what} {', '.join(map(repr, missing))}; {where}")


def design_table() -> pd.DataFrame:
    """The designs, strongest first, with their strength (5..1) and a plain label."""
    return pd.DataFrame({"design": list(DESIGNS), "strength": list(range(len(DESIGNS), 0, -1)),
                         "label": [DESIGN_LABELS[d] for d in DESIGNS]})


DESIGN_LABELS = {
    "rct_clinical": "Randomized trial, clinical endpoint", "rct_surrogate": "Randomized trial, surrogate or secondary endpoint",
    "uncontrolled": "Early or uncontrolled studies in people", "lab": "Animal and cell studies", "idea": "Idea",
}


def design_strength(value: str, kb: KnowledgeBase | None = None) -> int:
    """Strength (5 = randomized on a clinical endpoint ... 1 = idea) of a design id, design
    label, or treatment evidence level (whose design is used)."""
    kb = _kb(kb)
    try:
        design = resolve("design", value, kb)
    except ValueError:
        try:
            level = resolve("evidence level", value, kb)
        except ValueError:
            raise ValueError(f"Unknown minimum evidence {value!r}. Valid choices: "
                             + "; ".join(f"{d} ({DESIGN_LABELS[d]})" for d in DESIGNS)) from None
        row = kb.evidence_levels.set_index("level_id").loc[level]
        if pd.isna(row["design"]):
            raise ValueError(f"{level!r} grades biology, not a treatment. Valid choices: "
                             + "; ".join(f"{d} ({DESIGN_LABELS[d]})" for d in DESIGNS))
        design = str(row["design"])
    return len(DESIGNS) - DESIGNS.index(design)


def level_rank(level: str, kb: KnowledgeBase | None = None) -> int:
    """Position of an evidence level in the display order (used for sorting only)."""
    kb = _kb(kb)
    level_id = resolve("evidence level", level, kb)
    return list(kb.evidence_dtype.categories).index(level_id)


def choices(kind: str, kb: KnowledgeBase | None = None, disease: str | None = None) -> list[tuple[str, str]]:
    """``(label, id)`` pairs for a dropdown, optionally limited to one disease."""
    kb = _kb(kb)
    table, key, label = _TABLE_KEYS[kind]
    frame = getattr(kb, table)
    if disease is not None:
        disease_id = resolve("disease", disease, kb)
        if kind == "damage":
            frame = frame[frame["disease_id"] == disease_id]
        elif kind == "therapy":
            frame = frame[frame["diseases"].str.split(";").apply(lambda ds: disease_id in ds)]
        elif kind == "cell type":
            used = kb.therapies[kb.therapies["diseases"].str.contains(disease_id)]["cell_type_id"]
            frame = frame[frame["cell_type_id"].isin(set(used.dropna()))]
    if kind == "evidence level":
        frame = frame.sort_values("rank")
    if kind == "design":
        frame = design_table()
    return [(str(n), str(i)) for n, i in zip(frame[label], frame[key])]


def _effects_view(kb: KnowledgeBase, effects: pd.DataFrame) -> pd.DataFrame:
    """Join an effects slice with readable names; sorted strongest evidence first."""
    view = (effects
            .merge(kb.therapies[["therapy_id", "name", "kind", "cell_type_id", "status", "approved_for"]]
                   .astype({"status": str}),
                   on="therapy_id")
            .rename(columns={"name": "therapy"})
            .merge(kb.damage[["damage_id", "name"]], on="damage_id").rename(columns={"name": "damage"})
            .merge(kb.mechanisms[["mechanism_id", "name"]], on="mechanism_id").rename(columns={"name": "mechanism"}))
    view["evidence_level"] = view["evidence_level"].astype(kb.evidence_dtype)
    labels = dict(zip(kb.evidence_levels["level_id"].astype(str), kb.evidence_levels["label"].astype(str)))
    view["evidence"] = view["evidence_level"].astype(str).map(labels)
    view = view.sort_values(["strength", "n_people", "therapy", "damage"], ascending=[False, False, True, True],
                            kind="stable")
    columns = ["effect_id", "therapy_id", "therapy", "kind", "cell_type_id", "status", "approved_for", "disease_id", "damage_id",
               "damage", "mechanism_id", "mechanism", "action", "direction", "design", "strength", "n_people",
               "mechanism_link", "evidence_level", "evidence", *CAVEAT_COLUMNS, "note", "ref_ids"]
    return view[columns].reset_index(drop=True)


def _filter_level(kb: KnowledgeBase, effects: pd.DataFrame, min_evidence: str | None) -> pd.DataFrame:
    """Keep claims whose design is at least as strong as ``min_evidence`` (benefit or not)."""
    if min_evidence is None:
        return effects
    return effects[effects["strength"] >= design_strength(min_evidence, kb)]


def therapies_for_damage(damage: str, disease: str | None = None, min_evidence: str | None = None,
                         kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Which therapies address a kind of damage, by which mechanism, with what evidence."""
    kb = _kb(kb)
    damage_table = kb.damage
    if disease is not None:
        disease_id = resolve("disease", disease, kb)
        damage_table = damage_table[damage_table["disease_id"] == disease_id]
    damage_id = resolve("damage", damage, kb, within=damage_table)
    effects = kb.therapy_effects[kb.therapy_effects["damage_id"] == damage_id]
    return _effects_view(kb, _filter_level(kb, effects, min_evidence))


def damage_for_therapy(therapy: str, disease: str | None = None, min_evidence: str | None = None,
                       kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """What damage a therapy addresses (or was tested against), with mechanism and evidence."""
    kb = _kb(kb)
    therapy_id = resolve("therapy", therapy, kb)
    effects = kb.therapy_effects[kb.therapy_effects["therapy_id"] == therapy_id]
    if disease is not None:
        effects = effects[effects["disease_id"] == resolve("disease", disease, kb)]
    return _effects_view(kb, _filter_level(kb, effects, min_evidence))


def damage_for_cell_type(cell_type: str, disease: str | None = None, min_evidence: str | None = None,
                         kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """What damage the therapies built on a cell type address (all such therapies together)."""
    kb = _kb(kb)
    cell_type_id = resolve("cell type", cell_type, kb)
    therapy_ids = set(kb.therapies.loc[kb.therapies["cell_type_id"] == cell_type_id, "therapy_id"])
    effects = kb.therapy_effects[kb.therapy_effects["therapy_id"].isin(therapy_ids)]
    if disease is not None:
        effects = effects[effects["disease_id"] == resolve("disease", disease, kb)]
    return _effects_view(kb, _filter_level(kb, effects, min_evidence))


def evidence_matrix(disease: str, min_evidence: str | None = None,
                    kinds: tuple[str, ...] | None = None, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Therapies (rows) × damage (columns) for one disease; each cell holds the most decisive
    evidence grade among that pair's claims (strongest design, then largest trial: see
    :data:`DECISIVE_ORDER`), or ``NaN`` if none.

    ``kinds`` optionally limits rows to therapy kinds (e.g. ``("cell_therapy",)``).
    Rows and columns keep the order of ``therapies.csv`` and ``damage.csv``; every damage of
    the disease is a column even when no therapy addresses it (that gap is the lesson).
    """
    kb = _kb(kb)
    disease_id = resolve("disease", disease, kb)
    effects = kb.therapy_effects[kb.therapy_effects["disease_id"] == disease_id]
    effects = _filter_level(kb, effects, min_evidence)
    if kinds is not None:
        allowed = set(kb.therapies.loc[kb.therapies["kind"].astype(str).isin(kinds), "therapy_id"])
        effects = effects[effects["therapy_id"].isin(allowed)]
    damage = kb.damage[kb.damage["disease_id"] == disease_id]
    therapy_order = [t for t in kb.therapies["therapy_id"] if t in set(effects["therapy_id"])]
    decisive = decisive_claims(effects)
    matrix = (decisive.pivot(index="therapy_id", columns="damage_id", values="evidence_level")
              .reindex(index=therapy_order, columns=list(damage["damage_id"])))
    matrix = matrix.astype(kb.evidence_dtype) if len(matrix.columns) else matrix
    matrix.index.name, matrix.columns.name = "therapy_id", "damage_id"
    return matrix


def _disease_effects(disease: str, kb: KnowledgeBase) -> pd.DataFrame:
    return kb.therapy_effects[kb.therapy_effects["disease_id"] == resolve("disease", disease, kb)]


def _pairs(claims: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(claims["therapy_id"].astype(str), claims["damage_id"].astype(str)))


#: The marks of the evidence maps: each a test on the decisive claims (a boolean mask): the dagger,
#: then every caveat of :data:`helpers.style.CAVEAT_MARKS` (a derived column of the claims).
_CAVEAT_MARKS = {"unlinked": lambda d: link_is_hypothesis(d["direction"], d["mechanism_link"])} | {
    name: (lambda d, name=name: d[name].astype(bool)) for name in CAVEAT_MARKS}


def _decisive_pairs(disease: str, kb: KnowledgeBase | None, mark: str) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs of one disease whose decisive claim carries ``mark`` (a key of
    :data:`_CAVEAT_MARKS`)."""
    decisive = decisive_claims(_disease_effects(disease, _kb(kb)))
    return _pairs(decisive[_CAVEAT_MARKS[mark](decisive)])


def unlinked_pairs(disease: str, kb: KnowledgeBase | None = None) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs whose decisive claim shows benefit for the disease while the
    action on that damage is only assumed or seen in the lab (riluzole and excitotoxicity)."""
    return _decisive_pairs(disease, kb, "unlinked")


def unblinded_pairs(disease: str, kb: KnowledgeBase | None = None) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs whose decisive claim is a favourable result from open-label
    randomized trials only (nobody blinded; the ``unblinded`` column of the therapy claims)."""
    return _decisive_pairs(disease, kb, "unblinded")


def active_control_pairs(disease: str, kb: KnowledgeBase | None = None) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs whose decisive claim is a randomized result from trials that all
    compared the treatment with another effective treatment (the ``active_control`` column)."""
    return _decisive_pairs(disease, kb, "active_control")


def unpublished_pairs(disease: str, kb: KnowledgeBase | None = None) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs whose decisive claim rests only on trials whose results have so far
    been announced, presented at a meeting or posted in a trial registry, not published in a journal (the ``unpublished`` column)."""
    return _decisive_pairs(disease, kb, "unpublished")


def repair_pairs(disease: str, kb: KnowledgeBase | None = None) -> set[tuple[str, str]]:
    """(therapy_id, damage_id) pairs with a claim about repairing damage already done (``action`` is
    ``repairs``) at the evidence level the map shows for the pair: a repair claim as strong as the
    decisive claim, so two equally strong claims, one about repair, mark the cell whatever their order."""
    effects = _disease_effects(disease, _kb(kb))
    return _repair_pairs(effects, decisive_claims(effects))


def _repair_pairs(effects: pd.DataFrame, decisive: pd.DataFrame) -> set[tuple[str, str]]:
    shown = decisive.set_index(["therapy_id", "damage_id"])["evidence_level"].astype(str)
    repair = effects[effects["action"].astype(str) == "repairs"]
    return {(str(t), str(d)) for t, d, level in zip(repair["therapy_id"], repair["damage_id"], repair["evidence_level"])
            if shown.get((t, d)) == str(level)}


def trial_sizes(disease: str, kb: KnowledgeBase | None = None) -> dict[tuple[str, str], int]:
    """(therapy_id, damage_id) -> people enrolled in the largest randomized trial behind the pair's
    decisive claim (all arms together), for the cells whose decisive claim rests on randomized trials
    (R+, R0, S+, S0) and whose trial size is recorded; a planned size never counts.

    The maps print the number after the code: an R0 from 20 people and one from 664 are not the same
    evidence (a small trial can miss a real benefit), nor is an R+ from 48 and one from 942."""
    return _trial_sizes(decisive_claims(_disease_effects(disease, _kb(kb))))


def _trial_sizes(decisive: pd.DataFrame) -> dict[tuple[str, str], int]:
    tested = decisive[decisive["design"].astype(str).isin(RANDOMIZED_DESIGNS) & (decisive["n_randomized"] > 0)]
    return {(str(t), str(d)): int(n) for t, d, n in zip(tested["therapy_id"], tested["damage_id"], tested["n_randomized"])}


def map_marks(disease: str, kb: KnowledgeBase | None = None) -> dict:
    """Every mark of one disease's evidence map from a single pass over its decisive claims (a map
    update needs them all): the pair sets ``unlinked`` (:func:`unlinked_pairs`), ``unblinded``
    (:func:`unblinded_pairs`), ``active_control`` (:func:`active_control_pairs`), ``unpublished``
    (:func:`unpublished_pairs`) and ``repair``
    (:func:`repair_pairs`), and ``sizes``, the trial sizes of the randomized cells (:func:`trial_sizes`)."""
    effects = _disease_effects(disease, _kb(kb))
    decisive = decisive_claims(effects)
    marks = {name: _pairs(decisive[keep(decisive)]) for name, keep in _CAVEAT_MARKS.items()}
    return marks | {"repair": _repair_pairs(effects, decisive), "sizes": _trial_sizes(decisive)}


def trials(disease: str | None = None, cell_type: str | None = None, phase: str | None = None,
           randomized: bool | None = None, result: str | None = None, therapy: str | None = None,
           kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Clinical trials filtered by any combination of the arguments (``None`` = no filter)."""
    kb = _kb(kb)
    frame = kb.trials
    if disease is not None:
        frame = frame[frame["disease_id"] == resolve("disease", disease, kb)]
    if cell_type is not None:
        frame = frame[frame["cell_type_id"] == resolve("cell type", cell_type, kb)]
    if therapy is not None:
        frame = frame[frame["therapy_id"] == resolve("therapy", therapy, kb)]
    if phase is not None:
        valid = list(kb.trials["phase"].cat.categories)
        if str(phase) not in valid:
            raise ValueError(f"Unknown phase {phase!r}. Valid choices: {', '.join(valid)}")
        frame = frame[frame["phase"] == str(phase)]
    if randomized is not None:
        frame = frame[frame["randomized"] == ("yes" if randomized else "no")]
    if result is not None:
        valid = list(kb.trials["result"].cat.categories)
        if result not in valid:
            raise ValueError(f"Unknown result {result!r}. Valid choices: {', '.join(valid)}")
        frame = frame[frame["result"] == result]
    return frame.sort_values(["start_year", "trial_id"], na_position="last", kind="stable").reset_index(drop=True)


def untreated_damage(disease: str, above: str = "lab", kb: KnowledgeBase | None = None) -> list[str]:
    """Damage ids of a disease that no therapy has been shown, in people, to act on.

    A damage counts as reached only when, for some therapy, the decisive claim (strongest
    design, then largest trial) is favourable, comes from a design stronger than ``above`` (a
    design id or level id) and its action on that damage is shown in people, not assumed.
    A failed trial never counts, and neither does an approval for the disease whose link to
    this damage is a hypothesis (riluzole and excitotoxicity).
    """
    kb = _kb(kb)
    threshold = design_strength(above, kb)
    disease_id = resolve("disease", disease, kb)
    effects = kb.therapy_effects[kb.therapy_effects["disease_id"] == disease_id]
    decisive = decisive_claims(effects)
    reached = set(decisive.loc[(decisive["strength"] > threshold) & (decisive["direction"].astype(str) == "benefit")
                               & (decisive["mechanism_link"].astype(str) == "shown"), "damage_id"])
    damage = kb.damage.loc[kb.damage["disease_id"] == disease_id, "damage_id"]
    return [d for d in damage if d not in reached]


# --------------------------------------------------------------------------- citations
def _reference_links(row) -> list[tuple[str, str]]:
    """Links for one reference: its DOI and PubMed record; else the web page of the work cited (an
    article, a report, a press release), unless that page is only a copy of its registry record;
    then the trial registry record, which names the trial but is not the work cited."""
    links = []
    if str(row["doi"]) not in ("", "<NA>"):
        links.append((f"doi:{row['doi']}", f"https://doi.org/{row['doi']}"))
    if str(row["pmid"]) not in ("", "<NA>"):
        links.append((f"PMID {row['pmid']}", f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"))
    registry = str(row["registry_id"]) if str(row["registry_id"]) not in ("", "<NA>") else ""
    page = str(row["url"]) if str(row["url"]) not in ("", "<NA>") else ""
    host = (urlsplit(page).hostname or "").lower()
    copy = bool(registry) and (registry.lower() in page.lower() or host.endswith(REGISTRY_COPY_HOSTS))
    if not links and page and not copy:
        links.append(("web page", page))
    if registry:
        links.append((registry, registry_record_url(registry)))
    return links


#: An authors field that lists people begins "Surname AB" (initials after the family name).
PERSON = re.compile(r"^[^\W\d][\w'’.-]*(?: [\w'’.-]+)*? [A-Z]{1,3}(?:[,;]|$| et al)")
#: Web hosts that only copy trial registry records: such a page is not linked as the work itself.
REGISTRY_COPY_HOSTS = ("clinicaltrials.gov", "apps.who.int", "isrctn.com", "clinicaltrialsregister.eu",
                       "ctv.veeva.com", "meddatax.com", "api.ai-analytics.org", "centerwatch.com", "trials.co",
                       "umin.ac.jp")

#: How an authors field begins when it names no person (a short citation then names the work).
UNNAMED_AUTHORS = ("opinion article", "author names not", "author list not")


def _short_who(row) -> str:
    authors = str(row["authors"])
    if authors.lower().startswith(UNNAMED_AUTHORS):
        return f"“{row['title']}”"  # whole: a cut title reads badly, aloud too
    names = re.sub(r"\s*\([^)]*\)", "", authors).strip()  # "(company press release, via ...)" names no one
    if not PERSON.match(names):  # an organisation: its whole name, never "et al."
        return names
    people = [p for p in re.split(r"[,;]", names) if p.strip()]
    first = people[0].strip()
    return first + (" et al." if len(people) > 1 or "et al" in first else "")


def cite(ref_ids, kb: KnowledgeBase | None = None, form: str = "full", sep: str = "<br>") -> str:
    """The series' one citation formatter, for one reference id, a ``;``-list or a list of ids.

    ``form``: ``"full"`` (HTML: authors (year). Title. *Venue*. with links to doi.org, PubMed or
    the trial registry), ``"short"`` (HTML for table cells: first author et al. (year) and its
    links; names the work when no author is named) or ``"text"`` (plain text, no links).
    Repeated ids are cited once; no id gives "—". Data text is escaped in the HTML forms.
    """
    from .markup import Html

    if form not in ("full", "short", "text"):
        raise ValueError(f"Unknown citation form {form!r}; valid: full, short, text")
    ids = split_ids(ref_ids) if isinstance(ref_ids, str) else [str(r) for r in ref_ids]
    ids = list(dict.fromkeys(ids))
    if not ids:
        return "—" if form == "text" else Html("—")
    kb = _kb(kb)
    # per knowledge base: its references by id (plain dicts: a lesson formats hundreds of citations, and
    # looking each row up in the table costs more than the formatting) and the citations formatted so far
    # (strings, which nothing can change: a lesson cites the same works many times)
    rows, formatted = derived(kb, "citations", lambda: (_rows_by_ref_id(kb.references), {}))
    key = (tuple(ids), form, sep)
    if key not in formatted:
        formatted[key] = _cite(rows, ids, form, sep)
    return formatted[key]


def _rows_by_ref_id(frame: pd.DataFrame) -> dict[str, dict]:
    """Each reference row as a dict (:func:`plain_rows`), by id."""
    return {str(row["ref_id"]): row for row in plain_rows(frame)}


def plain_rows(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as plain dicts, a missing value as ``pd.NA`` (read ``<NA>``, as in the table):
    for code that reads many rows one by one, where a table lookup per row would cost more than the work."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _cite(rows: dict[str, dict], ids: list[str], form: str, sep: str) -> str:
    from .markup import Html, attr, esc, sentence

    check_ids(rows.keys(), ids, "reference", "references.csv")
    parts = []
    # short form: works that would read alike ("Company (2025)") are told apart by their venue
    who = {i: _short_who(rows[i]) for i in ids} if form == "short" else {}
    alike = Counter((name, rows[i]["year"]) for i, name in who.items())
    for ref_id in ids:
        row = rows[ref_id]
        links = _reference_links(row)
        title = sentence(str(row["title"]))
        if form == "text":
            ids_text = " · ".join(label for label, _ in links)
            parts.append(f"{row['authors']} ({row['year']}). {title} {row['venue']}. {ids_text}".strip())
            continue
        anchors = " · ".join(f'<a href="{attr(url)}" target="_blank" rel="noopener">{esc(label)}</a>'
                             for label, url in links)
        if form == "short":
            year = (f"{row['year']}, {str(row['venue']).split(',')[0]}" if alike[(who[ref_id], row["year"])] > 1
                    else row["year"])
            parts.append(f"{esc(who[ref_id])} ({esc(year)}) {anchors}".strip())
        else:
            parts.append(f"{esc(row['authors'])} ({row['year']}). {esc(title)} <i>{esc(row['venue'])}</i>. "
                         f"{anchors}")
    return sep.join(parts) if form == "text" else Html(sep.join(parts))


def split_ids(value: str) -> list[str]:
    """Split a ';'-separated id list from the knowledge base."""
    return [v for v in str(value).split(";") if v and v != "<NA>"]


def _claim_rows(kb: KnowledgeBase) -> tuple[list[tuple[str, ...]], dict[str, int]]:
    """The claims as (effect, therapy, disease, damage, mechanism) id tuples in file order, and each
    claim's place in the order :func:`decisive_claims` sorts them in. That sort is stable, so among
    any subset of the claims the decisive one is the one placed first in the whole table's order."""
    effects = kb.therapy_effects
    columns = ["effect_id", "therapy_id", "disease_id", "damage_id", "mechanism_id"]
    rows = list(zip(*(effects[c].astype(str).tolist() for c in columns)))
    order = decisive_claims(effects, per=("effect_id",))["effect_id"].astype(str)
    return rows, {effect_id: place for place, effect_id in enumerate(order)}


def claim_ids(*therapies: str, disease: str | None = None, damage=None, mechanism: str | None = None,
              most_decisive: bool = False, kb: KnowledgeBase | None = None) -> list[str]:
    """Ids of the graded claims (``therapy_effects.csv``) about the named therapies, in the order the
    therapies are given, each therapy's claims in file order; optionally only one disease, only some
    kinds of damage (one name or a list), only one mechanism, or only each therapy's most decisive
    claim (:func:`decisive_claims`). Names are ids or display names in any case (``"natalizumab"``,
    ``"aHSCT"``...); an unknown name raises an error listing the valid choices. Lets a lesson write
    ``claims_for("natalizumab", disease="ms")`` instead of a list of opaque claim ids.
    """
    kb = _kb(kb)
    if not therapies:
        raise ValueError("Name at least one therapy; valid choices: "
                         + "; ".join(f"{i} ({n})" for n, i in choices("therapy", kb)))
    rows, decisive_rank = derived(kb, "claim rows", lambda: _claim_rows(kb))
    if disease is not None:
        disease_id = resolve("disease", disease, kb)
        rows = [r for r in rows if r[2] == disease_id]
    if damage is not None:
        wanted = {resolve("damage", d, kb) for d in ([damage] if isinstance(damage, str) else damage)}
        rows = [r for r in rows if r[3] in wanted]
    if mechanism is not None:
        mechanism_id = resolve("mechanism", mechanism, kb)
        rows = [r for r in rows if r[4] == mechanism_id]
    ids: list[str] = []
    for therapy in therapies:
        therapy_id = resolve("therapy", therapy, kb)
        found = [r[0] for r in rows if r[1] == therapy_id]
        if most_decisive and found:
            found = [min(found, key=decisive_rank.__getitem__)]
        if not found:
            raise ValueError(f"The knowledge base has no claim about {therapy!r}"
                             + (f" in {disease!r}" if disease else "") + (" for that damage" if damage else "")
                             + (f" through {mechanism!r}" if mechanism else "") + ".")
        ids += found
    return ids
