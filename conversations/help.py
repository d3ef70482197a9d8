"""What a person can do (`/help`) and what happens to their answers (`/privacy`)."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.events import ButtonPressed
from conversations.messages import Message
from conversations.ports import UnitOfWork
from storage.models import Person

PRIVACY = "privacy"  # the action of every "What happens to my answers?" button


class Help:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def help(self, person: Person) -> Message:
        """What this person can do: staff commands, then chairs' and admins' if they are."""
        cat, loc = self.deps.catalog, person.locale
        parts = [cat.text(loc, "help.staff")]
        r = roles(person)
        if "chair" in r or "admin" in r:
            parts.append(cat.text(loc, "help.chair"))
        if "admin" in r:
            parts.append(cat.text(loc, "help.admin"))
        return Message("\n".join(parts), private=True)

    def privacy(self, person: Person) -> Message:
        """The privacy promise, with the thresholds in force."""
        p = self.deps.policy
        return self.deps.reply(person, "privacy", k=p.k_responses, k_comments=p.k_comments)

    async def help_command(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        return [self.help(person)]

    async def privacy_command(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        return [self.privacy(person)]

    async def privacy_button(self, tx: UnitOfWork, person: Person,
                             event: ButtonPressed) -> list[Message]:
        return [self.privacy(person)]
