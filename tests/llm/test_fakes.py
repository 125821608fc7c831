"""The chat-model fakes shipped in `interviewer.testing`."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from interviewer.errors import InterviewerError, LLMOutputInvalid, LLMRefused, LLMUnavailable
from interviewer.llm.protocol import ChatModel, Message
from interviewer.testing import Call, FakeLLM, FakeLLMExhausted, FunctionLLM


class Probe(BaseModel):
    question: str
    depth: int


QUESTION: list[Message] = [
    {"role": "system", "content": "You are the interviewer."},
    {"role": "user", "content": "I would cache the embeddings."},
]


def first_reply(model: ChatModel, messages: list[Message]) -> str:
    """Code written against the Protocol, as the app's modules are."""
    return model.complete(messages)


def test_fake_llm_answers_from_its_queue_in_order() -> None:
    llm = FakeLLM(["first", "second"])

    assert first_reply(llm, QUESTION) == "first"
    assert llm.complete(QUESTION) == "second"
    assert llm.remaining == 0


def test_fake_llm_records_every_call_with_what_was_sent() -> None:
    llm = FakeLLM(["a", "b"])

    llm.complete(QUESTION, temperature=0.3, max_tokens=40)
    "".join(llm.stream(QUESTION))

    assert [c.kind for c in llm.calls] == ["complete", "stream"]
    assert llm.calls[0] == Call("complete", tuple(QUESTION), None, 0.3, 40)
    assert llm.calls[0].last_user == "I would cache the embeddings."
    assert llm.calls[0].system == "You are the interviewer."


def test_a_model_reply_is_json_for_complete_and_a_model_for_structured() -> None:
    probe = Probe(question="How fresh must the cache be?", depth=2)
    llm = FakeLLM([probe, probe])

    assert llm.complete(QUESTION) == probe.model_dump_json()
    assert llm.structured(QUESTION, Probe) == probe
    assert llm.calls[1].schema is Probe
    assert llm.calls[1].temperature == 0.0


def test_an_exception_in_the_queue_is_raised_to_script_a_fault() -> None:
    llm = FakeLLM([LLMRefused("the model declined"), "recovered"])

    with pytest.raises(LLMRefused, match="declined"):
        llm.complete(QUESTION)
    assert llm.complete(QUESTION) == "recovered"
    assert len(llm.calls) == 2


def test_a_dry_queue_raises_a_clear_error_that_fallback_code_cannot_swallow() -> None:
    llm = FakeLLM(["only one"])
    llm.complete(QUESTION)

    with pytest.raises(FakeLLMExhausted) as caught:
        llm.complete(QUESTION)

    assert not isinstance(caught.value, InterviewerError)
    assert "call 2" in str(caught.value)
    assert "I would cache the embeddings." in str(caught.value)


def test_more_replies_can_be_added_later() -> None:
    llm = FakeLLM().add("late")

    assert llm.complete(QUESTION) == "late"


def test_stream_yields_several_pieces_that_join_to_the_reply() -> None:
    reply = "What happens when the cache is cold?"
    llm = FakeLLM([reply])

    pieces = list(llm.stream(QUESTION))

    assert len(pieces) == 7
    assert "".join(pieces) == reply


def test_a_scripted_broken_stream_yields_its_partial_text_then_raises() -> None:
    llm = FakeLLM([LLMUnavailable("connection broke", partial="We could shard")])
    pieces: list[str] = []

    with pytest.raises(LLMUnavailable):
        pieces.extend(llm.stream(QUESTION))

    assert "".join(pieces) == "We could shard"


def test_structured_re_asks_through_the_shared_loop() -> None:
    llm = FakeLLM(['{"question": "why?"}', '{"question": "why?", "depth": 1}'])

    assert llm.structured(QUESTION, Probe) == Probe(question="why?", depth=1)

    assert [c.kind for c in llm.calls] == ["structured", "structured"]
    retry = llm.calls[1].messages
    assert retry[-2] == {"role": "assistant", "content": '{"question": "why?"}'}
    assert "- depth: Field required" in retry[-1]["content"]


def test_structured_gives_up_after_two_re_asks_with_the_raw_text() -> None:
    llm = FakeLLM(["no", "still no", "never"])

    with pytest.raises(LLMOutputInvalid) as caught:
        llm.structured(QUESTION, Probe)

    assert (caught.value.raw, caught.value.attempts) == ("never", 3)


def test_usage_is_plausible_and_grows_with_the_prompt() -> None:
    llm = FakeLLM(["short", "short"])

    llm.complete(QUESTION[:1])
    llm.complete([*QUESTION, {"role": "user", "content": "word " * 200}])

    small, large = llm.usage
    assert small.model == "fake-llm"
    assert 0 < small.prompt_tokens < large.prompt_tokens
    assert large.prompt_tokens > 200
    assert small.completion_tokens == large.completion_tokens > 0


def test_function_llm_replies_from_the_request() -> None:
    llm = FunctionLLM(lambda call: f"You said: {call.last_user}")

    assert llm.complete(QUESTION) == "You said: I would cache the embeddings."
    assert "".join(llm.stream(QUESTION)) == "You said: I would cache the embeddings."
    assert len(llm.calls) == 2


def test_function_llm_can_return_models_and_sees_the_schema() -> None:
    def reply(call: Call) -> BaseModel:
        assert call.schema is Probe
        return Probe(question=call.last_user.upper(), depth=len(call.messages))

    llm = FunctionLLM(reply)

    assert llm.structured(QUESTION, Probe) == Probe(question="I WOULD CACHE THE EMBEDDINGS.", depth=2)


def test_function_llm_sees_the_re_ask_and_can_correct_itself() -> None:
    def reply(call: Call) -> str:
        if "not a valid Probe" in call.last_user:
            return '{"question": "fixed", "depth": 3}'
        return "{}"

    llm = FunctionLLM(reply)

    assert llm.structured(QUESTION, Probe).question == "fixed"
    assert len(llm.calls) == 2


def test_function_llm_raises_what_the_function_raises() -> None:
    def broken(call: Call) -> str:
        raise LLMUnavailable("down")

    with pytest.raises(LLMUnavailable):
        FunctionLLM(broken).complete(QUESTION)
