"""``io.kestra.plugin.dbt.cli.Seed`` (deprecated: use ``DbtCLI``): ``dbt seed``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Seed",
    deprecated=True,
    examples=[legacy_example("Seed", "seed")],
)
class Seed(LegacyRun):
    """Run `dbt seed` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    Load the CSV files of `seeds/`.
    """

    command: ClassVar[tuple[str, ...]] = ("seed",)
