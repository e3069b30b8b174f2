"""``io.kestra.plugin.gcp.gcs.Upload``: upload a file of internal storage to GCS."""

import base64
import hashlib
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.connection import GcpConnection
from tiercel.plugins.gcp.gcs.common import CHUNK, gs_uri, parse
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class _Digest:
    """Reads through a stream and computes its MD5 on the way."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._stream.read(size)
        self.md5.update(chunk)
        self.size += len(chunk)
        return chunk

    def tell(self) -> int:
        return self.size


@plugin("io.kestra.plugin.gcp.gcs.Upload")
class Upload(GcpConnection, RunnableTask):
    """Upload a file of internal storage to a Cloud Storage bucket."""

    from_: Text = Field(alias="from", description="The `kestra://` URI of the file.")
    to: Text = Field(description="The destination: `gs://bucket/path/file`.")
    content_type: Text | None = None
    content_encoding: Text | None = None
    content_disposition: Text | None = None
    cache_control: Text | None = None
    validate_checksum: Property[bool] = Field(
        default=True, description="Compare the MD5 GCS computed with the file's own."
    )
    expected_md5: Text | None = Field(
        default=None, description="The base64 MD5 the file must have."
    )
    expected_crc32c: Text | None = Field(
        default=None,
        alias="expectedCrc32c",
        description="The base64 CRC32C the stored object must have.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (the `gs://` URI), ``md5`` and ``crc32c`` of the stored object.

        The file streams in resumable 8 MB chunks: a large file is never held in memory.
        """
        env = Env.of_task(ctx)
        gcp = self.gcp(env)
        source = env.value(self.from_, str)
        bucket_name, name = parse(env.value(self.to, str))
        client = gcp.storage()
        blob = client.bucket(bucket_name).blob(name, chunk_size=CHUNK)
        for attribute in ("content_encoding", "content_disposition", "cache_control"):
            value = env.optional(getattr(self, attribute), str)
            if value is not None:
                setattr(blob, attribute, value)
        content_type = env.optional(self.content_type, str)
        target = gs_uri(bucket_name, name)
        env.log(LogLevel.DEBUG, f"Upload from '{source}' to '{target}'")
        with env.open(source) as data, gcp.errors(f"Unable to upload '{source}' to '{target}'"):
            digest = _Digest(data)
            blob.upload_from_file(digest, content_type=content_type, checksum=None)
            blob.reload()
        computed = base64.b64encode(digest.md5.digest()).decode()
        self._verify(env, computed, blob)
        ctx.metric("file.size", digest.size)
        return {"uri": target, "md5": blob.md5_hash, "crc32c": blob.crc32c}

    def _verify(self, env: Env, computed: str, blob: Any) -> None:
        expected_md5 = env.optional(self.expected_md5, str)
        if expected_md5 is not None and expected_md5 != computed:
            raise TaskFailure(f"MD5 mismatch: expected={expected_md5} actual={computed}")
        expected_crc = env.optional(self.expected_crc32c, str)
        if expected_crc is not None and expected_crc != blob.crc32c:
            raise TaskFailure(f"CRC32C mismatch: expected={expected_crc} actual={blob.crc32c}")
        if env.value(self.validate_checksum, bool) and blob.md5_hash not in (None, computed):
            raise TaskFailure(
                f"Checksum mismatch after upload: local MD5={computed} remote={blob.md5_hash}"
            )
