"""The delivery worker: claim due outbox rows, render them, send through the person's adapter.

A row is marked sent only after the adapter returned. A retryable failure (rate limit, 5xx,
network) puts it back with a delay (the platform's Retry-After when given, else exponential
backoff); a permanent one (user gone, channel not found) marks it failed with the reason. A crash
between claim and send leaves the row leased; the lease expires and another worker takes it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from conversations.context import Deps
from conversations.outreach import Outreach, route
from conversations.ports import DeliveryError, Sender

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        deps: Deps,
        senders: Mapping[str, Sender],
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 8,
        batch: int = 50,
    ) -> None:
        self.deps = deps
        self.senders = senders
        self.outreach = Outreach(deps)
        self.lease = lease
        self.max_attempts = max_attempts
        self.batch = batch

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were sent."""
        sent = 0
        while True:
            async with self.deps.uow() as tx:
                claimed = await tx.outbox.claim(self.deps.clock.now(), self.lease, self.batch)
                await tx.commit()
            if not claimed:
                return sent
            for row in claimed:
                sent += await self._deliver(row)
            if len(claimed) < self.batch:
                return sent

    async def _deliver(self, row: object) -> int:
        from storage.repositories import Claimed

        assert isinstance(row, Claimed)
        async with self.deps.uow() as tx:
            rendered = await self.outreach.render(tx, row)
            address = None
            if rendered is not None:
                address = await route(tx, rendered[0], self.senders.keys())
            if rendered is None or address is None:
                await tx.outbox.failed(
                    row.id, "no longer due" if rendered is None else "no way to reach this person"
                )
                await tx.commit()
                return 0
        person, messages = rendered
        try:
            await self.senders[address.platform].send(address, messages)
        except DeliveryError as exc:
            async with self.deps.uow() as tx:
                if exc.retry and row.attempts < self.max_attempts:
                    delay = exc.retry_after if exc.retry_after else 30 * 2 ** (row.attempts - 1)
                    due = self.deps.clock.now() + timedelta(seconds=min(delay, 3600))
                    await tx.outbox.retry(row.id, due, exc.reason)
                    log.warning(
                        "delivery of outbox row %s deferred %.0fs: %s", row.id, delay, exc.reason
                    )
                else:
                    await tx.outbox.failed(row.id, exc.reason)
                    log.warning("delivery of outbox row %s failed: %s", row.id, exc.reason)
                await tx.commit()
            return 0
        except Exception as exc:  # an adapter bug must not stop delivery to everyone else
            log.exception("delivery of outbox row %s raised", row.id)
            async with self.deps.uow() as tx:
                due = self.deps.clock.now() + timedelta(minutes=5)
                if row.attempts < self.max_attempts:
                    await tx.outbox.retry(row.id, due, type(exc).__name__)
                else:
                    await tx.outbox.failed(row.id, type(exc).__name__)
                await tx.commit()
            return 0
        async with self.deps.uow() as tx:
            await tx.outbox.sent(row.id, self.deps.clock.now())
            await tx.commit()
        _ = person
        return 1
