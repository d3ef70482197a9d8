"""What a committee chair reads must be something they can act on, in English and Spanish:
progress on a commitment as how people split (never a count a threshold hides) and the change
since a carried-over commitment was last asked; an organisation's own question ending in "?"
never printed as "…?: 3.9"; the report's tone column labelled."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from conversations.loop.render import shareback_text
from conversations.questions import Question
from conversations.results.model import Part, RatingResult, Summary, Withheld
from conversations.results.render import rating_line, withheld_line
from prompts.catalog import load_catalog
from tests.support import Console, FakeOutward
from tests.test_loop import FIVE, LT, asked_about, closed_round
from tests.test_loop_words import speaks_spanish

PLEDGE = "Interpreters for story times by March"


@pytest.fixture
async def carried(clock: FakeClock) -> tuple[FakeOutward, Console]:
    """listening-tour: two commitments. lt-2 asked about both: the first 5, 5, 4, 3, 3 (clear
    progress 3 and some 2: both under k = 5), the second all 1. The committee carried the
    second over (same text, other case) into lt-2's commitments; lt-3 asked: all 4 or 5."""
    app, console = await asked_about(
        clock, [f"/pulse commit {LT} Paid training time", f"/pulse commit {LT} {PLEDGE}"],
        [[first, "1"] for first in ("5", "5", "4", "3", "3")])
    await console.say(f"/pulse commit lt-2 {PLEDGE.lower()}.")
    await console.say(":clock +7d")
    await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3",
                       progress=[["4" if i % 2 else "5"] for i in range(len(FIVE))])
    return app, console


async def test_a_chair_reads_how_people_split_on_progress_and_the_change_since(
        carried: tuple[FakeOutward, Console]) -> None:
    app, console = carried
    out = await console.say("/themes lt-2")
    # was "Progress seen, asked in lt-2: 4.0 of 5 (5 answers)": an average alone; then "0 of 5
    # see no progress; clear progress and some progress not shown separately", which says
    # each of the two is 1..4 people (neither is 0, or it would show): withheld
    assert ("   Progress seen, asked in lt-2: too few answers to show without identifying "
            "anyone") in out
    assert "average 4.0 of 5" not in out
    assert ("   Progress seen, asked in lt-2: 0 of 5 see clear progress, 0 some progress, "
            "5 no progress (average 1.0 of 5)") in out
    assert " 3 " not in out.split("Progress on what we committed to")[1]  # never under k
    out = await console.say("/themes lt-3")
    assert ("   Progress seen, asked in lt-3: 5 of 5 see clear progress, 0 some progress, "
            "0 no progress (average 4.6 of 5)\n"
            "       Since lt-2: 0% → 100% see clear progress; average 1.0 → 4.6") in out

    await speaks_spanish(app, "jordan")
    out = await console.say("/temas lt-3")
    assert ("   Avance percibido, según lt-3 — avances claros: 5 de 5, algunos avances: 0, "
            "ningún avance: 0 (promedio 4,6 de 5)\n"
            "       Desde lt-2: avances claros, del 0% al 100%; promedio de 1,0 a 4,6") in out
    out = await console.say("/temas lt-2")
    assert "no se muestran por separado" not in out and "promedio 4,0 de 5" not in out


async def test_the_report_shows_the_split_the_change_and_labelled_tone(
        carried: tuple[FakeOutward, Console]) -> None:
    app, _ = carried
    async with app.deps.uow() as tx:
        page = await app.reports.html(tx, app.db.rounds["lt-3"])
        spanish = await app.reports.html(tx, app.db.rounds["lt-3"], "es")
    assert isinstance(page, str) and isinstance(spanish, str)
    assert ("<td>5 of 5 see clear progress, 0 some progress, 0 no progress (average 4.6 of 5; "
            "asked in lt-3)<br><small>Since lt-2: 0% → 100% see clear progress; average "
            "1.0 → 4.6</small></td>") in page
    assert '<th scope="col">Progress seen</th>' in page and "(1-5)</th>" not in page
    assert ("<small>Desde lt-2: avances claros, del 0% al 100%; promedio de 1,0 a "
            "4,6</small>") in spanish
    # the groups table's heading, in plain words
    assert "Answers at least" not in page and "Respuestas, al menos" not in spanish


def _rating(text: str) -> RatingResult:
    parts = (Part("disagree", "disagree", 5, 0.25), Part("neutral", "neutral", 0, 0.0),
             Part("agree", "agree", 15, 0.75))
    return RatingResult("safe", text, 20, 3.9, parts)


def test_a_question_of_our_own_is_quoted_before_a_colon_never_question_mark_colon() -> None:
    cat = load_catalog()
    line = rating_line(cat, "en", _rating("How safe do you feel?"))
    assert line.startswith("• “How safe do you feel?”: average 3.9 (20 answers)"), line
    assert "?:" not in line
    line = rating_line(cat, "es", _rating("¿Qué tan seguro se siente?"))
    assert line.startswith("• «¿Qué tan seguro se siente?»: promedio 3,9"), line
    # a statement still reads as before, without its full stop
    assert rating_line(cat, "en", _rating("I feel safe.")).startswith("• I feel safe: average")
    summary = Summary("r", "R", "closed", "", 20, 20, (), None, None,  # type: ignore[arg-type]
                      withheld=(Withheld("safe", "How safe do you feel?"),))
    assert withheld_line(cat, "en", summary).endswith("someone: “How safe do you feel?”.")
    # the share-back staff read
    q = Question(id="safe", kind="rating", text={"en": "How safe do you feel?"})
    text = shareback_text(cat, "en", _round(), {"shown": True, "invited": 20, "completed": 20,
                                                 "ratings": [{"question": "safe", "mean": 3.9,
                                                              "answers": 20, "agree": 0.75}]},
                          [q], [], {})
    assert "• “How safe do you feel?”: 3.9, 75% agree (20 answers)" in text
    assert "?:" not in text


def _round() -> object:
    from storage.models import Round

    return Round(id="r", template="t", title={"en": "R"}, owner={"en": "the committee"},
                 status="closed", audience={}, schedule={}, k_responses=5, k_comments=10)
