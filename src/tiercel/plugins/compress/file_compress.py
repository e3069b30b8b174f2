"""``io.kestra.plugin.compress.FileCompress``: compress one file of internal storage."""

from typing import Any

from pydantic import Field

from tiercel.plugins.compress.codecs import CompressionAlgorithm
from tiercel.sdk import Property, RunContext, RunnableTask, Text, plugin

EXTENSIONS = {
    CompressionAlgorithm.GZIP: ".gz",
    CompressionAlgorithm.BZIP2: ".bz2",
    CompressionAlgorithm.XZ: ".xz",
    CompressionAlgorithm.LZMA: ".lzma",
    CompressionAlgorithm.DEFLATE: ".deflate",
    CompressionAlgorithm.ZSTD: ".zst",
}


class FileProperties(RunnableTask):
    """Kestra's ``AbstractFile``: one file and a compression."""

    from_: Text = Field(alias="from", description="The file's `kestra://` URI.")
    compression: Property[CompressionAlgorithm] = Field(
        description="`GZIP`, `BZIP2`, `XZ`, `LZMA`, `DEFLATE` or `ZSTD`."
    )


@plugin("io.kestra.plugin.compress.FileCompress")
class FileCompress(FileProperties):
    """Compress a file of internal storage (GZIP, BZIP2, XZ, LZMA, DEFLATE or ZSTD)."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the compressed file."""
        from tiercel.plugins.compress.codecs import copy, writer
        from tiercel.plugins.compress.files import base_name, download, scratch, upload

        uri = str(ctx.render(self.from_))
        algorithm = ctx.render_as(self.compression, CompressionAlgorithm)
        plain, packed = scratch(ctx), scratch(ctx)
        download(ctx, uri, plain)
        with plain.open("rb") as source, packed.open("wb") as raw, writer(algorithm, raw) as out:
            copy(source, out)
        name = base_name(uri) + EXTENSIONS.get(algorithm, "")
        return {"uri": upload(ctx, name, packed)}
