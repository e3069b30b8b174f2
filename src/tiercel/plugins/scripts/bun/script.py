"""``io.kestra.plugin.scripts.bun.Script``: run an inline Bun script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import BUN
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: bun_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.bun.Script
    script: |
      console.log("Hello from Bun " + Bun.version);
"""


@plugin(
    "io.kestra.plugin.scripts.bun.Script",
    examples=[Example("Run an inline Bun script", _EXAMPLE, needs=("bun",))],
)
class Script(ExecScript):
    """Write the script to a `.ts` file and run it with `bun run`."""

    script: Text = Field(description="The Bun code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `bun run` on the script."""
        return BUN.run_script(self, ctx, self.script)
