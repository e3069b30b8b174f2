"""``io.kestra.plugin.scripts.julia.Commands``: run commands that call Julia."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import JULIA
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: julia_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.julia.Commands
    inputFiles:
      main.jl: |
        println(sqrt(16))
    commands:
      - julia main.jl
"""


@plugin(
    "io.kestra.plugin.scripts.julia.Commands",
    examples=[Example("Run a Julia file with its interpreter", _EXAMPLE, needs=("julia",))],
)
class Commands(ExecScript):
    """Run Julia files and commands (`julia main.jl`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return JULIA.run_commands(self, ctx, self.commands)
