"""The errors the storage layer raises.

Each one also subclasses the builtin exception a caller would naturally catch (``ValueError``,
``FileNotFoundError``, ``FileExistsError``), so code that does not know about Tiercel still
handles them sensibly.
"""


class StorageError(Exception):
    """Base class of every error raised by the storage layer."""


class InvalidPathError(StorageError, ValueError):
    """A URI, path, namespace or id is malformed or tries to leave its root."""


class StorageFileNotFoundError(StorageError, FileNotFoundError):
    """A file asked for does not exist in the storage."""


class StorageFileExistsError(StorageError, FileExistsError):
    """A file would be overwritten although the caller refused it."""


class InvalidKeyError(StorageError, ValueError):
    """A KV key does not follow Kestra's rules."""


class InvalidValueError(StorageError, ValueError):
    """A KV value does not fit the type it is stored as."""


class KeyExistsError(StorageError):
    """A KV key is already set and the caller asked not to overwrite it."""


class SchemaError(StorageError):
    """The database schema cannot be brought to the version this code expects."""
