"""``io.kestra.plugin.ai.embeddings.KestraKVStore``: embeddings kept in the namespace's KV
store as one JSON document, searched in memory. For prototypes and small corpora, as in
Kestra; the JSON is langchain4j's ``InMemoryEmbeddingStore`` format, so a store written by
Kestra reads here and back."""

import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match, Segment
from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider, driver
from tiercel.sdk import KeyValues, RunContext, TaskFailure, Text

_PARSED: "OrderedDict[tuple[str, str], tuple[tuple[int, int], list[Segment], Any]]" = OrderedDict()
"""The last stores read in this process, by (namespace, key): the fingerprint of the JSON
read (its length and hash), the segments and the unit vectors. Parsing the JSON is what a
retrieval costs (seconds at 10,000 segments); an unchanged pair is not parsed again."""
_PARSED_LIMIT = 4
_PARSED_LOCK = threading.Lock()


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
        flow = ctx.variables.get("flow")
        namespace = str(flow.get("namespace", "")) if isinstance(flow, dict) else ""
        store = KVEmbeddingStore(kv, key, dropped=drop, namespace=namespace)
        if not drop:
            raw = kv.get(key)
            if raw is not None:
                store.load(raw, key)
        return store


class KVEmbeddingStore:
    """Segments in memory, written back to the KV pair on ``close``.

    The JSON read is kept as text and written back as it was, with the new entries appended
    (a store written by Kestra stays Kestra's, and nothing is serialized again); searches use
    one float32 matrix of unit vectors, so that a search is one matrix-vector product rather
    than a conversion of every stored vector.
    """

    def __init__(
        self, kv: KeyValues, key: str, *, dropped: bool = False, namespace: str = ""
    ) -> None:
        self._kv = kv
        self._key = key
        self._scope = (namespace, key)
        self._read: str | None = None
        """The JSON read, when it was a string ending in its entries list."""
        self._entries: list[dict[str, Any]] = []
        """Entries to write: the new ones, or all of them when the JSON read is not kept."""
        self._segments: list[Segment] = []
        self._units: Any = None
        """The unit vectors of the first ``len(self._units)`` entries (numpy), or None."""
        self._pending: list[Sequence[float]] = []
        """Vectors of entries not yet in ``_units``, in order."""
        self._dirty = dropped

    def load(self, raw: Any, key: str) -> None:
        """Read langchain4j's JSON (a string, or already parsed)."""
        np = driver("numpy", "numpy")
        text = raw.decode() if isinstance(raw, bytes) else raw
        fingerprint = (len(text), hash(text)) if isinstance(text, str) else None
        if fingerprint is not None:
            with _PARSED_LOCK:
                cached = _PARSED.get(self._scope)
            if cached is not None and cached[0] == fingerprint:
                _, segments, units = cached
                self._segments = list(segments)
                self._units = units
                self._keep(text)
                return
        try:
            data = json.loads(text) if isinstance(text, str) else text
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
        self._segments = segments
        self._units = _unit_rows(np, matrix) if matrix is not None else None
        # Appending to the text is safe when the entries list is its only and last key.
        if isinstance(text, str) and isinstance(data, dict) and set(data) == {"entries"}:
            self._keep(text)
        if self._read is None:
            self._entries = entries
        elif fingerprint is not None:
            _remember(self._scope, fingerprint, segments, self._units)

    def _keep(self, text: str) -> bool:
        """Keep the JSON read to append to it, when it ends with its entries list."""
        if text.rstrip().endswith("]}") and self._segments:
            self._read = text.rstrip()
            return True
        return False

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
            if self._read is not None and self._entries:
                added = ",".join(json.dumps(entry) for entry in self._entries)
                text = f"{self._read[:-2]},{added}]}}"
            elif self._read is not None:
                text = self._read
            else:
                text = json.dumps({"entries": self._entries})
            self._kv.set(self._key, text, kv_type="STRING")
            if self._segments and text.startswith('{"entries":'):
                # What was written is what the next retrieval reads: no need to parse it.
                units = self._unit_matrix(driver("numpy", "numpy"))
                _remember(self._scope, (len(text), hash(text)), self._segments, units)
        return {"kvName": self._key}


def _remember(
    scope: tuple[str, str], fingerprint: tuple[int, int], segments: list[Segment], units: Any
) -> None:
    """Keep a parsed store for the next read of the same JSON (the last few only)."""
    with _PARSED_LOCK:
        _PARSED[scope] = (fingerprint, list(segments), units)
        _PARSED.move_to_end(scope)
        while len(_PARSED) > _PARSED_LIMIT:
            _PARSED.popitem(last=False)


def _unit_rows(np: Any, matrix: Any) -> Any:
    """Each row scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
