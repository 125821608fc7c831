"""The kind of a component from its label (and its shape, when the shape says something).

Words are checked in a fixed order, so "Feature store" is a store, "Training pipeline" a pipeline, "Ranking
model" a model, "Redis" a cache and "Kafka" a queue; a cylinder (`[(x)]`) is a store unless its label says
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
    words = set(tokens(label))
    words |= {part for w in list(words) for part in w.split("-") if part}
    for kind, vocabulary in _WORDS:
        if words & vocabulary:
            if kind == "client" and words & _SERVICE_WORDS:
                return "service"
            return kind
    return shape or "service"
