"""The interview's clock: time spent per phase, time left, and the waits on the model that don't count.

A phase's time runs from when it starts, less the time the app spent waiting on the model; time a phase did
not use stays available to the phases after it. `InterviewSession` mixes this in; its clock is the real one
in live use and the speaking clock (`interview.clock`) in scripted runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interviewer.phases import Pacing, Phase
from interviewer.store.sessions import SessionRecord


class Timekeeping:
    """Phase time for a session that has `data`, `clock`, `pacing`, `order`, `record` and a current `phase`."""

    data: dict[str, Any]
    clock: Callable[[], float]
    pacing: Pacing
    order: tuple[Phase, ...]
    record: SessionRecord

    @property
    def phase(self) -> Phase | None:
        raise NotImplementedError

    def phase_seconds(self, phase: Phase) -> float:
        """Seconds spent in `phase`, not counting the time the app waited on the model."""
        spent = float(self.data["spent"].get(phase, 0.0))
        if phase == self.phase and self.data.get("phase_started_at") is not None:
            waited = float(self.data.get("paused", 0.0))
            spent += max(0.0, self.clock() - self.data["phase_started_at"] - waited)
        return spent

    @property
    def minutes_left(self) -> float:
        """Minutes left in the current phase (negative when over time); 0 outside a phase."""
        if self.phase is None:
            return 0.0
        return self.pacing.minutes[self.phase] - self.phase_seconds(self.phase) / 60.0

    @property
    def total_minutes_left(self) -> float:
        """Minutes left in the whole interview (negative when over); 0 once no phase is running.

        The interview's length is fixed, so this is its length minus the time spent in all its phases so
        far: the interview's end minus now, with time away from a resumed interview not counted. Time a
        phase did not use because it ended early stays available to the phases after it, and time a phase
        ran over is taken from them.
        """
        if self.phase is None:
            return 0.0
        spent = sum(self.phase_seconds(p) for p in self.order)
        return float(self.record.minutes) - spent / 60.0

    def _pause_clock(self, *, since: float) -> None:
        """Take the time since `since`, spent waiting on the engine, off the current phase's clock."""
        if self.phase is not None and self.data.get("phase_started_at") is not None:
            self.data["paused"] = float(self.data.get("paused", 0.0)) + max(0.0, self.clock() - since)
