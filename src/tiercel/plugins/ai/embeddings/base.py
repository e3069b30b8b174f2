"""``EmbeddingStoreProvider``: where a task keeps embedded segments (``embeddings:``)."""

import importlib
from types import ModuleType

from tiercel.plugins.ai.domain.segments import EmbeddingStore
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
