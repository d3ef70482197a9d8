"""Rough edges found by trying Outward as each user would, each with the behaviour a person
notices: who enrolled me and how do I leave, buttons that keep their numbers, mentorship
history, the last check-in, a missed milestone after a pause, joining twice, programmes and
texts from the organisation's content, and HTML when a report is asked for in HTML."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.clock import FakeClock
from tests.cli_support import Cli
from tests.support import Console, FakeOutward, in_memory
from tests.test_learning import use_track
from tests.test_mentorship_console import answer, make_cohort

ROOT = Path(__file__).resolve().parent.parent


# ---- learning ---------------------------------------------------------------------------------


async def test_enrolled_people_are_told_who_enrolled_them_and_how_to_leave(
    app: FakeOutward, console: Console
) -> None:
    out = await console.say("/learn enrol bias-basics @dana")
    assert "Enrolled 1 person in" in out and "(0 were already in it)" in out
    assert "(to dana) Amara Okafor enrolled you in the learning track" in out
    assert "/learn leave bias-basics takes you out (your progress is kept)" in out
    out = await console.say(":as amara", "/learn enrol bias-basics branch=Central")
    assert "Enrolled 4 people" in out and "(1 was already in it)" in out
    assert "(to luis) Amara Okafor le inscribió en la ruta de aprendizaje" in out
    assert "/aprender salir bias-basics le da de baja" in out
    assert out.count("enrolled you") == 2, "nobody is told they enrolled themselves"


async def test_a_nudges_buttons_keep_their_numbers_with_or_without_reflect(
    app: FakeOutward, console: Console
) -> None:
    use_track(app)  # step one has a reflection question, step two does not
    first = await console.say(":as dana", "/learn join test-track")
    assert ("[1] Done  [2] Snooze till tomorrow  [3] Snooze a week  [4] Skip  "
            "[5] Stop this track  [6] Reflect") in first
    assert "Snoozed until November 25, 2026" in await console.say("2")
    out = await console.say(":clock +1d", "1", ":clock +7d")
    second = out.split("step 2 of 3")[1]
    assert second.rstrip().endswith(
        "[1] Done  [2] Snooze till tomorrow  [3] Snooze a week  [4] Skip  [5] Stop this track")
    assert "Snoozed until" in await console.say("2")


# ---- mentorship -------------------------------------------------------------------------------


async def test_history_shows_a_pause_on_either_side(app: FakeOutward, console: Console) -> None:
    await make_cohort(console)
    await answer(console, "rosa", "/mentor pause")
    out = await answer(console, "mei", "/mentor history")
    assert "Rosa has paused their check-ins for now." in out
    out = await answer(console, "rosa", "/mentor history")
    assert "Sus seguimientos están en pausa; /mentoria reanudar los vuelve a activar." in out
    await answer(console, "rosa", "/mentor resume")
    out = await answer(console, "mei", "/mentor history")
    assert "paused" not in out


async def test_the_last_checkin_says_it_was_the_last(app: FakeOutward, console: Console) -> None:
    await console.say("/mentor create library short start=2026-11-24 weeks=4",
                      "/mentor import short mentorship-cohort.csv", "/mentor propose short",
                      "/mentor confirm short", ":clock +14d")
    out = await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
    assert "That was the last check-in of the programme." in out
    assert "Next check-in" not in out and ": -." not in out


async def test_a_paused_mentee_gets_the_milestone_they_missed_when_they_resume(
    app: FakeOutward, console: Console
) -> None:
    await make_cohort(console)
    await answer(console, "rosa", "/mentor pause")
    out = await console.say(":clock 2027-01-05T10:00")  # the mid-point fell on 2027-01-05
    assert "(to mei) Mentorship milestone with Rosa Delgado: Mid-point" in out
    assert "(to rosa) Hito" not in out
    await console.say(":clock 2027-01-14T10:00")  # past the prompt's grace days
    out = await answer(console, "rosa", "/mentor resume")
    assert "Hito de mentoría con Mei Tanaka: Mitad del programa" in out
    # and the one still within its grace days comes from the planner as usual
    assert "Entrevista de práctica en una semana" in out
    out = await answer(console, "rosa", "/mentor pause", "/mentor resume")
    assert "Mitad del programa" not in out, "a prompt is sent once"


async def test_joining_a_cohort_twice_says_so(app: FakeOutward, console: Console) -> None:
    await console.say("/mentor create library lib start=2026-11-24 weeks=12")
    out = await answer(console, "rosa", '/mentor join lib mentee goals="liderazgo"')
    assert "Usted se inscribió en lib como persona mentoreada" in out
    out = await answer(console, "rosa", '/mentor join lib mentor goals="otra cosa"')
    assert "Usted ya forma parte de lib como persona mentoreada" in out
    out = await answer(console, "amara", "/mentor pair lib tom rosa")
    assert "tom no es" not in out and "tom is not a mentee in lib" in out


async def test_programmes_come_from_the_organisations_content(
    clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "content" / "mentorship"
    folder.mkdir(parents=True)
    default = (ROOT / "prompts/mentorship/default.yaml").read_text("utf-8")
    folder.joinpath("leadership.yaml").write_text(
        default.replace("id: default", "id: leadership")
        .replace("Kick-off: meet your pair", "Leadership kick-off: meet your pair"), "utf-8")
    app = await in_memory(clock, env={"OUTWARD_CONTENT_DIR": str(tmp_path / "content")})
    console = Console(app, clock)
    out = await console.say(
        "/mentor create leadership lead1 start=2026-11-24 weeks=12",
        "/mentor import lead1 mentorship-cohort.csv", "/mentor propose lead1",
        "/mentor confirm lead1")
    assert "(to fatima) Mentorship milestone with Grace Kim: Leadership kick-off" in out
    # dates through the catalog
    assert ("Created cohort lead1 of leadership: 12 weeks from November 24, 2026 to "
            "February 15, 2027") in out
    await console.say("/mentor create library lib2 start=2026-12-01 weeks=8")
    assert "Leadership" not in str(app.db.programmes["library"].definition)
    await app.close()


# ---- reports ----------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "OUTWARD_ORGANISATION": "Harbor County Library"}
    return Cli(env, capsys, monkeypatch)


def test_report_learning_writes_html_when_asked(cli: Cli, tmp_path: Path) -> None:
    assert cli("roster", "import", "--sample").code == 0
    page = tmp_path / "learning.html"
    done = cli("report", "learning", "--out", str(page))
    assert done.code == 0 and f"Wrote {page}" in done.out
    html = page.read_text("utf-8")
    assert html.startswith("<!doctype html>") and "<h2>Noticing implicit bias</h2>" in html
    assert "Harbor County Library" in html and "0 people enrolled" in html
    text = cli("report", "learning", "--format", "text")
    assert text.code == 0 and "<" not in text.out and "Learning tracks" in text.out
    asked = cli("report", "learning", "--format", "html")
    assert asked.out.startswith("<!doctype html>")
    refused = cli("report", "listening-tour", "--format", "text")
    assert refused.code == 2 and "a round's report is HTML" in refused.err
    assert sqlite3.connect(tmp_path / "outward.db").execute(
        "SELECT count(*) FROM people").fetchone() == (14,)
