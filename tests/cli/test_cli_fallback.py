"""The command line says when the offline engine stood in for the model: a notice on stderr, a `source` on
each interviewer turn and the engines used in `interview --json`, a `fallback_reason` in `grade --json`.

Against the fake OpenAI-compatible server on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_openai_server import FakeOpenAIServer, Hang, Reply, server_error
from interviewer.cli import main
from interviewer.interview import engine as engine_module

pytestmark = pytest.mark.server

ANSWERS = """\
How many users should I plan for?
---
I'd optimise for long-term watch time rather than clicks, with 500 million daily actives.
---
/end
"""
ANSWER = "We optimise for watch time; 500 million daily users, about 29K requests per second."


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-server-key")
        monkeypatch.setenv("INTERVIEWER_ENGINE", "openai")
        monkeypatch.setenv("INTERVIEWER_MAX_RETRIES", "0")
        monkeypatch.setenv("INTERVIEWER_TIMEOUT", "5")
        monkeypatch.setenv("INTERVIEWER_FIRST_TOKEN_TIMEOUT", "0.5")
        yield fake


@pytest.fixture(autouse=True)
def no_notes_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interviewer's guidance from the notes is beside the point here, and indexing them is slow."""
    monkeypatch.setattr(engine_module, "notes_retriever", lambda settings, embedder=None: lambda query: [])


def test_an_interview_on_a_server_that_hangs_says_so_and_marks_who_said_each_turn(
    server: FakeOpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text(ANSWERS, encoding="utf-8")
    server.script(
        Reply(
            "Hello, thanks for joining. Let's design YouTube video recommendations for the home page. Where would you like to start?"
        ),
        Hang(),
    )

    assert (
        main(["interview", "--question", "youtube-recommendations", "--answers", str(answers), "--json"]) == 0
    )

    captured = capsys.readouterr()
    report = json.loads(captured.out)
    turns = [t for t in report["turns"] if t["role"] == "interviewer"]
    assert [t["source"] for t in turns] == ["llm"] + ["offline"] * (len(turns) - 1)
    assert turns[1]["fallback_reason"] == "timeout"
    assert all(t["source"] is None for t in report["turns"] if t["role"] != "interviewer")
    assert report["session"]["engine"] == "openai"
    assert report["session"]["engines_used"] == {"interviewer": ["llm", "offline"], "grader": ["offline"]}
    notices = [line for line in captured.err.splitlines() if line.startswith("interviewer: ")]
    assert (
        notices[0]
        == "interviewer: the model server did not answer in time; the offline interviewer said this turn"
    )
    assert any("the offline engine takes over until" in line for line in notices)
    assert any("the requirements grade is the offline grader's" in line for line in notices)
    assert sum("takes over" in line for line in notices) == 1, "the breaker is announced once"
    assert sum("said this turn" in line for line in notices) == 1, "not every turn it keeps offline"


def test_an_interview_that_the_model_runs_throughout_reports_only_the_model(
    server: FakeOpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text("/end\n", encoding="utf-8")
    server.script(
        Reply(
            "Hello. Let's design YouTube video recommendations for the home page. Where would you like to start?"
        ),
        Reply("Thanks, that is all for today."),
    )

    assert (
        main(["interview", "--question", "youtube-recommendations", "--answers", str(answers), "--json"]) == 0
    )

    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [t["source"] for t in report["turns"] if t["role"] == "interviewer"] == ["llm", "llm"]
    assert report["session"]["engines_used"]["interviewer"] == ["llm"]
    assert "interviewer: " not in captured.err


@pytest.mark.parametrize(
    ("behaviour", "reason"), [(server_error(500), "unavailable"), (Hang(), "timeout")], ids=["5xx", "hang"]
)
def test_grade_json_says_why_the_offline_grader_stood_in_without_the_error_text(
    server: FakeOpenAIServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    behaviour: object,
    reason: str,
) -> None:
    monkeypatch.setenv("INTERVIEWER_TIMEOUT", "0.5")
    server.script(behaviour)  # type: ignore[arg-type]

    assert main(["grade", "--question", "youtube-recommendations", "--phase", "requirements",
                 "--answer", ANSWER, "--json"]) == 0  # fmt: skip

    captured = capsys.readouterr()
    grade = json.loads(captured.out)
    assert grade["fallback_reason"] == reason
    assert grade["grader"] == "llm+offline-fallback"
    candidate_facing = " ".join([grade["feedback"], *grade["flags"]])
    for error_text in ("http://", "127.0.0.1", "500", "INTERVIEWER_", "LLMUnavailable", "LLMTimeout"):
        assert error_text not in candidate_facing
    assert "This grade is the offline grader's" in candidate_facing
    assert "this is the offline grader's grade" in captured.err


def test_grade_json_has_a_null_fallback_reason_when_nothing_fell_back(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["grade", "--question", "youtube-recommendations", "--phase", "requirements",
                 "--answer", ANSWER, "--json", "--engine", "offline"]) == 0  # fmt: skip

    grade = json.loads(capsys.readouterr().out)
    assert grade["fallback_reason"] is None
