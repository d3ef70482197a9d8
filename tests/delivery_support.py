"""A large fan-out to set up, for the delivery fault tests (tests/test_delivery_faults.py) and the
fan-out benchmark (bench/fanout.py): N people linked to Slack accounts on the mock, and a round
whose invitations may go at any hour of any day (the bundled rounds send on weekdays 9-17 in
each person's time zone, which a test run at night would never see)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

TEAM = "T0OUTWARD"  # the mock's workspace (tests/slack_mock.py)
ROUND = "anytime"
SECRET = "fanout-secret-" + "0123456789abcdef" * 2
CLIENT_ID = "111.222"  # the Slack app's OAuth client, with several workspaces installed


def token(team: str) -> str:
    """The bot token of Outward's install in `team` (OAuth mode)."""
    return f"xoxb-{team.lower()}"


def oauth() -> dict[str, str]:
    """Environment for multi-workspace mode: the OAuth client instead of one bot token (the
    installs are saved by `populate`)."""
    return {"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": "fanout-client-secret"}


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
                   start: bool = True, teams: Sequence[str] = (TEAM,)) -> dict[str, Any] | None:
    """Migrate the database, put n people on the roster linked to Slack accounts uid(i) (with
    their DM channel stored when `stored_dm`), and start round ROUND (the clock plans its
    invitations). Person i is in teams[i % len(teams)]; in OAuth mode (`oauth()`), Outward is
    installed in each of the teams. With `start`, also plan them
    here and return one invitation rendered as Slack Block Kit (what the benchmark's baseline
    posts)."""
    from adapters.slack import convert
    from bot.bootstrap import build
    from bot.settings import Settings
    from conversations.pulse.admin import RoundAdmin
    from storage.models import Claimed
    from storage.roster import parse_roster, save_roster

    app = await build(Settings.from_env(env))
    try:
        if env.get("SLACK_CLIENT_ID"):
            from slack_sdk.oauth.installation_store import Installation
            from slack_sdk.oauth.installation_store.sqlalchemy import (
                AsyncSQLAlchemyInstallationStore,
            )

            from storage.slack_tables import BOTS_TABLE, INSTALLATIONS_TABLE

            store = AsyncSQLAlchemyInstallationStore(
                client_id=env["SLACK_CLIENT_ID"], engine=app.engine,
                bots_table_name=BOTS_TABLE, installations_table_name=INSTALLATIONS_TABLE)
            for team in teams:
                await store.async_save(Installation(
                    app_id="A0OUTWARD", enterprise_id=None, team_id=team, user_id="U0ADMIN",
                    bot_token=token(team), bot_id="B" + team, bot_user_id="U0BOT",
                    bot_scopes=["chat:write", "im:write", "users:read"]))
        lines = ["handle,name,email,timezone,locale,roles,branch,classification,employment"]
        lines += [f"p{i},Person {i},p{i}@example.org,America/Chicago,en,staff,Main,Clerk,FT"
                  for i in range(n)]
        async with app.deps.uow() as tx:
            await save_roster(tx, parse_roster("\n".join(lines), "fanout", "UTC"))
            await tx.commit()
        async with app.deps.uow() as tx:
            ids = {p.handle: p.id for p in await tx.people.all()}
            for i in range(n):
                await tx.identities.link(ids[f"p{i}"], "slack", teams[i % len(teams)], uid(i),
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
