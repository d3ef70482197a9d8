"""Progress answers read in the question's own words: a round that asked "Have you seen
progress on: ...?" (1 = no progress ... 5 = clear progress) is shown to chairs (/themes, the
report, the CSV) and to staff (the share-back, /results) as no progress / some progress /
clear progress, by the commitment's text, in English and in Spanish; never as "agree", never
"…by March?: average". The thresholds hold exactly as for any rating."""

from __future__ import annotations

import functools

import pytest

from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.results.export import csv_text
from conversations.results.report import _legend
from tests.support import Console, FakeOutward
from tests.test_loop import FIVE, LT, asked_about

PLEDGE = "Interpreters for story times by March"


async def speaks_spanish(app: Core, handle: str) -> None:
    async with app.deps.uow() as tx:
        person = await tx.people.by_handle(handle)
        assert person is not None
        person.locale = "es"
        await tx.commit()


@pytest.fixture
async def asked(clock: FakeClock) -> tuple[FakeOutward, Console]:
    """listening-tour closed with two commitments; lt-2 asked about both and closed: all
    five saw progress on the first (4 or 5), four of them none on the second (one skipped)."""
    return await asked_about(
        clock, [f"/pulse commit {LT} {PLEDGE}", f"/pulse commit {LT} Paid training time",
                f"/pulse share {LT} send"],
        [["4" if i % 2 else "5", "skip" if i == 0 else "1"] for i in range(len(FIVE))])


async def test_chairs_read_progress_in_the_questions_words(
        asked: tuple[FakeOutward, Console]) -> None:
    app, console = asked
    out = await console.say("/themes lt-2")
    assert ("Progress seen on what the committee committed to (1-5; no progress = 1-2, "
            "some progress = 3, clear progress = 4-5):") in out
    line = next(x.strip() for x in out.splitlines() if x.strip().startswith(f"• {PLEDGE}:"))
    assert line == (f"• {PLEDGE}: average 4.6 (5 answers) · no progress 0 (0%) · "
                    "some progress 0 (0%) · clear progress 5 (100%)")
    assert "?:" not in out
    # the statements keep their agree scale, and only they are described with it
    assert "Ratings (1-5; disagree = 1-2, neutral = 3, agree = 4-5):" in out
    assert "agree" not in line
    # four answers to the second: under k = 5, withheld like any rating, no count given
    assert "Paid training time: average" not in out
    assert ("could identify someone: Why? (I have enough time during my paid…); Why? (I feel "
            "safe raising concerns about…); Progress seen on: Paid training time.") in out
    assert "Progress seen, asked in lt-2: too few answers to show" in out

    await speaks_spanish(app, "jordan")
    out = await console.say("/temas lt-2")
    assert ("Avance percibido en lo que el comité se comprometió a hacer (1-5; ningún avance "
            "= 1-2, algunos avances = 3, avances claros = 4-5):") in out
    assert (f"• {PLEDGE}: promedio 4,6 (5 respuestas) · ningún avance 0 (0%) · "
            "algunos avances 0 (0%) · avances claros 5 (100%)") in out
    line = next(x.strip() for x in out.splitlines() if x.strip().startswith(f"• {PLEDGE}:"))
    assert "de acuerdo" not in line and "?:" not in out


async def test_the_report_and_csv_use_the_progress_words(
        asked: tuple[FakeOutward, Console]) -> None:
    app, _ = asked
    async with app.deps.uow() as tx:
        rnd = app.db.rounds["lt-2"]
        page = await app.reports.html(tx, rnd)
        spanish = await app.reports.html(tx, rnd, "es")
        built = await app.reports.build(tx, rnd)
    assert isinstance(page, str) and isinstance(spanish, str)
    assert '<h2 id="progress">Progress seen on what we committed to</h2>' in page
    assert ("from 1 (no progress) to 5 (clear progress): no progress is 1-2, some progress 3, "
            "clear progress 4-5.") in page
    progress = page[page.index('id="progress"'):page.index("</section>",
                                                              page.index('id="progress"'))]
    assert f'<th scope="row" class="label">{PLEDGE}</th>' in progress
    assert "clear progress: 5 (100%)" in progress and "agree:" not in progress
    assert "Avance percibido en lo que nos comprometimos a hacer" in spanish
    assert "avances claros: 5 (100%)" in spanish
    assert isinstance(built, tuple)
    # the groups' averages (shown when groups are big enough) say what 1 and 5 mean for each
    asked_about = next(r for r in built[0].ratings if r.progress)
    say = functools.partial(app.deps.catalog.text, "en")
    assert _legend(say, asked_about, True) == (
        f"progress seen on “{PLEDGE}” (1 = no progress, 5 = clear progress)")
    assert _legend(say, built[0].ratings[0], True).endswith(
        "(1 = strongly disagree, 5 = strongly agree)")
    rows = csv_text(built[0], built[1], 5, 10).splitlines()
    mine = [r for r in rows if ",progress-1," in r]
    assert any(",rating,clear progress,5," in r for r in mine), mine
    assert not any(",rating,agree," in r for r in mine)


async def test_staff_read_the_progress_they_saw_in_their_language(
        asked: tuple[FakeOutward, Console]) -> None:
    app, console = asked
    await console.say("/pulse commit lt-2 Quarterly updates", "/pulse share lt-2 send")
    out = await console.say(":as dana", "/results lt-2")
    assert ("Progress people have seen on what we committed to (1 = no progress … "
            "5 = clear progress, averages):") in out
    assert f"• {PLEDGE}: 4.6 of 5 (5 answers), 100% clear progress (4-5)" in out
    assert "I feel safe raising concerns about bias or racism at work: 4.0, 100% agree" in out
    assert "100% agree" not in out.split("Progress people have seen")[1]
    assert "?:" not in out and "Paid training time:" not in out  # under k: never shared

    await speaks_spanish(app, "dana")
    out = await console.say("/resultados lt-2")
    assert ("Avance que han visto en lo que nos comprometimos a hacer (1 = ningún avance … "
            "5 = avances claros, promedios):") in out
    assert f"• {PLEDGE}: 4,6 de 5 (5 respuestas), 100% avances claros (4-5)" in out
    assert "de acuerdo" not in out.split("Avance que han visto")[1]
