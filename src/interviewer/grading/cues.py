"""Whether a clause says a wrong claim: its cue groups asserted, nothing that makes it right said.

A wrong claim in the bank lists cue groups (every group must be said in one clause, the first asserted) and
`unless` terms (any of them said makes the claim right after all, unless the answer only sets it aside).
Numbers match however they are said ("35K", "thirty-five thousand"); a `~` term holds when it is denied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from interviewer.grading.quantities import words_to_digits
from interviewer.grading.stance import Mention, mentions, said_at_all

_CONTRASTED = re.compile(r"(?:\bnot|\bnever|\bno|\brather than|\binstead of)\s+(?:[\w'-]+\s+)?$", re.I)


def says(clause: str, cues: Sequence[Sequence[str]], unless: Sequence[str]) -> bool:
    return _says_cached(clause, tuple(tuple(g) for g in cues), tuple(unless))


@lru_cache(maxsize=65536)
def _says_cached(clause: str, cues: tuple[tuple[str, ...], ...], unless: tuple[str, ...]) -> bool:
    """A clause says a claim when it asserts a term of every cue group, or denies a `~` term of it.

    Numbers are read either way they are said: "the whole hundred milliseconds" holds the cue "whole 100",
    "thirty-five thousand a second" the cue "35K", and an `unless` term said in words still holds.
    """
    if not cues:
        return False
    numeric = _numeric(clause)
    first = _split_terms(cues[0])[0]
    if numeric == clause:
        return _cues_said(clause, cues) and not _unless_said(clause, unless, first, cues)
    numeric_cues = _numeric_cues(cues)
    numeric_unless = _numeric_unless(unless)
    said = _cues_said(clause, cues) or _cues_said(numeric, numeric_cues)
    return said and not (
        _unless_said(clause, unless, first, cues)
        or _unless_said(numeric, numeric_unless, first, numeric_cues)
    )


# "One head predicts applies, and a second predicts recruiter replies": the parts of one design, a clause each
_PARTS = re.compile(r"\b(?:one|the first)\b.+\b(?:a second|the second|another|the other)\b", re.I)


def says_in(sentence: str, said: Sequence[str], cues: Sequence[Sequence[str]], unless: Sequence[str]) -> bool:
    """Whether a clause of `sentence` (`said`) says the claim, and no other part of the design the sentence lists
    names what would make it right."""
    if not any(says(clause, cues, unless) for clause in said):
        return False
    return not (_PARTS.search(sentence) and not says(sentence, cues, unless))


def _cues_said(clause: str, cues: tuple[tuple[str, ...], ...]) -> bool:
    if not said_at_all(clause, _bare(cues[0])):
        return False  # none of the first group's terms is said, asserted or denied
    said, denied = _split_terms(cues[0])
    # "takedown counts I'd treat as an operational number only": named, and demoted
    if not any(
        m.asserted and not _demoted(clause, m.start, m.end, _SIDELINED) for m in _claimed(clause, said)
    ) and not any(not m.asserted for m in mentions(clause, denied)):
        return False
    # The other groups must be said, and not only contrasted away: "training data comes from mined corpora,
    # not from API customers" does not train on API customers' text. A negated verb stays part of the
    # claim ("any click that hasn't converted is labelled a negative").
    for group in cues[1:]:
        said, denied = _split_terms(group)
        if not any(not _CONTRASTED.search(clause[: m.start]) for m in mentions(clause, said)) and not any(
            not m.asserted for m in mentions(clause, denied)
        ):
            return False
    return True


# "CPU use tells you nothing, since the host CPU idles while the GPU is busy": the reason for setting a term aside
_ASIDE_REASON = re.compile(r"\b(?:since|because|given that)\b", re.I)


def _claimed(clause: str, terms: list[str]) -> list[Mention]:
    """The mentions of `terms`, without those in the reason given for setting an earlier mention aside."""
    found = list(mentions(clause, terms))
    dismissed = next((m for m in found if not m.asserted), None)
    if dismissed is None:
        return found
    return [
        m
        for m in found
        if m.start < dismissed.end or not _ASIDE_REASON.search(clause, dismissed.end, m.start)
    ]


def _unless_said(
    clause: str, unless: tuple[str, ...], claimed: Sequence[str] = (), cues: Sequence[Sequence[str]] = ()
) -> bool:
    """Whether the clause says what makes the claim right after all; not when it sets that aside ("recruiter
    replies as diagnostics only", "skipped or not"), nor when it is only the reason given for the claim
    ("ship whichever collects more clicks, because clicks are the closest thing to relevance")."""
    return any(
        m.asserted
        # "time spent per DAU": a population the metric is divided by, not the aim
        and not (_PER_BEFORE.search(clause, 0, m.start) and _POPULATION.fullmatch(m.term))
        and not _set_aside(clause, m.start, m.end)
        and not any(e.start() <= m.start < e.end() for e in _EITHER.finditer(clause))  # "small or large"
        and not _justifies(clause, m.start, claimed)
        and not _proxied(clause, m.start, claimed)
        and not _subsumed(clause, m.start, m.end, claimed)
        and not _premise(clause, m, claimed)
        and not _apart(clause, m.start, cues)
        for m in mentions(clause, list(unless))
    )


# "The gateway meters usage per tenant, and as a rule you keep prompt bodies for thirty days": a second statement
# with its own subject, so what the first says does not excuse the second
_NEW_STATEMENT = re.compile(r",\s+and\s+(?:(?:as a rule|then|also|so)\s+)?(?:you|we|i|they)\b(?!'s)", re.I)


def _apart(clause: str, start: int, cues: Sequence[Sequence[str]]) -> bool:
    """Whether the term at `start` sits in another statement of the clause than one that says the whole claim,
    a term of every cue group."""
    cuts = [m.start() for m in _NEW_STATEMENT.finditer(clause)]
    if not cuts or not cues:
        return False
    bounds = [0, *cuts, len(clause)]
    whole = {
        k
        for k in range(len(bounds) - 1)
        if all(
            any(m.asserted for m in mentions(clause[bounds[k] : bounds[k + 1]], list(_bare(group))))
            for group in cues
        )
    }
    return bool(whole) and sum(1 for c in cuts if c < start) not in whole


_PER_BEFORE = re.compile(r"\bper\s+$", re.I)
# "we decline every transaction, small or large": both ends named, so neither sets the claim apart
_EITHER = re.compile(
    r"\b(small|big|large|low|high)\s+(?:or|and)\s+(?!\1)(?:small|big|large|low|high)\b", re.I
)
_POPULATION = re.compile(r"dau|daily actives?|daily active users?|users?|members?|sessions?|viewers?", re.I)


# "recruiter replies come days later, so ...": what would excuse the claim, named as too slow to use
_SLOW_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:come|comes|arrive|arrives|land|lands|take|takes)\s+(?:\w+\s+){0,2}?"
    r"(?:days|weeks|months|later|too long)\b|^\s*(?:[\w-]+\s+){0,2}?(?:(?:is|are|way|far)\s+)?too (?:slow(?:ly)?|late|sparse|rare|noisy)\b|"
    r"^\w*\s+(?:\w+\s+)?(?:days|weeks|months) later\b|"  # "... and hires weeks later"
    # "watch time is slow and noisy to steer by"
    r"^\s*(?:is|are)\s+(?:too\s+|very\s+)?(?:slow|noisy|sparse|rare|late)(?:\s+and\s+\w+)?\s+to\s+"
    r"(?:steer|gate|optimi|tune|train|act|read)|"
    # "retention is what we care about but it moves slowly"
    r"^[^.;]{0,40}?\bbut (?:it|they) (?:moves?|reacts?|responds?|shifts?) (?:too |very |so )?slowly\b",
    re.I,
)
# "purchases too sparse per search", "replies are too slow": named as unusable
_TOO_SPARSE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:(?:is|are|way|far)\s+)?too (?:slow(?:ly)?|late|sparse|rare|noisy)\b", re.I
)
_KEPT_RULE = re.compile(r"\b(?:never|not|no|without|off|exclud\w*)\b", re.I)
_FIGURE = re.compile(r"\d|\b(?:ninety|sixty|thirty|hundred|days?|weeks?|months?)\b", re.I)
_SO = re.compile(r",\s*so\b", re.I)
_SINCE_LEAD = re.compile(r"^\s*(?:(?:and|but|so)\s+)?(?:since|because|given that|as)\b[^,;]*$", re.I)


def _premise(clause: str, m: Mention, claimed: Sequence[str]) -> bool:
    """Whether a figure that would excuse the claim is only the premise it goes against: "chargebacks arrive
    30 to 90 days late, so I'd train on the last four weeks, treating any without one as legitimate"."""
    # "it works for both sides, so I'd anchor on applications submitted": a premise the claim is drawn from; not
    # a rule the answer keeps ("text is never logged, so for the API we only keep counts")
    if not claimed or _KEPT_RULE.search(m.term):
        return False
    cue = min((c.start for c in mentions(clause, list(claimed)) if c.asserted), default=-1)
    # a figure or a named delay is a premise wherever it sits; anything else only before a choice drawn from it
    figure = bool(_FIGURE.search(m.term) or _SLOW_AFTER.match(clause[m.end :]))
    if figure and cue > m.end and _SINCE_LEAD.match(clause[: m.start]):
        return (
            True  # "Since replies arrive days later, I'd train on applies alone": the premise it goes against
        )
    return cue > m.end and any(
        m.end <= so.start() < cue and (figure or _CHOSEN.match(clause, so.end()))
        for so in _SO.finditer(clause)
    )


# "..., so I'd anchor on applications", "..., so the target is ...": a choice drawn from what was said before
_CHOSEN = re.compile(
    r"\s+(?:i'd|we'd|i would|we would|i'll|we'll|i will|we will|let's|"
    r"the (?:main |primary |real )?(?:goal|target|metric|objective|aim)(?: here| for (?:us|this|now))? "
    r"(?:is|should be|will be|would be))\b",
    re.I,
)


_REASON = re.compile(r"\b(?:because|since|as)\b(?![^,;]*\b(?:well|long|soon|much)\b)", re.I)


# "click-through per search tracks purchases closely enough that I'd make it the metric": what the claimed metric
# is said to stand in for
_PROXY = re.compile(
    r"\b(?:tracks?|correlates? (?:well |closely )?with|mirrors?|is a (?:good |decent |fine |close )?proxy for|"
    r"stands? in for|moves? (?:together )?with|(?:sits?|is|are) (?:just )?one step (?:before|ahead of))\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)


# "The target is total time spent, with comments and shares feeding into it": a part of the claimed metric
_FEEDS_IN = re.compile(
    r"[^;:]{0,80}?\b(?:feed(?:s|ing)? into|count(?:s|ing)? toward|roll(?:s|ing)? up into|fold(?:s|ed|ing)? into|"
    r"add(?:s|ing)? to)\s+(?:it|that|this|them|the total)\b",
    re.I,
)


def _subsumed(clause: str, start: int, end: int, claimed: Sequence[str]) -> bool:
    return bool(_FEEDS_IN.match(clause, end)) and any(
        m.asserted for m in mentions(clause[:start], list(claimed))
    )


def _proxied(clause: str, start: int, claimed: Sequence[str]) -> bool:
    proxy = _PROXY.search(clause, 0, start)
    return proxy is not None and any(m.asserted for m in mentions(clause[: proxy.start()], list(claimed)))


def _justifies(clause: str, start: int, claimed: Sequence[str]) -> bool:
    """Whether the term at `start` sits in the reason given for the claim, a reason that names the claim's own
    metric again: "..., since every apply is a member showing intent and a recruiter receiving a candidate"."""
    # a colon ends the reason: "since this is hiring, employment law is in play: we keep age out of the model"
    # and so does the next part of a design: "since applies are logged instantly, and a second head predicts ..."
    reasons = [
        m
        for m in _REASON.finditer(clause[:start])
        if not re.search(
            r"[;.:]|,\s+and\s+(?:a second|the second|another|the other)\b", clause[m.end() : start]
        )
    ]
    if not reasons or not claimed:
        return False
    reason = clause[reasons[-1].start() : start]
    # "..., since it's the cleanest signal we have": the claim's own metric, said again as "it"
    if _IT_IS.match(reason):
        return True
    verb = _EQUATES.search(reason)
    if verb is None:
        return False  # "since that decides RAG versus fine-tuning" gives no reason the claim is right
    subject = reason[: verb.start()]
    if any(m.asserted for m in mentions(subject, list(claimed))):
        return True
    stems = {t[:4].lower() for t in claimed if " " not in t and len(t) >= 4}  # "every apply" for "applies"
    return any(w[:4] in stems for w in re.findall(r"[a-z]{4,}", subject.lower()))


_IT_IS = re.compile(r"^(?:because|since|as)\s+(?:(?:it|that|this)(?:'s|\s+is)|they(?:'re|\s+are))\b", re.I)
# the claim's metric said to be, or to stand for, what would make it right
# ("clicks for shows nobody finishes": "shows" after "for", "the" or "of" is the noun)
_EQUATES = re.compile(
    r"\b(?:is|are|means|(?<!for )(?<!the )(?<!of )shows?|captures?|reflects?|tracks?|stands? for)\b", re.I
)


# What a candidate names only to set it aside: demoted to a diagnostic, or said not to matter.
_DEMOTED = re.compile(
    r"\b(?:as (?:a |mere |just )?diagnostics?|diagnostics? only|only as (?:a )?diagnostics?|"
    r"(?:stays?|remains?|is just|is only) (?:a |just a |only a )?diagnostics?\b|"
    # "with comments and shares counted as part of it": folded into the claim's own metric
    r"(?:counted|folded|rolled|included) (?:in(?:to|side)?|as (?:a )?part of) (?:it|that|this)\b|"
    # "takedown counts I'd treat as an operational number only"
    r"as an? (?:operational|ops|workload|capacity|health) (?:number|metric|signal|figure)|"
    r"as (?:a |the (?:main |first |key )?)?secondary|secondary (?:metrics?|signals?|numbers?)|"
    # "click-through stays a tracked signal rather than the training target"
    r"rather than (?:the |a |our )?(?:training |main |primary )?(?:target|goal|objective)\b|"
    r"with (?:[\w@-]+ ){1,4}(?:beside|alongside|next to) (?:it|that)\b|but (?:not|never) optimi[sz]e|"
    r"(?:do not|don't|won't|will not|wouldn't|would not) optimi[sz]e|too late to steer|nice.to.have|as noise|"
    r"(?:on|to|for) a (?:secondary |separate )?dashboard|with (?:[\w@-]+ ){1,4}(?:tracked|watched|logged)|as an? (?:[\w-]+ ){0,2}?dashboard(?: number| metric)?s?|(?:leave|left|leaving) (?:[\w-]+ ){0,3}?to (?:the |a )?"
    r"dashboards?|as a (?:nice |happy |welcome )?(?:side.effect|bonus)|"
    r"(?:as )?a report (?:we|i|they|the team) (?:look at|read|check|review)|"
    r"belongs? to (?:the )?(?:[\w-]+ ){0,2}teams?|"
    r"only (?:used )?for (?:\w+ ){0,2}(?:pacing|reporting|logging|monitoring|analytics|dashboards?|debugging)|"
    r"too (?:late|slow) to (?:optimi[sz]e|steer|read|act on)|"
    r"as (?:[\w-]+ ){0,2}checks?\b|as (?:[\w-]+ ){0,2}guardrails?|only as (?:[\w-]+ ){0,2}(?:signals?|metrics?)|"
    r"as (?:input |extra )?features? (?:rather than|not|instead of) (?:as )?"
    r"(?:targets?|labels?|objectives?)|(?:something|things?) (?:i'd|we'd|to) (?:glance|peek) at|"
    r"(?:leave|save|keep|look at|check) (?:\w+ )?(?:for|in) (?:the |a )?(?:quarterly|monthly|annual|yearly|weekly|later)"
    r" (?:review|report|readout|check))\b",
    re.I,
)
_DISMISSED_AFTER = re.compile(
    r"^\w*\s+(?:or not|either way)\b"
    # "an order arriving after the top of the range like any other miss": given no weight of its own
    r"|^\s*(?:[\w-]+\s+){0,3}?(?:like|the same as|same as|just as) any other\b",
    re.I,
)
# "watch time follows it anyway", "purchases follow from that", "pickup times are a side effect": named as a
# consequence, not as the aim
_CONSEQUENCE_AFTER = re.compile(
    r"^[\w-]*\s+(?:\w+\s+){0,5}?(?:will |should |would )?(?:follow(?:s|ing)?|comes? along|take care of (?:it|them)selves?|"
    r"(?:is|are|will be) (?:just |only |merely )?(?:a )?(?:side.effects?|by-?products?)|"
    # "the positional noise averages out": named only to be dismissed
    r"(?:averages?|washes|wash|cancels?|evens?) (?:itself |themselves )?out|"
    # "lateness goes down with it": carried along by the claim's own metric
    r"(?:goes|go|comes|come|falls?|drops?|improves?|moves?) (?:down |up )?(?:with it|along with it|in step))\b",
    re.I,
)
_EVENED_BEFORE = re.compile(
    r"\b(?:averages?|averaging|washes|wash|cancels?|evens?|smooths?)\s+(?:the\s+|any\s+)?$", re.I
)
_EVENED_AFTER = re.compile(r"^[\w-]*\s+(?:[\w-]+\s+)?out\b", re.I)
_DISMISSED_BEFORE = re.compile(
    r"\b(?:regardless of|no matter|whether or not|irrespective of)\s+(?:\w+\s+){0,2}$|"
    # "since that history is far bigger than any experiment": named to be outweighed
    r"\b(?:(?:bigger|larger|richer|cheaper|faster|better)\s+than|beats?|outweighs?|trumps?)\s+(?:any|an?|the)\s+"
    r"(?:[\w-]+\s+)?$|"
    # "so we stop paying for a separate random sample of views": named as what is given up
    r"\b(?:stop|stops|stopped|no longer|skip|skips|drop|drops)\s+(?:paying for|running|keeping|needing|doing)\s+"
    r"(?:a\s+|an\s+|the\s+)?(?:separate\s+|dedicated\s+|extra\s+|second\s+)?$|"
    # "the likeliest click wins, whatever it happened to bid"
    r"\bwhatever\s+(?:(?:it|they|the \w+)\s+(?:\w+\s+){0,2}|the\s+)?$|"
    # "which saves tuning a watermark": what the choice spares is not part of it
    r"\b(?:saves?|spares?)\s+(?:us\s+)?(?:[\w-]+ing\s+)?(?:a\s+|an\s+|the\s+)?$",
    re.I,
)


# "rather than popular and trending videos": a later item of a list the contrast introduces
_CONTRASTED_LIST = re.compile(
    r"\b(?:rather than|instead of)\s+(?:[\w'-]+\s+){0,4}?(?:and|or)\s+(?:[\w'-]+\s+){0,2}$", re.I
)


# "success is long-term engagement, and the cleanest proxy for that is minutes spent": what is measured is
# what comes after; the aim named before it is not what the design optimises
_PROXIED_AFTER = re.compile(
    r"\b(?:proxy|stand-in|measure|number|metric|signal)\s+(?:for|of)\s+(?:that|it|this)\b|"
    r"\b(?:proxy|stand-in)\s+(?:is|are|would be)\b|"
    r"\bcaptures?\s+(?:that|it|this|both)\b",
    re.I,
)


_ALREADY_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?already\s+(?:reflects?|captures?|includes?|accounts? for|handles?|covers?|encodes?|"
    r"tracks?|means?|is|are)\b",
    re.I,
)


def _set_aside(clause: str, start: int, end: int) -> bool:
    before = clause[:start]
    if _PROXIED_AFTER.search(clause[end:]):
        return True
    if _DISMISSED_AFTER.match(clause[end:]) or _DISMISSED_BEFORE.search(before):
        return True
    if _CONSEQUENCE_AFTER.match(clause[end:]):
        return True
    if _TOO_SPARSE.match(clause[end:]):
        return True  # "A/B on CTR, moves fastest, purchases too sparse per search": named as unusable
    if _EVENED_BEFORE.search(before) and _EVENED_AFTER.match(clause[end:]):
        return True  # "the volume averages position effects out": named only to be dismissed
    if _ALREADY_AFTER.match(clause[end:]) and _ASIDE_REASON.search(before[-40:]):
        return True  # "..., since position already reflects relevance": argued to need nothing done
    if _CONTRASTED_LIST.search(before):
        return True
    if _REASON_OPENS.search(before) and _WOULD_HARM.match(clause[end:]):
        return True  # "because masking those days would mean selecting on the outcome": argued against
    return _demoted(clause, start, end)


_REASON_OPENS = re.compile(r"\b(?:because|since|as)\s+(?:[\w-]+\s+)?$", re.I)
_WOULD_HARM = re.compile(
    r"^[\w-]*\s+(?:[\w-]+\s+){0,3}?(?:would|will|could)\s+(?:only\s+)?(?:mean|bias|throw|lose|hide|drop|cost|leak|"
    r"break|inflate|distort|introduce|waste|make)\b",
    re.I,
)


def _demoted(clause: str, start: int, end: int, demoting: re.Pattern[str] = _DEMOTED) -> bool:
    """Whether the comma-bounded part around `start:end` demotes it ("as a diagnostic only")."""
    left = max((m.end() for m in re.finditer(r"[,;]", clause[:start])), default=0)
    right = next((m.start() + end for m in re.finditer(r"[,;]", clause[end:])), len(clause))
    # "watch time and satisfaction, like survey answers, are things we look at on a dashboard": an example
    # set off by commas leaves the subject's own predicate after it
    if _APPOSITIVE.match(clause[right + 1 :]):
        after = [m.start() for m in re.finditer(r"[,;]", clause[right + 1 :])]
        right = right + 1 + after[1] if len(after) > 1 else len(clause)
    if demoting.search(clause[left:right]):
        return True
    if not (_LIST_OPENS.match(clause, left, start) or _later_item(clause, left)):
        return False
    # "with watch time, surveys and 'not interested' as the checks": a list demoted as a whole
    for _ in range(2):
        following = next((m.start() for m in re.finditer(r"[,;]", clause[right + 1 :])), None)
        end_of = len(clause) if following is None else right + 1 + following
        if len(clause[right + 1 : end_of].split()) > 16:
            return False
        right = end_of
        if demoting.search(clause[left:right]):
            return True
    return False


_LIST_OPENS = re.compile(r"\s*(?:with|plus|keeping)\s+[^,;]{0,30}$", re.I)


def _later_item(clause: str, left: int) -> bool:
    """Whether the comma-bounded part starting at `left` is a later item of a list opened by "with" or "plus"
    ("with early abandonment, a satisfaction survey on one session in a thousand, and ... as guardrails")."""
    if left == 0:
        return False
    ends = [m.start() for m in re.finditer(r"[,;]", clause[: left - 1])] + [left - 1]
    for k in range(len(ends) - 1, max(len(ends) - 3, -1), -1):
        start = ends[k - 1] + 1 if k else 0
        if _LIST_OPENS.match(clause, start, ends[k]):
            return True
        if len(clause[start : ends[k]].split()) > 12:
            return False
    return False


_APPOSITIVE = re.compile(r"\s*(?:like|such as|e\.g\.|including|for example)\b", re.I)


# what a claim's own term may be demoted to and no longer be claimed ("on a dashboard" is itself a wrong claim
# about a budget, so it is not here)
_SIDELINED = re.compile(
    r"\b(?:as (?:a |mere |just )?diagnostics?|diagnostics? only|only as (?:a )?diagnostics?|as (?:a )?secondary|"
    r"as an? (?:operational|operations|ops|workload|capacity|health) (?:number|metric|signal|figure|dashboard)|"
    r"rather than (?:the |a |our )?(?:training |main |primary )?(?:target|goal|objective)|"
    # "The nightly rebuild stays only as a periodic consistency pass"
    r"(?:stays?|remains?|kept|survives?) only as (?:a |an )?(?:\w+ ){0,2}(?:pass|check|backstop|fallback|backup|safety net))\b",
    re.I,
)


_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_K_SUFFIX = re.compile(r"\b(\d+(?:\.\d+)?)\s?[kK]\b")


@lru_cache(maxsize=65536)
def _numeric(text: str) -> str:
    """`text` with its numbers in one form: spelled-out numbers in digits, no thousands commas, 35K as 35000."""
    if not re.search(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
        r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen)",
        text,
        re.I,
    ):
        return text
    out = _THOUSANDS_COMMA.sub("", words_to_digits(text))
    return _K_SUFFIX.sub(lambda m: _thousands(float(m.group(1))), out)


def _thousands(value: float) -> str:
    v = value * 1000
    return str(int(v)) if v.is_integer() else str(v)


def _numeric_term(term: str) -> str:
    return "~" + _numeric(term[1:]) if term.startswith("~") else _numeric(term)


@lru_cache(maxsize=16384)
def _split_terms(group: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A group's plain terms, which must be said, and its `~` terms, which must be denied ("~fallback"
    is said by "there is no fallback" and "we wouldn't bother with a fallback")."""
    said = [t for t in group if not t.startswith("~")]
    denied = [t[1:].strip() for t in group if t.startswith("~")]
    return said, denied


@lru_cache(maxsize=16384)
def _bare(group: tuple[str, ...]) -> tuple[str, ...]:
    """A group's terms without their `~` marks."""
    return tuple(t.lstrip("~").strip() for t in group)


@lru_cache(maxsize=16384)
def _numeric_cues(cues: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_numeric_term(t) for t in group) for group in cues)


@lru_cache(maxsize=16384)
def _numeric_unless(unless: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_numeric(t) for t in unless)
