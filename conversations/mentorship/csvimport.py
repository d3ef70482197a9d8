"""Cohort CSV files: reading one by bare file name (never a path), and validating its rows."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from conversations.mentorship.matching import WEEK, day_of, day_words
from prompts.files import read_at_most

ROLES = ("mentee", "mentor", "liaison")
# the roles in the words a Spanish-speaking lead writes in the role column
ROLE_WORDS = {"mentora": "mentor", "enlace": "liaison", "mentoreado": "mentee",
              "mentoreada": "mentee", "persona mentoreada": "mentee", "aprendiz": "mentee"}
MAX_CSV_BYTES = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a NUL is an error to PostgreSQL


class NotUtf8(ValueError):
    """A cohort file saved in another encoding (Excel's plain "CSV" on Windows)."""


@dataclass(frozen=True)
class ImportProblem:
    """Why a cohort file, or one of its lines, was not imported (or imported with a note):
    the catalog text `mentor.problem.KEY` with `values`, in the reader's language; `line` 0 is
    the whole file (those come first)."""

    line: int
    key: str
    values: Mapping[str, str] = field(default_factory=dict)

    def text_values(self) -> dict[str, str]:
        """The values for the catalog text, the line as written (never "1,024")."""
        return {"line": str(self.line), **self.values}


@dataclass(frozen=True)
class ImportRow:
    """A validated line of a cohort CSV."""

    line: int
    handle: str
    role: str
    # None where the file has no such column: importing it again keeps what is stored
    goals: str | None = ""
    availability: str | None = ""
    manager: str | None = ""
    priority: str | None = ""
    prefers: str | None = ""


def parse_cohort_csv(text: str) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Rows and per-line problems. Columns: handle, role (mentee/mentor/liaison), and optional
    goals, availability, manager (reporting line), priority (;-separated tags), prefers."""
    # strict: a quote never closed is a problem, not every later line swallowed into one cell
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    n = 1  # the header's line, then the last line read
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "handle" not in fields or "role" not in fields:
            if not text.strip(" \r\n\ufeff"):
                return [], [ImportProblem(0, "empty")]
            for sep, name in ((";", "semicolons"), ("\t", "tabs")):
                if len(fields) == 1 and sep in fields[0]:
                    return [], [ImportProblem(0, f"separated_by_{name}")]
            return [], [ImportProblem(0, "no_header", {
                "header": ", ".join(f[:40] for f in fields[:8]) or "-"})]
        twice = sorted({f for f in fields if f and fields.count(f) > 1})
        if twice:
            return [], [ImportProblem(0, "header_twice", {"columns": ", ".join(twice)})]
        for raw in reader:
            n = reader.line_num  # the file's line: blank lines are skipped, but counted
            rec = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items()
                   if isinstance(k, str) and isinstance(v, str)}
            if not any(rec.values()):  # Excel saves rows it once formatted as ",,,,,,"
                continue
            handle = rec.get("handle", "").lstrip("@").lower()
            role = " ".join(rec.get("role", "").lower().split())
            role = ROLE_WORDS.get(role, role)
            if any(_CONTROL.search(v) for v in rec.values()):
                problems.append(ImportProblem(n, "control") if _CONTROL.search(handle) else
                                ImportProblem(n, "control_of", {"handle": handle}))
                continue
            if not handle:
                problems.append(ImportProblem(n, "no_handle"))
                continue
            if role not in ROLES:
                close = (difflib.get_close_matches(role, ROLES, n=1, cutoff=0.6)
                         or difflib.get_close_matches(role, ROLE_WORDS, n=1, cutoff=0.6))
                values = {"handle": handle, "role": role[:40]}
                problems.append(
                    ImportProblem(n, "no_role", values) if not role else
                    ImportProblem(n, "bad_role_hint", {**values, "hint": close[0]}) if close else
                    ImportProblem(n, "bad_role", values))
                continue
            if handle in seen:
                problems.append(ImportProblem(n, "twice", {"handle": handle,
                                                            "first": str(seen[handle])}))
                continue
            seen[handle] = n
            def cell(column: str, limit: int, rec: dict[str, str] = rec) -> str | None:
                return rec.get(column, "")[:limit] if column in fields else None

            manager, prefers = cell("manager", 200), cell("prefers", 200)
            rows.append(ImportRow(n, handle, role, cell("goals", 1000),
                                  cell("availability", 200),
                                  None if manager is None else manager.lstrip("@").lower()[:64],
                                  cell("priority", 200),
                                  None if prefers is None else prefers.lower()))
    except csv.Error as exc:  # a cell over csv's field limit, a quote never closed
        problems.append(ImportProblem(n + 1, "unclosed_quote") if "end of data" in str(exc)
                        else ImportProblem(n + 1, "unreadable", {"error": str(exc)}))
    return rows, problems


def availability_note(row: ImportRow, availability: str) -> ImportProblem | None:
    """Why matching cannot use a mentee's or mentor's availability (none given, or words that
    are not days: matching then pairs them without looking at meeting days), or None."""
    if row.role == "liaison":
        return None
    given = day_words(availability)
    odd = [d for d in given if day_of(d) not in WEEK]
    if not given:
        return ImportProblem(row.line, f"no_availability_{row.role}", {"handle": row.handle})
    if odd:
        return ImportProblem(row.line, "not_a_day", {"handle": row.handle,
                                                     "days": ", ".join(odd)[:60]})
    return None


def read_csv(name: str) -> str | None:
    """A cohort CSV by bare file name: the bundled samples (prompts/sample), then the folder
    Outward runs in. Paths are refused, so a chat command can never read other files on the
    server. None when it cannot be read; TooLarge (prompts.files) past MAX_CSV_BYTES, counted
    as it is read (a file still being written may have grown since it was listed); NotUtf8
    when it is not UTF-8 text."""
    if not name.lower().endswith(".csv") or "/" in name or "\\" in name or name.startswith("."):
        return None
    try:
        ref = resources.files("prompts").joinpath("sample", name)
        if ref.is_file():
            return ref.read_text("utf-8")
        path = Path.cwd() / name
        if not path.is_file():  # a FIFO or a device would block or never end
            return None
        data = read_at_most(path, MAX_CSV_BYTES)
    except OSError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotUtf8(name) from None
