"""Clocks for an interview: the real one for live use, a simulated one for scripted runs.

A scripted run (`interviewer interview --answers FILE`) types every turn at once, so on the real clock a
45-minute interview would take seconds and no phase would ever run out of time. `SpeakingClock` moves
only when told: by each candidate turn's speaking time (about 130 words a minute) plus a short pause to
think, and by each interviewer turn's own. Scripted runs then pace, time out and report durations like
real ones.
"""

from __future__ import annotations

import re
import time

from interviewer.interview.reading import MAX_INPUT_CHARS

CANDIDATE_WPM = 130.0
INTERVIEWER_WPM = 160.0
THINKING_PAUSE_S = 4.0
COMMAND_S = 3.0
_WORD = re.compile(r"\S+")


def speaking_seconds(text: str, words_per_minute: float) -> float:
    """How long `text` takes to say aloud at `words_per_minute`."""
    return 60.0 * len(_WORD.findall(text or "")) / words_per_minute


class SpeakingClock:
    """A clock that advances by how long the turns take to say. Call it like `time.time`."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else float(start)

    def __call__(self) -> float:
        return self.now

    def candidate(self, text: str) -> float:
        """The candidate thinks, then says `text` (a `/command` takes a few seconds). Returns the seconds.

        Only what the interviewer takes in counts: a turn past the input cap is timed as cut."""
        command = text.strip().startswith("/")
        said = text[:MAX_INPUT_CHARS]
        seconds = COMMAND_S if command else THINKING_PAUSE_S + speaking_seconds(said, CANDIDATE_WPM)
        self.now += seconds
        return seconds

    def interviewer(self, text: str) -> float:
        """The interviewer says `text`. Returns the seconds it took."""
        seconds = speaking_seconds(text, INTERVIEWER_WPM)
        self.now += seconds
        return seconds
