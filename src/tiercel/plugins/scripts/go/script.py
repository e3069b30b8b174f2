"""``io.kestra.plugin.scripts.go.Script``: run an inline Go script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import GO
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: go_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.go.Script
    script: |
      package main

      import "fmt"

      func main() {
          fmt.Println("sum:", 55)
      }
"""


@plugin(
    "io.kestra.plugin.scripts.go.Script",
    examples=[Example("Run an inline Go script", _EXAMPLE, needs=("go",))],
)
class Script(ExecScript):
    """Write the script to a `.go` file and run it with `go run`."""

    script: Text = Field(description="The Go code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `go run` on the script."""
        return GO.run_script(self, ctx, self.script)
