"""A large fan-out to set up, for the delivery fault tests (tests/test_delivery_faults.py) and the
fan-out benchmark (bench/fanout.py): N people linked to Slack accounts on the mock, and a round
whose invitations may go at any hour of any day (the bundled rounds send on weekdays 9-17 in
each person's time zone, which a test run at night would never see)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

TEAM = "T0OUTWARD"  # the mock's workspace (tests/slack_mock.py)
ROUND = "anytime"
SECRET = "fanout-secret-" + "0123456789abcdef" * 2


def uid(i: int) -> str:
    return f"U{i:07d}"


def dm(i: int) -> str:
    """Person i's DM channel: what the mock's conversations.open answers for uid(i)."""
    return "D" + uid(i)[1:]


def content_dir(parent: Path) -> Path:
    """OUTWARD_CONTENT_DIR holding round ROUND: the listening tour, sent at any time."""
    bundled = resources.files("prompts").joinpath("rounds/listening-tour.yaml")
    tour = yaml.safe_load(bundled.read_text("utf-8"))
    tour["id"] = ROUND
    tour["schedule"].update(weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                            send_window="00:00-24:00")
    rounds = parent / "content" / "rounds"
    rounds.mkdir(parents=True, exist_ok=True)
    (rounds / f"{ROUND}.yaml").write_text(yaml.safe_dump(tour, allow_unicode=True))
    return parent / "content"


def environment(database_url: str, mock_url: str, content: Path,
                **extra: str) -> dict[str, str]:
    """What the Procfile processes (and the benchmark's workers) get: the database, the mock
    Slack, the content, no quiet hours, no NER pipelines (fast start)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "OUTWARD_DATABASE_URL": database_url,
        "OUTWARD_SECRET": SECRET,
        "OUTWARD_QUIET_HOURS": "none",
        "OUTWARD_SPACY_MODEL": "none",
        "OUTWARD_THEMES_ENGINE": "tfidf",
        "OUTWARD_CONTENT_DIR": str(content),
        "OUTWARD_LOG_LEVEL": "WARNING",
        "SLACK_SIGNING_SECRET": "fanout-signing-secret",
        "SLACK_BOT_TOKEN": "xoxb-fanout",
        "SLACK_API_URL": mock_url,
        **extra,
    }


async def populate(env: Mapping[str, str], n: int, stored_dm: bool = True,
                   start: bool = True) -> dict[str, Any] | None:
    """Migrate the database, put n people on the roster linked to Slack accounts uid(i) (with
    their DM channel stored when `stored_dm`), and start round ROUND (the clock plans its
    invitations). With `start`, also plan them here and return one invitation rendered as Slack
    Block Kit (what the benchmark's baseline posts)."""
    from adapters.slack import convert
    from bot.bootstrap import build
    from bot.settings import Settings
    from conversations.pulse.admin import RoundAdmin
    from storage.models import Claimed
    from storage.roster import parse_roster, save_roster

    app = await build(Settings.from_env(env))
    try:
        lines = ["handle,name,email,timezone,locale,roles,branch,classification,employment"]
        lines += [f"p{i},Person {i},p{i}@example.org,America/Chicago,en,staff,Main,Clerk,FT"
                  for i in range(n)]
        async with app.deps.uow() as tx:
            await save_roster(tx, parse_roster("\n".join(lines), "fanout", "UTC"))
            await tx.commit()
        async with app.deps.uow() as tx:
            ids = {p.handle: p.id for p in await tx.people.all()}
            for i in range(n):
                await tx.identities.link(ids[f"p{i}"], "slack", TEAM, uid(i),
                                         dm(i) if stored_dm else "")
            outcome = await RoundAdmin(app.deps).start(tx, ROUND)
            assert outcome.ok, outcome
            await tx.commit()
        if not start:
            return None
        planned = await app.plan_all()
        if planned != n:
            raise RuntimeError(f"planned {planned} invitations, expected {n}")
        async with app.deps.uow() as tx:
            row = (await tx.outbox.rows())[0]
            rendered = await app.worker.outreach.render(
                tx, Claimed(row.id, row.key, row.person_id, row.kind, row.payload, 1))
        assert rendered is not None
        return convert.render(rendered[1][0])
    finally:
        await app.close()
