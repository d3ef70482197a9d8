"""The directory sync runs as the server starts: someone who writes while it is still linking
their page is looked up on their own (users.info), not taken as known before their link is
written (they would be told they are not on the roster)."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.directory import SlackDirectory
from conversations.events import Address, DirectoryPage, Event, MemberJoined
from conversations.messages import Message
from tests.slack_mock import TEAM, MockSlack, sample_directory


class OneWorkspace:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def all(self) -> list[tuple[str, AsyncWebClient]]:
        return [(TEAM, self.client)]

    async def client_for(self, team: str) -> AsyncWebClient:
        return self.client


async def test_someone_writing_during_the_sync_is_looked_up_not_assumed_linked() -> None:
    mock = await MockSlack(users=sample_directory()).start()
    try:
        client = AsyncWebClient(token="xoxb-test", base_url=mock.url)
        paged, release = asyncio.Event(), asyncio.Event()
        heard: list[Event] = []

        async def on_event(event: Event) -> list[Message]:
            heard.append(event)
            if isinstance(event, DirectoryPage):
                paged.set()
                await release.wait()  # the core still writing the page's links
            return []

        directory = SlackDirectory(on_event, OneWorkspace(client))  # type: ignore[arg-type]
        sync = asyncio.create_task(directory.sync())
        await asyncio.wait_for(paged.wait(), 10)
        user = str(sample_directory()[0]["id"])

        await directory.first_contact(client, Address("slack", TEAM, user))
        assert [c for c in mock.of("users.info") if c.args.get("user") == user]
        assert any(isinstance(e, MemberJoined) and e.address.user == user for e in heard)

        release.set()
        assert await sync > 0
        calls = len(mock.of("users.info"))
        await directory.first_contact(client, Address("slack", TEAM, user))
        assert len(mock.of("users.info")) == calls  # known now: no second look-up
    finally:
        await mock.close()
