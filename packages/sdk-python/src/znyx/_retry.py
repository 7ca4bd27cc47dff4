"""When a failed attempt is tried again, and after how long. Pure decisions, no I/O: the sync
and the async client both ask the same :class:`RetryPolicy`.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timezone

__all__ = ["IDEMPOTENT_METHODS", "RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 503})
"""Answers worth another attempt: over the rate limit, or the service briefly unavailable."""

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Only these are ever repeated: a POST is never retried, whatever happened to it."""


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    """Extra attempts after the first; 0 disables retries."""
    base_delay: float = 0.5
    """Seconds; the backoff's ceiling doubles from it at each retry."""
    max_delay: float = 60.0
    """The longest single wait. A ``Retry-After`` beyond it is not waited for: the error is raised."""
    jitter: Callable[[], float] = field(default=random.random, compare=False, repr=False)
    """A uniform random number in [0, 1); replaceable for a reproducible test."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("retry delays must be 0 or more")

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1, 2, …): exponential with full jitter,
        uniformly random in ``[0, min(max_delay, base_delay * 2 ** (retry - 1))]``, so that many
        clients failing together do not come back together."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return ceiling * self.jitter()

    def after_status(self, method: str, attempt: int, status: int, retry_after: float | None) -> float | None:
        """Seconds to wait before another attempt, or ``None`` to give up with this answer.

        ``attempt`` is the number of the attempt that got it (1 for the first)."""
        if not self._may_retry(method, attempt) or status not in RETRY_STATUSES:
            return None
        if retry_after is None:
            return self.backoff(attempt)
        # The server said when; waiting less would only earn another 429. When it asks for longer
        # than we are willing to block, the caller gets the error (with retry_after) at once.
        return retry_after if retry_after <= self.max_delay else None

    def after_network_error(self, method: str, attempt: int) -> float | None:
        """Seconds to wait before another attempt after no answer (or a timeout), or ``None``."""
        return self.backoff(attempt) if self._may_retry(method, attempt) else None

    def _may_retry(self, method: str, attempt: int) -> bool:
        return method.upper() in IDEMPOTENT_METHODS and attempt <= self.max_retries


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds: delta-seconds, or an HTTP date turned into seconds from
    ``now`` (default: the current time; a date in the past is 0). ``None`` if absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdecimal() and text.isascii():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": the zone is unknown; an HTTP date is GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
