"""Answers that end on a recap ("Bottom line: ..."): the recap states the decisions, so its first item is read as
the goal; and the arithmetic such answers do in passing (a price per thousand worked out with its thousand, bytes a
second from a rate said before, a cache's lifetime, a result said as "That is ..." of the sentence before)."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("question", "body", "right", "wrong"),
    [
        (
            "job-recommendations",
            "Success is an application that gets a recruiter reply, and ultimately a hire.",
            "Bottom line: recruiter replies and hires, not raw applies.",
            "Bottom line: raw applies, not recruiter replies, since applies arrive at once.",
        ),
        (
            "demand-forecasting",
            "A stockout day sells nothing whatever people wanted.",
            "To sum up: treat out-of-stock days as censored demand, not as real zeros.",
            "To sum up: treat out-of-stock days as real zeros, not as censored demand.",
        ),
    ],
)
def test_a_recap_states_the_decision(question: str, body: str, right: str, wrong: str) -> None:
    assert _errors(question, f"{body} {right}") == []
    assert _errors(question, f"{body} {wrong}") == [wrong]


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        # a price per thousand worked out with the thousand said
        (
            "ad-serving",
            "Two dollars times 0.015 times a thousand is thirty dollars per thousand impressions.",
            "Two dollars times 0.015 times a thousand is three dollars per thousand impressions.",
        ),
        # bytes a second from the event rate said before in the sentence
        (
            "eta-prediction",
            "Half a million couriers pinging every four seconds is 125 thousand events a second, and at about a "
            "hundred bytes each that is 12.5 megabytes a second.",
            "Half a million couriers pinging every four seconds is 125 thousand events a second, and at about a "
            "hundred bytes each that is 125 megabytes a second.",
        ),
        # how long a cached list lives is not a factor
        (
            "youtube-recommendations",
            "At a peak of fifty thousand requests a second, lists cached for five minutes have a hit rate of fifty "
            "percent, so about twenty-five thousand requests a second reach ranking.",
            "At a peak of fifty thousand requests a second, lists cached for five minutes have a hit rate of fifty "
            "percent, so about two thousand requests a second reach ranking.",
        ),
        # "That is ..." gives the result of the sentence before
        (
            "demand-forecasting",
            "Nine hundred million rows at about five thousand rows per core-second. That is a hundred and eighty "
            "thousand core-seconds, fifty core-hours.",
            "Nine hundred million rows at about five thousand rows per core-second. That is eighteen thousand "
            "core-seconds, five core-hours.",
        ),
    ],
)
def test_arithmetic_said_in_passing(question: str, right: str, wrong: str) -> None:
    assert _errors(question, right) == []
    assert _errors(question, wrong)


def test_a_price_said_the_spoken_way_is_not_read_as_two_numbers() -> None:
    said = (
        "A turn is about four thousand input and two hundred and fifty output tokens; at two fifty and ten dollars "
        "per million, that's about one and a quarter cents."
    )
    assert _errors("support-chatbot-rag", said) == []


def test_a_long_sentence_cut_in_pieces_keeps_its_condition() -> None:
    answer = (
        "The feed service gives ranking a deadline inside the two hundred milliseconds, and a circuit breaker "
        "trips when it keeps missing, so we return an empty page with a retry prompt until ranking recovers, "
        "since an unranked feed would hurt engagement."
    )
    assert _errors("feed-ranking", answer)


def test_correction_rates_are_not_a_correction() -> None:
    answer = (
        "If the average improves it goes out to all pairs at once. Bottom line: a metric gate, then correction "
        "rates and rollback."
    )
    assert _errors("translation-service", answer) == [
        "If the average improves it goes out to all pairs at once."
    ]


def test_a_recap_that_gives_an_amount_worked_out_before_with_another_value_is_an_error() -> None:
    body = (
        "Two and a quarter trillion scores at five hundred thousand a core-second is four and a half million "
        "core-seconds, about twelve hundred and fifty core-hours. "
    )
    right = "So, to recap: about twelve hundred and fifty core-hours a night for recent profiles."
    wrong = "So, to recap: about a hundred and twenty-five core-hours a night for recent profiles."
    assert _errors("movie-recommendations", body + right) == []
    [error] = [
        e for e in CHECKER.check(BANK.get("movie-recommendations"), None, body + wrong) if e.quote == wrong
    ]
    assert (
        error.why
        == "The recap says about 125 core-hours, but the answer worked out about 1,250 core-hours before."
    )
