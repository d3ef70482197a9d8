"""Done-when: `python -m bot serve` with SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN serves
/slack/events on PORT; a signed slash command from the roster's chair gets a useful answer; a
bad signature gets 401. The commands run through `bot.cli` in this process (tests/test_cli.py
runs `python -m bot` as a real process); Slack's Web API is the local mock."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bot.cli import execute
from tests.cli_support import free_port, serving
from tests.slack_mock import SECRET, TEAM, MockSlack, sample_directory, sign


async def test_python_m_bot_serves_slack_events(tmp_path: Path) -> None:
    mock = await MockSlack(users=sample_directory()).start()
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-process-test",
           "SLACK_API_URL": mock.url, "PORT": str(free_port()), "OUTWARD_HOST": "127.0.0.1"}
    try:
        assert await execute(["roster", "import", "--sample"], env) == 0
        async with serving(["serve"], env) as base, aiohttp.ClientSession() as http:
            body = urlencode({"token": "x", "team_id": TEAM, "team_domain": "outward-test",
                              "channel_id": "D0JORDAN", "channel_name": "directmessage",
                              "user_id": "U0JORDAN", "user_name": "jordan",
                              "command": "/pulse", "text": "status",
                              "response_url": mock.hook_url("jordan"),
                              "trigger_id": "1.2.3"}).encode()
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": sign(SECRET, ts, body)}
            async with http.post(base + "/slack/events", data=body, headers=headers) as r:
                assert r.status == 200
                text = await r.text()
            if not text:  # answered after the ack, on the response_url
                for _ in range(50):
                    if mock.hooks:
                        break
                    await asyncio.sleep(0.1)
                text = json.dumps(mock.hooks[-1][1])
            answer = json.loads(text)
            assert answer["response_type"] == "ephemeral"
            assert "roster" not in answer["text"] and "Only" not in answer["text"]
            assert "listening-tour" in answer["text"] or "round" in answer["text"].lower()

            headers["X-Slack-Signature"] = "v0=" + "0" * 64
            async with http.post(base + "/slack/events", data=body, headers=headers) as r:
                assert r.status == 401
    finally:
        await mock.close()
    assert mock.of("users.list"), "the directory was synced at start"
