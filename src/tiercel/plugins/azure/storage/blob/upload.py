"""``io.kestra.plugin.azure.storage.blob.Upload``: upload files of internal storage."""

from typing import Any

from pydantic import Field

from tiercel.plugins.azure.storage.blob.common import BlobObject, blob_model
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import joined, sources
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, Text, plugin

_BLOCK = 4 * 1024 * 1024  # bytes per staged block: what one upload holds in memory at most


@plugin(
    "io.kestra.plugin.azure.storage.blob.Upload", aliases=["io.kestra.plugin.azure.blob.Upload"]
)
class Upload(BlobObject, RunnableTask):
    """Upload one or many files of internal storage to an Azure Storage container."""

    from_: Property[Any] = Field(
        alias="from",
        description="A `kestra://` URI, a list of them, or a map of names to URIs.",
    )
    metadata: Property[dict[str, str]] | None = Field(
        default=None, description="Metadata stored with the blob."
    )
    tags: Property[dict[str, str]] | None = Field(default=None, description="Blob index tags.")
    access_tier: Text | None = Field(default=None, description="HOT, COOL, COLD or ARCHIVE.")
    legal_hold: Property[bool] | None = Field(default=None, description="Set a legal hold.")
    validate_checksum: Property[bool] | None = Field(
        default=None, description="Have the service check each block's MD5 as it arrives."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``blob`` (``container``, ``name``, ``size``, ``eTag``, ``lastModified``) for one
        file, and ``blobs`` for several (each under `name/<file name>`).

        Each file streams from internal storage in 4 MB blocks.
        """
        env = Env.of_task(ctx)
        azure = self.azure(env)
        container = env.value(self.container, str)
        name = env.value(self.name, str)
        files = sources(ctx.render(self.from_))
        options: dict[str, Any] = {
            "overwrite": True,
            "max_concurrency": 2,
            "validate_content": bool(
                self.validate_checksum is not None and env.value(self.validate_checksum, bool)
            ),
        }
        if self.metadata is not None:
            options["metadata"] = env.value(self.metadata, dict[str, str])
        if self.tags is not None:
            options["tags"] = env.value(self.tags, dict[str, str])
        tier = env.optional(self.access_tier, str)
        if tier is not None:
            options["standard_blob_tier"] = tier.capitalize()
        if self.legal_hold is not None:
            options["legal_hold"] = env.value(self.legal_hold, bool)
        service = azure.blob_service()
        single = len(files) == 1
        uploaded: list[dict[str, Any]] = []
        for file, uri in files.items():
            target = name if single else joined(name, file)
            env.log(LogLevel.DEBUG, f"Uploading '{uri}' to '{container}/{target}'")
            blob = service.get_blob_client(container, target)
            with env.open(uri) as data, azure.errors(f"Unable to upload to '{container}/{target}'"):
                blob.upload_blob(data, **options)
                properties = blob.get_blob_properties()
            ctx.metric("file.size", float(properties.size or 0))
            uploaded.append(blob_model(container, target, properties))
        if single:
            return {"blob": uploaded[0]}
        return {"blob": uploaded[0], "blobs": uploaded}
