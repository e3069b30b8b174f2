"""dbt end to end: a real dbt-core with dbt-duckdb, installed once in Tiercel's cached Python
environment, builds a small project (two models, two data tests) that the flow writes.

One flow covers the family: ``Setup`` links dbt into a shared working directory, ``DbtCLI``
builds the project and keeps its manifest in the KV store, a plain command checks the built
table with the environment's Python, and the deprecated ``Test`` runs the tests again with
``./bin/dbt``. The first run installs dbt (about half a minute); later runs reuse it.
"""

import json
import re
from pathlib import Path

from tests.plugins.flow_support import RunFlow, messages, states

from tiercel.wiring import local_services

# Input files are rendered: dbt's Jinja is kept from Kestra's as a Kestra flow keeps it.
PROJECT = {
    "shop/dbt_project.yml": "name: shop\nversion: '1.0'\nprofile: shop\n",
    "shop/models/customers.sql": "select 1 as id, 'ann' as name union all select 2, 'bob'",
    "shop/models/orders.sql": (
        "select id as customer_id, 10 * id as amount "
        "from {% raw %}{{ ref('customers') }}{% endraw %}"
    ),
    "shop/models/schema.yml": (
        "version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: id\n"
        "        data_tests: [unique, not_null]\n"
    ),
}
PROFILES = {
    "shop": {"target": "dev", "outputs": {"dev": {"type": "duckdb", "path": "shop.duckdb"}}}
}
CHECK = (
    "python -c \"import duckdb; print('total', "
    "duckdb.connect('shop.duckdb').sql('select sum(amount) from orders').fetchall()[0][0])\""
)


def test_a_dbt_project_builds_and_tests_with_dbt_duckdb(run_flow: RunFlow, tmp_path: Path) -> None:
    flow = {
        "id": "dbt",
        "namespace": "company.team",
        "tasks": [
            {
                "id": "wdir",
                "type": "io.kestra.plugin.core.flow.WorkingDirectory",
                "tasks": [
                    {
                        "id": "setup",
                        "type": "io.kestra.plugin.dbt.cli.Setup",
                        "requirements": ["dbt-duckdb"],
                        "profiles": PROFILES,
                        "inputFiles": PROJECT,
                    },
                    {
                        "id": "build",
                        "type": "io.kestra.plugin.dbt.cli.DbtCLI",
                        "projectDir": "shop",
                        "profiles": json.dumps(PROFILES),
                        "containerImage": "ghcr.io/kestra-io/dbt-duckdb:latest",
                        "commands": ["dbt build", CHECK],
                        "storeManifest": {"key": "manifest", "namespace": "company.team"},
                    },
                    {
                        "id": "test",
                        "type": "io.kestra.plugin.dbt.cli.Test",
                        "projectDir": "shop",
                        "select": ["customers"],
                    },
                ],
            }
        ],
    }
    finished = run_flow(json.dumps(flow))
    logged = {task: messages(finished, task) for task in ("setup", "build", "test")}
    assert states(finished) == {
        "wdir": "SUCCESS",
        "setup": "SUCCESS",
        "build": "SUCCESS",
        "test": "SUCCESS",
    }, logged

    build = logged["build"]
    # One line per node of the run, from run_results.json.
    assert _nodes(build) == [
        "model.shop.customers => success",
        "model.shop.orders => success",
        "test.shop.not_null_customers_id => pass",
        "test.shop.unique_customers_id => pass",
    ]
    # dbt's JSON events, formatted; the container image is not used, and the run says so.
    assert any("[Type: StatsLine] Done. PASS=4" in line for line in build)
    assert any("no container task runner" in line for line in build)
    assert "total 30" in build

    outputs = finished.outputs["build"]
    assert outputs["exitCode"] == 0
    assert {"manifest.json", "run_results.json"} <= set(outputs["outputFiles"])
    with local_services(tmp_path / "data") as services:
        results = json.loads(
            services.storage.read_bytes(outputs["outputFiles"]["run_results.json"])
        )
        manifest = services.kv.get("company.team", "manifest", now=services.clock())
    assert {r["status"] for r in results["results"]} == {"success", "pass"}
    assert manifest is not None
    assert "model.shop.orders" in manifest.value["nodes"]

    # The deprecated task ran ./bin/dbt, the environment Setup linked, with .profile/.
    test = logged["test"]
    assert any("/bin/dbt --log-format json test --profiles-dir" in line for line in test), test
    assert _nodes(test) == [
        "test.shop.not_null_customers_id => pass",
        "test.shop.unique_customers_id => pass",
    ]


def _nodes(lines: list[str]) -> list[str]:
    """The per-node lines, without timings and the hash dbt appends to test ids."""
    found = [line.split(" in ")[0] for line in lines if " => " in line]
    return sorted(re.sub(r"\.[0-9a-f]{10} =>", " =>", line) for line in found)


def test_a_failed_dbt_run_keeps_its_results_and_exit_code(run_flow: RunFlow) -> None:
    """What dbt leaves in target/ is read even when a command fails (a stand-in command
    writes it here, in the cached dbt environment the test above built)."""
    results = json.dumps(
        {"results": [{"unique_id": "model.shop.orders", "status": "error", "message": "boom"}]}
    )
    flow = {
        "id": "dbt_fail",
        "namespace": "company.team",
        "tasks": [
            {
                "id": "build",
                "type": "io.kestra.plugin.dbt.cli.DbtCLI",
                "profiles": json.dumps(PROFILES),
                "inputFiles": {"target/run_results.json": results},
                "commands": ["exit 3"],
            }
        ],
    }
    finished = run_flow(json.dumps(flow))
    logged = messages(finished, "build")
    assert states(finished)["build"] == "FAILED", logged
    assert "model.shop.orders => error: boom" in logged
    assert logged[-1] == "Command failed with exit code 3"
    assert "dbt manifest not found" not in " ".join(logged)
    (run,) = [run for run in finished.task_runs if run.task_id == "build"]
    assert run.outputs is not None and run.outputs["exitCode"] == 3
    assert set(run.outputs["outputFiles"]) == {"run_results.json"}
