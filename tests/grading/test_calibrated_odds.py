"""A candidate who thinks in calibrated probabilities ("I'm about eighty percent sure ...", "maybe a one-in-ten chance
that ..."): an option given low odds is set aside, whatever follows it is read as said, and a confidence figure said
beside the design's numbers is neither an input nor a result of its arithmetic."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.arithmetic import derivations
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.counterfactuals import ruled_out
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def errors(question: str, text: str, phase: str | None = None) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), phase, text) if not e.corrected]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (
            "I'd give maybe a ten percent chance that raw time spent is the right target, so I wouldn't optimise it.",
            ", so I wouldn't optimise it.",
        ),
        (
            "I'd give an LLM re-ranker per request maybe a five percent chance of being worth it, and it's ruled out.",
            "it's ruled out.",
        ),
        (
            "Since there's maybe a one-in-a-thousand chance an outage lasts long, I'd fail closed.",
            "I'd fail closed.",
        ),
    ],
)
def test_an_option_given_low_odds_is_set_aside(said: str, kept: str) -> None:
    out = ruled_out(said)
    assert len(out) == len(said)
    assert out.strip() == kept


@pytest.mark.parametrize(
    "said",
    [
        "I'm about ninety percent sure raw time spent is the right target, so I'd optimise it.",
        "Five percent of clicks convert, so the conversion model sees few positives.",
    ],
)
def test_high_confidence_and_plain_rates_are_read_as_said(said: str) -> None:
    assert ruled_out(said) == said


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            "feed-ranking",
            "requirements",
            "I'd give maybe a ten percent chance that daily actives move fast enough to steer by, so the target I'd "
            "optimise is raw time spent in the feed.",
            "I'd give maybe a ten percent chance that raw time spent is the right target, so I wouldn't optimise it, "
            "since outrage and clickbait hold attention without bringing anyone back.",
        ),
        (
            # the reason after a choice may carry low odds; the choice before it is still claimed
            "search-ranking",
            "architecture",
            "Stock changes can wait for the nightly rebuild, since I'd give maybe a one-in-twenty chance that a "
            "shopper even clicks a sold-out item.",
            "Stock changes stream into the index within a minute, since I'd give maybe a one-in-twenty chance that "
            "a shopper forgives a sold-out item.",
        ),
        (
            # an option costed before it is chosen ("Let me price ...") is not chosen
            "support-chatbot-rag",
            "optimization",
            "So I'd send every turn to the large model and skip routing.",
            "Let me price a large model on every turn, and before doing the sums I'd give it maybe a one-in-four "
            "chance of fitting the thirty thousand a month.",
        ),
    ],
)
def test_odds_answers_are_judged_on_what_the_candidate_chooses(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert errors(question, wrong, phase), wrong
    assert errors(question, right, phase) == [], right


def test_what_each_request_covers_is_not_a_divisor() -> None:
    steps = derivations(
        "If a ranker handles 400 requests a second over its 1000 candidates, that's about 63 instances.",
        "Half of 50,000 requests a second, 25,000, reach the models.",
    )
    assert [sorted(q.value for q in s.inputs) for s in steps] == [[400.0, 25000.0]]


@pytest.mark.parametrize(
    ("said", "broken"),
    [
        # a limit over the cap stays over it when only what lies beyond the limit goes to a human
        (
            "The bot can start refunds up to $500 once the customer confirms, and only larger ones go to a human.",
            True,
        ),
        ("The bot starts refunds under $100, and anything up to $500 goes to a human.", False),
        ("Refunds up to $500 go to a human, and the bot starts smaller ones.", False),
    ],
)
def test_a_refund_limit_is_read_apart_from_what_is_handed_on(said: str, broken: bool) -> None:
    assert bool(errors("support-chatbot-rag", said, "issues")) is broken, said


def test_a_quote_after_a_part_set_aside_starts_on_a_word() -> None:
    answer = (
        "I'd give maybe a ten percent chance that daily actives move fast enough to steer by, so the target I'd "
        "optimise is raw time spent in the feed."
    )
    quotes = errors("feed-ranking", answer, "requirements")
    assert quotes and all(q[0].isalpha() and q in answer for q in quotes), quotes
