"""Model providers (``io.kestra.plugin.ai.provider.*``): the ``provider`` of a task, chosen
by its ``type``."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.provider.anthropic import Anthropic
from tiercel.plugins.ai.provider.azure_open_ai import AzureOpenAI
from tiercel.plugins.ai.provider.base import ModelProvider
from tiercel.plugins.ai.provider.deep_seek import DeepSeek
from tiercel.plugins.ai.provider.docker_model import DockerModel
from tiercel.plugins.ai.provider.git_hub_models import GitHubModels
from tiercel.plugins.ai.provider.google_gemini import GoogleGemini
from tiercel.plugins.ai.provider.local_ai import LocalAI
from tiercel.plugins.ai.provider.mistral_ai import MistralAI
from tiercel.plugins.ai.provider.ollama import Ollama
from tiercel.plugins.ai.provider.open_ai import OpenAI
from tiercel.plugins.ai.provider.open_router import OpenRouter

AnyModelProvider = Annotated[
    GoogleGemini
    | OpenAI
    | Ollama
    | Anthropic
    | MistralAI
    | DeepSeek
    | AzureOpenAI
    | OpenRouter
    | LocalAI
    | GitHubModels
    | DockerModel,
    Field(discriminator="type"),
]
"""A provider, validated as the class its ``type`` names."""

__all__ = ["AnyModelProvider", "ModelProvider"]
