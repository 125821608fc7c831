"""Long spoken turns: results taken back mid-sentence, units changed by hand, a second part of a design added on
in the same sentence, a lifetime said before what it keeps, and a long sentence that does not correct itself."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import clauses
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[tuple[str, str | None]]:
    return [
        (e.kind, e.key_point_id) for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected
    ]


def _whys(question: str, answer: str) -> list[str]:
    return [e.why for e in CHECKER.check(BANK.get(question), None, answer)]


ETAS = "Thirty million sessions, say five list loads each, twenty restaurants per list, so three billion ETAs a day. "


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "Divided by 86,400, that's about three and a half thousand a second, no wait, thirty-five thousand.",
            False,
        ),
        (
            "Divided by 86,400, that's about thirty-five thousand, no, sorry, three and a half thousand a second.",
            True,
        ),
    ],
)
def test_a_result_taken_back_at_once_is_not_the_result(said: str, wrong: bool) -> None:
    assert bool(_errors("eta-prediction", ETAS + said)) is wrong


def test_a_bare_day_in_seconds_divides_once_in_the_explanation_too() -> None:
    whys = _whys(
        "eta-prediction", ETAS + "Divided by 86,400, that's about three and a half thousand a second."
    )
    assert whys and "34.7 thousand a second" in whys[0]


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("Forty million daily plus eighty million weekly is roughly fifty million digests a day.", False),
        (
            "Forty million daily plus eighty million weekly is roughly a hundred and twenty million digests a day.",
            True,
        ),
    ],
)
def test_a_weekly_addend_counts_a_seventh_a_day(said: str, wrong: bool) -> None:
    assert bool(_errors("email-recommendations", said)) is wrong


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "So that's a hundred and sixty thousand core-seconds; divided by sixty, roughly twenty-seven hundred core-hours.",
            True,
        ),
        (
            "So that's a hundred and sixty thousand core-seconds; divided by thirty-six hundred, about forty-four core-hours.",
            False,
        ),
    ],
)
def test_seconds_divided_by_sixty_are_minutes_not_hours(said: str, wrong: bool) -> None:
    assert bool(_errors("demand-forecasting", said)) is wrong


def test_a_light_model_over_a_thousand_candidates_still_multiplies() -> None:
    said = "At a hundred thousand requests a second, a light model over those thousand is a hundred million scores a second."
    assert _errors("ad-serving", said) == []


def test_a_count_kept_as_an_operations_dashboard_is_not_the_goal() -> None:
    assert (
        _errors("content-moderation", "Raw removal counts I'd probably keep as an operations dashboard only.")
        == []
    )


def test_the_second_part_of_a_design_is_not_the_reason_for_the_first() -> None:
    both = (
        "One head predicts whether the member applies, which we learn fast since applies are logged instantly, and a "
        "second predicts whether the recruiter replies, which arrives days later and is sparser."
    )
    assert _errors("job-recommendations", both) == []
    assert _errors("job-recommendations", "The final score is the apply probability alone.") == [
        ("claim", "multi-objective-ranker")
    ]


def test_a_labelling_mistake_supposed_with_its_harm_is_not_the_design() -> None:
    supposed = (
        "If I train today on yesterday's clicks and call every unconverted one a negative, I bake in a conversion "
        "rate that's too low, and newer campaigns look worst."
    )
    assert _errors("ad-serving", supposed) == []


def test_a_second_thing_done_and_an_item_added_on_are_claims_of_their_own() -> None:
    assert clauses(
        "We meter token counts per tenant, and I'd also write the prompts to the lake for ninety days."
    ) == (
        "We meter token counts per tenant",
        "I'd also write the prompts to the lake for ninety days.",
    )
    said = (
        "I'd take moderator decisions and appeal outcomes, plus every automatic removal the classifier made as a "
        "confirmed positive."
    )
    assert _errors("content-moderation", said) == [("claim", "feedback-and-appeals")]


def test_a_long_sentence_is_cut_at_its_clause_boundary_nearest_the_middle() -> None:
    said = (
        "For telemetry, each request emits tenant, model, token counts and latency to a metrics pipeline for "
        "chargeback, and I'd also write the full prompts and completions into the shared data lake for ninety days "
        "so any team can debug and build eval sets from real traffic."
    )
    pieces = [s.text for s in split_sentences(said)]
    assert len(pieces) == 2 and pieces[1].startswith("and I'd also write the full prompts and completions")
    assert ("claim", "data-isolation") in _errors("llm-serving-platform", said)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "youtube-recommendations",
            "The profile is rebuilt from the warehouse each time the hourly landing finishes, so what someone just "
            "watched shows up within the hour or so.",
        ),
        (
            "search-ranking",
            "Entries live about an hour, since stock changes are small relative to relevance, and the cache just "
            "refreshes on expiry.",
        ),
        (
            "fraud-detection",
            "The switch authorises as usual and publishes each transaction to Kafka, and the fraud service consumes "
            "it a second or two later, so we never slow down approval.",
        ),
    ],
)
def test_a_bound_past_the_target_a_lifetime_said_first_and_slowing_down_are_read(
    question: str, said: str
) -> None:
    assert [kind for kind, _ in _errors(question, said)] == ["constraint"]


def test_a_bound_inside_the_target_still_excuses_a_backfill() -> None:
    said = (
        "The profile updates from the stream within five minutes, with an hourly backfill from the warehouse."
    )
    assert _errors("youtube-recommendations", said) == []


def test_an_effect_said_to_average_out_is_dismissed() -> None:
    said = "I'd retrain nightly on the raw clicks exactly as logged, since the volume averages position effects out."
    assert _errors("search-ranking", said) == [("claim", "position-bias")]


def test_the_rest_of_a_cut_sentence_is_not_a_correction() -> None:
    said = (
        "I'd roll out everywhere at once as soon as the pooled BLEU and COMET on our test set improve, and rely on "
        "instant rollback, watching the global latency, correction rate and detection confidence dashboards "
        "afterwards for any sign of trouble."
    )
    assert ("claim", "safe-rollout") in _errors("translation-service", said)


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("Ranker at ~200 QPS/instance on 1K candidates → 25K ÷ 200 = 125 rankers.", False),
        ("Ranker at ~200 QPS/instance on 1K candidates → 25K ÷ 200 ≈ 12 rankers.", True),
        ("Avg seq 1,500 + 250 ≈ 1,750 tokens at 131 KB/token → ~230 MB/seq.", False),
        ("Avg seq 1,500 + 250 ≈ 1,750 tokens at 131 KB/token → ~23 MB/seq.", True),
    ],
)
def test_an_arrow_starts_a_calculation_or_gives_its_result(said: str, wrong: bool) -> None:
    assert bool(_errors("youtube-recommendations", said)) is wrong


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("One billion requests, 60 tokens in and about 60 out, so 60 billion each side per day.", False),
        ("One billion requests, 60 tokens in and about 60 out, so 120 billion tokens a day.", False),
        ("One billion requests, 60 tokens in and about 60 out, so 6 billion each side per day.", True),
    ],
)
def test_tokens_in_and_out_are_two_sides_not_two_factors(said: str, wrong: bool) -> None:
    assert bool(_errors("translation-service", said)) is wrong


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "The cutoff is 100 ms including the network, which eats ~50-60 ms, plus ~10 ms parse, so ~30 ms compute.",
            False,
        ),
        (
            "The cutoff is 100 ms including the network, which eats ~50-60 ms, plus ~10 ms parse, so ~5 ms compute.",
            True,
        ),
    ],
)
def test_what_a_budget_leaves_is_a_difference(said: str, wrong: bool) -> None:
    assert bool(_errors("ad-serving", said)) is wrong


def test_a_denominator_is_not_the_aim_and_a_metric_tracked_alongside_excuses_nothing() -> None:
    said = "Objective: session time spent per DAU, since it's dense, moves fast and tracks retention."
    assert _errors("feed-ranking", said) == [("claim", "engagement-objective")]
    said = "Winners go to a proper A/B read on CTR of the first results page, with rater NDCG@10 tracked."
    assert _errors("search-ranking", said) == [("claim", "experiment-method")]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "fraud-detection",
            "Payment switch approve the payment and put it to Kafka, and our fraud service read from Kafka and give "
            "score, so authorisation is never waiting for model.",
        ),
        (
            "email-recommendations",
            "Triggers: CDC on price/stock into Kafka, consumer buffers them and folds them into the user's next "
            "morning digest.",
        ),
    ],
)
def test_a_check_read_off_a_queue_and_a_trigger_carried_by_pronouns_are_read(
    question: str, said: str
) -> None:
    assert [kind for kind, _ in _errors(question, said)] == ["constraint"]


def test_a_scorer_called_before_approval_that_also_publishes_to_kafka_is_sound() -> None:
    said = (
        "The switch calls the fraud service synchronously before it approves the payment, and every scored payment "
        "is published to Kafka for the feature pipeline."
    )
    assert _errors("fraud-detection", said) == []


def test_a_second_priced_item_after_a_result_is_a_calculation_of_its_own() -> None:
    said = (
        "One billion requests, 60 tokens in and about 60 out, so 60 billion each side per day. Small hosted model "
        "price, input 0.15 dollar per million gives 9K, output 0.60 gives 36K, together 45K per day, that is 1.35 "
        "million in month."
    )
    assert _errors("translation-service", said) == []
