"""Where to reach a person, and who is behind an address.

Platforms are tried in the order the composition root gives (Slack, Teams, then the console).
A platform listed in `by_handle` (the console) addresses people by their roster handle, so it
needs no stored identity: the composition root says how such an address looks."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from conversations.events import Address
from conversations.ports import Reachable, UnitOfWork
from storage.models import Identity, Person


@dataclass(frozen=True)
class Reach:
    """The platforms people are reached on, in order of preference."""

    order: tuple[str, ...] = ("slack", "teams")
    by_handle: Mapping[str, Callable[[str], Address]] = field(default_factory=dict)

    def uses_handles(self, platform: str) -> bool:
        """User ids on this platform are roster handles (no stored identity, no route)."""
        return platform in self.by_handle

    async def route(self, tx: UnitOfWork, person: Person,
                    platforms: Collection[str]) -> Address | None:
        """Where to reach a person proactively: the first of `platforms`, in order, where
        they have a route; None when there is none."""
        return self._first(person, await tx.identities.for_person(person.id), platforms)

    async def routes(self, tx: UnitOfWork, people: Sequence[Person],
                     platforms: Collection[str]) -> dict[int, Address]:
        """`route` for many people in one query: person id -> address, for those who have
        one."""
        if not people:
            return {}
        idents: Mapping[int, list[Identity]] = {}
        if any(p in platforms and p not in self.by_handle for p in self.order):
            idents = await tx.identities.for_people(p.id for p in people)
        out = {}
        for person in people:
            address = self._first(person, idents.get(person.id, []), platforms)
            if address is not None:
                out[person.id] = address
        return out

    def reachable(self, platforms: Collection[str]) -> Reachable:
        """Which identities make someone reachable on `platforms`: None when anyone is (a
        platform that addresses people by handle is among them)."""
        usable = [p for p in self.order if p in platforms]
        if any(p in self.by_handle for p in usable):
            return None
        return usable

    def _first(self, person: Person, identities: Sequence[Identity],
               platforms: Collection[str]) -> Address | None:
        idents = {i.platform: i for i in identities}
        for platform in self.order:
            if platform not in platforms:
                continue
            if platform in self.by_handle:
                return self.by_handle[platform](person.handle)
            ident = idents.get(platform)
            if ident is not None and (ident.conversation_id or ident.reference or ident.user_id):
                return Address(platform, ident.workspace, ident.user_id, ident.conversation_id,
                               ident.reference, direct=True)
        return None

    async def identify(self, tx: UnitOfWork, address: Address) -> Person | None:
        """The active roster person behind an address, or None."""
        return (await self.identified(tx, address))[0]

    async def identified(self, tx: UnitOfWork,
                         address: Address) -> tuple[Person | None, Identity | None]:
        """`identify`, with the account's stored link when the person was found by it (None
        for a console handle)."""
        person: Person | None = None
        found = await tx.identities.account(address.platform, address.workspace, address.user)
        ident = None
        if found is not None:
            person, ident = found
        elif self.uses_handles(address.platform):
            person = await tx.people.by_handle(address.user)
        if person is not None and not person.active:
            return None, None
        return person, ident
