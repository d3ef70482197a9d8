"""Command line: `python -m bot [run|serve|worker|clock|console|db|roster|pulse|rounds] ...`.

Every failure a user can cause ends in one clear line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.bootstrap import Outward, build
from bot.clock import ShiftableClock
from bot.console import ConsoleControls
from bot.server import start_site, web_app
from bot.settings import Settings, SettingsError
from conversations.pulse.admin import RoundAdmin
from prompts.loader import ContentError, sample_roster_csv
from storage.roster import RosterError, parse_roster, save_roster

log = logging.getLogger("outward")


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="outward",
        description="Outward: listening-tour pulse surveys, learning nudges and mentorship "
        "check-ins in Slack, Teams and the terminal.",
    )
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser(
        "run", help="serve HTTP + clock + worker; console when stdin is a terminal"
    )
    run.add_argument(
        "--sample", action="store_true", help="load the sample organisation if the roster is empty"
    )
    run.add_argument("--no-console", action="store_true", help="never open the console")
    sub.add_parser("serve", help="serve HTTP only (Procfile: web)")
    sub.add_parser("worker", help="deliver due outbox messages (Procfile: worker)")
    sub.add_parser("clock", help="plan due messages every minute (Procfile: clock)")
    con = sub.add_parser("console", help="a terminal chat on the configured database")
    con.add_argument(
        "--sample", action="store_true", help="load the sample organisation if the roster is empty"
    )
    con.add_argument("--as", dest="handle", default="", help="start as this roster handle")
    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    roster = sub.add_parser("roster", help="load or list the staff roster")
    roster_sub = roster.add_subparsers(dest="action", required=True)
    imp = roster_sub.add_parser(
        "import",
        help="import a roster CSV (columns: see README)",
    )
    imp.add_argument("file", nargs="?", help="CSV file")
    imp.add_argument("--sample", action="store_true", help="import the bundled sample organisation")
    roster_sub.add_parser("list", help="list people")
    pulse = sub.add_parser("pulse", help="administer rounds")
    pulse.add_argument("action", choices=["start", "pause", "resume", "close", "status"])
    pulse.add_argument("round", nargs="?", default=None)
    pulse.add_argument("--as-id", dest="new_id", default=None, help="start a copy under this id")
    rounds = sub.add_parser("rounds", help="check content files; list rounds that can start")
    rounds_sub = rounds.add_subparsers(dest="action", required=True)
    check = rounds_sub.add_parser("validate", help="check round/track/codebook/mentorship files "
                                  "or content folders; prints FILE:LINE: problem")
    check.add_argument("files", nargs="+", metavar="FILE")
    rounds_sub.add_parser("list", help="rounds that can be started, and where each comes from")
    scrub = sub.add_parser("scrub", help="remove personal data from stdin lines, to stdout")
    scrub.add_argument("--roster", help="roster CSV whose names to remove (default: the database)")
    themes = sub.add_parser("themes", help="theme the comments in a CSV column")
    themes.add_argument("file")
    themes.add_argument("--column", default="text")
    themes.add_argument("--format", choices=["json", "text"], default="text")
    report = sub.add_parser("report", help="committee report for a round, or `report learning`")
    report.add_argument("round", help="a round id, or `learning` for learning-track aggregates")
    report.add_argument("--format", choices=["html"], default="html")
    report.add_argument("--out", help="output file (default ROUND.html)")
    sub.add_parser("purge", help="purge comment text of rounds past the retention period")
    pkg = sub.add_parser("teams-package", help="write the Teams app package (zip) to upload")
    pkg.add_argument("--out", default="outward-teams.zip")
    return p


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ if env is None else env)
    except SettingsError as exc:
        print(f"outward: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("presidio-analyzer", "presidio-anonymizer", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return asyncio.run(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except (UserError, RosterError, ContentError, SettingsError, OSError) as exc:
        print(f"outward: {exc}", file=sys.stderr)
        return 2


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command == "db":
        from storage.db import create_engine
        from storage.migrate import current, upgrade

        engine = create_engine(settings.database_url)
        try:
            if args.action == "upgrade":
                await upgrade(engine)
            print(f"database at revision {await current(engine)}")
        finally:
            await engine.dispose()
        return 0
    if command == "rounds":  # content only: no database (prompts.content does the work)
        from prompts.content import load_content, round_listing, validation_report

        if args.action == "validate":
            status, lines = validation_report(args.files)
        else:
            status, lines = 0, round_listing(load_content(settings.content_dir))
        print("\n".join(lines))
        return status
    if command == "scrub" and args.roster:
        return await _scrub_with_file(settings, args.roster)
    if command == "themes":
        return await _themes_file(settings, args)
    if command == "teams-package":
        from bot.teams_wiring import write_package

        try:
            path = await asyncio.to_thread(write_package, settings, Path(args.out))
        except ValueError as exc:  # adapters.teams.PackageError names the missing variable
            raise UserError(str(exc)) from None
        print(f"Wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app).")
        return 0
    clock = ShiftableClock()
    app = await _build(settings, clock)
    try:
        if command == "roster":
            return await _roster(app, args)
        if command == "pulse":
            return await _pulse(app, args)
        if command == "scrub":
            await _scrub_lines(app.deps.scrub)
            return 0
        if command == "report":
            return await _report(app, args)
        if command == "purge":
            from conversations.results.retention import Retention

            purged = await Retention(app.deps, settings.retention_days).purge()
            print(f"Purged comment text of {len(purged)} round(s): {', '.join(purged) or '-'}")
            return 0
        if command == "console":
            if args.sample:
                await _load_sample_if_empty(app)
            await _console(app, clock, args.handle)
            return 0
        if command == "worker":
            await _loop(app, worker=True, planner=False)
            return 0
        if command == "clock":
            await _loop(app, worker=False, planner=True)
            return 0
        if command == "serve":
            await _serve(app, console=False, scheduler=False, clock=clock)
            return 0
        if getattr(args, "sample", False):
            await _load_sample_if_empty(app)
        console = sys.stdin.isatty() and not getattr(args, "no_console", False)
        await _serve(app, console=console, scheduler=True, clock=clock)
        return 0
    finally:
        await app.close()


async def _build(settings: Settings, clock: ShiftableClock) -> Outward:
    try:
        return await build(settings, clock=clock)
    except OSError as exc:
        raise UserError(f"cannot open the database in OUTWARD_DATABASE_URL: {exc}") from None
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise UserError(
                f"cannot open the database in OUTWARD_DATABASE_URL: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]}"
            ) from None
        raise


async def _load_sample_if_empty(app: Outward) -> None:
    async with app.deps.uow() as tx:
        if await tx.people.count() > 0:
            return
        rows = parse_roster(sample_roster_csv(), "sample organisation", app.settings.timezone)
        added, _ = await save_roster(tx, rows)
        await tx.commit()
    await app.roster_changed()
    print(f"Loaded the sample organisation ({added} people).", file=sys.stderr)


async def _roster(app: Outward, args: argparse.Namespace) -> int:
    if args.action == "list":
        async with app.deps.uow() as tx:
            for p in await tx.people.all():
                print(
                    f"{p.handle}\t{p.display_name}\t{p.roles}\t{p.branch}\t"
                    f"{p.classification}\t{p.employment}\t{p.timezone}"
                )
        return 0
    if args.sample:
        data: bytes | str = sample_roster_csv()
        source = "sample organisation"
    elif args.file:
        path = Path(args.file)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise UserError(f"cannot read {args.file}: {exc.strerror}") from None
        source = str(path)
    else:
        raise UserError("roster import needs a CSV file or --sample")
    rows = parse_roster(data, source, app.settings.timezone)
    async with app.deps.uow() as tx:
        added, updated = await save_roster(tx, rows, source)
        await tx.commit()
    await app.roster_changed()
    print(f"Imported {source}: {added} added, {updated} updated.")
    return 0


async def _pulse(app: Outward, args: argparse.Namespace) -> int:
    admin = RoundAdmin(app.deps)
    if args.action != "status" and not args.round:
        raise UserError(f"pulse {args.action} needs a ROUND (for example listening-tour)")
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


async def _stdin_lines() -> AsyncIterator[str]:
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        yield line


async def _console(app: Outward, clock: ShiftableClock, handle: str = "") -> None:
    from adapters.console import ConsoleAdapter

    controls = ConsoleControls(app, clock)
    warm = asyncio.create_task(app.scrub.warm_up())  # while the person reads the greeting
    if not handle:
        async with app.deps.uow() as tx:
            people = await tx.people.all()
        admins = [p.handle for p in people if "admin" in p.roles.split(";")]
        handle = admins[0] if admins else (people[0].handle if people else "")
    console = ConsoleAdapter(app.router, controls, sys.stdout, handle, color=sys.stdout.isatty())
    app.senders["console"] = console
    app.platforms.add("console")
    print("Outward console. Type /help for commands, :help for console controls, :quit to end.")
    if handle:
        print(f"console> you are {await controls.describe(handle) or handle}")
    else:
        print(
            "console> the roster is empty: load one with `python -m bot roster import "
            "FILE.csv` or start with --sample"
        )
    try:
        await app.tick()
        await console.run(_stdin_lines())
    finally:
        if not warm.done():
            warm.cancel()


async def _loop(app: Outward, worker: bool, planner: bool) -> None:
    """Procfile `worker` / `clock`: no HTTP, but the worker needs the platform senders."""
    from aiohttp import web as aioweb

    runner = None
    if worker:
        from bot.platforms import attach_platforms

        holder = web_app(app)
        await attach_platforms(app, holder)
        runner = aioweb.AppRunner(holder)
        await runner.setup()  # runs the adapters' start-up hooks; no socket is opened
    try:
        await _ticks(app, worker, planner)
    finally:
        if runner is not None:
            await runner.cleanup()


async def _ticks(app: Outward, worker: bool, planner: bool) -> None:
    stop = _stop_event()
    last_housekeeping = 0.0
    while not stop.is_set():
        try:
            if planner:
                await app.plan_all()
                if time.monotonic() - last_housekeeping > 3600:
                    await app.housekeeping()
                    last_housekeeping = time.monotonic()
            if worker:
                await app.worker.run_once()
        except Exception:
            log.exception("tick failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=60 if planner else 5)


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def _serve(app: Outward, console: bool, scheduler: bool, clock: ShiftableClock) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    # Load the NER pipelines in the background: /healthz answers meanwhile, and an answer
    # that arrives first waits for the load instead of racing it.
    warm = asyncio.create_task(app.scrub.warm_up())
    web = web_app(app)
    platforms = []
    from bot.platforms import attach_platforms

    platforms = await attach_platforms(app, web)
    runner = await start_site(web, app.settings.host, app.settings.port)
    print(
        f"Outward is serving on http://{app.settings.host}:{app.settings.port} "
        f"(GET /healthz); database {app.engine.url.render_as_string(hide_password=True)}.",
        file=sys.stderr,
    )
    if not platforms:
        print(
            "No Slack or Teams credentials set: serving the console and /healthz only "
            "(see README: Configuration).",
            file=sys.stderr,
        )
    sched = AsyncIOScheduler(timezone="UTC")
    if scheduler:
        sched.add_job(app.tick, "interval", seconds=60, max_instances=1, coalesce=True, id="tick")
        sched.add_job(app.housekeeping, "interval", hours=1, max_instances=1, coalesce=True,
                      id="housekeeping")
    else:  # web only: still scrub with the current roster when another process imports one
        sched.add_job(app.scrub.refresh_if_changed, "interval", seconds=60, args=[app.deps.uow],
                      max_instances=1, coalesce=True, id="roster")
    sched.start()
    try:
        if console:
            await _console(app, clock)
        else:
            await _stop_event().wait()
    finally:
        sched.shutdown(wait=False)
        await runner.cleanup()
        if not warm.done():
            warm.cancel()


async def _scrub_lines(scrub: Callable[[str], str]) -> None:
    async for line in _stdin_lines():
        sys.stdout.write(scrub(line.rstrip("\n")) + "\n")
    sys.stdout.flush()


async def _scrub_with_file(settings: Settings, roster: str) -> int:
    from bot.bootstrap import name_recogniser
    from storage.anonymise import Scrubber

    try:
        data = await asyncio.to_thread(Path(roster).read_bytes)
    except OSError as exc:
        raise UserError(f"cannot read {roster}: {exc.strerror}") from None
    rows = parse_roster(data, roster, settings.timezone, required=("handle", "name"))
    recogniser = await asyncio.to_thread(name_recogniser, settings)
    scrubber = await asyncio.to_thread(Scrubber, [r.display_name for r in rows],
                                       recogniser=recogniser)
    await _scrub_lines(scrubber.scrub)
    return 0


async def _themes_file(settings: Settings, args: argparse.Namespace) -> int:
    import csv
    import io
    import json

    from bot.bootstrap import themes_for

    try:
        raw = await asyncio.to_thread(Path(args.file).read_bytes)
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{args.file} is not UTF-8 text") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames is None or args.column not in reader.fieldnames:
            raise UserError(f"{args.file} has no column {args.column!r} "
                            f"(columns: {', '.join(reader.fieldnames or []) or 'none'})")
        texts = [(row.get(args.column) or "").strip() for row in reader]
    except csv.Error as exc:
        raise UserError(f"{args.file}: line {reader.line_num}: {exc}") from None
    themer, codebook = themes_for(settings)
    result = await asyncio.to_thread(themer.theme, texts, codebook)
    def as_dict(t: Any) -> dict[str, Any]:
        return {"id": t.id, "label": t.label, "code": t.code, "count": len(t.members),
                "key_phrases": list(t.key_phrases),
                "sentiment": dict(zip(("positive", "neutral", "negative"), t.sentiment,
                                      strict=True)),
                "subthemes": [{**as_dict(s), "members": list(s.members)} for s in t.subthemes]}

    themes = [as_dict(t) for t in result.themes]
    if args.format == "json":
        json.dump({"engine": result.engine, "assignments": list(result.assignments),
                   "sentiments": list(result.sentiments), "themes": themes}, sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for i, (theme_id, feeling) in enumerate(
            zip(result.assignments, result.sentiments, strict=True), start=1
        ):
            print(f"{i}\t{theme_id}\t{feeling}")
        for t in themes:
            print(f"theme {t['id']}\t{t['count']}\t{t['label']}\t{t['code'] or ''}")
            for sub in t["subthemes"]:
                print(f"  sub {t['id']}.{sub['id']}\t{sub['count']}\t{sub['label']}")
    return 0


async def _report(app: Outward, args: argparse.Namespace) -> int:
    from conversations.results.report import Reports
    from conversations.results.summary import Refusal

    if args.round == "learning":
        return await _learning_report(app, args)
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(args.round)
        if rnd is None:
            raise UserError(f"there is no round {args.round!r} (python -m bot pulse status)")
        result = await Reports(app.deps).html(tx, rnd)
        if isinstance(result, Refusal):
            print(app.deps.catalog.text("en", result.key, **result.values), file=sys.stderr)
            return 2
        await tx.commit()
    out = Path(args.out or f"{rnd.id}.html")
    await asyncio.to_thread(out.write_text, result, "utf-8")
    print(f"Wrote {out}")
    return 0


async def _learning_report(app: Outward, args: argparse.Namespace) -> int:
    """Learning aggregates for every track (never who), with the anonymity threshold."""
    from conversations.learning.stats import learning_stats_lines

    lines = ["Learning tracks (counts below "
             f"{app.settings.k_responses} are hidden)"]
    async with app.deps.uow() as tx:
        for track in app.deps.tracks.values():
            enrolments = await tx.enrolments.for_track(track.id)
            lines += learning_stats_lines(app.deps.catalog, "en", track, enrolments,
                                          app.settings.k_responses)
    text = "\n".join(line.replace("*", "") for line in lines) + "\n"
    if args.out:
        await asyncio.to_thread(Path(args.out).write_text, text, "utf-8")
        print(f"Wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0
