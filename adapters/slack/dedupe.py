"""Events API retries of an event already handled (`X-Slack-Retry-Num`, same `event_id`) are
dropped, using a table shared by every web process. https://docs.slack.dev/apis/events-api/#retries
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.response import BoltResponse
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.slack_tables import seen_events

log = logging.getLogger(__name__)

SEEN_EVENTS_KEEP = timedelta(days=1)
PRUNE_EVERY = 500  # inserts between deletions of ids older than SEEN_EVENTS_KEEP


class SlackDedupe:
    """Event ids already handled, in a table every web process shares, and the bolt middleware
    that acks a retry of one of them without handling it again."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._inserts = 0

    async def first_time(self, event_id: str) -> bool:
        """Record `event_id`; False when some process had recorded it already."""
        now = datetime.now(UTC).replace(tzinfo=None)
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(seen_events).values(event_id=event_id[:64],
                                                              seen_at=now))
        except IntegrityError:
            return False
        self._inserts += 1
        if self._inserts % PRUNE_EVERY == 1:
            async with self.engine.begin() as conn:
                await conn.execute(delete(seen_events).where(
                    seen_events.c.seen_at < now - SEEN_EVENTS_KEEP))
        return True

    async def middleware(self, body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        """Handle each Events API event_id once, whatever X-Slack-Retry-Num says."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and event_id:
            try:
                first = await self.first_time(event_id)
            except SQLAlchemyError:
                log.warning("could not record Slack event id; handling it anyway", exc_info=True)
                first = True
            if not first:
                log.info("Slack event %s already handled; retry dropped", event_id)
                return BoltResponse(status=200, body="")
        return await next()
