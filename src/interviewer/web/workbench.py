"""The browser app's view-model: plain Python that the Streamlit pages call, one method per user action.

- `Shared` (`interviewer.web.shared`) holds the read-only resources every browser tab uses: the bank, the
  rubrics, the embedder, the grader, the store and the notes index, built once per process.
- `Workbench` is one browser tab's state: the interview in progress, and the tab's `NotesDesk`
  (`interviewer.web.notes_desk`: the notes drawer and Ask the notes) and `Dictation` (`interviewer.web.dictation`:
  answers by voice, replies read aloud), plus the notices still to show. It lives in `st.session_state`,
  so two tabs never share one.

The pages only read widgets, call a `Workbench` method and render what comes back; the interview
logic lives in `InterviewSession`, the clock in `interviewer.web.timeline`, the scoring in the graders, the
reports in `interviewer.grading.report` and `interviewer.web.downloads`, the History page's rows in
`interviewer.web.history` and the status in `interviewer.web.status`.

Test seam: before the app's first run, a test may put an `Overrides` into
`st.session_state[OVERRIDES_KEY]` (for example `Overrides(chat=FakeLLM([...]), embedder=FakeEmbedder())`).
That tab's `Shared` and `Workbench` are then built from the overrides instead of the real models, and
nothing is cached across tabs.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from interviewer.config import EngineChoice
from interviewer.content.questions import DIFFICULTIES
from interviewer.errors import FALLBACK_WORDS, BadInput, ConfigError
from interviewer.llm.breaker import DEFAULT_BREAKER
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.web.dictation import Dictation
from interviewer.web.display import (
    ChatLine,
    EngineInfo,
    FeedbackCard,
    LiveReply,
    Notice,
    NoticeLevel,
    QuestionChoice,
    card_body,
    input_limit,
)
from interviewer.web.notes_desk import Lookup, NotesDesk
from interviewer.web.shared import Overrides, Shared
from interviewer.web.status import Status, build_status
from interviewer.web.timeline import Timeline, timeline_of
from interviewer.web.whiteboard import Whiteboard, turn_diagram

# The modules behind a running interview pull in openai, chromadb and onnxruntime. They are imported on
# first use, so the start screen renders before any of them has loaded.
if TYPE_CHECKING:
    from interviewer.grading.delivery import Delivery
    from interviewer.grading.grade import Grade
    from interviewer.grading.report import Report
    from interviewer.interview.engine import Engine
    from interviewer.interview.replies import Reply, ReplyStream
    from interviewer.interview.session import InterviewSession
    from interviewer.llm.protocol import ChatModel
    from interviewer.notes.sync import ProgressCallback
    from interviewer.store.sessions import SessionRecord
    from interviewer.web.diagram_views import DiagramComparison
    from interviewer.web.downloads import Downloads

log = logging.getLogger(__name__)

OVERRIDES_KEY = "interviewer.overrides"
WORKBENCH_KEY = "interviewer.workbench"
LENGTHS = (20, 45, 60)
DRILL_MINUTES = 20
BOARD_PHASES: tuple[Phase, ...] = ("architecture", "deep_dive")
CONTINUES_OFFLINE = "this interview was started on the offline engine, so it continues on it"
CONTINUES_OPENAI = "this interview was started on the OpenAI engine, so it continues on it"
OPENAI_GONE = "this interview used the OpenAI engine, but no key or server is configured now"

# ------------------------------------------------------------------------------------------ workbench


class Workbench:
    """One browser tab: everything the user does goes through one of these methods (or those of its
    `notes` and `voice`)."""

    def __init__(self, shared: Shared, overrides: Overrides | None = None) -> None:
        self.shared = shared
        self.overrides = overrides or Overrides()
        self.settings = shared.settings
        self.clock: Callable[[], float] = self.overrides.clock or time.time
        self.breaker = self.overrides.breaker or DEFAULT_BREAKER
        self.session: InterviewSession | None = None
        self.engine_choice: EngineChoice = shared.settings.engine
        self.notes = NotesDesk(
            shared,
            chat=self._answer_chat,
            notify=lambda text: self.notify("warning", text),
            max_question_chars=input_limit(),
        )
        self.voice = Dictation(
            shared.settings,
            transcriber=self.overrides.transcriber,
            speaker=self.overrides.speaker,
            notify=lambda text: self.notify("warning", text),
        )
        self.board = Whiteboard()
        self._notices: list[Notice] = []
        self._engines: dict[EngineChoice, Engine] = {}
        self._cards: dict[str, FeedbackCard] = {}
        self._chat: tuple[int, list[ChatLine]] = (-1, [])

    # -- notices ---------------------------------------------------------------------------------

    def notify(self, level: NoticeLevel, text: str) -> None:
        self._notices.append(Notice(level, text))

    def take_notices(self) -> list[Notice]:
        """Notices not shown yet; each is shown once."""
        notices, self._notices = self._notices, []
        return notices

    # -- the start screen ----------------------------------------------------------------------------

    def questions(self, difficulties: Sequence[str] = (), topics: Sequence[str] = ()) -> list[QuestionChoice]:
        """The bank's questions, filtered by difficulty and topic (an empty filter keeps everything)."""
        order: dict[str, int] = {d: i for i, d in enumerate(DIFFICULTIES)}
        chosen = [
            QuestionChoice(q.id, q.title, q.topic, q.difficulty)
            for q in self.shared.bank
            if (not difficulties or q.difficulty in difficulties) and (not topics or q.topic in topics)
        ]
        return sorted(chosen, key=lambda c: (order.get(c.difficulty, 9), c.title))

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.shared.bank})

    def difficulties(self) -> list[str]:
        """The difficulties some question in the bank has, easiest first: a filter never offers an empty one."""
        held = {q.difficulty for q in self.shared.bank}
        return [d for d in DIFFICULTIES if d in held]

    def engine_info(self, choice: EngineChoice | None = None) -> EngineInfo:
        choice = choice or self.engine_choice
        if self.overrides.chat is not None and choice != "offline":
            return EngineInfo(choice, "openai", "a chat model was supplied directly")
        settings = self.settings.model_copy(update={"engine": choice})
        try:
            return EngineInfo(choice, settings.resolved_engine, settings.engine_reason)
        except ConfigError as err:
            return EngineInfo(choice, None, settings.engine_reason, str(err))

    def _engine(self, choice: EngineChoice) -> Engine:
        engine = self._engines.get(choice)
        if engine is None:
            info = self.engine_info(choice)
            if info.problem:
                raise ConfigError(info.problem)
            from interviewer.interview.engine import build_engine

            settings = self.settings.model_copy(update={"engine": choice})
            engine = build_engine(
                settings,
                embedder=self.shared.embedder,
                chat=self.overrides.chat if info.name == "openai" else None,
                grader_chat=self.overrides.grader_chat if info.name == "openai" else None,
                offline_grader=self.shared.grader,
                retrieve=self.shared.guidance,
            )
            self._engines[choice] = engine
        return engine

    def _answer_chat(self) -> ChatModel | None:
        """The model that phrases answers from the notes: the injected one, OpenAI, or none (offline)."""
        if self.overrides.chat is not None:
            return self.overrides.chat
        if self.engine_info().name != "openai":
            return None
        from interviewer.llm.openai_client import make_chat_model

        return make_chat_model(self.settings.model_copy(update={"engine": self.engine_choice}), "chat")

    def start(
        self,
        question_id: str | None,
        minutes: int,
        *,
        drill: Phase | None = None,
        engine: EngineChoice | None = None,
        pool: Sequence[str] = (),
    ) -> LiveReply:
        """Start a new interview (a random one from `pool`, or the whole bank, without `question_id`)."""
        if minutes not in LENGTHS:
            raise BadInput(f"choose a length of {', '.join(map(str, LENGTHS))} minutes")
        if question_id is None:
            candidates = list(pool) or self.shared.bank.ids()
            question_id = random.choice(candidates)
        question = self.shared.bank.get(question_id)
        choice = engine or self.engine_choice
        built = self._engine(choice)
        self.engine_choice = choice
        from interviewer.interview.session import InterviewSession

        self._open(
            InterviewSession.create(
                question, built, self.shared.store, minutes=minutes, drill=drill, clock=self.clock
            )
        )
        log.info("started session %s on %s", self.session_id, question.id)
        return self._live(self._active().start_stream())

    def _open(self, session: InterviewSession | None) -> None:
        self.session = session
        self.notes.lookups.clear()
        self.voice.clear()
        self.board = Whiteboard()
        if session is not None:
            self.board.load(session.diagram())
        self._cards.clear()
        self._chat = (-1, [])

    # -- resuming ------------------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self.session.id if self.session else None

    def resume(self, session_id: str) -> Reply | None:
        """Load a saved interview, answering a last turn that never got its reply."""
        record = self.shared.store.get_session(session_id)
        engine = self._engine_for_record(record)
        from interviewer.interview.session import InterviewSession

        self._open(
            InterviewSession.resume(
                session_id, engine, self.shared.store, self.shared.bank.get, clock=self.clock
            )
        )
        reply = self._active().catch_up()
        if reply is not None:
            self._after(reply)
        return reply

    def restore(self, session_id: str | None) -> None:
        """After a refresh: bring back the interview the URL names, unless it is already loaded."""
        if not session_id or session_id == self.session_id:
            return
        try:
            self.resume(session_id)
        except BadInput:
            self.notify("warning", f"The interview {session_id} is no longer saved; start a new one.")

    def close(self) -> None:
        """Leave the current interview (it stays saved) and go back to the start screen."""
        self._open(None)

    def delete(self, session_id: str) -> None:
        """Delete a saved interview for good; the open one is closed first."""
        self.shared.store.delete_session(session_id)
        if self.session_id == session_id:
            self.close()

    def _engine_for_record(self, record: SessionRecord) -> Engine:
        """The engine a saved interview continues on, with the reason it is in use now.

        The engine this tab would choose (Automatic unless the user picked one) carries its own reason when
        it is the engine the interview ran on; otherwise the interview keeps its engine, and the reason says so.
        """
        current = self.engine_info(self.engine_choice)
        if current.problem is None and current.name == record.engine:
            return self._engine(self.engine_choice)
        if record.engine == "offline":
            return replace(self._engine("offline"), reason=CONTINUES_OFFLINE)
        if self.engine_info("openai").problem is None:
            return replace(self._engine("openai"), reason=CONTINUES_OPENAI)
        self.notify(
            "warning",
            "This interview used the OpenAI engine, but no key or server is configured now, "
            "so it continues on the offline engine.",
        )
        return replace(self._engine("offline"), reason=OPENAI_GONE)

    # -- the interview ---------------------------------------------------------------------------------

    def _active(self) -> InterviewSession:
        if self.session is None:
            raise BadInput("no interview is running; start one first")
        return self.session

    def _live(self, stream: ReplyStream) -> LiveReply:
        return LiveReply(stream, self._after)

    def _after(self, reply: Reply) -> None:
        self._follow_drawing()
        if reply.capped:
            limit = input_limit()
            self.notify(
                "warning",
                f"Your answer was longer than {limit:,} characters, so only the first {limit:,} were used.",
            )
        if "->" in reply.source:
            state = self.breaker.state()
            until = f" until {state.until:%H:%M:%S}" if state.until else " for this reply"
            why = FALLBACK_WORDS[reply.fallback_reason or "unavailable"]
            self.notify(
                "warning",
                f"{why[0].upper()}{why[1:]}, so the offline interviewer replied{until}. "
                "The transcript is intact and the interview goes on.",
            )
        if reply.grade is not None and reply.ended_phase is not None:
            self.notify(
                "info",
                f"Feedback on {PHASE_NAMES[reply.ended_phase].lower()} is ready: "
                f"{reply.grade.score:.1f} / 5.",
            )
        self.voice.queue(reply.text)

    def needs_redraw(self, reply: Reply) -> bool:
        """Whether the whole page must be drawn again after `reply`: a phase ended or the interview is
        over (the timeline and feedback change), or a notice or speech is waiting to be shown."""
        return bool(reply.ended_phase or reply.done or self._notices or self.voice.waiting)

    def submit(self, text: str, *, delivery: Delivery | None = None) -> LiveReply:
        if not text.strip():
            raise BadInput("type an answer or a question first")
        return self._live(self._active().submit_stream(text, delivery=delivery))

    @property
    def board_open(self) -> bool:
        """Whether the whiteboard is out: in the phases where the candidate draws the architecture."""
        session = self.session
        return session is not None and not session.done and session.phase in BOARD_PHASES

    def _follow_drawing(self) -> None:
        """A drawing sent another way (a Mermaid block typed in the chat) goes on the board, unless the board
        holds changes not sent yet."""
        latest = self.session.diagram() if self.session is not None else None
        if latest is not None and latest != self.board.submitted and not self.board.changed_since_submitted:
            self.board.load(latest)

    def submit_drawing(self, text: str = "") -> LiveReply:
        """Send the whiteboard as it is now, with the words typed beside it (if any), as the answer."""
        session = self._active()
        diagram = self.board.diagram
        if diagram.empty:
            raise BadInput("draw at least one box before submitting the drawing")
        live = self._live(session.submit_stream(text.strip(), diagram=diagram))
        self.board.mark_submitted()
        return live

    def submit_spoken(self, text: str) -> LiveReply:
        """Send the corrected transcript, with its delivery figures, as the answer."""
        draft = self.voice.draft
        if draft is None:
            raise BadInput("record an answer first")
        figures = self.voice.delivery(text, draft.seconds)
        live = self.submit(text, delivery=figures.delivery)
        self.voice.sent()
        return live

    def hint(self) -> LiveReply:
        return self._live(self._active().hint_stream())

    def next_phase(self) -> LiveReply:
        return self._live(self._active().next_phase_stream())

    def end(self) -> LiveReply:
        return self._live(self._active().end_stream())

    def lookup(self, query: str, progress: ProgressCallback | None = None) -> Lookup:
        """Search the notes from the drawer; during an interview the look-up is marked in the transcript."""

        def mark(query: str, found: str) -> bool:
            session = self.session
            if session is None or session.done or session.state == "not_started":
                return False
            session.log_notes_lookup(query, found)
            return True

        return self.notes.lookup(query, progress, mark=mark)

    def timeline(self) -> Timeline:
        return timeline_of(self._active())

    def chat(self) -> list[ChatLine]:
        """The transcript as chat lines: the two speakers, and events (phase changes, hints, look-ups).

        Turns are only ever appended, so the lines are rebuilt only when there are new ones.
        """
        turns = self._active().turns
        if self._chat[0] == len(turns):
            return list(self._chat[1])
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
        self._chat = (len(turns), lines)
        return list(lines)

    def feedback(self) -> list[FeedbackCard]:
        """One card per graded phase, in interview order, then communication; each is built once."""
        grades = self._active().grades
        named = [(p, PHASE_NAMES[p]) for p in PHASES] + [("communication", "Communication")]
        cards = []
        for key, name in named:
            grade = grades.get(key)
            if grade is None:
                continue
            card = self._cards.get(key)
            if card is None or card.grade is not grade:
                title = f"{name}: {grade.score:.1f} / 5"
                card = FeedbackCard(title, grade, card_body(grade), self._comparison(grade))
                self._cards[key] = card
            cards.append(card)
        return cards

    def _comparison(self, grade: Grade) -> DiagramComparison | None:
        """The phase's drawing beside the reference design, when the grade reviewed one."""
        session = self._active()
        if grade.diagram is None or grade.phase == "communication":
            return None
        drawn = session.diagram(grade.phase)
        if drawn is None:
            return None
        from interviewer.web.diagram_views import compare

        return compare(grade.diagram, drawn, session.question.reference_design)

    # -- the scorecard -------------------------------------------------------------------------------------

    def report(self) -> Report:
        return self._active().report()

    def downloads(self) -> Downloads:
        """The report files, with the graded drawings beside their reference designs."""
        from interviewer.web.downloads import downloads_for

        graded = {c.grade.phase: c.diagram for c in self.feedback() if c.diagram and c.grade.phase in PHASES}
        return downloads_for(self.report(), graded)

    # -- status ---------------------------------------------------------------------------------------------

    def engine_line(self) -> tuple[str, str]:
        """The engine this tab runs on, and why, for the sidebar."""
        if self.session is not None:
            engine = self.session.engine
            return engine.name, engine.reason or self.settings.engine_reason
        info = self.engine_info()
        return info.name or "unavailable", info.problem or info.reason

    def status(self, *, with_usage: bool = True) -> Status:
        """Engine, models, key, data folder and breaker; with `with_usage`, this interview's tokens and cost."""
        name, reason = self.engine_line()
        usage = None
        if self.session is not None and with_usage:
            from interviewer.grading.report import summarise_usage

            usage = summarise_usage(self.shared.store.usage(self.session.id))
        return build_status(
            self.settings,
            engine=name,
            reason=reason,
            breaker=self.breaker.state(),
            notes_folders=[str(d) for d in self.shared.index.notes_dirs],
            session_id=self.session_id,
            usage=usage,
        )
