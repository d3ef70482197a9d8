"""Multi-workspace installs: /slack/install and /slack/oauth_redirect with slack_sdk's SQLAlchemy
installation and state stores on Outward's database, then events and delivery per workspace."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import text

from bot.clock import FakeClock
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import DeliveryError
from tests.slack_mock import TEAM, Harness, harness

OAUTH_ENV = {"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "111.222",
             "SLACK_CLIENT_SECRET": "client-secret"}
INSTALLED_TOKEN = "xoxb-installed-by-oauth"


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock, env=OAUTH_ENV) as h:
        h.mock.oauth_response = {
            "ok": True, "access_token": INSTALLED_TOKEN, "token_type": "bot",
            "scope": "chat:write,commands,files:write,im:history,im:write,users:read,"
                     "users:read.email",
            "bot_user_id": "U0BOT", "app_id": "A0OUTWARD",
            "team": {"name": "Outward Test", "id": TEAM}, "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0AMARA", "scope": "", "token_type": "user"},
        }
        yield h


async def install(slack: Harness) -> None:
    page = await slack.client.get("/slack/install")
    assert page.status == 200
    html = await page.text()
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == ["111.222"]
    assert set(query["scope"][0].split(",")) == {
        "chat:write", "commands", "files:write", "im:history", "im:write", "users:read",
        "users:read.email"}
    state = query["state"][0]
    cookie = page.headers["Set-Cookie"].split(";")[0]
    done = await slack.client.get(f"/slack/oauth_redirect?code=c0de&state={state}",
                                  headers={"Cookie": cookie})
    assert done.status == 200, await done.text()
    await slack.settle()


async def test_install_then_commands_and_delivery_use_the_installed_token(
        slack: Harness) -> None:
    assert not slack.mock.of("users.list"), "nothing to sync before an install"
    await install(slack)
    access = slack.mock.of("oauth.v2.access")[-1]
    assert access.args.get("code") == "c0de"
    async with slack.app.engine.connect() as conn:
        bots = (await conn.execute(text("SELECT team_id, bot_token FROM slack_bots"))).all()
        states = (await conn.execute(text("SELECT count(*) FROM slack_oauth_states"))).scalar()
        linked = (await conn.execute(text(
            "SELECT count(*) FROM identities WHERE platform = 'slack'"))).scalar()
    assert bots == [(TEAM, INSTALLED_TOKEN)]
    assert states == 0, "the state was consumed"
    assert linked == 5, "the new workspace's directory was synced"
    assert {c.token for c in slack.mock.of("users.list")} == {INSTALLED_TOKEN}

    resp = await slack.command("U0AMARA", "/pulse", "start listening-tour")
    assert resp.status == 200 and "Started" in (await resp.json())["text"]
    await slack.settle()
    _, sent = await slack.app.tick()
    assert sent == 5
    assert {c.token for c in slack.mock.of("chat.postMessage")} == {INSTALLED_TOKEN}


async def test_state_is_required(slack: Harness) -> None:
    resp = await slack.client.get("/slack/oauth_redirect?code=c0de&state=forged")
    assert 400 <= resp.status < 500
    assert not slack.mock.of("oauth.v2.access")


async def test_uninstall_stops_delivery_for_that_workspace_only(slack: Harness) -> None:
    await install(slack)
    resp = await slack.event({"type": "app_uninstalled"})
    assert resp.status == 200
    await slack.settle()
    with pytest.raises(DeliveryError) as info:
        await slack.adapter.send(Address("slack", TEAM, "U0DANA"), [Message("hi")])
    assert info.value.retry is False
    with pytest.raises(DeliveryError) as info:
        await slack.adapter.send(Address("slack", "T0OTHER", "U0X"), [Message("hi")])
    assert info.value.retry is False and "not installed" in info.value.reason


async def test_event_from_a_workspace_without_install_is_acked(slack: Harness) -> None:
    resp = await slack.dm("U0DANA", "hello")
    assert resp.status == 200
    await slack.settle()
    assert not slack.mock.of("chat.postMessage")
