"""Arithmetic in an answer, recomputed from the candidate's own numbers.

A derivation is numbers, a result cue ("is about", "=", "so") and a stated result, within one clause; a chain
("... is about 29 thousand a second, so maybe 50K at peak") checks each step, and a sentence that starts
"Dividing by..." continues from the last number of the one before. A result is consistent when some reading
of the inputs (every way of multiplying and dividing them, with units and as bare numbers, with a factor of
ten stated earlier and left unsaid) comes within 2x of it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from interviewer.grading.delivery import strip_fillers
from interviewer.grading.linking import CONTINUES, OPENS_ON_RESULT, arrows, asides, link_first, repaired
from interviewer.grading.loads import daily_population, fanned_out, spread_over_fleet
from interviewer.grading.operands import (
    carried_from,
    definite,
    divisor,
    items_in,
    once,
    operated_again,
    over_inputs_period,
    per_unit_factor,
    rate_again,
    restated,
    restated_durations,
    share_of,
    unqualified,
    with_units,
)
from interviewer.grading.quantities import Quantity, quantities, words_to_digits
from interviewer.grading.readings import (
    PER_MACHINE,
    Derivation,
    noun_after,
    per_item,
    period_after,
    same_over_periods,
)
from interviewer.grading.recompute import scale_context
from interviewer.grading.shares import missed_share, percent_unsaid, share_of_total, share_step, share_worked
from interviewer.grading.stance import clauses
from interviewer.grading.sums import added, blend, headroom_added, mixed_sum

_RESULT_CUE = re.compile(
    r"(?:=|≈|:(?=\s*(?:roughly|about|around|approximately|call it)\b)|\bat (?:that|this|the same) (?:fare|price|rate):|\bis\b|\bare\b|\bthat's\b|\bthat is\b|\bi\.e\.(?=\s)|(?<!once )(?<!when )(?<!until )(?<!if )\bit's\b|\bgives?(?: us| you)?\b|\bcomes? (?:out )?to\b|\bequals?\b|"
    r"\bworks? out(?: (?:at|to))?\b|\bmeans\b|\bso\b|\bwhich is\b|\bmakes\b|\bleaves?\b|\bcontains?\b|"
    r"\b(?:produce|generate|yield)s?\b|\b(?:would|will) be\b|"
    r"\b(?:which|that) (?:fits|holds)\b|\b(?:takes|needs|uses|occupies)\b(?=\s+(?:about|roughly|around|approximately)\b)|(?<=\d% of that),|(?<=\d% of them),|\b(?:that|which|this|it) (?:takes|would take|will take)\b|(?<=, )(?:you|we)(?:'d| would)? need\b|\broom for\b|\b(?:which|that|this) averages(?: out(?: at| to)?)?\b|"
    # "..., so one GPU does about 1.7 billion tokens a day"
    r"\bso (?:one|each|a single|every) [\w-]+ (?:does|handles|serves|processes|produces|generates|sees)\b)"
    r"(?:[\s,]+(?:about|around|roughly|approximately|approx\.?|nearly|almost|maybe|probably|some|only|just|like|"
    r"worth|then|"
    r"close to|closer to|call it|on the order of|an? (?:mean|average|peak|total) of|we(?:'re| are)? (?:at|near|need)|near|that's|(?:that |which )?averag(?:es|ing)|,))*"
    r"[\s,]*[~$]?\s*$",
    re.I,
)
_DIVIDE = re.compile(r"(?:\bdivided? by\b|/|÷|\bover\b|\bsplit across\b|\bacross\b|\bper\s*$)", re.I)
# "2,000 times 1,200, roughly 2.4 million": after an explicit operation a hedged number is its result
_OPERATOR = re.compile(
    r"(?:\btimes\b|\bmultiplied by\b|\bdivided by\b|[×x*/÷]|\bover\b|\bplus\b|\+|\bper\b|\bat\s+[$~]?\s*$)",
    re.I,
)
_HEDGE = (
    r"(?:(?:only |just )?(?:about|around|roughly|approximately|nearly|almost)|call it|so about|so roughly)"
)
_HEDGED_RESULT = re.compile(
    rf"^[\s,]*(?:,|\bor\b)\s*(?:{_HEDGE}\s*)?[~$]?\s*$"
    # "times 2 bytes, about 13 kilobytes": after the unit, a hedge is needed
    rf"|^\s*(?:[A-Za-z-]+\s+){{0,2}}[A-Za-z-]+\s*(?:,\s*|\bor\s+)(?:or\s+)?{_HEDGE}\s*[~$]?\s*$"
    # "over 86,400 seconds about 23,000 a second": after a divisor's unit, "about" said without a comma
    r"|^\s*(?:seconds?|secs?|hours?|days?|minutes?|mins?)\s+(?:about|roughly|around|approximately)\s*[~$]?\s*$",
    re.I,
)
# "... needs three million core-seconds": the number after this is an amount stated, not an operand
_STATED = re.compile(
    r"\b(?:needs?|takes?|requires?|costs?|uses?|burns?)\s+(?:about |roughly |around )?$", re.I
)
# "10,000 seconds, well under a quarter of an hour": a time said again as a bound
_BOUND = re.compile(
    r"^\s*(?:[A-Za-z-]+\s*)?,\s*(?:which is\s+|that's\s+|so\s+)?(?:well\s+|comfortably\s+|safely\s+|just\s+|still\s+)?"
    r"(?:(under|below|less than)|(over|above|more than))\s*(?:about\s+|roughly\s+|around\s+)?$",
    re.I,
)
_CONVERTED = re.compile(rf"^\s*[A-Za-z-]*\s*,\s*(?:or\s+)?{_HEDGE}\s*$", re.I)
_SAID_AS = re.compile(r"^\s*[A-Za-z-]*\s*,\s*or\s*$|\b(?:is|that's|so)\s+(?:about\s+|roughly\s+)?$", re.I)
_TIMES_GAP = re.compile(r"(?:\btimes|\bmultiplied by|[×*]|\bx)\s*[~$]?\s*$", re.I)
_TIMES_NEXT = re.compile(r"\s*(?:[a-z-]+\s+)?(?:times|multiplied by|x|×|\*)\s", re.I)
_RANGE = re.compile(r"\s*(?:or|to|-|–)\s*(?:maybe\s*)?", re.I)
_RATIO_NEXT = re.compile(
    r"^\s*(?:x|times|fold)\s+(?:the|our|its|their|what|as|more|less|bigger|smaller|larger|higher|lower|over|that|"
    r"headroom|overhead|margin|capacity)\b",
    re.I,
)
_APPOSITIVE = re.compile(r"^\s*(?:[A-Za-z-]+\s+){0,2}[A-Za-z-]+\s*,\s*[~$]?\s*$")
_OR_ABOUT = re.compile(r",\s*or\s+(?:about|around|roughly|approximately|nearly|call it)?\s*[~$]?\s*$", re.I)
# "so 2,000 times 1,200": a number followed by an operation starts a calculation; it is not a result
_OPERATION_NEXT = re.compile(
    r"^\s*(?:[A-Za-z]+\s+){0,2}?(?:times|multiplied by|divided by|over|plus|[×x*/÷+])\s", re.I
)


def derivations(text: str, before: str = "") -> list[Derivation]:
    """Each step of a stated derivation: numbers, a result cue ("is about", "=", "so"), the result.

    In a chain ("... is about 29 thousand a second, so maybe 50K at peak") each result feeds the next step;
    after ", and", ";" or ":" a new derivation starts. It stays within one clause, and its cue sits just
    before its result. Numbers said earlier in the sentence but not used are kept as `context`: a factor
    stated once ("times a thousand") that a later step leaves unsaid. A step whose result needs a number of
    a kind its own inputs lack (a price for dollars, a size for bytes, a load for a fleet) takes the latest
    such number said before it, earlier in the sentence or in `before`, the sentence before (see
    `operands.carried_from`).
    """
    steps: list[Derivation] = []
    text, before = (
        link_first(arrows(repaired(_spelled(text)))),
        arrows(repaired(_ONE_EVERY.sub(_rate, _spelled(before)))),
    )
    earlier: list[Quantity] = []
    rates: dict[str, Quantity] = {}  # the rates said before, by what they count ("two frames a second")
    for clause in clauses(before):
        qs = definite(clause, quantities(clause))
        earlier += qs
        for q in qs:
            if q.per_seconds and (noun := noun_after(clause, q)) and not PER_MACHINE.match(clause, q.end):
                rates.setdefault(noun, q)
    for k, clause in enumerate(clauses(text)):
        clause = asides(clause)
        qs = [
            q for q in definite(clause, quantities(clause)) if not _COMPARED_WITH.search(clause, 0, q.start)
        ]
        if (
            earlier
            and ((k and CONTINUES.match(clause)) or OPENS_ON_RESULT.match(clause) or _OF_THAT.search(clause))
            and qs
        ):
            # "75 billion writes a day; over 86,400 seconds that's ...": the clause before ended on its input
            qs = [replace(earlier[-1], start=0, end=0), *qs]
        steps += [
            per_mille(per_item(step, clause, rates), clause)
            for step in _clause_steps(clause, qs, earlier)
            # "a two-dollar bid at 1.5% beats a five-dollar bid at 0.4%, thirty against twenty": two worked
            # out side by side, compared, not one result of all four numbers
            if not _COMPARED_STEP.search(clause, step.inputs[0].end, step.result.start)
        ]
        earlier += qs
    return steps


# "a two-dollar bid at 1.5% ..., thirty dollars eCPM": a value per thousand impressions
_PER_MILLE = re.compile(
    r"\s*(?:(?:against|versus|vs\.?|and|to)\s+\$?[\d.,]+\s*)?(?:dollars?\s+)?e?cpm\b", re.I
)


# "Declining 0.3% of them is about ...", "0.05% of that, about two minutes": a share of the amount said before
_OF_THAT = re.compile(r"\d%\s+of\s+(?:that|them|those|these|it)\b", re.I)
# "retrieval cuts deeper than a thousand": a number a choice is compared with, not one it computes with
_COMPARED_WITH = re.compile(
    r"\b(?:deeper|bigger|larger|smaller|higher|lower|cheaper|wider|narrower|better|worse|faster|slower) than "
    r"(?:a |an |about |roughly )?$",
    re.I,
)
_PLUS_SAID = re.compile(r"\bplus\b|\+")
# "..., that's about 9,000 plus 36,000": a sum said as a result
_SUM_AFTER_CUE = re.compile(
    r".*?\b(?:that's|that is|which is|it's)\s+(?:about\s+|roughly\s+)?\$?[\d.,]+\s*(?:\+|plus)\s*\$?$", re.I
)
_COMPARED_STEP = re.compile(r"\b(?:beats?|versus|vs\.?|compared (?:to|with)|loses to|outbids?)\b", re.I)


def per_mille(step: Derivation, clause: str) -> Derivation:
    """`step` with a result said per thousand impressions ("thirty dollars eCPM") read per impression."""
    result = step.result
    if not _PER_MILLE.match(clause, result.end) or any(q.value == 1000 for q in step.inputs):
        return step  # "two times 0.015 times a thousand is thirty dollars eCPM": the thousand already said
    return replace(step, result=replace(result, value=result.value / 1000))


_HALF_OF = re.compile(r"\bhalf of(?=\s+(?:(?:the|our|all|those|these)\s+)?[~$]?\d)", re.I)


# "sampling one frame every two seconds" said before a step: a rate, half a frame a second
_ONE_EVERY = re.compile(
    r"\b(?:one|a|1|a single)\s+([a-z-]+)\s+(?:every|each)\s+(\d+(?:\.\d+)?)\s*(secs?|seconds?|mins?|minutes?)\b",
    re.I,
)


def _spelled(text: str) -> str:
    """ "half of the fifty thousand" as the share it is, "50% of", the text's length kept."""
    return _HALF_OF.sub("50% of ", text) if "half of" in text.lower() else text


def _rate(m: re.Match[str]) -> str:
    """ "one frame every two seconds", said before a step, as the rate it is: "0.5 frames a second"."""
    unit = "minute" if m.group(3)[0] in "mM" else "second"
    return f"{1 / float(m.group(2)):.3g} {m.group(1).rstrip('s')}s a {unit}"


def _clause_steps(clause: str, qs: Sequence[Quantity], earlier: Sequence[Quantity]) -> list[Derivation]:
    steps: list[Derivation] = []
    qs = list(qs)
    first = 0
    last = -1  # the index of the latest result
    for i in range(1, len(qs)):
        between = clause[qs[i - 1].end : qs[i].start]
        if (step := share_step(clause, qs, i, earlier)) is not None:
            steps.append(Derivation(step, (False, False), qs[i]))
            first = last = i
            continue
        # "fifty or sixty", "four to five": a range, not a result
        if _RANGE.fullmatch(between):
            continue
        # "about 13,600 of the 20,000 queries": a part of the number after it, not a result of those before
        if (
            i + 1 < len(qs)
            and _OF_NEXT.fullmatch(clause, qs[i].end, qs[i + 1].start)
            and qs[i + 1].si > qs[i].si
            and qs[i].kind == qs[i + 1].kind == "count"
        ):
            first = i
            continue
        # "nearly four times the budget": a ratio to something unsaid, not a result
        if _RATIO_NEXT.match(clause[qs[i].end : qs[i].end + 30]):
            continue
        # "3 regions and copies per language family, call it 450 GPUs": a new estimate after a long aside
        aside = len(between.split()) > 5 and bool(re.search(r",\s*call it\s*$", between, re.I))
        # not "... 3 billion a day, and over 3,600 seconds"; but "input 0.15 per million gives 9K, output 0.60
        # gives 36K": after a result, a new item by its label
        onto = i - 1 == last and _ONTO.search(between)
        fresh = (
            _FRESH.search(between) and not per_unit_factor(clause, between, qs[i]) and not onto
        ) or _LABEL.match(between)
        # a new derivation starts here, not a continuation; but "0.3% of ..., and we see fifty million a day,
        # so ..." works the share out on the total after it
        if (aside or fresh or (qs[i].kind == "percent" and between.rstrip().endswith(","))) and not (
            fresh and i - 1 == first != last and share_of_total(clause, qs, i)
        ):
            first = i
            continue
        operated = any(
            _OPERATOR.search(clause[qs[j - 1].end : qs[j].start]) or share_of(clause, qs[j - 1], qs[j])
            for j in range(first + 1, i)
        )
        # "7.5 million a day, or roughly 2.7 billion a year": a rate said again over another period
        over_another = (
            qs[i - 1].per_seconds not in (None, qs[i].per_seconds) and qs[i].per_seconds is not None
        )
        again = over_another and rate_again(clause, qs, i, i - 1 == first)
        # "3 million core-seconds, roughly 830 core-hours": a time or size said again in another unit
        a, b = qs[i - 1], qs[i]
        in_another = (
            a.kind == b.kind in ("duration", "bytes")
            and bool(a.spoken and b.spoken)
            and a.value / a.spoken != b.value / b.spoken
        )
        # "500 million posts a day times about 200 followers, 100 billion writes a day": after an explicit
        # product, a rate over the same period as its first factor, set off by a comma, is its result
        appositive = bool(_APPOSITIVE.match(between)) and (
            (operated and qs[i].per_seconds is not None and qs[i].per_seconds == qs[first].per_seconds)
            # "half of the fifty thousand peak requests, 2,500 a second": the share, said after a comma
            or (i == first + 2 and qs[first].kind == "percent" and share_of(clause, qs[first], qs[first + 1]))
        )
        bound = _BOUND.match(between) if in_another else None
        if bound and (a.si <= b.si if bound.group(1) else a.si >= b.si):
            continue  # the bound holds: "10,000 seconds, under three hours"
        # "At ten cents per thousand, fifty-one million emails ...": the comma closes the opening phrase
        opening = between.strip() == "," and bool(_OPENING.match(clause[: qs[first].start]))
        # "and sixty billion output tokens at sixty cents per million about thirty-six thousand": "is" left out
        elided = (
            operated and bool(_ELIDED.fullmatch(between)) and _PER_BEFORE.search(clause[: qs[i - 1].start])
        )
        if not (
            bound
            or _RESULT_CUE.search(between)
            or ((operated or in_another) and _HEDGED_RESULT.search(between) and not opening)
            or elided
            or (over_another and _OR_ABOUT.search(between))
            # "... is 150 billion writes, about 1.7 million a second": a result said again over another period
            or (over_another and i - 1 == last and _HEDGED_RESULT.search(between))
            or appositive
            or again
        ):
            continue
        if again and not _RESULT_CUE.search(between):
            first = i - 1
        if _OPERATION_NEXT.match(clause[qs[i].end : qs[i].end + 30]) and i + 1 < len(qs):
            first = i  # "so 2,000 times 1,200, ...": this number starts the next calculation
            continue
        stated = i >= 2 and bool(_STATED.search(clause[qs[i - 2].end : qs[i - 1].start]))
        if (
            in_another
            and (
                bound
                or (stated and not _RESULT_CUE.search(between))
                or math.isclose(qs[i - 1].si, qs[i].si, rel_tol=0.02)
                # "1.2 million GPU-seconds, roughly 330 GPU-hours"; not "times 2 bytes, about 13 KB"
                or (
                    _CONVERTED.match(between)
                    and i >= 2
                    and _SAID_AS.search(clause[qs[i - 2].end : qs[i - 1].start])
                )
            )
        ):
            # "needs 3 million core-seconds, about 830 core-hours", "a 4-hour window, which is 14,400 seconds":
            # the last amount restated
            first = i - 1
        if headroom_added(clause, qs[i - 1], qs[i]):
            first = i  # "about 75 instances, so about 100 with headroom": a margin chosen, not computed
            continue
        if mix := blend(clause, qs[first:i], qs[i], earlier):  # "with 80 percent routed to ..., the blend is"
            steps.append(Derivation((mix,), (False,), qs[i]))
            first = last = i
            continue
        # "..., that's about 9,000 plus 36,000, roughly 45,000": a sum said as a result starts the step
        first = next(
            (
                j
                for j in range(i - 2, first, -1)
                if _SUM_AFTER_CUE.match(clause, qs[j - 1].end, qs[j + 1].start)
            ),
            first,
        )
        said, result = operated_again(clause, restated(once(clause, added(clause, qs[first:i])))), qs[i]
        if mixed_sum(clause, said) or any(
            0 < a.end <= b.start and a.kind == b.kind == "count" and not clause[a.end : b.start].strip()
            for a, b in pairwise(said)
        ):
            # "a cent, plus 250 tokens at 10 per million, so 1.25 cents": a sum of products, unread; "at two fifty":
            # two numbers side by side, a price said the spoken way, unread
            first = i
            continue
        said = unqualified(clause, with_units(said, result, [*earlier, *qs[:first]]), result)
        said = daily_population(clause, missed_share(clause, said, result), result)
        # "7.5 million a day, about 2.7 billion dollars a year": the same amount over another period takes no
        # factor from before; an amount with no unit said takes the result's ("45 thousand a day, $1.35M a month")
        # "about 9,000 plus 36,000, roughly 45,000 dollars a day": a sum of amounts said bare, in the result's unit
        restating = len(said) == 1 and (
            again
            or (
                (said[0].kind, result.kind) == ("count", "money")
                and bool(_PLUS_SAID.search(clause, said[0].start, said[0].end))
            )
        )
        if restating and said[0].kind == "count" and result.kind == "money":
            # "0.06 plus 0.25, about 0.31 cents": the bare amounts are in the result's unit
            cents = 0.01 if re.match(r"\s*cents?\b", clause[result.end :], re.I) else 1.0
            said = [replace(said[0], kind="money", value=said[0].value * cents)]
        carried = [] if restating else carried_from(said, result, [*earlier, *qs[:first]], clause)
        if not carried and spread_over_fleet(clause, said, result):
            carried = [q for q in reversed([*earlier, *qs[:first]]) if q.kind == "count" and q.per_seconds][
                :1
            ]
        fanned = (
            not carried
            and not restating
            and bool(carried := fanned_out(clause, said, result, [*earlier, *qs[:first]]))
        )
        fleet = bool(_FLEET.match(clause[result.end : result.end + 40]))
        extra = [] if carried else divisor(said, result, [*earlier, *qs[:first]], fleet)
        if not carried and (items := items_in(said, result, [*earlier, *qs[:first]])) is not None:
            said, extra = items
        carried = [] if carried and any(carried[0].value == s.value for s in said) else carried  # said again
        inputs = restated_durations([*carried[:1], *said, *extra], [*earlier, *qs[:first]], result)
        inputs = percent_unsaid(inputs, result)
        context = scale_context([*earlier, *qs[:first]])
        first = i
        availability = inputs[0].kind == "percent" and inputs[0].value >= 0.9 and result.kind == "duration"
        summed = len(said) == 1 and bool(re.search(r"\bplus\b|\+", clause[said[0].start : said[0].end], re.I))
        # "90,000 core-seconds, which is 25 core-hours": a unit conversion
        converted = (
            len(inputs) == 1
            and not re.search(r"\bso\b", between, re.I)  # "230 MB, so 60 GB free": a new amount
            and inputs[0].kind == result.kind
            and result.kind in ("duration", "bytes")
            and inputs[0].value / inputs[0].spoken != result.value / result.spoken
        )
        if converted and same_over_periods(clause, inputs[0], result):
            continue  # "21.6 minutes a month, roughly 4.5 hours a year": the same amount over another period
        if (
            len(inputs) == 1
            and not availability
            and not summed
            and not converted
            and not (
                inputs[0].per_seconds and result.per_seconds and inputs[0].per_seconds != result.per_seconds
            )
        ):
            continue  # one number restated, or scaled by something left unsaid: not a derivation
        if not (_comparable(inputs, result) or (items and items[1]) or share_worked(clause, said, result)):
            continue
        # "3 billion a day. Divide by 86,400, it's 35K a second" divides the number said before
        gaps = [
            clause[said[j - 1].end if j else 0 : q.start] if j or carried else "" for j, q in enumerate(said)
        ]
        divide = (
            (False,) * len(carried[:1]) + tuple(bool(_DIVIDE.search(g)) for g in gaps) + (True,) * len(extra)
        )
        multiplied = (
            (False,) * len(carried[:1])
            + tuple(bool(_TIMES_GAP.search(g)) for g in gaps)
            + (False,) * len(extra)
        )
        period = period_after(clause, result)
        busy = bool(_BUSY.search(clause[: result.start]))
        timed_count = not any(q.per_seconds for q in inputs) and any(
            q.kind == "duration" and _TIMES_NEXT.match(clause, q.end) for q in said
        )
        steps.append(
            Derivation(
                tuple(inputs),
                divide,
                result,
                context,
                period,
                tuple(carried[1:]),
                bool(carried),
                busy,
                timed_count,
                fanned,
                multiplied,
            )
        )
        qs[i] = over_inputs_period(result, inputs, divide)
        last = i
    return steps


_OPENING = re.compile(r"^\s*(?:at|with|for)\s+[~$]?\s*$", re.I)
_ELIDED = re.compile(r"\s+(?:about|roughly|around|approximately)\s+[~$]?\s*", re.I)
_PER_BEFORE = re.compile(r"\bper\s+$", re.I)
_OF_NEXT = re.compile(r"\s*(?:[a-z-]+\s+)?of\s+(?:the\s+|our\s+|all\s+|those\s+)?[~$]?\s*", re.I)
_FLEET = re.compile(
    r"^\s*(?:more |extra |[\w-]+ )?(?:replicas?|gpus?|servers?|nodes?|machines?|instances?|pods?|workers?|"
    r"shards?|hosts?|cores?|boxes|cards?|accelerators?)\b",
    re.I,
)


_BUSY = re.compile(r"\b(?:busy|busiest|peak|active|waking|prime|evening|daytime|working|business)\b", re.I)
_LABEL = re.compile(
    r",\s*(?!(?:about|roughly|around|approximately|so|maybe|call|times|over|divided|plus|minus|or|and|at|with|per|"
    r"each|which|that|is|then|say|nearly|almost|just|only|peak|up|down|another|more|less)\b)[a-z]+\s+[~$]?$",
    re.I,
)
_ONTO = re.compile(
    r",\s*and\s+(?:then\s+)?(?:over|divid\w*(?: (?:that|it|this))? by|spread (?:out )?over|across|averaged? (?:out )?over)\s*$",
    re.I,
)
_FRESH = re.compile(
    r",\s*(?:and|but|while|whereas|say|e\.g\.|for example)\b|,\s*an?\s+[~$]?$|;|(?<!\bthat fare)(?<!\bthat price)(?<!\bthat rate):(?!\s*(?:roughly|about|around|approximately|call it)\b)|"
    r"\bsay\b|,\s*(?=[\d.]+\s*(?:%|percent))|\s[<>≤≥]=?\s|"  # "p × 150 > (1 − p) × 20": each side its own
    r"^\s*(?:[\w'-]+\s+){4,}and\s+$",  # "40 million people get the daily digest and 80 million ..."
    re.I,
)


def pending_operation(sentence: str) -> str:
    """The operation a sentence ends on without its result ("... then that's 70,000 times 500."), which a
    next sentence opening on a result ("So roughly 3.5 million a second") completes; else ""."""
    text = words_to_digits(strip_fillers(sentence))
    last = (clauses(text) or [""])[-1]
    qs = quantities(last)

    def joined(k: int) -> bool:
        gap = last[qs[k - 1].end : qs[k].start]
        return len(gap.split()) <= 4 and bool(_OPERATOR.search(gap)) and not _RESULT_CUE.search(gap)

    if len(qs) < 2 or not joined(len(qs) - 1) or len(last[qs[-1].end :].split()) > 3 or "?" in last:
        return ""
    k = len(qs) - 1
    while k > 0 and joined(k):
        k -= 1
    return last[qs[k].start : qs[-1].end]


def _comparable(inputs: Sequence[Quantity], result: Quantity) -> bool:
    """Whether the result's kind can come from these inputs (bytes from bytes, time from time...)."""
    kinds = {q.kind for q in inputs}
    if result.kind == "percent" or (result.kind == "money" and "money" not in kinds):
        return False
    if result.kind == "duration" and any(q.kind == "percent" and q.value >= 0.9 for q in inputs):
        return True  # downtime from an availability target
    if result.kind == "duration" and kinds & {"count", "bytes"} and any(q.time_power == -1 for q in inputs):
        return True  # "3.2 billion rows at 20 thousand a second is 160 thousand seconds"; 70 GB over a link
    if result.kind in ("duration", "bytes"):
        return result.kind in kinds
    if result.kind == "count" and ("bytes" in kinds or not kinds & {"count", "money"}):
        return False
    return not ("duration" in kinds and not any(q.per_seconds for q in inputs) and result.per_seconds is None)
