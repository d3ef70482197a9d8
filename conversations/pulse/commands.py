"""`/pulse`: staff start or continue their survey; admins start, schedule, pause, resume and
close rounds, turn early results on and raise thresholds; chairs and admins read the status.
Other features add subcommands (`/pulse commit`, `/pulse share`: closing the loop), passed in
by the composition root."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from conversations.context import Deps, roles
from conversations.messages import Message, Outcome
from conversations.ports import UnitOfWork
from conversations.pulse.admin import RoundAdmin
from conversations.pulse.flow import PulseFlow
from conversations.registry import CommandHandler
from conversations.words import split_args
from storage.models import Person

ADMIN_ACTIONS = ("start", "pause", "resume", "close", "schedule")
_START = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_thresholds(words: list[str]) -> dict[str, int]:
    """`k=8 comments=12` -> {"k": 8, "comments": 12}; {} when any word is not one of those."""
    values: dict[str, int] = {}
    for word in words:
        key, _, raw = word.partition("=")
        if key not in ("k", "comments") or not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
            return {}
        values[key] = int(raw)
    return values


def parse_start(raw: str, tz: str) -> datetime | None:
    """`2026-12-01` (midnight) or `2026-12-01T09:00`, in the zone `tz`, as an aware time."""
    if not _START.match(raw):
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when.replace(tzinfo=ZoneInfo(tz))


def in_clock_gap(when: datetime) -> bool:
    """True for a local time that does not exist: skipped when the clocks go forward
    (2:30 AM on a spring-forward night). zoneinfo would quietly move it an hour."""
    try:
        real = when.astimezone(UTC).astimezone(when.tzinfo)
    except OverflowError:  # year 9999: refused later as too far away
        return False
    return real.replace(tzinfo=None) != when.replace(tzinfo=None)


def parse_day(raw: str) -> date | None:
    if not _DAY.match(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


# the subcommands chairs use most, in the Spanish words they may type (`/encuesta estado`)
SUBCOMMAND_WORDS = {"estado": "status", "compromiso": "commit", "compartir": "share"}
# a round's status, as RoundAdmin reports it, is shown in the reader's words
ROUND_STATES = frozenset({"draft", "scheduled", "open", "paused", "closed", "ongoing"})


class PulseCommands:
    def __init__(self, deps: Deps, flow: PulseFlow, admin: RoundAdmin,
                 more: Mapping[str, CommandHandler] | None = None) -> None:
        self.deps = deps
        self.flow = flow
        self.admin = admin
        self.more = dict(more or {})  # subcommand -> handler(tx, person, its arguments)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        words = split_args(args)
        if not words:
            return await self.flow.start(tx, person)
        sub, rest = words[0].lower(), words[1:]
        sub = SUBCOMMAND_WORDS.get(sub, sub)
        r = roles(person)
        if sub in self.more:
            tail = re.split(r"\s+", args.strip(), maxsplit=1)[1:]  # what follows the subcommand
            return await self.more[sub](tx, person, tail[0] if tail else "")
        if sub in (*ADMIN_ACTIONS, "early-results", "thresholds") and "admin" not in r:
            return [self.deps.reply(person, "command.admin_only", action=sub)]
        if sub == "schedule":
            return [await self._schedule(tx, person, rest)]
        if sub in ADMIN_ACTIONS:
            return [await self._admin_action(tx, person, sub, rest)]
        if sub == "early-results":
            if len(rest) != 2 or rest[1].lower() not in ("on", "off"):
                return [self.deps.reply(person, "command.early_usage")]
            outcome = await self.admin.early_results(tx, rest[0].lower(), rest[1].lower() == "on")
            return [self._outcome(person, outcome)]
        if sub == "thresholds":
            values = parse_thresholds(rest[1:])
            if len(rest) < 2 or not values:
                return [self.deps.reply(person, "command.thresholds_usage")]
            outcome = await self.admin.thresholds(tx, rest[0].lower(), values.get("k"),
                                                  values.get("comments"))
            return [self._outcome(person, outcome)]
        if sub in ("status", "list"):
            if not r & {"admin", "chair"}:
                return [self.deps.reply(person, "command.chair_only")]
            outcome = await self.admin.status(tx, rest[0].lower() if rest else None,
                                              person.locale, person.timezone)
            return [self._outcome(person, outcome)]
        return [self.deps.reply(person, "command.pulse_usage")]

    async def _admin_action(self, tx: UnitOfWork, person: Person, sub: str,
                            rest: list[str]) -> Message:
        """`start ROUND [as NEW-ID]`, `pause|resume|close ROUND`."""
        if not rest:
            return self.deps.reply(person, "command.needs_round", action=sub)
        if sub == "start":
            new_id = None
            if len(rest) == 3 and rest[1].lower() == "as":
                new_id = rest[2].lower()
            elif len(rest) != 1:
                return self.deps.reply(person, "command.start_usage")
            return self._outcome(person, await self.admin.start(tx, rest[0].lower(), new_id))
        if len(rest) != 1:
            return self.deps.reply(person, "command.needs_round", action=sub)
        action = {"pause": self.admin.pause, "resume": self.admin.resume,
                  "close": self.admin.close}[sub]
        return self._outcome(person, await action(tx, rest[0].lower()))

    async def _schedule(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`schedule ROUND [as NEW-ID] start=YYYY-MM-DD[THH:MM] [close=YYYY-MM-DD]`, times in
        the admin's own time zone."""
        usage = self.deps.reply(person, "command.schedule_usage", tz=person.timezone)
        plain = [w for w in rest if "=" not in w]
        options: dict[str, str] = {}
        for word in rest:
            if "=" in word:
                key, _, value = word.partition("=")
                if key.lower() not in ("start", "close") or key.lower() in options:
                    return usage
                options[key.lower()] = value.strip()
        new_id = None
        if len(plain) == 3 and plain[1].lower() == "as":
            new_id = plain[2].lower()
        elif len(plain) != 1:
            return usage
        if "start" not in options:
            return usage
        starts_at = parse_start(options["start"], person.timezone)
        if starts_at is None:
            return self.deps.reply(person, "rounds.bad_start", value=options["start"][:40])
        if "T" in options["start"].upper() and in_clock_gap(starts_at):  # a time typed
            return self.deps.reply(person, "rounds.start_in_gap", value=options["start"][:40],
                                   zone=person.timezone)
        closes_on = None
        if "close" in options:
            closes_on = parse_day(options["close"])
            if closes_on is None:
                return self.deps.reply(person, "rounds.bad_close", value=options["close"][:40])
        outcome = await self.admin.schedule(tx, plain[0].lower(), new_id, starts_at, closes_on)
        return self._outcome(person, outcome)

    def _outcome(self, person: Person, outcome: Outcome) -> Message:
        """The outcome in the person's language, times in their own zone."""
        zone = ZoneInfo(person.timezone)
        values = {k: v.astimezone(zone) if isinstance(v, datetime) else v
                  for k, v in outcome.values.items()}
        if values.get("status") in ROUND_STATES:  # "está cerrada", not "está closed"
            values["status"] = self.deps.text(person, f"rounds.state.{values['status']}")
        return self.deps.reply(person, outcome.key, **values)
