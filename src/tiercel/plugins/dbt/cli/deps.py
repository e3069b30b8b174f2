"""``io.kestra.plugin.dbt.cli.Deps`` (deprecated: use ``DbtCLI``): ``dbt deps``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Deps",
    deprecated=True,
    examples=[legacy_example("Deps", "deps")],
)
class Deps(LegacyRun):
    """Run `dbt deps` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Install the packages of `packages.yml`.
    """

    command: ClassVar[tuple[str, ...]] = ("deps",)
    results: ClassVar[bool] = False
