"""A converter's output written straight into internal storage, through a pipe that a thread
stores as it is written: the file is not first written whole in the working directory and
then copied, which for a large output doubled the bytes written to disk (and the wall time
under other writers' load)."""

import codecs
import contextlib
import fcntl
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from tiercel.sdk import RunContext

_BUFFER = 1 << 20
_PIPE_SIZE = 1 << 20


class Stored:
    """The file being stored: ``file`` takes its bytes; ``uri`` is set once it is stored."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.uri = ""
        self.discarded = False
        self.error: BaseException | None = None

    def discard(self) -> None:
        """Drop what was written (the caller starts over another way): nothing is stored."""
        self.discarded = True
        with contextlib.suppress(OSError):
            self.file.close()


class TextSink:
    """Text written into a binary file in a charset, with the byte-order mark first where the
    charset writes one (as a file opened in text mode writes it: a text wrapper over a pipe,
    which cannot tell its position, leaves it out)."""

    def __init__(self, binary: IO[bytes], charset: str) -> None:
        self.buffer = binary
        self.encoding = charset
        self._encode = codecs.getincrementalencoder(charset)().encode

    def write(self, text: str) -> int:
        """Write ``text`` encoded; its length."""
        self.buffer.write(self._encode(text))
        return len(text)

    def flush(self) -> None:
        """Nothing is held here: the bytes are already in ``buffer``."""


class _Discarded(Exception):
    """Ends the store of a discarded file, so that the storage keeps nothing of it."""


class _Source:
    """The pipe's reading end as the storage reads it, failing once the file is discarded."""

    def __init__(self, raw: IO[bytes], stored: Stored) -> None:
        self.raw = raw
        self.stored = stored

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if self.stored.discarded:
            raise _Discarded()
        return data

    def readable(self) -> bool:
        return True


@contextmanager
def storing(ctx: RunContext, suffix: str) -> Iterator[Stored]:
    """A new stored file (named ``tmp<random><suffix>`` in the task run's files), written
    through ``Stored.file``; its ``uri`` is set when the block ends.

    Raises:
        Exception: What the storage raised while storing it (or the body's own error).
    """
    read_end, write_end = os.pipe()
    _widen(write_end)
    source = open(read_end, "rb", buffering=_BUFFER)  # noqa: SIM115 (closed by the thread)
    stored = Stored(open(write_end, "wb", buffering=_BUFFER))  # noqa: SIM115
    name = f"tmp{secrets.token_hex(5)}{suffix}"

    def store() -> None:
        try:
            with source:
                stored.uri = ctx.files.put(name, _Source(source, stored))  # type: ignore[arg-type]
        except BaseException as exc:  # handed to the writing thread
            stored.error = exc

    thread = threading.Thread(target=store, name="tiercel-store", daemon=True)
    thread.start()
    try:
        yield stored
        stored.file.close()
    except BaseException:
        stored.discarded = True
        _close(stored.file)
        thread.join()
        _drop(ctx, stored)
        if isinstance(stored.error, Exception) and not isinstance(stored.error, _Discarded):
            raise stored.error from None  # the writes failed because the store did
        raise
    thread.join()
    if stored.discarded:
        _drop(ctx, stored)
    elif stored.error is not None:
        raise stored.error


def _widen(fd: int) -> None:
    # A pipe holds 64 KB by default: a megabyte halves the switches between the threads.
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _close(file: IO[bytes]) -> None:
    with contextlib.suppress(OSError, ValueError):
        file.close()


def _drop(ctx: RunContext, stored: Stored) -> None:
    if stored.uri:
        with contextlib.suppress(Exception):
            ctx.files.delete(stored.uri)
        stored.uri = ""
