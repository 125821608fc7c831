"""Designs held to the targets a question's facts set: latency, availability, freshness, order of steps, caps.

`breaks` says why a sentence breaks a `Constraint`, or None: a duration on the request path over the
latency budget, an availability target below the one required, data kept or refreshed less often than it
must be fresh, or a check placed after the event it must precede. Only what a sentence asserts counts
("don't wait for the nightly batch" is right).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.content.claims import Constraint
from interviewer.grading.caps import over_cap
from interviewer.grading.freshness import (
    CACHE_LIFE,
    GOES_ON_WITH_JOB,
    PERIODIC_JOB,
    bounded_within,
    period_asserted,
    spoken_duration,
)
from interviewer.grading.ordering import THEN_LATER, after_event_first
from interviewer.grading.outages import outage_passed_on, resumes_hold, slow_switch
from interviewer.grading.quantities import periods, quantities, words_to_digits
from interviewer.grading.stance import clauses, is_asserted, mentions, names_other_kind, segments

CHALLENGES = {
    "latency": "How does that fit the latency budget? Walk me through where the milliseconds go.",
    "availability": "What availability does the system need, and how does your target compare?",
    "freshness": "How fresh does that data need to be, and how stale can it get in your design?",
    "ordering": "At what point does that check run relative to the content going live, and what happens in between?",
    "nonblocking": "Suppose that dependency is slow or down at peak. What does the user see while they wait?",
    "cap": "Who approves an amount that large, and what stops a manipulated conversation from getting one?",
}
_LATENCY_WORDS = re.compile(
    r"\b(?:latenc|takes?\b|took\b|respond|response|answers? in|p9\d|p50|budget|round.trip|time.?out|"
    r"within|under|in about|in roughly|adds?\b|costs?\b|spend|waits?\b|waiting\b|gives?\b|giving\b|allot|leaves?\b|leaving\b)",
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
    r"query|first token|round.trip|end.to.end|user waits|the user|reply|answer|feed\b|home screen|checkout|"
    r"heavy model|ranker|scorer|inline|upload|posting path|before (?:it|they) appears?|(?:ms|milliseconds) of compute)",
    re.I,
)
_NOT_REQUEST = re.compile(
    r"\b(?:moderator|rater|reviewer|agent|human|analyst|index|re-?index|updat|stream|load(?:ing)? (?:a|the) model|"
    r"warm|cold start|deploy|rollout|roll out|pick up|picks up|reach)",
    re.I,
)
# "holds each batch open for up to half a second": a request waits for its batch to fill
_BATCH_WAIT = re.compile(
    r"\b(?:hold\w*|wait\w*|window|flush\w*|linger\w*|collect\w*|accumulat\w*|buffer\w*|queue\w*)\b", re.I
)
_HARM_SUPPOSED = re.compile(
    r"\b(?:could|might|may|would (?:cost|add|mean|take|break|blow))\b|\b(?:cap|limit|bound)\w*\b", re.I
)
_BATCHING = re.compile(r"\bbatch(?:es|ing|ed)?\b", re.I)
_NOT_SERVING_BATCH = re.compile(
    r"\b(?:nightly|daily|overnight|offline|training|train|retrain|backfill|job|hourly|weekly|labell?\w*)\b",
    re.I,
)


def _batching_wait(clause: str, budget_ms: float) -> str | None:
    """Why a clause's batching wait alone is over the latency budget ("hold each batch open for half a
    second" against 300 ms), or None."""
    if not (_BATCHING.search(clause) and _BATCH_WAIT.search(clause)) or _NOT_SERVING_BATCH.search(clause):
        return None
    if _HARM_SUPPOSED.search(clause):
        return None  # "waiting for a full batch could cost half a second, so I cap the wait at 5 ms"
    for q in quantities(clause):
        if q.kind == "duration" and q.value * 1000 > budget_ms and q.value <= 10:
            if not is_asserted(clause, q.start, q.end) or re.search(
                r"\b(?:under|below|less than|at most|within)\s*$", clause[: q.start], re.I
            ):
                continue
            said = f"{q.value:g} s" if q.value >= 1 else f"{q.value * 1000:g} ms"
            return f"Waiting {said} for a batch to fill is over the budget on its own."
    return None


def holds_the_breach(sentence: str, constraint: Constraint, before: str = "") -> bool:
    """Whether `sentence` itself says the part of a breach that is not what the target names: the period
    (freshness), the deferral (ordering) or the wait (nonblocking). A sentence that only names the subject
    ("the ranker reads the fresh profile") is not made wrong by a period said in the part before it, unless
    that part is a periodic job this piece goes on to describe ("an hourly batch job that aggregates the
    counts / and turns them into a multiplier")."""
    text = words_to_digits(sentence)
    if constraint.kind == "freshness":
        if GOES_ON_WITH_JOB.match(text) and PERIODIC_JOB.search(words_to_digits(before)):
            return True
        return any(sec > (constraint.max or 0) for sec, _, _ in periods(text))
    if constraint.kind == "ordering":
        return bool(
            _DEFERRED.search(text) or THEN_LATER.search(text) or _LATER.search(text) or _UNDO.search(text)
        )
    if constraint.kind == "nonblocking":
        return bool(_WAITS.search(text))
    if constraint.kind == "availability":
        return resumes_hold(text)
    return True


# What describes the whole deadline or the network rather than the part a narrower budget is for
_WHOLE_BUDGET = re.compile(
    # "checkout runs within its hundred milliseconds": a part's own budget, not time spent
    r"\b(?:includ\w*|deadline|network|round.trip|exchanges? (?:drop|allow|give)|"
    r"(?:within|inside|under) (?:its|their) (?:own )?\d)",
    re.I,
)
_AVAILABILITY_WORDS = re.compile(r"\b(?:availab|uptime|up time|sla|slo|nines)", re.I)
# "so we never slow down approval": slowing down is no outage
_OUTAGE = re.compile(
    r"\b(?:(?<!slow )(?<!slows )(?<!slowing )(?<!slowed )down|outage|unavailable|unreachable|fails?|failing|degraded)\b",
    re.I,
)
_LATER = re.compile(
    r"\b(?:nightly|daily|overnight|once a day|every night|later|afterwards|after the fact|weekly|hourly)\b",
    re.I,
)


_ONE_BY_ONE = re.compile(
    r"\b(?:in turn|one by one|one after (?:another|the other)|sequentially|serially|one at a time)\b", re.I
)
_EACH = re.compile(
    r"^\s*(?:ms|milliseconds?|secs?|seconds?)?\s*(?:apiece|each|per (?:call|request|lookup|item)|a (?:call|request|lookup))\b",
    re.I,
)


# "only if it hasn't answered within two seconds does the page fall back", "times out after a second"
_NO_ANSWER = re.compile(
    r"(?:\b(?:hasn't|has not|haven't|doesn't|does not|didn't|did not)\s+(?:\w+\s+)?(?:answered|answer|responded|"
    r"respond|replied|reply|returned|return|come back|finished|finish)\s+(?:with)?in|"
    r"\b(?:times? out|timeout|time-out|gives? up|cuts? (?:it )?off)\s+(?:after|at|of))\s+(?:about\s+|roughly\s+)?$",
    re.I,
)


def _late_fallback(clause: str, budget_ms: float) -> str | None:
    """A fallback that starts only after waiting longer than the budget allows."""
    for q in quantities(clause):
        waited = q.kind == "duration" and _NO_ANSWER.search(clause[max(0, q.start - 60) : q.start])
        if waited and budget_ms < q.value * 1000 <= 60_000:
            said = f"{q.value:g} s" if q.value >= 1 else f"{q.value * 1000:g} ms"
            return f"Waiting {said} before falling back leaves the request past its budget."
    return None


def _one_by_one(clause: str, before: str, budget_ms: float) -> str | None:
    """Calls made one after another on the request path: "ask the routing service for each restaurant's
    travel time in turn, 30 ms apiece", with twenty restaurants said, is 600 ms against a 50 ms budget."""
    if not _ONE_BY_ONE.search(clause):
        return None
    each = [q for q in quantities(clause) if q.kind == "duration" and _EACH.match(clause[q.end : q.end + 20])]
    counts = [
        q
        for q in [*quantities(words_to_digits(before)), *quantities(clause)]
        if q.kind == "count" and not q.per_seconds and 2 <= q.value <= 10_000
    ]
    if not each or not counts:
        return None
    total = counts[-1].value * each[0].value * 1000
    if total <= budget_ms:
        return None
    return (
        f"{counts[-1].value:g} calls one after another at {each[0].value * 1000:g} ms each is about "
        f"{total:,.0f} ms on the request path, over the budget."
    )


# "trimmed to the last couple of days", "over 86,400 seconds": a window kept or a divisor, not how often
# something is refreshed
# "trim inboxes to two days of posts": how much is kept, not how often it is refreshed
_KEPT = re.compile(
    r"^\s*(?:[a-z]+\s+)?(?:worth\s+)?of\s+(?:\w+\s+)?(?:posts|history|data|events|items|logs|activity)\b",
    re.I,
)
# "I'd still rebuild fully every night to clear drift": a periodic rebuild behind a fresher path
_BACKSTOP = re.compile(r"\b(?:still|backstop|safety net|reconcil\w*|clear (?:out )?drift|as well)\b", re.I)
_WINDOW = re.compile(
    r"\b(?:last|past|previous|recent|over|across|divided by|spread over|"
    # "cap inboxes at ~2 days", "trimmed to 3 days", "retain 7 days": how much is kept
    r"cap(?:ped|s)?\s+(?:\w+\s+)?(?:at|to)|trim(?:med|s)?\s+(?:\w+\s+)?to|retain(?:ed|s)?|keeps?\s+only|holds?\s+only)"
    r"\s+(?:the\s+|a\s+)?(?:couple of\s+|few\s+)?[\d,.\s~]*$",
    re.I,
)


# a segment that goes on about the same part ("..., so I'd give the heavy model seventy milliseconds")
_GOES_ON = re.compile(
    r"(?:so|then|and|which|while|i|we|i'd|we'd|i'll|we'll|it|its|they|them|their|that|this)\b", re.I
)


# "each quote calls the model, about 120 ms on a CPU": a time said after the step it is the step's time
_APPOSITIVE_TIME = re.compile(r"\s*(?:about|around|roughly|some|~)?\s*[\d.,]+\s*(?:ms|milliseconds?)\b", re.I)


# "dividing by 86,400 seconds gives ...": a day's seconds a count is spread over, not how often data is refreshed
_DIVISOR = re.compile(r"(?:divided by|dividing by|divide by|over|÷|/)\s*$", re.I)


def breaks(sentence: str, constraint: Constraint, before: str = "") -> str | None:
    """Why `sentence` breaks `constraint`, or None when it does not (or does not say enough to tell).
    `before` is the part of the sentence said just before, which may name what a latency budget is for."""
    text = words_to_digits(sentence)
    for clause in clauses(text):
        if constraint.kind == "latency":
            assert constraint.max is not None
            wait = _batching_wait(clause, constraint.max)
            if wait:
                return wait
            named = not constraint.subject or any(
                True for _ in mentions(f"{before} {clause}", constraint.subject)
            )
            if named and (wait := _late_fallback(clause, constraint.max)):
                return wait  # "only if it hasn't answered within two seconds does the list fall back"
            if constraint.subject and not any(
                m.asserted
                for m in mentions(
                    clause if names_other_kind(clause, constraint.subject) else f"{before} {clause}",
                    constraint.subject,
                )
            ):
                continue  # a budget for one part ("our side of the 100 ms"): only where that part is named
            wait = _one_by_one(clause, before, constraint.max)
            if wait:
                return wait
            parts = segments(clause)
            timed_subject = False  # a segment before named the subject with its own time
            for j, segment in enumerate(parts):
                times = [q for q in quantities(segment) if q.kind == "duration"]
                if constraint.subject:
                    named = any(m.asserted for m in mentions(segment, constraint.subject))
                    listed = clause[: clause.find(segment)].rstrip().endswith(",") and not _GOES_ON.match(
                        segment
                    )
                    if timed_subject and not named and listed:
                        continue  # "the list in under 50 ms, a checkout promise under 100 ms": another part's time
                    timed_subject = timed_subject or (named and bool(times))
                # "... inline before it appears, even though that takes half a second": the path may be
                # named in the segment just before
                on_path = bool(_REQUEST_PATH.search(segment) or (j and _REQUEST_PATH.search(parts[j - 1])))
                appositive = bool(
                    j
                    and _APPOSITIVE_TIME.match(segment)
                    and clause[: clause.find(segment)].rstrip().endswith(",")
                    and not any(q.kind == "duration" for part in parts[:j] for q in quantities(part))
                )
                if appositive and not on_path:
                    on_path = any(_REQUEST_PATH.search(part) for part in parts[:j])
                if not ((_LATENCY_WORDS.search(segment) or appositive) and on_path):
                    continue
                if (
                    _OFFLINE_WORDS.search(segment)
                    or _THRESHOLD.search(segment)
                    or _NOT_REQUEST.search(segment)
                ):
                    continue
                if constraint.subject and _WHOLE_BUDGET.search(segment):
                    continue  # "the hundred milliseconds includes a network round trip": the whole deadline
                for q in times:
                    if q.value <= 10 and q.value * 1000 > constraint.max:
                        said = f"{q.value:g} s" if q.value >= 1 else f"{q.value * 1000:g} ms"
                        return f"{said} on the request path is over the budget."
        elif constraint.kind == "cap":
            if why := over_cap(clause, constraint):
                return why
        elif constraint.kind == "nonblocking":
            why = _waits_on(clause, constraint)
            if why:
                return why
        elif constraint.kind == "availability":
            assert constraint.min is not None
            if why := outage_passed_on(clause) or slow_switch(clause, constraint.min):
                return why
            if not _AVAILABILITY_WORDS.search(clause):
                continue
            assert constraint.min is not None
            for q in quantities(clause):
                if q.kind == "percent" and 0.9 <= q.value < 1 and q.value * 100 < constraint.min - 1e-9:
                    return f"{q.value * 100:g}% is below the availability the system needs."
        else:
            parts = segments(clause)
            if (
                constraint.kind == "ordering"
                and not (_OUTAGE.search(clause) or _HELD_BACK.search(clause))
                and after_event_first(parts, constraint)
            ):
                return "That check runs too late."
            if constraint.kind == "ordering" and _event_without_check(clause, constraint):
                return "That lets it happen with no check first."
            if constraint.kind == "ordering" and _undone_after(clause, constraint):
                return "That lets it happen first and undoes it after the check."
            if constraint.kind == "ordering" and _done_at_once(clause, constraint):
                return "That lets it happen with no check first."
            for i, subject_part in enumerate(parts):
                if not any(m.asserted for m in mentions(subject_part, constraint.subject)):
                    continue
                if constraint.kind == "ordering" and (_OUTAGE.search(clause) or _HELD_BACK.search(clause)):
                    # What happens while a checker is down is the availability question; what is held
                    # back from distribution until it is checked has not reached people yet.
                    continue
                # "Text gets checked in a nightly batch, after it is visible": the timing may sit in the
                # segment after the one naming what is checked.
                segment = ", ".join(parts[i : i + 2])
                if constraint.kind == "freshness" and i and CACHE_LIFE.search(parts[i - 1]):
                    # "Entries live about an hour, since stock changes are small": the lifetime said just before
                    segment = ", ".join(parts[i - 1 : i + 2])
                elif constraint.kind == "freshness" and i + 2 < len(parts) and _THEM.search(parts[i + 1]):
                    # "price changes into Kafka, a consumer buffers them, folds them into the next morning's digest"
                    segment = ", ".join(parts[i : i + 3])
                elif (
                    constraint.kind == "freshness"
                    and (job := next((k for k in range(i) if PERIODIC_JOB.search(parts[k])), None))
                    is not None
                ):
                    # "an hourly batch job that aggregates ..., and turns each cell's counts into a multiplier"
                    segment = ", ".join(parts[job : i + 1])
                if constraint.kind == "freshness":
                    assert constraint.max is not None
                    stale = [
                        sec
                        for sec, start, end in periods(segment)
                        if sec > constraint.max
                        and period_asserted(segment, start)
                        and not _WINDOW.search(segment[max(0, start - 30) : start])
                        and not _KEPT.match(segment[end : end + 30])
                        and not _DIVISOR.search(segment[max(0, start - 20) : start])
                    ]
                    if (
                        stale
                        and not bounded_within(segment, constraint.max)
                        and not _BACKSTOP.search(segment)
                    ):
                        return f"Data refreshed every {spoken_duration(stale[0])} is too stale."
                elif _after(segment, constraint.before) or (
                    (
                        any(is_asserted(segment, m.start(), m.end()) for m in _LATER.finditer(segment))
                        or _deferred(parts, i)
                    )
                    and not re.search(r"\bbefore\b", segment, re.I)
                    and not _ON_TIME.search(subject_part)
                ):
                    return "That check runs too late."
    return None


_HELD_BACK = re.compile(r"\b(?:reduced|limited|restricted|throttled) (?:reach|distribution)\b", re.I)
_THEM = re.compile(r"\b(?:them|it)\b", re.I)


def _after(segment: str, events: Sequence[str]) -> bool:
    """Whether `segment` puts something after one of `events` ("after it is published")."""
    for m in re.finditer(r"\bafter\b(?P<rest>.{0,40})", segment, re.I):
        if any(True for _ in mentions(m.group("rest"), list(events))):
            return True
    return False


# "Matching ... runs right after, in the async queue": the check deferred, in the words naming it or in a
# phrase that follows them (not in another part that names its own work: "and the heavy models run async")
_DEFERRED = re.compile(
    r"\b(?:async\w*|in the background|out of band|off the (?:request|critical) path|(?:on|onto|into|from|off) a queue)\b|"
    r"\bafter\s*$",
    re.I,
)
# "The hash check runs synchronously, and the heavy models run asynchronously afterwards": the part naming the
# check says it runs in time; the lateness belongs to the other work
_ON_TIME = re.compile(r"\b(?:synchronous(?:ly)?|inline|in line|in the request|up ?front)\b", re.I)
_RUNS_AFTER = re.compile(
    r"\b(?:runs?|happens?|comes?|kicks? in|follows?|goes)\s+(?:right |just |shortly |soon )?after(?:wards?)?\s*$",
    re.I,
)
_PHRASE_START = re.compile(r"^\s*(?:in|on|via|through|within|from|at|by|using)\b", re.I)
# "image classifiers, and video goes to an async queue": a part with a subject of its own is not the predicate
_OWN_SUBJECT = re.compile(
    r"^\s*(?!it\b|they\b|which\b|that\b|then\b)[a-z-]+\s+(?:goes|go|lands?|waits?)\b", re.I
)


def _deferred(parts: Sequence[str], i: int) -> bool:
    """Whether the check named in `parts[i]` is deferred: async or "after" there or in a phrase that
    follows it, or "runs right after" just after it (the subject may be split at an "and")."""
    # the phrase after it, or the whole predicate when the part is the subject alone ("the image classifier |
    # then picks it up from a queue")
    short = len(parts[i].split()) <= 4
    said = [parts[i]] + [
        p for p in parts[i + 1 : i + 2] if (short and not _OWN_SUBJECT.match(p)) or _PHRASE_START.match(p)
    ]
    if any(is_asserted(p, m.start(), m.end()) for p in said for m in _DEFERRED.finditer(p)):
        return True
    nxt = parts[i + 1 : i + 2]
    if not nxt or not _RUNS_AFTER.search(nxt[0]):
        return False
    m = _RUNS_AFTER.search(nxt[0])
    return m is not None and is_asserted(nxt[0], m.start(), m.end())


# "calls the payments API directly, with no confirmation step": the event goes ahead, its check denied
_DENIED_CHECK = re.compile(
    r"\b(?:no|without(?: any| a)?|skip(?:s|ping)?(?: the)?|never)\s+(?!(?:letting|allowing)\b)(?:\w+\s+){0,2}$",
    re.I,
)


def _event_without_check(clause: str, constraint: Constraint) -> bool:
    events = [m for m in mentions(clause, list(constraint.before)) if m.asserted]
    if not events:
        return False
    return any(
        _DENIED_CHECK.search(clause[: m.start])
        for m in mentions(clause, list(constraint.subject))
        if not m.asserted
    )


# "within a second or two the fraud service can reverse the approval": the event went ahead unchecked
_UNDO = re.compile(
    r"\b(?:revers\w*|undo\w*|claw\w* back|roll\w* back|cancel\w*|void\w*|retract\w*|unpublish\w*|"
    r"take\w* (?:it |them )?down|pull\w* (?:it |them )?back)\s+(?:the |that |an? |its |it )?",
    re.I,
)
_BY_PEOPLE = re.compile(r"\b(?:analyst|reviewer|appeal|dispute|human|manual|moderator|customer asks)", re.I)


def _undone_after(clause: str, constraint: Constraint) -> bool:
    if _BY_PEOPLE.search(clause):
        return False  # a person overturning a decision later is review, not the check
    for m in _UNDO.finditer(clause):
        if is_asserted(clause, m.start(), m.end()) and any(
            True for _ in mentions(clause[m.end() : m.end() + 30], list(constraint.before))
        ):
            return True
    return False


# "... and then issues it straight away so the customer doesn't need an extra turn": the event at once, its
# check never named
_AT_ONCE = re.compile(
    r"\b(?:straight away|right away|immediately|instantly|at once|without (?:asking|waiting|checking)|"
    r"no extra (?:turn|step)|(?:doesn't|does not|don't|won't) need (?:an|any) extra (?:turn|step))",
    re.I,
)
_CONDITIONED = re.compile(r"\b(?:if|when|unless|once|after|only)\b", re.I)


def _done_at_once(clause: str, constraint: Constraint) -> bool:
    if not any(m.asserted for m in mentions(clause, list(constraint.before))):
        return False
    if any(True for _ in mentions(clause, list(constraint.subject))):
        return False  # the check is named: other rules read where it stands
    at_once = [m for m in _AT_ONCE.finditer(clause) if is_asserted(clause, m.start(), m.end())]
    return bool(at_once) and not _CONDITIONED.search(clause[: at_once[0].start()])


# "checkout waits for it", "the order button stays disabled until an estimate comes back"
_WAITS = re.compile(
    r"\b(?:waits?|waiting|hangs?|stalls?|blocks?|blocked|(?:stays?|remains?|is|are|gets?) "
    r"(?:disabled|blocked|greyed out|locked|held|paused)|holds? (?:off|back)|"
    r"hold(?:s|ing)? (?:the|its|our) (?:\w+ )?(?:response|request|page|feed|screen)|"
    # "playback carries on once the service has ranked": it goes on only when the dependency answers
    r"(?:carries|carry) on (?:only )?(?:once|after|when)|(?:continues|resumes|proceeds) (?:only )?(?:once|after)|"
    r"starts? (?:it|the (?:next )?track|playback|the page) (?:only )?(?:once|after|when) (?:the )?"
    r"(?:answer|response|ranker|recommender|model|result|score))\b",
    re.I,
)


def _waits_on(clause: str, constraint: Constraint) -> str | None:
    """Why a clause makes what must never wait (`before`) wait on its dependency (`subject`), or None."""
    if not any(m.asserted for m in mentions(clause, list(constraint.before))):
        return None
    for m in _WAITS.finditer(clause):
        if is_asserted(clause, m.start(), m.end()) and not _HARM_SUPPOSED.search(clause[: m.start()]):
            return "That makes it wait on a dependency it must never wait on."
    return None
