"""``io.kestra.plugin.core.storage.LocalFiles`` (deprecated): move files between the working
directory and internal storage."""

import hashlib
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from pydantic import Field

from tiercel.plugins.core.storage.files import upload
from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class LocalFilesOutput(Output):
    """What ``LocalFiles`` outputs."""

    uris: dict[str, str] = Field(
        description="Each output file's path in the working directory, with its `kestra://` URI."
    )


@plugin(
    "io.kestra.plugin.core.storage.LocalFiles",
    aliases=["io.kestra.core.tasks.storages.LocalFiles"],
    deprecated=True,
)
class LocalFiles(RunnableTask[LocalFilesOutput]):
    """Create working-directory files and upload others (deprecated).

    Kestra replaced it with the ``inputFiles`` and ``outputFiles`` of script tasks and of
    WorkingDirectory.
    """

    inputs: dict[str, Text] | Text | None = Field(
        default=None, description="File name to content or `kestra://` URI; or a JSON object."
    )
    outputs: Property[list[str]] | None = Field(
        default=None, description="Globs of working-directory files to upload."
    )

    def run(self, ctx: RunContext) -> LocalFilesOutput:
        """Write each input file, then ``uris``: each working-directory file matching an
        output glob (relative path to its ``kestra://`` URI)."""
        root = ctx.working_dir()
        for name, content in self._inputs(ctx).items():
            target = _inside(root, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if content is None:
                target.touch()
            elif content.startswith("kestra://"):
                with ctx.files.open(content) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
            else:
                target.write_bytes(content.encode("utf-8"))
        uris: dict[str, str] = {}
        patterns = [_matcher(glob) for glob in self._outputs(ctx)]
        if patterns:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                relative = path.relative_to(root).as_posix()
                if any(pattern.fullmatch(relative) for pattern in patterns):
                    uris[relative] = upload(ctx, path, _unique_name(relative))
        return LocalFilesOutput(uris=uris)

    def _inputs(self, ctx: RunContext) -> dict[str, str | None]:
        if self.inputs is None:
            return {}
        rendered = ctx.render(self.inputs)
        if isinstance(rendered, str):
            try:
                rendered = json.loads(rendered)
            except json.JSONDecodeError:
                rendered = None
            if not isinstance(rendered, Mapping):
                raise TaskFailure("`inputs` must be a map, or render a JSON object")
        return {str(k): None if v is None else str(v) for k, v in rendered.items()}

    def _outputs(self, ctx: RunContext) -> list[str]:
        if self.outputs is None:
            return []
        rendered = ctx.render(self.outputs)
        if isinstance(rendered, str):
            rendered = json.loads(rendered)  # an expression renders a list as JSON
        if not isinstance(rendered, list):
            raise TaskFailure("`outputs` must be a list of globs")
        return [str(glob) for glob in rendered]


def _inside(root: Path, name: str) -> Path:
    """``name`` under the working directory; a path that would leave it is refused."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise TaskFailure(f"Input file name '{name}' must be a relative path inside the directory")
    return root.joinpath(*relative.parts)


def _unique_name(relative: str) -> str:
    """A stored name unique per relative path: files of several folders may share a name."""
    digest = hashlib.sha256(relative.encode("utf-8")).hexdigest()[:12]
    return f"{digest}-{PurePosixPath(relative).name}"


def _matcher(pattern: str) -> re.Pattern[str]:
    """A regex for a glob relative to the working directory, as Java's ``glob:`` reads it
    (``*`` within a folder, ``**`` across folders, ``?``, ``[...]``, ``{a,b}``); a
    ``regex:`` prefix gives the regex itself."""
    if pattern.startswith("regex:"):
        return re.compile(pattern[len("regex:") :])
    glob = pattern.removeprefix("glob:").removeprefix("/")
    out: list[str] = []
    i = 0
    in_group = False
    while i < len(glob):
        char = glob[i]
        if char == "*":
            if glob.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(glob):
            i += 1
            out.append(re.escape(glob[i]))
        elif char == "[":
            end = glob.find("]", i + 2)
            if end == -1:
                raise TaskFailure(f"Unclosed '[' in glob '{pattern}'")
            body = glob[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        elif char == "{" and not in_group:
            out.append("(?:")
            in_group = True
        elif char == "}" and in_group:
            out.append(")")
            in_group = False
        elif char == "," and in_group:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    if in_group:
        raise TaskFailure(f"Unclosed '{{' in glob '{pattern}'")
    return re.compile("".join(out))
