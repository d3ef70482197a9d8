"""`pulse start|pause|resume|close|status [ROUND]`: administer survey rounds."""

from __future__ import annotations

import argparse

from bot.cli.common import Context, Subparsers, UserError, opened
from conversations.pulse.admin import RoundAdmin


def add_parsers(sub: Subparsers) -> None:
    pulse = sub.add_parser("pulse", help="administer rounds")
    pulse.add_argument("action", choices=["start", "pause", "resume", "close", "status"],
                       help="start a round now; pause, resume or close it; status: what is "
                            "scheduled, open and closed")
    pulse.add_argument("round", nargs="?", default=None,
                       help="a round id (start: a question set, e.g. listening-tour; `rounds "
                            "list` shows them); schedule, thresholds, commitments and share-backs "
                            "are chat commands (/pulse ...)")
    pulse.add_argument("--as-id", dest="new_id", default=None, help="start a copy under this id")


async def pulse(ctx: Context, args: argparse.Namespace) -> int:
    if args.action != "status" and not args.round:
        raise UserError(f"pulse {args.action} needs a ROUND (for example listening-tour)")
    async with opened(ctx) as app:
        admin = RoundAdmin(app.deps)
        async with app.deps.uow() as tx:
            if args.action == "start":
                outcome = await admin.start(tx, args.round, args.new_id)
            elif args.action == "pause":
                outcome = await admin.pause(tx, args.round)
            elif args.action == "resume":
                outcome = await admin.resume(tx, args.round)
            elif args.action == "close":
                outcome = await admin.close(tx, args.round)
            else:
                outcome = await admin.status(tx, args.round)
            await tx.commit()
        print(app.deps.catalog.text("en", outcome.key, **outcome.values))
    return 0 if outcome.ok else 2
