"""Who is who in Teams: members linked to the roster by the email the roster API (TeamsInfo)
gives, once per person and process, and everyone in a team the app is added to.
https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from adapters.teams import convert
from adapters.teams.errors import describe
from adapters.teams.sender import TeamsSender
from conversations.events import Address, DirectoryPage, Event, MemberJoined, MemberLeft
from conversations.messages import Message

log = logging.getLogger(__name__)

OnEvent = Callable[[Event], Awaitable[list[Message]]]

# Re-link at most hourly per person and process: picks up roster additions (someone who wrote
# before being on the roster) and time-zone changes without a lookup on every message.
KNOWN_TTL = 3600.0
MEMBERS_PAGE = 500  # get_paged_members page size (the API's maximum)
MAX_MEMBER_PAGES = 200


class TeamsDirectory:
    """Teams accounts as `MemberJoined`/`MemberLeft` events for the core (name, email, AAD
    object id from TeamsInfo; time zone and locale from the activity)."""

    def __init__(self, on_event: OnEvent, sender: TeamsSender, dev_no_auth: bool = False,
                 known_cache: int = 50_000) -> None:
        self.on_event = on_event
        self.sender = sender
        self.dev_no_auth = dev_no_auth
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._known_cap = known_cache

    async def first_contact(self, ctx: TurnContext, body: Mapping[str, Any],
                            who: Mapping[str, Any], route: str) -> None:
        """Link the sender to the roster once per process (email from TeamsInfo), and keep their
        time zone and locale current."""
        key = _key(body, who)
        seen = self._known.get(key)
        if seen is not None and time.monotonic() - seen < KNOWN_TTL:
            return
        await self.join(ctx, body, who, route, with_client_info=True)
        self.mark_known(body, who)

    def mark_known(self, body: Mapping[str, Any], who: Mapping[str, Any]) -> None:
        key = _key(body, who)
        self._known[key] = time.monotonic()
        self._known.move_to_end(key)
        while len(self._known) > self._known_cap:
            self._known.popitem(last=False)

    async def leave(self, body: Mapping[str, Any], who: Mapping[str, Any] | None = None) -> None:
        """The person left (the team, or uninstalled the app): unlink them."""
        await self.on_event(MemberLeft(convert.address(body, who)))
        self._known.pop(_key(body, who if who is not None else convert.sender(body)), None)

    async def join(self, ctx: TurnContext, body: Mapping[str, Any], who: Mapping[str, Any],
                   route: str, with_client_info: bool) -> list[Message]:
        """Tell the core about a member: `route` "personal" (this 1:1 chat reaches them) or
        "create" (a 1:1 chat is created on the first proactive send)."""
        name, email, aad = await self._member_details(ctx, who)
        user = dict(who)
        if aad and not user.get("aadObjectId"):
            user["aadObjectId"] = aad
        tz, locale = convert.client_info(body) if with_client_info else ("", "")
        event = MemberJoined(convert.address(body, user, route=route), name, email, tz, locale)
        return await self.on_event(event)

    async def join_team(self, ctx: TurnContext, body: Mapping[str, Any]) -> None:
        """The app was added to a team: every member becomes reachable (a 1:1 chat is created on
        the first proactive send)."""
        token: str | None = None
        pages = 0
        while pages < MAX_MEMBER_PAGES:
            pages += 1
            try:
                page = await self.sender.call(
                    lambda: TeamsInfo.get_paged_members(ctx, token, MEMBERS_PAGE)  # noqa: B023
                )
            except Exception as exc:
                log.warning("Teams team roster fetch failed (%s)", type(exc).__name__)
                return
            joined = []
            for member in page.members or []:
                user = {"id": member.id or "", "aadObjectId": member.aad_object_id or ""}
                email = member.email or ""
                if not email and member.user_principal_name and "@" in (
                    member.user_principal_name
                ):
                    email = member.user_principal_name
                joined.append(MemberJoined(
                    convert.address(body, user, route="create"), member.name or "", email,
                ))
            # one transaction and one email look-up per page of up to 500 members
            await self.on_event(DirectoryPage(
                Address(convert.PLATFORM, convert.tenant_id(body), ""), tuple(joined)))
            token = page.continuation_token
            if not token:
                return

    async def _member_details(self, ctx: TurnContext,
                              who: Mapping[str, Any]) -> tuple[str, str, str]:
        """(name, email, AAD object id) of a member from the roster API (TeamsInfo):
        https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#fetch-user-profile-or-user-details
        """
        member_id = convert._str(who.get("id"))
        name = convert._str(who.get("name"))
        email = ""
        aad = ""
        failed = ""
        if member_id:
            try:
                member = await self.sender.call(lambda: TeamsInfo.get_member(ctx, member_id))
            except Exception as exc:
                failed = describe(exc)
            else:
                name = member.name or name
                aad = member.aad_object_id or ""
                email = member.email or ""
                upn = member.user_principal_name or ""
                if not email and "@" in upn:
                    email = upn
        if not email and self.dev_no_auth and ctx.activity.channel_id == "emulator":
            # The Bot Framework Emulator has no directory: there, a user id or name that is an
            # email address (Emulator settings) stands in for it. Never outside dev mode.
            for candidate in (member_id, name):
                if "@" in candidate and " " not in candidate:
                    email = candidate
                    break
        if failed and not email:  # (the Emulator has no member API: not worth a warning there)
            log.warning("Teams member lookup failed (%s); without an email the person cannot "
                        "be matched to the roster yet", failed)
        return name, email, aad


def _key(body: Mapping[str, Any], who: Mapping[str, Any]) -> tuple[str, str]:
    return convert.tenant_id(body), convert.account_user_id(who)
