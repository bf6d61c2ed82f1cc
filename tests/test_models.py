"""Unit and property tests of the four teaching models (helpers/models.py) and their figures.

Numbers come from data/model_parameters.csv through helpers.data.model_parameters; each test
states a property the model is meant to have, so a wrong equation or parameter makes it fail.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import models
from helpers.data import SCHEMA, model_parameters
from helpers.figures import models as figs

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "data" / "model_parameters.csv"


@pytest.fixture(scope="module")
def pc():
    return model_parameters("conduction")


@pytest.fixture(scope="module")
def pm():
    return model_parameters("motor_units")


@pytest.fixture(scope="module")
def pa():
    return model_parameters("alsfrs")


@pytest.fixture(scope="module")
def pr():
    return model_parameters("ms_relapse")


@pytest.fixture(scope="module")
def ranges_conduction():
    return models.parameter_ranges("conduction")


# =========================================================================== the parameter file
def _rows():
    with CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_parameter_file_has_exactly_the_schema_columns():
    with CSV.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == [c.name for c in SCHEMA["model_parameters"]]
    assert header == ["parameter_id", "model", "value", "unit", "low", "high", "description", "ref_ids", "note"]


@pytest.mark.parametrize("model", list(models.REQUIRED_PARAMETERS))
def test_code_and_data_use_the_same_parameters(model):
    in_data = {r["parameter_id"] for r in _rows() if r["model"] == model}
    assert set(models.REQUIRED_PARAMETERS[model]) == in_data


def test_every_parameter_has_unit_range_reference_and_lies_in_its_range():
    for row in _rows():
        assert row["unit"] and row["description"] and row["ref_ids"], row["parameter_id"]
        assert row["low"] and row["high"], f"{row['parameter_id']} needs low and high (sliders use them)"
        assert float(row["low"]) <= float(row["value"]) <= float(row["high"]), row["parameter_id"]


TEACHING_PARAMETERS = {"safety_factor_healthy", "remyelinated_myelin_fraction", "remyelinated_internode_fraction",
                       "reinnervation_capacity", "motor_neuron_loss_rate_per_year", "weakness_detection_threshold",
                       "measurement_noise_sd_points", "dropout_probability_per_month", "baseline_score_points",
                       "historical_control_bias_fraction", "pira_edss_per_year"}


def test_teaching_simplifications_say_so_in_their_note():
    notes = {r["parameter_id"]: r["note"] for r in _rows()}
    for pid in TEACHING_PARAMETERS:
        assert notes[pid].startswith("Teaching simplification"), pid


def test_loader_returns_the_csv_values(pc, pa):
    rows = {r["parameter_id"]: float(r["value"]) for r in _rows()}
    assert pc["myelinated_velocity_per_diameter"] == rows["myelinated_velocity_per_diameter"]
    assert pa["mean_slope_points_per_month"] == pytest.approx(-0.99)


def test_missing_parameter_is_reported_by_name(pc):
    broken = dict(pc)
    del broken["safety_factor_healthy"]
    with pytest.raises(KeyError, match="safety_factor_healthy"):
        models.pathway_conduction(1.0, 50, params=broken)


# =========================================================================== 1. conduction
def test_large_myelinated_fibres_conduct_in_the_textbook_range(pc, ranges_conduction):
    d_lo, d_hi = ranges_conduction["textbook_a_alpha_diameter_um"]
    v_lo, v_hi = ranges_conduction["textbook_a_alpha_velocity_m_per_s"]
    v = models.myelinated_velocity_m_per_s(np.linspace(d_lo, d_hi, 9), pc)
    assert np.all((v >= v_lo - 1e-9) & (v <= v_hi + 1e-9))
    assert 10 <= float(models.myelinated_velocity_m_per_s(d_lo, pc)) < 1000  # tens of m/s


def test_unmyelinated_fibres_conduct_around_one_metre_per_second(pc, ranges_conduction):
    d_lo, d_hi = ranges_conduction["textbook_c_diameter_um"]
    v_lo, v_hi = ranges_conduction["textbook_c_velocity_m_per_s"]
    v = models.unmyelinated_velocity_m_per_s(np.linspace(d_lo, d_hi, 9), pc)
    assert np.all((v >= v_lo) & (v <= v_hi))
    assert 0.5 <= float(models.unmyelinated_velocity_m_per_s(1.0, pc)) <= 2.0


def test_myelin_makes_fibres_of_the_same_size_faster(pc):
    d = np.geomspace(0.5, 20, 12)
    assert np.all(models.myelinated_velocity_m_per_s(d, pc) > models.unmyelinated_velocity_m_per_s(d, pc))


def test_internode_crossing_time_does_not_depend_on_diameter(pc):
    d = np.array([1.0, 5.0, 15.0])
    t_us = models.internode_length_um(d, pc) / models.myelinated_velocity_m_per_s(d, pc)  # µm / (m/s) = µs
    assert np.allclose(t_us, t_us[0])
    assert 5 < t_us[0] < 50  # tens of microseconds per internode


def test_safety_factor_falls_with_thinner_myelin_and_rises_with_shorter_internodes(pc):
    sf = models.internode_safety_factor(np.linspace(1, 0, 11), 1.0, pc)
    assert np.all(np.diff(sf) < 0)
    assert float(models.internode_safety_factor(1.0, 1.0, pc)) == pc["safety_factor_healthy"]
    assert float(models.internode_safety_factor(0.5, 0.5, pc)) > float(models.internode_safety_factor(0.5, 1.0, pc))


def test_healthy_pathway_time_is_length_over_velocity(pc):
    r = models.pathway_conduction(10.0, 500.0, params=pc)
    assert float(r.conduction_time_ms) == pytest.approx(500e-3 / 60.0 * 1000)
    assert bool(r.arrives) and float(r.min_safety_factor) == pc["safety_factor_healthy"]


def test_conduction_worsens_monotonically_with_demyelination(pc):
    fractions = np.linspace(0, 1, 21)
    above_block = 1.0 / pc["safety_factor_healthy"] + 0.05
    for remaining in (1.0, 0.8, 0.5, above_block):
        r = models.pathway_conduction(1.0, 50, fractions, remaining, params=pc)
        assert np.all(r.arrives)
        assert np.all(np.diff(r.conduction_time_ms) >= 0)
        assert np.all(np.diff(r.velocity_m_per_s) <= 0)
    remaining = np.linspace(1.0, above_block, 21)
    r = models.pathway_conduction(1.0, 50, 0.4, remaining, params=pc)
    assert np.all(np.diff(r.conduction_time_ms) > 0)
    assert float(r.conduction_time_ms[0]) == pytest.approx(float(r.healthy_time_ms[0]))


def test_block_occurs_exactly_beyond_the_safety_factor_threshold(pc):
    threshold = 1.0 / pc["safety_factor_healthy"]
    remaining = np.linspace(0, 1, 101)
    r = models.pathway_conduction(1.0, 50, 0.3, remaining, params=pc)
    assert np.array_equal(r.arrives, remaining >= threshold - 1e-12)
    assert np.all(np.isnan(r.conduction_time_ms[~r.arrives]))
    assert np.all(np.isnan(r.velocity_m_per_s[~r.arrives]))
    # no lost myelin, no block, however thin the myelin setting
    assert bool(models.pathway_conduction(1.0, 50, 0.0, 0.0, params=pc).arrives)


def test_remyelination_gives_partial_recovery(pc):
    blocked = models.pathway_conduction(1.0, 50, 0.5, 0.05, params=pc)
    slowed = models.pathway_conduction(1.0, 50, 0.5, 0.3, params=pc)
    repaired = models.pathway_conduction(1.0, 50, 0.5, 0.05, remyelinated=True, params=pc)
    assert not bool(blocked.arrives) and bool(repaired.arrives)
    assert float(repaired.min_safety_factor) >= 1
    # slower than healthy, faster than a fibre left with less myelin than remyelination provides
    assert float(repaired.healthy_time_ms) < float(repaired.conduction_time_ms) < float(slowed.conduction_time_ms)
    assert pc["remyelinated_myelin_fraction"] > 0.3


def test_unmyelinated_fibres_ignore_demyelination_settings(pc):
    a = models.pathway_conduction(1.0, 50, 0.0, 1.0, myelinated=False, params=pc)
    b = models.pathway_conduction(1.0, 50, 0.9, 0.0, myelinated=False, params=pc)
    assert float(a.conduction_time_ms) == float(b.conduction_time_ms)
    assert bool(b.arrives) and np.isnan(float(b.min_safety_factor))


def test_internode_chain_agrees_with_the_closed_form(pc):
    n = 20
    chain = models.internode_chain(n, 0.25, 0.4, params=pc)
    r = models.pathway_conduction(1.0, 50, 0.25, 0.4, params=pc)
    assert int(chain["n_affected"]) == 5
    assert chain["arrival_time"][-1] / n == pytest.approx(float(r.conduction_time_ms / r.healthy_time_ms))
    blocked = models.internode_chain(n, 0.25, 0.1, params=pc)
    first = int(blocked["first_block"])
    assert first == int(np.flatnonzero(blocked["affected"])[0])
    assert np.all(np.isnan(blocked["arrival_time"][first:])) and np.all(np.isfinite(blocked["arrival_time"][:first]))
    assert int(models.internode_chain(n, 0.25, 0.1, remyelinated=True, params=pc)["first_block"]) == -1


def test_vep_latency_is_normal_when_healthy_and_delayed_by_demyelination(pc):
    healthy = models.pathway_conduction(pc["optic_nerve_fibre_diameter_um"], pc["optic_nerve_length_mm"], params=pc)
    assert float(models.vep_p100_latency_ms(healthy.conduction_time_ms, healthy.healthy_time_ms, pc)) == \
        pc["vep_p100_latency_ms"]
    sick = models.pathway_conduction(1.0, pc["optic_nerve_length_mm"], np.linspace(0, 1, 11), 0.3, params=pc)
    latency = models.vep_p100_latency_ms(sick.conduction_time_ms, sick.healthy_time_ms, pc)
    assert np.all(np.diff(latency) > 0)
    # delays of a few to tens of ms, the order seen in optic neuritis; clemastine's 1.7 ms is small by comparison
    assert 5 < latency[-1] - pc["vep_p100_latency_ms"] < 60


# =========================================================================== 2. motor units
def test_strength_is_monotonic_in_motor_unit_loss():
    loss = np.linspace(0, 1, 201)
    for capacity in (1.0, 1.5, 3.0, 8.0):
        s = models.motor_unit_strength_fraction(loss, capacity)
        assert np.all(np.diff(s) <= 1e-12)
        assert s[0] == 1.0 and s[-1] == 0.0


def test_without_reinnervation_strength_follows_the_loss():
    loss = np.linspace(0, 1, 11)
    assert np.allclose(models.motor_unit_strength_fraction(loss, 1.0), 1 - loss)


def test_reinnervation_keeps_strength_above_the_no_reinnervation_case(pm):
    loss = np.linspace(0, 1, 101)
    with_sprouting = models.motor_unit_strength_fraction(loss, pm["reinnervation_capacity"])
    without = models.motor_unit_strength_fraction(loss, 1.0)
    assert np.all(with_sprouting >= without)
    moderate = 0.5
    assert float(models.motor_unit_strength_fraction(moderate, pm["reinnervation_capacity"])) > \
        float(models.motor_unit_strength_fraction(moderate, 1.0)) + 0.3


def test_strength_stays_normal_until_the_reserve_is_used_up(pm):
    c = pm["reinnervation_capacity"]
    knee = 1 - 1 / c
    assert float(models.motor_unit_strength_fraction(knee - 0.01, c)) == 1.0
    assert float(models.motor_unit_strength_fraction(knee + 0.05, c)) < 1.0


def test_weakness_onset_follows_capacity_and_threshold(pm):
    c, thr, rate = pm["reinnervation_capacity"], pm["weakness_detection_threshold"], \
        pm["motor_neuron_loss_rate_per_year"]
    onset = models.weakness_onset(c, thr, rate)
    assert float(onset["fraction_lost"]) == pytest.approx(1 - thr / c)
    assert float(onset["years"]) == pytest.approx(-np.log(thr / c) / rate)
    strength_at_onset = models.motor_unit_strength_fraction(onset["fraction_lost"], c)
    assert float(strength_at_onset) == pytest.approx(thr)
    later = models.weakness_onset(c + 2, thr, rate)
    assert float(later["years"]) > float(onset["years"]) and float(later["fraction_lost"]) > float(
        onset["fraction_lost"])


def test_simulated_pool_loses_units_at_the_expected_rate():
    t = np.linspace(0, 3, 31)
    alive = models.simulate_motor_unit_pool(20000, 0.7, t, seed=1)
    assert alive[0] == 20000 and np.all(np.diff(alive) <= 0)
    assert np.allclose(alive / 20000, np.exp(-0.7 * t), atol=0.015)
    assert np.array_equal(alive, models.simulate_motor_unit_pool(20000, 0.7, t, seed=1))
    assert not np.array_equal(alive, models.simulate_motor_unit_pool(20000, 0.7, t, seed=2))


def test_motor_unit_course_uses_the_data_and_is_seeded(pm):
    course = models.motor_unit_course(params=pm)
    assert course.n_units == int(pm["motor_units_in_pool"])
    assert course.years[-1] == pm["motor_unit_horizon_years"]
    assert np.all(np.diff(course.expected_strength) <= 1e-12)
    assert np.all(course.expected_strength >= course.no_reinnervation_strength)
    again = models.motor_unit_course(params=pm)
    assert np.array_equal(course.simulated_surviving_units, again.simulated_surviving_units)
    # the simulated muscle notices weakness near the expected time
    assert abs(course.simulated_onset_years - course.onset_years) < 1.0


# =========================================================================== 3. ALSFRS-R trials
@pytest.mark.parametrize("df,expected", [(3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (100, 1.984),
                                         (1e9, 1.960)])
def test_t_critical_values_match_the_table(df, expected):
    assert float(models.t_critical_two_sided(0.05, df)) == pytest.approx(expected, abs=0.005)


def test_patient_slope_is_exact_without_noise():
    months = np.arange(7.0)
    scores = np.array([[40 - 1.5 * months, 30 + 0.0 * months]])
    observed = np.ones(scores.shape, dtype=bool)
    assert np.allclose(models.patient_slopes(scores, observed, months), [[-1.5, 0.0]])
    observed[0, 1, 1:] = False  # only one visit: no slope
    assert np.isnan(models.patient_slopes(scores, observed, months)[0, 1])


def test_fast_prefix_slopes_equal_the_reference(pa):
    months = np.arange(13.0)
    rng = np.random.default_rng(3)
    q = dict(pa, dropout_probability_per_month=0.08)
    slopes, noise, last = models._draw_patients(rng, 40, 30, months, q)
    scores = models._scores(slopes, 0.8, noise, months, q)
    observed = np.arange(months.size) <= last[..., None]
    fast = models._prefix_slopes(scores, last, months)
    reference = models.patient_slopes(scores.astype(float), observed, months)
    assert np.array_equal(np.isnan(fast), np.isnan(reference))
    assert np.nanmax(np.abs(fast - reference)) < 1e-9


def test_welch_test_matches_the_formula():
    a = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    b = np.array([[3.0, 5.0, 7.0, 9.0, 11.0, 13.0]])
    result = models.welch_t_test(a, b)
    va, vb = a.var(ddof=1) / 5, b.var(ddof=1) / 6
    t = (b.mean() - a.mean()) / np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / 4 + vb ** 2 / 5)
    assert float(result["t"][0]) == pytest.approx(t)
    assert float(result["df"][0]) == pytest.approx(df)
    assert bool(result["significant"][0]) == (abs(t) > float(models.t_critical_two_sided(0.05, df)))
    assert bool(result["benefit"][0]) == (bool(result["significant"][0]) and t > 0)


def test_simulated_scores_stay_on_the_scale_and_slopes_match_the_data(pa):
    rng = np.random.default_rng(5)
    months = np.arange(13.0)
    scores, observed, slopes = models.simulate_arm(rng, 20, 200, months, 1.0, pa)
    assert scores.min() >= 0 and scores.max() <= pa["alsfrs_r_max_points"]
    assert np.array_equal(scores, np.rint(scores))
    assert observed[..., 0].all() and (~observed).any()  # everyone seen at baseline; some drop out
    estimated = models.patient_slopes(scores.astype(float), observed, months)
    assert np.nanmean(estimated) == pytest.approx(pa["mean_slope_points_per_month"], abs=0.05)
    assert np.std(slopes) == pytest.approx(pa["slope_sd_points_per_month"], rel=0.1)


def test_power_rises_with_trial_size(pa):
    power = [models.simulate_alsfrs_trials(n, 0.25, 600, seed=11, params=pa).power for n in (25, 75, 200)]
    assert power[0] < power[1] < power[2]
    assert power[2] > 0.8


def test_power_rises_with_effect_size(pa):
    power = [models.simulate_alsfrs_trials(100, effect, 600, seed=12, params=pa).power for effect in (0.1, 0.25, 0.4)]
    assert power[0] < power[1] < power[2]


def test_false_positive_rate_is_close_to_alpha_without_an_effect(pa):
    sim = models.simulate_alsfrs_trials(100, 0.0, 3000, seed=13, historical_bias=0.0, params=pa)
    assert 0.035 <= sim.false_positive_rate <= 0.065
    assert 0.035 <= sim.single_arm_false_positive_rate <= 0.065  # an unbiased history is fine
    small = models.simulate_alsfrs_trials(5, 0.0, 4000, seed=14, params=pa)  # the t critical value matters here
    assert 0.035 <= small.false_positive_rate <= 0.065


def test_biased_historical_controls_inflate_false_positives(pa):
    sim = models.simulate_alsfrs_trials(100, 0.0, 1000, seed=15, historical_bias=pa["historical_control_bias_fraction"],
                                        params=pa)
    assert sim.single_arm_false_positive_rate > 3 * sim.alpha
    assert sim.false_positive_rate < 0.08  # the randomized comparison is not fooled
    assert sim.single_arm_null["benefit"].sum() == sim.single_arm_null["significant"].sum()  # all look like benefit
    worse = models.simulate_alsfrs_trials(100, 0.0, 1000, seed=15, historical_bias=0.2, params=pa)
    assert worse.single_arm_false_positive_rate > sim.single_arm_false_positive_rate


def test_thousand_trials_are_simulated_as_one_array(pa):
    # The speed target (1,000 trials of 200 patients in well under a second) lives in
    # `python3 run.py bench`; a timed assertion here would fail on a busy machine.
    sim = models.simulate_alsfrs_trials(100, 0.25, 1000, params=pa)
    assert sim.n_trials == 1000 and sim.randomized["t"].shape == (1000,)
    assert np.isfinite(sim.randomized["t"]).all()


def test_trial_simulation_is_reproducible_with_a_seed(pa):
    a = models.simulate_alsfrs_trials(50, 0.3, 200, seed=7, params=pa)
    b = models.simulate_alsfrs_trials(50, 0.3, 200, seed=7, params=pa)
    c = models.simulate_alsfrs_trials(50, 0.3, 200, seed=8, params=pa)
    assert np.array_equal(a.randomized["t"], b.randomized["t"])
    assert np.array_equal(a.example_treated, b.example_treated, equal_nan=True)
    assert not np.array_equal(a.randomized["t"], c.randomized["t"])


def test_trial_defaults_come_from_the_data(pa):
    sim = models.simulate_alsfrs_trials(n_trials=50, params=pa)
    assert sim.patients_per_arm == int(pa["patients_per_arm"])
    assert sim.treatment_slowing == pa["treatment_slowing_fraction"]
    assert sim.duration_months == int(pa["trial_duration_months"])
    assert sim.historical_slope == pytest.approx(pa["mean_slope_points_per_month"]
                                                 * (1 + pa["historical_control_bias_fraction"]))


# =========================================================================== 4. MS relapses
def test_relapse_rates_on_therapy(pr):
    rate = pr["untreated_relapse_rate_per_year"]
    assert models.relapse_rate_per_year("none", params=pr) == rate
    assert models.relapse_rate_per_year("natalizumab", params=pr) == pytest.approx(rate * (1 - 0.68))
    assert models.relapse_rate_per_year("ahsct", params=pr) < models.relapse_rate_per_year("natalizumab", params=pr)
    with pytest.raises(ValueError, match="valid"):
        models.relapse_rate_per_year("stem cells from a clinic", params=pr)


@pytest.mark.parametrize("therapy", list(models.MS_THERAPIES))
def test_mean_relapse_count_is_rate_times_time(pr, therapy):
    years, n = 10.0, 4000
    course = models.simulate_ms_course(therapy, n, years, params=pr)
    expected = models.relapse_rate_per_year(therapy, params=pr) * years
    standard_error = np.sqrt(expected / n)
    assert abs(course.mean_relapses - expected) < 4 * standard_error + 1e-9
    assert course.relapse_rate_per_year == pytest.approx(expected / years)


def test_relapse_disability_matches_rate_incompleteness_and_step(pr):
    course = models.simulate_ms_course("none", 4000, 10.0, params=pr)
    expected = (pr["untreated_relapse_rate_per_year"] * 10 * pr["incomplete_recovery_probability"]
                * pr["residual_edss_per_incomplete_relapse"])
    assert course.mean_relapse_edss_gain == pytest.approx(expected, rel=0.06)


def test_reducing_relapses_reduces_relapse_disability_but_not_pira(pr):
    courses = {k: models.simulate_ms_course(k, 1000, 10.0, params=pr) for k in models.MS_THERAPIES}
    none, nat, hsct = courses["none"], courses["natalizumab"], courses["ahsct"]
    assert none.mean_relapse_edss_gain > nat.mean_relapse_edss_gain > hsct.mean_relapse_edss_gain
    assert np.array_equal(none.pira_edss, nat.pira_edss) and np.array_equal(nat.pira_edss, hsct.pira_edss)
    assert none.pira_edss_gain == pytest.approx(pr["pira_edss_per_year"] * 10)
    # same simulated people: a treated person's relapses are a subset of their untreated ones
    assert np.all(nat.relapse_counts <= none.relapse_counts)
    assert np.all(nat.relapse_edss[:, -1] <= none.relapse_edss[:, -1])
    assert none.mean_final_edss > nat.mean_final_edss > hsct.mean_final_edss > none.baseline_edss


def test_pira_can_be_switched_off_and_edss_is_capped(pr):
    off = models.simulate_ms_course("none", 200, 10.0, include_pira=False, params=pr)
    assert np.all(off.pira_edss == 0)
    extreme = models.simulate_ms_course("none", 200, 20.0, untreated_relapse_rate=2.0, pira_edss_per_year=0.3,
                                        params=pr)
    assert extreme.edss.max() == pr["edss_max"]
    assert np.all(np.diff(extreme.edss, axis=1) >= 0)  # disability only accumulates in this model


def test_ms_simulation_is_reproducible_with_a_seed(pr):
    a = models.simulate_ms_course("natalizumab", 300, 5.0, seed=3, params=pr)
    b = models.simulate_ms_course("natalizumab", 300, 5.0, seed=3, params=pr)
    c = models.simulate_ms_course("natalizumab", 300, 5.0, seed=4, params=pr)
    assert np.array_equal(a.edss, b.edss) and np.array_equal(a.relapse_counts, b.relapse_counts)
    assert not np.array_equal(a.relapse_counts, c.relapse_counts)


# =========================================================================== figures and descriptions
def _check_figure(fig: Figure):
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() and "teaching model" in fig.get_suptitle().lower()
    labelled = [ax for ax in fig.axes if ax.get_xlabel() or ax.get_ylabel()]
    assert labelled
    for ax in labelled:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert label and "(" in label, f"axis label without units: {label!r}"


def test_conduction_figure_and_description(pc):
    fig = figs.conduction_figure()
    _check_figure(fig)
    text = figs.describe_conduction()
    r = models.pathway_conduction(pc["optic_nerve_fibre_diameter_um"], pc["optic_nerve_length_mm"], 0.3, 0.4,
                                  params=pc)
    assert f"{float(r.velocity_m_per_s):.1f} m/s" in text and text.count(".") >= 1
    assert "blocked" in figs.describe_conduction(myelin_remaining=0.05)
    assert "unmyelinated" in figs.describe_conduction(myelinated=False)
    _check_figure(figs.conduction_figure(myelinated=False))


def test_motor_unit_figure_and_description(pm):
    _check_figure(figs.motor_unit_figure())
    course = models.motor_unit_course(params=pm)
    text = figs.describe_motor_units(course)
    assert f"{course.onset_years:.1f} years" in text
    assert f"{100 * (1 - course.onset_fraction_remaining):.0f}%" in text


def test_trial_figures_and_description(pa):
    sim = models.simulate_alsfrs_trials(n_trials=200, params=pa)
    _check_figure(figs.alsfrs_trial_figure(sim))
    text = figs.describe_alsfrs_trial(sim)
    assert f"{100 * sim.power:.0f}%" in text and f"{100 * sim.single_arm_false_positive_rate:.0f}%" in text
    power_fig = figs.power_curve_figure((0.25,), (25, 100), n_trials=100)
    ax = power_fig.axes[0]
    assert ax.get_title(loc="left") and "(" in ax.get_ylabel() and "(" in ax.get_xlabel()


def test_ms_figure_and_description(pr):
    _check_figure(figs.ms_relapse_figure("ahsct"))
    courses = {k: models.simulate_ms_course(k, params=pr) for k in models.MS_THERAPIES}
    text = figs.describe_ms_relapses("natalizumab", courses)
    assert f"{courses['natalizumab'].mean_relapses:.1f} relapses" in text
    assert f"{courses['none'].mean_relapses:.1f} relapses" in text
    # Therapy names keep their capitalisation, and "no therapy" is not compared with itself.
    assert "with aHSCT they average" in figs.describe_ms_relapses("ahsct", courses)
    untreated_only = figs.describe_ms_relapses("none", courses)
    assert "with no therapy" not in untreated_only and untreated_only.count(" relapses and gain ") == 1


def test_figures_use_the_series_disease_colours():
    from helpers.style import DISEASE_COLOURS

    colours = {line.get_color().upper() for ax in figs.motor_unit_figure().axes for line in ax.lines}
    assert DISEASE_COLOURS["als"].upper() in colours
    colours = {line.get_color().upper() for ax in figs.ms_relapse_figure().axes for line in ax.lines}
    assert DISEASE_COLOURS["ms"].upper() in colours


def test_power_curve_rises_with_size_and_effect_and_matches_the_trial_simulator(pa):
    sizes = (25, 100, 400)
    weak = models.trial_power_curve(sizes, 0.15, 400, params=pa)
    strong = models.trial_power_curve(sizes, 0.4, 400, params=pa)
    assert list(weak) == sorted(weak) and weak[-1] > weak[0] + 0.3
    assert all(s >= w for s, w in zip(strong, weak))
    # the nested shortcut estimates the same power as full, independent simulated trials
    full = models.simulate_alsfrs_trials(100, 0.25, 2000, params=pa).power
    assert abs(models.trial_power_curve((100,), 0.25, 2000, params=pa)[0] - full) < 0.05
    # no effect: "significant benefit" only by chance, in about alpha/2 of trials
    assert models.trial_power_curve((50, 200), 0.0, 4000, params=pa).max() < 0.04


def test_power_curves_are_the_same_whichever_curves_are_computed_with_them(pa, monkeypatch):
    import helpers.data

    # nothing kept between calls: each curve below is simulated, not read back from the cache folder
    monkeypatch.setattr(helpers.data, "remembered", lambda name, key, compute: compute())
    sizes = (10, 50, 120)
    together = models.trial_power_curves(sizes, (0.4, 0.15, 0.25), 120, params=pa)
    models._CURVES.clear()
    for row, effect in zip(together, (0.4, 0.15, 0.25)):
        assert models.trial_power_curve(sizes, effect, 120, params=pa).tolist() == row.tolist()
    # one simulation serves every curve not yet known
    models._CURVES.clear()
    calls = []
    real = models._simulated_power_curves
    monkeypatch.setattr(models, "_simulated_power_curves", lambda *args: calls.append(args[1]) or real(*args))
    models.trial_power_curves(sizes, (0.4, 0.15), 120, params=pa)
    assert calls == [(0.4, 0.15)]
    models._CURVES.clear()
    # a block size that does not divide the trials: the last block is smaller, and every trial counts
    n_trials = models.POWER_BLOCK_TRIALS + 7
    summarized = []
    summary = models._first_patients_summary
    monkeypatch.setattr(models, "_first_patients_summary",
                        lambda slopes, sizes: summarized.append(slopes.shape[0]) or summary(slopes, sizes))
    power = models.trial_power_curves((5, 60), (0.25,), n_trials, params=pa)
    assert power.shape == (1, 2)
    assert summarized == [models.POWER_BLOCK_TRIALS] * 2 + [7] * 2  # control and treated arm of each block
    models._CURVES.clear()


def test_power_curve_tests_each_size_on_its_first_patients():
    # the running-sum summary of the first n patients equals the direct one, missing slopes included
    rng = np.random.default_rng(3)
    slopes = rng.normal(-1.0, 0.5, (6, 40))
    slopes[rng.random(slopes.shape) < 0.1] = np.nan
    slopes[0, :3] = np.nan  # a trial whose first patients all left before a second visit
    sizes = (1, 2, 3, 4, 17, 40)
    mean, var, n = models._first_patients_summary(slopes, sizes)
    for j, size in enumerate(sizes):
        m, v, k = models._arm_summary(slopes[:, :size])
        assert np.array_equal(k, n[:, j])
        assert np.allclose(mean[:, j], m, equal_nan=True, rtol=1e-12, atol=1e-12)
        tested = k >= 2  # a variance exists from two patients on; below that the test counts as not significant
        assert np.allclose(var[tested, j], v[tested], rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="at least 1"):
        models.trial_power_curves((0, 10), (0.25,), 10)
    with pytest.raises(ValueError, match="at least one treatment effect"):
        models.trial_power_curves((10,), (), 10)


def test_power_curve_is_remembered_but_follows_changed_parameters(pa):
    first = models.trial_power_curve((50, 200), 0.25, 300, params=pa)
    assert (models.trial_power_curve((50, 200), 0.25, 300, params=dict(pa)) == first).all()
    noisier = dict(pa, measurement_noise_sd_points=pa["measurement_noise_sd_points"] * 4)
    assert (models.trial_power_curve((50, 200), 0.25, 300, params=noisier) < first).all()


def test_power_curves_are_kept_between_sessions_with_the_same_numbers(tmp_path, monkeypatch):
    # lesson 09 asks the question lesson 07 answered: the second kernel reads the curve back
    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path))
    sizes = (20, 60)
    models._CURVES.clear()
    first = models.trial_power_curve(sizes, 0.3, n_trials=200)
    [stored] = tmp_path.glob("power-curves-*.json")
    models._CURVES.clear()  # a new session
    monkeypatch.setattr(models, "_simulated_power_curves", lambda *a: pytest.fail("simulated again"))
    again = models.trial_power_curve(sizes, 0.3, n_trials=200)
    assert again.tolist() == first.tolist()  # the very same floats
    # other inputs (here the seed) are a different question, simulated anew
    monkeypatch.undo()
    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path))
    models._CURVES.clear()
    assert models.trial_power_curve(sizes, 0.3, n_trials=200, seed=7).tolist() != first.tolist()
    # a damaged file counts as empty; with the cache turned off nothing is written
    stored.write_text("{not json", encoding="utf-8")
    models._CURVES.clear()
    assert models.trial_power_curve(sizes, 0.3, n_trials=200).tolist() == first.tolist()
    monkeypatch.setenv("SERIES_CACHE_DIR", "off")
    models._CURVES.clear()
    for path in tmp_path.iterdir():
        path.unlink()
    assert models.trial_power_curve(sizes, 0.3, n_trials=200).tolist() == first.tolist()
    assert not list(tmp_path.iterdir())
    models._CURVES.clear()


def test_a_change_to_the_code_starts_a_new_store(tmp_path, monkeypatch):
    from helpers import data

    monkeypatch.setenv("SERIES_CACHE_DIR", str(tmp_path))
    calls = []
    assert data.remembered("t", (1,), lambda: calls.append(1) or [0.5]) == [0.5]
    assert data.remembered("t", (1,), lambda: calls.append(1) or [0.5]) == [0.5] and len(calls) == 1
    monkeypatch.setattr(data, "_code_digest", lambda: "another version of the code")
    assert data.remembered("t", (1,), lambda: calls.append(1) or [0.25]) == [0.25] and len(calls) == 2
    assert len(list(tmp_path.glob("t-*.json"))) == 1  # the file of the old code is removed
