"""``io.kestra.plugin.scripts.python.Commands``: run commands that call Python."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.python.environment import PythonTask
from tiercel.sdk import Outcome, Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.python.Commands")
class Commands(PythonTask):
    """Run commands (`python main.py`...) with an isolated environment's Python first on PATH."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Set up the environment, then run the before commands and the commands."""
        ws = self.workspace(ctx)
        with self.environment(ctx, ws) as (before, env):
            return self.execute(ctx, ws, before, ws.render_list(ctx, self.commands), env=env)
