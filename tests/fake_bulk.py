"""The in-memory storage's bulk queries (the clock's planners, directory sync, roster import,
heartbeats): mixed into the repositories of tests/fakes.py, with the same meaning as the SQL
ones (tests/test_repositories.py holds both to one contract)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from storage.learning_models import Enrolment
from storage.models import (
    SEGMENTS,
    ConversationState,
    Identity,
    OutboxRow,
    Participation,
    Person,
    Planned,
)

Account = tuple[str, str, str]


def _with_defaults(row: Any) -> Any:
    """Fill what a database would: column defaults for attributes left unset."""
    for col in type(row).__table__.columns:
        if getattr(row, col.key, None) is None and col.default is not None:
            arg = col.default.arg
            setattr(row, col.key, arg(None) if callable(arg) else arg)
    return row


def _state(row: Any) -> dict[str, Any]:
    """A record's attributes (to restore on rollback)."""
    return {k: copy.deepcopy(v) for k, v in vars(row).items() if not k.startswith("_sa_")}


class _Base:
    """What the mixins use of tests.fakes._Repo (which comes first in every repository)."""

    db: Any
    tx: Any

    def _out(self, row: Any) -> Any:
        raise NotImplementedError

    def _insert(self, table: str, key: Any, row: Any) -> Any:
        raise NotImplementedError

    def _delete(self, table: str, key: Any) -> None:
        raise NotImplementedError

    def _reaches(self, person: Person, audience: Mapping[str, str] | None,
                 zones: Collection[str] | None, reachable: Collection[str] | None) -> bool:
        """Active, in the audience, in one of `zones`, with an identity on `reachable`."""
        if not person.active or (zones is not None and person.timezone not in zones):
            return False
        for key, value in (audience or {}).items():
            if key in SEGMENTS and getattr(person, key) != value:
                return False
            if key == "cohort" and not any(
                    m.person_id == person.id and m.cohort_id == value and not m.left
                    for m in self.db.members.values()):
                return False
        return reachable is None or any(
            i.person_id == person.id and i.platform in reachable
            for i in self.db.identities.values())


class PeopleBulk(_Base):
    def _bump_roster(self) -> None:
        self.tx.put("revisions", "roster", self.db.revisions.get("roster", 0) + 1)

    async def update_many(self, changes: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        for pid, values in changes:
            person = self._out(self.db.people[pid])
            for key, value in values.items():
                setattr(person, key, value)

    async def emails(self) -> dict[str, str]:
        return {p.handle: (p.email or "").lower() for p in self.db.people.values()}

    async def names(self) -> list[str]:
        return [p.display_name for p in self.db.people.values()]

    async def revision(self) -> int:
        return int(self.db.revisions.get("roster", 0))

    async def get_many(self, ids: Iterable[int]) -> dict[int, Person]:
        return {i: self._out(self.db.people[i]) for i in set(ids) if i in self.db.people}

    async def by_emails(self, emails: Iterable[str]) -> dict[str, Person]:
        wanted = {e.lower() for e in emails if e}
        out: dict[str, Person] = {}
        for p in sorted(self.db.people.values(), key=lambda p: p.id):
            if p.email and p.email.lower() in wanted:
                out.setdefault(p.email.lower(), self._out(p))
        return out

    async def zones(self) -> set[str]:
        return {p.timezone for p in self.db.people.values() if p.active}

    async def to_invite(self, round_id: str, occurrence: str, zones: Collection[str],
                        audience: Mapping[str, str], reachable: Collection[str] | None
                        ) -> list[Person]:
        rows = [p for p in self.db.people.values()
                if self._reaches(p, audience, zones, reachable)
                and (round_id, occurrence, p.id) not in self.db.participation]
        return [self._out(p) for p in sorted(rows, key=lambda p: p.id)]


class IdentitiesBulk(_Base):
    async def for_people(self, ids: Iterable[int]) -> dict[int, list[Identity]]:
        wanted = set(ids)
        out: dict[int, list[Identity]] = {}
        for i in sorted(self.db.identities.values(), key=lambda i: i.id):
            if i.person_id in wanted:
                out.setdefault(i.person_id, []).append(self._out(i))
        return out

    async def people_for(self, accounts: Iterable[Account]) -> dict[Account, Person]:
        wanted = set(accounts)
        return {(i.platform, i.workspace, i.user_id): self._out(self.db.people[i.person_id])
                for i in self.db.identities.values()
                if (i.platform, i.workspace, i.user_id) in wanted}

    async def link_many(self, links: Sequence[tuple[int, Account, str, str]]) -> None:
        for person_id, (platform, workspace, user_id), conversation, reference in links:
            await self.link(person_id, platform, workspace, user_id, conversation, reference)

    async def link(self, person_id: int, platform: str, workspace: str, user_id: str,
                   conversation_id: str = "", reference: str = "") -> Identity:
        raise NotImplementedError  # tests.fakes.Identities.link

    async def unlink_many(self, accounts: Iterable[Account]) -> None:
        wanted = set(accounts)
        for key in [k for k, i in self.db.identities.items()
                    if (i.platform, i.workspace, i.user_id) in wanted]:
            self._delete("identities", key)


class ParticipationsBulk(_Base):
    async def ensure_many(self, round_id: str, occurrence: str, person_ids: Sequence[int],
                          invited_on: date) -> None:
        for pid in sorted(set(person_ids)):
            if (round_id, occurrence, pid) not in self.db.participation:
                row = Participation(id=self.db.next_id("participation"), round_id=round_id,
                                    occurrence=occurrence, person_id=pid,
                                    invited_on=invited_on, reminders=0, completed=False)
                self._insert("participation", (round_id, occurrence, pid), row)

    async def to_remind(self, round_id: str, occurrence: str, zones: Collection[str],
                        audience: Mapping[str, str], reachable: Collection[str] | None,
                        below: int) -> list[Participation]:
        rows = [p for (rid, occ, pid), p in self.db.participation.items()
                if (rid, occ) == (round_id, occurrence) and not p.completed
                and p.reminders < below
                and self._reaches(self.db.people[pid], audience, zones, reachable)]
        return [self._out(p) for p in sorted(rows, key=lambda p: p.person_id)]

    async def remind(self, ids: Sequence[int], number: int) -> None:
        wanted = set(ids)
        for p in self.db.participation.values():
            if p.id in wanted and p.reminders < number:
                self._out(p).reminders = number


class MarksBulk(_Base):
    async def present(self, keys: Iterable[str]) -> set[str]:
        return {k for k in keys if k in self.db.marks}


class StatesBulk(_Base):
    async def for_people(self, ids: Iterable[int]) -> dict[int, ConversationState]:
        return {i: self._out(self.db.states[i]) for i in set(ids) if i in self.db.states}


class OutboxBulk(_Base):
    async def enqueue_many(self, rows: Sequence[Planned]) -> set[str]:
        taken = {r.key for r in self.db.outbox.values()}
        inserted: set[str] = set()
        for r in rows:
            if r.key in taken:
                continue
            row = OutboxRow(id=self.db.next_id("outbox"), key=r.key, person_id=r.person_id,
                            kind=r.kind, payload=copy.deepcopy(dict(r.payload)),
                            due_at=r.due_at, status="pending", attempts=0, last_error="",
                            lease_until=None, sent_at=None)
            self._insert("outbox", row.id, row)
            taken.add(r.key)
            inserted.add(r.key)
        return inserted

    async def recent_for(self, person_ids: Iterable[int], since: datetime) -> list[OutboxRow]:
        wanted = set(person_ids)
        return [self._out(r) for r in sorted(self.db.outbox.values(), key=lambda r: r.id)
                if r.person_id in wanted and r.due_at >= since]


class EnrolmentsBulk(_Base):
    async def due(self, track_ids: Collection[str], zones: Collection[str], today: date,
                  cutoff: date, reachable: Collection[str] | None,
                  quiet_kinds: Sequence[str] = (),
                  quiet_since: Mapping[str, datetime] | None = None
                  ) -> list[tuple[Enrolment, Person]]:
        sent_today = {e.person_id for e in self.db.enrolments.values()
                      if e.last_sent_on == today}
        for r in self.db.outbox.values() if quiet_kinds and quiet_since else ():
            since = quiet_since.get(self.db.people[r.person_id].timezone)  # type: ignore[union-attr]
            if since is not None and r.due_at >= since and r.kind.startswith(tuple(quiet_kinds)):
                sent_today.add(r.person_id)
        rows = []
        for e in self.db.enrolments.values():
            person = self.db.people[e.person_id]
            if (e.status != "active" or e.track_id not in track_ids
                    or e.person_id in sent_today
                    or not self._reaches(person, None, zones, reachable)):
                continue
            if e.snoozed_until is not None:
                ok = e.snoozed_until <= today
            else:
                ok = e.last_sent_on is None or e.last_sent_on <= cutoff
            if ok:
                rows.append((e, person))
        rows.sort(key=lambda pair: (pair[0].person_id, pair[0].id))
        return [(self._out(e), self._out(p)) for e, p in rows]


class MentorshipBulk(_Base):
    async def add_checkins(self, rows: Sequence[tuple[int, int, str, date]]) -> None:
        for pair, person, occ, closes in rows:
            if await self.checkin_for(pair, person, occ) is None:
                await self.add_checkin(pair, person, occ, closes)

    async def checkin_for(self, pair_id: int, person_id: int, occurrence: str) -> Any:
        raise NotImplementedError  # tests.fakes.Mentorship.checkin_for

    async def add_checkin(self, pair_id: int, person_id: int, occurrence: str,
                          closes_on: date) -> Any:
        raise NotImplementedError  # tests.fakes.Mentorship.add_checkin


class Heartbeats:
    """Process heartbeats (nothing is handed out to change, so nothing to restore)."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx
        self.db = tx.db

    async def beat(self, role: str, process: str, at: datetime) -> None:
        self.tx.put("heartbeats", (role, process[:200]), at)
        for (r, proc), when in list(self.db.heartbeats.items()):
            if r == role and when < at - timedelta(days=1):
                self.tx.remove("heartbeats", (r, proc))

    async def latest(self) -> dict[str, tuple[str, datetime]]:
        out: dict[str, tuple[str, datetime]] = {}
        for (role, process), at in sorted(self.db.heartbeats.items(), key=lambda kv: kv[1]):
            out[role] = (process, at)
        return out
