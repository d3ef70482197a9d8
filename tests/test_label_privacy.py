"""A curious chair reads theme labels across views: a label never carries what one person
wrote alone, nor anything from answers no view of the round shows."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.results.retention import Retention
from tests.summaries_support import big_org
from tests.support import Console

# Sixteen Strengths comments: "desk" and "interpreters" four times each, "Kronos" and
# "parking" twice: a theme of all of them is named by its three most mentioned phrases.
SIXTEEN = [
    "Interpreters for Somali families are never available",
    "We wait weeks for interpreters at the branch",
    "Interpreters for Vietnamese take too long",
    "Colleagues who interpret are not paid for it, we need interpreters",
    "Desk coverage is thin on Saturdays",
    "Nobody covers the desk during programs",
    "The desk is staffed by one colleague at lunch",
    "Desk shifts are too long",
    "Kronos scheduling broke again",
    "Scheduling in Kronos ignores holidays",
    "Parking is expensive downtown",
    "The parking garage closes early",
    "Story times reach families in three languages",
    "The new makerspace is popular with teens",
    "Our book club for seniors is growing",
    "Outreach vans visit the farms every week",
]
# A third "parking" would put it in the label instead of "Kronos".
LATE = "Accessible parking near the staff entrance, for my wheelchair"


async def finish(app: Core, handle: str, strengths: str, worries: str = "skip") -> None:
    """`handle` shares their segments, answers Strengths (and Worries), rates 3 and picks."""
    a = console_address(handle)
    await app.router(TextReceived(a, "/pulse"))
    await app.router(TextReceived(a, "yes"))
    for line in [strengths, "skip", "skip", worries, "3", "skip", "3", "skip", "3",
                 "Training and learning"]:
        replies = await app.router(TextReceived(a, line))
    assert "Thank you" in replies[-1].text, replies[-1].text


def labels(out: str) -> list[str]:
    """The theme names a chat reply shows ("1. Desk coverage: 12 comments ...")."""
    return re.findall(r"^(?:outward> |\s+)\d+\. (.+?): \d+ comments", out, re.M)


async def test_a_late_answer_no_view_shows_never_names_a_theme(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Early results were read with sixteen people; one more finishes and the round closes.
    Their answers are kept out of every view (they would differ from it by one person), so
    the theme names must be too: before, a Central view (which the late Eastside person is
    not in) and, after retention, the whole round itself named the theme with their
    "parking" in place of "Kronos"."""
    app = await big_org(tmp_path, clock)
    console = Console(app, clock)
    try:
        await console.say("/pulse start listening-tour", "/pulse early-results listening-tour on")
        central = [f"p{i}" for i in range(1, 20, 2)]  # ten Central staff
        eastside = [f"p{i}" for i in range(0, 12, 2)]  # six Eastside staff
        for handle, text in zip(central + eastside, SIXTEEN[::2] + SIXTEEN[1::2], strict=True):
            await finish(app, handle, text)
        await app.tick()
        ask = "/themes listening-tour question=strengths"
        first = labels(await console.say(":as jordan", ask))
        assert first == ["Desk, interpreters, Kronos"]

        await finish(app, "p12", LATE)  # Eastside
        await console.say(":as amara", "/pulse close listening-tour")
        out = await console.say(":as jordan", f"{ask} branch=Central")
        assert "10 comments" in out  # the Central view is shown, as of the close
        assert labels(out) == first
        assert labels(await console.say(ask)) == first

        clock.advance(timedelta(days=31))
        assert await Retention(app.deps, days=30).purge() == ["listening-tour"]
        assert labels(await console.say(ask)) == first
        assert labels(await console.say(f"{ask} branch=Central")) == first
    finally:
        await app.close()


async def test_a_group_read_first_names_its_themes_from_the_whole_round_for_good(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The chair reads only Central's early results: their theme names come from the whole
    round's comments, so that whole-round view counts as shown. Before, the whole round read
    after one more person finished differed from it by that one person (Central's view by
    seven), and was shown with their "parking" in its name."""
    app = await big_org(tmp_path, clock)
    console = Console(app, clock)
    try:
        await console.say("/pulse start listening-tour", "/pulse early-results listening-tour on")
        central = [f"p{i}" for i in range(1, 20, 2)]
        eastside = [f"p{i}" for i in range(0, 12, 2)]
        for handle, text in zip(central + eastside, SIXTEEN[::2] + SIXTEEN[1::2], strict=True):
            await finish(app, handle, text)
        await app.tick()
        ask = "/themes listening-tour question=strengths"
        first = labels(await console.say(":as jordan", f"{ask} branch=Central"))
        assert first == ["Desk, interpreters, Kronos"]

        await finish(app, "p12", LATE)
        await console.say(":as amara", "/pulse close listening-tour")
        out = await console.say(":as jordan", ask)
        assert labels(out) == first and "16 comments" in out
    finally:
        await app.close()


# Nine people's strengths, one topic each, and a tenth person's two comments naming their
# dialysis (also tests/test_theme_labels.py)
NINE_TOPICS = (
    "Story times reach families in three languages",
    "The makerspace draws teens after school",
    "Book clubs for seniors keep growing",
    "Outreach vans visit the farms",
    "Interpreters are booked quickly now",
    "The new hiring panel is more diverse",
    "Managers listen when we raise concerns",
    "The equity committee publishes its minutes",
    "Land acknowledgements open every program",
)
DIALYSIS = ("Flexible hours helped me keep working during dialysis",
            "If my dialysis schedule changes again I may lose my shifts")


async def test_a_word_one_person_wrote_twice_never_names_a_theme(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Ten people write about ten things; one of them mentions their dialysis in Strengths
    and again in Worries (which nobody else answered, so it is not shown). The comments of
    all questions together were named "Dialysis": one person's words, and a chair who knows
    who is on dialysis knows they answered and what they worry about."""
    app = await big_org(tmp_path, clock)
    console = Console(app, clock)
    try:
        await console.say("/pulse start listening-tour")
        for i, text in enumerate(NINE_TOPICS):
            await finish(app, f"p{i}", text)
        await finish(app, "p9", DIALYSIS[0], worries=DIALYSIS[1])
        await app.tick()
        await console.say("/pulse close listening-tour")
        out = await console.say(":as jordan", "/themes listening-tour")
        assert "Worries: fewer than 10 people wrote comments here" in out
        # the one Worries comment is not counted there either (tests/test_small_cells.py)
        assert "All comments, across questions: 10 comments" in out
        assert labels(out) and not any("dialysis" in label.lower() for label in labels(out))
    finally:
        await app.close()


def test_a_topic_too_few_people_raised_last_round_never_lends_its_name() -> None:
    """Six people wrote twice each about prayer times in the previous round: twelve comments,
    a theme of its own there, but never shown (fewer than ten people). A Kronos theme of this
    round that resembles it took its name, "Prayer times": what those six wrote."""
    from conversations.results.themed import Themed
    from storage.rows import ResponseRow
    from storage.themes.model import Theme, ThemeResult

    def rows(n: int, people: int, start: int) -> list[ResponseRow]:
        return [ResponseRow(f"r{start + i}", ("barriers", "worries")[i % 2], "o", "",
                            f"comment {start + i}", None, {}, f"s{start + i % people}", 1)
                for i in range(n)]

    def themed(themes: list[tuple[str, int, tuple[tuple[str, float], ...]]],
               people: list[int]) -> Themed:
        out: list[Theme] = []
        all_rows: list[ResponseRow] = []
        for j, ((label, n, profile), who) in enumerate(zip(themes, people, strict=True)):
            members = tuple(range(len(all_rows), len(all_rows) + n))
            all_rows += rows(n, who, 100 * j)
            out.append(Theme(j, label, (label.lower(),), label.lower().replace(" ", "-"),
                             members, (0, n, 0), profile=profile))
        assignments = tuple(t.id for t in out for _ in t.members)
        return Themed(all_rows, ThemeResult(tuple(out), assignments))

    prayer = (("prayer", 1.0), ("kronos", 0.6), ("time", 0.5))
    desk = (("desk", 1.0), ("cover", 0.8))
    before = themed([("Prayer times", 12, prayer), ("Desk coverage", 10, desk)], [6, 10])
    now = themed([("Kronos scheduling", 11, (("kronos", 1.0), ("prayer", 0.7))),
                  ("Desk", 10, desk)], [11, 10])
    now.align_to(before, "listening-tour", 10)
    assert [t.label for t in now.result.themes] == ["Kronos scheduling", "Desk coverage"]

