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

Each configuration runs OUTWARD_BENCH_REPS times (default 3), each run right after a baseline
run (the outbox reset to pending in between), and the medians are printed: the machine's load
drifts, so each ratio is taken against its neighbour. Every run checks that each person received
exactly one message. Goals: one worker on SQLite >= 0.8x the baseline; two workers on PostgreSQL
>= 1.8x one worker.

Printed with each configuration: the CPU milliseconds per message of the workers (and of the raw
loop), the mock and PostgreSQL; with two workers, the ceiling the machine's CPUs set for the
whole fan-out (what its processes need per message, against the CPUs not busy with anything
else meanwhile), so a MISS that the machine cannot help is told from one Outward could; and,
where it is so, that the two goals exclude each other on this machine (`exclusive`: on 2 CPUs,
2 workers at 1.8x one need each worker to cost at least 9 times what the mock and PostgreSQL
cost a message, while 0.8x the raw loop caps what a worker may cost).

Two passes (OUTWARD_BENCH_LATENCY_MS, default "0,25"): the mock answering at once (as the issue
measured: every process is then bound by CPU, and the workers share the machine's cores with the
mock and PostgreSQL), and in 25 ms a call (nearer real Slack, whose calls take tens to hundreds
of milliseconds: a worker then waits on the network more than it computes). The first-contact
case runs in the first pass only.

Run: python bench/fanout.py   (make bench)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.delivery_support import content_dir, dm, environment, populate, uid  # noqa: E402

N = int(os.environ.get("OUTWARD_BENCH_FANOUT_N", "2000"))
REPS = int(os.environ.get("OUTWARD_BENCH_REPS", "3"))
# the mock's answer time per call, a pass each: 0 (the fastest, as the issue measured) and 25 ms
# (nearer real Slack, where a worker waits on the network more than it computes)
LATENCIES = [float(x) for x in os.environ.get("OUTWARD_BENCH_LATENCY_MS", "0,25").split(",")]
CONCURRENCY = 10
CPUS = os.cpu_count() or 1
BASELINE_CPU: list[float] = []  # the raw loop's CPU ms per message, each run
GOAL_ONE = 0.8
GOAL_TWO = 1.8


# ---- the mock, in its own process ---------------------------------------------------------


class Mock:
    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.slack_mock", "--lean",
                                      "--latency-ms", str(latency)],
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


# ---- where the CPU goes (Linux /proc; elsewhere the accounting is left out) -------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_of(pid: int, children: bool = False) -> float | None:
    """CPU seconds used by process `pid` (and, with `children`, by the children it has reaped
    and those still running: PostgreSQL's backends), or None without /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    total = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    if children:
        total += (int(fields[13]) + int(fields[14])) / TICK  # cutime, cstime
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        child = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(child[1]) == pid:
                    total += (int(child[11]) + int(child[12])) / TICK
    return total


def machine_busy() -> float | None:
    """CPU seconds the whole machine has spent busy (every process), or None without /proc."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICK


def postmaster(pg: Any) -> int | None:
    try:
        with open(os.path.join(pg.data, "postmaster.pid")) as f:
            return int(f.readline())
    except (OSError, ValueError):
        return None


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


async def baseline(port: int, body: dict[str, Any], first_contact: bool,
                   levelled: bool = False) -> float:
    """The raw loop's rate, msg/s. `levelled`: its slack_sdk logger has a level of its own, as
    Outward's processes give it (bot.logs.SDK_OWN_LEVEL), so the SDK skips building its DEBUG
    lines; for information, next to the raw loop as the issue measured it."""
    import logging

    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

    logger = None
    if levelled:
        logger = logging.getLogger("bench.slack_sdk")
        logger.setLevel(logging.WARNING)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-bench", base_url=f"http://127.0.0.1:{port}/api/",
                                session=session, logger=logger)
        cpu = time.process_time()
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
        seconds = time.perf_counter() - start
        if not levelled:
            BASELINE_CPU.append((time.process_time() - cpu) * 1000 / N)
        return N / seconds


# ---- Outward --------------------------------------------------------------------------------


Probe = tuple[float | None, float | None, float | None, float]


def outward(env: dict[str, str], workers: int, probe: Callable[[], Probe]
            ) -> tuple[float, float, Probe, Probe]:
    """Start `workers` worker processes, let them drain the outbox together; returns msg/s,
    the CPU seconds the workers used while draining, and `probe()` taken as they were told to
    start and as the last one finished (their start-up is outside that window)."""
    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], cwd=REPO,
                              env={**os.environ, **env},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(workers)]
    try:
        for p in procs:
            assert p.stdout is not None
            if p.stdout.readline().strip() != "ready":
                raise SystemExit("a worker did not start")
        start = probe()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            assert p.stdout is not None
            results.append(json.loads(p.stdout.readline()))
        end = probe()
    finally:
        for p in procs:
            p.wait(timeout=60)
    sent = sum(r["sent"] for r in results)
    if sent != N:
        raise SystemExit(f"{workers} worker(s) sent {sent} of {N}")
    return N / max(r["seconds"] for r in results), sum(r["cpu"] for r in results), start, end


async def worker_main() -> None:
    """One worker process: wire the app with its Slack sender, then drain on "go"."""
    from aiohttp import web

    from bot.bootstrap import build
    from bot.cli.common import frozen_heap
    from bot.logs import configure
    from bot.platforms import attach_platforms
    from bot.server import web_app
    from bot.settings import Settings
    from bot.slack_wiring import SLACK_ADAPTER

    settings = Settings.from_env(os.environ)
    configure(settings)  # the logging `python -m bot worker` sets up (bot.logs)
    app = await build(settings, migrate=False)
    holder = web_app(app)
    await attach_platforms(app, holder)
    runner = web.AppRunner(holder)
    await runner.setup()
    await holder[SLACK_ADAPTER].drain()  # the directory sync at start
    # as `python -m bot worker` runs once started: the heap built so far is frozen once, at
    # start-up (its full collection is not part of any fan-out)
    with frozen_heap():
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        start, cpu = time.perf_counter(), time.process_time()
        sent = 0
        while True:
            n = await app.worker.run_once()
            sent += n
            if n == 0:
                break
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"sent": sent, "seconds": seconds, "cpu": cpu}), flush=True)
    await runner.cleanup()
    await app.close()


# ---- the run --------------------------------------------------------------------------------


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio >= goal else "MISS"


async def reset(url: str, first_contact: bool) -> None:
    """Every invitation pending again (and, for first contact, no DM channel stored)."""
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE outbox SET status = 'pending', attempts = 0, "
                                    "lease_until = NULL, sent_at = NULL, last_error = ''"))
            if first_contact:
                await conn.execute(text("UPDATE identities SET conversation_id = ''"))
    finally:
        await engine.dispose()


@dataclass
class Run:
    """The medians of a configuration's runs: rates (msg/s), their ratio, and CPU milliseconds
    per message of each process kind during Outward's runs (None where not measured)."""

    rate: float
    base: float
    ratio: float
    levelled: float  # the raw loop with its SDK logger levelled (see `baseline`)
    cpu: dict[str, float | None]
    others: float | None  # CPUs busy with anything else on the machine meanwhile

    def ceiling(self, cpus: int) -> float | None:
        """The most messages a second this machine's CPUs allow for this configuration: every
        process of the fan-out (workers, mock, database) shares them, with whatever else the
        machine was running meanwhile."""
        if self.others is None or any(v is None for v in self.cpu.values()):
            return None
        per_message = sum(v for v in self.cpu.values() if v is not None) / 1000
        return max(cpus - self.others, 0.0) / per_message if per_message else None


def paired(mock: Mock, url: str, env: dict[str, str], body: dict[str, Any], workers: int,
           first_contact: bool, label: str, pg_pid: int | None) -> Run:
    """REPS runs, each the baseline then Outward right after it (the machine's load drifts:
    each ratio is taken between neighbours); returns the medians."""
    mine, base, ratios, others, levelled = [], [], [], [], []
    cpu: dict[str, list[float | None]] = {"workers": [], "mock": [], "PostgreSQL": []}
    for _ in range(REPS):
        asyncio.run(reset(url, first_contact))
        before = mock.counts()
        base.append(asyncio.run(baseline(mock.port, body, first_contact)))
        check_once(delta(before, mock.counts())[0], "baseline")
        if workers == 1:
            before = mock.counts()
            levelled.append(asyncio.run(baseline(mock.port, body, first_contact, True)))
            check_once(delta(before, mock.counts())[0], "baseline, levelled")
        before = mock.counts()

        def probe() -> Probe:  # the machine, the mock and PostgreSQL (its backends included)
            return (machine_busy(), cpu_of(mock.proc.pid),
                    cpu_of(pg_pid, children=True) if pg_pid else None, time.perf_counter())

        rate, used, (busy0, mock0, pg0, wall0), (busy1, mock1, pg1, wall1) = outward(
            env, workers, probe)
        mine.append(rate)
        fanout = used + (mock1 - mock0 if mock0 is not None and mock1 is not None else 0) + (
            pg1 - pg0 if pg0 is not None and pg1 is not None else 0)
        if busy0 is not None and busy1 is not None:
            others.append(max(busy1 - busy0 - fanout, 0.0) / (wall1 - wall0))
        cpu["workers"].append(used * 1000 / N)
        cpu["mock"].append(None if mock0 is None or mock1 is None else (mock1 - mock0) * 1000 / N)
        if pg_pid:
            # (a backend that exits mid-run moves its time to the server's reaped children a
            # moment later: a difference below zero is that noise)
            cpu["PostgreSQL"].append(None if pg0 is None or pg1 is None
                                     else max(pg1 - pg0, 0.0) * 1000 / N)
        posted, methods = delta(before, mock.counts())
        check_once(posted, f"{label}, {workers} worker(s)")
        opened = methods.get("conversations.open", 0)
        if opened != (N if first_contact else 0):
            raise SystemExit(f"{label}: {opened} conversations.open calls")
        ratios.append(mine[-1] / base[-1])
    medians: dict[str, float | None] = {}
    for what, values in cpu.items():
        if values:
            known = [v for v in values if v is not None]
            medians[what] = statistics.median(known) if len(known) == len(values) else None
    return Run(statistics.median(mine), statistics.median(base), statistics.median(ratios),
               statistics.median(levelled) if levelled else 0.0, medians,
               statistics.median(others) if others else None)


def exclusive(two: Run, raw: float) -> str:
    """Why both goals cannot hold on this machine, when they cannot: the sentence, or "". For a
    mock that answers at once, where every process is bound by its CPU.

    A worker is one Python thread: at most 1/w messages a second for w CPU seconds a message.
    The whole fan-out (workers, mock, PostgreSQL: w + m a message) fits in the CPUs C, so two
    workers send at most C/(w + m), and 2 workers / 1 worker >= g needs C/(w + m) >= g/w, that
    is w >= g*m/(C - g) (no w at all when C <= g). One worker at >= 0.8x the raw loop's rate b
    needs w <= 1/(0.8*b); the raw loop, bound by its CPU on a quiet machine, sends b = 1/r for
    its r CPU seconds a message, so w <= r/0.8. When the least w of the first is above the most
    w of the second, no one-thread worker, however written, meets both on these CPUs: the
    mock's and PostgreSQL's own cost m decides it."""
    m = sum(v for k, v in two.cpu.items() if k != "workers" and v is not None)
    if not m or not raw:
        return ""
    most = raw / GOAL_ONE  # CPU ms a message
    if CPUS <= GOAL_TWO:
        return (f"on {CPUS} CPU no worker can meet both goals: {GOAL_TWO}x two workers needs "
                "more than one CPU")
    least = GOAL_TWO * m / (CPUS - GOAL_TWO)
    if least <= most:
        return ""
    return (f"the two goals exclude each other on {CPUS} CPUs: {GOAL_TWO}x needs each worker "
            f"at >= {least:.2f} CPU ms a message ({GOAL_TWO:g}/({CPUS}-{GOAL_TWO:g}) x the "
            f"mock's and PostgreSQL's {m:.2f}), {GOAL_ONE}x the raw loop at <= {most:.2f} (its "
            f"{raw:.2f} / {GOAL_ONE})")


def run_pass(latency: float, stores: list[tuple[str, str, list[int]]], content: Path,
             first_contact: bool, pg_pid: int | None) -> list[tuple[str, float, float]]:
    """Every store and worker count against a mock answering in `latency` ms; the verdicts."""
    print(f"Mock Slack answering in {latency:g} ms:")
    mock = Mock(latency)
    verdicts = []
    try:
        bodies = {}
        for name, url, _ in stores:
            bodies[name] = asyncio.run(populate(environment(url, mock.url, content), N))
        for first in (False, True) if first_contact else (False,):
            case = "first contact (conversations.open first)" if first else "stored DM"
            print(f" {case}:")
            for name, url, counts in stores:
                env = environment(url, mock.url, content)
                body = bodies[name]
                assert body is not None
                runs = {}
                for k in counts:
                    run = runs[k] = paired(mock, url, env, body, k, first, name,
                                           pg_pid if name == "PostgreSQL" else None)
                    note = ""
                    if k == 1 and name == "SQLite":
                        note = f"   {verdict(run.ratio, GOAL_ONE)} (goal >= {GOAL_ONE}x)"
                        verdicts.append((f"{latency:g} ms, {case}, SQLite, 1 worker vs "
                                         "baseline", run.ratio, GOAL_ONE))
                    print(f"  {name:10} {k} worker{'s' if k > 1 else ' '}: {run.rate:6.0f} "
                          f"msg/s   baseline {run.base:6.0f} msg/s   ratio {run.ratio:4.2f}{note}")
                    used = ", ".join(f"{what} {ms:.2f}" for what, ms in run.cpu.items()
                                     if ms is not None)
                    if used:
                        print(f"  {'':10} CPU ms per message: {used} (raw loop "
                              f"{statistics.median(BASELINE_CPU[-REPS:]):.2f})")
                    if run.levelled:
                        print(f"  {'':10} for information, the raw loop with its slack_sdk "
                              f"logger levelled as Outward's: {run.levelled:.0f} msg/s, "
                              f"Outward {run.rate / run.levelled:.2f}x that")
                if 2 in runs:
                    scale = runs[2].rate / runs[1].rate
                    verdicts.append((f"{latency:g} ms, {case}, {name}, 2 workers vs 1", scale,
                                     GOAL_TWO))
                    ceiling = runs[2].ceiling(CPUS)
                    limit = ("" if ceiling is None or runs[2].others is None else
                             f"\n  {'':10} ceiling: {CPUS} CPUs, {runs[2].others:.1f} of them "
                             "busy with other work meanwhile, allow at most "
                             f"{ceiling:.0f} msg/s for this fan-out = "
                             f"{ceiling / runs[1].rate:.2f}x one worker")
                    print(f"  {name:10} 2 workers / 1 worker: {scale:.2f}x   "
                          f"{verdict(scale, GOAL_TWO)} (goal >= {GOAL_TWO}x){limit}")
                    # (only where every process is bound by its CPU: with a mock that waits,
                    # a worker's rate is not 1/w, and both goals can hold)
                    bound = exclusive(runs[2], statistics.median(BASELINE_CPU[-REPS:])) \
                        if latency == 0 else ""
                    if bound:
                        print(f"  {'':10} {bound}")
    finally:
        mock.close()
    return verdicts


def main() -> None:
    if "--worker" in sys.argv:
        asyncio.run(worker_main())
        return
    from tests.pg import PostgresServer, PostgresUnavailable

    print(f"Fan-out of {N:,} invitations (baseline: raw slack_sdk AsyncWebClient, "
          f"{CONCURRENCY} at a time, shared session); medians of {REPS} runs, each ratio "
          "against the baseline run just before it")
    tmp = tempfile.mkdtemp(prefix="outward-bench-")
    pg: PostgresServer | None = None
    verdicts = []
    try:
        content = content_dir(Path(tmp))
        stores: list[tuple[str, str, list[int]]] = [
            ("SQLite", f"sqlite+aiosqlite:///{tmp}/outward.db", [1])]
        try:
            pg = PostgresServer().start()
        except PostgresUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}")
        for i, latency in enumerate(LATENCIES):
            here = [(name, url.replace("outward.db", f"outward{i}.db"), counts)
                    for name, url, counts in stores]
            if pg is not None:
                here.append(("PostgreSQL", pg.create_database(), [1, 2]))
            verdicts += run_pass(latency, here, content, first_contact=i == 0,
                                 pg_pid=postmaster(pg) if pg is not None else None)
        print(f"Fan-out summary ({os.cpu_count()} CPUs, shared by the mock, PostgreSQL and "
              "the workers; at 0 ms every process is bound by CPU):")
        for what, ratio, goal in verdicts:
            print(f"  {verdict(ratio, goal)}  {what}: {ratio:.2f}x (goal >= {goal}x)")
    finally:
        if pg is not None:
            pg.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
