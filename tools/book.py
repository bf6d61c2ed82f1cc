"""Build the series' website with Jupyter Book 1 (``python3 run.py html``).

The book's configuration is in ``book/`` (``_config.yml``, ``_toc.yml``, ``_static/``,
``_ext/``); its source folder is the repository root, so lessons, docs and data docs are
built where they live and their relative links keep working. The notebooks' stored outputs
are shown as they are (nothing is executed). Warnings are errors: a broken link, a missing
image or a heading jump fails the build.

Before the build, pages that are made from other files are written into ``book/_generated/``
(not committed): the printable handout of lesson 08's questions to ask a clinic. The table of
contents used is ``book/_toc.yml`` plus the one-page summary (``docs/ten_minute_summary.md``)
when that file exists.

    python -m tools.book [OUTPUT_FOLDER]     (default: book/_build/html)
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
GENERATED = BOOK / "_generated"
DEFAULT_OUTPUT = BOOK / "_build" / "html"
CHECKLIST_LESSON = ROOT / "notebooks" / "08_hope_versus_hype.ipynb"
CHECKLIST_HEADING = re.compile(r"^## \d+\. Questions to ask", re.MULTILINE)
SUMMARY = ROOT / "docs" / "ten_minute_summary.md"


def lesson_section(path: Path, heading: re.Pattern) -> tuple[str, str]:
    """(title, body) of the level-2 section of a lesson whose heading matches ``heading``,
    up to the next level-2 heading (read from the notebook's Markdown cells)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    match = heading.search(text)
    if match is None:
        raise ValueError(f"{path.name} has no section matching {heading.pattern!r}")
    rest = text[match.start():]
    end = re.search(r"^## ", rest[3:], re.MULTILINE)
    section = rest if end is None else rest[:end.start() + 3]
    title, _, body = section.partition("\n")
    return re.sub(r"^## \d+\.\s*", "", title).strip(), body.strip()


RELATIVE_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)\)")


def relink(markdown: str, source_dir: str, target_dir: str) -> str:
    """Markdown copied from ``source_dir`` to ``target_dir`` (both relative to the repository
    root) with its relative link targets rewritten, so a glossary link in a lesson still
    resolves from a generated page. Web, anchor-only and absolute links are left alone.

    >>> relink("[x](../docs/glossary.md#x) [y](https://a.b) [z](#top)", "notebooks", "book/_generated")
    '[x](../../docs/glossary.md#x) [y](https://a.b) [z](#top)'
    """

    def fix(match: re.Match) -> str:
        path, hash_sign, anchor = match.group(1).partition("#")
        target = posixpath.normpath(posixpath.join(source_dir, path))
        return f"]({posixpath.relpath(target, target_dir)}{hash_sign}{anchor})"

    return RELATIVE_LINK.sub(fix, markdown)


def checklist_page(root: Path = ROOT) -> str:
    """The printable handout: lesson 08's questions to ask before any cell treatment."""
    lesson_path = root / CHECKLIST_LESSON.relative_to(ROOT)
    title, body = lesson_section(lesson_path, CHECKLIST_HEADING)
    body = relink(body, "notebooks", GENERATED.relative_to(ROOT).as_posix())
    lesson = lesson_path.name
    return (f"# {title}\n\n"
            "```{container} series-handout\n"
            "A one-page handout to print and take to a clinic or trial team. It is section 6 of lesson 08, "
            f"[Hope versus hype](../../notebooks/{lesson}), which explains where each question comes from.\n\n"
            f"{body}\n\n"
            "Stem-cell therapy for ALS and MS, an open teaching series (CC BY 4.0). This handout is general "
            "information, not medical advice.\n"
            "```\n")


def write_generated_pages(root: Path = ROOT) -> list[str]:
    """Write the generated pages; return their toc entries (paths without suffix, from the root)."""
    generated = root / GENERATED.relative_to(ROOT)
    shutil.rmtree(generated, ignore_errors=True)
    generated.mkdir(parents=True)
    (generated / "clinic_questions.md").write_text(checklist_page(root), encoding="utf-8")
    return ["book/_generated/clinic_questions"]


def toc_text(root: Path = ROOT) -> str:
    """``book/_toc.yml`` with the handouts part appended (the summary only if it exists)."""
    handouts = write_generated_pages(root)
    if (root / SUMMARY.relative_to(ROOT)).exists():
        handouts.append(SUMMARY.relative_to(ROOT).with_suffix("").as_posix())
    entries = "".join(f"      - file: {entry}\n" for entry in handouts)
    return (root / "book" / "_toc.yml").read_text(encoding="utf-8").rstrip("\n") + \
        f"\n  - caption: Handouts to print\n    chapters:\n{entries}"


#: Written into every folder the website is copied to: only such a folder is ever replaced.
SITE_MARKER = ".series-website"


def check_output(output: Path, root: Path = ROOT) -> None:
    """Refuse to replace a folder that a build did not write: ``output`` is deleted before the
    site is copied in, so it must be missing, empty, the default build folder, or a folder
    marked by an earlier build (``SITE_MARKER``). Raises RuntimeError; nothing is deleted."""
    output = Path(output)
    if not output.exists():
        return
    default = (root / "book" / "_build" / "html").resolve()
    if output.resolve() == default:
        return
    if not output.is_dir():
        raise RuntimeError(f"{output} is a file, not a folder; choose a new folder for the website "
                           "(nothing was deleted)")
    if any(output.iterdir()) and not (output / SITE_MARKER).exists():
        raise RuntimeError(f"{output} already holds files that an earlier website build did not write, and "
                           "building would replace the folder. Choose a new or empty folder, for example "
                           "`python3 run.py html site` (nothing was deleted)")


def build(output: Path = DEFAULT_OUTPUT, root: Path = ROOT, env: dict | None = None) -> Path:
    """Build the website of the series in ``root`` into ``output`` (a folder of static HTML)
    and return it. ``env``: the environment of the build process (tests use it to cut the
    network off). ``output`` must be new, empty or an earlier build (:func:`check_output`)."""
    check_output(output, root)
    book = root / "book"
    work = book / "_build"
    work.mkdir(parents=True, exist_ok=True)
    toc = work / "_toc.yml"
    toc.write_text(toc_text(root), encoding="utf-8")
    # A fresh build every time: Sphinx's incremental build can hide a warning of an unchanged page.
    for stale in ("html", ".doctrees", "jupyter_execute"):
        shutil.rmtree(work / stale, ignore_errors=True)
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(root),
           "--config", str(book / "_config.yml"), "--toc", str(toc), "--path-output", str(book),
           "--builder", "html", "-W", "--keep-going", "-n"]
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    (work / "build.log").write_text(log, encoding="utf-8")
    problems = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    if result.returncode or problems:
        raise RuntimeError("the website did not build cleanly (warnings are errors):\n"
                           + "\n".join(problems or log.splitlines()[-30:]))
    built = work / "html"
    output = Path(output)
    if output.resolve() != built.resolve():
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(built, output)
        (output / SITE_MARKER).write_text("Written by `python3 run.py html`; the next build replaces this folder.\n",
                                          encoding="utf-8")
    return output


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    try:
        path = build(output)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"website written to {path} (open {path / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
