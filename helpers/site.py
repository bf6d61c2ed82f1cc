"""Build the static HTML version of the series (readable without a kernel).

``python3 run.py html`` writes ``site/``: an index page with the lesson list, one page per
lesson with its stored outputs and figures, the glossary, and previous/next navigation.
Widgets cannot run without a kernel; each one is replaced by a note saying so, and the
lessons also show static figures for what the widgets explore.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from .notebook_tools import ROOT, lesson_notebooks

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:18px;line-height:1.55;
max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#111;background:#fff}
a{color:#0B5394} a:focus{outline:3px solid #E69F00}
table{border-collapse:collapse} th,td{border-bottom:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
nav.series{border-top:1px solid #ccc;border-bottom:1px solid #ccc;padding:.4rem 0;margin:1rem 0}
"""


def _title(nb) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells else "Lesson"
    return first.lstrip("# ").strip()


def _prepare_outputs(nb):
    """Make outputs readable in a static page.

    * Widgets become a visible note (the widget's own text form): they need a kernel.
    * Figures shown with :func:`helpers.lesson.show_figure` carry their description as
      ``alt`` metadata; nbconvert ignores it, so they become ``<img alt=...>`` HTML here.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if "image/png" in data and alt:
                png = data.pop("image/png").replace("\n", "")
                data["text/html"] = (f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}" '
                                     'style="max-width:100%;height:auto">')
            if WIDGET_MIME in data:
                text = data.get("text/plain", "[interactive widget]")
                del data[WIDGET_MIME]
                data["text/html"] = (f'<div class="widget-placeholder" role="note" style="border:2px dashed #555;'
                                     f'padding:.6rem;background:#F4F4F4">{html.escape(text)}</div>')
    return nb


def _rewrite_links(body: str) -> str:
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    body = body.replace('href="../README.md"', 'href="index.html"')
    body = body.replace('href="../docs/glossary.md"', 'href="glossary.html"')
    body = body.replace('href="../docs/glossary.md#', 'href="glossary.html#')
    body = body.replace('href="../docs/ten_minute_summary.md"', 'href="ten_minute_summary.html"')
    return body.replace('href="../data/README.md"', 'href="index.html"')


def ten_minute_summary_page() -> str:
    """docs/ten_minute_summary.md as a page of the static site (links rewritten to site pages)."""
    import mistune

    body = mistune.html((ROOT / "docs" / "ten_minute_summary.md").read_text(encoding="utf-8"))
    body = re.sub(r'href="\.\./notebooks/(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    body = body.replace('href="glossary.md"', 'href="glossary.html"').replace('href="../README.md"', 'href="index.html"')
    body = body.replace('href="../data/README.md"', 'href="index.html"')
    return _page("If you only have 10 minutes · Stem-cell therapy for ALS and MS", body)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f"<style>{PAGE_CSS}</style></head><body><main>{body}</main></body></html>\n")


def export_lesson_html(path: Path) -> str:
    """One lesson as a complete HTML page (nbconvert's lab template, no kernel, no widget JS)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = _prepare_outputs(nbformat.read(path, as_version=4))
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": _title(nb)}})
    body = body.replace("<html>", '<html lang="en">', 1)
    # Links inside text must not rely on colour alone (WCAG 1.4.1; axe "link-in-text-block").
    # Pygments draws numbers in #008800, 4.25:1 on the code background; darken to pass 4.5:1.
    body = body.replace("</head>", "<style>.jp-RenderedHTMLCommon a:not(.anchor-link){text-decoration:underline !important}"
                        ".highlight .m,.highlight .mi,.highlight .mf,.highlight .mh,.highlight .mo,.highlight .il"
                        "{color:#006400 !important}</style></head>", 1)
    # pandas draws the empty corner above the index as <th></th>; an empty header cell gives
    # screen readers nothing to announce (axe "empty-table-header"), so make it a plain cell.
    body = re.sub(r"<th>\s*</th>", "<td></td>", body)
    return _rewrite_links(body)


def glossary_page() -> str:
    from .data import load_knowledge_base

    glossary = load_knowledge_base().glossary.sort_values("term", key=lambda s: s.str.lower())
    items = "".join(
        f'<dt id="{html.escape(re.sub(r"[^a-z0-9]+", "-", t.term.lower()).strip("-"))}"><b>{html.escape(t.term)}</b> '
        f"<small>(lesson {int(t.lesson):02d})</small></dt><dd>{html.escape(t.definition)}</dd>"
        for t in glossary.itertuples())
    body = (f'<nav class="series" aria-label="Series"><a href="index.html">Contents</a></nav>'
            f"<h1>Glossary</h1><p>{len(glossary)} terms, each with the lesson that introduces it.</p><dl>{items}</dl>")
    return _page("Glossary · Stem-cell therapy for ALS and MS", body)


def index_page(lessons: list[tuple[str, str]]) -> str:
    rows = "".join(f'<li><a href="{href}">{html.escape(title)}</a></li>' for href, title in lessons)
    body = ("<h1>Stem-cell therapy for ALS and multiple sclerosis</h1>"
            "<p>An interactive, evidence-graded teaching series. This is the static version: it shows every lesson "
            "with its stored results and figures; the interactive widgets need a running notebook "
            "(JupyterLab, Binder or a JupyterHub).</p>"
            f'<h2>Lessons</h2><ol start="0">{rows}</ol>'
            '<h2>Reference</h2><ul><li><a href="glossary.html">Glossary</a></li>'
            '<li><a href="ten_minute_summary.html">If you only have 10 minutes</a></li></ul>')
    return _page("Stem-cell therapy for ALS and MS", body)


def build_site(target: str | Path | None = None) -> Path:
    """Write the static site and return its folder."""
    import nbformat

    out = Path(target) if target else ROOT / "site"
    out.mkdir(parents=True, exist_ok=True)
    lessons = []
    for path in lesson_notebooks():
        page = path.with_suffix(".html").name
        (out / page).write_text(export_lesson_html(path), encoding="utf-8")
        lessons.append((page, _title(nbformat.read(path, as_version=4))))
    (out / "index.html").write_text(index_page(lessons), encoding="utf-8")
    (out / "glossary.html").write_text(glossary_page(), encoding="utf-8")
    (out / "ten_minute_summary.html").write_text(ten_minute_summary_page(), encoding="utf-8")
    print(f"static site written to {out} ({len(lessons)} lessons)")
    return out
