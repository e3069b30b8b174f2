"""Single-file compressions as streams (not a plugin): Kestra's ``CompressionAlgorithm``."""

import bz2
import gzip
import lzma
import zlib
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from tiercel.sdk import TaskFailure

INSTALL = "pip install 'tiercel[compress]'"
CHUNK = 1024 * 1024


class CompressionAlgorithm(StrEnum):
    """Kestra's compression algorithms; those Tiercel has no codec for fail when used."""

    BROTLI = "BROTLI"
    BZIP2 = "BZIP2"
    DEFLATE = "DEFLATE"
    DEFLATE64 = "DEFLATE64"
    GZIP = "GZIP"
    LZ4BLOCK = "LZ4BLOCK"
    LZ4FRAME = "LZ4FRAME"
    LZMA = "LZMA"
    SNAPPY = "SNAPPY"
    SNAPPYFRAME = "SNAPPYFRAME"
    XZ = "XZ"
    Z = "Z"
    ZSTD = "ZSTD"


def writer(algorithm: CompressionAlgorithm, target: BinaryIO) -> BinaryIO:
    """A stream that compresses what is written to it into ``target`` (closing it finishes
    the compressed stream, not ``target``).

    Raises:
        TaskFailure: Tiercel has no compressor for ``algorithm``.
    """
    if algorithm is CompressionAlgorithm.GZIP:
        return cast(BinaryIO, gzip.GzipFile(fileobj=target, mode="wb"))
    if algorithm is CompressionAlgorithm.BZIP2:
        return cast(BinaryIO, bz2.BZ2File(target, mode="wb"))
    if algorithm is CompressionAlgorithm.XZ:
        return cast(BinaryIO, lzma.LZMAFile(target, mode="wb", format=lzma.FORMAT_XZ))
    if algorithm is CompressionAlgorithm.LZMA:
        return cast(BinaryIO, lzma.LZMAFile(target, mode="wb", format=lzma.FORMAT_ALONE))
    if algorithm is CompressionAlgorithm.DEFLATE:
        return cast(BinaryIO, _DeflateWriter(target))
    if algorithm is CompressionAlgorithm.ZSTD:
        return cast(BinaryIO, _zstd().ZstdCompressor().stream_writer(target, closefd=False))
    raise TaskFailure(f"compression: {algorithm.value} is not supported for compression")


def reader(algorithm: CompressionAlgorithm, source: BinaryIO) -> BinaryIO:
    """A stream of what ``source`` holds, decompressed.

    Raises:
        TaskFailure: Tiercel has no decompressor for ``algorithm``.
    """
    if algorithm is CompressionAlgorithm.GZIP:
        return cast(BinaryIO, gzip.GzipFile(fileobj=source, mode="rb"))
    if algorithm is CompressionAlgorithm.BZIP2:
        return cast(BinaryIO, bz2.BZ2File(source, mode="rb"))
    if algorithm is CompressionAlgorithm.XZ:
        return cast(BinaryIO, lzma.LZMAFile(source, mode="rb", format=lzma.FORMAT_XZ))
    if algorithm is CompressionAlgorithm.LZMA:
        return cast(BinaryIO, lzma.LZMAFile(source, mode="rb", format=lzma.FORMAT_ALONE))
    if algorithm is CompressionAlgorithm.DEFLATE:
        return cast(BinaryIO, _DeflateReader(source))
    if algorithm is CompressionAlgorithm.ZSTD:
        return cast(BinaryIO, _zstd().ZstdDecompressor().stream_reader(source, closefd=False))
    raise TaskFailure(f"compression: {algorithm.value} is not supported for decompression")


CORRUPT = (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error)
"""What the codecs raise on data that is not theirs (``BadGzipFile`` is an ``OSError``)."""


def decompress_file(algorithm: CompressionAlgorithm, packed: Path, plain: Path, uri: str) -> None:
    """Decompress the file at ``packed`` into ``plain``, in chunks.

    Raises:
        TaskFailure: The data is not of ``algorithm`` (``uri`` names it in the message).
    """
    try:
        with packed.open("rb") as raw, reader(algorithm, raw) as source, plain.open("wb") as out:
            copy(source, out)
    except CORRUPT as exc:
        raise TaskFailure(f"'{uri}' is not valid {algorithm.value} data: {exc}") from None


def copy(source: IO[bytes], target: IO[bytes]) -> int:
    """Copy in chunks; the number of bytes copied."""
    total = 0
    while chunk := source.read(CHUNK):
        target.write(chunk)
        total += len(chunk)
    return total


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise TaskFailure(f"ZSTD needs the zstandard package: {INSTALL}") from None
    return zstandard


class _DeflateWriter:
    """A zlib stream (DEFLATE with its zlib header, as commons-compress writes it)."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self._engine = zlib.compressobj()

    def write(self, data: bytes) -> int:
        self._target.write(self._engine.compress(data))
        return len(data)

    def close(self) -> None:
        self._target.write(self._engine.flush())

    def __enter__(self) -> "_DeflateWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _DeflateReader:
    """Reads a zlib stream."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._engine = zlib.decompressobj()
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = self._source.read(CHUNK)
            if not chunk:
                self._buffer += self._engine.flush()
                break
            try:
                self._buffer += self._engine.decompress(chunk)
            except zlib.error as exc:
                raise TaskFailure(f"Not a DEFLATE stream: {exc}") from None
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def close(self) -> None:
        """Nothing to release: the source is closed by its owner."""

    def __enter__(self) -> "_DeflateReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
