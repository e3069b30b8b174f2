"""``io.kestra.plugin.dbt.cli.Test`` (deprecated: use ``DbtCLI``): ``dbt test``."""

from typing import ClassVar

from tiercel.plugins.dbt.cli.legacy import LegacyRun, legacy_example
from tiercel.sdk import plugin


@plugin(
    "io.kestra.plugin.dbt.cli.Test",
    deprecated=True,
    examples=[legacy_example("Test", "test")],
)
class Test(LegacyRun):
    """Run `dbt test` (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI).

    The data tests of the project.
    """

    command: ClassVar[tuple[str, ...]] = ("test",)
