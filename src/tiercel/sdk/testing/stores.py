"""In-memory stores behind ``TestRunContext``: internal storage, the KV store, namespace
files and the task's logger. Each keeps what a task did for a test to read."""

import fnmatch
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from tiercel.model.task import LogLevel


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line a task logged."""

    level: LogLevel
    message: str


class MemoryLogger:
    """A ``TaskLogger`` that keeps every line."""

    def __init__(self) -> None:
        self.lines: list[LogLine] = []

    def log(self, level: LogLevel, message: str) -> None:
        """Keep a line at ``level``."""
        self.lines.append(LogLine(level, message))

    def trace(self, message: str) -> None:
        """Log at TRACE level."""
        self.log(LogLevel.TRACE, message)

    def debug(self, message: str) -> None:
        """Log at DEBUG level."""
        self.log(LogLevel.DEBUG, message)

    def info(self, message: str) -> None:
        """Log at INFO level."""
        self.log(LogLevel.INFO, message)

    def warn(self, message: str) -> None:
        """Log at WARN level."""
        self.log(LogLevel.WARN, message)

    def error(self, message: str) -> None:
        """Log at ERROR level."""
        self.log(LogLevel.ERROR, message)


class MemoryFiles:
    """A ``FileStore`` in memory: ``kestra://`` URIs under the task run's folder, as Kestra
    names them, to their content."""

    def __init__(self, prefix: str, content: dict[str, bytes] | None = None) -> None:
        self.prefix = prefix
        self.content: dict[str, bytes] = dict(content or {})

    def put(self, name: str, data: bytes | BinaryIO) -> str:
        """Store ``data`` as ``name`` (a second file of the same name gets a number)."""
        base = name.rsplit("/", 1)[-1] or "file"
        uri = f"{self.prefix}/{base}"
        copy = 1
        while uri in self.content:
            copy += 1
            uri = f"{self.prefix}/{copy}-{base}"
        self.content[uri] = data if isinstance(data, bytes) else data.read()
        return uri

    def open(self, uri: str) -> BinaryIO:
        """The stored file, for reading."""
        return io.BytesIO(self.read_bytes(uri))

    def read_bytes(self, uri: str) -> bytes:
        """The stored file's content.

        Raises:
            FileNotFoundError: Nothing is stored at ``uri``.
        """
        try:
            return self.content[uri]
        except KeyError:
            raise FileNotFoundError(uri) from None

    def exists(self, uri: str) -> bool:
        """Whether a file is stored at ``uri``."""
        return uri in self.content

    def size(self, uri: str) -> int:
        """The stored file's size in bytes."""
        return len(self.read_bytes(uri))

    def delete(self, uri: str) -> bool:
        """Delete a stored file; tell whether it existed."""
        return self.content.pop(uri, None) is not None


class MemoryKeyValues:
    """One namespace's KV store, in a dict (no expiry: a test's clock does not run)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, key: str) -> Any | None:
        """The value of a key, or None."""
        return self.values.get(key)

    def set(self, key: str, value: Any, *, kv_type: str | None = None, ttl: Any = None,
            overwrite: bool = True) -> None:  # fmt: skip
        """Set a key; with ``overwrite`` false, a key already set is refused."""
        if not overwrite and key in self.values:
            raise ValueError(f"The key '{key}' already exists")
        self.values[key] = value

    def delete(self, key: str) -> bool:
        """Delete a key; tell whether it existed."""
        return self.values.pop(key, None) is not None

    def keys(self, prefix: str | None = None) -> list[str]:
        """The keys, under ``prefix`` if given."""
        return sorted(key for key in self.values if not prefix or key.startswith(prefix))


class MemoryNamespaceFiles:
    """One namespace's files, in a dict of paths (without a leading ``/``) to contents."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read(self, path: str) -> bytes:
        """A file's content.

        Raises:
            FileNotFoundError: No such file.
        """
        try:
            return self.files[path.lstrip("/")]
        except KeyError:
            raise FileNotFoundError(path) from None

    def write(self, path: str, data: bytes | BinaryIO, *, overwrite: bool = True) -> None:
        """Create or replace a file."""
        key = path.lstrip("/")
        if not overwrite and key in self.files:
            raise FileExistsError(path)
        self.files[key] = data if isinstance(data, bytes) else data.read()

    def exists(self, path: str) -> bool:
        """Whether a file exists."""
        return path.lstrip("/") in self.files

    def delete(self, path: str) -> list[str]:
        """Delete a file, or a folder with what it holds; the paths deleted."""
        key = path.strip("/")
        gone = [name for name in self.files if name == key or name.startswith(key + "/")]
        for name in gone:
            del self.files[name]
        return ["/" + name for name in gone]

    def paths(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[str]:
        """The files matching an ``include`` glob (all when none), and no ``exclude`` one."""

        def matches(name: str, patterns: Sequence[str]) -> bool:
            return any(fnmatch.fnmatch("/" + name, "/" + p.lstrip("/")) for p in patterns)

        return sorted(
            "/" + name
            for name in self.files
            if (not include or matches(name, include)) and not matches(name, exclude)
        )
