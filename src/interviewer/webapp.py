"""The browser app's view-model: plain Python that the Streamlit pages call, one method per user action.

- `Shared` holds the read-only resources every browser tab uses: the settings, the question bank, the
  rubrics, the embedder, the offline grader, the session store and the notes index. The app builds it
  once per process with `st.cache_resource`; it holds nothing about any one user.
- `Workbench` is one browser tab's state: the interview in progress, the notes conversation, the voice
  draft and the notices still to show. It lives in `st.session_state`, so two tabs never share one.

The pages only read widgets, call a `Workbench` method and render what comes back; the interview
logic lives in `InterviewSession`, the scoring in the graders, the reports in `interviewer.report`.

Test seam: before the app's first run, a test may put an `Overrides` into
`st.session_state[OVERRIDES_KEY]` (for example `Overrides(chat=FakeLLM([...]), embedder=FakeEmbedder())`).
That tab's `Shared` and `Workbench` are then built from the overrides instead of the real models, and
nothing is cached across tabs.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from interviewer.breaker import DEFAULT_BREAKER, BreakerState, CircuitBreaker
from interviewer.config import EngineChoice, Settings
from interviewer.errors import BadInput, ConfigError, InterviewerError, NotesError
from interviewer.phases import PHASE_LETTERS, PHASE_NAMES, PHASES, Phase
from interviewer.questions import QuestionBank
from interviewer.rubric import RubricSet

# The modules behind a running interview pull in openai, chromadb and onnxruntime. They are imported on
# first use, so the start screen renders before any of them has loaded.
if TYPE_CHECKING:
    from interviewer.answer import AnswerResult, AnswerStream
    from interviewer.delivery import Delivery
    from interviewer.embeddings import Embedder
    from interviewer.engine import Engine
    from interviewer.grading import Grade, OfflineGrader
    from interviewer.index import NotesIndex, ProgressCallback, SearchResult, SyncReport
    from interviewer.llm import ChatModel
    from interviewer.report import Report, UsageSummary
    from interviewer.session import InterviewSession, Reply, ReplyStream
    from interviewer.store import EngineName, SessionRecord, SessionStore
    from interviewer.voice import Speaker, Transcriber

T = TypeVar("T")

log = logging.getLogger(__name__)

OVERRIDES_KEY = "interviewer.overrides"
WORKBENCH_KEY = "interviewer.workbench"
LENGTHS = (20, 45, 60)
DRILL_MINUTES = 20
MAX_LOOKUP_CHARS = 300
MAX_UPLOAD_FILES = 50

NoticeLevel = Literal["info", "warning", "error"]
PhaseStatus = Literal["done", "current", "next"]
Urgency = Literal["calm", "short", "over"]
ChatRole = Literal["interviewer", "candidate", "event"]


@dataclass(frozen=True)
class Overrides:
    """What a test swaps in for the real models. Every field is optional."""

    chat: ChatModel | None = None
    grader_chat: ChatModel | None = None
    embedder: Embedder | None = None
    transcriber: Transcriber | None = None
    speaker: Speaker | None = None
    breaker: CircuitBreaker | None = None
    clock: Callable[[], float] | None = None


class Shared:
    """Read-only resources shared by every browser tab of one app process.

    The bank and the rubrics load at once; the embedder, the grader, the store and the notes index are
    built on first use (once, under a lock), so the first page does not wait for them.
    """

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        settings.ensure_home()
        self.settings = settings
        self.bank = QuestionBank.load(settings.knowledge_dir)
        self.rubrics = RubricSet.load(settings.knowledge_dir)
        self._built: dict[str, Any] = {} if embedder is None else {"embedder": embedder}
        self._lock = threading.RLock()

    @classmethod
    def build(cls, settings: Settings, *, embedder: Embedder | None = None) -> Shared:
        return cls(settings, embedder=embedder)

    def _once(self, name: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = factory()
            return self._built[name]

    @property
    def embedder(self) -> Embedder:
        def make() -> Embedder:
            from interviewer.embeddings import MiniLMEmbedder

            return MiniLMEmbedder()

        return self._once("embedder", make)

    @property
    def grader(self) -> OfflineGrader:
        from interviewer.grading import OfflineGrader

        return self._once("grader", lambda: OfflineGrader(self.embedder, self.rubrics))

    @property
    def store(self) -> SessionStore:
        from interviewer.store import SessionStore

        return self._once("store", lambda: SessionStore(self.settings.db_path))

    @property
    def index(self) -> NotesIndex:
        from interviewer.index import NotesIndex

        return self._once("index", lambda: NotesIndex(self.settings, self.embedder))

    def warm_up(self) -> threading.Thread:
        """Load the embedder and grader and index the default notes in a background thread.

        A new data folder needs a minute or so to index the shipped notes on this kind of CPU; doing it
        while the candidate reads the start page means the notes drawer, Ask the notes and the LLM
        interviewer's guidance are ready when first used. A failure is logged and retried on first use.
        """

        def run() -> None:
            try:
                self.grader  # noqa: B018 (loads the embedding model once, off the first turn)
                self.index.ensure_synced()
            except InterviewerError as err:
                log.warning("background indexing of the notes failed: %s", err)
            except Exception:
                log.exception("background warm-up failed")

        thread = threading.Thread(target=run, name="interviewer-warm-up", daemon=True)
        thread.start()
        return thread

    def notes_ready(self) -> bool:
        """Whether every default notes folder has been indexed, so a search is quick."""
        from interviewer.index import collection_name

        return all((self.settings.bm25_dir / collection_name(d)).is_dir() for d in self.index.notes_dirs)

    def guidance(self, query: str) -> list[str]:
        """Notes excerpts for the LLM interviewer; none until the notes are indexed.

        The first indexing of the notes takes about a minute, so it happens on the Ask the notes page
        or in the notes drawer, with a progress bar, never in the middle of an interviewer's turn.
        """
        if not self.notes_ready():
            return []
        try:
            return [r.text for r in self.index.search(query, k=3)]
        except InterviewerError as err:
            log.warning("no notes guidance for this turn: %s", err)
            return []


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
class PhaseSlot:
    phase: Phase
    letter: str
    name: str
    status: PhaseStatus
    planned_min: float
    spent_min: float
    score: float | None


@dataclass(frozen=True)
class Timeline:
    slots: tuple[PhaseSlot, ...]
    phase: Phase | None
    phase_left_min: float
    total_left_min: float
    urgency: Urgency
    message: str | None
    banner: str


@dataclass(frozen=True)
class ChatLine:
    role: ChatRole
    text: str
    note: str | None = None


@dataclass(frozen=True)
class FeedbackCard:
    title: str
    grade: Grade


@dataclass(frozen=True)
class Downloads:
    stem: str
    markdown: str
    json: str
    transcript: str


@dataclass(frozen=True)
class VoiceDraft:
    """A transcribed recording, waiting for the candidate to correct and send it."""

    digest: str
    text: str
    seconds: float
    engine: str


@dataclass(frozen=True)
class DeliveryFigures:
    words: int
    seconds: float
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    pace: str
    delivery: Delivery


@dataclass(frozen=True)
class Lookup:
    query: str
    results: tuple[SearchResult, ...]
    logged: bool


@dataclass(frozen=True)
class Asked:
    question: str
    result: AnswerResult


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


@dataclass(frozen=True)
class Status:
    engine: str
    engine_reason: str
    chat_model: str
    grader_model: str
    base_url: str | None
    key_set: bool
    data_folder: str
    notes_folders: tuple[str, ...]
    voice: str
    session_id: str | None
    usage: UsageSummary | None
    breaker: BreakerState
    breaker_notice: str | None


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


class LiveAnswer:
    """An answer from the notes as it streams; the conversation records it once complete."""

    def __init__(self, stream: AnswerStream, done: Callable[[AnswerResult], None]) -> None:
        self._stream = stream
        self._done = done
        self._finished = False

    def __iter__(self) -> Iterator[str]:
        yield from self._stream
        self.result  # noqa: B018  (finishing records the answer)

    @property
    def result(self) -> AnswerResult:
        result = self._stream.result
        if not self._finished:
            self._finished = True
            self._done(result)
        return result


def input_limit() -> int:
    """The longest answer the interviewer reads, in characters; longer ones are cut, with a notice."""
    from interviewer.reading import MAX_INPUT_CHARS

    return MAX_INPUT_CHARS


def clock_text(minutes: float) -> str:
    """`7:05` for minutes left; `-1:30` when over."""
    sign = "-" if minutes < 0 else ""
    seconds = round(abs(minutes) * 60)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def _local(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


# ------------------------------------------------------------------------------------------ workbench


class Workbench:
    """One browser tab: everything the user does goes through one of these methods."""

    def __init__(self, shared: Shared, overrides: Overrides | None = None) -> None:
        self.shared = shared
        self.overrides = overrides or Overrides()
        self.settings = shared.settings
        self.clock: Callable[[], float] = self.overrides.clock or time.time
        self.breaker = self.overrides.breaker or DEFAULT_BREAKER
        self.session: InterviewSession | None = None
        self.engine_choice: EngineChoice = shared.settings.engine
        self.read_aloud = False
        self.voice_round = 0
        self.draft: VoiceDraft | None = None
        self.lookups: list[Lookup] = []
        self.notes_folder: Path | None = None
        self.conversation: list[Asked] = []
        self._notices: list[Notice] = []
        self._engines: dict[EngineChoice, Engine] = {}
        self._indexes: dict[Path, NotesIndex] = {}
        self._answerer: Any = None
        self._transcriber: Transcriber | None = self.overrides.transcriber
        self._speaker: Speaker | None = self.overrides.speaker
        self._speech: str | None = None

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
        order = {"easy": 0, "medium": 1, "hard": 2}
        chosen = [
            QuestionChoice(q.id, q.title, q.topic, q.difficulty)
            for q in self.shared.bank
            if (not difficulties or q.difficulty in difficulties) and (not topics or q.topic in topics)
        ]
        return sorted(chosen, key=lambda c: (order.get(c.difficulty, 9), c.title))

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.shared.bank})

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
            from interviewer.engine import build_engine

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
        from interviewer.session import InterviewSession

        self.session = InterviewSession.create(
            question, built, self.shared.store, minutes=minutes, drill=drill, clock=self.clock
        )
        self.lookups.clear()
        self.draft = None
        log.info("started session %s on %s", self.session.id, question.id)
        return self._live(self.session.start_stream())

    # -- resuming ------------------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self.session.id if self.session else None

    def resume(self, session_id: str) -> Reply | None:
        """Load a saved interview, answering a last turn that never got its reply."""
        record = self.shared.store.get_session(session_id)
        engine = self._engine_for_record(record)
        from interviewer.session import InterviewSession

        self.session = InterviewSession.resume(
            session_id, engine, self.shared.store, self.shared.bank.get, clock=self.clock
        )
        self.lookups.clear()
        self.draft = None
        reply = self.session.catch_up()
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
        self.session = None
        self.draft = None
        self.lookups.clear()

    def _engine_for_record(self, record: SessionRecord) -> Engine:
        if record.engine == "offline":
            return self._engine("offline")
        info = self.engine_info("openai")
        if info.problem is None:
            return self._engine("openai")
        self.notify(
            "warning",
            "This interview used the OpenAI engine, but no key or server is configured now, "
            "so it continues on the offline engine.",
        )
        return self._engine("offline")

    # -- the interview ---------------------------------------------------------------------------------

    def _active(self) -> InterviewSession:
        if self.session is None:
            raise BadInput("no interview is running; start one first")
        return self.session

    def _live(self, stream: ReplyStream) -> LiveReply:
        return LiveReply(stream, self._after)

    def _after(self, reply: Reply) -> None:
        if reply.capped:
            limit = input_limit()
            self.notify(
                "warning",
                f"Your answer was longer than {limit:,} characters, so only the first {limit:,} were used.",
            )
        if "->" in reply.source:
            state = self.breaker.state()
            until = f" until {state.until:%H:%M:%S}" if state.until else " for this reply"
            self.notify(
                "warning",
                f"The language model could not answer, so the offline interviewer replied{until}. "
                "The transcript is intact and the interview goes on.",
            )
        if reply.grade is not None and reply.ended_phase is not None:
            self.notify(
                "info",
                f"Feedback on {PHASE_NAMES[reply.ended_phase].lower()} is ready: "
                f"{reply.grade.score:.1f} / 5.",
            )
        if self.read_aloud and reply.text:
            self._speech = reply.text

    def needs_redraw(self, reply: Reply) -> bool:
        """Whether the page must be drawn again after `reply`: a phase ended or the interview is over
        (the timeline and feedback change), or a notice or speech is waiting to be shown."""
        return bool(reply.ended_phase or reply.done or self._notices or self._speech)

    def submit(self, text: str, *, delivery: Delivery | None = None) -> LiveReply:
        if not text.strip():
            raise BadInput("type an answer or a question first")
        return self._live(self._active().submit_stream(text, delivery=delivery))

    def hint(self) -> LiveReply:
        return self._live(self._active().hint_stream())

    def next_phase(self) -> LiveReply:
        return self._live(self._active().next_phase_stream())

    def end(self) -> LiveReply:
        return self._live(self._active().end_stream())

    def timeline(self) -> Timeline:
        from interviewer.session import phase_banner

        session = self._active()
        current = session.phase
        position = session.order.index(current) if current in session.order else len(session.order)
        slots = []
        for i, phase in enumerate(session.order):
            grade = session.grades.get(phase)
            status: PhaseStatus = "done" if i < position else "current" if i == position else "next"
            slots.append(
                PhaseSlot(
                    phase=phase,
                    letter=PHASE_LETTERS[phase],
                    name=PHASE_NAMES[phase],
                    status=status,
                    planned_min=session.pacing.minutes[phase],
                    spent_min=round(session.phase_seconds(phase) / 60.0, 2),
                    score=grade.score if grade else None,
                )
            )
        left = session.minutes_left
        urgency: Urgency = "calm"
        message = None
        if current is not None:
            planned = session.pacing.minutes[current]
            name = PHASE_NAMES[current].lower()
            if left <= 0:
                urgency = "over"
                message = (
                    f"Time is up for {name}: finish your thought, and the interviewer moves on after your "
                    "next answer (or press Next phase)."
                )
            elif left <= max(1.0, 0.2 * planned):
                urgency = "short"
                message = f"About {clock_text(left)} left for {name}: cover the points you have not yet."
        return Timeline(
            slots=tuple(slots),
            phase=current,
            phase_left_min=left,
            total_left_min=session.total_minutes_left,
            urgency=urgency,
            message=message,
            banner=phase_banner(session),
        )

    def chat(self) -> list[ChatLine]:
        """The transcript as chat lines: the two speakers, and events (phase changes, hints, look-ups)."""
        lines: list[ChatLine] = []
        for turn in self._active().turns:
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
                lines.append(ChatLine("candidate", turn.text or "(said nothing)", note))
        return lines

    def feedback(self) -> list[FeedbackCard]:
        """One card per graded phase, in interview order, then communication."""
        grades = self._active().grades
        cards = [
            FeedbackCard(f"{PHASE_NAMES[p]}: {grades[p].score:.1f} / 5", grades[p])
            for p in PHASES
            if p in grades
        ]
        if "communication" in grades:
            cards.append(
                FeedbackCard(
                    f"Communication: {grades['communication'].score:.1f} / 5", grades["communication"]
                )
            )
        return cards

    # -- notes drawer ----------------------------------------------------------------------------------

    def lookup(self, query: str, progress: ProgressCallback | None = None) -> Lookup:
        """Search the notes; during an interview the look-up is marked in the transcript."""
        query = " ".join(query.split())[:MAX_LOOKUP_CHARS]
        if not query:
            raise BadInput("type what you want to look up")
        self.shared.index.ensure_synced(progress)
        results = tuple(self.shared.index.search(query, k=4))
        logged = False
        if self.session is not None and not self.session.done and self.session.state != "not_started":
            found = "\n".join(f"- {r.heading_path} ({r.source})" for r in results[:3]) or "(nothing found)"
            self.session.log_notes_lookup(query, found)
            logged = True
        lookup = Lookup(query, results, logged)
        self.lookups.insert(0, lookup)
        del self.lookups[5:]
        return lookup

    # -- voice -------------------------------------------------------------------------------------------

    def transcribe(self, audio: bytes, filename: str = "answer.wav") -> VoiceDraft:
        """Transcribe a recording once; the same recording again returns the same draft."""
        digest = hashlib.sha256(audio).hexdigest()[:16]
        if self.draft is not None and self.draft.digest == digest:
            return self.draft
        if self._transcriber is None:
            from interviewer.voice import make_transcriber

            self._transcriber = make_transcriber(self.settings)
        transcript = self._transcriber.transcribe(audio, filename)
        self.draft = VoiceDraft(digest, transcript.text, transcript.duration_s, transcript.engine)
        return self.draft

    def delivery(self, text: str, seconds: float) -> DeliveryFigures:
        """How the (corrected) spoken answer was delivered, from its words and the recording's length."""
        from interviewer.delivery import measure

        d = measure(text, seconds=seconds if seconds > 0 else None, spoken=True)
        minutes = seconds / 60.0 if seconds > 0 else 0.0
        return DeliveryFigures(
            words=d.words,
            seconds=seconds,
            words_per_minute=d.words_per_minute,
            fillers=d.filler_count,
            fillers_per_minute=round(d.filler_count / minutes, 1) if minutes else None,
            pace=d.pace,
            delivery=d,
        )

    def submit_spoken(self, text: str) -> LiveReply:
        """Send the corrected transcript, with its delivery figures, as the answer."""
        if self.draft is None:
            raise BadInput("record an answer first")
        figures = self.delivery(text, self.draft.seconds)
        live = self.submit(text, delivery=figures.delivery)
        self.draft = None
        self.voice_round += 1
        return live

    def take_speech(self) -> bytes | None:
        """The last interviewer reply read aloud, once, when reading aloud is on."""
        text, self._speech = self._speech, None
        if not text or not self.read_aloud:
            return None
        if self._speaker is None:
            from interviewer.voice import make_speaker

            self._speaker = make_speaker(self.settings)
        try:
            return self._speaker.speak(text)
        except InterviewerError as err:
            self.notify("warning", f"Could not read the reply aloud: {err}")
            return None

    # -- the scorecard -------------------------------------------------------------------------------------

    def report(self) -> Report:
        return self._active().report()

    def downloads(self) -> Downloads:
        report = self.report()
        stem = f"interview-{report.session.question_id}-{report.session.id}"
        return Downloads(
            stem=stem,
            markdown=report.to_markdown(),
            json=report.model_dump_json(indent=2) + "\n",
            transcript=transcript_markdown(report),
        )

    # -- ask the notes -------------------------------------------------------------------------------------

    def notes_index(self) -> NotesIndex:
        """The index of the chosen notes folder (the shipped notes and INTERVIEWER_NOTES by default)."""
        folder = self.notes_folder
        if folder is None:
            return self.shared.index
        if folder not in self._indexes:
            from interviewer.index import NotesIndex

            self._indexes[folder] = NotesIndex(self.settings, self.shared.embedder, [folder])
        return self._indexes[folder]

    def use_folder(self, path: str | None) -> Path | None:
        """Answer from another notes folder (None: the shipped notes)."""
        if not path or not path.strip():
            self.notes_folder = None
            return None
        folder = Path(path.strip()).expanduser().resolve()
        if not folder.is_dir():
            raise BadInput(f"no folder at {folder}; give the path of a folder of Markdown notes")
        if folder != self.notes_folder:
            self.conversation.clear()
        self.notes_folder = folder
        return folder

    def save_uploads(self, files: Sequence[tuple[str, bytes]]) -> Path:
        """Save uploaded Markdown files into their own folder under the data folder, and answer from it."""
        notes = [
            (name, data) for name, data in files if Path(name).suffix.lower() in (".md", ".markdown", ".txt")
        ]
        if not notes:
            raise BadInput("upload one or more Markdown files (.md)")
        if len(notes) > MAX_UPLOAD_FILES:
            raise BadInput(f"upload at most {MAX_UPLOAD_FILES} files at a time")
        digest = hashlib.sha256()
        for name, data in sorted(notes):
            digest.update(name.encode() + b"\0" + data)
        folder = self.settings.home / "uploads" / digest.hexdigest()[:12]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in notes:
                safe = re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".") or "notes.md"
                (folder / safe).write_bytes(data)
        except OSError as exc:
            raise NotesError(f"could not save the uploaded notes in {folder} ({exc.strerror})") from None
        self.notes_folder = folder
        self.conversation.clear()
        return folder

    def index_notes(self, progress: ProgressCallback | None = None) -> list[SyncReport]:
        return self.notes_index().ensure_synced(progress)

    def ask(self, question: str) -> LiveAnswer:
        """Answer from the chosen notes, streaming, with citations."""
        question = " ".join(question.split())[: input_limit()]
        if not question:
            raise BadInput("type a question about the notes")
        from interviewer.answer import Answerer

        index = self.notes_index()
        chat, prompts = self._answer_model()
        answerer = Answerer(index, self.shared.embedder, chat, prompts)

        def done(result: AnswerResult) -> None:
            self.conversation.append(Asked(question, result))
            if result.notice:
                self.notify("warning", result.notice)

        return LiveAnswer(answerer.stream(question), done)

    def _answer_model(self) -> tuple[ChatModel | None, Any]:
        if self._answerer is None:
            from interviewer.prompts import PromptLibrary

            chat = self.overrides.chat
            if chat is None and self.engine_info().name == "openai":
                from interviewer.llm import make_chat_model

                chat = make_chat_model(
                    self.settings.model_copy(update={"engine": self.engine_choice}), "chat"
                )
            self._answerer = (chat, PromptLibrary(self.settings.prompts_dir) if chat else None)
        return self._answerer

    # -- history -------------------------------------------------------------------------------------------

    def history(self) -> list[HistoryRow]:
        """Saved interviews, newest first, with their scores."""
        from interviewer.report import report_for

        store = self.shared.store
        rows = []
        for record in reversed(store.list_sessions()):
            try:
                title = self.shared.bank.get(record.question_id).title
                report = report_for(store, record.id, self.shared.bank.get, self.shared.rubrics.scale)
                scores = {ps.name: ps.score for ps in report.scorecard.phases}
                scores["Communication"] = report.scorecard.communication
                overall, signal = report.scorecard.overall, report.scorecard.signal_label
            except InterviewerError as err:
                log.warning("cannot summarise session %s: %s", record.id, err)
                title, scores, overall, signal = record.question_id, {}, None, None
            rows.append(
                HistoryRow(
                    session_id=record.id,
                    created=_local(record.created_at),
                    title=title,
                    minutes=record.minutes,
                    drill=PHASE_NAMES[record.drill] if record.drill else None,
                    engine=record.engine,
                    state=_state_label(record.state),
                    finished=record.state == "done",
                    overall=overall,
                    signal=signal,
                    scores=scores,
                )
            )
        return rows

    def trends(self, rows: Sequence[HistoryRow] | None = None) -> dict[str, list[Any]]:
        """Per-phase scores across sessions, oldest first, as columns for a line chart."""
        scored = [
            r for r in reversed(list(rows if rows is not None else self.history())) if r.overall is not None
        ]
        names = [*(PHASE_NAMES[p] for p in PHASES), "Communication"]
        table: dict[str, list[Any]] = {"Session": [f"{r.created} ({r.session_id[:4]})" for r in scored]}
        for name in names:
            column = [r.scores.get(name) for r in scored]
            if any(v is not None for v in column):
                table[name] = column
        return table

    def next_drill(self) -> str:
        from interviewer.report import history

        found = history(self.shared.store)
        if found.next_drill is None:
            return found.reason
        return f"Next drill: {PHASE_NAMES[found.next_drill]}. {found.reason}"

    def delete(self, session_id: str) -> None:
        self.shared.store.delete_session(session_id)
        if self.session_id == session_id:
            self.close()

    # -- settings and status -------------------------------------------------------------------------------

    def status(self, *, with_usage: bool = True) -> Status:
        """Engine, models, key, data folder and breaker; with `with_usage`, this interview's tokens and cost."""
        s = self.settings
        name: str
        usage = None
        if self.session is not None:
            engine = self.session.engine
            name, reason = engine.name, engine.reason or s.engine_reason
            if with_usage:
                from interviewer.report import summarise_usage

                usage = summarise_usage(self.shared.store.usage(self.session.id))
        else:
            info = self.engine_info()
            name, reason = (info.name or "unavailable"), (info.problem or info.reason)
        breaker = self.breaker.state()
        notice = None
        if breaker.status == "open" and breaker.until is not None:
            notice = (
                f"The model server failed {breaker.consecutive_failures} times in a row, so the app runs on "
                f"the offline engine until {breaker.until:%H:%M:%S}."
            )
        voice = (
            f"OpenAI ({s.transcribe_model}, {s.tts_model}), offline when it fails"
            if name == "openai" and s.has_key
            else "offline: faster-whisper (whisper-base) and piper (joe)"
        )
        index = self.shared.index
        return Status(
            engine=name,
            engine_reason=reason,
            chat_model=s.chat_model,
            grader_model=s.grader_model,
            base_url=s.openai_base_url,
            key_set=s.has_key,
            data_folder=str(s.home),
            notes_folders=tuple(str(d) for d in index.notes_dirs),
            voice=voice,
            session_id=self.session_id,
            usage=usage,
            breaker=breaker,
            breaker_notice=notice,
        )


def _state_label(state: str) -> str:
    if state in PHASES:
        return f"in progress ({PHASE_NAMES[state]})"
    return {"done": "finished", "not_started": "not started", "wrap_up": "wrapping up"}.get(state, state)


def transcript_markdown(report: Report) -> str:
    """The whole conversation, as Markdown, with timestamps from the start of the interview."""
    lines = [
        f"# Transcript: {report.session.title}",
        "",
        f"Session `{report.session.id}` · {report.session.created}",
        "",
    ]
    for t in report.turns:
        stamp = f"{int(t.elapsed_s // 60)}:{int(t.elapsed_s % 60):02d}"
        if t.role == "system":
            lines += [f"**— {t.text} —**", ""]
        elif t.role == "interviewer":
            label = " (hint)" if t.kind == "hint" else ""
            lines += [f"**Interviewer**{label} [{stamp}]: {t.text}", ""]
        elif t.kind == "notes_lookup":
            query, _, found = t.text.partition("\n")
            lines += [f"*[{stamp}] looked up the notes: {query}*", "", found.strip(), ""]
        elif t.kind in ("hint", "system"):
            lines += [f"*[{stamp}] {t.text}*", ""]
        else:
            lines += [f"**You** [{stamp}]: {t.text or '*(said nothing)*'}", ""]
    return "\n".join(lines).rstrip() + "\n"


def chart_data(report: Report) -> dict[str, list[Any]]:
    """The scorecard's per-phase bars as columns."""
    return {"Phase": list(report.chart["x"]), "Score": list(report.chart["y"])}
