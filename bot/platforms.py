"""Attach the platform adapters whose credentials are configured (Slack, Teams)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.bootstrap import Outward

log = logging.getLogger(__name__)


async def attach_platforms(app: Outward, web_app: web.Application) -> list[str]:
    """Register routes and senders for each configured platform; returns their names."""
    attached: list[str] = []
    if app.settings.slack is not None:
        from bot.slack_wiring import attach_slack

        await attach_slack(app, web_app)
        attached.append("slack")
    if app.settings.teams is not None:
        from bot.teams_wiring import attach_teams

        await attach_teams(app, web_app)
        attached.append("teams")
    return attached
