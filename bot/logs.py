"""Logging for every command: plain text lines (the default) or, with OUTWARD_LOG_FORMAT=json,
one JSON object a line (time, level, logger, message and any `extra=` fields), for a log
platform to index.

OUTWARD_LOG_LEVEL applies to Outward's own loggers. Libraries never log below INFO, and the
ones that log request or response bodies, rows or headers at their DEBUG or INFO (the Slack
and Teams SDKs, SQLAlchemy, ...) are held at WARNING: those bodies hold what people typed and
tokens. Outward itself never logs answer text or secrets (tests/test_logs.py runs a survey
with JSON logs at DEBUG and looks)."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from bot.settings import Settings

OURS = ("bot", "adapters", "conversations", "storage", "prompts")
QUIET = ("sqlalchemy", "aiosqlite", "asyncpg", "alembic", "apscheduler", "slack_sdk",
         "slack_bolt", "botbuilder", "botframework", "msrest", "msal", "urllib3",
         "presidio-analyzer", "presidio-anonymizer", "aiohttp.client", "aiohttp.access",
         "asyncio")
# slack_sdk decides whether to build its DEBUG lines (each request's and response's whole body,
# turned into text) from the module logger's own level, `logger.level <= logging.DEBUG`, not from
# the effective one: a logger left at NOTSET (0) builds them for every API call and then drops
# them (slack_sdk/web/async_internal_utils.py, `_request_with_session`). So these loggers get a
# level of their own: nothing more is logged, and each call costs about an eighth less CPU.
SDK_OWN_LEVEL = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client",
                 "slack_sdk.webhook.async_client", "slack_sdk.webhook.client")
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Ours(logging.StreamHandler[TextIO]):
    """The handler `configure` installs (so configuring again replaces it, and nothing else)."""


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "{levelname}{name}{message}", style="{", timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT)


def configure(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send logs to `stream` (default stderr) in the configured format and level; returns the
    handler installed on the root logger."""
    level = getattr(logging, settings.log_level)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Ours)]:
        root.removeHandler(old)
    handler = _Ours(stream or sys.stderr)
    handler.setFormatter(formatter(settings.log_format))
    root.addHandler(handler)
    root.setLevel(max(level, logging.INFO))  # libraries: never their DEBUG
    for name in OURS:
        logging.getLogger(name).setLevel(level)
    for name in QUIET + SDK_OWN_LEVEL:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    return handler
