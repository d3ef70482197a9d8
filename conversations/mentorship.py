"""Mentorship programmes in chat: cohorts, matching, check-ins, milestones and liaison escalation.

Pure functions (matching, cadence, milestone dates, escalation rules) come first so they can be
tested without a database; `MentorshipFlow` handles `/mentor ...`, `mentor:` buttons and outbox
rendering; `MentorshipPlanner` puts due check-ins and milestone prompts into the outbox.

Visibility: a mentor or mentee sees their own pair's history (their own answers in full, their
partner's "met" and topic only); a liaison sees the pairs they support, including who asked for
help and the note they chose to share; programme leads (admins and the programme's lead) see
cohort aggregates, shown only when at least `policy.k_responses` people answered; nobody else
sees anything.

End-of-programme feedback is meant to be a pulse round over the cohort, but a round's audience is
a set of segment filters (branch/classification/employment), which cannot name a cohort's
members; see the report in the pull request. The close milestone tells pairs a survey follows.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shlex
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from conversations.context import Deps, roles
from conversations.messages import Button, Message, TextInput
from conversations.ports import Mentorship, UnitOfWork
from conversations.pulse import RESUME_WORDS
from conversations.schedule import local, sendable
from conversations.thresholds import snapshot_problem
from prompts.loader import Catalog, Schedule
from storage.mentorship_models import (
    MentorCheckin,
    MentorCohort,
    MentorMember,
    MentorPair,
    MentorProgramme,
)
from storage.models import Person

FLOW = "mentor"
PREFIX = "mentor:"
MET = "mentor:met"
USEFUL = "mentor:use"
TOPIC = "mentor:topic"
HELP = "mentor:help"
PAUSE = "mentor:pause"
NOTE_FORM = "mentor:note"
ROLES = ("mentee", "mentor", "liaison")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_WORD = re.compile(r"[a-záéíóúñü]{3,}")
_STOP = frozenset({"and", "the", "for", "with", "una", "los", "las", "del", "por", "para"})
MAX_CSV_BYTES = 1_000_000


# ---- content ---------------------------------------------------------------------------------


def load_definition(name: str = "default") -> dict[str, Any]:
    """A programme definition from prompts/mentorship/NAME.yaml (milestones, cadence, topics)."""
    ref = resources.files("prompts").joinpath("mentorship", f"{name}.yaml")
    data = yaml.safe_load(ref.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"prompts/mentorship/{name}.yaml: must be a mapping")
    for key in ("cadence", "milestones", "topics"):
        if key not in data:
            raise ValueError(f"prompts/mentorship/{name}.yaml: {key} is missing")
    return data


def _loc(texts: Any, locale: str) -> str:
    if isinstance(texts, Mapping):
        return str(texts.get(locale) or texts.get("en") or "")
    return str(texts or "")


def cadence_of(definition: Mapping[str, Any]) -> Schedule:
    raw = dict(definition.get("cadence") or {})
    return Schedule(
        every_days=int(raw.get("every_days", 14)),
        weekdays=tuple(raw.get("weekdays", ("mon", "tue", "wed", "thu", "fri"))),
        send_window=str(raw.get("send_window", "09:00-17:00")),
        response_days=int(raw.get("response_days", 7)),
    )


# ---- matching (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    """A mentee or mentor as matching sees them."""

    person_id: int
    handle: str
    goals: str = ""
    availability: str = ""
    manager: str = ""  # the handle of the person they report to
    priority: tuple[str, ...] = ()
    prefers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """Proposed (mentee, mentor) pairs and whoever could not be matched."""

    pairs: tuple[tuple[Applicant, Applicant], ...]
    unmatched_mentees: tuple[Applicant, ...]
    unmatched_mentors: tuple[Applicant, ...]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _days(text: str) -> set[str]:
    return {d.strip().lower()[:3] for d in re.split(r"[;,\s]+", text) if d.strip()}


def same_reporting_line(a: Applicant, b: Applicant) -> bool:
    """One reports to the other, or both report to the same manager."""
    return (
        (bool(a.manager) and a.manager == b.handle)
        or (bool(b.manager) and b.manager == a.handle)
        or (bool(a.manager) and a.manager == b.manager)
    )


def allowed(mentee: Applicant, mentor: Applicant, previous: Collection[tuple[int, int]]) -> bool:
    """Hard rules: not the same person, not the same reporting line, never a repeat pairing."""
    return (
        mentee.person_id != mentor.person_id
        and not same_reporting_line(mentee, mentor)
        and (mentee.person_id, mentor.person_id) not in previous
    )


def fit(mentee: Applicant, mentor: Applicant) -> int:
    """Soft preferences: stated preferences first, then shared goals, then shared days."""
    score = 0
    if mentor.handle in mentee.prefers:
        score += 100
    if mentee.handle in mentor.prefers:
        score += 50
    score += 10 * len(_words(mentee.goals) & _words(mentor.goals))
    score += len(_days(mentee.availability) & _days(mentor.availability))
    return score


def priority_rank(applicant: Applicant, order: Sequence[str]) -> tuple[int, ...]:
    """Lower sorts first: applicants with the programme's first priority tag, then the next."""
    tags = {t.lower() for t in applicant.priority}
    return tuple(0 if tag.lower() in tags else 1 for tag in order)


def _max_matching(mentees: Sequence[Applicant], mentors: Sequence[Applicant],
                  previous: Collection[tuple[int, int]]) -> int:
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, mentor in enumerate(mentors):
            if j in seen or not allowed(mentees[i], mentor, previous):
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(1 for i in range(len(mentees)) if augment(i, set()))


def propose(
    mentees: Sequence[Applicant],
    mentors: Sequence[Applicant],
    previous: Collection[tuple[int, int]] = (),
    priority: Sequence[str] = (),
) -> Proposal:
    """Pair mentees with mentors (one each). Mentees are served in priority order; each gets
    the best-fitting allowed mentor that still lets as many later mentees as possible be
    matched. Deterministic: ties go to the earlier applicant/handle."""
    order = sorted(range(len(mentees)), key=lambda i: (priority_rank(mentees[i], priority), i))
    free = list(mentors)
    pairs: list[tuple[Applicant, Applicant]] = []
    unmatched: list[Applicant] = []
    for pos, i in enumerate(order):
        mentee = mentees[i]
        rest = [mentees[k] for k in order[pos + 1:]]
        best: tuple[int, int, str] | None = None
        choice: Applicant | None = None
        for mentor in free:
            if not allowed(mentee, mentor, previous):
                continue
            left = [m for m in free if m is not mentor]
            key = (_max_matching(rest, left, previous), fit(mentee, mentor), mentor.handle)
            if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and key[2] < best[2]):
                best, choice = key, mentor
        if choice is None:
            unmatched.append(mentee)
            continue
        pairs.append((mentee, choice))
        free = [m for m in free if m is not choice]
    return Proposal(tuple(pairs), tuple(unmatched), tuple(free))


def least_loaded(liaisons: Sequence[int], load: Mapping[int, int]) -> int | None:
    """The liaison with the fewest pairs (first listed on a tie), or None if there is none."""
    if not liaisons:
        return None
    return min(liaisons, key=lambda pid: (load.get(pid, 0), liaisons.index(pid)))


# ---- cadence and milestones (pure) -----------------------------------------------------------


def end_of(start_on: date, weeks: int) -> date:
    """The first day after the cohort."""
    return start_on + timedelta(days=7 * weeks)


def checkin_occurrence(start_on: date, weeks: int, today: date, cadence: Schedule) -> date | None:
    """The check-in occurrence open on `today`: every `every_days` after the start (not the
    start itself, which is the kick-off), while its answer window is open and before the end."""
    step = cadence.every_days
    if step <= 0 or today < start_on + timedelta(days=step):
        return None
    n = (today - start_on).days // step
    occ = start_on + timedelta(days=n * step)
    if occ >= end_of(start_on, weeks):
        return None
    if today > occ + timedelta(days=cadence.response_days - 1):
        return None
    return occ


def next_checkin(start_on: date, weeks: int, occ: date, cadence: Schedule) -> date | None:
    nxt = occ + timedelta(days=cadence.every_days)
    return nxt if cadence.every_days > 0 and nxt < end_of(start_on, weeks) else None


@dataclass(frozen=True)
class MilestoneDate:
    """A milestone prompt: `phase` is "main", "prepare" or "review"."""

    milestone: str
    phase: str
    day: date


def milestone_dates(
    start_on: date, weeks: int, milestones: Sequence[Mapping[str, Any]]
) -> list[MilestoneDate]:
    """When each milestone (and its preparation and review prompts) falls; `at` is a fraction
    of the cohort, snapped to whole weeks (0 = the start date, 1 = the last week)."""
    out: list[MilestoneDate] = []
    for m in milestones:
        week = round(float(m.get("at", 0)) * max(0, weeks - 1))
        day = start_on + timedelta(days=7 * week)
        if m.get("prepare"):
            out.append(MilestoneDate(str(m["id"]), "prepare",
                                     day - timedelta(days=int(m.get("prepare_days", 7)))))
        out.append(MilestoneDate(str(m["id"]), "main", day))
        if m.get("review"):
            out.append(MilestoneDate(str(m["id"]), "review",
                                     day + timedelta(days=int(m.get("review_days", 2)))))
    return sorted(out, key=lambda d: d.day)


MILESTONE_GRACE_DAYS = 6
NOTE_FOR = timedelta(hours=2)  # how long typed text is taken as the note for the liaison
BUSY_FOR = timedelta(hours=12)  # a person mid-survey this recently gets the check-in later


# ---- escalation rules (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One side's check-in answer as the escalation rules see it."""

    occurrence: str
    person_id: int
    met: bool | None
    usefulness: int | None = None
    help: str = ""


def pair_met(answers: Iterable[Answer]) -> dict[str, bool]:
    """Per occurrence: True if either side met, False if someone said no and nobody yes."""
    out: dict[str, bool] = {}
    for a in answers:
        if a.met is None:
            continue
        out[a.occurrence] = out.get(a.occurrence, False) or a.met
    return out


def escalation_reasons(answers: Sequence[Answer], latest: Answer, paused: bool = False
                       ) -> list[str]:
    """Why the pair's liaison should hear about `latest` (already included in `answers`):
    "asked" (the person asked for contact), "not_met" (no meeting reported at the latest two
    check-ins), "low" (this person's last two usefulness scores were 1-2). A paused pair is
    never flagged for not meeting or low scores."""
    reasons: list[str] = []
    if latest.help == "contact":
        reasons.append("asked")
    if paused:
        return reasons
    met = pair_met(answers)
    occs = sorted(met)
    if (latest.met is False and len(occs) >= 2 and occs[-1] == latest.occurrence
            and not met[occs[-1]] and not met[occs[-2]]):
        reasons.append("not_met")
    scores = [a.usefulness for a in sorted(answers, key=lambda a: a.occurrence)
              if a.person_id == latest.person_id and a.usefulness is not None]
    if latest.usefulness is not None and len(scores) >= 2 and all(s <= 2 for s in scores[-2:]):
        reasons.append("low")
    return reasons


def _plain(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded
                   if not unicodedata.combining(ch))
    return " ".join(kept.split())


_DECLINE_WORDS = frozenset({"no", "nope", "none", "nothing", "nada", "fine", "good", "ok",
                            "okay", "thanks", "thank", "you", "all", "gracias", "todo", "bien",
                            "skip", "omitir", "for", "now", "estoy", "estamos", "im", "i",
                            "am", "were", "we", "are", "its", "it", "is", "need", "not",
                            "right", "thx", "ty", "nah", "muchas", "por", "ahora"})


def help_choice(text: str, labels: Mapping[str, Sequence[str]]) -> str | None:
    """What text typed at "Anything your liaison can help with?" means: "none" (a button's
    label or number, or a short decline such as "no thanks" / "todo bien"), "contact" (the
    contact button's label or number), or None for free text, which is a note for the liaison.
    Only free text that asks for something may alert a liaison."""
    plain = _plain(text)
    if plain in ("1",) or plain in {_plain(x) for x in labels.get("none", ())}:
        return "none"
    if plain in ("2",) or plain in {_plain(x) for x in labels.get("contact", ())}:
        return "contact"
    words = plain.split()
    if not words or (len(words) <= 6 and all(w in _DECLINE_WORDS for w in words)):
        return "none"
    return None


# ---- CSV import (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    """A validated line of a cohort CSV."""

    line: int
    handle: str
    role: str
    goals: str = ""
    availability: str = ""
    manager: str = ""
    priority: str = ""
    prefers: str = ""


def parse_cohort_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    """Rows and per-line problems. Columns: handle, role (mentee/mentor/liaison), and optional
    goals, availability, manager (reporting line), priority (;-separated tags), prefers."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "handle" not in fields or "role" not in fields:
        return [], ["the file needs a header with at least handle and role"]
    rows: list[ImportRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        rec = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        handle = rec.get("handle", "").lstrip("@").lower()
        role = rec.get("role", "").lower()
        if not handle:
            problems.append(f"line {n}: no handle")
            continue
        if role not in ROLES:
            problems.append(f"line {n}: {handle}: role must be mentee, mentor or liaison")
            continue
        if handle in seen:
            problems.append(f"line {n}: {handle} is listed twice")
            continue
        seen.add(handle)
        rows.append(ImportRow(n, handle, role, rec.get("goals", "")[:1000],
                              rec.get("availability", "")[:200],
                              rec.get("manager", "").lstrip("@").lower()[:64],
                              rec.get("priority", "")[:200], rec.get("prefers", "").lower()[:200]))
    return rows, problems


def _tags(text: str) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in re.split(r"[;,]", text) if t.strip())


def _first(person: Person) -> str:
    return person.display_name.split(" ")[0]


@dataclass
class _Ctx:
    """What a command needs about the cohort it names."""

    cohort: MentorCohort
    programme: MentorProgramme
    members: list[MentorMember] = field(default_factory=list)


class MentorshipFlow:
    """`/mentor ...` commands, `mentor:` buttons, check-in answers and outbox rendering."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @property
    def cat(self) -> Catalog:
        return self.deps.catalog

    def _msg(self, person: Person, key: str, **values: object) -> Message:
        return Message(self.cat.text(person.locale, key, **values), private=True)

    def _today(self, person: Person) -> date:
        return local(self.deps.clock.now(), person.timezone).date()

    def _org_today(self) -> date:
        return local(self.deps.clock.now(), self.deps.policy.default_timezone).date()

    # ---- commands ---------------------------------------------------------------------------

    async def command(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        """Dispatch `/mentor SUB ...`; every bad input gets a usage message."""
        try:
            words = shlex.split(args)
        except ValueError:
            words = args.split()
        if not words:
            return [self._msg(person, "mentor.usage")]
        sub, rest = words[0].lower(), words[1:]
        m = tx.mentorship
        admin = "admin" in roles(person)
        if sub in ("create", "import", "propose", "confirm", "pair") and not admin:
            return [self._msg(person, "mentor.admin_only", action=sub)]
        if sub == "create":
            return [await self._create(tx, m, person, rest)]
        if sub == "import":
            return [await self._import(tx, m, person, rest)]
        if sub == "propose":
            return [await self._propose(tx, m, person, rest)]
        if sub == "confirm":
            return [await self._confirm(tx, m, person, rest)]
        if sub == "pair":
            return [await self._pair(tx, m, person, rest)]
        if sub == "stats":
            return [await self._stats(tx, m, person, rest)]
        if sub == "feedback":
            return [await self._feedback(tx, m, person, rest)]
        if sub == "join":
            return [await self._join(tx, m, person, rest)]
        if sub in ("pause", "resume"):
            return [await self._pause(tx, m, person, sub == "pause")]
        if sub == "leave":
            return [await self._leave(tx, m, person)]
        if sub == "history":
            return [await self._history(tx, m, person)]
        if sub == "pairs":
            return [await self._liaison_pairs(tx, m, person)]
        return [self._msg(person, "mentor.usage")]

    async def _feedback(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                        ) -> Message:
        """End-of-programme feedback: a pulse round sent to the cohort's members only."""
        from conversations.rounds import RoundAdmin

        if len(rest) != 1:
            return self._msg(person, "mentor.feedback_usage")
        ctx = await self._cohort(m, rest[0].lower())
        if ctx is None:
            if "admin" not in roles(person):
                return self._msg(person, "mentor.lead_only")
            return self._msg(person, "mentor.feedback_usage")
        if "admin" not in roles(person) and ctx.programme.lead_id != person.id:
            return self._msg(person, "mentor.lead_only")
        cohort_id = rest[0].lower()
        outcome = await RoundAdmin(self.deps).start(
            tx, "mentorship-feedback", f"{cohort_id}-feedback"[:64], {"cohort": cohort_id}
        )
        return Message(self.deps.catalog.text(person.locale, outcome.key, **outcome.values),
                       private=True)

    async def _cohort(self, m: Mentorship, cohort_id: str) -> _Ctx | None:
        cohort = await m.cohort(cohort_id.lower()) if _ID.match(cohort_id.lower()) else None
        if cohort is None:
            return None
        programme = await m.programme(cohort.programme_id)
        if programme is None:
            return None
        return _Ctx(cohort, programme, await m.members(cohort.id))

    async def _create(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                      ) -> Message:
        if len(rest) < 4:
            return self._msg(person, "mentor.create_usage")
        prog_id, cohort_id = rest[0].lower(), rest[1].lower()
        opts = dict(w.partition("=")[::2] for w in rest[2:])
        try:
            start = date.fromisoformat(opts.get("start", ""))
            weeks = int(opts.get("weeks", ""))
        except ValueError:
            return self._msg(person, "mentor.create_usage")
        if not (_ID.match(prog_id) and _ID.match(cohort_id)) or not 1 <= weeks <= 104:
            return self._msg(person, "mentor.create_usage")
        if await m.cohort(cohort_id) is not None:
            return self._msg(person, "mentor.cohort_exists", cohort=cohort_id)
        lead = person
        if opts.get("lead"):
            found = await tx.people.by_handle(opts["lead"].lstrip("@").lower())
            if found is None:
                return self._msg(person, "mentor.unknown_person", handle=opts["lead"][:64])
            lead = found
        programme = await m.programme(prog_id)
        if programme is None:
            definition = await asyncio.to_thread(load_definition)
            programme = await m.add_programme(prog_id, _loc(definition.get("title"), "en"),
                                              lead.id, definition)
        elif opts.get("lead"):
            programme.lead_id = lead.id
        await m.add_cohort(cohort_id, prog_id, start, weeks)
        return self._msg(person, "mentor.created", programme=prog_id, cohort=cohort_id,
                         start=start.isoformat(), weeks=weeks,
                         end=(end_of(start, weeks) - timedelta(days=1)).isoformat())

    async def _other_cohort(self, m: Mentorship, person_id: int, cohort_id: str) -> str | None:
        for mem in await m.memberships(person_id):
            if mem.cohort_id == cohort_id or mem.left:
                continue
            other = await m.cohort(mem.cohort_id)
            if other is not None and other.status != "closed":
                return other.id
        return None

    async def _import(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                      ) -> Message:
        if len(rest) != 2:
            return self._msg(person, "mentor.import_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None:
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        text = await asyncio.to_thread(read_csv, rest[1])
        if text is None:
            return self._msg(person, "mentor.no_file", file=rest[1][:200])
        rows, problems = parse_cohort_csv(text)
        counts = {r: 0 for r in ROLES}
        for row in rows:
            who = await tx.people.by_handle(row.handle)
            if who is None or not who.active:
                problems.append(f"line {row.line}: {row.handle} is not on the roster")
                continue
            other = await self._other_cohort(m, who.id, ctx.cohort.id)
            if other is not None:
                problems.append(f"line {row.line}: {row.handle} is already in cohort {other}")
                continue
            mem = await m.member(ctx.cohort.id, who.id)
            if mem is None:
                mem = await m.add_member(ctx.cohort.id, who.id, row.role)
            mem.role, mem.goals, mem.availability = row.role, row.goals, row.availability
            mem.manager, mem.priority, mem.prefers = row.manager, row.priority, row.prefers
            mem.left, mem.paused = False, False
            counts[row.role] += 1
        out = self._msg(person, "mentor.imported", cohort=ctx.cohort.id, mentees=counts["mentee"],
                        mentors=counts["mentor"], liaisons=counts["liaison"])
        if problems:
            listed = "\n".join(f"• {p}" for p in problems[:20])
            more = f"\n… +{len(problems) - 20}" if len(problems) > 20 else ""
            return Message(out.text + "\n" + self.cat.text(person.locale, "mentor.import_problems")
                           + "\n" + listed + more, private=True)
        return out

    async def _join(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                    ) -> Message:
        if len(rest) < 2 or rest[1].lower() not in ("mentee", "mentor"):
            return self._msg(person, "mentor.join_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        opts = dict(w.partition("=")[::2] for w in rest[2:])
        other = await self._other_cohort(m, person.id, ctx.cohort.id)
        if other is not None:
            return self._msg(person, "mentor.in_other_cohort", cohort=other)
        mem = await m.member(ctx.cohort.id, person.id)
        if mem is None:
            mem = await m.add_member(ctx.cohort.id, person.id, rest[1].lower())
        mem.role = rest[1].lower()
        mem.goals = self.deps.scrub(opts.get("goals", ""))[:1000] if opts.get("goals") else ""
        mem.availability = opts.get("availability", "")[:200]
        mem.left = False
        return self._msg(person, "mentor.joined", cohort=ctx.cohort.id, role=mem.role)

    async def _previous(self, m: Mentorship) -> set[tuple[int, int]]:
        return {(p.mentee_id, p.mentor_id) for p in await m.pairs(None, "active", "ended")}

    def _applicant(self, mem: MentorMember, handle: str) -> Applicant:
        return Applicant(mem.person_id, handle, mem.goals, mem.availability, mem.manager,
                         _tags(mem.priority), _tags(mem.prefers))

    async def _handles(self, tx: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for pid in ids:
            p = await tx.people.get(pid)
            out[pid] = p.handle if p else "?"
        return out

    async def _propose(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                       ) -> Message:
        if len(rest) != 1:
            return self._msg(person, "mentor.propose_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        for p in await m.pairs(ctx.cohort.id, "proposed"):
            await m.delete_pair(p)
        active = await m.pairs(ctx.cohort.id, "active")
        busy = {p.mentee_id for p in active} | {p.mentor_id for p in active}
        handles = await self._handles(tx, [mem.person_id for mem in ctx.members])
        live = [mem for mem in ctx.members if not mem.left and mem.person_id not in busy]
        mentees = [self._applicant(x, handles[x.person_id]) for x in live if x.role == "mentee"]
        mentors = [self._applicant(x, handles[x.person_id]) for x in live if x.role == "mentor"]
        priority = [str(t) for t in ctx.programme.definition.get("priority", [])]
        proposal = propose(mentees, mentors, await self._previous(m), priority)
        liaisons = [x.person_id for x in ctx.members if x.role == "liaison" and not x.left]
        load: dict[int, int] = {}
        for p in active:
            if p.liaison_id is not None:
                load[p.liaison_id] = load.get(p.liaison_id, 0) + 1
        lines = []
        for mentee, mentor in proposal.pairs:
            liaison = least_loaded(liaisons, load)
            if liaison is not None:
                load[liaison] = load.get(liaison, 0) + 1
            await m.add_pair(ctx.cohort.id, mentee.person_id, mentor.person_id, liaison,
                             "proposed")
            lines.append(self.cat.text(person.locale, "mentor.pair_line", mentee=mentee.handle,
                                       mentor=mentor.handle,
                                       liaison=(await self._handles(tx, [liaison]))[liaison]
                                       if liaison else "-"))
        text = [self.cat.text(person.locale, "mentor.proposed", cohort=ctx.cohort.id,
                              n=len(proposal.pairs))]
        text += lines or [self.cat.text(person.locale, "mentor.none")]
        text += self._unmatched_lines(person, proposal.unmatched_mentees,
                                      proposal.unmatched_mentors)
        if not liaisons and proposal.pairs:
            text.append(self.cat.text(person.locale, "mentor.no_liaison"))
        text.append(self.cat.text(person.locale, "mentor.confirm_hint", cohort=ctx.cohort.id))
        return Message("\n".join(text), private=True)

    def _unmatched_lines(self, person: Person, mentees: Sequence[Applicant],
                         mentors: Sequence[Applicant]) -> list[str]:
        out = []
        if mentees:
            out.append(self.cat.text(person.locale, "mentor.unmatched_mentees",
                                     handles=", ".join(a.handle for a in mentees)))
        if mentors:
            out.append(self.cat.text(person.locale, "mentor.unmatched_mentors",
                                     handles=", ".join(a.handle for a in mentors)))
        return out

    async def _confirm(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                       ) -> Message:
        if len(rest) != 1:
            return self._msg(person, "mentor.confirm_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        proposed = await m.pairs(ctx.cohort.id, "proposed")
        if not proposed:
            return self._msg(person, "mentor.nothing_proposed", cohort=ctx.cohort.id)
        now = self.deps.clock.now()
        today = self._org_today()
        for p in proposed:
            p.status = "active"
            p.started_on = max(today, ctx.cohort.start_on)
            await self._notify_pair(tx, p, ctx.cohort.id, now)
        ctx.cohort.status = "active"
        active = await m.pairs(ctx.cohort.id, "active")
        busy = {p.mentee_id for p in active} | {p.mentor_id for p in active}
        handles = await self._handles(tx, [x.person_id for x in ctx.members])
        left_out = [x for x in ctx.members
                    if x.role in ("mentee", "mentor") and not x.left and x.person_id not in busy]
        for x in left_out:
            await tx.outbox.enqueue_once(
                f"mentor:unmatched:{ctx.cohort.id}:{x.person_id}:{today.isoformat()}",
                x.person_id, "mentor.notice",
                {"key": "mentor.notice.unmatched", "values": {"cohort": ctx.cohort.id}}, now)
        text = [self.cat.text(person.locale, "mentor.confirmed", cohort=ctx.cohort.id,
                              n=len(proposed), start=ctx.cohort.start_on.isoformat())]
        text += self._unmatched_lines(
            person,
            [self._applicant(x, handles[x.person_id]) for x in left_out if x.role == "mentee"],
            [self._applicant(x, handles[x.person_id]) for x in left_out if x.role == "mentor"])
        return Message("\n".join(text), private=True)

    async def _notify_pair(self, tx: UnitOfWork, p: MentorPair, cohort: str, now: Any) -> None:
        people = await self._handles(tx, [p.mentee_id, p.mentor_id])
        names = {}
        for pid in (p.mentee_id, p.mentor_id, p.liaison_id):
            if pid is not None:
                who = await tx.people.get(pid)
                names[pid] = who.display_name if who else "?"
        liaison = names.get(p.liaison_id, "-") if p.liaison_id else "-"
        for pid, other, role in ((p.mentee_id, p.mentor_id, "mentor"),
                                 (p.mentor_id, p.mentee_id, "mentee")):
            await tx.outbox.enqueue_once(
                f"mentor:paired:{p.id}:{pid}", pid, "mentor.notice",
                {"key": f"mentor.notice.paired_{role}",
                 "values": {"cohort": cohort, "other": names[other], "liaison": liaison,
                            "handle": people[other]}}, now)
        if p.liaison_id is not None:
            await tx.outbox.enqueue_once(
                f"mentor:liaise:{p.id}", p.liaison_id, "mentor.notice",
                {"key": "mentor.notice.liaison",
                 "values": {"cohort": cohort, "mentee": names[p.mentee_id],
                            "mentor": names[p.mentor_id]}}, now)

    async def _pair(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                    ) -> Message:
        if len(rest) != 3:
            return self._msg(person, "mentor.pair_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None or ctx.cohort.status == "closed":
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        found: list[tuple[Person, MentorMember]] = []
        for handle, role in ((rest[1], "mentee"), (rest[2], "mentor")):
            who = await tx.people.by_handle(handle.lstrip("@").lower())
            mem = await m.member(ctx.cohort.id, who.id) if who else None
            if who is None or mem is None or mem.left or mem.role != role:
                return self._msg(person, "mentor.not_member", handle=handle[:64], role=role,
                                 cohort=ctx.cohort.id)
            found.append((who, mem))
        (mentee, mentee_m), (mentor, mentor_m) = found
        a, b = self._applicant(mentee_m, mentee.handle), self._applicant(mentor_m, mentor.handle)
        if same_reporting_line(a, b):
            return self._msg(person, "mentor.same_line", mentee=mentee.handle,
                             mentor=mentor.handle)
        if (mentee.id, mentor.id) in await self._previous(m):
            return self._msg(person, "mentor.repeat", mentee=mentee.handle, mentor=mentor.handle)
        liaison: int | None = None
        active = ctx.cohort.status == "active"
        for p in await m.pairs(ctx.cohort.id, "proposed", "active"):
            if {p.mentee_id, p.mentor_id} & {mentee.id, mentor.id}:
                if p.status == "active":
                    return self._msg(person, "mentor.already_paired", mentee=mentee.handle,
                                     mentor=mentor.handle)
                liaison = liaison or p.liaison_id
                await m.delete_pair(p)
        for p in await m.pairs(ctx.cohort.id, "ended"):
            if p.mentee_id == mentee.id and p.liaison_id is not None:
                liaison = liaison or p.liaison_id
        if liaison is None:
            load: dict[int, int] = {}
            for p in await m.pairs(ctx.cohort.id, "proposed", "active"):
                if p.liaison_id is not None:
                    load[p.liaison_id] = load.get(p.liaison_id, 0) + 1
            liaison = least_loaded(
                [x.person_id for x in ctx.members if x.role == "liaison" and not x.left], load)
        pair = await m.add_pair(ctx.cohort.id, mentee.id, mentor.id, liaison,
                                "active" if active else "proposed",
                                self._org_today() if active else None)
        if active:
            await self._notify_pair(tx, pair, ctx.cohort.id, self.deps.clock.now())
        return self._msg(person, "mentor.paired" if active else "mentor.pair_set",
                         mentee=mentee.handle, mentor=mentor.handle, cohort=ctx.cohort.id)

    async def _pause(self, tx: UnitOfWork, m: Mentorship, person: Person, on: bool) -> Message:
        mems = [x for x in await m.memberships(person.id) if not x.left]
        if not mems:
            return self._msg(person, "mentor.not_in_programme")
        for x in mems:
            x.paused = on
        return self._msg(person, "mentor.paused" if on else "mentor.resumed")

    async def _leave(self, tx: UnitOfWork, m: Mentorship, person: Person) -> Message:
        """A mentor or mentee leaves: their pair ends, the partner and the liaison are told,
        and the admin can re-pair the partner with `/mentor pair`."""
        mems = [x for x in await m.memberships(person.id) if not x.left]
        if not mems:
            return self._msg(person, "mentor.not_in_programme")
        now = self.deps.clock.now()
        for x in mems:
            x.left = True
        for p in await m.pairs_of(person.id):
            if p.status not in ("active", "proposed"):
                continue
            was_active = p.status == "active"
            p.status = "ended" if was_active else "dropped"
            if not was_active:
                await m.delete_pair(p)
                continue
            partner = p.mentee_id if p.mentor_id == person.id else p.mentor_id
            await tx.outbox.enqueue_once(
                f"mentor:left:{p.id}:{partner}", partner, "mentor.notice",
                {"key": "mentor.notice.partner_left",
                 "values": {"name": person.display_name}}, now)
            if p.liaison_id is not None:
                other = await tx.people.get(partner)
                await tx.outbox.enqueue_once(
                    f"mentor:left:{p.id}:{p.liaison_id}", p.liaison_id, "mentor.notice",
                    {"key": "mentor.notice.left_liaison",
                     "values": {"name": person.display_name,
                                "partner": other.display_name if other else "?",
                                "handle": other.handle if other else "?",
                                "cohort": p.cohort_id}}, now)
        return self._msg(person, "mentor.left")

    # ---- visibility -------------------------------------------------------------------------

    def _answer_text(self, loc: str, c: MentorCheckin, full: bool, topics: Mapping[str, Any]
                     ) -> str:
        if not c.done and c.met is None:
            return self.cat.text(loc, "mentor.h.no_answer")
        parts = [self.cat.text(loc, "mentor.h.met" if c.met else "mentor.h.not_met")]
        if full and c.usefulness is not None:
            parts.append(f"{c.usefulness}/5")
        if c.topic:
            parts.append(_loc(topics.get(c.topic, {}), loc) or c.topic)
        if full and c.help == "contact":
            parts.append(self.cat.text(loc, "mentor.h.asked"))
        return ", ".join(parts)

    async def _topics(self, m: Mentorship, cohort_id: str) -> dict[str, Any]:
        cohort = await m.cohort(cohort_id)
        prog = await m.programme(cohort.programme_id) if cohort else None
        definition = prog.definition if prog else {}
        return {str(t["value"]): t.get("label", {}) for t in definition.get("topics", [])}

    async def _history(self, tx: UnitOfWork, m: Mentorship, person: Person) -> Message:
        """The person's own pair(s): their answers in full, the partner's met/topic only."""
        loc = person.locale
        pairs = [p for p in await m.pairs_of(person.id) if p.status in ("active", "ended")]
        if not pairs:
            return self._msg(person, "mentor.no_pair")
        lines: list[str] = []
        for p in pairs:
            partner_id = p.mentor_id if p.mentee_id == person.id else p.mentee_id
            partner = await tx.people.get(partner_id)
            pname = _first(partner) if partner else "?"
            lines.append(self.cat.text(loc, "mentor.h.header", cohort=p.cohort_id,
                                       other=partner.display_name if partner else "?",
                                       status=self.cat.text(loc, f"mentor.status.{p.status}")))
            topics = await self._topics(m, p.cohort_id)
            by_occ: dict[str, dict[int, MentorCheckin]] = {}
            for c in await m.checkins([p.id]):
                by_occ.setdefault(c.occurrence, {})[c.person_id] = c
            if not by_occ:
                lines.append(self.cat.text(loc, "mentor.h.none_yet"))
            for occ, sides in sorted(by_occ.items()):
                own = sides.get(person.id)
                other = sides.get(partner_id)
                you = self._answer_text(loc, own, True, topics) if own else "-"
                them = self._answer_text(loc, other, False, topics) if other else "-"
                lines.append(self.cat.text(loc, "mentor.h.line", occ=occ, you=you, name=pname,
                                           them=them))
        return Message("\n".join(lines), private=True)

    async def _liaison_pairs(self, tx: UnitOfWork, m: Mentorship, person: Person) -> Message:
        """A liaison's own pairs: status, meetings, scores and who asked for help."""
        loc = person.locale
        if "liaison" not in roles(person) and not await m.pairs_for_liaison(person.id):
            return self._msg(person, "mentor.liaison_only")
        pairs = [p for p in await m.pairs_for_liaison(person.id)
                 if p.status in ("active", "ended")]
        if not pairs:
            return self._msg(person, "mentor.no_liaison_pairs")
        lines = [self.cat.text(loc, "mentor.l.header", n=len(pairs))]
        quotes: list[str] = []
        for p in pairs:
            mentee = await tx.people.get(p.mentee_id)
            mentor = await tx.people.get(p.mentor_id)
            mems = {x.person_id: x for x in await m.members(p.cohort_id)}
            paused = any(mems[i].paused for i in (p.mentee_id, p.mentor_id) if i in mems)
            checkins = await m.checkins([p.id])
            answers = [_answer(c) for c in checkins if c.met is not None]
            met = pair_met(answers)
            occs = sorted({c.occurrence for c in checkins})
            status = "ended" if p.status == "ended" else "paused" if paused else "active"
            stalled = len(met) >= 2 and not any(met[o] for o in sorted(met)[-2:])
            silent = len(occs) >= 2 and all(o not in met for o in occs[-2:])
            if status == "active" and (stalled or silent):
                status = "stalled"
            lines.append(self.cat.text(
                loc, "mentor.l.pair", mentee=mentee.display_name if mentee else "?",
                mentor=mentor.display_name if mentor else "?", cohort=p.cohort_id,
                status=self.cat.text(loc, f"mentor.status.{status}"),
                met=sum(1 for v in met.values() if v), checkins=len(occs)))
            for c in checkins:
                who = mentee if c.person_id == p.mentee_id else mentor
                name = who.display_name if who else "?"
                if c.usefulness is not None:
                    lines.append(self.cat.text(loc, "mentor.l.score", occ=c.occurrence,
                                               name=name, score=c.usefulness))
                if c.help == "contact":
                    lines.append(self.cat.text(loc, "mentor.l.asked", occ=c.occurrence,
                                               name=name))
                    if c.note:
                        quotes.append(f"{name}: {c.note}")
        return Message("\n".join(lines), quotes=tuple(quotes), private=True)

    async def _stats(self, tx: UnitOfWork, m: Mentorship, person: Person, rest: list[str]
                     ) -> Message:
        """Cohort aggregates for programme leads, with the anonymity threshold."""
        loc = person.locale
        if len(rest) != 1:
            return self._msg(person, "mentor.stats_usage")
        ctx = await self._cohort(m, rest[0])
        if ctx is None:
            if "admin" not in roles(person):
                return self._msg(person, "mentor.lead_only")
            return self._msg(person, "mentor.no_cohort", cohort=rest[0][:64])
        if "admin" not in roles(person) and ctx.programme.lead_id != person.id:
            return self._msg(person, "mentor.lead_only")
        k = self.deps.policy.k_responses
        pairs = await m.pairs(ctx.cohort.id, "active", "ended")
        checkins = await m.checkins([p.id for p in pairs])
        answered = [c for c in checkins if c.met is not None]
        answered, as_of = await self._stats_view(m, ctx.cohort.id, answered, k)
        people = {c.person_id for c in answered}
        lines = [self.cat.text(loc, "mentor.s.header", cohort=ctx.cohort.id,
                               programme=ctx.programme.id,
                               active=sum(1 for p in pairs if p.status == "active"),
                               mentees=sum(1 for x in ctx.members
                                           if x.role == "mentee" and not x.left),
                               mentors=sum(1 for x in ctx.members
                                           if x.role == "mentor" and not x.left))]
        if len(people) < k:
            lines.append(self.cat.text(loc, "mentor.s.too_few", k=k))
        else:
            if as_of is not None:
                lines.append(self.cat.text(loc, "mentor.s.as_of", date=as_of.isoformat(), k=k))
            by_pair: dict[int, list[Answer]] = {}
            for c in answered:
                by_pair.setdefault(c.pair_id, []).append(_answer(c))
            outcomes = [v for a in by_pair.values() for v in pair_met(a).values()]
            rate = round(100 * sum(outcomes) / len(outcomes)) if outcomes else 0
            lines.append(self.cat.text(loc, "mentor.s.meeting_rate", rate=rate,
                                       n=len(outcomes)))
            scores = [c.usefulness for c in answered if c.usefulness is not None]
            scorers = {c.person_id for c in answered if c.usefulness is not None}
            if len(scorers) >= k:
                lines.append(self.cat.text(loc, "mentor.s.usefulness",
                                           mean=f"{sum(scores) / len(scores):.1f}",
                                           n=len(scores)))
            else:
                lines.append(self.cat.text(loc, "mentor.s.too_few_scores", k=k))
            topics = await self._topics(m, ctx.cohort.id)
            counts: dict[str, int] = {}
            for c in answered:
                if c.topic:
                    counts[c.topic] = counts.get(c.topic, 0) + 1
            if counts:
                lines.append(self.cat.text(loc, "mentor.s.topics", topics=", ".join(
                    f"{_loc(topics.get(t, {}), loc) or t} {n}"
                    for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))))
        today = self._org_today()
        marks = []
        for d in milestone_dates(ctx.cohort.start_on, ctx.cohort.weeks,
                                 ctx.programme.definition.get("milestones", [])):
            if d.phase != "main":
                continue
            marks.append(f"{d.milestone} {'✓' if d.day <= today else d.day.isoformat()}")
        reached = sum(1 for mk in marks if mk.endswith("✓"))
        lines.append(self.cat.text(loc, "mentor.s.milestones", reached=reached, total=len(marks),
                                   marks=" · ".join(marks)))
        return Message("\n".join(lines), private=True)

    async def _stats_view(self, m: Mentorship, cohort_id: str, answered: list[MentorCheckin],
                          k: int) -> tuple[list[MentorCheckin], date | None]:
        """The check-ins a lead's statistics may be computed from: all answered ones, unless
        that would differ from statistics already shown by 1..k-1 people (then the latest view
        shown is repeated, with its date). A view that can be shown is recorded."""
        by_id = {c.id: c for c in answered}
        current = {c.id: c.person_id for c in answered}
        shown = await m.shown_stats(cohort_id)
        earlier = [{cid: by_id[cid].person_id for cid in v.checkins if cid in by_id}
                   for v in shown]
        if snapshot_problem(current, earlier, k):
            last = shown[-1]
            return [by_id[cid] for cid in last.checkins if cid in by_id], last.shown_on
        if len({c.person_id for c in answered}) >= k and (
                not shown or set(shown[-1].checkins) != set(current)):
            await m.record_shown(cohort_id, self._org_today(), list(current))
        return answered, None

    # ---- check-ins --------------------------------------------------------------------------

    async def _checkin_ctx(self, m: Mentorship, c: MentorCheckin
                           ) -> tuple[MentorPair, MentorCohort, MentorProgramme] | None:
        pair = await m.pair(c.pair_id)
        cohort = await m.cohort(pair.cohort_id) if pair else None
        prog = await m.programme(cohort.programme_id) if cohort else None
        if pair is None or cohort is None or prog is None:
            return None
        return pair, cohort, prog

    async def button(self, tx: UnitOfWork, person: Person, action: str, value: str,
                     message_key: str = "") -> list[Message]:
        """A `mentor:` button: works whatever flow the person is in (it names its check-in)."""
        loc = person.locale
        m = tx.mentorship
        if action == PAUSE:
            return [Message(self.cat.text(loc, "mentor.check.paused_here"),
                            replaces=message_key), await self._pause(tx, m, person, True)]
        raw_id, _, answer = value.partition("|")
        c = await m.checkin(int(raw_id)) if raw_id.isascii() and raw_id.isdigit() else None
        if c is None or c.person_id != person.id:
            return [Message(self.cat.text(loc, "unknown_action"))]
        found = await self._checkin_ctx(m, c)
        if found is None or found[0].status != "active":
            return [Message(self.cat.text(loc, "mentor.check.gone"), replaces=message_key)]
        pair, cohort, prog = found
        if self._today(person) > c.closes_on:
            nxt = next_checkin(cohort.start_on, cohort.weeks, date.fromisoformat(c.occurrence),
                               cadence_of(prog.definition))
            return [Message(self.cat.text(loc, "mentor.check.closed", until=c.closes_on,
                                          next=nxt.isoformat() if nxt else "-"),
                            replaces=message_key)]
        if c.done:
            return [Message(self.cat.text(loc, "mentor.check.already"), replaces=message_key)]
        topics = prog.definition.get("topics", [])
        if action == MET and answer in ("yes", "no"):
            c.met = answer == "yes"
            done = Message(self.cat.text(loc, "mentor.check.you_met" if c.met
                                         else "mentor.check.you_did_not"), replaces=message_key)
            if c.met:
                return [done, self._useful_q(person, c)]
            return [done, await self._help_q(tx, person, c)]
        if action == USEFUL and answer in ("1", "2", "3", "4", "5"):
            c.usefulness = int(answer)
            return [Message(self.cat.text(loc, "mentor.check.rated", n=answer),
                            replaces=message_key), self._topic_q(person, c, topics)]
        if action == TOPIC:
            valid = {str(t["value"]) for t in topics}
            if answer != "skip" and answer not in valid:
                return [Message(self.cat.text(loc, "unknown_action"))]
            c.topic = "" if answer == "skip" else answer
            label = next((_loc(t["label"], loc) for t in topics if str(t["value"]) == answer),
                         self.cat.text(loc, "mentor.button.skip"))
            return [Message(self.cat.text(loc, "mentor.check.topic", topic=label),
                            replaces=message_key), await self._help_q(tx, person, c)]
        if action == HELP and answer in ("none", "contact"):
            return await self._finish(tx, m, person, c, answer, "", message_key)
        return [Message(self.cat.text(loc, "unknown_action"))]

    def _useful_q(self, person: Person, c: MentorCheckin) -> Message:
        loc = person.locale
        return Message(self.cat.text(loc, "mentor.check.useful"),
                       tuple(Button(str(n), USEFUL, f"{c.id}|{n}") for n in range(1, 6)),
                       key=f"mentor:{c.id}:use")

    def _topic_q(self, person: Person, c: MentorCheckin, topics: Sequence[Mapping[str, Any]]
                 ) -> Message:
        loc = person.locale
        buttons = [Button(_loc(t["label"], loc), TOPIC, f"{c.id}|{t['value']}") for t in topics]
        buttons.append(Button(self.cat.text(loc, "mentor.button.skip"), TOPIC, f"{c.id}|skip"))
        return Message(self.cat.text(loc, "mentor.check.topic_q"), tuple(buttons),
                       key=f"mentor:{c.id}:topic")

    async def _help_q(self, tx: UnitOfWork, person: Person, c: MentorCheckin) -> Message:
        """The last question. A note box is offered only when the person is not mid-survey, so
        the shared conversation state is never taken from an unfinished pulse."""
        loc = person.locale
        buttons = (
            Button(self.cat.text(loc, "mentor.button.no_help"), HELP, f"{c.id}|none", "primary"),
            Button(self.cat.text(loc, "mentor.button.contact"), HELP, f"{c.id}|contact"),
        )
        state = await tx.states.get(person.id)
        if state is not None and state.flow != FLOW:
            return Message(self.cat.text(loc, "mentor.check.help_q"), buttons,
                           key=f"mentor:{c.id}:help")
        await tx.states.put(person.id, FLOW, {"checkin": c.id}, self.deps.clock.now())
        return Message(self.cat.text(loc, "mentor.check.help_q_note"), buttons,
                       TextInput(NOTE_FORM, "note", self.cat.text(loc, "mentor.check.note_label"),
                                 max_length=self.deps.policy.max_answer_chars),
                       key=f"mentor:{c.id}:help")

    async def on_text(self, tx: UnitOfWork, person: Person, text: str) -> list[Message] | None:
        """Text while a check-in waits for its note; None when no check-in is waiting."""
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return None
        if state.updated_at < self.deps.clock.now() - NOTE_FOR:
            await tx.states.clear(person.id)  # an old question: text is not a note any more
            return None
        word = text.strip().lower().rstrip(".!?")
        if word in RESUME_WORDS or word in ("help", "privacy", "ayuda"):
            return None  # a word for another flow, not a note
        return await self._note(tx, person, dict(state.data), text, "")

    async def on_form(self, tx: UnitOfWork, person: Person, values: Mapping[str, str],
                      message_key: str) -> list[Message]:
        state = await tx.states.get(person.id)
        if state is None or state.flow != FLOW:
            return [Message(self.cat.text(person.locale, "mentor.check.gone"))]
        return await self._note(tx, person, dict(state.data), values.get("note", ""), message_key)

    async def _note(self, tx: UnitOfWork, person: Person, data: Mapping[str, Any], text: str,
                    message_key: str) -> list[Message]:
        m = tx.mentorship
        raw = data.get("checkin")
        c = await m.checkin(int(raw)) if isinstance(raw, int) else None
        if c is None or c.person_id != person.id or c.done:
            await tx.states.clear(person.id)
            return [Message(self.cat.text(person.locale, "mentor.check.gone"))]
        if self._today(person) > c.closes_on:
            await tx.states.clear(person.id)
            return [Message(self.cat.text(person.locale, "mentor.check.closed",
                                          until=c.closes_on, next="-"))]
        labels = {choice: [self.cat.text(loc, f"mentor.button.{key}") for loc in ("en", "es")]
                  for choice, key in (("none", "no_help"), ("contact", "contact"))}
        choice = help_choice(text, labels)
        if choice == "none":
            return await self._finish(tx, m, person, c, "none", "",
                                      message_key or f"mentor:{c.id}:help")
        if choice == "contact":  # the contact button's label or number: a request, no note
            return await self._finish(tx, m, person, c, "contact", "",
                                      message_key or f"mentor:{c.id}:help")
        note = self.deps.scrub(text.strip())[: self.deps.policy.max_answer_chars]
        return await self._finish(tx, m, person, c, "contact", note,
                                  message_key or f"mentor:{c.id}:help")

    async def _finish(self, tx: UnitOfWork, m: Mentorship, person: Person, c: MentorCheckin,
                      help_: str, note: str, message_key: str) -> list[Message]:
        loc = person.locale
        c.help, c.note, c.done = help_, note, True
        c.answered_at = self.deps.clock.now()
        state = await tx.states.get(person.id)
        if state is not None and state.flow == FLOW:
            await tx.states.clear(person.id)
        found = await self._checkin_ctx(m, c)
        out = [Message(self.cat.text(loc, "mentor.check.help_contact" if help_ == "contact"
                                     else "mentor.check.help_none"), replaces=message_key)]
        if found is None:
            return out
        pair, cohort, prog = found
        await self._escalate(tx, m, pair, c)
        nxt = next_checkin(cohort.start_on, cohort.weeks, date.fromisoformat(c.occurrence),
                           cadence_of(prog.definition))
        out.append(Message(self.cat.text(loc, "mentor.check.thanks",
                                         next=nxt.isoformat() if nxt else "-")))
        return out

    async def _escalate(self, tx: UnitOfWork, m: Mentorship, pair: MentorPair, c: MentorCheckin
                        ) -> list[str]:
        if pair.liaison_id is None:
            return []
        answers = [_answer(x) for x in await m.checkins([pair.id]) if x.met is not None]
        mems = {x.person_id: x for x in await m.members(pair.cohort_id)}
        paused = any(mems[i].paused for i in (pair.mentee_id, pair.mentor_id) if i in mems)
        reasons = escalation_reasons(answers, _answer(c), paused)
        now = self.deps.clock.now()
        for reason in reasons:
            who = "" if reason == "not_met" else f":{c.person_id}"
            await tx.outbox.enqueue_once(
                f"mentor:esc:{pair.id}:{reason}:{c.occurrence}{who}", pair.liaison_id,
                "mentor.escalation",
                {"pair": pair.id, "reason": reason, "checkin": c.id, "person": c.person_id},
                now)
        return reasons

    # ---- outbox rendering -------------------------------------------------------------------

    async def render(self, tx: UnitOfWork, person: Person, kind: str,
                     payload: Mapping[str, Any]) -> list[Message] | None:
        """The messages for a planned `mentor.*` outbox row, or None if no longer due."""
        m = tx.mentorship
        loc = person.locale
        if kind == "mentor.notice":
            values = dict(payload.get("values") or {})
            return [Message(self.cat.text(loc, str(payload.get("key")), **values))]
        if kind == "mentor.escalation":
            return await self._render_escalation(tx, m, person, payload)
        pair = await m.pair(int(payload.get("pair", 0)))
        if pair is None or pair.status != "active" or person.id not in (pair.mentee_id,
                                                                         pair.mentor_id):
            return None
        mem = await m.member(pair.cohort_id, person.id)
        cohort = await m.cohort(pair.cohort_id)
        prog = await m.programme(cohort.programme_id) if cohort else None
        if mem is None or mem.paused or mem.left or cohort is None or prog is None:
            return None
        other_id = pair.mentor_id if person.id == pair.mentee_id else pair.mentee_id
        other = await tx.people.get(other_id)
        other_name = other.display_name if other else "?"
        if kind == "mentor.milestone":
            ms = next((x for x in prog.definition.get("milestones", [])
                       if x.get("id") == payload.get("milestone")), None)
            if ms is None:
                return None
            phase = str(payload.get("phase", "main"))
            body = _loc(ms.get(phase if phase != "main" else "text"), loc)
            return [Message(self.cat.text(loc, "mentor.milestone", other=other_name, text=body))]
        if kind == "mentor.checkin":
            occ = str(payload.get("occurrence", ""))
            cad = cadence_of(prog.definition)
            closes = date.fromisoformat(occ) + timedelta(days=cad.response_days - 1)
            if self._today(person) > closes:
                return None
            c = await m.checkin_for(pair.id, person.id, occ)
            if c is None or c.done or c.met is not None:
                return None
            liaison = await tx.people.get(pair.liaison_id) if pair.liaison_id else None
            role = "mentor" if person.id == pair.mentee_id else "mentee"
            text = self.cat.text(loc, "mentor.check.intro", name=_first(person),
                                 role=self.cat.text(loc, f"mentor.role.{role}"),
                                 other=other_name, until=closes.isoformat(),
                                 liaison=liaison.display_name if liaison else "-")
            buttons = (
                Button(self.cat.text(loc, "mentor.button.met"), MET, f"{c.id}|yes", "primary"),
                Button(self.cat.text(loc, "mentor.button.not_met"), MET, f"{c.id}|no"),
                Button(self.cat.text(loc, "mentor.button.pause"), PAUSE, ""),
            )
            return [Message(text, buttons, key=f"mentor:{c.id}:met")]
        return None

    async def _render_escalation(self, tx: UnitOfWork, m: Mentorship, person: Person,
                                 payload: Mapping[str, Any]) -> list[Message] | None:
        pair = await m.pair(int(payload.get("pair", 0)))
        if pair is None or pair.liaison_id != person.id:
            return None
        loc = person.locale
        mentee = await tx.people.get(pair.mentee_id)
        mentor = await tx.people.get(pair.mentor_id)
        who = await tx.people.get(int(payload.get("person", 0)))
        c = await m.checkin(int(payload.get("checkin", 0)))
        reason = str(payload.get("reason"))
        values = {
            "mentee": mentee.display_name if mentee else "?",
            "mentor": mentor.display_name if mentor else "?",
            "cohort": pair.cohort_id,
            "name": who.display_name if who else "?",
            "handle": who.handle if who else "?",
        }
        if reason not in ("asked", "not_met", "low"):
            return None
        quotes = (c.note,) if reason == "asked" and c is not None and c.note else ()
        return [Message(self.cat.text(loc, f"mentor.escalation.{reason}", **values),
                        quotes=quotes)]


async def close_cohort(m: Mentorship, cohort: MentorCohort) -> None:
    """End a cohort: its pairs end (history stays) and its members are free to join another."""
    cohort.status = "closed"
    for p in await m.pairs(cohort.id, "active", "proposed"):
        p.status = "ended" if p.status == "active" else "dropped"


def _answer(c: MentorCheckin) -> Answer:
    return Answer(c.occurrence, c.person_id, c.met, c.usefulness, c.help)


def read_csv(name: str) -> str | None:
    """A cohort CSV by bare file name: the bundled samples (prompts/sample), then the folder
    Outward runs in. Paths are refused, so a chat command can never read other files on the
    server. None when it cannot be read."""
    if not name.lower().endswith(".csv") or "/" in name or "\\" in name or name.startswith("."):
        return None
    try:
        ref = resources.files("prompts").joinpath("sample", name)
        if ref.is_file():
            return ref.read_text("utf-8")
        path = Path.cwd() / name
        if not path.is_file() or path.stat().st_size > MAX_CSV_BYTES:
            return None
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


class MentorshipPlanner:
    """Puts due check-ins and milestone prompts into the outbox (idempotent keys), per person
    in their own time zone and the programme's send window, outside quiet hours."""

    def __init__(self, deps: Deps, platforms: Collection[str]) -> None:
        self.deps = deps
        self.platforms = platforms

    async def plan(self) -> int:
        from conversations.outreach import route

        now = self.deps.clock.now()
        added = 0
        async with self.deps.uow() as tx:
            m = tx.mentorship
            org_today = local(now, self.deps.policy.default_timezone).date()
            for cohort in await m.cohorts("active"):
                prog = await m.programme(cohort.programme_id)
                if prog is None:
                    continue
                cad = cadence_of(prog.definition)
                if org_today >= end_of(cohort.start_on, cohort.weeks) + timedelta(
                    days=cad.response_days
                ):
                    await close_cohort(m, cohort)  # the last answers are in; people may join
                    continue                       # another cohort now
                dates = milestone_dates(cohort.start_on, cohort.weeks,
                                        prog.definition.get("milestones", []))
                members = {x.person_id: x for x in await m.members(cohort.id)}
                for pair in await m.pairs(cohort.id, "active"):
                    for pid in (pair.mentee_id, pair.mentor_id):
                        mem = members.get(pid)
                        person = await tx.people.get(pid)
                        if mem is None or mem.paused or mem.left or person is None:
                            continue
                        if not person.active:
                            continue
                        now_local = local(now, person.timezone)
                        if not sendable(now_local, cad, self.deps.policy.quiet_hours):
                            continue
                        if await route(tx, person, self.platforms) is None:
                            continue
                        today = now_local.date()
                        started = pair.started_on or cohort.start_on
                        for d in dates:
                            if d.day < started and not (d.milestone == dates[0].milestone
                                                        and d.phase == "main"):
                                continue
                            if not d.day <= today <= d.day + timedelta(days=MILESTONE_GRACE_DAYS):
                                continue
                            key = f"mentor:ms:{pair.id}:{d.milestone}:{d.phase}:{pid}"
                            if await tx.outbox.enqueue_once(
                                key, pid, "mentor.milestone",
                                {"pair": pair.id, "milestone": d.milestone, "phase": d.phase},
                                now,
                            ):
                                added += 1
                        occ = checkin_occurrence(cohort.start_on, cohort.weeks, today, cad)
                        if occ is None or occ < started:
                            continue
                        state = await tx.states.get(pid)
                        if (state is not None and state.flow != FLOW
                                and state.updated_at > now - BUSY_FOR):
                            continue  # mid-survey: the check-in waits for a later tick
                        key = f"mentor:checkin:{pair.id}:{occ.isoformat()}:{pid}"
                        if await tx.outbox.enqueue_once(
                            key, pid, "mentor.checkin",
                            {"pair": pair.id, "occurrence": occ.isoformat()}, now,
                        ):  # only the clock that inserted the key creates the check-in row
                            added += 1
                            closes = occ + timedelta(days=cad.response_days - 1)
                            if await m.checkin_for(pair.id, pid, occ.isoformat()) is None:
                                await m.add_checkin(pair.id, pid, occ.isoformat(), closes)
            await tx.commit()
        return added
