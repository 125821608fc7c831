"""How a candidate's words are quoted back: a long sentence in at most thirty words, cut where a reader can
follow, keeping the number being questioned."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d")
_DANGLING = re.compile(
    r"^(?:[×x*/÷+−=≈~-]|times|divided|by|of|over|plus|minus|at|ca\.|about|roughly|and|or|the|a|an)$", re.I
)


def excerpt(said: str, limit: int = 30) -> str:
    """A long sentence quoted back in at most `limit` words, ending its words where a reader can follow: its
    start, or, when the numbers sit at its end ("... divided by 8.64 × 10^4 seconds this is ca. 2.9 × 10^6 a
    second"), its end from a clause boundary, so a calculation is quoted with the result being questioned."""
    words = said.split()
    if len(words) <= limit:
        # "Why is CTR the right target?" ends as it was asked
        return said if said.endswith(("?", "!")) else f"{said}."
    head = words[:limit]
    while len(head) > limit // 2 and _DANGLING.match(head[-1]):
        head.pop()  # "... this is ca. 2.9 ×": not cut inside a number or before what an operator applies to
    tail = words[-limit:]
    starts = [k for k in range(1, len(tail)) if tail[k - 1].endswith((",", ";", ":"))]
    tail = tail[starts[0] :] if starts and starts[0] <= limit // 2 else tail
    last = max((k for k, w in enumerate(words) if _NUMBER.search(w)), default=-1)
    if last >= len(head) and _NUMBER.search(
        " ".join(tail)
    ):  # the last number, a result, is cut from the start
        return f"\u2026 {' '.join(tail)}."
    return f"{' '.join(head).rstrip(',;:')} \u2026"
