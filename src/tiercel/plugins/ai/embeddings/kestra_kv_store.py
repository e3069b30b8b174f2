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
    """Segments in memory, written back to the KV pair on ``close``.

    The entries keep the JSON they were read from (so a store written by Kestra is written
    back as it was, plus the new entries); searches use one float32 matrix of unit vectors,
    built once when first searched and extended by later additions, so that a search is one
    matrix-vector product rather than a conversion of every stored vector.
    """

    def __init__(self, kv: KeyValues, key: str, *, dropped: bool = False) -> None:
        self._kv = kv
        self._key = key
        self._entries: list[dict[str, Any]] = []
        self._segments: list[Segment] = []
        self._units: Any = None
        """The unit vectors of the first ``len(self._units)`` entries (numpy), or None."""
        self._pending: list[Sequence[float]] = []
        """Vectors of entries not yet in ``_units``, in order."""
        self._dirty = dropped

    def load(self, raw: Any, key: str) -> None:
        """Read langchain4j's JSON (a string, or already parsed)."""
        np = driver("numpy", "numpy")
        try:
            data = json.loads(raw) if isinstance(raw, str | bytes) else raw
            entries = list(data.get("entries") or [])
            segments = []
            for entry in entries:
                embedded = entry.get("embedded") or {}
                metadata = embedded.get("metadata") or {}
                if isinstance(metadata.get("metadata"), dict):
                    metadata = metadata["metadata"]  # langchain4j nests it once more
                segments.append(Segment(str(embedded.get("text") or ""), dict(metadata)))
            # One conversion of the parsed lists, not a Python float() per component.
            vectors = [entry["embedding"]["vector"] for entry in entries]
            matrix = np.array(vectors, dtype=np.float32) if vectors else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TaskFailure(f"KV pair '{key}' is not an embedding store: {exc}") from None
        if matrix is not None and matrix.ndim != 2:
            raise TaskFailure(f"KV pair '{key}' is not an embedding store: uneven vectors")
        self._entries = entries
        self._segments = segments
        self._units = _unit_rows(np, matrix) if matrix is not None else None

    def add(self, vectors: Sequence[Sequence[float]], segments: Sequence[Segment]) -> None:
        """Keep the segments in memory until ``close``."""
        for vector, segment in zip(vectors, segments, strict=True):
            self._entries.append(
                {
                    "id": str(uuid.uuid4()),
                    "embedding": {"vector": [float(x) for x in vector]},
                    "embedded": {"text": segment.text, "metadata": {"metadata": segment.metadata}},
                }
            )
            self._pending.append(vector)
            self._segments.append(segment)
        self._dirty = True

    def search(self, vector: Sequence[float], max_results: int, min_score: float) -> list[Match]:
        """Cosine similarity against every stored vector: one matrix product (numpy)."""
        if not self._segments:
            return []
        np = driver("numpy", "numpy")
        units = self._unit_matrix(np)
        query = np.asarray(vector, dtype=np.float32)
        query_norm = float(np.linalg.norm(query)) or 1.0
        if query.shape != (units.shape[1],):
            raise TaskFailure(
                f"The query has {query.size} dimensions, the store's vectors {units.shape[1]}"
            )
        scores = (units @ (query / query_norm) + 1) / 2
        count = min(max_results, len(scores))
        nearest = np.argpartition(-scores, count - 1)[:count]
        # Best first; equal scores in the order they were stored.
        best = nearest[np.lexsort((nearest, -scores[nearest]))]
        return [
            Match(self._segments[i], float(scores[i]))
            for i in best
            if float(scores[i]) >= min_score
        ]

    def _unit_matrix(self, np: Any) -> Any:
        if self._pending:
            try:
                added = _unit_rows(np, np.asarray(self._pending, dtype=np.float32))
                self._units = added if self._units is None else np.vstack((self._units, added))
            except ValueError:
                raise TaskFailure(
                    f"KV pair '{self._key}' holds vectors of different dimensions"
                ) from None
            self._pending = []
        return self._units

    def close(self) -> dict[str, Any]:
        """Write the store back when it changed (or was dropped); ``kvName`` is the output."""
        if self._dirty:
            self._kv.set(self._key, json.dumps({"entries": self._entries}), kv_type="STRING")
        return {"kvName": self._key}


def _unit_rows(np: Any, matrix: Any) -> Any:
    """Each row scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
