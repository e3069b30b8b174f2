"""``ObjectKeys``: where ``kestra://`` files lie in a bucket or container, for the
object-store adapters (S3, GCS, Azure Blob); and ``read_fully``, the one read they share."""

from dataclasses import dataclass
from typing import BinaryIO

from tiercel.storage.errors import InvalidPathError
from tiercel.storage.uris import segments_to_uri, uri_to_segments


@dataclass(frozen=True)
class ObjectKeys:
    """``kestra:///a/b/file.txt`` is the key ``<prefix>a/b/file.txt``."""

    prefix: str
    """Empty, or the configured prefix with one trailing slash."""

    @classmethod
    def under(cls, prefix: str) -> "ObjectKeys":
        """The keys under a configured prefix (slashes around it do not matter)."""
        stripped = prefix.strip("/")
        return cls(stripped + "/" if stripped else "")

    def locate(self, uri: str) -> tuple[tuple[str, ...], str]:
        """A file's URI segments and its key.

        Raises:
            InvalidPathError: the URI is malformed or names the storage root.
        """
        segments = uri_to_segments(uri)
        if not segments:
            raise InvalidPathError(f"{uri!r} names the storage root, not a file")
        return segments, self.prefix + "/".join(segments)

    def base(self, directory: str) -> str:
        """The key prefix of every file under a directory URI."""
        return self.prefix + "".join(f"{segment}/" for segment in uri_to_segments(directory))

    def uri(self, key: str) -> str:
        """The URI of a key listed under the prefix."""
        return segments_to_uri(key[len(self.prefix) :].split("/"))


def read_fully(stream: BinaryIO, size: int) -> bytes:
    """``size`` bytes (all when negative) from ``stream``: fewer only at its end."""
    if size < 0:
        return stream.read()
    parts = []
    while size:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
