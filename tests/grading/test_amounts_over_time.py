"""Amounts carried across a sentence or a period: a share said before its total, machine-hours a day read as
machines, and a day's amount said again as a month's."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def arithmetic(question: str, text: str) -> list[str]:
    return [e.why for e in CHECKER.check(BANK.get(question), None, text) if e.kind == "arithmetic"]


SHARE = (
    "The false-positive budget is worth turning into people. At most 0.3% of legitimate transactions can be "
    "declined or challenged, and we see about fifty million a day, so that's {} good customers a day hitting "
    "friction."
)
CLOCK = (
    "Ten million videos a day at one frame a second for thirty seconds is three hundred million frames. At a "
    "thousand frames a second per GPU that's three hundred thousand GPU-seconds, about 83 GPU-hours a day, "
    "which means {} GPUs busy around the clock."
)
MONTH = (
    "Sixty billion input tokens a day at fifteen cents per million is nine thousand dollars, and sixty billion "
    "output tokens at sixty cents per million is thirty-six thousand, so forty-five thousand. Over a month "
    "that's {} against our five hundred thousand budget."
)


@pytest.mark.parametrize(
    ("question", "template", "wrong", "right"),
    [
        ("fraud-detection", SHARE, "only around fifteen hundred", "roughly a hundred and fifty thousand"),
        ("content-moderation", CLOCK, "83", "about four"),
        ("translation-service", MONTH, "still around forty-five thousand", "about 1.35 million"),
    ],
)
def test_a_slip_is_challenged_and_the_right_amount_is_not(
    question: str, template: str, wrong: str, right: str
) -> None:
    assert arithmetic(question, template.format(wrong)), wrong
    assert arithmetic(question, template.format(right)) == []


def test_a_result_near_the_rest_of_the_total_reads_the_share_the_other_way() -> None:
    text = (
        "Only 5% of requests miss the cache, and we see ten thousand a second, so that's about nine thousand "
        "five hundred a second served from memory."
    )
    assert arithmetic("search-ranking", text) == []


def test_a_month_said_after_a_monthly_amount_is_not_a_slip() -> None:
    text = (
        "We serve a million requests a day and pay forty-five thousand dollars a month. Over a month that's "
        "about forty-five thousand, under the budget."
    )
    assert arithmetic("translation-service", text) == []


def test_the_why_names_the_machines_a_day_keeps_busy() -> None:
    (why,) = arithmetic("content-moderation", CLOCK.format("83"))
    assert "3.5 machines" in why


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            # one email's price from the price per thousand
            "email-recommendations",
            "At ten cents per thousand, fifty-one million emails a day cost about $5,100. So we send only if the "
            "margin beats a full cent, which is what each email costs.",
            "At ten cents per thousand, fifty-one million emails a day cost about $5,100. So we send only if the "
            "margin beats a hundredth of a cent, which is what each email costs.",
        ),
        (
            # an amount grown by a factor said in words
            "content-moderation",
            "That is about four GPUs busy around the clock. If uploads triple during a major event, that's about "
            "twelve hundred GPUs' worth of frames.",
            "That is about four GPUs busy around the clock. If uploads triple during a major event, that's about "
            "twelve GPUs' worth of frames.",
        ),
        (
            # half of a total, said after a comma
            "youtube-recommendations",
            "At a fifty percent hit rate, half of the fifty thousand peak requests, two and a half thousand a "
            "second, need ranking.",
            "At a fifty percent hit rate, half of the fifty thousand peak requests, twenty-five thousand a second, "
            "need ranking.",
        ),
        (
            # every operation said between two bare numbers
            "llm-serving-platform",
            "About sixty gigabytes are free, so sixty over 0.23 is roughly twenty-six sequences.",
            "About sixty gigabytes are free, so sixty over 0.23 is roughly two hundred and sixty sequences.",
        ),
        (
            # a day's dollars said again over a month
            "translation-service",
            "So the total is forty-five thousand a day, roughly $135K a month.",
            "So the total is forty-five thousand a day, roughly $1.35 million a month.",
        ),
    ],
)
def test_scaled_amounts(question: str, wrong: str, right: str) -> None:
    assert arithmetic(question, wrong), wrong
    assert arithmetic(question, right) == []


def test_a_result_said_again_over_a_year_takes_no_factor_from_before() -> None:
    text = (
        "Point one percent of fifty million is fifty thousand fraud attempts a day; at roughly a hundred and fifty "
        "dollars each that's seven and a half million a day, about 2.7 billion dollars a year attempted."
    )
    assert arithmetic("fraud-detection", text) == []
