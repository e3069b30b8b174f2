"""``io.kestra.plugin.ai.embeddings.KestraKVStore``: embeddings kept in the namespace's KV
store as one JSON document, searched in memory. For prototypes and small corpora, as in
Kestra; the JSON is langchain4j's ``InMemoryEmbeddingStore`` format, so a store written by
Kestra reads here and back."""

import json
import uuid
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match, Segment
from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider, driver
from tiercel.sdk import KeyValues, RunContext, TaskFailure, Text


class KestraKVStore(EmbeddingStoreProvider):
    """Embeddings in a KV pair of the flow's namespace (the default store)."""

    type: Literal[
        "io.kestra.plugin.ai.embeddings.KestraKVStore",
        "io.kestra.plugin.langchain4j.embeddings.KestraKVStore",
    ]
    kv_name: Text = Field(
        default="{{ flow.id }}-embedding-store", description="The name of the KV pair to use."
    )

    def open(self, ctx: RunContext, dimension: int, drop: bool) -> "KVEmbeddingStore":
        """Load the KV pair (unless ``drop``) into memory."""
        key = str(ctx.render(self.kv_name))
        kv = ctx.kv()
        store = KVEmbeddingStore(kv, key, dropped=drop)
        if not drop:
            raw = kv.get(key)
            if raw is not None:
                store.load(raw, key)
        return store


class KVEmbeddingStore:
    """Segments and unit vectors in memory, written back to the KV pair on ``close``."""

    def __init__(self, kv: KeyValues, key: str, *, dropped: bool = False) -> None:
        self._kv = kv
        self._key = key
        self._ids: list[str] = []
        self._vectors: list[list[float]] = []
        self._segments: list[Segment] = []
        self._dirty = dropped

    def load(self, raw: Any, key: str) -> None:
        """Read langchain4j's JSON (a string, or already parsed)."""
        try:
            data = json.loads(raw) if isinstance(raw, str | bytes) else raw
            for entry in data.get("entries") or []:
                embedded = entry.get("embedded") or {}
                metadata = embedded.get("metadata") or {}
                if isinstance(metadata.get("metadata"), dict):
                    metadata = metadata["metadata"]  # langchain4j nests it once more
                self._ids.append(str(entry.get("id") or uuid.uuid4()))
                self._vectors.append([float(x) for x in entry["embedding"]["vector"]])
                self._segments.append(Segment(str(embedded.get("text") or ""), dict(metadata)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TaskFailure(f"KV pair '{key}' is not an embedding store: {exc}") from None

    def add(self, vectors: Sequence[Sequence[float]], segments: Sequence[Segment]) -> None:
        """Keep the segments in memory until ``close``."""
        for vector, segment in zip(vectors, segments, strict=True):
            self._ids.append(str(uuid.uuid4()))
            self._vectors.append(list(vector))
            self._segments.append(segment)
        self._dirty = True

    def search(self, vector: Sequence[float], max_results: int, min_score: float) -> list[Match]:
        """Cosine similarity against every stored vector (numpy, one matrix product)."""
        if not self._vectors:
            return []
        np = driver("numpy", "numpy")
        matrix = np.asarray(self._vectors, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1)
        norms[norms == 0] = 1.0
        query = np.asarray(vector, dtype=np.float32)
        query_norm = float(np.linalg.norm(query)) or 1.0
        cosines = (matrix @ query) / (norms * query_norm)
        scores = (cosines + 1) / 2
        best = np.argsort(-scores, kind="stable")[:max_results]
        return [
            Match(self._segments[i], float(scores[i]))
            for i in best
            if float(scores[i]) >= min_score
        ]

    def close(self) -> dict[str, Any]:
        """Write the store back when it changed (or was dropped); ``kvName`` is the output."""
        if self._dirty:
            entries = [
                {
                    "id": id_,
                    "embedding": {"vector": vector},
                    "embedded": {"text": segment.text, "metadata": {"metadata": segment.metadata}},
                }
                for id_, vector, segment in zip(
                    self._ids, self._vectors, self._segments, strict=True
                )
            ]
            self._kv.set(self._key, json.dumps({"entries": entries}), kv_type="STRING")
        return {"kvName": self._key}
