"""Widgets for the four teaching models: thin views over :mod:`helpers.models`.

Public entry points (each returns a ready widget built with :func:`.common.assemble`):

* :func:`conduction_explorer` — myelin, conduction velocity, block and the VEP latency;
* :func:`motor_unit_explorer` — motor unit loss, reinnervation and when weakness shows;
* :func:`trial_simulator` — ALSFRS-R decline, power, and single-arm studies against history;
* :func:`ms_relapse_explorer` — relapses, incomplete recovery, PIRA and relapse-reducing therapy.

Every widget follows the nbval-clean pattern of :mod:`.common`: its ``update()`` calls the
pure model functions, redraws one figure that is built once and reused, renders it to PNG
bytes (96 dpi) into an ``Image`` and writes an HTML summary; nothing is printed. Sliders
have ``continuous_update=False`` so a drag causes one update, not dozens. The returned box
also has ``.update`` (the update path, for tests and benchmarks) and ``.state`` (the last
model results shown).
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import models
from ..figures.models import (LESSON_TRIAL_COUNT, ConductionPlot, MotorUnitPlot, MS_THERAPY_LABELS, MsRelapsePlot,
                              TrialPlot, describe_alsfrs_trial, describe_conduction, describe_ms_relapses, describe_motor_units)
from ..figures.therapy_tables import monte_carlo_note
from ..style import blit_png, canvas_image, figure_style, widget_png
from ..markup import Html, esc, table_html
from .common import STYLE_LABEL, FigureImage, assemble, lean, notice_html, shared_layout

SLIDER_LAYOUT = shared_layout(width="95%", max_width="560px")
TEACHING_BANNER = ("<p style='margin:4px 0'><strong>Teaching model.</strong> It shows one mechanism with numbers "
                   "from published sources; it is not a prediction for any person.</p>")


# --------------------------------------------------------------------------- shared helpers
class FastRenderer:
    """Render a plot's figure to PNG bytes quickly, for widget updates.

    The first render is one ordinary draw of the whole figure, which lays it out. The next
    render (and any render after the plot's ``static_key()`` changes) draws the
    figure once more and splits it into two layers: a *background* of everything a full draw puts
    below the plot's ``dynamic_artists()``, and a transparent *overlay* of the static artists a
    full draw puts above them (per axes, in matplotlib's own order: by zorder, ties in the
    order the axes lists its children; e.g. keys over data lines). Later renders restore the
    background, draw only the changing artists and lay the overlay on top (the "blitting"
    technique of animations), so a widget shows what a full draw would, much faster. An axis
    whose limits follow the settings is itself a dynamic artist, so new limits need no new
    background. The figure is laid out once (constrained layout) and then kept fixed. PNGs
    are 96 dpi, RGB, without metadata, so equal settings give byte-identical images.
    """

    def __init__(self, plot):
        self.plot = plot
        self.canvas = FigureCanvasAgg(plot.fig)
        self.key: tuple | None = None
        self.background = None
        self.overlay = None

    def static_above(self) -> list:
        """Static artists that a full draw puts above a dynamic one of the same axes."""
        dynamic = {id(a) for a in self.plot.dynamic_artists()}
        above = []
        for ax in self.plot.fig.axes:
            # the order of matplotlib.axes.Axes.draw: children but the background patch, stably sorted by zorder
            order = sorted((a for a in ax.get_children() if a is not ax.patch), key=lambda a: a.get_zorder())
            first = next((i for i, a in enumerate(order) if id(a) in dynamic), len(order))
            above += [a for a in order[first:] if id(a) not in dynamic]
        return above

    def _draw_layers(self) -> None:
        fig = self.plot.fig
        dynamic, above = self.plot.dynamic_artists(), self.static_above()
        # "animated" artists are left out of a draw, but unlike hidden ones they still count for the
        # positions matplotlib works out while drawing (e.g. of axes titles)
        animated = [a.get_animated() for a in dynamic + above]
        for artist in dynamic + above:
            artist.set_animated(True)
        self.canvas.draw()  # the layout was fixed by the first view (png), which draws every artist
        self.background = self.canvas.copy_from_bbox(fig.bbox)
        for artist, was_animated in zip(dynamic + above, animated):
            artist.set_animated(was_animated)
        renderer = self.canvas.get_renderer()
        renderer.clear()  # transparent
        for artist in above:
            if artist.get_visible():
                artist.draw(renderer)
        self.overlay = canvas_image(self.canvas, copy=True)

    def png(self) -> bytes:
        with figure_style():
            key = self.plot.static_key()
            if self.key is None:  # the first view: one ordinary draw shows it; the layers wait for the next one
                self.canvas.draw()
                self.plot.fig.set_layout_engine("none")  # laid out once, with every artist
                self.key = key
                return widget_png(canvas_image(self.canvas))
            if self.background is None or key != self.key:
                self._draw_layers()
                self.key = key
            return blit_png(self.canvas, self.background, self.plot.dynamic_artists(), self.overlay)


def _slider(kind, value, low, high, step, description, readout_format=None, **kwargs):
    options = {"value": value, "min": low, "max": high, "step": step, "description": description,
               "continuous_update": False}
    if readout_format:
        options["readout_format"] = readout_format
    options.update(kwargs)
    return lean(kind, layout=SLIDER_LAYOUT, style=STYLE_LABEL, **options)


def _range(ranges: dict, key: str) -> tuple[float, float]:
    if key not in ranges:
        raise KeyError(f"parameter '{key}' needs low and high values in data/model_parameters.csv")
    return ranges[key]


def _table(rows: list[tuple[str, str]]) -> str:
    """A model's results: one row per quantity (row header) with its value in bold."""
    return table_html(None, [(k, Html(f"<strong>{esc(v)}</strong>")) for k, v in rows], row_headers=True, wide=False,
                      row_th_style="text-align:left;padding:2px 10px 2px 0;font-weight:normal",
                      td_style="padding:2px 0")


def _left_out(text: str) -> str:
    return (f"<details><summary>What this model leaves out</summary>"
            f"<p>{esc(text[:1].upper() + text[1:])}</p></details>")


def _caption(text: str) -> str:
    return f'<p style="font-size:13px;color:#333"><em>Figure description:</em> {esc(text)}</p>'


#: Each model widget's name as learners read it (in the note shown where no kernel runs).
WIDGET_TITLES = {"conduction_explorer": "Conduction explorer", "motor_unit_explorer": "Motor-unit explorer",
                 "trial_simulator": "Trial simulator", "ms_relapse_explorer": "MS relapse explorer"}


def _finish(children: list, controls: dict, image: FigureImage, summary: widgets.HTML, name: str,
            update, state: dict, renderer: FastRenderer) -> widgets.VBox:
    box = assemble(children, controls, {"image": image, "summary": summary}, name, title=WIDGET_TITLES[name])
    box.renderer = renderer
    for control in controls.values():
        control.observe(lambda _change: update(), names="value")
    box.update = update
    box.state = state
    update()
    return box


def _image() -> FigureImage:
    return FigureImage()


# =========================================================================== conduction
def conduction_summary_html(result: models.ConductionResult, params: dict, remyelinated: bool) -> str:
    """HTML summary of one conduction result (pure: tests compare it with the model)."""
    r = result
    if not r.myelinated:
        notice = notice_html("Unmyelinated fibres have no myelin to lose: the demyelination settings do not apply. "
                             "Switch to a myelinated fibre to see demyelination and repair.")
        rows = [("Conduction", "continuous, along the whole membrane"),
                ("Velocity", f"{float(r.velocity_m_per_s):.2f} m/s"),
                ("Time to travel the pathway", f"{float(r.conduction_time_ms):.1f} ms"),
                ("Signal arrives", "yes")]
        return notice + _table(rows)
    arrives = bool(r.arrives)
    latency = float(models.vep_p100_latency_ms(r.conduction_time_ms, r.healthy_time_ms, params))
    state = ("remyelinated (thin myelin, short internodes)" if remyelinated else
             f"{100 * float(r.myelin_remaining):.0f}% of normal myelin left")
    rows = [("Healthy velocity", f"{float(r.healthy_velocity_m_per_s):.1f} m/s"),
            ("Velocity now", f"{float(r.velocity_m_per_s):.1f} m/s" if arrives else "— (blocked)"),
            ("Affected internodes", f"{100 * float(r.fraction_demyelinated):.0f}%, {state}"),
            ("Lowest safety factor", f"{float(r.min_safety_factor):.2f} (block below 1)"),
            ("Time along the pathway",
             f"{float(r.conduction_time_ms):.1f} ms (healthy {float(r.healthy_time_ms):.1f} ms)" if arrives
             else f"— (healthy {float(r.healthy_time_ms):.1f} ms)"),
            ("Model VEP P100 latency", f"{latency:.1f} ms (normal {params['vep_p100_latency_ms']:.0f} ms)"
             if arrives else "no response from these fibres"),
            ("Signal arrives", "yes" if arrives else "no: conduction block")]
    out = _table(rows)
    if not arrives:
        out = notice_html("Conduction block: with this little myelin the safety factor is below 1, so the impulse "
                          "stops at the first damaged internode and the signal does not arrive. Try remyelination.",
                          "warning") + out
    out += (f"<p>For scale: in the ReBUILD trial, clemastine shortened the VEP latency delay by about "
            f"{params['clemastine_p100_shortening_ms']:.1f} ms per eye.</p>")
    return out


def conduction_explorer() -> widgets.VBox:
    """Explore saltatory versus continuous conduction, demyelination, block and remyelination."""
    p = models.load_parameters("conduction")
    ranges = models.parameter_ranges("conduction")
    d_lo = _range(ranges, "textbook_c_diameter_um")[0]
    d_hi = _range(ranges, "textbook_a_alpha_diameter_um")[1]
    len_lo, len_hi = _range(ranges, "optic_nerve_length_mm")
    fibre = lean(widgets.Dropdown, options=[("Myelinated: saltatory conduction", "myelinated"),
                                            ("Unmyelinated: continuous conduction", "unmyelinated")],
                 value="myelinated", description="Fibre type", style=STYLE_LABEL)
    diameter = _slider(widgets.FloatLogSlider, p["optic_nerve_fibre_diameter_um"], math.log10(d_lo),
                       math.log10(d_hi), 0.05, "Fibre diameter (µm)", ".2f", base=10)
    length = _slider(widgets.FloatSlider, p["optic_nerve_length_mm"], len_lo, len_hi, 1.0,
                     "Optic nerve length (mm)", ".0f")
    fraction = _slider(widgets.IntSlider, 30, 0, 100, 5, "Internodes that lost myelin (%)")
    remaining = _slider(widgets.IntSlider, 40, 0, 100, 5, "Myelin left on them (% of normal)")
    repair = lean(widgets.Dropdown, options=[("No repair (demyelinated)", "none"),
                                             ("Remyelinated: thinner myelin, shorter internodes", "remyelinated")],
                  value="none", description="Repair", style=STYLE_LABEL)
    controls = {"fibre": fibre, "diameter": diameter, "length": length, "fraction": fraction,
                "remaining": remaining, "repair": repair}
    plot = ConductionPlot(p, ranges, figsize=(9.6, 5.4))
    renderer = FastRenderer(plot)
    image, summary, state = _image(), lean(widgets.HTML), {}

    def update():
        myelinated = fibre.value == "myelinated"
        remyelinated = repair.value == "remyelinated"
        args = (diameter.value, fraction.value / 100, remaining.value / 100, remyelinated, myelinated, length.value)
        shown = plot.update(*args)
        text = describe_conduction(*args, params=p)
        image.show(renderer.png(), text)
        summary.value = (TEACHING_BANNER + conduction_summary_html(shown["result"], p, remyelinated)
                         + _caption(text) + _left_out(models.CONDUCTION_LEFT_OUT))
        state["result"] = shown["result"]

    intro = lean(widgets.HTML, "<p>A fibre is a chain of nodes and internodes. Choose a fibre, remove myelin from some "
                 "internodes, then try remyelination. The latency is for the optic nerve (visual evoked "
                 "potential).</p>")
    children = [intro, fibre, diameter, length, fraction, remaining, repair, image, summary]
    return _finish(children, controls, image, summary, "conduction_explorer", update, state, renderer)


# =========================================================================== motor units
def motor_unit_summary_html(course: models.MotorUnitCourse) -> str:
    """HTML summary of a motor unit course (pure)."""
    c = course
    lost_before = 1 - c.onset_fraction_remaining
    rows = [("Reinnervation limit", f"surviving units can grow to {c.reinnervation_capacity:g}× their size"),
            ("Motor units lost before weakness is noticed", f"{100 * lost_before:.0f}%"),
            ("Years until weakness is noticed (expected)", f"{c.onset_years:.1f}"),
            ("Motor units left at that moment",
             f"{100 * c.onset_fraction_remaining:.0f}% (about {c.onset_fraction_remaining * c.n_units:.0f} "
             f"of {c.n_units})")]
    out = ""
    if not (np.isfinite(c.onset_years) and c.onset_years <= c.years[-1]):
        out += notice_html(f"With these settings weakness is not noticed within {c.years[-1]:.0f} years; "
                           "lengthen the time span or speed up the loss to see it.")
    out += _table(rows)
    out += ("<p>A therapy started when weakness is first noticed meets a pool that is already mostly gone: "
            "its main aim is to protect the units that are left, since lost motor neurons are not replaced.</p>")
    return out


def motor_unit_explorer() -> widgets.VBox:
    """Explore how reinnervation hides motor neuron loss in ALS until late."""
    p = models.load_parameters("motor_units")
    ranges = models.parameter_ranges("motor_units")
    capacity = _slider(widgets.FloatSlider, p["reinnervation_capacity"], *_range(ranges, "reinnervation_capacity"),
                       0.5, "Reinnervation limit (× original unit size; 1 = none)", ".1f")
    rate = _slider(widgets.FloatSlider, p["motor_neuron_loss_rate_per_year"],
                   *_range(ranges, "motor_neuron_loss_rate_per_year"), 0.1, "Motor neuron loss rate (per year)", ".1f")
    lo, hi = _range(ranges, "weakness_detection_threshold")
    threshold = _slider(widgets.IntSlider, int(round(100 * p["weakness_detection_threshold"])), int(100 * lo),
                        int(100 * hi), 5, "Weakness noticed below (% of normal strength)")
    lo, hi = _range(ranges, "motor_units_in_pool")
    units = _slider(widgets.IntSlider, int(p["motor_units_in_pool"]), int(lo), int(hi), 10,
                    "Size of the pool (motor units)")
    lo, hi = _range(ranges, "motor_unit_horizon_years")
    horizon = _slider(widgets.IntSlider, int(p["motor_unit_horizon_years"]), int(lo), int(hi), 1, "Time span (years)")
    seed = lean(widgets.BoundedIntText, value=models.DEFAULT_SEED, min=0, max=2**31 - 1,
                description="Random seed (same seed, same muscle)", style=STYLE_LABEL)
    controls = {"capacity": capacity, "rate": rate, "threshold": threshold, "units": units, "horizon": horizon,
                "seed": seed}
    plot = MotorUnitPlot(p, figsize=(9.6, 4.7))
    renderer = FastRenderer(plot)
    image, summary, state = _image(), lean(widgets.HTML), {}

    def update():
        course = models.motor_unit_course(np.linspace(0, horizon.value, 241), rate.value, capacity.value,
                                          threshold.value / 100, units.value, seed.value, p)
        plot.update(course)
        text = describe_motor_units(course)
        image.show(renderer.png(), text)
        summary.value = (TEACHING_BANNER + motor_unit_summary_html(course) + _caption(text)
                         + _left_out(models.MOTOR_UNITS_LEFT_OUT))
        state["course"] = course

    intro = lean(widgets.HTML, "<p>Motor neurons die one by one; the survivors sprout and adopt the orphaned muscle fibres, "
                 "up to a limit. Change the limit and watch when weakness appears.</p>")
    children = [intro, capacity, rate, threshold, units, horizon, seed, image, summary]
    return _finish(children, controls, image, summary, "motor_unit_explorer", update, state, renderer)


# =========================================================================== ALSFRS-R trial simulator
TRIAL_COUNTS = (200, 500, 1000)
#: Most simulated patient-visits per arm in one widget update (keeps an update near 50 ms).
TRIAL_WORK_BUDGET = 650_000
MIN_TRIALS = 100


def trials_within_budget(requested: int, patients_per_arm: int, duration_months: int) -> int:
    """Number of trials the widget simulates: the request, reduced for very large trial settings."""
    affordable = TRIAL_WORK_BUDGET // (patients_per_arm * (duration_months + 1))
    return int(min(requested, max(MIN_TRIALS, affordable)))


def trial_summary_html(sim: models.TrialSimulation, requested_trials: int | None = None) -> str:
    """HTML summary of a set of simulated trials (pure)."""
    s = sim
    direction = "faster" if s.historical_bias >= 0 else "slower"
    rows = [("Simulated trials", f"{s.n_trials:,} × {2 * s.patients_per_arm} patients, {s.duration_months} months"),
            ("Randomized trial detects the effect (power)", f"{100 * s.power:.0f}%"),
            ("Randomized trial, no true effect: 'significant'", f"{100 * s.false_positive_rate:.1f}% "
                                                               f"(α = {100 * s.alpha:g}%)"),
            ("Single-arm vs history, no true effect: 'significant'",
             f"{100 * s.single_arm_false_positive_rate:.1f}%"),
            ("Historical controls", f"declined {100 * abs(s.historical_bias):.0f}% {direction} "
                                    f"({s.historical_slope:.2f} points/month)")]
    out = ""
    if requested_trials is not None and requested_trials > s.n_trials:
        out += notice_html(f"To keep the widget responsive, {s.n_trials:,} trials were simulated instead of "
                           f"{requested_trials:,} for trials this large, so percentages are less precise: "
                           f"{monte_carlo_note(s.n_trials)}.")
    if s.treatment_slowing == 0:
        out += notice_html("No true effect is set: every 'significant' result is a false positive, so the first bar "
                           "shows only chance findings in favour of treatment.")
    out += _table(rows)
    out += ("<p>The randomized comparison keeps false positives near α because both arms share everything but the "
            "treatment; the single-arm study inherits any difference between its patients and the historical ones.</p>")
    return out


def trial_simulator() -> widgets.VBox:
    """Simulate ALS trials on the ALSFRS-R: power, false positives and historical controls."""
    p = models.load_parameters("alsfrs")
    ranges = models.parameter_ranges("alsfrs")
    lo, hi = _range(ranges, "patients_per_arm")
    n_arm = _slider(widgets.IntSlider, int(p["patients_per_arm"]), int(lo), int(hi), 10,
                    "Trial size (patients per arm)")
    lo, hi = _range(ranges, "treatment_slowing_fraction")
    effect = _slider(widgets.IntSlider, int(round(100 * p["treatment_slowing_fraction"])), int(100 * lo),
                     int(100 * hi), 5, "True treatment effect (% slowing of decline)")
    lo, hi = _range(ranges, "trial_duration_months")
    duration = _slider(widgets.IntSlider, int(p["trial_duration_months"]), int(lo), int(hi), 1,
                       "Trial length (months)")
    lo, hi = _range(ranges, "dropout_probability_per_month")
    dropout = _slider(widgets.FloatSlider, 100 * p["dropout_probability_per_month"], 100 * lo, 100 * hi, 0.5,
                      "Drop-out (% per month)", ".1f")
    noise = _slider(widgets.FloatSlider, p["measurement_noise_sd_points"],
                    *_range(ranges, "measurement_noise_sd_points"), 0.5, "Measurement noise (SD, points)", ".1f")
    lo, hi = _range(ranges, "historical_control_bias_fraction")
    bias = _slider(widgets.IntSlider, int(round(100 * p["historical_control_bias_fraction"])), int(100 * lo),
                   int(100 * hi), 5, "Historical controls declined faster by (%)")
    n_trials = lean(widgets.Dropdown, options=[(f"{n:,}", n) for n in TRIAL_COUNTS], value=LESSON_TRIAL_COUNT,
                    description="Simulated trials (more = slower, more precise)", style=STYLE_LABEL)
    seed = lean(widgets.BoundedIntText, value=models.DEFAULT_SEED, min=0, max=2**31 - 1,
                description="Random seed (same seed, same trials)", style=STYLE_LABEL)
    controls = {"n_arm": n_arm, "effect": effect, "duration": duration, "dropout": dropout, "noise": noise,
                "bias": bias, "n_trials": n_trials, "seed": seed}
    plot = TrialPlot(p, figsize=(9.6, 4.1), fixed_max_months=duration.max)
    renderer = FastRenderer(plot)
    image, summary, state = _image(), lean(widgets.HTML), {}

    def update():
        q = dict(p, dropout_probability_per_month=dropout.value / 100, measurement_noise_sd_points=noise.value)
        count = trials_within_budget(n_trials.value, n_arm.value, duration.value)
        sim = models.simulate_alsfrs_trials(n_arm.value, effect.value / 100, count, seed.value,
                                            duration.value, bias.value / 100, params=q)
        plot.update(sim)
        text = describe_alsfrs_trial(sim)
        image.show(renderer.png(), text)
        summary.value = (TEACHING_BANNER + trial_summary_html(sim, n_trials.value)
                         + _caption(text)
                         + _left_out(models.ALSFRS_LEFT_OUT))
        state["simulation"] = sim

    intro = lean(widgets.HTML, "<p>Each simulated patient loses ALSFRS-R points at their own pace, with noisy visits and "
                 "some drop-out. Set a true treatment effect and a trial size, and compare a randomized trial "
                 "with a single-arm study judged against historical controls.</p>")
    children = [intro, n_arm, effect, duration, dropout, noise, bias, n_trials, seed, image, summary]
    return _finish(children, controls, image, summary, "trial_simulator", update, state, renderer)


# =========================================================================== MS relapses
def ms_summary_html(courses: dict[str, models.MsCourse], therapy: str, params: dict) -> str:
    """HTML summary of simulated MS courses for the chosen therapy (pure)."""
    c, n = courses[therapy], courses["none"]
    out = ""
    if therapy == "none":
        out += notice_html("No therapy chosen: pick natalizumab or aHSCT to see what reducing relapses changes "
                           "(and what it does not).")
    rows = [("Relapse rate", f"{c.relapse_rate_per_year:.2f} per year (untreated {n.relapse_rate_per_year:.2f})"),
            ("Mean relapses over the period", f"{c.mean_relapses:.1f} (untreated {n.mean_relapses:.1f})"),
            ("EDSS left behind by relapses", f"{c.mean_relapse_edss_gain:.2f} points "
                                             f"(untreated {n.mean_relapse_edss_gain:.2f})"),
            ("EDSS from progression independent of relapses",
             f"{c.pira_edss_gain:.2f} points (same for every therapy)"),
            ("Mean EDSS at the end", f"{c.mean_final_edss:.1f} (start {c.baseline_edss:.1f})")]
    out += _table(rows)
    if therapy == "ahsct":
        out += notice_html(
            f"aHSCT is intensive chemotherapy followed by the person's own blood stem cells. Across 15 studies "
            f"(1995–2016) about {100 * params['ahsct_treatment_related_mortality']:.1f}% of people treated died "
            f"of the procedure, more in older studies and in studies of people with more disability; infections, secondary "
            f"autoimmunity and infertility are other risks. It is offered only to selected people with active "
            f"relapsing MS, in experienced centres. This model does not simulate these harms.", "warning")
    elif therapy == "natalizumab":
        out += ("<p>Natalizumab's relapse reduction comes from the AFFIRM trial against placebo. Like every "
                "therapy it has risks (notably a rare brain infection, PML) that this model does not show.</p>")
    return out


def ms_relapse_explorer() -> widgets.VBox:
    """Explore relapses, incomplete recovery and PIRA, and what relapse-reducing therapies change."""
    p = models.load_parameters("ms_relapse")
    ranges = models.parameter_ranges("ms_relapse")
    natalizumab = 100 * p["natalizumab_relapse_rate_reduction"]
    therapy = lean(widgets.Dropdown, options=[("No therapy", "none"),
                                              (f"Natalizumab (AFFIRM: relapses −{natalizumab:.0f}%)", "natalizumab"),
                                              ("aHSCT (MIST: far fewer relapses; serious risks)", "ahsct")],
                   value="natalizumab", description="Therapy", style=STYLE_LABEL)
    rate = _slider(widgets.FloatSlider, p["untreated_relapse_rate_per_year"],
                   *_range(ranges, "untreated_relapse_rate_per_year"), 0.1,
                   "Untreated relapse rate (relapses per year)", ".1f")
    lo, hi = _range(ranges, "incomplete_recovery_probability")
    incomplete = _slider(widgets.IntSlider, int(round(100 * p["incomplete_recovery_probability"])), int(100 * lo),
                         int(100 * hi), 5, "Relapses that leave lasting disability (%)")
    pira = _slider(widgets.FloatSlider, p["pira_edss_per_year"], *_range(ranges, "pira_edss_per_year"), 0.05,
                   "PIRA: progression independent of relapses (EDSS points per year)", ".2f")
    lo, hi = _range(ranges, "ms_horizon_years")
    years = _slider(widgets.IntSlider, int(p["ms_horizon_years"]), int(lo), int(hi), 1, "Time simulated (years)")
    seed = lean(widgets.BoundedIntText, value=models.DEFAULT_SEED, min=0, max=2**31 - 1,
                description="Random seed (same seed, same people)", style=STYLE_LABEL)
    controls = {"therapy": therapy, "rate": rate, "incomplete": incomplete, "pira": pira, "years": years,
                "seed": seed}
    plot = MsRelapsePlot(p, figsize=(9.6, 4.1))
    renderer = FastRenderer(plot)
    image, summary, state = _image(), lean(widgets.HTML), {}

    def update():
        q = dict(p, incomplete_recovery_probability=incomplete.value / 100)
        courses = {k: models.simulate_ms_course(k, 500, years.value, rate.value, pira.value, seed=seed.value,
                                                params=q) for k in models.MS_THERAPIES}
        plot.update(courses, therapy.value)
        text = describe_ms_relapses(therapy.value, courses)
        image.show(renderer.png(), text)
        summary.value = (TEACHING_BANNER + ms_summary_html(courses, therapy.value, q)
                         + _caption(text)
                         + _left_out(models.MS_LEFT_OUT))
        state["courses"] = courses

    intro = lean(widgets.HTML, "<p>500 simulated people with relapsing MS. Relapses come at random; some leave lasting "
                 "disability. Progression independent of relapses (PIRA) adds to everyone. Choose a therapy "
                 f"({', '.join(MS_THERAPY_LABELS.values())}) to see which part of the disability it "
                 "changes.</p>")
    children = [intro, therapy, rate, incomplete, pira, years, seed, image, summary]
    return _finish(children, controls, image, summary, "ms_relapse_explorer", update, state, renderer)
