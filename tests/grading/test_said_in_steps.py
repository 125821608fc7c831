"""Calculations said aloud in steps: a division joined to the step before by ", and dividing by", a peak said
as a multiple of the mean, a product said factor by factor, a KV cache sized without its layers,
and a part's failure passed on to the user as an error or a pause."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from locations import KNOWLEDGE

CHECKER = ClaimChecker()


@pytest.mark.parametrize(("mean", "wrong"), [("35 thousand", False), ("3,500", True)])
def test_a_division_joined_by_and_continues_from_the_result_before_it(mean: str, wrong: bool) -> None:
    answer = (
        "Three hundred million daily users opening the feed about ten times a day is three billion requests a "
        f"day, and dividing by 86,400 seconds gives a mean of roughly {mean} a second."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(
    ("factor", "peak", "wrong"),
    [
        ("about three times the mean", "1.3 million", False),
        ("about three times the mean", "140 thousand", True),
        ("twice the average", "860 thousand", False),
        ("twice the average", "215 thousand", True),
    ],
)
def test_a_peak_said_as_a_multiple_of_the_mean_multiplies_it(factor: str, peak: str, wrong: bool) -> None:
    answer = (
        "Over 86,400 seconds that's a mean of roughly 430 thousand tokens a second. The afternoon peak runs "
        f"{factor}, so on the order of {peak} input tokens a second."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("size", "wrong"), [("131 kilobytes", False), ("4 kilobytes", True)])
def test_a_product_said_factor_by_factor_is_not_read_as_a_division(size: str, wrong: bool) -> None:
    answer = (
        "With grouped-query attention it's two for keys and values, times 32 layers, times 8 KV heads, times 128 "
        f"dimensions, times 2 bytes, about {size} per token."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


def test_a_product_that_only_works_out_divided_is_still_read_every_way() -> None:
    # "two fifty six" is heard as two numbers; the product said is not forced on it
    answer = "The vectors are a hundred million times two fifty six dims times two bytes in float sixteen, about fifty gigs."
    assert CHECKER.arithmetic_errors(answer) == []


def test_a_b_after_a_multiplication_sign_is_bytes_per_value() -> None:
    assert [(q.value, q.kind) for q in quantities(words_to_digits("8 heads × 2 B ≈ 4 KB"))] == [
        (8.0, "count"),
        (2.0, "bytes"),
        (4000.0, "bytes"),
    ]
    assert quantities(words_to_digits("an 8B model"))[0].kind == "count"


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ("per token: 2 (K,V) × 32 layers × 8 kv heads × 128 dim × 2 B ≈ 131 KB", False),
        ("per token: 2 (K,V) × 8 kv heads × 128 dim × 2 B ≈ 4 KB", True),
    ],
)
def test_a_kv_cache_per_token_needs_every_layer_said_before(line: str, wrong: bool) -> None:
    answer = f"KV math:\n- 8B w/ GQA: 32 layers, 8 kv heads, head dim 128, fp16 cache\n- {line}"
    errors = CHECKER.arithmetic_errors(answer)
    assert bool(errors) is wrong
    if wrong:
        assert "32 layers" in errors[0].why and errors[0].quote in answer


def _constraint_errors(question: str, answer: str) -> list[str]:
    bank = QuestionBank.load(KNOWLEDGE)
    return [e.why for e in CHECKER.check(bank.get(question), None, answer) if e.kind == "constraint"]


@pytest.mark.parametrize(
    ("question", "answer", "wrong"),
    [
        (
            "search-ranking",
            "Each shard call gets a timeout inside the hundred milliseconds, and if one shard misses it we return "
            "an error and let the client retry, rather than rank partial results from the rest.",
            True,
        ),
        (
            "search-ranking",
            "Each shard call gets a timeout inside the hundred milliseconds, and if one shard misses it we rank the "
            "partial results from the rest rather than return an error.",
            False,
        ),
        (
            "music-recommendations",
            "If the autoplay ranker misses its hundred milliseconds, the client pauses after the current track and "
            "shows a retry prompt until the ranker recovers.",
            True,
        ),
        (
            "music-recommendations",
            "If that call fails or is slow, the player just carries on from the queue, so the music never stops.",
            False,
        ),
        (
            "dynamic-pricing",
            "If the pricing engine is down, the quote path returns no price until fresh data arrives.",
            True,
        ),
        (
            "dynamic-pricing",
            "If the pricing engine is down, the quote path uses the last good multiplier until fresh data arrives.",
            False,
        ),
    ],
)
def test_a_failure_passed_on_to_the_user_breaks_the_availability_target(
    question: str, answer: str, wrong: bool
) -> None:
    assert bool(_constraint_errors(question, answer)) is wrong


@pytest.mark.parametrize(
    ("revised", "wrong"), [("fifty-eight thousand", False), ("fifty-eight hundred", True)]
)
def test_a_result_taken_back_is_judged_by_the_one_said_instead(revised: str, wrong: bool) -> None:
    answer = (
        "Five hundred million daily users seeing about ten ad slots each is five billion requests a day. Over "
        f"eighty-six thousand four hundred seconds that's, call it fifty thousand a second, no, closer to {revised} "
        "on average."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(
    ("size", "wrong"),
    [
        ("thirteen, well, twelve point eight gigabytes", False),
        ("one point three, well, one point two eight terabytes", True),
    ],
)
def test_a_figure_revised_after_well_is_the_one_judged(size: str, wrong: bool) -> None:
    answer = f"So three point two billion numbers at four bytes, roughly {size} a night."
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


def test_a_part_of_a_cent_said_in_words_is_an_amount() -> None:
    said = words_to_digits("a third of a cent a turn, three-quarters of a cent in plus a fifth of a cent out")
    assert [(round(q.value, 5), q.kind) for q in quantities(said)] == [
        (0.00333, "money"),
        (0.0075, "money"),
        (0.002, "money"),
    ]


@pytest.mark.parametrize(
    ("blend", "wrong"), [("a third of a cent", False), ("five hundredths of a cent", True)]
)
def test_a_blend_mixes_prices_per_turn_not_the_daily_totals_said_before(blend: str, wrong: bool) -> None:
    answer = (
        "Call it a cent a turn on the large model, so three hundred thousand turns is about three thousand dollars a "
        "day. With seventy percent on the small model at about six hundredths of a cent, the blend is about "
        f"{blend} a turn."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("saved", "wrong"), [("eight", False), ("forty", True)])
def test_a_share_worked_out_with_every_operation_said_is_recomputed(saved: str, wrong: bool) -> None:
    answer = f"That saves forty percent times twelve over sixty, about {saved} percent of generated tokens."
    errors = CHECKER.arithmetic_errors(answer)
    assert bool(errors) is wrong
    if wrong:
        assert "8%" in errors[0].why


def test_a_share_said_without_its_operations_is_not_recomputed() -> None:
    # "a 70 percent hit rate, so 30 percent reach the models": the complement, with no operation said
    assert (
        CHECKER.arithmetic_errors("With a 70 percent hit rate, 30 percent of requests reach the models.")
        == []
    )
