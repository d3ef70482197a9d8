"""Slack directory sync at 500, 2,000 and 10,000 accounts (or the sizes given), against the
local mock Slack Web API (tests/slack_mock.py) over real HTTP with slack_sdk, on SQLite and
(when installed) PostgreSQL.

The roster has as many people as the workspace has accounts (plus 10% who are not in Slack);
90% of the accounts match a roster email (in another letter case for a third of them), the
rest are guests; 2% are deactivated. Outward's figure is `SlackDirectory.sync()` through the
real adapter and core (`attach_slack`), the first sync (everyone linked) and a second one
(nothing new). The baseline is the raw paging of users.list with slack_sdk against the same
mock in the same run (200 a page, as the adapter asks), which a sync cannot beat.

Goals: 2,000 accounts within 5 s, and linear: the time per account at the largest size within
2x the time per account at the smallest.

Run: python bench/directory_sync.py [N ...]
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiohttp import web  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from adapters.slack.directory import PAGE_SIZE  # noqa: E402
from bench import postgres  # noqa: E402
from bot.bootstrap import build  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.slack_wiring import SLACK_ADAPTER, attach_slack  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Identity, Person  # noqa: E402
from tests.slack_mock import MockSlack, user  # noqa: E402

SIZES = (500, 2_000, 10_000)
GOAL_2000 = 5.0
LINEAR = 2.0
TOKEN = "xoxb-bench"


def accounts(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        email = f"staff{i}@county.example.gov" if i % 10 else f"guest{i}@elsewhere.example"
        if i % 3 == 0:
            email = email.upper()
        out.append(user(f"U{i:07d}", f"Staff Member {i}", email, deleted=i % 50 == 7))
    return out


async def populate(url: str, n: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(insert(Person), [
            {"handle": f"s{i:07d}", "display_name": f"Staff Member {i}",
             "email": f"staff{i}@county.example.gov", "timezone": "America/Chicago",
             "locale": "en", "roles": "staff", "branch": "", "classification": "",
             "employment": "", "active": True} for i in range(n + n // 10) if i % 10])
    await engine.dispose()


async def raw_paging(mock: MockSlack) -> float:
    client = AsyncWebClient(token=TOKEN, base_url=mock.url)
    t = time.perf_counter()
    cursor, seen = "", 0
    while True:
        resp = await client.users_list(limit=PAGE_SIZE, include_locale=True,
                                       **({"cursor": cursor} if cursor else {}))
        seen += len(resp.get("members") or [])
        cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    took = time.perf_counter() - t
    assert seen == len(mock.users)
    return took


async def one(url: str, n: int) -> dict[str, float]:
    await populate(url, n)
    mock = await MockSlack(users=accounts(n), page_size=PAGE_SIZE).start()
    try:
        settings = Settings.from_env({
            "OUTWARD_DATABASE_URL": url, "OUTWARD_SECRET": "bench-" + "0123456789abcdef" * 2,
            "SLACK_SIGNING_SECRET": "bench-signing", "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": mock.url, "OUTWARD_SPACY_MODEL": "none",
            "OUTWARD_THEMES_ENGINE": "tfidf"})
        app = await build(settings)
        try:
            holder = web.Application()
            mock.users, directory = [], mock.users  # the sync attach_slack starts: empty
            await attach_slack(app, holder)
            adapter = holder[SLACK_ADAPTER]
            await adapter.drain()
            mock.users = directory
            baseline = await raw_paging(mock)
            t = time.perf_counter()
            seen = await adapter.sync_directory()
            first = time.perf_counter() - t
            t = time.perf_counter()
            await adapter.sync_directory()
            second = time.perf_counter() - t
            assert seen == n
            async with app.engine.connect() as conn:
                linked = int(await conn.scalar(select(func.count()).select_from(Identity)) or 0)
            await adapter.close()
        finally:
            await app.close()
    finally:
        await mock.close()
    expected = sum(1 for i in range(n) if i % 10 and i % 50 != 7)
    assert linked == expected, (linked, expected)
    return {"first": first, "second": second, "baseline": baseline, "linked": linked}


async def run_engine(name: str, url_for: postgres.UrlFor, sizes: list[int]) -> None:
    print(f"\n{name}")
    print(f"{'accounts':>8} {'sync':>8} {'again':>8} {'users.list':>11} {'ratio':>7}  result  "
          "(linked)")
    per: dict[int, float] = {}
    for n in sizes:
        r = await one(url_for(f"dir{n}"), n)
        per[n] = r["first"] / n
        ok = n != 2000 or r["first"] <= GOAL_2000
        print(f"{n:>8} {r['first']:>7.2f}s {r['second']:>7.2f}s {r['baseline']:>10.2f}s "
              f"{r['first'] / r['baseline']:>6.1f}x  {'PASS' if ok else 'MISS'}    "
              f"({r['linked']})")
    small, large = min(sizes), max(sizes)
    if small != large:
        growth = per[large] / per[small]
        print(f"time per account, {large} vs {small}: x{growth:.2f} "
              f"({'PASS' if growth <= LINEAR else 'MISS'}: linear within x{LINEAR:g})")


async def main(sizes: list[int]) -> None:
    print(__doc__.split("\n\n")[0])
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)  # its note about the bot token
    await postgres.each_engine("directory", partial(run_engine, sizes=sizes))


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or list(SIZES)))
