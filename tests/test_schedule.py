"""Scheduling in each person's own time zone, across DST, with quiet hours and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.schedule import Due, due, occurrence_for, sendable
from prompts.loader import Schedule

LA = "America/Los_Angeles"
NY = "America/New_York"
OPENED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tue 00:00 LA, 03:00 NY
WEEKLY = Schedule(every_days=7, send_window="09:00-17:00", response_days=5, reminders=2,
                  reminder_every_days=2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_invitation_arrives_at_nine_local_in_each_zone() -> None:
    # 14:00 UTC is 09:00 in New York but 06:00 in Los Angeles
    at = utc(2026, 11, 24, 14, 0)
    assert due(at, NY, OPENED, WEEKLY, False, False, 0) == Due("invite", date(2026, 11, 24))
    assert due(at, LA, OPENED, WEEKLY, False, False, 0) is None
    assert due(utc(2026, 11, 24, 17, 0), LA, OPENED, WEEKLY, False, False, 0) is not None


def test_weekly_round_stays_at_local_nine_across_the_dst_change() -> None:
    # US DST ends Sun 2026-11-01. Open a weekly round on Tue 2026-10-27 (PDT, UTC-7).
    opened = utc(2026, 10, 27, 7, 0)  # 00:00 PDT
    first_nine = utc(2026, 10, 27, 16, 0)  # 09:00 PDT
    assert due(first_nine, LA, opened, WEEKLY, False, False, 0) == Due("invite", date(2026, 10, 27))
    assert due(first_nine - timedelta(minutes=1), LA, opened, WEEKLY, False, False, 0) is None
    # A week later clocks are on PST (UTC-8): 09:00 local is 17:00 UTC, not 16:00.
    assert due(utc(2026, 11, 3, 16, 0), LA, opened, WEEKLY, False, False, 0) is None
    assert due(utc(2026, 11, 3, 17, 0), LA, opened, WEEKLY, False, False, 0) == Due(
        "invite", date(2026, 11, 3)
    )
    assert occurrence_for(utc(2026, 11, 3, 17, 0), LA, opened, WEEKLY) == date(2026, 11, 3)


def test_spring_forward_keeps_local_wall_clock() -> None:
    # US DST starts Sun 2026-03-08; a round opened Mon 2026-03-02 09:30 PST.
    opened = utc(2026, 3, 2, 17, 30)
    assert due(utc(2026, 3, 9, 17, 0), LA, opened, WEEKLY, False, False, 0) is not None  # 10:00 PDT
    assert due(utc(2026, 3, 9, 15, 59), LA, opened, WEEKLY, False, False, 0) is None  # 08:59 PDT


def test_weekends_and_quiet_hours_are_respected() -> None:
    saturday_ten_la = utc(2026, 11, 28, 18, 0)
    assert due(saturday_ten_la, LA, OPENED, WEEKLY, False, False, 0) is None
    late = Schedule(send_window="09:00-23:00")
    nine_pm_la = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # Tue 21:00 LA
    assert sendable(nine_pm_la.astimezone(ZoneInfo(LA)), late)
    assert not sendable(nine_pm_la.astimezone(ZoneInfo(LA)), late, "20:00-07:00")
    assert due(nine_pm_la, LA, OPENED, late, False, False, 0) == Due("invite", date(2026, 11, 24))
    assert due(nine_pm_la, LA, OPENED, late, False, False, 0, quiet_hours="20:00-07:00") is None


def test_reminders_go_only_to_people_who_have_not_finished_and_stop_at_the_limit() -> None:
    thursday = utc(2026, 11, 26, 17, 0)  # two days in
    assert due(thursday, LA, OPENED, WEEKLY, True, False, 0) == Due("remind", date(2026, 11, 24), 1)
    assert due(thursday, LA, OPENED, WEEKLY, True, True, 0) is None  # completed
    assert due(thursday, LA, OPENED, WEEKLY, True, False, 1) is None  # next one is day 4
    saturday = utc(2026, 11, 28, 17, 0)
    assert due(saturday, LA, OPENED, WEEKLY, True, False, 1) is None  # weekend
    assert due(utc(2026, 11, 27, 17, 0), LA, OPENED, Schedule(reminder_every_days=1,
               reminders=2), True, False, 2) is None  # at the limit


def test_nothing_is_due_after_the_response_window() -> None:
    once = Schedule(response_days=3)
    assert due(utc(2026, 11, 26, 17, 0), LA, OPENED, once, False, False, 0) is not None
    assert due(utc(2026, 11, 27, 17, 0), LA, OPENED, once, False, False, 0) is None
    assert occurrence_for(utc(2026, 11, 27, 17, 0), LA, OPENED, once) is None
