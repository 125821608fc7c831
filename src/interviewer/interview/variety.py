"""Replies that depend on the answer, and never the same sentence three times.

`acknowledgement` picks how the interviewer receives an answer from its quality, as the policy judged it
from the grade's coverage signals: a new key point earns an affirmation, a substantial answer a neutral
"okay", a thin or stalled one a steer, and an answer with a wrong claim no affirmation at all.
`without_repeats` enforces, over the interview's transcript, that no interviewer sentence of four words
or more is said more than twice: a repeated acknowledgement or lead is dropped or swapped, and a repeated
question is swapped for one not worn out yet.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from interviewer.interview.moves import Move, Quality
from interviewer.store.sessions import Turn

MAX_SAYS = 2  # a sentence of four words or more is said at most this many times in one interview
_MIN_WORDS = 4
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u201c\"'])")

# How an answer is received, by its quality. Affirmations only for a new key point, and even then they say the
# point matters, not that the design is right: a claim the checker missed must not be certified.
ACKS: dict[Quality, tuple[str, ...]] = {
    "strong": (
        "Good.",
        "Makes sense.",
        "Okay, that's a real consideration.",
        "Right, that's an important one.",
        "Good, that matters here.",
        "Good, that's worth pinning down.",
        "Nice.",
    ),
    "solid": (
        "Okay, that's reasonable.",
        "Got it.",
        "Fair enough.",
        "Okay.",
        "Understood.",
        "Alright, I follow.",
    ),
    "thin": ("Okay.", "I see.", "Alright.", "Hmm, okay.", "Noted."),
    "weak": ("Hmm.", "Okay.", "I see.", "Hmm, okay."),
    "wrong": ("", "Noted.", "Hmm."),
    "recovered": (
        "Good, that fixes it.",
        "That holds up now.",
        "Good, that settles it.",
        "Okay, that's the corrected version.",
    ),
}
# Said after a weak answer only: a good answer is never followed by "let me steer you".
STEERS = (
    "Let me steer you a little.",
    "I'd like to push on something.",
    "Let's look at another angle.",
    "Let me come at this differently.",
    "",
)
DEEPEN_LEADS: dict[Quality, tuple[str, ...]] = {
    "strong": ("Good.", "Nice.", "Good, that's clear.", "Makes sense."),
    "solid": ("Okay.", "Alright.", "Got it.", "", "Understood."),
    "thin": ("Okay.", "Alright.", "", "I see."),
    "weak": ("Hmm.", "Okay.", ""),
    "wrong": ("", "Hmm."),
    "recovered": ("Good, that fixes it.", "That holds up now.", "Good, that settles it."),
}


def pick(options: Sequence[str], move: Move, salt: str = "") -> str:
    """Rotate through `options` as the same kind of move recurs, from a per-phase offset."""
    digest = hashlib.sha1(f"{move.kind}:{salt}:{move.phase}".encode()).digest()
    return options[(digest[0] + move.nth) % len(options)]


def acknowledgement(move: Move) -> str:
    """How the interviewer receives the answer the move replies to."""
    pool = DEEPEN_LEADS if move.kind == "deepen" else ACKS
    return pick(pool[move.quality or "solid"], move, "ack")


def steer(move: Move) -> str:
    """A steer toward another area, after a weak answer only."""
    return pick(STEERS, move, "steer") if move.quality == "weak" else ""


# -- no sentence three times ------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def _norm(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", sentence.lower()))


def said_counts(transcript: Iterable[Turn]) -> Counter[str]:
    """How often the interviewer has said each sentence of four words or more so far."""
    counts: Counter[str] = Counter()
    for turn in transcript:
        if turn.role == "interviewer":
            for sentence in split_sentences(turn.text):
                if len(sentence.split()) >= _MIN_WORDS:
                    counts[_norm(sentence)] += 1
    return counts


def without_repeats(
    parts: Sequence[str], transcript: Iterable[Turn], spares: Sequence[str] = (), keep: Iterable[str] = ()
) -> str:
    """`parts` joined, with each sentence already said twice dropped, or, for a question, swapped for a
    spare question not said twice yet. Sentences in `keep` (facts asked for, quotes) are always kept."""
    counts = said_counts(transcript)
    kept = {_norm(k) for k in keep}
    out: list[str] = []
    for part in parts:
        for sentence in split_sentences(part):
            key = _norm(sentence)
            if len(sentence.split()) < _MIN_WORDS or key in kept or counts[key] < MAX_SAYS:
                out.append(sentence)
                counts[key] += 1
                continue
            if sentence.endswith("?"):
                spare = next((s for s in spares if counts[_norm(s)] < MAX_SAYS), None)
                if spare is not None:
                    out.append(spare)
                    counts[_norm(spare)] += 1
    return " ".join(out).strip()
