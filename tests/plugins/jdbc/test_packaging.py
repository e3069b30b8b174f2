"""The SQL family as a package: documented examples validate, drivers load only when a task
runs, and a missing driver fails the task with the line that installs it."""

import subprocess
import sys
from pathlib import Path

import pytest
from tests.plugins.jdbc.jdbc_support import messages, run_flow, state_of

from tiercel.model import load_flows
from tiercel.registry import default_registry

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml"))
DRIVERS = ("psycopg", "pymysql", "duckdb", "snowflake.connector")


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_documented_examples_validate(path: Path) -> None:
    result = load_flows(path.read_bytes(), path.name, default_registry())
    assert result.ok, result.all_problems()


def test_validating_sql_flows_imports_no_driver() -> None:
    script = (
        "import sys, pathlib\n"
        "from tiercel.model import load_flows\n"
        "from tiercel.registry import default_registry\n"
        "for path in sys.argv[1:]:\n"
        "    assert load_flows(pathlib.Path(path).read_bytes(), path, default_registry()).ok\n"
        f"print(sorted(m for m in {DRIVERS!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, EXAMPLES)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_a_missing_driver_fails_the_task_with_the_pip_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pymysql", None)  # as if PyMySQL were not installed
    finished = run_flow(
        tmp_path,
        """
        id: no_driver
        namespace: company.team
        tasks:
          - id: query
            type: io.kestra.plugin.jdbc.mysql.Query
            url: jdbc:mysql://127.0.0.1:1/x
            sql: SELECT 1
        """,
    )
    assert state_of(finished, "query") == "FAILED"
    assert (
        "The MySQL driver (PyMySQL) is not installed; "
        "install it with: pip install 'tiercel[jdbc-mysql]'"
    ) in messages(finished, "query")
