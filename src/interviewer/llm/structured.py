"""Structured output from any chat model: validate the reply, then re-ask with the errors.

`structured_reply` is the one validate-and-re-ask loop: `OpenAIChat` and the fakes in `interviewer.testing`
both run it, so tests with fakes exercise the same logic. Provider-independent: it only needs a function
that sends messages and returns the reply text. `with_schema_instruction` is what a server without
`json_schema` support is told instead.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.errors import LLMOutputInvalid

if TYPE_CHECKING:
    from interviewer.llm.protocol import Message

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

MAX_REASKS = 2

_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.S)


def json_text(raw: str) -> str:
    """The JSON inside `raw`, tolerating a Markdown code fence or prose around one object."""
    text = raw.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    if not text.startswith(("{", "[")):
        start, end = text.find("{"), text.rfind("}")
        if start != -1 and end > start:
            text = text[start : end + 1]
    return text


def validate_reply(raw: str, schema: type[T]) -> T:
    """Parse a model's raw reply as `schema`. Raises pydantic's `ValidationError`."""
    return schema.model_validate_json(json_text(raw))


def _problems(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors(include_url=False)[:12]:
        where = ".".join(str(p) for p in err["loc"]) or "(whole reply)"
        lines.append(f"- {where}: {err['msg']}")
    return "\n".join(lines)


def reask_message(schema: type[BaseModel], exc: ValidationError) -> Message:
    """The follow-up that sends the validation errors back to the model."""
    return {
        "role": "user",
        "content": (
            f"Your last reply is not a valid {schema.__name__} object:\n{_problems(exc)}\n"
            "Reply again with only the corrected JSON object, with no prose and no code fence."
        ),
    }


def schema_instruction(schema: type[BaseModel]) -> str:
    """What a server without `json_schema` support is told instead, in the system message."""
    return (
        "Reply with one JSON object only, with no prose and no code fence, "
        f"that matches this JSON schema:\n{json.dumps(schema.model_json_schema(), separators=(',', ':'))}"
    )


def with_schema_instruction(messages: Sequence[Message], schema: type[BaseModel]) -> list[Message]:
    """`messages` with the schema instruction added to the first system message (or a new one)."""
    out = list(messages)
    instruction = schema_instruction(schema)
    if out and out[0]["role"] == "system":
        out[0] = {"role": "system", "content": f"{out[0]['content']}\n\n{instruction}"}
    else:
        out.insert(0, {"role": "system", "content": instruction})
    return out


def structured_reply(
    ask: Callable[[list[Message]], str],
    messages: Sequence[Message],
    schema: type[T],
    *,
    max_reasks: int = MAX_REASKS,
) -> T:
    """Ask, validate as `schema`, and on failure re-ask with the validation error, at most `max_reasks` times.

    `ask` sends a message list and returns the raw reply text. Each re-ask sends the original messages,
    the invalid reply and the errors (not every earlier failure, so the prompt stays small). When every
    attempt fails, raises `LLMOutputInvalid` carrying the last raw reply and the number of attempts.
    """
    history = list(messages)
    raw = ""
    attempts = max_reasks + 1
    for attempt in range(1, attempts + 1):
        raw = ask(history)
        try:
            return validate_reply(raw, schema)
        except ValidationError as exc:
            log.info(
                "reply %d of %d is not a valid %s (%d errors)",
                attempt,
                attempts,
                schema.__name__,
                exc.error_count(),
            )
            history = [*messages, {"role": "assistant", "content": raw}, reask_message(schema, exc)]
    raise LLMOutputInvalid(
        f"the model's reply did not match the expected {schema.__name__} format after {attempts} attempts; "
        "try again, use a more capable model, or choose the offline engine (INTERVIEWER_ENGINE=offline)",
        raw=raw,
        attempts=attempts,
    )
