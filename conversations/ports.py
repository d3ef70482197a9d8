"""What the core needs from the outside, as protocols the composition root fills in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from conversations.events import Address
from conversations.messages import Message


class Clock(Protocol):
    """The current time, always an aware UTC datetime."""

    def now(self) -> datetime: ...


class Sender(Protocol):
    """An adapter's outbound side: deliver messages to an address proactively."""

    platform: str

    async def send(self, address: Address, messages: Sequence[Message]) -> None:
        """Deliver or raise DeliveryError."""
        ...


class DeliveryError(Exception):
    """A send failed. `retry` says whether trying again later can help; `retry_after` (seconds)
    is the platform's own hint (HTTP Retry-After), when it gave one."""

    def __init__(self, reason: str, *, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.retry_after = retry_after


class Scrub(Protocol):
    """Removes personal data from free text before it is stored."""

    def __call__(self, text: str) -> str: ...


class NotYet(Exception):
    """A planned message cannot go now but may later (e.g. its round is paused)."""
