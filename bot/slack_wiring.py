"""Attach Slack to the running bot: routes on the shared aiohttp app, the sender for the
delivery worker, Socket Mode when an app token is set, and a directory sync at start."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_sdk.errors import SlackApiError

from adapters.slack import SlackAdapter, SlackConfig
from bot.bootstrap import Outward

log = logging.getLogger(__name__)

SLACK_ADAPTER = web.AppKey("slack_adapter", SlackAdapter)


async def attach_slack(app: Outward, web_app: web.Application) -> None:
    """Build the Slack adapter from `app.settings.slack` and plug it in."""
    s = app.settings.slack
    if s is None:
        return
    adapter = SlackAdapter(
        SlackConfig(
            signing_secret=s.signing_secret.get_secret_value(),
            bot_token=s.bot_token.get_secret_value(),
            app_token=s.app_token.get_secret_value(),
            client_id=s.client_id,
            client_secret=s.client_secret.get_secret_value(),
            api_url=s.api_url,
        ),
        on_event=app.router,
        engine=app.engine,
        clock=app.deps.clock,
    )
    adapter.add_routes(web_app)
    web_app[SLACK_ADAPTER] = adapter
    app.senders["slack"] = adapter

    async def close(_web_app: web.Application) -> None:
        await adapter.close()

    web_app.on_cleanup.append(close)
    if s.app_token.get_secret_value():
        try:
            await adapter.start_socket_mode()
            log.info("Slack Socket Mode connected")
        except Exception as exc:  # HTTP still works; say why Socket Mode did not
            # Slack's error code (invalid_auth, not_allowed_token_type ...), never the token
            reason = (exc.response.get("error") if isinstance(exc, SlackApiError) else None)
            hint = ("a firewall or proxy may block WebSockets" if isinstance(exc, TimeoutError)
                    else "check SLACK_APP_TOKEN")
            log.warning("Slack Socket Mode did not connect (%s); serving HTTP only (%s)",
                        reason or type(exc).__name__, hint)
    adapter.spawn(adapter.sync_directory())
    mode = "OAuth installs" if adapter.config.oauth else "single workspace"
    log.info("Slack attached (%s): POST /slack/events", mode)
