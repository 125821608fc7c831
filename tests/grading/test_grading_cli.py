"""`interviewer grade`: one answer, one phase, a JSON document or a readable report, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main

ANSWER = (
    "I'd optimise for long-term watch time rather than clicks, because clicks reward clickbait. "
    "With 500 million daily users opening the page five times a day that's about 29K requests a second, "
    "so around 50K at peak, and the API has to answer within 200 milliseconds."
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_grade_json_has_score_criteria_feedback_and_grader(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "grade",
        "--question",
        "youtube-recommendations",
        "--phase",
        "requirements",
        "--answer",
        ANSWER,
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert {"score", "criteria", "feedback", "grader"} <= doc.keys()
    assert 1 <= doc["score"] <= 5
    assert doc["grader"] == "offline"
    assert doc["question_id"] == "youtube-recommendations"
    assert doc["criteria"] and all(1 <= c["score"] <= 5 for c in doc["criteria"])
    assert all(q in ANSWER for c in doc["criteria"] for q in c["evidence"])


def test_grade_reads_the_answer_from_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    code, out, _ = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "requirements",
        "--answer-file", str(path), "--json",
    )  # fmt: skip
    from_text = json.loads(out)
    code2, out2, _ = run(
        capsys,
        "grade",
        "--question",
        "youtube-recommendations",
        "--phase",
        "requirements",
        "--answer",
        ANSWER,
        "--json",
    )
    assert code == code2 == 0
    assert from_text == json.loads(out2)


def test_grade_prints_a_readable_report_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "grade",
        "--question",
        "youtube-recommendations",
        "--phase",
        "requirements",
        "--answer",
        ANSWER,
    )
    assert code == 0
    assert out.startswith("Requirements: ")
    assert "Next step:" in out
    assert "Missing key points:" in out


def test_free_text_question_is_matched_to_the_bank(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "grade", "--question", "Design video recommendations for the YouTube home page",
        "--phase", "requirements", "--answer", ANSWER, "--json",
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0
    assert doc["question_id"] == "youtube-recommendations"
    assert any("closest to your text" in f for f in doc["flags"])


def test_an_unknown_phase_exits_2_with_the_valid_phases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "design", "--answer", "x"
    )
    assert code == 2
    assert out == ""
    assert "requirements, architecture, deep_dive, issues, optimization" in err


def test_an_unknown_question_id_exits_2_and_points_to_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "grade", "--question", "no-such-question", "--phase", "issues", "--answer", "x"
    )
    assert code == 2
    assert "interviewer questions" in err


def test_a_missing_answer_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "issues",
        "--answer-file", str(tmp_path / "missing.txt"),
    )  # fmt: skip
    assert code == 2
    assert "cannot read the answer file" in err


def test_the_openai_engine_without_a_key_says_how_to_fix_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "issues", "--answer", ANSWER,
        "--engine", "openai",
    )  # fmt: skip
    assert code == 2
    assert "OPENAI_API_KEY" in err
