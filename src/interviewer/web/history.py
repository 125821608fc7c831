"""Past interviews as the History page shows them: one row per session with its scores, the per-phase
trend across sessions, and the phase to drill next.

The rows are summaries of the saved reports (`interviewer.grading.report`); a session that cannot be summarised
still gets a row, without scores, so it can be opened or deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from interviewer.errors import InterviewerError
from interviewer.phases import PHASE_NAMES, PHASES

if TYPE_CHECKING:
    from interviewer.content.questions import QuestionBank
    from interviewer.content.rubrics import RubricSet
    from interviewer.store.sessions import SessionStore

log = logging.getLogger(__name__)

COMMUNICATION = "Communication"


@dataclass(frozen=True)
class HistoryRow:
    session_id: str
    owner: str
    created: str
    title: str
    minutes: int
    drill: str | None
    engine: str
    state: str
    finished: bool
    overall: float | None
    signal: str | None
    scores: dict[str, float | None]


def local_time(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def state_label(state: str) -> str:
    """`in progress (Architecture)`, `finished`, `not started`, ..."""
    if state in PHASES:
        return f"in progress ({PHASE_NAMES[state]})"
    return {"done": "finished", "not_started": "not started", "wrap_up": "wrapping up"}.get(state, state)


def history_rows(
    store: SessionStore, bank: QuestionBank, rubrics: RubricSet, *, owner: str | None = None
) -> list[HistoryRow]:
    """Saved interviews, newest first, with their scores: `owner`'s only, or everyone's when None."""
    from interviewer.grading.report import report_for

    rows = []
    for record in reversed(store.list_sessions(owner=owner)):
        try:
            title = bank.get(record.question_id).title
            report = report_for(store, record.id, bank.get, rubrics.scale)
            scores = {ps.name: ps.score for ps in report.scorecard.phases}
            scores[COMMUNICATION] = report.scorecard.communication
            overall, signal = report.scorecard.overall, report.scorecard.signal_label
        except InterviewerError as err:
            log.warning("cannot summarise session %s: %s", record.id, err)
            title, scores, overall, signal = record.question_id, {}, None, None
        rows.append(
            HistoryRow(
                session_id=record.id,
                owner=record.owner,
                created=local_time(record.created_at),
                title=title,
                minutes=record.minutes,
                drill=PHASE_NAMES[record.drill] if record.drill else None,
                engine=record.engine,
                state=state_label(record.state),
                finished=record.state == "done",
                overall=overall,
                signal=signal,
                scores=scores,
            )
        )
    return rows


NOT_SCORED = "—"

TABLE_WIDTHS: dict[str, Literal["small", "medium", "large"]] = {"Signal": "large"}
"""Display widths for the table's columns: the hiring signal ("Not enough evidence to call") must fit whole."""


def table(rows: Sequence[HistoryRow], *, with_owner: bool = False) -> list[dict[str, str]]:
    """The History table, one row per session, every cell as shown.

    A session with no score yet (an open interview, or a phase it never reached) shows a dash, never "None";
    the overall score and the hiring signal come right after the question, so they are seen without
    scrolling the table sideways.
    """
    return [
        {
            **({"Candidate": r.owner} if with_owner else {}),
            "Date": r.created,
            "Question": r.title,
            "Overall": _score(r.overall),
            "Signal": r.signal or NOT_SCORED,
            "State": r.state,
            "Length": f"{r.minutes} min" + (f" drill: {r.drill}" if r.drill else ""),
            **{name: _score(score) for name, score in r.scores.items()},
        }
        for r in rows
    ]


def _score(value: float | None) -> str:
    return NOT_SCORED if value is None else f"{value:.1f}"


def trends(rows: Sequence[HistoryRow]) -> dict[str, list[Any]]:
    """Per-phase scores across scored sessions, oldest first, as columns.

    A phase no session has a score for gets no column.
    """
    scored = [r for r in reversed(list(rows)) if r.overall is not None]
    names = [*(PHASE_NAMES[p] for p in PHASES), COMMUNICATION]
    table: dict[str, list[Any]] = {"Session": [session_label(r) for r in scored]}
    for name in names:
        column = [r.scores.get(name) for r in scored]
        if any(v is not None for v in column):
            table[name] = column
    return table


def session_label(row: HistoryRow) -> str:
    """`2026-12-05 10:52 (3f2a)`: the date and enough of the id to tell two sessions apart."""
    return f"{row.created} ({row.session_id[:4]})"


def trend_chart(rows: Sequence[HistoryRow]) -> dict[str, Any] | None:
    """A Vega-Lite line chart of the per-phase scores over scored sessions, or None before two are scored.

    Every score is drawn as a point on its line, so a phase scored once (a drill, or a phase reached only
    once) still shows; the sessions on the x axis keep their order and their labels are never cut short.
    """
    columns = trends(rows)
    sessions = columns.pop("Session")
    if len(sessions) < 2 or not columns:
        return None
    values = [
        {"Session": session, "Phase": name, "Score": score}
        for name, scores in columns.items()
        for session, score in zip(sessions, scores, strict=True)
        if score is not None
    ]
    return {
        "data": {"values": values},
        "mark": {"type": "line", "point": {"size": 60, "filled": True}, "tooltip": True},
        "encoding": {
            "x": {
                "field": "Session",
                "type": "ordinal",
                "sort": sessions,
                "title": None,
                "axis": {"labelAngle": -30, "labelLimit": 0, "labelOverlap": False},
            },
            "y": {
                "field": "Score",
                "type": "quantitative",
                "title": "Score (1 to 5)",
                "scale": {"domain": [1, 5]},
            },
            "color": {"field": "Phase", "type": "nominal", "sort": list(columns), "title": None},
        },
    }


def next_drill(store: SessionStore, owner: str | None = None) -> str:
    """Which phase to practise next, and why, from the saved scores (`owner`'s only, when given)."""
    from interviewer.grading.trends import history

    found = history(store, owner=owner)
    if found.next_drill is None:
        return found.reason
    return f"Next drill: {PHASE_NAMES[found.next_drill]}. {found.reason}"
