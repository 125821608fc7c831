"""The claim checker: what an answer claims that is wrong, found without a model.

It reads an answer sentence by sentence and finds:

- **wrong claims** from the question bank: each key point may list the wrong alternatives a candidate is
  likely to assert (optimising clicks instead of watch time, scoring the whole catalogue with a heavy model,
  letting a request fail when a store is down). A wrong claim is found when one clause says a term of each
  of its cue groups and *asserts* the first (see `interviewer.grading.stance`), unless the clause also
  asserts one of its `unless` terms. A cue term written `~fallback` is said by denying it ("there is no
  fallback", "I wouldn't add a fallback"), for claims that leave something out. "Watch time, not CTR" is right; "CTR, not watch time" is wrong.
- **arithmetic errors**: a derivation stated in the answer ("500 million daily users at 5 loads a day is
  about 2.9 million requests per second") is recomputed from the candidate's own inputs, with the time
  units converted, and compared with the candidate's own result. It judges method and consistency, not
  agreement with the question's design numbers. Off by more than 2x is an error, 10x a serious one.

The interviewer challenges what it finds; the graders lower the criteria the errors belong to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.content.claims import Constraint, WrongClaim
from interviewer.content.questions import KeyPoint, Question
from interviewer.grading.aims import goal_points, phase_points
from interviewer.grading.amounts import amount
from interviewer.grading.arithmetic import derivations, pending_operation
from interviewer.grading.budgets import overspent
from interviewer.grading.counterfactuals import unclaimed
from interviewer.grading.cues import says, says_in
from interviewer.grading.delivery import heard, strip_fillers
from interviewer.grading.downtime import DOWNTIME_CHALLENGE, availability_target, downtime_slip
from interviewer.grading.linking import HARD_SENTENCE, THAT, continues, last_quantity, opens_on_result
from interviewer.grading.loads import said_at_peak
from interviewer.grading.options import answered, chosen_option, justified, weighed_options
from interviewer.grading.quantities import words_to_digits
from interviewer.grading.readings import downtime_reading, stated_reading
from interviewer.grading.recompute import best_recomputation
from interviewer.grading.redo import RETRACTION, mentions_any, mentions_point, redoes
from interviewer.grading.rejection import asked_option, declined_point, salient
from interviewer.grading.signals import split_sentences
from interviewer.grading.stance import asks_the_goal, claimed_clauses, clauses, mentions, with_topic
from interviewer.grading.status_quo import kept_as_goal
from interviewer.grading.stories import recounted
from interviewer.grading.sums import PLUS_OVER, divided_first, remainder_fits, totals
from interviewer.grading.supposed import (
    describes_hazard,
    drawn_conclusion,
    named_mistakes,
    reasons_about_mistake,
    warns,
)
from interviewer.grading.tables import quoted_as_written, table_reading, unmarked
from interviewer.grading.targets import CHALLENGES, breaks, holds_the_breach
from interviewer.grading.worth import slip_in
from interviewer.phases import Phase

ErrorKind = Literal["claim", "arithmetic", "constraint"]

_ROOT = re.compile(r"\bsquare root\b|\bsqrt\b|√|\blog(?:arithm)? of\b", re.I)
TOLERANCE = 2.0  # a result within this factor of the recomputed one is consistent
SERIOUS = 10.0  # an order of magnitude off
PEAK = 3.5  # a rate said "at peak" may be up to this many times the day's average (3x, rounded) unexplained


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


_QUESTION = re.compile(
    # "When the ranker times out we ..." states what happens: a sentence opening with "when" or "where" is a
    # question only when it ends with a question mark
    r"^\s*(?:(?:so|and|but|okay|ok|well|also|then)[, ]+)?(?:what|which|how|why|who|whom|do|does|did|"
    r"is|are|was|were|should|shall|can|could|would|will|may|might|have|has)\b[^.!]*$|.*\?\s*$",
    re.I | re.S,
)
_CORRECTION = re.compile(  # "Actually, ..." opens a correction; "was actually used" only stresses
    r"\b(?:you're right|you are right|let me (?:redo|correct|fix|recompute|rethink)|i (?:was wrong|misspoke|got that wrong)|"
    r"correction(?=\s*[:,])|scratch that|sorry)\b"
    r"|(?:^|[.!?;:,\u2014\u2013-]\s*)actually\b|\bactually,",
    re.I,
)


_MAX_REMEMBERED = 20_000
# a margin added without a number: the result may rightly exceed what the numbers said give
_ALLOWANCE = re.compile(
    r"\b(?:with|plus|and|leaving|add(?:ing)?)\s+(?:some\s+|a\s+bit\s+of\s+|enough\s+)?"
    r"(?:headroom|redundancy|spare capacity|spares|buffer|slack|safety margin|margin)\s*,?\s*"
    r"(?:that's|that is|so|it's|which is|we get|about|roughly|around|call it)\b",
    re.I,
)
_ENDED = re.compile(r"[.!?]\s")
_CUT_INSIDE = re.compile(r"^(?:that|which|who|where|whose)\b")  # lower case: the same sentence goes on
_ACROSS_PARTS = frozenset({"ordering", "freshness", "nonblocking", "availability"})


def _stated(sentence: str) -> str:
    """What a sentence states: all of it, none of a question, and the part before the colon of a statement
    that ends by asking ("I'd report accuracy on those same weeks: did the finished titles rank high?"); nothing
    of a heading ("### Alerting", "**Cost check (large model on every turn)**")."""
    if _HEADING.match(sentence):
        return ""
    if not _QUESTION.match(sentence):
        return sentence
    head, colon, _ = sentence.rpartition(":")
    return head if colon and head.strip() and not _QUESTION.match(head + ".") else ""


_RECAP = re.compile(
    r"^\W*(?:so,?\s+)?(?:to recap|in short|to sum (?:it )?up|bottom line|in sum|so overall|overall)\b[,:]?",
    re.I,
)
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s.*|\*\*[^*]+\*\*:?|__[^_]+__:?)\s*$")


class ClaimChecker:
    """Finds wrong claims and arithmetic errors in an answer; deterministic and offline."""

    def __init__(self) -> None:
        # `asserts_wrong` per sentence and key point: an interview's coverage reads its recent answers again on
        # every turn. The point is kept with its answer, so an id reused by another object never matches.
        self._asserts: dict[tuple[str, int], tuple[KeyPoint, bool]] = {}

    def check(self, question: Question, phase: Phase | None, answer: str) -> list[ClaimError]:
        """Errors in `answer`, in order. With `phase` None every phase's wrong claims are looked for."""
        if (plain := unmarked(answer)) != answer:  # "≈ **12,000 writes/s**": read without its Markdown marks
            return quoted_as_written(self.check(question, phase, plain), plain, answer)
        # "I'd use CTR, wait, no, watch time": the CTR is taken back; so is a branch ruled out or a system replaced
        if (kept := unclaimed(answer)) != answer:
            return quoted_as_written(self.check(question, phase, kept), kept, answer)
        answer = heard(answer)
        points = phase_points(question, phase)
        aims = [*points, *goal_points(question, phase)]  # a wrong objective is wrong in any phase
        constraints = [c for fact in question.hidden_facts for c in fact.constraints]
        errors = self.arithmetic_errors(answer)
        for quote, why, says_target in overspent(
            answer, constraints
        ):  # "10 ms for auth, 150 for the ranker, ..."
            why, challenge = f"{why} {says_target}", CHALLENGES["latency"]
            errors.append(
                ClaimError(kind="constraint", quote=quote, why=why, challenge=challenge, serious=True)
            )
        sentences = split_sentences(answer)
        told = recounted([s.text for s in sentences])  # "At my last company we ...": a story, not a claim
        named = named_mistakes([s.text for s in sentences])  # "A mistake I see is ... . Another is ..."
        options: tuple[str, str] | None = None  # the two options last weighed aloud
        for i, sentence in enumerate(sentences):
            following = sentences[i + 1].text if i + 1 < len(sentences) else ""
            text = "" if i in told else _stated(sentence.text) or justified(sentence.text, following)
            read = table_reading(answer, sentence.start, text) if text else None
            if not text or read == "":
                continue  # a question asks, a table's header names columns; neither claims anything
            said = read or text  # a table's row is read with its header's names, and quoted as written
            # what comes after this sentence; a long one cut in pieces does not correct itself
            later = " ".join(
                s.text for s in sentences[i + 1 :] if _ENDED.search(answer, sentence.start, s.start)
            )
            # the goal asked just before, a closing recap ("Bottom line: raw applies, ...") or one kept ("I'd keep that")
            goal = bool(i) and (asks_the_goal(sentences[i - 1].text) or bool(_RECAP.match(text)))
            goal = goal or kept_as_goal(following)
            # the hazard just named, described: "If a feed arrives half-empty, we under-order for weeks"
            before = sentences[i - 1].text if i else ""
            hazard = i in named or (bool(i) and warns(before) and describes_hazard(text))
            # "so to your point about using an LLM. I'd call it on every load": "it" is the topic said back
            topical = answered(before, with_topic(before, said))  # "Where do they run? In one region"
            options = weighed_options(before) or options if i else None
            if pick := chosen_option(said, options):
                topical = (
                    f"{topical} {pick}"  # "I'd do the first": the option weighed before, in its own words
                )
            claimed = [e.model_copy(update={"quote": text}) for e in self._claims(topical, aims, goal)]
            specific = [] if hazard else claimed or self._declined(said, points, following)
            if not specific and i and (option := asked_option(before, text)):
                # "weighted fair share? tbh I don't think we need that": the option asked, turned down
                specific = [e.model_copy(update={"quote": text}) for e in self._declined(option, points)]
            common = [] if specific or hazard else self._common_claims(topical, question)
            if (
                not (specific or common or hazard)
                and i
                and text[:1].islower()  # a piece of the sentence before, not a line of its own
                and not _ENDED.search(answer, sentences[i - 1].start, sentence.start)
            ):
                # a long sentence cut in pieces: "..., and a breaker trips when it keeps missing, / so we return an
                # empty page": what the claim needs may sit in the piece before (and not found there already)
                own = {e.why for e in self._common_claims(before, question)}
                common = [
                    e.model_copy(update={"quote": text})
                    for e in self._common_claims(f"{before} {said}", question)
                    if e.why not in own
                ]
            if not (specific or common or hazard) and text == sentence.text and _CUT_INSIDE.match(following):
                # a long sentence cut before its relative clause: "feeding in the promotions / that actually ran"
                whole = answer[sentence.start : sentences[i + 1].end]
                specific = self._claims(whole, points)
                common = [] if specific else self._common_claims(whole, question)
                later = " ".join(s.text for s in sentences[i + 2 :])
            # a method error the question itself names is reported once, in the question's words; a target broken
            # by an option supposed to show its harm ("From one central region, ... bids would arrive late") is not
            supposed = hazard or reasons_about_mistake(said)
            found = [*specific, *common, *([] if supposed else self._constraints(said, constraints, before))]
            for error in (
                e.model_copy(update={"quote": text}) if e.quote in (said, topical) else e for e in found
            ):
                if error.key not in {e.key for e in errors}:
                    errors.append(_with_recovery(error, later, points, self, question.common_wrong))
        return sorted(errors, key=lambda e: answer.find(e.quote))

    # -- wrong claims ------------------------------------------------------------------------------------

    def _claims(self, sentence: str, points: Sequence[KeyPoint], goal: bool = False) -> list[ClaimError]:
        """`goal`: the sentence answers "what are we maximising?", so its first clause names the goal."""
        found: list[ClaimError] = []
        if reasons_about_mistake(sentence) and not (sentence := drawn_conclusion(sentence)):
            return found
        said = claimed_clauses(sentence)
        if goal and said:
            said = (f"the goal is {said[0]}", *said)
        for point in points:
            for wrong in point.wrong:
                if says_in(sentence, said, wrong.cues, wrong.unless):
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

    def _declined(self, sentence: str, points: Sequence[KeyPoint], following: str = "") -> list[ClaimError]:
        """A key point the sentence says the candidate would not do ("I wouldn't fall back to ...")."""
        point = declined_point(sentence, points, following)
        if point is None:
            return []
        return [
            ClaimError(
                kind="claim",
                quote=sentence,
                why=f"This sets aside something a strong answer does: {point.correct or point.point}",
                # the interviewer quotes the sentence before asking this
                challenge="What would go wrong without that, and who would notice first?",
                key_point_id=point.id,
            )
        ]

    def _common_claims(self, sentence: str, question: Question) -> list[ClaimError]:
        """Method errors wrong in any design (`knowledge/wrong_claims.yaml`); they belong to no key point."""
        if not question.common_wrong or reasons_about_mistake(sentence):
            return []
        return [
            ClaimError(
                kind="claim", quote=sentence, why=wrong.why, challenge=wrong.challenge, serious=wrong.serious
            )
            for wrong in question.common_wrong
            if any(says(clause, wrong.cues, wrong.unless) for clause in claimed_clauses(sentence))
        ]

    def asserts_wrong(self, sentence: str, point: KeyPoint) -> bool:
        """Whether `sentence` cannot cover `point`: it asserts one of the point's wrong alternatives, or it
        says the point's own words only to reject them ("we don't need candidate generation")."""
        key = (sentence, id(point))
        known = self._asserts.get(key)
        if known is not None and known[0] is point:
            return known[1]
        if len(self._asserts) > _MAX_REMEMBERED:
            self._asserts.clear()
        found = self._asserts_wrong(sentence, point)
        self._asserts[key] = (point, found)
        return found

    def _asserts_wrong(self, sentence: str, point: KeyPoint) -> bool:
        sentence = unclaimed(sentence)
        if any(
            says(clause, wrong.cues, wrong.unless)
            for wrong in point.wrong
            for clause in claimed_clauses(sentence)
        ):
            return True
        if declined_point(sentence, [point]) is not None:
            return True
        said = [m for clause in clauses(sentence) for m in mentions(clause, salient(point))]
        return bool(said) and not any(m.asserted for m in said)

    def arithmetic_errors(self, answer: str) -> list[ClaimError]:
        """The arithmetic errors of `answer`, sentence by sentence, each marked corrected when a later
        sentence redoes it soundly; needs no question (the communication grade reads them too)."""
        if (plain := unmarked(answer)) != answer:
            return quoted_as_written(self.arithmetic_errors(plain), plain, answer)
        if (kept := unclaimed(answer)) != answer:
            return quoted_as_written(self.arithmetic_errors(kept), kept, answer)
        answer, errors = heard(answer), list[ClaimError]()
        carry = ""
        target: float | None = None  # the availability the answer last stated
        # a typed line is quoted without its bullet: "- / 86.4k ≈ 2.8k/s" is "/ 86.4k ≈ 2.8k/s"
        hard_sentences = [_BULLET.sub("", h.strip()) for h in HARD_SENTENCE.split(answer) if h.strip()]
        for i, text in enumerate(hard_sentences):
            if _QUESTION.match(text):
                continue
            carried = carry if continues(text) else ""  # "um, divide by 86,400 ...", "At 10K per GPU, ..."
            if not carried and i and opens_on_result(text):
                # "... that's 70,000 times 500. So roughly 3.5 million a second."
                carried = pending_operation(hard_sentences[i - 1])
            before, carry = carry, last_quantity(text)
            later = " ".join(hard_sentences[i + 1 :])
            found = self._arithmetic(text, carried, hard_sentences[i - 1] if i else "", before)
            if target is not None and not found:
                down = downtime_slip(text, target, hard_sentences[i - 1] if i else "", SERIOUS)
                found = (
                    [
                        ClaimError(
                            kind="arithmetic",
                            quote=text,
                            why=down[0],
                            challenge=DOWNTIME_CHALLENGE,
                            serious=down[1],
                        )
                    ]
                    if down
                    else []
                )
            slip = None if found else slip_in(text, hard_sentences[:i])
            if slip is not None:
                found = [ClaimError(kind="arithmetic", quote=text, why=slip.why, challenge=slip.challenge)]
            target = availability_target(text) or target
            for error in found:
                if error.key not in {e.key for e in errors}:
                    errors.append(_with_recovery(error, later, (), self))  # arithmetic needs no key point
        return errors

    # -- constraints ---------------------------------------------------------------------------------------

    def _constraints(
        self, sentence: str, constraints: Sequence[Constraint], before: str = ""
    ) -> list[ClaimError]:
        found: list[ClaimError] = []
        for constraint in constraints:
            why = breaks(sentence, constraint, before)
            if (
                why is None
                and before
                and constraint.kind in _ACROSS_PARTS
                and holds_the_breach(sentence, constraint, before)
                and breaks(before, constraint) is None
            ):
                # "I'd let the item appear right away, and put it on a queue / where the hash check runs
                # within seconds": what the target names and what breaks it sit in two parts of a sentence
                why = breaks(f"{before} {sentence}", constraint)
            if why:
                found.append(
                    ClaimError(
                        kind="constraint",
                        quote=sentence,
                        why=f"{why} {constraint.says}",
                        challenge=constraint.challenge or CHALLENGES[constraint.kind],
                        serious=True,
                    )
                )
        return found

    # -- arithmetic ----------------------------------------------------------------------------------------

    def has_sound_arithmetic(self, text: str) -> bool:
        """Whether `text` states a derivation and every derivation in it is consistent."""
        derived = False
        for sentence in split_sentences(text):
            if derivations(words_to_digits(strip_fillers(sentence.text))):
                derived = True
                if self._arithmetic(sentence.text):
                    return False
        return derived

    def _arithmetic(
        self, sentence: str, carried: str = "", before: str = "", that: str = ""
    ) -> list[ClaimError]:
        """Errors in the derivations `sentence` states; `carried` is the number a sentence that starts
        "Dividing by..." or "Times..." continues from (the last one of the sentence before), `before` the
        sentence before, whose numbers a step may need (a price, a size, a load), and `that` the number it
        ended on, which "over that" divides by."""
        found: list[ClaimError] = []
        text = words_to_digits(strip_fillers(sentence))
        if _ROOT.search(text):
            return found  # "the square root of 0.001 times 0.999 over 100K": a root is not recomputed
        continued = bool(carried)
        if that and not carried and THAT.search(text):
            text, continued = THAT.sub(lambda m: f"{m.group(1)} {that}", text), True
        earlier = words_to_digits(strip_fillers(before)) if before and not continued else ""
        results: list[float] = []  # the results stated so far in this sentence
        periods: set[float] = set()  # the periods its rates were said over
        for derivation in derivations(f"{carried} {text}" if carried else text, earlier):
            computed = best_recomputation(derivation)
            stated = derivation.result.value
            results.append(stated)
            periods |= {q.per_seconds for q in derivation.inputs if q.per_seconds}
            if computed is None or stated <= 0 or computed <= 0:
                continue
            per = derivation.result.per  # "2 dollars times 0.015 times 1000 is 30 dollars per thousand"
            if per != 1 and abs(math.log(computed / per / stated)) < abs(math.log(computed / stated)):
                computed /= per
            over = derivation.result.per_seconds
            if totals(stated, results[:-1]) and (not over or not periods or over in periods):
                continue  # "... is 9 thousand, and ... is 36 thousand, so 45 thousand a day": the parts added up
            said = stated_reading(derivation)  # what the operators as said give, when no further off
            near = said and max(said / stated, stated / said) <= max(stated / computed, computed / stated)
            # an error is shown from the number said last, not from another said before that came nearer
            latest = best_recomputation(replace(derivation, instead=())) if derivation.instead else None
            shown = downtime_reading(derivation) or (said if near else None) or latest or computed
            factor = max(stated / computed, computed / stated)
            # "with headroom, that's about 300 GPUs": a margin left unsaid may explain more (said by the result)
            upto = derivation.result.end - (len(carried) + 1 if carried else 0) + 40
            if factor <= TOLERANCE or (stated > computed and _ALLOWANCE.search(text[: max(upto, 0)])):
                continue
            if (
                stated > computed
                and factor <= PEAK
                and said_at_peak(text, derivation.inputs[0], derivation.result, carried)
            ):
                continue  # "... gives about 70 thousand a second at peak": twice the average, for the busy hours
            if remainder_fits(text, derivation.inputs, derivation.result, TOLERANCE):
                continue  # "100 ms, and the network eats 60 and parsing 10, so 30 ms to compute": what is left
            found.append(
                ClaimError(
                    kind="arithmetic",
                    quote=sentence,
                    why=(
                        f"From the {'numbers stated here and just before' if continued or derivation.carried else 'inputs stated in this sentence'}, the result is about "
                        f"{amount(shown, derivation.result)}, not {amount(stated, derivation.result)}."
                    ),
                    challenge="Walk me through that arithmetic: which numbers did you multiply and divide?",
                    serious=factor >= SERIOUS,
                )
            )
            break  # one error per sentence: later steps build on the wrong number
        if (
            found
            and (alt := PLUS_OVER.sub(divided_first, text)) != text
            and not self._arithmetic(alt, carried, before, that)
        ):
            return []  # "40 million daily plus 80 million weekly divided by seven": the division binds first
        return found


def _with_recovery(
    error: ClaimError,
    later: str,
    points: Sequence[KeyPoint],
    checker: ClaimChecker,
    common: Sequence[WrongClaim] = (),
) -> ClaimError:
    """Mark an error corrected when the candidate later says so and puts it right."""
    if not later or not _CORRECTION.search(later):
        return error
    if error.kind == "arithmetic":
        fixed = redoes(error.quote, later, lambda sentence: not checker._arithmetic(sentence), TOLERANCE)
        return error.model_copy(update={"corrected": True}) if fixed else error
    if error.kind == "constraint":
        return error.model_copy(update={"corrected": True})  # later sentences are checked on their own
    point = next((p for p in points if p.id == error.key_point_id), None)
    wrongs = point.wrong if point else [w for w in common if w.why == error.why]
    if not wrongs:
        return error
    fixed = any(
        not (
            checker.asserts_wrong(s.text, point)
            if point
            else any(says(c, w.cues, w.unless) for w in wrongs for c in clauses(s.text))
        )
        and (
            any(mentions_point(s.text, w.cues) for w in wrongs)
            # "You're right, I'd split by time instead": a plain retraction that names what it redoes
            or (RETRACTION.search(s.text) is not None and any(mentions_any(s.text, w.cues) for w in wrongs))
        )
        for s in split_sentences(later)
    )
    return error.model_copy(update={"corrected": True}) if fixed else error
