"""Answers told through earlier jobs: what went wrong there is recounted, not claimed; the lesson drawn and the
design that follows are claims. Also a latency budget split among stages that adds up to more than the target,
and a rate per machine that divides the number the sentence before ended on."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.budgets import overspent
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.stories import recounted
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


def test_a_past_design_that_went_wrong_is_a_story_and_the_design_after_it_is_the_claim() -> None:
    sentences = [
        "At my previous company our home page felt stale for a whole day after someone binged a new show.",
        "The profile was rebuilt nightly from the warehouse, so nothing they watched that evening counted.",
        "Here I'd have watch events flow through Kafka into a stream job that updates the profile in Redis.",
        "The warehouse was rebuilt nightly.",  # the story is over: back at the design, nothing past is told
    ]
    assert recounted(sentences) == {0, 1}


@pytest.mark.parametrize(
    ("sentences", "told"),
    [
        # "we'd moved" is "we had moved": still the story
        (
            ["At my last job we cut the bill in a month.", "We'd moved almost everything to a small model."],
            {0, 1},
        ),
        # "I'd run" is the design at hand
        (
            [
                "At my last job an image was live for ninety seconds.",
                "So on upload I'd run the hash check inline.",
            ],
            {0},
        ),
        # endorsed, or the lesson drawn: the candidate's claims
        (["What worked for us at my last company was caching features for an hour."], set()),
        (["At my last company the stream lagged, and that taught me to keep serving the old values."], set()),
        # no story opened: a past tense alone tells nothing
        (["The profile was rebuilt nightly from the warehouse."], set()),
    ],
)
def test_which_sentences_are_told(sentences: list[str], told: set[int]) -> None:
    assert recounted(sentences) == told


def test_a_story_of_a_mistake_is_not_challenged_but_the_same_mistake_planned_here_is() -> None:
    story = (
        "At my last company we priced delivery fees by zone, and the first version read supply from the analytics "
        "warehouse in an hourly batch. It was always forty minutes behind, so fees surged after the rush was over. "
    )
    right = (
        story
        + "Here driver locations go through Kafka into a stream processor that counts supply per minute."
    )
    wrong = (
        story + "Here an hourly Spark job counts open drivers and requests per cell for the pricing engine."
    )
    assert _errors("dynamic-pricing", right) == []
    assert _errors("dynamic-pricing", wrong) != []


@pytest.mark.parametrize(
    ("ranker", "wrong"),
    [("under a hundred for ranking", False), ("I'd give the ranker a hundred and fifty", True)],
)
def test_stage_budgets_that_add_up_past_the_target_break_it(ranker: str, wrong: bool) -> None:
    answer = (
        "Here it's about ten milliseconds for the gateway and auth, five for the profile read, under fifty for "
        f"candidates, {ranker}, then ten for rules and roughly twenty of network."
    )
    constraints = [c for f in BANK.get("youtube-recommendations").hidden_facts for c in f.constraints]
    assert bool(overspent(answer, constraints)) is wrong
    assert bool([q for q in _errors("youtube-recommendations", answer) if "gateway" in q]) is wrong


def test_percentiles_or_fewer_than_three_parts_are_not_a_budget_split() -> None:
    constraints = [c for f in BANK.get("youtube-recommendations").hidden_facts for c in f.constraints]
    assert overspent("p50 is 40 ms, p95 is 120 ms and p99 is 180 ms across the fleet.", constraints) == []
    assert overspent("Give the ranker 150 ms and the rules 80 ms.", constraints) == []


@pytest.mark.parametrize(("gpus", "wrong"), [("seventy", False), ("seven", True)])
def test_a_rate_per_machine_divides_the_number_the_sentence_before_ended_on(gpus: str, wrong: bool) -> None:
    answer = (
        "Sixty billion output tokens a day is about seven hundred thousand a second on average. "
        f"At ten thousand per GPU that's {gpus} GPUs on average."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (  # a result said with "that averages" is a result
            "ad-serving",
            "Five billion ad requests a day. Over 86,400 seconds that averages roughly fifty-eight hundred a second.",
            "Five billion ad requests a day. Over 86,400 seconds that averages roughly fifty-eight thousand a second.",
        ),
        (  # the other items of a list folded into the claim's own metric do not make it right
            "feed-ranking",
            "I'd target total time spent in the feed, with comments, shares and replies between people who know "
            "each other counted as part of it.",
            "I'd target daily actives and meaningful interactions, comments, shares and replies between people "
            "who know each other, with time spent on a dashboard.",
        ),
        (  # "which rules out a model per pair" declines it
            "translation-service",
            "I'd train a model per pair, since one model for every direction is too much to ask.",
            "One model can serve many directions and even translate zero-shot, which rules out a model per pair.",
        ),
        (  # a condition after ", so" supposes the option to show its harm
            "dynamic-pricing",
            "For prices I'd randomise by rider, half seeing the new multiplier, because that gives more units.",
            "Riders share the same drivers, so if I randomised by rider, treated riders would take drivers from "
            "control riders and bias the comparison.",
        ),
    ],
)
def test_results_lists_and_conditions_are_read_for_what_they_claim(
    question: str, wrong: str, right: str
) -> None:
    assert _errors(question, wrong) != []
    assert _errors(question, right) == []


@pytest.mark.parametrize(
    ("question", "warned", "made"),
    [
        (
            "youtube-recommendations",
            "A mistake I see a lot is making click-through rate the target; it rewards clickbait.",
            "I'd make click-through rate the target, since it moves fastest.",
        ),
        (
            "fraud-detection",
            "People are tempted to score after the fact in a batch, but the decision is made inside authorisation.",
            "We score after the fact in a batch, once the payment is approved.",
        ),
    ],
)
def test_a_mistake_a_mentor_warns_about_is_not_claimed(question: str, warned: str, made: str) -> None:
    assert _errors(question, warned) == []
    assert _errors(question, made) != []


def test_a_list_of_mistakes_goes_on_with_another_and_the_right_approach_called_a_mistake_is_declined() -> (
    None
):
    listed = (
        "A mistake I see a lot is scaling GPU model servers on CPU utilisation; the GPU queue backs up first. "
        "Another is sizing every region for the global peak."
    )
    assert _errors("translation-service", listed) == []
    declined = (
        "A mistake I see a lot is keeping that pass-through control group; it hands fraudsters free money."
    )
    assert _errors("fraud-detection", declined) != []
