"""What the session returns for each candidate action: a `Reply`, or a `ReplyStream` that yields it in pieces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from interviewer.errors import FallbackReason
from interviewer.grading.grade import Grade
from interviewer.interview.interviewer import Utterance
from interviewer.interview.moves import MoveKind
from interviewer.phases import Phase
from interviewer.store.sessions import SessionState


@dataclass(frozen=True)
class Reply:
    """The interviewer's answer to one candidate action, and what changed."""

    text: str
    state: SessionState
    phase: Phase | None
    move: MoveKind
    grade: Grade | None = None  # the grade of the phase that just ended
    ended_phase: Phase | None = None
    capped: bool = False
    hint_level: int | None = None
    source: str = "offline"
    fallback_reason: FallbackReason | None = None  # why the offline phrasing stood in for the model

    @property
    def done(self) -> bool:
        return self.state == "done"


class ReplyStream:
    """Iterate to get the reply's text pieces; the reply is saved when the stream ends. Then read `reply`."""

    def __init__(self, utterance: Utterance, finish: Callable[[Utterance], Reply]) -> None:
        self._utterance = utterance
        self._finish = finish
        self._reply: Reply | None = None

    def __iter__(self) -> Iterator[str]:
        if self._reply is not None:
            return
        yield from self._utterance
        self._reply = self._finish(self._utterance)

    @property
    def reply(self) -> Reply:
        if self._reply is None:
            self._utterance.finish()
            self._reply = self._finish(self._utterance)
        return self._reply
