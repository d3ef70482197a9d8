"""Done-when: `python -m bot` with SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN serves /slack/events
on PORT; a signed slash command from the roster's chair gets a useful answer; a bad signature
gets 401. The bot runs as a real process; Slack's Web API is the local mock."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.slack_mock import SECRET, TEAM, MockSlack, sample_directory, sign

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(errors="replace")


async def test_python_m_bot_serves_slack_events(tmp_path: Path) -> None:
    mock = await MockSlack(users=sample_directory()).start()
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OUTWARD_"))},
           "OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-process-test",
           "SLACK_API_URL": mock.url, "PORT": str(port), "OUTWARD_HOST": "127.0.0.1"}
    code, out = await run(env, "roster", "import", "--sample")
    assert code == 0, out
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 90
            while True:
                try:
                    async with http.get(base + "/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if proc.returncode is not None or time.monotonic() > deadline:
                    err = (await proc.stderr.read()).decode() if proc.stderr else ""
                    pytest.fail(f"the bot did not start: {err[-2000:]}")
                await asyncio.sleep(0.3)

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
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await mock.close()
    assert mock.of("users.list"), "the directory was synced at start"
