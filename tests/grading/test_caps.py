"""A cap the facts put on what the system does by itself (refunds under $100) is broken by a design that lets it
go further, and not by one that hands what is over the cap to a person."""

from __future__ import annotations

import pytest

from interviewer.content.claims import Constraint
from interviewer.content.questions import QuestionBank
from interviewer.grading.caps import over_cap
from interviewer.grading.claims import ClaimChecker
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()
CAP = Constraint(kind="cap", max=100, subject=["refund", "refunds"], says="Refunds under $100 only.")


@pytest.mark.parametrize(
    ("clause", "broken"),
    [
        ("the bot issues refunds of up to five hundred dollars", True),
        ("it may start refunds under $250 on its own", True),
        ("the bot starts refunds under $100 once the customer confirms", False),
        ("refunds over $500 go to a human agent", False),
        ("anything above $100, refunds included, is escalated", False),
        ("orders of up to $500 are looked up", False),  # not a refund
    ],
)
def test_an_amount_past_the_cap_breaks_it_only_when_the_system_may_do_it(clause: str, broken: bool) -> None:
    assert (over_cap(clause, CAP) is not None) is broken


def test_the_support_bot_is_held_to_its_refund_cap() -> None:
    question = BANK.get("support-chatbot-rag")
    answer = (
        "What can the bot actually do? Look up order status, start a return, and issue refunds of up to {}, "
        "each through our internal APIs with the signed-in customer's own token. Before any refund it shows the "
        "customer what it's about to do and waits for a yes."
    )
    wrong = [
        e
        for e in CHECKER.check(question, None, answer.format("five hundred dollars"))
        if e.kind == "constraint"
    ]
    assert wrong and "$100" in wrong[0].why
    right = CHECKER.check(question, None, answer.format("a hundred dollars"))
    assert not [e for e in right if e.kind == "constraint"]


def test_a_cap_needs_its_amount_and_what_it_caps() -> None:
    with pytest.raises(ValueError, match="max"):
        Constraint(kind="cap", subject=["refund"], says="Refunds are capped.")
