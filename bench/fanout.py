"""Fan-out speed: survey invitations delivered per second by Outward's outbox worker, against a
raw slack_sdk loop, both posting to the same local mock of the Slack Web API in the same run.

Setup: N people (OUTWARD_BENCH_FANOUT_N, default 2,000) on the roster, each linked to a Slack
account; a round is started and planned (N `pulse.invite` rows in the outbox). The mock
(tests/slack_mock.py) runs in its own process and counts the messages per DM channel.

- Outward: worker processes built as `python -m bot worker` builds them (bot.bootstrap.build and
  the Slack sender attached by bot.platforms), each draining the outbox with
  `DeliveryWorker.run_once` from a common start signal until nothing is left; rate = N / time
  until the last worker finished. On SQLite (one worker) and on PostgreSQL (one and two workers,
  a throwaway server on 127.0.0.1, skipped with the reason where it cannot start).
- Baseline: `AsyncWebClient.chat_postMessage` with the same Block Kit body to each person's DM
  channel, 10 at a time, sharing one aiohttp session (its best case).

Two cases: the DM channels already stored (every round after a person's first), and first
contact (Outward must call conversations.open for each person, then stores the channel; the
baseline calls conversations.open + chat.postMessage too, for information only).

Every run checks that each person received exactly one message. Goals: one worker >= 0.8x the
baseline; two workers on PostgreSQL >= 1.8x one worker.

Run: python bench/fanout.py   (make bench)
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.delivery_support import content_dir, dm, environment, populate, uid  # noqa: E402

N = int(os.environ.get("OUTWARD_BENCH_FANOUT_N", "2000"))
CONCURRENCY = 10
GOAL_ONE = 0.8
GOAL_TWO = 1.8


# ---- the mock, in its own process ---------------------------------------------------------


class Mock:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.slack_mock", "--lean"],
                                     cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline().split()[1])
        self.url = f"http://127.0.0.1:{self.port}/api/"

    def counts(self) -> dict[str, Any]:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_mock/posted") as resp:
            return dict(json.load(resp))

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def delta(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    posted = {ch: n - before["posted"].get(ch, 0) for ch, n in after["posted"].items()
              if n != before["posted"].get(ch, 0)}
    methods = {m: n - before["methods"].get(m, 0) for m, n in after["methods"].items()
               if n != before["methods"].get(m, 0)}
    return posted, methods


def check_once(posted: dict[str, int], label: str) -> None:
    wanted = {dm(i) for i in range(N)}
    if set(posted) != wanted or any(n != 1 for n in posted.values()):
        twice = sum(1 for n in posted.values() if n > 1)
        missing = len(wanted - set(posted))
        raise SystemExit(f"{label}: not exactly one message per person "
                         f"({missing} missing, {twice} more than once)")


# ---- the baseline ---------------------------------------------------------------------------


async def baseline(port: int, body: dict[str, Any], first_contact: bool) -> float:
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-bench", base_url=f"http://127.0.0.1:{port}/api/",
                                session=session)
        todo = iter(range(N))

        async def lane() -> None:
            for i in todo:
                channel = dm(i)
                if first_contact:
                    resp = await client.conversations_open(users=uid(i))
                    channel = resp["channel"]["id"]
                await client.chat_postMessage(channel=channel, parse="none", link_names=False,
                                              unfurl_links=False, unfurl_media=False, **body)

        start = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(CONCURRENCY)))
        return N / (time.perf_counter() - start)


# ---- Outward --------------------------------------------------------------------------------


def outward(env: dict[str, str], workers: int) -> float:
    """Start `workers` worker processes, let them drain the outbox together; returns msg/s."""
    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], cwd=REPO,
                              env={**os.environ, **env},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(workers)]
    try:
        for p in procs:
            assert p.stdout is not None
            if p.stdout.readline().strip() != "ready":
                raise SystemExit("a worker did not start")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            assert p.stdout is not None
            results.append(json.loads(p.stdout.readline()))
    finally:
        for p in procs:
            p.wait(timeout=60)
    sent = sum(r["sent"] for r in results)
    if sent != N:
        raise SystemExit(f"{workers} worker(s) sent {sent} of {N}")
    return N / max(r["seconds"] for r in results)


async def worker_main() -> None:
    """One worker process: wire the app with its Slack sender, then drain on "go"."""
    import logging

    from aiohttp import web

    from bot.bootstrap import build
    from bot.platforms import attach_platforms
    from bot.server import web_app
    from bot.settings import Settings
    from bot.slack_wiring import SLACK_ADAPTER

    logging.basicConfig(level=logging.WARNING)
    app = await build(Settings.from_env(os.environ), migrate=False)
    holder = web_app(app)
    await attach_platforms(app, holder)
    runner = web.AppRunner(holder)
    await runner.setup()
    await holder[SLACK_ADAPTER].drain()  # the directory sync at start
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    start = time.perf_counter()
    sent = 0
    while True:
        n = await app.worker.run_once()
        sent += n
        if n == 0:
            break
    seconds = time.perf_counter() - start
    print(json.dumps({"sent": sent, "seconds": seconds}), flush=True)
    await runner.cleanup()
    await app.close()


# ---- the run --------------------------------------------------------------------------------


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio >= goal else "MISS"


def run_case(mock: Mock, url_for: Any, content: Path, workers: Sequence[int], stored_dm: bool,
             label: str, base: float) -> dict[int, float]:
    rates: dict[int, float] = {}
    for k in workers:
        env = environment(url_for(), mock.url, content)
        asyncio.run(populate(env, N, stored_dm))
        before = mock.counts()
        rates[k] = outward(env, k)
        posted, methods = delta(before, mock.counts())
        check_once(posted, f"{label}, {k} worker(s)")
        opened = methods.get("conversations.open", 0)
        print(f"  {label}, {k} worker{'s' if k > 1 else ' '}: {rates[k]:7.0f} msg/s   "
              f"baseline {base:7.0f} msg/s   ratio {rates[k] / base:4.2f}   "
              f"(conversations.open calls: {opened})"
              + (f"   {verdict(rates[k] / base, GOAL_ONE)} (goal >= {GOAL_ONE}x)"
                 if k == 1 and stored_dm else ""))
    return rates


def main() -> None:
    if "--worker" in sys.argv:
        asyncio.run(worker_main())
        return
    from tests.pg import PostgresServer, PostgresUnavailable

    print(f"Fan-out of {N:,} invitations to a local mock Slack (baseline: raw slack_sdk, "
          f"{CONCURRENCY} at a time, shared session)")
    mock = Mock()
    tmp = tempfile.mkdtemp(prefix="outward-bench-")
    pg: PostgresServer | None = None
    results = []
    try:
        content = content_dir(Path(tmp))
        body = asyncio.run(populate(environment(f"sqlite+aiosqlite:///{tmp}/body.db", mock.url,
                                                content), N))
        assert body is not None
        bases = {}
        for first in (False, True):
            runs = []
            for _ in range(3):
                before = mock.counts()
                runs.append(asyncio.run(baseline(mock.port, body, first)))
                check_once(delta(before, mock.counts())[0], "baseline")
            bases[first] = sorted(runs)[1]
        serial = iter(range(1000))
        for stored in (True, False):
            case = "stored DM" if stored else "first contact"
            base = bases[not stored]
            print(f"{case}: baseline {base:.0f} msg/s"
                  + ("" if stored else " (conversations.open + chat.postMessage)"))
            sqlite = run_case(mock, lambda: f"sqlite+aiosqlite:///{tmp}/o{next(serial)}.db",
                              content, [1], stored, "SQLite    ", base)
            results.append((case, "SQLite", sqlite[1] / base))
            try:
                if pg is None:
                    pg = PostgresServer().start()
                server = pg
                rates = run_case(mock, server.create_database, content, [1, 2], stored,
                                 "PostgreSQL", base)
                scale = rates[2] / rates[1]
                print(f"  PostgreSQL 2 workers / 1 worker: {scale:.2f}x   "
                      f"{verdict(scale, GOAL_TWO)} (goal >= {GOAL_TWO}x)")
                results.append((case, "PostgreSQL", rates[1] / base))
                results.append((case, "PostgreSQL 2/1", scale))
            except PostgresUnavailable as exc:
                print(f"  PostgreSQL skipped: {exc}")
    finally:
        mock.close()
        if pg is not None:
            pg.close()


if __name__ == "__main__":
    main()
