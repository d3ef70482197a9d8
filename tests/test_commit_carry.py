"""`/pulse commit ROUND carry [EARLIER] N`: a chair carries an unfinished commitment over to the
next round word for word, so the round after asks about it again and the results show the change
in progress seen since it was last asked (no retyping, no near-miss text that breaks the match)."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from tests.support import Console, FakeOutward
from tests.test_loop import FIVE, LT, asked_about, closed_round
from tests.test_loop_words import speaks_spanish

PLEDGE = "Interpreters for story times by March"


@pytest.fixture
async def two_rounds(clock: FakeClock) -> tuple[FakeOutward, Console]:
    """listening-tour closed with two commitments (the second in progress); lt-2 asked about
    both (the second: everyone saw no progress) and closed. The chair is jordan."""
    return await asked_about(clock, [f"/pulse commit {LT} Paid training time",
                                     f"/pulse commit {LT} {PLEDGE}",
                                     f"/pulse commit {LT} 2 started"], [["3", "1"]] * len(FIVE))


async def test_a_carried_commitment_is_asked_again_and_its_change_shown(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    app, console = two_rounds
    out = await console.say("/pulse commit lt-2 carry 2")
    assert (f"Carried commitment 2 of {LT} over to lt-2 as commitment 1, word for word "
            f"(in progress): {PLEDGE}") in out
    assert "its results show the change in progress seen since listening-tour" in out
    carried = [c for c in app.db.commitments.values() if c.round_id == "lt-2"]
    assert [(c.number, c.text, c.status) for c in carried] == [(1, PLEDGE, "started")]
    out = await console.say("/pulse commit lt-2 carry 2")
    assert "lt-2 already has that commitment" in out  # once only
    # the next round asks about it and the chair reads the change since lt-2 asked
    await console.say(":clock +7d")
    await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3",
                       progress=[["4" if i % 2 else "5"] for i in range(len(FIVE))])
    out = await console.say("/themes lt-3")
    assert "Since lt-2: 0% → 100% see clear progress; average 1.0 → 4.6" in out


async def test_what_cannot_be_carried_is_said_and_nothing_is_recorded(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    app, console = two_rounds
    before = len(app.db.commitments)
    out = await console.say("/pulse commit lt-2 carry 7")
    assert f"{LT} has no commitment 7 (it has 2 commitments)" in out
    out = await console.say(f"/pulse commit {LT} carry 1")
    assert f"{LT} has no earlier round to carry a commitment from" in out
    out = await console.say("/pulse commit lt-2 carry lt-2 1")
    assert "Name the earlier round" in out
    out = await console.say("/pulse commit lt-2 carry nowhere 1")
    assert "There is no round called nowhere" in out
    await console.say(f"/pulse commit {LT} 1 done")
    out = await console.say("/pulse commit lt-2 carry 1")
    assert (f"Commitment 1 of {LT} is done, so it is not carried over. To take up the same "
            "work again, record it anew: /pulse commit lt-2 TEXT.") in out
    assert len(app.db.commitments) == before
    # a commitment that only starts with the word is a commitment, not a carry
    out = await console.say("/pulse commit lt-2 Carry out a pay equity audit")
    assert "Recorded commitment 1 for lt-2: Carry out a pay equity audit" in out


async def test_a_spanish_chair_carries_with_mantener_naming_the_round(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    app, console = two_rounds
    await speaks_spanish(app, "jordan")
    out = await console.say(f"/encuesta commit lt-2 mantener {LT} 2")
    assert (f"Se trasladó el compromiso 2 de {LT} a lt-2 como compromiso 1, tal cual "
            f"(en marcha): {PLEDGE}") in out
    out = await console.say("/ayuda")
    assert "/encuesta commit RONDA mantener N" in out


@pytest.mark.parametrize("typed", ["carry", "carry ٢", "carry ²", "carry listening-tour -1",
                                   "carry listening-tour ٣", "mantener +2"])
async def test_a_mistyped_carry_is_refused_not_recorded_as_a_commitment(
        two_rounds: tuple[FakeOutward, Console], typed: str) -> None:
    """A carry whose number is not a plain number (Arabic-Indic or superscript digits, a sign)
    or that has none says how to carry; it never becomes a commitment everyone asked is shown
    and the next round asks about ("carry ٢")."""
    app, console = two_rounds
    before = len(app.db.commitments)
    out = await console.say(f"/pulse commit lt-2 {typed}")
    assert "/pulse commit ROUND carry [EARLIER-ROUND] N" in out, out
    assert "Recorded commitment" not in out
    assert len(app.db.commitments) == before


async def test_carrying_from_a_round_this_one_did_not_ask_about_promises_no_change(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    """lt-3 asked about no commitments (lt-2 made none): a commitment of listening-tour carried
    into it is asked about again by the next round, but there is no earlier progress seen to
    show a change from, so none is promised."""
    app, console = two_rounds
    await console.say(":clock +7d")
    await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3")
    out = await console.say(f"/pulse commit lt-3 carry {LT} 2")
    assert f"Carried commitment 2 of {LT} over to lt-3 as commitment 1" in out
    assert "its results show the change" not in out
    assert (f"The next round asks about it again (lt-3 did not ask about {LT}'s commitments, "
            "so there is no earlier progress to compare with)") in out


async def test_everyone_asked_reads_the_change_on_a_carried_commitment_in_results(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    """/results (the share-back) shows a carried-over commitment's change since, as /themes
    and the report do: both figures are ones lt-2's and lt-3's own results show."""
    app, console = two_rounds
    await console.say("/pulse commit lt-2 carry 2")
    await console.say(":clock +7d")
    await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3",
                       progress=[["4" if i % 2 else "5"] for i in range(len(FIVE))])
    await console.say("/pulse share lt-2 send")
    out = await console.say(":as dana", "/results lt-2")
    assert "Progress seen, asked in lt-3: 5 of 5 see clear progress" in out
    assert "Since lt-2: 0% → 100% see clear progress; average 1.0 → 4.6" in out


async def test_a_commitment_is_not_carried_back_to_an_earlier_round(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    app, console = two_rounds
    await console.say(":clock +7d")
    await closed_round(console, round_id="lt-3", start="/pulse start lt-2 as lt-3")
    await console.say("/pulse commit lt-3 Quarterly equity updates at every branch")
    before = len(app.db.commitments)
    out = await console.say("/pulse commit lt-2 carry lt-3 1")
    assert ("lt-3 opened after lt-2: a commitment is carried forward, to a later round. Name a "
            "round that came before lt-2") in out
    assert len(app.db.commitments) == before


async def test_a_number_and_a_mistyped_status_is_an_update_not_a_commitment(
        two_rounds: tuple[FakeOutward, Console]) -> None:
    """`/pulse commit lt-2 1 maybe` when lt-2 has no commitments yet was recorded as the
    commitment "1 maybe", shown to everyone asked; so was "1 strated Budget approved"."""
    app, console = two_rounds
    before = len(app.db.commitments)
    out = await console.say("/pulse commit lt-2 1 maybe")
    assert "lt-2 has no commitment 1 (it has none yet)" in out
    out = await console.say("/pulse commit lt-2 1 strated Budget approved")
    assert "lt-2 has no commitment 1 (it has none yet)" in out
    assert len(app.db.commitments) == before
    await console.say("/pulse commit lt-2 Mentoring for pages")
    out = await console.say("/pulse commit lt-2 1 strated Budget approved")
    assert '"strated" is not a status' in out
    # a commitment that starts with a number still is one
    out = await console.say("/pulse commit lt-2 3 new interpreters by March")
    assert "Recorded commitment 2 for lt-2: 3 new interpreters by March" in out
