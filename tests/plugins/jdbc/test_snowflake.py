"""Snowflake tasks against fakesnow, a stand-in server (Snowflake itself cannot run here):
the real connector talks HTTP to it, and fakesnow answers through DuckDB."""

from pathlib import Path

from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.runtime.services import Finished, Services


def test_snowflake_queries_and_store(tmp_path: Path, fakesnow_port: int) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["rows"] = stored_rows(services, outputs(finished, "store")["uri"])

    finished = run_flow(
        tmp_path,
        f"""
        id: snow
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.jdbc.snowflake
            values:
              url: jdbc:snowflake://127.0.0.1:{fakesnow_port}/?account=fakesnow&ssl=off
              username: fake
              password: snow-s3cret
              database: DB1
              schema: S1
              warehouse: WH
        tasks:
          - id: setup
            type: io.kestra.plugin.jdbc.snowflake.Queries
            fetchType: FETCH_ONE
            sql: |
              CREATE OR REPLACE TABLE orders (id INT, amount NUMBER(10, 2), doc VARIANT);
              INSERT INTO orders SELECT 1, 9.99, parse_json('{{"k": 1}}');
              SELECT count(*) AS n FROM orders;
          - id: store
            type: io.kestra.plugin.jdbc.snowflake.Query
            sql: SELECT id, amount FROM orders WHERE id = :id
            parameters:
              id: 1
            fetchType: STORE
          - id: bad
            type: io.kestra.plugin.jdbc.snowflake.Query
            sql: SELECT * FROM missing_table
        """,
        check,
    )
    assert state_of(finished, "setup") == "SUCCESS", messages(finished)
    assert outputs(finished, "setup")["outputs"] == [{"row": {"N": 1}, "size": 1}]
    assert state_of(finished, "store") == "SUCCESS", messages(finished)
    assert outputs(finished, "store")["size"] == 1
    (row,) = seen["rows"]  # type: ignore[misc]
    assert row["ID"] == 1 and str(row["AMOUNT"]) == "9.99"
    assert state_of(finished, "bad") == "FAILED"
    failure = messages(finished, "bad")[-1]
    assert "MISSING_TABLE" in failure.upper() and "\n" not in failure
    assert all("snow-s3cret" not in line for line in messages(finished))
