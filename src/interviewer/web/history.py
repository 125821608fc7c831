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
from typing import TYPE_CHECKING, Any

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


def history_rows(store: SessionStore, bank: QuestionBank, rubrics: RubricSet) -> list[HistoryRow]:
    """Saved interviews, newest first, with their scores."""
    from interviewer.grading.report import report_for

    rows = []
    for record in reversed(store.list_sessions()):
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


def trends(rows: Sequence[HistoryRow]) -> dict[str, list[Any]]:
    """Per-phase scores across scored sessions, oldest first, as columns for a line chart.

    A phase no session has a score for gets no column.
    """
    scored = [r for r in reversed(list(rows)) if r.overall is not None]
    names = [*(PHASE_NAMES[p] for p in PHASES), COMMUNICATION]
    table: dict[str, list[Any]] = {"Session": [f"{r.created} ({r.session_id[:4]})" for r in scored]}
    for name in names:
        column = [r.scores.get(name) for r in scored]
        if any(v is not None for v in column):
            table[name] = column
    return table


def next_drill(store: SessionStore) -> str:
    """Which phase to practise next, and why, from the saved scores."""
    from interviewer.grading.trends import history

    found = history(store)
    if found.next_drill is None:
        return found.reason
    return f"Next drill: {PHASE_NAMES[found.next_drill]}. {found.reason}"
