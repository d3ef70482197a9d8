"""`db upgrade|current`: database migrations (Procfile: release)."""

from __future__ import annotations

import argparse

from bot.cli.common import Context, Subparsers, database_problems


def add_parsers(sub: Subparsers) -> None:
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"],
                    help="upgrade: apply the migrations (also done on start); current: print "
                         "the database's revision")


async def db(ctx: Context, args: argparse.Namespace) -> int:
    from storage.db import create_engine
    from storage.migrate import current, upgrade

    engine = create_engine(ctx.settings.database_url)
    with database_problems():  # the release process: one line, not a traceback
        try:
            if args.action == "upgrade":
                await upgrade(engine)
            revision = await current(engine)
        finally:
            await engine.dispose()
    print(f"database at revision {revision}")
    return 0
