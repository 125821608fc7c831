"""The notes in the browser: the notes drawer's look-ups, and Ask the notes with its folder and uploads.

`NotesDesk` is one browser tab's notes state: the last look-ups, the chosen notes folder and the
conversation with the notes. The answers come from `interviewer.notes.ask.Answerer`, over the shared index of
the shipped notes or an index of the folder the candidate chose or uploaded. Uploads are kept in the session
store and written out on each replica (`interviewer.web.uploads`), so a user sees the same ones everywhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.errors import BadInput
from interviewer.web.auth import LOCAL_USER
from interviewer.web.limits import INDEX_JOBS, UserLimits, check_index_size, check_uploads, quota_bytes
from interviewer.web.uploads import UploadSet, UserUploads

if TYPE_CHECKING:
    from interviewer.llm.protocol import ChatModel
    from interviewer.notes.ask import AnswerResult, AnswerStream
    from interviewer.notes.index import NotesIndex
    from interviewer.notes.results import SearchResult, SyncReport
    from interviewer.notes.sync import ProgressCallback
    from interviewer.web.shared import Shared

log = logging.getLogger(__name__)

MAX_LOOKUP_CHARS = 300
MAX_UPLOAD_FILES = 50
KEPT_LOOKUPS = 5
NOTE_SUFFIXES = (".md", ".markdown", ".txt")

__all__ = ["Asked", "LiveAnswer", "Lookup", "NotesDesk", "UploadSet"]


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
        user: str = LOCAL_USER,
        limits: UserLimits | None = None,
    ) -> None:
        self.shared = shared
        self.user = user
        self.limits = limits
        self.settings = shared.settings
        self.lookups: list[Lookup] = []
        self.folder: Path | None = None
        self.conversation: list[Asked] = []
        self._chat = chat
        self._notify = notify
        self._max_question = max_question_chars
        self._indexes: dict[Path, NotesIndex] = {}
        self._clock: Callable[[], float] = limits.clock if limits is not None else time.time
        self.uploads = UserUploads(self.settings, lambda: shared.store, user, self._clock)
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

            collection = self.uploads.collection(folder)
            self._indexes[folder] = NotesIndex(
                self.settings,
                self.shared.embedder,
                [folder],
                collections={folder: collection} if collection else None,
            )
        return self._indexes[folder]

    @property
    def folders_allowed(self) -> bool:
        """Whether a folder of the computer running the app may be chosen: only on one's own machine.
        Once users sign in, notes come from their uploads and the operator's INTERVIEWER_NOTES."""
        return not self.settings.signed_in

    def use_folder(self, path: str | None) -> Path | None:
        """Answer from another notes folder (None: the shipped notes)."""
        if not path or not path.strip():
            self.folder = None
            return None
        if not self.folders_allowed:
            raise BadInput("the server's folders cannot be chosen here; upload your notes instead")
        folder = Path(path.strip()).expanduser().resolve()
        if not folder.is_dir():
            raise BadInput(f"no folder at {folder}; give the path of a folder of Markdown notes")
        if folder != self.folder:
            self.conversation.clear()
        self.folder = folder
        return folder

    @property
    def uploads_root(self) -> Path:
        """This user's uploads in this replica's data folder: `uploads/<user>/<set>/`."""
        return self.uploads.root

    def check_upload(self, files: Sequence[tuple[str, int]]) -> None:
        """Refuse files (name, size) over 2 MB or over the user's quota, before anything is saved. The quota
        counts the files the store holds for the user, whichever replica received them."""
        held_files, held_bytes = self.uploads.held()
        self._check_quota(files, held_files, held_bytes)

    def _check_quota(self, files: Sequence[tuple[str, int]], held_files: int, held_bytes: int) -> None:
        check_uploads(
            files,
            held_files=held_files,
            held_bytes=held_bytes,
            max_files=self.settings.upload_max_files,
            max_bytes=quota_bytes(self.settings.upload_max_mb),
        )

    def save_uploads(self, files: Sequence[tuple[str, bytes]]) -> Path:
        """Keep uploaded Markdown files as a notes set of the user's (in the store, so every replica has it),
        and answer from it."""
        notes = [(name, data) for name, data in files if Path(name).suffix.lower() in NOTE_SUFFIXES]
        if not notes:
            raise BadInput("upload one or more Markdown files (.md)")
        if len(notes) > MAX_UPLOAD_FILES:
            raise BadInput(f"upload at most {MAX_UPLOAD_FILES} files at a time")
        sizes = [(name, len(data)) for name, data in notes]
        folder = self.uploads.save(notes, check=lambda n, size: self._check_quota(sizes, n, size))
        self.folder = folder
        self.conversation.clear()
        return folder

    def upload_sets(self) -> list[UploadSet]:
        """This user's uploaded notes sets, oldest first, from whichever replica received them; sets deleted
        through another replica are gone from this one too."""
        sets = self.uploads.sets()
        chosen = self.folder
        if (
            chosen is not None
            and self.uploads.collection(chosen)
            and chosen.name not in {s.name for s in sets}
        ):
            self._forget_folder(chosen)
        return sets

    def use_upload(self, name: str) -> Path:
        """Answer from one of this user's uploaded sets."""
        folder = self.uploads.folder(name)
        if folder != self.folder:
            self.conversation.clear()
        self.folder = folder
        return folder

    def delete_upload(self, name: str) -> None:
        """Delete one uploaded set, for every replica: its files, its vectors and its lexical index."""
        self._forget_folder(self.uploads.delete(name))

    def _forget_folder(self, folder: Path) -> None:
        self._indexes.pop(folder.resolve(), None)
        if self.folder is not None and self.folder.resolve() == folder.resolve():
            self.folder = None
            self.conversation.clear()

    def _chosen_upload_still_there(self) -> None:
        """Refuse to index or answer from an uploaded set deleted through another tab or replica."""
        folder = self.folder
        if folder is None or self.uploads.collection(folder) is None:
            return
        if folder.name not in self.uploads.reconcile():
            self._forget_folder(folder)
            raise BadInput("that notes set was deleted (in another tab?); choose another one or upload again")

    def index_notes(self, progress: ProgressCallback | None = None) -> list[SyncReport]:
        """Bring the chosen notes' index up to date: one job per user at a time, within the size caps
        for a folder the user chose or uploaded, and cancellable (`cancel_indexing`)."""
        self._chosen_upload_still_there()
        with INDEX_JOBS.run(self.user, self, leases=self.shared.store.indexing, clock=self._clock) as job:
            if self.folder is not None:
                check_index_size(
                    [self.folder],
                    max_files=self.settings.index_max_files,
                    max_bytes=quota_bytes(self.settings.index_max_mb),
                )
            index = self.index()
            reports = index.ensure_synced(job.progress(progress))
            index.mentions(())  # the named-concept check's text, read once here rather than on a question
            return reports

    def indexing_elsewhere(self) -> bool:
        """Whether this user's notes are being indexed from another tab."""
        return INDEX_JOBS.running(
            self.user, besides=self, leases=self.shared.store.indexing, clock=self._clock
        )

    def cancel_indexing(self) -> bool:
        """Cancel the user's indexing, from whichever tab or replica it runs in."""
        return INDEX_JOBS.cancel(self.user, leases=self.shared.store.indexing)

    # -- asking ------------------------------------------------------------------------------------------

    def ask(self, question: str) -> LiveAnswer:
        """Answer from the chosen notes, streaming, with citations."""
        question = " ".join(question.split())[: self._max_question]
        if not question:
            raise BadInput("type a question about the notes")
        from interviewer.notes.ask import Answerer

        self._chosen_upload_still_there()
        if self.limits is not None:
            self.limits.check_ask()
        chat, prompts = self._answer_model()
        if chat is not None and self.limits is not None and self.limits.budget().exhausted:
            chat, prompts = None, None  # the day's model budget is spent: answered offline, by extract
        answerer = Answerer(
            self.index(), self.shared.embedder, chat, prompts, max_tokens=self.settings.reply_tokens.answer
        )

        mark = len(chat.usage) if chat is not None else 0

        def done(result: AnswerResult) -> None:
            self.conversation.append(Asked(question, result))
            if chat is not None and chat.usage[mark:]:
                # Answers from a model count against the user's daily token budget, as interview turns do.
                at = self.limits.clock() if self.limits is not None else time.time()
                self.shared.store.add_user_usage(self.user, list(chat.usage[mark:]), at=at)
            if result.notice:
                self._notify(result.notice)

        return LiveAnswer(answerer.stream(question), done)

    def _answer_model(self) -> tuple[ChatModel | None, Any]:
        if self._model is None:
            from interviewer.llm.prompts import PromptLibrary

            chat = self._chat()
            self._model = (chat, PromptLibrary(self.settings.prompts_dir) if chat else None)
        return self._model
