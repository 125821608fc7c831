"""Which side a sentence takes: whether a term is asserted or rejected where it is said.

"Optimise watch time, not CTR" asserts watch time and rejects CTR; "CTR rather than watch time" the
opposite, with the same words. A term is rejected when a negator or a contrast ("not", "never", "won't",
"instead of", "rather than", "over", "avoid") comes before it in its own segment of the clause, or when the
segment goes on to call it wrong ("... is a trap", "... rewards clickbait").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Clauses: co-occurring terms must sit in one of these ("7 a.m." and "e.g." end none).
# "shown but not played", "impressions not clicked": what happened to an item, not a negation of the claim
_UNACTED = r"(?:played|clicked|watched|opened|bought|purchased|streamed|tapped|engaged with|acted on)\b"
_CLAUSE = re.compile(
    # typed "incl. recs", "approx. 3k", "vs. batch": an abbreviation's full stop ends no clause
    r";|(?<!\ba\.m)(?<!\bp\.m)(?<!\be\.g)(?<!\bi\.e)(?<!\bincl)(?<!\bapprox)(?<!\bvs)(?<!\bavg)(?<!\besp)(?<!\best)(?<!\bca)(?<!\bcf)(?<!\bviz)"
    r"\.\s|\?\s|!\s|"
    # "everyone but the author": "but" meaning "except" joins
    r"(?<!\beveryone )(?<!\banyone )(?<!\bnobody )(?<!\bno one )(?<!\ball )(?<!\bnothing )"
    r"\bbut\b(?!\s+not\s+(?:(?:enough|sufficient)\b|"
    + _UNACTED
    + r"))|\bwhereas\b|\bwhile\b|\balthough\b|\bhowever\b|"
    # "..., and I'd also write the prompts to the lake": a second thing done is a claim of its own
    r",\s+and\s+(?=(?:i|we)(?:'d|'ll|\s+would|\s+will)?\s+also\b)|"
    # "moderator decisions, plus every automatic removal as a positive": an item added on is claimed by itself
    r",\s+plus\s+(?=(?:every|all|any|each)\b)",
    re.I,
)
# Segments within a clause: a negator's reach ends at the next of these.
_SEGMENT = re.compile(
    r"(?<!\d),|,(?!\d)|\band\b|\bthen\b|\bso\b|\bbecause\b|\bsince\b|\bwhich\b|\(|\)|:|—|–", re.I
)
# "matching uploads against the hash list", "a query against the warehouse": comparing or querying, not opposing
_COMPARED = re.compile(
    r"\b(?:match|check|test|scan|screen|benchmark|compar|validat|verif|evaluat|scor|measur|weigh|quer|run|runs|ran|join|look\w* up)\w*"
    r"(?:\s+[\w'-]+){0,4}\s+$",
    re.I,
)
_NEGATOR = re.compile(
    # "never-before-heard tracks", "not-interested taps": a compound's first word negates nothing
    r"(?<![\w-])(?:not(?!-)(?!\s+(?:yet\s+)?"
    + _UNACTED
    + r")|no|never(?!-)|none|nothing (?:about|from|of|on|to do with|like)|nor|without|avoid(?:s|ing)?|instead of|"
    r"rather than|against|over(?!\s+(?:(?:the|a|an)\s+)?(?:last|past|next|previous|coming|following|each|every|time|whole|entire|course|day|week|month|year|weekend|night|network|wire|window|period|lead|\d))|"
    r"beats?|(?:cost|sanity|quick) check (?:with|for|on)|what if|even (?:if|though|when)|"
    # "separate from the nightly rebuild", "guarded by conversion": another part, or a guardrail, not the choice
    r"separate from|apart from|guarded by|"
    # "you'd check early whether people can review everything": a question asked, not an answer
    r"(?:check|checks|checking|ask|asks|asking|find out|verify|decide|figure out|work out|question is)\s+(?:\w+\s+)?(?:whether|if)\b|suppose|supposing|imagine|for comparison|"
    # "Let me price a large model on every turn": an option costed before it is chosen or not
    r"let(?:'s| me| us) (?:price|cost|size|estimate|sanity-check|try)\b|"
    r"tempting to (?:\w+ )?(?:say|pick|use|go with|chase|optimi[sz]e|reach for|think)|the temptation is to|"
    r"(?:naive|na\xefve|obvious|easy|lazy|knee-jerk) (?:move|approach|answer|choice|option|thing) (?:would be|is)|"
    r"(?:common |classic |typical |big |first )?(?:mistake|trap|pitfall) (?:(?:i|we) (?:see|make|hit)(?: (?:a lot|most|most often|often|all the time))? )?(?:is|would be|here is) (?:to|thinking|assuming|using|treating|optimi[sz]ing|chasing|keeping|making|letting|running|training|caching|scoring|sending|holding|putting)|"
    r"easy to (?:say|think|assume|reach for)|(?:you|one|people|some) (?:might|may|could|would) (?:think|say|assume|argue)|"
    r"steer clear of|stay away from|(?<!how )(?:some|many|most|lots of|a lot of|plenty of|other) (?:teams|companies|shops|tutorials|candidates)|"
    # "drop the cells to a reduced ceiling" lowers them, it does not drop them
    r"stop(?:s|ping)?|(?<!price )(?<!price-)drop(?:s|ping)?(?!\s+(?:[\w-]+\s+){0,4}?to\s+(?:a|an|\d|one|two|half)\b)|"
    r"skip(?:s|ping)?|reject(?:s|ing)?|rul(?:e|es|ed|ing) out|replac(?:e|es|ed|ing)(?!\s+(?:it|them|that|this)\s+with\b)|swap(?:s|ped|ping)? out|retir(?:e|es|ed|ing)|"
    r"won't|isn't|aren't|don't|doesn't|didn't|shouldn't|wouldn't|can't|cannot|mustn't|neither|wasn't|weren't|"
    r"hasn't|haven't|(?:cheaper|simpler|easier|faster|quicker|better|safer|slower|cleaner|smaller|lighter|more \w+)"
    r"(?: (?:for|to) \w+)? than)\b",
    re.I,
)
_REPLACED_BY = re.compile(r"\b(?:with|by|for)\b", re.I)
_CALLED_WRONG = re.compile(
    r"^[^,;]{0,80}?\b(?:(?:is|are|was|were)\s+(?:a\s+|an\s+)?(?:trap|wrong|misleading|bad|poor|useless|"
    r"meaningless|dangerous|a mistake|the wrong|noisy|unreliable|flawed|biased|gameable|overrated|insufficient|"
    r"(?:necessary|needed|required|useful|a start|fine) but not (?:enough|sufficient)|"
    r"not enough|slow to move|hard to (?:measure|trust)|a vanity metric)|rewards?\s+(?:outrage|clickbait)|means? (?:almost )?nothing|(?:says|tells(?: us| you)?) (?:almost |next to |close to )?(?:nothing|very little)\b|is not|are not|isn't|aren't|"
    r"(?:won't|wouldn't|doesn't|does not|will not|can't|cannot) (?:work|scale|keep up|hold|fit|meet|make it)|"
    r"(?:doesn't|does not|don't|do not) (?:belong|(?:really )?matter)|"
    r"would be (?:wrong|a mistake)|never (?:becomes?|turns? into|gets? to be) (?:the|a|our)\b|(?:is |are |far )?too (?:slow|expensive|costly|heavy)|"
    r"is a bad idea|breaks?\b|falls? over|(?<!n't )(?<!not )(?<!never )(?<!\bto )(?:leaks?|inflates?|flatters?|overstates?)\b|"
    r"(?:tested|evaluated|validated|scored) on the same\b|"
    r"(?:is|are|gets?) (?:dominated|swamped|drowned out) by\b|"
    r"and (?:rejected|ruled out|dropped|discarded|abandoned) (?:it|that|them|the idea)\b|"
    r"(?:is|are) (?:the|a|an) (?:\w+ )?(?:mistake|anti-pattern)\b|would be the wrong\b|"
    r"(?:is|are|looks?|seems?|sounds?) tempting\b|(?:was|were) the (?:old|previous|legacy|original) "
    r"(?:approach|way|objective|target|metric|setup|design)\b|"
    # "Accuracy stays off the dashboard", "That batch goes, because ...": set aside or retired in a migration
    r"(?:stays?|kept|keep it) off (?:the|our|any)\b|(?<!as far as it )(?<!as far as that )(?:goes|has to go|must go)"
    r"(?=\s*[,.;]|\s+(?:away|because|since|entirely)\b)|(?:gets?|is) retired\b|"
    r"(?:is|are)\s+(?:out\b(?!\s+(?:of|there|in|front|for|to|on|by|at)\b)|off the table|ruled out|a non-starter|"
    r"not an option)|"
    # "a rider's history or device never enters the price"
    r"(?<!that )(?<!which )(?<!who )(?:never|(?:do|does|must|should|will|can|may)(?:n't| not)|won't|can't|cannot) (?:enters?|affects?|touch(?:es)?|"
    r"influences?|feeds? into|goes? into|reach(?:es)?|factors? into|plays? (?:a|any) (?:part|role))\b|"
    r"(?:is|are) never (?:used|an input|considered|part of)\b|"
    r"(?:is|are|stays?) (?:kept )?out of the (?:price|model|features?)\b|"
    r"would (?:be|cost|take|need) (?:\w+ ){0,2}times (?:that|as much|more|the)|(?:would |can |will )?(?:hides?|mask(?:s)?) (?:that|it|them|the|a|problems|regressions))",
    re.I,
)


# "any transaction without a chargeback yet as legitimate", "with no dispute are labelled genuine": "no" and
# "without" negate their noun, not what the thing is then treated as
_TREATED_AS = re.compile(
    r"\b(?:as|(?:are|is|get|gets|be|been)\s+(?:labell?ed|treated|marked|counted|considered|assumed|taken)|"
    r"counts?\s+as)\b",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    """A term found in a clause, and whether the clause asserts it there."""

    term: str
    start: int
    end: int
    asserted: bool


@lru_cache(maxsize=16384)
def clauses(text: str) -> tuple[str, ...]:
    """The clauses of `text`: co-occurring terms of one claim must share a clause."""
    return tuple(c.strip() for c in _CLAUSE.split(text) if c and c.strip())


@lru_cache(maxsize=16384)
def claimed_clauses(text: str) -> tuple[str, ...]:
    """The clauses of `text` that claim something: not one set up only to be knocked down by the clause after
    it ("We could optimise click-through rate, but that rewards clickbait"; "..., but the goal is watch time")."""
    out: list[str] = []
    start = 0
    for end in [*(m.start() for m in _CLAUSE.finditer(text)), len(text)]:
        part = text[start:end].strip()
        but = _BUT.match(text, end)
        set_up = but is not None and (
            _REBUTTAL.match(text, but.end()) is not None or _SOUNDS_FINE.search(part) is not None
        )
        if part and not set_up and not _ECHO.match(part):
            out.append(part)
        separator = _CLAUSE.match(text, end)
        start = separator.end() if separator else len(text)
    return tuple(out)


# "so you asked about the click labels", "to your point about freshness": the interviewer's topic said back,
# no claim of the candidate's
_ECHO = re.compile(
    r"^(?:\w+[\s,]+){0,4}?(?:you (?:asked|mentioned|brought up|raised)|(?:to|on|re) your (?:point|question)"
    r"|(?:good|great|fair) (?:question|point))\s+(?:about|on|of|regarding|around)\b(?:\s+[\w'-]+){1,6}[\s.?!]*$",
    re.I,
)
_TOPIC = re.compile(
    r"(?:you (?:asked|mentioned|brought up|raised)|(?:to|on|re) your (?:point|question)|(?:good|great|fair) "
    r"(?:question|point)|^\W*(?:and |so |but |now )?(?:what|how))\s+(?:about|on|of|regarding|around)\s+(?:using\s+|adding\s+)?(?P<topic>[\w' -]{3,60}?)"
    r"[\s.?!]*$",
    re.I,
)
_PRONOUN = re.compile(
    r"\b(?:it|them)\b(?!')|^(?:that|this)(?='s\b| is\b)", re.I
)  # "What about X? That's ..."


# "seniority + salary band as soft features? nah, I wouldn't, filter them out hard": an option asked and turned down
_ASKED_OPTION = re.compile(
    r"^\W*(?P<topic>[\w+/&' -]{3,60}?)\s+(?:as|for|in|into|on|via|with)\b[^?]{0,60}\?\s*$", re.I
)
_TURNED_DOWN = re.compile(r"^\W*(?:nah|no|nope|not really)\b", re.I)


def with_topic(previous: str, text: str) -> str:
    """`text` with its opening "it" read as the topic the sentence before said back: after "so to your point
    about using a large language model", "I'd call it on every load" calls the language model; after an option
    the candidate asked themselves and turned down ("seniority as a soft feature? nah, filter them out"), "them"
    is that option's subject."""
    topic = _TOPIC.search(previous) or (_ASKED_OPTION.match(previous) if _TURNED_DOWN.match(text) else None)
    pronoun = _PRONOUN.search(text, 0, 60) if topic else None
    if topic is None or pronoun is None:
        return text
    return f"{text[: pronoun.start()]}{topic.group('topic')}{text[pronoun.end() :]}"


# "Caching them for an hour sounds cheap, but ...": a clause that ends by granting the option its appeal
_SOUNDS_FINE = re.compile(
    r"\b(?:sounds?|looks?|seems?|feels?|would be|might be|could be) (?:\w+ ){0,2}?(?:cheap|simple|easy|appealing|attractive|reasonable|"
    r"cheaper|simpler|easier|"
    r"tempting|fine|good|nice|obvious|natural|convenient|clean|neat)\W*$",
    re.I,
)
_BUT = re.compile(r"\s*but\b\s*", re.I)
# what knocks the clause before down: "that rewards clickbait", "it isn't the goal", "the real goal is ..."
_REBUTTAL = re.compile(
    r"(?:(?:that|it|this|they|those|doing so|which)(?:'s|'re)?\s+(?:\w+\s+){0,3}?"
    r"(?:rewards?|hurts?|breaks?|misses|miss|ignores?|fails?|leaks?|promotes?|favou?rs?|inflates?|"
    r"overstates?|hides?|costs?|loses?|invites?|encourages?|is wrong|are wrong|is a trap|isn't|aren't|"
    r"is not|are not|won't|wouldn't|doesn't|don't|can't|cannot|would (?:reward|hurt|break|miss|ignore|"
    r"fail|leak|promote|favou?r|cost|lose|invite|encourage))\b"
    r"|(?:\w+\s+){0,3}?(?:wins? that game|games? it)\b"
    r"|the (?:real |actual |true )?(?:goal|target|objective|aim|north star|metric that matters) is\b)",
    re.I,
)


# "So what are we maximising?", "Let me pin the objective first.", "Goal first.": the sentence after one of
# these names the goal, whatever words it uses ("I'd say gross bookings per hour")
_GOAL_ASKED = re.compile(
    r"^\s*(?:(?:so|okay|ok|now|first|then|and|well)\W+)*(?:"
    r"(?:what|which)\b[^.!?]*\b(?:optimi[sz]\w*|maximi[sz]\w*|goal|objective|target|north star|success|metric|"
    r"trying to (?:achieve|improve|do|get)|(?:is|are) (?:it|this|they|we) (?:\w+ )?for|headline|"
    r"number (?:\w+ ){0,3}(?:watch|watches|reports?|tracks?|looks? at))\b[^.!]*\?|"
    r"(?:let me|let's|let us|i'll|i'd|i want to|i'd like to)\s+(?:first\s+)?(?:pin|nail|settle|fix|lock|define|"
    r"agree|start with|begin with|set)\w*\s+(?:down\s+)?(?:on\s+)?(?:the|our|what)\s+(?:\w+\s+)?"
    r"(?:objective|goal|metric|target|north star|success)\w*\b[^.!?]*[.!]?|"
    r"(?:the\s+)?(?:goal|objective|metric|north star|success metric)s?\s+first\b[^.!?]*[.!]?"
    r")\s*$",
    re.I,
)


def asks_the_goal(sentence: str) -> bool:
    """Whether `sentence` asks or announces the goal, so that the next sentence states it."""
    return bool(_GOAL_ASKED.match(sentence))


@lru_cache(maxsize=16384)
def segments(clause: str) -> tuple[str, ...]:
    """The segments of a clause (split at commas, "and", "so", "because"...): a negator reaches its own."""
    return tuple(x.strip() for x in _SEGMENT.split(clause) if x and x.strip())


@lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(_term_regex(term), re.I)


_INFLECTION = r"(?:s|es|ed|d|ing)?"


def _term_regex(term: str) -> str:
    # A term matches at a word start and may continue ("optimi" matches optimise and optimizing).
    # A number matches whole: "5,000" is not said by "50000000", nor "30" by "300 ms".
    # A word before the last may be inflected: "push up" is said by "pushes up" and "pushed up".
    words = [re.escape(w) for w in term.lower().split()]
    words = [w + _INFLECTION if w.isalpha() and len(w) >= 3 else w for w in words[:-1]] + words[-1:]
    whole = r"(?!\d|,\d{3})" if term.strip()[-1:].isdigit() else ""
    return r"(?<![\w-])" + r"[\s-]+".join(words) + whole


def said_at_all(clause: str, terms: tuple[str, ...]) -> bool:
    """Whether any of `terms` may be said in `clause`, either way: a quick test before `mentions` reads
    each term. A term is said only where a word of the clause starts with the term's first word; a term
    whose first word is not a plain word is always looked for."""
    prefixes = _word_prefixes(clause)
    return any(first is None or first in prefixes for first in _first_words(terms))


_PLAIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")  # "don't" is one word, "'something" starts at the s
_PREFIX_LENGTH = 16


@lru_cache(maxsize=16384)
def _word_prefixes(clause: str) -> frozenset[str]:
    return frozenset(
        w[:k] for w in _PLAIN_WORD.findall(clause.lower()) for k in range(1, min(len(w), _PREFIX_LENGTH) + 1)
    )


@lru_cache(maxsize=16384)
def _first_words(terms: tuple[str, ...]) -> tuple[str | None, ...]:
    firsts: list[str | None] = []
    for term in terms:
        words = term.lower().split()
        first = words[0] if words else ""
        plain = bool(_PLAIN_WORD.fullmatch(first)) and len(first) <= _PREFIX_LENGTH
        firsts.append(first if plain else None)
    return tuple(firsts)


def mentions(clause: str, terms: list[str]) -> Iterator[Mention]:
    """Each place one of `terms` is said in `clause`, with its polarity."""
    prefixes = _word_prefixes(clause)
    for term, first in zip(terms, _first_words(tuple(terms)), strict=True):
        if first is not None and first not in prefixes:
            continue  # no word of the clause starts as the term does
        for match in _term_pattern(term).finditer(clause):
            yield Mention(term, match.start(), match.end(), is_asserted(clause, match.start(), match.end()))


def is_asserted(clause: str, start: int, end: int) -> bool:
    """Whether the words at `start:end` are asserted, not negated or contrasted away, in `clause`."""
    before = clause[:start]
    cut, last = 0, 0
    for boundary in _SEGMENT.finditer(before):
        cut, last = boundary.end(), cut
    if _VERB_AFTER_AND.match(clause, cut) and _WOULD_NOT.search(clause, last, cut):
        cut = last  # "I'd rather not approve on rules first and score later": the negation reaches both verbs
    # The negator is read with the words after it in view ("over the last week" is a period, not a contrast).
    negated = any(
        m.end() <= start
        for m in _NEGATOR.finditer(clause, cut, end)
        if not (m.group(0).lower() == "against" and _COMPARED.search(clause[cut : m.start()]))
        and not (m.group(0).lower() in ("no", "without") and _TREATED_AS.search(clause, m.end(), start))
        # "a slightly worse list beats an error page": "beats" rejects only what it is compared with
        and not (m.group(0).lower() in ("beat", "beats") and start - m.end() > 12)
        # "I'd replace deflection with resolution": what replaces it is asserted
        and not (
            m.group(0).lower().startswith(("replac", "swap")) and _REPLACED_BY.search(clause, m.end(), start)
        )
    )
    if (
        negated
        or _in_negated_list(clause, start)
        or (_REASON_OPENS.search(before) and _COSTS.match(clause, start))
    ):
        return False
    after = clause[end:]
    return not _CALLED_WRONG.match(after)


_WOULD_NOT = re.compile(
    r"\b(?:i|we)(?:'d| would)? (?:wouldn't|would not|won't|will not|don't|do not|never|rather not)\s+[a-z]+\b",
    re.I,
)
# "..., and score it later": "and" going on with a second verb, no subject of its own
_VERB_AFTER_AND = re.compile(
    r"(?<=\band)\s+(?!(?:we|i|you|it|they|he|she|the|a|an|this|that|there|our|its|their|then)\b)[a-z]+"
    r"(?!\s+[a-z]+(?:s|ed)\b)",
)


# "because pushing one post from a huge account means a hundred million writes": what an option would cost, given
# as the reason it is not taken
_REASON_OPENS = re.compile(r"\b(?:because|since)\s+$", re.I)
_COSTS = re.compile(r"\w*ing\b[^,.;]{0,80}?\b(?:means|would mean|costs|would cost)\b", re.I)


# "not meaningful interactions like comments, shares and replies", "not clicks, likes or shares": a negator
# reaches every item of the list it introduces. Items are short segments with no verb of their own; the
# list is introduced by "like"/"such as"/"including" after the negator, or it is an "or" list right after
# it ("we don't use clicks, and shares matter" asserts shares).
_LIST_ITEM = re.compile(
    r"^\s*(?!.*\b(?:we|i|you|they|it|he|she|this|that|is|are|was|were|will|would|can|should|must|do|does|"
    r"matter|matters)\b)(?:[\w'%-]+\s*){1,3}$",
    re.I,
)
_LIST_INTRO = re.compile(r"\b(?:like|such as|including|e\.g\.|for example)\b", re.I)
_LIST_BREAK = re.compile(r"(,|\band\b|\bor\b)", re.I)


def _in_negated_list(clause: str, start: int) -> bool:
    parts = _LIST_BREAK.split(clause[:start])
    pieces, joins = parts[0::2], [j.lower() for j in parts[1::2]]
    if len(pieces) < 2:
        return False
    rest = clause[start:]
    item_end = _LIST_BREAK.search(rest)
    if not _LIST_ITEM.match((pieces[-1] + (rest[: item_end.start()] if item_end else rest)).strip(" .")):
        return False
    used = []
    for piece, join in zip(reversed(pieces[:-1][-5:]), reversed(joins[-5:]), strict=False):
        used.append(join)
        if not piece.strip():
            if join == "and":
                return False  # ", and" starts a new clause more often than it ends a list
            continue
        negator = _NEGATOR.search(piece)
        if negator:
            tail = piece[negator.end() :]
            if _LIST_INTRO.search(tail):
                return True
            # "not per restaurant and area." ends the clause on the list; "we don't use clicks and shares matter"
            last = item_end is None or item_end.group() == ","
            return len(tail.split()) <= 2 and ("and" not in used or last)
        if not _LIST_ITEM.match(piece.strip()):
            return False
    return False


def names_other_kind(clause: str, subject: Sequence[str]) -> bool:
    """ "In-app requests follow the fuller path within 100 ms" after a sentence on exchange bids: the clause names
    its own kind of request, so a part named before (`subject`, "bid requests") is not what it speaks of."""
    heads = {term.split()[-1].lower() for term in subject if " " in term}
    if _OWN_SCOPE.search(clause) and not any(x.asserted for x in mentions(clause, list(subject))):
        return True  # "For our own feed the ad decision gets under 100 ms"
    return any(
        m.group(2).lower() in heads and not any(x.asserted for x in mentions(m.group(0), list(subject)))
        for m in _KIND_OF.finditer(clause)
    )


_OWN_SCOPE = re.compile(
    r"\b(?:for|in|on|within) (?:our|the) own (?:feed|app|site|inventory|pages?|surfaces?)\b|"
    r"\bin-app\b|\bfirst-party\b",
    re.I,
)
_KIND_OF = re.compile(r"\b([\w-]+) (requests?|traffic|bids?|calls?|queries)\b", re.I)
