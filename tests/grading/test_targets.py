"""Designs held to the targets a question's facts set: a check deferred in other words than the bank's, an
event that goes ahead with its check denied, and what must never wait made to wait on a dependency."""

from __future__ import annotations

import pytest

from interviewer.content.claims import Constraint
from interviewer.grading.stance import is_asserted
from interviewer.grading.targets import breaks

HASH_FIRST = Constraint(
    kind="ordering",
    says="Known illegal material is matched before anything becomes visible.",
    subject=["hash match", "hash check", "known illegal", "known child-abuse"],
    before=["visible", "appear", "goes live"],
)
CONFIRM_FIRST = Constraint(
    kind="ordering",
    says="A refund starts only after the customer confirms it.",
    subject=["confirm", "confirmation"],
    before=["refund", "payments api"],
)
CHECKOUT = Constraint(
    kind="nonblocking",
    says="Ordering never waits on the estimate.",
    subject=["estimate", "model"],
    before=["checkout", "order button"],
)


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        (
            "Matching against the hash lists of known child-abuse material runs right after, in the async queue.",
            True,
        ),
        ("Posts appear at once and the hash check runs asynchronously in the background.", True),
        (
            "The hash check runs synchronously, and the heavy video models run asynchronously afterwards.",
            False,
        ),
        ("Hash matching runs before anything is visible; heavier models run async.", False),
    ],
)
def test_a_check_deferred_in_other_words_runs_too_late(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, HASH_FIRST) is not None) == broken


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        (
            "When the model judges it fair it calls the payments API directly, with no confirmation step.",
            True,
        ),
        ("It issues the refund without any confirmation from the customer.", True),
        (
            "A refund is shown as a card the customer confirms, and only then do we call the payments API.",
            False,
        ),
        ("We never refund without the customer's confirmation.", False),
    ],
)
def test_an_event_that_goes_ahead_with_its_check_denied_breaks_the_order(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, CONFIRM_FIRST) is not None) == broken


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        ("If the model times out, checkout waits for it.", True),
        ("Until a real estimate comes back the order button stays disabled.", True),
        ("If the model times out, checkout must not wait on it; we show a wider range.", False),
        ("A slow estimate could block checkout, so the call has a 50 ms timeout.", False),
    ],
)
def test_what_must_never_wait_made_to_wait_breaks_it(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, CHECKOUT) is not None) == broken


def test_matching_against_a_list_compares_and_does_not_negate() -> None:
    text = "Uploads are matched against the known illegal hash list."
    start = text.index("known illegal")
    assert is_asserted(text, start, start + len("known illegal"))
    text = "We evaluate each date against the cleaned history."
    assert is_asserted(text, text.index("cleaned"), text.index("cleaned") + 15)
    text = "We are against storing raw card numbers."
    assert not is_asserted(text, text.index("storing"), text.index("storing") + 7)


def test_nothing_about_a_thing_denies_it() -> None:
    text = "The price depends on the cell and the minute, nothing about the individual rider."
    assert not is_asserted(text, text.index("individual"), text.index("individual") + 10)
    text = "If nothing matches we show an empty results page."
    assert is_asserted(text, text.index("empty"), text.index("empty") + 5)


APPROVE_FIRST = Constraint(
    kind="ordering",
    says="Each payment is scored before it is approved.",
    subject=["fraud check", "score the transaction"],
    before=["approv", "authoris"],
)


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        (
            "A few hundred milliseconds later the risk service can reverse the approval if the score is high.",
            True,
        ),
        ("If the model disagrees, we void the authorisation within the minute.", True),
        ("For approve-and-review, an analyst can reverse the approval the next morning.", False),
        ("We never reverse an approval after the fact; the score comes first.", False),
    ],
)
def test_an_event_undone_after_its_check_went_ahead_unchecked(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, APPROVE_FIRST) is not None) is broken


FEED_FIRST = Constraint(
    kind="nonblocking",
    says="The feed never waits on ads.",
    subject=["ranker", "ad server", "ads"],
    before=["feed", "the page"],
)


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        ("When the ad server is slow we hold the whole feed response until the ranker answers.", True),
        ("When the ad server is slow the slot stays empty and the feed renders without waiting.", False),
    ],
)
def test_holding_the_response_for_a_dependency_waits_on_it(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, FEED_FIRST) is not None) is broken


EXCHANGE_COMPUTE = Constraint(
    kind="latency",
    max=30,
    says="About 30 ms of an exchange's 100 ms is left for compute.",
    subject=["exchange traffic", "bid request"],
)


def test_a_latency_budget_for_one_part_holds_only_where_that_part_is_named() -> None:
    said = "The heavy model takes about sixty milliseconds end to end on our side."
    assert breaks(said, EXCHANGE_COMPUTE, "For exchange traffic we reuse the in-app pipeline") is not None
    assert breaks(said, EXCHANGE_COMPUTE, "For the in-app feed we run the full pipeline") is None


def test_every_half_hour_is_a_period() -> None:
    fresh = Constraint(kind="freshness", max=60, says="Within a minute.", subject=["fan-out job"])
    assert breaks("A fan-out job that runs every half hour pushes new posts to inboxes.", fresh) is not None
    assert breaks("A fan-out job pushes new posts to inboxes within seconds.", fresh) is None


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        ("For refunds the bot checks the order and then issues it right away, with no extra step.", True),
        ("For refunds the bot asks the customer to confirm, and only then calls the payments API.", False),
        ("If the customer confirms, the refund goes through straight away.", False),
    ],
)
def test_an_event_done_at_once_with_its_check_never_named_skips_it(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, CONFIRM_FIRST) is not None) is broken


def test_going_on_only_once_a_dependency_answers_waits_on_it() -> None:
    playback = Constraint(
        kind="nonblocking", says="Playback never waits.", subject=["recommender"], before=["playback"]
    )
    assert breaks("Playback carries on once the recommender has picked the next track.", playback)
    assert (
        breaks("Playback carries on from a local queue while the recommender catches up.", playback) is None
    )


def test_a_breach_split_over_two_parts_of_a_sentence_is_read_whole() -> None:
    from interviewer.content.questions import QuestionBank
    from interviewer.grading.claims import ClaimChecker
    from locations import KNOWLEDGE

    moderation = QuestionBank.load(KNOWLEDGE).get("content-moderation")
    late = (
        "When someone posts, I'd let it appear right away, and put it on a queue where the hash check against "
        "the known lists runs within seconds."
    )
    assert any(e.kind == "constraint" for e in ClaimChecker().check(moderation, None, late))
    youtube = QuestionBank.load(KNOWLEDGE).get("youtube-recommendations")
    fine = "Candidate lists can still be rebuilt daily; the ranker reads the fresh profile at request time."
    assert not any(e.kind == "constraint" for e in ClaimChecker().check(youtube, None, fine))


def test_calls_made_one_after_another_add_up_against_the_budget() -> None:
    listing = Constraint(
        kind="latency", max=50, says="Under 50 ms for the list.", subject=["each restaurant"]
    )
    before = "For the restaurant list, the request carries twenty restaurants and the user's location."
    slow = "Then it asks the routing service for each restaurant's travel time in turn, thirty-odd ms apiece."
    assert "600 ms" in (breaks(slow, listing, before) or "")
    batched = (
        "Then it asks the routing service for each restaurant's travel time in one batched call of 30 ms."
    )
    assert breaks(batched, listing, before) is None
    assert breaks(slow.replace("thirty-odd", "two"), listing, before) is None  # 40 ms in all


def test_a_window_kept_is_not_a_refresh_period() -> None:
    fresh = Constraint(kind="freshness", max=60, says="Within a minute.", subject=["inbox"])
    assert breaks("Each inbox is trimmed to the last couple of days of posts.", fresh) is None
    assert breaks("A per-user inbox that an hourly batch job rebuilds.", fresh) is not None


def test_a_check_picked_up_from_a_queue_after_going_live_runs_too_late() -> None:
    checked_first = Constraint(
        kind="ordering",
        says="Images are checked before they appear.",
        subject=["image classifier"],
        before=["goes live", "visible"],
    )
    late = "If it's clean it goes live right away; the image classifier then picks it up from a queue."
    assert breaks(late, checked_first) is not None
    assert breaks("The image classifier runs inline, before the image goes live.", checked_first) is None
