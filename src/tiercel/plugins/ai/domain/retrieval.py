"""Retrieval-augmented generation: embed the question, find the nearest stored segments, and
put them in the user message the way langchain4j's default content injector does."""

from collections.abc import Sequence

from tiercel.plugins.ai.domain.chatting import STORE_CALLS, provider_used
from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider
from tiercel.plugins.ai.provider.base import Call, ModelProvider
from tiercel.sdk import TaskFailure


def retrieve(
    call: Call,
    embedding_provider: ModelProvider,
    embeddings: EmbeddingStoreProvider,
    query: str,
    max_results: int,
    min_score: float,
) -> list[Match]:
    """The stored segments nearest to ``query``.

    Raises:
        TaskFailure: bad limits, or the provider or the store failed.
    """
    if max_results < 1:
        raise TaskFailure(f"maxResults must be at least 1, got {max_results}")
    if not 0.0 <= min_score <= 1.0:
        raise TaskFailure(f"minScore must be from 0 to 1, got {min_score}")
    provider_used(call.ctx, embedding_provider)
    (vector,) = embedding_provider.embed(call, [query]).vectors
    store = embeddings.open(call.ctx, len(vector), drop=False)
    call.ctx.metric(STORE_CALLS, 1, tags={"store": embeddings.type})
    try:
        matches = store.search(vector, max_results, min_score)
    finally:
        store.close()
    call.ctx.logger.debug(f"Retrieved {len(matches)} segments")
    return matches


def augmented(prompt: str, matches: Sequence[Match]) -> str:
    """The user message with the retrieved segments after it (none: the prompt alone)."""
    if not matches:
        return prompt
    contents = "\n\n".join(match.segment.text for match in matches)
    return f"{prompt}\n\nAnswer using the following information:\n{contents}"
