"""Sphinx extension for the series' Jupyter Book (loaded through `sphinx.local_extensions`).

What Jupyter Book 1 does not do by itself, kept in one small file:

* **Launch links from one place.** Binder (`labpath` into the lesson), JupyterHub (nbgitpuller)
  and the explorer app (Voilà on Binder) are built from `repository` and `launch_buttons` in
  book/_config.yml: the header's launch menu, the notes that replace widgets, and the
  `{launch-links}` placeholders of book/launch.md all use :func:`launch_urls`.
* **Figures keep their description as alt text.** `helpers.lesson.show_figure` stores the
  description in the output's metadata (`image/png` → `alt`); myst-nb writes the image's file
  path as alt instead, so the description is looked up by the image's content hash.
* **Widgets say what they need.** A widget's stored output carries a "needs a running notebook"
  note as `text/html`, shown instead of the widget (`nb_mime_priority_overrides`); here the note
  gains the launch links to the same lesson on Binder and on a JupyterHub.
* **Glossary anchors are link targets.** `docs/glossary.md` marks each term with
  `<a id="slug"></a>`; they are registered as anchors so `glossary.md#slug` links are checked.
* **Landmarks.** The theme leaves its header buttons and footer outside any landmark (axe
  `region`): they are wrapped in labelled landmarks after the page is written.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from docutils import nodes

EXPLORER_APP = "apps/therapy_explorer.ipynb"
CLASS_APP = "apps/one_class.ipynb"  # the one-class plan of the instructor guide, section 9
ANCHOR_RE = re.compile(r'<a id="([a-z0-9][a-z0-9-]*)">')  # MyST keeps an inline tag as its own raw node
EMPTY_TH_RE = re.compile(r"<th>\s*</th>")
NOTE_START = '<div class="series-widget-note" role="note">'
NOTE_RE = re.compile("(" + re.escape(NOTE_START) + r".*?)</div>", re.S)


# --------------------------------------------------------------------------- launch links
def _repository(config) -> tuple[str, str, str]:
    """The repository's address, owner and name, from the book's settings (``repository: url``)."""
    repo_url = config.html_theme_options.get("repository_url", "").rstrip("/")
    owner, name = (["", ""] + repo_url.split("/"))[-2:]
    return repo_url, owner, name


def launch_urls(config, path: str) -> dict[str, str]:
    """Binder, JupyterHub and app (Voilà) links for one file of the repository (e.g.
    "notebooks/03_ms_what_goes_wrong.ipynb"), built from the book's settings."""
    options = config.html_theme_options
    repo_url, owner, name = _repository(config)
    branch = options.get("repository_branch", "main")
    launch = options.get("launch_buttons", {})
    binder = launch.get("binderhub_url", "").rstrip("/")
    hub = launch.get("jupyterhub_url", "").rstrip("/")
    binder_repo = f"{binder}/v2/gh/{owner}/{name}/{branch}"
    urls = {
        "repository": repo_url,
        "binder": f"{binder_repo}?labpath={quote(path, safe='')}",
        "binder_series": f"{binder_repo}?labpath={quote('notebooks/00_start_here.ipynb', safe='')}",
        "app": f"{binder_repo}?urlpath={quote('voila/render/' + EXPLORER_APP, safe='')}",
        "class_app": f"{binder_repo}?urlpath={quote('voila/render/' + CLASS_APP, safe='')}",
        "jupyterhub": f"{hub}/hub/user-redirect/git-pull?"
                      + urlencode({"repo": repo_url, "urlpath": f"lab/tree/{name}/{path}", "branch": branch}, safe="/"),
        "jupyterhub_series": f"{hub}/hub/user-redirect/git-pull?"
                             + urlencode({"repo": repo_url, "urlpath": f"lab/tree/{name}/notebooks/00_start_here.ipynb",
                                          "branch": branch}, safe="/"),
    }
    return urls


#: The owner in `repository: url` while the series has no public home (book/_config.yml).
PLACEHOLDER_OWNER = "OWNER"

UNPUBLISHED_NOTE = ("**Not published yet.** The repository address in `book/_config.yml` is still a placeholder, "
                    "so the Binder, JupyterHub and app links on this site do not work yet. Until the series is "
                    "published, run it on your own computer (below), or ask your instructor for a link.")


def is_published(config) -> bool:
    """False while the repository address is the placeholder: launch links then lead nowhere."""
    return _repository(config)[1] != PLACEHOLDER_OWNER


def _fix_launch_menu(app, pagename, templatename, context, doctree):
    """Runs after the theme built its launch menu: Binder opens the lesson with `labpath`,
    JupyterHub uses the same nbgitpuller link as the rest of the site, plus the explorer app."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        urls = launch_urls(app.config, pagename + ".ipynb")
        for button in group["buttons"]:
            if button.get("text") == "Binder":
                button["url"] = urls["binder"]
            elif button.get("text") == "JupyterHub":
                button["url"] = urls["jupyterhub"]
        group["buttons"].append({"type": "link", "text": "Explorer app (Voilà on Binder)",
                                 "tooltip": "Launch the therapy explorer as an app on Binder",
                                 "icon": "fas fa-table", "url": urls["app"]})


def _fill_launch_placeholders(app, docname, source):
    """`{launch-links:NAME}` in a Markdown page becomes the link NAME of :func:`launch_urls`
    (used by book/launch.md, so that page never repeats the repository URL)."""
    urls = launch_urls(app.config, "notebooks/00_start_here.ipynb")
    if "{launch-links:" in source[0] and not is_published(app.config):
        # said once, under the page's title, before any link that would lead nowhere
        title, _, rest = source[0].partition("\n")
        source[0] = f"{title}\n\n{UNPUBLISHED_NOTE}\n{rest}"
    # A stand-in address now; the real one goes into the parsed page (_resolve_launch_links), because
    # the Markdown parser would escape the `&` of a query string a second time (`&amp;amp;`).
    def stand_in(match):
        if match.group(1) not in urls:
            raise ValueError(f"Unknown launch link {match.group(0)}; valid: {', '.join(urls)}")
        return LAUNCH_STAND_IN + match.group(1)

    source[0] = re.sub(r"\{launch-links:(\w+)\}", stand_in, source[0])


#: Stand-in link target of `{launch-links:NAME}` between reading and parsing a page.
LAUNCH_STAND_IN = "https://launch-link.invalid/"


def _resolve_launch_links(app, doctree):
    urls = launch_urls(app.config, "notebooks/00_start_here.ipynb")
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if uri.startswith(LAUNCH_STAND_IN):
            ref["refuri"] = urls[uri[len(LAUNCH_STAND_IN):]]


# --------------------------------------------------------------------------- notebooks' outputs
def _read_notebook_outputs(app, env, docnames):
    """Collect, from every notebook of the book, figure descriptions by image hash."""
    alts: dict[str, str] = {}
    for path in sorted(Path(app.srcdir).glob("notebooks/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                alt = output.get("metadata", {}).get("image/png", {}).get("alt")
                if "image/png" in data and alt:
                    png = "".join(data["image/png"]) if isinstance(data["image/png"], list) else data["image/png"]
                    alts[hashlib.sha256(base64.b64decode(png)).hexdigest()] = alt
    env.series_figure_alts = alts


def _process_doctree(app, doctree):
    env = app.env
    docname = env.docname
    # Figures: the description, not the file path, is the alt text.
    for image in doctree.findall(nodes.image):
        digest = Path(image.get("uri", "")).stem
        if digest in getattr(env, "series_figure_alts", {}):
            image["alt"] = env.series_figure_alts[digest]
    # Widgets: the notebooks store a "needs a running notebook" note as the widget's text/html
    # (helpers.widgets.common.widget_note_html); here it gains the launch links of this lesson.
    if docname.startswith("notebooks/"):
        urls = launch_urls(app.config, docname + ".ipynb")
        links = (f'<p class="series-launch">Launch this lesson <a href="{html.escape(urls["binder"])}">on Binder</a> '
                 f'or <a href="{html.escape(urls["jupyterhub"])}">on your JupyterHub</a>'
                 + ("" if is_published(app.config) else
                    " (these links work once the series is published; until then, run it on your own computer)")
                 + '.</p>')
        for raw in list(doctree.findall(nodes.raw)):
            if NOTE_START in raw.astext():
                linked = NOTE_RE.sub(lambda m: m.group(1) + links + "</div>", raw.astext())
                raw.replace_self(nodes.raw("", linked, format=raw.get("format", "html"), classes=raw.get("classes", [])))
    # pandas draws the empty corner above a table's index as <th></th>: a header cell with
    # nothing to announce (axe "empty-table-header"); it becomes a plain cell.
    for raw in list(doctree.findall(nodes.raw)):
        if "<th></th>" in raw.astext().replace(" ", ""):
            fixed = EMPTY_TH_RE.sub("<td></td>", raw.astext())
            raw.replace_self(nodes.raw("", fixed, format=raw.get("format", "html"), classes=raw.get("classes", [])))
    # Glossary anchors written as raw HTML become known link targets (myst "slugs").
    slugs = env.metadata[docname].setdefault("myst_slugs", {})
    for raw in doctree.findall(nodes.raw):
        for anchor in ANCHOR_RE.findall(raw.astext()):
            slugs.setdefault(anchor, (0, anchor, anchor))


# --------------------------------------------------------------------------- landmarks
def _add_landmarks(app, exception):
    """Put the theme's header-button bar and the sidebar's title link into labelled regions
    (otherwise they sit outside every landmark: axe rule `region`)."""
    if exception or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text.replace('<div class="bd-header-article d-print-none">',
                           '<div class="bd-header-article d-print-none" role="region" aria-label="Page tools">', 1)
        new = new.replace('<div class="sidebar-primary-items__start sidebar-primary__section">',
                          '<div class="sidebar-primary-items__start sidebar-primary__section" role="region" '
                          'aria-label="Series contents">', 1)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("env-before-read-docs", _read_notebook_outputs)
    app.connect("source-read", _fill_launch_placeholders)
    app.connect("doctree-read", _process_doctree)
    app.connect("doctree-read", _resolve_launch_links)
    app.connect("html-page-context", _fix_launch_menu, priority=600)
    app.connect("build-finished", _add_landmarks)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
