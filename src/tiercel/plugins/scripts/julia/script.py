"""``io.kestra.plugin.scripts.julia.Script``: run an inline Julia script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import JULIA
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: julia_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.julia.Script
    script: |
      println("sum: ", sum(1:10))
"""


@plugin(
    "io.kestra.plugin.scripts.julia.Script",
    examples=[Example("Run an inline Julia script", _EXAMPLE, needs=("julia",))],
)
class Script(ExecScript):
    """Write the script to a `.jl` file and run it with `julia`."""

    script: Text = Field(description="The Julia code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `julia` on the script."""
        return JULIA.run_script(self, ctx, self.script)
