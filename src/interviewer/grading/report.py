"""Reports: the end-of-interview scorecard and its Markdown and JSON exports.

`build_report` turns a saved session (its record, turns, grades and token usage) into a `Report`:
per-phase scores, the communication score, the overall score and hiring signal, the top three gaps
with links into the notes, the model-answer outline of the weakest phase, hints, timings, tokens and
estimated cost, plus the transcript. `history` follows per-phase scores across sessions and suggests
the weakest phase as the next drill.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.questions import NoteLink, Question
from interviewer.content.rubrics import EvidenceRule, HiringScale, Signal
from interviewer.errors import FallbackReason
from interviewer.grading.evidence import (
    INSUFFICIENT,
    Evidence,
    Insufficient,
    answers_by_phase,
    call_signal,
    thin_phase,
    unsure_summary,
    weigh,
)
from interviewer.grading.evidence import overall_score as overall_score
from interviewer.grading.gaps import CriterionGap, Gap, criteria_below_top, top_gaps
from interviewer.grading.grade import Grade, saved_grades
from interviewer.grading.report_diagrams import DiagramEntry, diagram_entries, diagram_markdown
from interviewer.llm.protocol import Usage
from interviewer.phases import PHASE_NAMES, PHASES, Phase, pacing_for
from interviewer.store.sessions import SessionRecord, SessionState, SessionStore, Turn

log = logging.getLogger(__name__)

ReportFormat = Literal["md", "json"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PhaseScore(_Model):
    phase: Phase
    name: str
    score: float | None = Field(description="1-5, or None when the phase was not assessed")
    minutes_planned: float
    minutes_spent: float
    hints: int
    answers: int = 0
    evidence_note: str | None = Field(default=None, description="set when the score rests on little evidence")


class UsageSummary(_Model):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None = Field(description="None when a model used has no price in the table")
    prices_as_of: str | None = None
    unpriced_models: list[str] = Field(default_factory=list)


class Scorecard(_Model):
    phases: list[PhaseScore]
    communication: float | None
    overall: float | None
    signal: Signal | Insufficient | None = Field(
        description="the hiring signal; insufficient_evidence when the interview holds too little to call"
    )
    signal_label: str | None
    evidence: Evidence | None = Field(default=None, description="how much the scorecard rests on")
    gaps: list[Gap]
    below_top: list[CriterionGap] = Field(
        default_factory=list,
        description="criteria graded below 5, lowest first; empty only when all are at 5",
    )
    weakest_phase: Phase | None
    model_outline: list[str]
    hints_used: int
    complete: bool = Field(description="every planned phase was assessed")
    usage: UsageSummary


class PhaseVisit(_Model):
    phase: Phase
    started_at: float
    ended_at: float | None
    seconds: float | None
    reason: str | None


class TranscriptTurn(_Model):
    seq: int
    role: str
    phase: Phase | None
    kind: str
    text: str
    at: float
    elapsed_s: float
    prompt_version: str | None = None
    tokens: int = 0
    move: str | None = None
    source: Literal["llm", "offline"] | None = Field(
        default=None, description="who phrased an interviewer turn: the model, or the offline engine"
    )
    fallback_reason: FallbackReason | None = None


class EnginesUsed(_Model):
    """What actually did the work, which may differ from the engine chosen when the model failed."""

    interviewer: list[Literal["llm", "offline"]] = Field(default_factory=list)
    grader: list[Literal["llm", "offline"]] = Field(default_factory=list)


class Hint(_Model):
    phase: Phase | None
    level: int
    at: float


class SessionInfo(_Model):
    id: str
    question_id: str
    title: str
    prompt: str
    engine: str
    engines_used: EnginesUsed = Field(default_factory=EnginesUsed)
    minutes: int
    drill: Phase | None
    state: SessionState
    created: str
    updated: str


class Report(_Model):
    """Everything worth keeping about one interview. `to_json()` is what `--json` prints."""

    session: SessionInfo
    scorecard: Scorecard
    chart: dict[str, Any]
    phases_visited: list[PhaseVisit]
    hints: list[Hint]
    timings: dict[str, Any]
    grades: dict[str, Grade]
    turns: list[TranscriptTurn]
    diagrams: list[DiagramEntry] = Field(default_factory=list, description="each phase's last diagram")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def spoken_summary(self) -> str:
        card = self.scorecard
        if card.overall is None:
            return "There wasn't enough to score this time; the transcript is saved."
        if card.signal == INSUFFICIENT and card.evidence is not None:
            scored = [(p.name, p.score) for p in card.phases if p.score is not None]
            return unsure_summary(card.evidence, card.overall, scored) + self._what_next()
        signal = f", which maps to {card.signal_label.lower()}" if card.signal_label else ""
        return f"Your overall score is {card.overall:.1f} out of 5{signal}.{self._what_next()}"

    def _what_next(self) -> str:
        """The phase to practise next; in a one-phase drill, that phase again (there is no other to compare)."""
        card = self.scorecard
        if card.weakest_phase is None:
            return ""
        name = PHASE_NAMES[card.weakest_phase].lower()
        if len(card.phases) == 1:
            return f" Drill {name} again to work on the points the feedback lists."
        return f" The phase to work on next is {name}."

    def to_markdown(self) -> str:
        return render_markdown(self)

    def render(self, fmt: ReportFormat) -> str:
        if fmt == "json":
            return self.model_dump_json(indent=2) + "\n"
        return self.to_markdown()


def iso_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")


def gap_lines(card: Scorecard) -> list[str]:
    """The Markdown report's top gaps: missing key points; when none was missed, the criteria still below the
    top level; "no gaps" only when every criterion is at the top level."""
    if card.gaps:
        return [
            f"{i}. **{PHASE_NAMES[gap.phase]}**: {gap.point} Study {note_link(gap.learn)} ({gap.learn.file})."
            for i, gap in enumerate(card.gaps, 1)
        ]
    if card.overall is None:
        return ["Nothing was assessed, so there are no gaps to show."]
    if card.below_top:
        return [
            "No key point was missed. These criteria are below the top level:",
            "",
            *(
                f"{i}. **{phase_name(g.phase)}, {g.criterion}**: {g.score} / 5. {g.level}"
                for i, g in enumerate(card.below_top[:3], 1)
            ),
        ]
    return ["No gaps found: every criterion is at the top level."]


def summarise_usage(usages: Sequence[Usage]) -> UsageSummary:
    if not usages:
        return UsageSummary(calls=0, prompt_tokens=0, completion_tokens=0, cost_usd=0.0)
    from interviewer.llm.tokens import estimate_cost

    cost = estimate_cost(usages)
    return UsageSummary(
        calls=len(usages),
        prompt_tokens=cost.prompt_tokens,
        completion_tokens=cost.completion_tokens,
        cost_usd=None if cost.unpriced_models else cost.total_usd,
        prices_as_of=cost.as_of.isoformat(),
        unpriced_models=list(cost.unpriced_models),
    )


def build_report(
    record: SessionRecord,
    question: Question,
    turns: Sequence[Turn],
    grades: Mapping[str, Grade],
    usages: Sequence[Usage],
    scale: HiringScale | None,
) -> Report:
    pacing = pacing_for(record.minutes, record.drill)
    order = [p for p in PHASES if pacing.minutes[p] > 0]
    data = record.data
    hints_by_phase: dict[str, int] = {k: int(v) for k, v in data.get("hints", {}).items()}
    spent: dict[str, float] = data.get("spent", {})
    rule = scale.evidence if scale is not None else EvidenceRule()
    answers = answers_by_phase(turns)
    phases = [
        PhaseScore(
            phase=p,
            name=PHASE_NAMES[p],
            score=round(grades[p].score, 2) if p in grades else None,
            minutes_planned=pacing.minutes[p],
            minutes_spent=round(float(spent.get(p, 0.0)) / 60.0, 1),
            hints=hints_by_phase.get(p, 0),
            answers=answers.get(p, 0),
            evidence_note=thin_phase(answers.get(p, 0), round(float(spent.get(p, 0.0)) / 60.0, 1), rule)
            if p in grades
            else None,
        )
        for p in order
    ]
    scored = [ps for ps in phases if ps.score is not None]
    communication = grades["communication"].score if "communication" in grades else None
    overall = overall_score([ps.score for ps in scored if ps.score is not None], communication, scale)
    evidence = weigh(spent, answers, len(scored), len(order), drill=record.drill is not None, rule=rule)
    signal, label = call_signal(scale, overall, evidence)
    weakest = min(scored, key=lambda ps: (ps.score, order.index(ps.phase))).phase if scored else None
    card = Scorecard(
        phases=phases,
        communication=round(communication, 2) if communication is not None else None,
        overall=overall,
        signal=signal,
        signal_label=label,
        evidence=evidence,
        gaps=top_gaps(grades, order),
        below_top=criteria_below_top(grades, order),
        weakest_phase=weakest,
        model_outline=list(question.phase(weakest).model_outline) if weakest else [],
        hints_used=sum(hints_by_phase.values()),
        complete=len(scored) == len(order),
        usage=summarise_usage(usages),
    )
    start = record.created_at
    transcript = [
        TranscriptTurn(
            seq=t.seq,
            role=t.role,
            phase=t.phase,
            kind=t.kind,
            text=t.text,
            at=t.at,
            elapsed_s=round(t.at - start, 1),
            prompt_version=t.prompt_version,
            tokens=t.tokens,
            move=t.meta.get("move"),
            # who phrased it: the model, or the offline engine (also when it stood in, `llm->offline`)
            source=("llm" if t.meta.get("source") == "llm" else "offline")
            if t.role == "interviewer"
            else None,
            fallback_reason=t.meta.get("fallback_reason") if t.role == "interviewer" else None,
        )
        for t in turns
    ]
    hints = [
        Hint(phase=t.phase, level=int(t.meta.get("hint_level", 0)), at=t.at)
        for t in turns
        if t.role == "interviewer" and t.kind == "hint"
    ]
    visits = [PhaseVisit(**{k: v.get(k) for k in PhaseVisit.model_fields}) for v in data.get("visits", [])]
    ended = turns[-1].at if turns else record.updated_at
    timings = {
        "started_at": iso_time(start),
        "ended_at": iso_time(ended),
        "total_seconds": round(ended - start, 1),
        "per_phase_seconds": {p: round(float(s), 1) for p, s in spent.items()},
    }
    chart = {
        "type": "bar",
        "title": "Score per phase",
        "y_max": 5,
        "x": [PHASE_NAMES[ps.phase] for ps in phases]
        + (["Communication"] if communication is not None else []),
        "y": [ps.score for ps in phases] + ([card.communication] if communication is not None else []),
    }
    info = SessionInfo(
        id=record.id,
        question_id=question.id,
        title=question.title,
        prompt=question.prompt.strip(),
        engine=record.engine,
        engines_used=EnginesUsed(
            interviewer=sorted({s for t in transcript if (s := t.source) is not None}),
            grader=sorted(  # communication is always graded offline, by design, so it says nothing here
                {
                    "llm" if g.grader == "llm" else "offline"
                    for g in grades.values()
                    if g.phase != "communication"
                }
            ),
        ),
        minutes=record.minutes,
        drill=record.drill,
        state=record.state,
        created=iso_time(record.created_at),
        updated=iso_time(record.updated_at),
    )
    return Report(
        session=info,
        scorecard=card,
        chart=chart,
        phases_visited=visits,
        hints=hints,
        timings=timings,
        grades=dict(grades),
        turns=transcript,
        diagrams=diagram_entries(turns, grades),
    )


def report_for(
    store: SessionStore, session_id: str, question_for: Callable[[str], Question], scale: HiringScale | None
) -> Report:
    """The report of a saved session, straight from the store."""
    record = store.get_session(session_id)
    grades: dict[str, Grade] = saved_grades(store, session_id)
    return build_report(
        record,
        question_for(record.question_id),
        store.turns(session_id),
        grades,
        store.usage(session_id),
        scale,
    )


# ---------------------------------------------------------------------------------------------- Markdown


def _anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-")


def note_link(link: NoteLink) -> str:
    return f"[{link.heading}](knowledge/{link.file}#{_anchor(link.heading)})"


def bar(score: float | None, width: int = 20) -> str:
    if score is None:
        return "\u2591" * width + "  not assessed"
    filled = round((score - 1) / 4 * width) if score >= 1 else 0
    return "\u2588" * filled + "\u2591" * (width - filled) + f"  {score:.1f}"


def phase_name(phase: str) -> str:
    return PHASE_NAMES[cast(Phase, phase)] if phase in PHASES else "Communication"


def clock_stamp(seconds: float) -> str:
    """`2:44` for 164.7 s: whole minutes and seconds since the start, never rounded up (so never `:60`).

    Both the report and the transcript download stamp turns with it.
    """
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def fmt_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.1f}"


def render_markdown(report: Report, *, transcript: bool = True) -> str:
    s, card = report.session, report.scorecard
    lines: list[str] = [f"# Interview report: {s.title}", ""]
    drill = f", drill on {PHASE_NAMES[s.drill]}" if s.drill else ""
    lines += [
        f"Session `{s.id}` \u00b7 {s.created} \u00b7 {s.engine} engine \u00b7 {s.minutes} minutes{drill} \u00b7 {s.state}",
        "",
    ]
    lines += [
        "## Scorecard",
        "",
        "| Phase | Score | Minutes (spent / planned) | Hints |",
        "|---|---|---|---|",
    ]
    for ps in card.phases:
        note = f" ({ps.evidence_note})" if ps.evidence_note else ""
        lines.append(
            f"| {ps.name} | {fmt_score(ps.score)}{note} | {ps.minutes_spent:g} / {ps.minutes_planned:g} "
            f"| {ps.hints} |"
        )
    lines += [
        "",
        f"- Communication: {fmt_score(card.communication)} / 5",
        f"- **Overall: {fmt_score(card.overall)} / 5**",
    ]
    if card.signal_label:
        lines.append(f"- Hiring signal: **{card.signal_label}**")
    if card.evidence is not None:
        lines.append(f"- Evidence: {card.evidence.why}")
    if not card.complete:
        lines.append("- Some phases were not reached, so the overall score covers only the phases assessed.")
    lines += ["", "### Score per phase", "", "```"]
    width = max(len(x) for x in report.chart["x"]) if report.chart["x"] else 0
    for name, score in zip(report.chart["x"], report.chart["y"], strict=True):
        lines.append(f"{name:<{width}}  {bar(score)}")
    lines += ["```", ""]
    lines += ["## Top gaps", "", *gap_lines(card), ""]
    if card.weakest_phase:
        lines += [f"## Model answer outline: {PHASE_NAMES[card.weakest_phase]}", ""]
        lines += [f"- {b}" for b in card.model_outline] + [""]
    feedback = [p for p in (*PHASES, "communication") if p in report.grades]
    if feedback:
        lines += ["## Feedback", ""]
        for phase in feedback:
            grade = report.grades[phase]
            name = phase_name(phase)
            lines += [f"### {name}: {grade.score:.1f} / 5", ""]
            for c in grade.criteria:
                lines.append(f"- {c.name}: {c.score} / 5 ({c.level})")
            for label, items in (
                ("Strengths", grade.strengths),
                ("To improve", grade.improvements),
                ("Noticed", grade.flags),
            ):
                if items:
                    lines.append(f"- {label}:")
                    lines += [f"  - {item}" for item in items]
            if grade.next_step:
                lines.append(f"- Next step: {grade.next_step}")
            lines.append("")
    u = card.usage
    cost = (
        "no API cost"
        if u.calls == 0
        else (f"about ${u.cost_usd:.4f}" if u.cost_usd is not None else "unknown")
    )
    as_of = f" (prices as of {u.prices_as_of})" if u.prices_as_of and u.calls else ""
    lines += diagram_markdown(report.diagrams)
    lines += [
        "## Usage",
        "",
        f"- Hints used: {card.hints_used}",
        f"- Model calls: {u.calls}; tokens in / out: {u.prompt_tokens:,} / {u.completion_tokens:,}; cost: {cost}{as_of}",
        f"- Duration: {report.timings['total_seconds'] / 60:.1f} minutes",
        "",
    ]
    if not transcript:
        return "\n".join(lines).rstrip() + "\n"
    lines += ["## Transcript", ""]
    for t in report.turns:
        if t.role == "system":
            lines += [f"**\u2014 {t.text} \u2014**", ""]
            continue
        who = "Interviewer" if t.role == "interviewer" else "You"
        label = {"hint": " (hint)", "question": "", "notes_lookup": " (looked up the notes)"}.get(t.kind, "")
        if t.role == "candidate" and t.kind == "system":
            lines += [f"*{t.text}*", ""]
            continue
        text = t.text if t.text.strip() else "*(said nothing)*"
        lines += [f"**{who}**{label} [{clock_stamp(t.elapsed_s)}]: {text}", ""]
    return "\n".join(lines).rstrip() + "\n"
