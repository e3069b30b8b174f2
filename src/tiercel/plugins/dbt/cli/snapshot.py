"""``io.kestra.plugin.dbt.cli.Snapshot`` (deprecated: use ``DbtCLI``): ``dbt snapshot``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Snapshot",
    deprecated=True,
    examples=[legacy_example("Snapshot", "snapshot")],
)
class Snapshot(LegacyRun):
    """Run `dbt snapshot` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Record changes of mutable tables.
    """

    command: ClassVar[tuple[str, ...]] = ("snapshot",)
