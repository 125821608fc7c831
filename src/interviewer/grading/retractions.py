"""Words a speaker takes back in the same breath ("I'd autoscale on CPU, wait, no, on queue depth").

Spoken answers revise themselves mid-sentence. What is taken back is not a claim: "I'd route everything to a
large LLM, wait, no, at a billion requests a day that's several times the budget" claims the second part
only, and a candidate who catches a slip aloud must not be challenged on it. The words taken back are blanked
out, the text's length kept, so quotes found in what is left map back onto the answer as written.

A retraction ("wait, no", "scratch that", "let me correct myself", "on second thought", "correction:") takes
back the clause before it, from the last comma, semicolon or colon; when what follows starts with a word said
in that clause ("randomised per rider, correction: per cell"), only the words from there on. "I mean" is a
retraction only in that second form ("by market, I mean by region"); otherwise it clarifies and takes nothing
back ("mid-day, I mean between two batch runs").
"""

from __future__ import annotations

import re

_STRONG = (
    r"wait,?\s+no\b(?!\s+(?:one|longer|more|matter|doubt|need)\b)|(?:actually,?\s+)?scratch that|strike that|"
    r"(?:no,?\s+)?let me (?:redo|correct|fix|rephrase|restate|rethink) (?:that|myself|this)|"
    r"on second thoughts?|correction:|i take that back|no,?\s+sorry|sorry,?\s+no\b"
)
_WEAK = r"(?:sorry,?\s+)?i mean\b"
# one or more markers in a row, each set off by a comma, a dash or a colon: ", wait, no, let me correct myself,"
_MARKERS = re.compile(
    rf"(?:,|\s[-\u2013\u2014])\s+(?P<all>(?:(?:(?:sorry|oh|um|uh|actually|hmm),?\s+)?(?:{_STRONG}|{_WEAK})[,:]?\s+)+)",
    re.I,
)
_STRONG_RE = re.compile(_STRONG, re.I)
_CLAUSE_END = re.compile(r"[,;:(]\s|\s[-\u2013\u2014]\s")
_SENTENCE_END = re.compile(r"[.!?]\s")
# a replacement opening on one of these words does not say where the words taken back start
_NOT_ANCHOR = frozenset(
    [
        "i",
        "we",
        "you",
        "they",
        "it",
        "it's",
        "that",
        "that's",
        "this",
        "these",
        "those",
        "so",
        "and",
        "but",
        "then",
        "which",
        "because",
        "since",
        "there",
        "there's",
        "they're",
        "we'd",
        "i'd",
        "i'll",
        "we'll",
        "my",
        "our",
        "is",
        "are",
        "was",
        "were",
    ]
)
_OPENING = re.compile(r"\s*(?:(?:so|okay|ok|well|actually|oh|um|uh|hmm|sorry|and|but)[,\s]*)*", re.I)
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|would|will|can|could|should|must|do|does|did|has|have|had|need|needs|"
    r"goes|runs|gets|takes|makes|uses|gives|means|sends|keeps)\b|'(?:s|re|d|ll|ve|m)\b|\b\w{3,}ed\b|"
    r"^\s*(?:and |but |so |then )?(?:we|i|you|they|it|he|she)\s+\w+",  # "we return an error": a subject and its verb
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_NUMBER_WORD = (
    r"(?:\d[\d.,]*|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|point|half|and)"
)
# "wait, no, forty times eighty percent is ...": the sum done again, not a number said instead
_OPERATION = re.compile(r"\s*(?:[a-z%-]+\s+){0,2}?(?:times|over|divided|plus|minus|x|×|/)\s", re.I)
_SAID_AGAIN = re.compile(r"(?:(?:it's|that's|it is|that is|make it|make that)\s+)?", re.I)
_NUMBER = re.compile(
    rf"(?:(?:about|roughly|around|nearly|more like|closer to)\s+)?\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*\b",
    re.I,
)


def taken_back(text: str) -> str:
    """`text` with the words a speaker took back, and the retraction itself, blanked out; its length kept."""
    out = list(text)
    for m in _MARKERS.finditer(text):
        start = _retracted_from(text, m)
        if start is None:
            continue
        end = m.end("all")
        if _NUMBER.match(text, again := _after_said_again(text, end)):
            end = again  # "about 1.4 hours, wait, no, it's closer to 14 hours": the number said instead
        out[start:end] = " " * (end - start)
    return "".join(out)


def _retracted_from(text: str, m: re.Match[str]) -> int | None:
    """Where the words the retraction `m` takes back start, or None when it takes nothing back."""
    at = m.start()
    sentence = max((s.end() for s in _SENTENCE_END.finditer(text, 0, at)), default=0)
    clause = max((c.end() for c in _CLAUSE_END.finditer(text, sentence, at)), default=sentence)
    strong = bool(_STRONG_RE.search(m.group("all")))
    if _OPENING.fullmatch(text, sentence, at):
        return None  # "Actually, let me redo that: ...": a sentence that opens by retracting redoes the one before
    word = _WORD.match(text, m.end())
    if number := _NUMBER.match(text, _after_said_again(text, m.end())):
        if _OPERATION.match(text, number.end()):
            return clause if strong else None  # the sum done again
        # "so thirty million, wait, no, three million a day": the number said last
        said = list(_NUMBER.finditer(text, clause, at))
        if said:
            return said[-1].start()
    if word and word.group().lower() not in _NOT_ANCHOR:
        # "randomised per rider, correction: per cell": from the last time that word was said, within a dozen
        # words of the retraction
        reach = max(sentence, _words_back(text, at, 12))
        said = [w for w in _WORD.finditer(text, reach, at) if w.group().lower() == word.group().lower()]
        if said:
            return said[-1].start()
    if not strong:
        return None
    if clause > sentence and not _VERB.search(text[clause:at]):
        # "I'd split by time, older months for training, correction: a random split is better": a clause with
        # no verb of its own spells out the one before it, which goes with it
        return max((c.end() for c in _CLAUSE_END.finditer(text, sentence, clause - 2)), default=sentence)
    return clause


def _words_back(text: str, at: int, n: int) -> int:
    """The position `n` words before `at`."""
    starts = [w.start() for w in _WORD.finditer(text, max(0, at - 20 * n), at)]
    return starts[-n] if len(starts) >= n else max(0, at - 20 * n)


def _after_said_again(text: str, at: int) -> int:
    """Past "it's", "that's" or "make it" at `at`, where a number said instead would start."""
    m = _SAID_AGAIN.match(text, at)
    return m.end() if m else at
