"""The clock's cost follows what is due, not the roster: an idle tick, a directory page and a
roster import run the same statements whatever the number of people (counted at the database
driver, on SQLite), and reminders go to everyone behind alike, without looking up who
finished (the outbox must not say it) nor anyone again once they are up to date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bot.bootstrap import Outward
from bot.clock import FakeClock
from conversations.events import Address, DirectoryPage, MemberJoined, MemberLeft
from conversations.keyed import done_mark
from conversations.pulse.admin import RoundAdmin
from storage.roster import parse_roster, save_roster
from tests.support import TUESDAY_9AM_LA, statements, wired

HEADER = "handle,name,email,timezone,locale,roles,branch,classification,employment\n"
ZONES = ("America/Los_Angeles", "America/Denver", "America/Chicago")


def roster(n: int) -> str:
    return HEADER + "".join(
        f"p{i:05d},Person Number{i},p{i}@county.example.gov,{ZONES[i % 3]},en,staff,"
        f"B{i % 4},C{i % 3},FT\n" for i in range(n))


async def organisation(url: str, n: int, clock: FakeClock) -> Outward:
    app = await wired(url, clock, sample=False,
                      env={"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-t"})
    async with app.deps.uow() as tx:
        await save_roster(tx, parse_roster(roster(n), "roster", "UTC"))
        people = await tx.people.all()
        await tx.identities.link_many([(p.id, ("slack", "T1", f"U{p.id}"), f"D{p.id}", "")
                                       for p in people])
        assert (await RoundAdmin(app.deps).start(tx, "listening-tour")).ok
        await tx.commit()
    await app.roster_changed()
    return app


async def test_an_idle_tick_costs_the_same_for_30_and_300_people(tmp_path: Any) -> None:
    counts = {}
    for n in (30, 300):
        clock = FakeClock(TUESDAY_9AM_LA)
        app = await organisation(f"sqlite+aiosqlite:///{tmp_path}/idle{n}.db", n, clock)
        try:
            assert await app.plan_all() == n, "everyone is invited on the first tick"
            clock.advance(timedelta(minutes=1))
            with statements(app) as seen:
                assert await app.plan_all() == 0
            counts[n] = len(seen)
            clock.advance(timedelta(hours=12))  # 21:00 in Los Angeles: every window shut
            with statements(app) as seen:
                assert await app.plan_all() == 0
            assert not any("FROM people" in s and "participation" in s for s in seen), \
                "outside every send window nobody is looked up"
        finally:
            await app.close()
    assert counts[30] == counts[300], counts


async def test_reminders_are_planned_alike_for_finishers_and_not_looked_at_again(
        tmp_path: Any) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    app = await organisation(f"sqlite+aiosqlite:///{tmp_path}/remind.db", 6, clock)
    try:
        assert await app.plan_all() == 6
        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get("listening-tour")
            assert rnd is not None
            parts = await tx.participation.for_round(rnd.id)
            (occ, finisher), *_ = sorted(parts)
            await tx.marks.add_once(done_mark(app.deps.keyed, rnd.id, occ, finisher), rnd.id,
                                    "done")
            await tx.commit()
        clock.advance(timedelta(days=3))  # the first reminder is due (every three days)
        with statements(app) as seen:
            assert await app.plan_all() == 6, "everyone behind: the outbox can't tell who finished"
        assert not any("private_marks" in s and "key IN" in s for s in seen), \
            "planning never asks who finished"
        async with app.engine.connect() as conn:
            reminded = (await conn.execute(text(
                "SELECT person_id FROM outbox WHERE kind = 'pulse.reminder'"))).scalars().all()
            counts = (await conn.execute(text(
                "SELECT DISTINCT reminders FROM participation"))).scalars().all()
        assert finisher in reminded and len(reminded) == 6
        assert counts == [1], "every row says the same: nothing tells the finisher apart"
        clock.advance(timedelta(minutes=1))
        assert await app.plan_all() == 0, "everyone is up to date"
    finally:
        await app.close()


def page(n: int, start: int = 0) -> DirectoryPage:
    joined = tuple(
        MemberJoined(Address("slack", "T2", f"W{i}"), f"Person Number{i}",
                     (f"P{i}@COUNTY.example.gov" if i % 2 else f"p{i}@county.example.gov"),
                     "America/New_York" if i % 5 == 0 else "", "es-MX" if i % 7 == 0 else "")
        for i in range(start, start + n))
    return DirectoryPage(Address("slack", "T2", ""), joined,
                         (MemberLeft(Address("slack", "T2", "W-gone")),))


async def test_a_directory_page_links_by_email_in_the_same_statements_at_any_size(
        tmp_path: Any) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    app = await organisation(f"sqlite+aiosqlite:///{tmp_path}/dir.db", 400, clock)
    try:
        counts = []
        for n, start in ((10, 0), (200, 10)):
            with statements(app) as seen:
                assert await app.router(page(n, start)) == []
            counts.append(len(seen))
        assert counts[0] == counts[1], counts
        guest = MemberJoined(Address("slack", "T2", "W-guest"), "Guest", "g@elsewhere.example")
        await app.router(page(0))
        await app.router(DirectoryPage(Address("slack", "T2", ""), (guest,)))
        async with app.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT p.handle, i.user_id, p.timezone, p.locale FROM identities i JOIN people p"
                " ON p.id = i.person_id WHERE i.workspace = 'T2' ORDER BY p.id"))).all()
        assert len(rows) == 210 and all(r[0] == f"p{int(r[1][1:]):05d}" for r in rows)
        assert rows[5][2:] == ("America/New_York", "en") and rows[7][3] == "es"
        assert rows[1][2:] == ("America/Denver", "en"), "no zone from the directory: kept"
    finally:
        await app.close()


async def test_a_roster_import_runs_the_same_statements_for_50_and_500_people(
        tmp_path: Any) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    counts = []
    for n in (50, 500):
        app = await wired(f"sqlite+aiosqlite:///{tmp_path}/roster{n}.db", clock, sample=False)
        try:
            for _ in range(2):  # added, then updated
                with statements(app) as seen:
                    async with app.deps.uow() as tx:
                        await save_roster(tx, parse_roster(roster(n), "roster", "UTC"))
                        await tx.commit()
                counts.append(len(seen))
        finally:
            await app.close()
    assert counts[:2] == counts[2:], counts
