"""The Slack adapter: slack-bolt's AsyncApp wired to Outward's neutral core.

Shape follows bolt-python's own aiohttp adapter (`slack_bolt/adapter/aiohttp`): an aiohttp
request becomes an `AsyncBoltRequest`, bolt dispatches it, the `BoltResponse` becomes an aiohttp
response. Around that:

- every request is signature-verified here first (5-minute replay window) and a failure is a 401
  that touches nothing else (no database, no Web API call);
- every listener acks at once and hands the real work to a background task, so Slack gets its
  answer well inside 3 seconds (https://docs.slack.dev/interactivity/handling-user-interaction);
- Events API retries of an event already handled (`X-Slack-Retry-Num`, same `event_id`) are
  dropped, using a table shared by every web process;
- outbound calls use slack_sdk's retry handlers; failures become `DeliveryError`s for the worker.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.signature import Clock as SignatureClock
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack import convert
from conversations.events import Address, Event, HomeOpened
from conversations.messages import Message
from conversations.ports import Clock, DeliveryError
from storage.slack_tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE, seen_events

log = logging.getLogger(__name__)

OnEvent = Callable[[Event], Awaitable[list[Message]]]

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
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
COMMAND_ACK_BUDGET = 2.0  # seconds to wait for the core before acking a slash command empty
KNOWN_USER_TTL = 600.0  # seconds before a user unknown to the directory is looked up again
SEEN_EVENTS_KEEP = timedelta(days=1)

# Slack Web API error codes: https://docs.slack.dev/reference/methods/chat.postMessage#errors
RETRYABLE_ERRORS = frozenset({
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "timeout",
})
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "user_not_found", "account_inactive", "not_in_channel",
    "invalid_auth", "not_authed", "token_revoked", "token_expired", "is_archived",
    "cannot_dm_bot", "user_disabled", "missing_scope", "no_permission", "team_access_not_granted",
    "org_login_required", "ekm_access_denied", "not_allowed_token_type", "messages_tab_disabled",
})


@dataclass(frozen=True)
class SlackConfig:
    """What the adapter needs from the environment (built by bot/slack_wiring.py)."""

    signing_secret: str
    bot_token: str = ""
    app_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    api_url: str = ""

    @property
    def oauth(self) -> bool:
        """Multi-workspace installs (OAuth) rather than one workspace's bot token.

        As in bolt itself (which reads SLACK_CLIENT_ID/SECRET from the environment), a client id
        and secret win over SLACK_BOT_TOKEN."""
        return bool(self.client_id and self.client_secret)


class BoundedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 in place only when Slack's `Retry-After` is short.

    A longer wait is not slept through: the error reaches the caller, so the delivery worker
    re-queues the outbox row at `Retry-After` and goes on with other rows.
    https://docs.slack.dev/apis/web-api/rate-limits"""

    def __init__(self, max_retry_count: int = 2, max_wait: float = 3.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait


def retry_handlers() -> list[AsyncRetryHandler]:
    """slack_sdk's handlers: connection errors, 429 (honouring Retry-After), 500/503."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        BoundedRateLimitRetryHandler(),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """The Retry-After header in seconds (header values may be strings or lists of strings)."""
    for name, value in (headers or {}).items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(str(raw)))
            except ValueError:
                return None
    return None


def delivery_error(exc: BaseException) -> DeliveryError:
    """A Web API failure as the worker's DeliveryError (retry or give up for this row)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 0) or 0
        data = getattr(exc.response, "data", None)
        error = str(data.get("error", "")) if isinstance(data, dict) else ""
        error = error or f"http_{status}"
        if status == 429 or error in ("ratelimited", "rate_limited"):
            return DeliveryError("ratelimited", retry=True,
                                 retry_after=retry_after(exc.response.headers) or 30.0)
        if status >= 500 or error in RETRYABLE_ERRORS:
            return DeliveryError(error, retry=True)
        return DeliveryError(error, retry=False)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryError(f"connection: {type(exc).__name__}", retry=True)
    return DeliveryError(type(exc).__name__, retry=False)


class _Clock(SignatureClock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SeenEvents:
    """Event ids already handled, in a table every web process shares (retry dedupe)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._inserts = 0

    async def first_time(self, event_id: str) -> bool:
        now = datetime.now(UTC).replace(tzinfo=None)
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(seen_events).values(event_id=event_id[:64],
                                                              seen_at=now))
        except IntegrityError:
            return False
        self._inserts += 1
        if self._inserts % 500 == 1:
            async with self.engine.begin() as conn:
                await conn.execute(delete(seen_events).where(
                    seen_events.c.seen_at < now - SEEN_EVENTS_KEEP))
        return True


class SlackAdapter:
    """Slack for Outward: inbound HTTP (or Socket Mode) to neutral events, and the `Sender`
    for platform "slack" (proactive DMs for the delivery worker)."""

    platform = "slack"

    def __init__(
        self,
        config: SlackConfig,
        on_event: OnEvent,
        engine: AsyncEngine,
        clock: Clock,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.on_event = on_event
        self.engine = engine
        self.clock = clock
        self.now = now  # wall clock for the signature window (Slack's clock, not the app's)
        self.base_url = config.api_url or DEFAULT_API_URL
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.verifier = SignatureVerifier(config.signing_secret, clock=_Clock(lambda: self.now()))
        self.seen = SeenEvents(engine)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.known_users: dict[tuple[str, str], float] = {}
        self.dm_channels: dict[tuple[str, str], str] = {}
        self.blocked_until: dict[str, datetime] = {}
        self.client = AsyncWebClient(token=config.bot_token or None, base_url=self.base_url,
                                     retry_handlers=retry_handlers())
        self.installation_store: AsyncSQLAlchemyInstallationStore | None = None
        self.socket_mode: Any = None
        self._auth: AsyncSlackResponse | None = None
        self.bolt = self._build_bolt()

    # ---- bolt wiring ----------------------------------------------------------------------

    def _build_bolt(self) -> AsyncApp:
        kwargs: dict[str, Any] = {}
        if self.config.oauth:
            self.installation_store = AsyncSQLAlchemyInstallationStore(
                client_id=self.config.client_id, engine=self.engine,
                bots_table_name=BOTS_TABLE, installations_table_name=INSTALLATIONS_TABLE,
            )
            kwargs["oauth_settings"] = AsyncOAuthSettings(
                client_id=self.config.client_id,
                client_secret=self.config.client_secret,
                scopes=list(BOT_SCOPES),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                installation_store=self.installation_store,
                state_store=AsyncSQLAlchemyOAuthStateStore(
                    expiration_seconds=600, engine=self.engine, table_name=OAUTH_STATES_TABLE),
                callback_options=AsyncCallbackOptions(success=self._installed,
                                                      failure=self._install_failed),
            )
            kwargs["installation_store"] = self.installation_store
        else:
            async def authorize(team_id: str | None = None) -> AuthorizeResult:
                return await self._authorize_single()

            kwargs["authorize"] = authorize
        # bolt also reads SLACK_BOT_TOKEN/SLACK_CLIENT_* from os.environ and warns that the
        # token is unused when we pass our own client/authorize: expected, so not logged
        bolt_log = logging.getLogger("slack_bolt.AsyncApp")
        level = bolt_log.level
        bolt_log.setLevel(logging.ERROR)
        try:
            app = self._new_bolt_app(kwargs)
        finally:
            bolt_log.setLevel(level)
        self._register(app)
        return app

    def _new_bolt_app(self, kwargs: dict[str, Any]) -> AsyncApp:
        return AsyncApp(
            name="outward",
            signing_secret=self.config.signing_secret,
            client=self.client,
            # verified in handle_events before bolt sees it (Socket Mode needs no signature)
            request_verification_enabled=False,
            # our listeners only ack and start a task, so the ack is the HTTP response
            process_before_response=True,
            raise_error_for_unhandled_request=True,
            **kwargs,
        )

    def _register(self, app: AsyncApp) -> None:
        app.middleware(self._dedupe)
        app.action(re.compile(r"^outward:"))(self._on_action)
        app.view_submission(convert.FORM_CALLBACK)(self._on_view)
        app.command(re.compile(".*"))(self._on_command)
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home)
        app.event("team_join")(self._on_member)
        app.event("user_change")(self._on_member)
        if self.installation_store is not None:
            app.enable_token_revocation_listeners()
        # anything else (other apps' buttons, view_closed, shortcuts, events we did not
        # subscribe to) reaches _on_error as BoltUnhandledRequestError and is acked with 200
        app.error(self._on_error)

    async def _authorize_single(self) -> AuthorizeResult:
        """Single-workspace mode: the bot token's auth.test, done once at start (directory
        sync) rather than on the first request, so no ack waits on it."""
        if self._auth is None:
            self._auth = await self.client.auth_test()
        return AuthorizeResult.from_auth_test_response(auth_test_response=self._auth,
                                                       bot_token=self.config.bot_token)

    async def _dedupe(self, body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        """Handle each Events API event_id once, whatever X-Slack-Retry-Num says.

        https://docs.slack.dev/apis/events-api/#retries"""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            try:
                first = await self.seen.first_time(event_id)
            except SQLAlchemyError:
                log.warning("could not record Slack event id; handling it anyway", exc_info=True)
                first = True
            if not first:
                log.info("Slack event %s already handled; retry dropped", event_id)
                return BoltResponse(status=200, body="")
        return await next()

    async def _on_error(self, error: Exception) -> BoltResponse:
        """Ack what we do not handle; a failure is logged, never shown to Slack as a 500."""
        if isinstance(error, BoltUnhandledRequestError):
            log.debug("Slack request not for Outward; acked")
        else:
            log.error("Slack listener failed: %s", type(error).__name__, exc_info=error)
        return BoltResponse(status=200, body="")

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run work after the ack; failures are logged (never shown as a traceback)."""

        async def guarded() -> Any:
            try:
                return await coro
            except Exception:
                log.exception("Slack background work failed")
                return None

        task = asyncio.get_running_loop().create_task(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def drain(self) -> None:
        """Wait for all work started after acks (tests; graceful shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    # ---- listeners (each acks first, then works in a task) ---------------------------------

    async def _on_action(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                         client: AsyncWebClient) -> None:
        await ack()
        parsed = convert.action(body)
        if parsed is None:
            return
        event, origin = parsed
        if isinstance(event, convert.FormRequest):
            # views.open needs the trigger_id within 3 s of the press: do it first
            self.spawn(client.views_open(trigger_id=event.trigger_id,
                                         view=convert.answer_modal(event)))
            return
        self.spawn(self._interaction(client, event, origin, settle=True))

    async def _on_view(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                       client: AsyncWebClient) -> None:
        await ack()  # closes the modal
        parsed = convert.form_submitted(body)
        if parsed is not None:
            self.spawn(self._interaction(client, *parsed, settle=True))

    async def _on_message(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = convert.direct_message(body)
        if event is not None:
            self.spawn(self._interaction(client, event, convert.Origin()))

    async def _on_home(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = convert.home_opened(body)
        if event is not None:
            self.spawn(self._home(client, event))

    async def _on_member(self, body: dict[str, Any]) -> None:
        event = convert.member_event(body)
        if event is not None:
            self.known_users[(event.address.workspace, event.address.user)] = time.monotonic()
            self.spawn(self.on_event(event))

    async def _on_command(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                          client: AsyncWebClient, respond: Callable[..., Awaitable[Any]]) -> None:
        """Slash commands: the private reply rides on the ack when the core answers within
        COMMAND_ACK_BUDGET, else it goes to the response_url afterwards.
        https://docs.slack.dev/interactivity/implementing-slash-commands"""
        event = convert.command(body)
        if event is None:
            await ack()
            return
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[dict[str, Any] | None] = loop.create_future()
        late = {"acked": False}

        async def work() -> None:
            await self._ensure_known(client, event.address)
            settled = await self._settle(client, event, convert.command_channel(body))
            messages = await self.on_event(settled)
            private = [m for m in messages if m.private and not m.direct]
            payload = convert.combine(private) if private else None
            if not late["acked"] and not reply.done():
                reply.set_result(payload)  # rides on the ack
            elif payload is not None:
                await respond(response_type="ephemeral", replace_original=False, **payload)
            # e.g. `/pulse` starting a survey, or anything but help typed in a channel: to the
            # DM, never visible in the channel
            to_dm = [m for m in messages if m.direct or not m.private]
            if to_dm:
                await self._post_all(client, settled.address, to_dm, convert.Origin())
            await self._post_charts(client, settled.address, private)

        def finished(_task: asyncio.Task[Any]) -> None:
            if not reply.done():
                reply.set_result(None)

        self.spawn(work()).add_done_callback(finished)
        try:
            payload = await asyncio.wait_for(asyncio.shield(reply), COMMAND_ACK_BUDGET)
        except TimeoutError:
            if reply.done():
                payload = reply.result()
            else:
                late["acked"] = True
                payload = None
        if payload is None:
            await ack()
        else:
            await ack(response_type="ephemeral", **payload)

    # ---- after the ack ---------------------------------------------------------------------

    async def _settle(self, client: AsyncWebClient, event: Event, channel: str) -> Event:
        """The event with `direct` set only when `channel` is the person's DM with Outward.

        A D... channel may also be a DM between two people (a slash command typed there, a
        button on an ephemeral reply there); conversations.open names the bot's own DM."""
        a = event.address
        direct = False
        if channel.startswith("D"):
            try:
                direct = channel == await self._open_dm(client, a)
            except SlackApiError as exc:
                log.info("conversations.open failed: %s", delivery_error(exc).reason)
        if direct == a.direct and a.conversation == (channel if direct else ""):
            return event
        return replace(event, address=replace(a, conversation=channel if direct else "",
                                              direct=direct))

    async def _interaction(self, client: AsyncWebClient, event: Event,
                           origin: convert.Origin, settle: bool = False) -> None:
        await self._ensure_known(client, event.address)
        if settle and not origin.in_view:  # the Home tab is the person's own
            event = await self._settle(client, event, origin.channel)
        messages = await self.on_event(event)
        await self._post_all(client, event.address, messages, origin)
        if origin.in_view:  # a button on the Home tab: show the new state there
            await self._home(client, HomeOpened(event.address))

    async def _home(self, client: AsyncWebClient, event: HomeOpened) -> None:
        await self._ensure_known(client, event.address)
        messages = await self.on_event(event)
        await client.views_publish(user_id=event.address.user,
                                   view=convert.home_view(messages))

    async def _post_all(self, client: AsyncWebClient, address: Address,
                        messages: Sequence[Message], origin: convert.Origin) -> None:
        """Replies to an interaction: the pressed message is updated in place, the rest are
        posted to the person's DM."""
        channel = address.conversation
        for m in messages:
            body = convert.render(m)
            if not address.direct and m.private and not m.direct and origin.response_url:
                # e.g. a button pressed outside the DM was refused: say so where it was pressed
                await self._respond(origin.response_url, response_type="ephemeral",
                                    replace_original=False, **body)
                continue
            if m.replaces and origin.key and m.replaces == origin.key:
                if origin.in_view:
                    continue  # the Home tab is republished afterwards
                if origin.ephemeral and origin.response_url:
                    await self._respond(origin.response_url, replace_original=True, **body)
                    continue
                if origin.channel and origin.ts:
                    try:
                        await client.chat_update(channel=origin.channel, ts=origin.ts,
                                                 parse="none", link_names=False, **body)
                        continue
                    except SlackApiError as exc:
                        log.warning("chat.update failed (%s); posting instead",
                                    delivery_error(exc).reason)
            if not channel:
                channel = await self._open_dm(client, address)
            await client.chat_postMessage(channel=channel, parse="none", link_names=False,
                                          unfurl_links=False, unfurl_media=False, **body)
        await self._post_charts(client, address, messages, channel)

    async def _post_charts(self, client: AsyncWebClient, address: Address,
                           messages: Sequence[Message], channel: str = "") -> None:
        """Each message's chart as a PNG in the person's DM with Outward (files.write), never in
        a channel: summaries are private. The text already carries the same numbers, so a
        failure is logged (reason only, never the text) and the reply stands."""
        for m in messages:
            upload = convert.chart_upload(m)
            if upload is None:
                continue
            try:
                channel = channel or address.conversation or await self._open_dm(client, address)
                if not channel.startswith("D"):
                    log.warning("chart not uploaded: no DM channel for the person")
                    return
                await client.files_upload_v2(channel=channel, **upload)
            except Exception as exc:
                log.warning("chart upload to Slack failed: %s", delivery_error(exc).reason)
                return

    async def _respond(self, url: str, **payload: Any) -> None:
        from slack_sdk.webhook.async_client import AsyncWebhookClient

        await AsyncWebhookClient(url, retry_handlers=retry_handlers()).send(**payload)

    async def _open_dm(self, client: AsyncWebClient, address: Address) -> str:
        key = (address.workspace, address.user)
        if key not in self.dm_channels:
            resp = await client.conversations_open(users=address.user)
            channel = resp.get("channel") or {}
            self.dm_channels[key] = str(channel.get("id", ""))
        return self.dm_channels[key]

    async def _ensure_known(self, client: AsyncWebClient, address: Address) -> None:
        """First contact from someone the directory sync has not seen: look them up
        (users.info) so the core can link them to the roster by email."""
        key = (address.workspace, address.user)
        seen = self.known_users.get(key)
        if seen is not None and time.monotonic() - seen < KNOWN_USER_TTL:
            return
        self.known_users[key] = time.monotonic()
        try:
            resp = await client.users_info(user=address.user, include_locale=True)
        except SlackApiError as exc:
            log.info("users.info failed: %s", delivery_error(exc).reason)
            return
        user = resp.get("user")
        if isinstance(user, dict):
            event = convert.member(user, address.workspace)
            if event is not None:
                await self.on_event(event)

    # ---- directory sync ----------------------------------------------------------------------

    async def sync_directory(self) -> int:
        """users.list for every workspace: link roster people (by email) and refresh their
        time zone and locale. Returns how many accounts were seen."""
        total = 0
        try:
            workspaces = await self._workspaces()
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("Slack directory sync skipped: %s", delivery_error(exc).reason)
            return 0
        for team, client in workspaces:
            try:
                total += await self._sync_team(team, client)
            except (TimeoutError, SlackApiError, aiohttp.ClientError, OSError) as exc:
                log.warning("directory sync of a workspace stopped: %s",
                            delivery_error(exc).reason)
        log.info("Slack directory sync: %d accounts", total)
        return total

    async def _sync_team(self, team: str, client: AsyncWebClient) -> int:
        seen = 0
        cursor = ""
        while True:
            resp = await client.users_list(limit=200, include_locale=True,
                                           **({"cursor": cursor} if cursor else {}))
            for user in resp.get("members") or []:
                if not isinstance(user, dict):
                    continue
                event = convert.member(user, team or str(user.get("team_id", "")))
                if event is None:
                    continue
                seen += 1
                self.known_users[(event.address.workspace, event.address.user)] = \
                    time.monotonic()
                await self.on_event(event)
            cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return seen

    async def _workspaces(self) -> list[tuple[str, AsyncWebClient]]:
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
            client = await self._client_for(team_id or enterprise_id or "")
            out.append((team_id or enterprise_id or "", client))
        return out

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        """After an OAuth install: sync that workspace's directory, then Slack's success page."""
        team = args.installation.team_id or args.installation.enterprise_id or ""
        if team:
            self.spawn(self._sync_installed(team))
        return await args.default.success(args)

    async def _sync_installed(self, team: str) -> None:
        await self._sync_team(team, await self._client_for(team))

    async def _install_failed(self, args: Any) -> BoltResponse:
        log.warning("Slack install failed: %s", args.reason)
        return await args.default.failure(args)

    # ---- outbound (Sender) ---------------------------------------------------------------

    async def _client_for(self, workspace: str) -> AsyncWebClient:
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
        return AsyncWebClient(token=bot.bot_token, base_url=self.base_url,
                              retry_handlers=retry_handlers())

    async def send(self, address: Address, messages: Sequence[Message]) -> None:
        """Deliver proactively to the person's DM, or raise DeliveryError."""
        ws = address.workspace
        now = self.clock.now()
        until = self.blocked_until.get(ws)
        if until is not None and now < until:
            # the workspace is rate limited: defer without calling Slack again
            raise DeliveryError("ratelimited", retry=True,
                                retry_after=max(1.0, (until - now).total_seconds()))
        try:
            client = await self._client_for(ws)
            channel = address.conversation
            if not channel:
                channel = await self._open_dm(client, address)
            for i, m in enumerate(messages):
                body = convert.render(m)
                try:
                    await client.chat_postMessage(channel=channel, parse="none",
                                                  link_names=False, unfurl_links=False,
                                                  unfurl_media=False, **body)
                except SlackApiError as exc:
                    # a stored DM id can go stale: open the DM again once
                    if (i == 0 and address.conversation and
                            delivery_error(exc).reason == "channel_not_found"):
                        self.dm_channels.pop((ws, address.user), None)
                        channel = await self._open_dm(client, Address(
                            address.platform, ws, address.user))
                        await client.chat_postMessage(channel=channel, parse="none",
                                                      link_names=False, unfurl_links=False,
                                                      unfurl_media=False, **body)
                    else:
                        raise
            await self._post_charts(client, address, messages, channel)
        except Exception as exc:
            err = delivery_error(exc)
            if err.reason == "ratelimited" and err.retry_after:
                self.blocked_until[ws] = now + timedelta(seconds=err.retry_after)
            raise err from exc

    # ---- HTTP ----------------------------------------------------------------------------

    def verify(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        """Slack's v0 signature over the raw body, within the 5-minute window.
        https://docs.slack.dev/authentication/verifying-requests-from-slack"""
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature:
            return False
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)

    async def handle_events(self, request: web.Request) -> web.Response:
        """POST /slack/events: Events API, interactivity and slash commands."""
        raw = await request.read()
        if not self.verify(raw, request.headers):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_req = AsyncBoltRequest(body=raw.decode("utf-8"), query=request.query_string,
                                        headers=dict(request.headers))
        except (ValueError, TypeError, AttributeError, KeyError):
            return web.json_response({"error": "malformed payload"}, status=400)
        if not isinstance(bolt_req.body, dict):
            return web.json_response({"error": "malformed payload"}, status=400)
        # A signed payload Slack would never send (`"event": null`, a null view.state.values...)
        # gets a 400, not an ack: it is not a delivery Slack's retry or modal logic waits on,
        # and no recorded Slack payload trips these checks (tests/test_slack_http.py).
        problem = convert.malformed(bolt_req.body)
        if problem:
            log.warning("malformed Slack payload refused: %s", problem)
            return web.json_response({"error": f"malformed payload: {problem}"}, status=400)
        try:
            bolt_resp = await self.bolt.async_dispatch(bolt_req)
        except (TypeError, KeyError, AttributeError, IndexError, ValueError) as exc:
            # bolt reads payload fields unchecked; a shape the check above does not know yet
            log.warning("malformed Slack payload refused (%s)", type(exc).__name__)
            return web.json_response({"error": "malformed payload"}, status=400)
        return await to_aiohttp_response(bolt_resp)

    async def handle_install(self, request: web.Request) -> web.Response:
        """GET /slack/install: the "Add to Slack" page (multi-workspace mode)."""
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        bolt_req = AsyncBoltRequest(body="", query=request.query_string,
                                    headers=dict(request.headers))
        return await to_aiohttp_response(await flow.handle_installation(bolt_req))

    async def handle_redirect(self, request: web.Request) -> web.Response:
        """GET /slack/oauth_redirect: finish the install (state checked, tokens stored)."""
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        bolt_req = AsyncBoltRequest(body="", query=request.query_string,
                                    headers=dict(request.headers))
        return await to_aiohttp_response(await flow.handle_callback(bolt_req))

    def add_routes(self, web_app: web.Application) -> None:
        web_app.router.add_post(EVENTS_PATH, self.handle_events)
        if self.config.oauth:
            web_app.router.add_get(INSTALL_PATH, self.handle_install)
            web_app.router.add_get(REDIRECT_PATH, self.handle_redirect)

    # ---- Socket Mode (local development) ---------------------------------------------------

    async def start_socket_mode(self) -> None:
        """Receive events over a WebSocket instead of HTTP (SLACK_APP_TOKEN, xapp-...)."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        # apps.connections.open goes through the app's client (same SLACK_API_URL)
        self.socket_mode = AsyncSocketModeHandler(self.bolt, self.config.app_token)
        await self.socket_mode.connect_async()

    async def close(self) -> None:
        if self.socket_mode is not None:
            await self.socket_mode.close_async()
        await self.drain()
