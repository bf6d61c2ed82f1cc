"""Lesson 00's first chart, "where each treatment stands": one decisive result per treatment, but
a harm found in a weaker study is drawn beside it, and an approval that holds only for some people
or places says so (the text alternative names the limits)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.markers import MarkerStyle
from figure_layout import figure_strings

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


def test_the_chart_draws_one_harm_marker_per_harm_signal(kb):
    style = MarkerStyle("X")
    x_shape = style.get_path().transformed(style.get_transform()).vertices
    fig = overview.evidence_standing_figure(kb)
    drawn = [c for ax in fig.axes for c in ax.collections if c.get_offsets().shape[0] >= 1]  # the legend's are empty
    markers = sum(c.get_offsets().shape[0] for c in drawn if c.get_paths()[0].vertices.shape == x_shape.shape
                  and np.allclose(c.get_paths()[0].vertices, x_shape))
    harms = sum(len(h) for h in overview.evidence_standing(kb)["harms"])
    decisive = int((overview.evidence_standing(kb)["direction"] == "harm").sum())
    assert markers == harms + decisive


def test_limited_approvals_say_so_in_the_chart_and_name_the_limits_in_words(kb):
    assert overview.status_text("full_approval", "SOD1 ALS only") == "Approved (limits apply)"
    assert overview.status_text("full_approval", "") == "Approved"
    assert overview.status_text("investigational", "something") == "Investigational"
    labels = "\n".join(figure_strings(overview.evidence_standing_figure(kb)))
    assert "Tolebrutinib (BTK inhibitor) (MS) · Approved (limits apply)" in labels
    assert "Riluzole (ALS) · Approved\n" in labels + "\n"
    text = overview.describe_evidence_standing(kb)
    assert "Tolebrutinib (BTK inhibitor) (MS): non-relapsing secondary progressive MS only; EU" in text
    assert "not the US" in text and "Clemastine fumarate (as a remyelinating drug) (MS), harm seen in an early" in text
    assert "…" not in text  # names are whole in the text alternative


def test_the_text_says_when_randomized_trials_of_one_treatment_disagree(kb):
    """The figure shows one marker per treatment, the larger trial's; the text alternative names the
    treatments whose other randomized trials on a clinical measure found the opposite (edaravone's
    selected-group trial and mecobalamin's, AMX0035's phase 2 CENTAUR, lenzumestrocel's phase 2, tolebrutinib's trials in other forms of MS)."""
    text = overview.describe_evidence_standing(kb)
    assert ("for 3 of these (AMX0035 (Relyvrio; sodium phenylbutyrate-taurursodiol), Ultrahigh-dose mecobalamin "
            "(Rozebalamin; a form of vitamin B12), Edaravone) another randomized trial found benefit, and the figure "
            "shows the larger") in text
    # fenebrutinib: FENtrepid (985 people) did not show it better than ocrelizumab; that ranks after the two
    # smaller wins against teriflunomide, and the text says why the figure does not show the larger trial
    assert ("(Tolebrutinib (BTK inhibitor), Fenebrutinib (BTK inhibitor)) another randomized trial did not show a "
            "benefit, and the figure shows the larger trial (a trial that did not show the treatment better than "
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


def test_long_names_are_shortened_without_losing_their_meaning():
    short = overview._short_name
    assert short("Autologous haematopoietic stem cell transplantation (aHSCT)") == "aHSCT"  # its own initials
    # a bracket in the middle is dropped, not everything after it ("Intravenous fat-derived" once)
    assert short("Intravenous fat-derived (adipose) mesenchymal stromal cells") == "Intravenous fat-derived mesenchymal stromal c…"
    assert short("Human fetal neural precursor cells, intrathecal (STEMS)") == "Human fetal neural precursor cells, intrathec…"
    assert short("Siponimod") == "Siponimod"
    labels = figure_strings(overview.evidence_standing_figure(load_knowledge_base()))
    assert any("Intravenous fat-derived MSCs (MS)" in label for label in labels), "the fat-derived MSC row is named"
