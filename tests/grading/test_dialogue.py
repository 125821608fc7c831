"""A candidate in live dialogue with the interviewer ("You asked whether ...", "You suggested ..., but I'd push
back", "Fair point, ..."): the interviewer's idea or question said back is not the candidate's claim, a wrong hint
the candidate concedes is, and a decline in any wording ("I'd rather not ...") reaches every verb it governs."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.arithmetic import derivations
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.counterfactuals import ruled_out
from interviewer.grading.quantities import quantities, words_to_digits
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def errors(question: str, text: str, phase: str | None = None) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), phase, text) if not e.corrected]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (
            "You suggested clicks as the label because there are so many of them, but I'd push back: clickbait "
            "gets clicked and abandoned.",
            "I'd push back: clickbait gets clicked and abandoned.",
        ),
        ("You asked whether we could just rerun the sending job from the top.", "."),
        (
            "Good question about whether the large model can handle every turn, so let me price it.",
            ", so let me price it.",
        ),
    ],
)
def test_the_interviewers_idea_or_question_said_back_is_set_aside(said: str, kept: str) -> None:
    out = ruled_out(said)
    assert len(out) == len(said)
    assert out.strip() == kept


def test_a_suggestion_taken_up_rather_than_declined_is_read_as_said() -> None:
    text = "You suggested clicks as the label, and that's fair, since there are so many of them."
    assert ruled_out(text) == text


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            # the interviewer's wrong idea, quoted and declined, against the same idea conceded
            "youtube-recommendations",
            "deep_dive",
            "Good question about the label. You suggested clicks as the label because there are so many of them. "
            "Fair point, so I'd train the ranker on clicks.",
            "Good question about the label. You suggested clicks as the label because there are so many of them, "
            "but I'd push back: clickbait gets clicked and abandoned, so I'd predict expected watch time.",
        ),
        (
            # "I'd rather not A and B" declines both verbs, and the decline of a listed mistake sets nothing aside
            "fraud-detection",
            "architecture",
            "To your question, I'd approve on rules first and score asynchronously.",
            "To your question, I'd rather not approve on rules first and score asynchronously, because every "
            "transaction has to be scored before it's approved, and a score after approval only tells us about "
            "fraud we already let through.",
        ),
        (
            # the interviewer's question said back is no claim; the reply is
            "email-recommendations",
            "issues",
            "You asked whether we could just rerun the sending job from the top if it crashes halfway. Yes, we'd "
            "rerun it from the top and send the whole band again.",
            "You asked whether we could just rerun the sending job from the top if it crashes halfway. I wouldn't "
            "rerun it blind: every send carries an idempotency key, so a restart only sends the unsent half.",
        ),
        (
            # a check that keeps material out ("without letting ... through") is not a check skipped
            "content-moderation",
            "issues",
            "During the outage posts skip every check, hash matching included, and go live with reduced reach.",
            "Only the classifiers fail open: posts go live with reduced reach and are queued for a rescan, so "
            "posting stays up without letting known illegal material through.",
        ),
        (
            # a budget for the app's own surface, said after the exchange's
            "ad-serving",
            "requirements",
            "The bidder pre-filters the bid requests. So I'd spend the whole hundred milliseconds of an exchange "
            "bid on scoring.",
            "The bidder pre-filters the bid requests. For our own feed the ad decision gets under a hundred "
            "milliseconds end to end.",
        ),
    ],
)
def test_dialogue_answers_are_judged_on_what_the_candidate_says(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert errors(question, wrong, phase), wrong
    assert errors(question, right, phase) == [], right


def test_as_after_a_number_is_no_rate() -> None:
    text = "Think of the 300,000 daily turns as taxi rides at that fare."
    assert [q.per_seconds for q in quantities(text)] == [None]
    assert quantities("300 queries/s")[0].per_seconds == 1.0
    assert quantities("40 an hour")[0].per_seconds == 3600.0


def test_a_second_price_said_bare_after_at_is_dollars() -> None:
    said = words_to_digits(
        "four thousand tokens at two fifty per million plus two hundred and fifty at ten per million"
    )
    assert "at $2.50 per 1000000" in said and "at $10 per 1000000" in said


@pytest.mark.parametrize(
    ("question", "before", "wrong", "right"),
    [
        (
            # "at that fare:" gives the cost of what was counted at the price said before
            "support-chatbot-rag",
            "Each turn costs about 1.25 cents.",
            "Think of the 300,000 daily turns as taxi rides at that fare: $375 a day.",
            "Think of the 300,000 daily turns as taxi rides at that fare: $3,750 a day.",
        ),
        (
            # a sum said as the result of the step before it, in the result's unit
            "translation-service",
            "A billion requests at about sixty tokens is sixty billion input tokens a day and as many out.",
            "At fifteen cents per million in and sixty out, that's about nine thousand plus thirty-six thousand, "
            "roughly four and a half thousand dollars a day.",
            "At fifteen cents per million in and sixty out, that's about nine thousand plus thirty-six thousand, "
            "roughly forty-five thousand dollars a day.",
        ),
    ],
)
def test_spoken_costs_are_recomputed(question: str, before: str, wrong: str, right: str) -> None:
    assert errors(question, f"{before} {wrong}"), wrong
    assert errors(question, f"{before} {right}") == [], right


def test_a_rate_over_a_period_said_with_about_and_no_comma_is_a_result() -> None:
    steps = derivations("2 billion requests a day, over 86,400 seconds about 23,000 a second.")
    assert [(round(s.result.value), len(s.inputs)) for s in steps] == [(23000, 2)]


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            # a metric demoted to "a slower check" does not excuse the target named beside it
            "feed-ranking",
            "requirements",
            "Fair point, so I'd make total minutes in the feed the target, with daily actives as a slower check.",
            "Fair point, so I'd make daily actives and meaningful interactions the target, with total minutes in "
            "the feed as a slower check.",
        ),
        (
            # "then takes about" gives a result
            "llm-serving-platform",
            "deep_dive",
            "The KV cache is about 131 KB per token. An average sequence of 1,750 tokens then takes about 23 MB.",
            "The KV cache is about 131 KB per token. An average sequence of 1,750 tokens then takes about 230 MB.",
        ),
    ],
)
def test_a_conceded_hint_is_judged_on_what_the_candidate_then_says(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert errors(question, wrong, phase), wrong
    assert errors(question, right, phase) == [], right


def test_an_option_said_to_be_simpler_before_a_but_is_a_set_up() -> None:
    text = "Retraining the model every few minutes would be simpler, but we update the profile instead."
    assert errors("youtube-recommendations", text) == []
    assert errors(
        "youtube-recommendations", "Retraining the model every few minutes is simpler, so we do that."
    )
