"""The notes in the browser: the notes drawer's look-ups, and Ask the notes with its folder and uploads.

`NotesDesk` is one browser tab's notes state: the last look-ups, the chosen notes folder and the
conversation with the notes. The answers come from `interviewer.notes.ask.Answerer`, over the shared index of
the shipped notes or an index of the folder the candidate chose or uploaded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.errors import BadInput, NotesError

if TYPE_CHECKING:
    from interviewer.llm.protocol import ChatModel
    from interviewer.notes.ask import AnswerResult, AnswerStream
    from interviewer.notes.index import NotesIndex
    from interviewer.notes.results import SearchResult, SyncReport
    from interviewer.notes.sync import ProgressCallback
    from interviewer.web.shared import Shared

MAX_LOOKUP_CHARS = 300
MAX_UPLOAD_FILES = 50
KEPT_LOOKUPS = 5
NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class Lookup:
    query: str
    results: tuple[SearchResult, ...]
    logged: bool


@dataclass(frozen=True)
class Asked:
    question: str
    result: AnswerResult


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


class NotesDesk:
    """One tab's look-ups and its conversation with the notes.

    `chat` gives the model that phrases answers (None: extractive answers, offline); it is asked once.
    `notify` receives warnings the page shows once, such as a model failure that fell back offline.
    """

    def __init__(
        self,
        shared: Shared,
        *,
        chat: Callable[[], ChatModel | None],
        notify: Callable[[str], None],
        max_question_chars: int,
    ) -> None:
        self.shared = shared
        self.settings = shared.settings
        self.lookups: list[Lookup] = []
        self.folder: Path | None = None
        self.conversation: list[Asked] = []
        self._chat = chat
        self._notify = notify
        self._max_question = max_question_chars
        self._indexes: dict[Path, NotesIndex] = {}
        self._model: tuple[ChatModel | None, Any] | None = None

    # -- the notes drawer ----------------------------------------------------------------------------

    def lookup(
        self,
        query: str,
        progress: ProgressCallback | None = None,
        *,
        mark: Callable[[str, str], bool] = lambda query, found: False,
    ) -> Lookup:
        """Search the shipped notes. `mark(query, found)` records the look-up where it happened (the
        interview transcript) and says whether it did."""
        query = " ".join(query.split())[:MAX_LOOKUP_CHARS]
        if not query:
            raise BadInput("type what you want to look up")
        index = self.shared.index
        index.ensure_synced(progress)
        results = tuple(index.search(query, k=4))
        found = "\n".join(f"- {r.heading_path} ({r.source})" for r in results[:3]) or "(nothing found)"
        lookup = Lookup(query, results, mark(query, found))
        self.lookups.insert(0, lookup)
        del self.lookups[KEPT_LOOKUPS:]
        return lookup

    # -- which notes ------------------------------------------------------------------------------------

    def index(self) -> NotesIndex:
        """The index of the chosen notes folder (the shipped notes and INTERVIEWER_NOTES by default)."""
        folder = self.folder
        if folder is None:
            return self.shared.index
        if folder not in self._indexes:
            from interviewer.notes.index import NotesIndex

            self._indexes[folder] = NotesIndex(self.settings, self.shared.embedder, [folder])
        return self._indexes[folder]

    def use_folder(self, path: str | None) -> Path | None:
        """Answer from another notes folder (None: the shipped notes)."""
        if not path or not path.strip():
            self.folder = None
            return None
        folder = Path(path.strip()).expanduser().resolve()
        if not folder.is_dir():
            raise BadInput(f"no folder at {folder}; give the path of a folder of Markdown notes")
        if folder != self.folder:
            self.conversation.clear()
        self.folder = folder
        return folder

    def save_uploads(self, files: Sequence[tuple[str, bytes]]) -> Path:
        """Save uploaded Markdown files into their own folder under the data folder, and answer from it."""
        notes = [(name, data) for name, data in files if Path(name).suffix.lower() in NOTE_SUFFIXES]
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
        self.folder = folder
        self.conversation.clear()
        return folder

    def index_notes(self, progress: ProgressCallback | None = None) -> list[SyncReport]:
        return self.index().ensure_synced(progress)

    # -- asking ------------------------------------------------------------------------------------------

    def ask(self, question: str) -> LiveAnswer:
        """Answer from the chosen notes, streaming, with citations."""
        question = " ".join(question.split())[: self._max_question]
        if not question:
            raise BadInput("type a question about the notes")
        from interviewer.notes.ask import Answerer

        chat, prompts = self._answer_model()
        answerer = Answerer(
            self.index(), self.shared.embedder, chat, prompts, max_tokens=self.settings.reply_tokens.answer
        )

        def done(result: AnswerResult) -> None:
            self.conversation.append(Asked(question, result))
            if result.notice:
                self._notify(result.notice)

        return LiveAnswer(answerer.stream(question), done)

    def _answer_model(self) -> tuple[ChatModel | None, Any]:
        if self._model is None:
            from interviewer.llm.prompts import PromptLibrary

            chat = self._chat()
            self._model = (chat, PromptLibrary(self.settings.prompts_dir) if chat else None)
        return self._model
