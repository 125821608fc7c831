"""Arithmetic said the way people speak it: numbers in hundreds, units in words, sums, steps across sentences."""

from __future__ import annotations

import pytest

from interviewer.content.claims import Constraint
from interviewer.content.questions import Question, QuestionBank
from interviewer.grading.amounts import fmt
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.signals import split_sentences
from interviewer.grading.targets import breaks
from locations import KNOWLEDGE

CHECKER = ClaimChecker()


@pytest.fixture(scope="module")
def youtube() -> Question:
    return QuestionBank.load(KNOWLEDGE).get("youtube-recommendations")


def arithmetic(question: Question, text: str) -> list[str]:
    return [e.why for e in CHECKER.check(question, None, text) if e.kind == "arithmetic"]


@pytest.mark.parametrize(
    ("said", "value", "kind"),
    [
        ("seventeen fifty tokens", 1750.0, "count"),
        ("nineteen ninety-five", 1995.0, "count"),
        ("a hundred and twenty thousand a second", 120_000.0, "count"),
        ("eight-hour shifts", 8 * 3600.0, "duration"),
        ("two and a half gigabytes", 2.5e9, "bytes"),
        ("a hundred and twenty-eight bytes", 128.0, "bytes"),
        ("sixty gigabytes", 60e9, "bytes"),
        ("half a second", 0.5, "duration"),
    ],
)
def test_spoken_numbers_are_read_with_their_units(said: str, value: float, kind: str) -> None:
    [q] = quantities(words_to_digits(said))
    assert (q.value, q.kind) == (pytest.approx(value), kind)


def test_numbers_in_a_list_are_not_read_as_one() -> None:
    assert [q.value for q in quantities(words_to_digits("twenty thirty or forty"))] == [20, 30, 40]
    assert [q.value for q in quantities(words_to_digits("eleven twelve-hour shifts"))] == [11, 12 * 3600]


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        (
            "Two thousand moderators on eight-hour shifts at a hundred and fifty items an hour each comes to "
            "roughly twenty-four million reviews a day.",
            "Two thousand moderators on eight-hour shifts at a hundred and fifty items an hour each comes to "
            "roughly two point four million reviews a day.",
        ),
        (
            "Ten million active plus nine million new tracks at a hundred and twenty-eight bytes is around "
            "twenty-five gigabytes.",
            "Ten million active plus nine million new tracks at a hundred and twenty-eight bytes is around "
            "two and a half gigabytes.",
        ),
        (
            "So two thousand times twelve hundred, roughly twenty-four million reviews a day.",
            "So two thousand times twelve hundred, roughly two point four million reviews a day.",
        ),
        (
            "Ten cents per thousand emails times 51 million a day is about $500,000 a day.",
            "Ten cents per thousand emails times 51 million a day is about $5,100 a day.",
        ),
        # a number type names its size: float32 is four bytes, fp16 two
        (
            "Half a billion products at 384 dimensions in float32 is about 7.7 GB of vectors.",
            "Half a billion products at 384 dimensions in float32 is about 770 GB of vectors.",
        ),
        (
            "In fp16 a thirteen billion parameter model is about 260 GB of weights.",
            "In fp16 a thirteen billion parameter model is about 26 GB of weights.",
        ),
        # the rate one unit serves, said before the load it divides
        (
            "A replica handles about four hundred requests a second, and at peak we see forty thousand a "
            "second, so we need around a thousand replicas.",
            "A replica handles about four hundred requests a second, and at peak we see forty thousand a "
            "second, so we need around a hundred replicas.",
        ),
        # the period of an event, said before the count it divides
        (
            "Every courier phone reports its location every five seconds, and with two million couriers on "
            "shift that's ten million updates a second.",
            "Every courier phone reports its location every five seconds, and with two million couriers on "
            "shift that's four hundred thousand updates a second.",
        ),
        # "one percent" and "one byte" are numbers; "8-bit" names a type
        (
            "Spam is about one percent of 400 million posts, so roughly 400 thousand a day.",
            "Spam is about one percent of 400 million posts, so roughly 4 million a day.",
        ),
        (
            "Thirty million vectors of 256 dimensions at one byte each after 8-bit quantisation is about "
            "770 GB.",
            "Thirty million vectors of 256 dimensions at one byte each after 8-bit quantisation is about "
            "7.7 GB.",
        ),
        # a bare number restating a period said before, and a result set off by a comma
        (
            "Half a million scooters, each reporting every five seconds, works out to half a million times "
            "five, two and a half million updates a second.",
            "Half a million scooters, each reporting every five seconds, works out to half a million over "
            "five, a hundred thousand updates a second.",
        ),
        # a result after a colon
        (
            "Ninety billion tokens a day at about 2 billion per GPU-day: roughly four hundred and fifty GPUs.",
            "Ninety billion tokens a day at about 2 billion per GPU-day: roughly forty-five GPUs.",
        ),
        # "plus" after a pause still adds
        (
            "Five million users times twenty items is a hundred million rows, plus about fifty million for "
            "new items, so a billion and a half.",
            "Five million users times twenty items is a hundred million rows, plus about fifty million for "
            "new items, so a hundred and fifty million.",
        ),
        # a count said in passing and again inside the product is one factor
        (
            "A light model keeps five hundred of those, then seventy thousand times five hundred is about "
            "three and a half million scores a second.",
            "A light model keeps five hundred of those, then seventy thousand times five hundred is about "
            "thirty-five million scores a second.",
        ),
        # fractions of a percent, and a rate restated over another period
        (
            "Fifty million payments a day at a tenth of a percent fraud is about five million frauds a day.",
            "Fifty million payments a day at a tenth of a percent fraud is about fifty thousand frauds a day.",
        ),
        (
            "That's seven and a half million dollars of fraud a day, or roughly two hundred and seventy "
            "million a year.",
            "That's seven and a half million dollars of fraud a day, or roughly two point seven billion a "
            "year.",
        ),
        # a result said after a unit with a hedge, and a time said again in another unit
        (
            "The cache per token is two times thirty-two layers, times eight heads, times a hundred and "
            "twenty-eight dims, times two bytes, about thirteen kilobytes.",
            "The cache per token is two times thirty-two layers, times eight heads, times a hundred and "
            "twenty-eight dims, times two bytes, about a hundred and thirty kilobytes.",
        ),
        # frames from a per-item rate said the sentence before; GPU-seconds said again in GPU-hours
        (
            "At 500 frames a second per GPU, I'll sample two frames a second. Ten million videos a day at 30 "
            "seconds is then 600 million frames, or 1.2 million GPU-seconds, roughly 20,000 GPU-hours a day.",
            "At 500 frames a second per GPU, I'll sample two frames a second. Ten million videos a day at 30 "
            "seconds is then 600 million frames, or 1.2 million GPU-seconds, roughly 330 GPU-hours a day.",
        ),
        (
            "That's three million core-seconds, roughly eight core-hours.",
            "That's three million core-seconds, roughly eight hundred and thirty core-hours.",
        ),
        # "sampling one frame a second" is a rate of one
        (
            "Ten million videos of thirty seconds, sampling one frame a second, gives three billion frames a "
            "day.",
            "Ten million videos of thirty seconds, sampling one frame a second, gives three hundred million "
            "frames a day.",
        ),
    ],
)
def test_a_wrong_result_is_found_and_the_right_one_is_not(youtube: Question, wrong: str, right: str) -> None:
    assert arithmetic(youtube, wrong)
    assert arithmetic(youtube, right) == []


def test_a_price_is_multiplied_never_divided_into_dollars(youtube: Question) -> None:
    # 51 million / 1,000 / $0.10 would be 510,000: no reading divides by a price to give dollars.
    [why] = arithmetic(
        youtube, "Ten cents per thousand emails times 51 million a day is about $500,000 a day."
    )
    assert "5.1 thousand a day" in why


def test_a_step_spread_over_the_day_continues_from_the_sentence_before(youtube: Question) -> None:
    before = (
        "Five hundred million posts a day to two hundred followers each is a hundred billion writes a day."
    )
    wrong = arithmetic(
        youtube, f"{before} Spread over the day that's only about twelve thousand writes a second."
    )
    right = arithmetic(youtube, f"{before} Spread over the day that's about 1.2 million writes a second.")
    assert len(wrong) == 1 and "numbers stated here and just before" in wrong[0]
    assert right == []


def test_a_step_divided_by_seconds_continues_from_the_sentence_before(youtube: Question) -> None:
    before = "Two hundred and fifty million listeners open it four times a day, that's a billion requests."
    wrong = f"{before} Divided by roughly eighty-six thousand seconds, that's about a hundred and twenty thousand a second."
    right = f"{before} Divided by roughly eighty-six thousand seconds, that's about twelve thousand a second."
    assert arithmetic(youtube, wrong)
    assert arithmetic(youtube, right) == []


def test_a_capacity_said_beside_a_count_is_not_divided_into_it(youtube: Question) -> None:
    # "an eighty gig card" describes the card; 60 GB and 80 GB cannot give a count of sequences.
    text = "With about sixty gigabytes free on an eighty gig card, that's around two hundred and sixty sequences."
    assert arithmetic(youtube, text) == []


BUDGET = Constraint(kind="latency", says="Translations come back within 300 ms at p95.", max=300)


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        ("The server holds each batch open for up to half a second so it fills.", True),
        ("Dynamic batching with a two millisecond window keeps the GPUs busy.", False),
        ("The nightly batch job waits up to two hours for late data.", False),
        ("Waiting for a full batch could cost half a second, so I cap the wait at 5 ms.", False),
    ],
)
def test_a_batching_wait_over_the_budget_breaks_it(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, BUDGET) is not None) == broken


BEFORE_APPROVAL = Constraint(
    kind="ordering",
    says="Every payment is scored before it is approved.",
    subject=["score", "fraud"],
    before=["approv"],
)


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        (
            "The payment switch approves the payment first and publishes it to our fraud API asynchronously.",
            True,
        ),
        (
            "The switch sends it to our fraud API first and approves the payment once the score is back.",
            False,
        ),
        ("The switch approves the payment first and then logs it for analytics.", False),
    ],
)
def test_a_check_handed_off_after_approval_runs_too_late(sentence: str, broken: bool) -> None:
    assert (breaks(sentence, BEFORE_APPROVAL) is not None) == broken


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(KNOWLEDGE)


@pytest.mark.parametrize(
    ("question", "wrong", "right"),
    [
        # the right metric named only to be demoted does not excuse the wrong one
        (
            "job-recommendations",
            "I'd make applications per session the main metric, the more applies the better, and treat "
            "recruiter replies and hires as diagnostics only.",
            "I'd make applications that get a recruiter reply the main metric, with raw applies tracked.",
        ),
        # "skipped or not" sets skips aside
        (
            "music-recommendations",
            "So a positive is any track that starts playing, skipped or not.",
            "So a positive is a track that keeps playing past thirty seconds; an early skip is a negative.",
        ),
        # "rather than popular and trending videos": the fallback is contrasted away, not offered
        (
            "youtube-recommendations",
            "When the ranker times out the service returns an empty list, rather than popular and trending videos.",
            "When the ranker times out the service returns popular and trending videos for the region instead.",
        ),
    ],
)
def test_what_a_candidate_sets_aside_does_not_make_the_claim_right(
    bank: QuestionBank, question: str, wrong: str, right: str
) -> None:
    q = bank.get(question)
    assert {e.kind for e in CHECKER.check(q, None, wrong)} == {"claim"}
    assert [e for e in CHECKER.check(q, None, right) if e.kind == "claim"] == []


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        (
            "Quoting is four nines, so the budget is point zero one percent of a thirty-day month. A month is "
            "forty-three thousand two hundred minutes, so that gives us roughly seven hours of downtime.",
            True,
        ),
        (
            "Quoting is four nines, so the budget is point zero one percent of a thirty-day month. A month is "
            "forty-three thousand two hundred minutes, so that's about four minutes of downtime, total.",
            False,
        ),
        ("We need 99.95% availability. That allows about four hours of downtime a month.", True),
        ("We need 99.95% availability. That allows about twenty-two minutes of downtime a month.", False),
        ("The SLO is three nines. So roughly eight and a half hours of downtime a year.", False),
        ("The SLO is three nines. So roughly eight and a half minutes of downtime a year.", True),
        # no period named: nothing to check against
        ("The SLO is three nines. Each deploy causes about a minute of downtime.", False),
    ],
)
def test_downtime_is_checked_against_the_target_an_earlier_sentence_set(
    youtube: Question, answer: str, wrong: bool
) -> None:
    assert bool(arithmetic(youtube, answer)) == wrong


@pytest.mark.parametrize(
    ("said", "value", "kind"),
    [
        ("two and a half thousand sequences", 2500.0, "count"),
        ("a one and a half percent click rate", 0.015, "percent"),
        ("at point four percent", 0.004, "percent"),
    ],
)
def test_halves_and_decimals_said_without_digits(said: str, value: float, kind: str) -> None:
    [q] = quantities(words_to_digits(said))
    assert (q.value, q.kind) == (pytest.approx(value), kind)


def test_a_rate_per_gpu_day_is_counted_per_day() -> None:
    [q] = quantities(words_to_digits("about 1.7 billion tokens per GPU-day"))
    assert q.per_seconds == 86_400


@pytest.mark.parametrize(
    ("before", "wrong", "right"),
    [
        (  # a period ("every four seconds") divides; the bare numbers would multiply
            "",
            "Two million riders, each pinging every five seconds, is about ten million events a second.",
            "Two million riders, each pinging every five seconds, is about four hundred thousand events a second.",
        ),
        (  # the size per item from the sentence before
            "Each cached token takes about a hundred and thirty kilobytes.",
            "A two thousand token chat is roughly twenty-six megabytes per sequence.",
            "A two thousand token chat is roughly two hundred and sixty megabytes per sequence.",
        ),
        (  # the load from the sentence before, divided by what one replica serves
            "After the cache about forty thousand requests a second reach the ranker.",
            "If one replica serves four hundred a second, that works out to about a thousand replicas.",
            "If one replica serves four hundred a second, that works out to about a hundred replicas.",
        ),
        (  # the price, and its "per thousand", earlier in the sentence
            "",
            "Delivery costs twenty cents per thousand messages, and we send forty million a day, so about "
            "eighty dollars a day.",
            "Delivery costs twenty cents per thousand messages, and we send forty million a day, so about "
            "eight thousand dollars a day.",
        ),
        (  # "over that": the number the sentence before ended on
            "One GPU serves about two billion tokens per GPU-day.",
            "Eighty billion over that is roughly four hundred GPUs.",
            "Eighty billion over that is roughly forty GPUs.",
        ),
        (  # a scale stated in the formula the sentence before
            "Expected value per thousand impressions is the bid times the click rate times a thousand.",
            "A three dollar bid at a two percent click rate is worth six dollars.",
            "A three dollar bid at a two percent click rate is worth sixty dollars.",
        ),
    ],
)
def test_a_step_takes_what_its_result_needs_from_what_was_said_before(
    youtube: Question, before: str, wrong: str, right: str
) -> None:
    assert arithmetic(youtube, f"{before} {wrong}".strip())
    assert arithmetic(youtube, f"{before} {right}".strip()) == []


def test_a_fleet_may_divide_a_load_said_without_its_unit(youtube: Question) -> None:
    text = (
        "At sixty percent hits, thirty thousand of the seventy-five thousand requests a second reach the models. "
        "At five hundred a second per ranker that's sixty."
    )
    assert arithmetic(youtube, text) == []


def test_a_multiple_of_the_number_before_is_not_read_as_a_division(youtube: Question) -> None:
    text = (
        "Forty million payments a day over eighty-six thousand four hundred seconds is about four hundred and "
        "sixty a second. Evenings run about three times that, so around fourteen hundred a second."
    )
    assert arithmetic(youtube, text) == []


def test_a_result_from_a_number_said_before_says_so(youtube: Question) -> None:
    [why] = arithmetic(
        youtube,
        "Each cached token takes about a hundred and thirty kilobytes. "
        "A two thousand token chat is roughly twenty-six megabytes per sequence.",
    )
    assert "numbers stated here and just before" in why


def test_machine_time_said_before_divides_by_the_cores(youtube: Question) -> None:
    before = (
        "Scoring is two billion rows, and a core does about ten thousand rows a second, which is two hundred "
        "thousand core-seconds, about fifty-five core-hours. "
    )
    assert arithmetic(youtube, before + "On sixty-four cores that's a bit under an hour.") == []
    assert arithmetic(
        youtube, before + "On sixty-four cores that's around nine hours, too slow for the night."
    )


def test_a_day_is_spread_over_a_days_seconds_unless_the_busy_part_is_named(youtube: Question) -> None:
    before = "Two hundred million users opening the app five times is a billion sessions a day. "
    assert arithmetic(
        youtube, before + "Spread over the thirty-six hundred seconds, that's about 280 thousand a second."
    )
    assert arithmetic(youtube, before + "Spread over the day, that's roughly twelve thousand a second.") == []
    assert (
        arithmetic(
            youtube,
            before + "Spread over the busy thirty-six hundred seconds, that's about 280 thousand a second.",
        )
        == []
    )


def test_a_vague_number_is_not_a_factor(youtube: Question) -> None:
    before = "Three billion rows in all. "
    text = "A few hundred trees score about fifteen thousand rows a second per core, which is 200 thousand core-seconds."
    assert arithmetic(youtube, before + text) == []


def test_a_price_per_million_tokens_is_a_price(youtube: Question) -> None:
    text = "That's 400 million input tokens at $3 a million, about {}, so the input side is cheap."
    assert arithmetic(youtube, text.format("$120"))
    assert arithmetic(youtube, text.format("$1,200")) == []


def test_a_price_per_thousand_takes_the_volume_said_before_it(youtube: Question) -> None:
    text = (
        "We send twenty million emails a day, and at ten cents per thousand that comes to roughly {} a day."
    )
    assert arithmetic(youtube, text.format("$200"))
    assert arithmetic(youtube, text.format("$2,000")) == []


def test_a_clause_opening_with_over_continues_from_the_clause_before(youtube: Question) -> None:
    text = "That is 40 billion writes a day; over 86,400 seconds that's about {} writes a second."
    assert arithmetic(youtube, text.format("forty-six thousand"))
    assert arithmetic(youtube, text.format("four hundred and sixty thousand")) == []


def test_a_result_that_opens_the_next_sentence_completes_the_operation_before_it(youtube: Question) -> None:
    said = (
        "If a light model keeps five hundred for the heavy one, that's seventy thousand times five hundred."
    )
    [why] = arithmetic(youtube, f"{said} So roughly three and a half million heavy scores a second.")
    assert "35 million a second" in why
    assert arithmetic(youtube, f"{said} So roughly thirty-five million heavy scores a second.") == []
    # a sentence that only opens with "so" is not the result of the operation before
    assert arithmetic(youtube, f"{said} So an advertiser bidding two dollars is worth it.") == []


def test_an_error_in_time_is_said_in_the_unit_the_candidate_used(youtube: Question) -> None:
    [why] = arithmetic(youtube, "That's three million core-seconds, roughly eight core-hours.")
    assert "833 hours, not 8 hours" in why


def test_a_new_estimate_after_a_long_aside_does_not_multiply_what_came_before(youtube: Question) -> None:
    said = (
        "With three regions and copies per language family, call it four hundred and fifty GPUs at two "
        "dollars an hour, about six hundred and sixty thousand a month."
    )
    assert arithmetic(youtube, said) == []


def test_a_factor_that_counts_the_days_is_the_period_conversion(youtube: Question) -> None:
    before = "So that's forty-five thousand dollars a day."
    assert arithmetic(youtube, f"{before} Times thirty that's about 1.35 million a month.") == []
    assert arithmetic(youtube, f"{before} Times thirty that's about 40 million a month.")


def test_a_range_and_a_ratio_to_a_budget_are_not_results(youtube: Question) -> None:
    said = (
        "The exchange drops anything after a hundred milliseconds, and that hundred includes the round trip "
        "over the network, which eats fifty or sixty of it."
    )
    assert arithmetic(youtube, said) == []
    cost = (
        "Times three hundred thousand turns a day, that's about $3,700 a day, nearly four times the budget."
    )
    assert arithmetic(youtube, f"That's about one and a quarter cents a turn. {cost}") == []


def test_a_fleet_sized_over_a_count_of_candidates_takes_the_load_said_before(youtube: Question) -> None:
    before = "Forty percent of the fifty thousand peak, twenty thousand a second, reaches the models."
    said = (
        "If one ranking instance handles two hundred and fifty requests a second over a thousand "
        "candidates, that's {} rankers for the cached load."
    )
    assert arithmetic(youtube, f"{before} {said.format('eighty')}") == []
    [why] = arithmetic(youtube, f"{before} {said.format('eight hundred')}")
    assert "80" in why


def test_an_amount_needed_and_said_again_in_another_unit_is_a_conversion(youtube: Question) -> None:
    said = "A light model doing a million scores per core-second needs three million core-seconds, about {}."
    assert arithmetic(youtube, said.format("830 core-hours")) == []
    [why] = arithmetic(youtube, said.format("fifty thousand core-hours"))
    assert "833 hours, not 50 thousand hours" in why


def test_an_amount_is_said_back_without_an_exponent() -> None:
    assert [fmt(x) for x in (50_000.0, 999.9, 1e15, 0.25, 83.33)] == [
        "50 thousand",
        "1,000",
        "1,000 trillion",
        "0.25",
        "83.3",
    ]


def test_a_product_set_off_by_a_comma_is_its_result(youtube: Question) -> None:
    said = (
        "That's five hundred million posts a day times about two hundred followers, {} inbox writes a day, "
        "which is about 1.2 million writes a second."
    )
    assert arithmetic(youtube, said.format("a hundred billion")) == []
    assert arithmetic(youtube, said.format("ten billion"))


def test_what_gets_past_a_cache_is_the_share_it_misses(youtube: Question) -> None:
    said = (
        "Say a three-minute cache hits seventy percent of the fifty thousand peak requests a second, so {} a "
        "second reach the models."
    )
    assert arithmetic(youtube, said.format("fifteen thousand")) == []
    assert arithmetic(youtube, said.format("a hundred and fifty thousand"))


def test_a_number_set_aside_and_a_rate_said_over_two_periods_are_one_input(youtube: Question) -> None:
    before = "I'll take fifty tokens per request rather than sixty, so a billion requests is fifty billion tokens a day."
    assert arithmetic(youtube, before) == []
    said = "A GPU at fifteen thousand tokens a second does about 1.3 billion a day, so roughly {} GPUs on average."
    assert arithmetic(youtube, f"{before} {said.format('thirty-nine')}") == []
    assert arithmetic(youtube, f"{before} {said.format('four hundred')}")


def test_a_margin_left_unsaid_may_explain_a_larger_result_but_not_a_smaller_one(youtube: Question) -> None:
    said = "Eighty GPUs at peak times three regions with headroom, that's about {} GPUs."
    assert arithmetic(youtube, said.format("three hundred")) == []
    assert arithmetic(youtube, said.format("five"))


def _bank_question(qid: str) -> Question:
    return QuestionBank.load(KNOWLEDGE).get(qid)


@pytest.mark.parametrize(
    ("qid", "right", "wrong"),
    [
        (  # a rate said "at peak" may be about twice the day's average
            "feed-ranking",
            "Three hundred million daily users opening ten times a day gives about seventy thousand requests a "
            "second at peak.",
            "Three hundred million daily users opening ten times a day gives about seven hundred thousand "
            "requests a second at peak.",
        ),
        (  # two costs said in turn, then their total over the same period
            "translation-service",
            "Sixty billion input tokens a day at fifteen cents per million is about nine thousand dollars, and "
            "sixty billion output at sixty cents is thirty-six thousand, so forty-five thousand dollars a day.",
            "Sixty billion input tokens a day at fifteen cents per million is about nine thousand dollars, and "
            "sixty billion output at sixty cents is thirty-six thousand, so forty-five thousand dollars a month "
            "in total.",
        ),
        (  # a window said again in seconds, then the amount spread over it
            "email-recommendations",
            "That's twenty million emails to hand over inside a four-hour window, which is fourteen thousand four "
            "hundred seconds, so roughly fourteen hundred a second.",
            "That's twenty million emails to hand over inside a four-hour window, which is fourteen thousand four "
            "hundred seconds, so roughly fourteen thousand a second.",
        ),
        (  # "A plus B divided by N": the division binds first
            "email-recommendations",
            "Forty million daily plus eighty million weekly divided by seven is about fifty-one million digests "
            "a day.",
            "Forty million daily plus eighty million weekly divided by seven is about five million digests a day.",
        ),
        (  # a time said again as a bound: checked only when the bound is broken
            "demand-forecasting",
            "On sixty-four cores that's ten thousand seconds, under three hours, which fits the four-hour window.",
            "On sixty-four cores that's ten thousand seconds, well under a quarter of an hour, which fits the "
            "four-hour window.",
        ),
        (  # a cost worked out from a daily count is a daily cost: said again "a month", it is thirty times more
            "email-recommendations",
            "That's about fifty-one million digests a day. At ten cents per thousand emails that's about five "
            "thousand one hundred dollars, so roughly a hundred and fifty thousand a month.",
            "That's about fifty-one million digests a day. At ten cents per thousand emails that's about five "
            "thousand one hundred dollars, so roughly five thousand a month.",
        ),
        (  # with no rate said, "thirty seconds times two frames" counts two frames a second
            "content-moderation",
            "Ten million videos times thirty seconds times two frames is 600 million frames a day.",
            "Ten million videos times thirty seconds times two frames is 60 million frames a day.",
        ),
        (  # a window said in hours, then divided by as a bare number of minutes, for a rate per second
            "email-recommendations",
            "About 17 million emails go out in a 4 hour window. That's 17 million over 240 minutes, roughly 70 "
            "thousand a minute.",
            "About 17 million emails go out in a 4 hour window. That's 17 million over 240, roughly 70 thousand a "
            "second.",
        ),
        (  # a price said as "a cent and a quarter" carries into the next sentence
            "support-chatbot-rag",
            "That's about a cent and a quarter a turn. Three hundred thousand turns a day is around three thousand "
            "seven hundred dollars a day.",
            "That's about a cent and a quarter a turn. Three hundred thousand turns a day is around twelve "
            "hundred and fifty dollars a day.",
        ),
        (  # a count from a size: the free memory over one sequence's size said before, not over the card
            "llm-serving-platform",
            "An average sequence is 1,750 tokens, so roughly 230 MB. The weights take 16 GB, so about 60 GB of an "
            "80 GB card is free, which fits about 260 concurrent sequences.",
            "An average sequence is 1,750 tokens, so roughly 230 MB. The weights take 16 GB, so about 60 GB of an "
            "80 GB card is free, which fits only about 26 concurrent sequences.",
        ),
        (  # a per-request count times the load said before: multiplied, never divided
            "ad-serving",
            "At a hundred thousand requests a second, a light model does a hundred million scores a second. Only "
            "the top hundred per request go to the heavy model, so about ten million heavy scores a second.",
            "At a hundred thousand requests a second, a light model does a hundred million scores a second. Only "
            "the top hundred per request go to the heavy model, so about a million heavy scores a second.",
        ),
        (  # a factor said earlier is not used to undo the operation the candidate said
            "ad-serving",
            "At a hundred thousand requests a second with a thousand eligible ads each, the light model is busy. "
            "If the top hundred per request reach the heavy model, that's 100K times 100, about ten million.",
            "At a hundred thousand requests a second with a thousand eligible ads each, the light model is busy. "
            "If the top hundred per request reach the heavy model, that's 100K times 100, about a million.",
        ),
        (  # Little's law in bare numbers: a rate a second times minutes
            "eta-prediction",
            "Five million orders a day is about fifty-eight a second, say a hundred and seventy-five at peak. With "
            "forty minutes per delivery, that's 175 times 40 minutes, 175 times 2,400 seconds, about 420 thousand "
            "in flight.",
            "Five million orders a day is about fifty-eight a second, say a hundred and seventy-five at peak. With "
            "forty minutes per delivery, that's 175 times 40, around seven thousand orders in flight.",
        ),
        (  # a product over a day's count, said again per second
            "feed-ranking",
            "Five hundred million posts a day times three hundred is a hundred and fifty billion inbox writes, "
            "about 1.7 million writes a second on average.",
            "Five hundred million posts a day times three hundred is a hundred and fifty billion inbox writes, "
            "about 170 thousand writes a second on average.",
        ),
        (  # "a day has 86,400 seconds, so that averages ...": the count said before, over the day
            "feed-ranking",
            "That's three billion requests a day. A day has 86,400 seconds, so that averages about 35 thousand a "
            "second.",
            "That's three billion requests a day. A day has 86,400 seconds, so that averages about 3,500 a second.",
        ),
        (  # a count said again after a comma is one input; "one and a quarter cents" is read
            "support-chatbot-rag",
            "At four thousand input tokens a turn, four thousand at $2.50 per million is one cent, plus a quarter "
            "of a cent out: about one and a quarter cents a turn. Three hundred thousand turns a day is about "
            "3,750 dollars a day.",
            "At four thousand input tokens a turn, four thousand at $2.50 per million is one cent, plus a quarter "
            "of a cent out: about one and a quarter cents a turn. Three hundred thousand turns a day is about "
            "375 dollars a day.",
        ),
        (  # a backlog: the rate said before, over the time a consumer stalls
            "dynamic-pricing",
            "A million drivers each send an update every four seconds, which is 250 thousand events a second. If "
            "a consumer stalls for two minutes, the backlog is around thirty million events.",
            "A million drivers each send an update every four seconds, which is 250 thousand events a second. If "
            "a consumer stalls for two minutes, the backlog is only around five hundred thousand events.",
        ),
        (  # "of N, only M still reach": the share that gets through
            "search-ranking",
            "Forty percent times eighty-five percent is thirty-four percent of traffic served from cache, so of "
            "twenty thousand queries a second at peak, about thirteen thousand still reach ranking.",
            "Forty percent times eighty-five percent is thirty-four percent of traffic served from cache, so of "
            "twenty thousand queries a second at peak, only about seven hundred still reach ranking.",
        ),
        (  # "A plus B spread over seven days": the spreading binds first
            "email-recommendations",
            "Forty million daily subscribers plus eighty million weekly ones spread over seven days is about "
            "fifty-one million digests a day.",
            "Forty million daily subscribers plus eighty million weekly ones spread over seven days is about "
            "five million digests a day.",
        ),
        (  # a break-even threshold: p x 150 > (1 - p) x 20 solves to 20/170
            "fraud-detection",
            "We decline when p times a hundred and fifty is more than one minus p times twenty, which solves to "
            "p above twenty over a hundred and seventy, roughly twelve percent.",
            "We decline when p times a hundred and fifty is more than one minus p times twenty, which solves to "
            "p above a hundred and fifty over a hundred and seventy, roughly eighty-eight percent.",
        ),
        (  # "one in a thousand" is a share
            "fraud-detection",
            "Fraud is about one in a thousand of fifty million transactions a day, so fifty thousand attempts daily.",
            "Fraud is about one in a thousand of fifty million transactions a day, so half a million attempts daily.",
        ),
        (  # a day's seconds said bare divide a daily count once
            "movie-recommendations",
            "Four hundred million loads a day. Divide by 86,400: about 4.6 thousand a second.",
            "Four hundred million loads a day. Divide by 86,400: about 46 thousand a second.",
        ),
        (  # a weekly addend spread over its own days
            "email-recommendations",
            "Forty million daily plus eighty million weekly over 7, about 51 million digests a day.",
            "Forty million daily plus eighty million weekly over 7, about 17 million digests a day.",
        ),
        (  # a price per machine-hour costs the machines said before
            "translation-service",
            "Copies per region and headroom come to around 300 GPUs; at two dollars an hour that's about 440 "
            "thousand a month.",
            "Copies per region and headroom come to around 300 GPUs; at two dollars an hour that's about 44 "
            "thousand a month.",
        ),
        (  # "each one" multiplies the requests just counted
            "youtube-recommendations",
            "Twenty thousand requests a second need ranking. Each one scores about a thousand candidates, that's "
            "twenty million scores a second.",
            "Twenty thousand requests a second need ranking. Each one scores about a thousand candidates, that's "
            "two million scores a second.",
        ),
        (  # a fleet size alone divides the load said before
            "youtube-recommendations",
            "We score twenty million candidates a second. Across two hundred ranking boxes, that's a hundred "
            "thousand scores a second per box.",
            "We score twenty million candidates a second. Across two hundred ranking boxes, that's ten thousand "
            "scores a second per box.",
        ),
        (  # a period's seconds said in passing; "so one GPU does" opens the result
            "translation-service",
            "A GPU does twenty thousand tokens a second, and a day's got 86,400 seconds, so one GPU does about "
            "1.7 billion tokens a day.",
            "A GPU does twenty thousand tokens a second, and a day's got 86,400 seconds, so one GPU does about "
            "170 million tokens a day.",
        ),
    ],
)
def test_spoken_shortcuts_in_a_derivation_are_read_as_meant(qid: str, right: str, wrong: str) -> None:
    question = _bank_question(qid)
    assert arithmetic(question, right) == []
    assert arithmetic(question, wrong)


def test_money_said_as_a_fraction_of_a_unit_is_read() -> None:
    assert [(q.value, q.kind) for q in quantities(words_to_digits("about a cent and a quarter a turn"))] == [
        (0.0125, "money")
    ]
    assert [(q.value, q.kind) for q in quantities(words_to_digits("half a cent per email"))] == [
        (0.005, "money")
    ]


def test_a_later_sound_sum_of_other_numbers_does_not_put_an_earlier_slip_right() -> None:
    slip = (
        "Twenty-five million requests a day at 1,500 tokens is 37.5 billion tokens a day, about 43 thousand a "
        "second."
    )
    other = " Output is 6.25 billion tokens a day, around 72 thousand a second, so output is actually bigger."
    redo = " Actually, let me redo that: 37.5 billion over 86,400 seconds is about 434 thousand a second."
    [error] = [e for e in CHECKER.arithmetic_errors(slip + other) if e.quote.startswith("Twenty-five")]
    assert not error.corrected
    [error] = [e for e in CHECKER.arithmetic_errors(slip + redo) if e.quote.startswith("Twenty-five")]
    assert error.corrected


def test_a_size_with_a_word_on_how_much_is_usable_keeps_its_unit() -> None:
    assert [(q.value, q.kind) for q in quantities(words_to_digits("sixty free gigabytes"))] == [
        (60e9, "bytes")
    ]
    assert [(q.value, q.kind) for q in quantities(words_to_digits("three quarters of a cent"))] == [
        (0.0075, "money")
    ]


def test_a_ratio_of_headroom_and_a_machine_count_are_not_results(youtube: Question) -> None:
    assert (
        arithmetic(
            youtube,
            "The cache takes the normal load down to twenty thousand, so that's two and a half times headroom.",
        )
        == []
    )
    assert (
        arithmetic(
            youtube,
            "A GPU doing about a thousand frames a second means three hundred thousand GPU-seconds, which is "
            "around eighty-three GPU-hours, so four GPUs around the clock.",
        )
        == []
    )


@pytest.mark.parametrize(
    ("slip", "right"),
    [
        (
            "Twenty-five million requests a day, fifteen hundred prompt tokens each, so that's... 3.75 billion "
            "input tokens a day.",
            "Twenty-five million requests a day, fifteen hundred prompt tokens each, so that's... 37.5 billion "
            "input tokens a day.",
        ),
        (
            "That's a hundred billion inbox writes a day. Per second, divide by 86,400... roughly twelve "
            "thousand writes a second.",
            "That's a hundred billion inbox writes a day. Per second, divide by 86,400... roughly 1.2 million "
            "writes a second.",
        ),
    ],
)
def test_a_spoken_pause_inside_a_derivation_ends_no_sentence(
    youtube: Question, slip: str, right: str
) -> None:
    assert arithmetic(youtube, slip)
    assert not arithmetic(youtube, right)


def test_a_pause_before_a_capital_still_ends_the_sentence() -> None:
    said = [
        s.text for s in split_sentences("We could shard it... Then again, one box may do. So that's... fine.")
    ]
    assert said == ["We could shard it...", "Then again, one box may do.", "So that's... fine."]


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "Seven and a half million dollars a day are attempted, which over a year is about two point seven billion.",
            False,
        ),
        (
            "Seven and a half million dollars a day are attempted, which over a year is about two hundred and seventy million.",
            True,
        ),
        (
            "Fifty million payments a day, and we may decline at most 0.3 percent of the good ones, which works out to about a hundred and fifty thousand a day.",
            False,
        ),
        (
            "Fifty million payments a day, and we may decline at most 0.3 percent of the good ones, which works out to about fifty thousand a day.",
            True,
        ),
    ],
)
def test_a_period_said_before_its_result_and_a_share_of_an_amount_said_before(said: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(said)) is wrong


@pytest.mark.parametrize(
    ("worth", "wrong"),
    [
        ("about 27 million dollars a year", False),
        ("about 2.7 million dollars a year", True),
        ("roughly $270K a year", True),
    ],
)
def test_a_point_of_recall_is_one_percent_of_the_amount_at_stake_not_of_the_losses(
    worth: str, wrong: bool
) -> None:
    answer = (
        "Fifty thousand frauds a day at $150 each is $7.5M attempted a day, about 2.7 billion dollars a year. "
        f"We still lose 250 million dollars, so each extra point of recall is worth {worth}."
    )
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong


@pytest.mark.parametrize(("seconds", "wrong"), [("fifty-six", False), ("seven", True)])
def test_a_link_said_after_the_transfer_time_it_gives_is_an_input(seconds: str, wrong: bool) -> None:
    answer = f"The weights are about seventy gigabytes, so roughly {seconds} seconds over a ten-gigabit link at line rate."
    assert bool(CHECKER.arithmetic_errors(answer)) is wrong
