"""``io.kestra.plugin.dbt.cli.Freshness`` (deprecated: use ``DbtCLI``): ``dbt source freshness``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Freshness",
    deprecated=True,
    examples=[legacy_example("Freshness", "source freshness")],
)
class Freshness(LegacyRun):
    """Run `dbt source freshness` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Check how recent the sources are.
    """

    command: ClassVar[tuple[str, ...]] = ("source", "freshness")
    results: ClassVar[bool] = False
