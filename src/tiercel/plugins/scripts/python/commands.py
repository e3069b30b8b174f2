"""``io.kestra.plugin.scripts.python.Commands``: run commands that call Python."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.python.environment import python_environment
from tiercel.sdk import Outcome, Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.python.Commands")
class Commands(ExecScript):
    """Run commands (`python main.py`...) with an isolated environment's Python first on PATH."""

    commands: Property[list[Text]] = Field(description="The commands to run.")
    dependencies: Property[list[Text]] | None = Field(
        default=None, description="Packages to install in the environment first."
    )
    python_version: Text | None = Field(
        default=None, description="The Python version of the environment (e.g. `3.12`)."
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Set up the environment, then run the before commands and the commands."""
        ws = self.workspace(ctx)
        before, env = python_environment(
            ctx,
            [str(d) for d in ctx.render(self.dependencies or [])],
            ws.render_list(ctx, self.before_commands),
            str(ctx.render(self.python_version)) if self.python_version else None,
        )
        return self.execute(ctx, ws, before, ws.render_list(ctx, self.commands), env=env)
