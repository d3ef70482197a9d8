"""What the mentorship commands look up: a cohort with its programme and members, handles,
earlier pairings, a person's other running cohort, a programme's topics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conversations.mentorship.cadence import topics_of
from conversations.ports import Mentorship, UnitOfWork
from storage.mentorship_models import MentorCohort, MentorMember, MentorProgramme
from storage.models import Person

COHORT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass
class Cohort:
    """A cohort, its programme and its members."""

    cohort: MentorCohort
    programme: MentorProgramme
    members: list[MentorMember] = field(default_factory=list)


async def load_cohort(m: Mentorship, cohort_id: str) -> Cohort | None:
    cohort = await m.cohort(cohort_id.lower()) if COHORT_ID.match(cohort_id.lower()) else None
    if cohort is None:
        return None
    programme = await m.programme(cohort.programme_id)
    if programme is None:
        return None
    return Cohort(cohort, programme, await m.members(cohort.id))


async def handles(tx: UnitOfWork, ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for pid in ids:
        p = await tx.people.get(pid)
        out[pid] = p.handle if p else "?"
    return out


async def previous_pairs(m: Mentorship) -> set[tuple[int, int]]:
    """Every (mentee, mentor) ever paired: never proposed again."""
    return {(p.mentee_id, p.mentor_id) for p in await m.pairs(None, "active", "ended")}


async def other_cohort(m: Mentorship, person_id: int, cohort_id: str) -> str | None:
    """The running cohort, other than `cohort_id`, this person is in (one at a time)."""
    for mem in await m.memberships(person_id):
        if mem.cohort_id == cohort_id or mem.left:
            continue
        other = await m.cohort(mem.cohort_id)
        if other is not None and other.status != "closed":
            return other.id
    return None


async def topics(m: Mentorship, cohort_id: str) -> dict[str, Any]:
    """The topics of a cohort's programme: value -> labels."""
    cohort = await m.cohort(cohort_id)
    prog = await m.programme(cohort.programme_id) if cohort else None
    return topics_of(prog.definition if prog else {})


def first_name(person: Person) -> str:
    return person.display_name.split(" ")[0]
