"""Answers in a formal written register: numbers in powers of ten ("5 × 10^8 daily users", "3e4", "10⁸"), "ca."
and "per cent", passive and impersonal constructions ("is to be sized in ...", "ought to be costed"), and the
calculations such answers carry (blends, headroom, peak factors, inequalities)."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.notation import plain_powers
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import segments
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _kinds(question: str, answer: str) -> list[str]:
    return [e.kind for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("ca. 3.5 × 10^3 requests per second", "about 3,500 requests per second"),
        ("10^11 inbox writes", "100,000,000,000 inbox writes"),
        ("divided by 8.64 × 10^4 seconds", "divided by 86,400 seconds"),
        ("3e4 requests and 5e-3 s", "30,000 requests and 0.005 s"),
        ("10⁸ followers", "100,000,000 followers"),
        ("5x10^8 users", "500,000,000 users"),
        ("$1.35 × 10^6 a month", "$1,350,000 a month"),
        ("70 per cent", "70 percent"),
        # a product of plain numbers, a model's name and a power of two are left as they are
        ("2 × 10 GPUs, model v1e5, 2^10", "2 × 10 GPUs, model v1e5, 2^10"),
    ],
)
def test_powers_of_ten_circa_and_per_cent_are_written_out(written: str, plain: str) -> None:
    assert plain_powers(written) == plain


def test_a_percentage_written_per_cent_is_a_share() -> None:
    assert [(q.value, q.kind) for q in quantities(words_to_digits("0.2 per cent per send"))] == [
        (0.002, "percent")
    ]


def test_circa_and_other_latin_abbreviations_end_no_sentence_and_a_number_splits_no_segment() -> None:
    text = "Declining costs ca. $20 and a missed fraud ca. $150, cf. the literature. Next."
    assert len(split_sentences(text)) == 2
    spread = "dividing by 86,400 secs gives about 1,200,000 writes per sec"
    assert segments(spread) == (spread,)


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        (
            "Some 5 × 10^8 posts a day, each pushed to ca. 200 followers on average, amount to 10^11 inbox writes a "
            "day; dividing by 8.64 × 10^4 seconds gives ca. 1.2 × 10^6 writes per second.",
            False,
        ),
        (
            "Some 5 × 10^8 posts a day, each pushed to ca. 200 followers on average, amount to 10^11 inbox writes a "
            "day; dividing by 8.64 × 10^4 seconds gives ca. 1.2 × 10^4 writes per second.",
            True,
        ),
    ],
)
def test_a_derivation_in_powers_of_ten_is_recomputed(answer: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong
    assert "constraint" not in _kinds("feed-ranking", answer)  # the day's seconds are no refresh period


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        (
            "At the ceiling of 0.2 per cent per send, 0.002 × 5.1 × 10^7 ≈ 10^5 subscribers would leave.",
            False,
        ),
        ("At the ceiling of 0.2 per cent per send, 0.002 × 5.1 × 10^7 ≈ 10^7 subscribers would leave.", True),
    ],
)
def test_a_share_said_again_as_a_fraction_is_one_input(answer: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        ("one ought to decline when p × 150 > (1 − p) × 20, i.e. when p > 20/170 ≈ 0.12.", False),
        ("one ought to decline when p × 150 > (1 − p) × 20, i.e. when p > 150/170 ≈ 0.88.", True),
    ],
)
def test_each_side_of_an_inequality_is_its_own_calculation_and_a_threshold_may_be_a_fraction(
    answer: str, wrong: bool
) -> None:
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(
    ("blend", "wrong"),
    [("0.0031", False), ("0.03", True)],
)
def test_a_blend_that_is_the_weighted_mix_is_right_and_one_far_from_any_reading_is_not(
    blend: str, wrong: bool
) -> None:
    answer = (
        "A small-model turn costs ca. $0.00075 and a large-model turn ca. $0.0125; with 80 per cent routed to the "
        f"small model, the blend is ca. ${blend} per turn."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("fleet", "wrong"), [("100", False), ("400", True)])
def test_a_margin_chosen_on_top_of_a_fleet_is_not_a_calculation(fleet: str, wrong: bool) -> None:
    answer = (
        "If an instance sustains 100,000 scores per second, the load of 7.5 million scores per second requires "
        f"about 75 instances, so about {fleet} with headroom."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("through", "wrong"), [("1.5", False), ("3.5", True)])
def test_a_hit_rate_said_after_a_peak_load_lets_its_complement_through(through: str, wrong: bool) -> None:
    answer = (
        "Peak traffic is ca. 5 × 10^4 requests per second; with a hit rate assumed at 70 per cent, "
        f"ca. {through} × 10^4 requests per second reach the models."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("peak", "wrong"), [("2.2 × 10^4", False), ("3.5 × 10^3", True)])
def test_a_peak_factor_multiplies_the_average_said_before(peak: str, wrong: bool) -> None:
    answer = (
        "7.5 × 10^8 requests a day, divided by 8.64 × 10^4 seconds, is ca. 8.7 × 10^3 per second on average. "
        f"Allowing a peak factor of 2.5, the evening peak would be ca. {peak} requests per second."
    )
    errors = CHECKER.arithmetic_errors(answer)
    assert bool(errors) is wrong
    assert not wrong or "21,750" in errors[0].why


@pytest.mark.parametrize(("events", "wrong"), [("1.25 × 10^5", False), ("2 × 10^6", True)])
def test_an_interval_between_pings_divides_the_fleet(events: str, wrong: bool) -> None:
    answer = f"5 × 10^5 couriers, each pinging once every 4 seconds, produce ca. {events} events per second."
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


def test_the_size_of_each_piece_is_no_factor_of_how_many() -> None:
    answer = "The 2 × 10^4 articles, chunked into passages of ca. 400 tokens, give ca. 7.5 × 10^4 chunks."
    assert CHECKER.arithmetic_errors(answer) == []


@pytest.mark.parametrize(
    ("question", "answer", "wrong"),
    [
        (
            "ad-serving",
            "For exchange traffic a separate bidder is proposed. Of the 100 ms an exchange allows, the network takes "
            "50–60 ms and parsing 10, which leaves ca. 30 ms of compute. In-app requests follow the fuller path "
            "within 100 ms: targeting retrieval, light then heavy pCTR, auction.",
            False,
        ),
        (
            "ad-serving",
            "For exchange traffic a separate bidder is proposed. Of the 100 ms an exchange allows, parsing and "
            "queueing consume some 10 ms, which leaves ca. 90 ms of compute.",
            True,
        ),
    ],
)
def test_a_clause_naming_its_own_kind_of_request_has_its_own_budget(
    question: str, answer: str, wrong: bool
) -> None:
    assert ("constraint" in _kinds(question, answer)) is wrong


@pytest.mark.parametrize(
    ("question", "answer", "wrong"),
    [
        (
            "translation-service",
            "The option of sending all traffic to a hosted general-purpose LLM ought to be costed.",
            False,
        ),
        (
            "youtube-recommendations",
            "Each impression would be labelled with whether it was clicked, and the model trained to predict click "
            "probability, e.g. as a logistic regression in the manner familiar from the literature.",
            True,
        ),
        (
            "music-recommendations",
            "For the weekly discovery playlist, success is best measured by the number of never-before-heard tracks "
            "that are started, irrespective of how long each is played.",
            True,
        ),
        (
            "search-ranking",
            "The quantity the ranker is ultimately meant to raise is click-through on the first results page, clicks "
            "being abundant and immediate.",
            True,
        ),
        (
            "llm-serving-platform",
            "The fleet is therefore to be sized in tokens per second, not in requests per second.",
            False,
        ),
        (
            "llm-serving-platform",
            "The fleet is therefore to be sized in requests per second, not in tokens per second.",
            True,
        ),
    ],
)
def test_claims_in_a_formal_register(question: str, answer: str, wrong: bool) -> None:
    assert bool(_kinds(question, answer)) is wrong


@pytest.mark.parametrize(
    ("question", "answer", "point"),
    [
        (
            "search-ranking",
            "Purchases are what I'd optimise. I don't think the weekly human grades of the top ten results need to "
            "gate a launch, though: if shoppers buy more, the results were useful.",
            "relevance-versus-business",
        ),
        (
            "support-chatbot-rag",
            "Customer text is marked as untrusted, and I don't think the refund tool needs its own limit check in "
            "code on top of that.",
            "prompt-injection",
        ),
        (
            "eta-prediction",
            "Rather than caching, a compact browse model would score all 20 restaurants of a page in one batched "
            "call, well within 50 ms.",
            None,
        ),
    ],
)
def test_a_decline_whose_object_is_a_clause(question: str, answer: str, point: str | None) -> None:
    found = [e.key_point_id for e in CHECKER.check(BANK.get(question), None, answer) if e.kind == "claim"]
    assert found == ([point] if point else [])


@pytest.mark.parametrize(("price", "wrong"), [("2.3", False), ("70", True)])
def test_a_price_worked_out_per_million_is_compared_per_unit_and_said_per_million(
    price: str, wrong: bool
) -> None:
    errors = CHECKER.arithmetic_errors(
        f"So $440K divided by 190 billion tokens is about ${price} per million tokens."
    )
    assert bool(errors) is wrong
    assert not wrong or "2.32 per million, not 70 per million" in errors[0].why
