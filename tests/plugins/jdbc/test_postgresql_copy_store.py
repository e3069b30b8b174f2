"""PostgreSQL ``STORE``'s two ways of writing Ion, on a real server: ``copy_store`` (the
client converts COPY's CSV a column at a time with pyarrow) must write the very bytes of
``ion_copy`` (the server writes each line), for every type and its edge values."""

from pathlib import Path

import psycopg
import pytest
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.plugins.jdbc.postgresql import copy_store, ion_copy
from tiercel.runtime.services import Finished, Services
from tiercel.sdk import ion, ion_columns

EDGE_TABLE = r"""
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE edge (
  id int, small smallint, big bigint, label text, code varchar(10), short char(5),
  letter "char", ident name, amount numeric, ratio float8, single float4, flag boolean,
  at_zone timestamptz, at_local timestamp, day date, moment time, moment_zone timetz,
  gap interval, uid uuid, address inet, network cidr, feeling mood, doc json, docb jsonb,
  tags text[], numbers int[], raw bytea, markup xml, price money,
  "odd name" text, "has:colon" int, "quo""te" text, "100%" text
);
INSERT INTO edge VALUES
 (1, 1, 9000000000, 'a "quoted" label', 'v', 'ab', 'x', 'nm', 12.50, 0.25, 0.1, true,
  '2024-03-01 10:00:00.123456+00', '2024-03-01 10:00:00.5', '2024-03-01', '13:14:15.5',
  '13:14:15+02', '1 day 02:00:00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1',
  '10.0.0.0/8', 'ok', '{"k":  [1, "v"]}', '{"k": [1, "v"]}', ARRAY['x', 'y, z', NULL],
  ARRAY[1, 2], '\x00ff', '<a>b</a>', 3.5, 'odd', 1, 'q', 'p'),
 (2, NULL, NULL, E'back\\slash\ttab\nline\r\x01ctl héllo ✓', '', '     ', NULL, NULL, 3,
  'NaN', 'Infinity', false, 'infinity', '-infinity', 'infinity', NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, '[]', 'null', '{}', '{}', '', NULL, NULL, NULL, NULL, NULL, NULL),
 (3, -3, -1, '', 'a,b', 'abcde', NULL, NULL, 'NaN', '-Infinity', '-0', NULL,
  '1850-06-01 12:00:00+00', '0044-03-15 12:00:00 BC', '0044-03-15 BC', NULL, NULL,
  '-3 mons', NULL, NULL, NULL, 'sad', '"s"', '"s"', ARRAY[E'q"uote'], NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL),
 (4, 4, 4, NULL, NULL, NULL, NULL, NULL, 'Infinity', 1e300, 1.5e-7, true,
  '10000-01-01 00:00:00+00', '10000-01-01 00:00:00', '10000-01-01', NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, 5, 5, 'plain', 'plain', 'p', NULL, NULL, -0.001, 123456789.125, 3, false,
  '2024-07-01 23:59:59+00', '2024-07-01 23:59:59', '2024-07-01', NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO edge (id, label, amount, ratio, at_zone, at_local, day)
SELECT g, 'row ' || g, g / 8.0, g * 0.5, timestamptz '2024-01-01 00:00:00+00' + g * interval
       '1 second', timestamp '2024-01-01' + g * interval '1 minute', date '2024-01-01' + g
FROM generate_series(6, 400) g;
"""


def _both(conninfo: str, sql: str, values: object, zone: str, tmp_path: Path) -> bytes:
    """The file each path writes; asserted equal, the one written returned."""
    fast, slow = tmp_path / "fast.ion", tmp_path / "slow.ion"
    with psycopg.connect(conninfo) as conn:
        fast_rows = copy_store.store(conn, sql, values, zone, fast)
        slow_rows = ion_copy.store(conn, sql, values, zone, slow)
    assert fast_rows == slow_rows
    assert fast.read_bytes() == slow.read_bytes()
    return fast.read_bytes()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns"])
def test_the_client_writes_the_bytes_the_server_writes(
    tmp_path: Path, pg_jdbc: tuple[str, str], zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, conninfo = pg_jdbc
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(EDGE_TABLE)  # type: ignore[arg-type]
    # Small blocks: some with a quoted value and some without, each parsed on its own.
    monkeypatch.setattr(copy_store, "BLOCK", 700)
    written = _both(conninfo, "SELECT * FROM edge ORDER BY id", None, zone, tmp_path)
    lines = written.decode().splitlines()
    assert len(lines) == 400
    first = ion.loads(lines[0])
    assert first["label"] == 'a "quoted" label' and first["short"] == "ab"
    assert first["tags"] == ["x", "y, z", None] and first["raw"] == b"\x00\xff"
    second = ion.loads(lines[1])
    assert second["label"] == "back\\slash\ttab\nline\r\x01ctl héllo ✓"
    assert second["code"] == "" and second["short"] == "" and second["small"] is None
    if zone == "UTC":
        assert '"at_zone":' not in lines[0] and "at_zone:2024-03-01T10:00:00.123456Z" in lines[0]
        assert "at_local:2024-03-01T10:00:00.5-00:00" in lines[0]
    # Parameters bound client-side, a column named with a %, one block for everything.
    monkeypatch.setattr(copy_store, "BLOCK", 1 << 20)
    sql = "SELECT id, \"100%%\", label FROM edge WHERE id > %s AND label <> 'x%%' ORDER BY id"
    assert len(_both(conninfo, sql, [2], zone, tmp_path).splitlines()) == 397  # id 4: a null label


def test_a_server_error_in_the_middle_of_the_rows_fails_the_task(
    tmp_path: Path, pg_jdbc: tuple[str, str]
) -> None:
    url, _ = pg_jdbc
    finished = run_flow(
        tmp_path,
        f"""
        id: pg_broken
        namespace: company.team
        tasks:
          - id: store
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: {url}
            username: postgres
            sql: SELECT g, 1 / (g - 150000) AS broken FROM generate_series(1, 200000) g
            fetchType: STORE
        """,
    )
    assert state_of(finished, "store") == "FAILED"
    logged = messages(finished)
    assert any(line.endswith("division by zero") and "\n" not in line for line in logged)
    assert not any("Traceback" in line for line in logged)


def test_store_without_pyarrow_and_with_repeated_names_still_writes_ion(
    tmp_path: Path, pg_jdbc: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = pg_jdbc
    seen: dict[str, list[object]] = {}

    def check(services: Services, finished: Finished) -> None:
        assert state_of(finished, "plain") == "SUCCESS", messages(finished)
        seen["plain"] = stored_rows(services, outputs(finished, "plain")["uri"])
        seen["repeated"] = stored_rows(services, outputs(finished, "repeated")["uri"])

    monkeypatch.setattr(ion_columns, "available", lambda: False)
    run_flow(
        tmp_path,
        f"""
        id: pg_paths
        namespace: company.team
        tasks:
          - id: plain
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: {url}
            username: postgres
            sql: SELECT 1 AS a, 'x' AS b
            fetchType: STORE
          - id: repeated
            type: io.kestra.plugin.jdbc.postgresql.Query
            url: {url}
            username: postgres
            sql: SELECT 1 AS a, 2 AS a
            fetchType: STORE
        """,
        check,
    )
    assert seen["plain"] == [{"a": 1, "b": "x"}]
    assert len(seen["repeated"]) == 1
