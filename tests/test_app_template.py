"""App mode's Voila template asks nothing of the internet (offline classrooms).

Voila's own templates link Font Awesome from a CDN twice in the notebook page (lab/index.html.j2)
and once in the frame of its error and tree pages (base/page.html). The project's `series`
template (apps/voila/templates/series, used by `python3 run.py app`) removes the first two and
replaces the frame. Checked here with Voila's own template search path, so a Voila upgrade that
moves or renames a page shows up as a failure, not as a silent CDN request.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import jinja2
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import run  # noqa: E402  (run.py: standard library only)

REMOTE = re.compile(r"""<(?:link|script)[^>]+(?:href|src)=["']https?://""")


@pytest.fixture(scope="module")
def loader():
    from voila.paths import collect_template_paths

    _, env = run.app_command([])
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]
    try:
        paths = collect_template_paths(["voila"], "series")  # reads JUPYTER_PATH on each call
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH")
        else:
            os.environ["JUPYTER_PATH"] = old
    assert Path(paths[0]) == ROOT / "apps" / "voila" / "templates" / "series", paths
    return jinja2.FileSystemLoader(paths)


@pytest.mark.parametrize("name", ["page.html", "error.html", "404.html", "tree.html"])
def test_every_page_frame_is_ours_and_links_nothing_remote(loader, name):
    """Follow each page's `extends` chain as Voila resolves it: whichever file supplies the
    frame, no stylesheet or script comes from outside the machine."""
    env = jinja2.Environment(loader=loader)
    seen = []
    while name:
        source, filename, _ = loader.get_source(env, name)
        seen.append(filename)
        assert not REMOTE.search(source), f"{filename} links a remote stylesheet or script"
        parent = re.search(r"""\{%-?\s*extends\s+["']([^"']+)["']""", source)
        name = parent.group(1) if parent else None
    assert seen[-1].endswith(os.path.join("series", "page.html")), seen


def test_the_notebook_page_drops_the_two_cdn_stylesheets(loader):
    env = jinja2.Environment(loader=loader)
    ours, _, _ = loader.get_source(env, "index.html.j2")
    theirs, _, _ = loader.get_source(env, "voila/templates/lab/index.html.j2")
    links = re.findall(r'<link rel="stylesheet" href="https://[^"]+" type="text/css" />', theirs)
    assert len(links) == 2, "Voila's lab template changed: check apps/voila/templates/series/index.html.j2"
    for link in links:
        assert f"replace('{link}', '')" in ours


def test_app_names_choose_the_page_and_a_wrong_name_lists_the_valid_ones():
    assert run.app_page([]) == (run.APPS["explorer"], [])
    assert run.app_page(["--port=9000"]) == (run.APPS["explorer"], ["--port=9000"])
    assert run.app_page(["class", "--no-browser"]) == (run.APPS["class"], ["--no-browser"])
    cmd, _ = run.app_command(["class", "--no-browser"])
    assert run.APPS["class"] in cmd and run.APPS["explorer"] not in cmd and cmd[-1] == "--no-browser"
    with pytest.raises(SystemExit) as info:
        run.app_page(["clas"])
    message = str(info.value)
    assert "'clas'" in message and all(name in message for name in run.APPS)


@pytest.mark.parametrize("name", sorted(run.APPS))
def test_every_app_notebook_exists_with_no_stored_outputs(name):
    import json

    nb = json.loads((Path(run.ROOT) / run.APPS[name]).read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), "Voila runs it fresh"
