"""Answers spoken by a statistician: shares said as "nine in ten" or "three per thousand", costs per thousand
regrouped into lots, a unit of randomisation discussed, and the option not taken supposed to show its harm."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _kinds(question: str, answer: str) -> list[str]:
    return [e.kind for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("we catch nine in ten of them", [(0.9, "percent")]),
        ("one in twenty payments", [(0.05, "percent")]),
        ("3 in 1,000 sessions", [(0.003, "percent")]),
        ("5 in 10 minutes", [(5.0, "count"), (600.0, "duration")]),  # a time, not a share
    ],
)
def test_a_share_said_as_n_in_m_is_a_share(said: str, read: list[tuple[float, str]]) -> None:
    assert [(q.value, q.kind) for q in quantities(words_to_digits(said))] == read


@pytest.mark.parametrize(("changes", "wrong"), [("300 thousand", False), ("3 thousand", True)])
def test_a_count_per_thousand_is_a_share_of_what_it_is_applied_to(changes: str, wrong: bool) -> None:
    answer = (
        "Stock flips hit maybe three per thousand products a day, which across a hundred million products is "
        f"about {changes} changes."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("daily", "wrong"), [("5,100", False), ("510", True)])
def test_a_cost_per_thousand_regrouped_into_lots_is_read_through(daily: str, wrong: bool) -> None:
    answer = (
        "Fifty-one million digests a day at ten cents per thousand emails is 51 thousand lots of a thousand at "
        f"ten cents each, about {daily} dollars a day."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


def test_a_share_said_as_nine_in_ten_is_not_multiplied_into_a_percentage_said_before() -> None:
    right = (
        "Suppose at the 0.3 percent false-positive budget we catch nine in ten of them, so 45 thousand true flags; "
        "the false flags are 0.3 percent of roughly fifty million good payments, about 150 thousand."
    )
    assert CHECKER.arithmetic_errors(right) == []
    assert CHECKER.arithmetic_errors(right.replace("about 150 thousand", "about 15 thousand")) != []


@pytest.mark.parametrize(
    ("question", "answer", "wrong"),
    [
        ("eta-prediction", "To test a new model I'd start from the unit of randomisation.", False),
        (
            "music-recommendations",
            "With 250 million daily listeners even a one percent arm has n in the millions, so a week buys a tight "
            "interval on skips and saves.",
            False,
        ),
        (
            "ad-serving",
            "So I'd run bidder fleets in each region the exchanges operate in. From one central region, round trips "
            "spread from 40 to 150 milliseconds, and a large share of bids would arrive late.",
            False,
        ),
        (
            "demand-forecasting",
            "We write daily quantiles for ninety days plus summed lead-time horizons, each predicted directly.",
            False,
        ),
    ],
)
def test_words_a_statistician_uses_for_sound_designs_claim_nothing_wrong(
    question: str, answer: str, wrong: bool
) -> None:
    assert bool(_kinds(question, answer)) is wrong
