"""Absolute risks, natural frequencies and icon arrays (lesson 00's trial primer)."""

from __future__ import annotations

import math

import pytest

from helpers import absolute_risk as ar
from helpers.data import load_knowledge_base
from helpers.figures import icons


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_mist_counts_come_from_the_knowledge_base(kb):
    assert ar.comparison_counts(kb, "mist_progression") == [("aHSCT", 3, 55), ("drug therapy", 34, 55)]


def test_mist_absolute_difference_and_number_needed_to_treat(kb):
    treated, control = ar.comparison_groups(kb, "mist_progression")
    diff, low, high = ar.risk_difference_ci95(treated, control)
    assert diff == pytest.approx(3 / 55 - 34 / 55)
    assert low < diff < high < 0            # clearly fewer progressions after aHSCT
    assert ar.number_needed_to_treat(treated, control) == pytest.approx(55 / 31)
    text = ar.describe_comparison(kb, "mist_progression")
    assert "3 of 55" in text and "34 of 55" in text and "about 2 people treated" in text


def test_nurown_interval_includes_no_difference_and_no_counts_are_invented(kb):
    treated, control = ar.comparison_groups(kb, "nurown_p3_response")
    assert (treated.per_100, control.per_100) == (pytest.approx(33), pytest.approx(28))
    assert (treated.n, control.n) == (95, 94)
    diff, low, high = ar.risk_difference_ci95(treated, control)
    assert low < 0 < high
    text = ar.describe_comparison(kb, "nurown_p3_response")
    assert "33% of 95" in text and "fits no difference at all" in text
    # the verdict reads its range from the interval's own ends (not a fixed "a modest benefit")
    fewer, more = round(-100 * low), round(100 * high)
    assert (fewer, more) == (8, 18)
    assert f"anything from {fewer} fewer to {more} more people in 100 who met the response definition" in text
    assert "modest" not in text and "equally" not in text  # values near the estimate fit best
    assert "values near the middle, about 5 more, fit best" in text
    with pytest.raises(ValueError, match="percentages"):
        ar.comparison_counts(kb, "nurown_p3_response")


@pytest.mark.parametrize("treated, control, good, expected", [
    (0.1, 0.6, False, "Number needed to treat: about 2 people treated for one fewer person who E."),
    (0.6, 0.1, True, "Number needed to treat: about 2 people treated for one more person who E."),
    (0.6, 0.1, False, "Number needed to harm: about 2 people treated for one more person who E."),
    (0.1, 0.6, True, "Number needed to harm: about 2 people treated for one fewer person who E."),
    (0.33, 0.28, True, "The interval includes zero"),
])
def test_the_verdict_follows_the_interval_and_the_kind_of_event(treated, control, good, expected):
    """No comparison is named in the rule: the direction of the event and the interval decide."""
    text = ar.interval_verdict(ar.Group("t", treated, 95), ar.Group("c", control, 94),
                               {"event": "E", "event_is_good": good})
    assert text.startswith(expected), text


def test_the_interval_is_newcombes_hybrid_score_interval():
    """Newcombe (Stat Med 1998), method 10, worked example: 56/70 against 48/80 gives 0.0524 to 0.3339.
    With few events it stays sensible where the simple Wald interval does not: 0 of 10 against
    0 of 10 has a Wald interval of zero width; this one is about 28 points either side."""
    diff, low, high = ar.risk_difference_ci95(ar.Group("a", 56 / 70, 70), ar.Group("b", 48 / 80, 80))
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    diff, low, high = ar.risk_difference_ci95(ar.Group("a", 0.0, 10), ar.Group("b", 0.0, 10))
    assert diff == 0 and low == pytest.approx(-0.2775, abs=1e-3) and high == pytest.approx(0.2775, abs=1e-3)
    assert ar.wilson_ci95(ar.Group("a", 0.0, 55))[1] == pytest.approx(0.0653, abs=1e-3)


def test_a_worse_treatment_has_no_number_needed_to_treat():
    worse, better = ar.Group("a", 0.5, 10), ar.Group("b", 0.4, 10)
    assert ar.number_needed_to_treat(worse, better) == math.inf
    assert ar.number_needed_to_treat(better, worse, event_is_good=True) == math.inf
    # swapped, the same function gives the number needed to harm
    assert ar.number_needed_to_treat(better, worse) == pytest.approx(10)
    assert ar.number_needed_to_treat(worse, better, event_is_good=True) == pytest.approx(10)


def test_bad_inputs_name_the_problem(kb):
    with pytest.raises(ValueError, match="valid: mist_progression"):
        ar.comparison_groups(kb, "mist")
    with pytest.raises(ValueError, match="between 0 and 1"):
        ar.risk_difference_ci95(ar.Group("a", 1.2, 10), ar.Group("b", 0.1, 10))
    with pytest.raises(ValueError, match="between 0 and total"):
        icons.IconPanel("x", 5, 4)
    with pytest.raises(TypeError):
        icons.IconPanel("x", 2.1, 100)


def test_trm_rate_is_read_from_the_fact_row(kb):
    assert ar.rate_per_100(kb, "ms_ahsct_trm") == pytest.approx(2.1)
    with pytest.raises(ValueError, match="not %"):
        ar.rate_per_100(kb, "ms_mist_randomized_ahsct")


def test_icon_array_draws_one_symbol_per_person_with_two_shapes():
    panels = [icons.IconPanel("aHSCT", 3, 55), icons.IconPanel("drug therapy", 34, 55)]
    fig = icons.icon_array_figure(panels, "MIST", "progressed", "did not progress", columns=11)
    for ax, panel in zip(fig.axes, panels):
        lines = ax.get_lines()
        open_circles = [ln for ln in lines if ln.get_marker() == "o"]
        squares = [ln for ln in lines if ln.get_marker() == "s"]
        assert len(open_circles[0].get_xdata()) == panel.total - panel.events
        assert len(squares[0].get_xdata()) == panel.events
        assert open_circles[0].get_markerfacecolor() == "white"   # shape and fill differ, not colour alone
    legend_texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("square" in t for t in legend_texts) and any("circle" in t for t in legend_texts)


def test_icon_array_text_gives_natural_frequencies():
    text = icons.icon_array_text([icons.IconPanel("aHSCT", 3, 55)], "progressed", per=100)
    assert text == "aHSCT: 3 of 55 people progressed (about 5 in 100)."
    assert icons.icon_array_text([icons.IconPanel("pooled", 2, 100)], "died", per=100) == "pooled: 2 of 100 people died."
