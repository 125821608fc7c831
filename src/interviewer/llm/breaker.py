"""`CircuitBreaker`: after 3 consecutive failed model calls, fail fast for 60 s.

A call can also trip it at once (`record_failure(trip=True)`): a timeout during a live interview does, so
a hung server costs the candidate one wait, not three. After the cooldown the caller probes the server
with a cheap request before trusting it with a real call (`check()` returns True when half open).

While the breaker is open, callers get `CircuitOpen` at once and the app carries on with the offline
engine; the status bar shows `state()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from interviewer.errors import CircuitOpen

log = logging.getLogger(__name__)

BreakerStatus = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class BreakerState:
    """A snapshot for the status bar: `until` is the local time calls resume, when open."""

    status: BreakerStatus
    consecutive_failures: int
    until: datetime | None
    seconds_left: float


class CircuitBreaker:
    """Fail fast after `threshold` consecutive failed calls, for `cooldown_s` seconds.

    After the cooldown one call is let through (half open): a success closes the breaker, a failure
    opens it again at once. `clock` is monotonic seconds; `now` gives the wall time shown to the user.
    """

    def __init__(
        self,
        threshold: int = 3,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._now = now
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def _seconds_left(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.cooldown_s - self._clock())

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._seconds_left() > 0

    @property
    def opens_until(self) -> datetime | None:
        """When calls are tried again (local time), or None when the breaker is not open."""
        with self._lock:
            left = self._seconds_left()
        return self._now() + timedelta(seconds=left) if left > 0 else None

    def state(self) -> BreakerState:
        with self._lock:
            left = self._seconds_left()
            failures = self._failures
            half_open = self._opened_at is not None and left == 0
        if left > 0:
            return BreakerState("open", failures, self._now() + timedelta(seconds=left), left)
        return BreakerState("half_open" if half_open else "closed", failures, None, 0.0)

    def check(self) -> bool:
        """Raise `CircuitOpen` while open; return True when half open, so the caller probes first."""
        with self._lock:
            half_open = self._opened_at is not None and self._seconds_left() == 0
        until = self.opens_until
        if until is None:
            return half_open
        raise CircuitOpen(
            "the model server keeps failing or does not answer, so the app continues on the offline "
            f"engine until {until:%H:%M:%S}; it will try the server again after that",
            until=until,
        )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self, *, trip: bool = False) -> None:
        """Count a failed call; `trip` opens the breaker at once (a hung server during a live interview)."""
        with self._lock:
            self._failures += 1
            if trip:
                self._failures = max(self._failures, self.threshold)
            if self._failures >= self.threshold:
                self._opened_at = self._clock()
        if self._failures >= self.threshold:
            log.warning("circuit breaker open for %.0f s after %d failures", self.cooldown_s, self._failures)

    def reset(self) -> None:
        self.record_success()


DEFAULT_BREAKER = CircuitBreaker()
"""Shared by every chat model in the process unless one is injected."""

AUDIO_BREAKER = CircuitBreaker()
"""Speech has its own breaker, so a server without audio endpoints does not stop the chat."""
