"""A key point the candidate says they would not do is an error, whatever words the bank lists for it; declining
a listed mistake, something the point itself keeps out, or one side of a trade-off the point describes is not."""

from __future__ import annotations

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.rejection import declined_point
from interviewer.phases import Phase
from locations import KNOWLEDGE

CHECKER = ClaimChecker()


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(KNOWLEDGE)


def declined(question: Question, phase: Phase | None, text: str) -> list[str]:
    return [
        e.key_point_id or ""
        for e in CHECKER.check(question, phase, text)
        if e.why.startswith("This sets aside something a strong answer does")
    ]


@pytest.mark.parametrize(
    ("question", "phase", "text", "point"),
    [
        (
            "feed-ranking",
            "issues",
            "When the ranker times out I wouldn't fall back to a reverse-chronological feed; the app shows an "
            "error and retries.",
            "chronological-fallback",
        ),
        (
            "movie-recommendations",
            "optimization",
            "A week of the A/B test is enough, so I'd skip the long-running holdout entirely.",
            "long-term-testing",
        ),
        (
            "job-recommendations",
            "requirements",
            "Once age and gender are out of the features I don't think we need to audit who gets shown which "
            "postings by group.",
            "fairness-legal",
        ),
        # after the fact: "X would be overkill", "X adds noise for little gain"
        (
            "search-ranking",
            "deep_dive",
            "With this much traffic, inverse propensity weighting on clicks would be overkill here.",
            "position-bias",
        ),
        # "rather than X, I'd ...": what comes first is declined, up to the main clause
        (
            "email-recommendations",
            "issues",
            "Rather than an idempotency key per user and campaign, I'd keep it simple and trust the provider.",
            "idempotent-sending",
        ),
        # a part of the system said not to need it
        (
            "music-recommendations",
            "requirements",
            "Autoplay doesn't really need live session context in real time; a list built overnight does the "
            "job.",
            "surfaces-differ",
        ),
        # "X seems unnecessary to me", "X feels excessive", "X isn't something I'd bother with"
        (
            "feed-ranking",
            "issues",
            "A reverse-chronological fallback feed for when ranking is down seems unnecessary to me.",
            "chronological-fallback",
        ),
        (
            "translation-service",
            "deep_dive",
            "Checking COMET for every language pair after quantising isn't something we'd bother with.",
            "quantized-serving",
        ),
        # "people often do X, but I'd skip both": what "both" stands for is in the clause before
        (
            "feed-ranking",
            "issues",
            "Teams usually fall back to a reverse-chronological feed from the inbox, but I'd skip that.",
            "chronological-fallback",
        ),
        # "I don't think X is needed", "I don't think we'd need to X"
        (
            "fraud-detection",
            "deep_dive",
            "I don't think we'd need to recalibrate the downsampled scores back to the natural fraud rate.",
            "imbalance-handling",
        ),
        # "..., but I'm not convinced it's worth it": "it" is what the clause before describes
        (
            "movie-recommendations",
            "deep_dive",
            "Placing new titles with content embeddings from genres, cast and synopsis sounds sensible, but I'm "
            "not convinced it's worth it; collaborative filtering picks them up after a few weeks of plays.",
            "new-title-cold-start",
        ),
        # the object said first: "X, I'd leave out as extra latency"
        (
            "support-chatbot-rag",
            "issues",
            "A separate groundedness check on every answer, comparing its claims with the retrieved chunks, I'd "
            "leave out as extra latency.",
            "hallucination",
        ),
    ],
)
def test_declining_what_a_key_point_asks_for_is_an_error(
    bank: QuestionBank, question: str, phase: Phase, text: str, point: str
) -> None:
    q = bank.get(question)
    assert declined(q, phase, text) == [point]
    assert declined(q, None, text) == [point]  # as the interviewer reads it, over every phase


@pytest.mark.parametrize(
    ("question", "text"),
    [
        # a listed mistake declined
        ("youtube-recommendations", "We wouldn't retrain the ranking model every few minutes."),
        # something the key point itself keeps out
        ("feed-ranking", "We don't want to boost outrage or engagement bait."),
        ("youtube-recommendations", "We don't show ten videos from the same channel in a row."),
        # one side of the trade-off the point describes, with what is done instead
        (
            "feed-ranking",
            "But we don't push posts from accounts with a hundred million followers, that would be a hundred "
            "million writes for one post. We pull those at read time and merge them with the inbox.",
        ),
        # declining with no words of any key point
        ("feed-ranking", "I wouldn't worry about the colour of the buttons."),
        # a condition, not a decline: "skip when it isn't worth it"
        (
            "email-recommendations",
            "A model decides to skip a send when the email isn't worth it to the user.",
        ),
        # what is declined is one design; the point is met another way in the same breath
        (
            "feed-ranking",
            "For candidates I'd skip inboxes and fan out on read for everyone, pulling each author's recent "
            "posts from an in-memory index.",
        ),
    ],
)
def test_declining_what_no_key_point_asks_for_is_not(bank: QuestionBank, question: str, text: str) -> None:
    assert declined(bank.get(question), None, text) == []


def test_a_declined_point_is_not_covered_and_is_questioned_on_its_own_sentence(bank: QuestionBank) -> None:
    q = bank.get("feed-ranking")
    text = "I wouldn't fall back to reverse-chronological order behind a circuit breaker."
    [error] = [e for e in CHECKER.check(q, "issues", text) if e.key_point_id == "chronological-fallback"]
    assert error.quote == text
    assert error.challenge.endswith("?") and "fall back" not in error.challenge  # the quote is said once
    point = next(p for p in q.phase("issues").key_points if p.id == "chronological-fallback")
    assert CHECKER.asserts_wrong(text, point)
    assert (
        declined_point("We fall back to reverse-chronological order behind a circuit breaker.", [point])
        is None
    )


def test_naming_the_pooled_average_as_what_hides_a_broken_slice_is_reasoning(bank: QuestionBank) -> None:
    q = bank.get("translation-service")
    right = (
        "I'd check quality for every language pair after quantising, because a small language can break while "
        "the global average looks fine."
    )
    wrong = "After quantising I'd ship as long as the global average holds."
    assert not [e for e in CHECKER.check(q, None, right) if "pooled average" in e.why]
    assert [e for e in CHECKER.check(q, None, wrong) if "pooled average" in e.why]


def test_a_decline_given_its_reason_after_a_colon_is_not_met_by_the_next_sentence(bank: QuestionBank) -> None:
    q = bank.get("feed-ranking")
    text = (
        "Most accounts have a few hundred followers, so pushing each post into every follower's inbox is cheap. "
        "I'd not make an exception for accounts with millions of followers, though: one code path is easier to "
        "run. Likes stream into counters the model reads at request time."
    )
    assert "fanout-strategy" in declined(q, "architecture", text)
    made = text.replace("I'd not make an exception", "I'd make an exception")
    assert "fanout-strategy" not in declined(q, "architecture", made)


def test_a_sentence_that_builds_on_the_decline_says_nothing_done_instead(bank: QuestionBank) -> None:
    q = bank.get("search-ranking")
    text = (
        "Each query is recorded with the products clicked and any purchases; impressions need not be stored, "
        "unclicked results carrying little signal. With these logs to hand, position bias can be estimated and "
        "inverse propensity weighting applied in training."
    )
    assert "logging-for-training" in declined(q, "architecture", text)
    kept = text.replace("impressions need not be stored", "impressions are stored with their positions")
    assert "logging-for-training" not in declined(q, "architecture", kept)


def test_a_decline_ending_in_for_that_names_only_what_it_declines(bank: QuestionBank) -> None:
    q = bank.get("email-recommendations")
    text = (
        "Say the sender crashes after twelve million of twenty million emails. The rerun rebuilds the same "
        "digests and hands all twenty million to the sender again, and we don't need idempotency keys for that."
    )
    assert "idempotent-sending" in declined(q, None, text)
    kept = text.replace("we don't need idempotency keys for that", "idempotency keys stop a second copy")
    assert "idempotent-sending" not in declined(q, None, kept)
