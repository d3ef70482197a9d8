"""When is something due for a person: pure functions of the time, their zone and a schedule.

All arithmetic happens on local wall-clock dates and times via zoneinfo, so "09:00 every
Tuesday" stays 09:00 local across daylight-saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from prompts.loader import WEEKDAYS, Schedule, parse_window


@dataclass(frozen=True)
class Due:
    """A send that is due now: the invitation or reminder `number` of an occurrence."""

    kind: Literal["invite", "remind"]
    occurrence: date
    number: int = 0


def local(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def _inside(minute: int, window: tuple[int, int]) -> bool:
    start, end = window
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end  # wraps midnight, e.g. 20:00-07:00


def sendable(now_local: datetime, schedule: Schedule, quiet_hours: str = "") -> bool:
    """Inside the round's weekdays and send window, and outside the organisation's quiet hours."""
    if WEEKDAYS[now_local.weekday()] not in schedule.weekdays:
        return False
    minute = now_local.hour * 60 + now_local.minute
    if not _inside(minute, parse_window(schedule.send_window)):
        return False
    return not (quiet_hours and _inside(minute, parse_window(quiet_hours)))


def occurrence(opened_local: date, today: date, schedule: Schedule) -> date | None:
    """The start date of the occurrence `today` belongs to (None before the round opened)."""
    if today < opened_local:
        return None
    if schedule.every_days <= 0:
        return opened_local
    n = (today - opened_local).days // schedule.every_days
    return opened_local + timedelta(days=n * schedule.every_days)


def closes_on(occurrence_start: date, schedule: Schedule) -> date:
    """The last local day answers to this occurrence are accepted."""
    return occurrence_start + timedelta(days=schedule.response_days - 1)


def due(
    now: datetime,
    tz: str,
    opened_at: datetime | date,
    schedule: Schedule,
    invited: bool,
    completed: bool,
    reminders_sent: int,
    quiet_hours: str = "",
) -> Due | None:
    """What (if anything) should be sent to this person now for the current occurrence.

    `invited/completed/reminders_sent` describe their participation in that occurrence; call
    `occurrence_for` first to know which one that is."""
    now_local = local(now, tz)
    start = occurrence(_anchor(opened_at, tz), now_local.date(), schedule)
    if start is None or now_local.date() > closes_on(start, schedule):
        return None
    if not sendable(now_local, schedule, quiet_hours):
        return None
    if not invited:
        return Due("invite", start)
    if completed or reminders_sent >= schedule.reminders:
        return None
    days_in = (now_local.date() - start).days
    if days_in >= (reminders_sent + 1) * schedule.reminder_every_days:
        return Due("remind", start, reminders_sent + 1)
    return None


def occurrence_for(
    now: datetime, tz: str, opened_at: datetime | date, schedule: Schedule
) -> date | None:
    """The occurrence open for this person now, or None (not started yet, or window closed)."""
    now_local = local(now, tz)
    start = occurrence(_anchor(opened_at, tz), now_local.date(), schedule)
    if start is None or now_local.date() > closes_on(start, schedule):
        return None
    return start


def _anchor(opened: datetime | date, tz: str) -> date:
    """The round's first day: its organisation date when given (so a person who changes time
    zone stays in the same occurrence), else the opening instant in the person's zone."""
    if isinstance(opened, datetime):
        return local(opened, tz).date()
    return opened


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
