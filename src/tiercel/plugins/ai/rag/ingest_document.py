"""``io.kestra.plugin.ai.rag.IngestDocument``: split documents, embed the segments, store
them in an embedding store."""

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field

from tiercel.plugins.ai.domain import documents
from tiercel.plugins.ai.domain.chatting import STORE_CALLS, call_of, provider_used
from tiercel.plugins.ai.domain.segments import EmbeddingStore, Segment
from tiercel.plugins.ai.domain.splitter import DocumentSplitter
from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.plugins.ai.provider.base import Call
from tiercel.sdk import (
    Example,
    KestraModel,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)

_EXAMPLE = """\
id: document_ingestion
namespace: company.ai

tasks:
  - id: ingest
    type: io.kestra.plugin.ai.rag.IngestDocument
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    drop: true
    fromExternalURLs:
      - https://raw.githubusercontent.com/kestra-io/docs/refs/heads/main/content/blogs/release-0-24.md
"""

EMBED_BATCH = 64
"""Segments sent to the embedding model per request."""


class InlineDocument(KestraModel):
    """A document written in the flow."""

    content: Text = Field(description="The document's text.")
    metadata: Property[dict[str, Any]] | None = Field(
        default=None, description="Metadata stored with each of its segments."
    )


class IngestDocumentOutput(Output):
    """What was ingested."""

    ingested_documents: int = Field(description="Documents ingested.")
    input_token_count: int | None = Field(default=None, description="Tokens embedded.")
    output_token_count: int | None = Field(default=None, description="Output tokens.")
    total_token_count: int | None = Field(default=None, description="Total tokens.")
    embedding_store_outputs: dict[str, Any] | None = Field(
        default=None, description="What the store reports (`kvName` for the KV store)."
    )


@plugin(
    "io.kestra.plugin.ai.rag.IngestDocument",
    aliases=["io.kestra.plugin.langchain4j.rag.IngestDocument"],
    examples=[
        Example("Ingest a document into the KV embedding store", _EXAMPLE, needs=("gemini",))
    ],
)
class IngestDocument(RunnableTask[IngestDocumentOutput]):
    """Ingest documents into an embedding store."""

    provider: AnyModelProvider = Field(description="A provider with an embedding model.")
    embeddings: AnyEmbeddingStore = Field(description="The embedding store.")
    from_path: Text | None = Field(
        default=None, description="A path of the working directory; every file under it."
    )
    from_internal_uris: Property[list[str]] | None = Field(
        default=None, alias="fromInternalURIs", description="Internal storage URIs."
    )
    from_external_urls: Property[list[str]] | None = Field(
        default=None, alias="fromExternalURLs", description="Document URLs."
    )
    from_documents: list[InlineDocument] | None = Field(
        default=None, description="Documents written inline."
    )
    metadata: Property[dict[str, str]] | None = Field(
        default=None, description="Accepted; not applied, as in Kestra (use each document's)."
    )
    document_splitter: DocumentSplitter | None = Field(
        default=None, description="How to cut documents; whole documents when unset."
    )
    drop: Property[bool] = Field(default=False, description="Empty the store first.")
    bulk_size: Property[int] = Field(default=500, description="Documents per ingestion batch.")

    def run(self, ctx: RunContext) -> IngestDocumentOutput:
        """``ingestedDocuments``, token counts and the store's outputs."""
        bulk = ctx.render_as(self.bulk_size, int)
        if bulk < 1:
            raise TaskFailure(f"bulkSize must be at least 1, got {bulk}")
        call = call_of(ctx, self.timeout)
        provider_used(ctx, self.provider)
        counted = _Counts()
        store: EmbeddingStore | None = None
        try:
            batch: list[Segment] = []
            for document in self._documents(ctx):
                batch.append(document)
                if len(batch) >= bulk:
                    store = self._ingest(call, batch, store, counted)
                    batch = []
            if batch:
                store = self._ingest(call, batch, store, counted)
            if store is None:
                raise TaskFailure("No document to ingest: set fromDocuments, fromPath, "
                                  "fromInternalURIs or fromExternalURLs")  # fmt: skip
            outputs = store.close()
            store = None
        finally:
            if store is not None:
                store.close()
        ctx.metric("indexed.documents", counted.documents)
        if counted.tokens:
            ctx.metric("input.token.count", counted.tokens)
            ctx.metric("total.token.count", counted.tokens)
        return IngestDocumentOutput(
            ingested_documents=counted.documents,
            input_token_count=counted.tokens or None,
            total_token_count=counted.tokens or None,
            embedding_store_outputs=outputs,
        )

    def _documents(self, ctx: RunContext) -> Iterator[Segment]:
        path = ctx.render(self.from_path) if self.from_path is not None else None
        if path:
            yield from documents.from_path(ctx, str(path))
        for item in self.from_documents or []:
            metadata = ctx.render_as(item.metadata, dict[str, Any]) if item.metadata else None
            yield documents.inline(str(ctx.render(item.content)), metadata)
        for uri in _strings(ctx, self.from_internal_uris):
            yield documents.from_internal(ctx, uri)
        for url in _strings(ctx, self.from_external_urls):
            yield documents.from_url(url)

    def _ingest(
        self, call: Call, batch: list[Segment], store: EmbeddingStore | None, counted: "_Counts"
    ) -> EmbeddingStore:
        segments = [piece for document in batch for piece in self._split(document)]
        vectors: list[list[float]] = []
        for start in range(0, len(segments), EMBED_BATCH):
            chunk = segments[start : start + EMBED_BATCH]
            embedded = self.provider.embed(call, [segment.text for segment in chunk])
            vectors.extend(embedded.vectors)
            counted.tokens += embedded.input_tokens or 0
        if store is None:
            drop = call.ctx.render_as(self.drop, bool)
            store = self.embeddings.open(call.ctx, len(vectors[0]), drop)
            call.ctx.metric(STORE_CALLS, 1, tags={"store": self.embeddings.type})
        store.add(vectors, segments)
        counted.documents += len(batch)
        return store

    def _split(self, document: Segment) -> list[Segment]:
        if self.document_splitter is None:
            return [document]
        pieces = self.document_splitter.split(document.text)
        return [
            Segment(text, {**document.metadata, "index": str(index)})
            for index, text in enumerate(pieces)
        ]


class _Counts:
    def __init__(self) -> None:
        self.documents = 0
        self.tokens = 0


def _strings(ctx: RunContext, value: Any) -> Iterable[str]:
    if value is None:
        return []
    return ctx.render_as(value, list[str])
