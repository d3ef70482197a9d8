"""The delivery worker: claim due outbox rows, render them, send through the person's adapter.

A row is marked sent only after the adapter returned. A retryable failure (rate limit, 5xx,
network) puts it back with a delay (the platform's Retry-After when given, else exponential
backoff); waiting out a Retry-After does not use up an attempt. A permanent failure (user gone,
channel not found), a row that cannot be rendered, or one past `max_attempts` is marked failed
with the reason, and delivery to everyone else goes on. A crash between claim and send leaves
the row leased; the lease expires and another worker takes it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from conversations.context import Deps
from conversations.events import Address
from conversations.messages import Message
from conversations.outreach import Outreach
from conversations.ports import DeliveryError, NotYet, Sender
from storage.models import Claimed

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        deps: Deps,
        senders: Mapping[str, Sender],
        outreach: Outreach,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 8,
        batch: int = 50,
    ) -> None:
        self.deps = deps
        self.senders = senders
        self.outreach = outreach
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

    async def _fail(self, row: Claimed, reason: str) -> int:
        async with self.deps.uow() as tx:
            await tx.outbox.failed(row.id, reason)
            await tx.commit()
        return 0

    async def _prepare(self, row: Claimed) -> tuple[Address, list[Message]] | str:
        async with self.deps.uow() as tx:
            rendered = await self.outreach.render(tx, row)
            if rendered is None:
                return "no longer due"
            address = await self.deps.reach.route(tx, rendered[0], self.senders.keys())
            if address is None:
                return "no way to reach this person"
            return address, rendered[1]

    async def _deliver(self, row: Claimed) -> int:
        if row.attempts > self.max_attempts:
            return await self._fail(row, "gave up after repeated failures")
        try:
            prepared = await self._prepare(row)
        except NotYet as exc:
            async with self.deps.uow() as tx:
                later = self.deps.clock.now() + timedelta(hours=1)
                await tx.outbox.retry(row.id, later, str(exc), refund=True)
                await tx.commit()
            return 0
        except Exception as exc:  # one bad row must not stop delivery to everyone else
            log.exception("rendering outbox row %s failed", row.id)
            return await self._fail(row, f"could not render: {type(exc).__name__}")
        if isinstance(prepared, str):
            return await self._fail(row, prepared)
        address, messages = prepared
        async with self.deps.uow() as tx:
            # a slow batch may have outlived its lease: send only while this claim still holds
            renewed = await tx.outbox.renew(row, self.deps.clock.now() + self.lease)
            await tx.commit()
        if renewed is None:
            log.warning("outbox row %s was re-claimed by another worker; not sending", row.id)
            return 0
        try:
            if messages:  # none: settled without a message, recorded like a delivered row
                await self.senders[address.platform].send(address, messages)
        except DeliveryError as exc:
            async with self.deps.uow() as tx:
                if exc.retry and row.attempts < self.max_attempts:
                    delay = exc.retry_after if exc.retry_after else 30 * 2 ** (row.attempts - 1)
                    due = self.deps.clock.now() + timedelta(seconds=min(delay, 3600))
                    await tx.outbox.retry(row.id, due, exc.reason,
                                          refund=exc.retry_after is not None)
                    log.warning("delivery of outbox row %s deferred %.0fs: %s", row.id, delay,
                                exc.reason)
                else:
                    await tx.outbox.failed(row.id, exc.reason)
                    log.warning("delivery of outbox row %s failed: %s", row.id, exc.reason)
                await tx.commit()
            return 0
        except Exception as exc:  # an adapter bug must not stop delivery to everyone else
            log.exception("delivery of outbox row %s raised", row.id)
            async with self.deps.uow() as tx:
                if row.attempts < self.max_attempts:
                    due = self.deps.clock.now() + timedelta(minutes=5)
                    await tx.outbox.retry(row.id, due, type(exc).__name__)
                else:
                    await tx.outbox.failed(row.id, type(exc).__name__)
                await tx.commit()
            return 0
        async with self.deps.uow() as tx:
            await tx.outbox.sent(row.id, self.deps.clock.now())
            await tx.commit()
        return 1
