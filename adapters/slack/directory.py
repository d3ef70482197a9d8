"""Who is who in Slack: users.list for every workspace (link roster people by email, keep time
zone and locale current) and users.info on first contact from someone the sync has not seen.
https://docs.slack.dev/reference/methods/users.list"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import convert
from adapters.slack.errors import delivery_error
from adapters.slack.oauth import SlackWorkspaces
from conversations.events import Address, DirectoryPage, Event, MemberJoined, MemberLeft
from conversations.messages import Message

log = logging.getLogger(__name__)

OnEvent = Callable[[Event], Awaitable[list[Message]]]

KNOWN_USER_TTL = 600.0  # seconds before a user unknown to the directory is looked up again
PAGE_SIZE = 200  # users.list page size (Slack recommends no more than 200)


class SlackDirectory:
    """Slack accounts as `MemberJoined`/`MemberLeft` events for the core, so it can link them to
    the roster by email."""

    def __init__(self, on_event: OnEvent, workspaces: SlackWorkspaces) -> None:
        self.on_event = on_event
        self.workspaces = workspaces
        self.known_users: dict[tuple[str, str], float] = {}

    def mark_known(self, address: Address) -> None:
        """The core has just heard about this account: no users.info for a while."""
        self.known_users[(address.workspace, address.user)] = time.monotonic()

    async def first_contact(self, client: AsyncWebClient, address: Address) -> None:
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

    async def sync(self) -> int:
        """users.list for every workspace: link roster people (by email) and refresh their
        time zone and locale. Returns how many accounts were seen."""
        total = 0
        try:
            workspaces = await self.workspaces.all()
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

    async def sync_workspace(self, team: str) -> int:
        """users.list for one workspace (just installed)."""
        return await self._sync_team(team, await self.workspaces.client_for(team))

    async def _sync_team(self, team: str, client: AsyncWebClient) -> int:
        """Each page of users.list goes to the core as one `DirectoryPage` (one transaction,
        one look-up for all its emails), so a sync costs a few queries per page."""
        seen = 0
        cursor = ""
        while True:
            resp = await client.users_list(limit=PAGE_SIZE, include_locale=True,
                                           **({"cursor": cursor} if cursor else {}))
            pages: dict[str, tuple[list[MemberJoined], list[MemberLeft]]] = {}
            for user in resp.get("members") or []:
                if not isinstance(user, dict):
                    continue
                event = convert.member(user, team or str(user.get("team_id", "")))
                if event is None:
                    continue
                seen += 1
                joined, left = pages.setdefault(event.address.workspace, ([], []))
                if isinstance(event, MemberJoined):
                    joined.append(event)
                else:
                    left.append(event)
            for workspace, (joined, left) in pages.items():
                await self.on_event(DirectoryPage(Address(convert.PLATFORM, workspace, ""),
                                                  tuple(joined), tuple(left)))
                # known only once the core has the page: someone writing in the meantime (the
                # sync runs as the server starts) is looked up on their own, not taken as known
                # while their link is still being written
                for address in [m.address for m in joined] + [m.address for m in left]:
                    self.mark_known(address)
            cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return seen
