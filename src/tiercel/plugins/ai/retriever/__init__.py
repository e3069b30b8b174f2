"""Content retrievers (``io.kestra.plugin.ai.retriever.*``)."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.retriever.embedding_store_retriever import EmbeddingStoreRetriever

AnyContentRetriever = Annotated[EmbeddingStoreRetriever, Field(discriminator="type")]
"""A content retriever, by its ``type`` (only the embedding-store one is available)."""

__all__ = ["AnyContentRetriever", "EmbeddingStoreRetriever"]
