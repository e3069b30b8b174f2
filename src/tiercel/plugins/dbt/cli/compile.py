"""``io.kestra.plugin.dbt.cli.Compile`` (deprecated: use ``DbtCLI``): ``dbt compile``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Compile",
    deprecated=True,
    examples=[legacy_example("Compile", "compile")],
)
class Compile(LegacyRun):
    """Run `dbt compile` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Write the compiled SQL to `target/`.
    """

    command: ClassVar[tuple[str, ...]] = ("compile",)
