"""The `/api/messages` endpoint over real HTTP: authentication, what is not an activity, every
recorded Teams activity (never a 5xx), and `python -m bot` serving it."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from tests.support import shared_data
from tests.teams_mock import (
    TeamsHarness,
    card_text,
    text_message,
)

FIXTURES = shared_data() / "teams_activity_fixtures"


def _fixtures() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(p for p in FIXTURES.rglob("*.json") if p.name != "INDEX.json")


needs_fixtures = pytest.mark.skipif(
    not FIXTURES.is_dir(), reason=f"shared Teams fixtures not found at {FIXTURES} "
    "(set OUTWARD_SHARED_DATA)"
)


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail any name lookup other than loopback: the bot must not reach Microsoft (or anyone)."""
    real = socket.getaddrinfo
    attempted: list[str] = []

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1", None):
            attempted.append(str(host))
            raise OSError(f"test: no network to {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield attempted


@pytest.fixture
async def teams_auth(sqlite_url: str, clock: FakeClock) -> AsyncIterator[TeamsHarness]:
    env = {"MicrosoftAppId": "2b6e6bd4-6a1f-4a5a-9d8e-1c1b8a3a0f11",
           "MicrosoftAppPassword": "not-a-real-secret"}
    harness = await TeamsHarness.start(sqlite_url, clock, env=env)
    yield harness
    await harness.close()


# ---- authentication --------------------------------------------------------------------------


async def test_auth_on_refuses_a_request_without_a_token(
    teams_auth: TeamsHarness, no_internet: list[str]
) -> None:
    act = text_message(teams_auth.url, teams_auth.people["dana"], "help")
    status, body = await teams_auth.post(act)
    assert status == 401
    assert "error" in json.loads(body)
    status, _ = await teams_auth.post(act, headers={"Authorization": "Basic abc"})
    assert status == 401
    assert teams_auth.mock.requests == [], "nothing was sent anywhere"
    assert no_internet == [], "no token means no OpenID metadata fetch either"


async def test_auth_on_refuses_a_forged_token_without_crashing(
    teams_auth: TeamsHarness, no_internet: list[str]
) -> None:
    act = text_message(teams_auth.url, teams_auth.people["dana"], "help")
    forged = "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJhdWQiOiJ4In0.c2ln"
    status, _ = await teams_auth.post(act, headers={"Authorization": forged})
    assert status == 401
    assert teams_auth.mock.requests == []


async def test_dev_mode_accepts_unauthenticated_requests(teams: TeamsHarness) -> None:
    status, _ = await teams.post(text_message(teams.url, teams.people["dana"], "help"))
    assert status == 200


async def test_without_credentials_or_dev_flag_teams_is_not_served(
    sqlite_url: str, clock: FakeClock
) -> None:
    from bot.platforms import attach_platforms
    from bot.server import web_app
    from tests.support import wired

    app = await wired(sqlite_url, clock, env={})
    try:
        web = web_app(app)
        assert await attach_platforms(app, web) == []
        assert "teams" not in app.senders
        assert not any(r.resource and r.resource.canonical == "/api/messages"
                       for r in web.router.routes())
    finally:
        await app.close()


# ---- what is not an activity -----------------------------------------------------------------


async def test_malformed_requests_get_4xx(teams: TeamsHarness) -> None:
    good = text_message(teams.url, teams.people["dana"], "help")
    cases: list[tuple[bytes, dict[str, str]]] = [
        (b"{not json", {}),
        (b"", {}),
        (b"[1, 2]", {}),
        (b'"text"', {}),
        (json.dumps({"text": "no type"}).encode(), {}),
        (json.dumps({**good, "serviceUrl": "ftp://x"}).encode(), {}),
        (json.dumps({**good, "serviceUrl": "http://[::1"}).encode(), {}),  # urlsplit refuses it
        (json.dumps({**good, "serviceUrl": "https://"}).encode(), {}),
        (json.dumps({**good, "conversation": "nope"}).encode(), {}),
        (json.dumps({**good, "from": "nope"}).encode(), {}),
        (json.dumps({**good, "timestamp": {"a": 1}}).encode(), {}),
        (b"\xff\xfe\x00", {}),
        (b"[" * 100_000 + b"]" * 100_000, {}),  # nesting deep enough to exhaust recursion
        (json.dumps(good).encode(), {"Content-Type": "text/plain"}),
        (json.dumps(good).encode(), {"Content-Type": ""}),
    ]
    for raw, headers in cases:
        h = {"Content-Type": "application/json", **headers}
        resp = await teams.client.post("/api/messages", data=raw, headers=h)
        assert 400 <= resp.status < 500, (raw[:40], headers, resp.status)
    resp = await teams.client.post("/api/messages", data=b"x" * 400_000,
                                   headers={"Content-Type": "application/json"})
    assert resp.status == 413
    resp = await teams.client.get("/api/messages")
    assert resp.status == 405


# ---- every recorded activity ------------------------------------------------------------------


def _complete(act: dict[str, Any], service_url: str) -> dict[str, Any]:
    """Point a recorded activity at the mock connector, filling in what a schema-only fixture
    leaves out, so the whole turn runs (and replies) instead of stopping at a 400."""
    act = copy.deepcopy(act)
    act["serviceUrl"] = service_url
    if not isinstance(act.get("conversation"), dict) or not act["conversation"].get("id"):
        act["conversation"] = {"id": "a:fixture-conversation", "conversationType": "personal"}
    act.setdefault("channelId", "msteams")
    act.setdefault("recipient", {"id": "28:fixture-bot", "name": "Outward"})
    act.setdefault("from", {"id": "29:fixture-user", "name": "Someone"})
    return act


@needs_fixtures
async def test_every_recorded_activity_gets_2xx_or_a_deliberate_4xx(
    teams: TeamsHarness, no_internet: list[str]
) -> None:
    seen = 0
    for path in _fixtures():
        act = json.loads(path.read_text())
        if isinstance(act, dict) and isinstance(act.get("serviceUrl"), str):
            act["serviceUrl"] = teams.url  # never reach the real smba.trafficmanager.net
        status, body = await teams.post(act)
        assert status < 500, (path.name, status, body)
        if status >= 400:
            assert status in (400, 401, 413, 415), (path.name, status)
            assert json.loads(body)["error"], path.name
        completed = _complete(act, teams.url) if isinstance(act, dict) else act
        status, body = await teams.post(completed)
        assert status < 500, (path.name, "completed", status, body)
        if isinstance(act, dict) and act.get("type") in ("message", "conversationUpdate",
                                                         "installationUpdate", "typing"):
            assert status == 200, (path.name, status, body)
        seen += 1
    assert seen >= 80
    assert no_internet == []


@needs_fixtures
async def test_real_channel_capture_with_mention_is_answered_in_its_thread(
    teams: TeamsHarness,
) -> None:
    act = json.loads((FIXTURES / "teams_net_test_literals" /
                      "TeamsActivityTests__json__L223.json").read_text())
    act["serviceUrl"] = teams.url
    act["text"] = "<at>ridotest</at> help"
    status, _ = await teams.post(act)
    assert status == 200
    thread = act["conversation"]["id"]
    replies = teams.mock.cards(thread)
    assert len(replies) == 1
    # "rido" is not on the sample roster: told so, in the thread they wrote in
    assert "roster" in card_text(replies[0])


@needs_fixtures
async def test_real_adaptive_card_invoke_gets_an_invoke_response(teams: TeamsHarness) -> None:
    act = json.loads((FIXTURES / "teams_net_test_literals" /
                      "TeamsActivityTests__jsonInvoke__L164.json").read_text())
    act["serviceUrl"] = teams.url
    resp = await teams.client.post("/api/messages", json=act)
    assert resp.status == 200
    body = await resp.json()
    assert body["statusCode"] == 200 and body["type"].startswith("application/vnd.microsoft")


@needs_fixtures
async def test_unsupported_invokes_are_refused_with_400(teams: TeamsHarness) -> None:
    act = json.loads((FIXTURES / "teams_net_api_json" / "Activity" / "Invokes" /
                      "QueryMEActivity.json").read_text())
    act["serviceUrl"] = teams.url
    resp = await teams.client.post("/api/messages", json=act)
    assert resp.status == 400
    assert "unsupported invoke" in (await resp.json())["error"]


async def test_expect_replies_delivery_mode_gets_the_same_answers(teams: TeamsHarness) -> None:
    """`deliveryMode: expectReplies` (a Direct Line/skills mode Teams does not use) changes
    nothing: invokes still get their own invoke response, not a buffered ExpectedReplies."""
    good = text_message(teams.url, teams.people["dana"], "privacy")
    card = dict(good, type="invoke", name="adaptiveCard/action", deliveryMode="expectReplies",
                value={"action": {"type": "Action.Execute", "data": {"a": "privacy"}}})
    status, body = await teams.post(card)
    assert status == 200 and json.loads(body)["statusCode"] == 200
    status, body = await teams.post(dict(card, name="composeExtension/query"))
    assert status == 400 and "unsupported invoke" in json.loads(body)["error"]
    teams.mock.clear()
    status, _ = await teams.post(dict(good, deliveryMode="expectReplies"))
    assert status == 200  # and the reply was posted to the conversation, not buffered
    assert any("What happens to your answers" in card_text(c) for c in teams.mock.cards())


# ---- python -m bot ------------------------------------------------------------------------------


async def test_python_m_bot_serves_api_messages_in_dev_mode(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`python -m bot run --sample --no-console` (through bot.cli, in this process) serves
    /api/messages with the Teams adapter and answers through the connector."""
    import aiohttp

    from tests.cli_support import free_port, serving
    from tests.teams_mock import MockConnector, sample_accounts

    mock = MockConnector(sample_accounts())
    await mock.start()
    env = {
        "OUTWARD_TEAMS_DEV_NO_AUTH": "1",
        "PORT": str(free_port()),
        "OUTWARD_HOST": "127.0.0.1",
        "OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
    }
    try:
        async with serving(["run", "--sample", "--no-console"], env) as base, \
                aiohttp.ClientSession() as http:
            act = text_message(mock.url, mock.accounts[next(iter(mock.accounts))], "help")
            async with http.post(f"{base}/api/messages", json=act) as r:
                status = r.status
    finally:
        await mock.close()
    assert status == 200
    assert mock.cards(), "the reply reached the connector"
    assert "OUTWARD_TEAMS_DEV_NO_AUTH" in caplog.text, "dev mode is logged loudly at start"
