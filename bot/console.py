"""Console wiring: the hooks the console adapter calls (clock, roster lookup, tick)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.bootstrap import Core
from bot.clock import FakeClock, ShiftableClock
from conversations.schedule import local

log = logging.getLogger(__name__)
_DELTA = re.compile(r"^\+(\d{1,4})([wdhm])$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
MAX_JUMP = timedelta(days=3653)  # ten years: far enough to try anything, short of year 9999


class ConsoleControls:
    """Implements adapters.console.ConsoleHooks on top of the wired app.

    `tick` plans and delivers what is due: by default `outward.tick`; in a process with a
    scheduler (`run`), `OutwardScheduler.tick`, so the console's ticks and the scheduled ones
    take turns."""

    def __init__(self, outward: Core, clock: ShiftableClock | FakeClock,
                 tick: Callable[[], Awaitable[object]] | None = None) -> None:
        self.outward = outward
        self.clock = clock
        self._tick = tick or outward.tick

    async def _zone(self, handle: str) -> str:
        async with self.outward.deps.uow() as tx:
            person = await tx.people.by_handle(handle) if handle else None
            return person.timezone if person else self.outward.settings.timezone

    async def describe(self, handle: str) -> str | None:
        async with self.outward.deps.uow() as tx:
            p = await tx.people.by_handle(handle)
        if p is None:
            return None
        segs = " · ".join(
            v for v in (p.roles.replace(";", ", "), p.branch, p.classification, p.employment) if v
        )
        now = local(self.clock.now(), p.timezone)
        return (
            f"{p.display_name} ({p.handle}): {segs}; local time "
            f"{now:%a %Y-%m-%d %H:%M} {p.timezone}"
        )

    async def move_clock(self, spec: str, handle: str) -> str:
        zone = await self._zone(handle)
        m = _DELTA.match(spec.strip())
        hhmm = _TIME.match(spec.strip())
        if m:
            delta = timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
            if delta > MAX_JUMP:
                return "the clock moves at most ten years at a time"
            self.clock.advance(delta)
        elif hhmm:  # the next working day's HH:MM (today if it is still ahead)
            now = local(self.clock.now(), zone)
            when = now.replace(hour=int(hhmm.group(1)), minute=int(hhmm.group(2)), second=0,
                               microsecond=0)
            while when <= now or when.weekday() >= 5:
                when += timedelta(days=1)  # aware + timedelta keeps the local wall-clock time
            self.clock.set(when)
        else:
            try:
                when = datetime.fromisoformat(spec.strip())
            except ValueError:
                return ("use :clock +2d, +3h, +30m, +1w, 09:30 (the next working day's 09:30) "
                        "or a local time such as 2026-12-01T10:00")
            if when.tzinfo is None:
                when = when.replace(tzinfo=ZoneInfo(zone))
            if when < self.clock.now() - timedelta(minutes=1):
                return "time only moves forward here; pick a later time"
            if when > self.clock.now() + MAX_JUMP:
                return "the clock moves at most ten years at a time"
            self.clock.set(when)
        now = local(self.clock.now(), zone)
        return f"the time is now {now:%a %Y-%m-%d %H:%M} ({zone})"

    async def tick(self) -> None:
        try:
            await self._tick()
        except Exception:  # the console keeps going; the error is in the log
            log.exception("clock tick failed")
