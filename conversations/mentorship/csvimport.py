"""Cohort CSV files: reading one by bare file name (never a path), and validating its rows."""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from conversations.mentorship.matching import WEEK, day_of
from prompts.files import read_at_most

ROLES = ("mentee", "mentor", "liaison")
MAX_CSV_BYTES = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a NUL is an error to PostgreSQL


class NotUtf8(ValueError):
    """A cohort file saved in another encoding (Excel's plain "CSV" on Windows)."""


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


def parse_cohort_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    """Rows and per-line problems. Columns: handle, role (mentee/mentor/liaison), and optional
    goals, availability, manager (reporting line), priority (;-separated tags), prefers."""
    # strict: a quote never closed is a problem, not every later line swallowed into one cell
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[ImportRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    n = 1  # the header's line, then the last line read
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "handle" not in fields or "role" not in fields:
            if not text.strip(" \r\n\ufeff"):
                return [], ["the file is empty: its first line names the columns (handle,role,"
                            "goals,availability,manager,priority,prefers), then one person a line"]
            for sep, name in ((";", "';'"), ("\t", "tabs")):
                if len(fields) == 1 and sep in fields[0]:
                    return [], [f"the columns are separated by {name}: in Excel, use Save As "
                                "› CSV UTF-8 (Comma delimited)"]
            return [], ["the first line must name the columns, with at least handle and role "
                        f"(it reads: {', '.join(f[:40] for f in fields[:8]) or '-'})"]
        twice = sorted({f for f in fields if f and fields.count(f) > 1})
        if twice:
            return [], [f"the header names {', '.join(twice)} more than once; keep one"]
        for raw in reader:
            n = reader.line_num  # the file's line: blank lines are skipped, but counted
            rec = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items()
                   if isinstance(k, str) and isinstance(v, str)}
            if not any(rec.values()):  # Excel saves rows it once formatted as ",,,,,,"
                continue
            handle = rec.get("handle", "").lstrip("@").lower()
            role = rec.get("role", "").lower()
            if any(_CONTROL.search(v) for v in rec.values()):
                shown = "" if _CONTROL.search(handle) else f" {handle}:"
                problems.append(f"line {n}:{shown} a value holds a control character")
                continue
            if not handle:
                problems.append(f"line {n}: no handle")
                continue
            if role not in ROLES:
                close = difflib.get_close_matches(role, ROLES, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(f"line {n}: {handle}: role must be mentee, mentor or liaison, "
                                f"not '{role[:40]}'{hint}" if role else
                                f"line {n}: {handle}: no role (mentee, mentor or liaison)")
                continue
            if handle in seen:
                problems.append(f"line {n}: {handle} is listed twice; line {seen[handle]} is "
                                "the one imported")
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
        hint = " (a quote is never closed)" if "end of data" in str(exc) else ""
        problems.append(f"line {n + 1}: {exc}{hint}")
    return rows, problems


def availability_note(row: ImportRow, availability: str) -> str | None:
    """Why matching cannot use a mentee's or mentor's availability (none given, or words that
    are not days: matching then pairs them without looking at meeting days), or None."""
    if row.role == "liaison":
        return None
    given = [d.strip() for d in re.split(r"[;,\s]+", availability) if d.strip()]
    odd = [d for d in given if day_of(d) not in WEEK]
    if not given:
        return f"line {row.line}: {row.handle} ({row.role}) has no availability"
    if odd:
        return (f"line {row.line}: {row.handle}: availability '{', '.join(odd)[:60]}' is not "
                "a day of the week")
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
