"""``io.kestra.plugin.scripts.ruby.Script``: run an inline Ruby script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import RUBY
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: ruby_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.ruby.Script
    script: |
      require "json"
      puts JSON.generate({"sum" => (1..10).sum})
"""


@plugin(
    "io.kestra.plugin.scripts.ruby.Script",
    examples=[Example("Run an inline Ruby script", _EXAMPLE, needs=("ruby",))],
)
class Script(ExecScript):
    """Write the script to a `.rb` file and run it with `ruby`."""

    script: Text = Field(description="The Ruby code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `ruby` on the script."""
        return RUBY.run_script(self, ctx, self.script)
