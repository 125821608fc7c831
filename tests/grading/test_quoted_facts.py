"""Answers that quote the interviewer's facts back ("You said ..."): a tempting design named with what it would
break is not made, a goal named as the premise a choice goes against does not excuse it, a metric kept "rather
than the target" or "beside it" is not the target, and a rounded three-times peak is a peak."""

from __future__ import annotations

import pytest

from interviewer.content.questions import QuestionBank
from interviewer.grading.claims import ClaimChecker
from locations import KNOWLEDGE

BANK = QuestionBank.load(KNOWLEDGE)
CHECKER = ClaimChecker()


def _errors(question: str, answer: str) -> list[str]:
    return [e.quote for e in CHECKER.check(BANK.get(question), None, answer) if not e.corrected]


@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        # a tempting option named with what it would cost, and the same option chosen
        (
            "fraud-detection",
            "Holding payments until scoring recovers might feel safer, but it would stop commerce, which you ruled "
            "out.",
            "On a timeout the switch holds every payment in a queue until scoring recovers.",
        ),
        (
            "content-moderation",
            "Blocking every upload until the classifiers recover looks cautious, but it would take posting down "
            "with the models, which your availability target doesn't allow.",
            "On a classifier outage I'd hold every upload at the gate until the models are back.",
        ),
        (
            "fraud-detection",
            "Scoring after approval would be easier to scale but would only flag fraud already paid out.",
            "So the scorer sits after the approval, not inside the authorisation path.",
        ),
        # an option costed and ruled out
        (
            "support-chatbot-rag",
            "A large model on every turn comes to about a cent and a quarter a turn, roughly a hundred and twelve "
            "thousand a month, nearly four times over, so that's out.",
            "So I'd send every turn to the large model and skip routing altogether, since quality is what "
            "resolves conversations.",
        ),
        # kept "rather than the training target", or "beside" the target: not the target
        (
            "youtube-recommendations",
            "Click-through stays a tracked signal rather than the training target.",
            "Click-through is the training target.",
        ),
        (
            "search-ranking",
            "So I'd make revenue per search the online target, with purchases beside it.",
            "So I'd make click-through per search the online target, with purchases beside it.",
        ),
        # the slow labels named as the premise the choice goes against
        (
            "job-recommendations",
            "Since you mentioned replies arrive days later, I'd train on applies and replies together, with the "
            "late replies joined when they land.",
            "Since you mentioned replies arrive days later and hires weeks later, I'd set them aside and train on "
            "applies alone, because maximising them is the closest thing we have to a match.",
        ),
    ],
)
def test_a_design_named_to_reject_it_is_not_challenged_and_the_same_design_chosen_is(
    question: str, right: str, wrong: str
) -> None:
    assert _errors(question, right) == []
    assert _errors(question, wrong)


def test_a_peak_of_three_times_the_average_rounded_up_is_a_peak() -> None:
    said = "Going by your numbers, eighty million quotes a day is roughly three thousand a second at the Friday peak."
    assert _errors("dynamic-pricing", said) == []
    assert _errors("dynamic-pricing", said.replace("three thousand", "thirty thousand"))


def test_a_fallback_behind_a_tripped_breaker_is_not_the_ranking() -> None:
    fallback = (
        "On a trip it reads the user's inbox of friends' recent posts and sorts everything newest first, applying "
        "the integrity filters that are cheap."
    )
    assert _errors("feed-ranking", fallback) == []
    assert _errors(
        "feed-ranking", "The feed sorts everything newest first and uses the model score only within it."
    )
