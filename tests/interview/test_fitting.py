"""Questions fitted to the candidate: never asking for what was just said, never about a technology they did
not choose, and every part of a clarifying question answered or named."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.depth import components
from interviewer.interview.fitting import ask_parts, fit_to_design, just_said
from interviewer.interview.interviewer import describe_move
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.session import InterviewSession
from interviewer.phases import Phase
from interviewer.store.sessions import SessionStore
from interviewer.testing import FakeClock, keyword_engine

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
REDIS_PROBE = "Redis is unreachable. Which profile do you use for the request?"


@pytest.fixture(scope="module")
def youtube() -> Question:
    return QuestionBank.load(KNOWLEDGE).get("youtube-recommendations")


def start(question: Question, tmp_path: Path, drill: Phase | None = None) -> InterviewSession:
    session = InterviewSession.create(
        question, keyword_engine(), SessionStore(tmp_path / "s.db"), clock=FakeClock(), drill=drill
    )
    session.start()
    return session


def test_a_latency_probe_counts_as_just_said_after_the_candidate_gave_a_latency() -> None:
    assert just_said("What latency and availability targets should the API meet?", "It answers in 200 ms.")
    assert not just_said("What latency and availability targets should the API meet?", "We rank videos.")


def test_the_interviewer_does_not_ask_for_latency_right_after_hearing_200_ms(
    youtube: Question, tmp_path: Path
) -> None:
    session = start(youtube, tmp_path)
    session.submit("We optimise long-term watch time rather than clicks.")
    reply = session.submit("The API has to answer within 200 ms end to end.")
    assert session.turns[-1].meta.get("target") != "latency-and-availability"
    assert "latency" not in reply.text.lower()


def test_a_probe_naming_a_technology_the_candidate_did_not_use_is_reworded_for_their_design() -> None:
    design = components(["We keep the user profiles in Postgres."])
    assert (
        fit_to_design(REDIS_PROBE, design)
        == "Postgres is unreachable. Which profile do you use for the request?"
    )
    assert (
        fit_to_design(REDIS_PROBE, [])
        == "The cache is unreachable. Which profile do you use for the request?"
    )
    assert fit_to_design(REDIS_PROBE, components(["Profiles live in Redis."])) == REDIS_PROBE


def test_a_candidate_on_postgres_is_never_asked_about_redis(youtube: Question, tmp_path: Path) -> None:
    session = start(youtube, tmp_path, drill="issues")
    for text in (
        "We keep the user profiles in Postgres and if the ranker fails we show trending videos.",
        "We alert when watch time drops.",
        "We log impressions for retraining.",
        "The candidate service has a timeout.",
    ):
        session.submit(text)
    said = " ".join(t.text for t in session.turns if t.role == "interviewer")
    assert "Redis" not in said


def test_a_question_in_two_parts_gets_both_parts_answered_from_the_facts(
    youtube: Question, tmp_path: Path
) -> None:
    session = start(youtube, tmp_path)
    reply = session.submit("What is the latency target and how many users are there?")
    assert reply.move == "answer_fact"
    assert "200 ms" in reply.text and "500 million" in reply.text


def test_the_part_the_facts_do_not_hold_is_named_and_left_to_an_assumption(
    youtube: Question, tmp_path: Path
) -> None:
    session = start(youtube, tmp_path)
    reply = session.submit("How many users are there, and what is the size of the team building it?")
    assert "500 million" in reply.text
    assert "size of the team" in reply.text and "assumption" in reply.text


def test_a_question_is_split_into_the_parts_it_asks() -> None:
    assert ask_parts(["Who are the users and how much traffic do we get?"]) == [
        "Who are the users",
        "how much traffic do we get",
    ]
    assert ask_parts(["How many users and requests per second?"]) == [
        "How many users and requests per second"
    ]


def test_the_model_is_told_which_parts_its_facts_do_not_cover(youtube: Question) -> None:
    ctx = TurnContext(question=youtube, transcript=(), minutes_left=5)
    move = Move(
        kind="answer_fact", phase="requirements", facts=(youtube.hidden_facts[0],), unanswered=("team size",)
    )
    assert "Answer every part" in describe_move(move, ctx) and "team size" in describe_move(move, ctx)


def test_a_point_spoken_to_two_answers_ago_is_not_asked_for_again(youtube: Question, tmp_path: Path) -> None:
    session = start(youtube, tmp_path, drill="deep_dive")
    session.submit(
        "Candidates come from collaborative filtering, content similarity and trending, blended to about a "
        "thousand."
    )
    session.submit(
        "The ranker is gradient-boosted trees over user, video and context features, retrained daily."
    )
    reply = session.submit("The profile keeps the last hundred watched videos and preferences in Postgres.")
    assert "candidate sources" not in reply.text.lower()
    assert reply.move == "deepen" or session.turns[-1].meta.get("target") != "candidate-sources"
