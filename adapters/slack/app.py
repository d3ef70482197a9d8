"""bolt's AsyncApp and Outward's listeners: ack, convert to a neutral event, call the core,
render the reply.

Every listener acks at once and hands the real work to a background task, so Slack gets its
answer well inside 3 seconds (https://docs.slack.dev/interactivity/handling-user-interaction).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import convert
from adapters.slack.config import SlackConfig
from adapters.slack.dedupe import SlackDedupe
from adapters.slack.directory import OnEvent, SlackDirectory
from adapters.slack.errors import delivery_error
from adapters.slack.oauth import SlackWorkspaces
from adapters.slack.sender import SlackSender
from adapters.slack.tasks import SlackTasks
from conversations.events import Address, Event, HomeOpened
from conversations.messages import Message

log = logging.getLogger(__name__)

COMMAND_ACK_BUDGET = 2.0  # seconds to wait for the core before acking a slash command empty


class _ExpectedWarnings(logging.Filter):
    """Drops bolt's start-up warnings that the token it found in the environment is unused
    (Outward hands bolt its own client and `authorize`, on purpose)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not (message.startswith("As you gave `client` as well")
                    or message.startswith("As `installation_store` or `authorize` has been used"))


class SlackListeners:
    """The bolt `AsyncApp` (`self.bolt`) with Outward's listeners registered on it.

    bolt does the routing (actions, view submissions, commands, events); each listener acks,
    turns the payload into a neutral event (`adapters.slack.convert`) and, in a background task,
    calls the core and renders its messages: the pressed message updated in place, the rest in
    the person's DM, the Home tab republished."""

    def __init__(
        self,
        config: SlackConfig,
        on_event: OnEvent,
        workspaces: SlackWorkspaces,
        directory: SlackDirectory,
        sender: SlackSender,
        dedupe: SlackDedupe,
        tasks: SlackTasks,
    ) -> None:
        self.config = config
        self.on_event = on_event
        self.workspaces = workspaces
        self.directory = directory
        self.sender = sender
        self.tasks = tasks
        self.command_ack_budget = COMMAND_ACK_BUDGET
        self.bolt = self._build(dedupe)

    # ---- bolt wiring ----------------------------------------------------------------------

    def _build(self, dedupe: SlackDedupe) -> AsyncApp:
        kwargs: dict[str, Any] = {}
        settings = self.workspaces.oauth_settings(
            on_installed=lambda team: self.tasks.spawn(self.directory.sync_workspace(team)))
        if settings is not None:
            kwargs["oauth_settings"] = settings
            kwargs["installation_store"] = self.workspaces.installation_store
        else:
            # bolt passes `authorize` the arguments its parameters name, so a plain function
            async def authorize(team_id: str | None = None) -> AuthorizeResult:
                return await self.workspaces.authorize()

            kwargs["authorize"] = authorize
        # bolt also reads SLACK_BOT_TOKEN/SLACK_CLIENT_* from os.environ and warns that the
        # token is unused when we pass our own client/authorize: expected, so not logged (a
        # filter: bolt sets its logger's level from the root logger's as it starts)
        bolt_log = logging.getLogger("slack_bolt.AsyncApp")
        if not any(isinstance(f, _ExpectedWarnings) for f in bolt_log.filters):
            bolt_log.addFilter(_ExpectedWarnings())
        app = AsyncApp(
            name="outward",
            signing_secret=self.config.signing_secret,
            client=self.workspaces.client,
            # verified in SlackHttp before bolt sees it (Socket Mode needs no signature)
            request_verification_enabled=False,
            # our listeners only ack and start a task, so the ack is the HTTP response
            process_before_response=True,
            raise_error_for_unhandled_request=True,
            **kwargs,
        )
        app.middleware(dedupe.middleware)
        app.action(re.compile(r"^outward:"))(self._on_action)
        app.view_submission(convert.FORM_CALLBACK)(self._on_view)
        app.command(re.compile(".*"))(self._on_command)
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home)
        app.event("team_join")(self._on_member)
        app.event("user_change")(self._on_member)
        if settings is not None:
            app.enable_token_revocation_listeners()
        # anything else (other apps' buttons, view_closed, shortcuts, events we did not
        # subscribe to) reaches _on_error as BoltUnhandledRequestError and is acked with 200
        app.error(self._on_error)
        return app

    async def _on_error(self, error: Exception) -> BoltResponse:
        """Ack what we do not handle; a failure is logged, never shown to Slack as a 500."""
        if isinstance(error, BoltUnhandledRequestError):
            log.debug("Slack request not for Outward; acked")
        else:
            log.error("Slack listener failed: %s", type(error).__name__, exc_info=error)
        return BoltResponse(status=200, body="")

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
            self.tasks.spawn(client.views_open(trigger_id=event.trigger_id,
                                               view=convert.answer_modal(event)), urgent=True)
            return
        self.tasks.spawn(self._interaction(client, event, origin, settle=True))

    async def _on_view(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                       client: AsyncWebClient) -> None:
        await ack()  # closes the modal
        parsed = convert.form_submitted(body)
        if parsed is not None:
            self.tasks.spawn(self._interaction(client, *parsed, settle=True))

    async def _on_message(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = convert.direct_message(body)
        if event is not None:
            self.tasks.spawn(self._interaction(client, event, convert.Origin()))

    async def _on_home(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = convert.home_opened(body)
        if event is not None:
            self.tasks.spawn(self._home(client, event))

    async def _on_member(self, body: dict[str, Any]) -> None:
        event = convert.member_event(body)
        if event is not None:
            self.directory.mark_known(event.address)
            self.tasks.spawn(self.on_event(event))

    async def _on_command(self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any],
                          client: AsyncWebClient, respond: Callable[..., Awaitable[Any]]) -> None:
        """Slash commands: the private reply rides on the ack when the core answers within
        `command_ack_budget`, else it goes to the response_url afterwards.
        https://docs.slack.dev/interactivity/implementing-slash-commands"""
        event = convert.command(body)
        if event is None:
            await ack()
            return
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[dict[str, Any] | None] = loop.create_future()
        late = {"acked": False}

        async def work() -> None:
            await self.directory.first_contact(client, event.address)
            settled = await self._settle(client, event, convert.command_channel(body))
            messages = await self.on_event(settled)
            private = [m for m in messages if m.private and not m.direct]
            payloads = convert.combine(private)
            if len(payloads) == 1 and not late["acked"] and not reply.done():
                reply.set_result(payloads[0])  # rides on the ack
            else:
                if not reply.done():
                    reply.set_result(None)  # several: all to the response_url, in order
                for payload in payloads:
                    await respond(response_type="ephemeral", replace_original=False, **payload)
            # e.g. `/pulse` starting a survey, or anything but help typed in a channel: to the
            # DM, never visible in the channel
            to_dm = [m for m in messages if m.direct or not m.private]
            if to_dm:
                await self._reply(client, settled.address, to_dm, convert.Origin())
            await self.sender.post_charts(client, settled.address, private)

        def finished(_task: asyncio.Task[Any]) -> None:
            if not reply.done():
                reply.set_result(None)

        # a chair waits for this reply (on the ack if it comes within the budget)
        self.tasks.spawn(work(), urgent=True).add_done_callback(finished)
        try:
            payload = await asyncio.wait_for(asyncio.shield(reply), self.command_ack_budget)
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
                direct = channel == await self.sender.open_dm(client, a)
            except SlackApiError as exc:
                log.info("conversations.open failed: %s", delivery_error(exc).reason)
        if direct == a.direct and a.conversation == (channel if direct else ""):
            return event
        return replace(event, address=replace(a, conversation=channel if direct else "",
                                              direct=direct))

    async def _interaction(self, client: AsyncWebClient, event: Event,
                           origin: convert.Origin, settle: bool = False) -> None:
        await self.directory.first_contact(client, event.address)
        if settle and not origin.in_view:  # the Home tab is the person's own
            event = await self._settle(client, event, origin.channel)
        messages = await self.on_event(event)
        await self._reply(client, event.address, messages, origin)
        if origin.in_view:  # a button on the Home tab: show the new state there
            await self._home(client, HomeOpened(event.address))

    async def _home(self, client: AsyncWebClient, event: HomeOpened) -> None:
        await self.directory.first_contact(client, event.address)
        messages = await self.on_event(event)
        await client.views_publish(user_id=event.address.user,
                                   view=convert.home_view(messages))

    async def _reply(self, client: AsyncWebClient, address: Address,
                     messages: Sequence[Message], origin: convert.Origin) -> None:
        """Replies to an interaction: the pressed message is updated in place, the rest are
        posted to the person's DM."""
        channel = address.conversation
        for m in [part for message in messages for part in convert.parts(message)]:
            body = convert.render(m)
            if not address.direct and m.private and not m.direct and origin.response_url:
                # e.g. a button pressed outside the DM was refused: say so where it was pressed
                await self.sender.respond(origin.response_url, response_type="ephemeral",
                                          replace_original=False, **body)
                continue
            if m.replaces and origin.key and m.replaces == origin.key:
                if origin.in_view:
                    continue  # the Home tab is republished afterwards
                if origin.ephemeral and origin.response_url:
                    await self.sender.respond(origin.response_url, replace_original=True,
                                              **body)
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
                channel = await self.sender.open_dm(client, address)
            await self.sender.post(client, channel, body)
        await self.sender.post_charts(client, address, messages, channel)
