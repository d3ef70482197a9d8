"""Proactive delivery to Slack for the outbox worker: the core's `Sender` for platform "slack".

Rate limits, as Slack documents them (https://docs.slack.dev/apis/web-api/rate-limits), count
per method, per app, per workspace:

- `chat.postMessage` has a "special" limit: about one message per second per channel, short
  bursts allowed, plus a workspace-wide limit Slack does not put a number on
  (https://docs.slack.dev/reference/methods/chat.postMessage, "Rate limiting"). Outward paces
  each DM channel itself (`POST_PER_CHANNEL`) and learns the workspace's limit from Slack's 429.
- `conversations.open` is Tier 3 (50+ per minute), `users.list` Tier 2 (20+), `users.info`,
  `files.getUploadURLExternal` and `files.completeUploadExternal` Tier 4 (100+). The "+" is
  Slack's: more is allowed, with bursts, and the ceiling is told by a 429 and its Retry-After.
  A person's DM channel is opened once and then stored with their identity (the worker saves
  the route `send` returns), so a survey round costs one `chat.postMessage` per person.

A 429 pauses that method in that workspace only (`pauses`), for as long as Retry-After says: a
short pause is waited out in place, a longer one turns into a retryable `DeliveryError` at once
(the worker puts the message back in the outbox until then, without using up an attempt), and
other workspaces go on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.limits import Limiter, TooLong, Window
from adapters.slack import convert
from adapters.slack.errors import api_method, delivery_error, retry_handlers
from adapters.slack.oauth import SlackWorkspaces
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import Clock, DeliveryError

log = logging.getLogger(__name__)

# chat.postMessage per channel: one a second, with a burst of three (Slack: "1 per second, short
# bursts >1 allowed"). A survey invitation is one message, a summary two or three.
POST_PER_CHANNEL = (Window(3, 3.0),)
WAIT_IN_PLACE = 5.0  # seconds a send may wait for its slot before the row goes back instead


class SlackSender:
    """Posts messages to a person's DM with Outward (opened with conversations.open unless the
    stored route names it), with their charts as PNG files, within Slack's rate limits."""

    platform = convert.PLATFORM

    def __init__(self, workspaces: SlackWorkspaces, clock: Clock) -> None:
        self.workspaces = workspaces
        self.clock = clock
        self.dm_channels: dict[tuple[str, str], str] = {}

        def now() -> float:
            return clock.now().timestamp()

        self.pauses = Limiter(now=now)  # (workspace, method): Retry-After
        self.channels = Limiter(POST_PER_CHANNEL, now=now)  # (workspace, channel)

    async def send(self, address: Address, messages: Sequence[Message]) -> Address | None:
        """Deliver proactively to the person's DM, or raise DeliveryError. Returns the address
        with the DM channel when it had to be opened (or re-opened), for the worker to store."""
        ws = address.workspace
        channel, opened = address.conversation, False
        try:
            client = await self.workspaces.client_for(ws)
            if not channel:
                channel, opened = await self.open_dm(client, address, pace=True), True
            for i, m in enumerate([p for message in messages for p in convert.parts(message)]):
                body = convert.render(m)
                try:
                    await self.post(client, channel, body, workspace=ws)
                except SlackApiError as exc:
                    # a stored DM id can go stale: open the DM again once
                    if i == 0 and not opened and \
                            delivery_error(exc).reason == "channel_not_found":
                        self.dm_channels.pop((ws, address.user), None)
                        channel = await self.open_dm(client, replace(address, conversation=""),
                                                     pace=True)
                        opened = True
                        await self.post(client, channel, body, workspace=ws)
                    else:
                        raise
            await self.post_charts(client, address, messages, channel)
        except Exception as exc:
            err = self._error(ws, exc)
            if opened and channel:
                err.route = replace(address, conversation=channel, direct=True)
            raise err from exc
        return replace(address, conversation=channel, direct=True) if opened else None

    def _error(self, workspace: str, exc: BaseException) -> DeliveryError:
        """The failure as a DeliveryError; a 429 pauses its method in this workspace."""
        if isinstance(exc, TooLong):
            return DeliveryError("ratelimited", retry=True, retry_after=exc.seconds)
        err = delivery_error(exc)
        if err.reason == "ratelimited" and err.retry_after and isinstance(exc, SlackApiError):
            self.pauses.pause((workspace, api_method(exc)), err.retry_after)
        return err

    async def post(self, client: AsyncWebClient, channel: str, body: dict[str, Any],
                   workspace: str | None = None) -> None:
        """chat.postMessage of a rendered message, with Slack's own text processing off (no
        @channel pings or link unfurls from what people wrote). With `workspace` (proactive
        sends), paced per channel and held while the workspace is rate limited."""
        if workspace is not None:
            await self.pauses.acquire((workspace, "chat.postMessage"), WAIT_IN_PLACE)
            await self.channels.acquire((workspace, channel), WAIT_IN_PLACE)
        # what chat_postMessage sends for a body of plain dicts, without its per-call checks
        # for Block Kit objects and a missing `text` (render() gives dicts and always a text)
        await client.api_call("chat.postMessage", json={
            "channel": channel, "parse": "none", "link_names": False, "unfurl_links": False,
            "unfurl_media": False, **body})

    async def open_dm(self, client: AsyncWebClient, address: Address, pace: bool = False) -> str:
        """The id of the person's DM with Outward (conversations.open, then remembered in this
        process; the worker also stores it with the person's identity)."""
        key = (address.workspace, address.user)
        if key not in self.dm_channels:
            if pace:
                await self.pauses.acquire((address.workspace, "conversations.open"),
                                          WAIT_IN_PLACE)
            resp = await client.conversations_open(users=address.user)
            channel = resp.get("channel") or {}
            self.dm_channels[key] = str(channel.get("id", ""))
        return self.dm_channels[key]

    async def post_charts(self, client: AsyncWebClient, address: Address,
                          messages: Sequence[Message], channel: str = "") -> None:
        """Each message's chart as a PNG in the person's DM with Outward (files.write), never in
        a channel: summaries are private. The text already carries the same numbers, so a
        failure is logged (reason only, never the text) and the reply stands."""
        for m in messages:
            if not m.chart:
                continue
            # drawing the PNG (Pillow) takes tens of milliseconds: off the event loop
            upload = await asyncio.to_thread(convert.chart_upload, m)
            if upload is None:
                continue
            try:
                channel = channel or address.conversation or await self.open_dm(client, address)
                if not channel.startswith("D"):
                    log.warning("chart not uploaded: no DM channel for the person")
                    return
                await client.files_upload_v2(channel=channel, **upload)
            except Exception as exc:
                log.warning("chart upload to Slack failed: %s", delivery_error(exc).reason)
                return

    async def respond(self, url: str, **payload: Any) -> None:
        """POST to an interaction's response_url (ephemeral replies, replacing the original)."""
        await AsyncWebhookClient(url, retry_handlers=retry_handlers(),
                                 session=self.workspaces.http()).send(**payload)
