"""Which workspaces Outward is in and a Web API client for each: one bot token
(single-workspace mode) or OAuth installs kept in slack_sdk's SQLAlchemy installation store.
https://docs.slack.dev/authentication/installing-with-oauth"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.config import SlackConfig
from adapters.slack.errors import delivery_error, retry_handlers
from conversations.ports import DeliveryError
from storage.slack_tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_STATE_TTL = 600  # seconds an "Add to Slack" link stays valid
# Exactly the bot scopes the adapter uses (keep in step with manifest.yml).
BOT_SCOPES = (
    "chat:write",
    "commands",
    "files:write",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
)


class SlackWorkspaces:
    """The workspaces Outward is installed in, and a Web API client for each.

    Single-workspace mode uses the bot token's own client (its `auth.test` names the workspace);
    with an OAuth client id and secret, each install's bot token comes from the installation
    store, and bolt's OAuth flow (install page, redirect) fills that store."""

    def __init__(self, config: SlackConfig, engine: AsyncEngine) -> None:
        self.config = config
        self.engine = engine
        self.client = AsyncWebClient(token=config.bot_token or None, base_url=config.base_url,
                                     retry_handlers=retry_handlers())
        self._session: aiohttp.ClientSession | None = None
        self._clients: dict[tuple[str, str], AsyncWebClient] = {}
        self.installation_store: AsyncSQLAlchemyInstallationStore | None = None
        if config.oauth:
            self.installation_store = AsyncSQLAlchemyInstallationStore(
                client_id=config.client_id, engine=engine,
                bots_table_name=BOTS_TABLE, installations_table_name=INSTALLATIONS_TABLE,
            )
        self._auth: AsyncSlackResponse | None = None

    def http(self) -> aiohttp.ClientSession:
        """The one HTTP session (a keep-alive connection pool) every Web API client of this
        process shares; without it slack_sdk opens a new connection for each call. Created on
        first use, inside the running event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self.client.session = self._session  # bolt copies it into its per-request clients
            for client in self._clients.values():
                client.session = self._session
        return self._session

    async def close(self) -> None:
        """Close the shared HTTP session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def oauth_settings(self, on_installed: Callable[[str], Any]) -> AsyncOAuthSettings | None:
        """bolt's OAuth settings (None in single-workspace mode). `on_installed(team)` runs after
        each successful install, before Slack's success page is shown."""
        if self.installation_store is None:
            return None

        async def installed(args: AsyncSuccessArgs) -> BoltResponse:
            team = args.installation.team_id or args.installation.enterprise_id or ""
            if team:
                on_installed(team)
            return await args.default.success(args)

        async def failed(args: Any) -> BoltResponse:
            log.warning("Slack install failed: %s", args.reason)
            return await args.default.failure(args)

        return AsyncOAuthSettings(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            installation_store=self.installation_store,
            state_store=AsyncSQLAlchemyOAuthStateStore(
                expiration_seconds=OAUTH_STATE_TTL, engine=self.engine,
                table_name=OAUTH_STATES_TABLE),
            callback_options=AsyncCallbackOptions(success=installed, failure=failed),
        )

    async def authorize(self) -> AuthorizeResult:
        """bolt's `authorize` in single-workspace mode: the bot token's auth.test, done once at
        start (directory sync) rather than on the first request, so no ack waits on it."""
        if self._auth is None:
            self.http()
            self._auth = await self.client.auth_test()
        return AuthorizeResult.from_auth_test_response(auth_test_response=self._auth,
                                                       bot_token=self.config.bot_token)

    async def client_for(self, workspace: str) -> AsyncWebClient:
        """The Web API client for `workspace`, or DeliveryError when the app is not installed."""
        session = self.http()
        if not self.config.oauth:
            return self.client
        store = self.installation_store
        bot = None
        if store is not None:
            bot = await store.async_find_bot(enterprise_id=None, team_id=workspace)
            if bot is None:
                bot = await store.async_find_bot(enterprise_id=workspace, team_id=None,
                                                 is_enterprise_install=True)
        if bot is None or not bot.bot_token:
            raise DeliveryError("app not installed in this workspace", retry=False)
        client = self._clients.get((workspace, bot.bot_token))
        if client is None:
            if len(self._clients) > 1000:  # tokens rotate: never keep more than this many
                self._clients.clear()
            client = self._clients[(workspace, bot.bot_token)] = AsyncWebClient(
                token=bot.bot_token, base_url=self.config.base_url,
                retry_handlers=retry_handlers(), session=session)
        return client

    async def all(self) -> list[tuple[str, AsyncWebClient]]:
        """(team or enterprise id, client) of every workspace Outward is installed in."""
        self.http()
        if not self.config.oauth:
            try:
                self._auth = await self.client.auth_test()
            except SlackApiError as exc:
                log.warning("Slack auth.test failed: %s", delivery_error(exc).reason)
                return []
            return [(str(self._auth.get("team_id") or ""), self.client)]
        bots = self.installation_store.bots if self.installation_store else None
        if bots is None:
            return []
        async with self.engine.connect() as conn:
            rows = (await conn.execute(
                select(bots.c.enterprise_id, bots.c.team_id)
                .where(bots.c.client_id == self.config.client_id).distinct()
            )).all()
        out = []
        for enterprise_id, team_id in rows:
            client = await self.client_for(team_id or enterprise_id or "")
            out.append((team_id or enterprise_id or "", client))
        return out
