"""MySQL tasks on a real MariaDB server (Debian's), through real YAML flows."""

from pathlib import Path

import pymysql
from tests.plugins.jdbc.conftest import MARIADB_PASSWORD
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.runtime.services import Finished, Services


def test_mysql_tasks_end_to_end(tmp_path: Path, mariadb_port: int) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["rows"] = stored_rows(services, outputs(finished, "store")["uri"])

    finished = run_flow(
        tmp_path,
        f"""
        id: maria
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.jdbc.mysql
            values:
              url: jdbc:mysql://127.0.0.1:{mariadb_port}/kestra
              username: kestra
              password: {MARIADB_PASSWORD}
              timeZoneId: Europe/Paris
        tasks:
          - id: setup
            type: io.kestra.plugin.jdbc.mysql.Queries
            sql: |
              DROP TABLE IF EXISTS items;
              CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8, 2),
                at_local DATETIME, at_instant TIMESTAMP NULL, day DATE, doc JSON, raw BLOB);
              INSERT INTO items VALUES (1, 'pen', 1.25, '2024-01-01 10:00:00',
                '2024-01-01 10:00:00', '2024-01-01', '{{"a": 1}}', x'00ff');
              CREATE TABLE copy_items LIKE items;
          - id: store
            type: io.kestra.plugin.jdbc.mysql.Query
            sql: SELECT * FROM items WHERE id = :id
            parameters:
              id: 1
            fetchType: STORE
          - id: batch
            type: io.kestra.plugin.jdbc.mysql.Batch
            from: "{{{{ outputs.store.uri }}}}"
            sql: INSERT INTO copy_items (id, name, price) VALUES (?, ?, ?)
            columns: [id, name, price]
          - id: one
            type: io.kestra.plugin.jdbc.mysql.Query
            sql: SELECT i.*, c.price AS copied FROM items i JOIN copy_items c USING (id)
            fetchType: FETCH_ONE
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert outputs(finished, "batch") == {"rowCount": 1, "updatedCount": 1}
    row = outputs(finished, "one")["row"]
    assert row == {
        "id": 1,
        "name": "pen",
        "price": 1.25,
        "at_local": "2024-01-01T10:00:00",
        "at_instant": "2024-01-01T11:00:00+01:00",
        "day": "2024-01-01",
        "doc": '{"a": 1}',
        "raw": "AP8=",
        "copied": 1.25,
    }
    (stored,) = seen["rows"]  # type: ignore[misc]
    assert str(stored["price"]) == "1.25"
    assert stored["raw"] == b"\x00\xff"


def test_mysql_errors_are_the_servers_on_one_line(tmp_path: Path, mariadb_port: int) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: maria
        namespace: company.team
        tasks:
          - id: bad_password
            type: io.kestra.plugin.jdbc.mysql.Query
            url: jdbc:mysql://127.0.0.1:{mariadb_port}/kestra
            username: kestra
            password: wrong-{MARIADB_PASSWORD}
            sql: SELECT 1
            allowFailure: true
          - id: bad_sql
            type: io.kestra.plugin.jdbc.mysql.Query
            url: jdbc:mysql://127.0.0.1:{mariadb_port}/kestra
            username: kestra
            password: {MARIADB_PASSWORD}
            sql: SELECT * FROM no_such_table
        """,
    )
    logged = messages(finished)
    assert all(MARIADB_PASSWORD not in line for line in logged)
    assert state_of(finished, "bad_sql") == "FAILED"
    assert any(line.startswith("1045 Access denied for user 'kestra'") for line in logged), logged
    assert "1146 Table 'kestra.no_such_table' doesn't exist" in logged
    assert pymysql  # the driver the tasks use is installed
