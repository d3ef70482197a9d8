"""Work started after an ack: Slack wants its answer within 3 seconds, the core may take longer.
https://docs.slack.dev/interactivity/handling-user-interaction"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger(__name__)


class SlackTasks:
    """Background tasks of the Slack adapter: started after acks, awaited on shutdown."""

    def __init__(self) -> None:
        self.running: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run work after the ack; failures are logged (never shown as a traceback)."""

        async def guarded() -> Any:
            try:
                return await coro
            except Exception:
                log.exception("Slack background work failed")
                return None

        task = asyncio.get_running_loop().create_task(guarded())
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return task

    async def drain(self) -> None:
        """Wait for all work started after acks (tests; graceful shutdown)."""
        while self.running:
            await asyncio.gather(*list(self.running), return_exceptions=True)
