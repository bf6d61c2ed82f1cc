"""Learner code and maintainer tooling stay apart: lessons import `helpers`, run.py and the
tests call `tools`; `helpers` never imports `tools`, and no module imports itself in a cycle."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                 for package in ("helpers", "tools") for p in (ROOT / package).rglob("*.py"))


def _imports(module: str) -> set[str]:
    """Modules of helpers/ and tools/ that ``module`` imports (absolute or relative, anywhere in it)."""
    path = ROOT / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in MODULES}
    return found - {module}


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


def test_helpers_never_import_tools():
    offending = {m: sorted(i for i in _imports(m) if i.split(".")[0] == "tools")
                 for m in MODULES if m.startswith("helpers")}
    assert {m: i for m, i in offending.items() if i} == {}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle through each module (as the chain of modules), depth-first."""
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    cycles.append(trail + [nxt])
                elif nxt not in trail:
                    stack.append((nxt, trail + [nxt]))
    return cycles


def test_no_import_cycles():
    graph = {m: _imports(m) - {m.rpartition(".")[0]} for m in MODULES}  # a package's own __init__ is not a cycle
    assert find_cycles(graph) == []


def test_the_checks_can_fail():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}})[0] == ["a", "b", "c", "a"]
    assert "helpers.data" in _imports("helpers.queries")  # relative imports are resolved
    assert "helpers.data" in _imports("tools.guide")


def test_build_tooling_is_not_in_helpers():
    assert not [m for m in ("helpers.site", "helpers.notebook_tools", "helpers.guide") if m in MODULES]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "apps").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_lessons_import_only_helpers(path):
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
    assert re.findall(r"^\s*(?:from|import)\s+tools\b", code, re.MULTILINE) == []


def test_views_without_figures_do_not_load_the_plotting_library():
    # Lessons 06 and 08 and the projector app (apps/) draw no figure: building their views must not
    # import matplotlib at all, which costs every kernel that starts them a few tenths of a second.
    import subprocess
    import sys

    code = "\n".join([
        "import sys",
        "from helpers.lesson import claims_for, evidence_legend, references",
        "from helpers.figures.therapy_tables import therapy_comparison, untreated_damage_list, untreated_damage_table",
        "from helpers.widgets.explorer import evidence_map, evidence_map_table, therapy_explorer",
        "views = [evidence_map('als'), evidence_map_table('ms'), therapy_explorer('ms', 'damage'),",
        "         untreated_damage_table('als'), untreated_damage_list('ms'), therapy_comparison(['ahsct', 'msc_iv'], 'ms'),",
        "         claims_for('clinic_stem_cells'), evidence_legend(collapsed=True)]",
        "html = [v._repr_html_() for v in views if hasattr(v, '_repr_html_')]",
        "assert len(html) >= 5 and all(html)",
        "print(sorted(m for m in ('matplotlib', 'matplotlib.figure', 'matplotlib.pyplot') if m in sys.modules))",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
