"""Learning nudges: self-paced tracks delivered one step at a time through the clock and outbox.

Rules: steps arrive on the track's cadence, in the person's own time zone and send window; a
person gets at most one nudge a day (one outbox key per person and local day, across tracks) and
none while a pulse survey is in progress for them or was sent to them that day. Reflections are
optional, scrubbed, and stored like pulse answers (no person, no time, and no step: a step is
sent to few people, so it would name them) in a round per track (`learn-<track>`), held with a
keyed author tag until max(k, k_comments) different people have reflected, so they reach
`/themes` with the same thresholds. That a person reflected on a step is remembered only as a
keyed-hash mark (conversations.keyed), never per person.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from conversations.context import Deps, roles
from conversations.messages import Button, Message, TextInput
from conversations.outreach import route
from conversations.ports import UnitOfWork
from conversations.schedule import local, sendable
from prompts.loader import Catalog, Schedule, Track, TrackStep
from storage.learning_models import Enrolment
from storage.models import SEGMENTS, Person, Round

FLOW = "learn"
DONE, SNOOZE, SKIP, STOP, REFLECT = (
    "learn:done",
    "learn:snooze",
    "learn:skip",
    "learn:stop",
    "learn:reflect",
)
REFLECT_FORM = "learn:reflection"
REFLECTION = "reflection"  # the one question of a track's reflection round
NUDGE_SCHEDULE = Schedule(weekdays=("mon", "tue", "wed", "thu", "fri"), send_window="09:00-17:00")


def _loc(texts: Any, locale: str) -> str:
    return str(texts.get(locale) or texts.get("en") or "") if texts else ""


def next_step(track: Track, enrolment: Enrolment) -> TrackStep | None:
    """The first step, in the track's current order, that this person has not been sent."""
    sent = set(enrolment.sent or [])
    return next((s for s in track.steps if s.id not in sent), None)


def round_id_for(track: Track) -> str:
    return f"learn-{track.id}"[:64]


class LearningFlow:
    """`/learn` commands, nudge buttons and reflections."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def cat(self) -> Catalog:
        return self.deps.catalog

    def _today(self, person: Person) -> date:
        return local(self.deps.clock.now(), person.timezone).date()

    # ---- commands ---------------------------------------------------------------------------

    async def command(self, tx: UnitOfWork, person: Person, words: list[str]) -> list[Message]:
        loc = person.locale
        tracks = self.deps.tracks
        if not words:
            return [await self.overview(tx, person)]
        sub, rest = words[0].lower(), words[1:]
        if sub in ("join", "leave") and len(rest) == 1:
            track = tracks.get(rest[0].lower())
            if track is None:
                return [self._unknown_track(loc, rest[0])]
            repo = tx.enrolments
            if sub == "join":
                e, fresh = await repo.enrol(person.id, track.id, self._today(person), "self")
                key = (
                    "learn.joined"
                    if fresh
                    else ("learn.already_finished" if e.status == "finished" else "learn.already")
                )
                return [
                    Message(
                        self.cat.text(
                            loc, key, title=_loc(track.title, loc), days=track.cadence_days
                        ),
                        private=True,
                    )
                ]
            found = await repo.get(person.id, track.id)
            if found is None or found.status != "active":
                return [
                    Message(
                        self.cat.text(loc, "learn.not_enrolled", title=_loc(track.title, loc)),
                        private=True,
                    )
                ]
            found.status = "stopped"
            return [
                Message(
                    self.cat.text(loc, "learn.left", title=_loc(track.title, loc), track=track.id),
                    private=True,
                )
            ]
        if sub == "enrol":
            return [await self.enrol_group(tx, person, rest)]
        if sub == "stats":
            return [await self.stats(tx, person, rest)]
        return [Message(self.cat.text(loc, "learn.usage"), private=True)]

    async def overview(self, tx: UnitOfWork, person: Person) -> Message:
        """The person's own progress and the tracks they can join."""
        loc = person.locale
        mine = {e.track_id: e for e in await tx.enrolments.for_person(person.id)}
        lines = [self.cat.text(loc, "learn.overview")]
        for track in self.deps.tracks.values():
            e = mine.get(track.id)
            line = f"• {track.id}: *{_loc(track.title, loc)}* ({len(track.steps)})"
            if e is not None:
                done = len([s for s in track.steps if s.id in (e.done or [])])
                line += " · " + self.cat.text(
                    loc, f"learn.status.{e.status}", done=done, total=len(track.steps)
                )
            lines.append(line)
        lines.append(self.cat.text(loc, "learn.overview_hint"))
        return Message("\n".join(lines), private=True)

    async def enrol_group(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """Admins enrol everyone, a segment (`branch=X`) or one person (`@handle`)."""
        loc = person.locale
        if "admin" not in roles(person):
            return Message(self.cat.text(loc, "command.admin_only", action="enrol"), private=True)
        if len(rest) != 2:
            return Message(self.cat.text(loc, "learn.enrol_usage"), private=True)
        track = self.deps.tracks.get(rest[0].lower())
        if track is None:
            return self._unknown_track(loc, rest[0])
        who = rest[1]
        if who.startswith("@"):
            target = await tx.people.by_handle(who[1:].lower())
            if target is None or not target.active:
                return Message(
                    self.cat.text(loc, "learn.not_on_roster", handle=who[1:64]), private=True
                )
            people = [target]
        elif who.lower() == "everyone":
            people = await tx.people.active()
        else:
            key, _, value = who.partition("=")
            if key.lower() not in SEGMENTS or not value:
                return Message(self.cat.text(loc, "learn.enrol_usage"), private=True)
            people = [
                p
                for p in await tx.people.active()
                if getattr(p, key.lower()).lower() == value.lower()
            ]
            if not people:
                return Message(self.cat.text(loc, "learn.nobody", who=who[:100]), private=True)
        repo = tx.enrolments
        added = 0
        for p in people:
            _, fresh = await repo.enrol(p.id, track.id, self._today(p), "admin")
            added += int(fresh)
        return Message(
            self.cat.text(
                loc,
                "learn.enrolled",
                count=added,
                already=len(people) - added,
                title=_loc(track.title, loc),
            ),
            private=True,
        )

    async def stats(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """Aggregates only (never who), with the anonymity threshold on every number."""
        loc = person.locale
        if not roles(person) & {"admin", "chair"}:
            return Message(self.cat.text(loc, "learn.stats_refused"), private=True)
        k = self.deps.policy.k_responses
        wanted = (
            [self.deps.tracks[t] for t in rest if t in self.deps.tracks]
            if rest
            else list(self.deps.tracks.values())
        )
        if rest and not wanted:
            return self._unknown_track(loc, rest[0])
        lines = []
        for track in wanted:
            lines.extend(
                learning_stats_lines(
                    self.cat, loc, track, await tx.enrolments.for_track(track.id), k
                )
            )
        return Message("\n".join(lines) or "-", private=True)

    def _unknown_track(self, loc: str, name: str) -> Message:
        known = ", ".join(sorted(self.deps.tracks)) or "-"
        return Message(self.cat.text(loc, "learn.unknown_track", name=name[:64], known=known),
                       private=True)

    # ---- the nudge ------------------------------------------------------------------------

    def nudge(self, person: Person, track: Track, step: TrackStep) -> list[Message]:
        loc = person.locale
        n = [s.id for s in track.steps].index(step.id) + 1
        parts = [
            self.cat.text(
                loc, "learn.step_header", title=_loc(track.title, loc), n=n, total=len(track.steps)
            ),
            _loc(step.text, loc),
        ]
        if step.activity:
            parts.append(self.cat.text(loc, "learn.activity", text=_loc(step.activity, loc)))
        if step.link:
            parts.append(step.link)
        value = f"{track.id}|{step.id}"
        buttons = [Button(self.cat.text(loc, "learn.button.done"), DONE, value, "primary")]
        if step.reflection:
            buttons.append(Button(self.cat.text(loc, "learn.button.reflect"), REFLECT, value))
        buttons += [
            Button(self.cat.text(loc, "learn.button.tomorrow"), SNOOZE, f"{value}|1"),
            Button(self.cat.text(loc, "learn.button.week"), SNOOZE, f"{value}|7"),
            Button(self.cat.text(loc, "learn.button.skip"), SKIP, value),
            Button(self.cat.text(loc, "learn.button.stop"), STOP, value, "danger"),
        ]
        return [Message("\n".join(parts), tuple(buttons), key=f"learn:{track.id}:{step.id}")]

    async def button(
        self, tx: UnitOfWork, person: Person, action: str, value: str, message_key: str
    ) -> list[Message]:
        loc = person.locale
        parts = value.split("|")
        track = self.deps.tracks.get(parts[0])
        enrolment = await tx.enrolments.get(person.id, parts[0]) if track else None
        if track is None or enrolment is None or len(parts) < 2:
            return [Message(self.cat.text(loc, "unknown_action"))]
        step_id = parts[1]
        title = _loc(track.title, loc)
        if action == DONE:
            if step_id not in (enrolment.done or []):
                enrolment.done = [*(enrolment.done or []), step_id]
            self._maybe_finish(track, enrolment)
            key = "learn.finished" if enrolment.status == "finished" else "learn.done"
            return [Message(self.cat.text(loc, key, title=title), replaces=message_key)]
        if action == SKIP:
            enrolment.skipped = [*(enrolment.skipped or []), step_id]
            self._maybe_finish(track, enrolment)
            return [Message(self.cat.text(loc, "learn.skipped", title=title), replaces=message_key)]
        if action == STOP:
            enrolment.status = "stopped"
            return [
                Message(
                    self.cat.text(loc, "learn.left", title=title, track=track.id),
                    replaces=message_key,
                )
            ]
        if action == SNOOZE:
            days = 7 if parts[-1] == "7" else 1
            # the same step comes back after the snooze
            enrolment.sent = [s for s in (enrolment.sent or []) if s != step_id]
            enrolment.snoozed_until = self._today(person) + timedelta(days=days)
            return [
                Message(
                    self.cat.text(loc, "learn.snoozed", until=enrolment.snoozed_until.isoformat()),
                    replaces=message_key,
                )
            ]
        if action == REFLECT:
            step = next((s for s in track.steps if s.id == step_id), None)
            if step is None or step.reflection is None:
                return [Message(self.cat.text(loc, "unknown_action"))]
            if await tx.marks.has(self._reflected_key(track, step_id, person)):
                return [Message(self.cat.text(loc, "learn.reflected_already"))]
            state = await tx.states.get(person.id)
            if state is not None and state.flow != FLOW:
                return [Message(self.cat.text(loc, "learn.finish_survey_first"))]
            await tx.states.put(
                person.id, FLOW, {"track": track.id, "step": step_id}, self.deps.clock.now()
            )
            return [
                Message(
                    self.cat.text(loc, "learn.reflect_prompt", question=_loc(step.reflection, loc)),
                    text_input=TextInput(
                        REFLECT_FORM,
                        "answer",
                        self.cat.text(loc, "pulse.input_label"),
                        self.deps.policy.max_answer_chars,
                    ),
                    key=f"learn-reflect:{track.id}:{step_id}",
                )
            ]
        return [Message(self.cat.text(loc, "unknown_action"))]

    def _maybe_finish(self, track: Track, e: Enrolment) -> None:
        handled = set(e.done or []) | set(e.skipped or [])
        if all(s.id in handled for s in track.steps):
            e.status = "finished"

    async def reflection(
        self, tx: UnitOfWork, person: Person, data: dict[str, Any], text: str
    ) -> list[Message]:
        """Text while a reflection is open: store it anonymously (or `skip`)."""
        loc = person.locale
        await tx.states.clear(person.id)
        if text.strip().lower() in ("skip", "omitir", "stop", "parar"):
            return [Message(self.cat.text(loc, "learn.reflection_skipped"))]
        track = self.deps.tracks.get(str(data.get("track")))
        enrolment = await tx.enrolments.get(person.id, track.id) if track else None
        if track is None or enrolment is None:
            return [Message(self.cat.text(loc, "unknown_action"))]
        stripped = text.strip()
        if not stripped:
            return [Message(self.cat.text(loc, "pulse.empty"))]
        if len(stripped) > self.deps.policy.max_answer_chars:
            await tx.states.put(person.id, FLOW, data, self.deps.clock.now())
            return [
                Message(
                    self.cat.text(
                        loc,
                        "pulse.too_long",
                        length=f"{len(stripped):,}",
                        limit=f"{self.deps.policy.max_answer_chars:,}",
                    )
                )
            ]
        step_id = str(data.get("step"))
        rnd = await self._round(tx, track)
        if not await tx.marks.add_once(self._reflected_key(track, step_id, person), rnd.id,
                                       "reflected"):
            return [Message(self.cat.text(loc, "learn.reflected_already"))]
        # no step, no segments, no date; held with a keyed author tag and released once enough
        # different people reflected (conversations.release)
        await tx.responses.hold(
            rnd.id, "ongoing", [(REFLECTION, "", self.deps.scrub(stripped))], {}, "",
            counted=False, author=self.deps.keyed("author", rnd.id, person.id),
        )
        return [Message(self.cat.text(loc, "learn.reflection_saved", k_comments=rnd.k_comments))]

    def _reflected_key(self, track: Track, step_id: str, person: Person) -> str:
        return self.deps.keyed("reflected", track.id, step_id, person.id)

    async def _round(self, tx: UnitOfWork, track: Track) -> Round:
        """The anonymous round that collects a track's reflections (created on first use)."""
        rid = round_id_for(track)
        rnd = await tx.rounds.get(rid)
        if rnd is None:
            rnd = Round(
                id=rid,
                template=track.id,
                title=dict(track.title),
                owner={"en": "the learning team", "es": "el equipo de aprendizaje"},
                status="ongoing",  # collects reflections; never planned as a pulse survey
                audience={},
                schedule={},
                series=rid,
                k_responses=self.deps.policy.k_responses,
                k_comments=self.deps.policy.k_comments,
                results_while_open=True,
                opened_at=self.deps.clock.now(),
                opened_on=self.deps.clock.now().date(),
            )
            questions: list[dict[str, Any]] = [
                {
                    "id": REFLECTION,
                    "kind": "open",
                    "text": {"en": "Reflections", "es": "Reflexiones"},
                    "choices": [],
                    "scale": {},
                    "follow_up": None,
                }
            ]
            await tx.rounds.create(rnd, questions)
        return rnd

    async def home_lines(self, tx: UnitOfWork, person: Person) -> list[str]:
        loc = person.locale
        out = []
        for e in await tx.enrolments.for_person(person.id):
            track = self.deps.tracks.get(e.track_id)
            if track is not None and e.status == "active":
                done = len([s for s in track.steps if s.id in (e.done or [])])
                out.append(
                    self.cat.text(
                        loc,
                        "learn.home",
                        title=_loc(track.title, loc),
                        done=done,
                        total=len(track.steps),
                    )
                )
        return out


def learning_stats_lines(
    cat: Catalog, loc: str, track: Track, enrolments: list[Enrolment], k: int
) -> list[str]:
    """Enrolled, finished, stopped and completion by step, each hidden below k. When any part
    of the active/finished/left split is hidden, the whole split is, so the total minus the
    shown parts can't give the hidden one away."""

    def show(n: int) -> str:
        return str(n) if n >= k or n == 0 else cat.text(loc, "learn.fewer_than", k=k)

    split = [sum(e.status == s for e in enrolments) for s in ("active", "finished", "stopped")]
    if any(0 < n < k for n in split):
        shown = [cat.text(loc, "learn.hidden") for _ in split]
    else:
        shown = [str(n) for n in split]
    lines = [
        cat.text(
            loc,
            "learn.stats_header",
            title=_loc(track.title, loc),
            enrolled=show(len(enrolments)),
            active=shown[0],
            finished=shown[1],
            stopped=shown[2],
        )
    ]
    for i, step in enumerate(track.steps, start=1):
        done = sum(step.id in (e.done or []) for e in enrolments)
        sent = sum(step.id in (e.sent or []) for e in enrolments)
        lines.append(
            cat.text(loc, "learn.stats_step", n=i, step=step.id, sent=show(sent), done=show(done))
        )
    return lines


class LearningPlanner:
    """Plans due steps into the outbox: one nudge per person per local day, across tracks."""

    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms

    async def plan(self) -> int:
        now = self.deps.clock.now()
        added = 0
        async with self.deps.uow() as tx:
            busy = await self._busy_today(tx)
            for enrolment, person in await tx.enrolments.active():
                track = self.deps.tracks.get(enrolment.track_id)
                if track is None:
                    continue
                today_local = local(now, person.timezone)
                today = today_local.date()
                if (person.id, today) in busy:
                    continue
                if not sendable(today_local, NUDGE_SCHEDULE, self.deps.policy.quiet_hours):
                    continue
                if enrolment.snoozed_until:
                    if today < enrolment.snoozed_until:
                        continue
                elif enrolment.last_sent_on and today < enrolment.last_sent_on + timedelta(
                    days=track.cadence_days
                ):
                    continue
                step = next_step(track, enrolment)
                if step is None:
                    continue
                if await route(tx, person, self.platforms) is None:
                    continue
                key = f"learn:{person.id}:{today.isoformat()}"
                payload = {"track": track.id, "step": step.id}
                if await tx.outbox.enqueue_once(key, person.id, "learn.step", payload, now):
                    enrolment.sent = [*(enrolment.sent or []), step.id]
                    enrolment.last_sent_on = today
                    enrolment.snoozed_until = None
                    busy.add((person.id, today))
                    added += 1
            await tx.commit()
        return added

    async def _busy_today(self, tx: UnitOfWork) -> set[tuple[int, date]]:
        """(person, local day) pairs that already have a pulse in progress or sent that day."""
        busy: set[tuple[int, date]] = set()
        since = self.deps.clock.now() - timedelta(days=1)
        for row in await tx.outbox.recent(since):
            if row.kind.startswith("pulse."):
                person = await tx.people.get(row.person_id)
                if person is not None:
                    busy.add((row.person_id, local(row.due_at, person.timezone).date()))
        for state in await tx.states.in_flow("pulse"):
            if not state.data.get("paused"):
                person = await tx.people.get(state.person_id)
                if person is not None:
                    busy.add((person.id, local(self.deps.clock.now(), person.timezone).date()))
        return busy


async def render_step(
    deps: Deps, tx: UnitOfWork, person: Person, payload: dict[str, Any]
) -> list[Message] | None:
    """An outbox row of kind learn.step as messages (None if the track or step is gone)."""
    track = deps.tracks.get(str(payload.get("track")))
    if track is None:
        return None
    step = next((s for s in track.steps if s.id == payload.get("step")), None)
    enrolment = await tx.enrolments.get(person.id, track.id)
    if step is None or enrolment is None or enrolment.status != "active":
        return None
    return LearningFlow(deps).nudge(person, track, step)
