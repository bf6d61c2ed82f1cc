"""Overview figures for the start of the series."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..data import KnowledgeBase
from ..style import DISEASE_COLOURS, figure_style

HATCHES = {"als": "", "ms": "//"}


def evidence_profile(kb: KnowledgeBase) -> dict[str, dict[str, int]]:
    """Number of therapy claims per evidence level and disease: ``{disease: {level: count}}``."""
    effects = kb.therapy_effects
    levels = [lvl for lvl in reversed(list(kb.evidence_dtype.categories)) if lvl != "established"]
    return {disease: {lvl: int(((effects["disease_id"] == disease) & (effects["evidence_level"] == lvl)).sum())
                      for lvl in levels}
            for disease in kb.diseases["disease_id"]}


def evidence_profile_figure(kb: KnowledgeBase) -> Figure:
    """Horizontal bars: how many therapy claims in the knowledge base sit at each evidence level."""
    profile = evidence_profile(kb)
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    levels = list(next(iter(profile.values())))
    y = np.arange(len(levels))
    with figure_style():
        fig = Figure(figsize=(8.5, 4.8), layout="constrained")
        ax = fig.add_subplot()
        height = 0.38
        for offset, disease in zip((-height / 2, height / 2), profile):
            counts = [profile[disease][lvl] for lvl in levels]
            bars = ax.barh(y + offset, counts, height=height, color=DISEASE_COLOURS[disease], hatch=HATCHES[disease],
                           edgecolor="#222222", label=disease.upper())
            ax.bar_label(bars, padding=3, fontsize=11)
        ax.set_yticks(y, [labels[lvl] for lvl in levels])
        ax.invert_yaxis()
        ax.set_xlabel("Number of therapy claims in the knowledge base")
        ax.set_title("How strong is the evidence behind each therapy claim?", loc="left")
        ax.legend(title="Disease", loc="lower right")
    return fig


def describe_evidence_profile(kb: KnowledgeBase) -> str:
    """One-sentence text alternative for :func:`evidence_profile_figure`, computed from the data."""
    profile = evidence_profile(kb)
    labels = dict(zip(kb.evidence_levels["level_id"], kb.evidence_levels["label"]))
    parts = []
    for disease, counts in profile.items():
        total = sum(counts.values())
        strong = counts.get("approved", 0) + counts.get("rct_positive", 0)
        top = max(counts, key=counts.get)
        parts.append(f"{disease.upper()}: {total} claims, {strong} approved or backed by a positive randomized trial, "
                     f"{counts.get('rct_negative', 0)} tested and failed; the most common level is "
                     f"“{labels[top]}” ({counts[top]})")
    return "Bar chart of therapy claims by evidence level. " + "; ".join(parts) + "."
