"""``ExecScript``: the properties and the run every script task shares (Kestra's
``AbstractExecScript`` with its ``CommandsWrapper``).

A run: copy namespace files and input files into the working directory, render the commands
with ``workingDir`` and ``outputDir``, fetch the ``kestra://`` files they name, run them with the
interpreter as one local process, then store the output files.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.files import replace_internal_uris, store_output_files, valid_filename
from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.plugins.scripts.process import run_process
from tiercel.sdk import (
    AnyTaskRunner,
    Outcome,
    Property,
    RunContext,
    RunnableTask,
    State,
    TaskFailure,
    Text,
    plugin_info,
)
from tiercel.sdk.properties import InputFiles, NamespaceFiles
from tiercel.sdk.workdir import copy_namespace_files, write_input_files

PROCESS_RUNNER = "io.kestra.plugin.core.runner.Process"

FailureHint = Callable[[LogConsumer], str | None]
"""Given what a failed process printed, advice to add to the failure message, if any."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """The working directory of one run, and the variables its commands are rendered with."""

    root: Path
    output_dir: Path
    variables: dict[str, Any]
    output_patterns: tuple[str, ...] = ()
    """The rendered ``outputFiles`` globs."""

    def render(self, ctx: RunContext, value: Any) -> str:
        """Render one command or script; ``kestra://`` URIs in it become local copies."""
        return replace_internal_uris(ctx, str(ctx.render(value, self.variables)), self.root)

    def render_list(self, ctx: RunContext, value: Any) -> list[str]:
        """Render a list property (or an expression giving a list) of commands."""
        if value is None:
            return []
        rendered = ctx.render(value, self.variables)
        items = rendered if isinstance(rendered, list) else [rendered]
        return [replace_internal_uris(ctx, str(item), self.root) for item in items]

    def write_script(self, name: str, content: str) -> Path:
        """Write a script file in the working directory; its path relative to the directory."""
        path = self.root / f"{uuid.uuid4().hex[:12]}_{name}"
        path.write_text(content)
        return path.relative_to(self.root)


_MAX_INLINE_SCRIPT = 100_000


class ExecScript(RunnableTask):
    """The properties of every script task."""

    before_commands: Property[list[Text]] | None = Field(
        default=None, description="Commands to run before the main ones, to set things up."
    )
    env: Property[dict[str, Text]] | None = Field(
        default=None, description="Additional environment variables for the process."
    )
    interpreter: Property[list[Text]] = Field(
        default_factory=lambda: ["/bin/sh", "-c"],
        description="The interpreter the commands are given to, as one last argument.",
    )
    fail_fast: Property[bool] = Field(
        default=True, description="Stop at the first command that fails (`set -e`)."
    )
    warning_on_std_err: Property[bool] = Field(
        default=True, description="End in WARNING when the process printed on stderr."
    )
    input_files: InputFiles | None = Field(
        default=None, description="Files to create first: name to content or `kestra://` URI."
    )
    output_files: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to store as `outputFiles`."
    )
    namespace_files: NamespaceFiles | None = Field(
        default=None, description="Namespace files to copy into the working directory."
    )
    container_image: Text | None = Field(
        default=None, description="The image of a container-based task runner (not used here)."
    )
    task_runner: AnyTaskRunner | None = Field(
        default=None, description="Where the commands run; local processes in Tiercel."
    )
    target_os: Text | None = Field(
        default=None, alias="targetOS", description="LINUX, WINDOWS or AUTO."
    )
    runner: Text | None = Field(default=None, description="Deprecated: use `taskRunner`.")
    docker: dict[str, Any] | None = Field(
        default=None, description="Deprecated: Docker options, not used here."
    )
    output_directory: Property[bool] | None = Field(
        default=None, description="Deprecated: `outputDir` is always available."
    )

    def workspace(self, ctx: RunContext) -> Workspace:
        """Prepare the working directory: namespace files, then input files."""
        root = ctx.working_dir()
        output_dir = root / uuid.uuid4().hex[:22]
        output_dir.mkdir(parents=True, exist_ok=True)
        variables: dict[str, Any] = {"workingDir": str(root), "outputDir": str(output_dir)}
        patterns = tuple(str(p) for p in ctx.render(self.output_files or []))
        for pattern in patterns:
            valid_filename(pattern)
        named = {
            name: str(root / name) for name in patterns if not any(char in name for char in "*?[")
        }
        if named:
            variables["outputFiles"] = named
        copy_namespace_files(ctx, self.namespace_files, root)
        write_input_files(ctx, self.input_files, root, variables)
        return Workspace(root, output_dir, variables, patterns)

    def execute(
        self,
        ctx: RunContext,
        ws: Workspace,
        before: Sequence[str],
        commands: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        hint: FailureHint | None = None,
        exit_on_error: str = "set -e",
        consumer: LogConsumer | None = None,
    ) -> Mapping[str, Any] | Outcome:
        """Run ``before`` then ``commands`` with the interpreter; the task's outputs.

        ``exit_on_error`` is the interpreter's line that makes the first failing command end
        the run, put first when ``failFast`` is on (PowerShell's differs from the shell's).
        ``consumer`` receives what the process prints (a plain ``LogConsumer`` by default).
        """
        self._warn_about_runner(ctx)
        interpreter = [str(part) for part in ctx.render(self.interpreter)]
        fail_fast = ctx.render_as(self.fail_fast, bool)
        lines = ([exit_on_error] if fail_fast else []) + [*before, *commands]
        args = [*interpreter, "\n".join(lines)] if interpreter else list(commands)
        if interpreter[-1:] == ["-c"] and len(args[-1].encode()) > _MAX_INLINE_SCRIPT:
            # Linux refuses a single argument over 128 KiB: the shell reads a long script
            # from a file instead, with the same effect.
            args = [*interpreter[:-1], str(ws.root / ws.write_script("script.sh", args[-1]))]
        environment = {
            **ctx.process_env(),
            "WORKING_DIR": str(ws.root),
            "OUTPUT_DIR": str(ws.output_dir),
            **(env or {}),
            **{str(k): str(v) for k, v in dict(ctx.render(self.env or {})).items()},
        }
        consumer = consumer or LogConsumer(ctx)
        try:
            exit_code = run_process(
                args, cwd=ws.root, env=environment, consumer=consumer, killed=ctx.killed
            )
        except OSError as exc:
            raise TaskFailure(f"Unable to start the process '{args[0]}': {exc}") from exc
        if exit_code is None:
            return {"exitCode": -1, "vars": consumer.outputs}
        outputs: dict[str, Any] = {
            "vars": consumer.outputs,
            "exitCode": exit_code,
            "stdOutLineCount": consumer.std_out_count,
            "stdErrLineCount": consumer.std_err_count,
            "outputFiles": store_output_files(ctx, ws.root, ws.output_patterns, ws.output_dir),
        }
        if exit_code != 0:
            # The failed run keeps its outputs, as in Kestra: what the script reported and
            # wrote before it failed is often what explains the failure.
            message = f"Command failed with exit code {exit_code}"
            advice = hint(consumer) if hint else None
            raise TaskFailure(f"{message}\n{advice}" if advice else message, outputs)
        if consumer.std_err_count > 0 and ctx.render_as(self.warning_on_std_err, bool):
            return Outcome(outputs, State.WARNING)
        return outputs

    def _warn_about_runner(self, ctx: RunContext) -> None:
        """Tiercel runs scripts as local processes: say so when the flow asks for a container."""
        runner_type = None
        if self.task_runner is not None:
            info = plugin_info(type(self.task_runner))
            names = info.names if info else (self.task_runner.type,)
            if PROCESS_RUNNER not in names:
                runner_type = self.task_runner.type
        elif str(self.runner or "").upper() == "DOCKER" or self.docker is not None:
            runner_type = "DOCKER"
        elif self.container_image is not None:
            runner_type = "a container image"
        if runner_type is not None:
            image = f" (image '{ctx.render(self.container_image)}')" if self.container_image else ""
            ctx.logger.warn(
                f"Tiercel has no container task runner: the task asks for {runner_type}{image}, "
                "its commands run as a local process on the worker instead"
            )
