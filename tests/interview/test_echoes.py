"""The acknowledgement that echoes a candidate's sentence reads on its own: a choice made by its place among
options weighed just before is said in the option's words, never as "you'd do the second"."""

from __future__ import annotations

import pytest

from interviewer.interview.echoes import echo_in, echo_of

WEIGHED = "We could keep full prompt logs for a month, or keep them short and per tenant."


@pytest.mark.parametrize(
    ("choice", "echo"),
    [
        ("I'd do the second, since the logs hold customer data.", "you'd keep them short and per tenant"),
        ("So I'll go with the latter.", "you'd keep them short and per tenant"),
        ("I'd take the first, for debugging.", "you'd keep full prompt logs for a month"),
    ],
)
def test_a_choice_by_place_is_echoed_as_the_option_chosen(choice: str, echo: str) -> None:
    assert echo_in(f"{WEIGHED} {choice}", choice) == echo


def test_a_choice_by_place_with_no_options_before_it_is_not_echoed() -> None:
    lone = "I would do the second one for every tenant."
    assert echo_in(lone, lone) is None
    assert echo_of(lone) is None
    # "the first time" and "the second step" are no choice between options
    assert echo_of("I'd retrain the model the first time drift shows up") == (
        "you'd retrain the model the first time drift shows up"
    )


def test_a_sentence_that_names_its_choice_is_echoed_as_said() -> None:
    text = f"{WEIGHED} I'd keep them short and per tenant."
    assert echo_in(text, "I'd keep them short and per tenant.") == "you'd keep them short and per tenant"


def test_a_story_from_an_earlier_job_is_not_echoed_but_the_design_after_it_is() -> None:
    story = "At my last company we marked any transaction without a chargeback after two weeks as legitimate."
    design = "I'd wait ninety days for chargebacks before calling a payment legitimate."
    text = f"{story} {design}"
    assert echo_in(text, story) is None
    assert echo_in(text, design) is not None


def test_words_taken_back_are_not_echoed() -> None:
    revised = "I'd autoscale on CPU utilisation, wait, no, on queue depth."
    assert echo_in(revised, revised) == "you'd autoscale on queue depth"
    dropped = (
        "I'd run one large model on every item, wait, no, at nine thousand a second that breaks the budget."
    )
    assert echo_in(dropped, dropped) is None
