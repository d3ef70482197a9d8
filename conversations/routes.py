"""Where to reach a person, and who is behind an address.

Platforms are tried in the order the composition root gives (Slack, Teams, then the console).
A platform listed in `by_handle` (the console) addresses people by their roster handle, so it
needs no stored identity: the composition root says how such an address looks."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from conversations.events import Address
from conversations.ports import UnitOfWork
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
        return self.choose(person, await tx.identities.for_person(person.id), platforms)

    def choose(self, person: Person, identities: Iterable[Identity],
               platforms: Collection[str]) -> Address | None:
        """`route` from the person's identities, already loaded (the delivery worker loads
        a whole batch's at once)."""
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
        person = await tx.identities.person_for(address.platform, address.workspace,
                                                address.user)
        if person is None and self.uses_handles(address.platform):
            person = await tx.people.by_handle(address.user)
        if person is not None and not person.active:
            return None
        return person
