"""Answers typed into a chat box: bullets, arrows, symbols and k/M/B numbers ("500M posts/day × ~200 followers ≈
100B writes/day", "$2.5/M", "/ 86.4k ≈ 1.2M writes/s"), and options asked and turned down ("weighted fair share?
tbh I don't think we need that")."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.signals import sentence_quality
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _points(question: str, answer: str) -> list[str | None]:
    return [e.key_point_id for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


def test_a_rate_typed_after_a_noun_and_a_slash_is_a_rate() -> None:
    found = quantities(words_to_digits("300k turns/day, ~10 turns/s, $112k/mo"))
    assert [q.per_seconds for q in found] == [86_400.0, 1.0, 2_592_000.0]


def test_a_price_typed_per_million_is_a_price_per_million() -> None:
    assert "per 1000000" in words_to_digits("4k × $2.5/M = $0.01")
    assert CHECKER.arithmetic_errors("big model: 4k × $2.5/M = $0.01, 250 × $10/M = $0.0025") == []
    assert CHECKER.arithmetic_errors("big model: 4k × $2.5/M = $10") != []


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        (
            "- 500M posts/day × ~200 followers avg ≈ 100B inbox writes/day\n- / 86.4k ≈ 1.2M writes/s, before peaks",
            False,
        ),
        (
            "- 500M posts/day × ~200 followers avg ≈ 100B inbox writes/day\n- / 86.4k ≈ 12k writes/s, before peaks",
            True,
        ),
        ("50k convs/day × 6 msgs = 300k turns/day, monday peak ~3× → ~10 turns/s, tiny.", False),
        ("50k convs/day × 6 msgs = 300k turns/day, monday peak ~3× → ~100 turns/s, tiny.", True),
    ],
)
def test_a_typed_line_that_opens_on_its_operation_continues_the_line_before(typed: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(typed)) is wrong


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("per turn ≈ 800 sys + 5 chunks × 400 + ~1k history ≈ 4k tok in, ~250 out.", False),
        ("- 10M series × 90 days × 3 quantiles ≈ 2.7B + lead-time quantiles ~0.5B → ~3.2B preds", False),
        ("- 200M profiles active in 30d × 15k titles ≈ 3T scores", False),
        ("- 200M profiles active in 30d × 15k titles ≈ 90T scores", True),
    ],
)
def test_sums_of_products_and_the_window_a_count_is_taken_over_are_not_factors(
    typed: str, wrong: bool
) -> None:
    assert bool(CHECKER.arithmetic_errors(typed)) is wrong


@pytest.mark.parametrize(
    ("question", "asked", "answer", "point"),
    [
        (
            "dynamic-pricing",
            "keep a small bounded price exploration running?",
            "I'd switch it off once elasticity is fit, no reason to keep jittering riders' prices",
            "continuous-learning",
        ),
        (
            "translation-service",
            "source↔output consistency checks on numbers + entities?",
            "don't see the point, NMT copies digits reliably, would just add latency",
            "critical-errors",
        ),
        (
            "job-recommendations",
            "seniority + salary band as soft features?",
            "nah, I wouldn't, filter them out hard before ranking",
            "hard-constraints",
        ),
    ],
)
def test_an_option_asked_and_turned_down_in_the_next_line_is_declined(
    question: str, asked: str, answer: str, point: str
) -> None:
    assert point in _points(question, f"{asked}\n{answer}")
    # asked and taken, it is not
    assert point not in _points(question, f"{asked}\nyes, definitely, from day one")


def test_a_cap_on_how_much_an_inbox_keeps_is_not_how_stale_it_is() -> None:
    assert (
        _points(
            "feed-ranking", "→ push for normal accts, pull at read for >~1M followers, cap inboxes at ~2 days"
        )
        == []
    )


def test_a_typed_note_that_says_its_relations_in_symbols_is_not_a_keyword_list() -> None:
    assert (
        sentence_quality("skip before 30s → negative, and the second matters, skip @3s ≫ skip @25s") >= 0.35
    )
    assert sentence_quality("stream >30s, save, playlist add → positive (save/add weighted higher)") >= 0.35
    # a bare list of names is still one
    assert sentence_quality("Kafka, Redis, two-tower, ANN, feature store, A/B test") < 0.35
    assert sentence_quality("autoplay: last tracks, tempo/energy, time of day, device") < 0.35


def test_an_abbreviation_typed_with_a_full_stop_ends_no_sentence() -> None:
    answer = "video: async queue; meanwhile it's live at full reach incl. recs/trending, we pull it if it scores bad"
    assert [e.quote for e in CHECKER.check(BANK.get("content-moderation"), None, answer)] == [
        answer.split("; ")[1]
    ]
    assert CHECKER.arithmetic_errors("peak is approx. 3× the avg of 580/s, so ~1.7k/s") == []


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("launch gate = A/B on results-page CTR, moves fastest, purchases too sparse per search", True),
        ("launch gate = A/B on purchases per search, CTR only as a guardrail", False),
    ],
)
def test_an_excuse_named_as_too_sparse_to_use_excuses_nothing(typed: str, wrong: bool) -> None:
    assert ("experiment-method" in _points("search-ranking", typed)) is wrong


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        (
            "model dead → rules-only mode: approve everything that passes the blocklist, any amount, no extra caps",
            True,
        ),
        ("model dead → rules-only mode w/ tighter limits: large payments held for step-up", False),
    ],
)
def test_rules_in_an_outage_need_limits_on_large_amounts(typed: str, wrong: bool) -> None:
    assert ("scoring-outage" in _points("fraud-detection", typed)) is wrong
