"""The error hierarchy. Every error the product raises on purpose derives from `InterviewerError`.

Each message is written for the user and, where there is one, names the fix. The UI and the CLI
catch only the base class.
"""

from __future__ import annotations

import errno
from datetime import datetime
from typing import Literal

FallbackReason = Literal["unavailable", "timeout", "invalid_output", "refused", "truncated"]
"""Why a step was done by the offline engine instead of the model, in one word for reports and JSON."""

FALLBACK_WORDS: dict[FallbackReason, str] = {
    "unavailable": "the model server could not be reached",
    "timeout": "the model server did not answer in time",
    "invalid_output": "the model's reply could not be used",
    "refused": "the model declined to answer",
    "truncated": "the model's reply ran past its length limit",
}
"""The reason in words for the candidate: never the exception's text, which names URLs and settings."""


class InterviewerError(Exception):
    """Base class for every expected failure. `str(err)` is a user-facing message."""

    exit_code = 1


class BadInput(InterviewerError):
    """The user gave something we cannot use (a missing file, an unknown id, a bad flag)."""

    exit_code = 2


class ConfigError(InterviewerError):
    """The environment or settings are inconsistent."""

    exit_code = 2


class ModelFileError(InterviewerError):
    """A packaged model or encoding file is missing or does not match its pinned SHA-256."""


class ContentError(InterviewerError):
    """A question, rubric, prompt or notes file is malformed. Carries every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{message}\n{detail}" if detail else message)


class LLMError(InterviewerError):
    """A chat-model call failed. Subclasses say how; the message says what to do; `reason` says it in a word."""

    reason: FallbackReason = "unavailable"


class LLMUnavailable(LLMError):
    """The server could not be reached, timed out, or kept failing (5xx).

    `partial` holds whatever text had already streamed when the connection broke.
    """

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


class LLMTimeout(LLMUnavailable):
    """The call did not finish within its deadline (`INTERVIEWER_TIMEOUT`), streaming included."""

    reason: FallbackReason = "timeout"


class LLMRateLimited(LLMError):
    """The server kept answering 429 after the allowed retries. `retry_after` is its last hint, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMAuthError(LLMError):
    """The key was rejected."""


class LLMContextTooLong(LLMError):
    """The prompt did not fit the model's context window, even after trimming."""


class LLMRefused(LLMError):
    """The model refused to answer."""

    reason: FallbackReason = "refused"


class LLMTruncated(LLMError):
    """The reply stopped at the token limit (`finish_reason=length`). `partial` holds the text so far."""

    reason: FallbackReason = "truncated"

    def __init__(self, message: str, partial: str = "") -> None:
        super().__init__(message)
        self.partial = partial


class LLMOutputInvalid(LLMError):
    """Structured output failed validation after every re-ask. Carries the raw text."""

    reason: FallbackReason = "invalid_output"

    def __init__(self, message: str, raw: str, attempts: int) -> None:
        super().__init__(message)
        self.raw = raw
        self.attempts = attempts


class CircuitOpen(LLMError):
    """Recent calls failed repeatedly, so calls are routed to the offline engine for a while.

    `until` is the local wall-clock time at which calls are tried again.
    """

    def __init__(self, message: str, until: datetime | None = None) -> None:
        super().__init__(message)
        self.until = until


class StoreError(InterviewerError):
    """The session database could not be read or written."""


class SessionNotFound(StoreError, BadInput):
    """No interview has that id, or it belongs to someone else: the two are told apart by no one."""

    exit_code = 2

    def __init__(self, message: str = "no interview with that id") -> None:
        super().__init__(message)


class StaleSession(StoreError):
    """The interview's row moved on since this copy was read (another tab or replica wrote to it)."""

    def __init__(self, expected: int | None = None, actual: int | None = None) -> None:
        super().__init__("this interview changed in another tab; reload to continue")
        self.expected = expected
        self.actual = actual


class NotesError(InterviewerError):
    """A notes folder could not be read or indexed."""


class VoiceError(InterviewerError):
    """Speech could not be transcribed or synthesised."""


class SignInRequired(InterviewerError):
    """The app is served beyond this machine without sign-in, or no user is signed in."""

    exit_code = 2


class LimitReached(InterviewerError):
    """A per-user limit (turns a minute, model tokens a day, uploads, indexing) stops this action for now."""

    exit_code = 2


class StorageError(InterviewerError):
    """The data folder could not be written: the disk is full, it is read-only, or access is denied.

    The message names the fix and never a server path. `transient` marks a condition that passes once the
    operator fixes it, so nothing derived (such as a notes index) is deleted over it.
    """

    transient = True


_STORAGE_FIXES: dict[int, str] = {
    errno.ENOSPC: "the disk holding the data folder is full; free some space (or move INTERVIEWER_HOME "
    "to a larger disk) and try again",
    errno.EDQUOT: "the disk quota of the data folder is used up; free some space or raise the quota",
    errno.EROFS: "the data folder is on a read-only file system; point INTERVIEWER_HOME at a writable "
    "folder, or remount it read-write",
    errno.EACCES: "the app is not allowed to write to its data folder; give the user running it write "
    "access, or point INTERVIEWER_HOME at a folder it owns",
    errno.EPERM: "the app is not allowed to write to its data folder; give the user running it write "
    "access, or point INTERVIEWER_HOME at a folder it owns",
}
_SQLITE_FIXES: dict[str, int] = {
    "disk is full": errno.ENOSPC,
    "readonly database": errno.EROFS,
    "read-only": errno.EROFS,
    "unable to open database": errno.EACCES,
}


def storage_error(exc: BaseException, what: str) -> StorageError | None:
    """The project's own error for a full, read-only or forbidden data folder, or None for any other error.

    `what` says what was being done ("saving the uploaded notes"). Recognises `OSError` by its errno and
    SQLite's errors (as Chroma raises them) by their text; the message names the fix and no path.
    """
    seen: BaseException | None = exc
    for _ in range(5):  # the error itself, then what it wraps (Chroma wraps SQLite's and the OS's)
        if seen is None:
            break
        code: int | None = seen.errno if isinstance(seen, OSError) else None
        if code is None:
            text = str(seen).lower()
            code = next((c for phrase, c in _SQLITE_FIXES.items() if phrase in text), None)
        fix = _STORAGE_FIXES.get(code) if code is not None else None
        if fix is not None:
            return StorageError(f"{what} failed: {fix}")
        seen = seen.__cause__ or seen.__context__
    return None
