"""Reports: the scorecard arithmetic, gaps, Markdown and JSON exports, and history across sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.content.questions import NoteLink
from interviewer.content.rubrics import HiringScale, SignalBand
from interviewer.grading.grade import CriterionGrade, Grade, MissingPoint
from interviewer.grading.report import (
    build_report,
    clock_stamp,
    gap_lines,
    overall_score,
    report_for,
    top_gaps,
)
from interviewer.grading.trends import history
from interviewer.interview.session import InterviewSession
from interviewer.llm.protocol import Usage
from interviewer.store.sessions import SessionRecord, SessionStore
from interviewer.testing import FakeClock, keyword_engine, tiny_question
from interviewer.web.downloads import transcript_markdown

SCALE = HiringScale(
    bands=[
        SignalBand(signal="strong_no_hire", label="Strong no hire", min_score=1.0),
        SignalBand(signal="no_hire", label="No hire", min_score=2.0),
        SignalBand(signal="lean_hire", label="Lean hire", min_score=3.0),
        SignalBand(signal="hire", label="Hire", min_score=3.6),
        SignalBand(signal="strong_hire", label="Strong hire", min_score=4.3),
    ],
    communication_weight=0.2,
)


def grade(phase: str, score: float, missing: list[str] = ()) -> Grade:  # type: ignore[assignment]
    points = [
        MissingPoint(
            key_point_id=m, point=f"Covers {m}.", learn=NoteLink(file="overview.md", heading=f"About {m}")
        )
        for m in missing
    ]
    criterion = CriterionGrade(
        criterion_id="c", name="Coverage", weight=1.0, score=round(score), level="lvl", missing=points
    )
    return Grade(question_id="video-recs", phase=phase, score=score, criteria=[criterion], grader="offline")  # type: ignore[arg-type]


def test_without_missed_points_the_gaps_are_the_criteria_below_the_top_level() -> None:
    grades = {"requirements": grade("requirements", 3.0), "architecture": grade("architecture", 4.0)}
    card = build_report(_record(), tiny_question(), [], grades, [], SCALE).scorecard

    assert card.gaps == []
    assert [(g.phase, g.score) for g in card.below_top] == [("requirements", 3), ("architecture", 4)]
    lines = gap_lines(card)
    assert not any("No gaps found" in line for line in lines)
    assert lines[0].startswith("No key point was missed")
    assert "**Requirements, Coverage**: 3 / 5" in lines[2]


def test_no_gaps_found_only_when_every_criterion_is_at_the_top_level() -> None:
    grades = {"requirements": grade("requirements", 5.0), "architecture": grade("architecture", 5.0)}
    card = build_report(_record(), tiny_question(), [], grades, [], SCALE).scorecard
    report = build_report(_record(), tiny_question(), [], grades, [], SCALE)

    assert card.below_top == []
    assert gap_lines(card) == ["No gaps found: every criterion is at the top level."]
    assert "No gaps found: every criterion is at the top level." in report.to_markdown()


def _record() -> SessionRecord:
    return SessionRecord(
        id="s1",
        question_id="video-recs",
        minutes=45,
        drill=None,
        engine="offline",
        state="done",
        created_at=1_700_000_000.0,
        updated_at=1_700_000_900.0,
        data={},
    )


def test_the_overall_score_blends_phases_and_communication_by_the_scale_weight() -> None:
    assert overall_score([4.0, 2.0], 5.0, SCALE) == pytest.approx(0.8 * 3.0 + 0.2 * 5.0)
    assert overall_score([4.0, 2.0], None, SCALE) == 3.0
    assert overall_score([], 4.0, SCALE) is None


def test_gaps_come_from_the_weakest_phases_first_and_spread_across_phases() -> None:
    grades = {
        "requirements": grade("requirements", 4.0, ["r1"]),
        "architecture": grade("architecture", 1.5, ["a1", "a2", "a3"]),
        "deep_dive": grade("deep_dive", 2.5, ["d1"]),
    }
    gaps = top_gaps(grades, ["requirements", "architecture", "deep_dive"])
    assert [g.key_point_id for g in gaps] == ["a1", "d1", "r1"]
    assert gaps[0].learn.heading == "About a1"


@pytest.fixture
def finished(tmp_path: Path) -> tuple[SessionStore, str]:
    store = SessionStore(tmp_path / "sessions.db")
    clock = FakeClock()
    session = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    session.start()
    clock.advance(minutes=2)
    session.submit("How many users are there?")
    session.hint()
    clock.advance(minutes=2)
    session.submit(
        "We should optimise watch time, not clicks. With 500 million daily active users and 50K peak qps, "
        "the home page needs a latency budget of 200 milliseconds."
    )
    session.next_phase()
    clock.advance(minutes=5)
    session.submit("I'd use candidate generation then ranking.")
    session.next_phase()
    session.next_phase()  # leaves the deep dive without a word: graded
    session.end()  # ends during the issues before any answer: not assessed
    store.add_usage(session.id, [Usage("gpt-4o-mini", 1_000, 200)], at=clock())
    return store, session.id


def test_a_finished_interview_gets_scores_signal_gaps_and_an_outline(
    finished: tuple[SessionStore, str],
) -> None:
    store, session_id = finished
    report = report_for(store, session_id, lambda _: tiny_question(), SCALE)
    card = report.scorecard
    scores = {p.phase: p.score for p in card.phases}
    assert scores["requirements"] == 5.0 and scores["architecture"] == 3.0
    assert scores["issues"] is None and not card.complete  # not reached
    assert card.overall is not None and card.communication is not None
    assert card.signal == "insufficient_evidence" and card.signal_label == "Not enough evidence to call"
    assert card.evidence is not None and not card.evidence.sufficient and card.evidence.answers == 3
    assert card.weakest_phase == "deep_dive"  # moved on without a word
    assert card.model_outline == tiny_question().phase("deep_dive").model_outline
    assert card.hints_used == 1
    assert card.gaps and card.gaps[0].phase == "deep_dive"
    assert card.phases[0].minutes_spent == pytest.approx(4.0)
    assert card.usage.calls == 1 and card.usage.cost_usd is not None and card.usage.cost_usd > 0


def test_the_json_report_holds_the_whole_session(finished: tuple[SessionStore, str]) -> None:
    store, session_id = finished
    document = json.loads(report_for(store, session_id, lambda _: tiny_question(), SCALE).render("json"))
    assert document["session"]["id"] == session_id
    assert [v["phase"] for v in document["phases_visited"]] == [
        "requirements",
        "architecture",
        "deep_dive",
        "issues",
    ]
    assert [v["reason"] for v in document["phases_visited"]] == [
        "candidate",
        "candidate",
        "candidate",
        "ended",
    ]
    assert document["hints"] == [
        {"phase": "requirements", "level": 1, "at": pytest.approx(document["hints"][0]["at"])}
    ]
    roles = {t["role"] for t in document["turns"]}
    assert roles == {"system", "interviewer", "candidate"}
    assert all(
        t["phase"] in (None, "requirements", "architecture", "deep_dive", "issues") for t in document["turns"]
    )
    assert document["chart"]["x"][:2] == ["Requirements", "Architecture"]
    assert document["chart"]["y"][0] == 5.0
    assert set(document["grades"]) == {"requirements", "architecture", "deep_dive", "communication"}
    assert document["timings"]["total_seconds"] == pytest.approx(9 * 60)


def test_the_markdown_report_has_the_scorecard_chart_gaps_and_transcript(
    finished: tuple[SessionStore, str],
) -> None:
    store, session_id = finished
    md = report_for(store, session_id, lambda _: tiny_question(), SCALE).to_markdown()
    assert md.startswith("# Interview report: Design video recommendations")
    assert "| Requirements | 5.0 |" in md
    assert "Hiring signal:" in md
    assert "\u2588" in md and "not assessed" in md  # the bar chart
    assert "## Top gaps" in md and "](knowledge/" in md
    assert "## Model answer outline: Deep dive" in md
    assert "**You**" in md and "How many users are there?" in md
    assert "(hint)" in md


def test_report_and_transcript_stamp_turns_in_whole_minutes_and_seconds(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    clock = FakeClock()
    session = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=clock)
    session.start()
    clock.advance(59.4)
    session.submit("How many users are there?")
    clock.advance(164.7 - 59.4)
    session.submit("We should optimise watch time, not clicks.")
    report = report_for(store, session.id, lambda _: tiny_question(), SCALE)

    md = report.to_markdown()
    transcript = transcript_markdown(report)

    assert "**You** [0:59]: How many users are there?" in md
    assert "**You** [2:44]: We should optimise watch time, not clicks." in md
    assert "**You** [0:59]: How many users are there?" in transcript
    assert "**You** [2:44]: We should optimise watch time, not clicks." in transcript
    assert ":60]" not in md + transcript and "[3:45]" not in md


def test_a_clock_stamp_never_rounds_up() -> None:
    assert [clock_stamp(s) for s in (0.0, 59.96, 60.0, 164.7, 3599.9, 3661.0)] == [
        "0:00",
        "0:59",
        "1:00",
        "2:44",
        "59:59",
        "61:01",
    ]


def test_a_spoken_summary_names_the_score_signal_and_next_phase(finished: tuple[SessionStore, str]) -> None:
    store, session_id = finished
    summary = report_for(store, session_id, lambda _: tiny_question(), SCALE).spoken_summary()
    assert "out of 5" in summary and "deep dive" in summary


def test_a_one_phase_drill_suggests_drilling_that_phase_again_not_a_next_phase(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.db")
    clock = FakeClock()
    session = InterviewSession.create(
        tiny_question(), keyword_engine(), store, clock=clock, minutes=20, drill="deep_dive"
    )
    session.start()
    clock.advance(minutes=3)
    session.submit("I'd shard the candidate index and cache the ranker's features.")
    closing = session.end()

    summary = report_for(store, session.id, lambda _: tiny_question(), SCALE).spoken_summary()
    assert "next is deep dive" not in summary and "work on next" not in summary
    assert "Drill deep dive again" in summary
    assert "work on next" not in closing.text


def test_a_session_with_no_answers_reports_nothing_to_score(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    session = InterviewSession.create(tiny_question(), keyword_engine(), store, clock=FakeClock())
    session.start()
    session.end()
    report = build_report(
        store.get_session(session.id), tiny_question(), store.turns(session.id), {}, [], SCALE
    )
    assert report.scorecard.overall is None and report.scorecard.signal is None
    assert "enough to score" in report.spoken_summary()


def _scored_session(store: SessionStore, clock: FakeClock, scores: dict[str, float]) -> None:
    record = store.create_session(
        question_id="video-recs", minutes=45, drill=None, engine="offline", at=clock()
    )
    for phase, score in scores.items():
        store.save_grade(record.id, phase, grade(phase, score), at=clock())
    clock.advance(minutes=60)


def test_history_follows_each_phase_and_suggests_the_weakest_as_the_next_drill(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    clock = FakeClock()
    all_phases = {
        "requirements": 3.0,
        "architecture": 3.0,
        "deep_dive": 2.0,
        "issues": 3.5,
        "optimization": 4.0,
    }
    _scored_session(store, clock, all_phases)
    _scored_session(store, clock, {**all_phases, "deep_dive": 2.5, "architecture": 4.0})
    store.create_session(
        question_id="video-recs", minutes=45, drill=None, engine="offline", at=clock()
    )  # no grades
    trend = history(store)
    assert trend.sessions == 2
    by_phase = {t.phase: t for t in trend.trends}
    assert [p.score for p in by_phase["architecture"].points] == [3.0, 4.0]
    assert by_phase["architecture"].change == 1.0
    assert by_phase["deep_dive"].mean == 2.25
    assert trend.next_drill == "deep_dive"
    assert "lowest recent mean" in trend.reason
    assert "Next drill:** Deep dive" in trend.to_markdown()


def test_history_suggests_a_phase_never_assessed_first(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    _scored_session(store, FakeClock(), {"requirements": 1.0, "architecture": 4.0})
    trend = history(store)
    assert trend.next_drill == "deep_dive"
    assert "not been assessed" in trend.reason


def test_history_of_an_empty_store_suggests_nothing(tmp_path: Path) -> None:
    trend = history(SessionStore(tmp_path / "s.db"))
    assert trend.sessions == 0 and trend.next_drill is None
