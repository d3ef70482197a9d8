"""Who is invited to what, until when: whether someone finished (a keyed-hash mark while their
answers are held), the survey open for them, the invitation and reminder messages the outbox
delivers, and the home tab's line about it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from conversations.context import Deps
from conversations.keyed import done_mark
from conversations.messages import Button, Message
from conversations.ports import NotYet, UnitOfWork
from conversations.pulse.draft import Draft
from conversations.pulse.render import START, invitation
from conversations.registry import Rendered
from conversations.schedule import closes_on, schedule_of
from storage.models import Person, Round


class Invitations:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def until(self, rnd: Round, occurrence: str) -> date:
        """The last day answers to this occurrence are accepted (never after the round's
        closing date, when it has one)."""
        last = closes_on(date.fromisoformat(occurrence), schedule_of(rnd.schedule))
        return min(last, rnd.closes_on) if rnd.closes_on else last

    async def finished(self, tx: UnitOfWork, round_id: str, occurrence: str,
                       person: Person) -> bool:
        """Finished: marked complete, or finished and waiting for a release batch."""
        part = await tx.participation.get(round_id, occurrence, person.id)
        if part is not None and part.completed:
            return True
        return await tx.marks.has(done_mark(self.deps.keyed, round_id, occurrence, person.id))

    async def open_for(self, tx: UnitOfWork, person: Person) -> tuple[Round, str] | None:
        """The newest open round this person was invited to and has not finished."""
        for part in await tx.participation.open_for(person.id):
            rnd = await tx.rounds.get(part.round_id)
            if rnd is None:
                continue
            if await tx.marks.has(done_mark(self.deps.keyed, part.round_id, part.occurrence,
                                            person.id)):
                continue
            if self.deps.today(person) <= self.until(rnd, part.occurrence):
                return rnd, part.occurrence
        return None

    async def expired(self, tx: UnitOfWork, person: Person, draft: Draft) -> bool:
        """True (and the draft deleted) if the round closed or the answer window passed."""
        rnd = await tx.rounds.get(draft.round_id)
        if (
            rnd is not None
            and rnd.status != "closed"
            and self.deps.today(person) <= date.fromisoformat(draft.until)
        ):
            return False
        await tx.states.clear(person.id)
        return True

    async def render(self, tx: UnitOfWork, person: Person, kind: str,
                     payload: Mapping[str, Any]) -> list[Message] | None:
        """A planned invitation (`pulse.invite`) or reminder (`pulse.reminder`), or None if it
        no longer applies. A paused round's messages wait (NotYet) until it resumes.

        Someone who has finished gets no message, but their row is settled like a delivered
        one (an empty list, not None): a row left "no longer due" only for the people who
        finished would tell a database reader who they are while their answers are held.
        So every check that treats everyone alike comes first."""
        result = (await self.render_many(tx, [(person, kind, payload)]))[0]
        if isinstance(result, NotYet):
            raise result
        return result

    async def render_many(self, tx: UnitOfWork,
                          items: Sequence[tuple[Person, str, Mapping[str, Any]]]) -> list[Rendered]:
        """`render` for many rows (the delivery worker's batches): a few queries per round and
        occurrence instead of several per person. A paused round's rows get NotYet; a finisher's
        an empty list, as in `render`."""
        out: list[Rendered] = [None] * len(items)
        groups: dict[tuple[str, str], list[int]] = {}
        for i, (_, _, payload) in enumerate(items):
            key = (str(payload.get("round", "")), str(payload.get("occurrence", "")))
            groups.setdefault(key, []).append(i)
        for (round_id, occ), rows in groups.items():
            rnd = await tx.rounds.get(round_id)
            if rnd is not None and rnd.status == "paused":
                for i in rows:  # delivered after /pulse resume, if still due
                    out[i] = NotYet("round paused")
                continue
            if rnd is None or rnd.status != "open":
                continue
            people = {items[i][0].id: items[i][0] for i in rows}
            parts = await tx.participation.of(rnd.id, occ, list(people))
            marks = {pid: done_mark(self.deps.keyed, rnd.id, occ, pid) for pid in people}
            done = await tx.marks.having(list(marks.values()))
            until = self.until(rnd, occ)
            count = len(await tx.rounds.questions(rnd.id))
            for i in rows:
                person, kind, _ = items[i]
                part = parts.get(person.id)
                if part is None or self.deps.today(person) > until:
                    continue  # not invited, or too late: no longer due
                if part.completed or marks[person.id] in done:
                    out[i] = []  # finished (marked complete, or answers held): settled silently
                    continue
                out[i] = [invitation(self.deps.catalog, person, rnd, occ, until.isoformat(),
                                     count, reminder=kind != "pulse.invite")]
        return out

    async def home(self, tx: UnitOfWork, person: Person) -> list[Message]:
        """The home tab's survey line: the open survey with its Start button, or nothing."""
        found = await self.open_for(tx, person)
        if found is None:
            return [Message(self.deps.text(person, "home.nothing_open"))]
        rnd, occ = found
        loc = person.locale
        title = str(rnd.title.get(loc) or rnd.title.get("en"))
        start = Button(self.deps.text(person, "pulse.button.start"), START, f"{rnd.id}|{occ}",
                       "primary")
        return [Message(self.deps.text(person, "home.open_round", title=title, until=occ),
                        (start,), key=f"home:{rnd.id}:{occ}")]

