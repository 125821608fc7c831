"""The chat-model layer: a small Protocol, and `OpenAIChat`, the only module that imports `openai`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypedDict, TypeVar

from pydantic import BaseModel

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    role: Role
    content: str


T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Usage:
    """Tokens one call used, as the server reported them."""

    model: str
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0


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
        self, messages: Sequence[Message], schema: type[T], *, temperature: float | None = 0.0
    ) -> T:
        """Return the reply validated as `schema`, re-asking with the validation error at most twice."""
        ...
