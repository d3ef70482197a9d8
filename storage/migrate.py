"""Apply the Alembic migrations (`python -m bot db upgrade`; also run on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


class NewerDatabase(RuntimeError):
    """The database was upgraded by a newer release than this one (an image rolled back after
    its upgrade): nothing is changed, and the message says what to do."""


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to `revision` inside one transaction."""

    def run(sync_conn: Connection) -> None:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = alembic_config(sync_conn)
        script = ScriptDirectory.from_config(config)
        known = {s.revision for s in script.walk_revisions()}
        at = MigrationContext.configure(sync_conn).get_current_revision()
        if at is not None and at not in known:
            raise NewerDatabase(
                f"the database is at revision {at}, newer than this release of Outward "
                f"knows (up to {script.get_current_head()}): run the release that upgraded "
                "it, or restore the backup taken before the upgrade; nothing was changed")
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # several processes may start at once (web, worker, clock): migrate one at a time
            await conn.execute(text("SELECT pg_advisory_xact_lock(7140521)"))
        await conn.run_sync(run)


async def current(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    def read(sync_conn: Connection) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(read)
