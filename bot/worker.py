"""The delivery worker: claim due outbox rows in batches, render them, send them concurrently,
write the results back in small groups.

1. Rows are claimed `batch` at a time in one statement, and each batch is rendered in one read
   transaction (rolled back: rendering never writes), the people, their routes and each kind's
   data loaded for the whole batch at once. The next batch is claimed and rendered while the
   current one is being sent, once fewer than half a batch is waiting.
2. Messages go out through lanes: up to `per_workspace` at a time for each workspace or tenant,
   each lane taking the next message of its workspace's queue (the adapters pace themselves
   within the platform's rate limits). A workspace waiting out a Retry-After holds up its own
   lanes only; the others keep sending, and new batches keep coming while they have room.
3. A keeper renews the lease of every row this worker holds (claimed, being sent, or sent but
   not yet recorded) before it runs low, in one statement; a send never outlives its lease.
4. Outcomes are written as they come, in small groups (`flush` of them, or whatever gathered in
   `flush_after` seconds), in one transaction each: sent, put back and failed rows (one
   statement each) and the routes the platforms resolved (a Slack DM channel, a Teams 1:1
   conversation), stored with the person's identity so that the next send skips the lookup.
   That transaction holds no answers (the worker never touches them).

A retryable failure (rate limit, 5xx, network) puts the row back with a delay: the platform's
Retry-After when given (that wait does not use up an attempt), else exponential backoff. A
permanent failure (user gone, channel not found), a row that cannot be rendered, or one past
`max_attempts` is marked failed with the reason, and delivery to everyone else goes on.

What a crash costs: a row is written "sent" only after the platform accepted its message, and a
row leased to this worker is sent by no other until that lease runs out; nothing is lost. If the
process dies (kill -9) between a send and the write of its outcome, the row stays leased; when
the lease runs out another worker (or this one, restarted) sends it again. So exactly the
people whose messages were in flight (at most `per_workspace` per workspace) or accepted but
not yet recorded (the group being written and the one gathering behind it, each at most `flush`
plus one per lane: a lane waits for the write under way when `flush` are gathered) at that
moment get that message twice, once per crash; everyone else gets it exactly once. Slack and
Teams take no idempotency key for a new message, so a send whose outcome was not recorded
cannot be told from one that never happened: Outward prefers a rare duplicate to a lost
invitation. If the database is away, the worker sends what it holds while its leases last,
keeps the outcomes it could not write and writes them first (before claiming anything) when
the database is back; `run_once` then raises, and the next run carries on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from conversations.context import Deps
from conversations.events import Address
from conversations.messages import Message
from conversations.outreach import Delivery, Outreach
from conversations.ports import DeliveryError, NotYet, Sender
from storage.models import Claimed, Outcome

log = logging.getLogger(__name__)

MAX_DEFER = 3600.0  # seconds: the longest a row is put back for


@dataclass(frozen=True)
class Ready:
    """A rendered row and where it goes."""

    row: Claimed
    address: Address
    messages: list[Message]


class DeliveryWorker:
    def __init__(
        self,
        deps: Deps,
        senders: Mapping[str, Sender],
        outreach: Outreach,
        lease: timedelta = timedelta(seconds=300),
        max_attempts: int = 8,
        batch: int = 200,
        per_workspace: int = 10,
        flush: int = 50,
        flush_after: float = 0.1,
    ) -> None:
        self.deps = deps
        self.senders = senders
        self.outreach = outreach
        self.lease = lease
        self.margin = lease / 4  # a lease this close to its end is renewed
        self.max_attempts = max_attempts
        self.batch = batch
        self.per_workspace = per_workspace
        self.flush_every = flush
        self.flush_after = flush_after  # seconds an outcome may wait for others to join it
        self._oldest = 0.0  # when the oldest outcome not yet written was recorded
        self._outcomes: list[Outcome] = []
        self._routes: list[Address] = []
        # every row this worker holds a lease on, from its claim until its outcome is written
        self._leases: dict[int, Claimed] = {}
        self._deadlines: dict[int, asyncio.Timeout] = {}  # sends in flight: their lease's end
        self._writing = asyncio.Lock()  # writes and lease renewals, one at a time
        self._failing = False  # the last write failed (logged once, not at every try)
        self._tally: Counter[str] = Counter()

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were sent. Raises (after sending what
        it holds) when the database is away; what it could not write is kept for the next run."""
        await self.flush()  # what a failed write left behind comes first
        return await self._run((), claim=True)

    async def deliver(self, rows: Sequence[Claimed]) -> int:
        """Render, send and record rows this worker has claimed; returns how many were sent.
        Raises when the outcomes could not be written (they are kept for the next run)."""
        self._leases.update((r.id, r) for r in rows)
        return await self._run(await self.render(rows), claim=False)

    async def _run(self, ready: Sequence[Ready], claim: bool) -> int:
        self._tally = Counter()
        keeper = asyncio.create_task(self._keep())
        try:
            try:
                await self._pump(ready, claim)
            finally:
                await self.flush()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            self._report()
        return self._tally["sent"]

    async def _pump(self, ready: Sequence[Ready], claim: bool) -> None:
        """Send through lanes: up to `per_workspace` at a time per workspace or tenant, each
        taking the next message of its workspace's queue. Batches are claimed (and rendered)
        while the lanes send, whenever fewer than half a batch of messages are waiting (a short
        queue: workers share a fan-out evenly, and a dead worker's rows wait for its lease to
        run out), or, while some workspace has nothing to send (another is held up by its rate
        limit), up to four batches: a workspace that is waiting out a Retry-After does not hold
        up the others."""
        queues: dict[tuple[str, str], deque[Ready]] = {}
        active: Counter[tuple[str, str]] = Counter()
        lanes: set[asyncio.Task[None]] = set()

        def add(items: Sequence[Ready]) -> None:
            for item in items:
                queues.setdefault((item.address.platform, item.address.workspace),
                                  deque()).append(item)
            for key, queue in queues.items():
                for _ in range(min(self.per_workspace - active[key], len(queue))):
                    active[key] += 1
                    lanes.add(asyncio.create_task(self._lane(queue, key, active)))

        def wanted() -> bool:
            waiting = sum(len(q) for q in queues.values())
            return waiting < self.batch // 2 or (
                waiting < 4 * self.batch and any(not q for q in queues.values()))

        add(ready)
        claiming = asyncio.create_task(self._next()) if claim else None
        failure: BaseException | None = None
        try:
            while lanes or claiming is not None:
                pending: set[asyncio.Future[Any]] = {*lanes}
                if claiming is not None:
                    pending.add(claiming)
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                lanes.difference_update(done)  # type: ignore[arg-type]
                if claiming is not None and claiming.done():
                    task, claiming = claiming, None
                    try:
                        rows, items = task.result()
                    except Exception as exc:  # the database is away: send what is held, then
                        failure, claim = exc, False  # raise (the next run tries again)
                    else:
                        claim = claim and len(rows) >= self.batch
                        add(items)
                if claiming is None and claim and wanted():
                    claiming = asyncio.create_task(self._next())
        except BaseException:  # cancelled: what was claimed and not yet sent goes back
            if claiming is not None:
                claiming.cancel()
            for lane in lanes:
                lane.cancel()
            await asyncio.gather(*lanes, *([claiming] if claiming else []),
                                 return_exceptions=True)
            now = self.deps.clock.now()
            for queue in queues.values():
                for item in queue:
                    self._record(Outcome(item.row, "pending", "", now, refund=True))
            raise
        if failure is not None:
            raise failure

    async def _next(self) -> tuple[list[Claimed], list[Ready]]:
        # outcomes first: a row sent but not yet recorded must not be claimed again (this
        # raises while the database is away, and nothing new is claimed)
        await self.flush()
        async with self.deps.uow() as tx:
            rows = await tx.outbox.claim(self.deps.clock.now(), self.lease, self.batch)
            await tx.commit()
        self._leases.update((r.id, r) for r in rows)
        return rows, await self.render(rows)

    def _report(self) -> None:
        if set(self._tally) - {"sent"}:
            log.info("outbox: %s", ", ".join(f"{n} {what}"
                                             for what, n in sorted(self._tally.items())))

    # ---- rendering ------------------------------------------------------------------------

    async def render(self, rows: Sequence[Claimed]) -> list[Ready]:
        """Render rows in one read transaction: people, routes and each kind's data in a few
        queries for the whole batch. If that raises, the rows are rendered one by one, each in
        its own transaction, so that only the row at fault fails."""
        todo = []
        for row in rows:
            if row.attempts > self.max_attempts:
                self._record(Outcome(row, "failed", "gave up after repeated failures"))
            else:
                todo.append(row)
        if not todo:
            return []
        try:
            async with self.deps.uow() as tx:
                results = await self.outreach.render_many(tx, todo)
                found = {d[0].id: d[0] for d in results if isinstance(d, tuple)}
                routes = await self.deps.reach.routes(tx, list(found.values()),
                                                      self.senders.keys())
        except Exception:
            log.warning("rendering a batch of %d outbox rows failed; one by one now", len(todo),
                        exc_info=True)
            return [ready for row in todo if (ready := await self._render_one(row))]
        out = []
        for row, result in zip(todo, results, strict=True):
            address = routes.get(result[0].id) if isinstance(result, tuple) else None
            ready = self._ready(row, result, address)
            if ready is not None:
                out.append(ready)
        return out

    async def _render_one(self, row: Claimed) -> Ready | None:
        try:
            async with self.deps.uow() as tx:
                try:
                    result: Delivery | None | NotYet = await self.outreach.render(tx, row)
                except NotYet as exc:
                    result = exc
                address = None
                if isinstance(result, tuple):
                    address = await self.deps.reach.route(tx, result[0], self.senders.keys())
        except Exception as exc:  # one bad row must not stop everyone else's
            log.exception("rendering outbox row %s failed", row.id)
            self._record(Outcome(row, "failed", f"could not render: {type(exc).__name__}"))
            return None
        return self._ready(row, result, address)

    def _ready(self, row: Claimed, result: Delivery | None | NotYet,
               address: Address | None) -> Ready | None:
        if isinstance(result, NotYet):
            later = self.deps.clock.now() + timedelta(hours=1)
            self._record(Outcome(row, "pending", str(result), later, refund=True))
        elif result is None:
            self._record(Outcome(row, "failed", "no longer due"))
        elif address is None:
            self._record(Outcome(row, "failed", "no way to reach this person"))
        else:
            return Ready(row, address, result[1])
        return None

    # ---- sending --------------------------------------------------------------------------

    async def _lane(self, queue: deque[Ready], key: tuple[str, str],
                    active: Counter[tuple[str, str]]) -> None:
        try:
            while queue:
                await self._send(queue.popleft())
                await self._written()
        finally:
            active[key] -= 1

    async def _written(self) -> None:
        """Write the outcomes gathered so far when there are `flush` of them, or when the
        oldest has waited `flush_after` seconds and no write is under way. At `flush`, a lane
        waits for the write under way and writes next: so at any moment at most two groups of
        about `flush` messages are sent but not yet recorded (what a crash can repeat)."""
        if not self._outcomes:
            return
        if len(self._outcomes) >= self.flush_every or (
                not self._writing.locked()
                and time.monotonic() - self._oldest >= self.flush_after):
            try:
                await self.flush()
            except Exception:  # kept; written at the next try, the end, or the next run
                pass

    async def _send(self, item: Ready) -> None:
        """Send a rendered row and record what became of it. A row rendered with no message
        (a reminder to someone who has finished) is recorded "sent" all the same, through the
        same steps, so that the outbox cannot tell finishers from the others."""
        row = await self._hold(item.row)
        if row is None:
            return
        loop = asyncio.get_running_loop()
        # a send never outlives this worker's lease on its row (the keeper moves this deadline
        # each time it renews the lease)
        deadline = asyncio.timeout_at(loop.time() + self._left(row))
        self._deadlines[row.id] = deadline
        try:
            async with deadline:
                route = await self.senders[item.address.platform].send(
                    item.address, item.messages) if item.messages else None
        except DeliveryError as exc:
            self._route(exc.route)
            self._record(self._failure(row, exc))
        except TimeoutError:
            if deadline.expired():  # not the message's fault, and it may have gone (at least
                # once): back to the outbox now, for whoever claims it next
                self._record(Outcome(row, "pending", "lease ran out while sending",
                                     self.deps.clock.now(), refund=True))
            else:
                self._record(self._failure(row, DeliveryError("timed out", retry=True)))
        except Exception as exc:  # an adapter bug must not stop delivery to everyone else
            log.exception("delivery of outbox row %s raised", row.id)
            if row.attempts < self.max_attempts:
                due = self.deps.clock.now() + timedelta(minutes=5)
                self._record(Outcome(row, "pending", type(exc).__name__, due))
            else:
                self._record(Outcome(row, "failed", type(exc).__name__))
        else:
            self._route(route)
            self._record(Outcome(row, "sent"))
        finally:
            self._deadlines.pop(row.id, None)

    def _failure(self, row: Claimed, exc: DeliveryError) -> Outcome:
        now = self.deps.clock.now()
        if exc.retry and exc.retry_after is not None:
            # the platform said when: waiting for it is not a failed attempt
            due = now + timedelta(seconds=min(max(exc.retry_after, 1.0), MAX_DEFER))
            return Outcome(row, "pending", exc.reason, due, refund=True)
        if exc.retry and row.attempts < self.max_attempts:
            delay = min(30.0 * 2 ** (row.attempts - 1), MAX_DEFER)
            return Outcome(row, "pending", exc.reason, now + timedelta(seconds=delay))
        log.warning("delivery of outbox row %s failed: %s", row.id, exc.reason)
        return Outcome(row, "failed", exc.reason)

    # ---- leases ---------------------------------------------------------------------------

    async def _hold(self, row: Claimed) -> Claimed | None:
        """The row with this worker's current lease, renewed first when it runs low; None (and
        not to be sent) when the row is no longer this worker's, or its lease could not be
        renewed (then it goes back to the outbox)."""
        current = self._leases.get(row.id)
        if current is not None and not self._fresh(current):
            try:
                await self._renew()
            except Exception as exc:  # the keeper logs it with its traceback; here the type
                # only (a driver's message may name hosts, users or a statement's parameters)
                log.info("renewing outbox leases failed (%s); row %s goes back",
                         type(exc).__name__, row.id)
                self._record(Outcome(current, "pending", "lease not renewed",
                                     self.deps.clock.now(), refund=True))
                return None
            current = self._leases.get(row.id)
        if current is None:
            self._tally["left to another worker (lease ran out)"] += 1
        return current

    async def _keep(self) -> None:
        """Renew every lease this worker holds before it runs low, for as long as it runs: rows
        waiting for their turn (behind a workspace's rate limit, or claimed ahead) and sends
        waiting out a Retry-After keep their rows. Retries every second while the database is
        away."""
        while True:
            now = self.deps.clock.now()
            ends = [r.lease_until for r in self._leases.values() if r.lease_until is not None]
            wait = self.margin.total_seconds()
            if ends:
                wait = min(wait, (min(ends) - self.margin - now).total_seconds())
            await asyncio.sleep(max(wait, 0.05))
            if any(not self._fresh(r) for r in self._leases.values()):
                try:
                    await self._renew()
                except Exception:
                    log.warning("renewing outbox leases failed; trying again", exc_info=True)
                    await asyncio.sleep(min(1.0, self.margin.total_seconds()))

    async def _renew(self) -> None:
        """Renew the leases of all the rows this worker holds (one statement per lease: one
        when they were renewed together before), unless another renewal just did; rows
        another worker claimed after their lease ran out are let go."""
        async with self._writing:
            waiting = list(self._leases.values())
            if all(self._fresh(r) for r in waiting):
                return
            async with self.deps.uow() as tx:
                held = await tx.outbox.renew(waiting, self.deps.clock.now() + self.lease)
                await tx.commit()
            renewed = {r.id: r for r in held}
            for r in waiting:
                if r.id in renewed:
                    self._leases[r.id] = renewed[r.id]
                else:
                    self._leases.pop(r.id, None)
            if len(held) < len(waiting):
                log.warning("%d outbox rows were claimed by another worker after their lease "
                            "ran out; not sending them", len(waiting) - len(held))
            loop = asyncio.get_running_loop()
            for row_id, deadline in list(self._deadlines.items()):
                mine = renewed.get(row_id)
                if mine is not None and not deadline.expired():
                    deadline.reschedule(loop.time() + self._left(mine))

    def _fresh(self, row: Claimed) -> bool:
        return row.lease_until is not None and \
            self.deps.clock.now() < row.lease_until - self.margin

    def _left(self, row: Claimed) -> float:
        """Seconds left of this worker's lease on `row`."""
        if row.lease_until is None:
            return 0.0
        return max(0.0, (row.lease_until - self.deps.clock.now()).total_seconds())

    # ---- recording ------------------------------------------------------------------------

    def _record(self, outcome: Outcome) -> None:
        if not self._outcomes:
            self._oldest = time.monotonic()
        self._outcomes.append(outcome)
        what = outcome.status if outcome.status != "pending" else f"put back ({outcome.error})"
        self._tally[what] += 1

    def _route(self, route: Address | None) -> None:
        if route is not None:
            self._routes.append(route)

    async def flush(self) -> None:
        """Write the outcomes and routes gathered so far, in one transaction, each row under
        the lease this worker holds now (renewals included); kept when the write fails (for
        the next try), then the error is raised."""
        async with self._writing:
            outcomes, routes = self._outcomes, self._routes
            if not outcomes and not routes:
                return
            self._outcomes, self._routes = [], []
            current = [replace(o, row=self._leases.get(o.row.id, o.row)) for o in outcomes]
            try:
                async with self.deps.uow() as tx:
                    await tx.identities.set_routes([
                        (a.platform, a.workspace, a.user, a.conversation, a.reference)
                        for a in routes])
                    await tx.outbox.settle(current, self.deps.clock.now())
                    await tx.commit()
            except BaseException:
                self._outcomes[:0], self._routes[:0] = outcomes, routes
                if not self._failing:
                    self._failing = True
                    log.warning("writing outbox outcomes failed; kept, trying again",
                                exc_info=True)
                raise
            self._failing = False
            for o in outcomes:
                self._leases.pop(o.row.id, None)
