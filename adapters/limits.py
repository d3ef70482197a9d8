"""Client-side pacing for the platform senders: sliding-window limits per key (a workspace, a
channel, a conversation) and pauses a platform asked for (HTTP 429 with `Retry-After`).

A call first reserves its slot, so concurrent callers queue in order instead of all waking at
once, then waits for it. A wait longer than the caller accepts is not slept through: `TooLong`
says how long it would be, and the sender turns that into a retryable `DeliveryError`, so the
delivery worker puts the message back in the outbox until then and one throttled workspace or
conversation never holds up the others. The numbers for each platform are in its sender
(adapters/slack/sender.py, adapters/teams/sender.py), with the platform's documentation."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass


class TooLong(Exception):
    """The next slot under a key is further away than the caller will wait (`seconds`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limited for {seconds:.1f}s")
        self.seconds = seconds


@dataclass(frozen=True)
class Window:
    """At most `limit` calls in any `seconds` (a sliding window)."""

    limit: int
    seconds: float


class Limiter:
    """Sliding windows and pauses, per key, in one process.

    `now` is a clock in seconds (the sender's; tests pass a fake one) and `sleep` waits; keys
    idle for longer than the longest window are forgotten, so a county's worth of DM channels
    does not accumulate."""

    def __init__(self, windows: Sequence[Window] = (),
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 sweep_every: int = 10_000) -> None:
        self.windows = tuple(windows)
        self.now = now
        self.sleep = sleep
        self._log: dict[Hashable, deque[float]] = {}
        self._paused: dict[Hashable, float] = {}
        self._depth = max((w.limit for w in self.windows), default=0)
        self._horizon = max((w.seconds for w in self.windows), default=0.0)
        self._sweep_every = sweep_every
        self._since_sweep = 0

    def pause(self, key: Hashable, seconds: float) -> None:
        """No call under `key` for `seconds` (the platform's Retry-After)."""
        until = self.now() + max(0.0, seconds)
        self._paused[key] = max(until, self._paused.get(key, 0.0))

    def paused(self, key: Hashable) -> float:
        """Seconds left of a pause under `key` (0 when there is none)."""
        until = self._paused.get(key)
        if until is None:
            return 0.0
        left = until - self.now()
        if left <= 0:
            self._paused.pop(key, None)
            return 0.0
        return left

    def _slot(self, key: Hashable, now: float) -> float:
        at = now + self.paused(key)
        log = self._log.get(key)
        if log:
            at = max(at, log[-1])  # reservations stay in order
            for w in self.windows:
                if len(log) >= w.limit:
                    at = max(at, log[-w.limit] + w.seconds)
        return at

    def delay(self, key: Hashable) -> float:
        """Seconds until a call under `key` may go (0: now)."""
        now = self.now()
        return max(0.0, self._slot(key, now) - now)

    async def acquire(self, key: Hashable, max_wait: float) -> None:
        """Take the next slot under `key` and wait for it; TooLong (taking nothing) when it is
        more than `max_wait` seconds away."""
        now = self.now()
        at = self._slot(key, now)
        wait = at - now
        if wait > max_wait:
            raise TooLong(wait)
        if self._depth:
            log = self._log.get(key)
            if log is None:
                log = self._log[key] = deque(maxlen=self._depth)
            log.append(at)
            self._since_sweep += 1
            if self._since_sweep >= self._sweep_every:
                self._sweep(now)
        if wait > 0:
            await self.sleep(wait)

    def _sweep(self, now: float) -> None:
        self._since_sweep = 0
        for key in [k for k, log in self._log.items() if not log or
                    log[-1] + self._horizon < now]:
            del self._log[key]
        for key in [k for k, until in self._paused.items() if until < now]:
            del self._paused[key]

    def __len__(self) -> int:
        """Keys remembered (windows and pauses)."""
        return len(self._log) + len(self._paused)
