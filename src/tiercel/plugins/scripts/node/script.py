"""``io.kestra.plugin.scripts.node.Script``: run an inline Node.js script."""

import shlex
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import Outcome, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.node.Script")
class Script(ExecScript):
    """Write the script to a `.js` file and run it with `node`."""

    script: Text = Field(description="The JavaScript code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `node` on the script."""
        ws = self.workspace(ctx)
        before = ws.render_list(ctx, self.before_commands)
        path = ws.write_script("script.js", ws.render(ctx, self.script))
        return self.execute(ctx, ws, before, [f"node {shlex.quote(str(path))}"])
