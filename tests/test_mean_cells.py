"""A rating's average must not pin down a part the thresholds hide. Ten answers averaging
3.6 with "neutral 0" shown can only be 2-4 people answering 2 and the rest 4: the hidden
"disagree" is then a group of 1..k-1 people, read off the average. Such a rating shows every
part in words (the average still shows); where even that pins a part down, it is withheld.
A hidden part is never 0 while another part shows (a 0 is shown), and is of k or more only
where it hides a small one: the average is read with that in mind.

The series of tests/test_shareback_change.py: in lt-2, 8 of 10 agree they feel safe raising
concerns (4) and 2 disagree (2); k = 5."""

from __future__ import annotations

from conversations.results.thresholds import mean_gives_away, shown_parts
from tests.support import Console, FakeOutward
from tests.test_shareback_change import SAFE, series

__all__ = ["series"]

HIDDEN = "disagree not shown · neutral not shown · agree not shown"


def _parts(d: int | None, m: int | None, a: int | None) -> dict[str, int | None]:
    return {"disagree": d, "neutral": m, "agree": a}


def test_an_average_that_pins_a_hidden_part_is_caught() -> None:
    # 3.6 of 10 with no 3s: 2, 3 or 4 people disagree (a part of 1..4)
    assert mean_gives_away(_parts(None, 0, None), 10, 3.6, 5)
    # 3.1 of 10 with no 1s or 2s: exactly one 4 among nine 3s
    assert mean_gives_away(_parts(0, None, None), 10, 3.1, 5)
    # 4.7 of 10 with no 3s: at most one 2 among 5s, and "disagree not shown" is never 0
    # (a 0 is shown): exactly one person disagreed
    assert mean_gives_away(_parts(None, 0, None), 10, 4.7, 5)
    # every part hidden: 3.6 of 10 is 1-4 disagreeing (0 would show "disagree 0" and five
    # 2s or less cannot average 3.6), so even hiding every part pins one
    assert mean_gives_away(_parts(None, None, None), 10, 3.6, 5)
    # 12 answers, 7 agree shown: the other 5 are split between the two hidden parts, each
    # then of 1..4 whatever the average
    assert mean_gives_away(_parts(None, None, 7), 12, 3.2, 5)
    # 13 answers averaging 3.2 with 5 agreeing can only be 4 disagreeing and 4 neutral
    assert mean_gives_away(_parts(None, None, 5), 13, 3.2, 5)
    # 13 answers averaging 2.5, 6 disagreeing: neutral 1-6, agree 1-6 (either could be 5+)
    assert not mean_gives_away(_parts(6, None, None), 13, 2.5, 5)
    # 2.8 with no 3s: 4-7 disagree, 3-6 agree (either could be 0 or 5+): nothing pinned
    assert not mean_gives_away(_parts(None, 0, None), 10, 2.8, 5)
    # 3.7 with no 1s or 2s: 4-7 answered 4 or 5, 3-6 answered 3
    assert not mean_gives_away(_parts(0, None, None), 10, 3.7, 5)
    # every part shown: nothing hidden to give away
    assert not mean_gives_away(_parts(5, 0, 5), 10, 3.0, 5)


async def test_the_chair_and_the_share_back_never_read_a_small_part_off_the_average(
        series: tuple[FakeOutward, Console]) -> None:
    app, console = series
    out = await console.say("/themes lt-2")
    # was "average 3.6 (10 answers) · disagree not shown · neutral 0 (0%) · agree not shown",
    # then "average 3.6 (10 answers) · " + HIDDEN, which still pinned 1-4 people disagreeing
    assert f"• {SAFE}:" not in out and "average 3.6" not in out
    assert "showing them could identify someone: Why? (I have enough time during my paid…); " \
        "I feel safe raising concerns about bias or…" in out
    # the statement of the same round whose average pins nothing keeps its zero
    assert "average 2.8 (10 answers) · disagree not shown · neutral 0 (0%) · agree not shown" \
        in out
    # the share-back stored for staff (and read by anyone with the database) hides it too
    async with app.deps.uow() as tx:
        sent = await tx.sharebacks.get("lt-2")
        assert sent is not None
        assert "safe-to-raise" not in [r["question"] for r in sent.headline["ratings"]]
        assert 3.6 not in [r["mean"] for r in sent.headline["ratings"]]


def _display(split: tuple[int, int, int], mean: float, k: int) -> tuple[object, ...]:
    """What a reader sees of a rating with these parts and this average (summary._rating)."""
    counts = dict(zip(("disagree", "neutral", "agree"), split, strict=True))
    shown = shown_parts(counts, k)
    if mean_gives_away(shown, sum(split), mean, k):
        shown = {key: None for key in shown}
        if mean_gives_away(shown, sum(split), mean, k, counts):
            return ("withheld", sum(split))
    return (sum(split), mean, tuple(shown.values()))


def test_no_rating_a_reader_sees_pins_a_hidden_part() -> None:
    """Every split of 5..14 answers and every average it can have: the splits a reader cannot
    tell apart (shown the same) never all hold 1..k-1 people in a hidden part."""
    for k in (3, 5):
        for n in range(k, 15):
            alike: dict[tuple[object, ...], set[tuple[int, int, int]]] = {}
            for d in range(n + 1):
                for a in range(n - d + 1):
                    split = (d, n - d - a, a)
                    low, high = d + 3 * split[1] + 4 * a, 2 * d + 3 * split[1] + 5 * a
                    for mean in {round(s / n, 1) for s in range(low, high + 1)}:
                        alike.setdefault(_display(split, mean, k), set()).add(split)
            for seen, splits in alike.items():
                parts = seen[2] if seen[0] != "withheld" else (None, None, None)
                assert isinstance(parts, tuple)
                for i, part in enumerate(parts):
                    assert part is not None or any(not 0 < s[i] < k for s in splits), (
                        seen, sorted(splits))


def _choice_of(counts: dict[str, int], k: int = 5) -> object:
    from conversations.questions import Choice, Question
    from conversations.results.summary import _choice
    from storage.rows import ResponseRow

    q = Question("priority", "choice", {"en": "First?"},
                 choices=tuple(Choice(v, {"en": v.title()}) for v in counts))
    rows = [ResponseRow(f"{v}{i}", "priority", "o", v, None, None, {}, None, 1)
            for v, c in counts.items() for i in range(c)]
    return _choice(q, "First?", rows, k, "en")


def test_a_choice_never_names_a_hidden_option_apart_from_those_nobody_chose() -> None:
    """10 chose Hiring, 2 Training, 3 Services, nobody Policies (k=5): "not shown: Training,
    Services" beside "chosen by nobody: Policies" said each of the two was chosen by 1 to 4
    people (15 - 10 = 5 between two options chosen by someone). Named together with the
    option nobody chose, any of them may hold none."""
    from conversations.results.model import ChoiceResult

    got = _choice_of({"hiring": 10, "training": 2, "services": 3, "policies": 0})
    assert isinstance(got, ChoiceResult)
    assert [p.label for p in got.options] == ["Hiring"]
    assert got.hidden == ("Training", "Services", "Policies") and got.nobody == ()
    # 6 between two hidden options: either may hold 5 (5 + 1), nothing pinned: as before
    got = _choice_of({"hiring": 10, "training": 3, "services": 3, "policies": 0})
    assert isinstance(got, ChoiceResult)
    assert got.nobody == ("Policies",) and len(got.hidden) == 2
