"""`/mentor ...`: every bad input gets a usage message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from conversations.context import Deps, roles
from conversations.mentorship.admin import CohortAdmin, StartRound
from conversations.mentorship.history import History
from conversations.mentorship.liaison import Liaison
from conversations.mentorship.members import Members
from conversations.mentorship.pairing import Pairing
from conversations.mentorship.stats import Stats
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.words import split_args
from storage.models import Person

ADMIN_ONLY = ("create", "import", "propose", "confirm", "pair")
# the subcommands in the words a Spanish-speaking lead or member may type (`/mentoria importar`)
SUBCOMMAND_WORDS = {
    "crear": "create", "importar": "import", "proponer": "propose", "confirmar": "confirm",
    "emparejar": "pair", "estadisticas": "stats", "estadísticas": "stats", "cifras": "stats",
    "terminar": "end", "cerrar": "end", "opinion": "feedback", "opinión": "feedback",
    "unirse": "join", "pausar": "pause", "reanudar": "resume", "salir": "leave",
    "historial": "history", "parejas": "pairs",
}


class MentorshipCommands:
    def __init__(self, deps: Deps, start_round: StartRound) -> None:
        self.deps = deps
        self.admin = CohortAdmin(deps, start_round)
        self.pairing = Pairing(deps)
        self.members = Members(deps)
        self.history = History(deps)
        self.liaison = Liaison(deps)
        self.stats = Stats(deps)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        words = split_args(args)
        if not words:
            # the help promises "/mentor: your pair's check-ins and history": a person in a pair
            # gets just that; the usage (mostly admin commands) is for everyone else
            if any(p.status in ("active", "ended")
                   for p in await tx.mentorship.pairs_of(person.id)):
                return [await self.history(tx, person)]
            return [self.deps.reply(person, "mentor.usage")]
        typed, rest = words[0].lower(), words[1:]
        sub = SUBCOMMAND_WORDS.get(typed, typed)
        if sub in ADMIN_ONLY and "admin" not in roles(person):
            # the word as typed for a Spanish reader ("/mentoria crear"), English's own verb
            # for everyone else (never "can crear")
            action = typed if (person.locale or "").startswith("es") else sub
            return [self.deps.reply(person, "mentor.admin_only", action=action)]
        with_args: dict[str, Callable[[UnitOfWork, Person, list[str]], Awaitable[Message]]] = {
            "create": self.admin.create,
            "import": self.admin.import_csv,
            "feedback": self.admin.feedback,
            "end": self.admin.end,
            "propose": self.pairing.propose,
            "confirm": self.pairing.confirm,
            "pair": self.pairing.pair,
            "stats": self.stats,
            "join": self.members.join,
        }
        if sub in with_args:
            return [await with_args[sub](tx, person, rest)]
        if sub in ("pause", "resume"):
            return [await self.members.pause(tx, person, sub == "pause")]
        if sub == "leave":
            return [await self.members.leave(tx, person)]
        if sub == "history":
            return [await self.history(tx, person)]
        if sub == "pairs":
            return [await self.liaison(tx, person)]
        return [self.deps.reply(person, "mentor.usage")]
