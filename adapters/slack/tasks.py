"""Work started after an ack: Slack wants its answer within 3 seconds, the core may take longer.
https://docs.slack.dev/interactivity/handling-user-interaction"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger(__name__)

# Work after acks runs this many at a time; the rest waits its turn, in arrival order. Under a
# burst (a whole department pressing "Start" at 9:00) a few thousand handlers all running at
# once would share the event loop with the requests still to be acked, and each ack would wait
# behind all of them: Slack shows an error after 3 seconds. In a queue they cost nothing, and
# acks stay quick however long the queue is.
RUNNING = 16


class SlackTasks:
    """Background tasks of the Slack adapter: started after acks, awaited on shutdown."""

    def __init__(self, running: int = RUNNING) -> None:
        self.running: set[asyncio.Task[Any]] = set()
        self.slots = asyncio.Semaphore(running)

    def spawn(self, coro: Awaitable[Any], urgent: bool = False) -> asyncio.Task[Any]:
        """Run work after the ack, in its turn (`urgent`: at once, for work with a deadline of
        its own, such as views.open within 3 seconds of a press); failures are logged (never
        shown as a traceback)."""

        async def guarded() -> Any:
            try:
                if urgent:
                    return await coro
                async with self.slots:
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
