"""``EmbeddingStoreProvider``: where a task keeps embedded segments (``embeddings:``)."""

import importlib
from types import ModuleType
from typing import Any

from tiercel.plugins.ai.domain.segments import EmbeddingStore
from tiercel.plugins.cloud.errors import failure
from tiercel.sdk import KestraModel, RunContext, TaskFailure


class EmbeddingStoreProvider(KestraModel):
    """An embedding store, chosen by ``type``."""

    type: str

    def open(self, ctx: RunContext, dimension: int, drop: bool) -> EmbeddingStore:
        """Open the store for vectors of ``dimension``; ``drop`` empties it first.

        Raises:
            TaskFailure: the store cannot be opened (unreachable, wrong credentials...).
        """
        raise NotImplementedError


def driver(module: str, package: str) -> ModuleType:
    """Import a store's driver, or fail with the command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise TaskFailure(
            f"This embedding store needs {package}, which is not installed (no module "
            f"'{module}'): pip install 'tiercel[ai]'"
        ) from None


def connect_postgres(host: str, port: int, user: str, password: str, database: str) -> Any:
    """An autocommit psycopg connection (the PGVector store's and the PostgreSQL memory's).

    Raises:
        TaskFailure: psycopg is missing, or the server cannot be reached or refuses the login;
            the message names the host, never the password.
    """
    psycopg = driver("psycopg", "psycopg")
    try:
        return psycopg.connect(
            host=host,
            port=port,
            user=user,
            password=password,
            dbname=database,
            connect_timeout=10,
            autocommit=True,
        )
    except psycopg.Error as exc:
        raise failure(f"Unable to connect to PostgreSQL at {host}", exc, [password]) from None
