"""``io.kestra.plugin.dbt.cli.Build`` (deprecated: use ``DbtCLI``): ``dbt build``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Build",
    deprecated=True,
    examples=[legacy_example("Build", "build")],
)
class Build(LegacyRun):
    """Run `dbt build` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Models, tests, seeds and snapshots in DAG order.
    """

    command: ClassVar[tuple[str, ...]] = ("build",)
