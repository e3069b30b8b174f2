"""``io.kestra.plugin.scripts.r.Script``: run an inline R script."""

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.language import R
from tiercel.sdk import Example, Outcome, RunContext, Text, plugin

_EXAMPLE = """\
id: r_script
namespace: company.team
tasks:
  - id: script
    type: io.kestra.plugin.scripts.r.Script
    script: |
      cat("sum:", sum(1:10), "\\n")
      write.csv(data.frame(x = 1:3), file.path("{{ outputDir }}", "x.csv"))
"""


@plugin(
    "io.kestra.plugin.scripts.r.Script",
    examples=[Example("Run an inline R script", _EXAMPLE, needs=("Rscript",))],
)
class Script(ExecScript):
    """Write the script to a `.R` file and run it with `Rscript`."""

    script: Text = Field(description="The R code to run.")

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Run the before commands, then `Rscript` on the script."""
        return R.run_script(self, ctx, self.script)
