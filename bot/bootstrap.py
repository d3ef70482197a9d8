"""The composition root: builds settings-driven storage, the core and its collaborators.

Adapters are attached by `bot.cli` / `bot.server` (they receive `Outward.router` as their
callback and register themselves in `Outward.senders`)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.settings import Settings, SettingsError
from bot.worker import DeliveryWorker
from conversations.context import Deps, Policy
from conversations.keyed import KeyedHash
from conversations.learning import LearningPlanner
from conversations.mentorship import MentorshipPlanner
from conversations.outreach import Planner
from conversations.ports import Clock, Sender
from conversations.router import Router
from prompts.content import BUNDLED, DEFAULT_CODEBOOK, Content, load_content
from prompts.loader import load_catalog
from storage.anonymise import NameRecogniser, Scrubber
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.repositories import UnitOfWork

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
class Outward:
    """Everything wired: storage, core, planner and worker. `senders` is filled by adapters."""

    settings: Settings
    engine: AsyncEngine
    deps: Deps
    router: Router
    planner: Planner
    worker: DeliveryWorker
    scrub: RosterScrub
    learning: LearningPlanner
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
        from conversations.release import Releaser

        await self.scrub.refresh_if_changed(self.deps.uow)
        await Releaser(self.deps).release()
        planned = await self.planner.plan()
        planned += await self.learning.plan()
        planned += await MentorshipPlanner(self.deps, self.platforms).plan()
        return planned

    async def housekeeping(self) -> None:
        """Hourly: delete expired survey drafts and purge comment text past retention."""
        from conversations.pulse import delete_expired_drafts
        from conversations.report import Retention

        await delete_expired_drafts(self.deps)
        purged = await Retention(self.deps, self.settings.retention_days).purge()
        if purged:
            log.info("purged comment text of %d round(s) past retention", len(purged))

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
    scrub = RosterScrub(await asyncio.to_thread(name_recogniser, settings))
    # Bundled content plus OUTWARD_CONTENT_DIR; a broken file stops the start (ContentError).
    content = await asyncio.to_thread(load_content, settings.content_dir)
    themer, codebook = themes_for(settings, content)
    deps = Deps(
        uow=lambda: UnitOfWork(sessions),
        clock=clock or SystemClock(),
        catalog=load_catalog(),
        templates=dict(content.rounds),
        tracks=dict(content.tracks),
        policy=Policy(
            k_responses=settings.k_responses,
            k_comments=settings.k_comments,
            quiet_hours=settings.quiet_hours,
            default_timezone=settings.timezone,
            organisation=settings.organisation,
        ),
        scrub=scrub,
        keyed=KeyedHash(secret_for(settings)),
        themer=themer,
        codebook=codebook,
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
        learning=LearningPlanner(deps, platforms),
        worker=DeliveryWorker(deps, senders),
        scrub=scrub,
        senders=senders,
        platforms=platforms,
    )
    return app


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


def themes_for(settings: Settings, content: Content | None = None) -> tuple[Any, Any]:
    """The theming engine the settings ask for, and the codebook it maps themes onto:
    OUTWARD_CODEBOOK, else the content folder's codebooks/workplace.yaml, else the bundled one."""
    themer = LazyThemer(settings.themes_model, codebook_path(settings, content),
                        settings.themes_engine)
    return themer, themer.codebook


def codebook_path(settings: Settings, content: Content | None = None) -> str:
    """The codebook file to theme with ("" = the bundled workplace codebook)."""
    if settings.codebook or not settings.content_dir:
        return settings.codebook
    content = content or load_content(settings.content_dir)
    if content.origin("codebook", DEFAULT_CODEBOOK) == BUNDLED:
        return ""
    return content.codebooks[DEFAULT_CODEBOOK].source
