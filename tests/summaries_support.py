"""A realistic organisation for summary tests: the sample roster plus 24 more staff."""

from __future__ import annotations

from pathlib import Path

from bot.bootstrap import Outward
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.router import console_address
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster
from tests.support import wired

TOPICS = [
    "We are short staffed at the desk and the workload keeps growing every month",
    "Staffing is too thin, the workload on each shift is too heavy",
    "Paid time for equity training would help, training sessions are always at bad times",
    "More training on bias and microaggressions, with paid time to attend the training",
    "Our managers listen and support us when we raise concerns about racism",
    "My supervisor is supportive and management backs us up with difficult patrons",
]


async def big_org(tmp_path: Path, clock: FakeClock, url: str = "") -> Outward:
    """The sample organisation plus 24 more Central/Eastside staff, so groups pass k (on
    `url`, default a SQLite file in tmp_path)."""
    app = await wired(url or f"sqlite+aiosqlite:///{tmp_path}/big.db", clock, sample=False)
    extra = "".join(
        f"p{i},Person Number{i},p{i}@example.org,America/Los_Angeles,en,staff,"
        f"{'Central' if i % 2 else 'Eastside'},Library Assistant,{'FT' if i % 3 else 'PT'}\n"
        for i in range(24)
    )
    async with app.deps.uow() as tx:
        await save_roster(tx, parse_roster(sample_roster_csv() + extra, "org", "UTC"))
        await tx.commit()
    await app.roster_changed()
    return app


async def answer(app: Outward, handle: str, i: int, share: bool = True) -> None:
    a = console_address(handle)
    await app.router(TextReceived(a, "/pulse"))
    await app.router(TextReceived(a, "yes" if share else "no"))
    lines = [TOPICS[i % 6], TOPICS[(i + 2) % 6], "skip", "skip", str(1 + i % 5), "skip",
             str(1 + (i + 1) % 5), "skip", "3", "Training and learning"]
    for line in lines:
        replies = await app.router(TextReceived(a, line))
    assert "Thank you" in replies[-1].text, replies[-1].text


