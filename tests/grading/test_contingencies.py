"""Plans said in contingencies: a main path, what happens when something fails, and branches named only to be
ruled out ("Were the budget larger, I'd ..., but here ...")."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.counterfactuals import ruled_out
from locations import KNOWLEDGE

CHECKER = ClaimChecker()
BANK = QuestionBank.load(KNOWLEDGE)


def errors(question: str, text: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, text)]


@pytest.mark.parametrize(
    "branch",
    [
        "Were ordering allowed to wait on the estimate, I could give the model longer, but",
        "If we had labels the same day, a recent test window would do, but",
        "Were the budget several times larger, I'd consider it for everything, but",
        "Had we a two-second budget, the big model could run inline, but",
    ],
)
def test_a_branch_ruled_out_is_blanked_up_to_its_but(branch: str) -> None:
    text = f"{branch} here the rule is always ready."
    kept = ruled_out(text)
    assert len(kept) == len(text)
    assert kept.strip() == "here the rule is always ready."


@pytest.mark.parametrize(
    "plan",
    [
        "If the scorer times out, we approve the payment, but flag it.",
        "If the scorer was down, we'd approve the payment, but flag it for review.",
        "If the scorer was down, we'd approve the payment but flag it for review.",
        "We'd approve the payment, but only after the scorer answers.",
    ],
)
def test_a_branch_the_plan_takes_is_read_as_said(plan: str) -> None:
    assert ruled_out(plan) == plan


def test_a_counterfactual_named_and_ruled_out_is_not_challenged() -> None:
    text = (
        "The list page gets its ETAs from one batched call to a compact tree model on CPUs. That call has to finish "
        "within 50 ms at p99; if it hasn't answered by then, the page shows the wider distance-based range instead "
        "of waiting. Were ordering allowed to wait on the estimate, I could give the model longer, but the estimate "
        "must never block ordering, so the rule is always ready."
    )
    assert errors("eta-prediction", text) == []


def test_what_follows_the_but_is_still_read() -> None:
    text = (
        "For evaluation, the split has to respect time. If we had labels the same day, a recent test window would "
        "do, but I'd just split the transactions at random, since fraud patterns are stable."
    )
    assert errors("fraud-detection", text)


def test_a_counterfactual_month_window_keeps_the_chosen_split_checked() -> None:
    right = (
        "I'd train on the older months and test on a later window, using only transactions whose chargeback "
        "window has mostly matured. If we had labels the same day, a recent test window would do, but chargebacks "
        "take thirty to ninety days, so the newest weeks stay out of the test."
    )
    assert errors("fraud-detection", right) == []


def test_not_shipping_without_a_check_asks_for_the_check() -> None:
    text = (
        "Quantising to eight bits roughly doubles throughput over sixteen-bit weights. The gain isn't free "
        "everywhere, though, so I wouldn't ship a quantised model without checking quality per language pair; a "
        "global BLEU can stay flat while a low-resource pair loses badly."
    )
    assert errors("translation-service", text) == []


def test_a_metric_that_never_becomes_the_goal_is_not_the_objective() -> None:
    text = "Time spent rewards outrage and clickbait, so it stays a diagnostic and never becomes the goal."
    assert errors("feed-ranking", text) == []


def test_parts_feeding_into_a_wrong_target_do_not_excuse_it() -> None:
    text = (
        "The target is total time spent in the feed, since minutes are the most direct sign the ranking works, with "
        "comments, shares and replies between people who know each other feeding into it."
    )
    assert errors("feed-ranking", text)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (
            "email-recommendations",
            "At ten cents per thousand, fifty-one million emails a day cost about $5,100, roughly $155K a month.",
        ),
        (
            "translation-service",
            "Sixty billion input tokens a day at fifteen cents per million is about nine thousand dollars, and sixty "
            "billion output tokens at sixty cents per million about thirty-six thousand, so forty-five thousand a "
            "day.",
        ),
        (
            "movie-recommendations",
            "Two hundred million profiles active in the last thirty days, times about five hundred ranked titles, "
            "times four bytes per title id, is about four hundred gigabytes.",
        ),
    ],
)
def test_sound_arithmetic_said_with_an_opening_phrase_an_elided_is_or_a_window(
    question: str, text: str
) -> None:
    assert [e for e in CHECKER.check(BANK.get(question), None, text) if e.kind == "arithmetic"] == []


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            # a fallback that waits past the latency budget
            "eta-prediction",
            "The list call has to finish within 50 ms at p99; only if it hasn't answered within two seconds does the "
            "page show the wider distance-based range for those restaurants.",
            "The list call has to finish within 50 ms at p99; if it hasn't answered within forty milliseconds, the "
            "page shows the wider distance-based range for those restaurants.",
        ),
        (
            # a breaker that waits most of the month's downtime
            "youtube-recommendations",
            "The ranker sits behind a circuit breaker that opens only if errors stay above half of all requests for "
            "fifteen minutes.",
            "The ranker sits behind a circuit breaker that opens if errors stay above five percent of requests for "
            "thirty seconds.",
        ),
        (
            # a timed-out call retried with its whole slice
            "feed-ranking",
            "If the heavy ranker times out, we retry it twice more with the same slice before anything else.",
            "If the heavy ranker times out, we serve a reverse-chronological feed from the candidates we fetched.",
        ),
        (
            # a test stopped at the first significant reading
            "music-recommendations",
            "Each test stops as soon as streams are significantly up, usually within three or four days.",
            "Each test runs its planned four weeks and is read once at the end, on a sample size fixed in advance.",
        ),
        (
            # a negated list ends the clause: "not per restaurant and area"
            "eta-prediction",
            "So I'd cache each browse estimate per user for about a minute, not per restaurant and area.",
            "So I'd cache each browse estimate per restaurant and area for about a minute, not per user.",
        ),
        (
            # a part called too bulky to keep
            "search-ranking",
            "For each search we store the query and clicks; the results shown and their positions are too bulky "
            "to keep.",
            "For each search we store the query, clicks, and the results shown with their positions.",
        ),
    ],
)
def test_contingency_plans_that_break_the_facts(question: str, wrong: str, right: str) -> None:
    assert errors(question, wrong), wrong
    assert errors(question, right) == []
