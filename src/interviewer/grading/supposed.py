"""Sentences that suppose a mistake to show its harm, rather than make it.

"If we train on raw clicks, the model copies the old ranking" does not train on raw clicks; "Holding every
upload would turn a classifier outage into a posting outage" does not hold uploads; after "The failure I'd plan
for first is a broken feed", "If a feed arrives half-empty, we under-order for weeks" describes that failure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.grading.options import weighed_options

# "If we train on raw clicks, the model copies the old ranking": a condition whose consequence is a harm
# reasons about the mistake rather than making it. "If NDCG improves offline, we ship" states a plan.
_CONDITION = re.compile(
    r"^\s*(?:(?:but|and|so|now)\s+)?(?:if|when|whenever|once|suppose|say)\b([^,]{3,160}),\s*(.+)$",
    re.I | re.S,
)
# The condition must be a choice someone makes ("if we train on clicks"), not an event ("if Redis is down,
# the request fails" is a design that lets requests fail).
_SO_IF = re.compile(r"[,;]\s*so\s+(?=if\b)", re.I)
_CHOOSER = re.compile(
    r"\b(?:i|we|you|they|the team|someone|anyone)\b|\b(?:every|all|each)\b.*\b(?:is|are|gets?) \w+ed\b", re.I
)
_PAST = re.compile(
    r"\b(?:(?!(?:feed|need|speed|seed|embed|bed|red|shed|breed|proceed|exceed|succeed)\b)\w+ed|were|was|did|had|"
    r"used|took|sent|kept|ran)\b",
    re.I,
)
_WOULD = re.compile(r"\b(?:would|could|might)\b|'d\b", re.I)
_SIZED = re.compile(
    r"^\s*(?:that's|that is|that would be|it's|it would be|this is|we'd (?:have|need|get)|we would (?:have|need|get))\b"
    r".*(?:\d|\b(?:hundred|thousand|million|billion|trillion)\b)",
    re.I,
)
# harms a supposed mistake leads to ("a logistic regression" names a model, not a quality regression)
_HARM = re.compile(
    r"\b(?:cop(?:y|ies|ying)|reinforc\w*|feedback loop|leak\w*|overfit\w*|bias(?:ed)?|collaps\w*|degrad\w*|"
    r"break\w*|broke|arriv\w* late|be dropped|get dropped|fail\w*|drift\w*|stale|miss(?:es|ing)?|los(?:e|es|ing)|hurt\w*|wrong|worse|worst|bad|"
    r"clickbait|explod\w*|blow\w* up|crash\w*|overload\w*|time(?:s)? out|timeouts?|violat\w*|too (?:slow|late|"
    r"expensive|costly|low|high)|amplif\w*|starv\w*|inflat\w*|mislead\w*|gam(?:e|ed|ing)\b|exploit\w*|problem\w*|"
    r"risk\w*|suffer\w*|(?<!logistic )(?<!linear )(?<!quantile )(?<!ridge )(?<!lasso )(?<!poisson )(?<!softmax )regress\w*|unfair\w*|penali[sz]\w*|punish\w*|never|can't|cannot|won't|"
    r"misses|useless|meaningless|garbage|noise|noisy|optimistic|a world without|blind to|"
    r"reward\w* (?:the )?(?:fraud\w*|spam\w*|abuse\w*|bots?|clickbait)|set everyone's|starv\w*|hog\w*|swamp\w*|"
    r"bur(?:y|ies|ied|ying)\b|flood\w*|drown\w*|overwhelm\w*|"
    r"over-?estimat\w*|under-?estimat\w*|"
    r"interfer\w*|contaminat\w*|spill\w*|confound\w*|skew\w*|neither|outages?|paid out|already gone|ruled out|"
    r"stop\w* (?:all )?(?:commerce|payments?|posting|uploads?|traffic|sales|checkout)|take\w* (?:[\w-]+ ){0,3}?down|"
    r"(?:doesn't|does not|don't|do not) allow|not allowed|(?:adds?|piles? on|more) load|makes? (?:it|things|matters) worse|under-?(?:order|forecast|stock|pric|count|report|deliver)\w*|over-?order\w*)\b",
    re.I,
)


# "The failure I worry about most is silent: a feed arrives half-empty and the model reads it as zero demand":
# a sentence that opens by naming a failure describes the harm, not the design
_HAZARD = re.compile(
    # "If the candidate service gets slow, the worst thing is to keep retrying": after a condition too
    r"^\s*(?:if\s[^,;]{1,80},\s*)?(?:(?:so|and|but|now)\s+)?(?:(?:the|a|one|my|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:failure(?: mode)?|risk|danger|trap|pitfall|worry|hazard|worst thing|worst mistake|mistake|anti-pattern)s?"
    r"(?:\s+(?:i|we)(?:'d| would)?\s+(?:worry|care|think|watch)\s+(?:about|for)(?:\s+most)?)?\s+(?:is|are)\b|"
    r"what (?:worries|scares|concerns) me\b)",
    re.I,
)
# "a small language can break while the global average looks fine": the mistake named as what hides a harm
_HIDDEN_HARM = re.compile(
    r"\b(?:can|could|may|might|will|would)\s+(?:\w+\s+)?(?:break|fail|degrade|drop|get worse|regress|collapse)\w*"
    r"\s+(?:while|even (?:though|if|as|when)|although|and nobody|without anyone)\b",
    re.I,
)


# "Holding every upload would turn a classifier outage into a posting outage": an option as the subject of
# what it would do
# "..., since retrying a slow service just adds load to it"
_SUPPOSED = re.compile(
    # ", so retraining only on approved ones shows the model a world without the fraud it caught"
    r"(?:^\s*(?:(?:but|and|so|now)\s+)?|\b(?:since|because)\s+|[,;]\s*so\s+)[a-z]+ing\b[^,;:]{0,100}?"
    r"\b(?:would|could|might|just|only|simply)\b(.+)$",
    re.I,
)


# "One shared first-in-first-out queue would let the biggest tenant set everyone's latency": an option as the
# subject of the harm it would do
_OPTION_WOULD = re.compile(
    r"^\s*(?:(?:but|and|so)\s+)?(?:(?:a|an|one|the|any|every|just)\s+)?(?:[\w-]+\s+){0,5}?would\s+(.+)$", re.I
)


# "From one central region, round trips spread to 150 ms, and many bids would arrive late": the option not taken
_FROM_ONE = re.compile(
    r"^\s*(?:from|with|on|in|using)\s+(?:a|an|one|the|just)?\s*(?:single|one|central|shared|lone)\b[^,]{0,40},.*?"
    r"\bwould\s+(.+)$",
    re.I,
)


# "Let me cost the simple version, the large model on every turn.", "Let me cost the large model everywhere.":
# an option put up to be costed
_COSTED = re.compile(
    r"^\s*(?:(?:first|so|okay|ok|now),?\s+)?let(?:'s| me| us)\s+(?:first\s+|quickly\s+)?"
    r"(?:cost|price|size|estimate|sanity[- ]check)(?:\s+out)?\s+(?:the|a|an)\s+"
    r"(?:(?:simple|simplest|naive|na\xefve|obvious|brute[- ]force|baseline|straightforward|easy)\b|"
    # "Let me cost the large model everywhere.": the option alone, put up to be costed
    r"[\w -]{1,40}\b(?:everywhere|on every \w+|for every \w+|for all \w+)\s*[.:]?\s*$)"
    # "The option of sending all traffic to a hosted LLM ought to be costed.": an option put up to be weighed
    r"|^\s*(?:the )?(?:option|idea|possibility|alternative) of\b.{3,120}?\b(?:ought to|should|is to|must|needs? to) "
    r"be (?:costed|priced|sized|estimated|considered|examined|evaluated|weighed)\b",
    re.I,
)


# "..., pushing every post into inboxes is a hundred billion writes a day": an option sized, not chosen
_OPTION_SIZED = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:but|and|so|then)\s+)?[a-z]+ing\b[^,;:]{0,80}?\s(?:is|would be|means|costs?|comes to|"
    r"works out (?:to|at)|adds up to)\s+(?:about\s+|roughly\s+|around\s+|some\s+|nearly\s+|over\s+)?"
    r"(?:a\s+|an\s+)?(?:\d|(?:hundred|thousand|million|billion|trillion|few|couple)\b)",
    re.I,
)


# "A large model on every turn costs about $112 thousand a month, four times the budget": sized and ruled out
_OVER_BUDGET = re.compile(
    r"\b(?:costs?|is|comes to|runs)\b[^.;]{0,140}?(?:\b(?:two|three|four|five|six|ten|several|many|\d+(?:\.\d+)?)\s*(?:times|x)\s+"
    r"(?:the|our|its|that)\s+budget|\b(?:well |far |way )?(?:over|above) (?:the|our) budget|"
    r"\b(?:blows|breaks|busts|exceeds) (?:the|our) budget)",
    re.I,
)


# "More shards are not free: every query waits for the slowest, so tail latency rises": the cost of an option
_NOT_FREE = re.compile(
    r"^\s*(?:[\w-]+\s+){1,4}(?:is|are)(?:n't| not) free\s*[:,;]|^\s*(?:[\w-]+\s+){1,4}(?:has|have|comes? with) a "
    r"(?:cost|price|catch)\s*[:,;]",
    re.I,
)
_HARM_GROWS = re.compile(
    r"\b(?:latency|p9\d|tail|cost|load|lag|delay)s?\s+(?:\w+\s+)?(?:rises?|grows?|goes up|climbs?|increases?|"
    r"blows? up|spikes?)\b",
    re.I,
)


# "optimising raw click-through pulls cheap, sensational items to the top": an option named by what it does wrong
_OPTION_HARMS = re.compile(
    # "a pure click target favours thumbnails people bail on"
    r"\b(?:optimi[sz]ing|maximi[sz]ing|chasing|ranking (?:by|on)|training on|"
    r"(?:a|the) (?:pure|raw|plain|naive|bare) [\w-]+ (?:target|objective|goal|label))\s[^,;.]{0,40}?\b(?:pulls?|"
    r"push(?:es)?|promotes?|rewards?|favou?rs?|surfaces?|floats?)\s[^.;]{0,30}?\b(?:cheap|sensational|clickbait|"
    r"baity|misleading|low-quality|junk|spam\w*|bail\w*|abandon\w*)\b",
    re.I,
)


# "**Pitfall I'd avoid:** reading propensities off ...", "Common mistake: ...", "Not doing: ...": a label that
# names what follows as the mistake
_PITFALL = re.compile(
    r"^\W*(?:[\w']+\s+){0,2}?(?:pitfalls?|traps?|anti-?patterns?|mistakes?|gotchas?|what (?:not )?to avoid|to avoid|"
    # "you don't need it there: ..." is a statement with a subject, not a label
    r"avoid|(?<!\byou )(?<!\bwe )(?<!\bi )(?<!\bthey )(?:don'?t|do not)|not doing|rejected|ruled out)\b[^:.]{0,30}:",
    re.I,
)


# "The service account is less plumbing, but then an injected prompt can read someone else's order.": what an
# option weighed costs
_BUT_THEN = re.compile(r"^[^.;:?]{3,120}?,\s*but then\s[^.;?]{0,120}?\b(?:can|could|would|might|may)\b", re.I)


# "Retrying without a deadline is how slowness becomes an outage": an option named as the way to a harm
_IS_HOW = re.compile(
    r"^\s*(?:(?:but|and|so)\s+)?[a-z]+ing\b[^,;:]{0,80}?\bis (?:exactly |precisely )?(?:how|what (?:turns|makes))\b(.+)$",
    re.I,
)
# "Raw clicks mostly tell you what the old ranker put on top, so a new model just learns to copy it": a harm said
# of anyone's design, with no choice of the candidate's in it
_FIRST_PERSON = re.compile(r"\b(?:i|we|us|i'd|we'd|i'll|we'll|i'm|we're|our|my|let's)\b", re.I)
_SO_THEN = re.compile(r",\s*(?:so|which means)\s+(.*\b(?:just|simply|merely|ends? up|learns? to)\b.+)$", re.I)


# "Holding payments until scoring recovers might feel safer, but it would stop commerce": a tempting option and
# what it would cost
_TEMPTING = re.compile(
    r"^\s*(?:(?:but|and|so)\s+)?[a-z]+ing\b[^,;:]{0,100}?\b(?:looks?|seems?|sounds?|feels?|is|would be|might (?:feel|"
    r"seem|look|be))\s+(?:[\w-]+\s+){0,2}?(?:safer|simpler|easier|cheaper|cautious|tempting|attractive|natural|"
    r"obvious|fine|safe|simple|easy|cheap|faster)\b[^,;]{0,40},?\s*but\s+(?:it|that|this)?\s*(?:would|will|could)\s+(.+)$",
    re.I,
)


# "A large model on every turn comes to about $112 thousand a month, nearly four times over, so that's out"
_RULED_OUT = re.compile(
    r"[,;]\s*so\s+(?:that's|that is|it's|it is|this is|that option is)\s+(?:out|off the table|ruled out|"
    r"a non-starter|not an option)\s*[.!]?\s*$",
    re.I,
)


def reasons_about_mistake(sentence: str) -> bool:
    """Whether `sentence` supposes a mistake to show its harm: "if X, Y goes wrong" does not assert X, nor
    does "Y can break while X looks fine", "doing X would break Y", "let me cost the naive version, X",
    "**Pitfall I'd avoid:** X", "we could X, or Y" or "X is simpler, but then Y can happen"."""
    if _HIDDEN_HARM.search(sentence) or _HAZARD.match(sentence) or _COSTED.match(sentence):
        return True
    if _MISTAKE_LEAD.match(sentence) or _RULED_OUT.search(sentence):
        return True  # "A mistake I see a lot is making click-through rate the target"
    if _PITFALL.match(sentence) or weighed_options(sentence) or _BUT_THEN.match(sentence):
        return True
    if _NOT_FREE.match(sentence) and _HARM_GROWS.search(sentence):
        return True
    if _OPTION_SIZED.search(sentence) or _OVER_BUDGET.search(sentence) or _OPTION_HARMS.search(sentence):
        return True
    if (how := _IS_HOW.match(sentence)) and _HARM.search(how.group(1)):
        return True
    if (
        not _FIRST_PERSON.search(sentence)
        and (then := _SO_THEN.search(sentence))
        and _HARM.search(then.group(1))
    ):
        return True
    supposed = (
        _SUPPOSED.search(sentence)
        or _OPTION_WOULD.match(sentence)
        or _FROM_ONE.match(sentence)
        or _TEMPTING.match(sentence)
    )
    if supposed and _HARM.search(supposed.group(1)):
        return True
    so_if = _SO_IF.search(
        sentence
    )  # "Riders share the drivers, so if I randomised by rider, ... would bias ..."
    match = _CONDITION.match(sentence) or (_CONDITION.match(sentence[so_if.end() :]) if so_if else None)
    if not match:
        return False
    # "If last night's retrain treated unconverted clicks as negatives, it would ...": a counterfactual
    counterfactual = bool(_PAST.search(match.group(1)) and _WOULD.search(match.group(2)))
    if not (_CHOOSER.search(match.group(1)) or counterfactual):
        return False
    # "If every post is pushed to every follower, that's 100 billion writes a day": sizing the option
    return bool(_HARM.search(match.group(2)) or _SIZED.match(match.group(2)))


# "On evaluation, I'd be careful about the offline-online gap.": the sentence after describes the hazard
_CAUTION = re.compile(
    r"\b(?:be careful (?:about|with|of)|watch out for|(?:worr(?:y|ied)|concerned|nervous) about|beware|"
    r"the catch is|plan for first|biggest (?:risk|danger|worry)|what can go wrong)\b",
    re.I,
)


def warns(sentence: str) -> bool:
    """Whether `sentence` names a hazard the next sentence goes on to describe."""
    return bool(_HAZARD.match(sentence) or _CAUTION.search(sentence))


def describes_hazard(sentence: str) -> bool:
    """Whether `sentence`, said right after a warning, describes the harm: a harm in what it says, or in the
    consequence of its condition ("If a feed arrives half-empty, ... we under-order for weeks")."""
    match = _CONDITION.match(sentence)
    return bool(_OUTCOME.search(match.group(2) if match else sentence))


# "A mistake I see a lot is ...", "The trap here is ...", "First, a mistake to avoid: ...", "People are tempted to
# ...": a mistake named to be avoided, as a mentor does
_MISTAKE_LEAD = re.compile(
    r"^\s*(?:(?:so|and|but|first|also|now|then|second|third|finally|again)\s*,?\s+)*"
    r"(?:(?:a|the|one|my|our)\s+)?(?:[\w-]+\s+)?(?:mistakes?|traps?|pitfalls?|anti-?patterns?|gotchas?)\b"
    r"[^.;:]{0,40}?(?:\bis\b|\bare\b|\bwould be\b|:)|"
    r"^\s*(?:(?:so|and|but|first|also)\s*,?\s+)?(?:people|teams|folks|candidates|juniors|engineers|many|most|some|"
    r"everyone|you)(?:\s+\w+)?\s+(?:are|get|often get|will be|feel|might be|may be)\s+tempted\s+to\b",
    re.I,
)
_ANOTHER = re.compile(
    r"^\s*(?:and\s+)?(?:another|a second|the second|the other|one more)"
    r"(?:\s+(?:one|mistake|trap|pitfall|common one|classic|i see))?\s+(?:is|:)",
    re.I,
)


# what a hazard does to the product, not only what it touches ("missing rows" names no harm done)
_OUTCOME = re.compile(
    r"\b(?:under-?\w+|over-?order\w*|los(?:e|es|ing|t)|break\w*|broke|fail\w*|wrong|worse|cop(?:y|ies|ying)|"
    r"inflat\w*|bias\w*|mislead\w*|overstat\w*|looks? (?:good|great|better)|stockouts?|outages?|"
    r"complain\w*|(?:adds?|piles? on|more) load)\b",
    re.I,
)


# "Leaving API traffic out would bias the frame, so the sampled API requests are logged too": the option supposed
# is turned down, and what follows "so" is the design chosen instead
_CONCLUDED = re.compile(r",\s*(?:and\s+)?so\s+(?!that\b|it\b|they\b)(.+)$", re.I)
_INSTEAD = re.compile(r"(?:;|,\s*so|,\s*(?:and\s+)?instead,?|\.\s*instead,?)\s+(.+)$", re.I)
_DESIGN_VERB = re.compile(
    r"\b(?:i'd|we'd|i will|we will|i'll|we'll|i|we)\s+(?:\w+\s+)?(?:keep|log|store|send|feed|use|train|add|sample|run)\w*\b|"
    r"\b(?:is|are|get|gets)\s+(?:\w+\s+)?(?:logged|stored|kept|fed|sent|added|used|sampled|included)\b",
    re.I,
)


def drawn_conclusion(sentence: str) -> str:
    """The design a supposition leads to ("..., so the sampled API requests are logged too"), or ""."""
    if _MISTAKE_LEAD.match(sentence) and (instead := _INSTEAD.search(sentence)):
        rest = instead.group(
            1
        )  # "The trap is caching the feed for hours; instead I'd cache features for a minute"
        return rest if _DESIGN_VERB.search(rest) and not _HARM.search(rest) else ""
    supposed = _SUPPOSED.search(sentence) or _OPTION_WOULD.match(sentence)
    concluded = _CONCLUDED.search(sentence)
    if not (supposed and concluded) or concluded.start() < supposed.start(1):
        return ""
    harm, rest = sentence[supposed.start(1) : concluded.start()], concluded.group(1)
    if not _HARM.search(harm) or _HARM.search(rest) or not _DESIGN_VERB.search(rest):
        return ""
    return rest


def named_mistakes(sentences: Sequence[str]) -> set[int]:
    """The sentences that go on listing mistakes named just before: "A mistake I see a lot is scaling on CPU;
    the GPU queue backs up first. Another is sizing every region for the global peak." """
    found: set[int] = set()
    lead = -10
    for i, sentence in enumerate(sentences):
        if _MISTAKE_LEAD.match(sentence) or _RULED_OUT.search(sentence):
            lead = i
        elif _ANOTHER.match(sentence) and i - lead <= 3:
            found.add(i)
            lead = i
    return found


HARM = _HARM  # the harms a supposed mistake leads to, for readers of other framings
