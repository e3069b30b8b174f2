"""``io.kestra.plugin.scripts.ruby.Commands``: run commands that call Ruby."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import RUBY
from tiercel.sdk import Example, Outcome, Property, RunContext, Text, plugin

_EXAMPLE = """\
id: ruby_commands
namespace: company.team
tasks:
  - id: commands
    type: io.kestra.plugin.scripts.ruby.Commands
    inputFiles:
      main.rb: |
        puts [3, 1, 2].sort.inspect
    commands:
      - ruby main.rb
"""


@plugin(
    "io.kestra.plugin.scripts.ruby.Commands",
    examples=[Example("Run a Ruby file with its interpreter", _EXAMPLE, needs=("ruby",))],
)
class Commands(ExecScript):
    """Run Ruby files and commands (`ruby main.rb`...) in a shell."""

    commands: Property[list[Text]] = Field(description="The commands to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands and the commands with the interpreter."""
        return RUBY.run_commands(self, ctx, self.commands)
