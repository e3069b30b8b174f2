"""``io.kestra.plugin.ai.rag.Search``: the stored segments nearest to a query, with no model to
answer: the texts returned, or stored as an Ion file."""

from pydantic import Field

from tiercel.plugins.ai.domain.chatting import call_of
from tiercel.plugins.ai.domain.retrieval import retrieve
from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
from tiercel.plugins.ai.provider import AnyModelProvider
from tiercel.sdk import (
    Example,
    FetchType,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)
from tiercel.sdk.ion import dumps

_EXAMPLE = """\
id: search_embeddings_flow
namespace: company.ai
tasks:
  - id: search
    type: io.kestra.plugin.ai.rag.Search
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ secret('GEMINI_API_KEY') }}"
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    query: "Feature Highlights"
    maxResults: 5
    minScore: 0.5
    fetchType: FETCH
"""


class SearchOutput(Output):
    """The matching texts, or where they were stored."""

    results: list[str] | None = Field(default=None, description="The matching texts (FETCH).")
    size: int | None = Field(default=None, description="How many matched.")
    uri: str | None = Field(default=None, description="The Ion file of the texts (STORE).")


@plugin(
    "io.kestra.plugin.ai.rag.Search",
    aliases=["io.kestra.plugin.langchain4j.rag.Search"],
    examples=[Example("Search an embedding store", _EXAMPLE, needs=("gemini",))],
)
class Search(RunnableTask[SearchOutput]):
    """Search embeddings with a query's embedding, and optionally return the results."""

    query: Text = Field(description="The text to search for.")
    max_results: Property[int] = Field(default=3, description="The most segments returned.")
    min_score: Property[float] = Field(
        default=0.0, description="The lowest relevance (0 to 1) of a returned segment."
    )
    provider: AnyModelProvider = Field(description="The embedding model provider.")
    embeddings: AnyEmbeddingStore = Field(description="The embedding store to search.")
    fetch_type: Property[FetchType] = Field(
        default=FetchType.NONE,
        description="NONE (the count only), FETCH, FETCH_ONE, or STORE (an Ion file).",
    )

    def run(self, ctx: RunContext) -> SearchOutput:
        """``results`` (FETCH, FETCH_ONE), ``uri`` (STORE), ``size``; ``fetch.size`` counted."""
        call = call_of(ctx, self.timeout)
        matches = retrieve(
            call,
            self.provider,
            self.embeddings,
            str(ctx.render(self.query)),
            call.env.value(self.max_results, int),
            call.env.value(self.min_score, float),
        )
        texts = [match.segment.text for match in matches]
        chosen = call.env.value(self.fetch_type, str).upper()
        if chosen not in FetchType.__members__:
            raise TaskFailure(f"fetchType: expected one of {', '.join(FetchType)}, got {chosen}")
        kind = FetchType(chosen)
        fetched = kind in (FetchType.FETCH, FetchType.FETCH_ONE)
        stored = kind is FetchType.STORE
        ctx.metric(
            "fetch.size",
            0 if kind is FetchType.NONE else len(texts),
            tags={"fetch": str(fetched).lower(), "store": str(stored).lower()},
        )
        if kind is FetchType.FETCH:
            return SearchOutput(results=texts, size=len(texts))
        if kind is FetchType.FETCH_ONE:
            return SearchOutput(results=texts[:1], size=len(texts))
        if stored:
            data = "".join(f"{dumps(text)}\n" for text in texts).encode()
            return SearchOutput(uri=ctx.files.put("search.ion", data), size=len(texts))
        return SearchOutput()
