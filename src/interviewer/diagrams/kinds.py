"""The kind of a component from its label (and its shape, when the shape says something).

Words are checked in a fixed order, so "Feature store" is a store, "Training pipeline" a pipeline, "Ranking
model" a model, "Redis" a cache and "Kafka" a queue; a label ending in "API", "service" or "gateway" is a
service ("Fraud scoring API", "LLM gateway"); otherwise a last word that names a kind decides ("Feature
store (Redis)" is a store, "Redis cache" a cache); a cylinder (`[(x)]`) is a store unless its label says
it is a queue or a cache; anything else is a service.
"""

from __future__ import annotations

import re

from interviewer.diagrams.model import Kind

# Phrases that decide before single words (a "stream processor" is a pipeline, not a queue).
_PHRASES: tuple[tuple[str, Kind], ...] = (
    ("stream processor", "pipeline"),
    ("stream processing", "pipeline"),
    ("batch job", "pipeline"),
    ("feature pipeline", "pipeline"),
    ("event bus", "queue"),
    ("message bus", "queue"),
    ("pub/sub", "queue"),
    ("pub sub", "queue"),
    ("event stream", "queue"),
    ("event log", "queue"),
    ("object storage", "store"),
    ("blob storage", "store"),
    ("vector db", "store"),
    ("key-value", "store"),
    ("key value", "store"),
    ("model registry", "store"),
    ("model store", "store"),
    ("load balancer", "service"),
    ("api gateway", "service"),
    ("web server", "service"),
    ("app server", "service"),
)

_WORDS: tuple[tuple[Kind, frozenset[str]], ...] = (
    ("cache", frozenset({"cache", "cached", "caches", "caching", "redis", "memcached", "memcache", "cdn"})),
    (
        "queue",
        frozenset(
            {
                "kafka",
                "queue",
                "queues",
                "topic",
                "topics",
                "kinesis",
                "pubsub",
                "sqs",
                "rabbitmq",
                "stream",
                "pulsar",
                "bus",
                "eventhub",
                "firehose",
            }
        ),
    ),
    (
        "store",
        frozenset(
            {
                "postgres",
                "postgresql",
                "mysql",
                "db",
                "database",
                "databases",
                "table",
                "tables",
                "store",
                "stores",
                "storage",
                "warehouse",
                "s3",
                "gcs",
                "bucket",
                "blob",
                "lake",
                "datalake",
                "cassandra",
                "dynamo",
                "dynamodb",
                "bigtable",
                "hdfs",
                "index",
                "indexes",
                "registry",
                "bigquery",
                "snowflake",
                "hbase",
                "mongodb",
                "mongo",
                "elasticsearch",
                "opensearch",
                "faiss",
                "pinecone",
                "milvus",
                "qdrant",
                "weaviate",
                "scylla",
                "spanner",
                "logs",
                "log",
                "repository",
                "repo",
                "archive",
                "sql",
                "nosql",
                "rds",
                "aurora",
                "catalog",
                "catalogue",
            }
        ),
    ),
    (
        "pipeline",
        frozenset(
            {
                "pipeline",
                "pipelines",
                "training",
                "trainer",
                "train",
                "retraining",
                "etl",
                "batch",
                "job",
                "jobs",
                "spark",
                "flink",
                "airflow",
                "beam",
                "dataflow",
                "backfill",
                "aggregation",
                "aggregator",
                "ingestion",
                "indexer",
                "indexing",
                "labeling",
                "labelling",
                "streaming",
                "cron",
                "offline",
            }
        ),
    ),
    (
        "model",
        frozenset(
            {
                "model",
                "models",
                "ranker",
                "rankers",
                "ranking",
                "transformer",
                "llm",
                "llms",
                "classifier",
                "scorer",
                "scoring",
                "gpt",
                "bert",
                "neural",
                "predictor",
                "prediction",
                "inference",
                "reranker",
                "rerank",
                "re-ranker",
                "encoder",
                "embedder",
                "gbdt",
                "xgboost",
                "lightgbm",
                "dnn",
                "two-tower",
                "detector",
                "moderator",
                "forecaster",
                "vllm",
                "triton",
                "generator",
            }
        ),
    ),
    (
        "client",
        frozenset(
            {
                "user",
                "users",
                "client",
                "clients",
                "app",
                "apps",
                "browser",
                "mobile",
                "frontend",
                "front-end",
                "device",
                "devices",
                "customer",
                "customers",
                "web",
                "ios",
                "android",
                "viewer",
                "rider",
                "shopper",
                "advertiser",
                "player",
                "ui",
                "caller",
            }
        ),
    ),
)
_SERVICE_WORDS = frozenset(
    {"service", "server", "api", "gateway", "backend", "svc", "endpoint", "orchestrator"}
)
# A last word that makes the box a service whatever comes before it ("Ranking service", "LLM gateway").
_HEAD_SERVICE = frozenset(
    {"api", "apis", "service", "services", "gateway", "backend", "svc", "endpoint", "orchestrator"}
)
_STORE_HEADS = frozenset({"db", "database", "store", "cache", "queue"})
_ASIDE = re.compile(r"\s[-–—:]\s|\(|,")  # what follows is a detail: "Feature store (Redis)", "Store - Redis"
_TOKEN = re.compile(r"[a-z0-9][a-z0-9/+-]*")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a label (`Feature-store (Redis)` → feature-store, redis)."""
    return _TOKEN.findall(text.lower())


def kind_for(label: str, shape: Kind | None = None) -> Kind:
    """The kind a label and shape suggest: the label's words first, then the shape, else `service`."""
    low = " ".join(tokens(label))
    for phrase, kind in _PHRASES:
        if phrase in low:
            return kind
    ordered = tokens(label)
    words = set(ordered)
    words |= {part for w in list(words) for part in w.split("-") if part}
    if ordered and ordered[-1] in _HEAD_SERVICE and not words & _STORE_HEADS:
        return "service"  # "Fraud scoring API", "LLM gateway": what it is comes last
    head = tokens(_ASIDE.split(label, maxsplit=1)[0])
    for kind, vocabulary in _WORDS:
        if head and head[-1] in vocabulary and (kind != "client" or not words & _SERVICE_WORDS):
            return kind  # "Feature store (Redis)" is a store, "Redis cache" a cache: the head noun decides
    for kind, vocabulary in _WORDS:
        if words & vocabulary:
            if kind == "client" and words & _SERVICE_WORDS:
                return "service"
            return kind
    return shape or "service"
