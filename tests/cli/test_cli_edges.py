"""The command line on bad input and at the edges: exit codes, messages that name the fix, quiet endings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.config import Settings
from interviewer.content.questions import QuestionBank
from interviewer.interview.session import InterviewSession
from interviewer.store.sessions import SessionStore
from interviewer.testing import keyword_engine

QUESTION_ID = "youtube-recommendations"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def saved_session(*answers: str, finish: bool = True) -> str:
    """A session on the shipped YouTube question, saved where the CLI looks, driven by the keyword engine."""
    settings = Settings.from_env()
    store = SessionStore(settings.ensure_home() / "sessions.db")
    question = QuestionBank.load(settings.knowledge_dir).get(QUESTION_ID)
    session = InterviewSession.create(question, keyword_engine(), store)
    session.start()
    for text in answers:
        session.submit(text)
    if finish:
        session.end()
    return session.id


def script(tmp_path: Path, text: str, name: str = "answers.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- unknown session ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["sessions", "export", "nosuchsession"],
        ["sessions", "delete", "nosuchsession"],
        ["report", "nosuchsession"],
        ["interview", "--resume", "nosuchsession"],
    ],
)
def test_an_unknown_session_id_exits_2_and_points_to_the_listing(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "no saved session 'nosuchsession'" in err
    assert "interviewer sessions" in err


def test_sessions_delete_needs_a_session_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sessions", "delete")
    assert code == 2
    assert "needs a SESSION_ID" in err and "interviewer sessions" in err


def test_deleting_a_session_twice_fails_the_second_time(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = saved_session("We should optimise watch time, not clicks.")
    code, out, _ = run(capsys, "sessions", "delete", session_id, "--json")
    assert code == 0
    assert json.loads(out) == {"deleted": session_id}
    code, _, err = run(capsys, "sessions", "delete", session_id)
    assert code == 2 and session_id in err


def test_deleting_one_session_leaves_the_others_listed(capsys: pytest.CaptureFixture[str]) -> None:
    keep = saved_session("We should optimise watch time, not clicks.")
    drop = saved_session("How many users do we have?")
    code, out, _ = run(capsys, "sessions", "delete", drop)
    assert code == 0 and f"Deleted session {drop}." in out
    _, out, _ = run(capsys, "sessions", "--json")
    assert [s["id"] for s in json.loads(out)["sessions"]] == [keep]


# -- listing and exporting ----------------------------------------------------------------------------


def test_listing_with_no_sessions_says_how_to_start_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    assert "No saved sessions yet" in out and "interviewer interview" in out


def test_listing_in_text_shows_each_session_its_scores_and_the_next_drill(
    capsys: pytest.CaptureFixture[str],
) -> None:
    session_id = saved_session("We should optimise watch time, not clicks, for 500 million daily users.")
    code, out, _ = run(capsys, "sessions", "list")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith(session_id))
    assert QUESTION_ID in row and "done" in row and "requ=" in row
    assert "Next drill:" in out


def test_an_unfinished_session_without_grades_is_listed_with_no_scores(
    capsys: pytest.CaptureFixture[str],
) -> None:
    session_id = saved_session(finish=False)
    _, out, _ = run(capsys, "sessions")
    row = next(line for line in out.splitlines() if line.startswith(session_id))
    assert "no scores yet" in row and "requirements" in row


def test_export_as_json_holds_the_session_and_its_transcript(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = saved_session("We should optimise watch time, not clicks.")
    code, out, _ = run(capsys, "sessions", "export", session_id, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["session"]["id"] == session_id
    texts = [t["text"] for t in document["turns"] if t["role"] == "candidate"]
    assert "We should optimise watch time, not clicks." in texts


def test_the_report_of_a_session_with_ungraded_phases_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = saved_session("We should optimise watch time, not clicks.")
    code, out, _ = run(capsys, "report", session_id)
    assert code == 0
    assert "| Requirements | " in out
    assert "| Architecture | n/a |" in out
    assert "Some phases were not reached" in out

    code, out, _ = run(capsys, "report", session_id, "--format", "json")
    phases = {p["phase"]: p["score"] for p in json.loads(out)["scorecard"]["phases"]}
    assert phases["requirements"] is not None
    assert phases["architecture"] is None and phases["optimization"] is None


def test_a_report_that_cannot_be_written_exits_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session_id = saved_session()
    target = tmp_path / "no-such-folder" / "report.md"
    code, out, err = run(capsys, "report", session_id, "-o", str(target))
    assert code == 2
    assert out == ""
    assert f"cannot write {target}" in err
    assert not target.exists()


def test_a_report_written_to_a_file_says_where_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session_id = saved_session()
    target = tmp_path / "report.md"
    code, out, err = run(capsys, "report", session_id, "-o", str(target))
    assert code == 0 and out == ""
    assert f"wrote {target}" in err
    assert target.read_text(encoding="utf-8").startswith("# Interview report:")


# -- interview ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["0", "-5", "500"])
def test_an_interview_length_out_of_range_exits_2(
    minutes: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = script(tmp_path, "/end\n")
    code, _, err = run(
        capsys, "interview", "--question", QUESTION_ID, "--minutes", minutes, "--answers", str(answers)
    )
    assert code == 2
    assert "between 1 and 180 minutes" in err


def test_an_answers_file_that_is_not_utf8_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "answers.txt"
    path.write_bytes(b"caf\xe9 latency\n---\n/end\n")
    code, _, err = run(capsys, "interview", "--question", QUESTION_ID, "--answers", str(path))
    assert code == 2
    assert f"cannot read the answers file {path}" in err


def test_an_answers_folder_instead_of_a_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "interview", "--question", QUESTION_ID, "--answers", str(tmp_path))
    assert code == 2
    assert "cannot read the answers file" in err


def test_a_script_that_runs_out_ends_the_interview_and_saves_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = script(tmp_path, "We should optimise watch time, not clicks.\n")
    code, out, _ = run(
        capsys,
        "interview",
        "--question",
        QUESTION_ID,
        "--answers",
        str(answers),
        "--json",
        "--engine",
        "offline",
    )
    assert code == 0
    document = json.loads(out)
    assert document["session"]["state"] == "done"
    actions = [t["text"] for t in document["turns"] if t["role"] == "candidate"]
    assert actions == ["We should optimise watch time, not clicks.", "(ended the interview)"]


def test_end_of_input_at_the_prompt_ends_the_interview(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["We should optimise watch time, not clicks."])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    code, out, _ = run(capsys, "interview", "--question", QUESTION_ID)
    assert code == 0
    assert "## Scorecard" in out
    session_id = out.rsplit("Saved as session ", 1)[1].split(";")[0]
    store = SessionStore(Settings.from_env().db_path)
    assert store.get_session(session_id).state == "done"


def test_ctrl_c_at_the_prompt_exits_130_and_keeps_the_session_resumable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupted)
    code, out, err = run(capsys, "interview", "--question", QUESTION_ID)
    assert code == 130
    assert "interrupted" in err
    session_id = out.split("Session ", 1)[1].split(" ", 1)[0]
    record = SessionStore(Settings.from_env().db_path).get_session(session_id)
    assert record.state == "requirements"


def test_resuming_prints_the_reply_a_saved_turn_was_waiting_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    settings = Settings.from_env()
    store = SessionStore(settings.ensure_home() / "sessions.db")
    question = QuestionBank.load(settings.knowledge_dir).get(QUESTION_ID)
    session = InterviewSession.create(question, keyword_engine(), store)
    session.start()
    session.submit_stream("How many users do we have?")  # saved; the reply never came
    answers = script(tmp_path, "/end\n")
    code, out, _ = run(capsys, "interview", "--resume", session.id, "--answers", str(answers))
    assert code == 0
    first_line = out.splitlines()[0]
    assert first_line.startswith("Interviewer: ")
    assert "users" in first_line.lower()


# -- search and grade ----------------------------------------------------------------------------------


@pytest.mark.parametrize("k", ["0", "-3"])
def test_search_refuses_fewer_than_one_result(
    k: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "search", "cache", "-k", k, "--notes", str(tmp_path))
    assert code == 2
    assert out == ""
    assert "-k must be at least 1" in err


def test_grading_an_answer_file_that_is_a_folder_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "grade", "--question", QUESTION_ID, "--phase", "issues", "--answer-file", str(tmp_path)
    )
    assert code == 2
    assert out == ""
    assert f"cannot read the answer file {tmp_path}" in err


def test_an_unknown_command_exits_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
