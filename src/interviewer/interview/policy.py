"""The session's decision policy: what the interviewer does next, from what the candidate just did.

`Policy` decides the next move (answer a fact, probe a missing point, push back on hand-waving, redirect,
move on when the phase's points are covered, its questions are exhausted or its time is up) and keeps the
decision state in the session's `data` (probes asked, pushbacks made, facts revealed, warnings given).
`InterviewSession` supplies the bookkeeping it relies on: the clock, the transcript, saving, and saying
a move through the engine's interviewer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from interviewer.content.questions import HiddenFact, KeyPoint, Question
from interviewer.diagrams.model import Diagram
from interviewer.grading.grade import PointCoverage
from interviewer.interview.challenges import pick_challenge, settles_challenge
from interviewer.interview.depth import components, load_phrase, next_follow_up
from interviewer.interview.echoes import echo_in
from interviewer.interview.engine import Engine
from interviewer.interview.fitting import answer_parts, fit_to_design, just_said, owner
from interviewer.interview.interviewer import choose_probe
from interviewer.interview.moves import CloseReason, Move, MoveKind, Quality
from interviewer.interview.reading import Reading, content_words, facts_for, sentences
from interviewer.interview.replies import ReplyStream
from interviewer.interview.whiteboard import asked_keys, next_board_question
from interviewer.phases import Pacing, Phase
from interviewer.store.sessions import SessionState, Turn, TurnKind

MAX_HINT_LEVEL = 3
COVERAGE_WINDOW = 6  # answers read again for key-point coverage on each turn
RECENT_ANSWERS = 3  # a point these answers spoke to is not probed again
FRESH_FOR_MORE = 8  # answers that added something new, after which a phase survives a third stall


_CARRIED = ("capped", "facts", "repeated_facts", "quality", "time_note")


class Policy:
    """The decisions of an interview; `InterviewSession` is the one implementation of its hooks."""

    question: Question
    engine: Engine
    data: dict[str, Any]
    pacing: Pacing
    state: SessionState
    order: tuple[Phase, ...]
    turns: list[Turn]

    # -- hooks the session provides ----------------------------------------------------------------

    @property
    def phase(self) -> Phase | None:
        raise NotImplementedError

    @property
    def minutes_left(self) -> float:
        raise NotImplementedError

    def answers(self, phase: Phase | None) -> list[str]:
        raise NotImplementedError

    def diagram(self, phase: Phase | None = None) -> Diagram | None:
        raise NotImplementedError

    def _board_changed(self) -> bool:
        """The turn being answered brought a new or changed diagram."""
        last = next((t for t in reversed(self.turns) if t.role == "candidate"), None)
        return bool(last and last.meta.get("diagram_changed"))

    def _say(
        self,
        move: Move,
        kind: TurnKind,
        *,
        grade_phase: Phase | None = None,
        extra: dict[str, Any] | None = None,
    ) -> ReplyStream:
        raise NotImplementedError

    def _advance(self, phase: Phase, reason: str, *, capped: bool = False, **fields: Any) -> ReplyStream:
        raise NotImplementedError

    @property
    def minutes_unspent(self) -> float:
        """At the wrap-up: the interview's length minus the time its phases used (negative when over)."""
        return self.pacing.total - sum(float(s) for s in self.data["spent"].values()) / 60.0

    def _close(self, *, capped: bool = False, reason: CloseReason = "finished") -> ReplyStream:
        raise NotImplementedError

    def _leave(self, phase: Phase, *, reason: str, grade: bool) -> None:
        raise NotImplementedError

    # -- deciding ----------------------------------------------------------------------------------

    def _respond_submit(self, reading: Reading, capped: bool) -> ReplyStream:
        if self.state == "wrap_up":
            return self._close(capped=capped, reason="time" if self.minutes_unspent <= 0 else "finished")
        phase = self.phase
        assert phase is not None
        spec = self.question.phase(phase)
        if reading.silent and self.minutes_left <= 0:
            # Saying nothing must not hold the clock: a phase whose time is up moves on.
            return self._advance(phase, "time", capped=capped)
        if reading.silent:
            self.data["silences"] += 1
            return self._say(
                self._move("nudge_silence", phase, nth=self.data["silences"] - 1, capped=capped), "question"
            )
        self.data["silences"] = 0
        if reading.injection:
            target = self._target(phase, set(self.data["covered"].get(phase, [])))
            return self._say(self._probe_move("deflect", phase, target, capped=capped), "question")
        if self.minutes_left <= 0:
            facts, again = self._reveal(reading.questions) if reading.questions else ((), ())
            return self._advance(phase, "time", capped=capped, facts=facts, repeated_facts=again)
        if reading.kind == "question":
            facts, again = self._reveal(reading.questions)
            kind: MoveKind = "answer_fact" if facts or again else "no_fact"
            unanswered = self._unanswered(reading.questions) if kind == "answer_fact" else ()
            move = self._move(
                kind,
                phase,
                facts=facts,
                repeated_facts=again,
                unanswered=unanswered,
                capped=capped,
                time_note=self._time_note(),
                quality="recovered" if settles_challenge(reading.text, self.turns, ()) else None,
            )
            return self._say(move, "answer")

        challenge = self._challenge(phase, reading, capped)
        if challenge is not None:
            return challenge
        before = set(self.data["covered"].get(phase, []))
        if before >= {k.id for k in spec.key_points}:
            # Every point is covered: the phase is in depth follow-ups, and reading its whole (long, growing)
            # text again each turn would change nothing.
            coverage: list[PointCoverage] = []
            covered = before
        else:
            # A point once covered stays covered, so only the latest answers are read again: the cost of a
            # turn stays flat however long the phase runs.
            recent = self.answers(phase)[-COVERAGE_WINDOW:]
            coverage = self.engine.coverage(self.question, phase, "\n".join(recent))
            covered = before | {c.key_point_id for c in coverage if c.covered}
        self.data["covered"][phase] = sorted(covered)
        newly = covered - before
        missing = [k for k in spec.key_points if k.id not in covered]
        facts, again = self._reveal(reading.questions) if reading.questions else ((), ())
        pushed = self.data["pushbacks"].setdefault(phase, [])
        probes = self.data["probes"]
        stalls = self.data.setdefault("stalls", {})
        stalled = not newly and (reading.repeated or reading.off_topic)
        stalls[phase] = int(stalls.get(phase, 0)) + 1 if stalled else 0
        fresh = self.data.setdefault("fresh", {})
        fresh[phase] = int(fresh.get(phase, 0)) + (not stalled)
        # A candidate who has kept adding to the phase gets a third question after two answers that added
        # nothing: a different part of their design, before the phase is given up on.
        stall_limit = 3 if fresh[phase] >= FRESH_FOR_MORE else 2
        quality = self._quality(reading, newly, stalled)

        def carried(follow: Move) -> Move:
            """A follow-up that keeps what this turn owes the candidate (facts asked for, a time note)."""
            return replace(
                follow,
                capped=capped,
                facts=facts,
                repeated_facts=again,
                time_note=self._time_note(),
                quality=quality,
            )

        board = self._board_move(phase) if self._board_changed() else None
        if board is not None:
            # A new or changed drawing: the next question points at something on it, in its own labels.
            move = replace(
                board,
                capped=capped,
                facts=facts,
                repeated_facts=again,
                quality=quality,
                time_note=self._time_note(),
            )
            return self._say(move, "question")
        if all(probes.get(f"{phase}/{k.id}", 0) >= 2 for k in missing):
            # Every key point is covered, or has been asked about twice: the phase goes on while there is
            # time and a question worth asking, and the candidate is still adding something; a drill never
            # closes itself before its time is up.
            follow = (
                None
                if stalls[phase] >= stall_limit and not self.is_drill
                else self._follow_up(phase, reading)
            )
            if follow is None and self.is_drill:
                follow = self._move("probe", phase)
            if follow is None:
                reason = "exhausted" if missing else "covered"
                return self._advance(phase, reason, capped=capped, facts=facts, repeated_facts=again)
            move = carried(follow)
            return self._say(move, "question")
        if reading.off_topic and not newly:
            return self._say(
                self._probe_move("off_topic", phase, self._target(phase, covered), capped=capped), "question"
            )
        if reading.repeated and not newly:
            return self._say(
                self._probe_move("repeat", phase, self._target(phase, covered), capped=capped), "question"
            )
        if reading.ahead and "ahead" not in pushed and len(covered) < len(spec.key_points) / 2:
            pushed.append("ahead")
            return self._say(
                self._probe_move("redirect_ahead", phase, self._target(phase, covered), capped=capped),
                "question",
            )
        if reading.vague and "numbers" not in pushed:
            pushed.append("numbers")
            return self._say(
                self._move("push_numbers", phase, detail=reading.vague, capped=capped), "question"
            )
        if reading.buzzwords and "reasoning" not in pushed:
            pushed.append("reasoning")
            detail = ",".join(reading.buzzwords)
            return self._say(self._move("push_reasoning", phase, detail=detail, capped=capped), "question")
        last = reading.text
        recent = self.answers(phase)[-RECENT_ANSWERS:]
        if missing and all(just_said(self._probe_text(phase, k), last, k, recent) for k in missing):
            # The turn spoke to every point still missing: build on it rather than ask for it again.
            follow = self._follow_up(phase, reading)
            if follow is not None:
                move = carried(follow)
                return self._say(move, "question")
        target = self._target(phase, covered)
        move = self._probe_move(
            "probe",
            phase,
            target,
            capped=capped,
            facts=facts,
            repeated_facts=again,
            echo=self._echo(reading.text, coverage, newly),
            quality=quality,
            time_note=self._time_note(),
        )
        if move.probe is None:
            # No probe is left that asks for something not just said: build on their design instead.
            follow = self._follow_up(phase, reading)
            if follow is not None:
                move = replace(follow, **{f: getattr(move, f) for f in _CARRIED})
        return self._say(move, "question")

    def _challenge(self, phase: Phase, reading: Reading, capped: bool) -> ReplyStream | None:
        """Question a wrong claim or wrong arithmetic (see `interview.challenges`). The answer's key points
        are still read and saved, so nothing said right is lost."""
        pick = pick_challenge(self.question, reading.text, self.data, self.turns, phase)
        self._turn_has_error = pick.turn_has_error
        error = pick.error
        if error is None:
            return None
        before = set(self.data["covered"].get(phase, []))
        coverage = self.engine.coverage(self.question, phase, "\n".join(self.answers(phase)))
        self.data["covered"][phase] = sorted(c.key_point_id for c in coverage if c.covered)
        newly = set(self.data["covered"][phase]) - before
        points = self.question.phase(phase).key_points
        target = next((k for k in points if k.id == error.get("key_point_id")), None)
        # An answer that puts right the claim just questioned hears so before an earlier one is raised.
        fixed = not pick.turn_has_error and settles_challenge(reading.text, self.turns, newly)
        move = self._move(
            "challenge",
            phase,
            target=target,
            probe=error["challenge"],
            detail=error["quote"],
            capped=capped,
            time_note=self._time_note(),
            quality="recovered" if fixed else None,
        )
        return self._say(move, "question", extra={"error": error["kind"], "point": error.get("key_point_id")})

    def _respond_hint(self) -> ReplyStream:
        phase = self.phase
        if phase is None:
            move = self._move("wrap_up", None)
            return self._say(move, "question")
        used = int(self.data["hints"].get(phase, 0))
        level = min(used + 1, MAX_HINT_LEVEL + 1)
        if level <= MAX_HINT_LEVEL:
            self.data["hints"][phase] = used + 1
        target = self._target(phase, set(self.data["covered"].get(phase, [])))
        if level in (2, 3):
            move = self._probe_move("hint", phase, target, hint_level=level)
        else:
            move = self._move("hint", phase, target=target, hint_level=level)
        return self._say(move, "hint", extra={"hint_level": level})

    def _respond_next(self) -> ReplyStream:
        phase = self.phase
        if phase is None:
            return self._close()
        return self._advance(phase, "candidate")

    def _respond_end(self) -> ReplyStream:
        phase = self.phase
        if phase is not None:
            self._leave(phase, reason="ended", grade=bool(self.answers(phase)))
        return self._close(reason="ended")

    # -- keeping a phase going ------------------------------------------------------------------------

    @property
    def is_drill(self) -> bool:
        """A one-phase drill: it ends when its time is up or the candidate ends it, never by itself."""
        return sum(1 for m in self.pacing.minutes.values() if m > 0) == 1

    def _follow_up(self, phase: Phase, reading: Reading) -> Move | None:
        """A question still worth asking once the key points are covered or probed out: first a depth
        follow-up on the candidate's own design (see `interview.depth`), then a probe of the phase not asked
        yet. None when the interviewer has run out of questions for the phase."""
        asked: list[str] = self.data.setdefault("deepened", [])
        mine = components(self.answers(phase))
        everything = [a for p in self.order for a in self.answers(p)]
        earlier = components([a for p in self.order if p != phase for a in self.answers(p)])
        told = [self.question.hidden_facts[i] for i in self.data["revealed"]]
        follow = next_follow_up(
            phase,
            mine,
            earlier,
            asked,
            load=load_phrase(everything, told),
            last_component=self.data.get("last_component"),
            last_angle=self.data.get("last_angle"),
        )
        if follow is not None:
            asked.append(follow.key)
            said = follow.component.said if follow.component else None
            self.data["last_component"] = follow.component.name if follow.component else None
            self.data["last_angle"] = follow.angle
            return self._move("deepen", phase, probe=follow.text, detail=said)
        used = self.data["used_probes"]
        for probe in self.question.phase(phase).probes:
            if probe not in used:
                used.append(probe)
                return self._move("probe", phase, probe=probe)
        return None

    def _board_move(self, phase: Phase) -> Move | None:
        """A follow-up on the candidate's drawing (see `interview.whiteboard`), each asked once."""
        diagram = self.diagram()
        if diagram is None or diagram.empty:
            return None
        asked: list[str] = self.data.setdefault("board_asked", [])
        told = [self.question.hidden_facts[i] for i in self.data["revealed"]]
        everything = [a for p in self.order for a in self.answers(p)]
        question = next_board_question(diagram, asked, load=load_phrase(everything, told))
        if question is None:
            return None
        asked.extend(asked_keys(question))
        return self._move("deepen", phase, probe=question.text, detail=question.said)

    # -- moves ---------------------------------------------------------------------------------------

    def _move(self, kind: MoveKind, phase: Phase | None, **fields: Any) -> Move:
        nth = fields.pop("nth", None)
        counts = self.data["kinds"]
        if nth is None:
            nth = int(counts.get(kind, 0))
        counts[kind] = int(counts.get(kind, 0)) + 1
        return Move(kind=kind, phase=phase, nth=nth, **fields)

    def _probe_move(self, kind: MoveKind, phase: Phase, target: KeyPoint | None, **fields: Any) -> Move:
        """A move that ends with a probe. Prefers a missing point whose probe has not been asked yet, so
        the same question is not heard twice; with none left, the interviewer asks a broader question."""
        probe = None
        spec = self.question.phase(phase)
        used = self.data["used_probes"]
        if target is not None:
            covered = set(self.data["covered"].get(phase, []))
            candidates = [target, *(k for k in self._missing(phase, covered) if k.id != target.id)]
            # Points the last turn just spoke to go last: never ask for what was just said.
            said = self.answers(phase)
            last, recent = (said[-1] if said else ""), said[-RECENT_ANSWERS:]
            spoken = {k.id for k in spec.key_points if just_said(self._probe_text(phase, k), last, k, recent)}
            candidates.sort(key=lambda k: k.id in spoken)
            # A probe that is really about a point just spoken to is not asked either, whichever point
            # it was picked for.
            blocked = [
                p for p in spec.probes if owner(spec, p) in spoken or self._asks_what_was_told(phase, p)
            ]
            for point in candidates:
                probe = choose_probe(spec, point, [*used, *blocked], reuse=False)
                if probe:
                    target = point
                    break
            if probe:
                used.append(probe)
                probe = fit_to_design(probe, components([a for p in self.order for a in self.answers(p)]))
            key = f"{phase}/{target.id}"
            self.data["probes"][key] = int(self.data["probes"].get(key, 0)) + 1
        return self._move(kind, phase, target=target, probe=probe, **fields)

    def _asks_what_was_told(self, phase: Phase, probe: str) -> bool:
        """Whether a requirements probe asks only for facts the interviewer has already given ("How quickly
        must the score come back?" after saying 100 ms): asking it again would not make sense."""
        if phase != "requirements":
            return False
        spec = self.question.phase(phase)
        point = next((k for k in spec.key_points if k.id == owner(spec, probe)), None)
        wanted = facts_for(self.question, [probe]) or (
            facts_for(self.question, [point.point]) if point else ()
        )
        told = set(self.data["revealed"])
        return bool(wanted) and all(self.question.hidden_facts.index(f) in told for f in wanted)

    def _quality(self, reading: Reading, newly: set[str], stalled: bool) -> Quality:
        """How good the turn was, from the grade's coverage signals, for how the reply receives it."""
        if getattr(self, "_turn_has_error", False):
            return "wrong"  # never affirm a turn that holds a wrong claim, questioned now or before
        if settles_challenge(reading.text, self.turns, newly):
            return "recovered"  # "Good, that fixes it.": the correction is heard before the next question
        if newly:
            return "strong"
        if stalled or reading.vague or reading.buzzwords:
            return "weak"
        return "solid" if len(content_words(reading.text)) >= 12 else "thin"

    def _probe_text(self, phase: Phase, point: KeyPoint) -> str:
        """What asking about `point` would ask: its probe and its wording, for spotting what was just said."""
        probe = choose_probe(self.question.phase(phase), point, self.data["used_probes"]) or ""
        return f"{probe} {point.point}"

    def _unanswered(self, asked: tuple[str, ...]) -> tuple[str, ...]:
        """The parts of a question in several parts that no hidden fact answers."""
        return tuple(
            p for p, fact in answer_parts(self.question, asked, self.engine.similarity) if fact is None
        )

    def _missing(self, phase: Phase, covered: set[str]) -> list[KeyPoint]:
        probes = self.data["probes"]
        missing = [k for k in self.question.phase(phase).key_points if k.id not in covered]
        return sorted(missing, key=lambda k: probes.get(f"{phase}/{k.id}", 0))

    def _target(self, phase: Phase, covered: set[str]) -> KeyPoint | None:
        """The missing key point probed least so far, in the bank's order of importance."""
        missing = self._missing(phase, covered)
        return missing[0] if missing else None

    def _time_note(self) -> float | None:
        phase = self.phase
        if phase is None or phase in self.data["warned"]:
            return None
        left = self.minutes_left
        if 0 < left <= max(1.0, 0.2 * self.pacing.minutes[phase]):
            self.data["warned"].append(phase)
            return left
        return None

    def _reveal(self, asked: tuple[str, ...]) -> tuple[tuple[HiddenFact, ...], tuple[HiddenFact, ...]]:
        """Facts asked for: those not told yet, and those told before."""
        new: list[HiddenFact] = []
        again: list[HiddenFact] = []
        parts = answer_parts(self.question, asked, self.engine.similarity)
        wanted: list[HiddenFact] = []
        # each part of a question in several parts gets the fact that answers it, and only that one
        for fact in [f for _, f in parts if f is not None] if parts else facts_for(self.question, asked):
            if fact not in wanted:
                wanted.append(fact)
        for fact in wanted[:3]:
            index = self.question.hidden_facts.index(fact)
            if index in self.data["revealed"]:
                again.append(fact)
            else:
                self.data["revealed"].append(index)
                new.append(fact)
        return tuple(new), tuple(again)

    def _echo(self, text: str, coverage: list[PointCoverage], newly: set[str]) -> str | None:
        if not newly:
            return None
        points = {k.id: k for k in self.question.phase(self.phase).key_points} if self.phase else {}
        for c in coverage:
            if c.key_point_id in newly and c.evidence and c.evidence in text:
                echo = echo_in(text, c.evidence)
                if echo:
                    return echo
        for pid in sorted(newly):
            point = points.get(pid)
            if point is None:
                continue
            wanted = content_words(" ".join([point.point, *point.alternatives]))
            best = max(sentences(text), key=lambda s: len(content_words(s) & wanted), default="")
            echo = echo_in(text, best) if best else None
            if echo:
                return echo
        return None
