"""Speed of what a chair asks for, on realistic listening-tour rounds (tests/rounds_data.py:
ratings, the priority question, four SWOT questions and two "why" follow-ups) stored in SQLite,
the default storage, and read through the real core (`/themes` through the router, the report
through `Reports.html`, every group that passes the checks):

* `/themes ROUND` cold (a new process: the engine's libraries imported, as `serve` does at
  start, nothing read or themed yet) and cached (the same request again);
* the HTML committee report, cold.

Rounds of 1,000, 2,564 (about 10,000 comments), 5,000 and 10,000 submissions. Goals (issue
11): `/themes` on about 10,000 comments <= 3 s cold and <= 0.5 s cached; the report of a round
of 5,000 submissions <= 10 s. Each cold figure is the median of three cold runs.

Baseline, measured in the same run on the same comments: scikit-learn's TfidfVectorizer +
MiniBatchKMeans (k=10, one thread, like Outward's engine) over all the round's comments, what
theming the round once costs at the least (no labels, sub-themes, sentiment, thresholds, slices
or storage); median of three. The machine is shared: read the ratio as much as the seconds.

With the semantic engine installed (`make semantic`), `/themes` cold is also measured on a round
just under OUTWARD_SEMANTIC_MAX_COMMENTS (the semantic engine themes it; larger rounds are themed
by TF-IDF) and on the 10,000-comment round.

Run: python bench/results_speed.py [SUBMISSIONS ...]   (default: 1000 2564 5000 10000)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.console.adapter import address_for  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.settings import SEMANTIC_MAX_COMMENTS  # noqa: E402
from conversations.events import TextReceived  # noqa: E402
from tests.results_support import organisation  # noqa: E402
from tests.rounds_data import store as store_round  # noqa: E402
from tests.rounds_data import submissions  # noqa: E402
from tests.support import TUESDAY_9AM_LA, Console  # noqa: E402

ROUND = "listening-tour"
TEN_K_COMMENTS = 2564  # submissions: about 10,000 comments (3.9 open answers each)
GOAL_COLD, GOAL_CACHED, GOAL_REPORT = 3.0, 0.5, 10.0
REPORT_GOAL_AT = 5000
RUNS = 3


def baseline(texts: list[str]) -> float:
    """Seconds for TF-IDF + MiniBatchKMeans (k=10) over the comments, one thread."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        t0 = time.perf_counter()
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
        MiniBatchKMeans(n_clusters=10, random_state=0, n_init=3).fit_predict(x)
        return time.perf_counter() - t0


async def round_app(n: int, engine: str, folder: str, seed: int = 11) -> tuple[Any, list[str]]:
    """A migrated SQLite database with a closed round of n submissions, and its comments."""
    clock = FakeClock(TUESDAY_9AM_LA)
    url = f"sqlite+aiosqlite:///{folder}/bench-{n}-{engine or 'auto'}.db"
    env = {"OUTWARD_THEMES_ENGINE": engine}
    if "OUTWARD_SEMANTIC_MAX_COMMENTS" in os.environ:  # the limit the semantic rounds are sized to
        env["OUTWARD_SEMANTIC_MAX_COMMENTS"] = os.environ["OUTWARD_SEMANTIC_MAX_COMMENTS"]
    app = await organisation(clock, 0, url, env=env)
    console = Console(app, clock)
    await console.say(":as amara", f"/pulse start {ROUND}")
    subs = submissions(n, seed)
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None and rnd.opened_on is not None
        await store_round(tx, rnd.id, rnd.opened_on.isoformat(), [], subs, rnd.opened_on)
        await tx.commit()
    await console.say(f"/pulse close {ROUND}")
    app.deps.themer.warm_up()  # as `serve` does at start, off the event loop
    return app, [text for _, answers in subs for _, _, text in answers if text]


def cold(app: Any) -> None:
    """Forget everything read and themed (a new process), keep the loaded engine."""
    app.deps.themer.forget()
    app.reports.summaries.forget()


async def timed(step: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    got = await step()
    return time.perf_counter() - t0, got


async def themes(app: Any) -> str:
    replies = await app.router(TextReceived(address_for("jordan"), f"/themes {ROUND}"))
    return "\n".join(m.text for m in replies)


async def report(app: Any) -> str:
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        page = await app.reports.html(tx, rnd)
        await tx.commit()
    assert isinstance(page, str), page
    return page


async def median_cold(app: Any, step: Callable[[Any], Awaitable[str]]) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(RUNS):
        cold(app)
        took, out = await timed(partial(step, app))
        times.append(took)
    return statistics.median(times), out


def verdict(value: float, goal: float) -> str:
    return f"[goal <= {goal:g} s: {'PASS' if value <= goal else 'MISS'}]"


def engine_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if "engine" in line), "?")


async def measure(n: int, folder: str) -> str:
    app, texts = await round_app(n, "tfidf", folder)
    try:
        first, reply = await median_cold(app, themes)
        again, same = await timed(partial(themes, app))
        assert same == reply, "a cached /themes says the same"
        page_s, page = await median_cold(app, report)
        base = statistics.median(baseline(texts) for _ in range(RUNS))
    finally:
        await app.close()
    goals = ""
    if n == TEN_K_COMMENTS:
        goals = f" {verdict(first, GOAL_COLD)} cached {verdict(again, GOAL_CACHED)}"
    report_goal = f" {verdict(page_s, GOAL_REPORT)}" if n == REPORT_GOAL_AT else ""
    return (f"{n:6d} submissions, {len(texts):6d} comments | /themes cold {first:5.2f} s, "
            f"cached {again:5.3f} s{goals} | report {page_s:5.2f} s ({len(page) // 1024} KiB)"
            f"{report_goal} | baseline {base:5.2f} s | ratio /themes cold {first / base:4.1f}x,"
            f" report {page_s / base:4.1f}x")


async def semantic(folder: str) -> list[str]:
    from storage.themes import semantic_available

    if not semantic_available():
        return ["semantic engine: not installed (make semantic), not measured"]
    limit = int(os.environ.get("OUTWARD_SEMANTIC_MAX_COMMENTS", SEMANTIC_MAX_COMMENTS))
    lines = []
    for n in (int(limit / 3.9 * 0.95), TEN_K_COMMENTS):
        app, texts = await round_app(n, "", folder, seed=12)
        try:
            first, reply = await median_cold(app, themes)
            again, _ = await timed(partial(themes, app))
        finally:
            await app.close()
        lines.append(f"semantic engine installed, {n:5d} submissions, {len(texts):5d} comments"
                     f" | /themes cold {first:5.2f} s {verdict(first, GOAL_COLD)}, cached "
                     f"{again:5.3f} s | {engine_line(reply)}")
    return lines


async def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, TEN_K_COMMENTS, 5000, 10000]
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="outward-bench-") as folder:
        for n in sizes:
            lines.append(await measure(n, folder))
            print(lines[-1], flush=True)
        for line in await semantic(folder):
            lines.append(line)
            print(line, flush=True)
    print("\nresults speed (SQLite; cold = median of 3):")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
