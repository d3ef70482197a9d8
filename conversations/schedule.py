"""When is something due for a person: the one place cadence is decided, as pure functions of
the time, their zone and a schedule.

- pulse rounds: the occurrence open now, its last day, invitations and reminders (`due`);
- learning nudges: the track's cadence and snoozes (`nudge_due`);
- mentorship: check-in occurrences, the cohort's end and milestone prompts.

All arithmetic happens on local wall-clock dates and times via zoneinfo, so "09:00 every
Tuesday" stays 09:00 local across daylight-saving changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from prompts.loader import WEEKDAYS, Schedule, parse_window

# working days and hours, for messages that have no schedule of their own (learning nudges)
WORKING_HOURS = Schedule(weekdays=("mon", "tue", "wed", "thu", "fri"), send_window="09:00-17:00")


@dataclass(frozen=True)
class Due:
    """A send that is due now: the invitation or reminder `number` of an occurrence."""

    kind: Literal["invite", "remind"]
    occurrence: date
    number: int = 0


def local(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def today(now: datetime, tz: str) -> date:
    """The local date in that time zone."""
    return local(now, tz).date()


def day_start(day: date, tz: str) -> datetime:
    """The instant (UTC) a local day begins in that time zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def schedule_of(raw: Mapping[str, Any]) -> Schedule:
    """A schedule as stored with a round (JSON) -> Schedule."""
    values = dict(raw)
    if "weekdays" in values:
        values["weekdays"] = tuple(values["weekdays"])
    return Schedule(**values)


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    """A schedule as stored with a round (JSON)."""
    names = ("every_days", "weekdays", "send_window", "response_days", "reminders",
             "reminder_every_days")
    data = {name: getattr(schedule, name) for name in names}
    data["weekdays"] = list(schedule.weekdays)
    return data


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


def next_sendable(now: datetime, tz: str, schedule: Schedule = WORKING_HOURS,
                  quiet_hours: str = "", within_days: int = 14) -> datetime:
    """The first moment from `now` (UTC) when a proactive message may go to someone in `tz`:
    `now` itself when it is sendable, else the start of the send window or the end of quiet
    hours on the next days that allow it (`now` when none does within `within_days`)."""
    here = local(now, tz)
    if sendable(here, schedule, quiet_hours):
        return now
    starts = {parse_window(schedule.send_window)[0]}
    if quiet_hours:
        starts.add(parse_window(quiet_hours)[1] % (24 * 60))
    zone = ZoneInfo(tz)
    for days in range(within_days + 1):
        day = here.date() + timedelta(days=days)
        for minute in sorted(starts):
            at = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
            at = at.astimezone(UTC).astimezone(zone)  # a time in a DST gap moves to a real one
            if at > here and sendable(at, schedule, quiet_hours):
                return at.astimezone(UTC)
    return now


# ---- pulse rounds --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Window:
    """What a round may send now to everyone in one time zone: their occurrence (its local
    start date) and how many reminders they may have had by now."""

    start: date
    reminders: int


def window(now: datetime, tz: str, opened_at: datetime | date, schedule: Schedule,
           quiet_hours: str = "") -> Window | None:
    """The round's occurrence open now in `tz`, when this is a moment to send (its weekdays
    and send window, outside quiet hours); else None. The same for everyone in the zone, so
    the clock decides per zone and looks only at the people of zones that are open."""
    now_local = local(now, tz)
    start = occurrence(_anchor(opened_at, tz), now_local.date(), schedule)
    if start is None or now_local.date() > closes_on(start, schedule):
        return None
    if not sendable(now_local, schedule, quiet_hours):
        return None
    days_in = (now_local.date() - start).days
    every = schedule.reminder_every_days
    reminders = schedule.reminders if every <= 0 else min(schedule.reminders, days_in // every)
    return Window(start, max(0, reminders))


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
    open_ = window(now, tz, opened_at, schedule, quiet_hours)
    if open_ is None:
        return None
    if not invited:
        return Due("invite", open_.start)
    if completed or reminders_sent >= open_.reminders:
        return None
    return Due("remind", open_.start, reminders_sent + 1)


def occurrence_for(
    now: datetime, tz: str, opened_at: datetime | date, schedule: Schedule
) -> date | None:
    """The occurrence open for this person now, or None (not started yet, or window closed)."""
    now_local = local(now, tz)
    start = occurrence(_anchor(opened_at, tz), now_local.date(), schedule)
    if start is None or now_local.date() > closes_on(start, schedule):
        return None
    return start


def occurrence_key(start: date, opened_at: datetime, opened_on: date, tz: str,
                   schedule: Schedule) -> str:
    """The stored name of a person's occurrence: counted from the round's organisation date,
    so a person whose time zone changes stays in the same occurrence."""
    n = 0
    if schedule.every_days > 0:
        first = local(opened_at, tz).date()
        n = (start - first).days // schedule.every_days
    return (opened_on + timedelta(days=n * schedule.every_days)).isoformat()


def _anchor(opened: datetime | date, tz: str) -> date:
    """The round's first day: its organisation date when given (so a person who changes time
    zone stays in the same occurrence), else the opening instant in the person's zone."""
    if isinstance(opened, datetime):
        return local(opened, tz).date()
    return opened


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# ---- learning nudges -------------------------------------------------------------------------


def nudge_due(today: date, last_sent_on: date | None, snoozed_until: date | None,
              cadence_days: int) -> bool:
    """A track's next step may go today: a snooze has run out, or (without one) the track's
    cadence has passed since the last step."""
    if snoozed_until:
        return today >= snoozed_until
    return not (last_sent_on and today < last_sent_on + timedelta(days=cadence_days))


# ---- mentorship ------------------------------------------------------------------------------


def end_of(start_on: date, weeks: int) -> date:
    """The first day after a cohort."""
    return start_on + timedelta(days=7 * weeks)


def cohort_over(start_on: date, weeks: int, today: date, cadence: Schedule) -> bool:
    """The cohort has ended and its last check-in window has closed."""
    return today >= end_of(start_on, weeks) + timedelta(days=cadence.response_days)


def checkin_occurrence(start_on: date, weeks: int, today: date, cadence: Schedule) -> date | None:
    """The check-in occurrence open on `today`: every `every_days` after the start (not the
    start itself, which is the kick-off), while its answer window is open and before the end."""
    step = cadence.every_days
    if step <= 0 or today < start_on + timedelta(days=step):
        return None
    n = (today - start_on).days // step
    occ = start_on + timedelta(days=n * step)
    if occ >= end_of(start_on, weeks):
        return None
    if today > closes_on(occ, cadence):
        return None
    return occ


def next_checkin(start_on: date, weeks: int, occ: date, cadence: Schedule) -> date | None:
    nxt = occ + timedelta(days=cadence.every_days)
    return nxt if cadence.every_days > 0 and nxt < end_of(start_on, weeks) else None


@dataclass(frozen=True)
class MilestoneDate:
    """A milestone prompt: `phase` is "main", "prepare" or "review"."""

    milestone: str
    phase: str
    day: date


MILESTONE_GRACE_DAYS = 6  # a milestone prompt still goes this many days after its date


def milestone_dates(
    start_on: date, weeks: int, milestones: Sequence[Mapping[str, Any]]
) -> list[MilestoneDate]:
    """When each milestone (and its preparation and review prompts) falls; `at` is a fraction
    of the cohort, snapped to whole weeks (0 = the start date, 1 = the last week)."""
    out: list[MilestoneDate] = []
    for m in milestones:
        week = round(float(m.get("at", 0)) * max(0, weeks - 1))
        day = start_on + timedelta(days=7 * week)
        if m.get("prepare"):
            out.append(MilestoneDate(str(m["id"]), "prepare",
                                     day - timedelta(days=int(m.get("prepare_days", 7)))))
        out.append(MilestoneDate(str(m["id"]), "main", day))
        if m.get("review"):
            out.append(MilestoneDate(str(m["id"]), "review",
                                     day + timedelta(days=int(m.get("review_days", 2)))))
    return sorted(out, key=lambda d: d.day)


def milestones_due(dates: Sequence[MilestoneDate], started: date,
                   today: date) -> list[MilestoneDate]:
    """The milestone prompts due today for a pair that started on `started`: within their
    grace days, and not from before the pair started (the kick-off excepted)."""
    out = []
    for d in dates:
        if d.day < started and not (d.milestone == dates[0].milestone and d.phase == "main"):
            continue
        if d.day <= today <= d.day + timedelta(days=MILESTONE_GRACE_DAYS):
            out.append(d)
    return out
