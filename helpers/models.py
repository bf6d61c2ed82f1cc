"""Four small teaching models: pure, vectorized numpy functions.

These are **teaching models**: each keeps one mechanism that matters for understanding
stem-cell therapy in ALS and MS and leaves almost everything else out. They are not
fitted to patient data and must never be used to predict what happens to a person.

1. **Myelin and conduction** (``conduction``): an axon as a chain of nodes and internodes;
   saltatory conduction versus continuous conduction; demyelination slows conduction and,
   when the safety factor falls below 1, blocks it; remyelination (thinner myelin, shorter
   internodes) restores secure but slower conduction; the extra delay shifts the latency of
   the visual evoked potential (VEP).
2. **Motor unit reserve in ALS** (``motor_units``): motor neurons die; surviving units sprout
   to adopt orphaned muscle fibres up to a limit, so strength stays near normal until most
   of the pool is gone.
3. **ALSFRS-R decline and trial simulator** (``alsfrs``): straight-line decline with
   between-patient variability, measurement noise and drop-out; randomized two-arm trials
   versus single-arm studies compared with historical controls.
4. **MS relapses and disability** (``ms_relapse``): relapses as Poisson events; incomplete
   recovery adds EDSS steps; optional progression independent of relapse activity (PIRA);
   therapies reduce the relapse rate by a relative amount.

Every number comes from ``data/model_parameters.csv`` (read with
:func:`helpers.data.model_parameters`), where each parameter has a unit, a plausible range,
a reference and a note saying whether it is measured, derived or a teaching simplification.
Functions take ``params`` (a ``{parameter_id: value}`` mapping); when it is ``None`` the
values are read from ``data/``. Tests pass their own mappings to probe the equations.

Randomness always comes from ``numpy.random.default_rng(seed)``, so a seed fixes the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

#: Seed used when none is given: the same call always gives the same answer.
DEFAULT_SEED = 20240611

#: Parameters each model reads from ``data/model_parameters.csv``.
REQUIRED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "conduction": (
        "myelinated_velocity_per_diameter", "unmyelinated_velocity_coefficient", "internode_length_per_diameter",
        "safety_factor_healthy", "remyelinated_myelin_fraction", "remyelinated_internode_fraction",
        "optic_nerve_length_mm", "optic_nerve_fibre_diameter_um", "vep_p100_latency_ms",
        "clemastine_p100_shortening_ms",
        "textbook_a_alpha_diameter_um", "textbook_a_alpha_velocity_m_per_s",
        "textbook_a_delta_diameter_um", "textbook_a_delta_velocity_m_per_s",
        "textbook_c_diameter_um", "textbook_c_velocity_m_per_s",
    ),
    "motor_units": (
        "motor_units_in_pool", "reinnervation_capacity", "motor_neuron_loss_rate_per_year",
        "weakness_detection_threshold", "motor_unit_horizon_years",
    ),
    "alsfrs": (
        "alsfrs_r_max_points", "mean_slope_points_per_month", "slope_sd_points_per_month", "baseline_score_points",
        "measurement_noise_sd_points", "dropout_probability_per_month", "trial_duration_months",
        "patients_per_arm", "treatment_slowing_fraction", "historical_control_bias_fraction",
    ),
    "ms_relapse": (
        "untreated_relapse_rate_per_year", "natalizumab_relapse_rate_reduction", "ahsct_relapse_rate_reduction",
        "ahsct_treatment_related_mortality", "incomplete_recovery_probability",
        "residual_edss_per_incomplete_relapse", "pira_edss_per_year", "baseline_edss", "ms_horizon_years",
        "edss_max",
    ),
}


def load_parameters(model: str) -> dict[str, float]:
    """``{parameter_id: value}`` of one model, read (and validated) from ``data/``."""
    from .data import model_parameters

    return model_parameters(model)


def parameter_table(model: str) -> dict[str, dict]:
    """Every parameter of one model with value, unit, range, description, references and note."""
    import pandas as pd

    from .data import MODELS, load_knowledge_base

    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}; valid choices: {', '.join(MODELS)}")
    table = load_knowledge_base().model_parameters
    rows = table[table["model"] == model]

    def number(x):
        return None if pd.isna(x) else float(x)

    return {str(r.parameter_id): {"value": float(r.value), "low": number(r.low), "high": number(r.high),
                                  "unit": str(r.unit), "description": str(r.description), "ref_ids": str(r.ref_ids),
                                  "note": "" if pd.isna(r.note) else str(r.note)}
            for r in rows.itertuples(index=False)}


def parameter_ranges(model: str) -> dict[str, tuple[float, float]]:
    """``{parameter_id: (low, high)}`` for the parameters of one model that have both bounds."""
    return {k: (v["low"], v["high"]) for k, v in parameter_table(model).items()
            if v["low"] is not None and v["high"] is not None}


def _params(model: str, params: Mapping[str, float] | None) -> Mapping[str, float]:
    p = load_parameters(model) if params is None else params
    missing = [k for k in REQUIRED_PARAMETERS[model] if k not in p]
    if missing:
        raise KeyError(f"model '{model}' needs parameter(s) {', '.join(missing)} (see data/model_parameters.csv)")
    return p


def _params_key(p: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    """Model parameters as a hashable key for the remembered simulations (sorted, floats)."""
    return tuple(sorted((k, float(v)) for k, v in p.items()))


# =========================================================================== 1. conduction
CONDUCTION_LEFT_OUT = (
    "ion channels and the shape of the action potential (no Hodgkin–Huxley equations); temperature; "
    "the axon narrowing at nodes and the paranodes; continuous conduction along demyelinated axons that "
    "have gained sodium channels (some do conduct slowly across several bare internodes); trains of impulses "
    "and the long refractory period of demyelinated axons; axon loss; and the retina and brain, whose "
    "processing makes up most of the VEP latency."
)


def myelinated_velocity_m_per_s(fibre_diameter_um, params: Mapping[str, float] | None = None) -> np.ndarray:
    """Conduction velocity (m/s) of a healthy myelinated fibre: ``k × diameter``.

    ``fibre_diameter_um`` is the outer diameter in µm (axon plus myelin). The straight-line
    rule ``k`` (``myelinated_velocity_per_diameter``, ≈6 m/s per µm) is derived from the
    textbook fibre-type table (``kiernan_fibre_types``); it fits large fibres best.
    """
    p = _params("conduction", params)
    return p["myelinated_velocity_per_diameter"] * np.asarray(fibre_diameter_um, dtype=float)


def unmyelinated_velocity_m_per_s(fibre_diameter_um, params: Mapping[str, float] | None = None) -> np.ndarray:
    """Conduction velocity (m/s) of an unmyelinated fibre: ``c × √diameter`` (continuous conduction).

    ``c`` (``unmyelinated_velocity_coefficient``, m/s per √µm) is fitted to the C fibres of the
    textbook table (0.2–1.5 µm, 0.5–2.5 m/s; ``kiernan_fibre_types``).
    """
    p = _params("conduction", params)
    return p["unmyelinated_velocity_coefficient"] * np.sqrt(np.asarray(fibre_diameter_um, dtype=float))


def internode_length_um(fibre_diameter_um, params: Mapping[str, float] | None = None) -> np.ndarray:
    """Length (µm) of a healthy internode: about 100 × fibre diameter (``hess_young_1952``)."""
    p = _params("conduction", params)
    return p["internode_length_per_diameter"] * np.asarray(fibre_diameter_um, dtype=float)


def internode_safety_factor(myelin_fraction, internode_length_fraction=1.0,
                            params: Mapping[str, float] | None = None) -> np.ndarray:
    """Safety factor (dimensionless) for the impulse to cross one internode.

    Teaching rule: ``SF = SF_healthy × m / ℓ`` where ``m`` is the myelin thickness and ``ℓ``
    the internode length, both as fractions of normal. Thin myelin leaks current and must be
    charged (lower SF); a shorter internode has less membrane to charge (higher SF).
    Conduction fails where ``SF < 1``. ``SF_healthy`` (``safety_factor_healthy``) is a
    labelled teaching value motivated by ``smith_1979`` and ``felts_1997``.
    """
    p = _params("conduction", params)
    m = np.asarray(myelin_fraction, dtype=float)
    length = np.asarray(internode_length_fraction, dtype=float)
    return p["safety_factor_healthy"] * m / length


def affected_internode_properties(myelin_remaining, remyelinated: bool,
                                  params: Mapping[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(myelin fraction, internode length fraction)`` of the internodes that lost myelin.

    Demyelinated: the myelin left is ``myelin_remaining`` (0–1) on an internode of normal length.
    Remyelinated: new, thinner myelin (``remyelinated_myelin_fraction``) on shorter internodes
    (``remyelinated_internode_fraction``), whatever was lost before (``smith_1979``).
    """
    p = _params("conduction", params)
    m = np.asarray(myelin_remaining, dtype=float)
    if remyelinated:
        return (np.full_like(m, p["remyelinated_myelin_fraction"]),
                np.full_like(m, p["remyelinated_internode_fraction"]))
    return m, np.ones_like(m)


@dataclass(frozen=True)
class ConductionResult:
    """Conduction along a pathway. Arrays broadcast over the inputs.

    ``velocity_m_per_s`` and ``conduction_time_ms`` are ``nan`` where the impulse is blocked
    (``arrives`` is False). ``min_safety_factor`` is ``nan`` for unmyelinated fibres.
    """

    fibre_diameter_um: np.ndarray
    pathway_length_mm: np.ndarray
    myelinated: bool
    remyelinated: bool
    fraction_demyelinated: np.ndarray
    myelin_remaining: np.ndarray
    healthy_velocity_m_per_s: np.ndarray
    healthy_time_ms: np.ndarray
    velocity_m_per_s: np.ndarray
    conduction_time_ms: np.ndarray
    min_safety_factor: np.ndarray
    arrives: np.ndarray
    n_internodes: np.ndarray


def pathway_conduction(fibre_diameter_um, pathway_length_mm, fraction_demyelinated=0.0, myelin_remaining=1.0,
                       remyelinated: bool = False, myelinated: bool = True,
                       params: Mapping[str, float] | None = None) -> ConductionResult:
    """Velocity, conduction time and success of an impulse along one fibre of a pathway.

    Parameters (all broadcastable arrays except the two flags)
    ----------------------------------------------------------
    fibre_diameter_um: outer fibre diameter, µm.
    pathway_length_mm: length travelled, mm (e.g. the optic nerve, ``optic_nerve_length_mm``).
    fraction_demyelinated: share of internodes that lost myelin, 0–1.
    myelin_remaining: myelin left on those internodes, as a fraction of normal thickness (0–1).
    remyelinated: the affected internodes have been remyelinated (thin myelin, short internodes).
    myelinated: False for an unmyelinated fibre (continuous conduction; demyelination does not apply).

    Model
    -----
    A healthy internode of length ``L = 100·d`` is crossed in ``t0 = L / (k·d)`` (about 17 µs,
    independent of diameter). An internode with myelin fraction ``m`` and length fraction ``ℓ``
    is crossed in ``t0·ℓ/m``: velocity there is ``m·k·d``, so a remyelinated stretch (many short
    internodes) is slower than normal, faster than a badly demyelinated one. The total time is
    ``T_healthy × ((1 − f) + f/m)``. The impulse arrives only if every internode has a safety
    factor ≥ 1 (:func:`internode_safety_factor`); otherwise it is blocked.

    Left out: see :data:`CONDUCTION_LEFT_OUT`.
    """
    p = _params("conduction", params)
    d, length_mm, f, m_left = np.broadcast_arrays(
        np.asarray(fibre_diameter_um, dtype=float), np.asarray(pathway_length_mm, dtype=float),
        np.clip(np.asarray(fraction_demyelinated, dtype=float), 0.0, 1.0),
        np.clip(np.asarray(myelin_remaining, dtype=float), 0.0, 1.0))
    length_m = length_mm / 1000.0
    if not myelinated:
        v = unmyelinated_velocity_m_per_s(d, p)
        t_ms = 1000.0 * length_m / v
        nan = np.full_like(d, np.nan)
        return ConductionResult(d, length_mm, False, False, f, m_left, v, t_ms, v, t_ms, nan,
                                np.ones_like(d, dtype=bool), np.zeros_like(d, dtype=int))
    v0 = myelinated_velocity_m_per_s(d, p)
    t_healthy = 1000.0 * length_m / v0
    m_aff, l_aff = affected_internode_properties(m_left, remyelinated, p)
    sf_aff = internode_safety_factor(m_aff, l_aff, p)
    sf_healthy = p["safety_factor_healthy"]
    min_sf = np.where(f > 0, np.minimum(sf_healthy, sf_aff), sf_healthy)
    arrives = min_sf >= 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        slowness = (1.0 - f) + np.where(f > 0, f / m_aff, 0.0)
        t_ms = np.where(arrives, t_healthy * slowness, np.nan)
        v = np.where(arrives, 1000.0 * length_m / t_ms, np.nan)
    n_internodes = np.rint(length_mm * 1000.0 / internode_length_um(d, p)).astype(int)
    return ConductionResult(d, length_mm, True, bool(remyelinated), f, m_left, v0, t_healthy, v, t_ms, min_sf,
                            arrives, n_internodes)


def internode_chain(n_internodes: int, fraction_demyelinated: float, myelin_remaining: float,
                    remyelinated: bool = False, params: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """The same model as :func:`pathway_conduction`, one internode at a time (for the schematic).

    The affected internodes form one contiguous lesion in the middle of the chain (an MS plaque).
    Returns per-internode arrays: ``myelin_fraction``, ``length_fraction``, ``safety_factor``,
    ``crossing_time`` (in units of a healthy internode's crossing time), ``reached`` (the impulse
    got across this internode) and ``arrival_time`` (cumulative, ``nan`` after a block), plus
    ``n_affected`` and ``first_block`` (index of the failing internode, or -1).
    """
    p = _params("conduction", params)
    n = int(n_internodes)
    n_affected = int(round(float(np.clip(fraction_demyelinated, 0, 1)) * n))
    start = (n - n_affected) // 2
    affected = np.zeros(n, dtype=bool)
    affected[start:start + n_affected] = True
    m_aff, l_aff = affected_internode_properties(myelin_remaining, remyelinated, p)
    myelin = np.where(affected, float(m_aff), 1.0)
    length = np.where(affected, float(l_aff), 1.0)
    sf = internode_safety_factor(myelin, length, p)
    with np.errstate(divide="ignore"):
        crossing = np.where(affected, 1.0 / myelin, 1.0)  # time per original internode length
    reached = np.cumprod(sf >= 1.0).astype(bool)
    arrival = np.where(reached, np.cumsum(crossing), np.nan)
    failing = np.flatnonzero(~reached)
    return {"myelin_fraction": myelin, "length_fraction": length, "safety_factor": sf, "crossing_time": crossing,
            "reached": reached, "arrival_time": arrival, "affected": affected, "n_affected": np.int64(n_affected),
            "first_block": np.int64(failing[0] if failing.size else -1)}


def vep_p100_latency_ms(conduction_time_ms, healthy_conduction_time_ms,
                        params: Mapping[str, float] | None = None) -> np.ndarray:
    """Model VEP P100 latency (ms) = normal P100 + extra optic-nerve conduction delay.

    The normal latency (``vep_p100_latency_ms``, ≈100 ms; ``odom_2010``) is mostly retinal and
    cortical processing, which the model keeps fixed; only the change in optic nerve conduction
    time is added. ``nan`` where conduction is blocked (no response from those fibres).
    """
    p = _params("conduction", params)
    return p["vep_p100_latency_ms"] + (np.asarray(conduction_time_ms, float) - np.asarray(healthy_conduction_time_ms,
                                                                                            float))


# =========================================================================== 2. motor units
MOTOR_UNITS_LEFT_OUT = (
    "upper motor neurons and spasticity; differences between fast and slow motor units (large units are often "
    "lost first); the time sprouting takes and sprouts that fail or retract; muscle fibre atrophy and "
    "hypertrophy; fatigue; and the spread of disease from one body region to the next. The reinnervation limit "
    "is a labelled teaching parameter, so the share of motor units lost before weakness in this model is an "
    "illustration, not a measured fact."
)


def surviving_fraction(years, loss_rate_per_year) -> np.ndarray:
    """Expected share of motor neurons still alive: ``exp(−rate × years)`` (teaching assumption)."""
    return np.exp(-np.asarray(loss_rate_per_year, float) * np.asarray(years, float))


def motor_unit_strength_fraction(fraction_lost, reinnervation_capacity) -> np.ndarray:
    """Strength as a fraction of normal when ``fraction_lost`` (0–1) of motor units have died.

    Each surviving unit can grow to ``reinnervation_capacity`` × its original size by adopting
    orphaned muscle fibres (sprouting), so the innervated share of the muscle is
    ``min(1, capacity × survivors)``. Strength is taken as proportional to innervated fibres.
    With ``capacity = 1`` (no reinnervation) strength falls in step with the loss.
    """
    survivors = 1.0 - np.clip(np.asarray(fraction_lost, float), 0.0, 1.0)
    capacity = np.maximum(np.asarray(reinnervation_capacity, float), 1.0)
    return np.clip(capacity * survivors, 0.0, 1.0)


def weakness_onset(reinnervation_capacity, weakness_threshold, loss_rate_per_year) -> dict[str, np.ndarray]:
    """When weakness is first noticed: strength falls below ``weakness_threshold`` (fraction).

    Returns ``fraction_lost`` (share of motor units already gone), ``fraction_remaining`` and
    ``years`` after the loss began (exponential loss at ``loss_rate_per_year``).
    """
    capacity = np.maximum(np.asarray(reinnervation_capacity, float), 1.0)
    threshold = np.asarray(weakness_threshold, float)
    remaining = np.clip(threshold / capacity, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        years = -np.log(remaining) / np.asarray(loss_rate_per_year, float)
    return {"fraction_lost": 1.0 - remaining, "fraction_remaining": remaining, "years": years}


@dataclass(frozen=True)
class MotorUnitCourse:
    """Motor unit pool over time: expected curves and one simulated muscle (seeded)."""

    years: np.ndarray
    expected_surviving: np.ndarray
    expected_strength: np.ndarray
    no_reinnervation_strength: np.ndarray
    simulated_surviving_units: np.ndarray
    simulated_strength: np.ndarray
    n_units: int
    reinnervation_capacity: float
    weakness_threshold: float
    loss_rate_per_year: float
    onset_years: float
    onset_fraction_remaining: float
    simulated_onset_years: float


def simulate_motor_unit_pool(n_units: int, loss_rate_per_year: float, years, seed: int = DEFAULT_SEED) -> np.ndarray:
    """Number of surviving motor units at each time in ``years`` for one muscle.

    Each motor neuron dies at an independent exponential time with the given rate (per year).
    """
    rng = np.random.default_rng(seed)
    death_years = rng.exponential(1.0 / loss_rate_per_year, size=int(n_units))
    death_years.sort()
    return int(n_units) - np.searchsorted(death_years, np.asarray(years, float), side="right")


def motor_unit_course(years=None, loss_rate_per_year: float | None = None, reinnervation_capacity: float | None = None,
                      weakness_threshold: float | None = None, n_units: int | None = None, seed: int = DEFAULT_SEED,
                      params: Mapping[str, float] | None = None) -> MotorUnitCourse:
    """Expected and simulated motor unit survival and strength over ``years``.

    Any argument left ``None`` takes its value from ``data/model_parameters.csv`` (model
    ``motor_units``). Strength uses :func:`motor_unit_strength_fraction`; the simulated muscle
    has ``n_units`` discrete units dying at random (seeded) times.
    Left out: see :data:`MOTOR_UNITS_LEFT_OUT`.
    """
    p = _params("motor_units", params)
    rate = p["motor_neuron_loss_rate_per_year"] if loss_rate_per_year is None else float(loss_rate_per_year)
    capacity = p["reinnervation_capacity"] if reinnervation_capacity is None else float(reinnervation_capacity)
    threshold = p["weakness_detection_threshold"] if weakness_threshold is None else float(weakness_threshold)
    n = int(p["motor_units_in_pool"] if n_units is None else n_units)
    t = np.linspace(0.0, p["motor_unit_horizon_years"], 241) if years is None else np.asarray(years, float)
    expected = surviving_fraction(t, rate)
    strength = motor_unit_strength_fraction(1.0 - expected, capacity)
    alive = simulate_motor_unit_pool(n, rate, t, seed)
    sim_strength = motor_unit_strength_fraction(1.0 - alive / n, capacity)
    onset = weakness_onset(capacity, threshold, rate)
    below = np.flatnonzero(sim_strength < threshold)
    return MotorUnitCourse(t, expected, strength, motor_unit_strength_fraction(1.0 - expected, 1.0), alive,
                           sim_strength, n, capacity, threshold, rate, float(onset["years"]),
                           float(onset["fraction_remaining"]), float(t[below[0]]) if below.size else float("nan"))


# =========================================================================== 3. ALSFRS-R trials
ALSFRS_LEFT_OUT = (
    "curved and decelerating trajectories (the model uses straight lines); informative drop-out (in reality "
    "faster progressors die or leave earlier); survival and other endpoints; the different speed of bulbar, "
    "limb and respiratory items; placebo and rater effects; and better statistical analyses (mixed models, "
    "joint models, or at least weighting each patient by how many visits they had): the simple analysis here, "
    "one slope per patient with every patient counting the same, wastes information, so it needs more patients "
    "than an efficient analysis would and it exaggerates what drop-out costs. The historical-control problem is "
    "reduced here to a single bias in the expected slope; real historical comparisons also differ in who was "
    "enrolled, when and how they were rated."
)


def t_critical_two_sided(alpha: float, df) -> np.ndarray:
    """Two-sided critical value of Student's t with ``df`` degrees of freedom (vectorized).

    Uses the Cornish–Fisher (Hill) expansion of the t quantile around the normal quantile
    (four correction terms); the error is below 0.1% for ``df ≥ 5`` and about 1% at ``df = 3``.
    Implemented in numpy because scipy is not a dependency of the series.
    """
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    nu = np.asarray(df, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = (z ** 3 + z) / 4.0
        g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96.0
        g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384.0
        g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160.0
        t = z + g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4
    return np.where(nu >= 1.0, t, np.nan)


def patient_slopes(scores: np.ndarray, observed: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Least-squares slope (points/month) of each patient's observed scores over ``months``.

    ``scores`` and ``observed`` have the visit axis last. ``nan`` for patients with fewer
    than 2 observed visits.
    """
    w = observed.astype(scores.dtype)
    t = np.asarray(months, dtype=scores.dtype)
    n = w.sum(-1)
    st = (w * t).sum(-1)
    stt = (w * t * t).sum(-1)
    wy = w * scores
    sy = wy.sum(-1)
    sty = (wy * t).sum(-1)
    denom = n * stt - st * st
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (n * sty - st * sy) / denom
    return np.where(n >= 2, slope, np.nan)


def _arm_summary(slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-trial mean, variance (ddof=1) and count of non-missing slopes along the last axis."""
    ok = ~np.isnan(slopes)
    n = ok.sum(-1)
    x = np.where(ok, slopes, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = x.sum(-1) / n
        var = (np.where(ok, slopes - mean[..., None], 0.0) ** 2).sum(-1) / (n - 1)
    return mean, var, n


def welch_t_test(slopes_control: np.ndarray, slopes_treated: np.ndarray, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Welch's two-sample t-test on per-patient slopes, one test per row (trial).

    Returns ``difference`` (treated − control mean slope, points/month; positive = slower
    decline on treatment), ``t``, ``df`` (Welch–Satterthwaite), ``significant`` (two-sided at
    ``alpha``) and ``benefit`` (significant and in favour of treatment).
    """
    return _welch(_arm_summary(slopes_control), _arm_summary(slopes_treated), alpha)


def _welch(control: tuple[np.ndarray, np.ndarray, np.ndarray], treated: tuple[np.ndarray, np.ndarray, np.ndarray],
           alpha: float) -> dict[str, np.ndarray]:
    """:func:`welch_t_test` from each arm's (mean, variance, count), as :func:`_arm_summary` gives them."""
    m1, v1, n1 = control
    m2, v2, n2 = treated
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        t = (m2 - m1) / se
        df = (a + b) ** 2 / (a ** 2 / (n1 - 1) + b ** 2 / (n2 - 1))
    crit = t_critical_two_sided(alpha, df)
    valid = (n1 >= 2) & (n2 >= 2) & np.isfinite(t)
    significant = valid & (np.abs(t) > crit)
    return {"difference": m2 - m1, "t": t, "df": df, "significant": significant,
            "benefit": significant & (t > 0), "n_control": n1, "n_treated": n2}


def _first_patients_summary(slopes: np.ndarray, sizes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_arm_summary` of the first ``n`` patients of each trial (row of ``slopes``), for every ``n``
    in ``sizes`` at once (one column each), from running sums along the patients.

    Each trial's slopes are first centred on their own mean, so that the sum of squares does not lose
    the variance to rounding.
    """
    ok = ~np.isnan(slopes)
    x = np.where(ok, slopes, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = x.sum(-1, keepdims=True) / ok.sum(-1, keepdims=True)
    x = np.where(ok, x - np.nan_to_num(centre), 0.0)
    ends = np.asarray(sizes) - 1
    n = np.cumsum(ok, axis=-1)[..., ends]
    s = np.cumsum(x, axis=-1)[..., ends]
    q = np.cumsum(x * x, axis=-1)[..., ends]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s / n
        var = np.maximum(q - s * mean, 0.0) / (n - 1)
    return mean + np.nan_to_num(centre), var, n


def one_sample_t_test(slopes: np.ndarray, reference_slope, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """One-sample t-test of per-patient slopes against a fixed reference (historical) slope.

    This is how a single-arm study compared with historical controls is often analysed: the
    historical mean is treated as known and exact. ``benefit`` = significantly slower decline.
    """
    m, v, n = _arm_summary(slopes)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (m - reference_slope) / np.sqrt(v / n)
    crit = t_critical_two_sided(alpha, n - 1)
    valid = (n >= 2) & np.isfinite(t)
    significant = valid & (np.abs(t) > crit)
    return {"difference": m - reference_slope, "t": t, "df": n - 1, "significant": significant,
            "benefit": significant & (t > 0), "n_treated": n}


def _draw_patients(rng: np.random.Generator, n_trials: int, n_patients: int, months: np.ndarray,
                   p: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random parts of simulated patients: untreated slopes, visit noise and last observed visit."""
    slopes = rng.normal(p["mean_slope_points_per_month"], p["slope_sd_points_per_month"], (n_trials, n_patients))
    noise = rng.standard_normal((n_trials, n_patients, months.size), dtype=np.float32)
    noise *= np.float32(p["measurement_noise_sd_points"])
    q = p["dropout_probability_per_month"]
    if q > 0:  # number of whole months completed before leaving: geometric
        last_visit = np.floor(np.log(rng.random((n_trials, n_patients))) / np.log1p(-q))
        last_visit = np.minimum(last_visit, months.size - 1).astype(np.int64)
    else:
        last_visit = np.full((n_trials, n_patients), months.size - 1, dtype=np.int64)
    return slopes, noise, last_visit


def _scores(slopes: np.ndarray, slope_multiplier: float, noise: np.ndarray, months: np.ndarray,
            p: Mapping[str, float], out: np.ndarray | None = None) -> np.ndarray:
    """Observed ALSFRS-R scores: rounded, kept within 0–48 (float32 for speed).

    ``out`` (float32, the shape of ``noise``) is written over and returned: the power curve reuses one
    buffer for every treatment effect instead of allocating tens of megabytes each time.
    """
    scores = np.empty_like(noise) if out is None else out
    np.multiply((slopes * slope_multiplier).astype(np.float32)[..., None], months.astype(np.float32), out=scores)
    np.add(scores, noise, out=scores)
    np.add(scores, np.float32(p["baseline_score_points"]), out=scores)
    np.rint(scores, out=scores)
    np.clip(scores, 0.0, p["alsfrs_r_max_points"], out=scores)
    return scores


def simulate_arm(rng: np.random.Generator, n_trials: int, n_patients: int, months: np.ndarray,
                 slope_multiplier: float, p: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate ``n_trials`` × ``n_patients`` ALSFRS-R records at monthly ``months``.

    Each patient declines in a straight line from ``baseline_score_points`` with a personal
    slope ~ Normal(``mean_slope_points_per_month``, ``slope_sd_points_per_month``) multiplied by
    ``slope_multiplier`` (1 − treatment slowing); each visit adds Normal(0,
    ``measurement_noise_sd_points``) noise; scores are rounded and kept within 0–48; each month
    the patient leaves with probability ``dropout_probability_per_month`` (all later visits
    are missing). Returns ``(scores, observed, true_slopes)``.
    """
    slopes, noise, last_visit = _draw_patients(rng, n_trials, n_patients, months, p)
    scores = _scores(slopes, slope_multiplier, noise, months, p)
    observed = np.arange(months.size) <= last_visit[..., None]
    return scores, observed, slopes * slope_multiplier


def _visit_weights(last_visit: np.ndarray, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-visit weights of :func:`_prefix_slopes`: 1 for a visit made (visit 0 to ``last_visit``), else 0,
    and the same times the month. They depend on the patients only, so one pair serves every effect."""
    table = (np.arange(months.size) <= np.arange(months.size)[:, None]).astype(np.float32)  # row L: visits 0..L
    return table[last_visit], (table * months.astype(np.float32))[last_visit]


def _prefix_slopes(scores: np.ndarray, last_visit: np.ndarray, months: np.ndarray,
                   weights: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """:func:`patient_slopes` for records observed from visit 0 to ``last_visit`` (fast path).

    With drop-out, each patient's observed visits are a prefix of the schedule, so the sums
    the least-squares slope needs run from visit 0 to the last visit. ``weights`` is
    :func:`_visit_weights` of the same patients (computed here if not given).
    """
    t = months.astype(np.float64)
    n = last_visit + 1.0
    st, stt = np.cumsum(t)[last_visit], np.cumsum(t * t)[last_visit]
    made, made_month = _visit_weights(last_visit, months) if weights is None else weights
    # Scores are whole numbers from 0 to 48, so every partial sum of score × weight is a whole number
    # below 2**24: float32 holds it exactly, and the sums are exact in any order. einsum sums each
    # patient's visits in one pass without a temporary array and without a matrix product (a threaded
    # BLAS call can take several times longer when the machine is busy).
    sy = np.einsum("...k,...k->...", scores, made).astype(np.float64)
    sty = np.einsum("...k,...k->...", scores, made_month).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (n * sty - st * sy) / (n * stt - st * st)
    return np.where(n >= 2, slope, np.nan)


@dataclass(frozen=True)
class TrialSimulation:
    """Results of many simulated trials of one design setting (arrays have one entry per trial)."""

    patients_per_arm: int
    treatment_slowing: float
    n_trials: int
    duration_months: int
    alpha: float
    historical_bias: float
    randomized: dict[str, np.ndarray]           # true effect, control vs treated
    randomized_null: dict[str, np.ndarray]      # no effect, control vs "treated"
    single_arm: dict[str, np.ndarray]           # true effect, treated vs historical slope
    single_arm_null: dict[str, np.ndarray]      # no effect, treated vs historical slope
    historical_slope: float
    example_months: np.ndarray
    example_control: np.ndarray                 # (patients, visits) scores, nan after drop-out
    example_treated: np.ndarray

    @property
    def power(self) -> float:
        """Share of randomized trials that show a significant benefit of the true effect."""
        return float(self.randomized["benefit"].mean())

    @property
    def false_positive_rate(self) -> float:
        """Share of randomized trials with no true effect that are significant (either way)."""
        return float(self.randomized_null["significant"].mean())

    @property
    def single_arm_false_positive_rate(self) -> float:
        """Share of single-arm studies with no true effect that are significant against history."""
        return float(self.single_arm_null["significant"].mean())

    @property
    def single_arm_power(self) -> float:
        """Share of single-arm studies of the true effect that claim a significant benefit."""
        return float(self.single_arm["benefit"].mean())


def simulate_alsfrs_trials(patients_per_arm: int | None = None, treatment_slowing: float | None = None,
                           n_trials: int = 1000, seed: int = DEFAULT_SEED, duration_months: int | None = None,
                           historical_bias: float | None = None, alpha: float = 0.05,
                           params: Mapping[str, float] | None = None) -> TrialSimulation:
    """Simulate randomized and single-arm ALS trials on the ALSFRS-R (vectorized, seeded).

    Randomized design: ``patients_per_arm`` on placebo and as many on treatment, which removes
    ``treatment_slowing`` (0–1) of each patient's decline; analysed by Welch's t-test on
    per-patient slopes (:func:`patient_slopes`, :func:`welch_t_test`). The same random patients
    are also analysed with no true effect (false-positive check).

    Single-arm design: the treated arm only (the same number of treated patients as one
    randomized arm, no concurrent controls), compared by a one-sample t-test with a historical
    control slope that is ``historical_bias`` (fraction) steeper than the true natural history
    (``historical_control_bias_fraction``). Positive bias makes an ineffective drug look good.

    ``alpha`` is the conventional two-sided significance level (0.05), a statistical convention
    rather than a model parameter. Arguments left ``None`` come from ``data/`` (model ``alsfrs``).
    Left out: see :data:`ALSFRS_LEFT_OUT`.
    """
    p = _params("alsfrs", params)
    n = int(p["patients_per_arm"] if patients_per_arm is None else patients_per_arm)
    effect = float(p["treatment_slowing_fraction"] if treatment_slowing is None else treatment_slowing)
    duration = int(p["trial_duration_months"] if duration_months is None else duration_months)
    bias = float(p["historical_control_bias_fraction"] if historical_bias is None else historical_bias)
    return _simulation(n, effect, int(n_trials), int(seed), duration, bias, float(alpha), _params_key(p))


@lru_cache(maxsize=16)
def _simulation(n: int, effect: float, n_trials: int, seed: int, duration: int, bias: float, alpha: float,
                params: tuple[tuple[str, float], ...]) -> TrialSimulation:
    """:func:`simulate_alsfrs_trials` for settings written out in full. Remembered: a lesson's figure, its
    text description, its table and its simulator's first view ask for the same trials, and each gets
    the same object, whose arrays are read-only so that no caller can change what the others see."""
    p = dict(params)
    months = np.arange(duration + 1, dtype=float)
    rng = np.random.default_rng(seed)
    ctrl_slopes, ctrl_noise, ctrl_last = _draw_patients(rng, n_trials, n, months, p)
    ctrl_scores = _scores(ctrl_slopes, 1.0, ctrl_noise, months, p)
    # the treated arm: the same random patients with and without the true effect (common random numbers)
    trt_slopes, trt_noise, trt_last = _draw_patients(rng, n_trials, n, months, p)
    trt_scores = _scores(trt_slopes, 1.0 - effect, trt_noise, months, p)
    null_scores = _scores(trt_slopes, 1.0, trt_noise, months, p)
    trt_weights = _visit_weights(trt_last, months)
    s_ctrl = _prefix_slopes(ctrl_scores, ctrl_last, months)
    s_trt = _prefix_slopes(trt_scores, trt_last, months, trt_weights)
    s_null = _prefix_slopes(null_scores, trt_last, months, trt_weights)
    ctrl_obs0 = np.arange(months.size) <= ctrl_last[0][:, None]
    trt_obs0 = np.arange(months.size) <= trt_last[0][:, None]
    historical = p["mean_slope_points_per_month"] * (1.0 + bias)
    sim = TrialSimulation(
        n, effect, int(n_trials), duration, alpha, bias,
        welch_t_test(s_ctrl, s_trt, alpha), welch_t_test(s_ctrl, s_null, alpha),
        one_sample_t_test(s_trt, historical, alpha), one_sample_t_test(s_null, historical, alpha),
        historical, months,
        np.where(ctrl_obs0, ctrl_scores[0], np.nan), np.where(trt_obs0, trt_scores[0], np.nan))
    for value in vars(sim).values():
        for array in (value.values() if isinstance(value, dict) else (value,)):
            if isinstance(array, np.ndarray):
                array.setflags(write=False)
    return sim


def trial_power_curve(patients_per_arm_values, treatment_slowing: float, n_trials: int = 1000,
                      seed: int = DEFAULT_SEED, params: Mapping[str, float] | None = None) -> np.ndarray:
    """Power (share of randomized trials with a significant benefit) for each arm size given.

    One curve of :func:`trial_power_curves`, which gives the same numbers for it whichever other
    curves are asked for with it. Same model as :func:`simulate_alsfrs_trials`.
    """
    return trial_power_curves(patients_per_arm_values, (treatment_slowing,), n_trials, seed, params)[0]


def trial_power_curves(patients_per_arm_values, treatment_slowing_values, n_trials: int = 1000,
                       seed: int = DEFAULT_SEED, params: Mapping[str, float] | None = None) -> np.ndarray:
    """Power for each treatment effect (rows) and arm size (columns) given, from one simulation.

    The same simulated patients serve every size and every effect: each trial enrols the first ``n``
    patients of a pool drawn for the largest size (nested samples, so a curve is smooth), and the
    treated arm is the same patients for every effect (common random numbers: curves for different
    effects differ only by the effect). Trials are simulated a block at a time
    (:data:`POWER_BLOCK_TRIALS`, each block from its own random stream of ``seed``), which keeps the
    arrays small and makes a curve the same whichever other effects are computed with it.

    Seeded and pure, so each curve is also remembered: a figure and its text description that ask
    for the same curve simulate it once, and lesson 09 finds the curves lesson 07 computed
    (:func:`~helpers.data.remembered`).
    """
    sizes = tuple(int(n) for n in patients_per_arm_values)
    effects = tuple(float(e) for e in treatment_slowing_values)
    if not sizes or min(sizes) < 1:
        raise ValueError(f"Arm sizes must be whole numbers of at least 1, not {patients_per_arm_values!r}")
    if not effects:
        raise ValueError("Name at least one treatment effect (a fraction of decline removed, 0-1)")
    return np.array(_power_curves(sizes, effects, int(n_trials), int(seed), _params_key(_params("alsfrs", params))))


#: Trials the power curves simulate at a time: a block's arrays (about a megabyte each at 400 patients
#: per arm) stay in the processor's cache, and no array of a whole curve's patients is ever built.
POWER_BLOCK_TRIALS = 50

#: Power curves computed in this session, by (sizes, effect, trials, seed, parameters).
_CURVES: dict[tuple, tuple[float, ...]] = {}


def _power_curves(sizes: tuple[int, ...], effects: tuple[float, ...], n_trials: int, seed: int,
                  params: tuple[tuple[str, float], ...]) -> list[tuple[float, ...]]:
    from .data import remembered

    if len(_CURVES) > 256:
        _CURVES.clear()
    missing = [e for e in dict.fromkeys(effects) if (sizes, e, n_trials, seed, params) not in _CURVES]
    simulated: dict[float, tuple[float, ...]] = {}

    def simulate(effect: float) -> tuple[float, ...]:
        if not simulated:  # once, for every curve not yet known: one pass over the patients serves them all
            simulated.update(zip(missing, _simulated_power_curves(sizes, tuple(missing), n_trials, seed, params)))
        return simulated[effect]

    for effect in missing:
        key = (sizes, effect, n_trials, seed, params)
        # kept between sessions, one entry per curve: lesson 09 asks the question lesson 07 answered
        _CURVES[key] = tuple(remembered("power-curves", key, lambda effect=effect: simulate(effect)))
    return [_CURVES[sizes, e, n_trials, seed, params] for e in effects]


def _simulated_power_curves(sizes: tuple[int, ...], effects: tuple[float, ...], n_trials: int, seed: int,
                            params: tuple[tuple[str, float], ...], alpha: float = 0.05) -> list[tuple[float, ...]]:
    p = dict(params)
    months = np.arange(int(p["trial_duration_months"]) + 1, dtype=float)
    size = max(sizes)
    benefit = np.zeros((len(effects), len(sizes)))
    starts = range(0, n_trials, POWER_BLOCK_TRIALS)
    scores = None
    for start, stream in zip(starts, np.random.SeedSequence(seed).spawn(len(starts))):
        rng = np.random.default_rng(stream)
        count = min(POWER_BLOCK_TRIALS, n_trials - start)
        slopes, noise, last_visit = _draw_patients(rng, count, size, months, p)
        if scores is None or scores.shape != noise.shape:
            scores = np.empty_like(noise)  # one buffer, overwritten by each arm and effect in turn
        control = _first_patients_summary(_prefix_slopes(_scores(slopes, 1.0, noise, months, p, out=scores),
                                                         last_visit, months), sizes)
        slopes, noise, last_visit = _draw_patients(rng, count, size, months, p)
        weights = _visit_weights(last_visit, months)
        for k, effect in enumerate(effects):
            arm = _prefix_slopes(_scores(slopes, 1.0 - effect, noise, months, p, out=scores), last_visit, months,
                                 weights)
            benefit[k] += _welch(control, _first_patients_summary(arm, sizes), alpha)["benefit"].sum(axis=0)
    return [tuple(float(v) for v in row / n_trials) for row in benefit]


# =========================================================================== 4. MS relapses
MS_LEFT_OUT = (
    "the nonlinear EDSS scale (steps mean different things at different levels), recovery that goes on for months, "
    "relapse severity, MRI activity, the change from relapsing to secondary progressive MS, relapse rates that fall "
    "with age and disease duration (so long runs overstate disability), differences between people, and all side "
    "effects. Therapies act here on the relapse rate only, to separate the two sources of disability; in reality "
    "natalizumab also improved recovery from relapses (AFFIRM post hoc analysis) and reduced sustained progression "
    "by 42%, and MIST found far fewer progression events after aHSCT."
)

#: Therapies the relapse model knows, with the parameter holding their relative relapse-rate reduction.
MS_THERAPIES: dict[str, str | None] = {
    "none": None,
    "natalizumab": "natalizumab_relapse_rate_reduction",
    "ahsct": "ahsct_relapse_rate_reduction",
}


def relapse_rate_per_year(therapy: str, untreated_rate_per_year: float | None = None,
                          params: Mapping[str, float] | None = None) -> float:
    """Annualized relapse rate on a therapy: ``untreated rate × (1 − relative reduction)``.

    ``therapy`` is one of :data:`MS_THERAPIES` (natalizumab: AFFIRM ``polman_2006``; aHSCT:
    MIST, ``burt_2019``).
    """
    p = _params("ms_relapse", params)
    if therapy not in MS_THERAPIES:
        raise ValueError(f"Unknown therapy {therapy!r}; valid: {', '.join(MS_THERAPIES)}")
    rate = p["untreated_relapse_rate_per_year"] if untreated_rate_per_year is None else float(untreated_rate_per_year)
    key = MS_THERAPIES[therapy]
    return rate * (1.0 - (p[key] if key else 0.0))


@dataclass(frozen=True)
class MsCourse:
    """Simulated EDSS courses of a cohort (rows: patients, columns: time points)."""

    therapy: str
    years: np.ndarray               # time points, years
    relapse_rate_per_year: float
    relapse_counts: np.ndarray      # (patients,) relapses over the whole horizon
    relapse_edss: np.ndarray        # (patients, times) EDSS added by incomplete recovery
    pira_edss: np.ndarray           # (times,) EDSS added by progression independent of relapses
    edss: np.ndarray                # (patients, times) total, capped at edss_max
    baseline_edss: float

    @property
    def mean_relapses(self) -> float:
        return float(self.relapse_counts.mean())

    @property
    def mean_relapse_edss_gain(self) -> float:
        return float(self.relapse_edss[:, -1].mean())

    @property
    def pira_edss_gain(self) -> float:
        return float(self.pira_edss[-1])

    @property
    def mean_final_edss(self) -> float:
        return float(self.edss[:, -1].mean())


def simulate_ms_course(therapy: str = "none", n_patients: int = 500, years: float | None = None,
                       untreated_relapse_rate: float | None = None, pira_edss_per_year: float | None = None,
                       include_pira: bool = True, seed: int = DEFAULT_SEED, steps_per_year: int = 12,
                       params: Mapping[str, float] | None = None) -> MsCourse:
    """Simulate relapses and EDSS for ``n_patients`` people over ``years`` (seeded, vectorized).

    Model (per time step of ``1/steps_per_year`` years)
    ----------------------------------------------------
    * Untreated relapses ~ Poisson(untreated rate × step) (``untreated_relapse_rate_per_year``).
    * Each relapse recovers incompletely with probability ``incomplete_recovery_probability`` and
      then adds ``residual_edss_per_incomplete_relapse`` EDSS points (``hirst_2008``).
    * A therapy prevents each relapse independently with probability equal to its relative
      reduction (thinning a Poisson process gives a Poisson process with the reduced rate). The
      untreated relapses are drawn first, so for the same seed a treated person's relapses are a
      subset of their untreated relapses: therapies are compared on the same simulated people.
    * PIRA adds ``pira_edss_per_year`` × years to everyone, whatever the therapy (teaching
      assumption; ``confavreux_2006``). ``include_pira=False`` switches it off.
    * EDSS = baseline + relapse part + PIRA part, capped at ``edss_max``.

    Left out: see :data:`MS_LEFT_OUT`.
    """
    p = _params("ms_relapse", params)
    if therapy not in MS_THERAPIES:
        raise ValueError(f"Unknown therapy {therapy!r}; valid: {', '.join(MS_THERAPIES)}")
    horizon = float(p["ms_horizon_years"] if years is None else years)
    untreated = float(p["untreated_relapse_rate_per_year"] if untreated_relapse_rate is None
                      else untreated_relapse_rate)
    pira_rate = float(p["pira_edss_per_year"] if pira_edss_per_year is None else pira_edss_per_year)
    n_steps = max(int(round(horizon * steps_per_year)), 1)
    dt = horizon / n_steps
    t = np.linspace(0.0, horizon, n_steps + 1)
    key = MS_THERAPIES[therapy]
    reduction = p[key] if key else 0.0
    rng = np.random.default_rng(seed)
    counts = rng.poisson(untreated * dt, size=(n_patients, n_steps))
    incomplete = rng.binomial(counts, p["incomplete_recovery_probability"])
    kept_incomplete = rng.binomial(incomplete, 1.0 - reduction)
    kept_complete = rng.binomial(counts - incomplete, 1.0 - reduction)
    relapse_step = np.zeros((n_patients, n_steps + 1))
    np.cumsum(kept_incomplete * p["residual_edss_per_incomplete_relapse"], axis=1, out=relapse_step[:, 1:])
    pira = (pira_rate if include_pira else 0.0) * t
    edss = np.minimum(p["baseline_edss"] + relapse_step + pira, p["edss_max"])
    return MsCourse(therapy, t, untreated * (1.0 - reduction), (kept_incomplete + kept_complete).sum(axis=1),
                    relapse_step, pira, edss, float(p["baseline_edss"]))
