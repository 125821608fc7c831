"""Matching the boxes a candidate drew to the components of a reference design.

A candidate's label is compared with a reference component's label and each of its aliases:

- the same words (after lower-casing, dropping filler words and crude stemming) score 1.0;
- a name whose words all appear in the label ("FAISS" in "FAISS ANN index") scores 0.6 to 0.9, more the
  larger the share of the label it explains;
- otherwise the Dice overlap of the words, times 0.85;
- with an embedder, the cosine similarity of label and name, mapped so 0.35 → 0 and 0.85 → 0.85, when higher
  (only for labels no name matches by its words at 0.9 or more, so most boxes are never embedded).

The kinds then weigh in: a cache matched to a queue counts less than a cache matched to a cache. Pairs are
assigned greedily, best first, one to one; then a reference component still unmatched may share a box that
matches it strongly ("Feature and profile store" holds both stores), and a box still unmatched that names an
already matched component well is a second copy of it ("vLLM pool 70B" beside "vLLM pool 8B"). Deterministic: ties keep the order of
the diagrams.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from interviewer.diagrams.model import Component, Kind
from interviewer.diagrams.reference import ReferenceComponent

MATCH_AT = 0.5
SHARE_AT = 0.78
REPEAT_AT = 0.6
SURE_AT = 0.9  # a word match this good is not checked with the embedder

_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "for",
        "and",
        "to",
        "with",
        "service",
        "svc",
        "server",
        "system",
        "layer",
        "component",
        "module",
        "engine",
        "on",
        "in",
        "per",
        "box",
        "node",
    }
)
# Kinds that are often drawn for one another: matching across them costs little.
_NEAR: frozenset[frozenset[str]] = frozenset(
    frozenset(p)
    for p in (
        ("service", "model"),
        ("service", "other"),
        ("model", "other"),
        ("store", "cache"),
        ("pipeline", "service"),
        ("pipeline", "model"),
        ("queue", "store"),
        ("store", "other"),
        ("client", "other"),
        ("client", "service"),
    )
)
# What a box that matches nothing may be without being out of place: plumbing any design can have.
_PLUMBING = frozenset(
    {
        "load",
        "balancer",
        "lb",
        "gateway",
        "cdn",
        "dns",
        "auth",
        "authentication",
        "monitor",
        "monitoring",
        "metric",
        "metrics",
        "logging",
        "logger",
        "observability",
        "dashboard",
        "alert",
        "alerting",
        "firewall",
        "proxy",
        "nginx",
        "envoy",
        "api",
        "k8s",
        "kubernetes",
        "autoscaler",
        "config",
        "health",
        "edge",
        "frontend",
        "web",
        "backend",
        "router",
        "orchestrator",
        "rate",
        "limiter",
        "tracing",
        "grafana",
        "prometheus",
        "experiment",
        "experiments",
        "ab",
        "flag",
        "flags",
        "admin",
        "ingress",
    }
)


def stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "er", "ed", "ion"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Words that name the same thing in a label: "Profile DB" is a "profile store".
_SAME = {
    "db": "store",
    "database": "store",
    "datastore": "store",
    "storage": "store",
    "table": "store",
    "repository": "store",
    "repo": "store",
    "ml": "model",
    "ai": "model",
    "recommendation": "recommend",
    "recommender": "recommend",
    "recs": "recommend",
    "rec": "recommend",
    "reco": "recommend",
}


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """The meaningful stemmed words of a label, in order, without repeats."""
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        if w in _FILLER:
            continue
        s = stem(_SAME.get(w, w))
        if s not in out:
            out.append(s)
    return tuple(out)


def is_plumbing(label: str) -> bool:
    raw = set(_WORD.findall(label.lower()))
    return bool(raw) and bool(raw & _PLUMBING) and len(raw - _PLUMBING - _FILLER) <= 1


@lru_cache(maxsize=65536)
def lexical(label: str, name: str) -> float:
    a, b = set(words(label)), set(words(name))
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if b <= a:
        return 0.6 + 0.3 * len(b) / len(a)
    if a <= b:
        return 0.55 + 0.3 * len(a) / len(b)
    return 0.85 * 2 * len(a & b) / (len(a) + len(b))


def kind_factor(candidate: Kind, reference: Kind) -> float:
    if candidate == reference:
        return 1.0
    if frozenset((candidate, reference)) in _NEAR:
        return 0.92
    return 0.78


@dataclass(frozen=True)
class Pairing:
    candidate: Component
    reference: ReferenceComponent
    score: float


def similarity_table(
    candidates: Sequence[Component], references: Sequence[ReferenceComponent], embedder: Any = None
) -> np.ndarray:
    """scores[i, j]: how well candidate i names reference component j, in [0, 1]."""
    names = [(r.label, *r.aliases) for r in references]
    words_only = np.asarray(
        [[max(lexical(c.label, n) for n in names[j]) for j in range(len(references))] for c in candidates],
        dtype=np.float64,
    ).reshape(len(candidates), len(references))
    # Only labels no name matches by its words are embedded: most boxes use a known name.
    unsure = [i for i in range(len(candidates)) if words_only[i].max(initial=0.0) < SURE_AT]
    best = words_only.copy()
    if embedder is not None and unsure:
        semantic = np.asarray(_semantic([candidates[i] for i in unsure], names, embedder), dtype=np.float64)
        best[unsure] = np.maximum(best[unsure], semantic)
    factors = np.asarray(
        [[kind_factor(c.kind, r.kind) for r in references] for c in candidates], dtype=np.float64
    )
    return np.round(best * factors.reshape(best.shape), 4)


_CACHES: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_MAX_CACHED = 20_000


def embed_cached(embedder: Any, texts: Sequence[str]) -> np.ndarray:
    """Embed with a cache per embedder, so the reference names are embedded once per process."""
    try:
        cache = _CACHES.setdefault(embedder, {})
    except TypeError:  # an embedder that cannot be weakly referenced is simply not cached
        cache = {}
    todo = [t for t in dict.fromkeys(texts) if t not in cache]
    if todo:
        if len(cache) > _MAX_CACHED:
            cache.clear()
        for text, vector in zip(todo, np.asarray(embedder.embed(todo), dtype=np.float64), strict=True):
            cache[text] = vector
    return np.stack([cache[t] for t in texts])


def prepare_reference(references: Sequence[ReferenceComponent], embedder: Any) -> None:
    """Embed a reference design's names now, so the first drawing reviews as fast as the rest."""
    if embedder is not None and references:
        embed_cached(embedder, [n for r in references for n in (r.label, *r.aliases)])


def _semantic(
    candidates: Sequence[Component], names: list[tuple[str, ...]], embedder: Any
) -> list[list[float]]:
    flat = [n for group in names for n in group]
    cand = embed_cached(embedder, [c.label for c in candidates])
    refs = embed_cached(embedder, flat)
    cos = cand @ refs.T
    out: list[list[float]] = []
    for i in range(len(candidates)):
        row, k = [], 0
        for group in names:
            best = float(np.max(cos[i, k : k + len(group)]))
            k += len(group)
            row.append(max(0.0, min(1.0, (best - 0.35) / 0.5)) * 0.85)
        out.append(row)
    return out


def assign(
    candidates: Sequence[Component], references: Sequence[ReferenceComponent], embedder: Any = None
) -> list[Pairing]:
    """The matched pairs, best first: one to one, then strong shared matches for what is left."""
    if not candidates or not references:
        return []
    table = similarity_table(candidates, references, embedder)
    order = sorted(
        ((float(table[i, j]), i, j) for i in range(len(candidates)) for j in range(len(references))),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_c: set[int] = set()
    used_r: set[int] = set()
    pairs: list[Pairing] = []
    for score, i, j in order:
        if score < MATCH_AT:
            break
        if i in used_c or j in used_r:
            continue
        used_c.add(i)
        used_r.add(j)
        pairs.append(Pairing(candidates[i], references[j], score))
    for score, i, j in order:
        if score < SHARE_AT:
            break
        if j in used_r:
            continue
        used_r.add(j)
        pairs.append(Pairing(candidates[i], references[j], score))
    for score, i, j in order:
        if score < REPEAT_AT:
            break
        if i in used_c:
            continue
        used_c.add(i)  # a second box of the same part: "vLLM pool 8B" and "vLLM pool 70B"
        pairs.append(Pairing(candidates[i], references[j], score))
    return pairs
