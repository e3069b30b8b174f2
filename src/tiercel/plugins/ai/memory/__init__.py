"""Chat memories (``io.kestra.plugin.ai.memory.*``): a conversation kept across tasks."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.memory.kestra_kv_store import ChatMemory, KestraKVStore
from tiercel.plugins.ai.memory.postgre_sql import PostgreSQL
from tiercel.plugins.ai.memory.redis import Redis

AnyMemory = Annotated[KestraKVStore | PostgreSQL | Redis, Field(discriminator="type")]
"""A memory provider, by its ``type``."""

__all__ = ["AnyMemory", "ChatMemory", "KestraKVStore"]
