"""Anonymity thresholds and differencing, on synthetic answer sets."""

from __future__ import annotations

from conversations.summary import WHOLE, parse_slice, people_at_least, slice_refusal
from storage.models import Response


def answers(n: int, **segments: str) -> list[Response]:
    """n people answering two questions, with the given shared segments."""
    out = []
    for i in range(n):
        for q in ("q1", "q2"):
            out.append(Response(id=f"{segments}{i}{q}", round_id="r", occurrence="2026-11-24",
                                question_id=q, value="3", text=None, segments=dict(segments),
                                week="2026-W48"))
    return out


def test_people_count_is_a_lower_bound_that_is_zero_only_when_empty() -> None:
    assert people_at_least([]) == 0
    assert people_at_least(answers(7)) == 7
    partial = answers(7)[:5]  # q1,q2,q1,q2,q1 -> 3 people answered q1
    assert people_at_least(partial) == 3


def test_submissions_count_people_exactly() -> None:
    rows = answers(3)
    for i, r in enumerate(rows):
        r.submission = f"s{i // 2}"  # each person's two answers share a submission
    assert people_at_least(rows) == 3
    assert people_at_least([r for r in rows if r.question_id == "q1"]) == 3


def test_small_slice_and_small_complement_are_refused() -> None:
    rs = answers(12, branch="Central") + answers(4, branch="Eastside") + answers(3)
    k = 5
    assert slice_refusal(rs, WHOLE, [], k) is None
    assert slice_refusal(rs, ("branch", "Central"), [], k) is None
    assert slice_refusal(rs, ("branch", "Eastside"), [], k) == "themes.too_small"
    assert slice_refusal(rs, ("branch", "central"), [], k) is None  # case-insensitive
    # everyone but 3 is full-time: the 3 part-timers would show as whole minus slice
    rs2 = answers(16, employment="FT") + answers(3, employment="PT")
    assert slice_refusal(rs2, ("employment", "FT"), [], k) == "themes.complement_small"
    # a slice that is the whole round hides nobody
    rs3 = answers(16, employment="FT")
    assert slice_refusal(rs3, ("employment", "FT"), [], k) is None


def test_overlapping_slices_that_differ_by_a_few_people_are_refused() -> None:
    # 10 Central librarians, 2 Central clerks, 10 Eastside clerks
    rs = (answers(10, branch="Central", classification="Librarian")
          + answers(2, branch="Central", classification="Clerk")
          + answers(10, branch="Eastside", classification="Clerk"))
    k = 5
    central, librarians = ("branch", "Central"), ("classification", "Librarian")
    assert slice_refusal(rs, central, [], k) is None
    # Central (12) minus Librarian (10) would expose the 2 Central clerks
    assert slice_refusal(rs, librarians, [central], k) == "themes.overlap_small"
    assert slice_refusal(rs, librarians, [], k) is None
    assert slice_refusal(rs, central, [librarians], k) == "themes.overlap_small"
    assert slice_refusal(rs, ("branch", "Eastside"), [central], k) is None  # disjoint


def test_parse_slice_arguments() -> None:
    assert parse_slice([]) == (None, WHOLE, None)
    assert parse_slice(["Tour-1", "branch=Central"]) == ("tour-1", ("branch", "Central"), None)
    assert parse_slice(["shoe=9"])[2] == "themes.bad_segment"
    assert parse_slice(["branch=A", "employment=PT"])[2] == "themes.one_segment"
    assert parse_slice(["a", "b"])[2] == "themes.usage"
    assert parse_slice(["branch="])[2] == "themes.bad_segment"
