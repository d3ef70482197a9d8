"""The composition root: builds settings-driven storage, the core and its collaborators.

Adapters are attached by `bot.cli` / `bot.server` (they receive `Outward.router` as their
callback and register themselves in `Outward.senders`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.settings import Settings
from bot.worker import DeliveryWorker
from conversations.context import Deps, Policy
from conversations.outreach import Planner
from conversations.ports import Clock, Sender
from conversations.router import Router
from prompts.loader import builtin_round_templates, load_catalog
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.repositories import UnitOfWork

log = logging.getLogger(__name__)


class RosterScrub:
    """The scrubber, rebuilt from the roster's names whenever the roster changes."""

    def __init__(self) -> None:
        self._scrub: Callable[[str], str] | None = None

    def __call__(self, text: str) -> str:
        if self._scrub is None:
            raise RuntimeError("RosterScrub used before refresh()")
        return self._scrub(text)

    async def refresh(self, uow: Callable[[], UnitOfWork]) -> None:
        from storage.scrub import Scrubber

        async with uow() as tx:
            names = [p.display_name for p in await tx.people.all()]
        self._scrub = Scrubber(names).scrub


@dataclass
class Outward:
    """Everything wired: storage, core, planner and worker. `senders` is filled by adapters."""

    settings: Settings
    engine: AsyncEngine
    deps: Deps
    router: Router
    planner: Planner
    worker: DeliveryWorker
    scrub: RosterScrub
    senders: dict[str, Sender] = field(default_factory=dict)
    platforms: set[str] = field(default_factory=set)

    async def tick(self) -> tuple[int, int]:
        """One clock tick: plan what is due, then deliver it. Returns (planned, sent)."""
        planned = await self.planner.plan()
        sent = await self.worker.run_once()
        return planned, sent

    async def roster_changed(self) -> None:
        await self.scrub.refresh(self.deps.uow)

    async def close(self) -> None:
        await self.engine.dispose()


async def build(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Outward:
    """Wire Outward from settings. Applies migrations first unless `migrate` is False."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade(engine)
    sessions = session_factory(engine)
    scrub = RosterScrub()
    deps = Deps(
        uow=lambda: UnitOfWork(sessions),
        clock=clock or SystemClock(),
        catalog=load_catalog(),
        templates=builtin_round_templates(),
        policy=Policy(
            k_responses=settings.k_responses,
            k_comments=settings.k_comments,
            quiet_hours=settings.quiet_hours,
            default_timezone=settings.timezone,
            organisation=settings.organisation,
        ),
        scrub=scrub,
    )
    await scrub.refresh(deps.uow)
    senders: dict[str, Sender] = {}
    # Platforms people can be reached on: configured ones, plus the console when it is open.
    # The clock plans for these even in a process that has no sender (Procfile `clock`).
    platforms = {name for name, conf in (("slack", settings.slack), ("teams", settings.teams))
                 if conf is not None}
    app = Outward(
        settings=settings,
        engine=engine,
        deps=deps,
        router=Router(deps),
        planner=Planner(deps, platforms),
        worker=DeliveryWorker(deps, senders),
        scrub=scrub,
        senders=senders,
        platforms=platforms,
    )
    return app
