"""Where the next evidence update should look: `python3 run.py evidence-review`.

Lists (1) the rows of therapy_effects.csv, trials.csv and therapies.csv checked longest ago,
and (2) trials still marked ongoing or not yet recruiting whose expected end has passed, or
that give no expected end at all. Reads only data/; changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.data import load_knowledge_base  # noqa: E402

OPEN_STATUSES = ("ongoing", "not_yet_recruiting", "unknown")


def oldest_checks(kb, limit: int = 15) -> list[tuple[str, str, str, str]]:
    """(checked, file, row id, short text) for the rows checked longest ago, oldest first."""
    rows = []
    for file, frame, key, text in (("therapy_effects.csv", kb.therapy_effects, "effect_id", "note"),
                                   ("trials.csv", kb.trials, "trial_id", "short_name"),
                                   ("therapies.csv", kb.therapies, "therapy_id", "name")):
        for row_id, checked, words in zip(frame[key], frame["checked"], frame[text]):
            rows.append((str(checked), file, str(row_id), str(words)[:70]))
    return sorted(rows)[:limit]


def overdue_trials(kb, today: date | None = None) -> list[tuple[str, str, str, str]]:
    """(trial_id, status, expected end or 'not given', short name) for open trials to re-check."""
    today = today or date.today()
    now = f"{today:%Y-%m}"
    found = []
    for row in kb.trials.itertuples():
        if str(row.status) not in OPEN_STATUSES:
            continue
        end = None if str(row.expected_end) in ("<NA>", "nan", "") else str(row.expected_end)
        if end is None or end < now:
            found.append((str(row.trial_id), str(row.status), end or "not given", str(row.short_name)))
    return found


def report(kb, today: date | None = None, limit: int = 15) -> str:
    lines = [f"Rows checked longest ago (oldest {limit}):"]
    lines += [f"  {checked}  {file:<20} {row_id:<22} {words}" for checked, file, row_id, words in oldest_checks(kb, limit)]
    overdue = overdue_trials(kb, today)
    lines.append("")
    lines.append("Open trials whose expected end has passed, or that give none (check for results):")
    lines += [f"  {trial_id:<22} {status:<19} expected end: {end:<9} {name}" for trial_id, status, end, name in overdue]
    if not overdue:
        lines.append("  none")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=15, help="how many of the oldest rows to list")
    args = parser.parse_args(argv)
    print(report(load_knowledge_base(), limit=args.limit))


if __name__ == "__main__":
    main()
