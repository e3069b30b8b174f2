"""``io.kestra.plugin.scripts.shell.Commands``: run shell commands."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import Outcome, Property, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.shell.Commands")
class Commands(ExecScript):
    """Run shell commands, one after the other, in one shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        ws = self.workspace(ctx)
        before = ws.render_list(ctx, self.before_commands)
        return self.execute(ctx, ws, before, ws.render_list(ctx, self.commands))
