"""Which control settings the widget tests walk through, written once for the tests and the benchmark
(``benchmarks/run_all.py`` times the same walk that ``tests/test_explorer_widgets.py`` checks)."""

from __future__ import annotations

import itertools

from helpers.widgets import explorer

#: The trial browser's controls, in the order of ``explorer.trial_browser_data``'s arguments.
TRIAL_BROWSER_CONTROLS = ("disease", "cell_type", "phase", "design", "result", "kind")


def option_values(control) -> list:
    """The values a dropdown or toggle offers, in display order."""
    return [value for _, value in control.options]


def trial_browser_combinations(controls: dict) -> list[tuple]:
    """Every combination of the five filters for cell therapies (the default), and of disease, design
    and result for the other two kinds (cell types and phases are what cell trials differ in)."""
    every = [option_values(controls[name]) for name in TRIAL_BROWSER_CONTROLS[:5]]
    fewer = [option_values(controls["disease"]), [explorer.ANY], [explorer.ANY],
             option_values(controls["design"]), option_values(controls["result"])]
    return (list(itertools.product(*every, ["cell"]))
            + list(itertools.product(*fewer, ["other", explorer.ANY])))
