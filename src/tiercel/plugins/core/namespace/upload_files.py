"""``io.kestra.plugin.core.namespace.UploadFiles``: store files as namespace files."""

import json
from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class Conflict(StrEnum):
    """What to do when the namespace file already exists."""

    OVERWRITE = "OVERWRITE"
    ERROR = "ERROR"
    SKIP = "SKIP"


class UploadFilesOutput(Output):
    """What ``UploadFiles`` outputs."""

    files: list[str] = Field(description="The namespace paths written.")


@plugin("io.kestra.plugin.core.namespace.UploadFiles")
class UploadFiles(RunnableTask[UploadFilesOutput]):
    """Upload working-directory or ``kestra://`` files into a namespace."""

    namespace: Text
    files: list[Text] | dict[str, Text] | Text | None = Field(
        default=None,
        description="Globs or `kestra://` URIs copied under `destination`; or (0.x) a map of "
        "destination path to URI.",
    )
    files_map: dict[str, Text] | Text | None = Field(
        default=None, description="Destination path to `kestra://` URI (1.x)."
    )
    destination: Text = Field(default="/", description="The folder for the files of a list.")
    conflict: Property[Conflict] = Conflict.OVERWRITE

    def run(self, ctx: RunContext) -> UploadFilesOutput:
        """``files``: the namespace paths written."""
        store = ctx.namespace_files(str(ctx.render(self.namespace)))
        conflict = Conflict(ctx.render(self.conflict))
        sources: dict[str, bytes] = {}
        mapped = ctx.render(self.files_map) if self.files_map is not None else None
        given = ctx.render(self.files) if self.files is not None else None
        for mapping in (mapped, given if isinstance(given, dict) else None):
            if isinstance(mapping, str):
                mapping = json.loads(mapping)
            for target, uri in (mapping or {}).items():
                sources[str(target)] = ctx.files.read_bytes(str(uri))
        if given is not None and not isinstance(given, dict):
            folder = str(ctx.render(self.destination)).strip("/")
            root = ctx.working_dir()
            for pattern in [given] if isinstance(given, str) else given:
                text = str(pattern)
                if text.startswith("kestra://"):
                    name = text.rsplit("/", 1)[-1]
                    sources[f"{folder}/{name}".strip("/")] = ctx.files.read_bytes(text)
                    continue
                for path in sorted(root.glob(text)):
                    if path.is_file():
                        relative = path.relative_to(root).as_posix()
                        sources[f"{folder}/{relative}".strip("/")] = path.read_bytes()
        written = []
        for target, data in sources.items():
            if store.exists(target):
                if conflict is Conflict.SKIP:
                    continue
                if conflict is Conflict.ERROR:
                    raise TaskFailure(f"namespace file '{target}' already exists")
            store.write(target, data)
            written.append(target)
        return UploadFilesOutput(files=written)
