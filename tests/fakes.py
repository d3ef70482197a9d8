"""An in-memory unit of work: the same repository protocols as storage (conversations.ports),
over dicts, so the real core runs in tests without a database (closing the loop's repositories
are in tests/fakes_loop.py). Records are the storage models' own classes used as plain attribute
objects (never added to a session). A unit of work left without commit rolls back its own
changes: rows it added or removed, and the attributes of every record it handed out
(tests/test_repositories.py checks that the fake and the SQL storage agree)."""

from __future__ import annotations

import copy
import itertools
import random
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any

from storage.learning_models import Enrolment
from storage.mentorship_models import (
    MentorCheckin,
    MentorCohort,
    MentorMember,
    MentorPair,
    MentorProgramme,
    MentorShownStats,
)
from storage.models import (
    SEGMENTS,
    ConversationState,
    HeldSubmission,
    Identity,
    Opened,
    Participation,
    Person,
    Response,
    Round,
)
from storage.rows import ResponseRow
from tests import fake_bulk as bulk
from tests.fake_bulk import _state, _with_defaults
from tests.fake_outbox import Outbox
from tests.fakes_loop import Commitments, ShareBacks

TABLES = ("people", "identities", "rounds", "questions", "participation", "responses", "held",
          "views", "marks", "states", "outbox", "enrolments", "programmes", "cohorts",
          "members", "pairs", "checkins", "shown_stats", "heartbeats", "revisions",
          "commitments", "sharebacks")


_MISSING = object()


class FakeDatabase:
    """Tables as dicts (key -> record); what several units of work share."""

    def __init__(self) -> None:
        for name in TABLES:
            setattr(self, name, {})
        self._ids: dict[str, itertools.count[int]] = {}

    def next_id(self, table: str) -> int:
        return next(self._ids.setdefault(table, itertools.count(1)))

    def table(self, name: str) -> dict[Any, Any]:
        table: dict[Any, Any] = getattr(self, name)
        return table


class _Repo:
    def __init__(self, tx: FakeUnitOfWork) -> None:
        self.tx = tx
        self.db = tx.db

    def _out(self, row: Any) -> Any:
        """A record handed to the core: remember its state, to restore it on rollback."""
        if row is not None:
            self.tx.touch(row)
        return row

    def _all(self, rows: Iterable[Any]) -> list[Any]:
        return [self._out(r) for r in rows]

    def _sorted(self, table: str, keep: Callable[[Any], bool]) -> list[Any]:
        """The rows of `table` that `keep` keeps, by id, as handed to the core."""
        return self._all(sorted((r for r in self.db.table(table).values() if keep(r)),
                                key=lambda r: r.id))

    def _insert(self, table: str, key: Any, row: Any) -> Any:
        self.tx.put(table, key, row)
        return self._out(row)

    def _delete(self, table: str, key: Any) -> None:
        self.tx.remove(table, key)


class People(_Repo, bulk.PeopleBulk):
    async def by_handle(self, handle: str) -> Person | None:
        return self._out(next((p for p in self.db.people.values() if p.handle == handle), None))

    async def get(self, person_id: int) -> Person | None:
        return self._out(self.db.people.get(person_id))

    async def many(self, ids: Collection[int]) -> list[Person]:
        return self._all(p for i in set(ids) if (p := self.db.people.get(i)) is not None)

    async def active(self, audience: Mapping[str, str] | None = None) -> list[Person]:
        rows = [p for p in self.db.people.values() if p.active]
        for key, value in (audience or {}).items():
            if key in SEGMENTS:
                rows = [p for p in rows if getattr(p, key) == value]
            elif key == "cohort":
                members = {m.person_id for m in self.db.members.values()
                           if m.cohort_id == value and not m.left}
                rows = [p for p in rows if p.id in members]
        return self._all(sorted(rows, key=lambda p: p.id))

    async def count(self) -> int:
        return len(self.db.people)

    async def all(self) -> list[Person]:
        return self._all(sorted(self.db.people.values(), key=lambda p: p.handle))

    async def upsert(self, rows: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
                     ) -> tuple[int, int]:
        added = updated = 0
        names = sorted(p.display_name for p in self.db.people.values())
        for insert, changes in rows:
            person = await self.by_handle(insert["handle"])
            if person is None:
                new = _with_defaults(Person(id=self.db.next_id("people"), **insert))
                self._insert("people", new.id, new)
                added += 1
            else:
                for key, value in changes.items():
                    setattr(person, key, value)
                updated += 1
        if names != sorted(p.display_name for p in self.db.people.values()):
            self._bump_roster()
        return added, updated


class Identities(_Repo, bulk.IdentitiesBulk):
    def _find(self, platform: str, workspace: str, user_id: str) -> Identity | None:
        key = (platform, workspace, user_id)
        return next((i for i in self.db.identities.values()
                     if (i.platform, i.workspace, i.user_id) == key), None)

    async def account(self, platform: str, workspace: str,
                      user_id: str) -> tuple[Person, Identity] | None:
        ident = self._find(platform, workspace, user_id)
        person = self.db.people.get(ident.person_id) if ident else None
        return (self._out(person), self._out(ident)) if ident and person else None

    async def for_person(self, person_id: int) -> list[Identity]:
        return self._all(sorted((i for i in self.db.identities.values()
                                 if i.person_id == person_id), key=lambda i: i.id))

    async def link(self, person_id: int, platform: str, workspace: str, user_id: str,
                   conversation_id: str = "", reference: str = "") -> Identity:
        ident = self._out(self._find(platform, workspace, user_id))
        if ident is None:
            ident = Identity(id=self.db.next_id("identities"), person_id=person_id,
                             platform=platform, workspace=workspace, user_id=user_id,
                             conversation_id=conversation_id, reference=reference)
            return self._insert("identities", ident.id, ident)
        ident.person_id = person_id
        if conversation_id:
            ident.conversation_id = conversation_id
        if reference:
            ident.reference = reference
        return ident

    async def set_routes(self, routes: Sequence[tuple[str, str, str, str, str]]) -> None:
        for platform, workspace, user_id, conversation_id, reference in routes:
            ident = self._out(self._find(platform, workspace, user_id))
            if ident is not None:
                ident.conversation_id = conversation_id or ident.conversation_id
                ident.reference = reference or ident.reference

    async def unlink(self, platform: str, workspace: str, user_id: str) -> None:
        ident = self._find(platform, workspace, user_id)
        if ident is not None:
            self._delete("identities", ident.id)


class Rounds(_Repo):
    async def get(self, round_id: str) -> Round | None:
        return self._out(self.db.rounds.get(round_id))

    async def all(self) -> list[Round]:
        return self._all(sorted(self.db.rounds.values(), key=lambda r: r.id))

    async def lock(self, round_id: str) -> None:  # nothing runs between two awaits here
        pass

    async def with_status(self, *statuses: str) -> list[Round]:
        return [r for r in await self.all() if r.status in statuses]

    async def create(self, rnd: Round, questions: Sequence[Mapping[str, Any]]) -> Round:
        if rnd.id in self.db.rounds:
            raise ValueError(f"round {rnd.id} exists")  # the primary key
        self._insert("rounds", rnd.id, _with_defaults(rnd))
        self.tx.put("questions", rnd.id, [copy.deepcopy(dict(q)) for q in questions])
        return rnd

    async def questions(self, round_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.db.questions.get(round_id, []))

    async def append_questions(self, round_id: str,
                               questions: Sequence[Mapping[str, Any]]) -> None:
        self.tx.put("questions", round_id, [*copy.deepcopy(self.db.questions.get(round_id, [])),
                                            *(copy.deepcopy(dict(q)) for q in questions)])


class Participations(_Repo, bulk.ParticipationsBulk):
    async def get(self, round_id: str, occurrence: str, person_id: int) -> Participation | None:
        return self._out(self.db.participation.get((round_id, occurrence, person_id)))

    async def of(self, round_id: str, occurrence: str,
                 person_ids: Collection[int]) -> dict[int, Participation]:
        return {i: p for i in person_ids if (p := await self.get(round_id, occurrence, i))}

    async def ensure(self, round_id: str, occurrence: str, person_id: int,
                     invited_on: date) -> Participation:
        found = await self.get(round_id, occurrence, person_id)
        if found is not None:
            return found
        row = Participation(id=self.db.next_id("participation"), round_id=round_id,
                            occurrence=occurrence, person_id=person_id, invited_on=invited_on,
                            reminders=0, completed=False)
        return self._insert("participation", (round_id, occurrence, person_id), row)

    async def for_round(self, round_id: str) -> dict[tuple[str, int], Participation]:
        return {(p.occurrence, p.person_id): self._out(p)
                for p in self.db.participation.values() if p.round_id == round_id}

    async def open_for(self, person_id: int) -> list[Participation]:
        rows = [p for p in self.db.participation.values()
                if p.person_id == person_id and not p.completed
                and getattr(self.db.rounds.get(p.round_id), "status", "") == "open"]
        return self._all(sorted(rows, key=lambda p: (p.invited_on, p.id), reverse=True))

    async def counts(self, round_id: str) -> tuple[int, int]:
        rows = [p for p in self.db.participation.values() if p.round_id == round_id]
        return len(rows), sum(1 for p in rows if p.completed)

    async def segment_counts(self, round_id: str) -> dict[tuple[str, str, str], int]:
        ids = {p.person_id for p in self.db.participation.values() if p.round_id == round_id}
        out: dict[tuple[str, str, str], int] = {}
        for pid in ids:
            if (person := self.db.people.get(pid)) is not None:
                combo = (person.branch or "", person.classification or "",
                         person.employment or "")
                out[combo] = out.get(combo, 0) + 1
        return out


class Responses(_Repo):
    async def add(self, round_id: str, occurrence: str,
                  answers: Sequence[tuple[str, str, str | None]], segments: Mapping[str, str],
                  week: str, submission: str | None = None, batch: int = 1) -> None:
        for question_id, value, text in answers:
            row = Response(id=str(uuid.uuid4()), round_id=round_id, occurrence=occurrence,
                           question_id=question_id, value=value, text=text,
                           segments=dict(segments), week=week, submission=submission,
                           batch=batch, theme=None)
            self._insert("responses", row.id, row)

    async def for_round(self, round_id: str) -> list[Response]:
        return self._all(sorted((r for r in self.db.responses.values()
                                 if r.round_id == round_id), key=lambda r: r.id))

    async def rows_for_round(self, round_id: str) -> list[ResponseRow]:
        return [ResponseRow(r.id, r.question_id, r.occurrence, r.value or "", r.text, r.theme,
                            dict(r.segments or {}), r.submission, r.batch, r.theme_code)
                for r in await self.for_round(round_id)]

    async def fingerprint(self, round_id: str) -> tuple[int, int, int, int]:
        rows = [r for r in self.db.responses.values() if r.round_id == round_id]
        return (len(rows), max((r.batch for r in rows), default=0),
                sum(1 for r in rows if r.text is not None),
                sum(1 for r in rows if r.theme is not None))

    async def hold(self, round_id: str, occurrence: str,
                   answers: Sequence[tuple[str, str, str | None]], segments: Mapping[str, str],
                   week: str, counted: bool = True, author: str | None = None,
                   sealed: str | None = None) -> None:
        row = HeldSubmission(id=str(uuid.uuid4()), round_id=round_id, occurrence=occurrence,
                             answers={"sealed": sealed} if sealed else [list(a) for a in answers],
                             segments={} if sealed else dict(segments),
                             week=week, counted=counted, author=author)
        self._insert("held", row.id, row)

    async def held_rounds(self) -> set[str]:
        return {h.round_id for h in self.db.held.values()}

    async def held_for(self, round_id: str) -> list[HeldSubmission]:
        return self._all(h for h in self.db.held.values() if h.round_id == round_id)

    async def reseal(self, round_ids: Collection[str]) -> None:  # no transaction ids here
        pass

    async def next_batch(self, round_id: str) -> int:
        return max((r.batch for r in self.db.responses.values() if r.round_id == round_id),
                   default=0) + 1

    async def release(self, held: Sequence[tuple[HeldSubmission, str, str | None]],
                      batch: int, opened: Mapping[str, Opened] | None = None) -> None:
        rows = list(held)
        random.shuffle(rows)
        for h, occurrence, submission in rows:
            answers, segments = (opened or {}).get(h.id) or (h.answers, h.segments)
            await self.add(h.round_id, occurrence, [tuple(a) for a in answers],  # type: ignore[misc]
                           segments, h.week, submission=submission, batch=batch)
            self._delete("held", h.id)


class Views(_Repo):
    async def shown(self, round_id: str) -> list[tuple[str, str, str, int]]:
        return [(seg, val, item, batch) for (rid, seg, val, item, batch) in self.db.views
                if rid == round_id]

    async def record(self, round_id: str, segment: str, value: str, item: str,
                     batch: int) -> None:
        self.tx.put("views", (round_id, segment, value[:100], item[:80], batch), True)


class Marks(_Repo, bulk.MarksBulk):
    async def add_once(self, key: str, round_id: str, kind: str) -> bool:
        if key in self.db.marks:
            return False
        self.tx.put("marks", key, (round_id, kind))
        return True

    async def has(self, key: str) -> bool:
        return key in self.db.marks

    async def having(self, keys: Collection[str]) -> set[str]:
        return {k for k in keys if k in self.db.marks}

    async def keys(self, round_id: str, kind: str) -> set[str]:
        return {k for k, v in self.db.marks.items() if v == (round_id, kind)}

    async def rounds(self, kind: str) -> set[str]:
        return {rid for rid, k in self.db.marks.values() if k == kind}

    async def reseal(self, round_ids: Collection[str]) -> None:  # no transaction ids here
        pass

    async def delete(self, round_id: str, kind: str, keys: Iterable[str] | None = None) -> None:
        chosen = None if keys is None else set(keys)
        for key in [k for k, v in self.db.marks.items() if v == (round_id, kind)]:
            if chosen is None or key in chosen:
                self._delete("marks", key)


class States(_Repo, bulk.StatesBulk):
    async def get(self, person_id: int) -> ConversationState | None:
        return self._out(self.db.states.get(person_id))

    async def put(self, person_id: int, flow: str, data: Mapping[str, Any],
                  now: datetime) -> None:
        state = await self.get(person_id)
        if state is None:
            self._insert("states", person_id, ConversationState(
                person_id=person_id, flow=flow, data=copy.deepcopy(dict(data)), updated_at=now))
        else:
            state.flow, state.data, state.updated_at = flow, copy.deepcopy(dict(data)), now

    async def clear(self, person_id: int) -> None:
        self._delete("states", person_id)

    async def in_flow(self, flow: str) -> list[ConversationState]:
        return self._all(s for s in self.db.states.values() if s.flow == flow)


class Enrolments(_Repo, bulk.EnrolmentsBulk):
    async def get(self, person_id: int, track_id: str) -> Enrolment | None:
        found = self._sorted("enrolments", lambda e: (e.person_id, e.track_id)
                             == (person_id, track_id))
        return found[0] if found else None

    async def for_person(self, person_id: int) -> list[Enrolment]:
        return self._sorted("enrolments", lambda e: e.person_id == person_id)

    async def for_track(self, track_id: str) -> list[Enrolment]:
        return self._sorted("enrolments", lambda e: e.track_id == track_id)

    async def active(self) -> list[tuple[Enrolment, Person]]:
        rows = [(e, self.db.people[e.person_id]) for e in self.db.enrolments.values()
                if e.status == "active" and self.db.people[e.person_id].active]
        rows.sort(key=lambda pair: (pair[0].person_id, pair[0].id))
        return [(self._out(e), self._out(p)) for e, p in rows]

    async def enrol(self, person_id: int, track_id: str, today: date,
                    source: str) -> tuple[Enrolment, bool]:
        found = await self.get(person_id, track_id)
        if found is not None:
            if found.status == "active":
                return found, False
            if found.status == "stopped":
                found.status = "active"
                return found, True
            return found, False
        e = Enrolment(id=self.db.next_id("enrolments"), person_id=person_id, track_id=track_id,
                      status="active", enrolled_on=today, source=source, sent=[], done=[],
                      skipped=[], last_sent_on=None, snoozed_until=None)
        return self._insert("enrolments", e.id, e), True


class Mentorship(_Repo, bulk.MentorshipBulk):
    async def programme(self, programme_id: str) -> MentorProgramme | None:
        return self._out(self.db.programmes.get(programme_id))

    async def add_programme(self, programme_id: str, title: str, lead_id: int | None,
                            definition: dict[str, Any]) -> MentorProgramme:
        return self._insert("programmes", programme_id, MentorProgramme(
            id=programme_id, title=title, lead_id=lead_id, definition=definition))

    async def cohort(self, cohort_id: str) -> MentorCohort | None:
        return self._out(self.db.cohorts.get(cohort_id))

    async def add_cohort(self, cohort_id: str, programme_id: str, start_on: date,
                         weeks: int) -> MentorCohort:
        return self._insert("cohorts", cohort_id, MentorCohort(
            id=cohort_id, programme_id=programme_id, start_on=start_on, weeks=weeks,
            status="open"))

    async def cohorts(self, *statuses: str) -> list[MentorCohort]:
        rows = sorted(self.db.cohorts.values(), key=lambda c: c.id)
        return self._all(c for c in rows if not statuses or c.status in statuses)

    async def members(self, cohort_id: str) -> list[MentorMember]:
        return self._sorted("members", lambda m: m.cohort_id == cohort_id)

    async def memberships(self, person_id: int) -> list[MentorMember]:
        return self._sorted("members", lambda m: m.person_id == person_id)

    async def member(self, cohort_id: str, person_id: int) -> MentorMember | None:
        return next(iter(self._sorted("members", lambda m: (m.cohort_id, m.person_id)
                                      == (cohort_id, person_id))), None)

    async def add_member(self, cohort_id: str, person_id: int, role: str) -> MentorMember:
        row = MentorMember(id=self.db.next_id("members"), cohort_id=cohort_id,
                           person_id=person_id, role=role, goals="", availability="",
                           manager="", priority="", prefers="", paused=False, left=False)
        return self._insert("members", row.id, row)

    async def pairs(self, cohort_id: str | None = None, *statuses: str) -> list[MentorPair]:
        return self._sorted("pairs", lambda p: (cohort_id is None or p.cohort_id == cohort_id)
                            and (not statuses or p.status in statuses))

    async def pair(self, pair_id: int) -> MentorPair | None:
        return self._out(self.db.pairs.get(pair_id))

    async def pairs_of(self, person_id: int) -> list[MentorPair]:
        return self._sorted("pairs", lambda p: person_id in (p.mentee_id, p.mentor_id))

    async def pairs_for_liaison(self, person_id: int) -> list[MentorPair]:
        return self._sorted("pairs", lambda p: p.liaison_id == person_id)

    async def add_pair(self, cohort_id: str, mentee_id: int, mentor_id: int,
                       liaison_id: int | None, status: str,
                       started_on: date | None = None) -> MentorPair:
        row = MentorPair(id=self.db.next_id("pairs"), cohort_id=cohort_id, mentee_id=mentee_id,
                         mentor_id=mentor_id, liaison_id=liaison_id, status=status,
                         started_on=started_on)
        return self._insert("pairs", row.id, row)

    async def delete_pair(self, pair: MentorPair) -> None:
        self._delete("pairs", pair.id)
        for c in [c for c in self.db.checkins.values() if c.pair_id == pair.id]:
            self._delete("checkins", c.id)  # ON DELETE CASCADE

    async def checkin(self, checkin_id: int) -> MentorCheckin | None:
        return self._out(self.db.checkins.get(checkin_id))

    async def checkin_for(self, pair_id: int, person_id: int,
                          occurrence: str) -> MentorCheckin | None:
        found = self._sorted("checkins", lambda c: (c.pair_id, c.person_id, c.occurrence)
                             == (pair_id, person_id, occurrence))
        return found[0] if found else None

    async def checkins(self, pair_ids: list[int]) -> list[MentorCheckin]:
        wanted = set(pair_ids)
        return self._all(sorted((c for c in self.db.checkins.values() if c.pair_id in wanted),
                                key=lambda c: (c.occurrence, c.id)))

    async def add_checkin(self, pair_id: int, person_id: int, occurrence: str,
                          closes_on: date) -> MentorCheckin:
        row = MentorCheckin(id=self.db.next_id("checkins"), pair_id=pair_id,
                            person_id=person_id, occurrence=occurrence, closes_on=closes_on,
                            met=None, usefulness=None, topic="", help="", note="", done=False,
                            answered_at=None)
        return self._insert("checkins", row.id, row)

    async def shown_stats(self, cohort_id: str) -> list[MentorShownStats]:
        return self._sorted("shown_stats", lambda s: s.cohort_id == cohort_id)

    async def record_shown(self, cohort_id: str, shown_on: date, checkins: list[int]) -> None:
        row = MentorShownStats(id=self.db.next_id("shown_stats"), cohort_id=cohort_id,
                               shown_on=shown_on, checkins=sorted(checkins))
        self._insert("shown_stats", row.id, row)


class FakeUnitOfWork:
    """One transaction over a FakeDatabase: `async with FakeUnitOfWork(db) as tx: ...`."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.people, self.identities, self.rounds = People(self), Identities(self), Rounds(self)
        self.participation, self.responses = Participations(self), Responses(self)
        self.states, self.outbox, self.views, self.marks = (States(self), Outbox(self),
                                                            Views(self), Marks(self))
        self.enrolments, self.mentorship = Enrolments(self), Mentorship(self)
        self.heartbeats = bulk.Heartbeats(self)
        self.commitments, self.sharebacks = Commitments(self), ShareBacks(self)

    def touch(self, row: Any) -> None:
        """`row` is handed to the core: keep its state, to restore it on rollback."""
        if id(row) not in self._touched:
            self._touched[id(row)] = (row, _state(row))

    def put(self, table: str, key: Any, row: Any) -> None:
        rows = self.db.table(table)
        before = rows.get(key, _MISSING)
        rows[key] = row
        self._undo.append((table, key, before))

    def remove(self, table: str, key: Any) -> None:
        rows = self.db.table(table)
        if key in rows:
            self._undo.append((table, key, rows.pop(key)))

    def _begin(self) -> None:
        self._undo: list[tuple[str, Any, Any]] = []
        self._touched: dict[int, tuple[Any, dict[str, Any]]] = {}

    async def __aenter__(self) -> FakeUnitOfWork:
        self._begin()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        """Undo what was not committed: rows added or removed, attributes changed."""
        for table, key, before in reversed(self._undo):
            rows = self.db.table(table)
            if before is _MISSING:
                rows.pop(key, None)
            else:
                rows[key] = before
        for row, state in self._touched.values():
            for key, value in state.items():
                if getattr(row, key, _MISSING) != value:
                    setattr(row, key, value)
        self._begin()

    async def commit(self) -> None:
        """Keep everything so far; what follows in this block is a new transaction."""
        touched = [row for row, _ in self._touched.values()]
        self._begin()
        for row in touched:
            self.touch(row)


def fake_storage(db: FakeDatabase | None = None
                 ) -> tuple[FakeDatabase, Callable[[], FakeUnitOfWork]]:
    """A database and the unit-of-work factory to hand to bot.bootstrap.compose."""
    shared = db or FakeDatabase()
    return shared, lambda: FakeUnitOfWork(shared)
