"""``io.kestra.plugin.scripts.python.Script``: run an inline Python script."""

import shlex
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.python.environment import python_environment, shell_in_script_hint
from tiercel.sdk import Outcome, Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.python.Script")
class Script(ExecScript):
    """Write the script to a `.py` file and run it with the Python of an isolated environment."""

    script: Text = Field(description="The Python code to run.")
    dependencies: Property[list[Text]] | None = Field(
        default=None, description="Packages to install in the environment first."
    )
    python_version: Text | None = Field(
        default=None, description="The Python version of the environment (e.g. `3.12`)."
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Set up the environment, run the before commands, then `python` on the script."""
        ws = self.workspace(ctx)
        source = ws.render(ctx, self.script)
        before, env = python_environment(
            ctx,
            [str(d) for d in ctx.render(self.dependencies or [])],
            ws.render_list(ctx, self.before_commands),
            str(ctx.render(self.python_version)) if self.python_version else None,
        )
        path = ws.write_script("script.py", source)
        command = f"python {shlex.quote(str(path))}"
        return self.execute(ctx, ws, before, [command], env=env, hint=shell_in_script_hint(source))
