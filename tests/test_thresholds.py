"""Anonymity thresholds and differencing, on synthetic answer sets
(conversations.results.thresholds)."""

from __future__ import annotations

import itertools

from conversations.results.summary import parse_slice
from conversations.results.thresholds import ALL, WHOLE, Ledger, Shown, people_at_least
from storage.models import Response

_ids = itertools.count()


def answers(n: int, batch: int = 1, questions: tuple[str, ...] = ("q1", "q2"),
            **segments: str) -> list[Response]:
    """n submissions answering `questions`, with the given shared segments, in `batch`."""
    out = []
    for _ in range(n):
        sub = f"s{next(_ids)}"
        for q in questions:
            out.append(Response(id=f"{sub}{q}", round_id="r", occurrence="2026-11-24",
                                question_id=q, value="3", text=None, segments=dict(segments),
                                week="2026-W48", submission=sub, batch=batch))
    return out


def test_people_count_is_a_lower_bound_that_is_zero_only_when_empty() -> None:
    assert people_at_least([]) == 0
    assert people_at_least(answers(7)) == 7
    legacy = answers(7)[:5]
    for r in legacy:
        r.submission = None  # rows without a submission count per (occurrence, question)
    assert people_at_least(legacy) == 3


def test_small_slice_and_small_complement_are_refused() -> None:
    rs = answers(12, branch="Central") + answers(4, branch="Eastside") + answers(3)
    led = Ledger(rs, [], 5)
    assert led.problem(ALL, WHOLE, 1) is None
    assert led.problem(ALL, ("branch", "Central"), 1) is None
    assert led.problem(ALL, ("branch", "Eastside"), 1) == "themes.too_small"
    assert led.problem(ALL, ("branch", "central"), 1) is None  # case-insensitive
    # everyone but 3 is full-time: the 3 part-timers would show as whole minus slice
    led2 = Ledger(answers(16, employment="FT") + answers(3, employment="PT"), [], 5)
    assert led2.problem(ALL, ("employment", "FT"), 1) == "themes.complement_small"
    # a slice that is the whole round hides nobody
    assert Ledger(answers(16, employment="FT"), [], 5).problem(ALL, ("employment", "FT"),
                                                               1) is None


def test_overlapping_slices_that_differ_by_a_few_people_are_refused() -> None:
    # 10 Central librarians, 2 Central clerks, 10 Eastside clerks
    rs = (answers(10, branch="Central", classification="Librarian")
          + answers(2, branch="Central", classification="Clerk")
          + answers(10, branch="Eastside", classification="Clerk"))
    central, librarians = ("branch", "Central"), ("classification", "Librarian")
    assert Ledger(rs, [], 5).problem(ALL, central, 1) is None
    # Central (12) minus Librarian (10) would expose the 2 Central clerks
    assert Ledger(rs, [Shown(central, ALL, 1)], 5).problem(ALL, librarians, 1) \
        == "themes.overlap_small"
    assert Ledger(rs, [], 5).problem(ALL, librarians, 1) is None
    assert Ledger(rs, [Shown(librarians, ALL, 1)], 5).problem(ALL, central, 1) \
        == "themes.overlap_small"
    assert Ledger(rs, [Shown(central, ALL, 1)], 5).problem(
        ALL, ("branch", "Eastside"), 1) is None  # disjoint


def test_three_values_of_one_segment_cannot_isolate_the_fourth() -> None:
    # A, B, C are big enough and their complements too, but whole - A - B would be 2 people
    rs = (answers(6, branch="A") + answers(6, branch="B") + answers(2, branch="C")
          + answers(6, branch="D"))
    shown = [Shown(WHOLE, ALL, 1), Shown(("branch", "A"), ALL, 1),
             Shown(("branch", "B"), ALL, 1)]
    assert Ledger(rs, shown, 5).problem(ALL, ("branch", "D"), 1) == "themes.overlap_small"
    assert Ledger(rs, shown[:2], 5).problem(ALL, ("branch", "D"), 1) is None


def test_results_shown_early_never_move_by_fewer_than_k_people() -> None:
    k = 5
    early = answers(10, batch=1)
    led = Ledger(early, [], k)
    assert led.choose(ALL, WHOLE) == (1, None)
    shown = [Shown(WHOLE, ALL, 1), Shown(WHOLE, "q1", 1)]
    # one more person's answers arrive at close: the view stays as it was shown
    late = early + answers(1, batch=2)
    led = Ledger(late, shown, k)
    assert led.choose(ALL, WHOLE) == (1, None)
    assert led.choose("q1", WHOLE) == (1, None)
    # five more: the totals move by k people, so the newest view is safe
    more = late + answers(4, batch=3)
    assert Ledger(more, shown, k).choose(ALL, WHOLE) == (3, None)


def test_an_item_few_people_answered_in_a_batch_keeps_its_earlier_view() -> None:
    k = 5
    rs = answers(10, batch=1)
    # a batch of five people, only one of whom answered q2
    rs += answers(1, batch=2) + answers(4, batch=2, questions=("q1",))
    shown = [Shown(WHOLE, ALL, 1), Shown(WHOLE, "q1", 1), Shown(WHOLE, "q2", 1)]
    led = Ledger(rs, shown, k)
    assert led.choose(ALL, WHOLE) == (2, None)
    assert led.choose("q1", WHOLE) == (2, None)
    assert led.choose("q2", WHOLE) == (1, None)  # q2 moved by one person: repeat batch 1


def test_a_slice_first_asked_late_is_not_shown_at_a_batch_that_differs_by_a_few() -> None:
    k = 5
    rs = answers(10, batch=1, branch="A") + answers(6, batch=1, branch="B")
    rs += answers(2, batch=2, branch="A") + answers(3, batch=2, branch="B")
    shown = [Shown(("branch", "A"), ALL, 1)]
    led = Ledger(rs, shown, k)
    # A at batch 2 would differ from A at batch 1 by 2 people: A is repeated as of batch 1
    assert led.choose(ALL, ("branch", "A")) == (1, None)
    # the whole round at batch 2 vs A at batch 1: 11 new people, nobody missing; fine
    assert led.choose(ALL, WHOLE) == (2, None)


def test_nothing_released_yet_is_too_small() -> None:
    assert Ledger([], [], 5).choose(ALL, WHOLE) == (None, "themes.too_small")


def test_parse_slice_arguments() -> None:
    assert parse_slice([]) == (None, WHOLE, None)
    assert parse_slice(["Tour-1", "branch=Central"]) == ("tour-1", ("branch", "Central"), None)
    assert parse_slice(["shoe=9"])[2] == "themes.bad_segment"
    assert parse_slice(["branch=A", "employment=PT"])[2] == "themes.one_segment"
    assert parse_slice(["a", "b"])[2] == "themes.usage"
    assert parse_slice(["branch="])[2] == "themes.bad_segment"
