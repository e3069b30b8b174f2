"""``io.kestra.plugin.core.flow.WorkingDirectory``: run tasks in one shared directory."""

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field

from tiercel.sdk import (
    AnyTask,
    Duration,
    FlowableTask,
    KestraModel,
    Plan,
    Property,
    RunContext,
    RunnableTask,
    Scope,
    Violation,
    plugin,
    run_branches,
)
from tiercel.sdk.properties import InputFiles, NamespaceFiles
from tiercel.sdk.workdir import copy_namespace_files, write_input_files

EMPTY_TASKS = "The 'tasks' property cannot be empty"
ONLY_RUNNABLE = "Only runnable tasks are allowed as children of a WorkingDirectory task"
CHILD_WORKER_GROUP = (
    "Cannot set a Worker Group in any WorkingDirectory sub-tasks, "
    "it is only supported at the WorkingDirectory level"
)


class Cache(KestraModel):
    """Files kept from one run of the task to the next."""

    patterns: list[str] = Field(description="Glob patterns of the files to keep.")
    ttl: Duration | None = Field(default=None, description="How long a cache stays valid.")


@plugin(
    "io.kestra.plugin.core.flow.WorkingDirectory",
    aliases=["io.kestra.core.tasks.flows.WorkingDirectory", "io.kestra.core.tasks.flows.Worker"],
)
class WorkingDirectory(FlowableTask):
    """Run runnable tasks one after the other on one worker, sharing one directory."""

    tasks: list[AnyTask] | None = Field(
        default=None, description="The runnable tasks to run, in order."
    )
    namespace_files: NamespaceFiles | None = Field(
        default=None, description="Namespace files to copy into the directory first."
    )
    input_files: InputFiles | None = Field(
        default=None,
        description="Files to create first: name to content or URI, or that map as JSON.",
    )
    output_files: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to keep as outputs."
    )
    cache: Cache | None = Field(default=None, description="Files to keep between runs.")

    def violations(self) -> list[Violation]:
        """Children must exist, be runnable, and leave the worker group to this task."""
        found = super().violations()
        if not self.tasks:
            found.append(Violation(("tasks",), EMPTY_TASKS))
            return found
        for index, task in enumerate(self.tasks):
            if not isinstance(task, RunnableTask):
                found.append(Violation(("tasks", index), ONLY_RUNNABLE))
                return found
        for index, task in enumerate(self.tasks):
            if task.worker_group is not None:
                found.append(Violation(("tasks", index, "workerGroup"), CHILD_WORKER_GROUP))
                return found
        return found

    shares_working_directory: ClassVar[bool] = True

    def plan(self, scope: Scope) -> Plan:
        """The tasks one after the other, in the shared directory."""
        return run_branches(scope, self.branches(self.tasks or []))

    def prepare(self, ctx: RunContext) -> None:
        """Copy ``namespaceFiles`` into the directory, then write ``inputFiles``: text, or the
        content of a stored file."""
        root = ctx.working_dir()
        copy_namespace_files(ctx, self.namespace_files, root)
        write_input_files(ctx, self.input_files, root)

    def finish(self, ctx: RunContext) -> Mapping[str, Any] | None:
        """``outputFiles``: each file matching a pattern, stored, by its relative path."""
        patterns = ctx.render(self.output_files) if self.output_files is not None else []
        if not patterns:
            return None
        root = ctx.working_dir()
        stored: dict[str, str] = {}
        for pattern in patterns:
            for path in sorted(root.glob(str(pattern))):
                if path.is_file():
                    name = path.relative_to(root).as_posix()
                    with path.open("rb") as stream:
                        stored[name] = ctx.files.put(name, stream)
        return {"outputFiles": stored}
