"""Admins (and a programme's lead) run cohorts: create one, import its people from a CSV, start
its end-of-programme feedback survey; the clock closes it after its last check-in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta
from typing import Any

from conversations.context import Deps, roles
from conversations.mentorship.cohorts import COHORT_ID, Cohort, load_cohort, other_cohort
from conversations.mentorship.csvimport import (
    MAX_CSV_BYTES,
    ROLES,
    ImportProblem,
    NotUtf8,
    availability_note,
    parse_cohort_csv,
    read_csv,
)
from conversations.messages import Message, Outcome, localized
from conversations.ports import Mentorship, UnitOfWork
from conversations.schedule import end_of
from prompts.content import mentorship_definition
from prompts.files import TooLarge, size
from storage.mentorship_models import MentorCohort
from storage.models import Person

# starts a pulse round from a template under a new id, for an audience (the pulse feature's
# RoundAdmin.start, passed in by the composition root)
StartRound = Callable[[UnitOfWork, str, str, Mapping[str, str]], Awaitable[Outcome]]
FEEDBACK_TEMPLATE = "mentorship-feedback"
# `crear ... inicio=2026-11-24 semanas=12 responsable=jordan`: the options in Spanish words
CREATE_OPTIONS = {"inicio": "start", "semanas": "weeks", "responsable": "lead"}
START_WITHIN_DAYS = 1826  # five years either way: further is a typo'd year (0001, 2062, 9999)


async def close_cohort(m: Mentorship, cohort: MentorCohort) -> None:
    """End a cohort: its pairs end (history stays) and its members are free to join another."""
    cohort.status = "closed"
    for p in await m.pairs(cohort.id, "active", "proposed"):
        p.status = "ended" if p.status == "active" else "dropped"


def _bullets(lines: list[str], most: int = 20) -> str:
    """Up to `most` lines as a bulleted list, then how many more."""
    more = f"\n… +{len(lines) - most}" if len(lines) > most else ""
    return "\n".join(f"• {line}" for line in lines[:most]) + more


class CohortAdmin:
    def __init__(self, deps: Deps, start_round: StartRound) -> None:
        self.deps = deps
        self.start_round = start_round

    async def create(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`create PROGRAMME COHORT start=YYYY-MM-DD weeks=N [lead=HANDLE]`."""
        say, m = self.deps.reply, tx.mentorship
        if len(rest) < 4:
            return say(person, "mentor.create_usage")
        prog_id, cohort_id = rest[0].lower(), rest[1].lower()
        opts = {CREATE_OPTIONS.get(k.lower(), k.lower()): v
                for k, v in (w.partition("=")[::2] for w in rest[2:])}
        try:
            start = date.fromisoformat(opts.get("start", ""))
            weeks = int(opts.get("weeks", ""))
        except ValueError:
            return say(person, "mentor.create_usage")
        if not (COHORT_ID.match(prog_id) and COHORT_ID.match(cohort_id)) or not 1 <= weeks <= 104:
            return say(person, "mentor.create_usage")
        today = self.deps.today(person)
        if abs((start - today).days) > START_WITHIN_DAYS:
            return say(person, "mentor.start_too_far",
                       earliest=today - timedelta(days=START_WITHIN_DAYS),
                       latest=today + timedelta(days=START_WITHIN_DAYS))
        if await m.cohort(cohort_id) is not None:
            return say(person, "mentor.cohort_exists", cohort=cohort_id)
        lead = person
        if opts.get("lead"):
            found = await tx.people.by_handle(opts["lead"].lstrip("@").lower())
            if found is None:
                return say(person, "mentor.unknown_person", handle=opts["lead"][:64])
            lead = found
        programme = await m.programme(prog_id)
        if programme is None:
            definition = await self._definition(prog_id)
            await m.add_programme(prog_id, localized(definition.get("title"), "en"), lead.id,
                                  definition)
        elif opts.get("lead"):
            programme.lead_id = lead.id
        await m.add_cohort(cohort_id, prog_id, start, weeks)
        return say(person, "mentor.created", programme=prog_id, cohort=cohort_id,
                   start=start, weeks=weeks, end=end_of(start, weeks) - timedelta(days=1))

    async def _definition(self, programme_id: str) -> dict[str, Any]:
        """The programme's definition (from OUTWARD_CONTENT_DIR or the bundled files): the one
        with the programme's id, else the default one. A new programme snapshots it."""
        content = self.deps.content
        known = content.mentorship if content is not None else {}
        name = programme_id if programme_id in known else "default"
        if content is None:  # nothing loaded: read the bundled files (off the event loop)
            return await asyncio.to_thread(mentorship_definition, name, None)
        return mentorship_definition(name, content)

    async def import_csv(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`import COHORT FILE.csv`: everyone valid is imported; problems are listed by line."""
        say, m = self.deps.reply, tx.mentorship
        if len(rest) != 2:
            return say(person, "mentor.import_usage")
        ctx = await load_cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":  # ended: nobody joins it any more
            return say(person, "mentor.no_cohort", cohort=rest[0][:64])
        try:
            text = await asyncio.to_thread(read_csv, rest[1])
        except TooLarge:
            return say(person, "mentor.file_too_large", file=rest[1][:200],
                       limit=size(MAX_CSV_BYTES))
        except NotUtf8:
            return say(person, "mentor.not_utf8", file=rest[1][:200])
        if text is None:
            return say(person, "mentor.no_file", file=rest[1][:200])
        rows, problems = parse_cohort_csv(text)
        counts = {r: 0 for r in ROLES}
        notes: list[ImportProblem] = []
        for row in rows:
            who = await tx.people.by_handle(row.handle)
            if who is None or not who.active:
                problems.append(ImportProblem(row.line, "not_on_roster", {"handle": row.handle}))
                continue
            other = await other_cohort(m, who.id, ctx.cohort.id)
            if other is not None:
                problems.append(ImportProblem(row.line, "in_other_cohort",
                                              {"handle": row.handle, "cohort": other}))
                continue
            mem = await m.member(ctx.cohort.id, who.id)
            if mem is not None and mem.left:  # importing the same sheet again never undoes it
                problems.append(ImportProblem(row.line, "left",
                                              {"handle": row.handle, "cohort": ctx.cohort.id}))
                continue
            if mem is not None and mem.role != row.role and any(
                    p.cohort_id == ctx.cohort.id and p.status in ("active", "proposed")
                    for p in await m.pairs_of(who.id)):
                problems.append(ImportProblem(row.line, f"paired_as_{mem.role}",
                                              {"handle": row.handle}))
                continue
            if mem is None:
                mem = await m.add_member(ctx.cohort.id, who.id, row.role)
            # a pause is the person's own choice: a new import keeps it
            mem.role = row.role
            for column in ("goals", "availability", "manager", "priority", "prefers"):
                if getattr(row, column) is not None:  # a column the file leaves out is kept
                    setattr(mem, column, getattr(row, column))
            note = availability_note(row, mem.availability or "")
            if note:
                notes.append(note)
            counts[row.role] += 1
        out = say(person, "mentor.imported", cohort=ctx.cohort.id, mentees=counts["mentee"],
                  mentors=counts["mentor"], liaisons=counts["liaison"])
        if not problems and not notes:
            return out
        problems.sort(key=lambda p: p.line)  # the roster's problems after the file's own

        def said(found: list[ImportProblem]) -> str:  # in the reader's language
            return _bullets([self.deps.text(person, f"mentor.problem.{p.key}",
                                            **p.text_values()) for p in found])

        if not any(counts.values()):  # not "Imported 0 ... Next: propose"
            return Message(self.deps.text(person, "mentor.imported_none", cohort=ctx.cohort.id)
                           + "\n" + said(problems), private=True)
        text = out.text
        if problems:
            text += "\n" + self.deps.text(person, "mentor.import_problems") + "\n" + \
                said(problems)
        if notes:
            text += "\n" + self.deps.text(person, "mentor.import_notes") + "\n" + said(notes)
        return Message(text, private=True)

    async def _led(self, tx: UnitOfWork, person: Person, rest: list[str], usage: str,
                   refused: str, unknown: str) -> Cohort | Message:
        """The cohort `rest` names when `person` is an admin or its programme's lead, or what to
        say instead: `usage` without exactly one word, `refused` to anyone else (not even
        whether the cohort exists), `unknown` to an admin when there is no such cohort."""
        say = self.deps.reply
        if len(rest) != 1:
            return say(person, usage)
        ctx = await load_cohort(tx.mentorship, rest[0].lower())
        admin = "admin" in roles(person)
        if ctx is None:
            return say(person, unknown if admin else refused, cohort=rest[0][:64])
        if not admin and ctx.programme.lead_id != person.id:
            return say(person, refused)
        return ctx

    async def end(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """`end COHORT`: close a cohort before its last check-in (a lead or an admin), as the
        clock does after it: its pairs end, no more check-ins go out (those already sent can
        no longer be answered), the pairs' history stays and members may join another."""
        say = self.deps.reply
        ctx = await self._led(tx, person, rest, "mentor.end_usage", "mentor.end_lead_only",
                              "mentor.no_cohort")
        if isinstance(ctx, Message):
            return ctx
        if ctx.cohort.status == "closed":
            return say(person, "mentor.already_ended", cohort=ctx.cohort.id)
        pairs = await tx.mentorship.pairs(ctx.cohort.id, "active")
        await close_cohort(tx.mentorship, ctx.cohort)
        return say(person, "mentor.ended", cohort=ctx.cohort.id, n=len(pairs))

    async def feedback(self, tx: UnitOfWork, person: Person, rest: list[str]) -> Message:
        """End-of-programme feedback: a pulse round sent to the cohort's members only."""
        ctx = await self._led(tx, person, rest, "mentor.feedback_usage", "mentor.lead_only",
                              "mentor.feedback_usage")
        if isinstance(ctx, Message):
            return ctx
        cohort_id = ctx.cohort.id
        outcome = await self.start_round(tx, FEEDBACK_TEMPLATE, f"{cohort_id}-feedback"[:64],
                                         {"cohort": cohort_id})
        return self.deps.reply(person, outcome.key, **outcome.values)
