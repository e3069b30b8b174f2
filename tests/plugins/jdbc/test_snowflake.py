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


def test_snowflake_upload_to_a_stage(tmp_path: Path, fakesnow_port: int) -> None:
    """``Upload`` PUTs a stored file on a stage, where ``LIST`` finds it. fakesnow has no
    ``GET``, so ``Download`` is checked only for failing with the server's one-line message:
    its download path is not exercised against a server here."""
    finished = run_flow(
        tmp_path,
        f"""
        id: stage
        namespace: company.team
        pluginDefaults:
          - type: io.kestra.plugin.jdbc.snowflake
            values:
              url: jdbc:snowflake://127.0.0.1:{fakesnow_port}/?account=fakesnow&ssl=off
              username: fake
              password: snow-s3cret
              database: DB1
              schema: S1
        tasks:
          - id: file
            type: io.kestra.plugin.core.storage.Write
            content: "id,name\\n1,ann\\n"
            extension: .csv
          - id: create
            type: io.kestra.plugin.jdbc.snowflake.Query
            sql: CREATE OR REPLACE STAGE landing
          - id: upload
            type: io.kestra.plugin.jdbc.snowflake.Upload
            from: "{{{{ outputs.file.uri }}}}"
            stageName: landing
            prefix: daily/2026
            fileName: people.csv
          - id: plain
            type: io.kestra.plugin.jdbc.snowflake.Upload
            from: "{{{{ outputs.file.uri }}}}"
            stageName: "@landing"
            prefix: raw
            fileName: people.csv
            compress: false
          - id: list
            type: io.kestra.plugin.jdbc.snowflake.Query
            sql: LIST @landing
            fetchType: FETCH
          - id: download
            type: io.kestra.plugin.jdbc.snowflake.Download
            stageName: landing
            fileName: raw/people.csv
        """,
    )
    assert state_of(finished, "upload") == "SUCCESS", messages(finished)
    assert outputs(finished, "upload")["uri"] == "daily/2026/people.csv.gz"
    assert outputs(finished, "plain")["uri"] == "raw/people.csv"
    names = sorted(str(row["name"]) for row in outputs(finished, "list")["rows"])
    assert names == ["landing/daily/2026/people.csv.gz", "landing/raw/people.csv"]
    assert state_of(finished, "download") == "FAILED"
    failure = messages(finished, "download")[-1]
    assert "\n" not in failure and "snow-s3cret" not in failure
