"""``io.kestra.plugin.scripts.shell.Script``: run a multi-line shell script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import Outcome, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.shell.Script")
class Script(ExecScript):
    """Run a shell script written inline in the flow."""

    script: Text = Field(description="The script, given to the interpreter after the setup.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the script with the interpreter."""
        ws = self.workspace(ctx)
        before = ws.render_list(ctx, self.before_commands)
        return self.execute(ctx, ws, before, [ws.render(ctx, self.script)])
