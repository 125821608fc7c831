"""A design framed as a migration: the current system described before it is changed is told, not claimed."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.status_quo import kept_as_goal, status_quo_told
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def errors(question: str, text: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, text) if not e.corrected]


def test_the_current_system_is_blanked_up_to_the_candidates_own_design() -> None:
    text = "Right now the ranker trains on raw clicks; I'd replace that with debiased labels."
    told = status_quo_told(text)
    assert len(told) == len(text)
    assert told.strip() == "I'd replace that with debiased labels."


@pytest.mark.parametrize(
    "text",
    [
        "Today the feed ranker is tuned to maximise time spent. I'd keep that as the north star.",
        "At the moment the team reports fraud dollars caught, which I'd keep.",
        "Currently the digest goes out at seven local time, and that stays.",
    ],
)
def test_a_current_system_kept_is_the_candidates_claim(text: str) -> None:
    assert status_quo_told(text) == text


def test_a_design_statement_about_the_current_session_is_not_a_status_quo() -> None:
    text = "The current session's skips feed the next-track ranker within seconds."
    assert status_quo_told(text) == text


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        (
            "feed-ranking",
            "Today the feed ranker is tuned to maximise total time spent in the app, and every launch is judged on "
            "minutes per user. I'd replace that target with long-term engagement: daily actives and meaningful "
            "interactions between people who know each other.",
            "Today the feed ranker is tuned to maximise total time spent in the app, and every launch is judged on "
            "minutes per user. I'd keep that as the north star, because minutes per user is the clearest signal.",
        ),
        (
            "eta-prediction",
            "The existing estimate divides the straight-line distance by an average courier speed per city. I'd "
            "retire that. Straight-line distance misses rivers and one-way streets, so both legs get travel times "
            "from the routing service with live traffic.",
            "The existing estimate divides the straight-line distance by an average courier speed per city. I'd keep "
            "that for both legs, since it is cheap and the model can learn a correction factor per city.",
        ),
    ],
)
def test_a_wrong_current_design_replaced_is_not_challenged_and_one_kept_is(
    question: str, right: str, wrong: str
) -> None:
    assert errors(question, right) == []
    assert errors(question, wrong)


def test_the_reason_the_current_system_goes_is_not_a_claim() -> None:
    text = (
        "Today the weekly discovery playlist is simply the thirty highest-scoring tracks for each listener. Taking "
        "the top thirty often gives one artist a third of the list, so I'd replace it with constrained assembly: a "
        "cap of two tracks per artist and a share of tracks the listener has never played."
    )
    assert errors("music-recommendations", text) == []


def test_a_kept_metric_is_read_as_the_goal() -> None:
    assert kept_as_goal("I'd keep that as the goal, since utilisation is the best proxy for value.")
    assert not kept_as_goal("I'd keep the caps through the migration.")
    text = (
        "Today the GPU team is judged on one number, average GPU utilisation across the fleet. I'd keep that as the "
        "goal, since utilisation is the best proxy for value."
    )
    assert errors("llm-serving-platform", text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd replace deflection with resolution without a human, because a bot that frustrates people looks great on "
        "deflection.",
        "Accuracy stays off the dashboard, since at a 0.1% fraud rate a model that approves everything is 99.9% "
        "accurate.",
    ],
)
def test_what_a_migration_retires_is_set_aside(text: str) -> None:
    question = "support-chatbot-rag" if "deflection" in text else "fraud-detection"
    assert errors(question, text) == []


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            # a step's time said after it, set off by a comma, is that step's time
            "dynamic-pricing",
            "I'd change that so each quote calls the elasticity model directly with the cell's live counts, about a "
            "hundred and twenty milliseconds on a CPU.",
            "I'd keep that, so each quote reads the cell's multiplier from the key-value store, about two "
            "milliseconds, and the elasticity model runs per cell every minute.",
        ),
        (
            # payments held until the scorer returns stop with it
            "fraud-detection",
            "I'd change that fallback: when the scorer misses its budget, every payment is held in a queue until "
            "scoring returns.",
            "I'd keep that fallback: when the scorer misses its budget, payments are decided on rules with tighter "
            "limits on large amounts.",
        ),
        (
            # a migration that keeps a global average as the health signal
            "translation-service",
            "Today quality monitoring is one global BLEU average. I'd keep that average as the health signal, since "
            "a real regression in any pair will show up in it.",
            "Today quality monitoring is one global BLEU average. I'd replace it with quality tracked per language "
            "pair, since a small pair can break while the average barely moves.",
        ),
        (
            # "actually" said for stress is not a correction of the kept status quo
            "music-recommendations",
            "The current reporting counts every play as a success, including the ones skipped after three seconds. "
            "I'd keep that definition, since it shows how much the playlist was actually used.",
            "The current reporting counts every play as a success, including the ones skipped after three seconds. "
            "I'd replace that with saves and adds of new tracks, since a skip is a negative.",
        ),
    ],
)
def test_a_migration_that_keeps_or_builds_a_wrong_design_is_challenged(
    question: str, wrong: str, right: str
) -> None:
    assert [e for e in CHECKER.check(BANK.get(question), None, wrong) if not e.corrected], wrong
    assert errors(question, right) == []


def test_retrieval_on_normalised_titles_with_hard_filters_for_eligibility_is_not_filtering_on_titles() -> (
    None
):
    text = (
        "I'd replace it with a funnel that keeps lexical retrieval but on normalised skills and titles: an LLM parses "
        "each posting once offline into a standard taxonomy, the hard filters apply, and a ranker narrows it down."
    )
    assert errors("job-recommendations", text) == []
