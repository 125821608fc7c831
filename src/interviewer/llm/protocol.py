"""The chat-model protocol the rest of the app sees, and the values that cross it.

`ChatModel` is all the interviewer, the grader and the answerer know of a model: `stream`, `complete` and
`structured`. `OpenAIChat` (in `openai_client`) implements it for OpenAI-compatible servers and the fakes
in `interviewer.testing` implement it for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypedDict, TypeVar

from pydantic import BaseModel

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    role: Role
    content: str


T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")


@dataclass(frozen=True)
class Usage:
    """Tokens one call used, as the server reported them (`estimated` when it reported nothing)."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0
    estimated: bool = False


class ChatModel(Protocol):
    """What the interviewer, the grader and the answerer need from a chat model.

    `usage` accumulates one `Usage` per completed call, for cost accounting.
    """

    model: str
    usage: list[Usage]

    def stream(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> Iterator[str]:
        """Yield the reply in pieces as they arrive."""
        ...

    def complete(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> str:
        """Return the whole reply."""
        ...

    def structured(
        self,
        messages: Sequence[Message],
        schema: type[T],
        *,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
    ) -> T:
        """Return the reply validated as `schema`, re-asking with the validation error at most twice."""
        ...


# --- History trimming for context_length_exceeded ---------------------------------------------------

Trimmer = Callable[[Sequence[Message]], list[Message]]


def drop_oldest_half(messages: Sequence[Message]) -> list[Message]:
    """Keep every system message and the newer half of the rest (always the last message)."""
    others = [i for i, m in enumerate(messages) if m["role"] != "system"]
    dropped = set(others[: len(others) // 2])
    return [m for i, m in enumerate(messages) if i not in dropped]


def estimate_tokens(text: str) -> int:
    """A rough count (about four characters a token) for when a server reports no usage."""
    return max(1, (len(text) + 3) // 4) if text else 0


def estimate_usage(model: str, messages: Sequence[Message], reply: str) -> Usage:
    prompt = sum(estimate_tokens(m["content"]) + 4 for m in messages)
    return Usage(model, prompt, estimate_tokens(reply), estimated=True)


def usage_from(model: str, usage: Mapping[str, Any] | None, sent: Sequence[Message], reply: str) -> Usage:
    """The usage a server reported (OpenAI's `usage` object), or an estimate when it reported none."""
    if not usage or usage.get("prompt_tokens") is None:
        return estimate_usage(model, sent, reply)
    details = usage.get("prompt_tokens_details") or {}
    return Usage(
        model,
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        int(details.get("cached_tokens") or 0),
    )
