"""``io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles``: delete this execution's
files from internal storage."""

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from tiercel.sdk import Output, Property, RunContext, RunnableTask, plugin


class PurgeCurrentExecutionFilesOutput(Output):
    """What ``PurgeCurrentExecutionFiles`` outputs."""

    uris: list[str] = Field(description="The `kestra://` URIs of the files deleted.")


@plugin(
    "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles",
    aliases=[
        "io.kestra.core.tasks.storages.PurgeExecution",
        "io.kestra.plugin.core.storage.PurgeExecution",
    ],
)
class PurgeCurrentExecutionFiles(RunnableTask[PurgeCurrentExecutionFilesOutput]):
    """Delete every file the current execution stored: inputs, outputs and trigger files."""

    include_child_executions: Property[bool] = False
    include_states: Property[bool] = False

    def run(self, ctx: RunContext) -> PurgeCurrentExecutionFilesOutput:
        """``uris``: the files deleted.

        Kestra deletes everything under the execution's storage prefix. The sdk's file store
        cannot list or delete a prefix yet, so this deletes the execution's files that its
        inputs, task outputs and trigger variables name: a file a task stored without
        exposing it in an output stays. Like Kestra's, the two properties have no effect.
        """
        prefix = self._prefix(ctx)
        candidates = sorted(
            {
                value
                for name in ("inputs", "outputs", "trigger")
                for value in _strings(ctx.variables.get(name))
                if value.startswith(prefix)
            }
        )
        deleted = [uri for uri in candidates if ctx.files.delete(uri)]
        ctx.logger.warn(
            "Only the files named by the execution's inputs, outputs and trigger are purged"
        )
        return PurgeCurrentExecutionFilesOutput(uris=deleted)

    @staticmethod
    def _prefix(ctx: RunContext) -> str:
        flow = ctx.variables["flow"]
        namespace_path = str(flow["namespace"]).replace(".", "/")
        slug = ctx.render("{{ flow.id | slugify }}")
        execution_id = ctx.variables["execution"]["id"]
        return f"kestra:///{namespace_path}/{slug}/executions/{execution_id}/"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
