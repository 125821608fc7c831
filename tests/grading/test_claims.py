"""The claim checker judges what an answer claims: which side it takes, and whether its arithmetic holds."""

from __future__ import annotations

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.stance import is_asserted
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


@pytest.fixture(scope="module")
def youtube() -> Question:
    return QuestionBank.load(KNOWLEDGE).get("youtube-recommendations")


def errors(question: Question, text: str) -> list[str]:
    return [e.kind for e in ClaimChecker().check(question, None, text)]


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("The objective is CTR, not watch time.", "The objective is watch time, not CTR."),
        (
            "We will optimise click-through rate rather than watch time.",
            "We will optimise watch time rather than click-through rate.",
        ),
        ("If Redis is down the request just fails.", "If Redis is down we serve a default profile instead."),
        (
            "We don't need candidate generation, the ranker scores every video on each request.",
            "We need candidate generation, so the ranker only scores about a thousand videos.",
        ),
        (
            "500 million daily users times 5 loads a day is about 2.9 million requests per second.",
            "500 million daily users times 5 loads a day is about 29 thousand requests per second.",
        ),
    ],
)
def test_the_wrong_side_of_a_minimal_pair_is_an_error_and_the_right_side_is_not(
    youtube: Question, wrong: str, right: str
) -> None:
    assert errors(youtube, wrong)
    assert errors(youtube, right) == []


def test_a_tracked_guardrail_is_not_mistaken_for_the_objective(youtube: Question) -> None:
    assert errors(youtube, "The goal is long-term watch time, and we track CTR as a guardrail.") == []


def test_arithmetic_is_judged_from_the_candidates_own_inputs_not_the_question_numbers(
    youtube: Question,
) -> None:
    # 60 instances at 1,000 QPS is not the question's own fleet, but it is consistent.
    assert errors(youtube, "60 instances at 1,000 QPS each is 60K QPS, with autoscaling on top.") == []
    assert errors(youtube, "60 instances at 1,000 QPS each is 6K QPS.") == ["arithmetic"]


def test_spelled_out_numbers_are_read(youtube: Question) -> None:
    assert (
        errors(youtube, "Half a billion users times five loads a day is roughly 29K requests a second.") == []
    )
    assert errors(youtube, "Half a billion users times five loads a day is roughly 3 million a second.") == [
        "arithmetic"
    ]


def test_an_order_of_magnitude_is_a_serious_error_and_twice_is_not_an_error(youtube: Question) -> None:
    checker = ClaimChecker()
    [serious] = checker.check(youtube, None, "500M profiles times 2 KB is about 1 GB.")
    assert serious.serious
    assert "about 1 TB, not 1 GB" in serious.why
    assert checker.check(youtube, None, "500M profiles times 2 KB is about 1.5 TB.") == []


def test_a_chain_of_results_checks_each_step(youtube: Question) -> None:
    text = "500 million daily users times 5 loads a day is about 29 thousand a second, so maybe 50K at peak."
    assert errors(youtube, text) == []


def test_the_quote_is_the_sentence_of_the_answer_that_says_it(youtube: Question) -> None:
    answer = (
        "Watch time is the goal. We score every one of the billion videos with a big transformer per request."
    )
    found = ClaimChecker().check(youtube, None, answer)
    assert found and all(e.quote in answer for e in found)
    assert found[0].key_point_id == "two-stage-funnel"


def test_a_corrected_error_is_marked_as_corrected(youtube: Question) -> None:
    answer = (
        "500 million daily users times 5 loads a day is about 2.9 million requests per second. "
        "Let me redo that: 500 million times 5 a day is about 29 thousand requests per second."
    )
    [first] = ClaimChecker().check(youtube, None, answer)
    assert first.corrected


def test_actually_said_for_stress_does_not_correct_an_error() -> None:
    answer = (
        "The current reporting counts every play as a success, including the ones skipped after three seconds. "
        "I'd keep that definition, since every play is a sign of interest. The playlist is judged on total plays "
        "in the first week, because that shows how much it was actually used."
    )
    errors = ClaimChecker().check(BANK.get("music-recommendations"), "requirements", answer)
    assert errors and not any(e.corrected for e in errors)


def test_quantities_carry_magnitudes_units_and_time_bases() -> None:
    found = quantities(
        words_to_digits("Ten minutes, 50K QPS, 20 GB per shard, 60% hit rate, five loads a day")
    )
    assert [(q.kind, q.value, q.per_seconds) for q in found] == [
        ("duration", 600.0, None),
        ("count", 50_000.0, 1.0),
        ("bytes", 20e9, None),
        ("percent", 0.6, None),
        ("count", 5.0, 86_400.0),
    ]


@pytest.mark.parametrize(
    ("clause", "term", "asserted"),
    [
        ("optimise watch time, not CTR", "CTR", False),
        ("optimise CTR, not watch time", "CTR", True),
        ("we won't optimise CTR", "CTR", False),
        ("watch time rather than CTR", "CTR", False),
        ("CTR is a trap here", "CTR", False),
    ],
)
def test_stance_tells_an_asserted_term_from_a_rejected_one(clause: str, term: str, asserted: bool) -> None:
    start = clause.index(term)
    assert is_asserted(clause, start, start + len(term)) is asserted


def test_downtime_is_recomputed_from_the_availability_target(youtube: Question) -> None:
    assert errors(youtube, "99.95 percent availability is about 22 minutes of downtime a month.") == []
    [wrong] = ClaimChecker().check(
        youtube, None, "99.95 percent availability is about 3 hours of downtime a month."
    )
    assert "21.6 minutes" in wrong.why


def test_a_corrected_design_said_with_its_reason_is_not_the_wrong_claim(youtube: Question) -> None:
    text = "Scoring a billion videos with a transformer synchronously can't fit in 200 ms, and it costs too much."
    assert errors(youtube, text) == []


@pytest.mark.parametrize(
    "reasoning",
    [
        "If we train on raw clicks as labels, the model just copies the old ranking.",
        "If you train on raw clicks as the label, the ranker learns position bias and gets worse.",
    ],
)
def test_supposing_a_mistake_to_show_its_harm_is_not_the_mistake(reasoning: str) -> None:
    search = QuestionBank.load(KNOWLEDGE).get("search-ranking")
    assert errors(search, reasoning) == []
    # The same words said as the plan are still the mistake.
    assert errors(search, "We train on raw clicks as labels, so the model learns what users want.") == [
        "claim"
    ]


def test_an_event_with_a_bad_outcome_is_still_a_design_that_lets_it_happen(youtube: Question) -> None:
    # "If Redis is down, the request fails" describes the design, not a mistake being reasoned about.
    assert errors(youtube, "If Redis is down, the request just fails.") == ["claim"]


def test_a_metric_called_noisy_is_not_the_one_the_candidate_asserts(youtube: Question) -> None:
    answer = (
        "I'd go for click-through rate, not long-term watch time, because watch time on its own is noisy."
    )
    assert errors(youtube, answer) == ["claim"]
    assert (
        errors(youtube, "I'd go for long-term watch time, not click-through rate, because clicks are noisy.")
        == []
    )


def test_the_alternative_a_comparison_sets_aside_is_not_asserted() -> None:
    fraud = QuestionBank.load(KNOWLEDGE).get("fraud-detection")
    batch = (
        "I'd compute the velocity features in a nightly batch job, because that is cheaper than streaming."
    )
    assert errors(fraud, batch) == ["claim"]
    assert is_asserted("streaming is better than a nightly batch", 0, len("streaming"))
    assert not is_asserted("a nightly batch is simpler than streaming", 33, 42)


@pytest.mark.parametrize(
    ("clause", "term", "asserted"),
    [
        (
            "the objective is time spent, not meaningful interactions like comments, shares and replies",
            "shares",
            False,
        ),
        ("we optimise watch time, not clicks, likes or shares", "shares", False),
        ("we don't use clicks, and shares matter", "shares", True),
        ("not clicks, we use shares and comments", "comments", True),
    ],
)
def test_a_negator_reaches_every_item_of_the_list_it_introduces(
    clause: str, term: str, asserted: bool
) -> None:
    start = clause.index(term)
    assert is_asserted(clause, start, start + len(term)) is asserted


def test_context_words_contrasted_away_do_not_make_the_claim() -> None:
    translation = BANK.get("translation-service")
    right = "Training data comes from mined parallel corpora and back-translation, not from API customers."
    wrong = "Training data comes from mined parallel corpora, back-translation, and the API customers' logs."
    assert CHECKER.check(translation, None, right) == []
    assert [e.kind for e in CHECKER.check(translation, None, wrong)] == ["claim"]


def test_a_stale_period_said_as_by_the_next_day_breaks_a_freshness_target() -> None:
    search = BANK.get("search-ranking")
    stale = "The stock filter runs when the cached list is rebuilt, so an out-of-stock item drops out by the next day."
    fresh = "The stock filter runs at serving time, so an out-of-stock item drops out within a minute."
    assert [e.kind for e in CHECKER.check(search, None, stale)] == ["constraint"]
    assert CHECKER.check(search, None, fresh) == []


def test_a_check_whose_timing_is_in_the_next_segment_is_held_to_the_ordering() -> None:
    moderation = BANK.get("content-moderation")
    late = "Text and images get checked in a nightly batch, after they're visible."
    early = "Text and images get checked synchronously, before they're visible."
    outage = "If the classifiers are down, posts go live with reduced reach and are checked later."
    assert [e.kind for e in CHECKER.check(moderation, None, late)] == ["constraint"]
    assert CHECKER.check(moderation, None, early) == []
    assert [e for e in CHECKER.check(moderation, None, outage) if e.kind == "constraint"] == []


def test_a_common_method_error_is_found_in_any_question_and_its_right_form_is_not() -> None:
    for question_id in ("fraud-detection", "search-ranking", "support-chatbot-rag"):
        question = BANK.get(question_id)
        wrong = "We tune the prompts on the golden set and report the final score on that same set."
        right = "We tune on one golden set and report the final score on a separate held-out set."
        assert [e.key_point_id for e in CHECKER.check(question, None, wrong)] == [None]
        assert CHECKER.check(question, None, right) == []


def test_a_retraction_that_names_what_it_redoes_corrects_a_common_method_error() -> None:
    fraud = BANK.get("fraud-detection")
    answer = (
        "We normalise every feature with the mean and variance computed over the whole dataset, including the "
        "test set. If the new model improves offline AUC, we ship it. You're right, I'd fit the normalisers "
        "on the training months only."
    )
    found = {e.quote[:20]: e.corrected for e in CHECKER.check(fraud, None, answer)}
    assert found == {"We normalise every f": True, "If the new model imp": False}


def test_a_sentence_the_question_already_flags_is_not_flagged_again_as_a_common_error() -> None:
    fraud = BANK.get("fraud-detection")
    sentence = "We shuffle the last year of transactions and randomly split them 80/20 into train and test."
    assert len(CHECKER.check(fraud, None, sentence)) == 1


def test_an_average_said_to_hide_a_slice_is_reasoning_not_the_pooled_average_error() -> None:
    translation = BANK.get("translation-service")
    right = "Low-resource pairs often lose the most, and a global average would hide that."
    wrong = "We look at the global average, and if that's fine, it ships."
    assert CHECKER.check(translation, None, right) == []
    assert [e.kind for e in CHECKER.check(translation, None, wrong)] == ["claim"]
