"""``io.kestra.core.tasks.scripts.Bash``: Kestra's deprecated shell task.

It differs from ``shell.Commands``: ``interpreter`` is one program with ``interpreterArgs``,
``exitOnFailed`` is the ``set -e`` switch, and ``outputFiles`` are names, not globs: each gets
an empty file that the commands fill through ``{{ outputFiles.<name> }}``, stored afterwards.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import Workspace
from tiercel.plugins.scripts.files import valid_filename
from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.plugins.scripts.process import run_process
from tiercel.sdk import Outcome, RunContext, RunnableTask, State, TaskFailure, Text, plugin
from tiercel.sdk.workdir import write_input_files


@plugin("io.kestra.core.tasks.scripts.Bash", deprecated=True)
class Bash(RunnableTask):
    """Run shell commands (deprecated: use io.kestra.plugin.scripts.shell.Commands)."""

    commands: list[Text] = Field(description="The commands, joined by new lines.")
    interpreter: str = Field(default="/bin/sh", description="The interpreter program.")
    interpreter_args: list[str] = Field(default_factory=lambda: ["-c"])
    exit_on_failed: bool = Field(default=True, description="Stop at the first failure.")
    files: list[str] | None = Field(default=None, description="Deprecated `outputFiles`.")
    outputs_files: list[str] | None = Field(default=None, description="Deprecated `outputFiles`.")
    output_files: list[str] | None = Field(
        default=None, description="Names of files to create, fill and store."
    )
    input_files: dict[str, Text] | None = Field(default=None, description="Files to create.")
    env: dict[str, Text] | None = Field(default=None, description="Environment variables.")
    warning_on_std_err: bool = Field(default=True, description="WARNING when stderr is used.")
    runner: Text | None = Field(default=None, description="Ignored: runs as a process.")
    docker_options: dict[str, Any] | None = Field(default=None, description="Ignored.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the commands; store the output files."""
        root = ctx.working_dir()
        named: dict[str, str] = {}
        for name in [*(self.output_files or []), *(self.outputs_files or []), *(self.files or [])]:
            valid_filename(name)
            path = root / f"{name}_{uuid.uuid4().hex[:12]}.tmp"
            path.touch()
            named[name] = str(path)
        ws = Workspace(root, root, {"workingDir": str(root), "outputFiles": named, "temp": named})
        write_input_files(ctx, self.input_files, root, ws.variables)
        lines, extra_env = self.script_lines(ctx, ws)
        env = {
            **extra_env,
            **{str(k): str(v) for k, v in dict(ctx.render(self.env or {})).items()},
        }
        consumer = LogConsumer(ctx)
        exit_code = run_process(
            [self.interpreter, *self.interpreter_args, "\n".join(lines)],
            cwd=root,
            env={**ctx.process_env(), **env},
            consumer=consumer,
            killed=ctx.killed,
        )
        if exit_code is None:
            return {}
        stored = {}
        for name, local in named.items():
            with open(local, "rb") as stream:
                stored[name] = ctx.files.put(name, stream)
        outputs = {
            "exitCode": exit_code,
            "stdOutLineCount": consumer.std_out_count,
            "stdErrLineCount": consumer.std_err_count,
            "vars": consumer.outputs,
            "outputFiles": stored,
        }
        if exit_code != 0:
            raise TaskFailure(f"Command failed with code {exit_code}", outputs)
        if consumer.std_err_count > 0 and self.warning_on_std_err:
            return Outcome(outputs, State.WARNING)
        return outputs

    def script_lines(self, ctx: RunContext, ws: Workspace) -> tuple[list[str], dict[str, str]]:
        """The lines of the script given to the interpreter, and environment variables to add
        to the process's."""
        lines = ws.render_list(ctx, self.commands)
        return (["set -e", *lines] if self.exit_on_failed else lines), {}
