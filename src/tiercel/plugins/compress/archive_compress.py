"""``io.kestra.plugin.compress.ArchiveCompress``: build an archive from files of internal
storage."""

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.compress.archives import ArchiveAlgorithm, ArchiveProperties
from tiercel.plugins.compress.codecs import CompressionAlgorithm
from tiercel.sdk import RunContext, RunnableTask, TaskFailure, plugin

SUFFIXES = {
    ArchiveAlgorithm.TAR: ".tar",
    ArchiveAlgorithm.ZIP: ".zip",
    ArchiveAlgorithm.JAR: ".jar",
}


@plugin("io.kestra.plugin.compress.ArchiveCompress")
class ArchiveCompress(ArchiveProperties, RunnableTask):
    """Build a ZIP, JAR or TAR archive (optionally compressed: `.tar.gz`, ...) from files of
    internal storage, each under the path its key gives."""

    from_: Any = Field(
        alias="from",
        description="A map of paths in the archive to `kestra://` URIs; its JSON; a list of "
        "such maps; or the `kestra://` URI of an Ion file of such maps.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the archive."""
        from tiercel.plugins.compress.archives import ArchiveWriter, safe_name
        from tiercel.plugins.compress.codecs import writer
        from tiercel.plugins.compress.files import download, scratch, upload

        algorithm = ctx.render_as(self.algorithm, ArchiveAlgorithm)
        compression = (
            ctx.render_as(self.compression, CompressionAlgorithm)
            if self.compression is not None
            else None
        )
        target = scratch(ctx)
        with target.open("wb") as raw:
            stream = writer(compression, raw) if compression is not None else None
            archive = ArchiveWriter(algorithm, stream or raw)
            for path, uri in _entries(ctx, self.from_):
                name = safe_name(str(ctx.render(path)))
                local = scratch(ctx)
                download(ctx, str(ctx.render(uri)), local)
                archive.add(name, local)
                local.unlink()
            archive.close()
            if stream is not None:
                stream.close()
        suffix = SUFFIXES.get(algorithm, "")
        if compression is not None:
            suffix += "." + compression.value.lower()
        return {"uri": upload(ctx, f"archive{suffix}", target)}


def _entries(ctx: RunContext, source: Any) -> Iterator[tuple[str, str]]:
    """``(path, uri)`` pairs from ``from`` in any of its forms."""
    rendered = ctx.render(source) if isinstance(source, str) else source
    if isinstance(rendered, str):
        text = rendered.strip()
        if text.startswith("kestra://"):
            yield from _ion_entries(ctx, text)
            return
        try:
            rendered = json.loads(text)
        except ValueError:
            raise TaskFailure("from: not a map of paths to URIs, its JSON, nor a URI") from None
    maps = rendered if isinstance(rendered, list) else [rendered]
    for item in maps:
        if not isinstance(item, Mapping):
            raise TaskFailure("from: each item must map paths in the archive to URIs")
        for path, uri in item.items():
            yield str(path), str(uri)


def _ion_entries(ctx: RunContext, uri: str) -> Iterator[tuple[str, str]]:
    from tiercel.sdk.ion import loads

    with ctx.files.open(uri) as stream:
        for line in stream:
            if line.strip():
                item = loads(line.decode())
                if not isinstance(item, Mapping):
                    raise TaskFailure(f"from: '{uri}' holds a value that is not a map")
                for path, target in item.items():
                    yield str(path), str(target)
