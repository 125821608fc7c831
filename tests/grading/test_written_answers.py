"""Answers written and pasted in as Markdown: emphasis and code marks, bold lines and headings, numbered lists and
tables, read as what they say and quoted as written."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.grading.signals import split_sentences
from interviewer.grading.tables import table_reading, unmarked
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()

TABLE = """### Alerting

| Signal | Alert |
|---|---|
| Latency | {latency} > 200 ms for 10 min |
| Errors | burn rate on 99.95%; > 1% errors pages immediately |
"""


def _errors(question: str, answer: str) -> list[tuple[str, str | None, str]]:
    return [(e.kind, e.key_point_id, e.quote) for e in CHECKER.check(BANK.get(question), None, answer)]


def test_marks_are_blanked_out_keeping_the_length_and_a_bold_line_alone_is_a_heading() -> None:
    text = "**Cost check**\nWrites to `Redis` **every ten minutes**, *not* hourly; 500M * 5 = 2.5B."
    plain = unmarked(text)
    assert len(plain) == len(text)
    assert plain.startswith("# Cost check")
    assert "Redis" in plain and "`" not in plain and "**" not in plain
    assert "500M * 5" in plain  # a multiplication is not emphasis


def test_a_quote_from_a_marked_answer_is_the_answer_as_written() -> None:
    answer = "### Fan-out\n\n1. 500M posts/day × 200 followers ≈ 100B writes/day.\n2. 100B ÷ 86,400 ≈ **12,000 writes/s** on average."
    errors = CHECKER.arithmetic_errors(answer)
    assert [e.quote for e in errors] == ["100B ÷ 86,400 ≈ **12,000 writes/s** on average."]
    assert all(e.quote in answer for e in errors)


def test_a_list_number_ends_no_sentence_and_continues_no_calculation() -> None:
    answer = "1. 30M sessions × 4 loads × 20 restaurants = 2.4 billion ETAs a day.\n2. 2.4B ÷ 86,400 ≈ 28,000 ETAs/s.\n3. × 2.5 at dinner ≈ **70,000 ETAs/s** at peak."
    assert CHECKER.arithmetic_errors(answer) == []
    assert [s.text for s in split_sentences("1. Clicks are fast. Then more.\n2. Other.")] == [
        "1. Clicks are fast.",
        "Then more.",
        "Other.",
    ]


def test_a_table_row_is_read_with_its_header_and_the_header_claims_nothing() -> None:
    answer = TABLE.format(latency="mean latency")
    row = "| Latency | mean latency > 200 ms for 10 min |"
    assert (
        table_reading(answer, answer.index(row), row)
        == "Signal: Latency; Alert: mean latency > 200 ms for 10 min"
    )
    assert table_reading(answer, answer.index("| Signal"), "| Signal | Alert |") == ""
    assert table_reading(answer, 0, "### Alerting") is None
    assert [q for _, _, q in _errors("youtube-recommendations", answer)] == [row]
    # the tail in the same table, and paging on errors, are fine
    assert _errors("youtube-recommendations", TABLE.format(latency="p99 latency")) == []


@pytest.mark.parametrize(
    ("written", "wrong"),
    [
        ("**Pitfall I'd avoid:** reading propensities off the normal logs' CTR by position.", False),
        ("We read propensities off the normal logs' CTR by position.", True),
    ],
)
def test_a_pitfall_label_names_a_mistake_the_answer_avoids(written: str, wrong: bool) -> None:
    assert bool(_errors("search-ranking", written)) is wrong


def test_a_premise_drawn_on_before_so_excuses_nothing_but_a_rule_kept_does() -> None:
    anchored = "A recommendation is good when it works for both sides, so I'd anchor on applications submitted per active member."
    assert any(point == "two-sided-goal" for _, point, _ in _errors("job-recommendations", anchored))
    kept = "The paying customers' text is off limits, never logged or used for training, so for the API we only keep counts and latencies."
    assert _errors("translation-service", kept) == []


@pytest.mark.parametrize(
    ("written", "wrong"),
    [
        ("2. One GPU-day = 30K × 3,600 ≈ 108M tokens.", True),
        ("2. One GPU-day = 30K × 86,400 ≈ 2.6B tokens.", False),
        ("2. One GPU-hour = 30K × 3,600 ≈ 108M tokens.", False),
    ],
)
def test_a_day_worked_out_with_an_hours_seconds_is_caught(written: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(written)) is wrong


def test_a_part_said_not_to_need_a_key_point_declines_it() -> None:
    said = "I don't see the forecast needing quantiles of daily or lead-time demand."
    assert any(point == "quantiles-needed" for _, point, _ in _errors("demand-forecasting", said))


@pytest.mark.parametrize(
    ("said", "wrong"),
    [
        (
            "Over the day, that's four billion divided by thirty-six hundred, roughly 1.1 million a second.",
            True,
        ),
        (
            "Over the day, that's four billion divided by eighty-six thousand four hundred, roughly 46 thousand a second.",
            False,
        ),
        (
            "At the peak hour, 10 percent of the day's four billion divided by 3,600 is about 110 thousand a second.",
            False,
        ),
    ],
)
def test_a_day_spread_over_an_hours_seconds_is_caught_but_not_a_peak_hour(said: str, wrong: bool) -> None:
    assert bool(CHECKER.arithmetic_errors(said)) is wrong


def test_bits_are_an_eighth_of_a_byte() -> None:
    [size] = [q for q in quantities(words_to_digits("stored as eight bits a number")) if q.kind == "bytes"]
    assert (size.value, size.spoken) == (1.0, 8.0)
