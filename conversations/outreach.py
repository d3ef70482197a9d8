"""Turning claimed outbox rows into the messages for their people, through the renderers the
composition root registered for each row's kind (conversations.registry): one row at a time,
or a whole batch of the delivery worker at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from conversations.messages import Message
from conversations.ports import NotYet, UnitOfWork
from conversations.registry import ManyRenderer, Rendered, Renderer
from storage.models import Claimed, Person

Delivery = tuple[Person, list[Message]]


class Outreach:
    """Renders outbox rows; None when a row no longer applies (its person left, its survey
    closed, its step was removed ...). An empty list: the row is settled with nothing to send
    (a reminder to someone who has finished), and must end like a delivered row."""

    def __init__(self, renderers: Mapping[str, Renderer],
                 many: Mapping[str, ManyRenderer] | None = None) -> None:
        self.renderers = renderers
        self.many = many or {}

    async def render(self, tx: UnitOfWork, row: Claimed) -> Delivery | None:
        person = await tx.people.get(row.person_id)
        if person is None or not person.active:
            return None
        renderer = self.renderers.get(row.kind)
        if renderer is None:
            return None
        messages = await renderer(tx, person, row.kind, row.payload)
        return None if messages is None else (person, list(messages))

    async def render_many(self, tx: UnitOfWork,
                          rows: Sequence[Claimed]) -> list[Delivery | None | NotYet]:
        """`render` for many rows in one transaction, a result per row in order: the people in
        one query, and each kind's rows through its many-row renderer when it has one. A row
        that must wait gets its NotYet, one settled with nothing to send its person and an
        empty list; any other error is raised (the caller can then render the rows one by one,
        to find the one at fault)."""
        people = {p.id: p for p in await tx.people.many({r.person_id for r in rows})}
        kinds: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            person = people.get(row.person_id)
            if person is not None and person.active:
                kinds.setdefault(row.kind, []).append(i)
        out: list[Delivery | None | NotYet] = [None] * len(rows)
        for kind, index in kinds.items():
            items = [(people[rows[i].person_id], kind, rows[i].payload) for i in index]
            results: list[Rendered] = []
            many = self.many.get(kind)
            if many is not None:
                results = await many(tx, items)
            elif (renderer := self.renderers.get(kind)) is not None:
                for person, _, payload in items:
                    try:
                        results.append(await renderer(tx, person, kind, payload))
                    except NotYet as exc:
                        results.append(exc)
            for i, result in zip(index, results, strict=False):
                if isinstance(result, NotYet):
                    out[i] = result
                elif result is not None:  # [] too: settled with nothing to send
                    out[i] = (people[rows[i].person_id], list(result))
        return out
