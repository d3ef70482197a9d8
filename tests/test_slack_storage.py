"""Migration 0002: slack_sdk's installation/state store tables, and the seen-events table,
on SQLite and PostgreSQL; and the stores working on Outward's own database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection

from bot.clock import FakeClock
from tests.support import wired


def columns(conn: Connection, table: str) -> dict[str, tuple[str, bool]]:
    return {c["name"]: (type(c["type"]).__name__.upper(), bool(c["nullable"]))
            for c in inspect(conn).get_columns(table)}


async def test_migration_matches_slack_sdk_store_schema(database_url: str,
                                                        clock: FakeClock) -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    app = await wired(database_url, clock, sample=False)
    try:
        md = MetaData()
        expected = {
            "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
                md, "slack_installations"),
            "slack_bots": SQLAlchemyInstallationStore.build_bots_table(md, "slack_bots"),
            "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
                MetaData(), "slack_oauth_states"),
        }
        async with app.engine.connect() as conn:
            for name, table in expected.items():
                actual = await conn.run_sync(columns, name)
                assert set(actual) == {c.name for c in table.columns}, name
                for c in table.columns:
                    assert actual[c.name][1] == bool(c.nullable) or c.primary_key, (name, c.name)
            seen = await conn.run_sync(columns, "slack_seen_events")
            assert set(seen) == {"event_id", "seen_at"}
            rev = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        assert rev is not None and rev >= "0002"
    finally:
        await app.close()


async def test_stores_work_on_outwards_database(database_url: str, clock: FakeClock) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

    app = await wired(database_url, clock, sample=False)
    try:
        store = AsyncSQLAlchemyInstallationStore(client_id="111.222", engine=app.engine)
        await store.async_save(Installation(
            app_id="A1", enterprise_id=None, team_id="T1", user_id="U1", bot_token="xoxb-1",
            bot_id="B1", bot_user_id="UB1", bot_scopes=["chat:write"]))
        bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None and bot.bot_token == "xoxb-1"
        states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=60, engine=app.engine)
        state = await states.async_issue()
        assert await states.async_consume(state) is True
        assert await states.async_consume(state) is False
    finally:
        await app.close()


async def test_seen_events_dedupe_and_prune(database_url: str, clock: FakeClock) -> None:
    from adapters.slack.dedupe import SlackDedupe
    from storage.slack_tables import seen_events

    app = await wired(database_url, clock, sample=False)
    try:
        seen = SlackDedupe(app.engine)
        assert await seen.first_time("Ev1") is True
        assert await seen.first_time("Ev1") is False
        # a second process (another SlackDedupe on the same database) agrees
        assert await SlackDedupe(app.engine).first_time("Ev1") is False
        old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)
        async with app.engine.begin() as conn:
            await conn.execute(seen_events.insert().values(event_id="EvOld", seen_at=old))
        fresh = SlackDedupe(app.engine)
        assert await fresh.first_time("Ev2") is True  # the first insert also prunes
        async with app.engine.connect() as conn:
            ids: Any = (await conn.execute(text("SELECT event_id FROM slack_seen_events"))
                        ).scalars().all()
        assert sorted(ids) == ["Ev1", "Ev2"]
    finally:
        await app.close()
