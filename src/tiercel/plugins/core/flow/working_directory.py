"""``io.kestra.plugin.core.flow.WorkingDirectory``: run tasks in one shared directory."""

import json
from collections.abc import Mapping
from enum import StrEnum
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
    TaskFailure,
    Text,
    Violation,
    plugin,
    run_branches,
)

EMPTY_TASKS = "The 'tasks' property cannot be empty"
ONLY_RUNNABLE = "Only runnable tasks are allowed as children of a WorkingDirectory task"
CHILD_WORKER_GROUP = (
    "Cannot set a Worker Group in any WorkingDirectory sub-tasks, "
    "it is only supported at the WorkingDirectory level"
)


class FileExistBehavior(StrEnum):
    """What to do when a namespace file is already in the working directory."""

    OVERWRITE = "OVERWRITE"
    FAIL = "FAIL"
    WARN = "WARN"
    IGNORE = "IGNORE"


class NamespaceFiles(KestraModel):
    """Which namespace files to copy into the working directory."""

    enabled: Property[bool] = Field(default=True, description="Copy namespace files at all.")
    include: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to copy."
    )
    exclude: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to leave out."
    )
    namespaces: Property[list[str]] = Field(
        default='["{{flow.namespace}}"]',
        description="Namespaces to read files from, later ones winning (Kestra 1.x).",
    )
    if_exists: Property[FileExistBehavior] = Field(
        default=FileExistBehavior.OVERWRITE,
        description="What to do when the file is already there (Kestra 1.x).",
    )
    folder_per_namespace: Property[bool] = Field(
        default=False, description="Put each namespace's files in its own folder (Kestra 1.x)."
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
    input_files: dict[str, Text] | Text | None = Field(
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
        """Write ``inputFiles`` into the directory: text, or the content of a stored file."""
        given = ctx.render(self.input_files) if self.input_files is not None else {}
        if isinstance(given, str):
            given = json.loads(given)
        root = ctx.working_dir()
        for name, value in dict(given).items():
            target = (root / name).resolve()
            if root.resolve() not in target.parents:
                raise TaskFailure(f"input file '{name}' would be written outside the directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            text = str(value)
            if text.startswith("kestra://"):
                target.write_bytes(ctx.files.read_bytes(text))
            else:
                target.write_text(text)

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
