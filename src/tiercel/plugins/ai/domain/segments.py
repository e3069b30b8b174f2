"""Text segments and the embedding-store port every store implements."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a document, with the document's metadata."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """A stored segment found near a query, with its relevance from 0 to 1."""

    segment: Segment
    score: float


class EmbeddingStore(Protocol):
    """An open embedding store."""

    def add(self, vectors: Sequence[Sequence[float]], segments: Sequence[Segment]) -> None:
        """Store segments with their vectors."""
        ...

    def search(self, vector: Sequence[float], max_results: int, min_score: float) -> list[Match]:
        """The ``max_results`` segments most similar to ``vector`` whose relevance is at least
        ``min_score``, best first."""
        ...

    def close(self) -> dict[str, Any] | None:
        """Persist what must be and release connections; the store's outputs, if any."""
        ...


def relevance(cosine: float) -> float:
    """langchain4j's relevance score: cosine similarity mapped from [-1, 1] to [0, 1]."""
    return (cosine + 1) / 2


def normalized(vector: Sequence[float]) -> list[float]:
    """A unit vector in the direction of ``vector`` (cosine similarity is then a dot product)."""
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]
