"""``io.kestra.plugin.scripts.deno.Script``: run an inline Deno script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import DENO
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: deno_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.deno.Script
    script: |
      console.log("Hello from Deno " + Deno.version.deno);
"""


@plugin(
    "io.kestra.plugin.scripts.deno.Script",
    examples=[Example("Run an inline Deno script", _EXAMPLE, needs=("deno",))],
)
class Script(ExecScript):
    """Write the script to a `.ts` file and run it with `deno run`."""

    script: Text = Field(description="The Deno code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `deno run` on the script."""
        return DENO.run_script(self, ctx, self.script)
