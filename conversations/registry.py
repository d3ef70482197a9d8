"""The tables the router and the clock look things up in. The core defines their shape; the
composition root (bot.bootstrap) fills them with each feature's handlers, so no feature imports
another and the router names none of them.

- commands by name (`/pulse ...`), with aliases (other languages' names for them);
- button and form handlers by action or form id: an exact id, else the longest registered
  prefix ending in ":" (`"mentor:"`), else the fallback registered under "";
- text handlers, asked in order (active flow state first) until one takes the text; hints are
  asked after bare command words;
- outbox renderers by kind (`pulse.invite`), one row at a time or (optionally) many at once,
  planners, home sections, housekeeping jobs, the clock's round calendar (rounds opening and
  closing on their dates) and report sections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from conversations.events import ButtonPressed, FormSubmitted
from conversations.messages import Message
from conversations.ports import NotYet, UnitOfWork
from storage.models import Person, Round

CommandHandler = Callable[[UnitOfWork, Person, str], Awaitable[list[Message]]]
ButtonHandler = Callable[[UnitOfWork, Person, ButtonPressed], Awaitable[list[Message]]]
FormHandler = Callable[[UnitOfWork, Person, FormSubmitted], Awaitable[list[Message]]]
# None: not for this handler, ask the next one
TextHandler = Callable[[UnitOfWork, Person, str], Awaitable[list[Message] | None]]
# the messages for a planned outbox row (kind, payload), or None when it no longer applies
Renderer = Callable[[UnitOfWork, Person, str, Mapping[str, Any]], Awaitable[list[Message] | None]]
# the same for many rows at once (person, kind, payload), a result per row in order; a row that
# must wait raises nothing but gets its NotYet as its result
Rendered = list[Message] | None | NotYet
ManyRenderer = Callable[[UnitOfWork, Sequence[tuple[Person, str, Mapping[str, Any]]]],
                        Awaitable[list[Rendered]]]
HomeSection = Callable[[UnitOfWork, Person], Awaitable[list[Message]]]
Job = Callable[[], Awaitable[int]]  # a clock step: returns how many things it did
# template variables for a round's report (conversations.results.report.ReportSection)
ReportSection = Callable[[UnitOfWork, Round, str], Awaitable[Mapping[str, Any]]]

H = TypeVar("H")


def _by_id(table: Mapping[str, H], key: str) -> H | None:
    if key in table:
        return table[key]
    prefixes = [p for p in table if p.endswith(":") and key.startswith(p)]
    if prefixes:
        return table[max(prefixes, key=len)]
    return table.get("")


@dataclass(frozen=True)
class Command:
    """A command handler. `bare`: typing the name alone (no slash) in the 1:1 chat runs it."""

    handler: CommandHandler
    bare: bool = True


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    text: list[TextHandler] = field(default_factory=list)
    hints: list[TextHandler] = field(default_factory=list)
    renderers: dict[str, Renderer] = field(default_factory=dict)
    renderers_many: dict[str, ManyRenderer] = field(default_factory=dict)  # optional, faster
    planners: list[Job] = field(default_factory=list)
    home: list[HomeSection] = field(default_factory=list)
    housekeeping: list[Job] = field(default_factory=list)
    calendar: list[Job] = field(default_factory=list)
    report_sections: list[ReportSection] = field(default_factory=list)

    def command(self, name: str) -> Command | None:
        """The command called `name` (or an alias of it)."""
        return self.commands.get(self.aliases.get(name, name))

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def button(self, action: str) -> ButtonHandler | None:
        return _by_id(self.buttons, action)

    def form(self, form: str) -> FormHandler | None:
        return _by_id(self.forms, form)

    def bare_words(self) -> frozenset[str]:
        """Command names (and aliases) that run when typed alone, without a slash."""
        names = {n for n, c in self.commands.items() if c.bare}
        return frozenset(names | {a for a, n in self.aliases.items() if n in names})
