"""Wrong claims read with their context: the goal asked for just before, a hold until a dependency recovers,
a figure said only to be dismissed, and a heavy model placed on a path with a latency budget."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.stance import asks_the_goal, clauses
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _kinds(question: str, phase: str, answer: str) -> list[tuple[str, str | None]]:
    return [(e.kind, e.key_point_id) for e in CHECKER.check(BANK.get(question), phase, answer)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sentence",
    [
        "So what are we maximising?",
        "What's the goal here?",
        "What is this system for?",
        "Let me pin the objective first.",
        "Goal first.",
    ],
)
def test_a_sentence_that_asks_or_announces_the_goal(sentence: str) -> None:
    assert asks_the_goal(sentence)


@pytest.mark.parametrize("sentence", ["What do we use for caching?", "The goal is completed trips."])
def test_other_sentences_do_not_announce_the_goal(sentence: str) -> None:
    assert not asks_the_goal(sentence)


def test_the_answer_to_what_are_we_maximising_states_the_goal() -> None:
    wrong = (
        "So what are we maximising? I'd say gross bookings per hour in each cell, because the company is paid "
        "on fares, so a higher multiplier wherever riders still accept is a win."
    )
    right = (
        "So what are we maximising? Not the fare. Completed trips with pickups under about eight minutes, "
        "and price is the lever that gets drivers where riders are."
    )
    assert ("claim", "marketplace-goal") in _kinds("dynamic-pricing", "requirements", wrong)
    assert _kinds("dynamic-pricing", "requirements", right) == []


def test_the_same_words_without_the_question_are_not_read_as_the_goal() -> None:
    said = "I'd say gross bookings per hour in each cell move with the weather."
    assert _kinds("dynamic-pricing", "requirements", said) == []


@pytest.mark.parametrize(
    ("question", "held"),
    [
        (
            "content-moderation",
            "Every other upload is held as pending, invisible to everyone but the author, until the classifiers "
            "come back.",
        ),
        ("fraud-detection", "On a timeout it parks the authorisation in a queue until the model is back."),
        (
            "eta-prediction",
            "The checkout call has a hard timeout at the hundred milliseconds, and on a timeout it retries "
            "against another replica, holding the order button until an estimate comes back, since a promise "
            "from the distance-based rule is too loose for the customer.",
        ),
    ],
)
def test_holding_users_until_a_dependency_recovers_breaks_availability(question: str, held: str) -> None:
    assert any(kind == "constraint" for kind, _ in _kinds(question, "issues", held))


@pytest.mark.parametrize(
    "queued",
    [
        "Everything else publishes with reduced reach and goes into a durable queue that the classifiers rescan "
        "when they're back.",
        "Holding every upload would turn a classifier outage into a posting outage.",
        "We never hold uploads until the classifiers come back; they publish with reduced reach.",
    ],
)
def test_a_rescan_queue_or_a_rejected_hold_keeps_posting_up(queued: str) -> None:
    assert _kinds("content-moderation", "issues", queued) == []


def test_but_meaning_except_does_not_end_the_clause() -> None:
    assert len(clauses("It is invisible to everyone but the author until it is scored")) == 1
    assert len(clauses("It is cheap, but it is slow")) == 2


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            "search-ranking",
            "deep_dive",
            "I'd use the clicks as they come, because at six hundred million queries a day the positional noise "
            "averages out.",
            "I'd use the clicks weighted by inverse propensity, with position bias estimated from a small "
            "randomised slice.",
        ),
        (
            "eta-prediction",
            "deep_dive",
            "I'd compute them in processing-time windows, one-minute buckets keyed by when the ping reaches "
            "Flink, which saves tuning a watermark.",
            "I'd compute them in event-time windows, one-minute buckets keyed by the timestamp on the ping, with "
            "a short watermark.",
        ),
    ],
)
def test_a_safeguard_named_only_to_be_dismissed_does_not_excuse_the_claim(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert any(kind == "claim" for kind, _ in _kinds(question, phase, wrong))
    assert _kinds(question, phase, right) == []


def test_a_heavy_model_inline_before_a_post_appears_breaks_the_latency_budget() -> None:
    wrong = (
        "On the upload path I'd run the big multimodal model on every image inline before it appears, even "
        "though that takes more like half a second per image."
    )
    right = (
        "On the upload path a distilled image classifier runs inline before it appears, which takes about "
        "thirty milliseconds, and the big multimodal model reviews the uncertain band asynchronously."
    )
    assert any(kind == "constraint" for kind, _ in _kinds("content-moderation", "architecture", wrong))
    assert not any(kind == "constraint" for kind, _ in _kinds("content-moderation", "architecture", right))


@pytest.mark.parametrize(
    ("question", "phase", "answer"),
    [
        (
            "demand-forecasting",
            "issues",
            "The failure I'd plan for first is a broken input feed. If one warehouse's sales feed arrives "
            "half-empty, the model reads the gap as zero demand and we under-order for weeks.",
        ),
        (
            "movie-recommendations",
            "issues",
            "On evaluation, I'd be careful about the offline-online gap. Offline ranking metrics on logged plays "
            "only see titles we already showed, so a model that copies the old ranking looks good.",
        ),
        (
            "youtube-recommendations",
            "issues",
            "No retries on the hot path, since retrying a slow service just adds load to it.",
        ),
    ],
)
def test_a_hazard_described_after_it_is_named_is_not_the_design(
    question: str, phase: str, answer: str
) -> None:
    assert _kinds(question, phase, answer) == []


def test_a_design_said_after_naming_a_hazard_is_still_read() -> None:
    answer = (
        "The failure I worry about most is a late run. So if a warehouse's sales feed arrives half-empty, the "
        "DAG fills the missing rows as zero sales and carries on."
    )
    assert _kinds("demand-forecasting", "issues", answer) != []


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        ("That is a hundred and fifty billion inbox writes a day, about 170 thousand writes a second.", True),
        ("That is a hundred and fifty billion inbox writes a day, about 1.7 million writes a second.", False),
        ("Output is 250 tokens each, 6.25 billion a day, around 72 thousand a second.", False),
        ("Four GPUs at around 3 dollars an hour each, roughly 9 thousand a month.", False),
        (
            "Point zero five percent of a thirty-day month is 0.0005 times 43,200 minutes, about 21.6 minutes a "
            "month, roughly four and a half hours a year.",
            False,
        ),
        (
            "Point zero five percent of a thirty-day month is 0.0005 times 43,200 minutes, about 21.6 minutes a "
            "month, roughly forty hours a year.",
            True,
        ),
    ],
)
def test_an_amount_said_again_over_another_period(said: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(said)) is wrong


@pytest.mark.parametrize(
    ("question", "phase", "said"),
    [
        (
            "feed-ranking",
            "optimization",
            "I'd push only for ordinary accounts, pull the big ones at read time, and trim inboxes to two days of "
            "posts.",
        ),
        (
            "search-ranking",
            "architecture",
            "Changes reach the index by change data capture within a minute. I'd still rebuild fully every night "
            "to clear drift.",
        ),
        (
            "search-ranking",
            "deep_dive",
            "I estimate examination propensity by position from a small randomised slice, where we lightly "
            "shuffle the top results, and weight clicks by inverse propensity when training.",
        ),
    ],
)
def test_a_retention_window_a_backstop_rebuild_and_an_exploration_shuffle_are_sound(
    question: str, phase: str, said: str
) -> None:
    assert _kinds(question, phase, said) == []


def test_a_nightly_rebuild_alone_is_still_too_stale() -> None:
    said = "The index is rebuilt every night from the product database."
    assert _kinds("search-ranking", "architecture", said) != []


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "Thirty million browsing sessions a day, say five list loads each with twenty restaurants, is three "
            "billion ETA predictions a day.",
            False,
        ),
        (
            "Thirty million browsing sessions a day, say five list loads each with twenty restaurants, is thirty "
            "billion ETA predictions a day.",
            True,
        ),
        (
            "At 0.1% of fifty million, about fifty thousand fraudulent transactions a day, at roughly $150 each, "
            "that's $7.5 million attempted a day, about $2.7 billion a year.",
            False,
        ),
        ("At 0.1% of fifty million, about five thousand fraudulent transactions a day.", True),
        (
            "That leaves about 27,500 requests a second reaching the models. If one ranker instance handles around "
            "400 QPS on a thousand candidates, that's roughly 70 instances.",
            False,
        ),
        (
            "Forty million people get the daily digest and eighty million the weekly one, which is about 11.4 "
            "million a day, so roughly 51 million digests daily.",
            False,
        ),
        (
            "That's about 20 million emails inside a four-hour window, 20 million over 14,400 seconds, so around "
            "1,400 a second.",
            False,
        ),
        (
            "That's about 20 million emails inside a four-hour window, 20 million over 14,400 seconds, so around "
            "14,000 a second.",
            True,
        ),
    ],
)
def test_factors_assumed_per_unit_shares_of_a_total_and_a_window_said_twice(said: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(said)) is wrong


@pytest.mark.parametrize(
    ("question", "phase", "said"),
    [
        (
            "dynamic-pricing",
            None,
            "I'd run small randomised price perturbations, a few percent up or down per cell and time block, "
            "inside the caps.",
        ),
        (
            "fraud-detection",
            None,
            "The graph model for fraud rings is heavier, so it runs only on the uncertain band, or asynchronously "
            "for approve-and-review cases.",
        ),
        (
            "demand-forecasting",
            None,
            "I'd use a probabilistic sequence model, DeepAR style, and sample a couple of hundred ninety-day "
            "demand paths per series.",
        ),
    ],
)
def test_words_that_only_look_like_a_wrong_claim(question: str, phase: str | None, said: str) -> None:
    assert CHECKER.check(BANK.get(question), phase, said) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (
            "job-recommendations",
            "requirements",
            "Replies come days later, so I'd make applications per member the number the ranker maximises, and "
            "treat replies as a report we look at monthly.",
            "I'd make applications that get a recruiter reply the number the ranker maximises, with raw applies "
            "only as a fast diagnostic.",
        ),
        (
            "search-ranking",
            "deep_dive",
            "Clicks are plentiful, so I'd train on them as they come.",
            "Clicks are plentiful, so I'd train on them weighted by inverse propensity of their position.",
        ),
        (
            "youtube-recommendations",
            "issues",
            "The service retries the call up to three times with a short backoff, and only if all three fail does "
            "it fall back to the cached candidate list.",
            "The call gets one deadline of fifty milliseconds, no retries, and past it we serve the cached "
            "candidate list at once.",
        ),
    ],
)
def test_a_goal_demoted_to_a_report_clicks_taken_as_they_come_and_retries_before_the_fallback(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert _kinds(question, phase, wrong) != []
    assert _kinds(question, phase, right) == []


def test_a_long_sentence_cut_before_its_relative_clause_is_read_whole() -> None:
    answer = (
        "So for each origin we train on history before it, with sales and inventory as loaded that night, and "
        "forecast forward, feeding in the promotions that actually ran over the horizon, since those are the "
        "cleanest record of what happened and the planned calendar is messy."
    )
    errors = CHECKER.check(BANK.get("demand-forecasting"), "issues", answer)
    assert [e.kind for e in errors] == ["claim"]
    assert errors[0].quote in answer and "actually ran" in errors[0].quote
    assert not errors[0].corrected  # "actually" inside the quote is not a correction


@pytest.mark.parametrize(
    ("question", "phase", "said", "point"),
    [
        (  # an option put up to be costed, then turned down
            "support-chatbot-rag",
            "optimization",
            "Let me cost the simple version, the large model on every turn.",
            "model-routing",
        ),
        (  # the option alone, put up to be costed
            "support-chatbot-rag",
            "optimization",
            "Let me cost the large model everywhere.",
            "model-routing",
        ),
        (  # an option said to be several times the budget, without "costs"
            "support-chatbot-rag",
            "optimization",
            "Using the large model for every turn is about a cent and a quarter per turn, roughly a hundred and "
            "twelve thousand a month, four times the budget.",
            "model-routing",
        ),
        (  # an option as the subject of the harm it would do
            "llm-serving-platform",
            "architecture",
            "One shared first-in-first-out queue would let the biggest tenant set everyone's latency.",
            "fair-scheduler",
        ),
        (  # the worst thing, after a condition
            "youtube-recommendations",
            "issues",
            "If the candidate service gets slow, the worst thing is to keep waiting or retrying without a "
            "deadline, because the whole request then blows the 200 milliseconds.",
            "slow-candidates",
        ),
        (  # demoted: "as an operational number only"
            "content-moderation",
            "requirements",
            "Takedown counts I'd treat as an operational number only, because they rise when there's more bad "
            "content as well as when we catch more.",
            "prevalence-metric",
        ),
        (  # an option sized: "pushing every post into inboxes is N writes"
            "feed-ranking",
            "architecture",
            "If the average author has about two hundred followers, pushing every post into inboxes is a hundred "
            "billion writes a day.",
            "fanout-strategy",
        ),
        (  # a signal dismissed: "says almost nothing"
            "llm-serving-platform",
            "optimization",
            "For autoscaling, the GPU servers' CPU usage says almost nothing; the host CPU idles while the GPU is "
            "saturated.",
            "autoscale-signals",
        ),
        (  # training rebalanced, evaluation at the real rate
            "content-moderation",
            "deep_dive",
            "I'd oversample those classes in training, but evaluate on a sample drawn at the real rate: a "
            "classifier that looks precise on a balanced set can be mostly false alarms.",
            "imbalance-and-label-quality",
        ),
    ],
)
def test_an_option_costed_sized_or_dismissed_is_not_claimed(
    question: str, phase: str, said: str, point: str
) -> None:
    assert ("claim", point) not in _kinds(question, phase, said)


@pytest.mark.parametrize(
    ("question", "phase", "said", "point"),
    [
        ("support-chatbot-rag", "optimization", "We use the large model on every turn.", "model-routing"),
        (
            "feed-ranking",
            "requirements",
            "I'd aim at total time spent in the feed per user per day, since it's the broadest measure.",
            "engagement-objective",
        ),
        (
            "llm-serving-platform",
            "optimization",
            "We autoscale the GPU servers on CPU utilisation.",
            "autoscale-signals",
        ),
        (
            "llm-serving-platform",
            "architecture",
            "One shared first-in-first-out queue in front of each pool serves whoever arrives first.",
            "fair-scheduler",
        ),
        (
            "youtube-recommendations",
            "issues",
            "If the candidate service gets slow, we keep retrying it without a deadline until it answers.",
            "slow-candidates",
        ),
        (
            "content-moderation",
            "requirements",
            "The headline I'd track is the weekly count of items we took down; if removals rise, enforcement is "
            "improving.",
            "prevalence-metric",
        ),
    ],
)
def test_the_same_options_chosen_are_claimed(question: str, phase: str, said: str, point: str) -> None:
    assert ("claim", point) in _kinds(question, phase, said)


@pytest.mark.parametrize(
    ("question", "phase", "wrong", "right"),
    [
        (  # the rider's own signals said to stay out of the price
            "dynamic-pricing",
            "requirements",
            "The multiplier is computed per cell and minute, then nudged per rider using their history and device.",
            "The multiplier is computed per cell and minute, and a rider's history or device never enters the price.",
        ),
        (  # the host CPU named again only as the reason it tells nothing
            "llm-serving-platform",
            "optimization",
            "For autoscaling, the Kubernetes autoscaler scales each pool when CPU utilisation goes over seventy "
            "percent.",
            "For autoscaling, CPU utilisation on GPU servers tells you almost nothing, since the host CPU idles "
            "while the GPU is saturated.",
        ),
        (  # "shown but not played" says what happened to a title; it negates nothing
            "movie-recommendations",
            "deep_dive",
            "A title that was shown but not played is a strong negative, so I'd weight those impressions fully.",
            "A title that was shown but not played isn't a strong negative, so I'd down-weight those impressions.",
        ),
        (  # a safeguard argued to be unneeded ("position already reflects relevance") excuses nothing
            "search-ranking",
            "deep_dive",
            "I'd train on raw clicks as graded labels, without reweighting by position, since I think position "
            "already reflects relevance.",
            "I'd train on raw clicks as graded labels, reweighted by the inverse of each position's propensity.",
        ),
        (  # lateness carried along by the average, and late orders given no weight of their own
            "eta-prediction",
            "requirements",
            "When MAE goes down lateness goes down with it, so I'd optimise MAE alone and treat an order arriving "
            "after the top of the range like any other miss.",
            "I'd optimise MAE, and the share of orders arriving after the top of the range must stay under ten "
            "percent.",
        ),
        (  # watch time demoted to an input: the ranker still predicts only the click
            "youtube-recommendations",
            "deep_dive",
            "I'd use a single head, the probability of a click, with watch time and likes as input features "
            "rather than targets.",
            "I'd use a multi-task model, the probability of a click and the expected watch time given a click.",
        ),
    ],
)
def test_what_is_said_beside_a_term_decides_whether_it_is_claimed(
    question: str, phase: str, wrong: str, right: str
) -> None:
    assert any(kind == "claim" for kind, _ in _kinds(question, phase, wrong))
    assert _kinds(question, phase, right) == []


def test_declining_to_log_impressions_is_a_declined_key_point_even_in_one_word() -> None:
    declined = (
        "I don't think we need to log impressions too; watches already carry the signal, and the "
        "shown-but-not-watched videos are just noise."
    )
    logged = "We log every impression with its position, and watches, skips and likes against it."
    assert ("claim", "feedback-loop") in _kinds("youtube-recommendations", "architecture", declined)
    assert _kinds("youtube-recommendations", "architecture", logged) == []


@pytest.mark.parametrize(
    ("question", "phase", "point", "declined", "kept"),
    [
        (  # the decline's own "is worth it" comes before the reason, which names no substitute
            "fraud-detection",
            "issues",
            "selection-bias",
            "I don't think a random pass-through group is worth it, though, since letting risky payments through "
            "just pays the fraudsters.",
            "I'd keep a small random pass-through group with amount caps, so declined payments still get labels.",
        ),
        (  # two words, one of them a word only this point uses
            "support-chatbot-rag",
            "architecture",
            "tools",
            "For the refund tool, a confirmation step isn't really needed, since the customer already asked.",
            "For the refund tool, a confirmation step comes first: the customer confirms before it runs.",
        ),
        (  # "those days" are the stockout days of the clause before
            "demand-forecasting",
            "deep_dive",
            "censored-demand",
            "When a product is out of stock, recorded sales are zero or capped, but I don't think we need to treat "
            "those days differently.",
            "When a product is out of stock, recorded sales are zero or capped, so I'd treat those days as censored "
            "and mask them from the loss.",
        ),
        (  # the reason after is a dismissal of the problem, not a way of meeting the point
            "ad-serving",
            "issues",
            "click-fraud",
            "Invalid traffic exists, but I don't think we need a separate filter in front of billing or training. "
            "Bots are a small share of clicks, and the model down-weights them on its own.",
            "Invalid traffic exists, so I'd put a separate filter in front of billing and training.",
        ),
    ],
)
def test_a_declined_key_point_is_heard_in_the_words_people_use(
    question: str, phase: str, point: str, declined: str, kept: str
) -> None:
    assert ("claim", point) in _kinds(question, phase, declined)
    assert _kinds(question, phase, kept) == []


@pytest.mark.parametrize(
    ("question", "phase", "sentence"),
    [
        (
            "demand-forecasting",
            "optimization",
            "To prove the model is worth shipping I wouldn't stop at forecast error.",
        ),
        ("dynamic-pricing", "deep_dive", "To test a new pricing policy, I wouldn't randomise riders."),
    ],
)
def test_going_further_or_declining_a_different_thing_declines_no_key_point(
    question: str, phase: str, sentence: str
) -> None:
    assert _kinds(question, phase, sentence) == []


def test_each_budget_in_a_list_of_budgets_belongs_to_its_own_part() -> None:
    listed = (
        "There are three moments: twenty ETAs on the list in under 50 ms on the request path, a checkout promise "
        "under 100 ms, and in-flight updates every thirty seconds."
    )
    slow = "We score the twenty restaurants on the list per request, which takes about 120 ms on the request path."
    assert _kinds("eta-prediction", "requirements", listed) == []
    assert ("constraint", None) in _kinds("eta-prediction", "requirements", slow)


def test_an_option_costed_at_several_times_the_budget_is_ruled_out_not_chosen() -> None:
    costed = "A large model on every turn costs about $112 thousand a month, four times the budget."
    chosen = "We run the large model on every turn."
    assert _kinds("support-chatbot-rag", "optimization", costed) == []
    assert ("claim", "model-routing") in _kinds("support-chatbot-rag", "optimization", chosen)


def test_a_feed_that_is_late_is_a_condition_not_a_counterfactual() -> None:
    late = "If one warehouse's sales feed is late, I'd fill its missing day with zeros so the run finishes by six."
    assert ("claim", "missing-data-as-zeros") in _kinds("demand-forecasting", "issues", late)


def test_a_part_with_its_own_budget_is_not_timed_against_another_parts_budget() -> None:
    own = (
        "A batched call takes a few milliseconds, which keeps us well inside the fifty-millisecond p99 for the "
        "list, and checkout runs the fuller model within its hundred milliseconds."
    )
    slow = "A batched call for the list takes about a hundred milliseconds on the request path."
    assert _kinds("eta-prediction", "architecture", own) == []
    assert ("constraint", None) in _kinds("eta-prediction", "architecture", slow)


def test_a_mistake_named_with_the_harm_it_does_is_not_claimed() -> None:
    harm = (
        "Blocked payments never get an outcome, so retraining only on approved ones shows the model a world "
        "without the fraud it caught."
    )
    chosen = "We retrain only on approved payments, since those are the ones with outcomes."
    cost = (
        "More shards are not free: every query fans out to all of them and waits for the slowest, so tail "
        "latency rises as the shard count goes up."
    )
    assert ("claim", None) not in _kinds("fraud-detection", "issues", harm)
    # the question's own wrong claim about training on approved payments, or the general one
    assert {k for k, _ in _kinds("fraud-detection", "issues", chosen)} == {"claim"}
    assert _kinds("search-ranking", "deep_dive", cost) == []
    assert _kinds("search-ranking", "deep_dive", "Every query waits for the slowest shard.") != []


def test_a_broken_constraint_is_questioned_in_its_own_terms() -> None:
    errors = CHECKER.check(
        BANK.get("support-chatbot-rag"),
        "issues",
        "When the model decides a refund is due it executes straight away and the customer gets a confirmation "
        "message afterwards.",
    )
    [error] = [e for e in errors if e.kind == "constraint"]
    assert "approves that refund" in error.challenge


@pytest.mark.parametrize(
    ("question", "phase", "declined", "agrees"),
    [
        (  # "logging" meets "logs", "indexed" meets "indexing"
            "movie-recommendations",
            "architecture",
            "We don't need impression logging.",
            None,
        ),
        (  # a point that asks not to do something: not doing it agrees with the point
            "email-recommendations",
            "issues",
            None,
            "When a timezone's build misses its window, we don't send it late into people's afternoon.",
        ),
    ],
)
def test_declines_are_read_across_word_endings_and_refrains(
    question: str, phase: str, declined: str | None, agrees: str | None
) -> None:
    if declined is not None:
        assert ("claim", "event-logging") in _kinds(question, phase, declined)
    if agrees is not None:
        assert _kinds(question, phase, agrees) == []
