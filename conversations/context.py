"""What every flow is handed by the composition root: storage, clock, content, policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from conversations.keyed import KeyedHash
from conversations.messages import Message
from conversations.ports import Clock, Scrub, Themer, UnitOfWork
from conversations.routes import Reach
from conversations.schedule import today
from prompts.content import Content
from prompts.loader import Catalog, RoundTemplate, Track
from storage.models import Person

# OUTWARD_ORGANISATION unset: readers see "your organisation" in their own language
DEFAULT_ORGANISATION = "your organisation"


@dataclass(frozen=True)
class Policy:
    """Organisation-wide settings the core applies."""

    k_responses: int = 5
    k_comments: int = 10
    quiet_hours: str = ""
    default_timezone: str = "UTC"
    max_answer_chars: int = 4000
    organisation: str = DEFAULT_ORGANISATION
    public_url: str = ""  # where the web process serves chairs' report links ("": no link)
    report_link_minutes: int = 60


@dataclass(frozen=True)
class Deps:
    """Built once by bot.bootstrap; every feature receives it."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    catalog: Catalog
    templates: Mapping[str, RoundTemplate]
    policy: Policy
    scrub: Scrub
    keyed: KeyedHash
    reach: Reach = field(default_factory=Reach)
    themer: Themer | None = None
    tracks: Mapping[str, Track] = field(default_factory=dict)
    # everything loaded (bundled plus OUTWARD_CONTENT_DIR), e.g. mentorship programmes; None:
    # read the bundled content when needed
    content: Content | None = None
    # the codebook's themes: code -> {locale: name}, so each reader sees a codebook theme's
    # name in their own language (conversations.results.names)
    theme_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text(self, person: Person, key: str, **values: object) -> str:
        """A catalog text in the person's language."""
        return self.catalog.text(person.locale, key, **values)

    def reply(self, person: Person, key: str, **values: object) -> Message:
        """A private reply (ephemeral where the platform has them) from the catalog."""
        return Message(self.catalog.text(person.locale, key, **values), private=True)

    def today(self, person: Person) -> date:
        """The person's local date."""
        return today(self.clock.now(), person.timezone)

    def org_today(self) -> date:
        """The organisation's local date (OUTWARD_TIMEZONE)."""
        return today(self.clock.now(), self.policy.default_timezone)


def roles(person: Person) -> frozenset[str]:
    return frozenset(r for r in person.roles.split(";") if r)
