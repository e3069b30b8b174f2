"""``io.kestra.plugin.scripts.node.Commands``: run commands that call Node.js."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import Outcome, Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.node.Commands")
class Commands(ExecScript):
    """Run commands (`node main.js`, `npm install`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        ws = self.workspace(ctx)
        before = ws.render_list(ctx, self.before_commands)
        return self.execute(ctx, ws, before, ws.render_list(ctx, self.commands))
