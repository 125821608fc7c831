"""`interviewer grade --diagram FILE.mmd`: the drawing's review in the JSON and in the score, an empty answer
allowed, and a bad diagram reported with its line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.locations import TEST_DATA

from interviewer.cli import main

DIAGRAMS = TEST_DATA / "diagrams"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _grade(capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    code, out, err = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "architecture", *extra, "--json"
    )
    assert code == 0, err
    return json.loads(out)


def test_a_diagram_alone_is_graded_and_its_review_is_in_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _grade(capsys, "--answer", "", "--diagram", str(DIAGRAMS / "yt-strong.mmd"))
    diagram = doc["diagram"]
    assert {"components", "matched", "missing", "flow_problems"} <= diagram.keys()
    assert "Ranking model" in diagram["components"]
    assert {"candidate": "Ranking model", "reference": "Ranking model"} in diagram["matched"]
    assert diagram["missing"] == []
    assert all(isinstance(p, str) for p in diagram["flow_problems"])
    assert doc["score"] > 1.0  # the drawing counts: an empty answer alone scores 1


def test_the_answer_may_be_left_out_when_a_diagram_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _grade(capsys, "--diagram", str(DIAGRAMS / "yt-sparse.mmd"))
    assert doc["diagram"]["missing"]


def test_the_score_accounts_for_the_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    words = "The user calls the API, which calls a model and a database."
    alone = _grade(capsys, "--answer", words)
    strong = _grade(capsys, "--answer", words, "--diagram", str(DIAGRAMS / "yt-strong.mmd"))
    broken = _grade(capsys, "--answer", words, "--diagram", str(DIAGRAMS / "yt-train-in-path.mmd"))
    assert alone.get("diagram") is None
    assert strong["score"] > alone["score"]
    assert strong["score"] > broken["score"]
    assert any("training" in p for p in broken["diagram"]["flow_problems"])


def test_a_bad_diagram_names_its_line_and_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.mmd"
    path.write_text("flowchart LR\n  A[API] --> B[(DB)]\n  B -->\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "grade",
        "--question",
        "youtube-recommendations",
        "--phase",
        "architecture",
        "--diagram",
        str(path),
    )
    assert code == 2
    assert "line 3" in err
    assert out == ""


def test_no_answer_and_no_diagram_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "grade", "--question", "youtube-recommendations", "--phase", "architecture")
    assert code == 2
    assert "--diagram" in err


def test_the_text_report_lists_the_diagram(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "grade", "--question", "youtube-recommendations", "--phase", "architecture",
        "--answer", "", "--diagram", str(DIAGRAMS / "yt-online-only.mmd"),
    )  # fmt: skip
    assert code == 0
    assert "Diagram: level" in out
    assert "Missing:" in out
