"""The candidate's design as they said it: the components and choices read from their answers.

`components` reads the candidate's answers for the stores, caches, queues, pipelines, models, services,
choices and numbers they named, with the words they used ("Postgres", "a feature store", "precompute
candidate lists nightly", "200 ms") and what they put in them ("the profiles"). A choice is quoted as a
whole phrase (`choice_phrase`), so a follow-up can say it back. `alternative` is what a "why this rather
than ..." question weighs a component against; `load_phrase` the traffic a scale question quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from interviewer.content.questions import HiddenFact

Kind = Literal[
    "store", "cache", "index", "queue", "pipeline", "model", "service", "safeguard", "choice", "number"
]


@dataclass(frozen=True)
class Component:
    """Something the candidate put in their design, in their own words."""

    name: str  # canonical, to recognise the same thing said twice: "postgres"
    kind: Kind
    said: str  # the candidate's words: "Postgres", "a feature store", "200 ms"
    holds: str | None = None  # what they put in it: "the profiles"


# (pattern, canonical name, kind, the alternative a "why this rather than ..." question weighs it against)
_VOCABULARY: tuple[tuple[str, str, Kind, str], ...] = (
    (
        r"postgres(?:ql)?|mysql|(?:a |the )?relational (?:database|db)|sql database",
        "sql",
        "store",
        "a key-value store",
    ),
    (
        r"cassandra|dynamo ?db|bigtable|hbase|mongo ?db|(?:a |the )?key[- ]value store",
        "kv",
        "store",
        "a relational database",
    ),
    (r"(?:a |the )?feature store", "feature-store", "store", "computing the features at request time"),
    (
        r"(?:the |a )?(?:data )?warehouse|bigquery|snowflake|(?:a |the )?data lake|hdfs",
        "warehouse",
        "store",
        "a low-latency store",
    ),
    (r"\bs3\b|object stor(?:e|age)|blob stor(?:e|age)", "object-store", "store", "a database"),
    (r"redis|memcached?", "redis", "cache", "reading straight from the database"),
    (
        r"(?:a |the )?(?:result|response|embedding|feature|candidate|local|in-memory) cache",
        "cache",
        "cache",
        "recomputing on every request",
    ),
    (
        r"(?:an? |the )?(?:ann|approximate nearest[- ]neighbou?r) (?:index|search)|faiss|scann|"
        r"vector (?:db|database|index|store)|elasticsearch",
        "ann",
        "index",
        "precomputed candidate lists",
    ),
    (
        r"kafka|kinesis|pub/?sub|rabbitmq|\bsqs\b|(?:a |an |the )?(?:message|event) queue|(?:the |an )?event stream",
        "stream",
        "queue",
        "an hourly batch job",
    ),
    (
        r"spark|airflow|(?:a |the )?(?:nightly|daily|hourly) (?:batch )?job|(?:a |the )?batch job",
        "batch",
        "pipeline",
        "a streaming job",
    ),
    (r"flink|(?:a |the )?streaming job|spark streaming", "streaming", "pipeline", "an hourly batch job"),
    (
        r"gradient[- ]boosted (?:decision )?(?:trees?|model|ranker)|xgboost|lightgbm|\bgbdts?\b",
        "gbdt",
        "model",
        "a neural network",
    ),
    (r"two[- ]tower(?: model)?", "two-tower", "model", "collaborative filtering on co-watch counts"),
    (
        r"(?:a |the )?(?:transformer|bert)(?: model)?|(?:an |the )?\bllm\b",
        "transformer",
        "model",
        "a smaller distilled model",
    ),
    (r"logistic regression", "logreg", "model", "gradient-boosted trees"),
    (
        r"(?:a |the )?(?:neural (?:net(?:work)?|ranker)|deep (?:learning )?model)",
        "neural",
        "model",
        "gradient-boosted trees",
    ),
    (r"collaborative filtering|matrix factori[sz]ation", "cf", "model", "content similarity"),
    (r"(?:an? |the )?(?:api gateway|load balancer)", "gateway", "service", "calling the service directly"),
    (
        r"(?:a |the )?(?:recommendation|ranking|feature|inference|serving|model|scoring) service",
        "service",
        "service",
        "running the model inside the API process",
    ),
    (r"triton|tensorflow serving|torchserve|\bgpus?\b", "gpu-serving", "service", "CPU inference"),
    (r"kubernetes|\bk8s\b|microservices", "kubernetes", "service", "a few plain virtual machines"),
    (
        r"(?:a |the )?(?:circuit breaker|fallback(?: list)?|rate limiter|shadow deployment|canary(?: release)?)",
        "safeguard",
        "safeguard",
        "failing fast",
    ),
    (
        r"precomput\w*|(?:in |at )?real[- ]time|autoscal\w*|shard(?:s|ing|ed)?|replicas?|quanti[sz]\w*|distil\w*",
        "choice",
        "choice",
        "",
    ),
)
_COMPILED = tuple((re.compile(rf"\b(?:{p})", re.I), n, k, alt) for p, n, k, alt in _VOCABULARY)
_CHOICE_ALTERNATIVES = {
    "precomput": "computing it at request time",
    "real": "a batch that runs every hour",
    "autoscal": "a fixed fleet sized for the peak",
    "shard": "one bigger machine",
    "replica": "a single primary",
    "quanti": "the full-precision model on more machines",
    "distil": "the full model on more machines",
}
_NUMBER = re.compile(
    r"\b\d[\d,.]*\s?(?:k|m|b|million|billion|thousand)?\s?(?:ms|milliseconds|seconds|qps|rps|requests (?:per|a) "
    r"second|daily (?:active )?users|dau|users|%|percent|gb|tb|dollars)\b",
    re.I,
)
_HOLDS = re.compile(
    r"\b(?:put|store|keep|hold|cache|save|write|push|land|index|load)s?\s+(?:all\s+)?((?:the|our|each|every|user|"
    r"their|its)\b[\w\s'-]{2,30}?)\s+(?:in|into|on)\s+(?:an?\s+|the\s+)?$",
    re.I,
)
_TOKEN = re.compile(r"[\w'%$-]+|[^\w\s]")
# Words that start a new clause or a list: a quoted choice stops before them.
_CLAUSE_STOPS = frozenset(
    [
        "and",
        "or",
        "but",
        "so",
        "such",
        "which",
        "that",
        "because",
        "while",
        "then",
        "through",
        "with",
        "since",
        "unless",
        "whereas",
        "plus",
    ]
)
# Words a quoted choice may not end on.
_DANGLING = frozenset(
    [
        "the",
        "a",
        "an",
        "by",
        "for",
        "of",
        "to",
        "in",
        "on",
        "at",
        "from",
        "into",
        "per",
        "as",
        "our",
        "their",
        "its",
        "each",
        "every",
        "is",
        "are",
        "be",
        "it",
    ]
)
_PREPOSITIONS = frozenset(
    ["into", "in", "on", "at", "by", "for", "to", "from", "of", "per", "across", "over", "under"]
)
_DETERMINERS = frozenset(
    ["a", "an", "the", "each", "every", "per", "one", "two", "three", "several", "more", "fewer"]
)
_NOUN_CHOICE = re.compile(r"^(?:replicas?|shards)\b", re.I)
_PREPOSITION = re.compile(r"^(?:in|at|on)\s", re.I)
_ARTICLE = re.compile(r"\b(an?|the)\s+$", re.I)
_LOAD = re.compile(r"\b(\d[\d,.]*\s?[km]?)\s*(?:[a-z]+\s)?(?:qps|rps|requests? (?:per|a) second)", re.I)


def components(answers: Sequence[str]) -> list[Component]:
    """The components the candidate named across `answers`, newest mention last, one per name."""
    found: dict[str, Component] = {}
    for text in answers:
        for component in _components_in(text):
            found.pop(component.name, None)
            found[component.name] = component
    return list(found.values())


@lru_cache(maxsize=4096)
def _components_in(text: str) -> tuple[Component, ...]:
    """The components named in one answer, in the order said (cached: answers never change)."""
    out: list[Component] = []
    for match, name, kind in _mentions(text):
        said = match.group(0).strip()
        article = _ARTICLE.search(text[max(0, match.start() - 4) : match.start()])
        if article and kind != "choice" and said[:1].islower() and not re.match(r"(?:an?|the)\s", said, re.I):
            said = f"{article.group(1).lower()} {said}"
        if kind == "choice":
            name = f"choice:{said.lower()[:7]}"
            said = choice_phrase(text, match.start())
        before = _HOLDS.search(text[max(0, match.start() - 60) : match.start()])
        holds = before.group(1).strip() if before else None
        out.append(Component(name=name, kind=kind, said=said, holds=holds))
    for number in _NUMBER.finditer(text):
        said = number.group(0).strip()
        out.append(Component(name=f"number:{said}", kind="number", said=said))
    return tuple(out)


def choice_phrase(text: str, start: int, most: int = 7) -> str:
    """The choice said at `start` as a whole phrase the interviewer can quote: forward to the end of its
    clause (punctuation, "and", "or", "such as", "with" ...) in at most `most` words, without a dangling
    "the", "by" or "or" at the end; a bare noun ("replicas") or a phrase that starts with "in" ("in real
    time") takes the words before it in the same clause ("add two read replicas per shard", "updated from
    Kafka in real time"). A capital that only starts the sentence is lowered."""
    words: list[str] = []
    cut = False
    for token in _TOKEN.finditer(text, start):
        word = token.group(0)
        if not re.match(r"[\w'%$-]", word) or (words and word.lower() in _CLAUSE_STOPS):
            break
        if len(words) == most:
            cut = True
            break
        words.append(word)
    if cut:  # the clause goes on: end before its last prepositional phrase rather than inside it
        last = max((i for i, w in enumerate(words) if i >= 2 and w.lower() in _PREPOSITIONS), default=None)
        words = words[:last] if last is not None else words
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words.pop()
    previous = re.findall(r"[\w'-]+", text[max(0, start - 12) : start])
    noun = bool(previous) and (previous[-1].lower() in _DETERMINERS or previous[-1].isdigit())
    if words and (noun or _NOUN_CHOICE.match(words[0]) or _PREPOSITION.match(" ".join(words) + " ")):
        before: list[str] = []
        for token in reversed(list(_TOKEN.finditer(text[:start]))):
            word = token.group(0)
            if not re.match(r"[\w'%$-]", word) or word.lower() in _CLAUSE_STOPS or len(before) == 4:
                break
            if word.lower() in ("i", "i'd", "we", "we'd", "said", "you", "it's"):
                break
            before.insert(0, word)
        words = [*before, *words]
    phrase = " ".join(words)
    if phrase[:1].isupper() and phrase[1:2].islower() and not re.match(r"[A-Z][a-z]+[A-Z]", phrase):
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def _mentions(text: str) -> Iterable[tuple[re.Match[str], str, Kind]]:
    """Vocabulary matches in the order they were said, the first pattern winning an overlap."""
    taken: list[tuple[re.Match[str], str, Kind]] = []
    for pattern, name, kind, _ in _COMPILED:
        for match in pattern.finditer(text):
            if not any(m.start() < match.end() and match.start() < m.end() for m, _, _ in taken):
                taken.append((match, name, kind))
    return sorted(taken, key=lambda t: t[0].start())


def alternative(component: Component) -> str | None:
    """What a "why this rather than ..." question weighs the component against."""
    if component.kind == "choice":
        said = component.said.lower()
        return next((alt for stem, alt in _CHOICE_ALTERNATIVES.items() if stem in said), None)
    for pattern, name, _, alt in _COMPILED:
        if name == component.name and pattern.search(component.said):
            return alt or None
    return None


def load_phrase(answers: Sequence[str], told: Sequence[HiddenFact]) -> str:
    """The traffic a scale question quotes: the candidate's own number, else one they were told."""
    for text in reversed([*answers, *(f.fact for f in told)]):
        match = _LOAD.search(text)
        if match:
            return f"{match.group(1).strip()} requests a second"
    return "ten times today's traffic"


def describe_components(found: Sequence[Component], limit: int = 8) -> str:
    """The candidate's own components for a model's prompt: `Postgres (holds the profiles); Kafka`."""
    named = [c for c in found if c.kind != "number"][-limit:]
    return "; ".join(f"{c.said} (holds {c.holds})" if c.holds else c.said for c in named)
