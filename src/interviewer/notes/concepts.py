"""Named concepts of ML and systems engineering, and whether a set of notes ever names them.

A learner who asks about "a feature store", "consistent hashing" or "in-batch negatives" asks about that
concept, even when every one of its words is common in the notes ("feature", "store"; "batch",
"negative"). Word-level evidence cannot tell such a question from a paraphrase of a covered topic; a list of
the field's compound terms can. `GLOSSARY` holds them, one concept per line, its spellings separated by
`|`. `named_concepts` finds the concepts a question names, and `absent_concepts` those that no spelling of
which occurs anywhere in the notes (`interviewer.notes.coverage` counts each against coverage).

Spellings are compared after `normalise`: lower case, every run of letters and digits a word, each word
lightly stemmed (`lexical._stem`), so "A/B tests" meets "a/b testing" and "KV-cache" meets "KV cache".
Stop words are kept: "in-batch negatives" is not "batch negatives".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache

from interviewer.notes.lexical import _stem

GLOSSARY = """
consistent hashing | hash ring
leader election
raft consensus | raft protocol | raft algorithm
paxos
two-phase commit | 2pc
vector clock | vector clocks
gossip protocol
quorum read | quorum write | read quorum | write quorum
read replica | read replicas
replication lag
write-ahead log | wal
eventual consistency | eventually consistent
cap theorem
circuit breaker
token bucket
leaky bucket
rate limiter | rate limiting | rate-limit | rate limit
service mesh
dead letter queue | dead-letter queue
exactly-once
at-least-once
idempotency key | idempotent
event sourcing
change data capture | cdc
cache stampede | thundering herd
write-through
write-back | write-behind
cache-aside
content delivery network | cdn
bloom filter
skip list
lsm tree | log-structured merge
b-tree | b+ tree
database sharding | shard key
connection pool | connection pooling
blue-green deployment | blue/green deployment | green-blue deployment | blue-green
canary release | canary deployment | canary rollout | canary
shadow deployment | shadow mode | shadow traffic | shadow testing
feature flag | feature flags | feature toggle
horizontal pod autoscaler | hpa
feature store | feature stores
training-serving skew | training/serving skew | train-serve skew | serving skew
concept drift
covariate shift
population stability index | psi
label leakage | target leakage | data leakage | leakage
negative sampling
hard negative | hard negatives | hard-negative mining
in-batch negative | in-batch negatives
contrastive learning | contrastive loss | contrastively | contrastive
triplet loss
two-tower | two tower | dual encoder | dual-encoder
approximate nearest neighbor | approximate nearest neighbour | ann index | ann search
product quantization | product quantisation
hnsw | hierarchical navigable small world
inverted index
learning to rank | learning-to-rank | ltr
ndcg | normalized discounted cumulative gain
mean reciprocal rank | mrr
collaborative filtering
matrix factorization | matrix factorisation
cold start | cold-start
multi-armed bandit | bandit | bandits
thompson sampling
upper confidence bound | ucb
position bias
inverse propensity | propensity weighting | ips
off-policy evaluation | counterfactual evaluation
platt scaling
isotonic regression
gradient boosting | gradient-boosted | boosted trees | xgboost | lightgbm
early stopping
weight decay
batch normalization | batch normalisation | batch norm | batchnorm
layer normalization | layer normalisation | layer norm | layernorm
learning rate warmup | warmup | warm-up
gradient clipping
mixed precision | mixed-precision | fp16 | bf16 | bfloat16
gradient accumulation
gradient checkpointing | activation checkpointing | activation recomputation
data parallelism | data parallel | data-parallel | ddp
tensor parallelism | tensor parallel | tensor-parallel
pipeline parallelism | pipeline parallel | pipeline-parallel
zero redundancy optimizer | zero-1 | zero-2 | zero-3 | deepspeed
fully sharded data parallel | fsdp
knowledge distillation | distillation | distil | distill
quantization | quantisation | quantize | quantise | quantized | quantised | int8 | int4 | 8-bit | 4-bit
hyperparameter tuning | hyperparameter search | hyperparameter optimization | hyperparameter optimisation
cross-validation | cross validation | k-fold
a/b test | a/b testing | split test | online experiment | controlled experiment
sample size
statistical power
p-value | p value
sequential testing
interleaving
uplift modeling | uplift modelling | uplift model | uplift
causal inference
propensity score
self-attention | self attention
multi-head attention | multi-head | multihead attention
positional encoding | positional embedding | position embedding | rotary
byte-pair encoding | bpe | byte pair encoding
tokenizer | tokeniser | tokenization | tokenisation
word2vec | glove | word embeddings | word embedding
kv cache | key-value cache | kv-cache
paged attention | pagedattention
flash attention | flashattention
speculative decoding | draft model
continuous batching | in-flight batching | dynamic batching
beam search
greedy decoding
temperature | sampling temperature
top-p | nucleus sampling
top-k sampling
context window | context length
prompt injection
chain of thought | chain-of-thought
in-context learning
few-shot | few shot
zero-shot | zero shot
retrieval-augmented generation | retrieval augmented generation | rag
vector database | vector store | vector db
reranker | re-ranker | reranking | re-ranking | cross-encoder | cross encoder
hallucination | hallucinations | hallucinate
lora | low-rank adaptation | low-rank adapter | qlora
rlhf | reinforcement learning from human feedback | human feedback
reward model
direct preference optimization | dpo
instruction tuning | instruction-tuned | instruction tuned
mixture of experts | mixture-of-experts | moe
llm-as-a-judge | llm as a judge | llm judge
perplexity
bleu
rouge
candidate generation
click-through rate | ctr
dwell time
watch time
model registry
experiment tracking
data versioning
infrastructure as code | terraform
kubernetes | k8s
serverless
online learning | incremental learning | continual learning
data lake
data warehouse
lakehouse
schema evolution
data contract | data contracts
backfill | backfilling
late-arriving | late data
watermark | watermarks
tumbling window | sliding window | windowed aggregation
differential privacy
federated learning
homomorphic encryption
k-anonymity
"""


@cache
def _groups() -> tuple[tuple[str, ...], ...]:
    groups = []
    for line in GLOSSARY.strip().splitlines():
        spellings = tuple(dict.fromkeys(normalise(s) for s in line.split("|") if normalise(s)))
        if spellings:
            groups.append(spellings)
    return tuple(groups)


# every byte but a-z and 0-9 is a word break; text is read as ASCII with anything else a break too
_BREAKS = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def normalise(text: str) -> str:
    """Lower-cased, lightly stemmed words joined by single spaces (punctuation and hyphens are word breaks)."""
    words = text.lower().encode("ascii", "replace").translate(_BREAKS).decode("ascii").split()
    return " ".join(map(_stem, words))


def named_concepts(question: str) -> list[tuple[str, ...]]:
    """The glossary concepts `question` names, each as its normalised spellings (the longest match wins)."""
    padded = f" {normalise(question)} "
    found: list[tuple[str, ...]] = []
    taken: list[str] = []
    for group in sorted(_groups(), key=lambda g: -max(len(s) for s in g)):
        hits = [s for s in group if f" {s} " in padded]
        if hits and not any(f" {h} " in f" {t} " for h in hits for t in taken):
            found.append(group)
            taken.extend(hits)
    return found


def absent_concepts(question: str, mentioned: Callable[[Sequence[str]], set[str]]) -> list[str]:
    """The concepts `question` names that the notes never name in any spelling (their first spelling each).

    `mentioned` takes normalised spellings and returns those the notes hold (`NotesIndex.mentions`).
    """
    groups = named_concepts(question)
    if not groups:
        return []
    held = mentioned([s for g in groups for s in g])
    return [g[0] for g in groups if not held.intersection(g)]


_TEXTS: dict[str, str] = {}
_TEXTS_KEPT = 32
_TEXTS_LOCK = threading.Lock()


def phrase_text(generation: str, texts: Callable[[], Iterable[str]]) -> str:
    """Every text of one notes set (`texts()`), normalised and padded with spaces, cached by its generation."""
    text = _TEXTS.get(generation)
    if text is None:
        text = " " + " | ".join(normalise(t) for t in texts()) + " "
        with _TEXTS_LOCK:  # the app's sessions ask from several threads
            if len(_TEXTS) >= _TEXTS_KEPT:
                _TEXTS.pop(next(iter(_TEXTS)), None)
            _TEXTS[generation] = text
    return text
