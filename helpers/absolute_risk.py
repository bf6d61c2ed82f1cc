"""Absolute risks, natural frequencies and the number needed to treat, from trial counts.

A relative measure (a hazard ratio of 0.07, an odds ratio of 1.33) says how two groups compare,
not how many people are affected. These pure functions turn the counts and percentages stored in
``data/disease_facts.csv`` into "x in 100" statements, a risk difference with an approximate 95%
confidence interval, and the number needed to treat. No number here is typed in by hand: every
input is read from a data row that carries its reference.

Assumptions (said again wherever the numbers are shown):

- Counts of events over a trial's follow-up are treated as simple proportions. When follow-up
  differs between people (as in MIST), this is a rough summary, not the trial's own
  time-to-event estimate.
- The confidence interval of a difference between two proportions is Newcombe's hybrid score
  interval (Wilson intervals for each group, combined), which stays sensible with few events,
  unlike the simple normal (Wald) approximation (Newcombe, Stat Med 1998;17:873-890, method 10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The disease_facts rows behind each comparison: (label, events or share, group size) per group.
COMPARISONS = {
    "mist_progression": {
        "title": "MIST: disability progression during follow-up (median 2 years)",
        "unequal_follow_up": True,  # events counted over follow-up that differed between people
        "event": "had worsening disability",
        "groups": (("aHSCT", "ms_mist_progressed_ahsct", "ms_mist_randomized_ahsct"),
                   ("drug therapy", "ms_mist_progressed_dmt", "ms_mist_randomized_dmt")),
    },
    "nurown_p3_response": {
        "title": "NurOwn phase 3: responders at 28 weeks",
        "event": "met the response definition",
        "event_is_good": True,  # more is better: the treatment should raise this share
        "groups": (("NurOwn", "als_nurown_p3_responders_msc", "als_nurown_p3_treated_msc"),
                   ("placebo", "als_nurown_p3_responders_placebo", "als_nurown_p3_treated_placebo")),
    },
}


@dataclass(frozen=True)
class Group:
    """One arm of a trial: ``share`` is the proportion (0 to 1) with the event, ``n`` its size."""
    label: str
    share: float
    n: int
    events: int | None = None  # the count, when the source gives one (not a rounded percentage)

    @property
    def per_100(self) -> float:
        return 100 * self.share


Z95 = 1.959963984540054  # the two-sided 95% point of the normal distribution


def wilson_ci95(group: Group) -> tuple[float, float]:
    """Wilson score 95% interval of one group's share (it never leaves 0..1, and stays honest with
    0 or few events)."""
    p, n, z2 = group.share, group.n, Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def risk_difference_ci95(first: Group, second: Group) -> tuple[float, float, float]:
    """(difference, lower, upper) of ``first.share - second.share`` with Newcombe's hybrid score
    95% interval (method 10 of Newcombe 1998), built from each group's Wilson interval."""
    if first.n < 1 or second.n < 1:
        raise ValueError("each group needs at least one person")
    for group in (first, second):
        if not 0 <= group.share <= 1:
            raise ValueError(f"share for {group.label!r} must lie between 0 and 1, got {group.share}")
    p1, p2 = first.share, second.share
    (l1, u1), (l2, u2) = wilson_ci95(first), wilson_ci95(second)
    diff = p1 - p2
    return (diff, diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def number_needed_to_treat(treated: Group, control: Group, event_is_good: bool = False) -> float:
    """People to treat for one fewer person with a bad event (or, with ``event_is_good``, one more
    person with a good one): the absolute gain over the control group, inverted.

    Returns ``math.inf`` when the treated group does no better. With the groups swapped it is the
    number needed to harm.
    """
    gain = treated.share - control.share if event_is_good else control.share - treated.share
    return math.inf if gain <= 0 else 1 / gain


def _fact(kb, fact_id: str) -> tuple[float, str]:
    facts = kb.disease_facts.set_index("fact_id")
    if fact_id not in facts.index:
        raise KeyError(f"disease_facts.csv has no row {fact_id!r}; the absolute-risk helpers need it")
    row = facts.loc[fact_id]
    return float(row["value"]), str(row["unit"])


def comparison_groups(kb, comparison: str) -> tuple[Group, Group]:
    """The two groups of a named comparison (see ``COMPARISONS``), read from ``kb.disease_facts``."""
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}; valid: {', '.join(COMPARISONS)}")
    groups = []
    for label, events_id, n_id in COMPARISONS[comparison]["groups"]:
        events, unit = _fact(kb, events_id)
        n, _ = _fact(kb, n_id)
        if unit.strip() == "%":
            groups.append(Group(label, events / 100, int(n)))
        else:
            groups.append(Group(label, events / n, int(n), int(events)))
    return groups[0], groups[1]


def comparison_counts(kb, comparison: str) -> list[tuple[str, int, int]]:
    """(label, people with the event, group size) per group, for icon arrays. Only for
    comparisons whose source gives counts: a published percentage is not turned into invented
    counts."""
    groups = comparison_groups(kb, comparison)
    if any(g.events is None for g in groups):
        raise ValueError(f"{comparison!r} is stored as percentages, not counts; draw it per 100 instead")
    return [(g.label, g.events, g.n) for g in groups]


def describe_comparison(kb, comparison: str) -> str:
    """Plain-language summary: natural frequencies, the absolute difference with its approximate
    95% confidence interval, and the number needed to treat when the treated group did better."""
    treated, control = comparison_groups(kb, comparison)
    spec = COMPARISONS[comparison]
    interval = risk_difference_ci95(treated, control)
    diff, low, high = interval

    def source(g: Group) -> str:
        return f"{g.events} of {g.n}" if g.events is not None else f"{g.per_100:.0f}% of {g.n}"

    def amount(x: float) -> str:
        k = round(abs(100 * x))
        return "no difference" if k == 0 else f"{k} {'more' if x > 0 else 'fewer'}"

    parts = [f"{spec['title']}. People who {spec['event']}: about {treated.per_100:.0f} in 100 with "
             f"{treated.label} ({source(treated)}), about {control.per_100:.0f} in 100 with "
             f"{control.label} ({source(control)})."]
    parts.append(f"Difference: {amount(diff)} in 100 with {treated.label}; approximate 95% confidence "
                 f"interval from {amount(low)} to {amount(high)} in 100 (our calculation from the "
                 "published numbers" + ("; it treats everyone as followed for the same time, so it is rougher "
                                        "than it looks)." if spec.get("unequal_follow_up") else ")."))
    parts.append(interval_verdict(treated, control, spec, interval))
    return " ".join(parts)


def interval_verdict(treated: Group, control: Group, spec: dict,
                     interval: tuple[float, float, float] | None = None) -> str:
    """The sentence after the interval: the number needed to treat (or to harm) when the 95%
    interval excludes zero, else that the result fits no effect and every effect between the
    interval's ends (read from the bounds: a wide interval is no "modest" result). ``spec`` is a
    :data:`COMPARISONS` entry: ``event`` names the event, ``event_is_good`` says whether more of it is better, and
    ``unequal_follow_up`` makes the number a rough one. ``interval`` is
    :func:`risk_difference_ci95` of the two groups, when the caller has it already."""
    diff, low, high = interval if interval is not None else risk_difference_ci95(treated, control)
    if low <= 0 <= high:
        fewer, more, middle = round(abs(100 * low)), round(100 * high), round(100 * diff)
        near = "no difference" if middle == 0 else f"about {abs(middle)} {'more' if middle > 0 else 'fewer'}"
        return (f"The interval includes zero: the result fits no difference at all, and also anything from "
                f"{fewer} fewer to {more} more people in 100 who {spec['event']} (values near the middle, "
                f"{near}, fit best); this trial cannot rule any of them out.")
    good = bool(spec.get("event_is_good"))
    to_treat = number_needed_to_treat(treated, control, good)
    helped = to_treat != math.inf
    people = to_treat if helped else number_needed_to_treat(control, treated, good)  # else: to harm
    one = "one more person who" if diff > 0 else "one fewer person who"
    when = " during follow-up" if spec.get("unequal_follow_up") else ""
    rough = " (a rough figure, because follow-up differed between people)" if spec.get("unequal_follow_up") else ""
    kind = "treat" if helped else "harm"
    return (f"Number needed to {kind}: about {people:.0f} people treated for {one} {spec['event']}{when}{rough}.")


def rate_per_100(kb, fact_id: str) -> float:
    """A percentage stored in disease_facts.csv, as a count per 100 people."""
    value, unit = _fact(kb, fact_id)
    if unit.strip() != "%":
        raise ValueError(f"{fact_id!r} is in {unit!r}, not %")
    return value


def comparison_markdown(kb, comparison: str):
    """:func:`describe_comparison` as a Markdown display object, for a lesson cell."""
    from IPython.display import Markdown

    return Markdown(describe_comparison(kb, comparison))
