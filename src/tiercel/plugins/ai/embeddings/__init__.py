"""Embedding stores (``io.kestra.plugin.ai.embeddings.*``): the ``embeddings`` of a task,
chosen by its ``type``."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider
from tiercel.plugins.ai.embeddings.kestra_kv_store import KestraKVStore
from tiercel.plugins.ai.embeddings.pg_vector import PGVector
from tiercel.plugins.ai.embeddings.sqlite_vec import SQLiteVec

AnyEmbeddingStore = Annotated[KestraKVStore | PGVector | SQLiteVec, Field(discriminator="type")]
"""A store, validated as the class its ``type`` names."""

__all__ = ["AnyEmbeddingStore", "EmbeddingStoreProvider"]
