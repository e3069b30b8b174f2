"""``io.kestra.plugin.ai.retriever.EmbeddingStoreRetriever``: a content retriever over an
embedding store, for ``contentRetrievers`` of ``agent.AIAgent`` and ``rag.ChatCompletion``."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.retrieval import retrieve
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.provider.base import Call
from tiercel.sdk import KestraModel, Property


class EmbeddingStoreRetriever(KestraModel):
    """Retrieve the segments of an embedding store nearest to the prompt."""

    type: Literal["io.kestra.plugin.ai.retriever.EmbeddingStoreRetriever"]
    embeddings: AnyEmbeddingStore = Field(description="The store to retrieve from.")
    embedding_provider: AnyModelProvider = Field(
        description="The provider that embeds the query (the one that embedded the store)."
    )
    max_results: Property[int] = Field(default=3, description="The most segments returned.")
    min_score: Property[float] = Field(
        default=0.0, description="The lowest relevance (0 to 1) of a returned segment."
    )

    def retrieve(self, call: Call, query: str) -> list[Match]:
        """The nearest segments to ``query``."""
        return retrieve(
            call,
            self.embedding_provider,
            self.embeddings,
            query,
            call.env.value(self.max_results, int),
            call.env.value(self.min_score, float),
        )
