"""Fixtures of the AI plugin tests: the real local models, started once per session."""

from collections.abc import Iterator

import pytest
from tests.plugins.ai.model_servers import (
    StandIn,
    chat_server,
    embedding_server,
    gemini_over_local_models,
    stand_in,
)


@pytest.fixture(scope="session")
def embeddings_url() -> Iterator[str]:
    """The real embedding model's endpoint (OpenAI and Ollama routes)."""
    yield from embedding_server()


@pytest.fixture(scope="session")
def chat_url() -> Iterator[str]:
    """SmolLM2 through llama.cpp's OpenAI-compatible server (``.../v1``)."""
    yield from chat_server()


@pytest.fixture
def gemini(embeddings_url: str, chat_url: str) -> Iterator[StandIn]:
    """The Gemini stand-in, answering with the real local models."""
    with stand_in(gemini_over_local_models(embeddings_url, chat_url)) as server:
        yield server
