"""Free-text answer boxes for the Think! prompts and the capstone cases.

``answer_box(...)`` shows a text area and a **Save my answer** button. Only after the learner has
written something and saved it does the box show the model answer (collapsible) and a short
self-assessment rubric (tick boxes). An empty box says so and reveals nothing. The answer and the
ticks go into the learner's personal record (:mod:`helpers.record`), so they survive a kernel
restart and appear in the exported record.

The model answers live in the notebooks, as the ``model_answer`` argument of each box; the
instructor guide can generate its copy from the same cells (:func:`answer_boxes_in`). Model
answers restate only what the lessons and ``data/`` say.

Where no widget can be drawn (the static site, a notebook viewer), the box shows its HTML form:
the prompt title, "write your answer in your own notes", and the model answer inside a
``<details>`` element, so nothing is lost.
"""

from __future__ import annotations

import ast
import re

import ipywidgets as widgets

from . import record as learner_record
from .widgets.common import STYLE_LABEL, SeriesWidget, lean, notice_html
from .markup import attr, esc, sentence

#: Self-assessment for Think! prompts.
THINK_RUBRIC = (
    "I answered the question that was asked.",
    "I used something the lesson showed: a figure, a table row, a badge or a number.",
    "I kept apart how strong the test was, what it found, and whether it is about slowing damage or repairing it.",
)
#: Self-assessment for the capstone cases (the criteria the instructor guide rewards).
CASE_RUBRIC = (
    "For each question I used the knowledge base: a trial, a graded claim or a number, with its source.",
    "I read the evidence badge and the regulatory status tag apart.",
    "I weighed harms and costs, not only benefits.",
    "I said what I would still want to know before deciding.",
)
RUBRICS = {"think": THINK_RUBRIC, "case": CASE_RUBRIC}

EMPTY_MESSAGE = ("Your answer box is empty. Write your answer first, then press Save my answer: the model "
                 "answer and the self-check appear once you have written your own.")
SAVED_MESSAGE = "Saved. Compare your answer with the model answer below, then tick what your answer did."


def markdown_html(text: str) -> str:
    """A small, safe Markdown subset as HTML: paragraphs, numbered and bulleted lists, **bold**, *italic*.

    Everything is HTML-escaped first, so a model answer can never inject markup.
    """
    def inline(s: str) -> str:
        s = esc(s)
        s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
        return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", s)

    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        numbered, bulleted = re.compile(r"^\d+\.\s+"), re.compile(r"^[-*]\s+")
        for kind, pattern in (("ol", numbered), ("ul", bulleted)):
            if pattern.match(lines[0]):
                items: list[str] = []
                for line in lines:
                    if pattern.match(line):
                        items.append(pattern.sub("", line))
                    else:
                        items[-1] += " " + line
                out.append(f"<{kind}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{kind}>")
                break
        else:
            out.append(f"<p>{inline(' '.join(lines))}</p>")
    return "".join(out)


def answer_reveal_html(title: str, model_answer: str, sources: list[str] | None = None) -> str:
    """The collapsible model answer (pure)."""
    refs = ""
    if sources:
        from .queries import cite

        refs = "<p><small><b>Sources:</b> " + "; ".join(cite(r) for r in sources) + "</small></p>"
    return (f'<details class="series-model-answer"><summary><b>Model answer</b> ({esc(title)}): one good '
            f"answer, not the only one</summary>{markdown_html(model_answer)}{refs}</details>")


def save_feedback_html(text: str | None) -> str:
    """What the box says after **Save my answer** (pure): the empty-box message, or 'saved'."""
    if not str(text or "").strip():
        return notice_html(EMPTY_MESSAGE, "warning")
    return notice_html(SAVED_MESSAGE)


def static_answer_html(title: str, prompt: str, model_answer: str, rubric: tuple[str, ...],
                       sources: list[str] | None = None) -> str:
    """The box without a kernel (static site, viewers): prompt, then the model answer in <details>."""
    ticks = "".join(f"<li>{esc(r)}</li>" for r in rubric)
    return (f'<div class="series-answer-box"><p><b>Write your answer: {esc(sentence(title))}</b> '
            f"{esc(prompt)} In a running notebook you write and save it here; on this page, write it in "
            "your own notes first.</p>" + answer_reveal_html(title, model_answer, sources)
            + f"<p>Then check your answer:</p><ul>{ticks}</ul></div>")


def answer_box(answer_id: str, lesson: int, title: str, model_answer: str, kind: str = "think",
               prompt: str = "Write your answer in the box, then press Save my answer.",
               sources: list[str] | None = None) -> SeriesWidget:
    """A text area for a Think! prompt (``kind="think"``) or a capstone case (``kind="case"``).

    The model answer and the rubric appear only after something was written and saved.
    """
    if kind not in RUBRICS:
        raise ValueError(f"unknown kind of answer box {kind!r}; valid: {', '.join(RUBRICS)}")
    rubric = RUBRICS[kind]
    rec = learner_record.get_record()
    saved = rec.answer(answer_id) or {}
    text = lean(widgets.Textarea, value=str(saved.get("text", "")), placeholder="Write your answer here.",
                description="Your answer:", style=STYLE_LABEL,
                layout={"width": "100%", "max_width": "900px", "height": "8em"})
    save = lean(widgets.Button, description="Save my answer", button_style="primary",
                tooltip="Save your answer in your personal record (kept on this computer only)")
    status = lean(widgets.HTML, learner_record.notices_html())
    reveal = lean(widgets.HTML, "")
    # The rubric is made, and joins the box, only once the model answer is revealed: a hidden,
    # empty-looking box would count as an unrendered widget in the browser tests and would be
    # announced by nothing, and widgets made before they are needed cost every lesson time.
    ticks: list = []
    ticked = list(saved.get("rubric") or []) + [False] * len(rubric)
    state = {"revealed": False}

    def show_reveal():
        reveal.value = answer_reveal_html(title, model_answer, sources)
        if not state["revealed"]:
            state["revealed"] = True
            ticks.extend(lean(widgets.Checkbox, value=bool(v), description=r, indent=False, layout={"width": "auto"})
                         for r, v in zip(rubric, ticked))
            for t in ticks:
                t.observe(on_tick, names="value")
            rubric_head = lean(widgets.HTML, "<b>Check your answer.</b> Tick what your answer did:")
            box.children = tuple(box.children) + (rubric_head, *ticks)

    def on_save(_=None):
        written = text.value.strip()
        status.value = save_feedback_html(written) + learner_record.notices_html()
        if not written:
            return
        learner_record.get_record().set_answer(answer_id, lesson, title, text.value)
        show_reveal()

    def on_tick(_=None):
        learner_record.get_record().set_rubric(answer_id, [t.value for t in ticks])

    save.on_click(on_save)
    header = lean(widgets.HTML, f"<p><b>Your answer: {esc(sentence(title))}</b> {esc(prompt)} It is kept only "
                "on this computer, in your personal record.</p>")
    box = SeriesWidget([header, text, save, status, reveal],
                    f"Answer box: {title}. Write and save your answer to see the model answer")
    box.controls = {"text": text, "save": save, "rubric": ticks}
    box.outputs = {"status": status, "reveal": reveal}
    if str(saved.get("text", "")).strip():
        show_reveal()
    box.add_class("series-answer-box")
    box.static_form = static_answer_html(title, prompt, model_answer, rubric, sources)
    return box


def answer_boxes_in(notebook) -> list[dict]:
    """Every ``answer_box(...)`` call in a notebook's code cells, with its literal arguments.

    For the instructor guide: its copy of the model answers is generated from the notebooks.
    """
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "answer_box":
                names = ("answer_id", "lesson", "title", "model_answer", "kind", "prompt", "sources")
                args = {n: ast.literal_eval(a) for n, a in zip(names, node.args)}
                args.update({k.arg: ast.literal_eval(k.value) for k in node.keywords})
                found.append(args)
    return found


# ---------------------------------------------------------------------- my progress (end of lesson 09)
def download_link_html(path, text: str, mime: str) -> str:
    """A link that downloads ``text`` as a file named like ``path`` (works offline, in JupyterLab, Binder and
    on a hub: the file travels inside the link), plus where the same file was saved."""
    import base64

    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (f'<p><a download="{attr(path.name)}" href="data:{mime};charset=utf-8;base64,{payload}">'
            f"<b>Download {esc(path.name)}</b></a> (saved too as <code>{esc(str(path))}</code>; "
            "in JupyterLab's file browser, right-click it and choose Download).</p>")


def my_progress() -> SeriesWidget:
    """Summary of the learner's record by lesson, and buttons that save it as one HTML or Markdown file."""
    where = widgets.HTML("")
    summary = widgets.HTML("")
    name = widgets.Text(value="", placeholder="optional", description="Name on the file:",
                        style={"description_width": "initial"})
    refresh = widgets.Button(description="Refresh", tooltip="Show what you have recorded so far")
    save_html = widgets.Button(description="Save as HTML file", button_style="primary",
                               tooltip="Save your record as one web page you can hand in")
    save_md = widgets.Button(description="Save as Markdown file", tooltip="Save your record as one Markdown file")
    link = widgets.HTML("")

    def show(_=None):
        r = learner_record.get_record()
        where.value = (f"<p>Your record is kept {esc(r.where)}.</p>" + learner_record.notices_html())
        summary.value = learner_record.summary_html(r)

    def export(fmt: str):
        r = learner_record.get_record()
        try:
            path = learner_record.export_record(fmt, name=name.value, record=r)
        except OSError as err:
            link.value = notice_html(f"The file could not be saved ({err}).", "warning")
            return
        maker = learner_record.export_html if fmt == "html" else learner_record.export_markdown
        link.value = download_link_html(path, maker(r, name.value), "text/html" if fmt == "html" else "text/markdown")
        show()

    refresh.on_click(show)
    save_html.on_click(lambda _: export("html"))
    save_md.on_click(lambda _: export("md"))
    show()
    box = SeriesWidget([where, summary, name, widgets.HBox([refresh, save_html, save_md]), link],
                       "My progress (a summary of your record, and a file to hand in)")
    box.controls = {"name": name, "refresh": refresh, "html": save_html, "md": save_md}
    box.outputs = {"where": where, "summary": summary, "link": link}
    box.add_class("series-my-progress")
    return box
