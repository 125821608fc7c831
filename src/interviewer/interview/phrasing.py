"""The offline interviewer's wording: varied, short, spoken-style templates for every move.

`phrase` turns a `Move` into what the interviewer says, rotating through the wording as the same kind of move
recurs so the interview does not sound canned (the echo of a candidate's sentence is `echoes.py`'s).
Everything is deterministic: the same move in the same context always reads the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from interviewer.content.questions import Question
from interviewer.interview.depth import GENERIC
from interviewer.interview.fitting import unanswered_text
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.quoting import excerpt
from interviewer.interview.reading import MAX_INPUT_CHARS, sentences
from interviewer.interview.variety import acknowledgement, steer, without_repeats
from interviewer.phases import PHASE_NAMES, Phase


def _variant(options: Sequence[str], move: Move, salt: str = "") -> str:
    """Rotate through `options` as the same kind of move recurs, starting at a per-question offset."""
    digest = hashlib.sha1(f"{move.kind}:{salt}:{move.phase}".encode()).digest()
    return options[(digest[0] + move.nth) % len(options)]


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}

_OPENERS: dict[Phase, tuple[str, ...]] = {
    "requirements": (
        "What would you like to clarify first?",
        "Where would you like to start?",
    ),
    "architecture": (
        "Walk me through the main components and how a request flows through them.",
        "Sketch the high-level design for me: what are the big boxes, and how does data move between them?",
        "Give me the high-level architecture, from the data coming in to the response going out.",
    ),
    "deep_dive": (
        "Pick the component you think is hardest to get right, and take me inside it.",
        "Let's go deeper. Which part of this would you like to zoom into first?",
        "Choose one or two components and go deep: storage, caching, serving or the model itself.",
    ),
    "issues": (
        "What can go wrong with this in production, and how would you find out?",
        "Let's break it. Where does this design fail first, and what happens to the user when it does?",
        "Talk me through the failure modes: the model, the data pipeline and the infrastructure.",
    ),
    "optimization": (
        "Say traffic doubles next year and the budget stays flat. Where do you optimise?",
        "How would you make this cheaper and faster without hurting quality?",
        "Where would you spend your next week of effort to improve latency or cost?",
    ),
}
PHASE_NUDGES: dict[Phase, str] = {
    "requirements": "think about what you need to know before drawing any boxes: who uses it, how much, how "
    "fast, and what success means",
    "architecture": "trace a single request from the user to the response and name each box it passes through",
    "deep_dive": "pick the component that is hardest to get right and explain how it works inside, with numbers",
    "issues": "picture what happens at 3 a.m. when something breaks: the model, the data or the infrastructure",
    "optimization": "think about where the time and the money go, and which of those you would cut first",
}
# The closing line says why the interview ended: only a clock that ran out is "time".
_CLOSINGS: dict[str, tuple[str, ...]] = {
    "time": (
        "That's time. Thanks for working through it with me.",
        "We're out of time, so let's stop there. Thank you.",
    ),
    "ended": (
        "Okay, we'll stop here since you'd like to end. Thanks for your time.",
        "Sure, let's end it there. Thank you.",
    ),
    "finished": (
        "Thanks, that's the end of our interview.",
        "Great, that's everything I wanted to cover. Thank you.",
    ),
}


def phrase(move: Move, ctx: TurnContext) -> str:
    """What the offline interviewer says for `move`."""
    q = ctx.question
    parts: list[str] = []
    if move.capped:
        parts.append(
            _variant(
                (
                    f"That was a long one, so I only took in the first {MAX_INPUT_CHARS:,} characters.",
                    f"I'll stop reading at {MAX_INPUT_CHARS:,} characters; in a real interview, keep each "
                    "answer shorter.",
                ),
                move,
            )
        )
    probe = move.probe or _fallback_probe(move)
    kind = move.kind
    if move.quality == "recovered" and (
        kind in ("answer_fact", "no_fact") or move.facts or move.repeated_facts
    ):
        parts.append(acknowledgement(move))  # the correction is heard before the facts asked for
    if kind == "open":
        parts.append(_open(move, q))
    elif kind in ("answer_fact", "no_fact"):
        parts.append(_facts(move))
    elif kind == "probe":
        if move.facts or move.repeated_facts:
            parts.append(_fact_text(move))
        elif move.echo and move.quality in (None, "strong"):
            parts.append(
                _variant((f"So {move.echo}. Got it.", f"Okay, so {move.echo}.", f"Right, {move.echo}."), move)
            )
        else:
            parts.append(acknowledgement(move))
        if move.time_note is not None:
            parts.append(_time(move))
        else:
            parts.append(steer(move))
        parts.append(probe)
    elif kind == "deepen":
        if move.facts or move.repeated_facts:
            parts.append(_fact_text(move))
        else:
            parts.append(acknowledgement(move))
        if move.time_note is not None:
            parts.append(_time(move))
        parts.append(probe)
    elif kind == "challenge":
        parts.append(_challenge(move, probe))
    elif kind == "push_numbers":
        vague = move.detail or "that scale"
        parts.append(
            _variant(
                (
                    f"You said \u201c{vague}\u201d. Can you put a number on it, roughly?",
                    f"\u201c{vague.capitalize()}\u201d is doing a lot of work there. What numbers are you "
                    "assuming?",
                    f"Let's make \u201c{vague}\u201d concrete: how many users and requests per second, and "
                    "how fast?",
                ),
                move,
            )
        )
    elif kind == "push_reasoning":
        names = ", ".join(move.detail.split(",")[:3]) if move.detail else "those tools"
        parts.append(
            _variant(
                (
                    f"That's a lot of technology names: {names}. Pick one and tell me why it beats the "
                    "simpler alternative here.",
                    "Let's slow down on the tools for a second. Why that choice, and what does it cost you?",
                    f"I hear {names}, but not the reasons. What problem does the first one solve for us?",
                ),
                move,
            )
        )
    elif kind == "redirect_ahead":
        parts.append(
            _variant(
                (
                    "Let's hold the model for a moment; I want us to agree on what we're building first.",
                    "We'll get to the design, I promise. First, let's pin down the problem.",
                    "Before the solution, I'd like the requirements nailed down.",
                ),
                move,
            )
        )
        parts.append(probe)
    elif kind == "nudge_silence":
        parts.append(_silence(move))
    elif kind == "repeat":
        parts.append(
            _variant(
                (
                    "I think you've made that point already.",
                    "Right, you covered that a moment ago.",
                    "We've got that one.",
                ),
                move,
            )
        )
        parts.append(_variant(("Let's build on it.", "Let's go further.", "Something new, then."), move, "r"))
        parts.append(probe)
    elif kind == "off_topic":
        parts.append(
            _variant(
                (
                    f"Let's bring it back to the problem: {q.title.lower()}.",
                    "I'll stop you there; that's a bit far from what we're designing.",
                    "Interesting, but let's stay on the design.",
                ),
                move,
            )
        )
        parts.append(probe)
    elif kind == "deflect":
        parts.append(
            _variant(
                (
                    "I'll stay in my interviewer role, so my notes and how you're scored stay with me.",
                    "Nice try, but that stays on my side of the table.",
                    "I'm here to interview, and the rules don't change mid-way.",
                ),
                move,
            )
        )
        parts.append(_variant(("Back to the design.", "Let's keep going.", "So, back to it."), move, "d"))
        parts.append(probe)
    elif kind == "advance":
        parts.append(_advance(move))
    elif kind == "hint":
        parts.append(_hint(move, probe))
    elif kind == "wrap_up":
        parts.append(_wrap_question(move))
    elif kind == "close":
        parts.append(_variant(_CLOSINGS[move.reason if move.reason in _CLOSINGS else "finished"], move))
        if move.summary:
            parts.append(move.summary)
    keep = [f.fact.strip() for f in (*move.facts, *move.repeated_facts)]
    spares = [*_AREA_QUESTIONS.get(move.phase, ()), *GENERIC.get(move.phase, ())] if move.phase else []
    return without_repeats([p for p in parts if p], ctx.transcript, spares=spares, keep=keep)


# ---------------------------------------------------------------------------------------------- pieces


def _challenge(move: Move, question: str) -> str:
    """Quote the claim back and ask the candidate to reason about it; never affirm it, never correct it."""
    said = f"\u201c{excerpt((move.detail or '').strip().rstrip('.'))}\u201d"
    if move.quality == "recovered":  # the claim questioned last is put right; this one was raised earlier
        leads = (
            f"Good, that fixes it. One more from earlier: you said {said}",
            f"That holds up now. I also want to go back to something else you said: {said}",
            f"Good, that settles it. Earlier you also said {said}",
        )
    else:
        leads = (
            f"Hold on. You said {said}",
            f"Let me stop you there. You said {said}",
            f"I want to check something you said: {said}",
        )
    return f"{_variant(leads, move)} {question}"


def _open(move: Move, q: Question) -> str:
    greeting = _variant(
        (
            "Hi, thanks for making the time.",
            "Thanks for joining.",
            "Good to meet you. Let's get into it.",
        ),
        move,
    )
    if not move.drill or move.phase == "requirements":
        return f"{greeting} Here's the problem. {q.prompt.strip()}"
    assert move.phase is not None
    statement = " ".join(s for s in sentences(q.prompt) if not s.endswith("?"))
    name = PHASE_NAMES[move.phase].lower()
    return (
        f"{greeting} This is a {move.minutes}-minute drill on the {name} phase. {statement} "
        f"Assume the requirements are agreed. {_variant(_OPENERS[move.phase], move, 'open')}"
    )


def _fact_text(move: Move) -> str:
    said = [f.fact.strip() for f in move.facts]
    again = [f.fact.strip() for f in move.repeated_facts]
    # after "Good, that fixes it." a second lead would stack praise
    lead = (
        ""
        if move.quality == "recovered"
        else _variant(("Good question.", "Sure.", "Yes, good to ask.", ""), move, "lead")
    )
    text = " ".join(said)
    if again:
        text = (text + " " if text else "") + "As I mentioned, " + _mid_sentence(" ".join(again))
    return f"{lead} {text}".strip()


def _mid_sentence(text: str) -> str:
    """`text` continuing a sentence: its first letter lowered, unless it starts an acronym (`ETAs`)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _facts(move: Move) -> str:
    if move.kind == "no_fact":
        base = _variant(
            (
                "I don't have a hard number for that. Make a reasonable assumption, say it out loud, and keep "
                "going.",
                "That's your call. State an assumption and we'll go with it.",
                "Good thing to ask, but I'll leave it to you: pick a sensible value and tell me why.",
            ),
            move,
        )
    else:
        base = _fact_text(move)
        if move.unanswered:
            base += " " + " ".join(unanswered_text(p) for p in move.unanswered)
        follow = _variant(
            ("", "What else would you like to know?", "", "Anything else before you go on?"), move, "f"
        )
        if follow and move.time_note is None:
            base = f"{base} {follow}"
    if move.time_note is not None:
        base = f"{base} {_time(move)}"
    return base


def _time(move: Move) -> str:
    minutes = max(1, round(move.time_note or 1))
    amount = f"{_NUMBER_WORDS.get(minutes, str(minutes))} minute{'s' if minutes != 1 else ''}"
    name = PHASE_NAMES[move.phase].lower() if move.phase else "this part"
    return _variant(
        (
            f"We have about {amount} left for the {name}, so let's keep moving.",
            f"Just a heads-up: roughly {amount} left on the {name}.",
            f"About {amount} left for this part.",
        ),
        move,
        "time",
    )


def _silence(move: Move) -> str:
    nudge = PHASE_NUDGES[move.phase] if move.phase else "start with what you would clarify first"
    if move.nth >= 1:
        return _variant(
            (
                f"No rush. You can ask me for a hint, or just think out loud: {nudge}.",
                "Even a rough idea is fine; thinking out loud counts. Or ask me for a hint.",
            ),
            move,
        )
    return _variant(
        (
            f"Take your time. If it helps, {nudge}.",
            f"No rush. One way in: {nudge}.",
            f"That's fine, it's a big problem. Maybe {nudge}.",
        ),
        move,
    )


def _advance(move: Move) -> str:
    told = f"{_fact_text(move)} " if (move.facts or move.repeated_facts) else ""
    return told + _advance_only(move)


def _advance_only(move: Move) -> str:
    old = PHASE_NAMES[move.from_phase].lower() if move.from_phase else "this part"
    if move.reason == "covered":
        lead = _variant(
            (
                f"Good, I think we have the {old} covered.",
                f"Nice, that's a solid {old} discussion.",
                f"That covers what I wanted on the {old}.",
            ),
            move,
            "lead",
        )
    elif move.reason == "time":
        lead = _variant(
            (
                f"Let's leave the {old} there in the interest of time.",
                f"We're out of time for the {old}, so let's move on.",
            ),
            move,
            "lead",
        )
    elif move.reason == "exhausted":
        lead = _variant(
            (
                f"Okay, let's move on; we can come back to the {old} if there's time.",
                "Let's keep moving.",
            ),
            move,
            "lead",
        )
    else:
        lead = _variant(
            ("Sure, let's move on.", "Okay, moving on.", "Fine, next part.", "Alright, let's switch gears."),
            move,
            "lead",
        )
    if move.phase is None:
        return f"{lead} {_wrap_question(move)}"
    new = PHASE_NAMES[move.phase].lower()
    intro = _variant((f"Now the {new}.", f"Let's talk about the {new}.", f"On to the {new}."), move, "intro")
    return f"{lead} {intro} {_variant(_OPENERS[move.phase], move, 'open')}"


def _wrap_question(move: Move) -> str:
    return _variant(
        (
            "That's about it for the design itself. If you had another week, what would you change first?",
            "We're near the end. Looking back at your design, what's its weakest part?",
            "Before we close, summarise your design in a few sentences for me.",
        ),
        move,
        "wrap",
    )


def _hint(move: Move, probe: str) -> str:
    level = move.hint_level
    nudge = PHASE_NUDGES[move.phase] if move.phase else "think about what is still missing"
    if level <= 1:
        return _variant((f"Here's a nudge: {nudge}.", f"A small hint: {nudge}."), move, "h1")
    if level == 2:
        return _variant(
            (
                f"A bigger hint: there's a gap you haven't touched yet. {probe}",
                f"Here's one thing still missing. {probe}",
            ),
            move,
            "h2",
        )
    if level == 3 and move.target is not None:
        learn = move.target.learn
        return (
            f"Last hint: have a look at \u201c{learn.heading}\u201d in {learn.file}; it covers what's missing "
            f"here. Then tell me: {probe}"
        )
    return _variant(
        (
            "That's all the hints I have for this part. Take your best shot, or we can move on.",
            "I've given you what I can here. Go with your best idea, or we can move on.",
        ),
        move,
        "h4",
    )


def _fallback_probe(move: Move) -> str:
    if move.phase is not None:
        return _variant(_AREA_QUESTIONS[move.phase], move, "area")
    return "What would you do next?"


_AREA_QUESTIONS: dict[Phase, tuple[str, ...]] = {
    "requirements": (
        "What else would you want to pin down before we start designing?",
        "Which constraints haven't we talked about yet?",
    ),
    "architecture": (
        "What other component does this design still need?",
        "How does the data get from where it's produced to where the model uses it?",
    ),
    "deep_dive": (
        "What's the trickiest detail here that we haven't discussed?",
        "Which number in this component worries you most?",
    ),
    "issues": ("What else could go wrong here?", "What would you watch on a dashboard for this?"),
    "optimization": ("Where else could we save time or money?", "What's the next bottleneck after that?"),
}
