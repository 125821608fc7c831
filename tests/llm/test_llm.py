"""`OpenAIChat` and `OpenAIAudio` with the real `openai` client, against a fake server on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from fake_openai_server import (
    CutStream,
    FakeOpenAIServer,
    RawBody,
    Reply,
    Slow,
    Speech,
    Status,
    closed_port,
    context_too_long,
    rate_limited,
    refusal,
    server_error,
    truncated,
    unauthorized,
)
from interviewer.config import ReplyTokens, Settings
from interviewer.errors import (
    ConfigError,
    InterviewerError,
    LLMAuthError,
    LLMContextTooLong,
    LLMError,
    LLMRateLimited,
    LLMRefused,
    LLMTruncated,
    LLMUnavailable,
)
from interviewer.llm.audio import OpenAIAudio
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.openai_client import OpenAIChat, make_chat_model
from interviewer.llm.protocol import Message, Usage, drop_oldest_half

pytestmark = pytest.mark.server


class Flag(BaseModel):
    ok: bool


KEY = "sk-test-SECRET-4f9a1c2b3d4e5f60718293a4b5c6d7e8"
HELLO: list[Message] = [
    {"role": "system", "content": "You are a calm interviewer."},
    {"role": "user", "content": "Hello, shall we start?"},
]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


@pytest.fixture
def naps() -> list[float]:
    """What the client asked to sleep, instead of sleeping."""
    return []


@pytest.fixture
def chat(server: FakeOpenAIServer, naps: list[float], tmp_path: Path) -> OpenAIChat:
    return OpenAIChat(server.settings(tmp_path), breaker=CircuitBreaker(), sleep=naps.append)


def a_long_conversation(turns: int = 6) -> list[Message]:
    messages: list[Message] = [{"role": "system", "content": "Interview rules."}]
    for i in range(turns):
        role = "user" if i % 2 == 0 else "assistant"
        messages.append({"role": role, "content": f"turn {i}"})
    return messages


# Ordinary replies.


def test_complete_returns_the_reply_and_records_the_servers_usage(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply("Let's begin with the requirements."))

    assert chat.complete(HELLO) == "Let's begin with the requirements."

    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.json()["model"] == "gpt-4o-mini"
    assert sent.messages == list(HELLO)
    assert sent.headers["authorization"] == "Bearer sk-test-fake-server-key"
    assert chat.usage == [Usage("gpt-4o-mini", 21, 5, cached_tokens=3)]


def test_temperature_and_max_tokens_are_sent_as_given(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(Reply("ok"))

    chat.complete(HELLO, temperature=0.2, max_tokens=50)

    body = server.requests[0].json()
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 50


def test_reply_budgets_come_from_one_setting_and_a_bad_one_names_the_fix() -> None:
    settings = Settings.from_env({"INTERVIEWER_REPLY_TOKENS": "turn=180, grade=2000"})
    assert settings.reply_tokens == ReplyTokens(turn=180, grade=2000)
    assert Settings.from_env({}).reply_tokens == ReplyTokens()
    with pytest.raises(ConfigError, match="INTERVIEWER_REPLY_TOKENS"):
        Settings.from_env({"INTERVIEWER_REPLY_TOKENS": "turn"})
    with pytest.raises(ConfigError, match="INTERVIEWER_REPLY_TOKENS"):
        Settings.from_env({"INTERVIEWER_REPLY_TOKENS": "speech=30"})


def test_structured_calls_send_their_token_budget(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(Reply('{"ok": true}'))

    chat.structured(HELLO, Flag, max_tokens=1500)

    assert server.requests[0].json()["max_tokens"] == 1500


def test_stream_yields_the_reply_in_pieces_and_asks_for_usage(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(Reply("Tell me about the users first.", chunk_chars=5))

    pieces = list(chat.stream(HELLO))

    assert len(pieces) > 3
    assert "".join(pieces) == "Tell me about the users first."
    body = server.requests[0].json()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert chat.usage == [Usage("gpt-4o-mini", 21, 5, cached_tokens=3)]


def test_a_server_that_rejects_stream_options_is_asked_again_without_them(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(
        Status(400, "Unrecognized request argument supplied: stream_options", param="stream_options"),
        Reply("fine", usage=None),
        Reply("again", usage=None),
    )

    assert "".join(chat.stream(HELLO)) == "fine"
    assert "".join(chat.stream(HELLO)) == "again"

    assert "stream_options" in server.requests[0].json()
    assert "stream_options" not in server.requests[1].json()
    assert "stream_options" not in server.requests[2].json()


def test_a_server_that_reports_no_usage_gets_an_estimate(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(Reply("A reply of about eight tokens in all.", usage=None))

    chat.complete(HELLO)

    (usage,) = chat.usage
    assert usage.estimated
    assert usage.prompt_tokens > 10
    assert 5 <= usage.completion_tokens <= 12


def test_a_server_that_rejects_temperature_is_asked_again_without_it(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(
        Status(
            400, "Unsupported value: 'temperature' does not support 0.2 with this model.", param="temperature"
        ),
        Reply("ok"),
    )

    assert chat.complete(HELLO, temperature=0.2) == "ok"

    assert server.requests[0].json()["temperature"] == 0.2
    assert "temperature" not in server.requests[1].json()


# Rate limits and server errors.


def test_a_rate_limit_waits_as_long_as_retry_after_says_then_succeeds(
    server: FakeOpenAIServer, chat: OpenAIChat, naps: list[float]
) -> None:
    server.script(rate_limited(retry_after="0.25"), Reply("after the wait"))

    assert chat.complete(HELLO) == "after the wait"

    assert naps == [0.25]
    assert len(server.requests) == 2


def test_retry_after_ms_is_honoured_before_retry_after(
    server: FakeOpenAIServer, chat: OpenAIChat, naps: list[float]
) -> None:
    server.script(rate_limited(retry_after="9", retry_after_ms="1500"), Reply("ok"))

    chat.complete(HELLO)

    assert naps == [1.5]


def test_a_retry_after_longer_than_the_cap_fails_at_once_with_the_hint(
    server: FakeOpenAIServer, chat: OpenAIChat, naps: list[float]
) -> None:
    server.script(rate_limited(retry_after="3600"))

    with pytest.raises(LLMRateLimited) as caught:
        chat.complete(HELLO)

    assert caught.value.retry_after == 3600
    assert naps == []
    assert len(server.requests) == 1


def test_a_rate_limit_that_persists_raises_rate_limited_after_the_allowed_retries(
    server: FakeOpenAIServer, chat: OpenAIChat, naps: list[float]
) -> None:
    server.script(rate_limited("0"), rate_limited("0"), rate_limited("0"))

    with pytest.raises(LLMRateLimited) as caught:
        chat.complete(HELLO)

    assert len(server.requests) == 3
    assert naps == [0.0, 0.0]
    assert "429" in str(caught.value)
    assert "offline engine" in str(caught.value)


def test_an_exhausted_quota_is_not_retried(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(Status(429, "You exceeded your current quota.", code="insufficient_quota"))

    with pytest.raises(LLMRateLimited, match="no quota left"):
        chat.complete(HELLO)

    assert len(server.requests) == 1


def test_server_errors_are_retried_with_backoff(
    server: FakeOpenAIServer, chat: OpenAIChat, naps: list[float]
) -> None:
    server.script(server_error(500), server_error(503), Reply("third time lucky"))

    assert chat.complete(HELLO) == "third time lucky"

    assert naps == [0.5, 1.0]


def test_server_errors_that_persist_raise_unavailable(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(server_error(503), server_error(503), server_error(503))

    with pytest.raises(LLMUnavailable) as caught:
        chat.complete(HELLO)

    assert "503" in str(caught.value)
    assert "after 3 attempts" in str(caught.value)
    assert len(server.requests) == 3


# Timeouts and unreachable servers.


def test_a_slow_server_times_out_without_a_retry(server: FakeOpenAIServer, tmp_path: Path) -> None:
    naps: list[float] = []
    chat = OpenAIChat(
        server.settings(tmp_path, request_timeout=0.3), breaker=CircuitBreaker(), sleep=naps.append
    )
    server.script(Slow(3.0))

    with pytest.raises(LLMUnavailable) as caught:
        chat.complete(HELLO)

    assert "did not answer within 0.3 s" in str(caught.value)
    assert "INTERVIEWER_TIMEOUT" in str(caught.value)
    assert len(server.requests) == 1
    assert naps == []


def test_a_refused_connection_raises_unavailable_naming_the_server(tmp_path: Path) -> None:
    naps: list[float] = []
    url = f"http://127.0.0.1:{closed_port()}/v1"
    settings = Settings(home=tmp_path, engine="openai", openai_base_url=url, max_retries=1)
    chat = OpenAIChat(settings, breaker=CircuitBreaker(), sleep=naps.append)

    with pytest.raises(LLMUnavailable) as caught:
        chat.complete(HELLO)

    assert url in str(caught.value)
    assert "OPENAI_BASE_URL" in str(caught.value)
    assert naps == [0.5]


# Keys.


def test_a_rejected_key_raises_auth_error_and_the_key_appears_nowhere(
    server: FakeOpenAIServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    chat = OpenAIChat(server.settings(tmp_path, openai_api_key=KEY), breaker=CircuitBreaker())
    server.script(unauthorized(KEY))

    with pytest.raises(LLMAuthError) as caught:
        chat.complete(HELLO)

    err = caught.value
    assert "OPENAI_API_KEY" in str(err)
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    for text in (str(err), repr(err), caplog.text, repr(chat)):
        assert "SECRET" not in text
    assert err.__cause__ is None
    assert err.__suppress_context__


def test_a_key_echoed_in_any_other_error_is_scrubbed(server: FakeOpenAIServer, tmp_path: Path) -> None:
    chat = OpenAIChat(server.settings(tmp_path, openai_api_key=KEY), breaker=CircuitBreaker())
    server.script(Status(422, f"Invalid request made with key {KEY}"))

    with pytest.raises(LLMError) as caught:
        chat.complete(HELLO)

    assert "422" in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_an_unknown_model_names_the_setting_to_change(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(Status(404, "The model `gpt-4o-mini` does not exist", code="model_not_found"))

    with pytest.raises(LLMError, match="INTERVIEWER_CHAT_MODEL"):
        chat.complete(HELLO)


# Context length.


def test_a_prompt_too_long_is_trimmed_to_the_newer_half_and_sent_once_more(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(context_too_long(), Reply("fits now"))
    conversation = a_long_conversation(6)

    assert chat.complete(conversation) == "fits now"

    retried = server.requests[1].messages
    assert retried[0] == {"role": "system", "content": "Interview rules."}
    assert [m["content"] for m in retried[1:]] == ["turn 3", "turn 4", "turn 5"]


def test_a_prompt_still_too_long_after_trimming_raises_context_too_long(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(context_too_long(), context_too_long())

    with pytest.raises(LLMContextTooLong, match="new session"):
        chat.complete(a_long_conversation(6))

    assert len(server.requests) == 2
    assert chat.breaker.state().consecutive_failures == 0


def test_an_injected_trimmer_decides_what_is_kept(server: FakeOpenAIServer, tmp_path: Path) -> None:
    chat = OpenAIChat(server.settings(tmp_path), breaker=CircuitBreaker(), trimmer=lambda m: list(m[-1:]))
    server.script(context_too_long(), Reply("ok"))

    chat.complete(a_long_conversation(4))

    assert server.requests[1].messages == [{"role": "assistant", "content": "turn 3"}]


def test_dropping_the_oldest_half_keeps_system_messages_and_the_last_turn() -> None:
    conversation = a_long_conversation(5)

    kept = drop_oldest_half(conversation)

    assert [m["content"] for m in kept] == ["Interview rules.", "turn 2", "turn 3", "turn 4"]
    assert drop_oldest_half(conversation[:2]) == conversation[:2]


# Refusals, truncation and cut streams.


def test_a_refusal_raises_refused_with_the_models_words(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(refusal("I can't help with that request."))

    with pytest.raises(LLMRefused, match="can't help with that request"):
        chat.complete(HELLO)


def test_a_streamed_refusal_raises_refused(server: FakeOpenAIServer, chat: OpenAIChat) -> None:
    server.script(refusal())

    with pytest.raises(LLMRefused):
        list(chat.stream(HELLO))


def test_finish_reason_length_raises_truncated_carrying_the_partial_text(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(truncated("The answer starts well but"))

    with pytest.raises(LLMTruncated) as caught:
        chat.complete(HELLO, max_tokens=5)

    assert caught.value.partial == "The answer starts well but"
    assert "token limit" in str(caught.value)


def test_a_stream_stopped_at_the_token_limit_yields_its_text_then_raises_truncated(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(truncated("Half a thought about caching"))
    pieces: list[str] = []

    with pytest.raises(LLMTruncated) as caught:
        pieces.extend(chat.stream(HELLO))

    assert "".join(pieces) == "Half a thought about caching"
    assert caught.value.partial == "Half a thought about caching"


def test_a_stream_cut_midway_raises_unavailable_carrying_the_partial_text(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(CutStream("We could shard the feature store by"))
    pieces: list[str] = []

    with pytest.raises(LLMUnavailable) as caught:
        pieces.extend(chat.stream(HELLO))

    assert caught.value.partial == "We could shard the feature store by"
    assert "".join(pieces) == caught.value.partial
    assert "middle of a reply" in str(caught.value)


def test_every_fault_is_an_interviewer_error_with_a_message_and_no_traceback(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(
        server_error(500), server_error(500), server_error(500), refusal(), truncated(), unauthorized(KEY)
    )

    for _ in range(4):
        with pytest.raises(InterviewerError) as caught:
            chat.complete(HELLO)
        assert "Traceback" not in str(caught.value)
        assert str(caught.value)[0].islower()


def test_a_server_that_answers_something_other_than_a_completion_raises_unavailable(
    server: FakeOpenAIServer, chat: OpenAIChat
) -> None:
    server.script(RawBody(b"<html>Bad gateway</html>"), RawBody(b'{"status": "ok"}'))

    with pytest.raises(LLMUnavailable, match="not JSON"):
        chat.complete(HELLO)
    with pytest.raises(LLMUnavailable, match="no choices"):
        chat.complete(HELLO)


# Refusing to reach the network under tests.


def test_the_client_refuses_a_remote_server_while_the_network_is_blocked(tmp_path: Path) -> None:
    remote = Settings(home=tmp_path, openai_api_key=KEY, openai_base_url="https://api.example.com/v1")
    default = Settings(home=tmp_path, openai_api_key=KEY)

    for settings in (remote, default):
        with pytest.raises(ConfigError, match="INTERVIEWER_BLOCK_NETWORK") as caught:
            OpenAIChat(settings)
        assert "SECRET" not in str(caught.value)
    with pytest.raises(ConfigError):
        OpenAIAudio(remote)


def test_the_client_may_be_built_for_localhost(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, openai_base_url="http://localhost:11434/v1")

    chat = OpenAIChat(settings, "llama3.2")

    assert chat.model == "llama3.2"
    assert "localhost:11434" in repr(chat)


def test_the_client_may_reach_the_network_when_not_blocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTERVIEWER_BLOCK_NETWORK")

    chat = OpenAIChat(Settings(home=tmp_path, openai_api_key=KEY))

    assert "api.openai.com" in repr(chat)
    assert "SECRET" not in repr(chat)


# Choosing a model.


def test_make_chat_model_returns_none_on_the_offline_engine(settings: Settings) -> None:
    assert make_chat_model(settings, "chat") is None
    assert make_chat_model(Settings(home=settings.home), "grader") is None


def test_make_chat_model_uses_the_model_named_for_its_purpose(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    settings = server.settings(tmp_path, chat_model="chatty-1", grader_model="strict-2")

    chat = make_chat_model(settings, "chat")
    grader = make_chat_model(settings, "grader")

    assert isinstance(chat, OpenAIChat)
    assert isinstance(grader, OpenAIChat)
    assert (chat.model, grader.model) == ("chatty-1", "strict-2")


def test_make_chat_model_takes_an_injected_breaker(server: FakeOpenAIServer, tmp_path: Path) -> None:
    breaker = CircuitBreaker()

    chat = make_chat_model(server.settings(tmp_path), "chat", breaker=breaker)

    assert isinstance(chat, OpenAIChat)
    assert chat.breaker is breaker


# Speech.


def test_transcribe_sends_the_audio_file_and_returns_the_text(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    audio = OpenAIAudio(server.settings(tmp_path), breaker=CircuitBreaker())
    server.script(Reply(" I would start with the users. "))

    text = audio.transcribe(b"RIFF-fake-wav-bytes", "answer.wav")

    assert text == "I would start with the users."
    sent = server.requests[0]
    assert sent.path == "/v1/audio/transcriptions"
    assert b'filename="answer.wav"' in sent.body
    assert b"RIFF-fake-wav-bytes" in sent.body
    assert b"gpt-4o-mini-transcribe" in sent.body


def test_speak_asks_for_wav_in_the_configured_voice(server: FakeOpenAIServer, tmp_path: Path) -> None:
    audio = OpenAIAudio(server.settings(tmp_path, tts_voice="verse"), breaker=CircuitBreaker())
    server.script(Speech(b"RIFF\x24\x00\x00\x00WAVEfmt "))

    wav = audio.speak("Tell me about your design.")

    assert wav.startswith(b"RIFF")
    body = server.requests[0].json()
    assert server.requests[0].path == "/v1/audio/speech"
    assert body == {
        "input": "Tell me about your design.",
        "model": "gpt-4o-mini-tts",
        "voice": "verse",
        "response_format": "wav",
    }


def test_speech_faults_are_mapped_like_chat_faults(server: FakeOpenAIServer, tmp_path: Path) -> None:
    audio = OpenAIAudio(server.settings(tmp_path, max_retries=0), breaker=CircuitBreaker())
    server.script(server_error(502), unauthorized(KEY))

    with pytest.raises(LLMUnavailable, match="502"):
        audio.speak("hello")
    with pytest.raises(LLMAuthError):
        audio.transcribe(b"x", "a.wav")
