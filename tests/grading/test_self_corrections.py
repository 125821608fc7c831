"""Answers that revise themselves mid-sentence ("wait, no", "scratch that", "I mean"): the words taken back are
not claims, the words said instead are; also a per-item rate said the sentence before, "each every 30 seconds"
spread over the count said before, and a goal named as a premise before "so the main target should be"."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.retractions import taken_back
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _kept(text: str) -> str:
    kept = taken_back(text)
    assert len(kept) == len(text)  # quotes found in what is left map back onto the answer as written
    return " ".join(kept.split())


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        # a clause taken back, from the last comma
        (
            "If the ranker is down, we return an error, wait, no, we serve trending videos.",
            "If the ranker is down, we serve trending videos.",
        ),
        # only the words the replacement parallels
        (
            "Elasticity comes from nudges randomised per rider, correction: per cell and time slot.",
            "Elasticity comes from nudges randomised per cell and time slot.",
        ),
        (
            "I'd randomise by market, I mean by region and job family.",
            "I'd randomise by region and job family.",
        ),
        # a number said instead of the number said last
        (
            "Violations are one percent of 300 million items, so thirty million, wait, no, three million a day.",
            "Violations are one percent of 300 million items, so three million a day.",
        ),
        (
            "which on 64 cores is about 1.4 hours, wait, no, let me redo that, it's closer to 14 hours.",
            "which on 64 cores is closer to 14 hours.",
        ),
        # a sum done again takes back the clause that held the slip
        (
            "That removes eight percent, wait, no, forty times eighty percent is thirty-two percent.",
            "forty times eighty percent is thirty-two percent.",
        ),
    ],
)
def test_the_words_taken_back_are_blanked_and_the_rest_kept(said: str, kept: str) -> None:
    assert _kept(said) == kept


@pytest.mark.parametrize(
    "said",
    [
        "A licence can end mid-day, I mean between two batch runs, so we check at request time.",  # clarifies
        "Wait, no one reads the digest after noon.",  # "no one", not "no"
        "Actually, let me redo that: 37.5 billion over 86,400 seconds is about 434 thousand a second.",
    ],
)
def test_a_clarification_or_a_sentence_opening_on_a_retraction_takes_nothing_back(said: str) -> None:
    assert taken_back(said) == said


def _errors(question: str, answer: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("question", "caught", "revised"),
    [
        (
            "dynamic-pricing",
            "I'd personalise by how often a rider accepts surge, wait, no, prices may only depend on place, "
            "time and market conditions, never on the rider.",
            "I'd price on place, time and market conditions only, wait, no, I'd personalise by how often a "
            "rider accepts surge, since that's who pays.",
        ),
        (
            "llm-serving-platform",
            "I'd autoscale on CPU utilisation, wait, no, the host CPUs sit idle while the GPUs are saturated, "
            "so on queue depth and KV-cache use.",
            "I'd autoscale on queue depth, actually, scratch that, on CPU utilisation, since it's simpler to "
            "read.",
        ),
        (
            "eta-prediction",
            "Five million orders a day is about five hundred a second, wait, no, that's off by ten, it's about "
            "fifty-eight a second.",
            "Five million orders a day is about fifty-eight a second, wait, no, about five hundred and eighty "
            "a second.",
        ),
    ],
)
def test_a_slip_caught_aloud_is_not_challenged_and_a_revision_into_a_mistake_is(
    question: str, caught: str, revised: str
) -> None:
    assert _errors(question, caught) == []
    quotes = _errors(question, revised)
    assert quotes and all(q in revised for q in quotes)  # quoted as written


def test_a_rate_per_item_said_before_multiplies_a_total_of_what_it_counts() -> None:
    before = "I'll sample two frames a second, and one GPU handles 500 frames a second per GPU. "
    right = before + "Ten million videos a day at 30 seconds is then 600 million frames."
    wrong = before + "Ten million videos a day at 30 seconds is then 60 million frames."
    assert _errors("content-moderation", right) == []
    assert _errors("content-moderation", wrong)


def test_each_refreshed_every_so_often_spreads_the_count_said_before() -> None:
    before = "Little's law gives roughly 420 thousand orders in flight. "
    right = before + "Refreshing each every 30 seconds means about 14 thousand predictions a second."
    wrong = before + "Refreshing each every 30 seconds means 420 thousand predictions a second."
    assert _errors("eta-prediction", right) == []
    assert _errors("eta-prediction", wrong) == [wrong.removeprefix(before)]


def test_a_goal_named_before_so_the_main_target_should_be_is_a_premise_not_the_choice() -> None:
    answer = (
        "Success is a match for both sides, and recruiter replies arrive days later, so the main target should "
        "be applies, since more applies means more chances of a hire."
    )
    assert set(_errors("job-recommendations", answer)) == {answer}


def test_a_clause_with_no_verb_of_its_own_goes_with_the_one_it_spells_out() -> None:
    said = (
        "I'd split by time, older months for training and later ones for validation, correction: a random split "
        "is better."
    )
    assert _kept(said) == "a random split is better."
    # a clause with its own subject and verb is taken back alone
    assert (
        _kept("If it fails, we return an error, wait, no, we serve trending.")
        == "If it fails, we serve trending."
    )


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        # a bare number times a percent, giving a percent: the number is a percent said without its unit
        (
            "search-ranking",
            "Forty times eighty percent is thirty-two percent of the load, so about 13,600 of the 20,000 peak "
            "queries still reach ranking.",
            "Forty times eighty percent is three percent of the load, so about 19,400 of the 20,000 peak queries "
            "still reach ranking.",
        ),
        # a precision kept "as the main secondary number" does not excuse accuracy as the target
        (
            "fraud-detection",
            "I'd set the target as fraud dollars caught at a fixed rate of good customers declined, with precision "
            "on flagged transactions as the main secondary number to watch.",
            "I'd set the target as overall accuracy above 99.95 percent, with precision on flagged transactions as "
            "the main secondary number to watch.",
        ),
        # a filter run in the nightly batch alone
        (
            "movie-recommendations",
            "Licensing and maturity filters run at request time, not only in the nightly batch, because a licence "
            "can end mid-day.",
            "Licensing and maturity filters run in the nightly batch, not at request time, because the next "
            "night's lists will drop an expired title.",
        ),
    ],
)
def test_right_and_wrong_said_in_the_same_words(question: str, right: str, wrong: str) -> None:
    assert _errors(question, right) == []
    assert _errors(question, wrong)
