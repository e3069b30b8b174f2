"""SQLite and DuckDB tasks, in process, through real YAML flows."""

import sqlite3
from pathlib import Path

import duckdb
from tests.plugins.fs.fs_support import FakeTriggerContext, load_trigger
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.runtime.services import Finished, Services
from tiercel.sdk import PollingTrigger


def test_sqlite_queries_store_and_output_db_file(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["rows"] = stored_rows(services, outputs(finished, "read")["uri"])
        database = tmp_path / "copy.sqlite"
        database.write_bytes(services.storage.read_bytes(outputs(finished, "write")["databaseUri"]))
        seen["copy"] = sqlite3.connect(database).execute("SELECT count(*) FROM t").fetchone()

    finished = run_flow(
        tmp_path,
        """
        id: lite
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.jdbc.sqlite.Queries
            url: jdbc:sqlite:lite.db
            outputDbFile: true
            fetchType: FETCH_ONE
            sql: |
              CREATE TABLE t (id INTEGER, name TEXT, raw BLOB, price REAL);
              INSERT INTO t VALUES (1, 'a', x'00ff', 1.5), (2, NULL, NULL, NULL);
              SELECT count(*) AS n FROM t;
          - id: read
            type: io.kestra.plugin.jdbc.sqlite.Query
            sqliteFile: "{{ outputs.write.databaseUri }}"
            sql: SELECT * FROM t WHERE id >= :low ORDER BY id
            parameters:
              low: 1
            fetchType: STORE
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert outputs(finished, "write")["outputs"] == [{"row": {"n": 2}, "size": 1}]
    assert seen["copy"] == (2,)
    assert seen["rows"] == [
        {"id": 1, "name": "a", "raw": b"\x00\xff", "price": 1.5},
        {"id": 2, "name": None, "raw": None, "price": None},
    ]


def test_sqlite_bad_sql_fails_with_sqlite_message(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: lite
        namespace: company.team
        tasks:
          - id: bad
            type: io.kestra.plugin.jdbc.sqlite.Query
            sql: SELECT * FROM nowhere
        """,
    )
    assert state_of(finished, "bad") == "FAILED"
    assert "no such table: nowhere" in messages(finished, "bad")


def test_duckdb_reads_input_files_and_writes_output_files(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        uri = outputs(finished, "query")["outputFiles"]["out"]
        seen["csv"] = services.storage.read_bytes(uri).decode()

    finished = run_flow(
        tmp_path,
        """
        id: duck
        namespace: company.team
        tasks:
          - id: query
            type: io.kestra.plugin.jdbc.duckdb.Query
            timeZoneId: Europe/Paris
            inputFiles:
              data.csv: |
                id,name,at
                1,a,2024-01-01 10:00:00
                2,b,2024-01-02 10:00:00
            outputFiles:
              - out
            sql: |
              COPY (SELECT id * 10 AS id, upper(name) AS name FROM read_csv_auto('data.csv')
                    ORDER BY id) TO '{{ outputFiles.out }}' (HEADER, DELIMITER ',');
          - id: fetch
            type: io.kestra.plugin.jdbc.duckdb.Query
            sql: |
              SELECT 1 AS i, 12.50::DECIMAL(10,2) AS d, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz,
                     TIMESTAMP '2024-01-01 00:00:00' AS ts, DATE '2024-01-01' AS day,
                     [1, 2] AS list, {'k': 'v'} AS struct, NULL AS nothing
            timeZoneId: Europe/Paris
            fetchType: FETCH
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert seen["csv"] == "id,name\n10,A\n20,B\n"
    assert outputs(finished, "fetch") == {
        "rows": [
            {
                "i": 1,
                "d": 12.5,
                "tz": "2024-01-01T01:00:00+01:00",
                "ts": "2024-01-01T00:00:00",
                "day": "2024-01-01",
                "list": [1, 2],
                "struct": {"k": "v"},
                "nothing": None,
            }
        ],
        "size": 1,
    }


def test_duckdb_trigger_polls_a_database_file(tmp_path: Path) -> None:
    database = tmp_path / "events.duckdb"
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE TABLE events AS SELECT 7 AS id")
    trigger = load_trigger(
        {
            "type": "io.kestra.plugin.jdbc.duckdb.Trigger",
            "url": f"jdbc:duckdb:{database}",
            "sql": "SELECT id FROM events",
            "fetchType": "FETCH_ONE",
        }
    )
    assert isinstance(trigger, PollingTrigger)
    (emission,) = trigger.evaluate(FakeTriggerContext(roots=[]))
    assert emission.variables == {"row": {"id": 7}, "size": 1}
