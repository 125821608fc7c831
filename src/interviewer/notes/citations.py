"""Citation markers in an answer: `[n]` kept when it names one of the excerpts given, dropped otherwise.

`CitationFilter` checks a streamed answer as it comes; `check_citations` a whole one.
"""

from __future__ import annotations

import re

_CITATION = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


class CitationFilter:
    """Checks `[n]` markers in streamed text: keeps those among 1..`allowed`, drops the rest.

    Text is passed through as it comes, except that a `[` that may open a marker is held back until
    the marker is complete (at most a few characters).
    """

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed
        self.cited: list[int] = []
        self.dropped: list[int] = []
        self._held = ""
        self._previous = " "
        self._swallow_space = False  # after a dropped marker that followed a space
        self._before_held = " "

    def feed(self, text: str) -> str:
        out: list[str] = []
        for ch in text:
            if self._swallow_space:
                self._swallow_space = False
                if ch in " \t":
                    continue
            if self._held:
                self._held += ch
                if ch == "]":
                    resolved = self._resolve(self._held)
                    out.append(resolved)
                    self._held = ""
                    self._swallow_space = not resolved and self._before_held.isspace()
                elif not re.fullmatch(r"\[[\d,\s]{0,16}", self._held):
                    out.append(self._held)
                    self._held = ""
            elif ch == "[" and not (self._previous.isalnum() or self._previous == "_"):
                self._held = ch  # `x[0]` is an index, not a citation
                self._before_held = self._previous
            else:
                out.append(ch)
            self._previous = ch
        return "".join(out)

    def close(self) -> str:
        held, self._held = self._held, ""
        return held

    def _resolve(self, marker: str) -> str:
        match = _CITATION.fullmatch(marker)
        if not match:
            return marker
        keep: list[int] = []
        for part in match.group(1).split(","):
            n = int(part)
            if 1 <= n <= self.allowed:
                if n in keep:
                    continue
                keep.append(n)
                if n not in self.cited:
                    self.cited.append(n)
            elif n not in self.dropped:
                self.dropped.append(n)
        return "".join(f"[{n}]" for n in keep)


def check_citations(answer: str, allowed: int) -> tuple[str, list[int], list[int]]:
    """The answer with out-of-range `[n]` removed, the valid numbers cited, and the dropped ones."""
    checker = CitationFilter(allowed)
    text = checker.feed(answer) + checker.close()
    return re.sub(r"[ \t]+([.,;:])", r"\1", text), checker.cited, checker.dropped
