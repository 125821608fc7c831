"""What the pages show: notices, question choices, chat lines, feedback cards and the streaming reply."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from interviewer.config import EngineChoice
    from interviewer.diagrams.model import Diagram
    from interviewer.grading.grade import Grade
    from interviewer.grading.report import Report, Scorecard
    from interviewer.interview.replies import Reply, ReplyStream
    from interviewer.store.sessions import EngineName
    from interviewer.web.diagram_views import DiagramComparison

NoticeLevel = Literal["info", "warning", "error"]
ChatRole = Literal["interviewer", "candidate", "event"]


# ------------------------------------------------------------------------------------- what pages show


@dataclass(frozen=True)
class Notice:
    level: NoticeLevel
    text: str


@dataclass(frozen=True)
class QuestionChoice:
    id: str
    title: str
    topic: str
    difficulty: str

    @property
    def label(self) -> str:
        return f"{self.title} · {self.difficulty} · {self.topic}"


@dataclass(frozen=True)
class EngineInfo:
    """The engine a choice leads to and why; `problem` says why it cannot be used."""

    choice: EngineChoice
    name: EngineName | None
    reason: str
    problem: str | None = None


@dataclass(frozen=True)
class ChatLine:
    """One line of the transcript; a candidate's line may carry the diagram submitted with it."""

    role: ChatRole
    text: str
    note: str | None = None
    diagram: Diagram | None = None


@dataclass(frozen=True)
class FeedbackCard:
    """A graded phase: `title` for the collapsed card, `body` its whole content as one Markdown text."""

    title: str
    grade: Grade
    body: str
    diagram: DiagramComparison | None = None  # the drawing beside the reference design, when one was graded


def card_body(grade: Grade) -> str:
    """The feedback card's Markdown: summary, each criterion with evidence and missing points, next steps."""
    blocks = [grade.feedback] if grade.feedback else []
    for c in grade.criteria:
        blocks.append(f"**{c.name}**: {c.score} / 5 · {c.level}")
        blocks += [f"> {quote}" for quote in c.evidence]
        if c.missing:
            blocks.append(
                "\n".join(
                    f"- Missing: {m.point} Study *{m.learn.heading}* in `knowledge/{m.learn.file}`."
                    for m in c.missing
                )
            )
    if grade.strengths:
        blocks.append("**Strengths**\n" + "\n".join(f"- {s}" for s in grade.strengths))
    if grade.improvements:
        blocks.append("**To improve**\n" + "\n".join(f"- {s}" for s in grade.improvements))
    if grade.next_step:
        blocks.append(f"**Next step:** {grade.next_step}")
    d = grade.delivery
    if d is not None and d.spoken and d.words_per_minute:
        blocks.append(
            f"*Delivery: {d.words_per_minute:.0f} words per minute, {d.filler_count} filler words.*"
        )
    return "\n\n".join(blocks)


class LiveReply:
    """The interviewer's reply as it streams: iterate it (as `st.write_stream` does), then read `reply`."""

    def __init__(self, stream: ReplyStream, done: Callable[[Reply], None]) -> None:
        self._stream = stream
        self._done = done
        self._finished = False

    def __iter__(self) -> Iterator[str]:
        yield from self._stream
        self._finish()

    def _finish(self) -> None:
        if not self._finished:
            self._finished = True
            self._done(self._stream.reply)

    @property
    def reply(self) -> Reply:
        reply = self._stream.reply
        self._finish()
        return reply


def input_limit() -> int:
    """The longest answer the interviewer reads, in characters; longer ones are cut, with a notice."""
    from interviewer.interview.reading import MAX_INPUT_CHARS

    return MAX_INPUT_CHARS


def chart_data(report: Report) -> dict[str, list[Any]]:
    """The scorecard's per-phase bars as columns."""
    return {"Phase": list(report.chart["x"]), "Score": list(report.chart["y"])}


def gap_lines(card: Scorecard) -> list[str]:
    """The scorecard's "Top gaps" as Markdown lines: the missing key points; when none was missed, the
    criteria still below the top level; "No gaps found" only when every criterion is at the top level."""
    from interviewer.grading.report import phase_name

    if card.gaps:
        return [
            f"{i}. **{phase_name(gap.phase)}**: {gap.point}  \n"
            f"Study *{gap.learn.heading}* in `knowledge/{gap.learn.file}`."
            for i, gap in enumerate(card.gaps, 1)
        ]
    if card.overall is None:
        return ["Nothing was assessed, so there are no gaps to show."]
    if card.below_top:
        return [
            "No key point was missed. These criteria are below the top level:",
            *(
                f"{i}. **{phase_name(g.phase)}, {g.criterion}**: {g.score} / 5. {g.level}"
                for i, g in enumerate(card.below_top[:3], 1)
            ),
        ]
    return ["No gaps found: every criterion is at the top level."]
