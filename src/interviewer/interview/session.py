"""`InterviewSession`: the interview's state machine, driven the same way by the UI and the CLI.

States: not started, then each RADIO phase in turn (a drill has one), then the wrap-up, then done.
The candidate can `submit` an answer or a clarifying question, ask for a `hint`, move to the
`next_phase` or `end` early; each returns the interviewer's `Reply`. The `*_stream` variants return a
`ReplyStream` that yields the reply's text as it is produced and saves it once complete.

The session decides what happens (moves on when a phase's key points are covered or its time is up,
warns when time runs short, probes a missing key point, answers from hidden facts only when asked,
pushes back on hand-waving); the engine's interviewer decides how to say it. Every turn is committed
to the store the moment it happens, together with the state needed to resume.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, cast

from interviewer.content.questions import HiddenFact, Question
from interviewer.diagrams.model import Diagram
from interviewer.errors import BadInput
from interviewer.grading.delivery import Delivery
from interviewer.grading.grade import Grade, saved_grades
from interviewer.interview import board
from interviewer.interview.engine import Engine
from interviewer.interview.interviewer import Utterance
from interviewer.interview.moves import CloseReason, Move, TurnContext
from interviewer.interview.policy import Policy
from interviewer.interview.reading import cap_input, read_turn
from interviewer.interview.replies import Reply, ReplyStream
from interviewer.phases import PHASE_NAMES, PHASES, Pacing, Phase, pacing_for
from interviewer.store.sessions import SessionRecord, SessionState, SessionStore, Turn, TurnKind

log = logging.getLogger(__name__)

Clock = Callable[[], float]
MAX_HINT_LEVEL = 3


def _fresh_data() -> dict[str, Any]:
    return {
        "phase_started_at": None,
        "paused": 0.0,
        "spent": {},
        "visits": [],
        "warned": [],
        "pushbacks": {},
        "probes": {},
        "used_probes": [],
        "kinds": {},
        "hints": {},
        "silences": 0,
        "revealed": [],
        "covered": {},
    }


class InterviewSession(Policy):
    """One interview. Build it with `create` or `resume`; not shared between threads."""

    def __init__(
        self,
        record: SessionRecord,
        question: Question,
        engine: Engine,
        store: SessionStore,
        *,
        clock: Clock = time.time,
        turns: list[Turn] | None = None,
        grades: dict[str, Grade] | None = None,
    ) -> None:
        self.record = record
        self.question = question
        self.engine = engine
        self.store = store
        self.clock = clock
        self.turns: list[Turn] = list(turns or [])
        self.grades: dict[str, Grade] = dict(grades or {})
        self.state: SessionState = record.state
        self.data: dict[str, Any] = {**_fresh_data(), **record.data}
        self.pacing: Pacing = pacing_for(record.minutes, record.drill)
        self.order: tuple[Phase, ...] = tuple(p for p in PHASES if self.pacing.minutes[p] > 0)

    # -- building --------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        question: Question,
        engine: Engine,
        store: SessionStore,
        *,
        minutes: int = 45,
        drill: Phase | None = None,
        clock: Clock = time.time,
        session_id: str | None = None,
    ) -> InterviewSession:
        if drill is not None and drill not in PHASES:
            raise BadInput(f"unknown phase {drill!r}; choose one of {', '.join(PHASES)}")
        if minutes <= 0 or minutes > 180:
            raise BadInput("an interview lasts between 1 and 180 minutes (usually 20, 45 or 60)")
        record = store.create_session(
            question_id=question.id,
            minutes=minutes,
            drill=drill,
            engine=engine.name,
            at=clock(),
            session_id=session_id,
        )
        return cls(record, question, engine, store, clock=clock)

    @classmethod
    def resume(
        cls,
        session_id: str,
        engine: Engine,
        store: SessionStore,
        question_for: Callable[[str], Question],
        *,
        clock: Clock = time.time,
    ) -> InterviewSession:
        """Rebuild a saved session. Time away does not count: the phase clock resumes where it stopped."""
        record = store.get_session(session_id)
        turns = store.turns(session_id)
        grades: dict[str, Grade] = saved_grades(store, session_id)
        session = cls(
            record, question_for(record.question_id), engine, store, clock=clock, turns=turns, grades=grades
        )
        started = session.data.get("phase_started_at")
        if session.phase is not None and started is not None:
            last = max([record.updated_at, *(t.at for t in turns)])
            spent = session.data["spent"]
            waited = float(session.data.get("paused", 0.0))
            spent[session.phase] = spent.get(session.phase, 0.0) + max(0.0, last - started - waited)
            session.data["phase_started_at"] = clock()
            session.data["paused"] = 0.0
        log.info("resumed session %s in state %s with %d turns", session_id, record.state, len(turns))
        return session

    # -- what the view reads ---------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def phase(self) -> Phase | None:
        return cast(Phase, self.state) if self.state in PHASES else None

    @property
    def done(self) -> bool:
        return self.state == "done"

    def phase_seconds(self, phase: Phase) -> float:
        """Seconds spent in `phase`, not counting the time the app waited on the model."""
        spent = float(self.data["spent"].get(phase, 0.0))
        if phase == self.phase and self.data.get("phase_started_at") is not None:
            waited = float(self.data.get("paused", 0.0))
            spent += max(0.0, self.clock() - self.data["phase_started_at"] - waited)
        return spent

    @property
    def minutes_left(self) -> float:
        """Minutes left in the current phase (negative when over time); 0 outside a phase."""
        if self.phase is None:
            return 0.0
        return self.pacing.minutes[self.phase] - self.phase_seconds(self.phase) / 60.0

    @property
    def total_minutes_left(self) -> float:
        """Minutes left in the whole interview (negative when over); 0 once no phase is running.

        The interview's length is fixed, so this is its length minus the time spent in all its phases so
        far: the interview's end minus now, with time away from a resumed interview not counted. Time a
        phase did not use because it ended early stays available to the phases after it, and time a phase
        ran over is taken from them.
        """
        if self.phase is None:
            return 0.0
        spent = sum(self.phase_seconds(p) for p in self.order)
        return float(self.record.minutes) - spent / 60.0

    def hints_used(self, phase: Phase | None = None) -> int:
        hints = self.data["hints"]
        return int(hints.get(phase, 0)) if phase else sum(int(v) for v in hints.values())

    @property
    def revealed_facts(self) -> tuple[HiddenFact, ...]:
        return tuple(self.question.hidden_facts[i] for i in self.data["revealed"])

    def diagram(self, phase: Phase | None = None) -> Diagram | None:
        """The latest diagram the candidate submitted (in `phase`, when given), or None."""
        return board.latest_diagram(self.turns, phase)

    def answers(self, phase: Phase | None) -> list[str]:
        """The candidate's answers and clarifying questions in `phase`, in order (silences left out), each with
        its diagram in sentences when the turn changed the diagram."""
        return [
            board.with_drawing(t)
            for t in self.turns
            if t.role == "candidate"
            and t.phase == phase
            and t.kind in ("answer", "question")
            and not t.meta.get("silent")
        ]

    # -- candidate actions -------------------------------------------------------------------------

    def start(self) -> Reply:
        return self.start_stream().reply

    def start_stream(self) -> ReplyStream:
        if self.state != "not_started":
            raise BadInput("this interview has already started")
        self.engine.prepare(self.question)
        first = self.order[0]
        self._enter(first, reason=None)
        move = self._move("open", first, drill=self.record.drill is not None, minutes=self.record.minutes)
        return self._say(move, kind="question")

    def submit(self, text: str, *, delivery: Delivery | None = None, diagram: Diagram | None = None) -> Reply:
        return self.submit_stream(text, delivery=delivery, diagram=diagram).reply

    def submit_stream(
        self, text: str, *, delivery: Delivery | None = None, diagram: Diagram | None = None
    ) -> ReplyStream:
        """An answer or a clarifying question; which one is detected from the text.

        `delivery` is how a spoken answer was said (pace, fillers, length); it is saved with the turn and
        feeds the communication grade at the end. `diagram` is the whiteboard as submitted; a fenced
        ```mermaid block in `text` is one too (see `interview.board`); a block that cannot be read raises
        `BadInput` naming its line, and nothing is saved.
        """
        self._require_active()
        text, diagram, drawn = board.take_diagram(text or "", diagram, self.diagram())
        capped_text, capped = cap_input(text)
        meta: dict[str, Any] = {"action": "submit", "capped": capped, "original_chars": len(text), **drawn}
        heard = board.drawn_text(capped_text, meta)
        reading = read_turn(heard, self.question, self.phase, self._earlier_answers())
        kind: TurnKind = "question" if reading.kind == "question" else "answer"
        if delivery is not None:
            meta["delivery"] = delivery.model_dump(mode="json")
        if reading.silent:
            meta["silent"] = True
        self._record("candidate", kind, capped_text, meta)
        return self._respond_submit(reading, capped)

    def hint(self) -> Reply:
        return self.hint_stream().reply

    def hint_stream(self) -> ReplyStream:
        self._require_active()
        self._record("candidate", "hint", "(asked for a hint)", {"action": "hint"})
        return self._respond_hint()

    def next_phase(self) -> Reply:
        return self.next_phase_stream().reply

    def next_phase_stream(self) -> ReplyStream:
        self._require_active()
        self._record("candidate", "system", "(asked to move on)", {"action": "next"})
        return self._respond_next()

    def end(self) -> Reply:
        return self.end_stream().reply

    def end_stream(self) -> ReplyStream:
        if self.state == "done":
            raise BadInput("this interview is already over")
        if self.state == "not_started":
            self._enter(self.order[0], reason=None)
        self._record("candidate", "system", "(ended the interview)", {"action": "end"})
        return self._respond_end()

    def log_notes_lookup(self, query: str, found: str) -> Turn:
        """Record that the candidate looked something up in the notes during the interview."""
        return self._record("candidate", "notes_lookup", f"{query}\n\n{found}".strip(), {"action": "notes"})

    def catch_up(self) -> Reply | None:
        """After a resume: grade phases left ungraded, and answer a last candidate turn that has no reply."""
        for visit in self.data["visits"]:
            phase = visit["phase"]
            if visit.get("ended_at") is not None and phase not in self.grades:
                self._grade_phase(phase)
        turns = self.turns
        last = turns[-1] if turns else None
        if last is None or self.state == "done":
            return None
        if last.meta.get("event") == "phase" and len(turns) >= 2 and turns[-2].role == "candidate":
            # The phase changed on the candidate's turn, but the reply that opens the new phase was lost.
            move = self._move(
                "advance",
                self.phase,
                from_phase=turns[-2].phase,
                reason=last.meta.get("reason") or "candidate",
            )
            return self._say(move, "question").reply
        if last.role != "candidate":
            return None
        action = last.meta.get("action")
        if action == "submit":
            reading = read_turn(
                board.with_drawing(last), self.question, self.phase, self._earlier_answers(skip_last=True)
            )
            return self._respond_submit(reading, bool(last.meta.get("capped"))).reply
        if action == "hint":
            return self._respond_hint().reply
        if action == "next":
            return self._respond_next().reply
        if action == "end":
            return self._respond_end().reply
        return None

    def _earlier_answers(self, *, skip_last: bool = False) -> list[str]:
        """The candidate's earlier answers, for spotting repetition (the current turn left out)."""
        turns = self.turns[:-1] if skip_last else self.turns
        return [
            t.text for t in turns if t.role == "candidate" and t.kind == "answer" and not t.meta.get("silent")
        ]

    # -- phases ----------------------------------------------------------------------------------------

    def _enter(self, phase: Phase | None, reason: str | None) -> None:
        now = self.clock()
        if phase is None:
            self.state = "wrap_up"
            self.data["phase_started_at"] = None
        else:
            self.state = phase
            self.data["phase_started_at"] = now
            self.data["paused"] = 0.0
            self.data["visits"].append({"phase": phase, "started_at": now, "ended_at": None, "reason": None})
        label = f"Phase: {PHASE_NAMES[phase]}" if phase else "Wrap-up"
        self._record("system", "system", label, {"event": "phase", "to": phase, "reason": reason})

    def _leave(self, phase: Phase, *, reason: str, grade: bool) -> None:
        now = self.clock()
        self.data["spent"][phase] = self.phase_seconds(phase)
        self.data["phase_started_at"] = None
        self.data["paused"] = 0.0
        for visit in reversed(self.data["visits"]):
            if visit["phase"] == phase and visit["ended_at"] is None:
                visit["ended_at"] = now
                visit["reason"] = reason
                visit["seconds"] = round(self.data["spent"][phase], 1)
                visit["graded"] = grade
                break

    def _advance(self, phase: Phase, reason: str, *, capped: bool = False, **fields: Any) -> ReplyStream:
        self._leave(phase, reason=reason, grade=True)
        position = self.order.index(phase)
        following = self.order[position + 1] if position + 1 < len(self.order) else None
        self._enter(following, reason=reason)
        move = self._move("advance", following, from_phase=phase, reason=reason, capped=capped, **fields)
        return self._say(move, "question", grade_phase=phase)

    def _grade_phase(self, phase: Phase) -> Grade:
        text = "\n\n".join(self.answers(phase))
        grade = self.engine.grade(self.question, phase, text, diagram=self.diagram(phase))
        self.grades[phase] = grade
        self.store.save_grade(self.id, grade.phase, grade, at=self.clock())
        return grade

    def _close(self, *, capped: bool = False, reason: CloseReason = "finished") -> ReplyStream:
        for visit in self.data["visits"]:
            if (
                visit.get("ended_at") is not None
                and visit.get("graded", True)
                and visit["phase"] not in self.grades
            ):
                self._grade_phase(visit["phase"])
        answers = [t for p in self.order for t in self.answers(p)]
        if answers and "communication" not in self.grades:
            grade = self.engine.grade_communication(
                self.question, answers, board.spoken_delivery(self.turns, self.order)
            )
            if grade is not None:
                self.grades["communication"] = grade
                self.store.save_grade(self.id, grade.phase, grade, at=self.clock())
        self.state = "done"
        summary = None
        try:
            report = self.report()
            summary = report.spoken_summary()
        except Exception as exc:  # the closing line must not fail because a summary could not be made
            log.warning("could not summarise the scorecard: %s", exc)
        move = self._move("close", None, summary=summary, capped=capped, reason=reason)
        return self._say(move, "system")

    def _pause_clock(self, *, since: float) -> None:
        """Take the time since `since`, spent waiting on the engine, off the current phase's clock."""
        if self.phase is not None and self.data.get("phase_started_at") is not None:
            self.data["paused"] = float(self.data.get("paused", 0.0)) + max(0.0, self.clock() - since)

    # -- saving ---------------------------------------------------------------------------------------

    def _require_active(self) -> None:
        if self.state == "not_started":
            raise BadInput("the interview has not started yet; call start() first")
        if self.state == "done":
            raise BadInput("this interview is over; start a new one to keep practising")

    def _record(self, role: str, kind: TurnKind, text: str, meta: dict[str, Any]) -> Turn:
        turn = self.store.append_turn(
            self.id,
            role=role,  # type: ignore[arg-type]
            phase=self.phase,
            kind=kind,
            text=text,
            at=self.clock(),
            tokens=self.engine.count_tokens(text) if role == "candidate" and text else 0,
            meta=meta,
            state=self.state,
            data=self.data,
        )
        self.turns.append(turn)
        return turn

    def _say(
        self,
        move: Move,
        kind: TurnKind,
        *,
        grade_phase: Phase | None = None,
        extra: dict[str, Any] | None = None,
    ) -> ReplyStream:
        ctx = TurnContext(
            question=self.question,
            transcript=tuple(t for t in self.turns if t.role != "system"),
            minutes_left=self.minutes_left,
            revealed_facts=self.revealed_facts,
            diagram=self.diagram(),
        )
        mark = self.engine.usage_mark()
        asked = self.clock()
        utterance = self.engine.interviewer.speak(move, ctx)

        def finish(said: Utterance) -> Reply:
            self._pause_clock(since=asked)  # waiting on the model is not the candidate's time
            text = said.text
            meta: dict[str, Any] = {"move": move.kind, "source": said.source, **(extra or {})}
            if move.target is not None:
                meta["target"] = move.target.id
            if move.reason:
                meta["reason"] = move.reason
            if move.facts:
                meta["facts"] = [f.topic for f in move.facts]
            if said.fallback_reason:
                meta["fallback_reason"] = said.fallback_reason
            turn = self.store.append_turn(
                self.id,
                role="interviewer",
                phase=self.phase,
                kind=kind,
                text=text,
                at=self.clock(),
                prompt_version=said.prompt_version,
                tokens=self.engine.count_tokens(text) if text else 0,
                meta=meta,
                state=self.state,
                data=self.data,
            )
            self.turns.append(turn)
            self.store.add_usage(self.id, self.engine.usage_since(mark), at=self.clock())
            graded = self.clock()
            grade = self._grade_phase(grade_phase) if grade_phase is not None else None
            self._pause_clock(since=graded)
            return Reply(
                text=text,
                state=self.state,
                phase=self.phase,
                move=move.kind,
                grade=grade,
                ended_phase=grade_phase,
                capped=move.capped,
                hint_level=move.hint_level or None,
                source=said.source,
                fallback_reason=said.fallback_reason,
            )

        return ReplyStream(utterance, finish)

    # -- reports ------------------------------------------------------------------------------------------

    def report(self) -> Any:
        """The scorecard and transcript report (see `interviewer.grading.report`)."""
        from interviewer.grading.report import build_report

        return build_report(
            self.store.get_session(self.id),
            self.question,
            self.turns,
            self.grades,
            self.store.usage(self.id),
            self.engine.rubrics.scale if self.engine.rubrics else None,
        )
