"""The composition root: the one place that picks concrete storage, engines and adapters and
fills the core's registries (conversations.registry) with each feature's handlers.

`compose` wires the real core from settings around an injected storage (a unit-of-work
factory), scrubber and theming engine; `build` makes the SQL storage and calls it. Adapters are
attached by `bot.cli` / `bot.server` (they receive `Outward.router` as their callback and
register themselves in `Outward.senders`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from adapters.console.adapter import address_for
from bot.clock import SystemClock
from bot.engines import RosterScrub, codebook_names, name_recogniser, secret_for, themes_for
from bot.settings import Settings
from bot.worker import DeliveryWorker
from conversations.context import Deps, Policy
from conversations.help import PRIVACY, Help
from conversations.keyed import KeyedHash
from conversations.learning.buttons import LearningButtons
from conversations.learning.commands import LearningCommands
from conversations.learning.planner import HoldBack, LearningPlanner
from conversations.learning.reflections import Reflections
from conversations.learning.render import REFLECT_FORM, LearningRender
from conversations.loop.announce import Announcements
from conversations.loop.commitments import Commit
from conversations.loop.results import ResultsCommand
from conversations.loop.sections import CommitmentSections
from conversations.loop.share import Share
from conversations.mentorship.checkins import NOTE_FORM, Checkins
from conversations.mentorship.commands import MentorshipCommands
from conversations.mentorship.planner import MentorshipPlanner
from conversations.mentorship.render import MentorshipRender
from conversations.outreach import Outreach
from conversations.ports import Clock, Sender, Themer, UnitOfWork
from conversations.pulse.admin import RoundAdmin
from conversations.pulse.calendar import RoundCalendar
from conversations.pulse.commands import PulseCommands
from conversations.pulse.flow import PulseFlow
from conversations.pulse.invitations import Invitations
from conversations.pulse.notices import CLOSED, ClosedNotice
from conversations.pulse.planner import (
    BUSY_KINDS,
    PulsePlanner,
    delete_expired_drafts,
    in_survey,
)
from conversations.pulse.render import TEXT_FORM
from conversations.registry import Command, Registry
from conversations.results.commands import ThemesCommand
from conversations.results.release import Releaser
from conversations.results.report import Reports
from conversations.results.retention import Retention
from conversations.results.summary import Summaries
from conversations.router import Router
from conversations.routes import Reach
from conversations.words import ANSWERED_ANYWHERE
from prompts.commands import COMMAND_ALIASES
from prompts.content import Content, load_content
from prompts.loader import load_catalog
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Person
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


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
    reports: Reports  # the committee report (CLI, the served page), on the /themes summaries
    senders: dict[str, Sender] = field(default_factory=dict)
    platforms: set[str] = field(default_factory=set)

    async def tick(self) -> tuple[int, int]:
        """One clock tick: open and close rounds on their dates, plan what is due, then
        deliver it. Returns (planned, sent)."""
        await self.rounds()
        planned = await self.plan_all()
        sent = await self.worker.run_once()
        return planned, sent

    async def rounds(self) -> int:
        """Scheduled rounds open at their start; rounds whose answer window has ended close
        (through the same path as `/pulse close`). Returns how many changed."""
        changed = 0
        for job in self.registry.calendar:
            changed += await job()
        return changed

    async def plan_all(self) -> int:
        """Everything the clock does each minute except delivery: pick up roster changes made
        by another process, release held submissions in batches, then plan surveys, learning
        nudges and mentorship check-ins."""
        await self.scrub.refresh_if_changed(self.deps.uow)
        await Releaser(self.deps).release()
        planned = 0
        for plan in self.registry.planners:
            added = await plan()
            log.debug("%s planned %d message(s)", type(plan).__name__, added,
                      extra={"planner": type(plan).__name__, "planned": added})
            planned += added
        if planned:
            log.info("planned %d message(s)", planned, extra={"planned": planned})
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


# Other languages' names for commands (`/ayuda` is `/help`, `/encuesta` is `/pulse`): the
# content package's list, and the names answered anywhere.
ALIASES: Mapping[str, str] = {
    **COMMAND_ALIASES,
    **{name: command for name, command in ANSWERED_ANYWHERE.items() if name != command},
}


def registry_for(deps: Deps, platforms: Collection[str], retention_days: int,
                 summaries: Summaries | None = None) -> Registry:
    """Every feature's handlers, by the name, action, form, kind or order they answer to.
    `summaries`: the process's round summaries (one, so a round is themed once for /themes,
    the report, commitments and share-backs)."""
    help_ = Help(deps)
    summaries = summaries or Summaries(deps)
    pulse, admin, invitations = PulseFlow(deps), RoundAdmin(deps), Invitations(deps)
    reflections, learning = Reflections(deps), LearningRender(deps)
    share, announcements = Share(deps, summaries), Announcements(deps)
    sections = CommitmentSections(deps, summaries)
    checkins = Checkins(deps)
    mentorship = MentorshipRender(deps)

    async def in_a_survey(tx: UnitOfWork, people: Sequence[Person]) -> set[int]:
        return await in_survey(deps, tx, people)

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
            "pulse": Command(PulseCommands(deps, pulse, admin,
                                           more={"commit": Commit(deps), "share": share})),
            "themes": Command(ThemesCommand(deps, summaries, sections=[sections.chat])),
            "results": Command(ResultsCommand(deps)),
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
        hints=[pulse.open_hint, mentorship.open_hint],
        renderers_many={
            "pulse.invite": invitations.render_many,
            "pulse.reminder": invitations.render_many,
        },
        renderers={
            "pulse.invite": invitations.render,
            "pulse.reminder": invitations.render,
            CLOSED: ClosedNotice(deps),
            "loop.share": share.render,
            "loop.update": announcements.render,
            "learn.step": learning.step,
            "learn.enrolled": learning.enrolled,
            "mentor.notice": mentorship,
            "mentor.escalation": mentorship,
            "mentor.milestone": mentorship,
            "mentor.checkin": mentorship,
        },
        planners=[
            PulsePlanner(deps, platforms),
            LearningPlanner(deps, platforms, HoldBack(BUSY_KINDS, in_a_survey)),
            MentorshipPlanner(deps, platforms),
            announcements,
        ],
        home=[invitations.home, learning.home],
        housekeeping=[expired_drafts, retention],
        calendar=[RoundCalendar(deps, admin)],
        report_sections=[sections.report],
    )


async def compose(
    settings: Settings,
    *,
    uow: Callable[[], UnitOfWork],
    scrub: RosterScrub,
    themer: Themer | None,
    keyed: KeyedHash,
    clock: Clock | None = None,
    content: Content | None = None,
) -> Core:
    """Wire the real core from settings around the storage, scrubber and theming engine given
    (SQL in `build`; the tests pass an in-memory unit of work). `content`: the round templates
    and tracks (default: the bundled ones plus OUTWARD_CONTENT_DIR)."""
    if content is None:
        content = await asyncio.to_thread(load_content, settings.content_dir)
    deps = Deps(
        uow=uow,
        clock=clock or SystemClock(),
        catalog=load_catalog(),
        templates=dict(content.rounds),
        tracks=dict(content.tracks),
        content=content,
        policy=Policy(
            k_responses=settings.k_responses,
            k_comments=settings.k_comments,
            quiet_hours=settings.quiet_hours,
            default_timezone=settings.timezone,
            organisation=settings.organisation,
            public_url=settings.public_url,
            report_link_minutes=settings.report_link_minutes,
        ),
        scrub=scrub,
        keyed=keyed,
        # the console addresses people by roster handle; Slack and Teams by stored identity
        reach=Reach(order=("slack", "teams", "console"), by_handle={"console": address_for}),
        themer=themer,
        theme_names=codebook_names(getattr(themer, "codebook", None)),
    )
    await scrub.refresh(deps.uow)
    senders: dict[str, Sender] = {}
    # Platforms people can be reached on: configured ones, plus the console when it is open.
    # The clock plans for these even in a process that has no sender (Procfile `clock`).
    platforms = {name for name, conf in (("slack", settings.slack), ("teams", settings.teams))
                 if conf is not None}
    summaries = Summaries(deps)
    registry = registry_for(deps, platforms, settings.retention_days, summaries)
    router = Router(deps, registry)
    registry.commands["outward"] = Command(router.umbrella, bare=False)
    return Core(
        settings=settings,
        deps=deps,
        registry=registry,
        router=router,
        planner=next(p for p in registry.planners if isinstance(p, PulsePlanner)),
        worker=DeliveryWorker(deps, senders, Outreach(registry.renderers,
                                                      registry.renderers_many),
                              lease=timedelta(seconds=settings.outbox_lease_seconds)),
        scrub=scrub,
        reports=Reports(deps, summaries, sections=registry.report_sections),
        senders=senders,
        platforms=platforms,
    )


async def build(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Outward:
    """Wire Outward from settings on SQL storage. Applies migrations first unless `migrate` is
    False."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    # Bundled content plus OUTWARD_CONTENT_DIR; a broken file stops the start (ContentError).
    content = await asyncio.to_thread(load_content, settings.content_dir)
    core = await compose(
        settings,
        uow=sql_storage(session_factory(engine)),
        scrub=RosterScrub(await asyncio.to_thread(name_recogniser, settings)),
        themer=themes_for(settings, content)[0],
        keyed=KeyedHash(secret_for(settings)),
        clock=clock,
        content=content,
    )
    return Outward(**{f.name: getattr(core, f.name) for f in fields(core)}, engine=engine)


def sql_storage(sessions: async_sessionmaker[Any]) -> Callable[[], UnitOfWork]:
    """Units of work on the SQL storage, typed as the core's port (so mypy checks that the
    SQL repositories satisfy conversations.ports)."""

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(sessions)

    return uow


