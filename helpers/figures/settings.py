"""Settings the lessons' model figures and tables share, kept apart from the drawing code so that
a view which only needs the numbers (a table, a text) does not import the plotting library."""

from __future__ import annotations

#: Simulated trials behind lesson 07's trial figure, its design table and the simulator's first view: one
#: count and one seed (``models.DEFAULT_SEED``), so the three show the same percentages.
LESSON_TRIAL_COUNT = 500

#: The power curve the lessons show; its figure and its text description must use the same settings.
POWER_CURVE_EFFECTS = (0.15, 0.25, 0.4)
#: A fine grid and 1,000 trials per point: with 300 trials and five sizes the curve's own Monte Carlo
#: error had moved a caption's crossing by a fifth (a 40% slowing read "about 35 per arm"; the model's
#: long-run value is about 42).
POWER_CURVE_ARM_SIZES = (25, 35, 50, 70, 100, 150, 200, 250, 300, 350, 400)
POWER_CURVE_TRIALS = 1000
