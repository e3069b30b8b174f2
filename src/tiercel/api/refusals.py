"""Storage errors as the API's refusals: a bad path or key is the caller's mistake (422), a
missing file is a 404, an existing one a conflict (409)."""

from collections.abc import Iterator
from contextlib import contextmanager

from tiercel.api.errors import ApiError
from tiercel.storage.errors import (
    InvalidKeyError,
    InvalidPathError,
    InvalidValueError,
    KeyExistsError,
    StorageFileExistsError,
    StorageFileNotFoundError,
)


@contextmanager
def storage_refusals() -> Iterator[None]:
    """Turn the storage errors raised inside the block into ``ApiError``.

    Raises:
        ApiError: 422 for an invalid path, namespace, key or value; 404 for a missing file;
            409 for a file or key that exists already.
    """
    try:
        yield
    except (InvalidPathError, InvalidKeyError, InvalidValueError) as exc:
        raise ApiError(422, str(exc)) from None
    except StorageFileNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except (StorageFileExistsError, KeyExistsError) as exc:
        raise ApiError(409, str(exc)) from None
