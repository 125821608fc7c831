"""Chat-model fakes: `FakeLLM` plays a scripted reply queue, `FunctionLLM` computes each reply.

Both satisfy `ChatModel`, record every call in `calls`, keep a plausible `usage`, and run structured
calls through the same validate-and-re-ask loop as `OpenAIChat` (`structured_reply`), so a test that
scripts an invalid reply sees the same re-ask the real client would send.

    llm = FakeLLM(["not json", Verdict(score=4)])
    assert llm.structured(messages, Verdict).score == 4
    assert "not a valid Verdict" in llm.calls[1].messages[-1]["content"]
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from interviewer.errors import LLMTruncated, LLMUnavailable
from interviewer.llm.protocol import Message, T, Usage, estimate_usage
from interviewer.llm.structured import structured_reply

CallKind = Literal["stream", "complete", "structured"]


@dataclass(frozen=True)
class Call:
    """One request a fake received. A structured call that was re-asked shows up once per attempt."""

    kind: CallKind
    messages: tuple[Message, ...]
    schema: type[BaseModel] | None = None
    temperature: float | None = None
    max_tokens: int | None = None

    @property
    def last_user(self) -> str:
        """The content of the last user message, which is what most replies depend on."""
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")

    @property
    def system(self) -> str:
        return "\n\n".join(m["content"] for m in self.messages if m["role"] == "system")


class FakeLLMExhausted(AssertionError):
    """The test asked the fake for more replies than it scripted.

    An `AssertionError`, not an `InterviewerError`, so code under test cannot mistake it for an
    LLM failure and quietly fall back to the offline engine.
    """


Reply = str | BaseModel | Exception


def _text(reply: str | BaseModel) -> str:
    return reply.model_dump_json() if isinstance(reply, BaseModel) else reply


def _pieces(text: str) -> list[str]:
    """`text` in several chunks (words with their spacing), so streaming code sees real pieces."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


class _FakeBase:
    """Shared by the fakes: recording, usage and the three calls over one `_reply` hook."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.usage: list[Usage] = []
        self.calls: list[Call] = []

    def _reply(self, call: Call) -> Reply:
        raise NotImplementedError

    def _answer(self, call: Call) -> str:
        self.calls.append(call)
        reply = self._reply(call)
        if isinstance(reply, Exception):
            raise reply
        text = _text(reply)
        self.usage.append(estimate_usage(self.model, call.messages, text))
        return text

    def stream(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> Iterator[str]:
        """Yield the reply in pieces. A scripted `LLMTruncated`/`LLMUnavailable` yields its `partial` first."""
        call = Call("stream", tuple(messages), None, temperature, max_tokens)
        self.calls.append(call)
        reply = self._reply(call)
        if isinstance(reply, Exception):
            partial = (
                getattr(reply, "partial", "") if isinstance(reply, LLMTruncated | LLMUnavailable) else ""
            )
            if partial:
                yield from _pieces(partial)
            raise reply
        text = _text(reply)
        self.usage.append(estimate_usage(self.model, call.messages, text))
        yield from _pieces(text)

    def complete(
        self, messages: Sequence[Message], *, temperature: float | None = None, max_tokens: int | None = None
    ) -> str:
        return self._answer(Call("complete", tuple(messages), None, temperature, max_tokens))

    def structured(
        self,
        messages: Sequence[Message],
        schema: type[T],
        *,
        temperature: float | None = 0.0,
        max_tokens: int | None = None,
    ) -> T:
        def ask(history: list[Message]) -> str:
            return self._answer(Call("structured", tuple(history), schema, temperature, max_tokens))

        return structured_reply(ask, messages, schema)


class FakeLLM(_FakeBase):
    """A scripted chat model: each call takes the next reply from the queue.

    A `str` is the reply text; a pydantic model is serialised to JSON (for `structured`); an
    `Exception` is raised (script faults with `LLMUnavailable(...)`, `LLMRefused(...)`...). When the
    queue runs dry, `FakeLLMExhausted` says how many calls were made and what the last one asked.
    """

    def __init__(self, replies: Iterable[Reply] = (), *, model: str = "fake-llm") -> None:
        super().__init__(model)
        self._queue: deque[Reply] = deque(replies)

    def add(self, *replies: Reply) -> FakeLLM:
        """Append more replies to the queue."""
        self._queue.extend(replies)
        return self

    @property
    def remaining(self) -> int:
        return len(self._queue)

    def _reply(self, call: Call) -> Reply:
        if not self._queue:
            asked = call.last_user[:120]
            raise FakeLLMExhausted(
                f"FakeLLM has no reply left for call {len(self.calls)} ({call.kind}, last user message: "
                f"{asked!r}); script more replies"
            )
        return self._queue.popleft()


class FunctionLLM(_FakeBase):
    """A chat model whose reply is `fn(call)`, for replies that depend on what was asked."""

    def __init__(self, fn: Callable[[Call], str | BaseModel], *, model: str = "function-llm") -> None:
        super().__init__(model)
        self._fn = fn

    def _reply(self, call: Call) -> Reply:
        try:
            return self._fn(call)
        except Exception as exc:
            return exc
