"""Lesson 00's table "where each treatment stands": one decisive result per treatment, but a harm
found in a weaker study is marked beside it, and an approval that holds only for some people or
places says so in its status tag."""

from __future__ import annotations

import re

import pytest

from helpers.data import load_knowledge_base
from helpers.figures import overview


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_a_harm_from_a_weaker_study_is_kept_beside_the_decisive_result(kb):
    standing = overview.evidence_standing(kb).set_index(["therapy_id", "disease_id"])
    clemastine = standing.loc[("clemastine", "ms")]
    assert (clemastine["design"], clemastine["direction"]) == ("rct_surrogate", "benefit")  # ReBUILD decides
    assert clemastine["harms"] == [("uncontrolled", "early_harm")]                           # TRAP-MS is kept
    # every harm claim that is not a pair's decisive claim appears as a harm marker, and no other does
    effects = kb.therapy_effects
    harm_pairs = {(e.therapy_id, e.disease_id) for e in effects.itertuples() if str(e.direction) == "harm"}
    drawn = {key for key, harms in standing["harms"].items() if harms}
    decisive_harm = {key for key, row in standing.iterrows() if row["direction"] == "harm"}
    assert drawn == harm_pairs - decisive_harm


def test_the_table_marks_one_harm_per_harm_signal_in_its_own_column(kb):
    html = overview.evidence_standing_html(kb)
    standing = overview.evidence_standing(kb)
    harms = sum(len(h) for h in standing["harms"])
    decisive = int((standing["direction"] == "harm").sum())
    assert html.count('<span aria-hidden="true">✖</span> harm') == harms + decisive >= 1
    # clemastine: its decisive result (a favourable surrogate trial) and the harm from the uncontrolled
    # TRAP-MS arm sit in two columns of one row, each in its badge's colour
    row = next(r for r in html.split("<tr>") if "Clemastine fumarate" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    heads = list(overview.DESIGN_HEADS)
    assert "harm" in cells[1 + heads.index("uncontrolled")] and "benefit" in cells[1 + heads.index("rct_surrogate")]


def test_every_row_names_the_treatment_in_full_with_its_status_tag_and_limits(kb):
    html = overview.evidence_standing_html(kb)
    standing = overview.evidence_standing(kb)
    assert html.count("<tr>") == len(standing) + 2 + 1  # two group titles, one header row
    assert "…" not in html  # names are whole
    assert "Autologous haematopoietic stem cell transplantation (aHSCT) <small>(MS)</small>" in html
    assert "approval (non-relapsing secondary progressive MS only; provisionally in the UAE; EU" in html  # tolebrutinib
    assert "not the US)" in html
    riluzole = next(r for r in html.split("<tr>") if ">Riluzole <small>" in r)
    assert ">Approved</span>" in riluzole
    assert "Clemastine fumarate (as a remyelinating drug) (MS), harm seen in an early" in overview.describe_evidence_standing(kb)
    # a table a screen reader can walk: caption, column headers, row headers, row groups; the symbols are
    # hidden from it (the words say the same), and the wide table scrolls in a focusable region
    assert "<caption" in html and html.count('scope="col"') == 2 + len(overview.DESIGN_HEADS)
    assert html.count('scope="row"') == len(standing) and html.count('scope="rowgroup"') == 2
    assert 'tabindex="0"' in html and 'role="region"' in html


def test_the_text_says_when_randomized_trials_of_one_treatment_disagree(kb):
    """The table shows one mark per treatment, the larger trial's; the text under it names the
    treatments whose other randomized trials on a clinical measure found the opposite (edaravone's
    selected-group trial and mecobalamin's, AMX0035's phase 2 CENTAUR, lenzumestrocel's phase 2, tolebrutinib's trials in other forms of MS)."""
    text = overview.describe_evidence_standing(kb)
    assert ("for 3 of these (AMX0035 (Relyvrio; sodium phenylbutyrate-taurursodiol), Ultrahigh-dose mecobalamin "
            "(Rozebalamin; a form of vitamin B12), Edaravone) another randomized trial found benefit, and the table "
            "shows the larger") in text
    # fenebrutinib: FENtrepid (985 people) did not show it better than ocrelizumab; that ranks after the two
    # smaller wins against teriflunomide, and the text says why the table does not show the larger trial
    assert ("(Tolebrutinib (BTK inhibitor), Fenebrutinib (BTK inhibitor)) another randomized trial did not show a "
            "benefit, and the table shows the larger trial (a trial that did not show the treatment better than "
            "another effective drug comes after a favourable one)") in text
    assert "Evobrutinib (BTK inhibitor) (1,166 people; not shown to be better than another effective drug)" in text
    standing = overview.evidence_standing(kb).set_index("therapy_id")
    assert standing.loc["fenebrutinib", "direction"] == "benefit" and standing.loc["fenebrutinib", "n_people"] == 751
    assert "(Lenzumestrocel (Neuronata-R)) another randomized trial found benefit" in text
    assert "(Riluzole)" not in text  # no disagreement: no caveat
    assert "Showing the larger trial is a choice of display, not a verdict" in text  # not a synthesis of the trials


def test_an_added_opposite_result_makes_the_caveat_appear(kb, tmp_path):
    """Edit the data as an instructor would: a failed randomized trial for riluzole (invented for the test)."""
    import shutil

    from test_data import _rows, _write  # noqa: PLC2701 (the same spreadsheet-like edits)

    data_copy = tmp_path / "data"
    shutil.copytree(kb.data_dir, data_copy)
    path = data_copy / "therapy_effects.csv"
    rows = _rows(path)
    header, body = rows[0], rows[1:]
    riluzole = next(r for r in body if r[header.index("therapy_id")] == "riluzole")
    copy = list(riluzole)
    copy[header.index("effect_id")] = "e999"
    copy[header.index("direction")] = "no_benefit"
    _write(path, [header, *body, copy])
    from helpers.data import load_knowledge_base

    text = overview.describe_evidence_standing(load_knowledge_base(data_copy))
    assert ("for 3 of these (Tolebrutinib (BTK inhibitor), Riluzole, Fenebrutinib (BTK inhibitor)) another randomized "
            "trial did not show a benefit") in text  # larger trials first: riluzole's is 959 people
