"""Hostile and clumsy input found by probing every entry point (chat, buttons, HTTP routes, CLI
arguments, CSV and YAML files) as an attacker and as a hurried admin would: each gets a clear
answer, never a traceback or a 5xx, and nothing already stored is lost."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.console.adapter import address_for
from bot.bootstrap import Outward
from bot.clock import FakeClock
from bot.server import web_app
from conversations.events import ButtonPressed, TextReceived
from conversations.learning.render import DONE, SKIP, SNOOZE
from conversations.mentorship.csvimport import parse_cohort_csv
from conversations.messages import Message
from conversations.registry import Command
from tests.cli_support import Cli
from tests.slack_mock import TEAM, Harness, harness
from tests.support import Console, FakeOutward
from tests.teams_mock import TeamsHarness, installation_update, text_message


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli({"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db"}, capsys,
               monkeypatch)


# ---- HTTP: headers and query strings --------------------------------------------------------


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock) as h:
        yield h


@pytest.mark.parametrize(("timestamp", "signature"), [
    ("9" * 400, None),  # a number too big to compare with the clock
    ("\u00b2", None),  # a digit to str.isdigit, not to int()
    (None, "v0=\u00e9" + "0" * 63),  # hmac.compare_digest refuses non-ASCII text
])
async def test_slack_signature_headers_that_are_not_plain_ascii_get_401(
    slack: Harness, timestamp: str | None, signature: str | None
) -> None:
    calls = len(slack.mock.calls)
    headers = {"X-Slack-Signature": signature} if signature else None
    resp = await slack.post('{"type": "url_verification", "challenge": "c"}',
                            "application/json", timestamp=timestamp, headers=headers)
    assert resp.status == 401 and "invalid request" in await resp.text()
    assert len(slack.mock.calls) == calls


async def test_slack_command_with_a_control_character_in_an_id_is_refused(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    for field in ("user_id", "team_id"):
        form = {"command": "/privacy", "text": "", "user_id": "U0DANA", "team_id": TEAM,
                "channel_id": "D0DANA", field: "U0\x00"}
        with caplog.at_level(logging.INFO):
            resp = await slack.post(urlencode(form), "application/x-www-form-urlencoded")
            await slack.settle()
        assert resp.status == 400 and "control character" in (await resp.json())["error"]
    assert errors(caplog) == [] and slack.mock.hooks == []


async def test_a_report_link_with_a_non_ascii_signature_is_refused_not_a_500(
    app: FakeOutward
) -> None:
    client = TestClient(TestServer(web_app(app), host="127.0.0.1"))  # type: ignore[arg-type]
    await client.start_server()
    try:
        for query in ("chair=1&expires=99999999999&sig=%C3%A9",
                      "chair=1&expires=99999999999&sig=" + "%C3%A9" * 32):
            resp = await client.get(f"/report/listening-tour?{query}")
            assert resp.status == 403, query
            assert "This link is not valid" in await resp.text()
    finally:
        await client.close()


# ---- Teams: ids ---------------------------------------------------------------------------------


async def test_teams_activities_with_control_characters_in_ids_are_refused(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture
) -> None:
    dana = teams.people["dana"]
    good = text_message(teams.url, dana, "help")
    cases = [
        {**good, "from": {"id": "29:\x00dana", "name": "Dana"}},
        {**good, "conversation": {**good["conversation"], "id": "a:\x00"}},
        {**good, "conversation": {**good["conversation"], "tenantId": "t\x00"}},
        {**good, "channelData": {"tenant": {"id": "\x1b"}}},
        {**installation_update(teams.url, dana), "from": {"id": "29:\x00"}},
    ]
    with caplog.at_level(logging.INFO):
        for act in cases:
            status, body = await teams.post(act)
            assert status == 400 and "control character" in body, act
    assert errors(caplog) == [] and teams.mock.requests == []
    status, _ = await teams.post(good)  # the same activity with clean ids is answered
    assert status == 200 and teams.mock.cards()


# ---- chat: typed text and forged buttons ----------------------------------------------------


async def test_lone_surrogates_in_typed_text_do_not_lose_the_answer(
    app: FakeOutward, console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    """JSON can carry "\\ud800" on its own (Slack and Teams bodies, a terminal's bad bytes): it
    is no character, and the name recogniser and the database refuse it. It is read as U+FFFD
    and the answer goes on."""
    await console.say("/pulse start listening-tour", ":as dana", "/pulse", "1")
    with caplog.at_level(logging.INFO):
        out = await console.say("Yes, include them", "Story times \ud800 with Grace Kim")
    assert "Question 3 of 8" in out and "went wrong" not in out
    assert errors(caplog) == []
    out = await console.say(":as amara", "/pulse start listening-tour as \udcff")
    assert '"\ufffd" is not a round id' in out


async def test_forged_learning_buttons_store_nothing(app: FakeOutward) -> None:
    """A step id that is not the track's, or a step pressed twice, changes no enrolment."""
    await app.router(TextReceived(address_for("dana"), "/learn join bias-basics"))
    first = app.deps.tracks["bias-basics"].steps[0].id

    async def press(action: str, value: str) -> str:
        out = await app.router(ButtonPressed(address_for("dana"), action, value, ""))
        return "\n".join(m.text for m in out)

    async def enrolment() -> tuple[list[str], list[str], str]:
        async with app.deps.uow() as tx:
            dana = await tx.people.by_handle("dana")
            assert dana is not None
            e = await tx.enrolments.get(dana.id, "bias-basics")
            assert e is not None
            return list(e.done or []), list(e.skipped or []), e.status

    before = await enrolment()
    for action in (DONE, SKIP, SNOOZE):
        for value in ("bias-basics|not-a-step", "bias-basics|" + "x" * 2000,
                      "bias-basics|not-a-step|7"):
            assert "no longer in use" in await press(action, value), (action, value)
    assert await enrolment() == before
    assert "Skipped" in await press(SKIP, f"bias-basics|{first}")
    await press(SKIP, f"bias-basics|{first}")
    assert (await enrolment())[1] == [first], "a step pressed twice is skipped once"


async def test_forged_button_values_a_database_cannot_take_are_unknown(
    sql_app: Outward, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        for value in ("9" * 30 + "|yes", "9223372036854775808|yes"):
            out = await sql_app.router(ButtonPressed(address_for("rosa"), "mentor:met",
                                                     value, ""))
            assert [m.text for m in out] == [
                "Ese botón ya no está en uso. Escriba ayuda para ver lo que puede hacer."], value
        # a survey button naming a round with characters no database takes
        for value in ("listening-tour\ud800|2026-11-24", "listening-tour\x00|x\x00"):
            out = await sql_app.router(ButtonPressed(address_for("rosa"), "pulse:start",
                                                     value, "k\udcff"))
            assert "no hay ninguna encuesta abierta" in out[-1].text, value
    assert errors(caplog) == []


async def test_starting_a_round_under_a_bad_new_id_names_that_id(
    app: FakeOutward, console: Console
) -> None:
    out = await console.say("/pulse start listening-tour as ../x")
    assert '"../x" is not a round id' in out and "listening-tour" not in out.split("use ")[0]


def test_the_cli_names_the_bad_new_id_too(cli: Cli) -> None:
    done = cli("pulse", "start", "listening-tour", "--as-id", "Bad Id")
    assert done.code == 2 and '"Bad Id" is not a round id' in done.out


# ---- cohort CSV files (/mentor import) --------------------------------------------------------


@pytest.mark.parametrize(("text", "imported", "problems"), [
    # a quote never closed would swallow every later line into one goals cell
    ('handle,role,goals\nmei,mentor,\nkwame,mentee,"never closed\nsam,mentor,\n', ["mei"],
     ["line 3: unexpected end of data (a quote is never closed)"]),
    ("handle,role,goals\nkwame,mentee,lead\x00ing\nm\x00ei,mentor,\n", [],
     ["line 2: kwame: a value holds a control character",
      "line 3: a value holds a control character"]),
    ("handle,role,role\nkwame,mentee,mentor\n", [],
     ["the header names role more than once; keep one"]),
    ("handle;role;goals\nkwame;mentee;x\n", [],
     ["the columns are separated by ';': in Excel, use Save As › CSV UTF-8 "
      "(Comma delimited)"]),
])
def test_cohort_csv_files_that_would_import_the_wrong_thing_say_so(
    text: str, imported: list[str], problems: list[str]
) -> None:
    from tests.test_mentorship_rules import said

    rows, found = parse_cohort_csv(text)
    assert [r.handle for r in rows] == imported
    assert said(found) == problems


async def test_a_cohort_csv_with_a_huge_cell_is_a_problem_not_an_error(
    app: FakeOutward, console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)  # chat imports read bare file names from the working folder
    (tmp_path / "big.csv").write_text("handle,role,goals\nkwame,mentee," + "x" * 200_000 + "\n"
                                      "mei,mentor,\n", "utf-8")
    await console.say("/mentor create library c1 start=2026-12-01 weeks=12")
    with caplog.at_level(logging.INFO):
        out = await console.say("/mentor import c1 big.csv")
    assert "went wrong" not in out and errors(caplog) == []
    assert "Nothing was imported" in out and "field larger than field limit" in out


async def test_a_cohort_csv_that_imports_nobody_says_nothing_was_imported(
    app: FakeOutward, console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "excel.csv").write_text("\ufeffhandle;role\r\nmei;mentor\r\n", "utf-8")
    await console.say("/mentor create library c1 start=2026-12-01 weeks=12")
    out = await console.say("/mentor import c1 excel.csv")
    assert "Nothing was imported into c1" in out and "separated by ';'" in out
    assert "Imported into" not in out and "/mentor propose" not in out


# ---- CLI arguments and console controls -----------------------------------------------------


def test_theming_a_file_without_comments_says_so(cli: Cli, tmp_path: Path) -> None:
    for name, text in (("header.csv", "text\n"), ("blank.csv", "text,other\n ,x\n,y\n")):
        (tmp_path / name).write_text(text, "utf-8")
        done = cli("themes", str(tmp_path / name))
        assert done.code == 2 and "Traceback" not in done.err
        assert f"{tmp_path / name} has no comments in column 'text'" in done.err


async def test_the_console_clock_refuses_times_it_cannot_reach(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    before = clock.now()
    for spec in ("9999-12-31T23:59", "+9999w"):
        out = await console.say(f":clock {spec}")
        assert "at most ten years" in out, spec
    assert clock.now() == before
    assert "the time is now" in await console.say(":clock +1w")


async def test_the_apology_for_an_unexpected_failure_is_in_the_persons_language(
    app: FakeOutward, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(tx: object, person: object, args: str) -> list[Message]:
        raise RuntimeError("a bug")

    app.registry.commands["broken"] = Command(broken)
    with caplog.at_level(logging.CRITICAL):  # the failure itself is logged with its traceback
        spanish = await app.router(TextReceived(address_for("luis"), "/broken"))
        english = await app.router(TextReceived(address_for("dana"), "/broken"))
    assert spanish[0].text.startswith("Lo sentimos, algo falló de nuestro lado")
    assert english[0].text.startswith("Sorry, something went wrong on our side")


# ---- dates far away, times that do not exist ---------------------------------------------------


async def test_a_start_time_the_clocks_skip_is_refused_with_the_reason(
        app: FakeOutward, console: Console) -> None:
    # 2:30 AM on 14 March 2027 does not exist in Los Angeles: it used to be accepted, shown as
    # "2:30 AM (your time)", and opened at 3:30
    out = await console.say("/pulse schedule listening-tour start=2027-03-14T02:30")
    assert out.strip().endswith(
        "2027-03-14T02:30 does not exist in America/Los_Angeles: the clocks go forward an hour "
        "that night. Pick another time, for example an hour later."), out
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get("listening-tour")
        assert rnd is None or rnd.starts_at is None  # nothing was scheduled
    out = await console.say("/pulse schedule listening-tour start=2027-03-14T03:30")
    assert "opens March 14, 2027, 3:30 AM (your time)" in out, out
    # the hour the clocks repeat exists (its first time is taken)
    out = await console.say("/pulse schedule listening-tour start=2027-11-07T01:30")
    assert "opens November 7, 2027, 1:30 AM (your time)" in out, out




async def test_rounds_and_cohorts_cannot_start_in_year_9999(
    app: FakeOutward, console: Console, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        for start in ("9999-12-31T23:59", "9999-12-31", "2062-06-01"):
            out = await console.say(f"/pulse schedule listening-tour start={start}")
            assert "That start is more than five years away: check the year." in out, start
        out = await console.say("/pulse schedule listening-tour start=2030-11-01")
        assert "Scheduled" in out
        for start in ("9999-12-31", "0001-01-01", "2062-06-01", "2020-06-01"):
            out = await console.say(f"/mentor create library c1 start={start} weeks=104")
            assert ("Pick a start within five years of today (between November 24, 2021 and "
                    "November 24, 2031)") in out, start
    assert errors(caplog) == []
    assert "Created cohort c1" in await console.say(
        "/mentor create library c1 start=2025-06-01 weeks=104")


def test_scrub_reads_bytes_that_are_not_utf8_as_replacement_characters(
    cli: Cli, tmp_path: Path
) -> None:
    """A terminal hands undecodable bytes over as lone surrogates (surrogateescape); the name
    recogniser cannot encode them."""
    roster = tmp_path / "roster.csv"
    roster.write_text("handle,name\nana,Ana Ruiz\n", "utf-8")
    done = cli("scrub", "--roster", str(roster),
               stdin="Ana Ruiz said \udcff\udcfe hello to Grace Kim\nplain line\n")
    assert done.code == 0 and "Traceback" not in done.err
    assert done.out.splitlines()[1] == "plain line"
    assert "Ana Ruiz" not in done.out and " \ufffd\ufffd hello" in done.out
