"""``io.kestra.plugin.ai.provider.DockerModel``: Docker Model Runner, through its
OpenAI-compatible API."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.provider.base import Call
from tiercel.plugins.ai.provider.open_ai import OpenAICompatibleService
from tiercel.sdk import Text

DOCKER_MODEL_URL = "http://localhost:12434/engines/v1"
PLACEHOLDER_API_KEY = "not-needed"
"""Docker Model Runner needs no key; Kestra sends this one."""


class DockerModel(OpenAICompatibleService):
    """Models served by Docker Model Runner (chat and embeddings)."""

    vendor = "Docker Model Runner"
    default_url = DOCKER_MODEL_URL

    type: Literal["io.kestra.plugin.ai.provider.DockerModel"]
    base_url: Text | None = Field(default=DOCKER_MODEL_URL, description="API base URL.")
    api_key: Text | None = Field(
        default=PLACEHOLDER_API_KEY,
        description="API key; the runner needs none.",
        json_schema_extra={"secret": True},
    )

    def _key(self, call: Call) -> str | None:
        return call.env.optional(self.api_key, str) or PLACEHOLDER_API_KEY
