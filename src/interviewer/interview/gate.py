"""The reply gate: a model's interviewer turn is checked before the candidate sees it.

A weak or misled model writes turns that must never reach a candidate: an opening that never states the
problem, invented arithmetic, an e-mail template with a URL, "the interview is now over" during a hint,
praise before a no-hire verdict, or its own instructions read back ("The next move: give a level 1 hint.
The missing point is..."). `problem` returns what is wrong with a reply for its move, or None; the
interviewer strategy then says the move in the offline wording instead (see `FallbackInterviewer`).

The checks are deterministic: length bounds per move; the move done (a probe or a challenge asks a
question, an opening states the problem, a fact answer uses the facts it was given, a close matches the
verdict); no meta-text, role labels, URLs or e-mail templates; no numbers but those of the question, the
facts told, the candidate's own words and the clock. Verbatim echoes of hidden material are the
`LeakGuard`'s job, before this gate.
"""

from __future__ import annotations

import re

from interviewer.grading.quantities import quantities, words_to_digits
from interviewer.interview.moves import Move, MoveKind, TurnContext
from interviewer.interview.reading import content_words

# (fewest, most) words a reply to each move may have.
_LENGTH: dict[MoveKind, tuple[int, int]] = {
    "open": (6, 170),
    "answer_fact": (4, 150),
    "no_fact": (4, 110),
    "advance": (4, 150),
    "hint": (4, 130),
    "wrap_up": (4, 110),
    "close": (4, 170),
}
_DEFAULT_LENGTH = (3, 100)
_ASKS: frozenset[MoveKind] = frozenset(
    {
        "probe",
        "challenge",
        "push_numbers",
        "push_reasoning",
        "redirect_ahead",
        "nudge_silence",
        "repeat",
        "off_topic",
        "deflect",
        "wrap_up",
        "no_fact",
    }
)
_META = re.compile(
    r"\b(?:the next move|next move is|missing (?:key )?point|key points?|hidden facts?|system prompt|interviewer "
    r"brief|the brief|as an ai|language model|my instructions|the instructions|the candidate\b(?![\s-]+(?:generat|set|list|pool|source|retriev|stage|video|item|product|ad|score|model))|level \d hint|"
    r"give a level|thank the candidate|close the interview|\bmove:)",
    re.I,
)
_ROLE = re.compile(r"^\s*(?:interviewer|candidate|assistant|user|system|ai)\s*:", re.I | re.M)
_LINK = re.compile(r"https?://|\bwww\.|\b[\w.+-]+@[\w-]+\.[\w.]+\b", re.I)
_LETTER = re.compile(
    r"\b(?:dear (?:candidate|sir|madam|\w+,)|subject:|best regards|kind regards|sincerely|yours truly)\b",
    re.I,
)
_ENDS = re.compile(
    r"\b(?:interview is (?:now )?(?:over|finished|complete|concluded)|that concludes|this concludes|goodbye|"
    r"thanks? (?:you )?for your time)\b",
    re.I,
)
_PRAISE = re.compile(
    r"\b(?:exceptional|outstanding|excellent|perfect|brilliant|superb|flawless|impressive)\b", re.I
)
_HESITANT_VERDICT = re.compile(r"no hire|not enough evidence|lean no", re.I)


def problem(move: Move, ctx: TurnContext, text: str) -> str | None:
    """What is wrong with `text` as the interviewer's reply for `move`, or None when it may be shown."""
    words = len(text.split())
    fewest, most = _LENGTH.get(move.kind, _DEFAULT_LENGTH)
    if words < fewest:
        return f"too short for a {move.kind} ({words} words)"
    if words > most:
        return f"too long for a {move.kind} ({words} words)"
    for pattern, what in (
        (_META, "talks about its instructions"),
        (_ROLE, "has role labels"),
        (_LINK, "has a link or an address"),
        (_LETTER, "reads like a letter"),
    ):
        if pattern.search(text):
            return what
    if move.kind not in ("close",) and _ENDS.search(text):
        return "ends the interview when it is not over"
    if move.kind in _ASKS and "?" not in text:
        return f"a {move.kind} must ask a question"
    if move.kind == "open" and not _states_problem(ctx, text):
        return "the opening does not state the problem"
    if move.kind == "answer_fact" and move.facts and not _uses_facts(move, text):
        return "the answer does not use the facts it was given"
    if (
        move.kind == "close"
        and move.summary
        and _HESITANT_VERDICT.search(move.summary)
        and _PRAISE.search(text)
    ):
        return "praise that contradicts the verdict"
    repeated = _said_twice(ctx, text)
    if repeated is not None:
        return f"repeats a sentence said twice already ({repeated!r})"
    invented = _invented_number(move, ctx, text)
    if invented is not None:
        return f"a number from nowhere ({invented:g})"
    return None


_SENTENCE = re.compile(r"[^.!?]+[.!?]?")


def _sentences(text: str) -> list[str]:
    found = (" ".join(m.group(0).lower().split()).strip(" .!?") for m in _SENTENCE.finditer(text))
    return [s for s in found if len(s.split()) >= 4]


def _said_twice(ctx: TurnContext, text: str) -> str | None:
    """A sentence of four words or more in `text` that the interviewer has already said twice."""
    said: dict[str, int] = {}
    for turn in ctx.transcript:
        if turn.role == "interviewer":
            for sentence in _sentences(turn.text):
                said[sentence] = said.get(sentence, 0) + 1
    return next((s for s in _sentences(text) if said.get(s, 0) >= 2), None)


def _states_problem(ctx: TurnContext, text: str) -> bool:
    wanted = content_words(f"{ctx.question.title} {ctx.question.prompt}")
    said = content_words(text)
    return len(wanted & said) >= max(2, len(wanted) // 5)


def _uses_facts(move: Move, text: str) -> bool:
    said = content_words(text)
    return any(
        len(content_words(f.fact) & said) >= max(2, len(content_words(f.fact)) // 4) for f in move.facts
    )


def _invented_number(move: Move, ctx: TurnContext, text: str) -> float | None:
    """A number in the reply that appears nowhere it could come from, or None."""
    sources = [
        ctx.question.title,
        ctx.question.prompt,
        *(f.fact for f in (*ctx.revealed_facts, *move.facts, *move.repeated_facts)),
        move.probe or "",
        move.detail or "",
        move.summary or "",
        *(t.text for t in ctx.transcript if t.role == "candidate"),
    ]
    known = {round(q.value, 6) for s in sources for q in quantities(words_to_digits(s))}
    known |= {round(q.spoken, 6) for s in sources for q in quantities(words_to_digits(s))}
    clock = {
        round(ctx.minutes_left),
        int(ctx.minutes_left),
        round(move.time_note or 0),
        move.minutes,
        move.hint_level,
    }
    for q in quantities(words_to_digits(text)):
        value = q.spoken
        if value <= 10 or round(value) in clock or round(q.value, 6) in known or round(value, 6) in known:
            continue
        return value
    return None
