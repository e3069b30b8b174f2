"""``io.kestra.plugin.ai.provider.LocalAI``: a self-hosted LocalAI server, through its
OpenAI-compatible API (no key)."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.provider.base import Call
from tiercel.plugins.ai.provider.open_ai import OpenAICompatibleService
from tiercel.sdk import Text


class LocalAI(OpenAICompatibleService):
    """Models served by LocalAI (chat and embeddings)."""

    vendor = "LocalAI"

    type: Literal[
        "io.kestra.plugin.ai.provider.LocalAI", "io.kestra.plugin.langchain4j.provider.LocalAI"
    ]
    base_url: Text | None = Field(description="The API base URL, e.g. `http://localhost:8080/v1`.")
    api_key: Text | None = Field(default=None, description="Not used by LocalAI.")

    def _key(self, call: Call) -> str | None:
        return None
