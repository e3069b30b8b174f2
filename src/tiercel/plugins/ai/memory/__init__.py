"""Chat memories (``io.kestra.plugin.ai.memory.*``): a conversation kept across tasks."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.memory.kestra_kv_store import ChatMemory, KestraKVStore

AnyMemory = Annotated[KestraKVStore, Field(discriminator="type")]
"""A memory provider, by its ``type`` (only the KV one is available)."""

__all__ = ["AnyMemory", "ChatMemory", "KestraKVStore"]
