"""PostgreSQL tasks on a real PostgreSQL server, through real YAML flows."""

from pathlib import Path

import psycopg
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.runtime.services import Finished, Services

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
