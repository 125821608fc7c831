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


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (  # a conclusion drawn after the option supposed to show its harm is the design chosen
            "translation-service",
            "Leaving API traffic out would bias the frame towards consumer text, so the sampled API requests are "
            "logged too and fed into the next fine-tune.",
            "Logging API traffic would break the customers' contract, so the sampled consumer requests are "
            "logged and fed into the next fine-tune.",
        ),
        (  # the bid named only to be dismissed: "whatever it happened to bid"
            "ad-serving",
            "The auction orders them by predicted click probability, so the ad most likely to be clicked simply "
            "wins, whatever it happened to bid.",
            "The auction orders them by bid times predicted click probability, so the ad worth most to us wins.",
        ),
        (  # what would make it right named as the reason against it: "because masking ... would mean"
            "demand-forecasting",
            "On out-of-stock days I'd keep the recorded sales in the loss as they are, zeros included, because "
            "masking those days would mean selecting the sample on the outcome.",
            "On out-of-stock days I'd mask the recorded sales in the loss, because those zeros are censored "
            "demand, not real demand.",
        ),
        (  # a comparison across cities is observational, however natural the experiment sounds
            "dynamic-pricing",
            "I'd use the capped cities as a natural experiment: compare acceptance at high surge in capped cities "
            "with uncapped cities over the same hours to get elasticity.",
            "I'd learn elasticity from small randomised price changes within each cell, since surge is high "
            "exactly when demand is high.",
        ),
        (
            "eta-prediction",
            "Mean absolute error is the estimand, since late arrivals cost no more than early ones, so the loss "
            "is symmetric.",
            "Mean absolute error is one estimand, and since late arrivals cost far more than early ones the loss "
            "is asymmetric, so the late share under one in ten sits beside it.",
        ),
    ],
)
def test_a_claim_argued_for_is_found_and_its_corrected_twin_is_not(
    question: str, wrong: str, right: str
) -> None:
    assert _kinds(question, wrong) != []
    assert _kinds(question, right) == []


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (  # "a query against the warehouse" queries it; it does not oppose it
            "eta-prediction",
            "When the list page asks for twenty restaurants, the service runs a query against the warehouse for "
            "each one to count open orders.",
            "When the list page asks for twenty restaurants, the service reads open orders for each one from Redis, "
            "where a stream job keeps them.",
        ),
        (  # "whatever language someone wants it in" sets the language aside
            "translation-service",
            "I'd key each entry on the cleaned-up source text alone, so the same phrase gets a hit whatever "
            "language someone wants it in.",
            "I'd key each entry on the cleaned-up source text, the target language and the model version.",
        ),
    ],
)
def test_words_that_seem_to_oppose_or_cover_a_term_are_read_for_what_they_do(
    question: str, wrong: str, right: str
) -> None:
    assert _kinds(question, wrong) != []
    assert _kinds(question, right) == []
