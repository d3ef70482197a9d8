"""A realistic organisation for summary tests: the sample roster plus 24 more staff."""

from __future__ import annotations

from pathlib import Path

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from prompts.loader import sample_roster_csv
from tests.support import in_memory, load_roster, wired

TOPICS = [
    "We are short staffed at the desk and the workload keeps growing every month",
    "Staffing is too thin, the workload on each shift is too heavy",
    "Paid time for equity training would help, training sessions are always at bad times",
    "More training on bias and microaggressions, with paid time to attend the training",
    "Our managers listen and support us when we raise concerns about racism",
    "My supervisor is supportive and management backs us up with difficult patrons",
]


async def big_org(tmp_path: Path, clock: FakeClock, url: str = "") -> Core:
    """The sample organisation plus 24 more Central/Eastside staff, so groups pass k: on the
    SQL storage at `url` when given, else the real core on the in-memory storage."""
    app: Core = (await wired(url, clock, sample=False) if url
                 else await in_memory(clock, sample=False))
    extra = "".join(
        f"p{i},Person Number{i},p{i}@example.org,America/Los_Angeles,en,staff,"
        f"{'Central' if i % 2 else 'Eastside'},Library Assistant,{'FT' if i % 3 else 'PT'}\n"
        for i in range(24)
    )
    await load_roster(app, sample_roster_csv() + extra)
    return app


async def answer(app: Core, handle: str, i: int, share: bool = True) -> None:
    a = console_address(handle)
    await app.router(TextReceived(a, "/pulse"))
    await app.router(TextReceived(a, "yes" if share else "no"))
    lines = [TOPICS[i % 6], TOPICS[(i + 2) % 6], "skip", "skip", str(1 + i % 5), "skip",
             str(1 + (i + 1) % 5), "skip", "3", "Training and learning"]
    for line in lines:
        replies = await app.router(TextReceived(a, line))
    assert "Thank you" in replies[-1].text, replies[-1].text


