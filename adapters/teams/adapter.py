"""The Microsoft Teams adapter: Bot Framework activities in, neutral events to the core, Adaptive
Cards out, proactive delivery for the outbox.

Every botbuilder import of the project lives in this folder (the Python Bot Framework SDK is
archived upstream; its successor is the Microsoft 365 Agents SDK), so a move touches only
`adapters/teams/`. `TeamsAdapter` only assembles the parts, each in its own module:

- `http` (`TeamsHttp`): `POST /api/messages`, checked, authenticated, run through
  `CloudAdapter.process_activity`;
- `handler` (`TeamsHandler`): the botbuilder `ActivityHandler` for the inbound turn;
- `directory` (`TeamsDirectory`): roster links from TeamsInfo;
- `sender` (`TeamsSender`): replies and proactive delivery with a bounded retry policy;
- `auth` (`TeamsConfig`, `TeamsAuthentication`), `errors`, and the pure `convert` and `package`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter

from adapters.teams import convert
from adapters.teams.auth import TeamsAuthentication, TeamsConfig
from adapters.teams.directory import OnEvent, TeamsDirectory
from adapters.teams.handler import TeamsHandler
from adapters.teams.http import TeamsHttp
from adapters.teams.sender import RetryPolicy, TeamsSender
from conversations.events import Address
from conversations.messages import Message


class TeamsAdapter:
    """Implements the core's `Sender` for platform 'teams' and serves `POST /api/messages`.

    Inbound: authenticates the request, turns the activity into neutral events
    (`adapters.teams.convert`), calls the core, renders its messages as Adaptive Cards and posts
    them to the activity's Bot Connector (`serviceUrl`). Outbound: `send()` continues a stored
    conversation reference. Each connector call is retried on 429/412/502/503/504."""

    platform = convert.PLATFORM

    def __init__(
        self,
        on_event: OnEvent,
        config: TeamsConfig,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        known_cache: int = 50_000,
    ) -> None:
        if not config.app_id and not config.dev_no_auth:
            raise ValueError("Teams needs MicrosoftAppId/MicrosoftAppPassword, or "
                             "OUTWARD_TEAMS_DEV_NO_AUTH=1 for the Emulator and tests")
        self.config = config
        self.auth = TeamsAuthentication(config)
        self.cloud = CloudAdapter(self.auth)
        self.sender = TeamsSender(self.cloud, config.app_id, retry, sleep)
        self.directory = TeamsDirectory(on_event, self.sender, config.dev_no_auth, known_cache)
        self.handler = TeamsHandler(on_event, self.sender, self.directory)
        self.http = TeamsHttp(config, self.auth, self.cloud, self.handler)

    async def handle(self, request: web.Request) -> web.Response:
        """`POST /api/messages` (see `TeamsHttp.handle`)."""
        return await self.http.handle(request)

    async def send(self, address: Address, messages: Sequence[Message]) -> Address | None:
        """Proactively deliver `messages` to a person, or raise DeliveryError (the core's
        Sender); returns the route when a 1:1 conversation had to be created."""
        return await self.sender.send(address, messages)
