"""``ProviderErrors``: a cloud SDK's errors as the storage layer's, for the object-store
adapters that report "not found" as an exception class (GCS, Azure Blob)."""

from collections.abc import Callable
from typing import Any

from tiercel.storage.errors import StorageError, StorageFileNotFoundError


class ProviderErrors:
    """A context manager turning an SDK error into a one-line ``StorageError``, or into
    ``StorageFileNotFoundError`` when ``missing`` names the file and the SDK says not found."""

    def __init__(
        self,
        action: str,
        missing: str | None,
        errors: tuple[type[Exception], ...],
        not_found: type[Exception],
        clean: Callable[[BaseException], str],
    ) -> None:
        """Set what the block does (``action``), and how to recognise and word errors."""
        self.action = action
        self.missing = missing
        self.errors = errors
        self.not_found = not_found
        self.clean = clean

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None or not isinstance(exc, self.errors):
            return
        if self.missing is not None and isinstance(exc, self.not_found):
            raise StorageFileNotFoundError(f"no file at {self.missing}") from None
        raise StorageError(f"{self.action}: {self.clean(exc)}") from None
