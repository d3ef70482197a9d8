"""Teams credentials and Bot Framework authentication (JWT validation of inbound requests,
tokens for outbound Bot Connector calls), on botbuilder's configuration-based authentication.
https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

CONNECTOR_TIMEOUT = 20  # seconds per Bot Connector call
CONNECTOR_CACHE = 100  # connector clients kept (one per service URL and audience)


@dataclass(frozen=True)
class TeamsConfig:
    """Credentials and behaviour of the Teams adapter (built from settings by the wiring).

    With an app id, every request must carry a Bot Framework JWT; `dev_no_auth` (and no app id)
    accepts unauthenticated requests, which only the Bot Framework Emulator and tests need."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant_id: str = ""
    dev_no_auth: bool = False

    @property
    def auth_enabled(self) -> bool:
        return bool(self.app_id)


class _SdkConfig:
    """The attribute-style configuration ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, cfg: TeamsConfig) -> None:
        self.APP_ID = cfg.app_id or None
        self.APP_PASSWORD = cfg.app_password or None
        self.APP_TENANTID = cfg.tenant_id or None
        # A tenant id means a single-tenant Azure Bot registration:
        # https://learn.microsoft.com/azure/bot-service/bot-service-quickstart-registration#bot-identity-information
        self.APP_TYPE = "SingleTenant" if cfg.tenant_id and cfg.app_id else "MultiTenant"


class _NoRetryConnectorFactory(ConnectorFactory):
    """Connector clients without msrest's hidden urllib3 retries (which sleep in a worker thread
    and ignore Retry-After on 429), so that retries happen once, in `TeamsSender.call`, with our
    own policy.

    One client per service URL and audience is kept and reused (`clients`, shared by every
    factory of the adapter): each holds msrest's HTTP session, so connections are kept alive
    across turns and proactive sends instead of being opened for every message."""

    def __init__(self, inner: ConnectorFactory, timeout: int,
                 clients: dict[tuple[str, str], ConnectorClient]) -> None:
        self._inner = inner
        self._timeout = timeout
        self._clients = clients

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        key = (service_url, audience or "")
        client = self._clients.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            client.config.retry_policy.retries = 0
            client.config.connection.timeout = self._timeout
            if len(self._clients) >= CONNECTOR_CACHE:
                self._clients.clear()
            self._clients[key] = client
        return client


class TeamsAuthentication(BotFrameworkAuthentication):
    """The SDK's configuration-based authentication, with connector factories that do not retry
    on their own."""

    def __init__(self, config: TeamsConfig, timeout: int = CONNECTOR_TIMEOUT) -> None:
        self._inner: BotFrameworkAuthentication = ConfigurationBotFrameworkAuthentication(
            _SdkConfig(config))
        self._timeout = timeout
        self._clients: dict[tuple[str, str], ConnectorClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _NoRetryConnectorFactory(result.connector_factory,
                                                                self._timeout, self._clients)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _NoRetryConnectorFactory(self._inner.create_connector_factory(claims_identity),
                                        self._timeout, self._clients)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)
