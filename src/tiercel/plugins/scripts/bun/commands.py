"""``io.kestra.plugin.scripts.bun.Commands``: run commands that call Bun."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import BUN
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: bun_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.bun.Commands
    inputFiles:
      index.ts: |
        console.log([3, 1, 2].sort());
    commands:
      - bun run index.ts
"""


@plugin(
    "io.kestra.plugin.scripts.bun.Commands",
    examples=[Example("Run a Bun file with its interpreter", _EXAMPLE, needs=("bun",))],
)
class Commands(ExecScript):
    """Run Bun files and commands (`bun run index.ts`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return BUN.run_commands(self, ctx, self.commands)
