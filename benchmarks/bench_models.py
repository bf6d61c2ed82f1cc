#!/usr/bin/env python3
"""Benchmark the four model widgets and the simulations behind them.

For each widget, every control is swept across its range (sliders: 8 values from min to max
and back to the default; dropdowns: every option), and the time from setting ``.value`` to
the finished update (model + figure redraw + PNG into the Image + HTML summary) is recorded.
The table gives the median, 95th percentile and maximum per widget; the target is < 100 ms.
Then the throughput of the simulations themselves is measured.

    python benchmarks/bench_models.py            # from the project root
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402

from helpers import models  # noqa: E402
from helpers.widgets import models as W  # noqa: E402

TARGET_MS = 100.0
SLIDER_STEPS = 8


def _values(control) -> list:
    if isinstance(control, widgets.Dropdown):
        values = [value for _label, value in control.options]
    elif isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        values = list(np.linspace(control.min, control.max, SLIDER_STEPS))
        if isinstance(control, widgets.IntSlider):
            values = [int(round(v)) for v in values]
    elif isinstance(control, widgets.FloatLogSlider):
        values = list(control.base ** np.linspace(control.min, control.max, SLIDER_STEPS))
    elif isinstance(control, widgets.BoundedIntText):
        values = [control.value + i for i in range(1, 5)]
    else:
        return []
    return values + [control.value]


def sweep(box) -> list[float]:
    """Latencies (s) of single control changes over all controls of a widget."""
    times = []
    for control in box.controls.values():
        for value in _values(control):
            if value == control.value:
                continue
            start = time.perf_counter()
            control.value = value
            times.append(time.perf_counter() - start)
    return times


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


WIDGET_FACTORIES = (("conduction_explorer", W.conduction_explorer), ("motor_unit_explorer", W.motor_unit_explorer),
                    ("trial_simulator", W.trial_simulator), ("ms_relapse_explorer", W.ms_relapse_explorer))


def widget_latencies() -> dict[str, list[float]]:
    """Per model widget: milliseconds per control change over the whole sweep (used by run_all.py)."""
    return {name: [1000 * t for t in sweep(factory())] for name, factory in WIDGET_FACTORIES}


def built(factory):
    """A new widget and the milliseconds its building took (its first view included)."""
    start = time.perf_counter()
    box = factory()
    return box, 1000 * (time.perf_counter() - start)


def bench_widgets() -> list[tuple[str, float, float, float, int]]:
    rows = []
    for name, factory in WIDGET_FACTORIES:
        box, build_ms = built(factory)
        times = sweep(box)
        rows.append((name, 1000 * statistics.median(times), 1000 * percentile(times, 95), 1000 * max(times),
                     len(times)))
        print(f"  built {name} in {build_ms:.0f} ms (first render included)")
    return rows


def bench_throughput() -> list[tuple[str, float, str]]:
    rows = []
    models.simulate_alsfrs_trials(100, 0.25, 50)
    runs = []
    for seed in range(5):
        start = time.perf_counter()
        models.simulate_alsfrs_trials(100, 0.25, 1000, seed=seed)
        runs.append(time.perf_counter() - start)
    best = statistics.median(runs)
    rows.append(("ALSFRS-R trials, 200 patients, 12 months (randomized + single-arm analyses)", 1000 / best,
                 f"trials/s; 1,000 trials in {1000 * best:.0f} ms"))
    start = time.perf_counter()
    course = models.simulate_ms_course("natalizumab", 10_000, 10.0)
    elapsed = time.perf_counter() - start
    rows.append(("MS courses, 10 years at monthly steps", course.edss.shape[0] / elapsed,
                 f"patients/s; 10,000 in {1000 * elapsed:.0f} ms"))
    grid = np.linspace(0, 1, 1000)
    start = time.perf_counter()
    for _ in range(20):
        models.pathway_conduction(1.0, 50.0, grid[:, None], grid[None, :])
    elapsed = (time.perf_counter() - start) / 20
    rows.append(("Conduction settings evaluated (1,000 × 1,000 grid)", grid.size ** 2 / elapsed,
                 f"settings/s; grid in {1000 * elapsed:.0f} ms"))
    start = time.perf_counter()
    alive = models.simulate_motor_unit_pool(100_000, 0.7, np.linspace(0, 5, 241))
    elapsed = time.perf_counter() - start
    rows.append(("Motor units simulated (one pool, 241 time points)", 100_000 / elapsed,
                 f"units/s; 100,000 in {1000 * elapsed:.0f} ms (survivors at 5 y: {alive[-1]:,})"))
    return rows


def main() -> int:
    print("Model widgets: latency of one control change (model + redraw + PNG + HTML)")
    rows = bench_widgets()
    print(f"\n{'widget':<22}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'changes':>9}  target < {TARGET_MS:.0f} ms")
    slow = []
    for name, median, p95, worst, n in rows:
        flag = "ok" if median < TARGET_MS else "SLOW"
        if median >= TARGET_MS:
            slow.append(name)
        print(f"{name:<22}{median:>11.1f}{p95:>9.1f}{worst:>9.1f}{n:>9}  {flag}")
    print("\nSimulation throughput")
    for name, rate, note in bench_throughput():
        print(f"  {name}: {rate:,.0f} {note}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
