"""What the pages show: notices, question choices, chat lines, feedback cards and the streaming reply."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from interviewer.web.markup import STREAM_HOLD, WORD_JOINER, plain, safe_markdown, safe_stream  # noqa: F401
from interviewer.web.whiteboard import turn_diagram

if TYPE_CHECKING:
    from interviewer.config import EngineChoice
    from interviewer.diagrams.model import Diagram
    from interviewer.grading.grade import Grade
    from interviewer.grading.report import Report, Scorecard
    from interviewer.interview.replies import Reply, ReplyStream
    from interviewer.store.sessions import EngineName, Turn
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


def chat_lines(turns: Sequence[Turn]) -> list[ChatLine]:
    """The transcript as chat lines: the two speakers, and events (phase changes, hints, look-ups)."""
    lines: list[ChatLine] = []
    for turn in turns:
        if turn.role == "interviewer":
            note = "hint" if turn.kind == "hint" else None
            lines.append(ChatLine("interviewer", turn.text, note))
        elif turn.role == "system":
            lines.append(ChatLine("event", turn.text))
        elif turn.kind == "notes_lookup":
            query = turn.text.split("\n", 1)[0]
            lines.append(ChatLine("event", f"Looked up the notes: “{query}”"))
        elif turn.kind in ("hint", "system"):
            lines.append(ChatLine("event", turn.text.strip("()").capitalize()))
        else:
            spoken = turn.meta.get("delivery")
            note = None
            if spoken and spoken.get("words_per_minute"):
                note = f"spoken · {spoken['words_per_minute']:.0f} words per minute"
            if turn.meta.get("capped"):
                note = f"cut to {input_limit():,} characters"
            diagram = turn_diagram(turn.meta)
            if diagram is not None:
                drawn = "typed as Mermaid" if turn.meta.get("mermaid") else "drawn on the whiteboard"
                note = f"{note} · {drawn}" if note else drawn
            text = turn.text or ("" if diagram is not None else "(said nothing)")
            lines.append(ChatLine("candidate", text, note, diagram))
    return lines


@dataclass(frozen=True)
class FeedbackCard:
    """A graded phase: `title` for the collapsed card, `body` its whole content as one Markdown text."""

    title: str
    grade: Grade
    body: str
    diagram: DiagramComparison | None = None  # the drawing beside the reference design, when one was graded


def card_body(grade: Grade) -> str:
    """The feedback card's Markdown: summary, each criterion with evidence and missing points, next steps."""
    blocks = [safe_markdown(grade.feedback)] if grade.feedback else []
    for c in grade.criteria:
        blocks.append(f"**{c.name}**: {c.score} / 5 · {c.level}")
        blocks += [f"> {plain(quote)}" for quote in c.evidence]
        if c.missing:
            blocks.append(
                "\n".join(
                    f"- Missing: {m.point} Study *{m.learn.heading}* in `knowledge/{m.learn.file}`."
                    for m in c.missing
                )
            )
    if grade.strengths:
        blocks.append("**Strengths**\n" + "\n".join(f"- {safe_markdown(s)}" for s in grade.strengths))
    if grade.improvements:
        blocks.append("**To improve**\n" + "\n".join(f"- {safe_markdown(s)}" for s in grade.improvements))
    if grade.next_step:
        blocks.append(f"**Next step:** {safe_markdown(grade.next_step)}")
    d = grade.delivery
    if d is not None and d.spoken and d.words_per_minute:
        blocks.append(
            f"*Delivery: {d.words_per_minute:.0f} words per minute, {d.filler_count} filler words.*"
        )
    return "\n\n".join(blocks)


def feedback_cards(
    grades: Mapping[str, Grade],
    built: dict[str, FeedbackCard],
    comparison: Callable[[Grade], DiagramComparison | None] = lambda grade: None,
) -> list[FeedbackCard]:
    """One card per graded phase, in interview order, then communication; each is built once (`built`
    keeps the cards between calls), with the phase's drawing beside the reference design (`comparison`)."""
    from interviewer.phases import PHASE_NAMES, PHASES

    named = [(p, PHASE_NAMES[p]) for p in PHASES] + [("communication", "Communication")]
    cards = []
    for key, name in named:
        grade = grades.get(key)
        if grade is None:
            continue
        card = built.get(key)
        if card is None or card.grade is not grade:
            card = FeedbackCard(f"{name}: {grade.score:.1f} / 5", grade, card_body(grade), comparison(grade))
            built[key] = card
        cards.append(card)
    return cards


class LiveReply:
    """The interviewer's reply as it streams: iterate it (as `st.write_stream` does), then read `reply`."""

    def __init__(
        self, stream: ReplyStream, done: Callable[[Reply], None], *, stale: Callable[[], None] | None = None
    ) -> None:
        self._stream = stream
        self._done = done
        self._stale = stale
        self._finished = False

    def __iter__(self) -> Iterator[str]:
        from interviewer.errors import StaleSession

        try:
            yield from self._stream
        except StaleSession:
            if self._stale is not None:
                self._stale()  # another tab moved the interview on: load it as it is now
            raise
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
