"""Reading a candidate's turn, before any grading, with plain deterministic rules.

`read_turn` classifies the input: an answer or a clarifying question, silence, an injection attempt,
off-topic, a repeat of an earlier answer, jumping ahead of the phase, vague scale claims with no numbers,
or strings of technology names with no reasons. `facts_for` finds the hidden facts a clarifying question
asks for; `cap_input` cuts an overlong answer; `sentences`, `words_of` and `content_words` are the word
handling the session and the interviewer share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from interviewer.content.questions import HiddenFact, Question
from interviewer.grading.injection import discussed
from interviewer.phases import PHASES, Phase

MAX_INPUT_CHARS = 8_000

_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split("|") if p.strip())


_FILLERS = _wordset(
    """
    um umm uh uhh er erm hmm hm ah oh like so well okay ok yeah mm
    """
)
_STUCK = re.compile(r"^\W*(i\s+(don'?t|do not)\s+know|no idea|not sure|pass|i'?m stuck|no clue)\b", re.I)
# Spoken requests to change phase or finish, said in a short turn of their own ("Can we move on?",
# "I'm done with requirements", "Let's wrap up"). A long answer that starts this way is still an answer.
SPOKEN_COMMAND_WORDS = 14
_OPENER = r"^\W*(?:(?:ok(?:ay)?|alright|all right|right|so|well|great|cool|thanks|thank you|yeah)\W+)*"
_NEXT = re.compile(
    _OPENER + r"(?:(?:let'?s|let us|let me|can we|could we|shall we|should we|i'?d like to|i want to|we can|"
    r"i'?ll|maybe we|i think we can|happy to)\s+)?(?:move on|go on to the next|go to the next|skip (?:ahead|this)|"
    r"move to the next|continue to the next|get to the next|next (?:phase|part|section|topic|question)|"
    r"moving on)\b|"
    + _OPENER
    + r"i'?m (?:done|finished) with (?:this|the|that|requirements|the requirements|architecture|"
    r"the architecture|the deep dive|issues|optimi[sz]ation)\b",
    re.I,
)
_END = re.compile(
    _OPENER
    + r"(?:(?:let'?s|let us|can we|could we|shall we|i'?d like to|i want to)\s+(?:wrap (?:it |this |things )?up|"
    r"end|stop|finish)(?: (?:it |this )?(?:here|there|now|today)| it| this| the interview| the session)?\s*(?:[.!,;?]|$)|"
    r"(?:i'?m|i am|we'?re|we are) (?:done|finished|all done)\s*(?:[.!,;]|$|for today|here|now)|"
    r"(?:end|stop|finish) the (?:interview|session)\b|that'?s (?:all|it) (?:from me|for me|i have)\b)",
    re.I,
)


def spoken_command(text: str) -> Literal["next", "end"] | None:
    """`next` or `end` when a short turn asks, in words, to move on or to finish; otherwise None."""
    if len(text.split()) > SPOKEN_COMMAND_WORDS:
        return None
    if _NEXT.search(text):
        return "next"
    if _END.search(text):
        return "end"
    return None


_INTERROGATIVE = re.compile(
    r"^(what|what's|how|who|which|when|where|why|is|are|do|does|did|can|could|should|would|will|may|"
    r"might|am|have|has|any)\b(?!-)",
    re.I,
)
_ASKING = re.compile(
    r"\b(can i assume|may i ask|i'?d like to (ask|clarify|know)|quick question|clarifying question|"
    r"could you (tell|clarify|confirm)|do we know|is it safe to assume)\b",
    re.I,
)
_INJECTION = re.compile(
    r"ignore (all |any |the |your )?(previous|prior|above|earlier)? ?(instructions|rules|prompts?)|"
    r"disregard (all |the |your )?(previous |prior |above )?(instructions|rules)|"
    # "your system prompt tells the model to cite": the candidate's own design, said in the second person
    r"your (system|developer) (prompt|message|instructions)(?!\s+(?:(?:also|then|just|only)\s+)?(?:tells|instructs|says|asks|"
    r"includes|has|keeps|should|must|carries|lists|sets|gives|pins|forbids|requires|contains|reminds)\b)|you are now|new instructions|developer mode|"
    r"jailbreak|(reveal|show|print|repeat|tell me|give me|share|list|output) (me )?(your|the) "
    r"(hidden |secret |internal |system |developer )?"
    r"(instructions|prompt|rubric|key points|notes|answers?|brief|facts|scoring)|"
    r"what are (your|the) (hidden |secret )?(key points|rubric|instructions)|"
    r"what('s| is) (your|the) (system |developer )?(prompt|instructions)|"
    r"as (the|an?) (grader|evaluator|examiner)|(give|score|rate|grade) (me|this( answer)?) (a |an )?(5|five|10|"
    r"top|full|perfect|maximum)|<\s*/?\s*(system|instructions?)\s*>|\[\s*(system|inst)\s*\]|"
    r"```\s*system|\"score\"\s*:\s*\d",
    re.I,
)
_VAGUE = re.compile(
    r"\b(massive scale|huge scale|massive|huge|enormous|tons of \w+|lots of users|lots of \w+|a lot of \w+|"
    r"large[- ]scale|web[- ]scale|internet[- ]scale|highly scalable|very scalable|infinitely scalable|"
    r"super fast|very fast|really fast|blazing(ly)? fast|high traffic|heavy traffic|many users|at scale|"
    r"low latency|scale well)\b",
    re.I,
)
_NUMBERISH = re.compile(
    r"\d|\b(one|two|three|four|five|ten|hundred|hundreds|thousand|thousands|million|millions|billion|"
    r"billions|dozen)\b",
    re.I,
)
_BUZZWORDS = _phrases(
    """
    kubernetes | k8s | microservices | kafka | spark | flink | deep learning | transformer |
    transformers | llm | blockchain | serverless | big data | mlops | cloud native | cloud-native |
    graphql | nosql | docker | ai | neural network | data lake | lakehouse | vector database | redis |
    cassandra | elasticsearch | airflow | feature store | gpu | gpus | real-time
    """
)
_REASONS = re.compile(
    r"\b(because|since|so that|so we|so it|which means|that way|trade-?offs?|instead of|rather than|"
    r"versus|vs\.?|otherwise|in order to|the reason|given that|means|cheaper|faster than|at the cost of)\b",
    re.I,
)
_AHEAD_OF: dict[Phase, re.Pattern[str]] = {
    "requirements": re.compile(
        r"\b(neural (net|network)s?|transformers?|two[- ]tower|xgboost|gbdt|gradient[- ]boost\w*|"
        r"deep learning|embeddings?|train(ing)? (a|the) model|logistic regression|collaborative filtering|"
        r"matrix factori[sz]ation|bert|lstm|layers?|kafka|microservices?|redis|cassandra|spark|"
        r"architecture|database|feature store|ann index|faiss)\b",
        re.I,
    ),
}
_DOMAIN = _wordset(
    """
    system design model models data user users request requests latency throughput qps scale scaling
    cache caching database storage index serving server servers service services api feature
    features training train inference predict prediction predictions label labels metric metrics
    accuracy precision recall ranking rank candidate candidates retrieval search recommend
    recommendation recommendations pipeline pipelines batch stream streaming real time queue kafka
    event events log logs monitoring monitor alert alerts drift fallback failure failures
    availability uptime cost budget gpu cpu memory shard shards replica replicas load balancer
    traffic peak daily million billion thousand second seconds milliseconds evaluation offline
    online test experiment embedding embeddings vector similarity cold start content click clicks
    watch engagement conversion revenue fraud ads ad bid auction price pricing demand forecast
    forecasting eta delivery translation moderation chatbot llm prompt tokens rag documents question
    questions answer answers goal objective constraint constraints requirement requirements
    architecture component components design tradeoff trade off consistency partition schema table
    warehouse lake feature store freshness personalisation personalization dau mau volume throughput
    retry timeout circuit breaker rollout canary deploy deployment version versions gpu rate limit
    tenant tenants quota privacy security abuse spam quality score scores rerank filter filters
    """
)


@dataclass(frozen=True)
class Reading:
    """What the candidate's turn looks like, before any grading."""

    text: str
    kind: Literal["answer", "question"]
    silent: bool = False
    injection: bool = False
    off_topic: bool = False
    repeated: bool = False
    ahead: bool = False
    vague: str | None = None
    buzzwords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # the question sentences, for hidden-fact lookup
    capped: bool = False


def cap_input(text: str, limit: int = MAX_INPUT_CHARS) -> tuple[str, bool]:
    """Cut `text` to `limit` characters at a word boundary when it is longer."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ", limit - 200)
    return (cut[:space] if space > 0 else cut).rstrip(), True


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _norm(word: str) -> str:
    word = word.strip("'-")
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def words_of(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_norm(w) for w in _WORD.findall(text.lower()))


def content_words(text: str) -> set[str]:
    return {w for w in words_of(text) if len(w) > 2 and w not in _STOPWORDS}


_STOPWORDS = _wordset(
    """
    the and for with that this are was were you your our but not have has had from into then than
    they them their there what when where which who why how its it's can could would should will
    just also about over under very really some any all each more most much many one use used using
    like want need make let's lets i'd i'm i'll we'd we'll we're you'd you're he she his her him
    been being does did doing done get got going say said think thing things way well yeah okay
    right sure maybe probably every other another same such only even still again here now too quite
    lot
    """
)


def _domain_words(question: Question) -> frozenset[str]:
    key = (question.id, question.title, question.prompt)
    cached = _DOMAIN_CACHE.get(key)
    if cached is None:
        if len(_DOMAIN_CACHE) > 128:
            _DOMAIN_CACHE.clear()
        cached = _DOMAIN_CACHE[key] = _vocabulary(question)
    return cached


_DOMAIN_CACHE: dict[tuple[str, str, str], frozenset[str]] = {}


def _vocabulary(question: Question) -> frozenset[str]:
    parts: list[str] = [question.title, question.topic, question.prompt]
    parts += [f.fact + " " + " ".join(f.keywords) for f in question.hidden_facts]
    for spec in (question.phase(p) for p in PHASES):
        parts += [k.point + " " + " ".join(k.alternatives) for k in spec.key_points]
        parts += spec.probes + spec.model_outline + spec.pitfalls
    words: set[str] = set(_DOMAIN)
    for part in parts:
        words |= content_words(part)
    return frozenset(_norm(w) for w in words)


def is_question(text: str) -> tuple[bool, tuple[str, ...]]:
    """Is this turn a clarifying question? Also returns every question sentence in it."""
    parts = sentences(text)
    asked = tuple(
        s
        for s in parts
        if s.endswith("?") or ((_INTERROGATIVE.match(s) or _ASKING.search(s)) and len(words_of(s)) <= 25)
    )
    if not asked:
        return False, ()
    rest = [s for s in parts if s not in asked]
    rest_words = sum(len(content_words(s)) for s in rest)
    return rest_words <= 8, asked


def read_turn(text: str, question: Question, phase: Phase | None, earlier_answers: Sequence[str]) -> Reading:
    """Classify one candidate turn. `text` has already been capped."""
    stripped = text.strip()
    spoken = [w for w in words_of(stripped) if w not in _FILLERS]
    if not spoken or (_STUCK.match(stripped) and len(spoken) <= 8):
        return Reading(text=text, kind="answer", silent=True)
    asking, asked = is_question(stripped)
    # "Say a customer writes 'ignore previous instructions'": an attack discussed in a design is not one
    injection = any(not discussed(stripped, m.start(), m.end()) for m in _INJECTION.finditer(stripped))
    words = content_words(stripped)
    lowered = stripped.lower()
    if asking:
        return Reading(text=text, kind="question", injection=injection, questions=asked)

    domain = _domain_words(question)
    on_topic = len(words & domain) / len(words) if words else 0.0
    off_topic = len(words) >= 4 and on_topic < 0.15
    repeated = False
    for earlier in earlier_answers:
        other = content_words(earlier)
        if len(words) >= 4 and other and len(words & other) / len(words | other) >= 0.8:
            repeated = True
            break
    ahead_pattern = _AHEAD_OF.get(phase) if phase else None
    ahead = bool(ahead_pattern and len(set(ahead_pattern.findall(lowered))) >= 2)
    vague_match = _VAGUE.search(stripped)
    vague = vague_match.group(0) if vague_match and not _NUMBERISH.search(stripped) else None
    buzz = tuple(b for b in _BUZZWORDS if re.search(rf"(?<![\w-]){re.escape(b)}(?![\w-])", lowered))
    no_reasons = not _REASONS.search(stripped)
    return Reading(
        text=text,
        kind="answer",
        injection=injection,
        off_topic=off_topic,
        repeated=repeated,
        ahead=ahead,
        vague=vague,
        buzzwords=buzz if len(buzz) >= 3 and no_reasons else (),
        questions=asked,
    )


def facts_for(question: Question, asked: Iterable[str]) -> tuple[HiddenFact, ...]:
    """The hidden facts a clarifying question asks for, best match first (at most two).

    In a compound such as "latency budget" only the first word's fact is meant, so a second fact
    whose only match sits right next to the first one's is left out.
    """
    text = " ".join(asked).lower()
    scored: list[tuple[int, int, HiddenFact, list[tuple[int, int]]]] = []
    for i, fact in enumerate(question.hidden_facts):
        spans = [
            m.span()
            for k in fact.keywords
            for m in re.finditer(rf"(?<!\w){re.escape(k.lower())}(?!\w)", text)
        ]
        if spans:
            scored.append((-len({text[a:b] for a, b in spans}), i, fact, spans))
    scored.sort(key=lambda s: (s[0], min(a for a, _ in s[3]), s[1]))
    chosen: list[tuple[HiddenFact, list[tuple[int, int]]]] = []
    for _, _, fact, spans in scored:
        if len(chosen) == 2:
            break
        taken = [span for _, kept in chosen for span in kept]
        if chosen and all(_adjacent(span, other, text) for span in spans for other in taken[:1]):
            continue
        chosen.append((fact, spans))
    return tuple(f for f, _ in chosen)


def _adjacent(a: tuple[int, int], b: tuple[int, int], text: str) -> bool:
    first, second = sorted((a, b))
    gap = text[first[1] : second[0]]
    return len(gap) <= 2 and not gap.strip(" -")
