"""Socket Mode (local development, SLACK_APP_TOKEN): events arrive over a WebSocket from the
mock, go through the same bolt listeners, and are acked by envelope id."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FakeClock
from tests.slack_mock import TEAM, harness


async def test_socket_mode_delivers_dm_and_command(sqlite_url: str, clock: FakeClock) -> None:
    async with harness(sqlite_url, clock, env={"SLACK_APP_TOKEN": "xapp-1-A0-test"}) as slack:
        opened = slack.mock.of("apps.connections.open")
        assert opened and opened[0].token == "xapp-1-A0-test"
        for _ in range(50):
            if slack.mock.sockets:
                break
            await asyncio.sleep(0.05)
        await slack.mock.push("events_api", {
            "token": "x", "team_id": TEAM, "api_app_id": "A0OUTWARD", "type": "event_callback",
            "event_id": "EvSOCKET01", "event_time": 1700000000,
            "event": {"type": "message", "channel": "D0MEI", "user": "U0MEI", "text": "privacy",
                      "ts": "1700000000.000100", "channel_type": "im"}}, "env-1")
        await slack.mock.push("slash_commands", {
            "token": "x", "team_id": TEAM, "user_id": "U0DANA", "command": "/privacy",
            "text": "", "channel_id": "C0GENERAL", "response_url": slack.mock.hook_url("dana"),
            "trigger_id": "1.2.3"}, "env-2")
        for _ in range(100):
            acks = {a["envelope_id"]: a for a in slack.mock.socket_acks}
            if {"env-1", "env-2"} <= set(acks) and slack.mock.posts_to("D0MEI"):
                break
            await asyncio.sleep(0.05)
        await slack.settle()
        assert "What happens to your answers" in slack.mock.posts_to("D0MEI")[-1].args["text"]
        assert "What happens to your answers" in acks["env-2"]["payload"]["text"]


@contextlib.asynccontextmanager
async def _starting(sqlite_url: str, clock: FakeClock, app_token: str,
                    mock: Any) -> AsyncIterator[Any]:
    """Outward wired with Socket Mode against `mock`, started (in at most 30 s); the Slack
    adapter, closed with the app and the mock afterwards."""
    from bot.server import web_app
    from bot.slack_wiring import SLACK_ADAPTER, attach_slack
    from tests.slack_mock import SECRET
    from tests.support import wired

    app = await wired(sqlite_url, clock, env={
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-outward-test",
        "SLACK_API_URL": mock.url, "SLACK_APP_TOKEN": app_token})
    web = web_app(app)
    try:
        await asyncio.wait_for(attach_slack(app, web), 30)
        yield web[SLACK_ADAPTER]
    finally:
        await web[SLACK_ADAPTER].close()
        await app.close()
        await mock.close()


async def test_a_refused_app_token_is_one_warning_and_http_still_serves(
        sqlite_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    """Slack refusing SLACK_APP_TOKEN (revoked, mistyped) is one warning naming Slack's error,
    and start-up goes on to serve HTTP: the SDK alone would retry forever, a traceback every
    10 s, and the web process would never start listening."""
    from tests.slack_mock import MockSlack, sample_directory

    mock = await MockSlack(users=sample_directory()).start()
    mock.fail("apps.connections.open", times=1000, error="invalid_auth")
    with caplog.at_level(logging.INFO):
        async with _starting(sqlite_url, clock, "xapp-1-revoked", mock) as adapter:
            warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any("Socket Mode did not connect (invalid_auth)" in w for w in warned), warned
            assert not [r for r in caplog.records if r.exc_info], "no traceback"
            assert "xapp-1-revoked" not in caplog.text
            assert adapter.socket_mode is None


async def test_a_websocket_address_that_cannot_be_reached_is_one_warning_and_http_serves(
        sqlite_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack gives a WebSocket URL this machine cannot reach (a proxy that lets HTTPS through
    but not WebSockets): the SDK would retry it forever, and start-up, waiting on it, would
    never serve HTTP. It gets SOCKET_CONNECT_TIMEOUT seconds, then one warning."""
    import adapters.slack.adapter as slack_adapter
    from tests.slack_mock import MockSlack, sample_directory

    monkeypatch.setattr(slack_adapter, "SOCKET_CONNECT_TIMEOUT", 1.0)
    mock = await MockSlack(users=sample_directory()).start()
    # a port nothing listens on
    monkeypatch.setattr(mock, "_apps_connections_open",
                        lambda args: {"ok": True, "url": "ws://127.0.0.1:1/link"})
    with caplog.at_level(logging.INFO):
        async with _starting(sqlite_url, clock, "xapp-1-x", mock) as adapter:
            warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any("Socket Mode did not connect (TimeoutError); serving HTTP only (a "
                       "firewall" in w for w in warned), warned
            assert adapter.socket_mode is None
