"""Rules for the test suite itself.

No test may assert how long something took: on a busy 2-core CI machine the same code runs
several times slower, and a timed assertion then fails for no fault of the product. Speed
targets are measured and reported by `python3 run.py bench` (benchmarks/). Waiting for a
server with a deadline (tests/browser_support.py) is allowed: that is a time-out, not a
speed assertion.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CLOCKS = {"perf_counter", "perf_counter_ns", "process_time", "time", "time_ns", "monotonic"}
ALLOWED = {"browser_support.py"}  # start-up deadlines only


def clock_calls(source: str) -> list[int]:
    """Line numbers where a clock of the `time` module is read."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in CLOCKS and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "time":
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "time" \
                and any(alias.name in CLOCKS for alias in node.names):
            lines.append(node.lineno)
    return lines


def test_no_test_reads_a_clock():
    offenders = {path.name: lines for path in sorted(TESTS.glob("*.py"))
                 if path.name not in ALLOWED and (lines := clock_calls(path.read_text()))}
    assert not offenders, f"timing belongs in run.py bench, not in tests: {offenders}"


def test_the_rule_catches_a_timed_assertion():
    planted = "import time\nstart = time.perf_counter()\nassert time.perf_counter() - start < 1\n"
    assert clock_calls(planted) == [2, 3]
    assert clock_calls("from time import monotonic\n") == [1]
    assert clock_calls("import time\ntime.sleep(0.1)\n") == []
