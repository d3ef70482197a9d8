"""Proactive messages: planning what is due (idempotently) and rendering an outbox row.

Planning runs on every clock tick, in any number of processes: each send has a unique key
(round, occurrence, person, invite/reminder number) and `Outbox.enqueue_once` inserts it at most
once, so two clocks never double-send."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from conversations.context import Deps
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.pulse import PulseFlow, done_mark, schedule_of
from conversations.schedule import due, local, occurrence_for
from storage.models import Claimed, Person

PLATFORM_ORDER = ("slack", "teams", "console")


async def route(tx: UnitOfWork, person: Person, platforms: Collection[str]) -> Address | None:
    """Where to reach a person proactively: their Slack/Teams identity, else the console."""
    idents = {i.platform: i for i in await tx.identities.for_person(person.id)}
    for platform in PLATFORM_ORDER:
        if platform not in platforms:
            continue
        if platform == "console":
            return Address("console", "local", person.handle, f"dm-{person.handle}", direct=True)
        ident = idents.get(platform)
        if ident is not None and (ident.conversation_id or ident.reference or ident.user_id):
            return Address(
                platform,
                ident.workspace,
                ident.user_id,
                ident.conversation_id,
                ident.reference,
                direct=True,
            )
    return None


class Planner:
    """Inserts due invitations and reminders into the outbox."""

    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms  # a live view: adapters may register after wiring

    async def plan(self) -> int:
        """Plan everything due now; returns how many outbox rows were added."""
        now = self.deps.clock.now()
        added = 0
        async with self.deps.uow() as tx:
            for rnd in await tx.rounds.with_status("open"):
                if rnd.opened_at is None or rnd.opened_on is None:
                    continue
                sched = schedule_of(rnd)
                parts = await tx.participation.for_round(rnd.id)
                done = await tx.marks.keys(rnd.id, "done")  # finished, answers still held
                people = await tx.people.active(rnd.audience)
                for person in people:
                    start = occurrence_for(now, person.timezone, rnd.opened_at, sched)
                    if start is None:
                        continue
                    # the occurrence's key counts from the round's organisation date, so a
                    # person whose time zone changes stays in the same occurrence
                    n = 0
                    if sched.every_days > 0:
                        first = local(rnd.opened_at, person.timezone).date()
                        n = (start - first).days // sched.every_days
                    occ = (rnd.opened_on + timedelta(days=n * sched.every_days)).isoformat()
                    part = parts.get((occ, person.id))
                    finished = bool(part and part.completed) or (
                        part is not None
                        and done_mark(self.deps, rnd.id, occ, person.id) in done)
                    d = due(
                        now,
                        person.timezone,
                        rnd.opened_at,
                        sched,
                        invited=part is not None,
                        completed=finished,
                        reminders_sent=part.reminders if part else 0,
                        quiet_hours=self.deps.policy.quiet_hours,
                    )
                    if d is None:
                        continue
                    if await route(tx, person, self.platforms) is None:
                        continue
                    payload = {"round": rnd.id, "occurrence": occ}
                    if d.kind == "invite":
                        key = f"pulse:{rnd.id}:{occ}:{person.id}:invite"
                        if await tx.outbox.enqueue_once(
                            key, person.id, "pulse.invite", payload, now
                        ):
                            added += 1
                        await tx.participation.ensure(rnd.id, occ, person.id, start)
                    else:
                        key = f"pulse:{rnd.id}:{occ}:{person.id}:remind-{d.number}"
                        if await tx.outbox.enqueue_once(
                            key, person.id, "pulse.reminder", payload, now
                        ):
                            added += 1
                        if part is not None:
                            part.reminders = max(part.reminders, d.number)
            await tx.commit()
        return added


class Outreach:
    """Turns a claimed outbox row into the messages for its person (None = no longer due)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.pulse = PulseFlow(deps)

    async def render(self, tx: UnitOfWork, row: Claimed) -> tuple[Person, list[Message]] | None:
        person = await tx.people.get(row.person_id)
        if person is None or not person.active:
            return None
        if row.kind in ("pulse.invite", "pulse.reminder"):
            messages = await self.pulse.outreach(tx, person, row.payload, row.kind)
            return (person, messages) if messages else None
        if row.kind == "learn.step":
            from conversations.learning import render_step

            step = await render_step(self.deps, tx, person, dict(row.payload))
            return (person, step) if step else None
        if row.kind.startswith("mentor."):
            from conversations.mentorship import MentorshipFlow

            messages = await MentorshipFlow(self.deps).render(
                tx, person, row.kind, row.payload
            )
            return (person, messages) if messages else None
        return None
