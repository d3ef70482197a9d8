"""`/pulse`: staff start or continue their survey; admins start, pause, resume and close
rounds, turn early results on and raise thresholds; chairs and admins read the status."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.messages import Message, Outcome
from conversations.ports import UnitOfWork
from conversations.pulse.admin import RoundAdmin
from conversations.pulse.flow import PulseFlow
from conversations.words import split_args
from storage.models import Person

ADMIN_ACTIONS = ("start", "pause", "resume", "close")


def parse_thresholds(words: list[str]) -> dict[str, int]:
    """`k=8 comments=12` -> {"k": 8, "comments": 12}; {} when any word is not one of those."""
    values: dict[str, int] = {}
    for word in words:
        key, _, raw = word.partition("=")
        if key not in ("k", "comments") or not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
            return {}
        values[key] = int(raw)
    return values


class PulseCommands:
    def __init__(self, deps: Deps, flow: PulseFlow, admin: RoundAdmin) -> None:
        self.deps = deps
        self.flow = flow
        self.admin = admin

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        words = split_args(args)
        if not words:
            return await self.flow.start(tx, person)
        sub, rest = words[0].lower(), words[1:]
        r = roles(person)
        if sub in (*ADMIN_ACTIONS, "early-results", "thresholds") and "admin" not in r:
            return [self.deps.reply(person, "command.admin_only", action=sub)]
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
            outcome = await self.admin.status(tx, rest[0].lower() if rest else None)
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

    def _outcome(self, person: Person, outcome: Outcome) -> Message:
        return self.deps.reply(person, outcome.key, **outcome.values)
