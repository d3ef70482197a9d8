"""Inbound speed: how fast Outward acknowledges signed Slack interactions under a steady load,
against the least a Slack app can do, in the same run.

Slack waits 3 seconds for the HTTP 200 of an interaction and shows the person an error after
that (https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response);
Outward acks first and does the work after. Here 2,000 people (OUTWARD_BENCH_INBOUND_RATE x
OUTWARD_BENCH_INBOUND_SECONDS, default 200/s for 10 s) each press "Start" on their survey
invitation: a `block_actions` payload, form-encoded and signed with the signing secret exactly
as Slack signs it, sent on a fixed schedule whatever the answers (an open loop: a slow answer
does not slow the load down).

- Outward: `python -m bot serve` (the Procfile's web process) on SQLite, Slack in
  single-workspace mode against the local mock Web API (tests/slack_mock.py, its own process),
  which then receives the first question of each survey (checked: every press is handled).
- Baseline: an aiohttp server that verifies the signature with slack_sdk's SignatureVerifier,
  reads the payload and answers 200, and nothing else.

Printed: the p50, p99 and slowest ack of each, the ratio of the p99s, and PASS/MISS for the goal
p99 < 300 ms.

Run: python bench/inbound.py   (make bench)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.delivery_support import TEAM, content_dir, dm, environment, populate, uid  # noqa: E402

RATE = int(os.environ.get("OUTWARD_BENCH_INBOUND_RATE", "200"))
SECONDS = int(os.environ.get("OUTWARD_BENCH_INBOUND_SECONDS", "10"))
N = RATE * SECONDS
GOAL_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer in {seconds:g} s") from None
            time.sleep(0.2)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    from slack_sdk.signature import SignatureVerifier

    return SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)


def press(i: int, button: dict[str, Any], message: dict[str, Any]) -> bytes:
    """Person i presses `button` on their invitation: Slack's block_actions payload."""
    channel = dm(i)
    payload = {
        "type": "block_actions",
        "user": {"id": uid(i), "username": f"p{i}", "name": f"p{i}", "team_id": TEAM},
        "api_app_id": "A0OUTWARD", "token": "legacy",
        "container": {"type": "message", "message_ts": "1700000000.000001",
                      "channel_id": channel, "is_ephemeral": False},
        "trigger_id": f"1234.{i}.abcdef", "team": {"id": TEAM, "domain": "outward-bench"},
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": "U0BOT", "ts": "1700000000.000001",
                    "bot_id": "B0BOT", "text": message["text"], "blocks": message["blocks"]},
        "state": {"values": {}}, "response_url": "http://127.0.0.1:9/unused",
        "actions": [{"action_id": button["action_id"], "block_id": "outward:actions:0:0",
                     "text": button["text"], "value": button["value"], "type": "button",
                     "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


async def load(url: str, secret: str, bodies: list[bytes]) -> tuple[list[float], int]:
    """POST the bodies at RATE a second on a fixed schedule; the ack times (ms) and errors."""
    import aiohttp

    times: list[float] = []
    errors = 0

    async def one(body: bytes, session: aiohttp.ClientSession) -> None:
        nonlocal errors
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": sign(secret, ts, body)}
        start = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    errors += 1
        except aiohttp.ClientError:
            errors += 1
        times.append((time.perf_counter() - start) * 1000)

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        loop = asyncio.get_running_loop()
        t0 = loop.time() + 0.1
        tasks = []
        for i, body in enumerate(bodies):
            delay = t0 + i / RATE - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(body, session)))
        await asyncio.gather(*tasks)
    return times, errors


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def baseline_server(port: int, secret: str) -> None:
    """The least a Slack app does before its ack: verify the signature, read the payload."""
    from aiohttp import web
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(secret)

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        form = await request.post()
        json.loads(str(form["payload"]))
        return web.Response(text="")

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", health)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def posted(port: int) -> dict[str, int]:
    """Messages the mock accepted, per channel."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/posted") as resp:
        return dict(json.load(resp)["posted"])


def main() -> None:
    if "--baseline-server" in sys.argv:
        baseline_server(int(sys.argv[2]), sys.argv[3])
        return
    print(f"Inbound: {N:,} people press Start on their invitation, {RATE} signed block_actions "
          f"a second for {SECONDS} s (open loop)")
    mock = subprocess.Popen([sys.executable, "-m", "tests.slack_mock", "--lean"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    procs: list[subprocess.Popen[bytes]] = []
    tmp = tempfile.mkdtemp(prefix="outward-inbound-")
    try:
        assert mock.stdout is not None
        mock_port = int(mock.stdout.readline().split()[1])
        env = environment(f"sqlite+aiosqlite:///{tmp}/outward.db",
                          f"http://127.0.0.1:{mock_port}/api/", content_dir(Path(tmp)))
        message = asyncio.run(populate(env, N))  # the invitations are planned: all may start
        assert message is not None
        start = next(b for blk in message["blocks"] if blk["type"] == "actions"
                     for b in blk["elements"] if "pulse:start" in b["value"])
        bodies = [press(i, start, message) for i in range(N)]
        secret = env["SLACK_SIGNING_SECRET"]
        results = {}

        base_port = free_port()
        procs.append(subprocess.Popen([sys.executable, __file__, "--baseline-server",
                                       str(base_port), secret], cwd=REPO))
        wait_http(f"http://127.0.0.1:{base_port}/healthz")
        results["baseline"] = asyncio.run(load(f"http://127.0.0.1:{base_port}/slack/events",
                                               secret, bodies))

        port = free_port()
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 (open while it runs)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=REPO, stdout=log, stderr=log,
            env={**env, "PORT": str(port), "OUTWARD_HOST": "127.0.0.1",
                 "OUTWARD_LOG_LEVEL": "WARNING"}))
        wait_http(f"http://127.0.0.1:{port}/healthz")
        before = posted(mock_port)
        results["Outward"] = asyncio.run(load(f"http://127.0.0.1:{port}/slack/events",
                                              secret, bodies))
        last_press = time.monotonic()
        deadline = last_press + 120
        handled = 0
        while time.monotonic() < deadline:  # each person gets the survey's first question
            now = posted(mock_port)
            handled = sum(1 for i in range(N) if now.get(dm(i), 0) > before.get(dm(i), 0))
            if handled >= N:
                break
            time.sleep(0.2)
        behind = time.monotonic() - last_press

        figures = {name: summary(times) for name, (times, _) in results.items()}
        for name, (p50, p99, slowest) in figures.items():
            errors = results[name][1]
            print(f"  {name:9} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   slowest {slowest:6.1f} ms"
                  f"   errors {errors}")
        print(f"  Outward answered {handled:,} of {N:,} presses with the survey's first "
              f"question, the last {behind:.1f} s after the last press")
        p99, base99 = figures["Outward"][1], figures["baseline"][1]
        ok = p99 < GOAL_MS and results["Outward"][1] == 0 and handled == N
        print(f"  p99 Outward / baseline: {p99 / base99:.1f}x   {'PASS' if ok else 'MISS'} "
              f"(goal: p99 ack < {GOAL_MS:g} ms, no errors, every press answered)")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        mock.kill()
        mock.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
