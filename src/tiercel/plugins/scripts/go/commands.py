"""``io.kestra.plugin.scripts.go.Commands``: run commands that call Go."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import GO
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: go_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.go.Commands
    inputFiles:
      main.go: |
        package main

        import "fmt"

        func main() { fmt.Println("hello") }
    commands:
      - go run main.go
"""


@plugin(
    "io.kestra.plugin.scripts.go.Commands",
    examples=[Example("Run a Go file with its interpreter", _EXAMPLE, needs=("go",))],
)
class Commands(ExecScript):
    """Run Go files and commands (`go run main.go`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return GO.run_commands(self, ctx, self.commands)
