"""Depth: follow-ups built on the candidate's own design, once a phase's basics are covered.

A real interviewer who has heard the key points does not stop; they push on what the candidate chose:
"You put the profiles in Postgres. What happens at 50K reads a second?" `components` reads the candidate's
answers for the stores, caches, queues, pipelines, models, services and numbers they named, with the words
they used. `next_follow_up` builds the next question from per-phase templates over those components and
angles (scale, failure, cost, alternatives, freshness, latency, ...), grounded in the phase's goal and in
facts the candidate has already been told. Every follow-up names what the candidate said, never a key
point, and each (component, angle) pair is asked once, so the well holds far more questions than a phase
has time for. Generic questions of the phase follow when the candidate has named nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from interviewer.content.questions import HiddenFact
from interviewer.phases import Phase

Kind = Literal[
    "store", "cache", "index", "queue", "pipeline", "model", "service", "safeguard", "choice", "number"
]
Angle = Literal[
    "scale",
    "failure",
    "cost",
    "alternatives",
    "freshness",
    "latency",
    "consistency",
    "monitoring",
    "training",
    "rollout",
    "target",
]


@dataclass(frozen=True)
class Component:
    """Something the candidate put in their design, in their own words."""

    name: str  # canonical, to recognise the same thing said twice: "postgres"
    kind: Kind
    said: str  # the candidate's words: "Postgres", "a feature store", "200 ms"
    holds: str | None = None  # what they put in it: "the profiles"


@dataclass(frozen=True)
class FollowUp:
    """A depth question: its text, the component it builds on (None for a generic one) and its angle."""

    key: str
    text: str
    component: Component | None
    angle: Angle | str


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


# -- templates ----------------------------------------------------------------------------------------------

# Angles worth asking about each kind of component, in order of interest.
_ANGLES: dict[Kind, tuple[Angle, ...]] = {
    "store": (
        "scale",
        "failure",
        "alternatives",
        "freshness",
        "consistency",
        "latency",
        "cost",
        "monitoring",
    ),
    "cache": ("freshness", "failure", "scale", "alternatives", "cost", "consistency", "monitoring"),
    "index": ("freshness", "latency", "scale", "alternatives", "failure", "cost"),
    "queue": ("failure", "scale", "alternatives", "consistency", "monitoring", "cost"),
    "pipeline": ("failure", "freshness", "alternatives", "cost", "monitoring", "scale"),
    "model": ("alternatives", "training", "latency", "rollout", "failure", "cost", "monitoring", "freshness"),
    "service": ("failure", "scale", "latency", "cost", "alternatives", "monitoring"),
    "safeguard": ("failure", "monitoring", "alternatives"),
    "choice": ("alternatives", "cost", "failure", "freshness"),
    "number": ("target",),
}
# Offline parts are not asked about request rates: storage and batch jobs have their own angles.
_NAME_ANGLES: dict[str, tuple[Angle, ...]] = {
    "object-store": ("cost", "failure", "alternatives", "freshness"),
    "warehouse": ("cost", "freshness", "alternatives", "latency"),
    "batch": ("failure", "freshness", "alternatives", "cost", "monitoring"),
}
# The angles each phase leans on; the phase's goal decides which questions come first.
_PHASE_ANGLES: dict[Phase, tuple[Angle, ...]] = {
    "requirements": ("target", "scale", "latency", "cost", "freshness", "alternatives"),
    "architecture": ("alternatives", "failure", "freshness", "latency", "scale", "training", "consistency"),
    "deep_dive": (
        "scale",
        "alternatives",
        "freshness",
        "latency",
        "training",
        "consistency",
        "cost",
        "failure",
    ),
    "issues": ("failure", "monitoring", "rollout", "consistency", "freshness", "scale"),
    "optimization": ("cost", "scale", "latency", "alternatives", "freshness", "monitoring"),
}
# Each question names the component ({it}), so no two components share a sentence.
_QUESTIONS: dict[str, tuple[str, ...]] = {
    "scale": ("What happens to {it} at {load}?", "How many machines does {it} need at {load}, roughly?"),
    "failure": (
        "What does the user see when {it} times out?",
        "What happens when {it} is down for ten minutes?",
        "What fails first in {it} when traffic spikes?",
    ),
    "cost": ("What does {it} cost at this traffic, and how would you bring that down?",),
    "alternatives": ("Why {it} rather than {alt}?", "What would make you switch from {it} to {alt}?"),
    "freshness": ("How stale can {it} get, and what keeps it up to date?",),
    "latency": ("How much of the latency budget does {it} take, and how do you know?",),
    "consistency": ("What happens if a write to {it} is lost or arrives late?",),
    "monitoring": ("How would you know {it} is misbehaving before users notice?",),
    "training": ("How do you make sure {it} sees the same features in training as in serving?",),
    "rollout": ("How would you roll out a new version of {it} safely?",),
    "target": (
        "Is {it} a hard limit or a target, and what happens to the design when we miss it?",
        "Where does {it} come from, and what changes if it doubles?",
    ),
}
_LEADS = (
    "You put {holds} in {said}.",
    "You mentioned {said}.",
    "You chose {said}.",
    "Going back to {it}.",
    "Let's stay with {it}.",
)
GENERIC: dict[Phase, tuple[str, ...]] = {
    "requirements": (
        "Which of these requirements would you trade away first if you had to?",
        "What would make this project a failure even if the system works?",
        "What's out of scope for a first version?",
        "How would you measure success in the first month after launch?",
        "Which requirement worries you most, and why?",
        "Who else depends on this system, and what do they need from it?",
    ),
    "architecture": (
        "What breaks first at ten times the traffic?",
        "Where is the single point of failure in this design?",
        "Which part would you build first, and why?",
        "How does a new model get from training into serving?",
        "What's the simplest version of this that would still work?",
        "Where does the training data come from, end to end?",
    ),
    "deep_dive": (
        "Which number in this design are you least sure about?",
        "How would you test this component before launch?",
        "What's the hardest trade-off you made in this part?",
        "If you had to halve the latency of this part, what would you change?",
        "How would you know this component is doing its job in production?",
        "What breaks first at ten times the traffic?",
    ),
    "issues": (
        "What does the user see when the model times out?",
        "What happens if a day of training data is corrupt?",
        "How would you catch a bad model before every user sees it?",
        "What's your plan when a dependency is slow rather than down?",
        "Which alert would wake someone at night, and which would wait until morning?",
        "What breaks first at ten times the traffic?",
    ),
    "optimization": (
        "What breaks first at ten times the traffic?",
        "Where does most of the money go in this design?",
        "What would you precompute, and what must stay on the request path?",
        "How would you serve the same quality on half the hardware?",
        "Which optimisation would you not do yet, and why?",
        "What would you measure to know an optimisation worked?",
    ),
}


def _it(component: Component) -> str:
    """The component as a question names it: `the feature store`, `Postgres`, `that choice`."""
    if component.kind == "choice":
        return "that choice"
    if component.kind == "number":
        return "that number"
    said = re.sub(r"^(?:a|an)\s+", "the ", component.said, flags=re.I)
    return said if said[:1].isupper() or said.lower().startswith("the ") else f"the {said}"


def _lead(component: Component, nth: int) -> str:
    options = [lead for lead in _LEADS if component.holds or "{holds}" not in lead]
    if component.holds and nth % 2 == 0:
        options = [_LEADS[0]]
    if component.kind == "number":
        options = ["You said {said}.", "You gave {said}.", "Back to your {said}."]
    elif component.kind == "choice":
        options = ["You said \u201c{said}\u201d.", "Back to \u201c{said}\u201d."]
    said = component.said
    if (
        component.kind not in ("choice", "number")
        and said[:1].islower()
        and not re.match(r"(?:an?|the)\s", said)
    ):
        said = _it(
            component
        )  # "You chose the recommendation service", not "You chose recommendation service"
    return options[nth % len(options)].format(said=said, holds=component.holds, it=_it(component))


def follow_ups(
    phase: Phase,
    mine: Sequence[Component],
    earlier: Sequence[Component],
    *,
    load: str,
) -> list[FollowUp]:
    """Every depth question for `phase`, best first: the phase's own components (newest first) on the
    angles the phase leans on, then components from earlier phases, then the phase's generic questions."""
    order = _PHASE_ANGLES[phase]
    seen: set[str] = set()
    pool: list[Component] = []
    for c in [*reversed(mine), *reversed(earlier)]:
        if c.name not in seen and (c.kind != "number" or phase == "requirements" or c in mine):
            seen.add(c.name)
            pool.append(c)
    out: list[FollowUp] = []
    for rank, angle in enumerate(order):
        for i, c in enumerate(pool):
            if angle not in _NAME_ANGLES.get(c.name, _ANGLES[c.kind]):
                continue
            alt = alternative(c)
            if "{alt}" in "".join(_QUESTIONS[angle]) and not alt:
                continue
            texts = _QUESTIONS[angle]
            question = texts[(i + rank) % len(texts)].format(load=load, alt=alt, it=_it(c))
            # A lead that says where the candidate put what, or every other time, which component.
            lead = _lead(c, i + rank) if c.holds or c.kind in ("choice", "number") or (i + rank) % 2 else ""
            text = f"{lead} {question}".strip()
            out.append(FollowUp(key=f"{phase}/{c.name}/{angle}", text=text, component=c, angle=angle))
    # Interleave the components so one is not asked about many times in a row.
    out.sort(key=lambda f: _spread(f, pool, order))
    out += [
        FollowUp(key=f"{phase}/-/{i}", text=t, component=None, angle="generic")
        for i, t in enumerate(GENERIC[phase])
    ]
    return out


def _spread(f: FollowUp, pool: Sequence[Component], order: Sequence[Angle | str]) -> tuple[int, int]:
    assert f.component is not None
    return (order.index(f.angle) // 2, pool.index(f.component))


def next_follow_up(
    phase: Phase,
    mine: Sequence[Component],
    earlier: Sequence[Component],
    asked: Iterable[str],
    *,
    load: str,
    last_component: str | None = None,
    last_angle: str | None = None,
) -> FollowUp | None:
    """The best follow-up not asked yet. The questions move around the design as a real interviewer's do:
    the angle asked least in this phase first (scale, then alternatives, freshness, latency, ...), on the
    component asked about least, never the component or the angle asked about last when another will do.
    So a long deep dive covers every angle once before it asks one again, rather than scale and
    alternatives of every component in turn."""
    done = set(asked)
    left = [f for f in follow_ups(phase, mine, earlier, load=load) if f.key not in done]
    if not left:
        return None
    mine_done = [key.split("/") for key in done if key.startswith(f"{phase}/")]
    angles = Counter(parts[2] for parts in mine_done if len(parts) == 3 and parts[1] != "-")
    named = Counter(parts[1] for parts in mine_done if len(parts) == 3)
    fresh = [f for f in left if f.component is None or f.component.name != last_component]
    varied = [f for f in fresh if f.angle != last_angle]
    pool = varied or fresh or left
    rank = {id(f): i for i, f in enumerate(pool)}
    specific = [f for f in pool if f.component is not None]
    if not specific:
        return pool[0]
    return min(
        specific,
        key=lambda f: (angles[str(f.angle)], named[f.component.name if f.component else "-"], rank[id(f)]),
    )


def describe_components(found: Sequence[Component], limit: int = 8) -> str:
    """The candidate's own components for a model's prompt: `Postgres (holds the profiles); Kafka`."""
    named = [c for c in found if c.kind != "number"][-limit:]
    return "; ".join(f"{c.said} (holds {c.holds})" if c.holds else c.said for c in named)
