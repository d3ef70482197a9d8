"""The core's entry point for adapters: one neutral event in, the messages to show out.

Adapters are handed `Router.__call__` as their callback (like Rasa's `on_new_message`); the core
never sees a platform object."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Sequence
from dataclasses import replace

from conversations.context import Deps, identify, roles
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    Event,
    FormSubmitted,
    HomeOpened,
    MemberJoined,
    MemberLeft,
    TextReceived,
)
from conversations.learning import FLOW as LEARN_FLOW
from conversations.learning import REFLECT_FORM, LearningFlow
from conversations.mentorship import NOTE_FORM as MENTOR_NOTE_FORM
from conversations.mentorship import PREFIX as MENTOR_PREFIX
from conversations.mentorship import MentorshipFlow
from conversations.messages import BIDI_CONTROLS, Button, Message
from conversations.ports import UnitOfWork
from conversations.pulse import (
    ANSWER,
    CONSENT,
    LATER,
    NAV,
    PRIVACY,
    RESUME_WORDS,
    START,
    TEXT_FORM,
    PulseFlow,
)
from conversations.rounds import Outcome, RoundAdmin
from conversations.summary import Refusal, Summaries, Summary, parse_slice
from prompts.loader import Catalog
from storage.models import Person
from storage.roster import valid_zone

log = logging.getLogger(__name__)

COMMANDS = ("help", "privacy", "pulse", "themes", "learn", "mentor")
MAX_COMMAND_CHARS = 500
# What may be answered outside the person's 1:1 chat (Spanish forms included); see Router._outside
ANSWERED_ANYWHERE = {"help": "help", "ayuda": "help", "privacy": "privacy",
                     "privacidad": "privacy"}


class Router:
    """Routes neutral events to flows and commands; every reply is a neutral Message."""

    def __init__(self, deps: Deps, extra_commands: Sequence[str] = ()) -> None:
        self.deps = deps
        self.pulse = PulseFlow(deps)
        self.admin = RoundAdmin(deps)
        self.summaries = Summaries(deps)
        self.learning = LearningFlow(deps)
        self.mentorship = MentorshipFlow(deps)

    @property
    def cat(self) -> Catalog:
        return self.deps.catalog

    async def __call__(self, event: Event) -> list[Message]:
        event = _clean_event(event)
        try:
            async with self.deps.uow() as tx:
                if isinstance(event, MemberJoined):
                    out = await self._member_joined(tx, event)
                    await tx.commit()
                    return out
                if isinstance(event, MemberLeft):
                    await tx.identities.unlink(
                        event.address.platform, event.address.workspace, event.address.user
                    )
                    await tx.commit()
                    return []
                person = await identify(tx, event.address)
                if person is None:
                    return [Message(self.cat.text("en", "not_on_roster"), private=True)]
                out = await self._dispatch(tx, person, event)
                await tx.commit()
                return out
        except Exception:  # never a traceback to a person; the transaction was rolled back
            log.exception(
                "event handling failed (%s from %s)", type(event).__name__, event.address.platform
            )
            return [Message(self.cat.text("en", "internal_error"), private=True)]

    async def _member_joined(self, tx: UnitOfWork, event: MemberJoined) -> list[Message]:
        """Link a platform account to the roster person with the same email (or handle)."""
        a = event.address
        person = await identify(tx, a)
        if person is None and event.email:
            for candidate in await tx.people.all():
                if candidate.email and candidate.email.lower() == event.email.lower():
                    person = candidate
                    break
        if person is None:
            return []
        await tx.identities.link(
            person.id,
            a.platform,
            a.workspace,
            a.user,
            a.conversation if a.direct else "",
            a.reference if a.direct else "",
        )
        # the directory knows the person's zone and language better than an old CSV
        if event.timezone and valid_zone(event.timezone):
            person.timezone = event.timezone
        lang = (event.locale or "").split("-")[0].lower()
        if lang in ("en", "es"):
            person.locale = lang
        return []

    async def _outside(self, tx: UnitOfWork, person: Person, event: Event) -> list[Message]:
        """An event from a channel or group chat, not the person's 1:1 chat with the bot.

        Surveys and results live only in that 1:1 chat: here only help and privacy are answered
        (privately); any other command runs, with its messages marked `direct` (delivered to
        the 1:1 chat) after a short notice; free text is never a survey answer (help instead);
        buttons and form submissions are refused without being carried out."""
        loc = person.locale
        if isinstance(event, ButtonPressed | FormSubmitted):
            return [Message(self.cat.text(loc, "elsewhere.refused"), private=True)]
        if isinstance(event, TextReceived):
            text = event.text.strip()
            word = text.lower().rstrip(".!?")
            if text.startswith("/"):
                name, _, args = text[1:].partition(" ")
            elif word in ANSWERED_ANYWHERE or word in COMMANDS:
                name, args = word, ""
            else:
                return [self.help(person)]
        elif isinstance(event, CommandInvoked):
            name, args = event.command, event.args
        else:
            return []
        name = name.strip().lower().lstrip("/")
        if name == "outward":
            name, _, args = args.strip().partition(" ")
            name = name.lower()
        if not name or name in ANSWERED_ANYWHERE:
            return await self.command(tx, person, name or "help", args)
        out = await self.command(tx, person, name, args)
        notice = Message(self.cat.text(loc, "elsewhere.sent_to_dm"), private=True)
        return [notice, *(replace(m, direct=True) for m in out)]

    async def _dispatch(self, tx: UnitOfWork, person: Person, event: Event) -> list[Message]:
        if not event.address.direct and not isinstance(event, HomeOpened):
            # a channel or group chat: a HomeOpened is the person's own (App Home, personal tab)
            return await self._outside(tx, person, event)
        if event.address.direct and event.address.platform != "console":
            # keep the latest one-to-one route for proactive delivery
            await tx.identities.link(
                person.id,
                event.address.platform,
                event.address.workspace,
                event.address.user,
                event.address.conversation,
                event.address.reference,
            )
            # committed on its own: a route update never shares a transaction with an answer
            await tx.commit()
        if isinstance(event, CommandInvoked):
            return await self.command(tx, person, event.command, event.args)
        if isinstance(event, ButtonPressed):
            return await self._button(tx, person, event)
        if isinstance(event, FormSubmitted):
            if event.form == REFLECT_FORM:
                state = await tx.states.get(person.id)
                if state is not None and state.flow == LEARN_FLOW:
                    return await self.learning.reflection(
                        tx, person, dict(state.data), str(event.values.get("answer", ""))
                    )
            if event.form == MENTOR_NOTE_FORM:
                return await self.mentorship.on_form(tx, person, event.values, event.message_key)
            data = await self.pulse.state(tx, person)
            if event.form == TEXT_FORM and data is not None:
                return await self.pulse.on_form(tx, person, data, event.values, event.message_key)
            return [Message(self.cat.text(person.locale, "pulse.nothing_in_progress"))]
        if isinstance(event, TextReceived):
            return await self._text(tx, person, event.text)
        if isinstance(event, HomeOpened):
            return await self.home(tx, person)
        return []

    async def home(self, tx: UnitOfWork, person: Person) -> list[Message]:
        """The person's home: what is open for them, then the privacy promise."""
        loc = person.locale
        out: list[Message] = []
        found = await self.pulse.open_invitation(tx, person)
        if found is not None:
            rnd, occ = found
            out.append(
                Message(
                    self.cat.text(
                        loc,
                        "home.open_round",
                        title=str(rnd.title.get(loc) or rnd.title.get("en")),
                        until=occ,
                    ),
                    (
                        Button(
                            self.cat.text(loc, "pulse.button.start"),
                            START,
                            f"{rnd.id}|{occ}",
                            "primary",
                        ),
                    ),
                    key=f"home:{rnd.id}:{occ}",
                )
            )
        else:
            out.append(Message(self.cat.text(loc, "home.nothing_open")))
        learning = await self.learning.home_lines(tx, person)
        if learning:
            out.append(Message("\n".join(learning)))
        out.append(self.privacy(person))
        return out

    async def _button(self, tx: UnitOfWork, person: Person, event: ButtonPressed) -> list[Message]:
        if event.action == PRIVACY:
            return [self.privacy(person)]
        if event.action == START:
            rid, _, occ = event.value.partition("|")
            out = await self.pulse.start(tx, person, rid or None, occ or None)
            if event.message_key and out:
                # the invitation loses its buttons once used
                return [
                    Message(
                        self.cat.text(person.locale, "pulse.started_here"),
                        replaces=event.message_key,
                    ),
                    *out,
                ]
            return out
        if event.action == LATER:
            return await self.pulse.later(person, event.message_key)
        if event.action.startswith(MENTOR_PREFIX):
            return await self.mentorship.button(
                tx, person, event.action, event.value, event.message_key
            )
        if event.action.startswith("learn:"):
            return await self.learning.button(
                tx, person, event.action, event.value, event.message_key
            )
        data = await self.pulse.state(tx, person)
        if data is None:
            return [
                Message(
                    self.cat.text(person.locale, "pulse.nothing_in_progress"),
                    replaces=event.message_key,
                )
            ]
        if event.action == ANSWER:
            return await self.pulse.answer(tx, person, data, event.value, event.message_key)
        if event.action == CONSENT:
            return await self.pulse.consent(tx, person, data, event.value, event.message_key)
        if event.action == NAV:
            return await self.pulse.navigate(tx, person, data, event.value, event.message_key)
        return [Message(self.cat.text(person.locale, "unknown_action"))]

    async def _text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message]:
        stripped = text.strip()
        if stripped.startswith("/"):
            name, _, args = stripped[1:].partition(" ")
            return await self.command(tx, person, name, args)
        data = await self.pulse.state(tx, person)
        word = stripped.lower().rstrip(".!?")
        if data is not None and word in ("help", "ayuda", "privacy", "privacidad"):
            # a command word, not an answer; the survey stays where it was
            return [self.privacy(person) if word.startswith("priva") else self.help(person)]
        if data is not None:
            return await self.pulse.on_text(tx, person, data, text)
        state = await tx.states.get(person.id)
        if state is not None and state.flow == LEARN_FLOW:
            return await self.learning.reflection(tx, person, dict(state.data), text)
        mentor_out = await self.mentorship.on_text(tx, person, text)
        if mentor_out is not None:
            return mentor_out
        word = stripped.lower().rstrip(".!?")
        if word in RESUME_WORDS:
            return await self.pulse.start(tx, person)
        if word in COMMANDS or word in ANSWERED_ANYWHERE:
            return await self.command(tx, person, word, "")
        if await self.pulse.open_invitation(tx, person) is not None:
            return [Message(self.cat.text(person.locale, "pulse.open_hint"))]
        return [self.help(person)]

    # ---- commands ---------------------------------------------------------------------------

    async def command(self, tx: UnitOfWork, person: Person, name: str, args: str) -> list[Message]:
        """`/help`, `/privacy`, `/pulse ...`, `/themes ...`; `/outward SUB ...` is the same."""
        name = name.strip().lower().lstrip("/")
        if len(args) > MAX_COMMAND_CHARS:
            return [Message(self.cat.text(person.locale, "command.too_long"), private=True)]
        if name == "outward":
            name, _, args = args.strip().partition(" ")
            name = name.lower() or "help"
        name = ANSWERED_ANYWHERE.get(name, name)
        if name == "help":
            return [self.help(person)]
        if name == "privacy":
            return [self.privacy(person)]
        if name == "pulse":
            return await self._pulse_command(tx, person, args)
        if name == "themes":
            return await self.themes(tx, person, args)
        if name == "learn":
            return await self.learning.command(tx, person, _words(args))
        if name == "mentor":
            return await self.mentorship.command(tx, person, args)
        return [
            Message(self.cat.text(person.locale, "command.unknown", name=name[:40]), private=True),
            self.help(person),
        ]

    def help(self, person: Person) -> Message:
        loc = person.locale
        parts = [self.cat.text(loc, "help.staff")]
        r = roles(person)
        if "chair" in r or "admin" in r:
            parts.append(self.cat.text(loc, "help.chair"))
        if "admin" in r:
            parts.append(self.cat.text(loc, "help.admin"))
        return Message("\n".join(parts), private=True)

    def privacy(self, person: Person) -> Message:
        p = self.deps.policy
        return Message(
            self.cat.text(person.locale, "privacy", k=p.k_responses, k_comments=p.k_comments),
            private=True,
        )

    async def _pulse_command(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        loc = person.locale
        try:
            words = shlex.split(args)
        except ValueError:
            words = args.split()
        if not words:
            return await self.pulse.start(tx, person)
        sub, rest = words[0].lower(), words[1:]
        r = roles(person)
        if sub in ("start", "pause", "resume", "close"):
            if "admin" not in r:
                return [Message(self.cat.text(loc, "command.admin_only", action=sub), private=True)]
            if not rest:
                return [
                    Message(self.cat.text(loc, "command.needs_round", action=sub), private=True)
                ]
            if sub == "start":
                new_id = None
                if len(rest) == 3 and rest[1].lower() == "as":
                    new_id = rest[2].lower()
                elif len(rest) != 1:
                    return [Message(self.cat.text(loc, "command.start_usage"), private=True)]
                outcome = await self.admin.start(tx, rest[0].lower(), new_id)
            elif len(rest) != 1:
                return [
                    Message(self.cat.text(loc, "command.needs_round", action=sub), private=True)
                ]
            elif sub == "pause":
                outcome = await self.admin.pause(tx, rest[0].lower())
            elif sub == "resume":
                outcome = await self.admin.resume(tx, rest[0].lower())
            else:
                outcome = await self.admin.close(tx, rest[0].lower())
            return [self._outcome(person, outcome)]
        if sub == "early-results":
            if "admin" not in r:
                return [Message(self.cat.text(loc, "command.admin_only", action=sub), private=True)]
            if len(rest) != 2 or rest[1].lower() not in ("on", "off"):
                return [Message(self.cat.text(loc, "command.early_usage"), private=True)]
            outcome = await self.admin.early_results(tx, rest[0].lower(), rest[1].lower() == "on")
            return [self._outcome(person, outcome)]
        if sub == "thresholds":
            if "admin" not in r:
                return [Message(self.cat.text(loc, "command.admin_only", action=sub), private=True)]
            values: dict[str, int] = {}
            for word in rest[1:]:
                key, _, raw = word.partition("=")
                if key not in ("k", "comments") or not (raw.isascii() and raw.isdigit()) \
                        or len(raw) > 4:
                    values = {}
                    break
                values[key] = int(raw)
            if len(rest) < 2 or not values:
                return [Message(self.cat.text(loc, "command.thresholds_usage"), private=True)]
            outcome = await self.admin.thresholds(
                tx, rest[0].lower(), values.get("k"), values.get("comments")
            )
            return [self._outcome(person, outcome)]
        if sub in ("status", "list"):
            if not r & {"admin", "chair"}:
                return [Message(self.cat.text(loc, "command.chair_only"), private=True)]
            outcome = await self.admin.status(tx, rest[0].lower() if rest else None)
            return [self._outcome(person, outcome)]
        return [Message(self.cat.text(loc, "command.pulse_usage"), private=True)]

    def _outcome(self, person: Person, outcome: Outcome) -> Message:
        return Message(self.cat.text(person.locale, outcome.key, **outcome.values), private=True)

    async def themes(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        """`/themes [ROUND] [segment=VALUE]`: an anonymised summary, for chairs only."""
        loc = person.locale
        if "chair" not in roles(person):
            return [Message(self.cat.text(loc, "themes.chair_only"), private=True)]
        try:
            words = shlex.split(args)
        except ValueError:
            words = args.split()
        round_id, wanted, error = parse_slice(words)
        if error is not None:
            return [Message(self.cat.text(loc, error), private=True)]
        rnd = await tx.rounds.get(round_id) if round_id else await self.summaries.latest_round(tx)
        if rnd is None or rnd.status == "draft":
            return [
                Message(
                    self.cat.text(loc, "themes.no_round", round=(round_id or "")[:64]), private=True
                )
            ]
        result = await self.summaries.build(tx, rnd, wanted, loc)
        if isinstance(result, Refusal):
            return [Message(self.cat.text(loc, result.key, **result.values), private=True)]
        return render_summary(self.cat, loc, result, rnd.k_comments, rnd.k_responses)


def console_address(handle: str) -> Address:
    return Address("console", "local", handle, f"dm-{handle}", direct=True)


def render_summary(cat: Catalog, loc: str, s: Summary, k_comments: int,
                   k_responses: int) -> list[Message]:
    """A summary as chat messages: a header, then one message per theme with its quotes."""
    rate = f"{round(100 * s.completed / s.invited)}%" if s.invited else "-"
    lines = [
        cat.text(
            loc,
            "themes.header",
            title=s.title,
            round=s.round_id,
            status=s.status,
            scope=s.scope or cat.text(loc, "themes.everyone"),
        ),
        cat.text(loc, "themes.participation", completed=s.completed, invited=s.invited, rate=rate),
    ]
    if s.earlier:
        lines.append(cat.text(loc, "themes.earlier", k=k_responses))
    if s.ratings:
        lines.append(cat.text(loc, "themes.ratings"))
        lines += [f"• {r.text} {r.mean:.1f} (n={r.answers})" for r in s.ratings]
    if not s.enough_comments:
        lines.append(cat.text(loc, "themes.not_enough_comments", k=k_comments))
    else:
        lines.append(cat.text(loc, "themes.count", comments=s.comments, themes=len(s.themes)))
    chart = tuple((t.label, t.share) for t in s.themes) if s.enough_comments else ()
    out = [Message("\n".join(lines), private=True, chart=chart)]
    for i, t in enumerate(s.themes, start=1):
        pos, neu, neg = t.sentiment
        text = cat.text(
            loc,
            "themes.theme",
            n=i,
            label=t.label,
            comments=t.comments,
            share=round(100 * t.share),
            pos=pos,
            neu=neu,
            neg=neg,
        )
        text += "\n" + "█" * max(1, round(20 * t.share)) + "░" * (20 - max(1, round(20 * t.share)))
        if t.change is not None and s.previous:
            arrow = "▲" if t.change > 0 else "▼" if t.change < 0 else "="
            text += " " + cat.text(
                loc,
                "themes.change",
                arrow=arrow,
                points=f"{abs(t.change):.0f}",
                previous=s.previous,
            )
        out.append(Message(text, quotes=t.quotes, private=True))
    return out


def _words(args: str) -> list[str]:
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()


_CONTROL: dict[int, None] = dict.fromkeys(c for c in range(32) if c not in (9, 10))
_CONTROL[127] = None
_CONTROL.update(BIDI_CONTROLS)


def clean_text(text: str) -> str:
    """Drop NUL and other control characters (PostgreSQL rejects NUL in text) and
    bidirectional controls (never stored, never echoed)."""
    return text.translate(_CONTROL)


def _clean_event(event: Event) -> Event:
    if isinstance(event, TextReceived):
        return replace(event, text=clean_text(event.text))
    if isinstance(event, CommandInvoked):
        return replace(event, args=clean_text(event.args), command=clean_text(event.command))
    if isinstance(event, FormSubmitted):
        return replace(event, values={k: clean_text(str(v)) for k, v in event.values.items()})
    return event
