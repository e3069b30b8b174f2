"""The script languages whose tasks run one interpreter on a file or on commands: R, Julia,
Ruby, PowerShell, Go, Deno and Bun (``io.kestra.plugin.scripts.<language>.Script/Commands``).

Kestra runs these in the language's container image; Tiercel runs them as local processes, so
the interpreter must be on the worker's ``PATH``. A flow using them validates anywhere; a task
whose interpreter is missing fails at once with one line saying how to install it.
"""

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import Outcome, RunContext, TaskFailure, Text


@dataclass(frozen=True, slots=True)
class Language:
    """How one language's tasks run its interpreter."""

    name: str
    """The language, as messages name it."""
    binary: str
    """The executable that must be on ``PATH``."""
    runs: str
    """The command a ``Script`` task's file is given to (``Rscript``, ``go run``...)."""
    suffix: str
    """The extension of a ``Script`` task's file, which some interpreters require."""
    install: str
    """How to put ``binary`` on a Debian worker."""
    exit_on_error: str = "set -e"
    """The interpreter's line that stops at the first failing command (``failFast``)."""

    def run_script(
        self, task: ExecScript, ctx: RunContext, script: Text
    ) -> Mapping[str, Any] | Outcome:
        """Write the rendered ``script`` to a file and run it after the before commands."""
        self.require(task, ctx)
        ws = task.workspace(ctx)
        before = ws.render_list(ctx, task.before_commands)
        path = str(ws.root / ws.write_script(f"script{self.suffix}", ws.render(ctx, script)))
        return task.execute(
            ctx, ws, before, [f"{self.runs} {self.quote(path)}"], exit_on_error=self.exit_on_error
        )

    def run_commands(
        self, task: ExecScript, ctx: RunContext, commands: Any
    ) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then ``commands``, with the task's interpreter."""
        self.require(task, ctx)
        ws = task.workspace(ctx)
        before = ws.render_list(ctx, task.before_commands)
        lines = ws.render_list(ctx, commands)
        return task.execute(ctx, ws, before, lines, exit_on_error=self.exit_on_error)

    def require(self, task: ExecScript, ctx: RunContext) -> None:
        """Fail in one line when the interpreter is not on the ``PATH`` the process gets.

        Raises:
            TaskFailure: ``binary`` is not found there.
        """
        env = ctx.render(task.env) if task.env is not None else {}
        path = env.get("PATH") if isinstance(env, Mapping) else None
        path = str(path or ctx.process_env().get("PATH") or os.defpath)
        if shutil.which(self.binary, path=path) is None:
            raise TaskFailure(
                f"{self.name} is not installed on this worker: '{self.binary}' is not on its "
                f"PATH ({path}); {self.install}"
            )

    def quote(self, path: str) -> str:
        """``path`` as one word of this interpreter's command line."""
        if self.binary == "pwsh":
            escaped = path.replace("'", "''")
            return f"'{escaped}'"
        return shlex.quote(path)


R = Language(
    name="R",
    binary="Rscript",
    runs="Rscript",
    suffix=".R",
    install="install it with `apt-get install -y --no-install-recommends r-base-core`",
)
JULIA = Language(
    name="Julia",
    binary="julia",
    runs="julia",
    suffix=".jl",
    install="install Julia (juliaup or the official tarball) and put `julia` on the PATH",
)
RUBY = Language(
    name="Ruby",
    binary="ruby",
    runs="ruby",
    suffix=".rb",
    install="install it with `apt-get install -y ruby`",
)
POWERSHELL = Language(
    name="PowerShell",
    binary="pwsh",
    # The script runs through the interpreter's own `-Command`, with the call operator.
    runs="&",
    suffix=".ps1",
    install="install PowerShell 7 (Microsoft's `powershell` package) and put `pwsh` on the PATH",
    exit_on_error="$ErrorActionPreference = 'Stop'",
)
GO = Language(
    name="Go",
    binary="go",
    runs="go run",
    suffix=".go",
    install="install it with `apt-get install -y golang-go`",
)
DENO = Language(
    name="Deno",
    binary="deno",
    runs="deno run",
    suffix=".ts",
    install="install it with `npm install -g deno`",
)
BUN = Language(
    name="Bun",
    binary="bun",
    runs="bun run",
    suffix=".ts",
    install="install it with `npm install -g bun`",
)
