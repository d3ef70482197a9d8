"""What every flow is handed by the composition root: storage, clock, content, policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conversations.events import Address
from conversations.keyed import KeyedHash
from conversations.ports import Clock, Scrub, UnitOfWork
from prompts.loader import Catalog, RoundTemplate, Track
from storage.models import Person


@dataclass(frozen=True)
class Policy:
    """Organisation-wide settings the core applies."""

    k_responses: int = 5
    k_comments: int = 10
    quiet_hours: str = ""
    default_timezone: str = "UTC"
    max_answer_chars: int = 4000
    organisation: str = "your organisation"


@dataclass(frozen=True)
class Deps:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    catalog: Catalog
    templates: Mapping[str, RoundTemplate]
    policy: Policy
    scrub: Scrub
    keyed: KeyedHash
    themer: Any = None  # storage.themes.Themer
    tracks: Mapping[str, Track] = field(default_factory=dict)
    codebook: Any = None  # storage.themes.Codebook | None


async def identify(tx: UnitOfWork, address: Address) -> Person | None:
    """The roster person behind an address. The console's user id is the roster handle."""
    person = await tx.identities.person_for(address.platform, address.workspace, address.user)
    if person is None and address.platform == "console":
        person = await tx.people.by_handle(address.user)
    if person is not None and not person.active:
        return None
    return person


def roles(person: Person) -> frozenset[str]:
    return frozenset(r for r in person.roles.split(";") if r)
