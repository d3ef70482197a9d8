"""One typed Settings object built from an injected environment mapping (never at import time).

Frozen pydantic models hold the values; each field is read from the environment variable named
by its `validation_alias`. `Settings.from_env(env)` is the only way in from the environment: it
takes the mapping it is given (os.environ from the CLI, a dict in tests), never reads os.environ
itself, and turns whatever pydantic finds wrong into `SettingsError`: one line naming the
variable and what is expected, never a ValidationError dump. Secrets are `SecretStr` (masked in
repr, str and dumps; read them with `.get_secret_value()`), and the database URL's password is
masked in repr too."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from conversations.context import DEFAULT_ORGANISATION
from conversations.results.thresholds import K_FLOOR
from prompts.loader import parse_window
from storage.anonymise.ner import parse_models
from storage.roster import zone_name, zone_problem

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///outward.db"
DEFAULT_QUIET_HOURS = "20:00-07:00"
# The semantic engine themes rounds of up to this many comments (TF-IDF above): on two CPUs it
# encodes a distinct comment in about 3 ms, so a chair's first /themes of 702 comments took
# 1.9 s and of 938 comments 2.5 s (bench/results_speed.py): 750 keep a third of the 3 s goal
# spare for a busy machine. Encoding scales with cores and theming does not: raise it on a
# bigger machine after measuring there.
SEMANTIC_MAX_COMMENTS = 750
DRIVERS = (("sqlite", "aiosqlite"), ("postgresql", "asyncpg"))
_GENERATE = "python -c 'import secrets; print(secrets.token_hex(32))'"


class SettingsError(ValueError):
    """One clear line naming the variable and what is wrong with it."""


# why a value below a field's minimum is refused, where the range alone does not say
_PRIVACY = ": with fewer, people could read each other's answers off a total"
_TOO_LOW = {"OUTWARD_K_RESPONSES": _PRIVACY, "OUTWARD_K_COMMENTS": _PRIVACY}


def _env(name: str, default: Any = None, **constraints: Any) -> Any:
    """A field read from the environment variable `name`."""
    return Field(default, validation_alias=name, **constraints)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


_DIGITS = re.compile(r"-?[0-9]+", re.ASCII)


def _whole(value: Any) -> Any:
    """Plain digits (a minus sign too, so -1 is answered with the range) become an int; any
    other text ("5.0", "1_000", "+7") is left for the strict int check to refuse, where
    pydantic's lax mode or int() would take it."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        digits = value.strip()
        if len(digits.lstrip("-")) > 18:  # no limit is that big (and past 4,300 digits int()
            # fails with a message about Python, not the setting)
            raise ValueError("has more than 18 digits, far outside its range")
        return int(digits)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole), Strict()]


LogLevel = Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(_upper)]
LogFormat = Annotated[Literal["text", "json"], BeforeValidator(_lower)]
# "": the semantic engine when it is installed, else TF-IDF
ThemesEngine = Annotated[Literal["", "tfidf", "semantic"], BeforeValidator(_lower)]


class _Model(BaseModel):
    # populate_by_name: tests and embedders may also build a model by attribute name
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True,
                              str_strip_whitespace=True)


class SlackSettings(_Model):
    """Slack credentials: a bot token (one workspace) or an OAuth client (installs)."""

    signing_secret: SecretStr = _env("SLACK_SIGNING_SECRET", SecretStr(""))
    bot_token: SecretStr = _env("SLACK_BOT_TOKEN", SecretStr(""))
    app_token: SecretStr = _env("SLACK_APP_TOKEN", SecretStr(""))  # Socket Mode
    client_id: str = _env("SLACK_CLIENT_ID", "")
    client_secret: SecretStr = _env("SLACK_CLIENT_SECRET", SecretStr(""))
    api_url: str = _env("SLACK_API_URL", "")

    @field_validator("bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if token and not token.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")  # never the token
        return value

    @field_validator("app_token")
    @classmethod
    def _app_token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if token and not token.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp- (Basic "
                             "Information > App-Level Tokens)")  # never the token
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> SlackSettings:
        if not self.signing_secret.get_secret_value():
            raise ValueError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN or SLACK_CLIENT_ID is "
                "set (Slack app settings > Basic Information > Signing Secret)")
        if not self.bot_token.get_secret_value() and not (
                self.client_id and self.client_secret.get_secret_value()):
            raise ValueError(
                "SLACK_BOT_TOKEN (single workspace) or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (OAuth installs) must be set with SLACK_SIGNING_SECRET")
        return self


class TeamsSettings(_Model):
    """Bot Framework credentials, or the unauthenticated dev mode (Emulator and tests only)."""

    app_id: str = _env("MicrosoftAppId", "")
    app_password: SecretStr = _env("MicrosoftAppPassword", SecretStr(""))
    tenant_id: str = _env("MicrosoftAppTenantId", "")
    # 1/true/yes/on or 0/false/no/off; ignored (False) once MicrosoftAppId is set
    dev_no_auth: bool = _env("OUTWARD_TEAMS_DEV_NO_AUTH", False)

    @field_validator("dev_no_auth")
    @classmethod
    def _dev_only_without_app(cls, value: bool, info: ValidationInfo) -> bool:
        return value and not info.data.get("app_id")

    @model_validator(mode="after")
    def _complete(self) -> TeamsSettings:
        if self.app_id and not self.app_password.get_secret_value():
            raise ValueError("MicrosoftAppPassword is required when MicrosoftAppId is set")
        return self


class Settings(_Model):
    """Everything Outward reads from its environment (see README, Configuration)."""

    database_url: str = _env("OUTWARD_DATABASE_URL", DEFAULT_DATABASE_URL)
    port: WholeNumber = _env("PORT", 3000, ge=1, le=65535)
    host: str = _env("OUTWARD_HOST", "0.0.0.0")
    timezone: str = _env("OUTWARD_TIMEZONE", "UTC")
    # "": no quiet hours (OUTWARD_QUIET_HOURS=none); set but empty is the default, as for
    # every variable (`OUTWARD_QUIET_HOURS=` in a .env or compose file usually means "not set")
    quiet_hours: str = _env("OUTWARD_QUIET_HOURS", DEFAULT_QUIET_HOURS)
    # never below K_FLOOR (3): with two, either person reads the other's answers off a total
    k_responses: WholeNumber = _env("OUTWARD_K_RESPONSES", 5, ge=K_FLOOR, le=1000)
    k_comments: WholeNumber = _env("OUTWARD_K_COMMENTS", 10, ge=K_FLOOR, le=1000)
    log_level: LogLevel = _env("OUTWARD_LOG_LEVEL", "INFO")
    log_format: LogFormat = _env("OUTWARD_LOG_FORMAT", "text")  # json: one object a line
    # Slack and Teams: None unless configured (from_env decides from the variables set)
    slack: SlackSettings | None = None
    teams: TeamsSettings | None = None
    spacy_model: str = _env("OUTWARD_SPACY_MODEL", "")  # "": shipped en + es; "none": no NER
    secret: SecretStr = _env("OUTWARD_SECRET", SecretStr(""))
    themes_model: str = _env("OUTWARD_THEMES_MODEL", "")
    themes_engine: ThemesEngine = _env("OUTWARD_THEMES_ENGINE", "")
    codebook: str = _env("OUTWARD_CODEBOOK", "")
    content_dir: str = _env("OUTWARD_CONTENT_DIR", "")  # the organisation's rounds, tracks ...
    # the chair's report link: OUTWARD_PUBLIC_URL (default http://localhost:PORT) and how
    # long a link works; the semantic engine themes up to this many comments (TF-IDF above)
    public_url: str = Field("", validation_alias="OUTWARD_PUBLIC_URL", validate_default=True)
    report_link_minutes: WholeNumber = _env("OUTWARD_REPORT_LINK_MINUTES", 60, ge=1, le=1440)
    semantic_max_comments: WholeNumber = _env("OUTWARD_SEMANTIC_MAX_COMMENTS",
                                              SEMANTIC_MAX_COMMENTS, ge=0, le=10_000_000)
    retention_days: WholeNumber = _env("OUTWARD_RETENTION_DAYS", 365, ge=0, le=36500)
    # how long a worker holds the outbox rows it claimed
    outbox_lease_seconds: WholeNumber = _env("OUTWARD_OUTBOX_LEASE_SECONDS", 300, ge=1, le=86400)
    organisation: str = _env("OUTWARD_ORGANISATION", DEFAULT_ORGANISATION)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from `env` (os.environ in production, a dict in tests). Values are
        stripped; an empty value means the default. Raises SettingsError (one line)."""
        data: dict[str, Any] = _present(cls, env)
        slack = _present(SlackSettings, env)
        if slack.keys() & {"SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"}:
            data["slack"] = slack
        teams = _present(TeamsSettings, env)
        if teams.keys() & {"MicrosoftAppId", "OUTWARD_TEAMS_DEV_NO_AUTH"}:
            data["teams"] = teams
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(explain(exc)) from None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, (_hide_password(value) if name == "database_url" else value)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = value.partition("://")[0] if "://" in value else ""
        wrong = ValueError("must use sqlite+aiosqlite:// or postgresql+asyncpg:// (e.g. "
                           "sqlite+aiosqlite:///outward.db or postgresql+asyncpg://user:pass@"
                           f"host/db), got {scheme}://")
        try:
            url = make_url(value)
            backend, driver = url.get_backend_name(), url.get_driver_name()
        except ArgumentError:
            if scheme and re.fullmatch(r"[A-Za-z][\w+.-]*", scheme):  # postgres:// (Heroku)
                raise wrong from None
            raise ValueError(
                "is not a database URL (e.g. sqlite+aiosqlite:///outward.db "
                "or postgresql+asyncpg://user:pass@host/db)") from None
        if (backend, driver) not in DRIVERS:  # the scheme as written: postgresql://, not the
            raise wrong  # driver SQLAlchemy would pick for it (postgresql+psycopg2)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        problem = zone_problem(value)  # "EST": no daylight saving, use America/New_York
        found = zone_name(value)  # in any case: america/chicago is America/Chicago
        if problem is not None or found is None:
            raise ValueError(problem)
        return found

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if not value or value.lower() == "none":
            return ""
        try:
            parse_window(value)
        except ValueError as exc:
            raise ValueError(f"{exc} (or 'none')") from None
        return value

    @field_validator("teams")
    @classmethod
    def _teams(cls, value: TeamsSettings | None) -> TeamsSettings | None:
        # OUTWARD_TEAMS_DEV_NO_AUTH=0 alone is checked but configures nothing
        return value if value is not None and (value.app_id or value.dev_no_auth) else None

    @field_validator("spacy_model")
    @classmethod
    def _spacy_model(cls, value: str) -> str:
        parse_models(value)  # its ValueError names OUTWARD_SPACY_MODEL and the forms
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: SecretStr) -> SecretStr:
        if 0 < len(value.get_secret_value()) < 32:
            raise ValueError(f"must be at least 32 characters (for example the output of "
                             f"`{_GENERATE}`)")
        return value

    @field_validator("themes_model")
    @classmethod
    def _themes_model(cls, value: str) -> str:
        if value and not Path(value).exists():
            raise ValueError(f"{value!r} does not exist")
        return value

    @field_validator("themes_engine")
    @classmethod
    def _themes_engine(cls, value: str, info: ValidationInfo) -> str:
        if value == "semantic" and not info.data.get("themes_model"):
            from storage.themes import semantic_available

            if not semantic_available():
                raise ValueError("OUTWARD_THEMES_ENGINE=semantic but the semantic engine is "
                                 "not installed (pip install 'outward[semantic]' or "
                                 "make semantic)")
        return value

    @field_validator("codebook")
    @classmethod
    def _codebook(cls, value: str) -> str:
        if not value:
            return value
        if not Path(value).exists():
            raise ValueError(f"{value!r} does not exist")
        from storage.themes import CodebookError, load_codebook

        try:
            load_codebook(Path(value))
        except CodebookError as exc:
            more = len(exc.problems) - 1
            raise ValueError(
                f"OUTWARD_CODEBOOK: {exc.problems[0]}"
                + (f" (and {more} more problem{'s' if more > 1 else ''}: `python -m bot "
                   f"rounds validate {value}` lists them)" if more else "")
            ) from None
        return value

    @field_validator("content_dir")
    @classmethod
    def _content_dir(cls, value: str) -> str:
        if value and not Path(value).is_dir():
            state = "is not a directory" if Path(value).exists() else "does not exist"
            raise ValueError(f"{value!r} {state}: it should be a folder holding rounds/, "
                             "tracks/, codebooks/ or mentorship/")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.rstrip("/")
        if not value:
            return f"http://localhost:{info.data.get('port', 3000)}"
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"must start with https:// (or http://), got {value!r}")
        return value

    @model_validator(mode="after")
    def _secret_with_postgresql(self) -> Settings:
        if (not self.secret.get_secret_value()
                and make_url(self.database_url).get_backend_name() == "postgresql"):
            raise ValueError(
                "OUTWARD_SECRET is required with PostgreSQL: every web, worker and clock "
                f"process must share it (generate one with `{_GENERATE}` and keep it out of "
                "database backups)")
        return self


def _present(model: type[BaseModel], env: Mapping[str, str]) -> dict[str, str]:
    """The model's variables that `env` sets to something other than blanks, stripped."""
    values = {}
    for field in model.model_fields.values():
        name = field.validation_alias
        if isinstance(name, str) and (raw := (env.get(name) or "").strip()):
            values[name] = raw
    return values


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# -- one line from a ValidationError --------------------------------------------------------

def explain(exc: ValidationError) -> str:
    """The first problem as one line naming its variable, and which others are wrong too.
    Values of secrets never appear (only our own messages quote a value, and none of those
    is on a secret)."""
    problems = exc.errors(include_url=False)
    line, named = _line(problems[0]), _variable(problems[0])
    others = dict.fromkeys(v for p in problems[1:] if (v := _variable(p)) and v != named)
    return f"{line} (also wrong: {', '.join(others)})" if others else line


# OUTWARD_* variables read outside Settings: the Teams app package (bot/teams_wiring.py), the
# tests (tests/support.py, the report's browser tests) and the benches (OUTWARD_BENCH_*).
OTHER_VARIABLES = frozenset({
    "OUTWARD_TEAMS_APP_NAME", "OUTWARD_TEAMS_APP_FULL_NAME", "OUTWARD_TEAMS_DEVELOPER",
    "OUTWARD_TEAMS_WEBSITE_URL", "OUTWARD_TEAMS_PRIVACY_URL", "OUTWARD_TEAMS_TERMS_URL",
    "OUTWARD_TEAMS_APP_VERSION", "OUTWARD_TEAMS_APP_ID", "OUTWARD_TEAMS_ACCENT_COLOR",
    "OUTWARD_SHARED_DATA", "OUTWARD_CHROMIUM",
})


def unknown_variables(env: Mapping[str, str]) -> list[str]:
    """One line per OUTWARD_* variable set in `env` that Outward never reads, with the
    nearest name it does read: a misspelt setting (OUTWARD_TIMEZOME) is otherwise silently
    its default."""
    known = {name for name in _fields() if name.startswith("OUTWARD_")} | OTHER_VARIABLES
    lines = []
    for name in sorted(env):
        if not name.startswith("OUTWARD_") or name in known or name.startswith("OUTWARD_BENCH_"):
            continue
        near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        lines.append(f"{name} is not a variable Outward reads; it is ignored"
                     + (f" (did you mean {near[0]}?)" if near else ""))
    return lines


def _fields() -> dict[str, FieldInfo]:
    return {f.validation_alias: f for m in (Settings, SlackSettings, TeamsSettings)
            for f in m.model_fields.values() if isinstance(f.validation_alias, str)}


def _variable(problem: ErrorDetails) -> str:
    """The environment variable a problem is about ("" for a rule over several)."""
    loc = problem["loc"]
    return str(loc[-1]) if loc and str(loc[-1]) in _fields() else ""


def _line(problem: ErrorDetails) -> str:
    name, kind = _variable(problem), problem["type"]
    ctx = problem.get("ctx") or {}
    got = problem.get("input")
    if kind == "value_error":  # raised by a validator above: its message is ours
        message = str(ctx.get("error", problem["msg"]))
        return message if not name or message.startswith(name) else f"{name} {message}"
    if not name:
        return problem["msg"]
    field = _fields()[name]
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"{name} must be a whole number, got {got!r}"
    if kind in ("greater_than_equal", "less_than_equal"):
        low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
        high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
        why = _TOO_LOW.get(name, "") if kind == "greater_than_equal" else ""
        return f"{name} must be between {low} and {high}, got {got}{why}"
    if kind == "literal_error":
        choices = [str(c) for c in get_args(field.annotation) if c]
        expected = " or ".join([", ".join(choices[:-1]), choices[-1]] if len(choices) > 1
                               else choices)
        return f"{name} must be {expected}, got {got!r}"
    if kind == "bool_parsing":
        return f"{name} must be 1 or 0, got {got!r}"
    return f"{name}: {problem['msg']}"  # the input is left out: it may be a secret
