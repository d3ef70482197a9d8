"""The Slack adapter: slack-bolt's AsyncApp wired to Outward's neutral core.

`SlackAdapter` only assembles the parts, each in its own module:

- `http` (`SlackHttp`): aiohttp routes; every request is signature-verified before bolt sees it;
- `app` (`SlackListeners`): bolt's AsyncApp and the listeners that ack, convert, call the core
  and render the reply; `dedupe` (`SlackDedupe`) drops Events API retries; `tasks` runs the
  work after the ack;
- `sender` (`SlackSender`): proactive delivery for the outbox worker;
- `directory` (`SlackDirectory`): users.list sync and first-contact users.info;
- `oauth` (`SlackWorkspaces`): installs and a Web API client per workspace;
- `errors`: Web API failures as `DeliveryError`, slack_sdk retry handlers;
- `convert`: pure translation between Slack payloads and neutral types.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack import convert
from adapters.slack.app import SlackListeners
from adapters.slack.config import SlackConfig
from adapters.slack.dedupe import SlackDedupe
from adapters.slack.directory import OnEvent, SlackDirectory
from adapters.slack.http import SlackHttp
from adapters.slack.oauth import SlackWorkspaces
from adapters.slack.sender import SlackSender
from adapters.slack.tasks import SlackTasks
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import Clock

SOCKET_CONNECT_TIMEOUT = 20.0  # seconds for Socket Mode to connect at start-up


class SlackAdapter:
    """Slack for Outward: inbound HTTP (or Socket Mode) to neutral events, and the `Sender`
    for platform "slack" (proactive DMs for the delivery worker)."""

    platform = convert.PLATFORM

    def __init__(
        self,
        config: SlackConfig,
        on_event: OnEvent,
        engine: AsyncEngine,
        clock: Clock,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.tasks = SlackTasks()
        self.workspaces = SlackWorkspaces(config, engine)
        self.directory = SlackDirectory(on_event, self.workspaces)
        self.sender = SlackSender(self.workspaces, clock)
        self.listeners = SlackListeners(config, on_event, self.workspaces, self.directory,
                                        self.sender, SlackDedupe(engine), self.tasks)
        self.http = SlackHttp(config, self.listeners.bolt, now)
        self.socket_mode: Any = None

    @property
    def bolt(self) -> AsyncApp:
        return self.listeners.bolt

    def add_routes(self, web_app: web.Application) -> None:
        """Serve `POST /slack/events` (and the OAuth pages) on the shared aiohttp app."""
        self.http.add_routes(web_app)

    async def send(self, address: Address, messages: Sequence[Message]) -> Address | None:
        """Deliver proactively to the person's DM, or raise DeliveryError (the core's Sender);
        returns the DM route when it had to be opened."""
        return await self.sender.send(address, messages)

    async def sync_directory(self) -> int:
        """users.list for every workspace; returns how many accounts were seen."""
        return await self.directory.sync()

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background; failures are logged."""
        return self.tasks.spawn(coro)

    async def drain(self) -> None:
        """Wait for all background work (tests; graceful shutdown)."""
        await self.tasks.drain()

    async def start_socket_mode(self) -> None:
        """Receive events over a WebSocket instead of HTTP (SLACK_APP_TOKEN, xapp-...), for local
        development. https://docs.slack.dev/apis/events-api/using-socket-mode"""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        # apps.connections.open goes through the app's client (same SLACK_API_URL)
        handler = AsyncSocketModeHandler(self.bolt, self.config.app_token)
        # The SDK's connect() retries forever, logging a traceback every 10 s, when Slack
        # refuses the token or cannot be reached; asking for the first WebSocket URL here makes
        # that one error the caller reports. connect() then uses this URL.
        # The same when the WebSocket URL Slack gave cannot be reached (a proxy that lets
        # HTTPS through but not WebSockets): connect() would retry it forever, so it gets
        # SOCKET_CONNECT_TIMEOUT seconds.
        try:
            async with asyncio.timeout(SOCKET_CONNECT_TIMEOUT):
                handler.client.wss_uri = await handler.client.issue_new_wss_url()
                await handler.connect_async()
        except BaseException:
            await handler.close_async()  # its session and message task, made when it was built
            raise
        self.socket_mode = handler

    async def close(self) -> None:
        """Disconnect Socket Mode and finish background work."""
        if self.socket_mode is not None:
            await self.socket_mode.close_async()
        await self.drain()
        await self.workspaces.close()
