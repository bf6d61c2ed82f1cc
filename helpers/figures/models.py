"""Figures for the four teaching models in :mod:`helpers.models`.

Each model has a small *plot* class that builds its figure once and can redraw it with new
results quickly (the widgets reuse it on every slider change), a public ``*_figure`` function
that returns a finished matplotlib ``Figure`` (built without pyplot, so a notebook shows it
once), and a ``describe_*`` function that returns a one-sentence text alternative for
learners who cannot see the figure.

Colour is never the only cue: every line also differs in style or marker, bars differ in
hatching, and every element is labelled. ALS is always vermillion and MS always blue
(:data:`helpers.style.DISEASE_COLOURS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from .. import models
from ..style import DISEASE_COLOURS, GREYS, OKABE_ITO, figure_style
from .settings import LESSON_TRIAL_COUNT, POWER_CURVE_ARM_SIZES, POWER_CURVE_EFFECTS, POWER_CURVE_TRIALS  # noqa: F401

ALS = DISEASE_COLOURS["als"]
MS = DISEASE_COLOURS["ms"]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


# =========================================================================== conduction
CHAIN_INTERNODES = 24


class ConductionPlot:
    """Velocity–diameter panel, optic-nerve latency panel and a chain-of-internodes schematic."""

    def __init__(self, params: Mapping[str, float] | None = None,
                 ranges: Mapping[str, tuple[float, float]] | None = None, figsize=(10.0, 5.6)):
        self.p = p = models._params("conduction", params)
        ranges = models.parameter_ranges("conduction") if ranges is None else ranges
        with figure_style():
            self.fig = fig = Figure(figsize=figsize, layout="constrained")
            grid = fig.add_gridspec(2, 2, height_ratios=[3.0, 1.0])
            self.ax_v = ax_v = fig.add_subplot(grid[0, 0])
            self.ax_l = ax_l = fig.add_subplot(grid[0, 1])
            self.ax_c = ax_c = fig.add_subplot(grid[1, :])
            fig.suptitle("Myelin and conduction (teaching model)", fontsize=15, x=0.01, ha="left")

            # --- left: velocity versus diameter, with the textbook fibre classes
            # each class named beside its box, at the top; C at the bottom, clear of the unmyelinated line
            for name, key, at_top in (("Aα", "a_alpha", True), ("Aδ", "a_delta", True), ("C", "c", False)):
                d_lo, d_hi = ranges[f"textbook_{key}_diameter_um"]
                v_lo, v_hi = ranges[f"textbook_{key}_velocity_m_per_s"]
                ax_v.add_patch(Rectangle((d_lo, v_lo), d_hi - d_lo, v_hi - v_lo, facecolor=GREYS["light"],
                                         edgecolor=GREYS["dark"], linewidth=0.8, zorder=1))
                ax_v.text(d_hi * 1.03, v_hi if at_top else v_lo, f"{name} (textbook)", fontsize=9,
                          va="top" if at_top else "bottom", color=GREYS["dark"])
            d_my = np.geomspace(0.5, 25, 60)
            d_un = np.geomspace(0.1, 3, 40)
            ax_v.plot(d_my, models.myelinated_velocity_m_per_s(d_my, p), color=OKABE_ITO["black"], lw=2,
                      label="myelinated: saltatory")
            ax_v.plot(d_un, models.unmyelinated_velocity_m_per_s(d_un, p), color=OKABE_ITO["orange"], lw=2,
                      ls="--", label="unmyelinated: continuous")
            (self.v_healthy_pt,) = ax_v.plot([], [], "o", ms=9, color=OKABE_ITO["black"], mfc="white", mew=2,
                                             label="this fibre, healthy", zorder=5)
            (self.v_now_pt,) = ax_v.plot([], [], "v", ms=10, color=MS, label="this fibre, now", zorder=6)
            ax_v.set_xscale("log")
            ax_v.set_yscale("log")
            ax_v.set_xlim(0.1, 30)
            ax_v.set_ylim(0.2, 300)
            # plain numbers (0.1, 1, 10) rather than powers of ten: easier to read, and quicker to draw
            for axis, ticks in ((ax_v.xaxis, (0.1, 0.3, 1, 3, 10, 30)), (ax_v.yaxis, (0.3, 1, 3, 10, 30, 100, 300))):
                axis.set_ticks(ticks, [f"{tick:g}" for tick in ticks])
                axis.set_minor_locator(NullLocator())
            ax_v.set_xlabel("Fibre diameter (µm)")
            ax_v.set_ylabel("Conduction velocity (m/s)")
            ax_v.set_title("Speed depends on size and myelin", fontsize=13, loc="left")
            ax_v.legend(loc="upper left", fontsize=9, frameon=False)

            # --- right: latency over the pathway versus share of internodes affected
            self.frac = np.linspace(0.0, 1.0, 101)
            (self.l_demy,) = ax_l.plot([], [], color=MS, lw=2.5, label="demyelinated")
            (self.l_remy,) = ax_l.plot([], [], color=OKABE_ITO["bluish_green"], lw=2, ls="--", marker="s",
                                       markevery=10, ms=5, label="after remyelination")
            self.l_normal = ax_l.axhline(p["vep_p100_latency_ms"], color=GREYS["dark"], ls=":", lw=1.5,
                                         label="normal")
            (self.l_now,) = ax_l.plot([], [], "v", ms=11, color=MS, zorder=6, label=self.NOW_SHOWN)
            self.block_span = ax_l.axvspan(0, 100, facecolor=GREYS["light"], hatch="xx", edgecolor=GREYS["mid"],
                                              alpha=0.6, lw=0, visible=False)
            self.block_text = ax_l.text(0.5, 0.5, "", transform=ax_l.transAxes, ha="center", va="center",
                                        fontsize=10, fontweight="bold",
                                        bbox={"facecolor": "white", "edgecolor": GREYS["dark"], "pad": 4})
            self.offscale_text = ax_l.text(0.98, 0.055, "", transform=ax_l.transAxes, ha="right", va="top",
                                           fontsize=9)  # below the normal line
            ax_l.set_xlim(0, 100)
            # fixed scale, so that settings can be compared by eye (and the widget redraws faster)
            ax_l.set_ylim(p["vep_p100_latency_ms"] - 3, p["vep_p100_latency_ms"] + 40)
            ax_l.set_xlabel("Internodes that lost myelin (%)")
            ax_l.set_ylabel("Model visual signal delay,\nVEP P100 latency (ms)")
            self.l_title = ax_l.set_title(self.TITLE_BLOCK, fontsize=13, loc="left")
            ax_l.legend(loc="upper left", fontsize=9, framealpha=0.9)

            # --- bottom: chain of internodes
            ax_c.set_xlim(-0.5, CHAIN_INTERNODES + 2.5)
            ax_c.set_ylim(-1.2, 1.2)
            ax_c.set_yticks([])
            ax_c.set_xticks([])
            for side in ("left", "bottom"):
                ax_c.spines[side].set_visible(False)
            ax_c.set_title("Section of one axon: nodes (|) and internodes (myelin drawn as thickness)",
                           fontsize=11, loc="left")
            self.chain_collection = None
            self.chain_texts: list = []

    # ------------------------------------------------------------------ update
    def update(self, fibre_diameter_um: float, fraction_demyelinated: float, myelin_remaining: float,
               remyelinated: bool = False, myelinated: bool = True, pathway_length_mm: float | None = None) -> dict:
        """Redraw for new settings; returns the model results shown (for captions and tests)."""
        p = self.p
        length = p["optic_nerve_length_mm"] if pathway_length_mm is None else float(pathway_length_mm)
        now = models.pathway_conduction(fibre_diameter_um, length, fraction_demyelinated, myelin_remaining,
                                        remyelinated, myelinated, p)
        healthy_v = float(now.healthy_velocity_m_per_s)
        self.v_healthy_pt.set_data([fibre_diameter_um], [healthy_v])
        now_v = float(now.velocity_m_per_s)
        self.v_now_pt.set_data(([fibre_diameter_um], [now_v]) if np.isfinite(now_v) else ([], []))

        ax_l = self.ax_l
        if myelinated:
            demy = models.pathway_conduction(fibre_diameter_um, length, self.frac, myelin_remaining, False, True, p)
            remy = models.pathway_conduction(fibre_diameter_um, length, self.frac, myelin_remaining, True, True, p)
            lat_d = models.vep_p100_latency_ms(demy.conduction_time_ms, demy.healthy_time_ms, p)
            lat_r = models.vep_p100_latency_ms(remy.conduction_time_ms, remy.healthy_time_ms, p)
            self.l_demy.set_data(100 * self.frac, lat_d)
            self.l_remy.set_data(100 * self.frac, lat_r)
            lat_now = float(models.vep_p100_latency_ms(now.conduction_time_ms, now.healthy_time_ms, p))
            self.l_now.set_data(([100 * fraction_demyelinated], [lat_now]) if np.isfinite(lat_now) else ([], []))
            top = ax_l.get_ylim()[1]
            # the key says why no triangle shows, when none does
            self._set_now_label(self.NOW_BLOCKED if not np.isfinite(lat_now)
                                else self.NOW_ABOVE if lat_now > top else self.NOW_SHOWN)
            above = [name for name, lat in (("demyelinated", lat_d), ("remyelinated", lat_r)) if np.any(lat > top)]
            self.offscale_text.set_text(f"↑ {'both curves run' if len(above) > 1 else above[0] + ' curve runs'} "
                                        f"on above {top:.0f} ms" if above else "")
            blocked_curve = not bool(np.all(demy.arrives[1:]))
            self.block_span.set_visible(blocked_curve)
            self.l_title.set_text(self.TITLE_BLOCK if blocked_curve else self.TITLE_DELAY)  # promise only what is drawn
            if not bool(now.arrives):
                self.block_text.set_text(self.BLOCKED_NOW)
            elif blocked_curve:
                self.block_text.set_text(self.BLOCKED_CURVE)
            else:
                self.block_text.set_text("")
            self.block_text.set_visible(bool(self.block_text.get_text()))
            self._place_key_and_box([(self.frac, lat_d), (self.frac, lat_r),
                                     ([fraction_demyelinated], [lat_now])])
        else:
            for line in (self.l_demy, self.l_remy, self.l_now):
                line.set_data([], [])
            self._set_now_label(self.NOW_UNMYELINATED)
            self.block_span.set_visible(False)
            self.l_title.set_text(self.TITLE_NONE)
            self.block_text.set_text(self.UNMYELINATED)
            self.block_text.set_visible(True)
            self.offscale_text.set_text("")
            self._place_key_and_box([])
        self._draw_chain(fraction_demyelinated, myelin_remaining, remyelinated, myelinated)
        return {"result": now}

    # The latency panel's messages, and where its key and text box go: where no curve runs. Sizes are in
    # fractions of the panel, measured on the laid-out figure with a margin; tests/test_model_widgets.py
    # checks the real drawing.
    # the panel's title names what it shows: delay only, or delay and block (never a block that is not drawn)
    TITLE_DELAY = "Optic nerve: delay, no block"
    TITLE_BLOCK = "Optic nerve: delay and block"
    TITLE_NONE = "Optic nerve: no myelin"
    BLOCKED_NOW = "Conduction block:\nthe signal does not arrive"
    BLOCKED_CURVE = "Demyelinated: blocked\nRemyelinated: conducts again"
    UNMYELINATED = "Unmyelinated fibre:\nno myelin to lose"
    BOX_WIDTHS = {BLOCKED_NOW: 0.61, BLOCKED_CURVE: 0.71, UNMYELINATED: 0.49}
    NOW_SHOWN = "current setting"
    NOW_BLOCKED = "current: blocked"
    NOW_ABOVE = "current: off scale ↑"
    NOW_UNMYELINATED = "current: no myelin"
    KEY_SIZE = (0.49, 0.30)
    BOX_HEIGHT = 0.15

    def _set_now_label(self, text: str) -> None:
        """Name the current setting in the key; its entry is the key's last."""
        self.ax_l.get_legend().get_texts()[-1].set_text(text)

    def _place_key_and_box(self, curves: list) -> None:
        """Put the key at the upper left, or at the lower right when a curve runs through the upper left,
        and the text box at the first place, from the centre outwards, that no curve and the key cross."""
        lo, hi = self.ax_l.get_ylim()
        points = [np.column_stack([np.asarray(x, float), (np.asarray(y, float) - lo) / (hi - lo)])
                  for x, y in curves]
        points.append(np.column_stack([np.linspace(0, 1, 41), np.full(41, (self.p["vep_p100_latency_ms"] - lo)
                                                                          / (hi - lo))]))  # the normal line
        xy = np.vstack(points)
        xy = xy[np.isfinite(xy).all(axis=1)]

        def crossings(x0, y0, x1, y1):
            return int(((xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)).sum())

        kw, kh = self.KEY_SIZE
        key = self.ax_l.get_legend()
        upper_left, lower_right = (0.0, 1.0 - kh, kw, 1.0), (1.0 - kw, 0.1, 1.0, 0.1 + kh)
        if crossings(*upper_left) and not crossings(*lower_right):
            key.set_loc("lower right")
            key.set_bbox_to_anchor((0.0, 0.1, 1.0, 0.9), transform=self.ax_l.transAxes)
            taken = lower_right
        else:
            key.set_loc("upper left")
            key.set_bbox_to_anchor(None)
            taken = upper_left
        text = self.block_text.get_text()
        if not text:
            return
        w, h = self.BOX_WIDTHS[text], self.BOX_HEIGHT
        spots = [(0.5 - w / 2, 0.5 - h / 2), (0.98 - w, 0.11), (0.98 - w, 0.35), (0.02, 0.11), (0.02, 0.35),
                 (0.5 - w / 2, 0.62), (0.98 - w, 0.97 - h)]

        def cost(spot):
            x0, y0 = spot
            x1, y1 = x0 + w, y0 + h
            overlaps_key = x0 < taken[2] and taken[0] < x1 and y0 < taken[3] and taken[1] < y1
            return crossings(x0, y0, x1, y1) + (1000 if overlaps_key else 0)

        x0, y0 = min(spots, key=cost)  # the first of the best: the centre whenever it is free
        self.block_text.set_position((x0 + w / 2, y0 + h / 2))

    def static_key(self) -> tuple:
        """Everything drawn outside :meth:`dynamic_artists` depends only on this key."""
        return ()

    def dynamic_artists(self) -> list:
        """Artists that change with the settings (redrawn on every widget update)."""
        return [self.v_healthy_pt, self.v_now_pt, self.block_span, self.l_demy, self.l_remy, self.l_now,
                self.ax_l.get_legend(), self.block_text, self.offscale_text, self.l_title, self.chain_collection, *self.chain_texts]

    def _draw_chain(self, fraction_demyelinated, myelin_remaining, remyelinated, myelinated) -> None:
        ax = self.ax_c
        if self.chain_collection is not None:
            self.chain_collection.remove()
        for text in self.chain_texts:
            text.remove()
        self.chain_texts = []
        patches, colours = [], []
        if myelinated:
            chain = models.internode_chain(CHAIN_INTERNODES, fraction_demyelinated, myelin_remaining, remyelinated,
                                           self.p)
            x = 0.0
            for i in range(CHAIN_INTERNODES):
                m = chain["myelin_fraction"][i]
                pieces = int(round(1.0 / chain["length_fraction"][i]))
                width = 1.0 / pieces
                for _ in range(pieces):
                    h = 0.9 * m
                    patches.append(Rectangle((x + 0.06, -h), width - 0.12, 2 * h))
                    colours.append(OKABE_ITO["bluish_green"] if chain["affected"][i] and remyelinated
                                   else (OKABE_ITO["sky_blue"] if chain["affected"][i] else MS))
                    x += width
            ax_line = ax.plot([0, CHAIN_INTERNODES], [0, 0], color=OKABE_ITO["black"], lw=1.2, zorder=3)[0]
            self.chain_texts.append(ax_line)
            nodes = ax.vlines(np.arange(CHAIN_INTERNODES + 1), -0.25, 0.25, color=OKABE_ITO["black"], lw=1.5, zorder=4)
            self.chain_texts.append(nodes)
            block = int(chain["first_block"])
            if block >= 0:
                self.chain_texts.append(ax.plot([block + 0.5], [0], "X", ms=16, color=OKABE_ITO["black"], zorder=5)[0])
                self.chain_texts.append(ax.text(block + 0.5, -1.15, "impulse stops here", ha="center", va="bottom",
                                                fontsize=10, fontweight="bold"))
            else:
                self.chain_texts.append(ax.annotate("", xy=(CHAIN_INTERNODES + 2.2, 0),
                                                    xytext=(CHAIN_INTERNODES + 0.3, 0),
                                                    arrowprops={"arrowstyle": "-|>", "lw": 2}))
                self.chain_texts.append(ax.text(CHAIN_INTERNODES + 1.2, 0.35, "arrives", ha="center", fontsize=10))
            label = ("light blue, thin: myelin partly lost" if not remyelinated
                     else "green: remyelinated (thinner, shorter internodes)")
            self.chain_texts.append(ax.text(0, 1.15, f"dark blue: healthy myelin · {label}", fontsize=9, va="top"))
        else:
            self.chain_texts.append(ax.plot([0, CHAIN_INTERNODES], [0, 0], color=OKABE_ITO["orange"], lw=4,
                                            ls="--")[0])
            self.chain_texts.append(ax.text(CHAIN_INTERNODES / 2, 0.45, "unmyelinated axon: no nodes, the impulse "
                                            "creeps along continuously", ha="center", fontsize=10))
        collection = PatchCollection(patches, facecolors=colours, edgecolors=GREYS["dark"], linewidths=0.5)
        ax.add_collection(collection)
        self.chain_collection = collection


def conduction_figure(fibre_diameter_um: float | None = None, fraction_demyelinated: float = 0.3,
                      myelin_remaining: float = 0.4, remyelinated: bool = False, myelinated: bool = True,
                      pathway_length_mm: float | None = None, params: Mapping[str, float] | None = None,
                      ranges: Mapping[str, tuple[float, float]] | None = None) -> Figure:
    """Figure of the conduction model (defaults: a typical optic nerve fibre, 30% of internodes at 40% myelin)."""
    p = models._params("conduction", params)
    plot = ConductionPlot(p, ranges)
    d = p["optic_nerve_fibre_diameter_um"] if fibre_diameter_um is None else fibre_diameter_um
    plot.update(d, fraction_demyelinated, myelin_remaining, remyelinated, myelinated, pathway_length_mm)
    return plot.fig


def describe_conduction(fibre_diameter_um: float | None = None, fraction_demyelinated: float = 0.3,
                        myelin_remaining: float = 0.4, remyelinated: bool = False, myelinated: bool = True,
                        pathway_length_mm: float | None = None, params: Mapping[str, float] | None = None) -> str:
    """One-sentence text alternative for :func:`conduction_figure` with the same arguments."""
    p = models._params("conduction", params)
    d = p["optic_nerve_fibre_diameter_um"] if fibre_diameter_um is None else fibre_diameter_um
    length = p["optic_nerve_length_mm"] if pathway_length_mm is None else pathway_length_mm
    r = models.pathway_conduction(d, length, fraction_demyelinated, myelin_remaining, remyelinated, myelinated, p)
    if not myelinated:
        return (f"Teaching-model figure: an unmyelinated fibre {d:g} µm across conducts continuously at about "
                f"{float(r.velocity_m_per_s):.1f} m/s, far slower than a myelinated fibre of the same size "
                f"({float(models.myelinated_velocity_m_per_s(d, p)):.0f} m/s); it has no myelin to lose.")
    state = "remyelinated" if remyelinated else f"left with {_pct(myelin_remaining)} of their myelin"
    start = (f"Teaching-model figure: a myelinated fibre {d:g} µm across conducts at "
             f"{float(r.healthy_velocity_m_per_s):.0f} m/s when healthy; with {_pct(fraction_demyelinated)} of "
             f"internodes {state}, ")
    if not bool(r.arrives):
        return start + ("the safety factor falls below 1 and the impulse is blocked, so the signal does not arrive "
                        "(the plot shows latency rising with more demyelination, and recovery after remyelination).")
    lat = float(models.vep_p100_latency_ms(r.conduction_time_ms, r.healthy_time_ms, p))
    return start + (f"it slows to {float(r.velocity_m_per_s):.1f} m/s and the model VEP P100 latency (how long the brain's "
                    f"response to a visual pattern takes: the visual evoked potential) rises from "
                    f"{p['vep_p100_latency_ms']:.0f} to {lat:.1f} ms; the latency curve climbs as more internodes "
                    f"are affected, and remyelination brings it part of the way back.")


def _mean_of_present(scores: np.ndarray) -> np.ndarray:
    """Mean of each column over the people still in the trial (NaN once everyone has dropped out).

    ``np.nanmean`` gives the same numbers but warns about an empty column, and a warning from a
    widget's update ends up in front of the learner.
    """
    present = np.isfinite(scores)
    counts = present.sum(axis=0)
    totals = np.where(present, scores, 0.0).sum(axis=0)
    return np.divide(totals, counts, out=np.full(totals.shape, np.nan), where=counts > 0)


def _percent_axis_with_headroom(ax, top: float) -> None:
    """A percent axis that runs on to ``top``: ticks and the axis line stop at 100 %, and the band above
    holds text boxes, clear of every curve and bar (which never pass 100 %)."""
    ax.set_ylim(0, top)
    ax.set_yticks(range(0, 101, 20))
    ax.spines["left"].set_bounds(0, 100)


# =========================================================================== motor units
MOTOR_Y_TOP = 132  # the motor-unit panels' percent axes run to here (see _percent_axis_with_headroom)
class MotorUnitPlot:
    """Strength versus motor units lost, and the time course of one muscle."""

    def __init__(self, params: Mapping[str, float] | None = None, figsize=(10.0, 4.9)):
        self.p = models._params("motor_units", params)
        with figure_style():
            self.fig = fig = Figure(figsize=figsize, layout="constrained")
            self.ax_s, self.ax_t = ax_s, ax_t = fig.subplots(1, 2)
            fig.suptitle("Motor unit reserve in ALS (teaching model)", fontsize=15, x=0.01, ha="left")
            self.lost = np.linspace(0, 1, 201)
            (self.s_with,) = ax_s.plot([], [], color=ALS, lw=2.5, label="strength, with reinnervation")
            # without reinnervation strength falls in step with the units lost: one line carries both meanings
            # (two lines on top of each other would show one entry of the key with no visible line of its own)
            ax_s.plot(100 * self.lost, 100 * models.motor_unit_strength_fraction(self.lost, 1.0),
                      color=OKABE_ITO["black"], lw=1.5, ls=":",
                      label="motor units left\n(= strength with no reinnervation)")
            self.s_thresh = ax_s.axhline(0, color=GREYS["dark"], ls="-.", lw=1.3,
                                         label="weakness noticed below this line")
            (self.s_onset,) = ax_s.plot([], [], "D", ms=9, color=ALS, mfc="white", mew=2, zorder=5,
                                        label="weakness first noticed")
            self.s_text = ax_s.text(0.03, 0.975, "", transform=ax_s.transAxes, va="top", fontsize=10,
                                    bbox={"facecolor": "white", "edgecolor": GREYS["mid"], "pad": 3})
            ax_s.set_xlim(0, 100)
            # both panels keep one scale, so that their 100 % lines sit side by side
            _percent_axis_with_headroom(ax_s, MOTOR_Y_TOP)
            ax_s.set_xlabel("Motor units lost (%)")
            ax_s.set_ylabel("Percent of normal (%)")
            ax_s.set_title("Strength hides the loss", fontsize=13, loc="left")
            # below the panel, like the time panel's key: inside it, the lines would cross the key's text
            ax_s.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=9, frameon=False)

            (self.t_strength,) = ax_t.plot([], [], color=ALS, lw=2.5, label="strength (expected)")
            (self.t_sim_strength,) = ax_t.plot([], [], color=ALS, lw=1, drawstyle="steps-post", alpha=0.7,
                                               label="strength (one simulated muscle)")
            (self.t_units,) = ax_t.plot([], [], color=OKABE_ITO["black"], lw=1.5, ls=":", label="motor units left")
            (self.t_sim_units,) = ax_t.plot([], [], color=GREYS["dark"], lw=1, drawstyle="steps-post",
                                            label="units left (simulated)")
            self.t_onset = ax_t.axvline(0, ymax=100 / MOTOR_Y_TOP, color=GREYS["dark"], ls="--", lw=1.3,
                                        label="weakness first noticed")
            self.t_text = ax_t.text(0.97, 0.975, "", transform=ax_t.transAxes, ha="right", va="top", fontsize=10,
                                    bbox={"facecolor": "white", "edgecolor": GREYS["mid"], "pad": 3})
            _percent_axis_with_headroom(ax_t, MOTOR_Y_TOP)
            ax_t.set_xlabel("Time since motor neuron loss began (years)")
            ax_t.set_ylabel("Percent of normal (%)")
            ax_t.set_title("Symptoms start late", fontsize=13, loc="left")
            # below the panel: inside it, fast or slow declines would run under the key at some settings
            ax_t.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9, frameon=False)

    def static_key(self) -> tuple:
        """Everything drawn outside :meth:`dynamic_artists` depends only on this key."""
        return ()

    def dynamic_artists(self) -> list:
        # with the time axis, whose ticks follow the time span (keys and titles stay static: the widget
        # lays the static artists that a full draw puts on top over the changing ones)
        return [self.s_with, self.s_thresh, self.s_onset, self.s_text,
                self.t_strength, self.t_sim_strength, self.t_units, self.t_sim_units, self.t_onset, self.t_text,
                self.ax_t.xaxis]

    def update(self, course: models.MotorUnitCourse) -> None:
        self.s_with.set_data(100 * self.lost,
                             100 * models.motor_unit_strength_fraction(self.lost, course.reinnervation_capacity))
        self.s_thresh.set_ydata([100 * course.weakness_threshold] * 2)
        lost_at_onset = 1 - course.onset_fraction_remaining
        self.s_onset.set_data([100 * lost_at_onset], [100 * course.weakness_threshold])
        self.s_text.set_text(f"In this model, weakness is noticed only\nafter {_pct(lost_at_onset)} of motor units are lost")
        t = course.years
        self.t_strength.set_data(t, 100 * course.expected_strength)
        self.t_sim_strength.set_data(t, 100 * course.simulated_strength)
        self.t_units.set_data(t, 100 * course.expected_surviving)
        self.t_sim_units.set_data(t, 100 * course.simulated_surviving_units / course.n_units)
        self.ax_t.set_xlim(0, t[-1])
        if np.isfinite(course.onset_years) and course.onset_years <= t[-1]:
            self.t_onset.set_xdata([course.onset_years] * 2)
            self.t_onset.set_visible(True)
            self.t_text.set_text(f"Weakness noticed at {course.onset_years:.1f} years:\n"
                                 f"only {_pct(course.onset_fraction_remaining)} of motor units remain")
        else:
            self.t_onset.set_visible(False)
            span = f"{t[-1]:.0f}"
            self.t_text.set_text(f"No weakness noticed within {span} year{'' if span == '1' else 's'}")


def motor_unit_figure(course: models.MotorUnitCourse | None = None,
                      params: Mapping[str, float] | None = None) -> Figure:
    """Figure of the motor unit model (default: parameters from ``data/``)."""
    p = models._params("motor_units", params)
    plot = MotorUnitPlot(p)
    plot.update(models.motor_unit_course(params=p) if course is None else course)
    return plot.fig


def describe_motor_units(course: models.MotorUnitCourse | None = None,
                         params: Mapping[str, float] | None = None) -> str:
    """One-sentence text alternative for :func:`motor_unit_figure`."""
    c = models.motor_unit_course(params=params) if course is None else course
    lost = 1 - c.onset_fraction_remaining
    return (f"Teaching-model figure: with surviving motor units able to grow to {c.reinnervation_capacity:g} times "
            f"their size, strength stays at 100% until about {_pct(1 - 1 / max(c.reinnervation_capacity, 1))} of "
            f"motor units are lost and then falls steeply, while without reinnervation it falls in step with the loss; "
            f"over time, weakness is first noticed after {c.onset_years:.1f} years, when {_pct(lost)} of the motor "
            f"units are already gone.")


# =========================================================================== ALSFRS-R trial
class TrialPlot:
    """One simulated trial's ALSFRS-R scores, and the share of simulated trials declaring a result."""

    N_SHOWN = 12

    def __init__(self, params: Mapping[str, float] | None = None, figsize=(10.0, 4.3),
                 fixed_max_months: float | None = None):
        """``fixed_max_months`` keeps the time axis fixed (the widget uses the longest trial allowed)."""
        self.p = models._params("alsfrs", params)
        self.fixed_max_months = fixed_max_months
        with figure_style():
            self.fig = fig = Figure(figsize=figsize, layout="constrained")
            self.ax_s, self.ax_b = ax_s, ax_b = fig.subplots(1, 2, width_ratios=[1.1, 1.0])
            fig.suptitle("ALSFRS-R decline and trial simulator (teaching model)", fontsize=15, x=0.01, ha="left")
            self.ctrl_lines = [ax_s.plot([], [], color=GREYS["mid"], lw=0.7, ls="--", alpha=0.8)[0]
                               for _ in range(self.N_SHOWN)]
            self.trt_lines = [ax_s.plot([], [], color=ALS, lw=0.7, alpha=0.5)[0] for _ in range(self.N_SHOWN)]
            (self.ctrl_mean,) = ax_s.plot([], [], color=OKABE_ITO["black"], lw=2.5, ls="--", marker="o", ms=5,
                                          label="placebo arm (mean)")
            (self.trt_mean,) = ax_s.plot([], [], color=ALS, lw=2.5, marker="s", ms=5, label="treated arm (mean)")
            ax_s.set_ylim(0, self.p["alsfrs_r_max_points"])
            ax_s.set_xlabel("Time in trial (months)")
            ax_s.set_ylabel("ALSFRS-R score (points, 0–48)")
            ax_s.set_title("One simulated trial", fontsize=13, loc="left")
            ax_s.legend(loc="lower left", fontsize=9, frameon=False)

            labels = ["Randomized,\ntrue effect", "Randomized,\nno effect", "Single-arm vs\nhistory, no effect"]
            self.bars = ax_b.bar(range(3), [0, 0, 0], color=[ALS, GREYS["light"], OKABE_ITO["black"]],
                                 edgecolor=OKABE_ITO["black"], width=0.65)
            for bar, hatch in zip(self.bars, ("", "//", "xx")):
                bar.set_hatch(hatch)
            self.bars[2].set_facecolor(GREYS["dark"])
            self.bar_texts = [ax_b.text(i, 0, "", ha="center", va="bottom", fontsize=11, fontweight="bold")
                              for i in range(3)]
            self.alpha_line = ax_b.axhline(5, color=OKABE_ITO["black"], ls="--", lw=1.2)
            # in the band above 100 %, clear of the bars' labels even at 100 %
            self.alpha_text = ax_b.text(-0.4, 123, "", ha="left", va="top", fontsize=9)
            ax_b.set_xticks(range(3), labels, fontsize=10)
            _percent_axis_with_headroom(ax_b, 126)
            ax_b.set_ylabel("Simulated trials called\n'significant' (%)")
            ax_b.set_xlabel("Study design (simulated)")
            ax_b.set_title("Power and false positives", fontsize=13, loc="left")

    def static_key(self) -> tuple:
        return tuple(self.ax_s.get_xlim())

    def dynamic_artists(self) -> list:
        return [*self.ctrl_lines, *self.trt_lines, self.ctrl_mean, self.trt_mean, *self.bars, *self.bar_texts,
                self.alpha_line, self.alpha_text]

    def update(self, sim: models.TrialSimulation) -> None:
        months = sim.example_months
        for lines, scores in ((self.ctrl_lines, sim.example_control), (self.trt_lines, sim.example_treated)):
            for i, line in enumerate(lines):
                line.set_data(months, scores[i] if i < scores.shape[0] else np.full(months.size, np.nan))
        self.ctrl_mean.set_data(months, _mean_of_present(sim.example_control))
        self.trt_mean.set_data(months, _mean_of_present(sim.example_treated))
        self.ax_s.set_xlim(0, months[-1] if self.fixed_max_months is None else self.fixed_max_months)
        values = [100 * sim.power, 100 * sim.false_positive_rate, 100 * sim.single_arm_false_positive_rate]
        for bar, text, value in zip(self.bars, self.bar_texts, values):
            bar.set_height(value)
            text.set_position((bar.get_x() + bar.get_width() / 2, value + 1.5))
            text.set_text(f"{value:.0f}%")
        self.alpha_line.set_ydata([100 * sim.alpha] * 2)
        self.alpha_text.set_text(f"dashed line: α = {100 * sim.alpha:g}%, the false-positive rate a fair test allows")


def alsfrs_trial_figure(sim: models.TrialSimulation | None = None,
                        params: Mapping[str, float] | None = None) -> Figure:
    """Figure of the trial simulator (default: parameters from ``data/``, :data:`LESSON_TRIAL_COUNT` trials)."""
    p = models._params("alsfrs", params)
    plot = TrialPlot(p)
    plot.update(models.simulate_alsfrs_trials(n_trials=LESSON_TRIAL_COUNT, params=p) if sim is None else sim)
    return plot.fig


def describe_alsfrs_trial(sim: models.TrialSimulation | None = None,
                          params: Mapping[str, float] | None = None) -> str:
    """One-sentence text alternative for :func:`alsfrs_trial_figure`."""
    s = models.simulate_alsfrs_trials(n_trials=LESSON_TRIAL_COUNT, params=params) if sim is None else sim
    return (f"Teaching-model figure: simulated ALSFRS-R scores fall by about one point a month in both arms of one "
            f"trial; across {s.n_trials:,} simulated trials with {s.patients_per_arm} patients per arm, a treatment "
            f"that slows decline by {_pct(s.treatment_slowing)} is detected {_pct(s.power)} of the time, a useless "
            f"treatment is 'significant' in {_pct(s.false_positive_rate)} of randomized trials but in "
            f"{_pct(s.single_arm_false_positive_rate)} of single-arm studies compared with historical controls that "
            f"declined {_pct(abs(s.historical_bias))} {'faster' if s.historical_bias >= 0 else 'slower'}.")


def spaced_log_ticks(values, min_decades: float = 0.1) -> list:
    """The values to label on a log axis: each at least ``min_decades`` (a tenth of a factor of 10)
    right of the last one labelled, so that neighbouring labels do not touch; the first is always kept."""
    ticks = []
    for value in sorted(values):
        if not ticks or np.log10(value) - np.log10(ticks[-1]) >= min_decades:
            ticks.append(value)
    return ticks


def power_curve_figure(treatment_slowing_values=POWER_CURVE_EFFECTS, patients_per_arm_values=POWER_CURVE_ARM_SIZES,
                       n_trials: int = POWER_CURVE_TRIALS, params: Mapping[str, float] | None = None) -> Figure:
    """Static figure: power of a randomized trial versus arm size, one line per treatment effect."""
    p = models._params("alsfrs", params)
    styles = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")]
    with figure_style():
        fig = Figure(figsize=(7.5, 4.3), layout="constrained")
        ax = fig.add_subplot()
        curves = models.trial_power_curves(patients_per_arm_values, treatment_slowing_values, n_trials, params=p)
        for i, (effect, power) in enumerate(zip(treatment_slowing_values, curves)):
            ls, marker = styles[i % len(styles)]
            ax.plot(patients_per_arm_values, 100 * power, color=ALS, ls=ls, marker=marker, lw=2,
                    label=f"treatment slows decline by {_pct(effect)}")
        ax.axhline(80, color=GREYS["dark"], ls="-.", lw=1.2, label="80% power (a common target)")
        ax.set_xscale("log")
        ax.xaxis.set_minor_locator(NullLocator())
        ticks = spaced_log_ticks(patients_per_arm_values)
        ax.set_xticks(ticks, [str(n) for n in ticks])
        ax.set_ylim(0, 102)
        ax.set_xlabel("Trial size (patients per arm)")
        ax.set_ylabel("Power: trials detecting the effect (%)")
        ax.set_title("Smaller effects need bigger trials to detect (teaching model)", loc="left")
        ax.legend(fontsize=10, frameon=False, loc="lower right")
    return fig


# =========================================================================== MS relapses
MS_THERAPY_LABELS = {"none": "No therapy", "natalizumab": "Natalizumab", "ahsct": "aHSCT"}
MS_THERAPY_IN_TEXT = {"none": "no therapy", "natalizumab": "natalizumab", "ahsct": "aHSCT"}


class MsRelapsePlot:
    """Mean EDSS over time, and the two sources of disability for each therapy."""

    def __init__(self, params: Mapping[str, float] | None = None, figsize=(10.0, 4.3)):
        self.p = models._params("ms_relapse", params)
        with figure_style():
            self.fig = fig = Figure(figsize=figsize, layout="constrained")
            self.ax_e, self.ax_b = ax_e, ax_b = fig.subplots(1, 2, width_ratios=[1.15, 1.0])
            fig.suptitle("MS relapses and disability (teaching model)", fontsize=15, x=0.01, ha="left")
            # drawn over the chosen therapy's line: with "no therapy" chosen the two are one line, and the
            # dashes must still show
            (self.e_none,) = ax_e.plot([], [], color=OKABE_ITO["black"], lw=2, ls="--", label="no therapy (mean)",
                                       zorder=2.5)
            (self.e_ther,) = ax_e.plot([], [], color=MS, lw=2.8, label="chosen therapy (mean)")
            (self.e_pira,) = ax_e.plot([], [], color=GREYS["dark"], lw=2, ls=":", label="PIRA only (no relapses)")
            self.band = ax_e.fill_between([0, 1], [0, 0], [0, 0], color=MS, alpha=0.15, lw=0,
                                          label="middle 80% of people (chosen therapy)")
            ax_e.set_ylim(0, self.p["edss_max"])
            ax_e.set_xlabel("Time (years)")
            ax_e.set_ylabel("EDSS (points, 0–10)")
            ax_e.set_title("Disability over time", fontsize=13, loc="left")
            # below the panel: long spans and fast progression carry the lines through the top left
            ax_e.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9, frameon=False)

            self.keys = list(models.MS_THERAPIES)
            x = np.arange(len(self.keys))
            self.b_pira = ax_b.bar(x, [0] * len(x), color=GREYS["light"], edgecolor=OKABE_ITO["black"], hatch="..",
                                   width=0.6, label="progression independent of relapses (PIRA)")
            self.b_rel = ax_b.bar(x, [0] * len(x), color=MS, edgecolor=OKABE_ITO["black"], hatch="//", width=0.6,
                                  label="left behind by relapses")
            self.b_texts = [ax_b.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in x]
            ax_b.set_xticks(x, [MS_THERAPY_LABELS[k] for k in self.keys])
            ax_b.set_ylabel("Mean EDSS gained (points)")
            ax_b.set_xlabel("Therapy (same simulated people)")
            ax_b.set_title("Where the disability comes from", fontsize=13, loc="left")
            ax_b.legend(loc="upper right", fontsize=9, frameon=False)

    def update(self, courses: dict[str, models.MsCourse], therapy: str) -> None:
        chosen, none = courses[therapy], courses["none"]
        t = chosen.years
        self.e_none.set_data(t, none.edss.mean(axis=0))
        self.e_ther.set_data(t, chosen.edss.mean(axis=0))
        self.e_pira.set_data(t, np.minimum(chosen.baseline_edss + chosen.pira_edss, self.p["edss_max"]))
        lo, hi = np.percentile(chosen.edss, [10, 90], axis=0)
        self.band.set_data(t, lo, hi)
        self.ax_e.set_xlim(0, t[-1])
        tops = []
        for i, key in enumerate(self.keys):
            c = courses[key]
            self.b_pira[i].set_height(c.pira_edss_gain)
            self.b_rel[i].set_y(c.pira_edss_gain)
            self.b_rel[i].set_height(c.mean_relapse_edss_gain)
            self.b_rel[i].set_linewidth(2.5 if key == therapy else 0.8)
            self.b_pira[i].set_linewidth(2.5 if key == therapy else 0.8)
            top = c.pira_edss_gain + c.mean_relapse_edss_gain
            tops.append(top)
            self.b_texts[i].set_position((i, top + 0.05))
            self.b_texts[i].set_text(f"{c.mean_relapses:.1f} relapses" + ("\n(chosen)" if key == therapy else ""))
        needed = max(tops) * 1.45
        self.ax_b.set_ylim(0, next((v for v in self.Y_STEPS if v >= needed), needed))

    Y_STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)

    def static_key(self) -> tuple:
        """Everything drawn outside :meth:`dynamic_artists` depends only on this key."""
        return ()

    def dynamic_artists(self) -> list:
        # with the axes whose limits follow the settings (time span, bar heights)
        return [self.band, self.e_none, self.e_ther, self.e_pira, self.ax_e.xaxis,
                *self.b_pira, *self.b_rel, *self.b_texts, self.ax_b.yaxis]


def ms_relapse_figure(therapy: str = "natalizumab", courses: dict[str, models.MsCourse] | None = None,
                      params: Mapping[str, float] | None = None, seed: int = models.DEFAULT_SEED) -> Figure:
    """Figure of the relapse model for one chosen therapy (all three therapies are simulated on the same people)."""
    p = models._params("ms_relapse", params)
    plot = MsRelapsePlot(p)
    if courses is None:
        courses = {k: models.simulate_ms_course(k, seed=seed, params=p) for k in models.MS_THERAPIES}
    plot.update(courses, therapy)
    return plot.fig


def describe_ms_relapses(therapy: str = "natalizumab", courses: dict[str, models.MsCourse] | None = None,
                         params: Mapping[str, float] | None = None, seed: int = models.DEFAULT_SEED) -> str:
    """One-sentence text alternative for :func:`ms_relapse_figure`."""
    if courses is None:
        courses = {k: models.simulate_ms_course(k, seed=seed, params=params) for k in models.MS_THERAPIES}
    c, n = courses[therapy], courses["none"]
    years = c.years[-1]
    untreated = (f"Teaching-model figure: over {years:.0f} years, untreated people average {n.mean_relapses:.1f} "
                 f"relapses and gain {n.mean_relapse_edss_gain:.1f} EDSS points from incomplete recovery")
    if therapy != "none":
        untreated += (f"; with {MS_THERAPY_IN_TEXT[therapy]} they average {c.mean_relapses:.1f} relapses and gain "
                      f"{c.mean_relapse_edss_gain:.1f}")
    return (f"{untreated}, while the {c.pira_edss_gain:.1f} points from progression independent of relapses are "
            f"the same in every bar because the modelled therapies act on relapses only.")
