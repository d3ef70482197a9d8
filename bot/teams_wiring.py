"""Wires the Teams adapter into the app: `POST /api/messages` and the 'teams' sender; builds the
Teams app package for `python -m bot teams-package`.

Only `adapters.teams` is imported here, never botbuilder (that stays inside the adapter)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from aiohttp import web

from adapters.teams import PackageInfo, TeamsAdapter, TeamsConfig, write_zip
from bot.bootstrap import Outward
from bot.settings import Settings
from conversations.context import DEFAULT_ORGANISATION

log = logging.getLogger(__name__)

TEAMS_ADAPTER_KEY = web.AppKey("outward.teams", TeamsAdapter)
ROUTE = "/api/messages"


def teams_config(settings: Settings) -> TeamsConfig:
    teams = settings.teams
    if teams is None:
        raise ValueError("Teams is not configured (MicrosoftAppId or OUTWARD_TEAMS_DEV_NO_AUTH)")
    return TeamsConfig(
        app_id=teams.app_id,
        app_password=teams.app_password.get_secret_value(),
        tenant_id=teams.tenant_id,
        dev_no_auth=teams.dev_no_auth,
    )


async def attach_teams(app: Outward, web_app: web.Application) -> None:
    """Build the adapter, register `POST /api/messages` and the 'teams' sender."""
    config = teams_config(app.settings)
    if config.dev_no_auth and not config.app_id:
        log.warning(
            "!!! OUTWARD_TEAMS_DEV_NO_AUTH=1: Teams requests are NOT authenticated. Anyone who "
            "can reach %s can impersonate any user and make this bot POST to any serviceUrl. "
            "Use only with the Bot Framework Emulator or tests; set MicrosoftAppId and "
            "MicrosoftAppPassword for a real deployment. !!!", ROUTE,
        )
    else:
        log.info("Teams: Bot Framework JWT validation on for app id %s%s", config.app_id,
                 f" (single tenant {config.tenant_id})" if config.tenant_id else "")
    adapter = TeamsAdapter(app.router, config)
    web_app[TEAMS_ADAPTER_KEY] = adapter
    web_app.router.add_post(ROUTE, adapter.handle)
    app.senders["teams"] = adapter


def package_info(settings: Settings, env: Mapping[str, str]) -> PackageInfo:
    """What the manifest needs, from settings and these environment variables:
    OUTWARD_PUBLIC_URL (required), OUTWARD_TEAMS_APP_NAME, OUTWARD_TEAMS_APP_FULL_NAME,
    OUTWARD_TEAMS_DEVELOPER, OUTWARD_TEAMS_WEBSITE_URL, OUTWARD_TEAMS_PRIVACY_URL,
    OUTWARD_TEAMS_TERMS_URL, OUTWARD_TEAMS_APP_VERSION, OUTWARD_TEAMS_APP_ID,
    OUTWARD_TEAMS_ACCENT_COLOR, read from `env` (the command's environment)."""

    def get(name: str, default: str = "") -> str:
        return (env.get(name) or default).strip()

    bot_id = settings.teams.app_id if settings.teams is not None else get("MicrosoftAppId")
    org = settings.organisation if settings.organisation != DEFAULT_ORGANISATION else ""
    return PackageInfo(
        bot_id=bot_id,
        public_url=get("OUTWARD_PUBLIC_URL"),
        name=get("OUTWARD_TEAMS_APP_NAME", "Outward"),
        full_name=get("OUTWARD_TEAMS_APP_FULL_NAME",
                      f"Outward listening tour for {org}" if org else
                      "Outward: listening-tour pulse surveys"),
        developer=get("OUTWARD_TEAMS_DEVELOPER", org or "Outward"),
        website_url=get("OUTWARD_TEAMS_WEBSITE_URL"),
        privacy_url=get("OUTWARD_TEAMS_PRIVACY_URL"),
        terms_url=get("OUTWARD_TEAMS_TERMS_URL"),
        version=get("OUTWARD_TEAMS_APP_VERSION", "1.0.0"),
        app_id=get("OUTWARD_TEAMS_APP_ID"),
        accent_color=get("OUTWARD_TEAMS_ACCENT_COLOR", "#2E5E4E"),
    )


def write_package(settings: Settings, path: Path | str | None, env: Mapping[str, str]
                  ) -> Path:
    """Write the Teams app zip (manifest.json, color.png, outline.png) and return its path.

    Raises adapters.teams.PackageError (a ValueError) naming the missing/wrong variable."""
    target = Path(path) if path else Path("outward-teams.zip")
    return write_zip(package_info(settings, env), target)
