"""``io.kestra.plugin.dbt.cli.Run`` (deprecated: use ``DbtCLI``): ``dbt run``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Run",
    deprecated=True,
    examples=[legacy_example("Run", "run")],
)
class Run(LegacyRun):
    """Run `dbt run` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Build the models.
    """

    command: ClassVar[tuple[str, ...]] = ("run",)
