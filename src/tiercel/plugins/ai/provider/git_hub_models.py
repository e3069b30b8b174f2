"""``io.kestra.plugin.ai.provider.GitHubModels``: GitHub Models (Azure AI Inference), an
OpenAI-compatible API authenticated by a GitHub token."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.provider.base import Call
from tiercel.plugins.ai.provider.open_ai import OpenAICompatibleService
from tiercel.sdk import TaskFailure, Text

GITHUB_MODELS_URL = "https://models.inference.ai.azure.com"


class GitHubModels(OpenAICompatibleService):
    """Models through GitHub Models (chat and embeddings)."""

    vendor = "GitHub Models"
    default_url = GITHUB_MODELS_URL

    type: Literal["io.kestra.plugin.ai.provider.GitHubModels"]
    git_hub_token: Text = Field(
        description="A GitHub token with access to GitHub Models.",
        json_schema_extra={"secret": True},
    )
    api_key: Text | None = Field(default=None, description="Not used: see `gitHubToken`.")
    base_url: Text | None = Field(default=GITHUB_MODELS_URL, description="The API base URL.")

    def _key(self, call: Call) -> str | None:
        token = call.env.optional(self.git_hub_token, str)
        if not token:
            raise TaskFailure("GitHubModels: `gitHubToken` is required")
        return token
