"""Check-your-understanding items: the item bank's balance, the widget's behaviour, the static
markup the website uses, and the widget items' answers, which are recomputed from the models
and the data so that they cannot drift.

Balance rules (issue 13), measured on data/quiz.csv after the per-item shuffle:
* the correct option is the strictly longest option in at most a third of items;
* for every displayed position, the number of items whose correct option sits there is
  within ±25% of the even share (the sum over items of 1/number-of-options);
* at least half of all items are `apply` or `widget` items;
* every lesson from 02 on has an item that revisits an earlier lesson;
* every lesson with a widget or model has at least one `widget` item, and every widget item has
  a check below against the model or the data.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from helpers import checks, models, queries
from helpers.data import load_knowledge_base
from helpers.markup import esc
from tools.notebook_tools import ROOT


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="module")
def items(kb):
    return {q: checks.check_item(q, kb) for q in kb.quiz["quiz_id"]}


# --------------------------------------------------------------------------- the bank
def test_every_option_has_its_own_feedback(items):
    for item in items.values():
        assert 3 <= len(item.options) <= 4, item.quiz_id
        assert len(item.feedback) == len(item.options)
        assert all(f.strip() for f in item.feedback), item.quiz_id
        assert len(set(item.feedback)) == len(item.feedback), f"{item.quiz_id}: the same feedback for two options"
        assert item.hint.strip() and item.explanation.strip()
        assert item.answer not in item.hint, f"{item.quiz_id}: the hint gives the answer away"


def test_correct_option_is_the_longest_in_at_most_a_third(items):
    longest = [q for q, i in items.items()
               if all(len(i.answer) > len(o) for k, o in enumerate(i.options) if k != i.correct)]
    assert len(longest) <= len(items) / 3, f"{len(longest)} of {len(items)}: {longest}"


def test_correct_position_is_spread_evenly(items):
    counts: dict[int, int] = {}
    expected: dict[int, float] = {}
    for item in items.values():
        counts[item.correct] = counts.get(item.correct, 0) + 1
        for position in range(len(item.options)):
            expected[position] = expected.get(position, 0.0) + 1.0 / len(item.options)
    for position, share in expected.items():
        assert abs(counts.get(position, 0) - share) <= 0.25 * share, (counts, expected)


def test_shuffle_is_deterministic_across_processes_and_not_the_stored_order(kb, items):
    script = ("import json; from helpers.checks import check_item; from helpers.data import load_knowledge_base; "
              "kb = load_knowledge_base(); "
              "print(json.dumps({q: list(check_item(q, kb).options) for q in kb.quiz['quiz_id']}))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                                      check=True, env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout)
            for seed in ("1", "2")]
    here = {q: list(i.options) for q, i in items.items()}
    assert runs[0] == runs[1] == here
    assert checks.display_order("q03_02", 4) == checks.display_order("q03_02", 4)
    assert sum(i.correct != 0 for i in items.values()) > len(items) / 2


def test_at_least_half_are_application_items(kb):
    kinds = kb.quiz["kind"].astype(str)
    assert kinds.isin(["apply", "widget"]).sum() >= len(kinds) / 2


def test_every_lesson_from_02_revisits_an_earlier_lesson(kb):
    quiz = kb.quiz
    for lesson in range(2, 10):
        revisits = quiz.loc[(quiz["lesson"] == lesson) & quiz["revisits"].notna(), "revisits"]
        assert len(revisits) >= 1, f"lesson {lesson:02d} has no item revisiting an earlier lesson"
        assert (revisits < lesson).all()


def _notebook_sources(stem_prefix: str) -> str:
    path = next((ROOT / "notebooks").glob(f"{stem_prefix}_*.ipynb"))
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")


WIDGET_CALL = re.compile(r"\b(\w+_explorer|trial_simulator|trial_browser|cell_type_map|red_flag_checker|evidence_map)\(")


def test_every_lesson_with_a_widget_has_a_widget_item_shown_in_it(kb):
    quiz = kb.quiz
    for lesson in range(10):
        source = _notebook_sources(f"{lesson:02d}")
        if not WIDGET_CALL.search(source):
            continue
        widget_items = list(quiz.loc[(quiz["lesson"] == lesson) & (quiz["kind"] == "widget"), "quiz_id"])
        assert widget_items, f"lesson {lesson:02d} has a widget but no widget item"
        assert any(f'check_question("{q}")' in source for q in widget_items)


def test_every_item_is_shown_in_its_lesson_once(kb):
    for row in kb.quiz.itertuples():
        source = _notebook_sources(f"{row.lesson:02d}")
        assert source.count(f'check_question("{row.quiz_id}")') == 1, row.quiz_id


# --------------------------------------------------------------------------- widget items vs the model
def _option(item, fragment: str) -> int:
    found = [k for k, o in enumerate(item.options) if fragment in o]
    assert len(found) == 1, (item.quiz_id, fragment, item.options)
    return found[0]


def _power(n_per_arm: int, slowing: float) -> float:
    # the simulator's default seed and trial count (500), as the learner sees them
    return models.simulate_alsfrs_trials(n_per_arm, slowing, 500, models.DEFAULT_SEED).power


def _check_q00_05(item, kb):
    listed = html.unescape(
        __import__("helpers.widgets.intro", fromlist=["claims_at_level_html"]).claims_at_level_html("rct_no_benefit", kb))
    names = dict(zip(kb.therapies["therapy_id"], kb.therapies["name"]))
    assert names["nurown"] in listed
    for therapy in ("ahsct", "clemastine", "fetal_npc_stems"):
        assert names[therapy] not in listed
    return _option(item, "NurOwn")


def _check_q01_01(item, kb):
    p = models.load_parameters("conduction")
    d, length = p["optic_nerve_fibre_diameter_um"], p["optic_nerve_length_mm"]
    ratio = (models.pathway_conduction(d, length, myelinated=False).conduction_time_ms
             / models.pathway_conduction(d, length).conduction_time_ms)
    assert 3.5 <= float(ratio) <= 4.5
    return _option(item, "four times")


def _check_q01_07(item, kb):
    p = models.load_parameters("conduction")
    result = models.pathway_conduction(p["optic_nerve_fibre_diameter_um"], p["optic_nerve_length_mm"], 0.5, 0.15)
    assert not bool(result.arrives) and float(result.min_safety_factor) < 1
    return _option(item, "blocked")


def _check_q02_09(item, kb):
    p = models.load_parameters("motor_units")
    none = float(models.weakness_onset(1, p["weakness_detection_threshold"], p["motor_neuron_loss_rate_per_year"])
                 ["fraction_lost"])
    default = float(models.weakness_onset(p["reinnervation_capacity"], p["weakness_detection_threshold"],
                                          p["motor_neuron_loss_rate_per_year"])["fraction_lost"])
    assert 0.15 <= none <= 0.25, none            # "about a fifth"
    assert 0.65 <= default <= 0.8, default       # the distractor "about three-quarters" is the default's answer
    return _option(item, "a fifth")


def _check_q03_09(item, kb):
    p = models.load_parameters("conduction")
    d, length = p["optic_nerve_fibre_diameter_um"], p["optic_nerve_length_mm"]
    damaged = models.pathway_conduction(d, length, 0.3, 0.4)
    repaired = models.pathway_conduction(d, length, 0.3, 0.4, remyelinated=True)
    p100 = [float(models.vep_p100_latency_ms(r.conduction_time_ms, r.healthy_time_ms)) for r in (damaged, repaired)]
    assert p["vep_p100_latency_ms"] < p100[1] < p100[0]
    return _option(item, "back towards normal")


def _check_q03_10(item, kb):
    none, ahsct = models.simulate_ms_course("none"), models.simulate_ms_course("ahsct")
    assert ahsct.pira_edss_gain == none.pira_edss_gain > 0
    assert ahsct.mean_relapse_edss_gain < 0.5 * none.mean_relapse_edss_gain
    return _option(item, "(PIRA)")


def _check_q04_09(item, kb):
    hsc = kb.cell_types.set_index("cell_type_id").loc["hsc"]
    assert "blood and circulating immune" in hsc["can_become"] and "Neurons" in hsc["cannot_become"]
    assert "myelin" in hsc["cannot_become"]
    return _option(item, "Blood and circulating immune")


def _codes(kb, therapy=None, damage=None):
    effects = kb.therapy_effects
    if therapy:
        effects = effects[effects["therapy_id"] == therapy]
    if damage:
        effects = effects[effects["damage_id"] == damage]
    codes = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["code"]))
    return {codes[str(level)] for level in effects["evidence_level"]}


def _check_q05_06(item, kb):
    assert ("Lower motor neuron loss", "als_lmn_loss") in queries.choices("damage", kb, disease="als")
    assert "'Lower motor neuron loss'" in item.question
    cells = set(kb.therapies.loc[kb.therapies["kind"] == "cell_therapy", "therapy_id"])
    effects = kb.therapy_effects[(kb.therapy_effects["damage_id"] == "als_lmn_loss")
                                 & (kb.therapy_effects["evidence_level"] == "rct_benefit")]
    assert set(effects["therapy_id"]) & cells == {"lenzumestrocel"}
    assert _codes(kb, "lenzumestrocel", "als_lmn_loss") >= {"R+", "R0"}  # the two badges the item reads together
    lenzu = kb.therapy_effects[(kb.therapy_effects["therapy_id"] == "lenzumestrocel")
                               & (kb.therapy_effects["evidence_level"] == "rct_benefit")]
    assert lenzu["unblinded"].all()  # the 'not blinded' tag the question names
    return _option(item, "Not shown")


def _check_q06_06(item, kb):
    labels = dict((damage, label) for label, damage in queries.choices("damage", kb, disease="ms"))
    assert labels["ms_failed_remyelination"].startswith("Failed remyelination") and "'Failed remyelination'" in item.question
    codes = _codes(kb, damage="ms_failed_remyelination")
    assert "R+" not in codes and "S+" in codes
    assert _codes(kb, "clemastine", "ms_failed_remyelination") == {"S+"}
    assert _codes(kb, "opicinumab", "ms_failed_remyelination") == {"R0"}
    return _option(item, "S+: clemastine")


def _check_q07_08(item, kb):
    assert 0.25 <= _power(30, 0.25) <= 0.42         # "about 1 in 3"
    assert 0.65 <= _power(100, 0.25) <= 0.85        # the distractor "about 3 in 4" is the default's power
    return _option(item, "About 1 in 3")


def _check_q07_09(item, kb):
    sim = models.simulate_alsfrs_trials(100, 0.0, 500, models.DEFAULT_SEED, historical_bias=0.1)
    assert sim.false_positive_rate <= 0.08
    assert 0.18 <= sim.single_arm_false_positive_rate <= 0.35   # "about a quarter" in the explanation
    return _option(item, "single-arm")


def _check_q08_07(item, kb):
    adverts = kb.clinic_adverts.set_index("advert_id")
    flags = dict(zip(kb.red_flags["flag_id"], kb.red_flags["name"]))
    advert = next(a for a, title in adverts["title"].items() if "NeuroRenew" in title)
    shown = {flags[f] for f in queries.split_ids(adverts.loc[advert, "red_flags"])}
    for k, option in enumerate(item.options):
        assert (option in shown) == (k != item.correct), (option, shown)
    return _option(item, "Payment")


def _check_q09_09(item, kb):
    assert 0.1 <= _power(10, 0.25) <= 0.2           # "fewer than 1 in 4"; "about one in seven" in the explanation
    return _option(item, "Fewer than 1 in 4")


WIDGET_CHECKS = {name[len("_check_"):]: fn for name, fn in globals().items() if name.startswith("_check_q")}


def test_every_widget_item_has_a_model_check(kb):
    widget_items = set(kb.quiz.loc[kb.quiz["kind"] == "widget", "quiz_id"])
    assert widget_items == set(WIDGET_CHECKS)


@pytest.mark.parametrize("quiz_id", sorted(WIDGET_CHECKS))
def test_widget_item_answer_agrees_with_the_model(quiz_id, items, kb):
    item = items[quiz_id]
    assert WIDGET_CHECKS[quiz_id](item, kb) == item.correct


# --------------------------------------------------------------------------- feedback and the widget
def _wrong(item, n=1):
    return [k for k in range(len(item.options)) if k != item.correct][n - 1]


def test_feedback_flow_is_pure_and_follows_the_rules(items):
    item = items["q07_08"]
    empty = checks.check_response("q07_08", None)
    assert not empty.counted and checks.NO_OPTION_MESSAGE in empty.html
    first = checks.check_response("q07_08", _wrong(item), 1)
    assert first.counted and not first.final and "Hint:" in first.html and "Answer:" not in first.html
    assert esc(item.feedback[_wrong(item)]) in first.html
    second = checks.check_response("q07_08", _wrong(item, 2), 2)
    assert second.final and not second.correct and "Answer:" in second.html
    assert esc(item.feedback[_wrong(item, 2)]) in second.html
    right = checks.check_response("q07_08", item.correct, 1)
    assert right.final and right.correct and "Sources:" in right.html


def test_confidence_is_reflected_back(items):
    item = items["q03_05"]
    sure_wrong = checks.check_response("q03_05", _wrong(item), 2, "sure").html
    assert "misconception worth revisiting" in sure_wrong
    assert "rightly so" in checks.check_response("q03_05", _wrong(item), 2, "unsure").html
    assert "you were right" in checks.check_response("q03_05", item.correct, 1, "sure").html
    assert "unsure, but right" in checks.check_response("q03_05", item.correct, 1, "unsure").html
    assert "You were" not in checks.check_response("q03_05", item.correct, 1, None).html
    with pytest.raises(ValueError, match="valid: sure, unsure"):
        checks.check_response("q03_05", item.correct, 1, "certain")


def test_bad_option_and_attempt_are_refused():
    with pytest.raises(ValueError, match="does not exist"):
        checks.check_response("q03_05", 9)
    with pytest.raises(ValueError, match="attempt"):
        checks.check_response("q03_05", 0, 3)


def test_widget_wrong_then_right_with_listeners(items):
    item = items["q02_09"]
    events, failures = [], []

    def broken(_event):
        failures.append(1)
        raise RuntimeError("a listener's bug")

    checks.ANSWER_LISTENERS[:] = [broken, events.append]
    try:
        widget = checks.check_question("q02_09")
        choice, confidence = widget.controls["choice"], widget.controls["confidence"]
        button, feedback = widget.controls["check"], widget.outputs["feedback"]
        button.click()
        assert "Choose an option first" in feedback.value and events == []
        confidence.value = "sure"
        choice.value = _wrong(item)
        button.click()
        assert "Hint:" in feedback.value and not button.disabled
        choice.value = item.correct
        button.click()
        assert "Second try" in feedback.value and "Answer:" in feedback.value and button.disabled
        assert choice.disabled and confidence.disabled
    finally:
        checks.ANSWER_LISTENERS.clear()
    assert len(failures) == 2
    assert events == [
        {"quiz_id": "q02_09", "lesson": 2, "chosen": item.options[_wrong(item)], "correct": False, "attempt": 1,
         "confidence": "sure"},
        {"quiz_id": "q02_09", "lesson": 2, "chosen": item.answer, "correct": True, "attempt": 2, "confidence": "sure"}]


def test_widget_two_wrong_answers_reveal_the_answer(items):
    item = items["q06_05"]
    widget = checks.check_question("q06_05")
    choice, button, feedback = widget.controls["choice"], widget.controls["check"], widget.outputs["feedback"]
    choice.value = _wrong(item)
    button.click()
    choice.value = _wrong(item, 2)
    button.click()
    assert "Not this one either" in feedback.value and esc(item.answer) in feedback.value
    assert button.disabled


def test_unknown_id_names_nearby_ids():
    with pytest.raises(ValueError, match=r"'q07_99'; nearby valid ids: .*q07_01.*items in data/quiz.csv"):
        checks.check_item("q07_99")
    with pytest.raises(ValueError, match=r"'q3_02'; nearby valid ids: .*q03_02"):
        checks.check_question("q3_02")


# --------------------------------------------------------------------------- static markup (CONTRIBUTING.md, convention 1)
class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_static_markup_follows_the_contract(items, kb):
    for quiz_id, item in items.items():
        markup = checks.static_check_html(quiz_id, kb)
        parser = _Markup()
        parser.feed(markup)
        tags = parser.tags
        assert tags[0] == ("div", {"class": "series-check", "data-quiz-id": quiz_id})
        radios = [a for t, a in tags if t == "input"]
        assert [a["value"] for a in radios] == [str(k) for k in range(len(item.options))]
        assert all(a["type"] == "radio" and a["name"] == quiz_id for a in radios)
        feedback = [a for t, a in tags if t == "div" and a.get("class") == "series-check-feedback"]
        assert [a["data-option"] for a in feedback] == [str(k) for k in range(len(item.options))]
        assert [a["data-correct"] for a in feedback].count("true") == 1
        assert feedback[item.correct]["data-correct"] == "true" and all("hidden" in a for a in feedback)
        classes = [a.get("class") for _, a in tags]
        for cls in ("series-check-question", "series-check-submit", "series-check-hint", "series-check-status",
                    "series-check-answer"):
            assert classes.count(cls) == 1, (quiz_id, cls)
        assert "<script" not in markup and "<summary>Show the answer</summary>" in markup
        assert 'role="status" aria-live="polite"' in markup
        # an item that needs a lesson's tool says, where no tool runs, that it needs one
        assert classes.count("series-check-tool") == (item.kind == "widget"), quiz_id


def test_static_markup_of_a_tool_item_says_the_tool_needs_a_live_notebook(items, kb):
    tool_items = [q for q, item in items.items() if item.kind == "widget"]
    assert len(tool_items) >= 10
    for quiz_id in tool_items:
        markup = checks.static_check_html(quiz_id, kb)
        assert '<p class="series-check-tool">' in markup and "run only in a live notebook" in markup
        # inside the fieldset, between the question and the options
        assert markup.index("series-check-question") < markup.index("series-check-tool") < markup.index('type="radio"')


def test_static_markup_escapes_data_text(kb):
    quiz = kb.quiz.copy()
    quiz.loc[quiz["quiz_id"] == "q01_02", "question"] = "Is <script>alert(1)</script> & <b>this</b> safe?"
    quiz.loc[quiz["quiz_id"] == "q01_02", "hint"] = '"quoted" <hint>'
    markup = checks.static_check_html("q01_02", kb.__class__(**{**kb.__dict__, "quiz": quiz}))
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in markup
    assert "&lt;hint&gt;" in markup


def test_displayed_widget_carries_the_static_html():
    widget = checks.check_question("q04_05")
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/html"] == checks.static_check_html("q04_05")
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "[Check your understanding (q04_05): run this notebook to answer it.]"
