"""Stored files as text streams, and new files in the working directory, for the converters."""

import codecs
import importlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import IO

from tiercel.sdk import RunContext, TaskFailure, ion

BUFFER = 1 << 20


def single_char(value: str, name: str) -> str:
    """A one-character option (a separator, a delimiter).

    Raises:
        TaskFailure: Not exactly one character.
    """
    if len(value) != 1:
        raise TaskFailure(f"`{name}` must be a single character, not '{value}'")
    return value


def encoding(name: str) -> str:
    """Python's name for a Java charset name (``UTF-8``, ``ISO-8859-1``...).

    Raises:
        TaskFailure: An unknown charset.
    """
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise TaskFailure(f"Unsupported charset '{name}'") from None


@contextmanager
def reading(ctx: RunContext, uri: str, charset: str = "utf-8") -> Iterator[IO[str]]:
    """A stored file as text; a UTF-8 byte-order mark is skipped, as Kestra skips it."""
    name = encoding(charset)
    if name == "utf-8":
        name = "utf-8-sig"
    try:
        raw = ctx.files.open(uri)
    except (OSError, ValueError, KeyError) as exc:
        raise TaskFailure(f"Unable to read '{uri}': {exc}") from None
    with raw, io.TextIOWrapper(raw, encoding=name, newline="") as text:
        yield text


def new_file(ctx: RunContext, suffix: str) -> Path:
    """A new empty file in the task run's working directory."""
    handle, name = tempfile.mkstemp(dir=ctx.working_dir(), suffix=suffix)
    os.close(handle)
    return Path(name)


def upload(ctx: RunContext, path: Path) -> str:
    """Store a working-directory file; its URI."""
    try:
        with path.open("rb") as data:
            return ctx.files.put(path.name, data)
    finally:
        path.unlink(missing_ok=True)


def ion_values(ctx: RunContext, uri: str) -> Iterator[object]:
    """The values of a stored Ion file, one per line, read as they come.

    Raises:
        TaskFailure: A line that is not Ion, with its number.
    """
    with reading(ctx, uri) as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                yield ion.loads(line)
            except ion.IonError as exc:
                raise TaskFailure(f"Line {number} of {uri} is not valid Ion: {exc}") from None


def library(module: str, package: str) -> ModuleType:
    """Import the library a format needs, when a task of that format runs: a flow using it
    validates without it, and fails at run time with the line that installs it.

    Raises:
        TaskFailure: The library is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise TaskFailure(
            f"This task needs {package}, which is not installed; install it with: "
            "pip install 'tiercel[serdes]'"
        ) from None


def local_copy(ctx: RunContext, uri: str, suffix: str) -> Path:
    """A stored file copied into the working directory, for libraries that seek in it.

    Raises:
        TaskFailure: The file cannot be read.
    """
    path = new_file(ctx, suffix)
    try:
        with ctx.files.open(uri) as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, BUFFER)
    except (OSError, ValueError, KeyError) as exc:
        raise TaskFailure(f"Unable to read '{uri}': {exc}") from None
    return path
