"""A hiring signal only with enough evidence: the scorecard says what it rests on, and a short drill or an
interview ended after one phase gets "Not enough evidence to call" next to the phase scores it has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.content.rubrics import RubricSet
from interviewer.grading.report import Report
from interviewer.interview.session import InterviewSession
from interviewer.phases import PHASES
from interviewer.store.sessions import SessionStore
from interviewer.testing import TINY_COVERING_ANSWERS, FakeClock, keyword_engine, tiny_question

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
SCALE = RubricSet.load(KNOWLEDGE).scale
BANDS = {"strong_no_hire", "no_hire", "lean_hire", "hire", "strong_hire"}
MORE = (
    "We log impressions and watches so the next training run has labels.",
    "A canary release sends one percent of traffic to the new model first.",
)


def report_of(session: InterviewSession) -> Report:
    report: Report = session.report()
    return report


def a_session(tmp_path: Path, clock: FakeClock, **kwargs: object) -> InterviewSession:
    store = SessionStore(tmp_path / "sessions.db")
    session = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock, **kwargs)  # type: ignore[arg-type]
    session.engine.rubrics = RubricSet.load(KNOWLEDGE)
    session.start()
    return session


def test_a_drill_of_three_answers_in_thirty_seconds_is_not_enough_to_call(tmp_path: Path) -> None:
    clock = FakeClock()
    session = a_session(tmp_path, clock, minutes=20, drill="deep_dive")
    for text in (TINY_COVERING_ANSWERS["deep_dive"], *MORE):
        clock.advance(seconds=10)
        session.submit(text)
    closing = session.end()
    card = report_of(session).scorecard
    assert card.signal == "insufficient_evidence" and card.signal_label == "Not enough evidence to call"
    assert card.phases[0].score is not None  # the phase score that exists is still there
    assert card.phases[0].evidence_note is not None and "little evidence" in card.phases[0].evidence_note
    assert card.evidence is not None and card.evidence.answers == 3 and card.evidence.drill
    assert "hire" not in closing.text.lower() or "not a hiring signal" in closing.text


def test_a_long_drill_still_gives_a_per_phase_assessment_rather_than_a_hire_signal(tmp_path: Path) -> None:
    clock = FakeClock()
    session = a_session(tmp_path, clock, minutes=20, drill="deep_dive")
    for i in range(12):
        clock.advance(minutes=1.6)
        session.submit(f"{TINY_COVERING_ANSWERS['deep_dive']} Point {i}: {MORE[i % 2]}")
    session.end()
    card = report_of(session).scorecard
    assert card.signal == "insufficient_evidence" and "per-phase assessment" in card.evidence.why  # type: ignore[union-attr]
    assert "per-phase assessment" in report_of(session).spoken_summary()


def test_a_45_minute_interview_ended_after_one_phase_is_not_enough_to_call(tmp_path: Path) -> None:
    clock = FakeClock()
    session = a_session(tmp_path, clock)
    for text in (TINY_COVERING_ANSWERS["requirements"], "How fast must it be?", "And what availability?"):
        clock.advance(minutes=3)
        session.submit(text)
    session.end()
    card = report_of(session).scorecard
    assert card.signal == "insufficient_evidence"
    assert card.evidence is not None and card.evidence.phases_assessed == 1
    assert "not enough evidence" in report_of(session).spoken_summary()


def test_a_whole_interview_with_enough_evidence_gets_a_hire_signal(tmp_path: Path) -> None:
    clock = FakeClock()
    session = a_session(tmp_path, clock)
    for phase in PHASES:
        for text in (TINY_COVERING_ANSWERS[phase], *MORE):
            clock.advance(minutes=session.pacing.minutes[phase] / 3)
            if session.phase == phase:
                session.submit(text)
        if session.phase == phase:
            session.next_phase()
    session.submit("I'd revisit the cache first.")
    card = report_of(session).scorecard
    assert card.evidence is not None and card.evidence.sufficient, card.evidence
    assert card.signal in BANDS
    assert all(p.evidence_note is None for p in card.phases)


def test_the_threshold_is_read_from_the_hiring_signal_file() -> None:
    assert SCALE.evidence.min_minutes == 12 and SCALE.evidence.min_phases == 4
    assert SCALE.evidence.min_answers == 12 and not SCALE.evidence.drills


def test_the_cli_reports_insufficient_evidence_for_a_short_drill_in_both_json_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "drill.txt"
    script.write_text(
        "If the ranker fails we fall back to popular videos.\n---\nWe alert when watch time drops.\n---\n"
        "We retrain daily.\n---\n/end\n",
        encoding="utf-8",
    )
    argv = [
        "interview",
        "--question",
        "youtube-recommendations",
        "--drill",
        "issues",
        "--answers",
        str(script),
    ]
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    card = document["scorecard"]
    assert card["signal"] == "insufficient_evidence" and card["signal_label"] == "Not enough evidence to call"
    assert card["evidence"]["answers"] == 3 and card["phases"][0]["score"] is not None
    assert main(["report", document["session"]["id"], "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["scorecard"]["signal"] == "insufficient_evidence"
    assert main(["report", document["session"]["id"]]) == 0
    markdown = capsys.readouterr().out
    assert "Not enough evidence to call" in markdown and "Evidence: " in markdown
