"""Importing a roster of 50,000 people (or the sizes given): `python -m bot roster import FILE`
as a real process (start-up, parsing and validating every row, the upsert, the scrubber
rebuilt from the new names), into an empty database and again over the same people (every row
an update), on SQLite and (when installed) PostgreSQL.

Baseline, in the same run: a plain bulk insert of the same rows with SQLAlchemy Core
(executemany into the migrated `people` table of a fresh database), in process: the least the
writes themselves can cost. The command's own parts are shown too (parse, save, rebuild).

Goal: 50,000 people within 20 s.

Run: python bench/roster_import.py [N ...]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from bench import postgres  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Person  # noqa: E402
from storage.roster import parse_roster  # noqa: E402

SIZES = (50_000,)
GOAL = 20.0
FIRST = ["Ana", "Ben", "Carla", "Dev", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jia", "Kofi",
         "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq"]
LAST = ["Garcia", "Nguyen", "Smith", "Okafor", "Kim", "Patel", "Reyes", "Tanaka", "Becker",
        "Herrera", "Lopez", "Cohen", "Singh", "Brown", "Ali"]
ZONES = ["America/Los_Angeles"] * 8 + ["America/Denver", "America/Phoenix"]
ENV = {"OUTWARD_SECRET": "bench-secret-" + "0123456789abcdef" * 2,
       "OUTWARD_SPACY_MODEL": "none", "OUTWARD_THEMES_ENGINE": "tfidf"}


def roster_csv(n: int) -> str:
    lines = ["handle,name,email,timezone,locale,roles,branch,classification,employment"]
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        lines.append(f"p{i:06d},{first} {last} {i},p{i}@county.example.gov,"
                     f"{ZONES[i % len(ZONES)]},{'es' if i % 9 == 0 else 'en'},staff,"
                     f"Branch {i % 40},Class {i % 12},{'FT' if i % 3 else 'PT'}")
    return "\n".join(lines) + "\n"


def command(url: str, path: str) -> float:
    return postgres.timed_bot(["roster", "import", path], {**ENV, "OUTWARD_DATABASE_URL": url})


async def migrate(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


async def baseline(url: str, text: str) -> float:
    rows = [r.as_columns() for r in parse_roster(text, "bench", "UTC")]
    engine = create_engine(url)
    await upgrade(engine)
    try:
        async with engine.begin() as conn:
            t = time.perf_counter()
            await conn.execute(insert(Person), rows)
            return time.perf_counter() - t
    finally:
        await engine.dispose()


async def parts(url: str, text: str) -> tuple[float, float, float]:
    """(parse, save, rebuild the scrubber) in process, into a fresh database."""
    from bot.bootstrap import build
    from bot.settings import Settings
    from storage.roster import save_roster

    t = time.perf_counter()
    rows = parse_roster(text, "bench", "UTC")
    parse = time.perf_counter() - t
    app = await build(Settings.from_env({"OUTWARD_DATABASE_URL": url, **ENV}))
    try:
        t = time.perf_counter()
        async with app.deps.uow() as tx:
            await save_roster(tx, rows)
            await tx.commit()
        save = time.perf_counter() - t
        t = time.perf_counter()
        await app.roster_changed()
        return parse, save, time.perf_counter() - t
    finally:
        await app.close()


async def run_engine(name: str, url_for: postgres.UrlFor, sizes: list[int], tmp: str) -> None:
    print(f"\n{name}")
    print(f"{'people':>7} {'import':>8} {'again':>8} {'Core insert':>12} {'ratio':>7}  result  "
          "(parse / save / rebuild in process)")
    for n in sizes:
        text = roster_csv(n)
        path = os.path.join(tmp, f"roster{n}.csv")
        await asyncio.to_thread(Path(path).write_text, text, encoding="utf-8")
        url = url_for(f"roster{n}")
        await migrate(url)
        first = command(url, path)
        again = command(url, path)
        base = await baseline(url_for(f"plain{n}"), text)
        parse, save, rebuild = await parts(url_for(f"parts{n}"), text)
        print(f"{n:>7} {first:>7.2f}s {again:>7.2f}s {base:>11.2f}s {first / base:>6.1f}x  "
              f"{'PASS' if first <= GOAL and again <= GOAL else 'MISS'}    "
              f"({parse:.2f}s / {save:.2f}s / {rebuild:.2f}s)")


async def main(sizes: list[int]) -> None:
    print(__doc__.split("\n\n")[0])
    with tempfile.TemporaryDirectory(prefix="outward-bench-roster-csv-") as tmp:  # the CSV files
        await postgres.each_engine("roster", partial(run_engine, sizes=sizes, tmp=tmp))


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or list(SIZES)))
