"""Repositories over one session, grouped in a unit of work (one transaction per `async with`)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.mentorship_models import MentorMember
from storage.models import (
    ConversationState,
    HeldSubmission,
    Identity,
    OutboxRow,
    Participation,
    Person,
    PrivateMark,
    Response,
    Round,
    RoundQuestion,
    ShownView,
)

SEGMENTS: tuple[str, ...] = ("branch", "classification", "employment")


def _insert(session: AsyncSession, table: Any) -> Any:
    name = session.get_bind().dialect.name
    return pg_insert(table) if name == "postgresql" else sqlite_insert(table)


class People:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def by_handle(self, handle: str) -> Person | None:
        return (await self.s.scalars(select(Person).where(Person.handle == handle))).first()

    async def get(self, person_id: int) -> Person | None:
        return await self.s.get(Person, person_id)

    async def active(self, audience: Mapping[str, str] | None = None) -> list[Person]:
        """Active people matching a round's audience: segment values, and/or the members of a
        mentorship cohort (`cohort`) who have not left it."""
        q = select(Person).where(Person.active.is_(True)).order_by(Person.id)
        for key, value in (audience or {}).items():
            if key in SEGMENTS:
                q = q.where(getattr(Person, key) == value)
            elif key == "cohort":
                members = select(MentorMember.person_id).where(
                    MentorMember.cohort_id == value, MentorMember.left.is_(False)
                )
                q = q.where(Person.id.in_(members))
        return list(await self.s.scalars(q))

    async def count(self) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(Person)) or 0)

    async def all(self) -> list[Person]:
        return list(await self.s.scalars(select(Person).order_by(Person.handle)))

    async def upsert(
        self, rows: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> tuple[int, int]:
        """Insert (first mapping) or update (second mapping) people by handle.
        Returns (added, updated)."""
        added = updated = 0
        for insert, changes in rows:
            person = await self.by_handle(insert["handle"])
            if person is None:
                self.s.add(Person(**insert))
                added += 1
            else:
                for key, value in changes.items():
                    setattr(person, key, value)
                updated += 1
        await self.s.flush()
        return added, updated


class Identities:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def person_for(self, platform: str, workspace: str, user_id: str) -> Person | None:
        q = (
            select(Person)
            .join(Identity, Identity.person_id == Person.id)
            .where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )
        return (await self.s.scalars(q)).first()

    async def for_person(self, person_id: int) -> list[Identity]:
        q = select(Identity).where(Identity.person_id == person_id).order_by(Identity.id)
        return list(await self.s.scalars(q))

    async def link(
        self,
        person_id: int,
        platform: str,
        workspace: str,
        user_id: str,
        conversation_id: str = "",
        reference: str = "",
    ) -> Identity:
        """Link (or re-link) a platform account to a person, keeping the latest route."""
        q = select(Identity).where(
            Identity.platform == platform,
            Identity.workspace == workspace,
            Identity.user_id == user_id,
        )
        ident = (await self.s.scalars(q)).first()
        if ident is None:
            ident = Identity(
                person_id=person_id,
                platform=platform,
                workspace=workspace,
                user_id=user_id,
                conversation_id=conversation_id,
                reference=reference,
            )
            self.s.add(ident)
        else:
            ident.person_id = person_id
            if conversation_id:
                ident.conversation_id = conversation_id
            if reference:
                ident.reference = reference
        await self.s.flush()
        return ident

    async def unlink(self, platform: str, workspace: str, user_id: str) -> None:
        await self.s.execute(
            delete(Identity).where(
                Identity.platform == platform,
                Identity.workspace == workspace,
                Identity.user_id == user_id,
            )
        )


class Rounds:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, round_id: str) -> Round | None:
        return await self.s.get(Round, round_id)

    async def all(self) -> list[Round]:
        return list(await self.s.scalars(select(Round).order_by(Round.id)))

    async def lock(self, round_id: str) -> None:
        """Hold the round's row until this transaction ends (PostgreSQL; SQLite has one
        writer at a time anyway)."""
        await self.s.execute(select(Round.id).where(Round.id == round_id).with_for_update())

    async def with_status(self, *statuses: str) -> list[Round]:
        q = select(Round).where(Round.status.in_(statuses)).order_by(Round.id)
        return list(await self.s.scalars(q))

    async def create(self, rnd: Round, questions: Sequence[Mapping[str, Any]]) -> Round:
        self.s.add(rnd)
        await self.s.flush()
        for pos, definition in enumerate(questions):
            self.s.add(
                RoundQuestion(
                    round_id=rnd.id,
                    question_id=definition["id"],
                    position=pos,
                    definition=dict(definition),
                )
            )
        await self.s.flush()
        return rnd

    async def questions(self, round_id: str) -> list[dict[str, Any]]:
        q = (
            select(RoundQuestion)
            .where(RoundQuestion.round_id == round_id)
            .order_by(RoundQuestion.position)
        )
        return [dict(rq.definition) for rq in await self.s.scalars(q)]


class Participations:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, round_id: str, occurrence: str, person_id: int) -> Participation | None:
        q = select(Participation).where(
            Participation.round_id == round_id,
            Participation.occurrence == occurrence,
            Participation.person_id == person_id,
        )
        return (await self.s.scalars(q)).first()

    async def ensure(
        self, round_id: str, occurrence: str, person_id: int, invited_on: date
    ) -> Participation:
        """Create the participation row unless it exists; safe when two clocks race."""
        stmt = (
            _insert(self.s, Participation)
            .values(
                round_id=round_id,
                occurrence=occurrence,
                person_id=person_id,
                invited_on=invited_on,
                reminders=0,
                completed=False,
            )
            .on_conflict_do_nothing(index_elements=["round_id", "occurrence", "person_id"])
        )
        await self.s.execute(stmt)
        found = await self.get(round_id, occurrence, person_id)
        assert found is not None
        return found

    async def complete(self, round_id: str, occurrence: str, person_id: int) -> bool:
        """Mark complete; False if it already was (or there is no invitation)."""
        result = await self.s.execute(
            update(Participation)
            .where(
                Participation.round_id == round_id,
                Participation.occurrence == occurrence,
                Participation.person_id == person_id,
                Participation.completed.is_(False),
            )
            .values(completed=True)
        )
        return bool(getattr(result, "rowcount", 0))

    async def complete_many(self, ids: Sequence[int], round_id: str | None = None) -> None:
        """Mark these participation rows complete in one statement. With `round_id`, every
        row of the round is rewritten in the same statement (the others unchanged), so on
        PostgreSQL they all share one transaction id and none stands out."""
        wanted = list(ids)
        if round_id is not None:
            await self.s.execute(
                update(Participation)
                .where(Participation.round_id == round_id)
                .values(completed=Participation.completed | Participation.id.in_(wanted))
                .execution_options(synchronize_session=False)
            )
            return
        if wanted:
            await self.s.execute(
                update(Participation)
                .where(Participation.id.in_(wanted))
                .values(completed=True)
                .execution_options(synchronize_session=False)
            )

    async def for_round(self, round_id: str) -> dict[tuple[str, int], Participation]:
        q = select(Participation).where(Participation.round_id == round_id)
        return {(p.occurrence, p.person_id): p for p in await self.s.scalars(q)}

    async def open_for(self, person_id: int) -> list[Participation]:
        q = (
            select(Participation)
            .join(Round, Round.id == Participation.round_id)
            .where(
                Participation.person_id == person_id,
                Participation.completed.is_(False),
                Round.status == "open",
            )
            .order_by(Participation.invited_on.desc(), Participation.id.desc())
        )
        return list(await self.s.scalars(q))

    async def counts(self, round_id: str) -> tuple[int, int]:
        """(invited, marked complete) across every occurrence of a round. While a round is open
        finishes are counted on the round (`Round.counted`), not here: see conversations.release.
        """
        q = select(
            func.count(Participation.id),
            func.count(Participation.id).filter(Participation.completed.is_(True)),
        ).where(Participation.round_id == round_id)
        invited, completed = (await self.s.execute(q)).one()
        return int(invited), int(completed)


class Responses:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(
        self,
        round_id: str,
        occurrence: str,
        answers: Sequence[tuple[str, str, str | None]],
        segments: Mapping[str, str],
        week: str,
        submission: str | None = None,
        batch: int = 1,
    ) -> None:
        """Store one submission's answers: (question id, value, scrubbed text) each, the shared
        segments and week, the submission id grouping them, and their release batch."""
        group = submission
        for question_id, value, text in answers:
            self.s.add(
                Response(
                    id=str(uuid.uuid4()),
                    round_id=round_id,
                    occurrence=occurrence,
                    question_id=question_id,
                    value=value,
                    text=text,
                    segments=dict(segments),
                    week=week,
                    submission=group,
                    batch=batch,
                )
            )
        await self.s.flush()

    async def for_round(self, round_id: str) -> list[Response]:
        q = select(Response).where(Response.round_id == round_id).order_by(Response.id)
        return list(await self.s.scalars(q))

    async def hold(
        self,
        round_id: str,
        occurrence: str,
        answers: Sequence[tuple[str, str, str | None]],
        segments: Mapping[str, str],
        week: str,
        counted: bool = True,
        author: str | None = None,
    ) -> None:
        """Keep a finished submission, with no person, until it is released into responses."""
        self.s.add(
            HeldSubmission(
                id=str(uuid.uuid4()),
                round_id=round_id,
                occurrence=occurrence,
                answers=[list(a) for a in answers],
                segments=dict(segments),
                week=week,
                counted=counted,
                author=author,
            )
        )
        await self.s.flush()

    async def held_rounds(self) -> set[str]:
        """Rounds with held submissions."""
        q = select(HeldSubmission.round_id).distinct()
        return {str(r) for r in await self.s.scalars(q)}

    async def held_for(self, round_id: str) -> list[HeldSubmission]:
        q = select(HeldSubmission).where(HeldSubmission.round_id == round_id)
        return list(await self.s.scalars(q))

    async def reseal(self) -> None:
        """Rewrite every held row in one statement (new row versions, one transaction id)."""
        await self.s.execute(
            update(HeldSubmission).values(counted=HeldSubmission.counted)
            .execution_options(synchronize_session=False))

    async def next_batch(self, round_id: str) -> int:
        q = select(func.max(Response.batch)).where(Response.round_id == round_id)
        return int(await self.s.scalar(q) or 0) + 1

    async def release(self, held: Sequence[tuple[HeldSubmission, str, str | None]],
                      batch: int) -> None:
        """Move held submissions into responses as release `batch`, in random order; each
        given as (held row, occurrence to store, submission id)."""
        rows = list(held)
        random.SystemRandom().shuffle(rows)
        for h, occurrence, submission in rows:
            await self.add(h.round_id, occurrence, [tuple(a) for a in h.answers],
                           h.segments, h.week, submission=submission, batch=batch)
            await self.s.delete(h)
        await self.s.flush()


class Views:
    """Views of a round already shown to chairs (slice, item, batch), for differencing."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def shown(self, round_id: str) -> list[tuple[str, str, str, int]]:
        q = select(ShownView).where(ShownView.round_id == round_id)
        return [(v.segment, v.value, v.item, v.batch) for v in await self.s.scalars(q)]

    async def record(self, round_id: str, segment: str, value: str, item: str,
                     batch: int) -> None:
        stmt = (
            _insert(self.s, ShownView)
            .values(round_id=round_id, segment=segment, value=value[:100], item=item[:80],
                    batch=batch)
            .on_conflict_do_nothing(
                index_elements=["round_id", "segment", "value", "item", "batch"])
        )
        await self.s.execute(stmt)


class Marks:
    """Keyed-hash marks (see PrivateMark): set once, asked by key, never listed by person."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_once(self, key: str, round_id: str, kind: str) -> bool:
        """Insert unless present (any process). True if this call inserted it."""
        stmt = (
            _insert(self.s, PrivateMark)
            .values(key=key, round_id=round_id, kind=kind)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self.s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def has(self, key: str) -> bool:
        return (await self.s.scalar(
            select(PrivateMark.key).where(PrivateMark.key == key))) is not None

    async def keys(self, round_id: str, kind: str) -> set[str]:
        q = select(PrivateMark.key).where(PrivateMark.round_id == round_id,
                                          PrivateMark.kind == kind)
        return set(await self.s.scalars(q))

    async def rounds(self, kind: str) -> set[str]:
        q = select(PrivateMark.round_id).where(PrivateMark.kind == kind).distinct()
        return {str(r) for r in await self.s.scalars(q)}

    async def reseal(self) -> None:
        """Rewrite every mark in one statement (one transaction id for all of them)."""
        await self.s.execute(update(PrivateMark).values(kind=PrivateMark.kind)
                             .execution_options(synchronize_session=False))

    async def delete(self, round_id: str, kind: str, keys: Iterable[str] | None = None) -> None:
        q = delete(PrivateMark).where(PrivateMark.round_id == round_id, PrivateMark.kind == kind)
        if keys is not None:
            q = q.where(PrivateMark.key.in_(list(keys)))
        await self.s.execute(q)


class States:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, person_id: int) -> ConversationState | None:
        return await self.s.get(ConversationState, person_id)

    async def put(self, person_id: int, flow: str, data: Mapping[str, Any], now: datetime) -> None:
        state = await self.get(person_id)
        if state is None:
            self.s.add(
                ConversationState(person_id=person_id, flow=flow, data=dict(data), updated_at=now)
            )
        else:
            state.flow = flow
            state.data = dict(data)  # a new object, so SQLAlchemy sees the change
            state.updated_at = now
        await self.s.flush()

    async def clear(self, person_id: int) -> None:
        await self.s.execute(
            delete(ConversationState).where(ConversationState.person_id == person_id)
        )

    async def in_flow(self, flow: str) -> list[ConversationState]:
        q = select(ConversationState).where(ConversationState.flow == flow)
        return list(await self.s.scalars(q))


@dataclass(frozen=True)
class Claimed:
    """An outbox row claimed for delivery."""

    id: int
    key: str
    person_id: int
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    lease_until: datetime | None = None  # this worker's lease: its claim token


class Outbox:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def enqueue_once(
        self, key: str, person_id: int, kind: str, payload: Mapping[str, Any], due_at: datetime
    ) -> bool:
        """Insert unless a row with `key` exists (any clock, any process). True if inserted."""
        stmt = (
            _insert(self.s, OutboxRow)
            .values(
                key=key,
                person_id=person_id,
                kind=kind,
                payload=dict(payload),
                due_at=due_at,
                status="pending",
                attempts=0,
                last_error="",
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        result = await self.s.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def exists(self, key: str) -> bool:
        return (await self.s.scalar(select(OutboxRow.id).where(OutboxRow.key == key))) is not None

    async def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[Claimed]:
        """Lease due rows to this worker. PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never
        share a row; SQLite runs one worker. An expired lease (a crashed worker) is re-claimed."""
        q = (
            select(OutboxRow)
            .where(
                OutboxRow.status == "pending",
                OutboxRow.due_at <= now,
                (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until <= now),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self.s.scalars(q))
        for row in rows:
            row.lease_until = now + lease
            row.attempts += 1
        await self.s.flush()
        return [
            Claimed(r.id, r.key, r.person_id, r.kind, dict(r.payload), r.attempts, r.lease_until)
            for r in rows
        ]

    async def renew(self, row: Claimed, until: datetime) -> Claimed | None:
        """Extend this worker's lease just before sending. None when the lease ran out and
        another worker has claimed the row since (it will send it; this one must not)."""
        result = await self.s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == row.id,
                OutboxRow.status == "pending",
                OutboxRow.lease_until == row.lease_until,
            )
            .values(lease_until=until)
        )
        if not getattr(result, "rowcount", 0):
            return None
        return Claimed(row.id, row.key, row.person_id, row.kind, row.payload, row.attempts, until)

    async def sent(self, row_id: int, now: datetime) -> None:
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(status="sent", sent_at=now, lease_until=None, last_error="")
        )

    async def retry(
        self, row_id: int, due_at: datetime, error: str, refund: bool = False
    ) -> None:
        """Put a row back for later; `refund` gives back the attempt (a rate-limit wait)."""
        values: dict[str, Any] = {"due_at": due_at, "lease_until": None, "last_error": error[:300]}
        if refund:
            values["attempts"] = OutboxRow.attempts - 1
        await self.s.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(**values))

    async def failed(self, row_id: int, error: str) -> None:
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(status="failed", lease_until=None, last_error=error[:300])
        )

    async def by_status(self) -> dict[str, int]:
        q = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        return {str(s): int(n) for s, n in (await self.s.execute(q)).all()}

    async def recent(self, since: datetime) -> list[OutboxRow]:
        """Rows due since `since` (any status), e.g. to avoid stacking messages in a day."""
        q = select(OutboxRow).where(OutboxRow.due_at >= since).order_by(OutboxRow.id)
        return list(await self.s.scalars(q))

    async def rows(self) -> list[OutboxRow]:
        return list(await self.s.scalars(select(OutboxRow).order_by(OutboxRow.id)))


class UnitOfWork:
    """One transaction with every repository: `async with uow() as tx: ...; await tx.commit()`.

    Leaving the block without commit rolls back, so a failed step never half-writes."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.people = People(self.session)
        self.identities = Identities(self.session)
        self.rounds = Rounds(self.session)
        self.participation = Participations(self.session)
        self.responses = Responses(self.session)
        self.states = States(self.session)
        self.outbox = Outbox(self.session)
        self.views = Views(self.session)
        self.marks = Marks(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back anything uncommitted without expiring loaded objects
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
