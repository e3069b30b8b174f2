"""``io.kestra.plugin.dbt.cli.List`` (deprecated: use ``DbtCLI``): ``dbt list``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.List",
    deprecated=True,
    examples=[legacy_example("List", "list")],
)
class List(LegacyRun):
    """Run `dbt list` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    List the nodes a selection picks.
    """

    command: ClassVar[tuple[str, ...]] = ("list",)
    results: ClassVar[bool] = False
