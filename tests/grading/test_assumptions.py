"""A candidate who thinks by stating assumptions and exploring hypotheticals aloud ("I'll assume ...", "Suppose the
ranker goes down: ..."): an assumption named to be rejected is not a claim, a concession ("even if ...") and a
guardrail ("guarded by ...") are not the choice, and what the design does in a scenario is."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.counterfactuals import ruled_out
from interviewer.grading.rejection import declined_point
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def errors(question: str, text: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, text) if not e.corrected]


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (
            "Suppose we assumed labels settle within a week; they don't, so a week-old transaction marked clean is "
            "often fraud not yet reported.",
            ".",
        ),
        (
            "Suppose we assumed labels arrive the same day; they don't, chargebacks take up to ninety days, so we "
            "wait.",
            ", so we wait.",
        ),
    ],
)
def test_an_assumption_named_to_be_rejected_is_set_aside(said: str, kept: str) -> None:
    out = ruled_out(said)
    assert len(out) == len(said)
    assert out.strip() == kept


def test_an_assumption_the_candidate_keeps_is_read_as_said() -> None:
    text = "Suppose we assume labels settle within a week, so we train on transactions a week old."
    assert ruled_out(text) == text


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            # a concession after "even if" is not the design
            "dynamic-pricing",
            "Suppose two riders open the app in the same cell: the one who always accepts surge gets a higher "
            "multiplier.",
            "Suppose two riders open the app in the same cell: they get the same multiplier, even if one of them "
            "always accepts surge.",
        ),
        (
            # what a design is kept "separate from" is not the design
            "search-ranking",
            "Stock and price changes wait for the nightly rebuild of the index.",
            "Stock and price changes need their own path into the index, separate from the nightly rebuild.",
        ),
        (
            # a wrong assumption about labels, and its rejection
            "fraud-detection",
            "I'll assume labels settle within about a week, since analyst verdicts come back quickly.",
            "Suppose we assumed labels settle within a week; they don't, so a week-old transaction marked clean is "
            "often fraud not yet reported.",
        ),
        (
            # requests held and failed when they still time out
            "search-ranking",
            "If the heavy ranker falls behind, we hold requests for it with a longer timeout and fail the ones that "
            "still time out.",
            "If the heavy ranker falls behind, we skip it and serve the light ranker's order for the ones that "
            "still time out.",
        ),
        (
            # the client waits until a track arrives
            "music-recommendations",
            "Suppose the recommender is slow or down: the client waits, retrying for up to a few seconds until a "
            "track arrives.",
            "Suppose the recommender is slow or down: the client plays the next track from a cached queue of "
            "similar tracks right away.",
        ),
        (
            # what a ranking does in a scenario is a claim
            "ad-serving",
            "Each ad is ranked by its bid, with predicted click-through only breaking ties.",
            "Each ad is ranked by expected value, its bid times predicted click-through; a two-dollar bid at 1.5% "
            "beats a five-dollar bid at 0.4%, thirty against twenty dollars eCPM.",
        ),
    ],
)
def test_assumptions_and_scenarios_are_judged_on_what_the_design_does(
    question: str, wrong: str, right: str
) -> None:
    assert errors(question, wrong), wrong
    assert errors(question, right) == []


def test_a_guardrail_named_after_guarded_by_is_not_the_goal() -> None:
    text = (
        "I'll assume the goal is completed trips with pickups under about eight minutes, guarded by "
        "quote-to-request conversion, driver earnings per hour and price complaints."
    )
    assert errors("dynamic-pricing", text) == []


def test_where_money_is_expected_to_leak_names_a_topic_not_a_flaw() -> None:
    assert (
        errors(
            "ad-serving", "Budget pacing is where I'd expect the most money to leak, so let me go through it."
        )
        == []
    )


def test_a_decline_argued_as_enough_without_it_is_still_a_decline() -> None:
    question = BANK.get("content-moderation")
    text = (
        "Errors spread evenly across languages, so I wouldn't break false positives and appeal overturns down per "
        "language, dialect and region; the overall rates from reviewed samples are enough to catch it."
    )
    assert declined_point(text, question.phase("issues").key_points) is not None


@pytest.mark.parametrize(
    ("question", "before", "wrong", "right"),
    [
        (
            "music-recommendations",
            "I'll assume a thirty-day month, forty-three thousand two hundred minutes.",
            "At 99.95% we may be down 0.05% of that, about two minutes a month.",
            "At 99.95% we may be down 0.05% of that, about twenty-two minutes a month.",
        ),
        (
            "fraud-detection",
            "I'll assume about fifty million transactions a day, nearly all legitimate.",
            "Declining or challenging up to 0.3% of them is about fifteen thousand good payments a day.",
            "Declining or challenging up to 0.3% of them is about a hundred and fifty thousand good payments a day.",
        ),
    ],
)
def test_a_share_of_the_amount_said_before_is_worked_out_on_it(
    question: str, before: str, wrong: str, right: str
) -> None:
    assert errors(question, f"{before} {wrong}"), wrong
    assert errors(question, f"{before} {right}") == []


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            # a number a choice is compared with is not an input
            "job-recommendations",
            "A hundred and fifty million subscribers times five hundred candidates each, since retrieval cuts deeper "
            "than a thousand, is seventy-five million scores.",
            "A hundred and fifty million subscribers times five hundred candidates each, since retrieval cuts deeper "
            "than a thousand, is seventy-five billion scores.",
        ),
        (
            # checkout held until the model answers
            "eta-prediction",
            "If the model times out, checkout holds the order until the model answers.",
            "If the model times out, checkout shows the distance-based estimate with a wider range.",
        ),
        (
            # an analogy's everyday words are not the design
            "demand-forecasting",
            "If the run fails halfway, we publish the forecasts written so far.",
            "A backtest should be like a ship's log read page by page: at each forecast date you see only the "
            "entries written so far.",
        ),
    ],
)
def test_analogies_and_comparisons_are_read_for_the_design(question: str, wrong: str, right: str) -> None:
    assert errors(question, wrong), wrong
    assert errors(question, right) == []
