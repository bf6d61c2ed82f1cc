"""Lesson 08's red-flag exercise and the instructor guide.

The checker is driven like a learner would drive it (choose an advert, tick boxes, press
Check) over every advert and several tick patterns, and what it shows must be exactly what
the pure functions return. The guide must contain the answer to every quiz item and the
current answer keys.
"""

from __future__ import annotations

import re

import pytest

from tools import guide
from helpers.data import load_knowledge_base
from helpers.queries import split_ids
from helpers.widgets import redflags
from helpers.widgets.redflags import (NO_FLAGS_LABEL, advert_flag_ids, red_flag_checker, red_flag_feedback_html,
                                      score_red_flags)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="module")
def flag_ids(kb):
    return list(kb.red_flags["flag_id"].astype(str))


@pytest.fixture(scope="module")
def advert_ids(kb):
    return list(kb.clinic_adverts["advert_id"].astype(str))


# --------------------------------------------------------------------------- the data of the exercise
def test_every_advert_is_labelled_invented(kb):
    for row in kb.clinic_adverts.itertuples():
        assert str(row.title).startswith(redflags.INVENTED_TITLE_PREFIX), row.advert_id
        assert str(row.text).startswith(redflags.INVENTED_TEXT_PREFIX), row.advert_id


def test_exercise_has_enough_flags_and_adverts(kb):
    assert 7 <= len(kb.red_flags) <= 10
    assert 4 <= len(kb.clinic_adverts) <= 6


def test_there_is_a_legitimate_advert_and_every_flag_is_used(kb, flag_ids, advert_ids):
    keys = {a: advert_flag_ids(a, kb) for a in advert_ids}
    assert any(not flags for flags in keys.values()), "at least one advert must be an honest trial notice"
    used = {f for flags in keys.values() for f in flags}
    assert used == set(flag_ids), f"flags never used by any advert: {sorted(set(flag_ids) - used)}"


def test_every_flag_has_a_source(kb):
    for row in kb.red_flags.itertuples():
        assert split_ids(row.ref_ids), row.flag_id


# --------------------------------------------------------------------------- scoring (pure)
def test_score_perfect_answer(kb, advert_ids):
    for advert in advert_ids:
        key = advert_flag_ids(advert, kb)
        score = score_red_flags(advert, key, kb)
        assert score["all_correct"] and score["found"] == key
        assert score["missed"] == [] and score["wrong"] == []
        assert score["n_found"] == score["n_expected"] == len(key)


def test_score_nothing_ticked_misses_everything(kb, advert_ids):
    for advert in advert_ids:
        score = score_red_flags(advert, [], kb)
        assert score["empty"]
        assert score["missed"] == advert_flag_ids(advert, kb)
        assert score["found"] == [] and score["wrong"] == []


def test_score_everything_ticked_marks_the_extras_wrong(kb, flag_ids, advert_ids):
    for advert in advert_ids:
        key = advert_flag_ids(advert, kb)
        score = score_red_flags(advert, flag_ids, kb)
        assert score["found"] == key
        assert score["wrong"] == [f for f in flag_ids if f not in key]
        assert score["all_correct"] == (len(key) == len(flag_ids))


def test_score_partial_answer(kb, flag_ids):
    advert = next(a for a in kb.clinic_adverts["advert_id"] if len(advert_flag_ids(a, kb)) >= 2)
    key = advert_flag_ids(advert, kb)
    extra = next(f for f in flag_ids if f not in key)
    score = score_red_flags(advert, [key[0], extra], kb)
    assert score["found"] == [key[0]]
    assert score["missed"] == key[1:]
    assert score["wrong"] == [extra]
    assert not score["all_correct"] and not score["empty"]


def test_score_rejects_unknown_ids(kb, advert_ids):
    with pytest.raises(ValueError, match="Unknown advert"):
        score_red_flags("no_such_advert", [], kb)
    with pytest.raises(ValueError, match="Unknown red flag"):
        score_red_flags(advert_ids[0], ["no_such_flag"], kb)


# --------------------------------------------------------------------------- feedback (pure)
def test_empty_selection_says_so(kb, advert_ids):
    for advert in advert_ids:
        text = red_flag_feedback_html(advert, [], kb=kb)
        assert "Nothing is ticked yet" in text and NO_FLAGS_LABEL in text
        assert "Found" not in text and "Missed" not in text
    assert "Choose an advert first" in red_flag_feedback_html(None, [], kb=kb)


def test_contradictory_answer_says_so(kb, flag_ids, advert_ids):
    text = red_flag_feedback_html(advert_ids[0], [flag_ids[0]], no_flags=True, kb=kb)
    assert "Untick one or the other" in text


def test_no_flags_answer_is_right_only_for_the_legitimate_advert(kb, advert_ids):
    for advert in advert_ids:
        text = red_flag_feedback_html(advert, [], no_flags=True, kb=kb)
        if advert_flag_ids(advert, kb):
            assert "✘" in text and "Missed" in text
        else:
            assert "✔ Right" in text and "Missed" not in text


def _section(text: str, heading: str) -> str:
    match = re.search(rf"<b>{heading} \(\d+\):</b>.*?</ul>", text, re.S)
    return match.group(0) if match else ""


def test_feedback_lists_found_missed_and_wrong_with_explanations(kb, flag_ids):
    flags = kb.red_flags.set_index("flag_id")
    advert = next(a for a in kb.clinic_adverts["advert_id"] if len(advert_flag_ids(a, kb)) >= 2)
    key = advert_flag_ids(advert, kb)
    extra = next(f for f in flag_ids if f not in key)
    text = red_flag_feedback_html(advert, [key[0], extra], kb=kb)
    found, missed, wrong = (_section(text, h) for h in ("Found", "Missed", "Ticked, but not in this advert"))
    escape = lambda s: s.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;")  # noqa: E731
    assert escape(flags.loc[key[0], "name"]) in found and escape(flags.loc[key[0], "description"]) in found
    for f in key[1:]:
        assert escape(flags.loc[f, "name"]) in missed
    assert escape(flags.loc[extra, "name"]) in wrong
    assert f"You found 1 of the {len(key)} red flags" in text
    assert "About this advert" in text and "Sources:" in text


# --------------------------------------------------------------------------- the widget, driven like a learner
def _tick(widget, ticked, no_flags=False):
    for flag, box in widget.controls["flags"].items():
        box.value = flag in ticked
    widget.controls["no_flags"].value = no_flags
    widget.controls["check"].click()
    return widget.outputs["feedback"].value


def test_widget_over_every_advert_and_tick_pattern(kb, flag_ids, advert_ids):
    widget = red_flag_checker()
    assert [value for _, value in widget.controls["advert"].options] == advert_ids
    checked = 0
    for advert in advert_ids:
        widget.controls["advert"].value = advert
        assert widget.outputs["advert"].value == redflags.advert_html(advert, kb)
        assert widget.outputs["feedback"].value == ""
        assert not any(box.value for box in widget.controls["flags"].values())
        key = advert_flag_ids(advert, kb)
        patterns = [(key, not key), ([], False), (flag_ids, False), (key[:-1], False),
                    (key + [f for f in flag_ids if f not in key][:1], False), ([], True)]
        for ticked, no_flags in patterns:
            shown = _tick(widget, ticked, no_flags)
            assert shown == red_flag_feedback_html(advert, ticked, no_flags, kb), (advert, ticked, no_flags)
            checked += 1
        # the perfect answer is praised, whatever the advert
        assert "✔" in _tick(widget, key, not key)
    assert checked == 6 * len(advert_ids)


def test_widget_changing_advert_clears_ticks_and_feedback(advert_ids, flag_ids):
    widget = red_flag_checker(advert_ids[0])
    _tick(widget, flag_ids[:2])
    assert widget.outputs["feedback"].value
    widget.controls["advert"].value = advert_ids[1]
    assert widget.outputs["feedback"].value == ""
    assert not any(box.value for box in widget.controls["flags"].values())
    assert not widget.controls["no_flags"].value


def test_widget_preselects_and_rejects_unknown_advert(advert_ids):
    assert red_flag_checker(advert_ids[-1]).controls["advert"].value == advert_ids[-1]
    with pytest.raises(ValueError, match="Unknown advert"):
        red_flag_checker("no_such_advert")


def test_without_a_kernel_the_exercise_shows_the_adverts_with_their_answers_hidden(kb, advert_ids):
    # the static site and notebook viewers show this instead of the widget: a reader can still do the exercise
    every = red_flag_checker()._repr_mimebundle_()["text/html"]
    one = red_flag_checker(advert_ids[-1])._repr_mimebundle_()["text/html"]
    adverts = kb.clinic_adverts.set_index("advert_id")
    for advert_id in advert_ids:
        assert redflags.esc(str(adverts.loc[advert_id, "title"])) in every
    assert every.count("<details") == len(advert_ids) and one.count("<details") == 1
    assert redflags.esc(str(adverts.loc[advert_ids[-1], "title"])) in one
    flags = kb.red_flags.set_index("flag_id")
    for advert_id in advert_ids:
        block = every.split(redflags.esc(str(adverts.loc[advert_id, "title"])))[1].split("</details>")[0]
        answer = block.split("<summary>")[1]
        for flag in advert_flag_ids(advert_id, kb):
            assert redflags.esc(str(flags.loc[flag, "description"])) in answer
        assert (not advert_flag_ids(advert_id, kb)) == ("None of the red flags" in answer)
    assert "needs a running notebook" not in every


def test_checklist_lists_every_flag(kb):
    text = redflags.red_flag_checklist_html(kb)
    assert text.count("<tr><td") == len(kb.red_flags)
    assert f"({len(kb.red_flags)} signs)" in text


# --------------------------------------------------------------------------- the instructor guide
@pytest.fixture(scope="module")
def guide_text():
    return guide.GUIDE_PATH.read_text(encoding="utf-8")


def test_answer_key_function_lists_every_quiz_answer(kb):
    key = guide.quiz_answer_key_markdown(kb=kb)
    quiz = kb.quiz[kb.quiz["lesson"].between(0, 9)]
    assert len(quiz) > 0
    for row in quiz.itertuples():
        assert f"**{row.quiz_id}.** {row.question}" in key
        assert f"**Answer:** {row.answer}" in key


def test_guide_contains_every_quiz_answer(kb, guide_text):
    missing = [row.quiz_id for row in kb.quiz[kb.quiz["lesson"].between(0, 9)].itertuples()
               if f"**{row.quiz_id}.**" not in guide_text or f"**Answer:** {row.answer}" not in guide_text]
    assert missing == [], f"docs/instructor_guide.md lacks the answers to {missing}: run `python -m tools.guide`"


def test_guide_generated_blocks_are_up_to_date(guide_text):
    for name, generate in guide.GENERATORS.items():
        assert guide.generated_block(name, guide_text) == generate(), \
            f"the '{name}' block of docs/instructor_guide.md is stale: run `python -m tools.guide`"


def test_guide_has_model_answers_for_every_case_and_advert(kb, guide_text):
    for case in ("Case 1", "Case 2", "Case 3"):
        assert f"### {case}:" in guide_text
    for row in kb.clinic_adverts.itertuples():
        assert f"(`{row.advert_id}`)" in guide_text


def test_refresh_rewrites_stale_blocks_and_needs_markers(kb, guide_text):
    stale = guide_text.replace("**Answer:**", "**Answer (old):**", 1)
    assert stale != guide_text
    assert guide.refresh_guide_text(stale, kb) == guide_text
    with pytest.raises(ValueError, match="lacks the markers"):
        guide.refresh_guide_text("# A guide without markers\n", kb)


def test_lesson_outline_reads_objectives_time_and_checks(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 42 · Test lesson\n\nWhy."),
        nbformat.v4.new_markdown_cell("> **Questions**\n> - Why?\n>\n> **Learning objectives.** You can:\n"
                                      "> - do one thing;\n> - do another.\n>\n> **Time**: 5 minutes.\n"),
        nbformat.v4.new_code_cell('check_question("q42_02")'),
        nbformat.v4.new_code_cell("check_question('q42_01')"),
    ])
    path = tmp_path / "42_test.ipynb"
    nbformat.write(nb, path)
    outline = guide.lesson_outline(path)
    assert outline == {"title": "42 · Test lesson", "objectives": ["do one thing;", "do another."],
                       "time": "5 minutes", "checks": ["q42_02", "q42_01"]}


def test_guide_cites_only_references_in_the_knowledge_base(kb, guide_text):
    """Model answers cite sources as `[id; id]`; each id must exist in data/references.csv."""
    import re

    cited = {ref.strip() for group in re.findall(r"`\[([a-z0-9_; ]+)\]`", guide_text) for ref in group.split(";")}
    assert len(cited) > 20  # the guide really does cite its sources
    unknown = sorted(cited - set(kb.references["ref_id"]))
    assert unknown == [], f"docs/instructor_guide.md cites ids missing from data/references.csv: {unknown}"


def test_the_side_by_side_lists_each_adverts_own_flags_and_names_bad_ids(kb):
    html = redflags.advert_comparison_html("advert_e", "advert_b", kb)
    flags = kb.red_flags.set_index("flag_id")
    left = redflags.advert_flag_ids("advert_e", kb)
    assert left and not redflags.advert_flag_ids("advert_b", kb)
    for flag_id in flags.index:  # every flag of the left advert is named, and no other
        assert (f"<b>{flags.loc[flag_id, 'name']}</b>" in html) == (flag_id in left), flag_id
    assert f"{len(left)} red flags:" in html and "No red flag" in html
    for advert_id in ("advert_e", "advert_b"):  # both texts and both explanations are shown
        advert = kb.clinic_adverts.set_index("advert_id").loc[advert_id]
        assert redflags.esc(advert["text"]) in html and redflags.esc(advert["explanation"]) in html
    with pytest.raises(ValueError, match="valid: advert_a"):
        redflags.advert_comparison_html("advert_z", "advert_b", kb)
