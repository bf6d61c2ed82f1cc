"""Lesson 04's cell-type map and claim table: driven like a learner, checked against the pure
functions and against the rows of data/ they are meant to show."""

from __future__ import annotations

import html
import itertools
import re

import numpy as np
import pytest

from helpers.data import load_knowledge_base
from helpers.figures import cells as fig_cells
from helpers.widgets import cells


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def _values(dropdown):
    return [value for _, value in dropdown.options]


def _text(fragment: str) -> str:
    """What an HTML fragment says, without tags or entities (to compare with CSV text)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


# --------------------------------------------------------------------------- the widget
def test_map_every_filter_and_every_cell_type(kb):
    widget = cells.cell_type_map()
    c, card, caption = widget.controls, widget.outputs["card"], widget.outputs["caption"]
    seen_cells, empty_filters, images = set(), 0, {}
    for potency, role in itertools.product(_values(c["potency"]), _values(c["role"])):
        c["potency"].value, c["role"].value = potency, role
        offered = _values(c["cell_type"])
        assert offered == [v for _, v in cells.cell_type_options(potency, role, kb)]
        if not offered:
            empty_filters += 1
            assert c["cell_type"].value is None
            assert card.value == cells.cell_card_html(None, kb)
            assert 'role="status"' in card.value  # explained, never blank
            continue
        assert c["cell_type"].value in offered  # a filter change never leaves a stale choice
        for cell_id in offered:
            c["cell_type"].value = cell_id
            assert card.value == cells.cell_card_html(cell_id, kb)
            assert caption.value.endswith(
                html.escape(fig_cells.describe_potency_map(cell_id, kb)) + "</i></p>")
            png = bytes(widget.outputs["image"].png)
            assert png.startswith(b"\x89PNG")
            seen_cells.add(cell_id)
            images[cell_id] = png
    assert seen_cells == set(kb.cell_types["cell_type_id"])  # every row of cell_types.csv is reachable
    assert empty_filters >= 1  # e.g. pluripotent cells of the body: none, and the card says so
    assert len(set(images.values())) == len(images)  # each choice highlights a different cell on the map


def test_map_image_is_the_figure_of_the_chosen_cell(kb):
    # the widget draws only the selection over the map drawn once (fast); the picture is the full
    # figure's, up to anti-aliasing where the selection is drawn over the unselected map
    import io

    import numpy as np
    from PIL import Image

    from helpers.style import figure_to_png

    def pixels(png: bytes):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    widget = cells.cell_type_map("ipsc")
    for cell_id in ("ipsc", "opc", "ipsc_opc", "msc"):
        widget.controls["cell_type"].value = cell_id
        expected = fig_cells.PotencyMapPlot(kb, figsize=(11.0, 8.8))
        expected.update(cell_id)
        shown, full = pixels(bytes(widget.outputs["image"].png)), pixels(figure_to_png(expected.fig))
        assert shown.shape == full.shape
        assert (np.abs(shown - full).max(axis=2) > 60).mean() < 0.005


def test_filters_narrow_the_list_correctly(kb):
    types = kb.cell_types.set_index("cell_type_id")
    for potency, role in itertools.product(["all", *fig_cells.POTENCY_ORDER], [r for r, _ in cells.ROLE_CHOICES]):
        ids = [v for _, v in cells.cell_type_options(potency, role, kb)]
        for cell_id in ids:
            assert potency == "all" or types.loc[cell_id, "potency"] == potency
            assert role == "all" or types.loc[cell_id, "role"] == role
        expected = {c for c in types.index if (potency == "all" or types.loc[c, "potency"] == potency)
                    and (role == "all" or types.loc[c, "role"] == role)}
        assert set(ids) == expected


def test_options_run_from_wide_to_narrow_potency(kb):
    order = list(fig_cells.POTENCY_ORDER)
    potencies = [kb.cell_types.set_index("cell_type_id").loc[v, "potency"] for _, v in cells.cell_type_options()]
    assert [order.index(p) for p in potencies] == sorted(order.index(p) for p in potencies)


def test_bad_filters_are_refused(kb):
    with pytest.raises(ValueError, match="Unknown potency"):
        cells.cell_type_options("omnipotent", kb=kb)
    with pytest.raises(ValueError, match="Unknown role"):
        cells.cell_type_options(role="robot", kb=kb)
    with pytest.raises(ValueError, match="Unknown cell type"):
        cells.cell_card_html("unicorn_cell", kb)


# --------------------------------------------------------------------------- the card shows its row
@pytest.mark.parametrize("cell_id", list(load_knowledge_base().cell_types["cell_type_id"]))
def test_card_shows_the_row_of_cell_types(cell_id, kb):
    row = kb.cell_types.set_index("cell_type_id").loc[cell_id]
    text = _text(cells.cell_card_html(cell_id, kb))
    assert str(row["name"]) in text
    assert str(row["potency"]).capitalize() in text
    assert cells.STEM_ANSWERS[str(row["is_stem_cell"])] in text
    for column in ("sources", "can_become", "cannot_become", "misconception", "correction"):
        if cells._given(row[column]):
            assert str(row[column]) in text, column
    for ref_id in str(row["ref_ids"]).split(";"):
        title = str(kb.references.set_index("ref_id").loc[ref_id, "title"])
        assert title in text


def test_card_lists_each_therapy_with_its_most_decisive_level(kb):
    text = cells.cell_card_html("msc_ntf", kb)
    assert "NurOwn" in text
    assert "evidence-rct_no_benefit" in text  # the failed phase 3 outranks the early signals
    assert "evidence-early_unclear" not in text
    assert "status-investigational" in text  # status is a separate tag
    hsc = cells.cell_card_html("hsc", kb)
    assert "evidence-rct_benefit" in hsc and "status-guideline_procedure" in hsc  # MIST; ASTCT 2019


def test_card_links_the_damage_that_involves_the_cell(kb):
    assert "Failed remyelination" in _text(cells.cell_card_html("opc", kb))
    assert "Involved in" not in _text(cells.cell_card_html("esc", kb))


def test_potency_meaning_comes_from_the_glossary(kb):
    glossary = kb.glossary.set_index("term")
    assert cells.potency_meaning("pluripotent", kb) == glossary.loc["pluripotent", "definition"]
    assert cells.potency_meaning("progenitor", kb) == glossary.loc["progenitor cell", "definition"]


# --------------------------------------------------------------------------- the figure
def test_every_arrow_is_backed_by_its_row(kb):
    for link in fig_cells.LINEAGE + fig_cells.NOT_SHOWN:
        assert fig_cells.link_supported(link, kb), link


def test_an_unsupported_arrow_is_rejected(kb):
    made_up = fig_cells.Link("hsc", "motor_neuron", "parent", "can_become", "motor neurons")
    assert not fig_cells.link_supported(made_up, kb)
    assert not fig_cells.link_supported(fig_cells.Link("hsc", "no_such_cell", "parent", "can_become", "x"), kb)
    # the phrase is in OPC's row, but does not name the neuron: an arrow to the wrong cell is caught
    wrong_target = fig_cells.Link("opc", "neuron", "parent", "can_become", "oligodendrocytes")
    assert not fig_cells.link_supported(wrong_target, kb)


def test_layout_puts_each_cell_in_its_potency_column(kb):
    pos = fig_cells.layout(kb)
    assert set(pos) == set(kb.cell_types["cell_type_id"])
    for row in kb.cell_types.itertuples():
        assert pos[row.cell_type_id][0] == fig_cells.POTENCY_ORDER.index(row.potency) * fig_cells.COL_STEP
    assert len(set(pos.values())) == len(pos)  # no two boxes on top of each other


def test_no_arrow_runs_under_another_box_and_every_arrow_shows(kb):
    # a line hidden behind a box reads as starting or ending there (the NSC arrows once ran behind OPC and GRP)
    plot = fig_cells.PotencyMapPlot(kb)
    for link, arrow in plot.arrows:
        points = plot.arrow_points(arrow)
        assert plot.boxes_crossed(points, link) == [], link
        visible = sum(float(((b - a) ** 2).sum()) ** 0.5 for a, b in zip(points[:-1], points[1:]))
        assert visible > 0.3, (link, visible)  # long enough to see it and its head (MSC to MSC-NTF once was not)
    # the points checked are the points drawn: every vertex of each arrow as rendered (shaft and head,
    # in pixels) lies near the recorded line, so an arc recorded as an elbow (or the reverse) fails here
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(plot.fig).draw()
    for link, arrow in plot.arrows:
        recorded = plot.ax.transData.transform(plot.arrow_points(arrow))
        drawn = arrow.get_transform().transform(np.concatenate(arrow.get_path().to_polygons(closed_only=False)))
        gaps = np.sqrt(((drawn[:, None, :] - recorded[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        assert gaps.max() < 6, (link, float(gaps.max()))  # measured at most about 3 px, heads included
    # the check itself finds a line under a box
    straight = fig_cells.PotencyMapPlot.arc_points(plot.pos["nsc"], plot.pos["astrocyte"], 0.0)
    assert plot.boxes_crossed(straight, fig_cells.Link("nsc", "astrocyte", "parent", "can_become", "x"))


def test_highlight_marks_the_cell_and_its_relations(kb):
    plot = fig_cells.PotencyMapPlot(kb)
    shown = plot.update("msc")
    assert shown["not_shown"] == ["motor_neuron", "neuron"]
    assert set(shown["related"]) == {"msc_ntf", "msc_np"}
    assert plot.halos["msc"].get_visible() and not plot.halos["hsc"].get_visible()
    assert sum(m.get_visible() for _, _, m in plot.crosses) == 2
    plot.update(None)
    assert not any(m.get_visible() for _, _, m in plot.crosses)
    with pytest.raises(ValueError):
        plot.update("unicorn_cell")


def test_description_is_computed_from_the_data(kb):
    text = fig_cells.describe_potency_map(kb=kb)
    assert f"Map of {len(kb.cell_types)} cell types" in text
    n_stem = int((kb.cell_types["is_stem_cell"] == "yes").sum())
    assert f"only {n_stem} are stem cells" in text
    assert "not shown to become Motor neuron" in fig_cells.describe_potency_map("msc", kb)
    assert "made from Induced pluripotent stem cell" in fig_cells.describe_potency_map("ipsc_opc", kb)


# --------------------------------------------------------------------------- claims of the source article
def test_claims_trace_to_existing_rows(kb):
    effects = set(kb.therapy_effects["effect_id"])
    facts = set(kb.disease_facts["fact_id"])
    types = kb.cell_types.set_index("cell_type_id")
    for claim in fig_cells.ARTICLE_CLAIMS:
        assert claim.verdict in fig_cells.VERDICTS
        assert claim.cell_type_id or claim.effect_ids, claim.claim_id
        assert set(claim.effect_ids) <= effects and set(claim.fact_ids) <= facts
        if claim.cell_type_id:
            assert cells._given(types.loc[claim.cell_type_id, claim.cell_column])


def test_claim_table_shows_each_row_with_its_badge(kb):
    text = fig_cells.article_claims_html(kb=kb)
    assert text.count("<tr>") == len(fig_cells.ARTICLE_CLAIMS) + 1
    levels = kb.therapy_effects.set_index("effect_id")["evidence_level"]
    for claim in fig_cells.ARTICLE_CLAIMS:
        part = fig_cells.article_claims_html([claim.claim_id], kb)
        for effect_id in claim.effect_ids:
            assert f"evidence-{levels[effect_id]}" in part
            assert f'data-source="therapy_effects.csv:{effect_id}"' in part   # traceable, not shown
        assert ".csv" not in re.sub(r"<[^>]+>", "", part)                 # no file ids in the text
        assert part.count("evidence-badge") == len(claim.effect_ids)
        assert html.escape(claim.quote) in part


def test_unknown_claim_is_refused(kb):
    with pytest.raises(ValueError, match="Unknown claim"):
        fig_cells.article_claims_html(["stem_cells_cure_everything"], kb)


def test_arrows_into_one_box_end_at_different_points(kb):
    """Several arrows end at the astrocyte and oligodendrocyte boxes; their heads are spread along the
    box's left edge (highest source at the top), not piled into one point (a reviewer could not tell
    which source reached which target)."""
    plot = fig_cells.PotencyMapPlot(kb)
    ends: dict[str, list[tuple[float, float]]] = {}
    for link, arrow in plot.arrows:
        if abs(plot.pos[link.parent][0] - plot.pos[link.child][0]) > 1e-9:
            ends.setdefault(link.child, []).append((plot.pos[link.parent][1], float(plot.arrow_points(arrow)[-1][1])))
    crowded = {child: pairs for child, pairs in ends.items() if len(pairs) > 1}
    assert {"astrocyte", "oligodendrocyte"} <= set(crowded)
    for child, pairs in crowded.items():
        arrival = [y for _, y in sorted(pairs, reverse=True)]  # from the highest source down
        assert arrival == sorted(arrival, reverse=True) and len(set(arrival)) == len(arrival), child
        box_y = plot.pos[child][1]
        assert all(abs(y - box_y) < fig_cells.BOX_H / 2 for y in arrival), child  # on the box's edge
