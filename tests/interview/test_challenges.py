"""The interviewer challenges wrong claims, once each, and never affirms them; the grade lists them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main

WRONG_TURN = (
    "We will optimise click-through rate rather than watch time. "
    "500 million daily users at 5 loads a day is about 2.9 million requests per second."
)


def interview(capsys: pytest.CaptureFixture[str], tmp_path: Path, *turns: str) -> list[dict[str, str]]:
    script = tmp_path / "answers.txt"
    script.write_text("\n---\n".join([*turns, "/end"]), encoding="utf-8")
    code = main(
        [
            "interview",
            "--question",
            "youtube-recommendations",
            "--drill",
            "requirements",
            "--answers",
            str(script),
            "--engine",
            "offline",
            "--json",
        ]
    )
    assert code == 0
    turns_out: list[dict[str, str]] = json.loads(capsys.readouterr().out)["turns"]
    return [t for t in turns_out if t["role"] == "interviewer"]


def test_each_wrong_claim_of_a_turn_is_challenged_on_its_own_turn(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = interview(
        capsys,
        tmp_path,
        WRONG_TURN,
        "Fair point, the objective should be long-term watch time, with CTR only tracked.",
        "Latency should be under 200 ms.",
    )
    assert [r["move"] for r in replies[1:3]] == ["challenge", "challenge"]
    assert "click-through rate" in replies[1]["text"]
    assert "2.9 million requests per second" in replies[2]["text"]
    assert replies[3]["move"] != "challenge"
    assert not replies[1]["text"].startswith(("Right", "Good", "Sure", "Makes sense"))
    # The objective was put right, so that is said before the figure from the same turn is questioned.
    assert replies[2]["text"].startswith(RECOVERED), replies[2]["text"]
    assert (
        "from earlier" in replies[2]["text"]
        or "Earlier you also said" in replies[2]["text"]
        or ("go back to something else" in replies[2]["text"])
    )


def test_the_second_challenge_acknowledges_nothing_when_the_first_was_not_put_right(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = interview(capsys, tmp_path, WRONG_TURN, "Latency should be under 200 ms at the gateway.")
    assert [r["move"] for r in replies[1:3]] == ["challenge", "challenge"]
    assert "2.9 million requests per second" in replies[2]["text"]
    assert not replies[2]["text"].startswith(("Right", "Good", "Sure", "Makes sense", "That holds"))


def test_a_candidate_who_redoes_the_arithmetic_is_not_challenged_on_it_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    replies = interview(
        capsys,
        tmp_path,
        WRONG_TURN,
        "Let me redo the traffic: 500 million daily users times 5 loads a day is about 29 thousand "
        "requests per second.",
    )
    moves = [r["move"] for r in replies]
    assert moves.count("challenge") == 1


RECOVERED = (
    "Good, that fixes it.",
    "That holds up now.",
    "Good, that settles it.",
    "Okay, that's the corrected",
)


def test_a_correction_is_acknowledged_before_the_next_question(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    arithmetic = "500 million daily users at 5 loads a day is about 2.9 million requests per second."
    replies = interview(
        capsys,
        tmp_path,
        arithmetic,
        "You're right, let me redo it: 500 million times 5 is 2.5 billion a day, and over 86,400 seconds "
        "that's about 29 thousand requests per second.",
    )
    assert replies[1]["move"] == "challenge"
    assert replies[2]["move"] != "challenge"
    assert replies[2]["text"].startswith(RECOVERED), replies[2]["text"]


def test_an_answer_that_ignores_the_challenge_or_repeats_the_error_is_not_acknowledged_as_a_fix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    arithmetic = "500 million daily users at 5 loads a day is about 2.9 million requests per second."
    moved_on = interview(
        capsys,
        tmp_path,
        arithmetic,
        "Latency should be under 200 ms at the gateway, with a timeout per stage.",
    )
    assert not moved_on[2]["text"].startswith(RECOVERED), moved_on[2]["text"]
    again = interview(
        capsys,
        tmp_path,
        arithmetic,
        "You're right, let me redo it: 500 million times 5 is 2.5 billion a day, which over 86,400 seconds "
        "is about 290 thousand a second.",
    )
    assert not again[2]["text"].startswith(RECOVERED), again[2]["text"]


def test_a_correct_answer_is_not_challenged(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    replies = interview(
        capsys,
        tmp_path,
        "I'd optimise long-term watch time rather than click-through rate, since clicks reward clickbait. "
        "500 million daily users at 5 loads a day is about 29 thousand requests per second.",
    )
    assert "challenge" not in [r["move"] for r in replies]


def test_grade_json_lists_errors_with_real_quotes_and_they_cost_levels(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def grade(answer: str) -> dict[str, object]:
        code = main(
            [
                "grade",
                "--question",
                "youtube-recommendations",
                "--phase",
                "requirements",
                "--answer",
                answer,
                "--json",
            ]
        )
        assert code == 0
        result: dict[str, object] = json.loads(capsys.readouterr().out)
        return result

    right = grade(
        WRONG_TURN.replace("click-through rate rather than watch time", "watch time rather than CTR").replace(
            "2.9 million", "29 thousand"
        )
    )
    wrong = grade(WRONG_TURN)
    assert right["errors"] == []
    kinds = sorted(e["kind"] for e in wrong["errors"])  # type: ignore[union-attr]
    assert kinds == ["arithmetic", "claim"]
    assert all(e["quote"] in WRONG_TURN for e in wrong["errors"])  # type: ignore[union-attr]
    assert wrong["score"] < right["score"]  # type: ignore[operator]


def test_only_the_point_the_challenged_claim_got_wrong_counts_as_putting_it_right(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    objective = "We will optimise click-through rate rather than watch time."
    elsewhere = interview(capsys, tmp_path, objective, "Latency should be under 200 ms at the gateway.")
    assert elsewhere[1]["move"] == "challenge"
    assert not elsewhere[2]["text"].startswith(RECOVERED), elsewhere[2]["text"]
    fixed = interview(
        capsys,
        tmp_path,
        objective,
        "The objective is long-term watch time and satisfaction; click-through rate is only a guardrail.",
    )
    assert fixed[1]["move"] == "challenge"
    assert fixed[2]["text"].startswith(RECOVERED), fixed[2]["text"]


def _drill(capsys: pytest.CaptureFixture[str], tmp_path: Path, question: str, phase: str, answer: str) -> str:
    script = tmp_path / "answers.txt"
    script.write_text(f"{answer}\n---\n/end", encoding="utf-8")
    args = ["interview", "--question", question, "--drill", phase, "--answers", str(script)]
    assert main([*args, "--engine", "offline", "--json"]) == 0
    turns = json.loads(capsys.readouterr().out)["turns"]
    return str([t for t in turns if t["role"] == "interviewer"][1]["move"])


def test_declining_a_key_point_of_the_phase_being_drilled_is_challenged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    declined = (
        "Invalid traffic exists, but I don't think we need a separate filter in front of billing or training."
    )
    assert _drill(capsys, tmp_path, "ad-serving", "issues", declined) == "challenge"
    asked_more = "I wouldn't rely on the system prompt alone to keep answers grounded; each claim is checked."
    assert _drill(capsys, tmp_path, "support-chatbot-rag", "architecture", asked_more) != "challenge"
