"""Slack Web API failures as the delivery worker's `DeliveryError`, and slack_sdk's retry handlers.

Error codes: https://docs.slack.dev/reference/methods/chat.postMessage#errors
Rate limits: https://docs.slack.dev/apis/web-api/rate-limits
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from conversations.ports import DeliveryError

# Worth another try later; any other error code (channel_not_found, token_revoked, ...) is final
# for this outbox row.
RETRYABLE_ERRORS = frozenset({
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "timeout",
})
DEFAULT_RATE_LIMIT_WAIT = 30.0  # seconds, when a 429 carries no Retry-After


class SlackRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 in place only when Slack's `Retry-After` is short.

    A longer wait is not slept through: the error reaches the caller, so the delivery worker
    re-queues the outbox row at `Retry-After` and goes on with other rows.
    https://docs.slack.dev/apis/web-api/rate-limits"""

    def __init__(self, max_retry_count: int = 2, max_wait: float = 3.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait


def retry_handlers() -> list[AsyncRetryHandler]:
    """slack_sdk's handlers: connection errors, 429 (honouring Retry-After), 500/503."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        SlackRateLimitRetryHandler(),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """The Retry-After header in seconds (header values may be strings or lists of strings)."""
    for name, value in (headers or {}).items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(str(raw)))
            except ValueError:
                return None
    return None


def api_method(exc: SlackApiError) -> str:
    """The Web API method a failed call was for (the last part of its URL)."""
    url = str(getattr(exc.response, "api_url", "") or "")
    return url.rstrip("/").rsplit("/", 1)[-1]


def delivery_error(exc: BaseException) -> DeliveryError:
    """A Web API failure as the worker's DeliveryError (retry or give up for this row)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 0) or 0
        data = getattr(exc.response, "data", None)
        error = str(data.get("error", "")) if isinstance(data, dict) else ""
        error = error or f"http_{status}"
        if status == 429 or error in ("ratelimited", "rate_limited"):
            return DeliveryError("ratelimited", retry=True,
                                 retry_after=retry_after(exc.response.headers)
                                 or DEFAULT_RATE_LIMIT_WAIT)
        if status >= 500 or error in RETRYABLE_ERRORS:
            return DeliveryError(error, retry=True)
        return DeliveryError(error, retry=False)
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError):
        return DeliveryError(f"connection: {type(exc).__name__}", retry=True)
    return DeliveryError(type(exc).__name__, retry=False)
