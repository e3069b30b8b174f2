"""``io.kestra.plugin.scripts.r.Commands``: run commands that call R."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import R
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: r_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.r.Commands
    inputFiles:
      main.R: |
        print(summary(c(2, 4, 9)))
    commands:
      - Rscript main.R
"""


@plugin(
    "io.kestra.plugin.scripts.r.Commands",
    examples=[Example("Run a R file with its interpreter", _EXAMPLE, needs=("Rscript",))],
)
class Commands(ExecScript):
    """Run R files and commands (`Rscript main.R`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return R.run_commands(self, ctx, self.commands)
