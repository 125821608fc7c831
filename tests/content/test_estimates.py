"""The question bank's estimates in machine-readable form: inputs, a formula and a value that agree.

The bank checks are parametrised per question file, so a failure names the file and, in its message, the
estimate's label. The schema checks and a deliberately broken question show that the checks can fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from interviewer.content.estimate_checks import (
    derived_problems,
    estimate_problems,
    fact_problems,
    formula_problems,
)
from interviewer.content.estimates import Estimate, FormulaError, evaluate, figures_in, formula_names
from interviewer.content.questions import Question, load_question
from interviewer.phases import PHASES
from locations import KNOWLEDGE

QUESTION_FILES = sorted((KNOWLEDGE / "questions").glob("*.yaml"))


def _report(path: Path, problems: list[str]) -> str:
    return "\n".join(f"{path.name}: {p}" for p in problems)


# --- The shipped bank -------------------------------------------------------------------------------------


@pytest.fixture(params=QUESTION_FILES, ids=[p.name for p in QUESTION_FILES])
def question_file(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def test_every_estimate_formula_recomputes_its_value_within_ten_percent(question_file: Path) -> None:
    problems = formula_problems(load_question(question_file))

    assert not problems, _report(question_file, problems)


def test_every_fact_input_is_a_number_some_hidden_fact_states(question_file: Path) -> None:
    problems = fact_problems(load_question(question_file))

    assert not problems, _report(question_file, problems)


def test_every_derived_input_is_the_value_of_an_earlier_estimate(question_file: Path) -> None:
    problems = derived_problems(load_question(question_file))

    assert not problems, _report(question_file, problems)


def test_every_estimate_in_the_bank_has_inputs_a_formula_and_a_unit() -> None:
    estimates = [e for path in QUESTION_FILES for e in load_question(path).estimates]

    assert len(estimates) >= 91
    assert [e.label for e in estimates if not e.inputs] == []
    assert all(e.formula.strip() and e.unit.strip() for e in estimates)


# --- Reading numbers from prose ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("about 500 million daily users", 500e6),
        ("roughly 50K requests per second", 50e3),
        ("2 billion users in total", 2e9),
        ("the fleet costs about $250K a month", 250e3),
        ("a budget of $1M", 1e6),
        ("about 1% of items violate", 0.01),
        ("about 1% of items violate", 1),
        ("99.95% availability", 0.9995),
        ("under 200 ms at p99", 200),
        ("averaging 1,500 tokens", 1500),
        ("an 8B-parameter model", 8e9),
        ("cells of about 0.7 km²", 0.7),
        ("peaks at about 3× the average", 3),
        ("costs about four times as much", 4),
        ("$0.10 per 1,000 emails", 0.10),
        ("$0.10 per 1,000 emails", 1000),
    ],
)
def test_figures_in_reads_a_number_with_its_magnitude(text: str, number: float) -> None:
    assert any(abs(found - number) <= 1e-9 * max(1.0, abs(number)) for found in figures_in(text))


def test_figures_in_finds_nothing_in_a_sentence_without_numbers() -> None:
    assert figures_in("Eventual consistency is fine for this page.") == []


# --- Formulas ---------------------------------------------------------------------------------------------


def test_a_formula_is_evaluated_with_parentheses_powers_and_unary_minus() -> None:
    values = {"p": 0.001, "n": 100_000.0}

    assert evaluate("-(-1.96) * (p * (1 - p) / n) ** 0.5", values) == pytest.approx(1.959e-4, rel=1e-3)
    assert formula_names("a * (b + 86400) / c ** 2") == {"a", "b", "c"}


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('true')",
        "open('x')",
        "a.real",
        "a[0]",
        "a // 2",
        "a % 2",
        "a if a else 1",
        "a < 2",
        "lambda: 1",
        "'text' * 2",
        "True + a",
        "[a, 2]",
        "a = 1",
        "a +",
    ],
)
def test_a_formula_that_is_not_plain_arithmetic_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError):
        formula_names(formula)


def test_a_formula_that_divides_by_zero_or_overflows_is_an_error_not_a_crash() -> None:
    with pytest.raises(FormulaError):
        evaluate("a / (b - b)", {"a": 1.0, "b": 2.0})
    with pytest.raises(FormulaError):
        evaluate("10.0 ** 400", {})
    with pytest.raises(FormulaError):
        evaluate("(0 - 8) ** 0.5", {})


# --- The schema -------------------------------------------------------------------------------------------


def _estimate(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": "Peak request rate",
        "arithmetic": "500M DAU × 5 loads ÷ 86,400 s × 1.7",
        "result": "~50K requests per second",
        "inputs": [
            {"name": "daily_users", "value": "500e6", "unit": "users", "from": "fact"},
            {"name": "loads", "value": 5, "unit": "loads a day", "from": "assumption"},
            {"name": "peak_factor", "value": 1.7, "unit": "× mean", "from": "assumption"},
        ],
        "formula": "daily_users * loads / 86400 * peak_factor",
        "value": 50_000,
        "unit": "requests/s",
    }
    data.update(changes)
    return data


def _with_input(index: int, **changes: Any) -> dict[str, Any]:
    data = _estimate()
    data["inputs"][index] = {**data["inputs"][index], **changes}
    return data


def test_a_complete_estimate_loads_and_computes_its_value() -> None:
    estimate = Estimate.model_validate(_estimate())

    assert estimate.inputs[0].value == 500e6
    assert estimate.inputs[0].source == "fact"
    assert estimate.computed() == pytest.approx(49_190, rel=1e-3)


@pytest.mark.parametrize("value", ["500e6", "5e8", 500_000_000, 500e6, "500000000"])
def test_an_input_value_may_be_written_as_an_exponent_or_in_full(value: object) -> None:
    estimate = Estimate.model_validate(_with_input(0, value=value))

    assert estimate.inputs[0].value == 500e6


@pytest.mark.parametrize("value", ["lots", "500M", "inf", "nan", True, None])
def test_an_input_value_that_is_not_a_finite_number_is_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        Estimate.model_validate(_with_input(0, value=value))


@pytest.mark.parametrize("field", ["inputs", "formula", "value", "unit"])
def test_each_new_field_is_required(field: str) -> None:
    data = _estimate()
    del data[field]

    with pytest.raises(ValidationError, match=field):
        Estimate.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "peak-factor"}, "pattern"),
        ({"name": "class"}, "keyword"),
        ({"name": "2x"}, "pattern"),
        ({"from": "guess"}, "fact"),
        ({"source": "fact", "from": "fact"}, "source"),
        ({"note": "extra"}, "note"),
    ],
)
def test_a_bad_input_is_refused_with_the_reason(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Estimate.model_validate(_with_input(2, **changes))


def test_a_formula_must_use_every_input_and_only_the_inputs() -> None:
    with pytest.raises(ValidationError, match="not inputs: hit_rate"):
        Estimate.model_validate(_estimate(formula="daily_users * loads / 86400 * peak_factor * hit_rate"))
    with pytest.raises(ValidationError, match="does not use: peak_factor"):
        Estimate.model_validate(_estimate(formula="daily_users * loads / 86400 * 1.7"))


def test_input_names_must_not_repeat() -> None:
    data = _with_input(2, name="loads")

    with pytest.raises(ValidationError, match="repeat: loads"):
        Estimate.model_validate(data)


def test_a_formula_that_calls_a_function_is_refused_when_the_file_loads() -> None:
    with pytest.raises(ValidationError, match="arithmetic"):
        Estimate.model_validate(_estimate(formula="max(daily_users, loads, peak_factor)"))


def test_an_estimate_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="confidence"):
        Estimate.model_validate(_estimate(confidence="high"))


# --- A broken question is caught --------------------------------------------------------------------------


def _question(estimates: list[dict[str, Any]]) -> Question:
    spec = {
        "key_points": [
            {
                "id": f"point-{n}",
                "point": f"A specific point number {n}.",
                "learn": {"file": "overview.md", "heading": "Requirements"},
            }
            for n in (1, 2)
        ],
        "probes": ["What would you ask first?"],
        "pitfalls": ["Starting with the model."],
        "model_outline": ["Clarify the goal.", "Size the traffic."],
    }
    return Question.model_validate(
        {
            "id": "broken-estimates",
            "title": "Design an example home page",
            "topic": "recommendations",
            "difficulty": "easy",
            "prompt": "Let's design an example home page. Where would you start?",
            "hidden_facts": [
                {"topic": "scale", "keywords": ["users"], "fact": "About 500 million daily users."},
                {"topic": "latency", "keywords": ["latency"], "fact": "Under 200 ms at p99."},
                {"topic": "budget", "keywords": ["budget"], "fact": "About $250K a month."},
            ],
            "estimates": estimates,
            "phases": {phase: spec for phase in PHASES},
        }
    )


def _cache_estimate(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": "After the cache",
        "arithmetic": "40% of 50K/s",
        "result": "~20K requests per second",
        "inputs": [
            {"name": "peak_requests", "value": 50_000, "unit": "requests/s", "from": "derived"},
            {"name": "hit_rate", "value": 0.6, "unit": "fraction", "from": "assumption"},
        ],
        "formula": "peak_requests * (1 - hit_rate)",
        "value": 20_000,
        "unit": "requests/s",
    }
    data.update(changes)
    return data


def test_consistent_estimates_have_no_problems() -> None:
    question = _question([_estimate(), _cache_estimate()])

    assert estimate_problems(question) == []


def test_a_formula_that_misses_its_value_by_more_than_ten_percent_is_reported_with_its_label() -> None:
    question = _question([_estimate(value=100_000), _cache_estimate()])

    problems = formula_problems(question)

    assert len(problems) == 1
    assert problems[0].startswith("Peak request rate: the formula gives 4.919e+04 but the value is 1e+05")


def test_a_fact_input_that_no_hidden_fact_states_is_reported() -> None:
    question = _question([_with_input(1, **{"from": "fact"}), _cache_estimate()])

    problems = fact_problems(question)

    assert len(problems) == 1
    assert problems[0].startswith("Peak request rate: input loads = 5 loads a day is marked as a fact")


def test_a_fact_within_two_percent_passes_and_one_further_off_does_not() -> None:
    close = _question([_with_input(0, value="505e6"), _cache_estimate()])
    far = _question([_with_input(0, value="520e6"), _cache_estimate()])

    assert fact_problems(close) == []
    assert [p.split(":")[0] for p in fact_problems(far)] == ["Peak request rate"]


def test_a_derived_input_that_matches_no_earlier_estimate_is_reported() -> None:
    changed = _cache_estimate()
    changed["inputs"][0]["value"] = 70_000
    changed["value"] = 28_000
    question = _question([_estimate(), changed])

    problems = derived_problems(question)

    assert len(problems) == 1
    assert problems[0].startswith(
        "After the cache: input peak_requests = 70000 requests/s is marked as derived"
    )


def test_a_derived_input_may_only_use_an_earlier_estimate_not_a_later_one() -> None:
    question = _question([_cache_estimate(), _estimate()])

    assert [p.split(":")[0] for p in derived_problems(question)] == ["After the cache"]


def test_every_kind_of_problem_is_reported_together() -> None:
    broken = _cache_estimate(value=5_000)
    broken["inputs"][0]["value"] = 80_000
    broken["inputs"][1]["from"] = "fact"
    question = _question([_estimate(), broken])

    problems = estimate_problems(question)

    assert len(problems) == 3
    assert all(p.startswith("After the cache: ") for p in problems)
