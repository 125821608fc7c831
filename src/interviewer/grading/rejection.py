"""A key point the candidate says they would not do: "I wouldn't fall back to a chronological feed".

The bank's wrong claims catch the mistakes it lists in the words candidates use for them. This catches the
other common way of being wrong, whatever the question: declining the very practice a key point asks for
("I don't see a need to treat retrieved articles as untrusted", "we can skip the holdout"). What is declined
is read up to the end of its phrase; it counts as the key point when it shares at least two content words
with what the point says (its statement, what counts as right and the other ways of saying it), one of them a
word few other key points use ("chronological", "holdout"; not "followers" in a feed question), and at least
two more than with the point's own wrong claims, so declining a listed mistake ("I wouldn't retrain every
few minutes") is never taken for declining the point. Nor is choosing one side of a trade-off the point
describes: when the rest of the sentence says what is done instead in the point's other words ("we don't
push posts from huge accounts; we pull those at read time"), the point is met another way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from interviewer.content.questions import KeyPoint
from interviewer.grading.cues import says
from interviewer.grading.stance import clauses

_DECLINE = re.compile(
    r"\b(?:(?:i|we)(?:(?:'d| would)? (?:wouldn't|would not|won't|will not|don't|do not|shouldn't|should not|rather not|prefer not to)|'d not)\s+"
    # "I wouldn't rely on the system prompt to stop it" doubts what something does, not whether to have it
    r"(?!think|see|believe|rely|count on|depend|trust|lean on)"
    r"(?:(?:really |actually )?(?:need|want|plan|bother|have) (?:to |with )?)?"
    r"|(?:i|we) (?:don't|do not) (?:think|see|believe) (?:we(?:'d| would| will)? |there's |there is |a |any )?"
    r"(?:really )?"
    r"(?:need|point|reason|value) (?:to |in |for )?"
    # "I don't see the forecast needing quantiles", "I don't think the ranker needs ...": a part said not to need it
    r"|(?:i|we) (?:don't|do not) (?:think|see|believe) (?:the |a |an |our |this )?[\w-]+ (?:needing|needs|requiring|requires) "
    r"(?:to |a |an |any )?"
    # "the service does not fall back to a reverse-chronological feed": a step said not to be taken
    r"|\b(?:doesn't|does not|won't|will not|never) (?=falls? back\b)"
    r"|(?:there's|there is) no (?:need|point|reason) (?:to |in |for )"
    r"|\bno need (?:to |for )"
    r"|(?:i'd|we'd|we can|i would|we could|we'll) (?:skip|drop|leave out|do without) "
    # "Autoplay doesn't need ranking in real time": a part of the system said not to need it
    r"|\b(?:doesn't|does not|don't|do not) (?:really |actually )?need (?:to |a |an |any )?"
    # "Rather than an idempotency key on each email, I'd restart the batch": what comes first is declined
    r"|^(?:so |and )?(?:rather than|instead of) "
    # "the auction orders by the bid alone, not by bid times predicted click rate": the way set aside
    r"|,\s*(?:and\s+)?not (?=(?:by|through|via|using)\s+[\w-]+\s+[\w-]+))",
    re.I,
)
# "Inverse propensity weighting would be overkill here": what comes before is declined, after the fact.
_DISMISSED = re.compile(
    r"\b(?:(?:is|are|would be|will be|being|seems?|feels?|sounds?|looks?)(?: like)? (?:probably |just |really )?"
    r"(?:overkill|unnecessary|excessive|too much|over the top|not needed|not worth (?:it|the \w+)|a waste|"
    r"pointless|more trouble than)"
    r"|(?:isn't|is not|aren't|are not) (?:something|anything) (?:i|we)(?:'d| would)? (?:bother|do|need|want)"
    r"|(?:adds?|add) (?:more )?(?:noise|complexity|cost|latency) for (?:little|no) (?:gain|benefit|value)"
    r"|(?:isn't|aren't|is not|are not|wouldn't be) (?:really )?(?:needed|necessary|worth (?:it|the \w+))"
    # "watches already carry the signal, and the rest is just noise": a reason to go without, not a substitute
    r"|already (?:carry|carries|capture|captures|cover|covers|give|gives|tell|tells) (?:us )?(?:the|all the|enough|"
    r"that) (?:signal|information|story)|(?:is|are) (?:just|only|mostly|pure) noise|(?:is|are) enough to (?:catch|spot|see)"
    # "bots are a small share of clicks, and the model down-weights them on its own"
    r"|(?:is|are) (?:only |just )?(?:a )?(?:small|tiny|negligible|minor) (?:share|part|fraction|slice|problem)"
    r"|(?:learns?|handles?|fixes?|sorts?|corrects?|down-?weights?) (?:\w+ ){0,3}?(?:on its own|by itself|"
    r"on their own|by themselves)"
    # "daily retraining picks up whatever starts trending, so the loop sorts itself out"
    r"|(?:sorts?|takes? care of|fixes?|works?|irons?) (?:itself|themselves) out|(?:takes?|take) care of (?:itself|themselves))",
    re.I,
)
# The declined phrase ends at a pause or where the reason for declining starts.
_PHRASE_END = re.compile(
    r"[,:;.?!]|\b(?:because|since|so|but|unless|while|which|and (?:do|go|use|just|keep|rely|run|serve|instead))\b|"
    r"\b(?:for (?:that|it|this|those|them)|either|anyway|at all)\b",  # "we don't need idempotency keys for that"
    re.I,
)
_WORD = re.compile(r"[a-z][a-z-]{3,}")
STOP_WORDS = frozenset(
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
"""Words too common to tell what a sentence is about (shared with the claim checker)."""
MIN_SHARED = 2  # content words the declined phrase shares with the key point
MIN_MARGIN = 2  # more than it shares with what the point's wrong claims assert
MAX_SPREAD = (
    2  # one shared word at most this many of the key points use: the words that tell this point apart
)


def declined_point(sentence: str, points: Sequence[KeyPoint], after: str = "") -> KeyPoint | None:
    """The key point `sentence` says the candidate would not do, if any (the closest one); `after` is the
    sentence that follows, which may say what is done instead."""
    best: tuple[int, KeyPoint] | None = None
    spread = Counter(w for point in points for w in _point_words(point)[0])
    parts = clauses(sentence)
    for k, clause in enumerate(parts):
        for phrase, verb in _declined_phrases(clause):
            if k and _ANAPHOR.match(phrase):
                phrase = parts[k - 1]  # "people often keep X and Y, but I'd skip both"
            if any(says(phrase, wrong.cues, wrong.unless) for point in points for wrong in point.wrong):
                continue  # "I'd rather not approve first and score later" declines a listed mistake, no practice
            said = own = _words(phrase)
            if k and _DEMONSTRATIVE.search(phrase):
                # "..., but I don't think we need to treat those days differently": the days of the clause before
                said |= _words(" ".join(parts[:k]))
            rest = _PREDICATE.sub("", sentence[sentence.find(phrase) + len(phrase) :], count=1)
            # "I don't think we need to reserve slots, or log the probability ...": declined too, not instead
            rest = _DECLINED_TOO.sub("", rest, count=1)
            # a decline with its own reason ("..., since we wrote them ourselves") is not followed by what
            # is done instead
            # nor by a sentence that builds on it ("With these logs to hand, ...")
            rest += "" if _REASON.match(rest) or _BUILDS_ON.match(after) else " " + after
            # what is done instead is read word for word, plurals apart, as the point's means are
            instead = _words(rest, singular=False) if not _DISMISSED.search(rest) else frozenset()
            contrast = _NOT_BY.search(clause)
            if contrast:
                # "orders by the bid alone, not by bid times predicted click rate": what is done instead came first
                instead = _words(clause[: contrast.start()], singular=False)
            # "we don't need to log impressions", "a confirmation step isn't needed": a short phrase whose one
            # shared word only this point uses
            # ("rather than caching, a compact model ..." weighs two means; one word of it names no point)
            short = len(_ARTICLE.sub("", phrase).split()) <= 2 and not _INSTEAD_OF.match(clause.strip())
            if not said or _ONLY_WITH.search(phrase):
                continue  # "I wouldn't ship a quantised model without checking each pair" asks for the check
            if verb and any(
                _does(point, verb) and len(said & _point_words(point)[0]) >= MIN_SHARED for point in points
            ):
                continue  # "I'd skip that day's digest" does what a point asks: the phrase declines nothing
            for point in points:
                if _words(verb or phrase.split()[0]) & _refrains(point):
                    continue  # "we don't send it late" is what "don't send yesterday's items again" asks
                right, wrong = _point_words(point)
                common = said & right
                shared = len(common)
                lone = short and (
                    (
                        shared == 1
                        and spread[next(iter(common))] == 1
                        and not said & wrong
                        # and nothing else the phrase says names a point
                        and not any(spread[w] for w in said - common)
                    )
                    # "impression logging": every word in the point's own statement, one of them only this point's
                    or (
                        said <= _words(point.point) and any(spread[w] == 1 and w not in wrong for w in common)
                    )
                )
                if (
                    (lone or shared >= MIN_SHARED)
                    and (lone or shared >= len(own & wrong) + MIN_MARGIN)
                    and any(spread[w] <= MAX_SPREAD for w in common - wrong)
                    # what came first may be the point's own wrong claim ("by the bid alone, not by ...")
                    and (
                        bool(contrast and instead & wrong)
                        or not _met_otherwise(instead & _means(point) - common, spread)
                    )
                    and (best is None or shared > best[0])
                ):
                    best = (shared, point)
    return best[1] if best else None


_ONLY_WITH = re.compile(r"\s(?:without|unless|until)\s", re.I)
_NOT_BY = re.compile(r",\s*(?:and\s+)?not (?:by|through|via|using)\s", re.I)
_DECLINED_TOO = re.compile(r"^\s*,?\s*(?:or|nor)\s+[^;.]*", re.I)
_ARTICLE = re.compile(r"\b(?:a|an|the|to|any|too|our|its|their)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:those|these|such)\b", re.I)
# "I don't think per-tenant caps are needed for that", "I don't think a pre-ranking stage earns its keep"
_NOT_THOUGHT_NEEDED = re.compile(
    r"\b(?:i|we) (?:don't|do not) (?:think|believe) (?P<x>(?:(?!\b(?:we|i|you)\b)[^,;:])+?) "
    r"(?:(?:is|are|would be|will be) (?:really |actually |even )?(?:needed|necessary|required|worth)"
    r"|(?:really )?(?:earns?|would earn|will earn) (?:its|their) (?:keep|place|cost|latency)"
    r"|(?:really )?(?:pays?|would pay) (?:for )?(?:itself|themselves|its way))",
    re.I,
)
# "I don't think the weekly human grades need to gate a launch": the part and what it is said not to need to do
_NOT_THOUGHT_TO_NEED = re.compile(
    r"\b(?:i|we) (?:don't|do not) (?:think|believe) (?:that )?(?P<x>(?:(?!\b(?:we|i|you|it|they)\b)[^,;:])+?) "
    r"(?:(?:needs?|has|have) to|needs? (?=(?:a|an|its|their|any) )|requires? ) ?(?P<y>[^,;:]+)",
    re.I,
)
# "impressions need not be stored", "positions are too bulky to keep": the part said first, and what it need not
# have done to it
_NEED_NOT = re.compile(
    r"(?:^|,\s*|;\s*|\b(?:and|but|so|while)\s+)(?P<x>(?:(?!\b(?:we|i|you|it|they)\b)[\w\s'-]){3,60}?) "
    r"(?:need not|needn't|do not need to|does not need to|don't need to|doesn't need to|"
    r"(?:is|are) (?:far |way |much )?too (?:bulky|big|large|expensive|costly|heavy) to) (?:be )?(?P<y>[\w-]+)",
    re.I,
)
# "... is the usual fix, but I don't think it earns its place", "sounds sensible, but I'm not convinced it's
# worth it", "but I'd rule it out": what "it" stands for, said in the clause before, is declined
_IT_DECLINED = re.compile(
    r"\b(?:(?:i|we) (?:don't|do not) think (?P<a>it|that|this|they) (?:really )?(?:earns?|is worth|are worth|"
    r"pays? (?:for )?(?:itself|its way)|justif)"
    r"|(?:i'm|i am|we're|we are) not (?:convinced|sure|persuaded) (?P<b>it|that|this|they)(?:'s| is| would be| are)? "
    r"(?:really )?(?:worth|needed|necessary)"
    r"|(?:i'd|we'd|i would|we would|i'll|we'll|i) rule (?P<c>it|that|this|them) out)",
    re.I,
)
# "a separate groundedness check on every answer ..., I'd leave out as extra latency": the object said first
_FRONTED = re.compile(
    r",\s*(?:i'd|we'd|i would|we would|i'll|we'll) (?:leave out|skip|drop|do without|pass on)\b(?=\s*(?:as|for|because|since|here|for now|[,.;]|$))",
    re.I,
)
# the decline's own verb after its object: "... a random pass-through group is worth it, though, since ..."
_PREDICATE = re.compile(
    r"^\s*(?:is|are|would be|will be)\s+(?:really\s+|actually\s+)?(?:worth it|worth the \w+|needed|necessary|"
    r"required)\b",
    re.I,
)
# "..., since we wrote them ourselves", "..., though: one code path is easier to run"
_REASON = re.compile(
    r"^[\s,]*(?:(?:though|here|for now|really)\b[\s,]*)?(?:(?:since|because|as|given)\b|(?<=though):)", re.I
)
_BUILDS_ON = re.compile(r"^\s*(?:with|from|using|given|on)\s+(?:these|those|this|that|such)\b", re.I)
_ANAPHOR = re.compile(
    r"^(?:both(?: of them)?|it|them|that|those|these|either|all (?:of )?that|that step)$", re.I
)
_INSTEAD_OF = re.compile(r"^(?:so |and )?(?:rather than|instead of)", re.I)
_MAIN = re.compile(r",\s*(?:i|we|let's|i'd|we'd|i'll|we'll|just)\b", re.I)

_PRESENT_NEGATION = re.compile(r"\b(?:don't|do not)\b", re.I)
_NEEDED = re.compile(r"\b(?:need|think|see|believe|want|plan|have)\b", re.I)
_SPENT = re.compile(r"(?:need to |have to )?(?:spend|burn|waste|pay|bother|run|build|keep|maintain)\b", re.I)
_AVOIDED = re.compile(r"\b(?:so|so that|to make sure|making sure|to ensure|ensuring|lest)\s*$", re.I)

_GOES_FURTHER = re.compile(r"^\s*(?:stop (?:at|with|there)|settle for|leave it (?:at|there))\b", re.I)
_ALONE = re.compile(r"\b(?:alone|by itself|on its own|by themselves|on their own)\b", re.I)


def _declined_phrases(clause: str) -> list[tuple[str, str]]:
    """What a clause declines, with the verb that declines it when it is one a key point may itself ask for
    ("skip the day's digest"): the phrase after "we don't need to", and the one before "would be overkill"
    (from the clause's start or its last pause)."""
    out: list[tuple[str, str]] = []
    for m in _DECLINE.finditer(clause):
        if (
            _AVOIDED.search(clause[: m.start()])
            and not _SPENT.match(clause[m.end() :])
            and not _NEEDED.search(m.group(0))
            and _PRESENT_NEGATION.search(m.group(0))
        ):
            # "so we don't buy prevalence with over-removal": a harm avoided, not a step declined ("so we don't
            # burn reviews on a random sample" still declines what it would cost)
            continue
        rest = clause[m.end() :]
        lead = _INSTEAD_OF.match(m.group(0)) and _MAIN.search(rest)  # the phrase runs to the main clause
        verb = _ACTION.search(m.group(0))
        phrase = (rest[: lead.start()] if lead else _PHRASE_END.split(rest, maxsplit=1)[0]).strip()
        if _ALONE.search(phrase) or _GOES_FURTHER.match(rest):
            continue  # "I wouldn't rely on the system prompt alone", "I wouldn't stop at forecast error": asks for more
        out.append((phrase, verb.group(0).lower() if verb else ""))
    out += [(m.group("x").strip(), "") for m in _NOT_THOUGHT_NEEDED.finditer(clause)]
    out += [
        (f"{m.group('x').strip()} {_PHRASE_END.split(m.group('y'), maxsplit=1)[0].strip()}", "")
        for m in _NOT_THOUGHT_TO_NEED.finditer(clause)
    ]
    out += [(f"{m.group('x').strip()} {m.group('y')}", "") for m in _NEED_NOT.finditer(clause)]
    out += [(m.group("a") or m.group("b") or m.group("c"), "") for m in _IT_DECLINED.finditer(clause)]
    # "A mistake I see a lot is keeping that pass-through control group": what is called the mistake is declined
    called = [
        _PHRASE_END.split(m.group("x"), maxsplit=1)[0].strip() for m in _CALLED_MISTAKE.finditer(clause)
    ]
    out += [
        (x, "") for x in called if not _MANNER.search(x)
    ]  # "scaling GPU servers on CPU": how, not whether
    out += [(clause[: m.start()].strip(), "") for m in _FRONTED.finditer(clause)]
    for m in _DISMISSED.finditer(clause):
        before = re.split(r"[:;]|,\s*(?:and\s+)?|\b(?:so|because|since)\b", clause[: m.start()])[-1].strip()
        # "skip when it isn't worth it" is a condition; "a page for when it is down seems unnecessary" is not
        if not re.search(r"(?<!\bfor )\b(?:when|if|unless|whether|once)\b", before, re.I):
            out.append((before, ""))
    return out


_MANNER = re.compile(r"\b(?:on|by|with|for|from|at|per|in|using|via|instead of|without|until|as)\b", re.I)
_CALLED_MISTAKE = re.compile(
    r"\b(?:mistake|trap|pitfall)s?\s+(?:(?:i|we|people|teams)\s+(?:see|make|hit|fall into)"
    r"(?:\s+(?:a lot|most|most often|often|all the time))?\s+)?(?:is|would be)\s+(?P<x>[a-z]+ing\b[^;:.]+)",
    re.I,
)


# Verbs a key point may ask for itself ("skip the day or send a short digest"): saying them agrees with it.
_ACTION = re.compile(r"\b(?:skip|drop|leave out|do without)\b", re.I)


def _does(point: KeyPoint, verb: str) -> bool:
    text = " ".join([point.point, point.correct, *point.alternatives]).lower()
    return bool(re.search(rf"\b{re.escape(verb)}", text))


def _refrains(point: KeyPoint) -> frozenset[str]:
    """The words of what a key point asks not to do ("don't send yesterday's items again")."""
    return _cached_refrains(tuple(a for a in point.alternatives if _REFRAIN.search(a)))


@lru_cache(maxsize=1024)
def _cached_refrains(alternatives: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for a in alternatives for w in _words(a))


_REFRAIN = re.compile(r"\b(?:don't|do not|never|avoid)\b", re.I)


def _met_otherwise(words: frozenset[str], spread: Counter[str]) -> bool:
    """Whether what is said instead names the point in other words, one of them a word that tells it apart."""
    return len(words) >= MIN_SHARED and any(spread[w] <= MAX_SPREAD for w in words)


def _point_words(point: KeyPoint) -> tuple[frozenset[str], frozenset[str]]:
    return _cached_point_words(
        ". ".join([point.point, point.correct, *point.alternatives]),
        ". ".join(x for w in point.wrong for x in (w.claim, w.example, *w.paraphrases)),
    )


# "..., so a retried run never sends a duplicate": what the point is for, not how it is done
_PURPOSE = re.compile(r",?\s*\b(?:so(?: that)?|to avoid|to prevent|because|since)\b.*$", re.I)


def _means(point: KeyPoint) -> frozenset[str]:
    """The words of how a key point is met, without what it is for: saying what is done instead meets
    the point only in these."""
    return _cached_means(" ".join([point.point, point.correct, *point.alternatives]))


@lru_cache(maxsize=4096)
def _cached_means(text: str) -> frozenset[str]:
    return _asserted_words(". ".join(_PURPOSE.sub("", c) for c in clauses(text)), singular=False)


@lru_cache(maxsize=4096)
def _cached_point_words(right: str, wrong: str) -> tuple[frozenset[str], frozenset[str]]:
    return _asserted_words(right), _asserted_words(wrong)


# What a key point names only to keep it out ("prevents one channel from dominating", "demotes outrage"):
# declining it agrees with the point.
_GUARDS = re.compile(
    r"\b(?:prevents?|preventing|guards? against|limits?|caps?|bans?|blocks?|filters? out|demotes?|demoting|"
    r"penali[sz]es?|down-?ranks?|excludes?|removes?|suppress(?:es)?|at most|no more than|rather than|"
    r"instead of|not|no|never|without|avoids?|avoiding|don't|doesn't|won't|wouldn't|shouldn't|isn't)(?![\w'])",
    re.I,
)


def _asserted_words(text: str, singular: bool = True) -> frozenset[str]:
    """The content words a key point asks for, not those it names only to keep out or set aside."""
    out: set[str] = set()
    for clause in clauses(text):
        # "... never get labels and keeps a small random control group": a guard reaches to the next verb
        for piece in _NEXT_VERB.split(clause):
            guard = _GUARDS.search(piece)
            out |= _words(piece[: guard.start()] if guard else piece, singular)
    return frozenset(out)


_NEXT_VERB = re.compile(
    r"\s+and\s+(?=(?:keeps|uses|adds|runs|holds|sets|puts|sends|treats|measures|logs|feeds|trains|makes|"
    r"checks|tracks|caches|routes|serves|stores|shows|falls)\b)",
    re.I,
)


_AMOUNTS = re.compile(
    r"^(?:hundred|thousand|million|billion|trillion|dozen|zero|three|four|five|seven|eight|nine|eleven|twelve|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|half|percent|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?)$"
)


def _words(text: str, singular: bool = True) -> frozenset[str]:
    """Content words, cut to seven letters so "quantising" meets "quantized" ("positive" stays apart from
    "position"), hyphenated words also by their parts; amounts and units say how much,
    not what is done."""
    text = _FALL_BACK.sub("fallback", text.lower()).replace("iz", "is")  # "falls back", "quantize"
    words = [part for w in _WORD.findall(text) for part in (w, *w.split("-")[1:]) if len(part) >= 4]
    return frozenset(
        _bare(_PEOPLE.get(w, _singular(w) if singular else w))[:7]
        for w in words
        if w not in STOP_WORDS and not _AMOUNTS.match(w)
    )


def _bare(word: str) -> str:
    """ "indexed" meets "indexing", "logging" meets "log": a verb without its ending (and a doubled last
    consonant, "embedded" is "embed")."""
    if len(word) > 6 and word.endswith("ing"):
        stem = word[:-3]
    elif len(word) > 5 and word.endswith("ed"):
        stem = word[:-2]
    else:
        return word
    return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsaeiou" else stem


def _singular(word: str) -> str:
    """ "treats" meets "treat", "stocks" meets "stock"; "process" and "bias" keep their s."""
    return (
        word[:-1]
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "news"))
        else word
    )


# The people a system serves, by whatever name a question gives them: "randomise by customer" is the
# per-user split a point rules out
_PEOPLE = {w: "user" for w in ("users", "customer", "customers", "member", "members", "viewer", "viewers")}


_FALL_BACK = re.compile(r"\bfall(?:s|ing)? back\b")


# "keep a small price exploration running? I'd switch it off ...": an option the candidate asks themselves about,
# then turns down in the next sentence
_ASKED = re.compile(
    r"^\W*(?:(?:do|should|would|could|can|shall) (?:we|i|you) (?:really )?(?:need|want|use|keep|add|bother with)?\s*)?"
    # "Should the cache be shared across tenants?" asks a yes-or-no question, not about an option
    r"(?P<option>(?!(?:what|which|how|why|who|whom|where|when|is|are|does|did|was|were|do|should|would|could|"
    r"can|shall|will|must)\b)[^?]{3,120}?)\s*\?\s*$",
    re.I,
)
_TURNS_DOWN = re.compile(
    r"^\W*(?:(?:tbh|honestly|imo|meh|hmm|eh|nah|no)[,\s]+)*(?:nah\b|nope\b|no\b(?! (?:doubt|question)\b)|not really|"
    r"(?:i )?don't (?:see the point|think (?:we|it|that|so)|need (?:it|that|this|them))|no (?:point|need)\b|"
    r"not (?:needed|worth)|i'd (?:switch|turn) (?:it|that|this) off|(?:i'd )?(?:skip|drop) (?:it|that|this)\b|overkill)",
    re.I,
)


def asked_option(previous: str, text: str) -> str:
    """The option `previous` asks about when `text` turns it down ("weighted fair share? tbh I don't think we
    need that"), worded as declined ("we don't need weighted fair share"); else ""."""
    asked = _ASKED.match(previous)
    if asked is None or not _TURNS_DOWN.match(text):
        return ""
    return f"we don't need {asked.group('option')}"


@lru_cache(maxsize=4096)
def _salient_cached(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z][a-z-]{3,}", text.lower())
    return tuple(dict.fromkeys(w for w in words if w not in STOP_WORDS))


def salient(point: KeyPoint) -> list[str]:
    """The point's own content words, to see whether a sentence says them or rejects them."""
    return list(_salient_cached(point.point))
