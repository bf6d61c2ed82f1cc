"""One table pairs each caveat with its mark and key (helpers.style.CAVEAT_MARKS): the tags, the
evidence maps (figure and HTML), the mechanism chart and the lessons' legend all follow it."""

from __future__ import annotations

from collections import namedtuple

import pytest

from helpers import queries
from helpers.data import load_knowledge_base
from helpers.figures.evidence import map_keys, map_mark
from helpers.lesson import evidence_legend_html
from helpers.style import CAVEAT_MARKS, CAVEATS, DAGGER_KEY, DAGGER_MARK, caveat_marks


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_every_caveat_has_one_distinct_mark_in_the_same_order():
    assert list(CAVEAT_MARKS) == list(CAVEATS)
    marks = [mark for mark, _key, _words in CAVEAT_MARKS.values()]
    assert len(set(marks + [DAGGER_MARK])) == len(marks) + 1
    for mark, key, _words in CAVEAT_MARKS.values():
        assert key.startswith(f"{mark} = ")  # each key explains its own mark


def test_every_derived_caveat_column_has_words_a_mark_and_chart_words_in_one_order(kb):
    # adding a caveat means one derived column (helpers.data) and one entry in each table below
    from helpers.data import CAVEAT_COLUMNS
    from helpers.figures.therapy_tables import MECHANISM_CAVEAT_WORDS

    assert list(CAVEAT_COLUMNS) == list(CAVEATS) == list(CAVEAT_MARKS) == list(MECHANISM_CAVEAT_WORDS)
    assert set(CAVEAT_COLUMNS) <= set(kb.therapy_effects.columns)
    assert all(kb.therapy_effects[c].dtype == bool for c in CAVEAT_COLUMNS)
    assert set(CAVEAT_COLUMNS) <= set(queries.damage_for_therapy("ahsct", kb=kb).columns)


def test_caveat_marks_reads_mappings_named_tuples_and_missing_values():
    assert caveat_marks({"unblinded": True, "active_control": True, "unpublished": True}) == "*§°"
    assert caveat_marks({"unpublished": True, "unblinded": False}) == "°"
    assert caveat_marks({"unblinded": float("nan"), "active_control": None}) == ""
    row = namedtuple("Claim", "unblinded active_control unpublished")(False, True, False)
    assert caveat_marks(row) == "§"
    assert caveat_marks({}) == ""


def test_map_mark_puts_the_dagger_first_then_the_caveats_in_table_order():
    pair = ("t", "d")
    every = {"unlinked": {pair}} | {name: {pair} for name in CAVEAT_MARKS}
    assert map_mark(pair, every) == DAGGER_MARK + "".join(m for m, _k, _w in CAVEAT_MARKS.values())
    assert map_mark(pair, {"unpublished": {pair}, "unblinded": {("x", "y")}}) == "°"
    assert map_mark(pair, {}) == ""


def test_the_map_keys_cover_every_mark_and_the_queries_name_each_one(kb):
    names = [name for name, _key in map_keys()]
    assert names[0] == "unlinked" and dict(map_keys())["unlinked"] == DAGGER_KEY
    assert [n for n in names if n in CAVEAT_MARKS] == list(CAVEAT_MARKS)
    assert set(names) == set(queries.map_marks("ms", kb))  # every key has its cells, every mark its key


@pytest.mark.parametrize("name", list(CAVEAT_MARKS))
def test_the_lessons_legend_names_each_mark_in_words(name):
    mark, _key, words = CAVEAT_MARKS[name]
    legend = evidence_legend_html()
    assert f"{words} ({mark}) after the code" in legend
    assert CAVEATS[name][0] in legend  # and its tag


@pytest.mark.parametrize("cell_based_only", [True, False])
def test_the_mechanism_chart_keys_a_mark_exactly_when_a_printed_code_carries_it(kb, cell_based_only):
    """Only favourable results print their code, so a caveat carried only by other results (e.g. the
    cell therapies' unpublished R0s) must not get a key for a mark the chart never shows."""
    from helpers.figures.therapy_tables import mechanism_evidence_figure
    from figure_layout import figure_strings

    texts = figure_strings(mechanism_evidence_figure(kb, cell_based_only=cell_based_only))
    lines = [line for t in texts for line in t.splitlines()]
    codes = [t for t in texts if "\n" not in t and len(t) <= 5]
    for mark, key, _words in CAVEAT_MARKS.values():
        keyed = any(line.startswith(f"{mark} = ") for line in lines)
        assert keyed == any(mark in code for code in codes), (mark, codes)


def test_the_glossary_entry_for_the_badge_names_every_caveat_and_its_mark(kb):
    entry = kb.glossary.set_index("term").loc["evidence badge", "definition"]
    for name, (mark, _key, words) in CAVEAT_MARKS.items():
        assert f"“{CAVEATS[name][0]}”" in entry and f"{words}, {mark}" in entry, name
