"""`/learn`: a person's tracks and progress, joining and leaving a track; admins enrol people
(everyone, a segment or one person); admins and chairs see aggregates."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.learning.render import ENROLLED
from conversations.learning.stats import learning_stats_lines
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from conversations.results.summary import EMPLOYMENT_WORDS, SLICE_WORDS
from conversations.schedule import next_sendable
from conversations.words import split_args
from storage.models import SEGMENTS, Person

# the subcommands and the "everyone" in the words a Spanish-speaking lead may type
# (`/aprender inscribir bias-basics todos`); the groups are /temas's (sucursal=, jornada=)
SUBCOMMAND_WORDS = {"unirse": "join", "salir": "leave", "inscribir": "enrol", "enroll": "enrol",
                    "estadisticas": "stats", "estadísticas": "stats"}
EVERYONE = frozenset({"everyone", "todos", "todas", "todo-el-personal"})


class LearningCommands:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        words = split_args(args)
        if not words:
            return [await self.overview(tx, person)]
        sub, rest = SUBCOMMAND_WORDS.get(words[0].lower(), words[0].lower()), words[1:]
        if sub in ("join", "leave") and len(rest) == 1:
            return [await self._join_or_leave(tx, person, sub, rest[0])]
        if sub == "enrol":
            return [await self.enrol_group(tx, person, rest)]
        if sub == "stats":
            return [await self.stats(tx, person, rest)]
        return [self.deps.reply(person, "learn.usage")]

    async def _join_or_leave(self, tx: UnitOfWork, person: Person, sub: str,
                             name: str) -> Message:
        loc = person.locale
        track = self.deps.tracks.get(name.lower())
        if track is None:
            return self._unknown_track(person, name)
        title = localized(track.title, loc)
        if sub == "join":
            e, fresh = await tx.enrolments.enrol(person.id, track.id, self.deps.today(person),
                                                 "self")
            key = ("learn.joined" if fresh else
                   "learn.already_finished" if e.status == "finished" else "learn.already")
            return self.deps.reply(person, key, title=title, days=track.cadence_days)
        found = await tx.enrolments.get(person.id, track.id)
        if found is None or found.status != "active":
            return self.deps.reply(person, "learn.not_enrolled", title=title)
        found.status = "stopped"
        return self.deps.reply(person, "learn.left", title=title, track=track.id)

    async def overview(self, tx: UnitOfWork, person: Person) -> Message:
        """The person's own progress and the tracks they can join."""
        loc = person.locale
        mine = {e.track_id: e for e in await tx.enrolments.for_person(person.id)}
        lines = [self.deps.text(person, "learn.overview")]
        for track in self.deps.tracks.values():
            e = mine.get(track.id)
            steps = self.deps.text(person, "learn.steps", n=len(track.steps))
            line = f"• {track.id}: *{localized(track.title, loc)}* ({steps})"
            if e is not None:
                done = len([s for s in track.steps if s.id in (e.done or [])])
                line += " · " + self.deps.text(person, f"learn.status.{e.status}", done=done,
                                               total=len(track.steps))
            lines.append(line)
        lines.append(self.deps.text(person, "learn.overview_hint"))
        return Message("\n".join(lines), private=True)

    async def enrol_group(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """Admins enrol everyone, a segment (`branch=X`) or one person (`@handle`)."""
        if "admin" not in roles(person):
            return self.deps.reply(person, "learn.enrol_admin_only")
        if len(rest) != 2:
            return self.deps.reply(person, "learn.enrol_usage")
        track = self.deps.tracks.get(rest[0].lower())
        if track is None:
            return self._unknown_track(person, rest[0])
        who = rest[1]
        if who.startswith("@"):
            target = await tx.people.by_handle(who[1:].lower())
            if target is None or not target.active:
                return self.deps.reply(person, "learn.not_on_roster", handle=who[1:64])
            people = [target]
        elif who.lower() in EVERYONE:
            people = await tx.people.active()
        else:
            key, _, value = who.partition("=")
            key = SLICE_WORDS.get(key.strip().lower(), key.strip().lower())
            if key not in SEGMENTS or not value:
                return self.deps.reply(person, "learn.enrol_usage")
            if key == "employment":  # "parcial", "part-time": the stored FT / PT
                value = EMPLOYMENT_WORDS.get(value.strip().lower(), value)
            people = [p for p in await tx.people.active()
                      if getattr(p, key).lower() == value.strip().lower()]
            if not people:
                return self.deps.reply(person, "learn.nobody", who=who[:100])
        added = 0
        now = self.deps.clock.now()
        for p in people:
            _, fresh = await tx.enrolments.enrol(p.id, track.id, self.deps.today(p), "admin")
            added += int(fresh)
            if fresh and p.id != person.id:  # told who enrolled them and how to leave
                due = next_sendable(now, p.timezone, quiet_hours=self.deps.policy.quiet_hours)
                await tx.outbox.enqueue_once(
                    f"learn:enrolled:{track.id}:{p.id}:{self.deps.today(p).isoformat()}", p.id,
                    ENROLLED, {"track": track.id, "admin": person.display_name}, due)
        return self.deps.reply(person, "learn.enrolled", count=added,
                               already=len(people) - added,
                               title=localized(track.title, person.locale))

    async def stats(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """Aggregates only (never who), with the anonymity threshold on every number."""
        if not roles(person) & {"admin", "chair"}:
            return self.deps.reply(person, "learn.stats_refused")
        tracks = self.deps.tracks
        unknown = [t for t in rest if t.lower() not in tracks]
        if unknown:  # never a silent partial answer: "stats allyship bias-basic"
            return self._unknown_track(person, unknown[0])
        k = self.deps.policy.k_responses
        lines: list[str] = []
        unused: list[str] = []
        asked = dict.fromkeys(t.lower() for t in rest)  # each once: "stats X x"
        for track in [tracks[t] for t in asked] or tracks.values():
            enrolments = await tx.enrolments.for_track(track.id)
            if not enrolments and not rest:  # every track asked for: name the empty ones once
                unused.append(track.id)
                continue
            lines += learning_stats_lines(self.deps.catalog, person.locale, track, enrolments, k)
        if unused and not lines:
            return self.deps.reply(person, "learn.stats_nobody", tracks=", ".join(unused))
        if unused:
            lines.append(self.deps.text(person, "learn.stats_unused", tracks=", ".join(unused)))
        return Message("\n".join(lines), private=True)

    def _unknown_track(self, person: Person, name: str) -> Message:
        known = ", ".join(sorted(self.deps.tracks)) or "-"
        return self.deps.reply(person, "learn.unknown_track", name=name[:64], known=known)
