"""``io.kestra.plugin.scripts.deno.Commands``: run commands that call Deno."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import DENO
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: deno_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.deno.Commands
    inputFiles:
      main.ts: |
        console.log([3, 1, 2].sort());
    commands:
      - deno run main.ts
"""


@plugin(
    "io.kestra.plugin.scripts.deno.Commands",
    examples=[Example("Run a Deno file with its interpreter", _EXAMPLE, needs=("deno",))],
)
class Commands(ExecScript):
    """Run Deno files and commands (`deno run main.ts`...) in a shell."""

    # Optional in Kestra's Deno plugin alone: a task may run its beforeCommands only.
    commands: Property[list[Text]] | None = Field(default=None, description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return DENO.run_commands(self, ctx, self.commands)
