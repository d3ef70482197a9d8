"""Matching mentees with mentors, as pure functions: hard rules (never the same reporting line,
never a repeat pairing), soft preferences (stated preferences, shared goals, shared days), the
programme's priority order, and as many matches as possible."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from storage.mentorship_models import MentorMember

_WORD = re.compile(r"[a-záéíóúñü]{3,}")
_STOP = frozenset({"and", "the", "for", "with", "una", "los", "las", "del", "por", "para"})


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


def tags(text: str) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in re.split(r"[;,]", text) if t.strip())


def applicant(member: MentorMember, handle: str) -> Applicant:
    return Applicant(member.person_id, handle, member.goals, member.availability, member.manager,
                     tags(member.priority), tags(member.prefers))


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


# a day's first three letters, Spanish as English (the cohort CSV takes both: "lun;mié")
_SPANISH_DAYS = {"lun": "mon", "mar": "tue", "mié": "wed", "mie": "wed", "jue": "thu",
                 "vie": "fri", "sáb": "sat", "sab": "sat", "dom": "sun"}


WEEK = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})


def day_of(word: str) -> str:
    """A day as mon ... sun ("Tuesday", "mar", "miércoles"); any other word as its first
    three letters (not in WEEK)."""
    code = word.strip().lower()[:3]
    return _SPANISH_DAYS.get(code, code)


# words that join days in an availability ("lun y mié", "Tue and Thu", "mon/wed")
_JOINS = frozenset({"and", "or", "y", "e", "o", "&", "+"})


def day_words(text: str) -> list[str]:
    """The words of an availability that name (or should name) days: split at ; , / and
    spaces, the words joining them left out."""
    return [d for d in re.split(r"[;,/\s]+", text) if d.strip() and d.lower() not in _JOINS]


def _days(text: str) -> set[str]:
    """Days named in an availability ("tue;thu", "martes, jueves", "lun y mié"), as
    mon ... sun."""
    return {day_of(d) for d in day_words(text)}


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
    wanted = {t.lower() for t in applicant.priority}
    return tuple(0 if tag.lower() in wanted else 1 for tag in order)


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
