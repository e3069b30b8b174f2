"""``io.kestra.plugin.scripts.powershell.Script``: run an inline PowerShell script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import POWERSHELL
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: powershell_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.powershell.Script
    script: |
      'Hello, World!' | Write-Output
"""


@plugin(
    "io.kestra.plugin.scripts.powershell.Script",
    examples=[Example("Run an inline PowerShell script", _EXAMPLE, needs=("pwsh",))],
)
class Script(ExecScript):
    """Write the script to a `.ps1` file and run it with `pwsh`."""

    script: Text = Field(description="The PowerShell code to run.")

    interpreter: Property[list[Text]] = Field(
        default_factory=lambda: ["pwsh", "-NoProfile", "-NonInteractive", "-Command"],
        description="The interpreter the commands are given to, as one last argument.",
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `pwsh` on the script."""
        return POWERSHELL.run_script(self, ctx, self.script)
