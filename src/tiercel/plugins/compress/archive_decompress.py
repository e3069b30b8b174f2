"""``io.kestra.plugin.compress.ArchiveDecompress``: extract the files of an archive."""

from typing import Any

from pydantic import Field

from tiercel.plugins.compress.archives import ArchiveAlgorithm, ArchiveProperties
from tiercel.plugins.compress.codecs import CompressionAlgorithm
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.compress.ArchiveDecompress")
class ArchiveDecompress(ArchiveProperties, RunnableTask):
    """Extract the files of a ZIP, JAR or TAR archive (compressed or not) into internal
    storage; `files` maps each entry's path to its URI."""

    from_: Text = Field(alias="from", description="The archive's `kestra://` URI.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``files``: each entry's path in the archive with its ``kestra://`` URI. The
        ``size`` and ``count`` metrics say how much was extracted."""
        from tiercel.plugins.compress.archives import entries
        from tiercel.plugins.compress.codecs import copy, decompress_file
        from tiercel.plugins.compress.files import download, scratch, upload

        uri = str(ctx.render(self.from_))
        algorithm = ctx.render_as(self.algorithm, ArchiveAlgorithm)
        archive = scratch(ctx)
        download(ctx, uri, archive)
        if self.compression is not None:
            compression = ctx.render_as(self.compression, CompressionAlgorithm)
            # ZIP needs to seek: the archive is decompressed to a file first.
            plain = scratch(ctx)
            decompress_file(compression, archive, plain, uri)
            archive = plain
        files: dict[str, str] = {}
        size = 0
        with entries(algorithm, archive) as found:
            for name, content in found:
                extracted = scratch(ctx)
                with extracted.open("wb") as out:
                    size += copy(content, out)
                stored_name = name.rsplit("/", 1)[-1].replace(" ", "_")
                files[name] = upload(ctx, stored_name, extracted)
                extracted.unlink()
        ctx.metric("size", size)
        ctx.metric("count", len(files))
        return {"files": files}
