"""``io.kestra.plugin.scripts.python.Script``: run an inline Python script."""

import shlex
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.python.environment import PythonTask, shell_in_script_hint
from tiercel.sdk import Outcome, RunContext, Text, plugin


@plugin("io.kestra.plugin.scripts.python.Script")
class Script(PythonTask):
    """Write the script to a `.py` file and run it with the Python of an isolated environment."""

    script: Text = Field(description="The Python code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Set up the environment, run the before commands, then `python` on the script."""
        ws = self.workspace(ctx)
        source = ws.render(ctx, self.script)
        path = ws.write_script("script.py", source)
        command = f"python {shlex.quote(str(path))}"
        with self.environment(ctx, ws) as (before, env):
            hint = shell_in_script_hint(source)
            return self.execute(ctx, ws, before, [command], env=env, hint=hint)
