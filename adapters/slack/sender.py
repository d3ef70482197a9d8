"""Proactive delivery to Slack for the outbox worker: the core's `Sender` for platform "slack"."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import convert
from adapters.slack.errors import delivery_error, retry_handlers
from adapters.slack.oauth import SlackWorkspaces
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import Clock, DeliveryError

log = logging.getLogger(__name__)


class SlackSender:
    """Posts messages to a person's DM with Outward (opened with conversations.open and
    remembered), with their charts as PNG files.

    A workspace that answered 429 is not called again before its `Retry-After` has passed:
    `send` raises a retryable `DeliveryError` at once, so the worker re-queues the row.
    https://docs.slack.dev/apis/web-api/rate-limits"""

    platform = convert.PLATFORM

    def __init__(self, workspaces: SlackWorkspaces, clock: Clock) -> None:
        self.workspaces = workspaces
        self.clock = clock
        self.dm_channels: dict[tuple[str, str], str] = {}
        self.blocked_until: dict[str, datetime] = {}

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
            client = await self.workspaces.client_for(ws)
            channel = address.conversation
            if not channel:
                channel = await self.open_dm(client, address)
            for i, m in enumerate(messages):
                body = convert.render(m)
                try:
                    await self.post(client, channel, body)
                except SlackApiError as exc:
                    # a stored DM id can go stale: open the DM again once
                    if (i == 0 and address.conversation and
                            delivery_error(exc).reason == "channel_not_found"):
                        self.dm_channels.pop((ws, address.user), None)
                        channel = await self.open_dm(client, Address(
                            address.platform, ws, address.user))
                        await self.post(client, channel, body)
                    else:
                        raise
            await self.post_charts(client, address, messages, channel)
        except Exception as exc:
            err = delivery_error(exc)
            if err.reason == "ratelimited" and err.retry_after:
                self.blocked_until[ws] = now + timedelta(seconds=err.retry_after)
            raise err from exc

    @staticmethod
    async def post(client: AsyncWebClient, channel: str, body: dict[str, Any]) -> None:
        """chat.postMessage of a rendered message, with Slack's own text processing off (no
        @channel pings or link unfurls from what people wrote)."""
        await client.chat_postMessage(channel=channel, parse="none", link_names=False,
                                      unfurl_links=False, unfurl_media=False, **body)

    async def open_dm(self, client: AsyncWebClient, address: Address) -> str:
        """The id of the person's DM with Outward (conversations.open, then remembered)."""
        key = (address.workspace, address.user)
        if key not in self.dm_channels:
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
            upload = convert.chart_upload(m)
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

    @staticmethod
    async def respond(url: str, **payload: Any) -> None:
        """POST to an interaction's response_url (ephemeral replies, replacing the original)."""
        await AsyncWebhookClient(url, retry_handlers=retry_handlers()).send(**payload)
