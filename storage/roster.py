"""Roster CSV parsing and validation: every bad row is reported by line, nothing half-imported."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

COLUMNS: tuple[str, ...] = (
    "handle",
    "name",
    "email",
    "timezone",
    "locale",
    "roles",
    "branch",
    "classification",
    "employment",
)
REQUIRED: tuple[str, ...] = ("handle", "name", "email")
ROLES: frozenset[str] = frozenset({"staff", "chair", "admin", "mentor", "mentee", "liaison"})
LOCALES: frozenset[str] = frozenset({"en", "es"})
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a NUL is an error to PostgreSQL
# a language tag with a region, as HR systems and Slack write it: en-US, es_MX, es-419
_LANGUAGE_TAG = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]{2,8})+$")
_EMPLOYMENT = {
    "ft": "FT",
    "full": "FT",
    "full-time": "FT",
    "full time": "FT",
    "pt": "PT",
    "part": "PT",
    "part-time": "PT",
    "part time": "PT",
    "": "",
}
MAX_ERRORS = 20


class RosterError(ValueError):
    """The roster file is invalid; `problems` lists each one with its line number, `listing`
    the first MAX_ERRORS of them as lines (the message adds that nothing was imported)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_ERRORS]
        more = len(problems) - len(shown)
        text = "\n".join(f"{source}: {p}" for p in shown)
        if more:
            text += f"\n{source}: ... and {more} more problem(s)"
        self.listing = text
        super().__init__(text + "\nNothing was imported.")


@dataclass(frozen=True)
class RosterRow:
    handle: str
    display_name: str
    email: str
    timezone: str
    locale: str
    roles: str
    branch: str
    classification: str
    employment: str
    present: frozenset[str] = frozenset(COLUMNS)  # the file's columns
    line: int = 0  # where it is in the file (for problems found when saving)

    def for_update(self) -> dict[str, Any]:
        """Only what the file has a column for: a partial file never blanks other fields."""
        full = self.as_columns()
        names = {"name": "display_name"}
        keep = {names.get(c, c) for c in self.present} | {"handle", "display_name", "active"}
        return {k: v for k, v in full.items() if k in keep}

    def as_columns(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "email": self.email,
            "timezone": self.timezone,
            "locale": self.locale,
            "roles": self.roles,
            "branch": self.branch,
            "classification": self.classification,
            "employment": self.employment,
            "active": True,
        }


def valid_zone(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def zone_name(name: str) -> str | None:
    """The IANA name of time zone `name`, written in any case ("america/chicago" is
    "America/Chicago"), or None when there is no such zone."""
    found = _zones_by_lower_name().get(name.lower())
    if found is not None and valid_zone(found):
        return found
    return name if valid_zone(name) else None


# What US staff and admins write for their time zone that is no place's clock: the US
# abbreviations (no IANA zones at all), and EST and MST, which are IANA zones but fixed offsets
# without daylight saving time: a county on "EST" would get its invitations an hour off all
# summer. Each gets the zone meant.
_US_ZONES = {
    "eastern": "America/New_York", "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles", "alaska": "America/Anchorage",
}
_ABBREVIATIONS = {
    "est": "eastern", "edt": "eastern", "et": "eastern", "cst": "central", "cdt": "central",
    "ct": "central", "mst": "mountain", "mdt": "mountain", "mt": "mountain",
    "pst": "pacific", "pdt": "pacific", "pt": "pacific", "akst": "alaska", "akdt": "alaska",
}  # not HST: Hawaii keeps it all year


def wrong_separator(header: Sequence[str]) -> str | None:
    """What is wrong with a CSV header read as one column because its columns are separated by
    semicolons (Excel in many locales) or tabs; None when it is not that."""
    for sep, called in ((";", "';'"), ("\t", "tabs")):
        if len(header) == 1 and sep in header[0]:
            return (f"the columns are separated by {called}: save the file as CSV with commas "
                    "(in Excel: CSV UTF-8)")
    return None


def zone_problem(name: str) -> str | None:
    """Why `name` cannot be used as a time zone, with the zone meant when it is a US
    abbreviation ("EST"); None when it can ("America/Chicago", "america/chicago", "UTC")."""
    key = name.strip().lower()
    us = _ABBREVIATIONS.get(key)
    if us is not None:
        arizona = " (America/Phoenix for Arizona, which keeps no daylight saving)" \
            if us == "mountain" else ""
        return (f"{name!r} names an offset from UTC, not a place's clock, and does not follow "
                f"daylight saving time: use {_US_ZONES[us]} for US {us.capitalize()} "
                f"time{arizona}")
    if zone_name(name) is None:
        return f"{name!r} is not a known time zone (e.g. America/Chicago)"
    return None


def _language(value: str) -> str:
    """`en`, `es` ... from a locale cell: lower case, a region dropped (en-US, es_MX)."""
    value = value.lower()
    tag = _LANGUAGE_TAG.match(value)
    return tag.group(1) if tag else value


def parse_roster(data: bytes | str, source: str, default_timezone: str,
                 required: tuple[str, ...] = REQUIRED) -> list[RosterRow]:
    """Parse a roster CSV. Raises RosterError listing every bad line; returns all rows or none.

    `required` columns must be in the header (an import needs REQUIRED; a file read only for
    its names, as `python -m bot scrub --roster` does, needs less)."""
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise RosterError(source, ["is UTF-16 text (Excel's \"Unicode Text\"): save it as "
                                       "CSV UTF-8"])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RosterError(source, ["is not UTF-8 text (save it as CSV UTF-8)"]) from None
    else:
        text = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        if _excel_separator_line(header):  # Excel's `sep=,` before the header
            header = next(reader)
    except StopIteration:
        raise RosterError(source, ["is empty; the first line must name the columns"]) from None
    except csv.Error as exc:
        raise RosterError(source, [f"line {reader.line_num}: {exc}"]) from None
    at = f"line {reader.line_num}"  # the header's (after Excel's `sep=,` line 2)
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing and (wrong := wrong_separator(names)):
        raise RosterError(source, [f"{at}: {wrong}"])
    twice = [c for c in COLUMNS if names.count(c) > 1]
    if twice:
        raise RosterError(source, [f"{at}: column(s) {', '.join(twice)} named more than "
                                   "once; keep one of each"])
    if missing:
        raise RosterError(
            source,
            [
                f"{at}: missing column(s) {', '.join(missing)}; the columns are "
                f"{','.join(COLUMNS)}, of which {', '.join(required)} are required "
                "(extra columns are ignored)"
            ],
        )
    index = {name: names.index(name) for name in COLUMNS if name in names}
    problems: list[str] = []
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    emails: dict[str, tuple[int, str]] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(header) or any(c.strip() for c in record[len(header):]):
                # a missing comma, or a comma inside a value without quotes: every later
                # value would land in the wrong column
                why = ("every column needs its comma, even where the value is empty"
                       if len(record) < len(header) else
                       "a value that contains a comma needs \"quotes\"")
                problems.append(
                    f"line {line}: has {len(record)} field(s) but the header has "
                    f"{len(header)} ({why})"
                )
                continue

            def cell(col: str, record: list[str] = record) -> str:
                i = index.get(col)
                return record[i].strip() if i is not None and i < len(record) else ""

            where = f"line {line}"
            handle = cell("handle").lower().lstrip("@")
            if not _HANDLE.match(handle):
                problems.append(
                    f"{where}: handle {cell('handle')!r} must be 1-64 letters, digits, . _ or -"
                )
                continue
            where = f"line {line} ({handle})"
            problems += [f"{where}: {col} holds a control character" for col in index
                         if _CONTROL.search(cell(col))]
            if handle in seen:
                problems.append(f"{where}: handle is also on line {seen[handle]}")
                continue
            seen[handle] = line
            name = cell("name")
            if not name or len(name) > 200:
                problems.append(f"{where}: name is empty or longer than 200 characters")
            email = cell("email")
            if email and (not _EMAIL.match(email) or len(email) > 320):
                problems.append(f"{where}: email {email!r} is not an email address")
            elif email.lower() in emails:
                other_line, other = emails[email.lower()]
                problems.append(f"{where}: email {email!r} is also on line {other_line} "
                                f"({other}); each person needs their own")
            elif email:
                emails[email.lower()] = (line, handle)
            tz = cell("timezone") or default_timezone
            if zone_problem(tz) is None and (zone := zone_name(tz)):
                tz = zone
            else:
                problems.append(f"{where}: timezone {zone_problem(tz)}")
            locale = _language(cell("locale") or "en")
            if locale not in LOCALES:
                problems.append(
                    f"{where}: locale {locale!r} must be one of {', '.join(sorted(LOCALES))}"
                )
            roles = [r.strip().lower() for r in cell("roles").split(";") if r.strip()] or ["staff"]
            bad = [r for r in roles if r not in ROLES]
            if bad:
                problems.append(
                    f"{where}: unknown role(s) {', '.join(bad)} (known: {', '.join(sorted(ROLES))})"
                )
            employment = _EMPLOYMENT.get(cell("employment").lower())
            if employment is None:
                problems.append(f"{where}: employment {cell('employment')!r} must be FT or PT")
            segs = {c: cell(c) for c in ("branch", "classification")}
            for col, value in segs.items():
                if len(value) > 100:
                    problems.append(f"{where}: {col} is longer than 100 characters")
            rows.append(
                RosterRow(
                    handle=handle,
                    display_name=name[:200],
                    email=email,
                    timezone=tz,
                    locale=locale,
                    roles=";".join(dict.fromkeys(roles)),
                    branch=segs["branch"][:100],
                    classification=segs["classification"][:100],
                    employment=employment or "",
                    present=frozenset(index),
                    line=line,
                )
            )
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        raise RosterError(source, problems)
    if not rows:
        raise RosterError(source, ["has a header but no people"])
    return rows


def _excel_separator_line(record: list[str]) -> bool:
    """Excel's "sep=," (or "sep=;") first line, naming the separator for Excel itself."""
    return bool(record) and record[0].strip().lower().startswith("sep=") and len(record) <= 2 \
        and not any(c.strip() for c in record[1:])


async def save_roster(tx: Any, rows: list[RosterRow], source: str = "roster") -> tuple[int, int]:
    """Upsert validated rows by handle inside the caller's unit of work (caller commits).
    People missing from the file are left as they are: a roster import never deletes.

    Raises RosterError, before changing anything, when the import would leave two people with
    the same email (compared case-insensitively) with someone already on the roster."""
    final = await tx.people.emails()  # handle -> email, lower-cased (two columns, no records)
    for r in rows:
        if "email" in r.present:
            final[r.handle] = r.email.lower()
    in_file = {r.handle for r in rows}
    holders: dict[str, set[str]] = {}
    for handle, email in final.items():
        if email:
            holders.setdefault(email, set()).add(handle)
    problems = []
    for r in rows:
        others = sorted(holders.get(final[r.handle], set()) - in_file)
        if final[r.handle] and others:
            email = r.email or final[r.handle]
            problems.append(f"line {r.line} ({r.handle}): email {email!r} belongs to "
                            f"{', '.join(others)}, already on the roster; each person needs "
                            "their own")
    if problems:
        raise RosterError(source, problems)
    return await tx.people.upsert([(r.as_columns(), r.for_update()) for r in rows])
