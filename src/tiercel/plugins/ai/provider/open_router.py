"""``io.kestra.plugin.ai.provider.OpenRouter``: OpenRouter's OpenAI-compatible API."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.provider.open_ai import OpenAICompatibleService
from tiercel.sdk import Text

OPENROUTER_URL = "https://openrouter.ai/api/v1"


class OpenRouter(OpenAICompatibleService):
    """Models through OpenRouter (chat and embeddings)."""

    vendor = "OpenRouter"
    default_url = OPENROUTER_URL

    type: Literal[
        "io.kestra.plugin.ai.provider.OpenRouter",
        "io.kestra.plugin.langchain4j.provider.OpenRouter",
    ]
    base_url: Text | None = Field(default=OPENROUTER_URL, description="The API base URL.")
