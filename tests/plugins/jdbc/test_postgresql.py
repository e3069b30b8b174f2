"""PostgreSQL tasks on a real PostgreSQL server, through real YAML flows."""

from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from pydantic import ValidationError
from tests.plugins.fs.fs_support import FakeTriggerContext, load_trigger
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.plugins.jdbc.postgresql import ion_copy
from tiercel.plugins.jdbc.values import IonRows, Mapper
from tiercel.runtime.services import Finished, Services
from tiercel.sdk import PollingTrigger, ion

TYPES_TABLE = """
CREATE TABLE types (
  id int, label text, amount numeric(10, 2), ratio double precision, flag boolean,
  at_zone timestamptz, at_local timestamp, day date, moment time, doc jsonb,
  tags text[], raw bytea, gap interval, nothing text
);
INSERT INTO types VALUES (
  1, 'a "quoted" label', 12.50, 0.25, true, '2024-03-01 10:00:00+00', '2024-03-01 10:00:00',
  '2024-03-01', '13:14:15', '{"k": [1, "v"]}', ARRAY['x', 'y'], '\\x00ff', '1 day 02:00:00',
  NULL
);
"""


def _seed(conninfo: str, sql: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def test_query_fetch_one_maps_kestra_types(tmp_path: Path, pg_jdbc: tuple[str, str]) -> None:
    url, conninfo = pg_jdbc
    _seed(conninfo, TYPES_TABLE)
    finished = run_flow(
        tmp_path,
        f"""
        id: pg
        namespace: company.team
        tasks:
          - id: one
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: {url}
            username: postgres
            timeZoneId: Europe/Paris
            sql: SELECT * FROM types
            fetchType: FETCH_ONE
        """,
    )
    assert state_of(finished, "one") == "SUCCESS", messages(finished)
    row = outputs(finished, "one")["row"]
    assert outputs(finished, "one")["size"] == 1
    assert row == {
        "id": 1,
        "label": 'a "quoted" label',
        "amount": 12.5,
        "ratio": 0.25,
        "flag": True,
        "at_zone": "2024-03-01T11:00:00+01:00",
        "at_local": "2024-03-01T10:00:00",
        "day": "2024-03-01",
        "moment": "13:14:15",
        "doc": {"k": [1, "v"]},
        "tags": ["x", "y"],
        "raw": "AP8=",
        "gap": "P1DT2H",
        "nothing": None,
    }


def test_store_writes_an_ion_file_and_the_seed_alias_runs(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, conninfo = pg_jdbc
    _seed(conninfo, TYPES_TABLE + "INSERT INTO types (id) SELECT g FROM generate_series(2, 25) g;")
    seen: dict[str, list[object]] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["rows"] = stored_rows(services, outputs(finished, "store")["uri"])

    finished = run_flow(
        tmp_path,
        f"""
        id: pg
        namespace: company.team
        tasks:
          - id: store
            type: io.kestra.plugin.jdbc.postgres.Query
            url: {url}
            username: postgres
            timeZoneId: UTC
            sql: SELECT * FROM types WHERE id >= :low ORDER BY id
            parameters:
              low: 1
            fetchType: STORE
            fetchSize: 7
        """,
        check,
    )
    assert state_of(finished, "store") == "SUCCESS", messages(finished)
    assert outputs(finished, "store")["size"] == 25
    rows = seen["rows"]
    assert len(rows) == 25
    first = rows[0]
    assert isinstance(first, dict)
    assert str(first["amount"]) == "12.50"
    assert first["at_zone"] == "2024-03-01T10:00:00Z"
    assert first["raw"] == b"\x00\xff"
    assert first["doc"] == {"k": [1, "v"]}
    assert rows[24] == {**dict.fromkeys(first), "id": 25}


def test_bad_sql_and_bad_credentials_fail_on_one_line_without_the_password(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, _ = pg_jdbc
    finished = run_flow(
        tmp_path,
        f"""
        id: pg
        namespace: company.team
        tasks:
          - id: parallel
            type: io.kestra.plugin.core.flow.Parallel
            tasks:
              - id: bad_sql
                type: io.kestra.plugin.jdbc.postgresql.Query
                url: {url}
                username: postgres
                password: s3cr3t-pw
                sql: SELECT * FROM missing_table
              - id: bad_user
                type: io.kestra.plugin.jdbc.postgresql.Query
                url: {url}
                username: nobody
                password: s3cr3t-pw
                sql: SELECT 1
              - id: bad_url
                type: io.kestra.plugin.jdbc.postgresql.Query
                url: jdbc:mysql://localhost/x?password=s3cr3t-pw
                sql: SELECT 1
              - id: two
                type: io.kestra.plugin.jdbc.postgresql.Query
                url: {url}
                username: postgres
                sql: SELECT 1; SELECT 2
        """,
    )
    logged = messages(finished)
    assert all("s3cr3t-pw" not in line for line in logged)
    assert state_of(finished, "bad_sql") == "FAILED"
    assert 'relation "missing_table" does not exist' in logged
    assert any('role "nobody" does not exist' in line and "\n" not in line for line in logged)
    assert "URL scheme is invalid. URL should start with `jdbc:postgresql`" in logged
    assert any("Use the Queries task" in line for line in messages(finished, "two"))


def test_queries_batch_copy_out_and_copy_in_in_one_flow(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, _ = pg_jdbc
    finished = run_flow(
        tmp_path,
        f"""
        id: pg_pipeline
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.jdbc.postgresql
            values:
              url: {url}
              username: postgres
        tasks:
          - id: setup
            type: io.kestra.plugin.jdbc.postgresql.Queries
            fetchType: FETCH
            sql: |
              CREATE TABLE src (id int, name text, doc jsonb, at timestamptz);
              INSERT INTO src VALUES (1, 'one; two', '{{"a": 1}}', '2024-01-01T00:00:00Z'),
                                     (2, 'it''s', NULL, NULL);
              CREATE TABLE dst (LIKE src);
              CREATE TABLE copied (LIKE src);
              SELECT id, name FROM src ORDER BY id;
              SELECT count(*) AS n FROM src;
          - id: export
            type: io.kestra.plugin.jdbc.postgresql.Query
            sql: SELECT * FROM src ORDER BY id
            fetchType: STORE
          - id: load
            type: io.kestra.plugin.jdbc.postgresql.Batch
            from: "{{{{ outputs.export.uri }}}}"
            table: dst
            chunk: 1
          - id: out
            type: io.kestra.plugin.jdbc.postgresql.CopyOut
            table: dst
            format: CSV
            header: true
          - id: in
            type: io.kestra.plugin.jdbc.postgresql.CopyIn
            from: "{{{{ outputs.out.uri }}}}"
            table: copied
            format: CSV
            header: true
          - id: check
            type: io.kestra.plugin.jdbc.postgresql.Query
            sql: SELECT count(*) AS n, max(name) AS name FROM copied WHERE doc->>'a' = '1'
            fetchType: FETCH_ONE
        """,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    results = outputs(finished, "setup")["outputs"]
    assert results == [
        {"rows": [{"id": 1, "name": "one; two"}, {"id": 2, "name": "it's"}], "size": 2},
        {"rows": [{"n": 2}], "size": 1},
    ]
    assert outputs(finished, "load") == {"rowCount": 2, "updatedCount": 2}
    assert outputs(finished, "out")["rowCount"] == 2
    assert outputs(finished, "in") == {"rowCount": 2}
    assert outputs(finished, "check")["row"] == {"n": 1, "name": "one; two"}


def test_queries_roll_back_every_statement_when_one_fails(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, conninfo = pg_jdbc
    _seed(conninfo, "CREATE TABLE t (id int primary key)")
    finished = run_flow(
        tmp_path,
        f"""
        id: pg_tx
        namespace: company.team
        tasks:
          - id: tx
            type: io.kestra.plugin.jdbc.postgresql.Queries
            url: {url}
            username: postgres
            sql: INSERT INTO t VALUES (1); INSERT INTO t VALUES (1);
        """,
    )
    assert state_of(finished, "tx") == "FAILED"
    assert any("duplicate key value violates unique constraint" in m for m in messages(finished))
    with psycopg.connect(conninfo) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_trigger_fires_with_rows_and_runs_after_sql(pg_jdbc: tuple[str, str]) -> None:
    url, conninfo = pg_jdbc
    _seed(
        conninfo,
        "CREATE TABLE jobs (id int, done boolean default false);"
        "INSERT INTO jobs (id) VALUES (1), (2);",
    )
    trigger = load_trigger(
        {
            "type": "io.kestra.plugin.jdbc.postgresql.Trigger",
            "url": url,
            "username": "postgres",
            "sql": "SELECT id FROM jobs WHERE NOT done ORDER BY id",
            "afterSQL": "UPDATE jobs SET done = true",
            "interval": "PT30S",
        }
    )
    assert isinstance(trigger, PollingTrigger)
    context = FakeTriggerContext(roots=[])
    (emission,) = trigger.evaluate(context)
    assert emission.variables == {"rows": [{"id": 1}, {"id": 2}], "size": 2}
    assert trigger.evaluate(context) == []


def test_a_trigger_that_would_never_fire_is_refused() -> None:
    with pytest.raises(ValidationError, match="fetchType NONE is not valid for triggers"):
        load_trigger(
            {
                "type": "io.kestra.plugin.jdbc.postgresql.Trigger",
                "url": "jdbc:postgresql://localhost/x",
                "sql": "SELECT 1",
                "fetchType": "NONE",
            }
        )


def test_the_server_side_ion_writer_matches_the_python_one(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    _, conninfo = pg_jdbc
    _seed(
        conninfo,
        TYPES_TABLE
        + "INSERT INTO types (id, ratio, amount, label) VALUES (2, 'NaN', 3, E'tab\\there');",
    )
    sql = "SELECT *, ARRAY[1.5, 2] AS numbers, 1e300::float8 AS huge FROM types ORDER BY id"
    fast = tmp_path / "fast.ion"
    with psycopg.connect(conninfo) as conn:
        assert ion_copy.store(conn, sql, None, "Europe/Paris", fast) == 2
        with conn.cursor(name="slow") as cursor:
            cursor.execute(sql)
            writer = IonRows([c.name for c in cursor.description], Mapper(ZoneInfo("Europe/Paris")))
            slow = "".join(writer.line(row) for row in cursor.fetchall())
    fast_values = [ion.loads(line) for line in fast.read_text().splitlines()]
    slow_values = [ion.loads(line) for line in slow.splitlines()]
    assert len(fast_values) == 2
    for fast_row, slow_row in zip(fast_values, slow_values, strict=True):
        for key in ("ratio", "huge"):  # NaN is not equal to itself
            assert str(fast_row.pop(key)) == str(slow_row.pop(key))
        assert fast_row == slow_row


def test_a_timed_out_query_is_cancelled_on_the_server(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, conninfo = pg_jdbc
    finished = run_flow(
        tmp_path,
        f"""
        id: pg_slow
        namespace: company.team
        tasks:
          - id: slow
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: {url}
            username: postgres
            timeout: PT1S
            sql: SELECT pg_sleep(600)
        """,
    )
    assert state_of(finished, "slow") in ("FAILED", "KILLED")
    with psycopg.connect(conninfo) as conn:
        running = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)'"
            " AND state = 'active'"
        ).fetchone()
    assert running == (0,)
