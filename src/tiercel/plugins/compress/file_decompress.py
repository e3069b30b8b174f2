"""``io.kestra.plugin.compress.FileDecompress``: decompress one file of internal storage."""

from typing import Any

from tiercel.plugins.compress.codecs import CompressionAlgorithm
from tiercel.plugins.compress.file_compress import EXTENSIONS, FileProperties
from tiercel.sdk import RunContext, plugin


@plugin("io.kestra.plugin.compress.FileDecompress")
class FileDecompress(FileProperties):
    """Decompress a file of internal storage (GZIP, BZIP2, XZ, LZMA, DEFLATE or ZSTD)."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the decompressed file."""
        from tiercel.plugins.compress.codecs import decompress_file
        from tiercel.plugins.compress.files import base_name, download, scratch, upload

        uri = str(ctx.render(self.from_))
        algorithm = ctx.render_as(self.compression, CompressionAlgorithm)
        packed, plain = scratch(ctx), scratch(ctx)
        download(ctx, uri, packed)
        decompress_file(algorithm, packed, plain, uri)
        name = base_name(uri)
        suffix = EXTENSIONS.get(algorithm, "")
        if suffix and name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
        return {"uri": upload(ctx, name, plain)}
