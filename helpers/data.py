"""Load and validate the knowledge base in ``data/``.

The knowledge base is a folder of plain CSV files that instructors can edit in a
spreadsheet. :func:`load_knowledge_base` reads every file, checks it against the schema
below and returns a :class:`KnowledgeBase` whose attributes are pandas DataFrames.

Any problem raises :class:`KnowledgeBaseError`, whose message names the file, the row as
a spreadsheet shows it (the header is row 1), the column, the bad value and what was
expected. Nothing is silently dropped or repaired. The schema is documented for people in
``data/README.md``; this module is its executable form.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .statuses import STATUSES


def find_data_dir(start: str | Path | None = None) -> Path:
    """The knowledge-base folder to read, first match wins:

    1. the folder named by the environment variable ``SERIES_DATA_DIR`` (e.g. an edited copy);
    2. the ``data/`` of the checkout of this series that contains the working directory
       (``start``; a folder with ``helpers/data.py`` and ``data/``), so that the notebooks of
       a checkout -- say, one an instructor updates with nbgitpuller on a hub whose image has
       the package installed -- read that checkout's data;
    3. the copy installed with the package (``helpers/_data`` in a wheel, via importlib.resources);
    4. the ``data/`` next to this package's source folder (an editable install).
    """
    configured = os.environ.get("SERIES_DATA_DIR")
    if configured:
        return Path(configured)
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "helpers" / "data.py").is_file() and (folder / "data").is_dir():
            return folder / "data"
    packaged = resources.files("helpers").joinpath("_data")
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


#: The data folder used when none is given (see :func:`find_data_dir`).
DEFAULT_DATA_DIR = find_data_dir()

ID_RE = re.compile(r"^[a-z0-9_]+$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
#: Trial registries whose ids the knowledge base accepts: the id's pattern, how an error message names
#: it, and the public record it links to (``{}`` = the id). A new registry is one row here.
REGISTRIES = (
    (r"NCT\d{8}", "NCT + 8 digits", "https://clinicaltrials.gov/study/{}"),
    (r"ISRCTN\d{8}", "ISRCTN + 8 digits", "https://www.isrctn.com/{}"),
    (r"UMIN\d{9}", "UMIN + 9 digits (Japan)", "https://apps.who.int/trialsearch/Trial2.aspx?TrialID=JPRN-{}"),
    (r"\d{4}-\d{6}-\d{2}", "EudraCT YYYY-NNNNNN-NN", "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}"),
)
REGISTRY_RE = re.compile("^(" + "|".join(pattern for pattern, _name, _url in REGISTRIES) + ")$")
_REGISTRY_NAMES = [name for _pattern, name, _url in REGISTRIES]
REGISTRY_FORMATS = ", ".join(_REGISTRY_NAMES[:-1]) + ", or " + _REGISTRY_NAMES[-1]


def registry_record_url(registry_id: str) -> str:
    """The public record of a (valid) trial registry id, from :data:`REGISTRIES`."""
    return next(url.format(registry_id) for pattern, _name, url in REGISTRIES if re.fullmatch(pattern, registry_id))
URL_RE = re.compile(r"^https?://\S+$")
LIST_SEP = ";"
QUIZ_ID_RE = re.compile(r"^q(\d{2})_(\d{2})$")
#: Kinds of check item: recall a fact, apply an idea to a scenario or figure, or use a widget or model.
QUIZ_KINDS = ("recall", "apply", "widget")
#: An option of a check item and the feedback shown when a learner chooses it (wrong_3 is optional).
QUIZ_OPTION_COLUMNS = (("answer", "answer_feedback"), ("wrong_1", "wrong_1_feedback"), ("wrong_2", "wrong_2_feedback"),
                       ("wrong_3", "wrong_3_feedback"))


# --------------------------------------------------------------------------- errors
@dataclass(frozen=True)
class Problem:
    """One validation finding, located as a person finds it in a spreadsheet."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{value}: {self.expected}"


class KnowledgeBaseError(ValueError):
    """The data folder does not match the schema. ``.problems`` lists every finding."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:25])
        more = f"\n  ... and {len(self.problems) - 25} more" if len(self.problems) > 25 else ""
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} in the knowledge base:\n{shown}{more}")


# --------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Column:
    """A column: its kind decides the check and the dtype.

    kinds: ``id`` (unique key), ``text``, ``int``, ``float``, ``enum`` (``values``),
    ``ref``/``refs`` (one / a ``;``-list of ids of table ``target``), ``doi``, ``pmid``,
    ``registry``, ``url``, ``level`` (an evidence level id), ``month`` (``YYYY-MM``, when a row was
    last checked against its source: not in the future, not before 1990).
    """

    name: str
    kind: str = "text"
    required: bool = True
    values: tuple[str, ...] = ()
    target: str | None = None


def C(name, kind="text", required=True, values=(), target=None):  # noqa: N802 (short schema rows)
    return Column(name, kind, required, tuple(values), target)


#: Display grades. Biology claims (damage.csv) use the first three; a treatment claim's grade is
#: derived from its design and direction (the two columns of therapy_effects.csv), never typed in.
BIOLOGY_LEVELS = ("established", "preclinical", "hypothesis")
THERAPY_LEVELS = ("rct_benefit", "rct_no_benefit", "rct_harm", "surrogate_benefit", "surrogate_no_benefit",
                  "early_harm", "early_unclear", "lab_only", "idea")
EVIDENCE_LEVELS = BIOLOGY_LEVELS + THERAPY_LEVELS
#: Strength of the design behind a treatment claim, strongest first.
DESIGNS = ("rct_clinical", "rct_surrogate", "uncontrolled", "lab", "idea")
#: The designs that rest on a randomized trial.
RANDOMIZED_DESIGNS = ("rct_clinical", "rct_surrogate")
#: Direction of a treatment claim's evidence.
DIRECTIONS = ("benefit", "no_benefit", "harm", "unclear", "untested")
#: What a treatment claim is about.
ACTIONS = ("slows", "repairs", "symptoms", "research")
#: Is the treatment's action on *this* damage shown in people, only in the lab, or assumed?
MECHANISM_LINKS = ("shown", "lab", "assumed")
DISEASES = ("als", "ms")
POTENCY = ("totipotent", "pluripotent", "multipotent", "progenitor", "differentiated")
DAMAGE_CATEGORIES = ("neuron_loss", "protein_aggregation", "toxicity", "metabolic", "transport", "glial",
                     "genetic", "immune", "myelin", "axonal", "inflammation")
THERAPY_KINDS = ("cell_therapy", "drug", "antisense", "antibody", "procedure", "unproven_product")
#: Regulatory status: shown next to the evidence, never instead of it.
THERAPY_STATUS = tuple(STATUSES)  # the statuses, their tags and meanings: helpers/statuses.py
#: Statuses whose tag may say where or for what they hold (``therapies.csv`` ``approved_for``).
SCOPED_STATUSES = ("full_approval", "conditional_approval", "withdrawn", "guideline_procedure")
PHASES = ("1", "1/2", "2", "2/3", "3", "observational", "not_stated")
SIZE_KINDS = ("enrolled", "planned")
CONTROLS = ("placebo", "sham", "active", "no_treatment", "untreated_side", "historical", "none")
BLINDING = ("open", "single", "double", "rater")
ROUTES = ("intravenous", "intrathecal", "intraspinal", "intramuscular", "intracerebroventricular",
          "intracortical", "intrathecal_intramuscular", "intrathecal_or_intravenous", "oral", "subcutaneous",
          "not_stated")
TRIAL_STATUS = ("completed", "ongoing", "not_yet_recruiting", "terminated", "withdrawn", "unknown")
TRIAL_RESULTS = ("met", "not_met", "safety_only", "mixed", "ongoing", "terminated", "not_reported")
#: Where a trial's results have appeared (``trials.csv`` ``results_in``; required for a trial with a result,
#: :data:`RESULTS_REPORTED`; empty while there is none).
RESULTS_IN = ("journal", "meeting", "announcement")
#: Trial results that have been reported somewhere, so ``results_in`` must say where.
RESULTS_REPORTED = ("met", "not_met", "mixed", "safety_only")
#: The values of ``results_in`` that mean "not yet in a peer-reviewed journal".
UNPUBLISHED_RESULTS = ("meeting", "announcement")
#: The caveats derived for every therapy claim (boolean columns of ``therapy_effects``), in display order;
#: their words and marks are :data:`helpers.style.CAVEATS` and :data:`helpers.style.CAVEAT_MARKS`.
CAVEAT_COLUMNS = ("unblinded", "active_control", "unpublished")
MODELS = ("conduction", "motor_units", "alsfrs", "ms_relapse")

SCHEMA: dict[str, tuple[Column, ...]] = {
    "references": (
        C("ref_id", "id"), C("authors"), C("year", "int"), C("title"), C("venue"),
        C("doi", "doi", False), C("pmid", "pmid", False), C("registry_id", "registry", False),
        C("url", "url", False), C("note", required=False),
    ),
    "evidence_levels": (
        C("level_id", "enum", values=EVIDENCE_LEVELS), C("rank", "int"), C("code"), C("label"),
        C("applies_to", "enum", values=("biology", "therapy")), C("design", "enum", False, values=DESIGNS),
        C("direction", "enum", False, values=DIRECTIONS), C("description"),
    ),
    "diseases": (
        C("disease_id", "enum", values=DISEASES), C("name"), C("short_description"),
        C("ref_ids", "refs", target="references"),
    ),
    "disease_forms": (
        C("form_id", "id"), C("disease_id", "ref", target="diseases"), C("name"), C("description"),
        C("ref_ids", "refs", target="references"),
    ),
    "disease_facts": (
        C("fact_id", "id"), C("disease_id", "ref", target="diseases"), C("quantity"), C("value", "float"),
        C("unit"), C("qualifier", required=False), C("ref_ids", "refs", target="references"),
    ),
    "cell_types": (
        C("cell_type_id", "id"), C("name"), C("role", "enum", values=("native", "therapeutic")),
        C("potency", "enum", values=POTENCY), C("is_stem_cell", "enum", values=("yes", "no", "debated")),
        C("sources"), C("can_become"), C("cannot_become"), C("misconception"), C("correction"),
        C("ref_ids", "refs", target="references"),
    ),
    "damage": (
        C("damage_id", "id"), C("disease_id", "ref", target="diseases"), C("name"),
        C("category", "enum", values=DAMAGE_CATEGORIES), C("description"),
        C("cell_types_hit", "refs", target="cell_types"), C("evidence_level", "level"),
        C("ref_ids", "refs", target="references"),
    ),
    "mechanisms": (
        C("mechanism_id", "id"), C("name"), C("description"), C("ref_ids", "refs", False, target="references"),
    ),
    "therapies": (
        C("therapy_id", "id"), C("name"), C("kind", "enum", values=THERAPY_KINDS),
        C("cell_type_id", "ref", False, target="cell_types"), C("diseases", "refs", target="diseases"),
        C("status", "enum", values=THERAPY_STATUS), C("status_note"), C("approved_for", required=False), C("checked", "month"),
        C("ref_ids", "refs", target="references"),
    ),
    "therapy_effects": (
        C("effect_id", "id"), C("therapy_id", "ref", target="therapies"), C("disease_id", "ref", target="diseases"),
        C("damage_id", "ref", target="damage"), C("mechanism_id", "ref", target="mechanisms"),
        C("action", "enum", values=ACTIONS), C("direction", "enum", values=DIRECTIONS),
        C("design", "enum", values=DESIGNS), C("mechanism_link", "enum", values=MECHANISM_LINKS),
        C("trial_ids", "refs", False, target="trials"), C("checked", "month"), C("note"),
        C("ref_ids", "refs", target="references"),
    ),
    "trials": (
        C("trial_id", "id"), C("registry_id", "registry", False), C("short_name"),
        C("disease_id", "ref", target="diseases"), C("therapy_id", "ref", target="therapies"),
        C("cell_type_id", "ref", False, target="cell_types"), C("phase", "enum", values=PHASES),
        C("randomized", "enum", values=("yes", "no")), C("controlled", "enum", values=CONTROLS),
        C("blinding", "enum", values=BLINDING), C("n_enrolled", "int", False),
        C("size_kind", "enum", False, values=SIZE_KINDS), C("route", "enum", values=ROUTES),
        C("start_year", "int", False), C("status", "enum", values=TRIAL_STATUS), C("primary_outcome"),
        C("result", "enum", values=TRIAL_RESULTS), C("result_note"),
        C("results_in", "enum", False, values=RESULTS_IN), C("expected_end", "end_month", False),
        C("checked", "month"), C("ref_ids", "refs", target="references"),
    ),
    "glossary": (
        C("term"), C("definition"), C("lesson", "int"), C("see_also", required=False),
        C("ref_ids", "refs", False, target="references"),
    ),
    "quiz": (
        C("quiz_id", "id"), C("lesson", "int"), C("kind", "enum", values=QUIZ_KINDS), C("revisits", "int", False),
        C("question"), C("answer"), C("answer_feedback"), C("wrong_1"), C("wrong_1_feedback"), C("wrong_2"),
        C("wrong_2_feedback"), C("wrong_3", required=False), C("wrong_3_feedback", required=False), C("hint"),
        C("explanation"), C("ref_ids", "refs", False, target="references"),
    ),
    "red_flags": (
        C("flag_id", "id"), C("name"), C("description"), C("ref_ids", "refs", target="references"),
    ),
    "clinic_adverts": (
        C("advert_id", "id"), C("title"), C("text"), C("red_flags", "refs", False, target="red_flags"),
        C("explanation"),
    ),
    "model_parameters": (
        C("parameter_id", "id"), C("model", "enum", values=MODELS), C("value", "float"), C("unit"),
        C("low", "float", False), C("high", "float", False), C("description"),
        C("ref_ids", "refs", target="references"), C("note", required=False),
    ),
}

#: (design, direction) -> display grade; any other pair is a data error.
GRADE_OF = {
    ("rct_clinical", "benefit"): "rct_benefit", ("rct_clinical", "no_benefit"): "rct_no_benefit",
    ("rct_clinical", "harm"): "rct_harm", ("rct_surrogate", "benefit"): "surrogate_benefit",
    ("rct_surrogate", "no_benefit"): "surrogate_no_benefit", ("rct_surrogate", "harm"): "rct_harm",
    ("uncontrolled", "unclear"): "early_unclear", ("uncontrolled", "harm"): "early_harm",
    ("lab", "untested"): "lab_only", ("idea", "untested"): "idea",
}

#: Primary key column of each table (the first ``id``/``enum`` column, or ``term`` for the glossary).
KEYS = {name: cols[0].name for name, cols in SCHEMA.items()}
#: Tables whose evidence levels are about therapies (``established`` is for biology only).
THERAPY_LEVEL_TABLES = {"therapy_effects"}


# --------------------------------------------------------------------------- reading
#: Longest text a cell may hold. The longest real cell is about 550 characters; a much longer one is
#: almost always an opening quote without its closing quote, which swallows the rows after it.
MAX_CELL_CHARS = 3000
#: Characters that are invisible or change how text is shown: control characters (C0, DEL, C1),
#: zero-width characters and bidirectional overrides.
INVISIBLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _read_rows(path: Path, table: str, problems: list[Problem],
               name: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Read a CSV file strictly as text; report BOM, encoding and shape problems.

    ``name`` is how messages name the file (by default ``data/<file>``).
    """
    name = name or f"data/{path.name}"
    if path.is_dir():
        problems.append(Problem(name, None, None, None, "is a folder, not a CSV file; put the CSV file here instead"))
        return [], []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, None, f"cannot be read ({exc.strerror or exc})"))
        return [], []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(name, 1, None, None,
                                "file starts with a UTF-8 byte-order mark (BOM); save it as 'UTF-8' without BOM "
                                "(the BOM would silently become part of the first column name)"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None, None, f"is not valid UTF-8 ({exc.reason}); save the file as UTF-8"))
        return [], []
    # Read fields of any length (csv's own limit, 131,072 characters, would stop with a bare
    # csv.Error); an over-long cell is then reported with its row and column by _check_cell.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # e.g. a NUL byte
        problems.append(Problem(name, None, None, None, f"is not a readable CSV file ({exc})"))
        return [], []
    finally:
        csv.field_size_limit(limit)
    if not rows:
        problems.append(Problem(name, None, None, None, "file is empty; expected a header row"))
        return [], []
    header, body = rows[0], rows[1:]
    expected = [c.name for c in SCHEMA[table]]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    repeated = sorted({c for c in header if header.count(c) > 1})
    for column in missing:
        problems.append(Problem(name, 1, column, None, f"column is missing; expected columns: {', '.join(expected)}"))
    for column in extra:
        problems.append(Problem(name, 1, column, None,
                                f"unexpected column; expected exactly: {', '.join(expected)}"))
    for column in repeated:
        problems.append(Problem(name, 1, column, None,
                                f"column header appears {header.count(column)} times; each column must appear once "
                                f"(expected exactly: {', '.join(expected)})"))
    if missing or extra or repeated:
        return header, []
    if not body:
        problems.append(Problem(name, 2, None, None,
                                "the file has a header but no rows; the lessons need at least one row "
                                "(add rows, or restore the file from the project's data/)"))
        return header, []
    checked = []
    for index, row in enumerate(body):
        row_number = index + 2
        if not any(cell.strip() for cell in row):
            problems.append(Problem(name, row_number, None, None, "row is empty; delete it"))
            continue
        if len(row) != len(header):
            problems.append(Problem(name, row_number, None, None,
                                    f"has {len(row)} fields, expected {len(header)} (check commas and quotes)"))
            continue
        checked.append(row)
    return header, checked


def _split(value: str) -> list[str]:
    return value.split(LIST_SEP) if value else []


#: Plausible range of whole numbers, per (table, column): a value outside is a typo.
INT_RANGES = {
    ("references", "year"): (1800, date.today().year + 1),
    ("evidence_levels", "rank"): (1, 99),
    ("glossary", "lesson"): (0, 99),
    ("quiz", "lesson"): (0, 99),
}  # trials: n_enrolled and start_year are checked with the other trial rules in _validate_cross
INT64_MAX = 2**63 - 1


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else f"{value[:limit]}… ({len(value):,} characters)"


def _check_cell(name: str, row: int, col: Column, value: str, problems: list[Problem], table: str | None = None) -> None:
    """Check one cell's format (not cross-references, which need all tables)."""
    if len(value) > MAX_CELL_CHARS:
        problems.append(Problem(name, row, col.name, _shorten(value),
                                f"is {len(value):,} characters long; a cell holds at most {MAX_CELL_CHARS:,} "
                                "(a much longer cell usually means an opening quote without its closing quote)"))
        return
    invisible = INVISIBLE_RE.search(value)
    if invisible:
        problems.append(Problem(name, row, col.name, _shorten(value),
                                f"contains the invisible or control character U+{ord(invisible.group()):04X} at "
                                f"position {invisible.start() + 1}; remove it (line breaks and tabs included: "
                                "write the text on one line)"))
        return
    if value != value.strip() or "\u00a0" in value:
        problems.append(Problem(name, row, col.name, value,
                                "has leading/trailing spaces or an invisible character; remove them "
                                "(they silently break matching between files)"))
        return
    if value == "":
        if col.required:
            problems.append(Problem(name, row, col.name, value, "is empty but required"))
        return
    kind = col.kind
    if kind == "id" and not ID_RE.match(value):
        problems.append(Problem(name, row, col.name, value, "ids use only lowercase letters, digits and '_'"))
    elif kind == "int":
        if not re.fullmatch(r"-?\d+", value):
            problems.append(Problem(name, row, col.name, value, "expected a whole number"))
        elif abs(int(value)) > INT64_MAX:
            problems.append(Problem(name, row, col.name, _shorten(value), "number is far too large (more than 64 bits)"))
        elif (table, col.name) in INT_RANGES and not (
                INT_RANGES[table, col.name][0] <= int(value) <= INT_RANGES[table, col.name][1]):
            low, high = INT_RANGES[table, col.name]
            problems.append(Problem(name, row, col.name, value, f"implausible value: expected between {low} and {high}"))
    elif kind == "float":
        try:
            number = float(value)
        except ValueError:
            problems.append(Problem(name, row, col.name, value, "expected a number (use '.' as decimal point)"))
        else:
            if not math.isfinite(number):
                problems.append(Problem(name, row, col.name, _shorten(value),
                                        "expected a finite number, not NaN or infinity (leave an optional cell empty)"))
    elif kind == "enum" and value not in col.values:
        problems.append(Problem(name, row, col.name, value, f"expected one of: {', '.join(col.values)}"))
    elif kind in ("month", "end_month"):
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        today = date.today()
        latest = (today.year, today.month) if kind == "month" else (today.year + 30, 12)
        if not match or not 1 <= int(match.group(2)) <= 12:
            problems.append(Problem(name, row, col.name, value, "expected a year and month like 2026-11"))
        elif not (1990, 1) <= (int(match.group(1)), int(match.group(2))) <= latest:
            what = "check date" if kind == "month" else "date"
            problems.append(Problem(name, row, col.name, value,
                                    f"impossible {what}: must lie between 1990-01 and {latest[0]}-{latest[1]:02d}"))
    elif kind == "level" and value not in EVIDENCE_LEVELS:
        problems.append(Problem(name, row, col.name, value, f"expected an evidence level: {', '.join(EVIDENCE_LEVELS)}"))
    elif kind == "doi" and not DOI_RE.match(value):
        problems.append(Problem(name, row, col.name, value, "expected a bare DOI like 10.1001/jama.2018.18743"))
    elif kind == "pmid" and not PMID_RE.match(value):
        problems.append(Problem(name, row, col.name, value, "expected a PubMed id: digits only, e.g. 30644983"))
    elif kind == "registry" and not REGISTRY_RE.match(value):
        problems.append(Problem(name, row, col.name, value, f"expected a registry id: {REGISTRY_FORMATS}"))
    elif kind == "url" and not URL_RE.match(value):
        problems.append(Problem(name, row, col.name, value, "expected a web address starting with https://"))
    elif kind == "refs":
        parts = value.split(LIST_SEP)
        if any(p != p.strip() or p == "" for p in parts):
            problems.append(Problem(name, row, col.name, value,
                                    "expected ids separated by ';' with no spaces and no empty items"))


# --------------------------------------------------------------------------- the knowledge base
@dataclass(frozen=True)
class KnowledgeBase:
    """All tables of the knowledge base as DataFrames (one attribute per file in ``data/``)."""

    references: pd.DataFrame
    evidence_levels: pd.DataFrame
    diseases: pd.DataFrame
    disease_forms: pd.DataFrame
    disease_facts: pd.DataFrame
    cell_types: pd.DataFrame
    damage: pd.DataFrame
    mechanisms: pd.DataFrame
    therapies: pd.DataFrame
    therapy_effects: pd.DataFrame
    trials: pd.DataFrame
    glossary: pd.DataFrame
    quiz: pd.DataFrame
    red_flags: pd.DataFrame
    clinic_adverts: pd.DataFrame
    model_parameters: pd.DataFrame
    data_dir: Path = field(default=DEFAULT_DATA_DIR)

    @property
    def evidence_dtype(self) -> pd.CategoricalDtype:
        """Ordered categorical of evidence levels, weakest to strongest support."""
        return self.therapy_effects["evidence_level"].dtype

    def table_names(self) -> list[str]:
        return list(SCHEMA)

    def counts(self) -> dict[str, int]:
        """Number of rows per table."""
        return {name: len(getattr(self, name)) for name in SCHEMA}


def _to_frame(table: str, header: list[str], rows: list[list[str]], level_dtype) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, dtype="string") if rows else pd.DataFrame(
        {c.name: pd.Series(dtype="string") for c in SCHEMA[table]})
    for col in SCHEMA[table]:
        series = frame[col.name]
        if col.kind == "int":
            frame[col.name] = pd.to_numeric(series.replace("", pd.NA)).astype("Int64")
        elif col.kind == "float":
            frame[col.name] = pd.to_numeric(series.replace("", pd.NA)).astype("Float64")
        elif col.kind == "level":
            frame[col.name] = series.astype(str).astype(level_dtype)
        elif col.kind == "enum" and col.name != KEYS[table]:
            values = series.replace("", pd.NA) if not col.required else series
            frame[col.name] = values.astype(object).where(values.notna(), None).astype(pd.CategoricalDtype(list(col.values)))
        elif col.kind == "refs":
            frame[col.name] = series.fillna("")
        elif not col.required:
            frame[col.name] = series.replace("", pd.NA)  # an empty optional cell is missing, not ""
    return frame


def _spreadsheet_row(position: int) -> int:
    """The spreadsheet row of a table's row at ``position``: row 1 is the header, and no row is ever
    dropped on loading (a rejected row stops the load), so it is ``position + 2``. (Not kept in
    ``DataFrame.attrs``: pandas deep-copies attrs on every operation on a table.)"""
    return position + 2


#: Names that learners pick from menus: two that differ only in spelling details look like one.
NEAR_DUPLICATE_COLUMNS = (("therapies", "name"), ("cell_types", "name"), ("damage", "name"),
                          ("mechanisms", "name"), ("red_flags", "name"))


def _fold(value: str) -> str:
    """A key with capitals, spaces, '-' and '_' folded away (to find near-duplicates)."""
    return re.sub(r"[\s_\-]+", "", value.casefold())


#: What a model parameter's unit allows (first matching prefix of the lower-cased unit):
#: (prefix, lowest, highest, what it is); a prefix ending in '$' must match the whole unit. Widened bounds outside these would crash the models.
UNIT_BOUNDS = (
    ("probability", 0.0, 1.0, "a probability"),
    ("fraction of people", 0.0, 1.0, "a probability"),
    ("fraction (positive =", -1.0, 1.0, "a signed fraction"),
    ("fraction", 0.0, 1.0, "a fraction"),
    ("motor units", 1.0, 1e6, "a count"),
    ("patients per arm", 1.0, 1e6, "a count"),
    ("months", 1.0, 600.0, "a duration in months"),
    ("years", 0.1, 100.0, "a duration in years"),
    ("relapses per", 0.0, 50.0, "a rate"),
    ("edss points$", 0.0, 10.0, "a score on the EDSS (0-10)"),
    ("alsfrs-r points$", 0.0, 48.0, "a score on the ALSFRS-R (0-48)"),
    ("points$", 0.0, 48.0, "a score"),
    ("mm", 0.0, 1e4, "a length"),
    ("µm", 0.0, 1e4, "a length"),
    ("ms", 0.0, 1e5, "a time"),
    ("m/s", 0.0, 1e3, "a speed"),
    ("ratio", 0.0, 1e3, "a ratio"),
    ("×", 1.0, 100.0, "a multiple"),
)


def _unit_bounds(unit: str) -> tuple[float, float, str] | None:
    unit = unit.lower()
    for prefix, low, high, what in UNIT_BOUNDS:
        if unit == prefix[:-1] if prefix.endswith("$") else unit.startswith(prefix):
            return low, high, what
    return None


def _validate_quiz(quiz: pd.DataFrame, problems: list[Problem], file: str = "data/quiz.csv") -> None:
    """quiz.csv: ids name their lesson, an option and its feedback come together, options differ,
    and a revisited lesson is an earlier one."""
    def missing(value) -> bool:
        return value is None or value is pd.NA or str(value).strip() in ("", "<NA>", "nan")

    for pos, row in enumerate(quiz.itertuples(index=False)):
        where = (file, _spreadsheet_row(pos))
        lesson = None if missing(row.lesson) else int(row.lesson)
        match = QUIZ_ID_RE.match(str(row.quiz_id))
        if not match:
            problems.append(Problem(*where, "quiz_id", str(row.quiz_id), "expected qNN_MM (lesson, number), e.g. q03_02"))
        elif lesson is not None and int(match.group(1)) != lesson:
            problems.append(Problem(*where, "quiz_id", str(row.quiz_id),
                                    f"the id's lesson number does not match column 'lesson' ({lesson})"))
        if lesson is not None and not 0 <= lesson <= 9:
            problems.append(Problem(*where, "lesson", str(lesson), "expected a lesson number from 0 to 9"))
        if not missing(row.revisits):
            revisits = int(row.revisits)
            if lesson is not None and not 0 <= revisits < lesson:
                problems.append(Problem(*where, "revisits", str(revisits),
                                        f"expected an earlier lesson than this item's lesson ({lesson})"))
        texts: dict[str, str] = {}
        for option, feedback in QUIZ_OPTION_COLUMNS:
            text, note = getattr(row, option), getattr(row, feedback)
            if missing(text) and not missing(note):
                problems.append(Problem(*where, option, "", f"'{feedback}' is filled, so this option is needed too"))
            elif not missing(text) and missing(note):
                problems.append(Problem(*where, feedback, "",
                                        f"every option needs feedback aimed at the misconception it represents "
                                        f"(option: {str(text)!r})"))
            if missing(text):
                continue
            if str(text) in texts.values():
                first = next(k for k, v in texts.items() if v == str(text))
                problems.append(Problem(*where, option, str(text), f"the same text as column '{first}'; options must differ"))
            if "|" in str(text):
                problems.append(Problem(*where, option, str(text), "an option must not contain '|'"))
            texts[option] = str(text)


def _validate_cross(tables: dict[str, pd.DataFrame], problems: list[Problem], files: dict[str, str]) -> None:
    """Cross-file checks: unique keys, references that resolve, vocabularies that agree."""
    keys: dict[str, set[str]] = {}
    for table, frame in tables.items():
        key = KEYS[table]
        seen: dict[str, int] = {}
        for pos, value in enumerate(frame[key].astype(str)):
            row = _spreadsheet_row(pos)
            if value in seen:
                problems.append(Problem(files[table], row, key, value,
                                        f"duplicate id (first used in row {seen[value]}); ids must be unique"))
            else:
                seen[value] = row
        keys[table] = set(seen)
    for table, column in [(t, KEYS[t]) for t in tables] + list(NEAR_DUPLICATE_COLUMNS):
        frame = tables[table]
        folded: dict[str, tuple[str, int]] = {}
        for pos, value in enumerate(frame[column].astype(str)):
            norm = _fold(value)
            if norm in folded and folded[norm][0] != value:
                problems.append(Problem(files[table], _spreadsheet_row(pos), column, value,
                                        f"differs from '{folded[norm][0]}' (row {folded[norm][1]}) only in capitals, "
                                        "spaces, '-' or '_'; use one spelling (or make them clearly different)"))
            elif norm not in folded:
                folded[norm] = (value, _spreadsheet_row(pos))
            elif column != KEYS[table]:
                problems.append(Problem(files[table], _spreadsheet_row(pos), column, value,
                                        f"the same {column} as row {folded[norm][1]}; two rows would look identical"))

    used_refs: set[str] = set()
    for table, frame in tables.items():
        name = files[table]
        for col in SCHEMA[table]:
            if col.kind not in ("ref", "refs"):
                continue
            valid = keys[col.target]
            for pos, value in enumerate(frame[col.name].fillna("").astype(str)):
                for item in (_split(value) if col.kind == "refs" else ([value] if value else [])):
                    if col.target == "references":
                        used_refs.add(item)
                    if item not in valid:
                        choices = ", ".join(sorted(valid)) if len(valid) <= 30 else f"{len(valid)} ids in {files[col.target]}"
                        problems.append(Problem(name, _spreadsheet_row(pos), col.name, item,
                                                f"unknown id in {files[col.target]}; valid: {choices}"))

    refs = tables["references"]
    for column in ("doi", "pmid"):  # one publication, one row: a second row would split its citations
        first: dict[str, tuple[int, str]] = {}
        for pos, (ref_id, value) in enumerate(zip(refs["ref_id"].astype(str), refs[column].fillna("").astype(str))):
            key = value.strip().casefold()  # DOIs are case-insensitive
            if not key or key == "<na>":
                continue
            if key in first:
                row, other = first[key]
                problems.append(Problem(files["references"], _spreadsheet_row(pos), column, value,
                                        f"the same {column} as row {row} ({other}); one publication needs one row: "
                                        f"cite {other} instead"))
            else:
                first[key] = (_spreadsheet_row(pos), ref_id)
    for pos, row in enumerate(refs.itertuples(index=False)):
        if not any(str(getattr(row, c)) not in ("", "<NA>") for c in ("doi", "pmid", "registry_id", "url")):
            problems.append(Problem(files["references"], _spreadsheet_row(pos), "doi", "",
                                    "a reference needs at least one of doi, pmid, registry_id or url"))
        if row.ref_id not in used_refs:
            problems.append(Problem(files["references"], _spreadsheet_row(pos), "ref_id", row.ref_id,
                                    "reference is not used by any row; cite it or delete it"))

    for pos, row in enumerate(tables["therapies"].itertuples(index=False)):
        scope = str(getattr(row, "approved_for", ""))
        if scope not in ("", "<NA>", "nan") and str(row.status) not in SCOPED_STATUSES:
            problems.append(Problem(files["therapies"], _spreadsheet_row(pos), "approved_for", scope,
                                    f"says where an approval holds, but the status is '{row.status}'; leave it empty "
                                    f"or use one of: {', '.join(SCOPED_STATUSES)}"))

    effects = tables["therapy_effects"]
    damage_disease = dict(zip(tables["damage"]["damage_id"].astype(str), tables["damage"]["disease_id"].astype(str)))
    therapy_diseases = {t: set(_split(str(d))) for t, d in zip(tables["therapies"]["therapy_id"].astype(str),
                                                                 tables["therapies"]["diseases"].astype(str))}
    therapy_status = dict(zip(tables["therapies"]["therapy_id"].astype(str), tables["therapies"]["status"].astype(str)))
    for pos, row in enumerate(effects.itertuples(index=False)):
        spreadsheet_row = _spreadsheet_row(pos)
        grade = GRADE_OF.get((str(row.design), str(row.direction)))
        if grade is None:
            allowed = "; ".join(f"{g}: {d}" for (g, d) in GRADE_OF)
            problems.append(Problem(files["therapy_effects"], spreadsheet_row, "direction", str(row.direction),
                                    f"does not go with design '{row.design}'; allowed design: direction pairs are {allowed}"))
        if str(row.design).startswith("rct_") and str(row.trial_ids) in ("", "<NA>"):
            problems.append(Problem(files["therapy_effects"], spreadsheet_row, "trial_ids", "",
                                    f"a randomized design needs the trial(s) behind it (ids from {files['trials']}), "
                                    "so that its size is known"))
        if damage_disease.get(str(row.damage_id), str(row.disease_id)) != str(row.disease_id):
            problems.append(Problem(files["therapy_effects"], spreadsheet_row, "damage_id", str(row.damage_id),
                                    f"this damage belongs to disease '{damage_disease[str(row.damage_id)]}', "
                                    f"not '{row.disease_id}'"))
        if str(row.action) == "research" and therapy_status.get(str(row.therapy_id), "research_only") != "research_only":
            problems.append(Problem(files["therapy_effects"], spreadsheet_row, "action", str(row.action),
                                    "'research' marks the claims of a research tool, not of a treatment, but this "
                                    f"therapy's status in {files['therapies']} is "
                                    f"'{therapy_status[str(row.therapy_id)]}' (a research tool's is 'research_only')"))
        if str(row.therapy_id) in therapy_diseases and str(row.disease_id) not in therapy_diseases[str(row.therapy_id)]:
            problems.append(Problem(files["therapy_effects"], spreadsheet_row, "disease_id", str(row.disease_id),
                                    f"therapy '{row.therapy_id}' is not listed for this disease in {files['therapies']}"))

    _validate_quiz(tables["quiz"], problems, files["quiz"])

    levels = tables["evidence_levels"]
    missing = set(EVIDENCE_LEVELS) - set(levels["level_id"].astype(str))
    for level in sorted(missing):
        problems.append(Problem(files["evidence_levels"], None, "level_id", level, "evidence level is missing"))

    damage = tables["damage"]
    for pos, value in enumerate(damage["evidence_level"].astype(str)):
        if value not in BIOLOGY_LEVELS:
            problems.append(Problem(files["damage"], _spreadsheet_row(pos), "evidence_level", value,
                                    f"biology claims use {', '.join(BIOLOGY_LEVELS)}"))

    trials = tables["trials"]
    for pos, row in enumerate(trials.itertuples(index=False)):
        has_size = pd.notna(row.n_enrolled)
        if has_size != pd.notna(row.size_kind):
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "size_kind",
                                    "" if pd.isna(row.size_kind) else str(row.size_kind),
                                    "say 'enrolled' or 'planned' exactly when n_enrolled is given"))
        elif has_size and str(row.size_kind) == "planned" and str(row.status) == "completed":
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "size_kind", "planned",
                                    "a completed trial has an enrolled size, not a planned one"))
        if str(row.result) in RESULTS_REPORTED and pd.isna(row.results_in):
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "results_in", "",
                                    f"a trial with a result ('{row.result}') says where it appeared: "
                                    f"{', '.join(RESULTS_IN)} (data/README.md, rule 16)"))
        if has_size and not 1 <= int(row.n_enrolled) <= 100_000:
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "n_enrolled",
                                    str(row.n_enrolled), "expected between 1 and 100000 people"))
        if pd.notna(row.start_year) and not 1950 <= int(row.start_year) <= date.today().year + 1:
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "start_year",
                                    str(row.start_year), f"expected a year between 1950 and {date.today().year + 1}"))

    for pos, row in enumerate(trials.itertuples(index=False)):
        end = str(row.expected_end)
        if pd.notna(row.start_year) and end[:4].isdigit() and int(end[:4]) < int(row.start_year):
            problems.append(Problem(files["trials"], _spreadsheet_row(pos), "expected_end", end,
                                    f"ends before it starts (start_year {row.start_year})"))

    params = tables["model_parameters"]
    for pos, row in enumerate(params.itertuples(index=False)):
        low, high, value = row.low, row.high, row.value
        bounds = _unit_bounds(str(row.unit))
        if bounds is not None:
            for column, number in (("value", value), ("low", low), ("high", high)):
                if pd.notna(number) and not bounds[0] <= number <= bounds[1]:
                    problems.append(Problem(files["model_parameters"], _spreadsheet_row(pos), column,
                                            str(number), f"the unit is '{row.unit}', so this is {bounds[2]}: "
                                            f"expected between {bounds[0]:g} and {bounds[1]:g}"
                                            " (the models and their sliders use value, low and high)"))
        if pd.notna(low) and pd.notna(high) and low > high:
            problems.append(Problem(files["model_parameters"], _spreadsheet_row(pos), "low", str(low),
                                    f"low is above high ({high})"))
        if pd.notna(low) and pd.notna(high) and pd.notna(value) and not (low <= value <= high):
            problems.append(Problem(files["model_parameters"], _spreadsheet_row(pos), "value", str(value),
                                    f"value must lie between low ({low}) and high ({high})"))


_CACHE: dict[tuple, KnowledgeBase] = {}

# --------------------------------------------------------------------------- cache between sessions
#: A folder for the validated knowledge base between sessions; ``off`` (or ``0``) turns the cache off.
CACHE_ENV = "SERIES_CACHE_DIR"
_CACHE_FORMAT = 1
_CACHE_PREFIX = "knowledge-base-"


def cache_folder() -> Path | None:
    """Where a validated knowledge base is kept between sessions (this platform's per-user cache
    folder, or ``SERIES_CACHE_DIR``); ``None`` when the cache is turned off.

    Every lesson starts a new kernel that loads the knowledge base; reading and validating the CSV
    files takes about ten times as long as reading back the result of an earlier validation of the
    same files. The cache holds only results that passed validation, under a key computed from the
    bytes of every data file and of the code that reads them: any edit, to the data or to the
    series, means a new key, so the files are validated again.
    """
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in ("0", "off", "no", "false"):
        return None
    if value:
        return Path(value)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "als-ms-stem-cell-series"


@cache
def _code_digest() -> str:
    """A digest of the series' own code (every module of ``helpers``) and of the versions of Python,
    pandas and numpy: what a cached result depends on besides its inputs. Read once per process: the
    code that runs is the code imported when the session started."""
    import numpy as np

    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{sys.version}|{pd.__version__}|{np.__version__}".encode())
    package = Path(__file__).resolve().parent
    for module in sorted(package.rglob("*.py")):
        code = module.read_bytes()
        digest.update(f"|{module.relative_to(package).as_posix()}|{len(code)}|".encode())
        digest.update(code)
    return digest.hexdigest()


def _content_key(data_dir: Path) -> str:
    """A digest of everything a loaded knowledge base depends on: the data files' bytes and
    :func:`_code_digest`."""
    digest = hashlib.sha256(f"{_code_digest()}|{data_dir}".encode())
    for table in SCHEMA:
        try:
            content = (data_dir / f"{table}.csv").read_bytes()
        except OSError:
            content = b"\0missing"
        digest.update(f"|{table}|{len(content)}|".encode())
        digest.update(content)
    return digest.hexdigest()[:32]


def remembered(name: str, key: tuple, compute):
    """``compute()`` (a list of floats), or the result of an earlier call with the same ``key`` kept in
    the cache folder (:func:`cache_folder`) under ``name`` and :func:`_code_digest`.

    For slow, deterministic computations that later lessons repeat (the power curves of the trial
    model: lesson 07 computes them, lesson 09 asks the same question). ``key`` must hold every input,
    including the model parameters; any change to the series' code starts a new file. Floats are
    stored as JSON, which gives back the very same numbers. Nothing is kept when the folder cannot be
    written; a damaged file counts as empty.
    """
    import json

    folder = cache_folder()
    if folder is None:
        return compute()
    path = folder / f"{name}-{_code_digest()[:32]}.json"
    entry = repr(key)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict):
            stored = {}
    except (OSError, ValueError):
        stored = {}
    if entry in stored and isinstance(stored[entry], list):
        return [float(v) for v in stored[entry]]
    value = [float(v) for v in compute()]
    stored[entry] = value
    _replace_cache_file(path, json.dumps(stored).encode("utf-8"), f"{name}-*.json")
    return value


def _replace_cache_file(path: Path, content: bytes, older: str) -> None:
    """Write a cache file whole or not at all (a temporary file, then renamed), and remove the files
    matching ``older`` that it replaces. A folder that cannot be written is no problem: the result is
    computed again next time."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(content)
        os.replace(partial, path)
        for old in path.parent.glob(older):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


def _knowledge_base_stem(data_dir: Path) -> str:
    """The start of the names of a data folder's cache files (the prefix and a digest of the folder's
    path): one file per data folder, and per version of its files after this stem."""
    return f"{_CACHE_PREFIX}{hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]}-"


def _cached_knowledge_base(data_dir: Path) -> tuple[Path | None, KnowledgeBase | None]:
    """(the cache file for these files, the knowledge base stored in it or ``None``). A cache file that
    cannot be read back is removed: it is only a copy, made again from the data files."""
    folder = cache_folder()
    if folder is None:
        return None, None
    try:
        path = folder / f"{_knowledge_base_stem(data_dir)}{_content_key(data_dir)}.pickle"
    except OSError:
        return None, None
    try:
        with open(path, "rb") as handle:
            kb = pickle.load(handle)  # noqa: S301 (a file this module wrote, named by the digest of its inputs)
    except FileNotFoundError:
        return path, None
    except Exception:  # noqa: BLE001 - a damaged or unreadable copy: validate the files instead
        try:
            path.unlink()
        except OSError:
            pass
        return path, None
    if not isinstance(kb, KnowledgeBase) or kb.data_dir != data_dir:
        return path, None
    return path, kb


def _store_knowledge_base(path: Path | None, kb: KnowledgeBase) -> None:
    """Keep a validated knowledge base for later sessions (written whole or not at all; copies for
    older versions of the files are removed). A folder that cannot be written is no problem: the
    next session validates the files again."""
    if path is None:
        return
    try:
        content = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    _replace_cache_file(path, content, f"{_knowledge_base_stem(kb.data_dir)}*.pickle")


def data_version(data_dir: Path) -> tuple:
    """A key that changes whenever a file of the knowledge base changes (for caches)."""
    return _fingerprint(data_dir)


def _fingerprint(data_dir: Path) -> tuple:
    # one stat per file: every helper asks for the knowledge base, hundreds of times per lesson
    folder = str(data_dir)
    stats = []
    for table in SCHEMA:
        try:
            st = os.stat(os.path.join(folder, f"{table}.csv"))
        except OSError:
            stats.append((table, None, None))
        else:
            stats.append((table, st.st_mtime_ns, st.st_size))
    return (folder, tuple(stats))


def _check_level_order(header: list[str], rows: list[list[str]], name: str, problems: list[Problem]) -> None:
    """The evidence vocabulary must give one unambiguous order that agrees with itself: unique ids,
    ranks and codes; biology levels above treatment levels in the order established > preclinical >
    hypothesis; a treatment level from a stronger design ranked above one from a weaker design; and
    each treatment level's design and direction the pair that yields it."""
    col = {c: header.index(c) for c in header}
    seen: dict[tuple[str, str], int] = {}
    ranks: dict[str, int] = {}
    for offset, row in enumerate(rows):
        number = offset + 2
        for column in ("level_id", "rank", "code", "label"):
            value = row[col[column]]
            folded = " ".join(value.casefold().split())
            if (column, folded) in seen:
                problems.append(Problem(name, number, column, value,
                                        f"the same {column} as row {seen[column, folded]}; each level needs its own "
                                        f"{column} (otherwise the order or the badges are ambiguous)"))
            else:
                seen[column, folded] = number
        ranks[row[col["level_id"]]] = (int(row[col["rank"]]), number)
        level, design, direction = row[col["level_id"]], row[col["design"]], row[col["direction"]]
        if design and direction and level in THERAPY_LEVELS and GRADE_OF.get((design, direction), level) != level:
            problems.append(Problem(name, number, "direction", direction,
                                    f"design '{design}' with direction '{direction}' gives level "
                                    f"'{GRADE_OF[design, direction]}', not '{level}'"))
    if problems:
        return
    strength = {level: len(DESIGNS) - DESIGNS.index(design) for (design, _), level in GRADE_OF.items()}
    strength["rct_harm"] = len(DESIGNS)  # harm in a randomized trial: the strongest design that yields it
    for high, low in zip(BIOLOGY_LEVELS, BIOLOGY_LEVELS[1:]):
        if high in ranks and low in ranks and ranks[high][0] <= ranks[low][0]:
            problems.append(Problem(name, ranks[high][1], "rank", str(ranks[high][0]),
                                    f"'{high}' must rank above '{low}' (rank {ranks[low][0]})"))
    lowest_biology = min((ranks[b][0] for b in BIOLOGY_LEVELS if b in ranks), default=None)
    for level in THERAPY_LEVELS:
        if level not in ranks:
            continue
        rank, number = ranks[level]
        if lowest_biology is not None and rank >= lowest_biology:
            problems.append(Problem(name, number, "rank", str(rank),
                                    "treatment levels rank below the biology levels (the legend lists them apart)"))
        for other in THERAPY_LEVELS:
            if other in ranks and strength[level] > strength[other] and rank <= ranks[other][0]:
                problems.append(Problem(name, number, "rank", str(rank),
                                        f"'{level}' comes from a stronger design than '{other}' "
                                        f"(rank {ranks[other][0]}), so it must rank above it"))
                break


def _link_trouble(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return "a symbolic link loop" if "loop" in str(exc).lower() else (getattr(exc, "strerror", None) or str(exc))
    return "unknown reason"


def _data_folder(data_dir: str | Path | None) -> Path:
    """The data folder as an absolute path, or a KnowledgeBaseError saying where it looked."""
    folder = Path(data_dir) if data_dir is not None else find_data_dir()  # looked up now: SERIES_DATA_DIR may have changed
    where = folder if folder.is_absolute() else Path.cwd() / folder
    origin = ""
    if data_dir is None and os.environ.get("SERIES_DATA_DIR"):
        origin = f" (from SERIES_DATA_DIR={os.environ['SERIES_DATA_DIR']!r}"
        origin += ", relative to the current folder)" if not folder.is_absolute() else ")"
    if folder.is_symlink() and not folder.exists():
        raise KnowledgeBaseError([Problem(str(where), None, None, None,
                                          f"data folder{origin} is a link that cannot be followed "
                                          f"({_link_trouble(folder)})")])
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise KnowledgeBaseError([Problem(str(where), None, None, None, f"data folder{origin} {what}")])
    try:
        return folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a loop further up the path
        raise KnowledgeBaseError([Problem(str(where), None, None, None,
                                          f"data folder{origin} cannot be reached ({exc})")]) from None


#: The project's own data folder (messages name its files ``data/<file>``, as the docs do).
PROJECT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _shown_name(data_dir: Path, table: str) -> str:
    """How messages name a table's file: ``data/x.csv`` for the project's folder, else the full path read."""
    if data_dir == PROJECT_DATA_DIR:
        return f"data/{table}.csv"
    return str(data_dir / f"{table}.csv")


#: Values derived from one knowledge base, by name: (the knowledge base, the value) (:func:`derived`).
_DERIVED: dict = {}


def derived(kb: KnowledgeBase, name, build):
    """``build()``, remembered for ``kb`` under ``name`` (any hashable): for tables and lookups that views
    derive from the knowledge base and ask for on every call. A new knowledge base (after an edit)
    replaces the value. The value is shared: callers must not change what others read from it."""
    entry = _DERIVED.get(name)
    if entry is None or entry[0] is not kb:
        entry = _DERIVED[name] = (kb, build())
    return entry[1]


#: The data folder :func:`find_data_dir` gave for the last call without one, by (``SERIES_DATA_DIR``,
#: working directory). Each lesson asks for the knowledge base hundreds of times; finding the folder
#: again each time cost more than checking its files. Any change to a file of that folder, to the
#: variable or to the working directory looks the folder up again; a link to the folder pointed
#: elsewhere while none of these change is noticed in the next session.
_FOUND: dict[tuple[str | None, str], Path] = {}


def load_knowledge_base(data_dir: str | Path | None = None) -> KnowledgeBase:
    """Load, validate and return the knowledge base.

    Parameters
    ----------
    data_dir:
        Folder holding the CSV files; defaults to the project's ``data/``.

    The result is cached per process and re-read automatically when a file changes
    (so an instructor's edit shows up on the next call), and kept between sessions once it has
    passed validation (:func:`cache_folder`).

    Raises
    ------
    KnowledgeBaseError
        listing every problem found, each with file, spreadsheet row, column and value.
    """
    if data_dir is None:  # the usual call: the folder found last time from here, if none of its files changed
        where = (os.environ.get("SERIES_DATA_DIR"), os.getcwd())
        found = _FOUND.get(where)
        if found is not None and (kb := _CACHE.get(_fingerprint(found))) is not None:
            return kb
        data_dir = _data_folder(None)
        _FOUND.clear()
        _FOUND[where] = data_dir
    else:
        data_dir = _data_folder(data_dir)
    key = _fingerprint(data_dir)
    if key in _CACHE:
        return _CACHE[key]
    cache_path, kb = _cached_knowledge_base(data_dir)
    if kb is not None:
        _CACHE.clear()
        _CACHE[key] = kb
        return kb

    files = {table: _shown_name(data_dir, table) for table in SCHEMA}
    problems: list[Problem] = []
    raw: dict[str, tuple[list[str], list[list[str]]]] = {}
    for table in SCHEMA:
        path = data_dir / f"{table}.csv"
        if path.is_symlink() and not path.exists():
            problems.append(Problem(files[table], None, None, None,
                                    f"is a link to a file that cannot be reached ({_link_trouble(path)})"))
            continue
        if not path.exists():
            problems.append(Problem(files[table], None, None, None,
                                    "file is missing; it must exist (see data/README.md for its columns)"))
            continue
        raw[table] = _read_rows(path, table, problems, files[table])
    if problems:
        raise KnowledgeBaseError(problems)

    for table, (header, rows) in raw.items():
        index = {name: i for i, name in enumerate(header)}
        for offset, row in enumerate(rows):
            for col in SCHEMA[table]:
                _check_cell(files[table], offset + 2, col, row[index[col.name]], problems, table)
    if problems:
        raise KnowledgeBaseError(problems)

    _check_level_order(*raw["evidence_levels"], files["evidence_levels"], problems)
    if problems:
        raise KnowledgeBaseError(problems)
    level_rows = raw["evidence_levels"][1]
    header = raw["evidence_levels"][0]
    ranked = sorted(level_rows, key=lambda r: int(r[header.index("rank")]))
    level_dtype = pd.CategoricalDtype([r[header.index("level_id")] for r in ranked], ordered=True)
    tables: dict[str, pd.DataFrame] = {}
    for table, (header, rows) in raw.items():
        frame = _to_frame(table, header, rows, level_dtype)
        tables[table] = frame
    _validate_cross(tables, problems, files)
    if problems:
        raise KnowledgeBaseError(problems)

    _derive_grades(tables, level_dtype)
    kb = KnowledgeBase(**tables, data_dir=data_dir)
    _CACHE.clear()
    _CACHE[key] = kb
    _store_knowledge_base(cache_path, kb)
    return kb


def _derive_grades(tables: dict[str, pd.DataFrame], level_dtype) -> None:
    """Add the derived columns of therapy_effects: ``evidence_level`` (the display grade, from
    design and direction), ``strength`` (5 = randomized on a clinical endpoint ... 1 = idea) and
    ``n_people`` (the largest trial behind the claim; 0 when none is recorded), ``n_randomized`` (the
    same, counting randomized trials only: the size an evidence map prints), ``unblinded``
    (a favourable randomized result whose every trial was open-label: neither the patients nor
    the people rating them were blinded, so knowing who was treated can make it look better) and
    ``active_control`` (a randomized result, favourable or not, whose every trial compared the
    treatment with another effective treatment instead of a placebo or sham) and ``unpublished``
    (a claim whose deciding trial has so far reported its results only at a meeting or in an
    announcement, ``results_in`` in trials.csv, not in a peer-reviewed journal; the deciding trial
    is the largest behind the claim by people enrolled among those with a result, and among the
    randomized ones for a randomized grade, or every such trial where no size is recorded)."""
    effects = tables["therapy_effects"]
    trials = tables["trials"]
    blinding = dict(zip(trials["trial_id"].astype(str), trials["blinding"].astype(str)))
    enrolled = trials["size_kind"].astype(str) == "enrolled"  # a planned size never weighs as evidence
    sizes = dict(zip(trials["trial_id"].astype(str), trials["n_enrolled"].where(enrolled)))
    effects["evidence_level"] = pd.Series(
        [GRADE_OF[(str(g), str(d))] for g, d in zip(effects["design"], effects["direction"])],
        index=effects.index, dtype="object").astype(level_dtype)
    effects["strength"] = [len(DESIGNS) - DESIGNS.index(str(g)) for g in effects["design"]]
    randomized = dict(zip(trials["trial_id"].astype(str), trials["randomized"].astype(str) == "yes"))

    def largest(ids, randomized_only: bool) -> int:
        return max([int(sizes[t]) for t in _split(str(ids))
                    if pd.notna(sizes.get(t)) and (randomized.get(t) or not randomized_only)] or [0])

    trial_ids = effects["trial_ids"].fillna("")
    effects["n_people"] = [largest(ids, False) for ids in trial_ids]
    effects["n_randomized"] = [largest(ids, True) for ids in trial_ids]
    control = dict(zip(trials["trial_id"].astype(str), trials["controlled"].astype(str)))

    reported = dict(zip(trials["trial_id"].astype(str), trials["results_in"].astype("string").fillna("")))

    def deciding(behind: list[str], randomized_grade: bool) -> list[str]:
        """The trials whose result the grade reports: of those with a result (an ongoing trial decides
        nothing yet) and randomized (for a randomized grade), the largest by people enrolled, the size
        the maps print; all of them where no size is recorded."""
        pool = [t for t in behind if reported.get(t)] or behind
        pool = [t for t in pool if randomized.get(t)] if randomized_grade else pool
        pool = pool or behind
        known = [t for t in pool if pd.notna(sizes.get(t))]
        top = max((int(sizes[t]) for t in known), default=None)
        return [t for t in known if int(sizes[t]) == top] if known else pool

    def caveats(design, direction, ids) -> dict[str, bool]:
        """Each caveat of :data:`CAVEAT_COLUMNS` by name, so that its column cannot depend on an order."""
        behind = _split(str(ids))
        randomized_grade = str(design) in RANDOMIZED_DESIGNS and bool(behind)
        return {
            "unblinded": randomized_grade and str(direction) == "benefit"
                         and all(blinding.get(t) == "open" for t in behind),
            "active_control": (randomized_grade and str(direction) in ("benefit", "no_benefit")
                               and all(control.get(t) == "active" for t in behind)),
            "unpublished": bool(behind) and all(reported.get(t) in UNPUBLISHED_RESULTS
                                                for t in deciding(behind, randomized_grade)),
        }

    flags = [caveats(*row) for row in zip(effects["design"], effects["direction"], effects["trial_ids"].fillna(""))]
    for column in CAVEAT_COLUMNS:  # a caveat named here but not derived above is a KeyError on load
        effects[column] = [bool(f[column]) for f in flags]


def model_parameters(model: str, data_dir: str | Path | None = None) -> dict[str, float]:
    """Parameter values of one model (``conduction``, ``motor_units``, ``alsfrs``, ``ms_relapse``).

    Returns ``{parameter_id: value}``; units, ranges and references are in
    ``load_knowledge_base().model_parameters``.
    """
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}; valid choices: {', '.join(MODELS)}")
    params = load_knowledge_base(data_dir).model_parameters
    rows = params[params["model"] == model]
    return {str(k): float(v) for k, v in zip(rows["parameter_id"], rows["value"])}
