"""Questions fitted to the candidate: never asking for what was just said, never about a technology they did
not choose, and every part of a clarifying question answered or named."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.content.questions import Question, QuestionBank
from interviewer.interview.depth import components
from interviewer.interview.fitting import answer_parts, ask_parts, fit_to_design, just_said, unanswered_text
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


# -- questions in several parts: each part gets the fact that answers it, or is named as the candidate's call --


def test_who_the_users_are_is_left_to_the_candidate_while_the_traffic_is_answered(
    youtube: Question, tmp_path: Path
) -> None:
    session = start(youtube, tmp_path)
    reply = session.submit("Who are the users and how much traffic?")
    assert reply.move == "answer_fact"
    assert "50K recommendation requests per second" in reply.text  # the traffic part, from the scale fact
    assert "\u201cWho are the users\u201d is for you to decide" in reply.text
    assert session.turns[-1].meta["facts"] == ["scale"]


def test_two_parts_with_a_fact_each_get_both_answers(youtube: Question, tmp_path: Path) -> None:
    session = start(youtube, tmp_path)
    reply = session.submit("What's the latency target and how many requests per second do we get?")
    assert "200 ms" in reply.text and "50K" in reply.text
    assert "for you to decide" not in reply.text and "make an assumption" not in reply.text
    assert session.turns[-1].meta["facts"] == ["latency", "scale"]


def test_two_parts_asking_amounts_of_one_fact_share_it_and_nothing_is_left_unanswered(
    youtube: Question, tmp_path: Path
) -> None:
    session = start(youtube, tmp_path)
    reply = session.submit("How many users and how much traffic do we get?")
    assert "500 million" in reply.text
    assert "decide" not in reply.text and "assumption" not in reply.text


def test_an_amount_the_facts_do_not_hold_is_named_and_left_to_an_assumption(tmp_path: Path) -> None:
    fraud = QuestionBank.load(KNOWLEDGE).get("fraud-detection")
    session = start(fraud, tmp_path)
    reply = session.submit("How many engineers do we have, and what's the latency target?")
    assert "100 ms" in reply.text
    assert "I don't have a number for engineers; make an assumption and state it." in reply.text


def test_a_fact_two_parts_ask_for_goes_to_the_part_closer_in_meaning(youtube: Question) -> None:
    asked = ["What about the users, and what are the users watching?"]
    second = answer_parts(youtube, asked, lambda part, fact: 0.9 if "watching" in part else 0.1)
    first = answer_parts(youtube, asked, lambda part, fact: 0.1 if "watching" in part else 0.9)
    assert [(p, f.topic if f else None) for p, f in second] == [
        ("What about the users", None),
        ("what are the users watching", "scale"),
    ]
    assert [(p, f.topic if f else None) for p, f in first] == [
        ("What about the users", "scale"),
        ("what are the users watching", None),
    ]


def test_what_is_said_for_a_part_without_a_fact_depends_on_what_it_asks() -> None:
    assert (
        unanswered_text("who pays for it")
        == "\u201cWho pays for it\u201d is for you to decide; tell me who you have in mind."
    )
    assert unanswered_text("how many moderators are there") == (
        "I don't have a number for moderators; make an assumption and state it."
    )
    assert "for you to decide" in unanswered_text("Is there a mobile app")


def test_a_part_without_a_keyword_gets_the_fact_closest_in_meaning_if_it_is_close_enough(
    youtube: Question,
) -> None:
    latency = next(f for f in youtube.hidden_facts if f.topic == "latency")

    def similar(part: str, fact: str) -> float:
        return 0.9 if "come back" in part and fact == latency.fact else 0.1

    asked = ["How much traffic is there, and how quickly must the page come back?"]
    answered = answer_parts(youtube, asked, similar)
    assert [(p, f.topic if f else None) for p, f in answered] == [
        ("How much traffic is there", "scale"),
        ("how quickly must the page come back", "latency"),
    ]
    assert answer_parts(youtube, asked)[1][1] is None  # by keywords alone it goes unanswered
    assert answer_parts(youtube, asked, lambda part, fact: 0.2)[1][1] is None  # nothing close enough
