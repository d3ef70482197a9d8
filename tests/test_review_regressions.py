"""Regressions found in review: each reproduces something a user or an operator would hit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core, Outward
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.pulse.admin import RoundAdmin
from storage.roster import parse_roster, save_roster
from tests.support import Console, FakeOutward, wired


async def _finish(app: Core, handle: str) -> str:
    a = console_address(handle)
    await app.router(TextReceived(a, "/pulse"))
    replies = []
    for line in ["no", "An answer", "skip", "skip", "skip", "2", "skip", "4", "skip", "3", "1"]:
        replies = await app.router(TextReceived(a, line))
    return replies[-1].text if replies else ""


async def test_a_time_zone_change_does_not_invite_the_same_person_twice(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    await console.say("/pulse start listening-tour")
    assert "Thank you" in await _finish(app, "amara")
    async with app.deps.uow() as tx:
        amara = await tx.people.by_handle("amara")
        assert amara is not None
        amara.timezone = "Pacific/Auckland"  # directory sync or a roster re-import
        await tx.commit()
    clock.set(datetime(2026, 11, 24, 21, 0, tzinfo=UTC))  # Wednesday 10:00 in Auckland
    await app.tick()
    parts = sum(1 for p in app.db.participation.values() if p.person_id == amara.id)
    assert parts == 1
    reply = await app.router(TextReceived(console_address("amara"), "/pulse"))
    assert "no survey open" in reply[0].text


async def test_the_last_answer_arriving_twice_is_stored_once(sql_app: Outward,
                                                           sql_console: Console) -> None:
    app, console = sql_app, sql_console  # two transactions at once: the database decides
    await console.say("/pulse start listening-tour")
    a = console_address("dana")
    await app.router(TextReceived(a, "/pulse"))
    for line in ["no", "x", "skip", "skip", "skip", "2", "skip", "4", "skip", "3"]:
        await app.router(TextReceived(a, line))
    await asyncio.gather(app.router(TextReceived(a, "1")), app.router(TextReceived(a, "1")))
    async with app.engine.connect() as conn:
        held = (await conn.execute(text("SELECT count(*) FROM held_submissions"))).scalar()
    assert held == 1


async def test_a_partial_roster_file_never_blanks_roles_or_segments(app: FakeOutward) -> None:
    rows = parse_roster("handle,name,email\namara,Amara Okafor,amara@example.org\n", "p.csv",
                        "UTC")
    async with app.deps.uow() as tx:
        await save_roster(tx, rows)
        await tx.commit()
    async with app.deps.uow() as tx:
        amara = await tx.people.by_handle("amara")
    assert amara is not None
    assert (amara.roles, amara.branch, amara.timezone) == (
        "admin;staff", "Central", "America/Los_Angeles")


async def test_control_characters_and_unusual_digits_get_clear_replies(
    app: FakeOutward, console: Console
) -> None:
    await console.say("/pulse start listening-tour", ":as dana", "1", "1")
    out = await console.say("An answer with a NUL\x00 in it")
    assert "Question 2 of 8" in out
    await console.say("b", "c", "d")
    out = await console.say("³")
    assert "number from 1 to 5" in out
    out = await console.say("help")
    assert "What I can do" in out
    out = await console.say("4")
    assert "Why did you choose that?" in out  # help did not count as an answer


async def test_one_bad_outbox_row_does_not_stop_delivery(app: FakeOutward, console: Console,
                                                         clock: FakeClock) -> None:
    async with app.deps.uow() as tx:
        await RoundAdmin(app.deps).start(tx, "listening-tour")
        await tx.commit()
    await app.planner.plan()
    async with app.deps.uow() as tx:  # a row its renderer chokes on, in the same batch
        dana = await tx.people.by_handle("dana")
        assert dana is not None
        await tx.outbox.enqueue_once("bad", dana.id, "pulse.invite",
                                     {"round": "listening-tour", "occurrence": "not-a-date"},
                                     clock.now())
        await tx.commit()
    await app.worker.run_once()
    async with app.deps.uow() as tx:
        rows = await tx.outbox.rows()
    bad = [r for r in rows if r.key == "bad"]
    assert bad[0].status == "failed" and "could not render" in bad[0].last_error
    assert all(r.status == "sent" for r in rows if r.key != "bad") and len(rows) > 5


async def test_expired_drafts_are_deleted_by_housekeeping(app: FakeOutward, console: Console,
                                                         clock: FakeClock) -> None:
    await console.say("/pulse start listening-tour", ":as dana", "1", "1", "A draft answer")
    assert app.db.states
    clock.advance(timedelta(days=30))
    await app.housekeeping()
    assert not app.db.states


async def test_a_roster_imported_elsewhere_is_scrubbed_here(tmp_path: Path, clock: FakeClock
                                                           ) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/two.db"
    web = await wired(url, clock)
    cli = await wired(url, clock, sample=False)
    try:
        rows = parse_roster("handle,name,email\nzelda,Zelda Quartermaine,\n", "new.csv", "UTC")
        async with cli.deps.uow() as tx:
            await save_roster(tx, rows)
            await tx.commit()
        # lower case, unknown to NER and before no verb only people use ("said" is one):
        # only the roster can know it is a name
        assert "quartermaine" in web.deps.scrub("quartermaine covered the desk")
        await web.plan_all()  # the next clock tick in the serving process
        assert web.deps.scrub("quartermaine covered the desk") == "[NAME] covered the desk"
    finally:
        await web.close()
        await cli.close()


async def test_invitations_planned_before_a_pause_arrive_after_resume(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    async with app.deps.uow() as tx:
        await RoundAdmin(app.deps).start(tx, "listening-tour")
        await tx.commit()
    await app.planner.plan()  # planned, not yet delivered
    await console.say("/pulse pause listening-tour")
    out = await console.say(":clock +1h")
    assert "(to dana)" not in out
    await console.say("/pulse resume listening-tour")
    out = await console.say(":clock +61m")
    assert "(to dana) Hi Dana" in out


async def test_a_row_whose_lease_ran_out_is_not_sent_twice(app: FakeOutward, console: Console,
                                                          clock: FakeClock) -> None:
    sent: list[str] = []

    class Recorder:
        platform = "console"

        async def send(self, address, messages):  # type: ignore[no-untyped-def]
            sent.append(address.user)

    app.senders["console"] = Recorder()  # type: ignore[assignment]
    async with app.deps.uow() as tx:
        await RoundAdmin(app.deps).start(tx, "listening-tour")
        await tx.commit()
    await app.planner.plan()
    async with app.deps.uow() as tx:  # a slow worker claims everything...
        slow = await tx.outbox.claim(clock.now(), timedelta(minutes=5))
        await tx.commit()
    clock.advance(timedelta(minutes=6))  # ...its lease runs out; another worker delivers
    assert await app.worker.run_once() == len(slow)
    # the slow worker finally gets to its rows: it must not send them again
    assert await app.worker.deliver(slow) == 0
    assert len(sent) == len(set(sent)) == len(slow)
