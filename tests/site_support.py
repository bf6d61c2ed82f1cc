"""The website, built once per test process (shared by the site tests), with the network cut off."""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

from tools.book import build

ROOT = Path(__file__).resolve().parent.parent
OFFLINE = Path(__file__).resolve().parent / "offline_python"


def offline_env() -> dict[str, str]:
    """Environment for a build process that cannot open a network connection."""
    path = os.pathsep.join(p for p in (str(OFFLINE), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONPATH=path)


@functools.lru_cache(maxsize=None)
def built_site() -> Path:
    return build(Path(tempfile.mkdtemp(prefix="series-site-")) / "html", env=offline_env())


def pages(site: Path) -> list[Path]:
    """Every page of the site (index.html only redirects to README.html; the test's own check
    fixture page is left out)."""
    return sorted(p for p in site.rglob("*.html")
                  if p.relative_to(site).as_posix() not in ("index.html", "notebooks/check-fixture.html")
                  and "_static" not in p.parts)


def lesson_page(site: Path, notebook: Path) -> Path:
    return site / "notebooks" / notebook.with_suffix(".html").name


def article(text: str) -> str:
    """The page's main article (without the theme's navigation)."""
    match = re.search(r'<article class="bd-article">(.*?)</article>', text, re.S)
    return match.group(1) if match else text
