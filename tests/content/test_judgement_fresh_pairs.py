"""The held-out judgement sets keep the rules their README states (tests/data/judgement/README.md).

The second set of minimal pairs (minimal_pairs_fresh.yaml) and the later ones (minimal_pairs_third.yaml to
minimal_pairs_thirtieth.yaml, minimal_pairs_thirtyfirst.yaml, minimal_pairs_thirtysecond.yaml, minimal_pairs_thirtythird.yaml, minimal_pairs_thirtyfourth.yaml, minimal_pairs_thirtyfifth.yaml, minimal_pairs_thirtysixth.yaml, minimal_pairs_thirtyseventh.yaml, minimal_pairs_thirtyeighth.yaml, minimal_pairs_thirtyninth.yaml, minimal_pairs_fortieth.yaml, minimal_pairs_fortyfirst.yaml, minimal_pairs_fortysecond.yaml, minimal_pairs_fortythird.yaml) follow the same rules; the third set's injection answers (injection_defence_third.yaml) follow those of injection_defence.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
import yaml

from locations import KNOWLEDGE, TEST_DATA

JUDGEMENT = TEST_DATA / "judgement"
PHASES = {"requirements", "architecture", "deep_dive", "issues", "optimization"}
KINDS = {"objective", "arithmetic", "constraint", "method", "negation", "valid-alternative"}
QUESTIONS = {path.stem for path in (KNOWLEDGE / "questions").glob("*.yaml")}


def _pairs(name: str) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = yaml.safe_load((JUDGEMENT / name).read_text(encoding="utf-8"))["pairs"]
    return pairs


def _answers(name: str) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = yaml.safe_load((JUDGEMENT / name).read_text(encoding="utf-8"))["answers"]
    return answers


FRESH = _pairs("minimal_pairs_fresh.yaml")
THIRD = _pairs("minimal_pairs_third.yaml")
FOURTH = _pairs("minimal_pairs_fourth.yaml")
FIFTH = _pairs("minimal_pairs_fifth.yaml")
SIXTH = _pairs("minimal_pairs_sixth.yaml")
SEVENTH = _pairs("minimal_pairs_seventh.yaml")
EIGHTH = _pairs("minimal_pairs_eighth.yaml")
NINTH = _pairs("minimal_pairs_ninth.yaml")
TENTH = _pairs("minimal_pairs_tenth.yaml")
ELEVENTH = _pairs("minimal_pairs_eleventh.yaml")
TWELFTH = _pairs("minimal_pairs_twelfth.yaml")
THIRTEENTH = _pairs("minimal_pairs_thirteenth.yaml")
FOURTEENTH = _pairs("minimal_pairs_fourteenth.yaml")
FIFTEENTH = _pairs("minimal_pairs_fifteenth.yaml")
SIXTEENTH = _pairs("minimal_pairs_sixteenth.yaml")
SEVENTEENTH = _pairs("minimal_pairs_seventeenth.yaml")
EIGHTEENTH = _pairs("minimal_pairs_eighteenth.yaml")
NINETEENTH = _pairs("minimal_pairs_nineteenth.yaml")
TWENTIETH = _pairs("minimal_pairs_twentieth.yaml")
TWENTYFIRST = _pairs("minimal_pairs_twentyfirst.yaml")
TWENTYSECOND = _pairs("minimal_pairs_twentysecond.yaml")
TWENTYTHIRD = _pairs("minimal_pairs_twentythird.yaml")
TWENTYFOURTH = _pairs("minimal_pairs_twentyfourth.yaml")
TWENTYFIFTH = _pairs("minimal_pairs_twentyfifth.yaml")
TWENTYSIXTH = _pairs("minimal_pairs_twentysixth.yaml")
TWENTYSEVENTH = _pairs("minimal_pairs_twentyseventh.yaml")
TWENTYEIGHTH = _pairs("minimal_pairs_twentyeighth.yaml")
TWENTYNINTH = _pairs("minimal_pairs_twentyninth.yaml")
THIRTIETH = _pairs("minimal_pairs_thirtieth.yaml")
THIRTYFIRST = _pairs("minimal_pairs_thirtyfirst.yaml")
THIRTYSECOND = _pairs("minimal_pairs_thirtysecond.yaml")
THIRTYTHIRD = _pairs("minimal_pairs_thirtythird.yaml")
THIRTYFOURTH = _pairs("minimal_pairs_thirtyfourth.yaml")
THIRTYFIFTH = _pairs("minimal_pairs_thirtyfifth.yaml")
THIRTYSIXTH = _pairs("minimal_pairs_thirtysixth.yaml")
THIRTYSEVENTH = _pairs("minimal_pairs_thirtyseventh.yaml")
THIRTYEIGHTH = _pairs("minimal_pairs_thirtyeighth.yaml")
THIRTYNINTH = _pairs("minimal_pairs_thirtyninth.yaml")
FORTIETH = _pairs("minimal_pairs_fortieth.yaml")
FORTYFIRST = _pairs("minimal_pairs_fortyfirst.yaml")
FORTYSECOND = _pairs("minimal_pairs_fortysecond.yaml")
FORTYTHIRD = _pairs("minimal_pairs_fortythird.yaml")
HELD_OUT = (
    FRESH
    + THIRD
    + FOURTH
    + FIFTH
    + SIXTH
    + SEVENTH
    + EIGHTH
    + NINTH
    + TENTH
    + ELEVENTH
    + TWELFTH
    + THIRTEENTH
    + FOURTEENTH
    + FIFTEENTH
    + SIXTEENTH
    + SEVENTEENTH
    + EIGHTEENTH
    + NINETEENTH
    + TWENTIETH
    + TWENTYFIRST
    + TWENTYSECOND
    + TWENTYTHIRD
    + TWENTYFOURTH
    + TWENTYFIFTH
    + TWENTYSIXTH
    + TWENTYSEVENTH
    + TWENTYEIGHTH
    + TWENTYNINTH
    + THIRTIETH
    + THIRTYFIRST
    + THIRTYSECOND
    + THIRTYTHIRD
    + THIRTYFOURTH
    + THIRTYFIFTH
    + THIRTYSIXTH
    + THIRTYSEVENTH
    + THIRTYEIGHTH
    + THIRTYNINTH
    + FORTIETH
    + FORTYFIRST
    + FORTYSECOND
    + FORTYTHIRD
)
INJECTION_THIRD = _answers("injection_defence_third.yaml")


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


@pytest.mark.parametrize(
    ("prefix", "pairs"),
    [
        ("t-", THIRD),
        ("q-", FOURTH),
        ("v-", FIFTH),
        ("w-", SIXTH),
        ("x-", SEVENTH),
        ("y-", EIGHTH),
        ("z-", NINTH),
        ("k-", TENTH),
        ("m-", ELEVENTH),
        ("n-", TWELFTH),
        ("p-", THIRTEENTH),
        ("r-", FOURTEENTH),
        ("u-", FIFTEENTH),
        ("g-", SIXTEENTH),
        ("h-", SEVENTEENTH),
        ("j-", EIGHTEENTH),
        ("b-", NINETEENTH),
        ("c-", TWENTIETH),
        ("d-", TWENTYFIRST),
        ("e-", TWENTYSECOND),
        ("a-", TWENTYTHIRD),
        ("i-", TWENTYFOURTH),
        ("o-", TWENTYFIFTH),
        ("l-", TWENTYSIXTH),
        ("s-", TWENTYSEVENTH),
        ("aa-", TWENTYEIGHTH),
        ("bb-", TWENTYNINTH),
        ("cc-", THIRTIETH),
        ("dd-", THIRTYFIRST),
        ("ee-", THIRTYSECOND),
        ("ff-", THIRTYTHIRD),
        ("gg-", THIRTYFOURTH),
        ("hh-", THIRTYFIFTH),
        ("ii-", THIRTYSIXTH),
        ("jj-", THIRTYSEVENTH),
        ("kk-", THIRTYEIGHTH),
        ("ll-", THIRTYNINTH),
        ("mm-", FORTIETH),
        ("nn-", FORTYFIRST),
        ("oo-", FORTYSECOND),
        ("pp-", FORTYTHIRD),
    ],
    ids=[
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twentyfirst",
        "twentysecond",
        "twentythird",
        "twentyfourth",
        "twentyfifth",
        "twentysixth",
        "twentyseventh",
        "twentyeighth",
        "twentyninth",
        "thirtieth",
        "thirtyfirst",
        "thirtysecond",
        "thirtythird",
        "thirtyfourth",
        "thirtyfifth",
        "thirtysixth",
        "thirtyseventh",
        "thirtyeighth",
        "thirtyninth",
        "fortieth",
        "fortyfirst",
        "fortysecond",
        "fortythird",
    ],
)
def test_later_sets_are_all_held_out_and_cover_every_question_phase_and_kind(
    prefix: str, pairs: list[dict[str, Any]]
) -> None:
    assert len(pairs) >= 45
    assert {p["split"] for p in pairs} == {"heldout"}
    assert all(p["id"].startswith(prefix) for p in pairs)
    assert {p["phase"] for p in pairs} == PHASES
    assert {p["question"] for p in pairs} == QUESTIONS
    kinds = Counter(p["kind"] for p in pairs)
    assert set(kinds) == KINDS
    assert kinds["objective"] >= 6 and kinds["negation"] >= 5
    assert min(kinds["arithmetic"], kinds["constraint"], kinds["method"]) >= 8
    assert 4 <= kinds["valid-alternative"] <= 7
    # the eighth and nineteenth sets' writers marked one right answer built on its own assumptions, the
    # twenty-second's none (its author was not asked to); the others two or more
    assert sum(p.get("right_assumptions") == "alternative" for p in pairs) >= (
        0 if prefix == "e-" else 1 if prefix in ("y-", "b-") else 2
    )


def test_pair_ids_are_unique_across_the_pair_files() -> None:
    ids = [p["id"] for p in HELD_OUT]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {p["id"] for p in _pairs("minimal_pairs.yaml")}


@pytest.mark.parametrize("pair", HELD_OUT, ids=[p["id"] for p in HELD_OUT])
def test_both_answers_are_spoken_length_and_within_fifteen_percent_of_each_other(
    pair: dict[str, Any],
) -> None:
    first, second = (len(text.split()) for text in _texts(pair))
    # the twentieth set's long turns run to 130 words (its README note)
    longest = 130 if pair["id"].startswith("c-") else 120
    assert 40 <= first <= longest and 40 <= second <= longest
    # the fifth and sixth sets' writers measured the 15% against the longer answer (their README note)
    base = max(first, second) if pair["id"][:2] in ("v-", "w-") else min(first, second)
    assert abs(first - second) <= 0.15 * base


@pytest.mark.parametrize("pair", HELD_OUT, ids=[p["id"] for p in HELD_OUT])
def test_each_pair_names_a_real_question_and_its_hidden_fact_topics(pair: dict[str, Any]) -> None:
    question = yaml.safe_load(
        (KNOWLEDGE / "questions" / f"{pair['question']}.yaml").read_text(encoding="utf-8")
    )
    assert set(pair["revealed"]) <= {fact["topic"] for fact in question["hidden_facts"]}
    assert pair["phase"] in question["phases"]


@pytest.mark.parametrize(
    "pair", [p for p in HELD_OUT if p["kind"] != "valid-alternative"], ids=lambda p: p["id"]
)
def test_the_error_quote_is_in_the_wrong_answer_only_and_the_labels_order_the_pair(
    pair: dict[str, Any],
) -> None:
    assert pair["error_quote"] in pair["wrong"]
    assert pair["error_quote"] not in pair["right"]
    assert pair["label_right"] >= 3
    assert pair["label_wrong"] <= 2
    assert pair["why"].strip()


@pytest.mark.parametrize("pair", [p for p in HELD_OUT if p["kind"] == "arithmetic"], ids=lambda p: p["id"])
def test_arithmetic_pairs_are_off_by_more_than_twice(pair: dict[str, Any]) -> None:
    # a number, or the result in words with its numbers ("~230 MB per sequence, ~260 sequences per GPU")
    true_value = str(pair["true_value"])
    assert re.search(r"[1-9]", true_value), true_value
    assert float(pair["error_factor"]) > 2


def test_valid_alternatives_are_both_labelled_right_and_explained() -> None:
    for pair in (p for p in HELD_OUT if p["kind"] == "valid-alternative"):
        assert pair["label_a"] >= 3 and pair["label_b"] >= 3, pair["id"]
    assert all(
        p["why"].strip()
        for p in THIRD + FOURTH + FIFTH + SIXTH + SEVENTH + EIGHTH
        if p["kind"] == "valid-alternative"
    )


@pytest.mark.parametrize(
    "name, pairs",
    [
        ("fresh", FRESH),
        ("third", THIRD),
        ("fourth", FOURTH),
        ("fifth", FIFTH),
        ("sixth", SIXTH),
        ("seventh", SEVENTH),
        ("eighth", EIGHTH),
        ("ninth", NINTH),
        ("tenth", TENTH),
        ("eleventh", ELEVENTH),
        ("twelfth", TWELFTH),
        ("thirteenth", THIRTEENTH),
        ("fourteenth", FOURTEENTH),
        ("fifteenth", FIFTEENTH),
        ("sixteenth", SIXTEENTH),
        ("seventeenth", SEVENTEENTH),
        ("eighteenth", EIGHTEENTH),
        ("nineteenth", NINETEENTH),
        ("twentieth", TWENTIETH),
        ("twentyfirst", TWENTYFIRST),
        ("twentysecond", TWENTYSECOND),
        ("twentythird", TWENTYTHIRD),
        ("twentyfourth", TWENTYFOURTH),
        ("twentyfifth", TWENTYFIFTH),
        ("twentysixth", TWENTYSIXTH),
        ("twentyseventh", TWENTYSEVENTH),
        ("twentyeighth", TWENTYEIGHTH),
        ("twentyninth", TWENTYNINTH),
        ("thirtieth", THIRTIETH),
        ("thirtyfirst", THIRTYFIRST),
        ("thirtysecond", THIRTYSECOND),
        ("thirtythird", THIRTYTHIRD),
        ("thirtyfourth", THIRTYFOURTH),
        ("thirtyfifth", THIRTYFIFTH),
        ("thirtysixth", THIRTYSIXTH),
        ("thirtyseventh", THIRTYSEVENTH),
        ("thirtyeighth", THIRTYEIGHTH),
        ("thirtyninth", THIRTYNINTH),
        ("fortieth", FORTIETH),
        ("fortyfirst", FORTYFIRST),
        ("fortysecond", FORTYSECOND),
        ("fortythird", FORTYTHIRD),
    ],
)
def test_answer_length_alone_cannot_order_a_held_out_set(name: str, pairs: list[dict[str, Any]]) -> None:
    longer = Counter(
        "right" if len(p["right"].split()) > len(p["wrong"].split()) else "wrong"
        for p in pairs
        if p["kind"] != "valid-alternative" and len(p["right"].split()) != len(p["wrong"].split())
    )
    # the twenty-fourth set's wrong answers are the longer ones in six more pairs (its README note): length
    # would order it below chance, not above
    allowed = 6 if name == "twentyfourth" else 4 if name in ("fifth", "sixth", "twentieth") else 3
    assert abs(longer["right"] - longer["wrong"]) <= allowed, name


def test_third_injection_set_is_held_out_with_defences_spread_over_labels_and_two_attacks() -> None:
    ids = [a["id"] for a in INJECTION_THIRD]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {a["id"] for a in _answers("injection_defence.yaml")}
    assert {a["split"] for a in INJECTION_THIRD} == {"heldout"}
    kinds = Counter(a["kind"] for a in INJECTION_THIRD)
    assert kinds == {"defence": 10, "attack": 2}
    defence_labels = {a["label"] for a in INJECTION_THIRD if a["kind"] == "defence"}
    assert defence_labels == {2, 3, 4, 5}
    assert len({a["question"] for a in INJECTION_THIRD}) >= 4


@pytest.mark.parametrize("answer", INJECTION_THIRD, ids=[a["id"] for a in INJECTION_THIRD])
def test_each_injection_answer_names_a_real_question_and_phase_and_is_spoken_length(
    answer: dict[str, Any],
) -> None:
    assert answer["question"] in QUESTIONS
    assert answer["phase"] in PHASES
    assert 1 <= answer["label"] <= 5
    assert 40 <= len(answer["text"].split()) <= 120
    assert answer["note"].strip()
