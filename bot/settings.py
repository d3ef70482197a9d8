"""One typed Settings object built from an injected environment mapping (never at import time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from prompts.loader import parse_window
from storage.anonymise.ner import parse_models

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///outward.db"


class SettingsError(ValueError):
    """One clear line naming the variable and what is wrong with it."""


@dataclass(frozen=True)
class SlackSettings:
    signing_secret: str = field(repr=False)
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    api_url: str = ""


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant_id: str = ""
    dev_no_auth: bool = False


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    host: str = "0.0.0.0"
    timezone: str = "UTC"
    k_responses: int = 5
    k_comments: int = 10
    quiet_hours: str = "20:00-07:00"
    organisation: str = "your organisation"
    log_level: str = "INFO"
    log_format: str = "text"  # OUTWARD_LOG_FORMAT: "text" or "json" (one JSON object a line)
    retention_days: int = 365
    outbox_lease_seconds: int = 300  # how long a worker holds outbox rows it claimed
    themes_model: str = ""
    themes_engine: str = ""  # "", "tfidf" or "semantic" ("": semantic when installed)
    codebook: str = ""
    content_dir: str = ""  # OUTWARD_CONTENT_DIR: the organisation's own rounds, tracks ...
    spacy_model: str = ""  # "" = the shipped English + Spanish pipelines; "none" = no NER
    secret: str = field(default="", repr=False)
    # the chair's report link: OUTWARD_PUBLIC_URL (default http://localhost:PORT) and how long
    # a link works; the semantic engine themes up to this many comments at once (TF-IDF above)
    public_url: str = ""
    report_link_minutes: int = 60
    semantic_max_comments: int = 1000
    slack: SlackSettings | None = None
    teams: TeamsSettings | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from `env` (os.environ in production, a dict in tests)."""

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = get(name)
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
            if not low <= value <= high:
                raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
            return value

        url = get("OUTWARD_DATABASE_URL") or DEFAULT_DATABASE_URL
        try:
            backend = make_url(url).get_backend_name()
            driver = make_url(url).get_driver_name()
        except ArgumentError:
            raise SettingsError(
                "OUTWARD_DATABASE_URL is not a database URL (e.g. sqlite+aiosqlite:///outward.db "
                "or postgresql+asyncpg://user:pass@host/db)"
            ) from None
        if (backend, driver) not in (("sqlite", "aiosqlite"), ("postgresql", "asyncpg")):
            raise SettingsError(
                "OUTWARD_DATABASE_URL must use sqlite+aiosqlite:// or postgresql+asyncpg://, "
                f"got {backend}+{driver}://"
            )
        tz = get("OUTWARD_TIMEZONE") or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"OUTWARD_TIMEZONE {tz!r} is not a known time zone (e.g. America/Chicago)"
            ) from None
        quiet = get("OUTWARD_QUIET_HOURS", "20:00-07:00")
        if quiet and quiet.lower() != "none":
            try:
                parse_window(quiet)
            except ValueError as exc:
                raise SettingsError(f"OUTWARD_QUIET_HOURS: {exc} (or 'none')") from None
        else:
            quiet = ""
        k = integer("OUTWARD_K_RESPONSES", 5, 2, 1000)
        k_comments = integer("OUTWARD_K_COMMENTS", 10, 2, 1000)
        level = (get("OUTWARD_LOG_LEVEL") or "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(
                f"OUTWARD_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}"
            )
        log_format = (get("OUTWARD_LOG_FORMAT") or "text").strip().lower()
        if log_format not in ("text", "json"):
            raise SettingsError(f"OUTWARD_LOG_FORMAT must be text or json, got {log_format!r}")

        slack = None
        if get("SLACK_SIGNING_SECRET") or get("SLACK_BOT_TOKEN") or get("SLACK_CLIENT_ID"):
            if not get("SLACK_SIGNING_SECRET"):
                raise SettingsError(
                    "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN or SLACK_CLIENT_ID is "
                    "set (Slack app settings > Basic Information > Signing Secret)"
                )
            if not get("SLACK_BOT_TOKEN") and not (
                get("SLACK_CLIENT_ID") and get("SLACK_CLIENT_SECRET")
            ):
                raise SettingsError(
                    "SLACK_BOT_TOKEN (single workspace) or SLACK_CLIENT_ID and "
                    "SLACK_CLIENT_SECRET (OAuth installs) must be set with SLACK_SIGNING_SECRET"
                )
            if get("SLACK_BOT_TOKEN") and not get("SLACK_BOT_TOKEN").startswith("xoxb-"):
                raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
            api_url = get("SLACK_API_URL")
            if api_url and not api_url.startswith(("http://", "https://")):
                raise SettingsError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
            slack = SlackSettings(
                signing_secret=get("SLACK_SIGNING_SECRET"),
                bot_token=get("SLACK_BOT_TOKEN"),
                app_token=get("SLACK_APP_TOKEN"),
                client_id=get("SLACK_CLIENT_ID"),
                client_secret=get("SLACK_CLIENT_SECRET"),
                api_url=api_url,
            )

        teams = None
        dev = get("OUTWARD_TEAMS_DEV_NO_AUTH").lower()
        if dev not in ("", "0", "1", "true", "false"):
            raise SettingsError(f"OUTWARD_TEAMS_DEV_NO_AUTH must be 1 or 0, got {dev!r}")
        dev_no_auth = dev in ("1", "true")
        app_id = get("MicrosoftAppId")
        if app_id or dev_no_auth:
            if app_id and not get("MicrosoftAppPassword"):
                raise SettingsError("MicrosoftAppPassword is required when MicrosoftAppId is set")
            teams = TeamsSettings(
                app_id=app_id,
                app_password=get("MicrosoftAppPassword"),
                tenant_id=get("MicrosoftAppTenantId"),
                dev_no_auth=dev_no_auth and not app_id,
            )
        try:
            parse_models(get("OUTWARD_SPACY_MODEL"))
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        secret = get("OUTWARD_SECRET")
        if secret and len(secret) < 32:
            raise SettingsError(
                "OUTWARD_SECRET must be at least 32 characters (for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`)")
        if not secret and backend == "postgresql":
            raise SettingsError(
                "OUTWARD_SECRET is required with PostgreSQL: every web, worker and clock process "
                "must share it (generate one with `python -c 'import secrets; "
                "print(secrets.token_hex(32))'` and keep it out of database backups)")
        for name in ("OUTWARD_THEMES_MODEL", "OUTWARD_CODEBOOK"):
            if get(name) and not Path(get(name)).exists():
                raise SettingsError(f"{name} {get(name)!r} does not exist")
        engine = get("OUTWARD_THEMES_ENGINE").lower()
        if engine not in ("", "tfidf", "semantic"):
            raise SettingsError(f"OUTWARD_THEMES_ENGINE must be tfidf or semantic, got {engine!r}")
        if engine == "semantic" and not get("OUTWARD_THEMES_MODEL"):
            from storage.themes import semantic_available

            if not semantic_available():
                raise SettingsError(
                    "OUTWARD_THEMES_ENGINE=semantic but the semantic engine is not installed "
                    "(pip install 'outward[semantic]' or make semantic)"
                )
        if get("OUTWARD_CODEBOOK"):
            from storage.themes import CodebookError, load_codebook

            try:
                load_codebook(Path(get("OUTWARD_CODEBOOK")))
            except CodebookError as exc:
                more = len(exc.problems) - 1
                raise SettingsError(
                    f"OUTWARD_CODEBOOK: {exc.problems[0]}"
                    + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
                ) from None
        content_dir = get("OUTWARD_CONTENT_DIR")
        if content_dir and not Path(content_dir).is_dir():
            raise SettingsError(
                f"OUTWARD_CONTENT_DIR {content_dir!r} "
                f"{'is not a directory' if Path(content_dir).exists() else 'does not exist'}: "
                "it should be a folder holding rounds/, tracks/, codebooks/ or mentorship/")
        public_url = get("OUTWARD_PUBLIC_URL").rstrip("/")
        if public_url and not public_url.startswith(("https://", "http://")):
            raise SettingsError(
                f"OUTWARD_PUBLIC_URL must start with https:// (or http://), got {public_url!r}")
        port = integer("PORT", 3000, 1, 65535)
        return cls(
            public_url=public_url or f"http://localhost:{port}",
            report_link_minutes=integer("OUTWARD_REPORT_LINK_MINUTES", 60, 1, 1440),
            semantic_max_comments=integer("OUTWARD_SEMANTIC_MAX_COMMENTS", 1000, 0, 10_000_000),
            retention_days=integer("OUTWARD_RETENTION_DAYS", 365, 0, 36500),
            outbox_lease_seconds=integer("OUTWARD_OUTBOX_LEASE_SECONDS", 300, 1, 86400),
            themes_model=get("OUTWARD_THEMES_MODEL"),
            themes_engine=engine,
            codebook=get("OUTWARD_CODEBOOK"),
            content_dir=content_dir,
            spacy_model=get("OUTWARD_SPACY_MODEL"),
            secret=secret,
            database_url=url,
            port=port,
            host=get("OUTWARD_HOST") or "0.0.0.0",
            timezone=tz,
            k_responses=k,
            k_comments=k_comments,
            quiet_hours=quiet,
            organisation=get("OUTWARD_ORGANISATION") or "your organisation",
            log_level=level,
            log_format=log_format,
            slack=slack,
            teams=teams,
        )
