"""Structured output: JSON schema, the json_object fallback, and the validate-and-re-ask loop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from fake_openai_server import (
    FakeOpenAIServer,
    Reply,
    json_schema_rejected,
    json_schema_unsupported,
    refusal,
    server_error,
    truncated,
)
from interviewer.errors import LLMError, LLMOutputInvalid, LLMRefused, LLMTruncated
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.openai_client import OpenAIChat
from interviewer.llm.protocol import Message
from interviewer.llm.structured import structured_reply, validate_reply
from interviewer.testing import FakeLLM


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5)
    reason: str


GOOD = '{"score": 4, "reason": "covers the data flywheel"}'
ASK: list[Message] = [
    {"role": "system", "content": "Grade the answer."},
    {"role": "user", "content": "Answer: we log impressions and retrain daily."},
]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def chat(server: FakeOpenAIServer, tmp_path: Path) -> OpenAIChat:
    return OpenAIChat(server.settings(tmp_path), breaker=CircuitBreaker(), sleep=lambda _: None)


# Against the fake server, with the real client.


def test_structured_sends_a_strict_json_schema_and_returns_the_validated_model(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply(GOOD))

    verdict = chat.structured(ASK, Verdict)

    assert verdict == Verdict(score=4, reason="covers the data flywheel")
    body = server.requests[0].json()
    assert body["temperature"] == 0.0
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]
    assert schema["name"] == "Verdict"
    assert schema["strict"] is True
    assert schema["schema"]["properties"]["score"]["maximum"] == 5


def test_invalid_json_is_re_asked_with_the_validation_error(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply('{"score": 4, "reason": '), Reply(GOOD))

    assert chat.structured(ASK, Verdict).score == 4

    reask = server.requests[1].messages
    assert reask[: len(ASK)] == list(ASK)
    assert reask[-2] == {"role": "assistant", "content": '{"score": 4, "reason": '}
    assert "not a valid Verdict" in reask[-1]["content"]
    assert "Invalid JSON" in reask[-1]["content"]


def test_output_that_never_validates_raises_output_invalid_with_the_raw_text(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply('{"score": 9}'), Reply('{"score": 8}'), Reply('{"score": 7, "reason": ""}'))

    with pytest.raises(LLMOutputInvalid) as caught:
        chat.structured(ASK, Verdict)

    assert caught.value.raw == '{"score": 7, "reason": ""}'
    assert caught.value.attempts == 3
    assert len(server.requests) == 3
    assert "offline engine" in str(caught.value)


def test_a_server_that_rejects_json_schema_gets_json_object_mode_with_the_schema_in_the_prompt(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(json_schema_rejected(), Reply(GOOD), Reply(GOOD))

    first = chat.structured(ASK, Verdict)
    second = chat.structured(ASK, Verdict)

    assert first == second == Verdict(score=4, reason="covers the data flywheel")
    bodies = [r.json() for r in server.requests]
    assert bodies[0]["response_format"]["type"] == "json_schema"
    assert bodies[1]["response_format"] == {"type": "json_object"}
    assert bodies[2]["response_format"] == {"type": "json_object"}, "the fallback is remembered"
    system = bodies[1]["messages"][0]
    assert system["role"] == "system"
    assert system["content"].startswith("Grade the answer.")
    schema = json.loads(system["content"].split("JSON schema:\n", 1)[1])
    assert schema["required"] == ["score", "reason"]
    assert chat.json_mode == "json_object"


def test_a_server_that_ignores_json_schema_is_re_asked_in_json_object_mode(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply("Sure! I would give this answer a four."), Reply(GOOD))

    assert chat.structured(ASK, Verdict).score == 4

    assert server.requests[1].json()["response_format"] == {"type": "json_object"}
    assert "Invalid JSON" in server.requests[1].messages[-1]["content"]


def test_a_structured_refusal_raises_refused(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(refusal("I can't grade this."))

    with pytest.raises(LLMRefused, match="can't grade this"):
        chat.structured(ASK, Verdict)


def test_structured_output_cut_at_the_token_limit_raises_truncated(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(truncated('{"score": 4, "rea'))

    with pytest.raises(LLMTruncated) as caught:
        chat.structured(ASK, Verdict)

    assert caught.value.partial == '{"score": 4, "rea'


# The loop itself, through the fakes (the same function runs).


def test_a_reply_in_a_code_fence_or_with_prose_around_it_is_accepted() -> None:
    assert validate_reply(f"```json\n{GOOD}\n```", Verdict).score == 4
    assert validate_reply(f"Here is the grade:\n{GOOD}\nHope this helps.", Verdict).score == 4


def test_a_value_out_of_bounds_is_re_asked_naming_the_field_and_the_bound() -> None:
    llm = FakeLLM(['{"score": 9, "reason": "great"}', GOOD])

    assert llm.structured(ASK, Verdict).score == 4

    feedback = llm.calls[1].messages[-1]["content"]
    assert "- score: Input should be less than or equal to 5" in feedback
    assert "great" not in feedback, "the feedback names the problem, not the whole input"


def test_the_re_ask_sends_only_the_last_failure_not_every_one() -> None:
    llm = FakeLLM(["first bad", "second bad", GOOD])

    llm.structured(ASK, Verdict)

    third = llm.calls[2].messages
    assert len(third) == len(ASK) + 2
    assert third[-2]["content"] == "second bad"


def test_structured_reply_stops_after_two_re_asks() -> None:
    asked: list[list[Message]] = []

    def ask(history: list[Message]) -> str:
        asked.append(history)
        return "nope"

    with pytest.raises(LLMOutputInvalid) as caught:
        structured_reply(ask, ASK, Verdict)

    assert len(asked) == 3
    assert caught.value.raw == "nope"


def test_the_number_of_re_asks_can_be_lowered() -> None:
    llm = FakeLLM(["bad"])

    with pytest.raises(LLMOutputInvalid) as caught:
        structured_reply(lambda history: llm.complete(history), ASK, Verdict, max_reasks=0)

    assert caught.value.attempts == 1


@pytest.mark.parametrize("status", [500, 422, 400])
def test_a_server_that_answers_json_schema_with_an_error_naming_the_allowed_types_gets_json_object_at_once(
    server: FakeOpenAIServer, chat: OpenAIChat, status: int
) -> None:
    server.script(json_schema_unsupported(status), Reply(GOOD))

    assert chat.structured(ASK, Verdict).score == 4

    assert len(server.requests) == 2, "the error is not retried as an outage"
    assert server.requests[1].json()["response_format"] == {"type": "json_object"}
    assert "JSON schema:" in server.requests[1].messages[0]["content"]
    assert chat.breaker.state().consecutive_failures == 0


def test_what_a_server_rejects_is_remembered_for_every_client_of_the_same_server_and_model(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.script(json_schema_unsupported(), Reply(GOOD), Reply(GOOD), Reply(GOOD))
    settings = server.settings(tmp_path)
    OpenAIChat(settings, "tiny", breaker=CircuitBreaker()).structured(ASK, Verdict)

    OpenAIChat(settings, "tiny", breaker=CircuitBreaker()).structured(ASK, Verdict)
    OpenAIChat(settings, "other", breaker=CircuitBreaker()).structured(ASK, Verdict)

    formats = [r.json()["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object", "json_object", "json_schema"]


def test_a_plain_server_error_on_a_structured_call_is_still_retried_with_json_schema(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(server_error(500), Reply(GOOD))

    assert chat.structured(ASK, Verdict).score == 4

    assert [r.json()["response_format"]["type"] for r in server.requests] == ["json_schema", "json_schema"]
    assert chat.json_mode == "json_schema"


def test_an_error_about_response_format_on_a_plain_completion_teaches_nothing(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(json_schema_unsupported(422))

    with pytest.raises(LLMError):
        chat.complete(ASK)

    assert chat.json_mode == "json_schema"
