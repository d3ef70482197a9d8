"""Turning a claimed outbox row into the messages for its person, through the renderer the
composition root registered for the row's kind (conversations.registry)."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.registry import Renderer
from storage.models import Claimed, Person


class Outreach:
    """Renders outbox rows; None when a row no longer applies (its person left, its survey
    closed, its step was removed ...). An empty list: the row is settled with nothing to send
    (a reminder to someone who has finished), and must end like a delivered row."""

    def __init__(self, renderers: Mapping[str, Renderer]) -> None:
        self.renderers = renderers

    async def render(self, tx: UnitOfWork, row: Claimed) -> tuple[Person, list[Message]] | None:
        person = await tx.people.get(row.person_id)
        if person is None or not person.active:
            return None
        renderer = self.renderers.get(row.kind)
        if renderer is None:
            return None
        messages = await renderer(tx, person, row.kind, row.payload)
        return None if messages is None else (person, list(messages))
