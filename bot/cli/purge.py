"""`purge`: remove comment text of rounds past the retention period (also hourly, by the clock)."""

from __future__ import annotations

import argparse

from bot.cli.common import Context, Subparsers, opened


def add_parsers(sub: Subparsers) -> None:
    sub.add_parser("purge", help="purge comment text of rounds past the retention period")


async def purge(ctx: Context, args: argparse.Namespace) -> int:
    from conversations.results.retention import Retention

    async with opened(ctx) as app:
        purged = await Retention(app.deps, ctx.settings.retention_days).purge()
    print(f"Purged comment text of {len(purged)} round(s): {', '.join(purged) or '-'}")
    return 0
