"""What every browser tab of one app process shares, and what a test may swap in.

`Shared` holds read-only resources: the settings, the question bank, the rubrics, the embedder, the
offline grader, the session store and the notes index. The app builds it once per process with
`st.cache_resource`; it holds nothing about any one user (that is the tab's `interviewer.web.workbench.Workbench`).

`Overrides` is the test seam: the models a test supplies instead of the real ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from interviewer.config import Settings
from interviewer.content.questions import QuestionBank
from interviewer.content.rubrics import RubricSet
from interviewer.errors import InterviewerError

# The modules behind a running interview pull in openai, chromadb and onnxruntime. They are imported on
# first use, so the start screen renders before any of them has loaded.
if TYPE_CHECKING:
    from interviewer.grading.offline import OfflineGrader
    from interviewer.llm.breaker import CircuitBreaker
    from interviewer.llm.protocol import ChatModel
    from interviewer.notes.embeddings import Embedder
    from interviewer.notes.index import NotesIndex
    from interviewer.store.sessions import SessionStore
    from interviewer.voice.speech import Speaker, Transcriber

T = TypeVar("T")

log = logging.getLogger(__name__)


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

    def __init__(
        self, settings: Settings, *, embedder: Embedder | None = None, store: SessionStore | None = None
    ) -> None:
        settings.ensure_home()
        self.settings = settings
        self.bank = QuestionBank.load(settings.knowledge_dir)
        self.rubrics = RubricSet.load(settings.knowledge_dir)
        self._built: dict[str, Any] = {}
        if embedder is not None:
            self._built["embedder"] = embedder
        if store is not None:  # a store opened elsewhere, such as one several test replicas share
            self._built["store"] = store
        self._lock = threading.RLock()

    @classmethod
    def build(
        cls, settings: Settings, *, embedder: Embedder | None = None, store: SessionStore | None = None
    ) -> Shared:
        return cls(settings, embedder=embedder, store=store)

    def _once(self, name: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = factory()
            return self._built[name]

    @property
    def embedder(self) -> Embedder:
        def make() -> Embedder:
            from interviewer.notes.embeddings import MiniLMEmbedder

            return MiniLMEmbedder()

        return self._once("embedder", make)

    @property
    def grader(self) -> OfflineGrader:
        from interviewer.grading.offline import OfflineGrader

        return self._once("grader", lambda: OfflineGrader(self.embedder, self.rubrics))

    @property
    def store(self) -> SessionStore:
        from interviewer.store.sessions import open_store

        return self._once("store", lambda: open_store(self.settings))

    @property
    def index(self) -> NotesIndex:
        from interviewer.notes.index import NotesIndex

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
                # the text the named-concept check reads (half a second at ten thousand chunks), off the
                # first question asked
                self.index.mentions(())
            except InterviewerError as err:
                log.warning("background indexing of the notes failed: %s", err)
            except Exception:
                log.exception("background warm-up failed")

        thread = threading.Thread(target=run, name="interviewer-warm-up", daemon=True)
        thread.start()
        return thread

    def notes_ready(self) -> bool:
        """Whether every default notes folder has been indexed, so a search is quick."""
        from interviewer.notes.sync import collection_name

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
