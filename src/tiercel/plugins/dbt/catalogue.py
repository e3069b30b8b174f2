"""Every class of the dbt plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.dbt.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.dbt.cli.build import Build
from tiercel.plugins.dbt.cli.compile import Compile
from tiercel.plugins.dbt.cli.dbt_cli import DbtCLI
from tiercel.plugins.dbt.cli.deps import Deps
from tiercel.plugins.dbt.cli.freshness import Freshness
from tiercel.plugins.dbt.cli.list_nodes import List
from tiercel.plugins.dbt.cli.run import Run
from tiercel.plugins.dbt.cli.seed import Seed
from tiercel.plugins.dbt.cli.setup import Setup
from tiercel.plugins.dbt.cli.snapshot import Snapshot
from tiercel.plugins.dbt.cli.test import Test
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    DbtCLI,
    Setup,
    Build,
    Run,
    Test,
    Compile,
    Seed,
    Snapshot,
    Deps,
    Freshness,
    List,
]
