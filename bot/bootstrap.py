"""The composition root: the one place that picks concrete storage, engines and adapters and
fills the core's registries (conversations.registry) with each feature's handlers.

`compose` wires the real core from settings around an injected storage (a unit-of-work
factory), scrubber and theming engine; `build` makes the SQL storage and calls it. Adapters are
attached by `bot.cli` / `bot.server` (they receive `Outward.router` as their callback and
register themselves in `Outward.senders`)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from adapters.console.adapter import address_for
from bot.clock import SystemClock
from bot.settings import Settings, SettingsError
from bot.worker import DeliveryWorker
from conversations.context import Deps, Policy
from conversations.help import PRIVACY, Help
from conversations.keyed import KeyedHash
from conversations.learning.buttons import LearningButtons
from conversations.learning.commands import LearningCommands
from conversations.learning.planner import LearningPlanner
from conversations.learning.reflections import Reflections
from conversations.learning.render import REFLECT_FORM, LearningRender
from conversations.mentorship.checkins import NOTE_FORM, Checkins
from conversations.mentorship.commands import MentorshipCommands
from conversations.mentorship.planner import MentorshipPlanner
from conversations.mentorship.render import MentorshipRender
from conversations.outreach import Outreach
from conversations.ports import Clock, Sender, Themer, UnitOfWork
from conversations.pulse.admin import RoundAdmin
from conversations.pulse.commands import PulseCommands
from conversations.pulse.flow import PulseFlow
from conversations.pulse.invitations import Invitations
from conversations.pulse.planner import PulsePlanner, busy_today, delete_expired_drafts
from conversations.pulse.render import TEXT_FORM
from conversations.registry import Command, Registry
from conversations.results.commands import ThemesCommand
from conversations.results.release import Releaser
from conversations.results.retention import Retention
from conversations.router import Router
from conversations.routes import Reach
from conversations.words import ANSWERED_ANYWHERE
from prompts.loader import builtin_round_templates, builtin_tracks, load_catalog
from storage.anonymise import NameRecogniser, Scrubber
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class RosterScrub:
    """The scrubber, rebuilt from the roster's names whenever the roster changes.

    Every rebuild reuses the one ``NameRecogniser`` (the loaded spaCy pipelines) it was given:
    a roster change never reloads a model."""

    _scrub: Callable[[str], str] | None

    def __call__(self, text: str) -> str:
        if self._scrub is None:
            raise RuntimeError("RosterScrub used before refresh()")
        return self._scrub(text)

    def __init__(self, recogniser: NameRecogniser | None) -> None:
        self._scrub = None
        self.recogniser = recogniser

    async def refresh(self, uow: Callable[[], UnitOfWork]) -> None:
        async with uow() as tx:
            names = [p.display_name for p in await tx.people.all()]
        scrubber = await asyncio.to_thread(Scrubber, names, recogniser=self.recogniser)
        self._scrub = scrubber.scrub
        self._names = sorted(names)

    async def refresh_if_changed(self, uow: Callable[[], UnitOfWork]) -> bool:
        """Rebuild when the roster's names changed (e.g. imported by another process)."""
        async with uow() as tx:
            names = sorted(p.display_name for p in await tx.people.all())
        if names == getattr(self, "_names", None):
            return False
        await self.refresh(uow)
        return True

    async def warm_up(self) -> None:
        """Load the NER pipelines off the event loop (else the first answer loads them)."""
        if self.recogniser is not None:
            await asyncio.to_thread(self.recogniser.load)


@dataclass
class Core:
    """Everything wired around a storage: the core (deps, registry, router), the clock's jobs
    and the delivery worker. `senders` is filled by adapters."""

    settings: Settings
    deps: Deps
    registry: Registry
    router: Router
    planner: PulsePlanner
    worker: DeliveryWorker
    scrub: RosterScrub
    senders: dict[str, Sender] = field(default_factory=dict)
    platforms: set[str] = field(default_factory=set)

    async def tick(self) -> tuple[int, int]:
        """One clock tick: plan what is due, then deliver it. Returns (planned, sent)."""
        planned = await self.plan_all()
        sent = await self.worker.run_once()
        return planned, sent

    async def plan_all(self) -> int:
        """Everything the clock does each minute except delivery: pick up roster changes made
        by another process, release held submissions in batches, then plan surveys, learning
        nudges and mentorship check-ins."""
        await self.scrub.refresh_if_changed(self.deps.uow)
        await Releaser(self.deps).release()
        planned = 0
        for plan in self.registry.planners:
            planned += await plan()
        return planned

    async def housekeeping(self) -> None:
        """Hourly: delete expired survey drafts and purge comment text past retention."""
        for job in self.registry.housekeeping:
            await job()

    async def roster_changed(self) -> None:
        await self.scrub.refresh(self.deps.uow)

    async def close(self) -> None:
        """Release what the storage holds (nothing for an in-memory one)."""


@dataclass(kw_only=True)
class Outward(Core):
    """The core on the SQL storage `build` made (its engine, for migrations, the Slack
    installation store and the CLI)."""

    engine: AsyncEngine

    async def close(self) -> None:
        await self.engine.dispose()


# Other languages' names for commands (`/ayuda` is `/help`). Hook: when the content package
# ships its alias map (prompts COMMAND_ALIASES), merge it in here.
ALIASES: Mapping[str, str] = {
    name: command for name, command in ANSWERED_ANYWHERE.items() if name != command
}


def registry_for(deps: Deps, platforms: Collection[str], retention_days: int) -> Registry:
    """Every feature's handlers, by the name, action, form, kind or order they answer to."""
    help_ = Help(deps)
    pulse, admin, invitations = PulseFlow(deps), RoundAdmin(deps), Invitations(deps)
    reflections, learning = Reflections(deps), LearningRender(deps)
    checkins = Checkins(deps)
    mentorship = MentorshipRender(deps)

    async def busy(tx: UnitOfWork) -> set[tuple[int, date]]:
        return await busy_today(deps, tx)

    async def expired_drafts() -> int:
        return await delete_expired_drafts(deps)

    async def retention() -> int:
        purged = await Retention(deps, retention_days).purge()
        if purged:
            log.info("purged comment text of %d round(s) past retention", len(purged))
        return len(purged)

    return Registry(
        commands={
            "help": Command(help_.help_command),
            "privacy": Command(help_.privacy_command),
            "pulse": Command(PulseCommands(deps, pulse, admin)),
            "themes": Command(ThemesCommand(deps)),
            "learn": Command(LearningCommands(deps)),
            "mentor": Command(MentorshipCommands(deps, start_round=admin.start)),
            # "outward": the router's umbrella command, added by `compose`
        },
        aliases=dict(ALIASES),
        buttons={
            PRIVACY: help_.privacy_button,
            "pulse:": pulse.button,
            "learn:": LearningButtons(deps),
            "mentor:": checkins.button,
            "": pulse.button,  # anything else: an old survey's button
        },
        forms={
            REFLECT_FORM: reflections.form,
            NOTE_FORM: checkins.form,
            TEXT_FORM: pulse.form,
            "": pulse.form,
        },
        # who is waiting for typed text: a survey in progress, a reflection, a check-in note;
        # then "start"/"continue" for the open survey
        text=[pulse.text, reflections.text, checkins.text, pulse.resume_word],
        hints=[pulse.open_hint],
        renderers={
            "pulse.invite": invitations.render,
            "pulse.reminder": invitations.render,
            "learn.step": learning.step,
            "mentor.notice": mentorship,
            "mentor.escalation": mentorship,
            "mentor.milestone": mentorship,
            "mentor.checkin": mentorship,
        },
        planners=[
            PulsePlanner(deps, platforms),
            LearningPlanner(deps, platforms, busy=busy),
            MentorshipPlanner(deps, platforms),
        ],
        home=[invitations.home, learning.home],
        housekeeping=[expired_drafts, retention],
    )


async def compose(
    settings: Settings,
    *,
    uow: Callable[[], UnitOfWork],
    scrub: RosterScrub,
    themer: Themer | None,
    keyed: KeyedHash,
    clock: Clock | None = None,
) -> Core:
    """Wire the real core from settings around the storage, scrubber and theming engine given
    (SQL in `build`; the tests pass an in-memory unit of work)."""
    deps = Deps(
        uow=uow,
        clock=clock or SystemClock(),
        catalog=load_catalog(),
        templates=builtin_round_templates(),
        tracks=builtin_tracks(),
        policy=Policy(
            k_responses=settings.k_responses,
            k_comments=settings.k_comments,
            quiet_hours=settings.quiet_hours,
            default_timezone=settings.timezone,
            organisation=settings.organisation,
        ),
        scrub=scrub,
        keyed=keyed,
        # the console addresses people by roster handle; Slack and Teams by stored identity
        reach=Reach(order=("slack", "teams", "console"), by_handle={"console": address_for}),
        themer=themer,
    )
    await scrub.refresh(deps.uow)
    senders: dict[str, Sender] = {}
    # Platforms people can be reached on: configured ones, plus the console when it is open.
    # The clock plans for these even in a process that has no sender (Procfile `clock`).
    platforms = {name for name, conf in (("slack", settings.slack), ("teams", settings.teams))
                 if conf is not None}
    registry = registry_for(deps, platforms, settings.retention_days)
    router = Router(deps, registry)
    registry.commands["outward"] = Command(router.umbrella, bare=False)
    return Core(
        settings=settings,
        deps=deps,
        registry=registry,
        router=router,
        planner=next(p for p in registry.planners if isinstance(p, PulsePlanner)),
        worker=DeliveryWorker(deps, senders, Outreach(registry.renderers)),
        scrub=scrub,
        senders=senders,
        platforms=platforms,
    )


async def build(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Outward:
    """Wire Outward from settings on SQL storage. Applies migrations first unless `migrate` is
    False."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    core = await compose(
        settings,
        uow=sql_storage(session_factory(engine)),
        scrub=RosterScrub(await asyncio.to_thread(name_recogniser, settings)),
        themer=themes_for(settings)[0],
        keyed=KeyedHash(secret_for(settings)),
        clock=clock,
    )
    return Outward(**{f.name: getattr(core, f.name) for f in fields(core)}, engine=engine)


def sql_storage(sessions: async_sessionmaker[Any]) -> Callable[[], UnitOfWork]:
    """Units of work on the SQL storage, typed as the core's port (so mypy checks that the
    SQL repositories satisfy conversations.ports)."""

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(sessions)

    return uow


def name_recogniser(settings: Settings) -> NameRecogniser | None:
    """The process-wide NER for the configured pipelines (OUTWARD_SPACY_MODEL; default: the
    shipped English and Spanish ones), checked to be installed; loaded on first use or by
    ``RosterScrub.warm_up``. Every app built in this process shares it."""
    try:
        recogniser = NameRecogniser.shared(settings.spacy_model)
        if recogniser is not None:
            recogniser.check()
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return recogniser


def secret_for(settings: Settings) -> bytes:
    """The keyed-hash secret: OUTWARD_SECRET; on a SQLite file without it, a random secret kept
    in a file beside the database (created once, readable by its owner only); on an in-memory
    database, a random one for this process. (PostgreSQL requires OUTWARD_SECRET: see Settings.)
    """
    if settings.secret:
        return settings.secret.encode("utf-8")
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        return secrets.token_bytes(32)
    path = Path(database).with_name(Path(database).name + ".secret")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        log.warning("OUTWARD_SECRET is not set: created %s for this database (set "
                    "OUTWARD_SECRET in production and keep it out of backups)", path)
    return path.read_text().strip().encode("utf-8")


class LazyThemer:
    """The configured theming engine, loaded on first use (startup stays fast), and the
    codebook, loaded and validated at build time (a broken codebook stops the start).

    Engine: OUTWARD_THEMES_ENGINE (tfidf | semantic), by default the semantic engine when it is
    installed (``pip install 'outward[semantic]'``) and TF-IDF otherwise. Codebook:
    OUTWARD_CODEBOOK, by default the bundled workplace codebook."""

    def __init__(self, model: str = "", codebook: str = "", engine: str = "") -> None:
        from storage.themes import load_codebook

        self.model = model
        self.engine = engine
        self._engine: Any = None
        if codebook:
            self.codebook = load_codebook(Path(codebook))
        else:
            ref = resources.files("prompts").joinpath("codebooks/workplace.yaml")
            with resources.as_file(ref) as path:
                self.codebook = load_codebook(path)

    def load(self) -> None:
        from storage.themes import make_themer

        if self._engine is None:
            self._engine = make_themer(self.engine, self.model)

    def theme(self, texts: Any, codebook: Any = None, *, min_theme_size: int | None = None
              ) -> Any:
        self.load()
        return self._engine.theme(texts, codebook or self.codebook,
                                  min_theme_size=min_theme_size)


def themes_for(settings: Settings) -> tuple[Any, Any]:
    """The theming engine the settings ask for, and the codebook it maps themes onto."""
    themer = LazyThemer(settings.themes_model, settings.codebook, settings.themes_engine)
    return themer, themer.codebook
