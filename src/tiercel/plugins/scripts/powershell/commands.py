"""``io.kestra.plugin.scripts.powershell.Commands``: run commands that call PowerShell."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import POWERSHELL
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: powershell_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.powershell.Commands
    inputFiles:
      main.ps1: |
        'Hello from a file' | Write-Output
    commands:
      - ./main.ps1
"""


@plugin(
    "io.kestra.plugin.scripts.powershell.Commands",
    examples=[Example("Run a PowerShell file with its interpreter", _EXAMPLE, needs=("pwsh",))],
)
class Commands(ExecScript):
    """Run PowerShell files and commands (`./main.ps1`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    interpreter: Property[list[Text]] = Field(
        default_factory=lambda: ["pwsh", "-NoProfile", "-NonInteractive", "-Command"],
        description="The interpreter the commands are given to, as one last argument.",
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return POWERSHELL.run_commands(self, ctx, self.commands)
