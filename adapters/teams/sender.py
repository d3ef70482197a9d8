"""Posting to Teams through the Bot Connector: replies during a turn and proactive delivery for
the outbox worker (the core's `Sender` for platform "teams"), with one bounded retry policy.
https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages

Rate limits, as Teams documents them
(https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit): per bot per thread
(a 1:1 chat is a thread) sending to a conversation is limited to 7 operations per second, 8 per
2 s, 60 per 30 s and 1800 per hour (`PER_CONVERSATION`); all requests of an app in a tenant to
50 per second (`PER_TENANT`). Proactive sends are paced to both; a 429 pauses the tenant for its
Retry-After (other tenants go on), waited out in place when short, else handed to the worker,
which puts the message back in the outbox until then.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
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

from adapters.limits import Limiter, TooLong, Window
from adapters.teams import convert
from adapters.teams.errors import CONNECTOR_ERRORS, delivery_error, describe, failure, retryable
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import DeliveryError

log = logging.getLogger(__name__)

T = TypeVar("T")

PROGRESS_TTL = 2 * 3600.0  # the worker re-queues within an hour (bot/worker.py)
PROGRESS_CAP = 10_000
PER_CONVERSATION = (Window(7, 1.0), Window(8, 2.0), Window(60, 30.0), Window(1800, 3600.0))
PER_TENANT = (Window(50, 1.0),)
WAIT_IN_PLACE = 5.0  # seconds a proactive send may wait for its slot before it goes back


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retry of one Bot Connector call; past it the outbox row is re-queued instead."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 8.0  # a longer Retry-After is handed to the worker, not slept here


@dataclass(frozen=True)
class ReplyTarget:
    """Where messages go: a conversation, the bot and the person, and the card language."""

    conversation_id: str
    tenant: str
    bot: ChannelAccount
    user: ChannelAccount
    lang: str

    @classmethod
    def from_activity(cls, body: Mapping[str, Any], conversation_id: str = "") -> ReplyTarget:
        """The conversation of an inbound activity (or `conversation_id`, e.g. the sender's
        1:1 chat)."""
        bot = convert._obj(body.get("recipient"))
        who = convert.sender(body)
        _, locale = convert.client_info(body)
        return cls(
            conversation_id=conversation_id
            or convert._str(convert._obj(body.get("conversation")).get("id")),
            tenant=convert.tenant_id(body),
            bot=ChannelAccount(id=convert._str(bot.get("id")), name=convert._str(bot.get("name"))),
            user=ChannelAccount(id=convert._str(who.get("id")), name=convert._str(who.get("name"))),
            lang=convert.language(locale),
        )


def connector(ctx: TurnContext) -> ConnectorClient:
    """The turn's Bot Connector client (CloudAdapter puts it in the turn state)."""
    client = ctx.turn_state.get(ctx.adapter.BOT_CONNECTOR_CLIENT_KEY)
    if client is None:
        raise RuntimeError("no Bot Connector client on the turn")
    return client  # type: ignore[no-any-return]


class TeamsSender:
    """Posts Adaptive Cards to Teams conversations, proactively or during a turn.

    Proactive: `send()` continues a stored conversation reference (creating the person's 1:1
    chat when the reference names none). Each connector call is retried on 429/412/502/503/504
    and network errors, honouring Retry-After; past the policy a `DeliveryError` tells the worker
    to re-queue the row, or to give up when the person cannot be reached any more."""

    platform = convert.PLATFORM

    def __init__(
        self,
        cloud: CloudAdapter,
        bot_app_id: str = "",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.cloud = cloud
        self.bot_app_id = bot_app_id
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._progress: dict[str, tuple[int, float]] = {}
        self.tenants = Limiter(PER_TENANT, sleep=sleep)
        self.conversations = Limiter(PER_CONVERSATION, sleep=sleep)

    async def send(self, address: Address, messages: Sequence[Message]) -> Address | None:
        """Proactively deliver `messages` to a person through their stored reference.

        Returns the address with the new 1:1 conversation in its reference when it had to be
        created (the worker stores it, so the next send skips the creation). Raises
        DeliveryError: retry=True after the bounded retries or when the tenant or conversation
        is rate limited for longer than a short wait (the worker re-queues the row, honouring
        Retry-After), retry=False when the person cannot be reached any more."""
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
        created: list[str] = []

        async def logic(ctx: TurnContext) -> None:
            client = connector(ctx)
            conversation_id = convert._str(conv.get("id"))
            if not conversation_id:
                await self.tenants.acquire(tenant, WAIT_IN_PLACE)
                conversation_id = await self.create_personal(client, ref)
                created.append(conversation_id)
            target = ReplyTarget(conversation_id, tenant, reference.bot, reference.user, lang)
            await self.post(client, target, messages, batch=_batch_id(address, target, messages),
                            pace=True)

        try:
            await self.cloud.continue_conversation(reference, logic,
                                                   bot_app_id=self.bot_app_id or None)
        except Exception as exc:
            if isinstance(exc, TooLong):
                err = DeliveryError("Teams rate limit", retry=True, retry_after=exc.seconds)
            elif isinstance(exc, DeliveryError):
                err = exc
            else:
                if not isinstance(exc, CONNECTOR_ERRORS):
                    log.exception("Teams proactive send raised unexpectedly")
                err = delivery_error(exc)
            if created:
                err.route = _with_conversation(address, ref, created[0])
            if err is exc:
                raise
            raise err from exc
        return _with_conversation(address, ref, created[0]) if created else None

    async def create_personal(self, client: ConnectorClient, ref: Mapping[str, Any]) -> str:
        """Create (or get: Teams returns the existing one) the 1:1 chat with a team member."""
        tenant = convert._str(ref.get("tenantId"))
        params = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=convert._str(convert._obj(ref.get("bot")).get("id"))),
            members=[ChannelAccount(id=convert._str(convert._obj(ref.get("user")).get("id")))],
            tenant_id=tenant or None,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        result = await self.call(lambda: client.conversations.create_conversation(params))
        if not result or not result.id:
            raise DeliveryError("Teams did not return a conversation id", retry=True)
        return str(result.id)

    async def post(self, client: ConnectorClient, target: ReplyTarget,
                   messages: Sequence[Message], submitted: tuple[str, str] = ("", ""),
                   batch: str = "", pace: bool = False) -> None:
        """Post messages in order. A message replacing the card just submitted updates that
        activity (so the card cannot be answered twice); anything else is a new message.

        `submitted` is (card key, activity id) of a card submit. `batch` names a proactive send:
        if message 1 of 2 went out and message 2 failed, the re-queued outbox row must not post
        message 1 again, so progress is remembered per batch until it completes (in-process and
        time-bounded; the outbox row itself is only marked sent once everything was posted).
        `pace`: a proactive send, kept within the tenant's and the conversation's limits."""
        submitted_key, submitted_activity = submitted
        start = self._progress_of(batch)
        messages = [part for m in messages for part in convert.parts(m, target.lang)]
        for index, msg in enumerate(messages):
            if index < start:
                continue
            # a chart is drawn as a PNG (Pillow, tens of milliseconds): off the event loop
            activity = (await asyncio.to_thread(_message_activity, msg, target) if msg.chart
                        else _message_activity(msg, target))
            if msg.replaces and submitted_key and msg.replaces == submitted_key and \
                    submitted_activity:
                activity.id = submitted_activity
                await self.call(partial(client.conversations.update_activity,
                                        target.conversation_id, submitted_activity, activity))
            else:
                if pace:
                    await self.tenants.acquire(target.tenant, WAIT_IN_PLACE)
                    await self.conversations.acquire(target.conversation_id, WAIT_IN_PLACE)
                await self.call(partial(client.conversations.send_to_conversation,
                                        target.conversation_id, activity), tenant=target.tenant)
            if batch:
                self._progress[batch] = (index + 1, time.monotonic())
        self._progress.pop(batch, None)

    def _progress_of(self, batch: str) -> int:
        if not batch:
            return 0
        now = time.monotonic()
        while self._progress:  # forget stale entries (oldest first)
            oldest = next(iter(self._progress))
            if now - self._progress[oldest][1] < PROGRESS_TTL and \
                    len(self._progress) <= PROGRESS_CAP:
                break
            self._progress.pop(oldest)
        done = self._progress.get(batch)
        return done[0] if done else 0

    async def call(self, op: Callable[[], Awaitable[T]], tenant: str | None = None) -> T:
        """One Bot Connector call with bounded retries on 429/412/502/503/504 and network errors,
        honouring Retry-After; the SDK itself does not retry:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit#handle-rate-limits
        A 429 with Retry-After pauses `tenant` (when given) for every send of this process."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await op()
            except Exception as exc:
                if not retryable(exc):
                    raise
                status, hint = failure(exc)
                if status == 429 and hint is not None and tenant is not None:
                    self.tenants.pause(tenant, hint)
                delay = hint if hint is not None else (
                    self.retry.base_delay * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
                )
                if attempt >= self.retry.attempts or delay > self.retry.max_delay:
                    raise
                log.info("Teams connector call failed (%s); retry %d in %.1fs",
                         describe(exc), attempt, delay)
                await self.sleep(delay)


def _with_conversation(address: Address, ref: Mapping[str, Any], conversation_id: str) -> Address:
    """The address with the 1:1 conversation just created, in its reference too."""
    tenant = convert._str(ref.get("tenantId"))
    new = {**ref, "conversation": {"id": conversation_id, "conversationType": "personal",
                                   "tenantId": tenant}}
    return replace(address, conversation=conversation_id, reference=convert.dumps(new),
                   direct=True)


def _message_activity(msg: Message, target: ReplyTarget) -> Activity:
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


def _batch_id(address: Address, target: ReplyTarget, messages: Sequence[Message]) -> str:
    """Names a proactive batch for `TeamsSender.post`'s progress, so the worker's retry of the
    same outbox row resumes where it stopped: a hash of the person, the card language and the
    neutral messages the cards are made from (chart data included). The same row gives the same
    id on every retry; no card (nor chart PNG) is drawn on the event loop to name it."""
    content = [dataclasses.asdict(m) for m in messages]
    blob = json.dumps([address.workspace, address.user, target.lang, content], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()
