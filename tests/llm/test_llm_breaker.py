"""The circuit breaker: 3 consecutive failures open it for 60 s; a success closes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from fake_openai_server import FakeOpenAIServer, Reply, refusal, server_error
from interviewer.errors import CircuitOpen, LLMError, LLMRefused, LLMUnavailable
from interviewer.llm.breaker import DEFAULT_BREAKER, CircuitBreaker
from interviewer.llm.openai_client import OpenAIChat
from interviewer.llm.protocol import Message

NOON = datetime(2025, 1, 1, 12, 0, 0)
HELLO: list[Message] = [{"role": "user", "content": "hello"}]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(clock=clock, now=lambda: NOON)


def fail_times(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        breaker.record_failure()


def test_a_new_breaker_is_closed(breaker: CircuitBreaker) -> None:
    assert not breaker.is_open
    assert breaker.opens_until is None
    assert breaker.state().status == "closed"
    breaker.check()


def test_two_failures_leave_it_closed_and_the_third_opens_it(breaker: CircuitBreaker) -> None:
    fail_times(breaker, 2)
    assert not breaker.is_open

    breaker.record_failure()

    assert breaker.is_open
    assert breaker.state().status == "open"
    assert breaker.state().consecutive_failures == 3


def test_an_open_breaker_says_the_app_continues_offline_until_a_time(breaker: CircuitBreaker) -> None:
    fail_times(breaker, 3)

    with pytest.raises(CircuitOpen) as caught:
        breaker.check()

    assert "continues on the offline engine until 12:01:00" in str(caught.value)
    assert caught.value.until == datetime(2025, 1, 1, 12, 1, 0)
    assert breaker.opens_until == datetime(2025, 1, 1, 12, 1, 0)


def test_it_stays_open_for_the_whole_cooldown(breaker: CircuitBreaker, clock: Clock) -> None:
    fail_times(breaker, 3)

    clock.now += 59.9
    assert breaker.is_open
    assert breaker.state().seconds_left == pytest.approx(0.1)

    clock.now += 0.1
    assert not breaker.is_open
    assert breaker.state().status == "half_open"
    breaker.check()


def test_after_the_cooldown_one_more_failure_reopens_it_at_once(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    fail_times(breaker, 3)
    clock.now += 60

    breaker.record_failure()

    assert breaker.is_open
    assert breaker.state().seconds_left == pytest.approx(60)


def test_a_success_closes_it_and_resets_the_count(breaker: CircuitBreaker, clock: Clock) -> None:
    fail_times(breaker, 3)
    clock.now += 60

    breaker.record_success()
    fail_times(breaker, 2)

    assert not breaker.is_open
    assert breaker.state().status == "closed"
    assert breaker.state().consecutive_failures == 2


def test_failures_must_be_consecutive(breaker: CircuitBreaker) -> None:
    fail_times(breaker, 2)
    breaker.record_success()
    fail_times(breaker, 2)

    assert not breaker.is_open


def test_threshold_and_cooldown_are_configurable(clock: Clock) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=5, clock=clock)

    breaker.record_failure()
    assert breaker.is_open
    clock.now += 5
    assert not breaker.is_open


def test_the_message_shows_a_wall_clock_time_by_default() -> None:
    breaker = CircuitBreaker()
    fail_times(breaker, 3)

    with pytest.raises(CircuitOpen) as caught:
        breaker.check()

    assert re.search(r"until \d\d:\d\d:\d\d", str(caught.value))


# With the chat model.


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def test_three_failed_calls_route_the_fourth_away_without_a_request(
    server: FakeOpenAIServer, breaker: CircuitBreaker, clock: Clock, tmp_path: Path
) -> None:
    chat = OpenAIChat(server.settings(tmp_path, max_retries=0), breaker=breaker, clock=clock)
    server.script(server_error(500), server_error(502), server_error(503), Reply("back again"))

    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            chat.complete(HELLO)
    with pytest.raises(CircuitOpen):
        chat.complete(HELLO)
    with pytest.raises(CircuitOpen):
        list(chat.stream(HELLO))

    assert len(server.requests) == 3
    clock.now += 60
    assert chat.complete(HELLO) == "back again"
    assert breaker.state().status == "closed"


def test_a_circuit_open_error_is_an_llm_error_so_callers_fall_back_the_same_way(
    breaker: CircuitBreaker,
) -> None:
    fail_times(breaker, 3)

    with pytest.raises(LLMError):
        breaker.check()


def test_refusals_do_not_count_as_server_failures(
    server: FakeOpenAIServer, breaker: CircuitBreaker, tmp_path: Path
) -> None:
    chat = OpenAIChat(server.settings(tmp_path), breaker=breaker)
    server.script(refusal(), refusal(), refusal(), Reply("still here"))

    for _ in range(3):
        with pytest.raises(LLMRefused):
            chat.complete(HELLO)

    assert not breaker.is_open
    assert chat.complete(HELLO) == "still here"


def test_a_cut_stream_counts_as_a_failure(
    server: FakeOpenAIServer, breaker: CircuitBreaker, tmp_path: Path
) -> None:
    from fake_openai_server import CutStream

    chat = OpenAIChat(server.settings(tmp_path), breaker=breaker)
    server.script(CutStream(), CutStream(), CutStream())

    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            list(chat.stream(HELLO))

    assert breaker.is_open


def test_chat_models_share_one_breaker_unless_given_their_own(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    settings = server.settings(tmp_path)

    first, second = OpenAIChat(settings), OpenAIChat(settings, "other-model")
    own = OpenAIChat(settings, breaker=CircuitBreaker())

    assert first.breaker is second.breaker is DEFAULT_BREAKER
    assert own.breaker is not DEFAULT_BREAKER
