"""The interviewer follows the candidate: requests said in words, one challenge per sentence, no grilling,
and a closing line that counts the time of the phase the interview ended in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import main
from interviewer.interview.reading import spoken_command


def interview(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, question: str, *turns: str
) -> dict[str, Any]:
    script = tmp_path / "answers.txt"
    script.write_text("\n---\n".join(turns), encoding="utf-8")
    code = main(
        ["interview", "--question", question, "--answers", str(script), "--engine", "offline", "--json"]
    )
    assert code == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def replies(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in result["turns"] if t["role"] == "interviewer"]


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("Can we move on?", "next"),
        ("Okay, let's move on.", "next"),
        ("I'm done with requirements.", "next"),
        ("Next part, please.", "next"),
        ("Let's wrap up.", "end"),
        ("I'm done, let's wrap it up.", "end"),
        ("I'd like to end the interview.", "end"),
        ("That's all from me.", "end"),
        ("Let's stop the model from retraining on every click.", None),
        ("We are done with the analysis so the model ships.", None),
        (
            "Let me move on to the architecture: the client calls a gateway, which calls the scoring "
            "service, which reads the feature store.",
            None,
        ),
    ],
)
def test_a_short_request_in_words_is_read_as_the_command_it_asks_for(said: str, command: str | None) -> None:
    assert spoken_command(said) == command


def test_asking_in_words_to_move_on_or_wrap_up_does_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = interview(
        capsys,
        tmp_path,
        "fraud-detection",
        "How many transactions per second at peak, and how fast must the decision be?",
        "Can we move on?",
        "The payment service calls a scoring service that reads a feature store and runs a boosted-tree model.",
        "Let's wrap up.",
    )
    moves = [r["move"] for r in replies(result)]
    assert moves[-1] == "close"
    assert "advance" in moves
    said = [t for t in result["turns"] if t["role"] == "candidate" and t["text"] == "Can we move on?"]
    assert said and said[0]["phase"] == "requirements"
    # The candidate's own words are kept in the transcript.
    assert any(t["text"] == "Let's wrap up." for t in result["turns"])


def test_a_sentence_with_two_wrong_claims_is_challenged_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sentence = "Since fraud is rare, accuracy will be high anyway, so accuracy is our goal metric."
    result = interview(
        capsys,
        tmp_path,
        "fraud-detection",
        sentence,
        "The payment service calls a scoring service synchronously with a feature store.",
        "A rules engine sits next to the model for hard blocks.",
        "/end",
    )
    quoting = [r for r in replies(result) if r["move"] == "challenge"]
    assert len(quoting) == 1


def test_errors_left_over_from_earlier_turns_stop_after_two_challenges_in_a_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = interview(
        capsys,
        tmp_path,
        "fraud-detection",
        "The goal is accuracy. We threshold at 0.5 on the probability. If the scoring service is down, we "
        "block every transaction to be safe.",
        "The payment service calls a scoring service synchronously with a feature store.",
        "A rules engine sits next to the model for hard blocks.",
        "/end",
    )
    moves = [r["move"] for r in replies(result)]
    assert moves[1:3] == ["challenge", "challenge"]
    assert moves[3] != "challenge"
    # The error that was not raised is still in the feedback.
    errors = [e["quote"] for g in result["grades"].values() for e in g.get("errors", [])]
    assert any("block every transaction" in q for q in errors)


def test_the_closing_line_counts_the_minutes_of_the_phase_the_interview_ended_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = interview(
        capsys,
        tmp_path,
        "fraud-detection",
        "How many transactions per second at peak, and how fast must the decision be?",
        "The goal is catching fraud dollars at a fixed false-positive rate, since fraud is about 0.1 percent.",
        "Labels come from chargebacks, which arrive weeks later, so training uses matured labels.",
        "/end",
    )
    minutes = result["scorecard"]["evidence"]["minutes"]
    assert minutes > 0
    assert f"over {minutes:g} minutes" in replies(result)[-1]["text"]


def test_feedback_names_a_sentence_in_error_once_even_when_it_breaks_two_points(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sentence = "Since fraud is rare, accuracy will be high anyway, so accuracy is our goal metric."
    code = main(
        ["grade", "--question", "fraud-detection", "--phase", "requirements", "--answer", sentence, "--json"]
    )
    assert code == 0
    graded = json.loads(capsys.readouterr().out)
    assert len(graded["errors"]) >= 2  # both wrong claims are still listed as errors
    checks = [line for line in graded["improvements"] if line.startswith("Check ")]
    assert len(checks) == 1


def test_the_interviewer_does_not_ask_for_a_fact_it_has_just_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from interviewer.content.questions import QuestionBank
    from locations import KNOWLEDGE

    question = QuestionBank.load(KNOWLEDGE).get("fraud-detection")
    latency = [p for p in question.phase("requirements").probes if "How quickly" in p]
    assert latency  # the bank has a probe that asks for the latency target
    result = interview(
        capsys,
        tmp_path,
        "fraud-detection",
        "How many transactions per second at peak, and how fast does the decision have to be?",
        "A rules engine sits next to the model for hard blocks.",
        "We keep the model simple at first.",
        "Analysts look at the hardest cases.",
        "/end",
    )
    asked = " ".join(r["text"] for r in replies(result)[2:])
    assert not any(p in asked for p in latency)
