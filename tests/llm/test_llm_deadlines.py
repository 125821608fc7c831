"""Deadlines: `INTERVIEWER_TIMEOUT` bounds a whole call, streaming included; a hung server opens the breaker
at once during a live interview, and the server is probed cheaply after the cooldown.

Against the fake server on 127.0.0.1, with the real `openai` client and real time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_openai_server import FakeOpenAIServer, Hang, Pings, Reply, Trickle, rate_limited
from interviewer.errors import CircuitOpen, LLMRateLimited, LLMTimeout
from interviewer.llm import openai_client
from interviewer.llm.breaker import CircuitBreaker
from interviewer.llm.openai_client import OpenAIChat
from interviewer.llm.protocol import Message
from interviewer.llm.streaming import Deadline, EventReader

pytestmark = pytest.mark.server

HELLO: list[Message] = [{"role": "user", "content": "Hello, shall we start?"}]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def timed(fn: object) -> float:
    started = time.monotonic()
    assert callable(fn)
    fn()
    return time.monotonic() - started


def test_a_stream_kept_alive_by_pings_is_abandoned_at_the_deadline(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    chat = OpenAIChat(server.settings(tmp_path, request_timeout=1.0), breaker=CircuitBreaker())
    server.script(Pings(interval=0.1, content="Let me "))
    pieces: list[str] = []

    def run() -> None:
        with pytest.raises(LLMTimeout) as caught:
            pieces.extend(chat.stream(HELLO))
        assert caught.value.partial == "Let me "
        assert "within 1 s" in str(caught.value) and "INTERVIEWER_TIMEOUT" in str(caught.value)

    assert 0.9 <= timed(run) < 2.5
    assert pieces == ["Let me "]


def test_a_stream_that_trickles_tokens_past_the_deadline_is_abandoned(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    chat = OpenAIChat(server.settings(tmp_path, request_timeout=1.0), breaker=CircuitBreaker())
    server.script(Trickle("and ", interval=0.1))

    def run() -> None:
        with pytest.raises(LLMTimeout) as caught:
            list(chat.stream(HELLO))
        assert caught.value.partial.startswith("and and ")

    assert timed(run) < 2.5


def test_a_hung_server_is_given_up_on_after_the_first_token_timeout(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    settings = server.settings(tmp_path, request_timeout=30.0, first_token_timeout=0.5)
    chat = OpenAIChat(settings, breaker=CircuitBreaker())
    server.script(Hang())

    def run() -> None:
        with pytest.raises(LLMTimeout) as caught:
            list(chat.stream(HELLO))
        assert "INTERVIEWER_FIRST_TOKEN_TIMEOUT" in str(caught.value)

    assert timed(run) < 1.5
    assert len(server.posts) == 1, "a timeout is not retried"


def test_a_hung_server_costs_a_plain_completion_one_deadline_not_one_per_retry(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    chat = OpenAIChat(server.settings(tmp_path, request_timeout=0.5, max_retries=2), breaker=CircuitBreaker())
    server.script(Hang())

    def run() -> None:
        with pytest.raises(LLMTimeout):
            chat.complete(HELLO)

    assert timed(run) < 1.5
    assert len(server.posts) == 1


def test_no_retry_is_waited_for_when_it_would_end_past_the_deadline(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    naps: list[float] = []
    chat = OpenAIChat(
        server.settings(tmp_path, request_timeout=0.5), breaker=CircuitBreaker(), sleep=naps.append
    )
    server.script(rate_limited(retry_after="2"), Reply("too late"))

    with pytest.raises(LLMRateLimited):
        chat.complete(HELLO)

    assert naps == [] and len(server.posts) == 1


def test_during_a_live_interview_the_first_timeout_opens_the_breaker(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    settings = server.settings(tmp_path, first_token_timeout=0.3)
    live = OpenAIChat(settings, breaker=CircuitBreaker(), trip_on_timeout=True)
    other = OpenAIChat(settings, breaker=CircuitBreaker())
    server.script(Hang(), Hang())

    for chat in (live, other):
        with pytest.raises(LLMTimeout):
            list(chat.stream(HELLO))

    assert live.breaker.state().status == "open"
    assert other.breaker.state().status == "closed", "outside an interview a timeout is one failure of three"
    with pytest.raises(CircuitOpen):
        list(live.stream(HELLO))
    assert len(server.posts) == 2


def test_after_the_cooldown_a_hung_server_is_probed_cheaply_and_briefly_not_with_a_full_turn(
    server: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openai_client, "PROBE_TIMEOUT_S", 0.3)
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    chat = OpenAIChat(server.settings(tmp_path, request_timeout=30.0), breaker=breaker, trip_on_timeout=True)
    breaker.record_failure(trip=True)
    clock.now += 61
    server.hang_all()

    def run() -> None:
        with pytest.raises(CircuitOpen):
            list(chat.stream(HELLO))

    assert timed(run) < 1.5
    assert [(r.method, r.path) for r in server.requests] == [("GET", "/v1/models")]
    assert breaker.state().status == "open"


def test_after_the_cooldown_a_server_that_answers_the_probe_gets_the_call(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    chat = OpenAIChat(server.settings(tmp_path), breaker=breaker)
    breaker.record_failure(trip=True)
    clock.now += 61
    server.script(Reply("Back again."))

    assert "".join(chat.stream(HELLO)) == "Back again."
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
    ]
    assert breaker.state().status == "closed"


def test_the_event_reader_skips_pings_and_joins_data_lines() -> None:
    reader = EventReader()
    assert reader.feed(b': ping\n\ndata: {"a"') == []
    assert reader.feed(b": 1}\n\n: ping\n\ndata: one\r\ndata: two\r\n\r\n") == ['{"a": 1}', "one\ntwo"]
    assert reader.feed(b"data: [DONE]") == []
    assert reader.close() == ["[DONE]"]


def test_a_deadline_counts_down_on_its_clock() -> None:
    clock = Clock()
    deadline = Deadline.after(5.0, clock)
    clock.now += 2
    assert deadline.left() == 3.0 and not deadline.expired
    clock.now += 3
    assert deadline.left() == 0.0 and deadline.expired
