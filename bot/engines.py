"""What the core is handed from the outside world, built from settings: the scrubber (rebuilt
when the roster changes, with the process-wide name recogniser), the theming engine with its
codebook, and the keyed-hash secret."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.settings import SEMANTIC_MAX_COMMENTS, Settings, SettingsError
from conversations.ports import UnitOfWork
from prompts.content import BUNDLED, DEFAULT_CODEBOOK, Content, load_content
from storage.anonymise import NameRecogniser, Scrubber

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
            revision = await tx.people.revision()
            names = await tx.people.names()
        scrubber = await asyncio.to_thread(Scrubber, names, recogniser=self.recogniser)
        self._scrub = scrubber.scrub
        self._revision: int | None = revision

    async def refresh_if_changed(self, uow: Callable[[], UnitOfWork]) -> bool:
        """Rebuild when the roster's names changed (e.g. imported by another process): the
        roster's revision number says so, so a clock tick reads one row, not the roster."""
        async with uow() as tx:
            revision = await tx.people.revision()
        if revision == getattr(self, "_revision", None):
            return False
        await self.refresh(uow)
        return True

    async def warm_up(self) -> None:
        """Load the NER pipelines off the event loop (else the first answer loads them)."""
        if self.recogniser is not None:
            await asyncio.to_thread(self.recogniser.load)


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
    if secret := settings.secret.get_secret_value():
        return secret.encode("utf-8")
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
    installed (``pip install 'outward[semantic]'``) and TF-IDF otherwise. The semantic engine
    themes at most ``semantic_max`` comments at once (OUTWARD_SEMANTIC_MAX_COMMENTS): above
    that the TF-IDF engine does, so a chair's /themes stays fast; each result names the engine
    that made it. Codebook: OUTWARD_CODEBOOK, by default the bundled workplace codebook.

    The same comments theme the same way, so the last few results are kept (keyed by a hash
    of the comments): /themes, the served report and every slice share one theming."""

    def __init__(self, model: str = "", codebook: str = "", engine: str = "",
                 semantic_max: int = SEMANTIC_MAX_COMMENTS, memo: int = 16) -> None:
        from storage.themes import load_codebook

        self.model = model
        self.engine = engine
        self.semantic_max = semantic_max
        self._engine: Any = None
        self._tfidf: Any = None
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._memo_size = memo
        self._lock = threading.Lock()
        if codebook:
            self.codebook = load_codebook(Path(codebook))
        else:
            ref = resources.files("prompts").joinpath("codebooks/workplace.yaml")
            with resources.as_file(ref) as path:
                self.codebook = load_codebook(path)

    def load(self) -> None:
        from storage.themes import TfidfThemer, make_themer

        with self._lock:
            if self._engine is None:
                self._engine = make_themer(self.engine, self.model)
                self._tfidf = (self._engine if getattr(self._engine, "name", "") == "tfidf"
                               else TfidfThemer())

    def warm_up(self) -> None:
        """Import the engine's libraries (scikit-learn, SciPy) and load it, off the event loop:
        the first /themes then does not pay for the imports."""
        self.load()
        self._tfidf.theme(["warm up the engine", "the engine warms up", "ready"])
        if getattr(self._engine, "name", "") == "semantic":
            self._engine.encode(["warm up the model"])

    def forget(self) -> None:
        """Drop the kept results and embeddings (as a new process starts, with the engine
        still loaded); for benchmarks."""
        with self._lock:
            self._memo.clear()
        for engine in (self._engine, self._tfidf):
            getattr(engine, "forget", lambda: None)()

    def theme(self, texts: Any, codebook: Any = None, *, min_theme_size: int | None = None,
              round_size: int | None = None, groups: Any = None) -> Any:
        """Themes of `texts`. The semantic engine is used only when the round these comments
        come from (`round_size`, else the texts themselves) has at most `semantic_max`
        comments: every item of a round is then themed the same way, within the time goal.
        `groups[i]`: who wrote comment i (a submission id): labels use only phrases two
        people or more wrote."""
        self.load()
        texts = [str(t or "") for t in texts]
        digest = hashlib.sha256("\x1e".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
        # who wrote what changes the labels: the same texts by other people are another key
        who = None if groups is None else hashlib.sha256("\x1e".join(
            str(g) for g in groups).encode("utf-8", "surrogatepass")).hexdigest()
        key = (digest, len(texts), id(codebook) if codebook is not None else None,
               min_theme_size, who)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        engine = self._engine
        size = max(len(texts), round_size or 0)
        if getattr(engine, "name", "") == "semantic" and size > self.semantic_max:
            engine = self._tfidf
        result = engine.theme(texts, codebook or self.codebook, min_theme_size=min_theme_size,
                              groups=groups)
        with self._lock:
            self._memo[key] = result
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return result


def themes_for(settings: Settings, content: Content | None = None) -> tuple[Any, Any]:
    """The theming engine the settings ask for, and the codebook it maps themes onto:
    OUTWARD_CODEBOOK, else the content folder's codebooks/workplace.yaml, else the bundled one."""
    themer = LazyThemer(settings.themes_model, codebook_path(settings, content),
                        settings.themes_engine, semantic_max=settings.semantic_max_comments)
    return themer, themer.codebook


def codebook_names(codebook: Any) -> dict[str, dict[str, str]]:
    """The codebook's theme names per language (code -> {locale: name}; English always), for
    the core to name each codebook theme in its reader's language; none without a codebook."""
    if codebook is None:
        return {}
    return {t.code: {"en": t.name, **dict(t.names)} for t in codebook.themes}


def codebook_path(settings: Settings, content: Content | None = None) -> str:
    """The codebook file to theme with ("" = the bundled workplace codebook)."""
    if settings.codebook or not settings.content_dir:
        return settings.codebook
    content = content or load_content(settings.content_dir)
    if content.origin("codebook", DEFAULT_CODEBOOK) == BUNDLED:
        return ""
    return content.codebooks[DEFAULT_CODEBOOK].source
