"""Storage on SQLite and PostgreSQL: migrations, idempotent planning, outbox leases, anonymity."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import inspect, text

from adapters.console.adapter import address_for as console_address
from bot.clock import FakeClock
from conversations.pulse.admin import RoundAdmin
from storage.models import Outcome
from tests.support import TUESDAY_9AM_LA, wired


async def test_migrations_create_the_schema_and_responses_hold_no_identity(
    database_url: str,
) -> None:
    app = await wired(database_url, sample=False)
    try:
        async with app.engine.connect() as conn:
            tables, columns, enrolments = await conn.run_sync(
                lambda c: (
                    set(inspect(c).get_table_names()),
                    {col["name"] for col in inspect(c).get_columns("responses")},
                    {col["name"] for col in inspect(c).get_columns("enrolments")},
                )
            )
        assert {"people", "rounds", "responses", "participation", "outbox",
                "conversation_state", "identities", "alembic_version"} <= tables
        # theme_code: the codebook theme a purged comment's kept theme names (no identity)
        assert columns == {"id", "round_id", "occurrence", "question_id", "value", "text",
                           "segments", "week", "theme", "theme_code", "submission", "batch"}
        # no per-person record of reflecting on a learning step (a keyed mark only)
        assert not {c for c in enrolments if "reflect" in c}
    finally:
        await app.close()


async def test_two_clocks_planning_at_once_never_double_send(database_url: str) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    a = await wired(database_url, clock)
    b = await wired(database_url, clock, sample=False)  # a second process on the same database
    try:
        for app in (a, b):
            app.senders["console"] = _Recorder()
            app.platforms.add("console")
        async with a.deps.uow() as tx:
            assert (await RoundAdmin(a.deps).start(tx, "listening-tour")).ok
            await tx.commit()
        planned = await asyncio.gather(a.planner.plan(), b.planner.plan(), a.planner.plan())
        async with a.deps.uow() as tx:
            rows = await tx.outbox.rows()
            invited, _ = await tx.participation.counts("listening-tour")
        la_people = 11  # in the sample, on working hours at 09:00 Los Angeles time
        assert len(rows) == len({r.key for r in rows}) == sum(planned) >= la_people
        assert invited == len(rows)
        # planning again later the same day adds nothing
        clock.advance(timedelta(hours=2))
        assert await a.planner.plan() == 0
    finally:
        await a.close()
        await b.close()


class _Recorder:
    platform = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    async def send(self, address, messages) -> None:  # type: ignore[no-untyped-def]
        self.sent.append((address.user, len(messages)))


async def test_outbox_lease_survives_a_crash_and_is_reclaimed(database_url: str) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    app = await wired(database_url, clock)
    try:
        async with app.deps.uow() as tx:
            dana = await tx.people.by_handle("dana")
            assert dana is not None
            assert await tx.outbox.enqueue_once("k1", dana.id, "pulse.invite", {}, clock.now())
            assert not await tx.outbox.enqueue_once("k1", dana.id, "pulse.invite", {}, clock.now())
            await tx.commit()
        async with app.deps.uow() as tx:
            first = await tx.outbox.claim(clock.now(), timedelta(minutes=5))
            await tx.commit()
        assert [c.key for c in first] == ["k1"]
        # the worker "crashes" here; another worker finds nothing until the lease expires
        async with app.deps.uow() as tx:
            assert await tx.outbox.claim(clock.now(), timedelta(minutes=5)) == []
            assert await tx.outbox.renew(first, clock.now() + timedelta(minutes=5))
            await tx.commit()
        clock.advance(timedelta(minutes=11))
        async with app.deps.uow() as tx:
            again = await tx.outbox.claim(clock.now(), timedelta(minutes=5))
            await tx.commit()
        async with app.deps.uow() as tx:
            # the first worker's claim is stale now: it may not renew (and so not send)
            assert await tx.outbox.renew(first, clock.now()) == []
            held = await tx.outbox.renew(again, clock.now() + timedelta(minutes=5))
            assert [r.id for r in held] == [again[0].id]
            await tx.outbox.settle([Outcome(held[0], "sent")], clock.now())
            await tx.commit()
        assert again[0].attempts == 2
        async with app.deps.uow() as tx:
            assert await tx.outbox.by_status() == {"sent": 1}
    finally:
        await app.close()


async def test_full_pulse_on_each_engine_leaves_no_link_between_person_and_answers(
    database_url: str,
) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    app = await wired(database_url, clock)
    recorder = _Recorder()
    app.senders["console"] = recorder
    app.platforms.add("console")
    try:
        from conversations.events import ButtonPressed, TextReceived

        await app.router(TextReceived(console_address("amara"), "/pulse start listening-tour"))
        await app.tick()
        assert ("dana", 1) in recorder.sent
        dana = console_address("dana")
        replies = await app.router(ButtonPressed(dana, "pulse:start",
                                                 f"listening-tour|{clock.now():%Y-%m-%d}"))
        assert any("Question" in m.text or "branch" in m.text for m in replies)
        for line in ["no", "Grace Kim listens", "skip", "skip", "skip", "5", "why not",
                     "skip", "skip", "1"]:
            replies = await app.router(TextReceived(dana, line))
        assert "Thank you" in replies[-1].text
        # four more people finish: five are waiting, so the clock releases them as one batch
        for handle in ("tom", "mei", "sam", "luis"):
            who = console_address(handle)
            await app.router(TextReceived(who, "/pulse"))
            for line in ["no", "skip", "skip", "skip", "skip", "3", "skip", "skip", "skip",
                         "skip"]:
                await app.router(TextReceived(who, line))
        await app.tick()
        async with app.engine.connect() as conn:
            every = (await conn.execute(text("SELECT * FROM responses"))).mappings().all()
            answers = [a for a in every if a["submission"] == next(
                b["submission"] for b in every if b["question_id"] == "strengths")]
            # while the round is open, nobody is marked complete: finishes are counted on the
            # round and remembered per person only as keyed-hash marks
            assert (await conn.execute(text(
                "SELECT count(*) FROM participation WHERE completed"))).scalar() == 0
            assert (await conn.execute(text("SELECT counted FROM rounds"))).scalar() == 5
        assert {a["question_id"] for a in answers} == {
            "strengths", "training-time", "training-time.why", "first-priority"}
        assert all(a["segments"] in ({}, "{}") for a in answers), "consent was 'no'"
        strengths = next(a for a in answers if a["question_id"] == "strengths")
        assert strengths["text"] == "[NAME] listens"
    finally:
        await app.close()
