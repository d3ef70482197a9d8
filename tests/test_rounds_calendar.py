"""Rounds that run themselves: `/pulse schedule` (every bad input gets a clear message), a
scheduled round opening at its start, a round closing by itself once its answer window has
ended in every time zone of its audience (through the same close path as `/pulse close`), the
chairs told, recurring rounds, and `/pulse status` in the reader's language and zone (the real
core on the in-memory storage)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.scheduler import OutwardScheduler
from conversations.pulse.admin import RoundAdmin
from prompts.catalog import Catalog, TemplateError, parse_template
from prompts.loader import load_round_template
from tests.support import Console, FakeOutward, in_memory

SCHEDULE = "/pulse schedule listening-tour"


def person(app: FakeOutward, handle: str) -> object:
    return next(p for p in app.db.people.values() if p.handle == handle)


def outbox(app: FakeOutward, kind: str) -> list[object]:
    return [r for r in app.db.outbox.values() if r.kind == kind]


async def test_schedule_refuses_every_bad_input_clearly(app: FakeOutward,
                                                        console: Console) -> None:
    cases = {
        SCHEDULE: "Usage: /pulse schedule ROUND [as NEW-ID] start=YYYY-MM-DD[THH:MM]",
        f"{SCHEDULE} start=2026-12-01 start=2026-12-02": "Usage: /pulse schedule",
        f"{SCHEDULE} begin=2026-12-01": "Usage: /pulse schedule",
        f"{SCHEDULE} close=2026-12-09": "Usage: /pulse schedule",
        f"{SCHEDULE} start=tomorrow": '"tomorrow" is not a start: use start=YYYY-MM-DD',
        f"{SCHEDULE} start=2026-02-30": '"2026-02-30" is not a start',
        f"{SCHEDULE} start=2026-12-01T25:00": '"2026-12-01T25:00" is not a start',
        f"{SCHEDULE} start=2026-12-01 close=12/09/2026": '"12/09/2026" is not a closing date',
        f"{SCHEDULE} start=2026-12-01T09:00:00": "is not a start",
        f"{SCHEDULE} start=2026-11-20":
            "The start, November 20, 2026, 12:00 AM, has already passed (it is now "
            "November 24, 2026, 9:00 AM)",
        f"{SCHEDULE} start=2026-12-10 close=2026-12-09":
            "The closing date, December 9, 2026, is before the start, December 10, 2026",
        f"{SCHEDULE} start=2026-12-10 close=2028-01-01": "at most 366 days",
        "/pulse schedule nope start=2026-12-01": "There is no round or question set called nope",
        "/pulse schedule ../x start=2026-12-01": "is not a round id",
    }
    for command, expected in cases.items():
        out = await console.say(command)
        assert expected in out, (command, out)
    assert not app.db.rounds, "nothing is stored for a refused schedule"
    out = await console.say(":as dana", f"{SCHEDULE} start=2026-12-01")
    assert "Only Outward admins" in out
    out = await console.say(":as amara", "/pulse start listening-tour",
                            f"{SCHEDULE} start=2026-12-01")
    assert "listening-tour is already open" in out
    out = await console.say(f"{SCHEDULE} as tour-2 start=2026-12-01T08:30 close=2026-12-04")
    assert "Scheduled Equity listening tour (tour-2)" in out
    assert "opens December 1, 2026, 8:30 AM (your time) and accepts answers until" in out


async def test_a_scheduled_round_opens_at_its_start_and_closes_after_its_last_day(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    out = await console.say(f"{SCHEDULE} start=2026-11-26T10:00 close=2026-11-30")
    assert "Scheduled" in out
    out = await console.say(":clock 2026-11-26T09:59")
    assert "(to dana)" not in out and app.db.rounds["listening-tour"].status == "scheduled"
    out = await console.say(":clock +1m")
    assert "(to dana) Hi Dana" in out and "open until November 30, 2026" in out
    rnd = app.db.rounds["listening-tour"]
    assert rnd.status == "open" and rnd.schedule["response_days"] == 5
    out = await console.say(":as dana", "1", "1", "Paid time for training", "stop")
    assert "Paused" in out
    # Monday 30 November is the last day everywhere; Pacific time is the last to finish it
    clock.set(datetime(2026, 12, 1, 7, 59, tzinfo=UTC))  # 23:59 in Los Angeles
    await console.say(":clock +0m")
    assert rnd.status == "open"
    out = await console.say(":clock +2m")
    assert rnd.status == "closed" and rnd.closed_on is not None
    assert not app.db.states, "the unfinished draft is deleted with the close"
    # the chair hears about it, in their working hours (not at midnight)
    [notice] = outbox(app, "pulse.closed")
    assert notice.person_id == person(app, "jordan").id  # type: ignore[attr-defined]
    assert notice.due_at == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 09:00 in Los Angeles
    out = await console.say(":as jordan", ":clock 2026-12-01T09:00")
    assert "Equity listening tour (listening-tour) closed on December 1, 2026" in out


async def test_closing_by_the_clock_releases_held_answers_like_an_admin_close(
    clock: FakeClock,
) -> None:
    app = await in_memory(clock, env={"OUTWARD_K_RESPONSES": "3"})
    console = Console(app, clock)
    await console.say("/pulse start listening-tour")
    for handle in ("dana", "tom", "sam", "mei"):  # three are released, the fourth waits
        await console.say(f":as {handle}", "1", "1", "An answer", "skip", "skip", "skip", "3",
                          "skip", "4", "skip", "5", "skip")
    held = len(app.db.held)
    assert held, "the fourth person's answers wait for two more finishes"
    clock.set(datetime(2026, 12, 4, 8, 1, tzinfo=UTC))  # the tenth day has ended everywhere
    assert await OutwardScheduler(app, "clock").run_job("rounds")  # the clock process's job
    assert app.db.rounds["listening-tour"].status == "closed"
    assert not app.db.held and len(app.db.responses) >= held
    assert not app.db.marks and app.db.rounds["listening-tour"].counted == 4, \
        "finishes are counted at close, as by /pulse close"
    assert not any(p.completed for p in app.db.participation.values())  # never per person
    await app.close()


async def test_the_chairs_who_asked_are_told_else_every_chair(app: FakeOutward,
                                                              console: Console) -> None:
    person(app, "mei").roles = "staff;chair"  # type: ignore[attr-defined]
    await console.say("/pulse start listening-tour", "/pulse start community-aspirations")
    out = await console.say(":as mei", "/themes listening-tour")
    assert "I'll message you when it closes" in out
    out = await console.say(":as amara", "/pulse close listening-tour",
                            "/pulse close community-aspirations")
    told = {(r.payload["round"], r.person_id) for r in outbox(app, "pulse.closed")}
    mei, jordan = person(app, "mei").id, person(app, "jordan").id  # type: ignore[attr-defined]
    assert told == {("listening-tour", mei), ("community-aspirations", mei),
                    ("community-aspirations", jordan)}
    assert "(to mei) Equity listening tour (listening-tour) closed on November 24, 2026" in out


async def test_recurring_rounds_close_only_at_their_end_date(app: FakeOutward, console: Console,
                                                             clock: FakeClock) -> None:
    weekly = load_round_template("weekly.yaml", """
id: weekly
title: {en: Weekly pulse}
owner: {en: the team}
schedule: {every_days: 7, response_days: 3}
questions:
  - {id: q1, kind: rating, text: {en: "How was the week?"}}
""")
    app.deps.templates["weekly"] = weekly  # type: ignore[index]
    out = await console.say("/pulse start weekly", "/pulse schedule weekly as weekly-2 "
                            "start=2026-11-25T08:00 close=2026-12-02", "/pulse status")
    assert "weekly-2 (Weekly pulse): scheduled" in out
    assert "weekly (Weekly pulse): open since November 24, 2026, every 7 days" in out
    out = await console.say(":as dana", ":clock 2026-11-25T10:00")
    assert "Weekly pulse is open" in out and "open until November 27, 2026" in out
    out = await console.say(":clock 2026-12-02T10:00")
    # the last week's window ends at the round's closing date, not two days on
    assert "open until December 2, 2026" in out and "open until December 4, 2026" not in out
    await console.say(":clock 2026-12-04T10:00", ":clock +1w")
    assert app.db.rounds["weekly"].status == "open", "no end date: it keeps running"
    assert app.db.rounds["weekly-2"].status == "closed"


async def test_status_in_the_readers_language_and_time_zone(app: FakeOutward,
                                                            console: Console) -> None:
    amara = person(app, "amara")
    await console.say(f"{SCHEDULE} start=2026-12-01T09:00 close=2026-12-09",
                      "/pulse start community-aspirations")
    amara.locale, amara.timezone = "es", "America/New_York"  # type: ignore[attr-defined]
    out = await console.say("/pulse status")
    assert ("listening-tour (Gira de escucha sobre equidad): programada, se abre el 1 de "
            "diciembre de 2026, 12:00, respuestas hasta el 9 de diciembre de 2026") in out
    assert "community-aspirations" in out and "abierta desde el 24 de noviembre de 2026" in out
    assert "respuestas hasta el 7 de diciembre de 2026" in out  # 14 days, New York's dates


async def test_start_opens_a_scheduled_round_now_and_close_unschedules_it(
    app: FakeOutward, console: Console
) -> None:
    await console.say(f"{SCHEDULE} start=2026-12-01")
    out = await console.say("/pulse close listening-tour")
    assert "will not open by itself now" in out
    out = await console.say(":clock 2026-12-01T09:30")
    assert "(to dana)" not in out and app.db.rounds["listening-tour"].status == "draft"
    out = await console.say("/pulse start listening-tour")
    assert "Started Equity listening tour (listening-tour)" in out and "(to dana) Hi" in out


async def test_the_cli_status_and_admin_work_without_a_reader(app: FakeOutward) -> None:
    async with app.deps.uow() as tx:
        admin = RoundAdmin(app.deps)
        opens = app.deps.clock.now() + timedelta(days=2)
        assert (await admin.schedule(tx, "listening-tour", None, opens, None)).ok
        outcome = await admin.status(tx, None)
    assert "scheduled, opens November 26, 2026" in str(outcome.values["lines"])


def test_times_are_written_in_the_readers_language_and_zone() -> None:
    from zoneinfo import ZoneInfo

    cat = Catalog({"en": {"k": "opens {at, datetime}"}, "es": {"k": "se abre el {at, datetime}"}})
    at = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    assert cat.text("en", "k", at=at.astimezone(ZoneInfo("America/Los_Angeles"))) == \
        "opens December 1, 2026, 9:30 AM"
    assert cat.text("es", "k", at=at.astimezone(ZoneInfo("America/New_York"))) == \
        "se abre el 1 de diciembre de 2026, 12:30"
    assert cat.text("en", "k", at="2026-12-01") == "opens December 1, 2026"  # a date alone
    assert cat.text("en", "k", at="soon") == "opens soon"
    with pytest.raises(TemplateError):
        parse_template("{at, datetime, short}")
