"""Wrong claims read with their context: the goal asked for just before, a hold until a dependency recovers,
a figure said only to be dismissed, and a heavy model placed on a path with a latency budget."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.stance import asks_the_goal, clauses
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _kinds(question: str, phase: str, answer: str) -> list[tuple[str, str | None]]:
    return [(e.kind, e.key_point_id) for e in CHECKER.check(BANK.get(question), phase, answer)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence",
    [
        "So what are we maximising?",
        "What's the goal here?",
        "What is this system for?",
        "Let me pin the objective first.",
        "Goal first.",
    ],
)
def test_a_sentence_that_asks_or_announces_the_goal(sentence: str) -> None:
    assert asks_the_goal(sentence)


@pytest.mark.parametrize("sentence", ["What do we use for caching?", "The goal is completed trips."])
def test_other_sentences_do_not_announce_the_goal(sentence: str) -> None:
    assert not asks_the_goal(sentence)


def test_the_answer_to_what_are_we_maximising_states_the_goal() -> None:
    wrong = (
        "So what are we maximising? I'd say gross bookings per hour in each cell, because the company is paid "
        "on fares, so a higher multiplier wherever riders still accept is a win."
    )
    right = (
        "So what are we maximising? Not the fare. Completed trips with pickups under about eight minutes, "
        "and price is the lever that gets drivers where riders are."
    )
    assert ("claim", "marketplace-goal") in _kinds("dynamic-pricing", "requirements", wrong)
    assert _kinds("dynamic-pricing", "requirements", right) == []


def test_the_same_words_without_the_question_are_not_read_as_the_goal() -> None:
    said = "I'd say gross bookings per hour in each cell move with the weather."
    assert _kinds("dynamic-pricing", "requirements", said) == []


@pytest.mark.parametrize(
    ("question", "held"),
    [
        (
            "content-moderation",
            "Every other upload is held as pending, invisible to everyone but the author, until the classifiers "
            "come back.",
        ),
        ("fraud-detection", "On a timeout it parks the authorisation in a queue until the model is back."),
        (
            "eta-prediction",
            "The checkout call has a hard timeout at the hundred milliseconds, and on a timeout it retries "
            "against another replica, holding the order button until an estimate comes back, since a promise "
            "from the distance-based rule is too loose for the customer.",
        ),
    ],
)
def test_holding_users_until_a_dependency_recovers_breaks_availability(question: str, held: str) -> None:
    assert any(kind == "constraint" for kind, _ in _kinds(question, "issues", held))


@pytest.mark.parametrize(
    "queued",
    [
        "Everything else publishes with reduced reach and goes into a durable queue that the classifiers rescan "
        "when they're back.",
        "Holding every upload would turn a classifier outage into a posting outage.",
        "We never hold uploads until the classifiers come back; they publish with reduced reach.",
    ],
)
def test_a_rescan_queue_or_a_rejected_hold_keeps_posting_up(queued: str) -> None:
    assert _kinds("content-moderation", "issues", queued) == []


def test_but_meaning_except_does_not_end_the_clause() -> None:
    assert len(clauses("It is invisible to everyone but the author until it is scored")) == 1
    assert len(clauses("It is cheap, but it is slow")) == 2


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            "search-ranking",
            "deep_dive",
            "I'd use the clicks as they come, because at six hundred million queries a day the positional noise "
            "averages out.",
            "I'd use the clicks weighted by inverse propensity, with position bias estimated from a small "
            "randomised slice.",
        ),
        (
            "eta-prediction",
            "deep_dive",
            "I'd compute them in processing-time windows, one-minute buckets keyed by when the ping reaches "
            "Flink, which saves tuning a watermark.",
            "I'd compute them in event-time windows, one-minute buckets keyed by the timestamp on the ping, with "
            "a short watermark.",
        ),
    ],
)
def test_a_safeguard_named_only_to_be_dismissed_does_not_excuse_the_claim(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert any(kind == "claim" for kind, _ in _kinds(question, phase, wrong))
    assert _kinds(question, phase, right) == []


def test_a_heavy_model_inline_before_a_post_appears_breaks_the_latency_budget() -> None:
    wrong = (
        "On the upload path I'd run the big multimodal model on every image inline before it appears, even "
        "though that takes more like half a second per image."
    )
    right = (
        "On the upload path a distilled image classifier runs inline before it appears, which takes about "
        "thirty milliseconds, and the big multimodal model reviews the uncertain band asynchronously."
    )
    assert any(kind == "constraint" for kind, _ in _kinds("content-moderation", "architecture", wrong))
    assert not any(kind == "constraint" for kind, _ in _kinds("content-moderation", "architecture", right))
