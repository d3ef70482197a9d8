"""`GET /healthz`: the database answers (a `SELECT 1` with a short timeout), and no worker or
clock that has ever run has gone quiet (heartbeats written by bot.scheduler after each
successful run), all on a fake clock; a web-only deployment is healthy."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import health as health_check
from bot import server
from bot.bootstrap import Outward
from bot.clock import FakeClock
from bot.scheduler import OutwardScheduler, process_id
from storage.db import create_engine


async def health(app: Outward) -> tuple[int, dict[str, Any]]:
    client = TestClient(TestServer(server.web_app(app), host="127.0.0.1"))
    await client.start_server()
    try:
        resp = await client.get("/healthz")
        return resp.status, await resp.json()
    finally:
        await client.close()


async def test_clock_and_worker_beats_and_a_stopped_role_is_a_503(
        sql_app: Outward, clock: FakeClock) -> None:
    status, body = await health(sql_app)
    assert (status, body) == (200, {"status": "ok", "database": "ok", "roles": {}}), \
        "nothing has run yet: a web-only deployment is healthy"

    assert await OutwardScheduler(sql_app, "clock").run_job("plan")
    status, body = await health(sql_app)
    assert status == 200
    assert body["roles"]["clock"] == {"last_run": clock.now().isoformat(), "seconds_ago": 0,
                                      "process": process_id()}

    assert await OutwardScheduler(sql_app, "worker").run_job("deliver")
    clock.advance(timedelta(minutes=2))
    status, body = await health(sql_app)
    assert status == 200 and body["roles"]["worker"]["seconds_ago"] == 120

    clock.advance(timedelta(minutes=2))  # four minutes without a run: three intervals passed
    status, body = await health(sql_app)
    assert status == 503 and body["status"] == "unavailable"
    assert "no clock has finished a run for 240 s" in body["reason"]
    assert "no worker has finished a run for 240 s" in body["reason"]

    assert await OutwardScheduler(sql_app, "run").run_job("tick")  # beats for both roles
    assert (await health(sql_app))[0] == 200


async def test_a_failing_run_does_not_beat(sql_app: Outward, clock: FakeClock,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    scheduler = OutwardScheduler(sql_app, "clock")
    assert await scheduler.run_job("plan")

    async def broken() -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(sql_app, "plan_all", broken)
    clock.advance(timedelta(minutes=5))
    assert await scheduler.run_job("plan")  # ran (and failed, logged)
    status, body = await health(sql_app)
    assert status == 503 and "no clock has finished a run for 300 s" in body["reason"]


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never says anything (a hung database)."""
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up
        writer.close()

    srv = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield srv.sockets[0].getsockname()[1]
    srv.close()


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


async def test_a_database_that_fails_or_hangs_is_a_503(
        sql_app: Outward, silent_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health_check, "DB_TIMEOUT", 0.5)
    for port, reason in ((_refused_port(), "the database failed ("),
                         (silent_port, "the database did not answer within 0.5 s")):
        engine = create_engine(f"postgresql+asyncpg://outward:secret@127.0.0.1:{port}/outward")
        broken = dataclasses.replace(sql_app, engine=engine)
        try:
            status, body = await health(broken)
        finally:
            await engine.dispose()
        assert status == 503 and body["database"] == "failed"
        assert body["reason"].startswith(reason), body
        assert "secret" not in str(body)
