"""The Microsoft Teams adapter: Bot Framework activities in, neutral events to the core, Adaptive
Cards out, proactive delivery for the outbox.

Every botbuilder import of the project lives in this folder (the Python Bot Framework SDK is
archived upstream; its successor is the Microsoft 365 Agents SDK), so a move touches only
`adapters/teams/`. The HTTP handler is written around `CloudAdapter.process_activity` rather than
the stock `CloudAdapter.process`, which answers 500 for a missing Content-Type and for invokes that
return a body.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from msrest.exceptions import ClientRequestError, DeserializationError, HttpOperationError

from adapters.teams import convert
from conversations.events import (
    Address,
    Event,
    HomeOpened,
    MemberJoined,
    MemberLeft,
)
from conversations.messages import Message
from conversations.ports import DeliveryError

log = logging.getLogger(__name__)

OnEvent = Callable[[Event], Awaitable[list[Message]]]
T = TypeVar("T")

# Bot Connector answers worth retrying: throttling (429), a conflicting concurrent update (412),
# and gateway failures. https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
RETRY_STATUSES = frozenset({412, 429, 502, 503, 504})
GONE_STATUSES = frozenset({403, 404})  # bot removed/blocked, conversation deleted
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class TeamsConfig:
    """Credentials and behaviour of the Teams adapter (built from settings by the wiring).

    With an app id, every request must carry a Bot Framework JWT; `dev_no_auth` (and no app id)
    accepts unauthenticated requests, which only the Bot Framework Emulator and tests need."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant_id: str = ""
    dev_no_auth: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retry of one Bot Connector call; past it the outbox row is re-queued instead."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 8.0  # a longer Retry-After is handed to the worker, not slept here


class _Config:
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
    and ignore Retry-After on 429), so that retries happen once, here, with our own policy."""

    def __init__(self, inner: ConnectorFactory, timeout: int) -> None:
        self._inner = inner
        self._timeout = timeout

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        client = await self._inner.create(service_url, audience)
        client.config.retry_policy.retries = 0
        client.config.connection.timeout = self._timeout
        return client


class _Authentication(BotFrameworkAuthentication):
    """Delegates to the SDK's configuration-based authentication, wrapping connector factories."""

    def __init__(self, inner: BotFrameworkAuthentication, timeout: int = 20) -> None:
        self._inner = inner
        self._timeout = timeout

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _NoRetryConnectorFactory(result.connector_factory,
                                                                self._timeout)
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _NoRetryConnectorFactory(self._inner.create_connector_factory(claims_identity),
                                        self._timeout)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._inner.create_user_token_client(claims_identity)

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


def _failure(exc: BaseException) -> tuple[int | None, float | None]:
    """(HTTP status or None for a network failure, Retry-After seconds) of a connector error."""
    if isinstance(exc, HttpOperationError):
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        headers: Mapping[str, str] = getattr(response, "headers", None) or {}
        return (int(status) if status is not None else None), _retry_after(
            headers.get("Retry-After")
        )
    return None, None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, HttpOperationError):
        status, _ = _failure(exc)
        return status in RETRY_STATUSES
    return isinstance(exc, (ClientRequestError, asyncio.TimeoutError, ConnectionError))


class _Turn:
    """What one inbound request decided: the invoke response to return."""

    def __init__(self) -> None:
        self.invoke_status = 200
        self.invoke_body: Any = None


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
        self.on_event = on_event
        self.config = config
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.auth = _Authentication(ConfigurationBotFrameworkAuthentication(_Config(config)))
        self.cloud = CloudAdapter(self.auth)
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._known_cap = known_cache
        self._progress: dict[str, tuple[int, float]] = {}

    @property
    def auth_enabled(self) -> bool:
        return bool(self.config.app_id)

    # ---- HTTP ---------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """`POST /api/messages`: 401 unauthenticated, 415/400 for what is not a JSON activity,
        200 (with the invoke response body for invokes) once handled."""
        header = request.headers.get("Authorization", "")
        if self.auth_enabled and not _looks_like_bearer(header):
            # Refused before the SDK: no token means no metadata fetch, no outbound call.
            return _error(401, "missing or malformed Authorization bearer token")
        if request.content_type != "application/json":
            return _error(415, "Content-Type must be application/json")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _error(413, "activity too large")
        try:
            raw = await request.read()
            if len(raw) > MAX_BODY:
                return _error(413, "activity too large")
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _error(400, "body is not JSON")
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "activity too large")
        problem = _activity_problem(body)
        if problem:
            return _error(400, problem)
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises several types for a wrong-typed field
            return _error(400, "body is not a Bot Framework activity")
        try:
            auth = await self.auth.authenticate_request(activity, header)
        except Exception as exc:  # PermissionError, jwt errors, metadata failures
            log.warning("Teams request refused: %s", type(exc).__name__)
            return _error(401, "unauthorized")
        turn = _Turn()

        async def logic(ctx: TurnContext) -> None:
            await self._on_turn(ctx, body, turn)

        try:
            await self.cloud.process_activity(auth, activity, logic)
        except (HttpOperationError, ClientRequestError, DeserializationError,
                DeliveryError) as exc:
            # The core handled the event; only the reply could not be posted (a DeserializationError
            # is an error page msrest cannot read, e.g. a text/plain 404 from the serviceUrl). A
            # 5xx would make the channel re-deliver the activity (a second submit), so
            # acknowledge and log; the reply is dropped.
            log.warning("Teams reply not delivered: %s", _describe(exc))
            return web.Response(status=202)
        if body.get("type") == ActivityTypes.invoke:
            if turn.invoke_body is None:
                return web.Response(status=turn.invoke_status)
            return web.json_response(turn.invoke_body, status=turn.invoke_status)
        return web.Response(status=200)

    # ---- inbound turn -------------------------------------------------------------------------

    async def _on_turn(self, ctx: TurnContext, body: Mapping[str, Any], turn: _Turn) -> None:
        kind = body.get("type")
        if kind == ActivityTypes.message or kind == ActivityTypes.invoke:
            if kind == ActivityTypes.invoke and body.get("name") != "adaptiveCard/action":
                # Not declared in the manifest (messaging extensions, tabs, task modules, ...).
                turn.invoke_status = 400
                turn.invoke_body = {"error": f"unsupported invoke {str(body.get('name'))[:60]}"}
                return
            await self._on_message(ctx, body, turn)
        elif kind == ActivityTypes.conversation_update:
            await self._on_conversation_update(ctx, body)
        elif kind == ActivityTypes.installation_update:
            await self._on_installation_update(ctx, body)
        # typing, messageReaction, messageUpdate/Delete, event, endOfConversation: nothing to do

    async def _on_message(self, ctx: TurnContext, body: Mapping[str, Any], turn: _Turn) -> None:
        got = convert.inbound(body)
        if body.get("type") == ActivityTypes.invoke:
            # Universal Actions answer: https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
            turn.invoke_body = {"statusCode": 200, "type": "application/vnd.microsoft.activity"
                                ".message", "value": ""}
        if got is None:
            return
        # First contact from a channel stores a reference without a conversation: a proactive
        # survey then opens the person's 1:1 chat; the channel itself never becomes the route.
        await self._first_contact(ctx, body, convert.sender(body),
                                  route="personal" if got.personal else "create")
        messages = await self.on_event(got.event)
        reply_to = convert._str(body.get("replyToId"))
        # `direct` messages from a channel go to the person's 1:1 chat, never to the channel
        there = [m for m in messages if m.direct and not got.personal]
        here = [m for m in messages if not (m.direct and not got.personal)]
        await self._post(_connector(ctx), _ReplyTarget.from_activity(body), here,
                         submitted=(got.submitted_key, reply_to))
        if there:
            await self._post_personal(_connector(ctx), body, there)

    async def _post_personal(self, connector: ConnectorClient, body: Mapping[str, Any],
                             messages: Sequence[Message]) -> None:
        """Post to the sender's 1:1 chat with the bot, created (or found: Teams returns the
        existing one) from the activity, as for a proactive send to a team member."""
        ref = convert.reference(body, convert.sender(body), personal=False)
        conversation_id = await self._create_personal(connector, ref)
        target = _ReplyTarget.from_activity(body)
        await self._post(connector, _ReplyTarget(conversation_id, target.tenant, target.bot,
                                                 target.user, target.lang, thread=False),
                         messages)

    async def _first_contact(self, ctx: TurnContext, body: Mapping[str, Any],
                             who: Mapping[str, Any], route: str) -> None:
        """Link the sender to the roster once per process (email from TeamsInfo), and keep their
        time zone and locale current."""
        key = (convert.tenant_id(body), convert.account_user_id(who))
        seen = self._known.get(key)
        if seen is not None and time.monotonic() - seen < self.KNOWN_TTL:
            return
        await self._join(ctx, body, who, route, with_client_info=True)
        self._mark_known(key)

    # Re-link at most hourly per person and process: picks up roster additions (someone who wrote
    # before being on the roster) and time-zone changes without a lookup on every message.
    KNOWN_TTL = 3600.0

    def _mark_known(self, key: tuple[str, str]) -> None:
        self._known[key] = time.monotonic()
        self._known.move_to_end(key)
        while len(self._known) > self._known_cap:
            self._known.popitem(last=False)

    async def _join(self, ctx: TurnContext, body: Mapping[str, Any], who: Mapping[str, Any],
                    route: str, with_client_info: bool) -> list[Message]:
        name, email, aad = await self._member_details(ctx, who)
        user = dict(who)
        if aad and not user.get("aadObjectId"):
            user["aadObjectId"] = aad
        tz, locale = convert.client_info(body) if with_client_info else ("", "")
        event = MemberJoined(convert.address(body, user, route=route), name, email, tz, locale)
        return await self.on_event(event)

    async def _member_details(self, ctx: TurnContext,
                              who: Mapping[str, Any]) -> tuple[str, str, str]:
        """(name, email, AAD object id) of a member from the roster API (TeamsInfo):
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#fetch-user-profile-or-user-details
        """
        member_id = convert._str(who.get("id"))
        name = convert._str(who.get("name"))
        email = ""
        aad = ""
        if member_id:
            try:
                member = await self._call(lambda: TeamsInfo.get_member(ctx, member_id))
            except Exception as exc:
                log.warning("Teams member lookup failed (%s); without an email the person "
                            "cannot be matched to the roster yet", _describe(exc))
            else:
                name = member.name or name
                aad = member.aad_object_id or ""
                email = member.email or ""
                upn = member.user_principal_name or ""
                if not email and "@" in upn:
                    email = upn
        if not email and self.config.dev_no_auth and ctx.activity.channel_id == "emulator":
            # The Bot Framework Emulator has no directory: there, a user id or name that is an
            # email address (Emulator settings) stands in for it. Never outside dev mode.
            for candidate in (member_id, name):
                if "@" in candidate and " " not in candidate:
                    email = candidate
                    break
        return name, email, aad

    async def _on_conversation_update(self, ctx: TurnContext, body: Mapping[str, Any]) -> None:
        """Members added/removed: link new members (the bot itself added to a team: everyone in
        it), unlink those who left:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events
        """
        bot_id = convert._str(convert._obj(body.get("recipient")).get("id"))
        personal = convert.is_personal(body)
        for member in body.get("membersAdded") or []:
            m = convert._obj(member)
            if convert._str(m.get("id")) == bot_id:
                if personal:
                    who = convert.sender(body)
                    await self._join(ctx, body, who, "personal", True)
                    self._mark_known((convert.tenant_id(body), convert.account_user_id(who)))
                else:
                    await self._join_team(ctx, body)
            elif personal:
                await self._join(ctx, body, m, "personal", False)
            else:
                await self._join(ctx, body, m, "create", False)
        for member in body.get("membersRemoved") or []:
            m = convert._obj(member)
            if convert._str(m.get("id")) == bot_id:
                continue  # the bot left a team: personal installs still reach people
            await self.on_event(MemberLeft(convert.address(body, m)))
            self._known.pop((convert.tenant_id(body), convert.account_user_id(m)), None)

    async def _join_team(self, ctx: TurnContext, body: Mapping[str, Any]) -> None:
        """The app was added to a team: every member becomes reachable (a 1:1 chat is created on
        the first proactive send)."""
        token: str | None = None
        pages = 0
        while pages < 200:
            pages += 1
            try:
                page = await self._call(
                    lambda: TeamsInfo.get_paged_members(ctx, token, 500)  # noqa: B023
                )
            except Exception as exc:
                log.warning("Teams team roster fetch failed (%s)", type(exc).__name__)
                return
            for member in page.members or []:
                user = {"id": member.id or "", "aadObjectId": member.aad_object_id or ""}
                email = member.email or ""
                if not email and member.user_principal_name and "@" in (
                    member.user_principal_name
                ):
                    email = member.user_principal_name
                await self.on_event(MemberJoined(
                    convert.address(body, user, route="create"), member.name or "", email,
                ))
            token = page.continuation_token
            if not token:
                return

    async def _on_installation_update(self, ctx: TurnContext, body: Mapping[str, Any]) -> None:
        """App installed/uninstalled. In a 1:1 chat: link the person and greet them with their
        home (what is open, the privacy promise); team installs arrive as conversationUpdate too:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#installation-update-event
        """
        action = convert._str(body.get("action"))
        if not convert.is_personal(body):
            return
        who = convert.sender(body)
        if action in ("add", "add-upgrade"):
            await self._join(ctx, body, who, "personal", True)
            self._mark_known((convert.tenant_id(body), convert.account_user_id(who)))
            if action == "add":  # not on every app upgrade
                home = await self.on_event(HomeOpened(convert.address(body, route="personal")))
                await self._post(_connector(ctx), _ReplyTarget.from_activity(body), home)
        elif action == "remove":  # "remove-upgrade" is part of an update, not an uninstall
            await self.on_event(MemberLeft(convert.address(body)))
            self._known.pop((convert.tenant_id(body), convert.account_user_id(who)), None)

    # ---- outbound ----------------------------------------------------------------------------

    async def send(self, address: Address, messages: Sequence[Message]) -> None:
        """Proactively deliver `messages` to a person through their stored reference.

        Raises DeliveryError: retry=True after the bounded retries (the worker re-queues the
        row, honouring Retry-After), retry=False when the person cannot be reached any more."""
        ref = convert.loads_reference(address.reference)
        if ref is None:
            raise DeliveryError("no Teams conversation reference for this person (they have not "
                                "installed the app)", retry=False)
        bot = convert._obj(ref.get("bot"))
        user = convert._obj(ref.get("user"))
        conv = convert._obj(ref.get("conversation"))
        tenant = convert._str(ref.get("tenantId"))
        reference = ConversationReference(
            channel_id=convert._str(ref.get("channelId")) or convert.CHANNEL_ID,
            service_url=convert._str(ref.get("serviceUrl")),
            bot=ChannelAccount(id=convert._str(bot.get("id")), name=convert._str(bot.get("name"))),
            user=ChannelAccount(id=convert._str(user.get("id")),
                                aad_object_id=convert._str(user.get("aadObjectId")) or None),
            conversation=ConversationAccount(
                id=convert._str(conv.get("id")) or None, conversation_type="personal",
                tenant_id=tenant or None,
            ),
            locale=convert._str(ref.get("locale")) or None,
        )
        lang = convert.language(convert._str(ref.get("locale")))

        async def logic(ctx: TurnContext) -> None:
            connector = _connector(ctx)
            conversation_id = convert._str(conv.get("id"))
            if not conversation_id:
                conversation_id = await self._create_personal(connector, ref)
            target = _ReplyTarget(conversation_id, tenant, reference.bot, reference.user, lang,
                                  thread=False)
            await self._post(connector, target, messages,
                             batch=_batch_id(address, target, messages))

        try:
            await self.cloud.continue_conversation(reference, logic,
                                                   bot_app_id=self.config.app_id or None)
        except DeliveryError:
            raise
        except Exception as exc:
            if not isinstance(exc, (HttpOperationError, ClientRequestError,
                                    DeserializationError)):
                log.exception("Teams proactive send raised unexpectedly")
            raise _delivery_error(exc) from exc

    async def _create_personal(self, connector: ConnectorClient, ref: Mapping[str, Any]) -> str:
        """Create (or get: Teams returns the existing one) the 1:1 chat with a team member."""
        tenant = convert._str(ref.get("tenantId"))
        params = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=convert._str(convert._obj(ref.get("bot")).get("id"))),
            members=[ChannelAccount(id=convert._str(convert._obj(ref.get("user")).get("id")))],
            tenant_id=tenant or None,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        result = await self._call(lambda: connector.conversations.create_conversation(params))
        if not result or not result.id:
            raise DeliveryError("Teams did not return a conversation id", retry=True)
        return str(result.id)

    async def _post(self, connector: ConnectorClient, target: _ReplyTarget,
                    messages: Sequence[Message], submitted: tuple[str, str] = ("", ""),
                    batch: str = "") -> None:
        """Post messages in order. A message replacing the card just submitted updates that
        activity (so the card cannot be answered twice); anything else is a new message.

        `batch` names a proactive send: if message 1 of 2 went out and message 2 failed, the
        re-queued outbox row must not post message 1 again, so progress is remembered per batch
        until it completes (in-process and time-bounded; the outbox row itself is only marked
        sent once everything was posted)."""
        submitted_key, submitted_activity = submitted
        start = self._progress_of(batch)
        for index, msg in enumerate(messages):
            if index < start:
                continue
            activity = _message_activity(msg, target)
            if msg.replaces and submitted_key and msg.replaces == submitted_key and \
                    submitted_activity:
                activity.id = submitted_activity
                await self._call(partial(connector.conversations.update_activity,
                                         target.conversation_id, submitted_activity, activity))
            else:
                await self._call(partial(connector.conversations.send_to_conversation,
                                         target.conversation_id, activity))
            if batch:
                self._progress[batch] = (index + 1, time.monotonic())
        self._progress.pop(batch, None)

    _PROGRESS_TTL = 2 * 3600.0  # the worker re-queues within an hour (bot/worker.py)
    _PROGRESS_CAP = 10_000

    def _progress_of(self, batch: str) -> int:
        if not batch:
            return 0
        now = time.monotonic()
        while self._progress:  # forget stale entries (oldest first)
            oldest = next(iter(self._progress))
            if now - self._progress[oldest][1] < self._PROGRESS_TTL and \
                    len(self._progress) <= self._PROGRESS_CAP:
                break
            self._progress.pop(oldest)
        done = self._progress.get(batch)
        return done[0] if done else 0

    async def _call(self, op: Callable[[], Awaitable[T]]) -> T:
        """One Bot Connector call with bounded retries on 429/412/502/503/504 and network errors,
        honouring Retry-After; the SDK itself does not retry:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit#handle-rate-limits
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return await op()
            except Exception as exc:
                if not _retryable(exc):
                    raise
                _, hint = _failure(exc)
                delay = hint if hint is not None else (
                    self.retry.base_delay * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
                )
                if attempt >= self.retry.attempts or delay > self.retry.max_delay:
                    raise
                log.info("Teams connector call failed (%s); retry %d in %.1fs",
                         _describe(exc), attempt, delay)
                await self.sleep(delay)


@dataclass(frozen=True)
class _ReplyTarget:
    conversation_id: str
    tenant: str
    bot: ChannelAccount
    user: ChannelAccount
    lang: str
    thread: bool

    @classmethod
    def from_activity(cls, body: Mapping[str, Any]) -> _ReplyTarget:
        bot = convert._obj(body.get("recipient"))
        who = convert.sender(body)
        _, locale = convert.client_info(body)
        return cls(
            conversation_id=convert._str(convert._obj(body.get("conversation")).get("id")),
            tenant=convert.tenant_id(body),
            bot=ChannelAccount(id=convert._str(bot.get("id")), name=convert._str(bot.get("name"))),
            user=ChannelAccount(id=convert._str(who.get("id")), name=convert._str(who.get("name"))),
            lang=convert.language(locale),
            thread=not convert.is_personal(body),
        )


def _message_activity(msg: Message, target: _ReplyTarget) -> Activity:
    # botbuilder-schema maps ConversationAccount.tenant_id to the JSON key "tenantID" (Teams
    # writes "tenantId"), so the tenant also goes where Teams reads it: channelData.tenant.id.
    # https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
    card = convert.attachment(msg, target.lang)
    return Activity(
        type=ActivityTypes.message,
        from_property=target.bot,
        recipient=target.user,
        conversation=ConversationAccount(id=target.conversation_id,
                                         tenant_id=target.tenant or None),
        channel_data={"tenant": {"id": target.tenant}} if target.tenant else None,
        summary=convert.summary(msg) or None,
        attachments=[Attachment(content_type=card["contentType"], content=card["content"])],
    )


def _batch_id(address: Address, target: _ReplyTarget, messages: Sequence[Message]) -> str:
    cards = [convert.render_card(m, target.lang) for m in messages]
    blob = json.dumps([address.workspace, address.user, cards], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _connector(ctx: TurnContext) -> ConnectorClient:
    client = ctx.turn_state.get(ctx.adapter.BOT_CONNECTOR_CLIENT_KEY)
    if client is None:
        raise RuntimeError("no Bot Connector client on the turn")
    return client  # type: ignore[no-any-return]


def _describe(exc: BaseException) -> str:
    status, _ = _failure(exc)
    if status is not None:
        return f"HTTP {status}"
    if isinstance(exc, DeserializationError):
        return "an answer that is not JSON"
    return type(exc).__name__


def _delivery_error(exc: BaseException) -> DeliveryError:
    status, hint = _failure(exc)
    if status in GONE_STATUSES:
        return DeliveryError(f"Teams answered {status}: the bot can no longer reach this person",
                             retry=False)
    if _retryable(exc):
        return DeliveryError(f"Teams connector: {_describe(exc)}", retry=True, retry_after=hint)
    if status is not None:
        return DeliveryError(f"Teams answered {status}", retry=status >= 500)
    return DeliveryError(f"Teams delivery failed: {_describe(exc)}", retry=True)


def _looks_like_bearer(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and token.count(".") == 2 and len(token) < 16_384


def _activity_problem(body: object) -> str:
    """Why a JSON body is not an activity we can process ('' when it is)."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "activity has no type"
    service_url = body.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
        return "activity has no http(s) serviceUrl"
    conv = body.get("conversation")
    if not isinstance(conv, dict) or not isinstance(conv.get("id"), str) or not conv["id"]:
        return "activity has no conversation id"
    for name in ("from", "recipient"):
        if body.get(name) is not None and not isinstance(body.get(name), dict):
            return f"activity field {name!r} is not an object"
    if body["type"] in (ActivityTypes.message, ActivityTypes.invoke):
        sender = body.get("from")
        if not isinstance(sender, dict) or not isinstance(sender.get("id"), str) \
                or not sender["id"]:
            return "activity has no sender (from.id)"
    return ""


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
