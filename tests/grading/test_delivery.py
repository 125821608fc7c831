"""Delivery: filler words, pace and length, for typed and spoken answers."""

from __future__ import annotations

import pytest

from interviewer.grading.delivery import combine, count_fillers, count_words, measure, strip_fillers


def test_fillers_are_counted_by_kind() -> None:
    text = "Um, so I'd, uh, cache the list, you know, for five minutes. Um, that's it."
    assert count_fillers(text) == {"um": 2, "uh": 1, "you know": 1}


def test_stripping_fillers_keeps_every_content_word() -> None:
    text = "Um, I'd, like, shard Redis by user id, uh, across 50 nodes, you know."
    stripped = strip_fillers(text)
    assert stripped == "I'd shard Redis by user id across 50 nodes."


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to add a cache.",
        "Features like time of day and device matter.",
        "It behaves like a queue.",
        "Users like short videos.",
    ],
)
def test_like_as_a_verb_or_comparison_is_not_a_filler(text: str) -> None:
    assert count_fillers(text) == {}
    assert strip_fillers(text) == text


def test_like_set_off_by_commas_is_a_filler() -> None:
    assert count_fillers("It's, like, really fast.") == {"like": 1}
    assert strip_fillers("It's, like, really fast.") == "It's really fast."


def test_words_inside_other_words_are_not_fillers() -> None:
    assert count_fillers("The umbrella team erased the human error.") == {}


def test_typed_answer_has_no_pace() -> None:
    d = measure("We cache the results for five minutes.")
    assert not d.spoken
    assert d.words_per_minute is None
    assert d.pace == "unknown"


def test_spoken_answer_reports_words_per_minute_and_pace() -> None:
    text = " ".join(["word"] * 150)
    assert measure(text, seconds=60).words_per_minute == 150.0
    assert measure(text, seconds=60).pace == "steady"
    assert measure(text, seconds=30).pace == "fast"
    assert measure(text, seconds=120).pace == "slow"
    assert measure(text, seconds=60).spoken


def test_filler_rate_is_per_hundred_words() -> None:
    text = "um " * 5 + "word " * 45
    d = measure(text)
    assert d.words == 50
    assert d.filler_count == 5
    assert d.filler_rate == 10.0


def test_sentences_are_counted() -> None:
    assert measure("One point. Two points! Three?").sentences == 3


def test_empty_answer_measures_zero() -> None:
    d = measure("")
    assert (d.words, d.filler_count, d.filler_rate, d.sentences) == (0, 0, 0.0, 0)


def test_combining_adds_counts_and_takes_pace_from_timed_answers() -> None:
    spoken = measure("um " + "word " * 59, seconds=30)
    typed = measure("uh, a typed answer of a few words")
    total = combine([spoken, typed])
    assert total.words == spoken.words + typed.words
    assert total.fillers == {"um": 1, "uh": 1}
    assert total.words_per_minute == 120.0  # only the timed answer: 60 words in 30 s
    assert total.spoken


def test_count_words_ignores_punctuation() -> None:
    assert count_words("Hello, world -- 50K QPS at p99!") == 6
