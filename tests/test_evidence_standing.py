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
    drawn = [c for ax in fig.axes for c in ax.collections if c.get_offsets().shape[0] == 1]  # the legend's are empty
    markers = sum(1 for c in drawn if c.get_paths()[0].vertices.shape == x_shape.shape
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
