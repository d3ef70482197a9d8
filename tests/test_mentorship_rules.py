"""Mentorship rules as pure functions: matching, cadence, milestones, escalation, CSV parsing."""

from __future__ import annotations

from datetime import date

from conversations.mentorship.cadence import cadence_of, load_definition
from conversations.mentorship.csvimport import ImportProblem, parse_cohort_csv
from conversations.mentorship.escalation import Answer, escalation_reasons
from conversations.mentorship.matching import (
    Applicant,
    least_loaded,
    propose,
    same_reporting_line,
)
from conversations.schedule import checkin_occurrence, milestone_dates, next_checkin
from prompts.loader import load_catalog

START = date(2026, 11, 24)


def a(pid: int, handle: str, **kw: object) -> Applicant:
    return Applicant(pid, handle, **kw)  # type: ignore[arg-type]


def pairs_of(proposal: object) -> set[tuple[str, str]]:
    return {(m.handle, n.handle) for m, n in proposal.pairs}  # type: ignore[attr-defined]


# ---- matching ---------------------------------------------------------------------------------


def test_goals_and_preferences_decide_the_fit() -> None:
    mentees = [a(1, "ana", goals="mock interviews"), a(2, "ben", goals="civil service exam")]
    mentors = [a(3, "cy", goals="civil service exam prep"), a(4, "di", goals="mock interviews")]
    assert pairs_of(propose(mentees, mentors)) == {("ana", "di"), ("ben", "cy")}
    # a stated preference outweighs shared goals
    mentees = [a(1, "ana", goals="mock interviews", prefers=("cy",)), a(2, "ben")]
    assert ("ana", "cy") in pairs_of(propose(mentees, mentors))


def test_shared_days_count_in_spanish_as_in_english() -> None:
    """A lead writing "lun;mié" for a mentee and "mon;wed" for a mentor means the same days."""
    mentees = [a(1, "ana", availability="lun;miércoles")]
    mentors = [a(3, "cy", availability="tue;thu"), a(4, "di", availability="mon; Wed")]
    assert pairs_of(propose(mentees, mentors)) == {("ana", "di")}
    mentees = [a(1, "ana", availability="martes, jueves")]
    assert pairs_of(propose(mentees, mentors[::-1])) == {("ana", "cy")}


def test_same_reporting_line_is_never_paired() -> None:
    boss = a(3, "cy")
    assert same_reporting_line(a(1, "ana", manager="cy"), boss)
    assert same_reporting_line(boss, a(1, "ana", manager="cy"))
    assert same_reporting_line(a(1, "ana", manager="zed"), a(2, "ben", manager="zed"))
    assert not same_reporting_line(a(1, "ana", manager="zed"), a(2, "ben", manager="yo"))
    assert not same_reporting_line(a(1, "ana"), a(2, "ben"))
    result = propose([a(1, "ana", manager="cy", prefers=("cy",))], [boss])
    assert result.pairs == () and [m.handle for m in result.unmatched_mentees] == ["ana"]
    assert [m.handle for m in result.unmatched_mentors] == ["cy"]


def test_previous_pairings_are_never_repeated() -> None:
    mentees = [a(1, "ana", goals="interviews")]
    mentors = [a(3, "cy", goals="interviews"), a(4, "di")]
    assert pairs_of(propose(mentees, mentors)) == {("ana", "cy")}
    assert pairs_of(propose(mentees, mentors, previous={(1, 3)})) == {("ana", "di")}
    assert propose(mentees, mentors[:1], previous={(1, 3)}).pairs == ()


def test_priority_applicants_choose_first() -> None:
    order = ["entry-level", "under-represented"]
    mentors = [a(10, "exec", goals="leadership")]
    plain = a(1, "ana", goals="leadership")
    ur = a(2, "ben", goals="leadership", priority=("under-represented",))
    entry = a(3, "cy", goals="leadership", priority=("entry-level",))
    assert pairs_of(propose([plain, ur], mentors, priority=order)) == {("ben", "exec")}
    assert pairs_of(propose([plain, ur, entry], mentors, priority=order)) == {("cy", "exec")}
    both = a(4, "di", priority=("under-represented", "entry-level"))
    assert pairs_of(propose([entry, both], mentors, priority=order)) == {("di", "exec")}
    # without a priority setting, the earlier applicant (then the better fit) wins
    assert pairs_of(propose([plain, ur], mentors)) == {("ana", "exec")}


def test_odd_numbers_leave_people_unmatched_and_listed() -> None:
    mentees = [a(1, "ana"), a(2, "ben"), a(3, "cy")]
    mentors = [a(10, "mx"), a(11, "my")]
    result = propose(mentees, mentors)
    assert len(result.pairs) == 2 and len(result.unmatched_mentees) == 1
    result = propose(mentees[:1], mentors)
    assert len(result.pairs) == 1 and len(result.unmatched_mentors) == 1


def test_a_good_fit_does_not_strand_someone_who_had_only_one_option() -> None:
    # ana fits mx best, but ben may only have mx (my is his manager): ana takes my
    mentees = [a(1, "ana", goals="leadership"), a(2, "ben", manager="my")]
    mentors = [a(10, "mx", goals="leadership"), a(11, "my")]
    assert pairs_of(propose(mentees, mentors)) == {("ana", "my"), ("ben", "mx")}


def test_liaisons_are_spread_evenly() -> None:
    assert least_loaded([], {}) is None
    assert least_loaded([7, 8], {}) == 7
    assert least_loaded([7, 8], {7: 1}) == 8
    assert least_loaded([7, 8], {7: 1, 8: 1}) == 7


# ---- cadence and milestones ---------------------------------------------------------------


def test_checkins_every_two_weeks_after_the_start_while_the_window_is_open() -> None:
    cad = cadence_of(load_definition())
    assert cad.every_days == 14 and cad.response_days == 7
    assert checkin_occurrence(START, 12, START, cad) is None  # the start day is the kick-off
    assert checkin_occurrence(START, 12, date(2026, 12, 7), cad) is None
    assert checkin_occurrence(START, 12, date(2026, 12, 8), cad) == date(2026, 12, 8)
    assert checkin_occurrence(START, 12, date(2026, 12, 14), cad) == date(2026, 12, 8)
    assert checkin_occurrence(START, 12, date(2026, 12, 15), cad) is None  # window closed
    assert checkin_occurrence(START, 12, date(2026, 12, 22), cad) == date(2026, 12, 22)
    assert checkin_occurrence(START, 12, date(2027, 2, 2), cad) == date(2027, 2, 2)
    assert checkin_occurrence(START, 12, date(2027, 2, 16), cad) is None  # after the end
    assert next_checkin(START, 12, date(2026, 12, 8), cad) == date(2026, 12, 22)
    assert next_checkin(START, 12, date(2027, 2, 2), cad) is None


def test_milestones_with_preparation_and_review_around_the_mock_interview() -> None:
    dates = milestone_dates(START, 12, load_definition()["milestones"])
    got = [(d.milestone, d.phase, d.day.isoformat()) for d in dates]
    assert got == [
        ("kick-off", "main", "2026-11-24"),
        ("mid-point", "main", "2027-01-05"),
        ("mock-interview", "prepare", "2027-01-12"),
        ("mock-interview", "main", "2027-01-19"),
        ("mock-interview", "review", "2027-01-21"),
        ("close", "main", "2027-02-09"),
    ]


def test_default_programme_has_spanish_for_every_text() -> None:
    d = load_definition()
    for m in d["milestones"]:
        for key in ("text", "prepare", "review"):
            if key in m:
                assert set(m[key]) == {"en", "es"}
    for t in d["topics"]:
        assert set(t["label"]) == {"en", "es"}
    cat = load_catalog()
    mentor_keys = {k for k in cat.texts["en"] if k.startswith("mentor.")}
    assert mentor_keys and mentor_keys <= set(cat.texts["es"])


# ---- escalation -------------------------------------------------------------------------------


def test_asking_for_the_liaison_escalates_at_once() -> None:
    latest = Answer("2026-12-08", 1, True, 5, "contact")
    assert escalation_reasons([latest], latest) == ["asked"]
    assert escalation_reasons([latest], latest, paused=True) == ["asked"]


def test_not_meeting_at_two_checkins_in_a_row_escalates() -> None:
    first = Answer("2026-12-08", 1, False)
    assert escalation_reasons([first], first) == []
    second = Answer("2026-12-22", 2, False)
    assert escalation_reasons([first, second], second) == ["not_met"]
    # either side reporting a meeting means the pair met
    met = Answer("2026-12-08", 2, True, 4)
    assert escalation_reasons([first, met, second], second) == []
    # a meeting in between resets the count
    third = Answer("2027-01-05", 1, False)
    assert escalation_reasons([met, second, third], third) == ["not_met"]
    assert escalation_reasons([met, Answer("2026-12-22", 1, True), third], third) == []
    # a paused pair is not flagged
    assert escalation_reasons([first, second], second, paused=True) == []


def test_low_usefulness_twice_escalates() -> None:
    one = Answer("2026-12-08", 1, True, 2)
    assert escalation_reasons([one], one) == []
    two = Answer("2026-12-22", 1, True, 1)
    assert escalation_reasons([one, two], two) == ["low"]
    # the partner's low score does not count towards this person's
    other = Answer("2026-12-22", 2, True, 1)
    assert escalation_reasons([one, other], other) == []
    good = Answer("2026-12-22", 1, True, 4)
    assert escalation_reasons([one, good], good) == []
    assert escalation_reasons([one, two], two, paused=True) == []


# ---- CSV --------------------------------------------------------------------------------------


def said(problems: list[ImportProblem], locale: str = "en") -> list[str]:
    """The problems as a lead reads them in `locale`."""
    from prompts.catalog import load_catalog

    cat = load_catalog()
    return [cat.text(locale, f"mentor.problem.{p.key}", **p.text_values()) for p in problems]


def test_cohort_csv_reports_every_bad_line() -> None:
    rows, problems = parse_cohort_csv(
        "handle,role,goals\nann,mentee,x\n,mentor,\nbob,boss,\nann,mentor,\n@Cy,MENTOR,y\n"
    )
    assert [(r.handle, r.role) for r in rows] == [("ann", "mentee"), ("cy", "mentor")]
    assert said(problems) == [
        "line 3: no handle",
        "line 4: bob: role must be mentee, mentor or liaison, not 'boss'",
        "line 5: ann is listed twice; line 2 is the one imported",
    ]
    # an Excel export (Windows line endings, blank lines): the file's own line numbers
    _, problems = parse_cohort_csv("handle,role\r\nmei,mentor\r\n\r\nkwame,mentee\r\n"
                                   "kwame,mentee\r\n\r\nzed,boss\r\n")
    assert said(problems) == ["line 5: kwame is listed twice; line 4 is the one imported",
                        "line 7: zed: role must be mentee, mentor or liaison, not 'boss'"]
    rows, problems = parse_cohort_csv("name,email\nx,y\n")
    assert (rows, said(problems)) == (
        [], ["the first line must name the columns, with at least handle and role (it "
             "reads: name, email)"]
    )


def test_days_joined_by_and_or_y_are_days() -> None:
    """"lun y mié", "Tue and Thu", "mon/wed": the joining words are not read as days (before,
    "y" made a Spanish lead's sheet say "'y' is not a day of the week")."""
    from conversations.mentorship.matching import day_words

    assert day_words("lun y mié") == ["lun", "mié"]
    assert day_words("Tue and Thu") == ["Tue", "Thu"]
    assert day_words("mon/wed") == ["mon", "wed"]
    assert day_words("martes, jueves o viernes") == ["martes", "jueves", "viernes"]
