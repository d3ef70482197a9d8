"""The core's entry point for adapters: one neutral event in, the messages to show out.

clean -> identify -> channel gate -> look up the handler in the registry -> reply; every event
runs in one unit of work and any error becomes a short apology, never a traceback. Adapters are
handed `Router.__call__` as their callback (like Rasa's `on_new_message`); the core never sees a
platform object, and the router names no feature: bot.bootstrap fills its registry."""

from __future__ import annotations

import logging
from dataclasses import replace

from conversations.context import Deps
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    DirectoryPage,
    Event,
    FormSubmitted,
    HomeOpened,
    MemberJoined,
    MemberLeft,
    TextReceived,
)
from conversations.help import Help
from conversations.messages import BIDI_CONTROLS, Message
from conversations.ports import UnitOfWork
from conversations.registry import Registry
from storage.models import Identity, Person
from storage.roster import valid_zone

log = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 500
ANYWHERE = frozenset({"help", "privacy"})  # answered outside the 1:1 chat too (see _outside)


class Router:
    """Routes neutral events to the registered handlers; every reply is a neutral Message."""

    def __init__(self, deps: Deps, registry: Registry) -> None:
        self.deps = deps
        self.registry = registry
        self.help = Help(deps)

    async def __call__(self, event: Event) -> list[Message]:
        event = clean(event)
        try:
            async with self.deps.uow() as tx:
                out = await self._handle(tx, event)
                await tx.commit()
                return out
        except Exception:  # never a traceback to a person; the transaction was rolled back
            log.exception(
                "event handling failed (%s from %s)", type(event).__name__, event.address.platform
            )
            return [Message(self.deps.catalog.text(await self._locale(event), "internal_error"),
                            private=True)]

    async def _locale(self, event: Event) -> str:
        """The language of the person behind `event`, for the apology ('en' when they cannot
        be looked up, e.g. the database is what failed)."""
        try:
            async with self.deps.uow() as tx:
                person = await self.deps.reach.identify(tx, event.address)
        except Exception:
            return "en"
        return person.locale if person is not None else "en"

    async def _handle(self, tx: UnitOfWork, event: Event) -> list[Message]:
        if isinstance(event, MemberJoined):
            await self._directory(tx, DirectoryPage(event.address, joined=(event,)))
            return []
        if isinstance(event, MemberLeft):
            await self._directory(tx, DirectoryPage(event.address, left=(event,)))
            return []
        if isinstance(event, DirectoryPage):
            await self._directory(tx, event)
            return []
        person, ident = await self.deps.reach.identified(tx, event.address)
        if person is None:
            return [Message(self.deps.catalog.text("en", "not_on_roster"), private=True)]
        if not event.address.direct and not isinstance(event, HomeOpened):
            # a channel or group chat: a HomeOpened is the person's own (App Home, personal tab)
            return await self._outside(tx, person, event)
        a = event.address
        if a.direct and not self.deps.reach.uses_handles(a.platform) and not _kept(ident, a):
            # keep the latest one-to-one route for proactive delivery
            await tx.identities.link(person.id, a.platform, a.workspace, a.user, a.conversation,
                                     a.reference)
            # committed on its own: a route update never shares a transaction with an answer
            await tx.commit()
        return await self._dispatch(tx, person, event)

    async def _dispatch(self, tx: UnitOfWork, person: Person, event: Event) -> list[Message]:
        if isinstance(event, CommandInvoked):
            return await self.command(tx, person, event.command, event.args)
        if isinstance(event, ButtonPressed):
            button = self.registry.button(event.action)
            if button is None:
                return [Message(self.deps.text(person, "unknown_action"))]
            return await button(tx, person, event)
        if isinstance(event, FormSubmitted):
            form = self.registry.form(event.form)
            if form is None:
                return [Message(self.deps.text(person, "pulse.nothing_in_progress"))]
            return await form(tx, person, event)
        if isinstance(event, TextReceived):
            return await self._text(tx, person, event.text)
        if isinstance(event, HomeOpened):
            return await self.home(tx, person)
        return []

    async def _directory(self, tx: UnitOfWork, page: DirectoryPage) -> None:
        """Link platform accounts to the roster people with the same email (or handle), and
        unlink those that left: one query for the accounts already linked and one for all the
        emails, whatever the size of the page or of the roster."""
        if page.left:
            await tx.identities.unlink_many(_account(e.address) for e in page.left)
        if not page.joined:
            return
        linked = await tx.identities.people_for(_account(e.address) for e in page.joined)
        linked = {k: p for k, p in linked.items() if p.active}
        by_email = await tx.people.by_emails(
            e.email for e in page.joined if e.email and _account(e.address) not in linked)
        links = []
        changes: dict[int, dict[str, str]] = {}
        for event in page.joined:
            a = event.address
            person = linked.get(_account(a))
            if person is None and self.deps.reach.uses_handles(a.platform):
                person = await self.deps.reach.identify(tx, a)  # the console: by handle
            if person is None and event.email:
                person = by_email.get(event.email.lower())
            if person is None:
                continue
            links.append((person.id, _account(a), a.conversation if a.direct else "",
                          a.reference if a.direct else ""))
            # the directory knows the person's zone and language better than an old CSV
            change = changes.setdefault(person.id, {})
            if event.timezone and event.timezone != person.timezone and valid_zone(
                    event.timezone):
                change["timezone"] = event.timezone
            # ... except that an English client, the platform's default (a county's Teams is
            # installed in English), never undoes a roster that says the person reads Spanish
            lang = (event.locale or "").split("-")[0].lower()
            if lang == "es" and person.locale != lang:
                change["locale"] = lang
        await tx.identities.link_many(links)
        await tx.people.update_many(changes.items())

    async def _outside(self, tx: UnitOfWork, person: Person, event: Event) -> list[Message]:
        """An event from a channel or group chat, not the person's 1:1 chat with the bot.

        Surveys and results live only in that 1:1 chat: here only help and privacy are answered
        (privately); any other command runs, with its messages marked `direct` (delivered to
        the 1:1 chat) after a short notice; free text is never a survey answer (help instead);
        buttons and form submissions are refused without being carried out."""
        if isinstance(event, ButtonPressed | FormSubmitted):
            return [self.deps.reply(person, "elsewhere.refused")]
        if isinstance(event, TextReceived):
            text = event.text.strip()
            word = text.lower().rstrip(".!?")
            if text.startswith("/"):
                name, _, args = text[1:].partition(" ")
            elif word in self.registry.bare_words():
                name, args = word, ""
            else:
                return [self.help.help(person)]
        elif isinstance(event, CommandInvoked):
            name, args = event.command, event.args
        else:
            return []
        name = name.strip().lower().lstrip("/")
        if name == "outward":
            name, _, args = args.strip().partition(" ")
            name = name.lower()
        if not name or self.registry.canonical(name) in ANYWHERE:
            return await self.command(tx, person, name or "help", args)
        out = await self.command(tx, person, name, args)
        notice = self.deps.reply(person, "elsewhere.sent_to_dm")
        return [notice, *(replace(m, direct=True) for m in out)]

    async def _text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message]:
        """Typed text: a command, else whatever flow is waiting for it, else a bare command
        word, else a hint, else help."""
        stripped = text.strip()
        if stripped.startswith("/"):
            name, _, args = stripped[1:].partition(" ")
            return await self.command(tx, person, name, args)
        for handler in self.registry.text:
            out = await handler(tx, person, text)
            if out is not None:
                return out
        word = stripped.lower().rstrip(".!?")
        if word in self.registry.bare_words():
            return await self.command(tx, person, word, "")
        for handler in self.registry.hints:
            out = await handler(tx, person, text)
            if out is not None:
                return out
        return [self.help.help(person)]

    async def command(self, tx: UnitOfWork, person: Person, name: str, args: str,
                      nested: bool = False) -> list[Message]:
        """`/NAME ARGS` (a slash command, or a command typed in chat)."""
        name = name.strip().lower().lstrip("/")
        if len(args) > MAX_COMMAND_CHARS:
            return [self.deps.reply(person, "command.too_long")]
        found = None if nested and name == "outward" else self.registry.command(name)
        if found is None:
            return [self.deps.reply(person, "command.unknown", name=name[:40]),
                    self.help.help(person)]
        return await found.handler(tx, person, args)

    async def umbrella(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        """`/outward SUB ...` is `/SUB ...` (Slack registers one command for all of them)."""
        name, _, rest = args.strip().partition(" ")
        return await self.command(tx, person, name.lower() or "help", rest, nested=True)

    async def home(self, tx: UnitOfWork, person: Person) -> list[Message]:
        """The person's home: what is open for them, then the privacy promise."""
        out: list[Message] = []
        for section in self.registry.home:
            out += await section(tx, person)
        return [*out, self.help.privacy(person)]


def _account(a: Address) -> tuple[str, str, str]:
    return a.platform, a.workspace, a.user


_CONTROL: dict[int, int | None] = dict.fromkeys(c for c in range(32) if c not in (9, 10))
_CONTROL[127] = None
_CONTROL.update(BIDI_CONTROLS)
_CONTROL.update(dict.fromkeys(range(0xD800, 0xE000), 0xFFFD))  # lone surrogates


def clean_text(text: str) -> str:
    """Drop NUL and other control characters (PostgreSQL rejects NUL in text) and
    bidirectional controls (never stored, never echoed); a lone surrogate ("\\ud800" in JSON,
    a terminal's undecodable byte), which no encoder or database accepts, becomes U+FFFD."""
    return text.translate(_CONTROL)


def clean(event: Event) -> Event:
    """The event with control characters removed from everything the person typed or the
    platform echoed back (button values, form names)."""
    if isinstance(event, TextReceived):
        return replace(event, text=clean_text(event.text))
    if isinstance(event, CommandInvoked):
        return replace(event, args=clean_text(event.args), command=clean_text(event.command))
    if isinstance(event, FormSubmitted):
        return replace(event, form=clean_text(event.form), message_key=clean_text(
            event.message_key), values={clean_text(k): clean_text(str(v))
                                        for k, v in event.values.items()})
    if isinstance(event, ButtonPressed):  # a forged value may name rows with anything in it
        return replace(event, action=clean_text(event.action), value=clean_text(event.value),
                       message_key=clean_text(event.message_key))
    return event


def _kept(ident: Identity | None, a: Address) -> bool:
    """The account's stored route is already this one-to-one conversation (most events): no
    write, and no transaction of its own."""
    return ident is not None and (not a.conversation or ident.conversation_id == a.conversation) \
        and (not a.reference or ident.reference == a.reference)
