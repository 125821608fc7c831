"""Reading a streamed reply against a deadline, without the SDK's event decoder.

`INTERVIEWER_TIMEOUT` is a deadline for the whole call, streaming included. The SDK's decoder hides
server-sent-event comments (`: ping`), so a server that keeps a stream alive with pings, or trickles a
token now and then, would hold a reader forever: each read succeeds well within the read timeout.
`EventReader` turns raw bytes into events itself, so the adapter gets control back on every read,
pings included, and checks its `Deadline`. SDK-free: the adapter feeds it bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PROBE_TIMEOUT_S = 3.0
"""How long the cheap request that tests a server after the breaker's cooldown may take."""


@dataclass
class Deadline:
    """A point in monotonic time by which a call must be over."""

    at: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    def left(self) -> float:
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        return self.clock() >= self.at


class EventReader:
    """Feed it the bytes of a `text/event-stream`; it returns the `data` of each complete event.

    Comment lines (`: ping`) and the `event:`, `id:` and `retry:` fields are skipped; `data` lines of one
    event are joined with newlines, as the SSE format says.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data
        events: list[str] = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                return events
            line = self._buffer[:end].rstrip(b"\r").decode("utf-8", errors="replace")
            self._buffer = self._buffer[end + 1 :]
            if not line:
                if self._data:
                    events.append("\n".join(self._data))
                    self._data = []
            elif line.startswith("data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(" ") else value)

    def close(self) -> list[str]:
        """Events left when the stream ends without a final blank line."""
        events = self.feed(b"\n\n") if self._buffer.strip() or self._data else []
        return events


class StreamedReply:
    """What a streamed chat completion has brought so far, event by event (OpenAI's chunk format)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.refusal: list[str] = []
        self.finish: str | None = None
        self.usage: dict[str, Any] | None = None
        self.done = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def take(self, event: str) -> str:
        """Read one event's data; return the text it adds. Raises `ValueError` on a malformed event."""
        if event.strip() == "[DONE]":
            self.done = True
            return ""
        chunk = json.loads(event)
        if not isinstance(chunk, dict):
            raise ValueError("a stream event that is not a JSON object")
        if chunk.get("error"):
            raise ValueError("the server reported an error in the middle of the stream")
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        choices = chunk.get("choices") or []
        if not choices:
            return ""
        choice = choices[0]
        delta = choice.get("delta") or {}
        if delta.get("refusal"):
            self.refusal.append(str(delta["refusal"]))
        if choice.get("finish_reason"):
            self.finish = str(choice["finish_reason"])
        content = delta.get("content")
        if content:
            self.parts.append(str(content))
            return str(content)
        return ""


def is_timeout(exc: BaseException) -> bool:
    """True for a read or connect timeout from whichever HTTP library the SDK uses."""
    return isinstance(exc, TimeoutError) or any(
        cls.__name__ in ("TimeoutException", "APITimeoutError") for cls in type(exc).__mro__
    )
