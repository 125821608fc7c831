"""A key point the candidate says they would not do: "I wouldn't fall back to a chronological feed".

The bank's wrong claims catch the mistakes it lists in the words candidates use for them. This catches the
other common way of being wrong, whatever the question: declining the very practice a key point asks for
("I don't see a need to treat retrieved articles as untrusted", "we can skip the holdout"). What is declined
is read up to the end of its phrase; it counts as the key point when it shares at least two content words
with what the point says (its statement, what counts as right and the other ways of saying it), one of them a
word few other key points use ("chronological", "holdout"; not "followers" in a feed question), and at least
two more than with the point's own wrong claims, so declining a listed mistake ("I wouldn't retrain every
few minutes") is never taken for declining the point. Nor is choosing one side of a trade-off the point
describes: when the rest of the sentence says what is done instead in the point's other words ("we don't
push posts from huge accounts; we pull those at read time"), the point is met another way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from interviewer.content.questions import KeyPoint
from interviewer.grading.stance import clauses

_DECLINE = re.compile(
    r"\b(?:(?:i|we)(?:'d| would)? (?:wouldn't|would not|won't|will not|don't|do not|shouldn't|should not)\s+"
    r"(?:(?:really |actually )?(?:need|want|plan|bother|have) (?:to |with )?)?"
    r"|(?:i|we) (?:don't|do not) (?:think|see|believe) (?:we |there's |there is |a |any )?(?:really )?"
    r"(?:need|point|reason|value) (?:to |in |for )?"
    r"|(?:there's|there is) no (?:need|point|reason) (?:to |in |for )"
    r"|\bno need (?:to |for )"
    r"|(?:i'd|we'd|we can|i would|we could|we'll) (?:skip|drop|leave out|do without) )",
    re.I,
)
# The declined phrase ends at a pause or where the reason for declining starts.
_PHRASE_END = re.compile(r"[,:;.?!]|\b(?:because|since|so|but|unless|while|which)\b", re.I)
_WORD = re.compile(r"[a-z][a-z-]{3,}")
STOP_WORDS = frozenset(
    [
        "about",
        "also",
        "asks",
        "based",
        "before",
        "being",
        "between",
        "both",
        "could",
        "does",
        "each",
        "every",
        "from",
        "have",
        "into",
        "just",
        "keeps",
        "like",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "same",
        "says",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "used",
        "uses",
        "using",
        "very",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
    ]
)
"""Words too common to tell what a sentence is about (shared with the claim checker)."""
MIN_SHARED = 2  # content words the declined phrase shares with the key point
MIN_MARGIN = 2  # more than it shares with the point's wrong claims
MAX_SPREAD = (
    2  # one shared word at most this many of the key points use: the words that tell this point apart
)


def declined_point(sentence: str, points: Sequence[KeyPoint], after: str = "") -> KeyPoint | None:
    """The key point `sentence` says the candidate would not do, if any (the closest one); `after` is the
    sentence that follows, which may say what is done instead."""
    best: tuple[int, KeyPoint] | None = None
    for clause in clauses(sentence):
        for match in _DECLINE.finditer(clause):
            phrase = _PHRASE_END.split(clause[match.end() :], maxsplit=1)[0].strip()
            said = _words(phrase)
            instead = _words(sentence[sentence.find(phrase) + len(phrase) :] + " " + after)
            if len(said) < MIN_SHARED:
                continue
            spread = Counter(w for point in points for w in _point_words(point)[0])
            for point in points:
                right, wrong = _point_words(point)
                common = said & right
                shared = len(common)
                if (
                    shared >= MIN_SHARED
                    and shared >= len(said & wrong) + MIN_MARGIN
                    and any(spread[w] <= MAX_SPREAD for w in common)
                    and not _met_otherwise(instead & right - common, spread)
                    and (best is None or shared > best[0])
                ):
                    best = (shared, point)
    return best[1] if best else None


def _met_otherwise(words: frozenset[str], spread: Counter[str]) -> bool:
    """Whether what is said instead names the point in other words, one of them a word that tells it apart."""
    return len(words) >= MIN_SHARED and any(spread[w] <= MAX_SPREAD for w in words)


def _point_words(point: KeyPoint) -> tuple[frozenset[str], frozenset[str]]:
    return _cached_point_words(
        " ".join([point.point, point.correct, *point.alternatives]),
        " ".join(x for w in point.wrong for x in (w.claim, w.example, *w.paraphrases)),
    )


@lru_cache(maxsize=4096)
def _cached_point_words(right: str, wrong: str) -> tuple[frozenset[str], frozenset[str]]:
    return _asserted_words(right), _words(wrong)


# What a key point names only to keep it out ("prevents one channel from dominating", "demotes outrage"):
# declining it agrees with the point.
_GUARDS = re.compile(
    r"\b(?:prevents?|preventing|guards? against|limits?|caps?|bans?|blocks?|filters? out|demotes?|demoting|"
    r"penali[sz]es?|down-?ranks?|excludes?|removes?|suppress(?:es)?|at most|no more than|rather than|"
    r"instead of|not|no|never|without|avoids?|avoiding|don't|doesn't|won't|wouldn't|shouldn't|isn't)(?![\w'])",
    re.I,
)


def _asserted_words(text: str) -> frozenset[str]:
    """The content words a key point asks for, not those it names only to keep out or set aside."""
    out: set[str] = set()
    for clause in clauses(text):
        guard = _GUARDS.search(clause)
        out |= _words(clause[: guard.start()] if guard else clause)
    return frozenset(out)


_AMOUNTS = re.compile(
    r"^(?:hundred|thousand|million|billion|trillion|dozen|zero|three|four|five|seven|eight|nine|eleven|twelve|"
    r"\w+teen|\w+ty|half|percent|seconds?|minutes?|hours?|days?|weeks?|months?)$"
)


def _words(text: str) -> frozenset[str]:
    """Content words, cut to six letters so "quantising" meets "quantised"; amounts and units say how much,
    not what is done."""
    return frozenset(
        w[:6] for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and not _AMOUNTS.match(w)
    )
