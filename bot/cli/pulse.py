"""`pulse start|pause|resume|close|status [ROUND]`: administer survey rounds."""

from __future__ import annotations

import argparse
import re
from collections.abc import Collection

from bot.cli.common import Context, Subparsers, UserError, opened
from conversations.pulse.admin import RoundAdmin


# What the core's texts tell a chat user to type, as a command line does it: "/pulse status R"
# is `python -m bot pulse status R`, "/pulse start R as R-2" `... pulse start R --as-id R-2`.
# Chat-only commands (schedule, commit, share) keep their chat form.
def as_command_line(text: str, rounds: Collection[str]) -> str:
    """A reply's /pulse commands written as this command line's; `rounds`: the round ids the
    reply may name after a command (any other word after it is the sentence's)."""
    names = "|".join(re.escape(r) for r in sorted(rounds, key=len, reverse=True) if r)
    chat = re.compile(r"/pulse (start|pause|resume|close|status)"
                      + (rf"((?: (?:{names}))?)(?: as ([\w.-]+))?(?![\w-])" if names
                         else r"()()(?![\w-])"))

    def line(m: re.Match[str]) -> str:
        copy = f" --as-id {m.group(3)}" if m.group(3) else ""
        return f"`python -m bot pulse {m.group(1)}{m.group(2)}{copy}`"
    return chat.sub(line, text)


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
        named = {args.round or "", args.new_id or "", str(outcome.values.get("round", ""))}
        print(as_command_line(app.deps.catalog.text("en", outcome.key, **outcome.values),
                              named))
    return 0 if outcome.ok else 2
