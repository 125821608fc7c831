"""The claim checker: what an answer claims that is wrong, found without a model.

It reads an answer sentence by sentence and finds:

- **wrong claims** from the question bank: each key point may list the wrong alternatives a candidate is
  likely to assert (optimising clicks instead of watch time, scoring the whole catalogue with a heavy model,
  letting a request fail when a store is down). A wrong claim is found when one clause says a term of each
  of its cue groups and *asserts* the first (see `interviewer.grading.stance`), unless the clause also
  asserts one of its `unless` terms. "Watch time, not CTR" is right; "CTR, not watch time" is wrong.
- **arithmetic errors**: a derivation stated in the answer ("500 million daily users at 5 loads a day is
  about 2.9 million requests per second") is recomputed from the candidate's own inputs, with the time
  units converted, and compared with the candidate's own result. It judges method and consistency, not
  agreement with the question's design numbers. Off by more than 2x is an error, 10x a serious one.

The interviewer challenges what it finds; the graders lower the criteria the errors belong to.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.claims import Constraint
from interviewer.content.questions import KeyPoint, Question
from interviewer.grading.delivery import strip_fillers
from interviewer.grading.quantities import Quantity, periods, quantities, words_to_digits
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import clauses, is_asserted, mentions, segments
from interviewer.phases import PHASES, Phase

ErrorKind = Literal["claim", "arithmetic", "constraint"]

TOLERANCE = 2.0  # a result within this factor of the recomputed one is consistent
SERIOUS = 10.0  # an order of magnitude off


class ClaimError(BaseModel):
    """One thing an answer says that is wrong: what kind, the words that say it, and why it is wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ErrorKind
    quote: str = Field(description="the sentence of the answer that says it, verbatim")
    why: str
    challenge: str = Field(default="", description="what an interviewer asks to make the candidate reason")
    key_point_id: str | None = None
    serious: bool = False
    corrected: bool = Field(default=False, description="the candidate put it right later in the phase")

    @property
    def key(self) -> str:
        """Identifies the error across turns, so one error is challenged once."""
        return f"{self.kind}:{self.key_point_id or ''}:{self.quote}"


_RESULT_CUE = re.compile(
    r"(?:=|≈|\bis\b|\bare\b|\bthat's\b|\bthat is\b|\bgives?\b|\bcomes? (?:out )?to\b|\bequals?\b|"
    r"\bworks? out (?:at|to)\b|\bmeans\b|\bso\b|\bwhich is\b|\bmakes\b|\bleaves\b)"
    r"(?:\s+(?:about|around|roughly|approximately|approx\.?|nearly|almost|maybe|probably|some|only|just|like|"
    r"close to|on the order of|we(?:'re| are)? (?:at|near|need)|near|that's|,))*[\s,]*[~$]?\s*$",
    re.I,
)
_QUESTION = re.compile(
    r"^\s*(?:(?:so|and|but|okay|ok|well|also|then)[, ]+)?(?:what|which|how|why|when|where|who|whom|do|does|did|"
    r"is|are|was|were|should|shall|can|could|would|will|may|might|have|has)\b[^.!]*$|.*\?\s*$",
    re.I | re.S,
)
_DIVIDE = re.compile(r"(?:\bdivided by\b|/|÷|\bover\b|\bsplit across\b|\bacross\b)", re.I)
_CORRECTION = re.compile(
    r"\b(?:you're right|you are right|let me (?:redo|correct|fix|recompute|rethink)|i (?:was wrong|misspoke|got that wrong)|"
    r"correction|actually|scratch that|sorry)\b",
    re.I,
)


@dataclass(frozen=True)
class _Derivation:
    inputs: tuple[Quantity, ...]
    divide: tuple[bool, ...]
    result: Quantity
    context: tuple[Quantity, ...] = ()


class ClaimChecker:
    """Finds wrong claims and arithmetic errors in an answer; deterministic and offline."""

    def check(self, question: Question, phase: Phase | None, answer: str) -> list[ClaimError]:
        """Errors in `answer`, in order. With `phase` None every phase's wrong claims are looked for."""
        points = _points(question, phase)
        constraints = [c for fact in question.hidden_facts for c in fact.constraints]
        errors: list[ClaimError] = []
        sentences = split_sentences(answer)
        carry = ""
        hard_sentences = [h.strip() for h in _HARD_SENTENCE.split(answer) if h.strip()]
        for i, text in enumerate(hard_sentences):
            if _QUESTION.match(text):
                continue
            carried = carry if _CONTINUES.match(text) else ""
            carry = _last_quantity(text)
            later = " ".join(hard_sentences[i + 1 :])
            for error in self._arithmetic(text, carried):
                if error.key not in {e.key for e in errors}:
                    errors.append(_with_recovery(error, later, points, self))
        for i, sentence in enumerate(sentences):
            if _QUESTION.match(sentence.text):
                continue  # a question asks; it claims nothing
            later = " ".join(s.text for s in sentences[i + 1 :])
            found = [
                *self._claims(sentence.text, points),
                *self._constraints(sentence.text, constraints),
            ]
            for error in found:
                if error.key not in {e.key for e in errors}:
                    errors.append(_with_recovery(error, later, points, self))
        return sorted(errors, key=lambda e: answer.find(e.quote))

    # -- wrong claims ------------------------------------------------------------------------------------

    def _claims(self, sentence: str, points: Sequence[KeyPoint]) -> list[ClaimError]:
        found: list[ClaimError] = []
        for point in points:
            for wrong in point.wrong:
                if any(_says(clause, wrong.cues, wrong.unless) for clause in clauses(sentence)):
                    found.append(
                        ClaimError(
                            kind="claim",
                            quote=sentence,
                            why=wrong.why,
                            challenge=wrong.challenge,
                            key_point_id=point.id,
                            serious=wrong.serious,
                        )
                    )
        return found

    def asserts_wrong(self, sentence: str, point: KeyPoint) -> bool:
        """Whether `sentence` cannot cover `point`: it asserts one of the point's wrong alternatives, or it
        says the point's own words only to reject them ("we don't need candidate generation")."""
        if any(
            _says(clause, wrong.cues, wrong.unless) for wrong in point.wrong for clause in clauses(sentence)
        ):
            return True
        said = [m for clause in clauses(sentence) for m in mentions(clause, _salient(point))]
        return bool(said) and not any(m.asserted for m in said)

    # -- constraints ---------------------------------------------------------------------------------------

    def _constraints(self, sentence: str, constraints: Sequence[Constraint]) -> list[ClaimError]:
        found: list[ClaimError] = []
        for constraint in constraints:
            why = _breaks(sentence, constraint)
            if why:
                found.append(
                    ClaimError(
                        kind="constraint",
                        quote=sentence,
                        why=f"{why} {constraint.says}",
                        challenge=_CONSTRAINT_CHALLENGE[constraint.kind],
                        serious=True,
                    )
                )
        return found

    # -- arithmetic ----------------------------------------------------------------------------------------

    def has_sound_arithmetic(self, text: str) -> bool:
        """Whether `text` states a derivation and every derivation in it is consistent."""
        derived = False
        for sentence in split_sentences(text):
            if _derivations(words_to_digits(strip_fillers(sentence.text))):
                derived = True
                if self._arithmetic(sentence.text):
                    return False
        return derived

    def _arithmetic(self, sentence: str, carried: str = "") -> list[ClaimError]:
        """Errors in the derivations `sentence` states; `carried` is the number a sentence that starts
        "Dividing by..." or "Times..." continues from (the last one of the sentence before)."""
        found: list[ClaimError] = []
        text = words_to_digits(strip_fillers(sentence))
        for derivation in _derivations(f"{carried} {text}" if carried else text):
            computed = _best_recomputation(derivation)
            stated = derivation.result.value
            if computed is None or stated <= 0 or computed <= 0:
                continue
            shown = _stated_reading(derivation) or computed
            factor = max(stated / computed, computed / stated)
            if factor <= TOLERANCE:
                continue
            unit = _unit_text(derivation.result)
            found.append(
                ClaimError(
                    kind="arithmetic",
                    quote=sentence,
                    why=(
                        f"From the inputs stated in this sentence the result is about {_fmt(shown)}{unit}, "
                        f"not {_fmt(stated)}{unit}."
                    ),
                    challenge="Walk me through that arithmetic: which numbers did you multiply and divide?",
                    serious=factor >= SERIOUS,
                )
            )
            break  # one error per sentence: later steps build on the wrong number
        return found


_CONSTRAINT_CHALLENGE = {
    "latency": "How does that fit the latency budget? Walk me through where the milliseconds go.",
    "availability": "What availability does the system need, and how does your target compare?",
    "freshness": "How fresh does that data need to be, and how stale can it get in your design?",
    "ordering": "At what point does that check run relative to the content going live, and what happens in between?",
}
_LATENCY_WORDS = re.compile(
    r"\b(?:latenc|takes?\b|took\b|respond|response|answers? in|p9\d|p50|budget|round.trip|time.?out|"
    r"within|under|in about|in roughly|adds?\b|costs?\b|spend)",
    re.I,
)
_OFFLINE_WORDS = re.compile(
    r"\b(?:offline|batch|nightly|daily|training|train|retrain|async|background|overnight|pipeline|job|"
    r"backfill|cache (?:for|ttl)|ttl|refresh|recompute|precompute|every)\b",
    re.I,
)
_THRESHOLD = re.compile(
    r"\b(?:alert|alarm|paging|pages? (?:the |someone|on.?call)|page on|threshold|warn|monitor|burn|above|over|"
    r"exceed|more than|higher than|"
    r"worse than|slower than|if|when)\b",
    re.I,
)
_REQUEST_PATH = re.compile(
    r"\b(?:request|response|api|call|serving|serve|p9\d|p50|page|quote|lookup|inference|predict|rank|scor|"
    r"query|first token|round.trip|end.to.end|user waits|the user|reply|answer)",
    re.I,
)
_NOT_REQUEST = re.compile(
    r"\b(?:moderator|rater|reviewer|agent|human|analyst|index|re-?index|updat|stream|load(?:ing)? (?:a|the) model|"
    r"warm|cold start|deploy|rollout|roll out|pick up|picks up|reach)",
    re.I,
)
_AVAILABILITY_WORDS = re.compile(r"\b(?:availab|uptime|up time|sla|slo|nines)", re.I)
_LATER = re.compile(
    r"\b(?:nightly|daily|overnight|once a day|every night|later|afterwards|after the fact|weekly|hourly)\b",
    re.I,
)


def _breaks(sentence: str, constraint: Constraint) -> str | None:
    """Why `sentence` breaks `constraint`, or None when it does not (or does not say enough to tell)."""
    text = words_to_digits(sentence)
    for clause in clauses(text):
        if constraint.kind == "latency":
            assert constraint.max is not None
            for segment in segments(clause):
                if not (_LATENCY_WORDS.search(segment) and _REQUEST_PATH.search(segment)):
                    continue
                if (
                    _OFFLINE_WORDS.search(segment)
                    or _THRESHOLD.search(segment)
                    or _NOT_REQUEST.search(segment)
                ):
                    continue
                for q in quantities(segment):
                    if q.kind == "duration" and q.value <= 10 and q.value * 1000 > constraint.max:
                        said = f"{q.value:g} s" if q.value >= 1 else f"{q.value * 1000:g} ms"
                        return f"{said} on the request path is over the budget."
        elif constraint.kind == "availability":
            if not _AVAILABILITY_WORDS.search(clause):
                continue
            assert constraint.min is not None
            for q in quantities(clause):
                if q.kind == "percent" and 0.9 <= q.value < 1 and q.value * 100 < constraint.min - 1e-9:
                    return f"{q.value * 100:g}% is below the availability the system needs."
        else:
            for segment in segments(clause):
                if not any(m.asserted for m in mentions(segment, constraint.subject)):
                    continue
                if constraint.kind == "freshness":
                    assert constraint.max is not None
                    stale = [
                        sec
                        for sec, start, end in periods(segment)
                        if sec > constraint.max and is_asserted(segment, start, end)
                    ]
                    if stale and not re.search(r"\b(?:within|under|at most|less than)\b", segment, re.I):
                        return f"Data refreshed every {_duration(stale[0])} is too stale."
                elif _after(segment, constraint.before) or (
                    any(is_asserted(segment, m.start(), m.end()) for m in _LATER.finditer(segment))
                    and not re.search(r"\bbefore\b", segment, re.I)
                ):
                    return "That check runs too late."
    return None


def _after(segment: str, events: Sequence[str]) -> bool:
    """Whether `segment` puts something after one of `events` ("after it is published")."""
    for m in re.finditer(r"\bafter\b(?P<rest>.{0,40})", segment, re.I):
        if any(True for _ in mentions(m.group("rest"), list(events))):
            return True
    return False


def _duration(seconds: float) -> str:
    for size, name in ((86_400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds / size
            return f"{n:g} {name}" + ("s" if n != 1 else "")
    return f"{seconds:g} seconds"


_STOP = frozenset(
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


@lru_cache(maxsize=4096)
def _salient_cached(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z][a-z-]{3,}", text.lower())
    return tuple(dict.fromkeys(w for w in words if w not in _STOP))


def _salient(point: KeyPoint) -> list[str]:
    """The point's own content words, to see whether a sentence says them or rejects them."""
    return list(_salient_cached(point.point))


def _points(question: Question, phase: Phase | None) -> list[KeyPoint]:
    phases = PHASES if phase is None else (phase,)
    return [k for p in phases for k in question.phase(p).key_points]


def _says(clause: str, cues: Sequence[Sequence[str]], unless: Sequence[str]) -> bool:
    return _says_cached(clause, tuple(tuple(g) for g in cues), tuple(unless))


@lru_cache(maxsize=65536)
def _says_cached(clause: str, cues: tuple[tuple[str, ...], ...], unless: tuple[str, ...]) -> bool:
    """A clause says a claim when it has a term of every cue group and asserts the first group's term."""
    if not cues:
        return False
    subject = list(mentions(clause, list(cues[0])))
    if not any(m.asserted for m in subject):
        return False
    if not all(any(True for _ in mentions(clause, list(group))) for group in cues[1:]):
        return False
    return not any(m.asserted for m in mentions(clause, list(unless)))


def _with_recovery(
    error: ClaimError, later: str, points: Sequence[KeyPoint], checker: ClaimChecker
) -> ClaimError:
    """Mark an error corrected when the candidate later says so and puts it right."""
    if not later or not _CORRECTION.search(later):
        return error
    if error.kind == "arithmetic":
        for sentence in split_sentences(later):
            if _derivations(words_to_digits(strip_fillers(sentence.text))) and not checker._arithmetic(
                sentence.text
            ):
                return error.model_copy(update={"corrected": True})
        return error
    if error.kind == "constraint":
        return error.model_copy(update={"corrected": True})  # later sentences are checked on their own
    point = next((p for p in points if p.id == error.key_point_id), None)
    if point is None:
        return error
    fixed = any(
        not checker.asserts_wrong(s.text, point) and any(_mentions_point(s.text, w.cues) for w in point.wrong)
        for s in split_sentences(later)
    )
    return error.model_copy(update={"corrected": True}) if fixed else error


def _mentions_point(sentence: str, cues: Sequence[Sequence[str]]) -> bool:
    return bool(cues) and any(True for c in clauses(sentence) for _ in mentions(c, list(cues[0])))


def _derivations(text: str) -> list[_Derivation]:
    """Each step of a stated derivation: numbers, a result cue ("is about", "=", "so"), the result.

    In a chain ("... is about 29 thousand a second, so maybe 50K at peak") each result feeds the next step;
    after ", and", ";" or ":" a new derivation starts. It stays within one clause, and its cue sits just
    before its result. Numbers said earlier in the sentence but not used are kept as `context`: a factor
    stated once ("times a thousand") that a later step leaves unsaid.
    """
    steps: list[_Derivation] = []
    for clause in clauses(text):
        qs = quantities(clause)
        first = 0
        for i in range(1, len(qs)):
            between = clause[qs[i - 1].end : qs[i].start]
            if _FRESH.search(between):
                first = i  # a new derivation starts here, not a continuation
                continue
            if not _RESULT_CUE.search(between):
                continue
            inputs, result = qs[first:i], qs[i]
            context = tuple(
                q for q in qs[:first] if q.kind == "count" and not q.per_seconds and _scale(q.value)
            )
            first = i
            if len(inputs) == 1 and not (
                inputs[0].per_seconds and result.per_seconds and inputs[0].per_seconds != result.per_seconds
            ):
                continue  # one number restated, or scaled by something left unsaid: not a derivation
            if not _comparable(inputs, result):
                continue
            divide = tuple(
                j > 0 and bool(_DIVIDE.search(clause[inputs[j - 1].end : inputs[j].start]))
                for j in range(len(inputs))
            )
            steps.append(_Derivation(tuple(inputs), divide, result, context))
    return steps


_FRESH = re.compile(r",\s*(?:and|but|while|whereas|say|e\.g\.|for example)\b|[;:]|\bsay\b", re.I)


def _scale(value: float) -> bool:
    """A power of ten from a hundred up: the "per thousand" or "per million" a formula may leave unsaid."""
    return value >= 100 and math.isclose(math.log10(value), round(math.log10(value)), abs_tol=1e-9)


_HARD_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_CONTINUES = re.compile(
    r"^\s*(?:and |so |then )?(?:divid\w*|times|multipl\w*|over|that over|that times)\b", re.I
)
_PERIOD_NAMES = {1.0: "sec", 60.0: "minute", 3600.0: "hour", 86_400.0: "day", 604_800.0: "week"}


def _last_quantity(sentence: str) -> str:
    """The last number of a sentence, written so a following "Dividing by..." can continue from it."""
    found = quantities(words_to_digits(strip_fillers(sentence)))
    if not found:
        return ""
    q = found[-1]
    number = format(q.spoken, "f").rstrip("0").rstrip(".")
    if q.kind == "duration":
        return f"{format(q.value, 'f').rstrip('0').rstrip('.')} secs"
    if q.per_seconds in _PERIOD_NAMES:
        return f"{number} per {_PERIOD_NAMES[q.per_seconds]}"
    if q.kind == "money":
        return f"${number}"
    return number if q.kind == "count" else ""


def _comparable(inputs: Sequence[Quantity], result: Quantity) -> bool:
    """Whether the result's kind can come from these inputs (bytes from bytes, time from time...)."""
    kinds = {q.kind for q in inputs}
    if result.kind == "percent" or (result.kind == "money" and "money" not in kinds):
        return False
    if result.kind in ("duration", "bytes"):
        return result.kind in kinds
    if result.kind == "count" and ("bytes" in kinds or not kinds & {"count", "money"}):
        return False
    return not ("duration" in kinds and not any(q.per_seconds for q in inputs) and result.per_seconds is None)


def _best_recomputation(d: _Derivation) -> float | None:
    """The recomputed result closest to the stated one, over the plausible readings of the inputs.

    Candidates say "10K QPS and a replica handles 500, that's 20 replicas" as often as "100 at 500 each is
    50K", so every way of multiplying or dividing the inputs is tried. Each is read two ways: with units
    (durations in seconds and rates per second multiply out, "8 hours times 150 an hour" is 1,200), and
    as the bare numbers said. The result is wrong only if no reading comes near; the reading returned is
    in the result's own terms (per its period for a rate, seconds for a duration).
    """
    if any(q.value == 0 or q.spoken == 0 for q in d.inputs):
        return None
    result = d.result
    readings: list[float] = []
    for signs in itertools.product((False, True), repeat=len(d.inputs) - 1):
        si, spoken, power = d.inputs[0].si, d.inputs[0].spoken, d.inputs[0].time_power
        for q, div in zip(d.inputs[1:], signs, strict=True):
            si = si / q.si if div else si * q.si
            spoken = spoken / q.spoken if div else spoken * q.spoken
            power = power - q.time_power if div else power + q.time_power
        if power == result.time_power:
            readings.append(si * result.per_seconds if result.per_seconds else si)
        elif result.per_seconds and power == 0:
            readings.append(si)  # a total the candidate states per period ("2.4 million reviews a day")
        readings.append(spoken * (result.value / result.spoken))
    for factor in d.context:  # a factor stated earlier and left unsaid here
        readings += [r * factor.value for r in list(readings)] + [r / factor.value for r in list(readings)]
    stated = result.value
    finite = [r for r in readings if r > 0 and math.isfinite(r)]
    if not finite:
        return None
    return min(finite, key=lambda r: abs(math.log(stated / r)))


def _stated_reading(d: _Derivation) -> float | None:
    """The result of the operators as stated (multiply unless "divided by"), in the result's terms."""
    si, power = d.inputs[0].si, d.inputs[0].time_power
    for q, div in zip(d.inputs[1:], d.divide[1:], strict=True):
        si, power = (si / q.si, power - q.time_power) if div else (si * q.si, power + q.time_power)
    if power != d.result.time_power or si <= 0:
        return None
    return si * d.result.per_seconds if d.result.per_seconds else si


def _fmt(value: float) -> str:
    for size, suffix in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"), (1e3, " thousand")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _unit_text(q: Quantity) -> str:
    if q.kind == "duration":
        return " seconds"
    if q.per_seconds == 1.0:
        return " a second"
    if q.per_seconds == 86_400.0:
        return " a day"
    if q.kind == "bytes":
        return " bytes"
    return ""
