"""`rounds validate FILE...` and `rounds list`: check content files; list rounds that can start.
Content only, no database (prompts.content does the work)."""

from __future__ import annotations

import argparse

from bot.cli.common import Context, Subparsers


def add_parsers(sub: Subparsers) -> None:
    rounds = sub.add_parser("rounds", help="check content files; list rounds that can start")
    rounds_sub = rounds.add_subparsers(dest="action", required=True)
    check = rounds_sub.add_parser("validate", help="check round/track/codebook/mentorship files "
                                  "or content folders; prints FILE:LINE: problem")
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="a YAML file, or a folder such as the one OUTWARD_CONTENT_DIR names")
    rounds_sub.add_parser("list", help="rounds that can be started, and where each comes from")


async def rounds(ctx: Context, args: argparse.Namespace) -> int:
    from prompts.content import load_content, round_listing, validation_report

    if args.action == "validate":
        status, lines = validation_report(args.files)
    else:
        status, lines = 0, round_listing(load_content(ctx.settings.content_dir))
    print("\n".join(lines))
    return status
