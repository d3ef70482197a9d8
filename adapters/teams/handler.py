"""The inbound turn: a botbuilder `ActivityHandler` that turns Teams activities into neutral
events, calls the core and posts its messages as Adaptive Cards.

botbuilder's `Activity` model drops fields Teams sends (`conversation.tenantId`, the clientInfo
entity's locale and time zone, ...), and `adapters.teams.convert` reads the wire format, so the
HTTP handler keeps the request's JSON on the turn (`wire_json`) and the handler reads that; the
SDK's typed activity only drives the dispatch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.schema import ChannelAccount, InvokeResponse
from botframework.connector.aio import ConnectorClient

from adapters.teams import convert
from adapters.teams.directory import OnEvent, TeamsDirectory
from adapters.teams.sender import ReplyTarget, TeamsSender, connector
from conversations.events import HomeOpened
from conversations.messages import Message

log = logging.getLogger(__name__)

WIRE_JSON = "outward.teams.wire_json"  # turn_state key of the activity as Teams sent it
CARD_ACTION = "adaptiveCard/action"
# Universal Actions answer: https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
CARD_ACTION_ANSWER = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                      "value": ""}


def wire_json(ctx: TurnContext) -> Mapping[str, Any]:
    """The turn's activity as Teams sent it (set by the HTTP handler)."""
    body = ctx.turn_state.get(WIRE_JSON)
    if not isinstance(body, Mapping):
        raise RuntimeError("no wire JSON on the turn")
    return body


class TeamsHandler(ActivityHandler):
    """Outward's bot logic for Teams, dispatched by botbuilder's `ActivityHandler.on_turn`.

    Messages and `adaptiveCard/action` invokes become neutral events for the core; members
    added/removed and app installs keep the roster links current. Typing, reactions, message
    edits and deletions, events and endOfConversation are ignored (the base class's no-ops)."""

    def __init__(self, on_event: OnEvent, sender: TeamsSender, directory: TeamsDirectory) -> None:
        # not `on_event`: ActivityHandler.on_event handles Bot Framework "event" activities
        self.core = on_event
        self.sender = sender
        self.directory = directory

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self._message(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Card submits (Universal Actions); any other invoke is not declared in the manifest
        (messaging extensions, tabs, task modules, ...) and is refused with a 400."""
        name = wire_json(turn_context).get("name")
        if name != CARD_ACTION:
            return InvokeResponse(status=400,
                                  body={"error": f"unsupported invoke {str(name)[:60]}"})
        await self._message(turn_context)
        return InvokeResponse(status=200, body=CARD_ACTION_ANSWER)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Members added/removed: link new members (the bot itself added to a team: everyone in
        it), unlink those who left. Unlike the base class, which stops after membersAdded, both
        lists are handled:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events
        """
        activity = turn_context.activity
        await self.on_members_added_activity(activity.members_added or [], turn_context)
        await self.on_members_removed_activity(activity.members_removed or [], turn_context)

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        # the wire JSON's membersAdded, read by convert like every other field
        body = wire_json(turn_context)
        bot_id = convert._str(convert._obj(body.get("recipient")).get("id"))
        personal = convert.is_personal(body)
        for member in body.get("membersAdded") or []:
            m = convert._obj(member)
            if convert._str(m.get("id")) == bot_id:
                if personal:
                    who = convert.sender(body)
                    await self.directory.join(turn_context, body, who, "personal", True)
                    self.directory.mark_known(body, who)
                else:
                    await self.directory.join_team(turn_context, body)
            else:
                await self.directory.join(turn_context, body, m,
                                          "personal" if personal else "create", False)

    async def on_members_removed_activity(self, members_removed: list[ChannelAccount],
                                          turn_context: TurnContext) -> None:
        body = wire_json(turn_context)
        bot_id = convert._str(convert._obj(body.get("recipient")).get("id"))
        for member in body.get("membersRemoved") or []:
            m = convert._obj(member)
            if convert._str(m.get("id")) == bot_id:
                continue  # the bot left a team: personal installs still reach people
            await self.directory.leave(body, m)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """App installed (or upgraded) in a 1:1 chat: link the person and, on a fresh install,
        greet them with their home (what is open, the privacy promise). Team installs arrive as
        conversationUpdate too:
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events#installation-update-event
        """
        body = wire_json(turn_context)
        if not convert.is_personal(body):
            return
        who = convert.sender(body)
        await self.directory.join(turn_context, body, who, "personal", True)
        self.directory.mark_known(body, who)
        if convert._str(body.get("action")) == "add":  # not on every app upgrade
            home = await self.core(HomeOpened(convert.address(body, route="personal")))
            await self.sender.post(connector(turn_context), ReplyTarget.from_activity(body), home)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """App uninstalled from a 1:1 chat: unlink the person."""
        body = wire_json(turn_context)
        # "remove-upgrade" is part of an update, not an uninstall
        if convert.is_personal(body) and convert._str(body.get("action")) == "remove":
            await self.directory.leave(body)

    async def _message(self, ctx: TurnContext) -> None:
        body = wire_json(ctx)
        got = convert.inbound(body)
        if got is None:
            return
        # First contact from a channel stores a reference without a conversation: a proactive
        # survey then opens the person's 1:1 chat; the channel itself never becomes the route.
        await self.directory.first_contact(ctx, body, convert.sender(body),
                                           route="personal" if got.personal else "create")
        messages = await self.core(got.event)
        reply_to = convert._str(body.get("replyToId"))
        # `direct` messages from a channel go to the person's 1:1 chat, never to the channel
        there = [m for m in messages if m.direct and not got.personal]
        here = [m for m in messages if not (m.direct and not got.personal)]
        await self.sender.post(connector(ctx), ReplyTarget.from_activity(body), here,
                               submitted=(got.submitted_key, reply_to))
        if there:
            await self._post_personal(connector(ctx), body, there)

    async def _post_personal(self, client: ConnectorClient, body: Mapping[str, Any],
                             messages: Sequence[Message]) -> None:
        """Post to the sender's 1:1 chat with the bot, created (or found: Teams returns the
        existing one) from the activity, as for a proactive send to a team member."""
        ref = convert.reference(body, convert.sender(body), personal=False)
        conversation_id = await self.sender.create_personal(client, ref)
        await self.sender.post(client, ReplyTarget.from_activity(body, conversation_id),
                               messages)
