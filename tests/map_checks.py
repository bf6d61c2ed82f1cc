"""The check every caveat test makes of the evidence maps (tests/test_unblinded_caveat.py,
test_active_control_caveat.py, test_unpublished_caveat.py): the figure and the HTML table both
show the marked code and the key line that explains the mark."""

from __future__ import annotations

from figure_layout import figure_strings

from helpers import queries
from helpers.figures.therapy_tables import evidence_map_full_figure
from helpers.widgets.explorer import evidence_map_html


def assert_map_shows(kb, disease: str, code: str, key_start: str, sized: bool = False) -> None:
    """One disease's evidence map, as a figure and as the explorer's HTML table, shows a cell whose
    text starts with ``code`` (and then the trial size in brackets, when ``sized``) and a key line
    starting with ``key_start``."""
    texts = figure_strings(evidence_map_full_figure(disease, kb))
    start = code + (" (" if sized else "")
    assert any(t.startswith(start) for t in texts), f"no cell {start!r} in the {disease} map figure"
    assert any(line.startswith(key_start) for t in texts for line in t.splitlines()), \
        f"no key line {key_start!r} in the {disease} map figure"
    html = evidence_map_html(queries.evidence_matrix(disease, kb=kb), disease, kb)
    assert code in html, f"no cell {code!r} in the {disease} HTML map"
    assert key_start in html, f"no key line {key_start!r} in the {disease} HTML map"
