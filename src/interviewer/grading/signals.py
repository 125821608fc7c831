"""What the text of an answer shows, before any embedding: its sentences, keyword lists, and the markers
of reasoning, numbers, trade-offs and structure (text aimed at the grader is found by `injection`).

Everything here is deterministic string work, so the offline grader and the LLM grader's cross-check
see exactly the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.injection import Injection


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer: where it sits in the original text, and its text without fillers."""

    start: int
    end: int
    text: str  # verbatim from the answer
    clean: str  # fillers stripped; what gets embedded and scored

    @property
    def words(self) -> int:
        return len(_WORDS.findall(self.clean))


_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'%$./-]*")
# "At 7 a.m. we send", "e.g. clicks", typed "incl. recs", "approx. 3k", "vs. batch" and written "ca. 30 ms" end no sentence, unless a
# capital letter starts the next one.
ABBREVIATIONS = (
    r"a\.m\.",
    r"p\.m\.",
    r"e\.g\.",
    r"i\.e\.",
    r"incl\.",
    r"approx\.",
    r"vs\.",
    r"avg\.",
    r"esp\.",
    r"etc\.",
    r"est\.",
    r"ca\.",
    r"cf\.",
    r"viz\.",
    r"resp\.",
    r"al\.",
)
_BOUNDARY = re.compile(
    # a new line ends a sentence, and its list marker goes with the break ("...\n2. Other"), not with the text
    r"(?<=[.!?])[\"')\]]*\n\s*(?:[-*•]\s+|\d+[.)]\s+)?|"
    r"(?<=[.!?])(?<!^\d\.)(?<!^\d\d\.)"  # "1. Clicks are ...": a list's number ends no sentence
    + "".join(f"(?<!{a})" for a in ABBREVIATIONS)
    + r"[\"')\]]*\s+|(?:"
    + "|".join(f"(?<={a})" for a in ABBREVIATIONS)
    + r")\s+(?=[A-Z])|\n\s*(?:[-*•]\s+|\d+[.)]\s+)?|;\s+"
)
_SOFT_SPLIT = re.compile(
    r",\s+(?=(?:and|so|but|then|which|because|or)\b)|\s+(?=(?:and then|and so|so then)\b)"
)
# Words a clause starts with: a window cut through a long unpunctuated run lands before one of these when
# one is near, and before "and" or "or" (which join list items as often as clauses) only failing that.
_CLAUSE_STARTS = (
    re.compile(
        r"(?:so|but|then|which|because|if|when|while|since|until|unless|before|after|where|that"
        r"|we|i|it|this|they|you|there)\Z",
        re.I,
    ),
    re.compile(r"(?:and|or)\Z", re.I),
)
_LONG = 38  # words; longer runs are split at soft boundaries (spoken answers often lack full stops)
_WINDOW = 26  # words per window when a long run has no soft boundary at all
_SNAP = 6  # words a window's cut may move to land on a clause start


def _paused(text: str, start: int, end: int) -> bool:
    """A spoken pause, not a sentence end: "so that's... 3.75 billion"."""
    return text.endswith("...", 0, start) and end < len(text) and (text[end].islower() or text[end].isdigit())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their spans in `text`. Long unpunctuated runs are cut at clause boundaries.

    Every sentence starts where a sentence or a clause starts: a cut at ", so ..." leaves the comma with the
    clause before it, and a long run with no comma is cut before a word that opens a clause where one is
    near. The text of each is verbatim from `text`, so it can be quoted as evidence.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _BOUNDARY.finditer(text):
        if _paused(text, match.start(), match.end()):
            continue
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        pieces.extend(_split_long(text, start, end))
    out: list[Sentence] = []
    for start, end in pieces:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        if not raw:
            continue
        clean = strip_fillers(raw)
        if _WORDS.search(clean):
            out.append(Sentence(start + lead, start + lead + len(raw), raw, clean))
    return out


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if len(_WORDS.findall(text[start:end])) <= _LONG:
        return [(start, end)]
    # Each cut ends the piece before it at the comma and starts the next at the conjunction after it.
    cuts = [(start + m.start(), start + m.end()) for m in _SOFT_SPLIT.finditer(text[start:end])]
    cuts.append((end, end))
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for i, (cut_end, next_start) in enumerate(cuts):
        words_so_far = len(_WORDS.findall(text[piece_start:cut_end]))
        if words_so_far >= 12 and (i == len(cuts) - 1 or words_so_far >= 20):
            pieces.append((piece_start, cut_end))
            piece_start = next_start
    if piece_start < end:
        pieces.append((piece_start, end))
    result: list[tuple[int, int]] = []
    for a, b in _halved(text, pieces, cuts):
        words = list(_WORDS.finditer(text[a:b]))
        if len(words) <= _LONG:
            result.append((a, b))
            continue
        first = 0
        while len(words) - first > _WINDOW:
            cut = _window_cut(words, first + _WINDOW)
            result.append((a + words[first].start(), a + words[cut].start()))
            first = cut
        result.append((a + words[first].start(), b))
    return result


def _halved(text: str, pieces: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A piece still too long is cut at its soft boundary nearest its middle that leaves 12 words each side, before
    any window cut through it: "..., and I'd also write the full prompts and completions ..." is cut at ", and"."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        total = len(_WORDS.findall(text[a:b]))
        inside = [
            (cut_end, nxt, len(_WORDS.findall(text[a:cut_end])))
            for cut_end, nxt in cuts
            if a < cut_end < b and total > _LONG
        ]
        fair = [c for c in inside if c[2] >= 12 and total - c[2] >= 12]
        if not fair:
            out.append((a, b))
            continue
        cut_end, nxt, _ = min(fair, key=lambda c: abs(c[2] - total / 2))
        out += [(a, cut_end), (nxt, b)]
    return out


def _window_cut(words: list[re.Match[str]], target: int) -> int:
    """The index of the word to start the next window at: the clause start nearest `target`, else `target`."""
    for clause_start in _CLAUSE_STARTS:
        for offset in range(_SNAP + 1):
            for i in (target - offset, target + offset):
                if 0 < i < len(words) and clause_start.match(words[i].group()):
                    return i
    return target


# --- Text aimed at the grader -----------------------------------------------------------------------


def overlaps(sentence: Sentence, injections: list[Injection]) -> bool:
    return any(sentence.start < i.end and i.start < sentence.end for i in injections)


# --- Markers of reasoning, numbers, trade-offs and structure -----------------------------------------

_REASONING = re.compile(
    r"\b(?:because|since|so that|which means|that means|this means|meaning that|therefore|thus|hence|"
    r"as a result|otherwise|in order to|that's why|that is why|the reason|so we|so the|so it|so i'd|so i would|"
    r"which lets|which gives|which keeps|which avoids|to avoid|to keep|to make sure|to ensure|given that|"
    r"if we|if the|when the|unless|due to|b/c|bc|cuz|coz)\b",
    re.I,
)
_UNIT = (
    r"(?:ms|milliseconds?|s\b|secs?|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|%|percent|"
    r"qps|rps|tps|requests?|queries|users?|dau|mau|items?|videos?|docs?|documents?|events?|transactions?|"
    r"candidates?|rows?|records?|gb|tb|pb|mb|kb|bytes?|gbps|mbps|k\b|m\b|b\b|thousand|million|billion|"
    r"trillion|x\b|times|instances?|servers?|machines?|nodes?|gpus?|cpus?|cores?|shards?|replicas?|dollars?|"
    r"tokens?|nines|per (?:second|day|hour|minute|month|request|user|query))"
)
_NUMBER_WITH_UNIT = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*\s*(?:k|m|b|million|billion)?|\b\d[\d,.]*\s*"
    + _UNIT
    + r"|\bp(?:50|90|95|99|999)\b|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|a hundred|a thousand|"
    r"a million|a billion)\s+(?:hundred|thousand|million|billion)\b|\b\d{2}\.\d+\s*%|\bthree nines|\bfour nines)",
    re.I,
)
_ARITHMETIC = re.compile(
    r"(?:\d\s*(?:[x×*/÷]|times|divided by|multiplied by|over|plus|minus)\s*\d|\d\s*[x×]\s+\d|[=≈→]\s*[~≈$]?\s*\d|"
    r"\b(?:roughly|about|around|approximately|so|which is|that's|gives|comes to|works out to)\s+[~≈]?\s*"
    r"\$?\d[\d,.]*\s*" + _UNIT + r")",
    re.I,
)
_TRADEOFF = re.compile(
    r"\b(?:trade-?offs?|tradeoffs?|versus|vs\.?|instead of|rather than|on the other hand|the downside|"
    r"the upside|downside|upside|at the cost of|at the expense of|the cost is|the price is|in exchange|"
    r"alternatively|the alternative|alternatives?|pros and cons|cheaper but|faster but|but it|but that|"
    r"but the|but we|but you|whereas|while the|compared to|compared with|is better when|makes sense when|"
    r"worth it|not worth|we lose|we give up|we gain|balance|i'd pick|i would pick|i'd choose|i would choose|"
    r"i'd go with|i would go with|prefer)\b",
    re.I,
)
_SIGNPOST = re.compile(
    r"(?:^|[.!?,;:]\s*|\n\s*)(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|next|then|after that|finally|lastly|"
    r"to start|to begin|let me start|i'll start|i will start|starting with|to summari[sz]e|to sum up|in summary|"
    r"so overall|overall|on the (?:offline|online|serving|training) side|for the|step (?:one|two|three|\d)|"
    r"the (?:first|second|third|last) (?:thing|part|piece|step|one)|moving on|now for|now,|number (?:one|two))\b"
    r"|^\s*(?:\d+[.)]|[-*•])\s+",
    re.I | re.M,
)
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "if",
        "then",
        "because",
        "since",
        "that",
        "which",
        "who",
        "what",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "should",
        "could",
        "can",
        "may",
        "might",
        "must",
        "we",
        "i",
        "you",
        "it",
        "they",
        "this",
        "these",
        "those",
        "there",
        "here",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "as",
        "than",
        "about",
        "over",
        "under",
        "not",
        "no",
        "yes",
        "our",
        "my",
        "your",
        "their",
        "its",
        "he",
        "she",
        "them",
        "us",
        "me",
        "let",
        "let's",
        "i'd",
        "we'd",
        "it's",
        "that's",
        "there's",
        "i'll",
        "we'll",
        "don't",
        "doesn't",
        "won't",
        "can't",
    ]
)


def count_reasoning(text: str) -> int:
    return len(_REASONING.findall(text))


def count_numbers(text: str) -> int:
    return len(_NUMBER_WITH_UNIT.findall(text))


def count_arithmetic(text: str) -> int:
    return len(_ARITHMETIC.findall(text))


def count_tradeoffs(text: str) -> int:
    return len(_TRADEOFF.findall(text))


def count_signposts(text: str) -> int:
    return len(_SIGNPOST.findall(text))


_RELATION = re.compile(r"^(?:→|->|=>|⇒|<|>|≤|≥|≫|≪|=|≈|~|×|\+|w/o?$|b/c$|vs\.?$|@|i\.e\.?$|e\.g\.?$)")


def sentence_quality(text: str) -> float:
    """1.0 for a plain sentence, falling towards 0.0 for a bare keyword list.

    Natural English is about 40% function words; a list of buzzwords has almost none, and is cut by commas
    into items of one to three words.
    """
    words = [w.lower().strip(".,;:!?") for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return 0.0
    # typed notes say their relations in symbols ("skip <30s → negative", "w/ backoff"): those are its function words
    share = sum(w in _FUNCTION_WORDS or bool(_RELATION.match(w)) for w in words) / len(words)
    # "save/add", "turns/s": a slash inside a word is shorthand, not a list
    items = [i for i in re.split(r"[,;|]|\s/\s|\s-\s", text) if i.strip()]
    short_items = sum(len(i.split()) <= 3 for i in items)
    listiness = short_items / len(items) if len(items) >= 4 else 0.0
    quality = min(1.0, max(0.0, (share - 0.08) / 0.22))
    return round(max(0.0, quality - 0.6 * listiness), 4)


def normalise(text: str) -> str:
    """Lower-case words only, for spotting verbatim repeats."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
