"""SQL ``STORE`` throughput: a PostgreSQL ``Query`` with ``fetchType: STORE`` writing
1,000,000 rows of ten mixed columns into an Ion file, against psycopg's ``COPY ... TO
STDOUT`` of the same rows (the physical limit here). Each side runs in its own process, so
its peak memory (max RSS) is its own.

``python bench/bench_jdbc.py [rows]``; needs PostgreSQL's initdb and pg_ctl, and psycopg.
"""

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000

CREATE = """
CREATE TABLE bench AS
SELECT g AS id,
       g::bigint * 1000 AS big,
       'name-' || g AS label,
       (g % 10000)::numeric(12, 2) / 100 AS amount,
       g * 0.5::float8 AS ratio,
       g % 2 = 0 AS flag,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' AS at_zone,
       timestamp '2024-01-01 00:00:00' + g * interval '1 minute' AS at_local,
       date '2024-01-01' + (g % 365) AS day,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || (g % 97) END AS note
FROM generate_series(1, {rows}) g
"""

FLOW = """
id: bench_store
namespace: bench
tasks:
  - id: store
    type: io.kestra.plugin.jdbc.postgresql.Query
    url: jdbc:postgresql://127.0.0.1:{port}/postgres
    username: postgres
    timeZoneId: UTC
    sql: SELECT * FROM bench
    fetchType: STORE
"""

STORE_SCRIPT = """
import sys, time
from pathlib import Path
from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services
flow_text, data = sys.argv[1], sys.argv[2]
(flow,) = load_flows(flow_text.encode(), "bench.yaml", default_registry()).valid_flows()
with local_services(Path(data)) as services:
    start = time.perf_counter()
    finished = LocalRunner(services).execute(flow)
    seconds = time.perf_counter() - start
    (run,) = finished.task_runs
    assert str(run.state.current) == "SUCCESS", [line.message for line in finished.logs]
    uri = run.outputs["uri"]
    with services.storage.open(uri) as stored:
        size = stored.seek(0, 2)
    print(seconds, run.outputs["size"], size)
"""

COPY_SCRIPT = """
import sys, time, psycopg
start = time.perf_counter()
total = 0
with psycopg.connect(sys.argv[1]) as conn, conn.cursor() as cur:
    with cur.copy("COPY (SELECT * FROM bench) TO STDOUT") as copy:
        for block in copy:
            total += len(block)
print(time.perf_counter() - start, total)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _child(script: str, *args: str) -> tuple[list[str], float, float]:
    """Run a script in a fresh interpreter; its printed words, its peak RSS in MB and the
    CPU seconds it used (all its threads, from its start: imports included)."""
    wrapper = (
        "import resource, runpy, sys\n"
        f"exec(compile({script!r}, 'bench', 'exec'))\n"
        "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    lines = done.stdout.split("\n")
    rss, cpu = lines[1].split()
    return lines[0].split(), float(rss), float(cpu)


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    bindir = Path(
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        or "/usr/lib/postgresql/15/bin"
    )
    home = Path(tempfile.mkdtemp(prefix="tiercel-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()
    data = home / "data"
    subprocess.run(
        _as_postgres(str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                     "--auth=trust", "-E", "UTF8", "--no-sync"),
        check=True, capture_output=True, cwd=home,
    )  # fmt: skip
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"),
                     "-o", options, "-w", "start"),
        check=True, capture_output=True, cwd=home,
    )  # fmt: skip
    try:
        import psycopg

        conninfo = f"host=127.0.0.1 port={port} dbname=postgres user=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(CREATE.format(rows=ROWS))  # type: ignore[arg-type]
            conn.execute("VACUUM ANALYZE bench")
        work = Path(tempfile.mkdtemp(prefix="tiercel-bench-store-"))
        copy_words, copy_rss, copy_cpu = _child(COPY_SCRIPT, conninfo)
        store_words, store_rss, store_cpu = _child(STORE_SCRIPT, FLOW.format(port=port), str(work))
        shutil.rmtree(work, ignore_errors=True)
        copy_seconds, copy_bytes = float(copy_words[0]), int(copy_words[1])
        store_seconds, rows = float(store_words[0]), int(store_words[1])
        ion_bytes = int(store_words[2])
        assert rows == ROWS
        print(f"rows: {ROWS:,} (ten mixed columns)")
        for name, seconds, size, rss, cpu in (
            ("COPY TO STDOUT", copy_seconds, copy_bytes, copy_rss, copy_cpu),
            ("Query STORE", store_seconds, ion_bytes, store_rss, store_cpu),
        ):
            print(
                f"{name:15}: {seconds:6.2f} s {ROWS / seconds:>10,.0f} rows/s "
                f"{size / seconds / 1e6:6.1f} MB/s, {size / 1e6:.0f} MB, peak RSS {rss:.0f} MB, "
                f"client CPU {cpu:.1f} s; load average {_load()}"
            )
        print(
            f"STORE / COPY throughput: {copy_seconds / store_seconds:.0%} (target >= 50%); "
            f"STORE peak memory {store_rss:.0f} MB (target <= 150 MB; the whole flow run)"
        )
    finally:
        subprocess.run(
            _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
            capture_output=True, cwd=home, check=False,
        )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    assert resource  # the children read their own peak RSS through it
    main()
