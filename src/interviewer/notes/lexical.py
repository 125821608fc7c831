"""Lexical search: the words BM25 indexes and matches, and BM25 indexes built, saved, loaded and searched.

`lexical_tokens` lower-cases, drops stop words and lightly stems, so cache, caches, cached and caching meet.
The notes index keeps one BM25 index per notes set (`build_bm25`, `save_bm25`, `load_bm25`,
`bm25_search`); the offline answerer scores a handful of passages on the spot with `bm25_scores`.
Hybrid search also runs a query expanded by pseudo-relevance feedback: `feedback_terms` weighs the words
of its first few hits (RM3-style) and `bm25_feedback_search` scores the query with the best of them added.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves also get got use used using like want
    need way one s t
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """A light suffix stripper: enough that cache/caches/cached/caching meet, deterministic and fast."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("ies", "y"),
        ("sses", "ss"),
        ("ness", ""),
        ("ments", ""),
        ("ment", ""),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(suffix)] + replacement
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def lexical_tokens(text: str) -> list[str]:
    """Lower-cased, stop-word-free, lightly stemmed words: what BM25 indexes and matches."""
    words = _WORD.findall(text.lower().replace("_", " "))
    return [_stem(w) for w in words if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def _bm25s() -> Any:
    """Import bm25s, which sets its own logger to DEBUG, and quieten it to warnings."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def bm25_scores(query: str, texts: Sequence[str]) -> np.ndarray:
    """BM25 scores of each of `texts` against `query`, from a small index built on the spot."""
    corpus = [lexical_tokens(t) or ["_empty_"] for t in texts]
    vocab = {w for doc in corpus for w in doc}
    words = [w for w in lexical_tokens(query) if w in vocab]
    out = np.zeros(len(texts))
    if not words:
        return out
    retriever = _bm25s().BM25(k1=1.2, b=0.75)
    retriever.index(corpus, show_progress=False)
    docs, scores = retriever.retrieve([words], k=len(texts), show_progress=False, n_threads=1)
    out[docs[0]] = scores[0]
    return out


def build_bm25(texts: Sequence[str]) -> Any:
    """A BM25 index (`bm25s.BM25`) of `texts`, or None when there are none."""
    if not texts:
        return None
    corpus = [lexical_tokens(t) or ["_empty_"] for t in texts]
    retriever = _bm25s().BM25(k1=1.2, b=0.75)
    retriever.index(corpus, show_progress=False)
    return retriever


def save_bm25(bm25: Any, directory: Path) -> None:
    """Replace whatever is saved in `directory` with `bm25` (or with nothing, when it is None)."""
    shutil.rmtree(directory, ignore_errors=True)
    if bm25 is not None:
        bm25.save(str(directory), show_progress=False)


def load_bm25(directory: Path) -> Any:
    """The BM25 index saved in `directory`, or None when it is missing or unreadable."""
    if not directory.is_dir():
        return None
    try:
        return _bm25s().BM25.load(str(directory), show_progress=False)
    except Exception as exc:
        log.warning("the BM25 index at %s was unreadable (%s); rebuilding it", directory, _short(exc))
        return None


def bm25_vocab(bm25: Any) -> frozenset[str]:
    """The words a BM25 index knows (none for no index)."""
    return frozenset(bm25.vocab_dict) if bm25 is not None else frozenset()


def bm25_search(
    bm25: Any, vocab: frozenset[str], size: int, tokens: list[str], pool: int
) -> list[tuple[int, float]]:
    """The best (document position, score) pairs of an index of `size` documents, at most `pool`, score > 0."""
    known = [t for t in tokens if t in vocab]
    if bm25 is None or not known:
        return []
    k = min(pool, size)
    docs, scores = bm25.retrieve([known], k=k, show_progress=False, n_threads=1)
    return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if float(s) > 0.0]


def bm25_document_frequency(bm25: Any, term: str) -> int:
    """How many documents of a BM25 index contain `term` (0 when it knows no such word)."""
    token_id = bm25.vocab_dict.get(term) if bm25 is not None else None
    indptr = bm25.scores["indptr"] if bm25 is not None else None
    if token_id is None or indptr is None or token_id + 1 >= len(indptr):
        return 0
    return int(indptr[token_id + 1] - indptr[token_id])


def feedback_terms(
    documents: Sequence[tuple[Sequence[str], Any]], query_tokens: Sequence[str], count: int = 20
) -> dict[str, float]:
    """The `count` words that best describe the first hits of a search, each with its share of weight.

    `documents` are those hits, best first, each as its words (`lexical_tokens`) and the BM25 index it
    belongs to. A word weighs its frequency in a hit, divided by the hit's rank (1, 2, 3...), times
    `log(1 + N / df)` from that hit's index, so words rare in the notes count for more; summed over the
    hits. Words of the query itself are left out. The weights of the words returned sum to 1.
    """
    query = set(query_tokens)
    weights: dict[str, float] = {}
    for rank, (tokens, bm25) in enumerate(documents, start=1):
        if not tokens or bm25 is None:
            continue
        size = int(bm25.scores["num_docs"])
        length = len(tokens)
        for term, n in Counter(tokens).items():
            df = bm25_document_frequency(bm25, term)
            if term in query or df == 0:
                continue
            weights[term] = weights.get(term, 0.0) + (n / length) / rank * math.log(1 + size / df)
    best = sorted(weights.items(), key=lambda item: -item[1])[:count]
    total = sum(weight for _, weight in best)
    return {term: weight / total for term, weight in best} if total > 0 else {}


def bm25_feedback_search(
    bm25: Any,
    vocab: frozenset[str],
    size: int,
    tokens: list[str],
    expansion: dict[str, float],
    pool: int,
    *,
    beta: float = 0.3,
) -> list[tuple[int, float]]:
    """Like `bm25_search`, for the query with the `expansion` words (from `feedback_terms`) added.

    A document scores its BM25 score for the query plus `beta` times the number of query words times
    its BM25 score for the expansion words (weighted by their shares, which sum to 1), so the added words
    together weigh `beta` times as much as the query's own. Nothing is found when no query word is in
    the index.
    """
    known = [t for t in tokens if t in vocab]
    if bm25 is None or not known:
        return []
    scores = np.asarray(bm25.get_scores(known), dtype=np.float64)
    expanded = np.zeros(size)
    for term, weight in expansion.items():
        if term in vocab:
            expanded += weight * bm25.get_scores([term])
    scores = scores + beta * expanded * len(known)
    order = np.argsort(-scores)[: min(pool, size)]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0.0]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
