"""The second held-out set of minimal pairs keeps the rules its README states (tests/data/judgement/README.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from locations import KNOWLEDGE, TEST_DATA

JUDGEMENT = TEST_DATA / "judgement"
PHASES = {"requirements", "architecture", "deep_dive", "issues", "optimization"}
KINDS = {"objective", "arithmetic", "constraint", "method", "negation", "valid-alternative"}


def _pairs(name: str) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = yaml.safe_load((JUDGEMENT / name).read_text(encoding="utf-8"))["pairs"]
    return pairs


FRESH = _pairs("minimal_pairs_fresh.yaml")


def _texts(pair: dict[str, Any]) -> tuple[str, str]:
    if pair["kind"] == "valid-alternative":
        return pair["a"], pair["b"]
    return pair["right"], pair["wrong"]


def test_fresh_set_is_all_held_out_and_covers_every_phase_and_kind() -> None:
    assert len(FRESH) >= 40
    assert {p["split"] for p in FRESH} == {"heldout"}
    assert {p["phase"] for p in FRESH} == PHASES
    assert {p["kind"] for p in FRESH} == KINDS
    assert len({p["question"] for p in FRESH}) >= 12
    assert 4 <= Counter(p["kind"] for p in FRESH)["valid-alternative"] <= 7


def test_pair_ids_are_unique_across_both_pair_files() -> None:
    fresh_ids = [p["id"] for p in FRESH]
    assert len(set(fresh_ids)) == len(fresh_ids)
    assert not set(fresh_ids) & {p["id"] for p in _pairs("minimal_pairs.yaml")}


@pytest.mark.parametrize("pair", FRESH, ids=[p["id"] for p in FRESH])
def test_both_answers_are_spoken_length_and_within_fifteen_percent_of_each_other(
    pair: dict[str, Any],
) -> None:
    first, second = (len(text.split()) for text in _texts(pair))
    assert 40 <= first <= 120 and 40 <= second <= 120
    assert abs(first - second) <= 0.15 * min(first, second)


@pytest.mark.parametrize("pair", FRESH, ids=[p["id"] for p in FRESH])
def test_each_pair_names_a_real_question_and_its_hidden_fact_topics(pair: dict[str, Any]) -> None:
    question = yaml.safe_load(
        (KNOWLEDGE / "questions" / f"{pair['question']}.yaml").read_text(encoding="utf-8")
    )
    assert set(pair["revealed"]) <= {fact["topic"] for fact in question["hidden_facts"]}
    assert pair["phase"] in question["phases"]


@pytest.mark.parametrize(
    "pair", [p for p in FRESH if p["kind"] != "valid-alternative"], ids=lambda p: p["id"]
)
def test_the_error_quote_is_in_the_wrong_answer_only_and_the_labels_order_the_pair(
    pair: dict[str, Any],
) -> None:
    assert pair["error_quote"] in pair["wrong"]
    assert pair["error_quote"] not in pair["right"]
    assert pair["label_right"] >= 3
    assert pair["label_wrong"] <= 2
    assert pair["why"].strip()


@pytest.mark.parametrize("pair", [p for p in FRESH if p["kind"] == "arithmetic"], ids=lambda p: p["id"])
def test_arithmetic_pairs_are_off_by_more_than_twice(pair: dict[str, Any]) -> None:
    assert float(pair["true_value"]) > 0
    assert float(pair["error_factor"]) > 2


def test_valid_alternatives_are_both_labelled_right() -> None:
    for pair in (p for p in FRESH if p["kind"] == "valid-alternative"):
        assert pair["label_a"] >= 3 and pair["label_b"] >= 3, pair["id"]


def test_answer_length_alone_cannot_order_the_fresh_set() -> None:
    longer = Counter(
        "right" if len(p["right"].split()) > len(p["wrong"].split()) else "wrong"
        for p in FRESH
        if p["kind"] != "valid-alternative" and len(p["right"].split()) != len(p["wrong"].split())
    )
    assert abs(longer["right"] - longer["wrong"]) <= 3
