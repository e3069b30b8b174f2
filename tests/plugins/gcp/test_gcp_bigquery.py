"""The BigQuery tasks in real flows against PyPI's bqemulator (see ``bigquery_emulator``).

What the emulator lacks, and so what these tests leave unchecked: a query's destination
table is never written (the job succeeds and the table does not exist), a CSV load skips the
first line even when ``skipLeadingRows`` is unset (the files here start with a header and set
it to 1), table metadata reports no rows, integers are INT64 in table schemas, ``gs://``
URIs name a local folder, an extract into a folder that does not exist hangs the job, a job's
configuration (partitioning, clustering, timeouts...) is not kept, and neither are a dataset's
access list nor a table's expiry.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bigquery_emulator import BigQueryEmulator, start
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from tests.plugins import cloud_flows
from tests.plugins.cloud_flows import (
    TriggerProbe,
    all_logs,
    errors,
    load_trigger,
    outputs,
    run,
    stored,
    unique,
    write,
)

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.load import Load
from tiercel.plugins.gcp.bigquery.query import Query
from tiercel.sdk.ion import loads
from tiercel.sdk.testing import TestRunContext, make_task


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigQueryEmulator]:
    yield from start(Path(tmp_path_factory.mktemp("bq")))


@pytest.fixture(scope="module")
def client(emulator: BigQueryEmulator) -> Any:
    return bigquery.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": emulator.endpoint},
    )


@pytest.fixture
def dataset(client: Any) -> str:
    name = unique("ds").replace("-", "_")
    client.create_dataset(name)
    return name


def bq(task_id: str, type_name: str, emulator: BigQueryEmulator, body: str) -> str:
    connection = f"endpoint: {emulator.endpoint}\nprojectId: test\n"
    return cloud_flows.task(task_id, f"io.kestra.plugin.gcp.bigquery.{type_name}", connection, body)


PEOPLE = """\
tableDefinition:
  type: TABLE
  schema:
    fields:
      - {name: id, type: INT64, mode: REQUIRED}
      - {name: name, type: STRING}
      - {name: born, type: DATE}
"""


def test_create_insert_and_fetch_rows_every_way(
    tmp_path: Path, emulator: BigQueryEmulator, client: Any
) -> None:
    name = unique("ds").replace("-", "_")
    finished = run(
        tmp_path,
        bq("dataset", "CreateDataset", emulator, f"name: {name}\ndescription: people\n"),
        bq("table", "CreateTable", emulator, f"dataset: {name}\ntable: people\n{PEOPLE}"),
        bq(
            "insert",
            "Query",
            emulator,
            f"sql: |\n  INSERT INTO {name}.people (id, name, born)\n"
            "  VALUES (1, 'Ada', DATE '1815-12-10'), (2, 'Alan', NULL)\n",
        ),
        bq(
            "all", "Query", emulator, f"fetch: true\nsql: SELECT * FROM {name}.people ORDER BY id\n"
        ),
        bq(
            "one",
            "Query",
            emulator,
            f"fetchType: FETCH_ONE\ndefaultDataset: {name}\n"
            "sql: SELECT name FROM people WHERE id = 2\n",
        ),
        bq("stored", "Query", emulator, f"store: true\nsql: SELECT id FROM {name}.people\n"),
        bq(
            "legacy",
            "Query",
            emulator,
            f"legacySql: true\nfetch: true\n"
            f"sql: 'SELECT id FROM [test:{name}.people] ORDER BY id'\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    created = outputs(finished, "dataset")
    assert (created["dataset"], created["project"], created["description"]) == (
        name,
        "test",
        "people",
    )
    table = outputs(finished, "table")
    assert (table["datasetId"], table["table"]) == (name, "people")
    fields = table["definition"]["schema"]["fields"]
    # BigQuery names the integer type INTEGER in table metadata, the emulator INT64.
    assert [(f["name"], f["type"], f["mode"]) for f in fields] == [
        ("id", fields[0]["type"], "REQUIRED"),
        ("name", "STRING", "NULLABLE"),
        ("born", "DATE", "NULLABLE"),
    ]
    assert fields[0]["type"] in ("INTEGER", "INT64")
    fetched = outputs(finished, "all")
    assert fetched["size"] == 2 and fetched["jobId"]
    assert fetched["rows"] == [
        {"id": 1, "name": "Ada", "born": "1815-12-10"},
        {"id": 2, "name": "Alan", "born": None},
    ]
    assert outputs(finished, "one")["row"] == {"name": "Alan"}
    kept = outputs(finished, "stored")
    assert kept["size"] == 2
    rows = [loads(line) for line in stored(tmp_path, kept["uri"]).decode().splitlines()]
    assert sorted(row["id"] for row in rows) == [1, 2]
    assert outputs(finished, "legacy")["rows"] == [{"id": 1}, {"id": 2}]
    assert [row["id"] for row in client.query(f"SELECT id FROM {name}.people").result()]


def test_bad_sql_and_conflicting_fetch_flags_fail_in_one_line(
    tmp_path: Path, emulator: BigQueryEmulator, dataset: str
) -> None:
    finished = run(
        tmp_path,
        bq("bad", "Query", emulator, "sql: SELEC 1\n"),
    )
    (message,) = errors(finished, "bad")
    assert message.startswith("Unable to run the query: 400 Syntax error")
    assert "\n" not in message
    finished = run(
        tmp_path / "2",
        bq("both", "Query", emulator, "sql: SELECT 1\nfetch: true\nstore: true\n"),
    )
    assert errors(finished, "both") == ["Only one of 'fetch', 'fetchOne' and 'store' can be true"]


def test_dataset_conflicts_follow_if_exists_and_missing_tables_fail(
    tmp_path: Path, emulator: BigQueryEmulator, dataset: str
) -> None:
    finished = run(
        tmp_path,
        bq("again", "CreateDataset", emulator, f"name: {dataset}\n"),
    )
    assert errors(finished, "again") == [
        f"Dataset '{dataset}' already exists and ifExists policy is set to ERROR"
    ]
    finished = run(
        tmp_path / "2",
        bq("skip", "CreateDataset", emulator, f"name: {dataset}\nifExists: SKIP\n"),
        bq("drop", "DeleteTable", emulator, f"dataset: {dataset}\ntable: absent\n"),
    )
    assert outputs(finished, "skip")["dataset"] == dataset
    (message,) = errors(finished, "drop")
    assert message.startswith(f"Unable to delete the table '{dataset}.absent': 404 ")


def test_load_a_file_then_delete_the_table(
    tmp_path: Path, emulator: BigQueryEmulator, client: Any, dataset: str
) -> None:
    finished = run(
        tmp_path,
        write("file", "id,name\\n3,Grace\\n4,Edsger\\n"),
        bq(
            "load",
            "Load",
            emulator,
            f"""\
            from: "{{{{ outputs.file.uri }}}}"
            destinationTable: {dataset}.loaded
            format: CSV
            csvOptions: {{skipLeadingRows: 1}}
            schema:
              fields: [{{name: id, type: INT64}}, {{name: name, type: STRING}}]
            """,
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    loaded = outputs(finished, "load")
    assert loaded["rows"] == 2
    assert loaded["destinationTable"] == f"test.{dataset}.loaded"  # a string in Kestra
    rows = client.query(f"SELECT id, name FROM {dataset}.loaded ORDER BY id").result()
    assert [dict(row) for row in rows] == [{"id": 3, "name": "Grace"}, {"id": 4, "name": "Edsger"}]
    finished = run(
        tmp_path / "2", bq("drop", "DeleteTable", emulator, f"dataset: {dataset}\ntable: loaded\n")
    )
    assert outputs(finished, "drop") == {
        "projectId": "test",
        "datasetId": dataset,
        "table": "loaded",
    }
    assert [t.table_id for t in client.list_tables(dataset)] == []


def test_load_from_and_extract_to_gcs(
    tmp_path: Path, emulator: BigQueryEmulator, client: Any, dataset: str
) -> None:
    source = emulator.gcs_root / "lake" / "in"
    source.mkdir(parents=True)
    # The emulator writes an extract into an existing folder only (it hangs otherwise).
    (emulator.gcs_root / "lake" / "out").mkdir()
    (source / "people.json").write_text(
        "\n".join(json.dumps(row) for row in ({"id": 7, "name": "Hedy"}, {"id": 8, "name": "Joan"}))
        + "\n"
    )
    finished = run(
        tmp_path,
        bq(
            "load",
            "LoadFromGcs",
            emulator,
            f"""\
            from: [gs://lake/in/people.json]
            destinationTable: {dataset}.people
            format: JSON
            schema:
              fields: [{{name: id, type: INT64}}, {{name: name, type: STRING}}]
            """,
        ),
        bq(
            "extract",
            "ExtractToGcs",
            emulator,
            f"sourceTable: {dataset}.people\ndestinationUris: [gs://lake/out/people.csv]\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "load")["rows"] == 2
    extracted = outputs(finished, "extract")
    assert extracted["destinationUris"] == ["gs://lake/out/people.csv"]
    assert extracted["sourceTable"] == "people"  # Kestra names the table alone
    lines = (emulator.gcs_root / "lake/out/people.csv").read_text().split()
    assert sorted(lines[1:]) == ["7,Hedy", "8,Joan"]


def test_the_trigger_fires_only_when_the_query_returns_rows(
    emulator: BigQueryEmulator, client: Any, dataset: str
) -> None:
    client.query(f"CREATE TABLE {dataset}.events (id INT64)").result()
    watch = load_trigger(
        {
            "type": "io.kestra.plugin.gcp.bigquery.Trigger",
            "endpoint": emulator.endpoint,
            "projectId": "test",
            "sql": f"SELECT id FROM {dataset}.events ORDER BY id",
            "fetchType": "FETCH",
        }
    )
    probe = TriggerProbe()
    assert watch.evaluate(probe) == []
    client.query(f"INSERT INTO {dataset}.events (id) VALUES (1), (2)").result()
    (emission,) = watch.evaluate(probe)
    assert emission.variables["rows"] == [{"id": 1}, {"id": 2}]
    assert emission.variables["size"] == 2 and emission.variables["jobId"]


def test_an_empty_file_fails_a_load_unless_told_otherwise(
    tmp_path: Path, emulator: BigQueryEmulator, dataset: str
) -> None:
    load = f"from: kestra:///company/team/empty.csv\ndestinationTable: {dataset}.never\n"
    finished = run(
        tmp_path,
        bq("strict", "Load", emulator, load + "format: CSV\n"),
        files={"kestra:///company/team/empty.csv": b""},
    )
    (message,) = errors(finished, "strict")
    assert message == "Can't load kestra:///company/team/empty.csv: the file is empty"
    finished = run(
        tmp_path / "2",
        bq("lenient", "Load", emulator, load + "format: CSV\nfailedOnEmpty: false\n"),
        files={"kestra:///company/team/empty.csv": b""},
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "lenient") == {"rows": 0}


def test_query_layout_and_limits_run_against_the_emulator(
    tmp_path: Path, emulator: BigQueryEmulator, dataset: str
) -> None:
    # The emulator ignores a job's destination and layout (see the module docstring): this
    # checks that the job runs with every property set; the next test checks what is sent.
    finished = run(
        tmp_path,
        bq(
            "query",
            "Query",
            emulator,
            f"""            sql: SELECT 1 AS n UNION ALL SELECT 2 AS n
            fetchType: FETCH
            destinationTable: {dataset}.numbers
            writeDisposition: WRITE_APPEND
            createDisposition: CREATE_IF_NEEDED
            schemaUpdateOptions: [ALLOW_FIELD_ADDITION]
            rangePartitioningField: n
            rangePartitioningStart: 0
            rangePartitioningEnd: 10
            rangePartitioningInterval: 2
            clusteringFields: [n]
            jobTimeout: PT1M
            maxResults: 1
            flattenResults: true
            """,
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    fetched = outputs(finished, "query")
    assert sorted(row["n"] for row in fetched["rows"]) == [1, 2], "every page is read"


def test_query_and_load_properties_reach_the_job_configuration(
    emulator: BigQueryEmulator,
) -> None:
    # The SDK's own job configurations, built as the tasks build them (no request is sent).
    ctx = TestRunContext()
    env = Env.of_task(ctx)
    connection = {"endpoint": emulator.endpoint, "projectId": "test"}
    query = make_task(
        Query,
        connection,
        sql="SELECT 1",
        legacySql=True,
        timePartitioningField="day",
        timePartitioningType="MONTH",
        schemaUpdateOptions=["ALLOW_FIELD_RELAXATION"],
        rangePartitioningField="n",
        rangePartitioningStart=0,
        rangePartitioningEnd=100,
        rangePartitioningInterval=10,
        jobTimeout="PT2M",
        maximumBillingTier=3,
        flattenResults=False,
    )
    config = query._config(env, query.bigquery(env))
    assert config.use_legacy_sql is True, "useLegacySql unset: legacySql decides"
    assert (config.time_partitioning.type_, config.time_partitioning.field) == ("MONTH", "day")
    assert config.schema_update_options == ["ALLOW_FIELD_RELAXATION"]
    ranges = config.range_partitioning
    assert (ranges.field, ranges.range_.start, ranges.range_.end, ranges.range_.interval) == (
        "n",
        0,
        100,
        10,
    )
    # The API carries int64 values as strings.
    assert (int(config.job_timeout_ms), config.maximum_billing_tier) == (120_000, 3)
    assert config.flatten_results is False
    explicit = make_task(Query, connection, sql="SELECT 1", legacySql=True, useLegacySql=False)
    assert explicit._config(env, explicit.bigquery(env)).use_legacy_sql is False

    load = make_task(
        Load,
        connection,
        **{"from": "kestra:///x.avro"},
        destinationTable="d.t",
        format="AVRO",
        avroOptions={"useAvroLogicalTypes": True},
        timePartitioningField="ts",
        clusteringFields=["a", "b"],
    )
    job = load.job_config(env, load.bigquery(env))
    assert job.source_format == "AVRO" and job.use_avro_logical_types is True
    assert (job.time_partitioning.type_, job.time_partitioning.field) == ("DAY", "ts")
    assert job.clustering_fields == ["a", "b"]


def test_dataset_access_and_table_lifetime(
    tmp_path: Path, emulator: BigQueryEmulator, client: Any
) -> None:
    name = unique("ds").replace("-", "_")
    finished = run(
        tmp_path,
        bq(
            "dataset",
            "CreateDataset",
            emulator,
            f"""\
            name: {name}
            defaultPartitionExpirationMs: 86400000
            acl:
              - entity: {{type: USER, value: ada@example.com}}
                role: READER
            """,
        ),
        bq(
            "table",
            "CreateTable",
            emulator,
            f"dataset: {name}\ntable: brief\nexpirationDuration: P1D\n"
            f"requirePartitionFilter: false\n{PEOPLE}",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "dataset")["dataset"] == name
    # The emulator accepts but keeps neither the access list nor the table's expiry: this
    # checks that they are sent in a form the API takes.
    assert outputs(finished, "table")["table"] == "brief"


def test_a_retryable_job_error_starts_the_job_again_as_retry_auto_allows(
    tmp_path: Path, emulator: BigQueryEmulator
) -> None:
    # The emulator fails no job for a transient reason: a syntax error counts as retryable
    # here because retryMessages names it.
    finished = run(
        tmp_path,
        bq(
            "flaky",
            "Query",
            emulator,
            """\
            sql: SELEC 1
            retryMessages: [syntax error]
            retryAuto: {type: constant, interval: PT0.1S, maxAttempts: 3}
            """,
        ),
    )
    (message,) = errors(finished, "flaky")
    assert message.startswith("Unable to run the query: 400 Syntax error")
    retries = [line for line in all_logs(finished).splitlines() if "retryable error" in line]
    assert len(retries) == 2, retries  # three attempts in all
    assert "attempt 2 (retrying in 0.1 s)" in retries[1]
