"""Options weighed aloud and the one then chosen by reference: "We could lean on the system prompt, or limit what
a successful injection can do. I'd do the first ..." chooses the system prompt, in words the choosing sentence
does not repeat. `chosen_option` gives the option's own words, so the choice is judged like one said in full. `answered` reads a
fragment that answers the question the candidate just asked themselves ("Where do the bidders run? In our one main
data centre.") with the question's subject, and `justified` a question the candidate asks about their own choice
and answers with its reason ("Why shuffle? Because it puts every city in both sets.") as asserting that choice.
"""

from __future__ import annotations

import re

# "We could keep full logs for a month, or keep them short and per tenant."
_WEIGHED = re.compile(
    r"^\s*(?:(?:so|okay|ok|now|well|first),?\s+)?(?:we|i|you|one)\s+could\s+(?:either\s+)?(?P<a>[^.;:?]{3,200}?),?\s+"
    r"or\s+(?:else\s+)?(?:we\s+could\s+|i\s+could\s+)?(?P<b>[^.;:?]{3,})",
    re.I,
)
# "I'd do the first", "so I'll go with the latter option", "let's take the second one"
_BY_ORDER = re.compile(
    r"\b(?:i'd|i'll|we'd|we'll|i would|we would|i will|we will|let's|so)\s+(?:rather\s+)?"
    r"(?:do|go with|take|pick|choose|use|prefer|start with|keep)\s+the\s+(?P<which>first|former|second|latter)\b",
    re.I,
)
# "So batch: an hourly Spark job ...", "So global, ...": the option named by a word only it uses
_BY_WORD = re.compile(r"^\s*so\s+(?P<word>[a-z][\w-]{2,})\s*[:,]", re.I)


def weighed_options(sentence: str) -> tuple[str, str] | None:
    """The two options `sentence` lays out without choosing ("we could A, or B"), if it does."""
    match = _WEIGHED.match(sentence)
    return (match.group("a").strip(), match.group("b").strip()) if match else None


def chosen_option(sentence: str, options: tuple[str, str] | None) -> str:
    """The words of the option weighed before that `sentence` chooses by reference, or ""."""
    if options is None:
        return ""
    if by_order := _BY_ORDER.search(sentence):
        return options[0] if by_order.group("which").lower() in ("first", "former") else options[1]
    if by_word := _BY_WORD.match(sentence):
        word = re.compile(rf"\b{re.escape(by_word.group('word'))}", re.I)
        named = [option for option in options if word.search(option)]
        return named[0] if len(named) == 1 else ""
    return ""


# "Where do the bidders run?", "How do we know a kitchen is slammed right now?"
_ASKED = re.compile(
    r"^\s*(?:so\s+|and\s+|okay\s+|ok\s+)?(?:where|what|which|how|when|who)(?:\s+[\w-]+){0,2}?\s+(?:do|does|did|is|are|will|would|should|"
    r"can)\s+(?P<subject>[^?]{3,80})\?\s*$",
    re.I,
)
# a fragment, not a sentence: "In our one main data centre", "Randomly, 80/20", "Sales up to the night before";
# not one with its own subject ("We run them per region") or a yes or no
_FRAGMENT = re.compile(
    r"^\s*(?!(?:i|i'd|i'll|i'm|we|we'd|we'll|we're|you|they|it|it's|that|that's|this|there|these|those|he|she|"
    r"yes|yeah|no|nope|well|so|because|since|let's|let|if|when|then|but|and)\b)[A-Za-z]",
    re.I,
)


# "Does the hash match pause too?" answered "Yes, ...": the answer asserts what the question asks
_YES_NO = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:do|does|did|is|are|should|would|will|can)\s+(?P<subject>[^?]{3,120})\?\s*$",
    re.I,
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep)\b", re.I)


def answered(previous: str, text: str) -> str:
    """`text` read with the subject of the question `previous` asks, when `text` is a fragment answering it or a
    yes to it."""
    if _YES.match(text) and (yes_no := _YES_NO.match(previous)):
        return f"{yes_no.group('subject')}: {text}"
    asked = _ASKED.match(previous)
    if asked is None or not _FRAGMENT.match(text):
        return text
    return f"{asked.group('subject')} {text[0].lower()}{text[1:]}"


_WHY = re.compile(r"^\s*(?:so\s+|and\s+|but\s+)?why\s+(?!not\b)(?P<choice>[^?]{3,200})\?\s*$", re.I)
_BECAUSE = re.compile(r"^\s*(?:well,?\s+)?(?:because|since|'cause)\b", re.I)


def justified(question: str, following: str) -> str:
    """`question`, read as asserting the choice it asks why about, when `following` gives the reason ("Why
    shuffle? Because ...": the candidate shuffles); else ""."""
    asked = _WHY.match(question)
    return question.strip() if asked and _BECAUSE.match(following) else ""
