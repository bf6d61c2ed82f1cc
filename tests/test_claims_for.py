"""Display cells name therapies, not claim ids: claims_for / claim_ids (readable names, helpful errors)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.lesson import claims_for
from tools.notebook_tools import lesson_notebooks
from helpers.queries import claim_ids
from helpers.figures.therapy_tables import effect_claims_html

ROOT = Path(__file__).resolve().parent.parent


def test_names_select_the_claims_in_the_order_given():
    assert claim_ids("natalizumab", disease="ms") == ["e049"]
    assert claim_ids("Natalizumab", disease="MS") == ["e049"]  # display names and any case
    assert claim_ids("tolebrutinib", "evobrutinib", "fenebrutinib") == ["e057", "e058", "e059", "e060", "e061", "e069"]
    assert claim_ids("ahsct", disease="ms", damage=["ms_t_cell_attack", "ms_axonal_loss"]) == ["e033", "e035"]
    assert claim_ids("natalizumab", "dmt_anti_cd20", "siponimod", "ahsct", disease="ms",
                     most_decisive=True) == ["e049", "e048", "e050", "e033"]


def _claim_ids_from_the_table(therapy, disease=None, damage=None, mechanism=None, most_decisive=False):
    """The selection read straight off the claims table with pandas: what claim_ids must give."""
    from helpers.data import load_knowledge_base
    from helpers.queries import decisive_claims

    effects = load_knowledge_base().therapy_effects
    if disease is not None:
        effects = effects[effects["disease_id"] == disease]
    if damage is not None:
        effects = effects[effects["damage_id"].isin(damage)]
    if mechanism is not None:
        effects = effects[effects["mechanism_id"] == mechanism]
    mine = effects[effects["therapy_id"] == therapy]
    if most_decisive:
        mine = decisive_claims(mine, per=("therapy_id",))
    return mine["effect_id"].astype(str).tolist()


def test_every_selection_matches_the_claims_table():
    from helpers.data import load_knowledge_base

    kb = load_knowledge_base()
    effects = kb.therapy_effects
    checked = 0
    for therapy in kb.therapies["therapy_id"].astype(str):
        for disease in (None, "als", "ms"):
            for decisive in (False, True):
                selections = [{}]
                mine = effects[effects["therapy_id"] == therapy]
                selections += [{"mechanism": m} for m in sorted(set(mine["mechanism_id"].astype(str)))]
                damages = sorted(set(mine["damage_id"].astype(str)))
                selections += [{"damage": [d]} for d in damages] + ([{"damage": damages[:2]}] if damages else [])
                for selection in selections:
                    expected = _claim_ids_from_the_table(therapy, disease, most_decisive=decisive, **selection)
                    if not expected:
                        with pytest.raises(ValueError, match="no claim"):
                            claim_ids(therapy, disease=disease, most_decisive=decisive, **selection)
                        continue
                    assert claim_ids(therapy, disease=disease, most_decisive=decisive, **selection) == expected
                    checked += 1
    assert checked > 300


def test_claims_for_shows_the_same_claims_as_the_ids():
    assert claims_for("clinic_stem_cells")._repr_html_() == effect_claims_html(["e031", "e032", "e051", "e052"])


def test_selections_combine_with_plus_and_filter_by_mechanism():
    both = claims_for("aHSCT", disease="ms", damage="ms_t_cell_attack") + claims_for(
        "msc_as_neurons", "ipsc_mn_concept", disease="als", mechanism="cell_replacement")
    assert both.ids == ["e033", "e009", "e018", "e019"]
    assert (both + claims_for("aHSCT", disease="ms", damage="ms_t_cell_attack")).ids == both.ids  # each claim once
    assert repr(both) == "[4 graded claims from the knowledge base, with badges and sources]"
    assert claim_ids("nsi566", mechanism="Trophic (growth-factor) support") == ["e011"]
    with pytest.raises(ValueError, match="Unknown mechanism 'magic'. Valid choices: cell_replacement"):
        claim_ids("nsi566", mechanism="magic")
    with pytest.raises(ValueError, match="no claim about 'riluzole' through 'cell_replacement'"):
        claim_ids("riluzole", mechanism="cell_replacement")


def test_unknown_names_list_the_valid_choices():
    with pytest.raises(ValueError, match=r"Unknown therapy 'natalizumabb'. Valid choices: .*natalizumab \(Natalizumab"):
        claim_ids("natalizumabb")
    with pytest.raises(ValueError, match=r"Unknown disease 'parkinson'. Valid choices: als"):
        claim_ids("riluzole", disease="parkinson")
    with pytest.raises(ValueError, match="Unknown damage"):
        claim_ids("riluzole", damage="sadness")
    with pytest.raises(ValueError, match="no claim about 'riluzole' in 'ms'"):
        claim_ids("riluzole", disease="ms")
    with pytest.raises(ValueError, match="Name at least one therapy; valid choices: "):
        claim_ids()


def test_lessons_name_therapies_rather_than_claim_ids():
    by_name = by_id = 0
    for path in lesson_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                by_name += bool(re.search(r"\bclaims_for\(", cell.source))
                by_id += bool(re.search(r"\beffect_claims\b", cell.source))
    assert by_name >= 24 and by_id == 0, "display cells name therapies (claims_for), not claim ids (effect_claims)"


def test_quoting_claims_does_not_load_the_plotting_library():
    # lesson 08 quotes claims but draws no figure: its kernel need not import matplotlib's figure machinery
    code = ("import sys; from helpers.lesson import claims_for; "
            "html = claims_for('clinic_stem_cells')._repr_html_(); "
            "assert 'Unproven clinic' in html, html[:200]; "
            "print('matplotlib.figure' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False", result.stderr
