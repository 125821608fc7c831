"""`interviewer questions`, `interview`, `sessions` and `report` on the shipped bank and the offline engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import main
from interviewer.config import Settings
from interviewer.content.questions import QuestionBank
from interviewer.interview.commands import act
from interviewer.interview.session import InterviewSession
from interviewer.phases import PHASES
from interviewer.store.sessions import SessionStore
from interviewer.testing import keyword_engine

ANSWERS = """\
Before I start, what are we optimising for, clicks or watch time?
---
And how many users and requests per second should I plan for?
---
I'd optimise for long-term watch time rather than click-through, because clicks reward clickbait.
With 500 million daily actives and five home page loads each, that's 2.5 billion requests a day,
about 29K per second on average and 50K at peak.
---
/hint
---
/next
---
Two stages: candidate generation narrows a billion videos to about a thousand, then a ranking model
scores those and returns the top 50. Features come from a feature store shared by training and serving.
---
/end
"""


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.txt"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


def test_questions_lists_the_bank_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    ids = [q["id"] for q in document["questions"]]
    assert "youtube-recommendations" in ids
    assert ids == sorted(ids)
    assert set(document["questions"][0]) == {"id", "title", "topic", "difficulty"}


def test_questions_prints_one_line_per_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("youtube-recommendations") for line in lines)


def test_a_scripted_interview_prints_the_whole_session_as_json(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "interview",
            "--question",
            "youtube-recommendations",
            "--answers",
            str(answers),
            "--engine",
            "offline",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert document["session"]["question_id"] == "youtube-recommendations"
    assert document["session"]["state"] == "done"
    visited = [v["phase"] for v in document["phases_visited"]]
    assert visited[:2] == ["requirements", "architecture"]
    assert all(p in PHASES for p in visited)
    candidate = [t for t in document["turns"] if t["role"] == "candidate"]
    assert candidate[0]["text"].startswith("Before I start")
    assert candidate[0]["kind"] == "question" and candidate[0]["phase"] == "requirements"
    interviewer = [t for t in document["turns"] if t["role"] == "interviewer"]
    assert "watch time" in interviewer[1]["text"]  # the hidden fact, given because it was asked
    assert [h["level"] for h in document["hints"]] == [1]
    card = document["scorecard"]
    assert card["phases"][0]["score"] is not None
    assert card["overall"] is not None and card["signal"] is not None
    assert document["timings"]["total_seconds"] >= 0


def test_a_scripted_interview_in_text_shows_banners_and_the_scorecard(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["interview", "--question", "youtube-recommendations", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "[Requirements (1/5)" in out and "min left" in out
    assert "Interviewer:" in out and "You: /hint" in out
    assert "## Scorecard" in out
    assert "interviewer report" in out


def saved_session(*texts: str, finish: bool = True) -> str:
    """A session on the shipped YouTube question, saved where the CLI looks, driven with the fast keyword engine."""
    settings = Settings.from_env()
    store = SessionStore(settings.ensure_home() / "sessions.db")
    question = QuestionBank.load(settings.knowledge_dir).get("youtube-recommendations")
    session = InterviewSession.create(question, keyword_engine(), store)
    session.start()
    for text in texts:
        act(session, text).reply  # noqa: B018 - consumes and saves the reply
    if finish and not session.done:
        session.end()
    return session.id


def test_sessions_list_export_report_and_delete(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    session_id = saved_session(
        "How many users?", "I'd optimise for watch time rather than clicks.", "/hint", "/next"
    )

    assert main(["sessions", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in listing["sessions"]] == [session_id]
    assert listing["sessions"][0]["scores"]["requirements"] >= 1
    assert listing["history"]["next_drill"] in PHASES

    assert main(["sessions", "export", session_id, "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Interview report: Design YouTube video recommendations")

    out_file = tmp_path / "report.json"
    assert main(["report", session_id, "--format", "json", "-o", str(out_file)]) == 0
    assert json.loads(out_file.read_text())["session"]["id"] == session_id

    assert main(["report", session_id]) == 0
    assert "## Transcript" in capsys.readouterr().out

    assert main(["sessions", "delete", session_id]) == 0
    capsys.readouterr()
    assert main(["report", session_id]) == 2
    assert "no saved session" in capsys.readouterr().err


def test_an_unfinished_interview_can_be_resumed_from_the_command_line(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = saved_session("How many users do we have?", finish=False)
    assert main(["interview", "--resume", session_id, "--answers", str(answers), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["session"]["id"] == session_id and again["session"]["state"] == "done"
    candidate = [t["text"] for t in again["turns"] if t["role"] == "candidate"]
    assert candidate[0] == "How many users do we have?"
    assert candidate[1].startswith("Before I start")


def test_a_drill_defaults_to_twenty_minutes_on_one_phase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "drill.txt"
    script.write_text("If the ranker fails we fall back to popular videos.\n---\n/end\n", encoding="utf-8")
    assert (
        main(
            [
                "interview",
                "--question",
                "youtube-recommendations",
                "--drill",
                "issues",
                "--answers",
                str(script),
                "--json",
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["session"]["minutes"] == 20 and document["session"]["drill"] == "issues"
    assert [v["phase"] for v in document["phases_visited"]] == ["issues"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["interview", "--question", "no-such-question", "--answers", "x"], "interviewer questions"),
        (["interview", "--drill", "coding"], "unknown phase"),
        (["interview", "--answers", "/nonexistent/answers.txt"], "cannot read the answers file"),
        (["sessions", "export"], "needs a SESSION_ID"),
    ],
)
def test_bad_input_exits_2_with_a_message_naming_the_fix(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if "x" in argv:
        (tmp_path / "x").write_text("hello", encoding="utf-8")
        argv = [a if a != "x" else str(tmp_path / "x") for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def _run_json(script: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    argv = ["interview", "--question", "youtube-recommendations", "--answers", str(script), "--json", *extra]
    assert main(argv) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


LONG_ANSWER = (
    "The ranker scores about a thousand candidates with gradient-boosted trees on user, video and context "
    "features, and we retrain it daily on watch-time labels so it does not learn to favour clickbait. "
    "Candidates come from collaborative filtering, content similarity and trending, precomputed daily into "
    "a key-value store and refreshed with the last few watches, which keeps retrieval under fifty "
    "milliseconds. The profile keeps the last hundred videos, preferences and demographics."
)


def test_a_scripted_interview_reports_how_long_its_turns_take_to_say(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _run_json(answers, capsys=capsys)
    words = sum(len(t["text"].split()) for t in document["turns"] if t["role"] == "candidate")
    timings = document["timings"]
    assert timings["total_seconds"] >= 60.0 * words / 130
    assert timings["per_phase_seconds"]["requirements"] > 30


def test_a_scripted_drill_runs_out_of_time_like_a_live_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "drill.txt"
    script.write_text("\n---\n".join([LONG_ANSWER] * 8), encoding="utf-8")
    document = _run_json(script, "--drill", "deep_dive", "--minutes", "2", capsys=capsys)
    visits = document["phases_visited"]
    assert [v["reason"] for v in visits] == ["time"]
    assert 120 <= visits[0]["seconds"] < 200
