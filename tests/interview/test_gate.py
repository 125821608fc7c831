"""The reply gate holds back model turns a candidate must never see, and lets ordinary ones through."""

from __future__ import annotations

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.gate import problem
from interviewer.interview.moves import Move, TurnContext
from locations import KNOWLEDGE


@pytest.fixture(scope="module")
def youtube() -> Question:
    return QuestionBank.load(KNOWLEDGE).get("youtube-recommendations")


def context(question: Question, *revealed: str) -> TurnContext:
    facts = tuple(f for f in question.hidden_facts if f.topic in revealed)
    return TurnContext(question=question, transcript=(), minutes_left=7.5, revealed_facts=facts)


@pytest.mark.parametrize(
    ("kind", "reply"),
    [
        ("open", "BEGINED BY AMOVING THE PICTURE OF THE SCREEN AND THE SOUND."),
        ("probe", "So 50 million / 24 hours, which is 1 request. What would you do about it?"),
        ("probe", "Dear candidate, please see https://example.com/brief for details. What is your plan?"),
        ("hint", "The interview is now over. Think about caching the home page."),
        ("hint", "The next move: Give a level 1 hint. The missing point is: result caching."),
        ("probe", "Interviewer: Good. Candidate: Thanks. What is next?"),
        ("probe", "Good point about the cache."),
    ],
)
def test_replies_a_candidate_must_not_see_are_held_back(youtube: Question, kind: str, reply: str) -> None:
    assert problem(Move(kind=kind, phase="requirements"), context(youtube), reply) is not None  # type: ignore[arg-type]


def test_praise_that_contradicts_a_no_hire_verdict_is_held_back(youtube: Question) -> None:
    move = Move(
        kind="close", phase=None, summary="Your overall score is 2.1 out of 5, which maps to no hire."
    )
    reply = "Your entire performance has been exceptional. Thanks for your time."
    assert problem(move, context(youtube), reply) == "praise that contradicts the verdict"


@pytest.mark.parametrize(
    ("kind", "reply", "revealed"),
    [
        (
            "open",
            "Welcome. Let's design the YouTube home page recommendations, personalised per user. Where do you start?",
            (),
        ),
        ("probe", "Makes sense. At 50K requests a second at peak, where would you cache?", ("scale",)),
        ("probe", "You have 7 minutes left here. How fresh must the home page be?", ()),
        (
            "answer_fact",
            "About 500 million people use it daily, with roughly 50K requests per second at peak.",
            ("scale",),
        ),
    ],
)
def test_ordinary_replies_pass(youtube: Question, kind: str, reply: str, revealed: tuple[str, ...]) -> None:
    facts = tuple(f for f in youtube.hidden_facts if f.topic in revealed)
    move = Move(kind=kind, phase="requirements", facts=facts if kind == "answer_fact" else ())  # type: ignore[arg-type]
    assert problem(move, context(youtube, *revealed), reply) is None


def test_a_sentence_the_interviewer_has_said_twice_is_not_said_a_third_time(youtube: Question) -> None:
    from interviewer.store.sessions import Turn

    def said(seq: int, text: str) -> Turn:
        return Turn(
            seq=seq,
            role="interviewer",
            phase="requirements",
            kind="question",
            text=text,
            at=0.0,
        )

    earlier = (said(1, "Sure, that works for me. What next?"), said(2, "Sure, that works for me. How fast?"))
    ctx = TurnContext(question=youtube, transcript=earlier, minutes_left=5.0)
    move = Move(kind="probe", phase="requirements")
    assert problem(move, ctx, "Sure, that works for me. Where does the profile live?") is not None
    assert problem(move, ctx, "Okay. Where does the profile live?") is None


def test_candidate_generation_is_not_mistaken_for_talk_about_the_candidate(youtube: Question) -> None:
    reply = "Okay, that makes sense. How would you size the candidate generation fleet for the peak traffic?"
    assert problem(Move(kind="probe", phase="optimization"), context(youtube), reply) is None
    leaky = "Tell the candidate nothing about caching. What next?"
    assert problem(Move(kind="probe", phase="optimization"), context(youtube), leaky) is not None
