"""The interviewer strategies: how the next interviewer turn is said, and streamed.

The session decides *what* happens next (a `Move`, see `interviewer.interview.moves`); an interviewer strategy decides
*how to say it*:

- `OfflineInterviewer` phrases the move from varied spoken-style templates (`interviewer.interview.phrasing`),
  acknowledging what was said;
- `LLMInterviewer` asks a chat model, with the phase's goals, the hidden key points, guidance retrieved
  from the notes and the trimmed transcript, and streams the reply. A reply that would leak the brief
  (key points, facts not asked for, the system prompt) is cut and the offline phrasing is used instead.
- `FallbackInterviewer` uses the first and falls back to the second whenever a call fails.

Reading the candidate's turn is `interviewer.interview.reading`; `choose_probe` picks the bank's probe for a missing
key point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from interviewer.config import ReplyTokens
from interviewer.content.questions import KeyPoint, PhaseSpec, Question
from interviewer.diagrams.mermaid import to_mermaid
from interviewer.errors import FallbackReason, LLMError, LLMOutputInvalid
from interviewer.grading.diagram_text import diagram_text
from interviewer.interview.depth import components, describe_components
from interviewer.interview.gate import problem
from interviewer.interview.instructions import describe_move as describe_move
from interviewer.interview.moves import Move, TurnContext
from interviewer.interview.phrasing import PHASE_NUDGES, phrase
from interviewer.interview.reading import content_words, words_of
from interviewer.llm.prompts import PromptLibrary
from interviewer.llm.protocol import ChatModel, Message, Usage
from interviewer.phases import PHASE_GOALS, PHASE_NAMES, PHASES, Phase

log = logging.getLogger(__name__)

OFFLINE_VERSION = "offline-templates@v1"
_CANDIDATE_TAG = re.compile(r"<\s*/?\s*candidate\w*\s*>", re.I)  # also <candidate_diagram>


def fence(text: str) -> str:
    """The candidate's words (or drawing) made safe to sit between `<candidate>` (or `<candidate_diagram>`)
    tags: they cannot close them early."""
    return _CANDIDATE_TAG.sub(lambda m: m.group(0).replace("<", "&lt;").replace(">", "&gt;"), text)


def choose_probe(spec: PhaseSpec, point: KeyPoint, used: Sequence[str], *, reuse: bool = True) -> str | None:
    """The bank's probe closest in wording to `point`: one not asked yet if possible, else (with `reuse`)
    the one asked longest ago. None when no probe shares a word with the point."""
    target = content_words(" ".join([point.point, *point.alternatives]))
    ranked = sorted(
        ((len(content_words(p) & target), -i, p) for i, p in enumerate(spec.probes)),
        reverse=True,
    )
    matching = [p for overlap, _, p in ranked if overlap]
    for probe in matching:
        if probe not in used:
            return probe
    if not matching or not reuse:
        return None
    last_use = {p: i for i, p in enumerate(used)}
    return min(matching, key=lambda p: last_use.get(p, -1))


# ---------------------------------------------------------------------------------------------- strategies


class Utterance:
    """An interviewer reply being produced: iterate for the pieces; afterwards read `text` and `usage`.

    `source` is who phrased it (`llm`, `offline`, or `llm->offline` when the model failed and the offline
    phrasing replaced its reply), and `fallback_reason` why the model's reply was not used.
    """

    def __init__(self, pieces: Iterator[str], *, prompt_version: str, source: str) -> None:
        self._pieces = pieces
        self.prompt_version = prompt_version
        self.source = source
        self.usage: list[Usage] = []
        self.fallback_reason: FallbackReason | None = None
        self._parts: list[str] = []
        self.done = False

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            if piece:
                self._parts.append(piece)
                yield piece
        self.done = True

    @property
    def text(self) -> str:
        return "".join(self._parts).strip()

    def finish(self) -> str:
        """Consume whatever is left and return the whole text."""
        for _ in self:
            pass
        return self.text


class Interviewer(Protocol):
    name: str

    def speak(self, move: Move, ctx: TurnContext) -> Utterance: ...


class OfflineInterviewer:
    """Deterministic, template-driven phrasing of each move. Varied, short and spoken-style."""

    name = "offline"

    def speak(self, move: Move, ctx: TurnContext) -> Utterance:
        text = self.phrase(move, ctx)
        return Utterance(iter(_chunks(text)), prompt_version=OFFLINE_VERSION, source="offline")

    def phrase(self, move: Move, ctx: TurnContext) -> str:
        return phrase(move, ctx)


def _chunks(text: str) -> list[str]:
    """Split a reply into word-sized pieces, so the offline reply streams like the LLM one."""
    return re.findall(r"\S+\s*", text)


# ---------------------------------------------------------------------------------------------- the LLM


Trimmer = Callable[[list[Message], int], list[Message]]


class LLMInterviewer:
    """Phrases each move with a chat model, streaming. See the module docstring for what it sends."""

    name = "llm"

    def __init__(
        self,
        chat: ChatModel,
        prompts: PromptLibrary,
        *,
        retrieve: Callable[[str], list[str]] | None = None,
        trim: Trimmer | None = None,
        history_budget: int = 3_000,
        temperature: float = 0.6,
        budgets: ReplyTokens | None = None,
    ) -> None:
        self.chat = chat
        self.prompts = prompts
        self.retrieve = retrieve
        self.trim = trim
        self.history_budget = history_budget
        self.temperature = temperature
        self.budgets = budgets or ReplyTokens()
        self._guidance: dict[tuple[str, Phase], str] = {}

    def messages(self, move: Move, ctx: TurnContext) -> tuple[list[Message], str]:
        """The request for this move, and the prompt versions it used."""
        q = ctx.question
        phase = move.phase or move.from_phase
        system = self.prompts.get("interviewer_system")
        versions = [system.id]
        if phase is not None:
            phase_prompt = self.prompts.get(f"interviewer_{phase}")
            versions.append(phase_prompt.id)
            spec = q.phase(phase)
            guidance = phase_prompt.render(phase_name=PHASE_NAMES[phase], phase_goal=PHASE_GOALS[phase])
            key_points = "\n".join(f"- {k.point}" for k in spec.key_points)
            pitfalls = "\n".join(f"- {p}" for p in spec.pitfalls)
        else:
            guidance, key_points, pitfalls = "The design phases are over.", "(none)", "(none)"
        notes = self._notes(q, phase, move)
        revealed = {f.fact for f in ctx.revealed_facts} | {f.fact for f in move.facts}
        facts = "\n".join(
            f"- [{f.topic}] {f.fact}" + (" (already told)" if f.fact in revealed else "")
            for f in q.hidden_facts
        )
        rendered = system.render(
            question_title=q.title,
            question_prompt=q.prompt.strip(),
            phase_name=PHASE_NAMES[phase] if phase else "Wrap-up",
            phase_guidance=guidance.strip(),
            key_points=key_points,
            pitfalls=pitfalls,
            hidden_facts=facts,
            notes=notes,
            minutes_left=f"{max(0.0, ctx.minutes_left):.0f}",
        )
        messages: list[Message] = [{"role": "system", "content": rendered}]
        for turn in ctx.transcript:
            if turn.role == "candidate":
                messages.append({"role": "user", "content": f"<candidate>\n{fence(turn.text)}\n</candidate>"})
            elif turn.role == "interviewer":
                messages.append({"role": "assistant", "content": turn.text})
        instruction = describe_move(move, ctx)
        own = describe_components(components([t.text for t in ctx.transcript if t.role == "candidate"]))
        if own:
            instruction += f"\nThe candidate's own design so far (build on these words): {own}"
        if ctx.diagram is not None and not ctx.diagram.empty:
            board = self.prompts.get("interviewer_board")
            versions.append(board.id)
            instruction += "\n" + board.render(
                diagram=fence(to_mermaid(ctx.diagram)).strip(), sentences=fence(diagram_text(ctx.diagram))
            )
        if move.kind == "hint":
            hint = self.prompts.get("interviewer_hint")
            versions.append(hint.id)
            learn = move.target.learn if move.target else None
            instruction += (
                "\n"
                + hint.render(
                    level=move.hint_level,
                    nudge=PHASE_NUDGES[phase] if phase else "",
                    probe=move.probe or "",
                    notes_file=learn.file if learn else "",
                    notes_heading=learn.heading if learn else "",
                ).strip()
            )
        elif move.kind in ("wrap_up", "close") or (move.kind == "advance" and move.phase is None):
            wrap = self.prompts.get("interviewer_wrap_up")
            versions.append(wrap.id)
            instruction += "\n" + wrap.render(summary=move.summary or "").strip()
        messages.append({"role": "system", "content": instruction})
        if self.trim is not None:
            messages = self.trim(messages, self.history_budget)
        return messages, "+".join(versions)

    def _notes(self, q: Question, phase: Phase | None, move: Move) -> str:
        """Guidance from the notes for this question's phase.

        Fetched for every phase of the question on the first call (the opening turn), so no answer
        turn waits for retrieval; kept for the life of the interviewer (it holds no per-user state).
        """
        if self.retrieve is None or phase is None:
            return "(none)"
        if (q.id, phase) not in self._guidance:
            if len(self._guidance) > 256:
                self._guidance.clear()
            for p in PHASES:
                self._guidance[(q.id, p)] = self._fetch(q, p)
        return self._guidance[(q.id, phase)]

    def _fetch(self, q: Question, phase: Phase) -> str:
        assert self.retrieve is not None
        points = "; ".join(k.point for k in q.phase(phase).key_points)
        try:
            excerpts = self.retrieve(f"{q.title} ({q.topic}). {PHASE_NAMES[phase]}: {points}")[:3]
        except Exception as exc:  # retrieval is a nice-to-have for a turn; the interview goes on without it
            log.warning("note retrieval failed (%s); continuing without guidance", type(exc).__name__)
            return "(none)"
        return "\n---\n".join(e.strip()[:800] for e in excerpts) or "(none)"

    def max_tokens(self, move: Move) -> int:
        """The reply budget of this move: a hint and a wrap-up may say more than an ordinary turn."""
        if move.kind == "hint":
            return self.budgets.hint
        if move.kind in ("wrap_up", "close") or (move.kind == "advance" and move.phase is None):
            return self.budgets.wrap_up
        return self.budgets.turn

    def speak(self, move: Move, ctx: TurnContext) -> Utterance:
        messages, versions = self.messages(move, ctx)
        utterance = Utterance(iter(()), prompt_version=versions, source="llm")
        guard = LeakGuard.for_context(ctx, move, messages[0]["content"])
        utterance._pieces = self._stream(messages, guard, utterance, self.max_tokens(move))
        return utterance

    def _stream(
        self, messages: list[Message], guard: LeakGuard, utterance: Utterance, max_tokens: int
    ) -> Iterator[str]:
        before = len(self.chat.usage)
        pending = ""
        said = ""
        for piece in self.chat.stream(messages, temperature=self.temperature, max_tokens=max_tokens):
            pending += piece
            # Release whole sentences only, once each is checked against the brief.
            cut = max(pending.rfind(". "), pending.rfind("? "), pending.rfind("! "), pending.rfind("\n"))
            if cut >= 0:
                ready, pending = pending[: cut + 1], pending[cut + 1 :]
                if guard.leaks(said + ready):
                    raise ReplyLeak(said)
                said += ready
                yield ready
        if pending:
            if guard.leaks(said + pending):
                raise ReplyLeak(said)
            yield pending
        utterance.usage = list(self.chat.usage[before:])


class ReplyLeak(LLMError):
    """The model's reply would have revealed the interviewer's brief; the offline phrasing is used."""

    reason: FallbackReason = "invalid_output"

    def __init__(self, said: str) -> None:
        super().__init__("the model's reply quoted hidden interview material")
        self.partial = said


@dataclass(frozen=True)
class LeakGuard:
    """Flags a reply that quotes hidden material: a run of `n` words from the brief (a whole secret when it
    is shorter than that, down to four words), or the brief's marker."""

    grams: frozenset[tuple[str, ...]]
    sizes: frozenset[int]
    marker: str = "interviewer brief"

    @classmethod
    def for_context(cls, ctx: TurnContext, move: Move, system_prompt: str, n: int = 7) -> LeakGuard:
        q = ctx.question
        allowed = {f.fact for f in (*ctx.revealed_facts, *move.facts, *move.repeated_facts)}
        texts = [k.point for p in PHASES for k in q.phase(p).key_points]
        texts += [f.fact for f in q.hidden_facts if f.fact not in allowed]
        texts += [line for line in system_prompt.splitlines() if len(line.split()) >= n]
        allowed_words = words_of(" ".join([q.prompt, move.probe or "", *allowed]))
        grams: set[tuple[str, ...]] = set()
        for text in texts:
            grams |= _secret_grams(text, n)
        for size in {len(g) for g in grams}:
            grams -= _grams(allowed_words, size)
        return cls(grams=frozenset(grams), sizes=frozenset(len(g) for g in grams))

    def leaks(self, text: str) -> bool:
        if self.marker in text.lower():
            return True
        words = words_of(text)
        return any(g in self.grams for size in self.sizes for g in _grams(words, size))


def _grams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@lru_cache(maxsize=4096)
def _secret_grams(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """The word runs of `text` a reply may not repeat: `n` long, or all of it when shorter (4+ words)."""
    words = words_of(text)
    size = min(n, len(words))
    return frozenset(_grams(words, size)) if size >= 4 else frozenset()


class FallbackInterviewer:
    """Use `primary`; when a call fails (any `LLMError`), phrase that move with `fallback` instead.

    The primary's reply goes through a hold-back buffer: nothing reaches the candidate until the model has
    finished its reply (or, with `hold_chars`, until that much is held), so a reply that fails late, cut at
    its token budget, broken off or past its deadline, is replaced by the offline one, never continued by
    it. The turn budget (`ReplyTokens`) and the call deadline keep the wait short. Should a failure come
    after text was released (only with `hold_chars`), the turn ends with the whole sentences already said.
    """

    def __init__(self, primary: Interviewer, fallback: Interviewer, *, hold_chars: int | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.hold_chars = hold_chars
        self.name = f"{primary.name}+{fallback.name}"
        self.failures = 0

    def speak(self, move: Move, ctx: TurnContext) -> Utterance:
        try:
            first = self.primary.speak(move, ctx)
        except LLMError as err:
            return self._fallback(move, ctx, err)
        utterance = Utterance(iter(()), prompt_version=first.prompt_version, source=first.source)
        utterance._pieces = self._guarded(first, move, ctx, utterance)
        return utterance

    def _guarded(self, first: Utterance, move: Move, ctx: TurnContext, out: Utterance) -> Iterator[str]:
        held: list[str] = []
        released = False
        try:
            for piece in first:
                held.append(piece)
                if self.hold_chars is not None and sum(map(len, held)) > self.hold_chars:
                    released = True
                    yield from held
                    held.clear()
        except LLMError as err:
            out.fallback_reason = err.reason
            if released:
                log.warning("interviewer reply ended early after it was shown: %s", type(err).__name__)
                return
            backup = self._fallback(move, ctx, err)
            out.source, out.prompt_version = backup.source, backup.prompt_version
            yield from backup
            return
        out.usage = first.usage
        issue = None if released else problem(move, ctx, "".join(held).strip())
        if issue is not None:
            log.warning("interviewer reply held back: %s", issue)
            gated = LLMOutputInvalid(f"the model's reply {issue}", "".join(held), 1)
            backup = self._fallback(move, ctx, gated)
            out.fallback_reason = gated.reason
            out.source, out.prompt_version = backup.source, backup.prompt_version
            yield from backup
            return
        yield from held

    def _fallback(self, move: Move, ctx: TurnContext, err: LLMError) -> Utterance:
        self.failures += 1
        log.warning("interviewer reply fell back to %s: %s", self.fallback.name, type(err).__name__)
        backup = self.fallback.speak(move, ctx)
        backup.source = f"{self.primary.name}->{self.fallback.name}"
        backup.fallback_reason = err.reason
        return backup
