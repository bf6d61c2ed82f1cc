"""Benchmark the series and print one table (run by hand: `python3 run.py bench`).

(a) executing the whole series from fresh kernels, as a learner's first pass (an empty cache
    folder), against the floor of starting one kernel per notebook and importing the series'
    dependencies: the ratio (target < 1.5), from the median of three passes per notebook;
(b) per-widget update latency in-process, median and p95 over all combinations (target p95 < 100 ms);
(c) in a real browser, control change → updated view for the therapy explorer, median and p95
    (target p95 < 250 ms);
(d) `import helpers` time (fresh interpreter);
(e) installed environment size.

Speed targets live here, not in timed tests. Options: --skip-browser, --quick.
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tools/ (maintainer tooling) is not an installed package
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


# ---------------------------------------------------------------------------- (a)
def series_execution(passes: int = 3) -> dict:
    """Seconds to execute every notebook from a fresh kernel, and the floor for as many kernels.

    Each pass runs the series in order, as a learner's first pass through it (an empty cache folder:
    lesson 00 validates the knowledge base and keeps it for the later lessons, lesson 07 computes the
    power curves that lesson 09 reads back), with a floor run before each notebook. One pass on a shared
    2-core machine varies by several percent, as much as the margin being measured; so each notebook's
    time, and the floor's, is the median of its ``passes`` runs, and the ratio of each pass is reported too.
    """
    import nbformat

    from tools.notebook_tools import execute_notebook, lesson_notebooks

    notebooks = lesson_notebooks()
    # The floor: the same execution path, one kernel per notebook, importing only the dependencies.
    # Lessons and floor runs alternate, so a slow patch of the machine hits both alike.
    floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import pandas, numpy, matplotlib.pyplot, ipywidgets, IPython.display")])
    lesson_times: dict[Path, list[float]] = {path: [] for path in notebooks}
    floor_times: list[list[float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        floor_path = Path(tmp) / "floor.ipynb"
        nbformat.write(floor_nb, floor_path)
        execute_notebook(floor_path)  # warm-up: the first kernel start also fills disk caches
        # The dependencies were compiled to bytecode when pip installed them; the series' own package
        # (installed editable) is compiled by Python on first import, unless PYTHONDONTWRITEBYTECODE
        # is set (as on some CI machines), when every kernel would compile it again. Compile it once, as
        # a learner's first run does, so both sides of the ratio start from bytecode.
        compileall.compile_dir(str(ROOT / "helpers"), quiet=1)
        cache = os.environ.get("SERIES_CACHE_DIR")
        try:
            for number in range(passes):
                os.environ["SERIES_CACHE_DIR"] = str(Path(tmp) / f"cache-{number}")  # empty: a first pass
                floors = []
                for path in notebooks:
                    start = time.perf_counter()
                    execute_notebook(floor_path)
                    floors.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    execute_notebook(path)
                    lesson_times[path].append(time.perf_counter() - start)
                floor_times.append(floors)
        finally:
            if cache is None:
                os.environ.pop("SERIES_CACHE_DIR", None)
            else:
                os.environ["SERIES_CACHE_DIR"] = cache
    series = sum(statistics.median(times) for times in lesson_times.values())
    one_floor = statistics.median(t for floors in floor_times for t in floors)
    per_pass = [sum(times[i] for times in lesson_times.values()) / sum(floor_times[i]) for i in range(passes)]
    # each notebook against one kernel's floor: where the rest of the time goes
    per_notebook = {path.stem[:2]: statistics.median(times) / one_floor for path, times in lesson_times.items()}
    return {"series": series, "floor": len(notebooks) * one_floor, "count": len(notebooks), "passes": passes,
            "per_pass": per_pass, "per_notebook": per_notebook}


# ---------------------------------------------------------------------------- (b)
def explorer_latencies(quick: bool) -> dict[str, list[float]]:
    from helpers.widgets import explorer
    from helpers.widgets.intro import evidence_level_explorer

    from widget_combinations import TRIAL_BROWSER_CONTROLS, trial_browser_combinations
    from widget_combinations import option_values as values

    results: dict[str, list[float]] = {}
    w = explorer.therapy_explorer()
    c = w.controls
    times = []
    for direction in values(c["direction"]):
        times.append(timed(lambda: setattr(c["direction"], "value", direction)))
        for disease in values(c["disease"]):
            times.append(timed(lambda: setattr(c["disease"], "value", disease)))
            for item, level in itertools.product(values(c["item"]), values(c["min_evidence"])):
                times.append(timed(lambda: setattr(c["item"], "value", item)))
                times.append(timed(lambda: setattr(c["min_evidence"], "value", level)))
    results["therapy explorer"] = times

    w = explorer.evidence_map()
    c = w.controls
    times = []
    for disease, level, kinds in itertools.product(values(c["disease"]), values(c["min_evidence"]), values(c["kinds"])):
        for name, value in (("disease", disease), ("min_evidence", level), ("kinds", kinds)):
            if c[name].value != value:
                times.append(timed(lambda: setattr(c[name], "value", value)))
    results["evidence map (first draw of each map included)"] = times

    w = explorer.trial_browser()
    c = w.controls
    times = [timed(lambda: setattr(c["figure"], "value", True))]  # the figure on: the slower case
    combos = trial_browser_combinations(c)  # the walk that tests/test_explorer_widgets.py checks
    for combo in combos[:: 7 if quick else 1]:
        for name, value in zip(TRIAL_BROWSER_CONTROLS, combo):
            if c[name].value != value:
                times.append(timed(lambda: setattr(c[name], "value", value)))
    results["trial browser"] = times

    w = evidence_level_explorer()
    times = [timed(lambda: setattr(w.controls["level"], "value", v)) for v in values(w.controls["level"]) * 3]
    results["evidence-level explorer"] = times

    from helpers.widgets.cells import cell_type_map

    # first views: a fresh widget, each cell chosen once (every choice draws that cell's map for the first time)
    w = cell_type_map()
    c = w.controls
    results["cell-type map, first view of each cell"] = [
        timed(lambda: setattr(c["cell_type"], "value", cell)) for cell in values(c["cell_type"])
        if cell != c["cell_type"].value]

    w = cell_type_map()
    c = w.controls
    times = []
    for potency, role in itertools.product(values(c["potency"]), values(c["role"])):
        times.append(timed(lambda: setattr(c["potency"], "value", potency)))
        times.append(timed(lambda: setattr(c["role"], "value", role)))
        for cell in values(c["cell_type"]):
            if c["cell_type"].value != cell:
                times.append(timed(lambda: setattr(c["cell_type"], "value", cell)))
    results["cell-type map (first draw of each map included)"] = times

    from helpers.widgets.redflags import red_flag_checker

    w = red_flag_checker()
    c = w.controls
    times = []
    for advert in values(c["advert"]) * 2:
        if c["advert"].value != advert:
            times.append(timed(lambda: setattr(c["advert"], "value", advert)))
        for box in c["flags"].values():
            times.append(timed(lambda: setattr(box, "value", not box.value)))
        times.append(timed(lambda: c["check"].click()))
    results["red-flag checker (ticks and Check)"] = times
    return results


def model_latencies() -> dict[str, list[float]]:
    import bench_models

    return bench_models.widget_latencies()


def model_first_views(repeats: int = 3) -> dict[str, float]:
    """Milliseconds to build each model widget (its first view), median of ``repeats``."""
    import bench_models

    return {name: statistics.median(bench_models.built(factory)[1] for _ in range(repeats))
            for name, factory in bench_models.WIDGET_FACTORIES}


# ---------------------------------------------------------------------------- (c)
def browser_latency(changes: int = 20) -> list[float]:
    from browser_support import CHROMIUM_ARGS, chromium_path, jupyterlab_server, open_notebook, run_all

    import nbformat
    from playwright.sync_api import sync_playwright

    from helpers import queries

    options = [label for label, _ in queries.choices("damage", disease="ms")]
    times = []
    with tempfile.TemporaryDirectory() as tmp, jupyterlab_server(Path(tmp)) as base:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "from helpers.widgets.explorer import therapy_explorer\ntherapy_explorer(disease='ms')")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, Path(tmp) / "notebooks" / "bench.ipynb")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_notebook(page, base, "notebooks/bench.ipynb")
            run_all(page)
            select = page.locator(".series-therapy-explorer select").nth(2)
            select.wait_for()
            for i in range(changes):
                label = options[(i + 1) % len(options)]
                start = time.perf_counter()
                select.select_option(label=label)
                page.wait_for_function(
                    "(label) => document.querySelector('.series-therapy-explorer .widget-html-content')"
                    ".innerText.includes(label + ' (')", arg=label, polling="raf")
                times.append((time.perf_counter() - start) * 1000)
            browser.close()
    return times


# ---------------------------------------------------------------------------- (d), (e)
def import_time() -> float:
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", "import time; t=time.perf_counter(); import helpers.data, "
                              "helpers.queries, helpers.lesson; print(time.perf_counter()-t)"],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(float(out.stdout.strip()) * 1000)
    return statistics.median(runs)


def env_size_mb() -> float:
    venv = Path(sys.prefix)
    total = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="one pass through the series, and a sample of the trial-browser combinations")
    args = parser.parse_args()

    rows = []
    run = series_execution(1 if args.quick else 3)
    spread = ", ".join(f"{r:.2f}" for r in run["per_pass"])
    rows.append(("(a) whole series, fresh kernels (median of each notebook over the passes)",
                 f"{run['series']:.1f} s for {run['count']} notebooks",
                 f"floor {run['floor']:.1f} s; ratio {run['series'] / run['floor']:.2f} "
                 f"({run['passes']} passes, each pass: {spread})", "ratio < 1.5"))
    rows.append(("(a) each notebook against one kernel's floor (medians)", "",
                 ", ".join(f"{name} {ratio:.2f}" for name, ratio in run["per_notebook"].items()), ""))
    for name, times in {**explorer_latencies(args.quick), **model_latencies()}.items():
        rows.append((f"(b) {name}", f"median {statistics.median(times):.1f} ms",
                     f"p95 {percentile(times, 95):.1f} ms (n={len(times)})", "p95 < 100 ms"))
    builds = model_first_views()
    rows.append(("(b) model widgets, first view (building one: models run, figure laid out and drawn)",
                 f"{min(builds.values()):.0f}-{max(builds.values()):.0f} ms",
                 "; ".join(f"{name} {ms:.0f}" for name, ms in builds.items()), "(not an update)"))
    if not args.skip_browser:
        times = browser_latency()
        rows.append(("(c) therapy explorer in Chromium", f"median {statistics.median(times):.0f} ms",
                     f"p95 {percentile(times, 95):.0f} ms (n={len(times)})", "p95 < 250 ms"))
    import bench_models

    for name, rate, note in bench_models.bench_throughput():
        rows.append((f"(b) throughput: {name}", f"{rate:,.0f}", note, ""))
    rows.append(("(d) import helpers (fresh interpreter)", f"{import_time():.0f} ms", "", ""))
    rows.append(("(e) installed environment", f"{env_size_mb():.0f} MB", str(Path(sys.prefix).name), ""))

    widths = [max(len(str(r[i])) for r in rows + [("what", "result", "detail", "target")]) for i in range(4)]
    line = " | ".join
    print(line(h.ljust(w) for h, w in zip(("what", "result", "detail", "target"), widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(str(v).ljust(w) for v, w in zip(row, widths)))


if __name__ == "__main__":
    main()
