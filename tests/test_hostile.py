"""Hostile and clumsy input found by probing every entry point (chat, buttons, HTTP routes, CLI
arguments, CSV and YAML files) as an attacker and as a hurried admin would: each gets a clear
answer, never a traceback or a 5xx, and nothing already stored is lost."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.clock import FakeClock
from bot.server import web_app
from tests.slack_mock import TEAM, Harness, harness
from tests.support import FakeOutward
from tests.teams_mock import TeamsHarness, installation_update, text_message


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


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


@pytest.fixture
async def teams(sqlite_url: str, clock: FakeClock) -> AsyncIterator[TeamsHarness]:
    h = await TeamsHarness.start(sqlite_url, clock)
    yield h
    await h.close()


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
