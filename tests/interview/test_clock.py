"""The simulated clock of scripted runs: turns take as long as they take to say."""

from __future__ import annotations

import pytest

from interviewer.interview.clock import (
    CANDIDATE_WPM,
    COMMAND_S,
    THINKING_PAUSE_S,
    SpeakingClock,
    speaking_seconds,
)


def test_a_hundred_and_thirty_words_take_a_minute_to_say() -> None:
    assert speaking_seconds(" ".join(["word"] * 130), CANDIDATE_WPM) == pytest.approx(60.0)


def test_a_candidate_turn_takes_its_speaking_time_plus_a_pause_to_think() -> None:
    clock = SpeakingClock(start=1000.0)
    clock.candidate(" ".join(["word"] * 65))
    assert clock() == pytest.approx(1000.0 + 30.0 + THINKING_PAUSE_S)


def test_an_interviewer_turn_takes_its_own_speaking_time_and_no_pause() -> None:
    clock = SpeakingClock(start=0.0)
    seconds = clock.interviewer("What happens when the ranker times out?")
    assert 0 < seconds < 5 and clock() == pytest.approx(seconds)


def test_a_command_takes_a_few_seconds_whatever_it_says() -> None:
    clock = SpeakingClock(start=0.0)
    clock.candidate("/next")
    assert clock() == COMMAND_S


def test_the_clock_only_moves_when_a_turn_is_said() -> None:
    clock = SpeakingClock(start=5.0)
    assert clock() == clock() == 5.0
