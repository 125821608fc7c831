"""Reading a model server's faults without the SDK: network policy, `retry-after`, context errors, scrubbing."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from interviewer.errors import ConfigError, LLMError, LLMRefused, LLMTruncated

BLOCK_NETWORK_ENV = "INTERVIEWER_BLOCK_NETWORK"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NO_KEY = "no-key-needed"  # local servers ignore the key, but the SDK insists on one
MAX_RETRY_AFTER_S = 10.0
"""Longest `retry-after` the client waits; a longer hint fails the call at once."""
SK_PATTERN = re.compile(r"sk-[A-Za-z0-9*_\-]{6,}")
_CONTEXT_HINTS = (
    "context_length",
    "context length",
    "context size",
    "context window",
    "maximum context",
    "too many tokens",
    "prompt is too long",
)


def check_network_allowed(base_url: str | None) -> None:
    if os.environ.get(BLOCK_NETWORK_ENV, "") != "1":
        return
    host = urlsplit(base_url).hostname if base_url else None
    if host not in _LOCAL_HOSTS:
        raise ConfigError(
            f"network access is blocked ({BLOCK_NETWORK_ENV}=1), so no client is built for "
            f"{host or 'api.openai.com'}; point OPENAI_BASE_URL at a server on 127.0.0.1, or use the offline engine"
        )


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait, from `retry-after-ms` or `retry-after` (seconds or a date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
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


def server_message(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    return exc.message


def is_context_error(exc: Any) -> bool:
    code = f"{exc.code or ''} {exc.type or ''}".lower()
    if "context_length_exceeded" in code or "exceed_context_size" in code:
        return True
    text = server_message(exc).lower()
    return any(hint in text for hint in _CONTEXT_HINTS)


def finish_fault(finish: str | None, refusal: str, text: str) -> LLMError | None:
    """The fault a finished reply carries: a refusal, a content filter, or a cut at the token limit."""
    if refusal or finish == "content_filter":
        reason = refusal.strip() or "the server's content filter stopped the reply"
        return LLMRefused(
            f"the model declined to answer ({reason[:200]}); rephrase the answer, or choose the "
            "offline engine for this step"
        )
    if finish == "length":
        return LLMTruncated(
            "the reply hit the token limit before it was complete; the partial reply is kept; ask for "
            "a shorter answer or raise the limit (INTERVIEWER_REPLY_TOKENS)",
            partial=text,
        )
    return None
