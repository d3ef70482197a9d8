"""Cohort CSV files: reading one by bare file name (never a path), and validating its rows."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from prompts.files import read_at_most

ROLES = ("mentee", "mentor", "liaison")
MAX_CSV_BYTES = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a NUL is an error to PostgreSQL


@dataclass(frozen=True)
class ImportRow:
    """A validated line of a cohort CSV."""

    line: int
    handle: str
    role: str
    goals: str = ""
    availability: str = ""
    manager: str = ""
    priority: str = ""
    prefers: str = ""


def parse_cohort_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    """Rows and per-line problems. Columns: handle, role (mentee/mentor/liaison), and optional
    goals, availability, manager (reporting line), priority (;-separated tags), prefers."""
    # strict: a quote never closed is a problem, not every later line swallowed into one cell
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[ImportRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    n = 1  # the header's line, then the last line read
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "handle" not in fields or "role" not in fields:
            if len(fields) == 1 and ";" in fields[0]:
                return [], ["the columns are separated by ';': save the file as CSV with commas"]
            return [], ["the file needs a header with at least handle and role"]
        twice = sorted({f for f in fields if f and fields.count(f) > 1})
        if twice:
            return [], [f"the header names {', '.join(twice)} more than once; keep one"]
        for raw in reader:
            n = reader.line_num  # the file's line: blank lines are skipped, but counted
            rec = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items()
                   if isinstance(k, str) and isinstance(v, str)}
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
                problems.append(f"line {n}: {handle}: role must be mentee, mentor or liaison")
                continue
            if handle in seen:
                problems.append(f"line {n}: {handle} is listed twice")
                continue
            seen.add(handle)
            rows.append(ImportRow(n, handle, role, rec.get("goals", "")[:1000],
                                  rec.get("availability", "")[:200],
                                  rec.get("manager", "").lstrip("@").lower()[:64],
                                  rec.get("priority", "")[:200],
                                  rec.get("prefers", "").lower()[:200]))
    except csv.Error as exc:  # a cell over csv's field limit, a quote never closed
        hint = " (a quote is never closed)" if "end of data" in str(exc) else ""
        problems.append(f"line {n + 1}: {exc}{hint}")
    return rows, problems


def read_csv(name: str) -> str | None:
    """A cohort CSV by bare file name: the bundled samples (prompts/sample), then the folder
    Outward runs in. Paths are refused, so a chat command can never read other files on the
    server. None when it cannot be read; TooLarge (prompts.files) past MAX_CSV_BYTES, counted
    as it is read (a file still being written may have grown since it was listed)."""
    if not name.lower().endswith(".csv") or "/" in name or "\\" in name or name.startswith("."):
        return None
    try:
        ref = resources.files("prompts").joinpath("sample", name)
        if ref.is_file():
            return ref.read_text("utf-8")
        path = Path.cwd() / name
        if not path.is_file():  # a FIFO or a device would block or never end
            return None
        return read_at_most(path, MAX_CSV_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
