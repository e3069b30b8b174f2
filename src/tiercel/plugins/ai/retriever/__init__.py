"""Content retrievers (``io.kestra.plugin.ai.retriever.*``)."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.retriever.embedding_store_retriever import EmbeddingStoreRetriever
from tiercel.plugins.ai.retriever.google_custom_web_search import GoogleCustomWebSearch
from tiercel.plugins.ai.retriever.tavily_web_search import TavilyWebSearch

AnyContentRetriever = Annotated[
    EmbeddingStoreRetriever | GoogleCustomWebSearch | TavilyWebSearch,
    Field(discriminator="type"),
]
"""A content retriever, by its ``type``."""

__all__ = ["AnyContentRetriever", "EmbeddingStoreRetriever"]
