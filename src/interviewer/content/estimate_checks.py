"""Checks that a question's estimates hold together: each formula gives its value, each input said to come
from a hidden fact is stated there, and each derived input is the value of an earlier estimate.

Each check returns problems as sentences that start with the estimate's label, so a report names the
estimate to fix. An empty list means the estimates are consistent.
"""

from __future__ import annotations

from interviewer.content.estimates import FormulaError, figures_in
from interviewer.content.questions import Question

FORMULA_TOLERANCE = 0.10  # a formula may land within 10% of the rounded value it is quoted as
FACT_TOLERANCE = 0.02  # a fact input must match a number the fact states, within 2%
DERIVED_TOLERANCE = 0.10  # a derived input must match an earlier estimate's value, within 10%


def _within(value: float, reference: float, tolerance: float) -> bool:
    return abs(value - reference) <= tolerance * abs(reference)


def formula_problems(question: Question) -> list[str]:
    """Estimates whose formula, evaluated on the inputs, is not within 10% of the stated value."""
    problems = []
    for estimate in question.estimates:
        try:
            computed = estimate.computed()
        except FormulaError as exc:
            problems.append(f"{estimate.label}: {exc}")
            continue
        if not _within(computed, estimate.value, FORMULA_TOLERANCE):
            problems.append(
                f"{estimate.label}: the formula gives {computed:.4g} but the value is {estimate.value:.4g} "
                f"{estimate.unit}"
            )
    return problems


def fact_problems(question: Question) -> list[str]:
    """Inputs marked `fact` whose value no hidden fact of the question states (within 2%)."""
    stated = [n for fact in question.hidden_facts for n in figures_in(fact.fact)]
    return [
        f"{estimate.label}: input {item.name} = {item.value:g} {item.unit} is marked as a fact, "
        "but no hidden fact states that number; add it to a fact or mark it as an assumption"
        for estimate in question.estimates
        for item in estimate.inputs
        if item.source == "fact" and not any(_within(n, item.value, FACT_TOLERANCE) for n in stated)
    ]


def derived_problems(question: Question) -> list[str]:
    """Inputs marked `derived` that match no earlier estimate's value (within 10%)."""
    problems = []
    earlier: list[float] = []
    for estimate in question.estimates:
        for item in estimate.inputs:
            if item.source == "derived" and not any(
                _within(item.value, v, DERIVED_TOLERANCE) for v in earlier
            ):
                problems.append(
                    f"{estimate.label}: input {item.name} = {item.value:g} {item.unit} is marked as derived, "
                    "but no earlier estimate of this question has that value"
                )
        earlier.append(estimate.value)
    return problems


def estimate_problems(question: Question) -> list[str]:
    """Every problem the three checks find."""
    return formula_problems(question) + fact_problems(question) + derived_problems(question)
