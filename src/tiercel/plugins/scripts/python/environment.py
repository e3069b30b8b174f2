"""What the Python tasks share: the isolated environment their commands run in, and the
advice given when a shell command was written as a Python script."""

import os
import re

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript, FailureHint, Workspace
from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.plugins.scripts.python_env import ensure_env, requirements_from_commands
from tiercel.sdk import Property, RunContext, Text

_SHELL_LINE = re.compile(
    r"^(python3?|pip3?|uv|bash|sh|cd|ls|echo|export|source|node|npm|curl|wget|chmod|mkdir|cp|mv|rm)"
    r"(\s|$)"
)


class PythonTask(ExecScript):
    """The properties of the Python tasks: the packages and interpreter of their environment."""

    dependencies: Property[list[Text]] | None = Field(
        default=None, description="Packages to install in the environment first."
    )
    python_version: Text | None = Field(
        default=None, description="The Python version of the environment (e.g. `3.12`)."
    )

    def environment(self, ctx: RunContext, ws: Workspace) -> tuple[list[str], dict[str, str]]:
        """Build (or reuse) the environment: ``dependencies`` and the ``pip install`` lines of
        ``beforeCommands``. Returns the other before commands and the variables that make
        ``python`` and ``pip`` the environment's own."""
        dependencies = [str(d) for d in ctx.render(self.dependencies or [])]
        requirements, remaining = requirements_from_commands(
            ws.render_list(ctx, self.before_commands)
        )
        version = str(ctx.render(self.python_version)) if self.python_version else None
        env = ensure_env(
            [*dependencies, *requirements], python_version=version, log=ctx.logger.info
        )
        path = os.pathsep.join([str(env.bin_dir), ctx.process_env().get("PATH", os.defpath)])
        return remaining, {"PATH": path, "VIRTUAL_ENV": str(env.root)}


def shell_in_script_hint(script: str) -> FailureHint:
    """Advice for a Python script whose first line is a shell command, if Python refused it."""
    first = next((line.strip() for line in script.splitlines() if line.strip()), "")

    def hint(consumer: LogConsumer) -> str | None:
        if not _SHELL_LINE.match(first):
            return None
        if not any("SyntaxError" in line for line in consumer.std_err_tail):
            return None
        return (
            f"The script starts with a shell command ('{first}'), which Python cannot run. "
            "A python.Script runs its `script` with Python: to run shell commands, use "
            "`type: io.kestra.plugin.scripts.python.Commands` with "
            f'`commands: ["{first}"]`, or write Python code in `script` (e.g. import the '
            "module and call its main())."
        )

    return hint
