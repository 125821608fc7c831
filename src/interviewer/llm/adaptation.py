"""What an OpenAI-compatible server turned out not to accept, learnt from its error answers.

Servers differ: llama.cpp rejects `response_format: json_schema` (some with a 400, some with a 422 or even
a 500 whose body says "Input should be 'text' or 'json_object'"), some reject `stream_options` or
`temperature`, and OpenAI's newer models want `max_completion_tokens`. `ServerQuirks` reads an error's
status, parameter and message, decides whether a changed request is worth sending, and remembers the
change. `quirks_for` keeps one per (base URL, model) for the life of the process, so only the first call
to a server pays for the lesson. SDK-free: the adapter passes in plain values.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

JsonMode = Literal["json_schema", "json_object"]

# Words in an error that say the server cannot do structured output with a JSON schema.
_JSON_SCHEMA_HINTS = (
    "json_schema",
    "json schema",
    "response_format",
    "response format",
    "'text' or 'json_object'",
    '"text" or "json_object"',
    "text or json_object",
)


def rejects_json_schema(param: str, message: str) -> bool:
    """True when an error (whatever its status) says the server does not take `json_schema`."""
    param, text = param.lower(), message.lower()
    return param.startswith("response_format") or any(hint in text for hint in _JSON_SCHEMA_HINTS)


@dataclass
class ServerQuirks:
    """The request shape one server and model accept; changed in place as the server teaches us."""

    json_mode: JsonMode = "json_schema"
    stream_usage: bool = True
    send_temperature: bool = True
    max_tokens_param: str = "max_tokens"

    def adapt(self, status: int, param: str | None, message: str, *, sent_json_schema: bool) -> bool:
        """Learn from an error answer; True when the request should be sent again, changed.

        A rejected `json_schema` is recognised at any status (400, 422, 500...), but only when the request
        asked for one. The other parameters are only learnt from a 4xx, which is how servers reject them.
        """
        param = (param or "").lower()
        text = message.lower()
        if sent_json_schema and self.json_mode == "json_schema" and rejects_json_schema(param, text):
            log.warning("the server rejects json_schema (%d); using json_object mode from now on", status)
            self.json_mode = "json_object"
            return True
        if not 400 <= status < 500:
            return False

        def about(name: str) -> bool:
            return param.startswith(name) or name in text

        if self.stream_usage and about("stream_options"):
            self.stream_usage = False
            return True
        if self.send_temperature and about("temperature"):
            self.send_temperature = False
            return True
        if self.max_tokens_param == "max_tokens" and about("max_tokens") and "max_completion_tokens" in text:
            self.max_tokens_param = "max_completion_tokens"
            return True
        if self.max_tokens_param == "max_completion_tokens" and about("max_completion_tokens"):
            self.max_tokens_param = "max_tokens"
            return True
        return False


_LEARNT: dict[tuple[str, str], ServerQuirks] = {}
_LOCK = threading.Lock()


def quirks_for(base_url: str | None, model: str) -> ServerQuirks:
    """The process-wide quirks of `model` at `base_url` (None is OpenAI itself), created on first use."""
    key = ((base_url or "").rstrip("/"), model)
    with _LOCK:
        quirks = _LEARNT.get(key)
        if quirks is None:
            quirks = ServerQuirks(max_tokens_param="max_tokens" if base_url else "max_completion_tokens")
            _LEARNT[key] = quirks
        return quirks


def forget_quirks() -> None:
    """Forget everything learnt (tests start from a clean slate)."""
    with _LOCK:
        _LEARNT.clear()
