"""Shared code for the ALS/MS stem-cell teaching series.

Notebooks import from here; logic lives here, teaching lives in the notebooks.

* :mod:`helpers.data` — load and validate the knowledge base in ``data/``.
* :mod:`helpers.queries` — pure questions asked of the knowledge base.
* :mod:`helpers.models` — small teaching models (pure numpy functions).
* :mod:`helpers.figures` — functions that take data and return matplotlib Figures.
* :mod:`helpers.widgets` — thin ipywidgets views over the pure functions (see
  :mod:`helpers.widgets.common` for the nbval-clean pattern they follow).
* :mod:`helpers.style` — the one colour-blind-safe palette and figure defaults.
* :mod:`helpers.lesson` — small display helpers used by every lesson (badges, checks, references).
"""

__version__ = "0.1.0"

import gc as _gc

# A lesson allocates many short-lived objects (each figure builds thousands of matplotlib artists), and
# CPython's default collects the youngest generation every 700 allocations, re-examining the long-lived
# ones more often than they need. Collecting every 10,000 allocations instead keeps memory bounded (the
# garbage is still collected) and runs the series about a tenth faster (`python3 run.py bench`).
_GC_YOUNG_THRESHOLD = 10_000
if _gc.get_threshold()[0] < _GC_YOUNG_THRESHOLD:
    _gc.set_threshold(_GC_YOUNG_THRESHOLD, *_gc.get_threshold()[1:])
