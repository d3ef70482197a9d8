"""Bot Connector failures: which are worth retrying, how long Teams asks us to wait, and how a
failure reads as the delivery worker's `DeliveryError`.
https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from msrest.exceptions import ClientRequestError, DeserializationError, HttpOperationError

from conversations.ports import DeliveryError

# Bot Connector answers worth retrying: throttling (429), a conflicting concurrent update (412),
# and gateway failures.
RETRY_STATUSES = frozenset({412, 429, 502, 503, 504})
GONE_STATUSES = frozenset({403, 404})  # bot removed/blocked, conversation deleted
# What a failed connector call can raise (msrest; a DeserializationError is an error page msrest
# cannot read, e.g. a text/plain 404 from the serviceUrl).
CONNECTOR_ERRORS = (HttpOperationError, ClientRequestError, DeserializationError)


def failure(exc: BaseException) -> tuple[int | None, float | None]:
    """(HTTP status or None for a network failure, Retry-After seconds) of a connector error."""
    if isinstance(exc, HttpOperationError):
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        headers: Mapping[str, str] = getattr(response, "headers", None) or {}
        return (int(status) if status is not None else None), retry_after(
            headers.get("Retry-After")
        )
    return None, None


def retry_after(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) in seconds from now."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def retryable(exc: BaseException) -> bool:
    """A throttled or gateway answer, or a network failure: worth another try."""
    if isinstance(exc, HttpOperationError):
        status, _ = failure(exc)
        return status in RETRY_STATUSES
    return isinstance(exc, (ClientRequestError, asyncio.TimeoutError, ConnectionError))


def describe(exc: BaseException) -> str:
    """A short description for logs (never a response body)."""
    status, _ = failure(exc)
    if status is not None:
        return f"HTTP {status}"
    if isinstance(exc, DeserializationError):
        return "an answer that is not JSON"
    return type(exc).__name__


def delivery_error(exc: BaseException) -> DeliveryError:
    """A failed proactive send as the worker's DeliveryError (retry later, or give up)."""
    status, hint = failure(exc)
    if status in GONE_STATUSES:
        return DeliveryError(f"Teams answered {status}: the bot can no longer reach this person",
                             retry=False)
    if retryable(exc):
        return DeliveryError(f"Teams connector: {describe(exc)}", retry=True, retry_after=hint)
    if status is not None:
        return DeliveryError(f"Teams answered {status}", retry=status >= 500)
    return DeliveryError(f"Teams delivery failed: {describe(exc)}", retry=True)
