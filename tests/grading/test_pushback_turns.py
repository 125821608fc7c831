"""Second turns that answer the interviewer's pushback: a choice defended for the right reason or revised into a new
mistake, with the numbers and mistakes the question files imply but do not list."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.supposed import reasons_about_mistake
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[tuple[str, str | None]]:
    return [
        (e.kind, e.key_point_id) for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected
    ]


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "At a prevalence near 0.1 percent, a hundred thousand labelled views contain about a hundred violating ones.",
            False,
        ),
        (
            "At a prevalence near 0.1 percent, a hundred thousand labelled views contain only about ten violating ones.",
            True,
        ),
        ("Seventy gigabytes over a ten-gigabit link is about a minute.", False),
        ("Seventy gigabytes over a ten-gigabit link is about seven seconds.", True),
        ("Seventy gigabytes over a 25 Gbps link is about 22 seconds.", False),
        (
            "Five hundred million posts a day times two hundred followers is a hundred billion writes a day, only about 1.2 million writes a second.",
            False,
        ),
        (
            "Five hundred million posts a day times two hundred followers is a hundred billion writes a day, only about a hundred and twenty thousand writes a second.",
            True,
        ),
    ],
)
def test_a_result_said_with_contain_only_about_or_over_a_link_is_checked(said: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(said)) is wrong


def test_a_size_said_again_in_bits_is_the_same_size() -> None:
    assert (
        CHECKER.arithmetic_errors(
            "The model is about seventy gigabytes, which is five hundred and sixty gigabits."
        )
        == []
    )


def test_a_square_root_is_not_recomputed() -> None:
    error_bar = (
        "The standard error is the square root of 0.001 times 0.999 over a hundred thousand, roughly 0.01 "
        "percentage points."
    )
    assert CHECKER.arithmetic_errors(error_bar) == []


def test_counter_windows_over_a_minute_an_hour_and_a_day_are_no_factors() -> None:
    state = (
        "Eighty million cards with about ten windowed counters each, counts and amounts over a minute, an hour "
        "and a day, at roughly twenty bytes a counter, comes to about sixteen gigabytes."
    )
    assert CHECKER.arithmetic_errors(state) == []


def test_an_option_named_by_the_harm_it_does_is_not_chosen() -> None:
    assert reasons_about_mistake(
        "Clicks are plentiful, yet optimising raw click-through pulls cheap, sensational or oddly priced items to "
        "the top."
    )
    assert not reasons_about_mistake("Optimising click-through pulls engagement up, so that is our target.")


def test_what_the_claimed_metric_is_said_to_track_excuses_nothing() -> None:
    proxy = (
        "click-through per search tracks purchases closely enough that I'd make it the training and launch "
        "metric."
    )
    guarded = "purchases per search is the launch metric, with click-through as a diagnostic."
    assert ("claim", "relevance-versus-business") in _errors("search-ranking", proxy)
    assert _errors("search-ranking", guarded) == []


@pytest.mark.parametrize(
    ("question", "point", "wrong", "right"),
    [
        (
            "demand-forecasting",
            "backtest-leakage",
            "I'd add centred rolling means of demand over seven and twenty-eight days, so a spike is smoothed by "
            "the days on both sides of it.",
            "I'd add trailing rolling means of demand over the last seven and twenty-eight days.",
        ),
        (
            "music-recommendations",
            "stale-session-features",
            "When the stream lags, the ranker sets the session features to zero, which is neutral and needs no "
            "retraining.",
            "When the stream lags, the ranker uses the defaults it was trained with plus a missing-value flag, "
            "and we alert.",
        ),
        (
            "demand-forecasting",
            "missing-data-as-zeros",
            "A feed of zeros is a pipeline problem, so I don't think the forecast run needs its own data gates.",
            "The forecast run gates on row counts and the zero-sales share, and fails rather than publishing.",
        ),
        (
            "translation-service",
            "api-privacy",
            "API traffic has the domain text, so I'd keep it for thirty days with names stripped, only for "
            "evaluation sets.",
            "For the API I'd keep only metadata such as language pair and latency, never the text.",
        ),
        (
            "dynamic-pricing",
            "marketplace-goal",
            "The one number I'd drive down is average pickup time, as low as we can get it.",
            "I'd maximise completed trips while keeping pickup times under about eight minutes.",
        ),
    ],
)
def test_mistakes_the_question_files_imply(question: str, point: str, wrong: str, right: str) -> None:
    assert ("claim", point) in _errors(question, wrong)
    assert ("claim", point) not in _errors(question, right)
