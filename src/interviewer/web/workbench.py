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
from typing import TYPE_CHECKING

from interviewer.config import EngineChoice
from interviewer.content.questions import DIFFICULTIES
from interviewer.errors import FALLBACK_WORDS, BadInput, StaleSession
from interviewer.llm.breaker import DEFAULT_BREAKER
from interviewer.phases import PHASE_NAMES, PHASES, Phase
from interviewer.web.auth import Viewer, local_viewer
from interviewer.web.dictation import Dictation
from interviewer.web.display import (
    ChatLine,
    FeedbackCard,
    LiveReply,
    Notice,
    NoticeLevel,
    QuestionChoice,
    chat_lines,
    feedback_cards,
    input_limit,
)
from interviewer.web.engines import Engines
from interviewer.web.limits import UserLimits
from interviewer.web.notes_desk import Lookup, NotesDesk
from interviewer.web.shared import Overrides, Shared
from interviewer.web.status import Status, build_status
from interviewer.web.timeline import Timeline, timeline_of
from interviewer.web.whiteboard import Whiteboard

# The modules behind a running interview pull in openai, chromadb and onnxruntime. They are imported on
# first use, so the start screen renders before any of them has loaded.
if TYPE_CHECKING:
    from interviewer.grading.delivery import Delivery
    from interviewer.grading.grade import Grade
    from interviewer.grading.report import Report
    from interviewer.interview.engine import Engine
    from interviewer.interview.replies import Reply, ReplyStream
    from interviewer.interview.session import InterviewSession
    from interviewer.notes.sync import ProgressCallback
    from interviewer.web.diagram_views import DiagramComparison
    from interviewer.web.downloads import Downloads

log = logging.getLogger(__name__)

OVERRIDES_KEY = "interviewer.overrides"
WORKBENCH_KEY = "interviewer.workbench"
LENGTHS = (20, 45, 60)
DRILL_MINUTES = 20
BOARD_PHASES: tuple[Phase, ...] = ("architecture", "deep_dive")
RELOADED = (
    "This interview moved on in another tab, so it was reloaded here as that tab left it; your last "
    "action was not saved. Carry on from here."
)
NOT_FOUND = "Interview not found: the link names an interview that is not saved here. Start a new one."

# ------------------------------------------------------------------------------------------ workbench


class Workbench(Engines):
    """One browser tab: everything the user does goes through one of these methods (or those of its
    `notes` and `voice`)."""

    def __init__(
        self, shared: Shared, overrides: Overrides | None = None, *, viewer: Viewer | None = None
    ) -> None:
        self.shared = shared
        self.overrides = overrides or Overrides()
        self.settings = shared.settings
        self.viewer = viewer or local_viewer()
        self.clock: Callable[[], float] = self.overrides.clock or time.time
        self.breaker = self.overrides.breaker or DEFAULT_BREAKER
        self.session: InterviewSession | None = None
        self.read_only = False
        self.reloaded = False
        self.limits = UserLimits(
            shared.store,
            self.viewer.owner,
            turns_per_minute=self.settings.turn_limit,
            daily_tokens=self.settings.token_budget,
            clock=self.clock,
        )
        allowed = self.engines()
        self.engine_choice: EngineChoice = (
            shared.settings.engine if shared.settings.engine in allowed else allowed[0]
        )
        self.notes = NotesDesk(
            shared,
            chat=self._answer_chat,
            notify=lambda text: self.notify("warning", text),
            max_question_chars=input_limit(),
            user=self.viewer.user,
            limits=self.limits,
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
        built = self._within_budget(self._engine(choice))
        self.engine_choice = choice
        from interviewer.interview.session import InterviewSession

        self._open(
            InterviewSession.create(
                question,
                built,
                self.shared.store,
                minutes=minutes,
                drill=drill,
                clock=self.clock,
                owner=self.viewer.owner,
            )
        )
        log.info("started session %s on %s", self.session_id, question.id)
        return self._live(self._active().start_stream())

    def _open(self, session: InterviewSession | None) -> None:
        self.session = session
        self.read_only = (
            session is not None and session.record.owner != self.viewer.owner and self.viewer.signed_in
        )
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
        """Load a saved interview, answering a last turn that never got its reply. Someone else's reads as
        missing (`SessionNotFound`), except to an instructor, who gets it read-only."""
        owner = self.viewer.read_owner
        record = self.shared.store.get_session(session_id, owner=owner)
        engine = self._within_budget(self._engine_for_record(record))
        from interviewer.interview.session import InterviewSession

        self._open(
            InterviewSession.resume(
                session_id, engine, self.shared.store, self.shared.bank.get, clock=self.clock, owner=owner
            )
        )
        if self.read_only:
            return None
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
            # The link's value is never shown: whoever crafted it would choose what the page says.
            self.notify("warning", NOT_FOUND)

    def close(self) -> None:
        """Leave the current interview (it stays saved) and go back to the start screen."""
        self._open(None)

    def delete(self, session_id: str) -> None:
        """Delete one of the user's saved interviews for good (an instructor too deletes only their own)."""
        self.shared.store.delete_session(
            session_id, owner=self.viewer.owner if self.viewer.signed_in else None
        )
        if self.session_id == session_id:
            self.close()

    # -- the interview ---------------------------------------------------------------------------------

    def _active(self) -> InterviewSession:
        if self.session is None:
            raise BadInput("no interview is running; start one first")
        return self.session

    def _live(self, stream: ReplyStream) -> LiveReply:
        return LiveReply(stream, self._after, stale=self._reload)

    def _act(self, action: Callable[[InterviewSession], ReplyStream], *, turn: bool = True) -> LiveReply:
        """Carry out an action on the open interview: never on one only read (an instructor's view of a
        candidate's), within the user's turn rate, on the offline engine once the model budget is spent,
        and, when another tab moved the interview on, by reloading it instead of overwriting it."""
        session = self._active()
        if self.read_only:
            raise BadInput("this is another candidate's interview: you can read it, not answer in it")
        if turn:
            self.limits.check_turn()
        session.engine = self._within_budget(session.engine)
        try:
            return self._live(action(session))
        except StaleSession:
            self._reload()
            raise

    def _reload(self) -> None:
        """Load the open interview again from the store, as another tab left it, and say why."""
        session_id = self.session_id
        if session_id is None:
            return
        self.resume(session_id)
        self.reloaded = True
        self.notify("warning", RELOADED)

    def take_reload(self) -> bool:
        """Whether the interview was reloaded since last asked (the page is then drawn again)."""
        reloaded, self.reloaded = self.reloaded, False
        return reloaded

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
        return self._act(lambda session: session.submit_stream(text, delivery=delivery))

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
        return self._act(lambda session: session.hint_stream())

    def next_phase(self) -> LiveReply:
        return self._act(lambda session: session.next_phase_stream(), turn=False)

    def end(self) -> LiveReply:
        return self._act(lambda session: session.end_stream(), turn=False)

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
        lines = chat_lines(turns)
        self._chat = (len(turns), lines)
        return list(lines)

    def feedback(self) -> list[FeedbackCard]:
        """One card per graded phase, in interview order, then communication; each is built once."""
        return feedback_cards(self._active().grades, self._cards, self._comparison)

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
