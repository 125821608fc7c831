"""Answers that reason by asking themselves questions aloud: "Should the player wait on it? No, ...". A yes-or-no
question answered "No" turns down what it asks, not a key point it shares a word with. Also read here: a price
said as "two dollars fifty", a count qualified by what it includes ("300 GPUs, counting copies across three
regions"), a check that consumes what the event already published, and a serious wrong claim said in another
phase than its key point's."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.notation import plain_powers
from interviewer.grading.options import answered
from interviewer.grading.rejection import asked_option
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[str]:
    return [e.kind for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("At two dollars fifty per million input tokens", "At $2.50 per million input tokens"),
        ("three dollars twenty-five each", "$3.25 each"),
        ("2 dollars 50 per million", "$2.50 per million"),
        ("two dollars 30 requests later", "two dollars 30 requests later"),  # no price: 30 requests
        ("five dollars, ten of them", "five dollars, ten of them"),
    ],
)
def test_dollars_and_cents_said_in_words_are_one_price(said: str, written: str) -> None:
    assert plain_powers(said) == written


@pytest.mark.parametrize(("result", "wrong"), [("six hundred", False), ("two hundred", True)])
def test_a_count_qualified_by_what_it_includes_is_not_a_factor(result: str, wrong: bool) -> None:
    answer = (
        "About three hundred GPUs, counting language-family copies across three regions and headroom, at two "
        f"dollars an hour is {result} dollars an hour."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


def test_a_yes_or_no_question_answered_no_declines_no_key_point() -> None:
    assert asked_option("Should the cache be shared across tenants?", "No.") == ""
    assert asked_option("Should the player wait on it before the next track?", "No, never.") == ""
    assert asked_option("Weighted fair share?", "Nah, overkill.") == "we don't need Weighted fair share"
    assert asked_option("Do we need a fallback?", "No.") == "we don't need a fallback"
    right = (
        "Suppose the recommendation service falls over during the evening peak. Should the player wait on it "
        "before the next track? No, playback never depends on the recommender: the client already holds the next "
        "few autoplay tracks, and if the ranker times out it continues with similar popular tracks."
    )
    assert _errors("music-recommendations", right) == []
    wrong = right.replace(
        "No, playback never depends on the recommender: the client already holds the next few autoplay tracks, "
        "and if the ranker times out it continues with similar popular tracks.",
        "Yes, briefly: the client asks the ranker for each next track and holds playback until it answers.",
    )
    assert "claim" in _errors("music-recommendations", wrong)


@pytest.mark.parametrize(
    ("keyed", "wrong"),
    [
        ("by token hash alone, so any tenant whose prompt starts the same way reuses another team's", True),
        ("by tenant as well as by token hash, so no tenant ever reuses another team's", False),
    ],
)
def test_a_prefix_cache_keyed_without_the_tenant_is_shared_across_tenants(keyed: str, wrong: bool) -> None:
    answer = (
        "Prefix caching helps a lot here, because support prompts carry long system prompts. Should the cache be "
        f"shared across tenants? {'Yes' if wrong else 'No'}. Cached blocks are keyed {keyed} cached prefix."
    )
    assert ("claim" in _errors("llm-serving-platform", answer)) is wrong


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ("the switch approves and publishes the payment to Kafka, and the scoring service consumes it", True),
        (
            "the switch calls the scoring service and approves only on its answer, then publishes to Kafka",
            False,
        ),
    ],
)
def test_a_check_that_consumes_what_the_approval_published_runs_too_late(path: str, wrong: bool) -> None:
    answer = (
        f"Where does the fraud check sit? Just behind authorisation: {path}, and Flink updates the windows."
    )
    assert ("constraint" in _errors("fraud-detection", answer)) is wrong


def test_a_serious_wrong_claim_is_heard_in_any_phase() -> None:
    question = BANK.get("job-recommendations")
    answer = (
        "At request time, two-tower retrieval returns a thousand postings, and an LLM reads the member's profile "
        "against the top hundred postings to pick and explain the best twenty-five."
    )
    assert not any(p.id == "llm-once" for p in question.phase("architecture").key_points)
    found = CHECKER.check(question, "architecture", answer)
    assert [e.key_point_id for e in found] == ["llm-once"]
    tree = answer.replace("an LLM reads", "a tree ranker reads")
    assert CHECKER.check(question, "architecture", tree) == []


@pytest.mark.parametrize(
    ("where", "wrong"),
    [
        ("In our one main data centre next to the ad ranker, so they share the feature store", True),
        ("In every region next to the big exchanges, so the round trip stays short", False),
    ],
)
def test_a_fragment_answering_a_self_question_is_read_with_its_subject(where: str, wrong: bool) -> None:
    answer = f"The exchange side needs its own path. Where do the bidders run? {where}."
    assert ("claim" in _errors("ad-serving", answer)) is wrong


def test_only_a_fragment_takes_the_question_s_subject() -> None:
    assert answered("Where do the bidders run?", "In one region.") == "the bidders run in one region."
    assert answered("Where do the bidders run?", "We run them per region.") == "We run them per region."
    assert answered("Should we use one region?", "In one region.") == "In one region."


@pytest.mark.parametrize(
    ("positive", "wrong"),
    [
        ("every play that starts the right positive", True),
        ("a play past thirty seconds, a save or a playlist add the right positive", False),
    ],
)
def test_a_why_question_answered_with_its_reason_asserts_the_choice(positive: str, wrong: bool) -> None:
    answer = (
        f"For the ranker, the label decides what we optimise. Why is {positive}? Because it shows the listener "
        "chose the track and it gives us plenty of data."
    )
    assert ("claim" in _errors("music-recommendations", answer)) is wrong
    quotes = [e.quote for e in CHECKER.check(BANK.get("music-recommendations"), None, answer)]
    assert all(q.endswith("?") for q in quotes)  # quoted back as the question it was
    from_someone_else = answer.replace("Because it shows", "Some teams do that. It shows")
    assert "claim" not in _errors("music-recommendations", from_someone_else)


@pytest.mark.parametrize(
    ("how", "wrong"),
    [("Randomly, eighty-twenty across all orders.", True), ("By time, the last four weeks held out.", False)],
)
def test_an_adverb_answering_how_is_read_with_the_question(how: str, wrong: bool) -> None:
    answer = f"Validation is where ETA models fool people. How do we split six months of deliveries? {how}"
    assert ("claim" in _errors("eta-prediction", answer)) is wrong


@pytest.mark.parametrize(
    ("number", "wrong"),
    [
        ("the count of violating items we remove each day", True),
        ("the share of views that land on violating content, from a labelled sample", False),
    ],
)
def test_the_number_leadership_watches_is_the_goal(number: str, wrong: bool) -> None:
    answer = f"Let me define what good looks like. What number does leadership watch? I'd make it {number}."
    assert ("claim" in _errors("content-moderation", answer)) is wrong


@pytest.mark.parametrize(
    ("then", "wrong"),
    [
        (
            "That's the best in-domain data we have, so we log a sample and fold it into the next training run.",
            True,
        ),
        ("That's off limits by contract, so we keep only counts and latencies for it.", False),
    ],
)
def test_what_about_names_the_topic_the_next_sentence_speaks_of(then: str, wrong: bool) -> None:
    answer = f"Where do we get fresh training signal? From consumer corrections. What about API customers' text? {then}"
    assert ("claim" in _errors("translation-service", answer)) is wrong


@pytest.mark.parametrize(
    ("seen", "wrong"),
    [
        ("Sales up to the night before, plus the promotion calendar and prices as they actually ran", True),
        ("Sales up to the night before, plus the promotion calendar as planners had it that night", False),
    ],
)
def test_a_method_error_said_as_a_fragment_is_read_with_the_question(seen: str, wrong: bool) -> None:
    answer = f"Here's how our backtest works. What data does each simulated forecast date see? {seen}."
    found = [e for e in CHECKER.check(BANK.get("demand-forecasting"), None, answer) if e.kind == "claim"]
    assert bool(found) is wrong
    assert all(e.quote in answer for e in found)


@pytest.mark.parametrize(
    ("reply", "wrong"),
    [
        (
            "Yes, it pauses with the rest while we're degraded, and the rescan catches those items within the hour.",
            True,
        ),
        ("No, it keeps running inline, since it is cheap and needs no classifier.", False),
    ],
)
def test_a_yes_to_a_yes_or_no_self_question_asserts_what_it_asks(reply: str, wrong: bool) -> None:
    answer = (
        "Say the image classifiers go down at the evening peak. Does the hash match against known illegal "
        f"material pause too? {reply}"
    )
    found = CHECKER.check(BANK.get("content-moderation"), "issues", answer)
    assert bool([e for e in found if e.kind == "claim"]) is wrong
    assert all(e.quote in answer for e in found)


def test_a_yes_makes_the_question_s_claim_and_a_no_does_not() -> None:
    asked = "Is dropping age and gender from the model enough?"
    assert answered(asked, "Yes, the model can't see them.").startswith("dropping age and gender")
    assert answered(asked, "No, proxies remain.") == "No, proxies remain."
