"""What one clock tick costs at 1,000, 10,000 and 50,000 people (or the sizes given), with
nothing due and with everyone due, on SQLite and (when installed) PostgreSQL.

Each size gets a fresh database: people in five US time zones, each with a Slack account; an
open pulse round whose window is open all day, every day; half of the people enrolled in a
learning track; a mentorship cohort of 100 pairs at a check-in. Then:

- "everyone due": the first tick (release, then the pulse, learning and mentorship planners)
  plans an invitation for everyone (learning nudges are held back: a survey went out today)
  and the cohort's check-ins;
- "nothing due": the ticks after it, at the same moment and a minute later (everything has
  been planned; the median of three is shown).

Ticks run in process (`Core.plan_all`, what `clock --once` and the clock's minute run) at a
fixed time, Tuesday 09:00 in Los Angeles. `python -m bot clock --once` is also run as a real
process (start-up, migrations check and content loading included) at the real time, on a
second database laid out the same way, first with everyone due, then with nothing due.

Baselines, measured in the same run on the same database: one indexed `SELECT count(*)` over
the people table (the least a tick that looked at everyone would cost) for nothing due, and a
plain bulk insert (SQLAlchemy Core executemany) of as many outbox and participation rows as
the tick planned for everyone due (the least the same writes can cost; rolled back).

Goals: a tick with nothing due within 1 s at 50,000 people, its cost not growing with the
roster (compare the nothing-due figures across sizes with the count's); everyone due within
10x the plain insert of the same rows.

Run: python bench/clock_tick.py [N ...]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench import postgres  # noqa: E402
from bot.bootstrap import build  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.settings import Settings  # noqa: E402
from conversations.mentorship.cadence import load_definition  # noqa: E402
from conversations.schedule import schedule_data  # noqa: E402
from prompts.content import load_content  # noqa: E402
from prompts.loader import Schedule  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.learning_models import Enrolment  # noqa: E402
from storage.mentorship_models import (  # noqa: E402
    MentorCohort,
    MentorMember,
    MentorPair,
    MentorProgramme,
)
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Identity,
    OutboxRow,
    Participation,
    Person,
    Round,
    RoundQuestion,
)

SIZES = (1_000, 10_000, 50_000)
IDLE_GOAL = 1.0  # seconds, nothing due
DUE_GOAL = 10.0  # times the plain insert of the same rows, everyone due
TUESDAY_9AM_LA = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
ZONES = ["America/Los_Angeles"] * 17 + ["America/Denver", "America/Phoenix", "America/Chicago"]
PAIRS = 100
SECRET = "bench-secret-" + "0123456789abcdef" * 2
ENV = {"OUTWARD_SECRET": SECRET, "SLACK_SIGNING_SECRET": "bench-signing-secret",
       "SLACK_BOT_TOKEN": "xoxb-bench", "OUTWARD_THEMES_ENGINE": "tfidf",
       "OUTWARD_SPACY_MODEL": "none", "OUTWARD_QUIET_HOURS": "none"}


async def populate(url: str, n: int, now: datetime) -> None:
    """The organisation, written with Core executemany (not what is measured)."""
    engine = create_engine(url)
    await upgrade(engine)
    today = now.date()
    content = load_content("")
    tpl = content.rounds["listening-tour"]
    every_day = Schedule(weekdays=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                         send_window="00:00-24:00", response_days=7, reminders=2,
                         reminder_every_days=2)
    track = sorted(content.tracks)[0]
    async with engine.begin() as conn:
        await conn.execute(insert(Person), [
            {"id": i + 1, "handle": f"p{i:06d}", "display_name": f"Person {i}",
             "email": f"p{i}@county.example.gov", "timezone": ZONES[i % len(ZONES)],
             "locale": "en", "roles": "staff", "branch": f"Branch {i % 40}",
             "classification": f"Class {i % 12}", "employment": "FT" if i % 3 else "PT",
             "active": True} for i in range(n)])
        await conn.execute(insert(Identity), [
            {"person_id": i + 1, "platform": "slack", "workspace": "T0BENCH",
             "user_id": f"U{i:07d}", "conversation_id": f"D{i:07d}", "reference": ""}
            for i in range(n)])
        await conn.execute(insert(Enrolment), [
            {"person_id": i + 1, "track_id": track, "status": "active", "enrolled_on": today,
             "source": "admin", "sent": [], "done": [], "skipped": []}
            for i in range(0, n, 2)])
        await conn.execute(insert(Round).values(
            id="bench", template=tpl.id, title=dict(tpl.title), owner=dict(tpl.owner),
            status="open", audience={}, schedule=schedule_data(every_day), k_responses=5,
            k_comments=10, opened_on=today, opened_at=now - timedelta(hours=1),
            series=tpl.id))
        await conn.execute(insert(RoundQuestion), [
            {"round_id": "bench", "question_id": q.id, "position": i,
             "definition": q.definition()}
            for i, q in enumerate(tpl.questions)])
        definition = load_definition()
        await conn.execute(insert(MentorProgramme).values(
            id="lib", title="Library", lead_id=1, definition=definition))
        start = today - timedelta(days=int(definition["cadence"]["every_days"]))
        await conn.execute(insert(MentorCohort).values(
            id="c1", programme_id="lib", start_on=start, weeks=12, status="active"))
        sides = min(2 * PAIRS, n)
        await conn.execute(insert(MentorMember), [
            {"cohort_id": "c1", "person_id": i + 1, "role": "mentee" if i % 2 else "mentor",
             "goals": "", "availability": "", "manager": "", "priority": "", "prefers": "",
             "paused": False, "left": False} for i in range(sides)])
        await conn.execute(insert(MentorPair), [
            {"cohort_id": "c1", "mentee_id": i + 2, "mentor_id": i + 1, "liaison_id": None,
             "status": "active", "started_on": start} for i in range(0, sides - 1, 2)])
        if conn.dialect.name == "postgresql":
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


def settings(url: str) -> Settings:
    return Settings.from_env({"OUTWARD_DATABASE_URL": url, **ENV})


async def in_process(url: str, n: int) -> dict[str, Any]:
    """The tick figures and both baselines, in process at a fixed time."""
    clock = FakeClock(TUESDAY_9AM_LA)
    await populate(url, n, clock.now())
    app = await build(settings(url), clock=clock)
    try:
        t = time.perf_counter()
        planned = await app.plan_all()
        everyone = time.perf_counter() - t
        idle = []
        for step in (0, 1, 0):
            clock.advance(timedelta(minutes=step))
            t = time.perf_counter()
            again = await app.plan_all()
            idle.append(time.perf_counter() - t)
            assert again == 0, f"{again} planned on an idle tick"
        async with app.engine.connect() as conn:
            counts = []
            for _ in range(5):
                t = time.perf_counter()
                await conn.scalar(select(func.count()).select_from(Person))
                counts.append(time.perf_counter() - t)
        insert_s = await plain_insert(app.engine, planned, n)
    finally:
        await app.close()
    return {"planned": planned, "everyone": everyone, "idle": statistics.median(idle),
            "count": statistics.median(counts), "insert": insert_s}


async def plain_insert(engine: Any, rows: int, n: int) -> float:
    """Core executemany of `rows` outbox and participation rows, rolled back."""
    now = TUESDAY_9AM_LA
    outbox = [{"key": f"baseline:{i}", "person_id": i % n + 1, "kind": "pulse.invite",
               "payload": {"round": "bench", "occurrence": "x"}, "due_at": now,
               "status": "pending", "attempts": 0, "last_error": ""} for i in range(rows)]
    parts = [{"round_id": "bench", "occurrence": f"b{i // n}", "person_id": i % n + 1,
              "invited_on": now.date(), "reminders": 0, "completed": False}
             for i in range(rows)]
    async with engine.connect() as conn:
        trans = await conn.begin()
        t = time.perf_counter()
        await conn.execute(insert(OutboxRow), outbox)
        await conn.execute(insert(Participation), parts)
        took = time.perf_counter() - t
        await trans.rollback()
    return took


async def fresh_for_process(url: str, n: int) -> None:
    await populate(url, n, datetime.now(UTC))


def clock_once(url: str) -> float:
    """`python -m bot clock --once` as a real process; its wall time."""
    return postgres.timed_bot(["clock", "--once"], {**ENV, "OUTWARD_DATABASE_URL": url})


async def outbox_rows(url: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as conn:
        found = int(await conn.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    await engine.dispose()
    return found


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


async def run_engine(engine: str, url_for: postgres.UrlFor, sizes: list[int]) -> None:
    print(f"\n{engine}")
    print(f"{'people':>7} {'case':<13} {'Outward':>9} {'baseline':>10} {'ratio':>8}  result  "
          "(planned)")
    idle_by_size = {}
    for n in sizes:
        r = await in_process(url_for(f"tick{n}"), n)
        idle_by_size[n] = (r["idle"], r["count"])
        print(f"{n:>7} {'nothing due':<13} {r['idle']:>8.3f}s {r['count'] * 1000:>8.2f}ms "
              f"{r['idle'] / r['count']:>7.0f}x  {verdict(r['idle'] <= IDLE_GOAL)}    (0)")
        print(f"{n:>7} {'everyone due':<13} {r['everyone']:>8.3f}s {r['insert']:>9.3f}s "
              f"{r['everyone'] / r['insert']:>7.1f}x  "
              f"{verdict(r['everyone'] <= DUE_GOAL * r['insert'])}    ({r['planned']})")
        url = url_for(f"once{n}")
        await fresh_for_process(url, n)
        first = clock_once(url)
        planned = await outbox_rows(url)
        second = clock_once(url)
        assert await outbox_rows(url) == planned, "the second --once planned more"
        print(f"{n:>7} {'clock --once':<13} {first:>8.2f}s (everyone due, {planned} planned, "
              f"start-up included); {second:.2f}s (nothing due)")
    small, large = min(sizes), max(sizes)
    if small != large:
        grow = idle_by_size[large][0] / idle_by_size[small][0]
        count_grow = idle_by_size[large][1] / idle_by_size[small][1]
        print(f"nothing due, {large} vs {small} people: the tick x{grow:.1f}, "
              f"the count(*) x{count_grow:.1f}")


async def main(sizes: list[int]) -> None:
    print(__doc__.split("\n\n")[0])
    await postgres.each_engine("clock", partial(run_engine, sizes=sizes))


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or list(SIZES)))
