"""Wrong claims said in other words: designs that leave something out, and checks placed after the event."""

from __future__ import annotations

import pytest

from interviewer.content.claims import Constraint, WrongClaim
from interviewer.content.questions import KeyPoint, NoteLink, Question, QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import clauses, is_asserted
from interviewer.grading.targets import breaks
from interviewer.phases import PHASES
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()

SCORING = Constraint(
    kind="ordering",
    says="Every transaction is scored before it is approved.",
    subject=["score the transaction", "fraud check"],
    before=["approv", "authoris", "payment goes through"],
)
PUBLISHING = Constraint(
    kind="ordering",
    says="Posts are checked before they appear.",
    subject=["hash check", "is checked"],
    before=["publish", "go live", "goes live", "visible"],
)


@pytest.mark.parametrize(
    ("constraint", "late"),
    [
        (SCORING, "We approve the payment first and score it afterwards."),
        (SCORING, "We approve the payment right away, then run it through the model later."),
        (SCORING, "Once the payment is authorised, the model scores it."),
        (SCORING, "After the payment goes through, we check it against the model."),
        (PUBLISHING, "We let the post go live straight away and classify it afterwards."),
        (PUBLISHING, "After a post is published, we scan it with the classifiers."),
        (PUBLISHING, "Posts go live first and the hash check runs after."),
    ],
)
def test_a_check_said_after_the_event_in_other_words_runs_too_late(constraint: Constraint, late: str) -> None:
    assert breaks(late, constraint) == "That check runs too late."


@pytest.mark.parametrize(
    ("constraint", "right"),
    [
        (SCORING, "We score the payment first and then approve it."),
        (SCORING, "Before the payment is approved we score it, and analysts review flagged ones later."),
        (SCORING, "We approve the payment only after the model has scored it."),
        (
            SCORING,
            "If the fraud service is down, we approve on rules first and score the payment afterwards.",
        ),
        (PUBLISHING, "Videos go live first with limited distribution and get classified later."),
        (PUBLISHING, "Once the hash check passes, the post goes live."),
    ],
)
def test_a_check_before_the_event_or_a_held_back_launch_is_not_too_late(
    constraint: Constraint, right: str
) -> None:
    assert breaks(right, constraint) is None


def test_the_fraud_question_catches_approve_first_score_later_as_late_and_on_its_key_point() -> None:
    found = CHECKER.check(
        BANK.get("fraud-detection"), None, "We approve the payment first and score it afterwards."
    )
    late = [e for e in found if e.kind == "constraint"]
    assert len(late) == 1 and late[0].why.startswith("That check runs too late.")
    assert [e.key_point_id for e in found if e.kind == "claim"] == ["scoring-service"]


FALLBACK = WrongClaim(
    claim="Returns an error when the ranker is down, with no fallback.",
    cues=[["~fallback", "~fall back", "return an error"], ["ranker", "ranking"]],
    why="An empty page is an outage; serve a cached or popular list instead.",
    challenge="The ranker is down. What does the user see?",
    example="If the ranker is down we return an error.",
)


@pytest.mark.parametrize(
    "denied",
    [
        "There's no fallback if the ranker is down.",
        "I wouldn't bother with a fallback for the ranking service.",
        "We don't need to fall back when ranking fails, it's rare.",
        "If the ranker is down we return an error.",
    ],
)
def test_a_tilde_term_is_said_by_denying_it(denied: str) -> None:
    question = _with_claim(FALLBACK)
    assert any(e.key_point_id == "fallback-point" for e in CHECKER.check(question, None, denied))


@pytest.mark.parametrize(
    "right",
    [
        "If the ranker is down we fall back to a popular list.",
        "The ranking service has a fallback: the cached feed from the last session.",
    ],
)
def test_a_tilde_term_that_is_asserted_is_not_the_claim(right: str) -> None:
    question = _with_claim(FALLBACK)
    assert CHECKER.check(question, None, right) == []


def test_a_tilde_term_alone_is_not_a_valid_cue() -> None:
    with pytest.raises(ValueError, match="non-empty term"):
        WrongClaim(claim="xxx", cues=[["~ "]], why="xxx", challenge="xxx", example="xxx")


def test_a_wrong_claim_lists_paraphrases_and_defaults_to_none() -> None:
    assert FALLBACK.paraphrases == []
    said = FALLBACK.model_copy(update={"paraphrases": ["No fallback for the ranker."]})
    assert said.paraphrases == ["No fallback for the ranker."]


def _with_claim(wrong: WrongClaim) -> Question:
    """A bank question whose issues phase holds one key point with `wrong`, so the test reads that claim."""
    question = BANK.get("movie-recommendations")
    point = KeyPoint(
        id="fallback-point",
        point="Falls back to a cached list when the ranker is down.",
        learn=NoteLink(file="reliability_and_availability.md", heading="Fallbacks"),
        correct="Serves a fallback.",
        wrong=[wrong],
    )
    phases = {p: question.phase(p).model_copy(update={"key_points": []}) for p in PHASES}
    phases["issues"] = phases["issues"].model_copy(update={"key_points": [point]})
    return question.model_copy(update={"phases": phases, "common_wrong": []})


@pytest.mark.parametrize(
    ("clause", "term", "asserted"),
    [
        ("Price drops get picked up overnight", "overnight", True),
        ("we drop the nightly batch", "nightly batch", False),
        ("recall over the last seven days", "last seven days", True),
        ("watch time over CTR", "ctr", False),
        ("we optimise over each hour's payments", "each hour's payments", True),
    ],
)
def test_a_price_drop_and_a_period_said_with_over_are_not_negators(
    clause: str, term: str, asserted: bool
) -> None:
    start = clause.lower().index(term.lower())
    assert is_asserted(clause, start, start + len(term)) is asserted


def test_a_time_of_day_does_not_end_a_sentence_or_a_clause() -> None:
    assert [s.text for s in split_sentences("All digests leave at 7 a.m. in one go.")] == [
        "All digests leave at 7 a.m. in one go."
    ]
    assert [s.text for s in split_sentences("We send at 7 a.m. Then we wait.")] == [
        "We send at 7 a.m.",
        "Then we wait.",
    ]
    assert clauses("All digests leave at 7 a.m. in one go") == ("All digests leave at 7 a.m. in one go",)


@pytest.mark.parametrize(
    ("clause", "term"),
    [
        ("Recommended content from strangers doesn't belong in the feed", "recommended content"),
        ("tokens don't really matter for capacity", "tokens"),
    ],
)
def test_a_term_said_not_to_belong_or_matter_is_rejected(clause: str, term: str) -> None:
    start = clause.lower().index(term)
    assert not is_asserted(clause, start, start + len(term))


@pytest.mark.parametrize(
    ("clause", "cues", "unless", "said"),
    [
        ("the bidder gets the entire one hundred milliseconds", [["entire 100"]], [], True),
        ("thirty-five thousand requests a second is what we provision", [["35k"], ["provision"]], [], True),
        ("we provision for 35,000 requests a second", [["35k"], ["provision"]], [], True),
        ("the full hundred milliseconds, minus thirty for the network", [["full 100"]], ["30"], False),
        ("we send all 50 million emails at once", [["at once"]], ["5,000"], True),
        ("we send 5,000 emails a second", [["emails"]], ["5,000"], False),
        ("a 300 ms budget for the quote", [["30"]], [], False),
    ],
)
def test_numbers_are_read_whichever_way_they_are_said_and_match_whole(
    clause: str, cues: list[list[str]], unless: list[str], said: bool
) -> None:
    wrong = WrongClaim(
        claim="A claim.", cues=cues, unless=unless, why="Why.", challenge="Why?", example=clause
    )
    found = CHECKER.check(_with_claim(wrong), None, clause)
    assert any(e.key_point_id == "fallback-point" for e in found) is said


def test_a_statement_that_ends_by_asking_is_still_checked() -> None:
    movie = QuestionBank.load(KNOWLEDGE).get("movie-recommendations")
    said = (
        "I'd train the ranker on March's plays and report ranking accuracy on those same weeks: did the "
        "finished titles come out on top?"
    )
    assert any(e.kind == "claim" for e in CHECKER.check(movie, "deep_dive", said))
    asked = "Should I report ranking accuracy on those same weeks?"
    assert not any(e.kind == "claim" for e in CHECKER.check(movie, "deep_dive", asked))


def test_a_right_goal_called_a_side_effect_does_not_excuse_a_wrong_one() -> None:
    pricing = QuestionBank.load(KNOWLEDGE).get("dynamic-pricing")
    wrong = "The goal is the most gross bookings per cell, and completed trips are just a side effect."
    right = "The goal is the most completed trips at short pickup times; bookings are a side effect."
    assert any(e.kind == "claim" for e in CHECKER.check(pricing, "requirements", wrong))
    assert not any(e.kind == "claim" for e in CHECKER.check(pricing, "requirements", right))


def test_no_and_without_negate_their_noun_not_what_it_is_treated_as() -> None:
    clause = "treating any transaction without a chargeback yet as legitimate"
    assert not is_asserted(clause, clause.index("chargeback"), clause.index("chargeback") + 10)
    assert is_asserted(clause, clause.index("legitimate"), len(clause))
    other = "transactions with no dispute so far are labelled genuine"
    assert is_asserted(other, other.index("genuine"), len(other))
    assert not is_asserted("we keep no labels at all", 11, 17)


def test_a_figure_said_as_the_premise_does_not_excuse_the_claim_that_goes_against_it() -> None:
    fraud = BANK.get("fraud-detection")
    against = (
        "Chargebacks arrive thirty to ninety days late, so to keep up with new patterns I'd train on the last "
        "four weeks, treating any transaction without a chargeback yet as legitimate."
    )
    assert any("without one may still be fraud" in e.why for e in CHECKER.check(fraud, None, against))
    waits = (
        "Chargebacks arrive thirty to ninety days late, so I'd treat a transaction without a chargeback as "
        "legitimate only once it is older than ninety days."
    )
    assert not [e for e in CHECKER.check(fraud, None, waits) if e.kind != "arithmetic"]


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        (
            "movie-recommendations",
            "I'd hold out a random ten percent of each profile's plays from across the whole history and "
            "evaluate on those.",
            "I'd train on plays up to a cut-off date and evaluate on the following week.",
        ),
        (
            "job-recommendations",
            "Every impression without an apply is a negative, wherever it sat on the page.",
            "An impression without an apply is a weak negative, weighted by how often its slot is examined, "
            "which we estimate from a small randomised slice.",
        ),
        (
            "youtube-recommendations",
            "For training I'd compute features from the warehouse, and for serving the ranking service "
            "recomputes them from the stream with its own code.",
            "Each feature is defined once, computed from the stream for serving, and the served values are "
            "logged for training.",
        ),
    ],
)
def test_common_method_errors_in_other_words(question: str, wrong: str, right: str) -> None:
    q = BANK.get(question)
    assert [e for e in CHECKER.check(q, None, wrong) if e.kind == "claim"]
    assert not [e for e in CHECKER.check(q, None, right) if e.kind == "claim"]


def test_a_design_said_to_be_out_is_rejected_not_asserted() -> None:
    said = "so a large model on every turn is out"
    assert not is_asserted(said, said.index("large"), said.index("large") + len("large model"))
    stale = "so the model is out of date"
    assert is_asserted(stale, stale.index("model"), stale.index("model") + len("model"))


def test_a_reason_that_calls_the_wrong_metric_it_does_not_excuse_it() -> None:
    email = BANK.get("email-recommendations")
    said = (
        "Now that opens are out, I'd put click-through per send as the headline, since it's the cleanest "
        "signal we still have and purchases tend to follow clicks."
    )
    assert any(e.kind == "claim" and "click" in e.why.lower() for e in CHECKER.check(email, None, said))


def test_declining_a_per_customer_split_agrees_with_a_point_that_rules_out_per_user_splits() -> None:
    eta = BANK.get("eta-prediction")
    said = (
        "To test a new ETA model I wouldn't randomise by customer. I'd run switchback experiments where whole "
        "cities alternate between models in hourly slots."
    )
    assert not [e for e in CHECKER.check(eta, None, said) if e.why.startswith("This sets aside")]


@pytest.mark.parametrize(
    ("clause", "term", "asserted"),
    [
        ("A slightly worse list beats an error page", "error page", False),
        (
            "once a model beats production on last week's logs we switch all traffic at once",
            "all traffic",
            True,
        ),
        ("Quick cost check with a large model on every turn", "large model", False),
        ("Scoring all thousand with the heavy model would be ten times that", "heavy model", False),
    ],
)
def test_compared_hypothetical_and_priced_out_designs_are_not_asserted(
    clause: str, term: str, asserted: bool
) -> None:
    start = clause.index(term)
    assert is_asserted(clause, start, start + len(term)) is asserted


@pytest.mark.parametrize(
    ("clause", "term", "asserted"),
    [
        ("I want to be careful about the goal, because it's tempting to say revenue", "revenue", False),
        ("dropping age and gender from the features is necessary but not enough", "dropping age", False),
        (
            "a random split lets the model see the storm in training and then get tested on the same",
            "random split",
            False,
        ),
        ("a random split leaks the same storm into both sides", "random split", False),
        ("a time split never leaks the future", "time split", True),
        ("A global average is dominated by the big pairs", "global average", False),
    ],
)
def test_a_position_named_to_be_argued_against_is_not_asserted(
    clause: str, term: str, asserted: bool
) -> None:
    [part] = [c for c in clauses(clause) if term in c]
    start = part.index(term)
    assert is_asserted(part, start, start + len(term)) is asserted


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "demand-forecasting",
            "The failure I worry about most is silent: a warehouse's sales feed arrives half-empty and the model "
            "reads it as zero demand.",
        ),
        (
            "dynamic-pricing",
            "If I split riders by user id, the treated group's higher prices free up drivers for the control "
            "group, and neither arm looks like a full launch.",
        ),
    ],
)
def test_a_sentence_that_names_a_failure_or_supposes_a_mistake_makes_no_claim(
    question: str, said: str
) -> None:
    assert CHECKER.check(BANK.get(question), None, said) == []


def test_a_harm_avoided_is_not_a_step_declined() -> None:
    moderation = BANK.get("content-moderation")
    avoided = (
        "Next to it I'd keep appeal overturns under ten percent, so we don't buy prevalence with over-removal, "
        "and time to action for the severe categories."
    )
    assert CHECKER.check(moderation, None, avoided) == []
    spared = (
        "Those same labels give us the weekly prevalence number too, so we don't burn another hundred thousand "
        "reviews on a random sample of views that are almost all fine anyway."
    )
    assert CHECKER.check(moderation, None, spared)


def test_the_quick_word_test_finds_every_term_the_full_search_finds() -> None:
    """`mentions` skips a term when no word of the clause starts as the term does; it must never skip one
    the term's own pattern would find ("'something went wrong'", "don't", "re-rank", "5,000", "100ms")."""
    from interviewer.grading.stance import _term_pattern, mentions

    clauses_said = [
        "the screen shows a 'something went wrong' message",
        "we don't re-rank the 5,000 candidates in under 100ms, it's p99",
        "Prompt logs go to one shared bucket for a quarter (redacted)",
        *[s.text for q in BANK for s in split_sentences(q.prompt)],
    ]
    terms = sorted(
        {t.lstrip("~").strip() for q in BANK for w in q.common_wrong for g in w.cues for t in g}
        | {
            t.lstrip("~").strip()
            for q in BANK
            for p in PHASES
            for k in q.phase(p).key_points
            for w in k.wrong
            for g in w.cues
            for t in g
        }
    )
    for clause in clauses_said:
        found = {m.term for m in mentions(clause, terms)}
        full = {t for t in terms if _term_pattern(t).search(clause)}
        assert found == full, clause


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "youtube-recommendations",
            "The naive move would be to optimise click-through rate, but that rewards clickbait, so the target "
            "is long-term watch time.",
        ),
        (
            "youtube-recommendations",
            "We could optimise click-through rate, but that rewards clickbait; I'd target long-term watch time.",
        ),
        (
            "youtube-recommendations",
            "A common mistake is to optimise click-through rate; I'd target long-term watch time instead.",
        ),
        (
            "youtube-recommendations",
            "It's easy to say clicks are the goal, but the goal is long-term watch time.",
        ),
        (
            "youtube-recommendations",
            "You might think click-through rate is the goal. It isn't: it's long-term watch time.",
        ),
        (
            "youtube-recommendations",
            "Maximising clicks was the old approach here, and it promoted clickbait; the goal now is long-term "
            "watch time.",
        ),
        (
            "fraud-detection",
            "We could cache the velocity features for an hour, but that misses a burst of card testing, so "
            "they're computed in the stream within seconds.",
        ),
        (
            "content-moderation",
            "A common mistake is to check uploads after they go live; here every upload is hashed and checked "
            "before it's visible.",
        ),
        (
            "youtube-recommendations",
            "I considered optimising click-through rate and rejected it, because clickbait wins; the goal is "
            "long-term watch time.",
        ),
        (
            "youtube-recommendations",
            "I'd steer clear of optimising click-through rate, because it rewards clickbait; long-term watch "
            "time is the goal.",
        ),
        (
            "youtube-recommendations",
            "Click-through rate alone would be the wrong target; long-term watch time is the goal.",
        ),
        (
            "youtube-recommendations",
            "Some teams optimise click-through rate, and they end up with clickbait; I'd target long-term watch "
            "time.",
        ),
        (
            "fraud-detection",
            "Caching velocity features for an hour sounds cheap, but a card-testing burst is over in minutes, "
            "so they're updated in the stream.",
        ),
    ],
)
def test_a_design_set_up_to_be_knocked_down_is_not_claimed(question: str, said: str) -> None:
    assert CHECKER.check(BANK.get(question), None, said) == []


@pytest.mark.parametrize(
    "said",
    [
        "We could optimise watch time, but that's slow to move, so I'd optimise click-through rate.",
        "We will optimise click-through rate, but it needs a guardrail on dwell time.",
        "The naive move would be watch time, but I'd optimise click-through rate because clicks are the "
        "clearest signal.",
    ],
)
def test_the_design_chosen_after_a_set_up_is_still_read(said: str) -> None:
    assert CHECKER.check(BANK.get("youtube-recommendations"), None, said)


def test_naming_a_trap_as_a_fact_is_not_setting_it_aside() -> None:
    from interviewer.grading.stance import is_asserted

    clause = "One trap is that declined payments never get an outcome"
    start = clause.index("declined payments")
    assert is_asserted(clause, start, start + len("declined payments"))


@pytest.mark.parametrize(
    ("question", "said"),
    [
        (
            "ad-serving",
            "If last night's retrain treated yesterday's unconverted clicks as negatives, it would mark many "
            "future buyers as failures and underprice conversion campaigns.",
        ),
        (
            "feed-ranking",
            "If every post is pushed to every follower, that's five hundred million posts a day times about two "
            "hundred followers, a hundred billion inbox writes a day.",
        ),
        (
            "job-recommendations",
            "Fairness needs monitoring even with age and gender kept out of the model, because proxies creep "
            "in: graduation year, school, location or career gaps can stand in for them.",
        ),
    ],
)
def test_a_counterfactual_a_sized_option_and_an_audit_claim_nothing(question: str, said: str) -> None:
    assert CHECKER.check(BANK.get(question), None, said) == []
