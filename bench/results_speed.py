"""Speed of what a chair asks for, on realistic listening-tour rounds (tests/rounds_data.py) in
SQLite, the default storage, through the real core:

* `/themes ROUND` on a round of about 10,000 comments: cold (first request after start: the
  engine's libraries imported, as the web process does in the background, nothing themed yet)
  and cached (the same request again). Goals: <= 3 s cold, <= 0.5 s cached.
* the HTML committee report (`Reports.html`, every group that passes the checks) for rounds of
  1,000, 5,000 and 10,000 submissions, cold. Goal: 5,000 submissions <= 10 s.
* with the semantic engine installed (`make semantic`): `/themes` cold on the 10k round (it
  is above OUTWARD_SEMANTIC_MAX_COMMENTS, so TF-IDF themes it) and on a round just under
  that size (the semantic engine themes it); the reply names the engine.

Baseline, measured in the same run on the same comments: scikit-learn's TfidfVectorizer +
MiniBatchKMeans (k=10) over each open question's comments and over all of them (what theming
the round once costs at the least, with no labels, sub-themes, sentiment or thresholds). The
machine is shared: read the ratio as much as the seconds.

Run: python bench/results_speed.py [SUBMISSIONS ...]   (default: 1000 5000 10000)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.console.adapter import address_for  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from conversations.events import TextReceived  # noqa: E402
from conversations.results.report import Reports  # noqa: E402
from tests.results_support import organisation  # noqa: E402
from tests.rounds_data import store as store_round  # noqa: E402
from tests.rounds_data import submissions  # noqa: E402
from tests.support import TUESDAY_9AM_LA, Console  # noqa: E402

COMMENTS_PER_SUBMISSION = 3.9  # tests/rounds_data.py: open answers per person on average
GOAL_COLD, GOAL_CACHED, GOAL_REPORT_5K = 3.0, 0.5, 10.0


def baseline(texts_by_item: dict[str, list[str]]) -> float:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.perf_counter()
    for texts in [*texts_by_item.values(), [t for ts in texts_by_item.values() for t in ts]]:
        if len(texts) >= 10:
            x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
            MiniBatchKMeans(n_clusters=10, random_state=0, n_init=3).fit_predict(x)
    return time.perf_counter() - t0


async def round_app(n: int, engine: str, folder: str, seed: int = 11) -> tuple[object, dict]:
    """A migrated SQLite database with a closed round of n submissions, and its comments."""
    clock = FakeClock(TUESDAY_9AM_LA)
    url = f"sqlite+aiosqlite:///{folder}/bench-{n}-{engine or 'auto'}.db"
    env = {"OUTWARD_THEMES_ENGINE": engine} if engine else {"OUTWARD_THEMES_ENGINE": ""}
    app = await organisation(clock, 0, url, env=env)
    console = Console(app, clock)
    await console.say(":as amara", "/pulse start listening-tour")
    subs = submissions(n, seed)
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get("listening-tour")
        assert rnd is not None and rnd.opened_on is not None
        await store_round(tx, rnd.id, rnd.opened_on.isoformat(), [], subs, rnd.opened_on)
        await tx.commit()
    await console.say("/pulse close listening-tour")
    by_item: dict[str, list[str]] = {}
    for _, answers in subs:
        for qid, _, text in answers:
            if text:
                by_item.setdefault(qid, []).append(text)
    return app, by_item


def cold(app: object) -> None:
    """Forget every theming (a new process), keep the imports (warmed at start)."""
    themer = app.deps.themer  # type: ignore[attr-defined]
    themer._memo.clear()
    command = app.registry.commands["themes"].handler  # type: ignore[attr-defined]
    command.summaries._themed.clear()


async def themes_timing(app: object) -> tuple[float, float, str]:
    address = address_for("jordan")
    cold(app)
    t0 = time.perf_counter()
    replies = await app.router(TextReceived(address, "/themes listening-tour"))  # type: ignore
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = await app.router(TextReceived(address, "/themes listening-tour"))  # type: ignore
    second = time.perf_counter() - t0
    assert [m.text for m in replies] == [m.text for m in again]
    engine = next((line for line in replies[0].text.splitlines() if "engine" in line), "?")
    return first, second, engine


async def report_timing(app: object) -> tuple[float, int]:
    cold(app)
    t0 = time.perf_counter()
    async with app.deps.uow() as tx:  # type: ignore[attr-defined]
        rnd = await tx.rounds.get("listening-tour")
        html = await Reports(app.deps).html(tx, rnd)  # type: ignore[attr-defined]
        await tx.commit()
    assert isinstance(html, str)
    return time.perf_counter() - t0, len(html)


def verdict(value: float, goal: float) -> str:
    return f"goal <= {goal:g} s: {'PASS' if value <= goal else 'MISS'}"


async def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000, 10000]
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="outward-bench-") as folder:
        # /themes on a round of about 10,000 comments, TF-IDF
        n10k = round(10_000 / COMMENTS_PER_SUBMISSION)
        app, items = await round_app(n10k, "tfidf", folder)
        app.deps.themer.warm_up()  # type: ignore[attr-defined]  # as `serve` does at start
        comments = sum(len(v) for v in items.values())
        first, second, engine = await themes_timing(app)
        base = baseline(items)
        lines.append(f"/themes, {n10k} submissions, {comments} comments: cold {first:5.2f} s "
                     f"({verdict(first, GOAL_COLD)}), cached {second:5.2f} s "
                     f"({verdict(second, GOAL_CACHED)}); baseline TF-IDF+MiniBatchKMeans "
                     f"{base:5.2f} s, ratio cold/baseline {first / base:4.1f}x; {engine}")
        print(lines[-1], flush=True)
        await app.close()  # type: ignore[attr-defined]
        # the HTML report
        for n in sizes:
            app, items = await round_app(n, "tfidf", folder)
            app.deps.themer.warm_up()  # type: ignore[attr-defined]
            took, size = await report_timing(app)
            base = baseline(items)
            goal = f"  {verdict(took, GOAL_REPORT_5K)}" if n == 5000 else ""
            lines.append(f"report, {n:6d} submissions, {sum(len(v) for v in items.values()):6d}"
                         f" comments: {took:6.2f} s ({size // 1024} KiB); baseline "
                         f"{base:5.2f} s, ratio {took / base:4.1f}x{goal}")
            print(lines[-1], flush=True)
            await app.close()  # type: ignore[attr-defined]
        # the semantic engine, when installed: only up to OUTWARD_SEMANTIC_MAX_COMMENTS
        from storage.themes import semantic_available

        if semantic_available():
            limit = int(os.environ.get("OUTWARD_SEMANTIC_MAX_COMMENTS", "1000"))
            for n in (n10k, int(limit / COMMENTS_PER_SUBMISSION * 0.95)):
                app, items = await round_app(n, "", folder, seed=12)
                t0 = time.perf_counter()
                app.deps.themer.warm_up()  # type: ignore[attr-defined]
                warm = time.perf_counter() - t0
                first, second, engine = await themes_timing(app)
                comments = sum(len(v) for v in items.values())
                lines.append(f"/themes with the semantic engine installed, {comments} comments: "
                             f"cold {first:5.2f} s ({verdict(first, GOAL_COLD)}), cached "
                             f"{second:5.2f} s; model load at start {warm:4.1f} s; {engine}")
                print(lines[-1], flush=True)
                await app.close()  # type: ignore[attr-defined]
        else:
            lines.append("semantic engine not installed (make semantic): not measured")
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
