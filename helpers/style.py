"""One palette and one set of figure defaults for the whole series.

Colours come from the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008),
which stays distinguishable for the common forms of colour-vision deficiency.
The mapping is fixed everywhere in the series:

* ALS is always vermillion, MS always blue.
* Each evidence grade always has the same colour, and every badge also carries its text,
  so colour is never the only cue. Regulatory status is a separate, outlined tag.
"""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager

from .markup import Html, attr, esc
from .statuses import STATUSES

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREYS = {"dark": "#555555", "mid": "#999999", "light": "#DDDDDD"}

DISEASE_COLOURS = {"als": OKABE_ITO["vermillion"], "ms": OKABE_ITO["blue"]}

#: Fill colour per evidence grade (ids as in data/evidence_levels.csv). Colour follows the
#: *direction* (green/blue = favourable, purple = no benefit, black/dark grey = harm, yellow = unknown,
#: orange/grey = not tested in people); the printed code carries design and direction, so
#: colour is never the only cue.
EVIDENCE_COLOURS = {
    "established": GREYS["mid"],
    "preclinical": OKABE_ITO["orange"],
    "hypothesis": GREYS["light"],
    "rct_benefit": OKABE_ITO["bluish_green"],
    "surrogate_benefit": OKABE_ITO["sky_blue"],
    "rct_no_benefit": OKABE_ITO["reddish_purple"],
    "surrogate_no_benefit": "#E9C3D8",  # a light tint of reddish purple
    "rct_harm": OKABE_ITO["black"],
    "early_harm": GREYS["dark"],
    "early_unclear": OKABE_ITO["yellow"],
    "lab_only": OKABE_ITO["orange"],
    "idea": GREYS["light"],
}
#: Text colour on each fill, chosen for a contrast ratio of at least 4.5:1 (WCAG AA).
EVIDENCE_TEXT_COLOURS = {level: ("#FFFFFF" if level in ("rct_harm", "early_harm") else "#000000")
                         for level in EVIDENCE_COLOURS}

#: Regulatory status labels (data/therapies.csv ``status``): drawn as outlined tags, never as
#: evidence badges, because approval is not the same as shown benefit.
STATUS_LABELS = {status: label for status, (label, _) in STATUSES.items()}


def status_tag_html(status: str, scope=None) -> str:
    """An outlined tag for a regulatory status (text, no fill colour). ``scope`` says where or for
    what an approval holds (``therapies.csv`` ``approved_for``), so "Approved" beside a failed trial
    in another form of the disease is not read as approval for that form."""
    if status not in STATUS_LABELS:
        raise ValueError(f"Unknown status {status!r}; valid: {', '.join(STATUS_LABELS)}")
    scope = scope.strip() if isinstance(scope, str) else ""  # missing in the CSV: None, NaN or pd.NA
    text = f"{STATUS_LABELS[status]} ({scope})" if scope else STATUS_LABELS[status]
    return Html(f'<span class="status-tag status-{status}" style="border:1px dashed #333;border-radius:4px;'
                f'padding:0 5px;{"" if scope else "white-space:nowrap;"}font-size:0.9em">{esc(text)}</span>')


#: The words of the caveat shown next to a favourable result from trials in which nobody was blinded.
UNBLINDED_LABEL = "not blinded"
#: What the caveat means (its tooltip, and the evidence legend's entry).
UNBLINDED_MEANING = ("Nobody in the randomized trial(s) behind this favourable result was blinded: the patients and "
                     "the people who rated them all knew who was treated, and no placebo or sham hid it. Knowing who "
                     "was treated usually makes a treatment look better than it is, so the result needs confirming in "
                     "a blinded trial. The caveat marks only favourable results, where that risk is greatest; an open "
                     "trial that did not show a benefit can be biased too (for example when people in the comparison group "
                     "seek the treatment elsewhere).")
#: The same caveat as a mark after a code in the evidence maps and the mechanism chart, and its key.
UNBLINDED_MARK = "*"
UNBLINDED_KEY = ("* = not blinded: a favourable result from trials in which nobody was blinded; "
                 "it needs confirming in a blinded trial")


#: The words of the caveat shown next to a randomized result whose every trial compared the
#: treatment with another effective treatment instead of a placebo.
ACTIVE_CONTROL_LABEL = "against an active drug"
ACTIVE_CONTROL_MEANING = ("Every randomized trial behind this result compared the treatment with another treatment "
                          "that works, not with a placebo. A benefit then means better than that treatment (how much "
                          "that adds depends on how strong the comparator was) or, in a non-inferiority trial, no "
                          "worse than it by more than a margin fixed before the results were known and reported with "
                          "them; then the benefit over no treatment is inferred from the comparator's own trials. No "
                          "benefit shown means not "
                          "shown to be better than that treatment, which does not show that it has no effect.")
ACTIVE_CONTROL_MARK = "§"

#: The words of the caveat shown next to a claim whose deciding trial (the largest with a result; the
#: largest randomized one for a randomized grade) has reported its results only in a company or
#: university announcement, at a meeting or as summary results in a trial registry (``results_in`` in
#: trials.csv), and its mark and key.
UNPUBLISHED_LABEL = "not yet in a journal"
UNPUBLISHED_MEANING = ("The results of the main trial behind this claim (the largest, or for a randomized result the "
                       "largest randomized one, where several are cited) have so far "
                       "only been announced by the company or university that ran it, presented at a meeting or posted as "
                       "summary results in a trial registry; "
                       "they are not yet published in a "
                       "peer-reviewed journal. The full methods, data and side effects have not been checked by "
                       "independent reviewers, and an announcement can leave out details that matter, whatever "
                       "the result. Read it as provisional until the full report.")
UNPUBLISHED_MARK = "°"
UNPUBLISHED_KEY = ("° = not yet in a journal: the main (largest) trial behind the code has so far only been announced "
                   "by its sponsor, presented at a meeting or posted in a trial registry; read it as provisional")
#: The mark after a favourable code whose action on that damage is not shown in people, and its key
#: (evidence maps, figure and HTML table; the gap tables of lesson 06).
DAGGER_MARK = "†"
DAGGER_KEY = ("† = favourable result (R+ on the course of the disease, or S+ on a surrogate or secondary endpoint); that it works "
              "through this damage is not shown in people")
ACTIVE_CONTROL_KEY = "§ = against an active drug, not placebo: R0§ means not shown to be better than that drug, not no effect"
#: Each caveat as a mark after a code in the evidence maps and the mechanism chart, in display order:
#: derived column of the therapy claims -> (mark, its key, the mark's name in words). The one place
#: that pairs a caveat with its mark (:func:`caveat_marks`, the maps' keys, the lessons' legend).
CAVEAT_MARKS = {"unblinded": (UNBLINDED_MARK, UNBLINDED_KEY, "an asterisk"),
                "active_control": (ACTIVE_CONTROL_MARK, ACTIVE_CONTROL_KEY, "a section sign"),
                "unpublished": (UNPUBLISHED_MARK, UNPUBLISHED_KEY, "a degree sign")}
#: What a claim is about (``action`` in therapy_effects.csv), in the words every view uses.
CLAIM_AIMS = {"slows": "slowing further damage", "repairs": "repairing damage already done",
              "symptoms": "relieving symptoms", "research": "laboratory research (a research tool, not a treatment)"}
#: The words under a code in an evidence-map cell with a claim about repair, and their key.
REPAIR_LABEL = "repair claim"
REPAIR_KEY = ("repair claim = the claim shown is about repairing damage already done (new myelin, new "
              "oligodendrocytes or neurons), whatever its code found; in unmarked cells it is about slowing further damage, or, in the row of a research "
              "tool, about laboratory research")

#: The key of the number after a randomized code in an evidence-map cell (:func:`trial_size_text`).
SIZE_KEY = ("(number) after R+, R0, S+ or S0 = people enrolled in the largest randomized trial behind it, all arms "
            "together (none: size not recorded). A small trial can miss a real benefit or overstate one; a large "
            "placebo-controlled trial that misses makes a benefit of the size it was built to find unlikely.")


def trial_size_text(people: int | None) -> str:
    """What follows a randomized code in an evidence-map cell: `` (664)``, or nothing when no size is given."""
    return f" ({int(people):,})" if people else ""


#: Every caveat, in display order: derived column of the therapy claims -> (label, meaning, CSS class).
CAVEATS = {"unblinded": (UNBLINDED_LABEL, UNBLINDED_MEANING, "caveat-unblinded"),
           "active_control": (ACTIVE_CONTROL_LABEL, ACTIVE_CONTROL_MEANING, "caveat-active-control"),
           "unpublished": (UNPUBLISHED_LABEL, UNPUBLISHED_MEANING, "caveat-unpublished")}


def caveat_tag_html(caveat: str) -> str:
    """One caveat after a claim's badge (words in a dotted outline, so it reads without colour);
    ``caveat`` is a key of :data:`CAVEATS`."""
    if caveat not in CAVEATS:
        raise ValueError(f"Unknown caveat {caveat!r}; valid: {', '.join(CAVEATS)}")
    label, meaning, css = CAVEATS[caveat]
    return Html(f'<span class="caveat-tag {css}" title="{attr(meaning)}" '
                'style="border:1px dotted #333;border-radius:4px;padding:0 5px;white-space:nowrap;'
                f'font-size:0.9em;font-style:italic">{esc(label)}</span>')


def _carries(claim, caveat: str) -> bool:
    """Whether a therapy claim (a mapping or a named tuple) carries ``caveat``; a missing column,
    None or NaN counts as no."""
    try:
        value = claim[caveat]
    except (KeyError, TypeError, IndexError):
        value = getattr(claim, caveat, False)
    return bool(value) if value is not None and value == value else False  # NaN is no


def caveat_tags_html(claim) -> str:
    """The caveats a therapy claim carries, each followed by a space ("" when none). ``claim`` is a
    row of the therapy claims as a mapping or a named tuple; a missing caveat column counts as no."""
    return "".join(f"{caveat_tag_html(name)} " for name in CAVEATS if _carries(claim, name))


def caveat_marks(claim) -> str:
    """The marks of the caveats a therapy claim carries, in :data:`CAVEAT_MARKS` order ("" when none);
    ``claim`` as for :func:`caveat_tags_html`, or a mapping from caveat to a yes/no."""
    return "".join(mark for name, (mark, _key, _words) in CAVEAT_MARKS.items() if _carries(claim, name))


#: The colour cycle of every figure (Okabe-Ito, colour-blind safe), added to :data:`RC_PARAMS` by
#: :func:`figure_style`, which imports matplotlib.
COLOUR_CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "sky_blue", "reddish_purple",
                                       "yellow", "black")]
#: Matplotlib settings for every figure: large enough to read on a projector.
RC_PARAMS = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "als-ms-series",
    # Text in figures comes from data/: a '$' in a name must print as '$', never start math
    # (a stray '$\\frac$' would make the figure raise).
    "text.parse_math": False,
    "text.usetex": False,
}


@contextmanager
def figure_style():
    """Apply the series' matplotlib defaults inside a ``with`` block (no global side effects).

    Matplotlib is imported here and in :func:`figure_to_png`, not with this module: badges, tags and
    tables use this module too, and a view without a figure need not load the plotting library."""
    import matplotlib

    with matplotlib.rc_context({**RC_PARAMS, "axes.prop_cycle": matplotlib.cycler(color=COLOUR_CYCLE)}):
        yield


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#RRGGBB`` colour (0 = black, 1 = white)."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour_a: str, colour_b: str) -> float:
    """WCAG contrast ratio between two ``#RRGGBB`` colours (1 to 21)."""
    high, low = sorted((relative_luminance(colour_a), relative_luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def evidence_badge_html(level_id: str, label: str) -> str:
    """An inline HTML badge for an evidence level: coloured box *and* readable text."""
    if level_id not in EVIDENCE_COLOURS:
        raise ValueError(f"Unknown evidence level {level_id!r}; valid: {', '.join(EVIDENCE_COLOURS)}")
    return Html(
        f'<span class="evidence-badge evidence-{level_id}" '
        f'style="background:{EVIDENCE_COLOURS[level_id]};color:{EVIDENCE_TEXT_COLOURS[level_id]};'
        'padding:1px 6px;border-radius:4px;border:1px solid #333;font-weight:600;white-space:nowrap">'
        f"{esc(label)}</span>"
    )


def scatter_by_marker(ax, points, **style) -> None:
    """Draw ``points``, (x, y, marker, colour) tuples, with one ``scatter`` call per marker shape.

    One collection per shape rather than one per point: each ``scatter`` call costs more than drawing
    the points themselves, and a chart of every claim has a hundred of them. Points keep the order given
    within a shape; call once per layer when one layer must lie on top of another.
    """
    by_marker: dict[str, list] = {}
    for x, y, marker, colour in points:
        by_marker.setdefault(marker, []).append((x, y, colour))
    for marker, rows in by_marker.items():
        xs, ys, colours = zip(*rows)
        ax.scatter(xs, ys, marker=marker, color=list(colours), **style)


def figure_to_png(fig, dpi: int = 96, tight: bool | None = None) -> bytes:
    """Render a matplotlib Figure to PNG bytes (deterministic: no timestamp metadata) and close it.

    ``tight`` crops to the drawn content (one extra drawing pass). By default it is used only
    for figures without a layout engine: constrained layout already fits labels, titles and
    legends. Pass ``tight=False`` for a figure whose layout was solved once and then frozen.
    Without cropping the figure is drawn once, on its own canvas, as ``tests/figure_layout.py``
    checks it (``savefig`` would lay it out and draw it twice).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    if tight is None:
        tight = fig.get_layout_engine() is None
    for text in fig.findobj(Text):  # data text is literal, even in a figure drawn outside figure_style()
        text.set_parse_math(False)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        if tight:
            fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight")
        else:
            fig.set_dpi(dpi)
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            image = canvas_image(canvas)
            # level 3: a third quicker than the default 6, and no larger for these flat-colour figures
            image.convert("RGB").save(buffer, format="png", compress_level=3, dpi=(dpi, dpi))
    # The series builds figures without pyplot, so pyplot is never imported for them (in a kernel that
    # import also sets up the inline backend); a figure made with pyplot elsewhere is closed through it,
    # so that the inline backend does not show it a second time.
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    return buffer.getvalue()


def canvas_image(canvas, copy: bool = False):
    """An Agg canvas's pixels as a PIL RGBA image: a view of the canvas (until its next draw),
    or with ``copy`` a picture of its own (e.g. a transparent overlay for :func:`blit_png`)."""
    from PIL import Image

    width, height = canvas.get_width_height()
    pixels = bytes(canvas.buffer_rgba()) if copy else canvas.buffer_rgba()
    return Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)


def blit_png(canvas, background, artists, overlay=None) -> bytes:
    """PNG bytes of ``canvas`` after restoring ``background`` (from ``canvas.copy_from_bbox``),
    drawing only ``artists`` over it, lowest zorder first (the "blitting" of animations), and
    laying ``overlay`` (an RGBA image of the canvas's size, from :func:`canvas_image`) on top.

    Used where a widget redraws a few changing artists over a picture laid out once: much
    faster than drawing the whole figure. Encoded by :func:`widget_png`.
    """
    from PIL import Image

    canvas.restore_region(background)
    renderer = canvas.get_renderer()
    for artist in sorted(artists, key=lambda a: a.get_zorder()):
        if artist.get_visible():
            artist.draw(renderer)
    image = canvas_image(canvas)
    if overlay is not None:
        image = Image.alpha_composite(image, overlay)
    return widget_png(image)


def widget_png(image) -> bytes:
    """PNG bytes of a PIL image shown in a widget: RGB, no metadata, light compression (the image is
    sent at once, not kept)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()
